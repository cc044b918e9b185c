"""Competence map, issue 12: level counts, who is strong where, assessments as topics for a
mestringssamtale, development over time, profile sources, and what may be shared."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import offices

from navkompetanse import Office, load_example_office
from navkompetanse._state import decode, encode
from navkompetanse.analysis import competence_map
from navkompetanse.analysis.competence_map import MIN_GROUP_SIZE, SHARE_MIN_GROUP_SIZE
from navkompetanse.models import DIMENSIONS

DIMS = [d.value for d in DIMENSIONS]


def profile(rel=3, stru=3, forv=3, dig=3) -> dict:
    return {"relasjonell": rel, "struktur": stru, "forvaltning": forv, "digital": dig}


def assessment(day: str, source: str, **levels) -> dict:
    return {"date": day, "source": source, "profile": profile(**levels)}


def office(veiledere: list[dict], brukere: list[dict] | None = None) -> Office:
    return Office.model_validate({"enhet": "0315", "name": "NAV Test", "veiledere": veiledere,
                                  "brukere": brukere or []})


def kari(self_forv: int, leader_forv: int, **extra) -> dict:
    """Kari, assessed once by herself and once by her leader; the rest of her is level 3."""
    return {"ident": "Z100001", "name": "Kari Nordmann", "avdeling": "A",
            "assessments": [assessment("2025-02-02", "self", forv=self_forv),
                            assessment("2025-02-21", "leader", forv=leader_forv)], **extra}


# ---- assessments ---------------------------------------------------------------------------

def test_self_four_leader_two_is_exactly_that_topic():
    cmap = competence_map(office([kari(4, 2)]))
    [topic] = cmap.assessment_topics
    assert (topic.ident, topic.dimension, topic.self_level, topic.leader_level) == (
        "Z100001", "forvaltning", 4, 2)
    assert (topic.self_date, topic.leader_date, topic.difference) == (
        "2025-02-02", "2025-02-21", 2)
    sentence = ("Kari Nordmann (Z100001) vurderer seg selv til 4 i forvaltning, lederen til 2 "
                "— et tema for en mestringssamtale.")
    assert sentence in cmap.explain()
    assert sentence + " Egenvurdering 2. februar 2025, lederens vurdering 21. februar 2025." in (
        cmap.explain("Z100001"))
    assert "rates themself 4 in regulations, the leader 2" in cmap.explain("Z100001", "en")
    assert cmap.to_dict()["assessment_topics"][0]["name"] == "Kari Nordmann"


@pytest.mark.parametrize(("own", "leader"), [(4, 3), (3, 4), (2, 2), (5, 4)])
def test_a_difference_of_one_or_none_is_no_topic(own, leader):
    cmap = competence_map(office([kari(own, leader)]))
    assert cmap.assessment_topics == ()
    assert "mestringssamtale" not in cmap.explain("Z100001")
    assert "høyst ett nivå" in cmap.explain("Z100001")


def test_a_topic_either_way_and_only_from_the_latest_assessments():
    higher_leader = competence_map(office([kari(1, 3)]))
    assert [t.difference for t in higher_leader.assessment_topics] == [-2]
    # an old self-assessment of 5 is replaced by a newer 3: one level from the leader's 2
    settled = kari(5, 2)
    settled["assessments"].append(assessment("2025-06-01", "self", forv=3))
    assert competence_map(office([settled])).assessment_topics == ()


def test_no_topic_without_both_a_self_and_a_leader_assessment():
    only_self = {"ident": "Z100002", "profile": profile(),
                 "assessments": [assessment("2025-01-01", "self", forv=5)]}
    peer = {"ident": "Z100003", "assessments": [
        assessment("2025-01-01", "self", forv=5), assessment("2025-01-02", "peer", forv=1)]}
    assert competence_map(office([only_self, peer])).assessment_topics == ()


def test_development_over_time_with_dates():
    v = {"ident": "Z100001", "name": "Kari Nordmann", "assessments": [
        assessment("2024-03-03", "leader", forv=2, dig=4),
        assessment("2024-09-01", "leader", forv=2, dig=4),
        assessment("2025-02-01", "leader", forv=3, dig=4),
        assessment("2025-01-20", "self", forv=4)]}  # one self-assessment: no development
    cmap = competence_map(office([v]))
    rows = {(d.source, d.dimension): d for d in cmap.development}
    assert set(rows) == {("leader", dim) for dim in DIMS}
    forv = rows["leader", "forvaltning"]
    assert (forv.first_level, forv.first_date, forv.latest_level, forv.latest_date) == (
        2, "2024-03-03", 3, "2025-02-01")
    assert (forv.change, forv.n_assessments, rows["leader", "digital"].change) == (1, 3, 0)
    assert ("Lederens vurdering av forvaltning: 2 (3. mars 2024) → 3 (1. februar 2025)."
            in cmap.explain("Z100001"))
    assert ("The leader's assessment of regulations: 2 (3 March 2024) → 3 (1 February 2025)."
            in cmap.explain("Z100001", "en"))
    frame = cmap.development_frame()
    assert len(frame) == 4 and frame.loc[frame.dimension == "forvaltning", "change"].item() == 1
    # the leader's view is what grew: the internal text lists the change, the shared one not
    assert "1. februar 2025" in cmap.render(shareable=False)
    assert "Kari" not in cmap.render()


def test_the_profile_says_which_source_it_uses():
    assessed = {"ident": "Z100001", "assessments": [
        assessment("2025-02-02", "self", forv=5), assessment("2025-02-21", "leader", forv=2)]}
    agreed = {"ident": "Z100002", "profile": profile(forv=4), "assessments": [
        assessment("2025-02-02", "self", forv=5)]}
    plain = {"ident": "Z100003", "profile": profile()}
    cmap = competence_map(office([assessed, agreed, plain]))
    p1, p2, p3 = cmap.profiles
    # (5·1 + 2·2) / 3 = 3: the leader counts double
    assert (p1.source, p1.used, p1.level("forvaltning")) == ("assessments", ("leader", "self"), 3)
    assert (p2.source, p2.used, p2.level("forvaltning")) == ("agreed", (), 4)
    assert p3.source == "agreed" and p3.latest == ()
    text = cmap.explain("Z100001")
    assert "vektet snitt" in text and "lederens vurdering (vekt 2, 21. februar 2025)" in text
    assert "egenvurderingen (vekt 1, 2. februar 2025)" in text
    assert "avtalt profil" in cmap.explain("Z100002")
    assert "weighted mean" in cmap.explain("Z100001", "en")
    assert cmap.to_dict()["profile_sources"] == {"agreed": 2, "assessments": 1}
    assert cmap.to_dict()["profiles"][0]["used"] == ["leader", "self"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offices(max_veiledere=8, max_brukere=4))
def test_topics_are_exactly_the_latest_self_and_leader_two_apart(office):
    cmap = competence_map(office)
    expected = set()
    for v in office.veiledere:
        own = [a for a in v.assessments if a.source == "self"]
        boss = [a for a in v.assessments if a.source == "leader"]
        if own and boss:
            expected |= {(v.ident, d) for d in DIMS
                         if abs(own[-1].profile[d] - boss[-1].profile[d]) >= 2}
    assert {(t.ident, t.dimension) for t in cmap.assessment_topics} == expected
    frame = cmap.levels_frame()
    assert set(map(tuple, frame.loc[frame.topic, ["ident", "dimension"]].values)) == expected
    for v in office.veiledere:  # every veileder can be explained, in both languages
        assert v.ident in cmap.explain(v.ident) and v.ident in cmap.explain(v.ident, "en")


# ---- distribution and who is strong --------------------------------------------------------

@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offices(max_veiledere=12, max_brukere=4))
def test_distributions_sum_to_the_head_counts(office):
    cmap = competence_map(office)
    levels = office.profiles()
    sizes = Counter(v.avdeling for v in office.veiledere if v.avdeling)
    assert dict(cmap.avdeling_sizes) == dict(sizes)
    for k, dim in enumerate(DIMS):
        counts = cmap.distribution[dim]
        assert len(counts) == 5 and sum(counts) == office.n_veiledere
        assert counts == tuple(int((levels[:, k] == lvl).sum()) for lvl in range(1, 6))
        assert counts[3] + counts[4] == cmap[dim].veiledere_high_level == len(cmap.strong[dim])
        for avdeling, by_dim in cmap.avdeling_distribution.items():
            assert sum(by_dim[dim]) == sizes[avdeling]
    assert set(cmap.avdeling_distribution) == set(cmap.avdeling_levels) == {
        a for a, n in sizes.items() if n >= MIN_GROUP_SIZE}
    assert cmap.n_avdelinger_hidden == sum(n < MIN_GROUP_SIZE for n in sizes.values())
    frame = cmap.to_frame()
    assert (frame[[f"level_{lvl}" for lvl in range(1, 6)]].sum(axis=1)
            == office.n_veiledere).all()
    long = cmap.levels_frame()
    assert len(long) == 4 * office.n_veiledere


def test_who_is_strong_where_with_names_level_five_first():
    staff = [{"ident": "Z100001", "name": "Kari Nordmann", "profile": profile(forv=4)},
             {"ident": "Z100002", "profile": profile(forv=5)},
             {"ident": "Z100003", "name": "Ola", "profile": profile(forv=2, rel=4)}]
    cmap = competence_map(office(staff))
    assert cmap.strong["forvaltning"] == ("Z100002", "Z100001")
    assert cmap.strong["relasjonell"] == ("Z100003",) and cmap.strong["digital"] == ()
    assert "Sterke her: Z100002 5 og Kari Nordmann (Z100001) 4." in cmap.explain("forvaltning")
    assert cmap.to_dict()["strong"]["forvaltning"][1] == {
        "ident": "Z100001", "name": "Kari Nordmann", "level": 4}
    frame = cmap.levels_frame()
    strong = frame[(frame.dimension == "forvaltning") & frame.strong]
    assert list(strong.ident) == ["Z100001", "Z100002"]
    assert "Kari Nordmann (Z100001) 4" in cmap.render(shareable=False)


# ---- privacy -------------------------------------------------------------------------------

def _privacy_office() -> Office:
    """A (6 veiledere), B (4) and C (1), everyone named, Kari with a topic."""
    staff = [kari(4, 2)]
    staff += [{"ident": f"Z2000{i:02d}", "name": f"Navn{i} Etternavn", "avdeling": "A",
               "profile": profile(forv=1 + i % 5)} for i in range(5)]
    staff += [{"ident": f"Z3000{i:02d}", "name": f"Person{i} Hansen", "avdeling": "B",
               "profile": profile(rel=1 + i)} for i in range(4)]
    staff += [{"ident": "Z400000", "name": "Ene Alene", "avdeling": "C",
               "assessments": [assessment("2024-01-01", "leader", dig=1),
                               assessment("2025-01-01", "leader", dig=3)]}]
    return office(staff, [{"id": "b1", "innsatsgruppe": "VARIG_TILPASSET_INNSATS"}])


def test_shareable_output_names_no_one_and_no_group_under_five():
    made = _privacy_office()
    cmap = competence_map(made)
    shared = cmap.to_dict(shareable=True)
    text = json.dumps(shared, ensure_ascii=False, allow_nan=False)
    for v in made.veiledere:
        assert v.ident not in text and v.name not in text
        assert v.ident not in cmap.render() and v.name not in cmap.render("en")
    assert shared["shareable"] is True
    for key in ("avdeling_levels", "avdeling_distribution", "avdeling_sizes"):
        assert set(shared[key]) == {"A"}
    assert all(n >= SHARE_MIN_GROUP_SIZE for n in shared["avdeling_sizes"].values())
    for key in ("strong", "profiles", "assessment_topics", "development"):
        assert key not in shared and key in shared["hidden"]["individual"]
    assert shared["hidden"]["avdelinger"] == ["B", "C"] and shared["n_avdelinger_hidden"] == 2
    assert "2 avdeling(er) med færre enn 5 veiledere vises ikke: B og C." in (
        shared["hidden"]["messages"]["nb"])
    assert sum(shared["distribution"]["forvaltning"]) == made.n_veiledere
    # the shared text hides B too; the leader's own view shows B (4 ≥ 3), never C (1)
    assert "  B:" not in cmap.render() and "færre enn 5 veiledere" in cmap.render()
    assert "  B:" in cmap.render(shareable=False) and "  C:" not in cmap.render(shareable=False)
    full = cmap.to_dict()
    assert full["shareable"] is False and set(full["avdeling_levels"]) == {"A", "B"}
    assert "Kari Nordmann" in json.dumps(full, ensure_ascii=False)


def test_a_small_group_cannot_be_worked_out_from_the_office_and_the_rest():
    # office minus A would be Ene's own profile: A is hidden too, and the text says why
    staff = [{"ident": f"Z2000{i:02d}", "avdeling": "A", "profile": profile(forv=1 + i % 5)}
             for i in range(6)]
    staff.append({"ident": "Z400000", "name": "Ene Alene", "avdeling": "C",
                  "profile": profile(forv=5)})
    cmap = competence_map(office(staff))
    shared = cmap.to_dict(shareable=True)
    assert shared["avdeling_levels"] == {} and shared["hidden"]["avdelinger"] == ["A", "C"]
    assert shared["hidden"]["complementary"] == ["A"]
    assert "A vises heller ikke" in shared["hidden"]["messages"]["nb"]
    assert "  A:" not in cmap.render() and "A vises heller ikke" in cmap.render()
    assert "  A:" in cmap.render(shareable=False)


def test_an_office_under_five_shares_no_levels_of_its_veiledere():
    small = office([kari(4, 2), {"ident": "Z100002", "profile": profile(forv=5)}],
                   [{"id": "b1", "innsatsgruppe": "VARIG_TILPASSET_INNSATS"}])
    shared = competence_map(small).to_dict(shareable=True)
    assert shared["distribution"] is None and shared["hidden"]["office"] is True
    assert shared["profile_sources"] is None
    for d in shared["dimensions"]:
        assert d["veiledere_high_level"] is None and d["mean_level"] is None
        assert d["brukere_high_need"] is not None  # the brukere side is the whole office
    assert "færre enn 5 veiledere" in competence_map(small).render()
    assert "Antall veiledere per nivå" not in competence_map(small).render()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offices(max_veiledere=12, max_brukere=4))
def test_shareable_never_holds_an_ident_or_a_small_group(office):
    shared = competence_map(office).to_dict(shareable=True)
    text = json.dumps(shared, ensure_ascii=False, allow_nan=False)
    assert not re.search(r"Z\d{6}", text)
    sizes = Counter(v.avdeling for v in office.veiledere if v.avdeling)
    for key in ("avdeling_levels", "avdeling_distribution", "avdeling_sizes"):
        assert all(sizes[a] >= SHARE_MIN_GROUP_SIZE for a in shared[key])
    assert {a for a, n in sizes.items() if n < SHARE_MIN_GROUP_SIZE} <= set(
        shared["hidden"]["avdelinger"])
    # what the shown groups leave over (the office less them) is no small group either
    rest = office.n_veiledere - sum(shared["avdeling_sizes"].values())
    assert rest == 0 or rest >= SHARE_MIN_GROUP_SIZE or shared["distribution"] is None
    assert (shared["distribution"] is None) == (office.n_veiledere < SHARE_MIN_GROUP_SIZE)


# ---- text and export -----------------------------------------------------------------------

#: Codes and English words that must not reach a Norwegian reader of the map.
CODES = ("self", "leader", "peer", "agreed", "assessments", "None", "level", "regulations",
         "relational", "topic", "weight", "nan")


def test_norwegian_text_has_no_english_codes():
    cmap = competence_map(_privacy_office())
    texts = [cmap.explain(), cmap.render(), cmap.render(shareable=False), cmap.describe(),
             cmap.to_dict(shareable=True)["hidden"]["messages"]["nb"],
             *(cmap.explain(d) for d in DIMS),
             *(cmap.explain(p.ident) for p in cmap.profiles)]
    for text in texts:
        for code in CODES:
            assert not re.search(rf"\b{code}\b", text, flags=re.I), (code, text)
        assert not re.search(r"\d\.\d", text), text  # decimal comma, dates in words
    english = cmap.explain("Z100001", "en") + cmap.render("en", shareable=False)
    assert "vurderer" not in english and "Lederens" not in english


@pytest.mark.parametrize("shareable", [False, True])
def test_to_dict_round_trips_as_strict_json(shareable):
    for made in (_privacy_office(), load_example_office()):
        data = competence_map(made).to_dict(shareable=shareable)
        assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_a_saved_map_loads_back_equal():
    cmap = competence_map(_privacy_office())
    state = json.loads(json.dumps(encode(cmap), allow_nan=False))
    assert decode(state) == cmap


def test_explain_keeps_the_dimension_keyword_and_refuses_unknown_keys():
    cmap = competence_map(_privacy_office())
    assert cmap.explain(dimension="forvaltning") == cmap.explain("forvaltning")
    assert cmap.explain(lang="en").startswith(cmap.describe("en"))
    with pytest.raises(KeyError, match="neither a dimension"):
        cmap.explain("Z999999")
    with pytest.raises(ValueError, match="lang"):
        cmap.explain("forvaltning", "no")


def test_the_example_office_has_its_assessments_read():
    cmap = competence_map(load_example_office())
    assert len(cmap.profiles) == cmap.n_veiledere
    assessed = sum(bool(v.assessments) for v in load_example_office().veiledere)
    assert sum(bool(p.latest) for p in cmap.profiles) == assessed
    assert cmap.to_dict()["profile_sources"]["assessments"] == 1


@st.composite
def dated_runs(draw):
    days = sorted(draw(st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2026, 1, 1)),
                                min_size=1, max_size=4, unique=True)))
    forv = draw(st.lists(st.integers(1, 5), min_size=len(days), max_size=len(days)))
    return list(zip(days, forv, strict=True))


@settings(max_examples=40, deadline=None)
@given(dated_runs())
def test_development_is_first_and_latest_of_one_source(runs):
    v = {"ident": "Z100001", "assessments": [
        assessment(day.isoformat(), "leader", forv=lvl) for day, lvl in runs]}
    rows = [d for d in competence_map(office([v])).development if d.dimension == "forvaltning"]
    if len(runs) == 1:
        assert rows == []
    else:
        [row] = rows
        assert (row.first_date, row.first_level) == (runs[0][0].isoformat(), runs[0][1])
        assert (row.latest_date, row.latest_level) == (runs[-1][0].isoformat(), runs[-1][1])
        assert row.n_assessments == len(runs)
