// The README's screenshot, made from the current build so it cannot drift from the page:
// `node scripts/screenshot.mjs <www dir> <png>` (./build.sh screenshot). The online scenario
// in a 1400 x 900 window at one device pixel per CSS pixel, its 300 steps run through the
// page's API (a seeded run: the same pixels every time on the same browser), its comparison
// runs computed, the plots at rest, the story's panel closed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1400, height: 900 };
const SCENARIO = 'online';
const STEPS = 300;
const TIMEOUT = 60_000;

/** Serves `dir` with scripts/serve.mjs on a free port; resolves to `{url, stop}`. */
function serve(dir) {
  const script = fileURLToPath(new URL('serve.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, dir, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match) resolve({ url: match[1], stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
}

/** Resolves once the plots are unchanged over three animation frames. */
function plotsAtRest(page) {
  return page.evaluate(async (timeout) => {
    const fingerprint = () => [...document.querySelectorAll('#plots canvas')].map((c) => {
      const data = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
      let hash = 0x811c9dc5;
      for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 0x01000193);
      return hash;
    }).join();
    const deadline = performance.now() + timeout;
    let last = fingerprint();
    for (let same = 0; same < 3;) {
      await new Promise((done) => requestAnimationFrame(done));
      const now = fingerprint();
      same = now === last ? same + 1 : 0;
      last = now;
      if (performance.now() > deadline) throw new Error('the plots did not come to rest');
    }
  }, TIMEOUT);
}

async function main() {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) {
    console.error('usage: node scripts/screenshot.mjs <www dir> <png>');
    process.exit(2);
  }
  const server = await serve(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => { throw error; });
    await page.goto(`${server.url}#preset=${SCENARIO}`);
    await page.waitForFunction(() => window.dpoSimReady === true, null, { timeout: TIMEOUT });
    await page.evaluate((n) => window.dpoSim.step(n), STEPS);
    await page.waitForFunction(() => window.dpoSim.pinned().every((p) => p.done), null, { timeout: TIMEOUT });
    await plotsAtRest(page);
    const story = await page.evaluate(() => window.dpoSim.story());
    await page.screenshot({ path: out });
    console.log(`wrote ${out}: ${SCENARIO} at step ${STEPS}, ${story.verdict}`);
  } finally {
    await browser.close();
    server.stop();
  }
}

await main();
