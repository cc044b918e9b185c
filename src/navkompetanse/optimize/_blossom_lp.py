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

try:  # pragma: no cover - depends on the scipy build
    from scipy.optimize._highspy import _core as _highs_core
except Exception:  # noqa: BLE001 - any import problem means: no warm starts
    _highs_core = None

__all__ = ["CUT_LP_BACKEND", "LPFailure", "solve_component"]

#: "auto" (warm HiGHS object if scipy has it, else linprog), "warm" or "linprog".
CUT_LP_BACKEND = "auto"

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

    Only ``active`` edges are in the LP (column generation): an LP optimum over them is an
    optimum over all edges once no inactive edge has a negative reduced cost.

    The LP is kept alive in one HiGHS object (scipy's ``_highspy`` core, as in
    ``pairing/allocation_lp.py``): new cuts keep the basis dual feasible (dual simplex), new
    columns keep it primal feasible (primal simplex), branching changes column bounds (dual
    simplex), so every re-solve starts from the previous optimal basis instead of from
    scratch. If that object is missing or fails, every solve is a cold
    :func:`scipy.optimize.linprog` of the same LP (``backend == "linprog"``; correct, slower).
    """

    def __init__(self, k, ei, ej, we, active, backend=None):
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
        self.backend = "linprog"
        self._h = None
        backend = CUT_LP_BACKEND if backend is None else backend
        if backend in ("auto", "warm") and _highs_core is not None:
            try:
                self._build()
                self.backend = "warm"
            except Exception:  # noqa: BLE001  # pragma: no cover - private API changed
                if backend == "warm":
                    raise
                self._h = None

    # ---- the persistent HiGHS model ------------------------------------------------------
    def _build(self):
        h = _highs_core
        highs = h._Highs()
        for name, value in (("output_flag", False), ("random_seed", 0), ("threads", 1),
                            ("presolve", "off"),
                            ("primal_feasibility_tolerance", 1e-10),
                            ("dual_feasibility_tolerance", 1e-10)):
            highs.setOptionValue(name, value)
        lp = h.HighsLp()
        lp.num_col_ = 0
        lp.num_row_ = self.k
        lp.a_matrix_.num_col_ = 0
        lp.a_matrix_.num_row_ = self.k
        lp.a_matrix_.format_ = h.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.zeros(1, dtype=np.int32)
        lp.a_matrix_.index_ = np.zeros(0, dtype=np.int32)
        lp.a_matrix_.value_ = np.zeros(0)
        lp.col_cost_ = np.zeros(0)
        lp.col_lower_ = np.zeros(0)
        lp.col_upper_ = np.zeros(0)
        lp.row_lower_ = np.full(self.k, -np.inf)
        lp.row_upper_ = np.ones(self.k)
        if highs.passModel(lp) != h.HighsStatus.kOk:
            raise RuntimeError("HiGHS refused the blossom LP")
        self._h = highs
        self._col = np.full(len(self.we), -1, dtype=np.int64)  # edge -> model column
        self._edge = np.zeros(0, dtype=np.int64)  # model column -> edge
        self._lo = np.zeros(0)
        self._hi = np.zeros(0)
        self._added = 0  # columns added since the last solve (primal simplex next)
        self._rows_added = 0
        self._sync_columns()

    def _sync_columns(self):
        """Give HiGHS the active edges it does not hold yet (with their cut coefficients)."""
        new = np.flatnonzero(self.active & (self._col < 0))
        if not len(new):
            return
        nn = len(new)
        t_ix = [np.arange(nn), np.arange(nn)]
        r_ix = [self.ei[new], self.ej[new]]
        if self.sets:
            S = np.array(self.sets)  # [cut, node]
            tc, rc = np.nonzero((S[:, self.ei[new]] & S[:, self.ej[new]]).T)  # [edge, cut]
            t_ix.append(tc)
            r_ix.append(self.k + rc)
        t_all, r_all = np.concatenate(t_ix), np.concatenate(r_ix)
        order = np.lexsort((r_all, t_all))
        index = r_all[order].astype(np.int32)
        value = np.ones(len(index))
        starts = np.searchsorted(t_all[order], np.arange(nn)).astype(np.int32)
        status = self._h.addCols(nn, -self.we[new], np.zeros(nn), np.full(nn, np.inf),
                                 len(index), starts, index, value)
        if status == _highs_core.HighsStatus.kError:
            raise RuntimeError("HiGHS refused new columns")
        self._col[new] = len(self._edge) + np.arange(nn)
        self._edge = np.concatenate([self._edge, new])
        self._lo = np.concatenate([self._lo, np.zeros(nn)])
        self._hi = np.concatenate([self._hi, np.full(nn, np.inf)])
        self._added += nn

    def _add_rows(self, sets):
        cols = self._edge
        starts, index = [0], []
        for S in sets:
            inside = np.flatnonzero(S[self.ei[cols]] & S[self.ej[cols]]).astype(np.int32)
            index.append(inside)
            starts.append(starts[-1] + len(inside))
        index = np.concatenate(index) if index else np.zeros(0, dtype=np.int32)
        half = np.array([(int(S.sum()) - 1) // 2 for S in sets], float)
        status = self._h.addRows(len(sets), np.full(len(sets), -np.inf), half, len(index),
                                 np.asarray(starts[:-1], dtype=np.int32), index,
                                 np.ones(len(index)))
        if status == _highs_core.HighsStatus.kError:
            raise RuntimeError("HiGHS refused new rows")
        self._rows_added += len(sets)

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
        if self._h is not None:
            try:
                self._add_rows(sets)
            except Exception:  # noqa: BLE001  # pragma: no cover - private API changed
                self._drop_warm()

    def _drop_warm(self):  # pragma: no cover - only when the HiGHS object misbehaves
        self._h = None
        self.backend = "linprog"

    def solve(self, lo, hi):
        """LP optimum over the active columns; (x, value, y, z) or None if infeasible."""
        self.n_lp += 1
        if self._h is not None:
            try:
                return self._solve_warm(lo, hi)
            except LPFailure:
                self._drop_warm()  # a cold solve of the same LP decides
            except Exception:  # noqa: BLE001  # pragma: no cover - private API changed
                self._drop_warm()
        return self._solve_linprog(lo, hi)

    def _solve_warm(self, lo, hi):
        h = _highs_core
        highs = self._h
        self._sync_columns()
        e = self._edge
        on = self.active[e]  # edges dropped from the active set stay in HiGHS at 0
        lo_e, hi_e = np.where(on, lo[e], 0.0), np.where(on, hi[e], 0.0)
        changed = np.flatnonzero((lo_e != self._lo) | (hi_e != self._hi))
        if len(changed):
            status = highs.changeColsBounds(len(changed), changed.astype(np.int32),
                                            lo_e[changed], hi_e[changed])
            if status == h.HighsStatus.kError:
                raise LPFailure("HiGHS refused column bounds")
            self._lo, self._hi = lo_e.copy(), hi_e.copy()
        # new columns keep the basis primal feasible; new rows and bounds dual feasible
        primal = self._added and not self._rows_added and not len(changed)
        highs.setOptionValue("simplex_strategy", 4 if primal else 1)
        self._added = self._rows_added = 0
        status = highs.run()
        model = highs.getModelStatus()
        if model == h.HighsModelStatus.kInfeasible:
            return None
        if status == h.HighsStatus.kError or model != h.HighsModelStatus.kOptimal:
            highs.clearSolver()  # drop the basis, once, from scratch
            status = highs.run()
            model = highs.getModelStatus()
            if model == h.HighsModelStatus.kInfeasible:
                return None
            if status == h.HighsStatus.kError or model != h.HighsModelStatus.kOptimal:
                raise LPFailure(f"HiGHS: {highs.modelStatusToString(model)}")
        sol = highs.getSolution()
        col = np.asarray(sol.col_value, dtype=float)
        dual = -np.asarray(sol.row_dual, dtype=float)
        x = np.zeros(len(self.we))
        x[e] = np.clip(col, 0.0, 1.0)
        value = float(self.we[e] @ col)
        return x, value, dual[: self.k], dual[self.k :]

    def _solve_linprog(self, lo, hi):
        idx = np.flatnonzero(self.active)
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
    stats["lp_backend"] = lp.backend
    return best, best_w
