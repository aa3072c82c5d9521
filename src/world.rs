//! The world of one prompt: responses, their features, the true reward, the reference.

use crate::numerics::{exp_in_place, log_softmax};
use crate::rng::Rng;
use crate::settings::{Misspec, Settings};

/// Everything that stays fixed during a run.
#[derive(Clone, Debug)]
pub struct World {
    /// phi_i in R^2, one per response.
    pub features: Vec<[f64; 2]>,
    /// r_i = <u, phi_i> + gamma m_i.
    pub reward: Vec<f64>,
    /// The reward standardised over all responses (the quality tilt uses it).
    pub z: Vec<f64>,
    /// log pi_ref(i).
    pub ref_logp: Vec<f64>,
    /// pi_ref(i), kept because every step's sampler starts from it.
    pub ref_probs: Vec<f64>,
    /// The reward direction u (a unit vector).
    pub u: [f64; 2],
    /// The reference direction v, at angle alpha to u.
    pub v: [f64; 2],
}

/// The reward's direction. Any unit vector would do; this one keeps plots readable.
pub const REWARD_DIRECTION: [f64; 2] = [1.0, 0.0];

impl World {
    pub fn new(s: &Settings) -> World {
        let mut rng = Rng::new(s.seed, 0);
        let features: Vec<[f64; 2]> = (0..s.n)
            .map(|_| [s.scale * rng.normal(), s.scale * rng.normal()])
            .collect();
        let noise: Vec<f64> = (0..s.n).map(|_| rng.normal()).collect();
        let u = REWARD_DIRECTION;
        // At angle alpha = acos(refq) to u = (1, 0): (cos alpha, sin alpha), with no trigonometry.
        let c = s.ref_quality.clamp(-1.0, 1.0);
        let v = [c, (1.0 - c * c).sqrt()];
        let reward: Vec<f64> = features
            .iter()
            .zip(&noise)
            .map(|(phi, xi)| {
                let m = match s.shape {
                    Misspec::Noise => *xi,
                    Misspec::Concave => -(phi[0] * phi[0] + phi[1] * phi[1]),
                };
                u[0] * phi[0] + u[1] * phi[1] + s.misspec * m
            })
            .collect();
        let mean = reward.iter().sum::<f64>() / s.n as f64;
        let sd = (reward.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / s.n as f64).sqrt();
        let z = reward
            .iter()
            .map(|r| if sd > 0.0 { (r - mean) / sd } else { 0.0 })
            .collect();
        let logits: Vec<f64> = features
            .iter()
            .map(|phi| s.kappa * (v[0] * phi[0] + v[1] * phi[1]))
            .collect();
        let ref_logp = log_softmax(&logits);
        let mut ref_probs = ref_logp.clone();
        exp_in_place(&mut ref_probs);
        World {
            ref_logp,
            ref_probs,
            features,
            reward,
            z,
            u,
            v,
        }
    }

    pub fn n(&self) -> usize {
        self.reward.len()
    }

    /// The largest reward of any response: the most expected reward a policy can have.
    pub fn best_reward(&self) -> f64 {
        self.reward.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }

    /// E_pi[r] for a probability vector pi.
    pub fn expected_reward(&self, probs: &[f64]) -> f64 {
        probs.iter().zip(&self.reward).map(|(p, r)| p * r).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_is_normalised_and_follows_its_direction() {
        let s = Settings::parse("refq=1&kappa=3").unwrap();
        let w = World::new(&s);
        let total: f64 = w.ref_logp.iter().map(|l| l.exp()).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // refq = 1: the reference points along the reward, so it beats uniform.
        let uniform = w.reward.iter().sum::<f64>() / w.n() as f64;
        let probs: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
        assert!(w.expected_reward(&probs) > uniform + 0.5);
    }

    #[test]
    fn concave_misspecification_penalises_extremes() {
        let s = Settings::parse("gamma=0.5&shape=concave").unwrap();
        let w = World::new(&s);
        for (phi, r) in w.features.iter().zip(&w.reward) {
            let expect = phi[0] - 0.5 * (phi[0] * phi[0] + phi[1] * phi[1]);
            assert!((r - expect).abs() < 1e-12);
        }
    }

    #[test]
    fn standardised_reward_has_zero_mean_unit_variance() {
        let w = World::new(&Settings::default());
        let n = w.n() as f64;
        let mean = w.z.iter().sum::<f64>() / n;
        let var = w.z.iter().map(|z| z * z).sum::<f64>() / n;
        assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-12);
    }
}
