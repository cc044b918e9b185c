"""Benchmark data helpers: GAP instance parsers, best-known table and office-case generator.

The helpers are shared by ``benchmarks/bench_optimize_*.py`` and the smoke test
``tests/test_benchmark_smoke.py``.  They depend only on numpy.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "DATA_DIR",
    "GapInstance",
    "parse_gap_text",
    "read_gap_file",
    "read_best_known",
    "orlib_instances",
    "typed_instances",
    "office_instance",
]

#: ``<repo>/../shared/data/gap`` -- works both here and in CI where shared/ sits next to the repo.
DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "gap"


@dataclass(frozen=True)
class GapInstance:
    """One GAP instance in (items, agents) orientation."""

    name: str
    profit: np.ndarray  # (n_items, n_agents) cost/profit
    weight: np.ndarray  # (n_items, n_agents)
    capacity: np.ndarray  # (n_agents,)


def parse_gap_text(text: str, *, multi: bool, name: str = "gap") -> list[GapInstance]:
    """Parse OR-Library GAP text.

    ``multi=True`` for files starting with the number of problems P (gap1..12, gapa..d);
    ``multi=False`` for single-problem files (chu1997/, yagiura2004/).  Cost and resource
    matrices are stored [agent][job]; they are transposed to (items, agents).
    """
    tok = np.array(text.split(), dtype=np.int64)
    pos = 0
    count = 1
    if multi:
        count = int(tok[0])
        pos = 1
    out = []
    for k in range(count):
        m, n = int(tok[pos]), int(tok[pos + 1])
        pos += 2
        cost = tok[pos : pos + m * n].reshape(m, n).T.astype(float)
        pos += m * n
        res = tok[pos : pos + m * n].reshape(m, n).T.astype(float)
        pos += m * n
        cap = tok[pos : pos + m].astype(float)
        pos += m
        out.append(GapInstance(f"{name}-{k + 1}" if multi else name, cost, res, cap))
    if pos != len(tok):
        raise ValueError(f"{name}: {len(tok) - pos} trailing tokens")
    return out


def read_gap_file(path: Path | str, *, multi: bool | None = None) -> list[GapInstance]:
    """Read a GAP file; ``multi`` defaults to True for ``*.txt`` files."""
    path = Path(path)
    if multi is None:
        multi = path.suffix == ".txt"
    name = path.stem if multi else path.name
    return parse_gap_text(path.read_text(), multi=multi, name=name)


def read_best_known(data_dir: Path = DATA_DIR) -> dict[tuple[str, str], dict]:
    """Return ``{(instance, sense): row}`` from ``best_known.csv``."""
    with open(data_dir / "best_known.csv", newline="") as fh:
        return {(r["instance"], r["sense"]): r for r in csv.DictReader(fh)}


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


def office_instance(n_items: int, n_agents: int, seed: int = 0, slack: float | None = None):
    """Synthetic NAV-office allocation instance (weight per item).

    Items (brukere) have a need vector in [0,1]^4, agents (veiledere) a competence vector;
    profit = 1 - sum_d omega_d * max(0, need_d - competence_d) with omega on the simplex, so
    profits lie in [0, 1].  Weights are 1..6 points; capacities sum to ``slack`` (default a
    random value in [1.05, 1.15]) times the total weight, split unevenly between agents.

    Returns ``(profit, weight, capacity)``.
    """
    rng = np.random.default_rng(seed)
    need = rng.beta(2.0, 2.0, size=(n_items, 4))
    comp = rng.beta(2.5, 1.5, size=(n_agents, 4))
    omega = rng.dirichlet(np.ones(4))
    short = np.maximum(0.0, need[:, None, :] - comp[None, :, :])
    profit = 1.0 - short @ omega
    weight = rng.integers(1, 7, size=n_items).astype(float)
    if slack is None:
        slack = rng.uniform(1.05, 1.15)
    share = rng.uniform(0.6, 1.4, size=n_agents)
    capacity = np.floor(share / share.sum() * slack * weight.sum())
    return profit, weight, capacity
