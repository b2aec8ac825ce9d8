#!/usr/bin/env bash
# The macro benchmark (hooks on real code): bench/macro.sh [quick|full] [ROW...]
#   The JDK's compiler compiles the sources of commons-lang3 3.12.0 (fetched by the build) in a fresh
#   JVM per row; rows untraced, limit (a hand-written invokestatic counter on every method of
#   jdk.compiler), limitExits (the same with a hand-written exit hook: a counter before every return and in
#   a catch-all handler; the limit of the exits row), safe and guarded (jftrace counting ops on *:mod:jdk.compiler, with and without
#   RECURSION_SAFE), all (jftrace counting ops on every method of the JVM), exits (an exit-hook ops
#   counting on jdk.compiler), function and graph (the function and function_graph tracers on every
#   method of the JVM into their bounded ring; calls = events written), functionCoarse (the function
#   tracer with the coarse clock, trace_clock uptime), profiler (the function profiler on every method
#   of the JVM; calls = calls counted or lost; it also prints the functions profiled and the calls lost).
#   quick (default): 3 rounds; full: 7 rounds. Rows interleaved round by round; medians reported.
#   Runs on JDK 17 ($JDK17) then JDK 25 ($JDK25), like run.sh compare; JDKS="path ..." picks others.
#   JFTRACE_AGENT=/path/to/jftrace-agent.jar measures another agent build.
set -euo pipefail
MODE="${1:-quick}"
shift || true
case "$MODE" in
  quick) ROUNDS=3 ;;
  full) ROUNDS=7 ;;
  *) echo "usage: bench/macro.sh [quick|full] [ROW...]" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGENT="${JFTRACE_AGENT:-$ROOT/agent/target/jftrace-agent.jar}"
BENCH="$ROOT/bench/target/benchmarks.jar"
SRC="$ROOT/bench/target/macro-src"
if [[ ! -f "$AGENT" || ! -f "$BENCH" || ! -d "$SRC" ]]; then
  echo "[macro.sh] building the agent, the benchmarks jar and the workload (mvn -q -B package -DskipTests)" >&2
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
JDK17="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JDKS="${JDKS:-$JDK17 $JDK25}"
status=0
for jdk in $JDKS; do
  if [[ ! -x "$jdk/bin/java" ]]; then
    echo "[macro.sh] no JDK at $jdk: skipped" >&2
    continue
  fi
  "$jdk/bin/java" -cp "$BENCH" org.jftrace.bench.macro.MacroBench "$jdk/bin/java" "$AGENT" "$BENCH" "$SRC" "$ROUNDS" "$@" || status=$?
done
exit "$status"
