"""Exact maximum-weight matching (pairing) via an assignment relaxation and dual pruning.

Algorithm (see ``docs/performance.md``):

1. Double the graph into an n x n assignment problem (diagonal = "stay single", weight 0)
   and solve it with :func:`scipy.optimize.linear_sum_assignment`.  Half its value is the
   fractional-matching LP optimum, an upper bound.
2. Recover LP duals ``y >= 0`` with ``y_a + y_b >= w_ab`` from the optimal permutation by
   Bellman-Ford on the difference-constraint system (vectorised numpy).
3. Build an incumbent from the permutation's cycles, then improve it greedily.
4. Reduced-cost pruning: any matching better than the incumbent uses only edges with
   ``y_a + y_b - w_ab <= UB - LB``.  Each connected component of the pruned graph whose
   incumbent does not already attain its dual value is solved exactly by Edmonds' blossom
   LP with cutting planes (:mod:`._blossom_lp`: HiGHS, odd-set cuts from the fractional
   support, the tight graph and Padberg-Rao, column generation seeded with the assignment
   and incumbent edges, branching only on a stall).  If HiGHS fails, the component goes to
   :func:`networkx.max_weight_matching` (exact, slower).

Bellman-Ford accepts an update only if it improves a potential by more than
``1e-9 * max|w| * n``, so float round-off (e.g. ``0.1 + 0.2``) no longer stops the dual
recovery; violated dual constraints are repaired by a uniform shift, and if the potentials
do not settle, trivially feasible duals ``y_a = max_b w_ab / 2`` are used (weaker pruning,
same exactness).
"""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from ._blossom_lp import LPFailure, solve_component
from ._result import PairingSolution, SolverError, _verify_pairing

__all__ = ["max_weight_pairing"]


def _validate(weights, allowed):
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"weights must be a square (n, n) matrix, got shape {w.shape}")
    n = w.shape[0]
    if allowed is not None:
        allowed = np.asarray(allowed)
        if allowed.shape != (n, n):
            raise ValueError(f"allowed must have shape {(n, n)}, got {allowed.shape}")
        if allowed.dtype != bool:
            raise ValueError(f"allowed must be a boolean mask, got dtype {allowed.dtype}")
        if not np.array_equal(allowed, allowed.T):
            raise ValueError("allowed must be symmetric")
        allowed = allowed.copy()
    off = ~np.eye(n, dtype=bool)
    use = off if allowed is None else (off & allowed)
    if np.isnan(w[use]).any() or np.isinf(w[use]).any():
        raise ValueError("weights must be finite off the diagonal (where allowed)")
    wz = np.where(use, w, 0.0)
    if not np.allclose(wz, wz.T, rtol=1e-12, atol=1e-12):
        raise ValueError("weights must be symmetric")
    wz = (wz + wz.T) / 2.0 if n else wz
    return w, wz, use, allowed


def _duals(Wp, sigma, tol):
    """Node potentials u, v with u_i + v_j >= Wp_ij - O(tol) and equality on the permutation.

    Bellman-Ford on the difference-constraint system of the optimal permutation ``sigma``.
    Float round-off can create cycles of tiny negative length (e.g. symmetric weights such
    as ``0.1 + 0.2``), so an update counts only if it improves a potential by more than
    ``tol``; remaining violations are repaired by the caller.  Returns ``None`` if the
    potentials still do not settle (the caller then uses trivially feasible duals).
    """
    n = Wp.shape[0]
    # constraint v_sigma(i) - v_j <= Wp[i, sigma(i)] - Wp[i, j]: edge j -> sigma(i).
    diag = Wp[np.arange(n), sigma]
    inv = np.empty(n, dtype=np.int64)
    inv[sigma] = np.arange(n)
    E = diag[inv][None, :] - Wp[inv, :].T  # E[j, k] = diag[inv[k]] - Wp[inv[k], j]
    E[~np.isfinite(E)] = np.inf
    v = np.zeros(n)
    for _ in range(n + 1):
        cand = (v[:, None] + E).min(axis=0)
        better = cand < v - tol
        if not better.any():
            break
        v = np.where(better, cand, v)
    else:
        return None
    u = diag - v[sigma]
    return u, v


def wpos_rowmax(wz, pos):
    """Largest positive weight at each node (0 if none)."""
    return np.where(pos, wz, 0.0).max(axis=1)


def _cycles(sigma):
    n = len(sigma)
    seen = np.zeros(n, dtype=bool)
    out = []
    for s in range(n):
        if seen[s]:
            continue
        cyc = []
        k = s
        while not seen[k]:
            seen[k] = True
            cyc.append(k)
            k = int(sigma[k])
        out.append(cyc)
    return out


def _best_path_matching(nodes, wz, closed):
    """Maximum-weight matching on a path (or cycle if ``closed``) by DP; returns pairs."""
    L = len(nodes)
    if L < 2:
        return []
    if closed:
        best, best_pairs = -1.0, []
        # either edge (last, first) unused -> path; or used -> path on nodes[1:-1]
        p1 = _best_path_matching(nodes, wz, False)
        v1 = sum(wz[a, b] for a, b in p1)
        p2 = _best_path_matching(nodes[1:-1], wz, False) if L > 2 else []
        e = wz[nodes[-1], nodes[0]]
        v2 = sum(wz[a, b] for a, b in p2) + (e if e > 0 else -np.inf)
        best, best_pairs = (v1, p1) if v1 >= v2 else (v2, p2 + [(nodes[-1], nodes[0])])
        return best_pairs
    f = [0.0] * (L + 1)
    take = [False] * (L + 1)
    for k in range(2, L + 1):
        e = wz[nodes[k - 2], nodes[k - 1]]
        cand = f[k - 2] + e if e > 0 else -np.inf
        if cand > f[k - 1]:
            f[k], take[k] = cand, True
        else:
            f[k] = f[k - 1]
    pairs = []
    k = L
    while k >= 2:
        if take[k]:
            pairs.append((nodes[k - 2], nodes[k - 1]))
            k -= 2
        else:
            k -= 1
    return pairs


def _leave_one_out(cyc, wpos):
    """For each node a of an odd cycle: (value, pairs) of the best matching of cycle - a."""
    k = len(cyc)
    out = []
    for r in range(k):
        path = cyc[r + 1 :] + cyc[:r]
        p = _best_path_matching(path, wpos, False)
        out.append((sum(wpos[a, b] for a, b in p), p))
    return out


def _match_odd_cycles(odd, wpos, mate):
    """Match odd cycles internally, pairing the left-out nodes of two cycles when it pays."""
    info = [_leave_one_out(c, wpos) for c in odd]
    used = [False] * len(odd)
    choice = [int(np.argmax([v for v, _ in inf])) for inf in info]
    best_gain = []
    for x in range(len(odd)):
        for z in range(x + 1, len(odd)):
            vx = np.array([v for v, _ in info[x]])
            vz = np.array([v for v, _ in info[z]])
            # only a positive (so allowed) edge joins two cycles; the losses are taken from
            # each cycle's best first, since (vx + vz) - vx.max() - vz.max() can round to
            # > 0 and once paired a disallowed edge of weight 0
            wxz = wpos[np.ix_(odd[x], odd[z])]
            gains = np.where(wxz > 0, (vx - vx.max())[:, None] + (vz - vz.max())[None, :] + wxz,
                             -np.inf)
            a, b = np.unravel_index(int(np.argmax(gains)), gains.shape)
            gain = gains[a, b]
            if gain > 0:
                best_gain.append((-gain, x, z, int(a), int(b)))
    best_gain.sort()
    for _g, x, z, a, b in best_gain:
        if used[x] or used[z]:
            continue
        used[x] = used[z] = True
        choice[x], choice[z] = a, b
        na, nb = odd[x][a], odd[z][b]
        mate[na], mate[nb] = nb, na
    for x, _cyc in enumerate(odd):
        for a, b in info[x][choice[x]][1]:
            mate[a], mate[b] = b, a


def _augment3(mate, wpos, max_rounds=50):
    """Local search from single nodes: a-c stolen from d, d re-paired with single b."""
    n = len(mate)
    for _ in range(max_rounds):
        single = np.flatnonzero(mate < 0)
        if len(single) == 0:
            return
        matched = np.flatnonzero(mate > np.arange(n))
        if len(matched) == 0:
            return
        c, d = matched, mate[matched]
        wcd = wpos[c, d]
        best = (1e-12, None)
        for a in single:
            # a takes c (d freed, then d pairs with a single b != a) or a takes d
            for x, y in ((c, d), (d, c)):
                g1 = np.where(wpos[a, x] > 0, wpos[a, x] - wcd, -np.inf)  # y freed
                others = single[single != a]
                if len(others):
                    wb = wpos[np.ix_(y, others)]
                    jb = wb.argmax(axis=1)
                    g2 = g1 + np.maximum(wb[np.arange(len(y)), jb], 0.0)
                else:
                    jb = np.zeros(len(y), dtype=np.int64)
                    g2 = g1
                k = int(np.argmax(g2))
                if g2[k] > best[0]:
                    b = int(others[jb[k]]) if len(others) and wb[k, jb[k]] > 0 else -1
                    best = (g2[k], (int(a), int(x[k]), int(y[k]), b))
        if best[1] is None:
            return
        a, x, y, b = best[1]
        mate[a], mate[x] = x, a
        mate[y] = -1
        if b >= 0:
            mate[y], mate[b] = b, y


def _greedy_augment(mate, wz, use):
    """Add positive edges between single nodes, heaviest first."""
    single = np.flatnonzero(mate < 0)
    if len(single) < 2:
        return
    sub = wz[np.ix_(single, single)]
    ok = use[np.ix_(single, single)] & (sub > 0)
    ii, jj = np.nonzero(np.triu(ok, 1))
    order = np.lexsort((jj, ii, -sub[ii, jj]))
    for k in order:
        a, b = single[ii[k]], single[jj[k]]
        if mate[a] < 0 and mate[b] < 0:
            mate[a], mate[b] = b, a


def _close_gap(mate, sigma, wz, pos, y, slack, ub, lb, tol, scale, stats):
    """Optimal matching given feasible duals ``y`` and the incumbent ``mate``.

    Any matching M satisfies ``w(M) = ub - sum_{e in M} rc_e - y(single nodes)``, so one that
    beats the incumbent uses only edges with ``rc_e <= ub - lb``.  The pruned graph (plus the
    incumbent's own edges) splits into components, solved independently; a component whose
    incumbent part already attains ``y(component)`` is optimal as it stands.
    """
    n = len(mate)
    keep = pos & (slack <= (ub - lb) + tol)
    inc = np.flatnonzero(mate > np.arange(n))
    keep[inc, mate[inc]] = True
    ii, jj = np.nonzero(np.triu(keep, 1))
    g = csr_array((np.ones(len(ii)), (ii, jj)), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    stats["pruned_edges"] = int(len(ii))
    new_mate = mate.copy()
    solved = 0
    elab = lab[ii]
    for c in np.unique(elab):
        nodes = np.flatnonzero(lab == c)
        inc_w = float(sum(wz[a, mate[a]] for a in nodes if mate[a] > a))
        if inc_w >= y[nodes].sum() - tol:
            continue
        sel = elab == c
        sub_i, sub_j = ii[sel], jj[sel]
        solved += 1
        seed = (mate[sub_i] == sub_j) | (sigma[sub_i] == sub_j) | (sigma[sub_j] == sub_i)
        m = _solve_component(
            nodes, sub_i, sub_j, wz, inc_w, scale, stats, slack[sub_i, sub_j], seed
        )
        if m is not None:
            new_mate[nodes] = -1
            for a, b in m:
                new_mate[a], new_mate[b] = b, a
    stats["components_solved"] = solved
    stats["largest_component_edges"] = int(np.bincount(elab).max()) if len(elab) else 0
    return new_mate


def _solve_component(nodes, ei, ej, wz, inc_w, scale, stats, rc0=None, seed=None):
    """Exact matching of one pruned component (global node ids); None keeps the incumbent."""
    loc = np.full(int(nodes.max()) + 1, -1, dtype=np.int64)
    loc[nodes] = np.arange(len(nodes))
    li, lj = loc[ei], loc[ej]
    we = wz[ei, ej]
    tol_lp = 1e-9 * scale
    try:
        pick, _ = solve_component(len(nodes), li, lj, we, inc_w, tol_lp, stats, rc0, seed)
        if pick is None:
            return None
        return [(int(ei[e]), int(ej[e])) for e in pick]
    except LPFailure:  # pragma: no cover - HiGHS failure: exact but slower fallback
        import networkx as nx

        stats["networkx_fallback"] = stats.get("networkx_fallback", 0) + 1
        G = nx.Graph()
        G.add_weighted_edges_from(zip(ei.tolist(), ej.tolist(), we.tolist(), strict=True))
        m = nx.max_weight_matching(G)
        if sum(wz[a, b] for a, b in m) > inc_w:
            return [(int(a), int(b)) for a, b in m]
        return None


def max_weight_pairing(weights, *, allowed=None) -> PairingSolution:
    """Maximum-weight matching of a symmetric weight matrix (exact).

    Parameters
    ----------
    weights : array_like, shape (n, n)
        Symmetric pair weights; the diagonal is ignored.  Edges with weight <= 0 are never
        needed, so nodes stay single when no pair adds value.
    allowed : array_like of bool, shape (n, n), optional
        Symmetric mask of permitted pairs.

    Returns
    -------
    PairingSolution
        Optimal pairs, recomputed weight, ``mate`` array and the proven bound.

    Examples
    --------
    >>> import numpy as np
    >>> w = np.array([[0, 3, 1, 0], [3, 0, 2, 1], [1, 2, 0, 4], [0, 1, 4, 0]], float)
    >>> sol = max_weight_pairing(w)
    >>> sol.pairs, sol.weight, sol.status
    ([(0, 1), (2, 3)], 7.0, 'optimal')
    """
    t0 = time.perf_counter()
    w_raw, wz, use, allowed = _validate(weights, allowed)
    n = wz.shape[0]
    pos = use & (wz > 0)
    stats = {"n": n}
    mate = -np.ones(n, dtype=np.int64)
    if n < 2 or not pos.any():
        _verify_pairing(mate, w_raw, allowed, 0.0)
        return PairingSolution([], 0.0, mate, 0.0, "optimal", stats)
    Wp = np.where(pos, wz, -np.inf)
    np.fill_diagonal(Wp, 0.0)
    rows, sigma = linear_sum_assignment(Wp, maximize=True)
    ub_lp = Wp[rows, sigma].sum() / 2.0
    scale = float(np.abs(wz[pos]).max())
    tol = 1e-12 * scale * n  # optimality / pruning comparisons (sums of n floats)
    duals = _duals(Wp, sigma, 1e-9 * scale * n)
    if duals is None:  # pragma: no cover - round-off beyond the tolerance
        stats["dual_fallback"] = True
        y = 0.5 * wpos_rowmax(wz, pos)  # y_a + y_b >= max(w_a., w_.b) / 2 * 2 >= w_ab
    else:
        y = (duals[0] + duals[1]) / 2.0
    # dual feasibility repair (exactness of the pruning relies on it)
    y = np.maximum(y, 0.0)
    slack = y[:, None] + y[None, :] - wz
    viol = np.where(pos, -slack, 0.0).max()
    if viol > 0:
        y = y + viol / 2.0  # feasible again, slightly weaker
        slack = slack + viol
    ub = float(y.sum())
    stats["ub_lp"] = float(ub_lp)
    # incumbent from cycles
    wpos = np.where(pos, wz, 0.0)
    odd = []
    for cyc in _cycles(sigma):
        if len(cyc) == 2:
            a, b = cyc
            mate[a], mate[b] = b, a
        elif len(cyc) % 2 == 0:
            for a, b in _best_path_matching(cyc, wpos, True):
                mate[a], mate[b] = b, a
        elif len(cyc) > 2:
            odd.append(cyc)
    _match_odd_cycles(odd, wpos, mate)
    _greedy_augment(mate, wz, use)
    _augment3(mate, wpos)
    lb = float(sum(wz[i, mate[i]] for i in range(n) if mate[i] > i))
    stats["lb_incumbent"] = lb
    if ub - lb > tol:
        mate = _close_gap(mate, sigma, wz, pos, y, slack, ub, lb, tol, scale, stats)
        lb = float(sum(wz[i, mate[i]] for i in range(n) if mate[i] > i))
        ub = lb  # proven: every improving matching lives in the pruned graph
    total = _verify_pairing(mate, w_raw, allowed)
    if total < lb - tol:  # pragma: no cover
        raise SolverError("pairing weight below the incumbent value")
    pairs = sorted((int(i), int(mate[i])) for i in range(n) if mate[i] > i)
    stats["runtime"] = time.perf_counter() - t0
    return PairingSolution(pairs, total, mate, float(max(ub, total)), "optimal", stats)
