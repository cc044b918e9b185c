"""Office case of solve_gap (weight per item): class aggregation, exact class LP, prices."""

import itertools
import time

import numpy as np
import pytest
from gap_reference import milp_ref, office_instance, real_office_instance, within_time_limit

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


@pytest.mark.parametrize("sense", ["max", "min"])
def test_item_path_prices_certify_bound(sense, monkeypatch):
    """Items that do not compress (item-level path, n*m above the exact LP's size): when no
    prices at all bound better than the primal's L-BFGS-B prices, the bound and the returned
    ``prices`` are 0's, through the reduced-cost fixing and the LNS.  The L-BFGS-B prices are
    made poor on purpose (a constant 0.05: valid, but worse than 0 whenever the capacities
    exceed the load), so the branch is taken on any machine."""
    from navkompetanse.optimize import _gap

    monkeypatch.setattr(_gap, "_lagrangian_lbfgs", lambda c, W, C, *a, **k: np.full(len(C), .05))
    p, w, C = office_instance(1500, 100, seed=1)
    p = p if sense == "max" else -p
    r = solve_gap(p, w, C, sense=sense, time_limit=1.0, rel_gap=1e-4)
    assert r.stats.get("bound_prices") == "zero"
    assert r.ok and r.prices is not None and (r.prices == 0).all()
    L = lagrangian(p, w, C, r.prices, sense, None)
    assert L == pytest.approx(r.bound, rel=1e-9, abs=1e-9)
    L_poor = lagrangian(p, w, C, np.full(100, 0.05), sense, None)
    assert (r.bound < L_poor) if sense == "max" else (r.bound > L_poor)
    assert (r.bound >= r.objective) if sense == "max" else (r.bound <= r.objective)


def test_lbfgs_keeps_a_better_start():
    """From good multipliers, annealing from a hot temperature can end worse than it started:
    ``_lagrangian_lbfgs`` returns its start then (it used to return the worse end point)."""
    from navkompetanse.optimize._gap import _lagrangian, _lagrangian_lbfgs
    from navkompetanse.optimize._gap_office import _smooth_dual

    p, w, C = office_instance(3000, 40, seed=1)
    c = -p
    W = np.broadcast_to(w[:, None], c.shape)
    mu0 = _smooth_dual(c / w[:, None], w, C, np.inf)
    L0 = _lagrangian(c, W, C, mu0)[0]
    # one short hot temperature cannot reach the smoothing's optimum
    mu = _lagrangian_lbfgs(c, W, C, np.inf, mu0=mu0, temps=(3e-2,))
    assert _lagrangian(c, W, C, mu)[0] >= L0
    far = _lagrangian_lbfgs(c, W, C, np.inf, mu0=None, temps=(3e-2,))
    assert _lagrangian(c, W, C, far)[0] < L0  # the start really was the better one


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


# ----------------------------------------------------------------------------- exchange cycles
def _counts_cost(Y, ck):
    return float((Y * np.where(np.isfinite(ck), ck, 0.0)).sum())


def test_exchange_cycle_moves_mixed_weights():
    """One item of weight 1 out, four of weight 0.25 in: no shift or swap can do it.

    Both agents are full; the heavy item costs 10 at agent 0 and 0 at agent 1, the quarter
    items cost 1 at agent 0 and 0 at agent 1.  The only improvement (-10 + 4) is the cycle of
    two bundles of weight 1.
    """
    from navkompetanse.optimize._gap_exchange import exchange_cycles

    ck = np.array([[10.0, 0.0], [1.0, 0.0]])
    wk = np.array([1.0, 0.25])
    C = np.array([1.0, 1.0])
    Y = np.array([[1, 0], [0, 4]])
    stats = {}
    assert exchange_cycles(Y, ck, wk, C, time.perf_counter() + 5, stats) == 1
    assert Y.tolist() == [[0, 1], [4, 0]]
    assert _counts_cost(Y, ck) == 4.0
    # quarter items of 0.3: no bundle of them balances the heavy item, nothing to do
    Y = np.array([[1, 0], [0, 4]])
    assert exchange_cycles(Y, ck, np.array([1.0, 0.3]), np.array([1.2, 1.2]),
                           time.perf_counter() + 5, {}) == 0


def test_exchange_cycle_without_a_lattice_swaps_equal_items_only():
    """Weights with no common lattice (0.3, 1, sqrt 2): bundles are single items, a swap of
    two equal items is found, and the heavy item is never traded for light ones."""
    from navkompetanse.optimize._gap_exchange import exchange_cycles

    r2 = float(np.sqrt(2.0))
    ck = np.array([[5.0, 0.0], [0.0, 5.0], [9.0, 0.0], [1.0, 0.0]])
    wk = np.array([r2, r2, 1.0, 0.3])
    C = np.array([r2 + 1.0, r2 + 4 * 0.3])
    Y = np.array([[1, 0], [0, 1], [1, 0], [0, 4]])
    assert exchange_cycles(Y, ck, wk, C, time.perf_counter() + 5, {}) == 1
    assert Y.tolist() == [[0, 1], [1, 0], [1, 0], [0, 4]]


def test_exchange_cycle_uses_room_at_the_end_of_a_path():
    """A path: agent 0 gives a bundle to agent 1, which passes one on to agent 2 (room)."""
    from navkompetanse.optimize._gap_exchange import exchange_cycles

    ck = np.array([[5.0, 0.0, 9.0], [9.0, 3.0, 0.0]])
    wk = np.array([1.0, 1.0])
    C = np.array([1.0, 1.0, 1.0])
    Y = np.array([[1, 0, 0], [0, 1, 0]])
    assert exchange_cycles(Y, ck, wk, C, time.perf_counter() + 5, {}) == 1
    assert Y.tolist() == [[0, 1, 0], [0, 0, 1]]


@pytest.mark.parametrize("seed", range(12))
def test_exchange_cycles_keep_counts_and_capacities(seed):
    """Random lattice instances: never worse, rows keep their counts, loads stay in capacity,
    forbidden cells stay empty; and no improving single shift is left for a brute check of
    every pair-of-items swap that keeps the loads (a cycle of length two)."""
    from navkompetanse.optimize._gap_exchange import exchange_cycles

    rng = np.random.default_rng(seed)
    K, m = 12, 4
    wk = rng.choice([0.25, 1.0, 1.5, 3.0], K)
    ck = rng.integers(0, 20, (K, m)).astype(float)
    ck[rng.random((K, m)) < 0.15] = np.inf
    ck[np.arange(K), rng.integers(0, m, K)] = rng.integers(0, 20, K)
    Y = np.zeros((K, m), dtype=np.int64)
    for k in range(K):  # a feasible start: each item at a random allowed agent
        ok = np.flatnonzero(np.isfinite(ck[k]))
        for _ in range(rng.integers(1, 5)):
            Y[k, rng.choice(ok)] += 1
    C = (Y * wk[:, None]).sum(0) + rng.choice([0.0, 0.25, 1.0], m)
    cnt = Y.sum(1)
    before = _counts_cost(Y, ck)
    exchange_cycles(Y, ck, wk, C, time.perf_counter() + 5, {})
    assert _counts_cost(Y, ck) <= before
    assert (Y.sum(1) == cnt).all() and (Y >= 0).all()
    assert ((Y * wk[:, None]).sum(0) <= C + 1e-9).all()
    assert not (Y[~np.isfinite(ck)] > 0).any()
    load = (Y * wk[:, None]).sum(0)
    for k, j in zip(*np.nonzero(Y), strict=True):  # no improving shift into room
        for j2 in range(m):
            if j2 != j and load[j2] + wk[k] <= C[j2] + 1e-9:
                assert ck[k, j2] >= ck[k, j] - 1e-9
    for (k, j), (l_, j2) in itertools.combinations(list(zip(*np.nonzero(Y), strict=True)), 2):
        if j != j2 and wk[k] == wk[l_]:  # same-weight swap: a cycle of two bundles
            assert ck[k, j2] + ck[l_, j] >= ck[k, j] + ck[l_, j2] - 1e-9


def test_round_levels_integral_on_the_lattice():
    """Rounding by weight levels: the last LP (lightest weight, lattice capacities) is
    integral, so every item is placed and every capacity kept."""
    from gap_reference import needs_office_instance

    from navkompetanse.optimize import _gap_office as go
    from navkompetanse.optimize._gap_common import lattice_capacity

    p, w, C = needs_office_instance(1500, 12, seed=2)
    c = -p
    C = lattice_capacity(w, C)
    first, inv, cnt = aggregate_classes(c, w)
    ck, wk = c[first], w[first]
    dK, sK = ck / wk[:, None], cnt * wk
    lam = go._smooth_dual(dK, sK, C, np.inf)
    z, lam_lp, _ = go._class_lp(dK, sK, C, lam, np.inf, {})
    Y, placed_all = go._round_levels(z, ck, wk, cnt, C, lam_lp, np.inf, {})
    assert placed_all
    assert (Y.sum(1) == cnt).all() and (Y >= 0).all()
    assert ((Y * wk[:, None]).sum(0) <= C + 1e-9).all()
    lb = go.class_lagrangian(ck, wk, cnt, C, lam_lp)
    assert (Y * ck).sum() >= lb - 1e-6
