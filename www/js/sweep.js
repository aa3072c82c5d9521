// The page's sweep view: fresh runs across values of one setting, or a quality x support
// grid (runSweep, in the worker, so the page keeps animating), drawn with the core's sweep
// charts; a click on the phase map loads that cell's settings.
import { el } from './dom.js';
import { queryObject } from './codec.js';
import { SweepTable, FIELDS, METRICS, guard } from './wasm.js';
import { runSweep } from './api.js';
import { setQuery, reset, pause, loadPreset } from './actions.js';
import { drawNow } from './loop.js';
import { download } from './download.js';
import { say } from './readouts.js';

// What a one-setting sweep shows at first: where DPO can end, how far it got, its first step.
const DEFAULT_COLUMNS = ['attainable_reward', 'expected_reward', 'signal_0'];
const EXTRA_COLUMNS = [
  ['signal_0', 'signal at step 0'],
  ['hessian_min_0', 'λ_min(H) at θ₀'],
  ['hessian_max_0', 'λ_max(H) at θ₀'],
];

// ---------------------------------------------------------------- the view

// The page's sweep view: its ui (the page's), the finished sweep, and the one running.
const view = { ui: null, table: null, steps: 100, csv: '', running: null, drawn: '' };
const $ = (id) => view.ui.$(id);

const kind = () => $('sweep-form').elements.kind.value;

function buildForm() {
  for (const f of FIELDS) $('sweep-over').append(el('option', { value: f.key, text: f.label }));
  const columns = [...METRICS.filter((m) => m.key !== 'step').map((m) => [m.key, m.short]), ...EXTRA_COLUMNS];
  for (const [key, label] of columns) {
    const box = el('input', { type: 'checkbox', value: key, checked: DEFAULT_COLUMNS.includes(key) });
    box.addEventListener('change', draw);
    $('sweep-columns').append(el('label', {}, [box, ` ${label}`]));
  }
  syncKind();
}

function syncKind() {
  $('sweep').classList.toggle('one', kind() === 'one');
  $('sweep-columns').hidden = kind() !== 'one' || !view.table;
}

/** The settings the sweep varies now: the mark on the line chart, the outlined cell of the map. */
function current() {
  const q = queryObject(view.ui.query);
  const keys = view.table ? guard(view.ui, () => view.table.keys()) : [];
  const numberOf = (key) => {
    const f = FIELDS.find((x) => x.key === key);
    return f?.kind === 'choice' ? f.options.indexOf(q[key]) : Number(q[key]);
  };
  return keys.map(numberOf);
}

function chosenColumns() {
  return [...$('sweep-columns').querySelectorAll('input:checked')].map((b) => b.value);
}

/** Draws the finished sweep at the canvas's size. */
function draw() {
  const canvas = $('sweep-chart');
  if (!view.table) return;
  canvas.hidden = false;
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(canvas.clientWidth * scale);
  canvas.height = Math.round(canvas.clientHeight * scale);
  const now = current();
  view.drawn = now.join();
  try {
    if (now.length === 2) guard(view.ui, () => view.table.drawPhase(canvas, scale, view.steps, now[0], now[1]));
    else guard(view.ui, () => view.table.drawLines(canvas, scale, chosenColumns().join(',') || 'expected_reward', now[0]));
  } catch (e) {
    $('sweep-status').textContent = `The sweep could not be drawn: ${e.message}`;
  }
}

function finish(result) {
  view.table?.free();
  view.table = new SweepTable(result.csv);
  view.csv = result.csv;
  $('sweep-csv').disabled = false;
  $('sweep-chart').classList.toggle('phase', result.keys.length === 2);
  syncKind();
  draw();
}

async function start(event) {
  event.preventDefault();
  view.running?.abort();
  const controller = new AbortController();
  view.running = controller;
  const phase = kind() === 'phase';
  const steps = Number($('sweep-steps').value);
  const typed = $('sweep-values').value.trim();
  const spec = phase
    ? { over: ['quality', 'support'], grid: Number($('sweep-grid').value), steps }
    : { over: $('sweep-over').value, steps, ...(typed ? { values: typed } : { grid: Number($('sweep-grid').value) }) };
  const progress = $('sweep-progress');
  progress.hidden = false;
  progress.value = 0;
  $('sweep-cancel').hidden = false;
  $('sweep-status').textContent = 'Running…';
  const began = performance.now();
  try {
    const result = await runSweep(view.ui, spec, {
      signal: controller.signal,
      onProgress: ({ done, total }) => {
        progress.value = done / total;
        $('sweep-status').textContent = `${done} of ${total} runs`;
      },
    });
    view.steps = steps;
    finish(result);
    $('sweep-status').textContent = `${result.rows.length} runs of ${steps} steps in ${((performance.now() - began) / 1000).toFixed(1)} s.`;
  } catch (e) {
    $('sweep-status').textContent = e.name === 'AbortError' ? 'Cancelled.' : `Refused: ${e.message}`;
  } finally {
    if (view.running === controller) view.running = null;
    progress.hidden = true;
    $('sweep-cancel').hidden = true;
  }
}

/** A click on the phase map loads that cell's settings and starts its run from step 0. */
function pick(event) {
  if (!view.table) return;
  const canvas = $('sweep-chart');
  const box = canvas.getBoundingClientRect();
  const scale = canvas.width / box.width;
  const query = guard(view.ui, () => view.table.cellAt((event.clientX - box.left) * scale, (event.clientY - box.top) * scale));
  if (!query) return;
  pause(view.ui);
  setQuery(view.ui, query);
  reset(view.ui);
  drawNow(view.ui);
  draw();
  say(view.ui, `Loaded ${query.replace('&', ', ').replaceAll('=', ' ')}.`, $('sweep-csv'));
}

export function wireSweep(ui) {
  view.ui = ui;
  buildForm();
  $('sweep-form').addEventListener('submit', start);
  // The claim on the scenario that shows it: load it, then map it.
  $('sweep-support').addEventListener('click', () => {
    pause(ui);
    loadPreset(ui, 'support');
    $('sweep-form').elements.kind.value = 'phase';
    syncKind();
    $('sweep-form').requestSubmit();
  });
  $('sweep-form').addEventListener('change', (event) => {
    if (event.target.name === 'kind') syncKind();
  });
  $('sweep-cancel').addEventListener('click', () => view.running?.abort());
  $('sweep-chart').addEventListener('click', pick);
  $('sweep-csv').addEventListener('click', () => download(new Blob([view.csv], { type: 'text/csv' }), 'dpo-sim-sweep.csv'));
  new ResizeObserver(draw).observe($('sweep-chart'));
}

/** The view of the sweep: its mark follows the current settings. */
export function syncSweep() {
  const now = current().join();
  if (view.table && now !== view.drawn) draw();
}
