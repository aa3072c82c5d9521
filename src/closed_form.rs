//! Closed forms: the RLHF optimum, the tabular limit of plain gradient descent, and
//! theta* of the well-specified linear model. (The minimiser for any setting is in
//! [`crate::theory`].)

use crate::numerics::{exp, log_softmax};
use crate::settings::{Design, Labels, Settings};
use crate::world::World;

/// Labels without a finite minimiser (oracle, best-vs-worst): margins grow without bound.
pub fn has_finite_optimum(s: &Settings) -> bool {
    s.labels == Labels::BradleyTerry && s.design != Design::BestVsWorst
}

/// The RLHF optimum restricted to `support`: pi* ∝ pi_ref exp(s r / beta) on it, 0 off it.
pub fn rlhf_optimum(world: &World, s: &Settings, support: &[bool]) -> Vec<f64> {
    let logits: Vec<f64> = (0..world.n())
        .map(|i| {
            if support[i] {
                world.ref_logp[i] + s.sharpness * world.reward[i] / s.beta
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    log_softmax(&logits).iter().map(|l| exp(*l)).collect()
}

/// J*: the expected reward of the RLHF optimum over all responses, pi_ref exp(s r / beta).
/// A KL-regularised optimum, not a ceiling. Not defined (NaN) when labels are deterministic.
pub fn rlhf_reward(world: &World, s: &Settings) -> f64 {
    if has_finite_optimum(s) {
        world.expected_reward(&rlhf_optimum(world, s, &vec![true; world.n()]))
    } else {
        f64::NAN
    }
}

/// Tabular limit of gradient descent from `from` under a fixed sampler: the gradient never
/// touches responses outside the support and keeps the sum over the support as it is (each
/// pair adds to one logit what it takes from another), so theta_i = (s / beta)(r_i - mean_S r)
/// + mean_S from on S, and from_i off S. From theta = 0 it is 0 off S and sums to 0 on S.
pub fn tabular_limit(world: &World, s: &Settings, support: &[bool], from: &[f64]) -> Vec<f64> {
    let inside: Vec<usize> = (0..world.n()).filter(|&i| support[i]).collect();
    let size = inside.len().max(1) as f64;
    let mean_reward = inside.iter().map(|&i| world.reward[i]).sum::<f64>() / size;
    let mean_theta = inside.iter().map(|&i| from[i]).sum::<f64>() / size;
    (0..world.n())
        .map(|i| {
            if support[i] {
                s.sharpness / s.beta * (world.reward[i] - mean_reward) + mean_theta
            } else {
                from[i]
            }
        })
        .collect()
}

/// The linear model's minimiser when the reward is linear and the support's feature
/// differences span the plane: theta* = s u / beta.
pub fn linear_target(world: &World, s: &Settings) -> Vec<f64> {
    world.u.iter().map(|u| s.sharpness * u / s.beta).collect()
}
