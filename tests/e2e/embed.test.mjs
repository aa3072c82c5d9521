// Embed mode: the compact layout works, fits its iframe from 480 x 360 up with no inner
// scrolling (showing the scenario's title and the plots and controls the address names), tells
// its parent its natural height, and a parent page drives it by postMessage.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  suite, openSim, openPage, startServer, assertNoProblems, assertPlotsDrawn, settle, api, scenarioPlots, PLOTS, COMPACT_PLOTS,
  READY_TIMEOUT, WAIT_TIMEOUT,
} from './helpers.mjs';

const t_log = (text) => console.log(text);

const env = suite();

// The parent lives on a second server, so the simulator is embedded cross-origin as on a blog.
const PARENT = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>embedding page</title>
<iframe id="sim" width="900" height="700"></iframe>
<div id="below" style="height: 3000px">Text below the embed.</div>
<script>
  window.replies = [];
  window.sizes = [];
  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'dpo-sim-reply') window.replies.push(event.data);
    if (event.data && event.data.type === 'dpo-sim-size') window.sizes.push(event.data.height);
  });
  window.send = (message) => document.getElementById('sim').contentWindow.postMessage(message, '*');
</script>`;

let parentDir;
let parentServer;
before(async () => {
  parentDir = await mkdtemp(join(tmpdir(), 'dpo-e2e-parent-'));
  await writeFile(join(parentDir, 'parent.html'), PARENT);
  parentServer = await startServer(parentDir);
});
after(async () => {
  parentServer?.stop();
  if (parentDir) await rm(parentDir, { recursive: true, force: true });
});

/**
 * Opens the parent page with the simulator in its iframe at `fragment`, the iframe `size` CSS px
 * (900 x 700 unless given); returns page and frame.
 */
async function embedded(fragment, size = { width: 900, height: 700 }) {
  const opened = await openPage(env, { allowedOrigins: [env.server.origin, parentServer.origin] });
  await opened.page.goto(`${parentServer.url}parent.html`);
  await opened.page.evaluate(([src, { width, height }]) => {
    const frame = document.getElementById('sim');
    frame.width = width;
    frame.height = height;
    frame.src = src;
  }, [`${env.server.url}#${fragment}`, size]);
  const frame = await (await opened.page.waitForSelector('#sim')).contentFrame();
  await frame.waitForFunction(() => window.dpoSimReady === true, null, { timeout: READY_TIMEOUT });
  return { ...opened, frame };
}

function send(page, message) {
  return page.evaluate((m) => window.send(m), message);
}

function waitForReply(page, id) {
  return page.waitForFunction((want) => window.replies.find((r) => r.id === want), id, { timeout: WAIT_TIMEOUT })
    .then((handle) => handle.jsonValue());
}

test('#embed=1 loads the compact layout with the default plots, the two main sliders and the API', async () => {
  const { page, problems } = await openSim(env, 'embed=1');
  await assertPlotsDrawn(page, COMPACT_PLOTS);
  for (const id of [...COMPACT_PLOTS.map((p) => `#${p}`), '#ctl-quality', '#ctl-support', '#play', '#step', '#reset', '#speed']) {
    assert.equal(await page.locator(id).isVisible(), true, `${id} visible in embed mode`);
  }
  for (const id of PLOTS.filter((p) => !COMPACT_PLOTS.includes(p))) {
    assert.equal(await page.locator(`#${id}`).isVisible(), false, `#${id} not shown unless plots= names it`);
  }
  assert.equal(await page.locator('#ctl-seed').isVisible(), false, 'secondary controls hidden in embed mode');
  assert.equal((await api(page, 'step', 2)).step, 2);
  assertNoProblems(problems);
});

test('a parent page drives the embedded simulator by postMessage; wrong shapes are ignored', async () => {
  const { page, frame, problems } = await embedded('embed=1');
  await send(page, { type: 'dpo-sim', id: 1, method: 'step', args: [3] });
  const reply = await waitForReply(page, 1);
  assert.equal(reply.type, 'dpo-sim-reply');
  assert.equal(reply.error, undefined);
  assert.equal(reply.result.step, 3);
  assert.equal(await frame.evaluate(() => window.dpoSim.metrics().step), 3);

  // Wrong shapes: no reply, no effect. The valid message after them proves they were handled.
  await send(page, { type: 'other', id: 2, method: 'step', args: [1] });
  await send(page, { id: 3, method: 'step', args: [1] });
  await send(page, 'step');
  await send(page, null);
  await send(page, { type: 'dpo-sim', id: 4, method: 'metrics', args: [] });
  const metrics = await waitForReply(page, 4);
  assert.equal(metrics.result.step, 3, 'ignored messages did not step');
  const ids = await page.evaluate(() => window.replies.map((r) => r.id));
  assert.deepEqual(ids, [1, 4], 'only well-formed messages got replies');

  await send(page, { type: 'dpo-sim', id: 5, method: 'set', args: [{ quality: '7' }] });
  const refused = await waitForReply(page, 5);
  assert.match(String(refused.error), /quality/, 'a refused call replies with an error');
  assert.equal(refused.result, undefined);
  assertNoProblems(problems);
});

test('an unknown method gets an error reply naming it and the known ones; a sweep is answered when it resolves', async () => {
  const { page, problems } = await embedded('embed=1');
  await send(page, { type: 'dpo-sim', id: 'u1', method: 'bogus', args: [] });
  const unknown = await waitForReply(page, 'u1');
  assert.equal(unknown.result, undefined);
  assert.match(unknown.error, /^unknown method 'bogus' \(known: get, set, step, play, pause, reset, presets, preset, .*\bsweep\b.*\)$/);
  await send(page, { type: 'dpo-sim', id: 's1', method: 'sweep', args: [{ over: 'quality', values: [0, 1], steps: 5 }] });
  const swept = await waitForReply(page, 's1');
  assert.equal(swept.error, undefined, String(swept.error));
  assert.deepEqual(swept.result.map((row) => [row.quality, row.step]), [['0', 5], ['1', 5]], 'the rows, not a pending Promise');
  await send(page, { type: 'dpo-sim', id: 's2', method: 'sweep', args: [{ over: 'bogus', values: [1], steps: 5 }] });
  assert.match((await waitForReply(page, 's2')).error, /bogus/, 'a refused sweep replies with its error');
  assertNoProblems(problems);
});

/** In the frame: its size, its content's size, and the boxes of `selectors` (null when not displayed). */
function layout(frame, selectors) {
  return frame.evaluate((list) => ({
    inner: [window.innerWidth, window.innerHeight],
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight, document.body.scrollHeight],
    overflow: getComputedStyle(document.documentElement).overflow,
    boxes: Object.fromEntries(list.map((s) => {
      const node = document.querySelector(s);
      if (!node || node.getClientRects().length === 0) return [s, null];
      const r = node.getBoundingClientRect();
      return [s, { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height }];
    })),
  }), selectors);
}

/** Asserts the embed at `size` fits: no inner scrolling, `shown` wholly inside, `hidden` not displayed. */
async function assertFits(frame, size, shown, hidden = []) {
  const seen = await layout(frame, [...shown, ...hidden]);
  const label = `${size.width} x ${size.height}`;
  assert.deepEqual(seen.inner, [size.width, size.height], `${label}: the frame's window`);
  assert.ok(seen.scroll[0] <= size.width && seen.scroll[1] <= size.height && seen.scroll[2] <= size.height,
    `${label}: no inner scrolling (content ${seen.scroll.join(' x ')})`);
  assert.equal(seen.overflow, 'hidden', `${label}: html overflow hidden`);
  for (const s of shown) {
    const b = seen.boxes[s];
    assert.ok(b && b.width > 0 && b.height > 0, `${label}: ${s} is shown`);
    assert.ok(b.left >= 0 && b.top >= 0 && b.right <= size.width + 0.5 && b.bottom <= size.height + 0.5, `${label}: ${s} is inside (${JSON.stringify(b)})`);
  }
  for (const s of hidden) assert.equal(seen.boxes[s], null, `${label}: ${s} is not shown`);
  return seen;
}

for (const size of [{ width: 800, height: 500 }, { width: 600, height: 450 }]) {
  test(`an embed at ${size.width} x ${size.height} fits its iframe with the scenario's title, its story and both its plots`, async () => {
    const { page, frame, problems } = await embedded('embed=1&preset=quality', size);
    const plots = await scenarioPlots(frame, 'quality');
    await settle(frame, plots);
    await assertPlotsDrawn(frame, plots);
    const seen = await assertFits(frame, size,
      ['#embed-title', '#embed-summary', '#story-toggle', '#story-end', '#ctl-quality', '#ctl-support', '#play', '#step', '#reset', '#speed',
        ...plots.map((p) => `#${p}`)],
      ['.site-header', '#preset', '#readout', ...PLOTS.filter((p) => !plots.includes(p)).map((p) => `#${p}`)]);
    assert.equal(await frame.locator('#embed-title').textContent(), 'Quality amplifies the gradient signal');
    assert.notEqual((await frame.locator('#embed-summary').textContent()).trim(), '', 'the one-line story');
    for (const p of plots) {
      const figure = await frame.locator(`figure[data-chart="${p}"]`).boundingBox();
      assert.ok(figure.width >= 270 && figure.height >= 215, `#${p}'s figure has room: ${figure.width.toFixed(0)} x ${figure.height.toFixed(0)}`);
    }
    // The frame tells its parent the height its plots would like at this width.
    const sizes = await page.waitForFunction(() => window.sizes.length > 0 && window.sizes, null, { timeout: WAIT_TIMEOUT }).then((h) => h.jsonValue());
    const natural = sizes.at(-1);
    assert.ok(Number.isInteger(natural) && natural > 200 && natural < 2000, `natural height ${natural}`);
    t_log(`${size.width} x ${size.height}: content ${seen.scroll.join(' x ')}, natural height ${natural}`);
    // The reader's scroll wheel over the embed scrolls the page around it.
    await page.mouse.move(size.width / 2, size.height / 2);
    await page.mouse.wheel(0, 400);
    await page.waitForFunction(() => window.scrollY > 0, null, { timeout: WAIT_TIMEOUT });
    assert.equal(await frame.evaluate(() => [window.scrollY, document.scrollingElement.scrollTop].join()), '0,0', 'the embed itself did not scroll');
    assertNoProblems(problems);
  });
}

test('an embed sized to the natural height it asks for fits, shows its plots and asks for the same height again', async () => {
  const first = await embedded('embed=1&preset=quality', { width: 700, height: 400 });
  const natural = await first.page.waitForFunction(() => window.sizes.length > 0 && window.sizes.at(-1), null, { timeout: WAIT_TIMEOUT })
    .then((h) => h.jsonValue());
  const size = { width: 700, height: natural };
  const { page, frame, problems } = await embedded('embed=1&preset=quality', size);
  const plots = await scenarioPlots(frame, 'quality');
  await settle(frame, plots);
  await assertFits(frame, size, ['#embed-title', ...plots.map((p) => `#${p}`)]);
  // The auto-resize script would loop if the height asked for depended on the height given.
  const again = await page.waitForFunction(() => window.sizes.length > 0 && window.sizes.at(-1), null, { timeout: WAIT_TIMEOUT })
    .then((h) => h.jsonValue());
  assert.ok(Math.abs(again - natural) <= 1, `asked for ${natural}, then ${again}`);
  assertNoProblems(first.problems);
  assertNoProblems(problems);
});

test('plots=map,curves&controls=quality,online shows those plots and sliders, and only those', async () => {
  const size = { width: 800, height: 500 };
  const { frame, problems } = await embedded('embed=1&preset=online&plots=map,curves&controls=quality,online', size);
  await settle(frame, ['map', 'curves']);
  await assertPlotsDrawn(frame, ['map', 'curves']);
  await assertFits(frame, size, ['#embed-title', '#map', '#curves', '#ctl-quality', '#ctl-online', '#play'],
    ['#landscape', '#signal', '#convergence', '#ctl-support', '#ctl-seed']);
  // In the order asked: the map before the curves.
  const seen = await layout(frame, ['#map', '#curves']);
  assert.ok(seen.boxes['#map'].left < seen.boxes['#curves'].left || seen.boxes['#map'].top < seen.boxes['#curves'].top, 'the map comes first');
  assertNoProblems(problems);
});

test('a 480 x 360 embed shows the title, a row of controls and at least one plot, without scrolling', async () => {
  const size = { width: 480, height: 360 };
  const { frame, problems } = await embedded('embed=1&preset=quality', size);
  const shownPlots = await frame.evaluate(() => [...document.querySelectorAll('#plots canvas')].filter((c) => c.getClientRects().length > 0).map((c) => c.id));
  assert.ok(shownPlots.length >= 1, `plots shown: ${shownPlots.join(', ')}`);
  await settle(frame, shownPlots);
  await assertPlotsDrawn(frame, shownPlots);
  await assertFits(frame, size, ['#embed-title', '#story-toggle', '#ctl-quality', '#play', ...shownPlots.map((p) => `#${p}`)], ['#embed-summary']);
  assert.equal(shownPlots[0], (await scenarioPlots(frame, 'quality'))[0], 'the scenario\'s first plot comes first');
  assertNoProblems(problems);
});

test('an embed of custom settings is headed "Custom settings" and names what differs from the defaults', async () => {
  const size = { width: 800, height: 500 };
  const { frame, problems } = await embedded('embed=1&quality=0.8&support=0.5', size);
  await assertFits(frame, size, ['#embed-title', '#embed-summary', ...COMPACT_PLOTS.map((p) => `#${p}`)]);
  assert.equal(await frame.locator('#embed-title').textContent(), 'Custom settings');
  assert.equal(await frame.locator('#embed-summary').textContent(), 'Sampling quality q 0.8, Support c 0.5; the rest at their defaults.');
  assertNoProblems(problems);
});

test('the share dialog\'s heading goes into the snippet, and the embed shows it as text above the scenario\'s summary', async () => {
  const { page, problems } = await openSim(env, 'preset=support', { viewport: { width: 1280, height: 720 } });
  await page.click('#open-share');
  const heading = 'Week 3: a narrow support <b>';
  await page.fill('#embed-heading', heading);
  const snippet = await page.inputValue('#share-embed');
  const src = /<iframe src="([^"]+)"/.exec(snippet)?.[1];
  assert.ok(src?.includes(`title=${encodeURIComponent(heading)}`), `the snippet carries the heading: ${src}`);
  const size = { width: 800, height: 500 };
  const { frame, problems: inner } = await embedded(src.split('#')[1], size);
  await assertFits(frame, size, ['#embed-title', '#embed-summary']);
  assert.equal(await frame.locator('#embed-title').textContent(), heading, 'the heading, as text');
  assert.equal(await frame.locator('#embed-title b').count(), 0, 'no markup from the link');
  assert.match(await frame.locator('#embed-summary').textContent(), /narrow support/i, "the scenario's summary stays");
  assert.ok((await frame.evaluate(() => location.hash)).includes('title='), 'the heading stays in the address');
  assertNoProblems(problems);
  assertNoProblems(inner);
});

test('with origin=<o> in the fragment, messages from other origins are ignored', async () => {
  const allowed = await embedded(`embed=1&origin=${encodeURIComponent(parentServer.origin)}`);
  await send(allowed.page, { type: 'dpo-sim', id: 1, method: 'step', args: [2] });
  assert.equal((await waitForReply(allowed.page, 1)).result.step, 2, 'the named origin is answered');

  const other = await embedded(`embed=1&origin=${encodeURIComponent(env.server.origin)}`);
  await send(other.page, { type: 'dpo-sim', id: 1, method: 'step', args: [2] });
  // A message that is ignored leaves no trace to wait for: give it a few frames to arrive.
  await other.frame.waitForTimeout(500);
  assert.equal(await other.frame.evaluate(() => window.dpoSim.metrics().step), 0, 'the other origin did not step');
  assert.deepEqual(await other.page.evaluate(() => window.replies), []);
  assertNoProblems(allowed.problems);
  assertNoProblems(other.problems);
});
