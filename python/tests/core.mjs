// The core's answers for the Python tests, from the built wasm (www/pkg): reads a JSON request on
// stdin, writes the answer as JSON. {queries: [text]} -> {normalized: [{query} | {error}]} (the
// core's Settings::parse, as every page and the element check settings); {numbers: [x]} -> their
// String(x); {tables: true} -> the core's fields, presets, charts, metrics, defaults, world keys and setting keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const www = join(import.meta.dirname, '..', '..', 'www');
const glue = await import(pathToFileURL(join(www, 'pkg/dpo_sim.js')).href);
glue.initSync({ module: readFileSync(join(www, 'pkg/dpo_sim_bg.wasm')) });

const request = JSON.parse(readFileSync(0, 'utf8'));
const normalize = (query) => {
  try {
    return { query: glue.normalize(query) };
  } catch (e) {
    return { error: e.message };
  }
};
process.stdout.write(JSON.stringify({
  normalized: request.queries?.map(normalize),
  numbers: request.numbers?.map(String),
  tables: request.tables && {
    fields: glue.fields(), presets: glue.presets(), charts: glue.charts(), metrics: glue.metrics(), defaults: glue.defaultQuery(),
    world_keys: glue.worldKeys(), setting_keys: glue.settingKeys(),
  },
}));
