//! Property tests: any settings text is accepted and round-trips, or refused with a message;
//! whatever is accepted runs, every step or up to a divergence that says so. Every field at
//! its limits works, just outside them it is refused by name.

use dpo_sim::rng::Rng;
use dpo_sim::settings::{Kind, FIELDS};
use dpo_sim::{Settings, Simulation};

#[path = "common/settings_text.rs"]
mod settings_text;
use settings_text::random_text;

/// A valid query with one character replaced, dropped or duplicated.
fn mutated_query(rng: &mut Rng) -> String {
    let mut chars: Vec<char> = Settings::default().to_query().chars().collect();
    let at = (rng.uniform() * chars.len() as f64) as usize;
    match (rng.uniform() * 3.0) as usize {
        0 => chars[at] = ['=', '&', '9', '.', '-', 'x', '\u{0}'][(rng.uniform() * 7.0) as usize],
        1 => {
            chars.remove(at);
        }
        _ => chars.insert(at, chars[at]),
    }
    chars.into_iter().collect()
}

#[test]
fn random_and_mutated_settings_are_refused_with_a_message_or_round_trip_and_run() {
    let mut rng = Rng::new(2024, 7);
    let mut accepted = 0;
    // A short fixed budget in the test command; `DPO_FUZZ_CASES=1000000 cargo test --test
    // settings_fuzz` runs longer on demand.
    let cases = std::env::var("DPO_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    for case in 0..cases {
        let text = if case % 2 == 0 {
            random_text(&mut rng)
        } else {
            mutated_query(&mut rng)
        };
        match Settings::parse(&text) {
            Ok(s) => {
                accepted += 1;
                assert_eq!(Settings::parse(&s.to_query()).unwrap(), s, "round trip of '{text}'");
                if accepted % 20 == 0 {
                    runs_or_diverges(&mut Simulation::new(s), 3, &text);
                }
            }
            Err(e) => assert!(
                !e.message.is_empty() && e.message.len() < 400,
                "{text:?}: {}",
                e.message
            ),
        }
    }
    assert!(
        accepted > 100,
        "the generator should also produce valid settings ({accepted})"
    );
}

/// Runs `n` steps: every one of them, or up to a divergence, which is the run's one error,
/// said as such and naming the step where it stopped.
fn runs_or_diverges(sim: &mut Simulation, n: u64, text: &str) {
    match sim.run(n) {
        Ok(()) => assert_eq!((sim.step_count(), sim.diverged()), (n, None), "{text}"),
        Err(e) => {
            assert_eq!(sim.diverged(), Some(e.as_str()), "{text}");
            // The step that failed: taken and then measured non-finite, or refused.
            let said = |k: u64| e.starts_with(&format!("Training diverged at step {k}: "));
            assert!(said(sim.step_count()) || said(sim.step_count() + 1), "{text}: {e}");
        }
    }
}

/// The value text of a field at one end of its range, and just outside it.
fn ends(kind: Kind) -> Vec<(String, bool)> {
    match kind {
        Kind::Real { min, max } => {
            let below = if min == 0.0 { -1e-9 } else { min - min.abs() * 1e-6 };
            vec![
                (min.to_string(), true),
                (max.to_string(), true),
                (below.to_string(), false),
                ((max * (1.0 + 1e-9)).to_string(), false),
            ]
        }
        Kind::Int { min, max } => {
            let mut v = vec![
                (min.to_string(), true),
                (max.to_string(), true),
                ((max + 1).to_string(), false),
            ];
            v.push(if min == 0 {
                ("-1".to_string(), false)
            } else {
                ((min - 1).to_string(), false)
            });
            v
        }
        Kind::Choice(options) => vec![
            (options[0].to_string(), true),
            (options[options.len() - 1].to_string(), true),
            ("other".into(), false),
        ],
        Kind::Bool => vec![("0".into(), true), ("1".into(), true), ("2".into(), false)],
    }
}

#[test]
fn every_field_works_at_its_limits_and_is_refused_outside() {
    for field in FIELDS {
        for (value, ok) in ends(field.kind) {
            let text = format!("{}={value}", field.key);
            match Settings::parse(&text) {
                Ok(s) => {
                    assert!(ok, "{text} should be refused");
                    let mut sim = Simulation::new(s);
                    // Learning rates may legitimately diverge; anything else must run.
                    runs_or_diverges(&mut sim, 20, &text);
                    assert!(sim.metrics().values().iter().all(|v| !v.is_infinite()), "{text}");
                }
                Err(e) => {
                    assert!(!ok, "{text} should be accepted: {e}");
                    assert!(
                        e.message.contains(field.key) && e.message.contains(&field.range_text()),
                        "{}",
                        e.message
                    );
                }
            }
        }
    }
}

#[test]
fn extreme_combinations_run_or_stop_at_a_named_divergence_and_stay_finite() {
    for text in [
        "support=0.01&quality=1&kappa=10&scale=5",
        "beta=0.01&lr=1000&exact=1",
        "beta=10&s=20&labels=oracle&lr=0.0001",
        "n=256&model=tabular&design=bvw&k=32&batch=1024",
        "n=4&support=0.01&design=independent&quality=1&online=1",
        "model=tabular&s=20&beta=0.01&scale=5&lr=1000",
        // The start at its corners, with the steepest margins: losses in the thousands at step 0.
        "theta0=100,-100&beta=10&scale=5&exact=1&lr=0.0001",
        "theta0=-100,100&beta=10&scale=5&s=20&design=mixp&online=1",
        "theta0=100,100&beta=0.01&labels=oracle&design=bvw",
    ] {
        let mut sim = Simulation::new(Settings::parse(text).unwrap());
        runs_or_diverges(&mut sim, 50, text);
        let m = sim.metrics();
        assert!(m.values().iter().all(|v| !v.is_infinite()), "{text}: {m:?}");
    }
}
