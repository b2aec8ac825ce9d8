#!/usr/bin/env bash
# Runs jftrace's JMH benchmarks: bench/run.sh [quick|full] [REGEX]
#   quick (default): 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement per row (about 2 minutes)
#   full:            2 forks, 5 x 2 s warm-up, 10 x 2 s measurement per row (about 12 minutes)
# Uses $JAVA_HOME/bin/java if JAVA_HOME is set, else the java on the PATH. Builds the agent and the
# benchmarks jar first (mvn -q -B package -DskipTests at the repository root) if either is missing.
# JFTRACE_AGENT=/path/to/jftrace-agent.jar measures another agent build (e.g. a copy that a
# concurrent rebuild of agent/target cannot change in the middle of a run).
set -euo pipefail

MODE="${1:-quick}"
shift || true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AGENT="${JFTRACE_AGENT:-$ROOT/agent/target/jftrace-agent.jar}"
BENCH="$ROOT/bench/target/benchmarks.jar"

if [[ ! -f "$AGENT" || ! -f "$BENCH" ]]; then
  echo "[run.sh] building the agent and the benchmarks jar (mvn -q -B package -DskipTests)" >&2
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi

if [[ -n "${JAVA_HOME:-}" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi

# JMH 1.37 uses sun.misc.Unsafe: on JDK 23+ allow it quietly (older JDKs do not know the option).
EXTRA=()
if "$JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  EXTRA+=(--sun-misc-unsafe-memory-access=allow)
fi

cd "$ROOT"
exec "$JAVA" "${EXTRA[@]}" -Djftrace.agent="$AGENT" -cp "$BENCH" org.jftrace.bench.RunBenchmarks "$MODE" "$@"
