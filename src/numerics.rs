//! Numerically stable scalar and vector helpers shared by the model.

/// log(sigma(x)) without overflow for any finite x.
pub fn log_sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        -(-x).exp().ln_1p()
    } else {
        x - x.exp().ln_1p()
    }
}

/// The logistic function, evaluated in the branch that cannot overflow.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// For a margin m: (log sigma(m), log sigma(-m), sigma(m), sigma(-m)) from one exp and
/// one log, stable for any finite m.
pub fn logistic_pair(m: f64) -> (f64, f64, f64, f64) {
    let e = (-m.abs()).exp();
    let l = e.ln_1p();
    let (big, small) = (1.0 / (1.0 + e), e / (1.0 + e));
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
    max + xs.into_iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

/// Normalised log-probabilities from logits.
pub fn log_softmax(logits: &[f64]) -> Vec<f64> {
    let lse = log_sum_exp(logits.iter().copied());
    logits.iter().map(|l| l - lse).collect()
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
    use super::*;

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
