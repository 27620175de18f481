"""Reads the runs that run.sh recorded (runs.tsv: dataset, kind, config, seed, run folder) and their metrics.jsonl.

  summarize.py line RUNS.tsv DATASET KIND CONFIG      one line: validation and test errors over the seeds
  summarize.py choose RUNS.tsv DATASET KIND           the config with the fewest validation errors (median, then mean)
  summarize.py results WORK SECONDS COMMAND JDK SETTINGS   RESULTS.md on stdout
"""
import datetime
import json
import os
import statistics
import sys
from pathlib import Path


def evaluation(run_dir):
    for line in open(Path(run_dir) / "metrics.jsonl"):
        event = json.loads(line)
        if event.get("event") == "evaluation":
            return event
    raise SystemExit(f"no evaluation in {run_dir}/metrics.jsonl")


def runs(tsv, dataset, kind):
    """config -> list of (seed, run folder), in the order tried."""
    out = {}
    for line in open(tsv):
        ds, k, config, seed, folder = line.rstrip("\n").split("\t")
        if ds == dataset and k == kind:
            out.setdefault(config, []).append((int(seed), folder))
    return out


def errors(folders, split):
    return [evaluation(f)[split]["errors"] for _, f in folders]


def spread(values):
    return f"{statistics.median(values):g} [{min(values)}-{max(values)}]"


def choose(tsv, dataset, kind):
    configs = runs(tsv, dataset, kind)
    return min(configs, key=lambda c: (statistics.median(errors(configs[c], "validation")),
                                       statistics.mean(errors(configs[c], "validation"))))


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def results(work, seconds, command, jdk, settings):
    work = Path(work)
    tsv = work / "runs.tsv"
    latency = {}
    for line in open(work / "latency.tsv"):
        ds, student, text, mismatches = line.rstrip("\n").split("\t")
        latency[ds] = (student, float(text.split()[2]), int(mismatches))
    datasets = list(dict.fromkeys(line.split("\t")[0] for line in open(tsv)))
    teachers = {ds: json.loads((work / ds / "teacher.json").read_text()) for ds in datasets}
    sk = next(iter(teachers.values()))
    out = [
        "# scikit-learn teacher, distill4j student",
        "",
        f"Measured {datetime.date.today()} on {cpu()} ({os.cpu_count()} cores), {jdk}, scikit-learn {sk['sklearn']}"
        f" (Python {sk['python']}), the distill4j CPU backend; `{command}` took {seconds} s.",
        "",
        settings + ".",
        "Every setting (teacher, student width, T, alpha) was chosen on the validation split only: fewest median",
        "validation errors over the seeds, ties to the first tried. Errors are counts; student rows give the median",
        "and [range] over the seeds. The out-of-fold row trains on teacher probabilities from 5-fold cross-validation",
        "(each training row scored by a teacher that did not see it) at the T and alpha chosen for the row above it.",
        "Latency: one example, median; teacher `predict_proba` on one row over 1000 calls, student",
        "`Classifier.predict` in `CsvRowApp --latency` (the embedded app, after as many warm-up calls); a student",
        "alone of the same width has the same network and so the same latency.",
    ]
    for ds in datasets:
        t = teachers[ds]
        student_file, student_us, mismatches = latency[ds]
        alone = runs(tsv, ds, "alone")
        distilled = runs(tsv, ds, "distilled")
        oof = runs(tsv, ds, "distilled-oof")
        ca, cd = choose(tsv, ds, "alone"), choose(tsv, ds, "distilled")
        co = next(iter(oof))
        size = os.path.getsize(student_file)
        params = json.loads(open(Path(student_file).parent / "metrics.jsonl").readline())["parameters"]
        n_train, n_val, n_test = t["rows"]
        out += [
            "",
            f"## {ds}: {sum(t['rows'])} rows x {t['features']} features, {len(t['classes'])} classes",
            "",
            f"{n_train} train / {n_val} validation / {n_test} test rows.",
            "",
            "| model | settings | validation errors | test errors | model size | single-example latency |",
            "|---|---|---|---|---|---|",
            f"| teacher (scikit-learn) | {t['teacher']} | {t['val_errors']} of {n_val} | {t['test_errors']} of {n_test}"
            f" | {t['pickle_bytes']:,} B (pickle) | {t['latency_us']:.1f} us |",
            f"| student alone | {ca} | {spread(errors(alone[ca], 'validation'))} | {spread(errors(alone[ca], 'test'))}"
            f" | {os.path.getsize(Path(alone[ca][0][1]) / 'model.safetensors'):,} B (.safetensors) | |",
            f"| distilled student | {cd} | {spread(errors(distilled[cd], 'validation'))} | {spread(errors(distilled[cd], 'test'))}"
            f" | {size:,} B (.safetensors, {params:,} parameters) | {student_us:.1f} us |",
            f"| distilled, out-of-fold teacher probabilities | {co} | {spread(errors(oof[co], 'validation'))}"
            f" | {spread(errors(oof[co], 'test'))} | as above | |",
            "",
            f"The teacher makes {t['train_errors']} errors on its own training rows ({t['oof_train_errors']} out of fold).",
            f"The embedded app, given the test CSV, got {mismatches} rows wrong with the seed-1 distilled student"
            f" (the command line counted {evaluation(Path(student_file).parent)['test']['errors']}).",
            "",
            "Validation sweep (errors over the seeds; the test split played no part in choosing):",
            "",
            "| student | settings | validation errors |",
            "|---|---|---|",
        ]
        out += [f"| alone | {c} | {spread(errors(f, 'validation'))} |" for c, f in alone.items()]
        out += [f"| distilled | {c} | {spread(errors(f, 'validation'))} |" for c, f in distilled.items()]
        out += ["", "Teachers tried (validation errors, validation log-loss; ties broken by log-loss):", ""]
        out += ["| teacher | validation errors | validation log-loss |", "|---|---|---|"]
        for line in list(open(work / ds / "teacher-sweep.tsv"))[1:]:
            out.append("| " + " | ".join(line.rstrip("\n").split("\t")) + " |")
    print("\n".join(out))


def main(args):
    if args[0] == "line":
        folders = runs(args[1], args[2], args[3])[args[4]]
        print(f"validation errors {spread(errors(folders, 'validation'))}")
    elif args[0] == "choose":
        print(choose(args[1], args[2], args[3]))
    else:
        results(*args[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
