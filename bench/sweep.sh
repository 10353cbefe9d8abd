#!/usr/bin/env bash
# Runs per hour of a 16-member sweep (4 α × 4 λ, one data seed, fixed steps and evaluation schedule), side by side in
# one run, interleaved: the app's batched cohort (bench/java/SweepBench.java --mode batched), the same members one
# after another (--mode solo), and PyTorch (diagonal net, d = 10⁴, n = 256 sparse) or numpy (matrix completion,
# d = 97) with the members' weights stacked (bench/python/sweep_batched.py); each at 1 and 2 threads.
#   bench/sweep.sh [rounds] [diag steps] [mc steps]      (defaults: 1 round, 10000 and 10000 steps)
# CLASSPATH: the app's classes and libraries (default: the jar ./lab builds, frontend/target/grokking-lab.jar).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-1}" diag_steps="${2:-10000}" mc_steps="${3:-10000}"
bash "$here/python/setup.sh" >/dev/null
if [ -z "${CLASSPATH:-}" ]; then
  "$root/lab" --version >/dev/null            # finds a JDK and builds the jar if needed
  CLASSPATH="$root/frontend/target/grokking-lab.jar"
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for task in diag mc; do
    steps=$([ "$task" = diag ] && echo "$diag_steps" || echo "$mc_steps")
    for t in 1 2; do
      for mode in batched solo; do
        "$java_bin" --add-modules jdk.incubator.vector -Dgroklab.threads="$t" -cp "$CLASSPATH" \
          "$here/java/SweepBench.java" --task "$task" --mode "$mode" --steps "$steps" 2>/dev/null | grep '^impl=' | tee -a "$out"
      done
      OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_THRESHOLD_=33554432 \
        MALLOC_TRIM_THRESHOLD_=536870912 /usr/bin/python3 "$here/python/sweep_batched.py" --task "$task" \
        --steps "$steps" --threads "$t" | grep '^impl=' | tee -a "$out"
    done
  done
done
echo
echo "median runs per hour over rounds, best thread count of each; ratios: batched / solo one after another, batched / python batched"
/usr/bin/python3 - "$out" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    kv = dict(f.split("=", 1) for f in line.split())
    rows[(kv["task"], kv["impl"], kv["threads"])].append(float(kv["runs_per_hour"]))
for task in ("diag", "mc"):
    med = {(i, t): statistics.median(v) for (tk, i, t), v in rows.items() if tk == task}
    if not med:
        continue
    best = {}
    for (i, t), v in sorted(med.items()):
        print(f"{task:4s} {i:14s} threads={t}  {v:9.0f} runs/h")
        if v > best.get(i, (0, ""))[0]:
            best[i] = (v, t)
    py = "torch-batched" if task == "diag" else "numpy-batched"
    b, s, p = best.get("java-batched"), best.get("java-solo"), best.get(py)
    if b and s:
        print(f"{task:4s} batched ({b[1]} threads) / solo one after another ({s[1]} threads): {b[0] / s[0]:.2f}x (target >= 3x)")
    if b and p:
        print(f"{task:4s} batched ({b[1]} threads) / {py} ({p[1]} threads): {b[0] / p[0]:.2f}x (target >= 3x)")
PY
