"""The pairs' overhead leaves the allocation room to deal out whole brukere (the budget rule
of ``pairing/valuation.py``: ``margin = max(w_max, PACKING_MARGIN · w̄ · n)``)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from navkompetanse import CapacityWarning, Policy, pair_veiledere, plan, synthetic_office
from navkompetanse.pairing import valuation
from navkompetanse.scoring import capacity_points, workload_points


def _office(n_veiledere: int, per_veileder: int, load: float, seed: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        return synthetic_office(n_veiledere, n_veiledere * per_veileder, seed, load=load)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_veiledere=st.integers(8, 40), per_veileder=st.integers(50, 75),
       load=st.floats(0.88, 0.99), seed=st.integers(0, 10_000))
def test_proposed_pairs_leave_the_packing_margin(n_veiledere, per_veileder, load, seed):
    office = _office(n_veiledere, per_veileder, load, seed)
    policy = Policy()
    result = pair_veiledere(office, policy=policy, time_limit=10)
    capacity = capacity_points(office.veiledere, policy)
    weights = workload_points(office.brukere, policy)
    total, work = float(capacity.sum()), float(weights.sum())
    margin = max(float(weights.max()), valuation.PACKING_MARGIN * float(weights.mean())
                 * len(office.veiledere))
    # the overhead recomputed from the pairs themselves, not taken from the solver's stats
    overhead = sum(sum(p.member_capacity_points.values()) - p.capacity_points
                   for p in result.pairs)
    assert overhead == pytest.approx(result.stats["capacity"]["overhead_points"], abs=1e-6)
    assume(total - work >= float(weights.max()))  # a full office's overhead is priced instead
    # the units' capacity still holds the load with the margin to spare (or, on an office
    # with less room than the margin, no pair at all)
    assert overhead <= max(total - work - margin, 0.0) + 1e-6
    if total - work < margin:
        assert not result.pairs


def test_a_tight_office_is_rounded_not_sent_to_the_fallback(monkeypatch):
    """48 veiledere at 95 % load: with only one bruker's weight of room left by the pairs,
    rounding the allocation LP found no place for the last brukere and the slow fallback
    (prices around solve_gap) ran; with the margin the LP's rounding holds."""
    office = synthetic_office(48, 3375, 4, load=0.95)
    monkeypatch.setattr(valuation, "PACKING_MARGIN", 0.0)
    before = plan(office, gaps=False, progress=False)
    monkeypatch.setattr(valuation, "PACKING_MARGIN", 0.25)
    after = plan(office, gaps=False, progress=False)
    assert after.allocation.ok
    assert after.allocation.stats["method"] == "class-lp"
    assert before.allocation.stats["method"] != "class-lp"  # the case the margin is for
    assert len(after.pairing.pairs) <= len(before.pairing.pairs)
    # every bruker placed exactly once
    assert sorted(after.allocation.assignment) == sorted(b.id for b in office.brukere)
    assert np.isfinite(after.allocation.gap) and after.allocation.gap <= 1e-3
