// The simulator page: builds the views, loads the run the address asks for, starts the loop
// and hands the page to scripts. All simulation and drawing happens in the wasm core; the
// page's state lives in its ui (ui.js), the same kind a <dpo-sim> element has.
import './page-colors.js';
import './first-paint.js';
import { openingHash } from './codec.js';
import { createUi, onCommit } from './ui.js';
import { Sim, DEFAULTS } from './wasm.js';
import { controlsParts } from './stage.js';
import { buildControls, syncControls, syncButtons, wireControls } from './controls.js';
import { syncBanner, wireErrors } from './banner.js';
import { loadFragment, syncFragment, wireUrl, modeOf, readFragment } from './url.js';
import { syncTalk, wireTalk } from './talk.js';
import { buildFigures, syncFigures, watchCanvases } from './canvases.js';
import { buildReadouts } from './readouts.js';
import { storyParts, wireStory } from './story.js';
import { wireKeys } from './keys.js';
import { wireExport } from './export.js';
import { wireWorldFile } from './world-file.js';
import { wireWorldEditor } from './world-editor.js';
import { wireMapDrag } from './map-drag.js';
import { wireStartDrag } from './start-drag.js';
import { wireShare } from './share.js';
import { wirePanel } from './panel.js';
import { wireSweep, syncSweep } from './sweep.js';
import { makeApi } from './api.js';
import { wireMessages } from './messages.js';
import { startLoop, frameStats } from './loop.js';
import { compute } from './worker-client.js';

const ui = createUi(document, modeOf(readFragment(openingHash()).keys));
// The tour is a second page beside this one (the one-file build names the one-file tour).
ui.tourPage = document.documentElement.dataset.tourPage ?? 'tour.html';
ui.$('main-controls').append(...controlsParts());
ui.$('story-home').append(storyParts());
buildFigures(ui);
buildControls(ui);
buildReadouts(ui);
ui.sim = new Sim(DEFAULTS);
ui.query = DEFAULTS;
for (const view of [syncFragment, syncFigures, syncControls, syncButtons, syncBanner, syncTalk, syncSweep]) onCommit(ui, view);
wireControls(ui);
wireStory(ui);
wireExport(ui);
wireWorldFile(ui);
wireWorldEditor(ui);
wireMapDrag(ui);
wireStartDrag(ui);
wireShare(ui);
wirePanel(ui);
wireSweep(ui);
wireKeys(ui);
const api = { ...makeApi(ui), frameStats: () => frameStats(ui) };
wireMessages(ui, api);
wireErrors(ui);
wireUrl(ui);
wireTalk(ui);
watchCanvases(ui);

loadFragment(ui, readFragment(openingHash()));
startLoop(ui);
// Internal, not part of window.dpoSim: the worker's compute(), so that the browser tests can
// check the worker itself (served and from file://) beside the sweeps that use it.
window.__dpoCompute = compute;
window.dpoSim = api;
window.dpoSimReady = true;
window.dispatchEvent(new Event('dpo-sim-ready'));
