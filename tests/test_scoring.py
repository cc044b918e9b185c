"""Scoring properties: monotone in competence, pairs never worse, surplus free."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from navkompetanse import Bruker, Policy, Veileder
from navkompetanse.scoring import (
    capacity_points,
    fit_matrix,
    heavy_case_limits,
    need_levels,
    penalty_scale,
    unit_capacity,
    unit_cover,
    workload_points,
)

levels = arrays(np.int64, st.tuples(st.integers(1, 8), st.just(4)), elements=st.integers(1, 5))
profile = arrays(np.int64, 4, elements=st.integers(1, 5))


@given(levels, profile, st.integers(0, 3), st.integers(1, 4))
def test_raising_a_level_never_lowers_any_fit(need, cover, dim, raise_by):
    higher = cover.copy()
    higher[dim] = min(5, higher[dim] + raise_by)
    before = fit_matrix(need, cover[None, :])
    after = fit_matrix(need, higher[None, :])
    assert np.all(after >= before - 1e-12)


@given(levels, arrays(np.int64, (2, 4), elements=st.integers(1, 5)))
def test_a_pair_never_fits_worse_than_either_member(need, members):
    pair = unit_cover(members, [(0, 1)])
    fits = fit_matrix(need, np.vstack([members, pair]))
    assert np.all(fits[:, 2] >= fits[:, :2].max(axis=1) - 1e-12)


@given(levels, st.integers(0, 4))
def test_surplus_is_free(need, extra):
    exact = fit_matrix(need, need)
    above = fit_matrix(need, np.minimum(need + extra, 5))
    assert np.allclose(np.diag(exact), 1.0)
    assert np.allclose(np.diag(above), 1.0)


@given(levels, arrays(np.int64, (5, 4), elements=st.integers(1, 5)))
def test_fit_in_unit_interval_and_matches_formula(need, cover):
    policy = Policy()
    fit = fit_matrix(need, cover, policy)
    assert fit.shape == (len(need), 5)
    assert np.all((fit >= 0) & (fit <= 1))
    w = np.array(list(policy.dimension_weights.values()))
    miss = np.maximum(need[:, None, :] - cover[None, :, :], 0).astype(float)
    expected = 1 - (miss**policy.shortfall_exponent) @ w / penalty_scale(policy)
    assert np.allclose(fit, expected)


def test_shortfall_grows_faster_than_linearly():
    need = np.array([[5, 1, 1, 1]])
    fits = fit_matrix(need, np.array([[5, 1, 1, 1], [4, 1, 1, 1], [3, 1, 1, 1]]))[0]
    first, second = fits[0] - fits[1], fits[1] - fits[2]
    assert second > first > 0


def test_needs_follow_innsatsgruppe_and_adjustments():
    brukere = [
        Bruker(id="a", innsatsgruppe="STANDARD_INNSATS"),
        Bruker(id="b", innsatsgruppe="SPESIELT_TILPASSET_INNSATS"),
        Bruker(id="c", innsatsgruppe="SPESIELT_TILPASSET_INNSATS", tung_sak=True),
        Bruker(id="d", innsatsgruppe="STANDARD_INNSATS", digital=False),
        Bruker(id="e", innsatsgruppe=None, malgrupper=["aap"]),
        Bruker(id="f", innsatsgruppe="VARIG_TILPASSET_INNSATS",
               needs={"relasjonell": 5, "struktur": 1, "forvaltning": 5, "digital": 1}),
    ]
    need = need_levels(brukere)
    assert need[0].tolist() == [2, 2, 2, 3]
    assert need[1].tolist() == [4, 3, 3, 2]
    assert need[2].tolist() == [5, 4, 3, 2]  # heavy case: relasjonell and struktur +1
    assert need[3].tolist() == [3, 2, 2, 1]  # not digital: digital 1, relasjonell +1
    assert need[4].tolist() == [3, 4, 4, 2]  # no decision yet, aap: struktur and forvaltning +1
    assert need[5].tolist() == [5, 1, 5, 1]  # explicit needs override everything


def test_needs_are_clipped_to_five():
    b = Bruker(id="a", innsatsgruppe="SPESIELT_TILPASSET_INNSATS", tung_sak=True, digital=False,
               malgrupper=["ung", "flyktning"])
    assert need_levels([b]).max() == 5


def test_workload_capacity_and_heavy_limits():
    policy = Policy()
    brukere = [Bruker(id="a", innsatsgruppe="STANDARD_INNSATS"),
               Bruker(id="b", innsatsgruppe="SPESIELT_TILPASSET_INNSATS", tung_sak=True)]
    assert workload_points(brukere, policy).tolist() == [0.4, 2.0 + 1.5]
    p = {"relasjonell": 3, "struktur": 3, "forvaltning": 3, "digital": 3}
    vs = [Veileder(ident="Z100001", profile=p), Veileder(ident="Z100002", profile=p,
                                                        stillingsprosent=50, max_tunge_saker=3)]
    assert capacity_points(vs, policy).tolist() == [100.0, 50.0]
    assert heavy_case_limits(vs, policy).tolist() == [14.0, 3.0]
    cap = unit_capacity(np.array([100.0, 50.0]), [(0,), (0, 1)], policy.pair_overhead)
    assert cap.tolist() == pytest.approx([100.0, 135.0])


def test_policy_changes_move_the_scores():
    need = np.array([[4, 1, 1, 1]])
    cover = np.array([[3, 1, 1, 1]])
    strict = Policy(shortfall_exponent=1.0)
    assert fit_matrix(need, cover, strict)[0, 0] != fit_matrix(need, cover)[0, 0]
    with pytest.raises(ValueError, match="missing"):
        Policy(workload_points={"STANDARD_INNSATS": 1.0})


def test_empty_inputs():
    assert fit_matrix(np.zeros((0, 4), int), np.ones((3, 4), int)).shape == (0, 3)
    assert need_levels([]).shape == (0, 4)
