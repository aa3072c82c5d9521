//! Metrics over steps: one helper draws stacked panels of lines with their legends, for
//! the gradient signal, the loss and convergence, and the training curves.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::colors::{BLUE, GREEN, GREY, INK, ORANGE, PINNED, PURPLE, SKY, VERMILLION};
use super::marks::{legend, Swatch};
use super::{axes, err, finite_range, own_ticks, Axis, ChartResult, Plot, Scene, Style, SMALLEST_TEXT};
use crate::history::History;
use crate::metrics::{column, METRICS};
use crate::numerics::{exp, ln};

/// Where a line's values come from.
#[derive(Clone, Copy)]
pub enum Source {
    /// A metrics column.
    Column(&'static str),
    /// The distance exact gradient descent is predicted to keep near the minimiser:
    /// d(t0) rho^(t - t0), from the step t0 where the run came within 30% of its starting
    /// distance (about where the local regime begins), with rho the latest predicted rate.
    Envelope,
}

/// One line. Its legend label is its column's short label (the envelope's is its own), unless
/// it has its own, or none (when a panel note explains a whole family of lines).
pub struct Line {
    pub source: Source,
    pub label: Option<&'static str>,
    pub legend: bool,
    pub color: RGBColor,
    /// Opacity: below 1 for a wide line that others are drawn over.
    pub alpha: f64,
    /// Width in CSS pixels: reference levels and noisy estimates are drawn thinner.
    pub width: f64,
    /// Dotted: a second view of a quantity drawn solid beside it.
    pub dotted: bool,
    /// Drawn only when this column has no defined value (a stand-in for it).
    pub unless: Option<&'static str>,
}

/// Lines sharing one y axis.
pub struct Panel {
    pub y_desc: &'static str,
    /// Lines in drawing order (later ones on top).
    pub lines: &'static [Line],
    /// Keep 0 in view and mark it (for norms, masses, and signals that may turn negative).
    pub zero: bool,
    /// A logarithmic y axis.
    pub log: bool,
    /// Legend entries for lines left out of the legend one by one.
    pub notes: &'static [(&'static str, Swatch)],
    /// The column the pinned runs show in this panel (one, so their legend is just their names).
    pub compare: Option<&'static str>,
}

const fn line(column: &'static str, color: RGBColor, width: f64) -> Line {
    Line {
        source: Source::Column(column),
        label: None,
        legend: true,
        color,
        alpha: 1.0,
        width,
        dotted: false,
        unless: None,
    }
}

const fn pale(column: &'static str, color: RGBColor) -> Line {
    Line {
        alpha: 0.45,
        ..line(column, color, 4.0)
    }
}

const fn dotted(column: &'static str, color: RGBColor, width: f64) -> Line {
    Line {
        dotted: true,
        ..line(column, color, width)
    }
}

pub const SIGNAL: &[Panel] = &[Panel {
    y_desc: "gradient",
    lines: &[
        line("batch_grad_norm", SKY, 1.2),
        line("grad_norm", BLUE, 2.0),
        line("signal", VERMILLION, 2.2),
    ],
    zero: true,
    log: false,
    notes: &[],
    compare: Some("signal"),
}];

pub const CONVERGENCE: &[Panel] = &[
    Panel {
        y_desc: "loss",
        lines: &[line("batch_loss", SKY, 1.2), line("loss", BLUE, 2.2)],
        zero: false,
        log: false,
        notes: &[],
        compare: Some("loss"),
    },
    Panel {
        y_desc: "distance (log)",
        lines: &[
            Line {
                source: Source::Envelope,
                ..dotted("target_distance", ORANGE, 2.0)
            },
            line("target_distance", GREEN, 2.2),
        ],
        zero: false,
        log: true,
        notes: &[],
        compare: Some("target_distance"),
    },
];

pub const REWARD: &[Panel] = &[Panel {
    y_desc: "expected reward",
    lines: &[
        line("ref_reward", GREY, 1.3),
        line("rlhf_reward", INK, 1.3),
        Line {
            unless: Some("rlhf_reward"),
            ..line("best_reward", INK, 1.3)
        },
        // Over J* (often equal to it): wide dots that show on the line.
        dotted("attainable_reward", PURPLE, 2.8),
        line("expected_reward", GREEN, 2.4),
    ],
    zero: false,
    log: false,
    notes: &[],
    compare: Some("expected_reward"),
}];

pub const CURVES: &[Panel] = &[
    Panel {
        y_desc: "log-prob",
        lines: &[
            // Offline the two views coincide: the step-0 lines pale and wide, so the dotted
            // current ones stay visible on top of them.
            Line {
                label: Some("chosen"),
                ..pale("fixed_chosen_logp", BLUE)
            },
            Line {
                label: Some("rejected"),
                ..pale("fixed_rejected_logp", VERMILLION)
            },
            Line {
                legend: false,
                ..dotted("chosen_logp", BLUE, 1.8)
            },
            Line {
                legend: false,
                ..dotted("rejected_logp", VERMILLION, 1.8)
            },
        ],
        zero: false,
        log: false,
        notes: &[
            ("step-0 pairs", Swatch::Line(RGBAColor(120, 120, 120, 0.45))),
            ("current pairs", Swatch::Dotted(RGBAColor(34, 34, 34, 1.0))),
        ],
        compare: Some("fixed_chosen_logp"),
    },
    Panel {
        y_desc: "KL, mass",
        lines: &[line("kl", PURPLE, 2.0), line("off_support_mass", ORANGE, 2.0)],
        zero: true,
        log: false,
        notes: &[],
        compare: Some("off_support_mass"),
    },
];

impl Line {
    fn label(&self) -> &'static str {
        match (self.label, self.source) {
            (Some(label), _) => label,
            (None, Source::Column(c)) => METRICS[column(c)].short,
            (None, Source::Envelope) => "predicted ρᵗ",
        }
    }

    /// (step, value) over a run.
    fn values(&self, h: &History) -> Vec<(f64, f64)> {
        match self.source {
            Source::Column(c) => h.series(column(c)).collect(),
            Source::Envelope => envelope(h),
        }
    }
}

/// A run within this share of its starting distance is taken to be near the minimiser.
const LOCAL: f64 = 0.3;

fn envelope(h: &History) -> Vec<(f64, f64)> {
    let distance: Vec<(f64, f64)> = h.series(column("target_distance")).collect();
    let rate = h
        .records()
        .last()
        .map_or(f64::NAN, |r| r.values[column("predicted_rate")]);
    let Some(&(_, d0)) = distance.first() else {
        return Vec::new();
    };
    let anchor = distance.iter().find(|(_, d)| *d <= LOCAL * d0 && *d > 0.0);
    let (Some(&(t0, da)), true) = (anchor, rate.is_finite() && rate > 0.0) else {
        return Vec::new();
    };
    distance
        .iter()
        .filter(|(t, _)| *t >= t0)
        // rate^(t - t0) from the crate's exp and ln: the platform's pow weighs 2 KB of wasm.
        .map(|&(t, _)| (t, da * exp((t - t0) * ln(rate))))
        // Below rounding level the measured distance cannot follow.
        .take_while(|(_, v)| *v > 1e-16 * d0)
        .collect()
}

type Points = Vec<(f64, f64)>;

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

/// One line as drawn: its points (in data values), its look and its legend label.
pub struct Curve {
    /// None: not in the legend (a pinned run's copy of a line).
    pub label: Option<String>,
    pub color: RGBColor,
    pub alpha: f64,
    pub width: f64,
    pub dotted: bool,
    /// Drawn dashed: a pinned run.
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

/// A panel as drawn.
pub struct Stacked {
    pub y_desc: String,
    pub zero: bool,
    pub log: bool,
    pub curves: Vec<Curve>,
    /// Legend entries beyond the curves' own.
    pub extra: Vec<(String, Swatch)>,
}

/// The shared x axis of stacked panels.
pub struct XAxis<'a> {
    pub axis: Axis,
    /// In data values.
    pub range: (f64, f64),
    pub desc: &'a str,
    /// A vertical mark (the current value of a swept setting).
    pub mark: Option<f64>,
    /// Names for the whole numbers 0, 1, ... (a swept choice).
    pub names: Option<&'a [String]>,
}

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[Panel],
    scene: &Scene,
    style: &Style,
) -> ChartResult {
    let history = scene.sim.history();
    let pinned: Vec<_> = scene.pinned.iter().filter(|p| !p.history.is_empty()).collect();
    let defined = |c: &str| history.series(column(c)).any(|(_, v)| v.is_finite());
    let stacked: Vec<Stacked> = panels
        .iter()
        .map(|panel| {
            let mut curves = Vec::new();
            // The pinned runs first, under the live run's lines: the panel's one column each
            // (named once, in the chart's own legend row).
            if let Some(col) = panel.compare {
                for (k, p) in pinned.iter().enumerate() {
                    curves.push(Curve {
                        label: None,
                        color: PINNED[k % PINNED.len()],
                        alpha: 1.0,
                        width: 1.8,
                        dotted: false,
                        dashed: true,
                        points: p.history.series(column(col)).collect(),
                    });
                }
            }
            for l in panel.lines.iter().filter(|l| !l.unless.is_some_and(defined)) {
                // Beside pinned runs the live run's compared line says which run it is.
                let compared = matches!(l.source, Source::Column(c) if Some(c) == panel.compare);
                let label = l.legend.then(|| match compared && !pinned.is_empty() {
                    true => format!("{} · {}", l.label(), scene.live_label),
                    false => l.label().to_string(),
                });
                curves.push(Curve {
                    label,
                    color: l.color,
                    alpha: l.alpha,
                    width: l.width,
                    dotted: l.dotted,
                    dashed: false,
                    points: l.values(history),
                });
            }
            Stacked {
                y_desc: panel.y_desc.to_string(),
                zero: panel.zero,
                log: panel.log,
                curves,
                extra: panel.notes.iter().map(|(t, s)| (t.to_string(), *s)).collect(),
            }
        })
        .collect();
    let steps = std::iter::once(history)
        .chain(pinned.iter().map(|p| p.history))
        .flat_map(|h| h.series(0).map(|(s, _)| s));
    let (_, last) = finite_range(steps, 0.0);
    let x = XAxis {
        axis: if scene.view.log_steps {
            Axis::LogSteps
        } else {
            Axis::Steps
        },
        range: (0.0, last.max(1.0)),
        desc: "step",
        mark: None,
        names: None,
    };
    let runs: Vec<(String, Swatch)> = pinned
        .iter()
        .enumerate()
        .map(|(k, p)| (p.label.to_string(), Swatch::Dashed(PINNED[k % PINNED.len()].to_rgba())))
        .collect();
    let area = legend(
        area,
        &runs.iter().map(|(t, s)| (t.as_str(), *s)).collect::<Vec<_>>(),
        style,
    )?;
    stack(&area, &stacked, &x, style)
}

/// The least height of a stacked panel with its legend, in CSS pixels.
const MIN_PANEL: f64 = 55.0;

/// Panels stacked over one x axis, each with its legend on top; lines with nothing
/// defined to show are left out of panel and legend.
pub fn stack<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[Stacked],
    x: &XAxis,
    style: &Style,
) -> ChartResult {
    if panels.is_empty() {
        return Ok(());
    }
    let (s0, s1) = (x.axis.place(x.range.0), x.axis.place(x.range.1));
    let x_area = style.px(32.0);
    let (_, h) = area.dim_in_pixel();
    // A short area keeps the panels that fit, the last ones: a chart puts its evidence last
    // (the distance under the loss), and the last panel carries the x axis.
    let fit = ((h as i32 - x_area) / style.px(MIN_PANEL)).clamp(1, panels.len() as i32) as usize;
    let panels = &panels[panels.len() - fit..];
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
        let y_axis = if panel.log { Axis::Log } else { Axis::Plain };
        let placed: Vec<(&Curve, Points)> = panel
            .curves
            .iter()
            .map(|c| {
                let pts = c
                    .points
                    .iter()
                    .map(|&(s, v)| (x.axis.place(s), y_axis.place(v)))
                    .collect();
                (c, pts)
            })
            .filter(|(_, pts): &(&Curve, Points)| pts.iter().any(|p| p.1.is_finite()))
            .collect();
        // The live run's lines first, then the pinned runs (drawn first, under them).
        let in_legend = placed
            .iter()
            .filter(|(c, _)| !c.dashed)
            .chain(placed.iter().filter(|(c, _)| c.dashed));
        let mut entries: Vec<(&str, Swatch)> = in_legend
            .filter_map(|(c, _)| {
                let color = c.color.mix(c.alpha);
                let swatch = match (c.dotted, c.dashed) {
                    (true, _) => Swatch::Dotted(color),
                    (_, true) => Swatch::Dashed(color),
                    _ => Swatch::Line(color),
                };
                c.label.as_deref().map(|l| (l, swatch))
            })
            .collect();
        entries.extend(panel.extra.iter().map(|(t, s)| (t.as_str(), *s)));
        let plot_area = legend(&here, &entries, style)?;
        // Tick labels reach half their height past the plot's top and bottom edges.
        let half = style.px(0.65 * SMALLEST_TEXT);
        let x_labels = if last { x_area } else { 0 };
        if (plot_area.dim_in_pixel().1 as i32) < 2 * half + x_labels + style.px(2.0 * SMALLEST_TEXT) {
            // Too short for a legible panel: its legend only, rather than a garbled plot.
            continue;
        }

        let values = placed
            .iter()
            .flat_map(|(_, pts)| pts.iter().map(|p| p.1))
            .chain(panel.zero.then_some(0.0));
        let (y0, y1) = finite_range(values, 0.07);
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_top(half)
            .margin_bottom(if last { 0 } else { half + style.px(2.0) })
            .margin_left(style.px(4.0))
            .margin_right(style.px(14.0))
            .x_label_area_size(x_labels)
            .y_label_area_size(style.px(52.0))
            .build_cartesian_2d(s0..s1, y0..y1)
            .map_err(err)?;
        let desc = (if last { x.desc } else { "" }, panel.y_desc.as_str());
        axes(&mut chart, desc, (6, 6), (x.axis, y_axis), (true, x.names), style)?;
        own_ticks(&plot_area, &chart, (x.axis, y_axis), last, style)?;
        if panel.zero && y0 < 0.0 && y1 > 0.0 {
            chart
                .draw_series(LineSeries::new(
                    [(s0, 0.0), (s1, 0.0)],
                    INK.mix(0.45).stroke_width(style.width(1.0)),
                ))
                .map_err(err)?;
        }
        if let Some(m) = x.mark.map(|m| x.axis.place(m)).filter(|m| m.is_finite()) {
            chart
                .draw_series(DashedLineSeries::new(
                    [(m, y0), (m, y1)],
                    style.px(4.0),
                    style.px(3.0),
                    INK.mix(0.7).stroke_width(style.width(1.5)),
                ))
                .map_err(err)?;
        }
        for (c, pts) in &placed {
            for points in runs(pts.iter().copied()) {
                draw_run(&mut chart, points, c, style)?;
            }
        }
    }
    Ok(())
}

fn draw_run<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    points: Vec<(f64, f64)>,
    l: &Curve,
    style: &Style,
) -> ChartResult {
    let stroke = l.color.mix(l.alpha).stroke_width(style.width(l.width));
    if points.len() == 1 {
        // A lone point (the first step) still shows.
        let dot = Circle::new(points[0], style.px(l.width + 1.0), stroke.filled());
        return chart.draw_series([dot]).map(|_| ()).map_err(err);
    }
    let dashes = match (l.dashed, l.dotted) {
        (true, _) => Some((6.0, 4.0)),
        (false, true) => Some((2.5, 3.0)),
        (false, false) => None,
    };
    match dashes {
        Some((on, off)) => chart
            .draw_series(DashedLineSeries::new(points, style.px(on), style.px(off), stroke))
            .map(|_| ())
            .map_err(err),
        None => chart
            .draw_series(LineSeries::new(points, stroke))
            .map(|_| ())
            .map_err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{colours, render};
    use super::super::{Chart, Compared, View};
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
    fn series_charts_draw_with_nan_columns_and_show_pinned_runs() {
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
            assert!(
                !undefined("hessian_min"),
                "{settings}: both models have the Hessian's eigenvalues"
            );
            let mut other = Simulation::new(Settings::parse(&format!("{settings}&quality=1&seed=7")).unwrap());
            other.run(45).unwrap();
            for chart in [Chart::Signal, Chart::Reward, Chart::Convergence, Chart::Curves] {
                for log_steps in [false, true] {
                    let view = View {
                        log_steps,
                        ..View::default()
                    };
                    let draw = |scene: &Scene| render(450, 320, |a| chart.draw(a, scene, &style));
                    let alone = draw(&Scene::alone(&sim, None, view));
                    let pinned = draw(&Scene {
                        pinned: vec![Compared {
                            label: "quality 1",
                            history: other.history(),
                        }],
                        live_label: "this run".into(),
                        ..Scene::alone(&sim, None, view)
                    });
                    assert!(colours(&alone) > 30, "{settings}");
                    assert_ne!(alone, pinned, "{settings}");
                }
            }
        }
    }

    #[test]
    fn envelope_starts_in_the_local_regime_and_follows_the_predicted_rate() {
        let mut sim = Simulation::new(Settings::parse("exact=1&lr=2").unwrap());
        sim.run(200).unwrap();
        let e = envelope(sim.history());
        let d: Vec<(f64, f64)> = sim.history().series(column("target_distance")).collect();
        let (t0, v0) = e[0];
        assert!(v0 <= LOCAL * d[0].1 && d.iter().all(|(t, v)| *t >= t0 || *v > LOCAL * d[0].1));
        let rate = sim.metrics().predicted_rate;
        for w in e.windows(2) {
            assert!((w[1].1 / w[0].1 - rate.powf(w[1].0 - w[0].0)).abs() < 1e-12);
        }
    }

    #[test]
    fn non_finite_values_leave_gaps_and_empty_columns_draw_nothing() {
        let sim = Simulation::new(Settings::default());
        let mut h = History::new(64, 8);
        for step in 0..20 {
            let mut values = [f64::NAN; crate::metrics::COUNT];
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
        let scene = Scene {
            pinned: vec![Compared {
                label: "gaps",
                history: &h,
            }],
            ..Scene::alone(&sim, None, View::default())
        };
        let img = render(450, 320, |a| Chart::Reward.draw(a, &scene, &style));
        assert!(colours(&img) > 20);
        let all_nan = History::new(8, 0);
        let empty = Scene {
            pinned: vec![Compared {
                label: "empty",
                history: &all_nan,
            }],
            ..Scene::alone(&sim, None, View::default())
        };
        render(450, 320, |a| Chart::Signal.draw(a, &empty, &style));
    }
}
