// Writes one HTML file that works from file://: `node scripts/standalone.mjs <www> <out.html>`.
// A page opened from disk may import no module, fetch nothing and start no worker from a file.
// So esbuild bundles js/main.js with the wasm-bindgen glue included and js/sources-standalone.js
// in place of js/sources.js: the wasm bytes travel inline (esbuild's binary loader), and the
// worker's own bundle (glue included) travels as text, started from a blob: URL. The page's
// CSP allows exactly this inline script and style, by hash, 'wasm-unsafe-eval', and workers
// from blob: URLs; a blob worker inherits that policy.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';

const [www, out] = process.argv.slice(2);
if (!www || !out) {
  console.error('usage: node scripts/standalone.mjs <www dir> <out.html>');
  process.exit(2);
}
const read = (name) => readFileSync(join(www, name), 'utf8');

/** Gives the page its inline sources: sources-standalone.js for sources.js, and the worker's code. */
function inlineSources(workerCode) {
  return {
    name: 'inline-sources',
    setup(build) {
      build.onResolve({ filter: /^\.\/sources\.js$/ }, (args) => ({ path: join(args.resolveDir, 'sources-standalone.js') }));
      build.onResolve({ filter: /^standalone:worker$/ }, () => ({ path: 'worker', namespace: 'standalone' }));
      build.onLoad({ filter: /^worker$/, namespace: 'standalone' }, () => ({ contents: workerCode, loader: 'text' }));
    },
  };
}

// A classic worker script: Chromium refuses module workers from blob: URLs in a file:// page.
// The glue's default wasm path (unused: the worker gets the page's module) then reads the worker's own URL.
const worker = await bundle(join(www, 'js/worker.js'), { format: 'iife', define: { 'import.meta.url': 'self.location.href' } });
const script = await bundle(join(www, 'js/main.js'), { plugins: [inlineSources(worker)], loader: { '.wasm': 'binary' } });
const style = read('style.css');
for (const [name, text] of [['script', script], ['style', style]]) {
  if (new RegExp(`</${name}`, 'i').test(text)) throw new Error(`standalone: the inlined ${name} contains </${name}`);
}

function replaceOnce(text, pattern, replacement, what) {
  let count = 0;
  const result = text.replace(pattern, () => {
    count += 1;
    return replacement;
  });
  if (count !== 1) throw new Error(`standalone: expected one ${what}, found ${count}`);
  return result;
}

const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp =
  `default-src 'none'; script-src ${hash(script)} 'wasm-unsafe-eval'; worker-src blob:; style-src ${hash(style)}; ` +
  `img-src data: blob:; connect-src 'none'`;

let html = read('index.html');
html = replaceOnce(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`, 'CSP meta tag');
html = replaceOnce(html, /<link rel="stylesheet" href="style.css">/, `<style>${style}</style>`, 'stylesheet link');
html = replaceOnce(html, /<script type="module" src="js\/main.js"><\/script>/, `<script type="module">${script}</script>`, 'page script tag');
writeFileSync(out, html);
console.log(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);
