// What the controls, the keyboard, the API and the address can do to the run. Each action
// changes the store and commits; stepping only marks the plots out of date.
import { store, commit, setError, PACES } from './store.js';
import { guard, PRESETS, DEFAULTS } from './wasm.js';

export function findPreset(key) {
  const preset = PRESETS.find((p) => p.key === key);
  if (!preset) {
    const known = PRESETS.map((p) => p.key).join(', ');
    throw new Error(`unknown preset '${String(key).slice(0, 40)}' (known: ${known})`);
  }
  return preset;
}

/** Applies `key=value&...` on top of the current settings; returns whether the run restarted. */
export function setQuery(query) {
  const restarted = guard(() => store.sim.set(query));
  store.query = guard(() => store.sim.query());
  // A restart is a new run: an old divergence no longer applies.
  if (restarted) {
    store.error = null;
    armStory();
  }
  commit();
  return restarted;
}

/** Replaces all settings and starts again from step 0 (presets, a new fragment). */
export function load(query, presetKey) {
  store.preset = presetKey;
  setQuery(query);
  reset();
}

export function loadPreset(key) {
  const preset = findPreset(key);
  load(`${DEFAULTS}&${preset.settings}`, preset.key);
}

/** Back to custom settings: the run goes on, the address and the story forget the preset. */
export function forgetPreset() {
  store.preset = '';
  store.storyEnd = null;
  commit();
}

/** A scenario's run pauses once at its story's length. */
function armStory() {
  store.storyEnd = PRESETS.find((p) => p.key === store.preset)?.steps ?? null;
}

export function reset() {
  guard(() => store.sim.reset());
  store.error = null;
  armStory();
  commit();
}

export function play() {
  store.playing = true;
  // The first step comes at once, not after a step's worth of time.
  store.owed = 1;
  store.lastFrame = null;
  commit();
}

/** Pauses; the redraw at rest gives the landscape its full resolution. */
export function pause() {
  store.playing = false;
  commit();
}

export function togglePlay() {
  if (store.playing) pause();
  else play();
}

/** Runs `n` steps; on divergence pauses and explains, leaving the run at the failing step. */
export function advance(n) {
  try {
    guard(() => store.sim.step(n));
  } catch (e) {
    pause();
    if (!store.error) setError(e.message);
  }
  store.dirty = true;
}

export function pin() {
  guard(() => store.sim.pin());
  commit();
}

export function unpin() {
  guard(() => store.sim.unpin());
  commit();
}

/** The pace: one of PACES' values. */
export function setPace(value) {
  if (!PACES.some((p) => p.value === value)) {
    throw new Error(`pace = '${String(value).slice(0, 40)}' is not allowed: pace must be one of ${PACES.map((p) => p.value).join(', ')}`);
  }
  store.pace = value;
  commit();
}

/** How the charts show the run: `{logSteps, pairs}`, either or both. */
export function setView(view) {
  Object.assign(store.view, view);
  commit();
}
