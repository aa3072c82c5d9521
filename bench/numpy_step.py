"""The simulator's exact DPO step written plainly in vectorised NumPy, timed like
benches/core.rs, for `./build.sh bench` (which installs the pinned NumPy of
bench/requirements.txt into bench/.venv and runs this).

The step is the one src/reference.rs defines (its `sampler`, `pair_law`, `dpo_loss` and
`draw_minibatch`), for the linear alignment model theta in R^2, the contrastive design and
Bradley-Terry labels:
  - the policy: scores f = Phi theta, log pi_theta = log_softmax(log pi_ref + f);
  - the sampler: base = (1 - lambda) pi_ref + lambda pi_theta, the support (the ceil(c N)
    most likely responses, ties by index), pi_0 and the quality tilt pi_q;
  - the exact pair law W(i, j) = [pi_q(i) pi_0(j) + pi_0(i) pi_q(j)] sigma(s (r_i - r_j)),
    renormalised over i != j (sigma(s (r_i - r_j)) is computed once per run, as in Rust);
  - the exact population loss and its gradient, over the unordered pairs i < j;
  - J = E_pi[r] and KL(pi || pi_ref);
  - a minibatch of B = 32 pairs by the generative process (one candidate from pi_q, the
    other from pi_0, redrawn while they coincide, then the BT coin), its gradient, and
    one SGD step.
Offline (lambda = 0) the sampler and W cannot move: they are computed once, as the Rust
step carries them over. The Rust step does strictly more each step (the Hessian, the
minimiser of the current sampler's loss and the curvature there, margins, displacement
log-probabilities, ...).

Usage: python bench/numpy_step.py [--json FILE]
"""

import json
import os
import sys
import time

# One thread, like the Rust step: BLAS threads only contend on a small, shared machine.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

TILT = 4.0


class World:
    def __init__(self, n, seed=1, kappa=1.0, ref_quality=0.0, sharpness=2.0):
        rng = np.random.default_rng(seed)
        self.phi = rng.standard_normal((n, 2))
        u = np.array([1.0, 0.0])
        alpha = np.arccos(ref_quality)
        v = np.array([np.cos(alpha), np.sin(alpha)])
        self.reward = self.phi @ u
        self.z = (self.reward - self.reward.mean()) / self.reward.std()
        logits = kappa * (self.phi @ v)
        self.ref_logp = logits - np.logaddexp.reduce(logits)
        self.ref_p = np.exp(self.ref_logp)
        # The unordered pairs i < j, their feature differences and BT preferences.
        self.i, self.j = np.triu_indices(n, 1)
        self.d = self.phi[self.i] - self.phi[self.j]
        gap = self.reward[self.i] - self.reward[self.j]
        self.pref = 1.0 / (1.0 + np.exp(-sharpness * gap))
        self.pref_full = 1.0 / (1.0 + np.exp(-sharpness * (self.reward[:, None] - self.reward[None, :])))


class Run:
    def __init__(self, world, online=0.0, quality=0.0, support=1.0, beta=0.5, lr=0.01, batch=32, seed=1):
        self.w = world
        self.online, self.quality, self.beta, self.lr, self.batch = online, quality, beta, lr, batch
        n = len(world.reward)
        self.m = min(max(int(np.ceil(support * n - 1e-9)), 2), n)
        self.theta = np.zeros(2)
        self.rng = np.random.default_rng(seed + 1)
        self.cached = None

    def sampler(self, p):
        w = self.w
        base = (1.0 - self.online) * w.ref_p + self.online * p
        order = np.argsort(-base, kind="stable")[: self.m]
        pi0 = np.zeros_like(base)
        pi0[order] = base[order] / base[order].sum()
        with np.errstate(divide="ignore"):
            log_tilted = np.log(pi0) + TILT * self.quality * w.z
        piq = np.exp(log_tilted - np.logaddexp.reduce(log_tilted))
        # The pair law over i < j: both orders of the two candidates, then the label.
        both = piq[w.i] * pi0[w.j] + pi0[w.i] * piq[w.j]
        w_ij = both * w.pref
        w_ji = both - w_ij
        total = w_ij.sum() + w_ji.sum()
        return pi0, piq, w_ij / total, w_ji / total

    def step(self):
        w, beta = self.w, self.beta
        f = w.phi @ self.theta
        logits = w.ref_logp + f
        logp = logits - np.logaddexp.reduce(logits)
        p = np.exp(logp)
        if self.online > 0.0 or self.cached is None:
            self.cached = self.sampler(p)
        pi0, piq, w_ij, w_ji = self.cached
        # Exact loss and gradient: -w_ij log sigma(m) - w_ji log sigma(-m), m = beta <theta, d>.
        m = beta * (w.d @ self.theta)
        loss = np.dot(w_ij, np.logaddexp(0.0, -m)) + np.dot(w_ji, np.logaddexp(0.0, m))
        s = 1.0 / (1.0 + np.exp(-m))
        slope = beta * (w_ji * s - w_ij * (1.0 - s))
        grad = slope @ w.d
        # Expected reward and KL.
        j = np.dot(p, w.reward)
        kl = np.dot(p, logp - w.ref_logp)
        # A minibatch by the generative process.
        cq, c0 = np.cumsum(piq), np.cumsum(pi0)
        a = np.searchsorted(cq, self.rng.random(self.batch) * cq[-1], side="right")
        b = np.searchsorted(c0, self.rng.random(self.batch) * c0[-1], side="right")
        same = a == b
        while same.any():
            k = int(same.sum())
            a[same] = np.searchsorted(cq, self.rng.random(k) * cq[-1], side="right")
            b[same] = np.searchsorted(c0, self.rng.random(k) * c0[-1], side="right")
            same = a == b
        a_wins = self.rng.random(self.batch) < w.pref_full[a, b]
        chosen = np.where(a_wins, a, b)
        rejected = np.where(a_wins, b, a)
        db = w.phi[chosen] - w.phi[rejected]
        mb = beta * (db @ self.theta)
        batch_grad = -beta * ((1.0 / (1.0 + np.exp(mb))) @ db) / self.batch
        self.theta = self.theta - self.lr * batch_grad
        return loss, grad, j, kl


def timing(rounds, iters, f):
    """Median and 95th percentile in microseconds per call, after one warm-up round."""
    for _ in range(iters):
        f()
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(iters):
            f()
        per_call.append((time.perf_counter() - start) * 1e6 / iters)
    per_call.sort()
    return per_call[rounds // 2], per_call[rounds * 95 // 100]


CASES = [
    # name (as in benches/core.rs), N, on-policy fraction, quality, calls per round
    ("step N=48 online", 48, 1.0, 0.5, 200),
    ("step N=256", 256, 0.0, 0.0, 50),
    ("step N=256 online", 256, 1.0, 0.5, 20),
]


def main():
    out = sys.argv[sys.argv.index("--json") + 1] if "--json" in sys.argv else None
    rows = []
    for name, n, online, quality, iters in CASES:
        run = Run(World(n), online=online, quality=quality)
        median, p95 = timing(31, iters, run.step)
        rows.append({"name": name, "median_us": round(median, 3), "p95_us": round(p95, 3)})
    print(f"NumPy {np.__version__}, Python {sys.version.split()[0]}")
    print(f"{'numpy benchmark':<28} {'median µs':>12} {'p95 µs':>12}")
    for r in rows:
        print(f"{r['name']:<28} {r['median_us']:>12.2f} {r['p95_us']:>12.2f}")
    if out:
        with open(out, "w") as fh:
            json.dump({"numpy": np.__version__, "python": sys.version.split()[0], "cases": rows}, fh, indent=2)
            fh.write("\n")


if __name__ == "__main__":
    main()
