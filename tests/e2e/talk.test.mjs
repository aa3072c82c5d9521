// Talk mode (#talk=1): one 1280 x 720 projector screen without scrolling, large type, the two
// main sliders, play/step/reset and the pace only, the plots `plots=` names (landscape and signal
// by default) with text of 18 px and more, entered and left by changing the address of an open
// page, number keys for the presets, a plot enlarged on click.
// And for everyone: the short spoken readout is polite and never per frame; nothing autoplays.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  suite, openSim, assertNoProblems, assertPlotsDrawn, settle, api, textOf, scenarioPlots, PLOTS, SETTINGS_KEYS, OUTPUT, WAIT_TIMEOUT, boxes } from './helpers.mjs';

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

const fontPx = (page, selector) => page.evaluate((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize), selector);

/** The smallest text each drawn canvas carries (data-text-px, CSS px). */
const textPx = (page, ids) => page.evaluate((list) => Object.fromEntries(list.map((id) => [id, Number(document.getElementById(id).dataset.textPx)])), ids);

test('talk mode fits a 1280 x 720 projector without scrolling: large type, the one-sentence finding, two sliders, play/step/reset, the pace, the scenario\'s big plots', async () => {
  const { page, problems } = await openSim(env, 'talk=1&preset=quality', { viewport: PROJECTOR });
  const PLOTTED = await scenarioPlots(page, 'quality');
  await assertPlotsDrawn(page, PLOTTED);
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(size[0] <= PROJECTOR.width && size[1] <= PROJECTOR.height, `no scrolling (page is ${size.join(' x ')})`);

  const shown = ['#ctl-quality', '#ctl-support', '#play', '#step', '#reset', '#speed', '#step-count', '#talk-title', '#talk-numbers',
    '#embed-summary', '#story-toggle', '#story-end', ...PLOTTED.map((p) => `#${p}`)];
  const hidden = [
    ...SETTINGS_KEYS.filter((k) => k !== 'quality' && k !== 'support').map((k) => `#ctl-${k}`),
    ...PLOTS.filter((p) => !PLOTTED.includes(p)).map((p) => `#${p}`),
    '#preset', '#pin', '#unpin', '#share', '#export-png', '#export-csv', '#readout', '#key-numbers', '.site-header', '.site-footer', '#sweep',
  ];
  const placed = await boxes(page, [...shown, ...hidden]);
  for (const s of shown) {
    const b = placed[s];
    assert.ok(b && b.width > 0 && b.height > 0, `${s} is shown`);
    assert.ok(b.left >= 0 && b.top >= 0 && b.right <= PROJECTOR.width && b.bottom <= PROJECTOR.height, `${s} is on screen`);
  }
  for (const s of hidden) assert.equal(placed[s], null, `${s} is not shown in talk mode`);

  // The plots take most of the screen, and their text is legible from the back of the room.
  const area = PLOTTED.reduce((sum, p) => sum + placed[`#${p}`].width * placed[`#${p}`].height, 0);
  assert.ok(area > 0.42 * PROJECTOR.width * PROJECTOR.height, `plots cover ${(100 * area / (PROJECTOR.width * PROJECTOR.height)).toFixed(0)}% of the screen`);
  for (const [id, px] of Object.entries(await textPx(page, PLOTTED))) assert.ok(px >= 18, `#${id}: smallest text ${px} px`);
  assert.match(await textOf(page, '#embed-summary'), /^More high-quality responses/, 'the story\'s one-sentence finding');
  // No two plots overlap.
  for (const a of PLOTTED) {
    for (const b of PLOTTED) {
      if (a >= b) continue;
      const [p, q] = [placed[`#${a}`], placed[`#${b}`]];
      const apart = p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top;
      assert.ok(apart, `#${a} and #${b} do not overlap`);
    }
  }
  // Large type, black on white.
  assert.ok(await fontPx(page, 'label[for="ctl-quality"]') >= 20, 'slider labels are large');
  assert.ok(await fontPx(page, '#talk-title') >= 26, 'the scenario title is large');
  // The one row of controls now holds the pace as well: buttons at 18 px, the size of the plot text.
  assert.ok(await fontPx(page, '#play') >= 18, 'buttons are large');
  assert.ok(await fontPx(page, '#speed') >= 18, 'the pace is large');
  const colours = await page.evaluate(() => [getComputedStyle(document.body).color, getComputedStyle(document.documentElement).backgroundColor]);
  assert.deepEqual(colours, ['rgb(0, 0, 0)', 'rgb(255, 255, 255)'], 'black on white');
  assert.match(await textOf(page, '#talk-title'), /^2\. Quality amplifies the gradient signal$/);

  await api(page, 'step', 40);
  await settle(page);
  await shoot(page, 'talk-1280x720');
  assertNoProblems(problems);
});

test('talk mode with four plots at 1280 x 720: each at least 300 x 200 px, side by side two by two, none overlapping', async () => {
  const four = ['reward', 'signal', 'landscape', 'curves'];
  const { page, problems } = await openSim(env, `talk=1&preset=best-of-k&plots=${four.join(',')}`, { viewport: PROJECTOR });
  await api(page, 'step', 100);
  await settle(page, four);
  await assertPlotsDrawn(page, four);
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(size[0] <= PROJECTOR.width && size[1] <= PROJECTOR.height, `no scrolling (page is ${size.join(' x ')})`);
  const placed = await boxes(page, four.map((p) => `figure[data-chart="${p}"]`));
  const figures = four.map((p) => placed[`figure[data-chart="${p}"]`]);
  for (const [k, b] of figures.entries()) {
    assert.ok(b.width >= 300 && b.height >= 200, `${four[k]}: ${b.width.toFixed(0)} x ${b.height.toFixed(0)} px`);
    assert.ok(b.top >= 0 && b.bottom <= PROJECTOR.height && b.right <= PROJECTOR.width, `${four[k]} on screen`);
  }
  assert.equal(new Set(figures.map((b) => Math.round(b.top))).size, 2, 'two rows');
  for (const [i, p] of figures.entries()) {
    for (const q of figures.slice(i + 1)) {
      assert.ok(p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top, 'no two plots overlap');
    }
  }
  await shoot(page, 'talk-1280x720-four-plots');
  assertNoProblems(problems);
});

test('talk mode by a change of address: the run goes on, it fits 1280 x 720 with 18 px plot text; leaving it restores the page', async () => {
  const { page, problems } = await openSim(env, 'preset=online', { viewport: PROJECTOR });
  await api(page, 'step', 37);
  await settle(page);
  const settings = await api(page, 'get');
  const metrics = await api(page, 'metrics');
  const full = await boxes(page, PLOTS.map((p) => `#${p}`));
  const PLOTTED = await scenarioPlots(page, 'online');
  await page.evaluate(() => { location.hash = `${location.hash.slice(1)}&talk=1`; });
  await page.waitForFunction(() => document.documentElement.classList.contains('talk'), null, { timeout: WAIT_TIMEOUT });
  // Each shown canvas notes its smallest text when drawn: wait for the redraw at the new size.
  await page.waitForFunction((ids) => ids.every((id) => Number(document.getElementById(id).dataset.textPx) >= 18), PLOTTED, { timeout: WAIT_TIMEOUT })
    .catch(() => {});
  await settle(page);
  assert.equal(await textOf(page, '#step-count'), '37', 'the run survives entering talk mode');
  assert.deepEqual(await api(page, 'metrics'), metrics, 'the same run, not a reload');
  assert.deepEqual(await api(page, 'get'), settings);
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  assert.ok(size[0] <= PROJECTOR.width && size[1] <= PROJECTOR.height, `no scrolling (page is ${size.join(' x ')})`);
  const shown = await page.evaluate(() => [...document.querySelectorAll('#plots canvas')].filter((c) => c.getClientRects().length > 0)
    .map((c) => ({ id: c.id, px: Number(c.dataset.textPx) })));
  assert.deepEqual(shown.map((c) => c.id), PLOTTED, 'talk mode shows the scenario\'s plots');
  for (const { id, px } of shown) assert.ok(px >= 18, `#${id}: smallest text ${px} px`);
  const placed = await boxes(page, ['#talk-title', '#talk-numbers', '#play', '#speed', '#ctl-quality', ...PLOTTED.map((p) => `#${p}`)]);
  for (const [s, b] of Object.entries(placed)) {
    assert.ok(b && b.top >= 0 && b.bottom <= PROJECTOR.height && b.right <= PROJECTOR.width, `${s} on screen: ${JSON.stringify(b)}`);
  }
  assert.match(await textOf(page, '#talk-title'), /^3\. Online DPO/);
  await shoot(page, 'talk-1280x720-by-hash');

  await page.evaluate(() => { location.hash = location.hash.slice(1).replace(/&talk=1/, ''); });
  await page.waitForFunction(() => !document.documentElement.classList.contains('talk'), null, { timeout: WAIT_TIMEOUT });
  await settle(page);
  assert.equal(await textOf(page, '#step-count'), '37', 'the run survives leaving talk mode');
  assert.deepEqual(await api(page, 'metrics'), metrics);
  await assertPlotsDrawn(page);
  for (const s of ['.site-header', '#preset', '#key-numbers', '#pin', '#readout']) {
    assert.equal(await page.locator(s).first().isVisible(), true, `${s} is back`);
  }
  assert.deepEqual(await boxes(page, PLOTS.map((p) => `#${p}`)), full, 'the plots are back where they were');
  assert.equal(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight), true, 'the full page scrolls again');
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

test('a click on a plot enlarges it to the plot area (text stays 18 px and more); a second click or Escape restores all four', async () => {
  // Four plots named in the address: all fit a 1280 x 720 screen in talk mode.
  const FOUR = ['landscape', 'signal', 'map', 'curves'];
  const { page, problems } = await openSim(env, `talk=1&preset=displacement&plots=${FOUR.join(',')}`, { viewport: PROJECTOR });
  await api(page, 'step', 60);
  await settle(page);
  const before = await boxes(page, FOUR.map((p) => `#${p}`));
  for (const p of FOUR) assert.ok(before[`#${p}`], `#${p} is shown`);
  const textBefore = await textPx(page, ['curves']);
  await page.click('#curves');
  await page.waitForFunction(() => document.getElementById('map').getClientRects().length === 0, null, { timeout: WAIT_TIMEOUT });
  await settle(page, ['curves']);
  const zoomed = await boxes(page, FOUR.map((p) => `#${p}`));
  assert.ok(zoomed['#curves'].width > 1.8 * before['#curves'].width, 'the plot is about twice as wide');
  assert.ok(zoomed['#curves'].bottom <= PROJECTOR.height, 'and still on screen');
  for (const p of ['map', 'landscape', 'signal']) assert.equal(zoomed[`#${p}`], null, `#${p} is hidden meanwhile`);
  await assertPlotsDrawn(page, ['curves']);
  const textZoomed = await textPx(page, ['curves']);
  // The text grows only once the plot is more than twice its design size both ways; never smaller.
  assert.ok(textZoomed.curves >= Math.max(18, textBefore.curves), `text ${textBefore.curves} -> ${textZoomed.curves} px`);
  await shoot(page, 'talk-zoomed-curves');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.getElementById('map').getClientRects().length > 0, null, { timeout: WAIT_TIMEOUT });
  await page.click('#signal');
  await page.click('#signal');
  await settle(page);
  await assertPlotsDrawn(page, FOUR);
  const after = await boxes(page, FOUR.map((p) => `#${p}`));
  assert.deepEqual(after, before, 'all four back in place');
  assertNoProblems(problems);
});

// A number as the core formats it: a minus sign (U+2212) or '-', digits, maybe an exponent.
const NUM = '[-\u2212]?[\\d.]+(?:e[-\u2212+]?\\d+)?';

test('the short readout for screen readers is polite, names step, expected reward and signal, and is not per frame', async () => {
  // A slow pace, so the scenario's story (100 steps) does not end during the 3 s of play below.
  const { page, problems } = await openSim(env, 'preset=quality&pace=10');
  assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
  assert.equal(await page.getAttribute('#announce', 'role'), 'status');
  assert.match(await textOf(page, '#announce'), new RegExp(`^Step 0\\. Expected reward ${NUM}`));

  await api(page, 'step', 7);
  await page.waitForFunction(() => document.getElementById('announce').textContent.startsWith('Step 7.'), null, { timeout: WAIT_TIMEOUT });
  assert.match(await textOf(page, '#announce'),
    new RegExp(`^Step 7\\. Expected reward ${NUM}, where DPO can end ${NUM}\\. Gradient signal ${NUM}\\.$`));

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
