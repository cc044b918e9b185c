"""Portfolio allocation: every bruker to the veileder or pair that fits, within the limits.

:func:`allocate_portfolios` proposes a distribution of brukere over units (single veiledere and
veileder-pairs) that maximises fit plus continuity and specialty bonuses, within capacity,
heavy-case limits, balance, a moves budget and pinned placements. :func:`status_quo` and
:func:`naive` give today's distribution and an even split for comparison, and :func:`compare`
puts two results side by side in a table a leader can read.

The model, how each side constraint is handled and what the reported bound means are described
in ``docs/allocation.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..exceptions import InfeasibleError, NavkompetanseError
from ..models import DIMENSIONS, Office
from ..policy import Policy
from ..results import strict_json
from ..scoring import shortfall as shortfall_levels
from ..text import fmt
from ..text.allocation import explain_placement, metric_labels, number
from .model import (
    AllocationModel,
    Diagnosis,
    build_model,
    model_violations,
    resolve_units,
)
from .solve import SolveOutcome, solve_model

__all__ = [
    "AllocationResult",
    "Comparison",
    "Move",
    "Placement",
    "Unit",
    "allocate_portfolios",
    "compare",
    "naive",
    "status_quo",
]

STATUSES = ("optimal", "feasible", "infeasible", "time_limit")
_DIMS = tuple(d.value for d in DIMENSIONS)

_PANDAS_HINT = "to_frame() needs pandas: pip install navkompetanse[pandas]"


def _pandas():
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(_PANDAS_HINT) from exc
    return pd


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


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
        Members' capacity, less the pair overhead for a pair.
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
    cover : dict
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
    cover: dict[str, int]
    overflow_points: float = 0.0
    balance_floor: float = 0.0

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


#: Why a bruker is where she is.
REASONS = ("stayed", "pinned", "ufordelt", "better_fit", "specialty", "capacity", "unassigned")


@dataclass(frozen=True)
class Placement:
    """One bruker's place in a result: fit, shortfall per dimension, whether and why she moved.

    ``reason`` is one of ``stayed``, ``pinned``, ``ufordelt`` (placed, not a move),
    ``better_fit``, ``specialty``, ``capacity`` (moved to make room) or ``unassigned``.
    """

    bruker_id: str
    unit: str | None
    current_unit: str | None
    need: dict[str, int]
    cover: dict[str, int]
    shortfall: dict[str, int]
    fit: float
    current_shortfall: dict[str, int]
    current_fit: float
    moved: bool
    reason: str
    reason_text: str = ""

    @property
    def total_shortfall(self) -> int:
        """Levels missing, summed over the four dimensions."""
        return int(sum(self.shortfall.values()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "bruker_id": self.bruker_id, "unit": self.unit, "current_unit": self.current_unit,
            "need": dict(self.need), "cover": dict(self.cover),
            "shortfall": dict(self.shortfall), "fit": self.fit,
            "current_shortfall": dict(self.current_shortfall), "current_fit": self.current_fit,
            "moved": self.moved, "reason": self.reason,
        }


@dataclass(frozen=True)
class Move:
    """A bruker who changes unit, with the fit she gains (negative when moved to make room)."""

    bruker_id: str
    from_unit: str
    to_unit: str
    fit_gain: float
    reason: str


@dataclass(frozen=True)
class AllocationResult:
    """A distribution of brukere over units, with its status, bound and explanations.

    Attributes
    ----------
    assignment : dict
        ``{bruker id: unit id}`` for every placed bruker.
    units : dict
        ``{unit id: Unit}``.
    unassigned : dict
        ``{bruker id: reason}``; non-empty only when no plan exists (``status`` infeasible or
        time_limit without a solution).
    status : str
        ``optimal`` (proven, gap ≤ 1e-6), ``feasible`` (a plan with a bound), ``infeasible``
        or ``time_limit``.
    message : str
        What happened, in Norwegian (``message_en`` in English); for an infeasible problem the
        binding constraint and by how much.
    objective : float
        Sum over brukere of fit + continuity bonus + specialty bonus (recomputed).
    bound : float
        Proven upper bound on the best objective possible under all the constraints.
    gap : float
        ``(bound - objective) / max(1, |objective|)``.
    mean_shortfall : float
        Mean over placed brukere of the levels missing, summed over the four dimensions.
    placements : dict
        ``{bruker id: Placement}``: fit, shortfall per dimension, moved and why.
    moves : tuple of Move
        Brukere who change unit, largest fit gain first.
    improvement_per_move : float
        Objective gained over keeping everyone where they are, per move (nan without moves).
    overflow : dict
        ``{unit id: points over capacity}`` when ``allow_overflow`` was needed.
    violations : tuple of str
        Limits this distribution breaks (only today's or the naive distribution can).
    label : str
        A short name for tables (``Forslag``, ``I dag``, ``Jevn fordeling``).
    """

    assignment: dict[str, str]
    units: dict[str, Unit]
    unassigned: dict[str, str]
    status: str
    message: str
    objective: float
    bound: float
    gap: float
    mean_shortfall: float
    placements: dict[str, Placement] = field(repr=False, default_factory=dict)
    moves: tuple[Move, ...] = field(repr=False, default=())
    improvement_per_move: float = float("nan")
    overflow: dict[str, float] = field(default_factory=dict)
    violations: tuple[str, ...] = ()
    message_en: str = field(repr=False, default="")
    label: str = "Forslag"
    stats: dict[str, Any] = field(repr=False, default_factory=dict, compare=False)

    # ------------------------------------------------------------------ basic views
    @property
    def n_moves(self) -> int:
        """Number of brukere who change unit."""
        return len(self.moves)

    @property
    def ok(self) -> bool:
        """True when every bruker is placed."""
        return not self.unassigned and self.status in ("optimal", "feasible", "time_limit")

    def raise_for_status(self) -> AllocationResult:
        """Raise :class:`InfeasibleError` (with the diagnosis) unless a plan exists."""
        if not self.ok:
            raise InfeasibleError(self.message)
        return self

    def describe(self, lang: str = "nb") -> str:
        """The message in Norwegian (default) or English."""
        return self.message_en if lang == "en" and self.message_en else self.message

    def explain(self, bruker_id: str, lang: str = "nb") -> str:
        """Why this bruker is where she is, in plain Norwegian (``lang="en"``: English).

        Says what she needs, what the chosen unit covers, what the current one lacked, and
        why she moved or stayed. Names ids only.
        """
        if bruker_id in self.unassigned:
            reason = self.unassigned[bruker_id]
            if lang == "en":
                return f"Bruker {bruker_id} has no unit: {self.message_en or reason}"
            return f"Bruker {bruker_id} har ingen enhet: {reason}"
        if bruker_id not in self.placements:
            raise KeyError(f"no bruker {bruker_id!r} in this result")
        return explain_placement(self.placements[bruker_id], lang)

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
        return {
            "mean_shortfall": float(total.mean()) if total.size else 0.0,
            "p90_shortfall": float(np.percentile(total, 90)) if total.size else 0.0,
            "unmet_high_need": int(high.sum()),
            "load_spread": float(util.max() / util.min()) if util.size and util.min() > 0
            else float("inf") if util.size else float("nan"),
            "load_gini": _gini(util),
            "heavy_per_position": float(max(heavy_pp)) if heavy_pp else 0.0,
            "units_over_capacity": int(sum(u.load_points > u.capacity_points + 1e-9
                                           for u in self.units.values())),
            "moves": self.n_moves,
            "mean_fit": float(np.mean([p.fit for p in placed])) if placed else float("nan"),
        }

    # ------------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready): assignment, units, unassigned, status and numbers.

        Numbers that do not exist (objective, bound and gap of an infeasible result) are
        ``None``, never NaN, so ``json.dumps(..., allow_nan=False)`` accepts the result.
        """
        return strict_json({
            "status": self.status, "message": self.message, "message_en": self.message_en,
            "objective": self.objective, "bound": self.bound, "gap": self.gap,
            "mean_shortfall": self.mean_shortfall, "n_moves": self.n_moves,
            "improvement_per_move": self.improvement_per_move,
            "assignment": dict(self.assignment),
            "units": {uid: u.to_dict() for uid, u in self.units.items()},
            "unassigned": dict(self.unassigned),
            "placements": {bid: p.to_dict() for bid, p in self.placements.items()},
            "moves": [m.__dict__.copy() for m in self.moves],
            "overflow": dict(self.overflow), "violations": list(self.violations),
            "label": self.label,
        })

    def to_frame(self):
        """One row per bruker (pandas DataFrame): unit, fit, shortfall per dimension, moved."""
        pd = _pandas()
        rows = []
        for p in self.placements.values():
            row = {"bruker_id": p.bruker_id, "unit": p.unit, "current_unit": p.current_unit,
                   "fit": p.fit, "moved": p.moved, "reason": p.reason}
            row.update({f"shortfall_{d}": p.shortfall[d] for d in _DIMS})
            rows.append(row)
        return pd.DataFrame(rows).set_index("bruker_id")

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.assignment.items())


def _gini(values: np.ndarray) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0 or values.mean() <= 0:
        return 0.0
    diff = np.abs(values[:, None] - values[None, :]).sum()
    return float(diff / (2 * values.size**2 * values.mean()))


# --------------------------------------------------------------------------------------------
# Building results
# --------------------------------------------------------------------------------------------


def _levels(row: np.ndarray) -> dict[str, int]:
    return {d: int(v) for d, v in zip(_DIMS, row, strict=True)}


def _wrap(
    model: AllocationModel,
    x: np.ndarray,
    *,
    status: str,
    message: str,
    message_en: str,
    bound: float,
    label: str,
    violations: Sequence[str] = (),
    overflow_ok: bool = False,
    stats: Mapping[str, Any] | None = None,
) -> AllocationResult:
    """Turn a complete assignment into a result keyed by ids (numbers recomputed here)."""
    n = model.n_brukere
    idx = np.arange(n)
    uids = model.unit_ids
    load, count, heavy = model.loads(x) if n else (np.zeros(model.n_units),) * 3
    units = {}
    overflow = {}
    for u, uid in enumerate(uids):
        over = max(0.0, float(load[u] - model.capacity[u]))
        if over > 1e-9 and overflow_ok:
            overflow[uid] = over
        units[uid] = Unit(
            id=uid, members=model.unit_members[u], capacity_points=float(model.capacity[u]),
            load_points=float(load[u]), n_brukere=int(count[u]), heavy_cases=int(heavy[u]),
            heavy_limit=float(model.heavy_limit[u]), balance_cap=float(model.balance_cap[u]),
            position=float(model.position[u]), cover=_levels(model.cover[u]),
            overflow_points=over, balance_floor=float(model.floor[u]),
        )
    need = model.need
    sf_new = shortfall_levels(need, model.cover[x]) if n else need
    cur = model.current
    has_cur = cur >= 0
    cur_safe = np.where(has_cur, cur, x)
    sf_cur = shortfall_levels(need, model.cover[cur_safe]) if n else need
    fit_new = model.fit[idx, x]
    fit_cur = model.fit[idx, cur_safe]
    moved = has_cur & (x != cur)
    pinned = model.pinned >= 0
    placements = {}
    moves = []
    # Plain Python values once (a dict per bruker and dimension is the costly part otherwise).
    cover_dicts = [_levels(row) for row in model.cover]
    need_l, sfn_l, sfc_l = need.tolist(), sf_new.tolist(), sf_cur.tolist()
    x_l, cur_l = x.tolist(), cur.tolist()
    fit_new_l, fit_cur_l = fit_new.tolist(), fit_cur.tolist()
    moved_l, has_l, pinned_l = moved.tolist(), has_cur.tolist(), pinned.tolist()
    spec_new = model.specialty_match[idx, x].tolist() if n else []
    spec_cur = model.specialty_match[idx, cur_safe].tolist() if n else []
    for i, bid in enumerate(model.bruker_ids):
        xi = x_l[i]
        if pinned_l[i]:
            reason = "pinned"
        elif not has_l[i]:
            reason = "ufordelt"
        elif not moved_l[i]:
            reason = "stayed"
        elif fit_new_l[i] > fit_cur_l[i] + 1e-12:
            reason = "better_fit"
        elif spec_new[i] and not spec_cur[i]:
            reason = "specialty"
        else:
            reason = "capacity"
        placements[bid] = Placement(
            bruker_id=bid, unit=uids[xi], current_unit=uids[cur_l[i]] if has_l[i] else None,
            need=dict(zip(_DIMS, need_l[i], strict=True)), cover=cover_dicts[xi],
            shortfall=dict(zip(_DIMS, sfn_l[i], strict=True)), fit=fit_new_l[i],
            current_shortfall=dict(zip(_DIMS, sfc_l[i], strict=True)),
            current_fit=fit_cur_l[i], moved=moved_l[i], reason=reason,
        )
        if moved_l[i]:
            moves.append(Move(bid, uids[cur_l[i]], uids[xi], fit_new_l[i] - fit_cur_l[i],
                              reason))
    moves.sort(key=lambda m: (-m.fit_gain, m.bruker_id))
    # Improvement over leaving every bruker with a veileder where she is (ufordelte placed as
    # in this plan): the objective difference, per move.
    stay = np.where(has_cur, cur, x)
    improvement = (model.objective(x) - model.objective(stay)) / len(moves) if moves else np.nan
    objective = model.objective(x) if n else 0.0
    gap = (bound - objective) / max(1.0, abs(objective)) if np.isfinite(bound) else float("inf")
    total_sf = sf_new.sum(axis=1) if n else np.zeros(0)
    return AllocationResult(
        assignment={bid: uids[x[i]] for i, bid in enumerate(model.bruker_ids)},
        units=units, unassigned={}, status=status, message=message, objective=objective,
        bound=float(bound), gap=float(max(gap, 0.0)) if np.isfinite(gap) else gap,
        mean_shortfall=float(total_sf.mean()) if n else 0.0, placements=placements,
        moves=tuple(moves), improvement_per_move=float(improvement), overflow=overflow,
        violations=tuple(violations), message_en=message_en, label=label,
        stats=dict(stats or {}),
    )


def _no_plan(model: AllocationModel, status: str, message: str, message_en: str,
             stats: Mapping[str, Any] | None = None) -> AllocationResult:
    """A result without a plan: every bruker in ``unassigned`` with the reason."""
    units = {
        uid: Unit(id=uid, members=model.unit_members[u], capacity_points=float(model.capacity[u]),
                  load_points=0.0, n_brukere=0, heavy_cases=0,
                  heavy_limit=float(model.heavy_limit[u]),
                  balance_cap=float(model.balance_cap[u]), position=float(model.position[u]),
                  cover=_levels(model.cover[u]), balance_floor=float(model.floor[u]))
        for u, uid in enumerate(model.unit_ids)
    }
    return AllocationResult(
        assignment={}, units=units, unassigned={bid: message for bid in model.bruker_ids},
        status=status, message=message, objective=float("nan"), bound=float("nan"),
        gap=float("inf"), mean_shortfall=float("nan"), message_en=message_en,
        stats=dict(stats or {}),
    )


def _status_message(outcome: SolveOutcome, n_moves: int, notes: Sequence[str],
                    improvement: float) -> tuple[str, str]:
    gap_pct = 100 * (outcome.bound - outcome.objective) / max(1.0, abs(outcome.objective))
    nb = {
        "optimal": "Beste mulige fordeling (bevist).",
        "feasible": f"God fordeling; høyst {fmt(gap_pct, 'nb', 3)} % fra den beste mulige.",
        "time_limit": f"Tidsgrensen ble nådd; fordelingen er høyst {fmt(gap_pct, 'nb', 3)} % "
                      f"fra den beste mulige.",
    }[outcome.status]
    en = {
        "optimal": "Best possible allocation (proven).",
        "feasible": f"Good allocation; at most {fmt(gap_pct, 'en', 3)} % from the best possible.",
        "time_limit": f"Time limit reached; the allocation is at most {fmt(gap_pct, 'en', 3)} % "
                      f"from the best possible.",
    }[outcome.status]
    if n_moves:
        nb += f" {n_moves} brukere bytter veileder (gevinst {fmt(improvement, 'nb', 3)} per bytte)."
        en += f" {n_moves} brukere change veileder (gain {fmt(improvement, 'en', 3)} per move)."
    if notes:
        nb += " " + " ".join(notes)
        en += " Overflow: capacities were raised to absorb an overload (see .overflow)."
    return nb, en


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def _iv_allocate(policy, max_moves, time_limit) -> Policy:
    if max_moves is not None and (isinstance(max_moves, bool) or int(max_moves) != max_moves
                                  or max_moves < 0):
        raise ValueError(f"max_moves must be a non-negative integer or None, got {max_moves!r}")
    if not time_limit > 0:
        raise ValueError(f"time_limit must be positive seconds, got {time_limit!r}")
    return policy if policy is not None else Policy()


def allocate_portfolios(
    office: Office,
    *,
    pairs: Any = None,
    policy: Policy | None = None,
    max_moves: int | None = None,
    pinned: Mapping[str, str] | None = None,
    time_limit: float = 10.0,
    allow_overflow: bool = False,
    hard_specialty: bool = False,
    seed: int = 0,
    gap_tol: float = 1e-3,
) -> AllocationResult:
    """Propose a distribution of brukere over veiledere and pairs.

    Maximises ``Σ fit + continuity bonus + specialty bonus`` so that every bruker gets exactly
    one unit, within each unit's capacity, balance cap and floor (no unit above its fair share
    plus the slack, none below it less the slack), heavy-case limit, the moves budget and
    pinned placements. The same input gives the same plan (unless ``time_limit`` runs out).

    Parameters
    ----------
    office : Office
        The office; ``veileder`` on each bruker is today's distribution (None = ufordelt).
    pairs : None, sequence of (ident, ident), or object with ``.pairs``
        The pairs to use as units: ``None`` takes ``office.pairs``; a ``PairingResult`` (or
        anything whose ``.pairs`` items have ``.members``) or a plain sequence also works.
        Every veileder not in a pair is a single unit.
    policy : Policy, optional
        Every number the model uses (capacity, heavy cases per position, bonuses, slack).
    max_moves : int, optional
        Most brukere who may change veileder (placing an ufordelt bruker is not a move).
    pinned : mapping, optional
        ``{bruker id: unit id or ident}``: brukere the leader has placed; they stay there.
    time_limit : float
        Seconds for the whole solve.
    allow_overflow : bool
        When the load (or the heavy cases) exceed the office's capacity, spread the excess
        in proportion to capacity instead of reporting the problem as infeasible.
    hard_specialty : bool
        Brukere in a malgruppe go only to units with that spesialfelt (when some unit has
        it); otherwise a matching specialty is worth ``policy.specialty_bonus``.
    seed : int
        Passed to ``solve_gap`` in the fallback path.
    gap_tol : float
        Improve the rounded plan only while the certified relative gap is above this (0.1 %
        by default); also the fallback's stopping gap (``solve_gap(rel_gap=...)``). ``status``
        is "optimal" only when the gap is at most 1e-6.

    Returns
    -------
    AllocationResult
        ``status`` is ``optimal`` (proven), ``feasible`` (with a bound), ``infeasible`` (the
        message names the binding constraint and by how much) or ``time_limit``.

    Raises
    ------
    InvalidInputError
        Unknown idents in ``pairs`` or ``pinned``.
    ValueError
        A negative ``max_moves`` or a non-positive ``time_limit``.

    Notes
    -----
    Brukere with identical rows (fit, weight, heavy case, allowed units) form classes; one
    exact LP over classes × units holds every side constraint (HiGHS, column generation), and
    its dual value is the reported ``bound``, valid for the full integer problem. The plan
    rounds the LP solution down class by class, places the few brukere left over, lifts units
    below their floor and improves by moves and swaps. If that fails, prices around
    ``navkompetanse.optimize.solve_gap`` are the fallback. Every constraint is checked again on
    the returned plan. See ``docs/allocation.md``.

    Examples
    --------
    >>> from navkompetanse.models import Office, Veileder, Bruker, CompetenceProfile
    >>> p = CompetenceProfile(relasjonell=4, struktur=3, forvaltning=3, digital=3)
    >>> office = Office(enhet="0315", name="Eks", veiledere=[Veileder(ident="Z000001",
    ...     profile=p)], brukere=[Bruker(id="b1", innsatsgruppe="STANDARD_INNSATS")])
    >>> result = allocate_portfolios(office)  # doctest: +SKIP
    >>> result.assignment  # doctest: +SKIP
    {'b1': 'Z000001'}
    """
    policy = _iv_allocate(policy, max_moves, time_limit)
    units = resolve_units(office, pairs)
    model, diagnoses, notes = build_model(
        office, units, policy, pinned=pinned, max_moves=max_moves,
        hard_specialty=hard_specialty, allow_overflow=allow_overflow,
    )
    if diagnoses:
        return _infeasible(model, diagnoses)
    outcome = solve_model(model, time_limit=time_limit, seed=seed, gap_tol=gap_tol)
    if outcome.status == "infeasible" and allow_overflow:
        # Whole brukere do not fit under the balance caps (tiny offices): allow one bruker's
        # weight above the fair share, as the overflow rule does, and report it.
        model, _, notes = build_model(
            office, units, policy, pinned=pinned, max_moves=max_moves,
            hard_specialty=hard_specialty, allow_overflow=True, relax_balance=True)
        outcome = solve_model(model, time_limit=time_limit, seed=seed, gap_tol=gap_tol)
    if outcome.assignment is None:
        if outcome.status == "infeasible":
            return _infeasible(model, [_packing_diagnosis(model)], outcome.stats)
        return _no_plan(
            model, "time_limit",
            "Fant ingen fordeling innen tidsgrensen — øk time_limit.",
            "No allocation found within the time limit — raise time_limit.", outcome.stats)
    x = outcome.assignment
    broken = model_violations(model, x)
    if broken or abs(model.objective(x) - outcome.objective) > 1e-6 * max(1.0, outcome.objective):
        raise NavkompetanseError(f"internal error: the plan breaks {broken}")  # a bug, not input
    stay = np.where(model.current >= 0, model.current, x)
    n_moves = model.n_moves(x)
    improvement = (model.objective(x) - model.objective(stay)) / n_moves if n_moves else 0.0
    nb, en = _status_message(outcome, n_moves, notes, improvement)
    return _wrap(model, x, status=outcome.status, message=nb, message_en=en,
                 bound=outcome.bound, label="Forslag", overflow_ok=model.overflow,
                 stats=outcome.stats)


def _sentence(text: str) -> str:
    """End a diagnosis with one full stop, whether or not it had one."""
    return text.rstrip().rstrip(".") + "."


def _infeasible(model: AllocationModel, diagnoses: Sequence[Diagnosis],
                stats: Mapping[str, Any] | None = None) -> AllocationResult:
    nb = "Ingen fordeling mulig. " + " ".join(_sentence(d.nb) for d in diagnoses)
    en = "No allocation possible. " + " ".join(_sentence(d.en) for d in diagnoses)
    result = _no_plan(model, "infeasible", nb, en, stats)
    return result


def _packing_diagnosis(model: AllocationModel) -> Diagnosis:
    load = float(model.weight.sum())
    cap = float(model.cap.sum())
    pct = 100 * load / cap if cap else float("inf")
    tight = "balansegrensen" if (model.cap < model.capacity - 1e-9).any() else "kapasiteten"
    floor_nb = floor_en = ""
    if (model.floor > 0).any():
        floor_nb = (f", balansegulvet (minst {fmt(model.floor.min())}–"
                    f"{fmt(model.floor.max())} poeng per enhet)")
        floor_en = (f", the balance floor (at least {fmt(model.floor.min(), 'en')}–"
                    f"{fmt(model.floor.max(), 'en')} points per unit)")
    moves_nb = f", høyst {model.max_moves} bytter" if model.max_moves is not None else ""
    moves_en = f", at most {model.max_moves} moves" if model.max_moves is not None else ""
    return Diagnosis(
        "packing",
        f"Brukerne får ikke plass samtidig innenfor {tight}{floor_nb}, grensene for tunge saker"
        f"{moves_nb} og låste plasseringer: arbeidsmengden {fmt(load)} poeng er {fmt(pct)} % "
        f"av {fmt(cap)} poeng som kan fordeles — øk balance_slack"
        f"{' eller max_moves' if moves_nb else ''}, legg til en stilling eller "
        f"bruk allow_overflow=True",
        f"The brukere do not fit within capacity, balance cap{floor_en}, heavy-case limits"
        f"{moves_en} and pinned placements at once: the load {fmt(load, 'en')} points is "
        f"{fmt(pct, 'en')} % of the {fmt(cap, 'en')} points available — raise balance_slack"
        f"{' or max_moves' if moves_en else ''}, add a position or use allow_overflow=True",
        excess=max(0.0, load - cap))


def _fixed_result(office: Office, policy: Policy | None, pairs: Any, x_of: Any,
                  label: str) -> AllocationResult:
    policy = policy if policy is not None else Policy()
    units = resolve_units(office, pairs)
    model, _, _ = build_model(office, units, policy)
    if model.n_brukere and not model.n_units:
        return _no_plan(
            model, "infeasible",
            f"{label}: {model.n_brukere} brukere og ingen veiledere å fordele dem på.",
            f"{label}: {model.n_brukere} brukere and no veiledere to place them with.",
        )
    x = np.asarray(x_of(model), dtype=np.int64)
    broken = model_violations(model, x)
    nb = f"{label}: {model.n_brukere} brukere på {model.n_units} enheter."
    en = f"{label}: {model.n_brukere} brukere over {model.n_units} units."
    if broken:
        nb += f" Brudd på {len(broken)} grenser: " + "; ".join(broken)
        en += f" Breaks {len(broken)} limits: " + "; ".join(broken)
    return _wrap(model, x, status="feasible", message=nb, message_en=en, bound=float("nan"),
                 label=label, violations=broken, overflow_ok=True)


def status_quo(office: Office, *, policy: Policy | None = None, pairs: Any = None
               ) -> AllocationResult:
    """Today's distribution as an :class:`AllocationResult`.

    Brukere stay with their current veileder (or her pair); ufordelte are placed round robin
    over the units in unit order, so the result is deterministic. ``violations`` lists the
    limits today's distribution breaks; ``status`` is ``feasible`` (a complete distribution)
    and ``bound`` is nan (nothing was optimised).
    """
    def assign(model: AllocationModel) -> np.ndarray:
        x = model.current.copy()
        free = np.flatnonzero(x < 0)
        if free.size and model.n_units:
            x[free] = np.arange(free.size) % model.n_units
        return x

    return _fixed_result(office, policy, pairs, assign, "I dag")


def naive(office: Office, *, policy: Policy | None = None, pairs: Any = None) -> AllocationResult:
    """An even split by count that ignores competence (like splitting by day of birth).

    Brukere sorted by id are dealt out in consecutive blocks, one block per unit, with block
    sizes in proportion to the unit's capacity (largest remainder), so part-time veiledere get
    fewer.
    """
    def assign(model: AllocationModel) -> np.ndarray:
        n, m = model.n_brukere, model.n_units
        share = model.capacity / model.capacity.sum() * n
        size = np.floor(share).astype(int)
        rest = n - size.sum()
        size[np.argsort(-(share - size), kind="stable")[:rest]] += 1
        order = np.argsort(np.array(model.bruker_ids, dtype=object), kind="stable")
        x = np.empty(n, dtype=np.int64)
        x[order] = np.repeat(np.arange(m), size)
        return x

    return _fixed_result(office, policy, pairs, assign, "Jevn fordeling")


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------

#: For each metric, whether a lower value is better.
_LOWER_IS_BETTER = {
    "mean_shortfall": True, "p90_shortfall": True, "unmet_high_need": True,
    "load_spread": True, "load_gini": True, "heavy_per_position": True,
    "units_over_capacity": True, "moves": True, "mean_fit": False,
}


@dataclass(frozen=True)
class ComparisonRow:
    """One line of a comparison: the metric, both values and which is better."""

    key: str
    label: str
    a: float
    b: float
    better: str  # "a", "b" or "="


@dataclass(frozen=True)
class Comparison:
    """Two distributions side by side, in terms a leader reads (see :func:`compare`)."""

    a_label: str
    b_label: str
    rows: tuple[ComparisonRow, ...]
    lang: str = "nb"

    def __getitem__(self, key: str) -> ComparisonRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a_label, "b": self.b_label,
            "rows": [{"key": r.key, "label": r.label, "a": r.a, "b": r.b, "better": r.better}
                     for r in self.rows],
        }

    def to_frame(self):
        """The table as a pandas DataFrame indexed by metric label."""
        pd = _pandas()
        return pd.DataFrame(
            {self.a_label: [r.a for r in self.rows], self.b_label: [r.b for r in self.rows]},
            index=[r.label for r in self.rows],
        )

    def __str__(self) -> str:
        head = ("", self.a_label, self.b_label, "Best" if self.lang == "en" else "Best")
        body = [(r.label, number(r.a, self.lang), number(r.b, self.lang),
                 {"a": self.a_label, "b": self.b_label, "=": "="}[r.better]) for r in self.rows]
        widths = [max(len(row[c]) for row in (head, *body)) for c in range(4)]
        def line(row: Sequence[str]) -> str:
            return "  ".join([row[0].ljust(widths[0])]
                             + [row[c].rjust(widths[c]) for c in (1, 2)]
                             + [row[3].ljust(widths[3])]).rstrip()
        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(head), rule, *(line(r) for r in body)])


def compare(a: AllocationResult, b: AllocationResult, lang: str = "nb") -> Comparison:
    """Compare two distributions (typically today's and a proposal) in a plain table.

    Rows: mean and 90th-percentile shortfall, brukere with an unmet high need (need ≥ 4 and
    shortfall ≥ 2 in some dimension), load spread (max/min of load/capacity) and its Gini,
    heavy cases per full position (highest unit), units over capacity, moves and mean fit.

    Examples
    --------
    >>> print(compare(status_quo(office), allocate_portfolios(office)))  # doctest: +SKIP
    """
    labels = metric_labels(lang)
    ma, mb = a.metrics(), b.metrics()
    rows = []
    for key, label in labels.items():
        va, vb = float(ma[key]), float(mb[key])
        if np.isclose(va, vb, rtol=1e-9, atol=1e-12) or (np.isnan(va) and np.isnan(vb)):
            better = "="
        elif _LOWER_IS_BETTER[key]:
            better = "a" if va < vb else "b"
        else:
            better = "a" if va > vb else "b"
        rows.append(ComparisonRow(key, label, va, vb, better))
    return Comparison(a.label, b.label, tuple(rows), lang)
