// The guided tour. Each section's figure is a <dpo-sim> element in the prose, driven through
// its methods, as any page with live figures would. The numbers in the prose come from the
// same wasm core (the one instance the elements use), run here headless, so they are
// computed, not typed.
import './page-colors.js';
import { Sim, PRESETS as PRESET_LIST, METRICS, DEFAULTS, formatNumber } from './wasm.js';
import { writeFragment, queryObject, objectQuery } from './codec.js';
import { el } from './dom.js';
import './dpo-sim.js';

const reduced = window.matchMedia('(prefers-reduced-motion: reduce)');
// An animated story shows at most this many updates and takes about this long: a slower
// machine takes bigger steps between updates rather than more time.
const UPDATES_PER_RUN = 60;
const STORY_MS = 2500;
const POLL_MS = 700;
const PRESETS = new Map(PRESET_LIST.map((p) => [p.key, p]));
// What the figure's status line can show: every metric, by its label in the core's table.
const LABELS = Object.fromEntries(METRICS.map((m) => [m.key, m.label]));
// Where "Open in the full simulator" goes: the one-file tour names the one-file simulator.
const FULL_PAGE = document.documentElement.dataset.fullPage ?? 'index.html';

const nextFrame = () => new Promise((done) => requestAnimationFrame(() => done()));
const pause = (ms) => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------- scripts

/** `home; set quality=0; reset; run 50` as commands; throws on anything else. */
function parseScript(text) {
  return text.split(';').map((s) => s.trim()).filter(Boolean).map((command) => {
    const [op, ...rest] = command.split(/\s+/);
    const arg = rest.join(' ');
    if (['home', 'reset', 'pin', 'unpin'].includes(op) && !arg) return { op };
    if (op === 'run' && /^\d+$/.test(arg)) return { op, n: Number(arg) };
    if (op === 'set' && arg) return { op, query: arg };
    if (op === 'preset' && PRESETS.has(arg)) return { op, key: arg };
    throw new Error(`tour script: cannot read '${command}'`);
  });
}

// ---------------------------------------------------------------- numbers, computed here

/** Runs a script on a fresh simulator from `home`; keeps what the numbers need. */
function runHeadless(home, script) {
  let sim = new Sim(home);
  try {
    for (const c of parseScript(script)) {
      if (c.op === 'home' || c.op === 'preset') {
        sim.free();
        sim = new Sim(c.op === 'home' ? home : PRESETS.get(c.key).settings);
      } else if (c.op === 'set') sim.set(c.query);
      else if (c.op === 'reset') sim.reset();
      else if (c.op === 'run') sim.step(c.n);
    }
    return { history: sim.history(), metrics: sim.metrics(), sampler: sim.sampler(), query: sim.query() };
  } finally {
    sim.free();
  }
}

const atStep = (result, step) => result.history.find((row) => row.step === step);

/**
 * One number from a run: `column` (at the end), `column@step`, `sampler.field`,
 * `peak:column` / `peak-step:column` / `peak-<other>:column` (at the column's maximum),
 * `cross:column` (first step where this run is at least the `vs` run).
 */
function measure(result, spec, vs) {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? '' : spec.slice(0, colon);
  const what = colon < 0 ? spec : spec.slice(colon + 1);
  if (!kind) {
    if (what.startsWith('sampler.')) return result.sampler[what.slice('sampler.'.length)];
    const [column, step] = what.split('@');
    if (step === undefined) return result.metrics[column];
    return atStep(result, Number(step))?.[column];
  }
  if (kind.startsWith('peak')) {
    let best = null;
    for (const row of result.history) if (best === null || row[what] > best[what]) best = row;
    const other = kind === 'peak' ? what : kind === 'peak-step' ? 'step' : kind.slice('peak-'.length);
    return best?.[other];
  }
  if (kind === 'cross' && vs) {
    for (const row of result.history) {
      const other = atStep(vs, row.step);
      if (row.step > 0 && other && row[what] >= other[what]) return row.step;
    }
    return null;
  }
  throw new Error(`tour: unknown number '${spec}'`);
}

/** `2`: two decimals; `sig2`: two significant digits; `int`: the core's one number formatter. */
const format = (value, how = '2') => formatNumber(Number.isFinite(value) ? value : undefined, how);

// ---------------------------------------------------------------- the figure

/**
 * A section's live figure, made from its data: a <dpo-sim> element with the section's preset
 * or settings, the plots it names and its heading (if any), labelled by the section's title;
 * under it the status line, the replay button and the way to the full simulator.
 */
function buildFigure(section) {
  const { preset, settings, plots, heading } = section.dataset;
  const title = [...section.querySelector('h2').childNodes].filter((n) => !n.classList?.contains('num'));
  const attributes = {
    ...(preset ? { preset } : queryObject(settings ?? '')),
    plots,
    heading,
    role: 'group',
    'aria-label': `Live figure: ${title.map((n) => n.textContent).join('').trim()}`,
  };
  const sim = document.createElement('dpo-sim');
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) sim.setAttribute(name, value);
  const figure = el('figure', { class: 'live' }, [
    el('div', { class: 'frame' }, [sim]),
    el('figcaption', {}, [
      el('p', { class: 'fig-status', text: 'The figure starts when it scrolls into view.' }),
      el('p', { class: 'fig-actions' }, [
        el('button', { class: 'replay', type: 'button', text: 'Replay' }),
        ' ',
        el('a', { class: 'open-full', href: FULL_PAGE, text: 'Open in the full simulator' }),
      ]),
    ]),
  ]);
  section.append(figure);
  return figure;
}

/** A figure's element as a promise-returning API (what runs on it may be queued behind other work). */
class Figure {
  constructor(element) {
    this.element = element;
  }

  call(method, args = []) {
    return Promise.resolve().then(() => this.element[method](...args));
  }
}

// ---------------------------------------------------------------- one section

class Chapter {
  constructor(section) {
    this.section = section;
    const preset = section.dataset.preset ? PRESETS.get(section.dataset.preset) : null;
    if (section.dataset.preset && !preset) throw new Error(`tour: unknown preset '${section.dataset.preset}'`);
    this.preset = preset;
    this.home = preset ? preset.settings : section.dataset.settings ?? '';
    this.steps = preset ? preset.steps : Number(section.dataset.steps);
    this.figure = buildFigure(section);
    this.status = this.figure.querySelector('.fig-status');
    this.open = this.figure.querySelector('.open-full');
    this.replay = this.figure.querySelector('.replay');
    this.watch = ['expected_reward', 'signal', ...(section.dataset.watch ?? '').split(/\s+/).filter(Boolean)];
    this.sim = null;
    this.token = 0;
    this.queue = Promise.resolve();
    this.visible = false;
    this.running = false;
    section.dataset.steps = String(this.steps);
    section.dataset.state = 'waiting';
    section.dataset.autorun = 'pending';
    section.dataset.actions = '0';
    this.replay.textContent = reduced.matches ? `Show step ${this.steps}` : `Replay the ${this.steps} steps`;
    this.replay.addEventListener('click', () => this.act(`home; run ${this.steps}`));
    for (const link of section.querySelectorAll('a.try')) {
      link.href = this.fullLink(runHeadless(this.home, setsOnly(link.dataset.do)).query);
      link.addEventListener('click', (event) => {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        this.revealFigure();
        this.act(link.dataset.do);
      });
    }
    this.open.href = this.fullLink(runHeadless(this.home, '').query);
  }

  /** The full simulator with these settings (and the preset's story). */
  fullLink(query) {
    return `${FULL_PAGE}#${writeFragment(query, { preset: this.preset?.key })}`;
  }

  /** Fills the section's numbers, one run per task so the page stays responsive. */
  async fillNumbers() {
    const results = new Map();
    const result = (script) => {
      if (!results.has(script)) results.set(script, runHeadless(this.home, script));
      return results.get(script);
    };
    const ownRun = `home; run ${this.steps}`;
    for (const span of this.section.querySelectorAll('[data-num]')) {
      await pause(0);
      const run = result(span.dataset.run ?? ownRun);
      const vs = span.dataset.vs ? result(span.dataset.vs) : null;
      const value = measure(run, span.dataset.num, vs);
      span.dataset.value = String(value);
      span.textContent = format(value, span.dataset.fmt);
    }
    for (const table of this.section.querySelectorAll('table[data-best]')) {
      let best = null;
      for (const row of table.tBodies[0].rows) {
        const cell = row.querySelector(`[data-num="${table.dataset.best}"]`);
        const value = Number(cell?.dataset.value);
        if (Number.isFinite(value) && (best === null || value > best.value)) best = { row, value };
      }
      if (!best) continue;
      best.row.classList.add('best');
      for (const out of this.section.querySelectorAll('[data-table-best]')) {
        out.textContent = best.row.cells[0].textContent;
      }
    }
    this.section.dataset.numbers = 'done';
  }

  /** Takes the figure's element (once): the element is live as soon as the page is. */
  start() {
    if (this.started) return this.started;
    this.section.dataset.state = 'loading';
    this.sim = new Figure(this.figure.querySelector('dpo-sim'));
    this.started = Promise.resolve().then(async () => {
      this.section.dataset.state = 'ready';
      await this.refresh();
      if (this.visible) this.autorun();
    });
    this.started.catch((e) => {
      this.section.dataset.state = 'failed';
      this.status.textContent = `The figure could not start: ${e.message}`;
    });
    return this.started;
  }

  /** Plays the section's story once, the first time the figure is seen (never with reduced motion). */
  autorun() {
    if (this.section.dataset.autorun !== 'pending' || this.section.dataset.state !== 'ready') return;
    if (reduced.matches) {
      this.section.dataset.autorun = 'skipped';
      this.refresh();
      return;
    }
    this.section.dataset.autorun = 'running';
    this.act(`run ${this.steps}`, true);
  }

  /**
   * Runs a script on the figure after whatever runs now, which it cancels: the reader's
   * latest request wins.
   */
  act(script, auto = false) {
    const commands = parseScript(script);
    const token = ++this.token;
    if (!auto && this.section.dataset.autorun !== 'done') this.section.dataset.autorun = 'done';
    const job = this.queue.then(async () => {
      await this.start();
      if (token !== this.token) return;
      this.running = true;
      this.section.dataset.state = 'running';
      try {
        for (const c of commands) {
          if (token !== this.token) return;
          await this.command(c, token);
        }
        if (auto) this.section.dataset.autorun = 'done';
      } catch (e) {
        this.status.textContent = `The figure refused: ${e.message}`;
      } finally {
        this.running = false;
        if (token === this.token) {
          this.section.dataset.state = 'ready';
          await this.refresh();
          this.section.dataset.actions = String(Number(this.section.dataset.actions) + 1);
        }
      }
    });
    this.queue = job.catch(() => {});
    return job;
  }

  async command(c, token) {
    const call = (method, ...args) => this.sim.call(method, args);
    if (c.op === 'home') {
      await call('unpin');
      if (this.preset) await call('preset', this.preset.key);
      else {
        await call('set', queryObject(`${DEFAULTS}&${this.home}`));
        await call('reset');
      }
    } else if (c.op === 'preset') await call('preset', c.key);
    else if (c.op === 'set') await call('set', queryObject(c.query));
    else if (c.op === 'reset' || c.op === 'pin' || c.op === 'unpin') await call(c.op);
    else if (c.op === 'run') await this.run(c.n, token);
    if (c.op !== 'run') this.show(await call('metrics'));
  }

  /** `n` steps: at once with reduced motion, else a few steps per frame so the figure animates. */
  async run(n, token) {
    if (reduced.matches) {
      this.show(await this.sim.call('step', [n]));
      return;
    }
    const smallest = Math.max(1, Math.ceil(this.steps / UPDATES_PER_RUN));
    const budget = STORY_MS * Math.min(2, n / this.steps);
    const start = performance.now();
    let chunk = smallest;
    for (let done = 0, updates = 0; done < n; updates++) {
      if (token !== this.token) return;
      const k = Math.min(chunk, n - done);
      this.show(await this.sim.call('step', [k]));
      done += k;
      await nextFrame();
      // Spread what is left over what is left of the time.
      const elapsed = performance.now() - start;
      const left = Math.max(1, Math.floor((budget - elapsed) / (elapsed / (updates + 1))));
      chunk = Math.max(smallest, Math.ceil((n - done) / left));
    }
  }

  show(m) {
    if (!m) return;
    const parts = [`Step ${m.step}`];
    for (const key of this.watch) {
      let text = `${LABELS[key]} ${format(m[key], key === 'signal' || key === 'loss' ? 'sig2' : '2')}`;
      if (key === 'expected_reward') {
        text += ` (J_ref ${format(m.ref_reward)}, J_S ${format(m.attainable_reward)}, J* ${format(m.rlhf_reward)})`;
      }
      parts.push(text);
    }
    if (m.step === 0 && this.section.dataset.autorun === 'skipped') {
      parts.push(`“${this.replay.textContent}” or a link in the text runs it`);
    }
    this.status.textContent = parts.join(' · ');
  }

  /** The status line and the link to the full simulator, from the figure as it is now. */
  async refresh() {
    try {
      const [m, settings] = await Promise.all([this.sim.call('metrics'), this.sim.call('get')]);
      if (this.running) return;
      this.show(m);
      this.open.href = this.fullLink(objectQuery(settings));
    } catch {
      // A slow reply is not worth a message; the next poll tries again.
    }
  }

  /** On a narrow screen the figure is not beside the text: bring it into view first. */
  revealFigure() {
    const box = this.figure.getBoundingClientRect();
    const shown = Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0);
    if (shown < Math.min(box.height, window.innerHeight) * 0.5) {
      this.figure.scrollIntoView({ block: 'nearest', behavior: reduced.matches ? 'auto' : 'smooth' });
    }
  }
}

/** Only the settings a script leaves behind (for the link's address). */
function setsOnly(script) {
  return parseScript(script).filter((c) => c.op === 'set').map((c) => `set ${c.query}`).join('; ');
}

// ---------------------------------------------------------------- start

const chapters = [...document.querySelectorAll('section.chapter')].map((s) => new Chapter(s));
const bySection = new Map(chapters.map((c) => [c.section, c]));
const byFigure = new Map(chapters.map((c) => [c.figure, c]));

// A link to a section (tour.html#online) lands on it, but numbers filled in above it can
// rewrap the prose and push it down: until the reader moves, bring it back.
const linked = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
let readerMoved = false;
for (const event of ['wheel', 'touchstart', 'keydown', 'mousedown']) {
  window.addEventListener(event, () => { readerMoved = true; }, { once: true, passive: true });
}
function keepLinkedPlace() {
  if (linked && !readerMoved) linked.scrollIntoView({ block: 'start' });
}

// Numbers and figures load a screen ahead of the reader...
const near = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const chapter = bySection.get(entry.target);
    near.unobserve(entry.target);
    chapter.fillNumbers().then(keepLinkedPlace);
    chapter.start();
  }
}, { rootMargin: '100% 0px 100% 0px' });

// ...and a figure plays its story once it is well in view: 40% of it, or half the window
// for a figure taller than that (a phone stacks its plots).
const seen = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const chapter = byFigure.get(entry.target);
    const shown = entry.intersectionRect.height;
    chapter.visible = entry.isIntersecting
      && shown >= Math.min(0.4 * entry.boundingClientRect.height, 0.5 * window.innerHeight);
    if (chapter.visible) chapter.autorun();
  }
}, { threshold: Array.from({ length: 21 }, (_, i) => i / 20) });

for (const chapter of chapters) {
  near.observe(chapter.section);
  seen.observe(chapter.figure);
}

// The reader may use a figure's own controls: keep its status line current while in view.
setInterval(() => {
  if (document.hidden) return;
  for (const chapter of chapters) {
    if (chapter.visible && !chapter.running && chapter.section.dataset.state === 'ready') chapter.refresh();
  }
}, POLL_MS);

document.documentElement.dataset.tour = 'ready';
