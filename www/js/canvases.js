// The plots: one figure per chart of the core's registry (charts()), which ones a view shows
// and how many fit, their pixel size, and the scale their text is drawn at.
import { el } from './dom.js';
import { compact } from './ui.js';
import { CHARTS, chartTextPx } from './wasm.js';

/** The plots embed, talk and element modes show when none are named. */
export const DEFAULT_PLOTS = ['landscape', 'signal'];
// A compact view shows a plot only with this much room (CSS px), so its text stays legible.
const MIN_PLOT = { w: 280, h: 190 };
// Talk mode draws plot text at least this many times its design size (18 px and more), and
// larger on a larger plot (an enlarged one): as if the design size were three quarters.
const TALK_TEXT = 2;
const TALK_DESIGN = { w: 337, h: 240 };
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

/** The canvases on screen now, in the page's order. */
export function shownCanvases(ui) {
  return [...ui.figures.values()].filter(({ figure }) => !figure.hidden).map(({ canvas }) => canvas);
}

/** The plots the view asks for (every one on the full page). */
const wanted = (ui) => (compact(ui) ? ui.plots ?? DEFAULT_PLOTS : [...ui.figures.keys()]);

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
    columns = Math.min(shown.length, across);
  }
  for (const [key, { figure }] of ui.figures) {
    const on = shown.includes(key);
    if (figure.hidden === on) figure.hidden = !on;
    figure.style.order = on ? String(shown.indexOf(key)) : '';
  }
  ui.$('plots').style.setProperty('--columns', String(columns ?? ''));
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
 * the plot were smaller, so its text is at least twice its design size and grows with the plot.
 */
export function chartScale(ui, canvas, scale) {
  if (ui.mode !== 'talk') return scale;
  const grow = Math.min(canvas.clientWidth / TALK_DESIGN.w, canvas.clientHeight / TALK_DESIGN.h);
  return scale * Math.max(TALK_TEXT, grow);
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

/** A resized layout needs the plots refitted and redrawn. */
export function watchCanvases(ui) {
  new ResizeObserver(() => {
    syncFigures(ui);
    ui.dirty = true;
  }).observe(ui.$('plots'));
}
