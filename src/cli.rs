//! The `dpo-sim` command line (native only): presets, runs and sweeps to CSV/JSON/PNG.
//! Success prints one line saying what was written where; an error, one line on stderr.

mod args;
mod world;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{Args, EVERY, GRID, LOG_STEPS, OUT, OVER, PNG, PRESET, QUIET, SERIES, SET, STEPS, VALUES, WORLD};

use crate::charts::sweep::MAX_OVERLAID;
use crate::charts::View;
use crate::format::{cell, csv_line};
use crate::history::History;
use crate::metrics::header;
use crate::presets::{find, PRESETS};
use crate::responses::{Responses, MAX_FILE_BYTES};
use crate::session::Session;
use crate::sim::Curvature;
use crate::sweep::{point_label, series_lines, Sweep};
use crate::{Settings, Simulation};

const USAGE: &str = "usage:
  dpo-sim presets
  dpo-sim run [--preset NAME] [--world FILE.csv] [--set key=value]... --steps N --out DIR [--every K] [--png] [--log-steps] [--quiet]
  dpo-sim sweep --over KEY --values V1,V2,... --steps N [--preset NAME] [--world FILE.csv] [--set key=value]... --out DIR [--series] [--png]
  dpo-sim sweep --over KEY[,KEY2] --grid N --steps N [--preset NAME] [--world FILE.csv] [--set key=value]... --out DIR [--series] [--png]
  dpo-sim reproduce [--preset NAME] [--world FILE.csv] [--set key=value]... --steps N
  dpo-sim keys
  dpo-sim metrics
A value follows its flag after a space or '=' (--steps 100, --steps=100); only --set repeats.
--world reads a world's responses from CSV, header name,reward,phi1,phi2,ref (all but reward optional).";

/// The preset (if any), the world file (if any), then every `--set`, on top of the defaults.
fn settings(a: &Args) -> Result<Settings, String> {
    let mut settings = match a.value(&PRESET) {
        Some(key) => Settings::parse(find(key)?.settings).map_err(|e| e.to_string())?,
        None => Settings::default(),
    };
    for s in world_query(a)?.iter().map(String::as_str).chain(a.values(&SET)) {
        settings.apply(s).map_err(|e| e.to_string())?;
    }
    Ok(settings)
}

/// `--world FILE.csv` as the settings text that gives its world (`world=…`), if given.
fn world_query(a: &Args) -> Result<Option<String>, String> {
    let Some(path) = a.value(&WORLD) else {
        return Ok(None);
    };
    let cannot = |e: std::io::Error| format!("cannot read {path}: {e}");
    // Refused before reading: a world file is small.
    let size = fs::metadata(path).map_err(cannot)?.len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(format!("{path} is {size} bytes: a world file has at most 1 MB"));
    }
    let text = fs::read_to_string(path).map_err(cannot)?;
    let (key, value) = Responses::parse_csv(&text, path)?.to_text();
    Ok(Some(format!("{key}={value}")))
}

fn create_dir(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// A CSV file being written, and the rows written so far.
struct Csv {
    path: PathBuf,
    file: std::io::BufWriter<fs::File>,
    rows: usize,
}

impl Csv {
    fn create(dir: &Path, name: &str, header: &str) -> Result<Csv, String> {
        let path = dir.join(name);
        let file = fs::File::create(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let mut csv = Csv {
            path,
            file: std::io::BufWriter::new(file),
            rows: 0,
        };
        csv.line(header)?;
        Ok(csv)
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        writeln!(self.file, "{line}").map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    fn row(&mut self, line: &str) -> Result<(), String> {
        self.rows += 1;
        self.line(line)
    }

    fn finish(mut self) -> Result<(usize, PathBuf), String> {
        self.file
            .flush()
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        Ok((self.rows, self.path))
    }
}

/// "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// " (5 PNGs)", or nothing when none were drawn.
fn pngs(count: usize) -> String {
    match count {
        0 => String::new(),
        1 => " (1 PNG)".into(),
        n => format!(" ({n} PNGs)"),
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// `run`: metrics.csv and theta.csv (every K-th step, the first and the last), responses.csv
/// (the world's responses, and the policy's probabilities at the end), world.json,
/// with --png the page's charts; for a scenario (--preset) its comparison runs are drawn in
/// them, and its end message is printed after the summary line (unless --quiet).
fn run(args: &[String]) -> Result<(), String> {
    let a = args::parse(
        args,
        &[PRESET, WORLD, SET, STEPS, OUT, EVERY, PNG, LOG_STEPS, QUIET],
        USAGE,
    )?;
    let steps = a.need_whole(&STEPS, 0, "run")?;
    let out = PathBuf::from(a.need(&OUT, "run")?);
    let every = a.whole(&EVERY, 1)?.unwrap_or(1);
    let mut session = Session::new(Settings::default());
    if let Some(key) = a.value(&PRESET) {
        session.load_scenario(key)?;
    }
    for s in world_query(&a)?.iter().map(String::as_str).chain(a.values(&SET)) {
        session.set(s).map_err(|e| e.to_string())?;
    }
    session.view = View {
        log_steps: a.has(&LOG_STEPS),
        ..View::default()
    };
    create_dir(&out)?;
    let theta_header: Vec<String> = (0..session.sim().theta().len()).map(|k| format!("theta_{k}")).collect();
    let mut metrics = Csv::create(&out, "metrics.csv", &header())?;
    let mut thetas = Csv::create(&out, "theta.csv", &format!("step,{}", theta_header.join(",")))?;
    let mut write_row = |sim: &Simulation| -> Result<u64, String> {
        metrics.row(&csv_line(&sim.metrics().values()))?;
        thetas.row(&format!("{},{}", cell(sim.step_count() as f64), csv_line(sim.theta())))?;
        Ok(sim.step_count())
    };
    let mut written = write_row(session.sim())?;
    let mut outcome = Ok(());
    for _ in 0..steps {
        let result = session.step(1);
        let sim = session.sim();
        if sim.step_count() > written && sim.step_count().is_multiple_of(every) {
            written = write_row(sim)?;
        }
        if let Err(why) = result {
            outcome = Err(why);
            break;
        }
    }
    // The last step is always kept, on the grid of K or not.
    if session.sim().step_count() > written {
        write_row(session.sim())?;
    }
    let (rows, metrics_path) = metrics.finish()?;
    let (_, theta_path) = thetas.finish()?;
    let responses_path = out.join("responses.csv");
    let responses = session.sim().world().responses_csv(&session.sim().state().probs);
    fs::write(&responses_path, responses).map_err(|e| format!("cannot write {}: {e}", responses_path.display()))?;
    let world_path = out.join("world.json");
    let world = serde_json::to_string_pretty(&world::world_json(session.sim())).map_err(|e| e.to_string())?;
    fs::write(&world_path, world + "\n").map_err(|e| format!("cannot write {}: {e}", world_path.display()))?;
    session.finish_pinned();
    let drawn = if a.has(&PNG) {
        crate::charts::write_pngs(&session, &out)?.len()
    } else {
        0
    };
    // Written even when the run diverged: the files hold it up to that step.
    println!(
        "wrote {rows} rows to {}{}",
        listed(&[
            shown(&metrics_path),
            shown(&theta_path),
            shown(&responses_path),
            shown(&world_path)
        ]),
        pngs(drawn)
    );
    if let (Some(told), false) = (session.story(), a.has(&QUIET)) {
        println!("{}", told.message);
    }
    outcome
}

/// `sweep`: sweep.csv (a row per run at step T), with --series series.csv (every recorded
/// step of every run), with --png sweep.png and, with --series too, series.png.
fn sweep(args: &[String]) -> Result<(), String> {
    let a = args::parse(
        args,
        &[PRESET, WORLD, SET, STEPS, OUT, OVER, VALUES, GRID, SERIES, PNG],
        USAGE,
    )?;
    let base = settings(&a)?;
    let over = a.need(&OVER, "sweep")?;
    let steps = a.need(&STEPS, "sweep")?;
    let sweep = Sweep::parse(over, a.value(&VALUES), a.value(&GRID), steps)?;
    let out = PathBuf::from(a.need(&OUT, "sweep")?);
    let (png, overlay) = (a.has(&PNG), a.has(&PNG) && a.has(&SERIES));
    // Refused before any run: more lines than colours cannot be told apart.
    if overlay && sweep.points.len() > MAX_OVERLAID {
        return Err(format!(
            "series.png overlays at most {MAX_OVERLAID} runs, not {}: sweep fewer values, or leave out --png",
            sweep.points.len()
        ));
    }
    create_dir(&out)?;
    let mut series = if a.has(&SERIES) {
        Some(Csv::create(&out, "series.csv", &sweep.series_header())?)
    } else {
        None
    };
    let mut overlaid: Vec<(String, History)> = Vec::new();
    // Progress on a terminal only: in a log, a line per run would drown the output.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let total = sweep.points.len();
    // A series writes every step's curvature; the sweep's rows read it at two steps only.
    let curvature = if series.is_some() {
        Curvature::Tracked
    } else {
        Curvature::OnRequest
    };
    let rows = sweep.run(&base, curvature, |k, sim| {
        if terminal {
            eprint!("\rdpo-sim sweep: {}/{total} runs", k + 1);
            if k + 1 == total {
                eprintln!();
            }
        }
        let point = &sweep.points[k];
        if let Some(series) = &mut series {
            series_lines(point, sim.history()).try_for_each(|line| series.row(&line))?;
        }
        if overlay {
            overlaid.push((point_label(&sweep.keys, point), sim.history().clone()));
        }
        Ok(())
    })?;
    let path = out.join("sweep.csv");
    let text = crate::sweep::csv(&sweep, &rows);
    fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let mut written = vec![format!("{} rows to {}", rows.len(), shown(&path))];
    if let Some(series) = series {
        let (count, path) = series.finish()?;
        written.push(format!("{count} rows to {}", shown(&path)));
    }
    let mut drawn = 0;
    if png {
        crate::charts::write_sweep_png(&crate::sweep::Table::from_csv(&text)?, sweep.steps, &out)?;
        drawn += 1;
    }
    if overlay {
        crate::charts::write_series_png(&overlaid, &out)?;
        drawn += 1;
    }
    println!("wrote {}{}", listed(&written), pngs(drawn));
    Ok(())
}

/// `reproduce`: prints a NumPy script that redoes the run with exact gradients (see
/// [`crate::reproduce`]); says on stderr when these settings would not take exact steps.
fn reproduce(args: &[String]) -> Result<(), String> {
    let a = args::parse(args, &[PRESET, WORLD, SET, STEPS], USAGE)?;
    let s = settings(&a)?;
    let steps = a.need_whole(&STEPS, 0, "reproduce")?;
    if let Some(why) = crate::reproduce::departure(&s) {
        eprintln!("dpo-sim reproduce: {why}");
    }
    print!("{}", crate::reproduce::script(&s, &crate::world::World::new(&s), steps));
    Ok(())
}

/// Runs the command line with these arguments (without the program name).
pub fn main(args: &[String]) -> ExitCode {
    let result = match args.first().map(String::as_str) {
        Some("presets") => {
            for p in PRESETS {
                let compared: Vec<&str> = p.comparisons.iter().map(|c| c.label).collect();
                println!(
                    "{} — {}\n  {}\n  settings: {}\n  steps: {}\n  compared with: {}\n  {}",
                    p.key,
                    p.title,
                    p.summary,
                    p.settings,
                    p.steps,
                    compared.join(", "),
                    p.setup
                );
                for claim in p.claims {
                    println!("  - {}.", claim.text);
                }
                println!();
            }
            Ok(())
        }
        Some("keys") => {
            for f in crate::settings::FIELDS {
                println!(
                    "{:8} {} ({}; default {})",
                    f.key,
                    f.label,
                    f.range_text(),
                    f.format(&Settings::default())
                );
            }
            use crate::settings::{START_KEY, START_LIMIT};
            println!(
                "{START_KEY:8} Start θ₀ of the linear model (two numbers from -{START_LIMIT} to {START_LIMIT}, as a,b; default 0,0)"
            );
            println!("rewards  The world's rewards, as a list (4 to 256 numbers, a,b,...; default: generated)");
            println!(
                "world    The world's responses, name,reward,phi1,phi2,ref each, joined by ; (default: generated)"
            );
            Ok(())
        }
        Some("metrics") => {
            for m in &crate::metrics::METRICS {
                println!("{:20} {}: {}", m.key, m.label, m.help);
            }
            Ok(())
        }
        Some("run") => run(&args[1..]),
        Some("sweep") => sweep(&args[1..]),
        Some("reproduce") => reproduce(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dpo-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
