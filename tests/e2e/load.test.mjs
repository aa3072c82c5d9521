// Loading the page: clean console and network, every contract element present, plots drawn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, openPage, openSim, waitReady, settle, assertNoProblems, assertPlotsDrawn, api, textOf, PLOTS,
} from './helpers.mjs';

const env = suite();

const IDS = [
  ...PLOTS,
  'play', 'step', 'reset', 'pin', 'unpin', 'export-png', 'export-csv', 'share',
  'speed', 'preset', 'preset-story', 'step-count', 'sampler-readout', 'readout', 'notice', 'error-banner',
];

test('loads with no console errors, no failed or off-origin requests, and draws all four plots', async () => {
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
  assert.equal(await page.getAttribute('#notice', 'role'), 'status');
  assert.equal(await page.getAttribute('#error-banner', 'role'), 'alert');
  assert.equal(await page.locator('#error-banner').isVisible(), false, 'error banner hidden');
  assert.equal(await textOf(page, '#play'), 'Play');
  assert.equal(await page.evaluate(() => document.getElementById('preset').tagName), 'SELECT');
  assert.notEqual(await textOf(page, '#sampler-readout'), '', 'sampler readout has text');
  assert.notEqual(await textOf(page, '#readout'), '', 'metrics readout has text');
  assert.equal(await api(page, 'isPlaying'), false);
  assert.equal(await api(page, 'error'), null);
  const stats = await api(page, 'frameStats');
  for (const key of ['frames', 'median_ms', 'p95_ms', 'first_frame_ms']) assert.ok(key in stats, `frameStats().${key}`);
  assertNoProblems(problems);
});
