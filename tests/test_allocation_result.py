"""The result contract for allocation results and comparisons: language, names, frozen, frames.

Behaviour a leader sees: every text in the chosen language (no English codes, decimal comma in
Norwegian), units named where the office has names, a short repr, frames with ids as columns,
and a failed proposal reported as failed rather than compared.
"""

from __future__ import annotations

import io
import json
import re

import pytest

import navkompetanse
from navkompetanse.allocation import (
    AllocationResult,
    Comparison,
    allocate_portfolios,
    compare,
    naive,
    status_quo,
)
from navkompetanse.exceptions import InfeasibleError
from navkompetanse.models import Bruker, CompetenceProfile, Office, Veileder
from navkompetanse.policy import Policy

#: English codes and developer words that must never reach a Norwegian reader.
ENGLISH_IN_NB = re.compile(
    r"better_fit|specialty|capacity\b|unassigned|pinned|stayed|left over|\bload\b|"
    r"heavy cases|balance floor|method=|Overflow|relational|structure|regulations|"
    r"\bmoves?\b|Proposal|Today|Even split")
DOT_DECIMAL = re.compile(r"\d\.\d")


@pytest.fixture(scope="module")
def example():
    office = navkompetanse.load_example_office()
    proposal = allocate_portfolios(office, time_limit=10)
    today = status_quo(office)
    return office, proposal, today


def vei(ident, levels=(3, 3, 3, 3), name=None):
    r, s, f, d = levels
    return Veileder(ident=ident, name=name, profile=CompetenceProfile(
        relasjonell=r, struktur=s, forvaltning=f, digital=d))


def named_office(**kw) -> Office:
    """Kari (strong in relasjonell) and Ola (strong in forvaltning) as a pair, and a weak
    unnamed veileder who has every bruker today."""
    vs = [vei("Z123456", (5, 3, 1, 3), "Kari Nordmann"), vei("Z000002", (1, 3, 5, 3), "Ola"),
          vei("Z000003", (1, 1, 1, 1))]
    bs = [Bruker(id=f"b{i}", innsatsgruppe="SPESIELT_TILPASSET_INNSATS", veileder="Z000003")
          for i in range(4)]
    return Office(enhet="0315", name="Navn", veiledere=vs, brukere=bs,
                  pairs=[("Z123456", "Z000002")], **kw)


def infeasible_office() -> Office:
    """24 workload points on 20 points of capacity: no allocation exists."""
    vs = [vei("A000001"), vei("B000001")]
    bs = [Bruker(id=f"b{i}", innsatsgruppe="SPESIELT_TILPASSET_INNSATS", veileder="A000001")
          for i in range(12)]
    return Office(enhet="0315", name="Full", veiledere=vs, brukere=bs)


SMALL = Policy(capacity_points_per_position=10.0, heavy_cases_per_position=2.0,
               balance_slack=5.0)
#: No balance cap to speak of: the tiny named office has a plan.
LOOSE = Policy(balance_slack=5.0)


# ------------------------------------------------------------------------------ language
@pytest.mark.parametrize("call", [
    lambda o: allocate_portfolios(o, lang="EN"),
    lambda o: allocate_portfolios(o, lang="no"),
    lambda o: status_quo(o, lang="EN"),
    lambda o: naive(o, lang=None),
])
def test_lang_is_checked_at_the_door(call):
    with pytest.raises(ValueError, match="lang must be 'nb'"):
        call(named_office())


def test_explain_and_compare_check_lang(example):
    office, proposal, today = example
    bid = office.brukere[0].id
    with pytest.raises(ValueError, match="'EN'"):
        proposal.explain(bid, lang="EN")
    with pytest.raises(ValueError):
        proposal.describe("no")
    with pytest.raises(ValueError):
        compare(today, proposal, lang="EN")
    assert proposal.explain(bid) == proposal.explain(bid, lang="nb")  # None = own language
    # without an id: the distribution as a whole
    assert proposal.explain() == proposal.message
    assert proposal.explain(lang="en") == proposal.messages["en"]


def test_norwegian_text_of_the_example_office_has_no_english_and_no_decimal_points(example):
    office, proposal, today = example
    texts = [proposal.message, today.message, naive(office).message,
             proposal._repr_html_(), today._repr_html_()]
    texts += [proposal.explain(b.id) for b in office.brukere]
    c = compare(today, proposal)
    texts += [str(c), c.message, c._repr_html_()]
    pytest.importorskip("pandas")
    texts += list(proposal.to_frame()["reason_text"])
    for text in texts:
        assert not ENGLISH_IN_NB.search(text), ENGLISH_IN_NB.search(text).group()
        assert not DOT_DECIMAL.search(text), text
    assert "1 800 brukere" in today.message  # thousands with a space, too


def test_english_text_uses_english_words(example):
    office, proposal, _ = example
    moved = next(p for p in proposal.placements.values() if p.reason == "better_fit")
    en = proposal.explain(moved.bruker_id, lang="en")
    assert "relational" in en and "She moves because" in en
    assert not re.search(r"relasjonell|forvaltning|struktur|trenger|dekker", en)
    assert re.search(r"\d,\d", proposal.explain(moved.bruker_id)) is None
    today_en = status_quo(office, lang="en")
    assert today_en.label == "Today" and today_en.message.startswith("Today: 1,800 brukere")
    assert "has" in today_en.message and "poeng" not in today_en.message


def test_messages_hold_both_languages_and_message_is_the_results_own(example):
    _, proposal, _ = example
    assert set(proposal.messages) == {"nb", "en"}
    assert proposal.message == proposal.messages["nb"] == proposal.describe()
    assert proposal.describe("en") == proposal.messages["en"]
    en = allocate_portfolios(named_office(), policy=LOOSE, lang="en")
    assert en.lang == "en" and en.message == en.messages["en"] and en.label == "Proposal"
    assert en.explain("b0").startswith("Bruker b0 needs")
    assert not hasattr(en, "message_en")


def test_labels_follow_the_language():
    o = named_office()
    assert (allocate_portfolios(o, policy=LOOSE).label, status_quo(o).label,
            naive(o).label) == ("Forslag", "I dag", "Jevn fordeling")
    assert (allocate_portfolios(o, policy=LOOSE, lang="en").label,
            status_quo(o, lang="en").label, naive(o, lang="en").label) == (
        "Proposal", "Today", "Even split")
    # compare labels in its own language, whatever language the results were made in
    c = compare(status_quo(o), allocate_portfolios(o, policy=LOOSE), lang="en")
    assert c.ok and (c.a_label, c.b_label) == ("Today", "Proposal")
    assert str(c).splitlines()[0].split()[-1] == "Best"
    assert str(compare(status_quo(o), allocate_portfolios(o, policy=LOOSE))).splitlines()[
        0].split()[-1] == "Best"
    two = compare(allocate_portfolios(o, policy=LOOSE),
                  allocate_portfolios(o, policy=LOOSE, max_moves=1))
    assert (two.a_label, two.b_label) == ("Forslag 1", "Forslag 2")


def test_overflow_note_in_both_languages():
    vs = [vei("A000001"), vei("B000001")]
    bs = [Bruker(id=f"b{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS") for i in range(24)]
    o = Office(enhet="0315", name="Over", veiledere=vs, brukere=bs)
    r = allocate_portfolios(o, policy=SMALL, allow_overflow=True)
    assert r.ok and r.overflow
    assert r.messages["nb"].startswith("Kontoret har mer arbeid enn kapasitet: arbeidsmengden er "
                                       "24 poeng mot 20 poeng kapasitet, 4 poeng (20 %) over")
    assert "overskuddet er spredt i forhold til kapasitet" in r.messages["nb"]
    assert r.messages["en"].startswith("The office has more work than capacity: the workload is "
                                       "24 points against 20 points of capacity, 4 points (20 %)")
    assert "the excess is spread in proportion to capacity" in r.messages["en"]
    assert "Overflow" not in r.messages["en"] and not ENGLISH_IN_NB.search(r.messages["nb"])


def test_unassigned_reasons_are_plain_text_in_the_results_language():
    nb = allocate_portfolios(infeasible_office(), policy=SMALL)
    en = allocate_portfolios(infeasible_office(), policy=SMALL, lang="en")
    assert not nb.ok and set(nb.unassigned.values()) == {nb.message}
    assert nb.message.startswith("Ingen fordeling mulig. Samlet arbeidsmengde 24 poeng")
    assert set(en.unassigned.values()) == {en.message}
    assert en.message.startswith("No allocation possible. Total workload 24 points")
    assert en.explain("b0").startswith("Bruker b0 has no unit: No allocation possible.")
    assert nb.explain("b0", lang="en") == en.explain("b0")


# ------------------------------------------------------------------------------ names
def test_explanations_frames_and_diagnoses_name_units_where_the_office_has_names():
    o = named_office()
    r = allocate_portfolios(o, policy=LOOSE)
    assert dict(r.names) == {"Z123456": "Kari Nordmann", "Z000002": "Ola"}
    assert r.assignment["b0"] == "Z000002+Z123456"
    text = r.explain("b0")
    assert "Ola (Z000002) + Kari Nordmann (Z123456) dekker" in text
    assert "Dagens enhet Z000003 manglet" in text  # no name: the ident alone
    pytest.importorskip("pandas")
    frame = r.to_frame()
    assert set(frame["unit_name"]) == {"Ola + Kari Nordmann"}
    # a pin over the limit is diagnosed with the unit's names
    pins = {f"b{i}": "Z000003" for i in range(4)}
    bad = allocate_portfolios(o, policy=SMALL.model_copy(update={"balance_slack": 0.1}),
                              pinned=pins)
    assert not bad.ok and "låst til Z000003" in bad.message
    pins = {f"b{i}": "Z123456" for i in range(4)}
    tight = Policy(capacity_points_per_position=4.0, balance_slack=5.0)
    bad = allocate_portfolios(o, policy=tight, pinned=pins, allow_overflow=False)
    assert "Ola (Z000002) + Kari Nordmann (Z123456)" in bad.message


# ------------------------------------------------------------------------------ frozen
def test_results_are_frozen_all_the_way_down(example):
    _, proposal, today = example
    bid, unit = next(iter(proposal.assignment.items()))
    for mapping in (proposal.assignment, proposal.units, proposal.unassigned,
                    proposal.placements, proposal.overflow, proposal.stats, proposal.messages,
                    proposal.names, proposal.units[unit].cover, proposal.placements[bid].need,
                    proposal.placements[bid].shortfall, proposal.placements[bid].cover):
        with pytest.raises(TypeError):
            mapping["x"] = 1  # type: ignore[index]
    with pytest.raises(AttributeError):
        proposal.status = "optimal"  # type: ignore[misc]
    assert isinstance(proposal.moves, tuple) and isinstance(today.violations, tuple)
    hash(proposal.units[unit])  # frozen parts are hashable values


def test_a_plain_dict_given_to_a_result_is_frozen():
    r = AllocationResult(assignment={"b1": "Z1"}, units={}, unassigned={}, status="feasible",
                         message="x", objective=0.0, bound=0.0, gap=0.0, mean_shortfall=0.0)
    with pytest.raises(TypeError):
        r.assignment["b2"] = "Z2"  # type: ignore[index]
    assert r.label == "Forslag" and r.messages == {"nb": "x"}
    with pytest.raises(ValueError):
        AllocationResult(assignment={}, units={}, unassigned={}, status="done", message="",
                         objective=0.0, bound=0.0, gap=0.0, mean_shortfall=0.0)


# ------------------------------------------------------------------------------ display
def test_repr_is_one_short_line_and_html_is_compact(example):
    office, proposal, today = example
    c = compare(today, proposal)
    for result in (proposal, today, naive(office), c,
                   allocate_portfolios(infeasible_office(), policy=SMALL)):
        text = repr(result)
        assert "\n" not in text and len(text) < 200, text
        html = result._repr_html_()
        assert html.startswith("<div>") and len(html) < 2000
    assert repr(proposal).startswith("<AllocationResult status='feasible', brukere=1,800")
    assert "Fordeling av brukere" in proposal._repr_html_()
    assert "Sammenligning" in c._repr_html_()


def test_to_dict_is_strict_json_with_messages_and_codes(example):
    _, proposal, today = example
    for result in (proposal, today, compare(today, proposal),
                   allocate_portfolios(infeasible_office(), policy=SMALL)):
        data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
        assert set(data["messages"]) >= {"nb"} and data["lang"] == "nb"
        assert "message_en" not in data
    data = proposal.to_dict()
    assert data["kind"] == "proposal" and data["stats"]["method"] == "class-lp"
    assert {p["reason"] for p in data["placements"].values()} <= {
        "stayed", "pinned", "ufordelt", "better_fit", "specialty", "capacity"}


# ------------------------------------------------------------------------------ frames
def test_allocation_frame_has_ids_as_a_column_and_csv_keeps_every_bruker(example):
    pd = pytest.importorskip("pandas")
    office, proposal, _ = example
    frame = proposal.to_frame()
    assert list(frame.columns[:8]) == ["bruker_id", "unit", "unit_name", "current_unit", "fit",
                                       "moved", "reason", "reason_text"]
    assert {f"shortfall_{d}" for d in ("relasjonell", "struktur", "forvaltning", "digital")} <= (
        set(frame.columns))
    assert frame.index.equals(pd.RangeIndex(len(office.brukere)))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)  # the regression: this used to drop every id
    buffer.seek(0)
    ids = pd.read_csv(buffer)["bruker_id"]
    assert sorted(ids) == sorted(b.id for b in office.brukere)
    en = allocate_portfolios(office, lang="en").to_frame()
    assert "better fit" in set(en["reason_text"]) and "bedre treff" in set(frame["reason_text"])


def test_frame_of_a_result_without_a_plan_lists_every_bruker():
    pytest.importorskip("pandas")
    r = allocate_portfolios(infeasible_office(), policy=SMALL)
    frame = r.to_frame()
    assert sorted(frame["bruker_id"]) == sorted(r.unassigned)
    assert set(frame["reason"]) == {"unassigned"} and frame["unit"].isna().all()
    assert frame["reason_text"].iloc[0].startswith("ingen enhet: Ingen fordeling mulig.")


def test_comparison_frame_columns(example):
    pytest.importorskip("pandas")
    _, proposal, today = example
    frame = compare(today, proposal).to_frame()
    assert list(frame.columns) == ["key", "label", "I dag", "Forslag", "better"]
    assert frame.set_index("key").loc["mean_shortfall", "better"] == "Forslag"
    assert frame.set_index("key").loc["moves", "better"] == "I dag"


# ------------------------------------------------------------------------------ comparison
def test_compare_reports_a_failed_proposal_instead_of_ranking_it():
    # The bug: an empty proposal was "best" on every row (mean shortfall 1,75 -> 0).
    o = infeasible_office()
    today = status_quo(o, policy=SMALL)
    failed = allocate_portfolios(o, policy=SMALL)
    assert today.ok and not failed.ok
    c = compare(today, failed)
    assert isinstance(c, Comparison) and c.status == "infeasible" and not c.ok
    assert all(row.better is None for row in c.rows)
    assert all(row.b != row.b for row in c.rows)  # nan: the failed side has no numbers
    assert c.message.startswith("Forslag har ingen fordeling, så de to kan ikke sammenlignes: "
                                "Ingen fordeling mulig.")
    assert c.describe("en").startswith("Proposal has no allocation, so the two cannot be "
                                       "compared: No allocation possible.")
    table = str(c)
    assert "Forslag" not in {line.split()[-1] for line in table.splitlines()[2:]}
    assert all(line.rstrip().endswith("–") for line in table.splitlines()[3:])
    with pytest.raises(InfeasibleError, match="Forslag har ingen fordeling"):
        c.raise_for_status()
    json.dumps(c.to_dict(), allow_nan=False)
    # either side may be the failed one, and both may fail
    assert compare(failed, today).message.startswith("Forslag har ingen fordeling")
    both = compare(failed, failed)
    assert both.status == "infeasible" and "Verken Forslag 1 eller Forslag 2" in both.message


def test_compare_of_two_plans_counts_the_rows_each_side_wins(example):
    _, proposal, today = example
    c = compare(today, proposal)
    assert c.status == "feasible" and c.ok
    wins = sum(r.better == "b" for r in c.rows)
    assert len(c.rows) == 11  # the example office has preferences: two rows for them
    assert c.message.startswith(f"Forslag er bedre enn I dag på {wins} av 11 mål, I dag på "
                                f"{sum(r.better == 'a' for r in c.rows)}. Andel av "
                                "veiledernes arbeid i oppgaver de får energi av")
    assert c["mean_shortfall"].better == "b"


def test_moves_without_gain_are_explained_not_a_negative_gain():
    """Seed 7: today's distribution breaks limits, so the proposal moves brukere that gain
    nothing in cover; the message says why instead of 'gain -0,014 per move'."""
    from navkompetanse import allocate_portfolios, pair_veiledere, synthetic_office
    from navkompetanse.allocation.model import build_model, model_violations, resolve_units
    from navkompetanse.policy import Policy

    office = synthetic_office(12, 900, seed=7)
    pairs = pair_veiledere(office)
    result = allocate_portfolios(office, pairs=pairs)
    model, _, _ = build_model(office, resolve_units(office, pairs), Policy())
    assert result.n_moves > 0 and model_violations(model, model.current)  # the case it names
    for lang in ("nb", "en"):
        text = result.describe(lang)
        assert "-0" not in text and "−0" not in text
    assert "trengs for at grensene skal holde" in result.describe("nb")
    assert "needed to keep the limits" in result.describe("en")
