"""Quickstart: plan the example office, read why, and write the report a leader opens.

Run it from the repository (after ``pip install .``)::

    python examples/quickstart.py             # the report goes to a temporary folder
    python examples/quickstart.py out/        # ... or to out/plan.html (and out/plan.json)
    python examples/quickstart.py out/ en     # in English

Every step prints what a leader would read; nothing here needs more than the library itself
(``pip install '.[plot]'`` adds the charts to the report, ``'.[pandas]'`` the table at the end).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import navkompetanse as nk
from navkompetanse.text import fmt  # numbers as a Norwegian reader writes them


def main(out: Path | str | None = None, lang: str = "nb") -> nk.Plan:
    """Plan NAV Eksempelby, print the story, write ``plan.html`` and ``plan.json`` in ``out``."""
    out = Path(tempfile.mkdtemp(prefix="navkompetanse-")) if out is None else Path(out)
    out.mkdir(parents=True, exist_ok=True)

    # 1. The office: 25 veiledere and 1 800 brukere, the library's built-in example.
    office = nk.load_example_office()
    summary = office.summary()
    heavy = "tunge saker" if lang == "nb" else "heavy cases"
    print(f"{summary['name']}: {summary['n_veiledere']} veiledere, "
          f"{fmt(summary['n_brukere'], lang)} brukere, {summary['tunge_saker']} {heavy}")

    # 2. One call: the competence map, proposed pairs, a distribution of the brukere, today's
    #    distribution to compare with, the gap analysis, mentoring and a fairness audit.
    p = nk.plan(office, lang=lang)
    print(repr(p))              # one line: status, pairs, brukere, moves
    print()
    print(p.explain())          # the whole plan in plain words
    print()

    # 3. Why a new pair, and why this bruker goes where she goes.
    proposed = [pair.members for pair in (p.pairing.pairs if p.pairing else ())
                if not pair.existing]
    print(p.explain(proposed[0] if proposed else p.pairs[0]))
    print()
    print(p.explain(office.brukere[0].id))
    print()

    # 4. Today against the proposal, and what stays short after it.
    print(p.comparison)
    print()
    if p.gaps is not None:      # the gap analysis shares the plan's time limit
        print(p.gaps.explain().splitlines()[0])
        print()

    # 5. The report: one self-contained HTML file (no network needed, prints on A4).
    report = p.save_report(out / "plan.html")
    print(f"Rapporten er skrevet til {report}" if lang == "nb"
          else f"The report is written to {report}")

    # 6. For other tools: the plan as JSON, which load_plan reads back equal.
    saved = p.save(out / "plan.json")
    print(f"Planen som JSON: {saved}" if lang == "nb" else f"The plan as JSON: {saved}")

    # 7. For analysts: one row per bruker (needs pandas).
    try:
        frame = p.to_frame()
    except ImportError:
        pass
    else:
        print(frame[["bruker_id", "unit", "moved"]].head())
    return p


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None,
         sys.argv[2] if len(sys.argv) > 2 else "nb")
