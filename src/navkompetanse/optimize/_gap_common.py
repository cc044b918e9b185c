"""Building blocks every GAP path shares: repair, shift/swap descent and the milp wrapper.

All work on the minimisation form ``c = +-profit`` (``inf`` where an assignment is forbidden),
already validated by :mod:`._gap`.  The classic path (:mod:`._gap_classic`), the office path
(:mod:`._gap_office`) and the item-level fallback in :mod:`._gap` use them; the caller verifies
every assignment they return.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["descent", "repair", "shift_descent", "solve_mip", "swap_descent"]


# ----------------------------------------------------------------------------- feasibility
def repair(a, load, c, W, C, max_iter=2000):
    """Move or swap items out of overloaded agents (in place); True when feasible.

    The most overloaded agent first: shift the member with the smallest cost increase per
    unit of weight freed to an agent with room; failing that, swap a member with an item
    elsewhere that weighs less here, cheapest cost change per unit of overload removed, while
    the partner's agent stays within capacity.  Used by every path of :func:`solve_gap`
    (classic, office and the item-level fallback); ``c`` is ``inf`` where forbidden.
    """
    fin = np.isfinite(c)
    tol = 1e-9 * np.maximum(1.0, C)
    for _ in range(max_iter):
        excess = load - C
        if not (excess > tol).any():
            return True
        j = int(np.argmax(excess))
        members = np.flatnonzero(a == j)
        room = C - load + tol
        fits = (W[members] <= room[None, :]) & fin[members]
        fits[:, j] = False
        if fits.any():
            d = np.where(fits, c[members] - c[members, j][:, None], np.inf)
            d = d / np.maximum(W[members, j], 1e-12)[:, None]
            r, k = np.unravel_index(int(np.argmin(d)), d.shape)
            i = members[r]
            a[i] = k
            load[j] -= W[i, j]
            load[k] += W[i, k]
            continue
        # swap i (in j) with l (elsewhere) reducing j's load, keeping l's agent feasible
        done = False
        for i in members[np.argsort(-W[members, j])]:
            others = np.flatnonzero((a != j) & fin[:, j] & fin[i, a])
            if len(others) == 0:
                continue
            k = a[others]
            red = W[i, j] - W[others, j]
            ok = (red > 1e-12) & (load[k] - W[others, k] + W[i, k] <= C[k] + tol[k])
            if ok.any():
                cand = others[ok]
                sc = (c[i, a[cand]] + c[cand, j] - c[i, j] - c[cand, a[cand]]) / red[ok]
                l_ = int(cand[np.argmin(sc)])
                k_ = int(a[l_])
                a[i], a[l_] = k_, j
                load[j] += W[l_, j] - W[i, j]
                load[k_] += W[i, k_] - W[l_, k_]
                done = True
                break
        if not done:
            return False
    return False


# ----------------------------------------------------------------------------- local search
def shift_descent(a, load, c, w, C, deadline, max_rounds=200):
    """Improving single-item moves into agents with room (vectorised scan)."""
    n, m = c.shape
    idx = np.arange(n)
    tolC = C + 1e-9 * np.maximum(1.0, C)
    for _ in range(max_rounds):
        if time.perf_counter() > deadline:
            break
        room = tolC - load
        cur = c[idx, a]
        delta = np.where(w[:, None] <= room[None, :], c - cur[:, None], np.inf)
        bj = np.argmin(delta, axis=1)
        bd = delta[idx, bj]
        cand = np.flatnonzero(bd < -1e-12)
        if len(cand) == 0:
            break
        moved = False
        for i in cand[np.argsort(bd[cand], kind="stable")]:
            j = int(bj[i])
            if load[j] + w[i] <= tolC[j] and c[i, j] < c[i, a[i]] - 1e-12:
                load[a[i]] -= w[i]
                load[j] += w[i]
                a[i] = j
                moved = True
        if not moved:
            break
    return a, load


def swap_descent(a, load, c, w, C, deadline, focus):
    """Improving swaps of items ``focus`` with any item at another agent (capacity-feasible)."""
    n, m = c.shape
    idx = np.arange(n)
    tolC = C + 1e-9 * np.maximum(1.0, C)
    improved = False
    for i in focus:
        if time.perf_counter() > deadline:
            break
        ai = a[i]
        cur = c[idx, a]
        d = c[i, a] + c[idx, ai] - cur[i] - cur
        ok = (d < -1e-12) & (a != ai)
        if not ok.any():
            continue
        ok &= load[a] - w + w[i] <= tolC[a]
        ok &= load[ai] - w[i] + w <= tolC[ai]
        if not ok.any():
            continue
        cand = np.flatnonzero(ok)
        l_ = int(cand[np.argmin(d[cand])])
        al = a[l_]
        load[ai] += w[l_] - w[i]
        load[al] += w[i] - w[l_]
        a[i], a[l_] = al, ai
        improved = True
    return a, load, improved


def descent(a, load, c, w, C, deadline, swaps=True):
    """Shift descent, then (``swaps``) swap rounds over every item until neither improves."""
    shift_descent(a, load, c, w, C, deadline, max_rounds=1000)
    while swaps and c.shape[1] > 1 and time.perf_counter() < deadline:
        a, load, improved = swap_descent(a, load, c, w, C, deadline, range(len(a)))
        if not improved:
            break
        shift_descent(a, load, c, w, C, deadline, max_rounds=1000)
    return a, load


# ----------------------------------------------------------------------------- exact stage
def solve_mip(c, W, C, keep, cutoff, time_left, rel_gap):
    """milp on variables ``keep`` with objective <= cutoff: (status, assignment, bound)."""
    n, m = c.shape
    ii, jj = np.nonzero(keep)
    k = len(ii)
    if k == 0 or np.bincount(ii, minlength=n).min() == 0:
        return "infeasible", None, np.inf
    cc = c[ii, jj]
    cons = [
        LinearConstraint(sparse.csr_array((np.ones(k), (ii, np.arange(k))), shape=(n, k)), 1, 1),
        LinearConstraint(sparse.csr_array((W[ii, jj].astype(float), (jj, np.arange(k))),
                                          shape=(m, k)), -np.inf, C),
    ]
    if cutoff is not None:
        cons.append(LinearConstraint(cc[None, :], -np.inf, cutoff))
    opts = {"mip_rel_gap": rel_gap, "disp": False}
    if time_left is not None:
        opts["time_limit"] = max(time_left, 0.01)
    r = milp(cc, integrality=np.ones(k), bounds=Bounds(0, 1), constraints=cons, options=opts)
    dual = getattr(r, "mip_dual_bound", None)
    dual = -np.inf if dual is None or not np.isfinite(dual) else float(dual)
    if r.status == 2:
        return "infeasible", None, np.inf
    a = None
    if r.x is not None:
        x = np.zeros((n, m))
        x[ii, jj] = r.x
        a = np.argmax(x, axis=1).astype(np.int64)
    if r.status == 0:
        return "optimal", a, (float(r.fun) if a is not None else np.inf)
    return "limit", a, dual
