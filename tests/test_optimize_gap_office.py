"""Office case of solve_gap (weight per item): class aggregation, exact class LP, prices."""

import itertools
import time

import numpy as np
import pytest
from gap_reference import milp_ref, real_office_instance, within_time_limit

from navkompetanse.optimize import solve_gap
from navkompetanse.optimize._gap_office import aggregate_classes


def dup_instance(seed, n_classes=6, n=40, m=4, mask=False):
    """Items drawn from a few distinct (profit row, weight, mask) classes."""
    rng = np.random.default_rng(seed)
    P = rng.integers(0, 20, size=(n_classes, m)).astype(float)
    Wc = rng.integers(1, 6, size=n_classes).astype(float)
    Mk = rng.random((n_classes, m)) < 0.75
    Mk[np.arange(n_classes), rng.integers(0, m, n_classes)] = True
    k = rng.integers(0, n_classes, size=n)
    p, w = P[k], Wc[k]
    C = np.floor(np.full(m, w.sum() / m * 1.15) * rng.uniform(0.8, 1.2, m))
    return p, w, C, (Mk[k] if mask else None)


def lagrangian(p, w, C, lam, sense, allowed):
    ok = np.ones(p.shape, bool) if allowed is None else allowed
    if sense == "max":
        return np.where(ok, p - lam[None] * w[:, None], -np.inf).max(1).sum() + lam @ C
    return np.where(ok, p + lam[None] * w[:, None], np.inf).min(1).sum() - lam @ C


def test_aggregation_groups_identical_rows():
    p, w, C, allowed = dup_instance(0, mask=True)
    c = np.where(allowed, -p, np.inf)
    first, inv, cnt = aggregate_classes(c, w)
    assert len(first) <= 6 and cnt.sum() == len(w)
    assert np.array_equal(c[first][inv], c) and np.array_equal(w[first][inv], w)


def test_brute_force_duplicates():
    for seed in range(8):
        p, w, C, allowed = dup_instance(seed, n_classes=3, n=7, m=3, mask=seed % 2 == 1)
        for sense in ("max", "min"):
            best = None
            for a in itertools.product(range(3), repeat=7):
                a = np.array(a)
                if allowed is not None and not allowed[np.arange(7), a].all():
                    continue
                if (np.bincount(a, weights=w, minlength=3) > C + 1e-9).any():
                    continue
                v = p[np.arange(7), a].sum()
                best = v if best is None or (v > best if sense == "max" else v < best) else best
            r = solve_gap(p, w, C, sense=sense, allowed=allowed)
            if best is None:
                assert r.status == "infeasible" and not r.ok
            else:
                assert r.status == "optimal" and r.objective == best


@pytest.mark.parametrize("seed", range(6))
def test_milp_agreement_duplicates(seed):
    sense = "max" if seed % 2 == 0 else "min"
    p, w, C, allowed = dup_instance(seed, n_classes=8, n=120, m=5, mask=seed >= 3)
    ref = milp_ref(p, w, C, sense, allowed)
    r = solve_gap(p, w, C, sense=sense, allowed=allowed)
    if ref is None:
        assert r.status == "infeasible"
        return
    assert r.status == "optimal"
    assert r.objective == pytest.approx(ref, abs=1e-9)
    assert r.stats["classes"] <= 8


@pytest.mark.parametrize("sense", ["max", "min"])
def test_prices_certify_bound(sense):

    p, w, C = real_office_instance(1800, 25, seed=1)
    r = solve_gap(p, w, C, sense=sense, rel_gap=1e-3)
    assert r.ok and r.prices is not None and r.prices.shape == (25,)
    assert (r.prices >= 0).all()
    L = lagrangian(p, w, C, r.prices, sense, None)
    if sense == "max":
        assert L >= r.bound - 1e-9 * abs(L) and r.bound >= r.objective
    else:
        assert L <= r.bound + 1e-9 * abs(L) and r.bound <= r.objective
    assert r.gap <= 1e-3


def test_prices_with_mask():
    p, w, C, allowed = dup_instance(11, n_classes=10, n=400, m=6, mask=True)
    r = solve_gap(p, w, C, allowed=allowed)
    if r.ok and r.prices is not None:
        L = lagrangian(p, w, C, r.prices, "max", allowed)
        assert L >= r.bound - 1e-9 * abs(L)
        assert allowed[np.arange(len(w)), r.assignment].all()


def test_real_office_quality_and_time_limit():

    p, w, C = real_office_instance(10000, 60, seed=0)
    t, cpu = time.perf_counter(), time.process_time()
    r = solve_gap(p, w, C, time_limit=1.0, rel_gap=1e-3)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert within_time_limit(wall, cpu, 1.0), (wall, cpu)
    assert r.ok and r.bound >= r.objective
    assert r.stats.get("classes", 10**9) < 10000


@pytest.mark.parametrize("tl", [0.05, 0.3])
def test_time_limit_small(tl):

    p, w, C = real_office_instance(10000, 150, seed=0)
    t, cpu = time.perf_counter(), time.process_time()
    r = solve_gap(p, w, C, time_limit=tl, rel_gap=1e-7)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    assert within_time_limit(wall, cpu, tl), (wall, cpu)  # generation excluded
    if r.ok:
        assert r.bound >= r.objective - 1e-9


def test_infeasible_office_paths():
    p = np.ones((3, 2))
    r = solve_gap(p, np.array([2.0, 2.0, 2.0]), np.array([3.0, 3.0]))
    assert r.status == "infeasible" and not r.ok and r.prices is None
    # many duplicates, LP feasible, integer infeasible
    p = np.ones((30, 3))
    r = solve_gap(np.ones((31, 3)), np.full(31, 2.0), np.array([21.0, 21.0, 21.0]))
    assert r.status == "infeasible"


def test_needs_family_lp_step_closes_most_of_the_rounding_loss():
    """Issue 10 needs family: the LP-guided MIP step re-places split and light classes.

    Before it (rounding, descent, class LNS) this instance ended at a 0.69 % gap; the step
    takes it to about 0.08 %.  The margin (0.5 %) holds on a loaded machine.
    """
    from gap_reference import needs_office_instance

    p, w, C = needs_office_instance(2000, 20, seed=1)
    r = solve_gap(p, w, C, rel_gap=1e-4)
    assert r.status in ("feasible", "optimal")
    a = np.asarray(r.assignment)
    assert (np.bincount(a, weights=w, minlength=20) <= C + 1e-9).all()
    assert r.objective == pytest.approx(p[np.arange(len(a)), a].sum())
    assert r.bound >= r.objective - 1e-9
    assert "lp_step_status" in r.stats
    assert r.gap < 5e-3
