// Keyboard shortcuts: space plays or pauses, → steps once, r resets, and in talk mode the
// number keys load the scenarios; never while the focused element needs the key itself.
import { PRESETS } from './wasm.js';
import { togglePlay, advance, reset, pause, loadPreset } from './actions.js';
import { render } from './loop.js';

/** Which of our keys the focused element needs for itself. */
function ownKeys(target) {
  if (!(target instanceof Element)) return [];
  if (target.isContentEditable || target.closest('textarea, select')) return ['all'];
  if (target instanceof HTMLInputElement) {
    if (target.type === 'range') return ['ArrowRight'];
    if (target.type !== 'checkbox') return ['all'];
  }
  // Space activates buttons, links and checkboxes.
  return target.closest('button, a, input') ? [' '] : [];
}

function onKey(ui, event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const own = ownKeys(event.target);
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
    render(ui);
  }
}

export function wireKeys(ui) {
  document.addEventListener('keydown', (event) => onKey(ui, event));
}
