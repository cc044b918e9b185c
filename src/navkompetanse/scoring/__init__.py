"""Scoring core: needs, workload, capacity, the cover of a unit and the fit matrix (numpy).

Everything here is a pure function on arrays. Domain objects are turned into arrays once, by
:func:`office_arrays`; the rest never touches pydantic.

Notation: levels are ints 1–5 in :data:`~navkompetanse.models.DIMENSIONS` order
(relasjonell, struktur, forvaltning, digital). A *unit* is one veileder or a pair; its *cover*
is the level it brings to each dimension (for a pair, the stronger member's level: that member
leads that kind of task).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..models import DIMENSIONS, Bruker, Innsatsgruppe, Malgruppe, Office, Veileder
from ..policy import NO_DECISION, Policy
from .preference import (
    continuity_reasons,
    continuity_weights,
    lead_members,
    preference_signs,
    preference_term,
    unit_preference,
    work_lean,
)

__all__ = [
    "GROUP_KEYS",
    "MALGRUPPER",
    "OfficeArrays",
    "capacity_points",
    "continuity_reasons",
    "continuity_weights",
    "lead_members",
    "preference_signs",
    "preference_term",
    "unit_preference",
    "work_lean",
    "fit_matrix",
    "heavy_case_limits",
    "need_levels",
    "office_arrays",
    "penalty_scale",
    "shortfall",
    "pair_capacity",
    "unit_capacity",
    "unit_cover",
    "unit_id",
    "workload_points",
]

N_DIM = len(DIMENSIONS)
GROUP_KEYS: tuple[str, ...] = (*(g.value for g in Innsatsgruppe), NO_DECISION)
MALGRUPPER: tuple[Malgruppe, ...] = tuple(Malgruppe)
_GROUP_INDEX = {key: i for i, key in enumerate(GROUP_KEYS)}


def _group_index(brukere: Sequence[Bruker]) -> np.ndarray:
    """Each bruker's row in the policy's tables (``GROUP_KEYS``).

    The innsatsgrupper are coded by a dict as they come (a member of the string enum hashes
    as its value) and looked up once per distinct group, not once per bruker."""
    code: dict = {}
    first = np.fromiter((code.setdefault(b.innsatsgruppe, len(code)) for b in brukere),
                        dtype=np.int64, count=len(brukere))
    rows = np.array([_GROUP_INDEX[NO_DECISION if g is None else g.value] for g in code],
                    dtype=np.int64)
    return rows[first] if len(first) else first


def _malgruppe_matrix(brukere: Sequence[Bruker]) -> np.ndarray:
    member = np.zeros((len(brukere), len(MALGRUPPER)), dtype=bool)
    col = {m: j for j, m in enumerate(MALGRUPPER)}
    for i, b in enumerate(brukere):
        for m in b.malgrupper:
            member[i, col[m]] = True
    return member


def _policy_tables(policy: Policy) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    base = np.array([[policy.need_profile[g][d] for d in DIMENSIONS] for g in GROUP_KEYS])
    adjust = np.array(
        [[policy.malgruppe_adjustment.get(m, {}).get(d, 0) for d in DIMENSIONS] for m in MALGRUPPER]
    )
    heavy = np.array([policy.tung_sak_adjustment.get(d, 0) for d in DIMENSIONS])
    points = np.array([policy.workload_points[g] for g in GROUP_KEYS], dtype=float)
    return base, adjust, heavy, points


def need_levels(brukere: Sequence[Bruker], policy: Policy | None = None) -> np.ndarray:
    """Required level per dimension for each bruker, ``need[bruker, dimension]`` (ints 1–5).

    Derived from the innsatsgruppe's need profile, plus the adjustment of each malgruppe and of
    a heavy case; a non-digital bruker needs digital level ``non_digital_digital_level`` (the
    veileder meets her in person instead) and more relasjonell. An explicit ``needs`` profile on
    the bruker overrides all of this. Levels are clipped to 1–5.

    Examples
    --------
    >>> from navkompetanse.models import Bruker
    >>> need_levels([Bruker(id="b1", innsatsgruppe="STANDARD_INNSATS")]).tolist()
    [[2, 2, 2, 3]]
    """
    policy = policy or Policy()
    return _need_levels(brukere, policy, _policy_tables(policy), _group_index(brukere),
                        _malgruppe_matrix(brukere), _tung(brukere))


def _tung(brukere: Sequence[Bruker]) -> np.ndarray:
    return np.fromiter((b.tung_sak for b in brukere), dtype=bool, count=len(brukere))


def _need_levels(brukere: Sequence[Bruker], policy: Policy, tables: tuple, group: np.ndarray,
                 malgrupper: np.ndarray, tung: np.ndarray) -> np.ndarray:
    """:func:`need_levels` from the columns :func:`office_arrays` reads once for all."""
    base, adjust, heavy, _ = tables
    need = base[group]
    need = need + malgrupper.astype(np.int64) @ adjust
    need = need + tung[:, None] * heavy[None, :]
    digital = np.fromiter((b.digital for b in brukere), dtype=bool, count=len(brukere))
    d_rel, d_dig = DIMENSIONS.index("relasjonell"), DIMENSIONS.index("digital")
    need[~digital, d_rel] += policy.non_digital_relasjonell
    need[~digital, d_dig] = policy.non_digital_digital_level
    need = np.clip(need, 1, 5)
    for i, b in enumerate(brukere):
        if b.needs is not None:
            need[i] = b.needs.as_array()
    return need.astype(np.int64)


def workload_points(brukere: Sequence[Bruker], policy: Policy | None = None) -> np.ndarray:
    """Workload points per bruker: the innsatsgruppe's points plus ``tung_sak_points``."""
    policy = policy or Policy()
    return _workload_points(policy, _policy_tables(policy), _group_index(brukere),
                            _tung(brukere))


def _workload_points(policy: Policy, tables: tuple, group: np.ndarray,
                     tung: np.ndarray) -> np.ndarray:
    return tables[3][group] + tung * policy.tung_sak_points


def capacity_points(veiledere: Sequence[Veileder], policy: Policy | None = None) -> np.ndarray:
    """Capacity in workload points: points per full position × stillingsprosent / 100."""
    policy = policy or Policy()
    position = np.fromiter((v.position for v in veiledere), dtype=float, count=len(veiledere))
    return position * policy.capacity_points_per_position


def heavy_case_limits(veiledere: Sequence[Veileder], policy: Policy | None = None) -> np.ndarray:
    """Most heavy cases each veileder should carry: per-position limit, or her own lower one."""
    policy = policy or Policy()
    limit = np.array(
        [np.floor(policy.heavy_cases_per_position * v.position + 1e-9) for v in veiledere],
        dtype=float,
    )
    for i, v in enumerate(veiledere):
        if v.max_tunge_saker is not None:
            limit[i] = min(limit[i], v.max_tunge_saker)
    return limit


def unit_id(members: Sequence[str]) -> str:
    """The id of a unit: the ident of a single veileder, or ``"A+B"`` (sorted) for a pair."""
    return "+".join(sorted(members))


def unit_cover(levels: np.ndarray, members: Sequence[Sequence[int]]) -> np.ndarray:
    """Cover of each unit: the strongest member's level per dimension, ``cover[unit, dim]``.

    ``levels`` is ``levels[veileder, dimension]``; ``members`` lists veileder indices per unit.
    """
    if len(members) == 0:
        return np.zeros((0, levels.shape[1]), dtype=levels.dtype)
    width = max(len(m) for m in members)
    index = np.array([list(m) + [m[0]] * (width - len(m)) for m in members], dtype=np.int64)
    return levels[index].max(axis=1)


def pair_capacity(capacity_a: float | np.ndarray, capacity_b: float | np.ndarray,
                  overhead: float) -> float | np.ndarray:
    """A pair's capacity points: the two members' together, less the share ``overhead``.

    The one place this rule lives (``Policy.pair_overhead`` is the share two people spend on
    working together). Works elementwise on arrays.

    >>> pair_capacity(100.0, 60.0, 0.05)
    152.0
    """
    return (capacity_a + capacity_b) * (1.0 - overhead)


def unit_capacity(
    capacity: np.ndarray, members: Sequence[Sequence[int]], overhead: float
) -> np.ndarray:
    """Capacity of each unit: a veileder's own points, or :func:`pair_capacity` for a pair."""
    out = np.empty(len(members), dtype=float)
    for u, m in enumerate(members):
        if len(m) == 2:
            out[u] = pair_capacity(float(capacity[m[0]]), float(capacity[m[1]]), overhead)
        else:
            out[u] = float(capacity[list(m)].sum())
    return out


def penalty_scale(policy: Policy) -> float:
    """Largest possible penalty (need 5, cover 1 in every dimension): fit 0 at that point."""
    weights = np.array([policy.dimension_weights[d] for d in DIMENSIONS])
    return float(weights.sum() * 4.0**policy.shortfall_exponent) or 1.0


def shortfall(need: np.ndarray, cover: np.ndarray) -> np.ndarray:
    """Levels missing per dimension, ``max(need - cover, 0)``; broadcasts like numpy."""
    return np.maximum(need - cover, 0)


def fit_matrix(need: np.ndarray, cover: np.ndarray, policy: Policy | None = None) -> np.ndarray:
    """Fit of each bruker to each unit, ``fit[bruker, unit]`` in [0, 1].

    ``fit = 1 - Σ_d w_d · shortfall_d ** p / scale`` where ``shortfall = max(need - cover, 0)``,
    ``w`` the dimension weights, ``p`` the shortfall exponent and ``scale`` the largest possible
    penalty. Surplus is free: a unit above the need scores 1, exactly as one at the need.

    Notes
    -----
    Needs and covers take at most 5**4 distinct values, so the penalty is computed once per
    distinct need row and gathered: O(n_distinct · n_units) arithmetic plus one
    O(n_brukere · n_units) gather.

    Examples
    --------
    >>> import numpy as np
    >>> fit_matrix(np.array([[4, 3, 3, 2]]), np.array([[4, 3, 3, 2], [2, 3, 3, 5]])).round(3)
    array([[1.   , 0.931]])
    """
    policy = policy or Policy()
    weights = np.array([policy.dimension_weights[d] for d in DIMENSIONS], dtype=float)
    need = np.asarray(need)
    cover = np.asarray(cover)
    if need.shape[0] == 0 or cover.shape[0] == 0:
        return np.ones((need.shape[0], cover.shape[0]))
    distinct, inverse = np.unique(need, axis=0, return_inverse=True)
    miss = shortfall(distinct[:, None, :], cover[None, :, :]).astype(float)
    penalty = (miss**policy.shortfall_exponent) @ weights
    table = 1.0 - penalty / penalty_scale(policy)
    return table[inverse.reshape(-1)]


@dataclass(frozen=True)
class OfficeArrays:
    """An office turned into arrays once, for the optimisation layers.

    Row ``i`` of every bruker array is ``office.brukere[i]``; row ``k`` of every veileder
    array is ``office.veiledere[k]``.
    """

    bruker_ids: tuple[str, ...]
    idents: tuple[str, ...]
    need: np.ndarray  # need[bruker, dimension]
    workload: np.ndarray  # points per bruker
    tung: np.ndarray  # bool per bruker
    malgrupper: np.ndarray  # bool [bruker, malgruppe]
    current: np.ndarray  # veileder index per bruker, -1 = ufordelt
    levels: np.ndarray  # levels[veileder, dimension]
    capacity: np.ndarray  # points per veileder
    heavy_limit: np.ndarray  # heavy cases per veileder
    spesialfelt: np.ndarray  # bool [veileder, malgruppe]
    avdeling: tuple[str | None, ...]
    pairable: np.ndarray  # bool per veileder
    preference: np.ndarray  # +1 / 0 / -1 [veileder, dimension] (energi / noytral / tapper)
    kommunal: np.ndarray  # bool per veileder: municipally employed
    continuity: np.ndarray  # continuity weight per bruker (a multiple of continuity_bonus)


def office_arrays(office: Office, policy: Policy | None = None) -> OfficeArrays:
    """Convert an office to the arrays scoring and optimisation work on."""
    policy = policy or Policy()
    index = {ident: k for k, ident in enumerate(office.idents)}
    brukere, veiledere = office.brukere, office.veiledere
    spesialfelt = np.zeros((len(veiledere), len(MALGRUPPER)), dtype=bool)
    for k, v in enumerate(veiledere):
        for m in v.spesialfelt:
            spesialfelt[k, MALGRUPPER.index(m)] = True
    # each bruker column read once (need and workload share the group, malgrupper and tung)
    tables, group = _policy_tables(policy), _group_index(brukere)
    malgrupper, tung = _malgruppe_matrix(brukere), _tung(brukere)
    return OfficeArrays(
        bruker_ids=tuple(b.id for b in brukere),
        idents=office.idents,
        need=_need_levels(brukere, policy, tables, group, malgrupper, tung),
        workload=_workload_points(policy, tables, group, tung),
        tung=tung,
        malgrupper=malgrupper,
        current=np.array(
            [index[b.veileder] if b.veileder is not None else -1 for b in brukere], dtype=np.int64
        ),
        levels=office.profiles(),
        capacity=capacity_points(veiledere, policy),
        heavy_limit=heavy_case_limits(veiledere, policy),
        spesialfelt=spesialfelt,
        avdeling=tuple(v.avdeling for v in veiledere),
        pairable=np.array([v.pairable for v in veiledere], dtype=bool),
        preference=preference_signs(veiledere),
        kommunal=np.array([v.ansettelse == "kommunal" for v in veiledere], dtype=bool),
        continuity=continuity_weights(brukere, policy),
    )
