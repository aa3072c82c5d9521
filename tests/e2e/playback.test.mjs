// Play, step and reset: the run advances, every plot is redrawn, reset restores step 0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, openSim, assertNoProblems, plotHashes, settle, textOf, api, waitForStep, PLOTS, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();

test('play advances the step count and redraws every plot; pause stops it', async () => {
  const { page, problems } = await openSim(env);
  const initial = await plotHashes(page);
  await page.click('#play');
  assert.equal(await textOf(page, '#play'), 'Pause');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) >= 10, null,
    { timeout: WAIT_TIMEOUT });
  assert.equal(await api(page, 'isPlaying'), true);
  await page.click('#play');
  assert.equal(await textOf(page, '#play'), 'Play');
  assert.equal(await api(page, 'isPlaying'), false);
  await settle(page);
  const stopped = await textOf(page, '#step-count');
  await settle(page);
  assert.equal(await textOf(page, '#step-count'), stopped, 'no steps after pause');
  assert.equal((await api(page, 'metrics')).step, Number(stopped), 'metrics().step matches #step-count');
  const played = await plotHashes(page);
  for (const id of PLOTS) assert.notEqual(played[id], initial[id], `#${id} redrawn after playing`);
  assertNoProblems(problems);
});

test('step advances by exactly one, reset returns to step 0 and the initial plots', async () => {
  const { page, problems } = await openSim(env);
  const initial = await plotHashes(page);
  await page.click('#step');
  await waitForStep(page, 1);
  await page.click('#step');
  await waitForStep(page, 2);
  await settle(page);
  assert.equal(await textOf(page, '#step-count'), '2');
  assert.equal((await api(page, 'metrics')).step, 2);
  const stepped = await plotHashes(page);
  assert.notDeepEqual(stepped, initial, 'stepping redraws');

  await page.click('#play');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) >= 5, null,
    { timeout: WAIT_TIMEOUT });
  await page.click('#play');
  await page.click('#reset');
  await waitForStep(page, 0);
  await settle(page);
  assert.equal(await textOf(page, '#step-count'), '0');
  assert.equal((await api(page, 'metrics')).step, 0);
  assert.deepEqual(await plotHashes(page), initial, 'plots equal the initial ones after reset');
  assertNoProblems(problems);
});

test('the API step(n) runs n steps and returns the metrics', async () => {
  const { page, problems } = await openSim(env);
  const metrics = await api(page, 'step', 5);
  assert.equal(metrics.step, 5);
  await waitForStep(page, 5);
  assert.equal((await api(page, 'history')).at(-1).step, 5);
  assertNoProblems(problems);
});
