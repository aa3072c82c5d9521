// Our own pages, the simulator's and the tour's, take the simulator's sheet (which names their
// colours) into the document first thing, before the core loads: they are never drawn without.
// (Never a host page's: its own custom properties are its business.)
import { adoptSimStyle } from './sim-style.js';

adoptSimStyle(document);
