// The simulator's own styles: its controls, transport and plots, and the compact layout of
// embeds, talk mode and <dpo-sim> elements. One stylesheet, adopted by every element's shadow
// root and by our own pages' documents, the simulator's and the tour's (a constructed sheet: no
// inline style for the CSP to refuse, and it works from file:// as well). It names every
// colour of those pages once, as custom properties that style.css and tour.css use; a host
// page restyles an element through --dpo-ink, --dpo-muted, --dpo-card, --dpo-border,
// --dpo-accent, --dpo-focus and --dpo-font. (The charts' colours are the core's:
// src/charts/colors.rs.)

const CSS = `
:root,
:host {
  --ink: var(--dpo-ink, #1c2230);
  /* Secondary text that stays dark: a lede, a subtitle. */
  --ink-soft: #374054;
  --muted: var(--dpo-muted, #525b6b);
  --card: var(--dpo-card, #ffffff);
  --border: var(--dpo-border, #dde1e8);
  --control-border: #b9c0cc;
  --disabled: #8a919d;
  /* The accent: 4.5:1 and more against white, the page, the tour's links' tint and its hover. */
  --accent: var(--dpo-accent, #2157c8);
  --accent-ink: #ffffff;
  /* Focus: at least 3:1 against white and the page's grey. */
  --focus: var(--dpo-focus, #1a47b8);
  /* The plots' sheet: the charts draw on white. */
  --sheet: #ffffff;
  /* The simulator page's background, and the tour's, a reading page's. */
  --bg: #f4f5f7;
  --paper: #fbfbfc;
  --info-bg: #eef3fd;
  --info-border: #c9d8f6;
  --done-bg: #e3f4ec;
  --error-bg: #fde8e8;
  --error-border: #f3b4b4;
  --error-ink: #a4161a;
  /* A claim that holds, and one that does not. */
  --holds: #0b7a55;
  --fails: #b3470b;
  /* The settings' scope badges. */
  --restart: #9a5200;
  --restart-bg: #fff3e0;
  --live: #1d7a46;
  --live-bg: #e7f5ec;
  /* The tour: numbers computed as the reader reads, its "try this" links, the best row of a table. */
  --computed: #0b5d4f;
  --try-bg: #e9f0fd;
  --try-hover: #d5e2fb;
  --best-bg: #fff4cc;
  --best-ink: #6b5200;
  /* Shadows and the scrim behind a dialog, as RGB channels (each use gives its opacity). */
  --shade: 20 30 50;
}

/* Talk mode, for a projector: black on white, a darker accent. */
:root.talk {
  --bg: #ffffff;
  --ink: #000000;
  --muted: #1f1f1f;
  --border: #000000;
  --accent: #0b3fb3;
}

:host {
  display: block;
  --radius: 10px;
  --gap: 8px;
  font-family: var(--dpo-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  font-size: 15px;
  line-height: 1.45;
  color: var(--ink);
}

.sim *,
.sim *::before,
.sim *::after {
  box-sizing: border-box;
}

.sim [hidden] {
  display: none !important;
}

/* ---------------------------------------------------------------- inputs */

.sim button,
.sim .file-button,
.sim select,
.sim input[type="number"],
.sim input[type="text"],
.sim textarea {
  font: inherit;
  font-size: 0.93rem;
  color: var(--ink);
  background: var(--card);
  border: 1px solid var(--control-border);
  border-radius: 7px;
  padding: 4px 10px;
  min-height: 32px;
}

.sim button {
  cursor: pointer;
}

/* A file input dressed as a button: the input stays in the tab order, out of sight. */
.sim .file-button {
  display: inline-flex;
  align-items: center;
  cursor: pointer;
  position: relative;
}

.sim .file-button input {
  position: absolute;
  opacity: 0;
  width: 1px;
  height: 1px;
}

.sim .file-button:focus-within {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}

.sim button:hover:not(:disabled) {
  border-color: var(--accent);
}

.sim button:disabled {
  color: var(--disabled);
  cursor: default;
}

.sim button.primary {
  background: var(--accent);
  border-color: var(--accent);
  color: var(--accent-ink);
  font-weight: 600;
  min-width: 5em;
}

.sim :focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}

.sim input[type="range"] {
  width: 100%;
  accent-color: var(--accent);
  margin: 2px 0 0;
}

.sim input[type="checkbox"],
.sim input[type="radio"] {
  accent-color: var(--accent);
  width: 16px;
  height: 16px;
  vertical-align: -3px;
}

.sim .help {
  margin: 1px 0 0;
  font-size: 0.8rem;
  color: var(--muted);
}

/* ---------------------------------------------------------------- messages */

.sim .error-banner,
.sim .notice {
  border-radius: var(--radius);
  padding: 8px 12px;
  margin: 0 0 10px;
  overflow-wrap: anywhere;
}

.sim .notice {
  background: var(--info-bg);
  border: 1px solid var(--info-border);
}

.sim .notice .dismiss {
  margin-left: 8px;
  min-height: 28px;
  padding: 2px 10px;
}

.sim .error-banner {
  background: var(--error-bg);
  border: 1px solid var(--error-border);
  color: var(--error-ink);
  font-weight: 600;
}

/* A brief message beside the control that caused it. */
.sim .toast {
  display: inline-block;
  margin-left: 8px;
  padding: 2px 8px;
  border-radius: 6px;
  background: var(--ink);
  color: var(--card);
  font-size: 0.85rem;
  animation: toast 4s ease forwards;
}

@keyframes toast {
  0%, 80% { opacity: 1; }
  100% { opacity: 0; }
}

/* ---------------------------------------------------------------- controls and transport */

.sim .control {
  margin: 0 0 10px;
}

.sim .control-head {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  gap: 2px 8px;
}

.sim .control-head label {
  font-weight: 550;
}

.sim .control .why {
  /* The reason takes the control's width, never sets it (compact layouts cut it to a line). */
  contain: inline-size;
  margin: 1px 0 0;
  font-size: 0.8rem;
  color: var(--muted);
  font-style: italic;
}

.sim .control:has(:disabled) .control-head {
  color: var(--muted);
}

.sim .control-head .value {
  margin-left: auto;
  font-variant-numeric: tabular-nums;
  font-weight: 650;
}

.sim .control select,
.sim .control input[type="number"] {
  width: 100%;
  margin-top: 2px;
}

.sim .control-bool {
  display: grid;
  grid-template-columns: auto minmax(0, 1fr);
  column-gap: 8px;
  align-items: center;
}

.sim .control-bool .control-head {
  grid-column: 2;
  grid-row: 1;
}

.sim .control-bool input {
  grid-column: 1;
  grid-row: 1;
}

.sim .control-bool .help {
  grid-column: 1 / -1;
}

.sim .prominent .control {
  margin: 0 0 6px;
}

.sim .prominent .control-head label {
  font-weight: 650;
}

.sim .prominent .value {
  font-size: 1.05rem;
}

.sim .prominent .help {
  display: none;
}

.sim .ticks {
  margin: 0;
  font-size: 0.75rem;
  color: var(--muted);
}

.sim .transport {
  display: flex;
  flex-wrap: wrap;
  gap: 6px;
  align-items: center;
}

.sim .speed {
  display: inline-flex;
  gap: 6px;
  align-items: center;
  color: var(--muted);
}

.sim .speed select {
  max-width: 11.5em;
}

.sim .step-counter {
  color: var(--muted);
  margin-left: auto;
}

.sim .step-count {
  font-variant-numeric: tabular-nums;
  font-weight: 650;
  color: var(--ink);
}

/* The story's verdict: its line is there from the start (nothing moves when a story ends). */
.sim .story-end {
  margin: 8px 0 0;
  padding: 4px 8px;
  border-radius: 6px;
  background: var(--info-bg);
  font-size: 0.86rem;
  line-height: 1.4;
  min-height: calc(2 * 1.4em + 8px);
  max-height: calc(2 * 1.4em + 8px);
  overflow: hidden;
}

.sim .story-end:has(.verdict:empty):has(.work[hidden]) {
  background: transparent;
}

.sim .story-end p {
  margin: 0;
}

.sim .story-end:has(.verdict[data-done="true"]) {
  background: var(--done-bg);
  font-weight: 600;
}

.sim .story-end:has(.work:not([hidden])) .verdict {
  display: none;
}

.sim .work button {
  min-height: 0;
  padding: 0 8px;
  font-size: 0.85rem;
}

/* ---------------------------------------------------------------- the story */

.sim .story-toggle {
  border: 0;
  background: none;
  padding: 0;
  min-height: 0;
  color: var(--accent);
  text-decoration: underline;
  font-size: 0.86rem;
  cursor: pointer;
}

/* Opened over the plots: reading the story moves nothing. */
.sim .story-details {
  position: absolute;
  z-index: 20;
  top: 0;
  right: 0;
  width: min(46rem, 100%);
  max-height: 100%;
  overflow: auto;
  padding: 12px 16px;
  background: var(--card);
  color: var(--ink);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  box-shadow: 0 10px 30px rgb(var(--shade) / 0.2);
  font-size: 0.95rem;
  line-height: 1.5;
  white-space: normal;
  text-align: left;
}

.sim .story-head {
  display: flex;
  align-items: baseline;
  gap: 12px;
}

.sim .story-details .story-title {
  flex: 1;
  margin: 0 0 6px;
  font-size: 1.05rem;
  text-transform: none;
  letter-spacing: normal;
  color: var(--ink);
}

.sim .story-text,
.sim .story-context {
  margin: 0 0 8px;
}

.sim .story-context {
  font-weight: 600;
}

.sim .story-claims {
  margin: 0 0 8px;
  padding: 0;
  list-style: none;
}

.sim .story-claims li {
  display: flex;
  gap: 8px;
  margin: 0 0 6px;
}

.sim .story-claims .mark {
  flex: none;
  width: 1.2em;
  font-weight: 700;
  color: var(--muted);
}

.sim .story-claims li[data-holds="true"] .mark {
  color: var(--holds);
}

.sim .story-claims li[data-holds="false"] .mark {
  color: var(--fails);
}

/* ---------------------------------------------------------------- plots */

.sim .plots {
  display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr));
  gap: var(--gap);
}

.sim .plots figure {
  display: flex;
  flex-direction: column;
  margin: 0;
  padding: 6px 8px;
  min-width: 0;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: var(--radius);
}

.sim figcaption {
  font-size: 0.86rem;
  margin: 0 2px 4px;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}

.sim figcaption .hint {
  color: var(--muted);
}

.sim canvas {
  display: block;
  width: 100%;
  flex: 1;
  min-height: 0;
  background: var(--sheet);
}

/* ---------------------------------------------------------------- compact: embeds, talk mode, elements */

.sim.compact {
  display: flex;
  flex-direction: column;
  align-items: stretch;
  gap: 6px;
  position: relative;
}

/* In a compact head the story is one line: its summary, and the button that opens it. */
.sim.compact .story {
  display: flex;
  align-items: baseline;
  gap: 10px;
  min-width: 0;
}

.sim.compact .story .embed-summary {
  flex: 1;
  min-width: 0;
}

.sim.compact .story-end {
  margin-top: 2px;
  padding: 2px 8px;
  min-height: calc(1.4em + 4px);
  max-height: calc(1.4em + 4px);
  flex-basis: 100%;
}

.sim.compact .story-end p,
.sim.compact .control .why {
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}

.sim.compact .help,
.sim.compact .ticks,
.sim.compact figcaption .hint {
  display: none;
}

.sim .embed-head {
  margin: 0;
}

.sim .embed-title {
  margin: 0;
  font-weight: 700;
  font-size: 0.95rem;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}

.sim .embed-summary {
  margin: 0;
  font-size: 0.85rem;
  color: var(--muted);
}

.sim.compact .embed-summary {
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}

.sim.compact .main-controls {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 4px 16px;
  padding: 6px 10px;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: var(--radius);
}

.sim.compact .prominent {
  display: flex;
  flex: 1 1 320px;
  gap: 4px 16px;
}

.sim.compact .prominent .control {
  flex: 1 1 140px;
  margin: 0;
}

.sim.compact .plots {
  gap: 6px;
}

.sim.compact .plots figure {
  padding: 4px 6px;
}

.sim.compact figcaption {
  font-size: 0.8rem;
  margin-bottom: 2px;
}

/* Plots in the columns that fit (set by the page): filling the room, or at a natural shape. */
.sim .plots.columns {
  grid-template-columns: repeat(var(--columns), minmax(0, 1fr));
}

.sim.fill .plots.columns {
  grid-auto-rows: minmax(0, 1fr);
  flex: 1;
  min-height: 0;
}

.sim.fill .plots.columns figure {
  min-height: 0;
}

.sim.natural canvas {
  flex: none;
  aspect-ratio: 1.47;
}

.sim.element button,
.sim.element select {
  min-height: 28px;
  padding: 2px 8px;
  font-size: 0.85rem;
}

.sim.element .prominent .control-head label {
  font-size: 0.9rem;
}

.sim.element .prominent .value {
  font-size: 0.95rem;
}

/* ---------------------------------------------------------------- accessibility */

/* A select shows its value already: its text stays for scripts and screen readers. */
.sim .visually-hidden,
.sim .control-choice .value {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
}

@media (prefers-reduced-motion: reduce) {
  .sim *,
  .sim *::before,
  .sim *::after {
    scroll-behavior: auto !important;
    transition: none !important;
    animation: none !important;
  }
}
`;

let sheet = null;

/** The one stylesheet, made on first use; `target` (a document or shadow root) adopts it. */
export function adoptSimStyle(target) {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  if (!target.adoptedStyleSheets.includes(sheet)) target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
}
