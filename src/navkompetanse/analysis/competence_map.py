"""Competence map: the office's competence set against what its brukere need."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..models import DIMENSIONS, Office
from ..policy import Policy
from ..scoring import office_arrays

__all__ = ["MIN_GROUP_SIZE", "CompetenceMap", "DimensionCover", "competence_map"]

#: A need or a level at or above this is "high": the level of someone who works independently
#: and more (4 = strong, 5 = can teach others).
HIGH = 4

#: The smallest group whose mean levels are shown. In a group of two, each can read the
#: other's profile off the mean (DOMAIN.md: reports about small groups must not identify
#: individuals); from three on, a member learns only the sum of the others.
MIN_GROUP_SIZE = 3


@dataclass(frozen=True)
class DimensionCover:
    """One dimension of the map: high need against high competence, in people and points."""

    dimension: str
    brukere_high_need: int
    workload_high_need: float
    veiledere_high_level: int
    capacity_high_level: float
    mean_need: float
    mean_level: float

    @property
    def cover_ratio(self) -> float:
        """Capacity of strong veiledere per point of high-need workload (≥ 1: enough)."""
        if self.workload_high_need == 0:
            return float("inf")
        return self.capacity_high_level / self.workload_high_need


@dataclass(frozen=True)
class CompetenceMap:
    """Where the office is strong and where its brukere need more than it has."""

    dimensions: tuple[DimensionCover, ...]
    avdeling_levels: dict[str, dict[str, float]]
    n_veiledere: int
    n_brukere: int
    #: Avdelinger left out of ``avdeling_levels``: fewer than MIN_GROUP_SIZE veiledere.
    n_avdelinger_hidden: int = 0

    def to_dict(self) -> dict:
        return {
            # No high need gives an infinite ratio; JSON has no Infinity, so write null.
            "dimensions": [
                asdict(d) | {"cover_ratio": d.cover_ratio if np.isfinite(d.cover_ratio) else None}
                for d in self.dimensions
            ],
            "avdeling_levels": self.avdeling_levels,
            "n_veiledere": self.n_veiledere,
            "n_brukere": self.n_brukere,
            "n_avdelinger_hidden": self.n_avdelinger_hidden,
        }

    def render(self, lang: str = "nb") -> str:
        """A plain-text table a leader can read."""
        nb = lang == "nb"
        head = (
            ("Dimensjon", "Høyt behov (brukere)", "Sterke veiledere (≥4)", "Dekning")
            if nb
            else ("Dimension", "High need (brukere)", "Strong veiledere (≥4)", "Cover")
        )
        rows = [head]
        for d in self.dimensions:
            ratio = d.cover_ratio
            shown = "–" if not np.isfinite(ratio) else f"{ratio:.2f}"
            rows.append((
                d.dimension,
                f"{d.brukere_high_need} ({d.workload_high_need:.0f} p)",
                f"{d.veiledere_high_level} ({d.capacity_high_level:.0f} p)",
                shown,
            ))
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        if self.avdeling_levels:
            lines.append("")
            lines.append("Snittnivå per avdeling:" if nb else "Mean level per avdeling:")
            for avdeling, levels in self.avdeling_levels.items():
                shown = ", ".join(f"{k[:3]} {v:.1f}" for k, v in levels.items())
                lines.append(f"  {avdeling}: {shown}")
        if self.n_avdelinger_hidden:
            lines.append(
                f"  ({self.n_avdelinger_hidden} avdeling(er) med færre enn {MIN_GROUP_SIZE} "
                "veiledere vises ikke, av personvernhensyn)"
                if nb else
                f"  ({self.n_avdelinger_hidden} avdeling(s) with fewer than {MIN_GROUP_SIZE} "
                "veiledere not shown, for privacy)"
            )
        note = (
            "Dekning = kapasitet hos veiledere på nivå 4–5 delt på arbeidsmengden til brukere "
            "med behov 4–5; under 1 betyr at de sterke ikke rekker alle som trenger dem."
            if nb
            else "Cover = capacity of veiledere at level 4-5 divided by the workload of brukere "
            "needing 4-5; below 1 means the strong ones cannot reach everyone who needs them."
        )
        return "\n".join([*lines, "", note])


def competence_map(office: Office, policy: Policy | None = None) -> CompetenceMap:
    """Set each dimension's high needs against the office's strong veiledere.

    For each dimension: how many brukere need level 4 or more and their workload points; how
    many veiledere are at level 4 or more and their capacity points; the ratio of the two.
    Also the mean level per avdeling, for avdelinger of at least :data:`MIN_GROUP_SIZE`
    veiledere only, so no individual's levels can be read off a mean.
    """
    policy = policy or Policy()
    arrays = office_arrays(office, policy)
    rows = []
    for d, dim in enumerate(DIMENSIONS):
        high_need = arrays.need[:, d] >= HIGH
        high_level = arrays.levels[:, d] >= HIGH
        rows.append(DimensionCover(
            dimension=dim.value,
            brukere_high_need=int(high_need.sum()),
            workload_high_need=float(arrays.workload[high_need].sum()),
            veiledere_high_level=int(high_level.sum()),
            capacity_high_level=float(arrays.capacity[high_level].sum()),
            mean_need=float(arrays.need[:, d].mean()) if len(arrays.need) else 0.0,
            mean_level=float(arrays.levels[:, d].mean()) if len(arrays.levels) else 0.0,
        ))
    by_avdeling: dict[str, dict[str, float]] = {}
    hidden = 0
    names = sorted({a for a in arrays.avdeling if a})
    for name in names:
        mask = np.array([a == name for a in arrays.avdeling])
        if mask.sum() < MIN_GROUP_SIZE:
            hidden += 1
            continue
        mean = arrays.levels[mask].mean(axis=0)
        by_avdeling[name] = {
            dim.value: round(float(m), 2) for dim, m in zip(DIMENSIONS, mean, strict=True)
        }
    return CompetenceMap(
        dimensions=tuple(rows),
        avdeling_levels=by_avdeling,
        n_veiledere=office.n_veiledere,
        n_brukere=office.n_brukere,
        n_avdelinger_hidden=hidden,
    )
