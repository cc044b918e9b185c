"""The incumbent rule of the exact search (``pairing.exact._better``): a higher objective wins,
an equal one (within the tolerance) goes to the pairs first in sorted order, and an objective
of ``-inf`` (a pairing the office cannot afford) loses to every finite one."""

from __future__ import annotations

import numpy as np
import pytest

from navkompetanse.pairing.exact import TOL, _better, branch_and_bound
from navkompetanse.pairing.valuation import Evaluation, PairingModel
from navkompetanse.policy import Policy

INF = float("inf")


def evaluation(objective: float, *pairs: tuple[int, int]) -> Evaluation:
    """An evaluation with ``objective`` as its value (no bonus) and nothing else solved."""
    return Evaluation(pairs=frozenset(pairs), value=objective, bonus=0.0, mu=np.zeros(1),
                      units=(), flow=np.zeros((1, 0)))


@pytest.mark.parametrize("finite", [0.0, -3.5, 2e6])
def test_any_finite_objective_replaces_an_unaffordable_incumbent(finite):
    """Before: ``_tol(-inf)`` is inf and ``-inf + inf`` NaN, so a finite pairing replaced an
    incumbent of -inf only when its pairs came first in sorted order."""
    unaffordable = evaluation(-INF, (0, 1))
    for pairs in [(), ((0, 1),), ((2, 3),), ((0, 2), (1, 3))]:
        assert _better(evaluation(finite, *pairs), unaffordable)
        assert not _better(unaffordable, evaluation(finite, *pairs))


def test_two_unaffordable_pairings_tie_by_sorted_pairs():
    first, second = evaluation(-INF, (0, 1)), evaluation(-INF, (2, 3))
    assert _better(first, second) and not _better(second, first)
    assert not _better(first, first)


def test_finite_objectives_keep_the_tie_rule():
    low, high = evaluation(1.0, (2, 3)), evaluation(2.0, (2, 3))
    assert _better(high, low) and not _better(low, high)
    # equal within the tolerance: the pairs first in sorted order, never a lower objective
    a, b = evaluation(1.0, (0, 1)), evaluation(1.0 + TOL / 2, (2, 3))
    assert _better(a, evaluation(1.0, (2, 3))) and not _better(evaluation(1.0, (2, 3)), a)
    assert not _better(a, b)  # first in order, but below
    assert not _better(b, a)  # above, but within the tolerance and later in order
    assert not _better(a, a)
    # beyond the tolerance the objective decides
    assert _better(evaluation(1.0 + 4 * TOL, (2, 3)), a)


def small_model(seed: int, n: int = 6) -> PairingModel:
    rng = np.random.default_rng(seed)
    levels = rng.integers(1, 6, size=(n, 4))
    stronger = (levels[:, None, :] > levels[None, :, :]).any(axis=2)
    candidate = stronger & stronger.T
    np.fill_diagonal(candidate, False)
    return PairingModel(levels=levels, capacity=rng.choice([50.0, 80.0, 100.0], n),
                        need=rng.integers(1, 6, size=(20, 4)),
                        count=rng.integers(1, 12, 20).astype(float),
                        points=rng.choice([0.4, 1.0, 2.0, 3.5], 20), policy=Policy(),
                        candidate=candidate, learning=np.zeros((n, n)),
                        continuity=np.zeros((n, n)), pair_cost=0.25)


@pytest.mark.parametrize("table", [True, False], ids=["table", "tree"])
def test_the_search_leaves_an_unaffordable_start_for_the_optimum(table):
    """Started from an incumbent of -inf, both searches reach the optimum they reach from
    the empty pairing."""
    for seed in range(4):
        model = small_model(seed)
        seen: dict = {}

        def ev(pairs, seen=seen, model=model):
            key = frozenset(pairs)
            if key not in seen:
                seen[key] = model.evaluate(key)
            return seen[key]

        start = Evaluation(pairs=frozenset(), value=-INF, bonus=0.0, mu=np.zeros(20),
                           units=(), flow=np.zeros((20, 0)), affordable=False)
        out = branch_and_bound(model, start, ev, max_pairs=None, node_budget=5000,
                               lp_budget=5000, table=table)
        ref = branch_and_bound(model, ev(frozenset()), ev, max_pairs=None, node_budget=5000,
                               lp_budget=5000, table=table)
        assert out.proven and np.isfinite(out.best.objective), seed
        assert out.best.pairs, seed  # the optimum has pairs: the start was left
        assert out.best.objective == pytest.approx(ref.best.objective, abs=1e-7), seed
