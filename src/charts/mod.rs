//! The plots, as functions over any plotters `DrawingBackend`: the same code draws
//! into the page's canvas (wasm) and into PNG files (native runner and tests).

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontFamily;

use crate::history::History;
use crate::landscape::{marks, start, Marks, Surface, FINEST};
use crate::sim::Simulation;

#[cfg(target_arch = "wasm32")]
pub mod canvas;
mod colors;
pub mod landscape;
#[cfg(target_arch = "wasm32")]
pub mod landscape_layers;
mod marks;
#[cfg(not(target_arch = "wasm32"))]
mod png;
pub mod response_map;
mod series;
pub mod sweep;

#[cfg(not(target_arch = "wasm32"))]
pub use png::{write_pngs, write_series_png, write_sweep_png};

/// Drawing errors travel as messages, never as panics.
pub type ChartResult = Result<(), String>;

/// How big to draw: `scale` device pixels per CSS pixel (the page's devicePixelRatio).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub scale: f64,
}

/// How the reader asked to see the run (not part of the run itself).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Steps on a logarithmic axis, so the opening steps get room.
    pub log_steps: bool,
    /// The response map draws this step's minibatch pairs, rejected to chosen.
    pub pairs: bool,
    /// The response the keyboard moves or the pointer is over, ringed and named (None: none).
    pub focus: Option<usize>,
}

/// A run drawn beside the live one for comparison (a pinned run), with its legend label.
#[derive(Clone, Copy)]
pub struct Compared<'a> {
    pub label: &'a str,
    pub history: &'a History,
}

/// Everything a chart may draw.
pub struct Scene<'a> {
    pub sim: &'a Simulation,
    /// The loss surface, when it was computed ahead (it is the costly part).
    pub surface: Option<&'a Surface>,
    /// The pinned runs, in order (each gets its own colour), and what the legend calls the
    /// live run beside them.
    pub pinned: Vec<Compared<'a>>,
    pub live_label: String,
    pub view: View,
}

impl<'a> Scene<'a> {
    /// A scene of one run alone.
    pub fn alone(sim: &'a Simulation, surface: Option<&'a Surface>, view: View) -> Scene<'a> {
        Scene {
            sim,
            surface,
            pinned: Vec::new(),
            live_label: String::new(),
            view,
        }
    }
}

/// The charts of a run: the page, the PNG export and the runner's `--png` loop over them.
/// Adding one is a module and an entry here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    Landscape,
    Signal,
    Reward,
    Map,
    Curves,
    Convergence,
}

/// A chart's name and what it shows.
pub struct Info {
    pub key: &'static str,
    pub title: &'static str,
    pub caption: &'static str,
}

impl Chart {
    /// In the page's order: the two plots the study is about first.
    pub const ALL: [Chart; 6] = [
        Chart::Landscape,
        Chart::Signal,
        Chart::Reward,
        Chart::Map,
        Chart::Curves,
        Chart::Convergence,
    ];

    pub fn info(self) -> Info {
        let (key, title, caption) = match self {
            Chart::Map => (
                "map",
                "Responses and the sampler",
                "each response at its features; colour = true reward, disc = policy probability, \
                 ring = how often the sampler draws it (after support and quality)",
            ),
            Chart::Landscape => (
                "landscape",
                "Loss landscape",
                "population DPO loss of the current sampler, the path so far, its minimiser θ_S and the descent \
                 direction",
            ),
            Chart::Signal => (
                "signal",
                "Gradient signal",
                "how much one small step raises expected reward, against the gradient norms",
            ),
            Chart::Convergence => (
                "convergence",
                "Loss and convergence",
                "the loss, and the distance to θ_S on a log scale against the rate the curvature predicts",
            ),
            Chart::Reward => (
                "reward",
                "Expected reward",
                "J against the reference's J_ref, the RLHF optimum J* and J_S, where this sampler lets DPO end; \
                 pinned runs dashed",
            ),
            Chart::Curves => (
                "curves",
                "Log-probabilities and mass",
                "log-probabilities of the chosen and rejected responses, on the step-0 pairs and the current ones; \
                 KL to the reference and the mass off the support",
            ),
        };
        Info { key, title, caption }
    }

    /// The chart with this key.
    pub fn find(key: &str) -> Result<Chart, String> {
        Chart::ALL.into_iter().find(|c| c.info().key == key).ok_or_else(|| {
            let keys: Vec<&str> = Chart::ALL.iter().map(|c| c.info().key).collect();
            format!(
                "unknown plot '{}' (known: {})",
                key.chars().take(40).collect::<String>(),
                keys.join(", ")
            )
        })
    }

    pub fn draw<DB: DrawingBackend>(self, area: &DrawingArea<DB, Shift>, scene: &Scene, style: &Style) -> ChartResult {
        fitted(area, style, |style| match self {
            Chart::Map => response_map::draw(area, scene, style).map(|_| ()),
            Chart::Landscape => {
                let computed;
                let surface = match scene.surface {
                    Some(surface) => surface,
                    None => {
                        let mut surface = start(scene.sim, FINEST, None);
                        surface.advance(usize::MAX);
                        computed = surface;
                        &computed
                    }
                };
                // A picture drawn whole (a PNG, the page before its first surface) has no
                // pointer to move the start: it is marked, not offered as a handle.
                let marks = Marks {
                    movable: false,
                    ..marks(scene.sim, surface)
                };
                landscape::draw(area, surface, &marks, style)
            }
            Chart::Signal => series::draw(area, series::SIGNAL, scene, style),
            Chart::Convergence => series::draw(area, series::CONVERGENCE, scene, style),
            Chart::Reward => series::draw(area, series::REWARD, scene, style),
            Chart::Curves => series::draw(area, series::CURVES, scene, style),
        })
    }
}

/// The charts' design size in CSS pixels: below it text and marks shrink, down to 95% (10 px
/// tick labels: legible on a phone and in an embed).
const DESIGN: (f64, f64) = (450.0, 320.0);
/// The smallest text a chart draws (tick labels), in CSS pixels at scale 1.
const SMALLEST_TEXT: f64 = 10.5;

/// How much a chart of `w` x `h` CSS pixels shrinks its text and marks.
fn fit(w: f64, h: f64) -> f64 {
    (w / DESIGN.0).min(h / DESIGN.1).clamp(0.95, 1.0)
}

/// The size in screen pixels of the smallest text a chart draws on an area of `w` x `h`
/// device pixels at `scale` (the page checks talk mode's text against this).
pub fn smallest_text(w: f64, h: f64, scale: f64) -> f64 {
    let k = Style { scale }.k();
    SMALLEST_TEXT * k * fit(w / k, h / k)
}

/// Draws with the style fitted to `area` (see [`fit`]); an area too small for axes and
/// labels is left blank rather than garbled.
fn fitted<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    style: &Style,
    draw: impl FnOnce(&Style) -> ChartResult,
) -> ChartResult {
    match fit_style(area, style)? {
        Some(style) => draw(&style),
        None => Ok(()),
    }
}

/// The style a chart on `area` draws with (see [`fitted`]); None when it is too small.
pub fn fit_style<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: &Style) -> Result<Option<Style>, String> {
    register_font()?;
    let k = style.k();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as f64 / k, h as f64 / k);
    Ok((w >= 120.0 && h >= 90.0).then(|| Style { scale: k * fit(w, h) }))
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
        TextStyle::from((FontFamily::SansSerif, css * self.k()).into_font()).color(&colors::INK)
    }

    /// The base text size: readable at 450x320 CSS px and on a phone.
    fn text(&self) -> TextStyle<'static> {
        self.font(11.5)
    }
}

type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// How an axis maps values and labels them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Axis {
    Plain,
    /// Training steps: whole numbers only.
    Steps,
    /// Training steps on log10(1 + step).
    LogSteps,
    /// Plotted as log10 of the value, labelled with the value.
    Log,
}

impl Axis {
    /// Where a value goes on this axis (NaN where it cannot go).
    fn place(self, v: f64) -> f64 {
        match self {
            Axis::Plain | Axis::Steps => v,
            Axis::LogSteps if v >= 0.0 => (1.0 + v).log10(),
            Axis::Log if v > 0.0 => v.log10(),
            Axis::LogSteps | Axis::Log => f64::NAN,
        }
    }

    fn label(self, v: f64, span: f64) -> String {
        match self {
            Axis::Plain => tick(v, span),
            Axis::Steps if (v - v.round()).abs() < 1e-6 => format!("{}", v.round()),
            Axis::Steps | Axis::LogSteps | Axis::Log => String::new(),
        }
    }
}

/// How many tick labels fit along `pixels` with `each` label heights of room apart (at least 2).
fn fits(pixels: u32, each: f64, style: &Style) -> usize {
    let label = style.px(SMALLEST_TEXT) as f64 * 1.25;
    ((pixels as f64 / (each * label)).floor() as usize).max(2)
}

/// Axes in the shared look: compact tick labels, a faint grid or none, thin axis lines.
/// `names` labels the whole numbers 0, 1, ... of the x axis instead (a choice setting).
fn axes<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    (x_desc, y_desc): (&str, &str),
    (nx, ny): (usize, usize),
    (x, y): (Axis, Axis),
    (grid, names): (bool, Option<&[String]>),
    style: &Style,
) -> ChartResult {
    let (xs, ys) = (chart.x_range(), chart.y_range());
    let plain = |v: &f64| x.label(*v, xs.end - xs.start);
    let named = |v: &f64| {
        let k = v.round();
        let whole = (v - k).abs() < 1e-6 && k >= 0.0;
        let name = names.and_then(|n| n.get(k as usize));
        whole.then_some(name).flatten().cloned().unwrap_or_default()
    };
    let fx: &dyn Fn(&f64) -> String = if names.is_some() { &named } else { &plain };
    let fy = |v: &f64| y.label(*v, ys.end - ys.start);
    // As many labels as fit the plot (a short panel gets fewer), never fewer than two.
    let (w, h) = chart.plotting_area().dim_in_pixel();
    let (nx, ny) = (nx.min(fits(w, 4.0, style)), ny.min(fits(h, 2.0, style)));
    let mut mesh = chart.configure_mesh();
    // Axes with their own ticks get them from `own_ticks`.
    let count = |axis: Axis, n: usize| if axis.own_ticks((0.0, 1.0)).is_some() { 0 } else { n };
    let nx = names.map_or(nx, |n| n.len().max(2));
    mesh.x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(count(x, nx))
        .y_labels(count(y, ny))
        .x_label_formatter(fx)
        .y_label_formatter(&fy)
        .label_style(style.font(SMALLEST_TEXT))
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

impl Axis {
    /// The values to tick at, for axes whose ticks plotters would place at odd values (it
    /// spaces them evenly in the plotted coordinate): steps 0, 1, 3, 10, 30, ...; log values
    /// at 1, 2, 5 times powers of ten (or powers of ten alone over a wide range).
    fn own_ticks(self, (lo, hi): (f64, f64)) -> Option<Vec<f64>> {
        let within = |v: &f64| {
            let x = self.place(*v);
            x >= lo - 1e-9 && x <= hi + 1e-9
        };
        match self {
            Axis::LogSteps => {
                let mut ticks = vec![0.0];
                let mut k = 0;
                while self.place(ticks[ticks.len() - 1]) <= hi {
                    ticks.push(10f64.powi(k / 2) * if k % 2 == 0 { 1.0 } else { 3.0 });
                    k += 1;
                }
                Some(ticks.into_iter().filter(within).collect())
            }
            Axis::Log => {
                let decades = (lo.floor() as i32 - 1)..=(hi.ceil() as i32);
                let with = |mantissas: &[f64]| -> Vec<f64> {
                    decades
                        .clone()
                        .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
                        .filter(within)
                        .collect()
                };
                let fine = with(&[1.0, 2.0, 5.0]);
                Some(if fine.len() > 6 { with(&[1.0]) } else { fine })
            }
            Axis::Plain | Axis::Steps => None,
        }
    }
}

/// Grid lines and labels at [`Axis::own_ticks`] for the axes that have them, drawn into
/// `area` (the area the chart was built on); x labels only where `x_labels`.
fn own_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plot<DB>,
    (x, y): (Axis, Axis),
    x_labels: bool,
    style: &Style,
) -> ChartResult {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let (xs, ys) = (chart.x_range(), chart.y_range());
    let base = area.get_base_pixel();
    let at = |px: f64, py: f64| {
        let p = chart.backend_coord(&(px, py));
        (p.0 - base.0, p.1 - base.1)
    };
    let grid = colors::INK.mix(0.07).stroke_width(style.width(1.0));
    let mark = colors::INK.mix(0.6).stroke_width(style.width(1.0));
    let (gap, tick_len) = (style.px(5.0), style.px(3.0));
    // A label only where it keeps its distance from the last one (a short panel or a narrow
    // plot thins them); every tick keeps its grid line.
    let label = style.px(SMALLEST_TEXT) * 5 / 4;
    let mut last_x = i32::MIN / 2;
    for v in x.own_ticks((xs.start, xs.end)).unwrap_or_default() {
        let (top, bottom) = (at(x.place(v), ys.end), at(x.place(v), ys.start));
        area.draw(&PathElement::new(vec![top, bottom], grid)).map_err(err)?;
        if x_labels && bottom.0 - last_x >= 3 * label {
            last_x = bottom.0;
            let text = style.font(SMALLEST_TEXT).pos(Pos::new(HPos::Center, VPos::Top));
            area.draw(&PathElement::new(vec![bottom, (bottom.0, bottom.1 + tick_len)], mark))
                .map_err(err)?;
            area.draw_text(&format!("{v}"), &text, (bottom.0, bottom.1 + gap))
                .map_err(err)?;
        }
    }
    let mut last_y = i32::MAX / 2;
    for v in y.own_ticks((ys.start, ys.end)).unwrap_or_default() {
        let (left, right) = (at(xs.start, y.place(v)), at(xs.end, y.place(v)));
        area.draw(&PathElement::new(vec![left, right], grid)).map_err(err)?;
        if last_y - left.1 < 3 * label / 2 {
            continue;
        }
        last_y = left.1;
        let text = style.font(SMALLEST_TEXT).pos(Pos::new(HPos::Right, VPos::Center));
        area.draw(&PathElement::new(vec![left, (left.0 - tick_len, left.1)], mark))
            .map_err(err)?;
        area.draw_text(&log_tick(v), &text, (left.0 - gap, left.1))
            .map_err(err)?;
    }
    Ok(())
}

/// The plotting area in its own pixels, and the map from data onto them (marks such as
/// arrows and stars are shaped in pixels).
fn pixels<DB: DrawingBackend>(chart: &Plot<DB>) -> (DrawingArea<DB, Shift>, impl Fn(f64, f64) -> marks::Px) {
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
    // Values within rounding of zero (a KL of -4.6e-16 at step 0) are zero.
    if lo.abs().max(hi.abs()) < 1e-12 {
        return (-1.0, 1.0);
    }
    let span = hi - lo;
    if span <= 1e-9 * lo.abs().max(hi.abs()) || span == 0.0 {
        let w = if lo.abs() > 0.0 { 0.1 * lo.abs() } else { 1.0 };
        return (lo - w, hi + w);
    }
    (lo - pad * span, hi + pad * span)
}

use crate::format::{log_tick, tick};

#[cfg(test)]
mod tests {
    use super::*;
    use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingErrorKind};

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

    /// Every chart of a run at one size and scale.
    fn all_charts(sim: &Simulation, w: u32, h: u32, scale: f64) -> Vec<Vec<u8>> {
        let land = crate::landscape::landscape(sim, 16);
        let scene = Scene {
            sim,
            surface: Some(&land.surface),
            pinned: vec![Compared {
                label: "pinned",
                history: sim.history(),
            }],
            live_label: "this run".into(),
            view: View {
                log_steps: scale > 1.5,
                pairs: true,
                focus: Some(0),
            },
        };
        Chart::ALL
            .iter()
            .map(|c| render(w, h, |a| c.draw(a, &scene, &Style { scale })))
            .collect()
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
            for img in all_charts(&sim, w, h, scale) {
                assert_eq!(colours(&img) == 1, blank, "{w}x{h} at {scale}");
            }
        }
    }

    #[test]
    fn registry_keys_are_unique_and_found() {
        for c in Chart::ALL {
            assert_eq!(Chart::find(c.info().key), Ok(c));
        }
        assert!(Chart::find("pie").unwrap_err().contains("unknown plot 'pie'"));
    }

    #[test]
    fn ranges_and_ticks_are_sane() {
        assert_eq!(finite_range([f64::NAN, f64::INFINITY], 0.1), (0.0, 1.0));
        assert_eq!(finite_range([0.0, 0.0], 0.1), (-1.0, 1.0));
        assert_eq!(finite_range([-4.6e-16, 0.0], 0.1), (-1.0, 1.0));
        let (lo, hi) = finite_range([2.0, f64::NAN, 2.0], 0.1);
        assert!(lo < 2.0 && hi > 2.0);
        let (lo, hi) = finite_range([-f64::MAX, f64::MAX], 0.1);
        assert!((hi - lo).is_finite());
    }

    /// A backend that draws nothing and records where each text would go: its box in pixels,
    /// from the bundled font's layout, the anchor and the rotation, as plotters places it.
    /// Each text drawn, with its box [left, top, right, bottom].
    type Recorded = std::rc::Rc<std::cell::RefCell<Vec<(String, [i32; 4])>>>;

    struct TextBoxes {
        size: (u32, u32),
        boxes: Recorded,
    }

    impl DrawingBackend for TextBoxes {
        type ErrorType = std::convert::Infallible;

        fn get_size(&self) -> (u32, u32) {
            self.size
        }
        fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            Ok(())
        }
        fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            Ok(())
        }
        fn draw_pixel(&mut self, _: BackendCoord, _: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            Ok(())
        }
        fn draw_text<S: BackendTextStyle>(
            &mut self,
            text: &str,
            style: &S,
            pos: BackendCoord,
        ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
            use plotters_backend::text_anchor::{HPos, VPos};
            let ((x0, y0), (x1, y1)) = style.layout_box(text).expect("the bundled font lays out text");
            let (w, h) = (x1 - x0, y1 - y0);
            let dx = match style.anchor().h_pos {
                HPos::Left => 0,
                HPos::Right => -w,
                HPos::Center => -w / 2,
            };
            let dy = match style.anchor().v_pos {
                VPos::Top => 0,
                VPos::Center => -h / 2,
                VPos::Bottom => -h,
            };
            let t = style.transform();
            let (a, b) = (t.transform(dx, dy), t.transform(dx + w, dy + h));
            let (l, r) = (a.0.min(b.0) + pos.0, a.0.max(b.0) + pos.0);
            let (top, bottom) = (a.1.min(b.1) + pos.1, a.1.max(b.1) + pos.1);
            if !text.trim().is_empty() {
                self.boxes.borrow_mut().push((text.to_string(), [l, top, r, bottom]));
            }
            Ok(())
        }
    }

    /// No two texts a chart draws overlap (labels, legends, titles), from the smallest plot a
    /// compact view shows (280 x 190 CSS px) up, at the text scales the page uses (talk mode's
    /// doubled text on its plots included), with pinned runs in the legends.
    #[test]
    fn no_text_overlaps_at_any_supported_size() {
        let mut sim = Simulation::new(crate::Settings::parse("model=tabular&support=0.3&quality=0.5&lr=5").unwrap());
        sim.run(120).unwrap();
        let land = crate::landscape::landscape(&sim, 16);
        let scene = Scene {
            pinned: vec![
                Compared {
                    label: "support 1",
                    history: sim.history(),
                },
                Compared {
                    label: "linear proxy",
                    history: sim.history(),
                },
            ],
            live_label: "support 0.3".into(),
            surface: Some(&land.surface),
            ..Scene::alone(&sim, None, View::default())
        };
        // (width, height) in device pixels, the scale (device pixels per CSS pixel), and whether
        // the page draws charts this size (then every panel must be drawn whole): the smallest
        // compact plot's canvas, a 480 x 360 embed's, a phone's, talk mode's with 4, 2 and 1
        // enlarged plot, the PNG files'; then smaller or more crowded than the page ever asks for.
        for (w, h, scale, page) in [
            (270, 190, 1.0, true),
            (460, 170, 1.0, true),
            (390, 300, 1.0, true),
            (470, 250, 1.0, true),
            (450, 320, 1.0, true),
            (600, 200, 1.0, true),
            (610, 440, 2.0, true),
            (1240, 430, 2.0, true),
            (900, 640, 2.0, true),
            (620, 215, 2.0, false),
            (270, 150, 1.0, false),
            (200, 130, 1.0, false),
        ] {
            for chart in Chart::ALL {
                let boxes = std::rc::Rc::default();
                let area = TextBoxes {
                    size: (w, h),
                    boxes: std::rc::Rc::clone(&boxes),
                }
                .into_drawing_area();
                chart.draw(&area, &scene, &Style { scale }).unwrap();
                let boxes = boxes.borrow();
                let panels = match chart {
                    Chart::Signal => series::SIGNAL,
                    Chart::Reward => series::REWARD,
                    Chart::Curves => series::CURVES,
                    Chart::Convergence => series::CONVERGENCE,
                    Chart::Landscape | Chart::Map => &[],
                };
                for panel in panels.iter().filter(|_| page) {
                    assert!(
                        boxes.iter().any(|(t, _)| t == panel.y_desc),
                        "{} at {w}x{h}, scale {scale}: its '{}' panel is drawn",
                        chart.info().key,
                        panel.y_desc
                    );
                }
                for (i, (a, ra)) in boxes.iter().enumerate() {
                    for (b, rb) in &boxes[i + 1..] {
                        // A pixel of touching is not an overlap.
                        let apart =
                            ra[2] <= rb[0] + 1 || rb[2] <= ra[0] + 1 || ra[3] <= rb[1] + 1 || rb[3] <= ra[1] + 1;
                        assert!(
                            apart,
                            "{} at {w}x{h}, scale {scale}: '{a}' {ra:?} overlaps '{b}' {rb:?}",
                            chart.info().key
                        );
                    }
                }
            }
        }
    }
}
