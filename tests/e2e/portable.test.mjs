// A seed means the same run natively and in the browser, to the last bit: the runner's
// metrics.csv (native, with the CPU's widest vector loops) and the page's wasm agree on every
// metric at every step, for settings across models, designs and labels, online and off.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, openSim, assertNoProblems, ROOT } from './helpers.mjs';

const env = suite();
const STEPS = 60;
const CASES = [
  'quality=0.5&support=0.5&online=1',
  'model=tabular&design=independent&quality=0.25&lr=5',
  'design=bvw&k=8&refq=-0.5',
  'gamma=0.5&shape=concave&online=1&exact=1&lr=3',
  'labels=oracle&n=200&batch=64&seed=9&kappa=3',
];

/** The runner: the newest one cargo built, or a fresh build. */
function runner() {
  const built = ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'dpo-sim')).filter(existsSync);
  if (built.length) return built.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  execFileSync('cargo', ['build', '--release', '--bin', 'dpo-sim'], { cwd: ROOT, stdio: 'inherit' });
  return join(ROOT, 'target', 'release', 'dpo-sim');
}

/** Every row of the runner's metrics.csv for `settings`, as {column: number | null}. */
function nativeRun(binary, settings) {
  const out = mkdtempSync(join(tmpdir(), 'dpo-native-'));
  try {
    execFileSync(binary, ['run', '--set', settings, '--steps', String(STEPS), '--out', out]);
    const [header, ...rows] = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    const columns = header.split(',');
    return rows.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell === '' ? null : Number(cell)])));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test('native runs and the page\'s wasm runs agree to the last bit, step by step', async () => {
  const binary = runner();
  const { page, problems } = await openSim(env);
  // The defaults, as the runner starts from them.
  const defaults = await page.evaluate(() => window.dpoSim.get());
  for (const settings of CASES) {
    const native = nativeRun(binary, settings);
    const browser = await page.evaluate(async ([s, n, base]) => {
      window.dpoSim.set({ ...base, ...Object.fromEntries(s.split('&').map((p) => p.split('='))) });
      window.dpoSim.reset();
      // A long step(n) runs across frames and returns a Promise (a short one, the metrics).
      await window.dpoSim.step(n);
      return window.dpoSim.history();
    }, [settings, STEPS, defaults]);
    assert.equal(browser.length, native.length, `${settings}: every step recorded`);
    for (const [k, row] of native.entries()) {
      for (const [column, value] of Object.entries(row)) {
        assert.ok(browser[k][column] === value, `${settings}, step ${k}: ${column} is ${value} natively, ${browser[k][column]} in wasm`);
      }
    }
  }
  assertNoProblems(problems);
});
