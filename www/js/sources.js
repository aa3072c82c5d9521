// Where the compiled core and the worker's script come from on a served page. The one-file
// build (scripts/standalone.mjs) bundles sources-standalone.js in place of this module.
const WASM_URL = new URL('../pkg/dpo_sim_bg.wasm', import.meta.url);

/** The wasm core, compiled while its bytes arrive. */
export async function compileWasm() {
  const response = await fetch(WASM_URL);
  if (!response.ok) throw new Error(`failed to fetch ${WASM_URL}: HTTP ${response.status}`);
  // Streaming compilation needs the wasm MIME type; a host that sends another gets the slower path.
  if (response.headers.get('Content-Type')?.split(';')[0].trim() !== 'application/wasm') {
    return WebAssembly.compile(await response.arrayBuffer());
  }
  return WebAssembly.compileStreaming(response);
}

/** The worker that runs jobs beside the page (js/worker.js). */
export function createWorker() {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}
