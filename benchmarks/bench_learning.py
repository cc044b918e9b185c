"""Learning network and learning plan speed, and the exact assignment against a greedy walk.

Target (issue 13): on ``synthetic_office(150, 10000)`` the network measures and the learning
plan take under 1 s together. The comparison runs the plan's two methods on the same office
in the same run: the exact assignment (``linear_sum_assignment`` over mentor slots) and the
greedy walk (best remaining relation first), reporting the time ratio and the benefit ratio.

Run::

    PYTHONPATH=src python -m pytest benchmarks/bench_learning.py --benchmark-only -s

Wall time beside CPU time and the load average, because the machine is shared.
"""

from __future__ import annotations

import os
import time

import pytest

from navkompetanse.analysis import learning_network, learning_plan
from navkompetanse.synthetic import synthetic_office

SIZES = [(25, 1800), (150, 10_000), (400, 25_000)]


@pytest.fixture(scope="module")
def office():
    return synthetic_office(150, 10_000, seed=0)


def both(office):
    return learning_network(office), learning_plan(office)


def test_network_and_plan_150x10000(benchmark, office):
    wall, cpu = time.perf_counter(), time.process_time()
    net, plan = benchmark(both, office)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    median = benchmark.stats.stats.median
    print(f"\nnetwork + plan 150x10000: median {median * 1000:.0f} ms "
          f"(network {net.stats['seconds'] * 1000:.0f} ms, plan {plan.stats['seconds'] * 1000:.0f}"
          f" ms: candidates {plan.stats['seconds_candidates'] * 1000:.0f} ms, assignment "
          f"{plan.stats['seconds_solve'] * 1000:.0f} ms); all rounds wall {wall:.2f} s, "
          f"CPU {cpu:.2f} s, load {os.getloadavg()[0]:.1f}")
    assert plan.status == "optimal" and plan.proposals
    assert median < 1.0, "target: network measures and learning plan under 1 s together"


@pytest.mark.parametrize(("n_v", "n_b"), SIZES)
def test_assignment_against_greedy(n_v, n_b):
    office = synthetic_office(n_v, n_b, seed=1)
    rows = {}
    for method in ("assignment", "greedy"):
        best = None
        for _ in range(5):
            wall, cpu = time.perf_counter(), time.process_time()
            plan = learning_plan(office, method=method)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if best is None or wall < best[0]:
                best = (wall, cpu, plan)
        rows[method] = best
    (wa, ca, exact), (wg, cg, greedy) = rows["assignment"], rows["greedy"]
    print(f"\n{n_v}x{n_b}: assignment {wa * 1000:.1f} ms (CPU {ca * 1000:.1f}), greedy "
          f"{wg * 1000:.1f} ms (CPU {cg * 1000:.1f}); time ratio exact/greedy "
          f"{wa / wg:.2f}; benefit exact {exact.benefit:.2f}, greedy {greedy.benefit:.2f}, "
          f"greedy/exact {greedy.benefit / exact.benefit:.4f}; solve only "
          f"{exact.stats['seconds_solve'] * 1000:.1f} vs {greedy.stats['seconds_solve'] * 1000:.1f}"
          f" ms; load {os.getloadavg()[0]:.1f}")
    assert greedy.benefit <= exact.benefit + 1e-9
