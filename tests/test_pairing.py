"""Tests for navkompetanse.pairing: the DOMAIN.md example, rules, invariants, brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from navkompetanse.exceptions import InvalidInputError
from navkompetanse.models import (
    Bruker,
    CompetenceProfile,
    Dimension,
    LearningRelation,
    Office,
    Veileder,
)
from navkompetanse.pairing import PairingResult, pair_veiledere
from navkompetanse.pairing.valuation import PairingModel

P = CompetenceProfile
GROUPS = ("STANDARD_INNSATS", "SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS")


def profile(rel, stru, forv, dig):
    return P(relasjonell=rel, struktur=stru, forvaltning=forv, digital=dig)


def ordinary(n, start=0):
    return [Bruker(id=f"o{start + i}", innsatsgruppe=GROUPS[i % 3]) for i in range(n)]


def heavy(n):
    need = profile(5, 3, 5, 2)
    return [Bruker(id=f"h{i}", innsatsgruppe="SPESIELT_TILPASSET_INNSATS", tung_sak=True,
                   needs=need) for i in range(n)]


REL = "Z100001"  # strong relasjonell, weak forvaltning and digital
FORV = "Z100002"  # strong forvaltning and digital, weak relasjonell


def domain_office(**update) -> Office:
    vs = [Veileder(ident=REL, profile=profile(5, 3, 1, 2)),
          Veileder(ident=FORV, profile=profile(2, 3, 5, 5))]
    vs += [Veileder(ident=f"Z20000{i}", profile=profile(3, 3, 3, 3)) for i in range(4)]
    office = Office(enhet="0315", name="NAV Test", veiledere=vs, brukere=heavy(12) + ordinary(250))
    return office.model_copy(update=update) if update else office


def check_invariants(result: PairingResult, office: Office, *, required=(), forbidden=(),
                     min_gain=0.25, max_pairs=None) -> None:
    """The shared invariant checker: every result must pass it."""
    seen = [i for p in result.pairs for i in p.members]
    assert len(seen) == len(set(seen)), "a veileder is in two pairs"
    assert set(seen) | set(result.singles) == set(office.idents)
    assert not set(seen) & set(result.singles)
    pinned = {tuple(sorted(p)) for p in required}
    got = {p.members for p in result.pairs}
    assert pinned <= got
    assert not {tuple(sorted(p)) for p in forbidden} & got
    for p in result.pairs:
        assert p.members == tuple(sorted(p.members))
        assert p.gain_exact, p  # every proposed pair's gain is an exact LP difference
        if p.members not in pinned:
            assert p.gain > 0, p
            if not p.existing:  # kept pairs answer to the continuity threshold instead
                assert p.gain >= min_gain - 1e-9, p
    if max_pairs is not None:
        assert len(result.pairs) <= max_pairs
    assert result.bound >= result.objective - 1e-6
    assert 0 <= result.gap
    by_ident = office.veileder_by_ident
    for ident, reason in result.singles.items():
        if not by_ident[ident].pairable:
            assert reason == "not_pairable"


# ---- the DOMAIN.md example --------------------------------------------------------------
def test_domain_example_pairs_the_two_specialists():
    office = domain_office()
    result = pair_veiledere(office)
    check_invariants(result, office)
    assert [p.members for p in result.pairs] == [(REL, FORV)]
    pair = result.pairs[0]
    # the heavy cases (relasjonell 5 and forvaltning 5 at once) go to their pair
    assert all(result.assignment[f"h{i}"] == pair.unit_id for i in range(12))
    # division of labour
    assert pair.leads[Dimension.relasjonell] == (REL,)
    assert pair.leads[Dimension.forvaltning] == (FORV,)
    assert pair.leads[Dimension.digital] == (FORV,)
    assert pair.leads[Dimension.struktur] == (REL, FORV)  # a tie: both
    assert set(pair.covers[REL]) == {Dimension.forvaltning, Dimension.digital}
    assert set(pair.covers[FORV]) == {Dimension.relasjonell}
    assert pair.combined_profile == profile(5, 3, 5, 5)
    assert pair.capacity_points == pytest.approx(180.0)
    assert pair.n_only_together >= 12
    assert result.status == "optimal"
    text = result.explain(REL)
    assert "Z100002 leder forvaltning og digital" in text and "relasjonell 5" in text
    assert "proposed as a pair" in result.explain((FORV, REL), lang="en")


def test_pairing_specialists_beats_spreading_them():
    """The case an average over brukere gets wrong: spreading scores lower in the allocation."""
    office = domain_office()
    result = pair_veiledere(office, min_gain=0.0)
    rel_forv = result.allocation_objective
    spread = pair_veiledere(office, required=[(REL, "Z200000"), (FORV, "Z200001")],
                            max_pairs=2, min_gain=0.0)
    assert rel_forv > spread.allocation_objective + 0.1


def test_cached_idents_of_the_input_do_not_leak_into_the_canonical_order():
    """Office.idents is a cached property; copying the office must not carry it over."""
    office = domain_office()
    shuffled = office.model_copy(update={"veiledere": tuple(reversed(office.veiledere))})
    assert shuffled.idents[0] != REL  # touch the cache in input order
    result = pair_veiledere(shuffled)
    assert [p.members for p in result.pairs] == [(REL, FORV)]
    assert result.pairs[0].leads[Dimension.relasjonell] == (REL,)


def test_identical_profiles_never_pair():
    vs = [Veileder(ident=f"Z30000{i}", profile=profile(4, 2, 3, 5)) for i in range(4)]
    office = Office(enhet="0315", name="x", veiledere=vs, brukere=heavy(10) + ordinary(120))
    result = pair_veiledere(office, min_gain=0.0)
    assert result.pairs == ()
    assert set(result.singles.values()) == {"no_gain"}


def test_identical_profiles_have_no_value_in_the_model():
    # w_ab <= 0 for two equal profiles, at any prices (K is concave in capacity)
    lv = np.array([[4, 2, 3, 5], [4, 2, 3, 5]])
    rng = np.random.default_rng(0)
    need = rng.integers(1, 6, size=(30, 4))
    model = PairingModel(levels=lv, capacity=np.array([100.0, 80.0]), need=need,
                         count=rng.integers(1, 10, 30).astype(float),
                         points=rng.choice([0.4, 1.0, 2.0, 3.5], 30), policy=_policy(),
                         candidate=np.array([[False, True], [True, False]]),
                         learning=np.zeros((2, 2)), continuity=np.zeros((2, 2)))
    for _ in range(20):
        mu = rng.normal(0.5, 0.4, 30)
        assert model.pair_values(mu)[0, 1] <= 1e-9


def _policy():
    from navkompetanse.policy import Policy

    return Policy()


# ---- rules and options ------------------------------------------------------------------
def test_required_forbidden_and_errors():
    office = domain_office()
    result = pair_veiledere(office, required=[("Z200000", "Z200001")],
                            forbidden=[(REL, FORV)])
    check_invariants(result, office, required=[("Z200000", "Z200001")],
                     forbidden=[(REL, FORV)])
    pinned = [p for p in result.pairs if p.required]
    assert pinned and pinned[0].gain <= 0  # identical profiles: honest, no gain
    assert "låst" in result.explain("Z200000")
    with pytest.raises(InvalidInputError, match="not in the office"):
        pair_veiledere(office, required=[(REL, "Z999999")])
    with pytest.raises(InvalidInputError, match="also forbidden"):
        pair_veiledere(office, required=[(REL, FORV)], forbidden=[(FORV, REL)])
    with pytest.raises(InvalidInputError, match="also in required"):
        pair_veiledere(office, required=[(REL, FORV), (REL, "Z200000")])
    with pytest.raises(InvalidInputError, match="two different"):
        pair_veiledere(office, required=[(REL, REL)])
    np_office = domain_office(veiledere=tuple(
        v.model_copy(update={"pairable": False}) if v.ident == FORV else v
        for v in office.veiledere))
    with pytest.raises(InvalidInputError, match="pairable=false"):
        pair_veiledere(np_office, required=[(REL, FORV)])
    result = pair_veiledere(np_office)
    assert result.singles[FORV] == "not_pairable"
    assert "ikke aktuell" in result.explain(FORV)


def test_forbidden_and_same_avdeling_give_rule_reasons():
    office = domain_office()
    result = pair_veiledere(office, forbidden=[(REL, FORV)])
    check_invariants(result, office, forbidden=[(REL, FORV)])
    assert (REL, FORV) not in {p.members for p in result.pairs}
    vs = tuple(v.model_copy(update={"avdeling": "A" if v.ident == REL else "B"})
               for v in office.veiledere)
    result = pair_veiledere(office.model_copy(update={"veiledere": vs}), same_avdeling=True)
    assert result.pairs == () or all(REL not in p.members for p in result.pairs)
    assert result.singles[REL] == "rule:same_avdeling"
    result = pair_veiledere(office, max_pairs=0)
    assert result.pairs == ()
    assert result.singles[REL] == "rule:max_pairs"


def test_min_gain_drops_small_pairs():
    office = domain_office()
    assert pair_veiledere(office, min_gain=100.0).pairs == ()


def test_existing_pair_kept_by_continuity_and_learning_bonus():
    office = domain_office(pairs=((REL, "Z200000"),))
    kept = pair_veiledere(office)
    assert (REL, "Z200000") in {p.members for p in kept.pairs}
    assert next(p for p in kept.pairs if REL in p.members).existing
    moved = pair_veiledere(office, keep_existing=False)
    assert (REL, FORV) in {p.members for p in moved.pairs}
    office = domain_office(learning_relations=(LearningRelation(mentor=REL, learner=FORV),))
    result = pair_veiledere(office)
    pair = result.pairs[0]
    assert pair.learning_relation and pair.learning_bonus == pytest.approx(0.5)
    base = pair_veiledere(domain_office()).pairs[0]
    assert pair.gain == pytest.approx(base.gain + 0.5)


def test_continuity_threshold_decides_whether_an_existing_pair_is_split():
    """Kept unless changing it gains more than Policy.pair_continuity_threshold."""
    from navkompetanse.policy import Policy

    office = domain_office(pairs=((REL, "Z200000"),))
    _, model = _model_of(office)
    ix = {ident: k for k, ident in enumerate(sorted(office.idents))}
    today = tuple(sorted((ix[REL], ix["Z200000"])))
    better = tuple(sorted((ix[REL], ix[FORV])))
    # what the change gains for the brukere, less the min_gain a new pair must earn
    delta = model.evaluate([better]).value - model.evaluate([today]).value - 0.25
    assert delta > 0.5
    for threshold, kept in ((delta - 0.2, False), (delta + 0.2, True)):
        policy = Policy().model_copy(update={"pair_continuity_threshold": threshold})
        result = pair_veiledere(office, policy=policy)
        check_invariants(result, office)
        members = {p.members for p in result.pairs}
        assert ((REL, "Z200000") in members) is kept, (threshold, delta, members)
        assert ((REL, FORV) in members) is not kept
        if kept:
            pair = result.pair_of(REL)
            assert pair.existing and "fortsetter som par" in result.explain(REL)


def test_existing_pair_is_not_held_to_min_gain_but_needs_a_gain():
    office = domain_office(pairs=((REL, FORV),))
    result = pair_veiledere(office, min_gain=100.0)  # a new pair could never earn this
    assert [p.members for p in result.pairs] == [(REL, FORV)]
    assert result.pairs[0].existing and 0 < result.pairs[0].gain < 100
    assert pair_veiledere(office, min_gain=100.0, keep_existing=False).pairs == ()
    # two identical profiles working as a pair today gain nothing: they are split
    same = domain_office(pairs=(("Z200000", "Z200001"),))
    assert ("Z200000", "Z200001") not in {p.members for p in pair_veiledere(same).pairs}


def test_singles_carry_a_labelled_estimate():
    office = domain_office()
    result = pair_veiledere(office, forbidden=[(REL, FORV)], min_gain=0.0)
    for ident, est in result.estimates.items():
        assert est["exact"] is False and ident in result.singles
    if FORV in result.estimates:
        assert "anslag" in result.explain(FORV)
        assert "estimate" in result.explain(FORV, lang="en")


def test_warm_lp_agrees_with_linprog():
    """The warm-started HiGHS LP (column generation) gives linprog's optimum."""
    import navkompetanse.pairing.allocation_lp as lp_mod
    from navkompetanse.synthetic import synthetic_office

    office = synthetic_office(24, 1700, seed=5)
    _, model = _model_of(office)
    rng = np.random.default_rng(3)
    cand = np.argwhere(np.triu(model.candidate, 1))
    warm = lp_mod.AllocationLP(model._fit_table, model.count, model.points)
    old = lp_mod.PAIRING_LP_BACKEND
    lp_mod.PAIRING_LP_BACKEND = "linprog"
    try:
        cold = lp_mod.AllocationLP(model._fit_table, model.count, model.points)
    finally:
        lp_mod.PAIRING_LP_BACKEND = old
    assert cold.backend == "linprog"
    for trial in range(12):
        used, pairs = set(), []
        for i in rng.permutation(len(cand))[: 3 + trial]:
            a, b = map(int, cand[i])
            if a not in used and b not in used:
                used |= {a, b}
                pairs.append((a, b))
        units = model.units_of(pairs)
        cover = np.array([model._cover_ix[u[0], u[-1]] for u in units])
        cap = np.bincount(cover, weights=[model.unit_capacity(*u) for u in units],
                          minlength=model._fit_table.shape[1])
        a, b = warm.solve(cap), cold.solve(cap)
        assert a.value == pytest.approx(b.value, rel=1e-9, abs=1e-7)
        assert np.allclose(a.x.sum(axis=1), model.count)
        assert ((a.x * model.points[:, None]).sum(axis=0) <= cap + 1e-6).all()
    assert warm.backend == "warm"  # scipy's HiGHS object is there: warm is compared
    assert warm.n_warm == 12 and warm.n_fallback == 0


def test_knapsack_places_capacities_the_same_in_one_pass_and_per_cover(monkeypatch):
    """``PairingModel.knapsack`` finds where each unit's capacity falls on its cover's
    cumulative points either in one comparison (few units) or by one search per cover (many):
    both give the same values and fills to the last bit, also for capacities that land exactly
    on a breakpoint, at zero and beyond all brukere."""
    import navkompetanse.pairing.valuation as valuation
    from navkompetanse.synthetic import synthetic_office

    _, model = _model_of(synthetic_office(30, 2200, seed=5))
    rng = np.random.default_rng(3)
    ia, ib = np.nonzero(np.triu(model.candidate, 1))
    cover = np.concatenate([model._cover_ix[np.arange(model.n), np.arange(model.n)],
                            model._cover_ix[ia, ib]])
    cap = np.concatenate([model.single_capacities(), model.pair_capacities(ia, ib)])
    load = float(model.count @ model.points)
    for trial in range(6):
        mu = rng.uniform(-0.2, 1.0, len(model.count)) * (trial > 0)
        caps = cap.copy()
        if trial == 1:  # on a breakpoint: exactly one group's points
            caps[:] = (model.count * model.points)[0]
        if trial == 2:
            caps[::3] = 0.0
            caps[1::3] = 2 * load
        out = {}
        for one_pass in (10**12, 0):
            monkeypatch.setattr(valuation, "_ONE_PASS", one_pass)
            out[one_pass] = model.knapsack(mu, cover, caps, with_fill=True)
        assert np.array_equal(out[10**12][0], out[0][0])
        assert np.array_equal(out[10**12][1], out[0][1])


def test_pricing_skips_exactly_the_columns_in_the_model():
    """The warm allocation LP prices columns with ``fit`` blocked (``-inf``) where a column
    is in the model: after additions and clean-ups the blocked entries are exactly the
    model's columns."""
    import navkompetanse.pairing.allocation_lp as lp_mod
    from navkompetanse.synthetic import synthetic_office

    _, model = _model_of(synthetic_office(40, 2900, seed=7))
    lp = lp_mod.AllocationLP(model._fit_table, model.count, model.points)
    if lp.backend != "warm":
        pytest.skip("no warm HiGHS object in this scipy build")
    lp.purging = True
    rng = np.random.default_rng(2)
    cand = np.argwhere(np.triu(model.candidate, 1))
    for trial in range(30):
        pairs, used = [], set()
        for i in rng.permutation(len(cand))[: 1 + trial % 12]:
            a, b = map(int, cand[i])
            if a not in used and b not in used:
                used |= {a, b}
                pairs.append((a, b))
        cover, cap = model._unit_arrays(model.units_of(pairs))
        lp.solve(np.bincount(cover, weights=cap, minlength=model._fit_table.shape[1]))
        in_model = np.zeros_like(lp._active)
        in_model[lp._col_g, lp._col_c] = True
        assert np.array_equal(in_model, lp._active)
        assert np.array_equal(np.isneginf(lp._fit_blocked), lp._active)
    assert lp.n_purged > 0 and lp._highs.getNumCol() == lp.n_groups + lp._col_g.size


def test_column_clean_up_keeps_the_lp_values():
    """Deleting nonbasic columns with a negative reduced profit (``purging``) changes no LP
    value: the same sequence of pairings gives the same optimum with and without it, and
    the clean-up did delete columns."""
    import navkompetanse.pairing.allocation_lp as lp_mod
    from navkompetanse.synthetic import synthetic_office

    office = synthetic_office(40, 2900, seed=7)
    _, model = _model_of(office)
    plain = lp_mod.AllocationLP(model._fit_table, model.count, model.points)
    purged = lp_mod.AllocationLP(model._fit_table, model.count, model.points)
    if purged.backend != "warm":
        pytest.skip("no warm HiGHS object in this scipy build")
    plain.purging = False
    rng = np.random.default_rng(11)
    cand = np.argwhere(np.triu(model.candidate, 1))
    for trial in range(40):
        used, pairs = set(), []
        for i in rng.permutation(len(cand))[: 2 + trial % 15]:
            a, b = map(int, cand[i])
            if a not in used and b not in used:
                used |= {a, b}
                pairs.append((a, b))
        cover, cap = model._unit_arrays(model.units_of(pairs))
        cap_c = np.bincount(cover, weights=cap, minlength=model._fit_table.shape[1])
        a, b = plain.solve(cap_c), purged.solve(cap_c)
        assert b.value == pytest.approx(a.value, rel=1e-9, abs=1e-7)
        assert np.allclose(b.x.sum(axis=1), model.count)
        assert ((b.x * model.points[:, None]).sum(axis=0) <= cap_c + 1e-6).all()
    assert purged.n_purged > 0 and purged.n_fallback == 0
    assert purged._highs.getNumCol() < plain._highs.getNumCol()


def _full_lp(fit, count, points, cap):
    """The allocation LP over every cover with ``scipy.optimize.linprog``, closed covers
    (capacity 0) included as they are: ``(value, mu)``, or None if the brukere do not fit.
    Brukere without points are kept out of closed covers by an upper bound of 0."""
    from scipy.optimize import linprog

    g_n, c_n = fit.shape
    a_eq = np.kron(np.eye(g_n), np.ones(c_n))
    a_ub = np.kron(points[None, :], np.eye(c_n))
    upper = np.where(np.tile(cap > 0, g_n), None, 0.0)
    res = linprog(-fit.ravel(), A_ub=a_ub, b_ub=cap, A_eq=a_eq, b_eq=count,
                  bounds=list(zip(np.zeros(g_n * c_n), upper, strict=True)), method="highs")
    return None if res.status == 2 else (-res.fun, -np.asarray(res.eqlin.marginals))


def _dual_value(fit, count, points, cap, mu):
    """The least dual objective over cover prices for bruker prices ``mu``: it equals the
    LP optimum iff ``mu`` are optimal bruker prices (a closed cover's price costs nothing)."""
    w = np.maximum(points, 1e-9)
    lam = np.maximum(((fit - mu[:, None]) / w[:, None]).max(axis=0), 0.0)
    return float(mu @ count + cap[cap > 0] @ lam[cap > 0])


def _check_lp_against_linprog(lp, fit, count, points, cap):
    """One warm solve of ``lp`` against the full LP: the same value (or both infeasible),
    bruker prices that certify it, nobody at a closed cover, and no column of a closed cover
    priced in by this solve."""
    before = lp._active.copy()
    sol, ref = lp.solve(cap), _full_lp(fit, count, points, cap)
    closed = cap <= 0
    assert not (lp._active & ~before)[:, closed].any(), "a closed cover was priced in"
    if ref is None:
        assert sol is None
        return None
    assert sol is not None
    assert sol.value == pytest.approx(ref[0], rel=1e-9, abs=1e-7)
    assert _dual_value(fit, count, points, cap, sol.mu) == pytest.approx(ref[0], rel=1e-7,
                                                                         abs=1e-6)
    # nobody at a closed cover: a column priced in while its cover was open is held there by
    # the cover's row (points @ x <= 0), which HiGHS keeps to its feasibility tolerance (1e-7;
    # a basic column came back at 3e-15), and brukere without points by a bound of 0 (exact)
    assert (points @ sol.x[:, closed] <= 1e-7).all()
    assert not sol.x[points == 0][:, closed].any()
    assert np.allclose(sol.x.sum(axis=1), count)
    return sol


def test_closed_covers_leave_the_lp_of_every_cover_unchanged():
    """Covers no unit has (capacity 0) are never priced in; the warm LP still gives the
    optimum of the LP over every cover (``linprog`` with the closed covers' rows in), with
    bruker prices that certify it, for pairings of a small office that close most covers
    (the empty pairing, one pair, many), and when every cover is closed: no solution, and the
    warm model stays in use."""
    import navkompetanse.pairing.allocation_lp as lp_mod
    from navkompetanse.synthetic import synthetic_office

    _, model = _model_of(synthetic_office(16, 900, seed=4))
    fit, count, points = model._fit_table, model.count, model.points
    lp = lp_mod.AllocationLP(fit, count, points)
    if lp.backend != "warm":
        pytest.skip("no warm HiGHS object in this scipy build")
    rng = np.random.default_rng(8)
    cand = np.argwhere(np.triu(model.candidate, 1))
    n_closed, n_stale = set(), 0
    for trial in range(24):
        used, pairs = set(), []
        for i in rng.permutation(len(cand))[: trial % 9]:
            a, b = map(int, cand[i])
            if a not in used and b not in used:
                used |= {a, b}
                pairs.append((a, b))
        cover, cap = model._unit_arrays(model.units_of(pairs))
        cap_c = np.bincount(cover, weights=cap, minlength=fit.shape[1])
        n_closed.add(int((cap_c <= 0).sum()))
        n_stale += bool(lp._active[:, cap_c <= 0].any())  # columns left from an open cover
        assert _check_lp_against_linprog(lp, fit, count, points, cap_c) is not None
    assert min(n_closed) > 0 and n_stale > 0
    assert lp.n_fallback == 0
    n_warm = lp.n_warm
    assert lp.solve(np.zeros(fit.shape[1])) is None  # every cover closed: nobody fits
    assert lp.backend == "warm" and lp._highs is not None
    assert _check_lp_against_linprog(lp, fit, count, points, cap_c) is not None
    assert lp.n_warm == n_warm + 1


def _random_lp_sequence(seed, n_groups, n_covers, point_choices):
    """A random allocation LP solved warm for six capacities that close (about half of the
    covers each time) and reopen covers, each checked against ``linprog``."""
    import navkompetanse.pairing.allocation_lp as lp_mod

    rng = np.random.default_rng(seed)
    fit = rng.uniform(0.0, 1.0, (n_groups, n_covers)).round(2)
    count = rng.integers(1, 6, n_groups).astype(float)
    points = rng.choice(point_choices, n_groups)
    lp = lp_mod.AllocationLP(fit, count, points)
    if lp.backend != "warm":
        pytest.skip("no warm HiGHS object in this scipy build")
    load = float(count @ np.maximum(points, 1.0))
    for _ in range(6):
        cap = rng.uniform(0.2, 1.2, n_covers) * load / rng.integers(1, n_covers + 1)
        cap[rng.random(n_covers) < 0.5] = 0.0
        _check_lp_against_linprog(lp, fit, count, points, cap)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_groups=st.integers(1, 6), n_covers=st.integers(1, 7))
@example(seed=1698009, n_groups=5, n_covers=7)  # x = 3.2e-15 at a closed cover (fuzz campaign)
def test_warm_lp_with_closed_covers_is_linprogs_lp(seed, n_groups, n_covers):
    """Random allocation LPs solved warm while covers close and reopen: ``linprog``'s optimum
    over every cover, certified bruker prices, nobody at a closed cover."""
    _random_lp_sequence(seed, n_groups, n_covers, [0.4, 1.0, 2.0, 3.5])


@pytest.mark.parametrize("caps", [[(0.0, 1.3), (2.13, 0.0)], [(0.0, 1.3), (0.0, 0.0)]],
                         ids=["moved", "every-cover-closed"])
def test_brukere_without_points_leave_a_cover_that_closes(caps):
    """Three brukere without points (fit 0.26 / 0.30 at two covers) go to cover 1 while it is
    open; once it closes they must move to cover 0 (0.78, as ``linprog`` finds) or, with
    every cover closed, find no room (None). The warm LP kept them at cover 1 (0.90): their
    capacity coefficient (1e-9) is within HiGHS's feasibility tolerance, so the columns of a
    closed cover are now bounded at 0 as well."""
    import navkompetanse.pairing.allocation_lp as lp_mod

    fit, count, points = np.array([[0.26, 0.30]]), np.array([3.0]), np.array([0.0])
    lp = lp_mod.AllocationLP(fit, count, points)
    if lp.backend != "warm":
        pytest.skip("no warm HiGHS object in this scipy build")
    for cap in caps:
        _check_lp_against_linprog(lp, fit, count, points, np.array(cap))


def test_gains_exact_on_a_synthetic_office():
    from navkompetanse.synthetic import synthetic_office

    office = synthetic_office(40, 2900, seed=2)
    result, model = _model_of(office)
    check_invariants(result, office)
    assert result.pairs and all(p.gain_exact for p in result.pairs)
    ix = {ident: k for k, ident in enumerate(sorted(office.idents))}
    pairs = [tuple(sorted((ix[a], ix[b]))) for a, b in (p.members for p in result.pairs)]
    full = model.evaluate(pairs).value
    for p, pair in list(zip(result.pairs, pairs, strict=True))[:4]:
        without = model.evaluate([q for q in pairs if q != pair]).value
        assert p.gain == pytest.approx(full - without + p.learning_bonus, abs=1e-6)
    assert result.stats["n_lp"] >= len(result.pairs)


def test_empty_and_tiny_offices():
    office = Office(enhet="0315", name="x")
    result = pair_veiledere(office)
    assert result.pairs == () and result.singles == {}
    result = pair_veiledere(Office(enhet="0315", name="x", brukere=[Bruker(id="b-1")]))
    assert result.status == "infeasible" and "no veileder" in result.messages["en"]
    assert "ingen veileder" in result.message
    office = Office(enhet="0315", name="x", veiledere=[
        Veileder(ident=REL, profile=profile(5, 3, 1, 2)),
        Veileder(ident=FORV, profile=profile(2, 3, 5, 5))])
    result = pair_veiledere(office)  # no brukere: no pair adds value
    assert result.pairs == ()
    assert result.to_dict()["singles"] == {REL: "no_gain", FORV: "no_gain"}


def test_to_dict_and_prices_method():
    office = domain_office()
    result = pair_veiledere(office, method="prices")
    data = result.to_dict()
    assert data["pairs"][0]["members"] == [REL, FORV]
    assert data["pairs"][0]["leads"]["relasjonell"] == [REL]
    assert "proven upper bound" in result.describe_optimality("en")
    assert "bevist øvre grense" in result.optimality
    with pytest.raises(ValueError):
        pair_veiledere(office, method="magic")


# ---- properties ---------------------------------------------------------------------------
@st.composite
def small_offices(draw, max_v=8):
    n_v = draw(st.integers(2, max_v))
    levels = draw(st.lists(st.tuples(*[st.integers(1, 5)] * 4), min_size=n_v, max_size=n_v))
    pct = draw(st.lists(st.sampled_from([50, 80, 100]), min_size=n_v, max_size=n_v))
    avd = draw(st.lists(st.sampled_from(["A", "B"]), min_size=n_v, max_size=n_v))
    vs = [Veileder(ident=f"Z{500000 + i}", profile=profile(*lv), stillingsprosent=p,
                   avdeling=a) for i, (lv, p, a) in enumerate(zip(levels, pct, avd, strict=True))]
    n_heavy = draw(st.integers(0, 10))
    needs = draw(st.lists(st.tuples(*[st.integers(1, 5)] * 4), min_size=n_heavy,
                          max_size=n_heavy))
    brukere = [Bruker(id=f"h{i}", innsatsgruppe="VARIG_TILPASSET_INNSATS", needs=profile(*nd))
               for i, nd in enumerate(needs)]
    brukere += ordinary(draw(st.integers(0, 20 * n_v)))
    return Office(enhet="0315", name="x", veiledere=vs, brukere=brukere)


FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(office=small_offices(), data=st.data())
def test_invariants_and_order(office, data):
    idents = list(office.idents)
    forbidden = []
    if len(idents) >= 2 and data.draw(st.booleans()):
        forbidden = [tuple(data.draw(st.permutations(idents))[:2])]
    same = data.draw(st.booleans())
    max_pairs = data.draw(st.none() | st.integers(0, 3))
    result = pair_veiledere(office, forbidden=forbidden, same_avdeling=same,
                            max_pairs=max_pairs)
    check_invariants(result, office, forbidden=forbidden, max_pairs=max_pairs)
    perm = data.draw(st.permutations(list(office.veiledere)))
    again = pair_veiledere(office.model_copy(update={"veiledere": tuple(perm)}),
                           forbidden=forbidden, same_avdeling=same, max_pairs=max_pairs)
    assert [p.members for p in again.pairs] == [p.members for p in result.pairs]
    assert again.singles == result.singles
    assert again.objective == pytest.approx(result.objective, abs=1e-7)


@FAST
@given(office=small_offices(), data=st.data())
def test_required_pairs_are_pinned(office, data):
    idents = data.draw(st.permutations(list(office.idents)))
    req = [tuple(idents[:2])]
    result = pair_veiledere(office, required=req)
    check_invariants(result, office, required=req)
    assert tuple(sorted(req[0])) in {p.members for p in result.pairs}


def all_matchings(nodes):
    if len(nodes) < 2:
        yield []
        return
    first, rest = nodes[0], nodes[1:]
    yield from all_matchings(rest)
    for i, other in enumerate(rest):
        for m in all_matchings(rest[:i] + rest[i + 1:]):
            yield [(first, other), *m]


def brute_force(model: PairingModel, min_gain: float = 0.25, *, max_pairs=None, forced=(),
                banned=()):
    """Best objective over every matching of candidate pairs (required and ``forced`` pinned,
    ``banned`` left out, at most ``max_pairs`` pairs)."""
    best = -np.inf
    cand = model.candidate
    pinned = set(model.required) | set(forced)
    for m in all_matchings(list(range(model.n))):
        if not all(cand[a, b] for a, b in m):
            continue
        if not pinned <= set(m) or set(m) & set(banned):
            continue
        if max_pairs is not None and len(m) > max_pairs:
            continue
        best = max(best, model.evaluate(m).objective)
    return best


def _model_of(office, min_gain=0.25, **options):
    """Rebuild the model the way pair_veiledere does (through its own path)."""
    import navkompetanse.pairing.propose as pairing

    captured = {}
    original = pairing.search_pairing

    def spy(model, **kw):
        captured["model"] = model
        return original(model, **kw)

    pairing.search_pairing = spy
    try:
        result = pair_veiledere(office, min_gain=min_gain, **options)
    finally:
        pairing.search_pairing = original
    return result, captured["model"]


def _office_of_levels(levels, pct, needs, n_ordinary, avd=None):
    vs = [Veileder(ident=f"Z{500000 + i}", profile=profile(*lv), stillingsprosent=p,
                   avdeling=(avd[i] if avd else "A"))
          for i, (lv, p) in enumerate(zip(levels, pct, strict=True))]
    brukere = [Bruker(id=f"h{i}", innsatsgruppe="VARIG_TILPASSET_INNSATS", needs=profile(*nd))
               for i, nd in enumerate(needs)]
    return Office(enhet="0315", name="x", veiledere=vs, brukere=brukere + ordinary(n_ordinary))


#: An office the search alone misses at an eighth of its LP budget (114.152 against brute
#: force's 114.218), with either backend of max_weight_pairing's blossom LP. The draw reported
#: in CI (39.05096 against 39.05207) was not found again in 60 hypothesis seeds and 700 random
#: offices at the full budget; this one stands in. (The one before, 113.761 against 113.880,
#: stopped being missed when the warm blossom LP broke a tie between two optimal matchings
#: the other way: found again by drawing 7-veileder offices until one is missed.)
SEARCH_MISSES = _office_of_levels(
    [(5, 5, 2, 3), (5, 3, 3, 1), (3, 4, 4, 1), (2, 4, 3, 2), (4, 4, 1, 5), (1, 2, 5, 3),
     (2, 3, 2, 1)], [50, 100, 50, 100, 50, 100, 50],
    [(2, 5, 1, 3), (2, 1, 1, 5), (2, 4, 1, 3), (3, 2, 2, 1), (2, 2, 2, 2)], 110,
    avd=["A", "B", "A", "B", "B", "B", "A"])


def test_exact_mode_repairs_a_search_that_misses(monkeypatch):
    import navkompetanse.pairing.propose as pairing

    monkeypatch.setattr(pairing, "_LP_BUDGET", 5)
    heuristic, model = _model_of(SEARCH_MISSES)  # exact on by default (7 veiledere)
    best = brute_force(model)
    assert best == pytest.approx(114.2181, abs=1e-3)
    alone = pair_veiledere(SEARCH_MISSES, exact=False)
    assert alone.objective < best - 0.05 and alone.status == "feasible"
    assert heuristic.objective == pytest.approx(best, abs=1e-6)
    assert heuristic.status == "optimal" and heuristic.gap == 0.0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(office=small_offices(max_v=7))
@example(office=SEARCH_MISSES)
def test_matches_brute_force_on_small_offices(office):
    result, model = _model_of(office)
    best = brute_force(model, 0.25)
    # the bound is valid: no pairing beats it
    assert best <= result.bound + 1e-6
    # exact mode: the proposal is the best pairing, proven (branch-and-bound over pairings)
    assert result.objective == pytest.approx(best, abs=1e-6), (result.objective, best)
    assert result.status == "optimal" and result.gap == 0.0
    assert result.stats["proven"] and "branch-and-bound" in result.describe_optimality("en")
    assert "beviselig best" in result.explain()


def test_matching_step_exact_against_brute_force():
    rng = np.random.default_rng(7)
    from navkompetanse.optimize import max_weight_pairing

    for n in range(2, 11):
        w = rng.normal(0, 1, (n, n))
        w = (w + w.T) / 2
        sol = max_weight_pairing(w)
        best = max(sum(w[a, b] for a, b in m if w[a, b] > 0) if all(w[a, b] > 0 for a, b in m)
                   else -np.inf for m in all_matchings(list(range(n))))
        assert sol.weight == pytest.approx(best)


def test_whole_method_against_brute_force_10_veiledere():
    rng = np.random.default_rng(11)
    vs = [Veileder(ident=f"Z{600000 + i}", profile=profile(*rng.integers(1, 6, 4)))
          for i in range(10)]
    brukere = ordinary(300) + [
        Bruker(id=f"h{i}", innsatsgruppe="VARIG_TILPASSET_INNSATS",
               needs=profile(*rng.integers(2, 6, 4))) for i in range(30)]
    office = Office(enhet="0315", name="x", veiledere=vs, brukere=brukere)
    result, model = _model_of(office)
    best = brute_force(model, 0.25)  # every matching of candidate pairs
    assert result.status == "optimal" and result.gap == 0.0 and result.stats["proven"]
    assert result.objective == pytest.approx(best, abs=1e-6)
    assert result.bound == result.objective


def test_exact_mode_with_max_pairs_and_existing_pairs_against_brute_force():
    """max_pairs is inside the node bound (exact best matching with at most c pairs); the
    continuity bonus, learning bonus and min_gain are in the objective brute force maximises."""
    from navkompetanse.synthetic import synthetic_office

    for seed, max_pairs in ((1, 1), (2, 2), (3, None)):
        office = synthetic_office(8, 500, seed=seed)
        ids = sorted(office.idents)
        office = office.model_copy(update={
            "learning_relations": (LearningRelation(mentor=ids[0], learner=ids[3]),),
            "pairs": ((ids[1], ids[2]),)})
        result, model = _model_of(office, max_pairs=max_pairs)
        best = brute_force(model, max_pairs=max_pairs)
        assert result.objective <= best + 1e-6
        assert result.stats["proven"], seed  # every seed here reaches the proof
        assert result.objective == pytest.approx(best, abs=1e-6)
        assert result.status == "optimal" and result.gap == 0.0


def _random_model(rng, n, *, n_groups=25, preference=None):
    levels = rng.integers(1, 6, size=(n, 4))
    need = rng.integers(1, 6, size=(n_groups, 4))
    stronger = (levels[:, None, :] > levels[None, :, :]).any(axis=2)
    candidate = stronger & stronger.T
    np.fill_diagonal(candidate, False)
    learning = np.zeros((n, n))
    continuity = np.zeros((n, n))
    existing = np.zeros((n, n), dtype=bool)
    ia, ib = np.nonzero(np.triu(candidate, 1))
    if len(ia):
        k = rng.integers(len(ia))
        learning[ia[k], ib[k]] = learning[ib[k], ia[k]] = 0.5
        k = rng.integers(len(ia))
        existing[ia[k], ib[k]] = existing[ib[k], ia[k]] = True
        continuity[ia[k], ib[k]] = continuity[ib[k], ia[k]] = 1.0
    return PairingModel(levels=levels, capacity=rng.choice([50.0, 80.0, 100.0], n), need=need,
                        count=rng.integers(1, 12, n_groups).astype(float),
                        points=rng.choice([0.4, 1.0, 2.0, 3.5], n_groups), policy=_policy(),
                        candidate=candidate, learning=learning, continuity=continuity,
                        pair_cost=float(rng.choice([0.0, 0.25, 1.0])), existing=existing,
                        preference=preference)


def test_node_bound_is_valid_at_every_node():
    """L_F,X(μ) bounds every pairing of the node (forced in F, forced out X, max_pairs), at
    any prices: compared with brute force restricted to the node."""
    from navkompetanse.pairing.exact import node_bound

    rng = np.random.default_rng(5)
    checked = 0
    for trial in range(14):
        n = int(rng.integers(4, 8))
        model = _random_model(rng, n)
        cand = [tuple(map(int, p)) for p in np.argwhere(np.triu(model.candidate, 1))]
        if len(cand) < 2:
            continue
        picks = rng.permutation(len(cand))
        forced, used = [], set()
        for k in picks[:1]:
            forced.append(cand[k])
            used |= set(cand[k])
        banned = [cand[k] for k in picks[1:3] if not set(cand[k]) & used]
        max_pairs = [None, 1, 2][trial % 3]
        if max_pairs is not None and max_pairs < len(forced):
            continue
        exact = brute_force(model, forced=forced, banned=banned, max_pairs=max_pairs)
        free = np.ones(n, dtype=bool)
        for a, b in forced:
            free[a] = free[b] = False
        allowed = model.candidate & free[:, None] & free[None, :]
        for a, b in banned:
            allowed[a, b] = allowed[b, a] = False
        cap = None if max_pairs is None else max_pairs - len(forced)
        mus = [model.evaluate(forced).mu, model.evaluate([]).mu]
        mus += [mus[0] + rng.normal(0, 0.2, len(mus[0])) for _ in range(2)]
        for mu in mus:
            lag, inner = node_bound(model, mu, frozenset(forced), allowed, cap)
            assert exact <= lag + 1e-7, (trial, exact, lag)
            assert set(forced) <= inner and not set(banned) & inner
            assert cap is None or len(inner) - len(forced) <= cap
            checked += 1
    assert checked >= 20


def _memo(model):
    """``model.evaluate`` with each pairing judged once (what the search's cache does)."""
    seen = {}

    def ev(pairs):
        key = frozenset(pairs)
        if key not in seen:
            seen[key] = model.evaluate(key)
        return seen[key]
    ev.seen = seen  # the pairings judged so far
    return ev


@pytest.mark.parametrize("table", [True, False], ids=["table", "tree"])
def test_branch_and_bound_alone_finds_the_optimum(table):
    """From the worst start (no pairs), the tree search and the best-first search over the
    table of pairings both reach brute force's optimum."""
    from navkompetanse.pairing.exact import branch_and_bound

    rng = np.random.default_rng(9)
    for trial in range(6):
        model = _random_model(rng, int(rng.integers(5, 9)))
        max_pairs = [None, 2][trial % 2]
        ev = _memo(model)
        out = branch_and_bound(model, ev(frozenset()), ev, max_pairs=max_pairs,
                               node_budget=5000, lp_budget=5000, table=table)
        assert out.proven and out.bound == out.best.objective
        exact = brute_force(model, max_pairs=max_pairs)
        assert out.best.objective == pytest.approx(exact, abs=1e-6), trial


def test_table_search_with_preferences_proves_brute_force_optimum():
    """With preferences (a pairing's value is below the bound at its own prices), required
    pairs, ``max_pairs`` and pairings the caller judged already: the best-first search over
    the table of pairings proves brute force's optimum, in fewer LPs than the tree over all
    trials; stopped at once, its bound still holds."""
    from navkompetanse.pairing.exact import branch_and_bound

    rng = np.random.default_rng(21)
    checked, lps = 0, {True: 0, False: 0}
    for trial in range(10):
        n = int(rng.integers(5, 9))
        model = _random_model(rng, n, preference=rng.integers(-1, 2, (n, 4)))
        cand = np.argwhere(np.triu(model.candidate, 1))
        if len(cand) < 3:
            continue
        if trial % 3 == 2:
            model.required = (tuple(int(v) for v in cand[0]),)
        max_pairs = [None, 2, None][trial % 3]
        pinned = {v for p in model.required for v in p}
        other = next(tuple(int(v) for v in c) for c in cand[::-1] if not set(c.tolist()) & pinned)
        for table in (True, False):
            ev = _memo(model)

            start = ev(frozenset(model.required))
            ev(frozenset(model.required) | {other})  # judged before the search
            out = branch_and_bound(model, start, ev, max_pairs=max_pairs, node_budget=5000,
                                   lp_budget=5000, known=ev.seen, table=table,
                                   lp_count=lambda ev=ev: len(ev.seen))
            lps[table] += out.n_lp
            assert out.proven and out.bound == out.best.objective
            # brute force through the same evaluations (with preferences a pairing's value
            # depends on which optimal vertex the LP returned; the bound holds for any)
            exact = max(ev(m).objective for m in all_matchings(list(range(n)))
                        if all(model.candidate[a, b] for a, b in m)
                        and set(model.required) <= set(m)
                        and (max_pairs is None or len(m) <= max_pairs))
            assert out.best.objective >= exact - 1e-7 * max(1.0, abs(exact)), (trial, table)
            short = branch_and_bound(model, start, ev, max_pairs=max_pairs, node_budget=0,
                                     table=table)
            assert not short.proven and short.bound >= exact - 1e-7 * max(1.0, abs(exact))
        checked += 1
    assert checked >= 6
    assert lps[True] < lps[False], lps

def test_gains_are_exact_marginals_on_small_offices():
    office = domain_office()
    result, model = _model_of(office)
    full = model.evaluate([(0, 1)]).value
    alone = model.evaluate([]).value
    assert result.pairs[0].gain == pytest.approx(full - alone)
    assert result.pairs[0].gain_exact


def test_itertools_matchings_count():
    # sanity of the brute-force enumerator: number of matchings of K_n (telephone numbers)
    assert [sum(1 for _ in all_matchings(list(range(n)))) for n in range(1, 8)] == \
        [1, 2, 4, 10, 26, 76, 232]
    assert itertools  # used for readability in helpers above
