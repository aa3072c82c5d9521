//! Sweeps: the study's claims as functions of a setting. Each point is a fresh run (same
//! seed, same other settings) of T steps; its row holds the metrics at step T and, from
//! step 0, the initial gradient signal and the Hessian's eigenvalues at theta_0.

use crate::decimal::parse_f64;
use crate::format::{cell, csv_line};
use crate::history::History;
use crate::metrics::{column, header as metrics_header, COUNT};
use crate::settings::{clip, Field, Kind, Settings};
use crate::sim::{Curvature, Simulation};

/// Columns after the metrics: the start of the run, and whether it diverged before T.
pub const EXTRA: [&str; 4] = ["signal_0", "hessian_min_0", "hessian_max_0", "diverged"];

/// Limits that keep a sweep to seconds, not hours.
pub const MAX_POINTS: usize = 2000;
pub const MAX_GRID: usize = 41;
pub const MAX_STEPS: u64 = 100_000;

/// Which settings vary, the value text of each at every point, and the run length.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub keys: Vec<&'static str>,
    pub points: Vec<Vec<String>>,
    pub steps: u64,
}

/// One run of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The swept keys' values, as settings text.
    pub point: Vec<String>,
    /// The metrics at step T (or at the step where the run diverged).
    pub metrics: [f64; COUNT],
    /// signal, hessian_min and hessian_max at step 0, then 1 if the run diverged else 0.
    pub extra: [f64; 4],
}

/// A whole number from `min` to `max` given as text, or an error naming `name` and the range.
fn whole(name: &str, text: &str, min: u64, max: u64) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| {
            format!(
                "{name} = '{}' is not allowed: {name} must be a whole number from {min} to {max}",
                clip(text)
            )
        })
}

fn field(key: &str) -> Result<&'static Field, String> {
    Field::find(key.trim()).map_err(|e| e.to_string())
}

/// A value in settings text, rounded so grid values read well (0.0595, not 0.059500000000000004).
fn text_of(f: &Field, v: f64) -> String {
    match f.kind {
        Kind::Choice(options) => options[v as usize].to_string(),
        Kind::Int { .. } | Kind::Bool => format!("{}", v.round()),
        Kind::Real { .. } => format!("{}", (v * 1e6).round() / 1e6),
    }
}

/// `n` values spread evenly over a field's range (every option of a choice or switch).
fn spread(f: &Field, n: usize) -> Vec<String> {
    let mut out: Vec<String> = match f.kind {
        Kind::Choice(options) => options.iter().map(|o| o.to_string()).collect(),
        Kind::Bool => vec!["0".into(), "1".into()],
        Kind::Real { min, max } => (0..n)
            .map(|k| text_of(f, min + (max - min) * k as f64 / (n - 1) as f64))
            .collect(),
        Kind::Int { min, max } => (0..n)
            .map(|k| text_of(f, min as f64 + (max - min) as f64 * k as f64 / (n - 1) as f64))
            .collect(),
    };
    out.dedup();
    out
}

/// A sweep's keys, and its points (the value text of each key).
type Points = (Vec<&'static str>, Vec<Vec<String>>);

/// The listed values of one setting, each validated against its range.
fn listed(key: &str, values: &str) -> Result<Points, String> {
    let f = field(key)?;
    let values: Vec<&str> = values.split(',').collect();
    if values.len() > MAX_POINTS {
        return Err(format!("a sweep has at most {MAX_POINTS} runs, not {}", values.len()));
    }
    let points = values
        .iter()
        .map(|v| f.parse_value(v).map(|x| vec![text_of(f, x)]).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    Ok((vec![f.key], points))
}

/// An `n`-point grid over each key's range (all combinations for two keys).
fn spread_grid(keys: &[&str], n: usize) -> Result<Points, String> {
    if !(1..=2).contains(&keys.len()) {
        return Err(format!("a grid sweeps one or two settings, not {}", keys.len()));
    }
    let fields = keys.iter().map(|k| field(k)).collect::<Result<Vec<_>, _>>()?;
    if fields.len() == 2 && fields[0].key == fields[1].key {
        return Err(format!(
            "a grid needs two different settings, not {} twice",
            fields[0].key
        ));
    }
    let axes: Vec<Vec<String>> = fields.iter().map(|f| spread(f, n)).collect();
    let points: Vec<Vec<String>> = match &axes[..] {
        [a] => a.iter().map(|x| vec![x.clone()]).collect(),
        [a, b] => a
            .iter()
            .flat_map(|x| b.iter().map(move |y| vec![x.clone(), y.clone()]))
            .collect(),
        _ => unreachable!("one or two keys"),
    };
    Ok((fields.iter().map(|f| f.key).collect(), points))
}

impl Sweep {
    /// A sweep as a person writes it, each part as text: `over` one settings key (or two,
    /// comma-separated, for a grid), then either `values` (comma-separated, one key) or
    /// `grid` (points per key), and `steps`. The command line, the page and its worker all
    /// come here, so each mistake has one message, naming the part and what is allowed.
    pub fn parse(over: &str, values: Option<&str>, grid: Option<&str>, steps: &str) -> Result<Sweep, String> {
        let keys: Vec<&str> = over.split(',').map(str::trim).collect();
        let (keys, points) = match (values, grid) {
            (Some(_), Some(_)) => return Err("give values or grid, not both".into()),
            (None, None) => {
                return Err(
                    "a sweep needs values (a list, for one setting) or grid (a number of points per setting)".into(),
                )
            }
            (Some(_), None) if keys.len() != 1 => {
                return Err(format!(
                    "values sweep one setting, not {}; use grid for two",
                    keys.len()
                ))
            }
            (Some(values), None) => listed(keys[0], values)?,
            (None, Some(n)) => spread_grid(&keys, whole("grid", n, 2, MAX_GRID as u64)? as usize)?,
        };
        Ok(Sweep {
            keys,
            points,
            steps: whole("steps", steps, 1, MAX_STEPS)?,
        })
    }

    /// Each point as `key=value&...`, to apply on top of the base settings.
    pub fn queries(&self) -> Vec<String> {
        self.points.iter().map(|p| point_query(&self.keys, p)).collect()
    }

    /// Runs every point on top of `base`, handing each finished run to `each(k, &run)`
    /// (point k, from 0) before the next starts; an error from `each` stops the sweep.
    /// `curvature`: Tracked when every step's row is read (a series), else OnRequest.
    pub fn run(
        &self,
        base: &Settings,
        curvature: Curvature,
        mut each: impl FnMut(usize, &Simulation) -> Result<(), String>,
    ) -> Result<Vec<Row>, String> {
        self.points
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let (row, sim) = run_point(base, &self.keys, p, self.steps, curvature)?;
                each(k, &sim)?;
                Ok(row)
            })
            .collect()
    }

    /// The CSV header: the swept keys, the metrics, the extra columns.
    pub fn header(&self) -> String {
        format!("{},{}", self.series_header(), EXTRA.join(","))
    }

    /// The header of a sweep's series (`series.csv`): the swept keys, then the metrics.
    pub fn series_header(&self) -> String {
        format!("{},{}", self.keys.join(","), metrics_header())
    }
}

/// A run's lines of the sweep's series: its point's values, then the metrics of each step
/// its history recorded (every step of a run of up to 2,047 steps; of a longer one the first
/// 512, evenly thinned steps after them, and the last).
pub fn series_lines<'a>(point: &'a [String], history: &'a History) -> impl Iterator<Item = String> + 'a {
    let point = point.join(",");
    history
        .records()
        .iter()
        .map(move |r| format!("{point},{}", csv_line(&r.values)))
}

/// How a run of a sweep is named in a legend: "quality 0.5, support 0.3".
pub fn point_label(keys: &[&str], point: &[String]) -> String {
    joined(keys, point, " ", ", ")
}

/// The swept keys with their values at a point: `key{between}value`, joined by `sep`.
fn joined(keys: &[&str], point: &[String], between: &str, sep: &str) -> String {
    keys.iter()
        .zip(point)
        .map(|(k, v)| format!("{k}{between}{v}"))
        .collect::<Vec<_>>()
        .join(sep)
}

fn point_query(keys: &[&str], point: &[String]) -> String {
    joined(keys, point, "=", "&")
}

/// One fresh run of `steps` steps with the point applied on top of `base`: its row, and the
/// run itself.
/// With `Curvature::OnRequest` the tabular curvature is measured only where the row reads
/// it, at step 0 and at the end (the same values a tracked run has there).
pub fn run_point(
    base: &Settings,
    keys: &[&str],
    point: &[String],
    steps: u64,
    curvature: Curvature,
) -> Result<(Row, Simulation), String> {
    let mut settings = base.clone();
    settings.apply(&point_query(keys, point)).map_err(|e| e.to_string())?;
    let mut sim = Simulation::measuring(settings, curvature);
    sim.measure_curvature();
    let diverged = sim.run(steps).is_err();
    sim.measure_curvature();
    let start = sim.history().records()[0].values;
    let row = Row {
        point: point.to_vec(),
        metrics: sim.metrics().values(),
        extra: [
            start[column("signal")],
            start[column("hessian_min")],
            start[column("hessian_max")],
            if diverged { 1.0 } else { 0.0 },
        ],
    };
    Ok((row, sim))
}

impl Row {
    pub fn csv_line(&self) -> String {
        let point = self.point.join(",");
        let extra: Vec<String> = self.extra.iter().map(|v| cell(*v)).collect();
        format!("{point},{},{}", csv_line(&self.metrics), extra.join(","))
    }
}

/// A sweep run one point at a time, so that whoever runs it (the page's worker) can report
/// progress and stop between runs.
pub struct Job {
    base: Settings,
    sweep: Sweep,
    rows: Vec<Row>,
}

impl Job {
    /// A sweep on top of the settings `base` (`key=value&...` on the defaults), its parts as
    /// [`Sweep::parse`] reads them.
    pub fn parse(base: &str, over: &str, values: Option<&str>, grid: Option<&str>, steps: &str) -> Result<Job, String> {
        Ok(Job {
            base: Settings::parse(base).map_err(|e| e.to_string())?,
            sweep: Sweep::parse(over, values, grid, steps)?,
            rows: Vec::new(),
        })
    }

    pub fn sweep(&self) -> &Sweep {
        &self.sweep
    }

    /// Runs the next point; its row, or None when every point has run.
    pub fn run_next(&mut self) -> Result<Option<&Row>, String> {
        let Some(point) = self.sweep.points.get(self.rows.len()) else {
            return Ok(None);
        };
        let (row, _) = run_point(
            &self.base,
            &self.sweep.keys,
            point,
            self.sweep.steps,
            Curvature::OnRequest,
        )?;
        self.rows.push(row);
        Ok(self.rows.last())
    }

    /// The rows run so far as `sweep.csv` text.
    pub fn csv(&self) -> String {
        csv(&self.sweep, &self.rows)
    }
}

/// A sweep's CSV read back (in the page, rows come from a worker as text): the swept keys,
/// every column by name, and each swept key's values in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub keys: Vec<&'static str>,
    header: Vec<String>,
    cells: Vec<Vec<String>>,
}

impl Table {
    /// Parses `sweep.csv` text: one or two swept settings keys first, then the metrics
    /// and the extra columns.
    pub fn from_csv(text: &str) -> Result<Table, String> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header: Vec<String> = lines
            .next()
            .ok_or("a sweep table needs a header line")?
            .split(',')
            .map(|h| h.trim().to_string())
            .collect();
        let keys: Vec<&'static str> = header
            .iter()
            .map_while(|h| Field::find(h).ok().map(|f| f.key))
            .collect();
        let expected = format!("{},{}", metrics_header(), EXTRA.join(","));
        if !(1..=2).contains(&keys.len()) || header[keys.len()..].join(",") != expected {
            return Err("not a sweep table: expected one or two settings keys, then the metrics columns".into());
        }
        let cells: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(|c| c.trim().to_string()).collect::<Vec<_>>())
            .collect();
        if let Some(bad) = cells.iter().position(|r| r.len() != header.len()) {
            return Err(format!("sweep table row {} has the wrong number of cells", bad + 1));
        }
        Ok(Table { keys, header, cells })
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The text of column `name` in every row.
    pub fn text(&self, name: &str) -> Option<Vec<&str>> {
        let k = self.header.iter().position(|h| h == name)?;
        Some(self.cells.iter().map(|r| r[k].as_str()).collect())
    }

    /// Column `name` as numbers (empty cells, "not defined", as NaN). A swept choice reads
    /// as the index of its option.
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        let field = Field::find(name).ok().filter(|f| self.keys.contains(&f.key));
        Some(
            self.text(name)?
                .into_iter()
                .map(|t| match field {
                    Some(f) => f.parse_value(t).unwrap_or(f64::NAN),
                    None => parse_f64(t).unwrap_or(f64::NAN),
                })
                .collect(),
        )
    }

    /// The settings text of row `k`'s swept keys, as `key=value&...`.
    pub fn query(&self, k: usize) -> Option<String> {
        let row = self.cells.get(k)?;
        Some(point_query(&self.keys, &row[..self.keys.len()]))
    }

    pub fn to_csv(&self) -> String {
        let mut out = self.header.join(",");
        for r in &self.cells {
            out.push('\n');
            out.push_str(&r.join(","));
        }
        out.push('\n');
        out
    }
}

/// The whole sweep as CSV text.
pub fn csv(sweep: &Sweep, rows: &[Row]) -> String {
    let mut text = sweep.header();
    text.push('\n');
    for row in rows {
        text.push_str(&row.csv_line());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_spread_over_ranges_and_values_are_checked() {
        let g = Sweep::parse("quality,support", None, Some("3"), "10").unwrap();
        assert_eq!(g.keys, vec!["quality", "support"]);
        assert_eq!(g.points.len(), 9);
        assert_eq!(g.points[0], vec!["0", "0.01"]);
        assert_eq!(g.points[5], vec!["0.5", "1"]);
        assert_eq!(g.queries()[4], "quality=0.5&support=0.505");
        let d = Sweep::parse("design", None, Some("5"), "10").unwrap();
        assert_eq!(d.points.len(), 5);
        let listed = Sweep::parse("design", Some("bvw, independent"), None, "10").unwrap();
        assert_eq!(listed.queries(), vec!["design=bvw", "design=independent"]);
        assert_eq!(
            Sweep::parse("exact", Some("true"), None, "10").unwrap().queries(),
            vec!["exact=1"]
        );
        let k = Sweep::parse("k", None, Some("41"), "10").unwrap();
        assert_eq!(k.points.len(), 31, "whole numbers, once each");
        assert!(Sweep::parse("quality,quality", None, Some("3"), "10").is_err());
        let many = vec!["0"; MAX_POINTS + 1].join(",");
        assert!(Sweep::parse("quality", Some(&many), None, "10")
            .unwrap_err()
            .contains("at most 2000 runs"));
    }

    #[test]
    fn specs_from_text_are_checked_once_with_one_message_each() {
        let parse = |over, values, grid, steps| Sweep::parse(over, values, grid, steps);
        let listed = parse("quality", Some("0, 0.5"), None, " 10").unwrap();
        assert_eq!(
            (listed.keys, listed.points, listed.steps),
            (
                vec!["quality"],
                vec![vec!["0".to_string()], vec!["0.5".to_string()]],
                10
            )
        );
        assert_eq!(
            parse(" quality, support", None, Some(" 3"), "7").unwrap(),
            parse("quality,support", None, Some("3"), "7").unwrap()
        );
        for (over, values, grid, steps, message) in [
            ("quality", Some("0"), Some("3"), "5", "give values or grid, not both"),
            (
                "quality",
                None,
                None,
                "5",
                "a sweep needs values (a list, for one setting) or grid",
            ),
            (
                "quality,support",
                Some("0"),
                None,
                "5",
                "values sweep one setting, not 2; use grid for two",
            ),
            (
                "quality",
                None,
                Some("x"),
                "5",
                "grid = 'x' is not allowed: grid must be a whole number from 2 to 41",
            ),
            ("quality", None, Some("42"), "5", "grid = '42' is not allowed"),
            (
                "quality",
                Some("0"),
                None,
                "-1",
                "steps = '-1' is not allowed: steps must be a whole number from 1 to 100000",
            ),
            ("quality", Some("0"), None, "1e9", "steps = '1e9' is not allowed"),
            ("quality", Some("0"), None, "100001", "steps = '100001' is not allowed"),
            (
                "quality",
                Some("a"),
                None,
                "5",
                "quality = 'a' is not allowed: quality must be a number from 0 to 1",
            ),
            ("bogus", Some("1"), None, "5", "unknown setting 'bogus'"),
            (
                "quality,support,beta",
                None,
                Some("2"),
                "5",
                "a grid sweeps one or two settings, not 3",
            ),
        ] {
            let e = parse(over, values, grid, steps).unwrap_err();
            assert!(e.starts_with(message), "{over} {values:?} {grid:?} {steps}: {e}");
        }
    }

    #[test]
    fn rows_equal_fresh_runs_and_name_their_columns() {
        let base = Settings::parse("model=tabular&lr=5").unwrap();
        let sweep = Sweep::parse("quality", Some("0,1"), None, "20").unwrap();
        let mut calls = Vec::new();
        let rows = sweep
            .run(&base, Curvature::OnRequest, |k, sim| {
                calls.push((k, sim.step_count()));
                Ok(())
            })
            .unwrap();
        assert_eq!(calls, vec![(0, 20), (1, 20)]);
        for (row, q) in rows.iter().zip(["0", "1"]) {
            let mut s = base.clone();
            s.set("quality", q).unwrap();
            let mut sim = Simulation::new(s);
            let start = sim.metrics().clone();
            sim.run(20).unwrap();
            let bits = |v: [f64; COUNT]| v.map(f64::to_bits);
            assert_eq!(bits(row.metrics), bits(sim.metrics().values()));
            assert_eq!(row.extra[0], start.signal);
            assert_eq!(row.extra[3], 0.0);
        }
        // A run's series: its point, then every recorded step in metrics.csv's form.
        let (_, sim) = run_point(&base, &sweep.keys, &sweep.points[1], 20, Curvature::Tracked).unwrap();
        let series: Vec<String> = series_lines(&sweep.points[1], sim.history()).collect();
        assert_eq!(series.len(), 21);
        assert_eq!(series[20], format!("1,{}", csv_line(&sim.metrics().values())));
        assert!(sweep.series_header().starts_with("quality,step,loss,"));
        assert_eq!(sweep.series_header().split(',').count(), series[0].split(',').count());
        assert_eq!(
            point_label(&["quality", "support"], &["0.5".into(), "1".into()]),
            "quality 0.5, support 1"
        );
        let header = sweep.header();
        assert!(header.starts_with("quality,step,loss,"));
        assert_eq!(header.split(',').count(), rows[0].csv_line().split(',').count());
        // The CSV reads back: the same columns, numbers and settings.
        let text = csv(&sweep, &rows);
        let table = Table::from_csv(&text).unwrap();
        assert_eq!((table.keys.clone(), table.len()), (vec!["quality"], 2));
        assert_eq!(table.numbers("quality").unwrap(), vec![0.0, 1.0]);
        assert_eq!(table.numbers("signal_0").unwrap()[1], rows[1].extra[0]);
        assert_eq!(table.query(1).as_deref(), Some("quality=1"));
        assert_eq!(table.to_csv(), text);
        assert!(Table::from_csv("quality,step\n0,1")
            .unwrap_err()
            .contains("not a sweep table"));
        let short = text.replacen(",0\n", "\n", 1);
        assert!(Table::from_csv(&short).unwrap_err().contains("row 1"));
    }

    #[test]
    fn a_job_runs_each_point_once_and_writes_what_the_whole_sweep_does() {
        let base = "model=tabular&lr=5";
        let mut job = Job::parse(base, "quality", Some("0,1"), None, "20").unwrap();
        let mut rows = Vec::new();
        while let Some(row) = job.run_next().unwrap() {
            rows.push(row.clone());
        }
        let whole = job
            .sweep()
            .run(&Settings::parse(base).unwrap(), Curvature::OnRequest, |_, _| Ok(()))
            .unwrap();
        assert_eq!(rows, whole);
        assert_eq!(job.run_next(), Ok(None), "done stays done");
        assert_eq!(job.csv(), csv(job.sweep(), &whole));
        assert!(Job::parse("quality=2", "quality", Some("0"), None, "5")
            .err()
            .is_some_and(|e| e.starts_with("quality = '2' is not allowed")));
        assert!(Job::parse("", "quality", Some("0"), Some("3"), "5")
            .err()
            .is_some_and(|e| e == "give values or grid, not both"));
    }
}
