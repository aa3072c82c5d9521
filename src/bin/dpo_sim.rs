//! `dpo-sim`: the simulator from the command line, for figures and numbers.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    dpo_sim::cli::main(&std::env::args().skip(1).collect::<Vec<_>>())
}

// The crate's tests also build for wasm32, where there is no command line.
#[cfg(target_arch = "wasm32")]
fn main() {}
