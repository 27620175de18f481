#!/usr/bin/env python3
"""The PyTorch side of bench's ConvBench: a 3x3 convolution (padding 1) of a batch of 128, forward then backward,
and one SGD step of the README's MNIST CNN, on the CPU with the given thread count. Prints milliseconds per call
(median of rounds) and whether oneDNN (mkldnn) was available and enabled.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/pytorch_conv.py --threads 2 [--no-mkldnn]
"""

import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timed(fn, warmup_s=2.0, round_s=1.0, rounds=5):
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        fn()
    per_call = []
    for _ in range(rounds):
        calls = 0
        start = time.perf_counter()
        while time.perf_counter() - start < round_s:
            fn()
            calls += 1
        per_call.append((time.perf_counter() - start) / calls * 1e3)
    return statistics.median(per_call)


def layer(channels, size, out):
    x = torch.rand(128, channels, size, size) * 2 - 1
    conv = nn.Conv2d(channels, out, 3, padding=1)
    x.requires_grad_(True)
    dy = torch.rand(128, out, size, size) * 2 - 1

    def run():
        x.grad = None
        conv.zero_grad(set_to_none=True)
        conv(x).backward(dy)
    return run


def cnn_step():
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.rand(128, 1, 28, 28)
    y = torch.arange(128) % 10

    def run():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-mkldnn", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.no_mkldnn:
        torch.backends.mkldnn.enabled = False
    result = {
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "mkldnn_available": torch.backends.mkldnn.is_available(), "mkldnn_enabled": torch.backends.mkldnn.enabled,
        "cpu_capability": torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else "?",
        "layer 32x28x28->64 ms": timed(layer(32, 28, 64)),
        "layer 32x14x14->64 ms": timed(layer(32, 14, 64)),
        "cnnStep ms": timed(cnn_step()),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
