// Getting a run out of the page: the plots on screen as one PNG, the history as CSV, the run as a
// NumPy script, a link.
import { el } from './dom.js';
import { guard, reproduceScript, PRESETS } from './wasm.js';
import { shownCanvases } from './canvases.js';
import { drawNow } from './loop.js';
import { download } from './download.js';
import { say } from './readouts.js';
import { longLink } from './codec.js';

/** The plots on screen on one white sheet, two across, each under its title, with the step and settings. */
function exportPng(ui) {
  drawNow(ui, { whole: true });
  const colour = (name) => getComputedStyle(ui.$('plots')).getPropertyValue(name).trim();
  const canvases = shownCanvases(ui);
  const scale = window.devicePixelRatio || 1;
  const w = Math.max(...canvases.map((c) => c.width));
  const h = Math.max(...canvases.map((c) => c.height));
  const across = Math.min(2, canvases.length);
  const down = Math.ceil(canvases.length / across);
  const title = Math.round(26 * scale);
  const footer = Math.round(22 * scale);
  const out = el('canvas', { width: across * w, height: down * (h + title) + footer });
  const ctx = out.getContext('2d');
  ctx.fillStyle = colour('--sheet');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = colour('--ink');
  ctx.textBaseline = 'middle';
  canvases.forEach((c, i) => {
    const x = (i % across) * w;
    const y = Math.floor(i / across) * (h + title);
    ctx.font = `600 ${Math.round(15 * scale)}px system-ui, sans-serif`;
    ctx.fillText(c.closest('figure').querySelector('strong').textContent, x + 12 * scale, y + title / 2);
    ctx.drawImage(c, x, y + title);
  });
  ctx.font = `${Math.round(11 * scale)}px system-ui, sans-serif`;
  ctx.fillStyle = colour('--muted');
  const step = guard(ui, () => ui.sim.stepCount());
  ctx.fillText(`step ${step} · ${ui.query}`, 12 * scale, out.height - footer / 2, out.width - 24 * scale);
  out.toBlob((blob) => download(blob, `dpo-sim-step-${step}.png`), 'image/png');
}

function exportCsv(ui) {
  const csv = guard(ui, () => ui.sim.csv());
  download(new Blob([csv], { type: 'text/csv' }), `dpo-sim-metrics-step-${guard(ui, () => ui.sim.stepCount())}.csv`);
}

/**
 * reproduce.py: the core's NumPy script that redoes this run with exact gradients, for the steps
 * taken so far (at step 0, the scenario's length, else 100).
 */
function exportPython(ui) {
  const taken = guard(ui, () => ui.sim.stepCount());
  const steps = taken > 0 ? taken : (PRESETS.find((p) => p.key === ui.preset)?.steps ?? 100);
  const script = guard(ui, () => reproduceScript(ui.sim.query(), steps));
  download(new Blob([script], { type: 'text/x-python' }), 'reproduce.py');
}

/** responses.csv: the world's responses and the policy's probabilities now. */
function exportResponses(ui) {
  const csv = guard(ui, () => ui.sim.responsesCsv());
  download(new Blob([csv], { type: 'text/csv' }), `dpo-sim-responses-step-${guard(ui, () => ui.sim.stepCount())}.csv`);
}

/** Copies `text`; says beside `button` whether it worked (and how to do it if not). */
export async function copy(ui, text, button, what) {
  try {
    await navigator.clipboard.writeText(text);
    say(ui, `${what} copied.`, button);
  } catch {
    say(ui, `Copying was refused here: select the ${what.toLowerCase()} and copy it yourself.`, button);
  }
}

export function wireExport(ui) {
  ui.$('share').addEventListener('click', async () => {
    await copy(ui, location.href, ui.$('share'), 'Link');
    const long = longLink(location.href);
    if (long) say(ui, long, ui.$('share'));
  });
  ui.$('export-png').addEventListener('click', () => exportPng(ui));
  ui.$('export-csv').addEventListener('click', () => exportCsv(ui));
  ui.$('export-py').addEventListener('click', () => exportPython(ui));
  ui.$('export-responses').addEventListener('click', () => exportResponses(ui));
}
