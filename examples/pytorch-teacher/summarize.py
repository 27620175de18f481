"""Prints the README's table from run.sh's work folder.

Usage: summarize.py WORK SECONDS SEEDS STUDENT_OPTIONS JAVA_VERSION
"""
import json
import re
import statistics
import sys
from pathlib import Path


def grab(path, pattern):
    m = re.search(pattern, Path(path).read_text())
    if not m:
        sys.exit(f"summarize.py: no '{pattern}' in {path}")
    return m.group(1)


def errors(log):
    return int(grab(log, r"test errors: (\d+) of"))


def latency(log):
    return float(grab(log, r"latency ([0-9.]+) ms per batch of 256"))


def spread(values):
    return f"{int(statistics.median(values))} [{min(values)}-{max(values)}]" if len(values) > 1 else str(values[0])


def main():
    work, seconds, seeds, options, java = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(), sys.argv[4], sys.argv[5]
    logs = work / "logs"
    teacher = json.loads((work / "teacher.json").read_text())
    alone = [errors(logs / f"alone-s{s}.log") for s in seeds]
    distilled = [errors(logs / f"distilled-s{s}.log") for s in seeds]
    size = lambda p: f"{(work / p).stat().st_size:,} B"
    rows = [
        ("teacher, PyTorch", f"CNN, {teacher['parameters']:,} parameters, {teacher['epochs']} epochs",
         teacher["test_errors"], f"{teacher['latency_ms_batch_256']:.2f} ms (PyTorch, 1 thread)", size("teacher.onnx") + " (.onnx)"),
        ("teacher, ONNX", "teacher.onnx in ONNX Runtime (`eval --model teacher.onnx`)", errors(logs / "eval-teacher.log"),
         f"{latency(logs / 'eval-teacher.log'):.2f} ms (ONNX Runtime, 1 thread)", size("teacher.onnx")),
        ("student alone", "784-100-10 MLP, hard labels", spread(alone),
         f"{latency(logs / 'eval-alone.log'):.2f} ms (distill4j CPU, 1 thread)", size("runs/alone-s1/model.safetensors")),
        ("distilled student", "the same, from teacher.onnx, T = 20, alpha = 0.1", spread(distilled),
         f"{latency(logs / 'eval-distilled.log'):.2f} ms (distill4j CPU, 1 thread)", size("runs/distilled-s1/student.safetensors")),
        ("distilled, ONNX", "seed 1's student exported (`export`), in ONNX Runtime", errors(logs / "eval-student-onnx.log"),
         f"{latency(logs / 'eval-student-onnx.log'):.2f} ms (ONNX Runtime, 1 thread)", size("student.onnx")),
    ]
    print(f"`examples/pytorch-teacher/run.sh` took {seconds} s; {teacher['torch']} (PyTorch), {java}; student seeds {' '.join(seeds)};"
          f" student options: `{options}`.\n")
    print("| model | what | test errors (of 10,000) | latency, batch of 256 | file size |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    print("\n" + grab(logs / "compare.log", r"(.* vs .*)"))


if __name__ == "__main__":
    main()
