// The numbers beside the plots: the readout table, talk mode's numbers for the room, the
// sampler's sentence, and the short announcement for screen readers.
import { $, el } from './dom.js';
import { store } from './store.js';
import { guard } from './wasm.js';

// The short spoken readout: after a change, once the run rests this long; while playing, at
// most this often.
const ANNOUNCE = { restMs: 1000, playMs: 10000 };

function fmt(v, digits = 3) {
  if (v === null || v === undefined) return '—';
  const a = Math.abs(v);
  // Rounding noise of a difference is zero for the reader.
  if (a < 1e-12) return '0';
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(digits)));
}

const READOUT = [
  ['Expected reward J', (m) => `${fmt(m.expected_reward)} (reference ${fmt(m.ref_reward)}, target ${fmt(m.target_reward)})`],
  ['Gradient signal', (m) => fmt(m.signal)],
  ['Loss', (m) => `${fmt(m.loss)} (minibatch ${fmt(m.batch_loss)})`],
  ['|∇L|', (m) => `${fmt(m.grad_norm)} (minibatch ${fmt(m.batch_grad_norm)})`],
  ['KL(π ‖ π_ref)', (m) => fmt(m.kl)],
  ['Mass off support', (m) => fmt(m.off_support_mass)],
  ['log π chosen / rejected', (m) => `${fmt(m.chosen_logp)} / ${fmt(m.rejected_logp)}`],
  ['Mean margin', (m) => fmt(m.margin)],
  ['Distance to target', (m, finite) => (finite ? fmt(m.target_distance) : 'margins grow without bound: no finite optimum')],
  ['Curvature (Hessian)', (m) => (m.hessian_max === null ? '— (linear model only)' : `eigenvalues ${fmt(m.hessian_min)}, ${fmt(m.hessian_max)}`)],
];

// Talk mode's numbers for the room (screen readers get #announce instead).
const TALK_NUMBERS = [
  ['Expected reward J', (m) => fmt(m.expected_reward)],
  ['Reference · target', (m) => `${fmt(m.ref_reward)} · ${fmt(m.target_reward)}`],
  ['Gradient signal', (m) => fmt(m.signal)],
];

/** A `<dl>` of labels and empty values; returns the value cells. */
function table(id, rows) {
  return rows.map(([label]) => {
    const dd = el('dd');
    $(id).append(el('dt', { text: label }), dd);
    return dd;
  });
}

const readoutCells = table('readout', READOUT);
const talkCells = store.page.talk ? table('talk-numbers', TALK_NUMBERS) : [];

export function updateReadouts() {
  const m = guard(() => store.sim.metrics());
  const finite = guard(() => store.sim.finiteOptimum());
  readoutCells.forEach((dd, i) => {
    dd.textContent = READOUT[i][1](m, finite);
  });
  talkCells.forEach((dd, i) => {
    dd.textContent = TALK_NUMBERS[i][1](m);
  });
  $('step-count').textContent = String(m.step);
  const s = guard(() => store.sim.sampler());
  $('sampler-readout').textContent =
    `Sampler: support m = ${s.support} of N = ${s.n} responses, on-policy fraction ${fmt(s.online)}. ` +
    `Expected reward of a sampled response: ${fmt(s.j_pi0)} under π₀, ${fmt(s.j_piq)} under π_q ` +
    `(quality adds ${fmt(s.j_piq - s.j_pi0)}); the reference's is ${fmt(s.j_ref)}.`;
}

function announcement() {
  const m = guard(() => store.sim.metrics());
  return `Step ${m.step}. Expected reward ${fmt(m.expected_reward)} (reference ${fmt(m.ref_reward)}). ` +
    `Gradient signal ${fmt(m.signal)}.`;
}

export function announce() {
  const { spoken } = store;
  spoken.timer = null;
  spoken.at = performance.now();
  const text = announcement();
  // The same text again would be a change to nobody.
  if ($('announce').textContent !== text) $('announce').textContent = text;
}

/**
 * Called on every redraw. At rest the readout waits until changes stop for a moment; while
 * playing it speaks at most every few seconds, never every frame.
 */
export function scheduleAnnouncement() {
  const { spoken } = store;
  if (store.playing) {
    if (spoken.timer === null) spoken.timer = setTimeout(announce, Math.max(ANNOUNCE.restMs, spoken.at + ANNOUNCE.playMs - performance.now()));
    return;
  }
  clearTimeout(spoken.timer);
  spoken.timer = setTimeout(announce, ANNOUNCE.restMs);
}
