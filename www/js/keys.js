// Keyboard shortcuts: space plays or pauses, → steps once, r resets, and in talk mode the
// number keys load the scenarios; never while the focused element needs the key itself.
import { PRESETS } from './wasm.js';
import { togglePlay, advance, reset, pause, loadPreset } from './actions.js';
import { drawNow } from './loop.js';

const EVERY_KEY = ['all'];

/**
 * Which of our keys the focused element needs for itself. A form field takes them all: a
 * slider's arrows, Home, End and Page keys, a select's letters, a number typed into a box, and
 * Space on a checkbox never step, play or load a scenario. Buttons, links and focusable plots
 * take Space and Enter, which activate them.
 */
function ownKeys(target) {
  if (!(target instanceof Element)) return [];
  if (target.isContentEditable || target.closest('input, select, textarea')) return EVERY_KEY;
  return target.closest('button, a, summary, [tabindex]') ? [' ', 'Enter'] : [];
}

function onKey(ui, event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  // The element the key went to, also inside a shadow root.
  const own = ownKeys(event.composedPath()[0]);
  if (own.includes('all') || own.includes(event.key)) return;
  if (event.key === ' ') {
    event.preventDefault();
    togglePlay(ui);
  } else if (event.key === 'ArrowRight') {
    event.preventDefault();
    advance(ui, 1);
  } else if (event.key === 'r' || event.key === 'R') {
    reset(ui);
  } else if (ui.mode === 'talk' && /^[1-9]$/.test(event.key)) {
    const preset = PRESETS[Number(event.key) - 1];
    if (!preset) return;
    event.preventDefault();
    pause(ui);
    loadPreset(ui, preset.key);
    drawNow(ui);
  }
}

export function wireKeys(ui) {
  document.addEventListener('keydown', (event) => onKey(ui, event));
}
