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
   incumbent does not already attain its dual value is solved exactly with
   :func:`networkx.max_weight_matching`.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

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


def _duals(Wp, sigma):
    """Node potentials u, v with u_i + v_j >= Wp_ij and equality on the permutation."""
    n = Wp.shape[0]
    # constraint v_sigma(i) - v_j <= Wp[i, sigma(i)] - Wp[i, j]: edge j -> sigma(i).
    # D[j, k] = cost of edge j -> k, k = sigma(i)  =>  rows of Wp permuted.
    diag = Wp[np.arange(n), sigma]
    inv = np.empty(n, dtype=np.int64)
    inv[sigma] = np.arange(n)
    # edge cost from j to k=sigma(i): diag[i] - Wp[i, j];  as matrix E[j, k]
    E = (diag[inv][None, :] - Wp[inv, :].T)  # E[j, k] = diag[inv[k]] - Wp[inv[k], j]
    E[~np.isfinite(E)] = np.inf
    v = np.zeros(n)
    for _ in range(n + 1):
        nv = np.minimum(v, (v[:, None] + E).min(axis=0))
        if np.array_equal(nv, v):
            break
        v = nv
    else:  # pragma: no cover - impossible for an optimal assignment
        raise SolverError("negative cycle while recovering assignment duals")
    u = diag - v[sigma]
    return u, v


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
            tot = vx[:, None] + vz[None, :] + wpos[np.ix_(odd[x], odd[z])]
            a, b = np.unravel_index(int(np.argmax(tot)), tot.shape)
            gain = tot[a, b] - vx.max() - vz.max()
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


def _component_bnb(nodes, ei, ej, wz, inc_w, tol, stats, max_nodes=400):
    """Exact max-weight matching on one pruned component, or None if nothing beats ``inc_w``.

    Branch and bound over the assignment relaxation: an optimal permutation with an odd cycle
    of length >= 3 is split into children that each forbid one edge of that cycle (every
    matching misses at least one edge of an odd cycle, so the split is complete).  Falls back
    to :func:`networkx.max_weight_matching` if the tree grows beyond ``max_nodes``.
    """
    k = len(nodes)
    loc = {int(a): t for t, a in enumerate(nodes)}
    li = np.array([loc[int(a)] for a in ei], dtype=np.int64)
    lj = np.array([loc[int(b)] for b in ej], dtype=np.int64)
    base = np.full((k, k), -np.inf)
    base[li, lj] = wz[ei, ej]
    base[lj, li] = wz[ei, ej]
    np.fill_diagonal(base, 0.0)
    best_w, best = inc_w, None
    import heapq

    stack = [(0.0, 0, ())]
    seen = set()
    count = 0
    while stack:
        negval, _, forb = heapq.heappop(stack)
        if -negval <= best_w + tol and count:
            break
        count += 1
        if count > max_nodes:
            import networkx as nx

            G = nx.Graph()
            G.add_weighted_edges_from(
                (int(a), int(b), float(wz[a, b])) for a, b in zip(ei, ej, strict=True)
            )
            m = nx.max_weight_matching(G)
            stats["networkx_fallback"] = stats.get("networkx_fallback", 0) + 1
            val = sum(wz[a, b] for a, b in m)
            return [(int(a), int(b)) for a, b in m] if val > inc_w + tol else best
        M = base.copy()
        for a, b in forb:
            M[a, b] = M[b, a] = -np.inf
        try:
            r, sg = linear_sum_assignment(M, maximize=True)
        except ValueError:
            continue
        val = M[r, sg].sum() / 2.0
        if not np.isfinite(val) or val <= best_w + tol:
            continue
        cyc = _cycles(sg)
        odd = [c for c in cyc if len(c) % 2 == 1 and len(c) > 2]
        if not odd:
            pairs = []
            wpos = np.where(np.isfinite(M), M, 0.0)
            for c in cyc:
                if len(c) == 2:
                    pairs.append((c[0], c[1]))
                elif len(c) > 2:
                    pairs.extend(_best_path_matching(c, wpos, True))
            v2 = sum(wpos[a, b] for a, b in pairs)
            if v2 > best_w + tol:
                best_w = v2
                best = [(int(nodes[a]), int(nodes[b])) for a, b in pairs]
            continue
        # heuristic incumbent from this node's relaxation
        wpos = np.where(np.isfinite(base) & (base > 0), base, 0.0)
        hm = -np.ones(k, dtype=np.int64)
        for c in cyc:
            if len(c) == 2:
                hm[c[0]], hm[c[1]] = c[1], c[0]
            elif len(c) % 2 == 0:
                for a, b in _best_path_matching(c, wpos, True):
                    hm[a], hm[b] = b, a
        _match_odd_cycles(odd, wpos, hm)
        _augment3(hm, wpos)
        hv = sum(wpos[a, hm[a]] for a in range(k) if hm[a] > a)
        if hv > best_w + tol:
            best_w = hv
            best = [(int(nodes[a]), int(nodes[hm[a]])) for a in range(k) if hm[a] > a]
        cy = min(odd, key=len)
        edges = [(cy[t], cy[(t + 1) % len(cy)]) for t in range(len(cy))]
        edges.sort(key=lambda e: -M[e[0], e[1]])  # heaviest forbidden last -> explored first
        for e in edges:
            key = frozenset(forb + (e,))
            if key in seen:
                continue
            seen.add(key)
            count_push = len(stack) + count
            heapq.heappush(stack, (-val, count_push, forb + (e,)))
    stats["bnb_nodes"] = stats.get("bnb_nodes", 0) + count
    return best


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
    u, v = _duals(Wp, sigma)
    y = (u + v) / 2.0
    scale = max(1.0, float(np.abs(wz[pos]).max()))
    tol = 1e-9 * scale * max(1, n)
    # dual feasibility check (exactness of the pruning relies on it)
    y = np.maximum(y, 0.0)
    slack = y[:, None] + y[None, :] - wz
    viol = np.where(pos, -slack, 0.0).max()
    if viol > 0:
        y = y + viol / 2.0  # still feasible, slightly weaker
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
        red = np.where(pos, slack, np.inf)
        keep = np.triu(red <= (ub - lb) + tol, 1)
        ii, jj = np.nonzero(keep)
        g = csr_array((np.ones(len(ii)), (ii, jj)), shape=(n, n))
        ncomp, lab = connected_components(g, directed=False)
        new_mate = mate.copy()
        solved = 0
        for c in np.unique(lab[ii]):
            nodes = np.flatnonzero(lab == c)
            inc_w = sum(wz[a, mate[a]] for a in nodes if mate[a] > a and lab[mate[a]] == c)
            leaving = any(mate[a] >= 0 and lab[mate[a]] != c for a in nodes)
            if not leaving and inc_w >= y[nodes].sum() - tol:
                continue
            sel = lab[ii] == c
            sub_i, sub_j = ii[sel], jj[sel]
            m = _component_bnb(nodes, sub_i, sub_j, wz, inc_w, tol, stats)
            for a in nodes:
                new_mate[a] = mate[a]
            if m is not None:
                for a in nodes:
                    new_mate[a] = -1
                for a, b in m:
                    new_mate[a], new_mate[b] = b, a
            solved += 1
        stats["components_solved"] = solved
        new_w = float(sum(wz[i, new_mate[i]] for i in range(n) if new_mate[i] > i))
        if new_w > lb:
            mate, lb = new_mate, new_w
        ub = lb  # proven: every improving matching lives in the pruned graph
    total = _verify_pairing(mate, w_raw, allowed)
    if total < lb - tol:  # pragma: no cover
        raise SolverError("pairing weight below the incumbent value")
    pairs = sorted((int(i), int(mate[i])) for i in range(n) if mate[i] > i)
    stats["runtime"] = time.perf_counter() - t0
    return PairingSolution(pairs, total, mate, float(max(ub, total)), "optimal", stats)
