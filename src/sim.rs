//! The DPO update loop: one struct owns a run and measures every step.

use crate::closed_form::{target_reward, target_theta};
use crate::history::{History, Record, DEFAULT_CAPACITY};
use crate::loss::{minibatch, population, LossEval};
use crate::metrics::Metrics;
use crate::numerics::{dot, norm, sym2_eigenvalues};
use crate::pairs::{PairSampler, PairWeights, Preferences};
use crate::policy::{dim, expected_reward_gradient, log_probs, scores};
use crate::rng::Rng;
use crate::sampler::Sampler;
use crate::settings::Settings;
use crate::world::World;

/// A population loss above this counts as divergence: training starts at ln 2 and
/// only an overshooting step makes margins this wrong.
pub const DIVERGED_LOSS: f64 = 1000.0;

/// Everything measured at the current parameters.
#[derive(Clone, Debug)]
pub struct State {
    pub log_probs: Vec<f64>,
    pub probs: Vec<f64>,
    pub sampler: Sampler,
    pub pairs: PairWeights,
    /// The minibatch drawn at this step (empty in exact mode or without pairs).
    pub batch: Vec<(usize, usize)>,
    pub exact: LossEval,
    pub batch_eval: LossEval,
    /// grad J(theta).
    pub reward_grad: Vec<f64>,
    pub target: Option<Vec<f64>>,
    pub metrics: Metrics,
}

/// One run of DPO from theta = 0.
pub struct Simulation {
    settings: Settings,
    world: World,
    theta: Vec<f64>,
    step: u64,
    rng: Rng,
    prefs: Preferences,
    state: State,
    prev_probs: Vec<f64>,
    history: History,
    diverged: Option<String>,
}

impl Simulation {
    /// A fresh run; the settings were validated when they were parsed.
    pub fn new(settings: Settings) -> Simulation {
        let world = World::new(&settings);
        let theta = vec![0.0; dim(settings.model, world.n())];
        let mut rng = Rng::new(settings.seed, 1);
        let prefs = Preferences::new(&world, &settings);
        let state = measure(&world, &settings, &prefs, &theta, 0, &mut rng);
        let mut history = History::new(DEFAULT_CAPACITY);
        history.push(Record {
            values: state.metrics.values(),
            theta: theta.clone(),
        });
        let prev_probs = state.probs.clone();
        Simulation {
            settings,
            world,
            theta,
            step: 0,
            rng,
            prefs,
            state,
            prev_probs,
            history,
            diverged: None,
        }
    }

    /// Back to step 0 with the same settings.
    pub fn reset(&mut self) {
        *self = Simulation::new(self.settings.clone());
    }

    /// Adopts new settings. World and model fields restart the run (returns true);
    /// sampler and optimiser fields re-measure the current step and apply from the next.
    pub fn set_settings(&mut self, settings: Settings) -> bool {
        if self.settings.needs_restart(&settings) {
            *self = Simulation::new(settings);
            return true;
        }
        self.settings = settings;
        if !self.prefs.fits(&self.settings) {
            self.prefs = Preferences::new(&self.world, &self.settings);
        }
        self.state = self.measure_now();
        self.history.replace_last(Record {
            values: self.state.metrics.values(),
            theta: self.theta.clone(),
        });
        false
    }

    /// One SGD step (or exact gradient step). After divergence it refuses until reset.
    pub fn step(&mut self) -> Result<(), String> {
        if let Some(why) = &self.diverged {
            return Err(why.clone());
        }
        let direction = if self.settings.exact {
            &self.state.exact.grad
        } else {
            &self.state.batch_eval.grad
        };
        let next: Vec<f64> = self
            .theta
            .iter()
            .zip(direction)
            .map(|(t, g)| t - self.settings.lr * g)
            .collect();
        if next.iter().any(|t| !t.is_finite()) {
            return Err(self.diverge(self.step + 1, "the parameters became non-finite"));
        }
        self.step += 1;
        self.theta = next;
        let state = self.measure_now();
        self.prev_probs = std::mem::replace(&mut self.state, state).probs;
        self.history.push(Record {
            values: self.state.metrics.values(),
            theta: self.theta.clone(),
        });
        let m = &self.state.metrics;
        if m.values().iter().any(|v| v.is_infinite()) || m.loss.is_nan() || m.expected_reward.is_nan() {
            return Err(self.diverge(self.step, "a measured value became non-finite"));
        }
        if m.loss > DIVERGED_LOSS {
            let why = format!("the loss reached {:.3e} (it starts at ln 2 ≈ 0.69)", m.loss);
            return Err(self.diverge(self.step, &why));
        }
        Ok(())
    }

    /// Measures the current parameters under the current settings (draws this step's batch).
    fn measure_now(&mut self) -> State {
        measure(
            &self.world,
            &self.settings,
            &self.prefs,
            &self.theta,
            self.step,
            &mut self.rng,
        )
    }

    /// Up to `n` steps; stops at the first error.
    pub fn run(&mut self, n: u64) -> Result<(), String> {
        (0..n).try_for_each(|_| self.step())
    }

    fn diverge(&mut self, step: u64, what: &str) -> String {
        let why = format!(
            "Training diverged at step {step}: {what}. The learning rate {} is too large for these settings; lower it and reset.",
            self.settings.lr
        );
        self.diverged = Some(why.clone());
        why
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    pub fn world(&self) -> &World {
        &self.world
    }
    pub fn theta(&self) -> &[f64] {
        &self.theta
    }
    pub fn step_count(&self) -> u64 {
        self.step
    }
    pub fn state(&self) -> &State {
        &self.state
    }
    pub fn metrics(&self) -> &Metrics {
        &self.state.metrics
    }
    /// The policy before the latest step (equal to the current one at step 0).
    pub fn prev_probs(&self) -> &[f64] {
        &self.prev_probs
    }
    pub fn history(&self) -> &History {
        &self.history
    }
    /// Why the run stopped, if it diverged.
    pub fn diverged(&self) -> Option<&str> {
        self.diverged.as_deref()
    }
}

/// Measures everything at `theta`, drawing this step's minibatch from `rng`.
pub fn measure(world: &World, s: &Settings, prefs: &Preferences, theta: &[f64], step: u64, rng: &mut Rng) -> State {
    let f = scores(world, s.model, theta);
    let log_probs = log_probs(world, &f);
    let probs: Vec<f64> = log_probs.iter().map(|l| l.exp()).collect();
    let sampler = Sampler::new(world, s, &probs);
    let pairs = PairWeights::new(world, s, &sampler, prefs);
    let batch = if s.exact {
        Vec::new()
    } else {
        PairSampler::new(world, s, prefs, &sampler, &pairs).draw_batch(s.batch, rng)
    };
    let exact = population(world, s.model, s.beta, &pairs, &f);
    let batch_eval = minibatch(world, s.model, s.beta, &batch, &f);
    let reward_grad = expected_reward_gradient(world, s.model, &probs);
    let target = target_theta(world, s, &sampler.in_support);

    let chosen = dot(&pairs.chosen, &log_probs);
    let rejected = dot(&pairs.rejected, &log_probs);
    let margin = s.beta
        * pairs
            .chosen
            .iter()
            .zip(&pairs.rejected)
            .zip(&f)
            .map(|((c, r), f)| (c - r) * f)
            .sum::<f64>();
    let no_pairs = pairs.pairs.is_empty();
    let undefined_without_pairs = |v: f64| if no_pairs { f64::NAN } else { v };
    let reward_grad_norm = norm(&reward_grad);
    let (hessian_min, hessian_max) = exact
        .hessian
        .map_or((f64::NAN, f64::NAN), |h| sym2_eigenvalues(h[0], h[1], h[2]));
    let ref_probs: Vec<f64> = world.ref_logp.iter().map(|l| l.exp()).collect();
    let metrics = Metrics {
        step,
        loss: undefined_without_pairs(exact.loss),
        batch_loss: if batch.is_empty() { f64::NAN } else { batch_eval.loss },
        grad_norm: norm(&exact.grad),
        batch_grad_norm: if batch.is_empty() {
            f64::NAN
        } else {
            norm(&batch_eval.grad)
        },
        signal: if reward_grad_norm > 0.0 {
            -dot(&exact.grad, &reward_grad) / reward_grad_norm
        } else {
            0.0
        },
        expected_reward: world.expected_reward(&probs),
        ref_reward: world.expected_reward(&ref_probs),
        target_reward: target_reward(world, s),
        kl: probs
            .iter()
            .zip(&log_probs)
            .zip(&world.ref_logp)
            .map(|((p, l), r)| if *p > 0.0 { p * (l - r) } else { 0.0 })
            .sum(),
        off_support_mass: sampler.off_support_mass(&probs),
        chosen_logp: undefined_without_pairs(chosen),
        rejected_logp: undefined_without_pairs(rejected),
        margin: undefined_without_pairs(margin),
        target_distance: target.as_ref().map_or(f64::NAN, |t| {
            norm(&t.iter().zip(theta).map(|(a, b)| a - b).collect::<Vec<_>>())
        }),
        hessian_min,
        hessian_max,
    };
    State {
        log_probs,
        probs,
        sampler,
        pairs,
        batch,
        exact,
        batch_eval,
        reward_grad,
        target,
        metrics,
    }
}
