#!/usr/bin/env bash
# Side-by-side benchmark of one diagonal-net GD step: Java (this repo) against numpy and PyTorch CPU,
# interleaved in one run so machine noise hits every implementation alike. Prints raw lines and a ratio table.
#   bench/run.sh [rounds]      (default 2 rounds; installs Debian's python3-numpy/python3-torch if missing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-2}"
bash "$here/python/setup.sh"
"$root/lab" --version >/dev/null            # finds a JDK and builds the jar if needed
java_bin="$("$root/lab" java-home)/bin/java"
out="$(mktemp)"
for ((r = 1; r <= rounds; r++)); do
  for shape in "sparse 256" "gaussian 32"; do
    set -- $shape
    for t in 1 2; do
      /usr/bin/python3 "$here/python/diag_step.py" --data "$1" --n "$2" --d 100000 --threads "$t" --omp-wait-policy passive \
        --variants numpy-f32,torch-autograd-f32,torch-manual-f32 | grep '^impl=' | tee -a "$out"
      "$java_bin" --add-modules jdk.incubator.vector -Dgroklab.threads="$t" -cp "$root/backend/target/grokking-lab.jar" \
        "$here/java/DiagStepBench.java" --data "$1" --n "$2" --d 100000 2>/dev/null | grep '^impl=' | tee -a "$out"
    done
  done
done
echo
echo "median ms/step over rounds; ratio = fastest torch variant (any thread count) / java at that thread count"
/usr/bin/python3 - "$out" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    kv = dict(f.split("=", 1) for f in line.split())
    rows[(kv["n"], kv["impl"], kv["threads"])].append(float(kv["ms_per_step"]))
for n in sorted({k[0] for k in rows}, key=int):
    med = {(i, t): statistics.median(v) for (nn, i, t), v in rows.items() if nn == n}
    torch = min(v for (i, t), v in med.items() if i.startswith("torch"))
    print(f"n={n} d=100000")
    for (i, t), v in sorted(med.items()):
        extra = f"  speed-up vs fastest torch: {torch / v:5.1f}x" if i.startswith("java") else ""
        print(f"  {i:22s} threads={t}  {v:8.3f} ms{extra}")
PY
rm -f "$out"
