// Writes the pages as single HTML files that work from file://: `node scripts/standalone.mjs
// <www> <dist>` writes dist/dpo-sim-standalone.html (the simulator) and dist/tour-standalone.html
// (the guided tour, its figures <dpo-sim> elements). A page opened from disk may import no module,
// fetch nothing and start no worker from a file. So each page's script is bundled self-contained
// (bundle.mjs's selfContained(): the wasm bytes inline, the worker's bundle as text, started from
// a blob: URL). Each page's CSP allows exactly its inline script
// and style, by hash, 'wasm-unsafe-eval', and workers from blob: URLs; a blob worker inherits
// that policy. The elements' own styles are a constructed stylesheet, which the CSP allows.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfContained } from './bundle.mjs';

const [www, dist] = process.argv.slice(2);
if (!www || !dist) {
  console.error('usage: node scripts/standalone.mjs <www dir> <dist dir>');
  process.exit(2);
}
const read = (name) => readFileSync(join(www, name), 'utf8');

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

/** `page` (with its script `entry` and stylesheet `css`) as one file at `out`; `full` names the simulator page. */
async function standalone({ page, entry, css, out }) {
  const script = await selfContained(www, entry);
  const style = read(css);
  for (const [name, text] of [['script', script], ['style', style]]) {
    if (new RegExp(`</${name}`, 'i').test(text)) throw new Error(`standalone: the inlined ${name} contains </${name}`);
  }
  const csp =
    `default-src 'none'; script-src ${hash(script)} 'wasm-unsafe-eval'; worker-src blob:; style-src ${hash(style)}; ` +
    `img-src data: blob:; connect-src 'none'`;
  let html = read(page);
  html = replaceOnce(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`, 'CSP meta tag');
  html = replaceOnce(html, new RegExp(`<link rel="stylesheet" href="${css}">`), `<style>${style}</style>`, 'stylesheet link');
  html = replaceOnce(html, new RegExp(`<script type="module" src="${entry}"></script>`), `<script type="module">${script}</script>`, 'page script tag');
  // The one-file pages link to each other, not to pages that cannot run from disk.
  html = replaceOnce(html, /<html lang="en">/, '<html lang="en" data-full-page="dpo-sim-standalone.html" data-tour-page="tour-standalone.html">', 'html tag');
  html = html.replaceAll('href="tour.html', 'href="tour-standalone.html').replaceAll('href="index.html', 'href="dpo-sim-standalone.html');
  writeFileSync(join(dist, out), html);
  console.log(`wrote ${join(dist, out)} (${(html.length / 1024).toFixed(0)} KiB)`);
}

await standalone({ page: 'index.html', entry: 'js/main.js', css: 'style.css', out: 'dpo-sim-standalone.html' });
await standalone({ page: 'tour.html', entry: 'js/tour.js', css: 'tour.css', out: 'tour-standalone.html' });
