//! The wasm facade: converts types and forwards to the core, nothing more.
//!
//! Nothing panics across the boundary on purpose: fallible calls return a JS `Error`
//! carrying the core's message. A panic anyway (a bug) aborts, which traps in JS as a
//! `RuntimeError`; the hook below keeps its message for `takePanic()` first.

use std::cell::RefCell;
use std::fmt::Display;

use js_sys::{Array, Object, Reflect};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::charts::landscape::{draw_base, draw_marks, legend_kind, Frame};
use crate::charts::{fit_style, Chart, ChartResult, Style, View};
use crate::closed_form::has_finite_optimum;
use crate::format::{number as format_value, Format};
use crate::landscape::{marks, Live};
use crate::metrics::{keys, COUNT, METRICS};
use crate::presets::PRESETS;
use crate::session::Session;
use crate::settings::{Kind, Scope, Settings, FIELDS};
use crate::story::Told;
use crate::sweep::{Row, Sweep, Table, EXTRA};

/// Largest grid of the loss landscape: fine enough for smooth contours. The page asks for
/// less while playing, as its cost grows with cells x pairs.
const LANDSCAPE_RESOLUTION: usize = 40;

thread_local! {
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs when the module is instantiated.
#[wasm_bindgen(start)]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        PANIC.with(|p| *p.borrow_mut() = Some(message));
    }));
}

/// The message of the last panic, once (JS calls this after catching a `RuntimeError`).
#[wasm_bindgen(js_name = takePanic)]
pub fn take_panic() -> Option<String> {
    PANIC.with(|p| p.borrow_mut().take())
}

fn error(message: impl Display) -> JsValue {
    JsError::new(&message.to_string()).into()
}

fn put(object: &Object, key: &str, value: impl Into<JsValue>) -> Result<(), JsValue> {
    Reflect::set(object, &JsValue::from_str(key), &value.into()).map(|_| ())
}

/// NaN ("not defined here") becomes null.
fn number(v: f64) -> JsValue {
    if v.is_nan() {
        JsValue::NULL
    } else {
        JsValue::from_f64(v)
    }
}

fn row(values: &[f64; COUNT]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (column, v) in keys().zip(values) {
        put(&object, column, number(*v))?;
    }
    Ok(object)
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Array {
    items.into_iter().map(JsValue::from_str).collect()
}

/// The metrics' column names, in `csv()` order.
#[wasm_bindgen]
pub fn columns() -> Array {
    strings(keys())
}

/// The metrics table: `{key, label, short, help}` per column, in `csv()` order.
#[wasm_bindgen]
pub fn metrics() -> Result<Array, JsValue> {
    METRICS
        .iter()
        .map(|m| {
            let o = Object::new();
            put(&o, "key", m.key)?;
            put(&o, "label", m.label)?;
            put(&o, "short", m.short)?;
            put(&o, "help", m.help)?;
            Ok::<_, JsValue>(o)
        })
        .collect()
}

/// A metric's value as the reader sees it (its column's format); null shows as "—".
#[wasm_bindgen(js_name = showMetric)]
pub fn show_metric(key: &str, value: Option<f64>) -> Result<String, JsValue> {
    let m = METRICS
        .iter()
        .find(|m| m.key == key)
        .ok_or_else(|| error(format!("no metric '{}'", key.chars().take(40).collect::<String>())))?;
    Ok(m.show(value.unwrap_or(f64::NAN)))
}

/// A number in a named format: `int`, `2` (decimals) or `sig3` (significant digits).
#[wasm_bindgen(js_name = formatNumber)]
pub fn format_number(value: Option<f64>, format: &str) -> Result<String, JsValue> {
    let f = Format::parse(format).ok_or_else(|| {
        error(format!(
            "format '{}' is not one of int, 0-12, sig1-sig12",
            format.chars().take(40).collect::<String>()
        ))
    })?;
    Ok(format_value(value.unwrap_or(f64::NAN), f))
}

/// The size in screen pixels of the smallest text a chart draws on a canvas of `width` x
/// `height` device pixels at `scale` device pixels per CSS pixel.
#[wasm_bindgen(js_name = chartTextPx)]
pub fn chart_text_px(width: f64, height: f64, scale: f64) -> f64 {
    crate::charts::smallest_text(width, height, scale)
}

/// The charts: `{key, title, caption}`, in the page's order.
#[wasm_bindgen]
pub fn charts() -> Result<Array, JsValue> {
    Chart::ALL
        .iter()
        .map(|c| {
            let info = c.info();
            let o = Object::new();
            put(&o, "key", info.key)?;
            put(&o, "title", info.title)?;
            put(&o, "caption", info.caption)?;
            Ok::<_, JsValue>(o)
        })
        .collect()
}

/// How many runs can be pinned at once.
#[wasm_bindgen(js_name = maxPinned)]
pub fn max_pinned() -> u32 {
    crate::pinned::MAX_PINNED as u32
}

/// The default settings as `key=value&...`.
#[wasm_bindgen(js_name = defaultQuery)]
pub fn default_query() -> String {
    Settings::default().to_query()
}

/// Validates `key=value&...` on top of the defaults and returns the full query.
#[wasm_bindgen]
pub fn normalize(query: &str) -> Result<String, JsValue> {
    Settings::parse(query).map(|s| s.to_query()).map_err(error)
}

/// The settings that do not apply under `query` (on top of the defaults), with why:
/// `[{key, reason}]`.
#[wasm_bindgen]
pub fn inapplicable(query: &str) -> Result<Array, JsValue> {
    let s = Settings::parse(query).map_err(error)?;
    crate::settings::inapplicable(&s)
        .into_iter()
        .map(|(key, reason)| {
            let o = Object::new();
            put(&o, "key", key)?;
            put(&o, "reason", reason)?;
            Ok::<_, JsValue>(o)
        })
        .collect()
}

/// The settings table, one object per control:
/// `{key, label, help, kind: "real"|"int"|"choice"|"bool", min, max, options, range, scope, group}`
/// (`range`: the allowed values as the core's error messages say them).
#[wasm_bindgen]
pub fn fields() -> Result<Array, JsValue> {
    FIELDS
        .iter()
        .map(|f| {
            let o = Object::new();
            put(&o, "key", f.key)?;
            put(&o, "label", f.label)?;
            put(&o, "help", f.help)?;
            let (kind, min, max, options) = match f.kind {
                Kind::Real { min, max } => ("real", min, max, Array::new()),
                Kind::Int { min, max } => ("int", min as f64, max as f64, Array::new()),
                Kind::Choice(options) => (
                    "choice",
                    0.0,
                    (options.len() - 1) as f64,
                    strings(options.iter().copied()),
                ),
                Kind::Bool => ("bool", 0.0, 1.0, Array::new()),
            };
            put(&o, "kind", kind)?;
            put(&o, "min", min)?;
            put(&o, "max", max)?;
            put(&o, "options", options)?;
            put(&o, "range", f.range_text())?;
            let scope = match f.scope {
                Scope::Live => "live",
                Scope::Restart => "restart",
            };
            put(&o, "scope", scope)?;
            put(&o, "group", f.group)?;
            Ok::<_, JsValue>(o)
        })
        .collect()
}

/// The presets: `{key, title, summary, setup, story, claims: [text], settings, steps, plots,
/// label, comparisons: [label]}`.
#[wasm_bindgen]
pub fn presets() -> Result<Array, JsValue> {
    PRESETS
        .iter()
        .map(|p| {
            let o = Object::new();
            put(&o, "key", p.key)?;
            put(&o, "title", p.title)?;
            put(&o, "summary", p.summary)?;
            put(&o, "setup", p.setup)?;
            put(&o, "story", p.story())?;
            put(&o, "claims", strings(p.claims.iter().map(|c| c.text)))?;
            put(&o, "settings", p.settings)?;
            put(&o, "steps", p.steps as f64)?;
            put(&o, "plots", strings(p.plots.iter().copied()))?;
            put(&o, "label", p.label)?;
            put(&o, "comparisons", strings(p.comparisons.iter().map(|c| c.label)))?;
            Ok::<_, JsValue>(o)
        })
        .collect()
}

/// A story told: `{claims: [{text, holds, numbers, sentence}], verdict, heading, message, done}`
/// (holds: null while undecided).
fn told(t: &Told) -> Result<Object, JsValue> {
    let claims: Array = t
        .claims
        .iter()
        .map(|v| {
            let o = Object::new();
            put(&o, "text", v.text)?;
            put(&o, "holds", v.holds.map_or(JsValue::NULL, JsValue::from_bool))?;
            put(&o, "numbers", v.numbers.as_str())?;
            put(&o, "sentence", v.sentence.as_str())?;
            Ok::<_, JsValue>(JsValue::from(o))
        })
        .collect::<Result<_, _>>()?;
    let o = Object::new();
    put(&o, "claims", claims)?;
    put(&o, "verdict", t.verdict.as_str())?;
    put(&o, "heading", t.heading.as_str())?;
    put(&o, "message", t.message.as_str())?;
    put(&o, "done", t.done)?;
    Ok(o)
}

/// One simulator on screen: its session (the live run, the pinned runs, the scenario), the
/// loss surface shown and the next one being computed, and the landscape's base picture.
#[wasm_bindgen]
pub struct Sim {
    session: Session,
    live: Live,
    base: Option<Base>,
}

/// The landscape plot's parts that stay while its surface does (heatmap, contours, axes,
/// colour bar, legend), drawn once on a canvas of its own: each frame copies it and draws
/// the marks over it.
struct Base {
    /// Surface id, canvas size, scale, legend kind: what the picture depends on.
    key: (u64, (u32, u32), u64, (bool, bool)),
    canvas: HtmlCanvasElement,
    /// Where the marks go; None when the canvas is too small to draw on.
    frame: Option<(Frame, Style)>,
}

#[wasm_bindgen]
impl Sim {
    /// A fresh run from `key=value&...` on top of the defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str) -> Result<Sim, JsValue> {
        let settings = Settings::parse(query).map_err(error)?;
        Ok(Sim {
            session: Session::new(settings),
            live: Live::default(),
            base: None,
        })
    }

    /// Applies `key=value&...` on top of the current settings (all or nothing).
    /// Returns whether the run restarted.
    pub fn set(&mut self, query: &str) -> Result<bool, JsValue> {
        self.session.set(query).map_err(error)
    }

    /// The full settings as `key=value&...`.
    pub fn query(&self) -> String {
        self.session.sim().settings().to_query()
    }

    /// Runs up to `n` steps; the error says at which step the run diverged.
    pub fn step(&mut self, n: u32) -> Result<(), JsValue> {
        self.session.step(n.into()).map_err(error)
    }

    pub fn reset(&mut self) {
        self.session.reset();
    }

    /// Loads the scenario `key` (its settings, a fresh run, its comparison runs pinned).
    #[wasm_bindgen(js_name = loadScenario)]
    pub fn load_scenario(&mut self, key: &str) -> Result<(), JsValue> {
        self.session.load_scenario(key).map_err(error)
    }

    /// Back to custom settings: no story; the comparison runs stay pinned.
    #[wasm_bindgen(js_name = forgetScenario)]
    pub fn forget_scenario(&mut self) {
        self.session.forget_scenario();
    }

    /// The scenario's story told from the runs so far (see `told`), or null without one.
    pub fn story(&self) -> Result<JsValue, JsValue> {
        self.session
            .story()
            .map_or(Ok(JsValue::NULL), |t| told(&t).map(JsValue::from))
    }

    #[wasm_bindgen(js_name = stepCount)]
    pub fn step_count(&self) -> f64 {
        self.session.sim().step_count() as f64
    }

    /// Why the run stopped, if it diverged.
    pub fn diverged(&self) -> Option<String> {
        self.session.sim().diverged().map(str::to_string)
    }

    /// The latest metrics, named like `columns()`; NaN as null.
    pub fn metrics(&self) -> Result<Object, JsValue> {
        row(&self.session.sim().metrics().values())
    }

    /// Every recorded step, as `metrics()` objects.
    pub fn history(&self) -> Result<Array, JsValue> {
        self.session
            .sim()
            .history()
            .records()
            .iter()
            .map(|r| row(&r.values))
            .collect()
    }

    /// The history as CSV (the runner's metrics.csv format).
    pub fn csv(&self) -> String {
        self.session.sim().history().to_csv()
    }

    /// Pins the live run as it is now; returns its label.
    pub fn pin(&mut self) -> Result<String, JsValue> {
        self.session.pin().map_err(error)
    }

    /// Removes the pinned run with this label, or every one.
    pub fn unpin(&mut self, label: Option<String>) -> Result<(), JsValue> {
        self.session.unpin(label.as_deref()).map_err(error)
    }

    /// The pinned runs: `[{label, settings, done}]`.
    pub fn pinned(&self) -> Result<Array, JsValue> {
        self.session
            .pinned()
            .iter()
            .map(|p| {
                let o = Object::new();
                put(&o, "label", p.label.as_str())?;
                put(&o, "settings", p.settings.to_query())?;
                put(&o, "done", p.done())?;
                Ok::<_, JsValue>(JsValue::from(o))
            })
            .collect()
    }

    /// Computes up to `steps` steps of the comparison runs still being computed; returns the
    /// steps left after that (the page spends a frame budget on it).
    #[wasm_bindgen(js_name = advancePinned)]
    pub fn advance_pinned(&mut self, steps: u32) -> f64 {
        self.session.advance_pinned(steps.into()) as f64
    }

    /// How the charts show the run: steps on a log axis; the minibatch pairs on the map.
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(&mut self, log_steps: bool, pairs: bool) {
        self.session.view = View { log_steps, pairs };
    }

    /// Does the loss have a finite minimiser? (Not with oracle labels or best-vs-worst.)
    #[wasm_bindgen(js_name = finiteOptimum)]
    pub fn finite_optimum(&self) -> bool {
        has_finite_optimum(self.session.sim().settings())
    }

    /// The sampler now: `{support, n, online, j_ref, j_pi0, j_piq}` (support = m of n).
    pub fn sampler(&self) -> Result<Object, JsValue> {
        let sim = self.session.sim();
        let world = sim.world();
        let sampler = &sim.state().sampler;
        let o = Object::new();
        put(&o, "support", sampler.members.len() as f64)?;
        put(&o, "n", world.n() as f64)?;
        put(&o, "online", sim.settings().on_policy)?;
        put(&o, "j_ref", number(sim.metrics().ref_reward))?;
        put(&o, "j_pi0", number(world.expected_reward(&sampler.pi0)))?;
        put(&o, "j_piq", number(world.expected_reward(&sampler.piq)))?;
        Ok(o)
    }

    /// Pairs with weight in the loss: the landscape costs grid cells x pairs.
    #[wasm_bindgen(js_name = pairCount)]
    pub fn pair_count(&self) -> f64 {
        self.session.sim().state().pairs.pairs.len() as f64
    }

    /// Brings the landscape's surface towards the current step on a `resolution` grid (at
    /// most 40), computing at most `rows` of its rows (all when nothing is shown yet); until
    /// it is done, `draw` shows the last finished one. Returns the work done, cells x pairs
    /// (0 when the surface shown still holds), so the page can keep it within a time budget.
    #[wasm_bindgen(js_name = prepareLandscape)]
    pub fn prepare_landscape(&mut self, resolution: u32, rows: u32) -> f64 {
        let resolution = (resolution as usize).clamp(2, LANDSCAPE_RESOLUTION);
        self.live.prepare(self.session.sim(), resolution, rows as usize) as f64
    }

    /// Draws the chart `key` (see `charts()`) on `canvas`; `scale` is device pixels per CSS
    /// pixel. The landscape shows the last surface prepared.
    pub fn draw(&mut self, key: &str, canvas: HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        let chart = Chart::find(key).map_err(error)?;
        if chart == Chart::Landscape && self.live.shown().is_some() {
            return self.draw_landscape(canvas, Style { scale });
        }
        let scene = self.session.scene(None);
        paint(key, canvas, |a| chart.draw(a, &scene, &Style { scale }))
    }
}

impl Sim {
    /// The landscape in two layers: its base picture (redrawn only when the surface, the size
    /// or the legend changes), then the marks of the run as it is now.
    fn draw_landscape(&mut self, canvas: HtmlCanvasElement, style: Style) -> Result<(), JsValue> {
        let name = "landscape";
        let Some((id, surface)) = self.live.shown() else {
            return Err(error("landscape: no surface prepared"));
        };
        let marks = marks(self.session.sim(), surface);
        let key = (
            id,
            (canvas.width(), canvas.height()),
            style.scale.to_bits(),
            legend_kind(&marks),
        );
        if self.base.as_ref().is_none_or(|b| b.key != key) {
            let layer = match self.base.take() {
                Some(base) => base.canvas,
                None => web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.create_element("canvas").ok())
                    .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                    .ok_or_else(|| error("landscape: no document to draw its layers in"))?,
            };
            layer.set_width(key.1 .0);
            layer.set_height(key.1 .1);
            let mut frame = None;
            paint(name, layer.clone(), |area| {
                if let Some(style) = fit_style(area, &style)? {
                    frame = Some((draw_base(area, surface, key.3, &style)?, style));
                }
                Ok(())
            })?;
            self.base = Some(Base {
                key,
                canvas: layer,
                frame,
            });
        }
        let base = self.base.as_ref().expect("set above");
        let context = context_2d(&canvas).ok_or_else(|| error("landscape: the canvas has no 2d context"))?;
        context.draw_image_with_html_canvas_element(&base.canvas, 0.0, 0.0)?;
        let Some((frame, style)) = &base.frame else {
            return Ok(());
        };
        let area = Canvas::new(canvas)
            .ok_or_else(|| error("landscape: the canvas has no 2d context"))?
            .into_drawing_area();
        draw_marks(&area, frame, &marks, style).map_err(|e| error(format!("{name}: {e}")))?;
        area.present().map_err(|e| error(format!("{name}: {e}")))
    }
}

/// A sweep run point by point, so a worker can report progress and stop between runs.
#[wasm_bindgen]
pub struct SweepJob {
    base: Settings,
    sweep: Sweep,
    rows: Vec<Row>,
}

#[wasm_bindgen]
impl SweepJob {
    /// A sweep on top of the settings `base`, its parts as the person wrote them (see
    /// `Sweep::parse`): `over` ("quality" or "quality,support"), `values` ("0,0.5,1") or
    /// `grid` ("21"), and `steps`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        base: &str,
        over: &str,
        values: Option<String>,
        grid: Option<String>,
        steps: &str,
    ) -> Result<SweepJob, JsValue> {
        let base = Settings::parse(base).map_err(error)?;
        let sweep = Sweep::parse(over, values.as_deref(), grid.as_deref(), steps).map_err(error)?;
        Ok(SweepJob {
            base,
            sweep,
            rows: Vec::new(),
        })
    }

    pub fn total(&self) -> f64 {
        self.sweep.points.len() as f64
    }

    /// The swept keys, in the rows' order.
    pub fn keys(&self) -> Array {
        strings(self.sweep.keys.iter().copied())
    }

    /// Runs the next point and returns its row (undefined when all are done): the swept keys
    /// as settings text, every metric at step T, and the extra columns.
    #[wasm_bindgen(js_name = runNext)]
    pub fn run_next(&mut self) -> Result<Option<Object>, JsValue> {
        let Some(point) = self.sweep.points.get(self.rows.len()) else {
            return Ok(None);
        };
        let (r, _) = crate::sweep::run_point(&self.base, &self.sweep.keys, point, self.sweep.steps).map_err(error)?;
        let o = row(&r.metrics)?;
        for (k, v) in self.sweep.keys.iter().zip(&r.point) {
            put(&o, k, v.as_str())?;
        }
        for (k, v) in EXTRA.iter().zip(r.extra) {
            put(&o, k, number(v))?;
        }
        self.rows.push(r);
        Ok(Some(o))
    }

    /// The rows run so far as `sweep.csv` text (what `dpo-sim sweep` writes).
    pub fn csv(&self) -> String {
        crate::sweep::csv(&self.sweep, &self.rows)
    }
}

/// A finished sweep (its CSV) for the sweep view: its charts, and the settings of a cell.
#[wasm_bindgen]
pub struct SweepTable {
    table: Table,
    /// Where the phase maps were last drawn, in device pixels.
    maps: Vec<crate::charts::sweep::Rect>,
}

#[wasm_bindgen]
impl SweepTable {
    #[wasm_bindgen(constructor)]
    pub fn new(csv: &str) -> Result<SweepTable, JsValue> {
        Ok(SweepTable {
            table: Table::from_csv(csv).map_err(error)?,
            maps: Vec::new(),
        })
    }

    pub fn keys(&self) -> Array {
        strings(self.table.keys.iter().copied())
    }

    pub fn len(&self) -> f64 {
        self.table.len() as f64
    }

    /// The columns `columns` (comma-separated) against the swept setting, `current` marked.
    #[wasm_bindgen(js_name = drawLines)]
    pub fn draw_lines(
        &self,
        canvas: HtmlCanvasElement,
        scale: f64,
        columns: &str,
        current: Option<f64>,
    ) -> Result<(), JsValue> {
        let ys: Vec<&str> = columns.split(',').map(str::trim).collect();
        if let Some(bad) = ys.iter().find(|c| !crate::charts::sweep::is_column(c)) {
            return Err(error(format!(
                "no sweep column '{}'",
                bad.chars().take(40).collect::<String>()
            )));
        }
        paint("sweep", canvas, |a| {
            crate::charts::sweep::lines(a, &self.table, &ys, current, &Style { scale })
        })
    }

    /// The quality x support phase map after `steps` steps, the cell (cx, cy) outlined.
    #[wasm_bindgen(js_name = drawPhase)]
    pub fn draw_phase(
        &mut self,
        canvas: HtmlCanvasElement,
        scale: f64,
        steps: f64,
        cx: Option<f64>,
        cy: Option<f64>,
    ) -> Result<(), JsValue> {
        let current = cx.zip(cy);
        let mut maps = Vec::new();
        paint("phase map", canvas, |a| {
            maps = crate::charts::sweep::phase(a, &self.table, steps as u64, current, &Style { scale })?;
            Ok(())
        })?;
        self.maps = maps;
        Ok(())
    }

    /// The settings (`key=value&...`) of the phase-map cell under device pixel (x, y), if any.
    #[wasm_bindgen(js_name = cellAt)]
    pub fn cell_at(&self, x: f64, y: f64) -> Option<String> {
        self.maps.iter().find_map(|[l, t, r, b]| {
            let fx = (x - *l as f64) / (*r - *l).max(1) as f64;
            let fy = (y - *t as f64) / (*b - *t).max(1) as f64;
            crate::charts::sweep::cell_at(&self.table, fx, fy).and_then(|k| self.table.query(k))
        })
    }
}

fn paint(
    name: &str,
    canvas: HtmlCanvasElement,
    chart: impl FnOnce(&DrawingArea<Canvas, Shift>) -> ChartResult,
) -> Result<(), JsValue> {
    let area = Canvas::new(canvas)
        .ok_or_else(|| error(format!("{name}: the canvas has no 2d context")))?
        .into_drawing_area();
    // A canvas keeps its last frame; each draw starts from a blank one.
    area.fill(&WHITE).map_err(|e| error(format!("{name}: {e}")))?;
    chart(&area).map_err(|e| error(format!("{name}: {e}")))?;
    area.present().map_err(|e| error(format!("{name}: {e}")))
}

type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;
type Drawn = Result<(), DrawingErrorKind<CanvasError>>;

/// A failed canvas call as a drawing error that carries its message.
fn canvas_error(e: JsValue) -> DrawingErrorKind<CanvasError> {
    DrawingErrorKind::FontError(Box::new(CanvasCallFailed(format!("{e:?}"))))
}

/// What a canvas call threw. (Not `std::io::Error`, whose descriptions weigh 2 KB of wasm.)
#[derive(Debug)]
struct CanvasCallFailed(String);

impl std::fmt::Display for CanvasCallFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanvasCallFailed {}

/// plotters' canvas backend, measuring text with the canvas itself. Left to plotters, every
/// label is measured by inserting a styled `<span>` into the page: a forced layout each time,
/// and a style attribute the page's Content-Security-Policy refuses.
struct Canvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
}

fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

impl Canvas {
    fn new(canvas: HtmlCanvasElement) -> Option<Canvas> {
        let context = context_2d(&canvas)?;
        Some(Canvas {
            inner: CanvasBackend::with_canvas_object(canvas)?,
            context,
        })
    }
}

impl DrawingBackend for Canvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Drawn {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Drawn {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Drawn {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S, fill: bool) -> Drawn {
        self.inner.draw_rect(from, to, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Drawn {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(&mut self, centre: BackendCoord, radius: u32, style: &S, fill: bool) -> Drawn {
        self.inner.draw_circle(centre, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Drawn {
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Drawn {
        self.inner.draw_text(text, style, pos)
    }
    /// One putImageData (plotters' canvas backend draws a bitmap pixel by pixel).
    fn blit_bitmap(&mut self, pos: BackendCoord, (w, h): (u32, u32), src: &[u8]) -> Drawn {
        if w == 0 || h == 0 || src.len() < (w * h * 3) as usize {
            return Ok(());
        }
        let rgba: Vec<u8> = src
            .chunks_exact(3)
            .take((w * h) as usize)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), w, h).map_err(canvas_error)?;
        self.context
            .put_image_data(&image, pos.0.into(), pos.1.into())
            .map_err(canvas_error)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        // The same font string the canvas backend draws with.
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let m = self.context.measure_text(text).map_err(canvas_error)?;
        let height = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
        Ok((m.width().ceil() as u32, height.ceil() as u32))
    }
}
