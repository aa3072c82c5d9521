//! The two policy classes. Both are log pi_theta = log pi_ref + f_theta - logsumexp, with
//! scores f_theta(i) linear in theta: theta_i (tabular) or <theta, phi_i> (linear).

use crate::numerics::{exp_in_place, ln, log_sum_exp_slice};
use crate::settings::Model;
use crate::simd::lane_sum;
use crate::world::World;

/// Number of parameters.
pub fn dim(model: Model, n: usize) -> usize {
    match model {
        Model::Linear => 2,
        Model::Tabular => n,
    }
}

/// f_theta(i) for every response.
pub fn scores(world: &World, model: Model, theta: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    scores_into(world, model, theta, &mut out);
    out
}

/// [`scores`] into a buffer.
pub fn scores_into(world: &World, model: Model, theta: &[f64], out: &mut Vec<f64>) {
    out.clear();
    match model {
        Model::Tabular => out.extend_from_slice(theta),
        Model::Linear => out.extend(world.features.iter().map(|phi| theta[0] * phi[0] + theta[1] * phi[1])),
    }
}

/// log pi_theta(i) from the scores.
pub fn log_probs(world: &World, scores: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    log_probs_into(world, scores, &mut out);
    out
}

/// [`log_probs`] into a buffer.
pub fn log_probs_into(world: &World, scores: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.extend(world.ref_logp.iter().zip(scores).map(|(r, f)| r + f));
    let lse = log_sum_exp_slice(out);
    for l in out.iter_mut() {
        *l -= lse;
    }
}

/// log pi_theta into `log_probs` (the same bits as [`log_probs_into`]) and pi_theta into
/// `probs`, from one exp per response: pi = e / sum(e) with e = exp(x - max x), the terms
/// of the log-sum-exp itself.
pub fn log_probs_and_probs_into(world: &World, scores: &[f64], log_probs: &mut Vec<f64>, probs: &mut Vec<f64>) {
    log_probs.clear();
    log_probs.extend(world.ref_logp.iter().zip(scores).map(|(r, f)| r + f));
    let max = log_probs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() || log_probs.iter().any(|x| x.is_nan()) {
        // Infinite or undefined scores: the general path.
        log_probs_into(world, scores, log_probs);
        probs.clone_from(log_probs);
        exp_in_place(probs);
        return;
    }
    probs.clear();
    probs.extend(log_probs.iter().map(|x| x - max));
    exp_in_place(probs);
    // Summed as `log_sum_exp_slice` sums (four lanes, the same order); its terms below
    // e^-708 differ from these but cannot move a sum that holds e^0 = 1.
    let total = lane_sum(probs);
    let lse = max + ln(total);
    for l in log_probs.iter_mut() {
        *l -= lse;
    }
    for p in probs.iter_mut() {
        *p /= total;
    }
}

/// Maps a gradient with respect to the scores to one with respect to theta
/// (the scores are linear in theta, so this is exact).
pub fn pull_back(world: &World, model: Model, d_scores: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    pull_back_into(world, model, d_scores, &mut out);
    out
}

/// [`pull_back`] into a buffer.
pub fn pull_back_into(world: &World, model: Model, d_scores: &[f64], out: &mut Vec<f64>) {
    out.clear();
    match model {
        Model::Tabular => out.extend_from_slice(d_scores),
        Model::Linear => {
            let g = world.features.iter().zip(d_scores).fold([0.0; 2], |mut g, (phi, d)| {
                g[0] += d * phi[0];
                g[1] += d * phi[1];
                g
            });
            out.extend_from_slice(&g);
        }
    }
}

/// Gradient of J(theta) = E_{pi_theta}[r] with respect to theta:
/// dJ/df_i = pi(i) (r_i - J).
pub fn expected_reward_gradient(world: &World, model: Model, probs: &[f64]) -> Vec<f64> {
    let (mut out, mut scratch) = (Vec::new(), Vec::new());
    expected_reward_gradient_into(world, model, probs, &mut scratch, &mut out);
    out
}

/// [`expected_reward_gradient`] into a buffer, with a scratch buffer for dJ/df.
pub fn expected_reward_gradient_into(
    world: &World,
    model: Model,
    probs: &[f64],
    scratch: &mut Vec<f64>,
    out: &mut Vec<f64>,
) {
    let j = world.expected_reward(probs);
    scratch.clear();
    scratch.extend(probs.iter().zip(&world.reward).map(|(p, r)| p * (r - j)));
    pull_back_into(world, model, scratch, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn finite_difference(f: impl Fn(&[f64]) -> f64, theta: &[f64]) -> Vec<f64> {
        let h = 1e-6;
        (0..theta.len())
            .map(|k| {
                let mut p = theta.to_vec();
                let mut m = theta.to_vec();
                p[k] += h;
                m[k] -= h;
                (f(&p) - f(&m)) / (2.0 * h)
            })
            .collect()
    }

    #[test]
    fn expected_reward_gradient_matches_finite_differences() {
        for model in [Model::Linear, Model::Tabular] {
            let mut s = Settings::parse("n=12&kappa=2&refq=-0.3").unwrap();
            s.model = model;
            let w = World::new(&s);
            let theta: Vec<f64> = (0..dim(model, w.n())).map(|k| 0.3 * (k as f64 - 1.5).sin()).collect();
            let j = |t: &[f64]| {
                let p: Vec<f64> = log_probs(&w, &scores(&w, model, t)).iter().map(|l| l.exp()).collect();
                w.expected_reward(&p)
            };
            let probs: Vec<f64> = log_probs(&w, &scores(&w, model, &theta))
                .iter()
                .map(|l| l.exp())
                .collect();
            let g = expected_reward_gradient(&w, model, &probs);
            for (a, b) in g.iter().zip(finite_difference(j, &theta)) {
                assert!((a - b).abs() < 1e-7, "{model:?}: {a} vs {b}");
            }
        }
    }

    /// One exp per response gives the same log-probabilities, and probabilities that agree
    /// with exp(log pi) to the rounding of log pi itself (log pi = x - lse rounds at the
    /// scale of x, and exp turns that into a relative error), down to subnormal ones; the
    /// fallback handles infinities.
    #[test]
    fn probabilities_from_the_log_sum_exp_terms() {
        let s = Settings::parse("n=30&model=tabular").unwrap();
        let w = World::new(&s);
        for spread in [0.5, 20.0, 720.0, 740.0, 800.0] {
            let f: Vec<f64> = (0..w.n()).map(|i| spread * ((i * 7) as f64).sin()).collect();
            let (mut logp, mut probs) = (Vec::new(), Vec::new());
            log_probs_and_probs_into(&w, &f, &mut logp, &mut probs);
            assert_eq!(logp, log_probs(&w, &f), "spread {spread}");
            for (p, l) in probs.iter().zip(&logp) {
                let other = crate::numerics::exp(*l);
                let tolerance = 4.0 * f64::EPSILON * (1.0 + 2.0 * spread) * other + 1e-320;
                assert!((p - other).abs() <= tolerance, "spread {spread}: {p:e} vs {other:e}");
            }
        }
        let mut f = vec![0.0; w.n()];
        f[3] = f64::INFINITY;
        let (mut logp, mut probs) = (Vec::new(), Vec::new());
        log_probs_and_probs_into(&w, &f, &mut logp, &mut probs);
        assert_eq!(
            logp.iter().map(|l| l.to_bits()).collect::<Vec<_>>(),
            log_probs(&w, &f).iter().map(|l| l.to_bits()).collect::<Vec<_>>()
        );
    }
}
