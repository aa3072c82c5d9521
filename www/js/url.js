// The address bar: the fragment a link or a hashchange brings is loaded, and every commit
// writes the page's state back into it, so a copied link restores the run and its view.
import { parseFragment, writeFragment } from './codec.js';
import { commit } from './ui.js';
import { DEFAULTS, NAMES, normalize } from './wasm.js';
import { findPreset, load } from './actions.js';
import { showNotice } from './banner.js';

/** A fragment, read with the core's names: what parseFragment gives. */
export const readFragment = (hash) => parseFragment(hash, NAMES);

/**
 * The full settings a fragment asks for, validated by the core (throws naming the bad key):
 * the preset's and the fragment's on top of the defaults (normalize starts from them; given
 * again here, the default n would contradict a world the fragment gives).
 */
function fragmentQuery(fragment) {
  const { preset } = fragment.keys;
  const base = preset ? findPreset(preset).settings : '';
  return normalize([base, ...fragment.settings].join('&'));
}

/** How page keys ask the page to be shown: talk mode is for the whole screen, so embedding wins. */
export const modeOf = (keys) => (keys.embed ? 'embed' : keys.talk ? 'talk' : 'page');

/**
 * The page keys of a view (by key, as writeFragment takes them): its mode, its chart view,
 * and the rest kept under their own names.
 */
export function viewKeys(ui) {
  const { preset, origin, plots, controls, pace, title } = ui;
  const [embed, talk] = [ui.mode === 'embed', ui.mode === 'talk'];
  return { preset, embed, talk, origin, plots, controls, pace, xscale: ui.chart.logSteps, pairs: ui.chart.pairs, title };
}

/** Shows the page the way page keys ask (the inverse of viewKeys; the preset loads with the settings). */
function applyPage(ui, { keys, refused }) {
  ui.mode = modeOf(keys);
  const { origin, plots, controls, pace, title } = keys;
  Object.assign(ui, { origin, plots, controls, pace, title });
  Object.assign(ui.chart, { logSteps: keys.xscale, pairs: keys.pairs });
  if (refused.length) showNotice(ui, `Part of the link was ignored: ${refused.join('; ')}`);
}

/**
 * Loads what a fragment asks for; a bad one loads the defaults and says which key was wrong.
 * A fragment that changes only how the page is shown (talk=1 added to an open page) keeps the run.
 */
export function loadFragment(ui, fragment) {
  ui.address.hash = location.hash;
  applyPage(ui, fragment);
  let query = DEFAULTS;
  let presetKey = '';
  try {
    query = fragmentQuery(fragment);
    presetKey = fragment.keys.preset;
  } catch (e) {
    showNotice(ui, `The link's settings were ignored and the defaults loaded: ${e.message}`);
  }
  if (query === ui.query && presetKey === ui.preset) commit(ui);
  else load(ui, query, presetKey);
}

// The address is rewritten at most this often: a slider dragged at 60 events a second would
// otherwise call replaceState past the browser's limit (it then ignores the calls and warns).
const ADDRESS_MS = 120;

function writeAddress(ui) {
  ui.address.timer = null;
  // A control held in motion (a slider, a dragged response or start): the address waits until
  // it rests. replaceState with a long address costs several ms, a frame's budget.
  const rest = (ui.adjusting ?? 0) - performance.now();
  if (rest > 0) {
    ui.address.timer = setTimeout(() => writeAddress(ui), rest);
    return;
  }
  const hash = `#${writeFragment(ui.query, viewKeys(ui))}`;
  // Someone else changed the address since (a link, the reader): its hashchange, queued, loads
  // it and commits again. Writing now would overwrite it before it is read.
  if (location.hash !== ui.address.hash) return;
  ui.address.at = performance.now();
  ui.address.hash = hash;
  // Commits come often (each setting, play, pin): leave an unchanged address alone.
  // Against the page's own address, not its base URL: an iframe srcdoc's base is its parent's.
  if (location.hash !== hash) history.replaceState(null, '', new URL(hash, location.href));
}

/** The view of the page in the address bar (at once, or at the end of a quick burst of changes). */
export function syncFragment(ui) {
  const wait = ui.address.at + ADDRESS_MS - performance.now();
  if (wait <= 0) writeAddress(ui);
  else ui.address.timer ??= setTimeout(() => writeAddress(ui), wait);
  showMode(ui);
}

/** The page's classes follow its mode: the layout of an embed or of talk mode. */
export function showMode(ui) {
  document.documentElement.classList.toggle('embed', ui.mode === 'embed');
  document.documentElement.classList.toggle('talk', ui.mode === 'talk');
  const stage = ui.$('stage');
  stage.classList.toggle('compact', ui.mode !== 'page');
  stage.classList.toggle('fill', ui.mode !== 'page');
}

export function wireUrl(ui) {
  window.addEventListener('hashchange', () => loadFragment(ui, readFragment(location.hash)));
}
