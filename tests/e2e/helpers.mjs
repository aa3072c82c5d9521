// Shared fixtures of the browser tests: a static server child process, one headless
// Chromium per test file, pages that record every console error and stray request, and
// helpers to wait for the simulator and to fingerprint canvas pixels.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { initSync, charts, fields } from '../../www/pkg/dpo_sim.js';
import { DEFAULT_PLOTS } from '../../www/js/page-keys.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
export const STANDALONE = join(DIST, 'dpo-sim-standalone.html');
export const OUTPUT = join(ROOT, 'test-output');

// The tables the page is built from, read where the page reads them, never typed out here:
// the core's (the wasm of `./build.sh build`, instantiated in Node) and the page's own.
initSync({ module: readFileSync(join(ROOT, 'www', 'pkg', 'dpo_sim_bg.wasm')) });

/** The plot canvases of the full page, in the order of the core's chart registry (charts()). */
export const PLOTS = charts().map((c) => c.key);

/** The plots embed and talk modes show when neither the address nor a scenario names any. */
export const COMPACT_PLOTS = DEFAULT_PLOTS;

/** The names page keys list: the charts' and the settings' keys (as the page's wasm.js NAMES). */
export const NAMES = { charts: PLOTS, settings: fields().map((f) => f.key) };

/** The plots a scenario names as its evidence (what compact views show for it), from the page's API. */
export async function scenarioPlots(scope, key) {
  const presets = await scope.evaluate(() => window.dpoSim.presets());
  const preset = presets.find((p) => p.key === key);
  assert.ok(preset, `scenario ${key}`);
  return preset.plots;
}

/** Every settings key, in the order of the core's settings table (fields()). */
export const SETTINGS_KEYS = NAMES.settings;

/** Generous limits: the wasm module compiles on a 2-core machine. */
export const READY_TIMEOUT = 30_000;
export const WAIT_TIMEOUT = 15_000;

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** The folder the tests serve: the built `dist/` when present, else `www/`. */
export function siteDir() {
  return existsSync(DIST) ? DIST : join(ROOT, 'www');
}

/**
 * Starts `node scripts/serve.mjs <dir> 0` and resolves once it prints its address.
 * Returns `{ url, origin, stop }`; `url` ends with '/'.
 */
export function startServer(dir = siteDir()) {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs'), dir, '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`serve.mjs printed no address in 15 s:\n${output}`)), 15_000);
    function fail(error) {
      clearTimeout(timer);
      child.kill();
      reject(error);
    }
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /Serving .* at (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(output);
      if (match && match[2] !== '0') {
        clearTimeout(timer);
        const url = match[1];
        resolve({ url, origin: new URL(url).origin, stop: () => child.kill() });
      }
    });
    child.on('exit', (code) => fail(new Error(`serve.mjs exited with ${code}:\n${output}`)));
    child.on('error', fail);
  });
}

/**
 * Registers before/after hooks that serve the built site with `pages` (`{ name: html }`) beside
 * it, as a blog or a course hosts both; the returned object's `server` is set before the tests.
 */
export function siteWith(pages) {
  const hosted = { server: null, dir: null };
  before(async () => {
    hosted.dir = await mkdtemp(join(tmpdir(), 'dpo-e2e-site-'));
    await cp(DIST, hosted.dir, { recursive: true });
    for (const [name, html] of Object.entries(pages)) await writeFile(join(hosted.dir, name), html);
    hosted.server = await startServer(hosted.dir);
  });
  after(async () => {
    hosted.server?.stop();
    if (hosted.dir) await rm(hosted.dir, { recursive: true, force: true });
  });
  return hosted;
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Registers before/after hooks for one test file: one server and one browser shared by
 * all its tests. Every browser context opened through the returned object is closed after.
 */
export function suite({ serve = true } = {}) {
  const env = { server: null, browser: null, contexts: [] };
  before(async () => {
    if (serve) env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    for (const context of env.contexts) await context.close().catch(() => {});
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}

// Installed in every frame before the page's own scripts: pixel fingerprints of canvases.
// Drawing onto a fresh 2d canvas reads any canvas, whatever context it was drawn with.
function installPixelProbe() {
  Object.defineProperty(window, '__e2ePixels', {
    enumerable: false,
    value(id) {
      const source = document.getElementById(id);
      if (!(source instanceof HTMLCanvasElement)) return null;
      const { width, height } = source;
      if (width === 0 || height === 0) return { width, height, hash: 'empty', colours: 0 };
      const copy = document.createElement('canvas');
      copy.width = width;
      copy.height = height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(source, 0, 0);
      const data = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
      let hash = 0x811c9dc5;
      const seen = new Set();
      for (let i = 0; i < data.length; i++) {
        hash = Math.imul(hash ^ data[i], 0x01000193);
        if (seen.size < 64) seen.add(data[i]);
      }
      return { width, height, hash: (hash >>> 0).toString(16), colours: seen.size };
    },
  });
}

/**
 * Opens a fresh browser context and page (a touch screen with `touch`) and records its problems:
 * console errors, uncaught exceptions, failed requests (network errors or HTTP >= 400),
 * and requests to any origin other than `allowedOrigins` (data: and blob: are local).
 */
export async function openPage(env, {
  viewport = { width: 1400, height: 900 }, allowedOrigins, permissions, touch = false, reducedMotion = 'no-preference',
} = {}) {
  // touch: a phone's touch screen (and its layout viewport); reducedMotion: the reader's preference.
  const context = await env.browser.newContext({
    viewport, acceptDownloads: true, hasTouch: touch, isMobile: touch, reducedMotion,
  });
  env.contexts.push(context);
  if (permissions) await context.grantPermissions(permissions, { origin: env.server.origin });
  await context.addInitScript(installPixelProbe);
  const page = await context.newPage();
  const allowed = allowedOrigins ?? (env.server ? [env.server.origin] : []);
  const problems = { consoleErrors: [], pageErrors: [], failedRequests: [], offOrigin: [], requests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.consoleErrors.push(`${msg.text()} (${msg.location().url || 'no url'})`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  page.on('requestfailed', (req) => problems.failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
  });
  page.on('request', (req) => {
    const url = new URL(req.url());
    problems.requests.push(req.url());
    if (['data:', 'blob:', 'about:'].includes(url.protocol)) return;
    if (url.protocol === 'file:' ? !allowed.includes('file://') : !allowed.includes(url.origin)) {
      problems.offOrigin.push(req.url());
    }
  });
  return { context, page, problems };
}

/** Asserts that nothing went wrong on the page so far. */
export function assertNoProblems(problems) {
  assert.deepEqual(problems.pageErrors, [], 'uncaught exceptions');
  assert.deepEqual(problems.consoleErrors, [], 'console errors');
  assert.deepEqual(problems.failedRequests, [], 'failed requests');
  assert.deepEqual(problems.offOrigin, [], 'requests to other origins');
}

/** Waits until the page announced `window.dpoSimReady`. */
export async function waitReady(page) {
  await page.waitForFunction(() => window.dpoSimReady === true, null, { timeout: READY_TIMEOUT });
}

/**
 * Opens the simulator with an optional URL fragment (without '#') and waits until ready.
 */
export async function openSim(env, fragment = '', options = {}) {
  const opened = await openPage(env, options);
  await opened.page.goto(env.server.url + (fragment ? `#${fragment}` : ''));
  await waitReady(opened.page);
  await settle(opened.page);
  return opened;
}

/**
 * Waits until the plots are at rest: unchanged over three consecutive animation frames.
 * The page refines its loss landscape over a few frames after each change.
 */
export async function settle(page, ids = PLOTS) {
  await page.evaluate(async ({ list, timeout }) => {
    const snapshot = () => list.map((id) => window.__e2ePixels(id)?.hash).join();
    const deadline = performance.now() + timeout;
    let last = snapshot();
    for (let same = 0; same < 3;) {
      await new Promise((done) => requestAnimationFrame(done));
      const now = snapshot();
      same = now === last ? same + 1 : 0;
      last = now;
      if (performance.now() > deadline) throw new Error(`plots still changing after ${timeout} ms`);
    }
  }, { list: ids, timeout: WAIT_TIMEOUT });
}

/** `{ id: {width, height, hash, colours} }` for each plot canvas (null when missing). */
export async function plotPixels(page, ids = PLOTS) {
  return page.evaluate((list) => Object.fromEntries(list.map((id) => [id, window.__e2ePixels(id)])), ids);
}

/** Just the hashes of `plotPixels`, for before/after comparisons. */
export async function plotHashes(page, ids = PLOTS) {
  const pixels = await plotPixels(page, ids);
  return Object.fromEntries(ids.map((id) => [id, pixels[id]?.hash ?? null]));
}

/** Asserts each plot canvas exists and holds a drawing: not one uniform colour. */
export async function assertPlotsDrawn(page, ids = PLOTS) {
  const pixels = await plotPixels(page, ids);
  for (const id of ids) {
    assert.ok(pixels[id], `canvas #${id} exists`);
    assert.ok(pixels[id].width > 0 && pixels[id].height > 0, `canvas #${id} has a size`);
    assert.ok(pixels[id].colours >= 3, `canvas #${id} is drawn (${pixels[id].colours} distinct colours)`);
  }
}

/** Each element's box in viewport coordinates, or null when it is not displayed. */
export function boxes(page, selectors) {
  return page.evaluate((list) => Object.fromEntries(list.map((s) => {
    const node = document.querySelector(s);
    if (!node || node.getClientRects().length === 0) return [s, null];
    const r = node.getBoundingClientRect();
    return [s, { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height }];
  })), selectors);
}

/** Waits until some of the canvases `ids` differ from `hashes`; returns the ones that changed. */
export async function waitForPlotChange(page, hashes, ids = PLOTS) {
  const handle = await page.waitForFunction(
    ([list, previous]) => {
      const changed = list.filter((id) => window.__e2ePixels(id)?.hash !== previous[id]);
      return changed.length > 0 && changed;
    },
    [ids, hashes],
    { timeout: WAIT_TIMEOUT },
  );
  return handle.jsonValue();
}

export async function textOf(page, selector) {
  return (await page.locator(selector).textContent())?.trim() ?? '';
}

/** Waits until `#step-count` reads exactly `n`. */
export async function waitForStep(page, n) {
  await page.waitForFunction(
    (want) => document.getElementById('step-count')?.textContent.trim() === String(want),
    n,
    { timeout: WAIT_TIMEOUT },
  );
}

/** Calls `window.dpoSim[method](...args)` in the page and returns its result. */
export function api(page, method, ...args) {
  return page.evaluate(([name, list]) => window.dpoSim[name](...list), [method, args]);
}

/** Calls an API method that should throw; returns the error message (or null if it did not). */
export function apiError(page, method, ...args) {
  return page.evaluate(([name, list]) => {
    try {
      window.dpoSim[name](...list);
      return null;
    } catch (error) {
      return String(error?.message ?? error);
    }
  }, [method, args]);
}

export function standaloneUrl() {
  return pathToFileURL(STANDALONE).href;
}

/** Polls an async condition from Node (for page state only reachable through promises). */
export async function until(condition, message, timeout = WAIT_TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${message}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * The Playwright Frame of the iframe at `selector` in `page`, once the simulator inside has
 * announced `window.dpoSimReady`. Call it after the iframe has its address (a frame that
 * navigates while waited on loses the wait).
 */
export async function simFrame(page, selector) {
  const frame = await (await page.waitForSelector(selector, { state: 'attached' })).contentFrame();
  assert.ok(frame, `${selector} is an iframe`);
  await frame.waitForFunction(() => window.dpoSimReady === true, null, { timeout: READY_TIMEOUT });
  return frame;
}

/** Two animation frames of `scope` (a page or frame): what a change draws is on screen after them. */
export const frames = (scope) => scope.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

/** Playwright's mouse as a pointer: down at (x, y), moves, up. */
export const mouse = (page) => ({
  down: async (x, y) => { await page.mouse.move(x, y); await page.mouse.down(); },
  move: (x, y) => page.mouse.move(x, y),
  up: () => page.mouse.up(),
});

/** A finger on the touch screen: the browser's own touch input (what Playwright's tap sends). */
export async function finger(page) {
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });
  return {
    down: (x, y) => touch('touchStart', [{ x, y }]),
    move: (x, y) => touch('touchMove', [{ x, y }]),
    up: () => touch('touchEnd', []),
  };
}

/**
 * In the page (pass to page.evaluate with `[id, [r, g, b]]`): the centre, in CSS px of the
 * canvas, of the pixels of colour rgb left of canvas `id`'s colour bar (which holds the same
 * colours), with their count; null without any.
 */
export function colourCentre([id, [r, g, b]]) {
  const canvas = document.getElementById(id);
  const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let [sx, sy, count] = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 0.8; x++) {
      const k = 4 * (y * width + x);
      if (data[k] === r && data[k + 1] === g && data[k + 2] === b) [sx, sy, count] = [sx + x, sy + y, count + 1];
    }
  }
  const k = canvas.clientWidth / width;
  return count ? { x: (sx / count) * k, y: (sy / count) * k, count } : null;
}
