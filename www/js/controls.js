// The controls: one per settings field, built from the wasm fields() table (the two the study
// is about on top, the rest by group), the transport, the speed and the scenario. Their views
// show the store; their events call actions.
import { $, el } from './dom.js';
import { queryObject } from './codec.js';
import { store, setError } from './store.js';
import { FIELDS, PRESETS } from './wasm.js';
import { setQuery, reset, togglePlay, pause, advance, setSpeed, forgetPreset, pin, unpin } from './actions.js';
import { api } from './api.js';

const SPEEDS = [1, 2, 5, 10, 20, 50];
// The two sliders the study is about, shown at the top (and alone in embed mode).
const PROMINENT = ['quality', 'support'];
// Positions of a logarithmic slider; a field spanning 100x or more gets one.
const LOG_STEPS = 200;

/** Each settings key's field, input, value output and scale, filled once by buildControls. */
const controls = new Map();

/** How a field maps onto its control: slider position <-> value text. */
function scaleOf(f) {
  if (f.kind === 'int' && f.max - f.min > 100000) return { input: 'number' };
  if ((f.kind === 'real' || f.kind === 'int') && f.min > 0 && f.max / f.min >= 100) return logScale(f);
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

function logScale(f) {
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

/** A value as its control shows it. */
function display(f, text) {
  if (f.kind === 'bool') return text === '1' ? 'on' : 'off';
  if (f.kind === 'real') {
    const v = Number(text);
    return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
  }
  return text;
}

function inputFor(f, id, scale) {
  if (f.kind === 'choice') return el('select', { id }, f.options.map((o) => el('option', { value: o, text: o })));
  if (f.kind === 'bool') return el('input', { id, type: 'checkbox' });
  if (scale.input === 'number') return el('input', { id, type: 'number', min: f.min, max: f.max, step: 1, inputMode: 'numeric' });
  return el('input', { id, type: 'range', min: scale.min, max: scale.max, step: scale.step });
}

function buildControl(f) {
  const id = `ctl-${f.key}`;
  const scale = scaleOf(f);
  const input = inputFor(f, id, scale);
  input.dataset.scope = f.scope;
  input.setAttribute('aria-describedby', `help-${f.key}`);
  const output = el('output', { id: `val-${f.key}`, for: id });
  const head = el('div', { class: 'control-head' }, [el('label', { for: id, text: f.label }), output]);
  if (f.scope === 'restart') head.append(el('span', { class: 'badge restart', text: 'restarts the run' }));
  const help = el('p', { class: 'help', id: `help-${f.key}`, text: f.help });

  const read = () => {
    if (f.kind === 'bool') return input.checked ? '1' : '0';
    if (scale.toValue) return scale.toValue(input.value);
    return input.value;
  };
  const onChange = () => {
    try {
      setQuery(`${f.key}=${read()}`);
    } catch (e) {
      setError(e.message);
    }
  };
  // Sliders act while dragging; the seed acts when committed (typing "12" is not "1" then "12").
  input.addEventListener(scale.input === 'range' ? 'input' : 'change', onChange);
  controls.set(f.key, { f, input, output, scale });
  return el('div', { class: `control control-${f.kind}` }, [head, input, help]);
}

export function buildControls() {
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
  $('preset').append(el('option', { value: '', text: 'Custom settings' }));
  for (const p of PRESETS) $('preset').append(el('option', { value: p.key, text: p.title }));
}

/** The view of the settings, the speed and the scenario (with its story). */
export function syncControls() {
  const values = queryObject(store.query);
  for (const [key, { f, input, output, scale }] of controls) {
    const text = values[key];
    if (f.kind === 'bool') input.checked = text === '1';
    else if (scale.toPosition) input.value = String(scale.toPosition(text));
    else input.value = text;
    output.textContent = display(f, text);
    if (scale.input === 'range') input.setAttribute('aria-valuetext', display(f, text));
  }
  $('speed').value = String(store.speed);
  $('preset').value = store.preset;
  syncStory(PRESETS.find((p) => p.key === store.preset));
}

function syncStory(preset) {
  const story = $('preset-story');
  if (!preset) {
    story.textContent = 'Choose a scenario for a guided experiment, or change any setting below.';
    return;
  }
  story.replaceChildren(`${preset.story} (The story plays out in about ${preset.steps} steps.) `);
  // The tour has a section (or subsection) per preset, with the preset's key as its id.
  if (store.page.tour) story.append(el('a', { href: `tour.html#${preset.key}`, text: 'Read more in the tour' }));
}

/** The view of playing and pinning. */
export function syncButtons() {
  $('play').textContent = store.playing ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(store.playing));
  const pinned = store.sim.pinned();
  $('unpin').disabled = !pinned;
  $('pin').textContent = pinned ? 'Pin again' : 'Pin as ghost';
}

export function wireControls() {
  $('play').addEventListener('click', togglePlay);
  $('step').addEventListener('click', () => {
    pause();
    advance(1);
  });
  $('reset').addEventListener('click', reset);
  $('speed').addEventListener('change', () => setSpeed(Number($('speed').value)));
  $('preset').addEventListener('change', () => {
    const key = $('preset').value;
    if (key) api.preset(key);
    else forgetPreset();
  });
  $('pin').addEventListener('click', pin);
  $('unpin').addEventListener('click', unpin);
}
