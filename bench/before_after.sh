#!/usr/bin/env bash
# The exact step now against an earlier commit, side by side on this machine:
#   bench/before_after.sh [COMMIT] [ROUNDS]     (default: e280753, the step before the speed work; 7 rounds)
# Builds the benchmark of both (today's benches/core.rs in both trees, so the cases are
# the same), then runs them alternately, ROUNDS times each, steps only, and prints the
# median and range over rounds of each case's median, and the speed-up. Writes
# bench/before-after.json. Benchmarks, not tests: it reports, and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-e280753}
ROUNDS=${2:-7}
ROOT=$(pwd)
WORK="$ROOT/target/before-after"
OLD="$WORK/tree-$BASE"
mkdir -p "$WORK"
if [ ! -d "$OLD" ]; then
  mkdir -p "$OLD"
  git archive "$BASE" | tar -x -C "$OLD"
fi
cp benches/core.rs "$OLD/benches/core.rs"

executable() { # the bench binary cargo builds in directory $1
  (cd "$1" && cargo bench --bench core --no-run 2>&1) | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1
}
old_bin=$(CARGO_TARGET_DIR="$WORK/target" executable "$OLD")
new_bin=$(executable "$ROOT")
case "$old_bin" in /*) ;; *) old_bin="$OLD/$old_bin" ;; esac
case "$new_bin" in /*) ;; *) new_bin="$ROOT/$new_bin" ;; esac

for i in $(seq 1 "$ROUNDS"); do
  echo "round $i of $ROUNDS" >&2
  "$old_bin" --bench --steps --json "$WORK/before-$i.json" >/dev/null
  "$new_bin" --bench --steps --json "$WORK/after-$i.json" >/dev/null
done

python3 - "$WORK" "$ROUNDS" "$BASE" "$(git rev-parse --short HEAD)" <<'PY'
import json, statistics, sys, os, platform
work, rounds, base, head = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def load(kind):
    runs = [json.load(open(os.path.join(work, f"{kind}-{i}.json"))) for i in range(1, rounds + 1)]
    out = {}
    for run in runs:
        for row in run:
            out.setdefault(row["name"], []).append(row["median_us"])
    return out
before, after = load("before"), load("after")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
rows = []
print(f"{'case':<32} {'before µs (range)':>26} {'after µs (range)':>24} {'speed-up':>9}")
for name in after:
    b, a = before[name], after[name]
    mb, ma = statistics.median(b), statistics.median(a)
    rows.append({"name": name, "before_us": {"median": mb, "min": min(b), "max": max(b)},
                 "after_us": {"median": ma, "min": min(a), "max": max(a)}, "speedup": mb / ma})
    print(f"{name:<32} {mb:>9.2f} ({min(b):8.2f}-{max(b):8.2f}) {ma:>7.2f} ({min(a):7.2f}-{max(a):7.2f}) {mb / ma:>8.2f}x")
json.dump({"before": base, "after": head, "rounds": rounds, "cpu": cpu, "nproc": os.cpu_count(),
           "load_average": os.getloadavg(), "cases": rows}, open("bench/before-after.json", "w"), indent=1)
print(f"\n{rounds} alternating rounds; medians over rounds of each round's median, range min-max. Written to bench/before-after.json.")
PY
