//! Runs kept beside the live one, to compare with it: a scenario's comparison runs (computed
//! a few steps at a time, so no frame waits for them) and runs the reader pinned.

use crate::history::History;
use crate::settings::Settings;
use crate::sim::{Curvature, Simulation};

/// At most this many runs are pinned at once: more lines would not be told apart.
pub const MAX_PINNED: usize = 4;

/// A run beside the live one.
pub struct Pinned {
    /// What the legend calls it: what differs from the live run ("K = 2", "design mixp").
    pub label: String,
    /// The settings it started with.
    pub settings: Settings,
    /// The scenario comparison it computes (its index), or None: pinned by the reader.
    pub comparison: Option<usize>,
    run: Run,
}

enum Run {
    /// Finished (or copied from the live run when it was pinned).
    Done(History),
    /// Being computed up to `until` steps, switching to `switch` settings at its step.
    Computing {
        sim: Box<Simulation>,
        until: u64,
        switch: Option<(u64, Settings)>,
    },
}

impl Pinned {
    /// A copy of a run as it is now.
    pub fn copy(label: String, sim: &Simulation) -> Pinned {
        Pinned {
            label,
            settings: sim.settings().clone(),
            comparison: None,
            run: Run::Done(sim.history().clone()),
        }
    }

    /// A fresh run of `until` steps from `settings` (switching to `switch` at its step on
    /// the way), computed by [`Pinned::advance`].
    pub fn compute(
        label: String,
        comparison: usize,
        settings: Settings,
        until: u64,
        switch: Option<(u64, Settings)>,
    ) -> Pinned {
        Pinned {
            label,
            comparison: Some(comparison),
            run: Run::Computing {
                // Nothing reads a comparison run's curvature at theta_t: it is not measured.
                sim: Box::new(Simulation::measuring(settings.clone(), Curvature::OnRequest)),
                until,
                switch,
            },
            settings,
        }
    }

    pub fn history(&self) -> &History {
        match &self.run {
            Run::Done(history) => history,
            Run::Computing { sim, .. } => sim.history(),
        }
    }

    /// Is it complete (not being computed any more)?
    pub fn done(&self) -> bool {
        matches!(self.run, Run::Done(_))
    }

    /// Steps still to compute.
    pub fn remaining(&self) -> u64 {
        match &self.run {
            Run::Done(_) => 0,
            Run::Computing { sim, until, .. } => until.saturating_sub(sim.step_count()),
        }
    }

    /// Computes up to `budget` more steps; returns how many it took. A run that diverges
    /// stops there, its history up to that step.
    pub fn advance(&mut self, budget: u64) -> u64 {
        let Run::Computing { sim, until, switch } = &mut self.run else {
            return 0;
        };
        let mut taken = 0;
        let mut finished = false;
        while taken < budget && sim.step_count() < *until {
            if let Some((at, next)) = switch {
                if sim.step_count() == *at {
                    sim.set_settings(next.clone());
                    *switch = None;
                }
            }
            taken += 1;
            if sim.step().is_err() {
                finished = true;
                break;
            }
        }
        if finished || sim.step_count() >= *until {
            self.run = Run::Done(sim.history().clone());
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_computed_run_equals_a_run_stepped_at_once_and_switches_on_time() {
        let settings = Settings::parse("online=1&model=tabular&lr=5").unwrap();
        let offline = Settings::parse("online=0&model=tabular&lr=5").unwrap();
        let mut pinned = Pinned::compute(
            "offline from step 7".into(),
            0,
            settings.clone(),
            20,
            Some((7, offline.clone())),
        );
        let mut taken = 0;
        while !pinned.done() {
            taken += pinned.advance(3);
        }
        assert_eq!((taken, pinned.remaining()), (20, 0));
        let mut sim = Simulation::measuring(settings, Curvature::OnRequest);
        sim.run(7).unwrap();
        sim.set_settings(offline);
        sim.run(13).unwrap();
        // Bit for bit (NaN, "not defined", is not equal to itself).
        let bits = |h: &History| -> Vec<Vec<u64>> {
            h.records()
                .iter()
                .map(|r| r.values.iter().chain(&r.theta).map(|v| v.to_bits()).collect())
                .collect()
        };
        assert_eq!(bits(pinned.history()), bits(sim.history()));
    }
}
