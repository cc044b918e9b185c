"""Scenarios: composable changes to an office, and compare_scenarios against the baseline."""

from __future__ import annotations

import dataclasses
import json
import re
import warnings

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import offices
from test_results_contract import _plain_containers

from navkompetanse import (
    STATUSES,
    Bruker,
    CapacityWarning,
    CompetenceProfile,
    InvalidInputError,
    Office,
    Policy,
    Result,
    Veileder,
    load_example_office,
)
from navkompetanse._frozen import FrozenDict
from navkompetanse.scenario import (
    STATUS_ORDER,
    Automate,
    Join,
    Scenario,
    ScenarioComparison,
    compare_scenarios,
)

FAST = {"pairs": "none", "time_limit": 5}

#: The one veileder strong in forvaltning.
EXPERT = "A000001"


def _veileder(ident: str, rel: int, stru: int, forv: int, dig: int, **extra) -> Veileder:
    return Veileder(ident=ident, profile=CompetenceProfile(
        relasjonell=rel, struktur=stru, forvaltning=forv, digital=dig), **extra)


def forvaltning_office() -> Office:
    """Five veiledere; only A000001 is strong in forvaltning (5, the others 2), the others are
    strong in relasjonell and struktur. 20 brukere with varig tilpasset innsats need
    forvaltning 4; the 30 situasjonsbestemt and 20 standard brukere need nothing above 3."""
    veiledere = [_veileder(EXPERT, 3, 3, 5, 4, name="Kari Nordmann"),
                 *(_veileder(f"B00000{k}", 4, 4, 2, 4) for k in range(1, 5))]
    idents = [v.ident for v in veiledere]
    groups = (["VARIG_TILPASSET_INNSATS"] * 20 + ["SITUASJONSBESTEMT_INNSATS"] * 30
              + ["STANDARD_INNSATS"] * 20)
    brukere = [Bruker(id=f"b-{i:03d}", innsatsgruppe=g, veileder=idents[i % 5])
               for i, g in enumerate(groups)]
    return Office(enhet="0315", name="NAV Konstruert", veiledere=tuple(veiledere),
                  brukere=tuple(brukere))


@pytest.fixture(scope="module")
def office() -> Office:
    return forvaltning_office()


@pytest.fixture(scope="module")
def comparison(office) -> ScenarioComparison:
    newcomer = _veileder("C000001", 3, 3, 3, 3, name="Ola Ny", stillingsprosent=50)
    return compare_scenarios(office, [
        Scenario("Halvparten automatisert").automate(0.5, seed=1),
        Scenario("Kari slutter").leave(EXPERT),
        Scenario("Flere flyktninger").shift(0.3, "flyktning", seed=2).join(newcomer),
    ], **FAST)


# ---- the "done when" -------------------------------------------------------------


def test_automating_half_the_standard_brukere_lowers_the_total_load(comparison):
    base, auto = comparison.baseline, comparison["Halvparten automatisert"]
    assert auto.n_brukere == base.n_brukere - 10
    assert auto.load_points == pytest.approx(base.load_points - 10 * 0.4)
    assert auto.load_per_position < base.load_per_position
    changes = [c for c in comparison.changes if c.scenario == auto.name]
    assert sum(c.automated_out for c in changes) == 10


def test_a_leaving_expert_raises_load_per_position_and_names_what_becomes_scarce(comparison):
    base, gone = comparison.baseline, comparison["Kari slutter"]
    assert gone.load_points == pytest.approx(base.load_points)
    assert gone.load_per_position > base.load_per_position
    assert gone.positions == base.positions - 1
    assert gone.scarce == "forvaltning"
    assert "Knappest blir forvaltning" in comparison.explain("Kari slutter")
    assert "knappest blir forvaltning" in comparison.message
    assert "regulations" in comparison.explain("Kari slutter", "en")


def test_a_leaver_hands_all_her_brukere_to_the_others(comparison):
    gone = comparison["Kari slutter"]
    handed = gone.departures[EXPERT]
    before = next(c for c in comparison.changes
                  if c.scenario == "Kari slutter" and c.ident == EXPERT)
    assert before.role == "leaves" and before.brukere_after == 0
    assert sum(handed.values()) == before.brukere_before > 0
    assert set(handed) <= {f"B00000{k}" for k in range(1, 5)}
    text = comparison.explain("Kari slutter")
    assert f"Brukerne til Kari Nordmann ({EXPERT})" in text


def test_example_office_automation_lowers_load_and_a_leaver_raises_it():
    office = load_example_office()
    leaver = office.veiledere[0].ident
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        c = compare_scenarios(office, [Scenario("auto").automate(0.5, seed=1),
                                       Scenario("slutter").leave(leaver)], time_limit=2)
    assert c.ok
    assert c["auto"].load_points < c.baseline.load_points
    assert c["slutter"].load_per_position > c.baseline.load_per_position


# ---- instead of, not on top of -----------------------------------------------------------


def test_portfolio_changes_add_up(comparison, office):
    for f in comparison.scenarios:
        rows = [c for c in comparison.changes if c.scenario == f.name]
        assert sum(c.brukere_before for c in rows) == office.n_brukere
        assert sum(c.brukere_after for c in rows) == f.n_brukere
        assert sum(c.brukere_in for c in rows) == (
            sum(c.brukere_out for c in rows) - sum(c.automated_out for c in rows))
        for c in rows:
            assert c.brukere_after == c.brukere_before - c.brukere_out + c.brukere_in
            assert c.points_after == pytest.approx(
                c.points_before - c.points_out + c.points_in + c.points_kept_change)


def test_a_joining_veileder_gets_brukere_that_came_from_others(comparison):
    row = next(c for c in comparison.changes
               if c.scenario == "Flere flyktninger" and c.ident == "C000001")
    assert row.role == "joins" and row.brukere_before == 0 and row.brukere_in > 0
    assert "Ola Ny (C000001)" in comparison.explain("Flere flyktninger", ident="C000001")


def test_a_shift_into_a_priority_group_keeps_the_load_and_raises_the_need(office):
    after, _ = Scenario("s").shift(0.3, "flyktning", seed=2).apply(office)
    shifted = [b for b in after.brukere if "flyktning" in b.malgrupper]
    assert len(shifted) == 21  # 30 % of 70, rounded half up
    assert [b.innsatsgruppe for b in after.brukere] == [b.innsatsgruppe for b in office.brukere]


# ---- composition, reproducibility, inputs unchanged ------------------------------------


def test_the_same_seed_draws_the_same_brukere_and_another_seed_others(office):
    one = Scenario("a").automate(0.5, seed=7).apply(office)[0]
    again = Scenario("b").automate(0.5, seed=7).apply(office)[0]
    other = Scenario("c").automate(0.5, seed=8).apply(office)[0]
    ids = [b.id for b in one.brukere]
    assert ids == [b.id for b in again.brukere]
    assert ids != [b.id for b in other.brukere]


def test_compare_scenarios_is_reproducible(office):
    s = [Scenario("x").automate(0.4, seed=3).shift(0.2, "ung", seed=4)]
    a, b = compare_scenarios(office, s, **FAST), compare_scenarios(office, s, **FAST)
    assert a.to_dict() == b.to_dict()


def test_steps_apply_in_order(office):
    back = _veileder(EXPERT, 3, 3, 3, 4)  # comes back with less forvaltning
    after, _ = Scenario("bytter").leave(EXPERT).join(back).apply(office)
    assert after.veileder_by_ident[EXPERT].effective_profile["forvaltning"] == 3
    with pytest.raises(InvalidInputError, match="already in the office"):
        Scenario("feil rekkefølge").join(back).leave(EXPERT).apply(office)
    with pytest.raises(InvalidInputError, match=r"steps\[1\] \(raise_level\).*not in the office"):
        Scenario("for sent").leave(EXPERT).raise_level(EXPERT, "digital").apply(office)
    # automation before a shift draws from fewer brukere than after it
    a = Scenario("a").automate(0.5, seed=1).shift(0.5, "aap", seed=1).apply(office)[0]
    b = Scenario("b").shift(0.5, "aap", seed=1).automate(0.5, seed=1).apply(office)[0]
    assert sum("aap" in x.malgrupper for x in a.brukere) != sum(
        "aap" in x.malgrupper for x in b.brukere)


def test_a_scenario_is_frozen_and_composing_makes_a_new_one():
    s = Scenario("a").automate(0.5)
    t = s.leave("Z123456")
    assert len(s.steps) == 1 and len(t.steps) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "b"


def test_a_number_of_levels_or_positions_agrees_with_its_noun():
    from navkompetanse.scenario import _amount

    assert _amount(1, "levels", "nb") == "1 nivå" and _amount(1.0, "levels", "en") == "1 level"
    assert _amount(1.004, "levels", "nb") == "1 nivå"  # as written: 1
    assert _amount(1.08, "levels", "nb") == "1,08 nivåer"
    assert _amount(0, "levels", "en") == "0 levels" and _amount(2, "levels", "nb", 0) == (
        "2 nivåer")
    assert _amount(1, "positions", "en") == "1 full position"
    assert _amount(3, "positions", "en") == "3 full positions"
    assert _amount(1, "positions", "nb") == _amount(1, "positions", "nb") == "1 årsverk"
    one, two = (Scenario("s").raise_level("B000001", "forvaltning", n) for n in (1, 2))
    assert "går opp 1 nivå i " in one.text("nb")
    assert "går opp 2 nivåer i " in two.text("nb") and "goes up 2 levels in " in two.text("en")
    assert "goes up 1 level in " in one.text("en")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_comparison_s_text_writes_no_number_with_the_wrong_noun(comparison, lang):
    text = comparison.explain(lang=lang)
    noun = {"nb": r"nivå(?:er)?", "en": r"levels?"}[lang]
    found = re.findall(rf"(?<![\d,.])(\d+(?:[,.]\d+)?) ({noun})\b", text)
    assert found, text  # the baseline's shortfall is written with its noun
    for number, word in found:
        assert (number == "1") == (word in ("nivå", "level")), (number, word)
    assert not re.search(r"\d nivåer? per bruker \S+ → \S+ nivåer", text)


def test_apply_never_changes_the_input(office):
    policy = Policy()
    office_before, policy_before = office.model_dump(), policy.model_dump()
    s = (Scenario("alt").automate(0.5, seed=1).shift(0.5, "ung").leave(EXPERT)
         .join(_veileder("C000002", 2, 2, 2, 2)).raise_level("B000001", "forvaltning", 2)
         .change_policy("capacity_points_per_position", 80))
    after, new_policy = s.apply(office, policy)
    assert office.model_dump() == office_before and policy.model_dump() == policy_before
    assert new_policy.capacity_points_per_position == 80
    assert after.veileder_by_ident["B000001"].effective_profile["forvaltning"] == 4
    compare_scenarios(office, [s], policy=policy, **FAST)
    assert office.model_dump() == office_before and policy.model_dump() == policy_before


def test_a_leaver_takes_her_pair_and_relations_with_her(office):
    paired = office.replace(pairs=((EXPERT, "B000001"),), learning_relations=(
        {"mentor": EXPERT, "learner": "B000002"}, {"mentor": "B000003", "learner": "B000004"}))
    after, _ = Scenario("s").leave(EXPERT).apply(paired)
    assert after.pairs == () and len(after.learning_relations) == 1
    assert all(b.veileder != EXPERT for b in after.brukere)


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_automation_takes_the_share_of_standard_brukere_and_no_one_else(share, seed):
    office = forvaltning_office()
    after, _ = Scenario("a").automate(share, seed=seed).apply(office)
    gone = {b.id for b in office.brukere} - {b.id for b in after.brukere}
    assert len(gone) == int(share * 20 + 0.5)
    assert all(office.bruker_by_id[b].innsatsgruppe == "STANDARD_INNSATS" for b in gone)


# ---- files ---------------------------------------------------------------------------------


def test_a_scenario_round_trips_through_json():
    s = (Scenario("alt").automate(0.25, seed=3).shift(0.1, "aap", seed=1).leave("Z123456")
         .join(_veileder("C000003", 4, 3, 2, 5, avdeling="Ungdom", stillingsprosent=80))
         .raise_level("Z654321", "digital").change_policy("workload_points.STANDARD_INNSATS",
                                                          0.2)
         .change_policy("kommunal_only", True))
    back = Scenario.from_dict(json.loads(json.dumps(s.to_dict(), allow_nan=False)))
    assert back == s


@pytest.mark.parametrize("data, match", [
    ({"name": "x", "steps": [{"kind": "fly"}]}, "not a kind of step"),
    ({"name": "x", "steps": [{"kind": "leave", "who": "Z123456"}]}, "unknown or missing"),
    ({"name": "x", "steps": [{"kind": "automate", "share": 2}]}, r"steps\[0\] \[share\]"),
    ({"name": "x", "extra": 1}, "expected"),
    ([], "expected"),
])
def test_bad_scenario_data_is_refused_with_the_place(data, match):
    with pytest.raises(InvalidInputError, match=match):
        Scenario.from_dict(data)


# ---- errors at the door --------------------------------------------------------------------


@pytest.mark.parametrize("make, match", [
    (lambda s: s.automate(1.5), r"automate \[share\]: a share is a number from 0 to 1"),
    (lambda s: s.automate(-0.1), "a share is a number from 0 to 1"),
    (lambda s: s.automate("half"), "a share is a number from 0 to 1"),
    (lambda s: s.automate(True), "a share is a number from 0 to 1"),
    (lambda s: s.automate(float("nan")), "a share is a number from 0 to 1"),
    (lambda s: s.automate(0.5, seed=-1), "a seed is a whole number"),
    (lambda s: s.automate(0.5, seed=1.5), "a seed is a whole number"),
    (lambda s: s.shift(0.5, "pensjon"), "not a malgruppe"),
    (lambda s: s.leave("Kari"), "one capital letter and six digits"),
    (lambda s: s.join({"ident": "Z1"}), r"join \[veileder"),
    (lambda s: s.join("Z123456"), "must be a Veileder"),
    (lambda s: s.raise_level("Z123456", "empati"), "not a dimension"),
    (lambda s: s.raise_level("Z123456", "digital", 0), "1 to 4"),
    (lambda s: s.change_policy("capacity_per_position", 90), "did you mean"),
    (lambda s: s.change_policy("capacity_points_per_position", -5), r"policy \[value\]"),
    (lambda s: s.change_policy("workload_points", 1), "this is a table"),
    (lambda s: s.change_policy("workload_points.STANDARD", 1), r"policy \[value\]"),
    (lambda s: s.change_policy("balance_slack", "mye"), "finite number"),
    (lambda s: s.change_policy("kommunal_only", 1), "a switch is true or false"),
])
def test_every_step_checks_its_arguments_at_once(make, match):
    with pytest.raises(InvalidInputError, match=match) as info:
        make(Scenario("Test"))
    assert "scenario 'Test'" in str(info.value)


@pytest.mark.parametrize("scenario, match", [
    (Scenario("s").leave("Z999999"), "not in the office"),
    (Scenario("s").leave("A000011"), "did you mean A000001"),
    (Scenario("s").join(_veileder("B000001", 3, 3, 3, 3)), "already in the office"),
    (Scenario("s").raise_level(EXPERT, "forvaltning"), "passes 5"),
])
def test_what_depends_on_the_office_is_checked_when_applied(office, scenario, match):
    with pytest.raises(InvalidInputError, match=match):
        scenario.apply(office)
    with pytest.raises(InvalidInputError, match=match):
        compare_scenarios(office, [Scenario("fin").automate(0.1), scenario], **FAST)


def test_compare_scenarios_checks_its_own_arguments(office):
    with pytest.raises(InvalidInputError, match="the same name as scenarios"):
        compare_scenarios(office, [Scenario("a"), Scenario("a")], **FAST)
    with pytest.raises(InvalidInputError, match="no scenario"):
        compare_scenarios(office, [], **FAST)
    with pytest.raises(InvalidInputError, match="not a Scenario"):
        compare_scenarios(office, ["a"], **FAST)
    with pytest.raises(InvalidInputError, match="did you mean 'time_limit'"):
        compare_scenarios(office, [Scenario("a")], time_limt=3)
    with pytest.raises(ValueError, match="lang"):
        compare_scenarios(office, [Scenario("a")], lang="no")
    with pytest.raises(InvalidInputError, match="a scenario needs a name"):
        Scenario("  ")
    assert isinstance(Automate(0.5), Automate) and isinstance(
        Join({"ident": "Z123456", "profile": {"relasjonell": 3, "struktur": 3,
                                              "forvaltning": 3, "digital": 3}}), Join)


# ---- failures are reported, not raised -----------------------------------------------------


def test_a_scenario_that_cannot_be_planned_is_reported_and_the_others_still_show(office):
    thin = Scenario("nesten tomt").leave(EXPERT).leave("B000001").leave("B000002").leave(
        "B000003")
    c = compare_scenarios(office, [Scenario("ok").automate(0.5), thin],
                          policy=Policy(capacity_points_per_position=40),
                          strict_capacity=True, **FAST)
    assert c.status == "infeasible" and not c.ok
    assert c["ok"].ok and c["ok"].status in ("optimal", "feasible")
    assert c["nesten tomt"].status == "infeasible"
    assert "«nesten tomt»: ingen plan (ikke mulig)" in c.message
    frame = c.to_frame()
    assert frame["status"].tolist()[-1] == "infeasible"
    json.dumps(c.to_dict(), allow_nan=False)


def test_options_that_no_longer_fit_the_office_fail_that_scenario_only(office):
    pinned = {office.brukere[0].id: office.brukere[0].veileder}
    leaver = office.brukere[0].veileder
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        c = compare_scenarios(office, [Scenario("ok").automate(0.5),
                                       Scenario("slutter").leave(leaver)],
                              pinned=pinned, **FAST)
    assert c["ok"].ok and not c["slutter"].ok
    assert "festede brukere" in c.explain("slutter")


def test_status_is_the_worst_of_the_plans():
    assert STATUS_ORDER == ("infeasible", "time_limit", "feasible", "optimal")


def test_overload_is_one_warning_and_shown(office):
    tiny = Scenario("tre slutter").leave("B000001").leave("B000002").leave("B000003")
    with pytest.warns(CapacityWarning, match="tre slutter") as caught:
        c = compare_scenarios(office, [tiny], policy=Policy(capacity_points_per_position=20),
                              **FAST)
    assert len([w for w in caught if issubclass(w.category, CapacityWarning)]) == 1
    assert c["tre slutter"].overload_share > 0 and c["tre slutter"].positions_needed >= 1
    assert "Mer arbeid enn kapasitet" in c.message


# ---- the result contract -------------------------------------------------------------------


def test_the_comparison_keeps_the_result_contract(comparison):
    c = comparison
    assert isinstance(c, Result) and c.status in STATUSES and c.ok
    assert c.raise_for_status() is c
    text = repr(c)
    assert len(text) < 200 and "\n" not in text
    page = c._repr_html_()
    assert "<table>" in page and "Halvparten automatisert" in page
    json.dumps(c.to_dict(), allow_nan=False)
    assert c.message == c.messages["nb"] and c.describe("en") == c.messages["en"]
    with pytest.raises(ValueError, match="lang"):
        c.explain("Kari slutter", lang="EN")
    frame = c.to_frame()
    assert list(frame.index) == list(range(4))
    assert frame["scenario"].tolist()[0] == "Utgangspunkt" and frame["baseline"].tolist()[0]
    assert frame.loc[2, "scarce_dimension"] == "forvaltning"
    people = c.veileder_frame()
    assert list(people.index) == list(range(len(people)))
    assert {"scenario", "ident", "name", "brukere_out", "brukere_in", "points_out",
            "points_in"} <= set(people.columns)
    assert people.loc[people["ident"] == EXPERT, "name"].iloc[0] == "Kari Nordmann"
    assert _plain_containers(c) == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.status = "optimal"
    with pytest.raises(TypeError):
        c.messages["nb"] = "endret"
    assert isinstance(c.plans, FrozenDict) and isinstance(c["Kari slutter"].departures,
                                                          FrozenDict)
    with pytest.raises(KeyError, match="no scenario"):
        c["Finnes ikke"]


def test_norwegian_text_has_no_english_codes_and_a_decimal_comma(comparison):
    c = comparison
    texts = [c.describe("nb"), re.sub(r"<[^>]+>", " ", c._repr_html_()),
             *(c.explain(f.name, "nb") for f in c.scenarios),
             *(c.explain(f.name, "nb", ident=EXPERT) for f in c.scenarios)]
    for text in texts:
        assert not re.search(r"\d\.\d", text), text
        for code in ("STANDARD_INNSATS", "automate", "leaves", "stays", "joins", "None",
                     "regulations", "nan"):
            assert code not in text, (code, text)


def test_shareable_output_names_no_one_and_says_what_it_hid(comparison):
    shared = comparison.to_dict(shareable=True)
    dump = json.dumps(shared, ensure_ascii=False, allow_nan=False)
    assert not re.search(r"[A-Z][0-9]{6}", dump)
    assert "Kari" not in dump.replace("Kari slutter", "")
    assert "changes" not in shared
    assert "veileder_changes" in shared["hidden"]["individual"]
    assert shared["hidden"]["min_group_size"] == 5
    assert shared["scenarios"][0]["load_per_position"] is not None
    # Kari leaving leaves four veiledere: too few to show their load per position
    assert shared["scenarios"][1]["load_per_position"] is None
    small = forvaltning_office()
    small = small.replace(veiledere=small.veiledere[:4],
                          brukere=tuple(b.model_copy(update={"veileder": None})
                                        for b in small.brukere))
    c = compare_scenarios(small, [Scenario("a").automate(0.5)], **FAST)
    hidden = c.to_dict(shareable=True)
    assert hidden["scenarios"][0]["load_per_position"] is None
    assert hidden["hidden"]["scenarios"] == ["Utgangspunkt", "a"]
    assert "personvern" in hidden["scenarios"][0]["messages"]["nb"]
    assert "færre enn 5" in hidden["hidden"]["messages"]["nb"]


def test_plans_leave_out_the_gap_analysis_unless_asked(office):
    s = [Scenario("a").automate(0.5)]
    assert compare_scenarios(office, s, **FAST).baseline_plan.gaps is None
    with_gaps = compare_scenarios(office, s, gaps=True, **FAST)
    assert with_gaps.baseline_plan.gaps is not None and with_gaps.plans["a"].gaps is not None


@settings(max_examples=15, deadline=None)
@given(office=offices(max_veiledere=5, max_brukere=15), share=st.floats(0, 1),
       seed=st.integers(0, 1000))
def test_every_office_keeps_the_portfolio_accounts(office, share, seed):
    """On any office (pairs, pair records and learning relations included), a leaver and an
    automation apply, and the portfolio accounts balance: every bruker before and after is in
    exactly one portfolio, and a leaver hands over every bruker not automated away."""
    assume(office.n_veiledere >= 2)  # someone stays to take over
    scenario = Scenario("s").automate(share, seed=seed).leave(office.veiledere[0].ident)
    after, _ = scenario.apply(office)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        c = compare_scenarios(office, [scenario], pairs="keep", time_limit=2)
    f = c["s"]
    assert f.n_brukere == after.n_brukere and f.n_veiledere == after.n_veiledere
    # a tiny office can be infeasible (balance or heavy-case limits with one bruker each)
    assume(c.baseline.ok and f.ok)
    rows = c.changes
    assert sum(r.brukere_before for r in rows) == office.n_brukere
    assert sum(r.brukere_after for r in rows) == after.n_brukere
    for r in rows:
        assert r.brukere_after == r.brukere_before - r.brukere_out + r.brukere_in
        assert r.points_after == pytest.approx(
            r.points_before - r.points_out + r.points_in + r.points_kept_change)
    for leaver, given_to in f.departures.items():
        row = next(r for r in rows if r.ident == leaver)
        assert sum(given_to.values()) == row.brukere_out - row.automated_out


def test_too_many_heavy_cases_alone_is_said_as_such(office):
    heavy = office.replace(brukere=tuple(b.model_copy(update={"tung_sak": i < 20})
                                         for i, b in enumerate(office.brukere)))
    with pytest.warns(CapacityWarning):
        c = compare_scenarios(heavy, [Scenario("to slutter").leave("B000001").leave("B000002")],
                              policy=Policy(heavy_cases_per_position=6), **FAST)
    f = c["to slutter"]
    assert f.overload_share == 0 and f.positions_needed == 1  # 20 heavy cases, limit 18
    assert "Flere tunge saker enn grensene tillater; 1 årsverk" in c.explain("to slutter")
