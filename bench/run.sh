#!/usr/bin/env bash
# Runs the distill4j benchmarks and their peers, then writes a Markdown report of ratios.
#
#   bench/run.sh          # the full suite (about 20 minutes on 2 cores)
#   bench/run.sh quick    # a subset in under 5 minutes
#
# The suite runs as a few JMH invocations (groups); every group holds a distill4j result and the
# peers it is compared with, so each ratio comes from one JMH run on one quiet machine.
#
# Environment:
#   THREADS=2        thread count of every multi-threaded implementation (distill4j cpu, OpenBLAS, EJML-MT)
#   WAIT_QUIET=20    before each group, wait up to this many minutes until other processes use less
#                    than 8% of the CPUs (nice'd ones not counted); the busy share is logged either way
#   NO_PYTORCH=1     skip bench/pytorch_step.py
#   BENCH_GROUPS="step inference"   run only these groups (see the case below for the names)
#
# Writes bench/results/<mode>-<time>-*.json, -env.txt and -report.md (git-ignored) and prints the report.
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

mkdir -p bench/results
stamp="bench/results/$mode-$(date -u +%Y%m%dT%H%M%SZ)"
env_file="$stamp-env.txt"

# Percent of all CPUs busy (user, system, irq; not nice'd) over the next 5 seconds.
busy_percent() {
  local a b
  read -r -a a < /proc/stat
  sleep 5
  read -r -a b < /proc/stat
  local busy=$(( (b[1]-a[1]) + (b[3]-a[3]) + (b[6]-a[6]) + (b[7]-a[7]) + (b[8]-a[8]) ))
  local total=$(( busy + (b[2]-a[2]) + (b[4]-a[4]) + (b[5]-a[5]) ))
  echo $(( total > 0 ? 100 * busy / total : 0 ))
}

# Waits (up to WAIT_QUIET minutes) for three quiet readings in a row, then logs the machine state.
wait_quiet() {
  local group="$1" busy=-1
  if [[ -n "${WAIT_QUIET:-}" ]]; then
    local deadline=$(( $(date +%s) + 60 * WAIT_QUIET )) quiet=0
    while (( $(date +%s) < deadline )); do
      busy=$(busy_percent)
      if (( busy < 8 )); then quiet=$((quiet + 1)); else quiet=0; fi
      (( quiet >= 3 )) && break
      (( quiet == 0 )) && echo "bench: CPUs ${busy}% busy with other work, waiting before group $group" >&2
    done
  else
    busy=$(busy_percent)
  fi
  echo "group $group: start $(date -u +%H:%M:%SZ), other work ${busy}% of the CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$env_file"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
  echo "java: $("$java" -version 2>&1 | head -1)"
  echo "threads: $threads"
} > "$env_file"

jvm_opts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
backends=$("$java" "${jvm_opts[@]}" -cp "$jar" org.distill4j.bench.AvailableBackends --report 2>/dev/null)
echo "bench: distill4j backends available here: $backends" >&2
echo "backends: $backends" >> "$env_file"

if [[ "$mode" == full ]]; then
  timing=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
  peers="openblas,ejml,ejml-mt"
  all_groups="gemm-forward gemm-backward gemm-square naive kernels step inference pytorch"
else
  timing=(-f 1 -wi 2 -i 3 -w 500ms -r 500ms)
  peers="openblas,ejml,ejml-mt"
  all_groups="gemm-quick kernels step inference pytorch"
fi
groups="${BENCH_GROUPS:-$all_groups}"

# Runs one JMH group: a benchmark regex and its parameters; results in $stamp-<group>.json.
jmh() {
  local group="$1" regex="$2"
  shift 2
  wait_quiet "$group"
  echo "bench: group $group" >&2
  "$java" -jar "$jar" "$regex" "$@" -p "threads=$threads" -prof gc "${timing[@]}" -rf json -rff "$stamp-$group.json"
}

pytorch_json=""
for group in $groups; do
  case "$group" in
    gemm-forward)
      jmh "$group" '\.GemmBench\.' -p "impl=$backends,$peers" -p shape=NN:128x784x1200,NN:128x1200x1200,NN:128x1200x10 ;;
    gemm-backward)
      jmh "$group" '\.GemmBench\.' -p "impl=$backends,$peers" \
        -p shape=TN:784x128x1200,TN:1200x128x1200,TN:1200x128x10,NT:128x1200x1200,NT:128x10x1200 ;;
    gemm-square)
      jmh "$group" '\.GemmBench\.' -p "impl=$backends,$peers" -p shape=NN:1024x1024x1024,NN:2048x2048x2048 ;;
    gemm-quick)
      jmh "$group" '\.GemmBench\.' -p "impl=$backends,$peers" \
        -p shape=NN:128x784x1200,NN:128x1200x1200,TN:1200x128x1200,NT:128x1200x1200,NN:1024x1024x1024 ;;
    naive)
      jmh "$group" '\.NaiveGemmBench\.' ;;
    kernels)
      jmh "$group" '\.(SoftTargetLossBench|CopyBench)\.' -p "backend=$backends" ;;
    step)
      jmh "$group" '\.DistillStepBench\.' -p "backend=$backends" ;;
    inference)
      jmh "$group" '\.InferenceBench\.' -p "backend=$backends" ;;
    pytorch)
      if [[ -n "${NO_PYTORCH:-}" ]]; then
        continue
      fi
      if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
        echo "bench: no PyTorch in /usr/bin/python3 (apt-get install -y python3-torch libopenblas0-pthread); skipping it" >&2
        continue
      fi
      wait_quiet pytorch
      pytorch_json="$stamp-pytorch.json"
      /usr/bin/python3 bench/pytorch_step.py --out "$pytorch_json" $([[ "$mode" == quick ]] && echo --quick) ;;
    *)
      echo "bench: unknown group '$group'" >&2; exit 2 ;;
  esac
done

echo "end: $(date -u +%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$env_file"
jmh_files=()
for f in "$stamp"-*.json; do
  [[ "$f" == "$pytorch_json" ]] || jmh_files+=("$f")
done
{
  echo "# distill4j benchmarks ($mode)"
  echo
  sed 's/^/    /' "$env_file"
  echo
  "$java" -cp "$jar" org.distill4j.bench.Report ${pytorch_json:+--pytorch "$pytorch_json"} "${jmh_files[@]}"
} > "$stamp-report.md"
cat "$stamp-report.md"
echo "bench: wrote $stamp-report.md" >&2
