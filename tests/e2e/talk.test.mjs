// Talk mode (#talk=1): one 1280 x 720 projector screen without scrolling, large type, the two
// main sliders and play/step/reset only, number keys for the presets, a plot enlarged on click.
// And for everyone: the short spoken readout is polite and never per frame; nothing autoplays.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  suite, openSim, assertNoProblems, assertPlotsDrawn, settle, api, textOf, PLOTS, SETTINGS_KEYS, OUTPUT, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();
const DIR = join(OUTPUT, 'screenshots');
const PROJECTOR = { width: 1280, height: 720 };
const written = [];

after(() => {
  if (written.length) console.log(`screenshots written to ${DIR}:\n  ${written.join('\n  ')}`);
});

async function shoot(page, name) {
  await mkdir(DIR, { recursive: true });
  const path = join(DIR, `${name}.png`);
  await page.screenshot({ path });
  written.push(path);
}

/** Each element's box, or null when it is not displayed. */
function boxes(page, selectors) {
  return page.evaluate((list) => Object.fromEntries(list.map((s) => {
    const node = document.querySelector(s);
    if (!node || node.getClientRects().length === 0) return [s, null];
    const r = node.getBoundingClientRect();
    return [s, { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height }];
  })), selectors);
}

const fontPx = (page, selector) => page.evaluate((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize), selector);

test('talk mode fits a 1280 x 720 projector without scrolling: large type, two sliders, play/step/reset, big plots', async () => {
  const { page, problems } = await openSim(env, 'talk=1&preset=quality', { viewport: PROJECTOR });
  await assertPlotsDrawn(page);
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(size[0] <= PROJECTOR.width && size[1] <= PROJECTOR.height, `no scrolling (page is ${size.join(' x ')})`);

  const shown = ['#ctl-quality', '#ctl-support', '#play', '#step', '#reset', '#step-count', '#talk-title', ...PLOTS.map((p) => `#${p}`)];
  const hidden = [
    ...SETTINGS_KEYS.filter((k) => k !== 'quality' && k !== 'support').map((k) => `#ctl-${k}`),
    '#speed', '#preset', '#pin', '#unpin', '#share', '#export-png', '#export-csv', '#readout', '.site-header', '.site-footer',
  ];
  const placed = await boxes(page, [...shown, ...hidden]);
  for (const s of shown) {
    const b = placed[s];
    assert.ok(b && b.width > 0 && b.height > 0, `${s} is shown`);
    assert.ok(b.left >= 0 && b.top >= 0 && b.right <= PROJECTOR.width && b.bottom <= PROJECTOR.height, `${s} is on screen`);
  }
  for (const s of hidden) assert.equal(placed[s], null, `${s} is not shown in talk mode`);

  // The plots take most of the screen.
  const area = PLOTS.reduce((sum, p) => sum + placed[`#${p}`].width * placed[`#${p}`].height, 0);
  assert.ok(area > 0.45 * PROJECTOR.width * PROJECTOR.height, `plots cover ${(100 * area / (PROJECTOR.width * PROJECTOR.height)).toFixed(0)}% of the screen`);
  // No two plots overlap.
  for (const a of PLOTS) {
    for (const b of PLOTS) {
      if (a >= b) continue;
      const [p, q] = [placed[`#${a}`], placed[`#${b}`]];
      const apart = p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top;
      assert.ok(apart, `#${a} and #${b} do not overlap`);
    }
  }
  // Large type, black on white.
  assert.ok(await fontPx(page, 'label[for="ctl-quality"]') >= 20, 'slider labels are large');
  assert.ok(await fontPx(page, '#talk-title') >= 26, 'the scenario title is large');
  assert.ok(await fontPx(page, '#play') >= 20, 'buttons are large');
  const colours = await page.evaluate(() => [getComputedStyle(document.body).color, getComputedStyle(document.documentElement).backgroundColor]);
  assert.deepEqual(colours, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)'], 'black on white');
  assert.match(await textOf(page, '#talk-title'), /^2\. Quality amplifies the gradient signal$/);

  await api(page, 'step', 40);
  await settle(page);
  await shoot(page, 'talk-1280x720');
  assertNoProblems(problems);
});

test('number keys 1-9 load the presets in menu order; talk=1 stays in the address', async () => {
  const { page, problems } = await openSim(env, 'talk=1', { viewport: PROJECTOR });
  const presets = await page.evaluate(() => [...document.getElementById('preset').options].filter((o) => o.value)
    .map((o) => ({ key: o.value, title: o.textContent })));
  assert.ok(presets.length >= 2);
  for (const [i, preset] of presets.slice(0, 9).entries()) {
    await api(page, 'step', 3);
    await page.keyboard.press(String(i + 1));
    await page.waitForFunction((key) => location.hash.includes(`preset=${key}&`), preset.key, { timeout: WAIT_TIMEOUT });
    assert.equal(await page.inputValue('#preset'), preset.key, `key ${i + 1} loads ${preset.key}`);
    assert.equal(await textOf(page, '#talk-title'), `${i + 1}. ${preset.title}`);
    assert.equal(await textOf(page, '#step-count'), '0', 'a preset starts from step 0');
    assert.match(await page.evaluate(() => location.hash), /(^#|&)talk=1(&|$)/, 'still in talk mode');
  }
  if (presets.length < 9) {
    // A key with no preset does nothing.
    const before = await api(page, 'get');
    await page.keyboard.press(String(presets.length + 1));
    assert.deepEqual(await api(page, 'get'), before);
    assert.equal(await api(page, 'error'), null);
  }
  // The keys a speaker uses.
  await page.keyboard.press('3');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '1', null, { timeout: WAIT_TIMEOUT });
  await page.keyboard.press(' ');
  assert.equal(await api(page, 'isPlaying'), true, 'Space plays');
  await page.waitForFunction(() => Number(document.getElementById('step-count').textContent) >= 120, null, { timeout: WAIT_TIMEOUT * 4 });
  await page.keyboard.press(' ');
  assert.equal(await api(page, 'isPlaying'), false, 'Space pauses');
  await settle(page);
  await shoot(page, 'talk-online-playing');
  // Outside talk mode the digits are not shortcuts.
  const plain = await openSim(env, 'preset=support', { viewport: PROJECTOR });
  await plain.page.keyboard.press('3');
  assert.equal(await plain.page.inputValue('#preset'), 'support');
  assertNoProblems(problems);
  assertNoProblems(plain.problems);
});

test('a click on a plot enlarges it to the plot area (bigger text); a second click or Escape restores all four', async () => {
  const { page, problems } = await openSim(env, 'talk=1&preset=displacement', { viewport: PROJECTOR });
  await api(page, 'step', 60);
  await settle(page);
  const before = await boxes(page, PLOTS.map((p) => `#${p}`));
  await page.click('#curves');
  await page.waitForFunction(() => document.getElementById('map').getClientRects().length === 0, null, { timeout: WAIT_TIMEOUT });
  await settle(page, ['curves']);
  const zoomed = await boxes(page, PLOTS.map((p) => `#${p}`));
  assert.ok(zoomed['#curves'].width > 1.8 * before['#curves'].width, 'the plot is about twice as wide');
  assert.ok(zoomed['#curves'].bottom <= PROJECTOR.height, 'and still on screen');
  for (const p of ['map', 'landscape', 'signal']) assert.equal(zoomed[`#${p}`], null, `#${p} is hidden meanwhile`);
  await assertPlotsDrawn(page, ['curves']);
  await shoot(page, 'talk-zoomed-curves');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.getElementById('map').getClientRects().length > 0, null, { timeout: WAIT_TIMEOUT });
  await page.click('#signal');
  await page.click('#signal');
  await settle(page);
  await assertPlotsDrawn(page);
  const after = await boxes(page, PLOTS.map((p) => `#${p}`));
  assert.deepEqual(after, before, 'all four back in place');
  assertNoProblems(problems);
});

test('the short readout for screen readers is polite, names step, expected reward and signal, and is not per frame', async () => {
  const { page, problems } = await openSim(env, 'preset=quality');
  assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
  assert.equal(await page.getAttribute('#announce', 'role'), 'status');
  assert.match(await textOf(page, '#announce'), /^Step 0\. Expected reward -?[\d.]+/);

  await api(page, 'step', 7);
  await page.waitForFunction(() => document.getElementById('announce').textContent.startsWith('Step 7.'), null, { timeout: WAIT_TIMEOUT });
  assert.match(await textOf(page, '#announce'), /^Step 7\. Expected reward -?[\d.e-]+ \(reference -?[\d.e-]+\)\. Gradient signal -?[\d.e-]+\.$/);

  // While playing it speaks rarely: count its changes over a few seconds of play.
  await page.evaluate(() => {
    window.__e2eSpoken = 0;
    new MutationObserver(() => { window.__e2eSpoken += 1; })
      .observe(document.getElementById('announce'), { childList: true, characterData: true, subtree: true });
  });
  const frames0 = (await api(page, 'frameStats')).frames;
  await api(page, 'play');
  await page.waitForTimeout(3000);
  await api(page, 'pause');
  const frames = (await api(page, 'frameStats')).frames - frames0;
  const spoken = await page.evaluate(() => window.__e2eSpoken);
  assert.ok(frames >= 10, `it played (${frames} frames)`);
  assert.ok(spoken <= 1, `${spoken} announcements in ${frames} frames of play`);
  // Once at rest it says where the run stopped.
  const step = (await api(page, 'metrics')).step;
  await page.waitForFunction((n) => document.getElementById('announce').textContent.startsWith(`Step ${n}.`), step, { timeout: WAIT_TIMEOUT });
  assertNoProblems(problems);
});

test('with prefers-reduced-motion nothing plays by itself; Step steps on demand', async () => {
  const { page, problems } = await openSim(env, 'talk=1&preset=online', { viewport: PROJECTOR });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.reload();
  await page.waitForFunction(() => window.dpoSimReady === true);
  await page.waitForTimeout(500);
  assert.equal(await api(page, 'isPlaying'), false);
  assert.equal(await textOf(page, '#step-count'), '0');
  await page.click('#step');
  // The click's step lands on the next frame: wait for it rather than read at once.
  await page.waitForFunction(() => document.getElementById('step-count').textContent === '1', null, {
    timeout: WAIT_TIMEOUT,
  });
  assert.equal(await api(page, 'isPlaying'), false, 'Step steps on demand without playing');
  assertNoProblems(problems);
});
