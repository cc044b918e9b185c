"""Pairing benchmark: max_weight_pairing vs networkx.max_weight_matching.

Run: ``PYTHONPATH=src python -m pytest benchmarks/bench_pairing_core.py -s --benchmark-only``.
"""

import time

import networkx as nx
import numpy as np
import pytest

from navkompetanse.optimize import max_weight_pairing

__all__: list = []


def _nx(w):
    n = len(w)
    G = nx.Graph()
    iu, ju = np.triu_indices(n, 1)
    G.add_weighted_edges_from(zip(iu.tolist(), ju.tolist(), w[iu, ju].tolist(), strict=True))
    t = time.perf_counter()
    m = nx.max_weight_matching(G)
    return sum(w[a, b] for a, b in m), time.perf_counter() - t


@pytest.mark.parametrize("n,seed", [(100, 0), (200, 0), (400, 0), (400, 1), (400, 4)])
def test_pairing(benchmark, n, seed):
    rng = np.random.default_rng(seed)
    w = rng.random((n, n))
    w = (w + w.T) / 2
    t = time.perf_counter()
    s = benchmark.pedantic(lambda: max_weight_pairing(w), rounds=1, iterations=1)
    ours = time.perf_counter() - t
    ref, tn = _nx(w)
    print(f"\npairing n={n} seed={seed}: ours {ours:.3f}s networkx {tn:.2f}s "
          f"ratio {tn / ours:.0f}x  weights equal: {abs(ref - s.weight) < 1e-9}")
    assert abs(ref - s.weight) < 1e-9
