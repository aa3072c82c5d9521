//! The `dpo-sim` command line (native only): presets, runs to CSV/JSON/PNG.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::charts::View;
use crate::format::csv_line;
use crate::metrics::header;
use crate::presets::{find, PRESETS};
use crate::sweep::Sweep;
use crate::{Settings, Simulation};

const USAGE: &str = "usage:
  dpo-sim presets
  dpo-sim run [--preset NAME] [--set key=value]... --steps N --out DIR [--png] [--log-steps]
  dpo-sim sweep --over KEY --values V1,V2,... --steps N [--preset NAME] [--set key=value]... --out DIR [--png]
  dpo-sim sweep --over KEY[,KEY2] --grid N --steps N [--preset NAME] [--set key=value]... --out DIR [--png]
  dpo-sim keys
  dpo-sim metrics";

/// The arguments `run` and `sweep` share, and the ones only one of them takes.
#[derive(Default)]
struct Args {
    preset: Option<String>,
    sets: Vec<String>,
    steps: Option<u64>,
    out: Option<PathBuf>,
    png: bool,
    log_steps: bool,
    over: Option<String>,
    values: Option<String>,
    grid: Option<String>,
}

fn whole(name: &str, v: &str) -> Result<u64, String> {
    v.parse::<u64>().map_err(|_| {
        format!(
            "{name} must be a whole number, not '{}'",
            v.chars().take(40).collect::<String>()
        )
    })
}

fn parse(args: &[String], allowed: &[&str]) -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if !allowed.contains(&arg.as_str()) {
            return Err(format!("unknown argument '{arg}'\n{USAGE}"));
        }
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--preset" => a.preset = Some(value("--preset")?),
            "--set" => a.sets.push(value("--set")?),
            "--steps" => a.steps = Some(whole("--steps", &value("--steps")?)?),
            "--out" => a.out = Some(PathBuf::from(value("--out")?)),
            "--png" => a.png = true,
            "--log-steps" => a.log_steps = true,
            "--over" => a.over = Some(value("--over")?),
            "--values" => a.values = Some(value("--values")?),
            "--grid" => a.grid = Some(value("--grid")?),
            _ => unreachable!("checked against the allowed arguments"),
        }
    }
    Ok(a)
}

impl Args {
    /// The preset (if any), then every `--set`, on top of the defaults.
    fn settings(&self) -> Result<Settings, String> {
        let mut settings = match &self.preset {
            Some(key) => Settings::parse(find(key)?.settings).map_err(|e| e.to_string())?,
            None => Settings::default(),
        };
        for s in &self.sets {
            settings.apply(s).map_err(|e| e.to_string())?;
        }
        Ok(settings)
    }

    fn need<T: Clone>(value: &Option<T>, what: &str) -> Result<T, String> {
        value.clone().ok_or_else(|| what.to_string())
    }
}

/// What `run` was asked to do.
struct RunArgs {
    settings: Settings,
    steps: u64,
    out: PathBuf,
    png: bool,
    view: View,
}

fn parse_run(args: &[String]) -> Result<RunArgs, String> {
    let a = parse(args, &["--preset", "--set", "--steps", "--out", "--png", "--log-steps"])?;
    Ok(RunArgs {
        settings: a.settings()?,
        steps: Args::need(&a.steps, "run needs --steps N")?,
        out: Args::need(&a.out, "run needs --out DIR")?,
        png: a.png,
        view: View {
            log_steps: a.log_steps,
            pairs: false,
        },
    })
}

/// Reads the sweep's arguments, runs it and writes DIR/sweep.csv.
fn sweep(args: &[String]) -> Result<(), String> {
    let a = parse(
        args,
        &[
            "--preset", "--set", "--steps", "--out", "--over", "--values", "--grid", "--png",
        ],
    )?;
    let base = a.settings()?;
    let over = Args::need(&a.over, "sweep needs --over KEY (or KEY1,KEY2 with --grid)")?;
    let steps = Args::need(&a.steps, "sweep needs --steps N")?;
    let out = Args::need(&a.out, "sweep needs --out DIR")?;
    let sweep = Sweep::parse(&over, a.values.as_deref(), a.grid.as_deref(), &steps.to_string())?;
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    // Progress on a terminal only: in a log, a line per run would drown the output.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let rows = sweep.run(&base, |done, total| {
        if terminal {
            eprint!("\rdpo-sim sweep: {done}/{total} runs");
            if done == total {
                eprintln!();
            }
        }
    })?;
    let path = out.join("sweep.csv");
    let text = crate::sweep::csv(&sweep, &rows);
    fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    if a.png {
        crate::charts::write_sweep_png(&crate::sweep::Table::from_csv(&text)?, sweep.steps, &out)?;
    }
    Ok(())
}

fn json_number(v: f64) -> String {
    if v.is_finite() {
        format!("{}", v + 0.0)
    } else {
        "null".to_string()
    }
}

fn json_array<T>(items: impl IntoIterator<Item = T>, each: impl Fn(T) -> String) -> String {
    format!("[{}]", items.into_iter().map(each).collect::<Vec<_>>().join(", "))
}

/// The world, the settings and the sampler at the last step, as JSON.
fn world_json(sim: &Simulation) -> String {
    let (w, st, s) = (sim.world(), sim.state(), sim.settings());
    let mut out = String::from("{\n  \"settings\": {");
    let fields: Vec<String> = crate::settings::FIELDS
        .iter()
        .map(|f| format!("\"{}\": \"{}\"", f.key, f.format(s)))
        .collect();
    out += &fields.join(", ");
    let _ = write!(
        out,
        "}},\n  \"query\": \"{}\",\n  \"step\": {},",
        s.to_query(),
        sim.step_count()
    );
    let num = |v: &f64| json_number(*v);
    let rows: [(&str, String); 8] = [
        ("features", json_array(&w.features, |p| json_array(p, num))),
        ("reward", json_array(&w.reward, num)),
        ("ref_probs", json_array(&w.ref_logp, |l| json_number(l.exp()))),
        ("support", json_array(&st.sampler.in_support, |b| b.to_string())),
        ("pi0", json_array(&st.sampler.pi0, num)),
        ("piq", json_array(&st.sampler.piq, num)),
        (
            "pair_weights",
            json_array(st.pairs.dense(), |row| json_array(&row, num)),
        ),
        ("theta", json_array(sim.theta(), num)),
    ];
    for (i, (key, value)) in rows.iter().enumerate() {
        let comma = if i + 1 < rows.len() { "," } else { "" };
        let _ = write!(out, "\n  \"{key}\": {value}{comma}");
    }
    out + "\n}\n"
}

fn create(dir: &Path, name: &str) -> Result<std::io::BufWriter<fs::File>, String> {
    let path = dir.join(name);
    fs::File::create(&path)
        .map(std::io::BufWriter::new)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run(args: RunArgs) -> Result<(), String> {
    fs::create_dir_all(&args.out).map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let io = |e: std::io::Error| format!("write failed in {}: {e}", args.out.display());
    let mut metrics = create(&args.out, "metrics.csv")?;
    let mut thetas = create(&args.out, "theta.csv")?;
    let mut sim = Simulation::new(args.settings);
    writeln!(metrics, "{}", header()).map_err(io)?;
    let theta_header: Vec<String> = (0..sim.theta().len()).map(|k| format!("theta_{k}")).collect();
    writeln!(thetas, "step,{}", theta_header.join(",")).map_err(io)?;
    let mut write_row = |sim: &Simulation| -> Result<(), String> {
        writeln!(metrics, "{}", csv_line(&sim.metrics().values())).map_err(io)?;
        writeln!(thetas, "{},{}", sim.step_count(), csv_line(sim.theta())).map_err(io)
    };
    write_row(&sim)?;
    let mut outcome = Ok(());
    for _ in 0..args.steps {
        let before = sim.step_count();
        let result = sim.step();
        if sim.step_count() > before {
            write_row(&sim)?;
        }
        if let Err(why) = result {
            outcome = Err(why);
            break;
        }
    }
    metrics.flush().map_err(io)?;
    thetas.flush().map_err(io)?;
    fs::write(args.out.join("world.json"), world_json(&sim)).map_err(io)?;
    if args.png {
        crate::charts::write_pngs(&sim, None, args.view, &args.out)?;
    }
    outcome
}

/// Runs the command line with these arguments (without the program name).
pub fn main(args: &[String]) -> ExitCode {
    let result = match args.first().map(String::as_str) {
        Some("presets") => {
            for p in PRESETS {
                println!(
                    "{} — {}\n  settings: {}\n  steps: {}\n  {}\n",
                    p.key, p.title, p.settings, p.steps, p.story
                );
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
            Ok(())
        }
        Some("metrics") => {
            for m in &crate::metrics::METRICS {
                println!("{:20} {}: {}", m.key, m.label, m.help);
            }
            Ok(())
        }
        Some("run") => parse_run(&args[1..]).and_then(run),
        Some("sweep") => sweep(&args[1..]),
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
