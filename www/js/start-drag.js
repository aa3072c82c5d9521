// Where the linear model's training starts: drag the ring θ₀ on the landscape with a pointer,
// or, with the landscape focused, move it with the arrow keys (Shift: four times as far; Home:
// back to 0, the reference). Each move restarts the run from there (theta0=). While a pointer
// drags, the landscape keeps its window, so the plot holds still under it.
import { guard, formatNumber } from './wasm.js';
import { ADJUST_MS } from './loop.js';
import { onCommit } from './ui.js';
import { setQuery } from './actions.js';
import { speak } from './banner.js';
import { queryObject } from './codec.js';
import { pointerPixels, dragWithFinger } from './canvases.js';
import { unused } from './controls.js';

// θ moved per arrow key (Shift: four times as far).
const STEP = 0.25;
// The ring is hit this many CSS px beyond its edge.
const REACH_PX = 8;
// A dragged start is rounded to two decimals: a link carries 1.23, not 1.2345678901234567.
const round = (v) => Number(v.toFixed(2));

/** The start now: [θ₁, θ₂]. */
const startOf = (ui) => (queryObject(ui.query).theta0 ?? '0,0').split(',').map(Number);

/** Why the start cannot be moved now (the tabular model), or null. */
const fixedBecause = (ui) => unused(ui).get('theta0') ?? null;

/** Restarts the run from `theta` (a value out of range is refused, with the core's reason, and nothing changes). */
function moveTo(ui, theta) {
  const [a, b] = theta.map(round);
  const [x, y] = startOf(ui);
  if (a === x && b === y) return;
  // Moves come in runs (a drag, a held key): the landscape keeps to its frame budget meanwhile.
  ui.adjusting = performance.now() + ADJUST_MS;
  try {
    setQuery(ui, `theta0=${a},${b}`);
  } catch (e) {
    speak(ui, e.message);
  }
}

/** Where the run starts now, said. */
function tell(ui) {
  const [a, b] = startOf(ui);
  speak(ui, `Start θ₀ = (${formatNumber(a, '2')}, ${formatNumber(b, '2')}): the run restarted from there.`);
}

const LABEL = {
  movable: 'Loss landscape. Drag the ring θ₀ to choose where training starts; or, with the landscape focused, move it '
    + 'with the arrow keys (Shift: farther; Home: back to 0). The run restarts from there.',
  fixed: 'Loss landscape: a slice through the tabular model\'s parameters. Its run starts at the reference.',
};

/** The landscape offers its start to the keyboard only where it can move (the linear model). */
function syncStart(ui) {
  const { canvas } = ui.figures.get('landscape');
  const movable = !fixedBecause(ui);
  const label = movable ? LABEL.movable : LABEL.fixed;
  if (canvas.getAttribute('aria-label') === label) return;
  canvas.tabIndex = movable ? 0 : -1;
  canvas.setAttribute('aria-label', label);
}

export function wireStartDrag(ui) {
  const { canvas } = ui.figures.get('landscape');
  onCommit(ui, syncStart);
  const grabs = (x, y, k) => guard(ui, () => ui.sim.onStart(x, y, REACH_PX * k));
  dragWithFinger(canvas, grabs);
  let dragging = false;
  canvas.addEventListener('pointerdown', (event) => {
    if (!grabs(...pointerPixels(canvas, event))) return;
    event.preventDefault();
    dragging = true;
    canvas.setPointerCapture(event.pointerId);
    canvas.style.cursor = 'grabbing';
    guard(ui, () => ui.sim.holdLandscape(true));
  });
  canvas.addEventListener('pointermove', (event) => {
    const [x, y, k] = pointerPixels(canvas, event);
    if (!dragging) {
      canvas.style.cursor = grabs(x, y, k) ? 'grab' : '';
      return;
    }
    const theta = guard(ui, () => ui.sim.landscapeTheta(x, y));
    if (theta) moveTo(ui, theta);
  });
  const drop = () => {
    if (!dragging) return;
    dragging = false;
    canvas.style.cursor = '';
    guard(ui, () => ui.sim.holdLandscape(false));
    ui.dirty = true;
    tell(ui);
  };
  canvas.addEventListener('pointerup', drop);
  canvas.addEventListener('pointercancel', drop);
  canvas.addEventListener('keydown', (event) => {
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (!arrows[event.key] && event.key !== 'Home') return;
    // The landscape's keys are its own: → does not step the run here.
    event.preventDefault();
    event.stopPropagation();
    const fixed = fixedBecause(ui);
    if (fixed) {
      speak(ui, `The start cannot move: ${fixed}.`);
      return;
    }
    const [a, b] = startOf(ui);
    const [dx, dy] = (arrows[event.key] ?? [0, 0]).map((d) => d * STEP * (event.shiftKey ? 4 : 1));
    moveTo(ui, event.key === 'Home' ? [0, 0] : [a + dx, b + dy]);
    tell(ui);
  });
}
