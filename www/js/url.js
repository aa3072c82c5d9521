// The address bar: the fragment a link or a hashchange brings is loaded, and every commit
// writes the page's state back into it, so a copied link restores the run.
import { parseFragment, writeFragment } from './codec.js';
import { store } from './store.js';
import { DEFAULTS, normalize } from './wasm.js';
import { findPreset, load } from './actions.js';
import { showNotice } from './banner.js';

/** The full settings a fragment asks for, validated by the core (throws naming the bad key). */
function fragmentQuery(fragment) {
  const base = fragment.preset ? `${DEFAULTS}&${findPreset(fragment.preset).settings}` : DEFAULTS;
  return normalize([base, ...fragment.settings].join('&'));
}

/** Loads what a fragment asks for; a bad one loads the defaults and says which key was wrong. */
export function loadFragment(fragment) {
  let query = DEFAULTS;
  let presetKey = '';
  try {
    query = fragmentQuery(fragment);
    presetKey = fragment.preset ?? '';
  } catch (e) {
    showNotice(`The link's settings were ignored and the defaults loaded: ${e.message}`);
  }
  load(query, presetKey);
}

/** The view of the store in the address bar. */
export function syncFragment() {
  const { embed, talk, origin } = store.page;
  const hash = `#${writeFragment({ preset: store.preset, query: store.query, embed, talk, origin })}`;
  // Commits come often (each setting, play, pin): leave an unchanged address alone.
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

export function wireUrl() {
  window.addEventListener('hashchange', () => loadFragment(parseFragment(location.hash)));
}
