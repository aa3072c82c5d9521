// Talk mode (#talk=1), for a projector: the scenario's title, the number keys' hint, and a
// click (or Enter) on a plot enlarges it to the whole plot area; again, or Escape, restores.
import { $ } from './dom.js';
import { store } from './store.js';
import { PRESETS } from './wasm.js';

/** The view of the scenario, for the room. */
export function syncTalkTitle() {
  const index = PRESETS.findIndex((p) => p.key === store.preset);
  $('talk-title').textContent = index < 0 ? 'Custom settings' : `${index + 1}. ${PRESETS[index].title}`;
}

export function wireTalk() {
  $('talk-last-key').textContent = String(Math.min(9, PRESETS.length));
  const plots = document.querySelector('.plots');
  const figures = [...plots.querySelectorAll('figure')];
  const zoom = (figure) => {
    const on = figure !== null && !figure.classList.contains('zoomed');
    for (const f of figures) {
      f.classList.toggle('zoomed', on && f === figure);
      f.setAttribute('aria-expanded', String(on && f === figure));
    }
    plots.classList.toggle('has-zoom', on);
    store.dirty = true;
  };
  for (const figure of figures) {
    figure.tabIndex = 0;
    figure.setAttribute('aria-expanded', 'false');
    figure.title = 'Click to enlarge this plot; click again or press Escape for all four';
    figure.addEventListener('click', () => zoom(figure));
    figure.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') zoom(figure);
    });
  }
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && plots.classList.contains('has-zoom')) zoom(null);
  });
}
