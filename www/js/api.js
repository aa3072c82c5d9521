// window.dpoSim, the same calls over postMessage for an embedding page, and the embedded
// page's height for its parent. Messages are data only: anything of another shape is ignored.
import { objectQuery, queryObject } from './codec.js';
import { store } from './store.js';
import { guard } from './wasm.js';
import { setQuery, advance, play, pause, reset, loadPreset, pin, unpin } from './actions.js';
import { render, frameStats } from './loop.js';

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
};

/** `{type: 'dpo-sim', id, method, args}` in, `{type: 'dpo-sim-reply', id, result | error}` out. */
function onMessage(event) {
  const d = event.data;
  if (!d || typeof d !== 'object' || d.type !== 'dpo-sim' || typeof d.method !== 'string' || !Object.hasOwn(api, d.method)) return;
  if (store.page.origin && event.origin !== store.page.origin) return;
  if (!event.source) return;
  const reply = { type: 'dpo-sim-reply', id: d.id };
  try {
    reply.result = api[d.method](...(Array.isArray(d.args) ? d.args : []));
  } catch (e) {
    reply.error = String(e?.message ?? e);
  }
  // An opaque origin ("null", e.g. a file:// parent) can only be answered with '*'.
  event.source.postMessage(reply, { targetOrigin: event.origin === 'null' ? '*' : event.origin });
}

export function wireApi() {
  window.addEventListener('message', onMessage);
  if (store.page.embed && window.parent !== window) {
    // Lets the embedding page size the iframe to the content: {type: 'dpo-sim-size', height}.
    new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      window.parent.postMessage({ type: 'dpo-sim-size', height }, store.page.origin ?? '*');
    }).observe(document.documentElement);
  }
}

/** Hands the page to scripts: window.dpoSim, then the ready flag and event. */
export function publish() {
  window.dpoSim = api;
  window.dpoSimReady = true;
  window.dispatchEvent(new Event('dpo-sim-ready'));
}
