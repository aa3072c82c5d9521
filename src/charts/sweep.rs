//! Sweep charts: chosen quantities against one swept setting, and the quality x support
//! phase map, where DPO can end beside how far it gets, on one colour scale.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::colors::{color_bar, viridis, BLUE, GREEN, GREY, INK, ORANGE, PURPLE, SKY, VERMILLION};
use super::series::{stack, Curve, Stacked, XAxis};
use super::{axes, err, finite_range, fitted, pixels, Axis, ChartResult, Style};
use crate::history::History;
use crate::metrics::{column, METRICS};
use crate::numerics::sort_by_value;
use crate::settings::{Field, Kind};
use crate::sweep::{Table, EXTRA};

/// One colour per panel or per run, told apart also under colour-vision deficiencies.
const COLOURS: [RGBColor; 8] = [GREEN, VERMILLION, BLUE, PURPLE, ORANGE, SKY, GREY, INK];

/// The most runs [`overlaid`] draws: one colour each.
pub const MAX_OVERLAID: usize = COLOURS.len();

/// A short label for a sweep column: a metric's, or what an extra column holds.
fn label(name: &str) -> String {
    match name {
        "signal_0" => "signal at step 0".into(),
        "hessian_min_0" => "λ_min(H) at θ₀".into(),
        "hessian_max_0" => "λ_max(H) at θ₀".into(),
        "diverged" => "diverged".into(),
        _ => METRICS
            .iter()
            .find(|m| m.key == name)
            .map_or(name.to_string(), |m| m.short.to_string()),
    }
}

/// Can `name` be drawn from a sweep table? (A metric or an extra column.)
pub fn is_column(name: &str) -> bool {
    EXTRA.contains(&name) || METRICS.iter().any(|m| m.key == name)
}

/// One panel per column in `ys` against the single swept setting, the current value marked.
pub fn lines<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    table: &Table,
    ys: &[&str],
    current: Option<f64>,
    style: &Style,
) -> ChartResult {
    fitted(area, style, |style| {
        let key = table.keys[0];
        let field = Field::find(key).map_err(|e| e.to_string())?;
        let xs = table.numbers(key).unwrap_or_default();
        let names: Option<Vec<String>> = match field.kind {
            Kind::Choice(options) => Some(options.iter().map(|o| o.to_string()).collect()),
            Kind::Bool => Some(vec!["off".into(), "on".into()]),
            _ => None,
        };
        let panels: Vec<Stacked> = ys
            .iter()
            .filter(|y| is_column(y))
            .enumerate()
            .map(|(k, y)| Stacked {
                y_desc: String::new(),
                zero: false,
                log: false,
                curves: vec![Curve {
                    label: Some(label(y)),
                    color: COLOURS[k % COLOURS.len()],
                    alpha: 1.0,
                    width: 2.2,
                    dotted: false,
                    dashed: false,
                    points: xs.iter().copied().zip(table.numbers(y).unwrap_or_default()).collect(),
                }],
                extra: Vec::new(),
            })
            .collect();
        let (lo, hi) = finite_range(xs.iter().copied().chain(current), 0.02);
        let x = XAxis {
            axis: Axis::Plain,
            range: (lo, hi),
            desc: field.label,
            mark: current,
            names: names.as_deref(),
        };
        stack(area, &panels, &x, style)
    })
}

/// The runs of a sweep over the steps, one colour each, in a legend by their labels ("quality
/// 0.5"): the distance to θ_S on a log axis (left out when no run has a minimiser, as with
/// oracle labels) above the expected reward J. At most [`MAX_OVERLAID`] runs.
pub fn overlaid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    runs: &[(String, History)],
    style: &Style,
) -> ChartResult {
    if runs.len() > MAX_OVERLAID {
        return Err(format!(
            "at most {MAX_OVERLAID} runs can be overlaid, not {}",
            runs.len()
        ));
    }
    fitted(area, style, |style| {
        let panels: Vec<Stacked> = [
            ("distance to θ_S (log)", column("target_distance"), true),
            ("expected reward J", column("expected_reward"), false),
        ]
        .into_iter()
        .filter(|(_, c, log)| !log || runs.iter().any(|(_, h)| h.series(*c).any(|(_, d)| d > 0.0)))
        .enumerate()
        .map(|(k, (y_desc, c, log))| Stacked {
            y_desc: y_desc.into(),
            zero: false,
            log,
            curves: runs
                .iter()
                .zip(COLOURS)
                .map(|((label, history), color)| Curve {
                    // One legend, over the top panel.
                    label: (k == 0).then(|| label.clone()),
                    color,
                    alpha: 1.0,
                    width: 1.8,
                    dotted: false,
                    dashed: false,
                    points: history.series(c).collect(),
                })
                .collect(),
            extra: Vec::new(),
        })
        .collect();
        let steps = runs.iter().flat_map(|(_, h)| h.series(0).map(|(s, _)| s));
        let x = XAxis {
            axis: Axis::Steps,
            range: (0.0, finite_range(steps, 0.0).1.max(1.0)),
            desc: "step",
            mark: None,
            names: None,
        };
        stack(area, &panels, &x, style)
    })
}

/// Where each phase map's plot lies, in device pixels: (left, top, right, bottom).
pub type Rect = [i32; 4];

/// The quality x support phase map of a two-key grid: the attainable reward J_S beside the
/// expected reward after the run, on one colour scale. Returns each map's plot rectangle
/// (for turning a click into a cell).
pub fn phase<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    table: &Table,
    steps: u64,
    current: Option<(f64, f64)>,
    style: &Style,
) -> Result<Vec<Rect>, String> {
    let mut rects = Vec::new();
    fitted(area, style, |style| {
        if table.keys.len() != 2 {
            return Err("a phase map needs a sweep over two settings".into());
        }
        let (kx, ky) = (table.keys[0], table.keys[1]);
        let (xs, ys) = (
            table.numbers(kx).unwrap_or_default(),
            table.numbers(ky).unwrap_or_default(),
        );
        let after = format!("after {steps} steps: J");
        let maps = [
            ("attainable_reward", "where DPO can end: J_S"),
            ("expected_reward", after.as_str()),
        ];
        let values: Vec<Vec<f64>> = maps.iter().map(|(c, _)| table.numbers(c).unwrap_or_default()).collect();
        let range = finite_range(values.iter().flatten().copied(), 0.0);
        let shade = |v: f64| viridis((v - range.0) / (range.1 - range.0));

        let bar_w = style.px(64.0);
        let (w, _) = area.dim_in_pixel();
        let (maps_area, bar) = area.split_horizontally(w as i32 - bar_w);
        let halves = maps_area.split_evenly((1, 2));
        let (top, bottom) = (style.px(26.0), style.px(40.0));
        for (half, ((_, title), v)) in halves.iter().zip(maps.iter().zip(&values)) {
            let title_style = style.text().pos(Pos::new(HPos::Center, VPos::Top));
            let hw = half.dim_in_pixel().0 as i32;
            half.draw_text(title, &title_style, (hw / 2, style.px(4.0)))
                .map_err(err)?;
            let edges = |vals: &[f64]| cell_edges(vals);
            let (ex, ey) = (edges(&xs), edges(&ys));
            let (Some(ex), Some(ey)) = (ex, ey) else {
                continue;
            };
            let mut chart = ChartBuilder::on(half)
                .margin_top(top)
                .margin_right(style.px(10.0))
                .x_label_area_size(bottom)
                .y_label_area_size(style.px(48.0))
                .build_cartesian_2d(ex.0..ex.1, ey.0..ey.1)
                .map_err(err)?;
            let field_label = |k: &'static str| Field::find(k).map_or(k, |f| f.label);
            axes(
                &mut chart,
                (field_label(kx), field_label(ky)),
                (5, 5),
                (Axis::Plain, Axis::Plain),
                (false, None),
                style,
            )?;
            let step = |vals: &[f64]| spacing(vals);
            let (dx, dy) = (step(&xs), step(&ys));
            chart
                .draw_series(xs.iter().zip(&ys).zip(v.iter()).map(|((x, y), val)| {
                    let color = if val.is_finite() {
                        shade(*val)
                    } else {
                        RGBColor(200, 200, 200)
                    };
                    Rectangle::new(
                        [(x - dx / 2.0, y - dy / 2.0), (x + dx / 2.0, y + dy / 2.0)],
                        color.filled(),
                    )
                }))
                .map_err(err)?;
            if let Some((cx, cy)) = current {
                chart
                    .draw_series([Rectangle::new(
                        [(cx - dx / 2.0, cy - dy / 2.0), (cx + dx / 2.0, cy + dy / 2.0)],
                        WHITE.stroke_width(style.width(3.0)),
                    )])
                    .map_err(err)?;
                chart
                    .draw_series([Rectangle::new(
                        [(cx - dx / 2.0, cy - dy / 2.0), (cx + dx / 2.0, cy + dy / 2.0)],
                        INK.stroke_width(style.width(1.5)),
                    )])
                    .map_err(err)?;
            }
            let (plot, _) = pixels(&chart);
            let ((l, t), (r, b)) = (plot.get_base_pixel(), {
                let (pw, ph) = plot.dim_in_pixel();
                let base = plot.get_base_pixel();
                (base.0 + pw as i32, base.1 + ph as i32)
            });
            let root = area.get_base_pixel();
            rects.push([l - root.0, t - root.1, r - root.0, b - root.1]);
        }
        color_bar(&bar, "reward", range, shade, (top, bottom), style)
    })?;
    Ok(rects)
}

/// The distance between neighbouring grid values (1 when there is only one).
fn spacing(vals: &[f64]) -> f64 {
    let mut order: Vec<usize> = (0..vals.len()).filter(|&i| vals[i].is_finite()).collect();
    sort_by_value(&mut order, vals);
    let mut u: Vec<f64> = order.iter().map(|&i| vals[i]).collect();
    u.dedup();
    if u.len() < 2 {
        return 1.0;
    }
    u.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min)
}

/// The outer edges of the cells centred on the grid values.
fn cell_edges(vals: &[f64]) -> Option<(f64, f64)> {
    let (lo, hi) = finite_range(vals.iter().copied(), 0.0);
    let half = spacing(vals) / 2.0;
    (lo.is_finite() && hi.is_finite()).then_some((lo - half, hi + half))
}

/// The row of `table` whose cell holds the point at fraction (fx, fy) of a map's plot
/// (0..1 from the left, and from the top).
fn cell_at(table: &Table, fx: f64, fy: f64) -> Option<usize> {
    if table.keys.len() != 2 || !(0.0..=1.0).contains(&fx) || !(0.0..=1.0).contains(&fy) {
        return None;
    }
    let (xs, ys) = (table.numbers(table.keys[0])?, table.numbers(table.keys[1])?);
    let ((x0, x1), (y0, y1)) = (cell_edges(&xs)?, cell_edges(&ys)?);
    let (x, y) = (x0 + fx * (x1 - x0), y1 - fy * (y1 - y0));
    let (dx, dy) = (spacing(&xs), spacing(&ys));
    (0..table.len()).find(|&k| (xs[k] - x).abs() <= dx / 2.0 && (ys[k] - y).abs() <= dy / 2.0)
}

/// A finished sweep as the page's sweep view draws it: its table, and where its phase maps
/// were last drawn, so that a click (in device pixels) finds its cell.
pub struct Figure {
    pub table: Table,
    maps: Vec<Rect>,
}

impl Figure {
    /// A sweep's CSV (`sweep.csv`), read back.
    pub fn from_csv(csv: &str) -> Result<Figure, String> {
        Ok(Figure {
            table: Table::from_csv(csv)?,
            maps: Vec::new(),
        })
    }

    /// [`lines`] of `columns` (comma-separated names; each checked).
    pub fn lines<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        columns: &str,
        current: Option<f64>,
        style: &Style,
    ) -> ChartResult {
        let ys: Vec<&str> = columns.split(',').map(str::trim).collect();
        if let Some(bad) = ys.iter().find(|c| !is_column(c)) {
            return Err(format!(
                "no sweep column '{}'",
                bad.chars().take(40).collect::<String>()
            ));
        }
        lines(area, &self.table, &ys, current, style)
    }

    /// The [`phase`] map, its plots' place kept for [`Figure::cell_at`].
    pub fn phase<DB: DrawingBackend>(
        &mut self,
        area: &DrawingArea<DB, Shift>,
        steps: u64,
        current: Option<(f64, f64)>,
        style: &Style,
    ) -> ChartResult {
        self.maps = phase(area, &self.table, steps, current, style)?;
        Ok(())
    }

    /// The settings (`key=value&...`) of the phase-map cell under pixel (x, y), if any.
    pub fn cell_at(&self, x: f64, y: f64) -> Option<String> {
        self.maps.iter().find_map(|[l, t, r, b]| {
            let fx = (x - *l as f64) / (*r - *l).max(1) as f64;
            let fy = (y - *t as f64) / (*b - *t).max(1) as f64;
            cell_at(&self.table, fx, fy).and_then(|k| self.table.query(k))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{colours, render};
    use super::*;
    use crate::sweep::{csv, Sweep};
    use crate::{Settings, Simulation};

    fn table(sweep: &Sweep) -> Table {
        let base = Settings::parse("model=tabular&lr=5&n=12").unwrap();
        Table::from_csv(&csv(
            sweep,
            &sweep
                .run(&base, crate::sim::Curvature::OnRequest, |_, _| Ok(()))
                .unwrap(),
        ))
        .unwrap()
    }

    #[test]
    fn lines_draw_for_numbers_and_choices() {
        let style = Style { scale: 1.0 };
        let t = table(&Sweep::parse("quality", Some("0,0.5,1"), None, "10").unwrap());
        let img = render(600, 400, |a| {
            lines(a, &t, &["expected_reward", "signal_0"], Some(0.5), &style)
        });
        assert!(colours(&img) > 20);
        let d = table(&Sweep::parse("design", None, Some("2"), "10").unwrap());
        render(600, 400, |a| lines(a, &d, &["expected_reward"], None, &style));
    }

    #[test]
    fn overlaid_runs_draw_one_colour_each_with_or_without_a_distance() {
        let style = Style { scale: 1.0 };
        let runs = |settings: &str, qualities: &[&str]| -> Vec<(String, History)> {
            qualities
                .iter()
                .map(|q| {
                    let mut sim = Simulation::new(Settings::parse(&format!("{settings}&quality={q}")).unwrap());
                    sim.run(30).unwrap();
                    (format!("quality {q}"), sim.history().clone())
                })
                .collect()
        };
        let two = runs("design=contrastive", &["0", "1"]);
        let img = render(600, 500, |a| overlaid(a, &two, &style));
        for colour in &COLOURS[..2] {
            let rgb = [colour.0, colour.1, colour.2];
            assert!(img.chunks_exact(3).any(|p| p == rgb), "{colour:?} drawn");
        }
        assert!(!img
            .chunks_exact(3)
            .any(|p| p == [COLOURS[2].0, COLOURS[2].1, COLOURS[2].2]));
        // Oracle labels have no minimiser: no distance panel, the runs of J still show.
        let oracle = runs("labels=oracle", &["0", "0.5", "1"]);
        assert!(colours(&render(600, 500, |a| overlaid(a, &oracle, &style))) > 20);
        let many = runs("n=8", &["0"; MAX_OVERLAID + 1]);
        let mut buf = vec![0u8; 600 * 500 * 3];
        let area = BitMapBackend::with_buffer(&mut buf, (600, 500)).into_drawing_area();
        assert!(overlaid(&area, &many, &style).unwrap_err().contains("at most 8 runs"));
    }

    #[test]
    fn phase_maps_draw_and_clicks_find_their_cells() {
        let t = table(&Sweep::parse("quality,support", None, Some("3"), "5").unwrap());
        let mut rects = Vec::new();
        let img = render(800, 360, |a| {
            rects = phase(a, &t, 5, Some((0.5, 0.505)), &Style { scale: 1.0 })?;
            Ok(())
        });
        assert!(colours(&img) > 20);
        assert_eq!(rects.len(), 2);
        assert!(rects[0][2] <= rects[1][0], "side by side");
        // Top-left is the lowest quality at the highest support; the centre is the middle cell.
        assert_eq!(
            t.query(cell_at(&t, 0.05, 0.05).unwrap()).as_deref(),
            Some("quality=0&support=1")
        );
        assert_eq!(
            t.query(cell_at(&t, 0.5, 0.5).unwrap()).as_deref(),
            Some("quality=0.5&support=0.505")
        );
        assert_eq!(cell_at(&t, 1.5, 0.5), None);
        let one = table(&Sweep::parse("quality", Some("0,1"), None, "5").unwrap());
        let mut buf = vec![0u8; 800 * 360 * 3];
        let area = BitMapBackend::with_buffer(&mut buf, (800, 360)).into_drawing_area();
        assert!(phase(&area, &one, 5, None, &Style { scale: 1.0 })
            .unwrap_err()
            .contains("two settings"));
    }

    #[test]
    fn a_figure_turns_a_click_in_pixels_into_its_cell_and_checks_its_columns() {
        let t = table(&Sweep::parse("quality,support", None, Some("3"), "5").unwrap());
        let mut figure = Figure::from_csv(&t.to_csv()).unwrap();
        let style = Style { scale: 1.0 };
        assert_eq!(figure.cell_at(400.0, 180.0), None, "nothing drawn yet");
        let mut buf = vec![0u8; 800 * 360 * 3];
        let area = BitMapBackend::with_buffer(&mut buf, (800, 360)).into_drawing_area();
        figure.phase(&area, 5, None, &style).unwrap();
        // The centre of either map is the middle cell; the colour bar is no cell.
        for [l, t, r, b] in figure.maps.clone() {
            let centre = ((l + r) as f64 / 2.0, (t + b) as f64 / 2.0);
            assert_eq!(
                figure.cell_at(centre.0, centre.1).as_deref(),
                Some("quality=0.5&support=0.505")
            );
        }
        assert_eq!(figure.cell_at(795.0, 180.0), None);
        assert!(figure.lines(&area, "expected_reward, bogus", None, &style).unwrap_err() == "no sweep column 'bogus'");
        assert!(Figure::from_csv("quality\n0").is_err());
    }
}
