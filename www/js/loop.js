// The animation loop of one simulator view: while playing it steps at the chosen pace
// (pausing once where its story ends), whenever the view is dirty it redraws, and it times its
// frames for frameStats(). Off screen it does neither. The loss landscape's surface is kept
// within a time budget. Every redraw goes through drawNow: the frame's, and a caller's that
// needs the picture before the next frame (the API's step, reset and preset, an export).
import { setError } from './ui.js';
import { PACES } from './page-keys.js';
import { setText } from './dom.js';
import { guard } from './wasm.js';
import { advance, pause } from './actions.js';
import { shownCanvases, fitCanvases, chartScale, noteTextSize } from './canvases.js';
import { updateReadouts, announce, scheduleAnnouncement } from './readouts.js';
import { judgeStory } from './story.js';

const STATS_WINDOW = 120;
// At most this many steps in one frame, and at most this much time caught up after a stall.
const MAX_STEPS_PER_FRAME = 50;
const MAX_CATCH_UP_S = 0.1;
// The loss landscape's surface costs grid cells x pairs. At rest it is computed whole, at a
// resolution that depends on the pairs only (the same state always draws the same pixels).
// While playing, the next surface is computed a few rows per frame within a time budget (the
// plot lags the run by a few frames), on a grid coarse enough to finish in a few frames.
const LANDSCAPE = { min: 8, max: 40, restEvals: 4e6, playMs: 1, playFrames: 6 };

// After a slider moves, the view counts as busy this long (ms): the landscape keeps to its
// frame budget while a drag goes on, and is computed whole once the slider rests.
export const ADJUST_MS = 250;

// Steps asked for at once (the API's step(n)) run in the caller's turn up to LONG_MS; the rest
// run WORK_MS a frame, so the page stays live.
const LONG_MS = 50;
const WORK_MS = 8;

// The comparison runs are computed this many ms of each frame: little while the live run plays
// (its steps and drawing come first), more at rest, when a frame has little else to do. (A
// tabular step at N = 48, its curvature measured by Lanczos, takes about a millisecond: the
// support scenario's two comparison runs of 400 steps take about a second at rest.)
const PINNED_MS = { playing: 2, rest: 8 };
const MAX_PINNED_STEPS = 5000;

const clampResolution = (r) => Math.max(LANDSCAPE.min, Math.min(LANDSCAPE.max, Math.floor(r)));

/** Brings the landscape's surface towards the run as it is, within its budget while playing. */
function prepareLandscape(ui) {
  const land = ui.landscape;
  const pairs = Math.max(1, guard(ui, () => ui.sim.pairCount()));
  let resolution = clampResolution(Math.sqrt(LANDSCAPE.restEvals / pairs));
  let rows = resolution;
  if ((ui.playing || ui.adjusting !== null) && land.evalMs !== null) {
    const rowsFor = (ms, r) => ms / (land.evalMs * pairs * r);
    const fits = Math.min(resolution, clampResolution(Math.sqrt(rowsFor(LANDSCAPE.playMs * LANDSCAPE.playFrames, 1))));
    // A new grid size abandons the surface under way: change it only when well off.
    if (land.resolution === null || Math.abs(fits - land.resolution) > 0.2 * land.resolution) land.resolution = fits;
    resolution = land.resolution;
    rows = Math.max(1, Math.floor(rowsFor(LANDSCAPE.playMs, resolution)));
  } else {
    land.resolution = null;
  }
  const start = performance.now();
  const work = guard(ui, () => ui.sim.prepareLandscape(resolution, rows));
  // Timings of tiny jobs are mostly timer noise.
  if (work > 2e4) {
    const perEval = (performance.now() - start) / work;
    land.evalMs = land.evalMs === null ? perEval : 0.8 * land.evalMs + 0.2 * perEval;
  }
}

/** Runs `work`, adding its time to the frame's part `name` (frameStats reports them). */
function timed(ui, name, work) {
  const start = performance.now();
  const result = work();
  const parts = ui.frames.parts;
  if (!parts.has(name)) parts.set(name, []);
  const times = parts.get(name);
  times.push(performance.now() - start);
  if (times.length > STATS_WINDOW) times.shift();
  return result;
}

/**
 * Runs `n` steps: at once when they take at most LONG_MS (returns null), else the first ones
 * now and the rest a slice per frame (returns a Promise settled when they are done, or
 * stopped, or the run diverged). Playing pauses meanwhile.
 */
export function runLong(ui, n) {
  ui.work?.finish();
  const start = performance.now();
  let left = n;
  for (let chunk = 1; left > 0 && !ui.error && performance.now() - start < LONG_MS; chunk *= 2) {
    const k = Math.min(chunk, left);
    advance(ui, k, { quiet: true });
    left -= k;
  }
  ui.onStep?.();
  drawNow(ui);
  if (left === 0 || ui.error) return null;
  pause(ui);
  return new Promise((resolve) => {
    ui.work = {
      total: n,
      left,
      chunk: 1,
      finish: () => {
        ui.work = null;
        syncWork(ui);
        drawNow(ui);
        resolve();
      },
    };
    syncWork(ui);
  });
}

/** The steps' progress, with its Stop button, on the line under the transport. */
function syncWork(ui) {
  const { work } = ui;
  ui.$('work').hidden = !work;
  if (work) setText(ui.$('work-text'), `Running ${work.total} steps: ${Math.floor((100 * (work.total - work.left)) / work.total)} % done.`);
}

/** A slice of the steps asked for: as many as fit WORK_MS (doubling while they fit). */
function runSlice(ui) {
  const { work } = ui;
  const start = performance.now();
  while (work.left > 0 && !ui.error && performance.now() - start < WORK_MS) {
    const k = Math.min(work.chunk, work.left);
    advance(ui, k, { quiet: true });
    work.left -= k;
    if (performance.now() - start < WORK_MS / 4) work.chunk *= 2;
  }
  ui.onStep?.();
  if (work.left === 0 || ui.error) work.finish();
  else syncWork(ui);
}

/** Computes the comparison runs still to compute, within the frame's budget for them. */
function advancePinned(ui) {
  const p = ui.pinning;
  const budget = ui.playing || ui.work ? PINNED_MS.playing : PINNED_MS.rest;
  const steps = Math.max(1, Math.min(MAX_PINNED_STEPS, Math.floor(budget / (p.msPerStep ?? 0.05))));
  const start = performance.now();
  const before = p.left;
  p.left = guard(ui, () => ui.sim.advancePinned(steps));
  const done = Math.min(steps, before - p.left);
  const elapsed = performance.now() - start;
  // Timings under a millisecond are mostly timer noise; a slow step is timed alone.
  if (done > 0 && (done >= 20 || elapsed >= 1)) {
    const ms = elapsed / done;
    p.msPerStep = p.msPerStep === null ? ms : 0.8 * p.msPerStep + 0.2 * ms;
  }
  ui.dirty = true;
}

/**
 * Draws now what is out of date (commit and stepping mark it): the plots and the readouts;
 * `whole`: every plot, those scrolled out of view too, whether or not marked.
 */
export function drawNow(ui, { whole = false } = {}) {
  if (ui.dirty || whole) render(ui, whole);
}

/**
 * Draws the plots and the readouts from the simulator as it is now. While the run plays or a
 * control moves, a plot scrolled out of view waits (it is drawn when it comes into view, and
 * at rest): a frame spends its budget on what is seen.
 */
function render(ui, whole) {
  const scale = window.devicePixelRatio || 1;
  fitCanvases(ui, scale);
  try {
    const moving = ui.playing || ui.adjusting !== null;
    const canvases = shownCanvases(ui).filter((c) => whole || !moving || !ui.outOfView.has(c));
    if (canvases.some((c) => c.id === 'landscape')) timed(ui, 'landscape grid', () => prepareLandscape(ui));
    guard(ui, () => ui.sim.setView(ui.chart.logSteps, ui.chart.pairs));
    for (const canvas of canvases) {
      const k = chartScale(ui, canvas, scale);
      timed(ui, canvas.id, () => guard(ui, () => ui.sim.draw(canvas.id, canvas, k)));
      noteTextSize(canvas, k, scale);
    }
  } catch (e) {
    pause(ui);
    if (!ui.error) setError(ui, `Drawing failed: ${e.message}`);
  }
  timed(ui, 'readouts', () => updateReadouts(ui));
  judgeStory(ui);
  scheduleAnnouncement(ui);
  ui.dirty = false;
}

/** The steps this frame owes at the pace, up to the story's end. */
function stepsDue(ui, now) {
  const rate = PACES.find((p) => p.value === ui.pace).rate;
  const elapsed = ui.lastFrame === null ? 0 : Math.min(MAX_CATCH_UP_S, (now - ui.lastFrame) / 1000);
  ui.lastFrame = now;
  ui.owed = Math.min(MAX_STEPS_PER_FRAME, ui.owed + (Number.isFinite(rate) ? rate * elapsed : MAX_STEPS_PER_FRAME));
  let n = Math.floor(ui.owed);
  ui.owed -= n;
  if (ui.storyEnd !== null) {
    // Already there (stepped there by hand): the story has no end left to pause at.
    const left = ui.storyEnd - guard(ui, () => ui.sim.stepCount());
    if (left <= 0) ui.storyEnd = null;
    else n = Math.min(n, left);
  }
  return n;
}

/** At the story's end: pause once, and say so. */
function checkStory(ui) {
  if (ui.storyEnd === null || guard(ui, () => ui.sim.stepCount()) < ui.storyEnd) return;
  ui.storyEnd = null;
  pause(ui);
  judgeStory(ui);
}

function frame(ui, now) {
  requestAnimationFrame((t) => frame(ui, t));
  if (ui.adjusting !== null && now > ui.adjusting) {
    // The slider has come to rest: redraw once more, the landscape at its full resolution.
    ui.adjusting = null;
    ui.dirty = true;
  }
  if (ui.offscreen || (!ui.playing && !ui.dirty && ui.pinning.left === 0 && !ui.work)) {
    // Time off screen is not owed steps.
    ui.lastFrame = null;
    return;
  }
  const start = performance.now();
  const sim = ui.sim;
  try {
    if (ui.playing) {
      const n = stepsDue(ui, now);
      if (n > 0) {
        timed(ui, 'steps', () => advance(ui, n));
        checkStory(ui);
      }
    }
    if (ui.work) timed(ui, 'steps', () => runSlice(ui));
    if (ui.pinning.left > 0) timed(ui, 'pinned runs', () => advancePinned(ui));
    // Playing, every frame draws: between steps the landscape's next surface goes on.
    if (ui.playing) ui.dirty = true;
    drawNow(ui);
  } catch (e) {
    // A bug, not the run: show it once instead of failing again every frame. Redraw only if
    // guard() restarted a panicked simulator; otherwise wait for a change (reset, a setting).
    console.error(e);
    pause(ui);
    if (!ui.error) setError(ui, `Internal error: ${e?.message ?? e}`);
    ui.dirty = ui.sim !== sim;
  }
  record(ui, start, performance.now());
}

function record(ui, start, end) {
  const { frames } = ui;
  frames.count += 1;
  frames.times.push(end - start);
  if (frames.times.length > STATS_WINDOW) frames.times.shift();
  frames.firstMs ??= end;
}

/** Draws the first frame at once (and says it), then animates. */
export function startLoop(ui) {
  const start = performance.now();
  drawNow(ui);
  announce(ui);
  record(ui, start, performance.now());
  requestAnimationFrame((t) => frame(ui, t));
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
}

const sorted = (times) => [...times].sort((a, b) => a - b);

/**
 * The recent frames' JavaScript time (median and 95th percentile), the median of each part of
 * it (steps, landscape grid, each chart, readouts), and the first frame's end from navigation
 * start.
 */
export function frameStats(ui) {
  const { count, times, parts, firstMs } = ui.frames;
  const all = sorted(times);
  const medians = Object.fromEntries([...parts].map(([name, t]) => [name, quantile(sorted(t), 0.5)]));
  return { frames: count, median_ms: quantile(all, 0.5), p95_ms: quantile(all, 0.95), parts_ms: medians, first_frame_ms: firstMs };
}
