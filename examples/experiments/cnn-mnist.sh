#!/usr/bin/env bash
# Convolutional networks on MNIST (issue #19; numbers in docs/METHODS.md, "Convolutional teachers and students").
# Run from the repository root: bash examples/experiments/cnn-mnist.sh STEP
#   teacher        the CNN teacher on the methods split (49,998 training, 10,002 validation images, split seed 1)
#   mlp SIZE       MLP students (SIZE small = 784-30-30-10, paper = 784-800-800-10) distilled from it at seeds $SEEDS,
#                  with the settings docs/METHODS.md chose for the MLP teacher (kd; T 4 small, T 20 paper; alpha 0.1)
#   cnn            the small CNN student (under a tenth of the teacher's multiply-adds): alone and distilled, seeds $SEEDS
# The MLP teacher's students are methods-mnist.sh's "seeds" runs (same split, settings and seeds), so only the teacher
# differs. Every run keeps its best-validation epoch; the test set is evaluated once, on those weights.
# D4J is the command (default ./distill4j); THREADS threads per run (default 1); SEEDS (default 1 2 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
d4j=${D4J:-./distill4j}
threads=${THREADS:-1}
seeds=${SEEDS:-1 2 3}
split=(--val-fraction 0.1667 --split-seed 1)
teacher=runs/cnn-teacher-1/model.safetensors
cnn_teacher="1x28x28-c32k3-bn-relu-p2-c64k3-bn-relu-p2-fc128-10"
cnn_student="1x28x28-c8k3-bn-relu-p2-c16k3-bn-relu-p2-fc64-10"

run() {   # run NAME ARGS...: one run, skipped when its model exists; wall time in runs/NAME.log
  local name=$1; shift
  [[ -f runs/$name/student.safetensors || -f runs/$name/model.safetensors ]] && return 0
  local start=$SECONDS
  if ! $d4j "$@" "${split[@]}" --threads "$threads" --name "$name" > "runs/$name.log" 2>&1; then
    echo "$name: failed, see runs/$name.log"
    return 0
  fi
  echo "wall $((SECONDS - start)) s" >> "runs/$name.log"
  grep -E "^test errors" "runs/$name.log" | sed "s|^|$name: |"
}

case "${1:-}" in
  teacher)
    run cnn-teacher-1 train --model "$cnn_teacher" --jitter 2 --epochs 12 --batch 128 --lr 0.05 --warmup 0.02 \
      --momentum 0.9 --seed 1 ;;
  mlp)
    case "${2:-}" in
      small) opts=(--model 784-30-30-10 --epochs 20 -T 4) ;;
      paper) opts=(--model 784-800-800-10 --epochs 60 -T 20) ;;
      *) echo "mlp SIZE: small or paper" >&2; exit 2 ;;
    esac
    for s in $seeds; do
      run "from-cnn-$2-kd-$s" distill --teacher "$teacher" "${opts[@]}" --alpha 0.1 --batch 100 --lr 0.05 --warmup 0.02 \
        --momentum 0.9 --seed "$s"
    done ;;
  cnn)
    for s in $seeds; do
      run "cnn-small-alone-$s" train --model "$cnn_student" --jitter 2 --epochs 12 --batch 128 --lr 0.05 --warmup 0.02 \
        --momentum 0.9 --seed "$s"
      run "cnn-small-kd-$s" distill --teacher "$teacher" --model "$cnn_student" -T 4 --alpha 0.1 --epochs 12 --batch 128 \
        --lr 0.05 --warmup 0.02 --momentum 0.9 --seed "$s"
    done ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
