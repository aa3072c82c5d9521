//! Random settings text for the property tests, shared by the native and the wasm suites.

use dpo_sim::rng::Rng;
use dpo_sim::settings::setting_keys;

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
    ",",
    "1,2",
    "-40,55.5",
    "0,0",
];

/// Up to a dozen pieces: setting keys (the start point's and the world's too), separators,
/// numbers and pairs good and bad, markup, unicode.
pub fn random_text(rng: &mut Rng) -> String {
    let keys: Vec<&str> = setting_keys().collect();
    let mut s = String::new();
    for _ in 0..(rng.uniform() * 12.0) as usize {
        let piece = if rng.uniform() < 0.4 {
            keys[(rng.uniform() * keys.len() as f64) as usize]
        } else {
            PIECES[(rng.uniform() * PIECES.len() as f64) as usize]
        };
        s.push_str(piece);
    }
    s
}
