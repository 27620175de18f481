#!/usr/bin/env bash
# Runs the distill4j benchmarks and their peers, then writes a Markdown report of ratios.
#
#   bench/run.sh          # the full suite (~20 minutes on 2 cores)
#   bench/run.sh quick    # a subset in under 5 minutes
#
# Options (environment): MAX_LOAD=1.5 waits (up to 20 minutes) until the 1-minute load average
# is below that before starting; THREADS=2 sets the thread count of every multi-threaded
# implementation; NO_PYTORCH=1 skips bench/pytorch_step.py.
#
# Writes bench/results/<mode>-<time>-{jmh.json,pytorch.json,env.txt,report.md} (git-ignored)
# and prints the report.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-full}"
threads="${THREADS:-2}"
case "$mode" in
  full|quick) ;;
  *) echo "usage: bench/run.sh [full|quick]" >&2; exit 2 ;;
esac

if [[ -z "${JAVA_HOME:-}" || ! -x "$JAVA_HOME/bin/java" ]]; then
  for jdk in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [[ -x "$jdk/bin/java" ]] && "$jdk/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
      export JAVA_HOME="$jdk"
      break
    fi
  done
fi
java="$JAVA_HOME/bin/java"

echo "bench: building the benchmarks jar (reactor build, no install)" >&2
mvn -B -q -pl bench -am package -DskipTests
jar=bench/target/benchmarks.jar

if [[ -n "${MAX_LOAD:-}" ]]; then
  for _ in $(seq 1 20); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l < m) }' && break
    echo "bench: load average $load >= $MAX_LOAD, waiting a minute" >&2
    sleep 60
  done
fi

mkdir -p bench/results
stamp="bench/results/$mode-$(date -u +%Y%m%dT%H%M%SZ)"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (modified)')"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
  echo "java: $("$java" -version 2>&1 | head -1)"
  echo "threads: $threads"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$stamp-env.txt"

jvm_opts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
backends=$("$java" "${jvm_opts[@]}" -cp "$jar" org.distill4j.bench.AvailableBackends --report 2>/dev/null)
echo "bench: distill4j backends available here: $backends" >&2
echo "backends: $backends" >> "$stamp-env.txt"

common=(-p "threads=$threads" -p "backend=$backends" -prof gc -rf json -rff "$stamp-jmh.json")
if [[ "$mode" == full ]]; then
  "$java" -jar "$jar" 'org\.distill4j\.bench\..*' "${common[@]}" \
    -p "impl=$backends,openblas,ejml,ejml-mt" \
    -f 1 -wi 3 -i 5 -w 1s -r 1s
else
  "$java" -jar "$jar" 'org\.distill4j\.bench\.(GemmBench|SoftTargetLossBench|CopyBench|DistillStepBench|InferenceBench)\.' "${common[@]}" \
    -p "impl=$backends,openblas,ejml-mt" \
    -p shape=NN:128x784x1200,NN:128x1200x1200,TN:1200x128x1200,NT:128x1200x1200,NN:1024x1024x1024 \
    -f 1 -wi 2 -i 3 -w 500ms -r 500ms
fi

pytorch_json=""
if [[ -z "${NO_PYTORCH:-}" ]]; then
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    pytorch_json="$stamp-pytorch.json"
    /usr/bin/python3 bench/pytorch_step.py --out "$pytorch_json" $([[ "$mode" == quick ]] && echo --quick)
  else
    echo "bench: no PyTorch in /usr/bin/python3 (apt-get install -y python3-torch libopenblas0-pthread); skipping it" >&2
  fi
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$stamp-env.txt"
{
  echo "# distill4j benchmarks ($mode)"
  echo
  sed 's/^/    /' "$stamp-env.txt"
  echo
  "$java" -cp "$jar" org.distill4j.bench.Report "$stamp-jmh.json" $pytorch_json
} > "$stamp-report.md"
cat "$stamp-report.md"
echo "bench: wrote $stamp-report.md" >&2
