//! The DPO loss: -log sigma(beta (h(chosen) - h(rejected))), averaged over pairs, with its
//! exact gradient and (linear model) Hessian.

use crate::numerics::logistic_pair;
use crate::pairs::PairWeights;
use crate::policy::pull_back;
use crate::settings::Model;
use crate::world::World;

/// Loss and derivatives at one theta.
#[derive(Clone, Debug, PartialEq)]
pub struct LossEval {
    pub loss: f64,
    pub grad: Vec<f64>,
    /// Linear model only: the Hessian as [h00, h01, h11].
    pub hessian: Option<[f64; 3]>,
}

/// Accumulates weighted pairs. The scores f may omit the log-normaliser: it cancels in
/// the margin beta (f_i - f_j).
struct Accumulator<'a> {
    world: &'a World,
    model: Model,
    beta: f64,
    scores: &'a [f64],
    loss: f64,
    total: f64,
    d_scores: Vec<f64>,
    hessian: [f64; 3],
}

impl<'a> Accumulator<'a> {
    fn new(world: &'a World, model: Model, beta: f64, scores: &'a [f64]) -> Self {
        let n = scores.len();
        Accumulator {
            world,
            model,
            beta,
            scores,
            loss: 0.0,
            total: 0.0,
            d_scores: vec![0.0; n],
            hessian: [0.0; 3],
        }
    }

    /// Adds the pair {i, j}: weight w_ij with i chosen, w_ji with j chosen.
    fn add(&mut self, i: usize, j: usize, w_ij: f64, w_ji: f64) {
        let m = self.beta * (self.scores[i] - self.scores[j]);
        let (log_s, log_s_neg, s, s_neg) = logistic_pair(m);
        self.loss -= w_ij * log_s + w_ji * log_s_neg;
        self.total += w_ij + w_ji;
        // d/dm of -w_ij log sigma(m) - w_ji log sigma(-m).
        let slope = self.beta * (w_ji * s - w_ij * s_neg);
        self.d_scores[i] += slope;
        self.d_scores[j] -= slope;
        if self.model == Model::Linear {
            let (a, b) = (self.world.features[i], self.world.features[j]);
            let d = [a[0] - b[0], a[1] - b[1]];
            let curvature = (w_ij + w_ji) * self.beta * self.beta * s * s_neg;
            self.hessian[0] += curvature * d[0] * d[0];
            self.hessian[1] += curvature * d[0] * d[1];
            self.hessian[2] += curvature * d[1] * d[1];
        }
    }

    fn finish(self) -> LossEval {
        let norm = if self.total > 0.0 { 1.0 / self.total } else { 0.0 };
        let d: Vec<f64> = self.d_scores.iter().map(|g| g * norm).collect();
        LossEval {
            loss: self.loss * norm,
            grad: pull_back(self.world, self.model, &d),
            hessian: (self.model == Model::Linear).then(|| self.hessian.map(|h| h * norm)),
        }
    }
}

/// The population loss under the exact pair distribution.
pub fn population(world: &World, model: Model, beta: f64, weights: &PairWeights, scores: &[f64]) -> LossEval {
    let mut acc = Accumulator::new(world, model, beta, scores);
    for p in &weights.pairs {
        acc.add(p.i, p.j, p.w_ij, p.w_ji);
    }
    acc.finish()
}

/// The minibatch loss: the mean over drawn (chosen, rejected) pairs.
pub fn minibatch(world: &World, model: Model, beta: f64, batch: &[(usize, usize)], scores: &[f64]) -> LossEval {
    let mut acc = Accumulator::new(world, model, beta, scores);
    for &(c, r) in batch {
        acc.add(c, r, 1.0, 0.0);
    }
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pairs::Preferences;
    use crate::policy::{dim, scores};
    use crate::sampler::Sampler;
    use crate::settings::Settings;

    fn central_difference(f: &dyn Fn(&[f64]) -> f64, theta: &[f64], k: usize) -> f64 {
        let h = 1e-5;
        let (mut p, mut m) = (theta.to_vec(), theta.to_vec());
        p[k] += h;
        m[k] -= h;
        (f(&p) - f(&m)) / (2.0 * h)
    }

    /// Every model and design: the exact gradient equals central differences of the
    /// loss, and the linear Hessian equals central differences of the gradient.
    #[test]
    fn gradient_and_hessian_match_finite_differences() {
        for model in ["linear", "tabular"] {
            for design in ["independent", "contrastive", "bvw", "independent&labels=oracle"] {
                let s = Settings::parse(&format!(
                    "n=10&model={model}&design={design}&quality=0.6&support=0.8&beta=0.7"
                ))
                .unwrap();
                let w = World::new(&s);
                let refp: Vec<f64> = w.ref_logp.iter().map(|l| l.exp()).collect();
                let pw = PairWeights::new(&w, &s, &Sampler::new(&w, &s, &refp), &Preferences::new(&w, &s));
                let theta: Vec<f64> = (0..dim(s.model, 10)).map(|k| 0.8 * ((k * 7) as f64).cos()).collect();
                let eval = |t: &[f64]| population(&w, s.model, s.beta, &pw, &scores(&w, s.model, t));
                let at = eval(&theta);
                for k in 0..theta.len() {
                    let fd = central_difference(&|t| eval(t).loss, &theta, k);
                    assert!(
                        (at.grad[k] - fd).abs() < 1e-8,
                        "{model} {design} d{k}: {} vs {fd}",
                        at.grad[k]
                    );
                }
                if let Some(h) = at.hessian {
                    let full = [[h[0], h[1]], [h[1], h[2]]];
                    for (a, row) in full.iter().enumerate() {
                        for (b, value) in row.iter().enumerate() {
                            let fd = central_difference(&|t| eval(t).grad[a], &theta, b);
                            assert!((value - fd).abs() < 1e-7, "{design} H{a}{b}: {value} vs {fd}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn minibatch_gradient_matches_finite_differences() {
        let s = Settings::parse("n=8&model=tabular").unwrap();
        let w = World::new(&s);
        let batch = [(0, 1), (2, 5), (2, 1), (7, 3)];
        let theta: Vec<f64> = (0..8).map(|k| (k as f64).sin()).collect();
        let eval = |t: &[f64]| minibatch(&w, s.model, s.beta, &batch, &scores(&w, s.model, t));
        for k in 0..8 {
            let fd = central_difference(&|t| eval(t).loss, &theta, k);
            assert!((eval(&theta).grad[k] - fd).abs() < 1e-8);
        }
    }

    #[test]
    fn loss_is_log_two_at_zero_margin_and_finite_at_huge_margins() {
        let s = Settings::parse("n=6").unwrap();
        let w = World::new(&s);
        let l = minibatch(&w, s.model, 1.0, &[(0, 1)], &[0.0; 6]);
        assert!((l.loss - std::f64::consts::LN_2).abs() < 1e-15);
        let huge = minibatch(&w, Model::Tabular, 1.0, &[(0, 1)], &[-1e5, 1e5, 0.0, 0.0, 0.0, 0.0]);
        assert!((huge.loss - 2e5).abs() < 1e-6 && huge.grad.iter().all(|g| g.is_finite()));
    }
}
