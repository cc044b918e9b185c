"""Generalized assignment problem (GAP) solver: Lagrangian/LP bounds, heuristics, exact search.

Pipeline (internally everything is a minimisation of ``c = +-profit``):

1. Validation and infeasibility diagnosis (empty masks, oversized items, total weight).
2. Multipliers ``mu >= 0`` for the capacity constraints -- from the HiGHS LP duals on small
   instances, otherwise by maximising the smoothed (log-sum-exp, annealed) Lagrangian
   ``L(mu) = sum_i min_j (c_ij + mu_j w_ij) - mu . C`` with L-BFGS-B.  ``L(mu)`` evaluated
   exactly is a proven bound for *any* ``mu >= 0`` (no trust in solver tolerances).
3. Primal: LP rounding / regret greedy on reduced costs, repair, then shift and swap local
   search.
4. Exact stage: reduced-cost fixing (a solution better than the incumbent can only use
   variables with ``r_ij <= incumbent - L(mu)``) and :func:`scipy.optimize.milp` on the
   reduced problem with an objective cutoff, within the remaining time.  Its result is
   re-verified here; its dual bound is only used through the reduction argument.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import linprog, minimize

from ._gap_classic import solve_classic
from ._gap_common import descent, lattice_capacity, reduced_cost_keep, repair, solve_mip
from ._gap_office import class_lns, solve_office
from ._result import GapResult, _verify_gap

__all__ = ["solve_gap"]

_LP_MAX_VARS = 30_000  # use the exact HiGHS LP below this many variables


def _verify(assignment, profit, weight2d, capacity, allowed, objective=None):
    """Independent check of a GAP assignment (see :func:`_result._verify_gap`)."""
    return _verify_gap(assignment, profit, weight2d, capacity, allowed, objective)


# ----------------------------------------------------------------------------- validation
def _validate(profit, weight, capacity, sense, allowed, time_limit):
    if sense not in ("max", "min"):
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")
    p = np.asarray(profit, dtype=float)
    if p.ndim != 2:
        raise ValueError(f"profit must be a 2-D array (n_items, n_agents), got shape {p.shape}")
    n, m = p.shape
    C = np.asarray(capacity, dtype=float)
    if C.shape != (m,):
        raise ValueError(f"capacity must have shape ({m},) to match profit, got {C.shape}")
    w = np.asarray(weight, dtype=float)
    if w.shape == (n,):
        office = True
        W = np.broadcast_to(w[:, None], (n, m))
    elif w.shape == (n, m):
        office = False
        W = w
    else:
        raise ValueError(f"weight must have shape ({n},) or ({n}, {m}), got {w.shape}")
    for name, arr in (("profit", p), ("weight", w), ("capacity", C)):
        if np.isnan(arr).any():
            raise ValueError(f"{name} contains NaN")
    if np.isinf(w).any() or np.isinf(C).any():
        raise ValueError("weight and capacity must be finite")
    if (w < 0).any():
        raise ValueError("weight must be non-negative")
    if (C < 0).any():
        raise ValueError("capacity must be non-negative")
    if allowed is not None:
        allowed = np.asarray(allowed)
        if allowed.shape != (n, m):
            raise ValueError(f"allowed must have shape ({n}, {m}), got {allowed.shape}")
        if allowed.dtype != bool:
            raise ValueError(f"allowed must be a boolean mask, got dtype {allowed.dtype}")
        allowed = allowed.copy()
    ok = np.ones((n, m), dtype=bool) if allowed is None else allowed
    if np.isinf(p[ok]).any():
        raise ValueError("profit must be finite where assignment is allowed")
    if time_limit is not None and not (float(time_limit) > 0):
        raise ValueError(f"time_limit must be positive seconds or None, got {time_limit!r}")
    return p, w, W, C, allowed, office


# ----------------------------------------------------------------------------- bounds
def _lagrangian(c, W, C, mu):
    """Exact Lagrangian value (a lower bound of the min problem) and its reduced costs."""
    red = c + mu[None, :] * W
    best = red.min(axis=1)
    return float(best.sum() - mu @ C), red, best


def _lagrangian_lbfgs(c, W, C, deadline, mu0=None, k_cand=None, temps=(3e-3, 3e-4, 3e-5)):
    """Maximise the capacity Lagrangian with annealed log-sum-exp smoothing + L-BFGS-B.

    The smoothed function is evaluated on each item's ``k_cand`` currently cheapest agents
    (re-selected at every temperature); the returned multipliers are only used through the
    exact :func:`_lagrangian`, so the restriction never affects validity of the bound.  The
    best multipliers by the exact value are returned, ``mu0`` included (from a good start the
    first, hottest temperature can lose what the start had).
    """
    n, m = c.shape
    fin = np.isfinite(c)
    scale = float(np.abs(c[fin]).max()) if fin.any() else 1.0
    scale = max(scale, 1e-12)
    cs = c / scale
    mu = np.zeros(m) if mu0 is None else mu0 / scale
    best_val, best_mu = -np.inf, mu.copy()
    if mu0 is not None:
        best_val = _lagrangian(cs, W, C, mu)[0]
    K = m if k_cand is None else min(m, k_cand)
    rows = np.arange(n)[:, None]
    for T in temps:
        if time.perf_counter() > deadline:
            break
        red_full = cs + mu[None, :] * W
        if K < m:
            cand = np.argpartition(red_full, K - 1, axis=1)[:, :K]
        else:
            cand = np.broadcast_to(np.arange(m), (n, m))
        ck = cs[rows, cand].astype(np.float32)
        wk = np.ascontiguousarray(W[rows, cand], dtype=np.float32)
        flat = cand.ravel()

        def f(x, T=T, ck=ck, wk=wk, flat=flat, cand=cand):
            red = ck + x.astype(np.float32)[cand] * wk
            mn = red.min(axis=1)
            e = np.exp(-(red - mn[:, None]) / T)
            s = e.sum(axis=1)
            val = float((mn - T * np.log(s)).sum(dtype=np.float64)) - x @ C
            g = np.bincount(flat, weights=((e / s[:, None]) * wk).ravel(), minlength=m) - C
            return -val, -g.astype(np.float64)

        def stop(intermediate_result=None):
            if time.perf_counter() > deadline:
                raise StopIteration

        res = minimize(f, mu, jac=True, method="L-BFGS-B", bounds=[(0, None)] * m, callback=stop,
                       options={"maxiter": 30, "gtol": 1e-10, "ftol": 1e-13})
        mu = np.maximum(res.x, 0.0)
        val = _lagrangian(cs, W, C, mu)[0]
        if val > best_val:
            best_val, best_mu = val, mu.copy()
    return best_mu * scale


def _lp(c, W, C, allowed_mask):
    """HiGHS LP relaxation on allowed variables: (status, x (n, m), mu)."""
    n, m = c.shape
    ii, jj = np.nonzero(allowed_mask)
    k = len(ii)
    A1 = sparse.csr_array((np.ones(k), (ii, np.arange(k))), shape=(n, k))
    A2 = sparse.csr_array((W[ii, jj], (jj, np.arange(k))), shape=(m, k))
    r = linprog(c[ii, jj], A_ub=A2, b_ub=C, A_eq=A1, b_eq=np.ones(n), bounds=(0, None),
                method="highs")
    if r.status == 2:
        return "infeasible", None, None
    if r.status != 0:
        return "failed", None, None
    x = np.zeros((n, m))
    x[ii, jj] = r.x
    mu = np.maximum(-np.asarray(r.ineqlin.marginals), 0.0)
    return "ok", x, mu


# ----------------------------------------------------------------------------- primal
def _greedy(red, c, W, C, x_lp=None):
    """Regret greedy on reduced costs (LP-integral items first); returns assignment, load.

    Items in order of decreasing regret take their cheapest agent with room.  Without an LP
    solution this runs in vectorised rounds (each item's cheapest agent with room; per
    agent, by regret, while the cumulative weight fits); only items that fit nowhere go
    through the item-by-item loop, which took 0.2 s at 10,000 x 150 for every item.
    """
    n, m = red.shape
    a = -np.ones(n, dtype=np.int64)
    load = np.zeros(m)
    tolC = C * (1 + 1e-12) + 1e-12
    if m > 1:
        two = np.partition(red, 1, axis=1)[:, :2]
        regret = two[:, 1] - two[:, 0]
    else:
        regret = np.zeros(n)
    regret = np.where(np.isfinite(regret), regret, 1e300)
    items = np.argsort(-regret, kind="stable")
    if x_lp is not None:
        integral = x_lp.max(axis=1) > 1 - 1e-9
        for i in np.flatnonzero(integral):
            j = int(np.argmax(x_lp[i]))
            if load[j] + W[i, j] <= tolC[j]:
                a[i] = j
                load[j] += W[i, j]
        items = items[a[items] < 0]
    else:  # rounds of first choices among agents with room, all items at once
        for _ in range(m):
            if len(items) == 0:
                break
            room = tolC - load
            sub = np.where(W[items] <= room[None, :], red[items], np.inf)
            best = np.argmin(sub, axis=1)
            ok = np.isfinite(sub[np.arange(len(items)), best])
            if not ok.any():
                break
            cand, bc = items[ok], best[ok]  # still in regret order
            o = np.argsort(bc, kind="stable")
            grp, bj = cand[o], bc[o]
            cum = np.cumsum(W[grp, bj])
            starts = np.searchsorted(bj, np.arange(m))
            before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
            fits = cum - before[bj] <= room[bj]
            # each agent takes its items up to the first that does not fit (regret order)
            bad = np.cumsum(~fits)
            bad_before = np.where(starts > 0, bad[np.maximum(starts - 1, 0)], 0)
            take = bad - bad_before[bj] == 0
            a[grp[take]] = bj[take]
            load += np.bincount(bj[take], weights=W[grp[take], bj[take]], minlength=m)
            items = items[a[items] < 0]
    if len(items) == 0:
        return a, load
    order_agents = np.argsort(red[items], axis=1, kind="stable")
    for r, i in enumerate(items):
        placed = False
        for j in order_agents[r]:
            if not np.isfinite(red[i, j]):
                break
            if load[j] + W[i, j] <= tolC[j]:
                a[i] = j
                load[j] += W[i, j]
                placed = True
                break
        if not placed:  # least excess among permitted agents
            ex = np.where(np.isfinite(c[i]), load + W[i] - C, np.inf)
            j = int(np.argmin(ex))
            a[i] = j
            load[j] += W[i, j]
    return a, load


# ----------------------------------------------------------------------------- driver
def _closed(inc, lb, integer, rel_gap):
    if not np.isfinite(inc):
        return False
    if integer and inc - lb < 1 - 1e-9:
        return True
    return (inc - lb) / max(1.0, abs(inc)) <= max(rel_gap, 1e-9)


def _fmt(v):
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}"


def _diagnose(c, w, W, C, office):
    """Return a human reason when infeasibility is evident, else None."""
    n, m = c.shape
    fin = np.isfinite(c)
    none = np.flatnonzero(~fin.any(axis=1))
    if len(none):
        return f"item {int(none[0])} fits no permitted agent"
    fits = fin & (W <= C[None, :] * (1 + 1e-12))
    heavy = np.flatnonzero(~fits.any(axis=1))
    if len(heavy):
        i = int(heavy[0])
        return (f"item {i} (weight {_fmt(W[i][fin[i]].min())}) is heavier than the capacity "
                "of every permitted agent")
    tot = float(np.where(fin, W, np.inf).min(axis=1).sum())
    if tot > C.sum() * (1 + 1e-12):
        what = "total weight" if office else "total minimum weight"
        return f"{what} {_fmt(tot)} exceeds total capacity {_fmt(C.sum())}"
    return None


def solve_gap(profit, weight, capacity, *, sense="max", allowed=None, time_limit=None, seed=0,
              rel_gap=1e-4):
    """Solve a generalized assignment problem with a certified bound.

    Parameters
    ----------
    profit : array_like, shape (n_items, n_agents)
        Profit (``sense="max"``) or cost (``sense="min"``) of giving item i to agent j.
    weight : array_like, shape (n_items,) or (n_items, n_agents)
        Item weight, the same at every agent (office case) or per agent (classic GAP).
    capacity : array_like, shape (n_agents,)
        Agent capacities.
    sense : {"max", "min"}
        Optimisation direction.
    allowed : array_like of bool, shape (n_items, n_agents), optional
        Permitted assignments.
    time_limit : float, optional
        Wall-clock limit in seconds (honoured within 10 % plus about 0.1 s start-up, see
        ``docs/performance.md``).  While time is left and the certified gap is above
        ``rel_gap`` the solver keeps improving; status "time_limit" means exactly that the
        limit was reached first.
    seed : int
        Reserved for randomised components; the solver is deterministic.
    rel_gap : float
        Stop once the certified relative gap is at most this (status "feasible"); optimality
        is still reported when the bound proves it (integer data, bound within 1).  Without a
        time limit a run that cannot reach it stops after a bounded effort with status
        "feasible" and a message giving the gap.

    Returns
    -------
    GapResult
        Verified assignment, recomputed objective, proven bound and status.

    Examples
    --------
    >>> import numpy as np
    >>> profit = np.array([[3.0, 1.0], [2.0, 2.0], [1.0, 3.0]])
    >>> res = solve_gap(profit, np.array([2.0, 1.0, 2.0]), np.array([3.0, 3.0]))
    >>> res.status, res.assignment.tolist(), res.objective
    ('optimal', [0, 0, 1], 8.0)
    """
    t0 = time.perf_counter()
    p, w, W, C, allowed, office = _validate(profit, weight, capacity, sense, allowed, time_limit)
    n, m = p.shape
    deadline = np.inf if time_limit is None else t0 + 0.92 * float(time_limit)
    sign = 1.0 if sense == "min" else -1.0
    c = sign * p
    if allowed is not None:
        c = np.where(allowed, c, np.inf)
    stats: dict = {"office": office, "stages": {}}
    integer = bool(np.all(np.isfinite(c) <= (np.round(p) == p)))
    price_box = [None]  # capacity multipliers certifying the bound (office case)

    def limit_reached():
        """Stopped by the clock: less time left than the smallest step a path starts (0.1 s,
        or 10 % of the limit)."""
        if time_limit is None:
            return False
        return time.perf_counter() >= deadline - max(0.1, 0.1 * float(time_limit))

    def finish(a, lb, status, message):
        """Wrap up; ``status`` "auto" lets the certified gap and the clock decide."""
        rt = time.perf_counter() - t0
        if a is None:
            if status == "auto":
                status = "time_limit" if time_limit is not None else "feasible"
            bnd = sign * lb
            return GapResult(-np.ones(n, dtype=np.int64), float("nan"), float(bnd),
                             float("inf"), status, message, rt, np.zeros(m), stats)
        obj, load = _verify(a, p, W, C, allowed)
        inc = sign * obj
        lb = min(lb, inc)
        if integer and inc - lb < 1 - 1e-9:
            lb = inc
        gap = abs(inc - lb) / max(1.0, abs(obj))
        if status == "auto":
            if gap <= 1e-9:
                status, message = "optimal", message or "proven optimal"
            elif gap <= max(rel_gap, 1e-9):
                status = "feasible"
                message = message or f"certified gap {gap:.3g} within rel_gap {rel_gap:g}"
            elif limit_reached():
                status = "time_limit"
                message = f"time limit reached with certified gap {gap:.3g} above rel_gap"
            else:
                status = "feasible"
                why = ("no time limit was given and the effort budget ran out"
                       if time_limit is None else
                       f"stopped after {rt:.2f} s of {float(time_limit):g} s: no method left")
                message = message or f"certified gap {gap:.3g} above rel_gap {rel_gap:g}: {why}"
        return GapResult(a.astype(np.int64), obj, float(sign * lb), float(gap), status,
                         message, rt, load, stats, prices=price_box[0])

    def finish_path(a, lb, kind, message):
        """Wrap what a specialised path (classic, office) returns as (assignment, bound, kind)."""
        if kind == "infeasible":
            return finish(None, np.inf, "infeasible", message)
        return finish(a, lb, "auto", message)  # the status follows from a, the bound, time

    if n == 0:
        return finish(np.zeros(0, dtype=np.int64), 0.0, "optimal", "no items")
    reason = _diagnose(c, w, W, C, office)
    if reason is not None:
        return finish(None, np.inf, "infeasible", reason)
    if m == 0:  # pragma: no cover - caught by diagnose
        return finish(None, np.inf, "infeasible", "no agents")
    if not office:  # classic GAP: knapsack Lagrangian, fixing, search (see _gap_classic)
        a, lb, kind, msg = solve_classic(c, W, C, integer=integer, rel_gap=rel_gap,
                                         deadline=deadline, stats=stats, seed=seed)
        return finish_path(a, lb, kind, msg)

    # every load is a multiple of the weights' common divisor: a valid tightening
    C_work = lattice_capacity(w, C)
    stats["capacity_lattice"] = bool((C_work < C).any())
    # aggregate identical items, exact class LP, rounding (see _gap_office)
    out = solve_office(c, w, C_work, integer=integer, rel_gap=rel_gap, deadline=deadline,
                       stats=stats, t0=t0, seed=seed)
    if out is not None:  # None: items do not compress, use the item-level path below
        a, lb, kind, msg, prices = out
        price_box[0] = prices
        return finish_path(a, lb, kind, msg)

    # ---- item-level path (items do not compress): multipliers and bound
    C = C_work  # verification in finish() still uses the caller's capacities
    x_lp = None
    fin = np.isfinite(c)
    if n * m <= _LP_MAX_VARS:
        st, x_lp, mu = _lp(np.where(fin, c, 0.0), W, C, fin)
        if st == "infeasible":
            return finish(None, np.inf, "infeasible",
                          "the LP relaxation is infeasible: no assignment respects capacities")
        if st != "ok":
            x_lp, mu = None, np.zeros(m)
    else:
        budget = 60.0 if time_limit is None else 0.35 * float(time_limit)
        mu = _lagrangian_lbfgs(c, W, C, min(deadline, time.perf_counter() + budget))
    lb, red, _ = _lagrangian(c, W, C, mu)
    price_box[0] = np.asarray(mu, dtype=float).copy()
    stats["stages"]["bound"] = time.perf_counter() - t0

    # ---- primal
    a, load = _greedy(red, c, W, C, x_lp)
    feas = repair(a, load, c, W, C, max_iter=10_000)
    if feas:
        a, load = descent(a, load, c, w, C, deadline, swaps=False)
        inc = float(c[np.arange(n), a].sum())
        if not _closed(inc, lb, integer, rel_gap) and n <= 3000:
            a, load = descent(a, load, c, w, C, deadline, swaps=True)
            inc = float(c[np.arange(n), a].sum())
    else:
        a, inc = None, np.inf
    stats["stages"]["primal"] = time.perf_counter() - t0

    def closed(v, bound):
        return _closed(v, bound, integer, rel_gap)

    budget_end = deadline if time_limit is not None else (
        time.perf_counter() + max(1.0, 3.0 * (time.perf_counter() - t0)))
    delta = 1.0 if integer else 0.0
    mu_bound = None  # prices of the bound when they are not the primal's mu
    if x_lp is None and not closed(inc, lb):
        # L-BFGS-B returns the end of its annealing (reduced costs that make a balanced
        # greedy start), which can bound worse than no prices at all where capacities are
        # loose.  Issue 10's random family (capacities 5-15 % above the load) at
        # 10,000 x 150: L(0) = 9,997.3 against 10,003.6-10,008.4 after 0.2-1 s of L-BFGS-B
        # (max form; the LP value is at most 9,995.9).  The primal keeps mu (the greedy start
        # from 0 is 9,942.5 against 9,994.2); the bound, the fixing's reduced costs and the
        # prices returned take 0.
        lb_0, red_0, _ = _lagrangian(c, W, C, np.zeros(m))
        if lb_0 > lb:
            lb, red, mu_bound = lb_0, red_0, np.zeros(m)
            price_box[0] = np.zeros(m)
            stats["bound_prices"] = "zero"
    if not closed(inc, lb) and time.perf_counter() < budget_end:
        # ---- exact stage on the reduced problem (interruptible MIP) when it is small, or
        # when no solution is known (it may prove infeasibility); else LNS + better prices
        keep, cutoff = reduced_cost_keep(red, fin, inc, lb, integer)
        stats["mip_vars"] = int(keep.sum())
        left = budget_end - time.perf_counter() if time_limit is not None else None
        if a is None or stats["mip_vars"] <= min(20_000 * max(left or 3.0, 0.0), 60_000):
            st, a2, bnd = solve_mip(np.where(fin, c, 0.0), W, C, keep, cutoff, left,
                                    0.0 if integer else 1e-9)
            stats["mip_status"] = st
            if a2 is not None:
                v2 = float(c[np.arange(n), a2].sum())
                if v2 < inc:
                    a, inc = a2, v2
            if st == "optimal":
                lb = max(lb, min(inc, bnd))
                if np.isfinite(inc):
                    lb = inc
            elif st == "infeasible":
                if np.isfinite(inc):
                    lb = inc  # nothing better than the incumbent exists
                else:
                    return finish(None, np.inf, "infeasible",
                                  "exhaustive search found no assignment respecting capacities")
            else:
                lb = max(lb, min(inc, bnd))
        else:
            stats["mip_status"] = "lns"
            a, inc, lb, mu = _improve_items(a, c, w, W, C, mu, lb, budget_end, closed, delta,
                                            seed, stats, mu_bound=mu_bound)
            price_box[0] = np.asarray(mu, dtype=float).copy()
        stats["stages"]["exact"] = time.perf_counter() - t0
    if a is None:
        return finish(None, lb, "auto", "no feasible assignment found within the limit")
    return finish(a, lb, "auto", "")


def _improve_items(a, c, w, W, C, mu, lb, end, closed, delta, seed, stats, mu_bound=None):
    """Item-level improvement until ``end``: LNS steps alternating with better prices.

    Primal: :func:`class_lns` with one class per item.  Dual: the smoothed Lagrangian
    continued from ``mu`` (evaluated exactly; kept only when the bound rises).  Each round
    gives the side with more to gain the larger share of the time.
    """
    n, m = c.shape
    rng = np.random.default_rng(seed)
    inv = np.arange(n)
    inc = float(c[inv, a].sum())
    rounds = 0
    while not closed(inc, lb):
        left = end - time.perf_counter()
        if left < 0.02:
            break
        rounds += 1
        chunk = min(left, max(0.1, 0.25 * left))
        a, inc = class_lns(a, c, w, C, inv, c, w, mu, lb, time.perf_counter() + chunk, closed,
                           rng, stats, delta=delta)
        left = end - time.perf_counter()
        if closed(inc, lb) or left < 0.05:
            break
        mu2 = _lagrangian_lbfgs(c, W, C, time.perf_counter() + min(left, max(0.1, 0.3 * left)),
                                mu0=mu, k_cand=min(m, 12))
        lb2 = _lagrangian(c, W, C, mu2)[0]
        if lb2 > lb:
            lb, mu_bound = lb2, None
        mu = mu2  # never worse than mu by the exact value (_lagrangian_lbfgs keeps its start)
    stats["improve_rounds"] = rounds
    return a, inc, lb, (mu if mu_bound is None else mu_bound)
