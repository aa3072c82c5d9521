// Loading the page: clean console and network, every contract element present, plots drawn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, openPage, openSim, waitReady, settle, assertNoProblems, assertPlotsDrawn, api, textOf, PLOTS,
} from './helpers.mjs';

const env = suite();

const IDS = [
  ...PLOTS,
  'play', 'step', 'reset', 'pin', 'unpin', 'export-png', 'export-csv', 'export-py', 'share',
  'speed', 'preset', 'preset-story', 'step-count', 'sampler-readout', 'readout', 'notice', 'error-banner',
  'prominent', 'story-end', 'key-numbers', 'open-settings', 'settings-panel', 'close-settings', 'view-log', 'view-pairs',
  'open-share', 'share-dialog', 'announce', 'sweep', 'sweep-form', 'sweep-chart', 'plots',
];

test('loads with no console errors, no failed or off-origin requests, and draws every plot', async () => {
  const { context, page, problems } = await openPage(env);
  await context.addInitScript(() => {
    window.addEventListener('dpo-sim-ready', () => { window.__e2eReadyEvents = (window.__e2eReadyEvents ?? 0) + 1; });
  });
  await page.goto(env.server.url);
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.__e2eReadyEvents), 1, 'dpo-sim-ready fired once');
  await settle(page);
  await assertPlotsDrawn(page);
  assert.equal(await textOf(page, '#step-count'), '0');
  assertNoProblems(problems);
});

test('every element named by the contract exists, with its role and initial state', async () => {
  const { page, problems } = await openSim(env);
  const missing = await page.evaluate((ids) => ids.filter((id) => !document.getElementById(id)), IDS);
  assert.deepEqual(missing, [], 'missing ids');
  // One polite live region (#announce); the notice is a dismissable message, not a live region.
  assert.equal(await page.getAttribute('#announce', 'role'), 'status');
  assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
  assert.equal(await page.getAttribute('#notice', 'role'), null);
  assert.equal(await page.getAttribute('#notice', 'aria-live'), null);
  assert.equal(await page.locator('#notice').isVisible(), false, 'no notice for a plain load');
  assert.equal(await page.getAttribute('#error-banner', 'role'), 'alert');
  assert.equal(await page.locator('#error-banner').isVisible(), false, 'error banner hidden');
  assert.equal(await textOf(page, '#play'), 'Play');
  assert.equal(await page.evaluate(() => document.getElementById('preset').tagName), 'SELECT');
  assert.equal(await page.inputValue('#speed'), '30', 'the default pace is 30 steps a second');
  assert.deepEqual(await page.evaluate(() => [...document.getElementById('speed').options].map((o) => o.value)),
    ['2', '10', '30', '100', '300', 'max']);
  assert.equal(await page.locator('#story-end').isVisible(), false, 'no story has ended yet');
  assert.equal(await page.locator('#settings-panel').isVisible(), false, 'the settings panel starts closed');
  // The figures come from the chart registry, in its order, one per chart.
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('#plots figure[data-chart]')]
    .map((f) => [f.dataset.chart, f.querySelector('canvas')?.id])), PLOTS.map((p) => [p, p]));
  assert.notEqual(await textOf(page, '#sampler-readout'), '', 'sampler readout has text');
  assert.notEqual(await textOf(page, '#readout'), '', 'metrics readout has text');
  assert.equal(await api(page, 'isPlaying'), false);
  assert.equal(await api(page, 'error'), null);
  const stats = await api(page, 'frameStats');
  for (const key of ['frames', 'median_ms', 'p95_ms', 'parts_ms', 'first_frame_ms']) assert.ok(key in stats, `frameStats().${key}`);
  assertNoProblems(problems);
});
