// The one-file build works from file://, with nothing fetched from anywhere.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  suite, openPage, waitReady, settle, assertNoProblems, assertPlotsDrawn, api, waitForStep, STANDALONE, standaloneUrl,
} from './helpers.mjs';

const env = suite({ serve: false });

test('dist/dpo-sim-standalone.html works opened from file://', async () => {
  assert.ok(existsSync(STANDALONE), `${STANDALONE} exists (run ./build.sh dist first)`);
  const { page, problems } = await openPage(env, { allowedOrigins: ['file://'] });
  await page.goto(standaloneUrl());
  await waitReady(page);
  await settle(page);
  await assertPlotsDrawn(page);
  await page.click('#step');
  await waitForStep(page, 1);
  assert.equal((await api(page, 'metrics')).step, 1);
  const fetched = problems.requests.filter((url) => url !== standaloneUrl() && !/^(data|blob):/.test(url));
  assert.deepEqual(fetched, [], 'the standalone page loads nothing beside itself');
  assertNoProblems(problems);
});
