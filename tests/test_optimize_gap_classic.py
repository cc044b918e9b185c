"""Tests for the classic GAP engine (weight per item and agent): knapsack DP, Lagrangian
bound, Lagrangian fixing, branch and bound, time-limited search."""

import itertools
import time

import numpy as np
import pytest
from gap_reference import (
    DATA_DIR,
    milp_ref,
    read_best_known,
    read_gap_file,
    tiny_classic,
    within_time_limit,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from navkompetanse.optimize import solve_gap
from navkompetanse.optimize._gap_classic import _Lag, _lns, _lp_start, _tabu, knapsack


# ----------------------------------------------------------------------------- helpers
def brute_knapsack(v, w, cap):
    best = 0.0
    for take in itertools.product((0, 1), repeat=len(v)):
        t = np.array(take, dtype=bool)
        if w[t].sum() <= cap:
            best = max(best, float(v[t].sum()))
    return best


def brute_gap(c, W, C, fixed=None):
    """Min-form optimum by enumeration; ``fixed=(i, j, val)`` forces x_ij = val."""
    n, m = c.shape
    best = np.inf
    for a in itertools.product(range(m), repeat=n):
        a = np.array(a)
        if fixed is not None:
            i, j, val = fixed
            if (a[i] == j) != bool(val):
                continue
        load = np.bincount(a, weights=W[np.arange(n), a], minlength=m)
        if (load <= C).all():
            best = min(best, float(c[np.arange(n), a].sum()))
    return best


def random_classic(rng, n, m, tight=0.8, integer_profit=True):
    p = rng.integers(5, 50, size=(n, m)).astype(float)
    if not integer_profit:
        p = p + rng.random((n, m))
    W = rng.integers(1, 20, size=(n, m)).astype(float)
    C = np.floor(tight * W.sum(axis=0) / m).astype(float)
    return p, W, C


# ----------------------------------------------------------------------------- knapsack DP
@settings(max_examples=200, deadline=None)
@given(st.integers(0, 9), st.integers(0, 40), st.integers(0, 10**6))
def test_knapsack_matches_brute_force(k, cap, seed):
    rng = np.random.default_rng(seed)
    v = rng.integers(-5, 20, size=k).astype(float)
    w = rng.integers(0, 15, size=k)
    val, take = knapsack(v, w, cap)
    assert val == pytest.approx(brute_knapsack(v, w, cap))
    assert w[take].sum() <= cap
    assert v[take].sum() == pytest.approx(val)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_batched_lagrangian_matches_per_agent_knapsacks(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 12)), int(rng.integers(1, 5))
    c = rng.integers(0, 30, size=(n, m)).astype(float)
    W = rng.integers(1, 12, size=(n, m))
    C = rng.integers(0, 40, size=m).astype(float)
    keep = rng.random((n, m)) < 0.8
    keep[np.arange(n), rng.integers(0, m, n)] = True
    keep[:, 0] |= keep.sum(axis=1) == 1  # keep every item free (>= 2 options) when m > 1
    u = rng.normal(20, 10, size=n)
    lag = _Lag(c, W, C)
    if not lag.setup(keep):
        return
    L, x = lag.value(u)
    ref = float(u[lag.free].sum()) + lag.const
    for j in range(m):
        items = np.flatnonzero(lag.fk[:, j])
        kv, _ = knapsack(u[items] - c[items, j], W[items, j], int(lag.Cr[j]))
        ref -= kv
        assert W[x[:, j], j].sum() <= lag.Cr[j]
    assert L == pytest.approx(ref, abs=1e-9)


# ----------------------------------------------------------------------------- bounds
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_lagrangian_bound_valid_and_tighter_than_lp(seed):
    rng = np.random.default_rng(seed)
    n, m, c, W, C = tiny_classic(rng, 6)
    opt = brute_gap(c, W, C)
    keep = np.ones((n, m), dtype=bool)
    lag = _Lag(c, W, C)
    assert lag.setup(keep)
    for _ in range(5):  # any multipliers give a lower bound (min form)
        L, _ = lag.value(rng.normal(15, 10, size=n))
        assert L <= opt + 1e-9
    s, lb_lp, u_lp, _, _ = _lp_start(c, W, C, keep)
    if s == "ok":
        L, _ = lag.value(u_lp)
        assert L <= opt + 1e-9
        assert L >= lb_lp - 1e-6  # knapsack Lagrangian at the LP duals >= LP bound


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6))
def test_forced_bounds_never_cut_off_better_solutions(seed):
    """L1[i, j] (L0[i, j]) bounds every solution with x_ij = 1 (= 0)."""
    rng = np.random.default_rng(seed)
    n, m, c, W, C = tiny_classic(rng, 5)
    lag = _Lag(c, W, C)
    assert lag.setup(np.ones((n, m), dtype=bool))
    u = rng.normal(15, 10, size=n)
    L, L1, L0 = lag.forced_bounds(u)
    assert L == pytest.approx(lag.value(u)[0])
    for i in range(n):
        for j in range(m):
            assert L1[i, j] <= brute_gap(c, W, C, (i, j, 1)) + 1e-9
            assert L0[i, j] <= brute_gap(c, W, C, (i, j, 0)) + 1e-9


# ----------------------------------------------------------------------------- solver
@pytest.mark.parametrize("seed", range(8))
def test_exact_against_milp(seed):
    rng = np.random.default_rng(seed)
    n, m = (18, 3) if seed < 4 else (30, 5)
    p, W, C = random_classic(rng, n, m, tight=0.75)
    sense = "max" if seed % 2 else "min"
    ref = milp_ref(p, W, C, sense)
    r = solve_gap(p, W, C, sense=sense)
    if ref is None:
        assert r.status == "infeasible"
        return
    assert r.status == "optimal"
    assert r.objective == pytest.approx(ref)
    assert r.bound == pytest.approx(ref)


@pytest.mark.parametrize("seed", range(3))
def test_non_integer_profits_and_weights(seed):
    rng = np.random.default_rng(100 + seed)
    p, W, C = random_classic(rng, 16, 3, tight=0.8, integer_profit=False)
    if seed == 2:
        W = W + rng.random(W.shape)  # non-integer weights: no DP, milp proof path
        C = C + 0.5
    ref = milp_ref(p, W, C, "max")
    r = solve_gap(p, W, C, sense="max", rel_gap=1e-9)
    assert r.objective == pytest.approx(ref, rel=1e-7)
    assert r.bound >= r.objective - 1e-9
    assert r.bound <= ref * (1 + 1e-6) + 1e-9


def test_allowed_mask_classic():
    rng = np.random.default_rng(7)
    p, W, C = random_classic(rng, 20, 4, tight=0.85)
    allowed = rng.random(p.shape) < 0.7
    allowed[np.arange(20), rng.integers(0, 4, 20)] = True
    r = solve_gap(p, W, C, sense="max", allowed=allowed)
    pm = np.where(allowed, p, -1e6)
    ref = milp_ref(pm, W, C, "max")
    assert r.status == "optimal" and r.objective == pytest.approx(ref)
    assert allowed[np.arange(20), r.assignment].all()


def test_time_limit_classic():
    rng = np.random.default_rng(11)
    p, W, C = random_classic(rng, 400, 20, tight=0.8)
    t, cpu = time.perf_counter(), time.process_time()
    r = solve_gap(p, W, C, sense="min", time_limit=1.0)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert within_time_limit(wall, cpu, 1.0), (wall, cpu)
    assert r.status in ("optimal", "feasible", "time_limit")
    assert r.ok and r.bound <= r.objective + 1e-9  # a plan within 1 s (the greedy is 10 ms)



@pytest.mark.parametrize("max_rows", [160, 8])  # all swaps, and a random block of 8 rows
@pytest.mark.parametrize("seed", range(4))
def test_tabu_search_feasible_and_improving(seed, max_rows):
    """The penalised tabu search returns a feasible assignment no worse than its start, only
    offers feasible improvements, and on small instances reaches the milp optimum."""
    rng = np.random.default_rng(seed)
    p, W, C = random_classic(rng, 30, 5, tight=0.7)
    n, m = p.shape
    idx = np.arange(n)
    ref = milp_ref(p, W, C, "min")
    # a feasible start from a very short solve (greedy, repair, descent)
    r0 = solve_gap(p, W, C, sense="min", time_limit=0.05)
    a0 = r0.assignment if r0.ok else None
    if a0 is None:
        pytest.skip("no start")
    offered = []

    def offer(a, load, polish=True):
        assert (np.bincount(a, weights=W[idx, a], minlength=m) <= C + 1e-9).all()
        offered.append(float(p[idx, a].sum()))

    keep = np.ones((n, m), dtype=bool)
    a = _tabu(a0, p, W, C, keep, time.perf_counter() + 0.5, np.random.default_rng(0), offer,
              {}, max_rows=max_rows)
    load = np.bincount(a, weights=W[idx, a], minlength=m)
    assert (load <= C + 1e-9).all()
    v = float(p[idx, a].sum())
    assert v <= r0.objective + 1e-9
    assert all(x < r0.objective for x in offered)
    assert v == pytest.approx(ref)


@pytest.mark.parametrize("max_rows", [160, 8])
def test_tabu_search_respects_the_mask(max_rows):
    """Pairs outside ``keep`` are never used, neither in offers nor in the result."""
    rng = np.random.default_rng(11)
    p, W, C = random_classic(rng, 40, 6, tight=0.8)
    n, m = p.shape
    idx = np.arange(n)
    r0 = solve_gap(p, W, C, sense="min", time_limit=0.05)
    assert r0.ok
    keep = rng.random((n, m)) < 0.6
    keep[idx, r0.assignment] = True  # the start stays permitted
    seen = []

    def offer(a, load, polish=True):
        seen.append(a.copy())

    a = _tabu(r0.assignment, p, W, C, keep, time.perf_counter() + 0.3,
              np.random.default_rng(1), offer, {}, max_rows=max_rows)
    for b in [a, *seen]:
        assert keep[idx, b].all()
        assert (np.bincount(b, weights=W[idx, b], minlength=m) <= C + 1e-9).all()


def test_infeasible_classic():
    p = np.ones((3, 2))
    W = np.array([[2.0, 2.0], [2.0, 2.0], [2.0, 2.0]])
    r = solve_gap(p, W, np.array([3.0, 3.0]))
    assert r.status == "infeasible" and not r.ok and r.message


# ----------------------------------------------------------------------------- OR-Library
needs_data = pytest.mark.skipif(not DATA_DIR.is_dir(), reason=f"GAP data not found at {DATA_DIR}")


@needs_data
@pytest.mark.parametrize("k", range(1, 6))
@pytest.mark.parametrize("sense", ["max", "min"])
def test_orlib_gap1(k, sense):

    inst = read_gap_file(DATA_DIR / "orlib" / "gap1.txt")[k - 1]
    best = float(read_best_known(DATA_DIR)[(f"gap1-{k}", sense)]["best_known"])
    r = solve_gap(inst.profit, inst.weight, inst.capacity, sense=sense)
    assert r.status == "optimal" and r.objective == best and r.bound == best


# ----------------------------------------------------------------------------- LNS
# The large-neighbourhood search runs only under a time limit on instances with more than
# _FULL_MIP_VARS variables that the bound does not close, so no other test reached it.

def _poor_feasible_start(p, W, C, seed):
    """A feasible assignment chosen for other costs: far from optimal for ``p``."""
    other = np.random.default_rng(seed).random(p.shape)
    r = solve_gap(other, W, C, sense="max")
    assert r.ok
    return r.assignment


@pytest.mark.parametrize("seed", range(3))
def test_lns_keeps_feasibility_and_only_improves(seed):
    rng = np.random.default_rng(seed)
    p, W, C = random_classic(rng, 60, 6, tight=0.85)
    n, m = p.shape
    idx = np.arange(n)
    a0 = _poor_feasible_start(p, W, C, seed)
    start = float(p[idx, a0].sum())
    offered = []

    def offer(a, load, polish=True):
        assert np.array_equal(load, np.bincount(a, weights=W[idx, a], minlength=m))
        assert (load <= C + 1e-9).all()
        offered.append(float(p[idx, a].sum()))

    stats = {}
    keep = np.ones((n, m), dtype=bool)
    a = _lns(a0, p, W, C, keep, p, time.perf_counter() + 0.6, np.random.default_rng(seed),
             True, offer, stats)
    assert (np.bincount(a, weights=W[idx, a], minlength=m) <= C + 1e-9).all()
    value = float(p[idx, a].sum())  # the objective recomputed from the assignment
    assert value <= start
    assert stats["lns_tried"] >= 1 and stats["lns_improved"] >= 1  # from a poor start
    assert offered == sorted(offered, reverse=True) and len(set(offered)) == len(offered)
    assert offered[-1] == value and value < start
    assert value >= milp_ref(p, W, C, "min") - 1e-9  # nothing beats the optimum


@pytest.mark.skipif(not DATA_DIR.is_dir(), reason=f"GAP data not found at {DATA_DIR}")
def test_lns_runs_inside_solve_gap_and_the_bound_stays_valid(monkeypatch):
    """c40400 (400 items x 40 agents, proven optimum 4244) under a time limit reaches the
    LNS; what it returns is feasible, no worse than its start, and the bound stays below the
    optimum."""
    from navkompetanse.optimize import _gap_classic

    row = read_best_known(DATA_DIR)[("c40400", "min")]
    assert row["proven_optimal"] == "yes"
    inst = read_gap_file(DATA_DIR / row["file"], multi=False)[0]
    p, W, C = inst.profit, inst.weight, inst.capacity
    idx = np.arange(len(p))
    runs = []
    real = _gap_classic._lns

    def spy(a, c, *args):
        out = real(a, c, *args)
        runs.append((float(c[idx, a].sum()), float(c[idx, out].sum()), args[-1].copy()))
        return out

    monkeypatch.setattr(_gap_classic, "_lns", spy)
    r = solve_gap(p, W, C, sense="min", time_limit=1.5)
    [(start, end, stats)] = runs
    assert stats["lns_tried"] >= 1
    assert end <= start
    assert r.ok and r.objective == float(p[idx, r.assignment].sum()) <= end
    assert (np.bincount(r.assignment, weights=W[idx, r.assignment], minlength=C.size)
            <= C).all()
    assert r.bound <= float(row["best_known"]) <= r.objective
