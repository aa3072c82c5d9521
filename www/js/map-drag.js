// Moving a response on the map: drag its disc with a pointer, or, with the map focused, pick
// one with [ and ] and move it with the arrow keys (Shift: five times as far). The response
// under the pointer or picked is ringed and named. Its features
// change, the world becomes a list (world=) and the run restarts on it. The core says which
// disc is under a pixel and which features a pixel stands for, as the map was last drawn.
import { guard, formatNumber } from './wasm.js';
import { changeSettings } from './actions.js';
import { speak } from './banner.js';
import { pointerPixels, dragWithFinger } from './canvases.js';
import { ADJUST_MS } from './loop.js';

// Features moved per arrow key (Shift: five times as far).
const STEP = 0.1;
// A disc is hit this many CSS px beyond its edge: small ones are hard to hit.
const REACH_PX = 6;

/**
 * The world with response `index` at features `phi`: the run restarts on it. A move comes in a
 * run of them (a drag, a held arrow key): like a slider's, it keeps the landscape to its frame
 * budget until the moves rest, rather than computing it whole after each.
 */
function move(ui, index, phi) {
  ui.adjusting = performance.now() + ADJUST_MS;
  changeSettings(ui, (sim) => sim.moveResponse(index, phi[0], phi[1]));
}

/** The response the map rings and names: the one under the pointer, else the keyboard's. */
function showFocus(ui, hovered = null) {
  guard(ui, () => ui.sim.setMapFocus(hovered ?? ui.mapFocus ?? undefined));
  ui.dirty = true;
}

function setFocus(ui, index) {
  ui.mapFocus = index;
  showFocus(ui);
}

/** Where response `index` is now, said. */
function tell(ui, index) {
  const r = guard(ui, () => ui.sim.responses())[index];
  speak(ui, `${r.name} at φ = (${formatNumber(r.phi1, '2')}, ${formatNumber(r.phi2, '2')})`);
}

export function wireMapDrag(ui) {
  const { canvas } = ui.figures.get('map');
  canvas.tabIndex = 0;
  canvas.setAttribute('aria-label', 'Response map. Drag a response to move it; or, with the map focused, [ and ] pick a '
    + 'response and the arrow keys move it (Shift: farther). The run restarts on the moved world.');
  const at = (event) => pointerPixels(canvas, event);
  dragWithFinger(canvas, (x, y, k) => guard(ui, () => ui.sim.mapHit(x, y, REACH_PX * k)) !== undefined);
  let dragging = null;
  canvas.addEventListener('pointerdown', (event) => {
    const [x, y, k] = at(event);
    const hit = guard(ui, () => ui.sim.mapHit(x, y, REACH_PX * k));
    if (hit === undefined) return;
    event.preventDefault();
    dragging = hit;
    canvas.setPointerCapture(event.pointerId);
    setFocus(ui, hit);
  });
  // Hovering names a response (a world of more than 12 has no names drawn otherwise).
  let hovered = null;
  canvas.addEventListener('pointermove', (event) => {
    if (dragging === null) {
      const [x, y, k] = at(event);
      const hit = guard(ui, () => ui.sim.mapHit(x, y, REACH_PX * k)) ?? null;
      if (hit !== hovered) showFocus(ui, (hovered = hit));
      return;
    }
    const [x, y] = at(event);
    const phi = guard(ui, () => ui.sim.mapFeatures(x, y));
    if (phi) move(ui, dragging, phi);
  });
  const drop = () => {
    if (dragging !== null) tell(ui, dragging);
    dragging = null;
  };
  canvas.addEventListener('pointerup', drop);
  canvas.addEventListener('pointercancel', drop);
  canvas.addEventListener('pointerleave', () => {
    if (hovered !== null) showFocus(ui, (hovered = null));
  });
  canvas.addEventListener('focus', () => {
    if (ui.mapFocus === null) setFocus(ui, 0);
    tell(ui, ui.mapFocus);
  });
  canvas.addEventListener('blur', () => setFocus(ui, null));
  canvas.addEventListener('keydown', (event) => {
    const n = guard(ui, () => ui.sim.sampler().n);
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (event.key === '[' || event.key === ']') {
      setFocus(ui, ((ui.mapFocus ?? 0) + (event.key === ']' ? 1 : n - 1)) % n);
      tell(ui, ui.mapFocus);
    } else if (arrows[event.key] && ui.mapFocus !== null) {
      const r = guard(ui, () => ui.sim.responses())[ui.mapFocus];
      const [dx, dy] = arrows[event.key].map((d) => d * STEP * (event.shiftKey ? 5 : 1));
      move(ui, ui.mapFocus, [r.phi1 + dx, r.phi2 + dy]);
      tell(ui, ui.mapFocus);
    } else return;
    // The map's keys are its own: → does not step the run here.
    event.preventDefault();
    event.stopPropagation();
  });
}
