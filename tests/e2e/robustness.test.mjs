// Nothing breaks the page: hundreds of random and hostile URL fragments in one page, a long
// soak with memory measured, hostile postMessage data, errors that stay visible until reset,
// runs with no finite optimum, and no eval anywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  suite, openSim, assertNoProblems, assertPlotsDrawn, api, textOf, waitForStep, settle,
  ROOT, SETTINGS_KEYS, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();

// ---------------------------------------------------------------- fragments

/** mulberry32: a small seeded generator, so a failing fragment can be reproduced. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const XSS = '<img src=x onerror=window.__pwned=1>';

const HOSTILE = [
  `quality=${XSS}`,
  `${XSS}=1`,
  'quality=<script>window.__pwned=1</script>',
  '<script>window.__pwned=1</script>',
  'preset=<svg onload=window.__pwned=1>',
  `design="><img src=x onerror=window.__pwned=1>`,
  `model='><iframe src=javascript:window.__pwned=1>`,
  'seed=javascript:window.__pwned=1',
  'javascript:window.__pwned=1',
  'preset=javascript:window.__pwned=1',
  'origin=javascript:window.__pwned=1',
  `embed=1&talk=1&origin=${encodeURIComponent(XSS)}`,
  `quality=${encodeURIComponent(XSS)}`,
  `${encodeURIComponent(XSS)}=1`,
  `preset=${encodeURIComponent('<svg onload=window.__pwned=1>')}`,
  'quality=${window.__pwned=1}',
  'quality={{constructor.constructor("window.__pwned=1")()}}',
  'quality=1;window.__pwned=1',
  'quality=0.5&quality=<b>bold</b>',
  '__proto__=1',
  '__proto__[polluted]=1',
  'constructor=1',
  'constructor.prototype.polluted=1',
  'toString=1',
  'hasOwnProperty=x',
  'preset=__proto__',
  'preset=constructor',
  'preset=toString',
  'preset=&quality=0.5',
  'preset=quality&quality=7',
  'preset=best-of-k&lr=<i>x</i>',
  'data:text/html,<script>window.__pwned=1</script>',
];

const PERCENT = [
  '%', '%%', '%zz', '%E0%A4%A', 'quality=%', 'quality=%E0%A4%A', '%00=%00', 'quality=0.5%00',
  '%25%32%35', '%u0041=1', 'origin=%E0%A4%A', 'origin=%', 'quality=%30.5', 'qu%61lity=0.5',
  'quality%3D0.5', 'quality=0.5%26support%3D0.3', '%23quality=1', 'embed=%31',
];

const HUGE = [
  'quality=1e309', 'n=1e999', 'seed=18446744073709551616', 'seed=4294967296', `seed=${'9'.repeat(400)}`,
  'lr=-1e-400', 'beta=0x10', 'batch=1_000', 'k=3.0', 'quality=Infinity', 'quality=-Infinity', 'quality=NaN',
  'quality=-0', 'quality=.5', 'quality=5e-324', 'lr=1.7976931348623157e308', 'n=-4', 'batch=0',
  `quality=0.${'3'.repeat(5000)}`,
];

const UNICODE = [
  'quality=\uff10.\uff15', 'quality=\u0660.\u0665', '\u{1F642}=\u{1F642}', 'design=bvw\u200b',
  'quality=\u202e1', '\u00e9=\u00e9', '\ud800=1', 'quality=\udfff', '\uff51uality=1', 'QUALITY=1',
  'quality\u0000=1', 'design=b\u0301vw', '\u0000', '\ufeffquality=0.5',
];

const LONG = [
  `quality=${'9'.repeat(50_000)}`,
  'x'.repeat(20_000),
  '&'.repeat(5_000),
  'quality=0.5&'.repeat(2_000),
  'a=b&'.repeat(3_000),
  `${'k'.repeat(10_000)}=${XSS.repeat(200)}`,
];

const STRUCTURE = [
  '', '&', '=', '==', '&&&', '=1', 'quality', 'quality=', 'quality==1', 'quality=1=2', '#quality=1',
  '?quality=1', 'quality=1#x', ' quality = 1 ', 'quality=1&&&&support=0.5', 'embed=1', 'talk=1',
  'embed=1&talk=1', 'origin=https://example.com', 'preset=support', 'preset=quality&quality=1',
];

/** In-range values, in the canonical form the page writes back. */
const VALID = {
  quality: ['0', '0.25', '1'],
  support: ['0.01', '0.3', '1'],
  online: ['0', '0.5', '1'],
  design: ['independent', 'contrastive', 'bvw'],
  k: ['2', '8', '32'],
  labels: ['bt', 'oracle'],
  s: ['0.1', '2', '20'],
  beta: ['0.01', '0.5', '10'],
  lr: ['0.0001', '1', '50'],
  batch: ['1', '32', '1024'],
  exact: ['0', '1'],
  model: ['linear', 'tabular'],
  n: ['4', '48', '256'],
  refq: ['-1', '0', '1'],
  kappa: ['0', '1', '10'],
  gamma: ['0', '1', '2'],
  shape: ['noise', 'concave'],
  scale: ['0.1', '1', '5'],
  seed: ['0', '7', '4294967295'],
};

const JUNK_VALUES = [
  '', '0', '1', '-1', '0.5', '2', '1e3', '1e-9', 'NaN', 'inf', 'true', 'bvw', 'oracle', 'tabular', ' ',
  '%20', '<b>', XSS, '\u00e9', '\u{1F642}', '999999999999999999999', '.', 'e', '-', '+1', '0,5',
];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function randomChars(rand, length) {
  const alphabet = 'abcqz0189.-+eE=&%#?/<>"\'` \u00e9\u{1F642}\u0000\u202e;:()[]{}';
  const chars = [...alphabet];
  return Array.from({ length }, () => pick(rand, chars)).join('');
}

/**
 * Random keys and values: known keys with junk, unknown keys, raw character soup. (Of the page
 * keys, those whose junk loads the defaults or is taken as text; the checked ones, such as
 * plots and pace, are refused on their own: fragment.test.mjs.)
 */
function randomFragment(rand) {
  const keys = [...SETTINGS_KEYS, 'preset', 'embed', 'talk', 'origin', 'bogus', '', 'Quality'];
  const parts = [];
  for (let i = Math.floor(rand() * 8); i > 0; i--) {
    const r = rand();
    if (r < 0.15) parts.push(randomChars(rand, 1 + Math.floor(rand() * 30)));
    else if (r < 0.5) parts.push(`${pick(rand, keys)}=${pick(rand, JUNK_VALUES)}`);
    else {
      const key = pick(rand, SETTINGS_KEYS);
      parts.push(`${key}=${pick(rand, VALID[key])}`);
    }
  }
  return parts.join(rand() < 0.9 ? '&' : pick(rand, ['&&', '=', ';', '&=']));
}

/** A fragment of in-range settings, with the values it should load. */
function validFragment(rand) {
  const chosen = {};
  for (const key of SETTINGS_KEYS) if (rand() < 0.4) chosen[key] = pick(rand, VALID[key]);
  return { fragment: Object.entries(chosen).map(([k, v]) => `${k}=${v}`).join('&'), expect: chosen };
}

function fragments() {
  const rand = random(20250604);
  const cases = [...HOSTILE, ...PERCENT, ...HUGE, ...UNICODE, ...LONG, ...STRUCTURE].map((fragment) => ({ fragment }));
  // Truncations of a full valid fragment (what the page itself writes), cut anywhere.
  const full = `preset=best-of-k&${SETTINGS_KEYS.map((k) => `${k}=${VALID[k][1] ?? VALID[k][0]}`).join('&')}`;
  for (let i = 0; i < 30; i++) cases.push({ fragment: full.slice(0, 1 + Math.floor(rand() * (full.length - 1))) });
  for (let i = 0; i < 70; i++) cases.push({ fragment: randomFragment(rand) });
  for (let i = 0; i < 30; i++) cases.push(validFragment(rand));
  return cases;
}

/**
 * Sets `location.hash` in the live page and waits until the page has loaded it: the page
 * listens to `hashchange`, and its listener, registered first, runs before ours. Then checks
 * the page and runs one step through the API (which redraws). Returns what it saw.
 */
function loadFragmentInPage(page, fragment, defaults) {
  return page.evaluate(async ({ fragment: text, defaults: base }) => {
    const $ = (id) => document.getElementById(id);
    const notice = $('notice');
    notice.textContent = '';
    const before = location.hash;
    const prior = { settings: window.dpoSim.get(), step: window.dpoSim.metrics().step, preset: $('preset').value };
    let onChange;
    const changed = new Promise((done) => {
      onChange = done;
      window.addEventListener('hashchange', done, { once: true });
    });
    location.hash = text;
    const same = location.hash === before;
    if (same) window.removeEventListener('hashchange', onChange);
    else {
      let timer;
      const late = new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error(`no hashchange for #${text.slice(0, 80)}`)), 10_000);
      });
      await Promise.race([changed, late]);
      clearTimeout(timer);
    }
    const settings = window.dpoSim.get();
    const seen = {
      same,
      loadedStep: window.dpoSim.metrics().step,
      pwned: window.__pwned,
      notice: notice.textContent,
      // The notice's one element of its own is its Dismiss button; anything else came from the fragment.
      noticeChildren: [...notice.querySelectorAll('*')]
        .filter((e) => !(e.matches('button.dismiss') && e.children.length === 0 && e.textContent === 'Dismiss')).length,
      bannerHidden: $('error-banner').hidden,
      bannerChildren: $('error-banner').children.length,
      error: window.dpoSim.error(),
      defaults: Object.keys(base).every((k) => settings[k] === base[k]),
      settings,
      // The same settings and scenario as before: the page keeps that run (only the view changed).
      kept: prior.preset === $('preset').value && Object.keys(prior.settings).every((k) => prior.settings[k] === settings[k]),
      priorStep: prior.step,
    };
    const metrics = window.dpoSim.step(1);
    return {
      ...seen,
      stepped: metrics.step,
      stepCount: $('step-count').textContent,
      errorAfterStep: window.dpoSim.error(),
      bannerAfterStep: $('error-banner').hidden ? '' : $('error-banner').textContent,
    };
  }, { fragment, defaults });
}

/** Elements through which markup could run, and anything carrying an inline handler. */
function activeContent(page) {
  return page.evaluate(() => ({
    tags: document.querySelectorAll('img, script, iframe, object, embed, svg, style, link, base, form, video, audio, source, meta').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
    scriptLinks: document.querySelectorAll('[href^="javascript:" i], [src^="javascript:" i]').length,
  }));
}

test('230+ random, malformed and hostile fragments in one page: it stays alive and usable after each', async (t) => {
  // A smaller window draws faster; every fragment costs one load and one redrawn step.
  const { page, problems } = await openSim(env, '', { viewport: { width: 900, height: 700 } });
  const defaults = await api(page, 'get');
  const active = await activeContent(page);
  assert.equal(active.handlers + active.scriptLinks, 0);
  const cases = fragments();
  assert.ok(cases.length >= 230, `${cases.length} fragments`);
  await api(page, 'step', 2);
  let noticed = 0;
  let loaded = 0;
  for (const [i, { fragment, expect }] of cases.entries()) {
    const label = `#${i} ${JSON.stringify(fragment.slice(0, 120))}`;
    const r = await loadFragmentInPage(page, fragment, defaults);
    assert.deepEqual(problems.pageErrors, [], `${label}: no uncaught exception`);
    assert.deepEqual(problems.consoleErrors, [], `${label}: no console error`);
    assert.equal(r.pwned, undefined, `${label}: nothing ran`);
    assert.equal(r.noticeChildren + r.bannerChildren, 0, `${label}: #notice and #error-banner hold text only`);
    assert.equal(r.bannerHidden, true, `${label}: no error banner after loading (not stuck from before)`);
    assert.equal(r.error, null, label);
    // A changed address loads a new run at step 0, unless it asks for the run already loaded.
    if (!r.same) assert.equal(r.loadedStep, r.kept ? r.priorStep : 0, `${label}: the page loaded it (${r.kept ? 'the same run goes on' : 'a new run at step 0'})`);
    if (r.notice !== '') {
      noticed += 1;
      assert.match(r.notice, /ignored and the defaults loaded/, label);
      assert.ok(r.notice.length < 600, `${label}: the notice is short (${r.notice.length} chars)`);
      assert.equal(r.defaults, true, `${label}: a refused fragment loads the defaults`);
    } else if (!r.same) {
      loaded += 1;
    }
    if (expect) {
      assert.equal(r.notice, '', `${label}: a valid fragment is accepted`);
      for (const [key, value] of Object.entries(expect)) assert.equal(r.settings[key], value, `${label}: ${key}`);
    }
    // One step works: the counter shows it, or the run diverged and the banner says so.
    assert.match(r.stepCount, /^\d+$/, `${label}: #step-count is a number`);
    assert.equal(r.stepCount, String(r.stepped), label);
    if (r.errorAfterStep === null) assert.equal(r.stepped, r.loadedStep + 1, label);
    else assert.match(r.bannerAfterStep, /diverged/, `${label}: only a divergence stops a step`);
    if (i % 40 === 0 && r.errorAfterStep === null) {
      await page.click('#step');
      await waitForStep(page, r.stepped + 1);
    }
    if (i % 40 === 0 || fragment.includes('<')) {
      assert.deepEqual(await activeContent(page), active, `${label}: no element or handler injected`);
    }
  }
  t.diagnostic(`${cases.length} fragments: ${noticed} refused with a notice, ${loaded} loaded, ${cases.length - noticed - loaded} left the hash unchanged`);
  assert.ok(noticed > 100 && loaded > 40, `both refused (${noticed}) and accepted (${loaded}) fragments were seen`);
  assert.deepEqual(await activeContent(page), active, 'no element or handler injected');
  // Still usable through the controls after all that.
  await page.click('#reset');
  await waitForStep(page, 0);
  await page.click('#step');
  await waitForStep(page, 1);
  assert.deepEqual(problems.requests.filter((url) => /\/x$|javascript:/.test(url)), [], 'nothing fetched from markup');
  assertNoProblems(problems);
});

// ---------------------------------------------------------------- soak

const MB = 1024 * 1024;

test('soak: playing at full speed and 100k more steps keep memory bounded; the page still responds', async (t) => {
  const { page, context, problems } = await openSim(env, 'n=8&quality=0.5&support=0.5&online=0.5&lr=0.5');
  // Garbage collection and the heap size through the DevTools protocol (no --expose-gc needed).
  const cdp = await context.newCDPSession(page);
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const inPage = await page.evaluate(async () => ({
      // The glue's initSync() returns the instance already running: its memory only grows.
      wasm: (await import('./pkg/dpo_sim.js')).initSync().memory.buffer.byteLength,
      elements: document.getElementsByTagName('*').length,
      history: window.dpoSim.history().length,
      opening: window.dpoSim.history().filter((r) => r.step < 512).map((r) => r.step),
      last: window.dpoSim.history().at(-1).step,
    }));
    return { heap: usedSize, ...inPage };
  };
  await api(page, 'step', 3000);
  const start = await measure();

  // The fastest pace: as many steps a frame as the loop allows (50).
  await page.selectOption('#speed', 'max');
  const frames = (await api(page, 'frameStats')).frames;
  await page.click('#play');
  await page.waitForFunction((f) => window.dpoSim.frameStats().frames >= f + 150, frames,
    { timeout: 60_000, polling: 250 });
  await page.click('#play');
  assert.equal(await api(page, 'isPlaying'), false);
  const played = (await api(page, 'metrics')).step;
  assert.ok(played >= 3000 + 150 * 50, `played ${played - 3000} steps`);
  for (let i = 0; i < 10; i++) await api(page, 'step', 10_000);
  const end = await measure();

  const metrics = await api(page, 'metrics');
  t.diagnostic(`${metrics.step} steps; JS heap ${(start.heap / MB).toFixed(1)} -> ${(end.heap / MB).toFixed(1)} MB, ` +
    `wasm memory ${(start.wasm / MB).toFixed(1)} -> ${(end.wasm / MB).toFixed(1)} MB, history ${start.history} -> ${end.history}`);
  assert.equal(metrics.step, played + 100_000);
  assert.equal(await api(page, 'error'), null);
  for (const [k, v] of Object.entries(metrics)) assert.ok(v === null || Number.isFinite(v), `${k} = ${v}`);
  assert.ok(end.heap < start.heap + 20 * MB, `JS heap ${(start.heap / MB).toFixed(1)} -> ${(end.heap / MB).toFixed(1)} MB`);
  assert.ok(end.wasm < start.wasm + 20 * MB, `wasm memory ${(start.wasm / MB).toFixed(1)} -> ${(end.wasm / MB).toFixed(1)} MB`);
  assert.ok(end.history <= 2049, `history keeps ${end.history} records`);
  assert.deepEqual(end.opening, Array.from({ length: 512 }, (_, i) => i), 'every step 0..511 is kept');
  assert.equal(end.last, metrics.step, 'the latest step is always last');
  assert.equal(end.elements, start.elements, 'no DOM growth');
  // Still responds to the controls.
  await page.click('#step');
  await waitForStep(page, metrics.step + 1);
  await page.click('#reset');
  await waitForStep(page, 0);
  assertNoProblems(problems);
});

// ---------------------------------------------------------------- errors stay visible

// The facade has no way to panic on purpose, so the tests make the page's own calls fail: they
// replace a method of the glue's `Sim` prototype (the module instance the page imported) with
// one that throws a wasm trap (what a Rust panic becomes) or an ordinary Error.
function breakMethod(page, method, kind, message) {
  return page.evaluate(async ([name, how, text]) => {
    const { Sim } = await import('./pkg/dpo_sim.js');
    window.__e2eOriginal ??= {};
    window.__e2eOriginal[name] ??= Sim.prototype[name];
    Sim.prototype[name] = function broken() {
      throw how === 'trap' ? new WebAssembly.RuntimeError(text) : new Error(text);
    };
  }, [method, kind, message]);
}

function repair(page) {
  return page.evaluate(async () => {
    const { Sim } = await import('./pkg/dpo_sim.js');
    Object.assign(Sim.prototype, window.__e2eOriginal ?? {});
    window.__e2eOriginal = {};
  });
}

async function waitForBanner(page, pattern) {
  await page.waitForFunction((source) => {
    const banner = document.getElementById('error-banner');
    return banner.checkVisibility() && new RegExp(source).test(banner.textContent);
  }, pattern.source, { timeout: WAIT_TIMEOUT });
  return textOf(page, '#error-banner');
}

async function resetBringsItBack(page) {
  await page.click('#reset');
  await page.waitForFunction(() => document.getElementById('error-banner').hidden, null, { timeout: WAIT_TIMEOUT });
  await waitForStep(page, 0);
  assert.equal(await api(page, 'error'), null);
  await page.click('#step');
  await waitForStep(page, 1);
  await settle(page);
  await assertPlotsDrawn(page);
}

test('a trap (a Rust panic) while stepping or playing: the banner shows its message, the run restarts, reset clears it', async () => {
  const { page, problems } = await openSim(env);
  await api(page, 'step', 5);
  await breakMethod(page, 'step', 'trap', 'unreachable executed (injected)');
  await page.click('#step');
  const banner = await waitForBanner(page, /unreachable executed \(injected\)/);
  assert.match(banner, /^Internal error: .*restarted from step 0/);
  await waitForStep(page, 0);
  await repair(page);
  await resetBringsItBack(page);

  await breakMethod(page, 'step', 'trap', 'trap while playing (injected)');
  await page.click('#play');
  await waitForBanner(page, /trap while playing \(injected\)/);
  await page.waitForFunction(() => window.dpoSim.isPlaying() === false, null, { timeout: WAIT_TIMEOUT });
  assert.equal(await textOf(page, '#play'), 'Play');
  await repair(page);
  await resetBringsItBack(page);
  assertNoProblems(problems);
});

test('an exception in a step or while drawing shows the banner once with its message; reset brings the page back', async () => {
  const { page, problems } = await openSim(env);
  await breakMethod(page, 'step', 'error', 'step failed (injected)');
  await page.click('#step');
  assert.equal(await waitForBanner(page, /step failed \(injected\)/), 'step failed (injected)');
  await repair(page);
  await resetBringsItBack(page);

  // The readouts fail on every redraw: the page says so once instead of throwing every frame.
  await breakMethod(page, 'metrics', 'error', 'metrics failed (injected)');
  await page.click('#reset');
  assert.match(await waitForBanner(page, /metrics failed \(injected\)/), /^Internal error: metrics failed/);
  const errors = () => problems.consoleErrors.length + problems.pageErrors.length;
  const afterBanner = errors();
  await page.evaluate(async () => {
    for (let i = 0; i < 20; i++) await new Promise((done) => requestAnimationFrame(done));
  });
  // At most the screen-reader announcement's pending timer fails once more; a loop would add 20.
  assert.ok(errors() - afterBanner <= 1, `no error loop: ${[...problems.consoleErrors, ...problems.pageErrors].join(' | ')}`);
  assert.ok(problems.pageErrors.every((e) => /metrics failed/.test(e)), problems.pageErrors.join(' | '));
  await repair(page);
  await resetBringsItBack(page);

  // Anything else uncaught (here a button's handler) reaches the banner too.
  await breakMethod(page, 'pin', 'error', 'pin failed (injected)');
  await page.click('#pin');
  assert.match(await waitForBanner(page, /pin failed \(injected\)/), /^Internal error: /);
  await repair(page);
  await resetBringsItBack(page);
  assert.ok(problems.pageErrors.some((e) => /pin failed/.test(e)), 'the pin handler threw');
  assert.ok(problems.pageErrors.every((e) => /(metrics|pin) failed \(injected\)/.test(e)), problems.pageErrors.join(' | '));
  assert.deepEqual(problems.failedRequests, []);
  assert.deepEqual(problems.offOrigin, []);
});

// ---------------------------------------------------------------- no finite optimum

const DISTANCE_LABEL = 'Distance to θ_S';

async function readout(page) {
  return page.evaluate(() => {
    const out = {};
    for (const dt of document.querySelectorAll('#readout dt')) out[dt.textContent] = dt.nextElementSibling.textContent;
    return out;
  });
}

test('oracle labels and best-vs-worst pairs: the page says margins grow without bound; every number shown is finite', async () => {
  const { page, problems } = await openSim(env, '', { viewport: { width: 900, height: 700 } });
  assert.match((await readout(page))[DISTANCE_LABEL], /^[-\d.e+]+$/, 'with a finite optimum the distance is a number');
  for (const [name, setup] of [
    ['oracle labels', { labels: 'oracle', exact: '1', lr: '5' }],
    ['best-of-k preset', 'best-of-k'],
    ['margins beyond 1e4', { design: 'bvw', labels: 'oracle', k: '32', lr: '1000', beta: '10' }],
    ['tabular oracle', { model: 'tabular', labels: 'oracle', exact: '1', lr: '50' }],
  ]) {
    if (typeof setup === 'string') await api(page, 'preset', setup);
    else {
      await api(page, 'preset', 'quality');
      await api(page, 'set', setup);
      await api(page, 'reset');
    }
    const early = (await api(page, 'step', 100)).margin;
    const m = await api(page, 'step', 4900);
    assert.equal(m.step, 5000, name);
    assert.equal(await api(page, 'error'), null, `${name}: no divergence`);
    assert.ok(m.margin > early || m.margin > 1e4, `${name}: the margin grows (${early} -> ${m.margin})`);
    assert.equal(m.target_distance, null, `${name}: no finite target`);
    for (const [k, v] of Object.entries(m)) assert.ok(v === null || Number.isFinite(v), `${name}: ${k} = ${v}`);
    await settle(page);
    const shown = await readout(page);
    assert.equal(shown[DISTANCE_LABEL], 'none: margins grow without bound', name);
    const text = [...Object.values(shown), await textOf(page, '#sampler-readout'), await textOf(page, '#step-count')].join(' | ');
    assert.doesNotMatch(text, /NaN|Infinity|undefined|null|\[object/, `${name}: ${text}`);
    assert.equal(await textOf(page, '#step-count'), '5000');
    if (name === 'margins beyond 1e4') assert.ok(m.margin >= 1e4, `margin ${m.margin}`);
    await assertPlotsDrawn(page);
  }
  assertNoProblems(problems);
});

// ---------------------------------------------------------------- postMessage

test('postMessage data is never markup or code: wrong shapes get no reply, unknown methods and hostile values a refusal', async () => {
  const { page, problems } = await openSim(env);
  const active = await activeContent(page);
  const replies = await page.evaluate(async (xss) => {
    const got = [];
    window.addEventListener('message', (event) => {
      if (event.data?.type === 'dpo-sim-reply' && event.data.id !== 'x10') got.push(event.data);
    });
    const send = (message) => window.postMessage(message, '*');
    // Wrong shapes: ignored. Well-formed, with a method that is not the API's own (x4 to x9):
    // an error reply naming it and the known ones, and nothing called.
    for (const message of [
      null, undefined, 'step', 42, [], ['dpo-sim', 'step'], { method: 'step' }, { type: 'dpo-sim' },
      { type: 'DPO-SIM', id: 'x1', method: 'step' }, { type: ['dpo-sim'], id: 'x2', method: 'step' },
      { type: 'dpo-sim', id: 'x3', method: ['step'] }, { type: 'dpo-sim', id: 'x4', method: 'constructor' },
      { type: 'dpo-sim', id: 'x5', method: '__proto__' }, { type: 'dpo-sim', id: 'x6', method: 'toString' },
      { type: 'dpo-sim', id: 'x7', method: 'hasOwnProperty', args: ['step'] },
      { type: 'dpo-sim', id: 'x8', method: 'eval', args: ['window.__pwned=1'] },
      { type: 'dpo-sim', id: 'x9', method: xss }, { type: 'dpo-sim-reply', id: 'x10', result: xss, error: xss },
    ]) send(message);
    // Right shape, hostile values: refused with an error reply, nothing rendered as markup.
    send({ type: 'dpo-sim', id: 'h1', method: 'set', args: [{ quality: xss }] });
    send({ type: 'dpo-sim', id: 'h2', method: 'set', args: [{ [xss]: '1' }] });
    send({ type: 'dpo-sim', id: 'h3', method: 'preset', args: ['<svg onload=window.__pwned=1>'] });
    send({ type: 'dpo-sim', id: 'h4', method: 'set', args: ['quality=1&support=0.5'] });
    send({ type: 'dpo-sim', id: 'h5', method: 'step', args: [1e9] });
    send({ type: 'dpo-sim', id: 'h6', method: 'step', args: [xss] });
    send({ type: 'dpo-sim', id: 'h7', method: 'set', args: [{ quality: '0.5&support=0.1' }] });
    send({ type: 'dpo-sim', id: 'h8', method: 'step', args: 'not a list' });
    send({ type: 'dpo-sim', id: 'done', method: 'metrics', args: [] });
    // Messages are delivered in order: the last reply comes after all the others.
    const deadline = performance.now() + 10_000;
    while (!got.some((r) => r.id === 'done')) {
      if (performance.now() > deadline) throw new Error('no reply to the final message');
      await new Promise((done) => setTimeout(done, 10));
    }
    return got;
  }, XSS);
  assert.deepEqual(replies.map((r) => r.id), ['x4', 'x5', 'x6', 'x7', 'x8', 'x9', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'done']);
  const byId = Object.fromEntries(replies.map((r) => [r.id, r]));
  for (const [id, method] of [['x4', 'constructor'], ['x5', '__proto__'], ['x6', 'toString'], ['x7', 'hasOwnProperty'], ['x8', 'eval'], ['x9', XSS]]) {
    assert.equal(byId[id].result, undefined, `${id}: no result`);
    assert.ok(byId[id].error.startsWith(`unknown method '${method.slice(0, 40)}' (known: `), `${id}: names the method: ${byId[id].error}`);
    assert.match(byId[id].error, /\(known: get, set, step, .*\bsweep\b.*\)$/, `${id}: lists the known methods`);
  }
  for (const id of ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7']) assert.equal(typeof byId[id].error, 'string', `${id} refused`);
  assert.match(byId.h1.error, /quality/);
  assert.match(byId.h5.error, /step expects a whole number/);
  assert.equal(byId.h8.result.step, 1, 'args that are not a list are dropped: step() takes one step');
  assert.equal(byId.done.result.step, 1, 'only h8 stepped');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(await activeContent(page), active, 'nothing injected');
  assert.equal((await api(page, 'get')).quality, '0', 'refused calls changed nothing');
  assertNoProblems(problems);
});

test('with origin=<o> in the fragment, messages from any other origin get no reply and no effect', async () => {
  const { page, problems } = await openSim(env, `origin=${encodeURIComponent('https://embedder.example')}`);
  const outcome = await page.evaluate(async () => {
    const got = [];
    let marker = false;
    window.addEventListener('message', (event) => {
      if (event.data?.type === 'dpo-sim-reply') got.push(event.data);
      if (event.data === 'marker') marker = true;
    });
    window.postMessage({ type: 'dpo-sim', id: 1, method: 'step', args: [3] }, '*');
    window.postMessage({ type: 'dpo-sim', id: 2, method: 'set', args: [{ quality: '1' }] }, '*');
    // A reply would have been posted while handling the messages above, so before this one.
    window.postMessage('marker', '*');
    while (!marker) await new Promise((done) => setTimeout(done, 10));
    await new Promise((done) => setTimeout(done, 0));
    return { got, step: window.dpoSim.metrics().step, quality: window.dpoSim.get().quality };
  });
  assert.deepEqual(outcome, { got: [], step: 0, quality: '0' });
  assertNoProblems(problems);
});

// ---------------------------------------------------------------- no eval

async function sources() {
  const out = [];
  for (const dir of ['www', 'www/js', 'scripts', 'www/pkg', 'dist', 'dist/js']) {
    let names = [];
    try {
      names = await readdir(join(ROOT, dir));
    } catch {
      continue; // www/pkg and dist exist only after a build
    }
    for (const name of names.filter((n) => /\.(m?js|html)$/.test(n))) {
      out.push({ path: `${dir}/${name}`, text: await readFile(join(ROOT, dir, name), 'utf8') });
    }
  }
  return out;
}

test('no eval or new Function in the page, its scripts or the wasm glue; the CSP forbids them', async () => {
  const files = await sources();
  assert.ok(files.some((f) => f.path === 'www/js/main.js'), 'www/js/main.js was read');
  for (const { path, text } of files) {
    assert.doesNotMatch(text, /\beval\s*\(/, `${path}: eval(`);
    assert.doesNotMatch(text, /\bnew\s+Function\b|\bFunction\s*\(\s*['"`]/, `${path}: new Function`);
    assert.doesNotMatch(text, /\bset(Timeout|Interval)\s*\(\s*['"`]/, `${path}: a timer given code as text`);
    if (path.endsWith('.html')) {
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(text);
      assert.ok(csp, `${path} has a CSP meta tag`);
      assert.doesNotMatch(csp[1], /'unsafe-eval'/, `${path}: no 'unsafe-eval'`);
      assert.doesNotMatch(csp[1], /script-src[^;]*'unsafe-inline'/, `${path}: no inline scripts`);
    }
  }
  const standalone = await readFile(join(ROOT, 'dist', 'dpo-sim-standalone.html'), 'utf8').catch(() => null);
  if (standalone !== null) assert.doesNotMatch(/Content-Security-Policy" content="([^"]*)"/.exec(standalone)[1], /'unsafe-eval'/);

  // And the browser enforces it for the page's own code: code given as text is refused.
  const { page, problems } = await openSim(env);
  const blocked = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    setTimeout('window.__pwned = 1', 0);
    const button = document.createElement('button');
    button.setAttribute('onclick', 'window.__pwned = 2');
    document.body.append(button);
    button.click();
    button.remove();
    while (violations.length < 2) await new Promise((done) => setTimeout(done, 10));
    return { violations: violations.sort(), pwned: window.__pwned };
  });
  assert.deepEqual(blocked, { violations: ['script-src eval', 'script-src-attr inline'], pwned: undefined });
  assert.ok(problems.consoleErrors.every((e) => /Content Security Policy/.test(e)), 'only the refusals were logged');
});
