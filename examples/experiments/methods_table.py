#!/usr/bin/env python3
"""Prints docs/METHODS.md's tables from the runs of methods-mnist.sh: for each run folder runs/m-* (settings chosen
on validation, one seed) and runs/s-* (chosen settings, several seeds), its validation and test errors (the
'evaluation' record of metrics.jsonl: the kept, best-validation epoch), its wall time and its settings."""
import glob
import json
import os
import re
import statistics


def finished(run):
    return os.path.isdir(run) and not os.path.exists(run + ".failed") and any(
        json.loads(line).get("event") == "evaluation" for line in open(os.path.join(run, "metrics.jsonl")))


def read(run):
    events = [json.loads(line) for line in open(os.path.join(run, "metrics.jsonl"))]
    evaluation = [e for e in events if e.get("event") == "evaluation"][-1]
    end = [e for e in events if e.get("event") == "end"][-1]
    config = json.load(open(os.path.join(run, "config.json")))
    return {"name": os.path.basename(run), "val": evaluation["validation"]["errors"], "test": evaluation["test"]["errors"],
            "kept": evaluation["keptEpoch"], "seconds": end["seconds"], "config": config}


def settings(config):
    lr = "lr=%g" % config["training"]["learningRate"]
    if config.get("command") != "distill":
        return "hard labels only, " + lr
    term = config.get("softTerm", config.get("method"))
    parts = [term] + ([] if term.startswith("MatchLogits") else ["T=%g" % config["temperature"]])
    return ", ".join(parts + ["alpha=%g" % config["alpha"], lr])


def selection(size):
    runs = [read(r) for r in sorted(glob.glob("runs/m-%s-*" % size)) if finished(r)]
    print("\n### %s student: settings on the validation split (seed 1)\n" % size)
    print("| run | settings | validation errors (of 10,002) | test errors | kept epoch | wall |")
    print("|---|---|---:|---:|---:|---:|")
    for r in runs:
        print("| %s | %s | %d | %d | %d | %.0f s |" % (r["name"], settings(r["config"]), r["val"], r["test"], r["kept"], r["seconds"]))
    for failed in sorted(glob.glob("runs/m-%s-*.failed" % size)):
        name = os.path.basename(failed)[:-len(".failed")]
        print("| %s | %s | failed: %s | | | |" % (name, json.load(open("runs/%s/config.json" % name)).get("softTerm", ""),
                                               open(failed).read().strip().replace("|", "/")))


def seeds(size):
    groups = {}
    for run in sorted(glob.glob("runs/s-%s-*" % size)):
        if finished(run):
            key = re.sub(r"-\d+$", "", os.path.basename(run))
            groups.setdefault(key, []).append(read(run))
    print("\n### %s student: chosen settings over seeds (test errors of 10,000)\n" % size)
    print("| method | settings | seeds | test errors | median | mean +- std | min-max | validation median | wall per run |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|")
    for key, runs in groups.items():
        tests = [r["test"] for r in runs]
        std = statistics.stdev(tests) if len(tests) > 1 else 0.0
        print("| %s | %s | %d | %s | %g | %.1f +- %.1f | %d-%d | %g | %.0f s |" % (
            key, settings(runs[0]["config"]), len(runs), ", ".join(map(str, tests)), statistics.median(tests),
            statistics.mean(tests), std, min(tests), max(tests), statistics.median([r["val"] for r in runs]),
            statistics.mean([r["seconds"] for r in runs])))


for size in ("small", "paper"):
    if glob.glob("runs/m-%s-*" % size):
        selection(size)
    if glob.glob("runs/s-%s-*" % size):
        seeds(size)
