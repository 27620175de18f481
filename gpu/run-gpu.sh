#!/usr/bin/env bash
# The CUDA backend's GPU check, run on a machine with an NVIDIA GPU from the repository root:
#   bash .bundle/run-gpu.sh
# It needs only what gpu/prepare.sh put in .bundle/ (a JRE, the jars, MNIST) and the NVIDIA driver.
# Steps: the JRE; the GPU and which CUDA libraries exist; `distill4j backends`; the conformance suite
# (cuBLAS or tiled gemm as the probe finds, then the tiled kernel forced); `demo --quick` on cuda; the
# engine suite; compute-sanitizer memcheck and racecheck on parts of the suite, each within a time
# limit. The log (and the demo's summary.json) go to $OUT, where the device tool collects them, else
# to .bundle/logs.
# Exit status: 0 when both conformance runs and the demo passed.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${OUT:-$here/logs}
mkdir -p "$out" "$here/logs"
SECONDS=0
step() { echo; echo "==== [$SECONDS s] $*"; }

# junit CLASS NAME TIMEOUT: runs one test class; its output (failures in full) is in the log. (No XML
# reports: the bundle's small JRE has no java.xml.)
junit() {
  local class=$1 name=$2 limit=$3
  timeout --kill-after=10 "$limit" "$java" "${jvm[@]}" -jar "$here/junit-console.jar" execute --class-path "$cp" \
    --select-class "$class" --details=summary --disable-banner
  local status=$?
  echo "[$name: exit status $status]"
  return $status
}

main() {
  step "JRE"
  bash "$here/unpack.sh"
  java="$here/jre/bin/java"
  jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m)

  step "GPU and CUDA libraries"
  nvidia-smi || echo "nvidia-smi: not found"
  for lib in libcuda.so.1 libcublas.so.12 libnvrtc.so.12 libcublas.so.13 libnvrtc.so.13; do
    path=$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l {print $NF; exit}')
    echo "  $lib: ${path:-not in the ldconfig cache}"
  done
  # A libcublas.so.12 outside the ldconfig cache (e.g. from a pip wheel) goes on LD_LIBRARY_PATH.
  cublas12=$(timeout 60 find /usr /opt -name 'libcublas.so.12' 2>/dev/null | head -1)
  echo "  libcublas.so.12 anywhere under /usr, /opt: ${cublas12:-none}"
  if [ -n "$cublas12" ] && ! ldconfig -p 2>/dev/null | grep -q 'libcublas.so.12 '; then
    export LD_LIBRARY_PATH="$(dirname "$cublas12")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "  LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  fi
  echo "  (JCuda 12.6 needs libcuda.so.1 only; cuBLAS needs libcublas.so.12, else gemm uses the built-in tiled kernel)"

  # The test class path: every jar of lib/, the activation jar (the CUDA provider's service entry) included.
  cp=$(ls "$here"/lib/*.jar | tr '\n' ':')
  cp=${cp%:}

  step "distill4j backends"
  timeout 120 "$java" "${jvm[@]}" -cp "$cp" org.distill4j.cli.Main backends

  step "conformance suite, gemm as the probe chose"
  junit org.distill4j.backend.cuda.CudaConformanceTest conformance 300
  conformance=$?

  step "conformance suite, gemm on the built-in tiled kernel"
  junit org.distill4j.backend.cuda.CudaTiledGemmConformanceTest conformance-tiled 300
  tiled=$?

  step "demo --quick on cuda"
  work="$here/work"
  mkdir -p "$work/data/mnist"
  for gz in "$here"/data/mnist/*.gz; do
    raw="$work/data/mnist/$(basename "$gz" .gz)"
    [ -f "$raw" ] || gunzip -c "$gz" > "$raw"
  done
  rm -rf "$work/runs/gpu-quick"
  # DEMO_ARGS adds options, e.g. "--epochs-scale 0.05" for a dry run on the fake driver.
  (cd "$work" && DISTILL4J_BACKEND=cuda timeout --kill-after=10 480 "$java" "${jvm[@]}" -cp "$cp" org.distill4j.cli.Main \
    demo --quick --data data/mnist --runs runs --name gpu-quick ${DEMO_ARGS:-})
  demo=$?
  echo "[demo: exit status $demo]"
  [ -f "$work/runs/gpu-quick/summary.json" ] && cp "$work/runs/gpu-quick/summary.json" "$out/demo-summary.json"

  step "engine suite on cuda"
  junit org.distill4j.engine.CudaEngineTest engine 240

  sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
  if [ "${SANITIZER:-1}" = 1 ] && [ -n "$sanitizer" ]; then
    step "compute-sanitizer memcheck, conformance suite (at most ${MEMCHECK_SECONDS:=150} s)"
    timeout --kill-after=10 "$MEMCHECK_SECONDS" "$sanitizer" --tool memcheck --print-limit 20 "$java" "${jvm[@]}" \
      -jar "$here/junit-console.jar" execute --class-path "$cp" --disable-banner --details=summary \
      --select-class org.distill4j.backend.cuda.CudaTiledGemmConformanceTest 2>&1 | tee "$out/memcheck.log" | tail -40
    echo "[memcheck: exit status ${PIPESTATUS[0]} (124: stopped at the time limit)]"

    step "compute-sanitizer racecheck, tiled gemm and the row reductions (at most ${RACECHECK_SECONDS:=120} s)"
    suite=org.distill4j.backend.cuda.CudaTiledGemmConformanceTest
    timeout --kill-after=10 "$RACECHECK_SECONDS" "$sanitizer" --tool racecheck --print-limit 20 "$java" "${jvm[@]}" \
      -jar "$here/junit-console.jar" execute --class-path "$cp" --disable-banner --details=summary \
      --select-method "$suite#gemmMatchesEjml" --select-method "$suite#softTargetLossMatchesReference" \
      --select-method "$suite#sumSquaresAddsSquares" 2>&1 | tee "$out/racecheck.log" | tail -40
    echo "[racecheck: exit status ${PIPESTATUS[0]} (124: stopped at the time limit)]"
  else
    step "compute-sanitizer skipped (${sanitizer:-not found}; SANITIZER=${SANITIZER:-1})"
  fi

  step "summary"
  echo "conformance (probe's gemm): exit status $conformance"
  echo "conformance (tiled gemm):   exit status $tiled"
  echo "demo --quick on cuda:       exit status $demo"
  ls -la "$out"
  [ "$conformance" = 0 ] && [ "$tiled" = 0 ] && [ "$demo" = 0 ]
}

main 2>&1 | tee "$out/run-gpu.log"
exit "${PIPESTATUS[0]}"
