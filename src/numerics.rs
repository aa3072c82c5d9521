//! Numerically stable scalar and vector helpers shared by the model.
//!
//! `exp`, `ln` and `log1p` are written here rather than taken from the platform's libm:
//! the same operations in the same order natively and in wasm (whose libm differs), and
//! branch-free cores ([`exp_core`], [`log1p_unit`]) that the compiler vectorises in the
//! pair loops of [`crate::loss`]. Each is within 1 unit in the last place of the exact
//! value (tests below bound it against the standard library over dense ranges).

use crate::simd::{self, Kernel};

/// ln 2 to 32 bits (k * LN2_HI is exact for the k that occur), and the rest.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const INV_LN2: f64 = std::f64::consts::LOG2_E;
/// 1.5 * 2^52: adding it rounds to an integer, which then sits in the low mantissa bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;
const SQRT2: f64 = std::f64::consts::SQRT_2;

/// exp(r) - 1 - r for |r| <= ln 2 / 2 + tiny: Taylor to degree 13 (truncation below 4e-18
/// relative).
#[inline(always)]
fn expm1_tail(r: f64) -> f64 {
    const C: [f64; 12] = [
        0.5,
        1.666_666_666_666_666_6e-1,
        4.166_666_666_666_666_4e-2,
        8.333_333_333_333_333e-3,
        1.388_888_888_888_889e-3,
        1.984_126_984_126_984e-4,
        2.480_158_730_158_73e-5,
        2.755_731_922_398_589_3e-6,
        2.755_731_922_398_589e-7,
        2.505_210_838_544_172e-8,
        2.087_675_698_786_81e-9,
        1.605_904_383_682_161_3e-10,
    ];
    let mut q = C[11];
    for c in C[..11].iter().rev() {
        q = q * r + c;
    }
    r * r * q
}

/// exp(x) for x in [-708, 709] (results normal), without branches: the core of [`exp`]
/// that vectorises. Outside that range the result is wrong; callers clamp.
#[inline(always)]
pub fn exp_core(x: f64) -> f64 {
    let t = x * INV_LN2 + SHIFT;
    let k = t - SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let y = 1.0 + (r + expm1_tail(r));
    // 2^k into the exponent field: the integer k is in t's low bits.
    let ki = (t.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    f64::from_bits((y.to_bits() as i64).wrapping_add(ki << 52) as u64)
}

/// exp(x) for any x, within 1 ulp (subnormal results included).
#[inline]
pub fn exp(x: f64) -> f64 {
    if (-708.0..=709.0).contains(&x) {
        return exp_core(x);
    }
    if x.is_nan() {
        return x;
    }
    if x > 709.782_712_893_384 {
        return f64::INFINITY;
    }
    if x < -745.133_219_101_941_2 {
        return 0.0;
    }
    // Near the ends of the range: scale by 2^k in two halves, so 2^k itself never
    // overflows or goes subnormal and the one rounding happens at the end.
    let k = (x * INV_LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let y = 1.0 + (r + expm1_tail(r));
    let k = k as i64;
    let half = k / 2;
    let scale = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    y * scale(half) * scale(k - half)
}

/// log(1 + f) - f + f^2 / 2 pieces for f in [sqrt(1/2) - 1, sqrt(2) - 1]: returns
/// (s, R, hfsq) with log(1 + f) = f - (hfsq - s (hfsq + R)), where s = f / (2 + f).
#[inline(always)]
fn log_parts(f: f64) -> (f64, f64, f64) {
    let s = f / (2.0 + f);
    let (r, hfsq) = log_poly(f, s);
    (s, r, hfsq)
}

/// R of [`log_parts`] given s: log(1 + f) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), so
/// R = z q(z) with q(z) = sum over k >= 1 of 2 z^(k-1) / (2k + 1) and z = s^2 <= 0.02944.
/// q here is a degree-6 fit in Chebyshev nodes (`mpmath.chebyfit(q, [0, 0.0294373], 7)`),
/// within 3.2e-16 of q: that moves the logarithm by under 5e-18 relative, and takes four
/// fewer multiply-adds than the series to the same accuracy.
#[inline(always)]
fn log_poly(f: f64, s: f64) -> (f64, f64) {
    const C: [f64; 7] = [
        0.666_666_666_666_667,
        0.399_999_999_998_995_05,
        0.285_714_286_259_757_64,
        0.222_222_111_347_497_34,
        0.181_828_891_285_655_08,
        0.153_317_214_907_386_42,
        0.146_164_510_424_341_67,
    ];
    let z = s * s;
    let mut q = C[6];
    for c in C[..6].iter().rev() {
        q = q * z + c;
    }
    (z * q, 0.5 * f * f)
}

/// For e in [0, 1]: (1 / (1 + e), log(1 + e)) from one division (the two quotients come
/// from one reciprocal: each within 2 ulp, the logarithm within 1.5). The pair loops'
/// logistic and softplus.
#[inline(always)]
pub fn reciprocal_and_log1p(e: f64) -> (f64, f64) {
    let u = 1.0 + e;
    let big = u > SQRT2;
    let k = if big { 1.0 } else { 0.0 };
    let f = if big { 0.5 * u - 1.0 } else { e };
    let two_f = 2.0 + f;
    let q = 1.0 / (u * two_f);
    let inv_u = q * two_f;
    let s = f * (q * u);
    let c = if big { (e - (u - 1.0)) * inv_u } else { 0.0 };
    let (r, hfsq) = log_poly(f, s);
    (inv_u, k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f))
}

/// log(1 + e) for e in [0, 1], given u = 1 + e (rounded) and its reciprocal, without
/// branches: the pair loops' softplus. Within 1 ulp.
#[inline(always)]
pub fn log1p_unit(e: f64, u: f64, inv_u: f64) -> f64 {
    let big = u > SQRT2;
    // u > sqrt 2: log u = ln 2 + log(u / 2), u / 2 - 1 exact; the rounding of u is
    // corrected by (e - (u - 1)) / u. Otherwise log(1 + e) with f = e itself, exact.
    let k = if big { 1.0 } else { 0.0 };
    let f = if big { 0.5 * u - 1.0 } else { e };
    let c = if big { (e - (u - 1.0)) * inv_u } else { 0.0 };
    let (s, r, hfsq) = log_parts(f);
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + (k * LN2_LO + c))) - f)
}

/// log(1 + x) for x >= 0 (and NaN for NaN), within 1 ulp.
#[inline]
pub fn log1p(x: f64) -> f64 {
    if x <= 1.0 {
        let u = 1.0 + x;
        log1p_unit(x, u, 1.0 / u)
    } else {
        ln(1.0 + x) + (x - ((1.0 + x) - 1.0)) / (1.0 + x)
    }
}

/// The natural logarithm, within 1 ulp: x = 2^k m with m near 1, then the series of
/// [`log_poly`].
#[inline]
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x == f64::INFINITY {
        return if x == 0.0 {
            f64::NEG_INFINITY
        } else if x == f64::INFINITY {
            x
        } else {
            f64::NAN
        };
    }
    let (mut bits, mut k) = (x.to_bits(), 0i64);
    if bits < 0x0010_0000_0000_0000 {
        // Subnormal: scale into the normal range first.
        bits = (x * 18_014_398_509_481_984.0).to_bits(); // 2^54
        k -= 54;
    }
    k += ((bits >> 52) as i64) - 1023;
    // The mantissa m in [sqrt(1/2), sqrt(2)): x = 2^k m.
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m >= SQRT2 {
        m *= 0.5;
        k += 1;
    }
    let f = m - 1.0;
    let (s, r, hfsq) = log_parts(f);
    let k = k as f64;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// cos(2 pi u), for the normal draws of [`crate::rng`]: written here so a seed draws the same
/// world natively and in wasm. u is reduced to t in [-1/8, 1/8] of a turn plus a quarter
/// turn count; on |2 pi t| <= pi / 4 the Taylor series of cos and sin to degree 18 and 19 are
/// good to 1e-18 relative.
pub fn cos_turn(u: f64) -> f64 {
    let quarter = (4.0 * u).round();
    let r = std::f64::consts::TAU * (u - 0.25 * quarter);
    let z = r * r;
    // 1/n! for even and odd n, from the largest term down.
    let mut cos = 1.0;
    let mut sin = 1.0;
    for n in (1..=9).rev() {
        cos = 1.0 - z * cos / ((2 * n - 1) * (2 * n)) as f64;
        sin = 1.0 - z * sin / ((2 * n) * (2 * n + 1)) as f64;
    }
    let sin = r * sin;
    match (quarter as i64).rem_euclid(4) {
        0 => cos,
        1 => -sin,
        2 => -cos,
        _ => sin,
    }
}

/// x^n by repeated squaring: the same products in the same order on every platform.
pub fn powi(x: f64, n: u32) -> f64 {
    let (mut result, mut base, mut n) = (1.0, x, n);
    while n > 0 {
        if n & 1 == 1 {
            result *= base;
        }
        base *= base;
        n >>= 1;
    }
    result
}

/// ln(x) for positive, normal, finite x, without branches: the core of [`ln`] that
/// vectorises (the same bits there).
#[inline(always)]
pub fn ln_core(x: f64) -> f64 {
    let bits = x.to_bits();
    // The mantissa in [sqrt(1/2), sqrt(2)) and the matching exponent k: x = 2^k m.
    let m1 = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let e = ((bits >> 52) as i64 - 1023) as f64;
    let big = m1 >= SQRT2;
    let m = if big { m1 * 0.5 } else { m1 };
    let k = if big { e + 1.0 } else { e };
    let f = m - 1.0;
    let (s, r, hfsq) = log_parts(f);
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// log(sigma(x)) without overflow for any finite x.
pub fn log_sigmoid(x: f64) -> f64 {
    -log1p(exp(-x.abs())) + x.min(0.0)
}

/// The logistic function, evaluated in the branch that cannot overflow.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + exp(-x))
    } else {
        let e = exp(x);
        e / (1.0 + e)
    }
}

/// For a margin m: (log sigma(m), log sigma(-m), sigma(m), sigma(-m)) from one exp, one
/// division and one log, stable for any finite m.
#[inline(always)]
pub fn logistic_pair(m: f64) -> (f64, f64, f64, f64) {
    // Below e^-708 the terms are below anything a sum of them can show.
    let e = exp_core((-m.abs()).max(-708.0));
    let (big, l) = reciprocal_and_log1p(e);
    let small = e * big;
    if m >= 0.0 {
        (-l, -m - l, big, small)
    } else {
        (m - l, -l, small, big)
    }
}

/// log(sum(exp(x))) over the finite entries; -inf when there are none.
pub fn log_sum_exp(xs: impl IntoIterator<Item = f64> + Clone) -> f64 {
    let max = xs.clone().into_iter().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + ln(xs.into_iter().map(|x| exp(x - max)).sum::<f64>())
}

/// [`log_sum_exp`] of a slice, vectorised: the sum in four lanes, terms below e^-708
/// (which cannot move a sum of at least 1) as e^-708.
pub fn log_sum_exp_slice(xs: &[f64]) -> f64 {
    simd::run(LogSumExp(xs))
}

struct LogSumExp<'a>(&'a [f64]);

impl Kernel for LogSumExp<'_> {
    type Output = f64;
    #[inline(always)]
    fn run(self) -> f64 {
        log_sum_exp_vector(self.0)
    }
}

#[inline(always)]
fn log_sum_exp_vector(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() || xs.iter().any(|x| x.is_nan()) {
        return log_sum_exp(xs.iter().copied());
    }
    let mut acc = [0.0; 4];
    let mut chunks = xs.chunks_exact(4);
    let term = |x: f64| exp_core((x - max).max(-708.0));
    for chunk in &mut chunks {
        for q in 0..4 {
            acc[q] += term(chunk[q]);
        }
    }
    for (q, x) in chunks.remainder().iter().enumerate() {
        acc[q] += term(*x);
    }
    max + ln((acc[0] + acc[1]) + (acc[2] + acc[3]))
}

/// exp of every element in place: vectorised when every argument is in [`exp_core`]'s
/// range (then the same bits as [`exp`]).
pub fn exp_in_place(v: &mut [f64]) {
    simd::run(ExpInPlace(v))
}

struct ExpInPlace<'a>(&'a mut [f64]);

impl Kernel for ExpInPlace<'_> {
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let v = self.0;
        if v.iter().all(|x| (-708.0..=709.0).contains(x)) {
            for x in v.iter_mut() {
                *x = exp_core(*x);
            }
        } else {
            for x in v.iter_mut() {
                *x = exp(*x);
            }
        }
    }
}

/// Normalised log-probabilities from logits.
pub fn log_softmax(logits: &[f64]) -> Vec<f64> {
    let lse = log_sum_exp_slice(logits);
    logits.iter().map(|l| l - lse).collect()
}

/// Sorts `indices` by increasing `values[i]` (total order), ties by index. The crate's one
/// sort: every differently typed sort call adds its own copy of the sort routine (about
/// 7 KB) to the wasm.
pub fn sort_by_value(indices: &mut [usize], values: &[f64]) {
    indices.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// Eigenvalues (smaller, larger) of the symmetric matrix [[a, b], [b, c]].
pub fn sym2_eigenvalues(a: f64, b: f64, c: f64) -> (f64, f64) {
    let mean = 0.5 * (a + c);
    let radius = (0.25 * (a - c) * (a - c) + b * b).sqrt();
    (mean - radius, mean + radius)
}

#[cfg(test)]
mod tests {

    #[test]
    fn cos_turn_and_powi_match_the_standard_library() {
        for k in 0..=100_000 {
            let u = k as f64 / 100_000.0;
            // The standard library rounds 2 pi u first (up to 4.4e-16 off for u near 1, which
            // moves cos by as much); ours reduces u before multiplying.
            let (ours, theirs) = (cos_turn(u), (std::f64::consts::TAU * u).cos());
            assert!((ours - theirs).abs() < 1e-15, "u = {u}: {ours} vs {theirs}");
        }
        for (x, n) in [(0.7, 0), (0.7, 1), (0.93, 8), (1.0 - 1e-9, 32), (2.5, 7)] {
            let (ours, theirs) = (powi(x, n), x.powi(n as i32));
            assert!((ours - theirs).abs() <= 4.0 * f64::EPSILON * theirs.abs(), "{x}^{n}");
        }
    }
    use super::*;

    /// Distance in units in the last place between two finite values of the same sign
    /// (or both zero).
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        assert!(a.is_finite() && b.is_finite() && (a > 0.0) == (b > 0.0), "{a} vs {b}");
        (a.abs().to_bits() as i64 - b.abs().to_bits() as i64).unsigned_abs()
    }

    /// The worst ulp distance of `ours` from `std` over `xs`, and where.
    fn worst(xs: impl Iterator<Item = f64>, ours: fn(f64) -> f64, std: fn(f64) -> f64) -> (u64, f64) {
        xs.map(|x| (ulps(ours(x), std(x)), x))
            .fold((0, f64::NAN), |a, b| if b.0 > a.0 { b } else { a })
    }

    /// A dense sweep of [lo, hi] (2 million points, irregularly spaced so no pattern of the
    /// reduction repeats) and its end points.
    fn dense(lo: f64, hi: f64) -> impl Iterator<Item = f64> {
        const POINTS: u64 = 2_000_000;
        (0..=POINTS).map(move |k| {
            let t = k as f64 / POINTS as f64;
            let jitter = ((k * 2_654_435_761) % 1000) as f64 * 1e-3 / POINTS as f64;
            (lo + (hi - lo) * (t + jitter)).min(hi)
        })
    }

    /// The libm of the platform is within 1 ulp of exact, as is ours: at most 2 apart.
    #[test]
    fn exp_is_within_two_ulps_of_std() {
        let (u, x) = worst(dense(-745.0, 709.78), exp, f64::exp);
        assert!(u <= 1, "exp: {u} ulps at {x}");
        let (u, x) = worst(dense(-1.0, 1.0), exp, f64::exp);
        assert!(u <= 1, "exp near 0: {u} ulps at {x}");
        // exp_core agrees with exp over its whole range.
        for x in dense(-708.0, 709.0).step_by(97) {
            assert_eq!(exp_core(x).to_bits(), exp(x).to_bits(), "{x}");
        }
        // Extremes: overflow, the subnormal range, underflow, specials.
        for x in [
            709.78,
            709.782_712_893_384,
            -708.4,
            -720.0,
            -740.0,
            -745.1,
            1e-300,
            -1e-300,
            0.0,
            -0.0,
        ] {
            let (a, b) = (exp(x), x.exp());
            // Subnormal results have fewer bits: compare absolutely there.
            assert!(
                ulps(a, b) <= 2 || (a - b).abs() <= 2.0 * f64::from_bits(1),
                "{x}: {a} vs {b}"
            );
        }
        assert_eq!(exp(709.8), f64::INFINITY);
        assert_eq!(exp(1e6), f64::INFINITY);
        assert_eq!(exp(-746.0), 0.0);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert!(exp(f64::NAN).is_nan());
    }

    #[test]
    fn ln_is_within_two_ulps_of_std() {
        let (u, x) = worst(dense(1e-3, 10.0), ln, f64::ln);
        assert!(u <= 1, "ln: {u} ulps at {x}");
        let (u, x) = worst(dense(0.5, 2.0), ln, f64::ln);
        assert!(u <= 1, "ln near 1: {u} ulps at {x}");
        for k in -1074..1024 {
            for m in [1.0, 1.2345, std::f64::consts::SQRT_2, 1.999_999_999] {
                let x = m * 2f64.powi(k);
                if x.is_finite() && x > 0.0 {
                    assert!(ulps(ln(x), x.ln()) <= 2 || (ln(x) - x.ln()).abs() < 1e-15, "{x}");
                }
            }
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        assert!(ulps(ln(f64::MIN_POSITIVE), f64::MIN_POSITIVE.ln()) <= 1);
        assert!(ulps(ln(f64::from_bits(1)), f64::from_bits(1).ln()) <= 1);
        assert!(ulps(ln(f64::MAX), f64::MAX.ln()) <= 1);
    }

    #[test]
    fn ln_core_is_ln_on_normal_numbers() {
        for x in dense(1e-3, 10.0)
            .step_by(7)
            .chain((-1022..1024).map(|k| 1.37 * 2f64.powi(k)))
        {
            if x.is_finite() && x >= f64::MIN_POSITIVE {
                assert_eq!(ln_core(x).to_bits(), ln(x).to_bits(), "{x}");
            }
        }
        assert_eq!(ln_core(f64::MIN_POSITIVE).to_bits(), ln(f64::MIN_POSITIVE).to_bits());
        assert_eq!(ln_core(f64::MAX).to_bits(), ln(f64::MAX).to_bits());
    }

    #[test]
    fn log1p_is_within_two_ulps_of_std() {
        // The pair loops' range, e = exp(-|m|) in [0, 1]: densely, and on a log scale down
        // to the smallest subnormal, where log1p(e) = e.
        let (u, x) = worst(dense(0.0, 1.0), log1p, f64::ln_1p);
        assert!(u <= 1, "log1p: {u} ulps at {x}");
        for k in 0..=1074 {
            for m in [1.0, 1.3, 1.7] {
                let x = m * 2f64.powi(-k);
                if x > 0.0 && x <= 1.0 {
                    assert!(ulps(log1p(x), x.ln_1p()) <= 2, "{x}");
                }
            }
        }
        let (u, x) = worst(dense(1.0, 1e6), log1p, f64::ln_1p);
        assert!(u <= 1, "log1p above 1: {u} ulps at {x}");
        assert_eq!(log1p(0.0), 0.0);
    }

    #[test]
    fn reciprocal_and_log1p_are_within_two_ulps_of_std() {
        let (mut worst_r, mut worst_l) = (0, 0);
        for e in dense(0.0, 1.0).chain((0..=1074).map(|k| 1.3 * 2f64.powi(-k))) {
            let (r, l) = reciprocal_and_log1p(e);
            worst_r = worst_r.max(ulps(r, 1.0 / (1.0 + e)));
            worst_l = worst_l.max(ulps(l, e.ln_1p()));
        }
        assert!(
            worst_r <= 2 && worst_l <= 2,
            "1/(1+e): {worst_r} ulps, log1p: {worst_l} ulps"
        );
    }

    #[test]
    fn log_sigmoid_is_finite_and_accurate_at_extremes() {
        assert_eq!(log_sigmoid(1e5), -0.0);
        assert!((log_sigmoid(-1e5) + 1e5).abs() < 1e-9);
        assert!((log_sigmoid(0.0) + std::f64::consts::LN_2).abs() < 1e-15);
        let x: f64 = 3.7;
        assert!((log_sigmoid(x) - (1.0 / (1.0 + (-x).exp())).ln()).abs() < 1e-14);
    }

    #[test]
    fn sigmoid_is_symmetric_and_bounded() {
        for x in [-1e4, -30.0, -1.0, 0.0, 2.0, 700.0, 1e4] {
            let s = sigmoid(x);
            assert!((0.0..=1.0).contains(&s));
            assert!((s + sigmoid(-x) - 1.0).abs() < 1e-15);
        }
    }

    #[test]
    fn logistic_pair_matches_the_separate_forms() {
        for m in [-800.0, -30.0, -1.5, 0.0, 0.3, 12.0, 1e4] {
            let (a, b, c, d) = logistic_pair(m);
            assert!((a - log_sigmoid(m)).abs() <= 1e-12 * a.abs().max(1.0));
            assert!((b - log_sigmoid(-m)).abs() <= 1e-12 * b.abs().max(1.0));
            assert!((c - sigmoid(m)).abs() < 1e-15 && (d - sigmoid(-m)).abs() < 1e-15);
        }
    }

    #[test]
    fn log_sum_exp_handles_large_values() {
        let v = log_sum_exp([1000.0, 1000.0]);
        assert!((v - (1000.0 + std::f64::consts::LN_2)).abs() < 1e-12);
        assert_eq!(log_sum_exp([f64::NEG_INFINITY]), f64::NEG_INFINITY);
    }

    #[test]
    fn eigenvalues_of_diagonal_and_rank_one() {
        assert_eq!(sym2_eigenvalues(3.0, 0.0, 1.0), (1.0, 3.0));
        let (lo, hi) = sym2_eigenvalues(1.0, 1.0, 1.0);
        assert!(lo.abs() < 1e-15 && (hi - 2.0).abs() < 1e-15);
    }
}
