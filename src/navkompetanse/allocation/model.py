"""The allocation model as arrays: units, profit, capacities, side constraints and checks.

Private helper of :mod:`navkompetanse.allocation`. Everything here works on numpy arrays built
once from the office; :func:`exact_milp` is the reference model of the *full* problem
(every side constraint as a linear row) that tests and benchmarks measure the fast path against.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import InvalidInputError, Problem
from ..models import DIMENSIONS, Malgruppe, Office, pair_faults
from ..policy import Policy
from ..scoring import (
    MALGRUPPER,
    OfficeArrays,
    continuity_reasons,
    fit_matrix,
    lead_members,
    office_arrays,
    preference_term,
    unit_capacity,
    unit_cover,
)
from ..scoring import unit_id as make_unit_id
from ..text import fmt, join, unit_label

__all__ = [
    "AllocationModel",
    "Diagnosis",
    "build_model",
    "exact_milp",
    "model_violations",
    "office_names",
    "resolve_units",
    "violation_records",
]


@dataclass(frozen=True)
class Diagnosis:
    """Why a plan cannot be made: the binding constraint, its numbers and a fix, nb and en."""

    constraint: str  # "capacity", "heavy", "pinned_capacity", "pinned_heavy", "moves", ...
    nb: str
    en: str
    excess: float = 0.0
    unit: str | None = None

    def text(self, lang: str = "nb") -> str:
        return self.en if lang == "en" else self.nb


def office_names(office: Office) -> dict[str, str]:
    """``{ident: name}`` for the veiledere who have a name (results name units with them)."""
    return {v.ident: v.name for v in office.veiledere if v.name}


def _note(nb: str, en: str) -> dict[str, str]:
    """A note on what was relaxed, in both languages (goes into the result's messages)."""
    return {"nb": nb, "en": en}


def _positions_nb(n: int) -> str:
    return "1 hel stilling" if n == 1 else f"{n} hele stillinger"


def resolve_units(office: Office, pairs: Any) -> list[tuple[str, ...]]:
    """The allocation's units as member tuples: the given pairs, then every other veileder.

    ``pairs`` is ``None`` (use ``office.pairs``), a sequence of ``(ident, ident)`` or of objects
    with ``.members``, or an object with a ``.pairs`` attribute (a ``PairingResult``). Units
    come in office order: a pair sits where its first member stands among the veiledere.
    """
    if pairs is None:
        raw = list(office.pairs)
    elif hasattr(pairs, "pairs"):
        raw = list(pairs.pairs)
    else:
        raw = list(pairs)
    problems: list[Problem] = []
    pairable = {v.ident: v.pairable for v in office.veiledere}
    pair_of: dict[str, tuple[str, ...]] = {}
    for i, item in enumerate(raw):
        members = tuple(item.members) if hasattr(item, "members") else tuple(item)
        faults = pair_faults(members, pairable)
        problems += [Problem(f"pairs[{i}]", "members", message, value, hint)
                     for message, value, hint in faults]
        if faults:
            continue
        taken = [ident for ident in members if ident in pair_of]
        problems += [Problem(f"pairs[{i}]", "members", "veileder is already in a pair", ident,
                             "a veileder can be in one pair at a time") for ident in taken]
        if not taken:
            key = tuple(sorted(members))
            pair_of[members[0]] = key
            pair_of[members[1]] = key
    if problems:
        raise InvalidInputError(problems, source="pairs")
    units: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    for ident in office.idents:
        unit = pair_of.get(ident, (ident,))
        if unit not in seen:
            seen.add(unit)
            units.append(unit)
    return units


@dataclass(frozen=True)
class AllocationModel:
    """One allocation problem as arrays (rows are brukere ``i``, columns are units ``u``).

    The full problem: choose one unit per bruker, ``x[i] = u``, to maximise
    ``Σ_i profit[i, x[i]]`` subject to

    - ``floor[u] ≤ Σ_{i: x[i]=u} weight[i] ≤ cap[u]`` (capacity, already the smaller of the
      unit's capacity and its balance cap; with overflow, the overflow capacity; the floor is
      the fair share less the slack and one bruker's weight, see :func:`balance_floor`);
    - ``#{i heavy: x[i]=u} ≤ heavy_cap[u]`` (heavy cases);
    - ``allowed[i, x[i]]`` (pinned brukere, the hard specialty rule and ``kommunal_only``:
      a bruker in ``kommunal_bruker`` only at a unit in ``kommunal_unit``);
    - ``#{i: current[i] ≥ 0, x[i] ≠ current[i]} ≤ max_moves`` when ``max_moves`` is set.

    The profit is ``fit + specialty bonus + preference`` (``base_profit``) plus
    ``continuity_bonus[i]`` at her current unit: ``Policy.continuity_bonus`` × her continuity
    weight (``scoring.continuity_weights``). ``preference[i, u]`` is
    ``scoring.preference_term``: the work she leans towards, signed by whether the member who
    leads it at ``u`` (``unit_lead``) finds it energising (+) or draining (−); all zero in an
    office without preferences.
    """

    bruker_ids: tuple[str, ...]
    unit_ids: tuple[str, ...]
    unit_members: tuple[tuple[str, ...], ...]
    need: np.ndarray  # need[bruker, dimension]
    cover: np.ndarray  # cover[unit, dimension]
    fit: np.ndarray  # fit[bruker, unit]
    profit: np.ndarray  # profit[bruker, unit] = base_profit + continuity bonus at current
    base_profit: np.ndarray  # fit + specialty bonus + preference (no continuity bonus)
    continuity_bonus: np.ndarray  # per bruker: added to base_profit at her current unit
    specialty_match: np.ndarray  # bool [bruker, unit]: unit has one of her malgrupper
    weight: np.ndarray  # workload points per bruker
    heavy: np.ndarray  # bool per bruker
    capacity: np.ndarray  # unit capacity in points (members' sum less pair overhead)
    fair_share: np.ndarray  # total load × capacity / total capacity
    balance_cap: np.ndarray  # fair share × (1 + balance_slack)
    cap: np.ndarray  # the capacity the solver must respect
    floor: np.ndarray  # the least load a unit must get (balance from below)
    heavy_limit: np.ndarray  # heavy-case limit per unit (policy and max_tunge_saker)
    heavy_cap: np.ndarray  # heavy-case limit the solver must respect
    position: np.ndarray  # full positions per unit
    allowed: np.ndarray | None  # bool [bruker, unit], None = everything allowed
    current: np.ndarray  # unit of today's veileder, -1 = ufordelt
    pinned: np.ndarray  # unit a bruker is pinned to, -1 = free
    max_moves: int | None
    overflow: bool  # capacities raised to absorb an overload (allow_overflow)
    preference: np.ndarray | None = None  # preference term [bruker, unit]; None = all zero
    unit_lead: np.ndarray | None = None  # veileder index leading each kind of work [unit, dim]
    signs: np.ndarray | None = None  # +1 / 0 / -1 [veileder, dim]; None = no preferences
    idents: tuple[str, ...] = ()  # veileder idents (rows of ``signs``)
    continuity_weight: np.ndarray | None = None  # per bruker, a multiple of the policy's bonus
    continuity_reason: tuple[str, ...] = ()  # scoring.CONTINUITY_REASONS code per bruker
    continuity_group: tuple[str | None, ...] = ()  # the innsatsgruppe / malgruppe behind it
    kommunal_only: bool = False
    kommunal_unit: np.ndarray | None = None  # bool per unit: has a municipally employed member
    kommunal_bruker: np.ndarray | None = None  # bool per bruker: sosialhjelp (rule applies)
    #: bool per unit: its cap was raised above its capacity to hold the heavy cases the
    #: heavy-case limits send it (overflow only); None = no unit
    heavy_forced: np.ndarray | None = None

    @property
    def has_preferences(self) -> bool:
        """True when some veileder in the office has a preference (energi or tapper)."""
        return self.signs is not None and bool(np.any(self.signs))

    @property
    def n_brukere(self) -> int:
        return len(self.bruker_ids)

    @property
    def n_units(self) -> int:
        return len(self.unit_ids)

    def moves_mask(self) -> np.ndarray:
        """``moved[i, u]``: bruker i with a current unit would move by going to u."""
        cur = self.current
        mask = (cur >= 0)[:, None] & (np.arange(self.n_units)[None, :] != cur[:, None])
        return mask

    def objective(self, assignment: np.ndarray) -> float:
        idx = np.arange(self.n_brukere)
        return float(self.profit[idx, assignment].sum())

    def loads(self, assignment: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Recomputed ``(load_points, n_brukere, heavy_cases)`` per unit."""
        m = self.n_units
        load = np.bincount(assignment, weights=self.weight, minlength=m).astype(float)
        count = np.bincount(assignment, minlength=m)
        heavy = np.bincount(assignment, weights=self.heavy.astype(float), minlength=m)
        return load, count, heavy.astype(np.int64)

    def n_moves(self, assignment: np.ndarray) -> int:
        cur = self.current
        return int(((cur >= 0) & (assignment != cur)).sum())


def _pinned_units(
    pinned: Mapping[str, str] | None,
    bruker_index: Mapping[str, int],
    unit_index: Mapping[str, int],
    unit_of_ident: Mapping[str, int],
) -> np.ndarray:
    out = np.full(len(bruker_index), -1, dtype=np.int64)
    problems: list[Problem] = []
    for bid, target in (pinned or {}).items():
        if bid not in bruker_index:
            problems.append(Problem(f"pinned[{bid!r}]", "bruker", "no bruker with this id", bid,
                                    "pin brukere by the id they have in the office"))
            continue
        if target in unit_index:
            out[bruker_index[bid]] = unit_index[target]
        elif target in unit_of_ident:
            out[bruker_index[bid]] = unit_of_ident[target]
        else:
            problems.append(Problem(f"pinned[{bid!r}]", "unit",
                                    "names neither a unit nor a veileder", target,
                                    "use a veileder ident (Z123456) or a pair id (Z1+Z2)"))
    if problems:
        raise InvalidInputError(problems, source="pinned")
    return out


def _hard_specialty_mask(bruker_groups: np.ndarray, unit_fields: np.ndarray,
                         within: np.ndarray | None = None) -> np.ndarray:
    """Units a bruker may go to under the hard specialty rule.

    For each of her malgrupper that some unit has as spesialfelt, the unit should have it;
    when no unit has all of them, the units that have the most of them. ``within`` (bool
    [bruker, unit], the ``kommunal_only`` rule) limits the units she may go to at all: the
    specialty is looked for among those.
    """
    offered = unit_fields.any(axis=0)  # malgruppe offered by some unit
    relevant = bruker_groups & offered[None, :]
    covered = relevant.astype(np.int64) @ unit_fields.T.astype(np.int64)  # [bruker, unit]
    if within is not None:
        covered = np.where(within, covered, -1)
    best = covered.max(axis=1, initial=0)
    mask = covered == best[:, None]
    rows = best <= 0
    mask[rows] = True if within is None else within[rows]
    return mask


def build_model(
    office: Office,
    units: Sequence[tuple[str, ...]],
    policy: Policy,
    *,
    pinned: Mapping[str, str] | None = None,
    max_moves: int | None = None,
    hard_specialty: bool = False,
    allow_overflow: bool = False,
    arrays: OfficeArrays | None = None,
    relax_balance: bool = False,
    kommunal_only: bool = False,
    reserved: np.ndarray | None = None,
) -> tuple[AllocationModel, list[Diagnosis], list[dict[str, str]]]:
    """Build the model; return it, the diagnoses that make it infeasible, and overflow notes.

    Overflow notes (``{"nb": ..., "en": ...}``) describe capacities raised because
    ``allow_overflow`` was set. Diagnoses and notes name units with the office's names.
    ``kommunal_only``: brukere with malgruppe sosialhjelp only at units with a member whose
    ``ansettelse`` is ``kommunal`` (a hard rule, in ``allowed`` and checked by
    :func:`model_violations`).
    ``reserved``: points per veileder (office order) taken from her capacity before anything
    else, e.g. for mentoring (``LearningPlan.reserved``); a pair's capacity and every fair
    share follow from the lowered capacities. Checked by the caller (never above capacity).
    """
    arr = arrays if arrays is not None else office_arrays(office, policy)
    if reserved is not None and np.any(reserved):
        arr = dataclasses.replace(arr, capacity=arr.capacity - np.asarray(reserved, dtype=float))
    names = office_names(office)
    ident_index = {ident: k for k, ident in enumerate(arr.idents)}
    members_idx = [tuple(ident_index[i] for i in unit) for unit in units]
    unit_ids = tuple(make_unit_id(unit) for unit in units)
    unit_index = {uid: u for u, uid in enumerate(unit_ids)}
    unit_of_ident = {ident: u for u, unit in enumerate(units) for ident in unit}
    n, m = len(arr.bruker_ids), len(units)

    cover = unit_cover(arr.levels, members_idx) if m else np.zeros((0, 4), dtype=np.int64)
    fit = fit_matrix(arr.need, cover, policy)
    veileder_unit = np.array([unit_of_ident[i] for i in arr.idents], dtype=np.int64)
    if n == 0 or len(veileder_unit) == 0:  # nobody to place, or nobody placed today
        current = np.full(n, -1, dtype=np.int64)
    else:
        current = np.where(arr.current >= 0, veileder_unit[np.maximum(arr.current, 0)], -1)
    unit_fields = np.zeros((m, len(MALGRUPPER)), dtype=bool)
    for u, idx in enumerate(members_idx):
        unit_fields[u] = arr.spesialfelt[list(idx)].any(axis=0)
    specialty_match = (arr.malgrupper.astype(np.int64) @ unit_fields.T.astype(np.int64)) > 0

    base_profit = fit.copy()
    if not hard_specialty:
        base_profit += policy.specialty_bonus * specialty_match
    # Preferences: who leads each kind of work at each unit, and the soft term for it (added
    # only when some veileder has a preference, so an office without them is unchanged).
    signs = arr.preference
    unit_lead = (lead_members(arr.levels, signs, members_idx) if m
                 else np.zeros((0, len(DIMENSIONS)), dtype=np.int64))
    preference: np.ndarray | None = None
    if m and np.any(signs) and policy.preference_weight > 0:
        unit_signs = signs[unit_lead, np.arange(len(DIMENSIONS))[None, :]]
        preference = preference_term(arr.need, unit_signs, policy.preference_weight)
        base_profit += preference
    profit = base_profit.copy()
    bonus = policy.continuity_bonus * np.asarray(arr.continuity, dtype=float)
    has_current = current >= 0
    rows = np.flatnonzero(has_current)
    profit[rows, current[rows]] += bonus[rows]
    kommunal_unit = np.array([bool(arr.kommunal[list(idx)].any()) for idx in members_idx],
                             dtype=bool)
    sosial = arr.malgrupper[:, MALGRUPPER.index(Malgruppe.sosialhjelp)].astype(bool)
    kommunal_bruker = sosial if kommunal_only else np.zeros(n, dtype=bool)

    capacity = unit_capacity(arr.capacity, members_idx, policy.pair_overhead)
    position = np.array([sum(office.veiledere[k].position for k in idx) for idx in members_idx])
    heavy_limit = np.array([arr.heavy_limit[list(idx)].sum() for idx in members_idx])
    weight = arr.workload.astype(float)
    heavy = arr.tung.astype(bool)
    total_load = float(weight.sum())
    total_cap = float(capacity.sum())
    fair = total_load * capacity / total_cap if total_cap > 0 else np.zeros(m)
    balance_cap = fair * (1.0 + policy.balance_slack)

    pinned_u = _pinned_units(pinned, {b: i for i, b in enumerate(arr.bruker_ids)}, unit_index,
                             unit_of_ident)
    allowed: np.ndarray | None = None
    if kommunal_bruker.any() and m:
        allowed = np.ones((n, m), dtype=bool)
        allowed[np.ix_(np.flatnonzero(kommunal_bruker), np.flatnonzero(~kommunal_unit))] = False
    if hard_specialty and m:
        allowed = _hard_specialty_mask(arr.malgrupper, unit_fields, allowed)
    # A pin that breaks the kommunal rule is the user's contradiction: diagnosed below.
    pin_breaks = np.flatnonzero((pinned_u >= 0) & kommunal_bruker
                                & ~kommunal_unit[np.maximum(pinned_u, 0)]) if m else []
    if (pinned_u >= 0).any():
        if allowed is None:
            allowed = np.ones((n, m), dtype=bool)
        rows = np.flatnonzero(pinned_u >= 0)
        allowed[rows] = False
        allowed[rows, pinned_u[rows]] = True
    if allowed is not None and allowed.all():
        allowed = None

    diagnoses: list[Diagnosis] = []
    notes: list[dict[str, str]] = []
    cap = np.minimum(capacity, balance_cap)
    heavy_cap = heavy_limit.astype(float).copy()
    w_max = float(weight.max()) if n else 0.0
    floor = balance_floor(fair, policy.balance_slack, w_max)
    if relax_balance:  # whole brukere could not be dealt within the caps: one bruker's room
        cap = np.maximum(cap, fair + w_max)
        # and no balance floor: with overflow, placing everyone comes before the floors (units
        # competing for the same light brukere could not all reach theirs)
        floor = np.zeros_like(floor)
        notes.append(_note(
            "Balansegrensen er hevet med inntil én bruker per enhet, og balansegulvet er tatt "
            "bort, for at hele brukere skal gå opp.",
            "The balance cap is raised by up to one bruker per unit, and the balance floor "
            "dropped, so that whole brukere can be dealt out."))
    per_pos = policy.capacity_points_per_position
    overflow = relax_balance
    if m == 0 and n > 0:
        diagnoses.append(Diagnosis(
            "capacity",
            f"Kontoret har ingen veiledere å fordele {fmt(n)} brukere på — legg til veiledere.",
            f"The office has no veiledere to take {fmt(n, 'en')} brukere — add veiledere.",
            excess=total_load))
    elif total_load > total_cap + 1e-9:
        excess = total_load - total_cap
        if allow_overflow:
            overflow = True
            # Spread the excess in proportion to capacity; one bruker's weight of room per
            # unit keeps the packing possible.
            cap = fair + w_max
            # (allocate_portfolios reports the overload itself: Overload, first in the message)
        else:
            positions = math.ceil(excess / per_pos - 1e-9)
            diagnoses.append(Diagnosis(
                "capacity",
                f"Samlet arbeidsmengde {fmt(total_load)} poeng er {fmt(excess)} poeng over "
                f"kapasiteten {fmt(total_cap)} — legg til {_positions_nb(positions)} eller øk "
                f"poeng per stilling",
                f"Total workload {fmt(total_load, 'en')} points exceeds capacity "
                f"{fmt(total_cap, 'en')} by {fmt(excess, 'en')} points — add {positions} full "
                f"position{'s' if positions != 1 else ''} or raise points per position",
                excess=excess))
    n_heavy = int(heavy.sum())
    total_heavy = float(heavy_limit.sum())
    heavy_overflow = False
    heavy_forced = None
    if m and n_heavy > total_heavy:
        excess = n_heavy - total_heavy
        if allow_overflow:
            overflow = heavy_overflow = True
            share = heavy_limit / total_heavy if total_heavy > 0 else position / position.sum()
            heavy_cap = np.ceil(share * n_heavy - 1e-9)
        else:
            hcp = policy.heavy_cases_per_position
            positions = math.ceil(excess / hcp - 1e-9) if hcp > 0 else 0
            diagnoses.append(Diagnosis(
                "heavy",
                f"Kontoret har {fmt(n_heavy)} tunge saker, {fmt(excess)} over grensen "
                f"{fmt(total_heavy)} for alle veiledere samlet — legg til "
                f"{_positions_nb(positions)} eller øk grensen for tunge saker per stilling",
                f"The office has {fmt(n_heavy, 'en')} heavy cases, {fmt(excess, 'en')} over the "
                f"combined "
                f"limit {fmt(total_heavy, 'en')} — add {positions} full "
                f"position{'s' if positions != 1 else ''} or raise the heavy-case limit per "
                f"position",
                excess=excess))

    if allow_overflow and m and n_heavy and (heavy_overflow or relax_balance):
        # The heavy cases the limits send to a unit can carry more points than its cap (a
        # unit whose veileder takes none leaves them all to the others; on an overloaded
        # office, or on a retry after no plan was found). What the limits force on the
        # units: the heavy cases dealt heaviest first, each to the unit with the most room
        # left among those under their limit that it may go to (pins, the kommunal and
        # specialty rules) — one way to place them all. A unit whose share is more than its
        # cap gets its cap raised to that share plus room for one bruker who is not a heavy
        # case; the points above capacity are its overflow, reported like any other. Where
        # the share fits, nothing changes. Not what a unit may take (that lifted every cap
        # where the limits leave a choice, and one unit got every heavy case), nor what the
        # others' limits leave over for one unit (that missed units that must carry them
        # together), nor room for another heavy case (one unit took 24 points where 18 + 18
        # was the even split).
        rows = np.flatnonzero(heavy)
        rows = rows[np.argsort(-weight[rows], kind="stable")]  # heaviest first
        by_weight = np.concatenate([[0.0], np.cumsum(weight[rows])])
        forced = _heavy_shares(weight[rows], cap, heavy_cap,
                               None if allowed is None else allowed[rows])
        w_light = float(weight[~heavy].max(initial=0.0))
        raise_cap = forced > cap + 1e-9 * np.maximum(1.0, cap)
        if raise_cap.any():  # the message of a plan leads with a unit over its capacity
            overflow = True
            cap = np.where(raise_cap, forced + w_light, cap)
            heavy_forced = raise_cap
        # and a unit that may take few heavy cases may not reach its balance floor on the
        # other brukere alone: its floor is what it can reach (the heavy cases its limit
        # lets it take, the heaviest), less one bruker
        may = by_weight[np.minimum(heavy_cap, n_heavy).astype(np.int64)]
        light = float(weight[~heavy].sum())
        reach = light + may
        floor = np.where(floor > reach - w_max, np.maximum(reach - w_max, 0.0), floor)
        # ... and the units share the same light brukere: a floor is at most the unit's share
        # of the heavy cases (as dealt above) and its fair part of the light brukere, less
        # one light bruker, so the floors can be reached together (each alone could reach
        # its floor, together not: no plan at 57 % load, random offices of a review and a
        # fuzz; less a heavy case's weight left a unit with no brukere at all)
        part = fair / fair.sum() if fair.sum() > 0 else np.full(m, 1.0 / m)
        floor = np.minimum(floor, np.maximum(forced + light * part - w_light, 0.0))

    # Pinned brukere alone must fit where they are pinned: a pin is the user's rule, so it is
    # never absorbed by the overflow rule (with overflow, "fit" means within the unit's share
    # of the overload).
    if (pinned_u >= 0).any() and m:
        pin_rows = pinned_u >= 0
        pin_load = np.bincount(pinned_u[pin_rows], weights=weight[pin_rows], minlength=m)
        pin_heavy = np.bincount(pinned_u[pin_rows], weights=heavy[pin_rows].astype(float),
                                minlength=m)
        for u in np.flatnonzero(pin_load > cap + 1e-9):
            label = unit_label(unit_ids[u], names)
            over = float(pin_load[u] - cap[u])
            what_nb = "balansegrensen" if cap[u] < capacity[u] - 1e-9 else "kapasiteten"
            what_en = "balance cap" if cap[u] < capacity[u] - 1e-9 else "capacity"
            diagnoses.append(Diagnosis(
                "pinned_capacity",
                f"Brukere som er låst til {label} har {fmt(pin_load[u])} poeng, "
                f"{fmt(over)} poeng over {what_nb} {fmt(cap[u])} — lås færre brukere dit",
                f"Brukere pinned to {label} carry {fmt(pin_load[u], 'en')} points, "
                f"{fmt(over, 'en')} points over its {what_en} {fmt(cap[u], 'en')} — pin fewer "
                f"brukere there",
                excess=over, unit=unit_ids[u]))
        for u in np.flatnonzero(pin_heavy > heavy_cap + 1e-9):
            label = unit_label(unit_ids[u], names)
            over = float(pin_heavy[u] - heavy_cap[u])
            diagnoses.append(Diagnosis(
                "pinned_heavy",
                f"{label} har {fmt(pin_heavy[u])} låste tunge saker, {fmt(over)} over "
                f"grensen {fmt(heavy_cap[u])} — lås færre tunge saker dit",
                f"{label} has {fmt(pin_heavy[u], 'en')} pinned heavy cases, "
                f"{fmt(over, 'en')} over its limit {fmt(heavy_cap[u], 'en')} — pin fewer heavy "
                f"cases there",
                excess=over, unit=unit_ids[u]))

    if kommunal_bruker.any() and m:
        diagnoses += _kommunal_diagnoses(
            weight, heavy, kommunal_bruker, kommunal_unit, pinned_u, pin_breaks,
            cap, heavy_cap, np.minimum(floor, cap), unit_ids, names, per_pos,
            overflow=overflow and not relax_balance, earlier=bool(diagnoses))

    # Brukere restricted to a set of units (hard specialty) must fit in those units together.
    if allowed is not None and not diagnoses and m:
        patterns = np.unique(allowed, axis=0)
        for pattern in patterns:
            if pattern.all():
                continue
            inside = ~(allowed & ~pattern[None, :]).any(axis=1)  # allowed set within pattern
            load = float(weight[inside].sum())
            room = float(cap[pattern].sum())
            if load > room + 1e-9:
                listed = ", ".join(unit_label(unit_ids[u], names)
                                   for u in np.flatnonzero(pattern))
                why_nb = join([w for w, on in (("spesialfelt", hard_specialty),
                                               ("kommunalt ansatt", kommunal_only),
                                               ("låst", (pinned_u >= 0).any())) if on])
                why_en = join([w for w, on in (("specialty", hard_specialty),
                                               ("municipally employed", kommunal_only),
                                               ("pinned", (pinned_u >= 0).any())) if on], "en")
                fix_nb = ("slå av regelen om spesialfelt eller gi flere veiledere spesialfeltet"
                          if hard_specialty else "lås færre brukere dit")
                fix_en = ("turn off the hard specialty rule or give more veiledere the "
                          "specialty" if hard_specialty else "pin fewer brukere there")
                diagnoses.append(Diagnosis(
                    "specialty",
                    f"Brukere som bare kan gå til {listed} ({why_nb}) har "
                    f"{fmt(load)} poeng, {fmt(load - room)} over disse enhetenes kapasitet "
                    f"{fmt(room)} — {fix_nb}",
                    f"Brukere who may only go to {listed} ({why_en}) carry "
                    f"{fmt(load, 'en')} points, {fmt(load - room, 'en')} over those units' "
                    f"capacity {fmt(room, 'en')} — {fix_en}",
                    excess=load - room))

    if max_moves is not None and not diagnoses and m:
        forced = _forced_moves(weight, heavy, current, cap, heavy_cap, allowed,
                               np.minimum(floor, cap))
        if forced > max_moves:
            rule_nb = ", regelen om kommunalt ansatte" if kommunal_bruker.any() else ""
            rule_en = ", the kommunal_only rule" if kommunal_bruker.any() else ""
            diagnoses.append(Diagnosis(
                "moves",
                f"Minst {fmt(forced)} brukere må bytte veileder (låste brukere, kapasitet, "
                f"grenser for tunge saker, balanse{rule_nb}), men grensen for antall bytter er "
                f"{max_moves} — øk den til {forced}",
                f"At least {fmt(forced, 'en')} brukere must change veileder (pinned brukere, "
                f"capacity, heavy-case limits, balance{rule_en}) but max_moves is {max_moves} "
                f"— raise max_moves to {forced}",
                excess=float(forced - max_moves)))

    reasons = tuple(continuity_reasons(office.brukere, policy))
    model = AllocationModel(
        bruker_ids=arr.bruker_ids, unit_ids=unit_ids, unit_members=tuple(tuple(u) for u in units),
        need=arr.need, cover=cover, fit=fit, profit=profit, specialty_match=specialty_match,
        weight=weight, heavy=heavy, capacity=capacity, fair_share=fair, balance_cap=balance_cap,
        cap=cap, floor=np.minimum(floor, cap), heavy_limit=heavy_limit.astype(float),
        heavy_cap=heavy_cap, position=position,
        base_profit=base_profit, continuity_bonus=bonus,
        allowed=allowed, current=current.astype(np.int64), pinned=pinned_u,
        max_moves=max_moves, overflow=overflow,
        preference=preference, unit_lead=unit_lead,
        signs=signs if np.any(signs) else None, idents=tuple(arr.idents),
        continuity_weight=np.asarray(arr.continuity, dtype=float),
        continuity_reason=reasons, continuity_group=_continuity_groups(office, reasons, policy),
        kommunal_only=bool(kommunal_only), kommunal_unit=kommunal_unit,
        kommunal_bruker=kommunal_bruker, heavy_forced=heavy_forced,
    )
    return model, diagnoses, notes


_KOMMUNAL_RULE_NB = ("Regelen om at bare kommunalt ansatte følger opp økonomisk sosialhjelp "
                     "kan ikke holde: ")
_KOMMUNAL_RULE_EN = ("The rule that only municipally employed veiledere follow up økonomisk "
                     "sosialhjelp cannot hold: ")
_KOMMUNAL_OFF_NB = "eller slå av regelen"
_KOMMUNAL_OFF_EN = "or turn off the rule (kommunal_only)"


def _missing_nb(points: float, per_pos: float) -> str:
    n = math.ceil(points / per_pos - 1e-9) if per_pos > 0 else 0
    return f"det mangler {fmt(points)} poeng kommunal kapasitet ({_positions_nb(n)})"


def _missing_en(points: float, per_pos: float) -> str:
    n = math.ceil(points / per_pos - 1e-9) if per_pos > 0 else 0
    return (f"{fmt(points, 'en')} points of municipal capacity are missing ({n} full "
            f"position{'s' if n != 1 else ''})")


def _kommunal_diagnoses(weight, heavy, kb, ku, pinned_u, pin_breaks, cap, heavy_cap, floor,
                        unit_ids, names, per_pos, *, overflow: bool,
                        earlier: bool) -> list[Diagnosis]:
    """Why the ``kommunal_only`` rule cannot hold, with the municipal capacity missing.

    ``kb``: brukere the rule applies to (sosialhjelp); ``ku``: units with a municipally
    employed member. Checked: no such unit at all; brukere pinned against the rule; their load
    and heavy cases against those units' capacity (with overflow: their share of the overload,
    so an office overloaded in total is not blamed on the rule); and whether the other units
    can still reach their balance floor. With ``earlier`` diagnoses (the office's own capacity)
    only the first two are reported: a total overload is not the rule's fault.
    """
    out: list[Diagnosis] = []
    load = float(weight[kb].sum())
    n_k = int(kb.sum())
    if not ku.any():
        out.append(Diagnosis(
            "kommunal",
            f"{_KOMMUNAL_RULE_NB}{fmt(n_k)} brukere med sosialhjelp har {fmt(load)} poeng, men "
            f"kontoret har ingen kommunalt ansatt veileder; {_missing_nb(load, per_pos)} — "
            f"registrer ansettelse kommunal for dem som er det, {_KOMMUNAL_OFF_NB}",
            f"{_KOMMUNAL_RULE_EN}{fmt(n_k, 'en')} brukere on sosialhjelp carry "
            f"{fmt(load, 'en')} points but the office has no municipally employed veileder; "
            f"{_missing_en(load, per_pos)} — record ansettelse kommunal for those who are, "
            f"{_KOMMUNAL_OFF_EN}",
            excess=load))
        return out
    for u in sorted({int(pinned_u[i]) for i in pin_breaks}):
        k = int(((pinned_u == u) & kb).sum())
        label = unit_label(unit_ids[u], names)
        out.append(Diagnosis(
            "kommunal_pinned",
            f"{_KOMMUNAL_RULE_NB}{fmt(k)} brukere med sosialhjelp er låst til {label}, som ikke "
            f"har en kommunalt ansatt veileder — lås dem til en enhet med en kommunalt ansatt "
            f"{_KOMMUNAL_OFF_NB}",
            f"{_KOMMUNAL_RULE_EN}{fmt(k, 'en')} brukere on sosialhjelp are pinned to {label}, "
            f"which has no municipally employed member — pin them to a unit with one "
            f"{_KOMMUNAL_OFF_EN}",
            excess=float(k), unit=unit_ids[u]))
    if earlier or out:
        return out
    k_units = np.flatnonzero(ku)
    if k_units.size == 1:
        where_nb = where_en = unit_label(unit_ids[k_units[0]], names)
    else:
        where_nb = f"de {fmt(k_units.size)} enhetene med en kommunalt ansatt veileder"
        where_en = f"the {fmt(k_units.size, 'en')} units with a municipally employed member"
    room = float(cap[ku].sum())
    if overflow:
        qual_nb, qual_en = " med sin andel av kontorets overbelastning", (
            " with their share of the office's overload")
    else:
        qual_nb, qual_en = " innenfor balansegrensen", " within the balance cap"
    if load > room + 1e-9:
        missing = load - room
        out.append(Diagnosis(
            "kommunal",
            f"{_KOMMUNAL_RULE_NB}brukerne med sosialhjelp har {fmt(load)} poeng, men "
            f"{where_nb} kan ta {fmt(room)} poeng{qual_nb}; {_missing_nb(missing, per_pos)} — "
            f"gi flere kommunalt ansatte veiledere, øk balansemarginen {_KOMMUNAL_OFF_NB}",
            f"{_KOMMUNAL_RULE_EN}the brukere on sosialhjelp carry {fmt(load, 'en')} points but "
            f"{where_en} can take {fmt(room, 'en')} points{qual_en}; "
            f"{_missing_en(missing, per_pos)} — add municipally employed veiledere, raise "
            f"balance_slack {_KOMMUNAL_OFF_EN}",
            excess=missing))
    n_heavy = int(heavy[kb].sum())
    heavy_room = float(heavy_cap[ku].sum())
    if n_heavy > heavy_room + 1e-9:
        over = n_heavy - heavy_room
        out.append(Diagnosis(
            "kommunal_heavy",
            f"{_KOMMUNAL_RULE_NB}brukerne med sosialhjelp har {fmt(n_heavy)} tunge saker, men "
            f"{where_nb} kan ta {fmt(heavy_room)}; {fmt(over)} for mange — gi flere kommunalt "
            f"ansatte veiledere {_KOMMUNAL_OFF_NB}",
            f"{_KOMMUNAL_RULE_EN}the brukere on sosialhjelp have {fmt(n_heavy, 'en')} heavy "
            f"cases but {where_en} can take {fmt(heavy_room, 'en')}; {fmt(over, 'en')} too "
            f"many — add municipally employed veiledere {_KOMMUNAL_OFF_EN}",
            excess=float(over)))
    rest = float(weight[~kb].sum())
    need = float(floor[~ku].sum())
    if rest < need - 1e-9:
        out.append(Diagnosis(
            "kommunal_floor",
            f"{_KOMMUNAL_RULE_NB}enhetene uten kommunalt ansatt kan bare få brukere uten "
            f"sosialhjelp, {fmt(rest)} poeng, men balansegulvet krever {fmt(need)} poeng der — "
            f"øk balansemarginen {_KOMMUNAL_OFF_NB}",
            f"{_KOMMUNAL_RULE_EN}the units without a municipally employed member can only take "
            f"brukere not on sosialhjelp, {fmt(rest, 'en')} points, but their balance floors "
            f"need {fmt(need, 'en')} points — raise balance_slack {_KOMMUNAL_OFF_EN}",
            excess=need - rest))
    return out


def _heavy_shares(heaviest: np.ndarray, cap: np.ndarray, heavy_cap: np.ndarray,
                  allowed: np.ndarray | None = None) -> np.ndarray:
    """Points of heavy cases each unit gets when they are dealt heaviest first (``heaviest``
    sorted so; ``allowed[case, unit]`` where they may go, None = anywhere), each to the unit
    with the most room left (``cap`` less what it got) among the units still under their
    heavy-case limit; a case no such unit may take is left out (the rules' own diagnoses
    speak for it)."""
    got = np.zeros(cap.size)
    left = np.floor(heavy_cap + 1e-9)
    room = np.asarray(cap, dtype=float).copy()
    for k, w in enumerate(heaviest):
        ok = left >= 1
        if allowed is not None:
            ok &= allowed[k]
        if not ok.any():
            continue
        u = int(np.argmax(np.where(ok, room, -np.inf)))
        got[u] += w
        room[u] -= w
        left[u] -= 1
    return got


def _continuity_groups(office: Office, reasons: Sequence[str],
                       policy: Policy) -> tuple[str | None, ...]:
    """The innsatsgruppe or malgruppe behind each bruker's continuity weight (None for the
    other reasons): what the explanation names."""
    out: list[str | None] = []
    by_malgruppe = policy.continuity_weight_malgruppe
    for b, reason in zip(office.brukere, reasons, strict=True):
        if reason == "innsatsgruppe":
            out.append(b.innsatsgruppe.value if b.innsatsgruppe else None)
        elif reason == "malgruppe":
            groups = [Malgruppe(g) for g in b.malgrupper if Malgruppe(g) in by_malgruppe]
            out.append(max(groups, key=lambda g: by_malgruppe[g]).value if groups else None)
        else:
            out.append(None)
    return tuple(out)


#: The balance floor is the fair share less this share of the policy's ``balance_slack`` (the
#: same slack as the cap above, mirrored) — a Policy field ``balance_floor_slack`` would make it
#: its own setting.
FLOOR_SLACK_FACTOR = 1.0


def balance_floor(fair: np.ndarray, slack: float, w_max: float) -> np.ndarray:
    """The least load a unit must get: ``fair × (1 − slack) − w_max``, never below 0.

    One bruker's weight (the largest) is taken off so that whole brukere can always be dealt
    out: dealing each bruker to the unit furthest below its fair share leaves every unit
    within ``w_max`` of it.
    """
    return np.maximum(np.asarray(fair, dtype=float) * (1.0 - FLOOR_SLACK_FACTOR * slack)
                      - w_max, 0.0)


def _forced_moves(weight, heavy, current, cap, heavy_cap, allowed, floor=None) -> int:
    """A lower bound on the moves any plan needs.

    Per unit: the brukere it may not keep (pinned elsewhere, or barred by the hard specialty
    rule: both are in ``allowed``), and the fewest brukere whose removal brings today's load
    and heavy cases within the limits; or, when larger, the fewest moves that lift the units
    below their balance floor after the ufordelte have filled what they can.
    """
    n = len(weight)
    m = len(cap)
    forced = 0
    stays = current >= 0
    if allowed is not None:
        idx = np.flatnonzero(stays)
        ok = np.zeros(n, dtype=bool)
        ok[idx] = allowed[idx, current[idx]]
        forced += int((stays & ~ok).sum())
        stays &= ok
    for u in range(m):
        here = stays & (current == u)
        w = np.sort(weight[here])[::-1]
        over = float(w.sum()) - cap[u]
        k_load = int(np.searchsorted(np.cumsum(w), over - 1e-9) + 1) if over > 1e-9 else 0
        k_heavy = max(0, int(heavy[here].sum() - heavy_cap[u]))
        forced += max(k_load, k_heavy)
    if floor is not None and m and n:
        today = np.bincount(current[stays], weights=weight[stays], minlength=m)
        deficit = float(np.maximum(floor - today, 0.0).sum())
        free_load = float(weight[current < 0].sum())
        w_max = float(weight.max())
        if deficit - free_load > 1e-9 and w_max > 0:
            forced = max(forced, math.ceil((deficit - free_load) / w_max - 1e-9))
    return forced


def violation_records(model: AllocationModel,
                      assignment: np.ndarray) -> list[tuple[str, str | None, float, float]]:
    """Every hard constraint the assignment breaks, recomputed from the model's arrays.

    One ``(kind, unit id or None, value, limit)`` per broken limit; ``kind`` is one of
    ``capacity``, ``floor``, ``heavy``, ``allowed``, ``kommunal`` (a sosialhjelp bruker at a
    unit without a municipally employed member, under ``kommunal_only``), ``moves`` or
    ``unplaced``. The texts a
    reader sees are made from these by ``text.allocation.violation_text``.
    """
    out: list[tuple[str, str | None, float, float]] = []
    a = np.asarray(assignment)
    n, m = model.n_brukere, model.n_units
    if a.shape != (n,) or (n and (a.min() < 0 or a.max() >= m)):
        return [("unplaced", None, float(n), float(n))]
    load, _, heavy = model.loads(a)
    tol = 1e-7 * np.maximum(1.0, model.cap)
    ids = model.unit_ids
    out += [("capacity", ids[u], float(load[u]), float(model.cap[u]))
            for u in np.flatnonzero(load > model.cap + tol)]
    out += [("floor", ids[u], float(load[u]), float(model.floor[u]))
            for u in np.flatnonzero(load < model.floor - tol)]
    out += [("heavy", ids[u], float(heavy[u]), float(model.heavy_cap[u]))
            for u in np.flatnonzero(heavy > model.heavy_cap + 1e-9)]
    if model.allowed is not None and n and not model.allowed[np.arange(n), a].all():
        bad = int((~model.allowed[np.arange(n), a]).sum())
        out.append(("allowed", None, float(bad), 0.0))
    if model.kommunal_only and model.kommunal_bruker is not None and n:
        bad = int((model.kommunal_bruker & ~model.kommunal_unit[a]).sum())
        if bad:
            out.append(("kommunal", None, float(bad), 0.0))
    if model.max_moves is not None and model.n_moves(a) > model.max_moves:
        out.append(("moves", None, float(model.n_moves(a)), float(model.max_moves)))
    return out


def model_violations(model: AllocationModel, assignment: np.ndarray) -> list[str]:
    """Every hard constraint the assignment breaks, as short codes for logs and ``to_dict``
    (``"Z1: load 12.00 > 10.00"``); empty when the assignment keeps every limit."""
    return [_VIOLATION_CODES[kind].format(unit=unit, value=value, limit=limit)
            for kind, unit, value, limit in violation_records(model, assignment)]


_VIOLATION_CODES = {
    "capacity": "{unit}: load {value:.2f} > {limit:.2f}",
    "floor": "{unit}: load {value:.2f} < balance floor {limit:.2f}",
    "heavy": "{unit}: {value:.0f} heavy cases > {limit:.0f}",
    "allowed": "{value:.0f} brukere at a unit they may not go to",
    "kommunal": "{value:.0f} sosialhjelp brukere at a unit without a kommunal member",
    "moves": "{value:.0f} moves > max_moves {limit:.0f}",
    "unplaced": "not every bruker has exactly one unit",
}


@dataclass(frozen=True)
class MilpSolution:
    """Result of :func:`exact_milp`."""

    assignment: np.ndarray | None
    objective: float
    bound: float
    status: str  # "optimal", "feasible", "infeasible", "time_limit"
    runtime: float


def exact_milp(model: AllocationModel, *, time_limit: float | None = None,
               rel_gap: float = 1e-9) -> MilpSolution:
    """Solve the full model exactly with ``scipy.optimize.milp`` (HiGHS).

    Variables ``x[i, u]`` for allowed pairs only; rows: one unit per bruker, capacity, heavy
    cases per unit, and the moves budget. This is the reference the fast path is measured
    against; it is exact but slow on large offices. ``rel_gap`` is milp's stopping gap.
    """
    import time

    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_array, vstack

    start = time.perf_counter()
    n, m = model.n_brukere, model.n_units
    mask = model.allowed if model.allowed is not None else np.ones((n, m), dtype=bool)
    rows, cols = np.nonzero(mask)
    nv = len(rows)
    c = -model.profit[rows, cols]
    var = np.arange(nv)
    assign = csr_array((np.ones(nv), (rows, var)), shape=(n, nv))
    capacity = csr_array((model.weight[rows], (cols, var)), shape=(m, nv))
    hv = model.heavy[rows]
    heavy = csr_array((np.ones(int(hv.sum())), (cols[hv], var[hv])), shape=(m, nv))
    blocks = [assign, capacity, heavy]
    lower = [np.ones(n), model.floor - 1e-9, np.full(m, -np.inf)]
    upper = [np.ones(n), model.cap + 1e-9, model.heavy_cap + 1e-9]
    if model.max_moves is not None:
        moved = (model.current[rows] >= 0) & (cols != model.current[rows])
        blocks.append(csr_array((np.ones(int(moved.sum())), (np.zeros(int(moved.sum()), int),
                                                             var[moved])), shape=(1, nv)))
        lower.append(np.array([-np.inf]))
        upper.append(np.array([float(model.max_moves)]))
    a = vstack(blocks).tocsr()
    options: dict[str, Any] = {"mip_rel_gap": float(rel_gap)}
    if time_limit is not None:
        options["time_limit"] = max(float(time_limit), 0.01)
    res = milp(c, constraints=LinearConstraint(a, np.concatenate(lower), np.concatenate(upper)),
               integrality=np.ones(nv), bounds=Bounds(0, 1), options=options)
    runtime = time.perf_counter() - start
    if res.x is None:
        status = "infeasible" if res.status == 2 else "time_limit"
        return MilpSolution(None, float("nan"), float("inf"), status, runtime)
    chosen = res.x > 0.5
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[rows[chosen]] = cols[chosen]
    bound = -float(getattr(res, "mip_dual_bound", res.fun))
    gap = (bound - model.objective(assignment)) / max(1.0, abs(model.objective(assignment)))
    status = "optimal" if res.status == 0 and gap <= max(rel_gap, 1e-9) else "time_limit"
    return MilpSolution(assignment, model.objective(assignment), bound, status, runtime)
