// The page keys: how a simulator is shown, not the run it shows (every other key of a fragment
// is a setting, which the core checks). Each key is declared once, here: how the README writes
// it and what it does, how its text is read and checked, how it is written back, its default,
// and the <dpo-sim> attribute that sets it too. The URL codec (codec.js), the share dialog, the
// element's attributes and the README's table (tests/e2e/readme.test.mjs) all read this table.
// It imports nothing, so that Node reads it as the page does.

/** Training steps per second while playing; Infinity: as fast as the page goes. */
export const PACES = [
  { value: '2', rate: 2, label: 'slow: 2 steps/s' },
  { value: '10', rate: 10, label: '10 steps/s' },
  { value: '30', rate: 30, label: '30 steps/s' },
  { value: '100', rate: 100, label: '100 steps/s' },
  { value: '300', rate: 300, label: '300 steps/s' },
  { value: 'max', rate: Infinity, label: 'fastest' },
];
// A 100-step story plays in about three seconds.
export const DEFAULT_PACE = '30';

/** The plots embed, talk and element modes show when neither the address nor a scenario names any. */
export const DEFAULT_PLOTS = ['landscape', 'signal'];
/** The sliders shown on top (and in embed, talk and element modes unless told others). */
export const DEFAULT_CONTROLS = ['quality', 'support'];

const code = (text) => `\`${text}\``;
const clip = (text) => text.slice(0, 40);

/** A key that holds text as given (null: not given, or empty). */
const text = { read: (value) => value || null, write: (value) => value, fallback: null };
/** Text that may hold anything: URL-encoded when written. */
const encoded = { ...text, write: encodeURIComponent };
/** A switch, on when the key holds `on`. */
const flag = (on) => ({ read: (value) => value === on, write: () => on, fallback: false });

/**
 * A comma-separated list of names, each one of `allowed(names)`; its default, null, leaves
 * the choice to the view (the scenario's, or the defaults above).
 */
function list(key, allowed) {
  return {
    read(value, names) {
      const known = allowed(names);
      const items = value.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = items.find((n) => !known.includes(n));
      if (bad !== undefined) throw new Error(`${key} = '${clip(bad)}' is not allowed: ${key} must list ${known.join(', ')}`);
      if (items.length === 0) throw new Error(`${key} is empty: it must list at least one of ${known.join(', ')}`);
      return items;
    },
    write: (items) => items.join(','),
    fallback: null,
  };
}

/**
 * The page keys, in the order the fragment is written (the scenario first: it loads before
 * the settings). `example` and `help` are the README's row; `help` given `names` (the core's
 * chart and settings keys) where it lists them. `read(text, names)` gives the value or throws
 * naming the key; `write(value)` its text; a value equal to `fallback` is left out.
 */
export const PAGE_KEYS = [
  {
    key: 'preset', example: 'preset=<key>', attribute: 'preset', read: (value) => value, write: (value) => value, fallback: '',
    help: 'loads the scenario, then applies the other keys',
  },
  { key: 'embed', example: 'embed=1', ...flag('1'), help: 'the compact layout for iframes' },
  {
    key: 'talk', example: 'talk=1', ...flag('1'),
    help: 'talk mode: large type for a projector (plot text 18 px and more at 1280 × 720 with two plots; '
      + 'smaller, never below its design size, when four share the screen), the scenario\'s one-sentence finding, '
      + 'its plots and the big controls; the number keys load the scenarios in menu order; a click enlarges a plot. '
      + 'Adding or removing it in an open page\'s address switches mode and keeps the run',
  },
  {
    key: 'plots', example: 'plots=reward,signal', attribute: 'plots', ...list('plots', (names) => names.charts),
    help: (names) => `the plots embed and talk modes show, in order (default: the scenario's evidence, else ${code(DEFAULT_PLOTS)}): ${names.charts.map(code).join(', ')}`,
  },
  {
    key: 'controls', example: 'controls=quality,support', attribute: 'controls', ...list('controls', (names) => names.settings),
    help: `the sliders embed and talk modes show (default ${code(DEFAULT_CONTROLS)}): any settings keys`,
  },
  {
    key: 'pace', example: 'pace=30', attribute: 'pace',
    read(value) {
      if (PACES.some((p) => p.value === value)) return value;
      throw new Error(`pace = '${clip(value)}' is not allowed: pace must be one of ${PACES.map((p) => p.value).join(', ')}`);
    },
    write: (value) => value,
    fallback: DEFAULT_PACE,
    help: `training steps per second while playing: ${PACES.map((p) => code(p.value)).join(', ')} `
      + `(default ${code(DEFAULT_PACE)}: a 100-step story in about three seconds)`,
  },
  { key: 'xscale', example: 'xscale=log', ...flag('log'), help: 'steps on a logarithmic axis, so the opening steps get room' },
  { key: 'pairs', example: 'pairs=1', ...flag('1'), help: 'the response map draws this step\'s minibatch pairs, rejected to chosen' },
  {
    key: 'title', example: 'title=<url-encoded text>', attribute: 'heading', ...encoded,
    help: 'an embed\'s heading in your own words (the Share dialog\'s "heading" field writes it). Without it an embed '
      + 'is headed by its scenario\'s title, or, for custom settings, "Custom settings" above the settings that differ '
      + 'from the defaults',
  },
  { key: 'origin', example: 'origin=<url-encoded origin>', ...encoded, help: 'answer `postMessage` only from that origin' },
];

/** The row of page key `key` (undefined for a setting). */
export const pageKey = (key) => PAGE_KEYS.find((row) => row.key === key);

/** What a page key does, as the README says it; `names` as for `read`. */
export const describe = (row, names) => (typeof row.help === 'function' ? row.help(names) : row.help);

/** Every page key at its default: what a fragment without page keys asks for. */
export const pageDefaults = () => Object.fromEntries(PAGE_KEYS.map((row) => [row.key, row.fallback]));
