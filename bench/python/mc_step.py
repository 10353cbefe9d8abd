#!/usr/bin/python3
"""Per-step time of one full-batch GD step of symmetric matrix completion (paper Fig. 3).

Model      W = U U^T - V V^T,  theta = (U, V), U, V in R^{d x d}, d = 97
Init       U = V = alpha * I,  alpha = 10  (so W(0) = 0)
Data       X*_ij = i*j/d^2 (i, j = 0..d-1); observed set Omega = round(0.05 d^2) = 470 of the d^2
           ordered pairs, the same ones the Java app uses (its SplitMix64 stream (seed, "mc-observed"),
           Fisher-Yates over the d^2 entries, first n taken), so the check line agrees across languages
Loss       L = (1/n) sum_{(i,j) in Omega} (W_ij - X*_ij)^2
Gradient   G = (2/n) sum_k r_k e_{a_k} e_{b_k}^T,  grad_U = (G + G^T) U,  grad_V = -(G + G^T) V
Update     theta <- theta - eta * (grad L + lam * theta),  eta = 0.1, lam = 1e-4

Variants (written the way a typical user would write them):
  numpy-dense   W = U@U.T - V@V.T in full, residual on the observed mask, dense G, dense matmuls
  numpy-sparse  "sparse-aware" numpy: W only on the observed entries (row gathers + einsum),
                G built with np.add.at, then (G + G^T)@U and (G + G^T)@V
each in f64 (default) and optionally f32.

Output, one line per variant (machine-readable, same format as diag_step.py; n = |Omega|):
  impl=<name> dtype=<f32|f64> threads=<N> n=<n> d=<d> ms_per_step=<median> min=<min> max=<max>
plus one cross-check line per variant (same Omega + init => loss10 agrees with the Java
bench/java/McStepBench.java to ~1e-12 relative in f64):
  check impl=<name> dtype=<f32|f64> threads=<N> n=<n> d=<d> loss0=<L(theta_0)> loss10=<L(theta_10)>
Lines starting with '#' are informational.

Run with the system python (/usr/bin/python3), e.g.
  /usr/bin/python3 bench/python/mc_step.py --threads 1
The script re-executes itself once so that OPENBLAS_NUM_THREADS / OMP_NUM_THREADS
(from --threads) and the glibc malloc hints are in the environment before
numpy (and the C runtime) start; see --no-malloc-hints.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__/ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402  (shared option parsing, re-exec, timing and output; loads no numpy)

ALPHA = 10.0
ETA = 0.1
LAM = 1e-4
OBSERVED = 0.05

# (benchlib's glibc malloc hints matter little here: the temporaries are small, d*d*8 = 75 kB.)
_REEXEC_MARK = "MC_STEP_BENCH_ENV_SET"

ALL_VARIANTS = ["numpy-dense-f64", "numpy-sparse-f64", "numpy-dense-f32", "numpy-sparse-f32"]
DEFAULT_VARIANTS = ["numpy-dense-f64", "numpy-sparse-f64"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--d", type=int, default=97, help="matrix size")
    p.add_argument("--observed", type=float, default=OBSERVED, help="observed fraction of the d^2 entries")
    p.add_argument("--seed", type=int, default=1, help="seed of the observed set (the app's default is 1)")
    benchlib.add_common_args(p, ALL_VARIANTS, DEFAULT_VARIANTS, threads_help="OPENBLAS/OMP/MKL_NUM_THREADS")
    return benchlib.finish_args(p, ALL_VARIANTS)


# --------------------------------------------------------------------------- data (the app's Rng)

M64 = (1 << 64) - 1


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class SplitMix64:
    """lab.grokking.core.Rng (SplitMix64 with (seed, purpose, index) streams), on unsigned 64-bit ints."""

    def __init__(self, seed, purpose, index):
        h = _mix((seed ^ 0x6A09E667F3BCC909) & M64)
        for ch in purpose:
            h = _mix(h ^ ord(ch))
        self.state = _mix(h ^ _mix((index + 0x3C6EF372FE94F82B) & M64))

    def next_long(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        return _mix(self.state)

    def next_int(self, bound):
        return ((self.next_long() >> 33) * bound) >> 31


def make_data(np, d, observed, seed):
    """Omega (rows a, cols b, in draw order) and targets y, exactly as McData.generate(target="table")."""
    m = d * d
    n = int(observed * d * float(d) + 0.5)  # Java Math.round
    g = SplitMix64(seed, "mc-observed", 0)
    p = list(range(m))
    for i in range(m - 1, 0, -1):
        j = g.next_int(i + 1)
        p[i], p[j] = p[j], p[i]
    idx = np.array(p[:n], dtype=np.int64)
    a, b = idx // d, idx % d
    xstar = np.outer(np.arange(d, dtype=np.float64), np.arange(d, dtype=np.float64)) / (float(d) * d)
    return a, b, xstar


# --------------------------------------------------------------------------- numpy

def numpy_dense(np, a, b, xstar, d, dtype):
    """As a user would write it: everything d x d."""
    n = len(a)
    mask = np.zeros((d, d), dtype=dtype)
    mask[a, b] = 1
    Xs = xstar.astype(dtype)
    state = {}

    def reset():
        state["U"] = ALPHA * np.eye(d, dtype=dtype)
        state["V"] = ALPHA * np.eye(d, dtype=dtype)

    def step():
        U, V = state["U"], state["V"]
        W = U @ U.T - V @ V.T
        R = (W - Xs) * mask                    # residual on the observed entries, 0 elsewhere
        G = (2.0 / n) * R
        S = G + G.T
        gU = S @ U
        gV = -(S @ V)
        U -= ETA * (gU + LAM * U)
        V -= ETA * (gV + LAM * V)

    def loss():
        U, V = state["U"], state["V"]
        W = U @ U.T - V @ V.T
        return float(np.sum(((W - Xs) * mask) ** 2) / n)

    return reset, step, loss


def numpy_sparse(np, a, b, xstar, d, dtype):
    """Sparse-aware numpy: W only on Omega, G assembled with np.add.at."""
    n = len(a)
    y = xstar[a, b].astype(dtype)
    c = dtype(2.0 / n)
    state = {}

    def reset():
        state["U"] = ALPHA * np.eye(d, dtype=dtype)
        state["V"] = ALPHA * np.eye(d, dtype=dtype)

    def residual(U, V):
        w = np.einsum("kc,kc->k", U[a], U[b]) - np.einsum("kc,kc->k", V[a], V[b])
        return w - y

    def step():
        U, V = state["U"], state["V"]
        r = residual(U, V)
        G = np.zeros((d, d), dtype=dtype)
        np.add.at(G, (a, b), c * r)
        S = G + G.T
        gU = S @ U
        gV = -(S @ V)
        U -= ETA * (gU + LAM * U)
        V -= ETA * (gV + LAM * V)

    def loss():
        r = residual(state["U"], state["V"])
        return float(np.dot(r, r) / n)

    return reset, step, loss


def main():
    args = parse_args()
    benchlib.ensure_env(args, _REEXEC_MARK, __file__)

    import numpy as np

    a, b, xstar = make_data(np, args.d, args.observed, args.seed)
    n = len(a)

    print("# python=%s numpy=%s target=table seed=%d threads=%d %s"
          % (sys.version.split()[0], np.__version__, args.seed, args.threads,
             benchlib.env_fields("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE",
                                 "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")))
    sys.stdout.flush()

    for var in args.variants:
        kind, dt = var.rsplit("-", 1)                    # "numpy-dense", "f64"
        dtype = np.float64 if dt == "f64" else np.float32
        make = numpy_dense if kind == "numpy-dense" else numpy_sparse
        reset, step, loss = make(np, a, b, xstar, args.d, dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            result = benchlib.bench(reset, step, loss, args)
        benchlib.report(kind, dt, n, args.d, result, args, ms_digits=4, loss_digits=12)
        del reset, step, loss


if __name__ == "__main__":
    main()
