"""GAP benchmarks: OR-Library, Chu-Beasley/Yagiura types A-E and the office case vs HiGHS milp.

Run: ``PYTHONPATH=src python -m pytest benchmarks/bench_optimize_gap.py -s --benchmark-only``.
Environment: ``BENCH_TYPED`` (comma separated instance names, default a representative subset,
``all`` for every A-E instance), ``BENCH_TL`` (time limit for types A-E, default 10 s),
``BENCH_MILP_OFFICE_TL`` (milp limit on the office case, default 20 s), ``CPSAT_WORKERS``
(CP-SAT search workers, default 2 = this machine's cores).

OR-Tools CP-SAT is a third reference on types A-E when it is installed
(``pip install '.[bench-cpsat]'``); without it that column is left out and the run says so.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gapdata import (  # noqa: E402  (run_milp: the one milp reference, in tests/gap_reference.py)
    DATA_DIR,
    office_instance,
    orlib_instances,
    read_best_known,
    run_milp,
    typed_instances,
)

from navkompetanse.optimize import solve_gap  # noqa: E402

__all__ = ["run_ours", "run_milp", "run_cpsat"]


def run_ours(profit, weight, capacity, sense, time_limit, **kw):
    t = time.perf_counter()
    r = solve_gap(profit, weight, capacity, sense=sense, time_limit=time_limit, **kw)
    return {"objective": r.objective, "bound": r.bound, "gap": r.gap, "status": r.status,
            "time": time.perf_counter() - t, "stats": r.stats}


def run_cpsat(profit, weight, capacity, sense, time_limit):
    """OR-Tools CP-SAT on the same GAP (integer data), or None when ortools is missing."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return None
    n, m = profit.shape
    W = np.broadcast_to(weight[:, None], (n, m)) if weight.ndim == 1 else weight
    if not (np.array_equal(W, np.round(W)) and np.array_equal(profit, np.round(profit))
            and np.array_equal(capacity, np.round(capacity))):
        return None  # CP-SAT takes integer coefficients only
    t = time.perf_counter()
    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{i}_{j}") for j in range(m)] for i in range(n)]
    for i in range(n):
        model.add_exactly_one(x[i])
    for j in range(m):
        model.add(sum(int(W[i, j]) * x[i][j] for i in range(n)) <= int(capacity[j]))
    obj = sum(int(profit[i, j]) * x[i][j] for i in range(n) for j in range(m))
    (model.maximize if sense == "max" else model.minimize)(obj)
    solver = cp_model.CpSolver()
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = int(os.environ.get("CPSAT_WORKERS", "2"))
    st = solver.solve(model)
    dt = time.perf_counter() - t
    found = st in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return {"objective": solver.objective_value if found else float("nan"),
            "bound": solver.best_objective_bound, "status": solver.status_name(st),
            "time": dt}


needs_data = pytest.mark.skipif(not DATA_DIR.is_dir(), reason=f"no GAP data at {DATA_DIR}")


@needs_data
def test_orlib_vs_milp(benchmark):
    best = read_best_known()
    insts = orlib_instances()

    def run():
        rows = []
        for inst in insts:
            for sense in ("max", "min"):
                bk = float(best[(inst.name, sense)]["best_known"])
                o = run_ours(inst.profit, inst.weight, inst.capacity, sense, None)
                h = run_milp(inst.profit, inst.weight, inst.capacity, sense, None)
                rows.append((inst.name, sense, bk, o, h))
        return rows

    rows = benchmark.pedantic(run, rounds=1, iterations=1)
    ok = sum(o["status"] == "optimal" and o["objective"] == bk for _, _, bk, o, _ in rows)
    t_o = sum(o["time"] for *_, o, _ in rows)
    t_h = sum(h["time"] for *_, h in rows)
    print(f"\nOR-Library gap1-12, {len(rows)} problems (max and min)")
    print(f"proven optimal and equal to best known: {ok}/{len(rows)}")
    print(f"total time ours {t_o:.2f} s, milp {t_h:.2f} s, ratio ours/milp {t_o / t_h:.2f}")
    cl = [o["stats"].get("classic", {}) for *_, o, _ in rows]
    at_root = sum(1 for s in cl if not s.get("nodes"))
    used_milp = sum(1 for s in cl if "mip_status" in s)
    print(f"closed without branching: {at_root}/{len(rows)}; B&B nodes total "
          f"{sum(s.get('nodes') or 0 for s in cl)}; instances that needed milp: {used_milp}")
    worst = sorted(rows, key=lambda r: -r[3]["time"])[:5]
    for name, sense, _bk, o, h in worst:
        print(f"  slowest: {name} {sense} ours {o['time']:.3f}s milp {h['time']:.3f}s")
    assert ok == len(rows)


DEFAULT_TYPED = "a10200,b10200,c10200,d10200,e10200,c801600,d801600,e801600"


@needs_data
def test_types_a_e(benchmark):
    names = os.environ.get("BENCH_TYPED", DEFAULT_TYPED)
    tl = float(os.environ.get("BENCH_TL", "10"))
    items = typed_instances(names=None if names == "all" else names.split(","))

    def run():
        out = []
        for inst, row in items:
            o = run_ours(inst.profit, inst.weight, inst.capacity, "min", tl)
            h = run_milp(inst.profit, inst.weight, inst.capacity, "min", tl)
            s = run_cpsat(inst.profit, inst.weight, inst.capacity, "min", tl)
            out.append((inst.name, float(row["best_known"]), o, h, s))
        return out

    rows = benchmark.pedantic(run, rounds=1, iterations=1)
    has_cpsat = any(s is not None for *_, s in rows)
    cpsat = (f"CP-SAT with {os.environ.get('CPSAT_WORKERS', '2')} workers" if has_cpsat
             else "CP-SAT: ortools not installed, skipped")
    print(f"\nTypes A-E, min, time limit {tl:g} s ({cpsat})")
    print(f"{'instance':10} {'best':>8} {'ours':>8} {'gap%':>6} {'bound':>10} {'bgap%':>6} "
          f"{'t[s]':>6} {'milp':>8} {'gap%':>6} {'bound':>10} {'t[s]':>6}"
          + (f" {'cpsat':>8} {'gap%':>6} {'bound':>10} {'t[s]':>6}" if has_cpsat else ""))
    worst: dict = {}
    for name, bk, o, h, s in rows:
        go = 100 * (o["objective"] - bk) / bk
        gh = 100 * (h["objective"] - bk) / bk
        bg = 100 * (o["objective"] - o["bound"]) / o["objective"]
        worst[name[0]] = max(worst.get(name[0], -1.0), go)
        line = (f"{name:10} {bk:8.0f} {o['objective']:8.0f} {go:6.2f} {o['bound']:10.1f} "
                f"{bg:6.2f} {o['time']:6.2f} {h['objective']:8.0f} {gh:6.2f} "
                f"{h['bound']:10.1f} {h['time']:6.2f}")
        if s is not None:
            gs = 100 * (s["objective"] - bk) / bk
            line += (f" {s['objective']:8.0f} {gs:6.2f} {s['bound']:10.1f} {s['time']:6.2f}")
        print(line)
    target = {"a": 0.5, "b": 0.5, "c": 0.5, "d": 1.5, "e": 0.5}
    for t_, g in sorted(worst.items()):
        print(f"type {t_.upper()}: worst gap to best known {g:.2f} % (target {target[t_]} %) "
              f"{'met' if g <= target[t_] else 'NOT met'}")


@pytest.mark.parametrize("n,m,limit", [(1800, 25, 0.3), (10000, 60, 1.0), (10000, 150, 2.0)])
def test_office(benchmark, n, m, limit):
    p, w, C = office_instance(n, m, seed=0)
    o = benchmark.pedantic(lambda: run_ours(p, w, C, "max", limit, rel_gap=1e-3),
                           rounds=1, iterations=1)
    mtl = float(os.environ.get("BENCH_MILP_OFFICE_TL", "20"))
    h = run_milp(p, w, C, "max", mtl) if n * m <= 600_000 else None
    print(f"\noffice {n}x{m}: ours obj {o['objective']:.3f} bound {o['bound']:.3f} gap "
          f"{100 * o['gap']:.3f}% time {o['time']:.3f}s status {o['status']}")
    if h is not None:
        print(f"  milp (limit {mtl:g}s): obj {h['objective']:.3f} gap {100 * h['gap']:.3f}% "
              f"time {h['time']:.2f}s")


def test_office_scaling(benchmark):
    def run():
        out = []
        for n in (1000, 2000, 5000, 10000, 20000, 50000):
            p, w, C = office_instance(n, 60, seed=0)
            out.append((n, run_ours(p, w, C, "max", None, rel_gap=1e-3)))
        return out

    rows = benchmark.pedantic(run, rounds=1, iterations=1)
    print("\noffice scaling, 60 agents, rel_gap 1e-3, no time limit")
    for n, o in rows:
        print(f"  n={n:6d} time {o['time']:.3f}s gap {100 * o['gap']:.4f}% {o['status']}")
