// The four plot canvases, in the order the core draws them, and the pixel scale they get.
import { $ } from './dom.js';
import { store } from './store.js';

// Talk mode: plot text grows with the plot, from this design size (CSS px) on.
const TALK_DESIGN = { w: 450, h: 320 };

export const CANVASES = ['map', 'landscape', 'signal', 'curves'].map($);

/** Backing store at device pixels; the CSS decides the size on screen. */
export function fitCanvases(scale) {
  for (const c of CANVASES) {
    const w = Math.max(1, Math.round(c.clientWidth * scale));
    const h = Math.max(1, Math.round(c.clientHeight * scale));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
  }
}

/**
 * Device pixels per CSS pixel, as the charts should assume. In talk mode a plot larger than
 * the charts' design size is drawn as if smaller, so its text and marks grow with it.
 */
export function chartScale(scale) {
  if (!store.page.talk) return scale;
  const shown = CANVASES.find((c) => c.clientWidth > 0 && c.clientHeight > 0);
  if (!shown) return scale;
  const grow = Math.min(shown.clientWidth / TALK_DESIGN.w, shown.clientHeight / TALK_DESIGN.h);
  return scale * Math.max(1, grow);
}

/** A canvas resized by the layout needs a redraw. */
export function watchCanvases() {
  new ResizeObserver(() => {
    store.dirty = true;
  }).observe($('map'));
}
