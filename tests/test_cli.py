"""Command line: exit codes, validate on good and broken files, demo end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from navkompetanse.cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, main

DATA = Path(__file__).parent / "data"


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
    code, text = run("synth", "--veiledere", "6", "--brukere", "200", "--seed", "3", "-o", str(target))
    assert code == EXIT_OK and target.exists()
    code, text = run("validate", str(target))
    assert code == EXIT_OK and text.startswith("OK:")


def test_synth_refuses_bad_sizes(tmp_path):
    assert run("synth", "--veiledere", "0", "-o", str(tmp_path / "x.json"))[0] == EXIT_USAGE


def test_validate_broken_file_exits_2_and_lists_every_fault(tmp_path, capsys):
    broken = {
        "enhet": "315", "name": "NAV Feil",
        "veiledere": [
            {"ident": "z1", "profile": {"relasjonell": 6, "struktur": 3, "forvaltning": 3, "digital": 3}},
            {"ident": "Z100002", "profile": {"relasjonell": 3, "struktur": 3, "forvaltning": 3, "digital": 3}},
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
    assert run("validate", str(tmp_path / "nope.json"))[0] in (EXIT_USAGE, EXIT_INVALID)


@pytest.mark.slow
def test_demo_runs_and_writes_report(tmp_path):
    report = tmp_path / "demo.html"
    code, text = run("demo", "--report", str(report))
    assert code == EXIT_OK
    assert "NAV Eksempelby" in text and "Kompetansekart" in text
    assert report.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_plan_writes_json(tmp_path):
    office = tmp_path / "office.json"
    assert run("synth", "--veiledere", "5", "--brukere", "150", "-o", str(office))[0] == EXIT_OK
    out = tmp_path / "plan.json"
    code, text = run("plan", str(office), "--json", str(out))
    assert code == EXIT_OK
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["office"]["n_brukere"] == 150
