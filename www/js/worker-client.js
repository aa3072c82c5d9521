// The page's side of the worker (js/worker.js): compute(kind, payload, {onProgress, signal})
// resolves with the job's result. The worker starts on first use, with the page's compiled
// wasm module; aborting the signal rejects the promise and cancels the job in the worker.
import { createWorker } from './sources.js';
import { wasmModule } from './wasm.js';

let worker = null;
let nextId = 1;
/** Jobs sent and not yet answered: id -> {resolve, reject, onProgress}. */
const pending = new Map();

function start() {
  const started = createWorker();
  worker = started;
  started.postMessage({ type: 'init', module: wasmModule });
  started.addEventListener('message', ({ data }) => {
    const job = pending.get(data.id);
    if (!job) return;
    if (data.type === 'progress') job.onProgress?.(data);
    else if (data.type === 'result') job.resolve(data.result);
    else if (data.type === 'error') job.reject(new Error(data.error));
  });
  // A worker that cannot start (refused by the CSP, a script error) fails every job it holds,
  // whose rejections report it (so not the page's error handler as well); the next compute()
  // starts a new one.
  started.addEventListener('error', (event) => {
    event.preventDefault();
    const error = new Error(`the worker failed: ${event.message || 'it could not start'}`);
    for (const job of pending.values()) job.reject(error);
    started.terminate();
    if (worker === started) worker = null;
  });
}

export function compute(kind, payload, { onProgress, signal } = {}) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (!worker) start();
  const id = nextId++;
  const target = worker;
  return new Promise((resolve, reject) => {
    const abort = () => {
      target.postMessage({ type: 'cancel', id });
      settle(reject, signal.reason);
    };
    const settle = (how, value) => {
      pending.delete(id);
      signal?.removeEventListener('abort', abort);
      how(value);
    };
    signal?.addEventListener('abort', abort);
    pending.set(id, { onProgress, resolve: (value) => settle(resolve, value), reject: (error) => settle(reject, error) });
    target.postMessage({ type: 'job', id, kind, payload });
  });
}
