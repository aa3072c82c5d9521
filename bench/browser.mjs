// The in-browser benchmarks of the simulator, run by `./build.sh bench` after `./build.sh dist`
// and the native benchmarks (bench/native.json). It serves dist/, drives headless Chromium,
// merges everything into bench/results.json and prints each target with its measured value.
// Benchmarks, not tests: it reports numbers and exits 0 whether or not a target is met.
//
// What it measures:
// - frames: the page playing at its default pace for FRAMES animation frames per scenario;
//   the page's own `dpoSim.frameStats()` (the JS work of a frame and of each of its parts:
//   steps, landscape grid, each plot, the readouts; over its window of the last 120 frames)
//   and the animation frames per second (what the viewer gets, including the browser's own
//   painting);
// - where a frame goes: the same scenarios again with the renderer's main thread traced (JS,
//   canvas flush, layout, paint; wall and CPU time);
// - a drag: the quality slider dragged back and forth with the mouse, one move per animation
//   frame, while the page plays at the default settings: the JS of each frame that handled a
//   move (the slider's handlers with the frame's callbacks) and the animation frames per
//   second meanwhile;
// - a response dragged: a disc of the response map (N = 48, default settings) dragged round a
//   small circle with the mouse, a move sent every 60th of a second, at rest (as loaded,
//   paused) and playing: the JS of each frame that handled a move, its pointer events'
//   handlers (each move edits the world and restarts the run) and its animation-frame
//   callbacks, and the animation frames per second;
// - the sweep view's 21 x 21 quality x support phase map of 100-step runs: how long it
//   takes, and the animation frames per second meanwhile;
// - first frame: navigation start to the end of the first drawn frame, on fresh loads;
// - wasm steps: the native benchmark cases on a bare `Sim` of the page's own wasm instance
//   (stepping only, no drawing), timed like benches/core.rs, and their ratio to native;
// - the exact step against NumPy: bench/step-vs-numpy.json, written by bench/side_by_side.sh
//   earlier in the same `./build.sh bench`;
// - soak: a million steps on a bare `Sim`: wasm memory, JS heap, and the time of a run's
//   first thousand steps against a thousand steps after the million;
// - sizes: the wasm binary in dist/pkg, raw and gzipped.

import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchBrowser, colourCentre } from '../tests/e2e/helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const NATIVE_JSON = join(ROOT, 'bench', 'native.json');
const NUMPY_JSON = join(ROOT, 'bench', 'step-vs-numpy.json');
const RESULTS_JSON = join(ROOT, 'bench', 'results.json');
/** Scratch output (gitignored): the Chromium traces of the instrumented runs. */
const OUT = join(ROOT, 'bench', 'out');

const VIEWPORT = { width: 1400, height: 900 };
const FRAMES = 300;
const FIRST_FRAME_LOADS = 5;
const SOAK_STEPS = 1_000_000;
const SOAK_CHUNK = 1000;
/** The soak compares the first and the last chunk of a run this many times, alternately. */
const SOAK_PAIRS = 30;
const KB = 1000;

/** Playing scenarios at the default pace: URL fragment, device pixel ratio. */
const SCENARIOS = [
  { name: 'default, online', fragment: 'online=1', dpr: 1 },
  { name: 'N=256, online', fragment: 'online=1&n=256', dpr: 1 },
  { name: 'default, online, DPR 2', fragment: 'online=1', dpr: 2 },
  // Best-of-K's two comparison runs, and two more pinned: the most runs the page draws.
  { name: 'best-of-k, 4 pinned runs', fragment: 'preset=best-of-k', dpr: 1, pins: 2 },
  { name: 'N=256 tabular Mix-P', fragment: 'model=tabular&design=mixp&n=256', dpr: 1 },
];
/** Scenarios whose comparison runs are timed from loading to drawn. */
const COMPARED = ['support', 'online', 'best-of-k', 'sweet-spot', 'sampler-speed'];
/** The drag lasts as many frames as a playing scenario (from a fresh load, like them). */
const DRAG_FRAMES = FRAMES;
/**
 * The response dragged: round a circle of this radius (CSS px), once per this many moves; at
 * most this many moves sent and not yet answered.
 */
const DRAG_RESPONSE = { radius: 30, period: 120, inFlight: 4 };
/** The phase map: grid points per setting, steps per run. */
const PHASE_MAP = { grid: 21, steps: 100 };

/** The cases of benches/core.rs (same names, same settings), timed the same way in wasm. */
const STEP_CASES = [
  ['step N=48 (linear)', ''],
  ['step N=48 (tabular)', 'model=tabular'],
  ['step N=48 online', 'online=1&quality=0.5'],
  ['step N=256', 'n=256'],
  ['step N=48 exact', 'exact=1'],
  ['step N=48 best-of-8', 'design=bvw&k=8'],
];

const t0 = Date.now();
/** Progress on stderr: a run takes minutes. */
const progress = (what) => console.error(`bench: ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s  ${what}`);

// ---------------------------------------------------------------- server and browser

/** `node scripts/serve.mjs dist 0`; resolves with its URL (ending in '/') and a stop function. */
function startServer() {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs'), DIST, '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${output}`)));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ url: match[1], stop: () => child.kill() });
    });
  });
}

/** With `init`, a function run in the page before its own scripts (context.addInitScript). */
async function openSim(browser, url, { fragment = '', dpr = 1, init = null } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: dpr });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error}`));
  await page.goto(url + (fragment ? `#${fragment}` : ''));
  await page.waitForFunction(() => window.dpoSimReady === true, null, { timeout: 60_000 });
  return { context, page };
}

// ---------------------------------------------------------------- in-page helpers
// Functions passed to page.evaluate: they run in the page, not in Node.

/** Records the time of every animation frame in `window.__benchRaf`. */
function recordAnimationFrames() {
  window.__benchRaf = [];
  const tick = (t) => {
    window.__benchRaf.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * The JS of each animation frame, in `window.__benchFrames` ({ t, input, raf }: the frame's
 * time, the ms of the pointer and mouse events' handlers dispatched since the last frame, the
 * ms of its animation-frame callbacks). The page's own frameStats() times only its
 * animation-frame callback; a drag's edits run in its pointer events' handlers, which Chromium
 * dispatches at the start of the frame, before the callbacks. Run before the page's scripts:
 * the window's capturing listeners come first, its bubbling ones last, and requestAnimationFrame
 * is wrapped before the page takes it.
 */
function timeFrameWork() {
  const frames = [];
  let input = 0;
  const started = new Map();
  // A slider's `input` event follows its mousemove's dispatch (its default action): timed too.
  for (const type of ['pointerdown', 'pointermove', 'pointerup', 'mousedown', 'mousemove', 'mouseup', 'input']) {
    addEventListener(type, (e) => started.set(e, performance.now()), true);
    addEventListener(type, (e) => {
      if (started.has(e)) input += performance.now() - started.get(e);
      started.delete(e);
    });
  }
  let current = null;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => raf((t) => {
    if (current?.t !== t) {
      current = { t, input, raf: 0 };
      input = 0;
      started.clear();
      frames.push(current);
    }
    const start = performance.now();
    try {
      callback(t);
    } finally {
      current.raf += performance.now() - start;
    }
  });
  window.__benchFrames = frames;
}

/**
 * Times the step cases on bare `Sim`s of the page's wasm instance, like
 * benches/core.rs: a warm-up, then rounds of calls; returns the microseconds per call of each
 * round. The page's clock is coarse (0.1 ms), so a round lasts about 20 ms: the warm-up counts
 * how many calls that takes. The step cases take their rounds in turn, so that a slow spell
 * of the machine (other work) spreads over all of them rather than landing on one.
 */
async function timeWasmCases({ steps, rounds }) {
  const { Sim } = await import(new URL('pkg/dpo_sim.js', location.href).href);
  const warmUp = (call) => {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < 100) {
      call();
      calls += 1;
    }
    const callMs = (performance.now() - start) / calls;
    return { callMs, iters: Math.max(1, Math.round(20 / callMs)) };
  };
  const round = ({ call, iters }) => {
    const start = performance.now();
    for (let i = 0; i < iters; i++) call();
    return ((performance.now() - start) * 1000) / iters;
  };
  const cases = steps.map(([name, settings]) => {
    const sim = new Sim(`lr=0.01&${settings}`);
    const call = () => sim.step(1);
    return { name, sim, call, iters: warmUp(call).iters, perCall: [] };
  });
  for (let r = 0; r < rounds; r++) for (const c of cases) c.perCall.push(round(c));
  for (const c of cases) c.sim.free();
  return cases.map(({ name, perCall }) => ({ name, perCall }));
}

/**
 * A million steps on a bare `Sim` in chunks: each chunk's time, wasm memory, history length.
 * Then the cost of a run's first chunk against a chunk a million steps in, measured
 * alternately (fresh runs against the long one), so that changes in the machine's own speed
 * over the soak (other work, the clock) weigh on both alike.
 */
async function soak({ steps, chunk, pairs }) {
  const mod = await import(new URL('pkg/dpo_sim.js', location.href).href);
  const memory = (await mod.default()).memory;
  const timed = (sim) => {
    const start = performance.now();
    sim.step(chunk);
    return performance.now() - start;
  };
  const sim = new mod.Sim('');
  const chunkMs = [];
  const wasmBytes = { start: memory.buffer.byteLength };
  for (let done = 0; done < steps; done += chunk) {
    chunkMs.push(timed(sim));
    if (done + chunk === 10_000) wasmBytes.after_10k_steps = memory.buffer.byteLength;
  }
  wasmBytes.end = memory.buffer.byteLength;
  const soaked = sim.stepCount();
  const firstMs = [];
  const lastMs = [];
  for (let i = 0; i < pairs; i++) {
    const fresh = new mod.Sim('');
    firstMs.push(timed(fresh));
    fresh.free();
    lastMs.push(timed(sim));
  }
  const result = {
    chunkMs, firstMs, lastMs, wasmBytes, steps: soaked, history: sim.history().length, diverged: sim.diverged(),
  };
  sim.free();
  return result;
}

// ---------------------------------------------------------------- measurements

/** Median and 95th percentile, in Node (same ranks as benches/core.rs). */
function quantiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.floor((sorted.length * 95) / 100)] };
}

async function jsHeapUsed(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value;
}

/**
 * The renderer's main thread per played frame, from a Chromium trace: wall and CPU (thread
 * time) milliseconds of the whole frame and of its parts. The CPU time is what the frame costs on
 * an idle machine; the wall time also holds waiting for a core.
 */
function summariseTrace(path, frames) {
  const { traceEvents } = JSON.parse(readFileSync(path, 'utf8'));
  const main = new Set(
    traceEvents
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const events = traceEvents.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const parts = {
    'whole frame (the rows below and more)': ['ProxyMain::BeginMainFrame'],
    'animation-frame JS (frameStats measures this)': ['FireAnimationFrame'],
    'canvas flush at commit (software raster)': ['LayerTreeHost::DoUpdateLayers'],
    'style and layout': ['UpdateLayoutTree', 'Layout'],
    'pre-paint and paint': ['PrePaint', 'Paint'],
  };
  const perFrame = Object.fromEntries(
    Object.entries(parts).map(([label, names]) => {
      const matching = events.filter((e) => names.includes(e.name));
      const total = (key) => matching.reduce((sum, e) => sum + (e[key] ?? 0), 0) / 1000 / frames;
      return [label, { wall: total('dur'), cpu: total('tdur') }];
    }),
  );
  return { frames, per_frame_ms: perFrame };
}

/** Animation frames per second over a run of frame times (ms). */
const perSecond = (times) => ((times.length - 1) * 1000) / (times.at(-1) - times[0]);

/**
 * Plays one scenario for FRAMES frames. With `instrument`, the main thread is traced too
 * (bench/out/trace-*.json), for where the frame time goes beyond the page's own JS.
 */
async function playScenario(browser, url, scenario, { instrument = false } = {}) {
  const { context, page } = await openSim(browser, url, scenario);
  if (scenario.pins) await pinRuns(page, scenario.pins);
  const tracePath = join(OUT, `trace-${scenario.name.replace(/\W+/g, '-')}.json`);
  const before = await page.evaluate(() => window.dpoSim.frameStats().frames);
  await page.evaluate(recordAnimationFrames);
  if (instrument) await browser.startTracing(page, { path: tracePath, categories: ['devtools.timeline', 'benchmark'] });
  await page.evaluate(() => window.dpoSim.play());
  await page.waitForFunction((n) => window.dpoSim.frameStats().frames >= n, before + FRAMES, { timeout: 600_000 });
  const result = await page.evaluate(() => {
    window.dpoSim.pause();
    const { error, frameStats, metrics } = window.dpoSim;
    return { stats: frameStats(), step: metrics().step, error: error(), raf: window.__benchRaf };
  });
  let breakdown = null;
  if (instrument) {
    // Paused: the frames left until the trace stops are idle ones, of no weight.
    await browser.stopTracing();
    const played = result.stats.frames - before;
    breakdown = { main_thread: summariseTrace(tracePath, played) };
  }
  await context.close();
  const raf = result.raf.slice(-FRAMES);
  const intervals = quantiles(raf.slice(1).map((t, i) => t - raf[i]));
  return {
    ...scenario,
    frames: FRAMES,
    steps: result.step,
    median_ms: result.stats.median_ms,
    p95_ms: result.stats.p95_ms,
    parts_ms: result.stats.parts_ms,
    frame_interval_median_ms: intervals.median,
    frame_interval_p95_ms: intervals.p95,
    frames_per_s: perSecond(raf),
    error: result.error,
    breakdown,
  };
}

/**
 * Waits for a scenario's comparisons, then pins the live run `pins` times along its way (each
 * pinned run as long as the scenario's), and starts the live run again from step 0.
 */
async function pinRuns(page, pins) {
  await page.waitForFunction(() => window.dpoSim.pinned().every((p) => p.done), null, { timeout: 60_000 });
  await page.evaluate(async (n) => {
    const { dpoSim } = window;
    const steps = dpoSim.presets().find((p) => p.key === dpoSim.get().preset)?.steps ?? 300;
    for (let k = 0; k < n; k++) {
      dpoSim.set({ k: 4 + 4 * k });
      await dpoSim.step(steps);
      dpoSim.pin();
      dpoSim.reset();
    }
  }, pins);
  const pinned = await page.evaluate(() => window.dpoSim.pinned().length);
  if (pinned < 2 + pins) throw new Error(`bench: ${pinned} pinned runs, expected ${2 + pins}`);
}

/**
 * Each scenario of COMPARED loaded through the API as the picker does: the time until its
 * comparison runs are computed and a frame has drawn them (median of 3 loads each).
 */
async function comparisonsDrawn(browser, url) {
  const { context, page } = await openSim(browser, url);
  const out = {};
  for (const key of COMPARED) {
    const times = [];
    for (let round = 0; round < 3; round++) {
      times.push(await page.evaluate((k) => new Promise((done) => {
        const t = performance.now();
        window.dpoSim.preset(k);
        const poll = () => {
          if (window.dpoSim.pinned().every((p) => p.done)) {
            // The frame after the last one computed draws them.
            requestAnimationFrame(() => done(performance.now() - t));
          } else requestAnimationFrame(poll);
        };
        poll();
      }), key));
    }
    out[key] = quantiles(times).median;
  }
  await context.close();
  return { median_ms: out, slowest_ms: Math.max(...Object.values(out)) };
}

/**
 * The quality slider dragged with the mouse, back and forth across its track, while the page
 * plays at the default settings, for as many frames as a playing scenario: the JS of each frame
 * that handled a move (the slider's handlers, the edit, with the frame's callbacks: see
 * timeFrameWork), the page's own frameStats beside it, and the animation frames per second.
 */
async function dragWhilePlaying(browser, url) {
  const { context, page } = await openSim(browser, url, { init: timeFrameWork });
  const box = await page.locator('#ctl-quality').boundingBox();
  const y = box.y + box.height / 2;
  const at = (k) => box.x + box.width * (0.05 + 0.9 * (0.5 - 0.5 * Math.cos((2 * Math.PI * k) / 120)));
  // The values the slider passes through, as the page sees them.
  await page.evaluate(() => {
    window.__benchValues = new Set();
    document.getElementById('ctl-quality').addEventListener('input', () => window.__benchValues.add(window.dpoSim.get().quality));
  });
  await page.evaluate(() => window.dpoSim.play());
  await page.mouse.move(at(0), y);
  await page.mouse.down();
  const start = await page.evaluate(() => performance.now());
  const first = await page.evaluate(() => ({ stats: window.dpoSim.frameStats().frames, frames: window.__benchFrames.length }));
  await page.evaluate(recordAnimationFrames);
  // Moves as fast as they reach the page (the browser hands the page one per frame at most).
  let moves = 0;
  while ((await page.evaluate(() => window.dpoSim.frameStats().frames)) < first.stats + DRAG_FRAMES) {
    moves += 1;
    await page.mouse.move(at(moves), y);
  }
  const result = await page.evaluate((from) => ({
    frames: window.__benchFrames.slice(from),
    stats: window.dpoSim.frameStats(),
    step: window.dpoSim.metrics().step,
    raf: window.__benchRaf,
    playing: window.dpoSim.isPlaying(),
    values: window.__benchValues.size,
    now: performance.now(),
  }), first.frames);
  await page.mouse.up();
  await context.close();
  // The frame's JS where a move was handled: the slider's handlers (the edit) and the callbacks.
  const moved = result.frames.filter((f) => f.input > 0);
  const work = quantiles(moved.map((f) => f.input + f.raf));
  const input = quantiles(moved.map((f) => f.input));
  return {
    moves,
    frames: DRAG_FRAMES,
    frames_with_a_move: moved.length,
    seconds: (result.now - start) / 1000,
    distinct_values: result.values,
    steps_taken: result.step,
    still_playing: result.playing,
    median_ms: work.median,
    p95_ms: work.p95,
    input_median_ms: input.median,
    input_p95_ms: input.p95,
    frame_stats: { median_ms: result.stats.median_ms, p95_ms: result.stats.p95_ms, parts_ms: result.stats.parts_ms },
    frames_per_s: perSecond(result.raf),
  };
}

/**
 * A response of the default world (N = 48) dragged on the response map with the mouse, round
 * a circle of DRAG_RESPONSE.radius CSS px, DRAG_FRAMES moves at 60 a second: at rest (as
 * loaded: paused, as one edits a world) or `playing`. Each move edits the world (world=, the
 * run restarts) in the map's pointermove handler, and the frame redraws. The JS of the frames
 * that handled a move (their pointer events' handlers and animation-frame callbacks,
 * timeFrameWork), the page's own frameStats() (the callbacks only, as the other parts report;
 * over its window of the last 120 frames that did anything), and the animation frames per
 * second.
 */
async function dragResponse(browser, url, { playing = false } = {}) {
  const { context, page } = await openSim(browser, url, { init: timeFrameWork });
  await page.locator('#map').scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  // The best response, the top of viridis: its disc, found by its colour.
  const disc = await page.evaluate(colourCentre, ['map', [253, 231, 37]]);
  if (!disc || disc.count < 20) throw new Error(`bench: no disc of the best response on the map (${JSON.stringify(disc)})`);
  const box = await page.locator('#map').boundingBox();
  const { radius, period } = DRAG_RESPONSE;
  const at = (k) => [
    box.x + disc.x + radius * (Math.cos((2 * Math.PI * k) / period) - 1),
    box.y + disc.y + radius * Math.sin((2 * Math.PI * k) / period),
  ];
  await page.mouse.move(...at(0));
  if (playing) await page.evaluate(() => window.dpoSim.play());
  await page.mouse.down();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
  const start = await page.evaluate(() => ({ t: performance.now(), frames: window.__benchFrames.length }));
  // Moves at the display's pace, as a hand's come. A move is answered only once the page has
  // handled it, two or three frames later, so the next ones are sent before (at most
  // DRAG_RESPONSE.inFlight unanswered). Chromium hands the page the moves that reach it within
  // a frame as one pointermove: about every other frame gets one (frames_with_a_move).
  const pending = new Set();
  const t = Date.now();
  let moves = 0;
  while (moves < DRAG_FRAMES) {
    moves += 1;
    const sent = page.mouse.move(...at(moves)).finally(() => pending.delete(sent));
    pending.add(sent);
    if (pending.size >= DRAG_RESPONSE.inFlight) await Promise.race(pending);
    const wait = t + (moves * 1000) / 60 - Date.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
  }
  await Promise.all(pending);
  const result = await page.evaluate((first) => ({
    frames: window.__benchFrames.slice(first),
    stats: window.dpoSim.frameStats(),
    world: window.dpoSim.get().world ?? null,
    step: window.dpoSim.metrics().step,
    playing: window.dpoSim.isPlaying(),
    now: performance.now(),
  }), start.frames);
  await page.mouse.up();
  await context.close();
  if (!result.world) throw new Error('bench: the drag moved no response (no world= after it)');
  const moved = result.frames.filter((f) => f.input > 0);
  const work = quantiles(moved.map((f) => f.input + f.raf));
  const input = quantiles(moved.map((f) => f.input));
  const callbacks = quantiles(moved.map((f) => f.raf));
  return {
    playing,
    moves,
    frames: result.frames.length,
    frames_with_a_move: moved.length,
    seconds: (result.now - start.t) / 1000,
    steps_after_the_last_move: result.step,
    still_playing: result.playing,
    median_ms: work.median,
    p95_ms: work.p95,
    input_median_ms: input.median,
    input_p95_ms: input.p95,
    animation_frame_median_ms: callbacks.median,
    animation_frame_p95_ms: callbacks.p95,
    frame_stats: { median_ms: result.stats.median_ms, p95_ms: result.stats.p95_ms, parts_ms: result.stats.parts_ms },
    frames_per_s: perSecond(result.frames.map((f) => f.t)),
  };
}

/** dragResponse at rest and playing. */
async function dragResponses(browser, url) {
  return {
    at_rest: await dragResponse(browser, url),
    playing: await dragResponse(browser, url, { playing: true }),
  };
}

/**
 * The sweep view's quality x support phase map, run from its form as a reader would: seconds
 * from the click until it says it is done, and animation frames per second meanwhile.
 */
async function phaseMap(browser, url) {
  const { context, page } = await openSim(browser, url);
  await page.check('#sweep-form input[name="kind"][value="phase"]');
  await page.fill('#sweep-grid', String(PHASE_MAP.grid));
  await page.fill('#sweep-steps', String(PHASE_MAP.steps));
  await page.evaluate(recordAnimationFrames);
  const start = await page.evaluate(() => performance.now());
  await page.click('#sweep-run');
  const done = `${PHASE_MAP.grid ** 2} runs of ${PHASE_MAP.steps} steps`;
  await page.waitForFunction((text) => document.getElementById('sweep-status').textContent.startsWith(text), done,
    { timeout: 600_000, polling: 50 });
  const end = await page.evaluate(() => performance.now());
  const raf = (await page.evaluate(() => window.__benchRaf)).filter((t) => t >= start && t <= end);
  const status = await page.evaluate(() => document.getElementById('sweep-status').textContent);
  await context.close();
  return { ...PHASE_MAP, seconds: (end - start) / 1000, frames_per_s: perSecond(raf), status };
}

async function firstFrames(browser, url) {
  const loads = [];
  for (let i = 0; i < FIRST_FRAME_LOADS; i++) {
    const { context, page } = await openSim(browser, url);
    loads.push(await page.evaluate(() => window.dpoSim.frameStats().first_frame_ms));
    await context.close();
  }
  return { loads_ms: loads, median_ms: quantiles(loads).median };
}

async function wasmSteps(browser, url, native) {
  const { context, page } = await openSim(browser, url);
  const rows = await page.evaluate(timeWasmCases, { steps: STEP_CASES, rounds: 31 });
  await context.close();
  return rows.map(({ name, perCall }) => {
    const { median, p95 } = quantiles(perCall);
    const nativeRow = native?.find((n) => n.name === name);
    return {
      name,
      median_us: median,
      p95_us: p95,
      native_median_us: nativeRow?.median_us ?? null,
      ratio: nativeRow ? median / nativeRow.median_us : null,
    };
  });
}

async function soakRun(browser, url) {
  const { context, page } = await openSim(browser, url);
  const heapStart = await jsHeapUsed(page);
  const run = await page.evaluate(soak, { steps: SOAK_STEPS, chunk: SOAK_CHUNK, pairs: SOAK_PAIRS });
  const heapEnd = await jsHeapUsed(page);
  await context.close();
  const usPerStep = (ms) => (ms * 1000) / SOAK_CHUNK;
  const first = usPerStep(quantiles(run.firstMs).median);
  const last = usPerStep(quantiles(run.lastMs).median);
  const tenth = run.chunkMs.length / 10;
  return {
    steps: run.steps,
    diverged: run.diverged,
    history_records: run.history,
    wasm_memory_bytes: run.wasmBytes,
    js_heap_bytes: { start: heapStart, end: heapEnd },
    us_per_step: {
      first_1k_of_a_run: first,
      last_1k_of_the_soak: last,
      median_per_tenth_of_the_soak: Array.from({ length: 10 }, (_, i) =>
        usPerStep(quantiles(run.chunkMs.slice(i * tenth, (i + 1) * tenth)).median)),
    },
    rate_change: first / last - 1,
    total_s: run.chunkMs.reduce((sum, ms) => sum + ms, 0) / 1000,
  };
}

function sizes() {
  const wasm = readFileSync(join(DIST, 'pkg', 'dpo_sim_bg.wasm'));
  return {
    wasm_bytes: wasm.length,
    wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
    glue_js_bytes: readFileSync(join(DIST, 'pkg', 'dpo_sim.js')).length,
    standalone_html_bytes: readFileSync(join(DIST, 'dpo-sim-standalone.html')).length,
  };
}

function machine(browserVersion) {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  return {
    nproc: availableParallelism(),
    cpu,
    chromium: browserVersion,
    node: process.version,
    load_average_at_start: loadavg().map((l) => Number(l.toFixed(2))),
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommitted_changes: git('status', '--porcelain', '--untracked-files=no') !== '',
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------- targets and report

/** Each speed target (the README's Speed table): the measured value, the limit, met or not (null: not measured). */
function targets(r) {
  const [normal, big, , pinned, mixp] = r.frames;
  const { soak: s } = r;
  const wasmGrowth = s.wasm_memory_bytes.end - s.wasm_memory_bytes.after_10k_steps;
  const heapGrowth = s.js_heap_bytes.end / s.js_heap_bytes.start - 1;
  const native = (name) => r.native?.find((n) => n.name === name)?.median_us ?? null;
  // benches/core.rs reports its soak in its "median" column: µs per step, and RSS in KiB.
  const nativeRate = native('soak: first 1000 steps') / native('soak: last 1000 steps') - 1;
  const nativeRss = native('soak: RSS KiB at step 1e6') / native('soak: RSS KiB at step 0') - 1;
  const numpy = (name) => r.numpy?.cases.find((c) => c.name === name)?.numpy_over_rust ?? null;
  const percent = (x) => (Number.isFinite(x) ? Math.abs(x) * 100 : null);
  // `at most` a limit, or `at least` one.
  const row = (target, measured, limit, unit, atLeast = false) => ({
    target,
    measured,
    limit: `${atLeast ? '≥' : '≤'} ${limit}`,
    unit,
    met: measured === null ? null : atLeast ? measured >= limit : measured <= limit,
  });
  return [
    row(`frame JS, ${normal.name}: median`, normal.median_ms, 5, 'ms'),
    row(`frame JS, ${normal.name}: p95`, normal.p95_ms, 10, 'ms'),
    row(`frames per second, ${normal.name}`, normal.frames_per_s, 55, '/s', true),
    row(`frame JS, ${big.name}: median`, big.median_ms, 12, 'ms'),
    row(`frame JS, ${pinned.name}: median`, pinned.median_ms, 5, 'ms'),
    row(`frame JS, ${mixp.name}: median`, mixp.median_ms, 12, 'ms'),
    row('a scenario\'s comparisons drawn after loading it (slowest scenario)', r.comparisons.slowest_ms, 1000, 'ms'),
    row('frame JS while dragging quality, playing: median', r.drag.median_ms, 5, 'ms'),
    row('frame JS dragging a response, at rest: median', r.drag_response.at_rest.median_ms, 5, 'ms'),
    row('frame JS dragging a response, playing: median', r.drag_response.playing.median_ms, 5, 'ms'),
    row(`frames per second, ${big.name}`, big.frames_per_s, 50, '/s', true),
    row('NumPy / native, exact step N=48 online', numpy('step N=48 online'), 10, '×', true),
    row('NumPy / native, exact step N=256', numpy('step N=256'), 6, '×', true),
    row(`phase map ${PHASE_MAP.grid}x${PHASE_MAP.grid}, ${PHASE_MAP.steps} steps: time`, r.phase_map.seconds, 3, 's'),
    row('phase map: frames per second meanwhile', r.phase_map.frames_per_s, 30, '/s', true),
    row('navigation to first drawn frame (median)', r.first_frame.median_ms, 400, 'ms'),
    row('wasm binary gzipped', r.sizes.wasm_gzip_bytes / KB, 160, 'KB'),
    row('wasm 1M steps: memory growth after 10k steps', wasmGrowth / KB, 0, 'KB'),
    row('wasm 1M steps: JS heap growth', percent(heapGrowth), 10, '%'),
    row('wasm 1M steps: rate change, first vs last 1k', percent(s.rate_change), 10, '%'),
    row('native 1M steps: RSS growth', percent(nativeRss), 1, '%'),
    row('native 1M steps: rate change, first vs last 1k', percent(nativeRate), 10, '%'),
  ];
}

const fixed = (v, digits = 2) => (v === null || v === undefined ? '—' : Number(v).toFixed(digits));

function printReport(r) {
  const m = r.machine;
  console.log(`\n${m.cpu}, ${m.nproc} cores, Chromium ${m.chromium}; ` +
    `load average ${m.load_average_at_start.join(' ')} at the start, ${m.load_average_at_end.join(' ')} at the end`);
  console.log('\nframes at the default pace (JS work per frame from dpoSim.frameStats; interval between ' +
    'animation frames)');
  console.log(`${'scenario'.padEnd(26)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)} ${'interval'.padStart(9)} ${'fps'.padStart(6)}`);
  for (const f of r.frames) {
    console.log(`${f.name.padEnd(26)} ${fixed(f.median_ms).padStart(10)} ${fixed(f.p95_ms).padStart(8)} ` +
      `${fixed(f.frame_interval_median_ms).padStart(9)} ${fixed(f.frames_per_s, 1).padStart(6)}`);
    const parts = Object.entries(f.parts_ms).map(([part, ms]) => `${part} ${fixed(ms, 1)}`).join(', ');
    console.log(`  median ms of each part: ${parts}`);
  }
  for (const b of r.frame_breakdown) {
    const { main_thread: mt } = b.breakdown;
    console.log(`\nwhere a frame goes, ${b.name}: renderer main thread, traced over ${mt.frames} frames: ` +
      `${'wall'.padStart(6)} ${'CPU'.padStart(6)}`);
    for (const [part, { wall, cpu }] of Object.entries(mt.per_frame_ms)) {
      console.log(`    ${part.padEnd(46)} ${fixed(wall).padStart(7)} ${fixed(cpu).padStart(6)}`);
    }
  }
  console.log('\nwasm in the page against native (µs per call, medians)');
  console.log(`${'case'.padEnd(26)} ${'wasm'.padStart(9)} ${'native'.padStart(9)} ${'ratio'.padStart(6)}`);
  for (const w of r.wasm_steps) {
    console.log(`${w.name.padEnd(26)} ${fixed(w.median_us).padStart(9)} ${fixed(w.native_median_us).padStart(9)} ${fixed(w.ratio).padStart(6)}`);
  }
  const { soak: s } = r;
  console.log(`\nwasm soak: ${s.steps} steps in ${fixed(s.total_s, 0)} s, ${s.history_records} history records kept, ` +
    `wasm memory ${s.wasm_memory_bytes.start} -> ${s.wasm_memory_bytes.end} bytes, ` +
    `JS heap ${s.js_heap_bytes.start} -> ${s.js_heap_bytes.end} bytes`);
  const { first_1k_of_a_run: first, last_1k_of_the_soak: last, median_per_tenth_of_the_soak: tenths } = s.us_per_step;
  console.log(`  µs per step: ${fixed(first)} in a run's first 1k, ${fixed(last)} after ${s.steps} ` +
    `(medians of ${SOAK_PAIRS}, alternated)`);
  console.log(`  µs per step, median of each tenth of the soak: ${tenths.map((v) => fixed(v, 1)).join(' ')}`);
  const d = r.drag;
  console.log(`\nquality dragged while playing: ${d.moves} moves over ${d.frames} frames (${fixed(d.seconds, 1)} s) through ${d.distinct_values} values, ` +
    `${d.steps_taken} steps taken; ${d.frames_with_a_move} frames handled a move: their JS median ${fixed(d.median_ms)} ms, ` +
    `p95 ${fixed(d.p95_ms)} ms (the slider's handlers ${fixed(d.input_median_ms)} / ${fixed(d.input_p95_ms)}); frameStats ` +
    `${fixed(d.frame_stats.median_ms)} / ${fixed(d.frame_stats.p95_ms)} ms; ${fixed(d.frames_per_s, 1)} frames per second`);
  console.log(`  median ms of each part: ${Object.entries(d.frame_stats.parts_ms).map(([part, ms]) => `${part} ${fixed(ms, 1)}`).join(', ')}`);
  for (const [label, d] of Object.entries(r.drag_response)) {
    const f = d.frame_stats;
    console.log(`\na response dragged on the map, ${label.replace('_', ' ')}: ${d.moves} moves over ${d.frames} frames ` +
      `(${fixed(d.seconds, 1)} s), ${d.frames_with_a_move} frames handled a move; their JS median ${fixed(d.median_ms)} ms, ` +
      `p95 ${fixed(d.p95_ms)} ms (pointer events ${fixed(d.input_median_ms)} / ${fixed(d.input_p95_ms)}, animation frame ` +
      `${fixed(d.animation_frame_median_ms)} / ${fixed(d.animation_frame_p95_ms)}); frameStats ${fixed(f.median_ms)} / ` +
      `${fixed(f.p95_ms)} ms; ${fixed(d.frames_per_s, 1)} frames per second`);
    console.log(`  median ms of each part: ${Object.entries(f.parts_ms).map(([part, ms]) => `${part} ${fixed(ms, 1)}`).join(', ')}`);
  }
  console.log(`\na scenario's comparisons drawn after loading it (ms, median of 3): ${Object.entries(r.comparisons.median_ms)
    .map(([k, ms]) => `${k} ${fixed(ms, 0)}`).join(', ')}`);
  const p = r.phase_map;
  console.log(`\nphase map ${p.grid}x${p.grid} of ${p.steps} steps: ${fixed(p.seconds, 1)} s, ` +
    `${fixed(p.frames_per_s, 0)} animation frames per second meanwhile ("${p.status}")`);
  if (r.numpy) {
    console.log(`\nthe exact step against NumPy (bench/step-vs-numpy.json, ${r.numpy.rounds} alternating rounds)`);
    for (const c of r.numpy.cases) {
      console.log(`  ${c.name.padEnd(24)} Rust ${fixed(c.rust_us.median, 1)} µs, NumPy ${fixed(c.numpy_us.median, 1)} µs: ` +
        `${fixed(c.numpy_over_rust, 1)}×`);
    }
  }
  console.log('\ntargets');
  console.log(`${'target'.padEnd(52)} ${'measured'.padStart(10)} ${'limit'.padStart(8)}  verdict`);
  for (const t of r.targets) {
    const verdict = t.met === null ? 'not measured' : t.met ? 'met' : 'MISSED';
    console.log(`${t.target.padEnd(52)} ${`${fixed(t.measured)}`.padStart(10)} ${t.limit.padStart(8)} ${t.unit.padEnd(2)} ${verdict}`);
  }
  console.log(`\nwrote ${RESULTS_JSON}`);
}

/** `node bench/browser.mjs drag`: one measurement alone, printed (no results.json). */
const PARTS = {
  drag: dragWhilePlaying,
  'drag-response': dragResponses,
  'phase-map': phaseMap,
  'first-frame': firstFrames,
  comparisons: comparisonsDrawn,
  pinned: (browser, url) => playScenario(browser, url, SCENARIOS[3]),
  mixp: (browser, url) => playScenario(browser, url, SCENARIOS[4]),
};

async function main() {
  const only = process.argv[2];
  if (only) {
    if (!Object.hasOwn(PARTS, only)) throw new Error(`bench: unknown part '${only}' (known: ${Object.keys(PARTS).join(', ')})`);
    const server = await startServer();
    const browser = await launchBrowser();
    try {
      console.log(JSON.stringify(await PARTS[only](browser, server.url), null, 2));
    } finally {
      await browser.close();
      server.stop();
    }
    return;
  }
  const native = existsSync(NATIVE_JSON) ? JSON.parse(readFileSync(NATIVE_JSON, 'utf8')) : null;
  if (!native) console.error(`bench: no ${NATIVE_JSON}; the native columns stay empty`);
  const numpy = existsSync(NUMPY_JSON) ? JSON.parse(readFileSync(NUMPY_JSON, 'utf8')) : null;
  if (!numpy) console.error(`bench: no ${NUMPY_JSON}; the NumPy targets are not measured`);
  mkdirSync(OUT, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const r = { machine: machine(browser.version()), native, numpy, sizes: sizes() };
    r.frames = [];
    for (const scenario of SCENARIOS) {
      progress(`playing ${scenario.name}`);
      r.frames.push(await playScenario(browser, server.url, scenario));
    }
    r.frame_breakdown = [];
    for (const scenario of SCENARIOS.slice(0, 2)) {
      progress(`playing ${scenario.name}, instrumented`);
      const { name, breakdown } = await playScenario(browser, server.url, scenario, { instrument: true });
      r.frame_breakdown.push({ name, breakdown });
    }
    progress('comparisons of the scenarios');
    r.comparisons = await comparisonsDrawn(browser, server.url);
    progress('dragging quality while playing');
    r.drag = await dragWhilePlaying(browser, server.url);
    progress('dragging a response on the map');
    r.drag_response = await dragResponses(browser, server.url);
    progress('phase map');
    r.phase_map = await phaseMap(browser, server.url);
    progress('first frames');
    r.first_frame = await firstFrames(browser, server.url);
    progress('wasm steps');
    r.wasm_steps = await wasmSteps(browser, server.url, native);
    progress(`soak: ${SOAK_STEPS} steps`);
    r.soak = await soakRun(browser, server.url);
    r.machine.load_average_at_end = loadavg().map((l) => Number(l.toFixed(2)));
    r.targets = targets(r);
    writeFileSync(RESULTS_JSON, `${JSON.stringify(r, null, 2)}\n`);
    printReport(r);
  } finally {
    await browser.close();
    server.stop();
  }
}

await main();
