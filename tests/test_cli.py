"""Command line: exit codes, validate on good and broken files, demo end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from navkompetanse import load_plan
from navkompetanse.cli import EXIT_INFEASIBLE, EXIT_INVALID, EXIT_OK, EXIT_USAGE, main

DATA = Path(__file__).parent / "data"
LEVEL3 = {"relasjonell": 3, "struktur": 3, "forvaltning": 3, "digital": 3}


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_usage_error_exits_1(capsys):
    assert run("no-such-command")[0] == EXIT_USAGE
    assert run()[0] == EXIT_USAGE
    assert run("--help")[0] == EXIT_OK


def test_schema_prints_json_schema():
    code, text = run("schema")
    schema = json.loads(text)
    assert code == EXIT_OK
    assert {"enhet", "veiledere", "brukere"} <= set(schema["properties"])


def test_synth_then_validate(tmp_path):
    target = tmp_path / "office.json"
    code, text = run(
        "synth", "--veiledere", "6", "--brukere", "200", "--seed", "3", "-o", str(target)
    )
    assert code == EXIT_OK and target.exists()
    code, text = run("validate", str(target))
    assert code == EXIT_OK and text.startswith("OK:")


def test_synth_refuses_bad_sizes(tmp_path):
    assert run("synth", "--veiledere", "0", "-o", str(tmp_path / "x.json"))[0] == EXIT_USAGE


def test_validate_broken_file_exits_2_and_lists_every_fault(tmp_path, capsys):
    broken = {
        "enhet": "315", "name": "NAV Feil",
        "veiledere": [
            {"ident": "z1", "profile": {**LEVEL3, "relasjonell": 6}},
            {"ident": "Z100002", "profile": LEVEL3},
        ],
        "brukere": [{"id": "b-1", "veileder": "Z999999"}, {"id": "b-1"}],
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    code, _ = run("validate", str(path))
    err = capsys.readouterr().err
    assert code == EXIT_INVALID
    for needle in ("enhet", "veiledere[0]", "relasjonell", "brukere[0]", "brukere[1]"):
        assert needle in err, needle


def test_validate_missing_file_is_usage_error(tmp_path):
    assert run("validate", str(tmp_path / "nope.json"))[0] == EXIT_USAGE


@pytest.mark.slow
def test_demo_runs_and_writes_report(tmp_path):
    report = tmp_path / "demo.html"
    code, text = run("demo", "--report", str(report))
    assert code == EXIT_OK
    assert "NAV Eksempelby" in text and "Kompetansekart" in text
    assert report.read_text(encoding="utf-8").startswith("<!doctype html>")


def strict_json(path: Path) -> dict:
    """The file as JSON other tools can read: no NaN or Infinity (Python's json allows them)."""
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_plan_writes_json(tmp_path):
    office = tmp_path / "office.json"
    # seed 1: at seed 0 this smallest office has one heavy case over the office's limit (exit 3)
    code = run("synth", "--veiledere", "5", "--brukere", "150", "--seed", "1", "-o", str(office))[0]
    assert code == EXIT_OK
    out = tmp_path / "plan.json"
    code, text = run("plan", str(office), "--json", str(out))
    assert code == EXIT_OK
    payload = strict_json(out)
    assert payload["plan"]["office"]["n_brukere"] == 150
    # what the command line saved is a plan that loads back, made with the same options
    loaded = load_plan(out)
    assert loaded.ok and len(loaded.allocation.assignment) == 150


def _office_file(tmp_path: Path, **bruker: object) -> Path:
    path = tmp_path / "office.json"
    path.write_text(json.dumps({
        "enhet": "0315", "name": "NAV Liten",
        "veiledere": [{"ident": "Z100001", "max_tunge_saker": 0,
                       "profile": {"relasjonell": 3, "struktur": 3, "forvaltning": 3,
                                   "digital": 3}}],
        "brukere": [{"id": "b-1", **bruker}],
    }), encoding="utf-8")
    return path


def test_plan_infeasible_exits_3_and_still_writes_strict_json(tmp_path, capsys):
    # one heavy case, and the only veileder may carry none: with --strict-capacity no plan
    office = _office_file(tmp_path, tung_sak=True)
    out = tmp_path / "plan.json"
    assert run("plan", str(office), "--json", str(out), "--strict-capacity")[0] == EXIT_INFEASIBLE
    assert "tunge saker" in capsys.readouterr().err
    assert strict_json(out)["plan"]["office"]["n_brukere"] == 1
    # by default the heavy case is placed all the same, and the overload is said first
    code, text = run("plan", str(office), "--json", str(out))
    assert code == EXIT_OK
    assert text.lstrip("\n").startswith("Mer arbeid enn kapasitet")
    saved = strict_json(out)["plan"]
    assert saved["overload"]["binding"] == "heavy" and saved["status"] != "infeasible"


def test_plan_invalid_office_exits_2(tmp_path, capsys):
    office = _office_file(tmp_path, veileder="Z999999")
    assert run("plan", str(office))[0] == EXIT_INVALID
    assert "brukere[0].veileder" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--max-moves", "-5"], ["--max-moves", "x"],
                                    ["--time-limit", "0"], ["--time-limit", "nan"]])
def test_plan_bad_option_is_usage_error(tmp_path, capsys, option):
    assert run("plan", str(_office_file(tmp_path)), *option)[0] == EXIT_USAGE
    assert "error: argument" in capsys.readouterr().err


def test_unwritable_output_is_usage_error_not_a_traceback(tmp_path, capsys):
    a_file = tmp_path / "kontor"
    a_file.write_text("", encoding="utf-8")
    assert run("synth", "--veiledere", "5", "--brukere", "150", "-o", str(a_file))[0] == EXIT_USAGE
    assert run("synth", "-o", str(a_file / "office.json"))[0] == EXIT_USAGE
    assert run("demo", "--report", str(tmp_path / "no" / "such" / "dir.html"))[0] == EXIT_USAGE
    assert capsys.readouterr().err.count("navkompetanse:") == 3


@pytest.fixture(scope="module")
def small_office(tmp_path_factory):
    path = tmp_path_factory.mktemp("office") / "office.json"
    assert run("synth", "--veiledere", "8", "--brukere", "300", "--seed", "4",
               "-o", str(path))[0] == EXIT_OK
    return path


def test_lang_works_before_and_after_the_subcommand(small_office):
    before = run("--lang", "en", "plan", str(small_office), "--time-limit", "5")
    after = run("plan", str(small_office), "--lang", "en", "--time-limit", "5")
    assert before[0] == after[0] == EXIT_OK
    assert "Competence map" in before[1] and "Competence map" in after[1]
    assert "Kompetansekart" in run("plan", str(small_office), "--time-limit", "5")[1]


def test_every_plan_option_reaches_the_plan(small_office, tmp_path):
    from navkompetanse import load_office

    office = load_office(small_office)
    idents = sorted(v.ident for v in office.veiledere)
    bruker = office.brukere[0]
    target = next(i for i in idents if i != bruker.veileder)
    out = tmp_path / "plan.json"
    code, _ = run("plan", str(small_office), "--json", str(out), "--same-avdeling",
                  "--forbid", f"{idents[0]},{idents[1]}", "--pin", f"{bruker.id}={target}",
                  "--max-moves", "30", "--time-limit", "6", "--allow-overflow",
                  "--max-pairs", "2", "--min-gain", "0.5", "--seed", "3", "--kommunal-only",
                  "--no-gaps", "--today", "2027-01-04")
    assert code == EXIT_OK
    opts = load_plan(out).options
    assert opts.kommunal_only is True and opts.gaps is False
    assert str(opts.today) == "2027-01-04"
    new = [p for p in (load_plan(out).pairing.pairs if load_plan(out).pairing else ())
           if p.trial]
    assert all(str(p.review_date) == "2027-03-29" for p in new)  # + 12 weeks
    assert load_plan(out).policy.kommunal_only and load_plan(out).gaps is None
    assert opts.same_avdeling and opts.allow_overflow and opts.max_moves == 30
    assert opts.forbidden == ((idents[0], idents[1]),) and dict(opts.pinned) == {bruker.id: target}
    assert opts.time_limit == 6 and opts.max_pairs == 2 and opts.min_gain == 0.5
    assert opts.seed == 3
    p = load_plan(out)
    assert target in p.allocation.assignment[bruker.id].split("+")
    assert len(p.pairs) <= 2 and p.allocation.n_moves <= 30


def test_options_file_and_flags_together(small_office, tmp_path):
    from navkompetanse import load_office

    idents = sorted(v.ident for v in load_office(small_office).veiledere)
    options = tmp_path / "options.json"
    options.write_text(json.dumps({"required": [[idents[2], idents[3]]], "max_moves": 10}),
                       encoding="utf-8")
    out = tmp_path / "plan.json"
    code, _ = run("plan", str(small_office), "--options", str(options), "--max-moves", "20",
                  "--time-limit", "5", "--json", str(out))
    assert code == EXIT_OK
    p = load_plan(out)
    assert (idents[2], idents[3]) in p.pairs and p.options.max_moves == 20  # the flag wins


def test_bad_options_file_exits_2_naming_the_key(small_office, tmp_path, capsys):
    options = tmp_path / "options.json"
    options.write_text(json.dumps({"max_movez": 3}), encoding="utf-8")
    assert run("plan", str(small_office), "--options", str(options))[0] == EXIT_INVALID
    err = capsys.readouterr().err
    assert "max_movez" in err and "max_moves" in err and "options.json" in err


def test_policy_file(small_office, tmp_path, capsys):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"balance_slack": -3}), encoding="utf-8")
    assert run("plan", str(small_office), "--policy", str(policy))[0] == EXIT_INVALID
    assert "balance_slack" in capsys.readouterr().err
    policy.write_text(json.dumps({"balance_slack": 0.3}), encoding="utf-8")
    out = tmp_path / "p.json"
    assert run("plan", str(small_office), "--policy", str(policy), "--time-limit", "5",
               "--json", str(out))[0] == EXIT_OK
    assert load_plan(out).policy.balance_slack == 0.3


@pytest.mark.parametrize("option", [["--require", "Z1"], ["--pin", "b-1"],
                                    ["--min-gain", "-1"], ["--pairs", "maybe"]])
def test_bad_flag_is_usage_error(small_office, capsys, option):
    assert run("plan", str(small_office), *option)[0] == EXIT_USAGE
    assert "error: argument" in capsys.readouterr().err


def test_pin_with_a_fodselsnummer_is_never_echoed(small_office, capsys):
    fnr = "01010150074"  # both mod-11 check digits valid
    assert run("plan", str(small_office), "--pin", fnr)[0] == EXIT_USAGE
    err = capsys.readouterr().err
    assert "error: argument --pin" in err and fnr not in err


def test_given_pairs_and_turning_a_file_option_off(small_office, tmp_path):
    from navkompetanse import load_office

    idents = sorted(v.ident for v in load_office(small_office).veiledere)
    options = tmp_path / "options.json"
    options.write_text(json.dumps({"hard_specialty": True}), encoding="utf-8")
    out = tmp_path / "plan.json"
    code, _ = run("plan", str(small_office), "--pair", f"{idents[0]},{idents[1]}",
                  "--options", str(options), "--no-hard-specialty", "--time-limit", "5",
                  "--json", str(out))
    assert code == EXIT_OK
    p = load_plan(out)
    assert p.pairs == ((idents[0], idents[1]),) and p.pairing is None
    assert p.options.hard_specialty is False  # the flag turned the file's true off
    assert run("plan", str(small_office), "--pair", f"{idents[0]},{idents[1]}",
               "--pairs", "none")[0] == EXIT_INVALID


def test_a_bad_flag_is_not_blamed_on_the_options_file(small_office, tmp_path, capsys):
    options = tmp_path / "good.json"
    options.write_text(json.dumps({"max_moves": 3}), encoding="utf-8")
    assert run("plan", str(small_office), "--options", str(options), "--no-pairs",
               "--same-avdeling")[0] == EXIT_INVALID
    err = capsys.readouterr().err
    assert "same_avdeling" in err and "good.json and the command line" in err


def test_warnings_read_as_messages_not_as_python(tmp_path, capsys):
    run("synth", "--veiledere", "5", "--brukere", "50", "-o", str(tmp_path / "o.json"))
    err = capsys.readouterr().err
    assert err.startswith("navkompetanse: warning: ") and ".py:" not in err


@pytest.mark.parametrize("flag", ["--options", "--policy"])
def test_a_deeply_nested_options_file_is_invalid_input_not_a_crash(small_office, tmp_path,
                                                                   capsys, flag):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert run("plan", str(small_office), flag, str(deep))[0] == EXIT_INVALID
    assert "nested too deeply" in capsys.readouterr().err
