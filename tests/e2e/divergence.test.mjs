// Divergence: a huge learning rate blows up the loss; the page says so, pauses, and reset clears it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openSim, assertNoProblems, api, textOf, waitForStep, WAIT_TIMEOUT } from './helpers.mjs';

const env = suite();

const DIVERGING = { lr: '1000', exact: '1', beta: '10' };

async function waitForBanner(page) {
  await page.waitForFunction(() => {
    const banner = document.getElementById('error-banner');
    return banner.checkVisibility() && /diverged/i.test(banner.textContent);
  }, null, { timeout: WAIT_TIMEOUT });
}

async function assertCleared(page) {
  await page.click('#reset');
  await waitForStep(page, 0);
  await page.waitForFunction(() => !document.getElementById('error-banner').checkVisibility(), null,
    { timeout: WAIT_TIMEOUT });
  assert.equal(await api(page, 'error'), null, 'reset clears the error');
}

test('playing with a huge learning rate diverges: banner, paused, reset clears it', async () => {
  const { page, problems } = await openSim(env);
  await api(page, 'set', DIVERGING);
  await page.click('#play');
  await waitForBanner(page);
  await page.waitForFunction(() => window.dpoSim.isPlaying() === false, null, { timeout: WAIT_TIMEOUT });
  assert.equal(await textOf(page, '#play'), 'Play');
  assert.match(await api(page, 'error'), /diverged/i);
  assert.ok((await api(page, 'history')).some((row) => row.loss === null || row.loss > 1000), 'the loss blew up');
  await assertCleared(page);
  assertNoProblems(problems);
});

test('stepping into divergence shows the banner with the step, and reset clears it', async () => {
  const { page, problems } = await openSim(env);
  await api(page, 'set', DIVERGING);
  for (let i = 0; i < 20 && (await api(page, 'error')) === null; i++) await page.click('#step');
  await waitForBanner(page);
  const banner = await textOf(page, '#error-banner');
  assert.match(banner, /diverged at step \d+/i);
  assert.equal(await api(page, 'isPlaying'), false);
  await assertCleared(page);
  assertNoProblems(problems);
});
