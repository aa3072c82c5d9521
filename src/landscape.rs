//! The loss landscape on a grid, for the landscape plot.
//!
//! Linear model: L over theta itself. Tabular model: L over the plane through theta_t
//! spanned by -grad L and grad J (orthonormalised). Either way each pair's margin is
//! affine in the plane coordinates, m = m0 + a m1 + b m2, which makes a grid cheap.

use crate::numerics::{dot, exp, log1p, norm};
use crate::settings::Model;
use crate::sim::Simulation;

/// The finest grid the page computes (and a chart drawn without a surface computed ahead):
/// fine enough for smooth contours. The page asks for less while playing, as the cost grows
/// with cells x pairs.
pub const FINEST: usize = 40;

/// The loss over a window of a plane, on a grid: the costly part of the landscape, computed
/// a few rows at a time (so a frame never waits for all of it) and kept while it still shows
/// the run (offline, the linear model's surface does not move).
#[derive(Clone, Debug)]
pub struct Surface {
    plane: Plane,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub x_label: &'static str,
    pub y_label: &'static str,
    /// A 2-D slice of a larger parameter space (the tabular model): points off the slice,
    /// such as the minimiser, are drawn projected onto it, and need not lie at its lowest.
    pub slice: bool,
    /// Grid size: `values[row * nx + col]`, row 0 at y_range.0.
    pub nx: usize,
    pub ny: usize,
    pub values: Vec<f64>,
    /// Per pair: both weights and the margin's affine coefficients in the plane.
    coeffs: Vec<[f64; 5]>,
    /// The run's state and pair law this surface was computed for
    /// ([`Simulation::revision`], [`Simulation::pair_law_version`]).
    revision: u64,
    version: u64,
}

/// What is drawn over the surface, in its plane's coordinates: from the run as it is now.
#[derive(Clone, Debug)]
pub struct Marks {
    /// Where the run has been (the recorded history), oldest first.
    pub trajectory: Vec<(f64, f64)>,
    /// Where it started; `movable` when that is the linear model's theta0, which a pointer or
    /// keys can move.
    pub start: (f64, f64),
    pub movable: bool,
    pub current: (f64, f64),
    /// The current sampler's minimiser theta_S.
    pub target: Option<(f64, f64)>,
    /// When the loss is flat across a line of minimisers: its direction.
    pub valley: Option<(f64, f64)>,
    /// -grad L at the current point, in plane coordinates.
    pub descent: (f64, f64),
}

/// The landscape plot's content: a surface and the marks over it.
#[derive(Clone, Debug)]
pub struct Landscape {
    pub surface: Surface,
    pub marks: Marks,
}

impl Surface {
    /// Smallest and largest grid value.
    pub fn value_range(&self) -> (f64, f64) {
        self.values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(*v), hi.max(*v))
            })
    }

    /// Are all its rows computed?
    pub fn done(&self) -> bool {
        self.values.len() == self.nx * self.ny
    }

    /// Computes up to `rows` more rows; returns the work done (cells x pairs).
    pub fn advance(&mut self, rows: usize) -> usize {
        let n = self.nx;
        let table = SoftplusTable::get();
        let cell = |k: usize, (a, b): (f64, f64)| a + (b - a) * (k as f64 + 0.5) / n as f64;
        let mut row_base = vec![0.0; self.coeffs.len()];
        let start = self.values.len() / n;
        let end = (start + rows).min(self.ny);
        for row in start..end {
            let b = cell(row, self.y_range);
            for (base, c) in row_base.iter_mut().zip(&self.coeffs) {
                *base = c[2] + b * c[4];
            }
            for col in 0..n {
                let a = cell(col, self.x_range);
                let value = self
                    .coeffs
                    .iter()
                    .zip(&row_base)
                    .map(|(c, base)| pair_loss(table, c[0], c[1], base + a * c[3]))
                    .sum();
                self.values.push(value);
            }
        }
        (end - start) * n * self.coeffs.len()
    }

    /// Does it show the run as it is now: computed for this very state, or for one with the
    /// same plane (the linear model's, fixed) and pair law, in a window that holds everything
    /// worth seeing without being far too large? (The pair law's version changes whenever a
    /// step recomputes it: every step when `designs::moves_with_policy` says it moves.)
    pub fn shows(&self, sim: &Simulation) -> bool {
        if self.revision == sim.revision() {
            return true;
        }
        if sim.settings().model != Model::Linear || self.version != sim.pair_law_version() {
            return false;
        }
        let (lo, hi) = bounds(&points(sim, &self.plane));
        let inside = |(x, y): (f64, f64)| {
            let (wx, wy) = (self.x_range.1 - self.x_range.0, self.y_range.1 - self.y_range.0);
            x >= self.x_range.0 + 0.05 * wx
                && x <= self.x_range.1 - 0.05 * wx
                && y >= self.y_range.0 + 0.05 * wy
                && y <= self.y_range.1 - 0.05 * wy
        };
        let span = (hi.0 - lo.0).max(hi.1 - lo.1);
        inside(lo) && inside(hi) && (self.x_range.1 - self.x_range.0) < 4.0 * span.max(1.0)
    }
}

/// The points a window must hold: the path, now, the start and the target, in plane coordinates.
fn points(sim: &Simulation, plane: &Plane) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = sim
        .history()
        .records()
        .iter()
        .map(|r| plane.project(&r.theta))
        .collect();
    points.push(plane.project(sim.theta()));
    points.push(plane.project(&sim.settings().start(sim.world().n())));
    points.extend(sim.state().optimum.as_ref().map(|o| plane.project(&o.theta)));
    points
}

/// The corners of the box around `points` (finite ones only).
fn bounds(points: &[(f64, f64)]) -> ((f64, f64), (f64, f64)) {
    let (mut lo, mut hi) = ((f64::INFINITY, f64::INFINITY), (f64::NEG_INFINITY, f64::NEG_INFINITY));
    for (x, y) in points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
        lo = (lo.0.min(*x), lo.1.min(*y));
        hi = (hi.0.max(*x), hi.1.max(*y));
    }
    (lo, hi)
}

/// Table of t(a) = ln(1 + e^-a) and h t'(a) at a = k h, for cubic Hermite interpolation.
/// The error is at most h^4 max|t| / 384 < 6e-9 (|t| <= 1/8); past the table's end
/// t < 5e-18. The grid needs millions of evaluations a frame; exp and log per pair would
/// cost about seven times as much.
struct SoftplusTable {
    values: Vec<(f64, f64)>,
}

const TABLE_STEP: f64 = 1.0 / 16.0;
const TABLE_END: f64 = 40.0;

impl SoftplusTable {
    fn get() -> &'static SoftplusTable {
        static TABLE: std::sync::OnceLock<SoftplusTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let nodes = (TABLE_END / TABLE_STEP) as usize + 2;
            let values = (0..nodes)
                .map(|k| {
                    let e = exp(-(k as f64) * TABLE_STEP);
                    (log1p(e), -TABLE_STEP * e / (1.0 + e))
                })
                .collect();
            SoftplusTable { values }
        })
    }

    /// ln(1 + e^-a) for a >= 0.
    fn tail(&self, a: f64) -> f64 {
        if a >= TABLE_END {
            return 0.0;
        }
        let x = a / TABLE_STEP;
        let k = x as usize;
        let u = x - k as f64;
        let ((t0, d0), (t1, d1)) = (self.values[k], self.values[k + 1]);
        let (u2, u3) = (u * u, u * u * u);
        t0 + u * d0 + u2 * (3.0 * (t1 - t0) - 2.0 * d0 - d1) + u3 * (2.0 * (t0 - t1) + d0 + d1)
    }
}

/// -w_ij log sigma(m) - w_ji log sigma(-m) = (w_ij + w_ji) ln(1 + e^-|m|) + the linear part.
fn pair_loss(table: &SoftplusTable, w_ij: f64, w_ji: f64, m: f64) -> f64 {
    (w_ij + w_ji) * table.tail(m.abs()) + if m >= 0.0 { w_ji * m } else { -w_ij * m }
}

/// A plane in parameter space: origin + a e1 + b e2.
#[derive(Clone, Debug)]
struct Plane {
    origin: Vec<f64>,
    e1: Vec<f64>,
    e2: Vec<f64>,
}

impl Plane {
    fn project(&self, theta: &[f64]) -> (f64, f64) {
        let d: Vec<f64> = theta.iter().zip(&self.origin).map(|(t, o)| t - o).collect();
        (dot(&d, &self.e1), dot(&d, &self.e2))
    }
}

fn unit(v: &[f64]) -> Option<Vec<f64>> {
    let n = norm(v);
    (n > 1e-300).then(|| v.iter().map(|x| x / n).collect())
}

/// The tabular slice: e1 along -grad L, e2 along the part of grad J orthogonal to it.
/// Where a gradient vanishes, a fixed basis direction stands in.
fn tabular_plane(sim: &Simulation) -> Plane {
    let st = sim.state();
    let n = sim.theta().len();
    let axis = |k: usize| (0..n).map(|i| if i == k % n { 1.0 } else { 0.0 }).collect::<Vec<_>>();
    let minus_grad: Vec<f64> = st.exact.grad.iter().map(|g| -g).collect();
    let e1 = unit(&minus_grad)
        .or_else(|| unit(&st.reward_grad))
        .unwrap_or_else(|| axis(0));
    let orthogonal = |v: &[f64]| {
        let c = dot(v, &e1);
        v.iter().zip(&e1).map(|(x, e)| x - c * e).collect::<Vec<_>>()
    };
    let e2 = unit(&orthogonal(&st.reward_grad))
        .or_else(|| (0..n).find_map(|k| unit(&orthogonal(&axis(k)))))
        .unwrap_or_else(|| axis(1));
    Plane {
        origin: sim.theta().to_vec(),
        e1,
        e2,
    }
}

/// A window of a plane: its x and y ranges.
pub type Window = ((f64, f64), (f64, f64));

/// A new surface for the run as it is now on a `resolution` x `resolution` grid, with no
/// rows computed yet ([`Surface::advance`] computes them), over `window` (the linear model's
/// only: its plane is theta itself) or else a square around everything worth seeing.
pub fn start(sim: &Simulation, resolution: usize, window: Option<Window>) -> Surface {
    let linear = sim.settings().model == Model::Linear;
    let (plane, x_label, y_label) = if linear {
        (
            Plane {
                origin: vec![0.0, 0.0],
                e1: vec![1.0, 0.0],
                e2: vec![0.0, 1.0],
            },
            "θ₁",
            "θ₂",
        )
    } else {
        (tabular_plane(sim), "along −∇L", "along ∇J (⊥)")
    };
    let (x_range, y_range) = match window.filter(|_| linear) {
        Some(window) => window,
        None => fit(&points(sim, &plane)),
    };

    let beta = sim.settings().beta;
    let along = |v: &[f64], i: usize, j: usize| match sim.settings().model {
        Model::Linear => {
            let (p, q) = (sim.world().features[i], sim.world().features[j]);
            v[0] * (p[0] - q[0]) + v[1] * (p[1] - q[1])
        }
        Model::Tabular => v[i] - v[j],
    };
    let coeffs: Vec<[f64; 5]> = sim
        .state()
        .pairs
        .pairs
        .iter()
        .map(|p| {
            let (i, j) = (p.i, p.j);
            let m = |v: &[f64]| beta * along(v, i, j);
            [p.w_ij, p.w_ji, m(&plane.origin), m(&plane.e1), m(&plane.e2)]
        })
        .collect();
    let n = resolution.max(2);
    Surface {
        plane,
        x_range,
        y_range,
        x_label,
        y_label,
        slice: sim.settings().model == Model::Tabular,
        nx: n,
        ny: n,
        values: Vec::with_capacity(n * n),
        coeffs,
        revision: sim.revision(),
        version: sim.pair_law_version(),
    }
}

/// A square window around `points`, with a margin.
fn fit(points: &[(f64, f64)]) -> Window {
    let (lo, hi) = bounds(points);
    let (lo, hi) = if lo.0 <= hi.0 {
        (lo, hi)
    } else {
        ((0.0, 0.0), (0.0, 0.0))
    };
    let half = (0.5 * (hi.0 - lo.0).max(hi.1 - lo.1) * 1.25).max(1.0);
    let centre = (0.5 * (lo.0 + hi.0), 0.5 * (lo.1 + hi.1));
    ((centre.0 - half, centre.0 + half), (centre.1 - half, centre.1 + half))
}

/// The marks of the run as it is now, in `surface`'s plane.
pub fn marks(sim: &Simulation, surface: &Surface) -> Marks {
    let (st, plane) = (sim.state(), &surface.plane);
    let trajectory = sim
        .history()
        .records()
        .iter()
        .map(|r| plane.project(&r.theta))
        .collect();
    let g: Vec<f64> = st.exact.grad.iter().map(|g| -g).collect();
    let linear = sim.settings().model == Model::Linear;
    Marks {
        trajectory,
        start: plane.project(&sim.settings().start(sim.world().n())),
        movable: linear,
        current: plane.project(sim.theta()),
        target: st.optimum.as_ref().map(|o| plane.project(&o.theta)),
        // Only the linear model's plane is theta itself, where the valley's direction is.
        valley: st
            .optimum
            .as_ref()
            .and_then(|o| o.valley)
            .filter(|_| linear)
            .map(|v| (v[0], v[1])),
        descent: (dot(&g, &plane.e1), dot(&g, &plane.e2)),
    }
}

/// The whole landscape of the run as it is now, computed at once (the runner's PNG, tests).
pub fn landscape(sim: &Simulation, resolution: usize) -> Landscape {
    let mut surface = start(sim, resolution, None);
    surface.advance(usize::MAX);
    let marks = marks(sim, &surface);
    Landscape { surface, marks }
}

/// The landscape a playing run shows: the last finished surface, while the next is computed a
/// few rows per frame (so it lags the run by a few frames, and no frame waits for a whole grid).
#[derive(Default)]
pub struct Live {
    shown: Option<Surface>,
    /// Counts finished surfaces: a picture of one can be kept while it is shown.
    shown_id: u64,
    next: Option<Surface>,
    /// The window kept while theta0 is dragged, so the plot holds still under the pointer.
    held: Option<Window>,
}

impl Live {
    /// Keeps the shown window for the surfaces to come (while the linear model's start is
    /// dragged, each move restarts the run), or lets them fit the run again.
    pub fn hold(&mut self, hold: bool) {
        self.held = if hold {
            self.shown.as_ref().map(|s| (s.x_range, s.y_range))
        } else {
            None
        };
    }

    /// Brings the shown surface towards the run as it is now on a `resolution` grid (2 to
    /// [`FINEST`]), computing at most `rows` rows (all of them when nothing is shown yet, or the
    /// grid fits in `rows`). Returns the work done, cells x pairs.
    pub fn prepare(&mut self, sim: &Simulation, resolution: usize, rows: usize) -> usize {
        let n = resolution.clamp(2, FINEST);
        let in_window = |s: &Surface| self.held.is_none_or(|w| (s.x_range, s.y_range) == w);
        if self
            .shown
            .as_ref()
            .is_some_and(|s| s.nx == n && s.shows(sim) && in_window(s))
        {
            self.next = None;
            return 0;
        }
        // A job for another grid, or a stale one when the whole grid can be done now, starts over.
        let whole = rows >= n || self.shown.is_none();
        let restart = match &self.next {
            Some(next) => next.nx != n || (whole && next.revision != sim.revision()),
            None => true,
        };
        if restart {
            self.next = Some(start(sim, n, self.held));
        }
        let next = self.next.as_mut().expect("set above");
        let work = next.advance(if whole { n } else { rows.max(1) });
        if next.done() {
            self.shown = self.next.take();
            self.shown_id += 1;
        }
        work
    }

    /// The surface to draw, with its id (the same id means the same picture).
    pub fn shown(&self) -> Option<(u64, &Surface)> {
        self.shown.as_ref().map(|s| (self.shown_id, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn softplus_table_is_accurate_to_1e_8() {
        let table = SoftplusTable::get();
        for k in 0..200_000 {
            let a = k as f64 * 0.000_213_7;
            let exact = (-a).exp().ln_1p();
            assert!((table.tail(a) - exact).abs() < 1e-8, "a = {a}");
        }
        assert!(table.tail(1e6) == 0.0 && table.tail(TABLE_END) < 1e-17);
    }

    /// Asserts that the grid holds the population loss of `sim` as it is now (to the table's
    /// 1e-8), checking cells against a direct evaluation at the theta they stand for.
    fn assert_shows_the_loss(surface: &Surface, sim: &Simulation) {
        let plane = &surface.plane;
        let n = surface.nx;
        for (row, col) in [(0, 0), (n / 3, n / 2), (n - 1, n - 1)] {
            let a = surface.x_range.0 + (surface.x_range.1 - surface.x_range.0) * (col as f64 + 0.5) / n as f64;
            let b = surface.y_range.0 + (surface.y_range.1 - surface.y_range.0) * (row as f64 + 0.5) / n as f64;
            let theta: Vec<f64> = (0..plane.origin.len())
                .map(|k| plane.origin[k] + a * plane.e1[k] + b * plane.e2[k])
                .collect();
            let f = crate::policy::scores(sim.world(), sim.settings().model, &theta);
            let s = sim.settings();
            let direct = crate::loss::population(sim.world(), s.model, s.beta, &sim.state().pairs, &f);
            let value = surface.values[row * n + col];
            assert!((value - direct.loss).abs() < 1e-8, "{value} vs {}", direct.loss);
        }
    }

    #[test]
    fn grid_values_equal_the_population_loss() {
        for model in ["linear", "tabular"] {
            let mut sim = Simulation::new(Settings::parse(&format!("n=12&model={model}&quality=0.5&lr=2")).unwrap());
            sim.run(5).unwrap();
            let l = landscape(&sim, 8);
            if model == "linear" {
                // The linear model's plane is theta itself.
                assert_eq!(
                    (l.surface.plane.e1.clone(), l.surface.plane.e2.clone()),
                    (vec![1.0, 0.0], vec![0.0, 1.0])
                );
            }
            assert_shows_the_loss(&l.surface, &sim);
            // The current point lies inside the window and the trajectory has every step.
            assert!(l.surface.x_range.0 < l.marks.current.0 && l.marks.current.0 < l.surface.x_range.1);
            assert_eq!(l.marks.trajectory.len(), 6);
        }
    }

    /// Offline, the linear model's loss stands still: its surface is kept while the path stays
    /// well inside the window, and it is still the loss of the run as it is.
    #[test]
    fn an_offline_linear_surface_is_kept() {
        let mut sim = Simulation::new(Settings::parse("n=12&online=0&lr=0.5").unwrap());
        let mut live = Live::default();
        assert!(
            live.prepare(&sim, 12, 1) > 0,
            "nothing shown yet: the whole grid at once"
        );
        assert!(live.shown().is_some_and(|(_, s)| s.done()));
        let mut kept = 0;
        for _ in 0..40 {
            sim.step().unwrap();
            if live.prepare(&sim, 12, 12) == 0 {
                kept += 1;
            }
            let (_, surface) = live.shown().unwrap();
            assert!(surface.shows(&sim));
            assert_shows_the_loss(surface, &sim);
        }
        assert!(kept > 30, "kept for {kept} of 40 steps");
        // Another grid size is another surface.
        assert!(live.prepare(&sim, 10, 10) > 0);
    }

    /// Online the loss moves every step: a job computes the next surface a few rows per call
    /// while the last finished one stays shown; at rest the whole grid is computed for now.
    #[test]
    fn an_online_surface_is_computed_a_few_rows_at_a_time() {
        let mut sim = Simulation::new(Settings::parse("n=12&online=1").unwrap());
        let mut live = Live::default();
        live.prepare(&sim, 12, 12);
        let (first, _) = live.shown().unwrap();
        sim.step().unwrap();
        let surface_of = |live: &Live| live.shown().map(|(id, s)| (id, s.values.clone())).unwrap();
        let before = surface_of(&live);
        for call in 1..=3 {
            assert!(live.prepare(&sim, 12, 4) > 0);
            sim.step().unwrap();
            if call < 3 {
                assert_eq!(surface_of(&live), before, "shown until the next is done");
            }
        }
        let (id, surface) = live.shown().unwrap();
        assert_eq!(id, first + 1);
        assert!(!surface.shows(&sim), "it lags the run");
        // At rest: all of it, for the run as it is.
        live.prepare(&sim, 12, 12);
        let (_, surface) = live.shown().unwrap();
        assert!(surface.shows(&sim));
        assert_shows_the_loss(surface, &sim);
        assert_eq!(live.prepare(&sim, 12, 12), 0);
    }

    /// While theta0 is dragged each move is a new run; the held window stays, so the plot holds
    /// still under the pointer, and the surface is still the loss there. Let go, it fits again.
    #[test]
    fn a_held_window_stays_while_the_start_moves() {
        let at = |start: &str| Simulation::new(Settings::parse(&format!("n=12&theta0={start}")).unwrap());
        let mut live = Live::default();
        live.prepare(&at("0,0"), 12, 12);
        let window = |live: &Live| live.shown().map(|(_, s)| (s.x_range, s.y_range)).unwrap();
        let before = window(&live);
        live.hold(true);
        for start in ["1,1", "2.5,-1", "4,3"] {
            let sim = at(start);
            live.prepare(&sim, 12, 12);
            assert_eq!(window(&live), before, "{start}");
            assert_shows_the_loss(live.shown().unwrap().1, &sim);
        }
        live.hold(false);
        let far = at("30,-30");
        live.prepare(&far, 12, 12);
        let ((x0, x1), (y0, y1)) = window(&live);
        assert!(x1 > 30.0 && y0 < -30.0 && x0 < x1 && y0 < y1, "fits the start again");
    }

    /// Runs never share surfaces, even with ids counted from the same start.
    #[test]
    fn a_new_run_needs_a_new_surface() {
        let sim = Simulation::new(Settings::parse("n=12&online=0").unwrap());
        let mut live = Live::default();
        live.prepare(&sim, 12, 12);
        let other = Simulation::new(Settings::parse("n=12&online=0&seed=7").unwrap());
        assert!(!live.shown().unwrap().1.shows(&other));
        assert!(live.prepare(&other, 12, 12) > 0);
    }
}
