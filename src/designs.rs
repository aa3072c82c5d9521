//! The pair designs, each declared once: how it weighs a pair for the exact pair law, how
//! the generative process draws one for a minibatch, and whether its law moves with the
//! policy.
//!
//! Every design but best-vs-worst weighs the unordered pair {a, b} of the support by
//! C(a, b) = x_a y_b + y_a x_b + c for vectors x, y and a constant c of its own, and labels it
//! with the configured labeller: W(a, b) ∝ C(a, b) P(a preferred to b). The vectorised fill
//! of `pairs.rs` knows only that form, so a design of this kind is a few lines here.
//! Best-vs-worst of K is the order statistics of K draws, computed here too.
//!
//! To add a design: its formula in `reference::pair_law` first (the specification the fast
//! path is tested against), then its weights and draw here, then its name in `settings.rs`.

use crate::numerics::{exp, powi, sort_by_value};
use crate::sampler::Sampler;
use crate::settings::{Design, Settings};
use crate::world::World;

/// The weights C(a, b) = x_a y_b + y_a x_b + c of a candidate design, by position in the
/// support's members (increasing response index).
#[derive(Clone, Debug, Default)]
pub struct Weights {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub c: f64,
}

/// How the generative process draws a labelled pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draw {
    /// Two candidates, the first from pi_q, the second from pi_q (`second_tilted`) or pi_0,
    /// drawn again while they coincide; then the label.
    Candidates { second_tilted: bool },
    /// K candidates from pi_q: the best (by true reward) chosen, the worst rejected.
    BestOfK,
    /// An unordered pair with probability W(a, b) + W(b, a), then the label: the same law as
    /// drawing a pair with probability ∝ C(a, b) and then the label.
    FromLaw,
}

/// How `design`'s minibatches are drawn.
pub fn draw(design: Design) -> Draw {
    match design {
        Design::Independent => Draw::Candidates { second_tilted: true },
        Design::Contrastive => Draw::Candidates { second_tilted: false },
        Design::BestVsWorst => Draw::BestOfK,
        Design::MixR | Design::MixP => Draw::FromLaw,
    }
}

/// Does the pair law move with theta? Online it does (the sampler mixes in the policy), and
/// Mix-P weighs pairs by the policy itself, so it moves offline too. The one answer to this
/// question: what a step recomputes, and so the landscape's cache, follow it.
pub fn moves_with_policy(s: &Settings) -> bool {
    s.on_policy != 0.0 || s.design == Design::MixP
}

/// Does the quality tilt reach the pair law? Mix-R and Mix-P weigh pairs by the reward or
/// the policy alone.
pub fn uses_quality(design: Design) -> bool {
    !matches!(design, Design::MixR | Design::MixP)
}

/// The weights of `s.design` over `members` (increasing index) into `out`; false for
/// best-vs-worst, whose law is not of that form. `scores` are the policy's f_theta.
pub fn weights(
    world: &World,
    s: &Settings,
    sampler: &Sampler,
    scores: &[f64],
    members: &[usize],
    out: &mut Weights,
) -> bool {
    let by_position = |v: &mut Vec<f64>, values: &[f64]| {
        v.clear();
        v.extend(members.iter().map(|&i| values[i]));
    };
    match s.design {
        // Both candidates from pi_q, in either order: C = 2 pi_q(a) pi_q(b).
        Design::Independent => {
            by_position(&mut out.x, &sampler.piq);
            by_position(&mut out.y, &sampler.piq);
            out.c = 0.0;
        }
        // One from pi_q, the other from pi_0: C = pi_q(a) pi_0(b) + pi_0(a) pi_q(b).
        Design::Contrastive => {
            by_position(&mut out.x, &sampler.piq);
            by_position(&mut out.y, &sampler.pi0);
            out.c = 0.0;
        }
        // C = 1 / (sigma(d) sigma(-d)) with d the difference of s r (Mix-R) or of beta f, the
        // policy's implicit reward beta h (Mix-P; h differs from f by a constant).
        Design::MixR => inverse_curvature(members.iter().map(|&i| s.sharpness * world.reward[i]), out),
        Design::MixP => inverse_curvature(members.iter().map(|&i| s.beta * scores[i]), out),
        Design::BestVsWorst => return false,
    }
    true
}

/// 1 / (sigma(a_i - a_j) sigma(a_j - a_i)) = 2 + e^(a_i - a_j) + e^(a_j - a_i), scaled by
/// e^-(max a - min a) so that nothing overflows: x_i = e^(a_i - max a), y_i = e^(min a - a_i)
/// (both at most 1) and c = 2 e^-(max a - min a). The scale cancels when W is normalised.
fn inverse_curvature(a: impl Iterator<Item = f64> + Clone, out: &mut Weights) {
    let (lo, hi) = a
        .clone()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    out.x.clear();
    out.x.extend(a.clone().map(|v| exp(v - hi)));
    out.y.clear();
    out.y.extend(a.map(|v| exp(lo - v)));
    out.c = 2.0 * exp(lo - hi);
}

/// Best vs worst of K draws from pi_q: calls `put(best, worst, p)` for every pair of the
/// support, p unnormalised. With the support sorted by reward (ties by index) and F the
/// cumulative pi_q in that order, P(max = a, min = b) for a above b is, by
/// inclusion-exclusion, [F(a) - F(b-1)]^K - [F(a) - F(b)]^K - [F(a-1) - F(b-1)]^K +
/// [F(a-1) - F(b)]^K.
pub fn best_vs_worst(world: &World, s: &Settings, sampler: &Sampler, mut put: impl FnMut(usize, usize, f64)) {
    let order = by_reward(world, sampler);
    let mut prefix = vec![0.0];
    for &i in &order {
        prefix.push(prefix.last().unwrap() + sampler.piq[i]);
    }
    // Mass of positions lo..=hi, to the K-th power: all K draws fall there.
    let k = s.k as u32;
    let all_in = |lo: usize, hi: isize| -> f64 {
        if (lo as isize) > hi {
            0.0
        } else {
            powi((prefix[hi as usize + 1] - prefix[lo]).max(0.0), k)
        }
    };
    for (b, &worst) in order.iter().enumerate() {
        for (a, &best) in order.iter().enumerate().skip(b + 1) {
            let a = a as isize;
            let w = all_in(b, a) - all_in(b + 1, a) - all_in(b, a - 1) + all_in(b + 1, a - 1);
            put(best, worst, w.max(0.0));
        }
    }
}

/// The support's members from worst to best reward (ties by index).
fn by_reward(world: &World, sampler: &Sampler) -> Vec<usize> {
    let mut order = sampler.members.clone();
    sort_by_value(&mut order, &world.reward);
    order
}
