//! The loss landscape on a grid, for the landscape plot.
//!
//! Linear model: L over theta itself. Tabular model: L over the plane through theta_t
//! spanned by -grad L and grad J (orthonormalised). Either way each pair's margin is
//! affine in the plane coordinates, m = m0 + a m1 + b m2, which makes a grid cheap.

use crate::numerics::{dot, exp, log1p, norm};
use crate::settings::Model;
use crate::sim::Simulation;

/// The loss on a grid with the marks drawn over it, all in plane coordinates.
#[derive(Clone, Debug)]
pub struct Landscape {
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub x_label: &'static str,
    pub y_label: &'static str,
    /// Grid size: `values[row * nx + col]`, row 0 at y_range.0.
    pub nx: usize,
    pub ny: usize,
    pub values: Vec<f64>,
    /// Where the run has been (the recorded history), oldest first.
    pub trajectory: Vec<(f64, f64)>,
    pub current: (f64, f64),
    /// The current sampler's minimiser theta_S.
    pub target: Option<(f64, f64)>,
    /// When the loss is flat across a line of minimisers: its direction.
    pub valley: Option<(f64, f64)>,
    /// -grad L at the current point, in plane coordinates.
    pub descent: (f64, f64),
}

impl Landscape {
    /// Smallest and largest grid value.
    pub fn value_range(&self) -> (f64, f64) {
        self.values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(*v), hi.max(*v))
            })
    }
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

/// The landscape at the current step on a `resolution` x `resolution` grid.
pub fn landscape(sim: &Simulation, resolution: usize) -> Landscape {
    let st = sim.state();
    let (plane, x_label, y_label) = match sim.settings().model {
        Model::Linear => (
            Plane {
                origin: vec![0.0, 0.0],
                e1: vec![1.0, 0.0],
                e2: vec![0.0, 1.0],
            },
            "θ₀",
            "θ₁",
        ),
        Model::Tabular => (tabular_plane(sim), "along −∇L", "along ∇J (⊥)"),
    };
    let trajectory: Vec<(f64, f64)> = sim
        .history()
        .records()
        .iter()
        .map(|r| plane.project(&r.theta))
        .collect();
    let current = plane.project(sim.theta());
    let target = st.optimum.as_ref().map(|o| plane.project(&o.theta));
    let valley = st.optimum.as_ref().and_then(|o| o.valley).map(|v| (v[0], v[1]));
    let descent = {
        let g: Vec<f64> = st.exact.grad.iter().map(|g| -g).collect();
        (dot(&g, &plane.e1), dot(&g, &plane.e2))
    };

    // A square window around everything worth seeing, with a margin.
    let mut points = trajectory.clone();
    points.push(current);
    points.push(plane.project(&vec![0.0; sim.theta().len()]));
    points.extend(target);
    let (mut lo, mut hi) = ((f64::INFINITY, f64::INFINITY), (f64::NEG_INFINITY, f64::NEG_INFINITY));
    for (x, y) in &points {
        lo = (lo.0.min(*x), lo.1.min(*y));
        hi = (hi.0.max(*x), hi.1.max(*y));
    }
    let half = (0.5 * (hi.0 - lo.0).max(hi.1 - lo.1) * 1.25).max(1.0);
    let centre = (0.5 * (lo.0 + hi.0), 0.5 * (lo.1 + hi.1));
    let x_range = (centre.0 - half, centre.0 + half);
    let y_range = (centre.1 - half, centre.1 + half);

    // Per pair: both weights and the margin's affine coefficients in (a, b).
    let beta = sim.settings().beta;
    let along = |v: &[f64], i: usize, j: usize| match sim.settings().model {
        Model::Linear => {
            let (p, q) = (sim.world().features[i], sim.world().features[j]);
            v[0] * (p[0] - q[0]) + v[1] * (p[1] - q[1])
        }
        Model::Tabular => v[i] - v[j],
    };
    let coeffs: Vec<[f64; 5]> = st
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
    let cell = |k: usize, (a, b): (f64, f64)| a + (b - a) * (k as f64 + 0.5) / n as f64;
    let mut values = vec![0.0; n * n];
    let mut row_base = vec![0.0; coeffs.len()];
    let table = SoftplusTable::get();
    for (row, out) in values.chunks_mut(n).enumerate() {
        let b = cell(row, y_range);
        for (base, c) in row_base.iter_mut().zip(&coeffs) {
            *base = c[2] + b * c[4];
        }
        for (col, value) in out.iter_mut().enumerate() {
            let a = cell(col, x_range);
            *value = coeffs
                .iter()
                .zip(&row_base)
                .map(|(c, base)| pair_loss(table, c[0], c[1], base + a * c[3]))
                .sum();
        }
    }
    Landscape {
        x_range,
        y_range,
        x_label,
        y_label,
        nx: n,
        ny: n,
        values,
        trajectory,
        current,
        target,
        valley,
        descent,
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

    /// The grid holds the population loss (to the table's 1e-8): check cells against a
    /// direct evaluation.
    #[test]
    fn grid_values_equal_the_population_loss() {
        for model in ["linear", "tabular"] {
            let mut sim = Simulation::new(Settings::parse(&format!("n=12&model={model}&quality=0.5&lr=2")).unwrap());
            sim.run(5).unwrap();
            let l = landscape(&sim, 8);
            let plane = match sim.settings().model {
                Model::Linear => Plane {
                    origin: vec![0.0, 0.0],
                    e1: vec![1.0, 0.0],
                    e2: vec![0.0, 1.0],
                },
                Model::Tabular => tabular_plane(&sim),
            };
            for (row, col) in [(0, 0), (3, 5), (7, 7)] {
                let a = l.x_range.0 + (l.x_range.1 - l.x_range.0) * (col as f64 + 0.5) / 8.0;
                let b = l.y_range.0 + (l.y_range.1 - l.y_range.0) * (row as f64 + 0.5) / 8.0;
                let theta: Vec<f64> = (0..plane.origin.len())
                    .map(|k| plane.origin[k] + a * plane.e1[k] + b * plane.e2[k])
                    .collect();
                let f = crate::policy::scores(sim.world(), sim.settings().model, &theta);
                let direct = crate::loss::population(
                    sim.world(),
                    sim.settings().model,
                    sim.settings().beta,
                    &sim.state().pairs,
                    &f,
                );
                assert!((l.values[row * 8 + col] - direct.loss).abs() < 1e-8, "{model}");
            }
            // The current point lies inside the window and the trajectory has every step.
            assert!(l.x_range.0 < l.current.0 && l.current.0 < l.x_range.1);
            assert_eq!(l.trajectory.len(), 6);
        }
    }
}
