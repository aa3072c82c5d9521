//! Colours: two sequential scales (small tables, linearly interpolated), a colour-blind-safe
//! palette for lines and marks, and the colour bar that labels a scale.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{err, finite_range, tick, ChartResult, Style};

/// Text and outlines.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Okabe-Ito colours, distinguishable under the common colour-vision deficiencies.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const SKY: RGBColor = RGBColor(86, 180, 233);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
pub const GREY: RGBColor = RGBColor(120, 120, 120);
/// The pinned runs, one each: hues no line of a chart uses (Paul Tol's muted scheme, also
/// colour-blind safe), drawn dashed.
pub const PINNED: [RGBColor; 4] = [
    RGBColor(136, 34, 85),
    RGBColor(51, 34, 136),
    RGBColor(68, 170, 153),
    RGBColor(153, 153, 51),
];

/// Viridis at 11 even stops: perceptually uniform and colour-blind safe (the reward).
const VIRIDIS: [(u8, u8, u8); 11] = [
    (68, 1, 84),
    (72, 36, 117),
    (65, 68, 135),
    (53, 95, 141),
    (42, 120, 142),
    (33, 145, 140),
    (34, 168, 132),
    (68, 191, 112),
    (122, 209, 81),
    (189, 223, 38),
    (253, 231, 37),
];

/// A single-hue blue ramp, dark to pale (the loss: a different quantity from the reward,
/// so a different scale; the basin is dark and the marks drawn over it are light or warm).
const BLUES: [(u8, u8, u8); 8] = [
    (8, 48, 107),
    (8, 81, 156),
    (33, 113, 181),
    (66, 146, 198),
    (107, 174, 214),
    (158, 202, 225),
    (198, 219, 239),
    (233, 241, 250),
];

fn interpolate(table: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * (table.len() - 1) as f64;
    let k = (x.floor() as usize).min(table.len() - 2);
    let f = x - k as f64;
    let mix = |a: u8, b: u8| (a as f64 + f * (b as f64 - a as f64)).round() as u8;
    let (a, b) = (table[k], table[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Viridis at t in [0, 1].
pub fn viridis(t: f64) -> RGBColor {
    interpolate(&VIRIDIS, t)
}

/// The loss ramp at t in [0, 1].
pub fn blues(t: f64) -> RGBColor {
    interpolate(&BLUES, t)
}

/// A vertical colour bar for values in `range`, coloured by `color`, titled above. `top` and
/// `bottom` are the pixels to leave free so that it lines up with the chart beside it.
pub fn color_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    range: (f64, f64),
    color: impl Fn(f64) -> RGBColor,
    (top, bottom): (i32, i32),
    style: &Style,
) -> ChartResult {
    let (lo, hi) = finite_range([range.0, range.1], 0.0);
    let text = style.text();
    let (tw, th) = area.estimate_text_size(title, &text).map_err(err)?;
    let w = area.dim_in_pixel().0 as i32;
    area.draw_text(
        title,
        &text,
        ((w - tw as i32) / 2, (top - th as i32 - style.px(3.0)).max(0)),
    )
    .map_err(err)?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(top)
        .margin_bottom(bottom)
        .margin_left(style.px(4.0))
        .set_label_area_size(LabelAreaPosition::Right, w - style.px(18.0))
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(err)?;
    let steps = 48;
    chart
        .draw_series((0..steps).map(|k| {
            let (a, b) = (k as f64 / steps as f64, (k + 1) as f64 / steps as f64);
            let (y0, y1) = (lo + a * (hi - lo), lo + b * (hi - lo));
            Rectangle::new([(0.0, y0), (1.0, y1)], color(0.5 * (y0 + y1)).filled())
        }))
        .map_err(err)?;
    let span = hi - lo;
    let fmt = move |v: &f64| tick(*v, span);
    let labels = 5.min(super::fits(chart.plotting_area().dim_in_pixel().1, 2.0, style));
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(labels)
        .y_label_formatter(&fmt)
        .label_style(style.font(super::SMALLEST_TEXT))
        .axis_style(INK.mix(0.6).stroke_width(style.width(1.0)))
        .set_all_tick_mark_size(style.px(3.0))
        .draw()
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_hit_their_ends_and_clamp() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(2.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        // Luminance rises along both scales.
        let lum = |c: RGBColor| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        for k in 0..20 {
            let (a, b) = (k as f64 / 20.0, (k + 1) as f64 / 20.0);
            assert!(lum(viridis(b)) > lum(viridis(a)));
            assert!(lum(blues(b)) > lum(blues(a)));
        }
    }
}
