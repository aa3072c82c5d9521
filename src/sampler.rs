//! The data-generating distribution at one step: base mix, support, quality tilt.

use crate::numerics::log_sum_exp;
use crate::settings::Settings;
use crate::world::World;

/// Fixed scale of the quality tilt: pi_q ∝ pi_0 exp(TILT q z).
pub const TILT: f64 = 4.0;

/// The sampler for one step.
#[derive(Clone, Debug)]
pub struct Sampler {
    /// (1 - lambda) pi_ref + lambda pi_theta.
    pub base: Vec<f64>,
    /// Is response i in the support S?
    pub in_support: Vec<bool>,
    /// The members of S, by decreasing base probability (ties by index).
    pub members: Vec<usize>,
    /// base restricted to S and renormalised.
    pub pi0: Vec<f64>,
    /// pi_0 tilted toward high reward by the quality.
    pub piq: Vec<f64>,
}

impl Sampler {
    /// The sampler given the current policy's probabilities.
    pub fn new(world: &World, s: &Settings, policy: &[f64]) -> Sampler {
        let n = world.n();
        let lambda = s.on_policy;
        let base: Vec<f64> = world
            .ref_logp
            .iter()
            .zip(policy)
            .map(|(lr, p)| (1.0 - lambda) * lr.exp() + lambda * p)
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| base[b].total_cmp(&base[a]).then(a.cmp(&b)));
        order.truncate(s.support_size().min(n));
        let mut in_support = vec![false; n];
        for &i in &order {
            in_support[i] = true;
        }
        let mass: f64 = order.iter().map(|&i| base[i]).sum();
        let pi0: Vec<f64> = (0..n)
            .map(|i| match (in_support[i], mass > 0.0) {
                (false, _) => 0.0,
                (true, true) => base[i] / mass,
                (true, false) => 1.0 / order.len() as f64,
            })
            .collect();
        // Quality 0 is no tilt at all: keep pi_q equal to pi_0 to the last bit.
        let piq = if s.quality == 0.0 {
            pi0.clone()
        } else {
            let log_tilted: Vec<f64> = (0..n)
                .map(|i| {
                    if pi0[i] > 0.0 {
                        pi0[i].ln() + TILT * s.quality * world.z[i]
                    } else {
                        f64::NEG_INFINITY
                    }
                })
                .collect();
            let lse = log_sum_exp(log_tilted.iter().copied());
            log_tilted.iter().map(|l| (l - lse).exp()).collect()
        };
        Sampler {
            base,
            in_support,
            members: order,
            pi0,
            piq,
        }
    }

    /// Probability mass of `probs` outside the support.
    pub fn off_support_mass(&self, probs: &[f64]) -> f64 {
        probs
            .iter()
            .zip(&self.in_support)
            .filter(|(_, &inside)| !inside)
            .map(|(p, _)| p)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world_and(settings: &str) -> (World, Settings) {
        let s = Settings::parse(settings).unwrap();
        (World::new(&s), s)
    }

    #[test]
    fn support_holds_the_most_likely_responses() {
        let (w, s) = world_and("n=40&support=0.25&kappa=2");
        let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
        let sm = Sampler::new(&w, &s, &refp);
        assert_eq!(sm.members.len(), 10);
        let weakest_inside = sm.members.iter().map(|&i| refp[i]).fold(f64::INFINITY, f64::min);
        for ((p, inside), q) in refp.iter().zip(&sm.in_support).zip(&sm.piq) {
            if !inside {
                assert!(*p <= weakest_inside);
                assert_eq!(*q, 0.0);
            }
        }
        assert!((sm.pi0.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((sm.piq.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn quality_zero_is_untilted_and_quality_raises_reward() {
        let (w, mut s) = world_and("n=30");
        let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
        let a = Sampler::new(&w, &s, &refp);
        assert_eq!(a.pi0, a.piq);
        s.quality = 1.0;
        let b = Sampler::new(&w, &s, &refp);
        assert!(w.expected_reward(&b.piq) > w.expected_reward(&b.pi0) + 0.5);
    }

    #[test]
    fn on_policy_fraction_mixes_in_the_policy() {
        let (w, mut s) = world_and("n=8");
        s.on_policy = 1.0;
        let policy = vec![0.0, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0];
        let sm = Sampler::new(&w, &s, &policy);
        assert_eq!(sm.base, policy);
    }
}
