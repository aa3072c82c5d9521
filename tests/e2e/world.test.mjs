// A world given as a list of responses: rewards= and world= in the address, the API and an
// element's attribute; a CSV file opened with the page's button; names in the key numbers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  suite, openSim, assertNoProblems, api, apiError, textOf, settle, plotHashes, colourCentre, WAIT_TIMEOUT, READY_TIMEOUT,
} from './helpers.mjs';

const env = suite();

const SIX = 'world=helpful,2,,,-3;verbose,0.5,,,2;concise,1,,,0;hedging,0,,,1;refusal,-1,,,0.5;off-topic,-2,,,-1';

/** The key numbers' value for `label`. */
const keyNumber = (page, label) => page.evaluate((l) => {
  const dt = [...document.querySelectorAll('#key-numbers dt')].find((d) => d.textContent === l);
  return dt?.nextElementSibling.textContent ?? null;
}, label);

test('rewards= in the address sets N and the rewards; get() gives the same text; a bad list changes nothing', async () => {
  const { page, problems } = await openSim(env, 'model=tabular&rewards=1.5,-2,0.25,3,0');
  const got = await api(page, 'get');
  assert.equal(got.rewards, '1.5,-2,0.25,3,0');
  assert.equal(got.n, '5');
  // The address written back carries the list as given.
  assert.match(await page.evaluate(() => location.hash), /&rewards=1\.5,-2,0\.25,3,0(&|$)/);

  for (const [value, pattern] of [['1,2,<b>3</b>,4', /^rewards, value 3: '<b>3<\/b>'/], ['1,2,3', /rewards gives 3 responses/], ['1,2,NaN,4', /rewards, value 3/]]) {
    assert.match(await apiError(page, 'set', { rewards: value }), pattern);
    assert.deepEqual(await api(page, 'get'), got, `${value}: nothing changed`);
  }
  assert.match(await apiError(page, 'set', { rewards: '1,2,3,4', n: 5 }), /n = 5 disagrees with rewards, which gives 4 responses/);
  assert.deepEqual(await api(page, 'get'), got);

  assert.deepEqual(await api(page, 'set', { rewards: '4,3,2,1' }), { restarted: true });
  assert.equal((await api(page, 'get')).rewards, '4,3,2,1');
  // The n slider is off while the list gives N, and says why; back on for a generated world.
  const n = page.locator('#ctl-n');
  const why = page.locator('#why-n');
  assert.equal(await n.isDisabled(), true);
  assert.equal(await why.textContent(), "Not used: the world's list gives N: its length.");
  await api(page, 'set', { rewards: '' });
  assert.equal(await n.isDisabled(), false);
  assert.equal(await why.isVisible(), false);
  await api(page, 'set', { rewards: '4,3,2,1' });
  await page.waitForFunction(() => document.getElementById('sampler-readout').textContent.includes('N = 4'), null, { timeout: WAIT_TIMEOUT });
  assertNoProblems(problems);
});

test('a named world from the address round-trips bit-exactly and names the most likely response', async () => {
  const { page, problems } = await openSim(env, `model=tabular&${SIX}`);
  assert.equal((await api(page, 'get')).world, SIX.slice('world='.length));
  assert.equal(await keyNumber(page, 'Most likely response'), 'verbose, 56 %');
  // A copied link opens the same world.
  const hash = await page.evaluate(() => location.hash);
  const again = await openSim(env, hash.slice(1));
  assert.deepEqual(await api(again.page, 'get'), await api(page, 'get'));
  // A scenario loaded afterwards replaces the world with its own (here: the generated one).
  await page.selectOption('#preset', 'quality');
  await settle(page);
  const after = await api(page, 'get');
  assert.equal(after.world, undefined);
  assert.equal(after.n, '48');
  assertNoProblems(problems);
  assertNoProblems(again.problems);
});

test('a world CSV opened with the page\'s button restarts the run on it and says so; a bad file is named by line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dpo-world-'));
  try {
    const good = join(dir, 'answers.csv');
    await writeFile(good, 'name,reward,ref\nhelpful,2,-3\n"verbose, long",0.5,2\nrefusal,-1,0\nrude,-2,0\n');
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'name,reward\na,1\nb,lots\nc,3\nd,4\n');
    const { page, problems } = await openSim(env, 'model=tabular');
    await api(page, 'step', 5);
    const open = async (file) => {
      const chooser = page.waitForEvent('filechooser');
      await page.locator('label.file-button').click();
      await (await chooser).setFiles(file);
    };
    await open(good);
    await page.waitForFunction(() => window.dpoSim.get().world !== undefined, null, { timeout: WAIT_TIMEOUT });
    assert.equal((await api(page, 'get')).world, 'helpful,2,,,-3;verbose%2C%20long,0.5,,,2;refusal,-1,,,0;rude,-2,,,0');
    assert.equal((await api(page, 'metrics')).step, 0, 'the run restarted');
    await page.waitForFunction(() => document.getElementById('announce').textContent.includes('World loaded from answers.csv: 4 responses; the run restarted'), null, { timeout: WAIT_TIMEOUT });
    assert.equal(await keyNumber(page, 'Most likely response'), 'verbose, long, 78 %');
    const before = await api(page, 'get');
    await open(bad);
    await page.waitForFunction(() => !document.getElementById('notice').hidden, null, { timeout: WAIT_TIMEOUT });
    assert.match(await textOf(page, '#notice'), /bad\.csv, line 3, reward: 'lots' is not a finite number/);
    assert.deepEqual(await api(page, 'get'), before, 'a refused file changes nothing');
    assertNoProblems(problems);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an element takes rewards= as an attribute, and removing it brings back the generated world', async () => {
  const { page, problems } = await openSim(env);
  await page.evaluate(async () => {
    await import('./js/dpo-sim.js');
    const e = document.createElement('dpo-sim');
    e.id = 'w';
    e.setAttribute('rewards', '3,1,2,0,-1');
    e.setAttribute('model', 'tabular');
    document.body.append(e);
  });
  await page.waitForFunction(() => document.getElementById('w').api, null, { timeout: READY_TIMEOUT });
  const get = () => page.evaluate(() => document.getElementById('w').get());
  assert.equal((await get()).rewards, '3,1,2,0,-1');
  assert.equal((await get()).n, '5');
  await page.evaluate(() => document.getElementById('w').removeAttribute('rewards'));
  await page.waitForFunction(() => document.getElementById('w').get().rewards === undefined, null, { timeout: WAIT_TIMEOUT });
  assert.equal((await get()).n, '48');
  assertNoProblems(problems);
});

test('the world editor: rename, edit, add and remove by keyboard alone; each change restarts the run and says so', async () => {
  const { page, problems } = await openSim(env, `model=tabular&${SIX}`);
  await api(page, 'step', 3);
  const summary = page.locator('#world-editor summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#world-rows tr').length === 6, null, { timeout: WAIT_TIMEOUT });
  const status = () => textOf(page, '#world-status');

  // Edit helpful's reward: select the cell's text and type over it, then Enter.
  const reward = page.getByLabel('Reward of helpful');
  await reward.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3.5');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.dpoSim.get().world.startsWith('helpful,3.5,'), null, { timeout: WAIT_TIMEOUT });
  assert.equal((await api(page, 'metrics')).step, 0, 'the run restarted');
  assert.match(await status(), /Reward of helpful set to 3\.5: the world has 6 responses now, and the run restarted/);
  // Focus stays in the cell that was edited.
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Reward of helpful');

  // Rename: Tab back to the name cell (Shift+Tab), type a new name.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('kind, helpful');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => window.dpoSim.get().world.startsWith('kind%2C%20helpful,3.5,'), null, { timeout: WAIT_TIMEOUT });

  // A bad number is refused by name, and nothing changes.
  const before = await api(page, 'get');
  const verbose = page.getByLabel('Reward of verbose');
  await verbose.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('lots');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('world-status').textContent.startsWith('Not applied'), null, { timeout: WAIT_TIMEOUT });
  assert.match(await status(), /world, response 2, reward: 'lots' is not a finite number/);
  assert.deepEqual(await api(page, 'get'), before);

  // Add and remove by keyboard.
  await page.locator('#world-add').press('Enter');
  await page.waitForFunction(() => window.dpoSim.get().n === '7', null, { timeout: WAIT_TIMEOUT });
  assert.match((await api(page, 'get')).world, /;r7,0,0,0,0$/);
  await page.getByRole('button', { name: 'Remove off-topic' }).press('Enter');
  await page.waitForFunction(() => window.dpoSim.get().n === '6', null, { timeout: WAIT_TIMEOUT });
  assert.doesNotMatch((await api(page, 'get')).world, /off-topic/);
  assert.match(await status(), /Removed off-topic/);
  assertNoProblems(problems);
});

test('a response dragged on the map with the mouse moves its features; with the map focused, ] and the arrows do the same', async () => {
  const { page, problems } = await openSim(env, 'model=tabular&world=a,0,1,0.5;b,1,-1,-0.5;best,2,0.2,1;d,-1,0.5,-1');
  await page.locator('#map').scrollIntoViewIfNeeded();
  await settle(page, ['map']);
  // The best response is the top of viridis: find its disc by its colour, and drag it.
  const disc = await page.evaluate(colourCentre, ['map', [253, 231, 37]]);
  assert.ok(disc && disc.count > 20, `the best response's disc is drawn (${JSON.stringify(disc)})`);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + disc.x, box.y + disc.y);
  await page.mouse.down();
  for (let k = 1; k <= 5; k++) await page.mouse.move(box.x + disc.x + 8 * k, box.y + disc.y + 6 * k);
  await page.mouse.up();
  const best = (await api(page, 'get')).world.split(';')[2].split(',');
  assert.equal(best[0], 'best');
  assert.equal(best[1], '2', 'its reward stays');
  assert.ok(Number(best[2]) > 0.3 && Number(best[3]) < 0.9, `dragged right and down: φ = (${best[2]}, ${best[3]})`);
  assert.equal((await api(page, 'metrics')).step, 0, 'the run restarted on the moved world');

  // By keyboard: focus the map, ] picks the next response, → moves it by 0.1.
  await page.locator('#map').focus();
  await page.keyboard.press(']');
  await page.keyboard.press('ArrowRight');
  // Said at once (the run's summary replaces it a second later).
  const said = await textOf(page, '#announce');
  const start = { a: 1, b: -1, d: 0.5 };
  const rows = (await api(page, 'get')).world.split(';').map((r) => r.split(','));
  const movedRows = rows.filter(([n, , phi1]) => n in start && Number(phi1) !== start[n]);
  assert.equal(movedRows.length, 1, `one response moved: ${rows.join(';')}`);
  const [name, , phi1] = movedRows[0];
  assert.ok(Math.abs(Number(phi1) - (start[name] + 0.1)) < 1e-12, `${name} moved by 0.1: ${phi1}`);
  assert.equal((await api(page, 'metrics')).step, 0, '→ on the map moved a response, not a step');
  assert.match(said, new RegExp(`^${name} at φ = `));
  assertNoProblems(problems);
});

test('the share dialog says when a world makes the link too long to share, and offers the file', async () => {
  const { page, problems } = await openSim(env);
  const dialog = page.locator('#share-dialog');
  const note = page.locator('#share-long');
  const openShare = async () => {
    await page.locator('#open-share').click();
    await dialog.waitFor({ state: 'visible', timeout: WAIT_TIMEOUT });
  };
  await openShare();
  assert.equal(await note.isVisible(), false, 'a generated world\'s link is short');
  await page.keyboard.press('Escape');
  // 200 named responses: a link of about 8,000 characters.
  const world = Array.from({ length: 200 }, (_, k) => `answer-${String(k).padStart(3, '0')}-in-its-own-words,${(k % 7) - 3}`).join(';');
  assert.deepEqual(await api(page, 'set', { world }), { restarted: true });
  await page.waitForFunction(() => location.href.length > 2000, null, { timeout: WAIT_TIMEOUT });
  await openShare();
  const length = await page.evaluate(() => location.href.length);
  assert.ok(await note.isVisible(), 'the note shows');
  const text = await note.textContent();
  assert.ok(text.includes(length.toLocaleString('en')), `it gives the link's length (${length}): ${text}`);
  assert.match(text, /Export responses, then Open world CSV/);
  assertNoProblems(problems);
});

test('in a world of more than 12 the map names no response, but the one under the pointer', async () => {
  // 20 responses; the last the best, the top of viridis, drawn where its features say.
  const list = Array.from({ length: 20 }, (_, k) => `r${k},${k === 19 ? 3 : (k % 5) - 2},${(k % 4) - 1.5},${(k % 5) - 2}`);
  const { page, problems } = await openSim(env, `model=tabular&world=${list.join(';')}`);
  await page.locator('#map').scrollIntoViewIfNeeded();
  await settle(page, ['map']);
  const hash = async () => (await plotHashes(page, ['map'])).map;
  const plain = await hash();
  const disc = await page.evaluate(colourCentre, ['map', [253, 231, 37]]);
  assert.ok(disc && disc.count > 20, `the best response's disc is drawn (${JSON.stringify(disc)})`);
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + disc.x, box.y + disc.y);
  await settle(page, ['map']);
  assert.notEqual(await hash(), plain, 'the response under the pointer is ringed and named');
  await page.mouse.move(box.x + 2, box.y + 2);
  await settle(page, ['map']);
  assert.equal(await hash(), plain, 'and no longer once the pointer leaves it');
  assert.equal((await api(page, 'metrics')).step, 0, 'hovering changes nothing');
  assertNoProblems(problems);
});
