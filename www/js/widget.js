// The simulator as a notebook widget (anywidget; its kernel side is python/dpo_sim). Each view
// of a model is a <dpo-sim> element, so a notebook shows exactly what a web page does. Every
// settings key (the table's, the world's lists and theta0) is a trait of the model, kept in
// step both ways: a trait the kernel changes moves the element's control (or restarts it on a
// world), a control the reader moves changes the trait. The kernel's calls
// (step, metrics, history, sweep, story, ...) arrive as custom messages and are answered by the
// model's latest view. Built into python/dpo_sim/static/widget.js by scripts/widget.mjs.
import './dpo-sim.js';
import { FIELDS, SETTING_KEYS, WORLD_KEYS } from './wasm.js';

// The settings given as text, not numbers: the world's lists (rewards, world) and the start
// point (theta0). The element's get() has them only when given; the model holds '' then.
const TEXTS = SETTING_KEYS.filter((key) => !FIELDS.some((f) => f.key === key));
const START = TEXTS.find((key) => !WORLD_KEYS.includes(key));
// The element's attributes the model sets.
const VIEW = ['preset', 'plots', 'controls', 'pace', 'steps', 'heading', 'autoplay'];
// What the kernel may call: the element's methods.
const CALLS = ['step', 'reset', 'metrics', 'history', 'story', 'sweep', 'get'];
// A value a view sent to the kernel comes back as the trait's echo for at most this long (ms);
// an echo older than the control's value must not move it back.
const ECHO_MS = 2000;

/** A setting's text (the element's form) as the model holds it: a number, a flag or a name. */
function traitValue(f, text) {
  if (f.kind === 'bool') return text === '1';
  if (f.kind === 'real' || f.kind === 'int') return Number(text);
  return text;
}

/** A trait's value as the element's text. */
const settingText = (f, value) => (f.kind === 'bool' ? (value ? '1' : '0') : String(value));

function setAttribute(sim, key, value) {
  if (value === null || value === undefined || value === false || value === '') sim.removeAttribute(key);
  else sim.setAttribute(key, value === true ? '' : String(value));
}

/** Per model: its live views (the latest answers the kernel) and the values they sent. */
const models = new WeakMap();

function stateOf(model) {
  if (!models.has(model)) models.set(model, { views: [], sent: new Map() });
  return models.get(model);
}

/** Answers one call of the kernel: `{kind: 'call', id, method, args}` -> `{kind: 'reply', id, result | error}`. */
async function answer(model, msg) {
  if (msg?.kind !== 'call') return;
  const { id, method, args = [] } = msg;
  try {
    if (!CALLS.includes(method)) throw new Error(`unknown call '${String(method).slice(0, 40)}' (known: ${CALLS.join(', ')})`);
    const sim = stateOf(model).views.at(-1);
    if (!sim) throw new Error('no view of this simulator is on screen');
    model.send({ kind: 'reply', id, result: (await sim[method](...args)) ?? null });
  } catch (e) {
    model.send({ kind: 'reply', id, error: String(e?.message ?? e) });
  }
}

/** Once per model: the kernel's calls. */
export function initialize({ model }) {
  const onMessage = (msg) => answer(model, msg);
  model.on('msg:custom', onMessage);
  return () => model.off('msg:custom', onMessage);
}

/** The settings the element shows, into the model's traits (a control moved, a preset loaded). */
function toModel(model, state, settings) {
  let changed = false;
  const values = [...FIELDS.map((f) => [f.key, traitValue(f, settings[f.key])]), ...TEXTS.map((key) => [key, settings[key] ?? ''])];
  for (const [key, value] of values) {
    if ((model.get(key) ?? '') === value) continue;
    state.sent.set(key, [...(state.sent.get(key) ?? []), { value, at: performance.now() }]);
    model.set(key, value);
    changed = true;
  }
  if (changed) model.save_changes();
}

/** Is `value` of `key` one this model's views sent lately (the kernel's echo of it)? */
function isEcho(state, key, value) {
  const now = performance.now();
  const recent = (state.sent.get(key) ?? []).filter((s) => now - s.at < ECHO_MS);
  state.sent.set(key, recent);
  return recent.some((s) => s.value === value);
}

/**
 * The traits, into the element: the view's attributes that changed (a new preset loads its
 * scenario), then every setting the element does not show yet, at once. Settings are never
 * attributes: an attribute left behind by a drag would come back with the next one applied.
 */
function toElement(model, state, sim, keys) {
  for (const key of VIEW) if (keys.has(key)) setAttribute(sim, key, model.get(key));
  const shown = sim.get();
  const changes = {};
  for (const f of FIELDS) {
    const value = model.get(f.key);
    if (value === traitValue(f, shown[f.key]) || (keys.has(f.key) && isEcho(state, f.key, value))) continue;
    changes[f.key] = settingText(f, value);
  }
  const differs = (key) => {
    const value = model.get(key) ?? '';
    return value !== (shown[key] ?? '') && !(keys.has(key) && isEcho(state, key, value));
  };
  // The world: the list the model gives (one key: an empty one after it would undo it), or
  // none. A list sets N, so n goes with it only when there is none.
  const world = WORLD_KEYS.find((key) => model.get(key));
  if (world ? differs(world) : WORLD_KEYS.some(differs)) {
    changes[world ?? WORLD_KEYS[0]] = world ? model.get(world) : '';
    if (world) delete changes.n;
  }
  // The start point: '' in the model is 0,0, which the core leaves out.
  if (differs(START)) changes[START] = model.get(START) || '0,0';
  // The kernel checked them against the same table: a refusal here is a bug, said in the console.
  try {
    if (Object.keys(changes).length) sim.set(changes);
  } catch (e) {
    console.error(`dpo-sim widget: ${e.message}`);
  }
}

/** One view: a <dpo-sim> element following the model. Returns its cleanup. */
export function render({ model, el }) {
  const state = stateOf(model);
  const sim = document.createElement('dpo-sim');
  for (const key of VIEW) setAttribute(sim, key, model.get(key));

  // The traits that changed since the last look, applied together (a preset with its settings).
  let pending = null;
  const onTrait = (key) => () => {
    if (!state.views.includes(sim)) return;
    if (!pending) {
      pending = new Set();
      queueMicrotask(() => {
        const keys = pending;
        pending = null;
        toElement(model, state, sim, keys);
      });
    }
    pending.add(key);
  };
  const listeners = [...VIEW, ...SETTING_KEYS].map((key) => [`change:${key}`, onTrait(key)]);
  for (const [name, listener] of listeners) model.on(name, listener);
  // Before it is ready the element shows its preset's settings, not yet the model's.
  sim.addEventListener('dpo-sim-change', (event) => {
    if (state.views.includes(sim)) toModel(model, state, event.detail.settings);
  });
  sim.addEventListener('dpo-sim-ready', () => {
    toElement(model, state, sim, new Set(VIEW));
    state.views.push(sim);
    model.send({ kind: 'view', open: true });
  }, { once: true });
  el.append(sim);

  return () => {
    for (const [name, listener] of listeners) model.off(name, listener);
    const k = state.views.indexOf(sim);
    if (k >= 0) {
      state.views.splice(k, 1);
      model.send({ kind: 'view', open: false });
    }
    sim.remove();
  };
}
