"""Exact branch-and-bound over pairings (internal).

The search of :func:`navkompetanse.pairing.search.search_pairing` is a heuristic with a
Lagrangian bound. For small offices this module closes the gap: a branch-and-bound over
pairings proves the incumbent optimal (or improves it until it is).

Nodes
-----
A node is ``(F, X)``: pairs *forced in* (the leader's required pairs and the branching
decisions) and pairs *forced out*. Its pairings are the matchings ``M`` of candidate pairs with
``F ⊆ M`` and ``M ∩ X = ∅`` (and ``|M| <= max_pairs``).

The bound at a node
-------------------
The Lagrangian of :mod:`navkompetanse.pairing.valuation` restricted to the node::

    L_F,X(μ, θ) = Σ_g μ_g n_g + Σ_v K_v(μ) + Σ_{ab∈F} (w_ab(μ) + bonus_ab)
                  + θ · c + max_{M'} Σ_{ab∈M'} (w_ab(μ) + bonus_ab − θ)

over matchings ``M'`` of free candidate pairs (no member of ``F``, none in ``X``), with
``c = max_pairs − |F|`` free pairs allowed (``θ = 0`` and no ``c`` term without
``max_pairs``). For every pairing ``M`` of the node, ``A(M) + bonus(M) <= Σ μ n + Σ_u K_u(μ)``
(weak duality of the allocation LP, units of ``M``), which is ``Σ μ n + Σ_v K_v + Σ_{ab∈M}
w_ab(μ)``; adding ``bonus(M)`` (learning, continuity and ``−min_gain``, any sign) and
splitting ``M = F ∪ M'`` gives ``L`` with ``M'`` in place of the maximum; for ``θ >= 0`` and
``|M'| <= c``, ``Σ_{M'} (w + bonus) <= Σ_{M'} (w + bonus − θ) + θ c``. So ``L`` bounds every
pairing of the node for every ``μ`` and ``θ >= 0`` (tests compare it against brute force
restricted to the node). Up to ``TABLE_MAX_N`` veiledere the inner matching is also kept
within the office's overhead budget (``PairingModel.budget``): only affordable pairings have a
value, so the bound stays valid and closes nodes the budget decides. A node whose forced pairs
alone cost more than the budget holds no affordable pairing and is pruned.

At the LP prices ``μ*`` of a pairing ``M`` of the node, LP duality gives ``Σ μ* n + Σ_u
K_u(μ*) = A(M)``; so if ``M`` is itself a best matching at its own prices, ``L(μ*) =
A(M) + bonus(M)`` and the node is solved. Otherwise price-and-match inside the node and
bisection on ``θ`` lower the bound; when it is not below the incumbent the node is split
on a pair of the bound's inner matching (child 1 forces it in, child 2 out). A node without
free candidate pairs is a leaf: its one pairing is evaluated.

Offices of up to ``TABLE_MAX_N`` veiledere
------------------------------------------
There every pairing is a row of one table (9 496 matchings at 10), so the tree is not
needed: each pairing ``M`` gets its own bound ``ub(M) = min_μ L_M(μ)``, the least over the
prices ``μ`` of every pairing judged so far (one gather-and-sum over the table per price
vector) and the search's bound. Best first: the unjudged permitted pairing with the largest
``ub`` is judged (one LP; its prices then lower every row), until no unjudged pairing's
``ub`` is above the incumbent. Pairings the caller has judged already (``known``, the
search's cache) count as judged: their value is known exactly, so they need no bound.

This matters with preferences. The allocation LP places brukere by cover and adds each
unit's preference term afterwards, while the bound is over unit types (valuation.py, "Unit
types"), so ``L(μ*)`` at a pairing's own prices stays above its value and a tree node that
holds the incumbent could not be closed before its leaves (10 veiledere: 69 nodes and 27
LPs with preferences against 43 and 15 without). A judged pairing needs no bound at all, and
a row's bound is the least over every price vector seen rather than one per node: 3 judged
pairings and 3 LPs on the same office, 0–3 without preferences. ``max_pairs``, required
pairs, the candidate mask and the overhead budget are masks on the rows. It is still a
branch-and-bound (best first, on a tree one level deep whose leaves are the pairings): its
``nodes`` are the pairings it judged, and the result's proof says so in those words.

Budgets are counts (nodes, LPs), so results do not depend on the machine; ``deadline`` is a
hard wall-clock stop. When the search is not finished the proven bound is the largest bound of
an open node or unjudged pairing (or the incumbent).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import islice

import numpy as np

from ..optimize import max_weight_pairing
from .valuation import Evaluation, PairingModel, distinct_units

__all__ = ["BBOutcome", "branch_and_bound", "node_bound"]

#: Relative tolerance of "bound <= incumbent": a node is closed when its bound is within this
#: of the incumbent's objective.
TOL = 1e-9


@dataclass
class BBOutcome:
    best: Evaluation
    proven: bool  # the tree was exhausted: best is optimal (within TOL)
    bound: float  # proven upper bound on every permitted pairing
    nodes: int
    n_lp: int  # LPs this search asked for (cache misses of the shared cache)
    stopped: str | None  # None, "budget" or "time"
    counts: dict | None = None  # how nodes ended: pruned, leaf, closed, sub, branched


def _tol(x: float) -> float:
    return TOL * max(1.0, abs(x))


def _stop(deadline: float, nodes: int, node_budget: int,
          lp_count: Callable[[], int] | None, lp0: int, lp_budget: int) -> str | None:
    """Why a search stops now: ``time`` (past ``deadline``), ``budget`` (nodes or new LPs
    used up), or None."""
    if time.perf_counter() > deadline:
        return "time"
    if nodes >= node_budget or (lp_count and lp_count() - lp0 >= lp_budget):
        return "budget"
    return None


def _better(e: Evaluation, best: Evaluation) -> bool:
    """Whether ``e`` replaces the incumbent ``best``: a higher objective, or an equal one
    (within :data:`TOL`) and the pairs first in sorted order (the same answer anywhere).

    An objective of ``-inf`` (a pairing the office cannot afford) loses to every finite one
    and ties only with ``-inf``; the tolerance of an infinite objective would be infinite,
    and ``-inf + inf`` is NaN, so a finite pairing would replace such an incumbent only when
    its pairs came first in sorted order.
    """
    x, y = e.objective, best.objective
    if math.isinf(x) or math.isinf(y):
        return x > y or (x == y and sorted(e.pairs) < sorted(best.pairs))
    tol = _tol(y)
    return x > y + tol or (abs(x - y) <= tol and sorted(e.pairs) < sorted(best.pairs)
                           and x >= y)


#: Offices up to this many veiledere enumerate their matchings once (9 496 at 10) and find
#: the best matching of a node by one gather-and-sum; larger ones use max_weight_pairing.
TABLE_MAX_N = 10
_TABLES: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}


def _matching_table(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every matching of ``n`` nodes: ``(edge index [matching, n // 2] padded with the
    index of a zero slot, size [matching], edge end a, edge end b)``."""
    if n not in _TABLES:
        ia, ib = np.triu_indices(n, 1)
        eid = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(ia, ib, strict=True))}
        rows: list[list[int]] = []

        def rec(free: tuple, acc: list) -> None:
            if len(free) < 2:
                rows.append(list(acc))
                return
            first, rest = free[0], free[1:]
            rec(rest, acc)
            for i, other in enumerate(rest):
                rec(rest[:i] + rest[i + 1:], [*acc, eid[(first, other)]])

        rec(tuple(range(n)), [])
        pad = len(ia)
        width = max(1, n // 2)
        table = np.full((len(rows), width), pad, dtype=np.int64)
        for r, row in enumerate(rows):
            table[r, :len(row)] = row
        size = np.array([len(r) for r in rows], dtype=np.int64)
        _TABLES[n] = (table, size, ia, ib)
    return _TABLES[n]


_ROWS: dict[int, dict[int, int]] = {}


def _row_of(n: int) -> dict[int, int]:
    """The row of :func:`_matching_table` ``(n)`` of every matching, keyed by the bitmask of
    its edges (bit ``e`` for edge ``e`` of ``np.triu_indices(n, 1)``: 45 bits at 10)."""
    if n not in _ROWS:
        table, size, ia, _ = _matching_table(n)
        bits = np.append(np.left_shift(1, np.arange(len(ia), dtype=np.int64)), 0)
        _ROWS[n] = {int(m): r for r, m in enumerate(bits[table].sum(axis=1).tolist())}
    return _ROWS[n]


def _edge_mask(n: int, pairs: frozenset) -> int:
    """Bitmask of the edges of ``pairs`` in the numbering of :func:`_row_of`."""
    mask = 0
    for a, b in pairs:
        a, b = min(a, b), max(a, b)
        mask |= 1 << (a * (2 * n - a - 1) // 2 + b - a - 1)
    return mask


_SPENT: dict[tuple[int, bytes], np.ndarray] = {}
_COLUMNS: dict[int, list[np.ndarray]] = {}


def _columns(n: int) -> list[np.ndarray]:
    """The columns of :func:`_matching_table` ``(n)``, each contiguous."""
    if n not in _COLUMNS:
        table = _matching_table(n)[0]
        _COLUMNS[n] = [np.ascontiguousarray(table[:, j]) for j in range(table.shape[1])]
    return _COLUMNS[n]


def _spent(cost: np.ndarray, table: np.ndarray, ia: np.ndarray, ib: np.ndarray
           ) -> np.ndarray:
    """Overhead points of every matching in ``table`` (the same for every node of a
    search: kept for the last few cost matrices)."""
    key = (len(table), cost.tobytes())
    if key not in _SPENT:
        if len(_SPENT) >= 8:
            _SPENT.clear()
        _SPENT[key] = np.append(cost[ia, ib], 0.0)[table].sum(axis=1)
    return _SPENT[key]


def _best_matching(w: np.ndarray, allowed: np.ndarray, cap: int | None,
                   cost: np.ndarray | None = None, room: float = np.inf,
                   ) -> tuple[float, list[tuple[int, int]]]:
    """Exact best matching of ``w`` over ``allowed`` pairs with at most ``cap`` pairs (and,
    from the table, at most ``room`` overhead points by ``cost``)."""
    n = len(w)
    if n <= TABLE_MAX_N:
        table, size, ia, ib = _matching_table(n)
        ok = allowed[ia, ib]
        vec = np.append(np.where(ok, w[ia, ib], -np.inf), 0.0)
        # vec[table].sum(axis=1), one column at a time: the same sums in the same order
        # (left to right), without the [matching, n // 2] gather (4-5 times faster)
        columns = _columns(n)
        val = vec[columns[0]]
        for col in columns[1:]:
            val += vec[col]
        if cap is not None:
            val = np.where(size <= cap, val, -np.inf)
        if cost is not None and np.isfinite(room):
            spent = _spent(cost, table, ia, ib)
            val = np.where(spent <= room + 1e-9 * max(1.0, room), val, -np.inf)
        k = int(np.argmax(val))  # first best: the table order is fixed, so deterministic
        pairs = [(int(ia[e]), int(ib[e])) for e in table[k] if e < len(ia)]
        return float(val[k]), pairs
    sol = max_weight_pairing(np.where(allowed, w, 0.0), allowed=allowed)
    val = float(sol.weight) if sol.status == "optimal" else float(sol.bound)
    return val, [tuple(p) for p in sol.pairs]


class _Prices:
    """``(Σ μ n + Σ_v K_v(μ), w(μ) + bonus)`` per price vector, one knapsack call for every
    distinct (type, capacity) of the singles and candidate pairs together, cached (a node's
    children start from its prices)."""

    def __init__(self, model: PairingModel) -> None:
        self.model = model
        n = model.n
        v = np.arange(n)
        ia, ib = np.nonzero(np.triu(model.candidate, 1))
        self.ia, self.ib = ia, ib
        self.units = distinct_units(
            np.concatenate([model._cover_ix[v, v], model._cover_ix[ia, ib]]),
            np.concatenate([model.single_capacities(), model.pair_capacities(ia, ib)]))
        self.cache: dict[bytes, tuple[float, np.ndarray]] = {}

    def __call__(self, mu: np.ndarray) -> tuple[float, np.ndarray]:
        key = mu.tobytes()
        if key not in self.cache:
            model, n = self.model, self.model.n
            k = model.distinct_values(mu, self.units)
            k_single, k_pair = k[:n], k[n:]
            w = np.zeros((n, n))
            vals = k_pair - k_single[self.ia] - k_single[self.ib]
            w[self.ia, self.ib] = vals
            w[self.ib, self.ia] = vals
            base = float(mu @ model.count) + float(k_single.sum())
            self.cache[key] = (base, w + model.bonus)
        return self.cache[key]


def node_bound(model: PairingModel, mu: np.ndarray, forced: frozenset, allowed: np.ndarray,
               cap_free: int | None, *, target: float | None = None,
               prices: _Prices | None = None) -> tuple[float, frozenset]:
    """``min_θ L_F,X(μ, θ)`` (module doc) and its inner pairing (``F`` included).

    ``allowed`` is the node's mask of free candidate pairs (forced-out pairs and pairs
    touching a forced member removed). With ``cap_free`` the inner pairing has at most that
    many free pairs: exact for up to ``TABLE_MAX_N`` veiledere (θ not needed), by bisection
    on θ above. ``target``: stop the θ search once the bound is at or below it.
    """
    if prices is None:
        k_single = model.single_values(mu)
        w = model.pair_values(mu, k_single) + model.bonus
        base = float(mu @ model.count) + float(k_single.sum())
    else:
        base, w = prices(mu)
    base += float(sum(w[a, b] for a, b in forced))
    if cap_free == 0 or not allowed.any():
        return base, forced
    if model.n <= TABLE_MAX_N:
        room = (model.budget - model.pairing_cost(forced)) if model.budget_binding else np.inf
        val, pairs = _best_matching(w, allowed, cap_free, model.cost, room)
        return base + val, forced | frozenset(pairs)

    def term(theta: float) -> tuple[float, list]:
        return _best_matching(w - theta, allowed, None)

    val, pairs = term(0.0)
    best = (base + val, pairs)
    if cap_free is None or len(pairs) <= cap_free:
        return best[0], forced | frozenset(best[1])
    # L(θ) is convex in θ with slope c − |M'(θ)|: bisect for the crossing
    lo, hi = 0.0, float(w[allowed].max(initial=0.0)) + 1.0
    fit_pairs: list | None = None
    for _ in range(24):
        mid = (lo + hi) / 2
        val, pairs = term(mid)
        lag = base + mid * cap_free + val
        if len(pairs) <= cap_free:
            hi, fit_pairs = mid, pairs
            if lag <= best[0]:
                best = (lag, pairs)
        else:
            lo = mid
            if lag < best[0]:
                best = (lag, best[1])
        if target is not None and best[0] <= target:
            break
    inner = best[1] if len(best[1]) <= cap_free else (fit_pairs or [])
    return best[0], forced | frozenset(inner)


_ROW_MASKS: dict[int, np.ndarray] = {}


def _row_masks(n: int) -> np.ndarray:
    """The edge bitmask of every row of :func:`_matching_table` ``(n)`` (int64)."""
    if n not in _ROW_MASKS:
        table, _, ia, _ = _matching_table(n)
        bits = np.append(np.left_shift(1, np.arange(len(ia), dtype=np.int64)), 0)
        _ROW_MASKS[n] = bits[table].sum(axis=1)
    return _ROW_MASKS[n]


def _table_search(model: PairingModel, incumbent: Evaluation,
                  evaluate: Callable[[frozenset], Evaluation], *, max_pairs: int | None,
                  root_bound: float, node_budget: int, lp_budget: int, deadline: float,
                  lp_count: Callable[[], int] | None,
                  known: Mapping[frozenset, Evaluation] | None) -> BBOutcome:
    """Best first over every pairing of a small office, each with its own bound (module
    doc, "Offices of up to ``TABLE_MAX_N`` veiledere").

    ``ub[row]`` is the least bound of that pairing over the prices of every pairing judged
    so far (and ``root_bound``); the unjudged pairing with the largest ``ub`` is judged next
    (one LP), until none can beat the incumbent.
    """
    n = model.n
    table, size, ia, ib = _matching_table(n)
    columns = _columns(n)
    row_of = _row_of(n)
    prices = _Prices(model)
    lp0 = lp_count() if lp_count else 0
    best = incumbent
    # the pairings the office may have: candidate pairs only, the required ones in, at most
    # max_pairs, within the overhead budget
    feasible = np.append(model.candidate[ia, ib], True)[table].all(axis=1)
    req = _edge_mask(n, frozenset(model.required))
    if req:
        feasible &= (_row_masks(n) & req) == req
    if max_pairs is not None:
        feasible &= size <= max_pairs
    if model.budget_binding:
        spent = _spent(model.cost, table, ia, ib)
        feasible &= spent <= model.budget + 1e-9 * max(1.0, model.budget)
    ub = np.where(feasible, float(root_bound), -np.inf)
    judged = ~feasible
    priced: set[bytes] = set()
    taken = 0

    def offer(e: Evaluation) -> None:
        nonlocal best
        if (max_pairs is not None and len(e.pairs) > max_pairs) or not np.isfinite(e.objective):
            return
        if _better(e, best):
            best = e

    def price(e: Evaluation) -> None:
        """Every pairing's bound at ``e``'s prices, ``Σ μ n + Σ_v K_v(μ) + Σ_{ab∈M} (w_ab(μ)
        + bonus_ab)``, kept where it is lower (one gather-and-sum over the table)."""
        key = e.mu.tobytes()
        if not e.affordable or not np.isfinite(e.objective) or key in priced:
            return
        priced.add(key)
        base, w = prices(e.mu)
        vec = np.append(w[ia, ib], 0.0)
        val = vec[columns[0]]
        for col in columns[1:]:
            val += vec[col]
        val += base
        np.minimum(ub, val, out=ub)

    def take_known() -> None:
        """The pairings the caller judged (the search's, and ours through ``evaluate``)."""
        nonlocal taken
        if known is None or len(known) <= taken:
            return
        for pairs, e in islice(known.items(), taken, None):
            row = row_of.get(_edge_mask(n, pairs))
            if row is not None:  # (anything else is not a pairing of these veiledere)
                judged[row] = True
                offer(e)
        taken = len(known)

    take_known()
    price(incumbent)
    nodes = 0
    stopped: str | None = None
    while True:
        take_known()
        open_ub = np.where(judged, -np.inf, ub)
        k = int(np.argmax(open_ub))  # the first of equal bounds: the table order is fixed
        if open_ub[k] <= best.objective + _tol(best.objective):
            break
        stopped = _stop(deadline, nodes, node_budget, lp_count, lp0, lp_budget)
        if stopped:
            break
        nodes += 1
        e = evaluate(frozenset((int(ia[j]), int(ib[j])) for j in table[k] if j < len(ia)))
        judged[k] = True
        offer(e)
        price(e)
    proven = stopped is None
    open_ub = np.where(judged, -np.inf, ub)
    bound = best.objective if proven else max(best.objective, float(open_ub.max()))
    n_lp = (lp_count() - lp0) if lp_count else 0
    return BBOutcome(best=best, proven=proven, bound=float(bound), nodes=nodes, n_lp=n_lp,
                     stopped=stopped, counts={"judged": nodes, "prices": len(priced)})


def branch_and_bound(
    model: PairingModel,
    incumbent: Evaluation,
    evaluate: Callable[[frozenset], Evaluation],
    *,
    max_pairs: int | None,
    root_bound: float = np.inf,
    node_budget: int = 400,
    lp_budget: int = 300,
    rounds: int = 2,
    deadline: float = np.inf,
    lp_count: Callable[[], int] | None = None,
    known: Mapping[frozenset, Evaluation] | None = None,
    table: bool | None = None,
) -> BBOutcome:
    """Prove ``incumbent`` optimal or find a better pairing (module doc).

    ``evaluate(pairs)`` solves the allocation LP of a pairing (callers share a cache);
    ``lp_count()`` says how many LPs it has solved so far (for ``lp_budget``). ``known`` is
    that cache (pairing -> its evaluation, every pairing ``evaluate`` has judged): up to
    ``TABLE_MAX_N`` veiledere those pairings need no bound (module doc). ``table``: the
    best-first search over the table of pairings (True) or the tree (False); by default the
    table up to ``TABLE_MAX_N`` veiledere.
    """
    n = model.n
    if table is None:
        table = 2 <= n <= TABLE_MAX_N
    if table:
        return _table_search(model, incumbent, evaluate, max_pairs=max_pairs,
                             root_bound=root_bound, node_budget=node_budget,
                             lp_budget=lp_budget, deadline=deadline, lp_count=lp_count,
                             known=known)
    required = frozenset(model.required)
    prices = _Prices(model)
    lp0 = lp_count() if lp_count else 0
    best = incumbent

    def fits(pairs: frozenset) -> bool:
        return max_pairs is None or len(pairs) <= max_pairs

    def offer(e: Evaluation) -> None:
        nonlocal best
        if not fits(e.pairs) or not np.isfinite(e.objective):
            return
        if _better(e, best):
            best = e

    def mask_of(forced: frozenset, banned: frozenset) -> np.ndarray:
        free = np.ones(n, dtype=bool)
        for a, b in forced:
            free[a] = free[b] = False
        allowed = model.candidate & free[:, None] & free[None, :]
        for a, b in banned:
            allowed[a, b] = allowed[b, a] = False
        np.fill_diagonal(allowed, False)
        return allowed

    def in_node(pairs: frozenset, forced: frozenset, banned: frozenset) -> bool:
        return forced <= pairs and not (pairs & banned)

    # open nodes: (forced, banned, inherited bound, start pairing); depth-first, in-child first
    stack: list[tuple[frozenset, frozenset, float, frozenset, np.ndarray | None]] = [
        (required, frozenset(), float(root_bound), incumbent.pairs, None)]
    nodes = 0
    counts = {"inherited": 0, "pruned": 0, "leaf": 0, "closed": 0, "sub": 0, "branched": 0}
    stopped: str | None = None
    while stack:
        stopped = _stop(deadline, nodes, node_budget, lp_count, lp0, lp_budget)
        if stopped:
            break
        forced, banned, bound, start, parent_mu = stack.pop()
        if bound <= best.objective + _tol(best.objective) or not model.affordable(forced):
            counts["pruned"] += 1
            continue
        nodes += 1
        cap_free = None if max_pairs is None else max_pairs - len(forced)
        allowed = mask_of(forced, banned)
        if cap_free == 0 or not allowed.any():  # a leaf: one pairing
            offer(evaluate(forced))
            counts["leaf"] += 1
            continue
        target = best.objective + _tol(best.objective)
        best_mu, best_inner = None, None
        if parent_mu is not None:  # the parent's best prices first: no LP if they prune
            lag, inner = node_bound(model, parent_mu, forced, allowed, cap_free, target=target,
                                    prices=prices)
            if lag <= target:
                counts["inherited"] += 1
                continue
            if lag < bound:
                bound, best_mu, best_inner = lag, parent_mu, inner
        if not model.affordable(start):  # judge the node from a pairing it can have
            start = forced
        ev = evaluate(start)
        offer(ev)
        tried = {start}
        node_best = ev
        closed = False
        for _ in range(rounds):  # price-and-match inside the node
            lag, inner = node_bound(model, ev.mu, forced, allowed, cap_free, target=target,
                                    prices=prices)
            if lag < bound or best_mu is None:
                bound, best_mu, best_inner = min(bound, lag), ev.mu, inner
            target = best.objective + _tol(best.objective)
            if bound <= target:
                closed = True
                counts["closed"] += 1
                break
            if inner in tried:
                break
            tried.add(inner)
            ev = evaluate(inner)
            offer(ev)
            if ev.objective > node_best.objective:
                node_best = ev
        if closed:
            continue
        counts["branched"] += 1
        # branch on a free pair of the bound's inner matching (the one worth most there);
        # else on the free allowed pair worth most at the bound's prices
        w = prices(best_mu)[1]
        free_inner = sorted(best_inner - forced)
        differ = [q for q in free_inner if q not in node_best.pairs]
        if differ:  # a pair the bound wants and the node's best pairing does not have
            p = max(differ, key=lambda q: (w[q], -q[0], -q[1]))
        elif free_inner:
            p = max(free_inner, key=lambda q: (w[q], -q[0], -q[1]))
        else:
            ia, ib = np.nonzero(np.triu(allowed, 1))
            k = int(np.lexsort((ib, ia, -w[ia, ib]))[0])
            p = (int(ia[k]), int(ib[k]))
        f_in, b_out = forced | {p}, banned | {p}
        seen_pairs = [node_best.pairs, best.pairs, start]
        start_in = next((s for s in seen_pairs if in_node(s, f_in, banned)), f_in)
        start_out = next((s for s in seen_pairs if in_node(s, forced, b_out)),
                         node_best.pairs - {p})
        if not fits(start_in):
            start_in = f_in
        stack.append((forced, b_out, bound, start_out, best_mu))
        stack.append((f_in, banned, bound, start_in, best_mu))
    open_bound = max((entry[2] for entry in stack), default=-np.inf)
    proven = not stack
    total = best.objective if proven else max(best.objective, open_bound)
    n_lp = (lp_count() - lp0) if lp_count else 0
    return BBOutcome(best=best, proven=proven, bound=float(total), nodes=nodes, n_lp=n_lp,
                     stopped=None if proven else stopped, counts=counts)
