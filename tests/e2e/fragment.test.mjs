// URL fragments from strangers: bad keys are named in #notice, markup is shown as text only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openSim, assertNoProblems, api, textOf, waitForStep, settle, WAIT_TIMEOUT } from './helpers.mjs';

const env = suite();

async function defaults() {
  const { page } = await openSim(env);
  return api(page, 'get');
}

async function noticeNaming(page, pattern) {
  await page.waitForFunction(() => document.getElementById('notice').textContent.trim() !== '', null,
    { timeout: WAIT_TIMEOUT });
  const notice = await textOf(page, '#notice');
  assert.match(notice, pattern);
  assert.equal(await page.locator('#notice').isVisible(), true, '#notice is visible');
  return notice;
}

async function assertStillRuns(page) {
  await page.click('#step');
  await waitForStep(page, 1);
  assert.equal((await api(page, 'metrics')).step, 1);
}

test('an out-of-range value and an unknown key are named in #notice; defaults load; the page runs', async () => {
  const expected = await defaults();
  for (const [fragment, pattern] of [
    ['quality=7', /quality/],
    ['bogus=1', /bogus/],
    ['quality=7&bogus=1', /quality|bogus/],
    ['design=sideways', /design/],
  ]) {
    const { page, problems } = await openSim(env, fragment);
    await noticeNaming(page, pattern);
    assert.deepEqual(await api(page, 'get'), expected, `#${fragment} loads the defaults`);
    assert.equal(await api(page, 'error'), null);
    await assertStillRuns(page);
    assertNoProblems(problems);
  }
});

test('markup in a fragment value is shown as text and never runs', async () => {
  const { page, problems } = await openSim(env, 'quality=<img src=x onerror=window.__pwned=1>');
  await noticeNaming(page, /quality/);
  await assertStillRuns(page);
  await settle(page);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('#notice img').count(), 0, 'no <img> inside #notice');
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no injected <img> anywhere');
  assert.deepEqual(problems.requests.filter((url) => new URL(url).pathname === '/x'), [], 'nothing fetched /x');
  assertNoProblems(problems);
});

test('markup in a fragment key is shown as text and never runs', async () => {
  const { page, problems } = await openSim(env, '<em>oops</em>=1');
  await noticeNaming(page, /oops/);
  await assertStillRuns(page);
  assert.equal(await page.locator('em').filter({ hasText: 'oops' }).count(), 0, 'no <em> element created');
  assert.equal(await page.locator('#notice em').count(), 0, 'no markup inside #notice');
  assertNoProblems(problems);
});

test('a refused page key is named in #notice and keeps its default; the other keys and the settings load', async () => {
  const { page, problems } = await openSim(env, 'pace=7&plots=map,bogus&quality=0.5&xscale=log');
  const notice = await noticeNaming(page, /Part of the link was ignored: pace = '7' is not allowed: pace must be one of 2, 10, 30, 100, 300, max; plots = 'bogus' is not allowed/);
  assert.ok(!notice.includes('defaults loaded'), 'the settings were not refused');
  assert.equal((await api(page, 'get')).quality, '0.5');
  assert.equal(await page.inputValue('#speed'), '30', 'the pace keeps its default');
  assert.equal(await page.isChecked('#view-log'), true, 'xscale=log still applies');
  assert.match(await page.evaluate(() => location.hash), /^#quality=0\.5&[^#]*xscale=log$/, 'the address keeps what was accepted');
  await assertStillRuns(page);
  assertNoProblems(problems);
});
