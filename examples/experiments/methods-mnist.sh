#!/usr/bin/env bash
# The distillation methods on MNIST (docs/METHODS.md), one seeded ./distill4j command per run.
# Run from the repository root: bash examples/experiments/methods-mnist.sh STEP [...]
#   teacher            the demo's teacher recipe on 50,000 training images (10,000 held out for validation, split seed 1)
#   logits             its logits over the training split, computed once (runs/methods-teacher-1/train-logits.npy)
#   select SIZE        settings per method on the validation split, 1 seed each (SIZE: small = 784-30-30-10, paper = 784-800-800-10)
#   seeds SIZE M:ARGS  the chosen settings ARGS of method M at student seeds $SEEDS (default 1 2 3 4 5), learning rate $LR (0.05)
#   table              docs/METHODS.md's table from every run's metrics (python3 examples/experiments/methods_table.py)
# Every run keeps its best-validation epoch; the test set is evaluated once per run, on those weights.
# Runs go side by side with THREADS threads each (default 1) when started as several jobs.
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${THREADS:-1}
split=(--val-fraction 0.1667 --split-seed 1)
teacher_run=runs/methods-teacher-1
logits=(--teacher-logits "$teacher_run/train-logits.npy" --teacher-rows "$teacher_run/train-logits.npy.rows.txt")

student() {   # student SIZE [LR] -> model and training options
  local lr=${2:-0.05}
  case "$1" in
    small) echo "--model 784-30-30-10 --epochs 20 --batch 100 --lr $lr --warmup 0.02 --momentum 0.9" ;;
    paper) echo "--model 784-800-800-10 --epochs 60 --batch 100 --lr $lr --warmup 0.02 --momentum 0.9" ;;
    *) echo "unknown size '$1' (small, paper)" >&2; exit 2 ;;
  esac
}

warmup() {   # DKD's warm-up: a tenth of the epochs, as mdistiller's 20 of 240 is a twelfth
  case "$1" in small) echo 2 ;; paper) echo 6 ;; esac
}

run() {   # run NAME ARGS...: one distill run, skipped when its model exists
  local name=$1; shift
  [[ -f runs/$name/student.safetensors || -f runs/$name/model.safetensors ]] && return 0
  [[ -f runs/$name.failed ]] && return 0
  if ! ./distill4j "$@" "${split[@]}" --threads "$threads" --name "$name" > "runs/$name.log" 2>&1; then
    grep -E "^error:" "runs/$name.log" > "runs/$name.failed" || echo "failed" > "runs/$name.failed"
    echo "$name: $(cat "runs/$name.failed")"
    return 0
  fi
  grep -E "^kept epoch" "runs/$name.log" | sed "s|^|$name: |"
}

case "${1:-}" in
  teacher)
    mkdir -p runs
    run methods-teacher-1 train --model 784-1200-1200-10 --input-dropout 0.2 --hidden-dropout 0.3 --max-norm 3.5 --jitter 2 \
      --epochs 100 --batch 100 --lr 0.05 --warmup 0.02 --momentum 0.9 --seed 1 ;;
  logits)
    ./distill4j distill --teacher "$teacher_run/model.safetensors" --save-teacher-logits "$teacher_run/train-logits.npy" \
      --model 784-30-30-10 --epochs 1 "${split[@]}" --threads "$threads" --name methods-logits ;;
  select)
    size=$2
    for T in 2 4 8 20; do run "m-$size-kd-T$T" distill "${logits[@]}" $(student "$size") --method kd -T "$T" --alpha 0.1 --seed 1; done
    for T in 1 4; do for beta in 2 8; do
      run "m-$size-dkd-T$T-b$beta" distill "${logits[@]}" $(student "$size") --method dkd -T "$T" --dkd-beta "$beta" \
        --dkd-warmup "$(warmup "$size")" --alpha 1 --seed 1
    done; done
    for T in 1 4; do run "m-$size-dist-T$T" distill "${logits[@]}" $(student "$size") --method dist -T "$T" --alpha 0.5 --seed 1; done
    for T in 2 4; do run "m-$size-kdls-T$T" distill "${logits[@]}" $(student "$size") --method kd-ls -T "$T" --alpha 0.1 --seed 1; done
    run "m-$size-logits" distill "${logits[@]}" $(student "$size") --method logits --alpha 0.1 --seed 1
    run "m-$size-logits-lr0.01" distill "${logits[@]}" $(student "$size" 0.01) --method logits --alpha 0.1 --seed 1
    run "m-$size-alone" train $(student "$size") --seed 1 ;;
  seeds)
    size=$2; method=${3%%:*}; args=${3#*:}
    tag=$(echo "$args" | tr -d ' -' | tr -c 'A-Za-z0-9.\n' '_')
    for s in ${SEEDS:-1 2 3 4 5}; do
      if [[ $method == alone ]]; then
        run "s-$size-alone-$s" train $(student "$size") --seed "$s"
      else
        run "s-$size-$method-$tag${LR:+-lr$LR}-$s" distill "${logits[@]}" $(student "$size" "${LR:-}") --method "$method" $args --seed "$s"
      fi
    done ;;
  table) python3 examples/experiments/methods_table.py ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
