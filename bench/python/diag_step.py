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

ALPHA = 128.0
ETA = 0.01
LAM = 1e-3

# glibc malloc hints. With the default dynamic mmap threshold, numpy's
# d-sized temporaries (800 kB in f64) are mmap'd/munmap'd on every operation,
# so every step pays fresh page faults. Pinning the thresholds keeps them on
# the heap. 32 MiB is glibc's maximum accepted mmap threshold on 64-bit.
MALLOC_HINTS = {
    "MALLOC_MMAP_THRESHOLD_": str(32 * 1024 * 1024),
    "MALLOC_TRIM_THRESHOLD_": str(512 * 1024 * 1024),
}
_REEXEC_MARK = "DIAG_STEP_BENCH_ENV_SET"

ALL_VARIANTS = ["numpy-f32", "numpy-f64", "torch-autograd-f32", "torch-manual-f32"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=256, help="number of samples")
    p.add_argument("--d", type=int, default=100000, help="dimension")
    p.add_argument("--data", choices=["sparse", "gaussian"], default="sparse",
                   help="sparse: X in {+-1} (Rademacher); gaussian: X ~ N(0,1)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1,
                   help="torch.set_num_threads and OPENBLAS/OMP_NUM_THREADS")
    p.add_argument("--warmup", type=float, default=1.5, help="warm-up seconds per variant")
    p.add_argument("--reps", type=int, default=9, help="timed repetitions (>= 7 recommended)")
    p.add_argument("--block-seconds", type=float, default=0.25,
                   help="target duration of one timed block (sets steps per block)")
    p.add_argument("--check-steps", type=int, default=10)
    p.add_argument("--variants", default=",".join(ALL_VARIANTS),
                   help="comma-separated subset of: " + ",".join(ALL_VARIANTS))
    p.add_argument("--no-malloc-hints", action="store_true",
                   help="do not set MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_")
    p.add_argument("--omp-wait-policy", choices=["default", "passive", "active"], default="default",
                   help="OMP_WAIT_POLICY for torch's libgomp threads. 'default' leaves it unset "
                        "(what a typical user gets); with --threads >= 2 on a 2-core machine the "
                        "spinning libgomp workers then compete with OpenBLAS's own pthreads and "
                        "torch can be many times slower; 'passive' avoids that")
    a = p.parse_args()
    a.variants = [v.strip() for v in a.variants.split(",") if v.strip()]
    for v in a.variants:
        if v not in ALL_VARIANTS:
            p.error("unknown variant %r" % v)
    return a


def ensure_env(args):
    """Re-exec once with thread/malloc env vars set (they are read at load time)."""
    if os.environ.get(_REEXEC_MARK) == "1":
        return
    env = dict(os.environ)
    env[_REEXEC_MARK] = "1"
    t = str(args.threads)
    env["OPENBLAS_NUM_THREADS"] = t
    env["OMP_NUM_THREADS"] = t
    env["MKL_NUM_THREADS"] = t
    if args.omp_wait_policy == "default":
        env.pop("OMP_WAIT_POLICY", None)
    else:
        env["OMP_WAIT_POLICY"] = args.omp_wait_policy.upper()
    if args.no_malloc_hints:
        for k in MALLOC_HINTS:
            env.pop(k, None)
    else:
        for k, val in MALLOC_HINTS.items():
            env.setdefault(k, val)
    exe = sys.executable
    # numpy/torch come from Debian packages for the system python only.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(exe) != os.path.realpath("/usr/bin/python3"):
        exe = "/usr/bin/python3"
    sys.stdout.flush()
    os.execve(exe, [exe, os.path.abspath(__file__)] + sys.argv[1:], env)


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


# --------------------------------------------------------------------------- timing

def bench(time, reset, step, loss, args):
    # cross-check: loss at theta_0 and after `check_steps` steps from the fixed init
    reset()
    l0 = loss()
    for _ in range(args.check_steps):
        step()
    l10 = loss()

    # warm-up (continues from the check trajectory; theta changes very little)
    t0 = time.perf_counter()
    k = 0
    while True:
        step()
        k += 1
        el = time.perf_counter() - t0
        if el >= args.warmup and k >= 3:
            break
    per = el / k
    block = max(1, int(round(args.block_seconds / per)))

    times = []
    for _ in range(args.reps):
        t = time.perf_counter()
        for _ in range(block):
            step()
        times.append((time.perf_counter() - t) / block * 1e3)
    times.sort()
    med = times[len(times) // 2] if len(times) % 2 else 0.5 * (times[len(times) // 2 - 1] + times[len(times) // 2])
    return l0, l10, med, times[0], times[-1], block


def main():
    args = parse_args()
    ensure_env(args)

    import time
    import numpy as np

    X, y = make_data(np, args.n, args.d, args.data, args.seed)

    need_torch = any(v.startswith("torch") for v in args.variants)
    torch = None
    if need_torch:
        import torch
        torch.set_num_threads(args.threads)
        Xt = torch.from_numpy(X)   # same arrays, shared memory
        yt = torch.from_numpy(y)

    print("# python=%s numpy=%s torch=%s data=%s seed=%d threads=%d "
          "OPENBLAS_NUM_THREADS=%s OMP_NUM_THREADS=%s OMP_WAIT_POLICY=%s OPENBLAS_CORETYPE=%s MALLOC_MMAP_THRESHOLD_=%s MALLOC_TRIM_THRESHOLD_=%s"
          % (sys.version.split()[0], np.__version__, torch.__version__ if torch else "-",
             args.data, args.seed, args.threads,
             os.environ.get("OPENBLAS_NUM_THREADS", "-"), os.environ.get("OMP_NUM_THREADS", "-"),
             os.environ.get("OMP_WAIT_POLICY", "-"), os.environ.get("OPENBLAS_CORETYPE", "-"),
             os.environ.get("MALLOC_MMAP_THRESHOLD_", "-"), os.environ.get("MALLOC_TRIM_THRESHOLD_", "-")))
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
            l0, l10, med, mn, mx, block = bench(time, reset, step, loss, args)
        tag = "impl=%s dtype=%s threads=%d n=%d d=%d" % (impl, dt, args.threads, args.n, args.d)
        print("%s ms_per_step=%.3f min=%.3f max=%.3f" % (tag, med, mn, mx))
        print("check %s loss0=%.9e loss%d=%.9e" % (tag, l0, args.check_steps, l10))
        print("# %s steps_per_block=%d reps=%d" % (tag, block, args.reps))
        sys.stdout.flush()
        del fns, reset, step, loss


if __name__ == "__main__":
    main()
