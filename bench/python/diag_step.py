#!/usr/bin/python3
"""Per-step time of one full-batch GD step of a diagonal linear network.

Model      f(x) = <u*u - v*v, x>,  theta = (u, v) in R^{2d}
Init       u = v = alpha / sqrt(2d) * 1,  alpha = 128
Data       X in {+-1}^{n x d} (dense float32) or X ~ N(0,1) float32,
           y = sign(x0 + x1 + x2); generated with numpy default_rng(seed)
Loss       L = mean_i softplus(-y_i f(x_i))
Update     theta <- theta - eta * (grad L + lam * theta),  eta=0.01, lam=1e-3

Variants (written the way a typical user would write them):
  numpy-manual   f32 and f64, explicit gradient
  torch-autograd f32, leaf tensors + torch.optim.SGD(weight_decay=lam)
  torch-manual   f32, explicit gradient under torch.no_grad()

Output, one line per variant (machine-readable, fixed format):
  impl=<name> dtype=<f32|f64> threads=<N> n=<n> d=<d> ms_per_step=<median> min=<min> max=<max>
plus one cross-check line per variant (same data + init => loss10 must agree
across variants and languages to ~1e-5):
  check impl=<name> dtype=<f32|f64> threads=<N> n=<n> d=<d> loss0=<L(theta_0)> loss10=<L(theta_10)>
Lines starting with '#' are informational.

Run with the system python (/usr/bin/python3), e.g.
  /usr/bin/python3 bench/python/diag_step.py --threads 1
The script re-executes itself once so that OPENBLAS_NUM_THREADS / OMP_NUM_THREADS
(from --threads) and the glibc malloc hints are in the environment before
numpy/torch (and the C runtime) start; see --no-malloc-hints.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__/ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402  (shared option parsing, re-exec, timing and output; loads no numpy)

ALPHA = 128.0
ETA = 0.01
LAM = 1e-3

_REEXEC_MARK = "DIAG_STEP_BENCH_ENV_SET"

ALL_VARIANTS = ["numpy-f32", "numpy-f64", "torch-autograd-f32", "torch-manual-f32"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=256, help="number of samples")
    p.add_argument("--d", type=int, default=100000, help="dimension")
    p.add_argument("--data", choices=["sparse", "gaussian"], default="sparse",
                   help="sparse: X in {+-1} (Rademacher); gaussian: X ~ N(0,1)")
    p.add_argument("--seed", type=int, default=0)
    benchlib.add_common_args(p, ALL_VARIANTS, ALL_VARIANTS,
                             threads_help="torch.set_num_threads and OPENBLAS/OMP_NUM_THREADS",
                             omp_wait_policy=True)
    return benchlib.finish_args(p, ALL_VARIANTS)


# --------------------------------------------------------------------------- data

def make_data(np, n, d, kind, seed):
    rng = np.random.default_rng(seed)
    if kind == "sparse":
        X = (2 * rng.integers(0, 2, size=(n, d), dtype=np.int8) - 1).astype(np.float32)
    else:
        X = rng.standard_normal((n, d), dtype=np.float32)
    s = X[:, 0].astype(np.float64) + X[:, 1] + X[:, 2]
    y = np.where(s >= 0, 1.0, -1.0).astype(np.float32)  # sign, with sign(0) := +1
    return np.ascontiguousarray(X), y


def init_theta(d):
    return ALPHA / (2.0 * d) ** 0.5


# --------------------------------------------------------------------------- numpy

def numpy_variant(np, X, y, d, dtype):
    X = X.astype(dtype)  # the user holds the data in this precision
    y = y.astype(dtype)
    n = X.shape[0]
    a0 = init_theta(d)
    state = {}

    def reset():
        state["u"] = np.full(d, a0, dtype=dtype)
        state["v"] = np.full(d, a0, dtype=dtype)

    def step():
        u, v = state["u"], state["v"]
        w = u * u - v * v
        z = X @ w
        c = -y / (1.0 + np.exp(y * z)) / n        # -y * sigmoid(-y z) / n
        g = X.T @ c
        u -= ETA * (2 * u * g + LAM * u)
        v -= ETA * (-2 * v * g + LAM * v)

    def loss():
        u, v = state["u"], state["v"]
        z = X @ (u * u - v * v)
        return float(np.mean(np.logaddexp(0, -y * z)))

    def sync():
        pass

    return reset, step, loss, sync


# --------------------------------------------------------------------------- torch

def torch_autograd_variant(torch, Xt, yt, d):
    F = torch.nn.functional
    a0 = init_theta(d)
    state = {}

    def reset():
        u = torch.full((d,), a0, dtype=torch.float32, requires_grad=True)
        v = torch.full((d,), a0, dtype=torch.float32, requires_grad=True)
        state["u"], state["v"] = u, v
        state["opt"] = torch.optim.SGD([u, v], lr=ETA, weight_decay=LAM)

    def step():
        u, v, opt = state["u"], state["v"], state["opt"]
        opt.zero_grad()
        loss = F.softplus(-yt * (Xt @ (u * u - v * v))).mean()
        loss.backward()
        opt.step()

    def loss():
        with torch.no_grad():
            u, v = state["u"], state["v"]
            return float(F.softplus(-yt * (Xt @ (u * u - v * v))).mean())

    return reset, step, loss, lambda: None


def torch_manual_variant(torch, Xt, yt, d):
    F = torch.nn.functional
    n = Xt.shape[0]
    a0 = init_theta(d)
    state = {}

    def reset():
        state["u"] = torch.full((d,), a0, dtype=torch.float32)
        state["v"] = torch.full((d,), a0, dtype=torch.float32)

    def step():
        with torch.no_grad():
            u, v = state["u"], state["v"]
            z = Xt @ (u * u - v * v)
            c = -yt * torch.sigmoid(-yt * z) / n
            g = Xt.T @ c
            u -= ETA * (2 * u * g + LAM * u)
            v -= ETA * (-2 * v * g + LAM * v)

    def loss():
        with torch.no_grad():
            u, v = state["u"], state["v"]
            return float(F.softplus(-yt * (Xt @ (u * u - v * v))).mean())

    return reset, step, loss, lambda: None


def main():
    args = parse_args()
    benchlib.ensure_env(args, _REEXEC_MARK, __file__)

    import numpy as np

    X, y = make_data(np, args.n, args.d, args.data, args.seed)

    need_torch = any(v.startswith("torch") for v in args.variants)
    torch = None
    if need_torch:
        import torch
        torch.set_num_threads(args.threads)
        Xt = torch.from_numpy(X)   # same arrays, shared memory
        yt = torch.from_numpy(y)

    print("# python=%s numpy=%s torch=%s data=%s seed=%d threads=%d %s"
          % (sys.version.split()[0], np.__version__, torch.__version__ if torch else "-",
             args.data, args.seed, args.threads,
             benchlib.env_fields("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE",
                                 "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")))
    if torch is not None:
        print("# torch.get_num_threads()=%d" % torch.get_num_threads())
    sys.stdout.flush()

    for var in args.variants:
        if var == "numpy-f32":
            impl, dt, fns = "numpy-manual", "f32", numpy_variant(np, X, y, args.d, np.float32)
        elif var == "numpy-f64":
            impl, dt, fns = "numpy-manual", "f64", numpy_variant(np, X, y, args.d, np.float64)
        elif var == "torch-autograd-f32":
            impl, dt, fns = "torch-autograd", "f32", torch_autograd_variant(torch, Xt, yt, args.d)
        else:
            impl, dt, fns = "torch-manual", "f32", torch_manual_variant(torch, Xt, yt, args.d)
        reset, step, loss, _ = fns
        with np.errstate(over="ignore"):
            result = benchlib.bench(reset, step, loss, args)
        benchlib.report(impl, dt, args.n, args.d, result, args, ms_digits=3, loss_digits=9)
        del fns, reset, step, loss


if __name__ == "__main__":
    main()
