"""Result containers and independent solution verification for the optimisation core.

Every solution returned by :func:`navkompetanse.optimize.solve_gap` or
:func:`navkompetanse.optimize.max_weight_pairing` is checked here, from the raw input arrays,
before it leaves the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["GapResult", "PairingSolution", "SolverError"]


class SolverError(RuntimeError):
    """Internal error: a solver produced a solution that failed independent verification.

    This signals a bug in the optimisation core, never a property of the input.
    """


@dataclass(frozen=True)
class GapResult:
    """Outcome of :func:`~navkompetanse.optimize.solve_gap`.

    Attributes
    ----------
    assignment : numpy.ndarray
        int64 array (n_items,), the agent of each item; all ``-1`` when no solution exists.
    objective : float
        Objective recomputed from the input arrays (``nan`` without a solution).
    bound : float
        Proven bound on the optimum: upper bound for ``sense="max"``, lower bound for "min".
    gap : float
        ``|bound - objective| / max(1, |objective|)`` (``inf`` without a solution).
    status : str
        "optimal", "feasible", "infeasible" or "time_limit".
    message : str
        Human readable explanation (the reason when infeasible).
    runtime : float
        Wall-clock seconds.
    agent_load : numpy.ndarray
        Recomputed load per agent (n_agents,).
    stats : dict
        Solver statistics (stage timings, nodes, ...).
    prices : numpy.ndarray or None
        Nonnegative capacity multipliers ``lambda`` (n_agents,), in profit units per weight
        unit, that certify ``bound`` through the capacity Lagrangian (over permitted agents
        ``j`` of each item ``i``)::

            max:  L(lambda) = sum_i max_j (p_ij - lambda_j w_ij) + sum_j lambda_j C_j >= bound
            min:  L(lambda) = sum_i min_j (p_ij + lambda_j w_ij) - sum_j lambda_j C_j <= bound

        ``L(prices)`` is a valid bound for any nonnegative prices; ``bound`` equals it unless
        it was tightened further (integral data: rounded to the incumbent when within 1;
        exact search; capacities rounded down to the lattice of the weights, e.g. to a
        multiple of 0.25 when every weight is one, ``stats["capacity_lattice"]``, so
        ``L(prices)`` with the given capacities is at least as weak as ``bound``).  They are
        the dual prices of capacity (marginal value of one more
        weight unit at agent ``j``).  ``None`` on paths that do not produce prices (e.g. the
        classic per-agent-weight case, no solution).
    """

    assignment: np.ndarray
    objective: float
    bound: float
    gap: float
    status: str
    message: str
    runtime: float
    agent_load: np.ndarray
    stats: dict = field(default_factory=dict, compare=False)
    prices: np.ndarray | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        """True when an assignment (every item placed) is available."""
        return bool(self.assignment.size == 0 or (self.assignment >= 0).all()) and (
            self.status != "infeasible" and np.isfinite(self.objective)
        )


@dataclass(frozen=True)
class PairingSolution:
    """Outcome of :func:`~navkompetanse.optimize.max_weight_pairing`.

    Attributes
    ----------
    pairs : list of tuple of int
        Matched pairs ``(i, j)`` with ``i < j``, sorted.
    weight : float
        Total weight of the pairs, recomputed from the input matrix.
    mate : numpy.ndarray
        int64 array (n,), partner of each node or ``-1``.
    bound : float
        Proven upper bound on the optimum (equal to ``weight`` when optimal).
    status : str
        "optimal".
    stats : dict
        Solver statistics.
    """

    pairs: list
    weight: float
    mate: np.ndarray
    bound: float
    status: str
    stats: dict = field(default_factory=dict, compare=False)


def _verify_gap(assignment, profit, weight2d, capacity, allowed, objective=None, rtol=1e-9):
    """Check a GAP assignment independently; return ``(objective, load)`` or raise.

    Parameters are the validated inputs: ``profit`` and ``weight2d`` (n_items, n_agents),
    ``capacity`` (n_agents,), ``allowed`` bool mask or None.  When ``objective`` is given it
    must match the recomputed value.
    """
    a = np.asarray(assignment)
    n, m = profit.shape
    if a.shape != (n,):
        raise SolverError(f"assignment has shape {a.shape}, expected ({n},)")
    if not np.issubdtype(a.dtype, np.integer):
        raise SolverError("assignment is not an integer array")
    if n and (a.min() < 0 or a.max() >= m):
        raise SolverError("an item is unassigned or assigned to a non-existing agent")
    idx = np.arange(n)
    if allowed is not None and n and not allowed[idx, a].all():
        bad = int(np.flatnonzero(~allowed[idx, a])[0])
        raise SolverError(f"item {bad} assigned to forbidden agent {int(a[bad])}")
    load = np.bincount(a, weights=weight2d[idx, a], minlength=m).astype(float)
    tol = rtol * np.maximum(1.0, np.abs(capacity))
    if (load > capacity + tol).any():
        j = int(np.argmax(load - capacity))
        raise SolverError(f"agent {j} overloaded: load {load[j]} > capacity {capacity[j]}")
    obj = float(profit[idx, a].sum())
    if objective is not None and not np.isclose(obj, objective, rtol=1e-9, atol=1e-9):
        raise SolverError(f"objective mismatch: claimed {objective}, recomputed {obj}")
    return obj, load


def _verify_pairing(mate, weights, allowed, claimed_weight=None):
    """Check a matching given by ``mate`` independently; return its recomputed weight."""
    mate = np.asarray(mate)
    n = weights.shape[0]
    if mate.shape != (n,):
        raise SolverError("mate has the wrong shape")
    total = 0.0
    for i in range(n):
        j = int(mate[i])
        if j < 0:
            continue
        if j >= n or j == i or int(mate[j]) != i:
            raise SolverError(f"mate is not a matching at node {i}")
        if allowed is not None and not allowed[i, j]:
            raise SolverError(f"pair ({i}, {j}) is not allowed")
        if i < j:
            total += float(weights[i, j])
    if claimed_weight is not None and not np.isclose(total, claimed_weight, rtol=1e-9, atol=1e-9):
        raise SolverError(f"weight mismatch: claimed {claimed_weight}, recomputed {total}")
    return total
