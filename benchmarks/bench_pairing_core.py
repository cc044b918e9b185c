"""Pairing benchmark: max_weight_pairing vs networkx and rustworkx max_weight_matching.

Run the table (docs/performance.md, section Pairing)::

    cd /work/main && PYTHONPATH=src python benchmarks/bench_pairing_core.py

(``--seeds K`` seeds per cell, default 20; networkx runs on every seed for n <= 100, on the
first ``--nx`` seeds (default 5) for n = 150, 200 and the first ``--nx400`` (default 2) at
n = 400; "ratio" compares medians over the seeds networkx ran on). rustworkx (compiled
blossom, optional: ``pip install -e .[bench-rustworkx]``) runs on every seed when installed;
it takes integer weights, so it gets ``round(w * 2**30)`` (exact on the 1/64 grid of
``office`` and the integers of ``ties``; on ``uniform`` and ``fitdiff`` the rounding can at
most change the optimum by ``n / 2**31``) and its matching is then weighed with the float
weights; "equal" counts matchings within ``1e-6`` of ours (``1e-9`` relative for networkx).
Under pytest-benchmark a few cells are run::

    PYTHONPATH=src python -m pytest benchmarks/bench_pairing_core.py -s --benchmark-only

Weight kinds (all symmetric, diagonal ignored):

* ``uniform``: ``(U + U.T) / 2`` with ``U ~ U[0, 1)`` (complete graph);
* ``ties``: integers in ``[-3, 9]`` (many exact ties and negative pairs, complete graph);
* ``office``: "office-like" masked values: 12 veileder types, a type-pair value on a 1/64
  grid plus per-veileder bonuses, minus a pair cost; about 60 % of pairs allowed
  (the structure of the slow cases reported by users: few distinct values, many odd cycles);
* ``fitdiff``: differences of fit values on a 0.1 grid (``0.1 + 0.2``-style round-off),
  masked; this kind crashed the dual recovery before.
"""

from __future__ import annotations

import argparse
import statistics
import time

import networkx as nx
import numpy as np
import pytest

try:  # optional reference (extra "bench-rustworkx")
    import rustworkx as rx
except ImportError:  # pragma: no cover - depends on the environment
    rx = None

from navkompetanse.optimize import max_weight_pairing

__all__: list = []

KINDS = ("uniform", "ties", "office", "fitdiff")


def instance(kind: str, n: int, seed: int):
    """``(weights, allowed)`` of one benchmark instance (``allowed`` None = complete)."""
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        w = rng.random((n, n))
        return (w + w.T) / 2, None
    if kind == "ties":
        w = np.triu(rng.integers(-3, 10, size=(n, n)).astype(float), 1)
        return w + w.T, None
    mask = np.triu(rng.random((n, n)) < 0.6, 1)
    mask = mask | mask.T
    if kind == "office":
        types = rng.integers(0, 12, size=n)
        T = np.round(rng.normal(2.0, 1.2, size=(12, 12)) * 64) / 64
        T = (T + T.T) / 2
        bonus = rng.choice([0.0, 0.25, 0.5, 1.0], size=n)
        w = T[types][:, types] + bonus[:, None] + bonus[None, :] - 0.25
        w[types[:, None] == types[None, :]] -= 1.5  # same type: little complementarity
        return w, mask
    if kind == "fitdiff":
        fit = np.round(rng.random((n, 4)) * 10) / 10  # fit values 0.0, 0.1, ..., 1.0
        best = np.maximum(fit[:, None, :], fit[None, :, :]).sum(axis=2)
        w = best - fit.sum(axis=1)[:, None] / 2 - fit.sum(axis=1)[None, :] / 2
        return w, mask
    raise ValueError(kind)


def networkx_matching(w, allowed=None):
    """``(weight, seconds)`` of networkx.max_weight_matching (graph building not timed)."""
    n = len(w)
    iu, ju = np.triu_indices(n, 1)
    keep = w[iu, ju] > 0
    if allowed is not None:
        keep &= allowed[iu, ju]
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_weighted_edges_from(
        zip(iu[keep].tolist(), ju[keep].tolist(), w[iu, ju][keep].tolist(), strict=True)
    )
    t = time.perf_counter()
    m = nx.max_weight_matching(G)
    return float(sum(w[a, b] for a, b in m)), time.perf_counter() - t


#: Integer scale of the weights given to rustworkx (it takes int weights only).
RX_SCALE = 2**30


def rustworkx_matching(w, allowed=None):
    """``(weight, seconds)`` of rustworkx.max_weight_matching on ``round(w * RX_SCALE)``
    (graph building not timed; the weight is recomputed from the float ``w``), or None when
    rustworkx is not installed."""
    if rx is None:
        return None
    n = len(w)
    iu, ju = np.triu_indices(n, 1)
    keep = w[iu, ju] > 0
    if allowed is not None:
        keep &= allowed[iu, ju]
    G = rx.PyGraph()
    G.add_nodes_from(range(n))
    iw = np.round(w[iu, ju][keep] * RX_SCALE).astype(np.int64)
    G.add_edges_from(list(zip(iu[keep].tolist(), ju[keep].tolist(), iw.tolist(), strict=True)))
    t = time.perf_counter()
    m = rx.max_weight_matching(G, weight_fn=int)
    return float(sum(w[a, b] for a, b in m)), time.perf_counter() - t


def run_cell(kind, n, seeds, nx_seeds):
    """Time ours and rustworkx on every seed and networkx on the first ``nx_seeds``."""
    ours, theirs, equal, worst = [], [], [], (0.0, None)
    cpu, rx_t, rx_equal = [], [], []
    for seed in seeds:
        w, allowed = instance(kind, n, seed)
        t, c = time.perf_counter(), time.process_time()
        sol = max_weight_pairing(w, allowed=allowed)
        dt = time.perf_counter() - t
        cpu.append(time.process_time() - c)
        ours.append(dt)
        if dt > worst[0]:
            worst = (dt, seed)
        if len(theirs) < nx_seeds:
            ref, tn = networkx_matching(w, allowed)
            theirs.append(tn)
            equal.append(abs(ref - sol.weight) <= 1e-9 * max(1.0, abs(ref)))
        r = rustworkx_matching(w, allowed)
        if r is not None:
            rx_t.append(r[1])
            rx_equal.append(abs(r[0] - sol.weight) <= 1e-6)
    return {
        "kind": kind,
        "n": n,
        "seeds": len(ours),
        "max": max(ours),
        "median": statistics.median(ours),
        "worst_seed": worst[1],
        "nx_runs": len(theirs),
        "nx_median": statistics.median(theirs) if theirs else float("nan"),
        "ratio": (statistics.median(theirs) / statistics.median(ours[: len(theirs)]))
        if theirs
        else float("nan"),
        "equal": f"{sum(equal)}/{len(equal)}",
        "cpu_max": max(cpu),
        "rx_median": statistics.median(rx_t) if rx_t else float("nan"),
        "rx_max": max(rx_t) if rx_t else float("nan"),
        "rx_ratio": statistics.median(rx_t) / statistics.median(ours) if rx_t else float("nan"),
        "rx_equal": f"{sum(rx_equal)}/{len(rx_equal)}",
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--nx400", type=int, default=2, help="networkx runs per cell at n > 200")
    ap.add_argument("--nx", type=int, default=5, help="networkx runs per cell at 150 <= n <= 200")
    ap.add_argument("--sizes", default="50,100,150,200,400")
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args(argv)
    print("| kind | n | seeds | ours max | ours max cpu | ours median | worst seed "
          "| networkx median (runs) | ratio (median) | equal weight | rustworkx median "
          "| rustworkx max | ratio rustworkx | equal weight rustworkx |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in args.kinds.split(","):
        for n in map(int, args.sizes.split(",")):
            nxs = args.seeds if n <= 100 else (args.nx if n <= 200 else args.nx400)
            r = run_cell(kind, n, range(args.seeds), nxs)
            print(f"| {kind} | {n} | {r['seeds']} | {r['max']:.3f} s | {r['cpu_max']:.3f} s "
                  f"| {r['median']:.3f} s | {r['worst_seed']} "
                  f"| {r['nx_median']:.2f} s ({r['nx_runs']}) | {r['ratio']:.0f}x | {r['equal']} "
                  f"| {r['rx_median']:.3f} s | {r['rx_max']:.3f} s | {r['rx_ratio']:.1f}x "
                  f"| {r['rx_equal']} |", flush=True)


@pytest.mark.parametrize(
    "kind,n,seed,with_nx",
    [("uniform", 100, 0, True), ("uniform", 400, 4, True), ("ties", 200, 0, True),
     ("office", 150, 1, True), ("fitdiff", 150, 0, True), ("office", 400, 0, False),
     ("fitdiff", 400, 10, False)],
)
def test_pairing(benchmark, kind, n, seed, with_nx):
    """networkx on the cells it finishes in under a minute; rustworkx where installed."""
    w, allowed = instance(kind, n, seed)
    t = time.perf_counter()
    s = benchmark.pedantic(lambda: max_weight_pairing(w, allowed=allowed), rounds=1,
                           iterations=1)
    ours = time.perf_counter() - t
    line = f"\npairing {kind} n={n} seed={seed}: ours {ours:.3f}s"
    if with_nx:
        ref, tn = networkx_matching(w, allowed)
        line += (f" networkx {tn:.2f}s ratio {tn / ours:.0f}x weights equal: "
                 f"{abs(ref - s.weight) < 1e-9}")
        assert abs(ref - s.weight) < 1e-9 * max(1.0, abs(ref))
    r = rustworkx_matching(w, allowed)
    if r is not None:
        line += (f" rustworkx {r[1]:.3f}s ratio {r[1] / ours:.1f}x weights equal: "
                 f"{abs(r[0] - s.weight) <= 1e-6}")
        assert abs(r[0] - s.weight) <= 1e-6
    print(line)


if __name__ == "__main__":
    main()
