"""Loading and saving offices: JSON, CSV folders and Excel, and the problem reports."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import offices, with_check_digits

from navkompetanse import Dimension, Innsatsgruppe, InvalidInputError, PersonalDataError
from navkompetanse.exceptions import InputEncodingWarning
from navkompetanse.io import (
    load_office,
    office_from_dict,
    office_json_schema,
    office_to_dict,
    save_office,
)
from navkompetanse.privacy import is_fodselsnummer

DATA = Path(__file__).parent / "data"
HAND_JSON = DATA / "hand_written_office.json"
HAND_CSV = DATA / "hand_written_csv"
#: A synthetic test number (month + 80), so it belongs to no one, with valid check digits.
FNR_IN_FIXTURES = "15838550026"

def numbers(day_offset: int, month_offset: int, n: int = 3) -> list[str]:
    """``n`` valid numbers: fødselsnummer (0, 0), D-nummer (40, 0), H-nummer (0, 40) or
    synthetic test numbers (0, 80)."""
    found = []
    for individual in range(100, 999, 7):
        number = with_check_digits(f"{14 + day_offset:02d}{3 + month_offset:02d}88{individual:03d}")
        if number:
            found.append(number)
        if len(found) == n:
            return found
    raise AssertionError("no valid number found")  # pragma: no cover


VALID_NUMBERS = numbers(0, 0) + numbers(40, 0) + numbers(0, 40) + numbers(0, 80)


def minimal(**brukere: Any) -> dict[str, Any]:
    return {
        "enhet": "0315", "name": "NAV Test",
        "veiledere": [{"ident": "Z100001",
                       "profile": {"relasjonell": 3, "struktur": 3, "forvaltning": 3,
                                   "digital": 3}}],
        "brukere": [{"id": "b-1", "veileder": "Z100001", **brukere}],
    }


def places(err: pytest.ExceptionInfo[InvalidInputError]) -> set[tuple[str, str]]:
    return {(p.location, p.field) for p in err.value.problems}


def problem_at(err: pytest.ExceptionInfo[InvalidInputError], location: str):
    [problem] = [p for p in err.value.problems if p.location == location]
    return problem


# ------------------------------------------------------------------------------------------
# The hand-written office
# ------------------------------------------------------------------------------------------

def test_hand_written_json_loads():
    office = load_office(HAND_JSON)
    assert (office.enhet, office.n_veiledere, office.n_brukere) == ("0315", 4, 10)
    assert office.summary()["avdelinger"] == ["Oppfølging", "Ungdom"]
    by_id = office.bruker_by_id
    assert by_id["b-0004"].innsatsgruppe is None
    assert by_id["b-0008"].veileder is None  # ufordelt
    assert by_id["b-0005"].needs is not None and by_id["b-0005"].needs.relasjonell == 5
    assert by_id["b-0009"].needs.other == {"inkludering": 4}
    assert by_id["b-0002"].digital is True and by_id["b-0002"].tung_sak is False  # defaults
    z3 = office.veileder_by_ident["Z100003"]
    assert z3.profile is None and len(z3.assessments) == 2  # assessment-only
    assert z3.effective_profile.relasjonell == 4
    assert office.veileder_by_ident["Z100004"].pairable is False
    assert office.pairs == (("Z100001", "Z100003"),)
    assert office.learning_relations[0].dimension is Dimension.digital
    assert office.learning_relations[1].dimension is None


def assert_says_the_same(hand: Any, saved: Any, path: str = "") -> None:
    """Everything the hand-written data says, the saved data says too (it may add defaults)."""
    if isinstance(hand, dict):
        for key, value in hand.items():
            assert key in saved, f"{path}.{key} lost"
            assert_says_the_same(value, saved[key], f"{path}.{key}")
    elif isinstance(hand, list):
        assert len(hand) == len(saved), path
        for i, (a, b) in enumerate(zip(hand, saved, strict=True)):
            assert_says_the_same(a, b, f"{path}[{i}]")
    else:
        assert hand == saved, path


def test_json_round_trip_is_lossless(tmp_path):
    office = load_office(HAND_JSON)
    out = tmp_path / "office.json"
    save_office(office, out)
    assert load_office(out) == office
    text = out.read_text(encoding="utf-8")
    assert text.startswith('{\n  "enhet": "0315",\n  "name"')  # indent 2, model order
    assert "Grünerløkka" in text and "Åse" in text  # ensure_ascii=False
    saved = json.loads(text)
    assert list(saved) == ["enhet", "name", "veiledere", "brukere", "learning_relations", "pairs",
                           "pair_history"]
    assert_says_the_same(json.loads(HAND_JSON.read_text(encoding="utf-8")), saved)
    assert saved == office_to_dict(office)
    assert saved["veiledere"][0]["stillingsprosent"] == 100  # not 100.0
    save_office(load_office(out), tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text(encoding="utf-8") == text


def test_csv_folder_loads_equal_to_json():
    assert (HAND_CSV / "veiledere.csv").read_bytes().startswith(b"\xef\xbb\xbfident;")
    assert load_office(HAND_CSV) == load_office(HAND_JSON)


def test_csv_round_trip(tmp_path):
    office = load_office(HAND_CSV)
    save_office(office, tmp_path / "a")
    assert load_office(tmp_path / "a") == office
    save_office(load_office(tmp_path / "a"), tmp_path / "b")
    for name in ("office", "veiledere", "assessments", "brukere", "learning_relations", "pairs"):
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == \
            (tmp_path / "b" / f"{name}.csv").read_bytes()


def test_xlsx_round_trip(tmp_path):
    pytest.importorskip("openpyxl")
    office = load_office(HAND_JSON)
    save_office(office, tmp_path / "office.xlsx")
    assert load_office(tmp_path / "office.xlsx") == office


def test_xlsx_typed_cells_and_row_numbers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.title = "office"
    workbook.active.append(["enhet", "name"])
    workbook.active.append([315, "NAV Excel"])  # Excel made 0315 a number
    sheet = workbook.create_sheet("veiledere")
    sheet.append(["ident", "stillingsprosent", "relasjonell", "struktur", "forvaltning",
                  "digital", "pairable"])
    sheet.append(["Z100001", 80.0, 3, 3, 3, 3, True])
    sheet = workbook.create_sheet("brukere")
    sheet.append(["id", "veileder", "tung_sak"])
    sheet.append([1001, "Z100001", False])
    sheet.append(["b-2", "Z999999", None])
    workbook.save(tmp_path / "kontor.xlsx")
    with pytest.raises(InvalidInputError) as err:
        load_office(tmp_path / "kontor.xlsx")
    [problem] = err.value.problems
    assert (problem.source, problem.location, problem.field) == \
        ("kontor.xlsx", "brukere:row 3", "veileder")
    workbook["brukere"].delete_rows(3)
    workbook.save(tmp_path / "kontor.xlsx")
    office = load_office(tmp_path / "kontor.xlsx")
    assert office.enhet == "0315" and office.brukere[0].id == "1001"
    assert office.veiledere[0].stillingsprosent == 80


def test_xlsx_without_openpyxl_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    (tmp_path / "office.xlsx").write_bytes(b"")
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'navkompetanse\[excel\]'"):
        load_office(tmp_path / "office.xlsx")


# ------------------------------------------------------------------------------------------
# Broken input: every problem at once
# ------------------------------------------------------------------------------------------

def test_broken_json_reports_every_problem_at_once():
    raw = json.loads((DATA / "broken_office.json").read_text(encoding="utf-8"))
    assert is_fodselsnummer(raw["brukere"][3]["id"])
    with pytest.raises(PersonalDataError) as err:
        load_office(DATA / "broken_office.json")
    assert places(err) == {
        ("enhet", "enhet"),                                # bad enhet
        ("veiledere[1].ident", "ident"),                   # bad ident format
        ("veiledere[2].profile.digital", "profile.digital"),  # level 6
        ("veiledere[3].ident", "ident"),                   # duplicate ident
        ("veiledere[6].telefon", "telefon"),               # unknown key
        ("brukere[1].id", "id"),                           # duplicate bruker id
        ("brukere[2].veileder", "veileder"),               # unknown veileder
        ("brukere[3].id", "id"),                           # fødselsnummer
        ("learning_relations[0].learner", "learner"),      # unknown in a learning relation
        ("pairs[0][1]", "pairs"),                          # pair naming unknown
        ("pairs[1][0]", "pairs"),                          # veileder in two pairs
        ("pairs[2][0]", "pairs"),                          # non-pairable in a pair
    }
    assert all(p.source == "broken_office.json" and p.hint for p in err.value.problems)
    assert problem_at(err, "veiledere[2].profile.digital").value == 6
    assert problem_at(err, "brukere[2].veileder").value == "Z999999"
    assert "veiledere[0]" in problem_at(err, "veiledere[3].ident").message
    assert "telefon" in problem_at(err, "veiledere[6].telefon").message
    assert "pseudonymous id" in str(err.value)
    assert FNR_IN_FIXTURES not in str(err.value)
    assert problem_at(err, "brukere[3].id").value == "*" * 11


def test_broken_csv_reports_every_problem_with_its_row():
    with pytest.raises(PersonalDataError) as err:
        load_office(DATA / "broken_csv")
    assert places(err) == {
        ("office.csv:row 2", "enhet"),
        ("veiledere.csv:row 1", "telefon"),            # unknown column
        ("veiledere.csv:row 3", "ident"),
        ("veiledere.csv:row 4", "digital"),            # level 6
        ("veiledere.csv:row 5", "ident"),              # duplicate; row 6 is blank
        ("assessments.csv:row 2", "ident"),            # assessment of an unknown veileder
        ("assessments.csv:row 3", "relasjonell"),      # level 0
        ("brukere.csv:row 3", "id"),
        ("brukere.csv:row 4", "veileder"),
        ("brukere.csv:row 5", "id"),                   # fødselsnummer
        ("brukere.csv:row 6", "digital"),              # "kanskje" is no boolean
        ("learning_relations.csv:row 2", "learner"),
        ("pairs.csv:row 2", "member_2"),
        ("pairs.csv:row 3", "member_1"),
        ("pairs.csv:row 4", "member_1"),               # Z200005 is not pairable (row 7)
    }
    assert all(p.source == p.location.split(":")[0] for p in err.value.problems)
    assert "veiledere.csv:row 2" in problem_at(err, "veiledere.csv:row 5").message
    assert "pairs.csv:row 2" in problem_at(err, "pairs.csv:row 3").message
    assert FNR_IN_FIXTURES not in str(err.value)
    rows = [p.location for p in err.value.problems]
    assert rows.index("office.csv:row 2") < rows.index("veiledere.csv:row 3") < \
        rows.index("brukere.csv:row 3")  # reading order


def test_one_bad_bruker_does_not_hide_the_others():
    data = minimal()
    data["brukere"] = [{"id": "b-1", "innsatsgruppe": "X"}, {"id": "b-2", "digital": "kanskje"},
                       {"id": "b-3", "veileder": "Z999999"}]
    with pytest.raises(InvalidInputError) as err:
        office_from_dict(data)
    assert not isinstance(err.value, PersonalDataError)
    assert places(err) == {("brukere[0].innsatsgruppe", "innsatsgruppe"),
                           ("brukere[1].digital", "digital"),
                           ("brukere[2].veileder", "veileder")}
    assert "STANDARD_INNSATS" in problem_at(err, "brukere[0].innsatsgruppe").hint
    assert err.value.problems[0].source == "<dict>"


def test_malformed_json_gives_line_and_column(tmp_path):
    path = tmp_path / "office.json"
    path.write_text('{"enhet": "0315",\n "name": "x"\n "veiledere": []}', encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    [problem] = err.value.problems
    assert problem.location == "line 3, column 2" and problem.source == "office.json"
    assert "comma" in problem.message or "comma" in problem.hint


def test_duplicate_json_key_is_not_silently_dropped(tmp_path):
    path = tmp_path / "office.json"
    path.write_text('{"enhet": "0315", "name": "x", "name": "y"}', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="'name' appears twice"):
        load_office(path)


def test_json_with_bom_loads(tmp_path):
    path = tmp_path / "office.json"
    path.write_bytes(b"\xef\xbb\xbf" + HAND_JSON.read_bytes())
    assert load_office(path) == load_office(HAND_JSON)


@pytest.mark.parametrize(("data", "location"), [
    ([], "(top level)"),
    ({"enhet": "0315", "name": "x", "brukere": {"id": "b-1"}}, "brukere"),
    ({"enhet": "0315", "name": "x", "pairs": [["Z100001"]]}, "pairs[0][1]"),
    ({"enhet": 315, "name": "x"}, "enhet"),
    ({"name": "x"}, "enhet"),
    ({"enhet": "0315", "name": "x", "veiledere": [{"ident": "Z100001"}]},
     "veiledere[0].profile"),
    ({"enhet": "0315", "name": "x", "veiledere": ["Z100001"]}, "veiledere[0]"),
])
def test_shape_errors_are_located(data, location):
    with pytest.raises(InvalidInputError) as err:
        office_from_dict(data)
    assert location in {p.location for p in err.value.problems}


def test_unknown_key_suggests_the_right_one():
    with pytest.raises(InvalidInputError) as err:
        office_from_dict(minimal(innsatsgrupe="STANDARD_INNSATS"))
    assert "'innsatsgruppe'" in problem_at(err, "brukere[0].innsatsgrupe").hint


# ------------------------------------------------------------------------------------------
# CSV specifics
# ------------------------------------------------------------------------------------------

def copy_hand_csv(tmp_path: Path) -> Path:
    folder = tmp_path / "kontor"
    shutil.copytree(HAND_CSV, folder)
    return folder


def test_missing_required_file_and_column(tmp_path):
    folder = copy_hand_csv(tmp_path)
    (folder / "office.csv").unlink()
    text = (folder / "brukere.csv").read_text(encoding="utf-8")
    (folder / "brukere.csv").write_text(text.replace("id,", "nr,", 1), encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(folder)
    missing_file = problem_at(err, "office.csv")
    assert "missing" in missing_file.message and "enhet" in missing_file.hint
    assert places(err) == {("office.csv", ""), ("brukere.csv:row 1", "id"),
                           ("brukere.csv:row 1", "nr")}


def test_unknown_file_and_partial_profile_columns(tmp_path):
    folder = copy_hand_csv(tmp_path)
    shutil.copy(folder / "brukere.csv", folder / "brukar.csv")
    text = (folder / "brukere.csv").read_text(encoding="utf-8")
    (folder / "brukere.csv").write_text(text.replace(",need_digital", ",need_digitl"),
                                        encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(folder)
    assert "brukere.csv" in problem_at(err, "brukar.csv").hint
    # the column is missing, said once (not again on every row with needs)
    assert places(err) == {("brukar.csv", ""), ("brukere.csv:row 1", "need_digitl"),
                           ("brukere.csv:row 1", "need_digital")}


def test_semicolon_lists_decimal_comma_and_ja_nei(tmp_path):
    folder = copy_hand_csv(tmp_path)
    (folder / "veiledere.csv").write_text(
        "ident;stillingsprosent;relasjonell;struktur;forvaltning;digital;spesialfelt;pairable\n"
        'Z100001;80,5;3;3;3;3;"ung;aap";Nei\n'
        "Z100002;100;3;3;3;3;;\n"
        "Z100003;100;3;3;3;3;;\n"
        "Z100004;100;3;3;3;3;;\n",
        encoding="utf-8",
    )
    (folder / "pairs.csv").write_text("member_1,member_2\n", encoding="utf-8")
    office = load_office(folder)
    z1 = office.veileder_by_ident["Z100001"]
    assert z1.stillingsprosent == 80.5 and not z1.pairable
    assert [m.value for m in z1.spesialfelt] == ["aap", "ung"]


def test_row_numbers_count_blank_and_header_rows(tmp_path):
    folder = copy_hand_csv(tmp_path)
    lines = (folder / "brukere.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(3, "")  # a blank row 4
    lines[9] = lines[9].replace("STANDARD_INNSATS", "STANDARD")  # b-0008, now in row 10
    (folder / "brukere.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(folder)
    assert places(err) == {("brukere.csv:row 10", "innsatsgruppe")}


def test_save_creates_folder_and_writes_every_file(tmp_path):
    office = load_office(HAND_JSON)
    save_office(office, tmp_path / "ny" / "kontor")
    names = sorted(p.name for p in (tmp_path / "ny" / "kontor").iterdir())
    assert names == ["assessments.csv", "brukere.csv", "learning_relations.csv", "office.csv",
                     "pair_history.csv", "pairs.csv", "veiledere.csv"]


def test_missing_path_and_unknown_suffix(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_office(tmp_path / "finnes-ikke.json")
    (tmp_path / "office.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not an office file"):
        load_office(tmp_path / "office.txt")


# ------------------------------------------------------------------------------------------
# Fødselsnummer: refused everywhere, masked in the report, never logged
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number", VALID_NUMBERS)
def test_valid_numbers_are_refused(number, caplog):
    assert is_fodselsnummer(number)
    with caplog.at_level(logging.DEBUG), pytest.raises(PersonalDataError) as err:
        office_from_dict(minimal(id=number))
    assert "pseudonymous id" in str(err.value)
    assert number not in str(err.value)
    assert not any(number in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("number", VALID_NUMBERS[::3])
def test_numbers_elsewhere_are_refused_too(number, tmp_path):
    with pytest.raises(PersonalDataError) as err:
        office_from_dict({**minimal(), "name": f"NAV {number}"})
    assert number not in str(err.value)
    folder = copy_hand_csv(tmp_path)
    text = (folder / "brukere.csv").read_text(encoding="utf-8")
    (folder / "brukere.csv").write_text(text.replace("b-0007", f"b-{number}"), encoding="utf-8")
    with pytest.raises(PersonalDataError) as err:
        load_office(folder)
    assert places(err) == {("brukere.csv:row 8", "id")}
    assert number not in str(err.value)


@pytest.mark.parametrize("number", VALID_NUMBERS)
def test_near_misses_are_accepted(number):
    near_miss = number[:10] + str((int(number[10]) + 1) % 10)
    assert not is_fodselsnummer(near_miss)
    assert office_from_dict(minimal(id=near_miss)).brukere[0].id == near_miss


# ------------------------------------------------------------------------------------------
# Schema
# ------------------------------------------------------------------------------------------

def check_structure(data: Any, schema: dict, defs: dict, path: str = "$") -> None:
    """A small structural check (jsonschema is not a dependency): keys, required, types."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                return check_structure(data, option, defs, path)
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError(f"{path}: no option fits: {errors}")
    kind = schema.get("type")
    if kind == "object":
        assert isinstance(data, dict), path
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            assert key in data, f"{path}.{key} required"
        for key, value in data.items():
            if key in props:
                check_structure(value, props[key], defs, f"{path}.{key}")
            else:
                extra = schema.get("additionalProperties", True)
                assert extra is not False, f"{path}.{key} not allowed"
                if isinstance(extra, dict):
                    check_structure(value, extra, defs, f"{path}.{key}")
    elif kind == "array":
        assert isinstance(data, list), path
        for i, item in enumerate(data):
            prefix = schema.get("prefixItems", [])
            sub = prefix[i] if i < len(prefix) else schema.get("items", {})
            check_structure(item, sub, defs, f"{path}[{i}]")
    elif kind == "null":
        assert data is None, path
    elif kind == "string":
        assert isinstance(data, str), path
        if "enum" in schema:
            assert data in schema["enum"], path
    elif kind == "integer":
        assert isinstance(data, int) and not isinstance(data, bool), path
        assert schema.get("minimum", data) <= data <= schema.get("maximum", data), path
    elif kind == "number":
        assert isinstance(data, int | float), path
    elif kind == "boolean":
        assert isinstance(data, bool), path
    elif "enum" in schema:
        assert data in schema["enum"], path


def test_schema_describes_the_hand_written_file():
    schema = office_json_schema()
    assert schema["title"] == "navkompetanse office" and "$id" not in schema
    assert set(schema["properties"]) == {"enhet", "name", "veiledere", "brukere",
                                         "learning_relations", "pairs", "pair_history"}
    hand = json.loads(HAND_JSON.read_text(encoding="utf-8"))
    check_structure(hand, schema, schema["$defs"])
    saved = office_to_dict(office_from_dict(hand))
    check_structure(saved, schema, schema["$defs"])
    hand["veiledere"][0]["telefon"] = "1"
    with pytest.raises(AssertionError, match="telefon"):
        check_structure(hand, schema, schema["$defs"])
    json.dumps(schema)  # printable by `navkompetanse schema`


def test_schema_knows_innsatsgruppe_values():
    text = json.dumps(office_json_schema())
    assert all(g.value in text for g in Innsatsgruppe)


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offices())
def test_random_offices_round_trip_through_json(office):
    data = office_to_dict(office)
    assert office_from_dict(json.loads(json.dumps(data, ensure_ascii=False))) == office


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offices())
def test_random_offices_round_trip_through_csv(office):
    with tempfile.TemporaryDirectory() as folder:
        save_office(office, Path(folder) / "kontor")
        assert load_office(Path(folder) / "kontor") == office


# ------------------------------------------------------------------------------------------
# The documentation's examples load
# ------------------------------------------------------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "office-format.md"


def doc_blocks(language: str) -> list[str]:
    """The fenced code blocks of the format doc in ``language`` ("" for plain blocks)."""
    blocks: list[tuple[str, list[str]]] = []
    inside = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            if not inside:
                blocks.append((line[3:].strip(), []))
            inside = not inside
        elif inside:
            blocks[-1][1].append(line)
    return ["\n".join(lines) + "\n" for lang, lines in blocks if lang == language]


@pytest.mark.skipif(not DOC.exists(), reason="docs not present")
def test_documented_examples_load(tmp_path):
    json_office = office_from_dict(json.loads(doc_blocks("json")[0]))
    folder = tmp_path / "kontor"
    folder.mkdir()
    for block in doc_blocks("")[0].strip().split("\n\n"):
        name, text = block.split("\n", 1)
        (folder / name).write_text(text, encoding="utf-8")
    csv_office = load_office(folder)
    assert csv_office.enhet == json_office.enhet
    assert csv_office.veileder_by_ident["Z654321"].stillingsprosent == 80.5
    assert csv_office.bruker_by_id["b-0002"].needs.relasjonell == 5


def test_every_problem_has_a_fix_that_fits_it():
    p3 = {"relasjonell": 3, "struktur": 3, "forvaltning": 3, "digital": 3}
    data = {
        "enhet": "0315", "name": 5,
        "veiledere": [
            {"ident": "Z100001", "avdeling": 3, "name": ["x"],
             "profile": {**p3, "relasjonell": 3.5, "other": {"Arbeid": 3}}},
            {"ident": "Z100002"},
        ],
        "brukere": [{"id": "b-1", "needs": {"relasjonell": 3}}, {"id": 7}],
        "learning_relations": [{"mentor": "Z100001", "learner": "Z100001"}],
        "pairs": [["Z100001", "Z100002", "Z100002"], "Z100001"],
    }
    with pytest.raises(InvalidInputError) as err:
        office_from_dict(data)
    assert all(p.hint for p in err.value.problems), [p for p in err.value.problems if not p.hint]
    assert "lower-case" in problem_at(err, "veiledere[0].profile.other").hint
    assert "whole number" in problem_at(err, "veiledere[0].profile.relasjonell").hint
    assert "assessments" in problem_at(err, "veiledere[1].profile").hint
    assert "own mentor" in problem_at(err, "learning_relations[0].learner").hint
    assert "text" in problem_at(err, "veiledere[0].avdeling").hint


def test_xlsx_date_cells_read_as_iso_dates(tmp_path):
    """Excel stores a typed date as a datetime at midnight; it reads as the date it shows."""
    import datetime as dt

    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.title = "office"
    workbook.active.append(["enhet", "name"])
    workbook.active.append(["0315", "NAV Excel"])
    sheet = workbook.create_sheet("veiledere")
    sheet.append(["ident", "stillingsprosent", "pairable"])
    sheet.append(["Z100001", 100, True])
    sheet = workbook.create_sheet("assessments")
    sheet.append(["ident", "date", "source", "relasjonell", "struktur", "forvaltning",
                  "digital"])
    sheet.append(["Z100001", dt.datetime(2026, 3, 1), "leader", 4, 2, 3, 5])
    workbook.create_sheet("brukere").append(["id", "veileder"])
    workbook.save(tmp_path / "kontor.xlsx")
    office = load_office(tmp_path / "kontor.xlsx")
    [assessment] = office.veiledere[0].assessments
    assert assessment.date == dt.date(2026, 3, 1)
    assert office.veiledere[0].effective_profile.digital == 5


# ------------------------------------------------------------------------------------------
# Encodings: what Norwegian spreadsheet programs write
# ------------------------------------------------------------------------------------------

def cp1252_folder(tmp_path: Path) -> Path:
    """The hand-written folder with Norwegian letters, every file saved as Windows-1252."""
    folder = copy_hand_csv(tmp_path)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        text = text.replace("Kari Nordmann", "Åse Ødegård").replace(
            "Ungdom", "Mottak og sørvis")
        path.write_bytes(text.encode("cp1252"))
    return folder


def test_cp1252_csv_folder_loads_with_one_warning_per_file(tmp_path):
    folder = cp1252_folder(tmp_path)
    assert "Ø".encode("cp1252") in (folder / "veiledere.csv").read_bytes()  # not UTF-8
    with pytest.warns(InputEncodingWarning) as caught:
        office = load_office(folder)
    ours = [w for w in caught if issubclass(w.category, InputEncodingWarning)]
    named = {str(w.message).split(" ")[0] for w in ours}
    # only the files with non-ASCII letters differ between cp1252 and UTF-8
    assert "kontor/veiledere.csv" in named and len(ours) == len(named)
    for w in ours:
        text = str(w.message)
        assert "Windows-1252" in text and "CSV UTF-8" in text
        assert w.filename == __file__  # points at the caller's line, not into the library
    kari = office.veileder_by_ident["Z100001"]
    assert kari.name == "Åse Ødegård" and kari.avdeling == "Mottak og sørvis"
    reference = load_office(HAND_CSV)
    assert office.n_brukere == reference.n_brukere and office.pairs == reference.pairs


def test_utf8_folder_gives_no_encoding_warning(tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", InputEncodingWarning)
        load_office(HAND_CSV)


def test_a_file_that_is_neither_utf8_nor_cp1252_is_one_problem(tmp_path):
    # was: 45 problems, the first a false "veiledere.csv is missing", then 43 consequences
    folder = copy_hand_csv(tmp_path)
    text = (folder / "veiledere.csv").read_text(encoding="utf-8-sig")
    raw = text.encode("cp1252").replace(b"Ola", b"O\x81la", 1)  # 0x81 is undefined in cp1252
    (folder / "veiledere.csv").write_bytes(raw)
    with pytest.raises(InvalidInputError) as err:
        load_office(folder)
    [problem] = err.value.problems
    assert problem.source == "veiledere.csv" and problem.location == "line 3"
    assert "neither UTF-8 nor Windows-1252" in problem.message
    assert "CSV UTF-8" in problem.hint and "missing" not in str(problem)


def test_json_must_be_utf8_one_clear_problem(tmp_path):
    text = json.dumps(minimal(), ensure_ascii=False).replace("NAV Test", "NAV Sørvis")
    path = tmp_path / "kontor.json"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    [problem] = err.value.problems
    assert problem.source == "kontor.json" and "JSON files must be UTF-8" in problem.message
    assert "Excel" not in problem.hint


def test_utf16_with_bom_reads_as_text(tmp_path):
    folder = copy_hand_csv(tmp_path)
    text = (folder / "office.csv").read_text(encoding="utf-8-sig")
    (folder / "office.csv").write_bytes(text.replace("NAV", "NAV Sørvis").encode("utf-16"))
    assert load_office(folder).name.startswith("NAV Sørvis")


@pytest.mark.parametrize("depth", [900, 100_000])
def test_json_nested_too_deeply_is_one_problem_not_a_crash(tmp_path, depth):
    from navkompetanse import InvalidInputError

    path = tmp_path / "deep.json"
    path.write_text('{"enhet": "0315", "name": "a", "veiledere": ' + "[" * depth + "]" * depth
                    + "}", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    assert len(err.value.problems) == 1 and "nested too deeply" in str(err.value)


def test_a_dict_nested_too_deeply_is_a_typed_error():
    from navkompetanse import InvalidInputError

    nested: list = []
    for _ in range(20_000):
        nested = [nested]
    with pytest.raises(InvalidInputError, match="nested too deeply"):
        office_from_dict({"enhet": "0315", "name": "a", "veiledere": nested})


def test_an_empty_csv_file_is_one_problem_not_missing(tmp_path):
    from navkompetanse import InvalidInputError, synthetic_office

    folder = tmp_path / "kontor"
    save_office(synthetic_office(5, 300, seed=1), folder)
    (folder / "veiledere.csv").write_text("", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(folder)
    assert len(err.value.problems) == 1
    assert "header row is missing" in str(err.value) and "file veiledere.csv is missing" not in str(
        err.value)


def test_a_plan_file_read_as_an_office_says_what_it_is(tmp_path):
    from navkompetanse import InvalidInputError, plan, synthetic_office

    path = plan(synthetic_office(4, 250, seed=1), time_limit=2).save(tmp_path / "plan.json")
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    assert len(err.value.problems) == 1 and "load_plan" in str(err.value)


# ------------------------------------------------------------------------------------------
# Issue 15: inputs that cannot crash it, each a typed and located problem
# ------------------------------------------------------------------------------------------

def _saved(tmp_path: Path, name: str) -> Path:
    import warnings

    from navkompetanse import synthetic_office

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        office = synthetic_office(4, 12, seed=2)
    save_office(office, tmp_path / name)
    return tmp_path / name


def test_deep_json_names_the_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"enhet": "0315",\n "name": "a",\n "veiledere": ' + "[" * 1000 + "]" * 1000
                    + "}", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    assert [(p.location, p.source) for p in err.value.problems] == [("line 3", "deep.json")]


@pytest.mark.parametrize("depth", [40, 600, 50_000])
def test_deep_nesting_inside_a_field_names_the_field(tmp_path, depth):
    data = json.loads(HAND_JSON.read_text(encoding="utf-8"))
    nested: Any = "ung"
    for _ in range(depth):
        nested = [nested]
    data["brukere"][2]["malgrupper"] = nested
    with pytest.raises(InvalidInputError) as err:
        office_from_dict(data)
    assert places(err) == {("brukere[2].malgrupper", "malgrupper")}
    assert "nested too deeply" in str(err.value)
    if depth < 900:  # json.dumps itself refuses deeper
        path = tmp_path / "office.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(InvalidInputError) as err:
            load_office(path)
        assert places(err) == {("brukere[2].malgrupper", "malgrupper")}


def test_an_integer_of_thousands_of_digits_in_json_is_located(tmp_path):
    data = json.loads(HAND_JSON.read_text(encoding="utf-8"))
    data["veiledere"][1]["stillingsprosent"] = 12345
    path = tmp_path / "office.json"
    path.write_text(json.dumps(data).replace("12345", "9" * 5000), encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    problem = problem_at(err, "veiledere[1].stillingsprosent")
    assert problem.value == "<a whole number of 5,000 digits>"


@pytest.mark.parametrize("value", [10**5000, -(10**5000)], ids=["huge", "-huge"])
def test_an_integer_of_thousands_of_digits_in_a_dict_is_located(value):
    data = json.loads(HAND_JSON.read_text(encoding="utf-8"))
    data["brukere"][0]["continuity"] = value
    data["veiledere"][0]["profile"]["other"] = {"arbeidsmarked": value}
    with pytest.raises(InvalidInputError) as err:
        office_from_dict(data)
    assert {"brukere[0].continuity", "veiledere[0].profile.other.arbeidsmarked"} <= {
        p.location for p in err.value.problems}
    assert "digits>" in str(err.value)


def test_a_key_that_is_a_huge_number_in_a_dict_is_located():
    data = json.loads(HAND_JSON.read_text(encoding="utf-8"))
    data["brukere"][0][10**5000] = 1
    with pytest.raises(InvalidInputError) as err:
        office_from_dict(data)
    [problem] = err.value.problems
    assert problem.location.startswith("brukere[0].") and "string" in problem.message


def test_a_csv_table_that_is_a_folder(tmp_path):
    folder = _saved(tmp_path, "kontor")
    (folder / "pairs.csv").unlink()
    (folder / "pairs.csv").mkdir()
    with pytest.raises(InvalidInputError) as err:
        load_office(folder)
    assert places(err) == {("pairs.csv", "")}
    assert "folder" in str(err.value)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really", bytes(range(256)) * 3,
                                     "no_workbook"])
def test_a_broken_workbook_is_one_problem(tmp_path, content):
    import zipfile

    pytest.importorskip("openpyxl")
    path = tmp_path / "office.xlsx"
    if content == "no_workbook":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("a.txt", "not a workbook")
    else:
        path.write_bytes(content)
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    assert [(p.location, p.source) for p in err.value.problems] == [("(file)", "office.xlsx")]
    assert "not a readable Excel workbook" in str(err.value)


def test_a_workbook_whose_xml_is_broken_is_one_problem(tmp_path):
    import zipfile

    pytest.importorskip("openpyxl")
    good = _saved(tmp_path, "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut in the middle of the XML
            dst.writestr(item, data)
    with pytest.raises(InvalidInputError):
        load_office(bad)


@pytest.mark.parametrize("name", ["x" * 300 + ".json", "bad\x00name.json"])
def test_a_name_the_system_cannot_open_is_a_typed_error(tmp_path, name):
    with pytest.raises(InvalidInputError) as err:
        load_office(tmp_path / name)
    assert "cannot be opened" in str(err.value)
    assert len(str(err.value)) < 1500


def test_a_key_given_twice_names_the_path_and_both_lines(tmp_path):
    path = tmp_path / "office.json"
    data = json.loads(HAND_JSON.read_text(encoding="utf-8"))
    text = json.dumps(data, indent=1, ensure_ascii=False)
    text = text.replace('"tung_sak": true', '"tung_sak": true,\n"tung_sak": false', 1)
    path.write_text(text, encoding="utf-8")
    index = next(i for i, b in enumerate(data["brukere"]) if b.get("tung_sak") is True)
    first = next(n for n, line in enumerate(text.splitlines(), 1)
                 if '"tung_sak": true,' in line)
    lines = [first, first + 1]
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    problem = problem_at(err, f"brukere[{index}].tung_sak")
    assert f"lines {lines[0]} and {lines[1]}" in problem.message
    assert problem.field == "tung_sak"


def test_a_key_given_twice_does_not_hide_the_other_problems(tmp_path):
    path = tmp_path / "office.json"
    path.write_text('{"enhet": "315", "enhet": "0315", "name": "x", "brukere": [{"id": "b 1"}]}',
                    encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    assert {"enhet", "brukere[0].id"} <= {p.location for p in err.value.problems}


@pytest.mark.parametrize("kind", ["office.json", "kontor", "office.xlsx"])
def test_files_over_the_size_limit_are_refused_before_reading(tmp_path, monkeypatch, kind):
    import navkompetanse.io as nio

    if kind.endswith(".xlsx"):
        pytest.importorskip("openpyxl")
    path = _saved(tmp_path, kind)
    load_office(path)  # fine at the real limit (200 MiB)
    assert nio.MAX_INPUT_BYTES == 200 * 1024 * 1024
    monkeypatch.setattr(nio, "MAX_INPUT_BYTES", 600)
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    assert "the limit is 600" in str(err.value) and "MAX_INPUT_BYTES" in str(err.value)


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    import zipfile

    import navkompetanse.io as nio

    pytest.importorskip("openpyxl")
    path = _saved(tmp_path, "office.xlsx")
    with zipfile.ZipFile(path) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    monkeypatch.setattr(nio, "MAX_INPUT_BYTES", path.stat().st_size + 1)
    assert unpacked > nio.MAX_INPUT_BYTES
    with pytest.raises(InvalidInputError, match="unpacks to"):
        load_office(path)


def test_half_a_surrogate_pair_is_a_located_problem_and_printable(tmp_path):
    path = tmp_path / "office.json"
    path.write_text('{"\\ud800enhet": "0315", "name": "x\\udfff", "brukere": [{"id": "b-1", '
                    '"\\udc00": 1}]}', encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        load_office(path)
    assert {"(top level)", "name", "brukere[0]"} <= {p.location for p in err.value.problems}
    str(err.value).encode("utf-8")  # the command line can print it
    assert "not valid Unicode" in str(err.value)
