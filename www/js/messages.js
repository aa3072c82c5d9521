// The page to an embedding page: the API over postMessage, the slide messages reveal.js posts
// to iframes, and the embedded page's natural height. Messages are data only: anything not of
// the API's shape is ignored, and an unknown method is answered with an error.
import { naturalHeight } from './canvases.js';
import { play, pause } from './actions.js';

function answer(event, id, settle) {
  const reply = { type: 'dpo-sim-reply', id, ...settle };
  // An opaque origin ("null", e.g. a file:// parent) can only be answered with '*'.
  event.source?.postMessage(reply, { targetOrigin: event.origin === 'null' ? '*' : event.origin });
}

/** `{type: 'dpo-sim', id, method, args}` in, `{type: 'dpo-sim-reply', id, result | error}` out. */
async function call(api, event) {
  const d = event.data;
  if (!Object.hasOwn(api, d.method)) {
    answer(event, d.id, { error: `unknown method '${d.method.slice(0, 40)}' (known: ${Object.keys(api).join(', ')})` });
    return;
  }
  try {
    answer(event, d.id, { result: await api[d.method](...(Array.isArray(d.args) ? d.args : [])) });
  } catch (e) {
    answer(event, d.id, { error: String(e?.message ?? e) });
  }
}

/**
 * A slide deck (reveal.js posts these strings to the iframes of a slide): leaving the slide
 * pauses the simulator, showing it again plays it if it was playing when the slide was left.
 */
function slide(ui, message) {
  if (message === 'slide:stop') {
    ui.resumeOnSlide = ui.playing;
    pause(ui);
  } else if (ui.resumeOnSlide) {
    ui.resumeOnSlide = false;
    play(ui);
  }
}

export function wireMessages(ui, api) {
  window.addEventListener('message', (event) => {
    const d = event.data;
    if (ui.origin && event.origin !== ui.origin) return;
    if (d === 'slide:stop' || d === 'slide:start') slide(ui, d);
    else if (d && typeof d === 'object' && d.type === 'dpo-sim' && typeof d.method === 'string' && event.source) call(api, event);
  });
  if (ui.mode === 'embed' && window.parent !== window) {
    // Lets the embedding page size the iframe to its natural height: {type: 'dpo-sim-size', height}.
    new ResizeObserver(() => {
      window.parent.postMessage({ type: 'dpo-sim-size', height: naturalHeight(ui) }, ui.origin ?? '*');
    }).observe(document.documentElement);
  }
}
