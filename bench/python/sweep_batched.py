#!/usr/bin/python3
"""Runs per hour of a 16-member sweep trained batched in PyTorch (diagonal net) or numpy (matrix completion).

The members' parameters are stacked: diag (B, d) tensors U, V with one X @ W.T and one C.T @ X per step (float32,
as a PyTorch user would); mc (B, d, d) float64 arrays with einsum over the observed pairs and one batched matmul
(G + G^T) @ U per step. Whole runs are timed: data, training and evaluations (train/test loss and accuracy, or
train/test MSE) on the same log-spaced schedule as the app (every step up to 10, then --eval-per-decade per decade).
The grids are the ones of bench/java/SweepBench.java. Thread counts come from the environment (bench/sweep.sh sets
OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and OMP_WAIT_POLICY=PASSIVE); --threads also calls torch.set_num_threads.

Output: impl=<name> task=<diag|mc> threads=<N> members=16 steps=<S> seconds=<s> runs_per_hour=<r>
"""
import argparse
import math
import time

DIAG_ALPHA = [32, 64, 128, 256]
DIAG_LAMBDA = [5e-4, 1e-3, 2e-3, 4e-3]
MC_ALPHA = [1, 3, 10, 30]
MC_LAMBDA = [1e-4, 3e-4, 1e-3, 3e-3]


def schedule(steps, per_decade):
    s = set(range(0, min(10, steps) + 1))
    top = math.log10(steps)
    j = per_decade
    while j / per_decade < top:
        s.add(round(10 ** (j / per_decade)))
        j += 1
    s.add(steps)
    return sorted(k for k in s if k <= steps)


def diag_sweep(steps, per_decade, threads, d=10_000, n=256, n_test=1000):
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(n, d)))
    xt = torch.from_numpy(rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(n_test, d)))
    y = torch.sign(x[:, :3].sum(1))
    yt = torch.sign(xt[:, :3].sum(1))
    alpha = torch.tensor([a for a in DIAG_ALPHA for _ in DIAG_LAMBDA], dtype=torch.float32)
    lam = torch.tensor([l for _ in DIAG_ALPHA for l in DIAG_LAMBDA], dtype=torch.float32)
    b = alpha.numel()
    eta = 0.01
    u = (alpha / math.sqrt(2 * d))[:, None].repeat(1, d)
    v = u.clone()
    decay = (1 - eta * lam)[:, None]
    evals = set(schedule(steps, per_decade))
    with torch.no_grad():
        for step in range(steps + 1):
            w = u * u - v * v
            z = x @ w.T                                   # (n, B)
            if step in evals:
                zt = xt @ w.T
                _ = (torch.nn.functional.softplus(-y[:, None] * z).mean(0),
                     torch.nn.functional.softplus(-yt[:, None] * zt).mean(0),
                     ((y[:, None] * z) > 0).float().mean(0), ((yt[:, None] * zt) > 0).float().mean(0),
                     torch.sqrt((u * u + v * v).sum(1)))
            if step == steps:
                break
            c = -y[:, None] * torch.sigmoid(-y[:, None] * z) / n
            g = c.T @ x                                   # (B, d)
            u, v = u * (decay - 2 * eta * g), v * (decay + 2 * eta * g)
    return b


def mc_sweep(steps, per_decade, threads, d=97, observed=0.05):
    import numpy as np
    rng = np.random.default_rng(1)
    i = np.arange(1, d + 1, dtype=np.float64)
    target = np.outer(i, i) / d ** 2
    m = round(observed * d * d)
    flat = rng.choice(d * d, size=m, replace=False)
    a, bb = flat // d, flat % d
    y = target[a, bb]
    test = np.ones((d, d), bool)
    test[a, bb] = False
    alpha = np.array([al for al in MC_ALPHA for _ in MC_LAMBDA])
    lam = np.array([l for _ in MC_ALPHA for l in MC_LAMBDA])
    lr = 0.1 / alpha
    b = alpha.size
    u = alpha[:, None, None] * np.eye(d)[None].repeat(b, 0)
    v = u.copy()
    decay = (1 - lr * lam)[:, None, None]
    evals = set(schedule(steps, per_decade))
    members = np.arange(b)[:, None]
    for step in range(steps + 1):
        w_obs = np.einsum('bkd,bkd->bk', u[:, a, :], u[:, bb, :]) - np.einsum('bkd,bkd->bk', v[:, a, :], v[:, bb, :])
        r = w_obs - y
        if step in evals:
            w = u @ u.transpose(0, 2, 1) - v @ v.transpose(0, 2, 1)
            _ = ((r * r).mean(1), ((w - target) ** 2)[:, test].mean(1))
        if step == steps:
            break
        g = np.zeros((b, d, d))
        np.add.at(g, (members, a[None, :], bb[None, :]), 2 * r / m)
        s = g + g.transpose(0, 2, 1)
        u, v = decay * u - lr[:, None, None] * (s @ u), decay * v + lr[:, None, None] * (s @ v)
    return b


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", choices=["diag", "mc"], default="diag")
    p.add_argument("--steps", type=int, default=20_000)
    p.add_argument("--eval-per-decade", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    sweep = diag_sweep if args.task == "diag" else mc_sweep
    sweep(max(200, args.steps // 10), args.eval_per_decade, args.threads)  # warm-up, as the Java side does
    t0 = time.perf_counter()
    b = sweep(args.steps, args.eval_per_decade, args.threads)
    s = time.perf_counter() - t0
    impl = "torch-batched" if args.task == "diag" else "numpy-batched"
    print(f"impl={impl} task={args.task} threads={args.threads} members={b} steps={args.steps} "
          f"seconds={s:.3f} runs_per_hour={b * 3600 / s:.1f}")


if __name__ == "__main__":
    main()
