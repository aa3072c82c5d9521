// The notebook widget's front end (python/dpo_sim/static/widget.js, issue 22) in a stand-in
// anywidget host: a static page that imports the module from a blob: URL of its own for each
// widget, as anywidget does, and gives it a model with get, set, save_changes, on, off and send
// whose kernel echoes every saved value 150 ms late. It checks that a widget is drawn within a second,
// that ten widgets compile the wasm once, trait -> slider, a real mouse drag -> trait (stale
// echoes do not move the slider back), a world and theta0 both ways, the kernel's calls answered, and the HTML fallback.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, openPage, startServer, assertNoProblems, ROOT, READY_TIMEOUT, WAIT_TIMEOUT } from './helpers.mjs';

const env = suite({ serve: false });
const PACKAGE = join(ROOT, 'python', 'dpo_sim');
const PYTHON = join(ROOT, 'python', '.venv', 'bin', 'python');

// The host: window.host.show(state) renders one widget as anywidget would and resolves with its
// model once its element is on the page; `window.compiles` counts wasm compilations.
const HOST = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>a notebook</title></head>
<body style="margin: 0 auto; max-width: 900px"><div id="cells"></div>
<script type="module">
window.compiles = 0;
for (const name of ['compile', 'compileStreaming']) {
  const original = WebAssembly[name];
  WebAssembly[name] = (...args) => { window.compiles += 1; return original(...args); };
}
// The kernel's echo of a saved value arrives this late: a drag has moved on by then.
const ECHO_MS = 150;
class Model {
  constructor(state) { this.state = { ...state }; this.handlers = new Map(); this.sent = []; this.saves = []; this.dirty = {}; }
  get(key) { return this.state[key]; }
  set(key, value) {
    if (this.state[key] === value) return;
    this.state[key] = value;
    this.dirty[key] = value;
    this.emit('change:' + key);
  }
  save_changes() {
    const changes = this.dirty;
    this.dirty = {};
    this.saves.push(changes);
    setTimeout(() => { for (const [key, value] of Object.entries(changes)) this.set(key, value); this.dirty = {}; }, ECHO_MS);
  }
  on(name, callback) { if (!this.handlers.has(name)) this.handlers.set(name, new Set()); this.handlers.get(name).add(callback); }
  off(name, callback) { this.handlers.get(name)?.delete(callback); }
  emit(name, ...args) { for (const callback of [...(this.handlers.get(name) ?? [])]) callback(...args); }
  send(content) { this.sent.push(content); }
  // The kernel's side.
  kernelSets(state) { for (const [key, value] of Object.entries(state)) this.set(key, value); this.dirty = {}; }
  call(id, method, ...args) { this.emit('msg:custom', { kind: 'call', id, method, args }, []); }
  reply(id) { return this.sent.find((m) => m.kind === 'reply' && m.id === id); }
}
const esm = await (await fetch('widget.js')).text();
window.host = {
  models: [],
  async show(state) {
    const started = performance.now();
    const el = document.createElement('div');
    el.className = 'cell';
    document.getElementById('cells').append(el);
    const url = URL.createObjectURL(new Blob([esm], { type: 'text/javascript' }));
    const widget = (await import(url)).default;
    URL.revokeObjectURL(url);
    const model = new Model(state);
    model.started = started;
    await widget.initialize({ model });
    await widget.render({ model, el });
    window.host.models.push(model);
    return window.host.models.length - 1;
  },
};
window.hostReady = true;
</script></body></html>`;

let site;
let server;
let state;
before(async () => {
  assert.ok(existsSync(join(PACKAGE, 'static', 'widget.js')), 'python/dpo_sim/static/widget.js is built (./build.sh dist)');
  site = await mkdtemp(join(tmpdir(), 'dpo-e2e-notebook-'));
  await cp(join(PACKAGE, 'static', 'widget.js'), join(site, 'widget.js'));
  await writeFile(join(site, 'notebook.html'), HOST);
  server = await startServer(site);
  // A Simulator's traits as the kernel sends them: the core's defaults, the quality preset on top.
  const tables = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(PACKAGE, 'tables.json'), 'utf8')));
  const value = (f, text) => (f.kind === 'bool' ? text === '1' : f.kind === 'real' || f.kind === 'int' ? Number(text) : text);
  const query = Object.fromEntries(`${tables.defaults}&${tables.presets.find((p) => p.key === 'quality').settings}`.split('&').map((kv) => kv.split('=')));
  state = Object.fromEntries(tables.fields.map((f) => [f.key, value(f, query[f.key])]));
  // The settings given as text (the world's lists, theta0): '' when not given.
  for (const key of tables.setting_keys) if (!(key in state)) state[key] = '';
  Object.assign(state, { preset: 'quality', plots: 'landscape,signal', controls: 'quality,support', pace: null, steps: null, heading: null, autoplay: false });
});
after(async () => {
  server?.stop();
  if (site) await rm(site, { recursive: true, force: true });
});

async function openNotebook() {
  const opened = await openPage(env, { viewport: { width: 1000, height: 900 }, allowedOrigins: [server.origin] });
  await opened.page.goto(`${server.url}notebook.html`);
  await opened.page.waitForFunction(() => window.hostReady === true, null, { timeout: READY_TIMEOUT });
  return opened;
}

/** Shows a widget; resolves with its index and the ms from its cell running to its plots drawn. */
function show(page, extra = {}) {
  return page.evaluate(async (s) => {
    const k = await window.host.show(s);
    const model = window.host.models[k];
    const sim = document.querySelectorAll('dpo-sim')[k];
    const drawn = () => {
      const canvas = sim.shadowRoot?.getElementById('landscape');
      if (!canvas || canvas.width === 0) return false;
      const data = new Uint32Array(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.buffer);
      return new Set(data.filter((_, i) => i % 97 === 0)).size >= 3;
    };
    while (!drawn()) await new Promise((done) => requestAnimationFrame(done));
    return { k, ms: performance.now() - model.started };
  }, { ...state, ...extra });
}

const shown = (page, k) => page.evaluate((i) => document.querySelectorAll('dpo-sim')[i].get(), k);
const trait = (page, k, key) => page.evaluate(([i, name]) => window.host.models[i].get(name), [k, key]);

test('a widget is drawn within a second and follows its traits, in both directions', async () => {
  const { page, problems } = await openNotebook();
  const { k, ms } = await show(page);
  console.log(`first widget drawn ${ms.toFixed(0)} ms after its cell ran`);
  assert.ok(ms < 1000, `drawn in ${ms.toFixed(0)} ms`);
  assert.deepEqual(await page.evaluate(() => window.host.models[0].sent), [{ kind: 'view', open: true }]);
  assert.equal((await shown(page, k)).model, 'tabular', 'the preset is loaded');

  // Trait -> slider: the kernel sets quality and n; the slider moves, the run restarts with N = 64.
  await page.evaluate(() => window.host.models[0].kernelSets({ quality: 0.25, n: 64 }));
  await page.waitForFunction(() => document.querySelector('dpo-sim').get().n === '64', null, { timeout: WAIT_TIMEOUT });
  const slider = page.locator('dpo-sim #ctl-quality');
  assert.equal(await slider.inputValue(), '0.25');
  assert.equal((await shown(page, k)).quality, '0.25');

  // Slider -> trait: a real mouse drag from 10 % to 90 % of the track. The kernel's echoes arrive
  // 150 ms late all along, each older than the slider by then, and must not pull it back.
  const box = await slider.boundingBox();
  const y = box.y + box.height / 2;
  const x = (share) => box.x + box.width * share;
  await page.mouse.move(x(0.1), y);
  await page.mouse.down();
  const positions = [];
  for (let m = 1; m <= 12; m++) {
    await page.mouse.move(x(0.1 + (0.8 * m) / 12), y, { steps: 2 });
    await page.waitForTimeout(20);
    const moved = Number(await slider.inputValue());
    await page.waitForTimeout(60);
    positions.push(moved);
    assert.equal(Number(await slider.inputValue()), moved, `the slider stays under the mouse while echoes arrive (move ${m})`);
  }
  await page.mouse.up();
  await page.waitForTimeout(400); // every echo is in
  const end = Number(await slider.inputValue());
  assert.ok(positions.every((p, i) => i === 0 || p >= positions[i - 1]), `the slider only moves with the mouse: ${positions.join(', ')}`);
  assert.ok(end > 0.8, `the slider ends near 90 %: ${end}`);
  assert.equal(await trait(page, k, 'quality'), end, 'the trait is where the slider is');
  assert.equal(Number((await shown(page, k)).quality), end);
  const saves = await page.evaluate(() => window.host.models[0].saves.filter((s) => 'quality' in s).length);
  assert.ok(saves >= 5, `the trait followed the drag (${saves} saves)`);

  // A preset from the kernel, with its settings in the same message: the scenario loads.
  await page.evaluate(() => window.host.models[0].kernelSets({ preset: 'online', quality: 0.5, support: 0.25, online: 1, lr: 5, refq: -0.5 }));
  await page.waitForFunction(() => document.querySelector('dpo-sim').get().online === '1', null, { timeout: WAIT_TIMEOUT });
  assert.equal(await slider.inputValue(), '0.5');
  assertNoProblems(problems);
});

test('a world and a start point from the kernel reach the element, and ones set on the page come back', async () => {
  const { page, problems } = await openNotebook();
  const { k } = await show(page);
  const element = (fn, ...args) => page.evaluate(([i, f, a]) => new Function('sim', ...a.map((_, j) => `a${j}`), `return (${f})`)(document.querySelectorAll('dpo-sim')[i], ...a), [k, fn, args]);
  await element('sim.step(5)');
  assert.equal((await element('sim.metrics()')).step, 5);

  // Kernel -> element: a world as Python sends it (n with it, its length); the run restarts on it.
  const world = 'helpful,2;verbose,1;refusal,-1;off,0';
  await page.evaluate(([i, w]) => window.host.models[i].kernelSets({ world: w, n: 4 }), [k, world]);
  await page.waitForFunction(([i, w]) => document.querySelectorAll('dpo-sim')[i].get().world === w, [k, world], { timeout: WAIT_TIMEOUT });
  assert.equal((await shown(page, k)).n, '4');
  assert.equal((await element('sim.metrics()')).step, 0, 'the run restarted on the world');
  assert.equal((await element('sim.history()')).length, 1);

  // Element -> kernel: a start point and a new world set through the element's API reach the model.
  await element("sim.set({ theta0: '1.5,-2' })");
  await page.waitForFunction((i) => window.host.models[i].get('theta0') === '1.5,-2', k, { timeout: WAIT_TIMEOUT });
  await element("sim.set({ rewards: '1,2,3,4,5' })");
  await page.waitForFunction((i) => window.host.models[i].get('rewards') === '1,2,3,4,5', k, { timeout: WAIT_TIMEOUT });
  assert.deepEqual(await page.evaluate((i) => ['world', 'n', 'theta0'].map((key) => window.host.models[i].get(key)), k), ['', 5, '1.5,-2']);
  await page.waitForTimeout(400); // the kernel's echoes are in, and move nothing back
  assert.equal((await shown(page, k)).rewards, '1,2,3,4,5');
  assert.equal((await shown(page, k)).theta0, '1.5,-2');

  // Kernel -> element: '' is the generated world and the start at 0,0 (which get() leaves out).
  await page.evaluate((i) => window.host.models[i].kernelSets({ rewards: '', theta0: '' }), k);
  await page.waitForFunction((i) => !('rewards' in document.querySelectorAll('dpo-sim')[i].get()), k, { timeout: WAIT_TIMEOUT });
  const settings = await shown(page, k);
  assert.equal(settings.theta0, undefined);
  assert.equal(settings.world, undefined);
  assert.equal(settings.n, '5', 'the generated world keeps N');
  assertNoProblems(problems);
});

test("the kernel's calls are answered: step, metrics, history, sweep, and refusals with the core's message", async () => {
  const { page, problems } = await openNotebook();
  const { k } = await show(page);
  const call = (id, method, ...args) => page.evaluate(async ([i, n, m, a]) => {
    const model = window.host.models[i];
    model.call(n, m, ...a);
    while (!model.reply(n)) await new Promise((done) => setTimeout(done, 10));
    return model.reply(n);
  }, [k, id, method, args]);
  const stepped = await call(1, 'step', 5);
  assert.equal(stepped.result.step, 5);
  assert.ok(Number.isFinite(stepped.result.expected_reward));
  assert.equal((await call(2, 'metrics')).result.step, 5);
  const history = (await call(3, 'history')).result;
  assert.deepEqual(history.map((row) => row.step), [0, 1, 2, 3, 4, 5]);
  assert.equal((await call(4, 'reset')).result, null);
  assert.equal((await call(5, 'metrics')).result.step, 0);
  const sweep = (await call(6, 'sweep', { over: 'quality', values: [0, 1], grid: null, steps: 5 })).result;
  assert.deepEqual(sweep.map((row) => Number(row.quality)), [0, 1]);
  assert.match((await call(7, 'sweep', { over: 'colour', values: [0, 1], steps: 5 })).error, /^unknown setting 'colour'/);
  assert.match((await call(8, 'step', -1)).error, /^step expects a whole number of steps from 0 to 1000000/);
  assert.match((await call(9, 'eval', '1')).error, /^unknown call 'eval'/);
  assert.equal((await call(10, 'story')).result.claims.length > 0, true);
  assertNoProblems(problems);
});

test('ten widgets on one page compile the wasm once and evaluate the simulator once', async () => {
  const { page, problems } = await openNotebook();
  const times = [];
  for (let w = 0; w < 10; w++) times.push((await show(page, { seed: w + 1 })).ms);
  console.log(`ten widgets drawn in ${times.map((t) => t.toFixed(0)).join(', ')} ms each`);
  assert.equal(await page.evaluate(() => window.compiles), 1, 'one wasm compilation');
  const seeds = await page.evaluate(() => [...document.querySelectorAll('dpo-sim')].map((e) => e.get().seed));
  assert.deepEqual(seeds, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'], 'each widget has its own run');
  const cores = await page.evaluate(() => Object.getOwnPropertySymbols(globalThis).filter((s) => s.description.startsWith('dpo-sim.widget.')).length);
  assert.equal(cores, 1, 'one simulator module for every widget');
  assertNoProblems(problems);
});

test("where widgets cannot run, the output's HTML is the simulator for the same settings", async (t) => {
  if (!existsSync(PYTHON)) return t.skip('no python/.venv: ./build.sh test makes it');
  const code = "from dpo_sim import Simulator; print(Simulator(preset='online', quality=0.5, plots='reward').html())";
  const frame = execFileSync(PYTHON, ['-c', code], { cwd: join(ROOT, 'python'), encoding: 'utf8' });
  const { page, problems } = await openPage(env, { viewport: { width: 1000, height: 700 }, allowedOrigins: [] });
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>exported</title></head><body>${frame}</body></html>`);
  const inner = await (await page.waitForSelector('iframe')).contentFrame();
  await inner.waitForFunction(() => window.dpoSimReady === true, null, { timeout: READY_TIMEOUT });
  const settings = await inner.evaluate(() => window.dpoSim.get());
  assert.equal(settings.quality, '0.5');
  assert.equal(settings.online, '1', 'the preset is loaded under the settings');
  assert.ok(await inner.evaluate(() => document.documentElement.classList.contains('embed')), 'embed layout');
  assert.ok(await inner.locator('#reward').isVisible(), 'the plot asked for');
  assertNoProblems(problems);
});
