// Screenshots of the page for a person to look at: desktops and a projector (1280 x 720,
// 1440 x 900, 1400 x 900), a phone, embeds and talk mode, with custom settings and a scenario.

import { test, after } from 'node:test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite, openSim, assertNoProblems, assertPlotsDrawn, api, settle, PLOTS, COMPACT_PLOTS, OUTPUT } from './helpers.mjs';

const env = suite();
const DIR = join(OUTPUT, 'screenshots');
const written = [];

after(() => {
  if (written.length) console.log(`screenshots written to ${DIR}:\n  ${written.join('\n  ')}`);
});

const CUSTOM = { quality: '0.6', support: '0.5' };
// steps: how far to run; settings: set on top (none for a scenario, which plays its own story).
const VIEWS = [
  { name: 'desktop-1400x900', viewport: { width: 1400, height: 900 }, fragment: '', settings: CUSTOM, steps: 40 },
  { name: 'desktop-1280x720', viewport: { width: 1280, height: 720 }, fragment: '', settings: CUSTOM, steps: 40 },
  { name: 'desktop-1280x720-scenario', viewport: { width: 1280, height: 720 }, fragment: 'preset=over-optimisation', steps: 300 },
  { name: 'desktop-1440x900', viewport: { width: 1440, height: 900 }, fragment: '', settings: CUSTOM, steps: 40 },
  { name: 'desktop-1440x900-scenario', viewport: { width: 1440, height: 900 }, fragment: 'preset=support', steps: 400 },
  { name: 'phone-390x844', viewport: { width: 390, height: 844 }, fragment: '', settings: CUSTOM, steps: 40 },
  { name: 'phone-390x844-scenario', viewport: { width: 390, height: 844 }, fragment: 'preset=quality', steps: 100 },
  { name: 'embed-900x600', viewport: { width: 900, height: 600 }, fragment: 'embed=1', settings: CUSTOM, steps: 40, plots: COMPACT_PLOTS },
  { name: 'embed-800x500', viewport: { width: 800, height: 500 }, fragment: 'embed=1&preset=quality', steps: 100, plots: ['signal', 'reward'] },
  { name: 'embed-480x360', viewport: { width: 480, height: 360 }, fragment: 'embed=1&preset=quality', steps: 100, plots: ['signal'] },
  { name: 'talk-1280x720-custom', viewport: { width: 1280, height: 720 }, fragment: 'talk=1', settings: CUSTOM, steps: 40, plots: COMPACT_PLOTS },
];

for (const view of VIEWS) {
  test(`screenshot ${view.name}`, async (t) => {
    await mkdir(DIR, { recursive: true });
    const { page, problems } = await openSim(env, view.fragment, { viewport: view.viewport });
    if (view.settings) await api(page, 'set', view.settings);
    await api(page, 'step', view.steps);
    await settle(page);
    await assertPlotsDrawn(page, view.plots ?? PLOTS);
    for (const [suffix, fullPage] of [['', false], ['-full', true]]) {
      const path = join(DIR, `${view.name}${suffix}.png`);
      await page.screenshot({ path, fullPage });
      written.push(path);
    }
    // Not part of the contract, so reported rather than asserted.
    const overflow = await page.evaluate(() => [document.documentElement.scrollWidth - window.innerWidth,
      document.documentElement.scrollHeight - window.innerHeight]);
    t.diagnostic(`${view.name}: horizontal overflow ${overflow[0]}px, page ${overflow[1]}px taller than the window`);
    assertNoProblems(problems);
  });
}
