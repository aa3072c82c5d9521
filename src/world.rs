//! The world of one prompt: responses, their features, the true reward, the reference.
//!
//! A world is a list of responses (`responses.rs`): each with a name, a reward, features φ and
//! the reference's logit. A generated world is such a list drawn from the seed; a given list
//! is completed the same way (features drawn from the seed, a uniform reference), and every
//! run reads the one list.

use crate::format::cell;
use crate::numerics::{exp_in_place, log_softmax};
use crate::responses::{csv_field, default_name, Response, COLUMNS, RUN_COLUMNS};
use crate::rng::Rng;
use crate::settings::{Misspec, Settings};

/// Everything that stays fixed during a run.
#[derive(Clone, Debug)]
pub struct World {
    /// The responses' names.
    pub names: Vec<String>,
    /// phi_i in R^2, one per response.
    pub features: Vec<[f64; 2]>,
    /// r_i = <u, phi_i> + gamma m_i, or as a list gives them.
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

/// The response list of a world drawn from the seed, or the given list completed: every
/// response with its features and reference logit.
pub fn responses(s: &Settings) -> Vec<Response> {
    let mut rng = Rng::new(s.seed, 0);
    // Drawn whatever a list gives: a list without features keeps the generated world's.
    let features: Vec<[f64; 2]> = (0..s.n)
        .map(|_| [s.scale * rng.normal(), s.scale * rng.normal()])
        .collect();
    if let Some(list) = &s.world {
        return list
            .list()
            .iter()
            .zip(&features)
            .map(|(r, drawn)| Response {
                phi: Some(r.phi.unwrap_or(*drawn)),
                ref_logit: Some(r.ref_logit.unwrap_or(0.0)),
                ..r.clone()
            })
            .collect();
    }
    let noise: Vec<f64> = (0..s.n).map(|_| rng.normal()).collect();
    let (u, v) = (REWARD_DIRECTION, reference_direction(s));
    features
        .iter()
        .zip(&noise)
        .enumerate()
        .map(|(i, (phi, xi))| {
            let m = match s.shape {
                Misspec::Noise => *xi,
                Misspec::Concave => -(phi[0] * phi[0] + phi[1] * phi[1]),
            };
            Response {
                name: default_name(i),
                reward: u[0] * phi[0] + u[1] * phi[1] + s.misspec * m,
                phi: Some(*phi),
                ref_logit: Some(s.kappa * (v[0] * phi[0] + v[1] * phi[1])),
            }
        })
        .collect()
}

/// At angle alpha = acos(refq) to u = (1, 0): (cos alpha, sin alpha), with no trigonometry.
fn reference_direction(s: &Settings) -> [f64; 2] {
    let c = s.ref_quality.clamp(-1.0, 1.0);
    [c, (1.0 - c * c).sqrt()]
}

impl World {
    pub fn new(s: &Settings) -> World {
        let list = responses(s);
        let n = list.len();
        let reward: Vec<f64> = list.iter().map(|r| r.reward).collect();
        let mean = reward.iter().sum::<f64>() / n as f64;
        let sd = (reward.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / n as f64).sqrt();
        let z = reward
            .iter()
            .map(|r| if sd > 0.0 { (r - mean) / sd } else { 0.0 })
            .collect();
        let logits: Vec<f64> = list.iter().map(|r| r.ref_logit.unwrap_or(0.0)).collect();
        let ref_logp = log_softmax(&logits);
        let mut ref_probs = ref_logp.clone();
        exp_in_place(&mut ref_probs);
        World {
            names: list.iter().map(|r| r.name.clone()).collect(),
            features: list.iter().map(|r| r.phi.unwrap_or([0.0; 2])).collect(),
            ref_logp,
            ref_probs,
            reward,
            z,
            u: REWARD_DIRECTION,
            v: reference_direction(s),
        }
    }

    pub fn n(&self) -> usize {
        self.reward.len()
    }

    /// The largest reward of any response: the most expected reward a policy can have.
    pub fn best_reward(&self) -> f64 {
        self.reward.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }

    /// `responses.csv`: each response's name, reward, features and reference logit (the
    /// normalised log pi_ref, so the file reads back as `--world` gives the same world), then
    /// pi_ref and the policy's probability `probs`.
    pub fn responses_csv(&self, probs: &[f64]) -> String {
        let mut out = format!("{},{}\n", COLUMNS.join(","), RUN_COLUMNS.join(","));
        for (i, p) in probs.iter().enumerate() {
            let [a, b] = self.features[i];
            let numbers = [self.reward[i], a, b, self.ref_logp[i], self.ref_probs[i], *p];
            let numbers: Vec<String> = numbers.iter().map(|v| cell(*v)).collect();
            out.push_str(&format!("{},{}\n", csv_field(&self.names[i]), numbers.join(",")));
        }
        out
    }

    /// The most likely response under `probs` and its probability.
    pub fn most_likely(&self, probs: &[f64]) -> (usize, f64) {
        probs.iter().copied().enumerate().fold(
            (0, f64::NEG_INFINITY),
            |best, (i, p)| if p > best.1 { (i, p) } else { best },
        )
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
    fn a_given_list_sets_rewards_exactly_and_keeps_the_generated_features() {
        let drawn = World::new(&Settings::parse("n=5&seed=3").unwrap());
        let w = World::new(&Settings::parse("seed=3&rewards=1e-3,-2,0.1,5,7").unwrap());
        assert_eq!(w.reward, vec![1e-3, -2.0, 0.1, 5.0, 7.0]);
        assert_eq!(w.features, drawn.features);
        assert_eq!(w.names[3], "r4");
        // No reference given: uniform.
        assert!(w.ref_probs.iter().all(|p| (p - 0.2).abs() < 1e-15));
        let w = World::new(&Settings::parse("world=a,1,0.5,0.25,0;b,2,1,1,1;c,3,0,0,0;d,4,2,2,0").unwrap());
        assert_eq!(w.features[0], [0.5, 0.25]);
        assert_eq!(w.names, vec!["a", "b", "c", "d"]);
        let e = 1f64.exp();
        assert!((w.ref_probs[1] - e / (e + 3.0)).abs() < 1e-15);
        assert_eq!(w.most_likely(&w.ref_probs), (1, w.ref_probs[1]));
    }

    #[test]
    fn responses_csv_reads_back_as_the_same_world() {
        let s = Settings::parse("n=6&refq=-0.5&kappa=2").unwrap();
        let w = World::new(&s);
        let text = w.responses_csv(&w.ref_probs);
        assert!(
            text.starts_with("name,reward,phi1,phi2,ref,ref_prob,prob\nr1,"),
            "{text}"
        );
        let list = crate::responses::Responses::parse_csv(&text, "responses.csv").unwrap();
        let mut t = s.clone();
        t.world = Some(std::sync::Arc::new(list));
        let back = World::new(&t);
        assert_eq!(back.reward, w.reward);
        assert_eq!(back.features, w.features);
        for (a, b) in back.ref_probs.iter().zip(&w.ref_probs) {
            assert!((a - b).abs() < 1e-15);
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
