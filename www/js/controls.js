// The controls: one per settings field, built from the wasm fields() table (the sliders the
// study is about on top; on the page the rest by group in the settings panel), the transport,
// the pace and, on the page, the scenario. Their views show the ui; their events call actions.
import { el, setText, setAttr } from './dom.js';
import { queryObject } from './codec.js';
import { setError, compact } from './ui.js';
import { PACES, DEFAULT_CONTROLS } from './page-keys.js';
import { FIELDS, PRESETS, MAX_PINNED, formatNumber, guard } from './wasm.js';
import { syncStory } from './story.js';
import {
  setQuery, reset, togglePlay, pause, advance, setPace, forgetPreset, loadPreset, pin, unpin, setChartView,
} from './actions.js';
import { drawNow, ADJUST_MS } from './loop.js';

// Positions of a logarithmic slider.
const LOG_STEPS = 200;


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

function buildControl(ui, f) {
  const id = `ctl-${f.key}`;
  const scale = scaleOf(f);
  const input = inputFor(f, id, scale);
  input.dataset.scope = f.scope;
  // The reason a setting does not apply (see unused()) is read with its help.
  input.setAttribute('aria-describedby', `why-${f.key} help-${f.key}`);
  // Not an <output>: that would be a live region, and a scenario would make every one speak.
  const value = el('span', { id: `val-${f.key}`, class: 'value' });
  const head = el('div', { class: 'control-head' }, [el('label', { for: id, text: f.label }), value]);
  if (f.scope === 'restart') head.append(el('span', { class: 'badge restart', text: 'restarts the run' }));
  const help = el('p', { class: 'help', id: `help-${f.key}`, text: f.help });
  const why = el('p', { class: 'why', id: `why-${f.key}`, hidden: true });
  const box = el('div', { class: `control control-${f.kind}` }, [head, input, why, help]);
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
    if (scale.input === 'range') ui.adjusting = performance.now() + ADJUST_MS;
    try {
      setQuery(ui, `${f.key}=${read()}`);
    } catch (e) {
      setError(ui, e.message);
    }
  };
  // Sliders act while dragging; the seed acts when committed (typing "12" is not "1" then "12").
  input.addEventListener(scale.input === 'range' ? 'input' : 'change', onChange);
  ui.inputs.set(f.key, { f, box, input, value, why, scale, read });
  return box;
}

/**
 * Builds every setting's control. On the page the ones not on top wait in their groups in
 * the settings panel (#groups); an element keeps only the ones it shows.
 */
export function buildControls(ui) {
  const groups = new Map();
  for (const f of FIELDS) {
    const box = buildControl(ui, f);
    const panel = ui.$('groups');
    if (!panel) continue;
    if (!groups.has(f.group)) {
      const body = el('div', { class: 'group-body' });
      panel.append(el('fieldset', { class: 'group' }, [el('legend', { text: f.group }), body]));
      groups.set(f.group, body);
    }
    groups.get(f.group).append(box);
    ui.inputs.get(f.key).home = groups.get(f.group);
  }
  for (const p of PACES) ui.$('speed').append(el('option', { value: p.value, text: p.label }));
  const picker = ui.$('preset');
  if (picker) {
    picker.append(el('option', { value: '', text: 'Custom settings' }));
    for (const p of PRESETS) picker.append(el('option', { value: p.key, text: p.title }));
  }
  placeControls(ui);
}

/**
 * The sliders on top: the ones embed, talk and element modes ask for, else quality and support.
 * Boxes move only when that list changes (a mode or a controls= change), never on a commit:
 * a control moved under the pointer stops its drag, and one moved while focused loses focus.
 */
function placeControls(ui) {
  const wanted = (compact(ui) ? ui.controls : null) ?? DEFAULT_CONTROLS;
  const placed = wanted.join();
  if (ui.placed === placed) return;
  ui.placed = placed;
  const top = ui.$('prominent');
  for (const [key, c] of ui.inputs) {
    if (wanted.includes(key)) continue;
    if (c.home && c.box.parentElement !== c.home) c.home.append(c.box);
    if (!c.home) c.box.remove();
  }
  // In the order asked: append only the boxes not already in place.
  wanted.forEach((key, k) => {
    const box = ui.inputs.get(key).box;
    if (top.children[k] !== box) top.insertBefore(box, top.children[k] ?? null);
  });
}

/**
 * The settings that do not apply to the current ones, key -> why (the core decides), asked
 * once per query.
 */
const unusedCache = new WeakMap();
export function unused(ui) {
  const cached = unusedCache.get(ui);
  if (cached?.query === ui.query) return cached.reasons;
  const reasons = new Map(guard(ui, () => ui.sim.inapplicable()).map((r) => [r.key, r.reason]));
  unusedCache.set(ui, { query: ui.query, reasons });
  return reasons;
}

/** The view of the settings, the pace, the chart options and the scenario (with its story). */
export function syncControls(ui) {
  placeControls(ui);
  const values = queryObject(ui.query);
  const reasons = unused(ui);
  for (const [key, c] of ui.inputs) {
    const { f, input, value } = c;
    // A setting that does not apply is disabled where it is, with the reason beside it.
    const why = reasons.get(key);
    if (input.disabled !== Boolean(why)) input.disabled = Boolean(why);
    if (c.why.hidden !== !why) c.why.hidden = !why;
    setText(c.why, why ? `Not used: ${why}.` : '');
    // A compact layout cuts the reason to one line: the whole of it on hover.
    setAttr(c.why, 'title', why ? c.why.textContent : null);
    const text = values[key];
    // Only when the control does not already say this value: a slider being dragged keeps the
    // exact position under the pointer (a log slider's position rounds to fewer values).
    if (f.kind === 'bool') {
      if (input.checked !== (text === '1')) input.checked = text === '1';
    } else if (c.read() !== text) {
      input.value = String(c.scale.toPosition ? c.scale.toPosition(text) : text);
    }
    setText(value, display(f, text));
    if (c.scale.input === 'range') setAttr(input, 'aria-valuetext', display(f, text));
  }
  if (ui.$('speed').value !== ui.pace) ui.$('speed').value = ui.pace;
  if (ui.$('view-log')) {
    ui.$('view-log').checked = ui.chart.logSteps;
    ui.$('view-pairs').checked = ui.chart.pairs;
  }
  const picker = ui.$('preset');
  if (picker && !browsing.has(ui) && picker.value !== ui.preset) picker.value = ui.preset;
  const shown = PRESETS.find((p) => p.key === (picker?.value ?? ui.preset));
  syncStory(ui, shown);
  setText(ui.$('embed-title'), ui.title || (shown?.title ?? 'Custom settings'));
}

/** The view of playing and pinning. */
export function syncButtons(ui) {
  setText(ui.$('play'), ui.playing ? 'Pause' : 'Play');
  setAttr(ui.$('play'), 'aria-pressed', String(ui.playing));
  if (!ui.$('pin')) return;
  const pinned = ui.sim.pinned().length;
  ui.$('unpin').disabled = pinned === 0;
  ui.$('pin').disabled = pinned >= MAX_PINNED;
  setAttr(ui.$('pin'), 'title', pinned >= MAX_PINNED
    ? `At most ${MAX_PINNED} runs can be pinned: unpin them first`
    : 'Keep this run on the plots, dashed and named by what differs, while you change settings');
}

/**
 * The scenario picker loads on commit: a click on an option, or Enter. The arrow keys on the
 * closed picker only browse (the story shows; Escape or leaving puts the picker back).
 */
const browsing = new Set();
const BROWSE_KEYS = ['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'];

function choose(ui, key) {
  browsing.delete(ui);
  if (key === ui.preset) return syncControls(ui);
  if (key) {
    pause(ui);
    loadPreset(ui, key);
    drawNow(ui);
  } else forgetPreset(ui);
}

function wirePicker(ui) {
  const select = ui.$('preset');
  select.addEventListener('keydown', (event) => {
    if (BROWSE_KEYS.includes(event.key) && !event.altKey) browsing.add(ui);
    else if (event.key === 'Enter') {
      event.preventDefault();
      choose(ui, select.value);
    } else if (event.key === 'Escape' && browsing.has(ui)) {
      browsing.delete(ui);
      syncControls(ui);
    }
  });
  select.addEventListener('change', () => {
    if (browsing.has(ui)) syncStory(ui, PRESETS.find((p) => p.key === select.value));
    else choose(ui, select.value);
  });
  select.addEventListener('blur', () => {
    if (!browsing.delete(ui)) return;
    syncControls(ui);
  });
}

export function wireControls(ui) {
  ui.$('work-stop').addEventListener('click', () => ui.work?.finish());
  ui.$('play').addEventListener('click', () => togglePlay(ui));
  ui.$('step').addEventListener('click', () => {
    pause(ui);
    advance(ui, 1);
  });
  ui.$('reset').addEventListener('click', () => reset(ui));
  ui.$('speed').addEventListener('change', () => setPace(ui, ui.$('speed').value));
  if (!ui.$('preset')) return;
  wirePicker(ui);
  ui.$('pin').addEventListener('click', () => pin(ui));
  ui.$('unpin').addEventListener('click', () => unpin(ui));
  ui.$('view-log').addEventListener('change', () => setChartView(ui, { logSteps: ui.$('view-log').checked }));
  ui.$('view-pairs').addEventListener('change', () => setChartView(ui, { pairs: ui.$('view-pairs').checked }));
}
