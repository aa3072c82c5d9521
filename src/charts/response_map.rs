//! The response map: every response at its features, the policy's probability of it, and
//! how often the sampler draws it (the distribution the quality and support sliders shape).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::colors::{color_bar, viridis, BLUE, INK, ORANGE, PURPLE, VERMILLION};
use super::marks::{arrow, legend, thin_arrow, triangle, Swatch};
use super::{axes, err, finite_range, pixels, Axis, Scene, Style};
use crate::numerics::sort_by_value;

/// A relative probability change below this is numerical noise, not a move.
const VISIBLE_CHANGE: f64 = 1e-3;
/// At most this many minibatch pairs are drawn: enough to see where pairs fall.
const PAIRS_SHOWN: usize = 24;
/// Up to this many responses each carry their name on the map; more would cover it.
pub const NAMED_UP_TO: usize = 12;

/// Where the map put the responses, in the canvas's pixels: what a pointer hits, and the
/// features under a pixel.
#[derive(Clone, Debug, PartialEq)]
pub struct MapFrame {
    /// Pixel = origin + per_unit * feature, for each axis (y grows downward: per_unit[1] < 0).
    origin: [f64; 2],
    per_unit: [f64; 2],
    /// Each response drawn: its index, centre and radius.
    discs: Vec<(usize, f64, f64, f64)>,
}

impl MapFrame {
    /// The response whose disc is under pixel (x, y), or nearest within `reach` pixels of its
    /// edge (small discs are hard to hit); the smallest disc wins where they overlap.
    pub fn hit(&self, x: f64, y: f64, reach: f64) -> Option<usize> {
        self.discs
            .iter()
            .filter(|(_, cx, cy, r)| (x - cx).hypot(y - cy) <= r + reach)
            .min_by(|a, b| a.3.total_cmp(&b.3))
            .map(|d| d.0)
    }

    /// The features at pixel (x, y).
    pub fn features(&self, x: f64, y: f64) -> [f64; 2] {
        [
            (x - self.origin[0]) / self.per_unit[0],
            (y - self.origin[1]) / self.per_unit[1],
        ]
    }
}

pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    scene: &Scene,
    style: &Style,
) -> Result<MapFrame, String> {
    let sim = scene.sim;
    let (world, st) = (sim.world(), sim.state());
    let sample = viridis(0.6).to_rgba();
    let mut entries = vec![
        (
            "policy π_θ",
            Swatch::Dot {
                fill: sample,
                outline: true,
            },
        ),
        ("sampler π_q", Swatch::Ring(ORANGE)),
        (
            "off support",
            Swatch::Dot {
                fill: sample.mix(0.45),
                outline: false,
            },
        ),
        ("rose", Swatch::Up),
        ("fell this step", Swatch::Down),
    ];
    let pairs: &[(usize, usize)] = if scene.view.pairs { &st.batch } else { &[] };
    if !pairs.is_empty() {
        entries.push(("pair: rejected → chosen", Swatch::Arrow(INK)));
    }
    let rest = legend(area, &entries, style)?;

    // Plot beside a colour bar; the feature window is centred on the origin (where the
    // direction arrows start) and widened to the plot's shape so distances look true.
    let (w, h) = rest.dim_in_pixel();
    let (left, bottom, top, m) = (style.px(42.0), style.px(34.0), style.px(18.0), style.px(8.0));
    let bar_w = style.px(58.0);
    let (main, bar) = rest.split_horizontally(w as i32 - bar_w);
    let (pw, ph) = (
        (w as i32 - bar_w - left - 2 * m).max(1) as f64,
        (h as i32 - bottom - top - m).max(1) as f64,
    );
    let ext = world
        .features
        .iter()
        .flat_map(|p| [p[0].abs(), p[1].abs()])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let ext = if ext > 0.0 { ext.min(1e150) } else { 1.0 };
    let half = 1.12 * ext;
    let (hx, hy) = if pw > ph {
        (half * pw / ph, half)
    } else {
        (half, half * ph / pw)
    };
    let mut chart = ChartBuilder::on(&main)
        .margin_top(top)
        .margin_bottom(m)
        .margin_left(m)
        .margin_right(m)
        .x_label_area_size(bottom)
        .y_label_area_size(left)
        .build_cartesian_2d(-hx..hx, -hy..hy)
        .map_err(err)?;
    axes(
        &mut chart,
        ("feature φ₁", "feature φ₂"),
        (7, 6),
        (Axis::Plain, Axis::Plain),
        (true, None),
        style,
    )?;
    let (plot, to_px) = pixels(&chart);
    let base = plot.get_base_pixel();
    let absolute = |x: f64, y: f64| {
        let p = to_px(x, y);
        ((p.0 + base.0) as f64, (p.1 + base.1) as f64)
    };
    let (lo, hi) = (absolute(-hx, -hy), absolute(hx, hy));
    let per_unit = [(hi.0 - lo.0) / (2.0 * hx), (hi.1 - lo.1) / (2.0 * hy)];
    let mut frame = MapFrame {
        origin: [lo.0 + hx * per_unit[0], lo.1 + hy * per_unit[1]],
        per_unit,
        discs: Vec::new(),
    };

    // Marker area grows with probability on a fixed scale, so runs and steps compare.
    let size = style.k() * (pw.min(ph) / (260.0 * style.k())).clamp(0.6, 1.4);
    let radius = |p: f64| {
        let p = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
        (size * (2.5 + 15.0 * p.sqrt())).round() as i32
    };
    let (rlo, rhi) = finite_range(world.reward.iter().copied(), 0.0);
    let shade = |r: f64| viridis((r - rlo) / (rhi - rlo));

    let visible: Vec<usize> = (0..world.n())
        .filter(|&i| world.features[i].iter().all(|v| v.is_finite()))
        .collect();
    let mut order = visible.clone();
    // Big markers first, so small ones stay visible on top.
    let negated: Vec<f64> = st.probs.iter().map(|p| -p).collect();
    sort_by_value(&mut order, &negated);
    for &i in &order {
        let c = to_px(world.features[i][0], world.features[i][1]);
        let (r, color) = (radius(st.probs[i]), shade(world.reward[i]));
        let at = absolute(world.features[i][0], world.features[i][1]);
        frame.discs.push((i, at.0, at.1, r as f64));
        if st.sampler.in_support[i] {
            plot.draw(&Circle::new(c, r, color.filled())).map_err(err)?;
            let outline = if r > style.px(4.0) { 1.5 } else { 1.0 };
            plot.draw(&Circle::new(c, r, INK.stroke_width(style.width(outline))))
                .map_err(err)?;
        } else {
            plot.draw(&Circle::new(c, r, color.mix(0.45).filled())).map_err(err)?;
        }
    }
    // This step's movers: a triangle sized by the change, for changes at least 5% of the
    // largest one (so a few hundred responses do not all carry a mark).
    let prev = |i: usize| sim.prev_probs().get(i).copied().unwrap_or(st.probs[i]);
    let biggest = visible
        .iter()
        .map(|&i| (st.probs[i] - prev(i)).abs())
        .filter(|d| d.is_finite())
        .fold(0.0, f64::max);
    // The sampler: a ring sized like the discs, by the probability of being drawn.
    for &i in &visible {
        let p = st.sampler.piq[i];
        if p > 0.0 {
            let c = to_px(world.features[i][0], world.features[i][1]);
            let ring = ORANGE.stroke_width(style.width(2.0));
            plot.draw(&Circle::new(c, radius(p), ring)).map_err(err)?;
        }
    }
    for &(chosen, rejected) in pairs.iter().take(PAIRS_SHOWN) {
        let at = |i: usize| to_px(world.features[i][0], world.features[i][1]);
        thin_arrow(&plot, at(rejected), at(chosen), INK.mix(0.55), style)?;
    }
    for &i in &visible {
        let c = to_px(world.features[i][0], world.features[i][1]);
        let (now, before) = (st.probs[i], prev(i));
        let share = (now - before).abs() / biggest;
        if (now - before).abs() > VISIBLE_CHANGE * before && share >= 0.05 {
            let t = (style.k() * (2.0 + 2.5 * share.sqrt())).round() as i32;
            let at = (c.0 + radius(now) + t + style.px(1.0), c.1);
            let color = if now > before { BLUE } else { VERMILLION };
            plot.draw(&Polygon::new(triangle(at, t, now > before), color.filled()))
                .map_err(err)?;
        }
    }

    // The response the keyboard moves: a ring around its disc.
    if let Some(&i) = scene.view.focus.as_ref().filter(|&&i| visible.contains(&i)) {
        let c = to_px(world.features[i][0], world.features[i][1]);
        let ring = INK.stroke_width(style.width(2.5));
        plot.draw(&Circle::new(c, radius(st.probs[i]) + style.px(5.0), ring))
            .map_err(err)?;
    }

    // The reward direction u and the reference direction v, from the origin.
    let len = 0.8 * ext;
    let origin = to_px(0.0, 0.0);
    let label = style.font(11.0).pos(Pos::new(HPos::Center, VPos::Center));
    let close = world.u[0] * world.v[0] + world.u[1] * world.v[1] > 0.95;
    for (d, color, name, shift) in [
        (world.v, PURPLE, "v reference", if close { style.px(16.0) } else { 0 }),
        (world.u, INK, "u reward", 0),
    ] {
        let tip = to_px(len * d[0], len * d[1]);
        arrow(&plot, origin, tip, color, style)?;
        // Just past the tip, on a pale box: the label may land on markers.
        let text = TextStyle {
            color: color.to_backend_color(),
            ..label.clone()
        };
        let (tw, th) = plot.estimate_text_size(name, &text).map_err(err)?;
        let (hw, hh) = (tw as i32 / 2 + style.px(2.0), th as i32 / 2 + style.px(1.0));
        let (dx, dy) = ((tip.0 - origin.0) as f64, (tip.1 - origin.1) as f64);
        let n = dx.hypot(dy).max(1.0);
        let reach = style.px(4.0) as f64 + (dx * hw as f64).abs() / n + (dy * hh as f64).abs() / n;
        let at = (
            tip.0 + (dx / n * reach).round() as i32,
            tip.1 + (dy / n * reach).round() as i32 - shift,
        );
        let bg = Rectangle::new(
            [(at.0 - hw, at.1 - hh), (at.0 + hw, at.1 + hh)],
            WHITE.mix(0.75).filled(),
        );
        plot.draw(&bg).map_err(err)?;
        plot.draw_text(name, &text, at).map_err(err)?;
    }

    // Each name just above its disc, on a pale box, over the arrows: it may land on other
    // markers, and names are what a reader looks for. A larger
    // world names only the response in focus (the keyboard's, or the one under the pointer).
    let focused = scene.view.focus.filter(|i| visible.contains(i));
    let named: Vec<usize> = if world.n() <= NAMED_UP_TO {
        visible.clone()
    } else {
        focused.into_iter().collect()
    };
    {
        let text = TextStyle {
            color: INK.to_backend_color(),
            ..style.font(11.0).pos(Pos::new(HPos::Center, VPos::Bottom))
        };
        for &i in &named {
            let c = to_px(world.features[i][0], world.features[i][1]);
            let at = (c.0, c.1 - radius(st.probs[i]) - style.px(3.0));
            let (tw, th) = plot.estimate_text_size(&world.names[i], &text).map_err(err)?;
            let (tw, th) = (tw as i32, th as i32);
            let bg = Rectangle::new(
                [
                    (at.0 - tw / 2 - style.px(2.0), at.1 - th),
                    (at.0 + tw / 2 + style.px(2.0), at.1),
                ],
                WHITE.mix(0.7).filled(),
            );
            plot.draw(&bg).map_err(err)?;
            plot.draw_text(&world.names[i], &text, at).map_err(err)?;
        }
    }

    color_bar(&bar, "reward r", (rlo, rhi), shade, (top, m + bottom), style)?;
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{colours, render};
    use super::super::{Chart, Scene, Style, View};
    use crate::{Settings, Simulation};

    fn map(sim: &Simulation, pairs: bool) -> Vec<u8> {
        let scene = Scene::alone(
            sim,
            None,
            View {
                pairs,
                ..View::default()
            },
        );
        render(450, 320, |a| Chart::Map.draw(a, &scene, &Style { scale: 1.0 }))
    }

    #[test]
    fn draws_both_models_and_shows_changes() {
        for settings in [
            "model=linear&support=0.3",
            "model=tabular&n=120&exact=1",
            "n=4&kappa=10",
        ] {
            let mut sim = Simulation::new(Settings::parse(settings).unwrap());
            let before = map(&sim, false);
            assert!(colours(&before) > 40, "{settings}");
            sim.run(30).unwrap();
            let after = map(&sim, false);
            assert!(colours(&after) > 40, "{settings}");
            assert_ne!(before, after, "{settings}");
        }
    }

    #[test]
    fn names_label_a_small_world_and_a_larger_ones_response_in_focus() {
        let named = |names: [&str; 4]| {
            let list: Vec<String> = names
                .iter()
                .zip([2, 1, -1, 0])
                .map(|(n, r)| format!("{n},{r}"))
                .collect();
            Simulation::new(Settings::parse(&format!("world={}", list.join(";"))).unwrap())
        };
        let a = map(&named(["helpful", "verbose", "refusal", "rude"]), false);
        let b = map(&named(["w", "x", "y", "z"]), false);
        assert_ne!(a, b, "the names are drawn");
        // Thirteen responses: no names, so renaming changes nothing.
        let many = |prefix: &str| {
            let list: Vec<String> = (0..13).map(|i| format!("{prefix}{i},{i}")).collect();
            Simulation::new(Settings::parse(&format!("world={}", list.join(";"))).unwrap())
        };
        assert_eq!(map(&many("a"), false), map(&many("b"), false));
        // ... but the one in focus (keyboard or pointer) is named: renaming it shows.
        let focused = |sim: &Simulation| {
            let view = View {
                focus: Some(12),
                ..View::default()
            };
            render(450, 320, |a| {
                Chart::Map.draw(a, &Scene::alone(sim, None, view), &Style { scale: 1.0 })
            })
        };
        assert_ne!(focused(&many("a")), focused(&many("b")));
    }

    #[test]
    fn the_frame_hits_a_disc_and_maps_pixels_back_to_features() {
        let sim = Simulation::new(Settings::parse("world=a,1,1,0.5;b,0,-1,-0.5;c,2,0,1;d,-1,0.5,-1").unwrap());
        let scene = Scene::alone(&sim, None, View::default());
        let mut frame = None;
        render(450, 320, |a| {
            frame = Some(super::draw(a, &scene, &Style { scale: 1.0 })?);
            Ok(())
        });
        let frame = frame.unwrap();
        for (i, phi) in sim.world().features.iter().enumerate() {
            let (_, x, y, _) = frame.discs.iter().find(|d| d.0 == i).copied().unwrap();
            assert_eq!(frame.hit(x, y, 0.0), Some(i));
            let back = frame.features(x, y);
            assert!(
                (back[0] - phi[0]).abs() < 0.02 && (back[1] - phi[1]).abs() < 0.02,
                "{back:?} {phi:?}"
            );
        }
        assert_eq!(frame.hit(0.0, 0.0, 4.0), None, "the corner holds no response");
    }

    #[test]
    fn quality_changes_the_map_at_step_0_and_pairs_show_when_asked() {
        let low = Simulation::new(Settings::parse("quality=0").unwrap());
        let high = Simulation::new(Settings::parse("quality=1").unwrap());
        assert_ne!(map(&low, false), map(&high, false));
        assert_ne!(map(&low, false), map(&low, true));
    }
}
