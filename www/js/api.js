// window.dpoSim, the same calls over postMessage for an embedding page, and the embedded
// page's natural height for its parent. Messages are data only: anything not of the API's
// shape is ignored, and an unknown method is answered with an error.
import { objectQuery, queryObject } from './codec.js';
import { store } from './store.js';
import { guard } from './wasm.js';
import { setQuery, advance, play, pause, reset, loadPreset, pin, unpin } from './actions.js';
import { render, frameStats } from './loop.js';
import { naturalHeight } from './canvases.js';
import { runSweep } from './sweep.js';

export const api = {
  get: () => queryObject(store.query),
  set(partial) {
    if (!partial || typeof partial !== 'object') throw new Error('set expects an object such as {quality: 0.5}');
    for (const [key, value] of Object.entries(partial)) {
      if (/[&=]/.test(key) || /[&=]/.test(String(value))) throw new Error(`${key.slice(0, 40)}: a value may not contain '&' or '='`);
    }
    return { restarted: setQuery(objectQuery(partial)) };
  },
  step(n = 1) {
    const count = Number(n);
    if (!Number.isInteger(count) || count < 0 || count > 1e6) throw new Error(`step expects a whole number of steps from 0 to 1000000, not ${String(n).slice(0, 40)}`);
    advance(count);
    render();
    return api.metrics();
  },
  play,
  pause,
  reset() {
    reset();
    render();
  },
  preset(key) {
    loadPreset(key);
    render();
  },
  pin,
  unpin,
  metrics: () => guard(() => store.sim.metrics()),
  history: () => guard(() => store.sim.history()),
  csv: () => guard(() => store.sim.csv()),
  isPlaying: () => store.playing,
  error: () => store.error,
  frameStats,
  /** Fresh runs across values of a setting, or a grid over two; a Promise of their rows. */
  sweep: (spec) => runSweep(spec).then((result) => result.rows),
};

const METHODS = Object.keys(api);

function answer(event, id, settle) {
  const reply = { type: 'dpo-sim-reply', id, ...settle };
  // An opaque origin ("null", e.g. a file:// parent) can only be answered with '*'.
  event.source?.postMessage(reply, { targetOrigin: event.origin === 'null' ? '*' : event.origin });
}

/** `{type: 'dpo-sim', id, method, args}` in, `{type: 'dpo-sim-reply', id, result | error}` out. */
async function onMessage(event) {
  const d = event.data;
  if (!d || typeof d !== 'object' || d.type !== 'dpo-sim' || typeof d.method !== 'string') return;
  if (store.page.origin && event.origin !== store.page.origin) return;
  if (!event.source) return;
  if (!Object.hasOwn(api, d.method)) {
    answer(event, d.id, { error: `unknown method '${d.method.slice(0, 40)}' (known: ${METHODS.join(', ')})` });
    return;
  }
  try {
    answer(event, d.id, { result: await api[d.method](...(Array.isArray(d.args) ? d.args : [])) });
  } catch (e) {
    answer(event, d.id, { error: String(e?.message ?? e) });
  }
}

export function wireApi() {
  window.addEventListener('message', onMessage);
  if (store.page.embed && window.parent !== window) {
    // Lets the embedding page size the iframe to its natural height: {type: 'dpo-sim-size', height}.
    new ResizeObserver(() => {
      window.parent.postMessage({ type: 'dpo-sim-size', height: naturalHeight() }, store.page.origin ?? '*');
    }).observe(document.documentElement);
  }
}

/** Hands the page to scripts: window.dpoSim, then the ready flag and event. */
export function publish() {
  window.dpoSim = api;
  window.dpoSimReady = true;
  window.dispatchEvent(new Event('dpo-sim-ready'));
}
