//! The page's landscape in two layers (wasm only): the parts that stay while its surface does
//! (heatmap, contours, axes, colour bar, legend) are drawn once on a canvas of their own; each
//! frame copies that picture and draws the marks of the run as it is now over it.

use plotters::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use super::canvas::{context_2d, paint, Canvas};
use super::landscape::{draw_base, draw_marks, legend_kind, Frame};
use super::{fit_style, ChartResult, Style};
use crate::landscape::{Marks, Surface};

const NAME: &str = "landscape";

/// What the base picture depends on: the surface's id, the canvas size, the scale, the legend.
type Key = (u64, (u32, u32), u64, (bool, bool, bool));

/// The base picture and what it was drawn for.
struct Base {
    key: Key,
    canvas: HtmlCanvasElement,
    /// Where the marks go; None when the canvas is too small to draw on.
    frame: Option<(Frame, Style)>,
}

/// The landscape plot of one simulator on the page, with its base picture kept.
#[derive(Default)]
pub struct Layers {
    base: Option<Base>,
}

impl Layers {
    /// Draws the `id`-th surface shown and the marks over it on `canvas`; the base picture is
    /// redrawn only when the surface, the size, the scale or the legend changed.
    pub fn draw(
        &mut self,
        canvas: HtmlCanvasElement,
        (id, surface): (u64, &Surface),
        marks: &Marks,
        style: Style,
    ) -> ChartResult {
        let key = (
            id,
            (canvas.width(), canvas.height()),
            style.scale.to_bits(),
            legend_kind(marks),
        );
        let base = match self.base.take() {
            Some(base) if base.key == key => base,
            old => Base::draw(old.map(|b| b.canvas), key, surface, style)?,
        };
        let base = self.base.insert(base);
        let context = context_2d(&canvas).ok_or_else(|| format!("{NAME}: the canvas has no 2d context"))?;
        context
            .draw_image_with_html_canvas_element(&base.canvas, 0.0, 0.0)
            .map_err(|e| format!("{NAME}: {e:?}"))?;
        let Some((frame, style)) = &base.frame else {
            return Ok(());
        };
        let area = Canvas::new(canvas)
            .ok_or_else(|| format!("{NAME}: the canvas has no 2d context"))?
            .into_drawing_area();
        draw_marks(&area, frame, marks, style).map_err(|e| format!("{NAME}: {e}"))?;
        area.present().map_err(|e| format!("{NAME}: {e}"))
    }
}

impl Layers {
    /// Where the marks went when the landscape was last drawn: what pointers hit.
    pub fn frame(&self) -> Option<&Frame> {
        self.base.as_ref()?.frame.as_ref().map(|(frame, _)| frame)
    }
}

impl Base {
    /// The base picture for `key` on `reuse` (the last one's canvas), or on a new canvas.
    fn draw(reuse: Option<HtmlCanvasElement>, key: Key, surface: &Surface, style: Style) -> Result<Base, String> {
        let canvas = match reuse {
            Some(canvas) => canvas,
            None => web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
                .ok_or_else(|| format!("{NAME}: no document to draw its layers in"))?,
        };
        canvas.set_width(key.1 .0);
        canvas.set_height(key.1 .1);
        let mut frame = None;
        paint(NAME, canvas.clone(), |area| {
            if let Some(style) = fit_style(area, &style)? {
                frame = Some((draw_base(area, surface, key.3, &style)?, style));
            }
            Ok(())
        })?;
        Ok(Base { key, canvas, frame })
    }
}
