"""Smoke test: the benchmark helpers parse GAP files and run through the solver."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from gapdata import office_instance, parse_gap_text  # noqa: E402

from navkompetanse.optimize import solve_gap  # noqa: E402

TEXT = "1\n2 3\n1 2 3\n4 5 6\n2 2 2\n2 2 2\n4 4\n"


def test_parse_and_solve():
    (inst,) = parse_gap_text(TEXT, multi=True, name="tiny")
    assert inst.profit.shape == (3, 2) and inst.profit[:, 1].tolist() == [4, 5, 6]
    r = solve_gap(inst.profit, inst.weight, inst.capacity, sense="min")
    assert r.status == "optimal" and r.objective == 1 + 2 + 6


def test_office_generator_and_bench_path():
    from bench_optimize_gap import run_ours

    p, w, C = office_instance(200, 5, seed=0)
    assert p.min() >= 0 and p.max() <= 1 and C.sum() > w.sum()
    row = run_ours(p, w, C, "max", 1.0)
    assert row["status"] in ("optimal", "feasible") and np.isfinite(row["objective"])


def test_reference_runners_agree_with_ours_on_a_tiny_instance():
    """milp and (when ortools is installed) CP-SAT give the optimum the benchmark compares to."""
    from bench_optimize_gap import run_cpsat, run_milp

    (inst,) = parse_gap_text(TEXT, multi=True, name="tiny")
    h = run_milp(inst.profit, inst.weight, inst.capacity, "min", 5.0)
    assert h["objective"] == 9
    s = run_cpsat(inst.profit, inst.weight, inst.capacity, "max", 5.0)
    if s is None:
        pytest.skip("ortools not installed (optional extra bench-cpsat)")
    assert s["objective"] == 12  # two items on agent 1 (capacity 4, weight 2 each), one on 0
    assert s["status"] == "OPTIMAL" and s["bound"] == s["objective"]
