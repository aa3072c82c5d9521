// The guided tour (tour.html): every section's live figure (a <dpo-sim> element) loads its
// scenario, plays it once in view and draws; the numbers in the prose are computed and agree
// with the figures; every 'try this' link changes what it says; reduced motion means no
// autoplay; the simulator's preset stories link to the tour and the tour links back.
// Screenshots for a person to judge.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  suite, openPage, openSim, waitReady, assertNoProblems, api, OUTPUT, READY_TIMEOUT, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();
const DIR = join(OUTPUT, 'screenshots');
const written = [];
// An animated 400-step story takes a few seconds; loading a figure compiles the wasm again.
const RUN_TIMEOUT = 90_000;

after(() => {
  if (written.length) console.log(`screenshots written to ${DIR}:\n  ${written.join('\n  ')}`);
});

async function shoot(page, name, options = {}) {
  await mkdir(DIR, { recursive: true });
  const path = join(DIR, `${name}.png`);
  await page.screenshot({ path, ...options });
  written.push(path);
}

/** Opens tour.html (optionally with reduced motion) and waits for its script. */
async function openTour(options = {}, hash = '') {
  const opened = await openPage(env, { viewport: options.viewport ?? { width: 1400, height: 900 } });
  if (options.reducedMotion) await opened.page.emulateMedia({ reducedMotion: 'reduce' });
  await opened.page.goto(`${env.server.url}tour.html${hash}`);
  await opened.page.waitForFunction(() => document.documentElement.dataset.tour === 'ready', null, { timeout: READY_TIMEOUT });
  return opened;
}

function sectionIds(page) {
  return page.evaluate(() => [...document.querySelectorAll('section.chapter')].map((s) => s.id));
}

function dataset(page, id) {
  return page.evaluate((sid) => ({ ...document.getElementById(sid).dataset }), id);
}

/** Waits until `#id`'s dataset key has one of `values`. */
function waitData(page, id, key, values) {
  return page.waitForFunction(
    ([sid, k, list]) => list.includes(document.getElementById(sid).dataset[k]),
    [id, key, values],
    { timeout: RUN_TIMEOUT },
  );
}

/** Scrolls a section's heading to the top, as a reader arriving at it. */
function scrollTo(page, id) {
  return page.evaluate((sid) => document.getElementById(sid).scrollIntoView({ block: 'start' }), id);
}

/**
 * The section's figure, once it answers: its <dpo-sim> element, read through its methods (and,
 * for what the API does not say, the element's own state).
 */
async function figureOf(page, id) {
  await waitData(page, id, 'state', ['ready', 'running']);
  const sel = `#${id} dpo-sim`;
  const on = (fn) => page.evaluate(fn, sel);
  return {
    metrics: () => on((s) => document.querySelector(s).metrics()),
    get: () => on((s) => document.querySelector(s).get()),
    isPlaying: () => on((s) => document.querySelector(s).isPlaying()),
    preset: () => on((s) => document.querySelector(s).ui.preset),
    pinned: () => on((s) => document.querySelector(s).pinned().length),
    scopes: () => on((s) => Object.fromEntries([...document.querySelector(s).ui.inputs.values()].map((c) => [c.f.key, c.f.scope]))),
    /** The plots it shows, in their order on screen. */
    plots: () => on((s) => [...document.querySelector(s).shadowRoot.querySelectorAll('figure:not([hidden])')]
      .sort((a, b) => Number(a.style.order) - Number(b.style.order)).map((f) => f.querySelector('canvas').id)),
    /** A fingerprint and the number of colours of each shown canvas. */
    pixels: () => on((s) => [...document.querySelector(s).shadowRoot.querySelectorAll('figure:not([hidden]) canvas')].map((c) => {
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d');
      ctx.drawImage(c, 0, 0);
      const data = new Uint32Array(ctx.getImageData(0, 0, copy.width, copy.height).data.buffer);
      let hash = 0x811c9dc5;
      for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 0x01000193);
      return { id: c.id, hash: hash >>> 0, colours: new Set(data).size };
    })),
    /** Starts recording every step count the figure shows. */
    watchSteps: () => on((s) => {
      window.__e2eSteps = [];
      const counter = document.querySelector(s).shadowRoot.getElementById('step-count');
      new MutationObserver(() => window.__e2eSteps.push(Number(counter.textContent)))
        .observe(counter, { childList: true, characterData: true, subtree: true });
    }),
    seenSteps: () => page.evaluate(() => window.__e2eSteps),
  };
}

/** Waits until the figure's plots are at rest (unchanged over three frames), then asserts they are drawn. */
async function assertFigureDrawn(page, figure, id) {
  const deadline = Date.now() + WAIT_TIMEOUT;
  let last = null;
  for (let same = 0; same < 3;) {
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
    const now = JSON.stringify((await figure.pixels()).map((p) => p.hash));
    same = now === last ? same + 1 : 0;
    last = now;
    assert.ok(Date.now() < deadline, `${id}: the figure's plots settle`);
  }
  for (const p of await figure.pixels()) assert.ok(p.colours >= 3, `${id}: ${p.id} is drawn (${p.colours} colours)`);
}

/** Numbers whose run is `script` (the section's own run when null) and that name a plain column. */
function plainNumbers(page, id, script) {
  return page.evaluate(([sid, wanted]) => [...document.getElementById(sid).querySelectorAll('[data-num]')]
    .filter((span) => (span.dataset.run ?? null) === wanted && /^[a-z_]+$/.test(span.dataset.num))
    .map((span) => ({ column: span.dataset.num, value: Number(span.dataset.value), text: span.textContent })), [id, script]);
}

function close(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Settings values compare as numbers when both are numbers ("1" and "1.0"), else as text. */
function sameSetting(a, b) {
  const [x, y] = [Number(a), Number(b)];
  return Number.isFinite(x) && Number.isFinite(y) ? close(x, y) : String(a) === String(b);
}

test('every section: the figure loads its scenario, plays it once in view, draws, and the prose numbers match it', async () => {
  const { page, problems } = await openTour();
  const ids = await sectionIds(page);
  assert.ok(ids.length >= 7, `one section per finding (${ids.join(', ')})`);
  await shoot(page, 'tour-top');
  for (const id of ids) {
    await scrollTo(page, id);
    const frame = await figureOf(page, id);
    await waitData(page, id, 'autorun', ['done']);
    await waitData(page, id, 'state', ['ready']);
    await waitData(page, id, 'numbers', ['done']);
    const data = await dataset(page, id);
    const steps = Number(data.steps);
    assert.ok(steps > 0, `${id}: the section runs its story`);

    // The figure is the scenario, played to its end.
    assert.equal((await frame.metrics()).step, steps, `${id}: played ${steps} steps`);
    if (data.preset) assert.equal(await frame.preset(), data.preset, `${id}: the figure shows preset ${data.preset}`);
    // It shows the plots its element names, drawn.
    const named = await page.getAttribute(`#${id} dpo-sim`, 'plots');
    assert.deepEqual(await frame.plots(), named.split(','), `${id}: the figure shows ${named}`);
    await assertFigureDrawn(page, frame, id);

    // Every number is filled in, and the section's own numbers are what the figure shows.
    const texts = await page.evaluate((sid) => [...document.getElementById(sid).querySelectorAll('[data-num], [data-table-best]')]
      .map((span) => span.textContent.trim()), id);
    for (const text of texts) assert.match(text, /^−?\d+(\.\d+)?(e[−+-]?\d+)?$/, `${id}: a computed number, not '${text}'`);
    const metrics = await frame.metrics();
    for (const n of await plainNumbers(page, id, null)) {
      assert.ok(close(n.value, metrics[n.column]), `${id}: prose ${n.column} ${n.value} vs figure ${metrics[n.column]}`);
    }

    // The status line reads the figure, and the way out keeps its settings.
    assert.match(await page.textContent(`#${id} .fig-status`), new RegExp(`^Step ${steps} · Expected reward J`));
    const href = await page.getAttribute(`#${id} .open-full`, 'href');
    assert.match(href, /^index\.html#/, `${id}: a relative link to the simulator`);
    const settings = await frame.get();
    const linked = Object.fromEntries(href.split('#')[1].split('&').map((p) => p.split('=')));
    for (const [key, value] of Object.entries(settings)) assert.ok(sameSetting(linked[key], value), `${id}: link keeps ${key}`);
    if (data.preset) assert.equal(linked.preset, data.preset);

    await shoot(page, `tour-${id}`);
  }
  assertNoProblems(problems);
});

/**
 * What a 'try this' script should leave behind, from the figure's state before it runs:
 * settings, step and how many runs are pinned (at home, the scenario's comparison runs).
 * Restart-scope keys (data-scope in the figure) start the run again when their value changes.
 */
function expectAfter(script, before, home, homePinned, scopes) {
  const out = { settings: { ...before.settings }, step: before.step, pinned: before.pinned };
  for (const command of script.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [op, arg] = command.split(/\s+/);
    if (op === 'home') Object.assign(out, { settings: { ...home }, step: 0, pinned: homePinned });
    else if (op === 'reset') out.step = 0;
    else if (op === 'pin') out.pinned += 1;
    else if (op === 'unpin') out.pinned = 0;
    else if (op === 'run') out.step += Number(arg);
    else if (op === 'set') {
      for (const part of arg.split('&')) {
        const [key, value] = part.split('=');
        if (scopes[key] === 'restart' && !sameSetting(out.settings[key], value)) out.step = 0;
        out.settings[key] = value;
      }
    } else assert.fail(`unknown command '${command}'`);
  }
  return out;
}

async function figureState(frame) {
  return { settings: await frame.get(), step: (await frame.metrics()).step, pinned: await frame.pinned() };
}

async function checkLinks(page, id, { animated, only = Infinity }) {
  await scrollTo(page, id);
  const frame = await figureOf(page, id);
  await waitData(page, id, 'autorun', animated ? ['done'] : ['skipped']);
  await waitData(page, id, 'state', ['ready']);
  await waitData(page, id, 'numbers', ['done']);
  // Back to the section's start, to learn its settings.
  await page.click(`#${id} .replay`);
  await waitData(page, id, 'state', ['ready']);
  const { settings: home, pinned: homePinned } = await figureState(frame);
  const scopes = await frame.scopes();
  const links = page.locator(`#${id} a.try`);
  const count = await links.count();
  assert.ok(count > 0, `${id} has 'try this' links`);
  for (let i = 0; i < Math.min(count, only); i++) {
    const link = links.nth(i);
    const [script, label] = [await link.getAttribute('data-do'), (await link.textContent()).trim()];
    const expected = expectAfter(script, await figureState(frame), home, homePinned, scopes);
    const actions = Number((await dataset(page, id)).actions);
    // Every step count the figure shows on the way.
    await frame.watchSteps();
    await link.click();
    await page.waitForFunction(([sid, n]) => {
      const d = document.getElementById(sid).dataset;
      return Number(d.actions) > n && d.state === 'ready';
    }, [id, actions], { timeout: RUN_TIMEOUT });
    const now = await figureState(frame);
    for (const [key, value] of Object.entries(expected.settings)) {
      assert.ok(sameSetting(now.settings[key], value), `${id} '${label}': ${key} = ${now.settings[key]}, expected ${value}`);
    }
    assert.equal(now.step, expected.step, `${id} '${label}': step`);
    assert.equal(now.pinned, expected.pinned, `${id} '${label}': pinned runs`);
    if (animated) {
      const shown = new Set(await frame.seenSteps());
      assert.ok(shown.size >= 5, `${id} '${label}': the figure animated (${shown.size} distinct steps shown)`);
    }
    // What the prose promises for this link is what the figure now shows.
    const metrics = await frame.metrics();
    for (const n of await plainNumbers(page, id, script)) {
      assert.ok(close(n.value, metrics[n.column]), `${id} '${label}': prose ${n.column} ${n.value} vs figure ${metrics[n.column]}`);
    }
    // Without JavaScript the link still leads to the simulator with those settings.
    const href = await link.getAttribute('href');
    assert.match(href, /^index\.html#/);
    const linked = Object.fromEntries(href.split('#')[1].split('&').map((p) => p.split('=')));
    for (const part of script.split(';').map((s) => s.trim()).filter((s) => s.startsWith('set '))) {
      for (const [key, value] of part.slice(4).split('&').map((p) => p.split('='))) {
        assert.ok(sameSetting(linked[key], value), `${id} '${label}': href sets ${key}`);
      }
    }
    await assertFigureDrawn(page, frame, id);
  }
}

test('every "try this" link changes what it says (steps at once under reduced motion)', async () => {
  const { page, problems } = await openTour({ reducedMotion: true });
  for (const id of await sectionIds(page)) await checkLinks(page, id, { animated: false });
  await scrollTo(page, 'online');
  await shoot(page, 'tour-online-after-links');
  assertNoProblems(problems);
});

test('a "try this" link animates its steps when motion is welcome', async () => {
  const { page, problems } = await openTour();
  // The others ran above at once; animated runs take seconds each.
  await checkLinks(page, 'quality', { animated: true, only: 1 });
  await shoot(page, 'tour-quality-after-links');
  assertNoProblems(problems);
});

/** The computed number of section `id` named `num` after the script `run` (null: the section's own run). */
async function numberOf(page, id, num, run = null) {
  const values = await page.evaluate(([sid, n, r]) => [...document.getElementById(sid).querySelectorAll('[data-num]')]
    .filter((span) => span.dataset.num === n && (span.dataset.run ?? null) === r)
    .map((span) => Number(span.dataset.value)), [id, num, run]);
  assert.ok(values.length > 0, `#${id} shows ${num} after '${run}'`);
  return values[0];
}

test('the words around the numbers hold: each qualitative claim of the prose, checked on its numbers', async () => {
  const { page, problems } = await openTour();
  for (const id of await sectionIds(page)) {
    await scrollTo(page, id);
    await waitData(page, id, 'numbers', ['done']);
  }
  const n = (id, num, run) => numberOf(page, id, num, run);
  const claims = [
    ['support: expected reward stalls far below J*', async () => (await n('support', 'expected_reward')) < (await n('support', 'rlhf_reward')) - 0.5],
    ['support: ... at J_S, where this support lets DPO end', async () => Math.abs((await n('support', 'expected_reward')) - (await n('support', 'attainable_reward'))) < 0.15],
    ['support: full support reaches near J*', async () => (await n('support', 'expected_reward', 'home; set support=1; reset; run 400')) > (await n('support', 'rlhf_reward')) - 0.1],
    ['support: with full support J_S is J*', async () => Math.abs((await n('support', 'attainable_reward', 'home; set support=1; reset; run 400')) - (await n('support', 'rlhf_reward'))) < 1e-9],
    ['quality: more quality, a larger first signal', async () => (await n('quality', 'signal@0', 'home; set quality=1; reset; run 50')) > (await n('quality', 'signal@0', 'home; set quality=0; reset; run 50'))],
    ['quality: and a higher J after 50 steps', async () => (await n('quality', 'expected_reward@50', 'home; set quality=1; reset; run 50')) > (await n('quality', 'expected_reward@50', 'home; set quality=0; reset; run 50')) + 0.5],
    ['quality: the linear bowl steepens', async () => (await n('quality', 'hessian_max@0', 'home; set model=linear&lr=1')) > (await n('quality', 'hessian_max@0', 'home; set model=linear&lr=1&quality=0'))],
    ['quality: ... and flattens at the bottom', async () => (await n('quality', 'hessian_min_opt', 'home; set model=linear&lr=1')) < (await n('quality', 'hessian_min_opt', 'home; set model=linear&lr=1&quality=0'))],
    ['quality: ... so the local rate is slower', async () => (await n('quality', 'predicted_rate', 'home; set model=linear&lr=1')) > (await n('quality', 'predicted_rate', 'home; set model=linear&lr=1&quality=0'))],
    ['online: the sampled responses get better', async () => (await n('online', 'sampler.j_piq')) > (await n('online', 'sampler.j_piq', 'home')) + 0.5],
    ['online: offline stalls below online', async () => (await n('online', 'expected_reward', 'home; set online=0; reset; run 300')) < (await n('online', 'expected_reward')) - 0.5],
    ['online: J_S rises with the sampler', async () => (await n('online', 'attainable_reward')) > (await n('online', 'attainable_reward@0')) + 0.5],
    ['online: current pairs gain, step-0 pairs lose', async () => (await n('online', 'chosen_logp')) > (await n('online', 'chosen_logp@0'))
      && (await n('online', 'fixed_chosen_logp')) < (await n('online', 'fixed_chosen_logp@0'))],
    ['online: switching offline mid-run stops progress', async () => (await n('online', 'expected_reward', 'home; run 100; set online=0; run 200')) < (await n('online', 'expected_reward')) - 0.5],
    ['best-of-k: the first signal grows with K', async () => (await n('best-of-k', 'signal@0', 'home; set k=2; reset; run 300')) < (await n('best-of-k', 'signal@0', 'home; set k=8; reset; run 300'))],
    ['best-of-k: K = 8 starts faster', async () => (await n('best-of-k', 'expected_reward@5', 'home; set k=8; reset; run 300')) > (await n('best-of-k', 'expected_reward@5', 'home; set k=2; reset; run 300'))],
    ['best-of-k: K = 2 is ahead after 300 steps', async () => (await n('best-of-k', 'expected_reward', 'home; set k=2; reset; run 300')) > (await n('best-of-k', 'expected_reward', 'home; set k=8; reset; run 300'))],
    ['best-of-k: the loss tends to 0', async () => (await n('best-of-k', 'loss')) < 0.05],
    ['displacement: chosen falls while the margin grows', async () => (await n('displacement', 'chosen_logp')) < (await n('displacement', 'chosen_logp@0')) && (await n('displacement', 'margin')) > 0.5],
    ['displacement: rejected fall faster', async () => (await n('displacement', 'rejected_logp@0')) - (await n('displacement', 'rejected_logp')) > (await n('displacement', 'chosen_logp@0')) - (await n('displacement', 'chosen_logp'))],
    ['displacement: tabular mass stays in the support', async () => (await n('displacement', 'off_support_mass')) < 0.05],
    ['proxy: mass leaves the support and J nears J*', async () => (await n('displacement', 'off_support_mass', 'home; set model=linear&lr=1; run 300')) > 0.5
      && Math.abs((await n('displacement', 'expected_reward', 'home; set model=linear&lr=1; run 300')) - (await n('displacement', 'rlhf_reward', 'home; set model=linear&lr=1; run 300'))) < 0.15],
    ['sweet-spot: the best quality is in between', async () => {
      const best = Number(await page.textContent('#sweet-spot [data-table-best]'));
      return best > 0 && best < 1;
    }],
    ['sweet-spot: the signal at step 0 falls to under a third of its value by q = 0.5, and stays there', async () => {
      const signal = (q) => n('sweet-spot', 'signal@0', `home; set quality=${q}; reset; run 50`);
      const first = await signal('0');
      return (await signal('0.125')) < first && (await signal('0.25')) < (await signal('0.125'))
        && (await signal('0.5')) < first / 3 && (await signal('0.75')) < first / 3 && (await signal('1')) < first / 3;
    }],
    ['sweet-spot: q = 1 is below q = 0', async () => (await n('sweet-spot', 'expected_reward@50', 'home; set quality=1; reset; run 50')) < (await n('sweet-spot', 'expected_reward@50', 'home; set quality=0; reset; run 50'))],
    ['over-optimisation: J peaks, then falls while the loss improves', async () => (await n('over-optimisation', 'peak:expected_reward')) > (await n('over-optimisation', 'expected_reward')) + 0.3
      && (await n('over-optimisation', 'loss')) < (await n('over-optimisation', 'peak-loss:expected_reward'))],
    ['over-optimisation: it heads for J_S, well below the peak, slowly', async () => (await n('over-optimisation', 'attainable_reward')) < (await n('over-optimisation', 'peak:expected_reward')) - 1
      && (await n('over-optimisation', 'predicted_rate')) > 0.99 && (await n('over-optimisation', 'target_distance')) > 0.1],
  ];
  for (const [claim, holds] of claims) assert.ok(await holds(), claim);
  assertNoProblems(problems);
});

test('with prefers-reduced-motion the figures do not play by themselves; a button steps on demand', async () => {
  const { page, problems } = await openTour({ reducedMotion: true });
  await scrollTo(page, 'support');
  const frame = await figureOf(page, 'support');
  await waitData(page, 'support', 'autorun', ['skipped']);
  await page.waitForTimeout(1000);
  assert.equal((await frame.metrics()).step, 0, 'still at step 0');
  assert.equal(await frame.isPlaying(), false);
  const steps = Number((await dataset(page, 'support')).steps);
  assert.match(await page.textContent('#support .replay'), new RegExp(`${steps}`));
  await page.click('#support .replay');
  await page.waitForFunction(() => document.getElementById('support').dataset.actions === '1', null, { timeout: RUN_TIMEOUT });
  assert.equal((await frame.metrics()).step, steps);
  assertNoProblems(problems);
});

test('the simulator\'s preset stories link to their tour section, and the tour links back', async () => {
  const { page, problems } = await openSim(env);
  const tour = await openTour();
  const tourIds = await tour.page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id));
  const keys = await page.evaluate(() => [...document.getElementById('preset').options].map((o) => o.value).filter(Boolean));
  for (const key of keys) {
    await page.selectOption('#preset', key);
    const href = await page.getAttribute('#story-tour', 'href');
    assert.equal(href, `tour.html#${key}`, `${key}: the story links to the tour`);
    assert.ok(tourIds.includes(key), `${key}: the tour has #${key}`);
  }
  assert.equal(await page.textContent('#story-tour'), 'More in the tour');

  // Follow one from the opened story: the tour opens at the section, whose figure then plays the same preset.
  await page.selectOption('#preset', 'online');
  await page.click('#story-toggle');
  await page.click('#story-tour');
  await page.waitForURL(/tour\.html#online$/);
  await page.waitForFunction(() => document.documentElement.dataset.tour === 'ready', null, { timeout: READY_TIMEOUT });
  const frame = await figureOf(page, 'online');
  await waitData(page, 'online', 'autorun', ['done']);
  assert.equal(await frame.preset(), 'online');
  const top = await page.evaluate(() => document.getElementById('online').getBoundingClientRect().top);
  assert.ok(Math.abs(top) < 60, `the tour opened at the section (its top at ${top}px)`);

  // And back: "Open in the full simulator" restores the figure's settings.
  const settings = await frame.get();
  await page.click('#online .open-full');
  await page.waitForURL(/index\.html#preset=online&/);
  await waitReady(page);
  assert.deepEqual(await api(page, 'get'), settings);
  assert.equal(await page.inputValue('#preset'), 'online');
  assertNoProblems(problems);
  assertNoProblems(tour.problems);
});

test('the tour on a phone: figure under each heading, no sideways scrolling', async () => {
  const { page, problems } = await openTour({ viewport: { width: 390, height: 844 } });
  await scrollTo(page, 'quality');
  const frame = await figureOf(page, 'quality');
  // Figures above may have settled their heights meanwhile.
  await page.locator('#quality figure.live').scrollIntoViewIfNeeded();
  await waitData(page, 'quality', 'autorun', ['done']);
  await assertFigureDrawn(page, frame, 'quality');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal overflow (${overflow}px)`);
  await shoot(page, 'tour-phone-390x844');
  assertNoProblems(problems);
});
