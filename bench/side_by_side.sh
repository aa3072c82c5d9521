#!/usr/bin/env bash
# The exact step in Rust (benches/core.rs, native) and in NumPy (bench/numpy_step.py) on
# this machine, alternately:  bench/side_by_side.sh [ROUNDS]   (default 7)
# Installs the pinned NumPy (bench/requirements.txt) into bench/.venv first. Prints, per
# case, the median and range over rounds of each round's median, and the ratio
# NumPy / Rust (how many times faster the Rust step is). Writes bench/step-vs-numpy.json.
# Benchmarks, not tests: it reports, and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-7}
WORK=target/side-by-side
mkdir -p "$WORK"
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
fi
bench/.venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
bin=$(cargo bench --bench core --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
for i in $(seq 1 "$ROUNDS"); do
  echo "round $i of $ROUNDS" >&2
  "$bin" --bench --steps --json "$WORK/rust-$i.json" >/dev/null
  bench/.venv/bin/python bench/numpy_step.py --json "$WORK/numpy-$i.json" >/dev/null
done
bench/.venv/bin/python - "$WORK" "$ROUNDS" "$(git rev-parse --short HEAD)" <<'PY'
import json, os, statistics, sys
work, rounds, head = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(kind, pick):
    out = {}
    for i in range(1, rounds + 1):
        for row in pick(json.load(open(os.path.join(work, f"{kind}-{i}.json")))):
            out.setdefault(row["name"], []).append(row["median_us"])
    return out
rust = load("rust", lambda d: d)
numpy_runs = [json.load(open(os.path.join(work, f"numpy-{i}.json"))) for i in range(1, rounds + 1)]
numpy = load("numpy", lambda d: d["cases"])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
rows = []
print(f"{'case':<22} {'Rust µs (range)':>24} {'NumPy µs (range)':>26} {'NumPy/Rust':>11}")
for name, t in numpy.items():
    r = rust[name]
    mr, mn = statistics.median(r), statistics.median(t)
    rows.append({"name": name, "rust_us": {"median": mr, "min": min(r), "max": max(r)},
                 "numpy_us": {"median": mn, "min": min(t), "max": max(t)}, "numpy_over_rust": mn / mr})
    print(f"{name:<22} {mr:>8.2f} ({min(r):6.2f}-{max(r):7.2f}) {mn:>9.2f} ({min(t):7.2f}-{max(t):7.2f}) {mn / mr:>10.1f}x")
meta = {"commit": head, "rounds": rounds, "cpu": cpu, "nproc": os.cpu_count(), "load_average": os.getloadavg(),
        "numpy": numpy_runs[0]["numpy"], "python": numpy_runs[0]["python"]}
json.dump({**meta, "cases": rows}, open("bench/step-vs-numpy.json", "w"), indent=1)
print(f"\n{rounds} alternating rounds (NumPy {meta['numpy']}, {cpu}, {meta['nproc']} cores); "
      "medians over rounds of each round's median, range min-max. Written to bench/step-vs-numpy.json.")
PY
