"""Array-level optimisation core: generalized assignment (GAP) and maximum-weight pairing.

Public API::

    solve_gap(profit, weight, capacity, *, sense="max", allowed=None, time_limit=None, seed=0)
    max_weight_pairing(weights, *, allowed=None)

Every returned solution is verified independently against the input arrays.
"""

from ._gap import solve_gap
from ._pairing import max_weight_pairing
from ._result import GapResult, PairingSolution, SolverError

__all__ = ["solve_gap", "max_weight_pairing", "GapResult", "PairingSolution", "SolverError"]
