#!/usr/bin/env bash
# A PyTorch teacher, a distill4j student, and the student back out as ONNX: trains a small CNN on MNIST in PyTorch
# and exports it to ONNX (teacher.py); distills an MLP student from that .onnx file with ONNX Runtime running the
# teacher, beside students trained alone, over several seeds; exports the seed-1 distilled student to ONNX and runs
# it again in ONNX Runtime against its model file; times every model on a batch of 256 test images; prints the table
# of the README.
#
# Usage: examples/pytorch-teacher/run.sh   (from anywhere; MNIST in data/mnist, './distill4j fetch mnist' puts it there)
# Needs Python 3 with torch and numpy (PYTHON, default /usr/bin/python3: Debian's python3-torch), Maven, a JDK 21+.
# Work files go to examples/pytorch-teacher/work/ (WORK to change).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
py=${PYTHON:-/usr/bin/python3}
work=${WORK:-$here/work}
mnist=${MNIST:-$root/data/mnist}
d4j="$root/distill4j"

teacher_epochs=3
seeds=(1 2 3)
student=(--hidden 100 --epochs 10 --batch 100 --lr 0.05 --schedule COSINE --warmup 0.02 --momentum 0.9 --threads 1)
distill=(-T 20 --alpha 0.1)
export DISTILL4J_BACKEND=cpu

"$py" -c 'import torch, numpy' || { echo "run.sh: $py needs torch and numpy (set PYTHON)" >&2; exit 1; }
rm -rf "$work/runs" "$work/logs"
mkdir -p "$work/logs"
start=$(date +%s)

"$py" "$here/teacher.py" "$mnist" "$work" "$teacher_epochs" 1 | tee "$work/logs/teacher.log"
"$d4j" eval --data "$mnist" --model "$work/teacher.onnx" --latency 256 --threads 1 > "$work/logs/eval-teacher.log" 2>&1

for seed in "${seeds[@]}"; do
  "$d4j" train --data "$mnist" "${student[@]}" --seed "$seed" --runs "$work/runs" --name "alone-s$seed" \
    > "$work/logs/alone-s$seed.log" 2>&1
  "$d4j" distill --data "$mnist" --teacher "$work/teacher.onnx" "${student[@]}" "${distill[@]}" --seed "$seed" \
    --runs "$work/runs" --name "distilled-s$seed" > "$work/logs/distilled-s$seed.log" 2>&1
  echo "seed $seed: test errors alone $(grep -o 'test errors: [0-9]*' "$work/logs/alone-s$seed.log" | grep -o '[0-9]*$')," \
    "distilled $(grep -o 'test errors: [0-9]*' "$work/logs/distilled-s$seed.log" | grep -o '[0-9]*$')"
done

"$d4j" export --model "$work/runs/distilled-s1/student.safetensors" --onnx "$work/student.onnx" | tee "$work/logs/export.log"
"$d4j" eval --data "$mnist" --model "$work/runs/distilled-s1/student.safetensors" --model "$work/student.onnx" --compare \
  --threads 1 > "$work/logs/compare.log" 2>&1
tail -1 "$work/logs/compare.log"
"$d4j" eval --data "$mnist" --model "$work/student.onnx" --latency 256 --threads 1 > "$work/logs/eval-student-onnx.log" 2>&1
for kind in alone distilled; do
  "$d4j" eval --data "$mnist" --model "$work/runs/$kind-s1/$( [[ $kind == alone ]] && echo model || echo student ).safetensors" \
    --latency 256 --threads 1 > "$work/logs/eval-$kind.log" 2>&1
done

"$py" "$here/summarize.py" "$work" "$(( $(date +%s) - start ))" "${seeds[*]}" "${student[*]} ${distill[*]}" \
  "Java $(DISTILL4J_JAVA_OPTS=-XshowSettings:properties "$d4j" --version 2>&1 | sed -n 's/.*java.runtime.version = //p')"
