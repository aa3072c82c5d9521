// A world from a file: a CSV of responses (header name,reward,phi1,phi2,ref; all but reward
// optional) opened with the page's button or dropped anywhere on the page. The core reads and
// checks it (an error names the line and the column); the run restarts on the new world.
import { worldFromCsv } from './wasm.js';
import { setQuery } from './actions.js';
import { showNotice } from './banner.js';
import { say } from './readouts.js';

// The largest world file read; a larger one is refused before it is read (the core's limit).
const MAX_BYTES = 1 << 20;

/** Loads the world in `file`; says what happened beside `anchor`, or in a notice if refused. */
export async function openWorld(ui, file, anchor) {
  try {
    if (file.size > MAX_BYTES) throw new Error(`${file.name} is ${file.size} bytes: a world file has at most 1 MB`);
    const query = worldFromCsv(await file.text(), file.name);
    const restarted = setQuery(ui, query);
    const n = ui.sim.sampler().n;
    say(ui, `World loaded from ${file.name}: ${n} responses${restarted ? '; the run restarted' : ', as before'}.`, anchor);
  } catch (e) {
    showNotice(ui, `The world file was not loaded: ${e.message}`);
  }
}

export function wireWorldFile(ui) {
  const input = ui.$('world-file');
  input.addEventListener('change', () => {
    const [file] = input.files;
    // Cleared, so that opening the same file again (after editing it) loads it again.
    if (file) openWorld(ui, file, input.closest('label')).finally(() => { input.value = ''; });
  });
  const isFile = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  document.addEventListener('dragover', (event) => {
    if (!isFile(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('drop', (event) => {
    const [file] = event.dataTransfer?.files ?? [];
    if (!file) return;
    event.preventDefault();
    openWorld(ui, file, input.closest('label'));
  });
}
