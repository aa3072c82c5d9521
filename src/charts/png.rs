//! Native PNG files of the charts (the CLI runner and tests; the page draws on canvases).

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{err, Chart, ChartResult, Style};
use crate::history::History;
use crate::landscape::landscape;
use crate::session::Session;
use crate::sweep::Table;

/// Pixel size of each file: a 450x320 CSS-pixel chart at twice the density.
pub const PNG_SIZE: (u32, u32) = (900, 640);
const PNG_STYLE: Style = Style { scale: 2.0 };
/// Finer than the page's grid: a file is drawn once.
const PNG_LANDSCAPE_RESOLUTION: usize = 72;

fn render(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<BitMapBackend, Shift>) -> ChartResult,
) -> ChartResult {
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    draw(&root)?;
    root.present()
        .map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// Writes one PNG per chart (`map.png`, `landscape.png`, ...) of a session's live run (and
/// its pinned runs) into `dir` (created if missing) and returns their paths.
pub fn write_pngs(session: &Session, dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let land = landscape(session.sim(), PNG_LANDSCAPE_RESOLUTION);
    let scene = session.scene(Some(&land.surface));
    Chart::ALL
        .iter()
        .map(|chart| {
            let path = dir.join(format!("{}.png", chart.info().key));
            render(&path, PNG_SIZE, |a| chart.draw(a, &scene, &PNG_STYLE))?;
            Ok(path)
        })
        .collect()
}

/// The columns a one-setting sweep's picture shows by default: where DPO can end, how far
/// it got, and how strong its first step was.
pub const SWEEP_COLUMNS: [&str; 3] = ["attainable_reward", "expected_reward", "signal_0"];

/// Writes `sweep.png`: the default columns against the swept setting, or for a grid over two
/// settings the phase map.
pub fn write_sweep_png(table: &Table, steps: u64, dir: &Path) -> Result<PathBuf, String> {
    let path = dir.join("sweep.png");
    match table.keys.len() {
        1 => render(&path, PNG_SIZE, |a| {
            super::sweep::lines(a, table, &SWEEP_COLUMNS, None, &PNG_STYLE)
        })?,
        _ => render(&path, (1400, 640), |a| {
            super::sweep::phase(a, table, steps, None, &PNG_STYLE).map(|_| ())
        })?,
    }
    Ok(path)
}

/// Writes `series.png`: a sweep's runs overlaid (see [`super::sweep::overlaid`]), taller than
/// the other files for its two panels under a legend of up to eight runs.
pub fn write_series_png(runs: &[(String, History)], dir: &Path) -> Result<PathBuf, String> {
    let path = dir.join("series.png");
    render(&path, (PNG_SIZE.0, PNG_SIZE.1 * 5 / 4), |a| {
        super::sweep::overlaid(a, runs, &PNG_STYLE)
    })?;
    Ok(path)
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
    fn writes_one_png_per_chart() {
        let dir = std::env::temp_dir().join(format!("dpo-sim-charts-{}", std::process::id()));
        let mut session = Session::new(Settings::parse("model=tabular&support=0.3&quality=0.5").unwrap());
        session.step(30).unwrap();
        session.pin().unwrap();
        session.set("quality=1").unwrap();
        session.step(10).unwrap();
        let files = write_pngs(&session, &dir).unwrap();
        assert_eq!(files.len(), Chart::ALL.len());
        for f in &files {
            check_png(&std::fs::read(f).unwrap());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
