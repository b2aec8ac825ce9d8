#!/usr/bin/env bash
# Runs jftrace's JMH benchmarks: bench/run.sh [quick|full|smoke] [REGEX]
#                             or: bench/run.sh compare [quick|full|smoke] [REGEX]
#   quick (default): 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement per row (about 4 to 5 minutes per JDK)
#   full:            2 forks, 5 x 2 s warm-up, 10 x 2 s measurement per row (about 25 minutes per JDK)
#   smoke:           1 fork, 1 x 1 s per row, no warm-up: only checks that every row sets up and runs
#                    (runs every row, then exits 1 if one failed its set-up check or errored)
#   compare:         the same mode on JDK 17 ($JDK17, default /usr/lib/jvm/java-17-openjdk-amd64, else the
#                    java on the PATH) and then on JDK 25 ($JDK25, default /usr/lib/jvm/temurin-25-jdk-amd64):
#                    one table per JDK; the JFR method-tracing peer rows run on JDK 25 only.
# REGEX selects the rows whose name (e.g. safe, limitBranch) or benchmark class.method it finds, ignoring case.
# Uses $JAVA_HOME/bin/java if JAVA_HOME is set, else the java on the PATH. Builds the agent and the
# benchmarks jar first (mvn -q -B package -DskipTests at the repository root) if either is missing.
# JFTRACE_AGENT=/path/to/jftrace-agent.jar measures another agent build (e.g. a copy that a
# concurrent rebuild of agent/target cannot change in the middle of a run).
set -euo pipefail

MODE="${1:-quick}"
shift || true
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ "$MODE" == "compare" ]]; then
  SUB="${1:-quick}"
  shift || true
  JDK17="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
  JDK25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  if [[ ! -x "$JDK17/bin/java" ]]; then
    JDK17="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  fi
  if [[ ! -x "$JDK25/bin/java" ]]; then
    echo "[run.sh] compare: no JDK 25 at $JDK25 (set JDK25=/path/to/jdk)" >&2
    exit 2
  fi
  status=0
  for jdk in "$JDK17" "$JDK25"; do
    echo "[run.sh] compare: $SUB on $jdk" >&2
    JAVA_HOME="$jdk" "${BASH_SOURCE[0]}" "$SUB" "$@" || status=$?
  done
  exit "$status"
fi
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
