// The address bar: the fragment a link or a hashchange brings is loaded, and every commit
// writes the page's state back into it, so a copied link restores the run and its view.
import { parseFragment, writeFragment } from './codec.js';
import { commit, PACES, DEFAULT_PACE } from './ui.js';
import { DEFAULTS, CHARTS, FIELDS, normalize } from './wasm.js';
import { findPreset, load } from './actions.js';
import { showNotice } from './banner.js';

/** The full settings a fragment asks for, validated by the core (throws naming the bad key). */
function fragmentQuery(fragment) {
  const base = fragment.preset ? `${DEFAULTS}&${findPreset(fragment.preset).settings}` : DEFAULTS;
  return normalize([base, ...fragment.settings].join('&'));
}

/** Each listed name must be one of `known`; throws naming the key, the value and what is allowed. */
function checkList(key, names, known) {
  const bad = names?.find((n) => !known.includes(n));
  if (bad !== undefined) throw new Error(`${key} = '${bad.slice(0, 40)}' is not allowed: ${key} must list ${known.join(', ')}`);
  if (names?.length === 0) throw new Error(`${key} is empty: it must list at least one of ${known.join(', ')}`);
  return names;
}

/** The page keys of a fragment, checked; throws naming the first bad one. */
function pageKeys(fragment) {
  const pace = fragment.pace ?? DEFAULT_PACE;
  if (!PACES.some((p) => p.value === pace)) {
    throw new Error(`pace = '${pace.slice(0, 40)}' is not allowed: pace must be one of ${PACES.map((p) => p.value).join(', ')}`);
  }
  return {
    plots: checkList('plots', fragment.plots, CHARTS.map((c) => c.key)),
    controls: checkList('controls', fragment.controls, FIELDS.map((f) => f.key)),
    pace,
    view: { logSteps: fragment.logSteps, pairs: fragment.pairs },
  };
}

/** How a fragment asks the page to be shown: talk mode is for the whole screen, so embedding wins. */
export const modeOf = (fragment) => (fragment.embed ? 'embed' : fragment.talk ? 'talk' : 'page');

/** Shows the page the way a fragment asks: mode, plots, controls, pace and chart view. */
function applyPage(ui, fragment) {
  ui.mode = modeOf(fragment);
  ui.origin = fragment.origin;
  ui.title = fragment.title;
  try {
    const keys = pageKeys(fragment);
    Object.assign(ui, { plots: keys.plots, controls: keys.controls, pace: keys.pace });
    Object.assign(ui.chart, keys.view);
  } catch (e) {
    showNotice(ui, `Part of the link was ignored: ${e.message}`);
  }
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
    presetKey = fragment.preset ?? '';
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
  const { mode, origin, plots, controls, title } = ui;
  const pace = ui.pace === DEFAULT_PACE ? null : ui.pace;
  const embed = mode === 'embed';
  const talk = mode === 'talk';
  const hash = `#${writeFragment({ preset: ui.preset, query: ui.query, embed, talk, origin, plots, controls, pace, title, ...ui.chart })}`;
  ui.address.timer = null;
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
  window.addEventListener('hashchange', () => loadFragment(ui, parseFragment(location.hash)));
}
