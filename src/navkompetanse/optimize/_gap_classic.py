"""Classic GAP (weight per item *and* agent): knapsack Lagrangian, fixing, search.

Everything here works on the minimisation form ``c = +-profit`` (``inf`` where forbidden),
weights ``W`` (n_items, n_agents) and capacities ``C`` (n_agents,), already validated and
diagnosed by :mod:`._gap`.  The caller verifies every returned assignment.

Bound (Fisher-Jaikumar-Van Wassenhove): relax the assignment rows with multipliers ``u``::

    L(u) = sum_i u_i - sum_j K_j(u),   K_j(u) = max { sum_i (u_i - c_ij) x_ij :
                                                      sum_i w_ij x_ij <= C_j, x binary }

``L(u)`` is a lower bound for *any* ``u`` (no solver trust involved); each ``K_j`` is an exact
0-1 knapsack solved by a numpy dynamic programme when weights and capacities are integral.
``u`` starts at the HiGHS LP duals (so ``L >= LP bound``) and is improved by subgradient
steps with a Polyak step length towards the incumbent.

Fixing: with forward and backward DP tables per agent, the knapsack value with item ``i``
forced in (out) costs O(C_j); this bounds every solution with ``x_ij = 1`` (``0``).  Pairs
whose bound cannot beat the incumbent are removed, items left with one agent are fixed.

Primal: Lagrangian heuristic (knapsack solutions, duplicates removed, missing items inserted
by regret), repair, and a shift/swap descent.  Under a time limit: milp on the reduced
problem (mid-size) or a milp neighbourhood search (large), each combined with a penalised
shift/swap tabu search with adaptive per-agent capacity weights (:func:`_tabu`).

Proof: when fixing does not close the gap, :func:`scipy.optimize.milp` runs on the reduced
problem with an objective cutoff ``incumbent - 1`` (integer data); its answer is re-verified.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import linprog, minimize

from ._gap_common import repair, solve_mip

__all__ = ["solve_classic"]

_DP_MAX_CELLS = 4_000_000  # n * m * (max C + 1) above which no fixing / B&B is done
_LP_MAX_VARS = 400_000
_LAG_MAX_BITS = 30_000_000  # decision bits per knapsack-Lagrangian evaluation
_LP_MAX_VARS_TIMED = 20_000  # HiGHS LP needs 20-80 s on 80 x 1600: smoothed Lagrangian
# subgradient schedule (tuned on OR-Library gap1-12; see docs/performance.md)
_RP = 6  # root: halve the step after this many non-improving iterations
_RL = 0.02  # root: stop once the step factor falls below this
_RLAM = 1.0  # root: initial step factor
_DEFL = 0.2  # deflection of the subgradient direction (Camerini-Fratta-Maffioli)
_NODE_ITERS = 3  # subgradient iterations per B&B node (fixing does most of the work)
# time-limited runs (tuned on a few Chu-Beasley / Yagiura instances, see docs/performance.md)
_LNS_VARS = 250  # target binaries per LNS sub-MIP (agents / items chosen accordingly)
_LNS_TL = 0.15  # seconds per LNS sub-MIP
_BB_SHARE = 0.1  # share of the remaining time for the B&B root and first dive
_FULL_MIP_VARS = 8000  # up to this n*m the rest of the time goes to milp on the whole problem
_TABU_SHARE_MIP = 0.5  # share of that milp's time given to the tabu search after it
_TABU_SHARE_MIP_FEW = 0.8  # the same with at most _FEW_ITEMS items per agent, where the
_FEW_ITEMS = 5  # LP is weakest and milp gains least (e20100: 0.50 % -> 0.21 %)
_TABU_SHARE_LNS = 0.3  # share of the time left before the LNS for the tabu search
_TABU_UP, _TABU_DOWN = 1.02, 0.98  # penalty weight factors (overloaded / feasible step)
_TABU_TMIN, _TABU_TMAX = 0.02, 0.07  # tabu tenure range as a share of n
_TABU_JITTER = 0.0  # restart weights: unit * uniform(1 - j, 1 + j)
_TABU_RESTART = 3  # restart from the best after this many times n non-improving moves


# ============================================================================ knapsack DP
def _knap_forward(v, w, cap):
    """DP table ``F`` (k+1, cap+1): ``F[t, c]`` = best value of items ``< t`` within ``c``."""
    k = len(v)
    F = np.zeros((k + 1, cap + 1))
    for t in range(k):
        prev, cur = F[t], F[t + 1]
        wt = int(w[t])
        cur[:] = prev
        if wt == 0:
            cur += v[t]
        elif wt <= cap:
            np.maximum(prev[wt:], prev[:-wt] + v[t], out=cur[wt:])
    return F


def _knap_trace(F, w, cap):
    """Chosen items (bool, length k) of the forward table ``F`` at capacity ``cap``."""
    k = F.shape[0] - 1
    take = np.zeros(k, dtype=bool)
    c = cap
    for t in range(k - 1, -1, -1):
        if F[t + 1, c] != F[t, c]:
            take[t] = True
            c -= int(w[t])
    return take


def knapsack(v, w, cap):
    """Exact 0-1 knapsack, integer weights ``w`` and capacity ``cap``: (value, take)."""
    v = np.asarray(v, dtype=float)
    w = np.asarray(w, dtype=np.int64)
    cap = int(cap)
    pos = np.flatnonzero((v > 0) & (w <= cap))
    take = np.zeros(len(v), dtype=bool)
    if len(pos) == 0 or cap < 0:
        return 0.0, take
    F = _knap_forward(v[pos], w[pos], cap)
    take[pos] = _knap_trace(F, w[pos], cap)
    return float(F[-1, cap]), take


# ============================================================================ Lagrangian
class _Lag:
    """Knapsack Lagrangian of a classic GAP (minimisation form) on a node's ``keep`` mask.

    Rows of ``keep`` with a single ``True`` are *forced* items (constant cost, capacity
    consumed); the other rows are free and enter the per-agent 0-1 knapsacks.  All agents'
    dynamic programmes run together (one numpy step per item position), so the Python
    overhead is ``O(max_j k_j)`` per evaluation instead of ``O(sum_j k_j)``.
    """

    def __init__(self, c, Wi, Ci):
        self.c = np.where(np.isfinite(c), c, 0.0)
        self.Wi, self.Ci = Wi, Ci.astype(np.int64)
        self.n, self.m = c.shape
        self.cmax = int(self.Ci.max()) if self.m else 0
        self.wpad = int(min(Wi.max(), self.cmax + 1)) if Wi.size else 0
        self.ar = np.arange(self.cmax + 1)
        self.ag = np.arange(self.m)
        self.evals = 0
        self.G = np.empty((self.m, self.wpad + self.cmax + 1))
        self.win = np.lib.stride_tricks.sliding_window_view(self.G, self.cmax + 1, axis=1)

    def setup(self, keep):
        """Prepare a node; returns False when the forced items already overload an agent."""
        n = self.n
        cnt = keep.sum(axis=1)
        self.keep = keep
        forced = cnt == 1
        fa = np.argmax(keep, axis=1)
        fi = np.flatnonzero(forced)
        self.forced_items, self.forced_agents = fi, fa[fi]
        self.const = float(self.c[fi, fa[fi]].sum())
        used = np.bincount(fa[fi], weights=self.Wi[fi, fa[fi]], minlength=self.m)
        self.Cr = self.Ci - np.round(used).astype(np.int64)
        if (self.Cr < 0).any() or (cnt == 0).any():
            return False
        self.free = ~forced
        self.fk = keep & self.free[:, None] & (self.Wi <= self.Cr[None, :])
        self.n_free = int(self.free.sum())
        self.idx_free = np.flatnonzero(self.free)
        del n
        return True

    def _pack(self, u, P):
        """Padded per-agent item lists of the mask ``P``: items (m, K), values, weights."""
        jj, ii = np.nonzero(P.T)  # sorted by agent, then item
        cnt = np.bincount(jj, minlength=self.m)
        K = int(cnt.max()) if len(jj) else 0
        starts = np.cumsum(cnt) - cnt
        rank = np.arange(len(jj)) - starts[jj]
        order = np.zeros((self.m, K), dtype=np.int64)
        valid = np.zeros((self.m, K), dtype=bool)
        V = np.zeros((self.m, K))
        Wt = np.zeros((self.m, K), dtype=np.int64)
        order[jj, rank] = ii
        valid[jj, rank] = True
        V[jj, rank] = u[ii] - self.c[ii, jj]
        Wt[jj, rank] = self.Wi[ii, jj]
        return order, valid, V, Wt, K

    def _forward(self, V, Wt, K, decisions_only=False):
        m, cp, wp = self.m, self.cmax + 1, self.wpad
        G, win = self.G, self.win  # win: (m, wp+1, cp) sliding view of G
        G[:, :wp] = -np.inf
        G[:, wp:] = 0.0
        start = wp - np.minimum(Wt, wp)  # (m, K) window start per agent and step
        ag = self.ag
        cur = G[:, wp:]
        if decisions_only:
            D = np.empty((K, m, cp), dtype=bool)
        else:
            F = np.empty((K + 1, m, cp))
            F[0] = 0.0
        for t in range(K):
            cand = win[ag, start[:, t]]
            cand += V[:, t : t + 1]
            if decisions_only:
                np.greater(cand, cur, out=D[t])
                np.maximum(cur, cand, out=cur)
            else:
                np.maximum(cur, cand, out=cur)
                F[t + 1] = cur
        return D if decisions_only else F, G[:, wp:].copy()

    def value(self, u):
        """(L(u), x): bound and the (n, m) bool knapsack solutions of the free items."""
        self.evals += 1
        P = self.fk & (u[:, None] - self.c > 1e-12)
        x = np.zeros((self.n, self.m), dtype=bool)
        uf = float(u[self.free].sum())
        if not P.any():
            return self.const + uf, x
        order, valid, V, Wt, K = self._pack(u, P)
        D, last = self._forward(V, Wt, K, decisions_only=True)
        Kval = last[np.arange(self.m), self.Cr]
        cp = self.cmax + 1
        pos = np.arange(self.m) * cp + self.Cr  # flat (agent, remaining capacity) index
        D2 = D.reshape(K, -1)
        T = np.zeros((self.m, K), dtype=bool)
        WtT = np.ascontiguousarray(Wt.T)
        for t in range(K - 1, -1, -1):  # padded items are never "taken" (no strict gain)
            tk = D2[t].take(pos)
            T[:, t] = tk
            pos -= WtT[t] * tk
        ag_, tt = np.nonzero(T)
        x[order[ag_, tt], ag_] = True
        return float(self.const + uf - Kval.sum()), x

    def forced_bounds(self, u):
        """L(u) and bounds ``L1``/``L0`` for every free kept pair forced to 1 / to 0.

        Pairs that are not free and kept get ``L1 = inf`` and ``L0 = L``.
        """
        n, m = self.n, self.m
        vall = u[:, None] - self.c
        P = self.fk & (vall > 1e-12)
        uf = float(u[self.free].sum())
        L1 = np.full((n, m), np.inf)
        if not P.any():
            L = self.const + uf
            N = self.fk
            ii, jj = np.nonzero(N)
            L1[ii, jj] = L - vall[ii, jj]
            return L, L1, np.full((n, m), L)
        order, valid, V, Wt, K = self._pack(u, P)
        F, _ = self._forward(V, Wt, K)
        B, _ = self._forward(V[:, ::-1], Wt[:, ::-1], K)  # B[K - t] uses items >= t
        ag = np.arange(m)
        Kv = F[K][ag, self.Cr]
        L = float(self.const + uf - Kv.sum())
        # non-positive kept free pairs: forced in -> v + K_j(C_j - w)
        N = self.fk & ~P
        ii, jj = np.nonzero(N)
        L1[ii, jj] = L + Kv[jj] - (vall[ii, jj] + F[K][jj, self.Cr[jj] - self.Wi[ii, jj]])
        L0 = np.full((n, m), L)
        # positive pairs at position t: combine F[t] (items < t) and B (items > t)
        cidx = self.ar[None, None, :]
        Fs = F[:K]  # (K, m, cp)
        Bs = B[K - 1 :: -1] if K else B[:0]  # Bs[t] = B over items > t  (= B[K-1-t])
        Cr = self.Cr[None, :, None]
        r_out = Cr - cidx
        ok = r_out >= 0
        gb = np.take_along_axis(Bs, np.broadcast_to(np.maximum(r_out, 0), Bs.shape), axis=2)
        out = np.where(ok, Fs + gb, -np.inf).max(axis=2)  # (K, m)
        r_in = Cr - Wt.T[:, :, None] - cidx
        ok = r_in >= 0
        gb = np.take_along_axis(Bs, np.maximum(r_in, 0), axis=2)
        inn = np.where(ok, Fs + gb, -np.inf).max(axis=2) + V.T
        tt, jj = np.nonzero(valid.T)
        ii = order[jj, tt]
        L1[ii, jj] = L + Kv[jj] - inn[tt, jj]
        L0[ii, jj] = L + Kv[jj] - out[tt, jj]
        return L, L1, L0


def _lp_start(c, Wi, C, keep, time_limit=None):
    """HiGHS LP relaxation on ``keep``: (status, bound, u, x, capacity-reduced costs)."""
    n, m = c.shape
    ii, jj = np.nonzero(keep)
    k = len(ii)
    A1 = sparse.csr_array((np.ones(k), (ii, np.arange(k))), shape=(n, k))
    A2 = sparse.csr_array((Wi[ii, jj].astype(float), (jj, np.arange(k))), shape=(m, k))
    opts = {} if time_limit is None else {"time_limit": max(float(time_limit), 0.01)}
    r = linprog(c[ii, jj], A_ub=A2, b_ub=C, A_eq=A1, b_eq=np.ones(n), bounds=(0, None),
                method="highs", options=opts)
    if r.status == 2:
        return "infeasible", np.inf, None, None, None
    if r.status != 0:
        return "failed", -np.inf, None, None, None
    u = np.asarray(r.eqlin.marginals, dtype=float)
    mu = np.maximum(-np.asarray(r.ineqlin.marginals, dtype=float), 0.0)
    # proven bound from the capacity duals alone (valid for any mu >= 0; the LP value itself
    # is never trusted): L = sum_i min_j (c_ij + mu_j w_ij) - mu . C
    red = np.where(keep, c + mu[None, :] * Wi, np.inf)
    x = np.zeros((n, m))
    x[ii, jj] = r.x
    return "ok", float(red.min(axis=1).sum() - mu @ C), u, x, red


def _cap_lagrangian(c, W, C, keep, deadline):
    """Capacity multipliers ``mu >= 0`` by annealed log-sum-exp smoothing + L-BFGS-B.

    Returns ``(bound, red)`` with ``red = c + mu W`` (``inf`` outside ``keep``) and the exact
    bound ``sum_i min_j red_ij - mu . C`` (valid for any ``mu >= 0``; equals the LP bound at
    the optimum).  Used when the HiGHS LP is too slow for the time limit.
    """
    n, m = c.shape
    cs_full = np.where(keep, c, np.nan)
    scale = max(float(np.nanmax(np.abs(cs_full))), 1e-12)
    cs = np.where(keep, c / scale, 1e6).astype(np.float32)
    Wf = W.astype(np.float32)
    Cs = C.astype(float)
    mu = np.zeros(m)

    def exact(mu):
        red = np.where(keep, c + mu[None, :] * W, np.inf)
        return float(red.min(axis=1).sum() - mu @ Cs), red

    for T in (3e-3, 3e-4, 3e-5):
        if time.perf_counter() > deadline:
            break

        def f(x, T=T):
            red = cs + x.astype(np.float32)[None, :] * Wf
            mn = red.min(axis=1)
            e = np.exp(-(red - mn[:, None]) / T)
            s = e.sum(axis=1)
            val = float((mn - T * np.log(s)).sum(dtype=np.float64)) - x @ Cs
            g = ((e / s[:, None]) * Wf).sum(axis=0, dtype=np.float64) - Cs
            return -val, -g

        def stop(intermediate_result=None):
            if time.perf_counter() > deadline:
                raise StopIteration

        res = minimize(f, mu, jac=True, method="L-BFGS-B", bounds=[(0, None)] * m,
                       callback=stop, options={"maxiter": 40, "gtol": 1e-10, "ftol": 1e-13})
        mu = np.maximum(res.x, 0.0)
    best = exact(mu * scale)
    zero = exact(np.zeros(m))
    return best if best[0] >= zero[0] else zero


# ============================================================================ primal
def _insert(a, load, c, W, C, items, score):
    """Insert unassigned ``items`` (highest regret first) at their cheapest feasible agent."""
    if len(items) == 0:
        return
    s = score[items]
    srt = np.sort(s, axis=1)
    regret = srt[:, 1] - srt[:, 0] if s.shape[1] > 1 else np.zeros(len(items))
    regret = np.where(np.isfinite(regret), regret, 1e300)
    for i in items[np.argsort(-regret, kind="stable")]:
        fits = (load + W[i] <= C) & np.isfinite(c[i])
        if fits.any():
            j = int(np.argmin(np.where(fits, score[i], np.inf)))
        else:  # least relative excess; repaired later
            j = int(np.argmin(np.where(np.isfinite(c[i]), (load + W[i] - C) / np.maximum(C, 1),
                                       np.inf)))
        a[i] = j
        load[j] += W[i, j]


def _from_lagrangian(x, c, W, C, score):
    """Assignment from knapsack solutions: duplicates resolved by cost, gaps by regret."""
    n, m = c.shape
    cx = np.where(x, c, np.inf)
    a = np.argmin(cx, axis=1).astype(np.int64)
    a[~x.any(axis=1)] = -1
    load = np.bincount(a[a >= 0], weights=W[np.flatnonzero(a >= 0), a[a >= 0]],
                       minlength=m).astype(float)  # int64 when nothing is placed yet
    _insert(a, load, c, W, C, np.flatnonzero(a < 0), score)
    return a, load


class _Search:
    """Penalised shift/swap local search (Yagiura-style adaptive capacity weights)."""

    def __init__(self, c, W, C, rng):
        self.c = np.where(np.isfinite(c), c, 1e18)
        self.fin = np.isfinite(c)
        self.W, self.C, self.rng = W, C, rng
        self.n, self.m = c.shape
        fc = c[self.fin]
        self.scale = float(np.abs(fc).mean() + 1.0) if fc.size else 1.0

    def descent(self, a, load, deadline, max_rounds=10_000):
        """Feasible-only shift and swap descent on the true cost; returns a, load."""
        c, W, C = self.c, self.W, self.C
        n = self.n
        idx = np.arange(n)
        for _ in range(max_rounds):
            if time.perf_counter() > deadline:
                break
            cur = c[idx, a]
            room = C - load
            delta = np.where((W <= room[None, :]) & self.fin, c - cur[:, None], np.inf)
            bj = np.argmin(delta, axis=1)
            bd = delta[idx, bj]
            moved = False
            for i in np.flatnonzero(bd < -1e-9)[np.argsort(bd[bd < -1e-9], kind="stable")]:
                j = int(bj[i])
                if load[j] + W[i, j] <= C[j] and c[i, j] < c[i, a[i]] - 1e-9:
                    load[a[i]] -= W[i, a[i]]
                    load[j] += W[i, j]
                    a[i] = j
                    moved = True
            if moved:
                continue
            # swaps, all pairs at once: best partner per item, applied without conflicts
            if not self._swap_round(a, load, idx):
                break
        return a, load

    def _swap_round(self, a, load, idx):
        """Apply improving feasible swaps (best partner per item, no conflicts)."""
        c, W, C = self.c, self.W, self.C
        n = self.n
        cur = c[idx, a]
        cia = c[:, a]  # c[i, a_l]
        d = cia + cia.T - cur[:, None] - cur[None, :]  # swap i <-> l
        d[a[:, None] == a[None, :]] = np.inf
        if not (d < -1e-9).any():
            return False
        wia = W[:, a]  # W[i, a_l]
        room = C - load
        # i enters a_l replacing l:  W[i, a_l] - W[l, a_l] <= room[a_l]
        ok = (wia - W[idx, a][None, :] <= room[a][None, :]) & self.fin[:, a]
        d = np.where(ok & ok.T, d, np.inf)
        best_l = np.argmin(d, axis=1)
        bd = d[idx, best_l]
        cand = np.flatnonzero(bd < -1e-9)
        if len(cand) == 0:
            return False
        used_items = np.zeros(n, dtype=bool)
        used_agents = np.zeros(self.m, dtype=bool)
        moved = False
        for i in cand[np.argsort(bd[cand], kind="stable")]:
            l_ = int(best_l[i])
            ai, al = a[i], a[l_]
            if used_items[i] or used_items[l_] or used_agents[ai] or used_agents[al]:
                continue
            load[ai] += W[l_, ai] - W[i, ai]
            load[al] += W[i, al] - W[l_, al]
            a[i], a[l_] = al, ai
            used_items[i] = used_items[l_] = True
            used_agents[ai] = used_agents[al] = True
            moved = True
        return moved


def _lns(a, c, W, C, keep, score, deadline, rng, integer, offer, stats):
    """Large-neighbourhood search: re-solve the items of a few agents exactly with milp.

    The agents are one random agent plus partners drawn by affinity (how often an item's two
    best agents by ``score`` are the pair).  The current assignment is feasible for every
    sub-problem, so each accepted step improves; a cutoff row prunes equal-cost solutions.
    """
    n, m = c.shape
    idx = np.arange(n)
    a = a.copy()
    load = np.bincount(a, weights=W[idx, a], minlength=m)
    fin = keep & np.isfinite(c)
    sc = np.where(fin, score, np.inf)
    if m >= 2:
        two = np.argpartition(sc, 1, axis=1)[:, :2]
        aff = np.zeros((m, m))
        np.add.at(aff, (two[:, 0], two[:, 1]), 1.0)
        aff = aff + aff.T + 0.5
        np.fill_diagonal(aff, 0.0)
    s_agents = int(min(m, max(2, np.sqrt(_LNS_VARS / max(n / m, 1.0)))))
    delta = 1.0 if integer else 1e-9
    tried = improved = 0
    k_items = int(min(m, 4))
    n_free = int(min(n, max(10, _LNS_VARS // k_items)))
    top = np.argpartition(sc, k_items - 1, axis=1)[:, :k_items] if m > k_items else None
    rounds = 0
    while time.perf_counter() < deadline - 0.02 and m >= 2:
        rounds += 1
        if rounds % 2 == 0:  # item neighbourhood: misplaced + random items, few agents each
            gapc = sc[idx, a] - sc.min(axis=1)
            noisy = gapc + rng.random(n) * (gapc.mean() + 1e-9) * 2.0
            items = np.sort(np.argpartition(-noisy, n_free - 1)[:n_free])
            cand = np.zeros((len(items), m), dtype=bool)
            if top is not None:
                cand[np.arange(len(items))[:, None], top[items]] = True
            else:
                cand[:] = True
            cand[np.arange(len(items)), a[items]] = True
            cand &= fin[items]
            rest = np.ones(n, dtype=bool)
            rest[items] = False
            cap = C - np.bincount(a[rest], weights=W[idx[rest], a[rest]], minlength=m)
            cur = float(c[items, a[items]].sum())
            tl = min(deadline - time.perf_counter(), _LNS_TL)
            if tl < 0.02:
                break
            _st, b, _ = solve_mip(np.where(cand, c[items], 0.0), W[items], cap, cand, cur - delta,
                             tl, 0.0)
            tried += 1
            if b is not None and float(c[items, b].sum()) < cur - 1e-9:
                a[items] = b
                load = np.bincount(a, weights=W[idx, a], minlength=m)
                offer(a, load, polish=False)
                improved += 1
            continue
        j0 = int(rng.integers(m))
        p = aff[j0] / aff[j0].sum()
        k = min(s_agents - 1, int((p > 0).sum()))
        others = rng.choice(m, size=k, replace=False, p=p)
        S = np.concatenate([[j0], others]).astype(np.int64)
        items = np.flatnonzero(np.isin(a, S))
        if len(items) == 0:
            continue
        sub_keep = fin[np.ix_(items, S)]
        sub_c = np.where(sub_keep, c[np.ix_(items, S)], 0.0)
        cur = float(c[items, a[items]].sum())
        tl = min(deadline - time.perf_counter(), _LNS_TL)
        if tl < 0.02:
            break
        st, b, _ = solve_mip(sub_c, W[np.ix_(items, S)], C[S], sub_keep, cur - delta, tl, 0.0)
        tried += 1
        if b is None:
            continue
        new_agents = S[b]
        if float(c[items, new_agents].sum()) < cur - 1e-9:
            a[items] = new_agents
            load = np.bincount(a, weights=W[idx, a], minlength=m)
            offer(a, load, polish=False)
            improved += 1
    stats["lns_tried"], stats["lns_improved"] = tried, improved
    return a


def _tabu(a, c, W, C, keep, deadline, rng, offer, stats, max_rows=160):
    """Penalised shift/swap tabu search with adaptive per-agent capacity weights.

    Yagiura-Ibaraki-Glover style strategic oscillation: the search moves through infeasible
    assignments whose capacity excess is priced by weights ``alpha_j`` that grow while agent
    ``j`` is overloaded and shrink while it is not.  Every move (all shifts, and swaps of a
    random block of items with all others) is evaluated at once in numpy; the best non-tabu
    move is applied.  Feasible improvements are handed to ``offer``.  Returns the best
    feasible assignment found (or the input).

    A swap ``i <-> l`` changes only agents ``a_i`` and ``a_l``, so its penalised change is
    ``S[i, l] + S[l, i]`` with ``S[i, l]`` = cost of ``i`` entering ``a_l`` while ``l``
    leaves it (cost and that agent's penalty).  One (n, n) matrix per iteration instead of
    separate gathers for both sides keeps an iteration near 0.1 ms at n = 100.
    """
    n, m = c.shape
    idx = np.arange(n)
    ok = keep & np.isfinite(c)
    cc = np.where(ok, c, np.inf)  # forbidden pairs can never be chosen
    c0 = np.where(ok, c, 0.0)
    a = a.copy()
    if m < 2 or n < 2:
        return a
    load = np.bincount(a, weights=W[idx, a], minlength=m)
    best_a, best_v = a.copy(), float(c0[idx, a].sum())
    if (load > C + 1e-9).any() or not ok[idx, a].all():
        best_v = np.inf
    unit = float(np.abs(c0[ok]).mean() / max(W[ok].mean(), 1e-12)) if ok.any() else 1.0
    alpha = np.full(m, unit)
    amin, amax = 0.05 * unit, 1e3 * unit
    tabu = np.zeros((n, m))  # iteration until which item i may not return to agent j
    it = stall = improved = nfeas = 0
    tmin = max(3, int(_TABU_TMIN * n))
    tmax = max(tmin + 3, int(_TABU_TMAX * n))
    rows_all = n <= max_rows
    noise = 1e-7 * unit
    inf = np.inf
    cur, wcur = c0[idx, a], W[idx, a]
    while True:
        it += 1
        if time.perf_counter() > deadline:
            break
        slack = load - C
        P0 = alpha * np.maximum(slack, 0.0)
        base = slack[a] - wcur  # excess of agent a_i once i has left it
        rem = alpha[a] * np.maximum(base, 0.0) - P0[a] - cur
        # shifts i -> j
        ds = W + slack
        np.maximum(ds, 0.0, out=ds)
        ds *= alpha
        ds -= P0
        ds += cc
        ds += rem[:, None]
        ds[tabu > it] = inf
        ds[idx, a] = inf
        bs = int(ds.argmin())
        best_d = ds.flat[bs]
        swap = None
        # swaps i <-> l over all pairs (small n) or a random block of rows R
        R = idx if rows_all else rng.choice(n, size=max_rows, replace=False)
        aR = a[R]
        WR, ccR, tabuR = (W, cc, tabu) if rows_all else (W[R], cc[R], tabu[R])
        S1 = WR[:, a] + base  # rows R entering every a_l
        np.maximum(S1, 0.0, out=S1)
        S1 *= alpha[a]
        S1 += ccR[:, a]
        S1 -= P0[a] + cur
        S1[tabuR[:, a] > it] = inf
        if rows_all:
            D = S1 + S1.T
        else:  # every l entering the agents of R
            S2 = W[:, aR] + base[R]
            np.maximum(S2, 0.0, out=S2)
            S2 *= alpha[aR]
            S2 += cc[:, aR]
            S2 -= P0[aR] + cur[R]
            S2[tabu[:, aR] > it] = inf
            D = S1 + S2.T
        D[aR[:, None] == a[None, :]] = inf
        bw = int(D.argmin())
        if D.flat[bw] < best_d - noise:
            best_d = D.flat[bw]
            r, l_ = divmod(bw, n)
            swap = int(R[r]), l_
        if not np.isfinite(best_d):
            tabu[:] = 0
            continue
        if swap is None:
            i, j = divmod(bs, m)
            o = a[i]
            load[o] -= wcur[i]
            load[j] += W[i, j]
            a[i] = j
            cur[i], wcur[i] = c0[i, j], W[i, j]
            tabu[i, o] = it + rng.integers(tmin, tmax + 1)
        else:
            i, l_ = swap
            ai, al_ = a[i], a[l_]
            load[ai] += W[l_, ai] - wcur[i]
            load[al_] += W[i, al_] - wcur[l_]
            a[i], a[l_] = al_, ai
            cur[i], wcur[i] = c0[i, al_], W[i, al_]
            cur[l_], wcur[l_] = c0[l_, ai], W[l_, ai]
            tabu[i, ai] = it + rng.integers(tmin, tmax + 1)
            tabu[l_, al_] = it + rng.integers(tmin, tmax + 1)
        over = load - C > 1e-9
        if over.any():
            alpha[over] *= _TABU_UP
        else:
            nfeas += 1
            alpha *= _TABU_DOWN
            v = float(cur.sum())
            if v < best_v - 1e-9:
                best_v, best_a = v, a.copy()
                improved += 1
                stall = 0
                offer(best_a, load.copy(), polish=False)
        np.clip(alpha, amin, amax, out=alpha)
        stall += 1
        if stall > _TABU_RESTART * n:  # intensify: restart from the best with fresh weights
            a = best_a.copy()
            load = np.bincount(a, weights=W[idx, a], minlength=m)
            cur, wcur = c0[idx, a], W[idx, a]
            alpha[:] = unit * (rng.uniform(1 - _TABU_JITTER, 1 + _TABU_JITTER, m))
            tabu[:] = 0
            stall = 0
    stats["tabu_iters"] = stats.get("tabu_iters", 0) + it
    stats["tabu_improved"] = stats.get("tabu_improved", 0) + improved
    stats["tabu_feasible"] = stats.get("tabu_feasible", 0) + nfeas
    return best_a


# ============================================================================ B&B
class _Tree:
    """Subgradient, Lagrangian fixing and depth-first branch and bound on ``_Lag``."""

    def __init__(self, lag, c, W, C, integer, rel_gap, offer, get_inc, deadline, stats):
        self.lag, self.c, self.W, self.C = lag, c, W, C
        self.integer, self.rel_gap = integer, rel_gap
        self.offer, self.get_inc, self.deadline, self.st = offer, get_inc, deadline, stats
        self.contrib = np.inf  # min bound over regions closed with a non-trivial bound
        self.node_iters = _NODE_ITERS
        self.n, self.m = c.shape

    def rnd(self, v):
        return float(np.ceil(v - 1e-6)) if self.integer and np.isfinite(v) else float(v)

    def thr(self):
        inc = self.get_inc()
        if not np.isfinite(inc):
            return np.inf
        if self.integer:
            return inc - 1 + 1e-6 * max(1.0, abs(inc))
        return inc - max(self.rel_gap, 1e-9) * max(1.0, abs(inc))

    def close(self, bound):
        """A region is closed (pruned) with lower bound ``bound``."""
        self.contrib = min(self.contrib, self.rnd(bound))

    def subgradient(self, u, iters, lam, patience=5, keep=None, lam_min=2e-3):
        """Improve ``u``; returns (state, best_L, best_u, best_x).

        With ``keep`` given, the Lagrangian heuristic runs every few iterations (often while
        there is no incumbent yet, then every 10th iteration).
        """
        lag = self.lag
        best_L, best_u, best_x, stall = -np.inf, u, None, 0
        free = lag.free
        d_prev = None
        for _it in range(iters):
            L, x = lag.value(u)
            if L > best_L + 1e-9:
                best_L, best_u, best_x, stall = L, u, x, 0
            else:
                stall += 1
                if stall >= patience:
                    lam, stall = lam / 2, 0
            if best_L > self.thr():
                return "pruned", best_L, best_u, best_x
            g = 1.0 - x.sum(axis=1)
            g[~free] = 0.0
            if not g.any():
                return "feasible", L, u, x
            if keep is not None and _it % (3 if not np.isfinite(self.get_inc()) else 10) == 2:
                self.heuristic(x, u, keep)
                if best_L > self.thr():
                    return "pruned", best_L, best_u, best_x
            if lam < lam_min or time.perf_counter() > self.deadline:
                break
            inc = self.get_inc()
            target = inc if np.isfinite(inc) else best_L + 0.05 * abs(best_L) + 1.0
            if _DEFL > 0 and d_prev is not None:  # deflected direction (Camerini et al.)
                g = g + _DEFL * d_prev
            d_prev = g
            u = u + lam * max(target - L, 1e-3) / float(g @ g) * g
        return "open", best_L, best_u, best_x

    def full_x(self, x):
        lag = self.lag
        x = x.copy()
        x[lag.forced_items, lag.forced_agents] = True
        return x

    def heuristic(self, x, u, keep):
        cm = np.where(keep, self.c, np.inf)
        a, load = _from_lagrangian(self.full_x(x), cm, self.W, self.C, cm - u[:, None])
        self.offer(a, load, polish=True)

    def process(self, keep, u, root=False):
        """Bound/fix a node; returns None when closed, else (keep, u, L1) to branch on."""
        lag = self.lag
        iters, lam = (400, _RLAM) if root else (self.node_iters, 0.1)
        for rnd_ in range(8):
            if not lag.setup(keep):
                return None  # forced items overload an agent: empty region
            state, L, u, x = self.subgradient(u, iters, lam, patience=_RP if root else 3,
                                              keep=keep if root else None,
                                              lam_min=_RL if root else 2e-3)
            if state == "feasible":
                a = np.argmax(self.full_x(x), axis=1).astype(np.int64)
                self.offer(a, np.bincount(a, weights=self.W[np.arange(self.n), a],
                                          minlength=self.m), polish=False)
                self.close(L)
                return None
            if state == "pruned":
                self.close(L)
                return None
            if x is not None and (root or rnd_ == 0):
                self.heuristic(x, u, keep)
            L, L1, L0 = lag.forced_bounds(u)
            thr = self.thr()
            if L > thr:
                self.close(L)
                return None
            drop = lag.fk & (L1 > thr)
            must = lag.fk & (L0 > thr)
            if drop.any():
                self.close(L1[drop].min())
            if must.any():
                self.close(L0[must].min())
            new = keep & (lag.fk | ~lag.free[:, None])
            new &= ~drop
            mi, mj = np.nonzero(must)
            new[mi, :] = False
            new[mi, mj] = True
            if root:
                self.st.setdefault("fixed", []).append(int(keep.sum() - new.sum()))
            if (~new.any(axis=1)).any():
                self.close(thr)
                return None
            if np.array_equal(new, keep):
                self.last_L0, self.last_L = L0, L
                return keep, u, L1
            keep = new
            iters, lam = (40, 0.25) if root else (self.node_iters, 0.05)
        if not lag.setup(keep):
            return None
        self.last_L, L1, self.last_L0 = lag.forced_bounds(u)
        return keep, u, L1

    def run(self, keep, u):
        """Depth-first search; returns (complete, lower bound of unexplored regions, root)."""
        res = self.process(keep, u, root=True)
        self.st["t_root"] = time.perf_counter()
        self.st["inc_root"] = self.get_inc()
        if res is None:
            return True, np.inf, None
        root_keep = res[0]
        self.st["vars_left"] = int(res[0].sum())
        self.st["root_bound"] = self.last_L
        stack = [(res, self.last_L)]
        nodes = 0
        while stack:
            (keep, u, L1), nb = stack.pop()
            if nb > self.thr():
                self.close(nb)
                continue
            if time.perf_counter() > self.deadline:
                stack.append(((keep, u, L1), nb))
                self.st["nodes"] = nodes
                return False, min(b for _, b in stack), root_keep
            if nodes > 0:
                r = self.process(keep, u)
                nodes += 1
                if r is None:
                    continue
                keep, u, L1 = r
            else:
                nodes = 1
            cnt = keep.sum(axis=1)
            if (cnt >= 2).sum() == 0:  # every item forced: evaluate directly
                a = np.argmax(keep, axis=1).astype(np.int64)
                load = np.bincount(a, weights=self.W[np.arange(self.n), a], minlength=self.m)
                if (load <= self.C).all():
                    self.offer(a, load, polish=False)
                    self.close(float(self.c[np.arange(self.n), a].sum()))
                continue
            # binary branching on the free pair whose weaker child has the best bound
            L0 = self.last_L0
            pair = keep & (cnt >= 2)[:, None] & np.isfinite(L1)
            score = np.where(pair, np.minimum(L1, L0), -np.inf)
            i, j = divmod(int(np.argmax(score)), self.m)
            one = keep.copy()
            one[i, :] = False
            one[i, j] = True
            zero = keep.copy()
            zero[i, j] = False
            kids = sorted([(float(L1[i, j]), one), (float(L0[i, j]), zero)],
                          key=lambda t: -t[0])
            thr = self.thr()
            for b, child in kids:  # the child with the smaller bound is explored first
                if b > thr:
                    self.close(b)
                    continue
                stack.append(((child, u, None), b))
        self.st["nodes"] = nodes
        return True, np.inf, root_keep


# ============================================================================ driver
def solve_classic(c, W, C, *, integer, rel_gap, deadline, stats, seed=0):
    """Solve the classic GAP in minimisation form.

    Returns ``(assignment or None, lower_bound, kind, message)`` where ``kind`` is "ok",
    "time_limit" or "infeasible".  ``lower_bound`` is proven (for integer data it may be
    rounded up).  The caller verifies the assignment.
    """
    t0 = time.perf_counter()
    n, m = c.shape
    fin = np.isfinite(c)
    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    delta = 1.0 if integer else 0.0
    st = stats.setdefault("classic", {})
    timed = np.isfinite(deadline)

    def left():
        return deadline - time.perf_counter()

    def closed(inc, lb):
        if not np.isfinite(inc):
            return False
        if integer:
            return inc - lb < 1 - 1e-6
        return (inc - lb) / max(1.0, abs(inc)) <= max(rel_gap, 1e-9)

    def rnd(lb):  # integer objective -> the bound rounds up
        return float(np.ceil(lb - 1e-6)) if integer and np.isfinite(lb) else lb

    int_w = bool(np.all(W[fin] == np.round(W[fin])))
    Ci = np.floor(C + 1e-9) if int_w else C
    keep = fin & (W <= C[None, :] * (1 + 1e-12))
    cells = int(n * m * (Ci.max() + 1)) if int_w else 0
    use_dp = int_w and cells <= _DP_MAX_CELLS
    # the bound/heuristic alone needs only decision bits for the positive items per agent
    use_lag = int_w and m * (Ci.max() + 1) * min(n, 4 * n / max(m, 1) + 20) <= _LAG_MAX_BITS
    st["dp"] = use_dp

    # ---- LP relaxation: bound, multipliers, and a first guidance for the heuristics
    lb = -np.inf
    u = np.min(np.where(keep, c, np.inf), axis=1)
    x_lp = red_cap = None
    s = "skipped"
    if n * m <= (_LP_MAX_VARS_TIMED if timed else _LP_MAX_VARS):
        s, lb_lp, u_lp, x_lp, red_cap = _lp_start(np.where(keep, c, 0.0), W, C, keep,
                                                  0.1 * left() if timed else None)
        if s == "infeasible":
            return None, np.inf, "infeasible", (
                "the LP relaxation is infeasible: no assignment respects capacities")
        if s == "ok":
            lb, u = rnd(lb_lp), u_lp
            st["lp_bound_raw"] = lb_lp
    if s != "ok":  # LP too large or too slow for the limit: smoothed capacity Lagrangian
        budget = 0.15 * left() if timed else 60.0
        lb_cap, red_cap = _cap_lagrangian(c, W, C, keep, time.perf_counter() + budget)
        lb = rnd(lb_cap)
        st["lp_bound_raw"] = lb_cap
        u = red_cap.min(axis=1)
    st["lp_bound"] = lb
    st["t_lp"] = time.perf_counter() - t0
    # guide for the heuristics: capacity-priced reduced costs
    score = np.where(keep, red_cap if red_cap is not None else c - u[:, None], np.inf)

    # ---- initial primal: LP-integral items, then regret insertion
    a = -np.ones(n, dtype=np.int64)
    load = np.zeros(m)
    if x_lp is not None:
        for i in np.flatnonzero(x_lp.max(axis=1) > 1 - 1e-9):
            j = int(np.argmax(x_lp[i]))
            if load[j] + W[i, j] <= C[j]:
                a[i] = j
                load[j] += W[i, j]
    _insert(a, load, c, W, C, np.flatnonzero(a < 0), score)
    search = _Search(c, W, C, rng)
    # second start: every item at its best priced agent, overloads repaired
    a2 = np.argmin(score, axis=1).astype(np.int64)
    load2 = np.bincount(a2, weights=W[idx, a2], minlength=m)
    box = {"inc": np.inf, "a": None}

    def offer(cand, cand_load, polish=True):
        if cand is None or (cand < 0).any():
            return
        if not (cand_load <= C).all():
            cand, cand_load = cand.copy(), cand_load.copy()
            if not repair(cand, cand_load, np.where(fin, c, np.inf), W, C):
                return
        if not (cand_load <= C * (1 + 1e-12) + 1e-9).all() or not fin[idx, cand].all():
            return
        if polish:  # bounded effort: a swap round costs O(n^2)
            cand, cand_load = search.descent(
                cand.copy(), cand_load.copy(),
                min(deadline, time.perf_counter() + 0.02 + 2e-8 * n * n), max_rounds=20)
        v = float(c[idx, cand].sum())
        if v < box["inc"] - 1e-9:
            box["inc"], box["a"] = v, cand.copy()

    offer(a, load)
    if not timed or left() > 0 or box["a"] is None:  # the second start repairs a lot
        offer(a2, load2)
    proven_empty = False
    st["t_primal0"] = time.perf_counter() - t0
    st["inc0"] = box["inc"]
    kind = "ok"

    if not use_dp and use_lag and not closed(box["inc"], lb):
        # large: knapsack-Lagrangian bound and Lagrangian heuristic, no fixing / B&B
        lag = _Lag(c, W.astype(np.int64), Ci)
        if lag.setup(keep):
            budget = 0.35 * left() if timed else 30.0
            tree = _Tree(lag, c, W, C, integer, rel_gap, offer, lambda: box["inc"],
                         min(deadline, time.perf_counter() + budget), st)
            state, L, u, x = tree.subgradient(u, 10**6, 1.0, patience=6, keep=keep,
                                              lam_min=0.01)
            if state == "feasible":
                b = np.argmax(tree.full_x(x), axis=1).astype(np.int64)
                offer(b, np.bincount(b, weights=W[idx, b], minlength=m), polish=False)
            if np.isfinite(L):
                lb = max(lb, rnd(L))
            st["lag_bound"], st["evals"] = L, lag.evals
            st["t_lag"] = time.perf_counter() - t0
    if use_dp and not closed(box["inc"], lb):
        lag = _Lag(c, W.astype(np.int64) if int_w else W, Ci)
        bb_deadline = deadline
        if timed:  # bound, fixing and a first dive; the rest goes to the core MIP
            bb_deadline = time.perf_counter() + _BB_SHARE * left()
        tree = _Tree(lag, c, W, C, integer, rel_gap, offer, lambda: box["inc"], bb_deadline,
                     st)
        complete, open_lb, root_keep = tree.run(keep, u)
        st["t_bb"] = time.perf_counter() - t0
        # a complete search without an incumbent prunes nothing by bound (threshold inf):
        # it proves that no assignment exists
        proven_empty = complete and box["a"] is None
        st["evals"] = lag.evals
        if complete:
            lb = max(lb, min(tree.contrib, box["inc"]))
        else:
            lb = max(lb, rnd(min(tree.contrib, open_lb, box["inc"])))
            kind = "time_limit"
        if root_keep is not None:
            keep = root_keep
    elif not closed(box["inc"], lb):
        # no DP: capacity-Lagrangian (LP dual) reduced-cost fixing, then milp with a cutoff
        if np.isfinite(box["inc"]) and red_cap is not None:
            rmin = red_cap.min(axis=1)
            L1 = st["lp_bound_raw"] + red_cap - rmin[:, None]
            keep = keep & (L1 <= box["inc"] - delta + 1e-6 * max(1.0, abs(box["inc"])))
        if not (timed and n * m > 5000):
            tl = left() if timed else None
            inc = box["inc"]
            cutoff = inc - delta + (1e-6 if integer else 0.0) if np.isfinite(inc) else None
            st["mip_vars"] = int(keep.sum())
            s, b, bnd = solve_mip(np.where(keep, c, 0.0), W, C, keep, cutoff, tl,
                             0.0 if integer else rel_gap)
            st["mip_status"] = s
            if b is not None:
                offer(b, np.bincount(b, weights=W[idx, b], minlength=m), polish=False)
            if s in ("optimal", "infeasible"):
                if not np.isfinite(box["inc"]):
                    return None, np.inf, "infeasible", (
                        "exhaustive search found no assignment respecting capacities")
                lb = box["inc"]
            else:
                lb = max(lb, rnd(min(bnd, box["inc"])))
                kind = "time_limit"

    # ---- primal improvement for the remaining time (time-limited runs only): large
    # neighbourhood search with exact milp sub-problems over a few agents at a time
    if timed and not closed(box["inc"], lb) and left() > 0.1 and n * m <= _FULL_MIP_VARS:
        # mid-size: HiGHS on the whole (Lagrangian-reduced) problem; its primal heuristics
        # are strong here.  Its dual bound is used via the reduction argument only.
        kind = "time_limit"
        inc = box["inc"]
        cutoff = (inc - delta + 1e-6 if integer else inc) if np.isfinite(inc) else None
        st["mip_vars"] = int(keep.sum())
        share = _TABU_SHARE_MIP_FEW if n <= _FEW_ITEMS * m else _TABU_SHARE_MIP
        s_, b, bnd = solve_mip(np.where(keep, c, 0.0), W, C, keep, cutoff,
                          0.97 * (1.0 - share) * left(),
                          0.0 if integer else rel_gap)
        st["mip_status"] = s_
        proven_empty |= s_ == "infeasible" and cutoff is None
        if b is not None:
            offer(b, np.bincount(b, weights=W[idx, b], minlength=m))
        if s_ in ("optimal", "infeasible") and np.isfinite(box["inc"]) and cutoff is not None:
            lb = box["inc"]
            kind = "ok"
        elif s_ == "optimal" and b is not None:
            lb = box["inc"]
            kind = "ok"
        elif np.isfinite(bnd):
            lb = max(lb, rnd(min(bnd, box["inc"])))
        # the rest: tabu search from the milp's best solution (strong on types D/E)
        if kind == "time_limit" and box["a"] is not None and left() > 0.1:
            _tabu(box["a"], c, W, C, keep, deadline - 0.02, rng, offer, st)
            st["t_tabu"] = time.perf_counter() - t0
    if timed and not closed(box["inc"], lb) and left() > 0.1 and box["a"] is not None:
        kind = "time_limit"
        if _TABU_SHARE_LNS > 0:
            _tabu(box["a"], c, W, C, keep, time.perf_counter() + _TABU_SHARE_LNS * left(),
                  rng, offer, st)
            st["t_tabu"] = time.perf_counter() - t0
        _lns(box["a"], c, W, C, keep, score, deadline, rng, integer, offer, st)
        st["t_lns"] = time.perf_counter() - t0
    st["t_total"] = time.perf_counter() - t0
    if box["a"] is None:
        if proven_empty or (kind == "ok" and not timed):
            return None, np.inf, "infeasible", (
                "exhaustive search found no assignment respecting capacities")
        return None, lb, "time_limit", "no feasible assignment found within the limit"
    return box["a"], min(lb, box["inc"]), kind, ""
