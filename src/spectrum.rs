//! The tabular Hessian's extreme eigenvalues on the support, by Lanczos.
//!
//! For the tabular model the population loss's Hessian is a weighted graph Laplacian on the
//! support S: H = beta^2 sum over pairs {i, j} of (W(i, j) + W(j, i)) sigma(m) sigma(-m)
//! (e_i - e_j)(e_i - e_j)^T. Responses off S have no curvature, and H 1_S = 0: gradient
//! descent from 0 never moves along 1_S, so the eigenvalues that matter are those on the
//! subspace of S orthogonal to 1_S. A product H v costs one pass over the pairs, so Lanczos
//! (with full reorthogonalisation) finds the extreme ones in O(pairs) per iteration, where a
//! dense solver would take O(N^3). It stops when the residual of both extreme Ritz pairs,
//! which bounds their distance to an eigenvalue, is below 1e-11 of the Ritz value, or when the
//! Krylov space is invariant (the whole subspace at the latest).
//! It starts from a fixed vector, so its numbers depend on the matrix alone (and are the
//! same natively and in wasm). Its cost, about m products of O(m^2) operations for a support
//! of m, is why a run computes it only every few steps for larger supports ([`stride`]).

use crate::numerics::{cos_turn, exp_core};
use crate::pairs::PairWeights;
use crate::simd::{self, lane_sum, Kernel, PAD};

/// A Ritz pair (theta, y) has converged when |H y - theta y| <= this times |theta|: some
/// eigenvalue then lies that close to theta (relative), within the 1e-10 the metrics promise.
const RESIDUAL: f64 = 1e-11;

/// A run computes the tabular curvature every this many steps for a support of `m`
/// responses (carrying the latest between): every step up to 64, and for larger supports
/// every (m / 64)² steps, since a Lanczos run costs about m products of m² operations: the
/// average cost per step stays near a 64-response support's.
pub fn stride(m: usize) -> u64 {
    (m as u64).div_ceil(64).pow(2)
}

/// Convergence is checked every this many iterations.
const CHECK_EVERY: usize = 4;

/// The smallest and largest eigenvalue of the tabular Hessian at `scores` (the policy's
/// theta) on the support's subspace orthogonal to 1_S; None without pairs.
pub fn tabular_extremes(beta: f64, pairs: &PairWeights, scores: &[f64]) -> Option<(f64, f64)> {
    let table = &pairs.pairs;
    let m = table.members.len();
    if pairs.pairs.is_empty() || m < 2 {
        return None;
    }
    // beta times the scores by position, padded.
    let mut f: Vec<f64> = table.members.iter().map(|&i| beta * scores[i]).collect();
    f.resize(m + PAD, 0.0);
    let mut curvature = vec![0.0; table.fwd.len()];
    simd::run(Curvatures {
        pairs,
        f: &f,
        out: &mut curvature,
    });
    let (lo, hi) = lanczos(pairs, &curvature);
    // The curvatures lack beta^2 and W's normalisation: one multiplication for both.
    let factor = beta * beta * table.scale;
    Some((lo * factor, hi * factor))
}

/// (W(i, j) + W(j, i)) sigma(m) sigma(-m) for every cell of the table, m = f_i - f_j,
/// unnormalised: sigma(m) sigma(-m) = e / (1 + e)^2 with e = exp(-|m|).
struct Curvatures<'a> {
    pairs: &'a PairWeights,
    f: &'a [f64],
    out: &'a mut [f64],
}

impl Kernel for Curvatures<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let table = &self.pairs.pairs;
        for k in 0..table.members.len().saturating_sub(1) {
            let (start, len) = (table.rows[k], table.rows[k + 1] - table.rows[k]);
            let (wf, wb) = (&table.fwd[start..start + len], &table.bwd[start..start + len]);
            let (fk, fl) = (self.f[k], &self.f[k + 1..k + 1 + len]);
            let out = &mut self.out[start..start + len];
            for c in 0..len {
                let e = exp_core((-(fk - fl[c]).abs()).max(-708.0));
                let u = 1.0 + e;
                out[c] = (wf[c] + wb[c]) * (e / (u * u));
            }
        }
    }
}

/// y = L v for the Laplacian whose edge weights are `curvature` (table layout), by position;
/// v padded with zeros.
struct Product<'a> {
    pairs: &'a PairWeights,
    curvature: &'a [f64],
    v: &'a [f64],
    y: &'a mut [f64],
    scratch: &'a mut [f64],
}

impl Kernel for Product<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let table = &self.pairs.pairs;
        let m = table.members.len();
        self.y.iter_mut().for_each(|y| *y = 0.0);
        for k in 0..m.saturating_sub(1) {
            let (start, len) = (table.rows[k], table.rows[k + 1] - table.rows[k]);
            let c = &self.curvature[start..start + len];
            let (vk, vl) = (self.v[k], &self.v[k + 1..k + 1 + len]);
            let t = &mut self.scratch[..len];
            let yl = &mut self.y[k + 1..k + 1 + len];
            for j in 0..len {
                t[j] = c[j] * (vk - vl[j]);
                yl[j] -= t[j];
            }
            self.y[k] += lane_sum(t);
        }
    }
}

/// The dot product in four lanes, in a fixed order.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        acc[k % 4] += x * y;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// Removes the mean (the component along 1_S) of the first m entries.
fn center(v: &mut [f64], m: usize) {
    let mean = lane_sum(&v[..m]) / m as f64;
    v[..m].iter_mut().for_each(|x| *x -= mean);
}

/// The start: a fixed vector with a part along every eigenvector but 1_S (in general
/// position), unit length, by position.
fn start(pairs: &PairWeights) -> Vec<f64> {
    let m = pairs.pairs.members.len();
    let mut q: Vec<f64> = (0..m + PAD)
        .map(|k| {
            if k < m {
                1.0 + cos_turn(0.618_033_988_749_895 * k as f64 + 0.1)
            } else {
                0.0
            }
        })
        .collect();
    center(&mut q, m);
    let n0 = dot(&q, &q).sqrt();
    q.iter_mut().for_each(|x| *x /= n0);
    q
}

/// The extreme eigenvalues of the Laplacian with these edge weights on 1_S's complement.
fn lanczos(pairs: &PairWeights, curvature: &[f64]) -> (f64, f64) {
    let m = pairs.pairs.members.len();
    let dim = m - 1;
    let padded = m + PAD;
    let mut q = start(pairs);
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let (mut alpha, mut beta) = (Vec::new(), Vec::new());
    let mut w = vec![0.0; padded];
    let mut scratch = vec![0.0; pairs.pairs.rows.get(1).copied().unwrap_or(0)];
    loop {
        simd::run(Product {
            pairs,
            curvature,
            v: &q,
            y: &mut w,
            scratch: &mut scratch,
        });
        let a = dot(&q, &w);
        alpha.push(a);
        basis.push(q.clone());
        // Full reorthogonalisation against every basis vector (q among them) and 1_S, twice
        // (once leaves rounding that grows as the Ritz values converge).
        for _ in 0..2 {
            for b in &basis {
                let c = dot(b, &w);
                w.iter_mut().zip(b).for_each(|(x, y)| *x -= c * y);
            }
            center(&mut w, m);
        }
        let b = dot(&w, &w).sqrt();
        // Done: the Krylov space is invariant (or all of 1_S's complement), or both ends
        // have converged. Their check (two bisections on T) costs more than an iteration, so
        // it is made every few.
        let last = basis.len() >= dim || b <= 1e-15 * alpha.iter().fold(0.0, |m: f64, a| m.max(a.abs()));
        if last || basis.len().is_multiple_of(CHECK_EVERY) {
            let ritz = tridiagonal_extremes(&alpha, &beta);
            // The residual of the Ritz pair for theta is b times the last entry of T's
            // eigenvector for theta.
            let converged = |theta: f64| b * last_component(&alpha, &beta, theta).abs() <= RESIDUAL * theta.abs();
            if last || (converged(ritz.0) && converged(ritz.1)) {
                return ritz;
            }
        }
        beta.push(b);
        w.iter_mut().for_each(|x| *x /= b);
        std::mem::swap(&mut q, &mut w);
    }
}

/// The last entry of the unit eigenvector of the tridiagonal matrix (diagonal `a`,
/// off-diagonal `b`, none zero) for its eigenvalue `theta`, by the three-term recurrence
/// run from the last entry up: for an extreme eigenvalue the entries grow that way, which
/// keeps the recurrence stable.
fn last_component(a: &[f64], b: &[f64], theta: f64) -> f64 {
    let n = a.len();
    let mut x = vec![0.0; n];
    x[n - 1] = 1.0;
    for i in (1..n).rev() {
        // Row i: b[i-1] x[i-1] + (a[i] - theta) x[i] + b[i] x[i+1] = 0.
        let next = if i + 1 < n { b[i] * x[i + 1] } else { 0.0 };
        x[i - 1] = -((a[i] - theta) * x[i] + next) / b[i - 1];
        if x[i - 1].abs() > 1e150 {
            x.iter_mut().for_each(|v| *v *= 1e-150);
        }
    }
    x[n - 1] / dot(&x, &x).sqrt()
}

/// The smallest and largest eigenvalue of the symmetric tridiagonal matrix with diagonal
/// `a` and off-diagonal `b`, by bisection on Sturm counts (to the last bits).
fn tridiagonal_extremes(a: &[f64], b: &[f64]) -> (f64, f64) {
    let n = a.len();
    // Gershgorin bounds.
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..n {
        let r = if i > 0 { b[i - 1].abs() } else { 0.0 } + if i + 1 < n { b[i].abs() } else { 0.0 };
        lo = lo.min(a[i] - r);
        hi = hi.max(a[i] + r);
    }
    // How many eigenvalues lie below x.
    let below = |x: f64| -> usize {
        let mut count = 0;
        let mut d = 1.0;
        for i in 0..n {
            let off = if i > 0 { b[i - 1] * b[i - 1] } else { 0.0 };
            d = a[i] - x - if i > 0 { off / d } else { 0.0 };
            if d == 0.0 {
                d = -f64::EPSILON * (hi - lo).abs().max(f64::MIN_POSITIVE);
            }
            count += usize::from(d < 0.0);
        }
        count
    };
    // The k-th smallest eigenvalue (k from 1): the least x with at least k below it.
    let kth = |k: usize| -> f64 {
        let (mut l, mut h) = (lo, hi);
        for _ in 0..200 {
            let mid = 0.5 * (l + h);
            if mid <= l || mid >= h {
                break;
            }
            if below(mid) >= k {
                h = mid;
            } else {
                l = mid;
            }
        }
        0.5 * (l + h)
    };
    (kth(1), kth(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tridiagonal_extremes_of_a_known_matrix() {
        // The path graph's Laplacian-like matrix 2 on the diagonal, -1 off: 2 - 2 cos(k pi / (n + 1)).
        let n = 10;
        let (lo, hi) = tridiagonal_extremes(&vec![2.0; n], &vec![-1.0; n - 1]);
        let exact = |k: f64| 2.0 - 2.0 * (k * std::f64::consts::PI / (n as f64 + 1.0)).cos();
        assert!(
            (lo - exact(1.0)).abs() < 1e-14 && (hi - exact(n as f64)).abs() < 1e-14,
            "{lo} {hi}"
        );
    }
}
