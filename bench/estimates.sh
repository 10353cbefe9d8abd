#!/usr/bin/env bash
# Pre-run estimates against measured wall time, one CLI run at a time (run it on a quiet machine):
#   bench/estimates.sh [PRESET[:STEPS] ...]   default: every classroom preset, and the paper presets of Fig. 1a, 1b, 3 at 5 % of their steps
# Prints preset, steps, the estimate the run was given before it started (summary.estimated_seconds: the task's cost
# model, as a fresh server or the CLI states it), the measured training time (set-up + steps + evaluations, without
# the JVM's start) and their ratio. For a prefix of a paper run the full run's estimate scales the same way.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
JAVA_HOME="$("$here/lab" java-home)"
jar="$here/frontend/target/grokking-lab.jar"
[ -f "$jar" ] || (cd "$here" && mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true -pl frontend -am package)
out="$(mktemp -d)"
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  for f in "$here"/config/presets/*-classroom.json; do presets+=("$(basename "$f" .json)"); done
  presets+=(fig1a-paper:100000 fig1b-paper:100000 fig3-paper:75000)
fi
printf '%-24s %9s %11s %11s %7s\n' preset steps estimate_s measured_s ratio
for item in "${presets[@]}"; do
  id="${item%%:*}"; steps="${item#*:}"; [ "$steps" = "$item" ] && steps=""
  python3 - "$here/config/presets/$id.json" "$steps" > "$out/$id.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
if sys.argv[2]: c["steps"] = int(sys.argv[2])
print(json.dumps(c))
PY
  "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseG1GC -Xmx2g -jar "$jar" run --config "$out/$id.json" --out "$out/$id" >/dev/null 2>&1
  python3 - "$out/$id/run.json" "$id" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); s = r["summary"]
measured = s["setup_seconds"] + s["train_seconds"] + s["eval_seconds"]
est = s["estimated_seconds"]
print("%-24s %9d %11.2f %11.2f %7.2f   (set-up %.2f, steps %.2f, evaluations %.2f)" % (sys.argv[2], r["provenance"]["config"]["steps"], est, measured,
      est / measured, s["setup_seconds"], s["train_seconds"], s["eval_seconds"]))
PY
done
rm -rf "$out"
