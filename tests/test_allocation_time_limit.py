"""The allocation's plan of last resort when the time limit comes before the class LP:
the greedy plan keeps every limit, its bound is certified, and the status says why."""

from __future__ import annotations

import dataclasses
import time
import warnings

import numpy as np
import pytest
from gap_reference import within_time_limit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from navkompetanse.allocation import allocate_portfolios, solve
from navkompetanse.allocation.class_lp import solve_class_lp
from navkompetanse.allocation.model import (
    build_model,
    exact_milp,
    model_violations,
    resolve_units,
)
from navkompetanse.exceptions import CapacityWarning
from navkompetanse.policy import Policy
from navkompetanse.synthetic import synthetic_office


def _model(n_v: int, n_b: int, seed: int, *, check: bool = True, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        o = synthetic_office(n_v, n_b, seed=seed)
    model, diagnoses, _ = build_model(o, resolve_units(o, None), Policy(), **kw)
    assert not (check and diagnoses)
    return o, model if not diagnoses else None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n_v=st.integers(3, 12), per=st.integers(10, 40),
       moves=st.sampled_from([None, 5, 40]))
def test_greedy_plan_keeps_every_limit_and_bounds_are_certified(seed, n_v, per, moves):
    _, model = _model(n_v, n_v * per, seed, check=False, max_moves=moves)
    assume(model is not None)  # a moves budget below the forced moves is diagnosed before
    x = solve.greedy_plan(model, time.perf_counter() + 30)
    lp = solve_class_lp(model)
    if x is None:  # allowed (the exact methods take over); never a plan that breaks a rule
        return
    assert model_violations(model, x) == []
    obj = model.objective(x)
    trivial = solve.trivial_bound(model)
    cap_bound = solve.capacity_bound(model, time.perf_counter() + 30, obj)
    # both are relaxations of the class LP (which holds every row): never below its value
    assert trivial >= cap_bound - 1e-9
    assert cap_bound >= lp.stats["lp_value"] - 1e-6 * max(1.0, abs(obj))
    assert cap_bound >= obj - 1e-9


def test_capacity_bound_is_at_least_the_exact_optimum():
    _, model = _model(5, 60, seed=3)
    exact = exact_milp(model, time_limit=20)
    assert exact.status == "optimal"
    x = solve.greedy_plan(model, time.perf_counter() + 30)
    # the greedy may find no plan here (allowed: the exact methods take over); the bound is
    # then aimed at the exact optimum itself, and must still not fall below it
    assert x is None or model.objective(x) <= exact.objective + 1e-9
    target = model.objective(x) if x is not None else exact.objective
    bound = solve.capacity_bound(model, time.perf_counter() + 30, target)
    assert bound >= exact.objective - 1e-9


def test_no_time_for_the_lp_gives_the_greedy_plan_with_status_time_limit(monkeypatch):
    _, model = _model(40, 1500, seed=3)
    monkeypatch.setattr(solve, "LP_FULL_S_PER_CELL", 1.0)  # as if the limit were short
    monkeypatch.setattr(solve, "LP_MIN_S_PER_CELL", 1.0)  # ... too short to start the LP
    out = solve.solve_model(model, time_limit=10, gap_tol=1e-3)
    assert out.stats["method"] == "greedy (time limit)"
    assert out.assignment is not None and model_violations(model, out.assignment) == []
    assert out.objective == pytest.approx(model.objective(out.assignment))
    lp = solve_class_lp(model)
    assert out.bound >= lp.stats["lp_value"] - 1e-6 * out.objective
    assert out.bound < solve.trivial_bound(model)  # the capacity prices tightened it
    gap = (out.bound - out.objective) / out.objective
    assert gap > 1e-3 and out.status == "time_limit"  # the limit stopped it above the target


def test_allocate_portfolios_with_the_greedy_plan_is_a_full_checked_result(monkeypatch):
    o, _ = _model(12, 400, seed=8)
    monkeypatch.setattr(solve, "LP_FULL_S_PER_CELL", 1.0)
    monkeypatch.setattr(solve, "LP_MIN_S_PER_CELL", 1.0)
    r = allocate_portfolios(o, time_limit=10, lang="en")
    assert r.ok and r.status == "time_limit"
    assert set(r.assignment) == {b.id for b in o.brukere} and not r.unassigned
    assert r.bound >= r.objective and np.isfinite(r.gap) and r.gap > 0
    assert r.violations == ()


def test_greedy_needs_its_time_and_then_the_lp_runs_all_the_same(monkeypatch):
    """When even the greedy does not fit in the time (or finds no plan), the LP is tried
    with what is left rather than giving up."""
    _, model = _model(12, 400, seed=8)
    monkeypatch.setattr(solve, "LP_FULL_S_PER_CELL", 1.0)
    monkeypatch.setattr(solve, "LP_MIN_S_PER_CELL", 1.0)
    monkeypatch.setattr(solve, "GREEDY_S_PER_CELL", 1.0)
    out = solve.solve_model(model, time_limit=10)
    assert out.stats["greedy"] == "no plan" and out.stats["method"].startswith("class-lp")
    assert out.assignment is not None and model_violations(model, out.assignment) == []
    assert out.status in ("optimal", "feasible")


def test_large_office_gets_a_distribution_within_half_a_second():
    """Issue 10 §4: 10,000 brukere × 150 veiledere with ``time_limit=0.5`` (before: no plan
    whenever the LP's first round did not finish)."""
    o, _ = _model(150, 10_000, seed=5)
    t, c = time.perf_counter(), time.process_time()
    r = allocate_portfolios(o, time_limit=0.5)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert within_time_limit(wall, cpu, 0.5 + 0.1)  # + the documented start-up
    if cpu < 0.6 * wall:
        pytest.skip("the machine starved the process; only the limit was checked")
    assert r.ok, r.stats
    assert r.status in ("feasible", "time_limit", "optimal") and r.bound >= r.objective


def test_a_short_limit_keeps_the_better_of_greedy_and_rounding(monkeypatch):
    """With the greedy built first (a short limit) and the LP finishing, the rounded LP plan
    (better here) is the answer, its bound the LP's."""
    _, model = _model(40, 1500, seed=3)
    monkeypatch.setattr(solve, "LP_FULL_S_PER_CELL", 1.0)
    out = solve.solve_model(model, time_limit=10, gap_tol=1e-3)
    assert out.stats["greedy"] == "plan" and out.stats["method"] == "class-lp"
    greedy = solve.greedy_plan(model, time.perf_counter() + 30)
    assert out.objective >= model.objective(greedy)
    assert out.status in ("optimal", "feasible") and model_violations(model, out.assignment) == []


def _unproven(calls: list, real=None, fail: int = 10**9):
    """A stand-in for solve_model: ``fail`` times no plan and no proof, then the real one."""
    def fake(model, *, time_limit, seed=0, gap_tol=1e-3, grace=0.0):
        calls.append(seed)
        if len(calls) <= fail or real is None:
            time.sleep(min(0.05, max(time_limit, 0.0)))
            return solve.SolveOutcome(None, float("nan"), np.inf, "infeasible", "",
                                      {"proof": "none"})
        return real(model, time_limit=time_limit, seed=seed, gap_tol=gap_tol, grace=grace)
    return fake


def test_no_plan_without_a_proof_is_not_infeasible_the_search_goes_on(monkeypatch):
    """A solve that finds no plan and proves nothing does not make the office infeasible:
    the allocation searches on with other seeds and keeps the plan it then finds."""
    from navkompetanse.allocation import propose

    office = synthetic_office(8, 300, seed=2)
    calls: list = []
    monkeypatch.setattr(propose, "solve_model", _unproven(calls, solve.solve_model, fail=2))
    result = allocate_portfolios(office, time_limit=10)
    assert result.ok and calls == [0, 1, 2]
    assert result.stats["attempts"] == 3
    assert set(result.assignment) == {b.id for b in office.brukere}


def test_no_plan_and_no_proof_by_the_limit_is_time_limit_at_the_limit(monkeypatch):
    from navkompetanse.allocation import propose

    office = synthetic_office(8, 300, seed=2)
    calls: list = []
    monkeypatch.setattr(propose, "solve_model", _unproven(calls))
    started = time.perf_counter()
    result = allocate_portfolios(office, time_limit=0.5)
    wall = time.perf_counter() - started
    assert result.status == "time_limit" and not result.ok and result.assignment == {}
    assert len(calls) > 2 and wall >= 0.45  # it searched until the limit, not stopped early
    assert "Fant ingen fordeling innen tidsgrensen" in result.messages["nb"]


def test_a_rounding_the_clock_stopped_falls_back_on_the_greedy_within_the_grace(monkeypatch):
    """The LP path (no greedy first), its rounding stopped by the clock while it lifted the
    floors, no time for the fallback: without grace there is no plan; with the caller's
    reserve as grace, the greedy plan of last resort (a 0.8-s limit at 10,000 × 150 had
    no plan on a loaded machine)."""
    _, model = _model(30, 1200, seed=4)
    grace = [0.0]
    fast = solve.lift_floors_fast
    calls: list = []

    def stopped(st, until):  # the clock runs out (the solve's own deadline) while lifting
        time.sleep(max(until - grace[0] - time.perf_counter(), 0.0) + 0.01)
        return False

    def fast_not_for_the_rounding(model, x, until):  # the rounding's quick lift fails too
        calls.append(until)
        if len(calls) > 1:
            fast(model, x, until)

    monkeypatch.setattr(solve, "lift_floors", stopped)
    monkeypatch.setattr(solve, "lift_floors_fast", fast_not_for_the_rounding)
    monkeypatch.setattr(solve, "_milp_plan", lambda *a: None)  # no exact milp on it
    monkeypatch.setattr(solve, "FALLBACK_MIN_S", 1e9)  # no time for the priced fallback
    model = dataclasses.replace(model, floor=np.maximum(model.floor, 1.0))  # floors to lift
    none = solve.solve_model(model, time_limit=0.5, grace=0.0)
    assert none.assignment is None and none.status == "time_limit"
    assert none.stats["fallback"] == "no time left"
    calls.clear()
    grace[0] = 2.0
    out = solve.solve_model(model, time_limit=0.5, grace=2.0)
    assert out.stats["fallback"] == "greedy plan of last resort", out.stats
    assert out.assignment is not None and model_violations(model, out.assignment) == []
    assert out.status == "time_limit" and out.bound >= out.objective


def test_with_no_plan_in_hand_the_rounding_may_lift_floors_in_the_grace(monkeypatch):
    """No greedy plan (a long limit): the rounding's floor lift may run into the caller's
    grace (a plan rather than none; the overloaded 95 × 13,200 office at 0.5 s had none).
    With the greedy plan in hand (a short limit) it stops at the solve's own deadline."""
    _, model = _model(30, 1200, seed=4)
    real = solve.lift_floors
    seen: list = []

    def recording(st, until):
        seen.append(until - time.perf_counter())
        return real(st, until)

    monkeypatch.setattr(solve, "lift_floors", recording)
    model = dataclasses.replace(model, floor=np.maximum(model.floor, 1.0))
    solve.solve_model(model, time_limit=10, grace=3.0)
    assert seen and seen[0] > 11.0  # 10 s limit + 3 s grace, less what the LP took
    seen.clear()
    monkeypatch.setattr(solve, "LP_FULL_S_PER_CELL", 1.0)  # as if the limit were short:
    monkeypatch.setattr(solve, "LP_MIN_S_PER_CELL", 0.0)  # greedy first, then the LP
    solve.solve_model(model, time_limit=10, grace=3.0)
    assert seen and seen[0] < 10.0
