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
from scipy.optimize import linprog
from scipy.sparse import coo_array

from .optimize import SolverError, max_weight_pairing
from .policy import Policy
from .scoring import fit_matrix

__all__ = ["Evaluation", "PairingModel", "SearchOutcome", "search_pairing"]

_EPS = 1e-9
#: Pair weights are rounded to multiples of this power of two before matching, so that sums
#: of weights are exact in floating point (the matching's dual recovery compares floats).
_GRID = 2.0**-24


def _dyadic(w: np.ndarray, grid: float = _GRID) -> np.ndarray:
    return np.round(w / grid) * grid


def _mwm(w: np.ndarray, allowed: np.ndarray):
    """``max_weight_pairing`` with a coarser grid as a retry if its dual recovery fails."""
    try:
        return max_weight_pairing(w, allowed=allowed)
    except SolverError:  # pragma: no cover - numerical corner of the matching core
        return max_weight_pairing(_dyadic(w, 2.0**-12), allowed=allowed)


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
    pair_cost: float = 0.0  # min_gain: what every pair must earn (subtracted per pair)
    factor: float = field(init=False)
    _bonus: np.ndarray = field(init=False, repr=False)
    _cover_ix: np.ndarray = field(init=False, repr=False)
    _fit_table: np.ndarray = field(init=False, repr=False)
    n_lp: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._bonus = self.learning + self.continuity - self.pair_cost
        n = len(self.levels)
        load = float(self.count @ self.points)
        total = float(self.capacity.sum())
        self.factor = (1.0 + self.policy.balance_slack) * load / total if total > 0 else 0.0
        # every cover a unit can have: singles and all pairs; fit once per distinct cover
        pair_cover = np.maximum(self.levels[:, None, :], self.levels[None, :, :]).reshape(-1, 4)
        covers, inverse = np.unique(pair_cover, axis=0, return_inverse=True)
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
    def evaluate(self, pairs: Iterable[tuple[int, int]]) -> Evaluation:
        """Solve the allocation model for a pairing; exact LP optimum and bruker prices."""
        pairs = frozenset(tuple(sorted(p)) for p in pairs)
        units = self.units_of(pairs)
        n_groups = len(self.count)
        cover = np.array([self._cover_ix[u[0], u[-1]] for u in units], dtype=np.int64)
        cap = np.array([self.unit_capacity(*u) for u in units])
        # units with the same cover are interchangeable in the LP: merge them
        merged, back = np.unique(cover, return_inverse=True)
        cap_m = np.bincount(back, weights=cap, minlength=len(merged))
        profit = self._fit_table[:, merged]  # [group, merged unit]
        n_m = len(merged)
        self.n_lp += 1
        if n_groups == 0:
            return Evaluation(pairs, 0.0, self.pair_bonus(pairs), np.zeros(0), units,
                              np.zeros((0, len(units))))
        rows_g = np.repeat(np.arange(n_groups), n_m)
        cols = np.arange(n_groups * n_m)
        a_eq = coo_array((np.ones(cols.size), (rows_g, cols)), shape=(n_groups, cols.size))
        a_ub = coo_array(
            (np.repeat(self.points, n_m), (np.tile(np.arange(n_m), n_groups), cols)),
            shape=(n_m, cols.size),
        )
        res = linprog(
            -profit.ravel(), A_ub=a_ub.tocsr(), b_ub=cap_m, A_eq=a_eq.tocsr(),
            b_eq=self.count.astype(float), bounds=(0, None), method="highs",
        )
        if res.status != 0:
            return Evaluation(pairs, -np.inf, self.pair_bonus(pairs),
                              np.zeros(n_groups), units, np.zeros((n_groups, len(units))))
        x_m = res.x.reshape(n_groups, n_m)
        mu = -np.asarray(res.eqlin.marginals, dtype=float)
        # split merged flow back over the units in proportion to capacity
        share = np.divide(cap, cap_m[back], out=np.zeros_like(cap), where=cap_m[back] > 0)
        flow = x_m[:, back] * share[None, :]
        return Evaluation(pairs, float(-res.fun), self.pair_bonus(pairs), mu, units, flow)

    # ---- prices -> knapsack values ------------------------------------------------------
    def knapsack(self, mu: np.ndarray, cover: np.ndarray, cap: np.ndarray,
                 *, with_fill: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """``K_u(μ)`` for units given by cover index and capacity (vectorised per cover).

        With ``with_fill`` also the maximiser ``y[g, unit]`` (brukere taken per group).
        """
        value = np.zeros(len(cover))
        fill = np.zeros((len(self.count), len(cover))) if with_fill else None
        for c in np.unique(cover):
            sel = np.flatnonzero(cover == c)
            gain = self._fit_table[:, c] - mu  # per bruker
            take = gain > _EPS
            free = take & (self.points <= _EPS)
            base = float((gain[free] * self.count[free]).sum())
            idx = np.flatnonzero(take & ~free)
            order = idx[np.argsort(-gain[idx] / self.points[idx], kind="stable")]
            pts = self.count[order] * self.points[order]
            cum_p = np.concatenate([[0.0], np.cumsum(pts)])
            cum_v = np.concatenate([[0.0], np.cumsum(self.count[order] * gain[order])])
            value[sel] = base + np.interp(cap[sel], cum_p, cum_v)
            if with_fill:
                fill[np.ix_(free, sel)] = self.count[free][:, None]
                taken = np.clip(cap[sel][None, :] - cum_p[:-1, None], 0.0, pts[:, None])
                per = np.divide(taken, self.points[order][:, None])
                fill[np.ix_(order, sel)] = per
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
        if k_single is None:
            k_single = self.single_values(mu)
        ia, ib = np.nonzero(np.triu(self.candidate if mask is None else mask, 1))
        w = np.zeros((n, n))
        if ia.size == 0:
            return w
        overhead = self.policy.pair_overhead
        cap = self.factor * (self.capacity[ia] + self.capacity[ib]) * (1 - overhead)
        k_pair, _ = self.knapsack(mu, self._cover_ix[ia, ib], cap)
        vals = k_pair - k_single[ia] - k_single[ib]
        w[ia, ib] = vals
        w[ib, ia] = vals
        return w

    def lagrangian(self, mu: np.ndarray) -> tuple[float, frozenset]:
        """``L(μ)`` (an upper bound on the best pairing's objective) and its inner matching.

        The inner matching is also the price-based proposal for the next pairing.
        """
        k_single = self.single_values(mu)
        w = self.pair_values(mu, k_single) + self.bonus
        base = float(mu @ self.count) + float(k_single.sum())
        fixed = sum(w[a, b] for a, b in self.required)
        sol = self.match(w, cap_pairs=None)
        return base + fixed + float(sol[1]), sol[0]

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
        w = _dyadic(np.where(allowed, weights, 0.0))
        sol = _mwm(w, allowed)
        pairs = [tuple(p) for p in sol.pairs]
        # rounding moved each weight by at most _GRID / 2: keep the bound valid
        bound = float(sol.bound) + (n // 2) * _GRID / 2
        if cap_pairs is not None and len(pairs) > cap_pairs:
            lo, hi = 0.0, float(w.max()) + 1.0
            best = [] if cap_pairs == 0 else None
            for _ in range(30):
                mid = (lo + hi) / 2
                cand = _mwm(_dyadic(np.where(allowed, w - mid, 0.0)), allowed)
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
    n_lp: int
    stopped_by_time: bool
    history: list = field(default_factory=list)


def _lp_cost(model: PairingModel) -> float:
    """Estimated seconds of one allocation LP (for the deterministic work budget)."""
    return 0.002 + 4e-6 * len(model.count) * model.n


def search_pairing(
    model: PairingModel,
    *,
    start: Sequence[Iterable[tuple[int, int]]],
    min_gain: float,
    max_pairs: int | None,
    rounds: int = 8,
    work_budget: float = 0.45,
    time_limit: float | None = None,
) -> SearchOutcome:
    """Price-and-match rounds, local search and the min-gain cleanup (see module doc).

    1. Evaluate each start pairing with the allocation LP (prices μ).
    2. Re-match: exact max-weight matching on ``w(μ) + bonus``; evaluate; keep the best;
       repeat from the new prices until a pairing repeats, two rounds bring nothing or
       ``rounds`` is reached.
    3. Local search scored by the allocation objective: dissolve a pair, pair two singles,
       swap partners between two pairs, replace a partner with a single. Moves are ranked by
       their price estimate and evaluated best first, first improvement accepted.
    4. Cleanup: while a non-required pair gains less than ``min_gain`` (or nothing), dissolve
       the weakest.
    5. Bound: the least ``L(μ)`` seen, improved by subgradient steps.

    Steps 2–3 and 5 stop when the deterministic ``work_budget`` (estimated LP seconds) is
    spent, so the result does not depend on the machine; ``time_limit`` is a hard wall-clock
    stop on top (results may then differ between runs).
    """
    t0 = time.perf_counter()
    deadline = np.inf if time_limit is None else t0 + time_limit
    required = frozenset(model.required)
    free_cap = None if max_pairs is None else max(0, max_pairs - len(required))
    cost = _lp_cost(model)
    seen: dict[frozenset, Evaluation] = {}
    state = {"work": 0.0, "timed_out": False}
    history: list = []

    def spent(share: float = 1.0) -> bool:
        if time.perf_counter() > deadline:
            state["timed_out"] = True
            return True
        return state["work"] > share * work_budget

    def ev_of(pairs: Iterable[tuple[int, int]]) -> Evaluation:
        key = frozenset(pairs)
        if key not in seen:
            state["work"] += cost
            seen[key] = model.evaluate(key)
        return seen[key]

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
        rounds_done += 1
        lag, proposal = model.lagrangian(current.mu)
        bound = min(bound, lag)
        if free_cap is not None and len(proposal - required) > free_cap:
            w = model.pair_values(current.mu) + model.bonus
            proposal, _ = model.match(w, cap_pairs=free_cap)
        history.append((current.objective, lag))
        if proposal in seen:
            break
        e = ev_of(proposal)
        if better(e, best):
            best, idle = e, 0
        else:
            idle += 1
        current = e
        if idle >= 2 or spent(0.6):
            break

    # ---- local search around the best pairing ------------------------------------------
    def moves_of(ev: Evaluation) -> list[tuple[float, frozenset]]:
        pairs = set(ev.pairs)
        free_pairs = sorted(pairs - required)
        paired = {i for p in pairs for i in p}
        singles = [v for v in range(model.n) if v not in paired]
        w = model.pair_values(ev.mu) + model.bonus
        cand = model.candidate
        out: list[tuple[float, frozenset]] = []
        n_pairs_ok = max_pairs is None or len(pairs) < max_pairs
        for p in free_pairs:
            out.append((-w[p], frozenset(pairs - {p})))
        if n_pairs_ok:
            for i, a in enumerate(singles):
                for b in singles[i + 1:]:
                    if cand[a, b] and w[a, b] > 0:
                        out.append((w[a, b], frozenset(pairs | {(a, b)})))
        for i, p in enumerate(free_pairs):
            for q in free_pairs[i + 1:]:
                for x, y in (((p[0], q[0]), (p[1], q[1])), ((p[0], q[1]), (p[1], q[0]))):
                    x, y = tuple(sorted(x)), tuple(sorted(y))
                    if cand[x] and cand[y]:
                        swapped = frozenset((pairs - {p, q}) | {x, y})
                        out.append((w[x] + w[y] - w[p] - w[q], swapped))
            for s in singles:
                for keep in p:
                    x = tuple(sorted((keep, s)))
                    if cand[x]:
                        out.append((w[x] - w[p], frozenset((pairs - {p}) | {x})))
        out.sort(key=lambda m: (-m[0], sorted(m[1])))
        return out

    def local_search(share: float) -> None:
        nonlocal best
        improved = True
        while improved and not spent(share):
            improved = False
            for _, move in moves_of(best):
                if spent(share):
                    break
                if move in seen:
                    continue
                e = ev_of(move)
                if better(e, best):
                    best, improved = e, True
                    break

    local_search(0.6)

    # ---- Lagrangian heuristic: subgradient steps on μ, evaluating each inner matching ---
    mu = best.mu.copy()
    lag, inner = model.lagrangian(mu)
    bound = min(bound, lag)
    found = False
    for _ in range(15):
        if spent(0.85) or bound - best.objective <= 1e-7 * max(1.0, abs(bound)):
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
        lag, inner = model.lagrangian(mu)
        bound = min(bound, lag)
    if found:
        local_search(0.85)

    # ---- gains and min-gain cleanup (always runs: it decides which pairs are proposed) ----
    # Within the work budget: exact gains (one LP per pair), dissolve the weakest pair below
    # min_gain, repeat. Past the budget: the proven lower bounds decide, and every pair whose
    # bound is below min_gain is dissolved at once (safe, possibly too cautious).
    dissolved: dict = {}
    while True:
        gains = _gain_bounds(model, best)
        exact_mode = not spent()
        weak = []
        for p in sorted(gains, key=lambda q: (gains[q][0], q)):
            if p in required:
                continue
            if exact_mode and (gains[p][0] < min_gain or gains[p][0] <= 1e-9):
                other = ev_of(best.pairs - {p})
                gains[p] = (best.value - other.value + model.learning_bonus(p), True)
            if gains[p][0] < min_gain or gains[p][0] <= 1e-9:
                weak.append(p)
                if exact_mode:
                    break
        if not weak:
            break
        for p in weak:
            dissolved[p] = gains[p][0]
        best = ev_of(best.pairs - set(weak))
    if not spent():  # exact gains for the report where the budget allows
        for p in sorted(gains, key=lambda q: (gains[q][0], q)):
            if spent():
                break
            if not gains[p][1]:
                other = ev_of(best.pairs - {p})
                gains[p] = (best.value - other.value + model.learning_bonus(p), True)

    # ---- bound: a few subgradient steps from the best prices ---------------------------
    mu = best.mu.copy()
    lag, inner = model.lagrangian(mu)
    bound = min(bound, lag)
    step_cost = cost / 4
    for _ in range(40):
        if spent() or bound - best.objective <= 1e-7 * max(1.0, abs(bound)):
            break
        g = model.subgradient(mu, inner)
        norm = float(g @ g)
        if norm <= 1e-12:
            break
        mu = mu - (lag - best.objective) / norm * g
        lag, inner = model.lagrangian(mu)
        state["work"] += step_cost
        bound = min(bound, lag)
    final_w = model.pair_values(best.mu) + model.bonus
    return SearchOutcome(
        best=best, bound=float(bound), gains=gains, dissolved=dissolved, final_w=final_w,
        rounds=rounds_done, n_lp=len(seen), stopped_by_time=state["timed_out"], history=history,
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
