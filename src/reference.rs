//! The DPO step written to be read: the executable specification of what a run computes.
//!
//! One step, in the plainest form: the world's sampler (base mix, support, quality tilt),
//! the pair law W(i, j) of every design as an N x N matrix, the population DPO loss
//! L = -sum W log sigma(m) / sum W with its gradient and the linear model's Hessian, the
//! minibatch drawn by the generative process, the update, and every metric of
//! [`crate::metrics`]. No vectors, no fused passes, no caches: each quantity is recomputed
//! from its definition every step.
//!
//! The fast path ([`crate::sim::Simulation`] with `sampler`, `pairs`, `loss` and `theory`)
//! computes the same numbers; `tests/exact_step.rs` runs both from the same seed and requires
//! every metric to agree to 1e-12 at every step. A new pair design is added here first, in
//! [`pair_law`]'s match. This file uses the crate's own `exp`, `ln`, `log1p` and `sigmoid`
//! (so both sides round alike) and nothing of the fast path's kernels.

// Index loops read like the formulas they compute.
#![allow(clippy::needless_range_loop)]

use std::collections::VecDeque;

use crate::metrics::Metrics;
use crate::numerics::{exp, ln, log1p, log_sigmoid, log_sum_exp, sigmoid, sym2_eigenvalues};
use crate::rng::{cumulative, Rng};
use crate::sampler::TILT;
use crate::settings::{Design, Labels, Model, Settings};
use crate::spectrum::stride;
use crate::world::World;

/// The sampler of one step.
pub struct Sampler {
    pub in_support: Vec<bool>,
    /// The support S: the ceil(c N) responses (at least 2) of largest base probability,
    /// ties by index.
    pub members: Vec<usize>,
    /// The base mix restricted to S and renormalised.
    pub pi0: Vec<f64>,
    /// pi_0 tilted toward high reward: pi_q ∝ pi_0 exp(TILT q z).
    pub piq: Vec<f64>,
}

/// The sampler for the current policy `policy`.
pub fn sampler(world: &World, s: &Settings, policy: &[f64]) -> Sampler {
    let n = world.n();
    let lambda = s.on_policy;
    let base: Vec<f64> = (0..n)
        .map(|i| (1.0 - lambda) * world.ref_probs[i] + lambda * policy[i])
        .collect();
    let mut members: Vec<usize> = (0..n).collect();
    members.sort_by(|&a, &b| base[b].total_cmp(&base[a]).then(a.cmp(&b)));
    members.truncate(s.support_size().min(n));
    let mut in_support = vec![false; n];
    for &i in &members {
        in_support[i] = true;
    }
    let mass: f64 = members.iter().map(|&i| base[i]).sum();
    let pi0: Vec<f64> = (0..n)
        .map(|i| match (in_support[i], mass > 0.0) {
            (false, _) => 0.0,
            (true, true) => base[i] / mass,
            (true, false) => 1.0 / members.len() as f64,
        })
        .collect();
    // exp(TILT q (z - max z)) <= 1: the tilt cannot overflow.
    let top = world.z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let tilted: Vec<f64> = (0..n)
        .map(|i| pi0[i] * exp(TILT * s.quality * (world.z[i] - top)))
        .collect();
    let total: f64 = tilted.iter().sum();
    let piq = if s.quality == 0.0 {
        pi0.clone()
    } else {
        tilted.iter().map(|t| t / total).collect()
    };
    Sampler {
        in_support,
        members,
        pi0,
        piq,
    }
}

/// P(i preferred to j) under the labeller.
pub fn preference(world: &World, s: &Settings, i: usize, j: usize) -> f64 {
    let gap = world.reward[i] - world.reward[j];
    match s.labels {
        Labels::BradleyTerry => sigmoid(s.sharpness * gap),
        Labels::Oracle if gap > 0.0 => 1.0,
        Labels::Oracle if gap < 0.0 => 0.0,
        Labels::Oracle => 0.5,
    }
}

/// The pair law: `w[i][j]` is the probability that a drawn pair has chosen i and rejected j.
/// Pairs of two different responses of the support only (a draw of the same response twice
/// carries no preference and is drawn again), so W sums to 1. Also returns the probability,
/// before renormalising, that the candidates differ (1 where the design has no candidates).
/// `scores` are the policy's f_theta (Mix-P weighs pairs by them).
pub fn pair_law(world: &World, s: &Settings, sampler: &Sampler, scores: &[f64]) -> (Vec<Vec<f64>>, f64) {
    let n = world.n();
    let (q, p0, members) = (&sampler.piq, &sampler.pi0, &sampler.members);
    let mut w = vec![vec![0.0; n]; n];
    // For the designs that draw two candidates and then the label: W(i, j) = C(i, j) P(i > j)
    // with C the probability of the unordered pair of candidates {i, j}.
    let mut candidates = |c: &dyn Fn(usize, usize) -> f64| {
        for &i in members {
            for &j in members {
                if i != j {
                    w[i][j] = c(i, j) * preference(world, s, i, j);
                }
            }
        }
    };
    match s.design {
        // Both candidates from pi_q, in either order.
        Design::Independent => candidates(&|i, j| 2.0 * q[i] * q[j]),
        // One candidate from pi_q, the other from pi_0.
        Design::Contrastive => candidates(&|i, j| q[i] * p0[j] + p0[i] * q[j]),
        // K draws from pi_q: the best (by true reward, ties by index) is chosen, the worst
        // rejected. With the support sorted by reward and F the cumulative pi_q in that order,
        // P(max = a, min = b) for a above b is, by inclusion-exclusion,
        // [F(a) - F(b-1)]^K - [F(a) - F(b)]^K - [F(a-1) - F(b-1)]^K + [F(a-1) - F(b)]^K.
        Design::BestVsWorst => {
            let mut order = members.clone();
            order.sort_by(|&a, &b| world.reward[a].total_cmp(&world.reward[b]).then(a.cmp(&b)));
            let mut prefix = vec![0.0];
            for &i in &order {
                prefix.push(prefix.last().unwrap() + q[i]);
            }
            // The probability that all K draws fall in positions lo..=hi of `order`.
            let all_in = |lo: usize, hi: isize| -> f64 {
                if lo as isize > hi {
                    0.0
                } else {
                    crate::numerics::powi((prefix[hi as usize + 1] - prefix[lo]).max(0.0), s.k as u32)
                }
            };
            for (b, &worst) in order.iter().enumerate() {
                for (a, &best) in order.iter().enumerate().skip(b + 1) {
                    let a = a as isize;
                    let p = all_in(b, a) - all_in(b + 1, a) - all_in(b, a - 1) + all_in(b + 1, a - 1);
                    w[best][worst] = p.max(0.0);
                }
            }
        }
        // Mix-R and Mix-P (Shi, Zhou and Du 2025): every pair of the support weighted by the
        // inverse of the DPO loss's curvature along it, C(i, j) = 1 / (sigma(d) sigma(-d)) with
        // d = s (r_i - r_j) (Mix-R) or beta (h_i - h_j), h = log pi_theta - log pi_ref, whose
        // differences are the scores' (Mix-P); then the label. In logs, to stay finite:
        // log C = |d| + 2 log(1 + e^-|d|).
        Design::MixR | Design::MixP => {
            let a = |i: usize| match s.design {
                Design::MixR => s.sharpness * world.reward[i],
                _ => s.beta * scores[i],
            };
            let log_c = |i: usize, j: usize| {
                let d = (a(i) - a(j)).abs();
                d + 2.0 * log1p(exp(-d))
            };
            let top = members
                .iter()
                .flat_map(|&i| members.iter().map(move |&j| (i, j)))
                .filter(|(i, j)| i != j)
                .map(|(i, j)| log_c(i, j))
                .fold(f64::NEG_INFINITY, f64::max);
            candidates(&|i, j| exp(log_c(i, j) - top));
            return (normalised(w), 1.0);
        }
    }
    let total: f64 = w.iter().flatten().sum();
    (normalised(w), total)
}

/// W divided by its sum (all zero stays zero).
fn normalised(mut w: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let total: f64 = w.iter().flatten().sum();
    if total > 0.0 {
        for v in w.iter_mut().flatten() {
            *v /= total;
        }
    }
    w
}

/// The policy's scores f_theta: theta_i (tabular) or <theta, phi_i> (linear).
pub fn scores(world: &World, model: Model, theta: &[f64]) -> Vec<f64> {
    match model {
        Model::Tabular => theta.to_vec(),
        Model::Linear => world
            .features
            .iter()
            .map(|phi| theta[0] * phi[0] + theta[1] * phi[1])
            .collect(),
    }
}

/// log pi_theta = log pi_ref + f - logsumexp(log pi_ref + f).
pub fn log_probs(world: &World, scores: &[f64]) -> Vec<f64> {
    let logits: Vec<f64> = (0..world.n()).map(|i| world.ref_logp[i] + scores[i]).collect();
    let lse = log_sum_exp(logits.iter().copied());
    logits.iter().map(|l| l - lse).collect()
}

/// A gradient with respect to the scores, as one with respect to theta.
fn pull_back(world: &World, model: Model, d_scores: &[f64]) -> Vec<f64> {
    match model {
        Model::Tabular => d_scores.to_vec(),
        Model::Linear => {
            let mut g = vec![0.0; 2];
            for (phi, d) in world.features.iter().zip(d_scores) {
                g[0] += d * phi[0];
                g[1] += d * phi[1];
            }
            g
        }
    }
}

/// A loss with its gradient in theta and, for the linear model, its Hessian [h00, h01, h11].
pub struct Evaluation {
    pub loss: f64,
    pub grad: Vec<f64>,
    pub hessian: Option<[f64; 3]>,
}

/// The DPO loss of weighted pairs, normalised by the total weight:
/// L = -sum w log sigma(m) / sum w with the margin m = beta (f(chosen) - f(rejected)).
/// Each pair {i, j} comes once with both its outcomes, (i, j, W(i, j), W(j, i)): one margin
/// m = beta (f_i - f_j) and -W(i, j) log sigma(m) - W(j, i) log sigma(-m). Its derivative in
/// m, W(j, i) sigma(m) - W(i, j) sigma(-m), vanishes at the pair's own optimum, and summing it
/// so lets it cancel where it arises rather than across the whole sum. The curvature in m is
/// (W(i, j) + W(j, i)) sigma(m) sigma(-m).
pub fn dpo_loss(
    world: &World,
    model: Model,
    beta: f64,
    pairs: impl Iterator<Item = (usize, usize, f64, f64)>,
    scores: &[f64],
) -> Evaluation {
    let (mut loss, mut total, mut hessian) = (0.0, 0.0, [0.0; 3]);
    let mut d_scores = vec![0.0; world.n()];
    for (i, j, w_ij, w_ji) in pairs {
        let m = beta * (scores[i] - scores[j]);
        loss -= w_ij * log_sigmoid(m) + w_ji * log_sigmoid(-m);
        total += w_ij + w_ji;
        let slope = beta * (w_ji * sigmoid(m) - w_ij * sigmoid(-m));
        d_scores[i] += slope;
        d_scores[j] -= slope;
        if model == Model::Linear {
            let d = difference(world, i, j);
            let curvature = (w_ij + w_ji) * beta * beta * sigmoid(m) * sigmoid(-m);
            hessian[0] += curvature * d[0] * d[0];
            hessian[1] += curvature * d[0] * d[1];
            hessian[2] += curvature * d[1] * d[1];
        }
    }
    let norm = if total > 0.0 { 1.0 / total } else { 0.0 };
    let d: Vec<f64> = d_scores.iter().map(|g| g * norm).collect();
    Evaluation {
        loss: loss * norm,
        grad: pull_back(world, model, &d),
        hessian: (model == Model::Linear).then(|| hessian.map(|h| h * norm)),
    }
}

/// Every ordered pair (chosen, rejected, W) of positive probability.
pub fn ordered(w: &[Vec<f64>]) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
    w.iter()
        .enumerate()
        .flat_map(|(i, row)| row.iter().enumerate().map(move |(j, &p)| (i, j, p)))
        .filter(|t| t.2 > 0.0)
}

/// The population loss under the pair law W.
pub fn population_loss(world: &World, model: Model, beta: f64, w: &[Vec<f64>], scores: &[f64]) -> Evaluation {
    dpo_loss(world, model, beta, unordered(w).into_iter(), scores)
}

/// The unordered pairs i < j with their two weights (W(i, j), W(j, i)), in increasing
/// (i, j), those of zero probability left out.
fn unordered(w: &[Vec<f64>]) -> Vec<(usize, usize, f64, f64)> {
    let n = w.len();
    let mut out = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if w[i][j] > 0.0 || w[j][i] > 0.0 {
                out.push((i, j, w[i][j], w[j][i]));
            }
        }
    }
    out
}

/// Draws of two different candidates rarer than this are not redrawn: the pairs come from W
/// directly, which is the same law.
pub const MIN_DISTINCT: f64 = 1e-3;

/// `count` labelled pairs (chosen, rejected) by the generative process of the design: draw
/// the candidates, redraw while they coincide, then the label.
pub fn draw_minibatch(
    world: &World,
    s: &Settings,
    sampler: &Sampler,
    law: &(Vec<Vec<f64>>, f64),
    rng: &mut Rng,
) -> Vec<(usize, usize)> {
    let (w, distinct) = law;
    if ordered(w).next().is_none() {
        return Vec::new();
    }
    // Mix-R and Mix-P draw a pair with probability ∝ C(i, j), then the label: the pair law W
    // itself. Other designs too when distinct candidates are too rare to redraw.
    if matches!(s.design, Design::MixR | Design::MixP) || *distinct < MIN_DISTINCT {
        // An unordered pair with probability W(i, j) + W(j, i), then its order.
        let pairs = unordered(w);
        let mut cum = Vec::new();
        cumulative(&pairs.iter().map(|p| p.2 + p.3).collect::<Vec<_>>(), &mut cum);
        return (0..s.batch)
            .map(|_| {
                let (i, j, w_ij, w_ji) = pairs[rng.categorical(&cum)];
                if rng.uniform() * (w_ij + w_ji) < w_ij {
                    (i, j)
                } else {
                    (j, i)
                }
            })
            .collect();
    }
    let (mut cum_q, mut cum_0) = (Vec::new(), Vec::new());
    cumulative(&sampler.piq, &mut cum_q);
    cumulative(&sampler.pi0, &mut cum_0);
    let reward = &world.reward;
    let draw = |rng: &mut Rng| -> Option<(usize, usize)> {
        match s.design {
            Design::Independent | Design::Contrastive => {
                let a = rng.categorical(&cum_q);
                let b = rng.categorical(if s.design == Design::Independent {
                    &cum_q
                } else {
                    &cum_0
                });
                if a == b {
                    return None;
                }
                let a_wins = rng.uniform() < preference(world, s, a, b);
                Some(if a_wins { (a, b) } else { (b, a) })
            }
            Design::BestVsWorst => {
                let better = |x: usize, y: usize| reward[x].total_cmp(&reward[y]).then(x.cmp(&y)).is_gt();
                let first = rng.categorical(&cum_q);
                let (mut best, mut worst) = (first, first);
                for _ in 1..s.k {
                    let d = rng.categorical(&cum_q);
                    if better(d, best) {
                        best = d;
                    }
                    if better(worst, d) {
                        worst = d;
                    }
                }
                (best != worst).then_some((best, worst))
            }
            Design::MixR | Design::MixP => unreachable!("drawn from W above"),
        }
    };
    (0..s.batch)
        .map(|_| loop {
            if let Some(pair) = draw(rng) {
                break pair;
            }
        })
        .collect()
}

/// Do the labels leave the loss a finite minimiser? Deterministic labels (oracle,
/// best-vs-worst) do not: margins grow without bound.
pub fn has_finite_optimum(s: &Settings) -> bool {
    s.labels == Labels::BradleyTerry && s.design != Design::BestVsWorst
}

/// The minimiser theta_S of the population loss under W, the Hessian's extreme eigenvalues
/// there, and (linear model) the flat direction when the support spans only a line.
pub struct Optimum {
    pub theta: Vec<f64>,
    pub valley: Option<[f64; 2]>,
    pub eigenvalues: Option<(f64, f64)>,
}

/// theta_S: the limit of gradient descent from the current parameters `from`. Tabular:
/// (s / beta)(r_i - mean_S r) + mean_S from on S and `from` off it (gradients never reach
/// responses off S and keep the sum over S as it is). Linear: Newton's method from `start`
/// (on a line of minimisers, the one nearest `from`).
pub fn minimiser(
    world: &World,
    s: &Settings,
    sampler: &Sampler,
    w: &[Vec<f64>],
    start: Option<&[f64]>,
    from: &[f64],
) -> Option<Optimum> {
    if !has_finite_optimum(s) || ordered(w).next().is_none() {
        return None;
    }
    match s.model {
        Model::Tabular => {
            let inside = &sampler.members;
            let mean = inside.iter().map(|&i| world.reward[i]).sum::<f64>() / inside.len() as f64;
            let shift = inside.iter().map(|&i| from[i]).sum::<f64>() / inside.len() as f64;
            let theta: Vec<f64> = (0..world.n())
                .map(|i| {
                    if sampler.in_support[i] {
                        s.sharpness / s.beta * (world.reward[i] - mean) + shift
                    } else {
                        from[i]
                    }
                })
                .collect();
            let eigenvalues = tabular_hessian_extremes(s.beta, w, sampler, &theta);
            Some(Optimum {
                theta,
                valley: None,
                eigenvalues,
            })
        }
        Model::Linear => {
            let guess = start.map_or(
                [s.sharpness * world.u[0] / s.beta, s.sharpness * world.u[1] / s.beta],
                |t| [t[0], t[1]],
            );
            newton(world, s.beta, w, guess, [from[0], from[1]])
        }
    }
}

/// The feature difference phi_i - phi_j.
fn difference(world: &World, i: usize, j: usize) -> [f64; 2] {
    [
        world.features[i][0] - world.features[j][0],
        world.features[i][1] - world.features[j][1],
    ]
}

fn dot2(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// The unit eigenvector of [[a, b], [b, c]] for its larger eigenvalue.
fn top_direction([a, b, c]: [f64; 3]) -> [f64; 2] {
    let (_, hi) = sym2_eigenvalues(a, b, c);
    let (r1, r2) = ([a - hi, b], [b, c - hi]);
    let r = if dot2(r1, r1) >= dot2(r2, r2) { r1 } else { r2 };
    let n = dot2(r, r).sqrt();
    if n > 0.0 {
        [-r[1] / n, r[0] / n]
    } else {
        [1.0, 0.0]
    }
}

/// Newton's method with a backtracking line search for the linear model (the loss is convex
/// in theta whatever the misspecification). When the pairs' feature differences span only a
/// line the loss is flat across it: gradient descent from `from` moves only along the line,
/// keeping `from`'s part across it, so the search does too and ends at the minimiser nearest
/// `from`.
///
/// A deliberate rule: a Newton step along which every margin changes by at most 1/2 is taken
/// in full without comparing losses (the logistic loss's third derivative bound guarantees
/// the Armijo decrease there). A search that compares losses mistakes their rounding noise
/// near the minimiser for a failed decrease and stops up to 1e-7 (relative) short of it.
fn newton(world: &World, beta: f64, w: &[Vec<f64>], guess: [f64; 2], from: [f64; 2]) -> Option<Optimum> {
    let mut spread = [0.0; 3];
    for (i, j, p) in ordered(w) {
        let d = difference(world, i, j);
        spread[0] += p * d[0] * d[0];
        spread[1] += p * d[0] * d[1];
        spread[2] += p * d[1] * d[1];
    }
    let (lo, hi) = sym2_eigenvalues(spread[0], spread[1], spread[2]);
    if hi.is_nan() || hi <= 0.0 {
        return None;
    }
    let line = (lo <= 1e-10 * hi).then(|| top_direction(spread));
    let eval = |theta: [f64; 2]| population_loss(world, Model::Linear, beta, w, &scores(world, Model::Linear, &theta));
    let mut theta = match line {
        Some(e) => {
            let (along, across) = (dot2(guess, e), dot2(from, [-e[1], e[0]]));
            [along * e[0] - across * e[1], along * e[1] + across * e[0]]
        }
        None => guess,
    };
    let mut at = eval(theta);
    for _ in 0..200 {
        let h = at.hessian.expect("the linear model has a Hessian");
        let g = [at.grad[0], at.grad[1]];
        let (step, newton) = match line {
            Some(e) => {
                let curvature = e[0] * (h[0] * e[0] + h[1] * e[1]) + e[1] * (h[1] * e[0] + h[2] * e[1]);
                if curvature <= 0.0 {
                    return None;
                }
                let t = -dot2(g, e) / curvature;
                ([t * e[0], t * e[1]], true)
            }
            None => {
                let det = h[0] * h[2] - h[1] * h[1];
                if det.is_nan() || det <= 1e-300 {
                    // Saturated margins can leave H numerically singular: a gradient step.
                    ([-g[0], -g[1]], false)
                } else {
                    (
                        [(-h[2] * g[0] + h[1] * g[1]) / det, (h[1] * g[0] - h[0] * g[1]) / det],
                        true,
                    )
                }
            }
        };
        let decrement = -dot2(g, step);
        if decrement.is_nan() || decrement < 0.0 {
            return None;
        }
        // How much the margins move along the step: beta max |<d_ij, step>|.
        let moves: Vec<f64> = ordered(w)
            .map(|(i, j, _)| beta * dot2(difference(world, i, j), step).abs())
            .collect();
        let change = moves.iter().copied().fold(0.0, f64::max);
        let certified = newton && change <= 0.5;
        let mut t = 1.0;
        let (next, next_at) = loop {
            let candidate = [theta[0] + t * step[0], theta[1] + t * step[1]];
            let e = eval(candidate);
            if certified || decrement < 1e-20 || e.loss <= at.loss - 1e-4 * t * decrement || t < 1e-12 {
                break (candidate, e);
            }
            t *= 0.5;
        };
        let moved = t * dot2(step, step).sqrt();
        (theta, at) = (next, next_at);
        if !theta.iter().all(|v| v.is_finite()) || dot2(theta, theta).sqrt() > 1e12 {
            return None;
        }
        if moved <= 1e-13 * dot2(theta, theta).sqrt().max(1.0) {
            let h = at.hessian.expect("the linear model has a Hessian");
            return Some(Optimum {
                theta: theta.to_vec(),
                valley: line.map(|e| [-e[1], e[0]]),
                eigenvalues: Some(sym2_eigenvalues(h[0], h[1], h[2])),
            });
        }
    }
    None
}

/// The tabular Hessian's smallest and largest eigenvalue at `scores` on the support's
/// subspace orthogonal to 1_S. The Hessian is the graph Laplacian
/// beta^2 sum over pairs {i, j} of (W(i, j) + W(j, i)) sigma(m) sigma(-m) (e_i - e_j)(e_i - e_j)^T
/// on S (responses off S have no curvature). It maps 1_S to 0, and a Laplacian has no negative
/// eigenvalue, so the smallest of its eigenvalues on S is 1_S's: the rest are those that count.
pub fn tabular_hessian_extremes(beta: f64, w: &[Vec<f64>], sampler: &Sampler, scores: &[f64]) -> Option<(f64, f64)> {
    let mut inside = sampler.members.clone();
    inside.sort_unstable();
    let m = inside.len();
    if ordered(w).next().is_none() || m < 2 {
        return None;
    }
    let mut h = vec![vec![0.0; m]; m];
    for a in 0..m {
        for b in a + 1..m {
            let (i, j) = (inside[a], inside[b]);
            let margin = beta * (scores[i] - scores[j]);
            let c = beta * beta * (w[i][j] + w[j][i]) * sigmoid(margin) * sigmoid(-margin);
            h[a][a] += c;
            h[b][b] += c;
            h[a][b] -= c;
            h[b][a] -= c;
        }
    }
    let eigenvalues = symmetric_eigenvalues(h);
    Some((eigenvalues[1], eigenvalues[m - 1]))
}

/// The eigenvalues of a symmetric matrix in increasing order, by cyclic Jacobi rotations:
/// each rotation zeroes one off-diagonal entry, and the sweeps repeat until the
/// off-diagonal part is negligible.
fn symmetric_eigenvalues(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let n = a.len();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|p| (p + 1..n).map(move |q| (p, q)))
            .map(|(p, q)| a[p][q] * a[p][q])
            .sum();
        let diagonal: f64 = (0..n).map(|p| a[p][p] * a[p][p]).sum();
        if off <= 1e-34 * diagonal {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                // The rotation by angle phi with cot(2 phi) = theta that zeroes a[p][q].
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = if theta.abs() > 1e150 {
                    0.5 / theta
                } else {
                    theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt())
                };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (kp, kq) = (a[k][p], a[k][q]);
                    a[k][p] = c * kp - s * kq;
                    a[k][q] = s * kp + c * kq;
                }
                for k in 0..n {
                    let (pk, qk) = (a[p][k], a[q][k]);
                    a[p][k] = c * pk - s * qk;
                    a[q][k] = s * pk + c * qk;
                }
            }
        }
    }
    let mut eigenvalues: Vec<f64> = (0..n).map(|p| a[p][p]).collect();
    eigenvalues.sort_by(f64::total_cmp);
    eigenvalues
}

/// Exact gradient descent's rate near theta_S: max |1 - lr lambda| over the Hessian's
/// eigenvalues there (the larger only when the loss is flat along the other: a run from 0
/// has no error along it).
pub fn predicted_rate(o: &Optimum, lr: f64) -> f64 {
    match o.eigenvalues {
        Some((_, hi)) if o.valley.is_some() => (1.0 - lr * hi).abs(),
        Some((lo, hi)) => (1.0 - lr * lo).abs().max((1.0 - lr * hi).abs()),
        None => f64::NAN,
    }
}

/// The expected reward of the policy with log-probabilities `log_probs`.
fn expected_reward(world: &World, probs: &[f64]) -> f64 {
    probs.iter().zip(&world.reward).map(|(p, r)| p * r).sum()
}

/// A run of DPO from its start (theta0 for the linear model, 0 for the tabular), one step at
/// a time, measuring every metric.
pub struct Run {
    s: Settings,
    world: World,
    pub theta: Vec<f64>,
    step: u64,
    rng: Rng,
    /// The pair law of step 0: the dataset an offline run trains on.
    step0: Vec<Vec<f64>>,
    /// The latest distances to theta_S, for the measured rate.
    distances: VecDeque<f64>,
    optimum: Option<Optimum>,
    exact: Evaluation,
    batch: Evaluation,
    pub metrics: Metrics,
    /// The population loss at step 0.
    start_loss: f64,
}

impl Run {
    pub fn new(s: Settings) -> Run {
        let world = World::new(&s);
        let theta = s.start(world.n());
        // The pair law at the start: the policy there samples and scores the pairs.
        let f = scores(&world, s.model, &theta);
        let policy: Vec<f64> = log_probs(&world, &f).iter().map(|l| exp(*l)).collect();
        let step0 = pair_law(&world, &s, &sampler(&world, &s, &policy), &f).0;
        let empty = || Evaluation {
            loss: 0.0,
            grad: Vec::new(),
            hessian: None,
        };
        let mut run = Run {
            rng: Rng::new(s.seed, 1),
            s,
            world,
            theta,
            step: 0,
            step0,
            distances: VecDeque::new(),
            optimum: None,
            exact: empty(),
            batch: empty(),
            metrics: Metrics::default(),
            start_loss: f64::NAN,
        };
        run.measure();
        run.start_loss = run.metrics.loss;
        run
    }

    /// One step of SGD (or exact gradient descent); false once the run diverged (the step
    /// is not taken, or its metrics are not finite or its loss too high: see
    /// [`crate::sim::diverged_loss`]).
    pub fn step(&mut self) -> bool {
        let direction = if self.s.exact {
            &self.exact.grad
        } else {
            &self.batch.grad
        };
        let next: Vec<f64> = self
            .theta
            .iter()
            .zip(direction)
            .map(|(t, g)| t - self.s.lr * g)
            .collect();
        if next.iter().any(|t| !t.is_finite()) {
            return false;
        }
        self.step += 1;
        self.theta = next;
        self.measure();
        let m = &self.metrics;
        !(m.values().iter().any(|v| v.is_infinite())
            || m.loss.is_nan()
            || m.expected_reward.is_nan()
            || crate::sim::diverged_loss(m.loss, self.start_loss))
    }

    /// Everything at the current theta: the sampler, its pair law, its minimiser (Newton
    /// starts from the last one), this step's minibatch, the losses and every metric.
    fn measure(&mut self) {
        let (world, s) = (&self.world, &self.s);
        let f = scores(world, s.model, &self.theta);
        let log_probs = log_probs(world, &f);
        let probs: Vec<f64> = log_probs.iter().map(|l| exp(*l)).collect();
        let sampler = sampler(world, s, &probs);
        let law = pair_law(world, s, &sampler, &f);
        let w = &law.0;
        // The tabular curvature is computed every stride(m) steps and carried between (see
        // spectrum::stride): the schedule is part of what a run reports.
        let due = self.step.is_multiple_of(stride(s.support_size()));
        let previous = self.optimum.take();
        let warm = previous.as_ref().map(|o| o.theta.clone());
        let mut optimum = minimiser(world, s, &sampler, w, warm.as_deref(), &self.theta);
        if let (Some(o), Some(carried), false) = (&mut optimum, previous.and_then(|p| p.eigenvalues), due) {
            if s.model == Model::Tabular {
                o.eigenvalues = Some(carried);
            }
        }
        let batch = if s.exact {
            Vec::new()
        } else {
            draw_minibatch(world, s, &sampler, &law, &mut self.rng)
        };
        let exact = population_loss(world, s.model, s.beta, w, &f);
        let batch_eval = dpo_loss(world, s.model, s.beta, batch.iter().map(|&(c, r)| (c, r, 1.0, 0.0)), &f);
        // grad J: dJ/df_i = pi(i) (r_i - J).
        let j = expected_reward(world, &probs);
        let dj: Vec<f64> = (0..world.n()).map(|i| probs[i] * (world.reward[i] - j)).collect();
        let reward_grad = pull_back(world, s.model, &dj);
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        let no_pairs = ordered(w).next().is_none();
        let if_pairs = |v: f64| if no_pairs { f64::NAN } else { v };
        // Means over the pair law of per-response values: chosen, rejected, margin.
        let mean = |value: &dyn Fn(usize, usize) -> f64, law: &[Vec<f64>]| -> f64 {
            ordered(law).map(|(c, r, p)| p * value(c, r)).sum()
        };
        let (hessian_min, hessian_max) = match exact.hessian {
            Some(h) => sym2_eigenvalues(h[0], h[1], h[2]),
            None if due => tabular_hessian_extremes(s.beta, w, &sampler, &f).unwrap_or((f64::NAN, f64::NAN)),
            None => (self.metrics.hessian_min, self.metrics.hessian_max),
        };
        let (hessian_min_opt, hessian_max_opt) = optimum
            .as_ref()
            .and_then(|o| o.eigenvalues)
            .unwrap_or((f64::NAN, f64::NAN));
        let reward_grad_norm = norm(&reward_grad);
        // J* = E[r] under pi_ref exp(s r / beta) over all responses.
        let rlhf_reward = if has_finite_optimum(s) {
            let logits: Vec<f64> = (0..world.n())
                .map(|i| world.ref_logp[i] + s.sharpness * world.reward[i] / s.beta)
                .collect();
            let lse = log_sum_exp(logits.iter().copied());
            expected_reward(world, &logits.iter().map(|l| exp(l - lse)).collect::<Vec<_>>())
        } else {
            f64::NAN
        };
        self.metrics = Metrics {
            step: self.step,
            loss: if_pairs(exact.loss),
            batch_loss: if batch.is_empty() { f64::NAN } else { batch_eval.loss },
            grad_norm: norm(&exact.grad),
            batch_grad_norm: if batch.is_empty() {
                f64::NAN
            } else {
                norm(&batch_eval.grad)
            },
            signal: if reward_grad_norm > 0.0 {
                -exact.grad.iter().zip(&reward_grad).map(|(a, b)| a * b).sum::<f64>() / reward_grad_norm
            } else {
                0.0
            },
            expected_reward: j,
            ref_reward: expected_reward(world, &world.ref_probs),
            rlhf_reward,
            best_reward: world.reward.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            attainable_reward: optimum.as_ref().map_or(f64::NAN, |o| {
                let p: Vec<f64> = log_probs_at(world, s, &o.theta).iter().map(|l| exp(*l)).collect();
                expected_reward(world, &p)
            }),
            kl: (0..world.n())
                .map(|i| {
                    if probs[i] > 0.0 {
                        probs[i] * (log_probs[i] - world.ref_logp[i])
                    } else {
                        0.0
                    }
                })
                .sum(),
            off_support_mass: (0..world.n())
                .filter(|&i| !sampler.in_support[i])
                .map(|i| probs[i])
                .sum(),
            chosen_logp: if_pairs(mean(&|c, _| log_probs[c], w)),
            rejected_logp: if_pairs(mean(&|_, r| log_probs[r], w)),
            fixed_chosen_logp: mean(&|c, _| log_probs[c], &self.step0),
            fixed_rejected_logp: mean(&|_, r| log_probs[r], &self.step0),
            margin: if_pairs(mean(&|c, r| s.beta * (f[c] - f[r]), w)),
            target_distance: optimum.as_ref().map_or(f64::NAN, |o| {
                norm(&o.theta.iter().zip(&self.theta).map(|(a, b)| a - b).collect::<Vec<_>>())
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
            predicted_rate: optimum.as_ref().map_or(f64::NAN, |o| predicted_rate(o, s.lr)),
            measured_rate: f64::NAN,
            chosen_reward: if_pairs(mean(&|c, _| world.reward[c], w)),
            reward_gap: if_pairs(mean(&|c, r| world.reward[c] - world.reward[r], w)),
        };
        self.track_distance(optimum.as_ref());
        (self.optimum, self.exact, self.batch) = (optimum, exact, batch_eval);
    }

    /// The measured rate: the distance to theta_S shrinks by this factor per step, the
    /// geometric mean over the last 10 steps. Distances at rounding level (below 1e-9 of
    /// |theta_S|) say nothing about the rate and start it over.
    fn track_distance(&mut self, optimum: Option<&Optimum>) {
        let scale = optimum.map_or(1.0, |o| o.theta.iter().map(|x| x * x).sum::<f64>().sqrt().max(1.0));
        let d = self.metrics.target_distance;
        if d.is_finite() && d > 1e-9 * scale {
            self.distances.push_back(d);
        } else {
            self.distances.clear();
        }
        while self.distances.len() > 11 {
            self.distances.pop_front();
        }
        self.metrics.measured_rate = match (self.distances.front(), self.distances.back()) {
            (Some(first), Some(last)) if self.distances.len() > 1 => {
                exp(ln(last / first) / (self.distances.len() - 1) as f64)
            }
            _ => f64::NAN,
        };
    }
}

/// log pi_theta for any parameters.
fn log_probs_at(world: &World, s: &Settings, theta: &[f64]) -> Vec<f64> {
    log_probs(world, &scores(world, s.model, theta))
}
