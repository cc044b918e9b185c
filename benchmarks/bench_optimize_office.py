"""Office-case GAP benchmark (weight per item) against HiGHS ``milp`` in the same run.

Run: ``PYTHONPATH=src python -m pytest benchmarks/bench_optimize_office.py -s --benchmark-only``.
Two instance families (both from ``tests/gap_reference.py``): ``real`` (synthetic offices
scored by the library, ``real_office_instance``) and ``random`` (``office_instance``,
continuous profits: the items do not compress into classes).  Environment:
``BENCH_MILP_OFFICE_TL`` (milp limit, default 20 s), ``BENCH_MILP_LONG`` (set to 1 to also
run milp 60 s on 10,000 x 60 once),
``BENCH_MILP_MAX`` (largest n*m given to milp, default 1,500,000).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_optimize_gap import run_milp, run_ours  # noqa: E402
from gapdata import office_instance, real_office_instance  # noqa: E402

GEN = {"real": real_office_instance, "random": office_instance}
MTL = float(os.environ.get("BENCH_MILP_OFFICE_TL", "20"))
MILP_MAX = int(os.environ.get("BENCH_MILP_MAX", "1500000"))


def _row(kind, n, m, limit, o, h, mtl):
    hs = "not run" if h is None else (
        "no solution" if h["gap"] == float("inf") else f"{100 * h['gap']:.3f} %")
    ratio = "" if h is None else f"{h['time'] / o['time']:.0f}x"
    lim = "none" if limit is None else f"{limit:g}s"
    print(f"{kind:6} {n:>6}x{m:<4} {lim:>5} {o['time']:7.3f}s {100 * o['gap']:8.4f} % "
          f"{o['status']:10} | milp {mtl:g}s: {hs:>12} {ratio}")


@pytest.mark.parametrize("kind", ["real", "random"])
@pytest.mark.parametrize("n,m,limit", [(1800, 25, 0.3), (10000, 60, 1.0), (10000, 150, 2.0)])
def test_office_targets(benchmark, kind, n, m, limit):
    p, w, C = GEN[kind](n, m, seed=0)
    o = benchmark.pedantic(lambda: run_ours(p, w, C, "max", limit, rel_gap=1e-3),
                           rounds=1, iterations=1)
    h = run_milp(p, w, C, "max", MTL) if n * m <= MILP_MAX else None
    _row(kind, n, m, limit, o, h, MTL)
    if kind == "real" and n == 10000 and m == 60 and os.environ.get("BENCH_MILP_LONG"):
        h60 = run_milp(p, w, C, "max", 60.0)
        _row(kind, n, m, limit, o, h60, 60.0)


@pytest.mark.parametrize("kind", ["real", "random"])
def test_office_scaling(benchmark, kind):
    sizes = (1000, 2000, 5000, 10000, 20000, 50000)

    def run():
        return [(n, run_ours(*GEN[kind](n, 60, seed=0), "max", None)) for n in sizes]

    rows = benchmark.pedantic(run, rounds=1, iterations=1)
    print(f"\n{kind} office scaling, 60 agents, default rel_gap 1e-4, no time limit")
    for n, o in rows:
        print(f"  n={n:6d} time {o['time']:.3f}s gap {100 * o['gap']:.4f}% {o['status']}")
