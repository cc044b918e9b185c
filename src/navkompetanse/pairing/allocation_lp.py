"""The allocation LP of pairing, kept alive between solves (internal).

Every pairing a search looks at gives the same LP up to its capacities: the columns are
``x[g, c]`` (brukere of group ``g`` at units whose cover — combined profile — is ``c``) over
*every* cover a unit can have (singles and all pairs; units with the same cover are
interchangeable, so one column block per cover is exact), and a pairing only sets the
capacity row of each cover (the sum of its units' capacities, 0 for covers no unit has).

So the LP is built once, and a new pairing changes a few right-hand sides. HiGHS's dual
simplex then restarts from the previous optimal basis (still dual feasible after a change of
right-hand side) and typically needs a few dozen iterations instead of several hundred.
Columns are priced in rather than all loaded: the model starts with the best few open covers
per group plus an artificial "unplaced" column per group (large penalty: the restricted LP is
always feasible), and after each solve the reduced profit of every column is computed with
numpy; the most attractive few per group are added and the primal simplex continues, until
no column has positive reduced profit (then the restricted optimum is the full LP's). At 150
veiledere that is ~4 000 of 21 000 columns and a few milliseconds per re-solve instead of
~0.1 s cold.

Warm starts use the HiGHS object that scipy ships (``scipy.optimize._highspy._core._Highs``),
which is not public API. If it is missing or misbehaves, every solve falls back to
``scipy.optimize.linprog(method="highs")`` (cold, same LP restricted to the covers in use), so
results stay correct, only slower. ``PAIRING_LP_BACKEND`` (module attribute) selects
``"auto"`` (default), ``"warm"`` or ``"linprog"``; tests compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array

try:  # pragma: no cover - depends on the scipy build
    from scipy.optimize._highspy import _core as _highs_core
except Exception:  # noqa: BLE001 - any import problem means: no warm starts
    _highs_core = None

__all__ = ["AllocationLP", "LPSolution", "PAIRING_LP_BACKEND"]

#: "auto" (warm HiGHS if available, else linprog), "warm" or "linprog".
PAIRING_LP_BACKEND = "auto"

#: Capacity-row coefficient of a bruker without workload points, so that covers with no unit
#: (capacity 0) stay closed to her too. Small enough not to matter for any real capacity.
_ZERO_POINTS = 1e-9
#: Profit (negative) of leaving a bruker unplaced in the restricted LP; any use of it sends
#: the solve to linprog, so it only has to be large, not exact.
_PENALTY = 100.0
_FIRST_COLUMNS = 8
_PRICE_TOL = 1e-9
_PRICE_PER_GROUP = 3
_MAX_PRICING_ROUNDS = 60
#: Columns priced in for one pairing stay in the model for the next; once the model holds
#: more than twice the columns it kept at the last clean-up (and at least this many per
#: group), the nonbasic ones with a clearly negative reduced profit are deleted (pricing
#: brings any of them back when it pays again). A dual simplex iteration costs about in
#: proportion to the columns: at 150 veiledere 4 650 columns -> 1 600, 49 gain LPs 0.11 s
#: -> 0.07 s, same values.
_PURGE_PER_GROUP = 10
_PURGE_RC = 1e-7


@dataclass(frozen=True)
class LPSolution:
    value: float  # Σ fit of the LP allocation
    mu: np.ndarray  # bruker price per group (dual of "every bruker placed")
    x: np.ndarray  # x[g, c]: brukere of group g at cover c


class AllocationLP:
    """``max Σ fit[g,c] x[g,c]  s.t.  Σ_c x[g,c] = n_g,  Σ_g w_g x[g,c] <= cap_c,  x >= 0``.

    ``fit_table`` is ``[group, cover]``; ``solve(cap)`` takes the capacity per cover.
    """

    def __init__(self, fit_table: np.ndarray, count: np.ndarray, points: np.ndarray) -> None:
        self.fit = np.asarray(fit_table, dtype=float)
        self.count = np.asarray(count, dtype=float)
        self.points = np.where(np.asarray(points, dtype=float) > 0, points, _ZERO_POINTS)
        #: groups without workload points: their capacity coefficient (``_ZERO_POINTS``) is
        #: within HiGHS's feasibility tolerance, so the columns of closed covers are bounded
        #: at 0 as well (``_close_columns``)
        self._zero_points = bool((self.points <= _ZERO_POINTS).any())
        self.n_groups, self.n_covers = self.fit.shape
        self.n_solves = 0
        self.n_warm = 0
        self.n_fallback = 0
        self._highs = None
        self._cap: np.ndarray | None = None
        #: delete clearly unattractive columns as they pile up (see ``_PURGE_PER_GROUP``).
        #: It changes which of several optimal bases (degenerate bruker prices) HiGHS ends
        #: at, and the search is steered by those prices, so it was first kept to the exact
        #: gains; on 26 offices of 10-400 veiledere it is as good for the search (gaps within
        #: the spread of degenerate prices) and 10-20 % faster (docs/pairing.md).
        self.purging = True
        backend = PAIRING_LP_BACKEND
        self.backend = "linprog"
        if backend in ("auto", "warm") and _highs_core is not None and self.n_groups:
            try:
                self._build_highs()
                self.backend = "warm"
            except Exception:  # noqa: BLE001  # pragma: no cover - private API changed
                if backend == "warm":
                    raise
                self._highs = None

    # ---- the persistent HiGHS model ------------------------------------------------------
    def _matrix(self, covers: np.ndarray):
        """Constraint matrix over the columns of ``covers`` (group-major), CSC."""
        g_n, c_n = self.n_groups, len(covers)
        cols = np.arange(g_n * c_n)
        gi = np.repeat(np.arange(g_n), c_n)
        ci = np.tile(np.arange(c_n), g_n)
        data = np.concatenate([np.ones(cols.size), np.repeat(self.points, c_n)])
        rows = np.concatenate([gi, g_n + ci])
        return coo_array((data, (rows, np.concatenate([cols, cols]))),
                         shape=(g_n + c_n, cols.size)).tocsc()

    def _build_highs(self) -> None:
        """Rows for every group and cover; columns: one artificial "unplaced" per group
        (a big penalty, so the restricted LP is always feasible), the rest added by pricing."""
        h = _highs_core
        g_n, c_n = self.n_groups, self.n_covers
        lp = h.HighsLp()
        lp.num_col_ = g_n
        lp.num_row_ = g_n + c_n
        lp.a_matrix_.num_col_ = g_n
        lp.a_matrix_.num_row_ = g_n + c_n
        lp.a_matrix_.format_ = h.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.arange(g_n + 1, dtype=np.int32)
        lp.a_matrix_.index_ = np.arange(g_n, dtype=np.int32)
        lp.a_matrix_.value_ = np.ones(g_n)
        lp.col_cost_ = np.full(g_n, _PENALTY)
        lp.col_lower_ = np.zeros(g_n)
        lp.col_upper_ = np.full(g_n, np.inf)
        self._cap = np.zeros(c_n)
        lp.row_lower_ = np.concatenate([self.count, np.full(c_n, -np.inf)])
        lp.row_upper_ = np.concatenate([self.count, self._cap])
        highs = h._Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("random_seed", 0)
        highs.setOptionValue("threads", 1)
        if highs.passModel(lp) != h.HighsStatus.kOk:
            raise RuntimeError("HiGHS refused the allocation LP")
        self._highs = highs
        self._active = np.zeros((g_n, c_n), dtype=bool)
        # fit, -inf where the column is in the model (pricing skips it); a buffer for rc
        self._fit_blocked = self.fit.copy()
        self._rc = np.empty_like(self.fit)
        self._rc2 = np.empty_like(self.fit)
        self._col_g = np.zeros(0, dtype=np.int64)  # model column g_n + k is (g, c)
        self._col_c = np.zeros(0, dtype=np.int64)
        self._purge_at = _PURGE_PER_GROUP * g_n
        self.n_purged = 0

    def _purge(self, mu: np.ndarray, lam: np.ndarray) -> None:
        """Delete the nonbasic columns whose reduced profit is clearly negative at the
        optimal duals ``mu, lam`` (a basic column has reduced profit 0, so none of them is
        basic: the basis stays valid and the next solve starts warm from it)."""
        g, c = self._col_g, self._col_c
        rc = self.fit[g, c] - mu[g] - self.points[g] * lam[c]
        drop = np.flatnonzero(rc < -_PURGE_RC)
        if drop.size:
            status = self._highs.deleteCols(int(drop.size),
                                            (self.n_groups + drop).astype(np.int32))
            if status == _highs_core.HighsStatus.kError:  # pragma: no cover
                raise RuntimeError("HiGHS refused to delete columns")
            keep = np.ones(g.size, dtype=bool)
            keep[drop] = False
            self._active[g[drop], c[drop]] = False
            self._fit_blocked[g[drop], c[drop]] = self.fit[g[drop], c[drop]]
            self._col_g, self._col_c = g[keep], c[keep]
            self.n_purged += int(drop.size)
        self._purge_at = max(2 * self._col_g.size, _PURGE_PER_GROUP * self.n_groups)

    def _add_columns(self, g: np.ndarray, c: np.ndarray) -> None:
        k = len(g)
        g_n = self.n_groups
        starts = (2 * np.arange(k)).astype(np.int32)
        index = np.empty(2 * k, dtype=np.int32)
        index[0::2] = g
        index[1::2] = g_n + c
        value = np.empty(2 * k)
        value[0::2] = 1.0
        value[1::2] = self.points[g]
        status = self._highs.addCols(k, -self.fit[g, c], np.zeros(k), np.full(k, np.inf),
                                     2 * k, starts, index, value)
        if status == _highs_core.HighsStatus.kError:  # pragma: no cover
            raise RuntimeError("HiGHS refused new columns")
        self._active[g, c] = True
        self._fit_blocked[g, c] = -np.inf
        self._col_g = np.concatenate([self._col_g, g])
        self._col_c = np.concatenate([self._col_c, c])

    def _close_columns(self, cap: np.ndarray) -> None:
        """Upper bound 0 on the model's columns at covers without capacity, none elsewhere.

        A capacity row holds a bruker without points only through ``_ZERO_POINTS`` (1e-9
        per bruker), which HiGHS's feasibility tolerance (1e-7) lets through for up to 100
        of them: a column priced in while its cover was open kept them there once it closed
        (the LP's value too high, brukere missing from the allocation)."""
        upper = np.where(cap[self._col_c] > 0, np.inf, 0.0)
        k = self._col_c.size
        status = self._highs.changeColsBounds(
            int(k), (self.n_groups + np.arange(k)).astype(np.int32), np.zeros(k), upper)
        if status == _highs_core.HighsStatus.kError:  # pragma: no cover
            raise RuntimeError("HiGHS refused new column bounds")

    def _solve_warm(self, cap: np.ndarray) -> LPSolution | None:
        """Re-solve after a change of capacities, pricing columns in until none is missing."""
        h = _highs_core
        highs = self._highs
        g_n, c_n = self.n_groups, self.n_covers
        for c in np.flatnonzero(cap != self._cap):
            highs.changeRowBounds(int(g_n + c), -np.inf, float(cap[c]))
        self._cap = cap.copy()
        # a cover no unit has (capacity 0) takes no brukere: its columns are never priced
        # in (its row would take any price that keeps them out, so the bruker prices and
        # the optimum are those of the LP without them; pricing them in cost HiGHS a run
        # per round for columns that can only stay at 0)
        closed = np.flatnonzero(cap <= 0)
        if self._zero_points and self._col_c.size:
            self._close_columns(cap)
        if not self._active.any():  # first solve: the best few open covers of each group
            open_fit = np.where(cap[None, :] > 0, self.fit, -np.inf)
            k = min(_FIRST_COLUMNS, c_n)
            top = np.argsort(-open_fit, axis=1, kind="stable")[:, :k]
            g = np.repeat(np.arange(g_n), k)
            c = top.ravel()
            ok = np.isfinite(open_fit[g, c])
            self._add_columns(g[ok], c[ok])
        for rnd in range(_MAX_PRICING_ROUNDS):
            # a change of capacities keeps the basis dual feasible (dual simplex); new
            # columns keep it primal feasible (primal simplex)
            highs.setOptionValue("simplex_strategy", 1 if rnd == 0 else 4)
            status = highs.run()
            if (status == h.HighsStatus.kError
                    or highs.getModelStatus() != h.HighsModelStatus.kOptimal):
                highs.clearSolver()  # drop the basis, try once from scratch
                status = highs.run()
                if (status == h.HighsStatus.kError
                        or highs.getModelStatus() != h.HighsModelStatus.kOptimal):
                    return None
            sol = highs.getSolution()
            dual = np.asarray(sol.row_dual, dtype=float)
            mu, lam = -dual[:g_n], -dual[g_n:]
            # reduced profit of every column the restricted LP is missing (columns in the
            # model carry -inf); add the most attractive ones
            # (the same operations in the same order as fit - mu - points * lam: the same
            # bits, so the same columns are chosen; the path follows degenerate prices)
            rc = np.subtract(self._fit_blocked, mu[:, None], out=self._rc)
            rc -= np.multiply.outer(self.points, lam, out=self._rc2)
            if closed.size:
                rc[:, closed] = -np.inf
            rows = np.flatnonzero(rc.max(axis=1) > _PRICE_TOL)
            if rows.size == 0:
                break
            # the most attractive few per group (adding all would bloat the LP)
            k = min(_PRICE_PER_GROUP, c_n)
            sub = rc[rows]
            top = np.argpartition(-sub, k - 1, axis=1)[:, :k] if k < c_n else \
                np.tile(np.arange(c_n), (rows.size, 1))
            g = np.repeat(rows, top.shape[1])
            c = top.ravel()
            ok = rc[g, c] > _PRICE_TOL
            if not ok.any():
                break
            self._add_columns(g[ok], c[ok])
        else:  # pragma: no cover - pricing did not settle: let linprog decide
            return None
        col = np.asarray(sol.col_value, dtype=float)
        if col[:g_n].max(initial=0.0) > 1e-9:  # "unplaced" used: let linprog decide
            return None
        flow = np.maximum(col[g_n:], 0.0)
        x = np.zeros((g_n, c_n))
        x[self._col_g, self._col_c] = flow
        value = float(self.fit[self._col_g, self._col_c] @ flow)
        self.n_warm += 1
        if self.purging and self._col_g.size > self._purge_at:
            self._purge(mu, lam)
        return LPSolution(value, mu, x)

    def _solve_linprog(self, cap: np.ndarray) -> LPSolution | None:
        g_n = self.n_groups
        used = np.flatnonzero(cap > 0)
        x = np.zeros((g_n, self.n_covers))
        if used.size == 0:
            return None
        a = self._matrix(used)
        c_n = used.size
        res = linprog(-self.fit[:, used].ravel(), A_ub=a[[g_n + k for k in range(c_n)]],
                      b_ub=cap[used], A_eq=a[list(range(g_n))], b_eq=self.count,
                      bounds=(0, None), method="highs")
        if res.status != 0:
            return None
        x[:, used] = np.maximum(res.x.reshape(g_n, c_n), 0.0)
        mu = -np.asarray(res.eqlin.marginals, dtype=float)
        return LPSolution(float(-res.fun), mu, x)

    def solve(self, cap: np.ndarray) -> LPSolution | None:
        """Solve for the capacity per cover; None if infeasible (brukere do not fit)."""
        cap = np.asarray(cap, dtype=float)
        self.n_solves += 1
        if self.n_groups == 0:
            return LPSolution(0.0, np.zeros(0), np.zeros((0, self.n_covers)))
        out = None
        if self._highs is not None:
            try:
                out = self._solve_warm(cap)
            except Exception:  # noqa: BLE001  # pragma: no cover - private API changed
                self._highs = None
                self.backend = "linprog"
        if out is None:
            self.n_fallback += 1
            out = self._solve_linprog(cap)
        return out
