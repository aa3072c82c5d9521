// Real input on every surface the simulator appears on: the page (a projector's 1280×720 and a
// phone's 390×844 touch screen), talk mode, an 800×500 iframe embed, the <dpo-sim> element and a
// tour figure. Only Playwright's mouse, keyboard and touch screen drive them (touch drags go
// through the browser's own touch input, Input.dispatchTouchEvent, as Playwright's tap does):
// no fill(), no dispatched events. What a person does, the test does: drag the two sliders
// across their track, move them with the keys a range takes, and use every control of the
// settings drawer by keyboard alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, siteWith, openPage, assertNoProblems, frames, mouse, finger, READY_TIMEOUT, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite({ serve: false });

// The two sliders the study is about, and a drag across each: from 10 % to 90 % of the track.
const SLIDERS = ['quality', 'support'];
const DRAG = { from: 0.1, to: 0.9, moves: 8 };

// A blog post with a figure, and a course page with an embed, served beside the site.
const POST = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>a post</title><script type="module" src="js/dpo-sim.js"></script></head>
<body style="margin: 0 auto; max-width: 820px"><p>Some prose.</p>
<dpo-sim id="fig" preset="support" plots="landscape,signal" controls="quality,support"></dpo-sim>
<p>More prose.</p></body></html>`;
const COURSE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>a course</title></head><body style="margin: 0">
<iframe id="embed" src="index.html#embed=1&preset=support&controls=quality,support" width="800" height="500"
  style="border: 0" title="simulator"></iframe></body></html>`;

const hosted = siteWith({ 'post.html': POST, 'course.html': COURSE });

// ---------------------------------------------------------------- surfaces

/**
 * A simulator on screen: `scope` is the page or frame its script runs in, `host` its element
 * (null for a page); it finds a control, reads the settings, the step and the playing state,
 * and fingerprints its plots.
 */
function surface(scope, host = null, where = '') {
  const root = host ?? scope;
  const call = (method) => (host
    ? host.evaluate((e, m) => e[m](), method)
    : scope.evaluate((m) => window.dpoSim[m](), method));
  return {
    scope,
    control: (key) => root.locator(`#ctl-${key}`),
    // The control's focus path (see focused()): `where` names the host or frame.
    focusId: (key) => `${where}ctl-${key}`,
    settings: () => call('get'),
    step: async () => (await call('metrics')).step,
    playing: () => call('isPlaying'),
    // The scenario shown: the picker or the compact views' heading.
    scenario: () => root.locator('#embed-title').textContent(),
    plots: () => root.locator('#plots canvas').evaluateAll((canvases) => canvases.map((c) => {
      if (c.width === 0 || c.height === 0 || !c.checkVisibility()) return '';
      const data = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
      let hash = 0x811c9dc5;
      for (let i = 0; i < data.length; i += 7) hash = Math.imul(hash ^ data[i], 0x01000193);
      return (hash >>> 0).toString(16);
    }).join()),
  };
}


/**
 * Which element has keyboard focus, through shadow roots and same-origin iframes: its id, after
 * the ids of the hosts and frames on the way (`fig/ctl-quality`; a host without an id is named
 * by its nearest ancestor's).
 */
function focused(page) {
  return page.evaluate(() => {
    const path = [];
    let node = document.activeElement;
    for (;;) {
      const inner = node?.shadowRoot?.activeElement
        ?? (node instanceof HTMLIFrameElement ? node.contentDocument?.activeElement : null);
      if (!inner) return [...path, node?.id ?? null].join('/');
      path.push(node.closest('[id]')?.id ?? node.tagName.toLowerCase());
      node = inner;
    }
  });
}

/**
 * Presses Tab until the control with this id has focus (as a keyboard user gets there). The
 * limit covers the whole tour: past its last control Tab comes round to the first.
 */
async function tabTo(page, id, limit = 250) {
  for (let k = 0; k < limit; k++) {
    if (await focused(page) === id) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`#${id} not reached with ${limit} presses of Tab (focus on #${await focused(page)})`);
}

// ---------------------------------------------------------------- drags

/**
 * Drags the slider `key` from 10 % to 90 % of its track in 8 moves, reading its value and the
 * plots after each: it follows through at least 5 values, ends above 75 % of its range, and the
 * plots change while the pointer is still down.
 */
async function dragAcross(page, sim, key, pointer) {
  const slider = sim.control(key);
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const [min, max] = await slider.evaluate((input) => [Number(input.min), Number(input.max)]);
  const y = box.y + box.height / 2;
  const x = (share) => box.x + box.width * share;
  const plotsBefore = await sim.plots();
  await pointer.down(x(DRAG.from), y);
  const values = [];
  const plots = [];
  for (let k = 1; k <= DRAG.moves; k++) {
    await pointer.move(x(DRAG.from + ((DRAG.to - DRAG.from) * k) / DRAG.moves), y);
    await frames(sim.scope);
    values.push(Number((await sim.settings())[key]));
    plots.push(await sim.plots());
  }
  await pointer.up();
  await frames(sim.scope);
  const end = Number((await sim.settings())[key]);
  const distinct = new Set(values).size;
  assert.ok(distinct >= 5, `${key} follows the pointer: ${values.join(', ')}`);
  assert.ok(end > min + 0.75 * (max - min), `${key} ends above 75 % of its range: ${end}`);
  const drawn = new Set([plotsBefore, ...plots]).size;
  assert.ok(drawn >= 3, `the plots change during the drag of ${key}, not only at release (${drawn - 1} new pictures)`);
}

// ---------------------------------------------------------------- keys

/** What a native range does with `keys` from `value`, in a page of its own (the reference). */
async function nativeRange(context, { min, max, step, value }, keys) {
  const page = await context.newPage();
  await page.setContent(`<input id="r" type="range" min="${min}" max="${max}" step="${step}" value="${value}">`);
  await page.keyboard.press('Tab');
  for (const key of keys) await page.keyboard.press(key);
  const result = await page.locator('#r').inputValue();
  await page.close();
  return result;
}

/**
 * The keys of a range on the slider `key`: End, five ArrowLefts (five steps down, focus kept),
 * Home, PageUp and PageDown (as a native range does them), and no page shortcut on the way.
 */
async function keysOn(page, sim, key) {
  const slider = sim.control(key);
  const id = sim.focusId(key);
  await tabTo(page, id);
  const attrs = await slider.evaluate((i) => ({ min: i.min, max: i.max, step: i.step }));
  const position = () => slider.inputValue();
  const stepBefore = await sim.step();
  const scenario = await sim.scenario();

  await page.keyboard.press('End');
  assert.equal(await position(), await nativeRange(page.context(), { ...attrs, value: attrs.min }, ['End']), `End on ${key}`);
  const top = Number(await position());
  for (let k = 1; k <= 5; k++) {
    await page.keyboard.press('ArrowLeft');
    const at = Number(await position());
    assert.ok(Math.abs(at - (top - k * Number(attrs.step))) < 1e-9, `ArrowLeft ×${k} on ${key}: at ${at}, from ${top} by ${attrs.step}`);
    assert.equal(await focused(page), id, `focus stays on ${key} after ArrowLeft ×${k}`);
  }
  assert.equal(Number((await sim.settings())[key]), Number(await position()), `${key}'s setting follows its slider`);
  await page.keyboard.press('Home');
  assert.equal(await position(), attrs.min, `Home on ${key}`);
  for (const keys of [['PageUp'], ['PageUp', 'PageUp', 'PageDown']]) {
    const from = await position();
    for (const k of keys) await page.keyboard.press(k);
    const native = await nativeRange(page.context(), { ...attrs, value: from }, keys);
    assert.equal(await position(), native, `${keys.join(', ')} on ${key} as a native range`);
  }
  // Keys the page uses as shortcuts elsewhere belong to the focused slider.
  const settings = await sim.settings();
  for (const k of ['ArrowRight', 'ArrowUp', 'ArrowDown', ' ', '1', '3', 'r']) await page.keyboard.press(k);
  assert.equal(await sim.step(), stepBefore, `no step taken by keys on ${key}`);
  assert.equal(await sim.playing(), false, `Space on ${key} does not play`);
  assert.equal(await sim.scenario(), scenario, `number keys on ${key} load no scenario`);
  const after = await sim.settings();
  for (const other of Object.keys(settings).filter((k) => k !== key)) {
    assert.equal(after[other], settings[other], `keys on ${key} leave ${other} alone`);
  }
  assert.equal(await focused(page), id, `focus stays on ${key}`);
}

async function checkSliders(page, sim, pointer) {
  for (const key of SLIDERS) await dragAcross(page, sim, key, pointer);
  for (const key of SLIDERS) await keysOn(page, sim, key);
}

// ---------------------------------------------------------------- the surfaces

async function openPageAt(viewport, fragment, options = {}) {
  const opened = await openPage(env, { viewport, allowedOrigins: [hosted.server.origin], ...options });
  await opened.page.goto(`${hosted.server.url}index.html#${fragment}`);
  await opened.page.waitForFunction(() => window.dpoSimReady === true, null, { timeout: READY_TIMEOUT });
  return opened;
}

test('the page at 1280×720: both sliders drag with the mouse and take the keys of a range', async () => {
  const { page, problems } = await openPageAt({ width: 1280, height: 720 }, 'preset=support');
  const sim = surface(page);
  // Drag, then keys: the sliders' boxes never leave the page while they are used.
  await page.evaluate(() => {
    window.__moved = 0;
    new MutationObserver((records) => {
      for (const r of records) window.__moved += [...r.removedNodes, ...r.addedNodes].filter((n) => n.nodeType === 1).length;
    }).observe(document.getElementById('stage'), { childList: true, subtree: true });
  });
  await checkSliders(page, sim, mouse(page));
  assert.equal(await page.evaluate(() => window.__moved), 0, 'no element of the stage was removed, re-created or moved');
  assertNoProblems(problems);
});

test('the page on a 390×844 phone: both sliders drag with a finger', async () => {
  const { page, problems } = await openPageAt({ width: 390, height: 844 }, 'preset=support', { touch: true });
  await checkSliders(page, surface(page), await finger(page));
  assertNoProblems(problems);
});

test('talk mode at 1280×720: the sliders drag, and the number keys on a slider load no scenario', async () => {
  const { page, problems } = await openPageAt({ width: 1280, height: 720 }, 'preset=support&talk=1');
  const sim = { ...surface(page), scenario: () => page.locator('#talk-title').textContent() };
  await checkSliders(page, sim, mouse(page));
  // Away from the controls the number keys are talk mode's scenario keys.
  await page.keyboard.press('Escape');
  await page.mouse.click(5, 5);
  await page.keyboard.press('2');
  await page.waitForFunction(() => /^2\./.test(document.getElementById('talk-title').textContent), null, { timeout: WAIT_TIMEOUT });
  assertNoProblems(problems);
});

test('an 800×500 iframe embed with controls=quality,support: the sliders drag and take keys', async () => {
  const { page, problems } = await openPage(env, { viewport: { width: 1000, height: 700 }, allowedOrigins: [hosted.server.origin] });
  await page.goto(`${hosted.server.url}course.html`);
  const frame = await (await page.waitForSelector('#embed')).contentFrame();
  await frame.waitForFunction(() => window.dpoSimReady === true, null, { timeout: READY_TIMEOUT });
  await checkSliders(page, surface(frame, null, 'embed/'), mouse(page));
  assertNoProblems(problems);
});

test('the <dpo-sim> element in prose: the sliders drag and take keys', async () => {
  const { page, problems } = await openPage(env, { viewport: { width: 1000, height: 900 }, allowedOrigins: [hosted.server.origin] });
  await page.goto(`${hosted.server.url}post.html`);
  await page.waitForFunction(() => document.getElementById('fig')?.api, null, { timeout: READY_TIMEOUT });
  await checkSliders(page, surface(page, page.locator('#fig'), 'fig/'), mouse(page));
  assertNoProblems(problems);
});

test('a tour figure: the sliders drag and take keys', async () => {
  const { page, problems } = await openPage(env, {
    viewport: { width: 1280, height: 900 }, allowedOrigins: [hosted.server.origin], reducedMotion: 'reduce',
  });
  await page.goto(`${hosted.server.url}tour.html#support`);
  await page.waitForFunction(() => document.getElementById('support')?.dataset.autorun === 'skipped', null, { timeout: READY_TIMEOUT });
  const host = page.locator('#support dpo-sim');
  await checkSliders(page, surface(page, host, 'support/'), mouse(page));
  assertNoProblems(problems);
});

test('every control of the settings drawer works by keyboard alone and keeps focus', async () => {
  const { page, problems } = await openPageAt({ width: 1280, height: 720 }, '');
  const sim = surface(page);
  await tabTo(page, 'open-settings');
  await page.keyboard.press('Enter');
  await page.locator('#settings-panel').waitFor({ state: 'visible', timeout: WAIT_TIMEOUT });
  // The drawer's controls come from the settings table: one per key the core reports.
  const ids = await page.locator('#groups [id^="ctl-"]').evaluateAll((list) => list.map((c) => c.id));
  const keys = Object.keys(await sim.settings()).filter((k) => !['quality', 'support'].includes(k));
  assert.deepEqual(ids.map((id) => id.slice(4)).sort(), [...keys].sort(), 'the drawer holds every other setting');
  let skipped = 0;
  for (const id of ids) {
    const key = id.slice(4);
    const control = page.locator(`#${id}`);
    // A setting that does not apply now is disabled with its reason shown (the core's list).
    const unused = await control.evaluate((c) => (c.disabled ? c.closest('.control').querySelector('.why').textContent : null));
    if (unused !== null) {
      assert.match(unused, /^Not used: .+\.$/, `${key} says why it is disabled`);
      skipped += 1;
      continue;
    }
    await tabTo(page, id);
    const before = (await sim.settings())[key];
    const kind = await control.evaluate((c) => (c.tagName === 'SELECT' ? 'select' : c.type));
    const atEnd = await control.evaluate((c) => (c.tagName === 'SELECT'
      ? c.selectedIndex === c.options.length - 1
      : c.type === 'range' && Number(c.value) >= Number(c.max)));
    if (kind === 'checkbox') await page.keyboard.press(' ');
    else if (kind === 'number') await page.keyboard.press('ArrowUp');
    else await page.keyboard.press(atEnd ? 'ArrowLeft' : 'ArrowRight');
    await page.waitForFunction(([k, old]) => window.dpoSim.get()[k] !== old, [key, before], { timeout: WAIT_TIMEOUT })
      .catch(() => assert.fail(`${key} did not change by keyboard (still ${before})`));
    assert.equal(await focused(page), id, `focus stays on ${key}`);
  }
  assert.ok(skipped < ids.length / 2, `most controls apply at the defaults (${skipped} of ${ids.length} do not)`);
  assertNoProblems(problems);
});

test('a setting that does not apply is disabled where it is, says why, and comes back by keyboard', async () => {
  const { page, problems } = await openPageAt({ width: 1280, height: 720 }, '');
  const quality = page.locator('#ctl-quality');
  const why = page.locator('#why-quality');
  assert.equal(await quality.isDisabled(), false, 'quality applies to the default pairs');
  assert.equal(await why.isVisible(), false);
  await tabTo(page, 'open-settings');
  await page.keyboard.press('Enter');
  await page.locator('#settings-panel').waitFor({ state: 'visible', timeout: WAIT_TIMEOUT });
  await tabTo(page, 'ctl-design');
  // The keys a select takes, until Mix-P: the quality slider on the stage is then disabled.
  for (let k = 0; k < 12 && (await page.evaluate(() => window.dpoSim.get().design)) !== 'mixp'; k++) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.evaluate(() => window.dpoSim.get().design), 'mixp');
  assert.equal(await focused(page), 'ctl-design', 'the select keeps focus');
  await page.waitForFunction(() => document.getElementById('ctl-quality').disabled, null, { timeout: WAIT_TIMEOUT });
  assert.match(await why.textContent(), /^Not used: Mix-R and Mix-P pairs ignore quality/);
  assert.ok(await why.isVisible(), 'the reason shows under the slider');
  const described = await quality.getAttribute('aria-describedby');
  assert.ok(described.split(' ').includes('why-quality'), 'a screen reader hears the reason with the slider');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => !document.getElementById('ctl-quality').disabled, null, { timeout: WAIT_TIMEOUT });
  assert.equal(await why.isVisible(), false, 'the reason goes with it');
  assertNoProblems(problems);
});

test('the scenario picker loads by keyboard and keeps focus; buttons keep focus after Space and Enter', async () => {
  const { page, problems } = await openPageAt({ width: 1280, height: 720 }, 'preset=support');
  const sim = surface(page);
  await tabTo(page, 'preset');
  await page.keyboard.press('ArrowDown');
  const browsed = await page.locator('#preset').inputValue();
  assert.notEqual(browsed, 'support', 'the arrow browses to the next scenario');
  assert.match(page.url(), /preset=support/, 'browsing alone loads nothing');
  await page.keyboard.press('Enter');
  await page.waitForFunction((key) => location.hash.includes(`preset=${key}&`), browsed, { timeout: WAIT_TIMEOUT });
  assert.equal(await focused(page), 'preset', 'the picker keeps focus after Enter');

  await tabTo(page, 'play');
  await page.keyboard.press(' ');
  assert.equal(await sim.playing(), true, 'Space on Play plays');
  assert.equal(await focused(page), 'play', 'Play keeps focus after Space');
  await page.keyboard.press('Enter');
  assert.equal(await sim.playing(), false, 'Enter on Pause pauses');
  assert.equal(await focused(page), 'play', 'Play keeps focus after Enter');
  await tabTo(page, 'step');
  const step = await sim.step();
  await page.keyboard.press('Enter');
  assert.equal(await sim.step(), step + 1, 'Enter on Step steps once');
  assert.equal(await focused(page), 'step', 'Step keeps focus');
  await tabTo(page, 'reset');
  await page.keyboard.press(' ');
  assert.equal(await sim.step(), 0, 'Space on Reset resets');
  assert.equal(await focused(page), 'reset', 'Reset keeps focus');
  assertNoProblems(problems);
});
