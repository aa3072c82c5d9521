// The URL fragment, `#preset=..&embed=1&talk=1&plots=..&<settings>`, read and written the same
// way by the page and the tour. Settings stay raw `key=value` text: the wasm core validates
// them; the page keys are checked by the page (url.js), which knows the charts and controls.

/** The page's own keys (every other key is a setting), with what each holds. */
export const PAGE_KEYS = {
  preset: 'a scenario key, loaded before the other settings',
  embed: '1: the compact layout for iframes',
  talk: '1: large type for a projector',
  origin: 'answer postMessage only from this (URL-encoded) origin',
  plots: 'the plots an embed or talk mode shows, comma-separated',
  controls: 'the sliders an embed or talk mode shows, comma-separated',
  pace: 'training steps per second while playing (max: as fast as it goes)',
  xscale: 'log: steps on a logarithmic axis',
  pairs: '1: draw the minibatch pairs on the response map',
  title: 'an embed\'s heading in your own words (URL-encoded); without it, the scenario\'s title',
};

/**
 * The fragment the page opened with. A page that has no address of its own (a notebook's
 * `<iframe srcdoc>`, see python/) carries it as `<html data-fragment="...">` instead.
 */
export const openingHash = () => location.hash || document.documentElement.dataset.fragment || '';

const list = (value) => value.split(',').map((s) => s.trim()).filter(Boolean);

function decode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Splits a fragment into its settings parts and the page keys (raw, unchecked). */
export function parseFragment(hash) {
  const out = {
    settings: [], preset: null, embed: false, talk: false, origin: null,
    plots: null, controls: null, pace: null, logSteps: false, pairs: false, title: null,
  };
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (key === 'preset') out.preset = value;
    else if (key === 'embed') out.embed = value === '1';
    else if (key === 'talk') out.talk = value === '1';
    else if (key === 'origin') out.origin = value;
    else if (key === 'plots') out.plots = list(value);
    else if (key === 'controls') out.controls = list(value);
    else if (key === 'pace') out.pace = value;
    else if (key === 'xscale') out.logSteps = value === 'log';
    else if (key === 'pairs') out.pairs = value === '1';
    else if (key === 'title') out.title = value;
    else out.settings.push(part);
  }
  return out;
}

/** The fragment (without '#') for settings `query` and page keys; what parseFragment reads back. */
export function writeFragment({
  preset = '', query = '', embed = false, talk = false, origin = null,
  plots = null, controls = null, pace = null, logSteps = false, pairs = false, title = null,
}) {
  const parts = [];
  if (preset) parts.push(`preset=${preset}`);
  if (query) parts.push(query);
  if (embed) parts.push('embed=1');
  if (talk) parts.push('talk=1');
  if (plots) parts.push(`plots=${plots.join(',')}`);
  if (controls) parts.push(`controls=${controls.join(',')}`);
  if (pace) parts.push(`pace=${pace}`);
  if (logSteps) parts.push('xscale=log');
  if (pairs) parts.push('pairs=1');
  if (title) parts.push(`title=${encodeURIComponent(title)}`);
  if (origin) parts.push(`origin=${encodeURIComponent(origin)}`);
  return parts.join('&');
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
export const objectQuery = (object) => Object.entries(object).map(([k, v]) => `${k}=${v}`).join('&');
