// The settings controls: one labelled control per field, and moving the two main sliders
// changes the sampler readout and the plots.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, openSim, assertNoProblems, plotHashes, waitForPlotChange, textOf, api, SETTINGS_KEYS, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();

// Kind and scope of each field, as declared in src/settings.rs.
const RANGE = { tag: 'INPUT', type: 'range' };
const SELECT = { tag: 'SELECT', type: 'select-one' };
const CHECKBOX = { tag: 'INPUT', type: 'checkbox' };
const NUMBER = { tag: 'INPUT', type: 'number' };
const EXPECTED = {
  quality: [RANGE, 'live'], support: [RANGE, 'live'], online: [RANGE, 'live'], design: [SELECT, 'live'],
  k: [RANGE, 'live'], labels: [SELECT, 'live'], s: [RANGE, 'live'], beta: [RANGE, 'live'], lr: [RANGE, 'live'],
  batch: [RANGE, 'live'], exact: [CHECKBOX, 'live'], model: [SELECT, 'restart'], n: [RANGE, 'restart'],
  refq: [RANGE, 'restart'], kappa: [RANGE, 'restart'], gamma: [RANGE, 'restart'], shape: [SELECT, 'restart'],
  scale: [RANGE, 'restart'], seed: [NUMBER, 'restart'],
};

test('every settings field has a labelled control of its kind, a value readout and its scope', async () => {
  const { page, problems } = await openSim(env);
  assert.deepEqual(Object.keys(EXPECTED), SETTINGS_KEYS);
  const found = await page.evaluate((keys) => keys.map((key) => {
    const control = document.getElementById(`ctl-${key}`);
    const label = document.querySelector(`label[for="ctl-${key}"]`);
    return {
      key,
      tag: control?.tagName ?? null,
      type: control?.type ?? null,
      scope: control?.dataset.scope ?? null,
      label: label?.textContent.trim() ?? null,
      value: document.getElementById(`val-${key}`)?.textContent.trim() ?? null,
    };
  }), SETTINGS_KEYS);
  for (const control of found) {
    const [kind, scope] = EXPECTED[control.key];
    assert.equal(control.tag, kind.tag, `#ctl-${control.key} element`);
    assert.equal(control.type, kind.type, `#ctl-${control.key} type`);
    assert.equal(control.scope, scope, `#ctl-${control.key} data-scope`);
    assert.ok(control.label, `#ctl-${control.key} has a non-empty <label for>`);
    assert.ok(control.value !== null, `#val-${control.key} exists`);
  }
  // The settings other than the two on top live in the settings panel, folded away at first.
  assert.equal(await page.locator('#settings-panel').isVisible(), false, 'the settings panel starts closed');
  assert.equal(await page.locator('#ctl-seed').isVisible(), false, 'a secondary setting is in the closed panel');
  for (const key of ['quality', 'support']) assert.equal(await page.locator(`#ctl-${key}`).isVisible(), true, `#ctl-${key} is on top`);
  await page.click('#open-settings');
  await page.locator('#settings-panel').waitFor({ state: 'visible', timeout: WAIT_TIMEOUT });
  assert.equal(await page.getAttribute('#open-settings', 'aria-expanded'), 'true');
  assert.equal(await page.locator('#ctl-seed').isVisible(), true, 'the open panel shows the other settings');
  const text = await page.evaluate(() => document.body.innerText);
  assert.match(text, /restart/i, 'the page explains which settings restart the run');
  const badges = await page.evaluate(() => [...document.querySelectorAll('[data-scope="restart"]')]
    .filter((c) => !c.closest('.control')?.querySelector('.badge.restart')?.checkVisibility()).map((c) => c.id));
  assert.deepEqual(badges, [], 'each restarting setting shows its badge in the open panel');
  assertNoProblems(problems);
});

test('moving the quality slider changes the sampler readout, its value text and the plots', async () => {
  const { page, problems } = await openSim(env);
  const readout = await textOf(page, '#sampler-readout');
  const value = await textOf(page, '#val-quality');
  const before = await plotHashes(page);
  // Set the value as a script would and fire the events a drag fires.
  await page.evaluate(() => {
    const slider = document.getElementById('ctl-quality');
    slider.value = slider.max;
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    slider.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction((old) => document.getElementById('sampler-readout').textContent.trim() !== old,
    readout, { timeout: WAIT_TIMEOUT });
  const changed = await waitForPlotChange(page, before);
  assert.ok(changed.length > 0);
  assert.equal((await api(page, 'get')).quality, '1');
  assert.notEqual(await textOf(page, '#val-quality'), value, '#val-quality follows the slider');
  assertNoProblems(problems);
});

test('moving the support slider with the keyboard changes the sampler readout and the plots', async () => {
  const { page, problems } = await openSim(env);
  const readout = await textOf(page, '#sampler-readout');
  const value = await textOf(page, '#val-support');
  const before = await plotHashes(page);
  await page.focus('#ctl-support');
  await page.keyboard.press('Home');
  await page.waitForFunction((old) => document.getElementById('sampler-readout').textContent.trim() !== old,
    readout, { timeout: WAIT_TIMEOUT });
  await waitForPlotChange(page, before);
  assert.equal((await api(page, 'get')).support, '0.01');
  assert.notEqual(await textOf(page, '#val-support'), value, '#val-support follows the slider');
  assertNoProblems(problems);
});
