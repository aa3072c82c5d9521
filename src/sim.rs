//! The DPO update loop: one struct owns a run and measures every step.

use std::collections::VecDeque;
use std::rc::Rc;

use crate::closed_form::rlhf_reward;
use crate::designs::moves_with_policy;
use crate::history::{History, Record, DEFAULT_CAPACITY, DEFAULT_HEAD};
use crate::loss::{Evaluator, LossEval};
use crate::metrics::Metrics;
use crate::numerics::{dot, exp, exp_in_place, ln, norm, sym2_eigenvalues};
use crate::pairs::{PairSampler, PairWeights, Preferences};
use crate::policy::{
    expected_reward_gradient_into, log_probs, log_probs_and_probs_into, log_probs_into, scores, scores_into,
};
use crate::rng::Rng;
use crate::sampler::Sampler;
use crate::settings::{Model, Settings};
use crate::spectrum::{stride, tabular_extremes};
use crate::theory::{measure_tabular_curvature, minimiser_with, Optimum};
use crate::world::World;

/// A population loss above this counts as divergence: training from theta = 0 starts at
/// ln 2 and only an overshooting step makes margins this wrong.
pub const DIVERGED_LOSS: f64 = 1000.0;

/// Has a run whose loss started at `start` diverged at `loss`? Above [`DIVERGED_LOSS`], or
/// above ten times the start for a start far out on the landscape (descent lowers the loss).
pub fn diverged_loss(loss: f64, start: f64) -> bool {
    loss > DIVERGED_LOSS.max(10.0 * start)
}

/// Everything measured at the current parameters.
#[derive(Clone, Debug, Default)]
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
        // At the start, whose policy samples and scores the pairs.
        let f = scores(world, s.model, &s.start(world.n()));
        let policy: Vec<f64> = log_probs(world, &f).iter().map(|l| exp(*l)).collect();
        let pairs = PairWeights::new(world, s, &Sampler::new(world, s, &policy), prefs, &f);
        Dataset {
            chosen: pairs.chosen,
            rejected: pairs.rejected,
        }
    }
}

/// How many recent distances the measured rate averages over.
const RATE_WINDOW: usize = 10;

/// When a tabular run measures its Hessian's extremes at theta_t (a Lanczos run: the costly
/// part of a tabular step, so only where someone reads it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curvature {
    /// Every step (for a large support every few, the latest carried between: see
    /// [`crate::spectrum::stride`]): a run on screen, the runner's metrics.csv.
    Tracked,
    /// Only when [`Simulation::measure_curvature`] asks (NaN otherwise): a scenario's
    /// comparison runs, whose curvature no chart or claim reads, and sweeps, which read it at
    /// step 0 and at their end.
    OnRequest,
}

/// One run of DPO from its start ([`Settings::start`]).
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
    /// The population loss at step 0 (divergence is measured against it).
    start_loss: f64,
    /// J_ref and J*: fixed for a world and settings.
    ref_reward: f64,
    rlhf_reward: f64,
    /// Buffers a step reuses.
    work: Work,
    /// Which measurement of which run this is, and which pair law it used: process-wide
    /// ids (never reused by another run), so a landscape computed for one state can tell
    /// whether it still shows the loss.
    revision: u64,
    pair_law_version: u64,
    curvature: Curvature,
}

/// A new process-wide id.
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// What a step computes in and throws away, kept so a step allocates (almost) nothing.
#[derive(Default)]
struct Work {
    eval: Evaluator,
    scores: Vec<f64>,
    scratch: Vec<f64>,
    more: Vec<f64>,
    probs: Vec<f64>,
}

impl Simulation {
    /// A fresh run; the settings were validated when they were parsed.
    pub fn new(settings: Settings) -> Simulation {
        Simulation::measuring(settings, Curvature::Tracked)
    }

    /// A fresh run that measures the tabular curvature at theta_t as `curvature` says.
    pub fn measuring(settings: Settings, curvature: Curvature) -> Simulation {
        let world = World::new(&settings);
        let theta = settings.start(world.n());
        let rng = Rng::new(settings.seed, 1);
        let prefs = Preferences::new(&world, &settings);
        let dataset = Dataset::new(&world, &settings, &prefs);
        let mut sim = Simulation {
            start_loss: f64::NAN,
            ref_reward: world.expected_reward(&world.ref_probs),
            rlhf_reward: rlhf_reward(&world, &settings),
            settings,
            world,
            theta,
            step: 0,
            rng,
            prefs,
            state: State::default(),
            prev_probs: Vec::new(),
            history: History::new(DEFAULT_CAPACITY, DEFAULT_HEAD),
            diverged: None,
            dataset,
            distances: VecDeque::new(),
            work: Work::default(),
            revision: 0,
            pair_law_version: 0,
            curvature,
        };
        sim.measure_now(true);
        sim.start_loss = sim.state.metrics.loss;
        sim.history.push(Record {
            values: sim.state.metrics.values(),
            theta: sim.theta.clone(),
        });
        sim.prev_probs = sim.state.probs.clone();
        sim.track_distance();
        sim
    }

    /// Back to step 0 with the same settings.
    pub fn reset(&mut self) {
        *self = Simulation::measuring(self.settings.clone(), self.curvature);
    }

    /// Measures the tabular Hessian's extremes at theta_t now (a run that measures them only
    /// on request; a tracked run has them already), into the metrics and the history.
    pub fn measure_curvature(&mut self) {
        if self.settings.model != Model::Tabular {
            return;
        }
        let st = &mut self.state;
        let (lo, hi) =
            tabular_extremes(self.settings.beta, &st.pairs, &self.work.scores).unwrap_or((f64::NAN, f64::NAN));
        (st.metrics.hessian_min, st.metrics.hessian_max) = (lo, hi);
        st.metrics.condition = condition(lo, hi);
        self.history.replace_last(Record {
            values: st.metrics.values(),
            theta: self.theta.clone(),
        });
    }

    /// Adopts new settings. World and model fields restart the run (returns true);
    /// sampler and optimiser fields re-measure the current step and apply from the next.
    pub fn set_settings(&mut self, settings: Settings) -> bool {
        let restart = self.settings.needs_restart(&settings);
        // At step 0 new settings make a fresh run: the same run, to the bit, as one started
        // with them (re-measuring would draw the first minibatch again, from a later stream).
        if restart || self.step == 0 {
            *self = Simulation::measuring(settings, self.curvature);
            return restart;
        }
        self.settings = settings;
        if !self.prefs.fits(&self.settings) {
            self.prefs = Preferences::new(&self.world, &self.settings);
        }
        self.dataset = Dataset::new(&self.world, &self.settings, &self.prefs);
        self.rlhf_reward = rlhf_reward(&self.world, &self.settings);
        // The sampler is recomputed; Newton starts from the last minimiser.
        self.measure_now(true);
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
        let lr = self.settings.lr;
        if self.theta.iter().zip(direction).any(|(t, g)| !(t - lr * g).is_finite()) {
            return Err(self.diverge(self.step + 1, "the parameters became non-finite"));
        }
        for (t, g) in self.theta.iter_mut().zip(direction) {
            *t -= lr * g;
        }
        self.step += 1;
        self.prev_probs.clone_from(&self.state.probs);
        // A pair law that does not move with theta carries over, with its minimiser.
        self.measure_now(moves_with_policy(&self.settings));
        self.track_distance();
        self.history.push(Record {
            values: self.state.metrics.values(),
            theta: self.theta.clone(),
        });
        let m = &self.state.metrics;
        if m.values().iter().any(|v| v.is_infinite()) || m.loss.is_nan() || m.expected_reward.is_nan() {
            return Err(self.diverge(self.step, "a measured value became non-finite"));
        }
        let start = self.start_loss;
        if diverged_loss(m.loss, start) {
            let why = format!("the loss reached {:.3e} (it started at {start:.3})", m.loss);
            return Err(self.diverge(self.step, &why));
        }
        Ok(())
    }

    /// Measures the current parameters under the current settings (draws this step's
    /// batch), in place. `resample`: recompute the sampler, its pair law and minimiser
    /// (warm from the last one); otherwise they carry over.
    fn measure_now(&mut self, resample: bool) {
        self.revision = next_id();
        if resample {
            self.pair_law_version = self.revision;
        }
        let ctx = Context {
            world: &self.world,
            settings: &self.settings,
            prefs: &self.prefs,
            dataset: &self.dataset,
            ref_reward: self.ref_reward,
            rlhf_reward: self.rlhf_reward,
            curvature: self.curvature,
        };
        measure(
            &ctx,
            &self.theta,
            self.step,
            &mut self.rng,
            resample,
            &mut self.state,
            &mut self.work,
        );
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
                // (last / first)^(1/k) with this crate's exp and ln: the same bits in wasm.
                exp(ln(last / first) / (self.distances.len() - 1) as f64)
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
    /// Changes whenever the sampler's pair law (and so the loss) is recomputed.
    pub fn pair_law_version(&self) -> u64 {
        self.pair_law_version
    }
    /// Changes whenever the run's state does (a step, new settings, a reset).
    pub fn revision(&self) -> u64 {
        self.revision
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
    ref_reward: f64,
    rlhf_reward: f64,
    curvature: Curvature,
}

/// lambda_max / lambda_min, undefined where the Hessian is flat.
fn condition(lo: f64, hi: f64) -> f64 {
    if lo > 0.0 {
        hi / lo
    } else {
        f64::NAN
    }
}

/// Measures everything at `theta` into `st`, drawing this step's minibatch from `rng`.
/// With `resample` the sampler, pair law and minimiser are recomputed (in place when no
/// one else holds them); otherwise `st`'s carry over.
fn measure(ctx: &Context, theta: &[f64], step: u64, rng: &mut Rng, resample: bool, st: &mut State, work: &mut Work) {
    let (world, s) = (ctx.world, ctx.settings);
    // The tabular curvature is computed this step, or carried from the last (see
    // spectrum::stride); always when this step is measured again (new settings).
    let carried = (st.metrics.hessian_min, st.metrics.hessian_max);
    let due = st.metrics.step == step || step.is_multiple_of(stride(s.support_size()));
    scores_into(world, s.model, theta, &mut work.scores);
    let f = &work.scores;
    log_probs_into(world, f, &mut st.log_probs);
    st.probs.clone_from(&st.log_probs);
    exp_in_place(&mut st.probs);
    if resample {
        match Rc::get_mut(&mut st.sampler) {
            Some(sampler) => sampler.update(world, s, &st.probs),
            None => st.sampler = Rc::new(Sampler::new(world, s, &st.probs)),
        }
        match Rc::get_mut(&mut st.pairs) {
            Some(pairs) => pairs.update(world, s, &st.sampler, ctx.prefs, f),
            None => st.pairs = Rc::new(PairWeights::new(world, s, &st.sampler, ctx.prefs, f)),
        }
        let previous = st.optimum.take();
        st.optimum = minimiser_with(
            &mut work.eval,
            world,
            s,
            &st.sampler,
            &st.pairs,
            previous.as_ref(),
            theta,
        );
        if let Some(optimum) = &mut st.optimum {
            match previous.and_then(|o| o.eigenvalues) {
                Some(carried) if s.model == Model::Tabular && !due => optimum.eigenvalues = Some(carried),
                _ => measure_tabular_curvature(s, &st.pairs, optimum),
            }
        }
    }
    let (sampler, pairs) = (&st.sampler, &st.pairs);
    if s.exact {
        st.batch.clear();
    } else {
        PairSampler::new(world, s, ctx.prefs, sampler, pairs).draw_batch_into(s.batch, rng, &mut st.batch);
    }
    work.eval
        .population_into(world, s.model, s.beta, pairs, f, &mut st.exact);
    work.eval
        .minibatch_into(world, s.model, s.beta, &st.batch, f, &mut st.batch_eval);
    expected_reward_gradient_into(world, s.model, &st.probs, &mut work.scratch, &mut st.reward_grad);

    let (exact, batch_eval, optimum, batch) = (&st.exact, &st.batch_eval, &st.optimum, &st.batch);
    let (log_probs, probs, reward_grad) = (&st.log_probs, &st.probs, &st.reward_grad);
    let no_pairs = pairs.pairs.is_empty();
    let undefined_without_pairs = |v: f64| if no_pairs { f64::NAN } else { v };
    let margin = s.beta
        * pairs
            .chosen
            .iter()
            .zip(&pairs.rejected)
            .zip(f)
            .map(|((c, r), f)| (c - r) * f)
            .sum::<f64>();
    let reward_grad_norm = norm(reward_grad);
    let (hessian_min, hessian_max) = match (exact.hessian, ctx.curvature) {
        (Some(h), _) => sym2_eigenvalues(h[0], h[1], h[2]),
        (None, Curvature::Tracked) if due => tabular_extremes(s.beta, pairs, f).unwrap_or((f64::NAN, f64::NAN)),
        (None, Curvature::Tracked) => carried,
        (None, Curvature::OnRequest) => (f64::NAN, f64::NAN),
    };
    let (hessian_min_opt, hessian_max_opt) = optimum
        .as_ref()
        .and_then(|o| o.eigenvalues)
        .unwrap_or((f64::NAN, f64::NAN));
    // It depends on the minimiser only: unchanged while that carries over.
    let attainable_reward = if resample {
        optimum.as_ref().map_or(f64::NAN, |o| {
            scores_into(world, s.model, &o.theta, &mut work.scratch);
            log_probs_and_probs_into(world, &work.scratch, &mut work.more, &mut work.probs);
            world.expected_reward(&work.probs)
        })
    } else {
        st.metrics.attainable_reward
    };
    st.metrics = Metrics {
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
            -dot(&exact.grad, reward_grad) / reward_grad_norm
        } else {
            0.0
        },
        expected_reward: world.expected_reward(probs),
        ref_reward: ctx.ref_reward,
        rlhf_reward: ctx.rlhf_reward,
        best_reward: world.best_reward(),
        attainable_reward,
        kl: non_negative(
            probs
                .iter()
                .zip(log_probs)
                .zip(&world.ref_logp)
                .map(|((p, l), r)| if *p > 0.0 { p * (l - r) } else { 0.0 })
                .sum(),
        ),
        off_support_mass: sampler.off_support_mass(probs),
        chosen_logp: undefined_without_pairs(dot(&pairs.chosen, log_probs)),
        rejected_logp: undefined_without_pairs(dot(&pairs.rejected, log_probs)),
        fixed_chosen_logp: dot(&ctx.dataset.chosen, log_probs),
        fixed_rejected_logp: dot(&ctx.dataset.rejected, log_probs),
        margin: undefined_without_pairs(margin),
        target_distance: optimum.as_ref().map_or(f64::NAN, |o| {
            o.theta
                .iter()
                .zip(theta)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt()
        }),
        hessian_min,
        hessian_max,
        condition: condition(hessian_min, hessian_max),
        hessian_min_opt,
        hessian_max_opt,
        predicted_rate: optimum.as_ref().map_or(f64::NAN, |o| o.predicted_rate(s.lr)),
        // Set by the run, which knows the recent distances.
        measured_rate: f64::NAN,
        chosen_reward: undefined_without_pairs(dot(&pairs.chosen, &world.reward)),
        reward_gap: undefined_without_pairs(dot(&pairs.chosen, &world.reward) - dot(&pairs.rejected, &world.reward)),
    };
}

/// A KL divergence is never negative; summed in floating point it can come out a few ulps
/// below 0 (-4.8e-16 at step 0, where pi = pi_ref). NaN stays NaN.
fn non_negative(kl: f64) -> f64 {
    if kl < 0.0 {
        0.0
    } else {
        kl
    }
}

/// log pi_theta for any parameters.
pub fn log_probs_at(world: &World, s: &Settings, theta: &[f64]) -> Vec<f64> {
    log_probs(world, &scores(world, s.model, theta))
}
