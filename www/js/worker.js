// A module worker that runs jobs on its own instance of the wasm core, so that long
// computations (a sweep: hundreds of fresh runs) leave the page free to animate.
//   page -> worker: {type: 'init', module}, then {type: 'job', id, kind, payload} and {type: 'cancel', id}
//   worker -> page: {type: 'progress', id, done, total}, then {type: 'result', id, result} or {type: 'error', id, error}
// The page sends its compiled module first: the worker never loads the wasm itself. Jobs run
// one at a time, in order; a running job yields to the event loop every few milliseconds, so
// a cancel is seen (a cancelled job sends nothing more).
import { initSync, SweepJob } from '../pkg/dpo_sim.js';

// Work between yields to the event loop (a sweep checks after each run).
const SLICE_MS = 20;

const KINDS = {
  /**
   * `{base, over, values?, grid?, steps}`, the parts as text (numbers are taken as their
   * text): a sweep (see dpoSim.sweep); its rows, its swept keys and its CSV. A refused sweep
   * fails the job with the core's message.
   */
  async sweep({ base, over, values, grid, steps }, job) {
    const text = (part) => (part === undefined || part === null ? undefined : String(part));
    const sweep = new SweepJob(String(base), String(over), text(values), text(grid), String(steps));
    try {
      const total = sweep.total();
      const rows = [];
      for (let row = sweep.runNext(); row; row = sweep.runNext()) {
        rows.push(row);
        job.post('progress', { done: rows.length, total });
        await job.pace();
      }
      return { keys: sweep.keys(), rows, csv: sweep.csv() };
    } finally {
      sweep.free();
    }
  },
};

// A message to ourselves: a yield that, unlike a nested setTimeout, is not clamped to 4 ms.
const tick = new MessageChannel();
const yieldToEvents = () => new Promise((resume) => {
  tick.port1.onmessage = resume;
  tick.port2.postMessage(null);
});

const CANCELLED = Symbol('cancelled');

class Job {
  constructor({ id, kind, payload }) {
    this.id = id;
    this.kind = kind;
    this.payload = payload;
    this.cancelled = false;
    this.sliceStart = 0;
  }

  post(type, fields) {
    if (!this.cancelled) self.postMessage({ type, id: this.id, ...fields });
  }

  /** Between pieces of work: yields once a slice is used up, and stops there if cancelled. */
  async pace() {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await yieldToEvents();
    this.sliceStart = performance.now();
    if (this.cancelled) throw CANCELLED;
  }

  async run() {
    if (this.cancelled) return;
    this.sliceStart = performance.now();
    try {
      if (!Object.hasOwn(KINDS, this.kind)) throw new Error(`unknown job kind '${String(this.kind).slice(0, 40)}'`);
      this.post('result', { result: await KINDS[this.kind](this.payload, this) });
    } catch (e) {
      if (e !== CANCELLED) this.post('error', { error: String(e?.message ?? e) });
    }
  }
}

/** Jobs queued or running, by id; the queue runs them one after another. */
const jobs = new Map();
let queue = Promise.resolve();

self.onmessage = ({ data }) => {
  if (data.type === 'init') {
    initSync({ module: data.module });
  } else if (data.type === 'job') {
    const job = new Job(data);
    jobs.set(job.id, job);
    queue = queue.then(() => job.run()).finally(() => jobs.delete(job.id));
  } else if (data.type === 'cancel' && jobs.has(data.id)) {
    jobs.get(data.id).cancelled = true;
  }
};
