"""Pairing benchmark: max_weight_pairing vs networkx.max_weight_matching.

Run the table (docs/performance.md, section Pairing)::

    cd /work/main && PYTHONPATH=src python benchmarks/bench_pairing_core.py

(``--seeds K`` seeds per cell, default 20; networkx runs on every seed for n <= 100, on the
first ``--nx`` seeds (default 5) for n = 150, 200 and the first ``--nx400`` (default 2) at
n = 400; "ratio" compares medians over the seeds networkx ran on).
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


def run_cell(kind, n, seeds, nx_seeds):
    """Time ours on every seed and networkx on the first ``nx_seeds``; returns a row dict."""
    ours, theirs, equal, worst = [], [], [], (0.0, None)
    for seed in seeds:
        w, allowed = instance(kind, n, seed)
        t = time.perf_counter()
        sol = max_weight_pairing(w, allowed=allowed)
        dt = time.perf_counter() - t
        ours.append(dt)
        if dt > worst[0]:
            worst = (dt, seed)
        if len(theirs) < nx_seeds:
            ref, tn = networkx_matching(w, allowed)
            theirs.append(tn)
            equal.append(abs(ref - sol.weight) <= 1e-9 * max(1.0, abs(ref)))
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
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--nx400", type=int, default=2, help="networkx runs per cell at n > 200")
    ap.add_argument("--nx", type=int, default=5, help="networkx runs per cell at 150 <= n <= 200")
    ap.add_argument("--sizes", default="50,100,150,200,400")
    ap.add_argument("--kinds", default=",".join(KINDS))
    args = ap.parse_args(argv)
    print("| kind | n | seeds | ours max | ours median | worst seed | networkx median (runs) "
          "| ratio (median) | equal weight |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in args.kinds.split(","):
        for n in map(int, args.sizes.split(",")):
            nxs = args.seeds if n <= 100 else (args.nx if n <= 200 else args.nx400)
            r = run_cell(kind, n, range(args.seeds), nxs)
            print(f"| {kind} | {n} | {r['seeds']} | {r['max']:.3f} s | {r['median']:.3f} s "
                  f"| {r['worst_seed']} | {r['nx_median']:.2f} s ({r['nx_runs']}) "
                  f"| {r['ratio']:.0f}x | {r['equal']} |", flush=True)


@pytest.mark.parametrize(
    "kind,n,seed",
    [("uniform", 100, 0), ("uniform", 400, 4), ("ties", 200, 0), ("office", 150, 1),
     ("fitdiff", 150, 0)],
)
def test_pairing(benchmark, kind, n, seed):
    w, allowed = instance(kind, n, seed)
    t = time.perf_counter()
    s = benchmark.pedantic(lambda: max_weight_pairing(w, allowed=allowed), rounds=1,
                           iterations=1)
    ours = time.perf_counter() - t
    ref, tn = networkx_matching(w, allowed)
    print(f"\npairing {kind} n={n} seed={seed}: ours {ours:.3f}s networkx {tn:.2f}s "
          f"ratio {tn / ours:.0f}x  weights equal: {abs(ref - s.weight) < 1e-9}")
    assert abs(ref - s.weight) < 1e-9 * max(1.0, abs(ref))


if __name__ == "__main__":
    main()
