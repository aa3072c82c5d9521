// Getting a run out of the page: the four plots as one PNG, the history as CSV, a link.
import { $, el } from './dom.js';
import { store } from './store.js';
import { showNotice } from './banner.js';
import { CANVASES } from './canvases.js';
import { render } from './loop.js';
import { api } from './api.js';

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
  ctx.fillText(`step ${store.sim.stepCount()} · ${store.query}`, 12 * scale, out.height - footer / 2, out.width - 24 * scale);
  out.toBlob((blob) => download(blob, `dpo-sim-step-${store.sim.stepCount()}.png`), 'image/png');
}

function exportCsv() {
  download(new Blob([api.csv()], { type: 'text/csv' }), `dpo-sim-metrics-step-${store.sim.stepCount()}.csv`);
}

/** Copies the address, which every commit keeps in step with the run. */
async function share() {
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    showNotice('Link copied: it restores these settings.');
  } catch {
    showNotice(`Copy this link to share these settings: ${url}`);
  }
}

export function wireExport() {
  $('share').addEventListener('click', share);
  $('export-png').addEventListener('click', exportPng);
  $('export-csv').addEventListener('click', exportCsv);
}
