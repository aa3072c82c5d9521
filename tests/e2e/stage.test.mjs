// The stage: one screen at 1280 x 720 and 1440 x 900 with the sliders, the
// transport, the pace, the scenario picker and the two key plots whole; history that keeps the
// opening steps; scenarios that pause where their story ends; a pace a room can follow; the
// sampler on the response map; a support slider that is what it looks like; feedback beside its
// control; the ghost's legend; a scenario picker that loads on commit; a visible focus ring; one
// polite live region; and the theory numbers (J_S, J*, predicted and measured rates).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, openSim, assertNoProblems, assertPlotsDrawn, settle, api, textOf, waitForStep, plotHashes, waitForPlotChange,
  until, scenarioPlots, PLOTS, WAIT_TIMEOUT, boxes } from './helpers.mjs';

const env = suite();

const SCREENS = [{ width: 1280, height: 720 }, { width: 1440, height: 900 }];
// What a lecturer needs without scrolling.
const ON_SCREEN = ['#ctl-quality', '#ctl-support', '#play', '#step', '#reset', '#speed', '#preset', '#landscape', '#signal'];
// A story plays at 30 steps a second, within the catch-up limit of a slow frame: allow for it.
const STORY_TIMEOUT = 60_000;

async function assertOnScreen(page, selectors, screen, label) {
  assert.equal(await page.evaluate(() => window.scrollY), 0, `${label}: not scrolled`);
  const placed = await boxes(page, selectors);
  for (const s of selectors) {
    const b = placed[s];
    assert.ok(b && b.width > 0 && b.height > 0, `${label}: ${s} is shown`);
    assert.ok(b.left >= 0 && b.top >= 0 && b.right <= screen.width && b.bottom <= screen.height,
      `${label}: ${s} is wholly on screen (${JSON.stringify(b)} in ${screen.width} x ${screen.height})`);
  }
}

/** The `<dl>` of `id` as {label: value}. */
function definitions(page, id) {
  return page.evaluate((which) => Object.fromEntries([...document.querySelectorAll(`#${which} dt`)]
    .map((dt) => [dt.textContent, dt.nextElementSibling.textContent])), id);
}

/** How many lines each label of the key numbers takes. */
function keyNumberLines(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#key-numbers dt')].map((dt) => {
    const line = parseFloat(getComputedStyle(dt).lineHeight);
    return [dt.textContent, Math.round(dt.getBoundingClientRect().height / line)];
  })));
}

/** A number as the page shows it (U+2212 minus) as a JS number. */
const shownNumber = (text) => Number(text.replace('\u2212', '-'));
const NUMBER = /^[-\u2212]?\d[\d.]*(e[-\u2212+]?\d+)?$/;

/** The presets as the picker lists them. */
function presetKeys(page) {
  return page.evaluate(() => [...document.getElementById('preset').options].map((o) => o.value).filter(Boolean));
}

for (const screen of SCREENS) {
  test(`${screen.width} x ${screen.height}: the sliders, the transport, the pace, the picker and both key plots are on one screen, with every scenario`, async () => {
    const { page, problems } = await openSim(env, '', { viewport: screen });
    await assertPlotsDrawn(page);
    await assertOnScreen(page, ON_SCREEN, screen, 'default settings');
    for (const key of await presetKeys(page)) {
      await api(page, 'preset', key);
      await settle(page);
      await assertOnScreen(page, ON_SCREEN, screen, `preset ${key}`);
      // A long value (J_S online) wraps itself rather than squeezing a label to a word a line.
      const lines = await keyNumberLines(page);
      assert.ok(Math.max(...Object.values(lines)) <= 3, `preset ${key}: key-number labels over 3 lines: ${JSON.stringify(lines)}`);
    }
    // Loaded from the address too (the story is there from the first frame).
    const opened = await openSim(env, 'preset=over-optimisation', { viewport: screen });
    await assertOnScreen(opened.page, ON_SCREEN, screen, 'preset=over-optimisation on load');
    assertNoProblems(problems);
    assertNoProblems(opened.problems);
  });
}

test('the settings panel opens over the plots without moving them; Escape and Close put it away', async () => {
  const { page, problems } = await openSim(env, '', { viewport: SCREENS[0] });
  const before = await boxes(page, PLOTS.map((p) => `#${p}`));
  await page.click('#open-settings');
  await page.locator('#settings-panel').waitFor({ state: 'visible', timeout: WAIT_TIMEOUT });
  assert.deepEqual(await boxes(page, PLOTS.map((p) => `#${p}`)), before, 'the plots stay where they were');
  assert.equal(await page.evaluate(() => document.getElementById('settings-panel').contains(document.activeElement)), true, 'focus moves into the panel');
  await page.keyboard.press('Escape');
  await page.locator('#settings-panel').waitFor({ state: 'hidden', timeout: WAIT_TIMEOUT });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'open-settings', 'focus goes back to the button');
  assert.equal(await page.getAttribute('#open-settings', 'aria-expanded'), 'false');
  await page.click('#open-settings');
  await page.click('#close-settings');
  await page.locator('#settings-panel').waitFor({ state: 'hidden', timeout: WAIT_TIMEOUT });
  assertNoProblems(problems);
});

test('history keeps every step 0..511 exactly after 5,000 steps, thins the rest evenly, and ends with the latest', async () => {
  const { page, problems } = await openSim(env);
  await api(page, 'step', 5000);
  const steps = (await api(page, 'history')).map((r) => r.step);
  const opening = steps.filter((s) => s <= 500);
  assert.deepEqual(opening, Array.from({ length: 501 }, (_, i) => i), 'steps 0..500 are all there, in order');
  assert.deepEqual(steps.filter((s) => s < 512), Array.from({ length: 512 }, (_, i) => i), 'steps 0..511 are all there');
  assert.equal(steps.at(-1), 5000, 'the latest step is last');
  assert.ok(steps.length <= 2049, `at most 2048 + 1 records (${steps.length})`);
  // After the opening, one stride: the curves keep their shape.
  const later = steps.filter((s) => s >= 512).slice(0, -1);
  const strides = new Set(later.slice(1).map((s, i) => s - later[i]));
  assert.equal(strides.size, 1, `a uniform stride after the opening steps: ${[...strides].join(', ')}`);
  assert.ok(5000 - steps.at(-2) <= [...strides][0], 'the latest step is within one stride of the one before');
  assertNoProblems(problems);
});

test('a scenario pauses where its story ends and judges its claims there, moving nothing; Play goes on past it; the default pace plays 100 steps in 2 to 10 s', async () => {
  const { page, problems } = await openSim(env, 'preset=quality', { viewport: SCREENS[0] });
  assert.equal(await page.inputValue('#speed'), '30', 'the default pace');
  assert.match(await textOf(page, '#preset-story'), /100 steps/, 'the story says how long it plays');
  assert.match(await textOf(page, '#story-end'), /^Plays out in 100 steps; its 4 claims are checked then\.$/, 'the verdict line says what is coming');
  // Where everything is while the story plays: it must be there still when the story has ended.
  const watched = ['#play', '#story-line', '#key-numbers', '#plots', '#ctl-quality', ...PLOTS.map((p) => `#${p}`)];
  const before = await boxes(page, watched);
  const started = Date.now();
  await page.click('#play');
  await page.waitForFunction(() => window.dpoSim.isPlaying() === false, null, { timeout: STORY_TIMEOUT, polling: 50 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`the 100-step quality story played in ${seconds.toFixed(2)} s at the default pace`);
  assert.equal((await api(page, 'metrics')).step, 100, 'it stopped at the story\'s length exactly');
  await waitForStep(page, 100);
  assert.equal(await textOf(page, '#play'), 'Play');
  // The pace is in steps per second: a slow machine drops frames but not time (up to a catch-up limit).
  assert.ok(seconds >= 2, `not faster than the pace (${seconds.toFixed(2)} s)`);
  assert.ok(seconds <= 10, `about 3.3 s at 30 steps/s (${seconds.toFixed(2)} s)`);
  await page.waitForFunction(() => /^Step 100: /.test(document.getElementById('story-end').textContent), null, { timeout: STORY_TIMEOUT });
  assert.equal(await textOf(page, '#story-end'), 'Step 100: all 4 claims hold.');
  const told = await api(page, 'story');
  assert.ok(told.done && told.claims.every((c) => c.holds === true), 'every claim holds on the runs');
  assert.match(await textOf(page, '#announce'), /^At step 100, J = /, 'and the whole message is said');
  await assertOnScreen(page, ['#story-end', '#play'], SCREENS[0], 'the story\'s end');
  const after = await boxes(page, watched);
  for (const s of watched) {
    for (const side of ['left', 'top', 'right', 'bottom']) {
      assert.ok(Math.abs(after[s][side] - before[s][side]) <= 2, `${s} stays put when the story ends (${side}: ${before[s][side]} -> ${after[s][side]})`);
    }
  }

  await page.click('#play');
  await page.waitForFunction(() => window.dpoSim.metrics().step >= 130, null, { timeout: STORY_TIMEOUT });
  assert.equal(await api(page, 'isPlaying'), true, 'Play goes on past the story\'s end');
  assert.equal(await textOf(page, '#story-end'), 'Step 100: all 4 claims hold.', 'the verdict stays: it was judged at step 100');
  await page.click('#play');
  assertNoProblems(problems);
});

/** Clicks #play, waits about a second of page time, pauses; the steps and seconds played. */
async function firstSecond(page, pace) {
  await page.selectOption('#speed', pace);
  await api(page, 'reset');
  return page.evaluate(async () => {
    const t0 = performance.now();
    document.getElementById('play').click();
    while (performance.now() - t0 < 1000) await new Promise((done) => requestAnimationFrame(done));
    const steps = window.dpoSim.metrics().step;
    const seconds = (performance.now() - t0) / 1000;
    document.getElementById('play').click();
    return { steps, seconds };
  });
}

test('the pace of the first second: about 30 steps at the default, fewer at the slow pace, many more at the fastest', async () => {
  const { page, problems } = await openSim(env);
  const normal = await firstSecond(page, '30');
  const slow = await firstSecond(page, '2');
  const fastest = await firstSecond(page, 'max');
  console.log(`first second of play: ${JSON.stringify({ normal, slow, fastest })}`);
  assert.ok(normal.steps >= 15 && normal.steps <= 60, `30 steps/s: ${normal.steps} steps in ${normal.seconds.toFixed(2)} s`);
  assert.ok(slow.steps >= 1 && slow.steps <= 6, `2 steps/s: ${slow.steps} steps in ${slow.seconds.toFixed(2)} s`);
  assert.ok(slow.steps < normal.steps, 'the slow pace is slower');
  assert.ok(fastest.steps > 2 * normal.steps, `the fastest pace is faster: ${fastest.steps} steps`);
  assert.match(await page.evaluate(() => location.hash), /(^#|&)pace=max(&|$)/, 'the pace is part of the address');
  assertNoProblems(problems);
});

test('the response map shows the sampler: its pixels differ between quality 0 and 1 at step 0', async () => {
  const { page, problems } = await openSim(env, 'preset=quality');
  assert.equal((await api(page, 'get')).quality, '1');
  const high = (await plotHashes(page, ['map'])).map;
  await api(page, 'set', { quality: '0' });
  await waitForPlotChange(page, { map: high }, ['map']);
  await settle(page);
  assert.equal((await api(page, 'metrics')).step, 0, 'still step 0');
  assert.notEqual((await plotHashes(page, ['map'])).map, high, 'the map changed with quality alone');
  await api(page, 'set', { quality: '1' });
  await settle(page);
  assert.equal((await plotHashes(page, ['map'])).map, high, 'and back');
  assertNoProblems(problems);
});

test('the support slider is a plain fraction: its midpoint is 0.5, and its ticks sit at the scenarios\' support values', async () => {
  const { page, problems } = await openSim(env);
  const box = await page.locator('#ctl-support').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => window.dpoSim.get().support !== '1', null, { timeout: WAIT_TIMEOUT });
  const mid = Number((await api(page, 'get')).support);
  assert.ok(Math.abs(mid - 0.5) <= 0.01 + 1e-9, `the middle of the track is support ${mid}`);
  assert.equal(shownNumber(await textOf(page, '#val-support')), mid, '#val-support shows it');

  const ticks = await page.evaluate(() => {
    const input = document.getElementById('ctl-support');
    return [...(input.list?.options ?? [])].map((o) => Number(o.value));
  });
  const scenarios = new Set();
  for (const key of await presetKeys(page)) {
    await api(page, 'preset', key);
    scenarios.add(Number((await api(page, 'get')).support));
  }
  assert.ok(ticks.length > 0, 'the slider has ticks');
  for (const t of ticks) assert.ok(scenarios.has(t), `tick ${t} is a scenario's support (${[...scenarios].join(', ')})`);
  for (const s of scenarios) if (s !== 1) assert.ok(ticks.includes(s), `scenario support ${s} has a tick (${ticks.join(', ')})`);
  assertNoProblems(problems);
});

test('"Link copied" appears next to the Copy link button, on screen, and goes within about 5 s', async () => {
  const { page, problems } = await openSim(env, '', { viewport: SCREENS[0], permissions: ['clipboard-read', 'clipboard-write'] });
  await page.click('#share');
  const toast = page.locator('.toast', { hasText: /Link copied/ });
  await toast.waitFor({ state: 'visible', timeout: WAIT_TIMEOUT });
  const shown = Date.now();
  const [t, b] = await Promise.all([toast.boundingBox(), page.locator('#share').boundingBox()]);
  const viewport = page.viewportSize();
  assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.width <= viewport.width && t.y + t.height <= viewport.height,
    `the toast is on screen: ${JSON.stringify(t)}`);
  const gap = Math.hypot(Math.max(0, t.x - (b.x + b.width), b.x - (t.x + t.width)), Math.max(0, t.y - (b.y + b.height), b.y - (t.y + t.height)));
  assert.ok(gap <= 60, `next to the button (${gap.toFixed(0)} px away)`);
  await toast.waitFor({ state: 'detached', timeout: 8000 });
  const seconds = (Date.now() - shown) / 1000;
  assert.ok(seconds <= 6, `gone after ${seconds.toFixed(1)} s`);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.evaluate(() => location.href));
  assertNoProblems(problems);
});

test('the ghost: pin, then change quality: the signal plot changes (the ghost and its legend are drawn) and get() shows the change', async () => {
  const { page, problems } = await openSim(env);
  await api(page, 'step', 30);
  await settle(page);
  await page.click('#pin');
  await page.waitForFunction(() => !document.getElementById('unpin').disabled, null, { timeout: WAIT_TIMEOUT });
  await settle(page);
  const pinned = await plotHashes(page, ['signal']);
  await page.evaluate(() => {
    const slider = document.getElementById('ctl-quality');
    slider.value = slider.max;
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await waitForPlotChange(page, pinned, ['signal']);
  await settle(page);
  assert.equal((await api(page, 'get')).quality, '1');
  const withGhost = await plotHashes(page, ['signal']);
  assert.notEqual(withGhost.signal, pinned.signal, 'the signal plot shows the change');
  await page.click('#unpin');
  await waitForPlotChange(page, withGhost, ['signal']);
  assert.equal(await page.locator('#unpin').isDisabled(), true);
  assertNoProblems(problems);
});

test('the scenario picker loads on commit: ArrowDown on the closed picker only browses, Enter loads, a mouse choice loads', async () => {
  const { page, problems } = await openSim(env, 'preset=support');
  await api(page, 'step', 5);
  await waitForStep(page, 5);
  const settings = await api(page, 'get');
  const hash = await page.evaluate(() => location.hash);
  await page.focus('#preset');
  await page.keyboard.press('ArrowDown');
  const browsed = await page.inputValue('#preset');
  assert.notEqual(browsed, 'support', 'the arrow moved to the next scenario');
  await page.waitForFunction(() => /Press Enter to load it/.test(document.getElementById('preset-story').textContent), null, { timeout: WAIT_TIMEOUT });
  // Give a wrong load time to happen before checking it did not.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  assert.deepEqual(await api(page, 'get'), settings, 'browsing changes no setting');
  assert.equal((await api(page, 'metrics')).step, 5, 'browsing does not reset the run');
  assert.equal(await textOf(page, '#step-count'), '5');
  assert.equal(await page.evaluate(() => location.hash), hash, 'nor the address');

  await page.keyboard.press('Enter');
  await page.waitForFunction((key) => location.hash.includes(`preset=${key}&`), browsed, { timeout: WAIT_TIMEOUT });
  await waitForStep(page, 0);
  assert.notDeepEqual(await api(page, 'get'), settings, 'Enter loads the scenario');
  assert.equal(await page.inputValue('#preset'), browsed);
  assert.doesNotMatch(await textOf(page, '#preset-story'), /Press Enter/);

  const other = browsed === 'online' ? 'quality' : 'online';
  await api(page, 'step', 3);
  await waitForStep(page, 3);
  await page.selectOption('#preset', other);
  await page.waitForFunction((key) => location.hash.includes(`preset=${key}&`), other, { timeout: WAIT_TIMEOUT });
  await waitForStep(page, 0);
  assert.equal(await page.inputValue('#preset'), other, 'a mouse choice loads at once');
  assertNoProblems(problems);
});

/** WCAG contrast ratio of two `rgb(...)` colours. */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('the keyboard focus ring: at least 3 px, solid, and 3:1 against white and the page background', async () => {
  const { page, problems } = await openSim(env);
  // The page's background: the body's, or the root's where the body has none.
  const background = await page.evaluate(() => [document.body, document.documentElement]
    .map((e) => getComputedStyle(e).backgroundColor).find((c) => !/rgba\(.*, 0\)$|transparent/.test(c)) ?? 'rgb(255, 255, 255)');
  const seen = [];
  // Tab through the page's first controls; each focused button gets the ring.
  for (let i = 0; i < 30 && seen.length < 6; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el.tagName !== 'BUTTON') return null;
      const style = getComputedStyle(el);
      return { id: el.id || el.textContent.trim(), visible: el.matches(':focus-visible'), width: parseFloat(style.outlineWidth), style: style.outlineStyle, colour: style.outlineColor };
    });
    if (focused) seen.push(focused);
  }
  assert.ok(seen.length >= 3, `buttons reached by Tab: ${seen.map((s) => s.id).join(', ')}`);
  for (const ring of seen) {
    assert.equal(ring.visible, true, `${ring.id} matches :focus-visible`);
    assert.ok(ring.width >= 3, `${ring.id}: outline ${ring.width} px`);
    assert.equal(ring.style, 'solid', `${ring.id}: outline style`);
    const white = contrast(ring.colour, 'rgb(255, 255, 255)');
    const page = contrast(ring.colour, background);
    assert.ok(white >= 3, `${ring.id}: ${ring.colour} is ${white.toFixed(2)}:1 against white`);
    assert.ok(page >= 3, `${ring.id}: ${ring.colour} is ${page.toFixed(2)}:1 against the page (${background})`);
  }
  assertNoProblems(problems);
});

test('one polite live region: #announce alone; loading a scenario changes it at most once a second', async () => {
  const { page, problems } = await openSim(env);
  const others = await page.evaluate(() => [...document.querySelectorAll('[aria-live], [role="status"], [role="log"], [role="marquee"], [role="timer"], output')]
    .filter((e) => e.id !== 'announce' && e.getAttribute('aria-live') !== 'off').map((e) => e.id || e.outerHTML.slice(0, 80)));
  assert.deepEqual(others, [], 'no live region but #announce');
  assert.equal(await page.getAttribute('#announce', 'aria-live'), 'polite');
  await page.evaluate(() => {
    window.__e2eSpoken = [];
    new MutationObserver(() => window.__e2eSpoken.push({ at: performance.now(), text: document.getElementById('announce').textContent }))
      .observe(document.getElementById('announce'), { childList: true, characterData: true, subtree: true });
  });
  const t0 = await page.evaluate(() => performance.now());
  await page.selectOption('#preset', 'online');
  await page.waitForFunction(() => window.__e2eSpoken.length > 0, null, { timeout: WAIT_TIMEOUT });
  // Let any further announcement come, then count.
  await page.waitForFunction((start) => performance.now() - start > 3000, t0, { timeout: WAIT_TIMEOUT, polling: 100 });
  const spoken = await page.evaluate(() => window.__e2eSpoken);
  const times = [t0, ...spoken.map((s) => s.at)];
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(spoken.length <= 3, `${spoken.length} changes in 3 s: ${spoken.map((s) => s.text).join(' | ')}`);
  for (const [i, gap] of gaps.slice(1).entries()) assert.ok(gap >= 900, `change ${i + 2} came ${gap.toFixed(0)} ms after the one before`);
  assert.match(spoken.at(-1).text, /^Step 0\. Expected reward/, 'it ends with the short summary');
  assertNoProblems(problems);
});

test('the readouts: the over-optimisation story shows J_S and J*; bvw says margins grow without bound; the rate near θ_S is predicted and measured', async () => {
  const { page, problems } = await openSim(env, 'preset=over-optimisation');
  assert.equal((await api(page, 'get')).exact, '1', 'the story runs in exact mode');
  const m = await api(page, 'step', 300);
  await settle(page);
  const key = await definitions(page, 'key-numbers');
  const js = Object.entries(key).find(([label]) => /J_S/.test(label));
  const jstar = Object.entries(key).find(([label]) => /J\*/.test(label));
  assert.ok(js && jstar, `#key-numbers names J_S and J*: ${Object.keys(key).join(' | ')}`);
  assert.match(js[1], NUMBER, `J_S is a number: ${js[1]}`);
  assert.match(jstar[1], NUMBER, `J* is a number: ${jstar[1]}`);
  assert.ok(Math.abs(shownNumber(js[1]) - m.attainable_reward) <= 0.01 * Math.max(1, Math.abs(m.attainable_reward)), `J_S ${js[1]} is attainable_reward ${m.attainable_reward}`);
  assert.ok(Math.abs(shownNumber(jstar[1]) - m.rlhf_reward) <= 0.01 * Math.max(1, Math.abs(m.rlhf_reward)), `J* ${jstar[1]} is rlhf_reward ${m.rlhf_reward}`);
  assert.match(jstar[0], /not a ceiling|J can pass it|regularised/i, 'J* is labelled as the regularised optimum, not a ceiling');

  const full = await definitions(page, 'readout');
  const rate = full['Rate near θ_S'];
  const match = /^predicted ([-\u2212]?[\d.e]+), measured ([-\u2212]?[\d.e]+) per step$/.exec(rate ?? '');
  assert.ok(match, `the readout gives a predicted and a measured rate: ${rate}`);
  assert.ok(Math.abs(shownNumber(match[1]) - m.predicted_rate) < 1e-3, `predicted ${match[1]} vs ${m.predicted_rate}`);
  assert.ok(Math.abs(shownNumber(match[2]) - m.measured_rate) < 1e-3, `measured ${match[2]} vs ${m.measured_rate}`);

  await api(page, 'set', { design: 'bvw' });
  await api(page, 'reset');
  await api(page, 'step', 50);
  await settle(page);
  const bvw = await definitions(page, 'key-numbers');
  const none = Object.entries(bvw).find(([label]) => /J_S/.test(label))[1];
  assert.match(none, /margins grow without bound/, `with design=bvw: ${none}`);
  assert.doesNotMatch(none, /\d/, 'no J_S number');
  assert.equal((await api(page, 'metrics')).attainable_reward, null);
  assert.match((await definitions(page, 'readout'))['Rate near θ_S'], /margins grow without bound/);
  assertNoProblems(problems);
});

test('values within rounding of zero read 0, never -0 or 1e-16', async () => {
  const { page, problems } = await openSim(env);
  const shown = [...Object.values(await definitions(page, 'readout')), ...Object.values(await definitions(page, 'key-numbers'))].join(' | ');
  assert.doesNotMatch(shown, /[-\u2212]0(?![.\d])|e-1[5-9]|e-[2-9]\d/, shown);
  assertNoProblems(problems);
});

test('the phone: a slider and the scenario\'s first plot on one 390 x 844 screen; the step and J stay in view down the plots', async () => {
  const phone = { width: 390, height: 844 };
  const { page, problems } = await openSim(env, 'preset=quality', { viewport: phone });
  const first = `#${(await scenarioPlots(page, 'quality'))[0]}`;
  const placed = await boxes(page, ['#ctl-quality', first]);
  for (const [s, b] of Object.entries(placed)) {
    assert.ok(b && b.top >= 0 && b.bottom <= phone.height && b.right <= phone.width, `${s} on the first screen: ${JSON.stringify(b)}`);
  }
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), phone.width, 'no sideways scrolling');
  // One plot per row, the width of the screen: two side by side would be too small to read.
  assert.ok(placed[first].width >= 0.8 * phone.width, `the first plot spans the screen: ${placed[first].width} px`);
  // At the default pace the story can be followed on a phone too.
  await page.click('#play');
  await until(async () => (await api(page, 'metrics')).step > 0, 'playing on a phone');
  await page.click('#play');
  // Far down the plots, the numbers to watch are still at the top of the screen.
  await page.locator('#convergence').scrollIntoViewIfNeeded();
  const bar = (await boxes(page, ['#phone-numbers']))['#phone-numbers'];
  assert.ok(bar && bar.top >= 0 && bar.bottom <= 80, `the step and J stay in view: ${JSON.stringify(bar)}`);
  const step = (await api(page, 'metrics')).step;
  assert.match(await textOf(page, '#phone-numbers'), new RegExp(`^Step${step}J−?\\d`), 'the bar shows the step and J');
  assertNoProblems(problems);
});
