// One simulator on screen: its state, its DOM root and the one path that shows a change,
// commit(). The full page has one; each <dpo-sim> element has its own. Modules change a ui
// and then commit; the views registered on it bring the controls, the buttons and (on the
// page) the address bar in line, and its next frame redraws.
import { DEFAULT_PACE } from './page-keys.js';

/**
 * A simulator view on `root` (the document, or an element's shadow root). `mode` is how it
 * is shown: 'page', 'embed', 'talk' (the page in those modes) or 'element'.
 */
export function createUi(root, mode) {
  return {
    root,
    $: (id) => root.getElementById(id),
    mode,
    // The run: the wasm simulator, its normalized settings, the preset they came from ('' if none).
    sim: null,
    query: '',
    preset: '',
    playing: false,
    // The pace (a PACES value) and the fraction of a step owed to the next frame.
    pace: DEFAULT_PACE,
    owed: 0,
    lastFrame: null,
    // Where playing pauses once: the story's end (null: no story to finish), and a story
    // length given from outside (an element's steps attribute) that overrides the scenario's.
    storyEnd: null,
    storyLength: null,
    // The comparison runs still to compute (steps) and what a step of them costs (ms); and
    // whether the scenario's story has been judged at its end.
    pinning: { left: 0, msPerStep: null },
    storyDone: false,
    // Steps asked for at once that run a slice per frame: {total, left, chunk, finish} (null: none).
    work: null,
    // Called after steps were taken (an element fires its dpo-sim-step event).
    onStep: null,
    // The error banner's text (null: hidden).
    error: null,
    // The plots are out of date: the next animation frame redraws them.
    dirty: true,
    // Off screen (an element scrolled away, a hidden tab): no stepping, no drawing.
    offscreen: false,
    // The plots' canvases known to be scrolled out of view: while a run moves they wait.
    outOfView: new Set(),
    // What embed, talk and element modes show (null: their defaults), the heading given in
    // the address or an element's attribute (null: the scenario's title), and the one origin
    // the page answers postMessage from (null: any).
    plots: null,
    controls: null,
    title: null,
    origin: null,
    // Where "More in the tour" goes (the page only; null: no link).
    tourPage: null,
    // The DOM built once (canvases.js, controls.js, readouts.js): plot figures by chart key,
    // controls by settings key, and the number tables with their value cells.
    figures: new Map(),
    inputs: new Map(),
    tables: [],
    // A slide deck paused this view on slide:stop; slide:start plays it again.
    resumeOnSlide: false,
    // How the charts show the run.
    chart: { logSteps: false, pairs: false },
    // The response the keyboard moves on the map (an index; null: none), see map-drag.js.
    mapFocus: null,
    // For frameStats(): frames drawn, how long the recent ones took (in all, and by part:
    // steps, landscape, each chart, readouts), when the first one ended.
    frames: { count: 0, times: [], parts: new Map(), firstMs: null },
    // Until when a slider counts as being moved (a timestamp; null: at rest), see loop.js.
    adjusting: null,
    // The landscape's time budget: the measured cost of one evaluation (cell x pair), and the
    // grid size while playing.
    landscape: { evalMs: null, resolution: null },
    // The address bar (the page only): when it was last written, what it was set to (by the
    // page, or as loaded), and a write waiting to be.
    address: { timer: null, at: -Infinity, hash: null },
    // Which sliders are on top now (their keys, joined), so they move only when that changes.
    placed: null,
    // The screen-reader summary: its pending timer, when it last spoke, and whether a story's
    // message holds the live region (no summary until the run moves or changes).
    spoken: { timer: null, at: -Infinity, held: false },
    views: [],
  };
}

/** Embed, talk and element modes: a compact stage of a few sliders and plots. */
export const compact = (ui) => ui.mode !== 'page';

/** Registers a view: a function that brings part of the page in line with `ui`. */
export function onCommit(ui, view) {
  ui.views.push(view);
}

/**
 * After any change: every view syncs, the comparison runs still to compute are counted, and
 * the plots are out of date: the next frame redraws them (or drawNow in loop.js, at once).
 */
export function commit(ui) {
  ui.spoken.held = false;
  ui.pinning.left = ui.sim?.advancePinned(0) ?? 0;
  for (const view of ui.views) view(ui);
  ui.dirty = true;
}

/** Shows `text` in the error banner (null hides it). */
export function setError(ui, text) {
  ui.error = text;
  commit(ui);
}
