// The scenario's story as the reader sees it: its one-sentence finding, and on request the
// experiment and its claims, each judged by the core from the runs (✓, ✗ or not yet, with the
// numbers it read). A verdict line under the transport says how the story came out; its space
// is there from the start, so nothing moves when a story ends. The details open over the
// plots (on the page and in compact views alike), so opening them moves nothing either.
import { el, setText, setAttr } from './dom.js';
import { queryObject } from './codec.js';
import { guard, PRESETS, FIELDS, DEFAULTS, formatNumber } from './wasm.js';

/** Is the picker of `ui` browsing another scenario's story (see controls.js)? */
const browsing = (ui) => ui.$('preset') && ui.$('preset').value !== ui.preset;
import { speak } from './banner.js';

// A scenario has at most this many claims: the list's items are made once.
const MAX_CLAIMS = Math.max(...PRESETS.map((p) => p.claims.length));
const MARKS = { true: '✓', false: '✗', null: '…' };

/** The story's parts: its summary line, the button that opens it, and the opened panel. */
export function storyParts() {
  const claims = Array.from({ length: MAX_CLAIMS }, () => el('li', { hidden: true }, [
    el('span', { class: 'mark', 'aria-hidden': 'true' }),
    el('span', { class: 'claim' }),
  ]));
  return el('div', { id: 'story', class: 'story' }, [
    el('p', { id: 'embed-summary', class: 'embed-summary' }),
    el('button', {
      id: 'story-toggle', type: 'button', class: 'story-toggle', 'aria-expanded': 'false', 'aria-controls': 'preset-story',
      text: 'The experiment and its claims',
    }),
    el('section', { id: 'preset-story', class: 'story-details', hidden: true, 'aria-label': 'The experiment and its claims' }, [
      el('div', { class: 'story-head' }, [
        el('h2', { id: 'story-title', class: 'story-title' }),
        el('button', { id: 'story-close', type: 'button', class: 'story-close', text: 'Close' }),
      ]),
      el('p', { id: 'story-text', class: 'story-text' }),
      el('ol', { id: 'story-claims', class: 'story-claims' }, claims),
      el('p', { id: 'story-context', class: 'story-context' }),
      el('a', { id: 'story-tour', hidden: true, text: 'More in the tour' }),
    ]),
  ]);
}

// Where the story sits in each mode: the page's scenario card, an embed's head, talk mode's
// bar (an element builds it in its head).
const SLOTS = { page: 'story-home', embed: 'story-compact', talk: 'story-talk' };

/** Moves the story to its mode's place (only when the mode changed). */
function placeStory(ui) {
  const slot = ui.$(SLOTS[ui.mode]);
  const story = ui.$('story');
  if (slot && story.parentElement !== slot) slot.append(story);
}

/** The verdict: made by stage.js in the line under the transport (its space reserved by CSS). */
const verdictLine = (ui) => ui.$('story-end');

const DEFAULT_VALUES = queryObject(DEFAULTS);

/** What a run without a scenario changed from the defaults, by the controls' labels. */
function changedSettings(query) {
  const now = queryObject(query);
  const changed = FIELDS.filter((f) => now[f.key] !== undefined && now[f.key] !== DEFAULT_VALUES[f.key]);
  const show = (f) => (f.kind === 'real' ? formatNumber(Number(now[f.key]), 'sig3') : now[f.key]);
  // The settings that are not numbers: a world given as a list, the start point.
  const given = [
    ...(now.rewards || now.world ? ['your own world'] : []),
    ...(now.theta0 ? [`start θ₀ (${now.theta0.split(',').map((v) => formatNumber(Number(v), 'sig3')).join(', ')})`] : []),
  ];
  if (changed.length + given.length === 0) return 'The default settings.';
  return `${[...changed.map((f) => `${f.label} ${show(f)}`), ...given].join(', ')}; the rest at their defaults.`;
}

/**
 * The view of the story: the scenario shown (the loaded one, or the one the picker browses
 * to), its summary, setup and claims with the core's verdicts, and the verdict line.
 */
export function syncStory(ui, shown) {
  placeStory(ui);
  const pending = shown && shown.key !== ui.preset;
  const told = shown && !pending ? guard(ui, () => ui.sim.story()) : null;
  setText(ui.$('embed-summary'), shown ? `${shown.summary}${pending ? ' Press Enter to load it.' : ''}` : changedSettings(ui.query));
  ui.$('story-toggle').hidden = !shown;
  if (!shown) closeStory(ui);
  setText(ui.$('story-title'), shown?.title ?? '');
  setText(ui.$('story-text'), shown
    ? `${shown.setup} (It plays out in ${shown.steps} steps.)${pending ? ' Press Enter to load it.' : ''}`
    : 'Choose a scenario: each tells one finding of the study, checks its claims on its own runs and pauses when it has played out.');
  ui.$('story-claims').querySelectorAll('li').forEach((li, k) => {
    const text = shown?.claims[k];
    li.hidden = text === undefined;
    if (li.hidden) return;
    const verdict = told?.claims[k];
    const holds = verdict ? String(verdict.holds) : 'null';
    setAttr(li, 'data-holds', holds);
    setText(li.querySelector('.mark'), MARKS[holds]);
    const judged = verdict?.holds === false ? ` ${verdict.sentence.replace(/^✗ /, '')}` : '';
    setText(li.querySelector('.claim'), `${text}${verdict?.holds ? ` (${verdict.numbers})` : ''}.${judged}`);
  });
  setText(ui.$('story-context'), told?.heading ?? '');
  const link = ui.$('story-tour');
  link.hidden = !(ui.tourPage && shown && !pending);
  if (!link.hidden) setAttr(link, 'href', `${ui.tourPage}#${shown.key}`);
  setText(verdictLine(ui), told ? told.verdict : '');
  setAttr(verdictLine(ui), 'data-done', String(Boolean(told?.done)));
  if (pending) return;
  const decided = Boolean(told?.done) && !ui.storyDone;
  ui.storyDone = Boolean(told?.done);
  // Just decided: its whole message to a screen reader, and kept there until the run moves on.
  if (decided) {
    clearTimeout(ui.spoken.timer);
    ui.spoken.timer = null;
    speak(ui, told.message);
    ui.spoken.held = true;
  }
}

/** The scenario loaded now, if any. */
export const loadedPreset = (ui) => PRESETS.find((p) => p.key === ui.preset);

/**
 * Judges the story once it can be decided (the live run at its end, the comparison runs
 * computed): its verdict on the line, and its whole message to a screen reader.
 */
export function judgeStory(ui) {
  const preset = loadedPreset(ui);
  if (!preset || ui.storyDone || ui.pinning.left > 0 || browsing(ui) || guard(ui, () => ui.sim.stepCount()) < preset.steps) return;
  syncStory(ui, preset);
}

function openStory(ui, on) {
  ui.$('preset-story').hidden = !on;
  setAttr(ui.$('story-toggle'), 'aria-expanded', String(on));
}

function closeStory(ui) {
  if (!ui.$('preset-story').hidden) openStory(ui, false);
}

export function wireStory(ui) {
  ui.$('story-toggle').addEventListener('click', () => openStory(ui, ui.$('preset-story').hidden));
  ui.$('story-close').addEventListener('click', () => {
    openStory(ui, false);
    ui.$('story-toggle').focus();
  });
  ui.$('preset-story').addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    openStory(ui, false);
    ui.$('story-toggle').focus();
  });
}
