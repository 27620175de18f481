#!/usr/bin/env python3
"""Writes reference.json: the logit methods' losses and gradients, computed in float64 with PyTorch
autograd, following each paper's reference implementation:

- kd:     Hinton et al. 2015, T^2 * KL(softmax(t/T) || softmax(s/T)), batch mean.
- dkd:    Zhao et al. 2022, mdistiller's dkd_loss (binary target/non-target KL, then the non-target
          KL with the target logit pushed down by 1000), each * T^2 / N, weighted alpha and beta.
- dist:   Huang et al. 2022, DIST's inter-class (per row) and intra-class (per column) Pearson
          relation losses of softmax(z/tau), each * tau^2, eps 1e-8 in the cosine's denominator.
- kd-ls:  Sun et al. 2024, logits z-scored per row with the unbiased std and eps 1e-7, then kd.

Run with Debian's python3-torch: python3 make_reference.py > reference.json. The tests read the file
and need no Python.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(20261203)


def kd(s, t, T):
    return F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="none").sum(1).mean() * T * T


def cat_mask(p, gt, other):
    return torch.cat([(p * gt).sum(1, keepdim=True), (p * other).sum(1, keepdim=True)], 1)


def dkd(s, t, target, T, alpha, beta):
    gt = F.one_hot(target, s.shape[1]).to(s.dtype)
    other = 1 - gt
    ps = cat_mask(F.softmax(s / T, 1), gt, other)
    pt = cat_mask(F.softmax(t / T, 1), gt, other)
    tckd = F.kl_div(torch.log(ps), pt, reduction="sum") * T ** 2 / s.shape[0]
    pt2 = F.softmax(t / T - 1000.0 * gt, 1)
    ls2 = F.log_softmax(s / T - 1000.0 * gt, 1)
    nckd = F.kl_div(ls2, pt2, reduction="sum") * T ** 2 / s.shape[0]
    return alpha * tckd + beta * nckd, tckd, nckd


def pearson(a, b, eps=1e-8):
    a = a - a.mean(1, keepdim=True)
    b = b - b.mean(1, keepdim=True)
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1) + eps)


def dist(s, t, tau, beta, gamma):
    ys, yt = F.softmax(s / tau, 1), F.softmax(t / tau, 1)
    inter = tau ** 2 * (1 - pearson(ys, yt).mean())
    intra = tau ** 2 * (1 - pearson(ys.t(), yt.t()).mean())
    return beta * inter + gamma * intra, inter, intra


def standardize(z):
    return (z - z.mean(-1, keepdim=True)) / (1e-7 + z.std(-1, keepdim=True))


def kd_ls(s, t, T):
    return kd(standardize(s), standardize(t), T)


def case(method, rows, classes, scale, T, **params):
    s = (torch.randn(rows, classes, dtype=torch.float64) * scale).requires_grad_()
    t = torch.randn(rows, classes, dtype=torch.float64) * scale
    labels = torch.randint(0, classes, (rows,))
    if method == "dkd" and rows > 2:
        labels[1] = -1  # unlabelled: the teacher's top class is the target
    out = {"method": method, "rows": rows, "classes": classes, "temperature": T, "params": params,
           "student": s.detach().flatten().tolist(), "teacher": t.flatten().tolist(), "labels": labels.tolist()}
    if method == "kd":
        loss = kd(s, t, T)
    elif method == "dkd":
        target = torch.where(labels >= 0, labels, t.argmax(1))
        loss, tckd, nckd = dkd(s, t, target, T, params["alpha"], params["beta"])
        out["parts"] = {"tckd": tckd.item(), "nckd": nckd.item()}
    elif method == "dist":
        loss, inter, intra = dist(s, t, T, params["beta"], params["gamma"])
        out["parts"] = {"inter": inter.item(), "intra": intra.item()}
    elif method == "kd-ls":
        loss = kd_ls(s, t, T)
    loss.backward()
    out["loss"] = loss.item()
    out["grad"] = s.grad.flatten().tolist()
    return out


cases = [
    case("kd", 4, 5, 3.0, 4.0),
    case("kd", 7, 10, 6.0, 20.0),
    case("dkd", 6, 5, 3.0, 4.0, alpha=1.0, beta=8.0),
    case("dkd", 8, 10, 5.0, 1.0, alpha=0.5, beta=2.0),
    case("dist", 6, 5, 3.0, 1.0, beta=1.0, gamma=1.0),
    case("dist", 9, 10, 4.0, 4.0, beta=2.0, gamma=0.5),
    case("dist", 5, 2, 2.0, 1.0, beta=1.0, gamma=1.0),
    case("kd-ls", 6, 5, 3.0, 2.0),
    case("kd-ls", 8, 10, 0.5, 4.0),
    case("kd-ls", 3, 2, 2.0, 1.0),
]
print(json.dumps({"generator": "make_reference.py, PyTorch " + torch.__version__ + ", float64", "cases": cases}, indent=1))
