// The one-file build's sources (scripts/standalone.mjs bundles this module in place of
// sources.js). A page opened from file:// may fetch nothing, so the wasm bytes travel inside the page.
import wasmBytes from '../pkg/dpo_sim_bg.wasm'; // esbuild's binary loader: a Uint8Array

export const compileWasm = () => WebAssembly.compile(wasmBytes);
