"""Issue 11's data: preferences, continuity per bruker and pair history in the office file.

Every new field is optional (old files load unchanged), validated with located errors like
every other field, and kept by every round trip (JSON, CSV folder, Excel).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from navkompetanse import (
    Bruker,
    Dimension,
    InvalidInputError,
    PairRecord,
    PersonalDataError,
    Policy,
    Preference,
    Veileder,
)
from navkompetanse.io import load_office, office_from_dict, office_json_schema, save_office
from navkompetanse.scoring import (
    continuity_reasons,
    continuity_weights,
    lead_members,
    preference_term,
    unit_preference,
    work_lean,
)

DATA = Path(__file__).parent / "data"
FNR = "15838550026"  # a synthetic test number with valid check digits


def _office() -> dict:
    """A small office that uses every new field."""
    return {
        "enhet": "0315", "name": "NAV Prøve",
        "veiledere": [
            {"ident": "A000001", "name": "Kari", "ansettelse": "kommunal",
             "profile": {"relasjonell": 3, "struktur": 3, "forvaltning": 3, "digital": 3},
             "preferences": {"relasjonell": "energi", "forvaltning": "tapper"}},
            {"ident": "B000002", "name": "Ola",
             "profile": {"relasjonell": 3, "struktur": 3, "forvaltning": 3, "digital": 3},
             "preferences": {"relasjonell": "gir energi", "digital": "drains"}},
            {"ident": "C000003",
             "profile": {"relasjonell": 2, "struktur": 4, "forvaltning": 5, "digital": 4}},
        ],
        "brukere": [
            {"id": "b-1", "innsatsgruppe": "STANDARD_INNSATS", "veileder": "A000001"},
            {"id": "b-2", "innsatsgruppe": "SITUASJONSBESTEMT_INNSATS", "continuity": 2.5,
             "veileder": "B000002"},
        ],
        "pairs": [["A000001", "B000002"]],
        "pair_history": [
            {"members": ["B000002", "A000001"], "started": "2026-09-01", "confirmed": True},
            {"members": ["A000001", "C000003"], "started": "2025-01-06", "ended": "2025-04-01",
             "propose_again": False, "reason": "ønsket ikke å fortsette"},
        ],
    }


def _problems(data: dict) -> list:
    with pytest.raises(InvalidInputError) as info:
        office_from_dict(data, source="kontor.json")
    return info.value.problems


# ---- the model ---------------------------------------------------------------------------

def test_preferences_read_their_spellings_and_default_to_neutral():
    office = office_from_dict(_office())
    kari, ola, per = office.veiledere
    assert kari.preference("relasjonell") is Preference.energi
    assert kari.preference(Dimension.forvaltning) is Preference.tapper
    assert ola.preference("relasjonell") is Preference.energi  # "gir energi"
    assert ola.preference("digital") is Preference.tapper  # "drains"
    assert per.preferences == {} and per.preference_signs().tolist() == [0, 0, 0, 0]
    assert kari.preference_signs().tolist() == [1, 0, -1, 0]
    assert "preferences='+rel -for'" in repr(kari)


def test_old_office_files_load_unchanged():
    office = load_office(DATA / "hand_written_office.json")
    assert office.pair_history == ()
    assert all(v.preferences == {} for v in office.veiledere)
    assert all(b.continuity is None for b in office.brukere)
    assert load_office(DATA / "hand_written_csv") == office


def test_new_fields_are_in_the_json_schema():
    schema = office_json_schema()
    assert "pair_history" in schema["properties"]
    defs = schema["$defs"]
    assert "preferences" in defs["Veileder"]["properties"]
    assert "continuity" in defs["Bruker"]["properties"]
    assert {"members", "started", "confirmed", "ended", "propose_again", "reason"} <= set(
        defs["PairRecord"]["properties"])
    assert set(defs["Preference"]["enum"]) == {"energi", "noytral", "tapper"}


# ---- located errors ------------------------------------------------------------------------

def test_a_bad_preference_is_located_with_the_choices():
    data = _office()
    data["veiledere"][1]["preferences"]["struktur"] = "elsker"
    data["veiledere"][2]["preferences"] = {"empati": "energi"}
    problems = _problems(data)
    assert [(p.location, p.field) for p in problems] == [
        ("veiledere[1].preferences.struktur", "preferences.struktur"),
        ("veiledere[2].preferences.empati", "preferences.empati"),
    ]
    assert "energi" in problems[0].hint and "tapper" in problems[0].hint


def test_a_continuity_outside_0_to_10_is_located():
    data = _office()
    data["brukere"][0]["continuity"] = 11
    (problem,) = _problems(data)
    assert (problem.location, problem.field) == ("brukere[0].continuity", "continuity")
    assert "0" in problem.hint and "10" in problem.hint


@pytest.mark.parametrize(("change", "location", "field", "words"), [
    (lambda d: d["pair_history"][0].update(members=["A000001", "C000003"]),
     "pair_history[0].ended", "ended", "not in 'pairs'"),
    (lambda d: d["pair_history"][1].pop("reason"),
     "pair_history[1].reason", "reason", "needs a reason"),
    (lambda d: d["pair_history"][1].update(ended="2024-12-01"),
     "pair_history[1].ended", "ended", "ended before it started"),
    (lambda d: d["pair_history"][1].update(members=["A000001", "X999999"]),
     "pair_history[1].members", "members", "not in the office"),
    (lambda d: d["pair_history"][0].update(propose_again=False, reason="nei"),
     "pair_history[0].propose_again", "propose_again", "current pair"),
    (lambda d: d["pair_history"].append({"members": ["A000001", "B000002"]}),
     "pair_history[2].members", "members", "ongoing in pair_history[0]"),
])
def test_pair_history_faults_are_located(change, location, field, words):
    data = _office()
    change(data)
    problems = _problems(data)
    assert [(p.location, p.field) for p in problems] == [(location, field)], problems
    assert words in problems[0].message


def test_a_fodselsnummer_in_a_reason_is_refused_and_never_echoed():
    data = _office()
    data["pair_history"][1]["reason"] = f"se sak {FNR}"
    with pytest.raises(PersonalDataError) as info:
        office_from_dict(data)
    assert FNR not in str(info.value) and FNR not in repr(info.value.problems)
    assert info.value.problems[0].location == "pair_history[1].reason"
    with pytest.raises(ValueError) as direct:
        PairRecord(members=("A000001", "B000002"), reason=FNR)
    assert FNR not in str(direct.value)


def test_csv_columns_are_read_and_errors_name_file_row_and_column(tmp_path):
    office = office_from_dict(_office())
    save_office(office, tmp_path / "kontor")
    veiledere = (tmp_path / "kontor" / "veiledere.csv").read_text(encoding="utf-8-sig")
    assert "pref_relasjonell" in veiledere.splitlines()[0]
    # A leader's spreadsheet: Norwegian words, a decimal comma, a bad cell.
    brukere = tmp_path / "kontor" / "brukere.csv"
    text = brukere.read_text(encoding="utf-8-sig").replace(",2.5", ",\"2,5\"")
    brukere.write_text(text, encoding="utf-8-sig")
    assert load_office(tmp_path / "kontor").bruker_by_id["b-2"].continuity == 2.5
    history = tmp_path / "kontor" / "pair_history.csv"
    lines = history.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "member_1,member_2,started,confirmed,ended,propose_again,reason"
    lines[2] = lines[2].replace(",false,", ",nei,").replace("2025-04-01", "2024-04-01")
    history.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(InvalidInputError) as info:
        load_office(tmp_path / "kontor")
    (problem,) = info.value.problems
    assert (problem.source, problem.location, problem.field) == (
        "pair_history.csv", "pair_history.csv:row 3", "ended")


# ---- round trips ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["kontor.json", "kontor", "kontor.xlsx"])
def test_round_trips_keep_the_new_fields(tmp_path, target):
    if target.endswith(".xlsx"):
        pytest.importorskip("openpyxl")
    office = office_from_dict(_office())
    save_office(office, tmp_path / target)
    back = load_office(tmp_path / target)
    assert back == office
    assert back.veileder_by_ident["A000001"].preferences == {
        Dimension.relasjonell: Preference.energi, Dimension.forvaltning: Preference.tapper}
    assert back.bruker_by_id["b-2"].continuity == 2.5
    assert back.not_to_propose == {frozenset({"A000001", "C000003"}): "ønsket ikke å fortsette"}
    assert [r.confirmed for r in back.pair_records(("A000001", "B000002"))] == [True]


def test_a_file_without_the_new_columns_writes_as_before(tmp_path):
    office = load_office(DATA / "hand_written_office.json")
    save_office(office, tmp_path / "k")
    head = (tmp_path / "k" / "veiledere.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "pref_" not in head
    assert "continuity" not in (tmp_path / "k" / "brukere.csv").read_text(encoding="utf-8-sig")


# ---- the scoring rules ---------------------------------------------------------------------

def test_continuity_weight_is_the_highest_that_applies_and_explicit_wins():
    policy = Policy()
    brukere = [
        Bruker(id="std", innsatsgruppe="STANDARD_INNSATS"),
        Bruker(id="ung", innsatsgruppe="STANDARD_INNSATS", malgrupper=["ung"]),
        Bruker(id="tung", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", tung_sak=True),
        Bruker(id="tett", innsatsgruppe="SPESIELT_TILPASSET_INNSATS"),
        Bruker(id="ingen"),
        Bruker(id="satt", innsatsgruppe="SPESIELT_TILPASSET_INNSATS", continuity=0.25),
    ]
    assert continuity_weights(brukere, policy).tolist() == [0.5, 2.0, 2.0, 2.0, 1.0, 0.25]
    assert continuity_reasons(brukere, policy) == [
        "innsatsgruppe", "malgruppe", "tung_sak", "innsatsgruppe", "innsatsgruppe", "explicit"]
    lower = policy.replace(continuity_weight_innsatsgruppe={"STANDARD_INNSATS": 0.1})
    assert continuity_weights(brukere, lower).tolist() == [0.1, 2.0, 2.0, 1.0, 1.0, 0.25]
    assert continuity_reasons(brukere[3:5], lower) == ["default", "default"]


def test_who_leads_follows_preference_only_within_one_level():
    levels = np.array([[3, 3, 5, 2], [3, 4, 2, 3]])
    signs = np.array([[-1, 0, -1, 1], [1, -1, 1, -1]])
    lead = lead_members(levels, signs, [(0, 1), (0,), (1,)])
    # rel: equal, 1 likes it -> 1; str: 1 stronger by one but finds it draining -> 0;
    # forv: 0 stronger by three, so 0 leads although she finds it draining; dig: 0 likes it
    # and is one below -> 0.
    assert lead[0].tolist() == [1, 0, 0, 0]
    assert lead[1].tolist() == [0, 0, 0, 0] and lead[2].tolist() == [1, 1, 1, 1]
    assert unit_preference(levels, signs, [(0, 1)]).tolist() == [[1, 0, -1, 1]]


def test_preference_term_is_zero_without_preferences_and_follows_the_lean():
    need = np.array([[5, 2, 2, 1], [2, 2, 5, 1], [2, 2, 2, 2]])
    assert np.all(preference_term(need, np.zeros((2, 4), dtype=int), 0.01) == 0)
    assert np.all(preference_term(need, np.array([[1, 0, -1, 0]]), 0.0) == 0)
    term = preference_term(need, np.array([[1, 0, -1, 0], [-1, 0, 1, 0]]), 0.01)
    assert term[0, 0] > 0 > term[0, 1] and term[1, 1] > 0 > term[1, 0]
    assert np.all(term[2] == 0)  # an even need leans nowhere
    # Competence wins: the largest possible term is below one level short in digital.
    assert np.abs(0.01 * work_lean(np.array([[5, 1, 1, 1]]))).sum() < 0.6 / 57.6


def test_the_model_objects_validate_on_their_own():
    with pytest.raises(ValueError, match="'energi', 'noytral' or 'tapper'"):
        Veileder(ident="A000001", profile={"relasjonell": 1, "struktur": 1, "forvaltning": 1,
                                           "digital": 1}, preferences={"digital": "hater"})
    record = PairRecord(members=("A000001", "B000002"), started=dt.date(2026, 1, 1))
    assert record.ongoing and record.key == frozenset({"A000001", "B000002"})
    data = copy.deepcopy(_office())
    json.dumps(data)  # the example is plain JSON
