// The controls: one per settings field, built from the wasm fields() table (the sliders the
// study is about on top, the rest by group in the settings panel), the transport, the pace and
// the scenario. Their views show the store; their events call actions.
import { $, el } from './dom.js';
import { queryObject } from './codec.js';
import { store, setError, PACES } from './store.js';
import { FIELDS, PRESETS, formatNumber } from './wasm.js';
import {
  setQuery, reset, togglePlay, pause, advance, setPace, forgetPreset, loadPreset, pin, unpin, setView,
} from './actions.js';
import { render } from './loop.js';

/** The sliders shown on top (and in embed and talk modes unless the address names others). */
export const DEFAULT_CONTROLS = ['quality', 'support'];
// Positions of a logarithmic slider.
const LOG_STEPS = 200;

/** Each settings key's field, its box, input, value text and scale, filled once by buildControls. */
const controls = new Map();

/**
 * How a field maps onto its control: slider position <-> value text. Fields spanning 100x
 * or more (learning rate, beta, sharpness, batch) get a logarithmic slider; a fraction (a
 * range up to 1, such as the support) stays a plain one, as it looks.
 */
function scaleOf(f) {
  if (f.kind === 'int' && f.max - f.min > 100000) return { input: 'number' };
  const numeric = f.kind === 'real' || f.kind === 'int';
  if (numeric && f.min > 0 && f.max / f.min >= 100 && f.max > 1) return logScale(f);
  if (numeric) {
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
    log: true,
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
  if (f.kind === 'real') return formatNumber(Number(text), 'sig3');
  return text;
}

/** The values the scenarios give a field: tick marks on its slider. */
function scenarioValues(f) {
  const values = PRESETS.map((p) => queryObject(p.settings)[f.key]).filter((v) => v !== undefined);
  return [...new Set(values)].map(Number).sort((a, b) => a - b);
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
  // Not an <output>: that would be a live region, and a scenario would make every one speak.
  const value = el('span', { id: `val-${f.key}`, class: 'value' });
  const head = el('div', { class: 'control-head' }, [el('label', { for: id, text: f.label }), value]);
  if (f.scope === 'restart') head.append(el('span', { class: 'badge restart', text: 'restarts the run' }));
  const help = el('p', { class: 'help', id: `help-${f.key}`, text: f.help });
  const box = el('div', { class: `control control-${f.kind}` }, [head, input, help]);
  const ticks = scale.input === 'range' && !scale.log ? scenarioValues(f) : [];
  if (ticks.length) {
    const list = el('datalist', { id: `ticks-${f.key}` }, ticks.map((t) => el('option', { value: String(t) })));
    input.setAttribute('list', list.id);
    box.append(list, el('p', { class: 'ticks', text: `scenarios at ${ticks.map((t) => display(f, String(t))).join(', ')}` }));
  }

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
  controls.set(f.key, { f, box, input, value, scale });
  return box;
}

export function buildControls() {
  const groups = new Map();
  for (const f of FIELDS) {
    if (!groups.has(f.group)) {
      const body = el('div', { class: 'group-body' });
      $('groups').append(el('fieldset', { class: 'group' }, [el('legend', { text: f.group }), body]));
      groups.set(f.group, body);
    }
    groups.get(f.group).append(buildControl(f));
    controls.get(f.key).home = groups.get(f.group);
  }
  for (const p of PACES) $('speed').append(el('option', { value: p.value, text: p.label }));
  $('preset').append(el('option', { value: '', text: 'Custom settings' }));
  for (const p of PRESETS) $('preset').append(el('option', { value: p.key, text: p.title }));
  placeControls();
}

/** The sliders on top: the ones embed and talk modes ask for, else quality and support. */
function placeControls() {
  const wanted = (store.page.embed || store.page.talk ? store.page.controls : null) ?? DEFAULT_CONTROLS;
  for (const [key, c] of controls) {
    const parent = wanted.includes(key) ? $('prominent') : c.home;
    if (c.box.parentElement !== parent) parent.append(c.box);
  }
  for (const key of wanted) $('prominent').append(controls.get(key).box);
}

/** The view of the settings, the pace, the views and the scenario (with its story). */
export function syncControls() {
  placeControls();
  const values = queryObject(store.query);
  for (const [key, { f, input, value, scale }] of controls) {
    const text = values[key];
    if (f.kind === 'bool') input.checked = text === '1';
    else if (scale.toPosition) input.value = String(scale.toPosition(text));
    else input.value = text;
    value.textContent = display(f, text);
    if (scale.input === 'range') input.setAttribute('aria-valuetext', display(f, text));
  }
  $('speed').value = store.pace;
  $('view-log').checked = store.view.logSteps;
  $('view-pairs').checked = store.view.pairs;
  if (!picker.browsing) $('preset').value = store.preset;
  syncStory(PRESETS.find((p) => p.key === $('preset').value));
}

function syncStory(preset) {
  const story = $('preset-story');
  if (!preset) {
    story.textContent = 'Choose a scenario: each tells one finding of the study and pauses when it has played out.';
    return;
  }
  const pending = preset.key !== store.preset ? ' Press Enter to load it.' : '';
  story.replaceChildren(`${preset.story} (It plays out in ${preset.steps} steps.)${pending} `);
  // The tour has a section (or subsection) per preset, with the preset's key as its id.
  if (store.page.tour && !pending) story.append(el('a', { href: `tour.html#${preset.key}`, text: 'More in the tour' }));
  $('embed-title').textContent = preset.title;
  $('embed-summary').textContent = preset.summary;
}

/** The view of playing and pinning. */
export function syncButtons() {
  $('play').textContent = store.playing ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(store.playing));
  const pinned = store.sim.pinned();
  $('unpin').disabled = !pinned;
  $('pin').textContent = pinned ? 'Pin again' : 'Pin as ghost';
}

/**
 * The scenario picker loads on commit: a click on an option, or Enter. The arrow keys on the
 * closed picker only browse (the story shows; Escape or leaving puts the picker back).
 */
const picker = { browsing: false };
const BROWSE_KEYS = ['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'];

function choose(key) {
  picker.browsing = false;
  if (key === store.preset) return syncControls();
  if (key) {
    pause();
    loadPreset(key);
    render();
  } else forgetPreset();
}

function wirePicker() {
  const select = $('preset');
  select.addEventListener('keydown', (event) => {
    if (BROWSE_KEYS.includes(event.key) && !event.altKey) picker.browsing = true;
    else if (event.key === 'Enter') {
      event.preventDefault();
      choose(select.value);
    } else if (event.key === 'Escape' && picker.browsing) {
      picker.browsing = false;
      syncControls();
    }
  });
  select.addEventListener('change', () => {
    if (picker.browsing) syncStory(PRESETS.find((p) => p.key === select.value));
    else choose(select.value);
  });
  select.addEventListener('blur', () => {
    if (!picker.browsing) return;
    picker.browsing = false;
    syncControls();
  });
}

export function wireControls() {
  $('play').addEventListener('click', togglePlay);
  $('step').addEventListener('click', () => {
    pause();
    advance(1);
  });
  $('reset').addEventListener('click', reset);
  $('speed').addEventListener('change', () => setPace($('speed').value));
  wirePicker();
  $('pin').addEventListener('click', pin);
  $('unpin').addEventListener('click', unpin);
  $('view-log').addEventListener('change', () => setView({ logSteps: $('view-log').checked }));
  $('view-pairs').addEventListener('change', () => setView({ pairs: $('view-pairs').checked }));
}
