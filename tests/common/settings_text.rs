//! Random settings text for the property tests, shared by the native and the wasm suites.

use dpo_sim::rng::Rng;
use dpo_sim::settings::FIELDS;

const PIECES: &[&str] = &[
    "=",
    "&",
    "&&",
    "==",
    "0",
    "1",
    "-1",
    "-0",
    "0.5",
    "1e3",
    "1e-9",
    "NaN",
    "inf",
    " ",
    "%20",
    "<img>",
    "é",
    "\u{0}",
    "99999999999999999999",
    ".",
    "e",
    "true",
    "linear",
    "tabular",
    "bvw",
    "oracle",
    "concave",
    "\u{202e}",
    "🙂",
];

/// Up to a dozen pieces: setting keys, separators, numbers good and bad, markup, unicode.
pub fn random_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..(rng.uniform() * 12.0) as usize {
        let piece = if rng.uniform() < 0.4 {
            FIELDS[(rng.uniform() * FIELDS.len() as f64) as usize].key
        } else {
            PIECES[(rng.uniform() * PIECES.len() as f64) as usize]
        };
        s.push_str(piece);
    }
    s
}
