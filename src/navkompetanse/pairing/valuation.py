"""The allocation model a pairing is judged by, on arrays (internal).

Everything here works on numpy arrays in a canonical veileder order (sorted idents), so the
public layer in :mod:`navkompetanse.pairing` only validates, converts and wraps. The search
(:mod:`.search`) and the exact branch-and-bound (:mod:`.exact`) both judge pairings with
:class:`PairingModel`; the dependency goes one way: ``search -> exact -> valuation``.

The model
---------
Brukere with the same need row and the same workload are one *group* ``g`` of ``n[g]``
brukere weighing ``w[g]`` points each. A pairing ``M`` gives the units: every pair in ``M``
and every veileder not in ``M``. Its value is the LP relaxation of the allocation (the
*allocation model*)::

    A(M) = max  Σ_g Σ_u fit[g, u] · x[g, u]
           s.t. Σ_u x[g, u] = n[g]                    (every bruker placed)   dual μ_g
                Σ_g w[g] · x[g, u] <= cap[u]          (unit capacity)         dual λ_u >= 0
                x >= 0

Unit types
----------
A unit's *profit* for a bruker of group ``g`` is the competence fit of its cover
(:func:`~navkompetanse.scoring.fit_matrix`) plus the preference term
(:func:`~navkompetanse.scoring.preference_term`) signed by the member who leads each kind of
work (:func:`~navkompetanse.scoring.lead_members`: the stronger; within one level the one who
finds it energising). So a unit's *type* is its cover and the signs of its leading members
(``_cover_ix[a, b]`` is the type of the unit ``(a, b)``, ``(v, v)`` a single; types of one
cover whose profit is the same for every group are one type), and the knapsack values, the
pair values, the Lagrangian bound and branch-and-bound's node bounds all work on types: a
pair where a member must lead what she finds draining earns less on the brukere who lean
towards that work, everywhere the model looks.

The allocation LP places brukere by *cover* (``_type_cover`` maps a type to its cover, the
LP's capacity row) and splits a cover's brukere over its units in proportion to capacity, as
it always has; the value ``A(M)`` then adds each unit's own preference term on its share. So
``A(M)`` is the profit of a feasible allocation (a lower bound on the LP over types, which
could also route brukere by preference within a cover), and the bound, computed on types,
stays an upper bound on both. Why not the LP over types: an office with preferences has ten
times as many types (150 veiledere: 1 884 against 134 covers), and the warm-started LP then
needed eight times the simplex iterations (pairing 7–8 times slower, far from the issue's
20 %); the preference weight is small on purpose (competence wins), so routing by preference
within a cover is left to the allocation itself (``allocate_portfolios``). Without
preferences (or ``Policy.preference_weight = 0``) a type is a cover and the profit is the
fit, exactly as before preferences existed.

A unit's capacity is its balance cap, the fair share of the load plus ``balance_slack``::

    cap[u] = s · C[u],   s = (1 + balance_slack) · load / T

with ``C[u]`` its capacity points (a pair's is :func:`~navkompetanse.scoring.pair_capacity`,
the members' points less ``pair_overhead``) and ``T`` the veiledere's points together. This
model judges how pairs *cover* brukere; whether the office can *carry* a pairing is the
budget rule below, which keeps the units' true capacity above the load as the allocation
requires (``allocation/model.py`` caps a unit at the smaller of ``C[u]`` and its balance
cap, and has no plan when the load exceeds the units' capacity). Capping the LP's units at
``min(1, s) · C[u]`` as well was tried: at 400 veiledere it took 2.6 times the allocation LPs
(the min-gain rule then dropped 50 proposed pairs, one LP at a time), so the budget rule
carries the capacity alone.

What a pair costs
-----------------
A pair's coordination overhead ``cost[a, b] = C[a] + C[b] − C[ab]`` is capacity the office no
longer has. A pairing is *affordable* when the overhead of its pairs fits in what the office
can spare::

    Σ_{ab∈M} cost[a, b] <= budget = max(T − load − margin, cost of the required pairs, 0)
    margin = max(w_max, PACKING_MARGIN · w̄ · n)

so the units' capacity still holds the load (the allocation's hard limit) with room to deal
out whole brukere, not fractions: at least one bruker's weight ``w_max``, and a quarter of an
average bruker's weight ``w̄`` per veileder (``n`` of them). With less, the allocation's
packing gets so tight that rounding its LP finds no place for the last brukere: on the
national set (``synthetic_offices(250)``) offices whose pairs and mentoring had left one
``w_max`` of room (5 points of 11,550) planned in 3.4–22 CPU-seconds (the allocation's
fallback, or a second try without the mentors' reservation); with the margin the same
offices plan in 0.4–1.2 CPU-seconds with the mentoring kept, and one or two pairs fewer
where the rounding had failed (``benchmarks/bench_packing_margin.py``; docs/pairing.md). An
office with less room than the margin (but at least ``w_max``) takes on no overhead beyond
the pairs the leader pinned; one with less than ``w_max`` is full, and its
overhead is priced instead (below). An unaffordable pairing has the value ``−∞``
(no LP is solved), so it is never proposed, whatever its fit. In most offices the budget is
larger than the overhead of any pairing (``budget_binding`` is False) and the rule costs
nothing.

Pair values from prices
-----------------------
For bruker prices ``μ`` (what a bruker of group g earns elsewhere), the most a unit ``u`` can
earn is a bounded fractional knapsack::

    K_u(μ) = max Σ_g y_g (fit[g, u] - μ_g)  s.t.  Σ_g w[g] y_g <= cap[u],  0 <= y_g <= n[g]

and the value of pairing ``a`` and ``b`` is ``w_ab(μ) = K_ab(μ) - K_a(μ) - K_b(μ)``: what the
pair's capacity earns on the brukere where it beats today's best option, less what the two
earn alone (the pair's smaller capacity, its overhead, is inside ``K_ab``). ``K`` is concave in
capacity with ``K(0) = 0``, so two veiledere with the same profile have ``w_ab <= 0``.

How the knapsack is computed (all of it the same numbers to the bit, tested): ``K_u`` depends
on ``u``'s type and capacity alone, so every set of units (the candidate pairs, the singles,
branch-and-bound's prices) is reduced once to its distinct ``(type, capacity)``
(:func:`distinct_units`: 6 890 candidate pairs are 520 at 150 veiledere without preferences,
6 941 are 1 731 with) and the values scattered back; the values of the last
``_CACHE_SIZE`` price vectors are kept (a search returns to earlier prices: 18 calls, 12
distinct ``μ`` at 150 veiledere with preferences). With preferences and many types the
gaining (group, type) entries alone are summed, in tables per band of list length, in the
order of a rank per distinct (group, profit) (:func:`_value_codes`).

The Lagrangian bound
--------------------
Relaxing the "every bruker placed" rows with ``μ`` separates the units, and the best pairing
of the relaxed problem is a maximum-weight matching on ``w(μ) + bonus``::

    L(μ) = Σ_g μ_g n[g] + Σ_v K_v(μ) + max_M Σ_{ab∈M} (w_ab(μ) + bonus_ab)

``L(μ)`` is an upper bound on ``max_M A(M) + bonus(M)`` for *every* ``μ`` (weak duality), so
also on the best pairing with an integer allocation and on the best affordable one (the
matching leaves the budget out: a relaxation). At the LP duals ``μ*`` of a pairing ``M`` it
also gives a proven lower bound on each pair's marginal gain:
``A(M) - A(M \\ {ab}) >= A(M) - L_{M \\ {ab}}(μ*)``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..optimize import max_weight_pairing
from ..policy import Policy
from ..scoring import fit_matrix, pair_capacity, preference_term, unit_preference
from .allocation_lp import AllocationLP

__all__ = ["DistinctUnits", "Evaluation", "PairingModel", "distinct_units", "group_by_cover"]

_EPS = 1e-9
#: Room the pairs' overhead must leave for dealing out whole brukere, per veileder, in average
#: bruker weights (module doc: the budget rule).
PACKING_MARGIN = 0.25
#: :meth:`PairingModel.knapsack` sorts every (group, type) entry when there are at most
#: this many (the sparse sort's fixed costs are more than it saves on a small office; the
#: two give the same bits).
_DENSE_MAX = 20_000
#: :meth:`PairingModel.knapsack` places every unit's capacity in one comparison up to this
#: many (unit, group) entries, else by one ``searchsorted`` per cover (same result).
_ONE_PASS = 100_000


#: Price vectors whose pair and single values :class:`PairingModel` keeps.
_CACHE_SIZE = 16


def _cached(cache: OrderedDict, key: bytes) -> np.ndarray | None:
    value = cache.get(key)
    if value is not None:
        cache.move_to_end(key)
    return value


def _remember(cache: OrderedDict, key: bytes, value: np.ndarray) -> None:
    cache[key] = value
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def group_by_cover(cover: np.ndarray) -> tuple:
    """``(used covers, inverse, unit order by cover, slice bounds)`` for :meth:`knapsack`."""
    cover = np.asarray(cover, dtype=np.int64)
    used, inv = np.unique(cover, return_inverse=True)
    inv = inv.reshape(-1)
    by_cover = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[by_cover], np.arange(len(used) + 1))
    return used, inv, by_cover, bounds


def _value_codes(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values of each row of ``table`` [group, type], numbered row by row in
    ascending order: ``(code [type, group], value of each code, group of each code)``, so
    ``table[g, k] == value[code[k, g]]`` and, within one type, a lower code is a lower
    group. -0.0 is made 0.0 first (they compare equal, and ``±0.0 − μ`` is above
    ``_EPS`` for both signs or neither, so the knapsack takes the same items), and a NaN
    is a code of its own."""
    table = np.ascontiguousarray(table, dtype=float) + 0.0
    n_g, n_t = table.shape
    order = np.argsort(table, axis=1)
    order += np.arange(0, n_g * n_t, n_t)[:, None]  # flat indices, row by row
    order = order.ravel()
    ordered = table.ravel()[order]
    new = np.empty(len(order), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    new[::n_t] = True  # every row starts its own codes
    code = np.empty(len(order), dtype=np.int64)
    code[order] = np.cumsum(new) - 1
    return (np.ascontiguousarray(code.reshape(n_g, n_t).T), ordered[new],
            np.repeat(np.arange(n_g), new.reshape(n_g, n_t).sum(axis=1)))


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(rows, axis=0, return_index=True, return_inverse=True)[1:]`` for float
    rows without NaN, about twice as fast: each value mapped to a big-endian integer that
    sorts as the float does (-0.0 made 0.0 first, as they compare equal), so the rows as
    bytes sort and compare as the rows of floats do."""
    rows = np.ascontiguousarray(rows, dtype=float) + 0.0
    bits = rows.view(np.uint64)
    top = np.uint64(1 << 63)
    ordered = np.where(bits & top, ~bits, bits | top).astype(">u8")
    packed = ordered.view(np.dtype((np.void, 8 * rows.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


#: :func:`_positions` compares at most this many (rank, unit) entries at once.
_CHUNK = 1_000_000


def _positions(cum_p: np.ndarray, inv: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """For each unit ``u``, the last row of its type's column ``cum_p[:, inv[u]]`` (sorted
    ascending) at or below ``cap[u]``: ``searchsorted(column, cap, side="right") - 1`` for
    every unit at once (the same integers; a Python loop over 1 500 types cost more). Short
    columns: one comparison over all rows; tall ones: a bisection on every unit together
    (log2 of the rows in steps instead of every row: 5 times faster at 130 rows)."""
    rows, width = cum_p.shape
    if rows <= 16:
        pos = np.empty(len(inv), dtype=np.int64)
        step = max(1, _CHUNK // max(rows, 1))
        for lo in range(0, len(inv), step):
            hi = lo + step
            pos[lo:hi] = (cum_p[:, inv[lo:hi]] <= cap[None, lo:hi]).sum(axis=0) - 1
        return pos
    flat = np.ascontiguousarray(cum_p).ravel()
    lo = np.zeros(len(inv), dtype=np.int64)  # rows known <= cap: [0, lo)
    hi = np.full(len(inv), rows, dtype=np.int64)  # rows known > cap: [hi, rows)
    for _ in range(int(rows).bit_length()):
        mid = (lo + hi) >> 1
        open_ = lo < hi
        below = (flat[np.minimum(mid, rows - 1) * width + inv] <= cap) & open_
        lo = np.where(below, mid + 1, lo)
        hi = np.where(below | ~open_, hi, mid)
    return lo - 1


@dataclass(frozen=True)
class DistinctUnits:
    """Units with the same type and capacity have the same knapsack value ``K_u(μ)``: the
    distinct ``(type, capacity)`` combinations of a set of units, computed once per price
    vector and scattered back (:meth:`PairingModel.distinct_values`).

    At 150 veiledere the 6 890 candidate pairs have 520 distinct combinations without
    preferences (1 731 of 6 941 with): the knapsack's per-unit work falls by that factor.
    The types used are the same, so the per-type tables, and every value, are the same bits.
    """

    cover: np.ndarray  # type of each distinct unit
    cap: np.ndarray  # capacity of each distinct unit
    grouping: tuple  # group_by_cover(cover)
    inverse: np.ndarray  # distinct unit of each original unit


def distinct_units(cover: np.ndarray, cap: np.ndarray) -> DistinctUnits:
    """The distinct ``(type, capacity)`` units among ``cover``, ``cap`` (exact: capacities
    compared by their bits)."""
    cover = np.asarray(cover, dtype=np.int64)
    cap = np.ascontiguousarray(cap, dtype=float)
    if cover.size == 0:
        return DistinctUnits(cover, cap, group_by_cover(cover), np.zeros(0, dtype=np.int64))
    # np.unique on the rows (cover, capacity bits) with axis=0 sorts structured rows (about
    # 4 ms for the pair candidates at 150 veiledere); a stable lexsort of the same int64
    # keys gives the same order, first occurrences and inverse
    bits = cap.view(np.int64)
    order = np.lexsort((bits, cover))
    cs, bs = cover[order], bits[order]
    new = np.ones(order.size, dtype=bool)
    new[1:] = (cs[1:] != cs[:-1]) | (bs[1:] != bs[:-1])
    first = order[new]
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    cover_u, cap_u = cover[first], cap[first]
    return DistinctUnits(cover_u, cap_u, group_by_cover(cover_u), inverse)


@dataclass(frozen=True)
class Evaluation:
    """The allocation model solved for one pairing."""

    pairs: frozenset
    value: float  # A(M): Σ profit (fit + each unit's preference term) of the LP allocation
    bonus: float  # Σ learning + continuity bonus of the pairs
    mu: np.ndarray  # bruker prices per group
    units: tuple  # unit members (tuple of veileder indices), LP order
    flow: np.ndarray  # flow[g, unit] brukere of group g placed at unit (LP)
    affordable: bool = True  # False: the pairs' overhead is more than the office can spare

    @property
    def objective(self) -> float:
        return self.value + self.bonus


@dataclass
class PairingModel:
    """Arrays of one pairing problem, veiledere in canonical order."""

    levels: np.ndarray  # levels[veileder, dim]
    capacity: np.ndarray  # capacity points per veileder (policy scale)
    need: np.ndarray  # need[group, dim]
    count: np.ndarray  # brukere per group
    points: np.ndarray  # workload points per bruker of the group
    policy: Policy
    candidate: np.ndarray  # bool [a, b]: may be paired (complementary, pairable, rules)
    learning: np.ndarray  # float [a, b]: learning-relation bonus (counts as value)
    continuity: np.ndarray  # float [a, b]: continuity bonus of an existing pair (a rule)
    required: tuple = ()  # pinned pairs (i, j)
    pair_cost: float = 0.0  # min_gain: what every new pair must earn (subtracted per pair)
    existing: np.ndarray | None = None  # bool [a, b]: a pair today (not charged pair_cost)
    preference: np.ndarray | None = None  # +1 / 0 / -1 [veileder, dim]: energi/noytral/tapper
    priced_when_full: bool = True  # False: a full office gets no new pairs (budget 0)
    scale: float = field(init=False)  # cap[u] = scale · C[u]: fair share plus slack
    overloaded: bool = field(init=False)  # the load is above the veiledere's capacity
    budget: float = field(init=False)  # overhead points the office can spare for pairs
    budget_binding: bool = field(init=False)  # some pairing costs more than the budget
    overhead_price: float = field(init=False)  # fit per overhead point on a full office
    cost: np.ndarray = field(init=False, repr=False)  # cost[a, b]: overhead points of a pair
    _bonus: np.ndarray = field(init=False, repr=False)
    _cover_ix: np.ndarray = field(init=False, repr=False)  # unit type of (a, b); (v, v) single
    _fit_table: np.ndarray = field(init=False, repr=False)  # profit [group, unit type]
    _competence_table: np.ndarray = field(init=False, repr=False)  # fit [group, unit type]
    _unit_signs: np.ndarray = field(init=False, repr=False)  # leading signs [type, dim]
    _pref_table: np.ndarray = field(init=False, repr=False)  # preference term [group, type]
    _type_cover: np.ndarray = field(init=False, repr=False)  # cover (LP row) of each type
    _lp_table: np.ndarray = field(init=False, repr=False)  # fit [group, cover] of the LP
    _lp: AllocationLP | None = field(default=None, init=False, repr=False)
    # values per price vector, the last _CACHE_SIZE kept (a search comes back to earlier
    # prices: at 150 veiledere with preferences 18 pair-value calls had 12 distinct μ)
    _w_cache: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False)
    _k_cache: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False)
    _gathered: dict = field(default_factory=dict, init=False, repr=False)
    _singles: DistinctUnits | None = field(default=None, init=False, repr=False)
    _cand: tuple | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.levels)
        if self.existing is None:
            self.existing = np.zeros((n, n), dtype=bool)
        # an existing pair is kept, not proposed: min_gain is not charged, the continuity
        # bonus (Policy.pair_continuity_threshold) is what a change must beat
        self._bonus = self.learning + self.continuity - np.where(self.existing, 0.0,
                                                                  self.pair_cost)
        # capacity: the allocation's limits (module doc), the overhead of a pair real
        load = float(self.count @ self.points)
        total = float(self.capacity.sum())
        share = (1.0 + self.policy.balance_slack) * load / total if total > 0 else 0.0
        self.overloaded = load > total * (1.0 + 1e-12)
        self.scale = share
        cap = np.asarray(self.capacity, dtype=float)
        self.cost = cap[:, None] + cap[None, :] - pair_capacity(
            cap[:, None], cap[None, :], self.policy.pair_overhead)
        np.fill_diagonal(self.cost, 0.0)
        pinned = float(sum(self.cost[a, b] for a, b in self.required))
        w_max = float(self.points.max(initial=0.0))
        n_brukere = float(self.count.sum())
        w_mean = load / n_brukere if n_brukere > 0 else 0.0
        room = total - load - w_max
        # an office without room (full or overloaded): every overhead point is overload
        # the allocation spreads over everyone; priced (overhead_price), not forbidden
        self.overhead_price = 0.0
        priced = room < 0 and self.priced_when_full and load > 0 and total > 0
        if priced:
            self.budget = np.inf
        else:  # an office with room keeps the packing margin free of overhead
            room = total - load - max(w_max, PACKING_MARGIN * w_mean * self.capacity.size)
            self.budget = max(room, pinned, 0.0)
        # the most any pairing can cost: every veileder in a pair
        self.budget_binding = bool(self.policy.pair_overhead * total > self.budget + _EPS)
        if self.budget_binding:  # a pair dearer than the room left is never affordable
            room = self.budget - pinned
            dear = self.cost > room + 1e-9 * max(1.0, self.budget)
            for a, b in self.required:
                dear[a, b] = dear[b, a] = False
            self.candidate = self.candidate & ~dear
        self._unit_types(n)
        if priced:  # the overhead is charged in every pair's bonus, so the search, the
            # bound and the exact gains all count it
            self.overhead_price = self._capacity_value(load)
            self._bonus = self._bonus - self.overhead_price * self.cost

    def _unit_types(self, n: int) -> None:
        """Distinct unit types, the profit table over them and the LP's covers (module doc,
        "Unit types").

        Every unit an office can have (singles and all pairs) has a cover and, with
        preferences, the signs of the members who lead each kind of work; units of one type
        are interchangeable, so the profit is computed once per type.
        """
        # the units (a, b) with a <= b: (b, a) is the same unit (the cover is the members'
        # maximum, and the leading member's sign is the same either way: lead_members picks
        # one order over the other only between members of equal level and preference)
        ia, ib = np.triu_indices(n)
        pair_cover = np.maximum(self.levels[ia], self.levels[ib])
        # one integer per cover (levels are small): np.unique on ints, not on rows
        base = int(pair_cover.max(initial=0)) + 1
        code = pair_cover.astype(np.int64) @ (base ** np.arange(4, dtype=np.int64))
        signs = self.preference
        with_preference = (signs is not None and self.policy.preference_weight > 0
                           and bool(np.any(signs)))
        if with_preference:
            # who leads each kind of work in every (a, b), a == b for a single: the one rule
            # of scoring.lead_members; the type is (cover, signs of the leading members)
            unit_signs = unit_preference(self.levels, signs, np.stack([ia, ib], axis=1))
            code = code * 3 ** 4 + (unit_signs + 1) @ (3 ** np.arange(4, dtype=np.int64))
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        covers = pair_cover[first]
        self._cover_ix = np.empty((n, n), dtype=np.int64)
        self._cover_ix[ia, ib] = inverse.reshape(-1)
        self._cover_ix[ib, ia] = inverse.reshape(-1)
        if not with_preference:
            self._fit_table = fit_matrix(self.need, covers, self.policy)  # [group, cover]
            self._competence_table = self._fit_table
            self._unit_signs = np.zeros((len(first), 4), dtype=np.int64)
            self._type_cover = np.arange(len(first))  # a type is a cover
            self._lp_table = self._fit_table
            return
        # the LP places brukere by cover (module doc, "Unit types"): one row per cover
        _, cover_first, type_cover = np.unique(code[first] // 3 ** 4, return_index=True,
                                               return_inverse=True)
        self._type_cover = type_cover.reshape(-1)
        self._lp_table = fit_matrix(self.need, covers[cover_first], self.policy)
        self._competence_table = self._lp_table[:, self._type_cover]  # [group, type]
        self._unit_signs = unit_signs[first]
        # the term depends on the signs alone: computed once per sign pattern (at most 81,
        # against 1 900 types at 150 veiledere; the matrix product over every type took
        # 20-100 ms on a loaded machine) and gathered
        patterns, of_type = np.unique(self._unit_signs, axis=0, return_inverse=True)
        self._pref_table = preference_term(self.need, patterns,
                                           self.policy.preference_weight)[:, of_type.reshape(-1)]
        self._fit_table = self._competence_table + self._pref_table
        # one type for units of one cover whose profit is the same for every group (signs
        # that differ by a constant, as the lean sums to zero; or that differ only where no
        # group leans): fewer types, the same model
        key = np.concatenate([self._type_cover[:, None].astype(float), self._fit_table.T],
                             axis=1)
        keep, merged = _unique_rows(key)
        if len(keep) < len(first):
            self._cover_ix = merged[self._cover_ix]
            self._type_cover = self._type_cover[keep]
            self._unit_signs = self._unit_signs[keep]
            self._competence_table = self._competence_table[:, keep]
            self._pref_table = self._pref_table[:, keep]
            self._fit_table = self._fit_table[:, keep]

    # ---- units ------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.levels)

    def unit_capacity(self, a: int, b: int | None = None) -> float:
        """Capacity of a unit in the allocation model: ``scale · C[u]`` (module doc)."""
        if b is None:
            return self.scale * float(self.capacity[a])
        return float(self.pair_capacities(np.array([a]), np.array([b]))[0])

    def pair_capacities(self, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
        """Capacity of the pairs ``(ia[k], ib[k])`` in the allocation model (vectorised)."""
        return self.scale * pair_capacity(self.capacity[ia], self.capacity[ib],
                                          self.policy.pair_overhead)

    def _unit_arrays(self, units: Sequence[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Cover index and capacity of each unit (vectorised :meth:`unit_capacity`)."""
        first = np.fromiter((u[0] for u in units), dtype=np.int64, count=len(units))
        last = np.fromiter((u[-1] for u in units), dtype=np.int64, count=len(units))
        return self._arrays_of_ends(first, last)

    def _units_with_ends(self, pairs: frozenset) -> tuple[tuple, np.ndarray, np.ndarray]:
        """:meth:`units_of` of sorted pairs and each unit's first and last member, from
        arrays (an evaluation asks for them: the loops over units cost 15 ms of 150 LPs)."""
        ordered = sorted(pairs)
        ends = np.array(ordered, dtype=np.int64).reshape(-1, 2)
        single = np.ones(self.n, dtype=bool)
        single[ends.ravel()] = False
        alone = np.flatnonzero(single)
        units = tuple(ordered) + tuple((v,) for v in alone.tolist())
        return (units, np.concatenate([ends[:, 0], alone]),
                np.concatenate([ends[:, 1], alone]))

    def _arrays_of_ends(self, first: np.ndarray, last: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Cover index and capacity of the units with these first and last members."""
        cap = self.scale * np.asarray(self.capacity, dtype=float)[first]
        two = first != last
        if two.any():
            cap[two] = self.pair_capacities(first[two], last[two])
        return self._cover_ix[first, last], cap

    def _capacity_value(self, load: float) -> float:
        """Fit per capacity point on an office without room: ``A(required) / load``.

        The office's brukere earn ``A`` fit on ``load`` points of work; on an office whose
        capacity is all in use a point of capacity carries ``A / load`` of it, so a point
        spent on coordination is that much fit the office no longer delivers (module doc,
        "What a pair costs").
        """
        units = self.units_of(self.required)
        kind, cap = self._unit_arrays(units)
        if len(self.count) == 0:
            return 0.0
        sol = self.lp.solve(np.bincount(self._type_cover[kind], weights=cap,
                                        minlength=self._lp_table.shape[1]))
        if sol is None or not np.isfinite(sol.value):
            return float(self.count.sum()) / load  # fit <= 1 per bruker: the upper value
        return max(float(sol.value), 0.0) / load

    def capacity_charge(self, pair: tuple[int, int]) -> float:
        """What a pair's overhead costs in fit on a full office (0 when there is room)."""
        return self.overhead_price * float(self.cost[pair])

    def single_capacities(self) -> np.ndarray:
        """Capacity of every veileder working alone in the allocation model."""
        return self.scale * np.asarray(self.capacity, dtype=float)

    # ---- what pairs cost ----------------------------------------------------------------
    def pairing_cost(self, pairs: Iterable[tuple[int, int]]) -> float:
        """Overhead points of a pairing: ``Σ cost[a, b]`` over its pairs."""
        return float(sum(self.cost[a, b] for a, b in pairs))

    def affordable(self, pairs: Iterable[tuple[int, int]]) -> bool:
        """Whether the office can spare the pairs' overhead (module doc: ``budget``)."""
        if not self.budget_binding:
            return True
        return self.pairing_cost(pairs) <= self.budget + 1e-9 * max(1.0, self.budget)

    def fit(self, a: int, b: int | None = None) -> np.ndarray:
        """Competence fit of every group to the unit (a) or (a, b) (the preference term left
        out: what the unit's cover does for the group)."""
        return self._competence_table[:, self._cover_ix[a, a if b is None else b]]

    def profit(self, a: int, b: int | None = None) -> np.ndarray:
        """What a bruker of each group earns at the unit (a) or (a, b) in the model: fit plus
        the preference term."""
        return self._fit_table[:, self._cover_ix[a, a if b is None else b]]

    def units_of(self, pairs: Iterable[tuple[int, int]]) -> tuple[tuple[int, ...], ...]:
        pairs = sorted(pairs)
        paired = {i for p in pairs for i in p}
        return tuple(pairs) + tuple((v,) for v in range(self.n) if v not in paired)

    @property
    def bonus(self) -> np.ndarray:
        return self._bonus

    def learning_bonus(self, pair: tuple[int, int]) -> float:
        return float(self.learning[pair])

    def pair_bonus(self, pairs: Iterable[tuple[int, int]]) -> float:
        return float(sum(self.bonus[a, b] for a, b in pairs))

    # ---- the allocation LP --------------------------------------------------------------
    @property
    def lp(self) -> AllocationLP:
        """The allocation LP over every cover (built on first use, then re-solved warm)."""
        if self._lp is None:
            self._lp = AllocationLP(self._lp_table, self.count, self.points)
        return self._lp

    @property
    def n_lp(self) -> int:
        return 0 if self._lp is None else self._lp.n_solves

    def evaluate(self, pairs: Iterable[tuple[int, int]]) -> Evaluation:
        """Solve the allocation model for a pairing; exact LP optimum and bruker prices."""
        pairs = frozenset(tuple(sorted(p)) for p in pairs)
        units, first, last = self._units_with_ends(pairs)
        n_groups = len(self.count)
        if not self.affordable(pairs):  # more overhead than the office can spare: no LP
            return Evaluation(pairs, -np.inf, self.pair_bonus(pairs), np.zeros(n_groups),
                              units, np.zeros((n_groups, len(units))), affordable=False)
        kind, cap = self._arrays_of_ends(first, last)
        if n_groups == 0:
            return Evaluation(pairs, 0.0, self.pair_bonus(pairs), np.zeros(0), units,
                              np.zeros((0, len(units))))
        cover = self._type_cover[kind]
        n_cov = self._lp_table.shape[1]
        cap_c = np.bincount(cover, weights=cap, minlength=n_cov)
        sol = self.lp.solve(cap_c)
        if sol is None:
            return Evaluation(pairs, -np.inf, self.pair_bonus(pairs),
                              np.zeros(n_groups), units, np.zeros((n_groups, len(units))))
        # units with the same cover are interchangeable: split in proportion to capacity
        share = np.divide(cap, cap_c[cover], out=np.zeros_like(cap), where=cap_c[cover] > 0)
        flow = sol.x[:, cover] * share[None, :]
        value = sol.value
        if self._lp_table is not self._fit_table:  # preferences: each unit's own term
            value += float((flow * self._pref_table[:, kind]).sum())
        return Evaluation(pairs, value, self.pair_bonus(pairs), sol.mu, units, flow)

    # ---- prices -> knapsack values ------------------------------------------------------
    def knapsack(self, mu: np.ndarray, cover: np.ndarray, cap: np.ndarray,
                 *, with_fill: bool = False, grouping: tuple | None = None,
                 ) -> tuple[np.ndarray, np.ndarray | None]:
        """``K_u(μ)`` for units given by cover index and capacity (vectorised over covers).

        With ``with_fill`` also the maximiser ``y[g, unit]`` (brukere taken per group).
        ``grouping`` is ``group_by_cover(cover)`` when the caller has it already.
        """
        cover = np.asarray(cover, dtype=np.int64)
        cap = np.asarray(cap, dtype=float)
        n_g = len(self.count)
        if len(cover) == 0 or n_g == 0:
            return np.zeros(len(cover)), (np.zeros((n_g, len(cover))) if with_fill else None)
        if grouping is None:
            grouping = group_by_cover(cover)
        used, inv, by_cover, bounds = grouping
        if (not with_fill and self._lp_table is not self._fit_table
                and len(used) * n_g > _DENSE_MAX):
            return self._knapsack_sparse(mu, grouping, cap), None
        gain = self._fit_table[:, used] - mu[:, None]  # [group, used cover], per bruker
        take = gain > _EPS
        zero_pts = self.points <= _EPS
        free = take & zero_pts[:, None]
        base = (np.where(free, gain, 0.0) * self.count[:, None]).sum(axis=0)
        paying = take & ~zero_pts[:, None]
        pts_safe = np.where(zero_pts, 1.0, self.points)
        ratio = np.where(paying, gain / pts_safe[:, None], -np.inf)
        order = np.argsort(-ratio, axis=0, kind="stable")  # best value per point first
        p_all = np.where(paying, (self.count * self.points)[:, None], 0.0)
        v_all = np.where(paying, gain * self.count[:, None], 0.0)
        p_sorted = np.take_along_axis(p_all, order, axis=0)
        v_sorted = np.take_along_axis(v_all, order, axis=0)
        cum_p = np.vstack([np.zeros(len(used)), np.cumsum(p_sorted, axis=0)])
        cum_v = np.vstack([np.zeros(len(used)), np.cumsum(v_sorted, axis=0)])
        # position of each unit's capacity on its cover's cumulative points (a column of
        # cum_p is sorted: the count of its entries <= cap is searchsorted(side="right"));
        # few units: one comparison for all, many: one search per cover
        if len(cover) * (n_g + 1) <= _ONE_PASS:
            pos = (cum_p[:, inv] <= cap[None, :]).sum(axis=0) - 1
        else:
            pos = np.empty(len(cover), dtype=np.int64)
            for k in range(len(used)):
                sel = by_cover[bounds[k]:bounds[k + 1]]
                pos[sel] = np.searchsorted(cum_p[:, k], cap[sel], side="right") - 1
        pos = np.clip(pos, 0, n_g)
        inside = pos < n_g
        pi = np.minimum(pos, n_g - 1)
        seg_p = p_sorted[pi, inv]
        slope = np.divide(v_sorted[pi, inv], seg_p, out=np.zeros(len(cover)), where=seg_p > 0)
        extra = np.where(inside, np.minimum(cap - cum_p[pos, inv], seg_p) * slope, 0.0)
        value = base[inv] + cum_v[pos, inv] + extra
        fill = None
        if with_fill:
            taken = np.clip(cap[None, :] - cum_p[:-1, inv], 0.0, p_sorted[:, inv])  # [rank, u]
            per = taken / pts_safe[order[:, inv]]
            fill = np.zeros((n_g, len(cover)))
            np.put_along_axis(fill, order[:, inv], per, axis=0)
            fill = np.where(free[:, inv], self.count[:, None], fill)
        return value, fill

    def _knapsack_sparse(self, mu: np.ndarray, grouping: tuple,
                         cap: np.ndarray) -> np.ndarray:
        """:meth:`knapsack`'s values, summing only the groups that gain at each type.

        With preferences an office has ten times the unit types; at the prices of a search a
        group gains at a sixth to a half of them. The gaining items of every type are put in
        the dense order (value per point, then group) and laid out in ``[rank, type]``
        tables, one per band of list lengths (types whose lists are at most 1, 2, 4, 8, ...
        long; the longest list is several times the mean, so one table as tall as the
        longest was mostly zeros), each as tall as its longest list: every type's column
        holds its items in the dense order and zeros below, so the sums are the dense ones
        to the bit.

        The order comes from the few distinct profits: a group's profit takes about 170
        values over 1 900 types at 150 veiledere, so the (group, profit) codes of the types
        (:func:`_value_codes`, once per set of types) are ranked by value per point, ties by
        group, and each type's row of ranks is sorted as integers: the order of
        ``np.lexsort((group, key, type))`` over the items. A quicksort of every item with a
        tie repair, as before, made the call three times as long (9.3 against 3.1 ms at the
        candidate pairs' 1 486 types, 150 veiledere; 14.9 against 4.7 ms at 400).
        """
        used, inv = grouping[:2]
        n_used = len(used)
        code, values, group = self._codes_of(used)
        gain = values - mu[group]  # per code: fit[g, k] - μ_g of every (k, g) of the code
        take = gain > _EPS
        zero_pts = self.points <= _EPS
        if zero_pts.any():  # brukere without workload: free wherever they gain
            gain_tab = self._fit_table[:, used] - mu[:, None]  # [group, used type]
            free = (gain_tab > _EPS) & zero_pts[:, None]
            base = (np.where(free, gain_tab, 0.0) * self.count[:, None]).sum(axis=0)
            take &= ~zero_pts[group]
        else:
            base = np.zeros(n_used)
        taken = np.flatnonzero(take)
        by_key = np.argsort(-(gain[taken] / self.points[group[taken]]), kind="stable")
        taken = taken[by_key]  # best value per point first; ties by code, so by group
        g = group[taken]
        n_take = len(taken)
        rank = np.full(len(values), n_take, dtype=np.int16 if n_take < 2 ** 15 else np.int64)
        rank[taken] = np.arange(n_take)
        p_rank = np.zeros(n_take + 1)  # rank n_take: a code that does not gain
        v_rank = np.zeros(n_take + 1)
        p_rank[:n_take] = (self.count * self.points)[g]
        v_rank[:n_take] = gain[taken] * self.count[g]
        items = rank[code]  # [type, group]: the rank of each group's profit at the type
        items.sort(axis=1)  # each type's gaining groups in the dense order, the rest after
        length = (items < n_take).sum(axis=1)
        items = items.astype(np.int64, copy=False)
        band = np.ceil(np.log2(np.maximum(length, 1))).astype(np.int64)  # 0: at most 1
        band_of_unit = band[inv]
        value = np.empty(len(inv))
        for b in np.unique(band):
            types = np.flatnonzero(band == b)
            col = np.zeros(n_used, dtype=np.int64)
            col[types] = np.arange(len(types))
            height = int(length[types].max())
            ranks = items[types, :height].T  # [rank, type]
            p_sorted = np.zeros((height + 1, len(types)))  # one zero row below: the tail
            v_sorted = np.zeros((height + 1, len(types)))
            p_sorted[:height] = p_rank[ranks]
            v_sorted[:height] = v_rank[ranks]
            cum_p = np.zeros((height + 2, len(types)))
            cum_v = np.zeros((height + 2, len(types)))
            np.cumsum(p_sorted, axis=0, out=cum_p[1:])
            np.cumsum(v_sorted, axis=0, out=cum_v[1:])
            units = np.flatnonzero(band_of_unit == b)
            c_u, cap_u = col[inv[units]], cap[units]
            pos = np.clip(_positions(cum_p, c_u, cap_u), 0, height + 1)
            pi = np.minimum(pos, height)
            seg_p = p_sorted[pi, c_u]
            slope = np.divide(v_sorted[pi, c_u], seg_p, out=np.zeros(len(units)),
                              where=seg_p > 0)
            extra = np.where(pos <= height, np.minimum(cap_u - cum_p[pos, c_u], seg_p) * slope,
                             0.0)
            value[units] = base[inv[units]] + cum_v[pos, c_u] + extra
        return value

    def _codes_of(self, used: np.ndarray) -> tuple:
        """:func:`_value_codes` of ``_fit_table[:, used]``, kept for the last few sets of
        types (a search asks for the candidate pairs' types and the singles' again and
        again)."""
        key = used.tobytes()
        codes = self._gathered.pop(key, None)  # put back last: the most recent
        if codes is None:
            codes = _value_codes(self._fit_table[:, used])
            if len(self._gathered) >= 4:  # the least recently used goes
                del self._gathered[next(iter(self._gathered))]
        self._gathered[key] = codes
        return codes

    def single_values(self, mu: np.ndarray) -> np.ndarray:
        """``K_v(μ)`` of every veileder working alone (the last prices' values are kept:
        the bound, the pair values and the gain bounds ask for the same ``μ`` in turn)."""
        key = mu.tobytes()
        k = _cached(self._k_cache, key)
        if k is None:
            if self._singles is None:
                v = np.arange(self.n)
                self._singles = distinct_units(self._cover_ix[v, v], self.single_capacities())
            k = self.distinct_values(mu, self._singles)
            _remember(self._k_cache, key, k)
        return k.copy()

    def pair_values(self, mu: np.ndarray, k_single: np.ndarray | None = None,
                    mask: np.ndarray | None = None) -> np.ndarray:
        """``w[a, b] = K_ab(μ) - K_a(μ) - K_b(μ)`` for every candidate pair (0 elsewhere).

        ``mask`` replaces the candidate mask (used to explain who a rule kept apart).
        """
        n = self.n
        key = mu.tobytes() if mask is None else None
        if mask is None:
            if self._cand is None:
                self._cand = self._pair_arrays(self.candidate)
            ia, ib, units = self._cand
        else:
            ia, ib, units = self._pair_arrays(mask)
        w = np.zeros((n, n))
        if ia.size == 0:
            return w
        # the values per candidate pair are kept (not the n x n matrix: 16 of those are
        # 128 MB at 1 000 veiledere)
        vals = None if key is None else _cached(self._w_cache, key)
        if vals is None:
            if k_single is None:
                k_single = self.single_values(mu)
            vals = self.distinct_values(mu, units) - k_single[ia] - k_single[ib]
            if key is not None:
                _remember(self._w_cache, key, vals)
        w[ia, ib] = vals
        w[ib, ia] = vals
        return w

    def _pair_arrays(self, mask: np.ndarray) -> tuple:
        ia, ib = np.nonzero(np.triu(mask, 1))
        cap = self.pair_capacities(ia, ib)
        cover = self._cover_ix[ia, ib]
        return ia, ib, distinct_units(cover, cap)

    def distinct_values(self, mu: np.ndarray, units: DistinctUnits) -> np.ndarray:
        """``K_u(μ)`` of every original unit of ``units``: one knapsack per distinct
        ``(type, capacity)``, scattered back (the same values as :meth:`knapsack` on all)."""
        k, _ = self.knapsack(mu, units.cover, units.cap, grouping=units.grouping)
        return k[units.inverse]

    def lagrangian(self, mu: np.ndarray, *, exact: bool = True) -> tuple[float, frozenset]:
        """``L(μ)`` (an upper bound on the best pairing's objective) and its inner matching.

        The inner matching is also the price-based proposal for the next pairing. With
        ``exact=False`` the matching term is bounded by the fractional-matching relaxation
        (an assignment problem on the doubled graph, half its value; never below the
        exact term, so still a valid bound) and the inner matching is the integral part of
        that assignment, completed greedily: cheap, and used only for bound steps and
        heuristic proposals.
        """
        k_single = self.single_values(mu)
        w = self.pair_values(mu, k_single) + self.bonus
        base = float(mu @ self.count) + float(k_single.sum())
        fixed = sum(w[a, b] for a, b in self.required)
        if exact:
            raw, term = self._match_raw(w)
            pairs = self._fit(raw, w, cap_pairs=None)
        else:
            raw, term = self._fractional_match(w)
            pairs = raw
        if self.budget_binding and term > 0 and not self.affordable(raw):
            # θ = 0 is the best budget price when the matching fits (slope room − cost >= 0)
            b_term, b_pairs = self._budget_term(w)
            if b_term < term:
                term = b_term
                if not exact:
                    # the inner solution of the bound is the matching at the best budget
                    # price: its subgradient is the one that lowers *this* bound (the
                    # unconstrained matching's points elsewhere, and the steps went up)
                    pairs = b_pairs
        return base + fixed + float(term), pairs

    def _budget_term(self, w: np.ndarray) -> tuple[float, frozenset]:
        """The matching term of ``L`` with the overhead budget relaxed by a price ``θ >= 0``.

        For every affordable pairing ``Σ_M w <= θ·room + Σ_M (w − θ·cost)`` (its overhead is
        at most ``room``), so ``min_θ θ·room + max_M Σ_M (w − θ·cost)`` bounds the term; the
        maximum is bounded by the fractional matching (valid at any θ). The function is convex
        in θ; a short bisection on its slope ``room − cost(M(θ))`` finds a low point.
        Returns the term and the inner matching ``M(θ)`` at that point.
        """
        room = max(self.budget - self.pairing_cost(self.required), 0.0)
        free = np.ones(self.n, dtype=bool)
        for a, b in self.required:
            free[a] = free[b] = False
        allowed = self.candidate & free[:, None] & free[None, :] & (w > 0)
        if not allowed.any():
            return 0.0, frozenset(self.required)
        ratio = w[allowed] / np.maximum(self.cost[allowed], _EPS)
        lo, hi = 0.0, float(ratio.max())
        best = hi * room  # at θ = hi no pair is worth anything
        best_pairs = frozenset(self.required)
        for _ in range(12):
            mid = (lo + hi) / 2
            pairs, val = self._fractional_match(w - mid * self.cost)
            if mid * room + val < best:
                best, best_pairs = mid * room + val, pairs
            if self.pairing_cost(set(pairs) - set(self.required)) > room:
                lo = mid
            else:
                hi = mid
        return best, best_pairs

    def _fractional_match(self, weights: np.ndarray) -> tuple[frozenset, float]:
        n = self.n
        free = np.ones(n, dtype=bool)
        for a, b in self.required:
            free[a] = free[b] = False
        allowed = self.candidate & free[:, None] & free[None, :]
        w = np.where(allowed & (weights > 0), weights, 0.0)
        np.fill_diagonal(w, 0.0)
        if n < 2 or not (w > 0).any():
            return frozenset(self.required), 0.0
        rows, perm = linear_sum_assignment(w, maximize=True)
        bound = float(w[rows, perm].sum()) / 2.0
        bound += 1e-9 * max(1.0, abs(bound))  # float slack: keep the bound on the safe side
        mate = -np.ones(n, dtype=np.int64)
        two = (perm[perm] == rows) & (perm != rows) & (w[rows, perm] > 0)
        mate[two] = perm[two]
        # the rest (odd cycles): positive edges best first, where both ends are free
        ia, ib = np.nonzero(np.triu(w > 0, 1))
        rest = (mate[ia] < 0) & (mate[ib] < 0)
        ia, ib = ia[rest], ib[rest]
        for k in np.lexsort((ib, ia, -w[ia, ib])):
            a, b = ia[k], ib[k]
            if mate[a] < 0 and mate[b] < 0:
                mate[a], mate[b] = b, a
        pairs = {(int(a), int(mate[a])) for a in range(n) if mate[a] > a}
        return frozenset(pairs) | frozenset(self.required), bound

    def subgradient(self, mu: np.ndarray, inner: frozenset) -> np.ndarray:
        """``n[g] - Σ_u y[g, u]`` at the inner solution of ``L(μ)``."""
        cover, cap = self._unit_arrays(self.units_of(inner))
        _, fill = self.knapsack(mu, cover, cap, with_fill=True)
        return self.count - fill.sum(axis=1)

    # ---- matching ----------------------------------------------------------------------
    def match(self, weights: np.ndarray, *, cap_pairs: int | None) -> tuple[frozenset, float]:
        """Exact max-weight matching on ``weights`` over candidates, required pairs pinned.

        Returns the pairs (required included) and the optimal weight of the free part without
        ``cap_pairs`` and the budget (a proven bound on it). The pairs returned respect both
        (:meth:`_fit`).
        """
        raw, bound = self._match_raw(weights)
        return self._fit(raw, weights, cap_pairs=cap_pairs), bound

    def _free_mask(self) -> np.ndarray:
        """Candidate pairs of veiledere who are not in a required pair."""
        free = np.ones(self.n, dtype=bool)
        for a, b in self.required:
            free[a] = free[b] = False
        allowed = self.candidate & free[:, None] & free[None, :]
        np.fill_diagonal(allowed, False)
        return allowed

    def _match_raw(self, weights: np.ndarray) -> tuple[frozenset, float]:
        """Max-weight matching of the free candidates (required pairs added) and its weight."""
        allowed = self._free_mask()
        sol = max_weight_pairing(np.where(allowed, weights, 0.0), allowed=allowed)
        pairs = frozenset(tuple(p) for p in sol.pairs) | frozenset(self.required)
        return pairs, float(sol.bound)

    def _fit(self, pairs: frozenset, weights: np.ndarray, *, cap_pairs: int | None
             ) -> frozenset:
        """``pairs`` made to respect ``cap_pairs`` (most free pairs) and the budget.

        Over the budget alone, the pairs that earn least per overhead point are dropped until
        the rest fit. Over ``cap_pairs``, the weights are lowered by a penalty on what each
        pair uses (one of the ``cap_pairs``, and its overhead's share of the budget when that
        is exceeded too) found by bisection until the matching fits (Lagrangian rule; exact
        when the penalty hits the limit, otherwise a heuristic); the most valuable pairs that
        fit if bisection finds nothing.
        """
        required = frozenset(self.required)
        free_pairs = sorted(pairs - required)
        room = self.budget - self.pairing_cost(required)

        def fits(ps: Sequence[tuple[int, int]]) -> bool:
            return ((cap_pairs is None or len(ps) <= cap_pairs)
                    and (not self.budget_binding or self.pairing_cost(ps) <= room + _EPS))

        if fits(free_pairs):
            return pairs
        allowed = self._free_mask()
        w = np.where(allowed, weights, 0.0)
        if cap_pairs is None or len(free_pairs) <= cap_pairs:
            # only the budget: drop the pairs that earn least per overhead point until it fits
            # (one pass, no matchings; the search and its keep rule take it from there)
            kept = sorted(free_pairs, key=lambda p: (w[p] / max(self.cost[p], _EPS), p))
            while kept and not fits(kept):
                kept.pop(0)
            return frozenset(kept) | required
        use = np.zeros((self.n, self.n))
        if cap_pairs is not None and len(free_pairs) > cap_pairs:
            use += 1.0  # one of the cap_pairs
        if self.budget_binding and self.pairing_cost(free_pairs) > room + _EPS:
            use += self.cost / max(room, _EPS)  # its overhead's share of the budget
        lo, hi = 0.0, (float(w.max()) + 1.0) / float(use[allowed].min(initial=1.0))
        best = None
        for _ in range(30):
            mid = (lo + hi) / 2
            cand = max_weight_pairing(np.where(allowed, w - mid * use, 0.0), allowed=allowed)
            found = [tuple(p) for p in cand.pairs]
            if fits(found):
                hi, best = mid, found
            else:
                lo = mid
        if best is None:  # greedy: the most valuable pairs that still fit
            best = []
            for p in sorted(free_pairs, key=lambda p: (-w[p], p)):
                if fits([*best, p]):
                    best.append(p)
        return frozenset(best) | required
