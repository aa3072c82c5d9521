//! `reproduce.py` against the simulator: for every design, both models and some scenarios, the
//! script runs in the pinned NumPy of bench/requirements.txt and its theta agrees with
//! `Simulation` (exact=1) at every step to 1e-9, absolute or relative to |theta| where that is
//! above 1; its cells are in theta.csv's form; it is 60 to 150 lines long.
//!
//! It needs Python: `./build.sh test` runs it with DPO_SIM_PYTHON set to bench/.venv's
//! interpreter (`cargo test --test reproduce -- --ignored`), so a plain `cargo test` skips it.

use std::path::Path;
use std::process::Command;

use dpo_sim::format::cell;
use dpo_sim::presets::find;
use dpo_sim::reproduce::script;
use dpo_sim::world::World;
use dpo_sim::{Settings, Simulation};

/// (settings, steps): every design and both models, online and offline, narrow and full
/// supports, both labellers, a misspecified world, N = 256, and a run that diverges.
const CASES: &[(&str, u64)] = &[
    ("", 200),
    ("model=tabular&design=independent&quality=0.5&support=0.5", 200),
    (
        "design=independent&quality=1&online=1&support=0.3&refq=-0.5&kappa=2",
        200,
    ),
    ("design=bvw&k=8&quality=0.3", 150),
    ("design=bvw&model=tabular&online=1&support=0.3&k=3", 150),
    ("design=mixr&model=tabular&support=0.5&labels=oracle", 150),
    ("design=mixr&beta=2&s=1", 150),
    ("design=mixp&model=linear&online=0.5&support=0.4", 150),
    ("design=mixp&model=tabular&n=20", 150),
    (
        "model=tabular&online=1&quality=1&support=0.25&refq=-0.5&kappa=2&lr=3",
        300,
    ),
    (
        "labels=oracle&design=independent&n=12&gamma=0.5&shape=concave&online=0.3&support=0.6",
        200,
    ),
    (
        "n=256&design=independent&quality=0.4&support=0.7&online=1&model=tabular",
        60,
    ),
    ("n=256&model=linear&kappa=3&scale=2", 60),
    // Worlds given as lists: rewards alone, and named responses with features and a reference.
    ("rewards=1.5,-0.25,0,2,-3&model=tabular&design=mixp&online=0.5", 150),
    (
        "world=helpful,2,1,0.5,0;verbose,0.5,0.2,1,2;refusal,-1,-1,0,0.5;wrong,-2,0.3,-1,-1&design=independent&quality=0.5&online=1",
        150,
    ),
    ("lr=300&beta=10", 50),
    // Starts away from the reference: on a line of minimisers (two responses in the support),
    // with Mix-P's policy weights, and far out (the loss starts in the hundreds).
    ("theta0=2.5,-1.25&support=0.01&n=6", 150),
    ("theta0=-3,4&design=mixp&online=1&support=0.5", 150),
    ("theta0=-30,25&beta=2&lr=0.05", 150),
];

/// Scenarios, with their own settings and length.
const PRESETS: &[&str] = &["online", "sampler-speed", "over-optimisation", "best-of-k"];

fn python() -> String {
    std::env::var("DPO_SIM_PYTHON").unwrap_or_else(|_| {
        panic!(
            "set DPO_SIM_PYTHON to a Python with NumPy (./build.sh test uses bench/.venv/bin/python, the pin of \
             bench/requirements.txt): DPO_SIM_PYTHON=$PWD/bench/.venv/bin/python cargo test --test reproduce -- --ignored"
        )
    })
}

/// theta at every step of the simulator's exact run, up to `steps` or where it diverged.
fn simulated(s: &Settings, steps: u64) -> (Vec<Vec<f64>>, bool) {
    let mut sim = Simulation::new(Settings {
        exact: true,
        ..s.clone()
    });
    let mut thetas = vec![sim.theta().to_vec()];
    for _ in 0..steps {
        let result = sim.step();
        if sim.step_count() as usize == thetas.len() {
            thetas.push(sim.theta().to_vec());
        }
        if result.is_err() {
            return (thetas, true);
        }
    }
    (thetas, false)
}

/// Runs the script for `s` and compares it with the simulator; returns (lines, max difference).
fn check(name: &str, s: &Settings, steps: u64, dir: &Path) -> (usize, f64) {
    let text = script(s, &World::new(s), steps);
    let lines = text.lines().count();
    assert!((60..=150).contains(&lines), "{name}: the script has {lines} lines");
    let (py, csv) = (dir.join(format!("{name}.py")), dir.join(format!("{name}.csv")));
    std::fs::write(&py, &text).unwrap();
    let out = Command::new(python()).arg(&py).arg(&csv).output().unwrap();
    let (expected, diverged) = simulated(s, steps);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.success(),
        !diverged,
        "{name}: exit {:?}, stderr: {stderr}",
        out.status
    );
    assert!(diverged || stderr.is_empty(), "{name}: stderr: {stderr}");
    let written = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = written.lines().collect();
    let dim = expected[0].len();
    let header: Vec<String> = (0..dim).map(|k| format!("theta_{k}")).collect();
    assert_eq!(rows[0], format!("step,{}", header.join(",")), "{name}");
    assert_eq!(
        rows.len() - 1,
        expected.len(),
        "{name}: rows (the simulator diverged: {diverged})"
    );
    let mut worst: f64 = 0.0;
    for (step, (row, theta)) in rows[1..].iter().zip(&expected).enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[0], step.to_string(), "{name}");
        assert_eq!(cells.len(), dim + 1, "{name}, step {step}");
        for (k, (text, want)) in cells[1..].iter().zip(theta).enumerate() {
            let got: f64 = text.parse().unwrap();
            assert_eq!(*text, cell(got), "{name}, step {step}: theta.csv writes {got:e} so");
            let off = (got - want).abs() / want.abs().max(1.0);
            assert!(off <= 1e-9, "{name}, step {step}, theta_{k}: {got} against {want}");
            worst = worst.max(off);
        }
    }
    (lines, worst)
}

#[test]
#[ignore = "needs Python with NumPy: ./build.sh test runs it with DPO_SIM_PYTHON"]
fn the_script_redoes_the_exact_run_to_1e_9() {
    python();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reproduce");
    std::fs::create_dir_all(&dir).unwrap();
    let mut cases: Vec<(String, Settings, u64)> = CASES
        .iter()
        .enumerate()
        .map(|(i, (query, steps))| (format!("case{i}"), Settings::parse(query).unwrap(), *steps))
        .collect();
    for key in PRESETS {
        let p = find(key).unwrap();
        cases.push((key.replace('-', "_"), Settings::parse(p.settings).unwrap(), p.steps));
    }
    for (name, s, steps) in &cases {
        let (lines, worst) = check(name, s, *steps, &dir);
        println!(
            "{name}: {lines} lines, max difference {worst:.1e} over {steps} steps ({})",
            s.to_query()
        );
    }
}
