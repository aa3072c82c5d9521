//! Native PNG files of the four charts (the CLI runner and tests; the page draws on canvases).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{err, gradient_signal, loss_landscape, response_map, training_curves, ChartResult, Style};
use crate::history::History;
use crate::landscape::landscape;
use crate::sim::Simulation;

/// Pixel size of each file: a 450x320 CSS-pixel chart at twice the density.
pub const PNG_SIZE: (u32, u32) = (900, 640);
const PNG_STYLE: Style = Style { scale: 2.0 };
/// Finer than the page's grid: a file is drawn once.
const PNG_LANDSCAPE_RESOLUTION: usize = 72;

fn render(path: &Path, draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> ChartResult) -> ChartResult {
    let root = BitMapBackend::new(path, PNG_SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    draw(&root)?;
    root.present()
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// Writes map.png, landscape.png, signal.png and curves.png into `dir` (created if
/// missing) and returns their paths. `ghost` is a pinned run drawn faintly for comparison.
pub fn write_pngs(sim: &Simulation, ghost: Option<&History>, dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let style = PNG_STYLE;
    let land = landscape(sim, PNG_LANDSCAPE_RESOLUTION);
    let path = |name: &str| dir.join(name);
    let files = [
        path("map.png"),
        path("landscape.png"),
        path("signal.png"),
        path("curves.png"),
    ];
    render(&files[0], |a| response_map(a, sim, &style))?;
    render(&files[1], |a| loss_landscape(a, &land, &style))?;
    render(&files[2], |a| gradient_signal(a, sim.history(), ghost, &style))?;
    render(&files[3], |a| training_curves(a, sim.history(), ghost, &style))?;
    Ok(files.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;

    /// The PNG signature, an IHDR of the expected size first, an IEND last.
    fn check_png(bytes: &[u8]) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&bytes[12..16], b"IHDR");
        let be = |k: usize| u32::from_be_bytes(bytes[k..k + 4].try_into().unwrap());
        assert_eq!((be(16), be(20)), PNG_SIZE);
        assert_eq!(&bytes[bytes.len() - 8..bytes.len() - 4], b"IEND");
        assert!(bytes.len() > 10_000);
    }

    #[test]
    fn writes_four_pngs() {
        let dir = std::env::temp_dir().join(format!("dpo-sim-charts-{}", std::process::id()));
        let mut sim = Simulation::new(Settings::parse("model=tabular&support=0.3&quality=0.5").unwrap());
        sim.run(30).unwrap();
        let ghost = sim.history().clone();
        sim.set_settings(Settings::parse("model=tabular&support=0.3&quality=1").unwrap());
        sim.run(10).unwrap();
        let files = write_pngs(&sim, Some(&ghost), &dir).unwrap();
        assert_eq!(files.len(), 4);
        for f in &files {
            check_png(&std::fs::read(f).unwrap());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
