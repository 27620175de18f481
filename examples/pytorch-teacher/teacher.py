"""Trains a small PyTorch CNN teacher on MNIST and exports it to ONNX for `distill4j distill --teacher teacher.onnx`.

Usage: teacher.py MNIST_DIR OUT_DIR [EPOCHS] [SEED]   (for Debian's python3-torch: /usr/bin/python3, torch 1.13, one thread)
Reads the four IDX files in MNIST_DIR (raw or .gz, as `./distill4j fetch mnist` leaves them), pixels scaled to [0, 1]
as distill4j reads them. Writes OUT_DIR/teacher.onnx (input 'image' float32 [N, 1, 28, 28], output 'logits' [N, 10],
N dynamic) and OUT_DIR/teacher.json (its test errors, its latency on a batch of 256 in PyTorch, the training time).
"""
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn


def idx(path):
    """An IDX file's array, from PATH or PATH.gz."""
    path = Path(path)
    if not path.exists():
        path = path.with_name(path.name + ".gz")
    data = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(mnist, part):
    images = torch.from_numpy(idx(mnist / f"{part}-images-idx3-ubyte").astype(np.float32) / 255.0).unsqueeze(1)
    labels = torch.from_numpy(idx(mnist / f"{part}-labels-idx1-ubyte").astype(np.int64))
    return images, labels


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def errors(model, images, labels):
    with torch.no_grad():
        return sum(int((model(images[i:i + 1000]).argmax(1) != labels[i:i + 1000]).sum()) for i in range(0, len(labels), 1000))


def latency_ms(model, batch, runs=50):
    with torch.no_grad():
        for _ in range(10):
            model(batch)
        times = []
        for _ in range(runs):
            start = time.perf_counter_ns()
            model(batch)
            times.append(time.perf_counter_ns() - start)
    return float(np.median(times)) / 1e6


def main():
    mnist, out = Path(sys.argv[1]), Path(sys.argv[2])
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    train_x, train_y = load(mnist, "train")
    test_x, test_y = load(mnist, "t10k")

    model = cnn()
    steps = epochs * (len(train_y) // 100)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, total_steps=steps)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(train_y))
        for i in range(0, len(order) - 99, 100):
            batch = order[i:i + 100]
            loss = nn.functional.cross_entropy(model(train_x[batch]), train_y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        model.eval()
        print(f"epoch {epoch + 1}/{epochs}: loss {loss.item():.4f}, test errors {errors(model, test_x, test_y)}, "
              f"{time.time() - start:.0f} s", flush=True)
    seconds = time.time() - start

    onnx = out / "teacher.onnx"
    torch.onnx.export(model, test_x[:2], str(onnx), input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}}, opset_version=13)
    summary = {"test_errors": errors(model, test_x, test_y), "test_examples": len(test_y),
               "latency_ms_batch_256": latency_ms(model, test_x[:256]), "train_seconds": round(seconds, 1),
               "epochs": epochs, "seed": seed, "parameters": sum(p.numel() for p in model.parameters()),
               "onnx_bytes": onnx.stat().st_size, "torch": torch.__version__}
    (out / "teacher.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
