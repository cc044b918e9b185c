"""Issue 11 in pairing: preference in a pair's value and division of labour, a new pair as a
trial with a review date and the evidence of trust the data has, pairs never to be proposed
again (with the office's reason), and an office without preferences paired exactly as before.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import offices

from navkompetanse.exceptions import InvalidInputError
from navkompetanse.models import (
    DIMENSIONS,
    Bruker,
    CompetenceProfile,
    Dimension,
    LearningRelation,
    Office,
    PairRecord,
    Veileder,
)
from navkompetanse.pairing import pair_veiledere, valuation
from navkompetanse.pairing.valuation import PairingModel, _value_codes, distinct_units
from navkompetanse.policy import Policy
from navkompetanse.scoring import lead_members, preference_term, unit_preference
from navkompetanse.synthetic import synthetic_office
from navkompetanse.text.pairing import date_text

TODAY = dt.date(2026, 12, 8)  # + 12 weeks = 2. mars 2027
KARI, OLA, PER = "A000001", "B000002", "C000003"
NAMES = {KARI: "Kari", OLA: "Ola", PER: "Per"}


def profile(rel, stru, forv, dig):
    return CompetenceProfile(relasjonell=rel, struktur=stru, forvaltning=forv, digital=dig)


def office_of(veiledere, brukere=None, **update) -> Office:
    brukere = brukere if brukere is not None else (
        [Bruker(id=f"h{i}", innsatsgruppe="SPESIELT_TILPASSET_INNSATS",
                needs=profile(5, 3, 5, 2)) for i in range(20)]
        + [Bruker(id=f"o{i}", innsatsgruppe="STANDARD_INNSATS") for i in range(60)])
    return Office(enhet="0315", name="NAV Prøve", veiledere=veiledere, brukere=brukere,
                  **update)


def complementary_office(**update) -> Office:
    """Kari (relasjonell) and Ola (forvaltning) complement each other, Per is a generalist:
    Kari + Ola is the best pair by far."""
    return office_of([
        Veileder(ident=KARI, name="Kari", profile=profile(5, 3, 1, 2)),
        Veileder(ident=OLA, name="Ola", profile=profile(2, 3, 5, 5)),
        Veileder(ident=PER, name="Per", profile=profile(3, 3, 3, 3)),
    ], **update)


def members(result):
    return {p.members for p in result.pairs}


# ---- division of labour -----------------------------------------------------------------
def test_division_of_labour_follows_preference_when_levels_tie_and_only_within_one_level():
    """Kari and Ola are equal in relasjonell and struktur, one apart in digital and three in
    forvaltning. Kari loves meetings, Ola casework; Ola finds planning draining, and Kari finds
    casework draining although she is far the stronger there."""
    office = office_of([
        Veileder(ident=KARI, name="Kari", profile=profile(4, 3, 5, 3),
                 preferences={"relasjonell": "energi", "forvaltning": "tapper"}),
        Veileder(ident=OLA, name="Ola", profile=profile(4, 3, 2, 4),
                 preferences={"forvaltning": "energi", "struktur": "tapper",
                              "digital": "tapper"}),
    ])
    pair = pair_veiledere(office, required=[(KARI, OLA)], today=TODAY).pairs[0]
    assert pair.leads[Dimension.relasjonell] == (KARI,)  # a tie in level: she likes it
    assert pair.lead_reason[Dimension.relasjonell] == "preference"
    assert pair.leads[Dimension.struktur] == (KARI,)  # a tie: Ola is spared what drains
    assert pair.leads[Dimension.digital] == (KARI,)  # one below, Ola finds it draining
    assert pair.lead_reason[Dimension.digital] == "preference"
    assert pair.leads[Dimension.forvaltning] == (KARI,)  # three above: level decides
    assert pair.lead_reason[Dimension.forvaltning] == "stronger"
    result = pair_veiledere(office, required=[(KARI, OLA)], today=TODAY)
    nb, en = result.explain(pair), result.explain(pair, lang="en")
    assert "Kari (A000001) tar det meste av brukermøtene og liker å jobbe med det." in nb
    assert "Kari (A000001) takes most of the meetings with brukere and enjoys it." in en
    assert "så Ola (B000002) slipper arbeid som tapper" in nb
    # honest: Kari must lead what drains her, because Ola is more than one level weaker
    assert ("Kari (A000001) må lede saksbehandlingen selv om det tapper: Ola (B000002) står "
            "mer enn ett nivå svakere der.") in nb
    assert "has to lead the casework although it is draining" in en
    data = result.to_dict()["pairs"][0]
    assert data["lead_reason"]["forvaltning"] == "stronger"
    assert data["preferences"][OLA] == {"struktur": "tapper", "forvaltning": "energi",
                                        "digital": "tapper"}


def test_two_who_like_opposite_work_split_it_in_plain_words():
    office = office_of([
        Veileder(ident=KARI, name="Kari", profile=profile(4, 3, 4, 3),
                 preferences={"relasjonell": "energi"}),
        Veileder(ident=OLA, name="Ola", profile=profile(4, 3, 4, 4),
                 preferences={"forvaltning": "energi"}),
    ])
    result = pair_veiledere(office, required=[(KARI, OLA)], today=TODAY)
    pair = result.pairs[0]
    assert pair.leads[Dimension.relasjonell] == (KARI,)
    assert pair.leads[Dimension.forvaltning] == (OLA,)
    assert pair.leads[Dimension.struktur] == (KARI, OLA)  # equal in level and in preference
    assert ("Kari (A000001) tar det meste av brukermøtene, og Ola (B000002) har "
            "saksbehandlingen — det de liker å jobbe med.") in result.explain(pair)
    assert ("Kari (A000001) takes most of the meetings with brukere, and Ola (B000002) has the "
            "casework — what they enjoy doing.") in result.explain(pair, lang="en")


levels_1_5 = st.integers(1, 5)
signs_st = st.sampled_from([-1, 0, 1])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(levels_1_5, min_size=8, max_size=8), st.lists(signs_st, min_size=8,
                                                                 max_size=8))
def test_leads_are_the_one_rule_of_lead_members(levels, signs):
    word = {1: "energi", 0: "noytral", -1: "tapper"}
    vs = [Veileder(ident=ident, profile=profile(*levels[4 * k:4 * k + 4]),
                   preferences={d.value: word[signs[4 * k + i]] for i, d in enumerate(DIMENSIONS)})
          for k, ident in enumerate((KARI, OLA))]
    office = office_of(vs, brukere=[Bruker(id="b1", needs=profile(3, 3, 3, 3))])
    pair = pair_veiledere(office, required=[(KARI, OLA)], today=TODAY, exact=False).pairs[0]
    lv, sg = np.array(levels).reshape(2, 4), np.array(signs).reshape(2, 4)
    lead = lead_members(lv, sg, [(0, 1)])[0]
    for d_ix, d in enumerate(DIMENSIONS):
        if lv[0, d_ix] == lv[1, d_ix] and sg[0, d_ix] == sg[1, d_ix]:
            assert pair.leads[d] == (KARI, OLA)  # shared
        else:
            assert pair.leads[d] == ((KARI, OLA)[lead[d_ix]],)
        if abs(lv[0, d_ix] - lv[1, d_ix]) > 1:  # more than one level apart: the stronger
            assert pair.leads[d] == ((KARI, OLA)[int(lv[1, d_ix] > lv[0, d_ix])],)


# ---- preference in the pair's value -------------------------------------------------------
def penalty_office(ola_preferences=None) -> Office:
    """Kari (relasjonell) pairs with Ola or Per, who have the same profile; only one can be
    her partner. Ola finds casework draining, and in a pair with Kari he must lead it."""
    return office_of([
        Veileder(ident=KARI, profile=profile(5, 3, 2, 3)),
        Veileder(ident=OLA, profile=profile(2, 3, 5, 3), preferences=ola_preferences or {}),
        Veileder(ident=PER, profile=profile(2, 3, 5, 3)),
    ], brukere=[Bruker(id=f"h{i}", innsatsgruppe="SPESIELT_TILPASSET_INNSATS",
                       needs=profile(4, 2, 5, 2)) for i in range(20)]
       + [Bruker(id=f"o{i}", innsatsgruppe="STANDARD_INNSATS") for i in range(40)])


def test_leading_draining_work_makes_a_pair_worth_less_and_decides_which_is_proposed():
    plain, drained = penalty_office(), penalty_office({"forvaltning": "tapper"})
    # without preferences the two pairs are worth exactly the same (the first is taken)
    kari_ola = pair_veiledere(plain, required=[(KARI, OLA)], today=TODAY)
    kari_per = pair_veiledere(plain, required=[(KARI, PER)], today=TODAY)
    assert kari_ola.objective == pytest.approx(kari_per.objective, abs=1e-12)
    assert members(pair_veiledere(plain, today=TODAY)) == {(KARI, OLA)}
    # Ola must lead casework he finds draining: Kari + Per is proposed, proven best
    result = pair_veiledere(drained, today=TODAY)
    assert members(result) == {(KARI, PER)} and result.status == "optimal"
    assert result.bound >= result.objective - 1e-9
    with_ola = pair_veiledere(drained, required=[(KARI, OLA)], today=TODAY)
    assert with_ola.objective < result.objective - 1e-3
    assert with_ola.pairs[0].gain < result.pairs[0].gain
    assert "Ola" not in result.explain(result.pairs[0])  # no names: idents
    assert "B000002 må lede saksbehandlingen selv om det tapper" in with_ola.explain(
        with_ola.pairs[0])
    # the exact gain is the objective with the pair against without it (min_gain charged)
    alone = pair_veiledere(drained, max_pairs=0, today=TODAY)
    assert result.pairs[0].gain == pytest.approx(result.objective + 0.25 - alone.objective,
                                                 abs=1e-9)


def _as_neutral(office: Office) -> Office:
    return office.replace(veiledere=tuple(
        v.model_copy(update={"preferences": {d: "noytral" for d in DIMENSIONS}})
        for v in office.veiledere))


def _with_preferences(office: Office, seed: int) -> Office:
    rng = np.random.default_rng(seed)
    word = ("tapper", "noytral", "energi")
    return office.replace(veiledere=tuple(
        v.model_copy(update={"preferences": {d: word[rng.integers(3)] for d in DIMENSIONS}})
        for v in office.veiledere))


def _summary(result):
    return ([(p.members, p.gain, p.gain_exact, dict(p.leads)) for p in result.pairs],
            dict(result.singles), result.objective, result.bound, result.status,
            dict(result.assignment))


@pytest.mark.parametrize(("n_v", "n_b", "seed"), [(6, 200, 1), (10, 300, 5), (16, 600, 2)])
def test_without_preferences_the_pairing_is_exactly_as_before(n_v, n_b, seed):
    """Neutral preferences, or preferences at weight 0, pair an office exactly as an office
    without them: same pairs, gains, bound, allocation."""
    office = synthetic_office(n_v, n_b, seed=seed, n_pairs=n_v // 5)
    base = pair_veiledere(office, today=TODAY, time_limit=None)
    assert _summary(pair_veiledere(_as_neutral(office), today=TODAY, time_limit=None)) == \
        _summary(base)
    off = Policy().replace(preference_weight=0.0)
    liking = _with_preferences(office, seed)
    plain = pair_veiledere(office, policy=off, today=TODAY, time_limit=None)
    weighed_out = pair_veiledere(liking, policy=off, today=TODAY, time_limit=None)
    assert _summary(weighed_out)[1:] == _summary(plain)[1:]
    assert [(p.members, p.gain) for p in weighed_out.pairs] == \
        [(p.members, p.gain) for p in plain.pairs]


def test_the_model_without_preferences_is_the_cover_model():
    """The unit types are the covers and the profit is the fit, to the last bit."""
    rng = np.random.default_rng(0)
    levels = rng.integers(1, 6, (7, 4))
    need = rng.integers(1, 6, (9, 4))
    args = dict(levels=levels, capacity=np.full(7, 100.0), need=need, count=np.full(9, 3.0),
                points=np.full(9, 10.0), policy=Policy(),
                candidate=np.ones((7, 7), dtype=bool) & ~np.eye(7, dtype=bool),
                learning=np.zeros((7, 7)), continuity=np.zeros((7, 7)))
    plain = PairingModel(**args)
    neutral = PairingModel(**args, preference=np.zeros((7, 4), dtype=np.int64))
    liking = PairingModel(**args, preference=rng.integers(-1, 2, (7, 4)))
    assert np.array_equal(plain._cover_ix, neutral._cover_ix)
    assert np.array_equal(plain._fit_table, neutral._fit_table)
    # with preferences: more types, the same competence fit per unit, profit = fit + term
    assert liking._fit_table.shape[1] >= plain._fit_table.shape[1]
    for a in range(7):
        for b in range(7):
            assert np.array_equal(liking.fit(a, b), plain.fit(a, b))
    signs = liking.preference
    for a, b in [(0, 1), (2, 5), (3, 3), (6, 4)]:
        term = preference_term(need, unit_preference(levels, signs, [(a, b)]), 0.01)[:, 0]
        assert np.allclose(liking.profit(a, b), liking.fit(a, b) + term, atol=1e-15)
    assert any(not np.array_equal(liking.profit(a, b), liking.fit(a, b))
               for a in range(7) for b in range(7))


# ---- a new pair is a trial ----------------------------------------------------------------
def test_a_new_pair_shows_its_review_date_and_asks_the_two_to_confirm():
    result = pair_veiledere(complementary_office(), today=TODAY)
    pair = result.pairs[0]
    assert pair.members == (KARI, OLA) and pair.trial and not pair.existing
    assert pair.review_date == dt.date(2027, 3, 2) == TODAY + dt.timedelta(weeks=12)
    nb, en = result.explain(pair), result.explain(pair, lang="en")
    assert ("Paret er et forsøk: Kari (A000001) og Ola (B000002) bekrefter først at de vil "
            "prøve, og paret vurderes 2. mars 2027.") in nb
    assert "first confirm that they want to try, and the pair is reviewed on 2 March 2027" in en
    assert "vurderes 2. mars 2027" in result.message
    assert "reviewed on 2 March 2027" in result.messages["en"]
    assert result.to_dict()["pairs"][0]["review_date"] == "2027-03-02"
    assert result.to_dict()["today"] == "2026-12-08"
    frame = result.to_frame()
    assert set(frame.loc[frame["unit"] == pair.unit_id, "review_date"]) == {"2027-03-02"}
    four = pair_veiledere(complementary_office(), policy=Policy(pair_trial_weeks=4),
                          today=TODAY)
    assert four.pairs[0].review_date == dt.date(2027, 1, 5)
    # the default day is today
    before = dt.date.today()
    default = pair_veiledere(complementary_office()).pairs[0].review_date
    assert before + dt.timedelta(weeks=12) <= default <= dt.date.today() + dt.timedelta(weeks=12)


def test_today_must_be_a_date():
    with pytest.raises(TypeError, match="today must be a datetime.date"):
        pair_veiledere(complementary_office(), today="2026-12-08")
    moment = dt.datetime(2026, 12, 8, 23, 59)
    assert pair_veiledere(complementary_office(), today=moment).today == TODAY


def test_an_ongoing_unconfirmed_trial_shows_its_review_date():
    started = dt.date(2026, 10, 1)
    office = complementary_office(pairs=[(KARI, OLA)], pair_history=[
        PairRecord(members=(OLA, KARI), started=started)])
    result = pair_veiledere(office, today=TODAY)
    pair = result.pair_of(KARI)
    assert pair.existing and pair.trial and pair.trial_started == started
    assert pair.review_date == dt.date(2026, 12, 24)
    assert ("Paret er et forsøk som startet 1. oktober 2026 og ikke er bekreftet ennå; det "
            "vurderes 24. desember 2026.") in result.explain(pair)
    # past the review date the review is still to be done
    late = pair_veiledere(office, today=dt.date(2027, 2, 1))
    assert "vurderingen var satt til 24. desember 2026 og gjenstår" in late.explain(KARI)
    assert "its review was due on 24 December 2026" in late.explain(KARI, lang="en")
    assert "new pair" not in late.messages["en"]  # no new trial in the message
    # confirmed: no longer a trial
    confirmed = complementary_office(pairs=[(KARI, OLA)], pair_history=[
        PairRecord(members=(KARI, OLA), started=started, confirmed=True)])
    kept = pair_veiledere(confirmed, today=TODAY).pair_of(KARI)
    assert not kept.trial and kept.review_date is None
    assert "forsøk" not in pair_veiledere(confirmed, today=TODAY).explain(KARI)
    # a pair of today without any record is not a trial either
    assert not pair_veiledere(complementary_office(pairs=[(KARI, OLA)]),
                              today=TODAY).pair_of(KARI).trial


def test_evidence_of_trust_is_shown_only_when_the_data_has_it():
    nothing = pair_veiledere(complementary_office(), today=TODAY)
    text = nothing.explain(KARI)
    assert "Kontoret har ingen opplysninger om at de har jobbet sammen før" in text
    assert "læringsforhold" not in text and "var et par" not in text
    assert "The office has no record of them working together before" in \
        nothing.explain(KARI, lang="en")
    office = complementary_office(
        learning_relations=[LearningRelation(mentor=OLA, learner=KARI)],
        pair_history=[PairRecord(members=(KARI, OLA), started=dt.date(2024, 2, 1),
                                 ended=dt.date(2024, 9, 30), confirmed=True),
                      PairRecord(members=(OLA, KARI), ended=dt.date(2025, 3, 1))])
    result = pair_veiledere(office, today=TODAY)
    pair = result.pair_of(KARI)
    assert pair.learning_relations == ((OLA, KARI),) and len(pair.history) == 2
    nb, en = result.explain(pair), result.explain(pair, lang="en")
    assert ("Dette taler for at de kan jobbe godt sammen: de har et læringsforhold (Ola "
            "(B000002) er mentor for Kari (A000001)), de var et par fra 1. februar 2024 til "
            "30. september 2024, bekreftet av begge og de var et par fram til 1. mars 2025, "
            "uten at paret ble bekreftet.") in nb
    assert "ingen opplysninger" not in nb
    assert "Ola (B000002) mentors Kari (A000001)" in en and "never confirmed" in en
    assert result.to_dict()["pairs"][0]["history"][0] == {
        "started": "2024-02-01", "ended": "2024-09-30", "confirmed": True}


# ---- pairs never to be proposed again -----------------------------------------------------
def _not_again(reason="samarbeidet fungerte ikke"):
    return PairRecord(members=(OLA, KARI), started=dt.date(2025, 1, 6),
                      ended=dt.date(2025, 6, 1), propose_again=False, reason=reason)


def test_a_pair_the_office_marked_not_again_is_never_proposed_and_explain_says_why():
    assert members(pair_veiledere(complementary_office(), today=TODAY)) == {(KARI, OLA)}
    result = pair_veiledere(complementary_office(pair_history=[_not_again()]), today=TODAY)
    assert (KARI, OLA) not in members(result) and members(result) == {(KARI, PER)}
    reason = "«samarbeidet fungerte ikke»"
    for ident in (KARI, OLA):
        text = result.explain(ident)
        assert ("Kari (A000001) og Ola (B000002) foreslås ikke som par: kontoret har merket at "
                f"paret ikke skal foreslås igjen ({reason}).") in text
        assert "the office marked the pair not to be proposed again (“samarbeidet fungerte " \
               "ikke”)" in result.explain(ident, lang="en")
    # Per's pair is Kari's: its explanation says why Kari is not with Ola
    assert "foreslås ikke som par" in result.explain(PER)
    assert "ikke skal foreslås igjen" in result.message
    assert result.singles[OLA] == "rule:forbidden"
    data = result.to_dict()
    assert data["not_proposed"] == [{"members": [KARI, OLA], "reason": "samarbeidet fungerte "
                                     "ikke", "source": "office", "candidate": True}]
    json.dumps(data, allow_nan=False)


def test_a_required_pair_the_office_marked_not_again_is_a_located_error():
    with pytest.raises(InvalidInputError, match="samarbeidet fungerte ikke") as info:
        pair_veiledere(complementary_office(pair_history=[_not_again()]),
                       required=[(OLA, KARI)])
    problem = info.value.problems[0]
    assert problem.location == "required[0]" and "not to be proposed again" in problem.message


def test_forbidden_takes_a_reason_from_the_caller():
    result = pair_veiledere(complementary_office(),
                            forbidden={(OLA, KARI): "ulik arbeidstid"}, today=TODAY)
    assert (KARI, OLA) not in members(result)
    assert "leder har utelukket det («ulik arbeidstid»)" in result.explain(KARI)
    assert "the leader ruled it out (“ulik arbeidstid”)" in result.explain(OLA, lang="en")
    assert result.to_dict()["not_proposed"][0]["source"] == "caller"
    plain = pair_veiledere(complementary_office(), forbidden=[(KARI, OLA)], today=TODAY)
    assert "leder har utelukket det." in plain.explain(OLA)
    assert plain.not_proposed[0]["reason"] is None
    # the office's record wins where both name the pair
    both = pair_veiledere(complementary_office(pair_history=[_not_again()]),
                          forbidden={(KARI, OLA): "annet"}, today=TODAY)
    assert [e["source"] for e in both.not_proposed] == ["office"]
    with pytest.raises(InvalidInputError, match=r"forbidden\[0\].*national identity number"):
        pair_veiledere(complementary_office(), forbidden={(KARI, OLA): "gjelder 15838550026"})
    with pytest.raises(InvalidInputError, match="not a text"):
        pair_veiledere(complementary_office(), forbidden={(KARI, OLA): 3})


def test_no_note_for_a_forbidden_pair_that_could_not_pair_anyway():
    """Two generalists with the same profile are never a pair: the office's mark changes
    nothing, so explain does not bring it up (to_dict still records it)."""
    office = office_of([Veileder(ident=KARI, profile=profile(3, 3, 3, 3)),
                        Veileder(ident=OLA, profile=profile(3, 3, 3, 3))],
                       pair_history=[_not_again("for like")])
    result = pair_veiledere(office, today=TODAY)
    assert result.not_proposed[0]["candidate"] is False
    assert "for like" not in result.explain(KARI) and "for like" not in result.message


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(offices(max_veiledere=6, max_brukere=10))
def test_any_office_keeps_the_trial_and_not_again_rules(office):
    policy = Policy()
    result = pair_veiledere(office, policy=policy, today=TODAY, time_limit=5, exact=False)
    never = {tuple(sorted(k)) for k in office.not_to_propose}
    assert not never & members(result)
    today_pairs = {tuple(sorted(p)) for p in office.pairs}
    for pair in result.pairs:
        if pair.members not in today_pairs:
            assert pair.trial and pair.review_date == TODAY + dt.timedelta(weeks=12)
            assert date_text(pair.review_date) in result.explain(pair)
        else:
            ongoing = [r for r in office.pair_records(pair.members) if r.ongoing]
            expect = bool(ongoing) and not ongoing[-1].confirmed
            assert pair.trial == expect
            if expect and ongoing[-1].started is not None:
                assert pair.review_date == ongoing[-1].started + dt.timedelta(weeks=12)
        result.explain(pair, lang="en")
    assert {tuple(e["members"]) for e in result.not_proposed} >= never
    if result.status != "infeasible":  # preferences or not, the bound is a bound
        assert result.bound >= result.objective - 1e-9 * max(1.0, abs(result.objective))
    json.dumps(result.to_dict(), allow_nan=False)


def _bits(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x, dtype=float).view(np.int64)


def _sparse_and_dense(model, mu, kind, cap):
    """The knapsack's values by the sparse path over types (forced: ``_DENSE_MAX`` 0, as an
    office with preferences and many types takes it) and by the dense path (``with_fill``),
    checking the sparse path really ran."""
    calls = []
    sparse_path = PairingModel._knapsack_sparse

    def spy(self, *args):
        calls.append(1)
        return sparse_path(self, *args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(valuation, "_DENSE_MAX", 0)
        mp.setattr(PairingModel, "_knapsack_sparse", spy)
        sparse, _ = model.knapsack(mu, kind, cap)
        dense, _ = model.knapsack(mu, kind, cap, with_fill=True)
    assert len(calls) == 1
    return sparse, dense


def test_the_knapsack_over_types_sums_exactly_as_the_dense_one():
    """With preferences the knapsack sums only the groups that gain at each type; its values
    are the dense knapsack's to the bit (free brukere without workload included)."""
    rng = np.random.default_rng(1)
    checked = 0
    for _ in range(30):
        n, n_g = int(rng.integers(2, 10)), int(rng.integers(1, 25))
        model = PairingModel(
            levels=rng.integers(1, 6, (n, 4)), capacity=rng.uniform(50, 150, n),
            need=rng.integers(1, 6, (n_g, 4)), count=rng.integers(1, 20, n_g).astype(float),
            points=rng.choice([0.0, 5.0, 10.0, 20.0], n_g), policy=Policy(),
            candidate=~np.eye(n, dtype=bool), learning=np.zeros((n, n)),
            continuity=np.zeros((n, n)), preference=rng.integers(-1, 2, (n, 4)))
        if model._lp_table is model._fit_table:
            continue  # no preference reached a type
        ia, ib = np.nonzero(np.ones((n, n), dtype=bool))
        kind = model._cover_ix[ia, ib]
        cap = rng.uniform(0, 3000, len(kind))
        cap[::7] = 0.0
        for _ in range(4):
            mu = rng.uniform(-0.2, 1.2, n_g)
            sparse, dense = _sparse_and_dense(model, mu, kind, cap)
            assert np.array_equal(_bits(sparse), _bits(dense))
            checked += 1
    assert checked >= 40


def test_value_codes_number_each_groups_distinct_profits():
    """The sparse knapsack ranks the distinct (group, profit) codes of a set of types: every
    entry's code has its value, codes follow the rows' ``np.unique`` group by group (so
    within a type a lower code is a lower group), -0.0 is 0.0 and a NaN is its own code."""
    rng = np.random.default_rng(13)
    for trial in range(200):
        n_g, n_t = int(rng.integers(1, 30)), int(rng.integers(1, 40))
        choices = [-0.5, -0.0, 0.0, 0.25, 1.0 / 3.0, 2.0 ** -40]
        if trial % 5 == 0:
            choices.append(np.nan)
        table = rng.choice(choices, (n_g, n_t)) if trial % 2 else rng.uniform(-1, 1, (n_g, n_t))
        code, values, group = _value_codes(table)
        assert code.shape == (n_t, n_g) and code.flags.c_contiguous
        assert np.array_equal(_bits(values[code.T]), _bits(table + 0.0))
        offset = 0
        for g in range(n_g):
            row = table[g] + 0.0
            u, inv = np.unique(row[~np.isnan(row)], return_inverse=True)
            ok = ~np.isnan(row)
            assert np.array_equal(code[ok, g], offset + inv.reshape(-1))
            assert np.array_equal(_bits(values[offset:offset + len(u)]), _bits(u))
            nan_codes = code[~ok, g]  # after the numbers, one per NaN
            assert np.array_equal(np.sort(nan_codes),
                                  offset + len(u) + np.arange(len(nan_codes)))
            assert np.all(group[offset:offset + len(u) + len(nan_codes)] == g)
            offset += len(u) + len(nan_codes)
        assert offset == len(values) == len(group)


def test_the_knapsack_over_types_is_the_dense_one_when_values_tie():
    """Prices that make many groups tie on value per point at one type (equal prices for
    groups of equal fit and points): the sparse knapsack still sums in the dense order, and
    computing each distinct (type, capacity) once gives the same bits for every unit."""
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(20):
        n, n_g = int(rng.integers(3, 10)), int(rng.integers(4, 30))
        model = PairingModel(
            levels=rng.integers(1, 4, (n, 4)), capacity=rng.choice([60.0, 90.0, 120.0], n),
            need=rng.integers(1, 4, (n_g, 4)), count=rng.integers(1, 20, n_g).astype(float),
            points=rng.choice([5.0, 10.0], n_g), policy=Policy(),
            candidate=~np.eye(n, dtype=bool), learning=np.zeros((n, n)),
            continuity=np.zeros((n, n)), preference=rng.integers(-1, 2, (n, 4)))
        if model._lp_table is model._fit_table:
            continue
        ia, ib = np.nonzero(np.triu(np.ones((n, n), dtype=bool), 1))
        kind = model._cover_ix[ia, ib]
        cap = model.pair_capacities(ia, ib)
        units = distinct_units(kind, cap)
        assert len(units.cover) <= len(kind)
        for mu in (np.zeros(n_g), np.full(n_g, 0.25), rng.choice([0.0, 0.5], n_g)):
            sparse, dense = _sparse_and_dense(model, mu, kind, cap)
            assert np.array_equal(_bits(sparse), _bits(dense))
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(valuation, "_DENSE_MAX", 0)
                assert np.array_equal(_bits(model.distinct_values(mu, units)), _bits(sparse))
            checked += 1
    assert checked >= 30


@st.composite
def knapsack_cases(draw):
    """A model with preferences, prices and unit capacities drawn to make ties likely: few
    distinct needs, points, counts and prices (groups equal in value per point at a type),
    brukere without workload, capacities on the breakpoints of the cumulative points, zero
    and beyond every list."""
    n, n_g = draw(st.integers(2, 7)), draw(st.integers(1, 30))
    small = st.integers(1, 4)
    levels = draw(hnp.arrays(np.int64, (n, 4), elements=small))
    signs = draw(hnp.arrays(np.int64, (n, 4), elements=st.integers(-1, 1)))
    need = draw(hnp.arrays(np.int64, (n_g, 4), elements=small))
    count = draw(hnp.arrays(float, n_g, elements=st.sampled_from([1.0, 2.0, 7.0])))
    points = draw(hnp.arrays(float, n_g, elements=st.sampled_from([0.0, 1.0, 2.5, 5.0])))
    price = st.one_of(st.sampled_from([-0.5, 0.0, 0.25, 0.5, 1.0]),
                      st.floats(-1.0, 2.0, allow_subnormal=False))
    mu = draw(hnp.arrays(float, n_g, elements=price))
    cap = draw(hnp.arrays(float, n * n, elements=st.one_of(
        st.sampled_from([0.0, 1.0, 2.5, 5.0, 7.5, 10.0, 17.5, 1e9]),
        st.floats(0.0, 400.0, allow_subnormal=False))))
    return levels, signs, need, count, points, mu, cap


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(knapsack_cases())
def test_the_sparse_knapsack_is_the_dense_one_for_any_prices(case):
    """For any prices, capacities and ties the knapsack over types gives the dense
    knapsack's values to the bit (the search follows these numbers)."""
    levels, signs, need, count, points, mu, cap = case
    n, n_g = len(levels), len(need)
    model = PairingModel(
        levels=levels, capacity=np.full(n, 100.0), need=need, count=count, points=points,
        policy=Policy(), candidate=~np.eye(n, dtype=bool), learning=np.zeros((n, n)),
        continuity=np.zeros((n, n)), preference=signs)
    assume(model._lp_table is not model._fit_table)  # a preference reached a type
    ia, ib = np.nonzero(np.ones((n, n), dtype=bool))
    kind = model._cover_ix[ia, ib]
    sparse, dense = _sparse_and_dense(model, mu, kind, cap)
    assert np.array_equal(_bits(sparse), _bits(dense))
    assert len(mu) == n_g


def test_the_knapsack_keeps_the_codes_of_the_last_sets_of_types():
    """The sparse knapsack keeps the codes of the four sets of types used last (the
    candidate pairs' and the singles' come back at every step of a search): the values are
    the same bits whether the codes were kept, dropped or computed afresh."""
    rng = np.random.default_rng(23)
    kw = dict(levels=rng.integers(1, 6, (9, 4)), capacity=rng.uniform(50, 150, 9),
              need=rng.integers(1, 6, (25, 4)), count=rng.integers(1, 9, 25).astype(float),
              points=rng.choice([1.0, 2.5, 5.0], 25), policy=Policy(),
              candidate=~np.eye(9, dtype=bool), learning=np.zeros((9, 9)),
              continuity=np.zeros((9, 9)), preference=rng.integers(-1, 2, (9, 4)))
    model = PairingModel(**kw)
    assert model._lp_table is not model._fit_table
    ia, ib = np.nonzero(np.ones((9, 9), dtype=bool))
    kinds = [model._cover_ix[ia, ib][rng.random(81) < 0.6] for _ in range(6)]
    mus = [rng.uniform(-0.2, 1.0, 25) for _ in range(3)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(valuation, "_DENSE_MAX", 0)
        first = {}
        for _ in range(3):
            for i in (0, 1, 2, 3, 4, 5, 0, 1):
                for j, mu in enumerate(mus):
                    kind = kinds[i]
                    got, _ = model.knapsack(mu, kind, np.full(len(kind), 40.0))
                    fresh, _ = PairingModel(**kw).knapsack(mu, kind, np.full(len(kind), 40.0))
                    assert np.array_equal(_bits(got), _bits(fresh))
                    assert np.array_equal(_bits(got), _bits(first.setdefault((i, j), got)))
                assert len(model._gathered) <= 4


def test_unique_rows_is_numpys_unique_over_rows():
    """The model merges unit types with equal profit rows by ``_unique_rows``: the same
    first indices and inverse as ``np.unique(axis=0)``, negative values, -0.0 and ties
    included."""
    from navkompetanse.pairing.valuation import _unique_rows

    rng = np.random.default_rng(3)
    for _ in range(50):
        rows = rng.choice([-1.5, -0.0, 0.0, 0.25, 1.0, 2.0 ** -30], (int(rng.integers(1, 60)),
                                                                    int(rng.integers(1, 6))))
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        mine = _unique_rows(rows)
        assert np.array_equal(mine[0], first) and np.array_equal(mine[1], inverse.reshape(-1))


def test_unit_types_are_symmetric_in_the_members():
    """The model finds the unit types on (a, b) with a <= b and mirrors them: the leading
    member's sign of (a, b) and (b, a) is the same for every pair (scoring.lead_members)."""
    rng = np.random.default_rng(11)
    for _ in range(30):
        n = int(rng.integers(2, 12))
        levels = rng.integers(1, 6, (n, 4))
        signs = rng.integers(-1, 2, (n, 4))
        ia, ib = np.nonzero(np.ones((n, n), dtype=bool))
        ab = unit_preference(levels, signs, np.stack([ia, ib], axis=1))
        ba = unit_preference(levels, signs, np.stack([ib, ia], axis=1))
        assert np.array_equal(ab, ba)


def test_the_preference_table_is_the_term_of_every_type():
    """The model computes the preference term once per sign pattern and gathers it: the
    same numbers, to the bit, as ``preference_term`` over every unit type."""
    rng = np.random.default_rng(17)
    checked = 0
    for _ in range(20):
        n, n_g = int(rng.integers(2, 14)), int(rng.integers(1, 40))
        model = PairingModel(
            levels=rng.integers(1, 6, (n, 4)), capacity=rng.uniform(50, 150, n),
            need=rng.integers(0, 6, (n_g, 4)), count=rng.integers(1, 20, n_g).astype(float),
            points=rng.choice([1.0, 5.0, 10.0], n_g), policy=Policy(),
            candidate=~np.eye(n, dtype=bool), learning=np.zeros((n, n)),
            continuity=np.zeros((n, n)), preference=rng.integers(-1, 2, (n, 4)))
        if model._lp_table is model._fit_table:
            continue
        full = preference_term(model.need, model._unit_signs, Policy().preference_weight)
        assert np.array_equal(model._pref_table, full)
        checked += 1
    assert checked >= 10


def test_positions_are_searchsorted_for_short_and_tall_columns():
    """Where each unit's capacity falls on its type's cumulative points: the comparison
    (short columns) and the bisection (tall ones) both give ``searchsorted(side="right")
    - 1`` of the unit's column, on breakpoints, below zero and beyond the end included."""
    from navkompetanse.pairing.valuation import _positions

    rng = np.random.default_rng(29)
    for trial in range(200):
        rows, m, u = int(rng.integers(1, 200)), int(rng.integers(1, 30)), int(rng.integers(1, 90))
        steps = rng.choice([0.0, 1.0, 2.5], (rows - 1, m))
        cum = np.vstack([np.zeros(m), np.cumsum(steps, axis=0)])
        inv = rng.integers(0, m, u)
        cap = (rng.choice([-1.0, 0.0, 1.0, 2.5, 5.0, 37.5, 1e9], u) if trial % 2
               else rng.uniform(-1, cum.max() + 2, u))
        expect = np.array([np.searchsorted(cum[:, c], x, side="right") - 1
                           for c, x in zip(inv, cap, strict=True)])
        assert np.array_equal(_positions(cum, inv, cap), expect)
