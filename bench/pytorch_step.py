#!/usr/bin/env python3
"""The PyTorch side of the distill4j benchmarks: the same distillation step, gemm shapes and
student inference as the JMH suite, on the CPU, at PyTorch's best thread setting on this machine.

It first measures the distillation step (teacher forward included) under every combination of
intra-op (OpenMP) threads, inter-op threads and BLAS threads it is given, each in a fresh child
process (thread settings are read when torch loads), then measures everything at the fastest
setting. Results go to a JSON file that bench/Report reads.

Usage (Debian's torch lives in the system Python, not in a pyenv one):
    /usr/bin/python3 bench/pytorch_step.py --out bench/results/pytorch.json [--quick]

On an NVIDIA GPU (no thread sweep; the distillation step only, at each batch size given):
    python3 bench/pytorch_step.py --device cuda --batches 128,1024 --out pytorch-cuda.json
"""

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time

BATCH = 128
BATCHES = 8
TEMPERATURE = 20.0
ALPHA = 0.1
LEARNING_RATE = 0.05
MOMENTUM = 0.9
GEMM_SHAPES = ["NN:128x784x1200", "NN:128x1200x1200", "NN:128x1200x10",
               "TN:784x128x1200", "TN:1200x128x1200", "TN:1200x128x10",
               "NT:128x1200x1200", "NT:128x10x1200",
               "NN:1024x1024x1024", "NN:2048x2048x2048"]


def timed(fn, warmup_s, round_s, rounds):
    """Seconds per call of fn: warm up for warmup_s, then `rounds` rounds of at least round_s each."""
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        fn()
    per_call = []
    for _ in range(rounds):
        calls = 0
        start = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= round_s:
                break
        per_call.append(elapsed / calls)
    return {"mean_s": statistics.fmean(per_call), "min_s": min(per_call),
            "stdev_s": statistics.stdev(per_call) if len(per_call) > 1 else 0.0, "rounds": per_call}


def mlp(torch, sizes, input_dropout=0.0, hidden_dropout=0.0):
    nn = torch.nn
    layers = [nn.Dropout(input_dropout)] if input_dropout > 0 else []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(nn.ReLU())
            if hidden_dropout > 0:
                layers.append(nn.Dropout(hidden_dropout))
    return nn.Sequential(*layers)


def make_step(torch, cached_teacher, device="cpu", batch=BATCH):
    """One distillation step as distill4j's DistillStepBench does it; returns a no-argument callable.

    Like distill4j's step it reads the loss back to the host (loss.item()), which on a GPU waits for the step."""
    F = torch.nn.functional
    torch.manual_seed(0)
    teacher = mlp(torch, [784, 1200, 1200, 10], 0.2, 0.5).to(device).eval()
    student = mlp(torch, [784, 800, 800, 10]).to(device).train()
    optimizer = torch.optim.SGD(student.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    features = torch.rand(BATCHES * batch, 784).to(device)
    labels = (torch.arange(BATCHES * batch) % 10).to(device)
    with torch.no_grad():
        teacher_logits = teacher(features)
    state = {"step": 0}

    def step():
        first = (state["step"] % BATCHES) * batch
        x = features[first:first + batch]
        y = labels[first:first + batch]
        if cached_teacher:
            t = teacher_logits[first:first + batch]
        else:
            with torch.no_grad():
                t = teacher(x)
        s = student(x)
        soft = F.kl_div(F.log_softmax(s / TEMPERATURE, dim=1), F.softmax(t / TEMPERATURE, dim=1),
                        reduction="batchmean") * (TEMPERATURE * TEMPERATURE)
        hard = F.cross_entropy(s, y)
        loss = ALPHA * hard + (1 - ALPHA) * soft
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        state["step"] += 1
        return loss.item()

    return step


def gemm_case(torch, text):
    op, dims = text.split(":")
    m, k, n = (int(d) for d in dims.split("x"))
    a = torch.rand(k, m) if op[0] == "T" else torch.rand(m, k)
    b = torch.rand(n, k) if op[1] == "T" else torch.rand(k, n)
    c = torch.empty(m, n)
    a_op = a.t() if op[0] == "T" else a
    b_op = b.t() if op[1] == "T" else b
    return (lambda: torch.mm(a_op, b_op, out=c)), 2.0 * m * k * n


def worker(args):
    """Runs in a child process whose environment already holds the thread settings."""
    import torch
    torch.set_num_threads(args.omp)
    torch.set_num_interop_threads(args.interop)
    warmup, round_s, rounds = (0.5, 0.5, 3) if args.quick else (2.0, 2.0, 5)
    out = {"omp": args.omp, "interop": args.interop, "blas": args.blas,
           "wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
           "torch_threads": torch.get_num_threads(), "torch_interop_threads": torch.get_num_interop_threads()}
    out["step.forward"] = timed(make_step(torch, False), warmup, round_s, rounds)
    if args.what == "all":
        out["step.cached"] = timed(make_step(torch, True), warmup, round_s, rounds)
        student = mlp(torch, [784, 800, 800, 10]).eval()
        for examples in (1, 1024):
            x = torch.rand(examples, 784)

            def infer(x=x):
                with torch.no_grad():
                    return student(x).numpy()
            out["inference.%d" % examples] = timed(infer, warmup / 2, round_s / 2, rounds)
        shapes = [s for s in GEMM_SHAPES if not (args.quick and s.startswith("NN:2048"))]
        for text in shapes:
            fn, flops = gemm_case(torch, text)
            r = timed(fn, warmup / 2, round_s / 2, rounds)
            r["gflops"] = flops / r["mean_s"] / 1e9
            out["gemm." + text] = r
    json.dump(out, sys.stdout)


def gpu(args):
    """The distillation step on an NVIDIA GPU at each batch size, teacher forward and cached."""
    import torch
    if not torch.cuda.is_available():
        raise SystemExit("pytorch_step.py: --device cuda, but torch.cuda.is_available() is False")
    warmup, round_s, rounds = (0.5, 0.5, 3) if args.quick else (2.0, 1.0, 5)
    torch.backends.cuda.matmul.allow_tf32 = False  # distill4j computes in float32, so PyTorch does too
    results = {}
    for batch in (int(b) for b in args.batches.split(",") if b):
        for teacher in ("forward", "cached"):
            r = timed(make_step(torch, teacher == "cached", "cuda", batch), warmup, round_s, rounds)
            r["examples_per_s"] = batch / r["mean_s"]
            results["step.%s.%d" % (teacher, batch)] = r
            print("pytorch cuda: batch %d teacher %s  %.3f ms/step  %.0f examples/s"
                  % (batch, teacher, r["mean_s"] * 1e3, r["examples_per_s"]), file=sys.stderr)
    report = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "cuda": torch.version.cuda,
              "tf32": False, "machine": machine(), "temperature": TEMPERATURE, "alpha": ALPHA, "results": results}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print("pytorch: wrote %s" % args.out, file=sys.stderr)


def run_child(omp, interop, blas, wait_policy, what, quick):
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(omp), "OPENBLAS_NUM_THREADS": str(blas), "OMP_WAIT_POLICY": wait_policy})
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--omp", str(omp), "--interop", str(interop),
           "--blas", str(blas), "--what", what] + (["--quick"] if quick else [])
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("pytorch_step.py: child %s failed:\n%s" % (cmd, done.stderr))
    return json.loads(done.stdout)


def machine():
    info = {"python": sys.executable, "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        info["cpu"] = next(l.split(":", 1)[1].strip() for l in lscpu.splitlines() if l.startswith("Model name"))
    except (OSError, StopIteration):
        pass
    try:
        info["loadavg"] = os.getloadavg()
    except OSError:
        pass
    return info


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="bench/results/pytorch.json", help="where the JSON goes")
    p.add_argument("--quick", action="store_true", help="shorter timings, no 2048^3 gemm")
    p.add_argument("--omp-threads", default="1,2", help="intra-op (OpenMP) thread counts to try")
    p.add_argument("--interop-threads", default="1,2", help="inter-op thread counts to try")
    p.add_argument("--blas-threads", default="1,2", help="OPENBLAS_NUM_THREADS values to try")
    p.add_argument("--wait-policy", default="PASSIVE",
                   help="OMP_WAIT_POLICY for the children (ACTIVE spins and is ~3x slower on 2 shared cores)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="cpu (thread sweep) or cuda")
    p.add_argument("--batches", default="128,1024", help="batch sizes of the step on --device cuda")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--omp", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--interop", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--blas", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--what", default="all", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    if args.device == "cuda":
        gpu(args)
        return

    ints = lambda text: [int(v) for v in text.split(",") if v]
    sweep = []
    for omp, interop, blas in itertools.product(ints(args.omp_threads), ints(args.interop_threads),
                                                ints(args.blas_threads)):
        r = run_child(omp, interop, blas, args.wait_policy, "step", args.quick)
        ms = r["step.forward"]["mean_s"] * 1e3
        print("pytorch: omp=%d interop=%d blas=%d  step %.2f ms  (%.0f examples/s)" % (omp, interop, blas, ms,
              BATCH / r["step.forward"]["mean_s"]), file=sys.stderr)
        sweep.append(r)
    best = min(sweep, key=lambda r: r["step.forward"]["mean_s"])
    print("pytorch: best omp=%d interop=%d blas=%d; measuring everything there" % (best["omp"], best["interop"],
          best["blas"]), file=sys.stderr)
    results = run_child(best["omp"], best["interop"], best["blas"], args.wait_policy, "all", args.quick)

    import torch  # only for its version and configuration, after the children are done
    report = {"torch": torch.__version__, "blas": blas_library(), "cpu_capability": cpu_capability(torch),
              "env": {k: os.environ.get(k, "(unset)") for k in ("ATEN_CPU_CAPABILITY", "OPENBLAS_CORETYPE")},
              "machine": machine(), "batch": BATCH,
              "temperature": TEMPERATURE, "alpha": ALPHA, "wait_policy": args.wait_policy,
              "sweep": [{k: r[k] for k in ("omp", "interop", "blas", "step.forward")} for r in sweep],
              "best": {k: best[k] for k in ("omp", "interop", "blas")}, "results": results}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print("pytorch: wrote %s" % args.out, file=sys.stderr)


def cpu_capability(torch):
    """The vector ISA ATen's CPU kernels run with (ATEN_CPU_CAPABILITY caps it), e.g. AVX2 or AVX512."""
    getter = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", None)
    if getter is not None:
        return getter()
    try:
        for line in torch.__config__.show().splitlines():
            if "CPU capability usage" in line:
                return line.split(":", 1)[1].strip()
    except Exception:  # an old or unusual build: say so rather than fail after the measurements
        pass
    return "unknown"


def blas_library():
    """Which BLAS libblas.so.3 resolves to (Debian's torch calls it for float matrix products)."""
    try:
        return os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
