// The simulator page: builds the views, loads the run the address asks for, starts the loop
// and hands the page to scripts. All simulation and drawing happens in the wasm core; all
// page state lives in store.js.
import { parseFragment } from './codec.js';
import { store, onCommit } from './store.js';
import { Sim, DEFAULTS } from './wasm.js';
import { buildControls, syncControls, syncButtons, wireControls } from './controls.js';
import { syncBanner, wireErrors } from './banner.js';
import { loadFragment, syncFragment, wireUrl } from './url.js';
import { syncTalk, wireTalk } from './talk.js';
import { buildFigures, syncFigures, watchCanvases } from './canvases.js';
import { syncStoryEnd } from './readouts.js';
import { wireKeys } from './keys.js';
import { wireExport } from './export.js';
import { wireShare } from './share.js';
import { wirePanel } from './panel.js';
import { wireSweep, syncSweep } from './sweep.js';
import { wireApi, publish } from './api.js';
import { startLoop } from './loop.js';
import { compute } from './worker-client.js';

buildFigures();
buildControls();
store.sim = new Sim(DEFAULTS);
store.query = DEFAULTS;
for (const view of [syncFragment, syncFigures, syncControls, syncButtons, syncBanner, syncTalk, syncStoryEnd, syncSweep]) onCommit(view);
wireControls();
wireExport();
wireShare();
wirePanel();
wireSweep();
wireKeys();
wireApi();
wireErrors();
wireUrl();
wireTalk();
watchCanvases();
if (!store.page.tour) for (const link of document.querySelectorAll('.tour-link')) link.hidden = true;

loadFragment(parseFragment(location.hash));
startLoop();
// Internal, not part of window.dpoSim: the worker's compute(), so that the browser tests can
// check the worker itself (served and from file://) beside the sweeps that use it.
window.__dpoCompute = compute;
publish();
