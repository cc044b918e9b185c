"""Exact maximum-weight matching on a small sparse graph: Edmonds' blossom LP with cuts.

Used by :mod:`._pairing` for the components that reduced-cost pruning cannot close.

The fractional matching LP ``max w.x, x(delta(v)) <= 1, 0 <= x <= 1`` is solved with HiGHS
(:func:`scipy.optimize.linprog`).  While its optimum is fractional, violated blossom
(odd-set) inequalities ``x(E(S)) <= (|S| - 1) / 2`` are separated and added:

* heuristically, as the odd connected components of the fractional support (for the
  half-integral vertices of the plain LP these are exactly its odd cycles), repeated for
  every threshold ``x_e >= t``;
* exactly, by Padberg-Rao (minimum odd cut in a Gomory-Hu tree of the support graph with a
  slack node), when the heuristic finds nothing.

The matching polytope is the degree polytope plus all blossom inequalities (Edmonds 1965), so
with exact separation the loop ends integral; branching on a fractional edge (best-first,
with the cut LP as the bound) is kept only as a safety net for numerical stalls.  Every LP
value is an upper bound on the component; the optimum is certified from the LP duals
``y >= 0`` (vertices) and ``z >= 0`` (odd sets): for any matching ``M``,
``w(M) <= sum(y) + sum(z_S * (|S| - 1) / 2) + (k / 2) * max(0, -min_e rc_e)`` with
``rc_e = y_a + y_b + sum_{S contains e} z_S - w_e`` computed in numpy, independently of the
LP solver's tolerances.
"""

from __future__ import annotations

import heapq

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array, csc_array, csr_array, vstack
from scipy.sparse.csgraph import connected_components

__all__ = ["LPFailure", "solve_component"]

_LP_OPTIONS = {
    "primal_feasibility_tolerance": 1e-10,
    "dual_feasibility_tolerance": 1e-10,
    "presolve": False,
}
_XEPS = 1e-7  # x_e in (XEPS, 1 - XEPS) is fractional


class LPFailure(RuntimeError):
    """HiGHS did not return an optimal solution (the caller falls back to networkx)."""


def _odd_components(k, ei, ej, x, sel):
    """Node sets (bool masks) of odd components (size >= 3) of the edges ``sel``."""
    if not sel.any():
        return []
    g = csr_array((np.ones(int(sel.sum())), (ei[sel], ej[sel])), shape=(k, k))
    ncomp, lab = connected_components(g, directed=False)
    size = np.bincount(lab, minlength=ncomp)
    out = []
    for c in np.flatnonzero((size >= 3) & (size % 2 == 1)):
        out.append(lab == c)
    return out


def _padberg_rao(k, ei, ej, x):
    """Exact blossom separation: odd sets S with ``x(E(S)) > (|S|-1)/2`` (bool masks).

    With slacks ``s_v = 1 - x(delta(v))`` the blossom inequality of S reads
    ``x(delta(S)) + s(S) >= 1``.  Add a node ``z`` joined to each v with capacity ``s_v``; the
    violated inequalities are the T-odd cuts of value < 1 with ``T = V`` (plus ``z`` if |V| is
    odd), and a minimum T-odd cut is a cut of the Gomory-Hu tree (Padberg and Rao 1982).
    """
    import networkx as nx

    supp = x > _XEPS
    deg = np.bincount(ei[supp], weights=x[supp], minlength=k) + np.bincount(
        ej[supp], weights=x[supp], minlength=k
    )
    slack = np.maximum(0.0, 1.0 - deg)
    # only nodes touching a fractional edge can be in a violated set's boundary structure;
    # restrict to the union of components of the support containing a fractional edge
    frac = supp & (x < 1 - _XEPS)
    if not frac.any():
        return []
    g = csr_array((np.ones(int(supp.sum())), (ei[supp], ej[supp])), shape=(k, k))
    _, lab = connected_components(g, directed=False)
    comps = np.unique(lab[ei[frac]])
    out = []
    for c in comps:
        nodes = np.flatnonzero(lab == c)
        if len(nodes) < 3:
            continue
        G = nx.Graph()
        zn = -1
        G.add_nodes_from(int(v) for v in nodes)
        G.add_node(zn)
        es = supp & (lab[ei] == c)
        for a, b, xv in zip(ei[es].tolist(), ej[es].tolist(), x[es].tolist(), strict=True):
            G.add_edge(a, b, capacity=xv)
        for v in nodes.tolist():
            G.add_edge(v, zn, capacity=float(slack[v]))
        T = set(nodes.tolist())
        if len(T) % 2 == 1:
            T.add(zn)
        tree = nx.gomory_hu_tree(G)
        for a, b, d in list(tree.edges(data=True)):
            if d["weight"] >= 1.0 - 1e-6:
                continue
            tree.remove_edge(a, b)
            side = nx.node_connected_component(tree, a)
            tree.add_edge(a, b, **d)
            if len(side & T) % 2 == 0:
                continue
            if zn in side:
                side = set(G.nodes) - side
            mask = np.zeros(k, dtype=bool)
            mask[list(side)] = True
            out.append(mask)
    return out


def _separate(k, ei, ej, x, known, rc=None, rc_tol=0.0):
    """Violated blossom inequalities for the LP point ``x``; masks not in ``known``.

    Candidates: odd components of the fractional support (per threshold) and odd components
    of the tight graph ``rc_e <= rc_tol`` of the current duals (the sets Edmonds' algorithm
    would shrink: they catch large blossoms that small support cycles miss on degenerate LPs).
    """
    supp = x > _XEPS
    frac = supp & (x < 1 - _XEPS)
    cands = []
    if rc is not None:
        tight = rc <= rc_tol
        cands.extend(_odd_components(k, ei, ej, x, tight))
        cands.extend(_odd_components(k, ei, ej, x, tight & supp))
    vals = np.unique(np.round(x[frac], 9))
    for t in [0.0, *vals[:20].tolist()]:
        cands.extend(_odd_components(k, ei, ej, x, frac & (x >= t - 1e-12)))
    out = _violated(cands, ei, ej, x, known)
    if not out:
        out = _violated(_padberg_rao(k, ei, ej, x), ei, ej, x, known)
    return out


def _violated(cands, ei, ej, x, known):
    out = []
    for S in cands:
        size = int(S.sum())
        if size < 3 or size % 2 == 0:
            continue
        inside = S[ei] & S[ej]
        if x[inside].sum() > (size - 1) / 2 + 1e-6:
            key = np.flatnonzero(S).tobytes()
            if key not in known:
                known.add(key)
                out.append(S)
    return out


class _CutLP:
    """The blossom LP of one graph: a growing pool of odd-set rows and of active columns.

    Only ``active`` edges are given to HiGHS (column generation): an LP optimum over them is
    an optimum over all edges once no inactive edge has a negative reduced cost.
    """

    def __init__(self, k, ei, ej, we, active):
        self.k, self.ei, self.ej, self.we = k, ei, ej, we
        m = len(we)
        ar = np.arange(m)
        self.A = csc_array(
            (np.ones(2 * m), (np.concatenate([ei, ej]), np.concatenate([ar, ar]))), shape=(k, m)
        )
        self.b = np.ones(k)
        self.sets: list[np.ndarray] = []  # bool node masks
        self.half: list[int] = []  # (|S| - 1) / 2
        self.known: set = set()
        self.active = active.copy()
        self.n_lp = 0

    def add(self, sets):
        rows = []
        for S in sets:
            inside = np.flatnonzero(S[self.ei] & S[self.ej])
            self.sets.append(S)
            self.half.append((int(S.sum()) - 1) // 2)
            rows.append(
                coo_array(
                    (np.ones(len(inside)), (np.zeros(len(inside), dtype=np.int64), inside)),
                    shape=(1, len(self.we)),
                )
            )
        self.A = vstack([self.A, *rows], format="csc")
        self.b = np.concatenate([self.b, np.array(self.half[-len(rows) :], float)])

    def solve(self, lo, hi):
        """LP optimum over the active columns; (x, value, y, z) or None if infeasible."""
        idx = np.flatnonzero(self.active)
        self.n_lp += 1
        res = linprog(
            -self.we[idx],
            A_ub=self.A[:, idx],
            b_ub=self.b,
            bounds=np.column_stack([lo[idx], hi[idx]]),
            method="highs",
            options=_LP_OPTIONS,
        )
        if res.status == 2:
            return None
        if res.status != 0:
            raise LPFailure(res.message)
        dual = -np.asarray(res.ineqlin.marginals)
        x = np.zeros(len(self.we))
        x[idx] = np.clip(res.x, 0.0, 1.0)
        return x, -res.fun, dual[: self.k], dual[self.k :]

    def reduced_costs(self, y, z):
        """``y_a + y_b + sum_{S contains e} z_S - w_e`` for every edge (duals clipped >= 0)."""
        y = np.maximum(y, 0.0)
        z = np.maximum(z, 0.0)
        rc = y[self.ei] + y[self.ej] - self.we
        if len(z) and (z > 0).any():
            rc = rc + self.A[[self.k + int(t) for t in np.flatnonzero(z > 0)], :].T @ z[z > 0]
        return rc

    def certified_bound(self, y, z, rc):
        """Upper bound on every matching of the graph from (possibly inexact) duals."""
        y = np.maximum(y, 0.0)
        z = np.maximum(z, 0.0)
        ub = y.sum() + float(np.dot(z, self.half)) if len(z) else y.sum()
        return float(ub + (self.k // 2) * max(0.0, -float(rc.min(initial=0.0))))


def _round(x, ei, ej, we, k):
    """Matching from an LP point: its integral edges plus an exact matching of the rest.

    Edges with ``x_e = 1`` are kept; on the (small) graph of the other support edges between
    the remaining nodes an exact maximum-weight matching is computed with networkx, then
    the result is completed greedily by weight on all edges.
    """
    import networkx as nx

    used = np.zeros(k, dtype=bool)
    pick = []
    for e in np.flatnonzero(x >= 1 - _XEPS):
        a, b = ei[e], ej[e]
        if not used[a] and not used[b]:
            used[a] = used[b] = True
            pick.append(int(e))
    frac = np.flatnonzero((x > _XEPS) & (x < 1 - _XEPS) & ~used[ei] & ~used[ej])
    if len(frac):
        G = nx.Graph()
        for e in frac.tolist():
            G.add_edge(int(ei[e]), int(ej[e]), weight=float(we[e]), e=e)
        for a, b in nx.max_weight_matching(G):
            pick.append(G[a][b]["e"])
            used[a] = used[b] = True
    for e in np.argsort(-we, kind="stable"):
        a, b = ei[e], ej[e]
        if not used[a] and not used[b]:
            used[a] = used[b] = True
            pick.append(int(e))
    return pick


def solve_component(k, ei, ej, we, cutoff, tol, stats, rc0=None, seed=None, max_nodes=500):
    """Maximum-weight matching of the graph (k nodes, edges ``ei < ej`` with weights ``we``).

    ``rc0`` (optional) are reduced costs of feasible duals; the LP starts with the edges of
    smallest ``rc0`` (at most 3k, plus the ``seed`` edges: the assignment's and incumbent's)
    and prices the others in.  Returns ``(edge_indices or None, value)``:
    the edge indices of an optimal matching when it is worth more than ``cutoff + tol``,
    otherwise ``None`` (``cutoff`` is optimal); ``value`` is the optimum found.
    Raises :class:`LPFailure` if HiGHS fails (the caller falls back to an exact solver).
    """
    m = len(we)
    active = np.ones(m, dtype=bool)
    if rc0 is not None and m > 3 * k:
        active[:] = False
        active[np.argsort(rc0, kind="stable")[: 3 * k]] = True
        if seed is not None:
            active |= seed
    lp = _CutLP(k, ei, ej, we, active)
    dead = np.zeros(m, dtype=bool)  # provably in no better matching (root duals)
    best_w, best = cutoff, None
    root_bound = np.inf
    heap = [(-np.inf, 0, np.zeros(m), np.full(m, np.inf))]  # x <= 1 is implied
    count = 0
    nodes = 0
    while heap:
        negb, _, lo, hi = heapq.heappop(heap)
        if -negb <= best_w + tol:
            break
        nodes += 1
        if nodes > max_nodes:
            raise LPFailure("branch and bound node limit")
        while True:
            sol = lp.solve(lo, hi)
            if sol is None:
                break
            x, val, y, z = sol
            rc = lp.reduced_costs(y, z)
            price = ~lp.active & ~dead & (rc < -tol)
            if price.any():  # partial pricing: the most negative k columns per round
                cand = np.flatnonzero(price)
                if len(cand) > k:
                    cand = cand[np.argpartition(rc[cand], k)[:k]]
                lp.active[cand] = True
                continue
            if nodes == 1:
                root_bound = min(root_bound, lp.certified_bound(y, z, rc[~dead]))
                if not price.any() and rc[~dead].min(initial=0.0) >= -tol:
                    gone = rc > (val - best_w) + tol
                    dead |= gone
                    lp.active &= ~gone
            if val <= best_w + tol:
                break
            pick = _round(x, ei, ej, we, k)  # any matching of the graph is an incumbent
            pw = float(we[pick].sum())
            if pw > best_w + tol:
                best_w, best = pw, pick
            if val <= best_w + tol:
                break
            frac = (x > _XEPS) & (x < 1 - _XEPS)
            if not frac.any():
                break  # integral: the rounding above is this x
            cuts = _separate(k, ei, ej, x, lp.known, np.where(lp.active, rc, np.inf), tol)
            if cuts:
                lp.add(cuts)
                continue
            # stalled: branch on the most fractional edge
            e = int(np.argmin(np.abs(x - 0.5) + 2.0 * ~frac))
            for fix in (1.0, 0.0):
                l2, h2 = lo.copy(), hi.copy()
                l2[e] = h2[e] = fix
                count += 1
                heapq.heappush(heap, (-val, count, l2, h2))
            break
    stats["lp_solves"] = stats.get("lp_solves", 0) + lp.n_lp
    stats["lp_cuts"] = stats.get("lp_cuts", 0) + len(lp.sets)
    stats["lp_bb_nodes"] = stats.get("lp_bb_nodes", 0) + nodes
    stats["lp_columns"] = stats.get("lp_columns", 0) + int(lp.active.sum())
    stats["lp_root_bound"] = float(root_bound)
    return best, best_w
