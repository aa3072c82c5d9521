//! Metrics over steps: one helper draws stacked panels of lines with their legends, for
//! both the gradient-signal chart and the training curves.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::colors::{BLUE, GREEN, GREY, INK, ORANGE, PURPLE, SKY, VERMILLION};
use super::marks::{legend, Swatch};
use super::{axes, err, finite_range, Chart, ChartResult, Style};
use crate::history::History;
use crate::metrics::column;

/// One metric drawn as a line.
pub struct Line {
    pub column: &'static str,
    pub label: &'static str,
    pub color: RGBColor,
    /// Width in CSS pixels: reference levels and noisy estimates are drawn thinner.
    pub width: f64,
}

/// Lines sharing one y axis.
pub struct Panel {
    pub y_desc: &'static str,
    /// Lines in drawing order (later ones on top).
    pub lines: &'static [Line],
    /// Keep 0 in view and mark it (for norms, masses, and signals that may turn negative).
    pub zero: bool,
}

const fn line(column: &'static str, label: &'static str, color: RGBColor, width: f64) -> Line {
    Line {
        column,
        label,
        color,
        width,
    }
}

pub const SIGNAL: &[Panel] = &[Panel {
    y_desc: "gradient",
    lines: &[
        line("batch_grad_norm", "|∇L| minibatch", SKY, 1.2),
        line("grad_norm", "|∇L| exact", BLUE, 2.0),
        line("signal", "signal: −∇L along ∇J", VERMILLION, 2.2),
    ],
    zero: true,
}];

pub const CURVES: &[Panel] = &[
    Panel {
        y_desc: "reward",
        lines: &[
            line("ref_reward", "J_ref", GREY, 1.3),
            line("target_reward", "J* target", INK, 1.3),
            line("expected_reward", "J = E_π[r]", GREEN, 2.2),
        ],
        zero: false,
    },
    Panel {
        y_desc: "log-prob",
        lines: &[
            line("chosen_logp", "log π(chosen)", BLUE, 2.0),
            line("rejected_logp", "log π(rejected)", VERMILLION, 2.0),
        ],
        zero: false,
    },
    Panel {
        y_desc: "KL, mass",
        lines: &[
            line("kl", "KL(π‖π_ref)", PURPLE, 2.0),
            line("off_support_mass", "mass off support", ORANGE, 2.0),
        ],
        zero: true,
    },
];

/// Runs of consecutive finite points: a non-finite value leaves a gap, never a line to it.
fn runs(points: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let (mut out, mut run) = (Vec::new(), Vec::new());
    for p in points {
        if p.0.is_finite() && p.1.is_finite() {
            run.push(p);
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[Panel],
    history: &History,
    ghost: Option<&History>,
    style: &Style,
) -> ChartResult {
    if panels.is_empty() {
        return Ok(());
    }
    let runs_of: Vec<&History> = std::iter::once(history).chain(ghost).collect();
    let steps = runs_of.iter().flat_map(|h| h.series(0).map(|(s, _)| s));
    let (s0, s1) = finite_range(steps, 0.0);
    let (s0, s1) = (s0.max(0.0), s1.max(s0.max(0.0) + 1.0));

    let x_area = style.px(32.0);
    let (_, h) = area.dim_in_pixel();
    let body = (h as i32 - x_area) / panels.len() as i32;
    let mut below = area.clone();
    for (k, panel) in panels.iter().enumerate() {
        let last = k + 1 == panels.len();
        let here = if last {
            below.clone()
        } else {
            let (here, next) = below.split_vertically(body);
            below = next;
            here
        };
        let shown: Vec<&Line> = panel
            .lines
            .iter()
            .filter(|l| {
                runs_of
                    .iter()
                    .any(|h| h.series(column(l.column)).any(|(_, v)| v.is_finite()))
            })
            .collect();
        let mut entries: Vec<(&str, Swatch)> = shown
            .iter()
            .map(|l| (l.label, Swatch::Line(l.color.to_rgba())))
            .collect();
        if k == 0 && ghost.is_some_and(|g| !g.is_empty()) {
            entries.push(("pinned run", Swatch::Dashed(GREY.to_rgba())));
        }
        let plot_area = legend(&here, &entries, style)?;

        let values = shown
            .iter()
            .flat_map(|l| runs_of.iter().flat_map(|h| h.series(column(l.column)).map(|(_, v)| v)))
            .chain(panel.zero.then_some(0.0));
        let (y0, y1) = finite_range(values, 0.07);
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_top(style.px(4.0))
            .margin_bottom(if last { 0 } else { style.px(6.0) })
            .margin_left(style.px(4.0))
            .margin_right(style.px(14.0))
            .x_label_area_size(if last { x_area } else { 0 })
            .y_label_area_size(style.px(52.0))
            .build_cartesian_2d(s0..s1, y0..y1)
            .map_err(err)?;
        let desc = (if last { "step" } else { "" }, panel.y_desc);
        let ny = if panels.len() > 1 { 4 } else { 6 };
        axes(&mut chart, desc, (6, ny), (true, true), style)?;
        if panel.zero && y0 < 0.0 && y1 > 0.0 {
            chart
                .draw_series(LineSeries::new(
                    [(s0, 0.0), (s1, 0.0)],
                    INK.mix(0.45).stroke_width(style.width(1.0)),
                ))
                .map_err(err)?;
        }
        // The pinned run first and faint, dashed; then this run on top.
        for (run, faint) in ghost.map(|g| (g, true)).into_iter().chain([(history, false)]) {
            for l in &shown {
                for points in runs(run.series(column(l.column))) {
                    draw_run(&mut chart, points, l, faint, style)?;
                }
            }
        }
    }
    Ok(())
}

fn draw_run<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    points: Vec<(f64, f64)>,
    l: &Line,
    faint: bool,
    style: &Style,
) -> ChartResult {
    let stroke = l
        .color
        .mix(if faint { 0.5 } else { 1.0 })
        .stroke_width(style.width(l.width));
    if points.len() == 1 {
        // A lone point (the first step) still shows.
        let dot = Circle::new(points[0], style.px(l.width + 1.0), stroke.filled());
        return chart.draw_series([dot]).map(|_| ()).map_err(err);
    }
    if faint {
        let dashes = DashedLineSeries::new(points, style.px(6.0), style.px(4.0), stroke);
        chart.draw_series(dashes).map(|_| ()).map_err(err)
    } else {
        chart
            .draw_series(LineSeries::new(points, stroke))
            .map(|_| ())
            .map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{colours, render};
    use super::*;
    use crate::{Settings, Simulation};

    #[test]
    fn gaps_split_runs() {
        let r = runs(
            [
                (0.0, 1.0),
                (1.0, f64::NAN),
                (2.0, 2.0),
                (3.0, 3.0),
                (4.0, f64::INFINITY),
            ]
            .into_iter(),
        );
        assert_eq!(r, vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]);
        assert!(runs([(0.0, f64::NAN)].into_iter()).is_empty());
    }

    #[test]
    fn series_charts_draw_with_nan_columns_and_show_the_ghost() {
        let style = Style { scale: 1.0 };
        for settings in [
            "model=linear",
            "model=tabular",
            "exact=1&labels=oracle",
            "design=bvw&support=0.2",
        ] {
            let mut sim = Simulation::new(Settings::parse(settings).unwrap());
            sim.run(30).unwrap();
            let undefined = |name| sim.history().series(column(name)).all(|(_, v)| v.is_nan());
            assert_eq!(undefined("batch_grad_norm"), settings.contains("exact=1"));
            assert_eq!(undefined("hessian_min"), settings.contains("tabular"));
            let mut other = Simulation::new(Settings::parse(&format!("{settings}&quality=1&seed=7")).unwrap());
            other.run(45).unwrap();
            for signal in [true, false] {
                let chart = |ghost| {
                    render(450, 320, |a| match signal {
                        true => super::super::gradient_signal(a, sim.history(), ghost, &style),
                        false => super::super::training_curves(a, sim.history(), ghost, &style),
                    })
                };
                let (alone, pinned) = (chart(None), chart(Some(other.history())));
                assert!(colours(&alone) > 30, "{settings}");
                assert_ne!(alone, pinned, "{settings}");
            }
        }
    }

    #[test]
    fn non_finite_values_leave_gaps_and_empty_columns_draw_nothing() {
        let mut h = History::new(64);
        for step in 0..20 {
            let mut values = [f64::NAN; crate::metrics::COLUMNS.len()];
            values[0] = step as f64;
            values[column("expected_reward")] = match step {
                5 => f64::INFINITY,
                6 => f64::NAN,
                7 => 1e300,
                _ => step as f64 * 0.1,
            };
            h.push(crate::history::Record {
                values,
                theta: vec![0.0, 0.0],
            });
        }
        let style = Style { scale: 1.0 };
        let img = render(450, 320, |a| super::super::training_curves(a, &h, None, &style));
        assert!(colours(&img) > 20);
        let all_nan = History::new(4);
        render(450, 320, |a| {
            super::super::gradient_signal(a, &all_nan, Some(&all_nan), &style)
        });
    }
}
