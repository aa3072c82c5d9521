// All the page's state, in one object, and the one path that shows a change: commit().
// Modules change the store and then commit; the views registered here bring the layout, the
// controls, the address bar, the buttons and the banners in line, and the next frame redraws.
import { parseFragment } from './codec.js';

/** Training steps per second while playing; Infinity: as fast as the page goes. */
export const PACES = [
  { value: '2', rate: 2, label: 'slow: 2 steps/s' },
  { value: '10', rate: 10, label: '10 steps/s' },
  { value: '30', rate: 30, label: '30 steps/s' },
  { value: '100', rate: 100, label: '100 steps/s' },
  { value: '300', rate: 300, label: '300 steps/s' },
  { value: 'max', rate: Infinity, label: 'fastest' },
];
// A 100-step story plays in about three seconds.
export const DEFAULT_PACE = '30';

const opened = parseFragment(location.hash);

export const store = {
  // The run: the wasm simulator, its normalized settings, the preset they came from ('' if none).
  sim: null,
  query: '',
  preset: '',
  playing: false,
  // The pace (a PACES value) and the fraction of a step owed to the next frame.
  pace: DEFAULT_PACE,
  owed: 0,
  lastFrame: null,
  // The scenario's story length: playing pauses there once (null: no story to finish).
  storyEnd: null,
  // The error banner's text (null: hidden).
  error: null,
  // The plots are out of date: the next animation frame redraws them.
  dirty: true,
  // How the page is shown: from the address, and changed by it (url.js). Talk mode is for the
  // whole screen, so embedding wins. The tour is a second page beside this one; the one-file
  // build opened from disk has none. plots/controls: what embed and talk modes show.
  page: {
    embed: opened.embed,
    talk: opened.talk && !opened.embed,
    origin: opened.origin,
    tour: location.protocol !== 'file:',
    plots: null,
    controls: null,
  },
  // How the charts show the run (part of the address, not of the run).
  view: { logSteps: false, pairs: false },
  // For frameStats(): frames drawn, how long the recent ones took, when the first one ended.
  frames: { count: 0, times: [], firstMs: null },
  // The landscape's time budget: the measured cost of one evaluation, of the last refresh, and when.
  landscape: { evalMs: null, costMs: 0, at: -Infinity },
  // The screen-reader summary: its pending timer and when it last spoke.
  spoken: { timer: null, at: -Infinity },
};

// The layout follows the mode at once, while the wasm core still loads.
document.documentElement.classList.toggle('embed', store.page.embed);
document.documentElement.classList.toggle('talk', store.page.talk);

const views = [];

/** Registers a view: a function that brings part of the page in line with the store. */
export function onCommit(view) {
  views.push(view);
}

/** After any change to the store: every view syncs, and the plots redraw on the next frame. */
export function commit() {
  for (const view of views) view();
  store.dirty = true;
}

/** Shows `text` in the error banner (null hides it). */
export function setError(text) {
  store.error = text;
  commit();
}
