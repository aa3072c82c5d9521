// Sweeps: dpoSim.sweep runs fresh simulations in the worker across values of one
// setting or a quality x support grid; each row equals a fresh run made in the page itself;
// bad specs are refused naming the key; the page keeps animating during a 21 x 21 grid run
// from the sweep form; a click on the phase map loads that cell; the same works from file://.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  suite, openSim, openPage, waitReady, assertNoProblems, api, textOf, waitForStep, standaloneUrl, OUTPUT, WAIT_TIMEOUT,
} from './helpers.mjs';

const SHOTS = join(OUTPUT, 'screenshots');

const env = suite();

// 441 runs of 100 steps on a shared 2-core machine.
const GRID_TIMEOUT = 300_000;

/**
 * In the page: the sweep's rows, and for each row a fresh run made by the page itself (set the
 * row's swept values on top of the current settings, reset, step), then the settings put back.
 */
function sweepAgainstPage(page, spec) {
  return page.evaluate(async (s) => {
    const base = window.dpoSim.get();
    const rows = await window.dpoSim.sweep(s);
    const keys = [].concat(s.over);
    const fresh = [];
    for (const row of rows) {
      window.dpoSim.set({ ...base, ...Object.fromEntries(keys.map((k) => [k, row[k]])) });
      window.dpoSim.reset();
      fresh.push(await window.dpoSim.step(s.steps));
    }
    window.dpoSim.set(base);
    window.dpoSim.reset();
    return { rows, fresh };
  }, spec);
}

function assertRowsAreFreshRuns({ rows, fresh }, steps) {
  const metricKeys = Object.keys(fresh[0]);
  assert.ok(metricKeys.length >= 20, `every metric: ${metricKeys.join(', ')}`);
  rows.forEach((row, i) => {
    assert.equal(row.step, steps, `row ${i} is at step ${steps}`);
    for (const key of metricKeys) {
      assert.ok(key in row, `row ${i} has ${key}`);
      assert.equal(row[key], fresh[i][key], `row ${i} ${key}: sweep ${row[key]} vs fresh run ${fresh[i][key]}`);
    }
  });
}

test('dpoSim.sweep over quality: 3 rows, each equal in every metric to a fresh run in the page', async () => {
  const { page, problems } = await openSim(env);
  const spec = { over: 'quality', values: [0, 0.5, 1], steps: 30 };
  const result = await sweepAgainstPage(page, spec);
  assert.equal(result.rows.length, 3);
  assert.deepEqual(result.rows.map((r) => r.quality), ['0', '0.5', '1'], 'the swept key first, as settings text');
  assertRowsAreFreshRuns(result, 30);
  for (const key of ['signal_0', 'hessian_min_0', 'hessian_max_0']) {
    assert.ok(result.rows.every((r) => Number.isFinite(r[key])), `each row records ${key}`);
  }
  assert.notEqual(result.rows[0].expected_reward, result.rows[2].expected_reward, 'the runs differ');
  // A sweep leaves the page's own run alone.
  assert.equal((await api(page, 'metrics')).step, 0);
  assertNoProblems(problems);
});

test('a quality x support grid of 3 gives 9 rows, every pair once, each a fresh run', async () => {
  const { page, problems } = await openSim(env, 'preset=support');
  const spec = { over: ['quality', 'support'], grid: 3, steps: 20 };
  const result = await sweepAgainstPage(page, spec);
  assert.equal(result.rows.length, 9);
  const pairs = new Set(result.rows.map((r) => `${r.quality},${r.support}`));
  assert.equal(pairs.size, 9, `9 distinct cells: ${[...pairs].join(' ')}`);
  assert.deepEqual([...new Set(result.rows.map((r) => r.quality))], ['0', '0.5', '1'], 'quality spread over its range');
  assertRowsAreFreshRuns(result, 20);
  assert.equal((await api(page, 'get')).model, 'tabular', 'the other settings are the current ones (the support scenario\'s)');
  assertNoProblems(problems);
});

test('bad sweep specs are refused with messages naming what is wrong', async () => {
  const { page, problems } = await openSim(env);
  const refusals = await page.evaluate(async () => {
    const specs = {
      setting: { over: 'bogus', values: [1], steps: 5 },
      value: { over: 'quality', values: [2], steps: 5 },
      text: { over: 'quality', values: ['a'], steps: 5 },
      steps: { over: 'quality', values: [0], steps: -1 },
      tooMany: { over: 'quality', values: [0], steps: 1e9 },
      grid: { over: 'quality', grid: 'x', steps: 5 },
      dims: { over: ['quality', 'support', 'beta'], grid: 2, steps: 5 },
      neither: { over: 'quality', steps: 5 },
      notObject: null,
    };
    const out = {};
    for (const [name, spec] of Object.entries(specs)) {
      out[name] = await window.dpoSim.sweep(spec).then(() => null, (e) => String(e?.message ?? e));
    }
    return out;
  });
  const expected = {
    setting: /bogus/, value: /quality/, text: /quality/, steps: /steps/, tooMany: /steps/, grid: /grid/,
    dims: /grid|two|2/, neither: /values|grid/, notObject: /sweep expects an object/,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    assert.ok(refusals[name] !== null, `${name} is refused`);
    assert.match(refusals[name], pattern, `${name}: ${refusals[name]}`);
  }
  assert.equal(await api(page, 'error'), null, 'a refused sweep is no page error');
  assertNoProblems(problems);
});

test('a 21 x 21 phase map of 100 steps from the sweep form: the page keeps animating, and a click on a cell loads it', async () => {
  const { page, problems } = await openSim(env, '', { viewport: { width: 1400, height: 900 } });
  await page.check('#sweep-form input[name="kind"][value="phase"]');
  await page.fill('#sweep-grid', '21');
  await page.fill('#sweep-steps', '100');
  // Count animation frames, second by second, from the click until the sweep says it is done.
  await page.evaluate(() => {
    window.__e2eStatus = [];
    new MutationObserver(() => window.__e2eStatus.push(document.getElementById('sweep-status').textContent))
      .observe(document.getElementById('sweep-status'), { childList: true, characterData: true, subtree: true });
    window.__e2eFrames = [];
    const tick = (now) => {
      window.__e2eFrames.push(now);
      if (!window.__e2eStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const started = Date.now();
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#sweep-run');
  await page.waitForFunction(() => /^441 runs of 100 steps/.test(document.getElementById('sweep-status').textContent), null,
    { timeout: GRID_TIMEOUT, polling: 250 });
  const t1 = await page.evaluate(() => performance.now());
  const seconds = (Date.now() - started) / 1000;
  const frames = await page.evaluate(() => {
    window.__e2eStop = true;
    return window.__e2eFrames;
  });
  console.log(`21 x 21 phase map, 100 steps each: ${seconds.toFixed(1)} s (${await textOf(page, '#sweep-status')})`);
  // Frames per whole second of the run.
  const perSecond = [];
  for (let s = t0; s + 1000 <= t1; s += 1000) perSecond.push(frames.filter((t) => t >= s && t < s + 1000).length);
  const during = frames.filter((t) => t >= t0 && t <= t1);
  const gaps = during.slice(1).map((t, i) => t - during[i]);
  const longest = Math.max(0, ...gaps);
  const rate = during.length / ((t1 - t0) / 1000);
  console.log(`animation frames during the sweep: ${rate.toFixed(0)} a second overall, per whole second ${perSecond.join(' ') || '(under a second)'}, ` +
    `longest gap ${longest.toFixed(0)} ms`);
  assert.ok(rate >= 20, `at least 20 frames a second during the sweep (${rate.toFixed(1)})`);
  for (const n of perSecond) assert.ok(n >= 20, `at least 20 frames in every whole second of the sweep (${perSecond.join(' ')})`);
  assert.ok(longest < 500, `no frame waited half a second (longest gap ${longest.toFixed(0)} ms)`);
  const status = await page.evaluate(() => window.__e2eStatus);
  assert.ok(status.some((text) => /^\d+ of 441 runs$/.test(text)), `progress was shown while it ran: ${status.slice(0, 3).join(' | ')} ...`);
  assert.equal(await page.locator('#sweep-progress').isVisible(), false, 'the progress bar goes when done');
  assert.equal(await page.locator('#sweep-csv').isDisabled(), false, 'the sweep can be exported');

  // The phase map: a click on a cell loads its quality and support and starts that run.
  const chart = page.locator('#sweep-chart');
  await chart.scrollIntoViewIfNeeded();
  assert.equal(await chart.isVisible(), true);
  await mkdir(SHOTS, { recursive: true });
  await page.locator('#sweep').screenshot({ path: join(SHOTS, 'sweep-phase-map.png') });
  await api(page, 'step', 4);
  await waitForStep(page, 4);
  const before = await api(page, 'get');
  const box = await chart.boundingBox();
  let loaded = null;
  for (const [fx, fy] of [[0.3, 0.3], [0.25, 0.6], [0.2, 0.45], [0.7, 0.3], [0.75, 0.6], [0.4, 0.5]]) {
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    const now = await api(page, 'get');
    if (now.quality !== before.quality || now.support !== before.support) {
      loaded = now;
      break;
    }
  }
  assert.ok(loaded, 'a click inside the phase map loads a cell');
  assert.notDeepEqual([loaded.quality, loaded.support], [before.quality, before.support]);
  await waitForStep(page, 0);
  await page.locator('.toast', { hasText: /^Loaded quality / }).waitFor({ state: 'visible', timeout: WAIT_TIMEOUT });
  assert.equal(await api(page, 'error'), null);
  assertNoProblems(problems);
});

test('the standalone file from file:// sweeps in its blob: worker, and its rows equal its own fresh runs', async () => {
  const { page, problems } = await openPage(env, { allowedOrigins: ['file://'] });
  await page.goto(standaloneUrl());
  await waitReady(page);
  const result = await sweepAgainstPage(page, { over: 'quality', values: [0, 1], steps: 15 });
  assert.equal(result.rows.length, 2);
  assertRowsAreFreshRuns(result, 15);
  const grid = await page.evaluate(() => window.dpoSim.sweep({ over: ['quality', 'support'], grid: 2, steps: 5 }));
  assert.equal(grid.length, 4);
  assertNoProblems(problems);
});
