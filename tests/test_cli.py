"""Command line: exit codes, validate on good and broken files, demo end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

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
    assert payload["office"]["n_brukere"] == 150


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
    # one heavy case, and the only veileder may carry none
    office = _office_file(tmp_path, tung_sak=True)
    out = tmp_path / "plan.json"
    assert run("plan", str(office), "--json", str(out))[0] == EXIT_INFEASIBLE
    assert "tunge saker" in capsys.readouterr().err
    assert strict_json(out)["office"]["n_brukere"] == 1


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
