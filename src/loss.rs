//! The DPO loss: -log sigma(beta (h(chosen) - h(rejected))), averaged over pairs, with its
//! exact gradient and (linear model) Hessian.
//!
//! The population sums run over the pair table of [`PairList`] (a struct of arrays, rows
//! padded to [`PAD`], in the vectors of [`crate::simd`]) in chunks the compiler vectorises, with the exp and log1p of
//! [`crate::numerics`]. Per pair: one exp (or, when the members' scores span a moderate
//! range, a product of two per-response exponentials: exp(-|m|) = exp(beta f_j - c)
//! exp(c - beta f_i)), one division and, for the loss, one log1p. Sums run in fixed
//! lanes and a fixed order: the same bits natively and in wasm.

use crate::numerics::{exp_core, exp_in_place, logistic_pair, reciprocal_and_log1p};
use crate::pairs::{PairList, PairWeights};
use crate::policy::pull_back_into;
use crate::settings::Model;
use crate::simd::{self, lane_sum, Kernel, Width, PAD};
use crate::world::World;

/// Loss and derivatives at one theta.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LossEval {
    pub loss: f64,
    pub grad: Vec<f64>,
    /// Linear model only: the Hessian as [h00, h01, h11].
    pub hessian: Option<[f64; 3]>,
}

/// Scratch for population evaluations, reused from step to step: per member position
/// (padded by [`PAD`]) the scores, the factored exponentials, the features and the
/// gradient with respect to the scores.
#[derive(Clone, Debug, Default)]
pub struct Evaluator {
    f: Vec<f64>,
    e: Vec<f64>,
    r: Vec<f64>,
    x: Vec<f64>,
    y: Vec<f64>,
    d: Vec<f64>,
    /// By response: the gradient with respect to the scores.
    d_scores: Vec<f64>,
    cols: Columns,
    /// The minibatch's margins and their logistic terms.
    batch: Logistic,
}

/// The members' scores may be factored (exp(-|m|) as a product of two per-response
/// exponentials) when beta f spans at most twice this: the exponentials' arguments then
/// carry at most this much more rounding than the margin's own (a few 1e-15 relative).
const FACTOR_RANGE: f64 = 16.0;

/// Unnormalised sums of one pass over the pairs.
struct Sums {
    loss: f64,
    hessian: [f64; 3],
}

impl Evaluator {
    /// Loads the members' scores (and, for the Hessian, features) by position; returns
    /// whether the exponentials factor.
    fn load(
        &mut self,
        world: &World,
        beta: f64,
        table: &PairList,
        scores: impl Fn(usize) -> f64,
        features: bool,
    ) -> bool {
        let m = table.members.len();
        let padded = m + PAD;
        let fill = |v: &mut Vec<f64>, get: &dyn Fn(usize) -> f64| {
            v.clear();
            v.extend(table.members.iter().map(|&i| get(i)));
            let last = v.last().copied().unwrap_or(0.0);
            v.resize(padded, last);
        };
        // Scores times beta: a margin is then one subtraction.
        fill(&mut self.f, &|i| beta * scores(i));
        if features {
            fill(&mut self.x, &|i| world.features[i][0]);
            fill(&mut self.y, &|i| world.features[i][1]);
        }
        self.d.clear();
        self.d.resize(padded, 0.0);
        let (lo, hi) = self.f[..m]
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), f| {
                (lo.min(*f), hi.max(*f))
            });
        let factor = m > 0 && hi - lo <= 2.0 * FACTOR_RANGE;
        if factor {
            // exp_in_place: the same bits as exp_core here (|arguments| <= FACTOR_RANGE),
            // in the widest vectors the CPU has.
            let c = 0.5 * (lo + hi);
            self.e.clear();
            self.e.extend(self.f.iter().map(|f| f - c));
            exp_in_place(&mut self.e);
            self.r.clear();
            self.r.extend(self.f.iter().map(|f| c - f));
            exp_in_place(&mut self.r);
        }
        factor
    }

    /// One pass over the pairs, in the widest vectors the CPU has (see [`Pass`]).
    fn run(&mut self, table: &PairList, loss: bool, hessian: bool, factor: bool) -> Sums {
        simd::run(Pass {
            ev: self,
            table,
            loss,
            hessian,
            factor,
        })
    }

    #[inline(always)]
    fn run_in_place(&mut self, table: &PairList, loss: bool, hessian: bool, factor: bool) -> Sums {
        let (f, e, r, x, y, d, cols) = (&self.f, &self.e, &self.r, &self.x, &self.y, &mut self.d, &mut self.cols);
        macro_rules! go {
            ($($l:literal $h:literal $f:literal => $pl:literal $ph:literal),*) => {
                match (loss, hessian, factor) {
                    $(($l, $h, $f) => pass::<$pl, $ph, $f>(table, f, e, r, x, y, d, cols),)*
                }
            };
        }
        // Nothing asks for neither the loss nor the Hessian: that runs the loss pass (its
        // loss unused) rather than a variant of its own, which would cost the wasm 3 KB.
        go!(
            true true true => true true,
            true true false => true true,
            true false true => true false,
            true false false => true false,
            false true true => false true,
            false true false => false true,
            false false true => true false,
            false false false => true false
        )
    }

    /// The population loss under the exact pair law at `scores` (every response's), into
    /// `out`, reusing its buffers.
    pub fn population_into(
        &mut self,
        world: &World,
        model: Model,
        beta: f64,
        weights: &PairWeights,
        scores: &[f64],
        out: &mut LossEval,
    ) {
        let table = &weights.pairs;
        let linear = model == Model::Linear;
        let factor = self.load(world, beta, table, |i| scores[i], linear);
        let sums = self.run(table, true, linear, factor);
        let norm = if table.total > 0.0 { 1.0 / table.total } else { 0.0 };
        self.d_scores.clear();
        self.d_scores.resize(world.n(), 0.0);
        for (&i, d) in table.members.iter().zip(&self.d) {
            self.d_scores[i] = d * (beta * norm);
        }
        out.loss = sums.loss * norm;
        pull_back_into(world, model, &self.d_scores, &mut out.grad);
        out.hessian = linear.then(|| sums.hessian.map(|h| h * (beta * beta * norm)));
    }

    /// The linear model's population loss (when asked; NaN otherwise), gradient and
    /// Hessian at `theta`: what Newton's method needs, without allocating.
    pub fn linear(
        &mut self,
        world: &World,
        beta: f64,
        weights: &PairWeights,
        theta: [f64; 2],
        loss: bool,
    ) -> LinearEval {
        let table = &weights.pairs;
        let score = |i: usize| theta[0] * world.features[i][0] + theta[1] * world.features[i][1];
        let factor = self.load(world, beta, table, score, true);
        let sums = self.run(table, loss, true, factor);
        let norm = if table.total > 0.0 { 1.0 / table.total } else { 0.0 };
        // The pull-back, in increasing response index like `pull_back`.
        let mut grad = [0.0; 2];
        for (k, d) in self.d[..table.members.len()].iter().enumerate() {
            let d = d * (beta * norm);
            grad[0] += d * self.x[k];
            grad[1] += d * self.y[k];
        }
        LinearEval {
            loss: if loss { sums.loss * norm } else { f64::NAN },
            grad,
            hessian: sums.hessian.map(|h| h * (beta * beta * norm)),
        }
    }

    /// The minibatch loss into `out`: the mean over drawn (chosen, rejected) pairs.
    pub fn minibatch_into(
        &mut self,
        world: &World,
        model: Model,
        beta: f64,
        batch: &[(usize, usize)],
        scores: &[f64],
        out: &mut LossEval,
    ) {
        let t = &mut self.batch;
        t.margin.clear();
        t.margin
            .extend(batch.iter().map(|&(c, r)| beta * (scores[c] - scores[r])));
        t.evaluate();
        self.d_scores.clear();
        self.d_scores.resize(scores.len(), 0.0);
        let (mut loss, mut hessian) = (0.0, [0.0; 3]);
        for (b, &(c, r)) in batch.iter().enumerate() {
            // Chosen c: -log sigma(m), whose derivative in m is -sigma(-m).
            loss -= t.log_s[b];
            let slope = beta * -t.s_neg[b];
            self.d_scores[c] += slope;
            self.d_scores[r] -= slope;
            if model == Model::Linear {
                let (a, z) = (world.features[c], world.features[r]);
                let d = [a[0] - z[0], a[1] - z[1]];
                let curvature = beta * beta * t.s[b] * t.s_neg[b];
                hessian[0] += curvature * d[0] * d[0];
                hessian[1] += curvature * d[0] * d[1];
                hessian[2] += curvature * d[1] * d[1];
            }
        }
        let norm = if batch.is_empty() {
            0.0
        } else {
            1.0 / batch.len() as f64
        };
        for g in self.d_scores.iter_mut() {
            *g *= norm;
        }
        out.loss = loss * norm;
        pull_back_into(world, model, &self.d_scores, &mut out.grad);
        out.hessian = (model == Model::Linear).then(|| hessian.map(|h| h * norm));
    }
}

/// Margins m and, for each, log sigma(m), sigma(m) and sigma(-m): the transcendental part
/// of the minibatch in a loop of its own, which vectorises.
#[derive(Clone, Debug, Default)]
struct Logistic {
    margin: Vec<f64>,
    log_s: Vec<f64>,
    s: Vec<f64>,
    s_neg: Vec<f64>,
}

impl Logistic {
    fn evaluate(&mut self) {
        simd::run(LogisticTerms(self))
    }

    #[inline(always)]
    fn evaluate_in_place(&mut self) {
        let n = self.margin.len();
        for v in [&mut self.log_s, &mut self.s, &mut self.s_neg] {
            v.clear();
            v.resize(n, 0.0);
        }
        let (log_s, s, s_neg) = (&mut self.log_s[..n], &mut self.s[..n], &mut self.s_neg[..n]);
        for (b, &m) in self.margin.iter().enumerate() {
            let (log_sigma, _, sigma, sigma_neg) = logistic_pair(m);
            (log_s[b], s[b], s_neg[b]) = (log_sigma, sigma, sigma_neg);
        }
    }
}

/// One pass over the pair table: AVX-512 for the passes with the loss (measured 25% faster
/// at N = 256; not faster without the loss), AVX2 otherwise.
struct Pass<'a> {
    ev: &'a mut Evaluator,
    table: &'a PairList,
    loss: bool,
    hessian: bool,
    factor: bool,
}

impl Kernel for Pass<'_> {
    type Output = Sums;
    fn widest(&self) -> Width {
        if self.loss {
            Width::Avx512
        } else {
            Width::Avx2
        }
    }
    #[inline(always)]
    fn run(self) -> Sums {
        self.ev.run_in_place(self.table, self.loss, self.hessian, self.factor)
    }
}

/// The minibatch's logistic terms.
struct LogisticTerms<'a>(&'a mut Logistic);

impl Kernel for LogisticTerms<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        self.0.evaluate_in_place()
    }
}

/// The linear model's loss, gradient and Hessian at one theta.
#[derive(Clone, Copy, Debug)]
pub struct LinearEval {
    pub loss: f64,
    pub grad: [f64; 2],
    pub hessian: [f64; 3],
}

/// Per-column accumulators of a pass: column c of every row adds into entry c, so the
/// loops carry no dependence from one pair to the next and vectorise.
#[derive(Clone, Debug, Default)]
struct Columns {
    loss: Vec<f64>,
    h: [Vec<f64>; 3],
    slope: Vec<f64>,
}

impl Columns {
    fn reset(&mut self, len: usize) {
        let [h0, h1, h2] = &mut self.h;
        for v in [&mut self.loss, h0, h1, h2, &mut self.slope] {
            v.clear();
            v.resize(len, 0.0);
        }
    }
}

/// One pass over the pair table: per pair {i, j} (i the lower position), the margin
/// m = f_i - f_j (the scores come times beta), -W(i,j) log sigma(m) - W(j,i) log sigma(-m)
/// into the loss, its derivative in m into d (by position), and sigma(m) sigma(-m) times
/// d_ij d_ij^T into the Hessian. Unnormalised, and d and the Hessian still lack their
/// factors beta and beta^2 (two multiplications per pass instead of three per pair).
/// Rows run in whole vectors (the padding weighs 0).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn pass<const LOSS: bool, const HESS: bool, const FACTOR: bool>(
    table: &PairList,
    f: &[f64],
    e: &[f64],
    r: &[f64],
    x: &[f64],
    y: &[f64],
    d: &mut [f64],
    cols: &mut Columns,
) -> Sums {
    let m = table.members.len();
    let widest = table.rows.get(1).copied().unwrap_or(0);
    cols.reset(widest);
    for k in 0..m.saturating_sub(1) {
        let (start, len) = (table.rows[k], table.rows[k + 1] - table.rows[k]);
        let (l0, fk) = (k + 1, f[k]);
        let (ek, rk) = if FACTOR { (e[k], r[k]) } else { (0.0, 0.0) };
        let (xk, yk) = if HESS { (x[k], y[k]) } else { (0.0, 0.0) };
        let (wf, wb) = (&table.fwd[start..start + len], &table.bwd[start..start + len]);
        let fl = &f[l0..l0 + len];
        let (el, rl) = if FACTOR {
            (&e[l0..l0 + len], &r[l0..l0 + len])
        } else {
            (fl, fl)
        };
        let (xl, yl) = if HESS {
            (&x[l0..l0 + len], &y[l0..l0 + len])
        } else {
            (fl, fl)
        };
        let dl = &mut d[l0..l0 + len];
        let (cl, slope_out) = (&mut cols.loss[..len], &mut cols.slope[..len]);
        let [h0, h1, h2] = &mut cols.h;
        let (h0, h1, h2) = (&mut h0[..len], &mut h1[..len], &mut h2[..len]);
        row::<LOSS, HESS, FACTOR>(
            [fk, ek, rk, xk, yk],
            wf,
            wb,
            fl,
            el,
            rl,
            xl,
            yl,
            dl,
            cl,
            slope_out,
            h0,
            h1,
            h2,
        );
        d[k] += lane_sum(&cols.slope[..len]);
    }
    Sums {
        loss: if LOSS { lane_sum(&cols.loss) } else { 0.0 },
        hessian: if HESS {
            [lane_sum(&cols.h[0]), lane_sum(&cols.h[1]), lane_sum(&cols.h[2])]
        } else {
            [0.0; 3]
        },
    }
}

/// One row of a pass: pair {k, l} for the row's columns. The slices come in as arguments
/// so the compiler knows the ones it writes overlap nothing (no checks per row).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn row<const LOSS: bool, const HESS: bool, const FACTOR: bool>(
    [fk, ek, rk, xk, yk]: [f64; 5],
    wf: &[f64],
    wb: &[f64],
    fl: &[f64],
    el: &[f64],
    rl: &[f64],
    xl: &[f64],
    yl: &[f64],
    dl: &mut [f64],
    cl: &mut [f64],
    slope_out: &mut [f64],
    h0: &mut [f64],
    h1: &mut [f64],
    h2: &mut [f64],
) {
    // A multiple of PAD, which the compiler can see: no scalar remainder.
    let len = wf.len() / PAD * PAD;
    let wf = &wf[..len];
    let (wb, fl, el, rl, xl, yl) = (&wb[..len], &fl[..len], &el[..len], &rl[..len], &xl[..len], &yl[..len]);
    let (dl, cl, slope_out) = (&mut dl[..len], &mut cl[..len], &mut slope_out[..len]);
    let (h0, h1, h2) = (&mut h0[..len], &mut h1[..len], &mut h2[..len]);
    for c in 0..len {
        let mq = fk - fl[c];
        let up = mq >= 0.0;
        let (s, s_neg, l1p) = if FACTOR && !LOSS {
            // sigma(m) = E_i / (E_i + E_j) with E = exp(beta f - c): no sign to follow.
            let q = 1.0 / (ek + el[c]);
            (ek * q, el[c] * q, 0.0)
        } else {
            // exp(-|m|): factored, or directly (clamped where it is below 1e-307
            // anyway, which changes nothing a sum can see).
            let ex = if FACTOR {
                if up {
                    el[c] * rk
                } else {
                    ek * rl[c]
                }
            } else {
                exp_core((-mq.abs()).max(-708.0))
            };
            // sigma(|m|) = 1 / (1 + e^-|m|), and with the loss log(1 + e^-|m|), from
            // one division.
            let (big, l1p) = if LOSS {
                reciprocal_and_log1p(ex)
            } else {
                (1.0 / (1.0 + ex), 0.0)
            };
            let small = ex * big;
            let (s, s_neg) = if up { (big, small) } else { (small, big) };
            (s, s_neg, l1p)
        };
        let (w_ij, w_ji) = (wf[c], wb[c]);
        if LOSS {
            // -w_ij log sigma(m) - w_ji log sigma(-m) = (w_ij + w_ji) log(1 + e^-|m|)
            // + w_ji m (m >= 0) or - w_ij m (m < 0).
            cl[c] += (w_ij + w_ji) * l1p + if up { w_ji } else { -w_ij } * mq;
        }
        // Without beta, and the curvature without beta^2: the caller scales the sums.
        let slope = w_ji * s - w_ij * s_neg;
        slope_out[c] = slope;
        dl[c] -= slope;
        if HESS {
            let (dx, dy) = (xk - xl[c], yk - yl[c]);
            let curvature = (w_ij + w_ji) * s * s_neg;
            h0[c] += curvature * dx * dx;
            h1[c] += curvature * dx * dy;
            h2[c] += curvature * dy * dy;
        }
    }
}

/// The population loss under the exact pair distribution.
pub fn population(world: &World, model: Model, beta: f64, weights: &PairWeights, scores: &[f64]) -> LossEval {
    let mut out = LossEval::default();
    Evaluator::default().population_into(world, model, beta, weights, scores, &mut out);
    out
}

/// The minibatch loss: the mean over drawn (chosen, rejected) pairs.
pub fn minibatch(world: &World, model: Model, beta: f64, batch: &[(usize, usize)], scores: &[f64]) -> LossEval {
    let mut out = LossEval::default();
    Evaluator::default().minibatch_into(world, model, beta, batch, scores, &mut out);
    out
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
                let pw = PairWeights::new(
                    &w,
                    &s,
                    &Sampler::new(&w, &s, &refp),
                    &Preferences::new(&w, &s),
                    &vec![0.0; w.n()],
                );
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
