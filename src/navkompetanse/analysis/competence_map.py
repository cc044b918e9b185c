"""Competence map: the office's competence set against what its brukere need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..models import DIMENSIONS, Office
from ..policy import Policy
from ..results import Result, freeze_fields, strict_json
from ..scoring import office_arrays
from ..text import check_lang, dimension_name, fmt

__all__ = ["MIN_GROUP_SIZE", "CompetenceMap", "DimensionCover", "competence_map"]

#: A need or a level at or above this is "high": the level of someone who works independently
#: and more (4 = strong, 5 = can teach others).
HIGH = 4

_DIMS = tuple(d.value for d in DIMENSIONS)

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


@dataclass(frozen=True, repr=False)
class CompetenceMap(Result):
    """Where the office is strong and where its brukere need more than it has.

    A descriptive result: ``status`` is ``feasible`` (complete; nothing was optimised), or
    ``infeasible`` when the office has brukere with high needs and no veileder at all.
    """

    dimensions: tuple[DimensionCover, ...]
    avdeling_levels: Mapping[str, Mapping[str, float]]
    n_veiledere: int
    n_brukere: int
    #: Avdelinger left out of ``avdeling_levels``: fewer than MIN_GROUP_SIZE veiledere.
    n_avdelinger_hidden: int = 0
    status: str = "feasible"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=dict)
    lang: str = "nb"

    _title: ClassVar[tuple[str, str]] = ("Kompetansekart", "Competence map")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "dimension", "dimension_name", "brukere_high_need", "workload_high_need",
        "veiledere_high_level", "capacity_high_level", "cover_ratio", "mean_need",
        "mean_level")

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        freeze_fields(self, "avdeling_levels", "messages")

    def __getitem__(self, dimension: str) -> DimensionCover:
        for d in self.dimensions:
            if d.dimension == str(dimension):
                return d
        raise KeyError(f"{dimension!r} is not a dimension ({', '.join(_DIMS)})")

    @property
    def weakest(self) -> DimensionCover | None:
        """The dimension whose strong veiledere reach the smallest share of the high need."""
        finite = [d for d in self.dimensions if np.isfinite(d.cover_ratio)]
        return min(finite, key=lambda d: d.cover_ratio) if finite else None

    def to_dict(self) -> dict:
        return strict_json({
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            # No high need gives an infinite ratio; JSON has no Infinity, so write null.
            "dimensions": [asdict(d) | {"cover_ratio": d.cover_ratio} for d in self.dimensions],
            "avdeling_levels": self.avdeling_levels,
            "n_veiledere": self.n_veiledere,
            "n_brukere": self.n_brukere,
            "n_avdelinger_hidden": self.n_avdelinger_hidden,
        })

    def _frame_rows(self) -> list[dict]:
        return [asdict(d) | {"dimension_name": dimension_name(d.dimension, self.lang),
                             "cover_ratio": d.cover_ratio} for d in self.dimensions]

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        rows = [(dimension_name(d.dimension, lang),
                 "–" if not np.isfinite(d.cover_ratio) else fmt(d.cover_ratio, lang, 2))
                for d in self.dimensions]
        return rows

    def _repr_fields(self) -> str:
        return (f"{self.n_veiledere} veiledere, {self.n_brukere} brukere, cover "
                + " ".join(f"{d.dimension[:4]}={_ratio(d.cover_ratio, 'en')}"
                           for d in self.dimensions))

    def explain(self, dimension: str | None = None, lang: str | None = None) -> str:
        """The map in words: the whole office (``None``) or one dimension."""
        lang = self.lang if lang is None else check_lang(lang)
        if dimension is None:
            return self.describe(lang)
        d = self[dimension]
        t = _TEXT[lang]
        ratio = d.cover_ratio
        verdict = (t["no_need"] if not np.isfinite(ratio) else
                   t["short"] if ratio < 1 else t["enough"])
        return t["dimension"].format(
            dim=dimension_name(d.dimension, lang), n_need=fmt(d.brukere_high_need, lang),
            need_p=fmt(d.workload_high_need, lang), n_strong=fmt(d.veiledere_high_level, lang),
            strong_p=fmt(d.capacity_high_level, lang), ratio=_ratio(ratio, lang),
        ) + " " + verdict

    def table(self, lang: str | None = None, *, points: bool = True
              ) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
        """The map as (header, rows) of text cells, one row per dimension (the text table and
        the HTML report both show these); ``points=False`` leaves out the workload points."""
        lang = self.lang if lang is None else check_lang(lang)
        rows = []
        for d in self.dimensions:
            need, strong = fmt(d.brukere_high_need, lang), fmt(d.veiledere_high_level, lang)
            if points:
                need += f" ({fmt(d.workload_high_need, lang, 0)} p)"
                strong += f" ({fmt(d.capacity_high_level, lang, 0)} p)"
            rows.append((dimension_name(d.dimension, lang), need, strong,
                         _ratio(d.cover_ratio, lang)))
        return _TEXT[lang]["head"], rows

    def render(self, lang: str | None = None) -> str:
        """A plain-text table a leader can read."""
        lang = self.lang if lang is None else check_lang(lang)
        t = _TEXT[lang]
        head, body = self.table(lang)
        rows = [head, *body]
        widths = [max(len(r[i]) for r in rows) for i in range(len(t["head"]))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        if self.avdeling_levels:
            lines.append("")
            lines.append(t["by_avdeling"])
            for avdeling, levels in self.avdeling_levels.items():
                shown = ", ".join(f"{dimension_name(k, lang)} {fmt(v, lang, 1)}"
                                  for k, v in levels.items())
                lines.append(f"  {avdeling}: {shown}")
        if self.n_avdelinger_hidden:
            lines.append(t["hidden"].format(n=self.n_avdelinger_hidden, k=MIN_GROUP_SIZE))
        return "\n".join([*lines, "", t["note"]])


def _ratio(ratio: float, lang: str) -> str:
    return "–" if not np.isfinite(ratio) else fmt(ratio, lang, 2)


#: Every text of the map, per language.
_TEXT: dict[str, dict[str, Any]] = {
    "nb": {
        "head": ("Dimensjon", "Høyt behov (brukere)", "Sterke veiledere (≥4)", "Dekning"),
        "by_avdeling": "Snittnivå per avdeling:",
        "hidden": "  ({n} avdeling(er) med færre enn {k} veiledere vises ikke, "
                  "av personvernhensyn)",
        "note": "Dekning = kapasitet hos veiledere på nivå 4–5 delt på arbeidsmengden til "
                "brukere med behov 4–5; under 1 betyr at de sterke ikke rekker alle som "
                "trenger dem.",
        "dimension": "{dim}: {n_need} brukere trenger nivå 4 eller mer ({need_p} poeng); "
                     "{n_strong} veiledere er på nivå 4 eller mer ({strong_p} poeng); "
                     "dekning {ratio}.",
        "short": "De sterke rekker ikke alle som trenger dem.",
        "enough": "De sterke rekker alle som trenger dem.",
        "no_need": "Ingen brukere har så høyt behov her.",
        "summary": "{n_v} veiledere og {n_b} brukere.",
        "weakest": "Svakest dekning: {dim} ({ratio}).",
        "all_covered": "Alle dimensjoner har dekning 1 eller mer.",
        "no_staff": "Kontoret har {n_b} brukere og ingen veiledere.",
    },
    "en": {
        "head": ("Dimension", "High need (brukere)", "Strong veiledere (≥4)", "Cover"),
        "by_avdeling": "Mean level per avdeling:",
        "hidden": "  ({n} avdeling(s) with fewer than {k} veiledere not shown, for privacy)",
        "note": "Cover = capacity of veiledere at level 4–5 divided by the workload of "
                "brukere needing 4–5; below 1 means the strong ones cannot reach everyone who "
                "needs them.",
        "dimension": "{dim}: {n_need} brukere need level 4 or more ({need_p} points); "
                     "{n_strong} veiledere are at level 4 or more ({strong_p} points); "
                     "cover {ratio}.",
        "short": "The strong ones cannot reach everyone who needs them.",
        "enough": "The strong ones reach everyone who needs them.",
        "no_need": "No bruker needs that much here.",
        "summary": "{n_v} veiledere and {n_b} brukere.",
        "weakest": "Weakest cover: {dim} ({ratio}).",
        "all_covered": "Every dimension has cover 1 or more.",
        "no_staff": "The office has {n_b} brukere and no veiledere.",
    },
}


def _map_message(cmap_dims: tuple[DimensionCover, ...], n_v: int, n_b: int,
                 lang: str) -> str:
    t = _TEXT[lang]
    if n_b and not n_v:
        return t["no_staff"].format(n_b=fmt(n_b, lang))
    text = t["summary"].format(n_v=fmt(n_v, lang), n_b=fmt(n_b, lang))
    finite = [d for d in cmap_dims if np.isfinite(d.cover_ratio)]
    short = [d for d in finite if d.cover_ratio < 1]
    if short:
        worst = min(short, key=lambda d: d.cover_ratio)
        text += " " + t["weakest"].format(dim=dimension_name(worst.dimension, lang),
                                          ratio=_ratio(worst.cover_ratio, lang))
    elif finite:
        text += " " + t["all_covered"]
    return text


def competence_map(office: Office, policy: Policy | None = None, *, lang: str = "nb"
                   ) -> CompetenceMap:
    """Set each dimension's high needs against the office's strong veiledere.

    For each dimension: how many brukere need level 4 or more and their workload points; how
    many veiledere are at level 4 or more and their capacity points; the ratio of the two.
    Also the mean level per avdeling, for avdelinger of at least :data:`MIN_GROUP_SIZE`
    veiledere only, so no individual's levels can be read off a mean.
    """
    lang = check_lang(lang)
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
    dims = tuple(rows)
    messages = {code: _map_message(dims, office.n_veiledere, office.n_brukere, code)
                for code in ("nb", "en")}
    no_staff = office.n_brukere > 0 and office.n_veiledere == 0
    return CompetenceMap(
        dimensions=dims,
        avdeling_levels=by_avdeling,
        n_veiledere=office.n_veiledere,
        n_brukere=office.n_brukere,
        n_avdelinger_hidden=hidden,
        status="infeasible" if no_staff else "feasible",
        message=messages[lang], messages=messages, lang=lang,
    )
