#!/usr/bin/env bash
# The paper's MNIST experiments (Hinton, Vinyals & Dean 2015, section 3), one ./distill4j command per row.
# Run from the repository root: bash examples/experiments/paper-mnist.sh [row ...]
# Rows: demo omit3 only78 sweep30 sweep800 soften ensemble. Every run is seeded and writes runs/<name>/.
# Rows after 'demo' reuse the teacher and its cached logits from runs/$DEMO_RUN/ (default runs/demo/).
set -euo pipefail
cd "$(dirname "$0")/../.."
demo=${DEMO_RUN:-demo}   # the run whose teacher the later rows reuse
teacher=(--model 784-1200-1200-10 --input-dropout 0.2 --hidden-dropout 0.3 --max-norm 3.5 --jitter 2 --epochs 100
         --batch 100 --lr 0.05 --warmup 0.02 --momentum 0.9)   # as in ./distill4j demo
student=(--model 784-800-800-10 -T 20 --alpha 0.1 --epochs 60 --batch 100 --warmup 0.02 --momentum 0.9 --seed 2)

row() {
  case "$1" in
    demo)     ./distill4j demo --name "$demo" ;;   # rows 1-3 (teacher, student alone, distilled), and a student from shift-averaged targets
    omit3)    ./distill4j distill --teacher-logits "runs/$demo/teacher-logits.npy" "${student[@]}" \
                --omit-classes 3 --bias-adjust 3=3.5 --name paper-omit3 ;;
    only78)   ./distill4j distill --teacher-logits "runs/$demo/teacher-logits.npy" "${student[@]}" \
                --only-classes 7,8 --bias-adjust 7,8=-7.6 --name paper-only78 ;;
    sweep30)  ./distill4j sweep --teacher-logits "runs/$demo/teacher-logits.npy" --model 784-30-30-10 \
                --temperatures 1,2,2.5,3,4,6,8,12,20 --alpha 0.1 --epochs 20 --batch 100 --seeds 3 --name paper-sweep-30 ;;
    sweep800) ./distill4j sweep --teacher-logits "runs/$demo/teacher-logits.npy" --model 784-800-800-10 \
                --temperatures 2,4,8,20 --alpha 0.1 --epochs 60 --batch 100 --warmup 0.02 --seeds 1 --name paper-sweep-800 ;;
    soften)   ./distill4j soften --model "runs/$demo/teacher.safetensors" --index 0 --temperatures 1,3,20 \
                --chart runs/paper-soften/soften.png ;;
    ensemble) # the demo's teacher (seed 1) and two more trained the same way (seeds 2 and 3)
              for s in 2 3; do
                ./distill4j train "${teacher[@]}" --seed $s --name paper-teacher-$s
              done
              members=(--model "runs/$demo/teacher.safetensors" --model runs/paper-teacher-2/model.safetensors \
                --model runs/paper-teacher-3/model.safetensors)
              ./distill4j eval "${members[@]}"
              ./distill4j distill "${members[@]//--model/--teacher}" "${student[@]}" --name paper-ensemble-student ;;
    *) echo "unknown row '$1' (demo omit3 only78 sweep30 sweep800 soften ensemble)" >&2; exit 2 ;;
  esac
}

if (($# == 0)); then set -- demo omit3 only78 sweep30 sweep800 soften ensemble; fi
for r in "$@"; do
  start=$(date +%s)
  row "$r"
  echo "== row $r took $(( $(date +%s) - start )) s"
done
