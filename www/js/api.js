// A simulator's scripting interface: the page publishes it as window.dpoSim (and answers
// it over postMessage, messages.js), and every <dpo-sim> element carries it as its methods.
import { objectQuery, queryObject } from './codec.js';
import { guard, PRESETS } from './wasm.js';
import { setQuery, advance, play, pause, reset, loadPreset, pin, unpin } from './actions.js';
import { drawNow, runLong } from './loop.js';
import { compute } from './worker-client.js';

/**
 * `{over: 'quality' | ['quality', 'support'], values?, grid?, steps}` on top of the settings
 * of `ui`: a Promise of `{keys, rows, csv}`. The spec goes to the core as text, which checks
 * it (as it does the command line's) and names what is wrong.
 */
export function runSweep(ui, spec, { onProgress, signal } = {}) {
  if (!spec || typeof spec !== 'object') return Promise.reject(new Error("sweep expects an object such as {over: 'quality', values: [0, 0.5, 1], steps: 100}"));
  // A list (of keys or values) as comma-separated text; a missing part as null.
  const text = (part) => (part === undefined || part === null ? null : [].concat(part).join(','));
  const { over, values, grid, steps } = spec;
  return compute('sweep', { base: ui.query, over: text(over) ?? '', values: text(values), grid: text(grid), steps: text(steps ?? 100) }, { onProgress, signal });
}

/** The calls that script the simulator `ui`. */
export function makeApi(ui) {
  const api = {
    get: () => queryObject(ui.query),
    set(partial) {
      if (!partial || typeof partial !== 'object') throw new Error('set expects an object such as {quality: 0.5}');
      for (const [key, value] of Object.entries(partial)) {
        if (/[&=]/.test(key) || /[&=]/.test(String(value))) throw new Error(`${key.slice(0, 40)}: a value may not contain '&' or '='`);
      }
      return { restarted: setQuery(ui, objectQuery(partial)) };
    },
    /**
     * Runs `n` steps, redraws, and returns the metrics; when they take longer than 50 ms the
     * rest run in slices across frames (the page stays live, shows their progress and a Stop
     * button) and it returns a Promise of the metrics where they ended (or were stopped).
     */
    step(n = 1) {
      const count = Number(n);
      if (!Number.isInteger(count) || count < 0 || count > 1e6) throw new Error(`step expects a whole number of steps from 0 to 1000000, not ${String(n).slice(0, 40)}`);
      const left = runLong(ui, count);
      if (left === null) return api.metrics();
      return left.then(() => api.metrics());
    },
    play: () => play(ui),
    pause: () => pause(ui),
    reset() {
      reset(ui);
      drawNow(ui);
    },
    /** The scenarios: `[{key, title, summary, setup, steps, plots, label, comparisons, claims}]`. */
    presets: () => PRESETS.map(({ key, title, summary, setup, steps, plots, label, comparisons, claims }) => ({
      key, title, summary, setup, steps, plots, label, comparisons, claims,
    })),
    preset(key) {
      loadPreset(ui, key);
      drawNow(ui);
    },
    /** Pins the live run; returns its label. */
    pin: () => pin(ui),
    /** Removes the pinned run `label`, or every pinned run. */
    unpin: (label) => unpin(ui, label === undefined ? undefined : String(label)),
    /** The pinned runs: `[{label, settings}]` (`done`: false while a comparison is computed). */
    pinned: () => guard(ui, () => ui.sim.pinned()),
    /** The scenario's claims judged on the runs, and its end message (null without a scenario). */
    story: () => guard(ui, () => ui.sim.story()),
    metrics: () => guard(ui, () => ui.sim.metrics()),
    history: () => guard(ui, () => ui.sim.history()),
    csv: () => guard(ui, () => ui.sim.csv()),
    isPlaying: () => ui.playing,
    error: () => ui.error,
    /** Fresh runs across values of a setting, or a grid over two; a Promise of their rows. */
    sweep: (spec) => runSweep(ui, spec).then((result) => result.rows),
  };
  return api;
}
