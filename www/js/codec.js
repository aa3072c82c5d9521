// The URL fragment, `#preset=..&<settings>&embed=1&talk=1&plots=..`, read and written the same
// way by the page, the share dialog and the tour. Settings stay raw `key=value` text: the wasm
// core validates them. The page keys are read and written as their table says (page-keys.js).
import { PAGE_KEYS, pageKey, pageDefaults } from './page-keys.js';

/**
 * The fragment the page opened with. A page that has no address of its own (a notebook's
 * `<iframe srcdoc>`, see python/) carries it as `<html data-fragment="...">` instead.
 */
export const openingHash = () => location.hash || document.documentElement.dataset.fragment || '';

function decode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Splits a fragment into its settings parts (raw, for the core to check) and the page keys,
 * read and checked against `names` (the core's chart and settings keys): `{settings, keys,
 * refused}`. A refused page key keeps its default; `refused` says why, one message per key.
 */
export function parseFragment(hash, names = { charts: [], settings: [] }) {
  const out = { settings: [], keys: pageDefaults(), refused: [] };
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const row = pageKey(eq < 0 ? part : part.slice(0, eq));
    if (!row) {
      out.settings.push(part);
      continue;
    }
    try {
      out.keys[row.key] = row.read(eq < 0 ? '' : decode(part.slice(eq + 1)), names);
    } catch (e) {
      out.refused.push(e.message);
    }
  }
  return out;
}

/**
 * The fragment (without '#') for settings `query` and the page keys in `keys` (by key; a key
 * missing or at its default is left out): what parseFragment reads back.
 */
export function writeFragment(query, keys = {}) {
  const written = (row) => {
    const value = keys[row.key];
    return value === undefined || value === row.fallback ? '' : `${row.key}=${row.write(value)}`;
  };
  // The scenario first (it is loaded before the settings), then the settings, then the view.
  const [preset, ...view] = PAGE_KEYS;
  return [written(preset), query, ...view.map(written)].filter(Boolean).join('&');
}

/** `k=v&k=v` as an object; later keys win. */
export function queryObject(query) {
  const out = {};
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** An object as `k=v&k=v`. */
/** Links longer than this are cut by some chat apps, mail clients and browsers. */
const LONG_LINK = 2000;

/**
 * Why a link may not survive being shared (a world of many named responses makes a long one),
 * with the way round it; null for a link of ordinary length.
 */
export function longLink(url) {
  if (url.length <= LONG_LINK) return null;
  return `This link is ${url.length.toLocaleString('en')} characters long: it carries the world's responses, `
    + `and some chat apps, mail clients and browsers cut links past about ${LONG_LINK.toLocaleString('en')}. `
    + 'Share the world as a file instead: Export responses, then Open world CSV… on the other side.';
}

export const objectQuery = (object) => Object.entries(object).map(([k, v]) => `${k}=${v}`).join('&');
