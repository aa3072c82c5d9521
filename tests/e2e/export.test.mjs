// Export: the CSV is the history, the PNG is a real, non-blank image, reproduce.py is the core's script.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { suite, openSim, assertNoProblems, api } from './helpers.mjs';
import { reproduceScript } from '../../www/pkg/dpo_sim.js';

const env = suite();


function parseCsv(text) {
  const lines = text.trim().split(/\r?\n/);
  return { header: lines[0].split(','), rows: lines.slice(1).map((line) => line.split(',')) };
}

/** A CSV cell equals a history value: the same number, or an empty/NaN cell for null. */
function sameValue(cell, value) {
  if (value === null) return ['', 'NaN', 'nan', 'null'].includes(cell.trim());
  const number = Number(cell);
  return number === value || Math.abs(number - value) <= 1e-9 * Math.max(1, Math.abs(value));
}

async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

test('csv() parses and matches history(): same columns, rows and numbers', async () => {
  const { page, problems } = await openSim(env);
  // The metrics table of the core (src/metrics.rs), in its order: the keys of metrics().
  const COLUMNS = Object.keys(await api(page, 'metrics'));
  assert.ok(COLUMNS.length > 20 && COLUMNS[0] === 'step', `the metrics' columns: ${COLUMNS.join()}`);
  await api(page, 'step', 25);
  const history = await api(page, 'history');
  const { header, rows } = parseCsv(await api(page, 'csv'));
  assert.deepEqual(header, COLUMNS);
  assert.deepEqual(Object.keys(history[0]).sort(), [...COLUMNS].sort(), 'history() records carry the same keys');
  assert.equal(rows.length, history.length);
  assert.ok(history.length >= 2, 'history has the recorded steps');
  assert.equal(history.at(-1).step, 25);
  rows.forEach((row, i) => {
    assert.equal(row.length, COLUMNS.length, `row ${i} has every column`);
    COLUMNS.forEach((column, k) => {
      assert.ok(sameValue(row[k], history[i][column]), `row ${i} ${column}: csv '${row[k]}' vs ${history[i][column]}`);
    });
  });
  assertNoProblems(problems);
});

test('#export-csv downloads the same text as csv()', async () => {
  const { page, problems } = await openSim(env);
  await api(page, 'step', 5);
  const { name, bytes } = await download(page, '#export-csv');
  assert.match(name, /\.csv$/);
  assert.equal(bytes.toString('utf8'), await api(page, 'csv'));
  assertNoProblems(problems);
});

test('#export-png downloads a decodable, non-blank PNG', async () => {
  const { page, problems } = await openSim(env);
  await api(page, 'step', 10);
  const { name, bytes } = await download(page, '#export-png');
  assert.match(name, /\.png$/);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  assert.ok(width >= 100 && height >= 100, `a real image (${width}x${height})`);

  const decoded = await page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(image, 0, 0);
    const data = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
    const colours = new Set();
    for (let i = 0; i < data.length && colours.size < 64; i++) colours.add(data[i]);
    return { width: image.naturalWidth, height: image.naturalHeight, colours: colours.size };
  }, bytes.toString('base64'));
  assert.deepEqual([decoded.width, decoded.height], [width, height], 'the browser decodes it');
  assert.ok(decoded.colours >= 3, `not blank (${decoded.colours} colours)`);
  assertNoProblems(problems);
});

/** The settings on screen as a query, from the page's API. */
async function shownQuery(page) {
  return Object.entries(await api(page, 'get')).map(([key, value]) => `${key}=${value}`).join('&');
}

test('#export-py downloads reproduce.py: the core\'s script for the settings on screen and the steps taken', async () => {
  const { page, problems } = await openSim(env, 'design=bvw&model=tabular&quality=0.4&support=0.5');
  await api(page, 'step', 7);
  const { name, bytes } = await download(page, '#export-py');
  assert.equal(name, 'reproduce.py');
  const text = bytes.toString('utf8');
  assert.equal(text, reproduceScript(await shownQuery(page), 7));
  assert.match(text, /^STEPS = 7$/m);
  assertNoProblems(problems);
});

test('#export-py at step 0 of a scenario reproduces its whole length', async () => {
  const { page, problems } = await openSim(env, 'preset=online');
  const steps = (await page.evaluate(() => window.dpoSim.presets())).find((p) => p.key === 'online').steps;
  const { bytes } = await download(page, '#export-py');
  assert.equal(bytes.toString('utf8'), reproduceScript(await shownQuery(page), steps));
  assertNoProblems(problems);
});
