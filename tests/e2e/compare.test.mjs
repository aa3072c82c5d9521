// Compare: a pinned run stays on the plots as a ghost while the live run goes on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openSim, assertNoProblems, plotHashes, settle, api, WAIT_TIMEOUT } from './helpers.mjs';

const env = suite();

/** Default run for 20 steps, then quality 0.9 for 20 more; pins after the first half if asked. */
async function run(page, { pin }) {
  await api(page, 'step', 20);
  if (pin) await api(page, 'pin');
  await api(page, 'set', { quality: '0.9' });
  const metrics = await api(page, 'step', 20);
  await settle(page);
  return metrics;
}

test('a pinned run is drawn as a ghost; unpinning removes it', async () => {
  const pinned = await openSim(env);
  const plain = await openSim(env);
  const withPin = await run(pinned.page, { pin: true });
  const withoutPin = await run(plain.page, { pin: false });
  assert.deepEqual(withPin, withoutPin, 'pinning does not change the run');

  const ghost = await plotHashes(pinned.page);
  const clean = await plotHashes(plain.page);
  const differing = Object.keys(ghost).filter((id) => ghost[id] !== clean[id]);
  assert.ok(differing.length > 0, 'the ghost changes some plot');

  await pinned.page.click('#unpin');
  await pinned.page.waitForFunction(
    (want) => Object.keys(want).every((id) => window.__e2ePixels(id).hash === want[id]),
    clean,
    { timeout: WAIT_TIMEOUT },
  );
  assertNoProblems(pinned.problems);
  assertNoProblems(plain.problems);
});

test('the #pin button keeps the run as a ghost across a restart', async () => {
  const pinned = await openSim(env);
  await api(pinned.page, 'step', 20);
  await pinned.page.click('#pin');
  // n is a restart setting: the live run starts over, the ghost stays.
  const { restarted } = await api(pinned.page, 'set', { n: '40' });
  assert.equal(restarted, true);
  await api(pinned.page, 'step', 20);
  await settle(pinned.page);

  const plain = await openSim(env, 'n=40');
  await api(plain.page, 'step', 20);
  await settle(plain.page);
  assert.deepEqual(await api(pinned.page, 'metrics'), await api(plain.page, 'metrics'), 'the same live run');
  assert.notDeepEqual(await plotHashes(pinned.page), await plotHashes(plain.page), 'the ghost is drawn');
  assertNoProblems(pinned.problems);
  assertNoProblems(plain.problems);
});
