#!/usr/bin/env bash
# Build, serve, package and test the simulator.
#   ./build.sh setup   install what is missing: the wasm target, wasm-bindgen-cli at the Cargo.lock version
#   ./build.sh build   setup, then the wasm and its JS glue into www/pkg
#   ./build.sh serve   build, then serve www/ on http://127.0.0.1:8000/ (PORT=... to change)
#   ./build.sh dist    build, then dist/ (static site, scripts bundled by esbuild) and dist/dpo-sim-standalone.html and
#                      dist/tour-standalone.html (one file each, working from file://), and the notebook widget's
#                      front end and tables in python/dpo_sim/ (then `pip install ./python`)
#   ./build.sh wheel   dist, then the Python package as a wheel in dist/
#   ./build.sh test    fmt check, clippy, cargo test, reproduce.py against the simulator (in bench/.venv's pinned
#                      NumPy), the wasm facade tests in Node, dist, the Python package's tests (pytest, the example
#                      notebook run headless), the browser tests
#   ./build.sh bench   the native core benchmarks (extra arguments go to the benchmark, e.g. --json FILE), the step against NumPy, the page
#   ./build.sh screenshot  build, then docs/screenshot.png (the README's) from the page in headless Chromium
set -euo pipefail
cd "$(dirname "$0")"

TARGET=wasm32-unknown-unknown

# wasm-bindgen-cli must match the wasm-bindgen crate exactly: read the version from Cargo.lock.
bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup() {
  if ! rustup target list --installed | grep -qx "$TARGET"; then
    rustup target add "$TARGET"
  fi
  local want have runner
  want=$(bindgen_version)
  [ -n "$want" ] || { echo "build.sh: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
  have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
  runner=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{ print $2 }' || true)
  if [ "$have" != "$want" ] || [ "$runner" != "$want" ]; then
    # No --locked: it fails against this machine's registry mirror.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

build() {
  setup
  cargo build --lib --release --target "$TARGET"
  rm -rf www/pkg
  # Without the name section (function names, for debuggers): a tenth of the gzipped size.
  # (wasm-opt, tried, saves under 1% more, and Debian's binaryen 108 breaks wasm-bindgen's tables.)
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir www/pkg "target/$TARGET/release/dpo_sim.wasm"
}

# The Node packages: esbuild for the bundles, playwright-core for the browser tests.
npm_deps() {
  # Stale: the lock file changed since npm last installed.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci
  fi
}

dist() {
  build
  npm_deps
  rm -rf dist
  node scripts/bundle.mjs www dist
  node scripts/standalone.mjs www dist
  node scripts/widget.mjs www dist python/dpo_sim
}

# python/.venv: the pinned packages of python/requirements.txt and the package itself, as built now.
python_env() {
  if [ ! -x python/.venv/bin/python ]; then
    python3 -m venv python/.venv
  fi
  python/.venv/bin/pip install -q --disable-pip-version-check -r python/requirements.txt
  # The pinned hatchling of the venv builds it: nothing unpinned is fetched.
  python/.venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation --force-reinstall ./python
}

# bench/.venv: the pinned NumPy of bench/requirements.txt (the benchmarks' and reproduce.py's test).
numpy_env() {
  if [ ! -x bench/.venv/bin/python ]; then
    python3 -m venv bench/.venv
  fi
  bench/.venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
}

wheel() {
  dist
  python_env
  python/.venv/bin/pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation -w dist ./python
  ls dist/*.whl
}

serve() {
  build
  exec node scripts/serve.mjs www "${PORT:-8000}"
}

e2e() {
  [ -d tests/e2e ] || { echo "build.sh: no tests/e2e, skipping the browser tests"; return; }
  if [ ! -x /usr/bin/chromium ]; then
    apt-get update && apt-get install -y chromium
  fi
  npm_deps
  node --test tests/e2e/
}

test_all() {
  setup
  cargo fmt --check
  cargo clippy --all-targets -- -D warnings
  cargo clippy --lib --test wasm --target "$TARGET" -- -D warnings
  cargo test
  # tests/reproduce.rs is ignored by a plain `cargo test`: it runs the script in Python.
  numpy_env
  DPO_SIM_PYTHON="$PWD/bench/.venv/bin/python" cargo test --test reproduce -- --ignored
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test --target "$TARGET" --test wasm
  dist
  python_env
  (cd python && .venv/bin/python -m pytest -q)
  e2e
}

case "${1:-}" in
  setup) setup ;;
  build) build ;;
  serve) serve ;;
  dist) dist ;;
  wheel) wheel ;;
  test) test_all ;;
  screenshot)
    build
    npm_deps
    node scripts/screenshot.mjs www docs/screenshot.png
    ;;
  bench)
    # The static site, the native benchmarks (bench/native.json), then the page in Chromium,
    # which merges both into bench/results.json and prints the targets.
    dist
    cargo bench --bench core -- --json bench/native.json "${@:2}"
    # The fast step beside the reference step it is tested against.
    cargo bench --bench reference
    # The exact step against the same step in NumPy (pinned, installed into bench/.venv),
    # alternately; BENCH_BEFORE=COMMIT also times the step of that commit alternately.
    bench/side_by_side.sh
    if [ -n "${BENCH_BEFORE:-}" ]; then
      bench/before_after.sh "$BENCH_BEFORE"
    fi
    npm_deps
    node bench/browser.mjs
    ;;
  *)
    sed -n '2,14p' "$0" >&2
    exit 2
    ;;
esac
