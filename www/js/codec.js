// The URL fragment, `#preset=..&embed=1&talk=1&origin=..&<settings>`, read and written the
// same way by the page and the tour. Settings stay raw `key=value` text: the wasm core
// validates them.

/** Splits a fragment into its settings parts and the page keys. */
export function parseFragment(hash) {
  const out = { settings: [], preset: null, embed: false, talk: false, origin: null };
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (key === 'preset') out.preset = value;
    else if (key === 'embed') out.embed = value === '1';
    else if (key === 'talk') out.talk = value === '1';
    else if (key === 'origin') out.origin = decodeOrigin(value);
    else out.settings.push(part);
  }
  return out;
}

function decodeOrigin(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The fragment (without '#') for settings `query` and page keys; what parseFragment reads back. */
export function writeFragment({ preset = '', query = '', embed = false, talk = false, origin = null }) {
  const parts = [];
  if (preset) parts.push(`preset=${preset}`);
  if (query) parts.push(query);
  if (embed) parts.push('embed=1');
  if (talk) parts.push('talk=1');
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
