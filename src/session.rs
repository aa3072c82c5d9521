//! What one simulator on screen holds beside its live run: the runs pinned for comparison
//! (a scenario's comparison runs, or the reader's), the scenario whose story it tells, and how
//! the charts show it. The page, each `<dpo-sim>` element and `dpo-sim run --preset` use it the
//! same way; the wasm facade only forwards to it.

use std::sync::Arc;

use crate::charts::{Compared, Scene, View};
use crate::format::{number, Format};
use crate::landscape::Surface;
use crate::pinned::{Pinned, MAX_PINNED};
use crate::presets::{find, Preset};
use crate::responses::Responses;
use crate::settings::{Settings, SettingsError};
use crate::sim::Simulation;
use crate::story::{tell, Runs, Told};

pub struct Session {
    sim: Simulation,
    pinned: Vec<Pinned>,
    scenario: Option<&'static Preset>,
    /// A setting changed after step 0: the live run mixes settings.
    mixed: bool,
    pub view: View,
}

impl Session {
    pub fn new(settings: Settings) -> Session {
        Session {
            sim: Simulation::new(settings),
            pinned: Vec::new(),
            scenario: None,
            mixed: false,
            view: View::default(),
        }
    }

    pub fn sim(&self) -> &Simulation {
        &self.sim
    }

    /// Applies `key=value&...` on top of the current settings (all or nothing); returns whether
    /// the run restarted. The scenario's comparison runs start again from the new settings.
    pub fn set(&mut self, query: &str) -> Result<bool, SettingsError> {
        let mut next = self.sim.settings().clone();
        next.apply(query)?;
        Ok(self.adopt(next))
    }

    /// Replaces every setting with `query` on top of the defaults (a world it does not give
    /// is gone, where `set` would keep it); returns whether the run restarted. A page loading a
    /// link, a scenario or an element's attributes uses it.
    pub fn replace(&mut self, query: &str) -> Result<bool, SettingsError> {
        Ok(self.adopt(Settings::parse(query)?))
    }

    /// Moves response `index` to features `phi`: the world becomes the list of its responses
    /// (completed, see [`crate::world::responses`]) with that one moved; returns whether the
    /// run restarted (it does, unless nothing moved). A drag on the map sends many of these:
    /// no text is parsed.
    pub fn move_response(&mut self, index: usize, phi: [f64; 2]) -> Result<bool, String> {
        let s = self.sim.settings();
        let mut list = crate::world::responses(s);
        let count = list.len();
        let response = list
            .get_mut(index)
            .ok_or_else(|| format!("response {} is not in the world, which has {count}", index + 1))?;
        response.phi = Some(phi);
        let mut next = s.clone();
        next.world = Some(Arc::new(Responses::new(list, "world")?));
        Ok(self.adopt(next))
    }

    /// Runs on with `next` (or restarts); the comparison runs start again from it.
    fn adopt(&mut self, next: Settings) -> bool {
        if next == *self.sim.settings() {
            return false;
        }
        let restarted = self.sim.set_settings(next);
        self.mixed = !restarted && (self.mixed || self.sim.step_count() > 0);
        self.recompare();
        restarted
    }

    /// Back to step 0 with the same settings (the comparison runs still hold).
    pub fn reset(&mut self) {
        self.sim.reset();
        self.mixed = false;
    }

    /// Up to `n` steps; stops at the first error (a divergence, with its reason).
    pub fn step(&mut self, n: u64) -> Result<(), String> {
        self.sim.run(n)
    }

    /// Loads a scenario: its settings on top of the defaults, a fresh run, and its comparison
    /// runs pinned in place of any pinned before.
    pub fn load_scenario(&mut self, key: &str) -> Result<(), String> {
        let preset = find(key)?;
        let settings = Settings::parse(preset.settings).map_err(|e| e.to_string())?;
        self.sim = Simulation::new(settings);
        self.mixed = false;
        self.scenario = Some(preset);
        self.pinned.clear();
        self.recompare();
        Ok(())
    }

    /// Back to custom settings: the story is gone; its comparison runs stay pinned as they are.
    pub fn forget_scenario(&mut self) {
        self.scenario = None;
        for p in &mut self.pinned {
            p.comparison = None;
        }
    }

    pub fn scenario(&self) -> Option<&'static Preset> {
        self.scenario
    }

    /// (Re)starts the scenario's comparison runs from the live run's settings.
    fn recompare(&mut self) {
        let Some(preset) = self.scenario else {
            return;
        };
        let base = self.sim.settings();
        let runs: Vec<Pinned> = preset
            .comparisons
            .iter()
            .enumerate()
            .filter_map(|(k, c)| {
                let mut settings = base.clone();
                settings.apply(c.settings).ok()?;
                let switch = c.switch.and_then(|(at, query)| {
                    let mut next = settings.clone();
                    next.apply(query).ok().map(|()| (at, next))
                });
                Some(Pinned::compute(c.label.to_string(), k, settings, preset.steps, switch))
            })
            .collect();
        self.pinned.retain(|p| p.comparison.is_none());
        let room = MAX_PINNED.saturating_sub(runs.len());
        if self.pinned.len() > room {
            self.pinned.drain(..self.pinned.len() - room);
        }
        self.pinned.splice(0..0, runs);
    }

    /// Pins the live run as it is now; returns its label: the settings that differ from the
    /// scenario's (or the defaults'), e.g. "design mixp".
    pub fn pin(&mut self) -> Result<String, String> {
        if self.pinned.len() >= MAX_PINNED {
            return Err(format!("at most {MAX_PINNED} runs can be pinned: unpin one first"));
        }
        let base = match self.scenario {
            Some(p) => Settings::parse(p.settings).map_err(|e| e.to_string())?,
            None => Settings::default(),
        };
        let now = self.sim.settings();
        let differs: Vec<String> = now
            .differences(&base)
            .into_iter()
            .map(|(key, here, _)| format!("{key} {here}"))
            .collect();
        let stem = if differs.is_empty() {
            match self.scenario {
                Some(p) => p.label.to_string(),
                None => "defaults".to_string(),
            }
        } else {
            differs.join(", ")
        };
        let taken = |label: &str| self.pinned.iter().any(|p| p.label == label);
        let label = (1..)
            .map(|k| if k == 1 { stem.clone() } else { format!("{stem} ({k})") })
            .find(|l| !taken(l))
            .expect("an unused label");
        self.pinned.push(Pinned::copy(label.clone(), &self.sim));
        Ok(label)
    }

    /// Removes the pinned run with this label, or all of them.
    pub fn unpin(&mut self, label: Option<&str>) -> Result<(), String> {
        match label {
            None => self.pinned.clear(),
            Some(label) => {
                let before = self.pinned.len();
                self.pinned.retain(|p| p.label != label);
                if self.pinned.len() == before {
                    let known: Vec<&str> = self.pinned.iter().map(|p| p.label.as_str()).collect();
                    return Err(format!(
                        "no pinned run '{}' (pinned: {})",
                        label.chars().take(40).collect::<String>(),
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn pinned(&self) -> &[Pinned] {
        &self.pinned
    }

    /// Computes up to `budget` steps of the comparison runs still being computed, in turn;
    /// returns the steps still to compute after that.
    pub fn advance_pinned(&mut self, budget: u64) -> u64 {
        let mut left = budget;
        for p in &mut self.pinned {
            if left == 0 {
                break;
            }
            left -= p.advance(left);
        }
        self.pinned.iter().map(Pinned::remaining).sum()
    }

    /// Computes every comparison run to its end (the command line, tests).
    pub fn finish_pinned(&mut self) {
        self.advance_pinned(u64::MAX);
    }

    /// The scenario's story told from the runs as they are (None without a scenario).
    pub fn story(&self) -> Option<Told> {
        let preset = self.scenario?;
        let compared = (0..preset.comparisons.len())
            .map(|k| {
                self.pinned
                    .iter()
                    .find(|p| p.comparison == Some(k) && p.done())
                    .map(Pinned::history)
            })
            .collect();
        let runs = Runs {
            live: self.sim.history(),
            compared,
        };
        let mut told = tell(preset, &runs, self.sim.settings(), self.mixed);
        // A world given by its responses has names worth saying: where the run ended, by name.
        if told.done && self.sim.settings().world.is_some() && self.sim.step_count() == preset.steps {
            let world = self.sim.world();
            let (i, p) = world.most_likely(&self.sim.state().probs);
            told.message += &format!(
                " The policy's most likely response now: {}, {} %.",
                world.names[i],
                number(100.0 * p, Format::Fixed(0))
            );
        }
        Some(told)
    }

    /// What the legend calls the live run beside pinned ones: the scenario's name for it while
    /// its settings are the scenario's, else "this run".
    fn live_label(&self) -> String {
        match self.scenario {
            Some(p) if Settings::parse(p.settings).is_ok_and(|s| s == *self.sim.settings()) => p.label.to_string(),
            _ => "this run".to_string(),
        }
    }

    /// Everything the charts draw, with the landscape's surface when it was computed ahead.
    pub fn scene<'a>(&'a self, surface: Option<&'a Surface>) -> Scene<'a> {
        Scene {
            sim: &self.sim,
            surface,
            pinned: self
                .pinned
                .iter()
                .map(|p| Compared {
                    label: &p.label,
                    history: p.history(),
                })
                .collect(),
            live_label: self.live_label(),
            view: self.view,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_drops_a_world_the_query_does_not_give() {
        let mut s = Session::new(Settings::default());
        assert!(s.set("rewards=1,2,3,4").unwrap());
        assert_eq!(s.sim().world().n(), 4);
        // set keeps the world; replace starts from the defaults.
        s.set("quality=0.5").unwrap();
        assert_eq!(s.sim().world().n(), 4);
        assert!(s.replace("quality=0.5").unwrap());
        assert_eq!(s.sim().world().n(), 48);
        assert!(s.sim().settings().world.is_none());
    }

    /// Moving a response gives the world that the same move written as a list gives, and
    /// keeps every other response as it was (generated ones included).
    #[test]
    fn a_moved_response_is_the_world_with_it_moved() {
        let mut s = Session::new(Settings::parse("n=6&seed=4").unwrap());
        let before = crate::world::responses(s.sim().settings());
        assert!(s.move_response(2, [0.5, -1.25]).unwrap());
        let after = crate::world::responses(s.sim().settings());
        for (i, (a, b)) in before.iter().zip(&after).enumerate() {
            let phi = if i == 2 { Some([0.5, -1.25]) } else { a.phi };
            assert_eq!((&b.name, b.reward, b.phi), (&a.name, a.reward, phi), "response {i}");
        }
        assert_eq!(s.sim().world().features[2], [0.5, -1.25]);
        let (key, text) = s.sim().settings().world_text().unwrap();
        assert_eq!(
            Settings::parse(&format!("{key}={text}&seed=4")).unwrap(),
            *s.sim().settings()
        );
        assert!(s
            .move_response(6, [0.0, 0.0])
            .unwrap_err()
            .contains("response 7 is not in the world, which has 6"));
        assert!(s
            .move_response(0, [f64::NAN, 0.0])
            .unwrap_err()
            .contains("not a finite number"));
    }

    #[test]
    fn pins_are_named_by_what_differs_and_capped() {
        let mut s = Session::new(Settings::default());
        assert_eq!(s.pin().unwrap(), "defaults");
        s.set("quality=1&design=independent").unwrap();
        assert_eq!(s.pin().unwrap(), "quality 1, design independent");
        assert_eq!(s.pin().unwrap(), "quality 1, design independent (2)");
        s.pin().unwrap();
        assert!(s.pin().unwrap_err().contains("at most 4"));
        s.unpin(Some("defaults")).unwrap();
        assert!(s.unpin(Some("nope")).unwrap_err().contains("no pinned run 'nope'"));
        s.unpin(None).unwrap();
        assert!(s.pinned().is_empty());
    }

    #[test]
    fn comparisons_follow_the_live_settings() {
        let mut s = Session::new(Settings::default());
        s.load_scenario("best-of-k").unwrap();
        let labels: Vec<&str> = s.pinned().iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["K = 2", "K = 32"]);
        assert!(s.story().is_some_and(|t| !t.done));
        s.set("quality=0.5").unwrap();
        assert!(s.pinned().iter().all(|p| p.settings.quality == 0.5 && !p.done()));
        s.finish_pinned();
        assert!(s.pinned().iter().all(Pinned::done));
        assert_eq!(s.pinned()[0].history().records().last().unwrap().values[0], 300.0);
    }
}
