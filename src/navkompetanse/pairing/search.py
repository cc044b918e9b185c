"""The search over pairings: price and match, local search, exact gains (internal).

Judges every pairing with the allocation model of :mod:`.valuation` (the LP of brukere over
units, with the true capacity of each unit and the overhead budget of the office) and proves
small offices optimal with the branch-and-bound of :mod:`.exact`. The dependency goes one way:
``search -> exact -> valuation``.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .exact import branch_and_bound
from .valuation import Evaluation, PairingModel

__all__ = ["SearchOutcome", "keeps", "search_pairing"]

#: Runners-up among the pairings seen whose prices are tried for the bound (one fractional
#: Lagrangian each, a few ms at 400 veiledere).
_BOUND_RUNNERS = 4


@dataclass
class SearchOutcome:
    """What :func:`search_pairing` found."""

    best: Evaluation
    bound: float  # least L(μ) seen: upper bound on the objective of every permitted pairing
    gains: dict  # (i, j) -> (gain incl. learning bonus, exact: bool)
    dissolved: dict  # (i, j) -> gain of pairs removed by the min-gain rule
    rounds: int
    n_lp: int  # allocation LPs solved (cache misses)
    stopped_by_time: bool
    history: list = field(default_factory=list)
    n_search_lp: int = 0  # of which spent on the search (the rest: exact gains)
    n_matchings: int = 0
    proven: bool = False  # branch-and-bound proved ``best`` optimal (bound == objective)
    exact: dict | None = None  # branch-and-bound counts (None when it did not run)
    seen: dict = field(default_factory=dict)  # pairing -> Evaluation, every one judged


def keeps(model: PairingModel, pair: tuple[int, int], gain: float, min_gain: float) -> bool:
    """Whether a pair with this gain stays: pinned; existing with a positive gain; or new
    with a positive gain of at least ``min_gain``. On an office without room the gain is
    counted with the capacity the pair costs (``model.capacity_charge``)."""
    if pair in model.required:
        return True
    net = gain - model.capacity_charge(pair)
    if model.existing[pair]:
        return net > 1e-9
    return net > 1e-9 and net >= min_gain - 1e-12


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

    With ``exact_nodes > 0``, a branch-and-bound over pairings (:mod:`.exact`) runs
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
            seen[key] = model.evaluate(key)
            if search and seen[key].affordable:  # an unaffordable pairing solves no LP
                state["lp"] += 1
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
        if model.budget_binding:  # moves whose overhead the office cannot spare: not tried
            cost, c_p = model.cost, model.cost[pa, pb]
            extra = np.zeros(len(est_a))
            extra[kind_a == 0] = -c_p[a1[kind_a == 0]]
            k1 = kind_a == 1
            extra[k1] = cost[a1[k1], a2[k1]]
            for k, (x1, x2, y1, y2) in ((2, (pa, pa, pb, pb)), (3, (pa, pb, pb, pa))):
                sel = kind_a == k
                ii, jj = a1[sel], a2[sel]
                extra[sel] = (cost[x1[ii], x2[jj]] + cost[y1[ii], y2[jj]] - c_p[ii] - c_p[jj])
            for k, keep in ((4, pa), (5, pb)):
                sel = kind_a == k
                extra[sel] = cost[keep[a1[sel]], a2[sel]] - c_p[a1[sel]]
            ok = model.pairing_cost(pairs) + extra <= model.budget + 1e-9 * max(1.0, model.budget)
            est_a, kind_a, a1, a2, a3 = (x[ok] for x in (est_a, kind_a, a1, a2, a3))
        key = -np.round(est_a, 12)
        if move_limit is not None and key.size > move_limit:
            # only the moves that can be among the first ``move_limit`` are sorted (every
            # tie of the last one included: the same order as sorting all; timed by hand at
            # 12,000 moves: 1.8 ms -> 0.04 ms)
            # (not ``key <= kth``: with fewer finite keys than move_limit kth is NaN)
            sel = np.flatnonzero(~(key > np.partition(key, move_limit - 1)[move_limit - 1]))
            est_a, kind_a, a1, a2, a3, key = (x[sel] for x in (est_a, kind_a, a1, a2, a3, key))
        top = np.lexsort((a3, a2, a1, kind_a, key))[:move_limit]
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
            others = _best_of((e for k, e in seen.items() if k not in tried and e.affordable
                               and np.isfinite(e.objective)
                               and (max_pairs is None or len(k) <= max_pairs)), 1)
            if not others:
                break
            tried.add(others[0].pairs)
            top = climb(others[0])
            tried.add(top.pairs)
            if better(top, best):
                best = top
        return best is not start_ev

    local_search()

    def subgradient_step(mu, inner, lag, exact):
        """One Polyak step on the bruker prices towards the incumbent; None at a zero
        subgradient (the prices are optimal for this inner matching)."""
        g = model.subgradient(mu, inner)
        norm = float(g @ g)
        if norm <= 1e-12:
            return None
        mu = mu - (lag - best.objective) / norm * g
        lag, inner = lagrangian(mu, exact=exact)
        return mu, lag, inner

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
            step = subgradient_step(mu, inner, lag, exact_heuristic)
            if step is None:
                break
            mu, lag, inner = step
            bound = min(bound, lag)
        if found:
            local_search()

    # ---- exact: branch-and-bound over pairings from the best pairing -------------------
    bb = None
    if exact_nodes > 0 and not out_of_time():
        bb = branch_and_bound(
            model, best, lambda pairs: ev_of(pairs, search=False), max_pairs=max_pairs,
            root_bound=bound, node_budget=exact_nodes, lp_budget=exact_lps,
            deadline=deadline, lp_count=lambda: len(seen), known=seen)
        if bb.stopped == "time":
            state["timed_out"] = True
        best = bb.best  # the incumbent or better
        bound = min(bound, bb.bound)
        optimum = bb.best.objective
    n_search = _n_lp(seen)

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
        return sorted((g - model.capacity_charge(p) - (0.0 if model.existing[p] else min_gain),
                       p) for p, (g, _) in gains.items() if not keeps(model, p, g, min_gain))

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
            # L_{M+q}(μ) - A(M) = (L_M(μ) - A(M)) + w_q(μ) bounds what q adds (weak duality;
            # L_M(μ) = A(M) at the LP's own prices up to round-off): a pair whose bound is
            # not positive can neither improve the objective nor pass the keep rule
            slack = max(_lagrangian_of(model, best) - best.value, 0.0)
            base, base_slack = best, slack
            for q in sorted(dropped, key=lambda q: (-w_now[q], q)):
                if out_of_time():
                    break
                tol = 1e-9 * max(1.0, abs(best.value))
                if w_now[q] + base_slack <= tol:
                    continue
                # the same bound at the prices of the current pairing (it grows as pairs
                # are put back, and a pair that paid at the first prices may no longer):
                # exact, it only saves the LP of a trial that cannot be accepted
                # (slack >= 0: it is only worth computing when the rest already proves it)
                w_q = _pair_value(model, best.mu, q) + model.bonus[q]
                if w_q <= tol:
                    if best is not base:
                        base, slack = best, max(_lagrangian_of(model, best) - best.value, 0.0)
                    if w_q + slack <= tol:
                        continue
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
    # The LP's bruker prices are degenerate: the best pairing's own prices can give a weak
    # L(μ) while those of a runner-up with almost the same value give a much tighter one
    # (400 veiledere: 28 830 at the best's prices, 28 787 at the third best's, objective
    # 28 767). L is valid at every μ, so it is taken at the prices of the best few pairings
    # seen and the subgradient steps start from the lowest.
    mu = best.mu.copy()
    if not proven:
        lag, inner = lagrangian(mu, exact=False)
        bound = min(bound, lag)
        runners = _best_of((e for k, e in seen.items() if e is not best and e.affordable
                            and np.isfinite(e.objective)), _BOUND_RUNNERS)
        for e in runners:
            if out_of_time():
                break
            lag_e, inner_e = lagrangian(e.mu, exact=False)
            if lag_e < lag:
                mu, lag, inner = e.mu.copy(), lag_e, inner_e
        bound = min(bound, lag)
    # The steps stop at the first that does not lower the bound: from these prices a Polyak
    # step towards the incumbent overshoots (on 29 benchmark offices of 10-400 veiledere,
    # tight and overloaded ones included, none of 8 steps lowered the bound; each costs a
    # knapsack over every candidate pair and a fractional matching, ~5 ms at 150 veiledere).
    for _ in range(0 if proven else bound_steps):
        if out_of_time() or bound - best.objective <= 1e-7 * max(1.0, abs(bound)):
            break
        step = subgradient_step(mu, inner, lag, False)
        if step is None:
            break
        mu, lag, inner = step
        if lag >= bound:
            break
        bound = lag
    return SearchOutcome(
        best=best, bound=float(bound), gains=gains, dissolved=dissolved,
        rounds=rounds_done, n_lp=_n_lp(seen), stopped_by_time=state["timed_out"], history=history,
        n_search_lp=n_search, n_matchings=state["matchings"], proven=proven,
        exact=None if bb is None else {"nodes": bb.nodes, "n_lp": bb.n_lp,
                                       "complete": bb.proven, "stopped": bb.stopped,
                                       **(bb.counts or {})},
        seen=seen,
    )


def _best_of(evaluations: Iterable[Evaluation], n: int) -> list[Evaluation]:
    """``sorted(evaluations, key=(-objective, sorted pairs))[:n]``, sorting the pairs only of
    the evaluations whose objective can be among the best ``n`` (the search looks at its
    runners-up after every climb: sorting every pairing's pairs each time cost 20 ms at 150
    veiledere)."""
    evaluations = list(evaluations)
    if len(evaluations) > n:
        least = heapq.nlargest(n, (e.objective for e in evaluations))[-1]
        evaluations = [e for e in evaluations if e.objective >= least]
    return sorted(evaluations, key=lambda e: (-e.objective, sorted(e.pairs)))[:n]


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
    cap = model.pair_capacities(ia, ib)
    k_pair, _ = model.knapsack(mu, model._cover_ix[ia, ib], cap)
    paired = np.zeros(model.n, dtype=bool)
    paired[ia] = paired[ib] = True
    lag_m = float(mu @ model.count) + float(k_pair.sum()) + float(k_single[~paired].sum())
    out = {}
    for p, kp in zip(pairs, k_pair, strict=True):
        lag_without = lag_m - kp + k_single[p[0]] + k_single[p[1]]
        out[p] = (ev.value - lag_without + model.learning_bonus(p), False)
    return out


def _pair_value(model: PairingModel, mu: np.ndarray, pair: tuple[int, int]) -> float:
    """``w_ab(μ) = K_ab(μ) - K_a(μ) - K_b(μ)`` of one pair (no bonus)."""
    a, b = pair
    cover = np.array([model._cover_ix[a, b], model._cover_ix[a, a], model._cover_ix[b, b]])
    single = model.single_capacities()
    cap = np.array([model.unit_capacity(a, b), single[a], single[b]])
    k = model.knapsack(mu, cover, cap)[0]
    return float(k[0] - k[1] - k[2])


def _lagrangian_of(model: PairingModel, ev: Evaluation) -> float:
    """``L_M(μ) = Σ μ n + Σ_u K_u(μ)`` over the units of ``ev`` at its own prices: an upper
    bound on ``A(M)``, equal to it at exact LP duals."""
    cover, cap = model._unit_arrays(model.units_of(ev.pairs))
    return float(ev.mu @ model.count) + float(model.knapsack(ev.mu, cover, cap)[0].sum())


def _n_lp(seen: dict) -> int:
    """Allocation LPs behind the evaluations seen (an unaffordable pairing needs none)."""
    return sum(1 for e in seen.values() if e.affordable)
