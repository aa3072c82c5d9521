// Talk mode (#talk=1, on load or added to an open page's address), for a projector: the
// scenario's title, the number keys' hint, and a click (or Enter) on a plot enlarges it to
// the whole plot area; again, or Escape, restores.
import { PRESETS } from './wasm.js';
import { setText, setAttr } from './dom.js';

const talking = (ui) => ui.mode === 'talk';

/** The view of talk mode: the title for the room, and plots that can be enlarged. */
export function syncTalk(ui) {
  const index = PRESETS.findIndex((p) => p.key === ui.preset);
  setText(ui.$('talk-title'), index < 0 ? 'Custom settings' : `${index + 1}. ${PRESETS[index].title}`);
  for (const { figure } of ui.figures.values()) {
    const tabIndex = talking(ui) ? 0 : -1;
    if (figure.tabIndex !== tabIndex) figure.tabIndex = tabIndex;
    if (talking(ui)) setAttr(figure, 'aria-expanded', String(figure.classList.contains('zoomed')));
    else figure.removeAttribute('aria-expanded');
  }
  if (!talking(ui)) zoom(ui, null);
}

function zoom(ui, figure) {
  const on = figure !== null && !figure.classList.contains('zoomed');
  for (const { figure: f } of ui.figures.values()) {
    f.classList.toggle('zoomed', on && f === figure);
    if (talking(ui)) f.setAttribute('aria-expanded', String(on && f === figure));
  }
  ui.$('plots').classList.toggle('has-zoom', on);
  ui.dirty = true;
}

export function wireTalk(ui) {
  ui.$('talk-last-key').textContent = String(Math.min(9, PRESETS.length));
  for (const { figure } of ui.figures.values()) {
    figure.title = 'In talk mode: click to enlarge this plot; click again or press Escape to restore';
    figure.addEventListener('click', () => talking(ui) && zoom(ui, figure));
    figure.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && talking(ui)) zoom(ui, figure);
    });
  }
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && ui.$('plots').classList.contains('has-zoom')) zoom(ui, null);
  });
}
