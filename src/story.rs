//! A scenario as a small experiment that checks its own words. Its comparison runs are
//! variations of the live run; its claims are predicates over the measured runs, each naming
//! the numbers it reads. The end message is computed here, from the runs, and is the same text
//! everywhere: the page, the element, the tour, the API and `dpo-sim run --preset`.

use crate::history::History;
use crate::metrics::{column, METRICS};
use crate::presets::Preset;
use crate::settings::Settings;

/// A variation of the live run, run beside it: `settings` on top of the live run's, and
/// optionally other settings from a step on (a setting changed mid-run).
#[derive(Debug)]
pub struct Comparison {
    pub label: &'static str,
    pub settings: &'static str,
    pub switch: Option<(u64, &'static str)>,
}

/// Which run a number is read from: the live one, or a comparison (by its index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    Live,
    Compared(usize),
}

/// A number measured on a run, up to the story's end.
#[derive(Clone, Copy, Debug)]
pub enum Quantity {
    /// A metrics column at a step.
    At(&'static str, u64),
    /// A metrics column at the story's end.
    End(&'static str),
    /// The largest value of a column, and the step where it is first reached.
    Peak(&'static str),
    PeakStep(&'static str),
    /// The first step from which this run's column stays at or above another run's until
    /// the story's end (infinite: it never does).
    Overtakes(&'static str, Run),
}

/// One number a claim reads, with what the message calls it.
#[derive(Debug)]
pub struct Read {
    pub label: &'static str,
    pub run: Run,
    pub quantity: Quantity,
}

/// A sentence of a story, with the numbers that decide it.
#[derive(Debug)]
pub struct Claim {
    /// The claim as the story says it.
    pub text: &'static str,
    /// What the message says instead when the runs do not bear it out.
    pub otherwise: &'static str,
    pub reads: &'static [Read],
    /// Whether the numbers (in the order of `reads`) bear the claim out.
    pub holds: fn(&[f64]) -> bool,
}

/// A claim judged on the runs as they are.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub text: &'static str,
    /// None: not decided yet (a run has not reached the step it reads).
    pub holds: Option<bool>,
    /// The numbers it read, as `label value, ...`.
    pub numbers: String,
    /// The sentence the message says: the claim or its negation, with its numbers.
    pub sentence: String,
}

/// A story told from its runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Told {
    pub claims: Vec<Verdict>,
    /// The whole story's outcome in one line ("Step 400: all 4 claims hold.").
    pub verdict: String,
    /// The end message's first part: J at the end and what differs from the scenario.
    pub heading: String,
    /// The end message: the heading, then each claim's sentence.
    pub message: String,
    /// Has the live run reached the story's end (and are the comparisons computed)?
    pub done: bool,
}

/// The runs a story reads: the live one and its comparisons (None while still computing).
pub struct Runs<'a> {
    pub live: &'a History,
    pub compared: Vec<Option<&'a History>>,
}

/// The value of `col` at `step`, if the run recorded it (every step up to 512 is recorded).
fn at(history: &History, col: usize, step: u64) -> f64 {
    let records = history.records();
    let k = records.partition_point(|r| (r.values[0] as u64) < step);
    match records.get(k) {
        Some(r) if r.values[0] as u64 == step => r.values[col],
        _ => f64::NAN,
    }
}

/// (step, value) of `col` from step 0 to `end`, or None when the run has not got there.
fn upto(history: &History, col: usize, end: u64) -> Option<Vec<(u64, f64)>> {
    let last = history.records().last()?.values[0] as u64;
    (last >= end).then(|| {
        history
            .records()
            .iter()
            .map(|r| (r.values[0] as u64, r.values[col]))
            .take_while(|(s, _)| *s <= end)
            .collect()
    })
}

impl<'a> Runs<'a> {
    fn history(&self, run: Run) -> Option<&'a History> {
        match run {
            Run::Live => Some(self.live),
            Run::Compared(k) => self.compared.get(k).copied().flatten(),
        }
    }

    /// A quantity of a run (NaN: not measured yet).
    pub fn measure(&self, run: Run, quantity: Quantity, end: u64) -> f64 {
        let Some(h) = self.history(run) else {
            return f64::NAN;
        };
        let peak = |col: &str| {
            upto(h, column(col), end).map(|points| {
                points
                    .into_iter()
                    .fold((0, f64::NEG_INFINITY), |best, p| if p.1 > best.1 { p } else { best })
            })
        };
        match quantity {
            Quantity::At(col, step) => at(h, column(col), step),
            Quantity::End(col) => at(h, column(col), end),
            Quantity::Peak(col) => peak(col).map_or(f64::NAN, |p| p.1),
            Quantity::PeakStep(col) => peak(col).map_or(f64::NAN, |p| p.0 as f64),
            Quantity::Overtakes(col, other) => {
                let (Some(mine), Some(theirs)) = (
                    upto(h, column(col), end),
                    self.history(other).and_then(|o| upto(o, column(col), end)),
                ) else {
                    return f64::NAN;
                };
                let behind = mine
                    .iter()
                    .zip(&theirs)
                    .filter(|((_, a), (_, b))| a < b)
                    .map(|((s, _), _)| *s)
                    .max();
                match behind {
                    None => 0.0,
                    Some(s) if s >= end => f64::INFINITY,
                    Some(s) => (s + 1) as f64,
                }
            }
        }
    }
}

/// A number as the message shows it: a step as a whole number, a metric in its column's format.
fn show(quantity: Quantity, v: f64) -> String {
    match quantity {
        Quantity::PeakStep(_) | Quantity::Overtakes(..) if v.is_infinite() => "never".into(),
        Quantity::PeakStep(_) | Quantity::Overtakes(..) => format!("{v}"),
        Quantity::At(col, _) | Quantity::End(col) | Quantity::Peak(col) => METRICS[column(col)].show(v),
    }
}

impl Claim {
    /// Judges the claim on `runs` up to the story's `end`.
    pub fn judge(&self, runs: &Runs, end: u64) -> Verdict {
        let values: Vec<f64> = self
            .reads
            .iter()
            .map(|r| runs.measure(r.run, r.quantity, end))
            .collect();
        let measured = values.iter().all(|v| !v.is_nan());
        let holds = measured.then(|| (self.holds)(&values));
        let numbers = self
            .reads
            .iter()
            .zip(&values)
            .map(|(r, v)| format!("{} {}", r.label, show(r.quantity, *v)))
            .collect::<Vec<_>>()
            .join(", ");
        let sentence = match holds {
            Some(true) => format!("✓ {} ({numbers}).", self.text),
            Some(false) => format!("✗ Not here: {} ({numbers}).", self.otherwise),
            None => format!("… {} (checked when the runs reach step {end}).", self.text),
        };
        Verdict {
            text: self.text,
            holds,
            numbers,
            sentence,
        }
    }
}

/// The settings that differ from the scenario's, as "support 1 instead of 0.3".
pub fn differences(preset: &Preset, now: &Settings) -> Vec<String> {
    let Ok(own) = Settings::parse(preset.settings) else {
        return Vec::new();
    };
    now.differences(&own)
        .into_iter()
        .map(|(key, here, there)| format!("{key} {here} instead of {there}"))
        .collect()
}

/// The story of `preset` told from its runs: each claim's verdict and the end message. `now`
/// is the live run's settings; `mixed`: some setting changed during the live run.
pub fn tell(preset: &Preset, runs: &Runs, now: &Settings, mixed: bool) -> Told {
    let end = preset.steps;
    let claims: Vec<Verdict> = preset.claims.iter().map(|c| c.judge(runs, end)).collect();
    let reached = runs.live.records().last().map_or(0, |r| r.values[0] as u64);
    let computed = runs.compared.iter().all(Option::is_some);
    let done = reached >= end && computed;
    let n = claims.len();
    if !done {
        let verdict = if reached >= end {
            format!("Step {end}: checking its {n} claims against the comparison runs…")
        } else {
            format!("Plays out in {end} steps; its {n} claims are checked then.")
        };
        let message = format!(
            "Step {} of {end}: the story's {n} claims are checked {}.",
            reached.min(end),
            if reached >= end {
                "once its comparison runs are computed"
            } else {
                "at its end"
            }
        );
        return Told {
            claims,
            verdict,
            heading: String::new(),
            message,
            done,
        };
    }
    let changed = differences(preset, now);
    let held = claims.iter().filter(|c| c.holds == Some(true)).count();
    let outcome = match held {
        _ if held == n => format!("all {n} claims hold"),
        0 => format!("none of its {n} claims holds"),
        _ => format!("{held} of {n} claims hold"),
    };
    let context = match changed.len() {
        0 if mixed => ", with settings changed during the run".to_string(),
        0 => String::new(),
        1 => format!(", with {}", changed[0]),
        k => format!(", with {k} settings changed"),
    };
    let verdict = format!("Step {end}: {outcome}{context}.");
    let live = |col: &'static str| runs.measure(Run::Live, Quantity::End(col), end);
    let j = METRICS[column("expected_reward")].show(live("expected_reward"));
    let mut context = Vec::new();
    for (col, name) in [("attainable_reward", "J_S"), ("rlhf_reward", "J*")] {
        let v = live(col);
        if !v.is_nan() {
            context.push(format!("{name} {}", METRICS[column(col)].show(v)));
        }
    }
    let context = if context.is_empty() {
        String::new()
    } else {
        format!(" ({})", context.join(", "))
    };
    let mut heading = format!("At step {end}, J = {j}{context}.");
    if !changed.is_empty() {
        heading += &format!(" With {}:", changed.join(", "));
    } else if mixed {
        heading += " Settings changed during this run:";
    }
    let mut message = heading.clone();
    for claim in &claims {
        message.push(' ');
        message.push_str(&claim.sentence);
    }
    Told {
        claims,
        verdict,
        heading,
        message,
        done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Record;
    use crate::metrics::COUNT;

    fn history(values: &[f64]) -> History {
        let mut h = History::new(1024, 512);
        for (step, v) in values.iter().enumerate() {
            let mut row = [f64::NAN; COUNT];
            row[0] = step as f64;
            row[column("expected_reward")] = *v;
            h.push(Record {
                values: row,
                theta: vec![],
            });
        }
        h
    }

    #[test]
    fn quantities_read_steps_peaks_and_overtaking() {
        let live = history(&[0.0, 3.0, 5.0, 4.0, 4.5]);
        let other = history(&[0.0, 4.0, 4.0, 4.2, 4.4]);
        let runs = Runs {
            live: &live,
            compared: vec![Some(&other), None],
        };
        let j = "expected_reward";
        assert_eq!(runs.measure(Run::Live, Quantity::At(j, 2), 4), 5.0);
        assert_eq!(runs.measure(Run::Live, Quantity::End(j), 4), 4.5);
        assert_eq!(runs.measure(Run::Live, Quantity::Peak(j), 4), 5.0);
        assert_eq!(runs.measure(Run::Live, Quantity::PeakStep(j), 4), 2.0);
        // Behind at step 1 and 3, ahead from step 4 on.
        assert_eq!(
            runs.measure(Run::Live, Quantity::Overtakes(j, Run::Compared(0)), 4),
            4.0
        );
        assert_eq!(
            runs.measure(Run::Compared(0), Quantity::Overtakes(j, Run::Live), 4),
            f64::INFINITY
        );
        // Not there yet, or not computed: not measured.
        assert!(runs.measure(Run::Live, Quantity::End(j), 9).is_nan());
        assert!(runs.measure(Run::Compared(1), Quantity::End(j), 4).is_nan());
        assert!(runs.measure(Run::Live, Quantity::Peak(j), 9).is_nan());
    }

    #[test]
    fn a_claim_says_its_numbers_and_whether_they_bear_it_out() {
        static CLAIM: Claim = Claim {
            text: "J ends above 4",
            otherwise: "J ends at 4 or below",
            reads: &[Read {
                label: "J",
                run: Run::Live,
                quantity: Quantity::End("expected_reward"),
            }],
            holds: |v| v[0] > 4.0,
        };
        let high = history(&[0.0, 4.5]);
        let low = history(&[0.0, 3.5]);
        let judge = |h: &History, end| {
            CLAIM.judge(
                &Runs {
                    live: h,
                    compared: vec![],
                },
                end,
            )
        };
        let v = judge(&high, 1);
        assert_eq!(
            (v.holds, v.sentence.as_str()),
            (Some(true), "✓ J ends above 4 (J 4.5).")
        );
        let v = judge(&low, 1);
        assert_eq!(v.holds, Some(false));
        assert_eq!(v.sentence, "✗ Not here: J ends at 4 or below (J 3.5).");
        assert_eq!(judge(&low, 5).holds, None);
    }
}
