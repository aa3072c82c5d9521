//! The page's canvas as a plotters `DrawingBackend` (wasm only): plotters' own canvas backend,
//! with text measured by the canvas and bitmaps drawn in one call.

use plotters::coord::Shift;
use plotters::prelude::*;
use std::cell::RefCell;

use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontTransform};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::ChartResult;

/// Draws `chart` on `canvas` from a blank white one; errors are messages that start with `name`.
pub fn paint(
    name: &str,
    canvas: HtmlCanvasElement,
    chart: impl FnOnce(&DrawingArea<Canvas, Shift>) -> ChartResult,
) -> ChartResult {
    let area = Canvas::new(canvas)
        .ok_or_else(|| format!("{name}: the canvas has no 2d context"))?
        .into_drawing_area();
    // A canvas keeps its last frame; each draw starts from a blank one.
    area.fill(&WHITE).map_err(|e| format!("{name}: {e}"))?;
    chart(&area).map_err(|e| format!("{name}: {e}"))?;
    area.present().map_err(|e| format!("{name}: {e}"))
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
///
/// Strokes of one colour and width in a row (a dashed line's dashes, the grid's lines) go
/// into one canvas path, stroked once when anything else is drawn: a call into the canvas
/// costs more than the segment it draws. Fills and text set the context's fill colour, font
/// and alignment only when they change: each string sent to the canvas is decoded on the JS
/// side, and a chart's labels would send the same four per label.
pub struct Canvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    /// The open path's stroke: colour (RGB, alpha) and width.
    open: Option<((u8, u8, u8), f64, u32)>,
    /// What the context's fill colour, font, text alignment and baseline were last set to
    /// (None: unknown). Measuring text sets the font through `&self`, hence the cell.
    set: RefCell<Set>,
}

#[derive(Default)]
struct Set {
    fill: Option<((u8, u8, u8), f64)>,
    font: Option<String>,
    align: Option<&'static str>,
    baseline: Option<&'static str>,
}

/// The canvas's 2d context (None when it has another kind, or none).
pub fn context_2d(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

impl Canvas {
    pub fn new(canvas: HtmlCanvasElement) -> Option<Canvas> {
        let context = context_2d(&canvas)?;
        Some(Canvas {
            inner: CanvasBackend::with_canvas_object(canvas)?,
            context,
            open: None,
            set: RefCell::new(Set::default()),
        })
    }

    /// Sets the fill colour, unless it is that already.
    fn fill_style(&self, c: BackendColor) {
        let mut set = self.set.borrow_mut();
        if set.fill != Some((c.rgb, c.alpha)) {
            let (r, g, b) = c.rgb;
            self.context
                .set_fill_style_str(&format!("rgba({r},{g},{b},{})", c.alpha));
            set.fill = Some((c.rgb, c.alpha));
        }
    }

    /// Sets the font of `style` (the string plotters' canvas backend draws with), unless it is
    /// that already.
    fn font<S: BackendTextStyle>(&self, style: &S) {
        let font = format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        );
        let mut set = self.set.borrow_mut();
        if set.font.as_deref() != Some(font.as_str()) {
            self.context.set_font(&font);
            set.font = Some(font);
        }
    }

    /// Strokes the open path, if any: before anything else is drawn, and at the end.
    fn flush(&mut self) {
        if self.open.take().is_some() {
            self.context.stroke();
        }
    }

    /// Adds `path` to the open path when it has the same stroke, else starts a new one.
    fn stroke<S: BackendStyle>(&mut self, path: impl IntoIterator<Item = BackendCoord>, style: &S) {
        let c = style.color();
        if c.alpha == 0.0 {
            return;
        }
        let mut path = path.into_iter();
        let Some(start) = path.next() else {
            return;
        };
        let stroke = (c.rgb, c.alpha, style.stroke_width());
        if self.open != Some(stroke) {
            self.flush();
            self.context.begin_path();
            let (r, g, b) = c.rgb;
            self.context
                .set_stroke_style_str(&format!("rgba({r},{g},{b},{})", c.alpha));
            self.context.set_line_width(f64::from(stroke.2));
            self.open = Some(stroke);
        }
        self.context.move_to(f64::from(start.0), f64::from(start.1));
        for p in path {
            self.context.line_to(f64::from(p.0), f64::from(p.1));
        }
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
        self.flush();
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Drawn {
        self.flush();
        // plotters sets the fill colour for it.
        self.set.borrow_mut().fill = None;
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Drawn {
        self.stroke([from, to], style);
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S, fill: bool) -> Drawn {
        self.flush();
        if !fill || style.color().alpha == 0.0 {
            return self.inner.draw_rect(from, to, style, fill);
        }
        self.fill_style(style.color());
        let (x, y) = (f64::from(from.0), f64::from(from.1));
        self.context.fill_rect(x, y, f64::from(to.0) - x, f64::from(to.1) - y);
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Drawn {
        self.stroke(path, style);
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(&mut self, centre: BackendCoord, radius: u32, style: &S, fill: bool) -> Drawn {
        self.flush();
        if !fill || style.color().alpha == 0.0 {
            return self.inner.draw_circle(centre, radius, style, fill);
        }
        self.fill_style(style.color());
        self.context.begin_path();
        self.context
            .arc(
                f64::from(centre.0),
                f64::from(centre.1),
                f64::from(radius),
                0.0,
                std::f64::consts::TAU,
            )
            .map_err(canvas_error)?;
        self.context.fill();
        Ok(())
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Drawn {
        self.flush();
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut vert = vert.into_iter();
        self.context.begin_path();
        if let Some(start) = vert.next() {
            self.fill_style(style.color());
            self.context.move_to(f64::from(start.0), f64::from(start.1));
            for p in vert {
                self.context.line_to(f64::from(p.0), f64::from(p.1));
            }
            self.context.close_path();
        }
        self.context.fill();
        Ok(())
    }
    /// As plotters' canvas backend draws text, with the context's state set only as it changes.
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> Drawn {
        self.flush();
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let turn = match style.transform() {
            FontTransform::None => 0.0,
            FontTransform::Rotate90 => 0.5,
            FontTransform::Rotate180 => 1.0,
            FontTransform::Rotate270 => 1.5,
        } * std::f64::consts::PI;
        let (mut x, mut y) = (f64::from(pos.0), f64::from(pos.1));
        // A rotated label is drawn between save and restore, which puts back the state saved:
        // the state known before it.
        let saved = (turn != 0.0).then(|| {
            self.context.save();
            std::mem::take(&mut *self.set.borrow_mut())
        });
        if turn != 0.0 {
            self.context.translate(x, y).map_err(canvas_error)?;
            self.context.rotate(turn).map_err(canvas_error)?;
            (x, y) = (0.0, 0.0);
        }
        let baseline = match style.anchor().v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        };
        let align = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "center",
        };
        {
            let mut set = self.set.borrow_mut();
            if set.baseline != Some(baseline) {
                self.context.set_text_baseline(baseline);
                set.baseline = Some(baseline);
            }
            if set.align != Some(align) {
                self.context.set_text_align(align);
                set.align = Some(align);
            }
        }
        self.fill_style(color);
        self.font(style);
        let drawn = self.context.fill_text(text, x, y).map_err(canvas_error);
        if let Some(before) = saved {
            self.context.restore();
            *self.set.borrow_mut() = before;
        }
        drawn
    }
    /// One putImageData (plotters' canvas backend draws a bitmap pixel by pixel).
    fn blit_bitmap(&mut self, pos: BackendCoord, (w, h): (u32, u32), src: &[u8]) -> Drawn {
        self.flush();
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
        self.font(style);
        let m = self.context.measure_text(text).map_err(canvas_error)?;
        let height = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
        Ok((m.width().ceil() as u32, height.ceil() as u32))
    }
}
