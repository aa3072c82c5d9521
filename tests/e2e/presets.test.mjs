// Presets: each option of #preset loads and tells its story.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openSim, assertNoProblems, assertPlotsDrawn, textOf, api, settle, WAIT_TIMEOUT } from './helpers.mjs';

const env = suite();

test('each preset loads from the #preset menu and shows its story', async () => {
  const { page, problems } = await openSim(env);
  const keys = await page.evaluate(() => [...document.getElementById('preset').options].map((o) => o.value));
  assert.ok(keys.includes(''), 'the menu has the empty "custom" option');
  const presets = keys.filter((key) => key !== '');
  assert.ok(presets.length > 0, 'the menu lists presets');
  const stories = new Set();
  for (const key of presets) {
    const previous = await textOf(page, '#preset-story');
    await page.selectOption('#preset', key);
    await page.waitForFunction(
      (old) => {
        const story = document.getElementById('preset-story').textContent.trim();
        return story !== '' && story !== old;
      },
      previous,
      { timeout: WAIT_TIMEOUT },
    );
    stories.add(await textOf(page, '#preset-story'));
    await settle(page);
    assert.equal(await page.inputValue('#preset'), key);
    assert.equal(await api(page, 'error'), null, `preset ${key} loads without error`);
    await assertPlotsDrawn(page);
  }
  assert.equal(stories.size, presets.length, 'each preset has its own story');
  assertNoProblems(problems);
});

test('a preset named in the URL fragment loads with its story', async () => {
  const probe = await openSim(env);
  const key = await probe.page.evaluate(() => [...document.getElementById('preset').options].map((o) => o.value)
    .find((value) => value !== ''));
  assert.ok(key, 'there is a preset');
  const { page, problems } = await openSim(env, `preset=${key}`);
  assert.equal(await page.inputValue('#preset'), key);
  assert.notEqual(await textOf(page, '#preset-story'), '');
  assertNoProblems(problems);
});
