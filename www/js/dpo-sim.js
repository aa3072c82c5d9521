// <dpo-sim>: the simulator as an element, for live figures inline in prose. One script tag,
// then `<dpo-sim preset="quality" plots="landscape,signal" controls="quality,support"
// steps="200" autoplay></dpo-sim>` anywhere, as many as wanted: they share one wasm module
// (downloaded and compiled once) and each has its own simulation, settings and history.
//
// Attributes: every settings key, plus preset, plots, controls, pace, steps (the story
// length it plays to and pauses at), heading (its title in your words) and autoplay;
// changing one applies it. An element starts
// playing (with autoplay) when it scrolls into view, pauses while off screen or while the tab
// is hidden, and goes on when it returns. It carries the scripting API as methods and fires
// dpo-sim-ready, dpo-sim-step and dpo-sim-change (its settings changed, by a control or a call). Its styles stay in its shadow root; colours and fonts
// follow the host page's --dpo-* custom properties (sim-style.js).
import { createUi, onCommit, commit, setError, PACES } from './ui.js';
import { Sim, DEFAULTS, FIELDS, CHARTS, normalize } from './wasm.js';
import { adoptSimStyle } from './sim-style.js';
import { compactStage } from './stage.js';
import { buildControls, syncControls, syncButtons, wireControls } from './controls.js';
import { buildFigures, syncFigures, watchCanvases } from './canvases.js';
import { buildReadouts } from './readouts.js';
import { wireStory } from './story.js';
import { syncBanner } from './banner.js';
import { makeApi } from './api.js';
import { queryObject } from './codec.js';
import { load, play, findPreset, setQuery } from './actions.js';
import { startLoop } from './loop.js';

const SETTINGS = FIELDS.map((f) => f.key);
const VIEW = ['preset', 'plots', 'controls', 'pace', 'steps', 'heading', 'autoplay'];
const METHODS = ['get', 'set', 'step', 'play', 'pause', 'reset', 'preset', 'pin', 'unpin', 'pinned', 'story', 'metrics', 'history', 'csv', 'isPlaying', 'error', 'sweep'];
// In view: at least this share of the element shows.
const IN_VIEW = 0.25;

/** A comma-separated list of names, each one of `known`; throws naming the attribute. */
function names(attribute, text, known) {
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.find((n) => !known.includes(n));
  if (bad !== undefined || list.length === 0) {
    throw new Error(`${attribute}="${text.slice(0, 40)}" is not allowed: ${attribute} lists ${known.join(', ')}`);
  }
  return list;
}

class DpoSimElement extends HTMLElement {
  static observedAttributes = [...SETTINGS, ...VIEW];

  connectedCallback() {
    if (!this.ui) this.build();
    this.watch();
  }

  disconnectedCallback() {
    this.observer?.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  attributeChangedCallback(name, old, value) {
    if (!this.ui || old === value) return;
    if (SETTINGS.includes(name)) this.applySettings(name === 'model' || name === 'n');
    else if (name === 'preset') this.applySettings(true);
    else this.applyView();
  }

  build() {
    const root = this.attachShadow({ mode: 'open' });
    adoptSimStyle(root);
    root.append(compactStage());
    const ui = createUi(root, 'element');
    this.ui = ui;
    buildFigures(ui);
    buildControls(ui);
    buildReadouts(ui);
    ui.sim = new Sim(DEFAULTS);
    ui.query = DEFAULTS;
    ui.offscreen = true;
    for (const view of [syncFigures, syncControls, syncButtons, syncBanner]) onCommit(ui, view);
    wireControls(ui);
    wireStory(ui);
    watchCanvases(ui);
    ui.onStep = () => this.dispatchEvent(new CustomEvent('dpo-sim-step', { detail: { step: ui.sim.stepCount() } }));
    // Whatever changed them (a slider, a call, an attribute), said once per new settings.
    let said = null;
    onCommit(ui, () => {
      if (ui.query === said) return;
      said = ui.query;
      this.dispatchEvent(new CustomEvent('dpo-sim-change', { detail: { settings: queryObject(ui.query) } }));
    });
    this.api = makeApi(ui);
    this.applyView();
    this.applySettings(true);
    startLoop(ui);
    this.dispatchEvent(new CustomEvent('dpo-sim-ready', { bubbles: true }));
  }

  /** The settings the attributes ask for, on the preset's; a refused one is said in the banner. */
  applySettings(restart) {
    const ui = this.ui;
    const preset = this.getAttribute('preset') ?? '';
    const own = SETTINGS.filter((k) => this.hasAttribute(k)).map((k) => `${k}=${this.getAttribute(k)}`);
    try {
      const base = preset ? `${DEFAULTS}&${findPreset(preset).settings}` : DEFAULTS;
      const query = normalize([base, ...own].join('&'));
      if (restart || preset !== ui.preset) load(ui, query, preset);
      else setQuery(ui, query);
    } catch (e) {
      setError(ui, `<dpo-sim>: ${e.message}`);
    }
  }

  /** The plots, sliders, pace and story length the attributes ask for. */
  applyView() {
    const ui = this.ui;
    try {
      const plots = this.getAttribute('plots');
      const controls = this.getAttribute('controls');
      const pace = this.getAttribute('pace');
      ui.plots = plots === null ? null : names('plots', plots, CHARTS.map((c) => c.key));
      ui.controls = controls === null ? null : names('controls', controls, SETTINGS);
      if (pace !== null && !PACES.some((p) => p.value === pace)) {
        throw new Error(`pace="${pace.slice(0, 40)}" is not allowed: pace is one of ${PACES.map((p) => p.value).join(', ')}`);
      }
      ui.pace = pace ?? ui.pace;
      ui.title = this.getAttribute('heading');
      const steps = this.getAttribute('steps');
      ui.storyLength = steps === null ? null : Number(steps);
      if (steps !== null && !(Number.isInteger(ui.storyLength) && ui.storyLength > 0)) {
        ui.storyLength = null;
        throw new Error(`steps="${steps.slice(0, 40)}" is not allowed: steps is a whole number from 1`);
      }
      commit(ui);
    } catch (e) {
      setError(ui, `<dpo-sim>: ${e.message}`);
    }
  }

  /** Plays only while on screen and the tab is shown; with autoplay, starts once first seen. */
  watch() {
    const ui = this.ui;
    let intersecting = false;
    const update = () => {
      ui.offscreen = !intersecting || document.hidden;
      if (!ui.offscreen && this.hasAttribute('autoplay') && !this.autoplayed) {
        this.autoplayed = true;
        play(ui);
      }
      ui.dirty = true;
    };
    this.observer = new IntersectionObserver(([entry]) => {
      intersecting = entry.isIntersecting && entry.intersectionRatio >= IN_VIEW;
      update();
    }, { threshold: [0, IN_VIEW, 0.5, 1] });
    this.observer.observe(this);
    this.onVisibility = update;
    document.addEventListener('visibilitychange', this.onVisibility);
  }
}

// The scripting API, as methods of every element.
for (const method of METHODS) {
  DpoSimElement.prototype[method] = function call(...args) {
    return this.api[method](...args);
  };
}

if (!customElements.get('dpo-sim')) customElements.define('dpo-sim', DpoSimElement);
