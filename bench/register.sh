#!/usr/bin/env bash
# The time to start and stop tracing a whole JVM: bench/register.sh [ROUNDS] [exits] [xml] [firstfloor]
#   In a fresh JVM with the agent, the JDK's compiler compiles the macro workload once untraced (3,200 to
#   3,600 loaded classes), then a counting ops on every method of the JVM is registered and unregistered
#   ROUNDS times (default 5): wall time, registering thread's CPU and process CPU of each, and medians;
#   and the floor: the same classes retransformed unchanged (what the JVM alone charges for them).
#   exits: an exit-hook ops (FgraphOps) instead; xml: the JDK's XML stack runs first instead of the
#   compiler, a JVM of about 2,000 loaded classes; firstfloor: before round 0, every loaded class retransformed
#   unchanged twice (the JVM's first time against its second; round 0 then is not a first register for the JVM).
#   Runs on JDK 17 ($JDK17) then JDK 25 ($JDK25); JDKS="path ..." picks others.
#   JFTRACE_AGENT=/path/to/jftrace-agent.jar measures another agent build.
set -euo pipefail
ROUNDS="${1:-5}"
shift || true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGENT="${JFTRACE_AGENT:-$ROOT/agent/target/jftrace-agent.jar}"
BENCH="$ROOT/bench/target/benchmarks.jar"
SRC="$ROOT/bench/target/macro-src"
if [[ ! -f "$AGENT" || ! -f "$BENCH" || ! -d "$SRC" ]]; then
  echo "[register.sh] building the agent, the benchmarks jar and the workload (mvn -q -B package -DskipTests)" >&2
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
JDK17="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JDKS="${JDKS:-$JDK17 $JDK25}"
for jdk in $JDKS; do
  if [[ ! -x "$jdk/bin/java" ]]; then
    echo "[register.sh] no JDK at $jdk: skipped" >&2
    continue
  fi
  "$jdk/bin/java" -Xms1g -Xmx1g -javaagent:"$AGENT" -javaagent:"$BENCH"=floor -cp "$BENCH" org.jftrace.bench.macro.RegisterTime "$SRC" "$ROUNDS" "$@" \
    | grep '^REGISTER'
done
