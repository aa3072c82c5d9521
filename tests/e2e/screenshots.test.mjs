// Screenshots of the page on a desktop and a phone, for a person to look at.

import { test, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite, openSim, assertNoProblems, assertPlotsDrawn, api, settle, OUTPUT } from './helpers.mjs';

const env = suite();
const DIR = join(OUTPUT, 'screenshots');
const written = [];

after(() => {
  if (written.length) console.log(`screenshots written to ${DIR}:\n  ${written.join('\n  ')}`);
});

const VIEWS = [
  { name: 'desktop-1400x900', viewport: { width: 1400, height: 900 }, fragment: '' },
  { name: 'phone-390x844', viewport: { width: 390, height: 844 }, fragment: '' },
  { name: 'embed-900x600', viewport: { width: 900, height: 600 }, fragment: 'embed=1' },
];

for (const view of VIEWS) {
  test(`screenshot ${view.name}`, async (t) => {
    await mkdir(DIR, { recursive: true });
    const { page, problems } = await openSim(env, view.fragment, { viewport: view.viewport });
    await api(page, 'set', { quality: '0.6', support: '0.5' });
    await api(page, 'step', 40);
    await settle(page);
    await assertPlotsDrawn(page);
    for (const [suffix, fullPage] of [['', false], ['-full', true]]) {
      const path = join(DIR, `${view.name}${suffix}.png`);
      await page.screenshot({ path, fullPage });
      written.push(path);
    }
    // Not part of the contract, so reported rather than asserted.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    t.diagnostic(`${view.name}: horizontal overflow ${overflow}px`);
    assertNoProblems(problems);
  });
}
