// The page's bundles, made by esbuild. `node scripts/bundle.mjs <www> <dist>` writes the static
// site: www's files, with its scripts bundled at the same paths (js/main.js, js/worker.js,
// js/tour.js, and js/dpo-sim.js: the element for other pages). The wasm-bindgen glue stays one file, pkg/dpo_sim.js, outside the bundles: the
// page and its worker each load it once, and the tests and the benchmark import it to reach
// the page's own wasm instance. scripts/standalone.mjs (the one-file pages) and scripts/widget.mjs
// (the notebook widget) bundle with everything inline: selfContained().
import { build } from 'esbuild';
import { cpSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The scripts the pages load; every other script outside pkg/ is bundled into one of them. */
const ENTRIES = ['js/main.js', 'js/worker.js', 'js/tour.js', 'js/dpo-sim.js'];
// ES modules: the page awaits the wasm at the top level.
const OPTIONS = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, logLevel: 'warning' };

/** One entry point bundled in memory (extra esbuild options as given); returns its code. */
export async function bundle(entry, options = {}) {
  const result = await build({ ...OPTIONS, ...options, entryPoints: [entry], write: false });
  return result.outputFiles[0].text;
}

/** Gives a bundle its inline sources: sources-standalone.js for sources.js, and the worker's code. */
function inlineSources(workerCode) {
  return {
    name: 'inline-sources',
    setup(build) {
      build.onResolve({ filter: /^\.\/sources\.js$/ }, (args) => ({ path: join(args.resolveDir, 'sources-standalone.js') }));
      build.onResolve({ filter: /^standalone:worker$/ }, () => ({ path: 'worker', namespace: 'standalone' }));
      build.onLoad({ filter: /^worker$/, namespace: 'standalone' }, () => ({ contents: workerCode, loader: 'text' }));
      // Gzipped before esbuild's binary loader writes it as base64: a quarter smaller, gzipped or not.
      build.onLoad({ filter: /\.wasm$/ }, (args) => ({ contents: gzipSync(readFileSync(args.path), { level: 9 }), loader: 'binary' }));
    },
  };
}

/**
 * `entry` bundled with the wasm-bindgen glue and js/sources-standalone.js in place of
 * js/sources.js: the wasm bytes travel inline, gzipped (esbuild's binary loader), and the worker's own
 * bundle (glue included) travels as text, started from a blob: URL. Nothing is fetched.
 */
export async function selfContained(www, entry, options = {}) {
  // A classic worker script: Chromium refuses module workers from blob: URLs in a file:// page.
  // The glue's default wasm path (unused: the worker gets the page's module) then reads the worker's own URL.
  const worker = await bundle(join(www, 'js/worker.js'), { format: 'iife', define: { 'import.meta.url': 'self.location.href' } });
  return bundle(join(www, entry), { ...options, plugins: [inlineSources(worker)] });
}

async function site(www, dist) {
  // The scripts are not copied: the bundles take their place.
  const isSource = (path) => path.endsWith('.js') && !relative(www, path).startsWith(`pkg${sep}`);
  cpSync(www, dist, { recursive: true, filter: (path) => !isSource(path) });
  await build({
    ...OPTIONS,
    entryPoints: ENTRIES.map((entry) => join(www, entry)),
    outbase: www,
    outdir: dist,
    external: ['*/pkg/dpo_sim.js'],
  });
  console.log(`wrote ${ENTRIES.map((entry) => join(dist, entry)).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [www, dist] = process.argv.slice(2);
  if (!www || !dist) {
    console.error('usage: node scripts/bundle.mjs <www dir> <dist dir>');
    process.exit(2);
  }
  await site(www, dist);
}
