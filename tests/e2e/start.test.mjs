// Where the linear model's training starts: theta0= in the address and the API, the ring θ₀
// dragged on the landscape with the mouse and with a finger (the plot holds still under it),
// and moved by keys with the landscape focused. Only real input drives it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  suite, siteWith, openSim, openPage, assertNoProblems, api, apiError, textOf, settle, frames, mouse, finger,
  WAIT_TIMEOUT, READY_TIMEOUT,
} from './helpers.mjs';

const env = suite();

// A post with a figure whose landscape is shown, served beside the site.
const POST = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>a post</title><script type="module" src="js/dpo-sim.js"></script></head>
<body style="margin: 0 auto; max-width: 820px"><p>Some prose.</p>
<dpo-sim id="fig" theta0="1,-1" plots="landscape" controls="quality,support"></dpo-sim>
<p>More prose.</p></body></html>`;

const hosted = siteWith({ 'post.html': POST });

/** The page's simulator, or the element `host` (a selector) on it: its document root and its API. */
const sim = (page, host = null) => ({
  page,
  host,
  call: (method, ...args) => (host
    ? page.evaluate(([h, m, a]) => document.querySelector(h)[m](...a), [host, method, args])
    : api(page, method, ...args)),
});

/** The path's colour: the start's ring is drawn in it (at step 0 there is no path yet). */
const RING = [230, 159, 0];

/**
 * The centre of the ring θ₀ on the landscape (CSS px in the canvas), or null: its colour's
 * pixels within 30 px of `near`, else the lowest of them (the legend above has the colour too).
 */
const ringCentre = (target, near = null) => target.page.evaluate(([[r, g, b], near, host]) => {
  const canvas = (host ? document.querySelector(host).shadowRoot : document).getElementById('landscape');
  const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const k = canvas.clientWidth / width;
  const hits = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      if (data[i] === r && data[i + 1] === g && data[i + 2] === b) hits.push([x * k, y * k]);
    }
  }
  const lowest = Math.max(...hits.map(([, y]) => y));
  const ring = hits.filter(([x, y]) => (near ? Math.hypot(x - near.x, y - near.y) < 30 : y > lowest - 24));
  const mean = (i) => ring.reduce((sum, p) => sum + p[i], 0) / ring.length;
  return ring.length > 20 ? { x: mean(0), y: mean(1) } : null;
}, [RING, near, target.host]);

const startOf = async (target) => ((await target.call('get')).theta0 ?? '0,0').split(',').map(Number);

/** What the live region says now. */
const announced = (target) => target.page.evaluate(
  (host) => (host ? document.querySelector(host).shadowRoot : document).getElementById('announce').textContent,
  target.host,
);

/**
 * Drags the ring by (dx, dy) CSS px in 6 moves: θ₀ follows each move (the run restarting from
 * it), and the ring stays under the pointer (the plot holds its window while dragged).
 */
async function dragRing(target, pointer, [dx, dy]) {
  const { page } = target;
  const canvas = page.locator(target.host ? `${target.host} #landscape` : '#landscape');
  await canvas.scrollIntoViewIfNeeded();
  if (!target.host) await settle(page, ['landscape']);
  const ring = await ringCentre(target);
  assert.ok(ring, 'the ring θ₀ is drawn');
  const box = await canvas.boundingBox();
  const before = await startOf(target);
  const scrolled = await page.evaluate(() => window.scrollY);
  await pointer.down(box.x + ring.x, box.y + ring.y);
  const starts = [];
  for (let k = 1; k <= 6; k++) {
    const at = { x: ring.x + (dx * k) / 6, y: ring.y + (dy * k) / 6 };
    await pointer.move(box.x + at.x, box.y + at.y);
    await frames(page);
    starts.push((await startOf(target)).join());
    const drawn = await ringCentre(target, at);
    assert.ok(drawn && Math.hypot(drawn.x - at.x, drawn.y - at.y) < 4, `the ring is under the pointer: ${JSON.stringify(drawn)} vs ${JSON.stringify(at)}`);
  }
  await pointer.up();
  assert.match(await announced(target), /^Start θ₀ = \(.+\): the run restarted from there\.$/);
  assert.equal(new Set(starts).size, 6, `θ₀ follows every move: ${starts.join(' | ')}`);
  assert.equal(await page.evaluate(() => window.scrollY), scrolled, 'the page did not scroll under the drag');
  const after = await startOf(target);
  assert.ok(after[0] > before[0] && after[1] > before[1], `dragged right and up: (${before}) → (${after})`);
  assert.equal((await target.call('metrics')).step, 0, 'the run restarted from the new start');
  return after;
}

test('theta0= in the address starts the run there; get() and set() give and take it; a bad one is refused by name', async () => {
  const { page, problems } = await openSim(env, 'theta0=1.5,-0.25&exact=1');
  assert.equal((await api(page, 'get')).theta0, '1.5,-0.25');
  assert.match(await page.evaluate(() => location.hash), /&theta0=1\.5,-0\.25(&|$)/);
  assert.match(await textOf(page, '#story-summary, #embed-summary, .summary'), /start θ₀ \(1\.5, −0\.25\)/);
  // The loss at the start is not ln 2: the policy there is not the reference.
  assert.ok(Math.abs((await api(page, 'metrics')).loss - Math.LN2) > 0.01);
  for (const bad of ['1', '1,2,3', '1,x', '101,0']) {
    assert.match(await apiError(page, 'set', { theta0: bad }), /theta0 = '.*' is not allowed: theta0 must be two numbers from -100 to 100/);
    assert.equal((await api(page, 'get')).theta0, '1.5,-0.25', `${bad}: nothing changed`);
  }
  assert.deepEqual(await api(page, 'set', { theta0: '0,0' }), { restarted: true });
  assert.equal((await api(page, 'get')).theta0, undefined, 'at 0 it leaves the address');
  assert.ok(Math.abs((await api(page, 'metrics')).loss - Math.LN2) < 1e-12);
  assertNoProblems(problems);
});

test('the ring θ₀ drags with the mouse; the arrow keys move it on the focused landscape; Home brings it back', async () => {
  const { page, problems } = await openSim(env, 'theta0=1,-1&plots=landscape&embed=1', { viewport: { width: 1280, height: 720 } });
  const dragged = await dragRing(sim(page), mouse(page), [90, -60]);
  // A dragged start is rounded to two decimals (a short link).
  for (const v of dragged) assert.equal(v, Number(v.toFixed(2)));

  await page.locator('#landscape').focus();
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await startOf(sim(page)), [Number((dragged[0] + 0.25).toFixed(2)), dragged[1]]);
  await page.keyboard.press('Shift+ArrowDown');
  // Said at once (the run's summary follows a second later).
  assert.match(await announced(sim(page)), /^Start θ₀ = /);
  assert.deepEqual(await startOf(sim(page)), [Number((dragged[0] + 0.25).toFixed(2)), Number((dragged[1] - 1).toFixed(2))]);
  assert.equal((await api(page, 'metrics')).step, 0, '→ on the landscape moved the start, not a step');
  await page.keyboard.press('Home');
  assert.deepEqual(await startOf(sim(page)), [0, 0]);
  assertNoProblems(problems);
});

test('on a 390×844 phone the ring drags with a finger, and a finger elsewhere still scrolls the page', async () => {
  const { page, problems } = await openSim(env, 'theta0=0.5,-0.5', { viewport: { width: 390, height: 844 }, touch: true });
  const touch = await finger(page);
  await dragRing(sim(page), touch, [60, -40]);
  // Away from the ring a swipe scrolls, as over any picture.
  const box = await page.locator('#landscape').boundingBox();
  const scrolled = await page.evaluate(() => window.scrollY);
  await touch.down(box.x + 10, box.y + box.height - 10);
  for (let k = 1; k <= 5; k++) await touch.move(box.x + 10, box.y + box.height - 10 - 40 * k);
  await touch.up();
  await page.waitForFunction((y) => window.scrollY > y, scrolled, { timeout: WAIT_TIMEOUT });
  assertNoProblems(problems);
});

test('the tabular model has no start to move: the keys say why and nothing changes', async () => {
  const { page, problems } = await openSim(env, 'model=tabular&theta0=1,1');
  // Not a stop on the way for Tab (nothing to move there), and it says why.
  assert.equal(await page.locator('#landscape').getAttribute('tabindex'), '-1');
  assert.match(await page.locator('#landscape').getAttribute('aria-label'), /starts at the reference/);
  await page.locator('#landscape').focus();
  await page.keyboard.press('ArrowUp');
  assert.equal((await api(page, 'get')).theta0, '1,1');
  assert.match(await textOf(page, '#announce'), /The start cannot move: the tabular model starts at the reference/);
  assertNoProblems(problems);
});

test('the <dpo-sim> element in prose: its ring drags with the mouse and its settings say so', async () => {
  const { page, problems } = await openPage(env, { viewport: { width: 1000, height: 900 }, allowedOrigins: [hosted.server.origin] });
  await page.goto(`${hosted.server.url}post.html`);
  await page.waitForFunction(() => document.getElementById('fig')?.api, null, { timeout: READY_TIMEOUT });
  const changes = [];
  await page.exposeFunction('noteChange', (theta0) => changes.push(theta0));
  await page.evaluate(() => document.getElementById('fig').addEventListener('dpo-sim-change', (e) => window.noteChange(e.detail.settings.theta0 ?? '0,0')));
  const fig = sim(page, '#fig');
  await page.waitForFunction(() => document.getElementById('fig').shadowRoot.getElementById('landscape').width > 0, null, { timeout: WAIT_TIMEOUT });
  await page.waitForTimeout(300);
  const end = await dragRing(fig, mouse(page), [80, -50]);
  assert.ok(changes.includes(end.join()), `dpo-sim-change said where it starts: ${changes.join(' | ')}`);
  assertNoProblems(problems);
});
