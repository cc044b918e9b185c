"""Office-shaped GAP instances built with the library's own scoring (weight per item).

``real_office_instance`` turns :func:`navkompetanse.synthetic.synthetic_office` into the
arrays the allocation layer hands to :func:`navkompetanse.optimize.solve_gap`: units are the
veiledere, ``profit = fit + continuity bonus`` (0.05 at the current veileder), ``weight`` the
workload points and ``capacity`` the capacity points capped at fair share x 1.15.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["real_office_instance"]


@functools.lru_cache(maxsize=16)
def _cached(n_items: int, n_agents: int, seed: int):
    import warnings

    from navkompetanse.policy import Policy
    from navkompetanse.scoring import fit_matrix, office_arrays, unit_cover
    from navkompetanse.synthetic import synthetic_office

    policy = Policy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        office = synthetic_office(n_veiledere=n_agents, n_brukere=n_items, seed=seed)
    arr = office_arrays(office, policy)
    cover = unit_cover(arr.levels, [[k] for k in range(n_agents)])
    profit = fit_matrix(arr.need, cover, policy)
    rows = np.flatnonzero(arr.current >= 0)
    profit[rows, arr.current[rows]] += policy.continuity_bonus
    weight = arr.workload.astype(float)
    cap = arr.capacity.astype(float)
    if cap.sum() < 1.02 * weight.sum():
        # synthetic_office cannot reach its load with 100 % positions (too many brukere per
        # veileder): scale capacity points to 1.10 x the workload, like an office that hires.
        cap = cap * (1.10 * weight.sum() / cap.sum())
    fair = weight.sum() * cap / cap.sum()
    capacity = np.minimum(cap, fair * (1.0 + policy.balance_slack))
    return profit, weight, capacity


def real_office_instance(n_items: int, n_agents: int, seed: int = 0):
    """``(profit, weight, capacity)`` of a synthetic office scored by the library."""
    p, w, c = _cached(int(n_items), int(n_agents), int(seed))
    return p.copy(), w.copy(), c.copy()
