//! The four plots, as functions over any plotters `DrawingBackend`: the same code draws
//! into the page's canvas (wasm) and into PNG files (native runner and tests).

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::history::History;
use crate::landscape::Landscape;
use crate::sim::Simulation;

mod colors;
mod landscape;
mod marks;
#[cfg(not(target_arch = "wasm32"))]
mod png;
mod response_map;
mod series;

#[cfg(not(target_arch = "wasm32"))]
pub use png::write_pngs;

/// Drawing errors travel as messages, never as panics.
pub type ChartResult = Result<(), String>;

/// How big to draw: `scale` device pixels per CSS pixel (the page's devicePixelRatio).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub scale: f64,
}

/// Responses at their features: colour = true reward, size = policy probability,
/// support outlined, reference faint, this step's change visible.
pub fn response_map<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, sim: &Simulation, style: &Style) -> ChartResult {
    fitted(area, style, |style| response_map::draw(area, sim, style))
}

/// Heatmap and contours of the loss, the trajectory, the target, the current gradient.
pub fn loss_landscape<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    land: &Landscape,
    style: &Style,
) -> ChartResult {
    fitted(area, style, |style| landscape::draw(area, land, style))
}

/// Exact gradient norm, the signal along grad J, the minibatch gradient norm, over steps.
pub fn gradient_signal<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: &History,
    ghost: Option<&History>,
    style: &Style,
) -> ChartResult {
    fitted(area, style, |style| {
        series::draw(area, series::SIGNAL, history, ghost, style)
    })
}

/// Expected reward against J_ref and J*, KL, off-support mass, chosen/rejected log-probs.
pub fn training_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    history: &History,
    ghost: Option<&History>,
    style: &Style,
) -> ChartResult {
    fitted(area, style, |style| {
        series::draw(area, series::CURVES, history, ghost, style)
    })
}

/// Draws with the style fitted to `area`: below the 450x320 CSS px design size text and
/// marks shrink (down to 9/10, so phone text stays readable); an area too small for axes and labels is left blank
/// rather than garbled.
fn fitted<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    draw: impl FnOnce(&Style) -> ChartResult,
) -> ChartResult {
    register_font()?;
    let k = style.k();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as f64 / k, h as f64 / k);
    if w < 120.0 || h < 90.0 {
        return Ok(());
    }
    let fit = (w / 450.0).min(h / 320.0).clamp(0.9, 1.0);
    draw(&Style { scale: k * fit })
}

/// Natively text needs a font: the bundled one, registered once. The browser draws its own.
#[cfg(not(target_arch = "wasm32"))]
fn register_font() -> ChartResult {
    static FONT: std::sync::OnceLock<ChartResult> = std::sync::OnceLock::new();
    FONT.get_or_init(|| {
        let bytes = include_bytes!("../../assets/DejaVuSans.ttf");
        plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
            .map_err(|_| "the bundled font could not be read".to_string())
    })
    .clone()
}

#[cfg(target_arch = "wasm32")]
fn register_font() -> ChartResult {
    Ok(())
}

/// Plotters errors as messages.
fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

impl Style {
    /// Device pixels per CSS pixel, sanitised: a bad ratio must not break drawing.
    fn k(&self) -> f64 {
        if self.scale.is_finite() && self.scale > 0.0 {
            self.scale.clamp(0.25, 8.0)
        } else {
            1.0
        }
    }

    /// A length given in CSS pixels, in device pixels.
    fn px(&self, css: f64) -> i32 {
        (css * self.k()).round().max(1.0) as i32
    }

    /// A line width given in CSS pixels.
    fn width(&self, css: f64) -> u32 {
        self.px(css) as u32
    }

    /// Sans-serif text of `css` pixels.
    fn font(&self, css: f64) -> TextStyle<'static> {
        TextStyle::from(("sans-serif", css * self.k()).into_font()).color(&colors::INK)
    }

    /// The base text size: readable at 450x320 CSS px and on a phone.
    fn text(&self) -> TextStyle<'static> {
        self.font(11.5)
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes in the shared look: compact tick labels (whole steps on a step axis), a faint
/// grid or none, thin axis lines.
fn axes<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    (x_desc, y_desc): (&str, &str),
    (nx, ny): (usize, usize),
    (grid, steps): (bool, bool),
    style: &Style,
) -> ChartResult {
    let (xs, ys) = (chart.x_range(), chart.y_range());
    let fx = |v: &f64| match steps {
        true if (v - v.round()).abs() < 1e-6 => format!("{}", v.round()),
        true => String::new(),
        false => tick(*v, xs.end - xs.start),
    };
    let fy = |v: &f64| tick(*v, ys.end - ys.start);
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(nx)
        .y_labels(ny)
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(style.font(10.5))
        .axis_desc_style(style.text())
        .bold_line_style(colors::INK.mix(0.07).stroke_width(style.width(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(colors::INK.mix(0.6).stroke_width(style.width(1.0)))
        .set_all_tick_mark_size(style.px(3.0));
    if !grid {
        mesh.disable_mesh();
    }
    mesh.draw().map_err(err)
}

/// The plotting area in its own pixels, and the map from data onto them (marks such as
/// arrows and stars are shaped in pixels).
fn pixels<DB: DrawingBackend>(chart: &Chart<DB>) -> (DrawingArea<DB, Shift>, impl Fn(f64, f64) -> marks::Px) {
    let plot = chart.plotting_area().strip_coord_spec();
    let (base, coord) = (plot.get_base_pixel(), chart.as_coord_spec().clone());
    let to_px = move |x: f64, y: f64| {
        let p = coord.translate(&(x, y));
        (p.0 - base.0, p.1 - base.1)
    };
    (plot, to_px)
}

/// An axis range over the finite values, padded; (0, 1) without any, widened when constant.
fn finite_range(values: impl IntoIterator<Item = f64>, pad: f64) -> (f64, f64) {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    // Keeps hi - lo finite.
    let (lo, hi) = (lo.max(-1e300), hi.min(1e300));
    let span = hi - lo;
    if span <= 1e-9 * lo.abs().max(hi.abs()) || span == 0.0 {
        let w = if lo.abs() > 0.0 { 0.1 * lo.abs() } else { 1.0 };
        return (lo - w, hi + w);
    }
    (lo - pad * span, hi + pad * span)
}

/// A compact tick label; values within `span * 1e-9` of zero print as 0.
fn tick(v: f64, span: f64) -> String {
    let a = v.abs();
    if a <= span.abs() * 1e-9 || a == 0.0 {
        return "0".into();
    }
    let text = if !(1e-3..1e4).contains(&a) {
        format!("{v:.1e}")
    } else {
        let digits = (2 - a.log10().floor() as i32).clamp(0, 4) as usize;
        let t = format!("{v:.digits$}");
        if t.contains('.') {
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            t
        }
    };
    text.replace('-', "−")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draws into an in-memory RGB buffer of `w` x `h` pixels; drawing must succeed.
    pub fn render(w: u32, h: u32, draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> ChartResult) -> Vec<u8> {
        let mut buf = vec![0u8; (w * h * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            draw(&root).unwrap();
            root.present().unwrap();
        }
        buf
    }

    /// How many distinct colours an RGB buffer holds (a blank chart has one).
    pub fn colours(buf: &[u8]) -> usize {
        let mut seen: Vec<[u8; 3]> = buf.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    }

    /// All four charts of a run at one size and scale.
    fn all_four(sim: &Simulation, w: u32, h: u32, scale: f64) -> Vec<Vec<u8>> {
        let (style, land) = (Style { scale }, crate::landscape::landscape(sim, 16));
        vec![
            render(w, h, |a| response_map(a, sim, &style)),
            render(w, h, |a| loss_landscape(a, &land, &style)),
            render(w, h, |a| gradient_signal(a, sim.history(), Some(sim.history()), &style)),
            render(w, h, |a| training_curves(a, sim.history(), None, &style)),
        ]
    }

    #[test]
    fn small_areas_odd_scales_and_diverged_runs_draw_without_error() {
        let mut sim = Simulation::new(crate::Settings::parse("lr=1000&beta=10&scale=5&s=0.1").unwrap());
        let _ = sim.run(200);
        assert!(sim.diverged().is_some());
        for (w, h, scale) in [
            (1, 1, 1.0),
            (100, 60, 1.0),
            (160, 110, 1.0),
            (900, 640, 2.0),
            (300, 200, f64::NAN),
        ] {
            let blank = w < 120;
            for img in all_four(&sim, w, h, scale) {
                assert_eq!(colours(&img) == 1, blank, "{w}x{h} at {scale}");
            }
        }
    }

    #[test]
    fn ranges_and_ticks_are_sane() {
        assert_eq!(finite_range([f64::NAN, f64::INFINITY], 0.1), (0.0, 1.0));
        assert_eq!(finite_range([0.0, 0.0], 0.1), (-1.0, 1.0));
        let (lo, hi) = finite_range([2.0, f64::NAN, 2.0], 0.1);
        assert!(lo < 2.0 && hi > 2.0);
        let (lo, hi) = finite_range([-f64::MAX, f64::MAX], 0.1);
        assert!((hi - lo).is_finite());
        assert_eq!(tick(0.30000000000000004, 1.0), "0.3");
        assert_eq!(tick(1e-17, 1.0), "0");
        assert_eq!(tick(-1.25, 1.0), "−1.25");
        assert_eq!(tick(12345.0, 1.0), "1.2e4");
        assert_eq!(tick(150.0, 1.0), "150");
    }
}
