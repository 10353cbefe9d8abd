"""Shared parts of the Python step benchmarks (diag_step.py, mc_step.py).

- add_common_args / finish_args: the options every benchmark has (--threads, --warmup, --reps,
  --block-seconds, --check-steps, --variants, --no-malloc-hints, optionally --omp-wait-policy)
- ensure_env: re-exec the calling script once under /usr/bin/python3 with the thread-count,
  OMP wait policy and glibc malloc environment variables set (they are read at load time)
- env_fields: "NAME=value" fields of the informational '#' header line
- bench: loss cross-check, warm-up, timed blocks -> median/min/max ms per step
- report: the impl=..., check ... and '# ... steps_per_block' output lines

Importing this module must not load numpy/torch (ensure_env has to run first).
"""

import os
import sys
import time

# glibc malloc hints. With the default dynamic mmap threshold, numpy's temporaries
# (e.g. d-sized vectors in diag_step.py, 800 kB in f64) are mmap'd/munmap'd on every
# operation, so every step pays fresh page faults. Pinning the thresholds keeps them on
# the heap. 32 MiB is glibc's maximum accepted mmap threshold on 64-bit.
MALLOC_HINTS = {
    "MALLOC_MMAP_THRESHOLD_": str(32 * 1024 * 1024),
    "MALLOC_TRIM_THRESHOLD_": str(512 * 1024 * 1024),
}

SYSTEM_PYTHON = "/usr/bin/python3"


# --------------------------------------------------------------------------- arguments

def add_common_args(p, all_variants, default_variants, threads_help, omp_wait_policy=False):
    """Add the options shared by all benchmarks, after the script's own ones."""
    p.add_argument("--threads", type=int, default=1, help=threads_help)
    p.add_argument("--warmup", type=float, default=1.5, help="warm-up seconds per variant")
    p.add_argument("--reps", type=int, default=9, help="timed repetitions (>= 7 recommended)")
    p.add_argument("--block-seconds", type=float, default=0.25,
                   help="target duration of one timed block (sets steps per block)")
    p.add_argument("--check-steps", type=int, default=10)
    p.add_argument("--variants", default=",".join(default_variants),
                   help="comma-separated subset of: " + ",".join(all_variants))
    p.add_argument("--no-malloc-hints", action="store_true",
                   help="do not set MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_")
    if omp_wait_policy:
        p.add_argument("--omp-wait-policy", choices=["default", "passive", "active"], default="default",
                       help="OMP_WAIT_POLICY for torch's libgomp threads. 'default' leaves it unset "
                            "(what a typical user gets); with --threads >= 2 on a 2-core machine the "
                            "spinning libgomp workers then compete with OpenBLAS's own pthreads and "
                            "torch can be many times slower; 'passive' avoids that")


def finish_args(p, all_variants):
    """Parse, and turn --variants into a validated list."""
    a = p.parse_args()
    a.variants = [v.strip() for v in a.variants.split(",") if v.strip()]
    for v in a.variants:
        if v not in all_variants:
            p.error("unknown variant %r" % v)
    return a


# --------------------------------------------------------------------------- environment

def ensure_env(args, mark, script):
    """Re-exec `script` once with thread/malloc env vars set (they are read at load time).

    `mark` is the environment variable that flags the second run. OMP_WAIT_POLICY is only
    touched when the script has an --omp-wait-policy option; otherwise it is inherited as is.
    """
    if os.environ.get(mark) == "1":
        return
    env = dict(os.environ)
    env[mark] = "1"
    t = str(args.threads)
    env["OPENBLAS_NUM_THREADS"] = t
    env["OMP_NUM_THREADS"] = t
    env["MKL_NUM_THREADS"] = t
    policy = getattr(args, "omp_wait_policy", None)
    if policy == "default":
        env.pop("OMP_WAIT_POLICY", None)
    elif policy is not None:
        env["OMP_WAIT_POLICY"] = policy.upper()
    if args.no_malloc_hints:
        for k in MALLOC_HINTS:
            env.pop(k, None)
    else:
        for k, val in MALLOC_HINTS.items():
            env.setdefault(k, val)
    exe = sys.executable
    # numpy/torch come from Debian packages for the system python only.
    if os.path.exists(SYSTEM_PYTHON) and os.path.realpath(exe) != os.path.realpath(SYSTEM_PYTHON):
        exe = SYSTEM_PYTHON
    sys.stdout.flush()
    os.execve(exe, [exe, os.path.abspath(script)] + sys.argv[1:], env)


def env_fields(*names):
    """'NAME=value NAME=value ...' for the header line, '-' where unset."""
    return " ".join("%s=%s" % (k, os.environ.get(k, "-")) for k in names)


# --------------------------------------------------------------------------- timing

def bench(reset, step, loss, args):
    """-> (loss0, loss after args.check_steps steps, median, min, max ms/step, steps per block)"""
    # cross-check: loss at theta_0 and after `check_steps` steps from the fixed init
    reset()
    l0 = loss()
    for _ in range(args.check_steps):
        step()
    l10 = loss()

    # warm-up (continues from the check trajectory; theta changes little)
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


def report(impl, dt, n, d, result, args, ms_digits, loss_digits):
    """Print the impl=..., check ... and '# ... steps_per_block' lines for one variant."""
    l0, l10, med, mn, mx, block = result
    tag = "impl=%s dtype=%s threads=%d n=%d d=%d" % (impl, dt, args.threads, n, d)
    ms = "%%.%df" % ms_digits
    ls = "%%.%de" % loss_digits
    print(("%s ms_per_step=" + ms + " min=" + ms + " max=" + ms) % (tag, med, mn, mx))
    print(("check %s loss0=" + ls + " loss%d=" + ls) % (tag, l0, args.check_steps, l10))
    print("# %s steps_per_block=%d reps=%d" % (tag, block, args.reps))
    sys.stdout.flush()
