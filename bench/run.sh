#!/usr/bin/env bash
# Side-by-side benchmark of one GD step, Java (this repo) against numpy/PyTorch CPU, for the diagonal net (Fig. 1),
# matrix completion (Fig. 3) and the modular-addition MLP (Fig. 2), interleaved in one run so machine noise hits every implementation alike.
# Prints raw lines and a ratio table.
#   bench/run.sh [rounds]      (default 2 rounds; installs Debian's python3-numpy/python3-torch if missing)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
rounds="${1:-2}"
bash "$here/python/setup.sh"
"$root/lab" --version >/dev/null            # finds a JDK and builds the jar if needed
java_bin="$("$root/lab" java-home)/bin/java"
# ND4J (the modular-addition products' candidate backend) is not in the app's build: resolve its classpath here
cp_file="$(mktemp)"
JAVA_HOME="$("$root/lab" java-home)" mvn -q -B -ntp -f "$here/nd4j/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
nd4j_cp="$(cat "$cp_file")"
rm -f "$cp_file"
out="$(mktemp)"
checks="$(mktemp)"
trap 'rm -f "$out" "$checks"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for shape in "sparse 256" "gaussian 32"; do
    set -- $shape
    for t in 1 2; do
      /usr/bin/python3 "$here/python/diag_step.py" --data "$1" --n "$2" --d 100000 --threads "$t" --omp-wait-policy passive \
        --variants numpy-f32,torch-autograd-f32,torch-manual-f32 | grep '^impl=' | tee -a "$out"
      "$java_bin" --add-modules jdk.incubator.vector -Dgroklab.threads="$t" -cp "$root/frontend/target/grokking-lab.jar" \
        "$here/java/DiagStepBench.java" --data "$1" --n "$2" --d 100000 2>/dev/null | grep '^impl=' | tee -a "$out"
    done
  done
  # matrix completion, Fig. 3 (d = 97, 470 observed entries): numpy dense / sparse-aware and the Java step, each on
  # 1 and 2 threads (BLAS threads for numpy)
  for t in 1 2; do
    /usr/bin/python3 "$here/python/mc_step.py" --threads "$t" --variants numpy-dense-f64,numpy-sparse-f64 \
      | grep -E '^(impl=|check )' | tee -a "$checks" | grep '^impl=' | tee -a "$out"
    "$java_bin" --add-modules jdk.incubator.vector -Dgroklab.threads="$t" -cp "$root/frontend/target/grokking-lab.jar" \
      "$here/java/McStepBench.java" 2>/dev/null | grep -E '^(impl=|check )' | tee -a "$checks" | grep '^impl=' | tee -a "$out"
  done
  # modular addition, Fig. 2 (p = 97, n = 3763 training pairs, float32) at h = 256 and 1024: PyTorch nn.Linear on
  # one-hot inputs and a gather, against the Java step with its Vector API products and with ND4J's (OpenBLAS)
  # behind the same MatMul interface (d in the table is the width h)
  for h in 256 1024; do
    for t in 1 2; do
      /usr/bin/python3 "$here/python/modadd_step.py" --h "$h" --threads "$t" --omp-wait-policy passive | grep '^impl=' | tee -a "$out"
      "$java_bin" --add-modules jdk.incubator.vector -Dgroklab.threads="$t" -cp "$root/frontend/target/grokking-lab.jar" \
        "$here/java/ModaddStepBench.java" --h "$h" 2>/dev/null | grep '^impl=' | tee -a "$out"
      OMP_NUM_THREADS=1 "$java_bin" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dgroklab.threads="$t" \
        -cp "$root/frontend/target/grokking-lab.jar:$nd4j_cp" "$here/java/Nd4jModaddStepBench.java" --h "$h" 2>/dev/null \
        | grep '^impl=java-nd4j' | tee -a "$out"
    done
  done
done
echo
echo "median ms/step over rounds; diagonal net and modular addition (n=3763, d = width): ratio = fastest torch variant (any thread count) / java at that thread count;"
echo "matrix completion: ratio = fastest numpy f64 variant of that kind (any thread count) / java (target >= 5x vs numpy dense)"
/usr/bin/python3 - "$out" "$checks" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    kv = dict(f.split("=", 1) for f in line.split())
    rows[(int(kv["d"]), int(kv["n"]), kv["impl"], kv["dtype"], kv["threads"])].append(float(kv["ms_per_step"]))
groups = sorted({k[:2] for k in rows}, key=lambda g: (-g[0], g[1]))
for d, n in groups:
    med = {(i, dt, t): statistics.median(v) for (dd, nn, i, dt, t), v in rows.items() if (dd, nn) == (d, n)}
    if any(i.startswith("torch") for i, _, _ in med):          # diagonal net, Fig. 1
        torch = min(v for (i, dt, t), v in med.items() if i.startswith("torch"))
        print(f"n={n} d={d}")
        for (i, dt, t), v in sorted(med.items()):
            extra = f"  speed-up vs fastest torch: {torch / v:5.1f}x" if i.startswith("java") else ""
            print(f"  {i:22s} threads={t}  {v:8.3f} ms{extra}")
        backends = {i: min(v for (ii, dt, t), v in med.items() if ii == i) for i in ("java", "java-nd4j") if any(ii == i for ii, _, _ in med)}
        if len(backends) == 2:                                  # modular addition: the MatMul backend this width should use
            pick = min(backends, key=backends.get)
            print(f"  matmul backend pick at width {d}: {'Vector API (java)' if pick == 'java' else 'ND4J'} "
                  f"(java {backends['java']:.3f} ms, java-nd4j {backends['java-nd4j']:.3f} ms, fastest thread count each)")
        continue
    # matrix completion, Fig. 3 (n = observed entries)
    print(f"matrix completion d={d} n={n} observed")
    for (i, dt, t), v in sorted(med.items()):
        print(f"  {i + ' ' + dt:22s} threads={t}  {v:8.3f} ms")
    java = [v for (i, dt, t), v in med.items() if i.startswith("java")]
    for kind, label in (("numpy-dense", "numpy dense"), ("numpy-sparse", "numpy sparse-aware")):
        ref = [v for (i, dt, t), v in med.items() if i == kind and dt == "f64"]
        if java and ref:
            r = min(ref) / min(java)
            goal = f"  (target >= 5x: {'met' if r >= 5 else 'NOT met'})" if kind == "numpy-dense" else ""
            print(f"  speed-up vs {label}: {r:5.1f}x{goal}")
checks = collections.defaultdict(list)
for line in open(sys.argv[2]):
    if not line.startswith("check "):
        continue
    kv = dict(f.split("=", 1) for f in line.split()[1:])
    key = next(k for k in kv if k.startswith("loss") and k != "loss0")
    checks[(kv["d"], kv["n"], key)].append((kv["impl"] + " " + kv["dtype"], float(kv[key])))
for (d, n, key), vals in checks.items():
    ref = next((x for name, x in vals if name.startswith("java")), vals[0][1])
    worst = max(abs(x - ref) / abs(ref) for _, x in vals)
    print(f"  check d={d} n={n}: {key} = {ref:.9e} (java), max relative difference over all runs {worst:.1e}")
PY
