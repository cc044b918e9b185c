"""Learning relations: the office's learning network, and mentoring that spreads competence.

Most learning at work happens in informal learning relations between colleagues
(læringsforhold, DOMAIN.md). :func:`learning_network` makes the network visible — who learns
from whom, who has no learning relation, whether learning stays inside the avdelinger, who
connects them, and whether everyone has an expert within reach ("you need not know
everything, but you must know whom to ask"). :func:`learning_plan` proposes new mentor →
learner relations, chosen by an exact assignment, that are worth most to the brukere.

The ties
--------
The network's ties are the office's learning relations (mentor → learner, optionally in one
dimension) and its current pairs (collaboration, both ways). *Isolated* means no learning
relation at all (a pair alone does not count: sharing a portfolio is not a learning relation).
Expert reach and brokers read the ties **undirected**: one asks along any tie, whichever way
the learning went, and a pair partner is the first colleague one asks.

Silo index
----------
``R`` is the set of pairs of people with at least one learning relation (both with an
avdeling), ``observed = |R crossing avdelinger| / |R|`` and ``expected = 1 − Σ_a n_a(n_a − 1) /
(N(N − 1))`` — the chance that two veiledere drawn at random belong to different avdelinger
(``n_a`` veiledere in avdeling ``a``, ``N`` in all). ``silo = 1 − observed / expected``: 0 is
as mixed as chance, 1 is every relation inside its avdeling, below 0 more crossing than chance.

The plan: benefit and algorithm
-------------------------------
A new relation ``(mentor m, learner l, dimension d)`` aims at one level more for the learner.
Its benefit is ``p(level_m,d − level_l,d) · V(l, d) + bridge + inclusion``:

- ``V(l, d)``: the fit her brukere gain when she rises one level in ``d`` —
  ``w_d / scale · Σ_i [max(need_id − c, 0)^p − max(need_id − c', 0)^p]`` over the brukere of
  her unit, with ``c`` the unit's cover today and ``c' = max(c, level_l,d + 1)`` (in a pair the
  partner may already cover it: then her gap costs the brukere nothing). Her unit's brukere are
  those of ``allocation`` when given, else today's; with none, the office's brukere weighted by
  her share of the office's capacity.
- ``p``: ``Policy.mentor_success`` by how many levels the mentor is ahead (a step or two ahead
  beats the top expert).
- ``bridge``: ``Policy.learning_bridge_bonus`` when mentor and learner are in different
  avdelinger (with ``prefer_cross_avdeling``).
- ``inclusion``: ``Policy.learning_inclusion_bonus`` for the learner if she has no learning
  relation, and once for the mentor (with her first new mentee) if she has none.

Rules: the mentor is ahead of the learner in ``d`` and at least at ``Policy.mentor_min_level``;
nobody mentors herself; no relation the office already has (the same mentor and learner in the
same dimension, or a general one); each learner gets **at most one** new relation per plan
(change in small steps; learning takes her time too); a mentor has
``max_mentees_per_mentor`` mentees at most, counting those she has, and no more than her
capacity points allow. A relation with only the bridging bonus is not proposed: it must close
a gap that costs brukere something, or include someone.

The choice is an **assignment problem** — learners × mentor slots (mentor ``m`` repeated once
per free place), value ``max_d benefit(m, l, d)``, the mentor's inclusion bonus on her first
slot only, one dummy column per learner for "no new mentor" — solved exactly by
``scipy.optimize.linear_sum_assignment`` (the Jonker–Volgenant shortest augmenting path
algorithm). Each learner takes at most one relation, so for a mentor only the learner's best
dimension can matter; a mentor's slots differ only by the bonus on the first, so an optimal
assignment fills them in order. The proposals are therefore **optimal** for the stated benefit
(``status="optimal"``), and ``tests/test_learning.py`` checks it against brute force.
Cost: ``O(n_learners² · n_slots)`` at worst; 150 veiledere take a few milliseconds.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..models import DIMENSIONS, Office
from ..policy import Policy
from ..results import FrozenDict, Result, freeze_fields, strict_json
from ..scoring import capacity_points, need_levels, penalty_scale
from ..text import check_lang, dimension_name, fmt, join, person, work_words
from ..text.learning_relations import TEXT
from .competence_map import SHARE_MIN_GROUP_SIZE as SHARE_MIN

__all__ = [
    "LearningNetwork",
    "LearningPlan",
    "MentorProposal",
    "NetworkSummary",
    "VeilederTies",
    "learning_network",
    "learning_plan",
]

_DIMS = tuple(d.value for d in DIMENSIONS)
#: The plan's algorithms: the exact assignment (default) and a greedy walk for comparison.
METHODS = ("assignment", "greedy")
#: How many knowledge brokers the network names (those with betweenness above zero).
N_BROKERS = 5


# --------------------------------------------------------------------------------------------
# The ties as arrays (one place for the rules; network and plan both use it)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Ties:
    idents: tuple[str, ...]
    avdeling: tuple[str | None, ...]
    levels: np.ndarray  # [veileder, dim]
    learning: tuple[tuple[int, int, int], ...]  # (mentor, learner, dim or -1)
    pairs: tuple[tuple[int, int], ...]


def _ties(office: Office, extra: Sequence[tuple[int, int, int]] = ()) -> _Ties:
    index = {ident: k for k, ident in enumerate(office.idents)}
    learning = tuple((index[r.mentor], index[r.learner],
                      _DIMS.index(r.dimension.value) if r.dimension is not None else -1)
                     for r in office.learning_relations) + tuple(extra)
    pairs = tuple((index[a], index[b]) for a, b in office.pairs)
    return _Ties(office.idents, tuple(v.avdeling for v in office.veiledere),
                 office.profiles(), learning, pairs)


def _adjacency(ties: _Ties) -> np.ndarray:
    """Undirected ties (learning either way, pairs) as a boolean matrix."""
    n = len(ties.idents)
    adj = np.zeros((n, n), dtype=bool)
    for m, ll, _ in ties.learning:
        adj[m, ll] = adj[ll, m] = True
    for a, b in ties.pairs:
        adj[a, b] = adj[b, a] = True
    return adj


def _has_learning(ties: _Ties) -> np.ndarray:
    has = np.zeros(len(ties.idents), dtype=bool)
    for m, ll, _ in ties.learning:
        has[m] = has[ll] = True
    return has


def _silo(ties: _Ties) -> tuple[int, int, float | None, float | None, float | None]:
    """(relations, crossing, observed share, expected share, silo index); see module doc."""
    known = [a for a in ties.avdeling if a is not None]
    n = len(known)
    counts = np.array([known.count(a) for a in set(known)], dtype=float)
    expected = 1.0 - float((counts * (counts - 1)).sum()) / (n * (n - 1)) if n >= 2 else 0.0
    rel = {frozenset((m, ll)) for m, ll, _ in ties.learning
           if ties.avdeling[m] is not None and ties.avdeling[ll] is not None}
    cross = sum(1 for r in rel if len({ties.avdeling[k] for k in r}) == 2)
    if not rel:
        return 0, 0, None, expected if expected > 0 else None, None
    observed = cross / len(rel)
    if expected <= 0:
        return len(rel), cross, observed, None, None
    return len(rel), cross, observed, expected, 1.0 - observed / expected


def _reach(ties: _Ties, policy: Policy) -> np.ndarray:
    """Steps to the nearest expert per veileder and dimension (``-1``: none within reach)."""
    n = len(ties.idents)
    adj = _adjacency(ties).astype(np.int64)
    expert = ties.levels >= policy.expert_level  # [v, d]
    dist = np.where(expert, 0, -1).astype(np.int64)
    frontier = expert.astype(np.int64)  # reached in exactly k steps (or fewer)
    for step in range(1, policy.expert_reach_steps + 1):
        frontier = ((adj @ frontier) + frontier > 0).astype(np.int64) if n else frontier
        dist = np.where((dist < 0) & (frontier > 0), step, dist)
    return dist


@dataclass(frozen=True)
class NetworkSummary:
    """The network's measures in a few numbers (before and after a plan)."""

    n_veiledere: int
    n_relations: int  # pairs of people with a learning relation
    n_isolated: int
    crossing: int  # of the relations, those across avdelinger
    observed_cross: float | None
    expected_cross: float | None
    silo_index: float | None
    reach: Mapping[str, float]  # share of veiledere with an expert within reach, per dimension
    reach_all: float  # share over veiledere × dimensions

    def __post_init__(self) -> None:
        freeze_fields(self, "reach")

    def to_dict(self) -> dict[str, Any]:
        return strict_json(dataclasses.asdict(self) | {"reach": dict(self.reach)})


def _summary(ties: _Ties, policy: Policy) -> tuple[NetworkSummary, np.ndarray, np.ndarray]:
    has = _has_learning(ties)
    dist = _reach(ties, policy)
    n = len(ties.idents)
    rel, cross, observed, expected, silo = _silo(ties)
    reached = dist >= 0
    reach = {d: float(reached[:, j].mean()) if n else 0.0 for j, d in enumerate(_DIMS)}
    return NetworkSummary(
        n_veiledere=n, n_relations=rel, n_isolated=int((~has).sum()), crossing=cross,
        observed_cross=observed, expected_cross=expected, silo_index=silo, reach=reach,
        reach_all=float(reached.mean()) if n else 0.0), has, dist


# --------------------------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VeilederTies:
    """One veileder in the network."""

    ident: str
    avdeling: str | None
    mentors: tuple[str, ...]  # who she learns from
    mentees: tuple[str, ...]  # who learns from her
    partner: str | None  # her pair partner today
    isolated: bool  # no learning relation at all
    betweenness: float  # share of shortest paths between others that pass through her
    avdelinger_reached: int  # other avdelinger among the people she has a tie to
    reach: Mapping[str, int | None]  # steps to the nearest expert per dimension (None: none)
    levels: Mapping[str, int]

    def __post_init__(self) -> None:
        freeze_fields(self, "reach", "levels")


@dataclass(frozen=True, repr=False)
class LearningNetwork(Result):
    """Who learns from whom, who is left out, whether learning stays inside the avdelinger,
    who connects them, and whether everyone has an expert within reach.

    ``graph`` is a (frozen) ``networkx.DiGraph`` for networkx's own tools. ``status`` is
    ``feasible``: a description, nothing was optimised.
    """

    veiledere: tuple[VeilederTies, ...]
    summary: NetworkSummary
    isolated: tuple[str, ...]
    brokers: tuple[str, ...]
    relations: tuple[tuple[str, str, str | None], ...]  # (mentor, learner, dimension)
    pairs: tuple[tuple[str, str], ...]
    status: str = "feasible"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"
    names: Mapping[str, str] = field(default_factory=FrozenDict)
    stats: Mapping[str, Any] = field(default_factory=FrozenDict, compare=False)

    _title: ClassVar[tuple[str, str]] = ("Læringsnettverk", "Learning network")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "ident", "name", "avdeling", "isolated", "n_mentors", "n_mentees", "partner",
        "betweenness", "broker", "avdelinger_reached",
        *(f"reach_{d}" for d in _DIMS), *(f"level_{d}" for d in _DIMS))

    def __post_init__(self) -> None:
        for name in ("veiledere", "isolated", "brokers", "relations", "pairs"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        freeze_fields(self, "messages", "names", "stats")

    def __getitem__(self, ident: str) -> VeilederTies:
        for v in self.veiledere:
            if v.ident == ident:
                return v
        raise KeyError(f"{ident!r} is not a veileder in this network")

    @property
    def graph(self) -> Any:
        """The network as a frozen ``networkx.DiGraph``: mentor → learner edges with
        ``kind="learning"`` and ``dimension`` (None for a general relation; ``dimensions``
        lists them all when there are several), pairs as ``kind="pair"`` edges both ways
        (``pair=True`` also on a learning edge between partners); nodes carry ``avdeling``,
        ``name`` and the four levels."""
        import networkx as nx

        g = nx.DiGraph()
        for v in self.veiledere:
            g.add_node(v.ident, avdeling=v.avdeling, name=self.names.get(v.ident),
                       **dict(v.levels))
        for a, b in self.pairs:
            g.add_edge(a, b, kind="pair", pair=True, dimension=None, dimensions=())
            g.add_edge(b, a, kind="pair", pair=True, dimension=None, dimensions=())
        for mentor, learner, dim in self.relations:
            old = g.get_edge_data(mentor, learner) or {}
            dims = (*old.get("dimensions", ()), dim) if old.get("kind") == "learning" else (dim,)
            g.add_edge(mentor, learner, kind="learning", pair=bool(old.get("pair")),
                       dimension=dims[0] if len(dims) == 1 else None, dimensions=dims)
        return nx.freeze(g)

    # ---- words --------------------------------------------------------------------------
    def explain(self, ident: str | None = None, lang: str | None = None) -> str:
        """The network in words (``None``), or one veileder's place in it."""
        lang = self.lang if lang is None else check_lang(lang)
        t = TEXT[lang]
        if ident is None:
            lines = [self.describe(lang), _silo_text(self.summary, lang)]
            lines.append(_reach_text(self.summary, lang))
            if self.brokers:
                lines.append(t["brokers"].format(who=join(
                    [person(b, self.names) for b in self.brokers], lang)))
            if self.isolated:
                lines.append(t["isolated_list"].format(who=join(
                    [person(b, self.names) for b in self.isolated], lang)))
            return "\n".join(lines)
        v = self[ident]
        who = person(v.ident, self.names)
        lines = []
        if v.isolated:
            lines.append(t["is_isolated"].format(who=who))
        else:
            parts = []
            if v.mentors:
                parts.append(t["learns_from"].format(
                    who=join([person(m, self.names) for m in v.mentors], lang)))
            if v.mentees:
                parts.append(t["teaches"].format(
                    who=join([person(m, self.names) for m in v.mentees], lang)))
            lines.append(who + " " + join(parts, lang) + ".")
        if v.partner:
            lines.append(t["partner"].format(who=person(v.partner, self.names)))
        if v.ident in self.brokers:
            lines.append(t["is_broker"].format(
                share=fmt(100 * v.betweenness, lang, 0), n=v.avdelinger_reached))
        missing = [d for d in _DIMS if v.reach[d] is None]
        if missing:
            lines.append(t["no_expert"].format(
                dims=join([dimension_name(d, lang) for d in missing], lang),
                level=_expert_level(self), steps=_steps(self)))
        else:
            lines.append(t["all_reach"].format(steps=_steps(self)))
        return "\n".join(lines)

    # ---- export -------------------------------------------------------------------------
    def to_dict(self, *, shareable: bool = False) -> dict[str, Any]:
        """Plain JSON. ``shareable=True`` keeps the office's numbers only: no one named, no
        avdeling, and the numbers left out altogether for fewer than :data:`SHARE_MIN`
        veiledere."""
        if shareable:
            small = self.summary.n_veiledere < SHARE_MIN
            messages = {c: TEXT[c]["shareable"] for c in ("nb", "en")}
            return strict_json({
                "status": self.status, "message": messages[self.lang],
                "messages": messages,
                "summary": None if small else self.summary.to_dict(),
                "hidden": {"personal": ["veiledere", "isolated", "brokers", "relations",
                                        "pairs"], "min_group": SHARE_MIN},
            })
        return strict_json({
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            "summary": self.summary.to_dict(),
            "isolated": list(self.isolated), "brokers": list(self.brokers),
            "relations": [list(r) for r in self.relations],
            "pairs": [list(p) for p in self.pairs],
            "veiledere": [dataclasses.asdict(v) | {"reach": dict(v.reach),
                                                   "levels": dict(v.levels)}
                          for v in self.veiledere],
        })

    def _frame_rows(self) -> list[dict[str, Any]]:
        return [{
            "ident": v.ident, "name": self.names.get(v.ident), "avdeling": v.avdeling,
            "isolated": v.isolated, "n_mentors": len(v.mentors), "n_mentees": len(v.mentees),
            "partner": v.partner, "betweenness": v.betweenness,
            "broker": v.ident in self.brokers, "avdelinger_reached": v.avdelinger_reached,
            **{f"reach_{d}": v.reach[d] for d in _DIMS},
            **{f"level_{d}": v.levels[d] for d in _DIMS},
        } for v in self.veiledere]

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        t = TEXT[lang]
        s = self.summary
        return [(t["l_isolated"], fmt(s.n_isolated, lang)),
                (t["l_silo"], fmt(s.silo_index, lang, 2) if s.silo_index is not None else "–"),
                (t["l_reach"], f"{fmt(100 * s.reach_all, lang, 0)} %")]

    def _repr_fields(self) -> str:
        s = self.summary
        silo = f"{s.silo_index:.2f}" if s.silo_index is not None else "None"
        return (f"{s.n_veiledere} veiledere, {s.n_relations} relations, "
                f"isolated={s.n_isolated}, silo={silo}, reach={s.reach_all:.0%}")


def _expert_level(result: Any) -> int:
    return int(result.stats.get("expert_level", 4))


def _steps(result: Any) -> int:
    return int(result.stats.get("expert_reach_steps", 2))


def _silo_text(s: NetworkSummary, lang: str) -> str:
    t = TEXT[lang]
    if s.silo_index is None:
        return t["silo_none"]
    key = "silo_high" if s.silo_index >= 0.5 else "silo_some" if s.silo_index > 0.1 else (
        "silo_mixed")
    return t[key].format(cross=s.crossing, n=s.n_relations,
                         obs=fmt(100 * (s.observed_cross or 0), lang, 0),
                         exp=fmt(100 * (s.expected_cross or 0), lang, 0),
                         silo=fmt(s.silo_index, lang, 2))


def _reach_text(s: NetworkSummary, lang: str) -> str:
    return TEXT[lang]["reach"].format(parts=join(
        [f"{dimension_name(d, lang)} {fmt(100 * s.reach[d], lang, 0)} %" for d in _DIMS],
        lang))


def _network_message(s: NetworkSummary, lang: str) -> str:
    t = TEXT[lang]
    text = t["network"].format(n=s.n_relations, v=s.n_veiledere)
    text += " " + (t["isolated_n"].format(n=s.n_isolated) if s.n_isolated else t["none_isolated"])
    if s.silo_index is not None:
        text += " " + t["silo_short"].format(silo=fmt(s.silo_index, lang, 2))
    return text


def learning_network(office: Office, *, policy: Policy | None = None,
                     lang: str = "nb") -> LearningNetwork:
    """The office's learning network and its measures, each with a plain explanation.

    Parameters
    ----------
    office : Office
    policy : Policy, optional
        ``expert_level`` and ``expert_reach_steps`` set expert reach (default: level 4 or
        above within two steps).
    lang : str
        ``"nb"`` (default) or ``"en"``.

    Returns
    -------
    LearningNetwork
        ``isolated`` (no learning relation at all), ``summary.silo_index`` (formula in the
        module docstring), ``brokers`` (highest betweenness on the undirected ties, above
        zero, at most five), expert reach per veileder and dimension, and ``graph``.

    Notes
    -----
    Betweenness is networkx's exact algorithm (Brandes, ``O(n·m)``); reach is ``k`` boolean
    matrix products (``O(k·n²)``). 150 veiledere take about 10 ms.

    Examples
    --------
    >>> from navkompetanse import load_example_office
    >>> net = learning_network(load_example_office())
    >>> net.summary.n_isolated, net.graph.number_of_nodes()
    (3, 25)
    """
    import networkx as nx

    lang = check_lang(lang)
    start = time.perf_counter()
    policy = policy if policy is not None else Policy()
    ties = _ties(office)
    summary, has, dist = _summary(ties, policy)
    n = len(ties.idents)
    idents = ties.idents
    undirected = nx.Graph()
    undirected.add_nodes_from(range(n))
    adj = _adjacency(ties)
    undirected.add_edges_from(zip(*np.nonzero(np.triu(adj)), strict=True))
    between = nx.betweenness_centrality(undirected, normalized=True) if n > 2 else {}
    mentors: dict[int, list[str]] = {k: [] for k in range(n)}
    mentees: dict[int, list[str]] = {k: [] for k in range(n)}
    for m, ll, _ in ties.learning:
        if idents[m] not in mentors[ll]:
            mentors[ll].append(idents[m])
        if idents[ll] not in mentees[m]:
            mentees[m].append(idents[ll])
    partner = {}
    for a, b in ties.pairs:
        partner[a], partner[b] = idents[b], idents[a]
    rows = []
    for k, ident in enumerate(idents):
        others = {ties.avdeling[j] for j in np.flatnonzero(adj[k])} - {ties.avdeling[k], None}
        rows.append(VeilederTies(
            ident=ident, avdeling=ties.avdeling[k], mentors=tuple(mentors[k]),
            mentees=tuple(mentees[k]), partner=partner.get(k), isolated=not has[k],
            betweenness=float(between.get(k, 0.0)), avdelinger_reached=len(others),
            reach={d: (int(dist[k, j]) if dist[k, j] >= 0 else None)
                   for j, d in enumerate(_DIMS)},
            levels={d: int(ties.levels[k, j]) for j, d in enumerate(_DIMS)}))
    ranked = sorted((r for r in rows if r.betweenness > 1e-12),
                    key=lambda r: (-r.betweenness, r.ident))
    brokers = tuple(r.ident for r in ranked[:N_BROKERS])
    relations = tuple((r.mentor, r.learner, r.dimension.value if r.dimension else None)
                      for r in office.learning_relations)
    names = FrozenDict({v.ident: v.name for v in office.veiledere if v.name})
    messages = {c: _network_message(summary, c) for c in ("nb", "en")}
    return LearningNetwork(
        veiledere=tuple(rows), summary=summary,
        isolated=tuple(r.ident for r in rows if r.isolated), brokers=brokers,
        relations=relations, pairs=tuple(tuple(p) for p in office.pairs),
        message=messages[lang], messages=messages, lang=lang, names=names,
        stats={"seconds": time.perf_counter() - start, "expert_level": policy.expert_level,
               "expert_reach_steps": policy.expert_reach_steps})


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MentorProposal:
    """One proposed learning relation, with what it is worth and why this mentor."""

    rank: int
    mentor: str
    learner: str
    dimension: str
    mentor_level: int
    learner_level: int
    value: float  # fit her brukere gain from one level more, V(l, d)
    success: float  # p: how likely this mentor helps her one level up
    bridge_bonus: float
    inclusion_bonus: float
    benefit: float  # success · value + bridge_bonus + inclusion_bonus
    brukere: float  # her brukere who need more than her unit covers in the dimension
    portfolio: str  # "allocation", "today" or "office": whose brukere V counts
    mentor_avdeling: str | None
    learner_avdeling: str | None
    evidence: tuple[str, ...]  # "pair", "pair_history", "relation": what the data shows
    points: float  # capacity the mentor gives up for it
    included: tuple[str, ...] = ()  # who gets a first learning relation through it
    #: the strongest colleague who could also have mentored her here, and why she did not:
    #: "full" (her places go to others) or "worth_less" (lower benefit for this learner)
    stronger: str | None = None
    stronger_level: int | None = None
    stronger_why: str | None = None
    stronger_benefit: float | None = None

    @property
    def competence_value(self) -> float:
        return self.success * self.value

    @property
    def bridges(self) -> bool:
        return (self.mentor_avdeling is not None and self.learner_avdeling is not None
                and self.mentor_avdeling != self.learner_avdeling)

    def to_dict(self) -> dict[str, Any]:
        return strict_json(dataclasses.asdict(self) | {
            "competence_value": self.competence_value, "bridges": self.bridges})


@dataclass(frozen=True, repr=False)
class LearningPlan(Result):
    """Proposed mentor → learner relations, optimal for the documented benefit, with the
    capacity they take (``reserved``, for ``allocate_portfolios(reserved=...)``) and the
    network before and after."""

    proposals: tuple[MentorProposal, ...]
    reserved: Mapping[str, float]
    before: NetworkSummary
    after: NetworkSummary
    benefit: float
    bound: float
    still_isolated: Mapping[str, str]  # ident: reason code ("no_mentor", "no_capacity", …)
    max_mentees_per_mentor: int
    method: str = "assignment"
    status: str = "optimal"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"
    names: Mapping[str, str] = field(default_factory=FrozenDict)
    stats: Mapping[str, Any] = field(default_factory=FrozenDict, compare=False)

    _title: ClassVar[tuple[str, str]] = ("Læringsplan", "Learning plan")
    _frame_columns: ClassVar[tuple[str, ...]] = (
        "rank", "mentor", "mentor_name", "learner", "learner_name", "dimension",
        "mentor_level", "learner_level", "value", "success", "bridge_bonus",
        "inclusion_bonus", "benefit", "brukere", "mentor_avdeling", "learner_avdeling",
        "evidence", "points", "text")

    def __post_init__(self) -> None:
        object.__setattr__(self, "proposals", tuple(self.proposals))
        freeze_fields(self, "reserved", "still_isolated", "messages", "names", "stats")

    # ---- words --------------------------------------------------------------------------
    def proposal_text(self, p: MentorProposal, lang: str | None = None) -> str:
        """One proposal in words: who, in what, why this mentor, what it is worth."""
        lang = self.lang if lang is None else check_lang(lang)
        t = TEXT[lang]
        mentor, learner = person(p.mentor, self.names), person(p.learner, self.names)
        ahead = p.mentor_level - p.learner_level
        parts = [t["who"].format(mentor=mentor, learner=learner,
                                 dim=dimension_name(p.dimension, lang),
                                 work=work_words(p.dimension, lang))]
        parts.append(t["why_mentor"].format(
            a=p.mentor_level, b=p.learner_level,
            ahead=t["levels"][ahead == 1].format(n=ahead),
            how=t["ahead_words"][min(ahead, 4) - 1],
            p=fmt(100 * p.success, lang, 0)))
        if p.stronger is not None:
            parts.append(t["stronger"][p.stronger_why].format(
                who=person(p.stronger, self.names), level=p.stronger_level,
                theirs=fmt(p.stronger_benefit or 0.0, lang, 2)))
        if p.value > 1e-9:
            parts.append(t["worth"].format(value=fmt(p.value, lang, 2),
                                           n=fmt(p.brukere, lang, 0),
                                           whose=t["portfolio"][p.portfolio]))
        else:
            parts.append(t["worth_none"])
        if p.bridge_bonus > 0:
            parts.append(t["bridge"].format(a=p.mentor_avdeling, b=p.learner_avdeling))
        if p.included:
            parts.append(t["includes"].format(who=join(
                [person(x, self.names) for x in p.included], lang)))
        if p.evidence:
            parts.append(t["evidence"].format(what=join(
                [t["evidence_words"][e] for e in p.evidence], lang)))
        parts.append(t["cost"].format(mentor=mentor, points=fmt(p.points, lang, 1),
                                      benefit=fmt(p.benefit, lang, 2)))
        return " ".join(parts)

    def explain(self, ident: str | None = None, lang: str | None = None) -> str:
        """The plan in words (``None``), or what it proposes for one veileder."""
        lang = self.lang if lang is None else check_lang(lang)
        t = TEXT[lang]
        if ident is None:
            lines = [self.describe(lang)]
            lines += [f"  {p.rank}. {self.proposal_text(p, lang)}" for p in self.proposals]
            lines.append(t["before_after"].format(
                i0=self.before.n_isolated, i1=self.after.n_isolated,
                s0=_silo_short(self.before, lang), s1=_silo_short(self.after, lang),
                r0=fmt(100 * self.before.reach_all, lang, 0),
                r1=fmt(100 * self.after.reach_all, lang, 0)))
            lines += [self._isolated_text(k, why, lang) for k, why in self.still_isolated.items()]
            return "\n".join(lines)
        own = [p for p in self.proposals if ident in (p.mentor, p.learner)]
        lines = [self.proposal_text(p, lang) for p in own]
        if ident in self.still_isolated:
            lines.append(self._isolated_text(ident, self.still_isolated[ident], lang))
        if not lines:
            if ident not in self.stats.get("idents", ()):
                raise KeyError(f"{ident!r} is not a veileder in this plan")
            lines = [t["nothing_for"].format(who=person(ident, self.names))]
        return "\n".join(lines)

    def _isolated_text(self, ident: str, why: str, lang: str) -> str:
        return TEXT[lang]["still_isolated"][why].format(who=person(ident, self.names))

    # ---- export -------------------------------------------------------------------------
    def to_dict(self, *, shareable: bool = False) -> dict[str, Any]:
        """Plain JSON. ``shareable=True`` leaves out every named proposal: the numbers before
        and after only (none for fewer than :data:`SHARE_MIN` veiledere)."""
        data: dict[str, Any] = {
            "status": self.status, "message": self.message, "messages": dict(self.messages),
            "method": self.method, "benefit": self.benefit, "bound": self.bound,
            "n_proposals": len(self.proposals),
            "max_mentees_per_mentor": self.max_mentees_per_mentor,
            "before": self.before.to_dict(), "after": self.after.to_dict(),
        }
        if shareable:
            messages = {c: TEXT[c]["plan_shareable"].format(n=len(self.proposals))
                        for c in ("nb", "en")}
            data |= {"message": messages[self.lang], "messages": messages,
                     "hidden": {"personal": ["proposals", "reserved", "still_isolated"],
                                "min_group": SHARE_MIN}}
            if self.before.n_veiledere < SHARE_MIN:
                data["before"] = data["after"] = None
            return strict_json(data)
        data |= {"proposals": [p.to_dict() for p in self.proposals],
                 "reserved": dict(self.reserved),
                 "still_isolated": dict(self.still_isolated),
                 "stats": dict(self.stats) | {"idents": None}}
        return strict_json(data)

    def _frame_rows(self) -> list[dict[str, Any]]:
        return [{
            "rank": p.rank, "mentor": p.mentor, "mentor_name": self.names.get(p.mentor),
            "learner": p.learner, "learner_name": self.names.get(p.learner),
            "dimension": p.dimension, "mentor_level": p.mentor_level,
            "learner_level": p.learner_level, "value": p.value, "success": p.success,
            "bridge_bonus": p.bridge_bonus, "inclusion_bonus": p.inclusion_bonus,
            "benefit": p.benefit, "brukere": p.brukere, "mentor_avdeling": p.mentor_avdeling,
            "learner_avdeling": p.learner_avdeling, "evidence": ";".join(p.evidence),
            "points": p.points, "text": self.proposal_text(p),
        } for p in self.proposals]

    def _summary(self, lang: str) -> list[tuple[str, str]]:
        t = TEXT[lang]
        return [(t["l_proposals"], fmt(len(self.proposals), lang)),
                (t["l_isolated"], f"{self.before.n_isolated} → {self.after.n_isolated}"),
                (t["l_silo"], f"{_silo_short(self.before, lang)} → "
                              f"{_silo_short(self.after, lang)}"),
                (t["l_reach"], f"{fmt(100 * self.before.reach_all, lang, 0)} % → "
                               f"{fmt(100 * self.after.reach_all, lang, 0)} %")]

    def _repr_fields(self) -> str:
        return (f"{len(self.proposals)} proposals, benefit={self.benefit:.2f}, isolated "
                f"{self.before.n_isolated}->{self.after.n_isolated}")


def _silo_short(s: NetworkSummary, lang: str) -> str:
    return fmt(s.silo_index, lang, 2) if s.silo_index is not None else "–"


# ---- the benefit -----------------------------------------------------------------------------

def _portfolio_counts(office: Office, policy: Policy, allocation: Any
                      ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per veileder: the need histogram of her unit's brukere ``hist[v, dim, level 0..5]``,
    her unit's cover ``cover[v, dim]``, and where the brukere came from."""
    n_v = office.n_veiledere
    index = {ident: k for k, ident in enumerate(office.idents)}
    levels = office.profiles()
    need = need_levels(office.brukere, policy)  # [bruker, dim]
    if allocation is not None and getattr(allocation, "ok", True) and allocation.assignment:
        units = [tuple(u.members) for u in allocation.units.values()]
        unit_ids = list(allocation.units)
        pos = {uid: u for u, uid in enumerate(unit_ids)}
        unit_of = np.array([pos.get(allocation.assignment.get(b.id), -1)
                            for b in office.brukere], dtype=np.int64)
        source = "allocation"
    else:
        pair_of = {}
        for a, b in office.pairs:
            pair_of[a] = pair_of[b] = (a, b)
        units, seen = [], set()
        for ident in office.idents:
            unit = pair_of.get(ident, (ident,))
            if unit not in seen:
                seen.add(unit)
                units.append(unit)
        pos = {ident: u for u, unit in enumerate(units) for ident in unit}
        unit_of = np.array([pos[b.veileder] if b.veileder is not None else -1
                            for b in office.brukere], dtype=np.int64)
        source = "today"
    members = [[index[i] for i in unit if i in index] for unit in units]
    n_u = len(units)
    hist_u = np.zeros((n_u, 4, 6))
    placed = unit_of >= 0
    for j in range(4):
        np.add.at(hist_u, (unit_of[placed], j, need[placed, j]), 1.0)
    cover_u = np.array([levels[m].max(axis=0) if m else np.zeros(4, dtype=np.int64)
                        for m in members], dtype=np.int64).reshape(n_u, 4)
    hist = np.zeros((n_v, 4, 6))
    cover = levels.copy()
    sources = [source] * n_v
    office_hist = np.zeros((4, 6))
    for j in range(4):
        np.add.at(office_hist, (j, need[:, j]), 1.0)
    cap = capacity_points(office.veiledere, policy)
    total_cap = float(cap.sum()) or 1.0
    for u, m in enumerate(members):
        for k in m:
            hist[k], cover[k] = hist_u[u], cover_u[u]
    for k in range(n_v):
        if hist[k].sum() == 0:  # no brukere of her own: a fair share of the office's
            hist[k] = office_hist * cap[k] / total_cap
            cover[k] = levels[k]
            sources[k] = "office"
    return hist, cover, sources


def _values(office: Office, policy: Policy, allocation: Any
            ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``V[l, d]`` (fit gained from one level more) and the brukere who gain, per veileder."""
    hist, cover, sources = _portfolio_counts(office, policy, allocation)
    levels = office.profiles()
    w = np.array([policy.dimension_weights[d] for d in DIMENSIONS], dtype=float)
    p = policy.shortfall_exponent
    k = np.arange(6, dtype=float)[None, None, :]
    c = cover[:, :, None].astype(float)
    c_new = np.maximum(cover, np.minimum(levels + 1, 5))[:, :, None].astype(float)
    drop = np.maximum(k - c, 0) ** p - np.maximum(k - c_new, 0) ** p
    value = (hist * drop).sum(axis=2) * w[None, :] / penalty_scale(policy)
    gaining = (hist * ((k > c) & (c_new > c))).sum(axis=2)
    return value, gaining, sources


@dataclass(frozen=True)
class _Candidates:
    """Every allowed (mentor, learner, dimension) with its benefit, and the mentor slots."""

    benefit: np.ndarray  # [learner, mentor, dim], -inf where not allowed
    relation_value: np.ndarray  # p · V + bridge (no inclusion), same shape
    slots: np.ndarray  # free places per mentor
    learner_bonus: np.ndarray  # inclusion bonus per learner
    mentor_bonus: np.ndarray  # inclusion bonus per mentor (once)
    success: np.ndarray  # [learner, mentor, dim]
    bridge: np.ndarray  # [learner, mentor] bonus
    value: np.ndarray  # V[l, d]
    gaining: np.ndarray
    sources: list[str]
    isolated: np.ndarray
    existing_mentees: np.ndarray


def _candidates(office: Office, policy: Policy, allocation: Any, max_mentees: int,
                prefer_cross: bool) -> _Candidates:
    n = office.n_veiledere
    levels = office.profiles()
    ties = _ties(office)
    value, gaining, sources = _values(office, policy, allocation)
    ahead = levels[None, :, :] - levels[:, None, :]  # [learner, mentor, dim]
    table = np.array([0.0] + [policy.mentor_success[g] for g in (1, 2, 3, 4)])
    success = table[np.clip(ahead, 0, 4)]
    allowed = (ahead >= 1) & (levels[None, :, :] >= policy.mentor_min_level)
    allowed[np.arange(n), np.arange(n), :] = False
    existing = np.zeros(n, dtype=np.int64)
    mentees: dict[int, set[int]] = {}
    for m, ll, d in ties.learning:  # no duplicate of a relation the office has
        if d < 0:
            allowed[ll, m, :] = False
        else:
            allowed[ll, m, d] = False
        mentees.setdefault(m, set()).add(ll)
    for m, s in mentees.items():
        existing[m] = len(s)
    avd = ties.avdeling
    bridge = np.zeros((n, n))
    if prefer_cross and policy.learning_bridge_bonus > 0 and n:
        code = {a: i for i, a in enumerate(dict.fromkeys(avd))}
        group = np.array([code[a] if a is not None else -1 for a in avd])
        known = group >= 0
        cross = (group[:, None] != group[None, :]) & known[:, None] & known[None, :]
        bridge[cross] = policy.learning_bridge_bonus
    isolated = ~_has_learning(ties)
    learner_bonus = np.where(isolated, policy.learning_inclusion_bonus, 0.0)
    mentor_bonus = learner_bonus.copy()
    competence = success * value[:, None, :]
    # the bridging bonus alone never makes a relation: it must close a costly gap or include
    useful = (competence > 1e-12) | isolated[:, None, None] | isolated[None, :, None]
    allowed &= useful
    relation_value = competence + bridge[:, :, None]
    benefit = np.where(allowed, relation_value + learner_bonus[:, None, None], -np.inf)
    points = policy.mentoring_points_per_mentee
    cap = capacity_points(office.veiledere, policy)
    by_points = (np.floor(cap / points + 1e-9).astype(np.int64) if points > 0
                 else np.full(n, max_mentees, dtype=np.int64))
    slots = np.clip(np.minimum(max_mentees - existing, by_points), 0, None)
    return _Candidates(benefit, relation_value, slots, learner_bonus, mentor_bonus, success,
                       bridge, value, gaining, sources, isolated, existing)


def _solve_assignment(c: _Candidates, cap: int | None = None) -> list[tuple[int, int, int]]:
    """Exact: learners × mentor slots by linear_sum_assignment (see the module docstring).

    With ``cap``: blocking rows, free on every mentor slot and barred from the dummy
    columns, take all but ``cap`` of the slots, so at most ``cap`` learners get a mentor —
    the best such set (the cap is in the assignment, not a cut of the uncapped answer)."""
    n = len(c.slots)
    best_dim = np.argmax(c.benefit, axis=2)  # [learner, mentor]
    best = np.take_along_axis(c.benefit, best_dim[:, :, None], axis=2)[:, :, 0]
    slot_mentor = np.repeat(np.arange(n), c.slots)
    if len(slot_mentor) == 0 or n == 0:
        return []
    first = np.r_[True, slot_mentor[1:] != slot_mentor[:-1]]
    value = best[:, slot_mentor] + np.where(first, c.mentor_bonus[slot_mentor], 0.0)[None, :]
    rows = np.flatnonzero(np.isfinite(best).any(axis=1))
    if len(rows) == 0:
        return []
    value = value[rows]
    # cost: minimise −value; not allowed or not positive: never (a dummy column is free)
    cost = np.where(np.isfinite(value) & (value > 1e-12), -value, np.inf)
    keep = np.isfinite(cost).any(axis=0)  # slots nobody can use
    cost = cost[:, keep]
    cols_mentor = slot_mentor[keep]
    cost = np.hstack([cost, np.zeros((len(rows), len(rows)))])
    if cap is not None and len(cols_mentor) > cap:
        blocking = np.hstack([np.zeros((len(cols_mentor) - cap, len(cols_mentor))),
                              np.full((len(cols_mentor) - cap, len(rows)), np.inf)])
        cost = np.vstack([cost, blocking])
    r, s = linear_sum_assignment(cost)
    out = []
    for i, j in zip(r.tolist(), s.tolist(), strict=True):
        if i < len(rows) and j < len(cols_mentor):
            ll, m = int(rows[i]), int(cols_mentor[j])
            out.append((m, ll, int(best_dim[ll, m])))
    return out


def _solve_greedy(c: _Candidates, cap: int | None = None) -> list[tuple[int, int, int]]:
    """For comparison: take the best remaining relation while it fits (not optimal).

    A heap of every candidate by its value with the mentor's inclusion bonus; once a
    mentor's bonus is spent, her candidates are re-valued when they come up (lazy greedy).
    """
    import heapq

    slots = c.slots.copy()
    used = np.zeros(len(slots), dtype=bool)
    bonus_left = c.mentor_bonus > 0
    ll_i, m_i, d_i = np.nonzero(np.isfinite(c.benefit) & (slots[None, :, None] > 0))
    value = c.benefit[ll_i, m_i, d_i] + c.mentor_bonus[m_i]
    heap = list(zip((-value).tolist(), ll_i.tolist(), m_i.tolist(), d_i.tolist(),
                    bonus_left[m_i].tolist(), strict=True))
    heapq.heapify(heap)
    out = []
    while heap and (cap is None or len(out) < cap):
        neg, ll, m, d, with_bonus = heapq.heappop(heap)
        if -neg <= 1e-12:
            break
        if used[ll] or slots[m] <= 0:
            continue
        if with_bonus and not bonus_left[m]:  # her bonus went with an earlier mentee
            heapq.heappush(heap, (-float(c.benefit[ll, m, d]), ll, m, d, False))
            continue
        out.append((m, ll, d))
        used[ll] = True
        slots[m] -= 1
        bonus_left[m] = False
    return out


def plan_benefit(c: _Candidates, chosen: Sequence[tuple[int, int, int]]) -> float:
    """The stated objective of a set of relations (mentor, learner, dim)."""
    total = sum(float(c.benefit[ll, m, d]) for m, ll, d in chosen)
    return total + sum(float(c.mentor_bonus[m]) for m in {m for m, _, _ in chosen})


def _evidence(office: Office, mentor: str, learner: str) -> tuple[str, ...]:
    key = frozenset((mentor, learner))
    out = []
    if any(frozenset(p) == key for p in office.pairs):
        out.append("pair")
    elif office.pair_records((mentor, learner)):
        out.append("pair_history")
    if any(frozenset((r.mentor, r.learner)) == key for r in office.learning_relations):
        out.append("relation")
    return tuple(out)


def _iv_plan(policy: Policy | None, allocation: Any, max_mentees: Any, method: Any,
             lang: Any) -> Policy:
    check_lang(lang)
    if isinstance(max_mentees, bool) or not isinstance(max_mentees, int | np.integer) \
            or max_mentees < 0:
        raise ValueError(
            f"max_mentees_per_mentor must be a whole number 0 or more, got {max_mentees!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if allocation is not None and not (hasattr(allocation, "units")
                                       and hasattr(allocation, "assignment")):
        raise TypeError("allocation must be an AllocationResult (with .units and .assignment)")
    return policy if policy is not None else Policy()


def learning_plan(
    office: Office,
    *,
    policy: Policy | None = None,
    allocation: Any = None,
    max_mentees_per_mentor: int = 2,
    prefer_cross_avdeling: bool = True,
    max_relations: int | None = None,
    method: str = "assignment",
    lang: str = "nb",
) -> LearningPlan:
    """New mentor → learner relations worth most to the brukere, chosen exactly.

    Parameters
    ----------
    office : Office
    policy : Policy, optional
        ``mentoring_points_per_mentee``, ``mentor_min_level``, ``mentor_success``,
        ``learning_bridge_bonus``, ``learning_inclusion_bonus`` (and the expert reach of the
        before/after measures).
    allocation : AllocationResult, optional
        Whose brukere a learner's gap costs: her unit's in this allocation; without it (or
        when it has no plan), today's (``Bruker.veileder``, units from ``office.pairs``); a
        veileder with none: the office's, weighted by her share of the capacity.
    max_mentees_per_mentor : int
        Most mentees a mentor has, counting those she mentors today (default 2): the
        office's top expert's time is scarce.
    prefer_cross_avdeling : bool
        Add ``policy.learning_bridge_bonus`` to relations across avdelinger (default True).
    max_relations : int, optional
        At most this many new relations (each takes a mentor's capacity; ``plan()`` sets it
        from the room the office has). Still exact: the cap is part of the assignment (blocking
        rows take all but this many mentor slots), not a cut of the uncapped answer.
    method : str
        ``"assignment"`` (default, exact) or ``"greedy"`` (best relation first; for
        comparison only, ``status="feasible"``).
    lang : str
        ``"nb"`` (default) or ``"en"``.

    Returns
    -------
    LearningPlan
        ``proposals`` best first, ``reserved`` ({mentor: points}, for
        ``allocate_portfolios(reserved=...)``), ``before``/``after`` (isolated, silo index,
        expert reach), ``still_isolated`` with the reason, ``benefit`` (the objective).

    Raises
    ------
    ValueError
        A negative ``max_mentees_per_mentor``, an unknown ``method`` or ``lang``.

    Notes
    -----
    The benefit, the rules and why the assignment is optimal are in the module docstring
    and ``docs/learning.md``. Cost: the candidate arrays are ``O(n² · 4)``; the assignment
    ``O(n² · slots)``.

    Examples
    --------
    >>> from navkompetanse import load_example_office
    >>> plan = learning_plan(load_example_office())
    >>> plan.status, plan.after.n_isolated < plan.before.n_isolated
    ('optimal', True)
    >>> all(points == 4.0 * sum(p.mentor == m for p in plan.proposals)
    ...     for m, points in plan.reserved.items())
    True
    """
    lang = check_lang(lang)
    start = time.perf_counter()
    policy = _iv_plan(policy, allocation, max_mentees_per_mentor, method, lang)
    max_mentees = int(max_mentees_per_mentor)
    cands = _candidates(office, policy, allocation, max_mentees, bool(prefer_cross_avdeling))
    t_cands = time.perf_counter() - start
    if max_relations is not None and (isinstance(max_relations, bool) or not isinstance(
            max_relations, int | np.integer) or max_relations < 0):
        raise ValueError(
            f"max_relations must be a whole number 0 or more, got {max_relations!r}")
    cap = None if max_relations is None else int(max_relations)
    chosen = (_solve_assignment if method == "assignment" else _solve_greedy)(cands, cap)
    t_solve = time.perf_counter() - start - t_cands
    objective = plan_benefit(cands, chosen)
    idents = office.idents
    levels = office.profiles()
    points = policy.mentoring_points_per_mentee
    ties = _ties(office)
    # a mentor's inclusion bonus goes with one of her new mentees: the one whose relation is
    # worth least without it (in the assignment, the only one that may need it to be positive)
    least: dict[int, tuple[float, int]] = {}  # mentor: (worth, learner) of the least worth
    for m, ll, d in chosen:
        worth = float(cands.benefit[ll, m, d])
        if cands.isolated[m] and (m not in least or worth < least[m][0]):
            least[m] = (worth, ll)
    bonus_to = {m: ll for m, (_, ll) in least.items()}
    used = np.bincount([m for m, _, _ in chosen], minlength=len(idents))
    rows = []
    for m, ll, d in chosen:
        included = []
        if cands.isolated[ll]:
            included.append(idents[ll])
        m_bonus = 0.0
        if bonus_to.get(m) == ll:
            included.append(idents[m])
            m_bonus = float(cands.mentor_bonus[m])
        rows.append(MentorProposal(
            rank=0, mentor=idents[m], learner=idents[ll], dimension=_DIMS[d],
            mentor_level=int(levels[m, d]), learner_level=int(levels[ll, d]),
            value=float(cands.value[ll, d]), success=float(cands.success[ll, m, d]),
            bridge_bonus=float(cands.bridge[ll, m]),
            inclusion_bonus=float(cands.learner_bonus[ll]) + m_bonus,
            benefit=float(cands.benefit[ll, m, d]) + m_bonus,
            brukere=float(cands.gaining[ll, d]), portfolio=cands.sources[ll],
            mentor_avdeling=ties.avdeling[m], learner_avdeling=ties.avdeling[ll],
            evidence=_evidence(office, idents[m], idents[ll]), points=points,
            included=tuple(included), **_stronger(cands, levels, idents, used, m, ll, d)))
    rows.sort(key=lambda p: (-p.benefit, p.mentor, p.learner))
    proposals = tuple(dataclasses.replace(p, rank=k + 1) for k, p in enumerate(rows))
    reserved: dict[str, float] = {}
    for p in proposals:
        reserved[p.mentor] = reserved.get(p.mentor, 0.0) + points
    before, _, _ = _summary(ties, policy)
    after_ties = _ties(office, extra=chosen)
    after, has_after, _ = _summary(after_ties, policy)
    still = _still_isolated(cands, has_after, chosen)
    status = "optimal" if method == "assignment" else "feasible"
    names = FrozenDict({v.ident: v.name for v in office.veiledere if v.name})
    result = LearningPlan(
        proposals=proposals, reserved=reserved, before=before, after=after,
        benefit=objective, bound=objective if status == "optimal" else float("nan"),
        still_isolated={idents[k]: why for k, why in still.items()},
        max_mentees_per_mentor=max_mentees, method=method, status=status, lang=lang,
        names=names, stats={"idents": tuple(idents), "seconds": time.perf_counter() - start,
                            "seconds_candidates": t_cands, "seconds_solve": t_solve,
                            "n_candidates": int(np.isfinite(cands.benefit).sum()),
                            "n_slots": int(cands.slots.sum())})
    messages = {c: _plan_message(result, c) for c in ("nb", "en")}
    return dataclasses.replace(result, message=messages[lang], messages=messages)


def _stronger(c: _Candidates, levels: np.ndarray, idents: Sequence[str], used: np.ndarray,
              m: int, ll: int, d: int) -> dict[str, Any]:
    """The strongest other colleague who could mentor learner ``ll`` in ``d`` (if stronger
    than the chosen mentor ``m``) and why she was not chosen: her places went to others
    (``full``), or she is worth less to this learner (``worth_less``: further ahead, or no
    bridge). Nothing when the chosen mentor is the strongest, or the plan's reason is subtler
    (an inclusion bonus elsewhere)."""
    options = np.flatnonzero(np.isfinite(c.benefit[ll, :, d]) & (levels[:, d] > levels[m, d]))
    if len(options) == 0:
        return {}
    top = options[levels[options, d] == levels[options, d].max()]
    k = int(top[np.argmax(c.benefit[ll, top, d])])
    theirs, mine = float(c.benefit[ll, k, d]), float(c.benefit[ll, m, d])
    if used[k] >= c.slots[k]:
        why = "full"
    elif theirs <= mine + 1e-12:
        why = "worth_less"
    else:
        return {}
    return {"stronger": idents[k], "stronger_level": int(levels[k, d]), "stronger_why": why,
            "stronger_benefit": theirs}


def _still_isolated(c: _Candidates, has_after: np.ndarray,
                    chosen: Sequence[tuple[int, int, int]]) -> dict[int, str]:
    """Why each veileder still without a learning relation got none: nobody fit to mentor
    her and nobody she could mentor (``no_mentor``); those who could have no room left
    (``no_capacity``); or the room went where it is worth more (``not_chosen``)."""
    out = {}
    for k in np.flatnonzero(~has_after).tolist():
        mentors = np.isfinite(c.benefit[k]).any(axis=1)  # who could mentor her
        as_mentor = c.slots[k] > 0 and np.isfinite(c.benefit[:, k]).any()
        if not mentors.any() and not as_mentor:
            out[k] = "no_mentor"
        elif not (mentors & (c.slots > 0)).any() and not as_mentor:
            out[k] = "no_capacity"
        else:
            out[k] = "not_chosen"
    return out


def _plan_message(result: LearningPlan, lang: str) -> str:
    t = TEXT[lang]
    n = len(result.proposals)
    if n == 0:
        return t["plan_none"]
    bridges = sum(p.bridges for p in result.proposals)
    text = t["plan"].format(n=n, bridges=bridges, benefit=fmt(result.benefit, lang, 1),
                            i0=result.before.n_isolated, i1=result.after.n_isolated,
                            points=fmt(sum(result.reserved.values()), lang, 0))
    if result.status != "optimal":
        text += " " + t["greedy"]
    return text
