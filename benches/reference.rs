//! The fast step beside the reference step (`src/reference.rs`, the step written plainly,
//! which `tests/exact_step.rs` checks the fast one against): `cargo bench --bench reference`.
//! Kept apart from `benches/core.rs`, which `bench/before_after.sh` builds against older trees.

use std::hint::black_box;
use std::time::Instant;

use dpo_sim::reference;
use dpo_sim::{Settings, Simulation};

/// The median time per call in microseconds of `rounds` timings of `iters` calls each.
fn time<F: FnMut()>(rounds: usize, iters: usize, mut f: F) -> f64 {
    f();
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
    per_call[rounds / 2]
}

fn main() {
    println!("{:<24} {:>12} {:>14} {:>9}", "step", "fast µs", "reference µs", "ratio");
    for (name, settings, iters) in [
        ("N=48 online", "online=1&quality=0.5", 50),
        ("N=48 tabular", "model=tabular", 50),
        ("N=256", "n=256", 2),
    ] {
        let s = Settings::parse(&format!("lr=0.01&{settings}")).unwrap();
        let mut fast = Simulation::new(s.clone());
        let mut plain = reference::Run::new(s);
        let f = time(11, iters * 20, || black_box(fast.step()).unwrap());
        let r = time(11, iters, || assert!(black_box(plain.step())));
        println!("{name:<24} {f:>12.2} {r:>14.1} {:>8.0}x", r / f);
    }
}
