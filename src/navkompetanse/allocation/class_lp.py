"""The allocation model as one exact LP over classes of identical brukere, and its rounding.

Private helper of :mod:`navkompetanse.allocation` (see ``docs/allocation.md``).

Brukere who are not pinned and have the same base profit row (fit + specialty bonus +
preference per unit), weight, heavy flag and allowed row form a *class* ``g`` of ``n_g``
interchangeable brukere; a class member differs from another only in her current unit ``c``
and her continuity bonus ``b`` there (``Policy.continuity_bonus`` × her continuity weight). So
the classes stay as large as without continuity weights; the weights only split the *stay
pairs*: one ``(g, c, b)`` per class, current unit and bonus that occur. The LP, over
continuous counts:

    maximise   Σ_{g,u} base[g,u] · z[g,u] + Σ_{(g,c,b)} b · s[g,c,b]  (+ pinned brukere's profit)
    subject to Σ_u z[g,u] = n_g                                    every bruker one unit
               0 ≤ s[g,c,b] ≤ n_{g,c,b},  Σ_b s[g,c,b] ≤ z[g,c]    stayers at c

(in the LP, each ``s`` is a separate copy of ``z[g,c]`` bounded by ``n_{g,c,b}``: the same LP
with fewer rows)
               floor[u] ≤ Σ_g w_g z[g,u] + pinned load ≤ cap[u]     capacity, balance both ways
               Σ_{g heavy} z[g,u] + pinned heavy ≤ heavy_cap[u]      heavy cases
               movers − Σ s + pinned moves ≤ max_moves              moves budget (when set)
               z[g,u] = 0 where not allowed                          hard specialty

Any integer plan gives such ``(z, s)`` with the same objective (s = brukere of ``g`` with bonus
``b`` who stay at ``c``),
so the LP optimum is an upper bound on the integer optimum: the certified ``bound``. The LP is
small (classes × units, a few hundred classes on a large office) and solved exactly by HiGHS.

The integer plan rounds the LP solution down class by class (stayers first, the largest
continuity bonus first, so moves go where they disturb least), places the few
brukere left over greedily, lifts units below their floor, and improves by single moves and
swaps; every step keeps every constraint. The result is deterministic: nothing depends on the
clock unless the time limit runs out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from .model import AllocationModel

__all__ = ["ClassLP", "class_milp", "solve_class_lp", "round_lp", "improve_plan"]

_EPS = 1e-9
#: Relative safety margin added to the LP optimum before it is reported as a bound (HiGHS
#: solves to tolerances of about 1e-7 on rows whose coefficients are workload points).
BOUND_MARGIN = 1e-9
#: Column generation starts from each class's best units and each unit's least-regret classes.
INIT_UNITS_PER_CLASS = 12
INIT_CLASSES_PER_UNIT = 30
#: Columns added per class and round (the most negative reduced costs).
ADD_PER_CLASS = 10
#: ... times this while elastic columns are still in use (an overloaded office's first rounds).
ELASTIC_ADD_FACTOR = 4
#: Brukere tried for a swap per improvement round (the ones who would gain most elsewhere).
SWAP_CANDIDATES = 400


@dataclass
class ClassLP:
    """The class LP's solution: status, bound, and the counts per class and unit."""

    status: str  # "optimal", "time_limit" (counts of the last round solved), "infeasible",
    #              "error"
    bound: float
    cls: np.ndarray  # class of each bruker (-1 = pinned)
    n_classes: int
    z: np.ndarray  # (n_classes, n_units) brukere of class g at unit u
    stay_class: np.ndarray  # class of each stay pair
    stay_unit: np.ndarray  # unit of each stay pair
    s: np.ndarray  # stayers per pair
    stats: dict = field(default_factory=dict)
    has_counts: bool = True  # z and s hold a solution of the LP (all real columns)
    problem: dict | None = field(default=None, repr=False)  # the LP's arrays (class_milp)


def _classes(model: AllocationModel, free: np.ndarray) -> tuple[np.ndarray, int]:
    """Class id per free bruker: identical base profit row, weight, heavy flag, allowed row."""
    idx = np.flatnonzero(free)
    if idx.size == 0:
        return np.zeros(0, dtype=np.int64), 0
    parts = [model.base_profit[idx], model.weight[idx, None], model.heavy[idx, None]
             .astype(float)]
    if model.allowed is not None:
        parts.append(model.allowed[idx].astype(float))
    key = np.ascontiguousarray(np.hstack(parts))
    void = key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()
    _, first, inverse = np.unique(void, return_index=True, return_inverse=True)
    # Number classes by their first bruker, so the numbering follows the office order.
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return rank[inverse.reshape(-1)], int(order.size)


def solve_class_lp(model: AllocationModel, *, time_limit: float | None = None,
                   stop_gap: float = 0.0) -> ClassLP:
    """Build and solve the class LP (see the module docstring).

    Column generation stops when no column has a negative reduced cost, or when the columns
    left out could raise the bound by at most ``stop_gap`` (relative): the bound is then the
    dual (Lagrangian) value, still valid, just that much above the LP optimum.
    """
    start = time.perf_counter()
    n, m = model.n_brukere, model.n_units
    free = model.pinned < 0
    pin = ~free
    cls = np.full(n, -1, dtype=np.int64)
    cls_free, G = _classes(model, free)
    cls[free] = cls_free
    w, h, cur = model.weight, model.heavy, model.current
    pin_u = model.pinned[pin]
    pin_load = np.bincount(pin_u, weights=w[pin], minlength=m).astype(float)
    pin_heavy = np.bincount(pin_u, weights=h[pin].astype(float), minlength=m).astype(float)
    pin_profit = float(model.profit[np.flatnonzero(pin), pin_u].sum())
    pin_moves = int(((cur[pin] >= 0) & (cur[pin] != pin_u)).sum())

    fi = np.flatnonzero(free)
    rep = np.zeros(G, dtype=np.int64)
    rep[cls_free[::-1]] = fi[::-1]  # first bruker of each class
    n_g = np.bincount(cls_free, minlength=G).astype(float)
    w_g, h_g = w[rep], h[rep]
    base_g = model.base_profit[rep]
    allowed_g = np.ones((G, m), dtype=bool) if model.allowed is None else model.allowed[rep]

    # Stay pairs (g, c, b): free brukere with a current unit they may stay at, by class, unit
    # and continuity bonus (brukere of one class with different bonuses stay apart only here).
    has = (cur[fi] >= 0)
    if model.allowed is not None:
        has &= model.allowed[fi, np.maximum(cur[fi], 0)]
    levels, level_of = np.unique(model.continuity_bonus[fi][has], return_inverse=True)
    n_lv = max(levels.size, 1)
    pair_key = (cls_free[has] * m + cur[fi][has]) * n_lv + level_of.reshape(-1)
    pairs, n_pair = np.unique(pair_key, return_counts=True)
    stay_class, stay_unit = pairs // n_lv // m, pairs // n_lv % m
    stay_bonus = levels[pairs % n_lv] if levels.size else np.zeros(0)
    J = pairs.size
    movers_free = int((cur[fi] >= 0).sum())

    # Variables: z[g, u] for allowed (g, u), then s[j] for each stay pair j = (g, c, b): a copy
    # of z[g, c] worth the bonus b more, at most n_{g,c,b}. (Same LP as s ≤ z, fewer rows.)
    zg, zu = np.nonzero(allowed_g)
    nz = zg.size
    vg = np.concatenate([zg, stay_class])
    vu = np.concatenate([zu, stay_unit])
    nv = nz + J
    cost = -np.concatenate([base_g[zg, zu], base_g[stay_class, stay_unit] + stay_bonus])
    var = np.arange(nv)
    var_s = nz + np.arange(J)

    a_eq = sparse.csr_array((np.ones(nv), (vg, var)), shape=(G, nv))
    b_eq = n_g
    blocks, rhs = [], []
    elastic: list[np.ndarray] = []  # rows of a_ub that are ``≥`` rows (floor, moves)
    n_rows = 0
    load_rows = sparse.csr_array((w_g[vg], (vu, var)), shape=(m, nv))
    blocks.append(load_rows)
    rhs.append(model.cap - pin_load)
    n_rows += m
    has_floor = model.floor > 0
    if has_floor.any():
        rows = np.flatnonzero(has_floor)
        blocks.append(-load_rows[rows])
        rhs.append(-(model.floor[rows] - pin_load[rows]))
        elastic.append(n_rows + np.arange(rows.size))
        n_rows += rows.size
    hv = h_g[vg]
    if hv.any():
        blocks.append(sparse.csr_array((np.ones(int(hv.sum())), (vu[hv], var[hv])),
                                       shape=(m, nv)))
        rhs.append(model.heavy_cap - pin_heavy)
        n_rows += m
    if model.max_moves is not None:
        blocks.append(sparse.csr_array((-np.ones(J), (np.zeros(J, dtype=np.int64), var_s)),
                                       shape=(1, nv)))
        rhs.append(np.array([float(model.max_moves - pin_moves - movers_free)]))
        elastic.append(np.array([n_rows]))
        n_rows += 1
    elastic_rows = np.concatenate(elastic) if elastic else np.zeros(0, dtype=np.int64)
    a_ub = sparse.vstack(blocks, format="csc")
    a_eq = a_eq.tocsc()
    b_ub = np.concatenate(rhs)
    ub = np.concatenate([n_g[zg], n_pair.astype(float)])
    if nv == 0:  # every bruker pinned (or none to place): the pins are the plan
        ok = (b_ub >= -1e-9).all() and G == 0
        stats = {"classes": G, "stay_pairs": 0, "lp_vars": 0, "lp_rounds": 0}
        z0 = np.zeros((G, m))
        return ClassLP("optimal" if ok else "infeasible",
                       pin_profit * (1 + BOUND_MARGIN) + BOUND_MARGIN if ok else -np.inf,
                       cls, G, z0, stay_class, stay_unit, np.zeros(0), stats)

    # Column generation: start from each class's best units, each unit's least-regret classes
    # and every stay pair; add the columns whose reduced cost is negative until none is.
    active = np.zeros(nv, dtype=bool)
    active[nz:] = True
    zindex = np.full((G, m), -1, dtype=np.int64)
    zindex[zg, zu] = np.arange(nz)
    score = np.where(allowed_g, base_g, -np.inf)
    k = min(m, INIT_UNITS_PER_CLASS)
    top = np.argpartition(-score, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m),
                                                                              (G, 1))
    sel = zindex[np.arange(G)[:, None], top]
    active[sel[sel >= 0]] = True
    regret = score.max(axis=1, keepdims=True) - score  # inf where not allowed
    k = min(G, INIT_CLASSES_PER_UNIT)
    top = np.argpartition(regret, k - 1, axis=0)[:k] if k < G else np.tile(np.arange(G)[:, None],
                                                                           (1, m))
    sel = zindex[top, np.arange(m)[None, :]]
    active[sel[sel >= 0]] = True
    # Elastic columns keep the restricted LP feasible when its columns cannot yet fill the
    # tight rows (an overloaded office's overflow caps, the balance floor, the moves budget):
    # a bruker left unplaced, a floor point or a move bought at a price no real column pays,
    # so the duals lead pricing to the columns that are missing. They are never part of the
    # bound (the Lagrangian value below uses the real columns only); if one is still used
    # when no real column prices out, the LP is solved again without them over every column.
    art_eq, art_ub, art_cost = _elastic_columns(G, a_ub.shape[0], elastic_rows, cost)
    use_art = True
    deadline = None if time_limit is None else start + float(time_limit)
    rounds = 0
    res = None
    good = None  # (cols, x, used elastic) of the last restricted LP solved to optimality
    lower = -np.inf  # proven lower bound of the min problem
    hit_limit = False
    rc = None
    while True:
        rounds += 1
        cols = np.flatnonzero(active)
        # no presolve: the restricted LPs are small and solved many times; without it the
        # same optima come 5-10 % faster (25 x 1,800: 0.062 -> 0.057 s for the allocation,
        # 300 x 20,000: 1.55 -> 1.48 s; the gap analysis' re-solves 0.84 -> 0.76 s)
        options: dict = {"presolve": False}
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                hit_limit = True
                break
            options["time_limit"] = max(left, 1e-3)
        n_art = art_cost.size if use_art else 0
        a_ub_r, a_eq_r, c_r = a_ub[:, cols], a_eq[:, cols], cost[cols]
        bounds = np.column_stack([np.zeros(cols.size), ub[cols]])
        if n_art:
            a_ub_r = sparse.hstack([a_ub_r, art_ub], format="csc")
            a_eq_r = sparse.hstack([a_eq_r, art_eq], format="csc")
            c_r = np.concatenate([c_r, art_cost])
            bounds = np.vstack([bounds, np.column_stack([np.zeros(n_art),
                                                         np.full(n_art, np.inf)])])
        res = linprog(c_r, A_ub=a_ub_r, b_ub=b_ub, A_eq=a_eq_r, b_eq=b_eq, bounds=bounds,
                      method="highs", options=options)
        if res.status == 2 and not active.all():
            active[:] = True  # the restricted LP may lack the columns that make it feasible
            continue
        if res.status == 1:
            hit_limit = True
            break
        if res.status != 0 or res.x is None:
            break
        elastic_used = bool(n_art) and float(res.x[cols.size:].max(initial=0.0)) > 1e-7
        good = (cols, res.x[:cols.size], elastic_used)
        y_eq = np.asarray(res.eqlin.marginals, dtype=float)
        y_ub = np.minimum(np.asarray(res.ineqlin.marginals, dtype=float), 0.0)
        rc = cost - a_eq.T @ y_eq - a_ub.T @ y_ub
        lower = max(lower, float(b_eq @ y_eq + b_ub @ y_ub + np.minimum(rc, 0.0) @ ub))
        add = ~active & (rc < -1e-9)
        if not add.any():
            if elastic_used:  # the big prices were not big enough: decide without them
                use_art = False
                active[:] = True
                continue
            break
        if deadline is not None and time.perf_counter() > deadline:
            hit_limit = True
            break
        if not elastic_used and (float(res.fun) - lower
                                 <= stop_gap * max(1.0, abs(float(res.fun)))):
            break  # the missing columns can add at most this little: the bound is tight
        # Partial pricing: per class, only its most negative columns.
        rcm = np.full((G, m), np.inf)
        rcm[zg, zu] = np.where(add[:nz], rc[:nz], np.inf)
        # (while elastic columns are in use the duals are far off: take more per class)
        k = min(m, ADD_PER_CLASS * (ELASTIC_ADD_FACTOR if elastic_used else 1))
        top = np.argpartition(rcm, k - 1, axis=1)[:, :k] if k < m else np.tile(np.arange(m),
                                                                              (G, 1))
        gg = np.repeat(np.arange(G), top.shape[1])
        uu = top.ravel()
        ok = np.isfinite(rcm[gg, uu])
        active[zindex[gg[ok], uu[ok]]] = True
        active[nz:] |= add[nz:]
    stats = {"classes": G, "stay_pairs": J, "lp_vars": nv, "lp_columns": int(active.sum()),
             "lp_rows": G + a_ub.shape[0], "lp_rounds": rounds,
             "lp_runtime": time.perf_counter() - start,
             "lp_status": int(res.status) if res is not None else 1,
             "lp_elastic": bool(use_art)}
    z = np.zeros((G, m))
    s = np.zeros(J)
    if res is not None and res.status == 2:
        return ClassLP("infeasible", -np.inf, cls, G, z, stay_class, stay_unit, s, stats)
    if good is None or good[2]:
        # No restricted LP solved within the limit (or only with elastic columns in use):
        # no counts to round; the bound, if any round finished, is still valid.
        status = "time_limit" if hit_limit else "error"
        value = -lower + pin_profit if np.isfinite(lower) else np.inf
        bound = value + BOUND_MARGIN * max(1.0, abs(value)) if np.isfinite(value) else np.inf
        return ClassLP(status, bound, cls, G, z, stay_class, stay_unit, s, stats,
                       has_counts=False)
    cols_ok, x_ok, _ = good
    x_full = np.zeros(nv)
    x_full[cols_ok] = x_ok
    s = x_full[nz:]
    z[zg, zu] = x_full[:nz]
    np.add.at(z, (stay_class, stay_unit), s)
    # The bound is the dual value (weak duality, valid whatever the primal accuracy), never
    # below the LP value it certifies by more than rounding noise.
    value = -lower + pin_profit
    stats["lp_value"] = float(-(cost @ x_full)) + pin_profit
    bound = value + BOUND_MARGIN * max(1.0, abs(value))
    problem = {"cost": cost, "a_eq": a_eq, "b_eq": b_eq, "a_ub": a_ub, "b_ub": b_ub, "ub": ub,
               "zg": zg, "zu": zu, "nz": nz, "pin_profit": pin_profit, "x": x_full}
    return ClassLP("time_limit" if hit_limit else "optimal", bound, cls, G, z, stay_class,
                   stay_unit, s, stats, problem=problem)


def class_milp(model: AllocationModel, lp: ClassLP, *, time_limit: float,
               rel_gap: float, window: int | None = None) -> ClassLP | None:
    """The class LP with whole counts (``scipy.optimize.milp``): an integer plan over classes.

    Any integer plan is a solution of it with the same objective and back (brukere of a class
    are interchangeable but for their current unit, which the stay columns count), so its
    optimum is the full problem's. Used when rounding the LP finds no plan on a small model
    where every row is tight (an office of only heavy cases); None when milp has no plan in
    time. The returned counts round exactly (:func:`round_lp` leaves nobody over).

    ``window``: each count stays within this many brukere of the LP's (a neighbourhood of
    the LP point, solved in a fraction of the time); None searches every count.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    pr = lp.problem
    if pr is None or time_limit <= 0:
        return None
    a = sparse.vstack([pr["a_eq"], pr["a_ub"]], format="csr")
    lo = np.concatenate([pr["b_eq"], np.full(pr["b_ub"].size, -np.inf)])
    hi = np.concatenate([pr["b_eq"], pr["b_ub"] + 1e-9])
    lb, ub = np.zeros(pr["ub"].size), pr["ub"]
    if window is not None:
        lb = np.maximum(np.floor(pr["x"] + 1e-6) - window, 0.0)
        ub = np.minimum(np.ceil(pr["x"] - 1e-6) + window, ub)
    res = milp(pr["cost"], constraints=LinearConstraint(a, lo, hi),
               integrality=np.ones(pr["cost"].size), bounds=Bounds(lb, ub),
               options={"time_limit": max(time_limit, 1e-3), "mip_rel_gap": rel_gap})
    if res.x is None:
        return None
    x = np.round(res.x)
    nz = pr["nz"]
    z = np.zeros_like(lp.z)
    z[pr["zg"], pr["zu"]] = x[:nz]
    s = x[nz:]
    np.add.at(z, (lp.stay_class, lp.stay_unit), s)
    stats = {"milp_status": int(res.status),
             "milp_bound": -float(getattr(res, "mip_dual_bound", res.fun)) + pr["pin_profit"]}
    return ClassLP("optimal" if res.status == 0 else "time_limit", lp.bound, lp.cls,
                   lp.n_classes, z, lp.stay_class, lp.stay_unit, s, stats)


def _elastic_columns(n_eq: int, n_ub: int, elastic_rows: np.ndarray,
                     cost: np.ndarray) -> tuple[sparse.csc_array, sparse.csc_array, np.ndarray]:
    """Artificial columns: one per equality row (a bruker left unplaced) and one per ``≥`` row
    written as ``−a·x ≤ −b`` (floor, moves budget), each priced far above any real column."""
    big = 1e3 * (1.0 + float(np.abs(cost).max(initial=0.0)))
    k = elastic_rows.size
    art_eq = sparse.csc_array((np.ones(n_eq), (np.arange(n_eq), np.arange(n_eq))),
                              shape=(n_eq, n_eq + k))
    art_ub = sparse.csc_array((-np.ones(k), (elastic_rows, n_eq + np.arange(k))),
                              shape=(n_ub, n_eq + k))
    return art_eq, art_ub, np.full(n_eq + k, big)


# ------------------------------------------------------------------------------ the plan
class _State:
    """A (partial) plan with its loads, heavy counts and moves kept up to date."""

    def __init__(self, model: AllocationModel, x: np.ndarray):
        self.model = model
        self.x = x
        m = model.n_units
        placed = x >= 0
        # float always: np.bincount of no entries is int64 even with float weights, and a
        # plan with every bruker still to place then kept whole-point loads (2.8 -> 2), so
        # the moves and swaps broke capacities (caught by the check after the solve)
        self.load = np.bincount(x[placed], weights=model.weight[placed],
                                minlength=m).astype(float)
        self.hc = np.bincount(x[placed], weights=model.heavy[placed].astype(float),
                              minlength=m).astype(float)
        cur = model.current
        self.moves = int((placed & (cur >= 0) & (x != cur)).sum())
        self.tol = 1e-9 * np.maximum(1.0, model.cap)

    def move_delta(self, i, frm, to):
        """Change in the number of moves when bruker(s) i go from ``frm`` (-1: unplaced) to
        ``to``."""
        cur = self.model.current[i]
        has = cur >= 0
        before = has & (frm >= 0) & (frm != cur)
        return (has & (to != cur)).astype(np.int64) - before.astype(np.int64)

    def budget(self) -> float:
        k = self.model.max_moves
        return np.inf if k is None else k - self.moves

    def apply(self, i: int, v: int) -> None:
        mdl = self.model
        u = int(self.x[i])
        self.moves += int(self.move_delta(np.array([i]), np.array([u]), np.array([v]))[0])
        if u >= 0:
            self.load[u] -= mdl.weight[i]
            self.hc[u] -= mdl.heavy[i]
        self.load[v] += mdl.weight[i]
        self.hc[v] += mdl.heavy[i]
        self.x[i] = v


def round_lp(model: AllocationModel, lp: ClassLP) -> np.ndarray:
    """Round the LP solution down class by class; -1 marks the brukere still to place."""
    n, m = model.n_brukere, model.n_units
    x = np.full(n, -1, dtype=np.int64)
    pin = model.pinned >= 0
    x[pin] = model.pinned[pin]
    cur = model.current
    zi = np.floor(lp.z + 1e-6).astype(np.int64)
    # Members of each class, in office order (within a class, the largest continuity bonus
    # first: those are the stayers that are worth the most), and per (class, current unit).
    order = np.lexsort((-model.continuity_bonus, lp.cls))
    order = order[lp.cls[order] >= 0]
    bounds = np.searchsorted(lp.cls[order], np.arange(lp.n_classes + 1))
    members = [order[bounds[g]:bounds[g + 1]] for g in range(lp.n_classes)]
    filled = np.zeros_like(zi)
    # 1. Stayers: up to the slots at their current unit (more than s stayers is only better).
    for g, members_g in enumerate(members):
        if members_g.size == 0:
            continue
        c = cur[members_g]
        for u in np.unique(c[c >= 0]):
            room = zi[g, u] - filled[g, u]
            if room <= 0:
                continue
            take = members_g[c == u][:room]
            x[take] = u
            filled[g, u] += take.size
    # 2. The other slots, with the class's brukere not yet placed (in office order, the
    # smallest continuity bonus first: a move disturbs them least; the rest are placed later,
    # where a stay is still possible).
    bonus = model.continuity_bonus
    for g, members_g in enumerate(members):
        need = zi[g] - filled[g]
        if not (need > 0).any():
            continue
        left = members_g[x[members_g] < 0]
        left = left[np.argsort(bonus[left], kind="stable")]
        units = np.repeat(np.arange(m), np.maximum(need, 0))[: left.size]
        x[left[: units.size]] = units
    return x


def place_rest(st: _State) -> bool:
    """Place the brukere with ``x = -1`` one by one (largest first) at the best unit with
    room, within the heavy limits and the moves budget; False if one finds no place."""
    mdl = st.model
    p, w, h, cur = mdl.profit, mdl.weight, mdl.heavy, mdl.current
    rest = np.flatnonzero(st.x < 0)
    rest = rest[np.lexsort((rest, -w[rest]))]
    m = mdl.n_units
    for i in rest:
        ok = st.load + w[i] <= mdl.cap + st.tol
        if h[i]:
            ok &= st.hc + 1 <= mdl.heavy_cap + _EPS
        if mdl.allowed is not None:
            ok &= mdl.allowed[i]
        if cur[i] >= 0 and st.budget() < 1:
            home = np.zeros(m, dtype=bool)
            home[cur[i]] = True
            ok &= home
        if not ok.any():
            if not _eject_into(st, int(i)):
                return False
            continue
        v = int(np.argmax(np.where(ok, p[i], -np.inf)))
        st.apply(int(i), v)
    return True


def _eject_into(st: _State, i: int) -> bool:
    """Place unplaced bruker ``i`` at a unit ``v`` by sending one bruker ``j`` of ``v`` to a
    unit ``t`` with room: the cheapest such pair of moves within every limit."""
    mdl = st.model
    p, w, h, cur = mdl.profit, mdl.weight, mdl.heavy, mdl.current
    m = mdl.n_units
    x = st.x
    js = np.flatnonzero((x >= 0) & (mdl.pinned < 0))
    v = x[js]
    ok_v = st.load[v] - w[js] + w[i] <= mdl.cap[v] + st.tol[v]
    ok_v &= st.load[v] - w[js] + w[i] >= mdl.floor[v] - st.tol[v]
    ok_v &= st.hc[v] - h[js] + h[i] <= mdl.heavy_cap[v] + _EPS
    if mdl.allowed is not None:
        ok_v &= mdl.allowed[i, v]
    js, v = js[ok_v], v[ok_v]
    if js.size == 0:
        return False
    ok_t = (st.load[None, :] + w[js][:, None] <= (mdl.cap + st.tol)[None, :])
    ok_t &= ~(h[js][:, None] & (st.hc + 1 > mdl.heavy_cap + _EPS)[None, :])
    ok_t[np.arange(js.size), v] = False
    if mdl.allowed is not None:
        ok_t &= mdl.allowed[js]
    if mdl.max_moves is not None:
        d_i = st.move_delta(np.full(js.size, i), np.full(js.size, -1), v)
        d_j = (cur[js] >= 0)[:, None] & (np.arange(m)[None, :] != cur[js][:, None])
        d_j = d_j.astype(np.int64) - ((cur[js] >= 0) & (v != cur[js])).astype(np.int64)[:, None]
        ok_t &= (d_i[:, None] + d_j) <= st.budget()
    loss = np.where(ok_t, p[js, v][:, None] - p[js] - p[i, v][:, None], np.inf)
    flat = int(np.argmin(loss))
    if not np.isfinite(loss.flat[flat]):
        return False
    a, t = divmod(flat, m)
    j, vv = int(js[a]), int(v[a])
    st.apply(j, int(t))
    st.apply(i, vv)
    return True


def lift_floors(st: _State, deadline: float) -> bool:
    """Bring units below their balance floor up by moving in the brukere cheapest to move
    (from units that stay above their own floor); False if that is not possible."""
    mdl = st.model
    p, w, h = mdl.profit, mdl.weight, mdl.heavy
    n = mdl.n_brukere
    fixed = mdl.pinned >= 0
    idx = np.arange(n)
    while True:
        low = np.flatnonzero(st.load < mdl.floor - st.tol)
        if low.size == 0:
            return True
        if time.perf_counter() > deadline:
            return False
        u = int(low[np.argmax(mdl.floor[low] - st.load[low])])
        x = st.x
        ok = ~fixed & (x != u)
        ok &= st.load[x] - w >= mdl.floor[x] - st.tol[x]
        ok &= st.load[u] + w <= mdl.cap[u] + st.tol[u]
        if st.hc[u] + 1 > mdl.heavy_cap[u] + _EPS:
            ok &= ~h
        if mdl.allowed is not None:
            ok &= mdl.allowed[:, u]
        d = st.move_delta(idx, x, np.full(n, u))
        ok &= d <= st.budget()
        loss = np.where(ok, p[idx, x] - p[:, u], np.inf)
        i = int(np.argmin(loss))
        if not np.isfinite(loss[i]):
            return False
        st.apply(i, u)


def improve_plan(st: _State, deadline: float, *, rounds: int = 3, target: float = np.inf,
                 swap_candidates: int = SWAP_CANDIDATES) -> None:
    """Single moves, then swaps of two brukere between units, that raise the objective within
    every limit; stops when nothing improves, at ``target`` or at the deadline.

    The work is bounded by ``rounds`` and ``swap_candidates``, not by the clock, so the same
    input gives the same plan (the deadline only matters when the time limit is reached).
    """
    mdl = st.model
    for _ in range(rounds):
        changed = _single_moves(st, deadline)
        if mdl.objective(st.x) >= target or time.perf_counter() > deadline:
            return
        changed |= _swaps(st, deadline, swap_candidates, target)
        if not changed or mdl.objective(st.x) >= target or time.perf_counter() > deadline:
            return


def _single_moves(st: _State, deadline: float) -> bool:
    """Each bruker to her best unit with room, best gain first, while every limit holds."""
    mdl = st.model
    p, w, h, cur = mdl.profit, mdl.weight, mdl.heavy, mdl.current
    n = mdl.n_brukere
    fixed = mdl.pinned >= 0
    idx = np.arange(n)
    x = st.x
    gain = p - p[idx, x][:, None]
    if mdl.allowed is not None:
        gain[~mdl.allowed] = -np.inf
    gain[w[:, None] > (mdl.cap - st.load + st.tol)[None, :]] = -np.inf
    gain[h[:, None] & (st.hc + 1 > mdl.heavy_cap + _EPS)[None, :]] = -np.inf
    best = np.argmax(gain, axis=1)
    g = gain[idx, best]
    g[fixed | (st.load[x] - w < mdl.floor[x] - st.tol[x])] = -np.inf
    rows = np.flatnonzero(g > 1e-12)
    changed = False
    for i in rows[np.lexsort((rows, -g[rows]))]:
        i, v = int(i), int(best[i])
        u = int(x[i])
        if st.load[v] + w[i] > mdl.cap[v] + st.tol[v] or (
                h[i] and st.hc[v] + 1 > mdl.heavy_cap[v] + _EPS):
            continue
        if st.load[u] - w[i] < mdl.floor[u] - st.tol[u]:
            continue
        if cur[i] >= 0 and int(v != cur[i]) - int(u != cur[i]) > st.budget():
            continue
        st.apply(i, v)
        changed = True
    del deadline
    return changed


def _swaps(st: _State, deadline: float, candidates: int, target: float) -> bool:
    """Exchange two brukere of different units when that raises the objective.

    Only the ``candidates`` brukere who would gain most at another unit are tried, each at
    her three best units, with the best partner there to take her place.
    """
    mdl = st.model
    p, w, h = mdl.profit, mdl.weight, mdl.heavy
    n = mdl.n_brukere
    fixed = mdl.pinned >= 0
    idx = np.arange(n)
    x = st.x
    own = p[idx, x]
    want = p.copy()
    if mdl.allowed is not None:
        want[~mdl.allowed] = -np.inf
    want[fixed] = -np.inf
    best_gain = want.max(axis=1) - own
    cand = np.flatnonzero(best_gain > 1e-12)
    if cand.size == 0:
        return False
    cand = cand[np.lexsort((cand, -best_gain[cand]))][:candidates]
    changed = False
    obj = mdl.objective(x)
    for i in cand:
        if time.perf_counter() > deadline or obj >= target:
            break
        u = int(x[i])
        vs = np.flatnonzero(want[i] > p[i, u] + 1e-12)
        vs = vs[np.lexsort((vs, -want[i, vs]))][:3]
        for v in vs:
            v = int(v)
            js = np.flatnonzero((x == v) & ~fixed)
            if js.size == 0:
                continue
            gain = p[i, v] - p[i, u] + p[js, u] - p[js, v]
            if mdl.allowed is not None:
                gain = np.where(mdl.allowed[js, u], gain, -np.inf)
            dw = w[js] - w[i]  # u's load changes by dw, v's by -dw
            ok = (st.load[u] + dw <= mdl.cap[u] + st.tol[u]) & (
                st.load[u] + dw >= mdl.floor[u] - st.tol[u])
            ok &= (st.load[v] - dw <= mdl.cap[v] + st.tol[v]) & (
                st.load[v] - dw >= mdl.floor[v] - st.tol[v])
            dh = h[js].astype(float) - float(h[i])
            ok &= (st.hc[u] + dh <= mdl.heavy_cap[u] + _EPS) & (
                st.hc[v] - dh <= mdl.heavy_cap[v] + _EPS)
            if mdl.max_moves is not None:
                d = (st.move_delta(np.full(js.size, i), np.full(js.size, u), np.full(js.size, v))
                     + st.move_delta(js, np.full(js.size, v), np.full(js.size, u)))
                ok &= d <= st.budget()
            gain = np.where(ok, gain, -np.inf)
            b = int(np.argmax(gain))
            if gain[b] > 1e-12:
                j = int(js[b])
                st.apply(int(i), v)
                st.apply(j, u)
                obj += float(gain[b])
                changed = True
                break
    return changed
