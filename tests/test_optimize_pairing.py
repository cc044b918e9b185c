"""Tests for navkompetanse.optimize.max_weight_pairing against networkx."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from navkompetanse.optimize import SolverError, max_weight_pairing
from navkompetanse.optimize._result import _verify_pairing


def nx_weight(w, allowed=None):
    n = len(w)
    G = nx.Graph()
    for i in range(n):
        for j in range(i + 1, n):
            if w[i, j] > 0 and (allowed is None or allowed[i, j]):
                G.add_edge(i, j, weight=w[i, j])
    return sum(w[a, b] for a, b in nx.max_weight_matching(G))


@st.composite
def sym(draw):
    n = draw(st.integers(0, 14))
    seed = draw(st.integers(0, 10**6))
    kind = draw(st.sampled_from(["ties", "normal", "sums", "fitdiff", "allneg", "uniform"]))
    return _instance(n, seed, kind, masked=lambda: draw(st.booleans()))


def _instance(n, seed, kind, masked):
    """A symmetric instance of ``kind``; ``masked()`` says whether it gets an allowed mask."""
    rng = np.random.default_rng(seed)
    if kind == "ties":
        w = rng.integers(-3, 5, size=(n, n)).astype(float)  # integer ties, negatives
    elif kind == "normal":
        w = rng.normal(size=(n, n))
    elif kind == "sums":  # sums of floats on a 0.1 grid: 0.1 + 0.2 != 0.3
        a = rng.integers(0, 10, size=n) / 10
        w = a[:, None] + a[None, :] + rng.integers(0, 3, size=(n, n)) / 10
    elif kind == "fitdiff":
        w = _fitdiff(rng, n)
    elif kind == "allneg":
        w = -rng.random((n, n))
    else:
        w = rng.random((n, n))
    w = np.triu(w, 1)
    w = w + w.T
    allowed = None
    if masked():
        allowed = rng.random((n, n)) < 0.6
        allowed = np.triu(allowed, 1)
        allowed = allowed | allowed.T
    return w, allowed


def _fitdiff(rng, n, dims=4):
    """Pair weights as differences of fit values on a 0.1 grid (exactly symmetric)."""
    fit = np.round(rng.random((n, dims)) * 10) / 10
    best = np.maximum(fit[:, None, :], fit[None, :, :]).sum(axis=2)
    return best - fit.sum(axis=1)[:, None] / 2 - fit.sum(axis=1)[None, :] / 2


def _office(n, seed):
    """Office-like masked instance: few types, 1/64-grid values, bonuses (many odd cycles)."""
    rng = np.random.default_rng(seed)
    mask = np.triu(rng.random((n, n)) < 0.6, 1)
    mask = mask | mask.T
    types = rng.integers(0, 12, size=n)
    T = np.round(rng.normal(2.0, 1.2, size=(12, 12)) * 64) / 64
    T = (T + T.T) / 2
    bonus = rng.choice([0.0, 0.25, 0.5, 1.0], size=n)
    w = T[types][:, types] + bonus[:, None] + bonus[None, :] - 0.25
    w[types[:, None] == types[None, :]] -= 1.5
    return w, mask


def _node_sum(n, seed):
    """w_ij = a_i + a_j + small noise, masked: every odd cycle is nearly tight."""
    rng = np.random.default_rng(seed)
    a = rng.random(n) + 0.5
    w = a[:, None] + a[None, :] + 0.01 * rng.random((n, n))
    w = (w + w.T) / 2
    mask = np.triu(rng.random((n, n)) < 0.3, 1)
    return w, mask | mask.T


@settings(max_examples=300, deadline=None)
@given(sym())
# Two odd cycles of the assignment joined by a disallowed edge (weight 0): their gain
# (vx + vz + 0) - vx.max() - vz.max() rounded to > 0 (found by a fuzz campaign)
@example(_instance(8, 1358, "uniform", masked=lambda: True))
def test_against_networkx(inst):
    w, allowed = inst
    s = max_weight_pairing(w, allowed=allowed)
    assert s.weight == pytest.approx(nx_weight(w, allowed), abs=1e-9)
    assert s.status == "optimal" and s.bound == pytest.approx(s.weight)
    for i, j in s.pairs:
        assert i < j and s.mate[i] == j and s.mate[j] == i
        if allowed is not None:
            assert allowed[i, j]
    assert s.pairs == sorted(s.pairs)


@pytest.mark.parametrize("seed", range(3))
def test_random_60(seed):
    rng = np.random.default_rng(seed)
    w = rng.random((60, 60))
    w = (w + w.T) / 2
    assert max_weight_pairing(w).weight == pytest.approx(nx_weight(w), rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [60, 150])
def test_random_masked(n, seed):
    rng = np.random.default_rng(100 + seed)
    w = rng.random((n, n))
    w = (w + w.T) / 2
    allowed = np.triu(rng.random((n, n)) < 0.3, 1)
    allowed = allowed | allowed.T
    s = max_weight_pairing(w, allowed=allowed)
    assert s.weight == pytest.approx(nx_weight(w, allowed), rel=1e-12)


@pytest.mark.parametrize("maker,n,seed", [
    (_office, 150, 1), (_office, 150, 2), (_office, 101, 3), (_node_sum, 151, 0),
    (_node_sum, 61, 1),
])
def test_hard_odd_cycle_instances(maker, n, seed):
    """Structured instances whose pruned graph keeps big components with many odd cycles
    (the reported 1.5-5 s cases went to the networkx fallback); solved by the blossom LP."""
    w, allowed = maker(n, seed)
    s = max_weight_pairing(w, allowed=allowed)
    assert s.weight == pytest.approx(nx_weight(w, allowed), abs=1e-9)
    assert s.stats.get("networkx_fallback", 0) == 0


@pytest.mark.parametrize("seed", range(3))
def test_float_roundoff_regression(seed):
    """Exactly symmetric float weights (fit differences, 0.1 + 0.2 sums) used to raise
    'negative cycle while recovering assignment duals'."""
    rng = np.random.default_rng(seed)
    n = 150
    w = _fitdiff(rng, n)
    w = (w + w.T) / 2
    allowed = np.triu(rng.random((n, n)) < 0.6, 1)
    allowed = allowed | allowed.T
    s = max_weight_pairing(w, allowed=allowed)
    assert s.weight == pytest.approx(nx_weight(w, allowed), abs=1e-9)
    a = rng.integers(0, 10, size=n) / 10
    w2 = a[:, None] + a[None, :] - 0.3 + 0.1 * (rng.integers(0, 3, size=(n, n)))
    w2 = np.triu(w2, 1)
    w2 = w2 + w2.T
    s2 = max_weight_pairing(w2)
    assert s2.weight == pytest.approx(nx_weight(w2), abs=1e-9)


def test_uniform_400_seed4_no_fallback():
    rng = np.random.default_rng(4)
    w = rng.random((400, 400))
    w = (w + w.T) / 2
    s = max_weight_pairing(w)
    assert s.stats.get("networkx_fallback", 0) == 0
    assert s.bound == pytest.approx(s.weight)


def test_all_nonpositive_stay_single():
    w = -np.ones((5, 5))
    s = max_weight_pairing(w)
    assert s.pairs == [] and (s.mate == -1).all() and s.weight == 0.0


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_tiny(n):
    w = np.full((n, n), 2.0)
    s = max_weight_pairing(w)
    assert len(s.pairs) == n // 2


def test_validation():
    with pytest.raises(ValueError, match="symmetric"):
        max_weight_pairing(np.array([[0, 1.0], [2.0, 0]]))
    with pytest.raises(ValueError, match="square"):
        max_weight_pairing(np.ones((2, 3)))
    with pytest.raises(ValueError, match="finite"):
        max_weight_pairing(np.array([[0, np.nan], [np.nan, 0]]))


def test_verify_pairing_catches_tampering():
    w = np.array([[0, 1.0, 2.0], [1.0, 0, 3.0], [2.0, 3.0, 0]])
    with pytest.raises(SolverError):
        _verify_pairing(np.array([1, 2, 1]), w, None)
    assert _verify_pairing(np.array([-1, 2, 1]), w, None) == 3.0


# ----------------------------------------------------------------------------- blossom LP
# The cut loop of optimize/_blossom_lp.py ends integral only because Padberg-Rao separation
# is exact; the heuristic separators find most cuts first, so without these tests the exact
# separation never ran in the suite.

def _violation(S, ei, ej, x):
    """x(E(S)) - (|S| - 1) / 2 for the node mask S (> 0: the blossom inequality is violated)."""
    return float(x[S[ei] & S[ej]].sum()) - (int(S.sum()) - 1) / 2


def _fractional_point(rng, k):
    """A point of the fractional matching polytope (degrees <= 1) on a random graph.

    An odd cycle at 1/4, 3/8 or 1/2 (violated or not, depending on its length and value)
    plus random edges at 1/8 or 1/4 wherever both ends have room; multiples of 1/8 keep the
    arithmetic exact.
    """
    ei, ej = np.triu_indices(k, 1)
    x = np.zeros(len(ei))
    deg = np.zeros(k)
    length = int(rng.choice([n for n in (3, 5, 7) if n <= k]))
    cycle = rng.permutation(k)[:length]
    t = float(rng.choice([0.25, 0.375, 0.5]))
    for a, b in zip(cycle, np.roll(cycle, -1), strict=True):
        e = np.flatnonzero((ei == min(a, b)) & (ej == max(a, b)))[0]
        x[e] = t
        deg[[a, b]] += t
    for e in rng.permutation(len(ei)):
        v = float(rng.choice([0.0, 0.125, 0.25]))
        if x[e] == 0 and deg[ei[e]] + v <= 1 and deg[ej[e]] + v <= 1:
            x[e] = v
            deg[[ei[e], ej[e]]] += v
    return ei, ej, x


@settings(max_examples=150, deadline=None)
@given(st.integers(3, 8), st.integers(0, 10**6))
def test_padberg_rao_finds_a_violated_blossom_whenever_one_exists(k, seed):
    """Exactness of the separation: brute force over every odd set of k <= 8 nodes."""
    from itertools import combinations

    from navkompetanse.optimize._blossom_lp import _padberg_rao

    ei, ej, x = _fractional_point(np.random.default_rng(seed), k)
    worst = max((_violation(np.isin(np.arange(k), S), ei, ej, x)
                 for size in range(3, k + 1, 2) for S in combinations(range(k), size)),
                default=-1.0)
    found = _padberg_rao(k, ei, ej, x)
    for S in found:  # everything it returns is an odd set whose inequality x violates
        assert int(S.sum()) % 2 == 1 and _violation(S, ei, ej, x) > 1e-9
    if worst > 1e-6:
        assert found, (worst, x)
    else:
        assert not found


def test_padberg_rao_cuts_two_heavy_triangles():
    from navkompetanse.optimize._blossom_lp import _padberg_rao

    # two triangles at x = 1/2 and an edge between them at 0: both triangles are violated
    ei = np.array([0, 0, 1, 3, 3, 4, 2])
    ej = np.array([1, 2, 2, 4, 5, 5, 3])
    x = np.array([0.5] * 6 + [0.0])
    found = {tuple(np.flatnonzero(S)) for S in _padberg_rao(6, ei, ej, x)}
    assert found == {(0, 1, 2), (3, 4, 5)}


def _planted_odd_cycles(rng, n_cycles):
    """Heavy odd cycles (3 or 5 nodes) joined by light edges: the degree LP is fractional."""
    sizes = rng.choice([3, 5], size=n_cycles)
    k = int(sizes.sum())
    w = np.zeros((k, k))
    start = 0
    for size in sizes:
        nodes = np.arange(start, start + size)
        for a, b in zip(nodes, np.roll(nodes, -1), strict=True):
            w[a, b] = w[b, a] = rng.integers(8, 12)
        start += size
    light = np.triu(rng.random((k, k)) < 0.3, 1) & (w == 0)
    w[light] = rng.integers(1, 4, size=int(light.sum()))
    w = np.triu(w, 1)
    return w + w.T


@pytest.mark.parametrize("seed", range(8))
def test_blossom_lp_with_only_exact_separation_is_exact(seed, monkeypatch):
    """With the heuristic separators switched off, every cut comes from Padberg-Rao and the
    LP still ends at the maximum weight (networkx), without branching."""
    from navkompetanse.optimize import _blossom_lp

    calls = {"runs": 0, "cuts": 0}
    real = _blossom_lp._padberg_rao

    def spy(*args):
        out = real(*args)
        calls["runs"] += 1
        calls["cuts"] += len(out)
        return out

    monkeypatch.setattr(_blossom_lp, "_odd_components", lambda *args: [])
    monkeypatch.setattr(_blossom_lp, "_padberg_rao", spy)
    w = _planted_odd_cycles(np.random.default_rng(seed), 3)
    k = len(w)
    ei, ej = np.nonzero(np.triu(w > 0, 1))
    we = w[ei, ej]
    stats = {}
    pick, value = _blossom_lp.solve_component(k, ei, ej, we, 0.0, 1e-9, stats)
    assert calls["cuts"] >= 1  # the fractional LP needed cuts, and they came from here
    assert stats["lp_cuts"] == calls["cuts"] and stats["lp_bb_nodes"] == 1
    pairs = {(int(ei[e]), int(ej[e])) for e in pick}
    assert len({v for p in pairs for v in p}) == 2 * len(pairs)  # a matching
    assert value == float(we[pick].sum()) == pytest.approx(nx_weight(w))


def _office_like(rng, n):
    """Few distinct values on a 1/64 grid, a mask, many odd cycles: the LP needs cuts."""
    mask = np.triu(rng.random((n, n)) < 0.6, 1)
    mask = mask | mask.T
    types = rng.integers(0, 12, size=n)
    t = np.round(rng.normal(2.0, 1.2, size=(12, 12)) * 64) / 64
    t = (t + t.T) / 2
    bonus = rng.choice([0.0, 0.25, 0.5, 1.0], size=n)
    w = t[types][:, types] + bonus[:, None] + bonus[None, :] - 0.25
    w[types[:, None] == types[None, :]] -= 1.5
    return w, mask


@pytest.mark.parametrize("backend", ["warm", "linprog"])
def test_blossom_lp_backends_agree_with_networkx(backend, monkeypatch):
    """The warm HiGHS object (cuts as rows, priced columns, bounds for branching, re-solved
    from the last basis) and the cold linprog fallback both give networkx's weight, and the
    backend asked for is the one that ran."""
    from navkompetanse.optimize import _blossom_lp

    monkeypatch.setattr(_blossom_lp, "CUT_LP_BACKEND", backend)
    used = 0
    for seed in range(12):
        rng = np.random.default_rng(seed)
        w, mask = _office_like(rng, 60)
        sol = max_weight_pairing(w, allowed=mask)
        assert sol.weight == pytest.approx(nx_weight(w, mask), abs=1e-9)
        if sol.stats.get("components_solved"):
            used += 1
            assert sol.stats["lp_backend"] == backend
    assert used >= 2  # the LP ran (the dual pruning did not close every instance)
    w = _planted_odd_cycles(np.random.default_rng(3), 4)
    ei, ej = np.nonzero(np.triu(w > 0, 1))
    stats = {}
    pick, value = _blossom_lp.solve_component(len(w), ei, ej, w[ei, ej], 0.0, 1e-9, stats)
    assert stats["lp_backend"] == backend and stats["lp_cuts"] >= 1
    assert value == pytest.approx(nx_weight(w))


def test_blossom_lp_branching_on_the_warm_model(monkeypatch):
    """Branching changes column bounds in the warm model: with every separator switched off
    the cut loop stalls at once, so the optimum comes from branch-and-bound alone."""
    from navkompetanse.optimize import _blossom_lp

    monkeypatch.setattr(_blossom_lp, "_odd_components", lambda *args: [])
    monkeypatch.setattr(_blossom_lp, "_padberg_rao", lambda *args: [])
    for seed in range(4):
        w = _planted_odd_cycles(np.random.default_rng(seed), 3)
        ei, ej = np.nonzero(np.triu(w > 0, 1))
        stats = {}
        pick, value = _blossom_lp.solve_component(len(w), ei, ej, w[ei, ej], 0.0, 1e-9,
                                                  stats)
        assert stats["lp_backend"] == "warm" and stats["lp_cuts"] == 0
        assert value == pytest.approx(nx_weight(w))
