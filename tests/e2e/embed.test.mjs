// Embed mode: the compact layout works and a parent page drives it by postMessage.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  suite, openSim, openPage, startServer, assertNoProblems, assertPlotsDrawn, api, READY_TIMEOUT, WAIT_TIMEOUT,
} from './helpers.mjs';

const env = suite();

// The parent lives on a second server, so the simulator is embedded cross-origin as on a blog.
const PARENT = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>embedding page</title>
<iframe id="sim" width="900" height="700"></iframe>
<script>
  window.replies = [];
  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'dpo-sim-reply') window.replies.push(event.data);
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

/** Opens the parent page with the simulator in its iframe at `fragment`; returns page and frame. */
async function embedded(fragment) {
  const opened = await openPage(env, { allowedOrigins: [env.server.origin, parentServer.origin] });
  await opened.page.goto(`${parentServer.url}parent.html`);
  await opened.page.evaluate((src) => { document.getElementById('sim').src = src; }, `${env.server.url}#${fragment}`);
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

test('#embed=1 loads the compact layout with the plots, the two main sliders and the API', async () => {
  const { page, problems } = await openSim(env, 'embed=1');
  await assertPlotsDrawn(page);
  for (const id of ['#map', '#landscape', '#signal', '#curves', '#ctl-quality', '#ctl-support']) {
    assert.equal(await page.locator(id).isVisible(), true, `${id} visible in embed mode`);
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
