// The simulator page: builds the views, loads the run the address asks for, starts the loop
// and hands the page to scripts. All simulation and drawing happens in the wasm core; all
// page state lives in store.js.
import { parseFragment } from './codec.js';
import { store, onCommit } from './store.js';
import { Sim, DEFAULTS } from './wasm.js';
import { buildControls, syncControls, syncButtons, wireControls } from './controls.js';
import { syncBanner, wireErrors } from './banner.js';
import { loadFragment, syncFragment, wireUrl } from './url.js';
import { syncTalkTitle, wireTalk } from './talk.js';
import { watchCanvases } from './canvases.js';
import { wireKeys } from './keys.js';
import { wireExport } from './export.js';
import { wireApi, publish } from './api.js';
import { startLoop } from './loop.js';
import { compute } from './worker-client.js';

buildControls();
store.sim = new Sim(DEFAULTS);
store.query = DEFAULTS;
for (const view of [syncControls, syncButtons, syncFragment, syncBanner]) onCommit(view);
wireControls();
wireExport();
wireKeys();
wireApi();
wireErrors();
wireUrl();
watchCanvases();
if (store.page.talk) {
  onCommit(syncTalkTitle);
  wireTalk();
}
if (!store.page.tour) for (const link of document.querySelectorAll('.tour-link')) link.hidden = true;

loadFragment(parseFragment(location.hash));
startLoop();
// Internal, not part of window.dpoSim: the worker's compute(), so that the browser tests can
// prove it (served and from file://) before the sweep feature, its first user, exists.
window.__dpoCompute = compute;
publish();
