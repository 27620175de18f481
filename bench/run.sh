#!/usr/bin/env bash
# Runs the distill4j benchmarks and their peers, then writes a Markdown report of ratios.
#
#   bench/run.sh          # the full suite (about 20 minutes per ISA on 2 cores)
#   bench/run.sh quick    # a subset in about 5 minutes per ISA
#
# The suite runs as a few JMH invocations (groups); every group holds a distill4j result and the
# peers it is compared with, so each ratio comes from one JMH run on one quiet machine. Every gemm
# group also runs PeakFmaBench (the float FMA peak with the Vector API, at 1 and THREADS threads)
# in the same JMH run, and the report gives each gemm GFLOP/s as a percentage of that peak; a gemm
# figure above the peak is flagged there as a measurement error.
#
# ISA passes: the whole selection of groups runs once per ISA class in ISAS, each like for like:
#   native   the JVM's, OpenBLAS's and PyTorch's own choice on this machine
#   avx2     x86 with AVX2 and FMA: distill4j's JVM with -XX:UseAVX=2 (8 lanes, 16 registers, also
#            on AVX-512 hardware), OpenBLAS with OPENBLAS_CORETYPE=Haswell, PyTorch with
#            ATEN_CPU_CAPABILITY=avx2 (and OPENBLAS_CORETYPE=Haswell for the OpenBLAS it calls)
#   v128     x86, 128-bit vectors as NEON has: -XX:MaxVectorSize=16 (4 lanes),
#            OPENBLAS_CORETYPE=Nehalem (SSE kernels), ATEN_CPU_CAPABILITY=default; never by default
# By default: "native avx2" on x86 with AVX-512 and AVX2, else "native". An ISA the machine cannot
# run is skipped with a message. In the native pass OPENBLAS_CORETYPE and ATEN_CPU_CAPABILITY are unset.
#
# Environment:
#   ISAS="native avx2"   the ISA passes to run, in this order (see above)
#   THREADS=2        thread count of every multi-threaded implementation (distill4j cpu, OpenBLAS, EJML-MT)
#   WAIT_QUIET=20    before each group, wait up to this many minutes until other processes use less
#                    than 8% of the CPUs (nice'd ones not counted); the busy share is logged either way
#   NO_PYTORCH=1     skip bench/pytorch_step.py
#   BENCH_GROUPS="step inference"   run only these groups (see the case below for the names; "peak"
#                    is PeakFmaBench alone, which every gemm group runs anyway)
#   JMH_TIMING="-f 1 -wi 1 -i 1 -w 200ms -r 200ms"   JMH's fork and iteration options instead of the
#                    mode's (for a dry run of the script; such numbers are not measurements)
#
# Writes, per ISA pass, bench/results/<mode>-<time>-<isa>-<group>.json, -<isa>-pytorch.json and
# -<isa>-env.txt (CPU model and flags, JVM flags, JDK, date, what the cpu backend and OpenBLAS chose;
# git-ignored), then one bench/results/<mode>-<time>-report.md with a section per ISA, and prints it.
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

# The CPU's vector ISA flags as /proc/cpuinfo lists them (what the hardware has, not what a JVM
# started with -XX:UseAVX=2 uses: that is in each pass's JVM flags and the cpu backend's line).
arch="$(uname -m)"
cpu_flags=" $(grep -m1 -E '^(flags|Features)' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
has_flag() { [[ "$cpu_flags" == *" $1 "* ]]; }
isa_flags=""
for f in avx512f avx2 fma asimd sve sve2; do
  if has_flag "$f"; then isa_flags+="${isa_flags:+ }$f"; fi
done
cpu_model="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
if [[ "$arch" == x86_64 ]] && has_flag avx512f && has_flag avx2 && has_flag fma; then
  default_isas="native avx2"
else
  default_isas="native"
fi
isas="${ISAS:-$default_isas}"

# Whether this machine can run an ISA pass; prints the reason when it cannot.
isa_runnable() {
  case "$1" in
    native) return 0 ;;
    avx2)
      if [[ "$arch" == x86_64 ]] && has_flag avx2 && has_flag fma; then return 0; fi
      echo "bench: skipping ISA avx2: needs x86_64 with avx2 and fma, this is $arch with: ${isa_flags:-none of avx512f avx2 fma}" >&2
      return 1 ;;
    v128)
      if [[ "$arch" == x86_64 ]] && has_flag sse4_2; then return 0; fi
      echo "bench: skipping ISA v128: needs x86_64 with sse4_2 (on ARM, native is 128-bit already)" >&2
      return 1 ;;
    *) echo "bench: unknown ISA '$1' (native, avx2, v128)" >&2; exit 2 ;;
  esac
}
for isa in $isas; do
  case "$isa" in
    native|avx2|v128) ;;
    *) echo "bench: unknown ISA '$isa' in ISAS (native, avx2, v128)" >&2; exit 2 ;;
  esac
done

echo "bench: building the benchmarks jar (reactor build, no install)" >&2
mvn -B -q -pl bench -am package -DskipTests -Dfuzz.skip=true
jar=bench/target/benchmarks.jar

mkdir -p bench/results
stamp="bench/results/$mode-$(date -u +%Y%m%dT%H%M%SZ)"
base_jvm_opts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

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

if [[ "$mode" == full ]]; then
  timing=(-f 1 -wi 3 -i 5 -w 1s -r 1s)
  peers="openblas,ejml,ejml-mt"
  all_groups="gemm-forward gemm-backward gemm-square naive kernels step inference pytorch"
else
  timing=(-f 1 -wi 2 -i 3 -w 500ms -r 500ms)
  peers="openblas,ejml,ejml-mt"
  all_groups="gemm-quick kernels step inference pytorch"
fi
if [[ -n "${JMH_TIMING:-}" ]]; then
  read -r -a timing <<< "$JMH_TIMING"
fi
groups="${BENCH_GROUPS:-$all_groups}"
gemm_regex='\.(GemmBench|PeakFmaBench)\.'

# Runs one JMH group: a benchmark regex and its parameters; results in $isa_stamp-<group>.json.
# -jvmArgs (not -jvmArgsAppend, which would replace the benchmarks' own @Fork(jvmArgsAppend), the
# Vector API module among them) carries the ISA pass's flags into the forked JVM.
jmh() {
  local group="$1" regex="$2"
  shift 2
  wait_quiet "$group"
  echo "bench: [$isa] group $group" >&2
  env "${isa_env[@]}" "$java" -jar "$jar" "$regex" "$@" -p "threads=$threads" -prof gc "${timing[@]}" \
    ${isa_jvm_flags:+-jvmArgs "$isa_jvm_flags"} -rf json -rff "$isa_stamp-$group.json"
}

# Runs every selected group in one ISA pass: $isa, $isa_jvm_flags, $isa_env set by the caller.
run_pass() {
  isa_stamp="$stamp-$isa"
  env_file="$isa_stamp-env.txt"
  pytorch_json=""
  local jvm_flags_array=()
  read -r -a jvm_flags_array <<< "$isa_jvm_flags"
  local probe=(env "${isa_env[@]}" "$java" "${base_jvm_opts[@]}" ${jvm_flags_array[@]+"${jvm_flags_array[@]}"} -cp "$jar")
  backends=$("${probe[@]}" org.distill4j.bench.AvailableBackends 2>/dev/null)
  {
    echo "isa: $isa"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
    echo "cpu: ${cpu_model:-unknown}, $(nproc) cores, $arch"
    echo "cpu isa flags (/proc/cpuinfo): ${isa_flags:-none of avx512f avx2 fma asimd sve}"
    echo "java: $("$java" -version 2>&1 | head -1); $("$java" -version 2>&1 | sed -n 3p)"
    echo "jvm flags of this pass: ${isa_jvm_flags:-(none)} (besides each benchmark's @Fork jvmArgsAppend)"
    echo "env of this pass: ${isa_env_text:-OPENBLAS_CORETYPE and ATEN_CPU_CAPABILITY unset}"
    echo "threads: $threads"
    echo "jmh timing: ${timing[*]}"
    echo "backends: $backends"
    "${probe[@]}" org.distill4j.bench.AvailableBackends --describe 2>/dev/null | sed 's/^/backend /'
    echo "openblas core: $(env OPENBLAS_VERBOSE=2 "${probe[@]}" org.distill4j.bench.AvailableBackends --openblas 2>&1 \
      | sed -n 's/^Core: *//p' | head -1)"
  } > "$env_file"
  echo "bench: [$isa] distill4j backends available: $backends; $(grep '^backend cpu:' "$env_file" || true)" >&2

  for group in $groups; do
    case "$group" in
      gemm-forward)
        jmh "$group" "$gemm_regex" -p "impl=$backends,$peers" -p shape=NN:128x784x1200,NN:128x1200x1200,NN:128x1200x10 ;;
      gemm-backward)
        jmh "$group" "$gemm_regex" -p "impl=$backends,$peers" \
          -p shape=TN:784x128x1200,TN:1200x128x1200,TN:1200x128x10,NT:128x1200x1200,NT:128x10x1200 ;;
      gemm-square)
        jmh "$group" "$gemm_regex" -p "impl=$backends,$peers" -p shape=NN:1024x1024x1024,NN:2048x2048x2048 ;;
      gemm-quick)
        jmh "$group" "$gemm_regex" -p "impl=$backends,$peers" \
          -p shape=NN:128x784x1200,NN:128x1200x1200,TN:1200x128x1200,NT:128x1200x1200,NN:1024x1024x1024 ;;
      gemm-tiny)  # for dry runs of this script: one small shape
        jmh "$group" "$gemm_regex" -p "impl=$backends,$peers" -p shape=NN:128x1200x10 ;;
      peak)
        jmh "$group" '\.PeakFmaBench\.' ;;
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
        pytorch_json="$isa_stamp-pytorch.json"
        env "${isa_env[@]}" /usr/bin/python3 bench/pytorch_step.py --out "$pytorch_json" $([[ "$mode" == quick ]] && echo --quick) ;;
      *)
        echo "bench: unknown group '$group'" >&2; exit 2 ;;
    esac
  done
  echo "end: $(date -u +%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$env_file"
}

# One report section per ISA pass: its environment, then Report on its JSON files.
report_pass() {
  local jmh_files=() f
  for f in "$isa_stamp"-*.json; do
    [[ -e "$f" && "$f" != "$pytorch_json" ]] && jmh_files+=("$f")
  done
  echo "## ISA $isa: ${cpu_model:-unknown CPU}, flags ${isa_flags:-(none)}, JVM flags ${isa_jvm_flags:-(none)}"
  echo
  sed 's/^/    /' "$env_file"
  echo
  if (( ${#jmh_files[@]} == 0 )); then
    echo "No JMH results in this pass."
    echo
    return
  fi
  # Report's sections are level 2; under the ISA heading they become level 3.
  "$java" -cp "$jar" org.distill4j.bench.Report ${pytorch_json:+--pytorch "$pytorch_json"} "${jmh_files[@]}" | sed 's/^## /### /'
}

report="$stamp-report.md"
{
  echo "# distill4j benchmarks ($mode; ISA passes: $isas)"
  echo
} > "$report"
for isa in $isas; do
  isa_runnable "$isa" || continue
  isa_env=()
  isa_env_text=""
  case "$isa" in
    native) isa_jvm_flags=""; isa_env=(-u OPENBLAS_CORETYPE -u ATEN_CPU_CAPABILITY) ;;
    avx2)   isa_jvm_flags="-XX:UseAVX=2"; isa_env=(OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2) ;;
    v128)   isa_jvm_flags="-XX:MaxVectorSize=16"; isa_env=(OPENBLAS_CORETYPE=Nehalem ATEN_CPU_CAPABILITY=default) ;;
  esac
  [[ "$isa" == native ]] || isa_env_text="${isa_env[*]}"
  echo "bench: ISA pass $isa (JVM flags: ${isa_jvm_flags:-none}; env: ${isa_env_text:-OPENBLAS_CORETYPE, ATEN_CPU_CAPABILITY unset})" >&2
  run_pass
  report_pass >> "$report"
done
cat "$report"
echo "bench: wrote $report" >&2
