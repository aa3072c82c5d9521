//! The wasm facade (filled in by the page work).
