"""Shared references for the GAP tests: HiGHS milp on the full model and tiny random instances."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_optimize_gap import run_milp  # noqa: E402  (the benchmark's own milp reference)


def milp_ref(p, W, C, sense):
    """Optimum of the full GAP by ``scipy.optimize.milp``, or None when it is infeasible."""
    obj = run_milp(p, W, C, sense, None)["objective"]
    return None if np.isnan(obj) else obj


def tiny_classic(rng, n_max):
    """Integer classic GAP small enough for brute force: 2..n_max items, 2-3 agents."""
    n, m = int(rng.integers(2, n_max + 1)), int(rng.integers(2, 4))
    c = rng.integers(0, 30, size=(n, m)).astype(float)
    W = rng.integers(1, 10, size=(n, m))
    C = np.maximum(np.floor(0.9 * W.sum(axis=0) / m), W.min(axis=0)).astype(float)
    return n, m, c, W, C
