"""Realistic, deterministic synthetic NAV offices, and the built-in example office.

The distributions (innsatsgruppe mix, malgrupper, heavy cases, avdelinger, competence
archetypes, learning relations, today's day-of-birth distribution) and the reasons behind
them are written out in ``docs/synthetic.md``. Everything random flows from one ``seed``
resolved once with :func:`numpy.random.default_rng`; only Generator methods with explicit
dtypes and probabilities are used, so a seed gives the same office on every platform.

Regenerate the shipped example office after a deliberate change to the generator with::

    python -m navkompetanse.synthetic --regenerate-example
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from statistics import NormalDist
from typing import Any, Literal

import numpy as np

from .exceptions import CapacityWarning
from .models import (
    DIMENSIONS,
    Assessment,
    CompetenceProfile,
    Hovedmal,
    Innsatsgruppe,
    LearningRelation,
    Malgruppe,
    Office,
    Veileder,
)
from .policy import NO_DECISION, Policy
from .scoring import heavy_case_limits

__all__ = [
    "ARCHETYPES",
    "EXAMPLE_PARAMS",
    "example_office_json",
    "expected_points_per_bruker",
    "load_example_office",
    "main",
    "synthetic_office",
    "synthetic_offices",
]

Seed = int | np.random.Generator | None
Distribution = Literal["day_of_birth", "round_robin"]
DISTRIBUTIONS: tuple[str, ...] = ("day_of_birth", "round_robin")

# --------------------------------------------------------------------------------------
# Brukere. Group index g: 0..4 = Innsatsgruppe in declaration order, 5 = no decision yet.
# Every table below is indexed by g. Numbers and reasons: docs/synthetic.md.
# --------------------------------------------------------------------------------------
_GROUPS: tuple[Innsatsgruppe | None, ...] = (*Innsatsgruppe, None)
_NONE = 5
_STD, _SIT, _SPES, _GRAD, _VARIG = range(5)
#: Share of the office's followed-up brukere in each group (sums to 1).
_GROUP_SHARE = np.array([0.35, 0.33, 0.20, 0.04, 0.05, 0.03])
_MALGRUPPER: tuple[Malgruppe, ...] = tuple(Malgruppe)
_UNG, _FLYKTNING, _AAP, _SYKEFRAVAER, _SOSIALHJELP = range(5)
#: P(malgruppe | group), rows in Malgruppe order.
_MALGRUPPE_P = np.array([
    # STD   SIT   SPES  GRAD  VARIG NONE
    [0.25, 0.30, 0.25, 0.10, 0.10, 0.25],  # ung (under 30)
    [0.08, 0.16, 0.14, 0.06, 0.08, 0.15],  # flyktning
    [0.00, 0.12, 0.60, 0.65, 0.15, 0.10],  # aap
    [0.15, 0.14, 0.04, 0.05, 0.00, 0.15],  # sykefravaer
    [0.05, 0.15, 0.25, 0.15, 0.30, 0.15],  # sosialhjelp
])
#: Most heavy cases a synthetic office holds, as a share of its total heavy-case limit.
_HEAVY_LOAD = 0.9

#: P(tung_sak | group), raised by _TUNG_FACTOR for flyktning and sosialhjelp.
_TUNG_P = np.array([0.02, 0.08, 0.30, 0.25, 0.25, 0.05])
_TUNG_FACTOR = 1.5
#: P(not digital | group), raised by _NON_DIGITAL_FACTOR for flyktning.
_NON_DIGITAL_P = np.array([0.03, 0.06, 0.10, 0.10, 0.25, 0.08])
_NON_DIGITAL_FACTOR = 2.5
#: P(BEHOLDE_ARBEID | group) for a bruker on sick leave and for one who is not.
_BEHOLDE_P_SYKEFRAVAER = 0.85
_BEHOLDE_P = np.array([0.03, 0.03, 0.03, 0.10, 0.0, 0.0])
#: P(OKE_DELTAKELSE | varig): the legacy goal, only on old varig decisions.
_OKE_P_VARIG = 0.25
_HOVEDMAL: tuple[Hovedmal, ...] = tuple(Hovedmal)
_SKAFFE, _BEHOLDE, _OKE = range(3)
#: Relative frequency of each day of the month as a birthday (×4: day 29 exists in leap years).
_DAY_WEIGHT = np.array([48] * 28 + [45, 44, 28], dtype=np.float64)

# --------------------------------------------------------------------------------------
# Veiledere: lanes (specialty groups that receive brukere), avdelinger, archetypes.
# --------------------------------------------------------------------------------------
_LANES = ("ung", "arbeid", "helse", "sosial")
_L_UNG, _L_ARBEID, _L_HELSE, _L_SOSIAL = range(4)

#: Competence archetypes: mean level per dimension (relasjonell, struktur, forvaltning, digital).
ARCHETYPES: dict[str, tuple[float, float, float, float]] = {
    "relasjonsbygger": (4.6, 2.8, 2.2, 2.0),
    "saksbehandler": (2.2, 4.0, 4.6, 3.8),
    "digital": (2.8, 3.8, 3.0, 4.7),
    "strukturert": (3.2, 4.6, 3.6, 2.6),
    "allrounder": (3.5, 3.5, 3.0, 3.0),
    "ny": (2.4, 2.0, 1.5, 3.2),
}
_ARCHETYPE_NAMES = tuple(ARCHETYPES)
_ARCHETYPE_MEAN = np.array([ARCHETYPES[a] for a in _ARCHETYPE_NAMES])
_ARCHETYPE_P = np.array([0.22, 0.18, 0.15, 0.13, 0.20, 0.12])
#: Lane × archetype multipliers: specialty correlates with archetype, a little.
_ARCHETYPE_LANE_FACTOR = np.array([
    # rel  saks  dig  strukt all  ny
    [1.5, 0.8, 1.3, 0.8, 1.0, 1.0],  # ung
    [1.2, 0.9, 1.0, 1.0, 1.2, 1.0],  # arbeid
    [0.9, 1.5, 0.9, 1.2, 1.0, 1.0],  # helse
    [1.2, 1.4, 0.8, 1.0, 1.0, 1.0],  # sosial
])
_NY = _ARCHETYPE_NAMES.index("ny")
_JITTER = 1.0  # per-dimension jitter is triangular on [-_JITTER, _JITTER]

_STILLING_VALUES = np.array([100, 80, 60, 50], dtype=np.int64)
_STILLING_P = np.array([0.78, 0.12, 0.06, 0.04])
_STILLING_MIN = 20
_STILLING_STEP = 10

_ASSESSED_SHARE = 0.35  # veiledere with dated assessments and an agreed profile
_ASSESSMENT_ONLY_SHARE = 0.06  # veiledere with assessments but no agreed profile
_NOT_PAIRABLE_SHARE = 0.06
_MAX_TUNGE_SHARE = 0.10
_MAX_TUNGE_VALUES = np.array([4, 6, 8], dtype=np.int64)
_ASSESSMENT_START = dt.date(2024, 1, 8)
_ASSESSMENT_SPAN_DAYS = 540

_RELATIONS_PER_VEILEDER = (0.6, 1.0)
_RELATIONS_INSIDE_AVDELING = 0.8
_RELATIONS_WITHOUT_DIMENSION = 0.1
_TEAM_MAX = 24  # an avdeling larger than this is split into numbered teams

#: The parameters that produce the shipped example office ``data/eksempelby.json``.
EXAMPLE_PARAMS: dict[str, Any] = {
    "n_veiledere": 25,
    "n_brukere": 1800,
    "seed": 2024,
    "enhet": "0999",
    "name": "NAV Eksempelby",
    "n_pairs": 2,
    "preferences": 0.6,
    "pair_history": True,
}
_EXAMPLE_FILE = "eksempelby.json"


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------
def _iv_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _iv_office_params(
    n_veiledere: Any, n_brukere: Any, enhet: Any, load: Any, ufordelt_share: Any,
    distribution: Any, n_pairs: Any,
) -> tuple[int, int, int]:
    n_v = _iv_int(n_veiledere, "n_veiledere", 1)
    n_b = _iv_int(n_brukere, "n_brukere", 0)
    pairs = _iv_int(n_pairs, "n_pairs", 0)
    if 2 * pairs > n_v:
        raise ValueError(
            f"n_pairs={pairs} needs {2 * pairs} veiledere, but the office has {n_v}"
        )
    if not isinstance(enhet, str) or len(enhet) != 4 or not enhet.isascii() or not enhet.isdigit():
        raise ValueError(f"enhet must be a 4-digit string like '0315', got {enhet!r}")
    if isinstance(load, bool) or not isinstance(load, int | float) or not math.isfinite(load) \
            or load <= 0:
        raise ValueError(f"load must be a positive number (0.9 = 90 % of capacity), got {load!r}")
    if isinstance(ufordelt_share, bool) or not isinstance(ufordelt_share, int | float) \
            or not 0 <= ufordelt_share <= 1:
        raise ValueError(f"ufordelt_share must be a share in [0, 1], got {ufordelt_share!r}")
    if distribution not in DISTRIBUTIONS:
        raise ValueError(
            f"distribution must be one of {', '.join(map(repr, DISTRIBUTIONS))}, "
            f"got {distribution!r}"
        )
    return n_v, n_b, pairs


# --------------------------------------------------------------------------------------
# Brukere, vectorised
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Brukere:
    group: np.ndarray  # int64, index into _GROUPS
    member: np.ndarray  # bool [bruker, malgruppe]
    hovedmal: np.ndarray  # int64 index into _HOVEDMAL, -1 = none
    digital: np.ndarray  # bool
    tung: np.ndarray  # bool
    day: np.ndarray  # int64 day of birth 1..31
    within_day: np.ndarray  # float64 in [0, 1): place within the day (surname initial)


def _draw_brukere(rng: np.random.Generator, n: int) -> _Brukere:
    group = rng.choice(len(_GROUPS), size=n, p=_GROUP_SHARE).astype(np.int64)
    u = rng.random((n, len(_MALGRUPPER)), dtype=np.float64)
    member = u < _MALGRUPPE_P.T[group]
    member[:, _SYKEFRAVAER] &= ~member[:, _AAP]  # AAP follows when sykepenger run out
    factor = np.where(member[:, _FLYKTNING] | member[:, _SOSIALHJELP], _TUNG_FACTOR, 1.0)
    tung = rng.random(n, dtype=np.float64) < np.minimum(_TUNG_P[group] * factor, 0.9)
    factor = np.where(member[:, _FLYKTNING], _NON_DIGITAL_FACTOR, 1.0)
    digital = ~(rng.random(n, dtype=np.float64) < np.minimum(_NON_DIGITAL_P[group] * factor, 0.9))
    u = rng.random(n, dtype=np.float64)
    beholde_p = np.where(member[:, _SYKEFRAVAER], _BEHOLDE_P_SYKEFRAVAER, _BEHOLDE_P[group])
    hovedmal = np.where(u < beholde_p, _BEHOLDE, _SKAFFE)
    hovedmal = np.where((group == _VARIG) & (u >= 1.0 - _OKE_P_VARIG), _OKE, hovedmal)
    hovedmal = np.where(group == _NONE, -1, hovedmal).astype(np.int64)
    day = rng.choice(31, size=n, p=_DAY_WEIGHT / _DAY_WEIGHT.sum()).astype(np.int64) + 1
    within_day = rng.random(n, dtype=np.float64)
    return _Brukere(group, member, hovedmal, digital, tung, day, within_day)


def _points(brukere: _Brukere, policy: Policy) -> np.ndarray:
    keys = (*(g.value for g in Innsatsgruppe), NO_DECISION)
    table = np.array([policy.workload_points[k] for k in keys], dtype=np.float64)
    return table[brukere.group] + brukere.tung * policy.tung_sak_points


def expected_points_per_bruker(policy: Policy | None = None) -> float:
    """Expected workload points of one synthetic bruker under ``policy``.

    The exact expectation of the generator's distributions (no sampling), used to size
    offices for a target load.

    Examples
    --------
    >>> round(expected_points_per_bruker(), 2)
    1.23
    """
    policy = policy or Policy()
    keys = (*(g.value for g in Innsatsgruppe), NO_DECISION)
    base = np.array([policy.workload_points[k] for k in keys], dtype=np.float64)
    p_fly, p_sos = _MALGRUPPE_P[_FLYKTNING], _MALGRUPPE_P[_SOSIALHJELP]
    p_raised = 1.0 - (1.0 - p_fly) * (1.0 - p_sos)
    p_tung = (1 - p_raised) * _TUNG_P + p_raised * np.minimum(_TUNG_P * _TUNG_FACTOR, 0.9)
    return float(_GROUP_SHARE @ (base + p_tung * policy.tung_sak_points))


def _lane_of(brukere: _Brukere) -> np.ndarray:
    m = brukere.member
    lane = np.full(len(brukere.group), _L_ARBEID, dtype=np.int64)
    lane[m[:, _AAP] | m[:, _SYKEFRAVAER]] = _L_HELSE
    lane[m[:, _UNG]] = _L_UNG
    lane[m[:, _SOSIALHJELP]] = _L_SOSIAL
    return lane


# --------------------------------------------------------------------------------------
# Veiledere
# --------------------------------------------------------------------------------------
def _apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder apportionment of ``total`` over ``weights`` (ties: lower index)."""
    if total == 0 or weights.sum() <= 0:
        out = np.zeros(len(weights), dtype=np.int64)
        if total:
            out[0] = total
        return out
    quota = weights / weights.sum() * total
    out = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - out), kind="stable")
    out[order[: total - int(out.sum())]] += 1
    return out


def _lane_sizes(lane_points: np.ndarray, n_veiledere: int) -> np.ndarray:
    """Veiledere per lane: proportional to the lane's workload, at least one where possible."""
    sizes = _apportion(lane_points, n_veiledere)
    # Give an empty lane that has work one veileder, taken from the largest lane.
    for lane in np.argsort(-lane_points, kind="stable"):
        if sizes[lane] == 0 and lane_points[lane] > 0:
            donor = int(np.argmax(sizes))
            if sizes[donor] > 1:
                sizes[donor] -= 1
                sizes[lane] += 1
    return sizes


def _avdeling_names(lane: np.ndarray) -> list[str]:
    n = len(lane)
    if n <= 6:
        names = {lane_: "Oppfølging" for lane_ in range(4)}
    elif n <= 11:
        names = {_L_UNG: "Arbeid og inkludering", _L_ARBEID: "Arbeid og inkludering",
                 _L_SOSIAL: "Arbeid og inkludering", _L_HELSE: "Oppfølging og helse"}
    else:
        names = {_L_UNG: "Ungdom", _L_ARBEID: "Arbeid og inkludering",
                 _L_SOSIAL: "Arbeid og inkludering", _L_HELSE: "Oppfølging og helse"}
        if n >= 60:
            names[_L_SOSIAL] = "Sosial og KVP"
    avdeling = [names[int(k)] for k in lane]
    # Large avdelinger are split into numbered teams of about equal size, in list order.
    for name in sorted(set(avdeling)):
        where = [i for i, a in enumerate(avdeling) if a == name]
        n_teams = math.ceil(len(where) / _TEAM_MAX)
        if n_teams > 1:
            team_of = _apportion(np.ones(n_teams), len(where))
            bounds = np.cumsum(team_of)
            for j, i in enumerate(where):
                avdeling[i] = f"{name} {int(np.searchsorted(bounds, j, side='right')) + 1}"
    return avdeling


def _spesialfelt(rng: np.random.Generator, lane: np.ndarray) -> list[tuple[Malgruppe, ...]]:
    u = rng.random(len(lane), dtype=np.float64)
    out: list[tuple[Malgruppe, ...]] = []
    for k, x in zip(lane.tolist(), u.tolist(), strict=True):
        if k == _L_UNG:
            out.append((Malgruppe.ung,))
        elif k == _L_SOSIAL:
            out.append((Malgruppe.sosialhjelp,))
        elif k == _L_HELSE:
            out.append((Malgruppe.aap,) if x < 0.45 else (Malgruppe.sykefravaer,) if x < 0.75
                       else (Malgruppe.aap, Malgruppe.sykefravaer))
        else:  # arbeid: refugee specialists and generalist job-seeker veiledere
            out.append((Malgruppe.flyktning,) if x < 0.4 else ())
    return out


def _profiles(rng: np.random.Generator, lane: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Archetype per veileder and levels ``levels[veileder, dimension]``."""
    n = len(lane)
    p = _ARCHETYPE_P[None, :] * _ARCHETYPE_LANE_FACTOR[lane]
    p = p / p.sum(axis=1, keepdims=True)
    u = rng.random(n, dtype=np.float64)
    archetype = np.minimum((u[:, None] > np.cumsum(p, axis=1)).sum(axis=1), len(p[0]) - 1)
    jitter = (rng.random((n, 4), dtype=np.float64) + rng.random((n, 4), dtype=np.float64) - 1.0)
    levels = np.floor(_ARCHETYPE_MEAN[archetype] + _JITTER * jitter + 0.5)
    levels = np.clip(levels, 1, 5).astype(np.int64)
    for i in range(n):
        if archetype[i] == _NY:  # new: nothing above 3 yet, and low overall
            levels[i] = np.minimum(levels[i], 3)
            while levels[i].sum() > 10:
                levels[i, int(np.argmax(levels[i]))] -= 1
        elif levels[i].max() < 4:  # everyone else has a clear strength
            levels[i, int(np.argmax(_ARCHETYPE_MEAN[archetype[i]]))] = 4
    return archetype, levels


def _stillingsprosent(
    rng: np.random.Generator, lane: np.ndarray, lane_target: np.ndarray
) -> np.ndarray:
    """Realistic stillingsprosent, then nudged per lane towards the lane's target (percent)."""
    n = len(lane)
    pct = _STILLING_VALUES[rng.choice(len(_STILLING_VALUES), size=n, p=_STILLING_P)]
    order = rng.permutation(n)
    for k in range(len(_LANES)):
        members = [int(i) for i in order if lane[i] == k]
        if not members:
            continue
        for _ in range(2 * len(members) + 2):
            diff = float(lane_target[k] - pct[members].sum())
            if abs(diff) < _STILLING_STEP / 2:
                break
            step = max(_STILLING_STEP, int(round(abs(diff) / _STILLING_STEP)) * _STILLING_STEP)
            moved = False
            for i in members:
                if diff > 0 and pct[i] < 100:
                    pct[i] = min(100, pct[i] + step)
                    moved = True
                    break
                if diff < 0 and pct[i] > _STILLING_MIN:
                    pct[i] = max(_STILLING_MIN, pct[i] - min(step, 50))
                    moved = True
                    break
            if not moved:
                break
            members = members[1:] + members[:1]  # spread the changes over people
    return pct


def _assessments(
    rng: np.random.Generator, levels: np.ndarray
) -> tuple[list[tuple[Assessment, ...]], np.ndarray]:
    """Dated self and leader assessments for some veiledere; mask of assessment-only ones."""
    n = len(levels)
    u = rng.random(n, dtype=np.float64)
    assessed = u < _ASSESSED_SHARE + _ASSESSMENT_ONLY_SHARE
    only = u < _ASSESSMENT_ONLY_SHARE
    offset = rng.integers(0, _ASSESSMENT_SPAN_DAYS, size=n, dtype=np.int64)
    gap = rng.integers(1, 22, size=n, dtype=np.int64)
    self_dev = rng.choice(3, size=(n, 4), p=[0.2, 0.6, 0.2]).astype(np.int64) - 1
    leader_dev = rng.choice(3, size=(n, 4), p=[0.05, 0.9, 0.05]).astype(np.int64) - 1
    out: list[tuple[Assessment, ...]] = []
    for i in range(n):
        if not assessed[i]:
            out.append(())
            continue
        leader_date = _ASSESSMENT_START + dt.timedelta(days=int(offset[i]))
        self_date = leader_date - dt.timedelta(days=int(gap[i]))
        # The agreed profile is the leader's view, except where they settled on her own view;
        # an assessment-only veileder has not had that conversation: leader = truth.
        leader = levels[i] if only[i] else np.clip(levels[i] + leader_dev[i], 1, 5)
        own = np.clip(levels[i] + self_dev[i], 1, 5)
        out.append((
            Assessment(date=self_date, source="self",
                       profile=CompetenceProfile.from_array(own.tolist())),
            Assessment(date=leader_date, source="leader",
                       profile=CompetenceProfile.from_array(leader.tolist())),
        ))
    return out, only


def _idents(rng: np.random.Generator, n: int) -> list[str]:
    numbers = rng.choice(900_000, size=n, replace=False).astype(np.int64) + 100_000
    return [f"Z{int(x):06d}" for x in numbers]


def _learning_relations(
    rng: np.random.Generator, idents: Sequence[str], avdeling: Sequence[str], levels: np.ndarray
) -> list[LearningRelation]:
    n = len(idents)
    if n < 2:
        return []
    low, high = _RELATIONS_PER_VEILEDER
    rate = low + (high - low) * float(rng.random(dtype=np.float64))
    target = int(math.floor(rate * n + 0.5))
    avd = np.array([avdeling.index(a) for a in avdeling], dtype=np.int64)  # first index as id
    seen: set[tuple[int, int]] = set()
    out: list[tuple[int, int, int]] = []  # (mentor, learner, dimension or -1)
    for _ in range(20 * target):
        if len(out) >= target:
            break
        learner = int(rng.integers(0, n, dtype=np.int64))
        u = rng.random(3, dtype=np.float64)
        if u[0] < _RELATIONS_WITHOUT_DIMENSION:  # a general fadder relation
            dim = -1
            strength = levels.sum(axis=1)
        else:  # she learns where she is weak
            weakness = (5 - levels[learner]).astype(np.float64) + 0.25
            dim = int(rng.choice(4, p=weakness / weakness.sum()))
            strength = levels[:, dim]
        inside = avd == avd[learner]
        want_inside = u[1] < _RELATIONS_INSIDE_AVDELING
        candidate = (strength > strength[learner]) & (inside if want_inside else ~inside)
        candidate[learner] = False
        for m in np.flatnonzero(candidate):
            if (min(int(m), learner), max(int(m), learner)) in seen:
                candidate[m] = False
        if not candidate.any():
            continue
        gain = np.where(candidate, (strength - strength[learner]).astype(np.float64), 0.0)
        mentor = int(rng.choice(n, p=gain / gain.sum()))
        seen.add((min(mentor, learner), max(mentor, learner)))
        out.append((mentor, learner, dim))
    return [
        LearningRelation(mentor=idents[m], learner=idents[lr],
                         dimension=None if d < 0 else DIMENSIONS[d])
        for m, lr, d in out
    ]


def _pairs(
    rng: np.random.Generator, n_pairs: int, avdeling: Sequence[str], levels: np.ndarray
) -> list[tuple[int, int]]:
    """Current pairs: complementary colleagues, preferably in the same avdeling."""
    free = np.ones(len(levels), dtype=bool)
    out: list[tuple[int, int]] = []
    for a in rng.permutation(len(levels)).tolist():
        if len(out) >= n_pairs:
            break
        if not free[a]:
            continue
        others = free.copy()
        others[a] = False
        same = others & np.array([x == avdeling[a] for x in avdeling])
        pool = same if same.any() else others
        if not pool.any():
            continue
        gain = np.maximum(levels, levels[a]).sum(axis=1) - np.maximum(
            levels.sum(axis=1), levels[a].sum()
        )
        weight = np.where(pool, gain.astype(np.float64) ** 2 + 0.1, 0.0)
        b = int(rng.choice(len(levels), p=weight / weight.sum()))
        free[a] = free[b] = False
        out.append((a, b))
    return out


#: Chance that a kind of work gives energy / drains, by the veileder's level in it (1–5).
_ENERGY_BY_LEVEL = (0.05, 0.15, 0.25, 0.5, 0.6)
_DRAIN_BY_LEVEL = (0.5, 0.35, 0.15, 0.05, 0.03)


def _preferences(rng: np.random.Generator, levels: np.ndarray, share: float
                 ) -> list[dict[str, str]]:
    """Stated preferences: for a ``share`` of veiledere, each kind of work gives energy or
    drains with a chance that follows her level in it (strong work often gives energy, weak
    work often drains; DOMAIN.md: preference is not skill, so not always)."""
    n = len(levels)
    states = rng.random(n) < share
    draw = rng.random((n, len(DIMENSIONS)))
    energy = np.array(_ENERGY_BY_LEVEL)[levels - 1]
    drain = np.array(_DRAIN_BY_LEVEL)[levels - 1]
    out: list[dict[str, str]] = []
    for i in range(n):
        stated: dict[str, str] = {}
        if states[i]:
            for j, dim in enumerate(DIMENSIONS):
                if draw[i, j] < energy[i, j]:
                    stated[dim.value] = "energi"
                elif draw[i, j] < energy[i, j] + drain[i, j]:
                    stated[dim.value] = "tapper"
        out.append(stated)
    return out


def _pair_history(rng: np.random.Generator, pairs: Sequence[tuple[int, int]],
                  pairable: np.ndarray, idents: Sequence[str]) -> list[dict[str, Any]]:
    """Records for today's pairs (started 2–14 months before 2026-12-01, most confirmed; one
    recent and not yet confirmed) and one ended trial not to be proposed again."""
    day = dt.date(2026, 12, 1)
    out: list[dict[str, Any]] = []
    for k, (a, b) in enumerate(pairs):
        started = day - dt.timedelta(days=int(rng.integers(60, 420)))
        out.append({"members": sorted((idents[a], idents[b])), "started": started.isoformat(),
                    "confirmed": bool(k or rng.random() < 0.2)})
    in_pair = {i for p in pairs for i in p}
    free = [i for i in range(len(idents)) if pairable[i] and i not in in_pair]
    if len(free) >= 2:
        a, b = (int(x) for x in rng.choice(free, size=2, replace=False))
        started = day - dt.timedelta(days=int(rng.integers(300, 600)))
        out.append({"members": sorted((idents[a], idents[b])),
                    "started": started.isoformat(),
                    "ended": (started + dt.timedelta(weeks=12)).isoformat(),
                    "propose_again": False,
                    "reason": "prøveperioden ble avsluttet: de fant ikke en god arbeidsdeling"})
    return out


# --------------------------------------------------------------------------------------
# Today's distribution
# --------------------------------------------------------------------------------------
def _distribute(
    rng: np.random.Generator, brukere: _Brukere, lane: np.ndarray, veileder_lane: np.ndarray,
    pct: np.ndarray, distribution: str, ufordelt_share: float, n_brukere: int,
) -> np.ndarray:
    """Veileder index per bruker as the office does it today (ignoring competence); -1 ufordelt."""
    owner = np.full(n_brukere, -1, dtype=np.int64)
    n_ufordelt = int(math.floor(ufordelt_share * n_brukere + 0.5))
    # New brukere without a decision are the likeliest to be waiting for a veileder.
    weight = np.where(brukere.group == _NONE, 3.0, 1.0)
    ufordelt = np.zeros(n_brukere, dtype=bool)
    if n_ufordelt:
        chosen = rng.choice(n_brukere, size=n_ufordelt, replace=False, p=weight / weight.sum())
        ufordelt[chosen] = True
    staffed = np.array([(veileder_lane == k).any() for k in range(len(_LANES))])
    fallback = _L_ARBEID if staffed[_L_ARBEID] else int(np.argmax(np.bincount(
        veileder_lane, minlength=len(_LANES))))
    lane = np.where(staffed[lane], lane, fallback)
    arrival = rng.permutation(n_brukere)  # order in which brukere came to the office
    for k in range(len(_LANES)):
        staff = np.flatnonzero(veileder_lane == k)
        mine = np.flatnonzero((lane == k) & ~ufordelt)
        if len(staff) == 0 or len(mine) == 0:
            continue
        share = pct[staff].astype(np.float64) / pct[staff].sum()
        if distribution == "day_of_birth":
            key = (brukere.day[mine] - 1 + brukere.within_day[mine]) / 31.0
            cut = np.cumsum(share)[:-1]
            owner[mine] = staff[np.searchsorted(cut, key, side="right")]
        else:  # round_robin in arrival order, weighted by stillingsprosent
            counts = _apportion(share, len(mine))
            slot_owner = np.repeat(np.arange(len(staff)), counts)
            slot_rank = np.concatenate([(np.arange(c) + 0.5) / c for c in counts if c]) \
                if len(mine) else np.zeros(0)
            order = np.lexsort((slot_owner, slot_rank))
            in_arrival = mine[np.argsort(np.argsort(arrival)[mine], kind="stable")]
            owner[in_arrival] = staff[slot_owner[order]]
    return owner


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------
def synthetic_office(
    n_veiledere: int = 25,
    n_brukere: int = 1800,
    seed: Seed = 0,
    *,
    enhet: str = "0999",
    name: str | None = None,
    load: float = 0.9,
    ufordelt_share: float = 0.03,
    distribution: Distribution = "day_of_birth",
    n_pairs: int = 0,
    policy: Policy | None = None,
    preferences: float = 0.0,
    pair_history: bool = False,
) -> Office:
    """A realistic synthetic NAV office, the same for the same seed on every platform.

    Brukere get an innsatsgruppe, hovedmal, malgrupper, heavy-case and digital flags from
    documented distributions; veiledere are organised in avdelinger by specialty, have
    competence profiles drawn from archetypes (clear strengths and weaknesses), some dated
    assessments, and learning relations mostly inside their avdeling. Today's distribution
    of brukere ignores competence, as offices do it now.

    Parameters
    ----------
    n_veiledere : int
        Number of veiledere, at least 1.
    n_brukere : int
        Number of brukere followed up, at least 0. Kept exactly.
    seed : int, numpy.random.Generator or None
        Source of randomness, resolved once with :func:`numpy.random.default_rng`.
    enhet : str
        The office's 4-digit id.
    name : str, optional
        Office name; default ``"NAV Syntetisk <enhet>"``.
    load : float
        Target total workload as a share of total capacity (both in ``policy`` points).
        Reached by choosing stillingsprosent (20–100 %, in steps of 10) per specialty group;
        see Notes.
    ufordelt_share : float
        Share of brukere without a veileder today (rounded to a whole number).
    distribution : {"day_of_birth", "round_robin"}
        How brukere are distributed today within each specialty group: by day-of-birth
        ranges proportional to stillingsprosent, or in turn by arrival, weighted likewise.
    n_pairs : int
        Current veileder-pairs to include (complementary colleagues, pairable).
    policy : Policy, optional
        Workload and capacity points used to reach ``load``; default ``Policy()``.
    preferences : float
        Share of veiledere who have stated what work gives them energy and what drains them
        (0–1; default 0: nobody, as in older offices). Preference leans on skill without
        following it: a strong kind of work often gives energy, a weak one often drains, and
        some like what they are not good at (see :func:`_preferences`).
    pair_history : bool
        Give the current pairs a record (started, most confirmed) and add one ended trial
        the office marked not to be proposed again, with a reason.

    Returns
    -------
    Office
        Validated office; veileder names are None (pseudonymous, like real input).

    Raises
    ------
    ValueError
        For a parameter out of range, with the allowed range in the message.

    Warns
    -----
    CapacityWarning
        When stillingsprosent cannot reach ``load`` within 0.1 (too many or too few brukere
        for the veiledere even at 100 % or 20 % positions).

    Notes
    -----
    ``n_brukere`` and ``n_veiledere`` are never changed; the workload of the drawn brukere
    is then fixed, so ``load`` is met through capacity: each stillingsprosent is drawn
    (mostly 100, some 80/60/50) and then nudged in steps of 10 (within 20–100), specialty
    group by group, until the group's capacity is about its workload / ``load``. The target
    is reachable when ``n_brukere`` is near ``capacity · load / expected_points_per_bruker()``,
    about 73 brukere per full position at ``load=0.9`` and the default policy (the default
    25 veiledere / 1,800 brukere need about 24.5 positions). Runs in
    O(n_brukere) numpy work plus pydantic validation of the brukere.

    Examples
    --------
    >>> office = synthetic_office(8, 400, seed=1)
    >>> office.n_veiledere, office.n_brukere
    (8, 400)
    >>> office == synthetic_office(8, 400, seed=1)
    True
    """
    n_v, n_b, n_pairs = _iv_office_params(
        n_veiledere, n_brukere, enhet, load, ufordelt_share, distribution, n_pairs
    )
    policy = policy or Policy()
    rng = np.random.default_rng(seed)

    brukere = _draw_brukere(rng, n_b)
    lane = _lane_of(brukere)
    points = _points(brukere, policy)
    lane_points = np.bincount(lane, weights=points, minlength=len(_LANES))

    sizes = _lane_sizes(lane_points, n_v)
    veileder_lane = np.repeat(np.arange(len(_LANES)), sizes).astype(np.int64)
    veileder_lane = veileder_lane[rng.permutation(n_v)]
    veileder_lane = veileder_lane[np.argsort(veileder_lane, kind="stable")]  # list by group
    lane_target = lane_points / (load * policy.capacity_points_per_position) * 100.0
    pct = _stillingsprosent(rng, veileder_lane, lane_target)
    idents = _idents(rng, n_v)
    avdeling = _avdeling_names(veileder_lane)
    spesialfelt = _spesialfelt(rng, veileder_lane)
    _, levels = _profiles(rng, veileder_lane)
    assessments, assessment_only = _assessments(rng, levels)
    pairs = _pairs(rng, n_pairs, avdeling, levels)
    in_pair = np.zeros(n_v, dtype=bool)
    for a, b in pairs:
        in_pair[a] = in_pair[b] = True
    flags = rng.random((n_v, 2), dtype=np.float64)
    pairable = ~((flags[:, 0] < _NOT_PAIRABLE_SHARE) & ~in_pair)
    max_tunge = rng.choice(_MAX_TUNGE_VALUES, size=n_v).astype(np.int64)
    has_max_tunge = flags[:, 1] < _MAX_TUNGE_SHARE
    kommunal = veileder_lane == _L_SOSIAL

    veiledere = [
        Veileder(
            ident=idents[i],
            avdeling=avdeling[i],
            stillingsprosent=int(pct[i]),
            ansettelse="kommunal" if kommunal[i] else "statlig",
            profile=None if assessment_only[i] else CompetenceProfile.from_array(
                levels[i].tolist()),
            assessments=assessments[i],
            spesialfelt=spesialfelt[i],
            pairable=bool(pairable[i]),
            max_tunge_saker=int(max_tunge[i]) if has_max_tunge[i] else None,
        )
        for i in range(n_v)
    ]
    # Real offices keep heavy cases within what their people may carry; a small office drawn
    # at random can exceed it (31 heavy cases against a limit of 30 at 5 veiledere / 150
    # brukere), which makes every allocation infeasible. Keep the heavy cases within
    # _HEAVY_LOAD of the office's total heavy-case limit by easing the excess at random.
    heavy_cap = int(np.floor(_HEAVY_LOAD * heavy_case_limits(veiledere, policy).sum()))
    heavy_ix = np.flatnonzero(brukere.tung)
    if len(heavy_ix) > heavy_cap:
        eased = rng.choice(heavy_ix, size=len(heavy_ix) - heavy_cap, replace=False)
        brukere.tung[eased] = False
        points = _points(brukere, policy)
    relations = _learning_relations(rng, idents, avdeling, levels)
    owner = _distribute(rng, brukere, lane, veileder_lane, pct, distribution,
                        float(ufordelt_share), n_b)

    width = max(6, len(str(n_b)))
    group_values = [None if g is None else g.value for g in _GROUPS]
    malgruppe_values = [m.value for m in _MALGRUPPER]
    hovedmal_values = [h.value for h in _HOVEDMAL]
    bruker_rows = [
        {
            "id": f"b-{i + 1:0{width}d}",
            "innsatsgruppe": group_values[g],
            "hovedmal": hovedmal_values[h] if h >= 0 else None,
            "malgrupper": [malgruppe_values[j] for j in range(5) if row[j]],
            "digital": d,
            "tung_sak": t,
            "veileder": idents[o] if o >= 0 else None,
        }
        for i, (g, h, row, d, t, o) in enumerate(zip(
            brukere.group.tolist(), brukere.hovedmal.tolist(), brukere.member.tolist(),
            brukere.digital.tolist(), brukere.tung.tolist(), owner.tolist(), strict=True,
        ))
    ]
    # The thesis' extras come from their own stream, drawn last, so an office without them
    # is exactly what it was before they existed.
    if not (isinstance(preferences, int | float) and not isinstance(preferences, bool)
            and 0 <= preferences <= 1):
        raise ValueError(f"preferences must be a share in [0, 1], got {preferences!r}")
    extra = np.random.default_rng(rng.integers(2**63)) if preferences or pair_history else None
    if preferences:
        stated = _preferences(extra, levels, float(preferences))
        veiledere = [v.model_copy(update={"preferences": stated[i]}) if stated[i] else v
                     for i, v in enumerate(veiledere)]
    history = _pair_history(extra, pairs, pairable, idents) if pair_history else []
    office = Office.model_validate({
        "enhet": enhet,
        "name": name if name is not None else f"NAV Syntetisk {enhet}",
        "veiledere": veiledere,
        "brukere": bruker_rows,
        "learning_relations": relations,
        "pairs": [tuple(sorted((idents[a], idents[b]))) for a, b in pairs],
        "pair_history": history,
    })

    capacity = float(pct.sum()) / 100.0 * policy.capacity_points_per_position
    achieved = float(points.sum()) / capacity
    if n_b and abs(achieved - load) > 0.1:
        fitting = n_v * policy.capacity_points_per_position * load / expected_points_per_bruker(
            policy
        )
        warnings.warn(
            f"synthetic office {enhet}: workload is {achieved:.0%} of capacity, not the "
            f"{load:.0%} asked for: {n_b} brukere do not fit {n_v} veiledere at 20-100 % "
            f"positions; about {fitting:.0f} brukere would at full positions",
            CapacityWarning,
            stacklevel=2,
        )
    return office


#: The national spread of office sizes (veiledere per office): one office in
#: ``_CITY_EVERY`` is a large city office of ``_CITY_SIZE`` veiledere; the others follow a
#: log-normal law with median ``_MEDIAN`` and log-spread ``_SPREAD``, clipped to
#: ``_LOCAL_SIZE`` — many small offices, a long tail of larger ones. At 250 offices that is
#: about 0.92 million brukere, median 34 veiledere (docs/scale.md).
_CITY_EVERY = 20
_CITY_SIZE = (150, 300)
_LOCAL_SIZE = (5, 150)
_MEDIAN, _SPREAD = 32.0, 0.95


def _national_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Veiledere per office for ``n`` offices: stratified over the size law (one office in
    each of ``n`` equal slices of probability), so the national total barely depends on the
    seed, then shuffled so a prefix of the list is a fair sample."""
    n_city = max(1, round(n / _CITY_EVERY)) if n else 0
    n_local = n - n_city
    u = (np.arange(n_local, dtype=np.float64) + rng.random(n_local, dtype=np.float64)) / max(
        n_local, 1)
    normal = NormalDist()
    z = np.array([normal.inv_cdf(min(max(x, 1e-12), 1 - 1e-12)) for x in u.tolist()])
    local = np.clip(np.floor(_MEDIAN * np.exp(_SPREAD * z) + 0.5), *_LOCAL_SIZE)
    city = rng.integers(_CITY_SIZE[0], _CITY_SIZE[1] + 1, size=n_city, dtype=np.int64)
    sizes = np.concatenate([local.astype(np.int64), city])
    return sizes[rng.permutation(n)]


def synthetic_offices(
    n: int, seed: Seed = 0, *, sizes: Sequence[tuple[int, int]] | None = None
) -> list[Office]:
    """``n`` synthetic offices with a national spread of sizes, deterministic for a seed.

    Parameters
    ----------
    n : int
        Number of offices, 0 to 9000.
    seed : int, numpy.random.Generator or None
        Source of randomness, resolved once with :func:`numpy.random.default_rng`.
    sizes : sequence of (n_veiledere, n_brukere), optional
        Sizes to use instead of drawing them; length ``n``.

    Returns
    -------
    list of Office
        Distinct 4-digit enhet ids, names ``"NAV Syntetisk 1"`` ... Drawn sizes follow a
        national spread: one office in 20 (at least one) is a city office of 150–300
        veiledere; the others are log-normal around a median of 32 veiledere, clipped to
        5–150, so most offices are small and a few are large. Brukere are sized for a load
        between 0.85 and 0.95 (about 68 per veileder): ``synthetic_offices(250)`` holds
        about 0.92 million brukere. Each office has its own seed, drawn from ``seed``.

    Notes
    -----
    Sizes are stratified (one draw in each of the ``n`` equal slices of the size law), so the
    national total varies little with the seed (±2 % at 250 offices).

    Examples
    --------
    >>> [o.n_veiledere for o in synthetic_offices(2, seed=3, sizes=[(5, 150), (6, 200)])]
    [5, 6]
    """
    n = _iv_int(n, "n", 0)
    if n > 9000:
        raise ValueError(f"n must be at most 9000 (4-digit enhet ids), got {n}")
    if sizes is not None:
        sizes = [(int(v), int(b)) for v, b in sizes]
        if len(sizes) != n:
            raise ValueError(f"sizes has {len(sizes)} entries but n is {n}")
    rng = np.random.default_rng(seed)
    enheter = rng.choice(9000, size=n, replace=False).astype(np.int64) + 1000
    drawn = _national_sizes(rng, n)
    per_point = expected_points_per_bruker()
    offices = []
    for i in range(n):
        office_seed = int(rng.integers(0, 2**62, dtype=np.int64))
        load = 0.85 + 0.10 * float(rng.random(dtype=np.float64))
        position = 0.88 + 0.09 * float(rng.random(dtype=np.float64))
        if sizes is None:
            n_v = int(drawn[i])
            n_b = int(math.floor(n_v * position * 100.0 * load / per_point + 0.5))
        else:
            n_v, n_b = sizes[i]
        offices.append(synthetic_office(
            n_v, n_b, office_seed, enhet=f"{int(enheter[i]):04d}",
            name=f"NAV Syntetisk {i + 1}", load=load,
        ))
    return offices


# --------------------------------------------------------------------------------------
# The built-in example office
# --------------------------------------------------------------------------------------
def example_office_json(office: Office | None = None) -> str:
    """The example office as the text shipped in ``data/eksempelby.json``.

    One veileder, bruker, relation or pair per line, so a regenerated file diffs readably.
    Generated from :data:`EXAMPLE_PARAMS` when ``office`` is None.
    """
    office = office if office is not None else synthetic_office(**EXAMPLE_PARAMS)
    data = office.model_dump(mode="json")
    lines = ["{"]
    keys = list(data)
    for n_key, key in enumerate(keys):
        value = data[key]
        end = "," if n_key < len(keys) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f" {json.dumps(key)}: [")
            items = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in value]
            lines.extend(f"  {item}," for item in items[:-1])
            lines.append(f"  {items[-1]}")
            lines.append(f" ]{end}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_example_office() -> Office:
    """The built-in example office "NAV Eksempelby" (25 veiledere, 1,800 brukere).

    Three avdelinger, two current pairs, learning relations, some ufordelte brukere, and
    the pair from DOMAIN.md: a veileder strong in relasjonell but weak in digital and
    forvaltning, and one the other way round.

    Examples
    --------
    >>> office = load_example_office()
    >>> office.name, office.n_veiledere, office.n_brukere
    ('NAV Eksempelby', 25, 1800)
    """
    text = resources.files("navkompetanse").joinpath("data", _EXAMPLE_FILE).read_text(
        encoding="utf-8"
    )
    return Office.model_validate_json(text)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m navkompetanse.synthetic --regenerate-example | --check-example``."""
    parser = argparse.ArgumentParser(prog="python -m navkompetanse.synthetic")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--regenerate-example", action="store_true",
                       help="rewrite src/navkompetanse/data/eksempelby.json from the generator")
    group.add_argument("--check-example", action="store_true",
                       help="exit 1 if the shipped example differs from the generator")
    args = parser.parse_args(argv)
    path = Path(__file__).parent / "data" / _EXAMPLE_FILE
    text = example_office_json()
    if args.regenerate_example:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text.encode('utf-8')):,} bytes)")
        return 0
    same = path.exists() and path.read_text(encoding="utf-8") == text
    print("example office is up to date" if same else f"{path} differs from the generator")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
