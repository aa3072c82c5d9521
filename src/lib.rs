//! How sampling quality and support shape Direct Preference Optimization: the linear
//! alignment model of Kim, Bai, Wang and Chen (2025, arXiv 2506.04272), exact and seeded.
//!
//! The core (everything but `charts` and `wasm`) is plain Rust: a world of responses
//! ([`world`]), the sampler that generates preference data ([`sampler`]), pair designs
//! ([`pairs`]), policies ([`policy`]), the DPO loss ([`loss`]), what theory predicts
//! ([`closed_form`], [`theory`]), the update loop ([`sim`]), what it measures ([`metrics`]),
//! sweeps over settings ([`sweep`]), scenarios that check their own claims ([`presets`],
//! [`story`]) and a simulator's live run with the runs pinned beside it ([`session`],
//! [`pinned`]). [`reference`] is the whole step written plainly: the specification the fast
//! path is tested against.

pub mod charts;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod closed_form;
pub mod decimal;
pub mod designs;
pub mod format;
pub mod history;
pub mod landscape;
pub mod loss;
pub mod metrics;
pub mod numerics;
pub mod pairs;
pub mod pinned;
pub mod policy;
pub mod presets;
pub mod reference;
pub mod reproduce;
pub mod responses;
pub mod rng;
pub mod sampler;
pub mod session;
pub mod settings;
pub mod sim;
pub mod simd;
pub mod spectrum;
pub mod story;
pub mod sweep;
pub mod theory;
pub mod world;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use settings::Settings;
pub use sim::Simulation;
