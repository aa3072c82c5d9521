//! The loss landscape: heatmap and contours of L, the path taken, the minimiser theta_S
//! (and the valley of minimisers where the loss is flat), -grad L.

use plotters::coord::{ReverseCoordTranslate, Shift};
use plotters::prelude::*;

use super::colors::{blues, color_bar, INK, ORANGE, VERMILLION};
use super::marks::{arrow, draw_star, legend, Px, Raster, Swatch};
use super::{axes, err, finite_range, pixels, Axis, ChartResult, Style};
use plotters::coord::types::RangedCoordf64;

use crate::landscape::{Marks, Surface};
use crate::numerics::{exp, ln};

/// Contour levels, evenly spaced on the colour scale.
const CONTOURS: usize = 6;

/// Log-like position on the colour scale: the low end is stretched so the basin shows
/// even when the window also holds far higher losses.
struct Scale {
    lo: f64,
    knee: f64,
    top: f64,
}

impl Scale {
    fn new((lo, hi): (f64, f64)) -> Scale {
        let knee = ((hi - lo) * 0.01).max(1e-12);
        Scale {
            lo,
            knee,
            top: ln(1.0 + (hi - lo) / knee),
        }
    }
    fn t(&self, v: f64) -> f64 {
        ln(1.0 + (v - self.lo).max(0.0) / self.knee) / self.top
    }
    fn value(&self, t: f64) -> f64 {
        self.lo + self.knee * (exp(t * self.top) - 1.0)
    }
}

/// Marching squares: segments of {v = level} over a row-major grid, in (col, row) units.
/// Saddles are resolved by the cell's mean; cells with a non-finite corner are skipped.
fn contour(values: &[f64], nx: usize, ny: usize, level: f64) -> Vec<[(f64, f64); 2]> {
    let mut out = Vec::new();
    for r in 0..ny.saturating_sub(1) {
        for c in 0..nx.saturating_sub(1) {
            let corners = [(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1)];
            let v = corners.map(|(c, r)| values[r * nx + c]);
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let cross: [Option<(f64, f64)>; 4] = std::array::from_fn(|k| {
                let (a, b) = (v[k], v[(k + 1) % 4]);
                ((a > level) != (b > level)).then(|| {
                    let f = (level - a) / (b - a);
                    let (p, q) = (corners[k], corners[(k + 1) % 4]);
                    (
                        p.0 as f64 + f * (q.0 as f64 - p.0 as f64),
                        p.1 as f64 + f * (q.1 as f64 - p.1 as f64),
                    )
                })
            });
            match cross {
                [Some(a), Some(b), Some(c), Some(d)] => {
                    let mean_side = v.iter().sum::<f64>() / 4.0 > level;
                    if mean_side == (v[0] > level) {
                        out.extend([[a, b], [c, d]]);
                    } else {
                        out.extend([[d, a], [b, c]]);
                    }
                }
                _ => {
                    let found: Vec<(f64, f64)> = cross.iter().flatten().copied().collect();
                    if let [a, b] = found[..] {
                        out.push([a, b]);
                    }
                }
            }
        }
    }
    out
}

/// Where the plot of a drawn base lies, and how data map onto it: what the marks need to be
/// drawn over a base drawn earlier (the page keeps the base while the surface stands).
#[derive(Clone)]
pub struct Frame {
    /// The plot's corner relative to the area drawn on, and its size, in pixels.
    corner: Px,
    size: (u32, u32),
    coord: Cartesian2d<RangedCoordf64, RangedCoordf64>,
    /// The plot's corner in the backend's pixels (what `coord` maps to).
    origin: Px,
    x: (f64, f64),
    y: (f64, f64),
    /// The loss values' range (the arrow's length compares slopes with it).
    range: (f64, f64),
    /// The start's handle: its radius in pixels.
    handle: i32,
}

impl Frame {
    /// The backend pixel of plane point `p`.
    pub fn pixel(&self, p: (f64, f64)) -> (f64, f64) {
        let q = self.coord.translate(&p);
        (q.0 as f64, q.1 as f64)
    }

    /// The plane point under backend pixel (x, y), the nearest in the plot for one outside it.
    pub fn point(&self, x: f64, y: f64) -> (f64, f64) {
        let inside =
            |v: f64, from: i32, size: u32| v.round().clamp(from as f64, (from + size as i32 - 1) as f64) as i32;
        let px = (
            inside(x, self.origin.0, self.size.0),
            inside(y, self.origin.1, self.size.1),
        );
        self.coord.reverse_translate(px).unwrap_or((self.x.0, self.y.0))
    }

    /// Is backend pixel (x, y) on the handle of a start at plane point `start`, or within
    /// `reach` pixels of its edge?
    pub fn on_start(&self, start: (f64, f64), x: f64, y: f64, reach: f64) -> bool {
        let (sx, sy) = self.pixel(start);
        (x - sx).hypot(y - sy) <= self.handle as f64 + reach
    }
}

/// What the base's legend names: it depends on the marks there will be (a minimiser, a
/// valley of them, a start that can be moved).
pub fn legend_kind(marks: &Marks) -> (bool, bool, bool) {
    (marks.target.is_some(), marks.valley.is_some(), marks.movable)
}

/// The legend, the heatmap with its contours, the axes and the colour bar: everything that
/// stays while the surface does. Returns where the marks go.
pub fn draw_base<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    surface: &Surface,
    (target, valley, movable): (bool, bool, bool),
    style: &Style,
) -> Result<Frame, String> {
    let mut entries = vec![("path", Swatch::Line(ORANGE.to_rgba()))];
    if movable {
        entries.push(("start θ₀ (drag it)", Swatch::Ring(ORANGE)));
    }
    match (target, valley) {
        (true, false) if surface.slice => entries.push(("θ_S, projected", Swatch::Star)),
        (true, false) => entries.push(("minimiser θ_S", Swatch::Star)),
        (true, true) => {
            entries.push(("θ_S nearest θ₀", Swatch::Star));
            entries.push(("flat valley of minimisers", Swatch::Dashed(INK.mix(0.8))));
        }
        _ => {}
    }
    entries.push((
        "now",
        Swatch::Dot {
            fill: WHITE.to_rgba(),
            outline: true,
        },
    ));
    entries.push(("−∇L", Swatch::Arrow(VERMILLION)));
    let rest = legend(area, &entries, style)?;

    // A plot with the window's aspect (so -grad L is normal to the contours), centred
    // together with its colour bar.
    let (x0, x1) = finite_range([surface.x_range.0, surface.x_range.1], 0.0);
    let (y0, y1) = finite_range([surface.y_range.0, surface.y_range.1], 0.0);
    let (w, h) = rest.dim_in_pixel();
    let (left, bottom, top, m) = (style.px(44.0), style.px(34.0), style.px(18.0), style.px(8.0));
    let bar_w = style.px(58.0);
    let (aw, ah) = (
        (w as i32 - bar_w - left - 2 * m).max(1),
        (h as i32 - bottom - top - m).max(1),
    );
    let aspect = (x1 - x0) / (y1 - y0);
    let (pw, ph) = if aw as f64 > ah as f64 * aspect {
        ((ah as f64 * aspect).round() as i32, ah)
    } else {
        (aw, (aw as f64 / aspect).round() as i32)
    };
    let (_, rest) = rest.split_horizontally((aw - pw) / 2);
    let (main, rest) = rest.split_horizontally(left + pw + 2 * m);
    let (bar, _) = rest.split_horizontally(bar_w);
    let (top, m_bottom) = (top + (ah - ph) / 2, m + (ah - ph) - (ah - ph) / 2);
    let mut chart = ChartBuilder::on(&main)
        .margin_top(top)
        .margin_bottom(m_bottom)
        .margin_left(m)
        .margin_right(m)
        .x_label_area_size(bottom)
        .y_label_area_size(left)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    let (plot, to_px) = pixels(&chart);

    // Heatmap: the grid's colours, each cell filling the pixels it covers, drawn as one image.
    let (nx, ny) = (surface.nx, surface.ny);
    let valid = nx >= 2 && ny >= 2 && surface.values.len() == nx * ny;
    let range = finite_range(surface.values.iter().copied().filter(|_| valid), 0.0);
    let scale = Scale::new(range);
    if valid {
        heatmap(&plot, surface, &scale)?;
        // Contours at grid-cell centres; light on the dark (low) end, dark on the pale end.
        let at = |(c, r): (f64, f64)| {
            to_px(
                x0 + (x1 - x0) * (c + 0.5) / nx as f64,
                y0 + (y1 - y0) * (r + 0.5) / ny as f64,
            )
        };
        for k in 1..CONTOURS {
            let t = k as f64 / CONTOURS as f64;
            let ink = if t < 0.55 { WHITE.mix(0.45) } else { INK.mix(0.3) };
            for [a, b] in contour(&surface.values, nx, ny, scale.value(t)) {
                plot.draw(&PathElement::new(
                    vec![at(a), at(b)],
                    ink.stroke_width(style.width(1.0)),
                ))
                .map_err(err)?;
            }
        }
    }
    axes(
        &mut chart,
        (surface.x_label, surface.y_label),
        (6, 6),
        (Axis::Plain, Axis::Plain),
        (false, None),
        style,
    )?;
    color_bar(
        &bar,
        "loss L",
        range,
        |v| blues(scale.t(v)),
        (top, m_bottom + bottom),
        style,
    )?;
    let (corner, origin) = {
        let (a, p) = (area.get_base_pixel(), plot.get_base_pixel());
        ((p.0 - a.0, p.1 - a.1), p)
    };
    Ok(Frame {
        corner,
        size: plot.dim_in_pixel(),
        coord: chart.as_coord_spec().clone(),
        origin,
        x: (x0, x1),
        y: (y0, y1),
        range,
        handle: start_radius(style),
    })
}

/// The grid as one image over the plot, interpolated bilinearly between cell centres (as the
/// contours are), so a coarse grid still reads as a surface; a cell next to a non-finite one
/// keeps its own colour, and a non-finite cell is grey.
fn heatmap<DB: DrawingBackend>(plot: &DrawingArea<DB, Shift>, surface: &Surface, scale: &Scale) -> ChartResult {
    let (nx, ny) = (surface.nx, surface.ny);
    let t: Vec<f64> = surface
        .values
        .iter()
        .map(|v| if v.is_finite() { scale.t(*v) } else { f64::NAN })
        .collect();
    let (w, h) = plot.dim_in_pixel();
    // For each pixel column (row): the cell centre at or before it, the weight of the next
    // one, and the nearest cell. Rows run upward, pixels downward.
    let along = |px: u32, of: u32, n: usize| {
        let g = ((px as f64 + 0.5) / of as f64 * n as f64 - 0.5).clamp(0.0, (n - 1) as f64);
        let k = (g as usize).min(n - 2);
        (k, g - k as f64, g.round() as usize)
    };
    let columns: Vec<(usize, f64, usize)> = (0..w).map(|px| along(px, w, nx)).collect();
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for py in 0..h {
        let (r, fy, nearest_row) = along(h - 1 - py, h, ny);
        for &(c, fx, nearest_col) in &columns {
            let at = |r: usize, c: usize| t[r * nx + c];
            let corners = [at(r, c), at(r, c + 1), at(r + 1, c), at(r + 1, c + 1)];
            let value = if corners.iter().all(|x| x.is_finite()) {
                let low = corners[0] + fx * (corners[1] - corners[0]);
                let high = corners[2] + fx * (corners[3] - corners[2]);
                low + fy * (high - low)
            } else {
                at(nearest_row, nearest_col)
            };
            let RGBColor(r, g, b) = if value.is_finite() {
                blues(value)
            } else {
                RGBColor(200, 200, 200)
            };
            rgb.extend_from_slice(&[r, g, b]);
        }
    }
    plot.draw(&Raster {
        pos: (0, 0),
        size: (w, h),
        rgb,
    })
    .map_err(err)
}

/// The path so far (a white halo under it), where it started, the minimiser (and the valley
/// of minimisers), now, and -grad L, over a base drawn with `frame`.
pub fn draw_marks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame: &Frame,
    marks: &Marks,
    style: &Style,
) -> ChartResult {
    let plot = area.clone().shrink(frame.corner, frame.size);
    let to_px = |x: f64, y: f64| {
        let p = frame.coord.translate(&(x, y));
        (p.0 - frame.origin.0, p.1 - frame.origin.1)
    };
    let ((x0, x1), (y0, y1)) = (frame.x, frame.y);
    let (pw, ph) = (frame.size.0 as i32, frame.size.1 as i32);
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    // Points closer than 2 px merge, and segments are drawn apart: a noisy SGD path's
    // sharp turns would otherwise grow miter spikes.
    let mut path: Vec<Px> = Vec::new();
    for p in marks.trajectory.iter().filter(finite).map(|p| to_px(p.0, p.1)) {
        let near = |q: &Px| (p.0 - q.0).abs().max((p.1 - q.1).abs()) < style.px(2.0);
        if !path.last().is_some_and(near) {
            path.push(p);
        }
    }
    for (color, width) in [(WHITE.mix(0.8), 4.0), (ORANGE.to_rgba(), 2.0)] {
        for pair in path.windows(2) {
            plot.draw(&PathElement::new(pair.to_vec(), color.stroke_width(style.width(width))))
                .map_err(err)?;
        }
    }
    if finite(&&marks.start) {
        let start = to_px(marks.start.0, marks.start.1);
        if marks.movable {
            // A handle: a thick ring in the path's colour on a white halo, big enough to grab
            // and, at step 0, around the dot of now.
            let r = start_radius(style);
            plot.draw(&Circle::new(start, r + style.px(2.0), WHITE.mix(0.85).filled()))
                .map_err(err)?;
            plot.draw(&Circle::new(start, r, ORANGE.stroke_width(style.width(3.0))))
                .map_err(err)?;
        } else {
            plot.draw(&Circle::new(start, style.px(3.5), INK.stroke_width(style.width(1.5))))
                .map_err(err)?;
        }
    }
    if let (Some(t), Some(v)) = (marks.target.filter(|t| finite(&t)), marks.valley) {
        // The whole line of minimisers across the window.
        let reach = 2.0 * (x1 - x0).max(y1 - y0);
        let ends = [
            to_px(t.0 - reach * v.0, t.1 - reach * v.1),
            to_px(t.0 + reach * v.0, t.1 + reach * v.1),
        ];
        plot.draw(&PathElement::new(
            ends.to_vec(),
            WHITE.mix(0.7).stroke_width(style.width(3.0)),
        ))
        .map_err(err)?;
        plot.draw(&plotters::element::DashedPathElement::new(
            ends,
            style.px(6.0),
            style.px(4.0),
            INK.mix(0.8).stroke_width(style.width(1.5)),
        ))
        .map_err(err)?;
    }
    if let Some(t) = marks.target.as_ref().filter(finite) {
        draw_star(&plot, to_px(t.0, t.1), style.px(8.0), style)?;
    }
    if marks.current.0.is_finite() && marks.current.1.is_finite() {
        let (now, dot) = (to_px(marks.current.0, marks.current.1), style.px(5.0));
        // Length: up to a share of the plot, shorter where the slope is small compared
        // with the window's average slope, so a flat basin shows a short arrow.
        let (gx, gy) = marks.descent;
        let g = gx.hypot(gy);
        if g.is_finite() && g > 0.0 {
            let (sx, sy) = (pw as f64 / (x1 - x0), ph as f64 / (y1 - y0));
            let (dx, dy) = (gx * sx, -gy * sy);
            let slope = (frame.range.1 - frame.range.0) / (x1 - x0).max(y1 - y0);
            // tanh(g / slope), from the crate's exp (the platform's tanh costs the wasm 1 KB).
            let reach = if slope > 0.0 {
                1.0 - 2.0 / (exp(2.0 * g / slope) + 1.0)
            } else {
                1.0
            };
            let n = dx.hypot(dy);
            let (ux, uy) = (dx / n, dy / n);
            let len = (dot + style.px(9.0)) as f64 + 0.28 * pw.min(ph) as f64 * reach;
            let shift = |d: f64| (now.0 + (ux * d).round() as i32, now.1 + (uy * d).round() as i32);
            let (from, tip) = (shift(dot as f64), shift(len));
            arrow(&plot, from, tip, VERMILLION, style)?;
        }
        plot.draw(&Circle::new(now, dot, WHITE.filled())).map_err(err)?;
        plot.draw(&Circle::new(now, dot, INK.stroke_width(style.width(1.5))))
            .map_err(err)?;
    }
    Ok(())
}

/// The radius of the start's handle, in pixels.
fn start_radius(style: &Style) -> i32 {
    style.px(8.0)
}

/// The whole landscape: the base, then the marks over it.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    surface: &Surface,
    marks: &Marks,
    style: &Style,
) -> ChartResult {
    let frame = draw_base(area, surface, legend_kind(marks), style)?;
    draw_marks(area, &frame, marks, style)
}

#[cfg(test)]
mod tests {
    use super::super::fitted;
    use super::super::tests::{colours, render};
    use super::*;
    use crate::landscape::landscape;
    use crate::{Settings, Simulation};

    #[test]
    fn contours_cross_where_the_grid_does() {
        // v = col on a 3x3 grid: the level 0.5 is the vertical line col = 0.5.
        let values: Vec<f64> = (0..9).map(|k| (k % 3) as f64).collect();
        let segs = contour(&values, 3, 3, 0.5);
        assert_eq!(segs.len(), 2);
        assert!(segs.iter().flatten().all(|p| (p.0 - 0.5).abs() < 1e-12));
        // A saddle gives two segments; a NaN corner skips its cell.
        assert_eq!(contour(&[1.0, 0.0, 0.0, 1.0], 2, 2, 0.5).len(), 2);
        assert!(contour(&[1.0, f64::NAN, 0.0, 1.0], 2, 2, 0.5).is_empty());
        let s = Scale::new((0.5, 2.0));
        assert!((s.value(s.t(1.3)) - 1.3).abs() < 1e-12);
    }

    #[test]
    fn draws_linear_and_tabular_slices() {
        for settings in [
            "model=linear&support=0.3",
            "model=tabular&quality=0.5",
            "labels=oracle&exact=1",
        ] {
            let mut sim = Simulation::new(Settings::parse(settings).unwrap());
            sim.run(30).unwrap();
            let land = landscape(&sim, 40);
            let img = render(450, 320, |a| {
                fitted(a, &Style { scale: 1.0 }, |s| draw(a, &land.surface, &land.marks, s))
            });
            assert!(colours(&img) > 60, "{settings}");
        }
    }

    /// The frame turns pixels into theta and back, and finds the start's handle: what a
    /// pointer dragging theta0 needs.
    #[test]
    fn the_frame_maps_pixels_to_theta_and_finds_the_start() {
        let mut sim = Simulation::new(Settings::parse("theta0=1.5,-2&exact=1").unwrap());
        sim.run(20).unwrap();
        let land = landscape(&sim, 12);
        assert!(land.marks.movable);
        assert_eq!(land.marks.start, (1.5, -2.0));
        let mut frame = None;
        render(500, 360, |a| {
            frame = Some(draw_base(
                a,
                &land.surface,
                legend_kind(&land.marks),
                &Style { scale: 1.0 },
            )?);
            Ok(())
        });
        let frame = frame.unwrap();
        let (sx, sy) = frame.pixel(land.marks.start);
        // Back to theta to within a pixel's worth of the window.
        let per_px = (land.surface.x_range.1 - land.surface.x_range.0) / frame.size.0 as f64;
        let (a, b) = frame.point(sx, sy);
        assert!((a - 1.5).abs() <= per_px && (b + 2.0).abs() <= per_px, "({a}, {b})");
        let start = land.marks.start;
        assert!(frame.on_start(start, sx + 3.0, sy - 3.0, 0.0));
        assert!(frame.on_start(start, sx + 12.0, sy, 8.0));
        assert!(!frame.on_start(start, sx + 30.0, sy, 8.0));
        // A pixel outside the plot stands for the nearest theta inside it.
        let (far, _) = frame.point(1e6, sy);
        assert!((far - land.surface.x_range.1).abs() <= per_px, "{far}");
        // The tabular model's start is not a handle: the run starts at the reference.
        let tabular = Simulation::new(Settings::parse("model=tabular&theta0=1.5,-2").unwrap());
        assert!(!landscape(&tabular, 8).marks.movable);
    }

    #[test]
    fn survives_degenerate_landscapes() {
        let sim = Simulation::new(Settings::default());
        let mut land = landscape(&sim, 8);
        land.surface.values.iter_mut().step_by(3).for_each(|v| *v = f64::NAN);
        land.marks.trajectory.push((f64::INFINITY, 0.0));
        land.marks.descent = (f64::NAN, 1.0);
        render(300, 200, |a| {
            fitted(a, &Style { scale: 1.0 }, |s| draw(a, &land.surface, &land.marks, s))
        });
        land.surface.values.iter_mut().for_each(|v| *v = f64::NAN);
        land.surface.x_range = (1.0, 1.0);
        land.surface.nx = 3;
        render(300, 200, |a| {
            fitted(a, &Style { scale: f64::NAN }, |s| {
                draw(a, &land.surface, &land.marks, s)
            })
        });
    }
}
