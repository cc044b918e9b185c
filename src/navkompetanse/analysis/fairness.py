"""Fairness audit: who carries the shortfall, the moves and the load — today and proposed.

Allocating work to people by their assessed traits is a high-risk use under the EU AI Act
(Annex III, 4(b)); a leader must be able to see whether a proposal narrows or widens a gap
between groups. :func:`fairness_audit` sets today's distribution against a proposal for

- **brukere**, by innsatsgruppe, malgruppe and digital / not digital: mean shortfall (levels
  missing per bruker), mean fit, and the share who change veileder;
- **veiledere**, by stillingsprosent band, ansettelse and avdeling: load points and heavy cases
  per full position (a pair's load is shared in proportion to the members' positions).

The measures follow fairlearn's ``MetricFrame`` convention: a value per group, and the
disparity between the groups as a **ratio** (highest / lowest) where the measure is a rate
people carry (load, heavy cases per position: "30 % more") and as a **difference** (highest −
lowest) where it is already on a natural scale (levels of shortfall, a share of brukere
moved). A disparity is flagged when it reaches the threshold (:data:`THRESHOLDS`, reasons in
``docs/trust.md``), for today and for the proposal, so the leader sees whether the proposal
narrows or widens it. Groups of fewer than :data:`~navkompetanse.analysis.competence_map.
SHARE_MIN_GROUP_SIZE` people are left out of every figure and flag, and the result says how
many were.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..allocation import AllocationResult
from ..models import Office
from ..results import FrozenDict, Result, freeze_fields, strict_json
from ..text import check_lang, fmt, percent
from ..text.fairness_audit import GROUP_WORDS, TEXT
from .competence_map import SHARE_MIN_GROUP_SIZE

__all__ = ["THRESHOLDS", "Disparity", "FairnessAudit", "GroupFigure", "fairness_audit"]

#: When a disparity is flagged, per measure: (kind, threshold). Reasons in docs/trust.md.
THRESHOLDS: Mapping[str, tuple[str, float]] = FrozenDict({
    "load_per_position": ("ratio", 1.2),
    "heavy_per_position": ("ratio", 1.2),
    "mean_shortfall": ("difference", 0.5),
    "moved_share": ("difference", 0.15),
})

#: The groupings of each side, in reading order.
BRUKER_GROUPINGS = ("innsatsgruppe", "malgruppe", "digital")
VEILEDER_GROUPINGS = ("stillingsprosent", "ansettelse", "avdeling")
_MEASURES = {"brukere": ("mean_shortfall", "mean_fit", "moved_share"),
             "veiledere": ("load_per_position", "heavy_per_position")}


@dataclass(frozen=True)
class GroupFigure:
    """One group's figures today and in the proposal."""

    side: str  # "brukere" or "veiledere"
    grouping: str
    group: str
    n: int
    today: Mapping[str, float]
    proposed: Mapping[str, float]

    def __post_init__(self) -> None:
        freeze_fields(self, "today", "proposed")


@dataclass(frozen=True)
class Disparity:
    """The gap between the highest and lowest group of one grouping in one measure."""

    side: str
    grouping: str
    measure: str
    kind: str  # "ratio" or "difference"
    threshold: float
    today: float
    proposed: float
    today_high: str
    today_low: str
    proposed_high: str
    proposed_low: str

    @property
    def flagged_today(self) -> bool:
        return _reaches(self.today, self.threshold)

    @property
    def flagged_proposed(self) -> bool:
        return _reaches(self.proposed, self.threshold)

    @property
    def flagged(self) -> bool:
        return self.flagged_today or self.flagged_proposed

    @property
    def change(self) -> str:
        """``narrows``, ``widens`` or ``same`` (the proposal against today); moves have no
        today (nobody moves today), so their spread is ``proposal_only``."""
        if self.measure == "moved_share":
            return "proposal_only"
        neutral = 1.0 if self.kind == "ratio" else 0.0
        before, after = abs(self.today - neutral), abs(self.proposed - neutral)
        if math.isclose(before, after, abs_tol=1e-9):
            return "same"
        return "narrows" if after < before else "widens"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {
            "flagged_today": self.flagged_today, "flagged_proposed": self.flagged_proposed,
            "change": self.change}


def _reaches(value: float, threshold: float) -> bool:
    """At or over the threshold; an infinite ratio (one group carries some, another none)
    always is."""
    return not math.isnan(value) and value >= threshold - 1e-12


@dataclass(frozen=True, repr=False)
class FairnessAudit(Result):
    """Figures per group for brukere and veiledere, and the disparities that reach a
    threshold (today and proposed). ``status`` is ``feasible`` when both distributions have
    a plan, else the failing one's."""

    groups: tuple[GroupFigure, ...]
    disparities: tuple[Disparity, ...]
    hidden: Mapping[str, int]
    status: str = "feasible"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"

    _title: ClassVar[tuple[str, str]] = ("Rettferdighetsrevisjon", "Fairness audit")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "side", "grouping", "group", "n", "measure", "today", "proposed")

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", tuple(self.groups))
        object.__setattr__(self, "disparities", tuple(self.disparities))
        freeze_fields(self, "hidden", "messages")

    @property
    def flags(self) -> tuple[Disparity, ...]:
        """The disparities that reach their threshold today or in the proposal."""
        return tuple(d for d in self.disparities if d.flagged)

    def flag_text(self, d: Disparity, lang: str | None = None) -> str:
        """One flagged disparity in plain words, today and proposed."""
        lang = self.lang if lang is None else check_lang(lang)
        t = TEXT[lang]
        what = t["sentence"][d.measure].format(
            high=_group_name(d.grouping, d.proposed_high, lang),
            low=_group_name(d.grouping, d.proposed_low, lang),
            amount=self._amount(d.measure, d.proposed, d.kind, lang))
        if d.measure == "moved_share":  # nobody moves today: only the proposal has a spread
            return t["flag_moves"].format(what=what)
        before = self._amount(d.measure, d.today, d.kind, lang)
        return t["flag"].format(what=what, before=before, change=t[d.change])

    @staticmethod
    def _amount(measure: str, value: float, kind: str, lang: str) -> str:
        if math.isnan(value):
            return "–"
        if kind == "ratio" and math.isinf(value):
            return TEXT[lang]["infinitely"]
        if kind == "ratio":
            return percent(value - 1.0, lang, 0)
        if measure == "moved_share":
            return fmt(100 * value, lang, 0) + (" prosentpoeng" if lang == "nb"
                                                else " percentage points")
        unit = {"nb": ("nivå", "nivåer"), "en": ("level", "levels")}[lang]
        return f"{fmt(value, lang, 1)} {unit[fmt(value, lang, 1) != '1']}"

    def explain(self, grouping: str | None = None, lang: str | None = None) -> str:
        """The audit in words: every flag (``None``), or one grouping's figures."""
        lang = self.lang if lang is None else check_lang(lang)
        t = TEXT[lang]
        if grouping is None:
            lines = [self.describe(lang)]
            lines += [f"- {self.flag_text(d, lang)}" for d in self.flags]
            n = self.hidden.get("groups", 0)
            if n:
                lines.append(t["hidden"][n == 1].format(n=n, k=SHARE_MIN_GROUP_SIZE))
            return "\n".join(lines)
        rows = [g for g in self.groups if g.grouping == grouping]
        if not rows:
            known = sorted({g.grouping for g in self.groups})
            raise KeyError(f"{grouping!r} is not a grouping here ({', '.join(known)})")
        lines = [t["grouping"][grouping]]
        for g in rows:
            figures = "; ".join(
                f"{t['measure'][m]} {_value(m, g.today[m], lang)} → "
                f"{_value(m, g.proposed[m], lang)}"
                for m in _MEASURES[g.side] if m in g.today)
            lines.append(f"  {_group_name(grouping, g.group, lang)} "
                         f"({fmt(g.n, lang)}): {figures}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return strict_json({
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            "groups": [dataclasses.asdict(g) | {"today": dict(g.today),
                                                "proposed": dict(g.proposed)}
                       for g in self.groups],
            "disparities": [d.to_dict() for d in self.disparities],
            "thresholds": {k: list(v) for k, v in THRESHOLDS.items()},
            "hidden": dict(self.hidden), "min_group": SHARE_MIN_GROUP_SIZE,
        })

    def _frame_rows(self) -> list[dict[str, Any]]:
        return [{"side": g.side, "grouping": g.grouping, "group": g.group, "n": g.n,
                 "measure": m, "today": g.today.get(m), "proposed": g.proposed.get(m)}
                for g in self.groups for m in _MEASURES[g.side]]

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        t = TEXT[lang]
        return [(t["l_flags"], fmt(len(self.flags), lang)),
                (t["l_narrows"], fmt(sum(d.change == "narrows" for d in self.flags), lang)),
                (t["l_widens"], fmt(sum(d.change == "widens" for d in self.flags), lang))]

    def _repr_fields(self) -> str:
        return (f"{len(self.groups)} groups, {len(self.flags)} flags "
                f"({sum(d.change == 'widens' for d in self.flags)} widen)")


def _group_name(grouping: str, group: str, lang: str) -> str:
    if grouping == "avdeling":
        return "avdeling " + group  # the Norwegian word in both languages, as elsewhere
    return GROUP_WORDS[lang].get((grouping, group), group)


def _value(measure: str, value: float, lang: str) -> str:
    """A group's own figure: a share in per cent, the others as numbers."""
    if not math.isfinite(value):
        return "–"
    if measure == "moved_share":
        return percent(value, lang, 0)
    return fmt(value, lang, 2 if measure in ("mean_shortfall", "mean_fit") else 1)


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------

def _band(stillingsprosent: float) -> str:
    if stillingsprosent >= 100:
        return "100"
    return "60-99" if stillingsprosent >= 60 else "under60"


def _bruker_groups(office: Office) -> dict[str, dict[str, list[str]]]:
    groups: dict[str, dict[str, list[str]]] = {g: {} for g in BRUKER_GROUPINGS}
    for b in office.brukere:
        key = b.innsatsgruppe.value if b.innsatsgruppe else "TRENGER_VURDERING"
        groups["innsatsgruppe"].setdefault(key, []).append(b.id)
        for m in b.malgrupper:
            groups["malgruppe"].setdefault(m.value, []).append(b.id)
        groups["digital"].setdefault("digital" if b.digital else "ikke_digital", []).append(b.id)
    return groups


def _veileder_groups(office: Office) -> dict[str, dict[str, list[str]]]:
    groups: dict[str, dict[str, list[str]]] = {g: {} for g in VEILEDER_GROUPINGS}
    for v in office.veiledere:
        groups["stillingsprosent"].setdefault(_band(v.stillingsprosent), []).append(v.ident)
        groups["ansettelse"].setdefault(v.ansettelse, []).append(v.ident)
        if v.avdeling:
            groups["avdeling"].setdefault(v.avdeling, []).append(v.ident)
    return groups


def _bruker_figures(result: AllocationResult, ids: Sequence[str]) -> dict[str, float]:
    placed = [result.placements[i] for i in ids if i in result.placements]
    if not placed:
        return {m: float("nan") for m in _MEASURES["brukere"]}
    return {"mean_shortfall": math.fsum(p.total_shortfall for p in placed) / len(placed),
            "mean_fit": math.fsum(p.fit for p in placed) / len(placed),
            "moved_share": math.fsum(p.moved for p in placed) / len(placed)}


def _member_shares(result: AllocationResult, office: Office
                   ) -> dict[str, tuple[float, float, float]]:
    """(load points, heavy cases, positions) per veileder: a pair's load shared by position."""
    position = {v.ident: v.position for v in office.veiledere}
    out: dict[str, tuple[float, float, float]] = {}
    for unit in result.units.values():
        total = sum(position[m] for m in unit.members) or 1.0
        for m in unit.members:
            share = position[m] / total
            out[m] = (unit.load_points * share, unit.heavy_cases * share, position[m])
    return out


def _veileder_figures(shares: Mapping[str, tuple[float, float, float]],
                      idents: Sequence[str]) -> dict[str, float]:
    # fsum: the same figures whatever order the office lists its veiledere in
    load = math.fsum(shares[i][0] for i in idents if i in shares)
    heavy = math.fsum(shares[i][1] for i in idents if i in shares)
    positions = math.fsum(shares[i][2] for i in idents if i in shares)
    if positions <= 0:
        return {m: float("nan") for m in _MEASURES["veiledere"]}
    return {"load_per_position": load / positions, "heavy_per_position": heavy / positions}


def _disparity(side: str, grouping: str, measure: str, rows: Sequence[GroupFigure]
               ) -> Disparity | None:
    kind, threshold = THRESHOLDS[measure]

    def spread(pick: Callable[[GroupFigure], float]) -> tuple[float, str, str]:
        values = [(pick(g), g.group) for g in rows if math.isfinite(pick(g))]
        if len(values) < 2:
            return float("nan"), "", ""
        (low, low_group), (high, high_group) = min(values), max(values)
        if kind == "ratio":
            value = high / low if low > 0 else (1.0 if high == 0 else float("inf"))
        else:
            value = high - low
        return value, high_group, low_group

    today, t_high, t_low = spread(lambda g: g.today[measure])
    proposed, p_high, p_low = spread(lambda g: g.proposed[measure])
    if math.isnan(today) and math.isnan(proposed):
        return None
    return Disparity(side, grouping, measure, kind, threshold, today, proposed, t_high, t_low,
                     p_high, p_low)


def fairness_audit(office: Office, today: AllocationResult, proposal: AllocationResult, *,
                   lang: str = "nb") -> FairnessAudit:
    """Figures per group of brukere and veiledere today and proposed, and flagged disparities.

    Parameters
    ----------
    office : Office
        The office both distributions are of.
    today, proposal : AllocationResult
        Today's distribution (:func:`~navkompetanse.status_quo`) and the proposal.
    lang : {"nb", "en"}

    Returns
    -------
    FairnessAudit
    """
    lang = check_lang(lang)
    groups: list[GroupFigure] = []
    hidden = 0
    if today.ok and proposal.ok:
        for grouping, members in _bruker_groups(office).items():
            for name, ids in sorted(members.items()):
                if len(ids) < SHARE_MIN_GROUP_SIZE:
                    hidden += 1
                    continue
                figures = {"today": _bruker_figures(today, ids),
                           "proposed": _bruker_figures(proposal, ids)}
                groups.append(GroupFigure("brukere", grouping, name, len(ids), **figures))
        before, after = _member_shares(today, office), _member_shares(proposal, office)
        for grouping, members in _veileder_groups(office).items():
            for name, idents in sorted(members.items()):
                if len(idents) < SHARE_MIN_GROUP_SIZE:
                    hidden += 1
                    continue
                groups.append(GroupFigure("veiledere", grouping, name, len(idents),
                                          _veileder_figures(before, idents),
                                          _veileder_figures(after, idents)))
    disparities = []
    for side, groupings in (("brukere", BRUKER_GROUPINGS), ("veiledere", VEILEDER_GROUPINGS)):
        for grouping in groupings:
            rows = [g for g in groups if g.grouping == grouping]
            for measure in _MEASURES[side]:
                if measure not in THRESHOLDS:
                    continue
                d = _disparity(side, grouping, measure, rows)
                if d is not None:
                    disparities.append(d)
    status = "feasible" if today.ok and proposal.ok else (
        proposal.status if not proposal.ok else today.status)
    audit = FairnessAudit(groups=tuple(groups), disparities=tuple(disparities),
                          hidden={"groups": hidden}, status=status, lang=lang)
    messages = {code: _message(audit, code) for code in ("nb", "en")}
    return dataclasses.replace(audit, message=messages[lang], messages=messages)


def _message(audit: FairnessAudit, lang: str) -> str:
    t = TEXT[lang]
    if audit.status != "feasible":
        return t["no_plan"]
    flags = audit.flags
    if not flags:
        return t["none"]
    narrows = sum(d.change == "narrows" for d in flags)
    widens = sum(d.change == "widens" for d in flags)
    return t["some"].format(n=len(flags), narrows=narrows, widens=widens)
