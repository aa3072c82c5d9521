//! The four plots, as functions over any plotters `DrawingBackend`: the same code draws
//! into the page's canvas (wasm) and into PNG files (native runner and tests).

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::history::History;
use crate::landscape::Landscape;
use crate::sim::Simulation;

/// Drawing errors travel as messages, never as panics.
pub type ChartResult = Result<(), String>;

/// How big to draw: `scale` device pixels per CSS pixel (the page's devicePixelRatio).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub scale: f64,
}

/// Responses at their features: colour = true reward, size = policy probability,
/// support outlined, reference faint, this step's change visible.
pub fn response_map<DB: DrawingBackend>(
    _area: &DrawingArea<DB, Shift>,
    _sim: &Simulation,
    _style: &Style,
) -> ChartResult {
    Ok(())
}

/// Heatmap and contours of the loss, the trajectory, the target, the current gradient.
pub fn loss_landscape<DB: DrawingBackend>(
    _area: &DrawingArea<DB, Shift>,
    _land: &Landscape,
    _style: &Style,
) -> ChartResult {
    Ok(())
}

/// Exact gradient norm, the signal along grad J, the minibatch gradient norm, over steps.
pub fn gradient_signal<DB: DrawingBackend>(
    _area: &DrawingArea<DB, Shift>,
    _history: &History,
    _ghost: Option<&History>,
    _style: &Style,
) -> ChartResult {
    Ok(())
}

/// Expected reward against J_ref and J*, KL, off-support mass, chosen/rejected log-probs.
pub fn training_curves<DB: DrawingBackend>(
    _area: &DrawingArea<DB, Shift>,
    _history: &History,
    _ghost: Option<&History>,
    _style: &Style,
) -> ChartResult {
    Ok(())
}
