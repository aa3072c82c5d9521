// What anywidget imports for every Simulator of a notebook (python/dpo_sim): a loader. anywidget
// imports each widget's module from a blob: URL of its own, so module state is not shared
// between widgets. The simulator (js/widget.js, the wasm inside) travels here as text and is
// imported once per page, under its content hash: one evaluation, one wasm compile, one worker
// and one element definition for every widget.
import code from 'widget:core'; // js/widget.js bundled with the wasm and the worker, as text

// WIDGET_HASH: the core's hash, defined by scripts/widget.mjs.
const KEY = Symbol.for(`dpo-sim.widget.${WIDGET_HASH}`);

function core() {
  globalThis[KEY] ??= import(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  return globalThis[KEY];
}

export default {
  initialize: async (context) => (await core()).initialize(context),
  render: async (context) => (await core()).render(context),
};
