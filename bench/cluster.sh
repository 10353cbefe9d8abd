#!/usr/bin/env bash
# Cluster mode on this machine: a 48-run classroom sweep (Fig. 1a classroom: 4 α × 3 λ × 4 seeds) on one instance in
# single mode (SQLite), then on 1, 2 and 3 cluster members over one PostgreSQL, one worker each (bench/java/ClusterBench.java):
# wall time, runs per member, store time per run, the gap between a member's runs, p95 stream latency across members,
# and the speed-up projected for members on separate machines from the measured per-run overhead.
#   bench/cluster.sh [single] [1] [2] [3]      (default: all four)
# PostgreSQL: GROKLAB_TEST_PG_URL (+ _USER, _PASSWORD) if set, else a throwaway one from Debian's postgresql package, as
# the tests start it. Members are the tests' member processes (backend test classes, the root pom's jvm.args).
# On a 2-core machine more members cannot be faster: read the balance and the overhead, and the projection.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="$("$root/lab" java-home)"
cd "$root/backend"
mvn -B -q -ntp -o test-compile -Dspotless.check.skip=true >&2
cp="$(mktemp)"
trap 'rm -f "$cp"' EXIT
mvn -B -q -ntp -o dependency:build-classpath -Dmdep.outputFile="$cp" >&2
jvm_args="$(sed -n 's:.*<jvm.args>\(.*\)</jvm.args>.*:\1:p' "$root/pom.xml")"
# shellcheck disable=SC2086 # jvm_args is a list of flags
"$JAVA_HOME/bin/java" $jvm_args -Xmx1g -cp "target/test-classes:target/classes:$(cat "$cp")" "$here/java/ClusterBench.java" "$@"
