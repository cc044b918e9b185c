"""The allocation's result types: a distribution of brukere over units, and why.

:class:`AllocationResult` keeps the result contract of :mod:`navkompetanse.results` (status,
message in the chosen language, strict-JSON ``to_dict``, a frame with ids as columns, a short
repr). :class:`Unit`, :class:`Placement` and :class:`Move` are its parts, frozen too: every
mapping inside is a :class:`~navkompetanse.results.FrozenDict`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..models import DIMENSIONS
from ..results import FrozenDict, Result, check_status, freeze_fields, strict_json
from ..text import check_lang, fmt, number, percent
from ..text.allocation import (
    explain_placement,
    explain_unassigned,
    overload_text,
    reason_text,
    result_label,
    summary_labels,
)

__all__ = ["REASONS", "AllocationResult", "Move", "Overload", "Placement", "PreferenceShare",
           "Unit"]

_DIMS = tuple(d.value for d in DIMENSIONS)

#: Why a bruker is where she is (codes; ``text.allocation.reason_text`` gives the words).
REASONS = ("stayed", "pinned", "ufordelt", "better_fit", "specialty", "capacity", "unassigned")

#: What a distribution is (codes; ``text.allocation.result_label`` gives the table label).
KINDS = ("proposal", "status_quo", "naive")


@dataclass(frozen=True)
class Unit:
    """One unit of the allocation (a veileder or a pair) and what it was given.

    Attributes
    ----------
    id : str
        ``scoring.unit_id(members)``: the ident, or ``"Z1+Z2"`` for a pair.
    members : tuple of str
        The idents in the unit.
    capacity_points : float
        Members' capacity, less the pair overhead for a pair (``scoring.pair_capacity``).
    load_points : float
        Workload points of the brukere given to the unit.
    n_brukere : int
        Number of brukere given to the unit.
    heavy_cases : int
        Heavy cases (tung_sak) given to the unit.
    heavy_limit : float
        Heavy-case limit (per position, scaled by stillingsprosent, or lower per veileder).
    balance_cap : float
        Fair share of the total load × (1 + balance slack).
    position : float
        Full positions in the unit.
    cover : FrozenDict
        Level per dimension the unit brings (its strongest member's).
    overflow_points : float
        Load above ``capacity_points`` (only with ``allow_overflow`` or in today's
        distribution).
    balance_floor : float
        The least load the unit must get: fair share × (1 − balance slack) less one bruker's
        weight (the largest), so that nobody is left nearly empty.
    """

    id: str
    members: tuple[str, ...]
    capacity_points: float
    load_points: float
    n_brukere: int
    heavy_cases: int
    heavy_limit: float
    balance_cap: float
    position: float
    cover: Mapping[str, int]
    overflow_points: float = 0.0
    balance_floor: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "members", tuple(self.members))
        freeze_fields(self, "cover")

    @property
    def utilisation(self) -> float:
        """Load as a share of capacity."""
        return self.load_points / self.capacity_points if self.capacity_points > 0 else np.inf

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "members": list(self.members),
            "capacity_points": self.capacity_points, "load_points": self.load_points,
            "n_brukere": self.n_brukere, "heavy_cases": self.heavy_cases,
            "heavy_limit": self.heavy_limit, "balance_cap": self.balance_cap,
            "position": self.position, "cover": dict(self.cover),
            "overflow_points": self.overflow_points, "balance_floor": self.balance_floor,
        }


@dataclass(frozen=True)
class Placement:
    """One bruker's place in a result: fit, shortfall per dimension, whether and why she moved.

    ``reason`` is a code, one of ``stayed``, ``pinned``, ``ufordelt`` (placed, not a move),
    ``better_fit``, ``specialty`` or ``capacity`` (moved to make room); the words for it come
    from ``text.allocation.reason_text``.

    Preferences (empty / zero in an office without them): ``preference`` is the preference
    term at her unit (``scoring.preference_term``); ``liked`` the kinds of work her follow-up
    leans towards that the member who leads them there finds energising, ``liked_by`` that
    member per kind; ``drained`` / ``drained_by`` the same for work that drains. Continuity:
    ``continuity_weight`` (a multiple of ``Policy.continuity_bonus``), ``continuity_reason``
    (a ``scoring.CONTINUITY_REASONS`` code) and ``continuity_group`` (the innsatsgruppe or
    malgruppe behind it, or None). ``work_energising`` / ``work_draining``: the share of her
    work mix (``need / Σ need``) led at her unit by a member who finds it energising /
    draining.
    """

    bruker_id: str
    unit: str | None
    current_unit: str | None
    need: Mapping[str, int]
    cover: Mapping[str, int]
    shortfall: Mapping[str, int]
    fit: float
    current_shortfall: Mapping[str, int]
    current_fit: float
    moved: bool
    reason: str
    preference: float = 0.0
    liked: tuple[str, ...] = ()
    liked_by: tuple[str, ...] = ()
    drained: tuple[str, ...] = ()
    drained_by: tuple[str, ...] = ()
    continuity_weight: float = 1.0
    continuity_reason: str = "default"
    continuity_group: str | None = None
    work_energising: float = 0.0
    work_draining: float = 0.0

    def __post_init__(self) -> None:
        freeze_fields(self, "need", "cover", "shortfall", "current_shortfall")
        for name in ("liked", "liked_by", "drained", "drained_by"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def total_shortfall(self) -> int:
        """Levels missing, summed over the four dimensions."""
        return int(sum(self.shortfall.values()))

    def to_dict(self) -> dict[str, Any]:
        """Strict JSON data as it is built (one per bruker: :meth:`AllocationResult.to_dict`
        does not walk these again)."""
        return {
            "bruker_id": self.bruker_id, "unit": self.unit, "current_unit": self.current_unit,
            "need": _ints(self.need), "cover": _ints(self.cover),
            "shortfall": _ints(self.shortfall), "fit": _number(self.fit),
            "current_shortfall": _ints(self.current_shortfall),
            "current_fit": _number(self.current_fit),
            "moved": bool(self.moved), "reason": self.reason,
            "preference": _number(self.preference),
            "liked": list(self.liked), "liked_by": list(self.liked_by),
            "drained": list(self.drained), "drained_by": list(self.drained_by),
            "continuity_weight": _number(self.continuity_weight),
            "continuity_reason": self.continuity_reason,
            "continuity_group": self.continuity_group,
            "work_energising": _number(self.work_energising),
            "work_draining": _number(self.work_draining),
        }


def _number(value: Any) -> float | None:
    """A float for JSON: None where it does not exist (NaN, infinite)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _ints(mapping: Mapping[str, Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in mapping.items()}


@dataclass(frozen=True)
class PreferenceShare:
    """How one veileder's load lies in work she finds energising or draining.

    Each bruker's workload points are split over the four kinds of work by her work mix
    (``need / Σ need``); in a pair, each kind goes to the member who leads it
    (``scoring.lead_members``). ``load_points`` is what the veileder leads in total,
    ``energising_points`` / ``draining_points`` the part in kinds she finds energising /
    draining.
    """

    ident: str
    load_points: float
    energising_points: float
    draining_points: float

    @property
    def energising_share(self) -> float:
        """Share of her load in work that gives her energy (nan without load)."""
        return self.energising_points / self.load_points if self.load_points > 0 else np.nan

    @property
    def draining_share(self) -> float:
        """Share of her load in work that drains her (nan without load)."""
        return self.draining_points / self.load_points if self.load_points > 0 else np.nan

    def to_dict(self) -> dict[str, Any]:
        return strict_json({
            "ident": self.ident, "load_points": self.load_points,
            "energising_points": self.energising_points,
            "draining_points": self.draining_points,
            "energising_share": self.energising_share, "draining_share": self.draining_share,
        })


def preference_totals(shares: Mapping[str, PreferenceShare]) -> dict[str, float]:
    """Office totals of :class:`PreferenceShare`: ``load_points``, ``energising_share`` and
    ``draining_share`` (shares of all the load the veiledere lead; nan without load)."""
    load = sum(s.load_points for s in shares.values())
    en = sum(s.energising_points for s in shares.values())
    dr = sum(s.draining_points for s in shares.values())
    return {"load_points": float(load),
            "energising_share": float(en / load) if load > 0 else float("nan"),
            "draining_share": float(dr / load) if load > 0 else float("nan")}


@dataclass(frozen=True)
class Overload:
    """An office with more work than capacity: the figures, what binds, what would relieve it.

    Numbers are the office's as a whole under the policy, with the units the allocation used
    (a pair's capacity is less its coordination overhead). ``binding`` is ``capacity`` (load
    over capacity points), ``heavy`` (heavy cases over the heavy-case limits) or ``both``.
    ``positions_needed`` full positions would relieve it (the larger of the two limits' needs);
    dissolving the pairs would give back ``pair_overhead_points``. ``units`` holds each unit's
    points over its own capacity and ``heavy_units`` its heavy cases over its limit, for the
    distribution the result carries (empty when there is none). Texts come from
    ``text.allocation.overload_text``.
    """

    load_points: float
    capacity_points: float
    positions: float
    points_per_position: float
    heavy_cases: int
    heavy_limit: float
    heavy_per_position: float
    pair_overhead_points: float = 0.0
    units: Mapping[str, float] = field(default_factory=FrozenDict)
    heavy_units: Mapping[str, int] = field(default_factory=FrozenDict)

    def __post_init__(self) -> None:
        freeze_fields(self, "units", "heavy_units")

    @property
    def excess_points(self) -> float:
        """Workload points above the office's capacity (0 when only heavy cases bind)."""
        return max(0.0, self.load_points - self.capacity_points)

    @property
    def share(self) -> float:
        """Load above capacity as a share of capacity (0.62 = 62 % over)."""
        return self.excess_points / self.capacity_points if self.capacity_points > 0 else np.inf

    @property
    def excess_per_position(self) -> float:
        """Points over per full position in the office."""
        return self.excess_points / self.positions if self.positions > 0 else np.inf

    @property
    def heavy_excess(self) -> float:
        """Heavy cases above the office's combined limit."""
        return max(0.0, self.heavy_cases - self.heavy_limit)

    @property
    def binding(self) -> str:
        """``capacity``, ``heavy`` or ``both``: which limit the office is over."""
        cap, heavy = self.excess_points > 1e-9, self.heavy_excess > 1e-9
        return "both" if cap and heavy else "heavy" if heavy else "capacity"

    @property
    def positions_for_capacity(self) -> int:
        """Full positions that would carry the excess load."""
        if self.excess_points <= 1e-9 or self.points_per_position <= 0:
            return 0
        return math.ceil(self.excess_points / self.points_per_position - 1e-9)

    @property
    def positions_for_heavy(self) -> int:
        """Full positions whose heavy-case limits would take the excess heavy cases."""
        if self.heavy_excess <= 1e-9 or self.heavy_per_position <= 0:
            return 0
        return math.ceil(self.heavy_excess / self.heavy_per_position - 1e-9)

    @property
    def positions_needed(self) -> int:
        """Full positions that would relieve the overload (both limits)."""
        return max(self.positions_for_capacity, self.positions_for_heavy)

    def text(self, lang: str = "nb", names: Mapping[str, str] | None = None, *,
             units: bool = True) -> str:
        """The overload in plain language: the figures, what binds, what would relieve it
        and (``units``) every unit over its capacity or heavy-case limit."""
        return overload_text(self, check_lang(lang), names, units=units)

    def after(self, message: str, lang: str = "nb") -> str:
        """``message`` without the overload sentence it opens with (messages of an overloaded
        result start with it; a page or a plan that shows the overload first drops it)."""
        lead = self.text(lang, None, units=False)
        return message[len(lead):].lstrip() if message.startswith(lead) else message

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: the figures, ``binding`` and ``positions_needed`` included."""
        return strict_json({
            "binding": self.binding, "load_points": self.load_points,
            "capacity_points": self.capacity_points, "excess_points": self.excess_points,
            "share_over": self.share, "positions": self.positions,
            "excess_per_position": self.excess_per_position,
            "points_per_position": self.points_per_position,
            "heavy_cases": self.heavy_cases, "heavy_limit": self.heavy_limit,
            "heavy_excess": self.heavy_excess, "heavy_per_position": self.heavy_per_position,
            "positions_needed": self.positions_needed,
            "positions_for_capacity": self.positions_for_capacity,
            "positions_for_heavy": self.positions_for_heavy,
            "pair_overhead_points": self.pair_overhead_points,
            "units": dict(self.units), "heavy_units": dict(self.heavy_units),
        })


@dataclass(frozen=True)
class Move:
    """A bruker who changes unit, with the fit she gains (negative when moved to make room)."""

    bruker_id: str
    from_unit: str
    to_unit: str
    fit_gain: float
    reason: str


@dataclass(frozen=True, repr=False)
class AllocationResult(Result):
    """A distribution of brukere over units, with its status, bound and explanations.

    Attributes
    ----------
    assignment : FrozenDict
        ``{bruker id: unit id}`` for every placed bruker.
    units : FrozenDict
        ``{unit id: Unit}``.
    unassigned : FrozenDict
        ``{bruker id: why, in the result's language}``; non-empty only when no plan exists
        (``status`` infeasible, or time_limit without a solution).
    status : str
        ``optimal`` (proven, gap ≤ 1e-6), ``feasible`` (a plan with a bound, or a distribution
        that was not optimised), ``infeasible`` or ``time_limit``.
    message : str
        What happened, in ``lang``; for an infeasible problem the binding constraint and by
        how much. ``messages`` holds it in Norwegian (``nb``) and English (``en``).
    objective : float
        Sum over brukere of fit + continuity bonus + specialty bonus (recomputed).
    bound : float
        Proven upper bound on the best objective possible under all the constraints.
    gap : float
        ``(bound - objective) / max(1, |objective|)``.
    mean_shortfall : float
        Mean over placed brukere of the levels missing, summed over the four dimensions.
    placements : FrozenDict
        ``{bruker id: Placement}``: fit, shortfall per dimension, moved and why.
    moves : tuple of Move
        Brukere who change unit, largest fit gain first.
    improvement_per_move : float
        Objective gained over keeping everyone where they are, per move (nan without moves).
    overflow : FrozenDict
        ``{unit id: points over capacity}`` when ``allow_overflow`` was needed.
    violations : tuple of str
        Limits this distribution breaks, as short codes (only today's or the naive
        distribution can break any; the message says it in words).
    messages, lang, names
        The message in both languages, the result's language and ``{ident: name}`` for the
        veiledere who have a name (explanations and frames name units with them).
    label : str
        A short name for tables in ``lang`` (``Forslag``/``Proposal``, ``I dag``/``Today``,
        ``Jevn fordeling``/``Even split``).
    kind : str
        ``proposal``, ``status_quo`` or ``naive`` (a code; :func:`compare` labels by it).
    stats : FrozenDict
        How the solver got there (method, LP rounds, …): codes for developers.
    overload : Overload or None
        When the office has more work (or heavy cases) than capacity: the figures, what binds
        and what would relieve it; the message starts with it. None otherwise.
    preference : FrozenDict
        ``{ident: PreferenceShare}``: each veileder's load in work she finds energising or
        draining, for this distribution; empty when the office has no preferences (or there
        is no distribution). :meth:`preference_totals` gives the office's shares.
    """

    assignment: Mapping[str, str]
    units: Mapping[str, Unit]
    unassigned: Mapping[str, str]
    status: str
    message: str
    objective: float
    bound: float
    gap: float
    mean_shortfall: float
    placements: Mapping[str, Placement] = field(default_factory=FrozenDict)
    moves: tuple[Move, ...] = ()
    improvement_per_move: float = float("nan")
    overflow: Mapping[str, float] = field(default_factory=FrozenDict)
    violations: tuple[str, ...] = ()
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"
    names: Mapping[str, str] = field(default_factory=FrozenDict)
    label: str = ""
    kind: str = "proposal"
    stats: Mapping[str, Any] = field(default_factory=FrozenDict, compare=False)
    overload: Overload | None = None
    preference: Mapping[str, PreferenceShare] = field(default_factory=FrozenDict)

    _title: ClassVar[tuple[str, str]] = ("Fordeling av brukere", "Allocation of brukere")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "bruker_id", "unit", "unit_name", "current_unit", "fit", "moved", "reason",
        "reason_text", *(f"shortfall_{d}" for d in _DIMS))

    def __post_init__(self) -> None:
        check_status(self.status)
        check_lang(self.lang)
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if not self.messages:
            object.__setattr__(self, "messages", {self.lang: self.message})
        if not self.label:
            object.__setattr__(self, "label", result_label(self.kind, self.lang))
        freeze_fields(self, "assignment", "units", "unassigned", "placements", "overflow",
                      "messages", "names", "stats", "preference")
        object.__setattr__(self, "moves", tuple(self.moves))
        object.__setattr__(self, "violations", tuple(self.violations))

    # ------------------------------------------------------------------ basic views
    @property
    def n_moves(self) -> int:
        """Number of brukere who change unit."""
        return len(self.moves)

    @property
    def has_preferences(self) -> bool:
        """True when the office has preferences and this result has a distribution: the
        preference measure (:attr:`preference`) is then shown."""
        return bool(self.preference)

    def preference_totals(self) -> dict[str, float]:
        """The office's share of load in energising and in draining work (see
        :class:`PreferenceShare`); nan shares when there is no measure."""
        return preference_totals(self.preference)

    @property
    def ok(self) -> bool:
        """True when there is a plan: every bruker is placed."""
        return super().ok and not self.unassigned

    def _has_solution(self) -> bool:
        return not self.unassigned

    def explain(self, bruker_id: str | None = None, lang: str | None = None) -> str:
        """Why this bruker is where she is, in plain language (default: the result's own).

        Says what she needs, what the chosen unit covers, what the current one lacked, and
        why she moved or stayed; units are named with the office's names where it has them.
        Without a ``bruker_id``: the distribution as a whole (its message).

        Raises
        ------
        KeyError
            No bruker with this id in the result.
        ValueError
            ``lang`` is neither ``"nb"`` nor ``"en"``.
        """
        lang = self.lang if lang is None else check_lang(lang)
        if bruker_id is None:
            return self.describe(lang)
        if bruker_id in self.unassigned:
            return explain_unassigned(bruker_id, self.describe(lang), lang)
        if bruker_id not in self.placements:
            raise KeyError(f"no bruker {bruker_id!r} in this result")
        return explain_placement(self.placements[bruker_id], lang, self.names)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.assignment.items())

    # ------------------------------------------------------------------ metrics
    def _shortfalls(self) -> np.ndarray:
        rows = [[p.shortfall[d] for d in _DIMS] for p in self.placements.values() if p.unit]
        return np.array(rows, dtype=float).reshape(-1, len(_DIMS))

    def metrics(self) -> dict[str, float]:
        """The numbers :func:`compare` puts in its table."""
        placed = [p for p in self.placements.values() if p.unit is not None]
        sf = self._shortfalls()
        total = sf.sum(axis=1) if sf.size else np.zeros(0)
        need = np.array([[p.need[d] for d in _DIMS] for p in placed], dtype=float)
        high = ((need >= 4) & (sf >= 2)).any(axis=1) if sf.size else np.zeros(0, dtype=bool)
        util = np.array([u.utilisation for u in self.units.values() if u.capacity_points > 0])
        heavy_pp = [u.heavy_cases / u.position for u in self.units.values() if u.position > 0]
        if util.size == 0:
            spread = float("nan")
        elif util.min() > 0:
            spread = float(util.max() / util.min())
        else:
            spread = float("inf")
        return {
            "mean_shortfall": float(total.mean()) if total.size else 0.0,
            "p90_shortfall": float(np.percentile(total, 90)) if total.size else 0.0,
            "unmet_high_need": int(high.sum()),
            "load_spread": spread,
            "load_gini": _gini(util),
            "heavy_per_position": float(max(heavy_pp)) if heavy_pp else 0.0,
            "units_over_capacity": int(sum(u.load_points > u.capacity_points + 1e-9
                                           for u in self.units.values())),
            "moves": self.n_moves,
            "mean_fit": float(np.mean([p.fit for p in placed])) if placed else float("nan"),
        }

    # ------------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        """Plain data (strict JSON): assignment, units, unassigned, status, numbers, codes.

        Numbers that do not exist (objective, bound and gap of an infeasible result) are
        ``None``, never NaN, so ``json.dumps(..., allow_nan=False)`` accepts the result.
        """
        return strict_json({
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            "lang": self.lang, "label": self.label, "kind": self.kind,
            "objective": self.objective, "bound": self.bound, "gap": self.gap,
            "mean_shortfall": self.mean_shortfall, "n_moves": self.n_moves,
            "improvement_per_move": self.improvement_per_move,
            "assignment": dict(self.assignment),
            "units": {uid: u.to_dict() for uid, u in self.units.items()},
            "unassigned": dict(self.unassigned),
            "placements": None,
            "moves": [dataclasses.asdict(m) for m in self.moves],
            "overflow": dict(self.overflow), "violations": list(self.violations),
            "names": dict(self.names), "stats": dict(self.stats),
            "overload": self.overload.to_dict() if self.overload is not None else None,
            "preference": {ident: s.to_dict() for ident, s in self.preference.items()},
            "preference_totals": self.preference_totals() if self.preference else None,
        }) | {"placements": {bid: p.to_dict() for bid, p in self.placements.items()}}

    def _unit_name(self, unit: str | None) -> str | None:
        """The members' names (``Kari Nordmann + Ola``), None when none of them has one."""
        if unit is None:
            return None
        members = unit.split("+")
        if not any(m in self.names for m in members):
            return None
        return " + ".join(self.names.get(m, m) for m in members)

    def _frame_rows(self) -> list[dict[str, Any]]:
        """One row per bruker: unit, names, fit, moved, reason (code and words), shortfall."""
        rows = []
        texts = {code: reason_text(code, self.lang) for code in REASONS}
        unit_names = {uid: self._unit_name(uid) for uid in self.units}
        for p in self.placements.values():
            row = {"bruker_id": p.bruker_id, "unit": p.unit,
                   "unit_name": unit_names.get(p.unit), "current_unit": p.current_unit,
                   "fit": p.fit, "moved": p.moved, "reason": p.reason,
                   "reason_text": texts[p.reason]}
            row.update({f"shortfall_{d}": p.shortfall[d] for d in _DIMS})
            if self.preference:
                row["work_energising"] = p.work_energising
                row["work_draining"] = p.work_draining
            rows.append(row)
        for bid, why in self.unassigned.items():
            row = {"bruker_id": bid, "unit": None, "unit_name": None, "current_unit": None,
                   "fit": float("nan"), "moved": False, "reason": "unassigned",
                   "reason_text": f"{texts['unassigned']}: {why}"}
            row.update({f"shortfall_{d}": None for d in _DIMS})
            rows.append(row)
        return rows

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        words = summary_labels(lang)
        rows = [(words["brukere"], fmt(len(self.assignment) + len(self.unassigned), lang)),
                (words["units"], fmt(len(self.units), lang))]
        if self.ok:
            rows.append((words["mean_shortfall"], number(self.mean_shortfall, lang)))
            rows.append((words["moves"], fmt(self.n_moves, lang)))
            if np.isfinite(self.gap):
                rows.append((words["gap"], percent(self.gap, lang, 3)))
        if self.violations:
            rows.append((words["violations"], fmt(len(self.violations), lang)))
        if self.preference:
            totals = self.preference_totals()
            rows.append((words["energising"], percent(totals["energising_share"], lang)))
            rows.append((words["draining"], percent(totals["draining_share"], lang)))
        return rows


def _gini(values: np.ndarray) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0 or values.mean() <= 0:
        return 0.0
    diff = np.abs(values[:, None] - values[None, :]).sum()
    return float(diff / (2 * values.size**2 * values.mean()))
