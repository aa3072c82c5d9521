// The worker (www/js/worker.js, started by www/js/worker-client.js) runs the wasm core beside
// the page: its runs equal the page's own to the last digit, on the served site and in the one
// file opened from disk (a worker from a blob: URL, under the page's hash-based CSP); the page
// keeps animating while a long job runs; a cancelled job stops; a worker that fails to start
// fails its jobs. The page exposes compute() as window.__dpoCompute for these tests only; it
// is not part of window.dpoSim. The jobs are sweeps: each of their runs is fresh.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openSim, openPage, waitReady, assertNoProblems, api, standaloneUrl } from './helpers.mjs';

const env = suite();

// Fresh runs of 50 steps with three settings, far apart: online minibatch runs of the linear
// model with independent, contrastive and best-vs-worst pairs.
const BASE = 'online=1&n=64&batch=8&seed=3&quality=0.5&support=0.5';
const DESIGNS = ['independent', 'contrastive', 'bvw'];
const SHORT = { base: BASE, over: 'design', values: DESIGNS.join(','), grid: null, steps: 50 };
// A job of several seconds: 40 runs of 600 steps with N = 96, each about 0.15 s here.
const LONG = { base: 'n=96', over: 'seed', values: Array.from({ length: 40 }, (_, i) => i + 1).join(','), grid: null, steps: 600 };

/** In the page: the worker's rows for SHORT, the page's own runs (set, reset, step), and the progress seen. */
function workerAgainstPage(page) {
  return page.evaluate(async ({ job, base }) => {
    const progress = [];
    const { rows } = await window.__dpoCompute('sweep', job, {
      onProgress: ({ done, total }) => progress.push(`${done}/${total}`),
    });
    const defaults = window.dpoSim.get();
    const main = [];
    for (const design of job.values.split(',')) {
      const settings = Object.fromEntries(`${base}&design=${design}`.split('&').map((part) => part.split('=')));
      window.dpoSim.set({ ...defaults, ...settings });
      window.dpoSim.reset();
      main.push(await window.dpoSim.step(job.steps));
    }
    return { worker: rows, main, progress };
  }, { job: SHORT, base: BASE });
}

function assertSameRuns({ worker, main, progress }) {
  assert.equal(worker.length, DESIGNS.length);
  for (const [i, row] of worker.entries()) {
    assert.equal(row.design, DESIGNS[i]);
    assert.equal(row.step, SHORT.steps, `${DESIGNS[i]}: the worker ran ${SHORT.steps} steps`);
    for (const [key, value] of Object.entries(main[i])) {
      assert.equal(row[key], value, `${DESIGNS[i]}: the worker's ${key} is the page's, to the last digit`);
    }
  }
  assert.deepEqual(progress, ['1/3', '2/3', '3/3'], 'progress after each run');
}

test('served: the worker gets the page\'s module and its runs equal the page\'s own', async () => {
  const { page, problems } = await openSim(env);
  assertSameRuns(await workerAgainstPage(page));
  assert.deepEqual(page.workers().map((w) => new URL(w.url()).pathname), ['/js/worker.js'], 'one worker, the site\'s script');
  const refused = await page.evaluate(() => window.__dpoCompute('sweep', { base: 'quality=2', over: 'seed', values: '1', steps: 1 }).then(() => null, (e) => e.message));
  assert.match(refused, /quality = '2' is not allowed/, 'a refused setting fails the job with the core\'s message');
  const wasm = problems.requests.filter((url) => url.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `the wasm is fetched once, by the page: ${wasm.join(', ')}`);
  assertNoProblems(problems);
});

test('standalone from file://: a blob: worker runs under the page\'s CSP, with the same numbers', async () => {
  const { page, problems } = await openPage(env, { allowedOrigins: ['file://'] });
  const violations = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  await page.goto(standaloneUrl());
  await waitReady(page);
  assertSameRuns(await workerAgainstPage(page));
  assert.deepEqual(violations, [], 'no CSP violation');
  // The blob: worker inherits the page's CSP: there too code given as text is refused and wasm compiles.
  const [worker, ...more] = page.workers();
  assert.ok(worker && more.length === 0 && worker.url().startsWith('blob:'), 'one worker, from a blob: URL');
  const policy = await worker.evaluate(async () => {
    const refused = new Promise((done) => {
      self.addEventListener('securitypolicyviolation', (e) => done(e.violatedDirective));
      setTimeout(() => done('no violation'), 2000);
    });
    setTimeout('self.__ran = true', 0);
    const wasm = await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).then(() => 'compiled', (e) => e.name);
    return { textCode: await refused, wasm };
  });
  assert.deepEqual(policy, { textCode: 'script-src', wasm: 'compiled' });
  const fetched = problems.requests.filter((url) => url !== standaloneUrl() && !/^(data|blob):/.test(url));
  assert.deepEqual(fetched, [], 'the standalone page loads nothing beside itself');
  assertNoProblems(problems);
});

test('the page keeps animating while a long job runs in the worker', async (t) => {
  const { page, problems } = await openSim(env);
  const seen = await page.evaluate(async (long) => {
    const controller = new AbortController();
    let runs = 0;
    let outcome = 'running';
    const job = window.__dpoCompute('sweep', long, { signal: controller.signal, onProgress: () => { runs += 1; } })
      .then(() => { outcome = 'finished'; }, (e) => { outcome = e.message; });
    window.dpoSim.play();
    const firstStep = window.dpoSim.metrics().step;
    // Animation frames until the worker has finished three runs (at most 20 s), and the
    // longest gap between two.
    let frames = 0;
    let longest = 0;
    const start = performance.now();
    let last = start;
    while (runs < 3 && last < start + 20_000) {
      await new Promise((done) => requestAnimationFrame(done));
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      frames += 1;
    }
    const during = { frames, seconds: (last - start) / 1000, longest, steps: window.dpoSim.metrics().step - firstStep, runs, outcome };
    window.dpoSim.pause();
    controller.abort();
    await job;
    return during;
  }, LONG);
  const rate = seen.frames / seen.seconds;
  t.diagnostic(`while the worker ran ${seen.runs} runs (${seen.seconds.toFixed(2)} s): ${seen.frames} frames, ` +
    `${rate.toFixed(0)} per second, longest gap ${seen.longest.toFixed(0)} ms; ${seen.steps} steps played`);
  assert.equal(seen.runs, 3, 'the worker finished three runs');
  assert.equal(seen.outcome, 'running', 'and went on with the job');
  assert.ok(rate >= 15, `${rate.toFixed(1)} animation frames per second`);
  assert.ok(seen.longest < 500, `the longest gap between frames was ${seen.longest.toFixed(0)} ms`);
  assert.ok(seen.steps > 0, `the page played ${seen.steps} steps`);
  assertNoProblems(problems);
});

test('a cancelled job stops: its promise rejects and the worker takes the next job at once', async (t) => {
  const { page, problems } = await openSim(env);
  const outcome = await page.evaluate(async (long) => {
    const controller = new AbortController();
    // Cancelled after its first run of 40: the other 39 would take seconds.
    const cancelled = window.__dpoCompute('sweep', long, { signal: controller.signal, onProgress: () => controller.abort() });
    const error = await cancelled.then(() => null, (e) => e.name);
    const start = performance.now();
    const one = { base: '', over: 'seed', values: '5', steps: 10 };
    const next = await window.__dpoCompute('sweep', one);
    const already = await window.__dpoCompute('sweep', one, { signal: AbortSignal.abort() })
      .then(() => null, (e) => e.name);
    return { error, nextMs: performance.now() - start, next: next.rows.map((m) => m.step), already };
  }, LONG);
  t.diagnostic(`the next job took ${outcome.nextMs.toFixed(0)} ms`);
  assert.equal(outcome.error, 'AbortError', 'the cancelled job rejects with the abort reason');
  assert.deepEqual(outcome.next, [10], 'the next job runs');
  assert.ok(outcome.nextMs < 1500, `the next job waited ${outcome.nextMs.toFixed(0)} ms: the cancelled one had stopped`);
  assert.equal(outcome.already, 'AbortError', 'a job whose signal is already aborted never starts');
  assertNoProblems(problems);
});

test('a worker that cannot start fails its jobs with a message; the next job starts a new one', async () => {
  const { page, problems } = await openSim(env);
  const job = () => page.evaluate(() => window.__dpoCompute('sweep', { base: '', over: 'seed', values: '1', steps: 3 })
    .then((result) => result.rows[0].step, (e) => e.message));
  await page.route('**/js/worker.js', (route) => route.fulfill({ status: 404, body: 'not found' }));
  assert.match(await job(), /^the worker failed/);
  await page.unroute('**/js/worker.js');
  assert.equal(await job(), 3);
  assert.equal(await api(page, 'error'), null, 'the page itself carries on');
  const failed = new Set(problems.failedRequests.map((line) => new URL(line).pathname.replace(/:.*/, '')));
  assert.deepEqual([...failed], ['/js/worker.js'], 'only the refused script failed');
  assert.deepEqual(problems.pageErrors, [], 'no uncaught exception');
});
