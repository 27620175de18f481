"""Splits a scikit-learn data set into CSVs, picks and trains a tree-ensemble teacher on the validation split,
and writes its predict_proba over the training rows for `distill4j distill --teacher-probs`.

Usage: teacher.py DATASET OUT_DIR SEED   (DATASET: breast_cancer or digits)
Writes OUT_DIR/{train,val,test}.csv, teacher-probs.npy (float32 [train rows, classes], classes_ order),
teacher-probs-oof.npy (the same from 5-fold cross-validation: each row from a teacher that did not train on it),
teacher-sweep.tsv (every setting tried, with its validation errors) and teacher.json (the chosen teacher's numbers).
"""
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split

CANDIDATES = {
    "gb(n=100,depth=2)": lambda s: GradientBoostingClassifier(n_estimators=100, max_depth=2, random_state=s),
    "gb(n=200,depth=3)": lambda s: GradientBoostingClassifier(n_estimators=200, max_depth=3, random_state=s),
    "rf(n=300)": lambda s: RandomForestClassifier(n_estimators=300, n_jobs=1, random_state=s),
    "rf(n=300,min_leaf=3)": lambda s: RandomForestClassifier(n_estimators=300, min_samples_leaf=3, n_jobs=1, random_state=s),
}


def write_csv(path, header, x, y):
    with open(path, "w") as f:
        f.write(",".join(header + ["label"]) + "\n")
        for row, label in zip(x, y):
            f.write(",".join(repr(float(v)) for v in row) + "," + label + "\n")


def errors(model, x, y):
    return int((model.predict(x) != y).sum())


def latency_us(model, row, repeats=1000):
    for _ in range(50):
        model.predict_proba(row)
    times = []
    for _ in range(repeats):
        t = time.perf_counter_ns()
        model.predict_proba(row)
        times.append(time.perf_counter_ns() - t)
    return float(np.median(times)) / 1e3


def main(name, out, seed):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = getattr(datasets, "load_" + name)()
    features = [str(f) for f in data.feature_names]
    labels = np.array([str(n) for n in data.target_names])[data.target]
    x_train, x_rest, y_train, y_rest = train_test_split(data.data, labels, test_size=0.4, stratify=labels, random_state=seed)
    x_val, x_test, y_val, y_test = train_test_split(x_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=seed)
    for split, x, y in (("train", x_train, y_train), ("val", x_val, y_val), ("test", x_test, y_test)):
        write_csv(out / f"{split}.csv", features, x, y)

    tried = []
    for label, make in CANDIDATES.items():
        m = make(seed).fit(x_train, y_train)
        tried.append((errors(m, x_val, y_val), log_loss(y_val, m.predict_proba(x_val), labels=m.classes_), label, m))
    with open(out / "teacher-sweep.tsv", "w") as f:
        f.write("teacher\tval_errors\tval_log_loss\n")
        for e, loss, label, _ in tried:
            f.write(f"{label}\t{e}\t{loss:.4f}\n")
    val_errors, _, chosen, teacher = min(tried, key=lambda t: (t[0], t[1]))

    probs = teacher.predict_proba(x_train).astype(np.float32)
    assert list(teacher.classes_) == sorted(set(labels)), "classes_ must be in sorted name order"
    np.save(out / "teacher-probs.npy", probs)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    oof = cross_val_predict(CANDIDATES[chosen](seed), x_train, y_train, cv=folds, method="predict_proba").astype(np.float32)
    np.save(out / "teacher-probs-oof.npy", oof)
    summary = {
        "dataset": name, "rows": [len(y_train), len(y_val), len(y_test)], "features": len(features),
        "classes": [str(c) for c in teacher.classes_], "split_seed": seed, "teacher": chosen,
        "val_errors": val_errors, "test_errors": errors(teacher, x_test, y_test),
        "train_errors": errors(teacher, x_train, y_train),
        "oof_train_errors": int((teacher.classes_[oof.argmax(1)] != y_train).sum()),
        "pickle_bytes": len(pickle.dumps(teacher)), "latency_us": latency_us(teacher, x_test[:1]),
        "sklearn": sklearn.__version__, "python": sys.version.split()[0],
    }
    (out / "teacher.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
