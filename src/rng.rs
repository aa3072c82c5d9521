//! The seeded random source: ChaCha12 (rand's StdRng), identical natively and in wasm.

use rand::rngs::StdRng;

use crate::numerics::{cos_turn, ln};
use rand::{Rng as _, SeedableRng};

/// A seeded stream of uniforms, normals and categorical draws.
pub struct Rng(StdRng);

impl Rng {
    /// Independent streams for one seed: the world and the training draws never share one.
    pub fn new(seed: u64, stream: u64) -> Rng {
        Rng(StdRng::seed_from_u64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
    }

    /// Uniform on [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// Standard normal by Box-Muller (written out, with this crate's ln and cos, so the stream
    /// is fixed by this file on every platform).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]: ln stays finite
        let u2 = self.uniform();
        (-2.0 * ln(u1)).sqrt() * cos_turn(u2)
    }

    /// An index drawn with probability proportional to the increments of `cumulative`
    /// (a non-decreasing prefix sum whose last entry is the total).
    pub fn categorical(&mut self, cumulative: &[f64]) -> usize {
        let total = *cumulative.last().expect("categorical over no outcomes");
        let target = self.uniform() * total;
        let i = cumulative.partition_point(|&c| c <= target);
        // Rounding can leave target at the total: fall back to the last outcome with mass.
        i.min(last_with_mass(cumulative))
    }
}

fn last_with_mass(cumulative: &[f64]) -> usize {
    let total = cumulative[cumulative.len() - 1];
    cumulative.partition_point(|&c| c < total)
}

/// Prefix sums of `weights`, for [`Rng::categorical`].
pub fn cumulative(weights: &[f64], out: &mut Vec<f64>) {
    out.clear();
    let mut acc = 0.0;
    for w in weights {
        acc += w;
        out.push(acc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let a: Vec<f64> = (0..5)
            .map({
                let mut r = Rng::new(3, 0);
                move |_| r.uniform()
            })
            .collect();
        let b: Vec<f64> = (0..5)
            .map({
                let mut r = Rng::new(3, 0);
                move |_| r.uniform()
            })
            .collect();
        let c: Vec<f64> = (0..5)
            .map({
                let mut r = Rng::new(3, 1);
                move |_| r.uniform()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn categorical_never_picks_zero_mass() {
        let mut cum = Vec::new();
        cumulative(&[0.0, 0.5, 0.0, 0.5, 0.0], &mut cum);
        let mut r = Rng::new(1, 0);
        for _ in 0..2000 {
            let i = r.categorical(&cum);
            assert!(i == 1 || i == 3, "{i}");
        }
    }

    #[test]
    fn normals_have_unit_variance() {
        let mut r = Rng::new(11, 0);
        let xs: Vec<f64> = (0..20000).map(|_| r.normal()).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        // Standard errors: 0.007 for the mean, 0.01 for the variance.
        assert!(mean.abs() < 0.03 && (var - 1.0).abs() < 0.05, "{mean} {var}");
    }
}
