// The numbers beside the plots: the key numbers, the full readout, talk mode's numbers for the
// room, the sampler's sentence; and the page's one polite live region, which says a short
// summary of the run and the page's brief messages (each also shown beside what caused it).
import { el, setText } from './dom.js';
import { queryObject } from './codec.js';
import { guard, showMetric, metricLabel, formatNumber } from './wasm.js';
import { speak } from './banner.js';

// The short spoken summary: after a change, once the run rests this long; while playing, at
// most this often.
const ANNOUNCE = { restMs: 1000, playMs: 10000 };
// A message beside a control stays this long.
const TOAST_MS = 4000;

/** A metric as the reader sees it: the core's own format. */
const v = (m, key) => showMetric(key, m[key]);

/** What the numbers depend on besides the metrics: the run's settings, the policy's favourite. */
function context(ui) {
  const q = queryObject(ui.query);
  const top = guard(ui, () => ui.sim.mostLikely());
  return { online: Number(q.online) > 0, exact: q.exact === '1', top, given: 'rewards' in q || 'world' in q, linear: q.model === 'linear' };
}

/** "verbose, 41 %": the response the policy likes most, by name. */
const mostLikely = (m, c) => `${c.top.name}, ${formatNumber(100 * c.top.prob, '0')} %`;

const NO_OPTIMUM = 'none: margins grow without bound';

const attainable = (m, c) => (m.attainable_reward === null ? NO_OPTIMUM : `${v(m, 'attainable_reward')}${c.online ? ' (this step’s sampler)' : ''}`);
const rlhf = (m) => (m.rlhf_reward === null ? `— (best response: ${v(m, 'best_reward')})` : v(m, 'rlhf_reward'));
const rates = (m, c) => {
  if (m.predicted_rate === null) return NO_OPTIMUM;
  const mean = c.exact ? '' : '; the prediction is for the mean path';
  return `predicted ${v(m, 'predicted_rate')}, measured ${v(m, 'measured_rate')} per step${mean}`;
};
const curvature = (lo, hi, cond) => (m) => `λ ${v(m, lo)} to ${v(m, hi)}${cond ? `, condition ${v(m, cond)}` : ''}`;

// [label, value(metrics, context)]: the side's few, then the full table below the plots.
const KEY_NUMBERS = [
  [metricLabel('expected_reward'), (m) => v(m, 'expected_reward')],
  ['Where DPO can end, J_S', attainable],
  ['RLHF optimum J* (KL-regularised; J can pass it)', rlhf],
  [metricLabel('signal'), (m) => v(m, 'signal')],
  ['Most likely response', mostLikely],
];

const READOUT = [
  ...KEY_NUMBERS,
  [metricLabel('ref_reward'), (m) => v(m, 'ref_reward')],
  ['Loss (minibatch)', (m) => `${v(m, 'loss')} (${v(m, 'batch_loss')})`],
  ['|∇L| (minibatch)', (m) => `${v(m, 'grad_norm')} (${v(m, 'batch_grad_norm')})`],
  ['Distance to θ_S', (m) => (m.target_distance === null ? NO_OPTIMUM : v(m, 'target_distance'))],
  ['Rate near θ_S', rates],
  ['Curvature at θ_t', curvature('hessian_min', 'hessian_max', 'condition')],
  ['Curvature at θ_S', curvature('hessian_min_opt', 'hessian_max_opt', null)],
  [metricLabel('kl'), (m) => v(m, 'kl')],
  [metricLabel('off_support_mass'), (m) => v(m, 'off_support_mass')],
  ['log π chosen / rejected, step-0 pairs', (m) => `${v(m, 'fixed_chosen_logp')} / ${v(m, 'fixed_rejected_logp')}`],
  ['log π chosen / rejected, current pairs', (m) => `${v(m, 'chosen_logp')} / ${v(m, 'rejected_logp')}`],
  [metricLabel('margin'), (m) => v(m, 'margin')],
];

// Talk mode's numbers for the room.
const TALK_NUMBERS = [
  ['Expected reward J', (m) => v(m, 'expected_reward')],
  ['J_S · J*', (m) => `${m.attainable_reward === null ? '—' : v(m, 'attainable_reward')} · ${m.rlhf_reward === null ? '—' : v(m, 'rlhf_reward')}`],
  ['Gradient signal', (m) => v(m, 'signal')],
];

// A phone's bar of the numbers to watch, which stays at the top while the plots scroll by.
const PHONE_NUMBERS = [
  ['Step', (m) => String(m.step)],
  ['J', (m) => v(m, 'expected_reward')],
  ['J_S', (m) => (m.attainable_reward === null ? '—' : v(m, 'attainable_reward'))],
  ['J*', (m) => (m.rlhf_reward === null ? '—' : v(m, 'rlhf_reward'))],
];

/** A `<dl>` of labels and empty values; returns the value cells. */
function table(list, rows) {
  return rows.map(([label]) => {
    const dd = el('dd');
    list.append(el('dt', { text: label }), dd);
    return dd;
  });
}

/** The number tables of a view (those its markup has a place for). */
export function buildReadouts(ui) {
  ui.tables = [['key-numbers', KEY_NUMBERS], ['readout', READOUT], ['talk-numbers', TALK_NUMBERS], ['phone-numbers', PHONE_NUMBERS]]
    .filter(([id]) => ui.$(id))
    .map(([id, rows]) => [rows, table(ui.$(id), rows)]);
}

export function updateReadouts(ui) {
  const m = guard(ui, () => ui.sim.metrics());
  const c = context(ui);
  for (const [rows, cells] of ui.tables) {
    cells.forEach((dd, i) => setText(dd, rows[i][1](m, c)));
  }
  setText(ui.$('step-count'), String(m.step));
  if (!ui.$('sampler-readout')) return;
  const s = guard(ui, () => ui.sim.sampler());
  const n = (x) => showMetric('expected_reward', x);
  setText(ui.$('sampler-readout'),
    `Sampler: support m = ${s.support} of N = ${s.n} responses, on-policy fraction ${s.online}. ` +
    `Expected reward of a sampled response: ${n(s.j_pi0)} under π₀, ${n(s.j_piq)} under π_q ` +
    `(quality adds ${n(s.j_piq - s.j_pi0)}); the reference's is ${n(s.j_ref)}.` +
    // A list gives rewards the features need not explain: the linear model sees their projection.
    (c.given && c.linear ? ' The world gives its own rewards: the linear model can fit only their projection on the features, r ≈ ⟨θ, φ⟩.' : ''));
}

/** The run in one sentence, for the live region. */
function summary(ui) {
  const m = guard(ui, () => ui.sim.metrics());
  const end = m.attainable_reward === null ? '' : `, where DPO can end ${v(m, 'attainable_reward')}`;
  return `Step ${m.step}. Expected reward ${v(m, 'expected_reward')}${end}. Gradient signal ${v(m, 'signal')}.`;
}

export function announce(ui) {
  const { spoken } = ui;
  spoken.timer = null;
  spoken.at = performance.now();
  speak(ui, summary(ui));
}

/**
 * Called on every redraw. At rest the summary waits until changes stop for a moment; while
 * playing it speaks at most every few seconds, never every frame.
 */
export function scheduleAnnouncement(ui) {
  const { spoken } = ui;
  // A story's message stays the last thing said until the run moves or changes.
  if (spoken.held) return;
  const speakNow = () => announce(ui);
  if (ui.playing) {
    if (spoken.timer === null) spoken.timer = setTimeout(speakNow, Math.max(ANNOUNCE.restMs, spoken.at + ANNOUNCE.playMs - performance.now()));
    return;
  }
  clearTimeout(spoken.timer);
  spoken.timer = setTimeout(speakNow, ANNOUNCE.restMs);
}

/** A brief message beside `anchor` (the control that caused it) that goes after a moment; also spoken. */
export function say(ui, text, anchor) {
  const toast = el('span', { class: 'toast', text, 'aria-hidden': 'true' });
  anchor.after(toast);
  setTimeout(() => toast.remove(), TOAST_MS);
  speak(ui, text);
}
