// The plots: one figure per chart of the core's registry (charts()), which ones a view shows
// and how many fit, their pixel size, and the scale their text is drawn at.
import { el } from './dom.js';
import { compact } from './ui.js';
import { DEFAULT_PLOTS } from './page-keys.js';
import { CHARTS, PRESETS, chartTextPx } from './wasm.js';

// A compact view shows a plot only with this much room (CSS px, caption included): its canvas
// is then at least 190 px tall, which every chart fills without crowding its labels
// (charts/mod.rs tests the sizes).
const MIN_PLOT = { w: 280, h: 220 };
// Talk mode draws plot text this many times its design size (18 px and more), and larger on a
// larger plot (an enlarged one): as if the design size were three quarters. With more plots
// than the two it is made for, the text shrinks (not below its design size) so that each
// chart keeps at least TALK_ROOM CSS px to draw in.
const TALK_TEXT = 2;
const TALK_DESIGN = { w: 337, h: 240 };
const TALK_ROOM = { w: 300, h: 200 };
// A plot's natural height, as a share of its width (elements, and the height an embed asks for).
const NATURAL_ASPECT = 1 / 1.47;

/** Builds the figures of `ui` (key -> {figure, canvas}, in the registry's order). */
export function buildFigures(ui) {
  for (const chart of CHARTS) {
    const canvas = el('canvas', { id: chart.key, role: 'img', 'aria-label': chart.title });
    const caption = el('figcaption', {}, [el('strong', { text: chart.title }), ' ', el('span', { class: 'hint', text: chart.caption })]);
    const figure = el('figure', { 'data-chart': chart.key }, [caption, canvas]);
    ui.$('plots').append(figure);
    ui.figures.set(chart.key, { figure, canvas });
  }
}

/** A pointer's position in a canvas's device pixels, and device pixels per CSS pixel: [x, y, k]. */
export function pointerPixels(canvas, event) {
  const k = canvas.width / Math.max(1, canvas.clientWidth);
  return [event.offsetX * k, event.offsetY * k, k];
}

/**
 * Lets a finger that lands on something draggable on `canvas` drag it instead of scrolling
 * the page (`grabs(x, y, k)`: is there one at device pixel (x, y)?); elsewhere a finger still
 * scrolls, as it does over any picture.
 */
export function dragWithFinger(canvas, grabs) {
  canvas.addEventListener('touchstart', (event) => {
    if (event.touches.length !== 1) return;
    const rect = canvas.getBoundingClientRect();
    const k = canvas.width / Math.max(1, canvas.clientWidth);
    const [touch] = event.touches;
    if (grabs((touch.clientX - rect.left) * k, (touch.clientY - rect.top) * k, k)) event.preventDefault();
  }, { passive: false });
}

/** The canvases on screen now, in the page's order. */
export function shownCanvases(ui) {
  return [...ui.figures.values()].filter(({ figure }) => !figure.hidden).map(({ canvas }) => canvas);
}

/** The plots that carry the loaded scenario's evidence, else the defaults. */
const evidence = (ui) => PRESETS.find((p) => p.key === ui.preset)?.plots ?? DEFAULT_PLOTS;

/**
 * The plots the view asks for: those named (by the address or an element), else the
 * scenario's; on the full page every one, the scenario's first.
 */
function wanted(ui) {
  if (compact(ui)) return ui.plots ?? evidence(ui);
  const first = evidence(ui);
  return [...first, ...[...ui.figures.keys()].filter((k) => !first.includes(k))];
}

/**
 * How many columns `n` plots take in a box of `w` x `h` (at most `across`): the arrangement
 * whose plots are largest at their natural shape (4 plots on a projector: 2 x 2, not 4 x 1).
 */
function bestColumns(n, w, h, across) {
  let best = 1;
  let size = -1;
  for (let c = 1; c <= Math.min(n, across); c++) {
    const fits = Math.min(w / c, (h / Math.ceil(n / c)) / NATURAL_ASPECT);
    if (fits > size + 1e-9) [best, size] = [c, fits];
  }
  return best;
}

/**
 * The view of the plots: the ones asked for, as many as fit their room in compact views
 * (in the order asked), in as many columns as fit. An element grows to their natural
 * height, so only its width limits it; an embed or talk mode fills the screen.
 */
export function syncFigures(ui) {
  const asked = wanted(ui);
  let shown = asked;
  let columns = null;
  if (compact(ui)) {
    const box = ui.$('plots').getBoundingClientRect();
    const across = Math.max(1, Math.floor(box.width / MIN_PLOT.w));
    const down = ui.mode === 'element' ? Infinity : Math.max(1, Math.floor(box.height / MIN_PLOT.h));
    shown = asked.slice(0, Math.max(1, Math.min(asked.length, across * down)));
    columns = ui.mode === 'element' ? Math.min(shown.length, across) : bestColumns(shown.length, box.width, box.height, across);
  }
  for (const [key, { figure }] of ui.figures) {
    const on = shown.includes(key);
    if (figure.hidden === on) figure.hidden = !on;
    const order = on ? String(shown.indexOf(key)) : '';
    if (figure.style.order !== order) figure.style.order = order;
  }
  if (ui.$('plots').style.getPropertyValue('--columns') !== String(columns ?? '')) ui.$('plots').style.setProperty('--columns', String(columns ?? ''));
  ui.$('plots').classList.toggle('columns', columns !== null);
}

/** Backing store at device pixels; the CSS decides the size on screen. */
export function fitCanvases(ui, scale) {
  for (const c of shownCanvases(ui)) {
    const w = Math.max(1, Math.round(c.clientWidth * scale));
    const h = Math.max(1, Math.round(c.clientHeight * scale));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
  }
}

/**
 * Device pixels per CSS pixel, as the chart on `canvas` should assume. Talk mode draws as if
 * the plot were smaller, so its text is twice its design size (more on an enlarged plot, less
 * when four plots share the screen).
 */
export function chartScale(ui, canvas, scale) {
  if (ui.mode !== 'talk') return scale;
  const { clientWidth: w, clientHeight: h } = canvas;
  const grow = Math.min(w / TALK_DESIGN.w, h / TALK_DESIGN.h);
  const room = Math.min(w / TALK_ROOM.w, h / TALK_ROOM.h);
  return scale * Math.max(1, Math.min(Math.max(TALK_TEXT, grow), room));
}

/** Notes on the canvas the size its smallest text was drawn at, in CSS px (tests read it). */
export function noteTextSize(canvas, chartScaleUsed, scale) {
  canvas.dataset.textPx = (chartTextPx(canvas.width, canvas.height, chartScaleUsed) / scale).toFixed(1);
}

/** An embed's height when its plots keep their natural shape: what its parent may size it to. */
export function naturalHeight(ui) {
  const plots = ui.$('plots');
  const columns = Number(plots.style.getPropertyValue('--columns')) || 1;
  const rows = Math.ceil(wanted(ui).length / columns);
  const width = plots.clientWidth / columns;
  const above = plots.getBoundingClientRect().top + window.scrollY;
  return Math.ceil(above + rows * (width * NATURAL_ASPECT + 28) + 8);
}

/**
 * A resized layout needs the plots refitted and redrawn. Which plots are scrolled out of view
 * is noted: while a run plays or a control moves, only those in view are drawn each frame
 * (loop.js), and one coming into view is drawn then.
 */
export function watchCanvases(ui) {
  new ResizeObserver(() => {
    syncFigures(ui);
    ui.dirty = true;
  }).observe(ui.$('plots'));
  const seen = new IntersectionObserver((entries) => {
    for (const { target, isIntersecting } of entries) {
      if (isIntersecting) {
        ui.outOfView.delete(target);
        ui.dirty = true;
      } else ui.outOfView.add(target);
    }
  });
  for (const { canvas } of ui.figures.values()) seen.observe(canvas);
}
