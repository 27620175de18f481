#!/usr/bin/env bash
# Model compression of a scikit-learn tree ensemble into a small distill4j MLP on data sets scikit-learn ships
# (no network): split into CSVs, train and time the teacher, train students alone and from the teacher's
# predict_proba over several seeds, choose every setting on the validation split, time the student in the
# embedded app, and write RESULTS.md.
#
# Usage: examples/sklearn-teacher/run.sh [DATASET ...]   (default: breast_cancer digits)
# Needs Python 3 with scikit-learn and numpy (PYTHON, default /usr/bin/python3), Maven, and a JDK 21+ as
# JAVA_HOME or on PATH.
# Work files go to examples/sklearn-teacher/work/ (WORK to change); the tables to RESULTS.md (RESULTS to change),
# replacing the whole file, its hand-written Reading section included.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
py=${PYTHON:-/usr/bin/python3}
work=${WORK:-$here/work}
results=${RESULTS:-$here/RESULTS.md}
datasets=("$@")
[[ ${#datasets[@]} -gt 0 ]] || datasets=(breast_cancer digits)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

split_seed=0
seeds=(1 2 3 4 5)
epochs=60
widths=(16 64)
temperatures=(2 5 20)
alphas=(0.1 0.5)
latency_calls=20000
export DISTILL4J_BACKEND=cpu

"$py" -c 'import sklearn, numpy' || { echo "run.sh: $py needs scikit-learn and numpy (set PYTHON)" >&2; exit 1; }
mkdir -p "$work"
start=$(date +%s)

# One distill4j command per seed; appends "dataset kind config seed run-dir" to runs.tsv.
runs() {
  local ds=$1 kind=$2 config=$3; shift 3
  for seed in "${seeds[@]}"; do
    local name="$kind-${config//[^A-Za-z0-9.=]/_}-s$seed"
    "$root/distill4j" "$@" --train "$work/$ds/train.csv" --val "$work/$ds/val.csv" --test "$work/$ds/test.csv" \
      --epochs "$epochs" --seed "$seed" --runs "$work/$ds/runs" --name "$name" > "$work/$ds/logs/$name.log" 2>&1 \
      || { echo "run.sh: distill4j failed, see $work/$ds/logs/$name.log" >&2; tail -5 "$work/$ds/logs/$name.log" >&2; exit 1; }
    printf '%s\t%s\t%s\t%s\t%s\n' "$ds" "$kind" "$config" "$seed" "$work/$ds/runs/$name" >> "$work/runs.tsv"
  done
  echo "  $kind $config: $("$py" "$here/summarize.py" line "$work/runs.tsv" "$ds" "$kind" "$config")"
}

choose() { "$py" "$here/summarize.py" choose "$work/runs.tsv" "$1" "$2"; }

(cd "$root" && mvn -q -B -DskipTests -Dfuzz.skip=true -pl examples/embedded-app -am compile)
: > "$work/runs.tsv"
: > "$work/latency.tsv"
for ds in "${datasets[@]}"; do
  echo "== $ds"
  rm -rf "$work/$ds/runs" "$work/$ds/logs"
  mkdir -p "$work/$ds/logs"
  "$py" "$here/teacher.py" "$ds" "$work/$ds" "$split_seed"

  for h in "${widths[@]}"; do
    runs "$ds" alone "hidden=$h" train --hidden "$h"
  done
  h=$(choose "$ds" alone | sed 's/hidden=//')

  for t in "${temperatures[@]}"; do
    for a in "${alphas[@]}"; do
      runs "$ds" distilled "hidden=$h T=$t alpha=$a" distill --teacher-probs "$work/$ds/teacher-probs.npy" --hidden "$h" -T "$t" --alpha "$a"
    done
  done
  best=$(choose "$ds" distilled)
  t=$(sed 's/.*T=\([^ ]*\).*/\1/' <<< "$best")
  a=$(sed 's/.*alpha=\([^ ]*\).*/\1/' <<< "$best")
  runs "$ds" distilled-oof "hidden=$h T=$t alpha=$a" distill --teacher-probs "$work/$ds/teacher-probs-oof.npy" --hidden "$h" -T "$t" --alpha "$a"

  # The embedded app on the test CSV (core and the CPU backend from the CLI's shaded jar, which ./distill4j built):
  # its predictions must give the command line's test errors; then its latency.
  student=$(awk -F'\t' -v ds="$ds" -v c="$best" '$1 == ds && $2 == "distilled" && $3 == c && $4 == 1 { print $5 }' "$work/runs.tsv")/student.safetensors
  "$java" --add-modules jdk.incubator.vector -cp "$root/examples/cli/target/distill4j.jar:$root/examples/embedded-app/target/classes" \
    org.distill4j.example.CsvRowApp "$student" "$work/$ds/test.csv" --latency "$latency_calls" 2>/dev/null > "$work/$ds/app.out"
  printf '%s\t%s\t%s\t%s\n' "$ds" "$student" "$(grep '^latency:' "$work/$ds/app.out")" \
    "$(grep -v '^latency:' "$work/$ds/app.out" | paste -d, - <(tail -n +2 "$work/$ds/test.csv" | awk -F, '{ print $NF }') | awk -F, '$1 != $2' | wc -l)" >> "$work/latency.tsv"
done

settings="split seed $split_seed (60/20/20, stratified); student seeds ${seeds[*]}; $epochs epochs, the kept epoch chosen on validation; widths tried: ${widths[*]}; T tried: ${temperatures[*]}; alpha tried: ${alphas[*]}; other options at the CLI defaults"
"$py" "$here/summarize.py" results "$work" "$(( $(date +%s) - start ))" "examples/sklearn-teacher/run.sh ${datasets[*]}" \
  "$("$java" -version 2>&1 | head -1)" "$settings" | tee "$results"
