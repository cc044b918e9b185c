"""Gap analysis: what the office's competence leaves short, and which steps close it most.

:func:`gap_analysis` answers the thesis' question for one office — now that automation takes
the simple tasks, what competence does the office need, and how does it get there? — with
numbers a leader can act on, and the proof that each number holds.

What it measures (``docs/analysis.md`` has a worked example):

- **Demand against supply** per dimension: the brukere's need levels weighted by workload
  against the veiledere's levels weighted by capacity, and the share of each at level 4–5.
- **Remaining shortfall** in an allocation (a plan's, or the best one found if none is given):
  the fit the allocation loses in each dimension, ``Σ_i w_d · shortfall_id^p / scale`` (the four
  dimensions add up to ``Σ_i (1 − fit_i)``), and where it sits — by innsatsgruppe, malgruppe and
  avdeling. The *scarcest* dimension is the one that loses the most fit.
- **Development proposals**: for each veileder the one-level step in one dimension that would
  reduce the office's shortfall most; **recruiting**: the profile of a new full-time veileder
  with a typical colleague's level total, spent where it helps most; **part-time**: the value
  of raising a part-time veileder to a full position.

How the proposals are found and proven
--------------------------------------
Candidates are ranked cheaply with the prices of the allocation LP. Brukere with the same need
and workload are a group ``g`` (``n_g`` brukere of ``w_g`` points); units ``u`` have a cover
and a capacity. The LP's duals ``μ`` (what a bruker of group ``g`` is worth) give, for any unit,
the Lagrangian value ``K_u(μ) = max Σ_g y_g (fit_gu − μ_g)`` over ``Σ_g w_g y_g ≤ cap_u``,
``0 ≤ y_g ≤ n_g`` (a fractional knapsack). Since ``L(μ) = Σ_g μ_g n_g + Σ_u K_u(μ)`` bounds the
LP from above for every ``μ`` and equals it at the optimal duals, changing one unit's cover
from ``c`` to ``c'`` gains at most ``K_u(c', μ*) − K_u(c, μ*)`` in the LP: that is each
candidate's *estimate*. Then **every reported proposal is verified by re-solving the whole
allocation with the change applied** (``allocate_portfolios`` with the same pairs, policy and
options): the stated gain is ``objective(with change) − objective(baseline)``. Both solves
carry a certified bound, so the best possible gain lies in
``[objective' − bound, bound' − objective]`` (``gain_low``, ``gain_high``): the two solves'
certified gaps bound the error of the stated gain. Candidates are verified best estimate first;
development proposals stop once the next estimate plus the baseline's gap cannot reach the
weakest of the reported ones (so the reported top steps are the true top steps of the
estimate ranking, not just the first found).

Digital skill is, in the thesis, "an absolute requirement" rather than a strength to trade: a
veileder below working level (3) in digital is listed as a training need on its own, whatever
the optimiser says. Experts (level 4–5) whose strength the allocation hardly uses are listed
with what they could take instead.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array

from ..allocation import AllocationResult, allocate_portfolios
from ..allocation.propose import solve_office
from ..models import DIMENSIONS, CompetenceProfile, Office, Veileder
from ..policy import Policy
from ..results import FrozenDict, Result, freeze_fields, strict_json
from ..scoring import (
    capacity_points,
    fit_matrix,
    need_levels,
    penalty_scale,
    workload_points,
)
from ..scoring import shortfall as shortfall_levels
from ..text import check_lang, dimension_name, fmt, join, person, work_words
from ..text.gap_analysis import TEXT
from .competence_map import SHARE_MIN_GROUP_SIZE as SHARE_MIN

__all__ = [
    "DimensionGap",
    "GapAnalysis",
    "GroupShortfall",
    "Proposal",
    "TrainingNeed",
    "Underused",
    "gap_analysis",
]

_DIMS = tuple(d.value for d in DIMENSIONS)
#: A level at or above this is strong (4 = strong, 5 = can teach others).
HIGH = 4
#: Working level: "works independently" on the 1–5 scale; digital below it is a training need.
WORKING_LEVEL = 3
#: An expert whose unit's load needs her strength for less than this share is under-used.
UNDERUSED_SHARE = 0.2
#: Candidates verified beyond ``top`` before the ranking is taken as settled (at most).
EXTRA_CHECKS = 3


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DimensionGap:
    """One dimension: demand against supply, and the shortfall the allocation leaves."""

    dimension: str
    demand: float  # workload-weighted mean need level
    supply: float  # capacity-weighted mean level
    demand_high: float  # share of the workload that needs level 4–5
    supply_high: float  # share of the capacity at level 4–5
    shortfall: float  # fit the allocation loses in this dimension
    share: float  # of the whole shortfall
    brukere_short: int  # brukere with a shortfall here


@dataclass(frozen=True)
class GroupShortfall:
    """The shortfall that sits in one group of brukere (or one avdeling's units)."""

    kind: str  # "innsatsgruppe", "malgruppe" or "avdeling"
    group: str
    brukere: float  # brukere in the group (a pair across two avdelinger counts half in each)
    brukere_short: float
    shortfall: float
    by_dimension: Mapping[str, float]
    people: int = 0  # veiledere in the group (avdeling only)

    def __post_init__(self) -> None:
        freeze_fields(self, "by_dimension")


@dataclass(frozen=True)
class Proposal:
    """A development step, a hire or a raised stillingsprosent, with its verified value.

    ``gain`` is verified: the objective of the allocation re-solved with the change, less the
    baseline's. ``gain_low``/``gain_high`` bound the best possible gain by both solves'
    certified bounds; ``estimate`` is the price-based ranking value it was chosen by.
    """

    kind: str  # "development", "recruit" or "part_time"
    rank: int
    estimate: float
    gain: float
    gain_low: float
    gain_high: float
    shortfall_change: float  # change in total shortfall (negative: less short)
    brukere_better: int  # brukere whose shortfall falls
    ident: str | None = None
    dimension: str | None = None
    from_level: int | None = None
    to_level: int | None = None
    profile: Mapping[str, int] | None = None
    avdeling: str | None = None
    from_percent: float | None = None
    status: str = "feasible"  # the re-solve's status

    def __post_init__(self) -> None:
        if self.profile is not None:
            freeze_fields(self, "profile")

    def to_dict(self) -> dict[str, Any]:
        return strict_json(dataclasses.asdict(self) | {
            "profile": dict(self.profile) if self.profile is not None else None})


@dataclass(frozen=True)
class Underused:
    """An expert whose strength the allocation hardly uses, and who could use it."""

    ident: str
    dimension: str
    level: int
    used_share: float  # share of her unit's load that needs level 4–5 in the dimension
    waiting: int  # brukere elsewhere who need 4–5 there and are short of it


@dataclass(frozen=True)
class TrainingNeed:
    """A veileder below working level in digital: a baseline requirement, not a trade-off."""

    ident: str
    dimension: str
    level: int


@dataclass(frozen=True, repr=False)
class GapAnalysis(Result):
    """Where the office's competence falls short, and the verified steps that close it most.

    ``status`` is the baseline allocation's when it has no plan (``infeasible``), else
    ``feasible``; ``time_limit`` when the time ran out before every proposal could be verified
    (the verified ones are reported, and the message says so).
    """

    dimensions: tuple[DimensionGap, ...]
    scarcest: str | None
    groups: tuple[GroupShortfall, ...]
    development: tuple[Proposal, ...]
    recruiting: tuple[Proposal, ...]
    part_time: tuple[Proposal, ...]
    underused: tuple[Underused, ...]
    training: tuple[TrainingNeed, ...]
    objective: float
    bound: float
    total_shortfall: float
    n_veiledere: int
    n_brukere: int
    status: str = "feasible"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"
    names: Mapping[str, str] = field(default_factory=FrozenDict)
    stats: Mapping[str, Any] = field(default_factory=FrozenDict, compare=False)

    _title: ClassVar[tuple[str, str]] = ("Kompetansegap", "Competence gaps")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "kind", "rank", "ident", "name", "dimension", "from_level", "to_level", "profile",
        "avdeling", "gain", "gain_low", "gain_high", "estimate", "shortfall_change",
        "brukere_better", "text")

    def __post_init__(self) -> None:
        for name in ("dimensions", "groups", "development", "recruiting", "part_time",
                     "underused", "training"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        freeze_fields(self, "messages", "names", "stats")

    def __getitem__(self, dimension: str) -> DimensionGap:
        for d in self.dimensions:
            if d.dimension == str(getattr(dimension, "value", dimension)):
                return d
        raise KeyError(f"{dimension!r} is not a dimension ({', '.join(_DIMS)})")

    @property
    def proposals(self) -> tuple[Proposal, ...]:
        """Every verified proposal: development, recruiting, part-time, in that order."""
        return self.development + self.recruiting + self.part_time

    # ---- words --------------------------------------------------------------------------
    def proposal_text(self, proposal: Proposal, lang: str | None = None) -> str:
        """One proposal in words, with its verified value."""
        lang = self.lang if lang is None else check_lang(lang)
        t = TEXT[lang]
        value = t["value"].format(
            gain=fmt(proposal.gain, lang, 1), low=fmt(proposal.gain_low, lang, 1),
            high=fmt(proposal.gain_high, lang, 1), n=fmt(proposal.brukere_better, lang))
        if proposal.kind == "development":
            return t["development"].format(
                who=person(proposal.ident or "", self.names),
                dim=dimension_name(proposal.dimension, lang),
                work=work_words(proposal.dimension, lang),
                a=proposal.from_level, b=proposal.to_level) + " " + value
        if proposal.kind == "recruit":
            profile = proposal.profile or {}
            strong = [d for d in _DIMS if profile.get(d, 0) >= HIGH]
            where = (t["in_avdeling"].format(avdeling=proposal.avdeling)
                     if proposal.avdeling else "")
            return t["recruit"].format(
                levels=", ".join(f"{dimension_name(d, lang)} {profile.get(d)}" for d in _DIMS),
                strong=join([dimension_name(d, lang) for d in strong], lang) or t["even"],
                where=where) + " " + value
        return t["part_time"].format(
            who=person(proposal.ident or "", self.names),
            a=fmt(proposal.from_percent or 0, lang, 0)) + " " + value

    def explain(self, item: str | None = None, lang: str | None = None) -> str:
        """The analysis in words: the office (``None``), a dimension, or a veileder's ident."""
        lang = self.lang if lang is None else check_lang(lang)
        t = TEXT[lang]
        if item is None:
            lines = [self.describe(lang)]
            for d in self.dimensions:
                lines.append(self._dimension_line(d, lang))
            for heading, items in ((t["h_development"], self.development),
                                   (t["h_recruit"], self.recruiting),
                                   (t["h_part_time"], self.part_time)):
                if items:
                    lines.append(heading)
                    lines += [f"  {p.rank}. {self.proposal_text(p, lang)}" for p in items]
            lines += [self._underused_text(u, lang) for u in self.underused]
            lines += [self._training_text(n, lang) for n in self.training]
            return "\n".join(lines)
        key = str(getattr(item, "value", item))
        if key in _DIMS:
            return self._dimension_line(self[key], lang)
        own = [p for p in self.proposals if p.ident == key]
        lines = [self.proposal_text(p, lang) for p in own]
        lines += [self._underused_text(u, lang) for u in self.underused if u.ident == key]
        lines += [self._training_text(n, lang) for n in self.training if n.ident == key]
        if not lines:
            if key not in self.stats.get("idents", ()):
                raise KeyError(f"{key!r} is neither a dimension nor a veileder in this analysis")
            lines = [t["nothing_for"].format(who=person(key, self.names))]
        return "\n".join(lines)

    def _dimension_line(self, d: DimensionGap, lang: str) -> str:
        t = TEXT[lang]
        return t["dimension"].format(
            dim=dimension_name(d.dimension, lang), demand=fmt(d.demand, lang, 1),
            supply=fmt(d.supply, lang, 1), dh=fmt(100 * d.demand_high, lang, 0),
            sh=fmt(100 * d.supply_high, lang, 0), short=fmt(d.shortfall, lang, 1),
            share=fmt(100 * d.share, lang, 0), n=fmt(d.brukere_short, lang))

    def _underused_text(self, u: Underused, lang: str) -> str:
        return TEXT[lang]["underused"].format(
            who=person(u.ident, self.names), dim=dimension_name(u.dimension, lang),
            level=u.level, share=fmt(100 * u.used_share, lang, 0), n=fmt(u.waiting, lang))

    def _training_text(self, n: TrainingNeed, lang: str) -> str:
        return TEXT[lang]["training"].format(who=person(n.ident, self.names), level=n.level)

    # ---- export -------------------------------------------------------------------------
    def to_dict(self, *, shareable: bool = False) -> dict[str, Any]:
        """Plain JSON. ``shareable=True`` leaves out everything about named people (proposals
        for a veileder, under-used experts, training needs) and groups of fewer than
        :data:`SHARE_MIN` people, and says what was left out."""
        groups = _shareable_groups(self.groups) if shareable else list(self.groups)
        messages = dict(self.messages)
        if shareable and self.n_veiledere:  # no one named: the top step by dimension only
            messages = {code: _message(self, code, self.status == "time_limit",
                                       shareable=True) for code in ("nb", "en")}
        data: dict[str, Any] = {
            "status": self.status, "message": messages.get(self.lang, self.message),
            "messages": messages,
            "scarcest": self.scarcest,
            "dimensions": [dataclasses.asdict(d) for d in self.dimensions],
            "groups": [dataclasses.asdict(g) | {"by_dimension": dict(g.by_dimension)}
                       for g in groups],
            "recruiting": [p.to_dict() for p in self.recruiting],
            "objective": self.objective, "bound": self.bound,
            "total_shortfall": self.total_shortfall,
            "n_veiledere": self.n_veiledere, "n_brukere": self.n_brukere,
        }
        if shareable:
            data["hidden"] = {
                "groups": len(self.groups) - len(groups),
                "personal": ["development", "part_time", "underused", "training"],
                "min_group": SHARE_MIN,
            }
        else:
            data |= {
                "development": [p.to_dict() for p in self.development],
                "part_time": [p.to_dict() for p in self.part_time],
                "underused": [dataclasses.asdict(u) for u in self.underused],
                "training": [dataclasses.asdict(n) for n in self.training],
                "stats": {k: v for k, v in self.stats.items() if k != "idents"},
            }
        return strict_json(data)

    def _frame_rows(self) -> list[dict[str, Any]]:
        rows = []
        for p in self.proposals:
            rows.append({
                "kind": p.kind, "rank": p.rank, "ident": p.ident,
                "name": self.names.get(p.ident) if p.ident else None,
                "dimension": p.dimension, "from_level": p.from_level, "to_level": p.to_level,
                "profile": (" ".join(f"{d[:3]}={p.profile[d]}" for d in _DIMS)
                            if p.profile else None),
                "avdeling": p.avdeling, "gain": p.gain, "gain_low": p.gain_low,
                "gain_high": p.gain_high, "estimate": p.estimate,
                "shortfall_change": p.shortfall_change, "brukere_better": p.brukere_better,
                "text": self.proposal_text(p),
            })
        return rows

    def dimensions_frame(self) -> Any:
        """Demand, supply and shortfall per dimension as a DataFrame (one row each)."""
        from ..results import pandas

        return pandas().DataFrame(
            [dataclasses.asdict(d) | {"dimension_name": dimension_name(d.dimension, self.lang)}
             for d in self.dimensions])

    def groups_frame(self) -> Any:
        """Where the shortfall sits (innsatsgruppe, malgruppe, avdeling) as a DataFrame."""
        from ..results import pandas

        return pandas().DataFrame(
            [dataclasses.asdict(g) | {f"shortfall_{d}": g.by_dimension.get(d, 0.0)
                                      for d in _DIMS} for g in self.groups]
        ).drop(columns=["by_dimension"], errors="ignore")

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        t = TEXT[lang]
        rows = [(t["l_scarcest"], dimension_name(self.scarcest, lang) if self.scarcest else "–"),
                (t["l_shortfall"], fmt(self.total_shortfall, lang, 1))]
        if self.development:
            p = self.development[0]
            rows.append((t["l_top_step"], f"{person(p.ident or '', self.names)}: "
                         f"{dimension_name(p.dimension, lang)} (+{fmt(p.gain, lang, 1)})"))
        return rows

    def _repr_fields(self) -> str:
        return (f"scarcest={self.scarcest}, shortfall={self.total_shortfall:.1f}, "
                f"{len(self.development)} development, {len(self.recruiting)} recruiting")


def _shareable_groups(groups: Sequence[GroupShortfall]) -> list[GroupShortfall]:
    """The groups fit to share: at least :data:`SHARE_MIN` people (veiledere for an avdeling,
    brukere otherwise); where the hidden ones of a kind hold fewer than that together, the
    smallest shown one is hidden too (complementary suppression: the office's total less the
    shown groups would otherwise give the hidden ones away)."""
    shown: list[GroupShortfall] = []
    for kind in dict.fromkeys(g.kind for g in groups):
        mine = [g for g in groups if g.kind == kind]
        size = (lambda g: g.people) if kind == "avdeling" else (lambda g: g.brukere)
        keep = [g for g in mine if size(g) >= SHARE_MIN]
        hidden = sum(size(g) for g in mine if size(g) < SHARE_MIN)
        if kind != "malgruppe" and 0 < hidden < SHARE_MIN and keep:
            keep.remove(min(keep, key=lambda g: (size(g), g.group)))
        shown += keep
    return shown


# --------------------------------------------------------------------------------------------
# The price model: groups, units, the LP and its duals
# --------------------------------------------------------------------------------------------

@dataclass
class _Prices:
    """The allocation LP over groups of alike brukere and the units of the baseline."""

    need: np.ndarray  # need[group, dim]
    weight: np.ndarray  # points per bruker of the group
    count: np.ndarray  # brukere per group
    mu: np.ndarray  # dual price per bruker of the group
    policy: Policy

    def value(self, covers: np.ndarray, caps: np.ndarray,
              floors: np.ndarray | None = None) -> np.ndarray:
        """``K_u(μ)`` for units with these covers, capacities and floors (vectorised over
        units): the best fractional load between floor and capacity at reduced profits
        ``fit − μ``. One constraint, so taking groups by reduced profit per point is exact:
        fill while it pays and the capacity lasts, and on to the floor if it is not reached.
        """
        profit = fit_matrix(self.need, covers, self.policy) - self.mu[:, None]  # [g, unit]
        floors = np.zeros(len(covers)) if floors is None else floors
        out = np.zeros(len(covers))
        w = np.maximum(self.weight, 1e-12)
        for k in range(len(covers)):
            gain = profit[:, k]
            order = np.argsort(-(gain / w), kind="stable")
            g, ww, n = gain[order], w[order], self.count[order]
            pays = int(np.searchsorted(-(g / ww), 0.0, side="left"))  # groups with gain > 0
            load_paying = float((ww * n)[:pays].sum())
            target = min(max(floors[k], min(caps[k], load_paying)), caps[k])
            load = np.cumsum(ww * n)
            full = load <= target + 1e-9
            value = float((g * n)[full].sum())
            if not full.all():  # the first group that does not fit whole: a fraction of it
                j = int(np.argmin(full))
                room = target - (load[j - 1] if j else 0.0)
                value += g[j] * max(room, 0.0) / ww[j]
            out[k] = value
        return out


def _prices(need: np.ndarray, weight: np.ndarray, covers: np.ndarray, caps: np.ndarray,
            floors: np.ndarray, policy: Policy) -> _Prices | None:
    """Solve the baseline's allocation LP over groups and units; None if it has no optimum."""
    key = np.concatenate([need, weight[:, None]], axis=1)
    groups, inverse, count = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    g_need, g_weight = groups[:, :-1].astype(np.int64), groups[:, -1]
    n_g, n_u = len(groups), len(covers)
    if n_g == 0 or n_u == 0:
        return None
    fit = fit_matrix(g_need, covers, policy)
    cols = np.arange(n_g * n_u)
    gi, ui = np.divmod(cols, n_u)
    a_eq = coo_array((np.ones(len(cols)), (gi, cols)), shape=(n_g, len(cols)))
    w = np.maximum(g_weight[gi], 1e-9)
    a_ub = coo_array((np.concatenate([w, -w]), (np.concatenate([ui, ui + n_u]),
                                                np.concatenate([cols, cols]))),
                     shape=(2 * n_u, len(cols)))
    res = linprog(-fit.ravel(), A_ub=a_ub.tocsr(), b_ub=np.concatenate([caps, -floors]),
                  A_eq=a_eq.tocsr(),
                  b_eq=count.astype(float), bounds=(0, None), method="highs")
    if res.status != 0:
        return None
    mu = -np.asarray(res.eqlin.marginals, dtype=float)
    return _Prices(need=g_need, weight=g_weight, count=count.astype(float), mu=mu,
                   policy=policy)


# --------------------------------------------------------------------------------------------
# The analysis
# --------------------------------------------------------------------------------------------

def _options_of(plan: Any) -> dict[str, Any]:
    """The allocation options a plan was made with (``plan.options``, duck-typed)."""
    opts = getattr(plan, "options", None)
    if opts is None:
        return {}
    out: dict[str, Any] = {}
    for name in ("max_moves", "hard_specialty", "seed", "kommunal_only"):
        if hasattr(opts, name):
            out[name] = getattr(opts, name)
    if hasattr(opts, "pinned"):
        out["pinned"] = dict(opts.pinned)
    for applied in getattr(plan, "overrides", ()):  # a leader's placements hold in re-solves
        if getattr(applied.override, "kind", None) == "place":
            out.setdefault("pinned", {})[applied.override.bruker] = applied.override.unit
    if hasattr(opts, "overflow"):
        out["allow_overflow"] = bool(opts.overflow)
    learning = getattr(plan, "learning", None)
    if learning is not None and learning.reserved:  # mentors' time stays set aside
        out["reserved"] = dict(learning.reserved)
    return out


def _pairs_of(allocation: AllocationResult) -> list[tuple[str, str]]:
    return [tuple(u.members) for u in allocation.units.values() if len(u.members) == 2]


def _fit_lost(need: np.ndarray, cover: np.ndarray, policy: Policy) -> np.ndarray:
    """Fit lost per bruker and dimension, ``w_d · shortfall^p / scale`` ([bruker, dim])."""
    weights = np.array([policy.dimension_weights[d] for d in DIMENSIONS], dtype=float)
    miss = np.maximum(need - cover, 0).astype(float)
    return miss ** policy.shortfall_exponent * weights / penalty_scale(policy)


def _with_profile(office: Office, ident: str, profile: CompetenceProfile) -> Office:
    veiledere = tuple(v.replace(profile=profile) if v.ident == ident else v
                      for v in office.veiledere)
    return office.replace(veiledere=veiledere)


def _new_ident(office: Office) -> str:
    taken = set(office.idents)
    for k in range(999_999, 0, -1):
        ident = f"Y{k:06d}"
        if ident not in taken:
            return ident
    raise ValueError("no free ident for a new veileder")  # pragma: no cover


@dataclass(frozen=True)
class _Resolved:
    """What a re-solve proves: its status, objective and bound, and per bruker the fit lost
    (``1 - fit``) and the levels missing — the numbers the gap analysis reads."""

    status: str
    objective: float
    bound: float
    lost: dict[str, float]
    shortfall: dict[str, int]


def _resolve(office: Office, *, pairs: Any, policy: Policy, time_limit: float,
             max_moves: int | None = None, pinned: Mapping[str, str] | None = None,
             allow_overflow: bool = False, hard_specialty: bool = False, seed: int = 0,
             kommunal_only: bool | None = None, reserved: Mapping[str, float] | None = None,
             gap_tol: float = 1e-3) -> _Resolved:
    """:func:`~navkompetanse.allocate_portfolios`' own solve (``allocation.propose.
    solve_office``: canonical order, the model, the solve, the overflow retry, the check of
    the plan against every limit and of its objective), without writing the result's records
    per bruker and per move, which the analysis does not read (a quarter of each re-solve on
    the example office). ``test_a_re_solve_proves_what_allocate_portfolios_proves`` holds
    the two equal."""
    solved = solve_office(
        office.canonical(), pairs=pairs, policy=policy,
        deadline=time.perf_counter() + float(time_limit), max_moves=max_moves,
        pinned=pinned, allow_overflow=allow_overflow, hard_specialty=hard_specialty,
        seed=seed, gap_tol=gap_tol, kommunal_only=kommunal_only, reserved=reserved)
    model, outcome = solved.model, solved.outcome
    nothing = float("nan")
    if outcome is None:
        return _Resolved("infeasible", nothing, nothing, {}, {})
    if outcome.assignment is None:
        status = "infeasible" if outcome.status == "infeasible" else "time_limit"
        return _Resolved(status, nothing, nothing, {}, {})
    x = outcome.assignment
    objective = model.objective(x) if model.n_brukere else 0.0
    fit = model.fit[np.arange(model.n_brukere), x]
    short = shortfall_levels(model.need, model.cover[x]).sum(axis=1)
    return _Resolved(outcome.status, float(objective), float(outcome.bound),
                     dict(zip(model.bruker_ids, (1.0 - fit).tolist(), strict=True)),
                     dict(zip(model.bruker_ids, short.astype(int).tolist(), strict=True)))


class _Verifier:
    """Re-solves the allocation with a change applied and states the gain it proves."""

    def __init__(self, base: AllocationResult, options: Mapping[str, Any], policy: Policy,
                 deadline: float | None) -> None:
        self.base, self.options, self.policy = base, dict(options), policy
        self.deadline = deadline
        self.times: list[float] = []
        self.out_of_time = False
        self.base_lost = {bid: 1.0 - p.fit for bid, p in base.placements.items()}
        self.base_shortfall = {bid: p.total_shortfall for bid, p in base.placements.items()}

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def solve(self, office: Office) -> _Resolved | None:
        left = self.left()
        if left is not None and left <= 0.05:
            self.out_of_time = True
            return None
        start = time.perf_counter()
        result = _resolve(office, pairs=_pairs_of(self.base), policy=self.policy,
                          time_limit=min(left, 10.0) if left is not None else 10.0,
                          **self.options)
        self.times.append(time.perf_counter() - start)
        return result

    def gain(self, result: _Resolved) -> tuple[float, float, float, float, int]:
        """(gain, gain_low, gain_high, shortfall change, brukere better) against the base."""
        base = self.base
        gain = result.objective - base.objective
        low = result.objective - base.bound
        high = result.bound - base.objective
        change = sum(result.lost.values()) - sum(self.base_lost.values())
        before = self.base_shortfall
        better = sum(1 for bid, levels in result.shortfall.items()
                     if bid in before and levels < before[bid])
        return gain, low, high, change, better


def gap_analysis(
    office: Office,
    *,
    plan: Any = None,
    allocation: AllocationResult | None = None,
    policy: Policy | None = None,
    top: int = 3,
    verify: bool = True,
    time_limit: float | None = 30.0,
    lang: str = "nb",
    **allocation_options: Any,
) -> GapAnalysis:
    """Where the office's competence falls short, and the verified steps that close it most.

    Parameters
    ----------
    office : Office
    plan : Plan, optional
        Analyse this plan's allocation, re-solving with its policy, pairs and options.
    allocation : AllocationResult, optional
        Analyse this allocation (made with ``allocation_options``); without plan or
        allocation, the best allocation of ``office`` with ``allocation_options`` is used.
    policy : Policy, optional
    top : int
        How many proposals of each kind to report (default 3), each verified by a re-solve.
    verify : bool
        False: report the shortfall only, no proposals (no re-solves).
    time_limit : float, optional
        Seconds for the whole analysis (default 30); proposals not verified in time are left
        out, and the status says ``time_limit``.
    **allocation_options
        Passed to :func:`~navkompetanse.allocate_portfolios` (``pairs``, ``max_moves``,
        ``pinned``, ``allow_overflow``, ``hard_specialty``, ``seed`` …) for the baseline and
        every re-solve.

    Returns
    -------
    GapAnalysis
    """
    lang = check_lang(lang)
    start = time.perf_counter()
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise ValueError(f"top must be a whole number 0 or more, got {top!r}")
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    deadline = None if time_limit is None else start + float(time_limit)
    if plan is not None:
        policy = policy or getattr(plan, "policy", None)
        allocation = allocation or getattr(plan, "allocation", None)
        allocation_options = {**_options_of(plan), **allocation_options}
    policy = policy or Policy()
    options = {k: v for k, v in allocation_options.items() if k != "pairs"}
    if allocation is None:
        allocation = allocate_portfolios(
            office, policy=policy, pairs=allocation_options.get("pairs"),
            time_limit=min(10.0, float(time_limit or 10.0)), **options)
    names = FrozenDict({v.ident: v.name for v in office.veiledere if v.name})

    need = need_levels(office.brukere, policy)
    workload = workload_points(office.brukere, policy)
    levels = office.profiles()
    capacity = capacity_points(office.veiledere, policy)
    dims = _demand_supply(need, workload, levels, capacity)
    training = tuple(TrainingNeed(v.ident, "digital", int(levels[k, 3]))
                     for k, v in enumerate(office.veiledere) if levels[k, 3] < WORKING_LEVEL)

    if not allocation.ok or not allocation.placements:
        return _no_allocation(office, allocation, dims, training, names, lang, start)

    unit_ids = list(allocation.units)
    unit_of = np.array([unit_ids.index(allocation.assignment[b.id]) for b in office.brukere],
                       dtype=np.int64)
    covers = np.array([[allocation.units[u].cover[d] for d in _DIMS] for u in unit_ids],
                      dtype=np.int64)
    lost = _fit_lost(need, covers[unit_of], policy)  # [bruker, dim]
    short = np.maximum(need - covers[unit_of], 0)
    total = float(lost.sum())
    dims = tuple(dataclasses.replace(
        d, shortfall=float(lost[:, j].sum()),
        share=float(lost[:, j].sum() / total) if total > 0 else 0.0,
        brukere_short=int((short[:, j] > 0).sum())) for j, d in enumerate(dims))
    scarcest = max(dims, key=lambda d: d.shortfall).dimension if total > 0 else None
    groups = _groups(office, allocation, unit_ids, unit_of, lost, short)
    underused = _underused(office, allocation, unit_ids, unit_of, need, workload, short)

    development: list[Proposal] = []
    recruiting: list[Proposal] = []
    part_time: list[Proposal] = []
    stats: dict[str, Any] = {"idents": tuple(office.idents)}
    out_of_time = False
    if verify and top > 0 and deadline is not None and deadline - time.perf_counter() < 0.05:
        out_of_time = True  # no time for the price LP, let alone a re-solve
    elif verify and top > 0:
        caps = np.array([max(min(u.capacity_points, u.balance_cap), u.load_points)
                         for u in allocation.units.values()], dtype=float)
        floors = np.array([min(u.balance_floor, u.load_points)
                           for u in allocation.units.values()], dtype=float)
        prices = _prices(need, workload, covers, caps, floors, policy)
        verifier = _Verifier(allocation, options, policy, deadline)
        if prices is not None:
            development = _development(office, allocation, unit_ids, unit_of, need, covers,
                                       caps, floors, prices, verifier, top)
            recruiting = _recruiting(office, allocation, unit_ids, unit_of, lost, covers,
                                     caps, prices, verifier, top, policy)
            part_time = _part_time(office, allocation, unit_ids, covers, caps, floors,
                                   prices, verifier, top, policy)
        out_of_time = verifier.out_of_time
        stats |= {"resolves": len(verifier.times),
                  "seconds_per_resolve": (float(np.mean(verifier.times))
                                          if verifier.times else 0.0)}
    stats["seconds"] = time.perf_counter() - start
    status = "time_limit" if out_of_time else "feasible"
    result = GapAnalysis(
        dimensions=dims, scarcest=scarcest, groups=groups, development=tuple(development),
        recruiting=tuple(recruiting), part_time=tuple(part_time), underused=underused,
        training=training, objective=allocation.objective, bound=allocation.bound,
        total_shortfall=total, n_veiledere=office.n_veiledere, n_brukere=office.n_brukere,
        status=status, names=names, stats=stats, lang=lang)
    messages = {code: _message(result, code, out_of_time) for code in ("nb", "en")}
    return dataclasses.replace(result, message=messages[lang], messages=messages)


def _demand_supply(need: np.ndarray, workload: np.ndarray, levels: np.ndarray,
                   capacity: np.ndarray) -> tuple[DimensionGap, ...]:
    w_total, c_total = float(workload.sum()), float(capacity.sum())
    rows = []
    for j, dim in enumerate(_DIMS):
        demand = float(workload @ need[:, j] / w_total) if w_total > 0 else 0.0
        supply = float(capacity @ levels[:, j] / c_total) if c_total > 0 else 0.0
        dh = float(workload[need[:, j] >= HIGH].sum() / w_total) if w_total > 0 else 0.0
        sh = float(capacity[levels[:, j] >= HIGH].sum() / c_total) if c_total > 0 else 0.0
        rows.append(DimensionGap(dim, demand, supply, dh, sh, 0.0, 0.0, 0))
    return tuple(rows)


def _groups(office: Office, allocation: AllocationResult, unit_ids: Sequence[str],
            unit_of: np.ndarray, lost: np.ndarray, short: np.ndarray
            ) -> tuple[GroupShortfall, ...]:
    rows: list[GroupShortfall] = []
    is_short = short.sum(axis=1) > 0

    def add(kind: str, group: str, weight: np.ndarray, people: int = 0) -> None:
        n = float(weight.sum())
        if n == 0:
            return
        by_dim = {d: float(weight @ lost[:, j]) for j, d in enumerate(_DIMS)}
        rows.append(GroupShortfall(kind, group, n, float(weight @ is_short),
                                   float(sum(by_dim.values())), by_dim, people))

    groups = np.array([b.innsatsgruppe.value if b.innsatsgruppe else "TRENGER_VURDERING"
                       for b in office.brukere])
    for g in sorted(set(groups)):
        add("innsatsgruppe", g, (groups == g).astype(float))
    for m in sorted({m.value for b in office.brukere for m in b.malgrupper}):
        add("malgruppe", m, np.array([any(x.value == m for x in b.malgrupper)
                                      for b in office.brukere], dtype=float))
    avdeling = {v.ident: v.avdeling for v in office.veiledere}
    share: dict[str, np.ndarray] = {}
    for u, uid in enumerate(unit_ids):
        members = allocation.units[uid].members
        for ident in members:
            name = avdeling.get(ident)
            if name:
                share.setdefault(name, np.zeros(len(unit_ids)))[u] += 1.0 / len(members)
    people = {name: sum(1 for v in office.veiledere if v.avdeling == name) for name in share}
    for name in sorted(share):
        add("avdeling", name, share[name][unit_of], people[name])
    return tuple(rows)


def _underused(office: Office, allocation: AllocationResult, unit_ids: Sequence[str],
               unit_of: np.ndarray, need: np.ndarray, workload: np.ndarray,
               short: np.ndarray) -> tuple[Underused, ...]:
    out = []
    position = {ident: k for k, ident in enumerate(office.idents)}
    levels = office.profiles()
    for u, uid in enumerate(unit_ids):
        mine = unit_of == u
        load = float(workload[mine].sum())
        for ident in allocation.units[uid].members:
            for j, dim in enumerate(_DIMS):
                level = int(levels[position[ident], j])
                if level < HIGH:
                    continue
                used = float(workload[mine & (need[:, j] >= HIGH)].sum() / load) if load else 0.0
                waiting = int(((~mine) & (need[:, j] >= HIGH) & (short[:, j] > 0)).sum())
                if used < UNDERUSED_SHARE and waiting > 0:
                    out.append(Underused(ident, dim, level, used, waiting))
    return tuple(sorted(out, key=lambda x: (-x.waiting, x.ident, x.dimension)))


def _rank(candidates: list[tuple[float, Any]], verify_one: Any, top: int,
          slack: float, extra: int = EXTRA_CHECKS) -> list[Proposal]:
    """Verify candidates best estimate first; stop when the rest cannot reach the top."""
    candidates.sort(key=lambda c: -c[0])
    done: list[Proposal] = []
    for k, (estimate, item) in enumerate(candidates):
        if estimate <= 1e-9 and done:
            break
        if len(done) >= top:
            weakest = sorted(p.gain for p in done)[-top]
            if estimate + slack < weakest or k >= top + extra:
                break
        proposal = verify_one(estimate, item)
        if proposal is None:
            break  # out of time
        done.append(proposal)
    done = [p for p in done if p.gain > 1e-9]
    done.sort(key=lambda p: (-p.gain, p.ident or "", p.dimension or ""))
    return [dataclasses.replace(p, rank=r + 1) for r, p in enumerate(done[:top])]


def _development(office: Office, allocation: AllocationResult, unit_ids: Sequence[str],
                 unit_of: np.ndarray, need: np.ndarray, covers: np.ndarray, caps: np.ndarray,
                 floors: np.ndarray, prices: _Prices, verifier: _Verifier, top: int
                 ) -> list[Proposal]:
    """Each veileder's best one-level step, ranked by the larger of two cheap values: the
    price estimate (module doc) and the gain of her unit's own brukere if nobody moved (the
    baseline distribution stays feasible, so that much is certain up to the solves' gaps;
    it is what the price model misses where continuity keeps brukere with a weak veileder).
    """
    base_value = prices.value(covers, caps, floors)
    policy = prices.policy
    base_fit = fit_matrix(need, covers, policy)[np.arange(len(need)), unit_of]
    unit_index = {ident: u for u, uid in enumerate(unit_ids)
                  for ident in allocation.units[uid].members}
    levels = office.profiles()
    candidates: list[tuple[float, Any]] = []
    for k, v in enumerate(office.veiledere):
        u = unit_index[v.ident]
        best: tuple[float, int] | None = None
        for j in range(len(_DIMS)):
            if levels[k, j] >= 5:
                continue
            cover = covers[u].copy()
            cover[j] = max(cover[j], levels[k, j] + 1)
            estimate = float(prices.value(cover[None, :], caps[u:u + 1], floors[u:u + 1])[0]
                             - base_value[u])
            mine = unit_of == u
            if cover[j] != covers[u, j] and mine.any():
                stay = float((fit_matrix(need[mine], cover[None, :], policy)[:, 0]
                              - base_fit[mine]).sum())
                estimate = max(estimate, stay)
            if best is None or estimate > best[0] + 1e-12:
                best = (estimate, j)
        if best is not None:
            candidates.append((best[0], (k, best[1])))

    def verify_one(estimate: float, item: tuple[int, int]) -> Proposal | None:
        k, j = item
        v = office.veiledere[k]
        raised = levels[k].copy()
        raised[j] += 1
        result = verifier.solve(_with_profile(office, v.ident,
                                              CompetenceProfile.from_array(raised)))
        if result is None:
            return None
        gain, low, high, change, better = verifier.gain(result)
        return Proposal("development", 0, estimate, gain, max(low, 0.0), high, change, better,
                        ident=v.ident, dimension=_DIMS[j], from_level=int(levels[k, j]),
                        to_level=int(levels[k, j] + 1), avdeling=v.avdeling,
                        status=result.status)

    slack = max(allocation.bound - allocation.objective, 0.0)
    return _rank(candidates, verify_one, top, slack)


def _typical_total(levels: np.ndarray) -> int:
    """The median level total of the office's veiledere (11–20: every profile a hire may
    have sums to at least 2 + 2 + 2 + 3)."""
    return int(np.clip(np.round(np.median(levels.sum(axis=1))), 11, 20)) if len(levels) else 12


def _recruiting(office: Office, allocation: AllocationResult, unit_ids: Sequence[str],
                unit_of: np.ndarray, lost: np.ndarray, covers: np.ndarray, caps: np.ndarray,
                prices: _Prices, verifier: _Verifier, top: int, policy: Policy
                ) -> list[Proposal]:
    total = _typical_total(office.profiles())
    # a typical colleague's level total, spent differently; at least level 2 everywhere and
    # working level in digital, the baseline requirement
    digital = _DIMS.index("digital")
    profiles = np.array([p for p in itertools.product(range(2, 6), repeat=4)
                         if sum(p) == total and p[digital] >= WORKING_LEVEL], dtype=np.int64)
    if len(profiles) == 0:
        return []
    load = float(sum(u.load_points for u in allocation.units.values()))
    office_cap = float(sum(u.capacity_points for u in allocation.units.values()))
    full = policy.capacity_points_per_position
    share = load * (1 + policy.balance_slack) / (office_cap + full) if office_cap + full else 1
    cap = full * min(1.0, share)
    values = prices.value(profiles, np.full(len(profiles), cap))
    candidates = [(float(values[k]), k) for k in range(len(profiles))]
    # where each dimension's shortfall sits, by avdeling: the hire goes where her strength is
    # short
    avdeling_short: dict[str, np.ndarray] = {}
    avdeling = {v.ident: v.avdeling for v in office.veiledere}
    for u, uid in enumerate(unit_ids):
        members = allocation.units[uid].members
        for ident in members:
            if avdeling.get(ident):
                avdeling_short.setdefault(avdeling[ident], np.zeros(4))
                avdeling_short[avdeling[ident]] += lost[unit_of == u].sum(axis=0) / len(members)
    ident = _new_ident(office)

    def verify_one(estimate: float, k: int) -> Proposal | None:
        profile = CompetenceProfile.from_array(profiles[k])
        strength = profiles[k] - profiles[k].mean()
        where = (max(avdeling_short, key=lambda a: float(avdeling_short[a] @ strength))
                 if avdeling_short else None)
        hire = Veileder(ident=ident, avdeling=where, profile=profile)
        result = verifier.solve(office.replace(veiledere=(*office.veiledere, hire)))
        if result is None:
            return None
        gain, low, high, change, better = verifier.gain(result)
        return Proposal("recruit", 0, estimate, gain, low, high, change, better,
                        profile=dict(zip(_DIMS, (int(x) for x in profiles[k]), strict=True)),
                        avdeling=where, status=result.status)

    # a hire adds capacity, which changes every unit's balance cap: the price estimate is a
    # ranking only, so verify a few more than reported and no early stop on the estimate
    return _rank(candidates, verify_one, top, slack=float("inf"), extra=1)


def _part_time(office: Office, allocation: AllocationResult, unit_ids: Sequence[str],
               covers: np.ndarray, caps: np.ndarray, floors: np.ndarray, prices: _Prices,
               verifier: _Verifier, top: int, policy: Policy) -> list[Proposal]:
    unit_index = {ident: u for u, uid in enumerate(unit_ids)
                  for ident in allocation.units[uid].members}
    base_value = prices.value(covers, caps, floors)
    candidates: list[tuple[float, Any]] = []
    for v in office.veiledere:
        if v.stillingsprosent >= 100:
            continue
        u = unit_index[v.ident]
        extra = (100 - v.stillingsprosent) / 100 * policy.capacity_points_per_position
        value = (prices.value(covers[u:u + 1], caps[u:u + 1] + extra, floors[u:u + 1])[0]
                 - base_value[u])
        candidates.append((float(value), v))

    def verify_one(estimate: float, v: Veileder) -> Proposal | None:
        veiledere = tuple(x.replace(stillingsprosent=100) if x.ident == v.ident else x
                          for x in office.veiledere)
        result = verifier.solve(office.replace(veiledere=veiledere))
        if result is None:
            return None
        gain, low, high, change, better = verifier.gain(result)
        return Proposal("part_time", 0, estimate, gain, low, high, change, better,
                        ident=v.ident, avdeling=v.avdeling, from_percent=v.stillingsprosent,
                        status=result.status)

    return _rank(candidates, verify_one, top, slack=float("inf"), extra=0)


def _no_allocation(office: Office, allocation: AllocationResult,
                   dims: tuple[DimensionGap, ...], training: tuple[TrainingNeed, ...],
                   names: Mapping[str, str], lang: str, start: float) -> GapAnalysis:
    status = "infeasible" if allocation.status == "infeasible" else allocation.status
    messages = {code: TEXT[code]["no_plan"].format(why=allocation.describe(code))
                for code in ("nb", "en")}
    return GapAnalysis(
        dimensions=dims, scarcest=None, groups=(), development=(), recruiting=(),
        part_time=(), underused=(), training=training, objective=float("nan"),
        bound=float("nan"), total_shortfall=float("nan"), n_veiledere=office.n_veiledere,
        n_brukere=office.n_brukere, status=status, message=messages[lang],
        messages=messages, lang=lang, names=names,
        stats={"idents": tuple(office.idents), "seconds": time.perf_counter() - start})


def _message(result: GapAnalysis, lang: str, out_of_time: bool, *,
             shareable: bool = False) -> str:
    t = TEXT[lang]
    if result.scarcest is None:
        text = t["no_shortfall"]
    else:
        d = result[result.scarcest]
        text = t["scarcest"].format(dim=dimension_name(d.dimension, lang),
                                    share=fmt(100 * d.share, lang, 0),
                                    total=fmt(result.total_shortfall, lang, 1))
    if result.development and shareable:
        text += " " + t["top_step_dim"].format(
            dim=dimension_name(result.development[0].dimension, lang))
    elif result.development:
        p = result.development[0]
        text += " " + t["top_step"].format(who=person(p.ident or "", result.names),
                                           dim=dimension_name(p.dimension, lang),
                                           gain=fmt(p.gain, lang, 1))
    if result.training and not shareable:
        n = len(result.training)
        text += " " + t["n_training"].format(n=t["veiledere"][n == 1].format(n=n))
    if out_of_time:
        text += " " + t["out_of_time"]
    return text

