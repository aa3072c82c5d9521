// The wasm core: compiled once per page (every simulator on it and the worker share the
// module), its tables, and the guard every call goes through.
import init, {
  Sim, SweepTable, fields, presets, charts, metrics, defaultQuery, maxPinned, normalize, takePanic, showMetric, formatNumber, chartTextPx,
  reproduceScript, worldKeys, settingKeys, worldFromCsv,
} from '../pkg/dpo_sim.js';
import { compileWasm } from './sources.js';
import { setError } from './ui.js';

/** The compiled core: instantiated here, and handed to the worker so it never loads it again. */
export const wasmModule = await compileWasm();
await init({ module_or_path: wasmModule });

export {
  Sim, SweepTable, normalize, showMetric, formatNumber, chartTextPx, reproduceScript, worldFromCsv,
};
export const FIELDS = fields();
export const PRESETS = presets();
export const CHARTS = charts();
export const METRICS = metrics();
export const DEFAULTS = defaultQuery();
export const MAX_PINNED = maxPinned();
/** The settings that give the world as a list (`rewards`, `world`): no slider sets them. */
export const WORLD_KEYS = worldKeys();
/** Every key a setting can be given by: the table's, the world's, the start point's (`theta0`). */
export const SETTING_KEYS = settingKeys();
/** The names page keys list (page-keys.js): the charts' and the settings' keys. */
export const NAMES = { charts: CHARTS.map((c) => c.key), settings: FIELDS.map((f) => f.key) };

/** A metric's label, from the core's table. */
export const metricLabel = (key) => METRICS.find((m) => m.key === key)?.label ?? key;

/**
 * Runs a call into wasm for `ui`. A Rust panic aborts, which traps as a RuntimeError and
 * leaves that simulator unusable: show the panic message and start a fresh simulator from
 * the last settings.
 */
export function guard(ui, call) {
  try {
    return call();
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    const text = `Internal error: ${panicMessage(e)}. The simulator was restarted from step 0.`;
    restartSim(ui);
    setError(ui, text);
    throw new Error(text);
  }
}

function panicMessage(trap) {
  try {
    return takePanic() ?? trap.message;
  } catch {
    // The module itself is broken; the RuntimeError's text is all there is.
    return trap.message;
  }
}

function restartSim(ui) {
  ui.playing = false;
  try {
    ui.sim = new Sim(ui.query);
  } catch {
    ui.sim = new Sim('');
    ui.query = ui.sim.query();
  }
}
