"""Building blocks every GAP path shares: repair, shift/swap descent and the MIP wrapper.

All work on the minimisation form ``c = +-profit`` (``inf`` where an assignment is forbidden),
already validated by :mod:`._gap`.  The classic path (:mod:`._gap_classic`), the office path
(:mod:`._gap_office`) and the item-level fallback in :mod:`._gap` use them; the caller verifies
every assignment they return.

MIPs run through :func:`highs_mip`: the HiGHS object scipy ships
(``scipy.optimize._highspy._core._Highs``, private API) with an interrupt callback that stops
the solve at the deadline.  ``scipy.optimize.milp`` passes its ``time_limit`` to HiGHS, but
HiGHS checks it only between stages, so a 40,000-variable model given 1.5 s ran 13-30 s; the
callback is polled inside the simplex and the branch-and-bound, and such a model stops within
about 0.1 s of the deadline.  Without the private API the wrapper falls back to ``milp``.
"""

from __future__ import annotations

import os
import time
from fractions import Fraction
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

try:  # pragma: no cover - depends on the scipy build
    from scipy.optimize._highspy import _core as _highs_core
except Exception:  # noqa: BLE001 - any import problem means: use scipy.optimize.milp
    _highs_core = None

__all__ = ["descent", "highs_lp", "highs_mip", "lattice_capacity", "reduced_cost_keep", "repair",
           "shift_descent", "solve_mip",
           "swap_descent"]

#: "auto" (HiGHS object with an interrupt callback when available, else milp) or "milp".
MIP_BACKEND = "auto"
#: Largest model whose objective cutoff is a constraint row (see :func:`highs_mip`).
_CUTOFF_ROW_MAX = 8000


# ----------------------------------------------------------------------------- capacities
def reduced_cost_keep(red, finite, incumbent, bound, integer):
    """Reduced-cost fixing before an exact stage: which (item, agent) cells may still be used.

    ``red`` are the Lagrangian costs ``cost + λ·weight`` (min sense, ``inf`` where forbidden),
    ``bound`` the Lagrangian lower bound ``lb`` at those prices and ``incumbent`` the best
    known cost. A cell whose reduced cost exceeds ``incumbent − δ − lb`` cannot be in any
    solution better than the incumbent by ``δ`` (1 with integer costs, else 0), so it is
    dropped. Returns ``(keep, cutoff)``: the mask, and the objective cutoff for the MIP (None
    without an incumbent, when every finite cell is kept).
    """
    if not np.isfinite(incumbent):
        return finite, None
    rc = red - red.min(axis=1, keepdims=True)
    delta = 1.0 if integer else 0.0
    threshold = incumbent - delta - bound + 1e-9 * max(1.0, abs(incumbent))
    return finite & (rc <= threshold), incumbent - delta + (1e-6 if integer else 0.0)


def lattice_capacity(weight, capacity, max_denominator=1000):
    """Capacities rounded down to the lattice of the item weights (a valid tightening).

    When every weight is a multiple of ``g`` (their greatest common divisor as rationals with
    denominators up to ``max_denominator``), every load is a multiple of ``g`` too, so
    ``load <= C_j`` holds exactly when ``load <= g * floor(C_j / g)``.  The LP bound over the
    tightened capacities is therefore still a bound of the integer problem, and stronger: on
    the office family of issue 10 (weights 0.25 ... 3, capacities 4 % above the mean load) it
    closes a third to a half of the LP's gap.  Returns ``capacity`` unchanged when the weights
    have no such common divisor.
    """
    w = np.asarray(weight, dtype=float).ravel()
    w = w[w > 0]
    C = np.asarray(capacity, dtype=float)
    if w.size == 0:
        return C.copy()
    vals = np.unique(w)
    if vals.size > 256:  # many distinct weights: take a sample of the divisors' evidence
        vals = vals[:: max(1, vals.size // 256)]
    g = Fraction(0)
    for v in vals:
        f = Fraction(float(v)).limit_denominator(max_denominator)
        if abs(float(f) - v) > 1e-12 * max(1.0, v):
            return C.copy()
        g = f if g == 0 else Fraction(np.gcd(g.numerator * f.denominator,
                                             f.numerator * g.denominator),
                                      g.denominator * f.denominator)
    gf = float(g)
    if gf <= 0 or not np.allclose(np.round(w / gf), w / gf, rtol=0, atol=1e-9):
        return C.copy()
    return np.minimum(C, np.floor(C / gf + 1e-9) * gf)


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


# ----------------------------------------------------------------------------- MIP
def _highs_model(cost: object, A: sparse.csc_array, row_lo: object, row_up: object,
                 col_up: object) -> object:
    """``min cost·x`` over ``row_lo ≤ A x ≤ row_up``, ``0 ≤ x ≤ col_up`` as a HiGHS model
    (column-wise ``A``): what :func:`highs_mip` and :func:`highs_lp` both hand HiGHS."""
    h = _highs_core
    n_row, n_col = A.shape
    lp = h.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.broadcast_to(np.asarray(col_up, dtype=float), (n_col,)).copy()
    lp.row_lower_ = np.asarray(row_lo, dtype=float)
    lp.row_upper_ = np.asarray(row_up, dtype=float)
    am = lp.a_matrix_
    am.format_ = h.MatrixFormat.kColwise
    am.num_col_, am.num_row_ = n_col, n_row
    am.start_ = A.indptr.astype(np.int32)
    am.index_ = A.indices.astype(np.int32)
    am.value_ = A.data.astype(float)
    return lp


def highs_mip(cost, A, row_lo, row_up, col_up, deadline, rel_gap=0.0, cutoff=None, start=None,
              options=None):
    """``min cost.x`` s.t. ``row_lo <= A x <= row_up``, ``0 <= x <= col_up`` integer.

    ``cutoff``: only solutions with ``cost.x <= cutoff`` are wanted ("infeasible" then means
    that none exists).  Up to :data:`_CUTOFF_ROW_MAX` columns it is a constraint row (it
    prunes); above, HiGHS's ``objective_bound`` option, because a dense objective row made
    presolve take 13 s on a 20,000-column GAP (presolve polls no callback).  An optimum above
    the cutoff is reported as "infeasible" too.

    ``options``: further HiGHS options (name -> value).
    ``start``: a feasible solution handed to HiGHS as its first incumbent (HiGHS checks it).

    Returns ``(status, x, dual_bound)`` with status "optimal", "infeasible", "limit" (stopped
    by the deadline or another limit; ``x`` is None when no solution was found) or "failed".
    ``deadline`` is a ``time.perf_counter()`` value (``inf``: none).  The answer is the
    solver's word only: every caller re-verifies ``x``.
    """
    A = sparse.csc_array(A)
    n_row, n_col = A.shape
    left = deadline - time.perf_counter()
    cost = np.asarray(cost, dtype=float)
    if cutoff is not None and n_col <= _CUTOFF_ROW_MAX:
        A = sparse.csc_array(sparse.vstack([A, sparse.csr_array(cost[None, :])]))
        row_lo, row_up = np.append(row_lo, -np.inf), np.append(row_up, cutoff)
        n_row += 1
        cutoff_opt = None
    else:
        cutoff_opt = cutoff
    if _highs_core is None or MIP_BACKEND == "milp":
        return _scipy_mip(cost, A, row_lo, row_up, col_up, left, rel_gap, cutoff_opt)
    h = _highs_core
    lp = _highs_model(cost, A, row_lo, row_up, col_up)
    lp.integrality_ = [h.HighsVarType.kInteger] * n_col
    highs = h._Highs()
    highs.setOptionValue("output_flag", bool(os.environ.get("NAVK_GAP_MIP_LOG")))  # debugging
    highs.setOptionValue("mip_rel_gap", float(rel_gap))
    if np.isfinite(left):
        highs.setOptionValue("time_limit", max(float(left), 0.01))
    if cutoff_opt is not None:
        highs.setOptionValue("objective_bound", float(cutoff_opt))
    if highs.passModel(lp) == h.HighsStatus.kError:  # pragma: no cover
        return _scipy_mip(cost, A, row_lo, row_up, col_up, left, rel_gap, cutoff_opt)
    for key, val in (options or {}).items():
        highs.setOptionValue(key, val)
    if start is not None:
        sol = h.HighsSolution()
        sol.col_value = np.asarray(start, dtype=float).tolist()
        sol.value_valid = True
        highs.setSolution(sol)
    _interrupt_at(highs, deadline, mip=True)
    highs.run()
    ms = highs.getModelStatus()
    M = h.HighsModelStatus
    info = highs.getInfo()
    dual = float(info.mip_dual_bound)
    dual = dual if np.isfinite(dual) and abs(dual) < 1e300 else -np.inf
    bounded = bool(np.isfinite(lp.col_upper_).all())
    if ms == M.kInfeasible or (ms == M.kUnboundedOrInfeasible and bounded):
        return "infeasible", None, np.inf
    has_x = int(info.primal_solution_status) == int(h.kSolutionStatusFeasible)
    x = np.asarray(highs.getSolution().col_value, dtype=float) if has_x else None
    if ms == M.kOptimal:
        if not has_x:  # pragma: no cover
            return "failed", None, -np.inf
        value = float(info.objective_function_value)
        if cutoff is not None and value > cutoff:
            return "infeasible", None, np.inf
        return "optimal", x, value
    limits = {M.kTimeLimit, M.kInterrupt, M.kIterationLimit, M.kSolutionLimit}
    limits |= {getattr(M, k) for k in ("kHighsInterrupt", "kNodeLimit") if hasattr(M, k)}
    if ms in limits:
        return "limit", x, dual
    return "failed", x, -np.inf


def _interrupt_at(highs: Any, deadline: float, *, mip: bool) -> None:
    """Stop ``highs`` at ``deadline`` (``perf_counter``) from inside its simplex, interior
    point and (``mip``) branch-and-bound: HiGHS's own ``time_limit`` is not polled inside the
    interior point. Nothing to do for an infinite deadline."""
    if not np.isfinite(deadline):
        return

    def interrupt(kind, message, data_out, data_in, user):
        if time.perf_counter() > deadline:
            data_in.user_interrupt = True

    highs.setCallback(interrupt, None)
    kinds = _highs_core.cb.HighsCallbackType
    wanted = (kinds.kCallbackSimplexInterrupt, kinds.kCallbackIpmInterrupt)
    for kind in ((kinds.kCallbackMipInterrupt, *wanted) if mip else wanted):
        highs.startCallback(kind)


def highs_lp(cost, A, row_lo, row_up, deadline, solver="ipm"):
    """``min cost.x`` s.t. ``row_lo <= A x <= row_up``, ``x >= 0``: a basic solution.

    HiGHS's interior point (``solver="ipm"``, then crossover) or dual simplex (``"simplex"``)
    through the same object as :func:`highs_mip`, stopped by the interrupt callback at
    ``deadline`` (``linprog``'s ``time_limit`` is not polled inside the interior point: a
    1 s limit ran 2.9 s on a loaded machine).  Returns ``(x, row_duals)`` or None when it did
    not finish optimal (time, or no private HiGHS object: then ``linprog``).
    """
    A = sparse.csc_array(A)
    n_row, n_col = A.shape
    if _highs_core is None or MIP_BACKEND == "milp":  # pragma: no cover - scipy build
        from scipy.optimize import linprog

        left = deadline - time.perf_counter()
        eq = np.asarray(row_lo) == np.asarray(row_up)
        A = sparse.csr_array(A)
        opts = {} if not np.isfinite(left) else {"time_limit": max(float(left), 0.01)}
        r = linprog(cost, A_ub=A[~eq], b_ub=np.asarray(row_up)[~eq], A_eq=A[eq],
                    b_eq=np.asarray(row_up)[eq], bounds=(0, None), method="highs",
                    options=opts)
        if r.status != 0:
            return None
        y = np.zeros(n_row)
        y[eq] = r.eqlin.marginals
        y[~eq] = r.ineqlin.marginals
        return np.asarray(r.x), y
    h = _highs_core
    lp = _highs_model(cost, A, row_lo, row_up, np.inf)
    highs = h._Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("solver", solver)
    left = deadline - time.perf_counter()
    if np.isfinite(left):
        highs.setOptionValue("time_limit", max(float(left), 0.01))
    if highs.passModel(lp) == h.HighsStatus.kError:  # pragma: no cover
        return None
    _interrupt_at(highs, deadline, mip=False)
    highs.run()
    if highs.getModelStatus() != h.HighsModelStatus.kOptimal:
        return None
    sol = highs.getSolution()
    if not (sol.value_valid and sol.dual_valid):  # pragma: no cover
        return None
    return np.asarray(sol.col_value, dtype=float), np.asarray(sol.row_dual, dtype=float)


def _scipy_mip(cost, A, row_lo, row_up, col_up, left, rel_gap, cutoff):
    """The fallback without the HiGHS object (``cutoff`` only filters the answer)."""
    opts = {"mip_rel_gap": float(rel_gap), "disp": False}
    if np.isfinite(left):
        opts["time_limit"] = max(float(left), 0.01)
    r = milp(cost, integrality=np.ones(len(cost)), bounds=Bounds(0, col_up),
             constraints=[LinearConstraint(A, row_lo, row_up)], options=opts)
    dual = getattr(r, "mip_dual_bound", None)
    dual = -np.inf if dual is None or not np.isfinite(dual) else float(dual)
    if r.status == 2:
        return "infeasible", None, np.inf
    if r.status == 0:
        if cutoff is not None and float(r.fun) > cutoff:
            return "infeasible", None, np.inf
        return "optimal", r.x, float(r.fun)
    return ("limit" if r.status == 1 else "failed"), r.x, dual


def solve_mip(c, W, C, keep, cutoff, time_left, rel_gap):
    """GAP as a MIP on variables ``keep`` with objective <= cutoff: (status, assignment, bound).

    ``time_left`` in seconds (None: no limit), honoured through :func:`highs_mip`.
    """
    n, m = c.shape
    ii, jj = np.nonzero(keep)
    k = len(ii)
    if k == 0 or np.bincount(ii, minlength=n).min() == 0:
        return "infeasible", None, np.inf
    cc = c[ii, jj]
    blocks = [sparse.csr_array((np.ones(k), (ii, np.arange(k))), shape=(n, k)),
              sparse.csr_array((W[ii, jj].astype(float), (jj, np.arange(k))), shape=(m, k))]
    lo = np.concatenate([np.ones(n), np.full(m, -np.inf)])
    up = np.concatenate([np.ones(n), np.asarray(C, dtype=float)])
    deadline = np.inf if time_left is None else time.perf_counter() + max(time_left, 0.01)
    st, x, bound = highs_mip(cc, sparse.vstack(blocks), lo, up, 1.0, deadline, rel_gap, cutoff)
    a = None
    if x is not None:
        xx = np.zeros((n, m))
        xx[ii, jj] = x
        a = np.argmax(xx, axis=1).astype(np.int64)
    if st == "optimal":
        return "optimal", a, bound
    if st == "infeasible":
        return "infeasible", None, np.inf
    return "limit", a, bound
