"""Competence map: the office's competence set against what its brukere need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..models import DIMENSIONS, Office
from ..policy import Policy
from ..results import Result, freeze_fields, pandas, strict_json
from ..scoring import capacity_points, need_levels, workload_points
from ..text import check_lang, dimension_name, fmt, join, person
from .assessments import (
    TOPIC_DIFFERENCE,
    AssessmentTopic,
    Development,
    VeilederProfile,
    assessment_topics,
    development,
    development_sentence,
    no_topic_sentence,
    profile_sentence,
    topic_sentence,
    veileder_profiles,
)

__all__ = [
    "LEVELS",
    "MIN_GROUP_SIZE",
    "SHARE_MIN_GROUP_SIZE",
    "CompetenceMap",
    "DimensionCover",
    "competence_map",
]

#: A need or a level at or above this is "high": the level of someone who works independently
#: and more (4 = strong, 5 = can teach others).
HIGH = 4

#: The levels of the scale, 1 (new to it) to 5 (can teach others).
LEVELS = (1, 2, 3, 4, 5)

_DIMS = tuple(d.value for d in DIMENSIONS)

#: The smallest group whose mean levels and level counts the full (internal) map shows. In a
#: group of two, each can read the other's profile off the mean (DOMAIN.md: reports about
#: small groups must not identify individuals); from three on, a member learns only the sum
#: of the others.
MIN_GROUP_SIZE = 3

#: The smallest group shown in anything meant for sharing (the report, ``to_dict(
#: shareable=True)``): issue 12's rule for aggregates read by people outside the leader's
#: office. See docs/analysis.md for what each threshold protects.
SHARE_MIN_GROUP_SIZE = 5


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

    Office-wide numbers (``dimensions``, ``distribution``) and per-avdeling aggregates
    (``avdeling_levels``, ``avdeling_distribution``, for avdelinger of at least
    :data:`MIN_GROUP_SIZE`) sit beside the rows about individual veiledere (``profiles``,
    ``strong``, ``assessment_topics``, ``development``), which are for the leader only:
    ``to_dict(shareable=True)`` and ``render()`` leave them out, and groups under
    :data:`SHARE_MIN_GROUP_SIZE`.
    """

    dimensions: tuple[DimensionCover, ...]
    avdeling_levels: Mapping[str, Mapping[str, float]]
    n_veiledere: int
    n_brukere: int
    #: Avdelinger left out of ``avdeling_levels``: fewer than MIN_GROUP_SIZE veiledere.
    n_avdelinger_hidden: int = 0
    #: Veiledere at each level 1–5 per dimension: ``distribution["forvaltning"][3]`` is the
    #: number at level 4.
    distribution: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: The same per avdeling (those of at least MIN_GROUP_SIZE veiledere).
    avdeling_distribution: Mapping[str, Mapping[str, tuple[int, ...]]] = field(
        default_factory=dict)
    #: Veiledere per avdeling, every avdeling (a veileder without one is in none).
    avdeling_sizes: Mapping[str, int] = field(default_factory=dict)
    #: Each veileder's effective levels, their source and latest assessments (office order).
    profiles: tuple[VeilederProfile, ...] = ()
    #: Where self and leader are two or more levels apart: topics for a mestringssamtale.
    assessment_topics: tuple[AssessmentTopic, ...] = ()
    #: First and latest level per veileder, source and dimension (two or more dates).
    development: tuple[Development, ...] = ()
    #: {ident: name} of veiledere the office names.
    names: Mapping[str, str] = field(default_factory=dict)
    status: str = "feasible"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=dict)
    lang: str = "nb"

    _title: ClassVar[tuple[str, str]] = ("Kompetansekart", "Competence map")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "dimension", "dimension_name", "brukere_high_need", "workload_high_need",
        "veiledere_high_level", "capacity_high_level", "cover_ratio", "mean_need",
        "mean_level", "level_1", "level_2", "level_3", "level_4", "level_5")
    _levels_columns: ClassVar[tuple[str, ...]] = (
        "ident", "name", "avdeling", "dimension", "dimension_name", "level", "strong",
        "profile_source", "self_level", "self_date", "leader_level", "leader_date",
        "difference", "topic")
    _development_columns: ClassVar[tuple[str, ...]] = (
        "ident", "name", "source", "dimension", "dimension_name", "first_level", "first_date",
        "latest_level", "latest_date", "change", "n_assessments")

    def __post_init__(self) -> None:
        for name in ("dimensions", "profiles", "assessment_topics", "development"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        freeze_fields(self, "avdeling_levels", "distribution", "avdeling_distribution",
                      "avdeling_sizes", "names", "messages")

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

    @property
    def strong(self) -> dict[str, tuple[str, ...]]:
        """Who is strong where: per dimension, the idents at level 4–5, level 5 first."""
        return {dim: tuple(i for i, _ in at) for dim, at in self._strong_levels().items()}

    def _strong_levels(self) -> dict[str, list[tuple[str, int]]]:
        out = {}
        for k, dim in enumerate(_DIMS):
            at = [(p.ident, p.levels[k]) for p in self.profiles if p.levels[k] >= HIGH]
            out[dim] = sorted(at, key=lambda x: -x[1])  # stable: office order within a level
        return out

    def profile(self, ident: str) -> VeilederProfile:
        """One veileder's row of the map (KeyError if she is not in the office)."""
        for p in self.profiles:
            if p.ident == ident:
                return p
        raise KeyError(f"{ident!r} is not a veileder of this office")

    # ---- privacy -----------------------------------------------------------------------
    def _sharing(self) -> tuple[list[str], list[str], list[str]]:
        """(shown, too small, hidden so the small ones cannot be worked out) for sharing.

        Complementary suppression: the office's counts minus those of the shown avdelinger
        are the counts of everyone else (the small avdelinger and those without one). If that
        rest is 1–4 veiledere, the smallest shown avdeling is hidden too, so the rest is at
        least :data:`SHARE_MIN_GROUP_SIZE` (one step is enough: it adds five or more).
        """
        small = sorted(a for a, n in self.avdeling_sizes.items() if n < SHARE_MIN_GROUP_SIZE)
        shown = [a for a in self.avdeling_levels
                 if self.avdeling_sizes.get(a, 0) >= SHARE_MIN_GROUP_SIZE]
        rest = self.n_veiledere - sum(self.avdeling_sizes[a] for a in shown)
        complement = []
        if shown and 0 < rest < SHARE_MIN_GROUP_SIZE:
            smallest = min(shown, key=lambda a: (self.avdeling_sizes[a], a))
            shown.remove(smallest)
            complement.append(smallest)
        return shown, small, complement

    def _shared_avdelinger(self) -> list[str]:
        return self._sharing()[0]

    def _hidden_for_sharing(self) -> list[str]:
        _, small, complement = self._sharing()
        return sorted(small + complement)

    def _office_shared(self) -> bool:
        return self.n_veiledere >= SHARE_MIN_GROUP_SIZE

    # ---- export ------------------------------------------------------------------------
    def to_dict(self, *, shareable: bool = False) -> dict:
        """Plain JSON data. The default is the full map for the leader, with one row per
        veileder; ``shareable=True`` keeps only aggregates over groups of at least
        :data:`SHARE_MIN_GROUP_SIZE` veiledere and says under ``hidden`` what it left out."""
        if shareable:
            return self._shareable_dict()
        names = self.names
        return strict_json({
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            "shareable": False,
            # No high need gives an infinite ratio; JSON has no Infinity, so write null.
            "dimensions": [_cover_dict(d) for d in self.dimensions],
            "distribution": {k: list(v) for k, v in self.distribution.items()},
            "avdeling_levels": self.avdeling_levels,
            "avdeling_distribution": self.avdeling_distribution,
            "avdeling_sizes": self.avdeling_sizes,
            "n_veiledere": self.n_veiledere,
            "n_brukere": self.n_brukere,
            "n_avdelinger_hidden": self.n_avdelinger_hidden,
            "profile_sources": self._source_counts(),
            "strong": {dim: [{"ident": i, "name": names.get(i), "level": lvl}
                             for i, lvl in at] for dim, at in self._strong_levels().items()},
            "profiles": [{
                "ident": p.ident, "name": names.get(p.ident), "avdeling": p.avdeling,
                "levels": dict(zip(_DIMS, p.levels, strict=True)), "source": p.source,
                "used": list(p.used),
                "latest": [{"source": a.source, "date": a.date,
                            "levels": dict(zip(_DIMS, a.levels, strict=True))}
                           for a in p.latest],
                "n_assessments": p.n_assessments,
            } for p in self.profiles],
            "assessment_topics": [asdict(t) | {"name": names.get(t.ident),
                                               "difference": t.difference}
                                  for t in self.assessment_topics],
            "development": [asdict(d) | {"name": names.get(d.ident), "change": d.change}
                            for d in self.development],
        })

    def _shareable_dict(self) -> dict:
        office = self._office_shared()
        shown = self._shared_avdelinger()
        hidden = self._hidden_for_sharing()
        dims = [_cover_dict(d) if office else _cover_dict(d) | {
            "veiledere_high_level": None, "capacity_high_level": None, "mean_level": None,
            "cover_ratio": None} for d in self.dimensions]
        return strict_json({
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            "shareable": True,
            "dimensions": dims,
            "distribution": ({k: list(v) for k, v in self.distribution.items()}
                             if office else None),
            "avdeling_levels": {a: self.avdeling_levels[a] for a in shown},
            "avdeling_distribution": {a: self.avdeling_distribution[a] for a in shown
                                      if a in self.avdeling_distribution},
            "avdeling_sizes": {a: self.avdeling_sizes[a] for a in shown},
            "n_veiledere": self.n_veiledere,
            "n_brukere": self.n_brukere,
            "n_avdelinger_hidden": len(hidden),
            "profile_sources": self._source_counts() if office else None,
            "hidden": {
                "min_group_size": SHARE_MIN_GROUP_SIZE,
                "avdelinger": hidden,
                "complementary": self._sharing()[2],
                "office": not office,
                "individual": ["strong", "profiles", "assessment_topics", "development"],
                "messages": {code: self._hidden_text(code) for code in ("nb", "en")},
            },
        })

    def _source_counts(self) -> dict[str, int]:
        return {"agreed": sum(p.source == "agreed" for p in self.profiles),
                "assessments": sum(p.source == "assessments" for p in self.profiles)}

    def _hidden_text(self, lang: str) -> str:
        t = _TEXT[lang]
        parts = [t["shared_individual"]]
        _, small, complement = self._sharing()
        if small:
            parts.append(t["shared_avdelinger"].format(
                n=fmt(len(small), lang), k=SHARE_MIN_GROUP_SIZE, names=join(small, lang)))
        if complement:
            parts.append(t["shared_complement"].format(names=join(complement, lang)))
        if not self._office_shared():
            parts.append(t["shared_office"].format(k=SHARE_MIN_GROUP_SIZE))
        return " ".join(parts)

    def _frame_rows(self) -> list[dict]:
        return [_cover_dict(d) | {"dimension_name": dimension_name(d.dimension, self.lang)}
                | {f"level_{lvl}": n for lvl, n in zip(LEVELS, self.distribution.get(
                    d.dimension, (0,) * len(LEVELS)), strict=True)}
                for d in self.dimensions]

    def levels_frame(self) -> Any:
        """One row per veileder and dimension (a long table, for a leader's filters).

        Columns: ``ident``, ``name``, ``avdeling``, ``dimension``, ``dimension_name``,
        ``level`` (effective), ``strong`` (level 4–5), ``profile_source`` (``agreed`` or
        ``assessments``), the latest ``self_level``/``self_date`` and
        ``leader_level``/``leader_date`` (empty without one), ``difference`` (self minus
        leader) and ``topic`` (two or more apart: a topic for a mestringssamtale). Individual
        data: for the leader, not for sharing.

        ``frame[(frame.dimension == "forvaltning") & frame.strong]`` is who is strong in
        forvaltning; ``frame.groupby(["avdeling", "dimension"])["level"].value_counts()`` the
        distribution per avdeling.
        """
        pd = pandas()
        rows = []
        for p in self.profiles:
            own, leader = p.latest_of("self"), p.latest_of("leader")
            for k, dim in enumerate(_DIMS):
                diff = own.levels[k] - leader.levels[k] if own and leader else None
                rows.append({
                    "ident": p.ident, "name": self.names.get(p.ident), "avdeling": p.avdeling,
                    "dimension": dim, "dimension_name": dimension_name(dim, self.lang),
                    "level": p.levels[k], "strong": p.levels[k] >= HIGH,
                    "profile_source": p.source,
                    "self_level": own.levels[k] if own else None,
                    "self_date": own.date if own else None,
                    "leader_level": leader.levels[k] if leader else None,
                    "leader_date": leader.date if leader else None,
                    "difference": diff,
                    "topic": diff is not None and abs(diff) >= TOPIC_DIFFERENCE,
                })
        frame = pd.DataFrame(rows, columns=list(self._levels_columns))
        for col in ("self_level", "leader_level", "difference"):
            frame[col] = frame[col].astype("Int64")
        return frame

    def development_frame(self) -> Any:
        """One row per veileder, source and dimension with two or more dated assessments:
        the first and latest level with their (ISO) dates and the ``change``."""
        pd = pandas()
        rows = [asdict(d) | {"name": self.names.get(d.ident), "change": d.change,
                             "dimension_name": dimension_name(d.dimension, self.lang)}
                for d in self.development]
        return pd.DataFrame(rows, columns=list(self._development_columns))

    # ---- display -----------------------------------------------------------------------
    def _summary(self, lang: str) -> list[tuple[str, str]]:
        rows = [(dimension_name(d.dimension, lang),
                 "–" if not np.isfinite(d.cover_ratio) else fmt(d.cover_ratio, lang, 2))
                for d in self.dimensions]
        return rows

    def _repr_fields(self) -> str:
        return (f"{self.n_veiledere} veiledere, {self.n_brukere} brukere, cover "
                + " ".join(f"{d.dimension[:4]}={_ratio(d.cover_ratio, 'en')}"
                           for d in self.dimensions))

    def explain(self, key: str | None = None, lang: str | None = None, *,
                dimension: str | None = None) -> str:
        """The map in words: the whole office (``None``), one dimension (``"forvaltning"``)
        or one veileder (her ident: her levels, the source of her profile, topics for a
        mestringssamtale and her development). ``dimension=`` is the older keyword."""
        lang = self.lang if lang is None else check_lang(lang)
        key = dimension if key is None else key
        if key is None:
            return self._explain_office(lang)
        if str(key) in _DIMS:
            return self._explain_dimension(str(key), lang)
        if any(p.ident == key for p in self.profiles):
            return self._explain_veileder(key, lang)
        raise KeyError(f"{key!r} is neither a dimension ({', '.join(_DIMS)}) nor a veileder "
                       "of this office")

    def _explain_office(self, lang: str) -> str:
        t = _TEXT[lang]
        parts = [self.describe(lang)]
        counts = self._source_counts()
        if self.profiles:
            parts.append(t["sources"].format(agreed=fmt(counts["agreed"], lang),
                                             assessed=fmt(counts["assessments"], lang)))
        topics = self.assessment_topics
        if topics:
            people = len({x.ident for x in topics})
            parts.append(t["n_topics"].format(topics=_plural(len(topics), "topic", lang),
                                              people=_plural(people, "veileder_word", lang)))
            parts += [topic_sentence(x, self.names, lang) for x in topics]
        elif any(p.latest_of("self") and p.latest_of("leader") for p in self.profiles):
            parts.append(t["no_topics"])
        return " ".join(parts)

    def _explain_dimension(self, dim: str, lang: str) -> str:
        d = self[dim]
        t = _TEXT[lang]
        ratio = d.cover_ratio
        verdict = (t["no_need"] if not np.isfinite(ratio) else
                   t["short"] if ratio < 1 else t["enough"])
        parts = [t["dimension"].format(
            dim=dimension_name(d.dimension, lang), n_need=fmt(d.brukere_high_need, lang),
            need_p=fmt(d.workload_high_need, lang), n_strong=fmt(d.veiledere_high_level, lang),
            strong_p=fmt(d.capacity_high_level, lang), ratio=_ratio(ratio, lang),
        ), verdict]
        counts = self.distribution.get(dim)
        if counts and sum(counts):
            parts.append(t["distribution"].format(counts=_counts_text(counts, lang)))
        strong = self._strong_levels()[dim]
        if strong:
            parts.append(t["strong_names"].format(who=join(
                [f"{person(i, self.names)} {lvl}" for i, lvl in strong], lang)))
        parts += [topic_sentence(x, self.names, lang)
                  for x in self.assessment_topics if x.dimension == dim]
        return " ".join(parts)

    def _explain_veileder(self, ident: str, lang: str) -> str:
        t = _TEXT[lang]
        p = self.profile(ident)
        levels = join([f"{dimension_name(d, lang)} {lvl}"
                       for d, lvl in zip(_DIMS, p.levels, strict=True)], lang)
        where = t["in_avdeling"].format(avdeling=p.avdeling) if p.avdeling else ""
        parts = [t["veileder"].format(who=person(ident, self.names), where=where,
                                      levels=levels), profile_sentence(p, lang)]
        topics = [x for x in self.assessment_topics if x.ident == ident]
        parts += [topic_sentence(x, self.names, lang, dates=True) for x in topics]
        if not topics and p.latest_of("self") and p.latest_of("leader"):
            parts.append(no_topic_sentence(lang))
        parts += [development_sentence(d, lang) for d in self.development if d.ident == ident]
        return " ".join(parts)

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

    def distribution_table(self, lang: str | None = None
                           ) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
        """The office's distribution as (header, rows): a dimension, then the number of
        veiledere at each level 1–5."""
        lang = self.lang if lang is None else check_lang(lang)
        head = (_TEXT[lang]["head"][0], *(str(lvl) for lvl in LEVELS))
        rows = [(dimension_name(d, lang), *(fmt(n, lang) for n in self.distribution[d]))
                for d in _DIMS if d in self.distribution]
        return head, rows

    def render(self, lang: str | None = None, *, shareable: bool = True) -> str:
        """A plain-text table a leader can read.

        ``shareable=True`` (the report): the office's cover and level counts, and the mean
        levels of avdelinger of at least :data:`SHARE_MIN_GROUP_SIZE` veiledere, saying what
        it hides. ``shareable=False`` (the leader's own view): avdelinger from
        :data:`MIN_GROUP_SIZE`, who is strong where, the sources of the profiles, topics for
        a mestringssamtale and the development over time.
        """
        lang = self.lang if lang is None else check_lang(lang)
        t = _TEXT[lang]
        lines = _aligned(*self.table(lang))
        office = not shareable or self._office_shared()
        if self.distribution and office:
            lines += ["", t["distribution_head"], *_aligned(*self.distribution_table(lang))]
        shown = list(self.avdeling_levels) if not shareable else self._shared_avdelinger()
        if shown:
            lines += ["", t["by_avdeling"]]
            for avdeling in shown:
                levels = self.avdeling_levels[avdeling]
                lines.append(f"  {avdeling}: " + ", ".join(
                    f"{dimension_name(k, lang)} {fmt(v, lang, 1)}" for k, v in levels.items()))
        complement: list[str] = []
        if shareable:
            _, small, complement = self._sharing()
            n_hidden, k = len(small), SHARE_MIN_GROUP_SIZE
        else:
            n_hidden, k = self.n_avdelinger_hidden, MIN_GROUP_SIZE
        if n_hidden:
            lines.append(t["hidden"].format(n=n_hidden, k=k))
        if complement:
            lines.append("  " + t["shared_complement"].format(names=join(complement, lang)))
        if shareable and not office:
            lines.append("  " + t["shared_office"].format(k=SHARE_MIN_GROUP_SIZE))
        if not shareable:
            lines += self._individual_lines(lang)
        return "\n".join([*lines, "", t["note"]])

    def _individual_lines(self, lang: str) -> list[str]:
        t = _TEXT[lang]
        lines = ["", t["strong_head"]]
        for dim, at in self._strong_levels().items():
            who = ", ".join(f"{person(i, self.names)} {lvl}" for i, lvl in at) or "–"
            lines.append(f"  {dimension_name(dim, lang)}: {who}")
        counts = self._source_counts()
        lines += ["", t["sources"].format(agreed=fmt(counts["agreed"], lang),
                                          assessed=fmt(counts["assessments"], lang))]
        if self.assessment_topics:
            lines += ["", t["topics_head"]]
            lines += [f"  - {topic_sentence(x, self.names, lang)}"
                      for x in self.assessment_topics]
        moved = [d for d in self.development if d.change]
        if moved:
            lines += ["", t["development_head"]]
            lines += [f"  - {person(d.ident, self.names)}: {development_sentence(d, lang)}"
                      for d in moved]
        return lines


def _cover_dict(d: DimensionCover) -> dict[str, Any]:
    return asdict(d) | {"cover_ratio": d.cover_ratio}


def _aligned(head: tuple[str, ...], body: list[tuple[str, ...]]) -> list[str]:
    rows = [head, *body]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _ratio(ratio: float, lang: str) -> str:
    return "–" if not np.isfinite(ratio) else fmt(ratio, lang, 2)


def _counts_text(counts: tuple[int, ...], lang: str) -> str:
    word = _TEXT[lang]["at_level"]
    return join([word.format(n=fmt(n, lang), level=lvl)
                 for lvl, n in zip(LEVELS, counts, strict=True) if n], lang)


def _plural(n: int, word: str, lang: str) -> str:
    """``1 tema`` / ``3 temaer``: the count and the word in its number."""
    return f"{fmt(n, lang)} {_TEXT[lang][word if n == 1 else word + 's']}"


#: Every text of the map, per language (the same keys).
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
        "distribution_head": "Antall veiledere per nivå (1 = ny i det, 5 = kan lære bort):",
        "distribution": "Nivåfordeling: {counts}.",
        "at_level": "{n} på nivå {level}",
        "strong_head": "Sterke (nivå 4–5) per dimensjon:",
        "strong_names": "Sterke her: {who}.",
        "sources": "{agreed} har avtalt profil, {assessed} har profil fra vurderinger "
                   "(vektet snitt av siste vurdering fra hver kilde).",
        "n_topics": "{topics} for mestringssamtaler hos {people}, der egen og lederens "
                    "vurdering ligger to nivåer eller mer fra hverandre:",
        "topic": "tema", "topics": "temaer",
        "veileder_word": "veileder", "veileder_words": "veiledere",
        "no_topics": "Ingen har egenvurdering og lederens vurdering mer enn ett nivå fra "
                     "hverandre.",
        "topics_head": "Temaer for mestringssamtaler (egen og lederens vurdering to nivåer "
                       "eller mer fra hverandre):",
        "development_head": "Utvikling over tid (første og siste vurdering fra samme kilde):",
        "veileder": "{who}{where}: {levels}.",
        "in_avdeling": ", avdeling {avdeling}",
        "shared_individual": "Opplysninger om enkeltpersoner (hvem som er sterke, profiler, "
                             "temaer for mestringssamtaler og utvikling) er utelatt.",
        "shared_avdelinger": "{n} avdeling(er) med færre enn {k} veiledere vises ikke: "
                             "{names}.",
        "shared_complement": "{names} vises heller ikke, så de minste gruppene ikke kan regnes "
                             "ut fra kontorets tall.",
        "shared_office": "Kontoret har færre enn {k} veiledere, så veiledernes nivåer vises "
                         "ikke samlet.",
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
        "distribution_head": "Veiledere per level (1 = new to it, 5 = can teach others):",
        "distribution": "Levels: {counts}.",
        "at_level": "{n} at level {level}",
        "strong_head": "Strong (level 4–5) per dimension:",
        "strong_names": "Strong here: {who}.",
        "sources": "{agreed} have an agreed profile, {assessed} a profile from assessments "
                   "(a weighted mean of the latest assessment from each source).",
        "n_topics": "{topics} for mestringssamtaler (conversations about coping) for "
                    "{people}, where the self-assessment and the leader's are two or more "
                    "levels apart:",
        "topic": "topic", "topics": "topics",
        "veileder_word": "veileder", "veileder_words": "veiledere",
        "no_topics": "Nobody's self-assessment is more than one level from the leader's.",
        "topics_head": "Topics for mestringssamtaler (self and leader two or more levels "
                       "apart):",
        "development_head": "Development over time (first and latest assessment from the "
                            "same source):",
        "veileder": "{who}{where}: {levels}.",
        "in_avdeling": ", avdeling {avdeling}",
        "shared_individual": "Details about individuals (who is strong, profiles, topics for "
                             "mestringssamtaler and development) are left out.",
        "shared_avdelinger": "{n} avdeling(s) with fewer than {k} veiledere not shown: "
                             "{names}.",
        "shared_complement": "{names} is not shown either, so the smallest groups cannot be "
                             "worked out from the office's figures.",
        "shared_office": "The office has fewer than {k} veiledere, so their levels are not "
                         "shown together.",
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


def _distribution(levels: np.ndarray) -> dict[str, tuple[int, ...]]:
    """Veiledere at each level 1–5 per dimension, from ``levels[veileder, dimension]``."""
    return {dim: tuple(int(n) for n in np.bincount(levels[:, d], minlength=6)[1:6])
            for d, dim in enumerate(_DIMS)}


def competence_map(office: Office, policy: Policy | None = None, *, lang: str = "nb"
                   ) -> CompetenceMap:
    """Set each dimension's high needs against the office's strong veiledere, and say who is
    strong where and what the assessments show.

    For each dimension: how many brukere need level 4 or more and their workload points; how
    many veiledere are at level 4 or more and their capacity points; the ratio of the two; how
    many veiledere are at each level 1–5. Per avdeling of at least :data:`MIN_GROUP_SIZE`
    veiledere, the mean levels and the same counts. Per veileder: the effective levels and
    their source (agreed profile or weighted assessments), where the latest self and leader
    assessments are two or more levels apart (a topic for a mestringssamtale), and the first
    and latest level per source with dates.

    Notes
    -----
    One pass over the brukere for needs and workload (the scoring's array step, without the
    allocation's extras) and one over the veiledere and their assessments: O(brukere +
    veiledere · avdelinger + assessments).

    Examples
    --------
    >>> from navkompetanse import load_example_office
    >>> cmap = competence_map(load_example_office())
    >>> sum(cmap.distribution["forvaltning"]) == cmap.n_veiledere
    True
    """
    lang = check_lang(lang)
    policy = policy or Policy()
    veiledere, brukere = office.veiledere, office.brukere
    need = need_levels(brukere, policy)
    workload = workload_points(brukere, policy)
    levels = office.profiles()
    capacity = capacity_points(veiledere, policy)
    rows = []
    for d, dim in enumerate(_DIMS):
        high_need = need[:, d] >= HIGH
        high_level = levels[:, d] >= HIGH
        rows.append(DimensionCover(
            dimension=dim,
            brukere_high_need=int(high_need.sum()),
            workload_high_need=float(workload[high_need].sum()),
            veiledere_high_level=int(high_level.sum()),
            capacity_high_level=float(capacity[high_level].sum()),
            mean_need=float(need[:, d].mean()) if len(need) else 0.0,
            mean_level=float(levels[:, d].mean()) if len(levels) else 0.0,
        ))
    avdeling = np.array([v.avdeling or "" for v in veiledere], dtype=object)
    sizes: dict[str, int] = {}
    by_avdeling: dict[str, dict[str, float]] = {}
    avdeling_counts: dict[str, dict[str, tuple[int, ...]]] = {}
    hidden = 0
    for name in sorted({a for a in avdeling if a}):
        mask = avdeling == name
        sizes[name] = int(mask.sum())
        if sizes[name] < MIN_GROUP_SIZE:
            hidden += 1
            continue
        mean = levels[mask].mean(axis=0)
        by_avdeling[name] = {dim: round(float(m), 2) for dim, m in zip(_DIMS, mean, strict=True)}
        avdeling_counts[name] = _distribution(levels[mask])
    profiles = veileder_profiles(veiledere)
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
        distribution=_distribution(levels),
        avdeling_distribution=avdeling_counts,
        avdeling_sizes=sizes,
        profiles=profiles,
        assessment_topics=assessment_topics(profiles),
        development=development(veiledere),
        names={v.ident: v.name for v in veiledere if v.name},
        status="infeasible" if no_staff else "feasible",
        message=messages[lang], messages=messages, lang=lang,
    )
