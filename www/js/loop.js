// The animation loop: while playing it steps at the chosen pace (pausing once where a
// scenario's story ends), whenever the store is dirty it redraws, and it times its frames for
// frameStats(). The loss landscape is kept within a time budget.
import { store, setError, PACES } from './store.js';
import { guard } from './wasm.js';
import { advance, pause } from './actions.js';
import { shownCanvases, fitCanvases, chartScale, noteTextSize } from './canvases.js';
import { updateReadouts, announce, scheduleAnnouncement, storyTold } from './readouts.js';

const STATS_WINDOW = 120;
// At most this many steps in one frame, and at most this much time caught up after a stall.
const MAX_STEPS_PER_FRAME = 50;
const MAX_CATCH_UP_S = 0.1;
// The loss landscape costs grid cells x pairs. At rest its resolution depends on the pairs
// only (the same state always draws the same pixels); while playing, a time budget per frame
// makes it coarser.
const LANDSCAPE = { min: 8, max: 40, restEvals: 4e6, playMs: 6 };

const clampResolution = (r) => Math.max(LANDSCAPE.min, Math.min(LANDSCAPE.max, Math.floor(r)));

function landscapeResolution() {
  const pairs = Math.max(1, guard(() => store.sim.pairCount()));
  const rest = clampResolution(Math.sqrt(LANDSCAPE.restEvals / pairs));
  const { evalMs } = store.landscape;
  if (!store.playing || evalMs === null) return rest;
  return Math.min(rest, clampResolution(Math.sqrt(LANDSCAPE.playMs / (evalMs * pairs))));
}

/** Brings the landscape up to date, within its time budget while playing. */
function prepareLandscape() {
  const land = store.landscape;
  const start = performance.now();
  // Over budget even when coarse (very many pairs): while playing, refresh it less often.
  if (store.playing && land.costMs > LANDSCAPE.playMs && start - land.at < 3 * land.costMs) return;
  const work = guard(() => store.sim.prepareLandscape(landscapeResolution()));
  if (work > 0) {
    const end = performance.now();
    const perEval = (end - start) / work;
    land.evalMs = land.evalMs === null ? perEval : 0.5 * land.evalMs + 0.5 * perEval;
    land.costMs = end - start;
    land.at = end;
  }
}

/** Draws the plots and the readouts from the simulator as it is now. */
export function render() {
  const scale = window.devicePixelRatio || 1;
  fitCanvases(scale);
  try {
    const canvases = shownCanvases();
    if (canvases.some((c) => c.id === 'landscape')) prepareLandscape();
    guard(() => store.sim.setView(store.view.logSteps, store.view.pairs));
    for (const canvas of canvases) {
      const k = chartScale(canvas, scale);
      guard(() => store.sim.draw(canvas.id, canvas, k));
      noteTextSize(canvas, k, scale);
    }
  } catch (e) {
    pause();
    if (!store.error) setError(`Drawing failed: ${e.message}`);
  }
  updateReadouts();
  scheduleAnnouncement();
  store.dirty = false;
}

/** The steps this frame owes at the pace, up to the story's end. */
function stepsDue(now) {
  const rate = PACES.find((p) => p.value === store.pace).rate;
  const elapsed = store.lastFrame === null ? 0 : Math.min(MAX_CATCH_UP_S, (now - store.lastFrame) / 1000);
  store.lastFrame = now;
  store.owed = Math.min(MAX_STEPS_PER_FRAME, store.owed + (Number.isFinite(rate) ? rate * elapsed : MAX_STEPS_PER_FRAME));
  let n = Math.floor(store.owed);
  store.owed -= n;
  if (store.storyEnd !== null) {
    // Already there (stepped there by hand): the story has no end left to pause at.
    const left = store.storyEnd - guard(() => store.sim.stepCount());
    if (left <= 0) store.storyEnd = null;
    else n = Math.min(n, left);
  }
  return n;
}

/** At the story's end: pause once, and say so. */
function checkStory() {
  if (store.storyEnd === null || guard(() => store.sim.stepCount()) < store.storyEnd) return;
  store.storyEnd = null;
  pause();
  storyTold();
}

function frame(now) {
  requestAnimationFrame(frame);
  if (!store.playing && !store.dirty) return;
  const start = performance.now();
  const sim = store.sim;
  try {
    if (store.playing) {
      const n = stepsDue(now);
      if (n > 0) {
        advance(n);
        checkStory();
      }
    }
    render();
  } catch (e) {
    // A bug, not the run: show it once instead of failing again every frame. Redraw only if
    // guard() restarted a panicked simulator; otherwise wait for a change (reset, a setting).
    console.error(e);
    pause();
    if (!store.error) setError(`Internal error: ${e?.message ?? e}`);
    store.dirty = store.sim !== sim;
  }
  record(start, performance.now());
}

function record(start, end) {
  const { frames } = store;
  frames.count += 1;
  frames.times.push(end - start);
  if (frames.times.length > STATS_WINDOW) frames.times.shift();
  frames.firstMs ??= end;
}

/** Draws the first frame at once (and says it), then animates. */
export function startLoop() {
  const start = performance.now();
  render();
  announce();
  record(start, performance.now());
  requestAnimationFrame(frame);
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
}

/** The recent frames' JavaScript time; the first frame's end, from navigation start. */
export function frameStats() {
  const { count, times, firstMs } = store.frames;
  const sorted = [...times].sort((a, b) => a - b);
  return { frames: count, median_ms: quantile(sorted, 0.5), p95_ms: quantile(sorted, 0.95), first_frame_ms: firstMs };
}
