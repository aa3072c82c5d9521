// Imported first by the page: its layout follows the address's mode at once, while the wasm
// core still loads (the classes url.js keeps in step afterwards).
import { parseFragment, openingHash } from './codec.js';

// The mode needs no names of the core's (the checked keys wait for loadFragment).
const opened = parseFragment(openingHash()).keys;
document.documentElement.classList.toggle('embed', opened.embed);
document.documentElement.classList.toggle('talk', opened.talk && !opened.embed);
document.getElementById('stage')?.classList.toggle('compact', opened.embed || opened.talk);
document.getElementById('stage')?.classList.toggle('fill', opened.embed || opened.talk);
