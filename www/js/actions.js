// What the controls, the keyboard, the API and the address can do to a run. Each action
// changes the ui and commits; stepping only marks the plots out of date.
import { commit, setError } from './ui.js';
import { pageKey } from './page-keys.js';
import { guard, PRESETS } from './wasm.js';

export function findPreset(key) {
  const preset = PRESETS.find((p) => p.key === key);
  if (!preset) {
    const known = PRESETS.map((p) => p.key).join(', ');
    throw new Error(`unknown preset '${String(key).slice(0, 40)}' (known: ${known})`);
  }
  return preset;
}

/**
 * Applies `key=value&...` on top of the current settings (with `replace`, on top of the
 * defaults: what the text does not give, a world included, goes back to its default);
 * returns whether the run restarted.
 */
export function setQuery(ui, query, { replace = false } = {}) {
  return changeSettings(ui, (sim) => (replace ? sim.replace(query) : sim.set(query)));
}

/**
 * Applies a change the core makes to the settings, `change(sim)` (true when the run
 * restarted; it throws the core's message for a refused one, and nothing changes), then
 * commits; returns whether the run restarted.
 */
export function changeSettings(ui, change) {
  const restarted = guard(ui, () => change(ui.sim));
  ui.query = guard(ui, () => ui.sim.query());
  // A restart is a new run: an old divergence no longer applies.
  if (restarted) {
    ui.error = null;
    armStory(ui);
  }
  commit(ui);
  return restarted;
}

/**
 * A new experiment from step 0 (a preset, a new fragment, an element's attributes): the
 * scenario `presetKey` (its comparison runs pinned in place of any pinned runs), or custom
 * settings (nothing pinned), with all settings from `query`.
 */
export function load(ui, query, presetKey) {
  ui.work?.finish();
  guard(ui, () => {
    if (presetKey) ui.sim.loadScenario(presetKey);
    else {
      ui.sim.forgetScenario();
      ui.sim.unpin();
    }
  });
  ui.preset = presetKey;
  setQuery(ui, query, { replace: true });
  reset(ui);
}

export function loadPreset(ui, key) {
  const preset = findPreset(key);
  load(ui, preset.settings, preset.key);
}

/** Back to custom settings: the run goes on, the address and the story forget the preset. */
export function forgetPreset(ui) {
  guard(ui, () => ui.sim.forgetScenario());
  ui.preset = '';
  ui.storyEnd = null;
  commit(ui);
}

/** A run pauses once where its story ends: the scenario's length, or the one it was given. */
function armStory(ui) {
  ui.storyEnd = ui.storyLength ?? PRESETS.find((p) => p.key === ui.preset)?.steps ?? null;
}

export function reset(ui) {
  ui.work?.finish();
  guard(ui, () => ui.sim.reset());
  ui.error = null;
  armStory(ui);
  commit(ui);
}

export function play(ui) {
  // Playing takes over from steps running in slices (they stop where they are).
  ui.work?.finish();
  ui.playing = true;
  // The first step comes at once, not after a step's worth of time.
  ui.owed = 1;
  ui.lastFrame = null;
  commit(ui);
}

/** Pauses; the redraw at rest gives the landscape its full resolution. */
export function pause(ui) {
  ui.playing = false;
  commit(ui);
}

export function togglePlay(ui) {
  if (ui.playing) pause(ui);
  else play(ui);
}

/**
 * Runs `n` steps; on divergence pauses and explains, leaving the run at the failing step. Tells
 * `ui.onStep` (an element's dpo-sim-step event) unless `quiet`.
 */
export function advance(ui, n, { quiet = false } = {}) {
  try {
    guard(ui, () => ui.sim.step(n));
  } catch (e) {
    pause(ui);
    if (!ui.error) setError(ui, e.message);
  }
  ui.dirty = true;
  ui.spoken.held = false;
  // quiet: one of several pieces of the same steps (their caller says when they are taken).
  if (!quiet) ui.onStep?.();
}

/** Pins the live run as it is; returns its label (what differs, e.g. "design mixp"). */
export function pin(ui) {
  const label = guard(ui, () => ui.sim.pin());
  commit(ui);
  return label;
}

/** Removes the pinned run `label`, or all of them. */
export function unpin(ui, label) {
  guard(ui, () => ui.sim.unpin(label));
  commit(ui);
}

/** The pace: one of PACES' values (throws naming the ones allowed). */
export function setPace(ui, value) {
  ui.pace = pageKey('pace').read(String(value));
  commit(ui);
}

/** How the charts show the run: `{logSteps, pairs}`, either or both. */
export function setChartView(ui, view) {
  Object.assign(ui.chart, view);
  commit(ui);
}
