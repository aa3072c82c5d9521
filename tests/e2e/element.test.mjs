// The <dpo-sim> element: a host page with two elements from one script tag draws
// both, keeps their settings apart and downloads the wasm once; an element off screen does not
// advance and goes on when it returns; attributes apply, also when changed; the one-file tour
// works from file://; and an embedded page follows reveal.js's slide:stop / slide:start.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  suite, siteWith, openPage, assertNoProblems, DIST, READY_TIMEOUT, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();

// A blog post: prose, two figures near the top, one far below.
const HOST = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>a post</title>
<script type="module" src="js/dpo-sim.js"></script></head>
<body style="margin: 0 auto; max-width: 820px">
<p>Some prose.</p>
<dpo-sim id="a" preset="quality" plots="landscape,signal" controls="quality,support" steps="40" autoplay></dpo-sim>
<p>More prose.</p>
<dpo-sim id="b" preset="support" plots="map" controls="support"></dpo-sim>
<div style="height: 3000px"></div>
<dpo-sim id="c" preset="online" plots="curves" autoplay></dpo-sim>
</body></html>`;

// The static site plus the host page, served together as a blog would host both.
const hosted = siteWith({ 'post.html': HOST });

/** Opens the post; resolves once every element has announced dpo-sim-ready. */
async function openPost(viewport = { width: 900, height: 900 }) {
  const opened = await openPage(env, { viewport, allowedOrigins: [hosted.server.origin] });
  await opened.page.goto(`${hosted.server.url}post.html`);
  await opened.page.waitForFunction(() => [...document.querySelectorAll('dpo-sim')].every((e) => e.api), null, { timeout: READY_TIMEOUT });
  return opened;
}

const step = (page, id) => page.evaluate((i) => document.getElementById(i).metrics().step, id);

/** Distinct colours drawn on an element's canvas (shadow DOM). */
function colours(page, id, canvas) {
  return page.evaluate(([i, c]) => {
    const source = document.getElementById(i).shadowRoot.getElementById(c);
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const ctx = copy.getContext('2d');
    ctx.drawImage(source, 0, 0);
    const data = new Uint32Array(ctx.getImageData(0, 0, copy.width, copy.height).data.buffer);
    return new Set(data).size;
  }, [id, canvas]);
}

test('two elements from one script tag: both draw their plots, keep their own settings, and share one wasm download', async () => {
  const { page, problems } = await openPost();
  // The first plays its 40-step story when in view and stops there.
  await page.waitForFunction(() => document.getElementById('a').metrics().step === 40, null, { timeout: WAIT_TIMEOUT });
  assert.equal(await page.evaluate(() => document.getElementById('a').isPlaying()), false, 'paused at its story length');
  for (const [id, canvases] of [['a', ['landscape', 'signal']], ['b', ['map']]]) {
    const shown = await page.evaluate((i) => [...document.getElementById(i).shadowRoot.querySelectorAll('figure:not([hidden]) canvas')].map((c) => c.id), id);
    assert.deepEqual(shown.sort(), [...canvases].sort(), `${id} shows ${canvases}`);
    for (const c of canvases) assert.ok((await colours(page, id, c)) > 20, `${id}: ${c} is drawn`);
  }
  // Attributes applied: presets and their settings, the sliders asked for.
  const a = await page.evaluate(() => document.getElementById('a').get());
  const b = await page.evaluate(() => document.getElementById('b').get());
  assert.equal(a.quality, '1');
  assert.equal(b.support, '0.3');
  const sliders = (id) => page.evaluate((i) => [...document.getElementById(i).shadowRoot.querySelectorAll('#prominent input')].map((s) => s.id), id);
  assert.deepEqual(await sliders('a'), ['ctl-quality', 'ctl-support']);
  assert.deepEqual(await sliders('b'), ['ctl-support']);
  // Settings of one do not touch the other.
  await page.evaluate(() => document.getElementById('b').set({ quality: 0.25 }));
  assert.equal((await page.evaluate(() => document.getElementById('b').get())).quality, '0.25');
  assert.equal((await page.evaluate(() => document.getElementById('a').get())).quality, '1');
  assert.equal(await step(page, 'b'), 0, 'b never played');
  // One wasm module for the page: fetched once, however many elements.
  const wasm = problems.requests.filter((url) => url.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `the wasm was requested once (${wasm.join(', ')})`);
  assertNoProblems(problems);
});

test('an element off screen does not advance, and goes on when it returns', async () => {
  const { page, problems } = await openPost();
  assert.equal(await step(page, 'c'), 0, 'c (autoplay, far below) has not started');
  await page.evaluate(() => document.getElementById('c').scrollIntoView());
  await page.waitForFunction(() => document.getElementById('c').metrics().step > 5, null, { timeout: WAIT_TIMEOUT });
  // Scrolled away while playing: it holds its step.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  const away = await step(page, 'c');
  await page.waitForTimeout(1000);
  assert.equal(await step(page, 'c'), away, 'no steps while off screen');
  assert.equal(await page.evaluate(() => document.getElementById('c').isPlaying()), true, 'still playing, waiting to be seen');
  await page.evaluate(() => document.getElementById('c').scrollIntoView());
  await page.waitForFunction((n) => document.getElementById('c').metrics().step > n + 3, away, { timeout: WAIT_TIMEOUT });
  assertNoProblems(problems);
});

test('changing an attribute applies it; a bad one is said in the element, the page unharmed', async () => {
  const { page, problems } = await openPost();
  const events = await page.evaluate(() => {
    const b = document.getElementById('b');
    window.__steps = 0;
    b.addEventListener('dpo-sim-step', () => { window.__steps += 1; });
    b.setAttribute('quality', '0.75');
    b.setAttribute('plots', 'curves,signal');
    b.step(3);
    return { quality: b.get().quality, step: b.metrics().step, steps: window.__steps };
  });
  assert.deepEqual(events, { quality: '0.75', step: 3, steps: 1 });
  await page.waitForFunction(() => [...document.getElementById('b').shadowRoot.querySelectorAll('figure:not([hidden]) canvas')].map((c) => c.id).join() === 'curves,signal'
    || [...document.getElementById('b').shadowRoot.querySelectorAll('figure:not([hidden]) canvas')].map((c) => c.id).join() === 'signal,curves', null, { timeout: WAIT_TIMEOUT });
  // A setting the core refuses: the element says so in its own banner and keeps its run.
  const refused = await page.evaluate(() => {
    const b = document.getElementById('b');
    b.setAttribute('quality', '7');
    const banner = b.shadowRoot.getElementById('error-banner');
    return { text: banner.textContent, hidden: banner.hidden, quality: b.get().quality };
  });
  assert.match(refused.text, /quality = '7' is not allowed/);
  assert.equal(refused.hidden, false);
  assert.equal(refused.quality, '0.75');
  // The heading: the author's words, as text; without it, the scenario's title again.
  const headings = await page.evaluate(() => {
    const b = document.getElementById('b');
    const title = () => b.shadowRoot.getElementById('embed-title');
    b.setAttribute('heading', 'Figure 2 <i>live</i>');
    const own = { text: title().textContent, markup: title().children.length };
    b.removeAttribute('heading');
    return { own, back: title().textContent };
  });
  assert.deepEqual(headings.own, { text: 'Figure 2 <i>live</i>', markup: 0 });
  assert.equal(headings.back, 'Support limits what DPO can learn');
  // A model change restarts the run (a world or model setting).
  assert.equal(await page.evaluate(() => {
    const b = document.getElementById('b');
    b.setAttribute('quality', '0.5');
    b.setAttribute('model', 'linear');
    return b.metrics().step;
  }), 0);
  assertNoProblems(problems);
});

test('the one-file tour works opened from disk: every figure loads, plays and draws', async () => {
  const opened = await openPage(env, { viewport: { width: 1400, height: 900 }, allowedOrigins: ['file://'] });
  const { page, problems } = opened;
  await page.goto(pathToFileURL(join(DIST, 'tour-standalone.html')).href);
  await page.waitForFunction(() => document.documentElement.dataset.tour === 'ready', null, { timeout: READY_TIMEOUT });
  const ids = await page.evaluate(() => [...document.querySelectorAll('section.chapter')].map((s) => s.id));
  for (const id of ids) {
    await page.evaluate((i) => document.getElementById(i).scrollIntoView(), id);
    await page.waitForFunction((i) => document.getElementById(i).dataset.autorun === 'done' && document.getElementById(i).dataset.state === 'ready', id, { timeout: 90_000 });
    const drawn = await page.evaluate((i) => {
      const element = document.querySelector(`#${i} dpo-sim`);
      return [...element.shadowRoot.querySelectorAll('figure:not([hidden]) canvas')].map((c) => c.width > 0 && c.height > 0);
    }, id);
    assert.ok(drawn.length >= 1 && drawn.every(Boolean), `${id}: its figure's plots are drawn`);
    for (const canvas of await page.evaluate((i) => [...document.querySelector(`#${i} dpo-sim`).shadowRoot.querySelectorAll('figure:not([hidden]) canvas')].map((c) => c.id), id)) {
      assert.ok(await page.evaluate(([i, c]) => {
        const source = document.querySelector(`#${i} dpo-sim`).shadowRoot.getElementById(c);
        const copy = document.createElement('canvas');
        copy.width = source.width;
        copy.height = source.height;
        copy.getContext('2d').drawImage(source, 0, 0);
        return new Set(new Uint32Array(copy.getContext('2d').getImageData(0, 0, copy.width, copy.height).data.buffer)).size > 20;
      }, [id, canvas]), `${id}: ${canvas} has a picture`);
    }
  }
  // Its links lead to the one-file simulator, not to a page that cannot run from disk.
  assert.match(await page.getAttribute('#quality .open-full', 'href'), /^dpo-sim-standalone\.html#/);
  assertNoProblems(problems);
});

test('an embedded page pauses on slide:stop and plays again on slide:start if it was playing', async () => {
  const opened = await openPage(env, { allowedOrigins: [env.server.origin] });
  const { page, problems } = opened;
  await page.goto(`${env.server.url}#embed=1&preset=quality`);
  await page.waitForFunction(() => window.dpoSimReady === true, null, { timeout: READY_TIMEOUT });
  const post = (message) => page.evaluate((m) => window.postMessage(m, '*'), message);
  await page.evaluate(() => window.dpoSim.play());
  await post('slide:stop');
  await page.waitForFunction(() => !window.dpoSim.isPlaying(), null, { timeout: WAIT_TIMEOUT });
  const held = await page.evaluate(() => window.dpoSim.metrics().step);
  await page.waitForTimeout(400);
  assert.equal(await page.evaluate(() => window.dpoSim.metrics().step), held, 'left slide: no steps');
  await post('slide:start');
  await page.waitForFunction(() => window.dpoSim.isPlaying(), null, { timeout: WAIT_TIMEOUT });
  // Paused before the slide was left: showing it again does not start it.
  await page.evaluate(() => window.dpoSim.pause());
  await post('slide:stop');
  await post('slide:start');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.dpoSim.isPlaying()), false);
  assertNoProblems(problems);
});
