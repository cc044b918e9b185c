"""Office-case GAP (weight per item): aggregation into classes and the transportation LP.

When an item weighs the same at every agent, items with the same cost row, weight and mask
are interchangeable.  They are grouped into K classes with counts (``np.unique`` on a row
hash, verified exactly).  The LP relaxation over classes is a transportation problem (K
supplies ``count_k * w_k``, n_agents capacities) solved here *exactly*:

1. approximate capacity prices ``lambda`` from an annealed log-sum-exp smoothing of the
   class-level Lagrangian (L-BFGS-B on each class's cheapest candidate agents);
2. HiGHS on the columns whose Lagrangian reduced cost under ``lambda`` is small, then
   pricing over *all* columns with the LP duals and re-solving until no column prices out;
   the capacity-row duals are then the exact optimal ``lambda`` and ``L(lambda)`` the LP
   value.  The bound is always ``L(lambda)`` evaluated exactly from the input arrays, so it
   is valid for whatever ``lambda`` came out (no trust in solver tolerances);
3. rounding: item counts of the basic LP solution rounded down (at most about n_agents
   class/agent splits are fractional), the left-over items placed by regret on reduced
   costs into agents with room, repair if needed, shift descent; when that leaves a gap,
   also rounding by weight levels (heavy classes first, then an LP over the lightest,
   integral on the capacity lattice: :func:`_round_levels`) and the better of the two;
   negative exchange cycles of mixed-weight bundles between agents
   (:func:`._gap_exchange.exchange_cycles`); then one *LP step*: a MIP over integer class
   counts of the split classes, the classes the rounding moved and the light classes with
   several near-optimal agents (the fillers), the other classes fixed, started from the
   incumbent (:func:`_lp_step`);
4. exact stage when the certified gap is still above ``rel_gap``: ``milp`` over integer class
   counts on the columns that reduced-cost fixing keeps (any better solution only uses
   ``(k, j)`` with reduced cost below ``incumbent - L(lambda)``), with the incumbent as cutoff
   and a bounded budget.  Its solution is re-verified by the caller.

When the classes do not compress (continuous random profits, ``K`` close to ``n``) the
caller falls back to the item-level Lagrangian path in :mod:`._gap`.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from ._gap_common import highs_lp, highs_mip, reduced_cost_keep, repair, shift_descent, swap_descent
from ._gap_exchange import exchange_cycles

__all__ = ["aggregate_classes", "class_lns", "solve_office"]

_MAX_CLASS_SHARE = 0.5  # fall back to the item-level path when K > this share of n ...
_MAX_SMALL_K = 3000  # ... and K above this (the class LP stays fast up to a few 1000 classes)
_LP_STEP_COLS = 12  # LP step: agents per split class (besides its LP agents and near ones)
_LP_STEP_LIGHT = 4.0  # LP step: light classes weigh at most this times the lightest class
_LP_STEP_TAU = 0.1  # LP step: columns of reduced cost (per item, LP duals) at most this
# the step's MIP: HiGHS's root cut loop takes most of a short budget; more effort on its
# improvement heuristics (RINS/RENS from the incumbent) and a small cut pool
_LP_STEP_OPTIONS = {"mip_heuristic_effort": 0.8, "mip_pool_soft_limit": 100}
# the class LP: interior point with crossover (a basic solution, as rounding needs) took 0.18 s
# where dual simplex took 0.38 s on issue 10's needs family at 10,000 x 150 (10,481 columns)
_LP_SOLVER = "ipm"
_DUAL_SHARE = 0.4  # share of the time left the price estimate may take under a limit
_LP_STEP_SHARE = 0.8  # LP step: share of the time left under a limit (0.5: 0.26 % at 2 s)


# ----------------------------------------------------------------------------- aggregation
def aggregate_classes(c, w):
    """Group identical items: returns ``(first, inv, cnt)``.

    ``first[k]`` is a representative item of class k, ``inv[i]`` the class of item i and
    ``cnt[k]`` its size.  Rows are grouped by a random projection hash and the grouping is
    then verified exactly (``c[first][inv] == c`` including infinities); on a collision the
    exact ``np.unique(axis=0)`` is used instead.
    """
    n, m = c.shape
    fin = np.isfinite(c)
    cf = np.where(fin, c, 0.0)
    rng = np.random.default_rng(0x5EED)
    h = cf @ rng.uniform(0.5, 1.5, m) + fin @ (rng.uniform(0.5, 1.5, m) * np.pi) + w * np.e
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    inv = inv.ravel()
    if not (np.array_equal(c, c[first][inv]) and np.array_equal(w, w[first][inv])):
        X = np.column_stack([np.where(fin, c, np.inf), w])
        _, first, inv = np.unique(X, axis=0, return_index=True, return_inverse=True)
        inv = inv.ravel()
    cnt = np.bincount(inv, minlength=len(first))
    return first, inv, cnt


def class_lagrangian(ck, wk, cnt, C, lam):
    """Exact Lagrangian ``sum_k cnt_k min_j (c_kj + lam_j w_k) - lam.C`` (min form)."""
    red = ck + lam[None, :] * wk[:, None]
    return float(cnt @ red.min(axis=1) - lam @ C)


# ----------------------------------------------------------------------------- dual
def _smooth_dual(d, s, C, deadline, temps=(1e-2, 1e-3, 1e-4), iters=15):
    """Approximate prices: annealed log-sum-exp on per-unit-weight costs ``d`` (K, m).

    All columns are kept (restricting each class to a few candidate agents lets prices run
    away); float32 arithmetic, only the exact class Lagrangian decides which prices are kept.
    """
    K, m = d.shape
    fin = np.isfinite(d)
    scale = max(float(np.abs(d[fin]).max()), 1e-12)
    ds64 = np.where(fin, d / scale, np.inf)
    ds = ds64.astype(np.float32)
    s32 = s.astype(np.float32)

    def exact(x):
        return float(s @ (ds64 + x[None, :]).min(axis=1) - x @ C)

    lam = np.zeros(m)
    best_v, best = exact(lam), lam.copy()
    for T in temps:
        if time.perf_counter() > deadline:
            break

        def f(x, T=T):
            r = ds + x.astype(np.float32)[None, :]
            mn = r.min(axis=1)
            e = np.exp((mn[:, None] - r) * np.float32(1.0 / T))
            se = e.sum(axis=1)
            val = float(s @ (mn - T * np.log(se)).astype(np.float64)) - x @ C
            g = (s32 / se) @ e - C
            return -val, -g.astype(np.float64)

        def stop(intermediate_result=None):
            if time.perf_counter() > deadline:
                raise StopIteration

        r = minimize(f, lam, jac=True, method="L-BFGS-B", bounds=[(0, None)] * m,
                     callback=stop, options={"maxiter": iters, "gtol": 1e-12, "ftol": 1e-15})
        lam = np.maximum(r.x, 0.0)
        v = exact(lam)
        if v > best_v:
            best_v, best = v, lam.copy()
    return best * scale


def _class_lp(d, s, C, lam, deadline, stats):
    """Exact transportation LP by column generation; returns (z (K, m) or None, lam, u).

    Starts from the columns with small reduced cost under ``lam``; one artificial column per
    class (cost ``M``, no capacity use) keeps every restricted LP feasible.  Pricing adds the
    three most negative columns per class until none prices out.  Returns the string
    "infeasible" as ``z`` when the full LP needs artificials even with a huge ``M``.
    """
    K, m = d.shape
    fin = np.isfinite(d)
    dd = np.where(fin, d, np.inf)
    scale = max(float(np.abs(d[fin]).max()), 1e-12)
    red = dd + lam[None, :]
    rc = red - red.min(axis=1, keepdims=True)
    sel = rc <= 1e-3 * scale
    M = 10.0 * (scale + float(lam.max(initial=0.0))) + 1.0
    rounds = 0
    while True:
        rounds += 1
        left = deadline - time.perf_counter()
        stats["lp_rounds"] = rounds
        if left <= 0.01:
            return None, lam, None
        kk, jj = np.nonzero(sel)
        q = len(kk)
        stats["lp_cols"] = q
        cols = np.arange(q + K)
        A1 = sparse.csr_array((np.ones(q + K), (np.concatenate([kk, np.arange(K)]), cols)),
                              shape=(K, q + K))
        A2 = sparse.csr_array((np.ones(q), (jj, np.arange(q))), shape=(m, q + K))
        cost = np.concatenate([dd[kk, jj], np.full(K, M)])
        r = highs_lp(cost, sparse.vstack([A1, A2]), np.concatenate([s, np.full(m, -np.inf)]),
                     np.concatenate([s, C]), deadline, solver=_LP_SOLVER)
        if r is None:
            return None, lam, None
        x, y = r
        lam_lp = np.maximum(-y[K:], 0.0)
        u = y[:K]
        full = dd + lam_lp[None, :] - u[:, None]
        neg = (full < -1e-9 * scale) & ~sel
        if not neg.any():
            if x[q:].max(initial=0.0) > 1e-9 * max(1.0, float(s.max())):
                if M > 1e9 * scale:
                    return "infeasible", lam, None
                M *= 100.0
                continue
            z = np.zeros((K, m))
            z[kk, jj] = x[:q]
            return z, lam_lp, u
        if rounds >= 30:
            return None, lam_lp, None
        fneg = np.where(neg, full, np.inf)
        kc = min(3, m)
        part = np.argpartition(fneg, kc - 1, axis=1)[:, :kc]
        rows = np.repeat(np.arange(K), kc)
        pj = part.ravel()
        good = np.isfinite(fneg[rows, pj])
        sel[rows[good], pj[good]] = True


# ----------------------------------------------------------------------------- primal
def _round(z, wk, cnt, inv, n, C):
    """Round the class LP solution down to item assignments (-1 = left over)."""
    K, m = z.shape
    y = z / np.maximum(wk, 1e-300)[:, None]
    fl = np.floor(y + 1e-7).astype(np.int64)
    # never more than the class size
    over = fl.sum(axis=1) - cnt
    for k in np.flatnonzero(over > 0):
        for j in np.argsort(y[k] - fl[k]):
            take = min(over[k], fl[k, j])
            fl[k, j] -= take
            over[k] -= take
            if over[k] == 0:
                break
    order = np.argsort(inv, kind="stable")
    start = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    kk, jj = np.nonzero(fl)
    f = fl[kk, jj]
    A = np.bincount(kk, weights=f, minlength=K).astype(np.int64)
    tot = int(f.sum())
    a = -np.ones(n, dtype=np.int64)
    if tot:
        agents = np.repeat(jj, f)
        Ak = A[A > 0]
        ks = np.flatnonzero(A > 0)
        base = np.repeat(start[ks], Ak)
        off = np.arange(tot) - np.repeat(np.cumsum(Ak) - Ak, Ak)
        a[order[base + off]] = agents
    return a


def _round_levels(z, ck, wk, cnt, C, lam, deadline, stats):
    """Round the class LP by weight levels: integer class counts or None.

    The classes heavier than the lightest weight are rounded (a split item goes to the agent
    holding its largest fraction that still has room, else its cheapest agent with room),
    then the LP is solved again over the lightest classes in the capacity the others leave
    (:func:`_class_lp`).  Light items absorb what rounding the heavy ones moved, and when
    every capacity is a multiple of the lightest weight (the lattice of
    :func:`lattice_capacity`) that LP is a transportation problem with integral data: its
    basic solution needs no rounding.  Issue 10's needs family at 10,000 x 150: 2.4 % ->
    1.2 % before any search, 0.35 % after :func:`exchange_cycles` (three levels of LPs gave
    0.36 % for one more LP).

    ``z`` (K, m) are the LP's class loads (positive-weight classes only, zero elsewhere).
    Returns ``(Y, placed_all)`` or None when an LP does not finish by ``deadline``.
    """
    K, m = z.shape
    pos = wk > 0
    levels = np.unique(wk[pos])[::-1]
    if len(levels) < 2:
        return None
    groups = [levels[:-1], levels[-1:]]
    Y = np.zeros((K, m), dtype=np.int64)
    R = np.asarray(C, dtype=float).copy()
    zc, lamc = z, lam
    fin = np.isfinite(ck)
    placed_all = True
    for gi, g in enumerate(groups):
        S = np.flatnonzero(np.isin(wk, g) & pos)
        S = S[np.argsort(-wk[S], kind="stable")]
        wS = wk[S]
        y = zc[S] / wS[:, None]
        Ys = np.minimum(np.floor(y + 1e-7).astype(np.int64), cnt[S, None])
        Ys = np.where(fin[S], Ys, 0)
        over = Ys.sum(axis=1) - cnt[S]
        for r in np.flatnonzero(over > 0):  # pragma: no cover - LP tolerance
            j = int(np.argmax(Ys[r]))
            Ys[r, j] -= over[r]
        R = R - (Ys * wS[:, None]).sum(axis=0)
        frac = np.where(fin[S], y - Ys, -np.inf)
        red = np.where(fin[S], ck[S] + lamc[None, :] * wS[:, None], np.inf)
        rem = cnt[S] - Ys.sum(axis=1)
        tol = 1e-9 * max(1.0, float(np.max(C, initial=1.0)))
        for r in np.flatnonzero(rem > 0):
            lev = wS[r]
            for _ in range(int(rem[r])):
                ok = R >= lev - tol
                score = np.where(frac[r] > 1e-6, -2.0 - frac[r], 0.0)
                score = np.where(ok & np.isfinite(red[r]), score, np.inf)
                j = int(np.argmin(score))
                if not np.isfinite(score[j]):
                    placed_all = False
                    break
                if score[j] == 0.0:  # no fractional agent with room: cheapest with room
                    j = int(np.argmin(np.where(ok, red[r], np.inf)))
                Ys[r, j] += 1
                R[j] -= lev
                frac[r, j] = -np.inf
        Y[S] = Ys
        if gi == len(groups) - 1:
            break
        rest = np.flatnonzero(pos & (wk < g.min()))
        if time.perf_counter() > deadline or (R < -tol).any():
            return None
        dr = ck[rest] / wk[rest, None]
        zr, lr, _ = _class_lp(dr, cnt[rest] * wk[rest], np.maximum(R, 0.0), lamc, deadline,
                              {})
        if zr is None or isinstance(zr, str):
            return None
        zc = np.zeros((K, m))
        zc[rest] = zr
        lamc = lr
    stats["round_levels"] = len(groups)
    return Y, placed_all


def _place_left(a, c, w, C, lam):
    """Place unassigned items by regret on reduced costs into agents with room."""
    n, m = c.shape
    idx = np.arange(n)
    placed = a >= 0
    load = np.bincount(a[placed], weights=w[placed], minlength=m).astype(float)
    tolC = C * (1 + 1e-12) + 1e-12
    # remove overload caused by LP tolerances (drop the cheapest-to-move items)
    for j in np.flatnonzero(load > tolC):
        mem = np.flatnonzero(a == j)
        for i in mem[np.argsort(-w[mem])]:
            if load[j] <= tolC[j]:
                break
            a[i] = -1
            load[j] -= w[i]
    left = np.flatnonzero(a < 0)
    if len(left) == 0:
        return a, load, True
    red = c[left] + lam[None, :] * w[left, None]
    if m > 1:
        srt = np.sort(red, axis=1)[:, :2]
        regret = np.where(np.isfinite(srt[:, 1]), srt[:, 1] - srt[:, 0], 1e300)
    else:
        regret = np.zeros(len(left))
    ok = True
    for r in np.argsort(-regret, kind="stable"):
        i = left[r]
        fits = np.isfinite(red[r]) & (load + w[i] <= tolC)
        if fits.any():
            j = int(np.argmin(np.where(fits, red[r], np.inf)))
        else:
            ex = np.where(np.isfinite(red[r]), load + w[i] - C, np.inf)
            j = int(np.argmin(ex))
            ok = False
        a[i] = j
        load[j] += w[i]
    del idx
    return a, load, ok


def _lp_step(a, c, inv, z, ck, wk, cnt, C, lam, rcK, deadline, stats, tau=_LP_STEP_TAU,
             n_cols=_LP_STEP_COLS):
    """One exact step guided by the class LP: re-place the classes the rounding had to choose.

    Free classes: the LP's split classes (a fractional count), the classes the incumbent
    ``a`` holds elsewhere than the LP rounded down, and the light classes (weight at most
    :data:`_LP_STEP_LIGHT` times the lightest) with two or more agents of reduced cost at
    most ``tau`` (LP duals ``rcK``, per item): the fillers that let heavy items be packed.
    Every other class keeps its counts.  A MIP over integer class counts of the free classes
    (columns: the incumbent's, the LP's, reduced cost at most ``tau``, and each split class's
    ``n_cols`` cheapest agents) in the capacity the fixed classes leave, started from the
    incumbent, with its cost as cutoff (:func:`highs_mip`, interruptible at ``deadline``).
    Returns the improved assignment or None.
    """
    n, m = c.shape
    K = len(ck)
    Y = np.bincount(inv * m + a, minlength=K * m).reshape(K, m)
    yf = z / np.maximum(wk, 1e-300)[:, None]
    fl = np.floor(yf + 1e-7)
    split = (yf - fl > 1e-6).any(axis=1) & (wk > 0)
    near = (rcK * wk[:, None] <= tau + 1e-9) & np.isfinite(ck)
    light = (wk > 0) & (wk <= np.min(wk[wk > 0], initial=np.inf) * _LP_STEP_LIGHT)
    free = split | (Y != fl).any(axis=1) | (light & (near.sum(axis=1) >= 2))
    free &= wk > 0
    F = np.flatnonzero(free)
    stats["lp_step_classes"] = len(F)
    if len(F) == 0 or m < 2:
        return None
    keep = (Y[F] > 0) | (yf[F] > 1e-9) | near[F]
    fin = np.isfinite(ck[F])
    red = np.where(fin, ck[F] + lam[None, :] * wk[F, None], np.inf)
    nc = min(m, n_cols)
    part = np.argpartition(red, nc - 1, axis=1)[:, :nc]
    sp = np.flatnonzero(split[F])
    keep[sp[:, None], part[sp]] = True
    keep &= fin | (Y[F] > 0)
    kk, jj = np.nonzero(keep)
    q = len(kk)
    N = cnt[F]
    fixed = ~free
    room = C - (Y[fixed] * wk[fixed, None]).sum(axis=0)
    A = sparse.vstack([sparse.csr_array((np.ones(q), (kk, np.arange(q))), shape=(len(F), q)),
                       sparse.csr_array((wk[F][kk], (jj, np.arange(q))), shape=(m, q))])
    cost = ck[F][kk, jj]
    x0 = Y[F][kk, jj].astype(float)
    cur = float(cost @ x0)
    stats["lp_step_vars"] = q
    st, x, _ = highs_mip(cost, A, np.concatenate([N, np.full(m, -np.inf)]),
                         np.concatenate([N.astype(float), room]), N[kk].astype(float),
                         deadline, 0.0, cur - 1e-9 * max(1.0, abs(cur)), start=x0,
                         options=_LP_STEP_OPTIONS)
    stats["lp_step_status"] = st
    if x is None or st in ("infeasible", "failed"):
        return None
    ys = np.zeros((len(F), m), dtype=np.int64)
    ys[kk, jj] = np.round(x).astype(np.int64)
    if not np.array_equal(ys.sum(axis=1), N):
        return None
    Y2 = Y.copy()
    Y2[F] = ys
    return _counts_to_assignment(Y2, inv, cnt, n)


# ----------------------------------------------------------------------------- exact stage
def _class_mip(ck, wk, cnt, C, keep, cutoff, time_left, integer):
    """MIP over integer class counts on columns ``keep``; returns (status, y, dual)."""
    K, m = ck.shape
    kk, jj = np.nonzero(keep)
    q = len(kk)
    if q == 0 or np.bincount(kk, minlength=K).min() == 0:
        return "infeasible", None, np.inf
    A = sparse.vstack([sparse.csr_array((np.ones(q), (kk, np.arange(q))), shape=(K, q)),
                       sparse.csr_array((wk[kk], (jj, np.arange(q))), shape=(m, q))])
    lo = np.concatenate([cnt, np.full(m, -np.inf)]).astype(float)
    up = np.concatenate([cnt.astype(float), C])
    deadline = np.inf if time_left is None else time.perf_counter() + max(time_left, 0.01)
    st, x, bnd = highs_mip(ck[kk, jj], A, lo, up, cnt[kk].astype(float), deadline,
                           0.0 if integer else 1e-9, cutoff)
    if st == "infeasible":
        return "infeasible", None, np.inf
    if x is None:
        return "none", None, bnd
    y = np.zeros((K, m), dtype=np.int64)
    y[kk, jj] = np.round(x).astype(np.int64)
    return ("optimal" if st == "optimal" else "limit"), y, bnd


def _counts_to_assignment(y, inv, cnt, n):
    """Item assignment from integer class counts (row k sums to at most cnt_k; the rest -1)."""
    K, m = y.shape
    order = np.argsort(inv, kind="stable")
    start = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    kk, jj = np.nonzero(y)
    f = y[kk, jj]
    a = -np.ones(n, dtype=np.int64)
    agents = np.repeat(jj, f)
    A = np.bincount(kk, weights=f, minlength=K).astype(np.int64)
    ks = np.flatnonzero(A > 0)
    Ak = A[ks]
    base = np.repeat(start[ks], Ak)
    off = np.arange(int(Ak.sum())) - np.repeat(np.cumsum(Ak) - Ak, Ak)
    a[order[base + off]] = agents
    return a


# ----------------------------------------------------------------------------- improvement
def class_lns(a, c, w, C, inv, ck, wk, lam, lb, deadline, closed, rng, stats, *, delta=0.0,
              sub_vars=600, sub_tl=0.15):
    """Large-neighbourhood search over class counts: re-solve a few agents exactly.

    Each step takes an agent ``j0`` drawn in proportion to what it costs above the bound
    (``lam_j * free capacity + sum of the reduced costs of its items``: the two parts of
    ``c(a) - L(lam)``), adds partners where ``j0``'s classes are nearly as cheap (small
    reduced cost), and re-distributes every item of those agents by a MIP over integer class
    counts (:func:`highs_mip`, interruptible, ``sub_tl`` seconds at most) with the current
    cost as cutoff, so a step never worsens.  The neighbourhood grows while the MIPs finish
    fast and shrinks when they hit their limit.  ``a`` is changed in place and returned with
    its cost; stops at ``deadline`` or once ``closed(cost, lb)``.  Items are grouped as in
    :func:`aggregate_classes` (``inv``), so it runs unchanged on one-item classes.
    """
    n, m = c.shape
    K = len(ck)
    if m < 2:
        return a, float(c[np.arange(n), a].sum())
    idx = np.arange(n)
    Y = np.bincount(inv * m + a, minlength=K * m).reshape(K, m)
    load = np.bincount(a, weights=w, minlength=m)
    fin = np.isfinite(ck)
    red = np.where(fin, ck + lam[None, :] * wk[:, None], np.inf)
    rc = red - red.min(axis=1, keepdims=True)
    pos_rc = rc[fin & (rc > 0)]
    tau = float(np.median(pos_rc)) if pos_rc.size else 1.0
    inc = float(c[idx, a].sum())
    n_agents = 4 if m > 4 else m
    tried = improved = limited = 0
    while not closed(inc, lb):
        left = deadline - time.perf_counter()
        if left < 0.01:
            break
        # where the assignment loses against the bound, per agent
        on = Y > 0
        waste = lam * np.maximum(C - load, 0.0) + np.where(on, Y * np.where(fin, rc, 0.0),
                                                           0.0).sum(axis=0)
        p0 = waste + 1e-3 * (waste.mean() + 1e-12)
        j0 = int(rng.choice(m, p=p0 / p0.sum()))
        ks0 = np.flatnonzero(Y[:, j0])
        near = (Y[ks0, j0][:, None] / (1.0 + np.where(fin[ks0], rc[ks0], np.inf) / tau)).sum(
            axis=0)
        near[j0] = 0.0
        near = near + 1e-6 * (near.sum() + 1e-12) + 0.05 * near.mean() * rng.random(m)
        k_partners = int(min(m - 1, max(1, n_agents - 1)))
        S = np.concatenate([[j0], np.argpartition(-near, k_partners - 1)[:k_partners]])
        ks = np.flatnonzero(Y[:, S].sum(axis=1))
        Ysub = Y[np.ix_(ks, S)]
        # columns: where items are now, plus the three cheapest other agents of S per class
        rsub = np.where(fin[np.ix_(ks, S)], rc[np.ix_(ks, S)], np.inf)
        colmask = Ysub > 0
        n_extra = min(3, len(S))
        cheap = np.argpartition(rsub, n_extra - 1, axis=1)[:, :n_extra]
        colmask[np.arange(len(ks))[:, None], cheap] = True
        colmask &= np.isfinite(rsub)
        kk, jj = np.nonzero(colmask)
        q = len(kk)
        N = Ysub.sum(axis=1)
        A = sparse.vstack([
            sparse.csr_array((np.ones(q), (kk, np.arange(q))), shape=(len(ks), q)),
            sparse.csr_array((wk[ks][kk], (jj, np.arange(q))), shape=(len(S), q))])
        cost = ck[ks[kk], S[jj]]
        cur = float((ck[np.ix_(ks, S)][Ysub > 0] * Ysub[Ysub > 0]).sum())
        cap = C[S]  # every item of S is in the sub-problem
        tl = min(sub_tl, left)
        st, x, _ = highs_mip(cost, A, np.concatenate([N, np.full(len(S), -np.inf)]),
                             np.concatenate([N.astype(float), cap]), N[kk].astype(float),
                             time.perf_counter() + tl, 0.0,
                             cur - max(delta, 1e-9 * max(1.0, abs(cur))))
        tried += 1
        if st == "limit":
            limited += 1
            n_agents = max(2, n_agents - 1)
        elif len(kk) < sub_vars:
            n_agents = min(m, n_agents + 1)
        if x is None or st == "infeasible":
            continue
        ynew = np.zeros_like(Ysub)
        ynew[kk, jj] = np.round(x).astype(np.int64)
        if not np.array_equal(ynew.sum(axis=1), N):
            continue
        new_cost = float((cost * ynew[kk, jj]).sum())
        if new_cost >= cur - 1e-12:
            continue
        # re-label the items of the classes ks on agents S by the new counts
        items = idx[np.isin(a, S)]
        items = items[np.argsort(inv[items], kind="stable")]
        order = np.repeat(np.arange(len(ks)), N)  # class position per item, grouped
        pos_of = np.full(K, -1)
        pos_of[ks] = np.arange(len(ks))
        if not np.array_equal(pos_of[inv[items]], order):
            continue  # pragma: no cover - bookkeeping mismatch: skip the step
        a_new = np.repeat(np.tile(S, len(ks)), ynew.ravel())
        sub_load = np.bincount(a_new, weights=w[items], minlength=m)
        if (sub_load[S] > C[S] * (1 + 1e-12) + 1e-9).any():
            continue
        a[items] = a_new
        Y[np.ix_(ks, S)] = ynew
        load = np.bincount(a, weights=w, minlength=m)
        inc = float(c[idx, a].sum())
        improved += 1
    stats["lns_tried"] = stats.get("lns_tried", 0) + tried
    stats["lns_improved"] = stats.get("lns_improved", 0) + improved
    stats["lns_limited"] = stats.get("lns_limited", 0) + limited
    return a, inc


# ----------------------------------------------------------------------------- driver
def solve_office(c, w, C, *, integer, rel_gap, deadline, stats, t0, force=False, seed=0):
    """Office-case pipeline on min-form costs ``c`` (inf = forbidden).

    Returns ``None`` when the instance does not compress into classes (the caller then
    uses the item-level path), else ``(assignment or None, lb, kind, message, prices)`` with
    ``kind`` in {"ok", "time_limit", "infeasible"}; ``lb`` is a proven lower bound of the
    min-form problem and ``prices`` the multipliers whose exact Lagrangian gives it (before
    any tightening by the exact stage).
    """
    n, m = c.shape
    first, inv, cnt = aggregate_classes(c, w)
    K = len(first)
    stats["classes"] = K
    stats["stages"]["aggregate"] = time.perf_counter() - t0
    roomy = not np.isfinite(deadline) or deadline - time.perf_counter() > 2.0
    if K > _MAX_CLASS_SHARE * n and (K > _MAX_SMALL_K or not roomy) and not force:
        return None  # no compression: the item-level Lagrangian path is faster under a limit
    ck, wk = c[first], w[first]
    pos = wk > 0
    # zero-weight classes need no capacity: they go to their cheapest agent
    dK = ck[pos] / wk[pos, None]
    sK = cnt[pos] * wk[pos]
    has_limit = np.isfinite(deadline)
    t_now = time.perf_counter()
    # ---- prices (approximate), then the exact class LP
    # a cut-short price estimate costs the LP several rounds (10,000 x 150 needs: 0.1 s of
    # smoothing -> 4 LP rounds, 0.72 s; 0.17 s -> one round, 0.17 s): it may take 40 %
    dual_deadline = deadline if not has_limit else t_now + _DUAL_SHARE * (deadline - t_now)
    if pos.any():
        lam = _smooth_dual(dK, sK, C, dual_deadline)
    else:
        lam = np.zeros(m)
    lb = class_lagrangian(ck, wk, cnt, C, lam)
    stats["stages"]["smooth_dual"] = time.perf_counter() - t0
    z = rcK = None
    if pos.any():
        lp_deadline = deadline if not has_limit else (
            time.perf_counter() + 0.85 * (deadline - time.perf_counter()))
        z_pos, lam_lp, u_lp = _class_lp(dK, sK, C, lam, lp_deadline, stats)
        if isinstance(z_pos, str):
            return None, np.inf, "infeasible", (
                "the LP relaxation is infeasible: no assignment respects capacities"), None
        lb_lp = class_lagrangian(ck, wk, cnt, C, lam_lp)
        if lb_lp >= lb:
            lb, lam = lb_lp, lam_lp
        if z_pos is not None:
            z = np.zeros((K, m))
            z[pos] = z_pos
            rcK = np.full((K, m), np.inf)
            rcK[pos] = np.where(np.isfinite(dK), dK + lam_lp[None, :] - u_lp[:, None], np.inf)
    stats["stages"]["lp"] = time.perf_counter() - t0
    zero = np.flatnonzero(~pos)
    lp_ok = z is not None
    if z is None:
        z = np.zeros((K, m))
        # no LP solution (time): start from the reduced-cost argmin, rounded down later
        red = ck + lam[None, :] * wk[:, None]
        best = np.argmin(red, axis=1)
        z[np.arange(K), best] = cnt * wk
    if len(zero):
        z[zero] = 0.0
    # ---- primal: plain rounding; by weight levels too when that leaves a gap
    def closed(inc, lb):
        if not np.isfinite(inc):
            return False
        if integer and inc - lb < 1 - 1e-9:
            return True
        return (inc - lb) / max(1.0, abs(inc)) <= max(rel_gap, 1e-9)

    def levels():
        lv = _round_levels(z, ck, wk, cnt, C, lam, deadline, stats) if lp_ok else None
        return None if lv is None else _counts_to_assignment(lv[0], inv, cnt, n)

    inc, a, load, ok = np.inf, None, None, False
    for make in (lambda: _round(z, wk, cnt, inv, n, C), levels):
        if a is not None and closed(inc, lb):
            break
        a_c = make()
        if a_c is None:
            continue
        if len(zero):
            zi = np.flatnonzero(~pos[inv])
            a_c[zi] = np.argmin(c[zi], axis=1)
        a_c, load_c, ok_c = _place_left(a_c, c, w, C, lam)
        if not ok_c:
            W = np.broadcast_to(w[:, None], (n, m))
            ok_c = repair(a_c, load_c, c, W, C)
        v = float(c[np.arange(n), a_c].sum()) if ok_c else np.inf
        if a is None or v < inc:
            inc, a, load, ok = v, a_c, load_c, ok_c
    stats["stages"]["round"] = time.perf_counter() - t0

    if ok and not closed(inc, lb):
        shift_descent(a, load, c, w, C, deadline)
        inc = float(c[np.arange(n), a].sum())
    if ok and not closed(inc, lb) and m > 1 and time.perf_counter() < deadline - 0.02:
        # exchange cycles of mixed-weight bundles between agents (_gap_exchange)
        Y = np.bincount(inv * m + a, minlength=K * m).reshape(K, m)
        ex_deadline = deadline if has_limit else time.perf_counter() + max(
            0.5, 2.0 * (time.perf_counter() - t0))
        if exchange_cycles(Y, ck, wk, C, ex_deadline, stats):
            a2 = _counts_to_assignment(Y, inv, cnt, n)
            v2 = float(c[np.arange(n), a2].sum())
            if (a2 >= 0).all() and v2 < inc:
                a, inc = a2, v2
                load = np.bincount(a, weights=w, minlength=m).astype(float)
        stats["stages"]["exchange"] = time.perf_counter() - t0
    if ok and not closed(inc, lb):
        if not closed(inc, lb) and n <= 20_000:
            red = c + lam[None, :] * w[:, None]
            rcs = red[np.arange(n), a] - red.min(axis=1)
            focus = np.argsort(-rcs, kind="stable")[: max(4 * m, 200)]
            sw_deadline = deadline if not has_limit else min(
                deadline, time.perf_counter() + 0.5 * (deadline - time.perf_counter()))
            for _ in range(3):
                a, load, imp = swap_descent(a, load, c, w, C, sw_deadline, focus)
                if not imp:
                    break
                shift_descent(a, load, c, w, C, sw_deadline)
            inc = float(c[np.arange(n), a].sum())
    stats["stages"]["local"] = time.perf_counter() - t0
    t_step = 0.0  # without a limit the step's time comes out of the exact stage's budget
    if lp_ok and np.isfinite(inc) and not closed(inc, lb):
        now = time.perf_counter()
        sd = now + max(0.3, 1.0 * (now - t0)) if not has_limit else (
            now + _LP_STEP_SHARE * (deadline - now))
        a2 = _lp_step(a, c, inv, z, ck, wk, cnt, C, lam, rcK, sd, stats)
        if a2 is not None and (a2 >= 0).all():
            ld2 = np.bincount(a2, weights=w, minlength=m)
            v2 = float(c[np.arange(n), a2].sum())
            if v2 < inc and (ld2 <= C * (1 + 1e-12) + 1e-9).all():
                a, inc = a2, v2
        stats["stages"]["lp_step"] = time.perf_counter() - t0
        t_step = time.perf_counter() - now
    prices = lam.copy()
    kind = "ok"
    # ---- exact stage over class counts when reduced-cost fixing leaves a small MIP, else a
    # large-neighbourhood search until the gap target or the deadline
    if not closed(inc, lb):
        now = time.perf_counter()
        budget = (max(1.0, 3.0 * (now - t0 - t_step)) - t_step) if not has_limit else (
            deadline - now)
        red = ck + lam[None, :] * wk[:, None]
        delta = 1.0 if integer else 0.0
        keep, cutoff = reduced_cost_keep(red, np.isfinite(ck), inc, lb, integer)
        nkeep = int(keep.sum())
        stats["mip_vars"] = nkeep
        if budget > 0.02 and nkeep <= min(5_000 * budget, 20_000):
            st, y, bnd = _class_mip(ck, wk, cnt, C, keep, cutoff, budget, integer)
            stats["mip_status"] = st
            if y is not None:
                a2 = _counts_to_assignment(y, inv, cnt, n)
                if (a2 >= 0).all():
                    v2 = float(c[np.arange(n), a2].sum())
                    if v2 < inc:
                        a, inc = a2, v2
            if st == "optimal":
                lb = inc if np.isfinite(inc) else max(lb, bnd)
            elif st == "infeasible":
                if np.isfinite(inc):
                    lb = inc  # nothing better than the incumbent exists
                else:
                    return None, np.inf, "infeasible", (
                        "exhaustive search found no assignment respecting capacities"), None
            else:
                lb = max(lb, min(inc, bnd))
                if has_limit:
                    kind = "time_limit"
        elif np.isfinite(inc) and budget > 0.02:
            stats["mip_status"] = "lns"
            rng = np.random.default_rng(seed)
            a, inc = class_lns(a, c, w, C, inv, ck, wk, lam, lb, time.perf_counter() + budget,
                               closed, rng, stats, delta=delta)
            if has_limit and not closed(inc, lb):
                kind = "time_limit"
        elif has_limit:
            kind = "time_limit"
        stats["stages"]["exact"] = time.perf_counter() - t0
    if not np.isfinite(inc):
        return None, lb, "time_limit", "no feasible assignment found within the limit", prices
    return a, lb, kind, "", prices
