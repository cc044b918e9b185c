"""Fødselsnummer refusal: valid numbers refused, near misses accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import with_check_digits

from navkompetanse import Bruker, Office, Problem
from navkompetanse.models import office_problems
from navkompetanse.privacy import contains_fodselsnummer, is_fodselsnummer

prefixes = st.tuples(
    st.integers(1, 28), st.integers(1, 12), st.integers(0, 99), st.integers(0, 999), st.booleans()
).map(lambda t: f"{t[0] + (40 if t[4] else 0):02d}{t[1]:02d}{t[2]:02d}{t[3]:03d}")


@given(prefixes)
def test_valid_numbers_and_d_numbers_are_refused(prefix):
    number = with_check_digits(prefix)
    if number is None:
        return
    assert is_fodselsnummer(number)
    with pytest.raises(ValidationError, match="pseudonymous id"):
        Bruker(id=number)
    with pytest.raises(ValidationError, match="national identity number"):
        Bruker(id=f"b-{number}")


@given(prefixes, st.integers(1, 9), st.sampled_from([9, 10]))
def test_near_misses_with_wrong_check_digit_are_accepted(prefix, delta, position):
    number = with_check_digits(prefix)
    if number is None:
        return
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    near_miss = "".join(digits)
    assert not is_fodselsnummer(near_miss)
    assert Bruker(id=near_miss).id == near_miss


@pytest.mark.parametrize("text", ["", "1234567890", "123456789012", "abcdefghijk", "b-0001"])
def test_not_eleven_digits_is_not_a_number(text):
    assert not is_fodselsnummer(text)
    assert not contains_fodselsnummer(text)


def test_spaced_number_inside_an_id_is_found():
    number = with_check_digits("150765005")
    assert number is not None
    assert contains_fodselsnummer(f"x {number[:6]} {number[6:]}")


def test_refused_number_is_not_echoed_in_the_error():
    number = with_check_digits("150765005")
    assert number is not None
    with pytest.raises(ValidationError) as err:
        Bruker(id=number)
    assert number not in str(err.value)
    with pytest.raises(ValidationError) as err:
        Office.model_validate({"enhet": "0315", "name": "x", "brukere": [{"id": number}]})
    assert number not in str(err.value)


def test_cross_reference_problems_mask_the_number():
    number = with_check_digits("150765005")
    data = {"enhet": "0315", "name": "x", "pairs": [[number, "Z100001"]],
            "learning_relations": [{"mentor": f"x{number}", "learner": "Z100001"}]}
    problems = office_problems(data)
    assert problems and all(number not in str(p) for p in problems)
    assert {"*" * 11, "x" + "*" * 11} <= {p.value for p in problems}
    with pytest.raises(ValidationError) as err:
        Office.model_validate(data)
    assert number not in str(err.value)


def test_problem_masks_any_number_it_is_given():
    number = with_check_digits("150765005")
    problem = Problem("brukere[0]", "id", "bad", [f"b-{number}", "b-2"])
    assert problem.value == [f"b-{'*' * 11}", "b-2"]
    assert number not in str(problem) and number not in str(problem.to_dict())


def test_known_number_independent_of_the_test_helper():
    # 15076500565 is the commonly published example fødselsnummer: checked here by hand, so a
    # wrong weight shared by privacy.py and with_check_digits cannot pass unnoticed:
    # k1 = 11 - (1·3+5·7+0·6+7·1+6·8+5·9+0·4+0·5+5·2) mod 11 = 11 - 148 mod 11 = 6
    assert is_fodselsnummer("15076500565") and with_check_digits("150765005") == "15076500565"
    assert not is_fodselsnummer("15076500564") and not is_fodselsnummer("15076500575")


FNR = "01010150074"  # both mod-11 check digits valid


def test_problem_masks_every_part_not_only_the_value():
    from navkompetanse.exceptions import InvalidInputError, Problem

    p = Problem(f"pinned['{FNR}']", FNR, f"no bruker {FNR} (row 3)", value=FNR,
                hint=f"remove {FNR}", source=f"{FNR}.json")
    text = str(InvalidInputError([p], source=f"kontor/{FNR}.csv"))
    assert FNR not in text
    assert "row 3" in text  # other numbers stay readable


@pytest.mark.parametrize("text", [FNR, f"x{FNR[:6]} {FNR[6:]}y", f"a.{FNR}.b"])
def test_mask_text_stars_the_number_and_keeps_the_rest(text):
    from navkompetanse.privacy import contains_fodselsnummer, mask_text

    masked = mask_text(f"id {text} in row 12")
    assert not contains_fodselsnummer(masked) and "row 12" in masked


def _refused_without_echo(call):
    from navkompetanse import InvalidInputError

    with pytest.raises((InvalidInputError, ValueError)) as err:
        call()
    assert FNR not in str(err.value), str(err.value)


def test_a_number_in_any_input_is_never_echoed(tmp_path):
    import json

    from navkompetanse import allocate_portfolios, load_office, load_plan, plan, synthetic_office
    from navkompetanse.io import office_from_dict, office_to_dict

    office = synthetic_office(5, 100, seed=1)
    ident = office.veiledere[0].ident
    # a pin, an unknown plan option, a bad language
    _refused_without_echo(lambda: allocate_portfolios(office, pinned={FNR: ident}))
    _refused_without_echo(lambda: plan(office, pinned={FNR: ident}))
    _refused_without_echo(lambda: plan(office, **{FNR: 1}))
    _refused_without_echo(lambda: plan(office, lang=FNR))
    # an unknown key and a duplicate key in an office file
    data = office_to_dict(office)
    _refused_without_echo(lambda: office_from_dict({**data, FNR: 1}))
    path = tmp_path / "dup.json"
    path.write_text('{"enhet": "0315", "' + FNR + '": 1, "' + FNR + '": 2}', encoding="utf-8")
    _refused_without_echo(lambda: load_office(path))
    # a plan file whose state names the number
    for state in ({"__float__": FNR}, {"__dataclass__": f"navkompetanse.{FNR}:X"},
                  {"__enum__": "navkompetanse.models:Dimension", "value": FNR}):
        bad = tmp_path / "plan.json"
        bad.write_text(json.dumps({"format": "navkompetanse-plan", "version": 1,
                                   "state": state}), encoding="utf-8")
        _refused_without_echo(lambda bad=bad: load_plan(bad))
    bad.write_text(json.dumps({"format": "navkompetanse-plan", "version": FNR}),
                   encoding="utf-8")
    _refused_without_echo(lambda: load_plan(bad))


def test_the_command_line_never_echoes_the_number(tmp_path, capsys):
    import json

    from navkompetanse import save_office, synthetic_office
    from navkompetanse.cli import main

    office = synthetic_office(5, 100, seed=1)
    path = tmp_path / "office.json"
    save_office(office, path)
    options = tmp_path / "options.json"
    options.write_text(json.dumps({FNR: 1}), encoding="utf-8")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({FNR: 3}), encoding="utf-8")
    ident = office.veiledere[0].ident
    for argv in (["plan", str(path), "--pin", f"{FNR}={ident}"],
                 ["plan", str(path), "--options", str(options)],
                 ["plan", str(path), "--policy", str(policy)],
                 ["plan", str(tmp_path / f"{FNR}.json")],
                 ["--lang", FNR, "demo"],
                 ["plan", str(path), "--pairs", FNR]):
        assert main(argv) != 0
        captured = capsys.readouterr()
        assert FNR not in captured.err + captured.out, argv


# ------------------------------------------------------------------------------------------
# Issue 15: the six ways a fødselsnummer leaked, each refused as personal data, never echoed
# ------------------------------------------------------------------------------------------

def _office_data() -> dict:
    import warnings

    from navkompetanse import synthetic_office
    from navkompetanse.io import office_to_dict

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return office_to_dict(synthetic_office(4, 12, seed=2))


def _refused_as_personal(call, number: str = FNR) -> None:
    import json

    from navkompetanse import PersonalDataError

    with pytest.raises(PersonalDataError) as err:
        call()
    shown = str(err.value) + repr(err.value.problems) + json.dumps(
        [p.to_dict() for p in err.value.problems])
    assert number not in shown, shown
    assert number[1:] not in shown or not number.startswith("0"), shown  # no dropped-zero form
    assert "*" * 11 in shown or "national identity number" in shown


def test_leak_1_a_key_of_profile_other():
    from navkompetanse.io import office_from_dict

    data = _office_data()
    data["veiledere"][0]["profile"]["other"] = {FNR: 3}
    _refused_as_personal(lambda: office_from_dict(data))


def test_leak_2_an_unknown_field_name():
    from navkompetanse.io import office_from_dict

    data = _office_data()
    data["brukere"][1][FNR] = "x"
    _refused_as_personal(lambda: office_from_dict(data))
    data = _office_data()
    data[FNR] = 1  # at the top level too
    _refused_as_personal(lambda: office_from_dict(data))


@pytest.mark.parametrize("number", ["15076500565", FNR])
def test_leak_3_a_json_number(tmp_path, number):
    import json

    from navkompetanse import load_office
    from navkompetanse.io import office_from_dict

    data = _office_data()
    data["brukere"][0]["id"] = int(number)  # 01010150074 becomes 1010150074: still refused
    _refused_as_personal(lambda: office_from_dict(data), number)
    path = tmp_path / "office.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    _refused_as_personal(lambda: load_office(path), number)
    text = path.read_text(encoding="utf-8").replace(str(int(number)), f"{int(number)}.0e0")
    path.write_text(text, encoding="utf-8")  # as a float
    _refused_as_personal(lambda: load_office(path), number)


def test_leak_4_a_duplicated_key(tmp_path):
    from navkompetanse import load_office

    path = tmp_path / "office.json"
    path.write_text('{"enhet": "0315", "name": "x", "brukere": [\n'
                    '  {"id": "' + FNR + '",\n   "id": "b-1"}]}', encoding="utf-8")
    _refused_as_personal(lambda: load_office(path))


def test_leak_5_a_csv_column_name(tmp_path):
    import warnings

    from navkompetanse import load_office, save_office, synthetic_office

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save_office(synthetic_office(4, 12, seed=2), tmp_path / "kontor")
    path = tmp_path / "kontor" / "brukere.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[0] += f",{FNR}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _refused_as_personal(lambda: load_office(tmp_path / "kontor"))


def test_leak_6_a_csv_file_name(tmp_path):
    import warnings

    from navkompetanse import load_office, save_office, synthetic_office

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save_office(synthetic_office(4, 12, seed=2), tmp_path / "kontor")
    (tmp_path / "kontor" / f"{FNR}.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    _refused_as_personal(lambda: load_office(tmp_path / "kontor"))


def test_leak_an_excel_number_cell_without_its_leading_zero(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import warnings

    from navkompetanse import load_office, save_office, synthetic_office

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save_office(synthetic_office(4, 12, seed=2), tmp_path / "kontor.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "kontor.xlsx")
    workbook["brukere"].cell(row=2, column=1, value=int(FNR))  # Excel drops the 0
    workbook.create_sheet(f"x{FNR}")  # and a sheet named by one
    workbook.save(tmp_path / "kontor.xlsx")
    _refused_as_personal(lambda: load_office(tmp_path / "kontor.xlsx"))


@pytest.mark.parametrize("data", [
    {"ident": "Z123456", FNR: 1},
    {"ident": "Z123456", "profile": {"relasjonell": 1, "struktur": 1, "forvaltning": 1,
                                     "digital": 1, "other": {FNR: 9}}},
    {"ident": "Z123456", "preferences": {f"b-{FNR}": "energi"}},
])
def test_the_models_refuse_a_key_with_a_number_without_naming_it(data):
    from navkompetanse import Veileder

    with pytest.raises(ValidationError) as err:
        Veileder.model_validate(data)
    assert FNR not in str(err.value) and err.value.errors()[0]["type"] == "personal_data"


def test_holds_fodselsnummer_looks_everywhere_and_is_cheap_on_huge_numbers():
    from navkompetanse.privacy import holds_fodselsnummer, mask_fodselsnummer

    assert holds_fodselsnummer({"a": [{"b": (1, f"x {FNR[:6]} {FNR[6:]}")}]})
    assert holds_fodselsnummer({int(FNR): 1}) and holds_fodselsnummer(float(FNR))
    assert not holds_fodselsnummer([10**5000, 1.5, None, True, "b-0001"])
    assert mask_fodselsnummer({FNR: [int(FNR)]}) == {"*" * 11: ["*" * 11]}


# ------------------------------------------------------------------------------------------
# anonymize(office, salt)
# ------------------------------------------------------------------------------------------

SALT = "a secret salt that is long enough"


def _named(seed: int = 1, n_veiledere: int = 6, n_brukere: int = 30):
    import warnings

    from navkompetanse import synthetic_office

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        office = synthetic_office(n_veiledere, n_brukere, seed=seed)
    idents = office.idents
    veiledere = tuple(v.model_copy(update={"name": f"Kari Nordmann{i}", "pairable": True})
                      for i, v in enumerate(office.veiledere))
    return office.model_copy(update={
        "name": "NAV Grünerløkka",
        "veiledere": veiledere,
        "pairs": ((idents[0], idents[1]),),
        "pair_history": (
            {"members": (idents[0], idents[1]), "started": "2024-01-01", "confirmed": True},
            {"members": (idents[2], idents[3]), "started": "2023-01-01", "ended": "2023-06-01",
             "propose_again": False, "reason": "Kari Nordmann2 og Ola ble ikke enige"},
        ),
        "learning_relations": ({"mentor": idents[2], "learner": idents[4],
                                "dimension": "digital"},),
    })


def test_anonymize_leaks_no_id_ident_or_name():
    import json

    from navkompetanse.anonymize import anonymize
    from navkompetanse.io import load_office, office_to_dict

    for office in (_named(), load_office(Path(__file__).parent / "data" /
                                         "hand_written_office.json")):
        text = json.dumps(office_to_dict(anonymize(office, SALT)), ensure_ascii=False)
        secrets = {*office.idents, *(b.id for b in office.brukere), office.name,
                   *(v.name for v in office.veiledere if v.name),
                   *(v.avdeling for v in office.veiledere if v.avdeling),
                   *(r.reason for r in office.pair_history if r.reason)}
        assert not [s for s in secrets if s in text]
        assert "Nordmann" not in text and "Kari" not in text


def test_anonymize_keeps_the_structure():
    from navkompetanse.anonymize import anonymization_key, anonymize
    from navkompetanse.models import BRUKER_ID_PATTERN, IDENT_PATTERN

    office = _named()
    shared = anonymize(office, SALT)
    key = anonymization_key(office, SALT)
    ident, bid = key["idents"], key["ids"]
    assert all(IDENT_PATTERN.fullmatch(i) for i in shared.idents)
    assert all(BRUKER_ID_PATTERN.fullmatch(b.id) for b in shared.brukere)
    assert len(set(ident.values())) == office.n_veiledere
    assert [ident[b.veileder] if b.veileder else None for b in office.brukere] == \
        [b.veileder for b in shared.brukere]
    assert [bid[b.id] for b in office.brukere] == [b.id for b in shared.brukere]
    assert shared.pairs == tuple((ident[a], ident[b]) for a, b in office.pairs)
    assert [r.members for r in shared.pair_history] == \
        [tuple(ident[m] for m in r.members) for r in office.pair_history]
    assert (shared.learning_relations[0].mentor, shared.learning_relations[0].learner) == \
        (ident[office.learning_relations[0].mentor], ident[office.learning_relations[0].learner])
    # same avdeling stays same avdeling; profiles, positions and needs are kept
    same = {(a.avdeling == b.avdeling) for a in office.veiledere for b in office.veiledere}
    assert same == {(a.avdeling == b.avdeling) for a in shared.veiledere for b in shared.veiledere}
    for a, b in zip(office.veiledere, shared.veiledere, strict=True):
        assert (a.effective_profile, a.stillingsprosent, a.ansettelse, a.pairable) == \
            (b.effective_profile, b.stillingsprosent, b.ansettelse, b.pairable)
        assert b.name is None
    for a, b in zip(office.brukere, shared.brukere, strict=True):
        assert a.model_copy(update={"id": b.id, "veileder": b.veileder}) == b
    assert shared.not_to_propose  # the "not again" record keeps a reason, a neutral one


def test_anonymize_is_deterministic_and_depends_on_the_salt():
    from navkompetanse import InvalidInputError
    from navkompetanse.anonymize import anonymize

    office = _named()
    assert anonymize(office, SALT) == anonymize(office, SALT)
    assert anonymize(office, SALT) == anonymize(office, SALT.encode())
    other = anonymize(office, SALT + "!")
    assert not set(other.idents) & set(anonymize(office, SALT).idents)
    with pytest.raises(InvalidInputError, match="salt"):
        anonymize(office, "short")


def test_anonymize_resolves_collisions_deterministically(monkeypatch):
    import importlib

    # the package exports the function anonymize, so the module is reached by its full name
    anon = importlib.import_module("navkompetanse.anonymize")

    office = _named(n_veiledere=12)
    # squeeze pseudonyms into 4 values: most idents collide, and still all end distinct
    monkeypatch.setattr(anon, "_as_ident",
                        lambda d: f"Z{int.from_bytes(d, 'big') % 4 + 100000:06d}"
                        if d[0] % 4 else f"Y{int.from_bytes(d, 'big') % 10**6:06d}")
    first = anon.anonymize(office, SALT)
    assert len(set(first.idents)) == 12
    assert anon.anonymize(office, SALT) == first


def test_a_plan_of_the_anonymised_office_is_the_plan_of_the_original_renamed():
    # measured on 8 offices (up to 25 veiledere and 1,800 brukere): equal bit for bit.
    from navkompetanse import allocate_portfolios, load_office
    from navkompetanse.anonymize import anonymization_key, anonymize

    offices = [_named(seed) for seed in (1, 2, 3)]
    offices.append(load_office(Path(__file__).parent / "data" / "hand_written_office.json"))
    for office in offices:
        shared = anonymize(office, SALT)
        key = anonymization_key(office, SALT)
        a, b = allocate_portfolios(office), allocate_portfolios(shared)
        assert (a.status, a.objective, a.bound) == (b.status, b.objective, b.bound)
        renamed = {key["ids"][bruker]: {key["idents"][m] for m in a.units[unit].members}
                   for bruker, unit in a.assignment.items()}
        assert renamed == {bruker: set(b.units[unit].members)
                           for bruker, unit in b.assignment.items()}


# ------------------------------------------------------------------------------------------
# Logs and unsafe parsers
# ------------------------------------------------------------------------------------------

def test_no_personal_data_in_log_messages_at_info_or_above(caplog, tmp_path):
    import logging
    import warnings

    from navkompetanse import load_office, plan, save_office

    office = _named(n_veiledere=6, n_brukere=40)
    path = tmp_path / "office.json"
    save_office(office, path)
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = load_office(path)
        result = plan(loaded)
        result.to_json()
    personal = {*office.idents, *(b.id for b in office.brukere),
                *(v.name for v in office.veiledere if v.name)}
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            text = record.getMessage()
            assert not [p for p in personal if p in text], (record.name, text)


def test_no_pickle_eval_or_unsafe_yaml_in_the_source():
    import re

    src = Path(__file__).parents[1] / "src" / "navkompetanse"
    unsafe = re.compile(r"\bimport pickle\b|\bpickle\.|\bcPickle\b|\bmarshal\.loads|\bshelve\b|"
                        r"(?<![\w.])eval\(|(?<![\w.])exec\(|yaml\.load\((?![^)]*SafeLoader)|"
                        r"yaml\.unsafe_load|yaml\.full_load|__import__\(")
    found = [f"{p.relative_to(src)}:{n}: {line.strip()}"
             for p in sorted(src.rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if unsafe.search(line)]
    assert not found, found


@pytest.mark.parametrize("text", [f"0315 {FNR}", f"NAV{FNR} 0999",
                                  f"{FNR[:4]} {FNR[4:8]} {FNR[8:]}", FNR[1:], f"id: {int(FNR)}"])
def test_a_number_beside_other_numbers_or_without_its_zero_is_found(text):
    from navkompetanse.privacy import contains_fodselsnummer, mask_text

    assert contains_fodselsnummer(text)
    assert FNR not in mask_text(text) and FNR[1:] not in mask_text(text)


def test_inside_a_longer_number_it_is_not_refused_but_never_shown():
    from navkompetanse import Problem
    from navkompetanse.privacy import contains_fodselsnummer, mask_text

    longer = f"{FNR}0999"
    assert not contains_fodselsnummer(longer)  # 15 digits are not a fødselsnummer
    assert FNR not in mask_text(f"enhet {longer}") and "0315" in mask_text(f"0315 / {longer}")
    assert FNR not in str(Problem("enhet", "enhet", "bad", longer))
    # ... also as a number (a JSON or Excel number with a digit typed after it); found by a
    # fuzz campaign of tests/test_fuzz.py: only strings were starred
    other = "15076500565"  # FNR as a number drops its 0: both forms are checked
    for number in (int(longer), int(FNR + "1"), int(other + "1"), float(other + "1"),
                   float(other) * 10**9):
        problem = Problem("needs.digital", "needs.digital", "bad", number)
        shown = str(problem) + str(problem.to_dict())
        assert FNR[1:] not in shown and other not in shown, number
    assert Problem("x", "x", "bad", 12345678901234).value == 12345678901234  # others shown


def test_shareable_exports_name_no_one_and_hide_groups_under_five():
    import json
    import warnings

    from navkompetanse import competence_map, gap_analysis, synthetic_office
    from navkompetanse.analysis.competence_map import SHARE_MIN_GROUP_SIZE
    from navkompetanse.analysis.learning import learning_network, learning_plan

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        office = synthetic_office(12, 120, seed=4)  # avdelinger of 7, 3 and 2 veiledere
        office = office.model_copy(update={"veiledere": tuple(
            v.model_copy(update={"name": f"Kari Nordmann{i}"})
            for i, v in enumerate(office.veiledere))})
        results = [competence_map(office), gap_analysis(office), learning_network(office),
                   learning_plan(office)]
    sizes = {a: sum(v.avdeling == a for v in office.veiledere)
             for a in {v.avdeling for v in office.veiledere}}
    small = {a for a, n in sizes.items() if n < SHARE_MIN_GROUP_SIZE}
    assert small and SHARE_MIN_GROUP_SIZE == 5
    personal = {*office.idents, *(b.id for b in office.brukere), "Nordmann"}
    for result in results:
        shared = result.to_dict(shareable=True)
        text = json.dumps(shared, ensure_ascii=False)
        assert not [p for p in personal if p in text], type(result).__name__
        assert "hidden" in shared  # says what was left out
    cmap = results[0].to_dict(shareable=True)
    assert all(n >= 5 for n in cmap["avdeling_sizes"].values())
    assert not small & set(cmap["avdeling_levels"]) and not small & set(cmap["avdeling_sizes"])
    for group in results[1].to_dict(shareable=True)["groups"]:
        assert (group["people"] if group["kind"] == "avdeling" else group["brukere"]) >= 5
