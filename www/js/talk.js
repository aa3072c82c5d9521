// Talk mode (#talk=1, on load or added to an open page's address), for a projector: the
// scenario's title, the number keys' hint, and a click (or Enter) on a plot enlarges it to
// the whole plot area; again, or Escape, restores.
import { $ } from './dom.js';
import { store } from './store.js';
import { PRESETS } from './wasm.js';
import { FIGURES } from './canvases.js';

/** The view of talk mode: the title for the room, and plots that can be enlarged. */
export function syncTalk() {
  const index = PRESETS.findIndex((p) => p.key === store.preset);
  $('talk-title').textContent = index < 0 ? 'Custom settings' : `${index + 1}. ${PRESETS[index].title}`;
  for (const { figure } of FIGURES.values()) {
    figure.tabIndex = store.page.talk ? 0 : -1;
    if (store.page.talk) figure.setAttribute('aria-expanded', String(figure.classList.contains('zoomed')));
    else figure.removeAttribute('aria-expanded');
  }
  if (!store.page.talk) zoom(null);
}

function zoom(figure) {
  const on = figure !== null && !figure.classList.contains('zoomed');
  for (const { figure: f } of FIGURES.values()) {
    f.classList.toggle('zoomed', on && f === figure);
    if (store.page.talk) f.setAttribute('aria-expanded', String(on && f === figure));
  }
  $('plots').classList.toggle('has-zoom', on);
  store.dirty = true;
}

export function wireTalk() {
  $('talk-last-key').textContent = String(Math.min(9, PRESETS.length));
  for (const { figure } of FIGURES.values()) {
    figure.title = 'In talk mode: click to enlarge this plot; click again or press Escape to restore';
    figure.addEventListener('click', () => store.page.talk && zoom(figure));
    figure.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && store.page.talk) zoom(figure);
    });
  }
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && $('plots').classList.contains('has-zoom')) zoom(null);
  });
}
