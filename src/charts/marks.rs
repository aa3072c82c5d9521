//! Marks drawn in device pixels (arrows, stars, triangles) and the legend strip naming them.

use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendCoord, DrawingErrorKind};

use super::colors::{BLUE, INK, VERMILLION, YELLOW};
use super::{err, ChartResult, Style};

/// A pixel relative to the drawing area's corner.
pub type Px = (i32, i32);

/// An RGB image drawn pixel for pixel at `pos`: one blit instead of a shape per cell (the
/// landscape's heatmap). Backends blit it natively; the page's canvas in one putImageData.
pub struct Raster {
    pub pos: Px,
    pub size: (u32, u32),
    pub rgb: Vec<u8>,
}

impl<'a> PointCollection<'a, Px> for &'a Raster {
    type Point = &'a Px;
    type IntoIter = std::iter::Once<&'a Px>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.pos)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Raster {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        match points.next() {
            Some(at) => backend.blit_bitmap(at, self.size, &self.rgb),
            None => Ok(()),
        }
    }
}

/// What a legend entry shows beside its label.
#[derive(Clone, Copy)]
pub enum Swatch {
    Line(RGBAColor),
    Dashed(RGBAColor),
    Dotted(RGBAColor),
    Dot { fill: RGBAColor, outline: bool },
    Ring(RGBColor),
    Up,
    Down,
    Star,
    Arrow(RGBColor),
}

/// A five-pointed star around `c`.
pub fn star(c: Px, r: i32) -> Vec<Px> {
    (0..10)
        .map(|k| {
            let a = std::f64::consts::PI * (k as f64 / 5.0 - 0.5);
            let radius = if k % 2 == 0 { r as f64 } else { 0.45 * r as f64 };
            (
                c.0 + (radius * a.cos()).round() as i32,
                c.1 + (radius * a.sin()).round() as i32,
            )
        })
        .collect()
}

/// A triangle around `c` pointing up or down.
pub fn triangle(c: Px, r: i32, up: bool) -> Vec<Px> {
    let s = if up { 1 } else { -1 };
    vec![(c.0 - r, c.1 + s * r), (c.0 + r, c.1 + s * r), (c.0, c.1 - s * r)]
}

/// A star with a dark outline.
pub fn draw_star<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, c: Px, r: i32, style: &Style) -> ChartResult {
    let points = star(c, r);
    area.draw(&Polygon::new(points.clone(), YELLOW.filled())).map_err(err)?;
    let mut outline = points;
    outline.push(outline[0]);
    area.draw(&PathElement::new(outline, INK.stroke_width(style.width(1.2))))
        .map_err(err)
}

/// An arrow's shape from `from` to `to`: the shaft, ending `inset` of the head's length back
/// from the tip, and the head's triangle, `head` pixels long (at most `share` of the arrow) and
/// `width` of its length wide on each side. None when the arrow is too short to draw.
fn arrow_shape(from: Px, to: Px, head: i32, share: f64, inset: f64, width: f64) -> Option<([Px; 2], [Px; 3])> {
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let len = dx.hypot(dy);
    if len < 2.0 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let head = (head as f64).min(share * len);
    let at = |along: f64, across: f64| {
        (
            (to.0 as f64 - along * ux - across * uy).round() as i32,
            (to.1 as f64 - along * uy + across * ux).round() as i32,
        )
    };
    Some((
        [from, at(inset * head, 0.0)],
        [to, at(head, width * head), at(head, -width * head)],
    ))
}

/// An arrow from `from` to `to` with a white halo, so it reads on any background.
pub fn arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: Px,
    to: Px,
    color: RGBColor,
    style: &Style,
) -> ChartResult {
    let Some((shaft, tip)) = arrow_shape(from, to, style.px(9.0), 0.6, 0.7, 0.45) else {
        return Ok(());
    };
    let outline = vec![tip[0], tip[1], tip[2], tip[0]];
    let halo = WHITE.mix(0.85).stroke_width(style.width(4.5));
    area.draw(&PathElement::new(shaft.to_vec(), halo)).map_err(err)?;
    area.draw(&PathElement::new(outline, halo)).map_err(err)?;
    area.draw(&PathElement::new(shaft.to_vec(), color.stroke_width(style.width(2.0))))
        .map_err(err)?;
    area.draw(&Polygon::new(tip.to_vec(), color.filled())).map_err(err)
}

/// A light arrow for many marks at once: a hairline and a small head, no halo.
pub fn thin_arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: Px,
    to: Px,
    color: RGBAColor,
    style: &Style,
) -> ChartResult {
    let Some((shaft, tip)) = arrow_shape(from, to, style.px(6.0), 0.5, 0.5, 0.4) else {
        return Ok(());
    };
    area.draw(&PathElement::new(shaft.to_vec(), color.stroke_width(style.width(1.0))))
        .map_err(err)?;
    area.draw(&Polygon::new(tip.to_vec(), color.filled())).map_err(err)
}

fn swatch<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, s: Swatch, c: Px, style: &Style) -> ChartResult {
    let half = style.px(9.0);
    let r = style.px(5.0);
    let segment = |a: i32, b: i32, color: RGBAColor, w: f64| {
        area.draw(&PathElement::new(
            vec![(c.0 + a, c.1), (c.0 + b, c.1)],
            color.stroke_width(style.width(w)),
        ))
        .map_err(err)
    };
    match s {
        Swatch::Line(color) => segment(-half, half, color, 2.0),
        Swatch::Dashed(color) => {
            segment(-half, -half / 3, color, 1.8)?;
            segment(half / 3, half, color, 1.8)
        }
        Swatch::Dotted(color) => {
            let dot = half / 4;
            for k in [-3, -1, 1, 3] {
                segment(k * dot - dot / 2, k * dot + dot / 2, color, 2.0)?;
            }
            Ok(())
        }
        Swatch::Dot { fill, outline } => {
            area.draw(&Circle::new(c, r, fill.filled())).map_err(err)?;
            if outline {
                area.draw(&Circle::new(c, r, INK.stroke_width(style.width(1.5))))
                    .map_err(err)?;
            }
            Ok(())
        }
        Swatch::Ring(color) => area
            .draw(&Circle::new(c, r, color.stroke_width(style.width(2.0))))
            .map_err(err),
        Swatch::Up | Swatch::Down => {
            let (up, color) = if matches!(s, Swatch::Up) {
                (true, BLUE)
            } else {
                (false, VERMILLION)
            };
            area.draw(&Polygon::new(triangle(c, style.px(4.0), up), color.filled()))
                .map_err(err)
        }
        Swatch::Star => draw_star(area, c, style.px(6.5), style),
        Swatch::Arrow(color) => arrow(area, (c.0 - half, c.1), (c.0 + half, c.1), color, style),
    }
}

/// Draws the entries left to right in rows along the top of `area`, so the legend never
/// covers data; returns the area below it.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(&str, Swatch)],
    style: &Style,
) -> Result<DrawingArea<DB, Shift>, String> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let text = style.font(11.0).pos(Pos::new(HPos::Left, VPos::Center));
    let (sw, gap, sep, row) = (style.px(20.0), style.px(4.0), style.px(12.0), style.px(17.0));
    let (left, width) = (style.px(8.0), area.dim_in_pixel().0 as i32);
    let (mut x, mut y) = (left, 0);
    let mut placed = Vec::with_capacity(entries.len());
    for &(label, s) in entries {
        let w = sw + gap + area.estimate_text_size(label, &text).map_err(err)?.0 as i32;
        if x > left && x + w > width - style.px(4.0) {
            (x, y) = (left, y + row);
        }
        placed.push((x, y + row / 2, label, s));
        x += w + sep;
    }
    let (strip, rest) = area.split_vertically(y + row + style.px(3.0));
    for (x, y, label, s) in placed {
        swatch(&strip, s, (x + sw / 2, y), style)?;
        strip.draw_text(label, &text, (x + sw + gap, y)).map_err(err)?;
    }
    Ok(rest)
}
