#!/usr/bin/python3
"""Per-step time of one full-batch GD step of the modular-addition MLP (Fig. 2), PyTorch CPU float32.

Task       (a + b) mod p, p = 97; a seeded 40 % of the p^2 pairs train (n = 3763)
Model      f(x) = W2 relu(W1 x + b1), x = onehot(a) || onehot(b), width h, no output bias
Init       He (W1 ~ N(0, 2/2p), W2 ~ N(0, 1/h), b1 = 0), alpha = 1
Loss       mean softmax cross-entropy
Update     torch.optim.SGD(lr=0.002, weight_decay=1e-4) (coupled weight decay)

Variants (autograd, written the way a typical user would write them):
  torch-linear   nn.Linear(2p, h) on dense one-hot inputs (n x 2p float32), ReLU, nn.Linear(h, p, bias=False)
  torch-gather   W1 as a (2p x h) table: relu(E[a] + E[p + b] + b1), then nn.Linear(h, p, bias=False)

Output lines as diag_step.py, with n = training pairs and d = width h:
  impl=<name> dtype=f32 threads=<N> n=<n> d=<h> ms_per_step=<median> min=<min> max=<max>
  check impl=... loss0=<L(theta_0)> loss10=<L(theta_10)>
The Java side draws its own split and init (same distributions), so the check lines agree only roughly
(loss0 ~ ln 97 plus the random W2's spread); the step does the same work.

Run with the system python: /usr/bin/python3 bench/python/modadd_step.py --h 256 --threads 1
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

P = 97
TRAIN_FRACTION = 0.4
ETA = 0.002
LAM = 1e-4

_REEXEC_MARK = "MODADD_STEP_BENCH_ENV_SET"

ALL_VARIANTS = ["torch-linear-f32", "torch-gather-f32"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--h", type=int, default=256, help="hidden width")
    p.add_argument("--seed", type=int, default=1)
    benchlib.add_common_args(p, ALL_VARIANTS, ALL_VARIANTS,
                             threads_help="torch.set_num_threads and OPENBLAS/OMP_NUM_THREADS",
                             omp_wait_policy=True)
    return benchlib.finish_args(p, ALL_VARIANTS)


def make_data(torch, seed):
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(P * P, generator=g)
    n = int(TRAIN_FRACTION * P * P)
    idx = perm[:n]
    a, b = idx // P, idx % P
    return a, b, (a + b) % P


def he_init(torch, h, seed):
    g = torch.Generator().manual_seed(seed + 1)
    w1 = torch.randn(h, 2 * P, generator=g) * (2.0 / (2 * P)) ** 0.5
    w2 = torch.randn(P, h, generator=g) * (1.0 / h) ** 0.5
    return w1, w2


def linear_variant(torch, a, b, y, h, seed):
    nn, F = torch.nn, torch.nn.functional
    x = torch.cat([F.one_hot(a, P), F.one_hot(b, P)], dim=1).float()  # dense one-hot, n x 2p
    state = {}

    def reset():
        w1, w2 = he_init(torch, h, seed)
        model = nn.Sequential(nn.Linear(2 * P, h), nn.ReLU(), nn.Linear(h, P, bias=False))
        with torch.no_grad():
            model[0].weight.copy_(w1)
            model[0].bias.zero_()
            model[2].weight.copy_(w2)
        state["model"] = model
        state["opt"] = torch.optim.SGD(model.parameters(), lr=ETA, weight_decay=LAM)

    def step():
        opt = state["opt"]
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(state["model"](x), y).backward()
        opt.step()

    def loss():
        with torch.no_grad():
            return float(F.cross_entropy(state["model"](x).double(), y))

    return reset, step, loss


def gather_variant(torch, a, b, y, h, seed):
    F = torch.nn.functional
    bp = b + P
    state = {}

    def reset():
        w1, w2 = he_init(torch, h, seed)
        e = w1.t().contiguous().requires_grad_()  # 2p x h: row c is W1's column c
        b1 = torch.zeros(h, requires_grad=True)
        w2 = w2.clone().requires_grad_()
        state["p"] = (e, b1, w2)
        state["opt"] = torch.optim.SGD([e, b1, w2], lr=ETA, weight_decay=LAM)

    def forward():
        e, b1, w2 = state["p"]
        return F.relu(e[a] + e[bp] + b1) @ w2.t()

    def step():
        opt = state["opt"]
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(forward(), y).backward()
        opt.step()

    def loss():
        with torch.no_grad():
            return float(F.cross_entropy(forward().double(), y))

    return reset, step, loss


def main():
    args = parse_args()
    benchlib.ensure_env(args, _REEXEC_MARK, __file__)

    import torch
    torch.set_num_threads(args.threads)
    a, b, y = make_data(torch, args.seed)
    print("# python=%s torch=%s threads=%d torch.get_num_threads()=%d %s"
          % (sys.version.split()[0], torch.__version__, args.threads, torch.get_num_threads(),
             benchlib.env_fields("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MALLOC_MMAP_THRESHOLD_")))
    sys.stdout.flush()
    for var in args.variants:
        make = linear_variant if var == "torch-linear-f32" else gather_variant
        reset, step, loss = make(torch, a, b, y, args.h, args.seed)
        result = benchlib.bench(reset, step, loss, args)
        benchlib.report(var[:-4], "f32", len(y), args.h, result, args, ms_digits=3, loss_digits=6)


if __name__ == "__main__":
    main()
