"""Portfolio allocation: every bruker to the veileder or pair that fits, within the limits.

:func:`allocate_portfolios` proposes a distribution of brukere over units (single veiledere and
veileder-pairs) that maximises fit plus continuity and specialty bonuses, within capacity,
heavy-case limits, balance, a moves budget and pinned placements. :func:`status_quo` and
:func:`naive` give today's distribution and an even split for comparison
(:func:`~navkompetanse.allocation.compare` puts two side by side).

Each public function reads as a short pipeline: check the arguments at the door → build the
model (:mod:`.model`) → solve it (:mod:`.solve`) → wrap the plan in an
:class:`~navkompetanse.allocation.AllocationResult` keyed by ids, every number recomputed.
The model, how each side constraint is handled and what the reported bound means are described
in ``docs/allocation.md``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..exceptions import InvalidInputError, NavkompetanseError, Problem
from ..models import DIMENSIONS, Office
from ..policy import Policy
from ..results import FrozenDict
from ..scoring import capacity_points
from ..scoring import shortfall as shortfall_levels
from ..text import LANGS, check_lang, fmt, join, unit_label
from ..text.allocation import (
    fixed_message,
    no_plan_text,
    overload_text,
    phrase,
    result_label,
    status_message,
)
from .model import (
    AllocationModel,
    Diagnosis,
    build_model,
    model_violations,
    office_names,
    resolve_units,
    violation_records,
)
from .result import AllocationResult, Move, Overload, Placement, PreferenceShare, Unit
from .solve import MILP_ROUNDING_SIZE, SolveOutcome, solve_model

__all__ = ["allocate_portfolios", "naive", "office_overload", "status_quo"]

#: Seconds per bruker set aside from ``time_limit`` for writing the result (placements,
#: explanations' data); measured about 9 µs per bruker for an optimised plan, up to 20 µs for
#: the greedy plan of a short limit (more moves to explain) on a machine 1.4x slower. 20 µs
#: was tried: it left an overloaded 13,200-bruker office no plan at 0.5 s; at 10 µs, with the
#: reserve as the greedy's grace, every limit from 0.45 s gives a plan, at most 0.08 s past
#: 1.1 x the limit over 32 runs (docs/allocation.md, time limits).
WRAP_S_PER_BRUKER = 1e-5
#: The least time a solve is given, even when building the model used up the limit (it then
#: stops at once with ``time_limit``).
MIN_SOLVE_S = 1e-3

_DIMS = tuple(d.value for d in DIMENSIONS)


# --------------------------------------------------------------------------------------------
# Building results
# --------------------------------------------------------------------------------------------


def _levels(row: np.ndarray) -> FrozenDict:
    return FrozenDict(zip(_DIMS, (int(v) for v in row), strict=True))


def _units(model: AllocationModel, load: np.ndarray, count: np.ndarray,
           heavy: np.ndarray) -> dict[str, Unit]:
    return {
        uid: Unit(
            id=uid, members=model.unit_members[u], capacity_points=float(model.capacity[u]),
            load_points=float(load[u]), n_brukere=int(count[u]), heavy_cases=int(heavy[u]),
            heavy_limit=float(model.heavy_limit[u]), balance_cap=float(model.balance_cap[u]),
            position=float(model.position[u]), cover=_levels(model.cover[u]),
            overflow_points=max(0.0, float(load[u] - model.capacity[u])),
            balance_floor=float(model.floor[u]),
        )
        for u, uid in enumerate(model.unit_ids)
    }


def _work_mix(need: np.ndarray) -> np.ndarray:
    """``need / Σ need`` per bruker (an even mix for a bruker without any need)."""
    need = np.asarray(need, dtype=float)
    total = need.sum(axis=1, keepdims=True)
    return np.where(total > 0, need / np.where(total > 0, total, 1.0), 1.0 / len(_DIMS))


def preference_shares(model: AllocationModel, x: np.ndarray) -> dict[str, PreferenceShare]:
    """Each veileder's load in energising and draining work in plan ``x`` (empty without
    preferences): every bruker's points split by her work mix, each kind to the member who
    leads it at her unit (``model.unit_lead``)."""
    if model.signs is None or model.unit_lead is None or not model.n_units:
        return {}
    n_v, n_d = len(model.idents), len(_DIMS)
    pts = model.weight[:, None] * _work_mix(model.need) if model.n_brukere else np.zeros((0, 4))
    lead = model.unit_lead[x] if model.n_brukere else np.zeros((0, n_d), dtype=np.int64)
    flat = (lead * n_d + np.arange(n_d)[None, :]).ravel()
    by_vd = np.bincount(flat, weights=pts.ravel(), minlength=n_v * n_d).reshape(n_v, n_d)
    load = by_vd.sum(axis=1)
    energising = (by_vd * (model.signs > 0)).sum(axis=1)
    draining = (by_vd * (model.signs < 0)).sum(axis=1)
    return {ident: PreferenceShare(ident, float(load[k]), float(energising[k]),
                                   float(draining[k]))
            for k, ident in enumerate(model.idents)}


def _preference_rows(model: AllocationModel, x: np.ndarray) -> dict[str, Any]:
    """Per bruker, as lists: the preference term at her unit, the share of her work mix led
    by a member who finds it energising / draining, and the kinds (with who leads them) she
    leans towards that are energising (``liked``) or draining (``drained``) there."""
    n = model.n_brukere
    idx = np.arange(n)
    pref = (model.preference[idx, x] if model.preference is not None and n
            else np.zeros(n))
    out: dict[str, Any] = {"preference": pref.tolist()}
    if model.signs is None or model.unit_lead is None or n == 0:
        none: list[tuple] = [()] * n
        out.update(work_energising=[0.0] * n, work_draining=[0.0] * n, liked=none,
                   liked_by=none, drained=none, drained_by=none)
        return out
    mix = _work_mix(model.need)
    lead = model.unit_lead[x]
    sign = model.signs[lead, np.arange(len(_DIMS))[None, :]]
    out["work_energising"] = (mix * (sign > 0)).sum(axis=1).tolist()
    out["work_draining"] = (mix * (sign < 0)).sum(axis=1).tolist()
    leans = mix > 1.0 / len(_DIMS) + 1e-12  # the kinds her follow-up leans towards
    idents = model.idents
    for key, mask in (("liked", leans & (sign > 0)), ("drained", leans & (sign < 0))):
        dims_l: list[tuple] = [()] * n
        by_l: list[tuple] = [()] * n
        cache: dict[tuple, tuple[tuple, tuple]] = {}
        for i in np.flatnonzero(mask.any(axis=1)).tolist():
            ds = tuple(np.flatnonzero(mask[i]).tolist())
            who = tuple(lead[i, ds].tolist())
            got = cache.get((ds, who))
            if got is None:
                got = cache[(ds, who)] = (tuple(_DIMS[d] for d in ds),
                                         tuple(idents[v] for v in who))
            dims_l[i], by_l[i] = got
        out[key], out[f"{key}_by"] = dims_l, by_l
    return out


def _wrap(
    model: AllocationModel,
    x: np.ndarray,
    *,
    status: str,
    messages: Mapping[str, str],
    lang: str,
    names: Mapping[str, str],
    bound: float,
    kind: str,
    violations: Sequence[str] = (),
    overflow_ok: bool = False,
    stats: Mapping[str, Any] | None = None,
    overload: Overload | None = None,
) -> AllocationResult:
    """Turn a complete assignment into a result keyed by ids (numbers recomputed here)."""
    n = model.n_brukere
    idx = np.arange(n)
    uids = model.unit_ids
    load, count, heavy = model.loads(x) if n else (np.zeros(model.n_units),) * 3
    units = _units(model, load, count, heavy)
    overflow = {uid: u.overflow_points for uid, u in units.items()
                if overflow_ok and u.overflow_points > 1e-9}
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
    # Plain Python values once (a mapping per bruker and dimension is the costly part);
    # brukere with the same levels share one FrozenDict.
    cover_maps = [units[uid].cover for uid in uids]
    shared: dict[tuple[int, ...], FrozenDict] = {}

    def levels(row: list[int]) -> FrozenDict:
        key = tuple(row)
        got = shared.get(key)
        if got is None:
            got = shared[key] = FrozenDict(zip(_DIMS, key, strict=True))
        return got

    need_l, sfn_l, sfc_l = need.tolist(), sf_new.tolist(), sf_cur.tolist()
    x_l, cur_l = x.tolist(), cur.tolist()
    fit_new_l, fit_cur_l = fit_new.tolist(), fit_cur.tolist()
    moved_l, has_l, pinned_l = moved.tolist(), has_cur.tolist(), pinned.tolist()
    spec_new = model.specialty_match[idx, x].tolist() if n else []
    spec_cur = model.specialty_match[idx, cur_safe].tolist() if n else []
    pr = _preference_rows(model, x)
    c_weight = (model.continuity_weight.tolist() if model.continuity_weight is not None
                else [1.0] * n)
    c_reason = model.continuity_reason or ("default",) * n
    c_group = model.continuity_group or (None,) * n
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
            need=levels(need_l[i]), cover=cover_maps[xi], shortfall=levels(sfn_l[i]),
            fit=fit_new_l[i], current_shortfall=levels(sfc_l[i]), current_fit=fit_cur_l[i],
            moved=moved_l[i], reason=reason, preference=pr["preference"][i],
            liked=pr["liked"][i], liked_by=pr["liked_by"][i], drained=pr["drained"][i],
            drained_by=pr["drained_by"][i], continuity_weight=c_weight[i],
            continuity_reason=c_reason[i], continuity_group=c_group[i],
            work_energising=pr["work_energising"][i], work_draining=pr["work_draining"][i],
        )
        if moved_l[i]:
            moves.append(Move(bid, uids[cur_l[i]], uids[xi], fit_new_l[i] - fit_cur_l[i],
                              reason))
    moves.sort(key=lambda m: (-m.fit_gain, m.bruker_id))
    # Improvement over leaving every bruker with a veileder where she is (ufordelte placed as
    # in this plan): the objective difference, per move.
    objective = model.objective(x) if n else 0.0
    # cur_safe is that distribution: today's unit, or this plan's for an ufordelt bruker
    improvement = (objective - model.objective(cur_safe)) / len(moves) if moves else np.nan
    gap = (bound - objective) / max(1.0, abs(objective)) if np.isfinite(bound) else float("inf")
    total_sf = sf_new.sum(axis=1) if n else np.zeros(0)
    return AllocationResult(
        assignment=FrozenDict(zip(model.bruker_ids, (uids[u] for u in x_l), strict=True)),
        units=FrozenDict(units), unassigned=FrozenDict(), status=status,
        message=messages[lang], objective=objective, bound=float(bound),
        gap=float(max(gap, 0.0)) if np.isfinite(gap) else gap,
        mean_shortfall=float(total_sf.mean()) if n else 0.0,
        placements=FrozenDict(placements), moves=tuple(moves),
        improvement_per_move=float(improvement), overflow=FrozenDict(overflow),
        violations=tuple(violations), messages=FrozenDict(messages), lang=lang,
        names=FrozenDict(names), label=result_label(kind, lang), kind=kind,
        stats=dict(stats or {}), overload=overload,
        preference=FrozenDict(preference_shares(model, x)),
    )


def _no_plan(model: AllocationModel, status: str, messages: Mapping[str, str], *, lang: str,
             names: Mapping[str, str], kind: str = "proposal",
             stats: Mapping[str, Any] | None = None,
             overload: Overload | None = None) -> AllocationResult:
    """A result without a plan: every bruker in ``unassigned``, with the message as reason."""
    zeros = np.zeros(model.n_units)
    units = _units(model, zeros, zeros.astype(int), zeros.astype(int))
    return AllocationResult(
        assignment=FrozenDict(), units=FrozenDict(units),
        unassigned=FrozenDict(dict.fromkeys(model.bruker_ids, messages[lang])),
        status=status, message=messages[lang], objective=float("nan"), bound=float("nan"),
        gap=float("inf"), mean_shortfall=float("nan"), messages=FrozenDict(messages),
        lang=lang, names=FrozenDict(names), label=result_label(kind, lang), kind=kind,
        stats=dict(stats or {}), overload=overload,
    )


def _both(make: Callable[[str], str]) -> dict[str, str]:
    """A text in every language: ``{"nb": make("nb"), "en": make("en")}``."""
    return {lg: make(lg) for lg in LANGS}


def _infeasible(model: AllocationModel, diagnoses: Sequence[Diagnosis], *, lang: str,
                names: Mapping[str, str], stats: Mapping[str, Any] | None = None,
                overload: Overload | None = None) -> AllocationResult:
    messages = _both(lambda lg: no_plan_text("infeasible", lg, diagnoses))
    return _no_plan(model, "infeasible", messages, lang=lang, names=names, stats=stats,
                    overload=overload)


def _packing_diagnosis(model: AllocationModel, allow_overflow: bool = False) -> Diagnosis:
    """Why whole brukere do not fit at once; the way out names ``allow_overflow`` only when
    it was not already set."""
    load = float(model.weight.sum())
    cap = float(model.cap.sum())
    pct = 100 * load / cap if cap else float("inf")
    balance = (model.cap < model.capacity - 1e-9).any()
    tight_nb = "balansegrensen" if balance else "kapasiteten"
    tight_en = "capacity, balance cap" if balance else "capacity"
    floor_nb = floor_en = ""
    floors = (model.floor > 0).any()
    if floors:
        def span(lang: str) -> str:  # one value when the floors read alike
            lo, hi = fmt(model.floor.min(), lang), fmt(model.floor.max(), lang)
            return lo if lo == hi else f"{lo}–{hi}"

        floor_nb = f", balansegulvet (minst {span('nb')} poeng per enhet)"
        floor_en = f", the balance floor (at least {span('en')} points per unit)"
    moves_nb = f", høyst {model.max_moves} bytter" if model.max_moves is not None else ""
    moves_en = f", at most {model.max_moves} moves" if model.max_moves is not None else ""
    rule_nb = rule_en = ""
    if model.kommunal_only and model.kommunal_bruker is not None and model.kommunal_bruker.any():
        rule_nb = ", regelen om kommunalt ansatte for sosialhjelp"
        rule_en = ", the rule on municipally employed veiledere for sosialhjelp"
    # the ways out that can help: a larger margin only where the balance caps or floors
    # bind (it moves both), more moves only under a moves budget, overflow only if not set
    ways_nb, ways_en = [], []
    if balance or floors:
        ways_nb.append("øk balansemarginen")
        ways_en.append("raise balance_slack")
    if model.max_moves is not None:
        ways_nb.append("øk grensen for antall bytter")
        ways_en.append("raise max_moves")
    ways_nb.append("legg til en stilling")
    ways_en.append("add a position")
    if not allow_overflow:  # set already: it cannot be the way out
        ways_nb.append("la kapasiteten være en myk grense (tillat overbelastning)")
        ways_en.append("use allow_overflow=True")
    return Diagnosis(
        "packing",
        f"Brukerne får ikke plass samtidig innenfor {tight_nb}{floor_nb}, grensene for tunge "
        f"saker{moves_nb}{rule_nb} og låste plasseringer: arbeidsmengden {fmt(load)} poeng er "
        f"{fmt(pct)} % av {fmt(cap)} poeng som kan fordeles — "
        f"{join(ways_nb, 'nb', last='eller')}",
        f"The brukere do not fit within {tight_en}{floor_en}, heavy-case limits"
        f"{moves_en}{rule_en} and pinned placements at once: the load {fmt(load, 'en')} points is "
        f"{fmt(pct, 'en')} % of the {fmt(cap, 'en')} points available — "
        f"{join(ways_en, 'en', last='or')}",
        excess=max(0.0, load - cap))


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def _iv_allocate(policy: Policy | None, max_moves: Any, time_limit: Any, lang: Any) -> Policy:
    check_lang(lang)
    if max_moves is not None and (isinstance(max_moves, bool) or int(max_moves) != max_moves
                                  or max_moves < 0):
        raise ValueError(f"max_moves must be a non-negative integer or None, got {max_moves!r}")
    if not time_limit > 0:
        raise ValueError(f"time_limit must be positive seconds, got {time_limit!r}")
    return policy if policy is not None else Policy()


def _iv_reserved(office: Office, reserved: Mapping[str, float] | None,
                 policy: Policy) -> np.ndarray | None:
    """``reserved`` as points per veileder in office order (None when nothing is reserved);
    every fault at once as an InvalidInputError located at ``reserved['ident']``."""
    if reserved is None:
        return None
    if not isinstance(reserved, Mapping):
        raise InvalidInputError([Problem(
            "reserved", "reserved", "must be a mapping {ident: points}",
            type(reserved).__name__, "pass e.g. LearningPlan.reserved")], source="reserved")
    index = {ident: k for k, ident in enumerate(office.idents)}
    capacity = capacity_points(office.veiledere, policy)
    points = np.zeros(len(index))
    problems: list[Problem] = []
    for ident, value in reserved.items():
        where = f"reserved[{ident!r}]"
        if ident not in index:
            problems.append(Problem(where, "ident", "names a veileder who is not in the office",
                                    ident, "use the ident of one of the office's veiledere"))
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
                or not np.isfinite(value):
            problems.append(Problem(where, "points", "must be a finite number of points",
                                    value, "give the capacity points set aside, e.g. 4"))
            continue
        if value < 0:
            problems.append(Problem(where, "points", "cannot be negative", value,
                                    "give the points set aside (0 or more)"))
            continue
        k = index[ident]
        if value > capacity[k] + 1e-9:
            problems.append(Problem(
                where, "points", f"is more than her capacity of {capacity[k]:g} points", value,
                "reserve at most her capacity (capacity_points_per_position x "
                "stillingsprosent / 100)"))
            continue
        points[k] = float(value)
    if problems:
        raise InvalidInputError(problems, source="reserved")
    return points


@dataclasses.dataclass(frozen=True)
class SolvedOffice:
    """What :func:`solve_office` found: the model solved last, the solver's outcome (None
    when the model has diagnoses), the overflow notes and the office's overload."""

    model: AllocationModel
    outcome: SolveOutcome | None
    diagnoses: Sequence[Diagnosis]
    notes: Sequence[dict[str, str]]
    overload: Overload | None


def solve_office(office: Office, *, pairs: Any, policy: Policy, deadline: float,
                 max_moves: int | None = None, pinned: Mapping[str, str] | None = None,
                 allow_overflow: bool = False, hard_specialty: bool = False, seed: int = 0,
                 gap_tol: float = 1e-3, kommunal_only: bool | None = None,
                 reserved: Mapping[str, float] | None = None) -> SolvedOffice:
    """The allocation's solve without its result: the model of ``office`` (the caller
    passes it in canonical order and has checked the arguments: ``allocate_portfolios``
    does both), the solve until ``deadline`` (``perf_counter``) less the
    result's writing, the retry with one bruker's room above the balance caps when whole
    brukere do not fit, and the check of the plan against every limit and of its objective.
    :func:`allocate_portfolios` writes its result from this; the gap analysis' re-solves
    read the plan's numbers only."""
    kommunal = policy.kommunal_only if kommunal_only is None else bool(kommunal_only)
    common = {"pinned": pinned, "max_moves": max_moves, "hard_specialty": hard_specialty,
              "kommunal_only": kommunal, "reserved": _iv_reserved(office, reserved, policy)}
    units = resolve_units(office, pairs)
    model, diagnoses, notes = build_model(office, units, policy,
                                          allow_overflow=allow_overflow, **common)
    overload = office_overload(model, policy)
    if diagnoses:
        return SolvedOffice(model, None, diagnoses, notes, overload)
    # The solve gets what is left of the limit once the model is built and the result's
    # writing (about WRAP_S_PER_BRUKER per bruker) is set aside.
    reserve = WRAP_S_PER_BRUKER * model.n_brukere

    def left() -> float:
        return max(deadline - time.perf_counter() - reserve, MIN_SOLVE_S)

    # A small model (the exact milp's size) with overflow keeps half the time for the retry
    # below: its solve either finds a plan in milliseconds or can search to the limit without
    # proving there is none (whole brukere against tight balance caps and floors).
    small = model.n_brukere * model.n_units <= MILP_ROUNDING_SIZE
    outcome = solve_model(model, time_limit=left() * (0.5 if allow_overflow and small else 1.0),
                          seed=seed, gap_tol=gap_tol, grace=reserve)
    if (outcome.assignment is None and outcome.status in ("infeasible", "time_limit")
            and allow_overflow and deadline - time.perf_counter() - reserve > MIN_SOLVE_S):
        # Whole brukere do not fit under the balance caps and floors (tiny offices): allow
        # one bruker's weight above the fair share, as the overflow rule does, drop the
        # floors, and report it.
        model, _, notes = build_model(office, units, policy, allow_overflow=True,
                                      relax_balance=True, **common)
        outcome = solve_model(model, time_limit=left(), seed=seed, gap_tol=gap_tol,
                              grace=reserve)
    attempt = 0
    while outcome.assignment is None and outcome.stats.get("proof") == "none":
        # No plan was found and none was proven impossible: an office is not called
        # infeasible on that; search on (other seeds) until a plan, a proof or the limit.
        if deadline - time.perf_counter() - reserve <= MIN_SOLVE_S:
            outcome = SolveOutcome(None, float("nan"), outcome.bound, "time_limit",
                                   "no plan found, and none proven impossible, within the "
                                   "limit", {**outcome.stats, "proof": None})
            break
        attempt += 1
        outcome = solve_model(model, time_limit=left(), seed=seed + attempt, gap_tol=gap_tol,
                              grace=reserve)
        outcome.stats["attempts"] = attempt + 1
    if outcome.assignment is not None:
        x = outcome.assignment
        broken = model_violations(model, x)
        if broken or abs(model.objective(x) - outcome.objective) > 1e-6 * max(
                1.0, outcome.objective):
            raise NavkompetanseError(f"internal error: the plan breaks {broken}")  # a bug
    return SolvedOffice(model, outcome, (), notes, overload)


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
    lang: str = "nb",
    kommunal_only: bool | None = None,
    reserved: Mapping[str, float] | None = None,
) -> AllocationResult:
    """Propose a distribution of brukere over veiledere and pairs.

    Maximises ``Σ fit + continuity bonus + specialty bonus + preference`` so that every
    bruker gets exactly one unit, within each unit's capacity, balance cap and floor (no unit
    above its fair share plus the slack, none below it less the slack), heavy-case limit, the
    moves budget and pinned placements. The continuity bonus is ``policy.continuity_bonus``
    times the bruker's continuity weight (by innsatsgruppe, malgruppe, heavy case, or her
    own); the preference term (``policy.preference_weight``) favours the unit whose member
    who leads the work she leans towards finds it energising. The same input gives the same
    plan (unless ``time_limit`` runs out).

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
        Seconds for the whole call. It returns within ``time_limit`` × 1.1 plus a start-up
        (building the model from the office and writing the result: about 0.1 s at 10,000
        brukere, measured in ``docs/allocation.md``); where the clock would otherwise leave
        no plan, finishing one may take the time set aside for writing it as well (0.13 s
        past a 0.5-s limit at 13,200 brukere on a slow machine). ``status`` is
        ``time_limit`` only when the clock stopped a step before the certified gap reached
        ``gap_tol``.
    allow_overflow : bool
        When the load (or the heavy cases) exceed the office's capacity, place everyone all
        the same: the excess spread in proportion to capacity (each unit at most one bruker
        above its share), heavy cases in proportion to the limits; ``overload`` holds the
        figures and the message starts with them. The user's own hard rules (pins that
        overfill a unit, ``max_moves``, the hard specialty rule) stay infeasible.
    hard_specialty : bool
        Brukere in a malgruppe go only to units with that spesialfelt (when some unit has
        it); otherwise a matching specialty is worth ``policy.specialty_bonus``.
    seed : int
        Passed to ``solve_gap`` in the fallback path.
    gap_tol : float
        Improve the rounded plan only while the certified relative gap is above this (0.1 %
        by default); also the fallback's stopping gap (``solve_gap(rel_gap=...)``). ``status``
        is "optimal" only when the gap is at most 1e-6.
    lang : str
        ``"nb"`` (bokmål, default) or ``"en"``: the language of ``message``, ``label`` and
        ``explain``; ``messages`` holds both.
    kommunal_only : bool, optional
        Brukere with malgruppe ``sosialhjelp`` go only to units with a member whose
        ``ansettelse`` is ``kommunal`` (a hard rule). None (default) takes
        ``policy.kommunal_only``; True or False overrides it for this call. When the rule
        cannot hold the result is ``infeasible`` and the message says how much municipal
        capacity is missing; with ``allow_overflow`` the kommunal units carry their share of
        the office's overload, and only a shortfall beyond that is the rule's.
    reserved : mapping, optional
        ``{ident: points}`` of capacity set aside from a veileder's portfolio, for work that
        is not a portfolio — mentoring above all (``LearningPlan.reserved``: "learning is a
        task in itself"). Her capacity, and so her unit's (a pair's is the members' together
        less the overhead), falls by the points; fair shares and balance caps follow.
        ``stats["reserved"]`` repeats what was reserved.

    Returns
    -------
    AllocationResult
        ``status`` is ``optimal`` (proven), ``feasible`` (with a bound), ``infeasible`` (the
        message names the binding constraint and by how much) or ``time_limit``.

    Raises
    ------
    InvalidInputError
        Unknown idents in ``pairs`` or ``pinned``; in ``reserved`` an unknown ident, points
        that are negative or not a number, or more points than the veileder's capacity (every
        fault at once, each located as ``reserved['Z123456']``).
    ValueError
        A negative ``max_moves``, a non-positive ``time_limit`` or an unknown ``lang``.

    Notes
    -----
    Brukere with identical rows (fit, weight, heavy case, allowed units) form classes; one
    exact LP over classes × units holds every side constraint (HiGHS, column generation), and
    its dual value is the reported ``bound``, valid for the full integer problem. The plan
    rounds the LP solution down class by class, places the few brukere left over, lifts units
    below their floor and improves by moves and swaps. If that fails, prices around
    ``navkompetanse.optimize.solve_gap`` are the fallback. When the time limit comes before
    the LP has a solution, a greedy plan by fit (within every limit) is returned with status
    ``time_limit`` and a bound from prices on the capacity rows. Every constraint is checked
    again on the returned plan. See ``docs/allocation.md``.

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
    started = time.perf_counter()
    policy = _iv_allocate(policy, max_moves, time_limit, lang)
    office = office.canonical()  # one order for the solver: same office, same plan
    names = office_names(office)
    solved = solve_office(
        office, pairs=pairs, policy=policy, max_moves=max_moves, pinned=pinned,
        deadline=started + float(time_limit), allow_overflow=allow_overflow,
        hard_specialty=hard_specialty, seed=seed, gap_tol=gap_tol,
        kommunal_only=kommunal_only, reserved=reserved)
    model, outcome, overload = solved.model, solved.outcome, solved.overload
    if outcome is None:
        return _infeasible(model, solved.diagnoses, lang=lang, names=names, overload=overload)
    if outcome.assignment is None:
        if outcome.status == "infeasible":
            return _infeasible(model, [_packing_diagnosis(model, allow_overflow)], lang=lang,
                               names=names, stats=outcome.stats, overload=overload)
        return _no_plan(model, "time_limit", _both(lambda lg: no_plan_text("time_limit", lg)),
                        lang=lang, names=names, stats=outcome.stats, overload=overload)
    x = outcome.assignment
    notes = solved.notes
    stay = np.where(model.current >= 0, model.current, x)
    n_moves = model.n_moves(x)
    improvement = (model.objective(x) - model.objective(stay)) / n_moves if n_moves else 0.0
    # moves without a gain in cover are moves today's broken limits force (else: no gain)
    forced = bool(n_moves) and improvement <= 5e-4 and bool(model_violations(model, stay))
    gap = max(0.0, outcome.bound - outcome.objective) / max(1.0, abs(outcome.objective))
    if overload is not None:
        overload = _with_units(overload, model, x)
    messages = _both(lambda lg: (overload_text(overload, lg, names, units=False) + " "
                                 if overload is not None else _units_over(model, x, names, lg))
                     + status_message(outcome.status, gap, n_moves, improvement, notes, lg,
                                      forced=forced))
    stats = dict(outcome.stats)
    stats["runtime"] = time.perf_counter() - started
    if reserved:
        stats["reserved"] = {ident: float(points) for ident, points in reserved.items()}
    return _wrap(model, x, status=outcome.status, messages=messages, lang=lang, names=names,
                 bound=outcome.bound, kind="proposal", overflow_ok=model.overflow,
                 stats=stats, overload=overload)


def _units_over(model: AllocationModel, x: np.ndarray, names: Mapping[str, str],
                lang: str) -> str:
    """On an office whose load and heavy cases fit in total: the units a plan with overflow
    loads above their capacity, one sentence each with the figures and why, to lead the
    message — because the heavy-case limits send the heavy cases there
    (``AllocationModel.heavy_forced``), or because whole brukere do not fit within the
    capacities (the retry with one bruker's room); "" when there are none."""
    if not model.overflow:
        return ""
    load = model.loads(x)[0]
    over = load - model.capacity
    forced = (model.heavy_forced if model.heavy_forced is not None
              else np.zeros(model.n_units, dtype=bool))
    return "".join(
        phrase("heavy_over" if forced[u] else "packing_over", lang,
               unit=unit_label(model.unit_ids[u], names), load=fmt(load[u], lang),
               cap=fmt(model.capacity[u], lang), over=fmt(over[u], lang)) + " "
        for u in np.flatnonzero(over > 1e-9))


def office_overload(model: AllocationModel, policy: Policy) -> Overload | None:
    """The office's overload under ``policy`` with the model's units, or None when its load
    and heavy cases fit the capacity and the heavy-case limits."""
    load, cap = float(model.weight.sum()), float(model.capacity.sum())
    n_heavy, heavy_limit = int(model.heavy.sum()), float(model.heavy_limit.sum())
    if not model.n_units or (load <= cap + 1e-9 and n_heavy <= heavy_limit + 1e-9):
        return None
    pair_overhead = sum(
        policy.pair_overhead * policy.capacity_points_per_position * float(model.position[u])
        for u, members in enumerate(model.unit_members) if len(members) == 2)
    return Overload(
        load_points=load, capacity_points=cap, positions=float(model.position.sum()),
        points_per_position=float(policy.capacity_points_per_position),
        heavy_cases=n_heavy, heavy_limit=heavy_limit,
        heavy_per_position=float(policy.heavy_cases_per_position),
        pair_overhead_points=float(pair_overhead))


def _with_units(ov: Overload, model: AllocationModel, x: np.ndarray) -> Overload:
    """The overload with every unit's share of it in plan ``x``."""
    load, _, heavy = model.loads(x)
    over = load - model.capacity
    units = {model.unit_ids[u]: (float(over[u]), float(over[u] / model.capacity[u])
                                 if model.capacity[u] > 0 else float("inf"))
             for u in np.flatnonzero(over > 1e-9)}
    h_over = heavy - model.heavy_limit
    heavy_units = {model.unit_ids[u]: int(round(h_over[u])) for u in np.flatnonzero(h_over > 0.5)}
    return dataclasses.replace(ov, units=units, heavy_units=heavy_units)


def _fixed_result(office: Office, policy: Policy | None, pairs: Any,
                  x_of: Callable[[AllocationModel], np.ndarray], kind: str,
                  lang: str) -> AllocationResult:
    """A distribution that is given, not optimised (today's, or the even split)."""
    lang = check_lang(lang)
    policy = policy if policy is not None else Policy()
    office = office.canonical()  # ufordelte are dealt out in unit order: one order
    names = office_names(office)
    units = resolve_units(office, pairs)
    model, _, _ = build_model(office, units, policy, kommunal_only=policy.kommunal_only)
    if model.n_brukere and not model.n_units:
        messages = _both(lambda lg: phrase("no_veiledere", lg, label=result_label(kind, lg),
                                           n=fmt(model.n_brukere, lg)))
        return _no_plan(model, "infeasible", messages, lang=lang, names=names, kind=kind)
    x = np.asarray(x_of(model), dtype=np.int64)
    records = violation_records(model, x)
    messages = _both(lambda lg: fixed_message(result_label(kind, lg), model.n_brukere,
                                              model.n_units, records, lg, names))
    return _wrap(model, x, status="feasible", messages=messages, lang=lang, names=names,
                 bound=float("nan"), kind=kind, violations=model_violations(model, x),
                 overflow_ok=True)


def status_quo(office: Office, *, policy: Policy | None = None, pairs: Any = None,
               lang: str = "nb") -> AllocationResult:
    """Today's distribution as an :class:`AllocationResult`.

    Brukere stay with their current veileder (or her pair); ufordelte are placed round robin
    over the units in unit order, so the result is deterministic. ``violations`` lists the
    limits today's distribution breaks (the message says them in words); ``status`` is
    ``feasible`` (a complete distribution) and ``bound`` is nan (nothing was optimised).
    ``lang`` (``"nb"`` or ``"en"``) is the language of the message and label (``I dag`` /
    ``Today``).
    """
    def assign(model: AllocationModel) -> np.ndarray:
        x = model.current.copy()
        free = np.flatnonzero(x < 0)
        if free.size and model.n_units:
            x[free] = np.arange(free.size) % model.n_units
        return x

    return _fixed_result(office, policy, pairs, assign, "status_quo", lang)


def naive(office: Office, *, policy: Policy | None = None, pairs: Any = None,
          lang: str = "nb") -> AllocationResult:
    """An even split by count that ignores competence (like splitting by day of birth).

    Brukere sorted by id are dealt out in consecutive blocks, one block per unit, with block
    sizes in proportion to the unit's capacity (largest remainder), so part-time veiledere get
    fewer. ``lang`` as in :func:`status_quo` (label ``Jevn fordeling`` / ``Even split``).
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

    return _fixed_result(office, policy, pairs, assign, "naive", lang)
