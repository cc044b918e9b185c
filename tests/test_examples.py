"""examples/: every example runs and does what it says (the quickstart as a newcomer runs it).

The scripts run on the example office (25 veiledere, 1 800 brukere) as a reader would run them;
the gap analysis only where the example shows it. The notebook runs in a real Jupyter kernel
(nbclient), so what a notebook displays (`_repr_html_`, charts) is exercised too; it skips, with
the reason, only where no kernel can start. About 30 s for the file on two busy cores.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import navkompetanse as nk

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
#: every example and the test that runs it; a new example needs a test (and an entry here)
RUN_BY = {
    "quickstart.py": "test_quickstart_as_a_newcomer_runs_it",
    "leader_overrides.py": "test_leader_overrides_hold_and_the_replan_keeps_to_max_moves",
    "automation_scenario.py": "test_automation_removes_half_of_the_standard_innsats_brukere",
    "quickstart.ipynb": "test_quickstart_notebook_runs_and_displays_compact_tables",
}


def _example(name: str) -> dict:
    """The example's module namespace, loaded as a script would be (not run as __main__)."""
    return runpy.run_path(str(EXAMPLES / name), run_name=f"example_{Path(name).stem}")


def test_every_example_is_run_by_a_test():
    found = {p.name for p in EXAMPLES.iterdir() if p.suffix in {".py", ".ipynb"}}
    assert found == set(RUN_BY)
    for test in RUN_BY.values():
        assert callable(globals()[test]), test


def test_quickstart_as_a_newcomer_runs_it(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py"), str(out)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("NAV Eksempelby: 25 veiledere, 1 800 brukere, 241 tunge saker")
    assert "Plan for NAV Eksempelby" in text                       # the plan in words
    assert "foreslås som veileder-par" in text                     # a pair explained
    assert "Bruker b-000001 trenger" in text                       # a bruker explained
    assert "Gjennomsnittlig mangel" in text                        # today against proposal
    assert f"Rapporten er skrevet til {out / 'plan.html'}" in text

    report = (out / "plan.html").read_text(encoding="utf-8")
    assert report.lstrip().lower().startswith("<!doctype html")
    assert "NAV Eksempelby" in report
    assert not re.search(r"""(src|href)=["']https?://""", report)  # opens without network

    # the JSON the quickstart hands to other tools loads back as the same plan
    p = nk.load_plan(out / "plan.json")
    assert p.ok and p.gaps is not None
    assert set(p.allocation.assignment) == {b.id for b in p.office.brukere}
    assert len(p.pairs) >= 1 and p.pairs[0] == tuple(sorted(p.pairs[0]))
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert data["plan"]["office"]["n_brukere"] == 1800


def test_leader_overrides_hold_and_the_replan_keeps_to_max_moves(capsys):
    ns = _example("leader_overrides.py")
    pair, bruker, unit, max_moves = ns["PAIR"], ns["BRUKER"], ns["UNIT"], ns["MAX_MOVES"]
    plans = ns["main"]()
    proposal, pinned, overridden, limited = (plans.proposal, plans.pinned, plans.overridden,
                                             plans.limited)
    # the leader's decisions are not what the library proposed on its own ...
    assert pair not in proposal.pairs
    assert proposal.allocation.assignment[bruker] != unit
    # ... and hold in every plan made after them
    for p in (pinned, overridden, limited):
        assert p.ok, p.message
        assert pair in p.pairs
        assert p.allocation.assignment[bruker] == unit
    # the overrides are recorded with their reasons and what the proposal had been
    kinds = {a.override.kind: a for a in overridden.overrides}
    assert set(kinds) == {"pair", "place"}
    assert all(a.held and len(a.override.reason) >= 3 for a in overridden.overrides)
    assert kinds["place"].proposed == proposal.allocation.assignment[bruker]
    assert limited.options.overrides == overridden.options.overrides
    # the re-plan keeps to max_moves, which binds (the overrides alone moved more)
    assert overridden.allocation.n_moves > max_moves
    assert limited.allocation.n_moves <= max_moves
    assert limited.options.max_moves == max_moves

    text = capsys.readouterr().out
    assert "begrunnelse: kjenner familien fra før" in text
    assert "holdt: ja" in text and "holdt: nei" not in text
    assert f"Med høyst {max_moves} bytter" in text
    assert "not_proposed" not in text                      # no code words in Norwegian text


def test_automation_removes_half_of_the_standard_innsats_brukere(capsys):
    comparison = _example("automation_scenario.py")["main"]()
    office = nk.load_example_office()
    n_standard = sum(b.innsatsgruppe == "STANDARD_INNSATS" for b in office.brukere)
    base = comparison.baseline
    automated = comparison["Halvparten automatisert"]
    leaves = comparison["Automatisert, og Z147354 slutter"]
    assert comparison.ok
    assert base.n_brukere == office.n_brukere
    # half of the standard-innsats brukere are gone (rounded up), and only those
    assert office.n_brukere - automated.n_brukere == (n_standard + 1) // 2
    assert automated.n_brukere == leaves.n_brukere
    assert automated.load_points < base.load_points
    assert automated.load_per_position < base.load_per_position
    # a veileder leaving takes capacity, not work: more per position than automation alone
    assert leaves.n_veiledere == base.n_veiledere - 1
    assert leaves.load_per_position > automated.load_per_position

    text = capsys.readouterr().out
    assert "«Halvparten automatisert»" in text
    assert "I stedet for, ikke i tillegg" in text           # what leaves a portfolio
    assert "Brukerne til Z147354" in text                   # who takes over hers


def _compact_html(outputs: list) -> list[str]:
    return [o["data"]["text/html"] for o in outputs
            if o.get("output_type") in {"execute_result", "display_data"}
            and "text/html" in o.get("data", {})]


@pytest.fixture
def _recursion_limit_kept():
    # importing nbclient brings in jedi, which raises the interpreter's recursion limit to
    # 3000 for the whole process; later tests (test_io's deep JSON) rely on the default
    limit = sys.getrecursionlimit()
    yield
    sys.setrecursionlimit(limit)


@pytest.mark.usefixtures("_recursion_limit_kept")
def test_quickstart_notebook_runs_and_displays_compact_tables(tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="the notebook test needs the test extra "
                                   "(pip install '.[test]': nbformat, nbclient, ipykernel)")
    nbclient = pytest.importorskip("nbclient", reason="the notebook test needs nbclient "
                                   "(pip install '.[test]')")
    if importlib.util.find_spec("ipykernel") is None:  # the kernel runs it, not this process
        pytest.skip("the notebook test needs ipykernel (pip install '.[test]')")
    pytest.importorskip("matplotlib", reason="the notebook draws charts: pip install '.[plot]'")
    nb = nbformat.read(EXAMPLES / "quickstart.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        "the notebook is stored without outputs"
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.km = client.create_kernel_manager()
    try:
        client.start_new_kernel()
        client.start_new_kernel_client()
    except Exception as exc:  # no kernelspec, no zmq sockets, a sandbox without subprocesses
        client._cleanup_kernel()
        pytest.skip(f"a Jupyter kernel could not start here ({type(exc).__name__}: {exc})")
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails

    cells = {c.source.strip(): c.get("outputs", []) for c in nb.cells if c.cell_type == "code"}
    plan_html = _compact_html(cells["p = nk.plan(office)\np"])
    assert len(plan_html) == 1 and "<table" in plan_html[0] and "1 800" in plan_html[0]
    for source in ("p = nk.plan(office)\np", "p.comparison", "p.competence_map", "p.gaps",
                   "p.learning", "p.fairness"):
        html = _compact_html(cells[source])
        assert len(html) == 1, source
        # compact: a table of counts, status and the top rows, not a dump of 1 800 brukere
        assert "<table" in html[0] and len(html[0]) < 6000, (source, len(html[0]))
        assert "b-001800" not in html[0], source
    assert "Plan for NAV Eksempelby" in "".join(o.get("text", "") for o in
                                               cells["print(p.explain())"])
    for chart in ("from navkompetanse import plot\n\nplot.coverage(p);", "plot.loads(p.today);"):
        assert any("image/png" in o.get("data", {}) for o in cells[chart]), chart
    frame = _compact_html(cells["p.to_frame().head()"])
    assert frame and frame[0].count("<tr") == 6          # header and five brukere
    assert (tmp_path / "plan.html").read_text(encoding="utf-8").count("NAV Eksempelby") >= 1
