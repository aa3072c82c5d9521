//! The `dpo-sim` runner from outside: files, columns, errors.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

fn dpo_sim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dpo-sim")).args(args).output().unwrap()
}

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dpo-sim-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    dir
}

#[test]
fn presets_are_listed_with_their_stories() {
    let out = dpo_sim(&["presets"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for p in dpo_sim::presets::PRESETS {
        assert!(text.contains(p.key) && text.contains(p.title));
    }
}

/// A scenario played to its end prints its end message, the page's text, after the summary
/// line; --quiet leaves only the summary.
#[test]
fn run_of_a_scenario_prints_its_end_message_unless_quiet() {
    let dir = out_dir("story");
    let args = [
        "run",
        "--preset",
        "quality",
        "--steps",
        "100",
        "--out",
        dir.to_str().unwrap(),
    ];
    let out = dpo_sim(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("wrote 101 rows to "), "{text}");
    assert!(lines[1].starts_with("At step 100, J = "), "{text}");
    for claim in dpo_sim::presets::find("quality").unwrap().claims {
        assert!(lines[1].contains(&format!("✓ {}", claim.text)), "{text}");
    }
    let changed = dpo_sim(&[&args[..], &["--set", "quality=0"]].concat());
    let text = String::from_utf8(changed.stdout).unwrap();
    assert!(
        text.contains("With quality 0 instead of 1:") && text.contains("✗ Not here: "),
        "{text}"
    );
    let quiet = dpo_sim(&[&args[..], &["--quiet"]].concat());
    assert_eq!(String::from_utf8(quiet.stdout).unwrap().lines().count(), 1);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn run_writes_world_metrics_and_theta() {
    let dir = out_dir("run");
    let out = dpo_sim(&[
        "run",
        "--preset",
        "support",
        "--set",
        "n=10",
        "--set",
        "seed=3",
        "--steps",
        "25",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let d = dir.display();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "wrote 26 rows to {d}/metrics.csv, {d}/theta.csv, {d}/responses.csv and {d}/world.json\n\
             Step 25 of 400: the story's 4 claims are checked at its end.\n"
        ),
        "one line says what was written where, one where the story stands"
    );

    let metrics = fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let lines: Vec<&str> = metrics.lines().collect();
    assert_eq!(lines.len(), 27, "header and rows for k = 0..25");
    for column in [
        "step",
        "loss",
        "batch_loss",
        "grad_norm",
        "batch_grad_norm",
        "signal",
        "expected_reward",
        "kl",
        "off_support_mass",
        "chosen_logp",
        "rejected_logp",
        "target_distance",
    ] {
        assert!(lines[0].split(',').any(|c| c == column), "missing column {column}");
    }
    assert!(lines[26].starts_with("25,"));

    let theta = fs::read_to_string(dir.join("theta.csv")).unwrap();
    let rows: Vec<&str> = theta.lines().collect();
    assert_eq!(rows[0].split(',').count(), 11, "step and 10 tabular logits");
    assert_eq!(rows.len(), 27);
    assert!(rows[1].starts_with("0,0,0,"), "theta starts at 0");

    // The same run through the library gives the same final parameters.
    let mut s = dpo_sim::Settings::parse(dpo_sim::presets::find("support").unwrap().settings).unwrap();
    s.apply("n=10&seed=3").unwrap();
    let mut sim = dpo_sim::Simulation::new(s);
    sim.run(25).unwrap();
    assert_eq!(rows[26], format!("25,{}", dpo_sim::format::csv_line(sim.theta())));

    // world.json is JSON (strings escaped by serde_json), with the keys and shapes documented.
    let world: serde_json::Value = serde_json::from_str(&fs::read_to_string(dir.join("world.json")).unwrap()).unwrap();
    for key in [
        "settings",
        "query",
        "step",
        "features",
        "reward",
        "ref_probs",
        "support",
        "pi0",
        "piq",
        "pair_weights",
        "theta",
    ] {
        assert!(world.get(key).is_some(), "world.json lacks {key}");
    }
    assert_eq!(world["settings"]["n"], "10");
    assert_eq!(world["query"].as_str(), Some(sim.settings().to_query().as_str()));
    assert_eq!(world["step"], 25);
    let column = |key: &str| -> Vec<f64> {
        world[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    assert_eq!(column("theta"), sim.theta());
    assert_eq!(column("reward"), sim.world().reward);
    // pair_weights is 10 x 10 and sums to 1.
    let rows = world["pair_weights"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    let numbers: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()))
        .collect();
    assert_eq!(numbers.len(), 100);
    assert!((numbers.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn errors_print_one_line_and_exit_non_zero() {
    let dir = out_dir("err");
    let d = dir.to_str().unwrap();
    for (args, expect) in [
        (
            vec!["run", "--preset", "nope", "--steps", "1", "--out", d],
            "unknown preset 'nope'",
        ),
        (vec!["run", "--set", "quality=2", "--steps", "1", "--out", d], "quality"),
        (
            vec!["run", "--steps", "1", "--out", "/proc/no/such/dir"],
            "cannot create",
        ),
        (vec!["run", "--steps", "x", "--out", d], "--steps = 'x' is not allowed"),
        (vec!["frobnicate"], "usage"),
        (
            vec!["run", "--steps", "10", "--steps", "20", "--out", d],
            "--steps is given twice: give it once",
        ),
        (
            vec!["run", "--out", d, "--steps=3", "--out=elsewhere"],
            "--out is given twice",
        ),
        (
            vec!["run", "--steps", "3", "--out", d, "--every", "0"],
            "--every = '0' is not allowed: --every must be a whole number from 1 up",
        ),
        (
            vec!["run", "--steps", "3", "--out", d, "--png=yes"],
            "--png takes no value",
        ),
        (vec!["run", "--steps", "3", "--out"], "--out needs a value"),
        (vec!["run", "--out", d], "run needs --steps N"),
    ] {
        let out = dpo_sim(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(err.starts_with("dpo-sim: "), "{err}");
        assert!(
            out.stdout.is_empty(),
            "{args:?}: nothing written, nothing said on stdout"
        );
    }
}

#[test]
fn unknown_arguments_name_themselves_and_print_the_usage() {
    for (args, named) in [
        (vec!["run", "--steps", "3", "--colour", "red"], "'--colour'"),
        (vec!["run", "-x"], "'-x'"),
        (vec!["run", "stray"], "'stray'"),
        (vec!["sweep", "--over", "quality", "--every", "2"], "'--every'"),
    ] {
        let out = dpo_sim(&args);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with(&format!("dpo-sim: unknown argument {named}\nusage:\n")) && err.contains("dpo-sim run"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_value_after_an_equals_sign_is_the_same_as_after_a_space() {
    let (spaced, joined) = (out_dir("spaced"), out_dir("joined"));
    let spaced_args = ["--preset", "support", "--set", "n=8", "--steps", "12", "--out"];
    let mut args = vec!["run"];
    args.extend(spaced_args);
    args.push(spaced.to_str().unwrap());
    assert!(dpo_sim(&args).status.success());
    let out = format!("--out={}", joined.to_str().unwrap());
    let out = dpo_sim(&["run", "--preset=support", "--set=n=8", "--steps=12", &out]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for file in ["metrics.csv", "theta.csv", "responses.csv", "world.json"] {
        assert_eq!(
            fs::read(spaced.join(file)).unwrap(),
            fs::read(joined.join(file)).unwrap(),
            "{file}"
        );
    }
    fs::remove_dir_all(spaced).unwrap();
    fs::remove_dir_all(joined).unwrap();
}

#[test]
fn every_k_keeps_step_0_each_kth_step_and_the_last() {
    let dir = out_dir("every");
    let out = dpo_sim(&[
        "run",
        "--set",
        "n=8",
        "--steps",
        "23",
        "--every",
        "5",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().starts_with("wrote 6 rows to "));
    for file in ["metrics.csv", "theta.csv"] {
        let (header, rows) = read_csv(&dir.join(file));
        assert_eq!(header[0], "step");
        let steps: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(steps, ["0", "5", "10", "15", "20", "23"], "{file}");
    }
    // The kept rows are the rows of the full run.
    let full = out_dir("every-full");
    assert!(
        dpo_sim(&["run", "--set", "n=8", "--steps", "23", "--out", full.to_str().unwrap()])
            .status
            .success()
    );
    let (_, all) = read_csv(&full.join("metrics.csv"));
    let (_, kept) = read_csv(&dir.join("metrics.csv"));
    assert_eq!(kept[1], all[5]);
    assert_eq!(kept[5], all[23]);
    fs::remove_dir_all(dir).unwrap();
    fs::remove_dir_all(full).unwrap();
}

#[test]
fn csv_cells_are_the_shortest_round_trip_form_and_kl_is_never_negative() {
    let dir = out_dir("cells");
    let out = dpo_sim(&[
        "run",
        "--preset",
        "support",
        "--steps",
        "30",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (header, rows) = read_csv(&dir.join("metrics.csv"));
    let kl = header.iter().position(|h| h == "kl").unwrap();
    // At step 0 the policy is the reference: its KL is 0, not a rounding error below it.
    assert_eq!(rows[0][kl], "0");
    for row in &rows {
        assert!(row[kl].parse::<f64>().unwrap() >= 0.0);
        for text in row.iter().filter(|t| !t.is_empty()) {
            let v: f64 = text.parse().unwrap();
            let shortest = [format!("{v}"), format!("{v:e}")]
                .into_iter()
                .min_by_key(String::len)
                .unwrap();
            assert!(text.len() <= shortest.len() && text != "-0", "{text}");
        }
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn png_flag_draws_the_page_plots() {
    let dir = out_dir("png");
    let out = dpo_sim(&[
        "run",
        "--preset",
        "proxy",
        "--steps",
        "40",
        "--out",
        dir.to_str().unwrap(),
        "--png",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for name in ["map.png", "landscape.png", "signal.png", "curves.png"] {
        let bytes = fs::read(dir.join(name)).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000,
            "{name}"
        );
    }
    fs::remove_dir_all(dir).unwrap();
}

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines.map(|l| l.split(',').map(String::from).collect()).collect();
    (header, rows)
}

#[test]
fn every_sweep_row_equals_a_fresh_run_at_step_t() {
    for (over, how) in [
        ("quality", ["--values", "0,0.25,1"]),
        ("quality,support", ["--grid", "2"]),
    ] {
        let dir = out_dir("sweep");
        let mut args = vec!["sweep", "--over", over, how[0], how[1], "--steps", "15"];
        args.extend([
            "--preset",
            "sweet-spot",
            "--set",
            "n=12",
            "--out",
            dir.to_str().unwrap(),
        ]);
        let out = dpo_sim(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let (header, rows) = read_csv(&dir.join("sweep.csv"));
        let keys: Vec<&str> = over.split(',').collect();
        assert_eq!(header[..keys.len()], keys[..]);
        assert_eq!(rows.len(), if keys.len() == 1 { 3 } else { 4 });
        for row in &rows {
            let sets: Vec<String> = keys.iter().zip(row).map(|(k, v)| format!("{k}={v}")).collect();
            let run_dir = out_dir("sweep-run");
            let mut run = vec!["run", "--preset", "sweet-spot", "--set", "n=12", "--steps", "15"];
            for s in &sets {
                run.extend(["--set", s]);
            }
            run.extend(["--out", run_dir.to_str().unwrap()]);
            assert!(dpo_sim(&run).status.success());
            let (run_header, run_rows) = read_csv(&run_dir.join("metrics.csv"));
            let at = |name: &str| header.iter().position(|h| h == name).unwrap();
            for (k, name) in run_header.iter().enumerate() {
                assert_eq!(row[at(name)], run_rows[15][k], "{sets:?}: {name} at step 15");
            }
            // The extra columns come from step 0 of the same run.
            assert_eq!(
                row[at("signal_0")],
                run_rows[0][run_header.iter().position(|h| h == "signal").unwrap()]
            );
            assert_eq!(row[at("diverged")], "0");
        }
    }
}

#[test]
fn sweep_errors_name_what_is_wrong() {
    let dir = out_dir("sweep-errors");
    let d = dir.to_str().unwrap();
    for (args, expect) in [
        (
            vec![
                "sweep", "--over", "quality", "--values", "0,2", "--steps", "5", "--out", d,
            ],
            "quality = '2' is not allowed",
        ),
        (
            vec!["sweep", "--over", "quality", "--steps", "5", "--out", d],
            "a sweep needs values (a list, for one setting) or grid",
        ),
        (
            vec![
                "sweep", "--over", "quality", "--values", "0,1", "--grid", "3", "--steps", "5", "--out", d,
            ],
            "give --values or --grid, not both",
        ),
        (
            vec![
                "sweep", "--over", "quality", "--grid", "3", "--steps", "5", "--grid=4", "--out", d,
            ],
            "--grid is given twice",
        ),
        (
            vec![
                "sweep", "--over", "quality", "--grid", "9", "--steps", "5", "--out", d, "--series", "--png",
            ],
            "series.png overlays at most 8 runs, not 9",
        ),
        (
            vec![
                "sweep",
                "--over",
                "quality,support",
                "--values",
                "0",
                "--steps",
                "5",
                "--out",
                d,
            ],
            "values sweep one setting, not 2; use grid for two",
        ),
        (
            vec!["sweep", "--over", "nope", "--grid", "3", "--steps", "5", "--out", d],
            "unknown setting 'nope'",
        ),
        (
            vec!["sweep", "--over", "quality", "--grid", "3", "--out", d],
            "needs --steps",
        ),
        (
            vec![
                "sweep",
                "--over",
                "quality",
                "--grid",
                "3",
                "--steps",
                "5",
                "--log-steps",
                "--out",
                d,
            ],
            "unknown argument '--log-steps'",
        ),
    ] {
        let out = dpo_sim(&args);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn series_holds_every_recorded_step_of_every_run_and_its_png_overlays_them() {
    let dir = out_dir("series");
    let out = dpo_sim(&[
        "sweep",
        "--over",
        "quality",
        "--values",
        "0,0.5,1",
        "--steps",
        "40",
        "--preset",
        "sweet-spot",
        "--set",
        "n=12",
        "--out",
        dir.to_str().unwrap(),
        "--series",
        "--png",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let d = dir.display();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("wrote 3 rows to {d}/sweep.csv and 123 rows to {d}/series.csv (2 PNGs)\n")
    );
    let (header, rows) = read_csv(&dir.join("series.csv"));
    let metrics: Vec<&str> = dpo_sim::metrics::keys().collect();
    assert_eq!(header[0], "quality");
    assert_eq!(header[1..], metrics[..], "the swept value, then metrics.csv's columns");
    assert_eq!(rows.len(), 3 * 41, "steps 0 to 40 of each run");
    // Each run's rows are what `run` writes for it, step by step.
    let (_, sweep_rows) = read_csv(&dir.join("sweep.csv"));
    for (k, q) in ["0", "0.5", "1"].iter().enumerate() {
        let run_dir = out_dir("series-run");
        let set = format!("quality={q}");
        let args = [
            "run",
            "--preset",
            "sweet-spot",
            "--set",
            "n=12",
            "--set",
            &set,
            "--steps",
            "40",
            "--out",
        ];
        assert!(dpo_sim(&[&args[..], &[run_dir.to_str().unwrap()]].concat())
            .status
            .success());
        let (_, run_rows) = read_csv(&run_dir.join("metrics.csv"));
        let own = &rows[41 * k..41 * (k + 1)];
        assert!(own.iter().all(|r| r[0] == *q));
        assert_eq!(own.iter().map(|r| r[1..].to_vec()).collect::<Vec<_>>(), run_rows);
        assert_eq!(own[40][1..], sweep_rows[k][1..1 + metrics.len()]);
        fs::remove_dir_all(run_dir).unwrap();
    }
    for name in ["sweep.png", "series.png"] {
        let bytes = fs::read(dir.join(name)).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 10_000,
            "{name}"
        );
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn long_runs_series_keep_the_first_512_steps_then_thin_evenly() {
    let dir = out_dir("series-long");
    let out = dpo_sim(&[
        "sweep",
        "--over",
        "seed",
        "--values",
        "1,2",
        "--steps",
        "3000",
        "--set",
        "n=4",
        "--set",
        "exact=1",
        "--out",
        dir.to_str().unwrap(),
        "--series",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, rows) = read_csv(&dir.join("series.csv"));
    // As many rows as each run's history recorded.
    let recorded: Vec<usize> = ["1", "2"]
        .iter()
        .map(|seed| {
            let mut sim =
                dpo_sim::Simulation::new(dpo_sim::Settings::parse(&format!("n=4&exact=1&seed={seed}")).unwrap());
            sim.run(3000).unwrap();
            sim.history().len()
        })
        .collect();
    assert_eq!(rows.len(), recorded.iter().sum::<usize>());
    assert!(recorded[0] < 3001, "thinned");
    // Steps are whole numbers, written whole: 3000, not its shorter 3e3.
    let steps: Vec<f64> = rows[..recorded[0]].iter().map(|r| r[1].parse().unwrap()).collect();
    assert_eq!(steps[..512], (0..512).map(f64::from).collect::<Vec<_>>()[..]);
    assert_eq!(rows[recorded[0] - 1][1], "3000");
    fs::remove_dir_all(dir).unwrap();
}

/// `--world FILE.csv` gives the world: its rewards exactly, its names in responses.csv, which
/// reads back as the same world; an n that disagrees and a bad cell are refused by name.
#[test]
fn a_world_file_gives_the_world_and_responses_csv_names_it() {
    let dir = out_dir("world");
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join("six.csv");
    fs::write(&file, "name,reward,ref\nhelpful,2,-1\n\"verbose, long\",0.5,2\nrefusal,-1,1\nrude,-2,0\nterse,1,0\noff topic,-0.5,0\n").unwrap();
    let out_path = dir.join("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "--world",
            file.to_str().unwrap(),
            "--set",
            "model=tabular",
            "--steps",
            "5",
        ];
        args.extend(extra);
        args.extend(["--out", out_path.to_str().unwrap()]);
        dpo_sim(&args)
    };
    let out = run(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8(out.stdout).unwrap().contains("responses.csv"));
    let responses = fs::read_to_string(out_path.join("responses.csv")).unwrap();
    let lines: Vec<&str> = responses.lines().collect();
    assert_eq!(lines[0], "name,reward,phi1,phi2,ref,ref_prob,prob");
    assert_eq!(lines.len(), 7);
    assert!(lines[2].starts_with("\"verbose, long\",0.5,"), "{}", lines[2]);
    // The written file is a world file: run again from it, the same world.
    let again = dir.join("again.csv");
    fs::copy(out_path.join("responses.csv"), &again).unwrap();
    let out = dpo_sim(&[
        "run",
        "--world",
        again.to_str().unwrap(),
        "--set",
        "model=tabular",
        "--steps",
        "5",
        "--out",
        dir.join("out2").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reread = fs::read_to_string(dir.join("out2").join("responses.csv")).unwrap();
    let column = |text: &str, k: usize| -> Vec<String> {
        text.lines()
            .map(|l| l.rsplitn(7, ',').nth(6 - k).unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(column(&reread, 1), column(&responses, 1), "rewards");

    let out = run(&["--set", "n=7"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "dpo-sim: n = 7 disagrees with world, which gives 6 responses: leave n out, or make them agree\n"
    );
    fs::write(&file, "name,reward\na,1\nb,2\nc,three\nd,4\n").unwrap();
    let out = run(&[]);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "dpo-sim: {}, line 4, reward: 'three' is not a finite number\n",
            file.display()
        )
    );
    fs::remove_dir_all(dir).unwrap();
}

/// `reproduce` prints the core's script for the preset and --set on top, and says on stderr
/// when the settings draw minibatches (the script takes exact steps).
#[test]
fn reproduce_prints_the_script_and_says_when_it_takes_exact_steps() {
    let out = dpo_sim(&["reproduce", "--preset", "online", "--set", "lr=2", "--steps", "7"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut s = dpo_sim::Settings::parse(dpo_sim::presets::find("online").unwrap().settings).unwrap();
    s.apply("lr=2").unwrap();
    let world = dpo_sim::world::World::new(&s);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        dpo_sim::reproduce::script(&s, &world, 7)
    );
    let told = String::from_utf8(out.stderr).unwrap();
    assert!(
        s.exact || told.starts_with("dpo-sim reproduce: these settings draw minibatches"),
        "{told}"
    );
    let exact = dpo_sim(&["reproduce", "--set", "exact=1", "--steps", "3"]);
    assert!(exact.status.success() && exact.stderr.is_empty());
    let missing = dpo_sim(&["reproduce"]);
    assert!(!missing.status.success());
    assert_eq!(
        String::from_utf8(missing.stderr).unwrap(),
        "dpo-sim: reproduce needs --steps N\n"
    );
}
