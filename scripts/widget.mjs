// The notebook widget's front end and tables, into the Python package: `node scripts/widget.mjs
// <www> <dist> <package dir>` (after scripts/standalone.mjs) writes
//   static/widget.js        what anywidget imports: js/widget-entry.js with js/widget.js inside as
//                           text (bundled self-contained: the wasm and the worker inline)
//   static/standalone.html  dist/dpo-sim-standalone.html, the output's fallback where widgets cannot run
//   tables.json             the core's own tables (settings, presets, charts, metrics, defaults, the
//                           world's keys and every setting's key) and the element's paces, read from the built wasm: Python checks settings
//                           against them with the core's messages
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle, selfContained } from './bundle.mjs';

const [www, dist, out] = process.argv.slice(2);
if (!www || !dist || !out) {
  console.error('usage: node scripts/widget.mjs <www dir> <dist dir> <python package dir>');
  process.exit(2);
}
mkdirSync(join(out, 'static'), { recursive: true });

const core = await selfContained(www, 'js/widget.js');
const hash = createHash('sha256').update(core).digest('hex').slice(0, 16);
const coreText = {
  name: 'widget-core',
  setup(build) {
    build.onResolve({ filter: /^widget:core$/ }, () => ({ path: 'core', namespace: 'widget' }));
    build.onLoad({ filter: /^core$/, namespace: 'widget' }, () => ({ contents: core, loader: 'text' }));
  },
};
const widget = await bundle(join(www, 'js/widget-entry.js'), { plugins: [coreText], define: { WIDGET_HASH: JSON.stringify(hash) } });
writeFileSync(join(out, 'static/widget.js'), widget);
copyFileSync(join(dist, 'dpo-sim-standalone.html'), join(out, 'static/standalone.html'));

const glue = await import(pathToFileURL(join(www, 'pkg/dpo_sim.js')).href);
glue.initSync({ module: readFileSync(join(www, 'pkg/dpo_sim_bg.wasm')) });
const { PACES } = await import(pathToFileURL(join(www, 'js/page-keys.js')).href);
const tables = {
  fields: glue.fields(),
  presets: glue.presets(),
  charts: glue.charts(),
  metrics: glue.metrics(),
  defaults: glue.defaultQuery(),
  world_keys: glue.worldKeys(),
  setting_keys: glue.settingKeys(),
  list_limits: glue.listLimits(),
  paces: PACES.map((p) => p.value),
  widget: hash,
};
writeFileSync(join(out, 'tables.json'), `${JSON.stringify(tables, null, 1)}\n`);
console.log(`wrote ${join(out, 'static/widget.js')} (${(widget.length / 1024).toFixed(0)} KiB), ${join(out, 'static/standalone.html')}, ${join(out, 'tables.json')}`);
