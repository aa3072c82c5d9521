// The page: controls built from the settings table, the animation loop, the URL fragment,
// window.dpoSim and postMessage. All simulation and drawing happens in the wasm core.
import init, { Sim, fields, presets, defaultQuery, normalize, takePanic } from './pkg/dpo_sim.js';

const SPEEDS = [1, 2, 5, 10, 20, 50];
const DEFAULT_SPEED = 5;
// The two sliders the study is about, shown at the top (and alone in embed mode).
const PROMINENT = ['quality', 'support'];
// Positions of a logarithmic slider; a field spanning 100x or more gets one.
const LOG_STEPS = 200;
const STATS_WINDOW = 120;
// The loss landscape costs grid cells x pairs. At rest its resolution depends on the pairs
// only (the same state always draws the same pixels); while playing, a time budget per frame
// makes it coarser.
const LANDSCAPE = { min: 8, max: 40, restEvals: 4e6, playMs: 6 };
// The short spoken readout: after a change, once the run rests this long; while playing, at
// most this often.
const ANNOUNCE = { restMs: 1000, playMs: 10000 };
// Talk mode: plot text grows with the plot, from this design size (CSS px) on.
const TALK_DESIGN = { w: 450, h: 320 };
const API_METHODS = [
  'get', 'set', 'step', 'play', 'pause', 'reset', 'preset', 'pin', 'unpin',
  'metrics', 'history', 'csv', 'isPlaying', 'error', 'frameStats',
];

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('data-') || k.startsWith('aria-') || k === 'for') node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
};

// ---------------------------------------------------------------- fragment

/** Splits `#a=b&c=d` into settings parts (kept raw: the core validates them) and page keys. */
function parseFragment(hash) {
  const out = { settings: [], preset: null, embed: false, talk: false, origin: null };
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (key === 'preset') out.preset = value;
    else if (key === 'embed') out.embed = value === '1';
    else if (key === 'talk') out.talk = value === '1';
    else if (key === 'origin') {
      try {
        out.origin = decodeURIComponent(value);
      } catch {
        out.origin = value;
      }
    } else out.settings.push(part);
  }
  return out;
}

const page = parseFragment(location.hash);
if (page.embed) document.documentElement.classList.add('embed');
// Embedding wins: talk mode is for the whole screen.
if (page.talk && !page.embed) document.documentElement.classList.add('talk');
const talk = page.talk && !page.embed;

await init();
const FIELDS = fields();
const PRESETS = presets();
const DEFAULTS = defaultQuery();

const state = {
  sim: null,
  query: DEFAULTS,
  playing: false,
  speed: DEFAULT_SPEED,
  error: null,
  dirty: true,
  preset: '',
  frames: 0,
  times: [],
  firstFrameMs: null,
};

function findPreset(key) {
  const preset = PRESETS.find((p) => p.key === key);
  if (!preset) {
    const known = PRESETS.map((p) => p.key).join(', ');
    throw new Error(`unknown preset '${String(key).slice(0, 40)}' (known: ${known})`);
  }
  return preset;
}

/** The full settings a fragment asks for, validated by the core (throws naming the bad key). */
function fragmentQuery(frag) {
  const base = frag.preset ? `${DEFAULTS}&${findPreset(frag.preset).settings}` : DEFAULTS;
  return normalize([base, ...frag.settings].join('&'));
}

function writeFragment() {
  const parts = [];
  if (state.preset) parts.push(`preset=${state.preset}`);
  parts.push(state.query);
  if (page.embed) parts.push('embed=1');
  if (talk) parts.push('talk=1');
  if (page.origin) parts.push(`origin=${encodeURIComponent(page.origin)}`);
  history.replaceState(null, '', `#${parts.join('&')}`);
}

// ---------------------------------------------------------------- wasm calls and errors

function showError(text) {
  state.error = text;
  const banner = $('error-banner');
  banner.textContent = text;
  banner.hidden = false;
}

function clearError() {
  state.error = null;
  $('error-banner').hidden = true;
  $('error-banner').textContent = '';
}

function showNotice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

/**
 * Runs a call into wasm. A Rust panic aborts, which traps as a RuntimeError and leaves that
 * simulator unusable: show the panic message and start a fresh simulator from the last settings.
 */
function wasm(call) {
  try {
    return call();
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    let message = e.message;
    try {
      message = takePanic() ?? message;
    } catch {
      // The module itself is broken; the RuntimeError's text is all there is.
    }
    state.playing = false;
    try {
      state.sim = new Sim(state.query);
    } catch {
      state.sim = new Sim('');
      state.query = state.sim.query();
    }
    state.dirty = true;
    syncButtons();
    const text = `Internal error: ${message}. The simulator was restarted from step 0.`;
    showError(text);
    throw new Error(text);
  }
}

// ---------------------------------------------------------------- controls

/** How a field maps onto its control: slider position <-> value text. */
function scaleOf(f) {
  if (f.kind === 'int' && f.max - f.min > 100000) return { input: 'number' };
  if ((f.kind === 'real' || f.kind === 'int') && f.min > 0 && f.max / f.min >= 100) {
    const lo = Math.log(f.min);
    const hi = Math.log(f.max);
    return {
      input: 'range',
      min: 0,
      max: LOG_STEPS,
      step: 1,
      toValue: (pos) => {
        const v = Math.exp(lo + ((hi - lo) * pos) / LOG_STEPS);
        const clamped = Math.min(f.max, Math.max(f.min, f.kind === 'int' ? Math.round(v) : Number(v.toPrecision(3))));
        return String(clamped);
      },
      toPosition: (text) => Math.round(((Math.log(Number(text)) - lo) / (hi - lo)) * LOG_STEPS),
    };
  }
  if (f.kind === 'real' || f.kind === 'int') {
    const step = f.kind === 'int' ? 1 : 10 ** Math.round(Math.log10((f.max - f.min) / 100));
    const decimals = Math.max(0, -Math.floor(Math.log10(step)));
    return {
      input: 'range',
      min: f.min,
      max: f.max,
      step,
      toValue: (pos) => String(Number(Number(pos).toFixed(decimals))),
      toPosition: (text) => text,
    };
  }
  return { input: f.kind };
}

function display(f, text) {
  if (f.kind === 'bool') return text === '1' ? 'on' : 'off';
  if (f.kind === 'real') {
    const v = Number(text);
    return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  }
  return text;
}

const controls = new Map();

function buildControl(f) {
  const id = `ctl-${f.key}`;
  const scale = scaleOf(f);
  let input;
  if (f.kind === 'choice') {
    input = el('select', { id }, f.options.map((o) => el('option', { value: o, text: o })));
  } else if (f.kind === 'bool') {
    input = el('input', { id, type: 'checkbox' });
  } else if (scale.input === 'number') {
    input = el('input', { id, type: 'number', min: f.min, max: f.max, step: 1, inputMode: 'numeric' });
  } else {
    input = el('input', { id, type: 'range', min: scale.min, max: scale.max, step: scale.step });
  }
  input.dataset.scope = f.scope;
  input.setAttribute('aria-describedby', `help-${f.key}`);
  const output = el('output', { id: `val-${f.key}`, for: id });
  const head = el('div', { class: 'control-head' }, [el('label', { for: id, text: f.label }), output]);
  if (f.scope === 'restart') head.append(el('span', { class: 'badge restart', text: 'restarts the run' }));
  const help = el('p', { class: 'help', id: `help-${f.key}`, text: f.help });
  const box = el('div', { class: `control control-${f.kind}` }, [head, input, help]);

  const read = () => {
    if (f.kind === 'bool') return input.checked ? '1' : '0';
    if (scale.toValue) return scale.toValue(input.value);
    return input.value;
  };
  const onChange = () => {
    try {
      setQuery(`${f.key}=${read()}`);
    } catch (e) {
      showError(e.message);
    }
  };
  // Sliders act while dragging; the seed acts when committed (typing "12" is not "1" then "12").
  input.addEventListener(scale.input === 'range' ? 'input' : 'change', onChange);
  controls.set(f.key, { f, input, output, scale });
  return box;
}

function buildControls() {
  for (const f of FIELDS.filter((f) => PROMINENT.includes(f.key))) $('prominent').append(buildControl(f));
  const groups = new Map();
  for (const f of FIELDS.filter((f) => !PROMINENT.includes(f.key))) {
    if (!groups.has(f.group)) {
      const body = el('div', { class: 'group-body' });
      $('groups').append(el('fieldset', { class: 'group' }, [el('legend', { text: f.group }), body]));
      groups.set(f.group, body);
    }
    groups.get(f.group).append(buildControl(f));
  }
  for (const s of SPEEDS) $('speed').append(el('option', { value: s, text: `${s} step${s > 1 ? 's' : ''}/frame` }));
  $('speed').value = String(state.speed);
  $('preset').append(el('option', { value: '', text: 'Custom settings' }));
  for (const p of PRESETS) $('preset').append(el('option', { value: p.key, text: p.title }));
}

function settingsObject() {
  return Object.fromEntries(state.query.split('&').map((part) => part.split('=')));
}

function syncControls() {
  const values = settingsObject();
  for (const [key, { f, input, output, scale }] of controls) {
    const text = values[key];
    if (f.kind === 'bool') input.checked = text === '1';
    else if (scale.toPosition) input.value = String(scale.toPosition(text));
    else input.value = text;
    output.textContent = display(f, text);
    if (scale.input === 'range') input.setAttribute('aria-valuetext', display(f, text));
  }
  $('preset').value = state.preset;
  const preset = PRESETS.find((p) => p.key === state.preset);
  const story = $('preset-story');
  if (preset) {
    story.replaceChildren(`${preset.story} (The story plays out in about ${preset.steps} steps.) `);
    // The tour has a section (or subsection) per preset, with the preset's key as its id.
    if (tourAvailable) story.append(el('a', { href: `tour.html#${preset.key}`, text: 'Read more in the tour' }));
  } else {
    story.textContent = 'Choose a scenario for a guided experiment, or change any setting below.';
  }
  if (talk) {
    const index = PRESETS.indexOf(preset);
    $('talk-title').textContent = preset ? `${index + 1}. ${preset.title}` : 'Custom settings';
  }
}

/** The tour is a second page beside this one; the one-file build opened from disk has none. */
const tourAvailable = location.protocol !== 'file:';

function syncButtons() {
  $('play').textContent = state.playing ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(state.playing));
  const pinned = state.sim.pinned();
  $('unpin').disabled = !pinned;
  $('pin').textContent = pinned ? 'Pin again' : 'Pin as ghost';
}

// ---------------------------------------------------------------- actions

/** Applies `key=value&...` on top of the current settings; returns whether the run restarted. */
function setQuery(query) {
  const restarted = wasm(() => state.sim.set(query));
  state.query = wasm(() => state.sim.query());
  // A restart is a new run: an old divergence no longer applies.
  if (restarted && state.error) clearError();
  syncControls();
  writeFragment();
  state.dirty = true;
  return restarted;
}

/** Replaces all settings and starts again from step 0 (presets, a new fragment). */
function load(query, presetKey) {
  state.preset = presetKey;
  setQuery(query);
  reset();
}

function reset() {
  wasm(() => state.sim.reset());
  clearError();
  state.dirty = true;
}

function play() {
  state.playing = true;
  syncButtons();
}

function pause() {
  state.playing = false;
  // Redraw at rest: the landscape gets its full resolution.
  state.dirty = true;
  syncButtons();
}

/** Runs `n` steps; on divergence pauses and explains, leaving the run at the failing step. */
function advance(n) {
  try {
    wasm(() => state.sim.step(n));
  } catch (e) {
    pause();
    if (!state.error) showError(e.message);
  }
  state.dirty = true;
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The four plots on one white sheet, each under its title, with the step and settings. */
function exportPng() {
  render();
  const scale = window.devicePixelRatio || 1;
  const w = Math.max(...CANVASES.map((c) => c.width));
  const h = Math.max(...CANVASES.map((c) => c.height));
  const title = Math.round(26 * scale);
  const footer = Math.round(22 * scale);
  const out = el('canvas', { width: 2 * w, height: 2 * (h + title) + footer });
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#1c2230';
  ctx.textBaseline = 'middle';
  CANVASES.forEach((c, i) => {
    const x = (i % 2) * w;
    const y = Math.floor(i / 2) * (h + title);
    ctx.font = `600 ${Math.round(15 * scale)}px system-ui, sans-serif`;
    ctx.fillText(c.closest('figure').querySelector('strong').textContent, x + 12 * scale, y + title / 2);
    ctx.drawImage(c, x, y + title);
  });
  ctx.font = `${Math.round(11 * scale)}px system-ui, sans-serif`;
  ctx.fillStyle = '#5d6676';
  ctx.fillText(`step ${state.sim.stepCount()} · ${state.query}`, 12 * scale, out.height - footer / 2, out.width - 24 * scale);
  out.toBlob((blob) => download(blob, `dpo-sim-step-${state.sim.stepCount()}.png`), 'image/png');
}

async function share() {
  writeFragment();
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    showNotice('Link copied: it restores these settings.');
  } catch {
    showNotice(`Copy this link to share these settings: ${url}`);
  }
}

// ---------------------------------------------------------------- drawing

const CANVASES = ['map', 'landscape', 'signal', 'curves'].map($);

/** Backing store at device pixels; the CSS decides the size on screen. */
function fitCanvases(scale) {
  for (const c of CANVASES) {
    const w = Math.max(1, Math.round(c.clientWidth * scale));
    const h = Math.max(1, Math.round(c.clientHeight * scale));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
  }
}

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
const readoutCells = READOUT.map(([label]) => {
  const dd = el('dd');
  $('readout').append(el('dt', { text: label }), dd);
  return dd;
});

// Talk mode's numbers for the room (screen readers get #announce instead).
const TALK_NUMBERS = [
  ['Expected reward J', (m) => fmt(m.expected_reward)],
  ['Reference · target', (m) => `${fmt(m.ref_reward)} · ${fmt(m.target_reward)}`],
  ['Gradient signal', (m) => fmt(m.signal)],
];
const talkCells = talk
  ? TALK_NUMBERS.map(([label]) => {
    const dd = el('dd');
    $('talk-numbers').append(el('dt', { text: label }), dd);
    return dd;
  })
  : [];

function updateReadouts() {
  const m = wasm(() => state.sim.metrics());
  const finite = wasm(() => state.sim.finiteOptimum());
  READOUT.forEach(([, value], i) => {
    readoutCells[i].textContent = value(m, finite);
  });
  $('step-count').textContent = String(m.step);
  if (talk) {
    TALK_NUMBERS.forEach(([, value], i) => {
      talkCells[i].textContent = value(m);
    });
  }
  const s = wasm(() => state.sim.sampler());
  $('sampler-readout').textContent =
    `Sampler: support m = ${s.support} of N = ${s.n} responses, on-policy fraction ${fmt(s.online)}. ` +
    `Expected reward of a sampled response: ${fmt(s.j_pi0)} under π₀, ${fmt(s.j_piq)} under π_q ` +
    `(quality adds ${fmt(s.j_piq - s.j_pi0)}); the reference's is ${fmt(s.j_ref)}.`;
}

const land = { evalMs: null, costMs: 0, at: -Infinity };
const clampResolution = (r) => Math.max(LANDSCAPE.min, Math.min(LANDSCAPE.max, Math.floor(r)));

function landscapeResolution() {
  const pairs = Math.max(1, wasm(() => state.sim.pairCount()));
  const rest = clampResolution(Math.sqrt(LANDSCAPE.restEvals / pairs));
  if (!state.playing || land.evalMs === null) return rest;
  return Math.min(rest, clampResolution(Math.sqrt(LANDSCAPE.playMs / (land.evalMs * pairs))));
}

/** Brings the landscape up to date, within its time budget while playing. */
function prepareLandscape() {
  const start = performance.now();
  // Over budget even when coarse (very many pairs): while playing, refresh it less often.
  if (state.playing && land.costMs > LANDSCAPE.playMs && start - land.at < 3 * land.costMs) return;
  const work = wasm(() => state.sim.prepareLandscape(landscapeResolution()));
  if (work > 0) {
    const end = performance.now();
    const perEval = (end - start) / work;
    land.evalMs = land.evalMs === null ? perEval : 0.5 * land.evalMs + 0.5 * perEval;
    land.costMs = end - start;
    land.at = end;
  }
}

/**
 * Device pixels per CSS pixel, as the charts should assume. In talk mode a plot larger than
 * the charts' design size is drawn as if smaller, so its text and marks grow with it.
 */
function chartScale(scale) {
  if (!talk) return scale;
  const shown = CANVASES.find((c) => c.clientWidth > 0 && c.clientHeight > 0);
  if (!shown) return scale;
  const grow = Math.min(shown.clientWidth / TALK_DESIGN.w, shown.clientHeight / TALK_DESIGN.h);
  return scale * Math.max(1, grow);
}

function render() {
  const scale = window.devicePixelRatio || 1;
  fitCanvases(scale);
  try {
    prepareLandscape();
    wasm(() => state.sim.draw(...CANVASES, chartScale(scale)));
  } catch (e) {
    pause();
    if (!state.error) showError(`Drawing failed: ${e.message}`);
  }
  updateReadouts();
  syncButtons();
  scheduleAnnouncement();
  state.dirty = false;
}

// ---------------------------------------------------------------- screen-reader readout

const spoken = { timer: null, at: -Infinity };

function announcement() {
  const m = wasm(() => state.sim.metrics());
  return `Step ${m.step}. Expected reward ${fmt(m.expected_reward)} (reference ${fmt(m.ref_reward)}). ` +
    `Gradient signal ${fmt(m.signal)}.`;
}

function announce() {
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
function scheduleAnnouncement() {
  if (state.playing) {
    if (spoken.timer === null) spoken.timer = setTimeout(announce, Math.max(ANNOUNCE.restMs, spoken.at + ANNOUNCE.playMs - performance.now()));
    return;
  }
  clearTimeout(spoken.timer);
  spoken.timer = setTimeout(announce, ANNOUNCE.restMs);
}

function frame() {
  requestAnimationFrame(frame);
  if (!state.playing && !state.dirty) return;
  const start = performance.now();
  const sim = state.sim;
  try {
    if (state.playing) advance(state.speed);
    render();
  } catch (e) {
    // A bug, not the run: show it once instead of failing again every frame. Redraw only if
    // wasm() restarted a panicked simulator; otherwise wait for a change (reset, a setting).
    console.error(e);
    pause();
    if (!state.error) showError(`Internal error: ${e?.message ?? e}`);
    state.dirty = state.sim !== sim;
  }
  const end = performance.now();
  state.frames += 1;
  state.times.push(end - start);
  if (state.times.length > STATS_WINDOW) state.times.shift();
  if (state.firstFrameMs === null) state.firstFrameMs = end;
}

function quantile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
}

// ---------------------------------------------------------------- API

const api = {
  get: () => settingsObject(),
  set(partial) {
    if (!partial || typeof partial !== 'object') throw new Error('set expects an object such as {quality: 0.5}');
    const parts = Object.entries(partial).map(([key, value]) => {
      const text = String(value);
      if (/[&=]/.test(key) || /[&=]/.test(text)) throw new Error(`${key.slice(0, 40)}: a value may not contain '&' or '='`);
      return `${key}=${text}`;
    });
    return { restarted: setQuery(parts.join('&')) };
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
    const preset = findPreset(key);
    load(`${DEFAULTS}&${preset.settings}`, preset.key);
    render();
  },
  pin() {
    wasm(() => state.sim.pin());
    state.dirty = true;
    syncButtons();
  },
  unpin() {
    wasm(() => state.sim.unpin());
    state.dirty = true;
    syncButtons();
  },
  metrics: () => wasm(() => state.sim.metrics()),
  history: () => wasm(() => state.sim.history()),
  csv: () => wasm(() => state.sim.csv()),
  isPlaying: () => state.playing,
  error: () => state.error,
  frameStats() {
    const sorted = [...state.times].sort((a, b) => a - b);
    return {
      frames: state.frames,
      median_ms: quantile(sorted, 0.5),
      p95_ms: quantile(sorted, 0.95),
      first_frame_ms: state.firstFrameMs,
    };
  },
};

function onMessage(event) {
  const d = event.data;
  if (!d || typeof d !== 'object' || d.type !== 'dpo-sim' || !API_METHODS.includes(d.method)) return;
  if (page.origin && event.origin !== page.origin) return;
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

// ---------------------------------------------------------------- start

/** Which of our keys the focused element needs for itself. */
function ownKeys(target) {
  if (!(target instanceof Element)) return [];
  if (target.isContentEditable || target.closest('textarea, select')) return ['all'];
  if (target instanceof HTMLInputElement) {
    if (target.type === 'range') return ['ArrowRight'];
    if (target.type !== 'checkbox') return ['all'];
  }
  // Space activates buttons, links and checkboxes.
  return target.closest('button, a, input') ? [' '] : [];
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const own = ownKeys(event.target);
  if (own.includes('all') || own.includes(event.key)) return;
  if (event.key === ' ') {
    event.preventDefault();
    if (state.playing) pause();
    else play();
  } else if (event.key === 'ArrowRight') {
    event.preventDefault();
    advance(1);
  } else if (event.key === 'r' || event.key === 'R') {
    reset();
  } else if (talk && /^[1-9]$/.test(event.key)) {
    const preset = PRESETS[Number(event.key) - 1];
    if (!preset) return;
    event.preventDefault();
    pause();
    api.preset(preset.key);
  }
}

function wire() {
  $('play').addEventListener('click', () => (state.playing ? pause() : play()));
  $('step').addEventListener('click', () => {
    pause();
    advance(1);
  });
  $('reset').addEventListener('click', reset);
  $('speed').addEventListener('change', () => {
    state.speed = Number($('speed').value);
  });
  $('preset').addEventListener('change', () => {
    const key = $('preset').value;
    if (key) api.preset(key);
    else {
      state.preset = '';
      syncControls();
      writeFragment();
    }
  });
  $('pin').addEventListener('click', api.pin);
  $('unpin').addEventListener('click', api.unpin);
  $('share').addEventListener('click', share);
  $('export-png').addEventListener('click', exportPng);
  $('export-csv').addEventListener('click', () => {
    download(new Blob([api.csv()], { type: 'text/csv' }), `dpo-sim-metrics-step-${state.sim.stepCount()}.csv`);
  });
  document.addEventListener('keydown', onKey);
  window.addEventListener('message', onMessage);
  // Anything else that escapes (a bug) stays visible too; reset clears the banner.
  window.addEventListener('error', (event) => state.error || showError(`Internal error: ${event.error?.message ?? event.message}`));
  window.addEventListener('unhandledrejection', (event) => state.error || showError(`Internal error: ${event.reason?.message ?? event.reason}`));
  window.addEventListener('hashchange', () => loadFragment(parseFragment(location.hash)));
  new ResizeObserver(() => {
    state.dirty = true;
  }).observe($('map'));
  if (page.embed && window.parent !== window) {
    // Lets the embedding page size the iframe to the content: {type: 'dpo-sim-size', height}.
    new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      window.parent.postMessage({ type: 'dpo-sim-size', height }, page.origin ?? '*');
    }).observe(document.documentElement);
  }
  if (talk) {
    $('talk-last-key').textContent = String(Math.min(9, PRESETS.length));
    wireTalk();
  }
  if (!tourAvailable) for (const link of document.querySelectorAll('.tour-link')) link.hidden = true;
}

/** Talk mode: a click (or Enter) on a plot enlarges it to the whole plot area; again, or Escape, restores. */
function wireTalk() {
  const plots = document.querySelector('.plots');
  const figures = [...plots.querySelectorAll('figure')];
  const zoom = (figure) => {
    const on = figure !== null && !figure.classList.contains('zoomed');
    for (const f of figures) {
      f.classList.toggle('zoomed', on && f === figure);
      f.setAttribute('aria-expanded', String(on && f === figure));
    }
    plots.classList.toggle('has-zoom', on);
    state.dirty = true;
  };
  for (const figure of figures) {
    figure.tabIndex = 0;
    figure.setAttribute('aria-expanded', 'false');
    figure.title = 'Click to enlarge this plot; click again or press Escape for all four';
    figure.addEventListener('click', () => zoom(figure));
    figure.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') zoom(figure);
    });
  }
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && plots.classList.contains('has-zoom')) zoom(null);
  });
}

/** Loads what a fragment asks for; a bad one loads the defaults and says which key was wrong. */
function loadFragment(frag) {
  let query = DEFAULTS;
  let presetKey = '';
  try {
    query = fragmentQuery(frag);
    presetKey = frag.preset ?? '';
  } catch (e) {
    showNotice(`The link's settings were ignored and the defaults loaded: ${e.message}`);
  }
  load(query, presetKey);
}

buildControls();
state.sim = new Sim(DEFAULTS);
wire();
loadFragment(page);
const firstStart = performance.now();
render();
announce();
state.firstFrameMs = performance.now();
state.frames = 1;
state.times.push(state.firstFrameMs - firstStart);
requestAnimationFrame(frame);

window.dpoSim = api;
window.dpoSimReady = true;
window.dispatchEvent(new Event('dpo-sim-ready'));
