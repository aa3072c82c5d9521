// Writes one HTML file that works from file://: `node scripts/standalone.mjs <www> <out.html>`.
// Browsers refuse ES module imports and fetch() from file://, so the wasm-bindgen glue and
// app.js become one inline module script, the wasm travels as base64 and is instantiated from
// those bytes, and the CSP allows exactly these inline blocks by hash.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [www, out] = process.argv.slice(2);
if (!www || !out) {
  console.error('usage: node scripts/standalone.mjs <www dir> <out.html>');
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

// The glue's exports become plain declarations in the shared module scope.
let glue = read('pkg/dpo_sim.js');
glue = glue.replace(/^export (class|function|const|let|async function) /gm, '$1 ');
glue = replaceOnce(glue, /^export \{ initSync, __wbg_init as default \};$/m, '', 'glue export list');
if (/^\s*(export|import)\b/m.test(glue)) throw new Error('standalone: the glue has an import/export this script does not handle');

// app.js imports the glue; here its names are already in scope, and init gets the bytes.
const wasm = readFileSync(join(www, 'pkg/dpo_sim_bg.wasm')).toString('base64');
let app = read('app.js');
app = replaceOnce(
  app,
  /^import init, \{[^}]*\} from '\.\/pkg\/dpo_sim\.js';$/m,
  `const init = () => __wbg_init({ module_or_path: Uint8Array.from(atob('${wasm}'), (c) => c.charCodeAt(0)) });`,
  'glue import in app.js',
);

// A block keeps app.js's top-level names from clashing with the glue's.
const script = `${glue}\n{\n${app}\n}\n`;
const style = read('style.css');
for (const [name, text] of [['script', script], ['style', style]]) {
  if (new RegExp(`</${name}`, 'i').test(text)) throw new Error(`standalone: the inlined ${name} contains </${name}`);
}

const hash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const csp =
  `default-src 'none'; script-src ${hash(script)} 'wasm-unsafe-eval'; style-src ${hash(style)}; ` +
  `img-src data: blob:; connect-src 'none'`;

let html = read('index.html');
html = replaceOnce(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*">/, `<meta http-equiv="Content-Security-Policy" content="${csp}">`, 'CSP meta tag');
html = replaceOnce(html, /<link rel="stylesheet" href="style.css">/, `<style>${style}</style>`, 'stylesheet link');
html = replaceOnce(html, /<script type="module" src="app.js"><\/script>/, `<script type="module">${script}</script>`, 'app script tag');
writeFileSync(out, html);
console.log(`wrote ${out} (${(html.length / 1024).toFixed(0)} KiB)`);
