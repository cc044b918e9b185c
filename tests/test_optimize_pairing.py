"""Tests for navkompetanse.optimize.max_weight_pairing against networkx."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
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
    n = draw(st.integers(0, 12))
    rng = np.random.default_rng(draw(st.integers(0, 10**6)))
    if draw(st.booleans()):
        w = rng.integers(-3, 5, size=(n, n)).astype(float)  # integer ties, negatives
    else:
        w = rng.normal(size=(n, n))
    w = np.triu(w, 1)
    w = w + w.T
    allowed = None
    if draw(st.booleans()):
        allowed = rng.random((n, n)) < 0.6
        allowed = np.triu(allowed, 1)
        allowed = allowed | allowed.T
    return w, allowed


@settings(max_examples=200, deadline=None)
@given(sym())
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
