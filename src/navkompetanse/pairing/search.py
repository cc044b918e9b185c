"""Array core of veileder pairing: the allocation model a pairing is judged by (internal).

Everything here works on numpy arrays in a canonical veileder order (sorted idents), so the
public layer in :mod:`navkompetanse.pairing` only validates, converts and wraps.

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

with ``cap[u] = φ · capacity_points(u)`` where ``φ = (1 + balance_slack) · load / capacity``:
every unit may carry its fair share of the office's load plus the slack, and a pair's
capacity points are its members' together less ``pair_overhead``.

Pair values from prices
-----------------------
For bruker prices ``μ`` (what a bruker of group g earns elsewhere), the most a unit ``u`` can
earn is a bounded fractional knapsack::

    K_u(μ) = max Σ_g y_g (fit[g, u] - μ_g)  s.t.  Σ_g w[g] y_g <= cap[u],  0 <= y_g <= n[g]

and the value of pairing ``a`` and ``b`` is ``w_ab(μ) = K_ab(μ) - K_a(μ) - K_b(μ)``: what the
pair's capacity earns on the brukere where it beats today's best option, less what the two
earn alone. ``K`` is concave in capacity with ``K(0) = 0``, so two veiledere with the same
profile have ``w_ab <= 0``.

The Lagrangian bound
--------------------
Relaxing the "every bruker placed" rows with ``μ`` separates the units, and the best pairing
of the relaxed problem is a maximum-weight matching on ``w(μ) + bonus``::

    L(μ) = Σ_g μ_g n[g] + Σ_v K_v(μ) + max_M Σ_{ab∈M} (w_ab(μ) + bonus_ab)

``L(μ)`` is an upper bound on ``max_M A(M) + bonus(M)`` for *every* ``μ`` (weak duality), so
also on the best pairing with an integer allocation. At the LP duals ``μ*`` of a pairing ``M``
it also gives a proven lower bound on each pair's marginal gain:
``A(M) - A(M \\ {ab}) >= A(M) - L_{M \\ {ab}}(μ*)``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..optimize import max_weight_pairing
from ..policy import Policy
from ..scoring import fit_matrix
from .allocation_lp import AllocationLP

__all__ = ["Evaluation", "PairingModel", "SearchOutcome", "keeps", "search_pairing"]

_EPS = 1e-9
def _group_by_cover(cover: np.ndarray) -> tuple:
    """``(used covers, inverse, unit order by cover, slice bounds)`` for :meth:`knapsack`."""
    cover = np.asarray(cover, dtype=np.int64)
    used, inv = np.unique(cover, return_inverse=True)
    inv = inv.reshape(-1)
    by_cover = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[by_cover], np.arange(len(used) + 1))
    return used, inv, by_cover, bounds


@dataclass(frozen=True)
class Evaluation:
    """The allocation model solved for one pairing."""

    pairs: frozenset
    value: float  # A(M): Σ fit of the LP allocation
    bonus: float  # Σ learning + continuity bonus of the pairs
    mu: np.ndarray  # bruker prices per group
    units: tuple  # unit members (tuple of veileder indices), LP order
    flow: np.ndarray  # flow[g, unit] brukere of group g placed at unit (LP)

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
    factor: float = field(init=False)
    _bonus: np.ndarray = field(init=False, repr=False)
    _cover_ix: np.ndarray = field(init=False, repr=False)
    _fit_table: np.ndarray = field(init=False, repr=False)
    _lp: AllocationLP | None = field(default=None, init=False, repr=False)
    _w_cache: tuple = field(default=(None, None), init=False, repr=False)
    _cand: tuple | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.levels)
        if self.existing is None:
            self.existing = np.zeros((n, n), dtype=bool)
        # an existing pair is kept, not proposed: min_gain is not charged, the continuity
        # bonus (Policy.pair_continuity_threshold) is what a change must beat
        self._bonus = self.learning + self.continuity - np.where(self.existing, 0.0,
                                                                  self.pair_cost)
        load = float(self.count @ self.points)
        total = float(self.capacity.sum())
        self.factor = (1.0 + self.policy.balance_slack) * load / total if total > 0 else 0.0
        # every cover a unit can have: singles and all pairs; fit once per distinct cover
        pair_cover = np.maximum(self.levels[:, None, :], self.levels[None, :, :]).reshape(-1, 4)
        # one integer per cover (levels are small): np.unique on ints, not on rows
        base = int(pair_cover.max(initial=0)) + 1
        code = pair_cover.astype(np.int64) @ (base ** np.arange(4, dtype=np.int64))
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        covers = pair_cover[first]
        self._cover_ix = inverse.reshape(n, n)
        self._fit_table = fit_matrix(self.need, covers, self.policy)  # [group, cover]

    # ---- units ------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.levels)

    def unit_capacity(self, a: int, b: int | None = None) -> float:
        """Capacity of a unit in the allocation model (fair share with slack)."""
        if b is None:
            return self.factor * float(self.capacity[a])
        joint = float(self.capacity[a] + self.capacity[b]) * (1.0 - self.policy.pair_overhead)
        return self.factor * joint

    def fit(self, a: int, b: int | None = None) -> np.ndarray:
        """Fit of every group to the unit (a) or (a, b)."""
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
            self._lp = AllocationLP(self._fit_table, self.count, self.points)
        return self._lp

    @property
    def n_lp(self) -> int:
        return 0 if self._lp is None else self._lp.n_solves

    def evaluate(self, pairs: Iterable[tuple[int, int]]) -> Evaluation:
        """Solve the allocation model for a pairing; exact LP optimum and bruker prices."""
        pairs = frozenset(tuple(sorted(p)) for p in pairs)
        units = self.units_of(pairs)
        n_groups = len(self.count)
        cover = np.array([self._cover_ix[u[0], u[-1]] for u in units], dtype=np.int64)
        cap = np.array([self.unit_capacity(*u) for u in units])
        if n_groups == 0:
            return Evaluation(pairs, 0.0, self.pair_bonus(pairs), np.zeros(0), units,
                              np.zeros((0, len(units))))
        n_cov = self._fit_table.shape[1]
        cap_c = np.bincount(cover, weights=cap, minlength=n_cov)
        sol = self.lp.solve(cap_c)
        if sol is None:
            return Evaluation(pairs, -np.inf, self.pair_bonus(pairs),
                              np.zeros(n_groups), units, np.zeros((n_groups, len(units))))
        # units with the same cover are interchangeable: split in proportion to capacity
        share = np.divide(cap, cap_c[cover], out=np.zeros_like(cap), where=cap_c[cover] > 0)
        flow = sol.x[:, cover] * share[None, :]
        return Evaluation(pairs, sol.value, self.pair_bonus(pairs), sol.mu, units, flow)

    # ---- prices -> knapsack values ------------------------------------------------------
    def knapsack(self, mu: np.ndarray, cover: np.ndarray, cap: np.ndarray,
                 *, with_fill: bool = False, grouping: tuple | None = None,
                 ) -> tuple[np.ndarray, np.ndarray | None]:
        """``K_u(μ)`` for units given by cover index and capacity (vectorised over covers).

        With ``with_fill`` also the maximiser ``y[g, unit]`` (brukere taken per group).
        ``grouping`` is ``_group_by_cover(cover)`` when the caller has it already.
        """
        cover = np.asarray(cover, dtype=np.int64)
        cap = np.asarray(cap, dtype=float)
        n_g = len(self.count)
        if len(cover) == 0 or n_g == 0:
            return np.zeros(len(cover)), (np.zeros((n_g, len(cover))) if with_fill else None)
        if grouping is None:
            grouping = _group_by_cover(cover)
        used, inv, by_cover, bounds = grouping
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
        # position of each unit's capacity on its cover's cumulative points
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

    def single_values(self, mu: np.ndarray) -> np.ndarray:
        v = np.arange(self.n)
        cap = self.factor * self.capacity
        return self.knapsack(mu, self._cover_ix[v, v], cap)[0]

    def pair_values(self, mu: np.ndarray, k_single: np.ndarray | None = None,
                    mask: np.ndarray | None = None) -> np.ndarray:
        """``w[a, b] = K_ab(μ) - K_a(μ) - K_b(μ)`` for every candidate pair (0 elsewhere).

        ``mask`` replaces the candidate mask (used to explain who a rule kept apart).
        """
        n = self.n
        key = mu.tobytes() if mask is None else None
        if key is not None and self._w_cache[0] == key:
            return self._w_cache[1].copy()
        if k_single is None:
            k_single = self.single_values(mu)
        if mask is None:
            if self._cand is None:
                self._cand = self._pair_arrays(self.candidate)
            ia, ib, cover, cap, grouping = self._cand
        else:
            ia, ib, cover, cap, grouping = self._pair_arrays(mask)
        w = np.zeros((n, n))
        if ia.size == 0:
            return w
        k_pair, _ = self.knapsack(mu, cover, cap, grouping=grouping)
        vals = k_pair - k_single[ia] - k_single[ib]
        w[ia, ib] = vals
        w[ib, ia] = vals
        if key is not None:
            self._w_cache = (key, w.copy())
        return w

    def _pair_arrays(self, mask: np.ndarray) -> tuple:
        ia, ib = np.nonzero(np.triu(mask, 1))
        overhead = self.policy.pair_overhead
        cap = self.factor * (self.capacity[ia] + self.capacity[ib]) * (1 - overhead)
        cover = self._cover_ix[ia, ib]
        return ia, ib, cover, cap, _group_by_cover(cover)

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
            sol = self.match(w, cap_pairs=None)
        else:
            sol = self._fractional_match(w)
        return base + fixed + float(sol[1]), sol[0]

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
        units = self.units_of(inner)
        cover = np.array([self._cover_ix[u[0], u[-1]] for u in units], dtype=np.int64)
        cap = np.array([self.unit_capacity(*u) for u in units])
        _, fill = self.knapsack(mu, cover, cap, with_fill=True)
        return self.count - fill.sum(axis=1)

    # ---- matching ----------------------------------------------------------------------
    def match(self, weights: np.ndarray, *, cap_pairs: int | None) -> tuple[frozenset, float]:
        """Exact max-weight matching on ``weights`` over candidates, required pairs pinned.

        Returns the pairs (required included) and the optimal weight of the free part (its
        proven bound). With ``cap_pairs`` (most free pairs) the weights are lowered by a
        common penalty found by bisection until the matching is small enough (Lagrangian
        cardinality rule; exact when the penalty hits the count, otherwise a heuristic).
        """
        n = self.n
        free = np.ones(n, dtype=bool)
        for a, b in self.required:
            free[a] = free[b] = False
        allowed = self.candidate & free[:, None] & free[None, :]
        np.fill_diagonal(allowed, False)
        w = np.where(allowed, weights, 0.0)
        sol = max_weight_pairing(w, allowed=allowed)
        pairs = [tuple(p) for p in sol.pairs]
        bound = float(sol.bound)
        if cap_pairs is not None and len(pairs) > cap_pairs:
            lo, hi = 0.0, float(w.max()) + 1.0
            best = [] if cap_pairs == 0 else None
            for _ in range(30):
                mid = (lo + hi) / 2
                cand = max_weight_pairing(np.where(allowed, w - mid, 0.0), allowed=allowed)
                if len(cand.pairs) <= cap_pairs:
                    hi, best = mid, [tuple(p) for p in cand.pairs]
                else:
                    lo = mid
            pairs = best if best is not None else sorted(pairs, key=lambda p: -w[p])[:cap_pairs]
        return frozenset(pairs) | frozenset(self.required), bound


@dataclass
class SearchOutcome:
    """What :func:`search_pairing` found."""

    best: Evaluation
    bound: float  # least L(μ) seen: upper bound on the objective of every permitted pairing
    gains: dict  # (i, j) -> (gain incl. learning bonus, exact: bool)
    dissolved: dict  # (i, j) -> gain of pairs removed by the min-gain rule
    final_w: np.ndarray  # w(μ*) + bonus at the best pairing's prices (for reasons/explain)
    rounds: int
    n_lp: int  # allocation LPs solved (cache misses)
    stopped_by_time: bool
    history: list = field(default_factory=list)
    n_search_lp: int = 0  # of which spent on the search (the rest: exact gains)
    n_matchings: int = 0
    proven: bool = False  # branch-and-bound proved ``best`` optimal (bound == objective)
    exact: dict | None = None  # branch-and-bound counts (None when it did not run)


def keeps(model: PairingModel, pair: tuple[int, int], gain: float, min_gain: float) -> bool:
    """Whether a pair with this gain stays: pinned; existing with a positive gain; or new
    with a positive gain of at least ``min_gain``."""
    if pair in model.required:
        return True
    if model.existing[pair]:
        return gain > 1e-9
    return gain > 1e-9 and gain >= min_gain - 1e-12


def search_pairing(
    model: PairingModel,
    *,
    start: Sequence[Iterable[tuple[int, int]]],
    min_gain: float,
    max_pairs: int | None,
    rounds: int = 8,
    lp_budget: int = 40,
    move_limit: int | None = 12,
    max_idle: int = 1,
    bound_steps: int = 8,
    exact_heuristic: bool = False,
    exact_nodes: int = 0,
    exact_lps: int = 0,
    time_limit: float | None = None,
) -> SearchOutcome:
    """Price-and-match rounds, local search, exact gains and the min-gain rule (module doc).

    1. Evaluate each start pairing with the allocation LP (prices μ).
    2. Re-match: exact max-weight matching on ``w(μ) + bonus``; evaluate; keep the best;
       repeat from the new prices until a pairing repeats, two rounds bring nothing or
       ``rounds`` is reached.
    3. Local search scored by the allocation objective: dissolve a pair, pair two singles,
       swap partners between two pairs, replace a partner with a single. Moves are ranked by
       their price estimate and evaluated best first, first improvement accepted.
    4. Exact gains: one LP per pair of the best pairing (``A(M) - A(M without p)``); while a
       pair fails the keep rule (:func:`keeps`), dissolve the weakest and recompute.
    5. Bound: the least ``L(μ)`` seen, improved by ``bound_steps`` subgradient steps.

    With ``exact_nodes > 0``, a branch-and-bound over pairings (:mod:`._pairing_bb`) runs
    between steps 3 and 4 from the search's best pairing, within ``exact_nodes`` nodes and
    ``exact_lps`` LPs. When it exhausts the tree and the keep rule of step 4 changes nothing,
    the result is proven optimal (``proven``, bound = objective); otherwise its open nodes
    give the bound.

    Steps 2–3 stop after ``lp_budget`` allocation LPs, so the result does not depend on the
    machine; step 4 always runs (it decides what is proposed). ``time_limit`` is a hard
    wall-clock stop on top (then gains may be proven lower bounds, and results may differ
    between runs).
    """
    t0 = time.perf_counter()
    deadline = np.inf if time_limit is None else t0 + time_limit
    required = frozenset(model.required)
    free_cap = None if max_pairs is None else max(0, max_pairs - len(required))
    seen: dict[frozenset, Evaluation] = {}
    state = {"lp": 0, "timed_out": False, "matchings": 0}
    history: list = []

    def out_of_time() -> bool:
        if time.perf_counter() > deadline:
            state["timed_out"] = True
        return state["timed_out"]

    def spent() -> bool:
        return out_of_time() or state["lp"] >= lp_budget

    def ev_of(pairs: Iterable[tuple[int, int]], *, search: bool = True) -> Evaluation:
        key = frozenset(pairs)
        if key not in seen:
            if search:
                state["lp"] += 1
            seen[key] = model.evaluate(key)
        return seen[key]

    def lagrangian(mu: np.ndarray, exact: bool = True) -> tuple[float, frozenset]:
        state["matchings"] += exact
        return model.lagrangian(mu, exact=exact)

    def better(e: Evaluation, than: Evaluation | None) -> bool:
        if max_pairs is not None and len(e.pairs) > max_pairs:
            return False
        if than is None or e.objective > than.objective + 1e-9:
            return True
        return abs(e.objective - than.objective) <= 1e-9 and sorted(e.pairs) < sorted(than.pairs)

    best: Evaluation | None = None
    for s in start:
        e = ev_of(frozenset(s) | required)
        if better(e, best):
            best = e
    assert best is not None
    bound = np.inf
    current, idle, rounds_done = best, 0, 0
    for _ in range(rounds):
        if spent():
            break
        rounds_done += 1
        lag, proposal = lagrangian(current.mu)
        bound = min(bound, lag)
        if free_cap is not None and len(proposal - required) > free_cap:
            w = model.pair_values(current.mu) + model.bonus
            proposal, _ = model.match(w, cap_pairs=free_cap)
            state["matchings"] += 1
        history.append((current.objective, lag))
        if proposal in seen:
            break
        e = ev_of(proposal)
        if better(e, best):
            best, idle = e, 0
        else:
            idle += 1
        current = e
        if idle >= max_idle:
            break

    # ---- local search around the best pairing ------------------------------------------
    def moves_of(ev: Evaluation) -> list[frozenset]:
        """Neighbour pairings ranked by their price estimate, the best ``move_limit``."""
        pairs = set(ev.pairs)
        free_pairs = np.array(sorted(pairs - required), dtype=np.int64).reshape(-1, 2)
        paired = {i for p in pairs for i in p}
        singles = np.array([v for v in range(model.n) if v not in paired], dtype=np.int64)
        w = model.pair_values(ev.mu) + model.bonus
        lower = _gain_bounds(model, ev)
        cand = model.candidate
        est, kind, i1, i2, i3 = [], [], [], [], []

        def add(e, k, a, b, c):
            e = np.asarray(e, dtype=float)
            est.append(e)
            kind.append(np.full(e.size, k))
            for dst, src in ((i1, a), (i2, b), (i3, c)):
                dst.append(np.broadcast_to(np.asarray(src, dtype=np.int64), e.shape).ravel())

        m = len(free_pairs)
        pa, pb = free_pairs[:, 0], free_pairs[:, 1]
        w_p = w[pa, pb]
        # 0: dissolve pair i (gains at most its charge less the lower bound on its gain)
        if m:
            lb = np.array([lower[(int(a), int(b))][0] for a, b in free_pairs])
            charge = model.bonus[pa, pb] - model.learning[pa, pb]
            add(-(lb + charge), 0, np.arange(m), 0, 0)
        # 1: pair singles a, b
        if (max_pairs is None or len(pairs) < max_pairs) and len(singles) > 1:
            ia, ib = np.triu_indices(len(singles), 1)
            a, b = singles[ia], singles[ib]
            ok = cand[a, b]
            add(w[a, b][ok], 1, a[ok], b[ok], 0)
        if m > 1:  # 2/3: swap partners between pairs i < j
            ii, jj = np.triu_indices(m, 1)
            for k, (x1, x2, y1, y2) in ((2, (pa, pa, pb, pb)), (3, (pa, pb, pb, pa))):
                xa, xb, ya, yb = x1[ii], x2[jj], y1[ii], y2[jj]
                ok = cand[xa, xb] & cand[ya, yb]
                e = w[xa, xb] + w[ya, yb] - w_p[ii] - w_p[jj]
                add(e[ok], k, ii[ok], jj[ok], 0)
        if m and len(singles):  # 4/5: replace pair i's second/first member with single s
            pi, si = np.meshgrid(np.arange(m), np.arange(len(singles)), indexing="ij")
            pi, si = pi.ravel(), si.ravel()
            for k, keep in ((4, pa), (5, pb)):
                kp, sv = keep[pi], singles[si]
                ok = cand[kp, sv]
                add((w[kp, sv] - w_p[pi])[ok], k, pi[ok], sv[ok], 0)
        if not est:
            return []
        est_a = np.concatenate(est)
        kind_a, a1, a2, a3 = (np.concatenate(x) for x in (kind, i1, i2, i3))
        top = np.lexsort((a3, a2, a1, kind_a, -np.round(est_a, 12)))[:move_limit]
        out = []
        for t in top:
            k, x, y = int(kind_a[t]), int(a1[t]), int(a2[t])
            if k == 0:
                new = pairs - {tuple(free_pairs[x])}
            elif k == 1:
                new = pairs | {(x, y)}
            elif k in (2, 3):
                p, q = tuple(free_pairs[x]), tuple(free_pairs[y])
                if k == 2:
                    new_p = (tuple(sorted((p[0], q[0]))), tuple(sorted((p[1], q[1]))))
                else:
                    new_p = (tuple(sorted((p[0], q[1]))), tuple(sorted((p[1], q[0]))))
                new = (pairs - {p, q}) | set(new_p)
            else:
                p = tuple(free_pairs[x])
                keep = p[0] if k == 4 else p[1]
                new = (pairs - {p}) | {tuple(sorted((keep, y)))}
            out.append(frozenset((int(a), int(b)) for a, b in new))
        return out

    def climb(start_ev: Evaluation) -> Evaluation:
        """First-improvement descent from ``start_ev`` (moves ranked by price estimate)."""
        cur = start_ev
        improved = True
        while improved and not spent():
            improved = False
            for move in moves_of(cur):
                if spent():
                    break
                if move in seen:
                    continue
                e = ev_of(move)
                if better(e, cur):
                    cur, improved = e, True
                    break
        return cur

    def local_search() -> bool:
        nonlocal best
        start_ev = best
        best = climb(best)
        # budget left: climb from the runners-up among the pairings seen so far too (two
        # pairs that only pay off together are found from a pairing holding one of them)
        tried = {best.pairs, start_ev.pairs}
        while not spent():
            others = sorted((e for k, e in seen.items() if k not in tried
                             and (max_pairs is None or len(k) <= max_pairs)),
                            key=lambda e: (-e.objective, sorted(e.pairs)))[:1]
            if not others:
                break
            tried.add(others[0].pairs)
            top = climb(others[0])
            tried.add(top.pairs)
            if better(top, best):
                best = top
        return best is not start_ev

    local_search()

    # ---- Lagrangian heuristic: subgradient steps on μ, evaluating each inner matching ---
    if not spent():
        mu = best.mu.copy()
        lag, inner = lagrangian(mu, exact=exact_heuristic)
        bound = min(bound, lag)
        found = False
        for _ in range(bound_steps):
            if spent() or bound - best.objective <= 1e-7 * max(1.0, abs(bound)):
                break
            if inner not in seen and (max_pairs is None or len(inner) <= max_pairs):
                e = ev_of(inner)
                if better(e, best):
                    best, found = e, True
            g = model.subgradient(mu, inner)
            norm = float(g @ g)
            if norm <= 1e-12:
                break
            mu = mu - (lag - best.objective) / norm * g
            lag, inner = lagrangian(mu, exact=exact_heuristic)
            bound = min(bound, lag)
        if found:
            local_search()

    # ---- exact: branch-and-bound over pairings from the best pairing -------------------
    bb = None
    if exact_nodes > 0 and not out_of_time():
        from .exact import branch_and_bound

        bb = branch_and_bound(
            model, best, lambda pairs: ev_of(pairs, search=False), max_pairs=max_pairs,
            root_bound=bound, node_budget=exact_nodes, lp_budget=exact_lps,
            deadline=deadline, lp_count=lambda: len(seen))
        if bb.stopped == "time":
            state["timed_out"] = True
        best = bb.best  # the incumbent or better
        bound = min(bound, bb.bound)
        optimum = bb.best.objective
    n_search = len(seen)

    # ---- exact gains and the keep rule (always runs: it decides what is proposed) -------
    dissolved: dict = {}

    def exact_gains(ev: Evaluation, which) -> dict:
        out = {}
        for p in sorted(which):
            if out_of_time():
                break
            other = ev_of(ev.pairs - {p}, search=False)
            diff = ev.value - other.value
            if abs(diff) <= 1e-9 * max(1.0, abs(ev.value)):  # LP round-off, not a gain
                diff = 0.0
            out[p] = (diff + model.learning_bonus(p), True)
        return out

    def weak_of(gains: dict) -> list:
        return sorted((g - (0.0 if model.existing[p] else min_gain), p)
                      for p, (g, _) in gains.items() if not keeps(model, p, g, min_gain))

    # a pair whose proven lower bound already passes the keep rule needs no LP to decide;
    # the others get their exact gain, the weakest failing one is dissolved, and so on
    while True:
        gains = _gain_bounds(model, best)
        doubtful = [p for p, (g, _) in gains.items() if not keeps(model, p, g, min_gain)]
        gains.update(exact_gains(best, doubtful))
        weak = weak_of(gains)
        if not weak:
            break
        if out_of_time():  # only lower bounds: drop every pair that may be weak at once
            for _, p in weak:
                dissolved[p] = gains[p][0]
            best = ev_of(best.pairs - {p for _, p in weak}, search=False)
            break
        if len(weak) > 3:
            # many weak pairs (a rough proposal): drop them all, then put back one at a time
            # those that earn their keep on their own (one LP each, best estimate first)
            dropped = [q for _, q in weak]
            for q in dropped:
                dissolved[q] = gains[q][0]
            best = ev_of(best.pairs - set(dropped), search=False)
            w_now = model.pair_values(best.mu) + model.bonus
            for q in sorted(dropped, key=lambda q: (-w_now[q], q)):
                if out_of_time():
                    break
                trial = ev_of(best.pairs | {q}, search=False)
                gain = trial.value - best.value + model.learning_bonus(q)
                if keeps(model, q, gain, min_gain) and better(trial, best):
                    best = trial
                    del dissolved[q]
            continue
        while weak:  # drop the weakest, re-check only the others that were weak
            p = weak[0][1]
            dissolved[p] = gains[p][0]
            best = ev_of(best.pairs - {p}, search=False)
            gains = exact_gains(best, [q for _, q in weak[1:]])
            weak = weak_of(gains)
    gains = _gain_bounds(model, best)  # the report: exact gains of every pair
    gains.update(exact_gains(best, gains))
    # proven: the tree was exhausted and the keep rule kept the optimum (or an equal one)
    proven = bool(bb is not None and bb.proven
                  and best.objective >= optimum - 1e-9 * max(1.0, abs(optimum)))
    if proven:
        bound = best.objective

    # ---- bound: a few subgradient steps from the best prices ---------------------------
    mu = best.mu.copy()
    if not proven:
        lag, inner = lagrangian(mu, exact=False)
        bound = min(bound, lag)
    for _ in range(0 if proven else bound_steps):
        if out_of_time() or bound - best.objective <= 1e-7 * max(1.0, abs(bound)):
            break
        g = model.subgradient(mu, inner)
        norm = float(g @ g)
        if norm <= 1e-12:
            break
        mu = mu - (lag - best.objective) / norm * g
        lag, inner = lagrangian(mu, exact=False)
        bound = min(bound, lag)
    final_w = model.pair_values(best.mu) + model.bonus
    return SearchOutcome(
        best=best, bound=float(bound), gains=gains, dissolved=dissolved, final_w=final_w,
        rounds=rounds_done, n_lp=len(seen), stopped_by_time=state["timed_out"], history=history,
        n_search_lp=n_search, n_matchings=state["matchings"], proven=proven,
        exact=None if bb is None else {"nodes": bb.nodes, "n_lp": bb.n_lp,
                                       "complete": bb.proven, "stopped": bb.stopped,
                                       **(bb.counts or {})},
    )


def _gain_bounds(model: PairingModel, ev: Evaluation) -> dict:
    """Proven lower bound on the gain of each pair in ``ev`` (no LP).

    The gain of pair ``p`` is ``A(M) - A(M \\ {p}) + learning bonus``; since
    ``A(M \\ {p}) <= L_{M \\ {p}}(μ*)`` for the prices ``μ*`` of ``M``, the gain is at least
    ``A(M) - L_{M \\ {p}}(μ*) + learning bonus``. Returns ``{p: (bound, False)}``.
    """
    pairs = sorted(ev.pairs)
    if not pairs:
        return {}
    mu = ev.mu
    k_single = model.single_values(mu)
    ia = np.array([p[0] for p in pairs])
    ib = np.array([p[1] for p in pairs])
    overhead = model.policy.pair_overhead
    cap = model.factor * (model.capacity[ia] + model.capacity[ib]) * (1 - overhead)
    k_pair, _ = model.knapsack(mu, model._cover_ix[ia, ib], cap)
    paired = np.zeros(model.n, dtype=bool)
    paired[ia] = paired[ib] = True
    lag_m = float(mu @ model.count) + float(k_pair.sum()) + float(k_single[~paired].sum())
    out = {}
    for p, kp in zip(pairs, k_pair, strict=True):
        lag_without = lag_m - kp + k_single[p[0]] + k_single[p[1]]
        out[p] = (ev.value - lag_without + model.learning_bonus(p), False)
    return out
