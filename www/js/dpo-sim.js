// <dpo-sim>: the simulator as an element, for live figures inline in prose. One script tag,
// then `<dpo-sim preset="quality" plots="landscape,signal" controls="quality,support"
// steps="200" autoplay></dpo-sim>` anywhere, as many as wanted: they share one wasm module
// (downloaded and compiled once) and each has its own simulation, settings and history.
//
// Attributes: every settings key, the page keys that have one (preset, plots, controls, pace,
// and heading: the title key), steps (the story length it plays to and pauses at) and
// autoplay; changing one applies it. An element starts
// playing (with autoplay) when it scrolls into view, pauses while off screen or while the tab
// is hidden, and goes on when it returns. It carries the scripting API as methods and fires
// dpo-sim-ready, dpo-sim-step and dpo-sim-change (its settings changed, by a control or a call). Its styles stay in its shadow root; colours and fonts
// follow the host page's --dpo-* custom properties (sim-style.js).
import { createUi, onCommit, commit, setError } from './ui.js';
import { PAGE_KEYS } from './page-keys.js';
import { Sim, DEFAULTS, NAMES, SETTING_KEYS, WORLD_KEYS, normalize } from './wasm.js';
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
import { wireMapDrag } from './map-drag.js';
import { wireStartDrag } from './start-drag.js';

// Every settings key is an attribute: the world's lists (rewards, world) and theta0 too.
const SETTINGS = SETTING_KEYS;
// The page keys an attribute sets, kept in the ui under their keys (the preset loads with the settings).
const VIEW_KEYS = PAGE_KEYS.filter((row) => row.attribute && row.key !== 'preset');
const VIEW = [...PAGE_KEYS.filter((row) => row.attribute).map((row) => row.attribute), 'steps', 'autoplay'];
const METHODS = ['get', 'set', 'step', 'play', 'pause', 'reset', 'preset', 'pin', 'unpin', 'pinned', 'story', 'metrics', 'history', 'csv', 'isPlaying', 'error', 'sweep'];
// In view: at least this share of the element shows.
const IN_VIEW = 0.25;

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
    if (SETTINGS.includes(name)) this.applySettings(name === 'model' || name === 'n' || WORLD_KEYS.includes(name));
    else if (name === 'preset') this.applySettings(true);
    else this.applyView(name);
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
    wireMapDrag(ui);
    wireStartDrag(ui);
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
      const base = preset ? findPreset(preset).settings : '';
      const query = normalize([base, ...own].join('&'));
      if (restart || preset !== ui.preset) load(ui, query, preset);
      else setQuery(ui, query, { replace: true });
    } catch (e) {
      setError(ui, `<dpo-sim>: ${e.message}`);
    }
  }

  /**
   * What the view attributes ask for (only `changed`, when one changed): the plots, sliders,
   * pace and heading as their page keys read them, and the story length. A refused one is said
   * in the banner; the others still apply.
   */
  applyView(changed = null) {
    const ui = this.ui;
    const apply = (attribute, read) => {
      if (changed !== null && changed !== attribute) return;
      try {
        read(this.getAttribute(attribute));
      } catch (e) {
        setError(ui, `<dpo-sim>: ${e.message}`);
      }
    };
    for (const row of VIEW_KEYS) {
      apply(row.attribute, (text) => { ui[row.key] = text === null ? row.fallback : row.read(text, NAMES); });
    }
    apply('steps', (text) => {
      ui.storyLength = null;
      if (text === null) return;
      const steps = Number(text);
      if (!(Number.isInteger(steps) && steps > 0)) throw new Error(`steps = '${text.slice(0, 40)}' is not allowed: steps must be a whole number from 1`);
      ui.storyLength = steps;
    });
    commit(ui);
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
