// All the page's state, in one object, and the one path that shows a change: commit().
// Modules change the store and then commit; the views registered here bring the controls,
// the address bar, the buttons and the banners in line, and the next frame redraws.
import { parseFragment } from './codec.js';

const DEFAULT_SPEED = 5;
const opened = parseFragment(location.hash);

export const store = {
  // The run: the wasm simulator, its normalized settings, the preset they came from ('' if none).
  sim: null,
  query: '',
  preset: '',
  playing: false,
  // Training steps per animation frame while playing.
  speed: DEFAULT_SPEED,
  // The error banner's text (null: hidden).
  error: null,
  // The plots are out of date: the next animation frame redraws them.
  dirty: true,
  // How the page was opened, fixed at load. Talk mode is for the whole screen, so embedding
  // wins. The tour is a second page beside this one; the one-file build opened from disk has none.
  page: {
    embed: opened.embed,
    talk: opened.talk && !opened.embed,
    origin: opened.origin,
    tour: location.protocol !== 'file:',
  },
  // For frameStats(): frames drawn, how long the recent ones took, when the first one ended.
  frames: { count: 0, times: [], firstMs: null },
  // The landscape's time budget: the measured cost of one evaluation, of the last refresh, and when.
  landscape: { evalMs: null, costMs: 0, at: -Infinity },
  // The screen-reader announcement: its pending timer and when it last spoke.
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
