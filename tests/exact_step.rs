//! The fast step against the reference step of `src/reference.rs`, the executable
//! specification: both run side by side from the same seed, and every metric must agree to
//! 1e-12 (relative, or absolute near zero) at every step, over settings that cover both
//! models, every design (Mix-R and Mix-P included), oracle labels, online sampling, N from 4
//! to 256 and extreme beta, sharpness and scale.

use dpo_sim::closed_form::has_finite_optimum;
use dpo_sim::metrics::{Metrics, METRICS};
use dpo_sim::reference;
use dpo_sim::{Settings, Simulation};

/// Settings covering both models, every design, oracle labels, online sampling, N from 4
/// to 256 and extreme beta, sharpness and scale; with how many steps to compare.
const CASES: &[(&str, u64)] = &[
    ("", 60),
    ("model=tabular", 60),
    ("online=1&quality=0.5", 60),
    ("online=1&quality=0.5&model=tabular", 60),
    ("online=0.5&gamma=0.5&shape=concave&support=0.5", 60),
    ("online=1&gamma=1&quality=0.3&lr=2", 60),
    ("design=independent&quality=0.8&support=0.3&kappa=3", 60),
    ("design=independent&quality=1&online=1&model=tabular&support=0.5", 60),
    ("design=bvw&k=8", 60),
    ("design=bvw&k=3&online=1&quality=0.4", 60),
    ("design=bvw&k=32&model=tabular&online=1", 40),
    ("labels=oracle", 60),
    ("labels=oracle&online=1&lr=5&exact=1", 60),
    ("labels=oracle&model=tabular&design=independent&online=0.7", 60),
    ("exact=1&lr=2&quality=0.3", 60),
    ("exact=1&lr=20&model=tabular&support=0.5&online=1", 60),
    ("n=4&online=1", 60),
    ("n=4&support=0.01&model=tabular", 60),
    ("n=5&support=0.01&quality=1&kappa=10&scale=5&design=independent", 60),
    ("n=256", 15),
    ("n=256&online=1&quality=0.5", 8),
    ("n=256&model=tabular&online=1&design=independent&quality=0.7", 8),
    ("beta=0.01&s=20&online=1", 60),
    ("beta=10&s=0.1&online=1&lr=100", 60),
    ("beta=0.01&s=20&scale=5&model=tabular&lr=0.001", 60),
    ("beta=10&s=20&scale=5&exact=1&lr=0.01&online=1", 60),
    ("scale=0.1&online=1&quality=1", 60),
    ("scale=5&kappa=10&refq=-1&online=1&lr=0.1", 60),
    ("online=1&gamma=2&shape=concave&scale=3&beta=0.05&s=10&lr=0.05", 60),
    ("seed=7&n=17&support=0.4&online=0.3&quality=0.9&design=independent", 60),
    ("seed=3&n=90&online=1&quality=0.2&lr=0.5&batch=7", 40),
    ("design=mixr", 60),
    ("design=mixr&model=tabular&support=0.5&online=1&lr=5", 60),
    ("design=mixp", 60),
    ("design=mixp&model=tabular&exact=1&lr=1&beta=3&kappa=0", 60),
    ("design=mixp&model=tabular&labels=oracle&lr=5", 60),
    ("design=mixr&labels=oracle&online=1&gamma=1", 60),
    (
        "design=mixp&online=0.5&gamma=0.5&shape=concave&support=0.4&exact=1&lr=2",
        60,
    ),
    ("design=mixp&beta=10&s=20&scale=5&lr=0.01&model=tabular", 60),
    ("design=mixp&beta=0.01&s=20&online=1", 60),
    ("design=mixr&beta=10&s=0.1&lr=100&exact=1", 60),
    ("design=mixr&s=20&scale=5&model=tabular&support=0.01", 60),
    ("n=256&design=mixp&model=tabular", 8),
    // Starts away from the reference: the step-0 dataset, Mix-P's weights and the minimiser
    // nearest the start on a line of minimisers (a support of two responses) depend on it.
    ("theta0=3,-2", 60),
    ("theta0=-5,4&online=1&quality=0.5&design=independent", 60),
    ("theta0=2,2&design=mixp&exact=1", 60),
    ("theta0=2,-3&n=4&support=0.01", 60),
    ("theta0=-1.5,0.75&n=6&support=0.01&online=1&exact=1", 60),
    ("theta0=40,-40&beta=10&scale=5&exact=1&lr=0.001", 60),
];

/// The error a comparison sees: relative, or absolute near zero (|x| < 1); both NaN agree.
fn error(a: f64, b: f64) -> f64 {
    if a == b || (a.is_nan() && b.is_nan()) {
        0.0
    } else {
        (a - b).abs() / a.abs().max(b.abs()).max(1.0)
    }
}

/// Runs both from the same seed; returns the worst error per column (a NaN where one is
/// NaN and the other not).
fn compare(text: &str, steps: u64) -> Vec<(f64, u64)> {
    let s = Settings::parse(text).unwrap();
    let mut fast = Simulation::new(s.clone());
    let mut slow = reference::Run::new(s);
    let mut worst = vec![(0.0, 0); METRICS.len()];
    let condition = METRICS.iter().position(|m| m.key == "condition").unwrap();
    let mut record = |a: &Metrics, b: &Metrics, step: u64| {
        for (k, (x, y)) in a.values().iter().zip(b.values()).enumerate() {
            let mut e = if x.is_nan() != y.is_nan() {
                f64::INFINITY
            } else {
                error(*x, y)
            };
            if k == condition && a.hessian_min.abs().max(b.hessian_min.abs()) <= 1e-12 * a.hessian_max.abs() {
                // lambda_min is zero to within its accuracy (a rank-one Hessian: one pair, or
                // collinear features): the ratio is rounding in both, or undefined.
                e = 0.0;
            } else if k == condition && e.is_finite() {
                // lambda_max / lambda_min: the eigenvalues are accurate relative to
                // lambda_max (both agree to 1e-12 so), so the ratio is accurate to 1e-12
                // times itself.
                e /= x.abs().max(1.0);
            }
            if e > worst[k].0 {
                worst[k] = (e, step);
            }
        }
    };
    record(fast.metrics(), &slow.metrics, 0);
    for step in 1..=steps {
        let ok = fast.step().is_ok();
        assert_eq!(ok, slow.step(), "{text}: the runs part ways at step {step}");
        if !ok {
            break;
        }
        record(fast.metrics(), &slow.metrics, step);
    }
    worst
}

/// The columns that come from the tabular Hessian's eigenvalues: the fast step finds them by
/// Lanczos, accurate to 1e-10 (the reference by dense Jacobi rotations, to rounding).
const ITERATIVE: [&str; 6] = [
    "hessian_min",
    "hessian_max",
    "condition",
    "hessian_min_opt",
    "hessian_max_opt",
    "predicted_rate",
];

/// Every metric of every step within 1e-12 of the reference step's (1e-10 for the tabular
/// Hessian's eigenvalues and what comes from them).
#[test]
fn fast_step_matches_the_reference_step() {
    let (mut overall, mut iterative) = (0.0f64, 0.0f64);
    let mut failures = Vec::new();
    for &(text, steps) in CASES {
        let worst = compare(text, steps);
        let tabular = Settings::parse(text).unwrap().model == dpo_sim::settings::Model::Tabular;
        for (k, (e, step)) in worst.iter().enumerate() {
            let key = METRICS[k].key;
            let lanczos = tabular && ITERATIVE.contains(&key);
            if *e > if lanczos { 1e-10 } else { 1e-12 } {
                failures.push(format!("{text}: {key} differs by {e:.2e} at step {step}"));
            }
            if lanczos {
                iterative = iterative.max(*e);
            } else {
                overall = overall.max(*e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("worst relative (or near-zero absolute) difference over every case: {overall:.2e}");
    println!("... of the tabular Hessian's eigenvalues and what comes from them: {iterative:.2e}");
}

/// The theory layer still has what the minimiser promises on these settings.
#[test]
fn cases_cover_finite_and_infinite_optima() {
    let finite = CASES
        .iter()
        .filter(|(t, _)| has_finite_optimum(&Settings::parse(t).unwrap()))
        .count();
    assert!(finite > 10 && finite < CASES.len());
}
