"""Benchmark data: the OR-Library files and types A-E with their best-known rows.

The parsers, the instance generators and the milp reference live in one place,
``tests/gap_reference.py`` (the unit tests use them too); they are re-exported here so the
benchmarks read ``from gapdata import ...``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from gap_reference import (  # noqa: E402
    DATA_DIR,
    GapInstance,
    needs_office_instance,
    office_instance,
    parse_gap_text,
    read_best_known,
    read_gap_file,
    real_office_instance,
    run_milp,
)

__all__ = [
    "DATA_DIR",
    "GapInstance",
    "needs_office_instance",
    "office_instance",
    "orlib_instances",
    "parse_gap_text",
    "read_best_known",
    "read_gap_file",
    "real_office_instance",
    "run_milp",
    "typed_instances",
]


def orlib_instances(data_dir: Path = DATA_DIR, files=range(1, 13)) -> list[GapInstance]:
    """All problems of OR-Library gap1..gap12 (60 instances) in file order."""
    out = []
    for k in files:
        out.extend(read_gap_file(data_dir / "orlib" / f"gap{k}.txt"))
    return out


def typed_instances(data_dir: Path = DATA_DIR, names=None) -> list[tuple[GapInstance, dict]]:
    """Chu & Beasley / Yagiura instances (types A-E) with their best-known rows."""
    best = read_best_known(data_dir)
    rows = [r for (inst, sense), r in best.items() if not inst.startswith("gap")]
    if names is not None:
        rows = [r for r in rows if r["instance"] in set(names)]
    rows.sort(key=lambda r: (r["instance"][0], int(r["jobs"]), int(r["agents"])))
    return [(read_gap_file(data_dir / r["file"], multi=False)[0], r) for r in rows]
