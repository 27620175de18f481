#!/usr/bin/env bash
# The CUDA backend's GPU check, run on a machine with an NVIDIA GPU from the repository root:
#   bash .bundle/run-gpu.sh
# It needs only what gpu/prepare.sh put in .bundle/ (a JRE, the jars, MNIST) and the NVIDIA driver.
# Steps, in order of importance, each cut to end before the run's deadline (DEADLINE_SECONDS, default
# 540): the JRE; the GPU and which CUDA libraries exist; `distill4j backends`; the conformance suite
# (gemm as the probe chose); the JMH training-step benchmark at batch 128 and 1024 and PyTorch's same
# step on the same GPU (bench/pytorch_step.py); then, while paper-size teachers train in the background
# (EXPLORE=0 skips them), the suite with the tiled gemm forced (only where cuBLAS loaded), `demo --quick`
# on cuda, the engine suite and compute-sanitizer memcheck. Logs, JSON results and runs.tgz (the runs'
# metrics) go to $OUT, where the device tool collects them, else to .bundle/logs.
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

# remaining LIMIT: LIMIT, or fewer seconds so that the step ends before the run's deadline.
remaining() {
  local left=$((deadline - SECONDS - 15))
  ((left < 1)) && left=1
  echo $(($1 < left ? $1 : left))
}

# explore NAME TRAIN_ARGS...: trains a paper-size teacher on cuda in the background, then distills an
# 800-800 student from it (both on the full MNIST training set); metrics in $work/runs/NAME*/.
explore() {
  local name=$1; shift
  (cd "$work" && {
    "$java" "${jvm[@]}" -cp "$cp" org.distill4j.cli.Main train --backend cuda --data data/mnist --runs runs \
      --name "$name" --model 784-1200-1200-10 --input-dropout 0.2 --max-norm 3.5 --jitter 2 --batch 100 \
      --warmup 0.02 --momentum 0.9 --seed 1 ${EXPLORE_DATA_ARGS:-} "$@" &&
    "$java" "${jvm[@]}" -cp "$cp" org.distill4j.cli.Main distill --backend cuda --data data/mnist --runs runs \
      --name "$name-student" --teacher "runs/$name/model.safetensors" --model 784-800-800-10 -T 20 --alpha 0.1 \
      --epochs "$(scaled 60)" --batch 100 --warmup 0.02 --momentum 0.9 --seed 2 ${EXPLORE_DATA_ARGS:-}
  } > "$work/explore-$name.log" 2>&1) &
  explorers+=($!)
}

scaled() { awk -v e="$1" -v s="${EXPLORE_SCALE:-1}" 'BEGIN { n = int(e * s + 0.5); print (n < 1 ? 1 : n) }'; }

main() {
  deadline=${DEADLINE_SECONDS:-540}
  echo "run-gpu.sh: every step ends by ${deadline} s"
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
  cublas12=$(timeout 20 find /usr /opt -name 'libcublas.so.12' 2>/dev/null | head -1)
  echo "  libcublas.so.12 anywhere under /usr, /opt: ${cublas12:-none}"
  if [ -n "$cublas12" ] && ! ldconfig -p 2>/dev/null | grep -q 'libcublas.so.12 '; then
    export LD_LIBRARY_PATH="$(dirname "$cublas12")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "  LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  fi
  echo "  (JCuda 12.6 needs libcuda.so.1 only; cuBLAS needs libcublas.so.12, else gemm uses the built-in tiled kernel)"

  # The test class path: every jar of lib/.
  cp=$(ls "$here"/lib/*.jar | tr '\n' ':')
  cp=${cp%:}

  step "distill4j backends"
  timeout 60 "$java" "${jvm[@]}" -cp "$cp" org.distill4j.cli.Main backends | tee "$here/logs/backends.txt"

  step "conformance suite, gemm as the probe chose"
  junit org.distill4j.backend.cuda.CudaConformanceTest conformance "$(remaining 180)"
  conformance=$?

  step "training-step benchmark (JMH DistillStepBench on cuda, batch 128 and 1024)"
  bench_cp="$cp:$(ls "$here"/bench/*.jar | tr '\n' ':')"
  for batch in 128 1024; do   # one JMH run per batch size, so a run cut at its limit loses only its own JSON
    timeout --kill-after=10 "$(remaining 60)" "$java" "${jvm[@]}" -cp "${bench_cp%:}" org.openjdk.jmh.Main \
      'DistillStepBench' -p backend=cuda -p threads=1 -p batch=$batch -p teacher=forward,cached \
      -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff "$out/jmh-cuda-$batch.json"
    echo "[jmh batch $batch: exit status $?]"
  done

  step "PyTorch, the same step on the same GPU"
  PYTHONUNBUFFERED=1 timeout --kill-after=10 "$(remaining 120)" python3 "$here/../bench/pytorch_step.py" \
    --device cuda --batches 128,1024 --out "$out/pytorch-cuda.json"
  echo "[pytorch: exit status $?]"

  # MNIST for the demo and the teacher runs.
  work="$here/work"
  mkdir -p "$work/data/mnist"
  for gz in "$here"/data/mnist/*.gz; do
    raw="$work/data/mnist/$(basename "$gz" .gz)"
    [ -f "$raw" ] || gunzip -c "$gz" > "$raw"
  done
  rm -rf "$work/runs"

  explorers=()
  if [ "${EXPLORE:-1}" = 1 ]; then
    step "teacher schedules on cuda, in the background until the deadline (logs: explore-*.log)"
    explore t-lr10-e60 --lr 0.1 --epochs "$(scaled 60)" --hidden-dropout 0.5
    explore t-lr20-e60 --lr 0.2 --epochs "$(scaled 60)" --hidden-dropout 0.5
    explore t-lr10-e60-d3 --lr 0.1 --epochs "$(scaled 60)" --hidden-dropout 0.3
    explore t-lr10-e120 --lr 0.1 --epochs "$(scaled 120)" --hidden-dropout 0.5
    explore t-lr05-e120 --lr 0.05 --epochs "$(scaled 120)" --hidden-dropout 0.5
  fi

  if grep -q 'cuBLAS' "$here/logs/backends.txt" && ! grep -qi 'tiled' "$here/logs/backends.txt"; then
    step "conformance suite, gemm on the built-in tiled kernel"
    junit org.distill4j.backend.cuda.CudaTiledGemmConformanceTest conformance-tiled "$(remaining 180)"
    tiled=$?
  else
    step "conformance suite with the tiled gemm: skipped, the run above already used it (no cuBLAS 12 here)"
    tiled=$conformance
  fi

  step "demo --quick on cuda (shares the GPU with the teacher runs)"
  # DEMO_ARGS adds options, e.g. "--epochs-scale 0.05" for a dry run on the fake driver.
  (cd "$work" && DISTILL4J_BACKEND=cuda timeout --kill-after=10 "$(remaining 240)" "$java" "${jvm[@]}" -cp "$cp" \
    org.distill4j.cli.Main demo --quick --data data/mnist --runs runs --name gpu-quick ${DEMO_ARGS:-})
  demo=$?
  echo "[demo: exit status $demo]"
  [ -f "$work/runs/gpu-quick/summary.json" ] && cp "$work/runs/gpu-quick/summary.json" "$out/demo-summary.json"

  step "engine suite on cuda"
  junit org.distill4j.engine.CudaEngineTest engine "$(remaining 180)"
  junit org.distill4j.engine.CudaConvolutionalTest convolutional "$(remaining 120)"

  sanitizer=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
  if [ "${SANITIZER:-1}" = 1 ] && [ -n "$sanitizer" ] && ((deadline - SECONDS > 90)); then
    step "compute-sanitizer memcheck, conformance suite"
    timeout --kill-after=10 "$(remaining ${MEMCHECK_SECONDS:-90})" "$sanitizer" --tool memcheck --print-limit 20 "$java" "${jvm[@]}" \
      -jar "$here/junit-console.jar" execute --class-path "$cp" --disable-banner --details=summary \
      --select-class org.distill4j.backend.cuda.CudaTiledGemmConformanceTest > "$out/memcheck.log" 2>&1
    echo "[memcheck: exit status $? (124: stopped at the time limit)]"
    tail -25 "$out/memcheck.log"
  else
    step "compute-sanitizer skipped (${sanitizer:-not found}; SANITIZER=${SANITIZER:-1}; $((deadline - SECONDS)) s left)"
  fi

  if ((${#explorers[@]} > 0)); then
    step "waiting for the teacher runs until the deadline"
    alive() { local p; for p in "${explorers[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
    while ((SECONDS < deadline - 10)) && alive; do sleep 2; done
    for p in "${explorers[@]}"; do kill "$p" 2>/dev/null; done
    pkill -f 'org.distill4j.cli.Main (train|distill)' 2>/dev/null
    sleep 1
    for f in "$work"/explore-*.log; do echo "--- $(basename "$f")"; grep -v '^\s*$' "$f" | tail -4; done
  fi
  (cd "$work" && tar czf "$out/runs.tgz" --exclude='*.safetensors' --exclude='*.npy' --exclude='checkpoints-*' \
    runs explore-*.log 2>/dev/null)
  ls -la "$out"

  step "summary"
  echo "conformance (probe's gemm): exit status $conformance"
  echo "conformance (tiled gemm):   exit status $tiled"
  echo "demo --quick on cuda:       exit status $demo"
  [ "$conformance" = 0 ] && [ "$tiled" = 0 ] && [ "$demo" = 0 ]
}

main 2>&1 | tee "$out/run-gpu.log"
exit "${PIPESTATUS[0]}"
