//! What theory says about the current sampler's loss: its minimiser theta_S (where DPO can
//! end with this sampler), and the curvature there, which sets how fast exact gradient
//! descent gets there.
//!
//! Linear model: L is convex in theta in R^2 for any misspecification, so Newton's method
//! with a backtracking line search finds the minimiser in a handful of iterations. When the
//! feature differences of the support span only a line, L is flat across it; gradient
//! descent moves only along the line (every gradient lies on it), so its limit is the
//! minimiser nearest where it started. Tabular model: the closed-form limit of gradient descent, and
//! the Hessian's extreme eigenvalues there by Lanczos ([`crate::spectrum`]).

use crate::closed_form::{has_finite_optimum, linear_target, tabular_limit};
use crate::loss::{Evaluator, LinearEval};
use crate::numerics::{dot, norm, sym2_eigenvalues};
use crate::pairs::PairWeights;
use crate::sampler::Sampler;
use crate::settings::{Model, Settings};
use crate::simd::{self, lane_sum, Kernel, PAD};
use crate::spectrum::tabular_extremes;
use crate::world::World;

/// The minimiser of the current sampler's population loss.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimum {
    pub theta: Vec<f64>,
    /// Linear model, when the support's feature differences span only a line: the loss is
    /// flat along this unit direction, and `theta` is the minimiser on the spanned line.
    pub valley: Option<[f64; 2]>,
    /// The Hessian's extreme eigenvalues at `theta` (smaller, larger): for the tabular model
    /// on the support's subspace orthogonal to 1_S (the directions a run from 0 can move in).
    pub eigenvalues: Option<(f64, f64)>,
}

impl Optimum {
    /// Local rate of exact gradient descent with learning rate `lr`: the error contracts by
    /// max |1 - lr lambda| per step, over the eigenvalues of the directions it can have
    /// (the flat direction carries none: the target is the minimiser nearest the run).
    pub fn predicted_rate(&self, lr: f64) -> f64 {
        match self.eigenvalues {
            Some((_, hi)) if self.valley.is_some() => (1.0 - lr * hi).abs(),
            Some((lo, hi)) => (1.0 - lr * lo).abs().max((1.0 - lr * hi).abs()),
            None => f64::NAN,
        }
    }
}

/// Spreads below this fraction of the largest count as "no spread": the flat direction.
const FLAT: f64 = 1e-10;
/// Newton stops once its step is this small relative to |theta| (or 1).
const STEP_TOLERANCE: f64 = 1e-13;
const MAX_ITERATIONS: usize = 200;

/// The minimiser of the population loss under `pairs`, when one exists, that gradient descent
/// reaches from `from` (the current parameters: the tabular loss has a line of minimisers, and
/// descent keeps what the sampler's pairs cannot change), with its curvature. `previous` (the
/// last step's minimiser, when the sampler moves with the policy) is where Newton's method
/// starts.
pub fn minimiser(
    world: &World,
    s: &Settings,
    sampler: &Sampler,
    pairs: &PairWeights,
    previous: Option<&Optimum>,
    from: &[f64],
) -> Option<Optimum> {
    let mut optimum = minimiser_with(&mut Evaluator::default(), world, s, sampler, pairs, previous, from)?;
    measure_tabular_curvature(s, pairs, &mut optimum);
    Some(optimum)
}

/// [`minimiser`] with the evaluation buffers of a run; a tabular minimiser's curvature is
/// left for [`measure_tabular_curvature`] (a run measures it only every few steps: see
/// [`crate::spectrum::stride`]).
pub fn minimiser_with(
    ev: &mut Evaluator,
    world: &World,
    s: &Settings,
    sampler: &Sampler,
    pairs: &PairWeights,
    previous: Option<&Optimum>,
    from: &[f64],
) -> Option<Optimum> {
    if !has_finite_optimum(s) || pairs.pairs.is_empty() {
        return None;
    }
    match s.model {
        Model::Tabular => Some(Optimum {
            theta: tabular_limit(world, s, &sampler.in_support, from),
            valley: None,
            eigenvalues: None,
        }),
        Model::Linear => {
            let guess = match previous {
                Some(o) => [o.theta[0], o.theta[1]],
                None => {
                    let t = linear_target(world, s);
                    [t[0], t[1]]
                }
            };
            linear_minimiser(ev, world, s.beta, pairs, guess, [from[0], from[1]])
        }
    }
}

/// The tabular Hessian's extremes at a tabular minimiser (the linear minimiser has its own).
pub fn measure_tabular_curvature(s: &Settings, pairs: &PairWeights, optimum: &mut Optimum) {
    if s.model == Model::Tabular {
        optimum.eigenvalues = tabular_extremes(s.beta, pairs, &optimum.theta);
    }
}

/// The unit eigenvector of [[a, b], [b, c]] for its larger eigenvalue.
fn top_direction([a, b, c]: [f64; 3]) -> [f64; 2] {
    let (_, hi) = sym2_eigenvalues(a, b, c);
    // Rows of (M - hi I) are orthogonal to the eigenvector; take the longer one for accuracy.
    let (r1, r2) = ([a - hi, b], [b, c - hi]);
    let r = if norm(&r1) >= norm(&r2) { r1 } else { r2 };
    let v = [-r[1], r[0]];
    let n = norm(&v);
    if n > 0.0 {
        [v[0] / n, v[1] / n]
    } else {
        [1.0, 0.0]
    }
}

/// A full Newton step p whose margins change by at most this much (beta |<d_ij, p>| over
/// all pairs) provably passes the line search: the logistic loss's third derivative along
/// p is at most that change times its second, so L(theta + p) <= L(theta) - 0.4 p^T H p.
/// Then no loss needs evaluating, which also keeps the search from mistaking rounding
/// noise in the loss for a failed decrease near the minimiser.
const CERTIFIED: f64 = 0.5;
/// Below this change of the margins the Hessian at theta + p equals the one at theta to
/// this relative accuracy (it changes by at most a factor e^change).
const SAME_HESSIAN: f64 = 1e-14;

fn linear_minimiser(
    ev: &mut Evaluator,
    world: &World,
    beta: f64,
    pairs: &PairWeights,
    guess: [f64; 2],
    from: [f64; 2],
) -> Option<Optimum> {
    let table = &pairs.pairs;
    let phi = |k: usize| world.features[table.members[k]];
    let spread = spread(world, pairs);
    let (lo, hi) = sym2_eigenvalues(spread[0], spread[1], spread[2]);
    if hi.is_nan() || hi <= 0.0 {
        return None;
    }
    let line = (lo <= FLAT * hi).then(|| top_direction(spread));
    // beta max |<d_ij, p>|, bounded by the spread of <phi, p> over the members.
    let margin_change = |p: [f64; 2]| {
        let (lo, hi) = (0..table.members.len()).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), k| {
            let v = dot(&phi(k), &p);
            (lo.min(v), hi.max(v))
        });
        beta * (hi - lo)
    };
    // On a line, search along it only, keeping `from`'s part across it (gradient descent
    // cannot change that part): the minimiser nearest `from`.
    let mut theta = match line {
        Some(e) => {
            let (along, across) = (dot(&guess, &e), dot(&from, &[-e[1], e[0]]));
            [along * e[0] - across * e[1], along * e[1] + across * e[0]]
        }
        None => guess,
    };
    let optimum = |theta: [f64; 2], h: [f64; 3]| Optimum {
        theta: theta.to_vec(),
        valley: line.map(|e| [-e[1], e[0]]),
        eigenvalues: Some(sym2_eigenvalues(h[0], h[1], h[2])),
    };
    let mut at = ev.linear(world, beta, pairs, theta, false);
    for _ in 0..MAX_ITERATIONS {
        let (step, newton) = newton_step(&at, line)?;
        let decrement = -dot(&at.grad, &step);
        if decrement.is_nan() || decrement < 0.0 {
            return None;
        }
        let change = margin_change(step);
        let certified = newton && change <= CERTIFIED;
        let full = [theta[0] + step[0], theta[1] + step[1]];
        if certified && change <= SAME_HESSIAN && norm(&step) <= STEP_TOLERANCE * norm(&full).max(1.0) {
            // Converged, and the Hessian there is this one.
            return full.iter().all(|v| v.is_finite()).then(|| optimum(full, at.hessian));
        }
        let (t, next) = if certified || decrement < 1e-20 {
            (1.0, ev.linear(world, beta, pairs, full, false))
        } else {
            // Backtracking (Armijo). Once the decrement is at rounding level, loss
            // differences are below f64 resolution: take the full step, Newton is
            // quadratic there.
            if at.loss.is_nan() {
                at = ev.linear(world, beta, pairs, theta, true);
            }
            let mut t = 1.0;
            loop {
                let candidate = [theta[0] + t * step[0], theta[1] + t * step[1]];
                let e = ev.linear(world, beta, pairs, candidate, true);
                if e.loss <= at.loss - 1e-4 * t * decrement {
                    break (t, e);
                }
                t *= 0.5;
                if t < 1e-12 {
                    break (t, e);
                }
            }
        };
        let moved = t * norm(&step);
        theta = [theta[0] + t * step[0], theta[1] + t * step[1]];
        at = next;
        if !theta.iter().all(|v| v.is_finite()) || norm(&theta) > 1e12 {
            return None;
        }
        if moved <= STEP_TOLERANCE * norm(&theta).max(1.0) {
            return Some(optimum(theta, at.hessian));
        }
    }
    None
}

/// How the support's feature differences spread under W, sum W d_ij d_ij^T as
/// [s00, s01, s11]: rank one when they span only a line.
fn spread(world: &World, pairs: &PairWeights) -> [f64; 3] {
    simd::run(Spread { world, pairs })
}

/// [`spread`] over the pair table, a row at a time in column accumulators (fixed order).
struct Spread<'a> {
    world: &'a World,
    pairs: &'a PairWeights,
}

impl Kernel for Spread<'_> {
    type Output = [f64; 3];
    #[inline(always)]
    fn run(self) -> [f64; 3] {
        let table = &self.pairs.pairs;
        let m = table.members.len();
        // Features by position, padded so every row's columns are in range.
        let feature = |axis: usize| -> Vec<f64> {
            let mut v: Vec<f64> = table.members.iter().map(|&i| self.world.features[i][axis]).collect();
            v.resize(m + PAD, 0.0);
            v
        };
        let (x, y) = (feature(0), feature(1));
        let widest = table.rows.get(1).copied().unwrap_or(0);
        let mut sums = [vec![0.0; widest], vec![0.0; widest], vec![0.0; widest]];
        for k in 0..m.saturating_sub(1) {
            let (start, len) = (table.rows[k], table.rows[k + 1] - table.rows[k]);
            let (wf, wb) = (&table.fwd[start..start + len], &table.bwd[start..start + len]);
            let (xl, yl) = (&x[k + 1..k + 1 + len], &y[k + 1..k + 1 + len]);
            let [s0, s1, s2] = &mut sums;
            let (s0, s1, s2) = (&mut s0[..len], &mut s1[..len], &mut s2[..len]);
            for c in 0..len {
                let w = wf[c] + wb[c];
                let (dx, dy) = (x[k] - xl[c], y[k] - yl[c]);
                s0[c] += w * dx * dx;
                s1[c] += w * dx * dy;
                s2[c] += w * dy * dy;
            }
        }
        sums.each_ref().map(|v| lane_sum(v) * table.scale)
    }
}

/// The Newton direction -H^-1 g (along `line` only, when the loss is flat across it), and
/// whether it is one (saturated margins can leave only a gradient step).
fn newton_step(at: &LinearEval, line: Option<[f64; 2]>) -> Option<([f64; 2], bool)> {
    let h = at.hessian;
    let g = &at.grad;
    match line {
        Some(e) => {
            let curvature = e[0] * (h[0] * e[0] + h[1] * e[1]) + e[1] * (h[1] * e[0] + h[2] * e[1]);
            let slope = dot(g, &e);
            (curvature > 0.0).then(|| ([-slope / curvature * e[0], -slope / curvature * e[1]], true))
        }
        None => {
            let det = h[0] * h[2] - h[1] * h[1];
            // Saturated margins far from the minimiser can leave H numerically singular:
            // then a gradient step, which the line search scales.
            if det.is_nan() || det <= 1e-300 {
                return Some(([-g[0], -g[1]], false));
            }
            Some((
                [(-h[2] * g[0] + h[1] * g[1]) / det, (h[1] * g[0] - h[0] * g[1]) / det],
                true,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::population;
    use crate::pairs::Preferences;
    use crate::policy::scores;

    fn optimum(text: &str) -> (Settings, World, PairWeights, Option<Optimum>) {
        let s = Settings::parse(text).unwrap();
        let w = World::new(&s);
        let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
        let sm = Sampler::new(&w, &s, &refp);
        let pw = PairWeights::new(&w, &s, &sm, &Preferences::new(&w, &s), &vec![0.0; w.n()]);
        let o = minimiser(&w, &s, &sm, &pw, None, &vec![0.0; crate::policy::dim(s.model, w.n())]);
        (s, w, pw, o)
    }

    #[test]
    fn well_specified_minimiser_is_s_u_over_beta() {
        for text in ["quality=0.5", "design=independent&support=0.4&beta=2", "s=7&beta=0.05"] {
            let (s, w, _, o) = optimum(text);
            let o = o.unwrap();
            let star = linear_target(&w, &s);
            assert!(
                norm(&[o.theta[0] - star[0], o.theta[1] - star[1]]) < 1e-9 * norm(&star),
                "{text}: {:?}",
                o.theta
            );
            assert!(o.valley.is_none());
        }
    }

    #[test]
    fn gradient_vanishes_at_the_misspecified_minimiser() {
        for text in [
            "gamma=1",
            "gamma=0.5&shape=concave&support=0.5&design=independent",
            "gamma=2&s=20&beta=0.01",
        ] {
            let (s, w, pw, o) = optimum(text);
            let o = o.unwrap();
            let at = population(&w, s.model, s.beta, &pw, &scores(&w, s.model, &o.theta));
            assert!(norm(&at.grad) < 1e-10, "{text}: |g| = {}", norm(&at.grad));
            let (lo, hi) = o.eigenvalues.unwrap();
            assert!(lo > 0.0 && hi >= lo);
        }
    }

    #[test]
    fn no_minimiser_without_finite_optimum() {
        assert!(optimum("labels=oracle").3.is_none());
        assert!(optimum("design=bvw").3.is_none());
    }

    #[test]
    fn rate_uses_the_eigenvalues_it_can_see() {
        let o = Optimum {
            theta: vec![0.0, 0.0],
            valley: None,
            eigenvalues: Some((0.1, 1.0)),
        };
        assert!((o.predicted_rate(1.0) - 0.9).abs() < 1e-15);
        assert!((o.predicted_rate(3.0) - 2.0).abs() < 1e-15);
        let flat = Optimum {
            valley: Some([0.0, 1.0]),
            eigenvalues: Some((0.0, 1.0)),
            ..o
        };
        assert!((flat.predicted_rate(0.5) - 0.5).abs() < 1e-15);
    }
}
