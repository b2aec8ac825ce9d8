#!/usr/bin/env bash
# Classes loading while an ops is registered: bench/loadtime.sh [ROUNDS]
#   A fresh JVM per row loads (without initialising) every class of four JDK modules, about 7,500:
#   untraced; with a counting ops on pending patterns for their packages (hooked as they load);
#   with a counting ops on every method of the JVM. ROUNDS times (default 3), the rows in turn:
#   wall time, CPU time and MB allocated by the loading thread. See LoadTime's comment.
#   Runs on JDK 17 ($JDK17) then JDK 25 ($JDK25); JDKS="path ..." picks others.
#   JFTRACE_AGENT=/path/to/jftrace-agent.jar measures another agent build.
set -euo pipefail
ROUNDS="${1:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGENT="${JFTRACE_AGENT:-$ROOT/agent/target/jftrace-agent.jar}"
BENCH="$ROOT/bench/target/benchmarks.jar"
if [[ ! -f "$AGENT" || ! -f "$BENCH" ]]; then
  echo "[loadtime.sh] building the agent and the benchmarks jar (mvn -q -B package -DskipTests)" >&2
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
JDK17="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
for jdk in ${JDKS:-$JDK17 $JDK25}; do
  if [[ ! -x "$jdk/bin/java" ]]; then
    echo "[loadtime.sh] no JDK at $jdk: skipped" >&2
    continue
  fi
  for ((r = 0; r < ROUNDS; r++)); do
    for row in untraced pending all; do
      "$jdk/bin/java" -Xms1g -Xmx1g -javaagent:"$AGENT" -cp "$BENCH" org.jftrace.bench.macro.LoadTime "$row" | grep '^LOADTIME'
    done
  done
done
