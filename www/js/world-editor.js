// The world editor: the responses as a table (name, reward, features, reference logit), each
// cell an input and each row with its remove button, so that a keyboard alone can rename, edit,
// add and remove. An edit is applied when the cell is committed (Enter, or leaving it): the
// table becomes `world=` text, the core checks it (an error names the response and the column)
// and the run restarts on the new world, which the page says. The table is rebuilt only when
// the world changed from elsewhere (a link, a scenario, a slider of the world, a file).
import { el, setText } from './dom.js';
import { guard, FIELDS, WORLD_KEYS } from './wasm.js';
import { queryObject } from './codec.js';
import { setQuery } from './actions.js';
import { speak } from './banner.js';

const COLUMNS = [
  { key: 'name', label: 'Name', type: 'text' },
  { key: 'reward', label: 'Reward' },
  { key: 'phi1', label: 'Feature φ₁' },
  { key: 'phi2', label: 'Feature φ₂' },
  { key: 'ref', label: 'Reference logit' },
];
// The settings that decide the world: the restart-scope fields and the lists.
const WORLD_SETTINGS = [...FIELDS.filter((f) => f.scope === 'restart' && f.key !== 'model').map((f) => f.key), ...WORLD_KEYS];

const signature = (ui) => {
  const q = queryObject(ui.query);
  return WORLD_SETTINGS.map((k) => q[k] ?? '').join('&');
};

/** A number as a cell shows it: every digit, so an unedited cell gives back the same bits. */
const cellText = (key, v) => (key === 'name' ? v : String(v));

/** The table's rows as `world=` text. */
function worldText(body) {
  return [...body.rows].map((row) => [...row.querySelectorAll('input')]
    .map((input, k) => (k === 0 ? encodeURIComponent(input.value) : input.value.trim())).join(',')).join(';');
}

function status(ui, text) {
  setText(ui.$('world-status'), text);
  speak(ui, text);
}

/** Applies the table; `what` says what changed ("helpful's reward"). */
function apply(ui, what) {
  const body = ui.$('world-rows');
  try {
    if (setQuery(ui, `world=${worldText(body)}`)) status(ui, `${what}: the world has ${body.rows.length} responses now, and the run restarted.`);
  } catch (e) {
    // The table goes back to the world the run has: what was refused is named in the message.
    render(ui);
    status(ui, `Not applied: ${e.message}`);
  }
}

function row(ui, response, index) {
  const tr = el('tr');
  const name = () => tr.querySelector('input').value || `response ${index + 1}`;
  for (const c of COLUMNS) {
    const input = el('input', {
      type: 'text',
      value: cellText(c.key, response[c.key]),
      inputMode: c.key === 'name' ? 'text' : 'decimal',
      'aria-label': c.key === 'name' ? `Name of response ${index + 1}` : `${c.label} of ${response.name}`,
      'data-column': c.key,
    });
    // A text input commits on Enter or on leaving it: one change event, not one per key.
    input.addEventListener('change', () => apply(ui, c.key === 'name' ? `Renamed to ${input.value}` : `${c.label} of ${name()} set to ${input.value}`));
    tr.append(el('td', {}, [input]));
  }
  const remove = el('button', { type: 'button', text: 'Remove', 'aria-label': `Remove ${response.name}` });
  remove.addEventListener('click', () => {
    const gone = name();
    tr.remove();
    apply(ui, `Removed ${gone}`);
    ui.$('world-add').focus();
  });
  tr.append(el('td', {}, [remove]));
  return tr;
}

/** Rebuilds the rows from the run's world, keeping the focused cell where it was. */
function render(ui) {
  const body = ui.$('world-rows');
  const active = ui.root.activeElement;
  const at = body.contains(active) ? [[...body.rows].indexOf(active.closest('tr')), active.dataset.column ?? 'remove'] : null;
  const responses = guard(ui, () => ui.sim.responses());
  body.replaceChildren(...responses.map((r, i) => row(ui, r, i)));
  if (at) {
    const tr = body.rows[Math.min(at[0], body.rows.length - 1)];
    (tr?.querySelector(at[1] === 'remove' ? 'button' : `[data-column="${at[1]}"]`))?.focus();
  }
}

export function wireWorldEditor(ui) {
  const panel = ui.$('world-editor');
  let shown = null;
  const sync = () => {
    if (!panel.open || signature(ui) === shown) return;
    shown = signature(ui);
    render(ui);
  };
  panel.addEventListener('toggle', sync);
  ui.views.push(sync);
  ui.$('world-add').addEventListener('click', () => {
    const body = ui.$('world-rows');
    const names = new Set([...body.rows].map((tr) => tr.querySelector('input').value));
    let k = body.rows.length + 1;
    while (names.has(`r${k}`)) k += 1;
    body.append(row(ui, { name: `r${k}`, reward: 0, phi1: 0, phi2: 0, ref: 0 }, body.rows.length));
    apply(ui, `Added r${k}`);
  });
}
