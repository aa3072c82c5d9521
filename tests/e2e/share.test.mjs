// Sharing: the URL carries the full settings; opening it reproduces the run exactly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, openPage, openSim, waitReady, assertNoProblems, api, apiError, until, SETTINGS_KEYS, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();

const CHANGES = {
  quality: '0.7', support: '0.5', online: '0.25', design: 'bvw', k: '6', beta: '0.8',
  batch: '16', n: '40', kappa: '2', gamma: '0.5', shape: 'concave', seed: '12345',
};

test('get() lists every setting as URL text', async () => {
  const { page, problems } = await openSim(env);
  const settings = await api(page, 'get');
  assert.deepEqual(Object.keys(settings).sort(), [...SETTINGS_KEYS].sort());
  for (const key of SETTINGS_KEYS) assert.equal(typeof settings[key], 'string', `get().${key} is a string`);
  assertNoProblems(problems);
});

test('the page URL reproduces the settings and the run in a fresh page', async () => {
  const first = await openSim(env);
  const entries = await first.page.evaluate(() => history.length);
  const result = await api(first.page, 'set', CHANGES);
  assert.equal(typeof result.restarted, 'boolean');
  const settings = await api(first.page, 'get');
  for (const [key, value] of Object.entries(CHANGES)) assert.equal(settings[key], value, `get().${key}`);
  await first.page.waitForFunction((want) => location.hash.includes(`seed=${want}`), CHANGES.seed,
    { timeout: WAIT_TIMEOUT });
  const href = await first.page.evaluate(() => location.href);
  const fragment = Object.fromEntries(new URLSearchParams(new URL(href).hash.slice(1)));
  for (const key of SETTINGS_KEYS) assert.equal(fragment[key], settings[key], `the fragment carries ${key}`);
  assert.equal(await first.page.evaluate(() => history.length), entries, 'the fragment is replaced, not pushed');

  const second = await openPage(env);
  await second.page.goto(href);
  await waitReady(second.page);
  assert.deepEqual(await api(second.page, 'get'), settings);

  await api(first.page, 'reset');
  const a = await api(first.page, 'step', 20);
  const b = await api(second.page, 'step', 20);
  assert.equal(a.step, 20);
  assert.deepEqual(a, b);
  assert.deepEqual(await api(first.page, 'metrics'), await api(second.page, 'metrics'));
  assertNoProblems(first.problems);
  assertNoProblems(second.problems);
});

test('#share copies the page link to the clipboard', async () => {
  const { page, problems } = await openSim(env, '', { permissions: ['clipboard-read', 'clipboard-write'] });
  await api(page, 'set', { quality: '0.3' });
  await page.waitForFunction(() => location.hash.includes('quality=0.3'), null, { timeout: WAIT_TIMEOUT });
  const href = await page.evaluate(() => location.href);
  await page.click('#share');
  await until(async () => (await page.evaluate(() => navigator.clipboard.readText())) === href,
    'the clipboard holds the page link');
  assertNoProblems(problems);
});

test('set() refuses a bad value with an Error naming the key and its range', async () => {
  const { page, problems } = await openSim(env);
  const before = await api(page, 'get');
  const message = await apiError(page, 'set', { quality: '7' });
  assert.ok(message, 'set({quality: "7"}) throws');
  assert.match(message, /quality/);
  assert.match(message, /0/);
  assert.match(message, /1/);
  const unknown = await apiError(page, 'set', { bogus: '1' });
  assert.match(unknown ?? '', /bogus/);
  assert.deepEqual(await api(page, 'get'), before, 'refused settings change nothing');
  assertNoProblems(problems);
});
