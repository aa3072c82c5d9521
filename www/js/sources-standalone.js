// The one-file build's sources (scripts/standalone.mjs bundles this module in place of
// sources.js). A page opened from file:// may fetch nothing and start no worker from a file,
// so the wasm bytes and the worker's own bundle travel inside the page.
import wasmGzipped from '../pkg/dpo_sim_bg.wasm'; // gzipped, by esbuild's binary loader: a Uint8Array
import workerCode from 'standalone:worker'; // js/worker.js bundled with the glue, a classic script, as text

/** Compiled while it is unzipped. */
export function compileWasm() {
  const wasm = new Blob([wasmGzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  return WebAssembly.compileStreaming(new Response(wasm, { headers: { 'Content-Type': 'application/wasm' } }));
}

export function createWorker() {
  // The page's CSP allows workers from blob: URLs only, and from a file:// page Chromium
  // starts only classic ones. The URL is never revoked: the page starts one worker, and
  // revoking the URL while the worker loads could fail it.
  const url = URL.createObjectURL(new Blob([workerCode], { type: 'text/javascript' }));
  return new Worker(url);
}
