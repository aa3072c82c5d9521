//! The DPO update loop: one struct owns a run and measures every step.

use std::collections::VecDeque;
use std::rc::Rc;

use crate::closed_form::rlhf_reward;
use crate::history::{History, Record, DEFAULT_CAPACITY, DEFAULT_HEAD};
use crate::loss::{minibatch, population, LossEval};
use crate::metrics::Metrics;
use crate::numerics::{dot, norm, sym2_eigenvalues};
use crate::pairs::{PairSampler, PairWeights, Preferences};
use crate::policy::{dim, expected_reward_gradient, log_probs, scores};
use crate::rng::Rng;
use crate::sampler::Sampler;
use crate::settings::Settings;
use crate::theory::{minimiser, Optimum};
use crate::world::World;

/// A population loss above this counts as divergence: training starts at ln 2 and
/// only an overshooting step makes margins this wrong.
pub const DIVERGED_LOSS: f64 = 1000.0;

/// Everything measured at the current parameters.
#[derive(Clone, Debug)]
pub struct State {
    pub log_probs: Vec<f64>,
    pub probs: Vec<f64>,
    /// Shared with the next step's state while the sampler cannot move (offline).
    pub sampler: Rc<Sampler>,
    pub pairs: Rc<PairWeights>,
    /// The minibatch drawn at this step (empty in exact mode or without pairs).
    pub batch: Vec<(usize, usize)>,
    pub exact: LossEval,
    pub batch_eval: LossEval,
    /// grad J(theta).
    pub reward_grad: Vec<f64>,
    /// The current sampler's minimiser theta_S (the target), when one exists.
    pub optimum: Option<Optimum>,
    pub metrics: Metrics,
}

/// The pair law of step 0: the dataset an offline run trains on, as its marginals
/// (P(response i is chosen), P(it is rejected)).
#[derive(Clone, Debug)]
struct Dataset {
    chosen: Vec<f64>,
    rejected: Vec<f64>,
}

impl Dataset {
    fn new(world: &World, s: &Settings, prefs: &Preferences) -> Dataset {
        let ref_probs: Vec<f64> = world.ref_logp.iter().map(|l| l.exp()).collect();
        let pairs = PairWeights::new(world, s, &Sampler::new(world, s, &ref_probs), prefs);
        Dataset {
            chosen: pairs.chosen,
            rejected: pairs.rejected,
        }
    }
}

/// How many recent distances the measured rate averages over.
const RATE_WINDOW: usize = 10;

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
    dataset: Dataset,
    /// The latest distances to the target, for the measured rate.
    distances: VecDeque<f64>,
}

impl Simulation {
    /// A fresh run; the settings were validated when they were parsed.
    pub fn new(settings: Settings) -> Simulation {
        let world = World::new(&settings);
        let theta = vec![0.0; dim(settings.model, world.n())];
        let mut rng = Rng::new(settings.seed, 1);
        let prefs = Preferences::new(&world, &settings);
        let dataset = Dataset::new(&world, &settings, &prefs);
        let state = measure(
            &Context {
                world: &world,
                settings: &settings,
                prefs: &prefs,
                dataset: &dataset,
            },
            &theta,
            0,
            &mut rng,
            Carry::None,
        );
        let mut history = History::new(DEFAULT_CAPACITY, DEFAULT_HEAD);
        history.push(Record {
            values: state.metrics.values(),
            theta: theta.clone(),
        });
        let prev_probs = state.probs.clone();
        let mut sim = Simulation {
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
            dataset,
            distances: VecDeque::new(),
        };
        sim.track_distance();
        sim
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
        self.dataset = Dataset::new(&self.world, &self.settings, &self.prefs);
        let warm = self.state.optimum.as_ref().map(|o| o.theta.clone());
        self.state = self.measure_now(Carry::Warm(warm));
        // The target may have moved: the rate starts over.
        self.distances.clear();
        self.track_distance();
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
        // Offline the sampler never moves: its pair law and minimiser carry over.
        let carry = if self.settings.on_policy == 0.0 {
            Carry::Same(
                self.state.sampler.clone(),
                self.state.pairs.clone(),
                self.state.optimum.clone(),
            )
        } else {
            Carry::Warm(self.state.optimum.as_ref().map(|o| o.theta.clone()))
        };
        let state = self.measure_now(carry);
        self.prev_probs = std::mem::replace(&mut self.state, state).probs;
        self.track_distance();
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
    fn measure_now(&mut self, carry: Carry) -> State {
        let ctx = Context {
            world: &self.world,
            settings: &self.settings,
            prefs: &self.prefs,
            dataset: &self.dataset,
        };
        measure(&ctx, &self.theta, self.step, &mut self.rng, carry)
    }

    /// Records the latest distance to the target and sets the measured rate: the geometric
    /// mean shrink factor per step over the recent steps. Distances near rounding level
    /// (relative 1e-9: the minimiser itself is accurate to about 1e-13) say nothing about
    /// the rate.
    fn track_distance(&mut self) {
        let m = &mut self.state.metrics;
        let scale = self.state.optimum.as_ref().map_or(1.0, |o| norm(&o.theta).max(1.0));
        let d = m.target_distance;
        if d.is_finite() && d > 1e-9 * scale {
            self.distances.push_back(d);
        } else {
            self.distances.clear();
        }
        while self.distances.len() > RATE_WINDOW + 1 {
            self.distances.pop_front();
        }
        m.measured_rate = match (self.distances.front(), self.distances.back()) {
            (Some(first), Some(last)) if self.distances.len() > 1 => {
                (last / first).powf(1.0 / (self.distances.len() - 1) as f64)
            }
            _ => f64::NAN,
        };
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

/// What a run measures with: fixed for a world and settings.
struct Context<'a> {
    world: &'a World,
    settings: &'a Settings,
    prefs: &'a Preferences,
    dataset: &'a Dataset,
}

/// What a measurement can take over from the last one.
enum Carry {
    /// Nothing: a fresh run.
    None,
    /// The sampler may have moved: Newton starts from the last minimiser.
    Warm(Option<Vec<f64>>),
    /// The sampler cannot have moved (offline, same settings): its pair law and minimiser.
    Same(Rc<Sampler>, Rc<PairWeights>, Option<Optimum>),
}

/// Measures everything at `theta`, drawing this step's minibatch from `rng`.
fn measure(ctx: &Context, theta: &[f64], step: u64, rng: &mut Rng, carry: Carry) -> State {
    let (world, s) = (ctx.world, ctx.settings);
    let f = scores(world, s.model, theta);
    let log_probs = log_probs(world, &f);
    let probs: Vec<f64> = log_probs.iter().map(|l| l.exp()).collect();
    let (sampler, pairs, optimum) = match carry {
        Carry::Same(sampler, pairs, optimum) => (sampler, pairs, optimum),
        Carry::None | Carry::Warm(_) => {
            let sampler = Sampler::new(world, s, &probs);
            let pairs = PairWeights::new(world, s, &sampler, ctx.prefs);
            let warm = match &carry {
                Carry::Warm(w) => w.as_deref(),
                _ => None,
            };
            let optimum = minimiser(world, s, &sampler, &pairs, warm);
            (Rc::new(sampler), Rc::new(pairs), optimum)
        }
    };
    let batch = if s.exact {
        Vec::new()
    } else {
        PairSampler::new(world, s, ctx.prefs, &sampler, &pairs).draw_batch(s.batch, rng)
    };
    let exact = population(world, s.model, s.beta, &pairs, &f);
    let batch_eval = minibatch(world, s.model, s.beta, &batch, &f);
    let reward_grad = expected_reward_gradient(world, s.model, &probs);

    let no_pairs = pairs.pairs.is_empty();
    let undefined_without_pairs = |v: f64| if no_pairs { f64::NAN } else { v };
    let margin = s.beta
        * pairs
            .chosen
            .iter()
            .zip(&pairs.rejected)
            .zip(&f)
            .map(|((c, r), f)| (c - r) * f)
            .sum::<f64>();
    let reward_grad_norm = norm(&reward_grad);
    let (hessian_min, hessian_max) = exact
        .hessian
        .map_or((f64::NAN, f64::NAN), |h| sym2_eigenvalues(h[0], h[1], h[2]));
    let (hessian_min_opt, hessian_max_opt) = optimum
        .as_ref()
        .and_then(|o| o.eigenvalues)
        .unwrap_or((f64::NAN, f64::NAN));
    let attainable_reward = optimum.as_ref().map_or(f64::NAN, |o| {
        let p: Vec<f64> = log_probs_at(world, s, &o.theta).iter().map(|l| l.exp()).collect();
        world.expected_reward(&p)
    });
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
        rlhf_reward: rlhf_reward(world, s),
        best_reward: world.best_reward(),
        attainable_reward,
        kl: probs
            .iter()
            .zip(&log_probs)
            .zip(&world.ref_logp)
            .map(|((p, l), r)| if *p > 0.0 { p * (l - r) } else { 0.0 })
            .sum(),
        off_support_mass: sampler.off_support_mass(&probs),
        chosen_logp: undefined_without_pairs(dot(&pairs.chosen, &log_probs)),
        rejected_logp: undefined_without_pairs(dot(&pairs.rejected, &log_probs)),
        fixed_chosen_logp: dot(&ctx.dataset.chosen, &log_probs),
        fixed_rejected_logp: dot(&ctx.dataset.rejected, &log_probs),
        margin: undefined_without_pairs(margin),
        target_distance: optimum.as_ref().map_or(f64::NAN, |o| {
            norm(&o.theta.iter().zip(theta).map(|(a, b)| a - b).collect::<Vec<_>>())
        }),
        hessian_min,
        hessian_max,
        condition: if hessian_min > 0.0 {
            hessian_max / hessian_min
        } else {
            f64::NAN
        },
        hessian_min_opt,
        hessian_max_opt,
        predicted_rate: optimum.as_ref().map_or(f64::NAN, |o| o.predicted_rate(s.lr)),
        // Set by the run, which knows the recent distances.
        measured_rate: f64::NAN,
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
        optimum,
        metrics,
    }
}

/// log pi_theta for any parameters.
pub fn log_probs_at(world: &World, s: &Settings, theta: &[f64]) -> Vec<f64> {
    log_probs(world, &scores(world, s.model, theta))
}
