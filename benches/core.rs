//! Native micro-benchmarks of the core: `cargo bench --bench core` (or `./build.sh bench`).
//! Prints a table and, with `--json FILE`, writes the medians for bench/results.json.
//! `--steps` times the steps only (no landscape, no million-step soak). The reference step
//! is timed beside the fast one by `benches/reference.rs`.

use std::hint::black_box;
use std::time::Instant;

use dpo_sim::landscape::landscape;
use dpo_sim::{Settings, Simulation};

/// Median and 95th percentile, in microseconds, of `rounds` timings of `iters` calls each.
fn time<F: FnMut()>(rounds: usize, iters: usize, mut f: F) -> (f64, f64) {
    for _ in 0..iters {
        f();
    }
    let mut per_call: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                f();
            }
            start.elapsed().as_secs_f64() * 1e6 / iters as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    (per_call[rounds / 2], per_call[rounds * 95 / 100])
}

/// Resident memory in KiB (Linux), to show a long run's memory stays flat.
fn rss_kib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<f64>().ok())
        .map_or(f64::NAN, |pages| pages * 4.0)
}

/// A million default steps: time per step over the first and the last thousand, and the
/// resident memory before and after (reported in the "median" column).
fn soak() -> Vec<(String, (f64, f64))> {
    const STEPS: u64 = 1_000_000;
    let mut sim = Simulation::new(Settings::parse("lr=0.01").unwrap());
    let per_step = |sim: &mut Simulation| {
        let start = Instant::now();
        sim.run(1000).unwrap();
        start.elapsed().as_secs_f64() * 1e3
    };
    let rss_start = rss_kib();
    let first = per_step(&mut sim);
    sim.run(STEPS - 2000).unwrap();
    let last = per_step(&mut sim);
    let rss_end = rss_kib();
    vec![
        ("soak: first 1000 steps".to_string(), (first, first)),
        ("soak: last 1000 steps".to_string(), (last, last)),
        ("soak: RSS KiB at step 0".to_string(), (rss_start, rss_start)),
        ("soak: RSS KiB at step 1e6".to_string(), (rss_end, rss_end)),
    ]
}

fn main() {
    let json = std::env::args().skip_while(|a| a != "--json").nth(1);
    let steps_only = std::env::args().any(|a| a == "--steps");
    let cases: [(&str, &str); 13] = [
        ("step N=48 (linear)", ""),
        ("step N=48 (tabular)", "model=tabular"),
        ("step N=48 online", "online=1&quality=0.5"),
        (
            "step N=48 online misspecified",
            "online=1&quality=0.5&gamma=0.5&shape=concave",
        ),
        ("step N=256", "n=256"),
        ("step N=256 online", "online=1&quality=0.5&n=256"),
        ("step N=48 exact", "exact=1"),
        ("step N=48 best-of-8", "design=bvw&k=8"),
        // Mix-P's pair law moves every step: budget 2x independent at N = 48.
        ("step N=48 independent", "design=independent"),
        ("step N=48 mixp", "design=mixp"),
        ("step N=256 independent", "n=256&design=independent"),
        ("step N=256 mixp", "n=256&design=mixp"),
        // The tabular Hessian's eigenvalues at theta_t and theta_S every step (Lanczos).
        (
            "step N=256 tabular mixp",
            "n=256&model=tabular&design=mixp&beta=3&kappa=0",
        ),
    ];
    let mut rows = Vec::new();
    for (name, settings) in cases {
        // A small learning rate keeps long benchmark runs away from any stopping point.
        let mut sim = Simulation::new(Settings::parse(&format!("lr=0.01&{settings}")).unwrap());
        rows.push((name.to_string(), time(31, 200, || black_box(sim.step()).unwrap())));
    }
    let landscapes: &[(&str, &str)] = if steps_only {
        &[]
    } else {
        &[("landscape 40x40 N=48", ""), ("landscape 40x40 N=256", "n=256")]
    };
    for &(name, settings) in landscapes {
        let mut sim = Simulation::new(Settings::parse(settings).unwrap());
        sim.run(20).unwrap();
        rows.push((name.to_string(), time(21, 10, || drop(black_box(landscape(&sim, 40))))));
    }
    if !steps_only {
        rows.extend(soak());
    }
    println!("{:<28} {:>12} {:>12}", "benchmark", "median µs", "p95 µs");
    for (name, (median, p95)) in &rows {
        println!("{name:<28} {median:>12.2} {p95:>12.2}");
    }
    if let Some(path) = json {
        let body: Vec<String> = rows
            .iter()
            .map(|(name, (m, p))| format!("    {{\"name\": \"{name}\", \"median_us\": {m:.3}, \"p95_us\": {p:.3}}}"))
            .collect();
        std::fs::write(&path, format!("[\n{}\n]\n", body.join(",\n"))).expect("cannot write the benchmark JSON");
    }
}
