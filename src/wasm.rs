//! The wasm facade: converts types and forwards to the core, nothing more.
//!
//! Nothing panics across the boundary on purpose: fallible calls return a JS `Error`
//! carrying the core's message. A panic anyway (a bug) aborts, which traps in JS as a
//! `RuntimeError`; the hook below keeps its message for `takePanic()` first.

use std::cell::RefCell;
use std::fmt::Display;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::charts::canvas::paint;
use crate::charts::landscape_layers::Layers;
use crate::charts::response_map::{self, MapFrame};
use crate::charts::sweep::Figure;
use crate::charts::{Chart, Style, View};
use crate::closed_form::has_finite_optimum;
use crate::format::{number as format_value, Format};
use crate::landscape::{marks, Live};
use crate::metrics::{keys, COUNT, METRICS};
use crate::presets::PRESETS;
use crate::responses::Responses;
use crate::session::Session;
use crate::settings::{Kind, Scope, Settings, FIELDS, START_LIMIT, WORLD_KEYS};
use crate::story::Told;
use crate::sweep::{Job, EXTRA};

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

/// Every key a setting can be given by (the table's, the world's, `theta0`): `<dpo-sim>`'s
/// settings attributes.
#[wasm_bindgen(js_name = settingKeys)]
pub fn setting_keys() -> Array {
    strings(crate::settings::setting_keys())
}

/// The bounds of the settings that are lists, as the core checks them: `{start_limit,
/// min_responses, max_responses, max_name, columns}` (the notebook widget checks with them).
#[wasm_bindgen(js_name = listLimits)]
pub fn list_limits() -> Result<Object, JsValue> {
    use crate::responses::{COLUMNS, MAX_NAME, MAX_RESPONSES, MIN_RESPONSES};
    let o = Object::new();
    put(&o, "start_limit", START_LIMIT)?;
    put(&o, "min_responses", MIN_RESPONSES as f64)?;
    put(&o, "max_responses", MAX_RESPONSES as f64)?;
    put(&o, "max_name", MAX_NAME as f64)?;
    put(&o, "columns", strings(COLUMNS))?;
    Ok(o)
}

/// The keys that give the world as a list (`rewards`, `world`): settings no slider sets.
#[wasm_bindgen(js_name = worldKeys)]
pub fn world_keys() -> Array {
    strings(WORLD_KEYS)
}

/// A world file's CSV text as the settings that give it (`world=…`); the error names the
/// file's line and column.
#[wasm_bindgen(js_name = worldFromCsv)]
pub fn world_from_csv(text: &str, file: &str) -> Result<String, JsValue> {
    let (key, value) = Responses::parse_csv(text, file).map_err(error)?.to_text();
    Ok(format!("{key}={value}"))
}

/// Validates `key=value&...` on top of the defaults and returns the full query.
#[wasm_bindgen]
pub fn normalize(query: &str) -> Result<String, JsValue> {
    Settings::parse(query).map(|s| s.to_query()).map_err(error)
}

/// `reproduce.py` (see `crate::reproduce`): a NumPy script that redoes `steps` exact-gradient
/// steps of the run `query` (on top of the defaults) describes.
#[wasm_bindgen(js_name = reproduceScript)]
pub fn reproduce_script(query: &str, steps: f64) -> Result<String, JsValue> {
    let s = Settings::parse(query).map_err(error)?;
    if !((0.0..=1e9).contains(&steps) && steps.fract() == 0.0) {
        return Err(error(format!(
            "steps = {steps} is not allowed: steps must be a whole number from 0 to 1e9"
        )));
    }
    Ok(crate::reproduce::script(
        &s,
        &crate::world::World::new(&s),
        steps as u64,
    ))
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
/// loss surface shown and the next one being computed, and the landscape's layers.
#[wasm_bindgen]
pub struct Sim {
    session: Session,
    live: Live,
    layers: Layers,
    map: Option<MapFrame>,
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
            layers: Layers::default(),
            map: None,
        })
    }

    /// Applies `key=value&...` on top of the current settings (all or nothing).
    /// Returns whether the run restarted.
    pub fn set(&mut self, query: &str) -> Result<bool, JsValue> {
        self.session.set(query).map_err(error)
    }

    /// Replaces every setting with `key=value&...` on top of the defaults (what it does not
    /// give, a world included, is the default's). Returns whether the run restarted.
    pub fn replace(&mut self, query: &str) -> Result<bool, JsValue> {
        self.session.replace(query).map_err(error)
    }

    /// The settings that do not apply to the run's, with why: `[{key, reason}]`.
    pub fn inapplicable(&self) -> Result<Array, JsValue> {
        crate::settings::inapplicable(self.session.sim().settings())
            .into_iter()
            .map(|(key, reason)| {
                let o = Object::new();
                put(&o, "key", key)?;
                put(&o, "reason", reason)?;
                Ok::<_, JsValue>(o)
            })
            .collect()
    }

    /// Moves response `index` (from 0) to features (phi1, phi2): the world becomes a list
    /// (`world=`) and the run restarts on it. Returns whether it restarted.
    #[wasm_bindgen(js_name = moveResponse)]
    pub fn move_response(&mut self, index: u32, phi1: f64, phi2: f64) -> Result<bool, JsValue> {
        self.session.move_response(index as usize, [phi1, phi2]).map_err(error)
    }

    /// The world's responses as a list gives them, completed: `[{name, reward, phi1, phi2, ref}]`
    /// (`ref` the reference's logit: as given, or the generated world's, or 0 for uniform).
    pub fn responses(&self) -> Result<Array, JsValue> {
        crate::world::responses(self.session.sim().settings())
            .iter()
            .map(|r| {
                let o = Object::new();
                let [phi1, phi2] = r.phi.unwrap_or_default();
                put(&o, "name", r.name.as_str())?;
                put(&o, "reward", r.reward)?;
                put(&o, "phi1", phi1)?;
                put(&o, "phi2", phi2)?;
                put(&o, "ref", r.ref_logit.unwrap_or(0.0))?;
                Ok::<_, JsValue>(JsValue::from(o))
            })
            .collect()
    }

    /// `responses.csv`: the world's responses and the policy's probabilities now.
    #[wasm_bindgen(js_name = responsesCsv)]
    pub fn responses_csv(&self) -> String {
        let sim = self.session.sim();
        sim.world().responses_csv(&sim.state().probs)
    }

    /// The response the policy likes most now: `{name, prob}`.
    #[wasm_bindgen(js_name = mostLikely)]
    pub fn most_likely(&self) -> Result<Object, JsValue> {
        let sim = self.session.sim();
        let (i, p) = sim.world().most_likely(&sim.state().probs);
        let o = Object::new();
        put(&o, "name", sim.world().names[i].as_str())?;
        put(&o, "prob", p)?;
        Ok(o)
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
        self.session.view = View {
            log_steps,
            pairs,
            ..self.session.view
        };
    }

    /// The response the keyboard moves on the map (ringed), or none.
    #[wasm_bindgen(js_name = setMapFocus)]
    pub fn set_map_focus(&mut self, index: Option<u32>) {
        self.session.view.focus = index
            .map(|i| i as usize)
            .filter(|&i| i < self.session.sim().world().n());
    }

    /// The response under canvas pixel (x, y) of the map as last drawn (within `reach` pixels).
    #[wasm_bindgen(js_name = mapHit)]
    pub fn map_hit(&self, x: f64, y: f64, reach: f64) -> Option<u32> {
        self.map.as_ref()?.hit(x, y, reach).map(|i| i as u32)
    }

    /// The features at canvas pixel (x, y) of the map as last drawn: `[phi1, phi2]`.
    #[wasm_bindgen(js_name = mapFeatures)]
    pub fn map_features(&self, x: f64, y: f64) -> Option<Vec<f64>> {
        self.map.as_ref().map(|m| m.features(x, y).to_vec())
    }

    /// Is canvas pixel (x, y) of the landscape as last drawn on the linear model's start
    /// (within `reach` pixels of its handle)?
    #[wasm_bindgen(js_name = onStart)]
    pub fn on_start(&self, x: f64, y: f64, reach: f64) -> bool {
        // The linear model's plane is theta itself: its start is theta0, where the ring is.
        let s = self.session.sim().settings();
        let linear = s.model == crate::settings::Model::Linear;
        let start = (s.theta0[0], s.theta0[1]);
        self.layers
            .frame()
            .is_some_and(|frame| linear && frame.on_start(start, x, y, reach))
    }

    /// The linear model's theta at canvas pixel (x, y) of the landscape as last drawn (the
    /// nearest in the plot for a pixel outside it, and within theta0's range): `[theta1, theta2]`.
    #[wasm_bindgen(js_name = landscapeTheta)]
    pub fn landscape_theta(&self, x: f64, y: f64) -> Option<Vec<f64>> {
        let linear = self.session.sim().settings().model == crate::settings::Model::Linear;
        let (a, b) = self.layers.frame().filter(|_| linear)?.point(x, y);
        let limit = |v: f64| v.clamp(-START_LIMIT, START_LIMIT);
        Some(vec![limit(a), limit(b)])
    }

    /// Keeps the landscape's window while the start is dragged (each move restarts the run),
    /// or lets it fit the run again.
    #[wasm_bindgen(js_name = holdLandscape)]
    pub fn hold_landscape(&mut self, hold: bool) {
        self.live.hold(hold);
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
        self.live
            .prepare(self.session.sim(), resolution as usize, rows as usize) as f64
    }

    /// Draws the chart `key` (see `charts()`) on `canvas`; `scale` is device pixels per CSS
    /// pixel. The landscape shows the last surface prepared.
    pub fn draw(&mut self, key: &str, canvas: HtmlCanvasElement, scale: f64) -> Result<(), JsValue> {
        let chart = Chart::find(key).map_err(error)?;
        let style = Style { scale };
        match self.live.shown() {
            Some(shown) if chart == Chart::Landscape => {
                let marks = marks(self.session.sim(), shown.1);
                self.layers.draw(canvas, shown, &marks, style)
            }
            // The map keeps where it put the responses, for pointers and keys.
            _ if chart == Chart::Map => {
                let scene = self.session.scene(None);
                let map = &mut self.map;
                paint(key, canvas, |a| {
                    *map = Some(response_map::draw(a, &scene, &style)?);
                    Ok(())
                })
            }
            _ => {
                let scene = self.session.scene(None);
                paint(key, canvas, |a| chart.draw(a, &scene, &style))
            }
        }
        .map_err(error)
    }
}

/// A sweep run point by point, so a worker can report progress and stop between runs.
#[wasm_bindgen]
pub struct SweepJob(Job);

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
        Job::parse(base, over, values.as_deref(), grid.as_deref(), steps)
            .map(SweepJob)
            .map_err(error)
    }

    pub fn total(&self) -> f64 {
        self.0.sweep().points.len() as f64
    }

    /// The swept keys, in the rows' order.
    pub fn keys(&self) -> Array {
        strings(self.0.sweep().keys.iter().copied())
    }

    /// Runs the next point and returns its row (undefined when all are done): the swept keys
    /// as settings text, every metric at step T, and the extra columns.
    #[wasm_bindgen(js_name = runNext)]
    pub fn run_next(&mut self) -> Result<Option<Object>, JsValue> {
        let keys = self.0.sweep().keys.clone();
        let Some(r) = self.0.run_next().map_err(error)? else {
            return Ok(None);
        };
        let o = row(&r.metrics)?;
        for (k, v) in keys.iter().zip(&r.point) {
            put(&o, k, v.as_str())?;
        }
        for (k, v) in EXTRA.iter().zip(r.extra) {
            put(&o, k, number(v))?;
        }
        Ok(Some(o))
    }

    /// The rows run so far as `sweep.csv` text (what `dpo-sim sweep` writes).
    pub fn csv(&self) -> String {
        self.0.csv()
    }
}

/// A finished sweep (its CSV) for the sweep view: its charts, and the settings of a cell.
#[wasm_bindgen]
pub struct SweepTable(Figure);

#[wasm_bindgen]
impl SweepTable {
    #[wasm_bindgen(constructor)]
    pub fn new(csv: &str) -> Result<SweepTable, JsValue> {
        Figure::from_csv(csv).map(SweepTable).map_err(error)
    }

    pub fn keys(&self) -> Array {
        strings(self.0.table.keys.iter().copied())
    }

    pub fn len(&self) -> f64 {
        self.0.table.len() as f64
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
        paint("sweep", canvas, |a| self.0.lines(a, columns, current, &Style { scale })).map_err(error)
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
        paint("phase map", canvas, |a| {
            self.0.phase(a, steps as u64, cx.zip(cy), &Style { scale })
        })
        .map_err(error)
    }

    /// The settings (`key=value&...`) of the phase-map cell under device pixel (x, y), if any.
    #[wasm_bindgen(js_name = cellAt)]
    pub fn cell_at(&self, x: f64, y: f64) -> Option<String> {
        self.0.cell_at(x, y)
    }
}
