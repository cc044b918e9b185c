"""A lower bound on the optimum of issue 10's needs family at 10,000 x 150 (seed 0): how close
to the optimum a solution must be for the class LP bound to certify 0.1 %.

A long profile, not a benchmark (pytest does not collect it; an hour or more on one core)::

    cd /work/main && python benchmarks/needs_lower_bound.py [T] [seconds]

The class LP (capacities on the 0.25 lattice the weights live on) gives duals ``u, lam`` and
reduced costs ``rc``; any solution that uses a column of reduced cost above ``T`` costs more
than ``LP + T``. HiGHS's MIP over the columns of reduced cost at most ``T`` proves a dual
bound ``B_R`` for every other solution, so ``OPT >= min(B_R, LP + T)``. The default ``T``
(2.75) puts ``LP + T`` above the largest value the LP bound can certify within 0.1 %
(``LP / 0.999``), so the printed bound says how far from 0.1 % the LP bound is at best.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from gap_reference import needs_office_instance  # noqa: E402


def main(threshold: float = 2.75, seconds: float = 5400.0) -> None:
    p, w, C = needs_office_instance(10000, 150, seed=0)
    cost = -p
    C = np.floor(C / 0.25 + 1e-9) * 0.25  # every load is a multiple of 0.25
    uniq, cnt = np.unique(np.column_stack([cost, w]), axis=0, return_counts=True)
    ck, wk = uniq[:, :-1], uniq[:, -1]
    K, m = ck.shape
    print(f"classes {K}, agents {m}, capacity {C[0]}", flush=True)
    kk, jj = np.repeat(np.arange(K), m), np.tile(np.arange(m), K)
    q = K * m
    t = time.time()
    lp = linprog(ck.ravel(), A_ub=sparse.csr_array((wk[kk], (jj, np.arange(q))), shape=(m, q)),
                 b_ub=C, A_eq=sparse.csr_array((np.ones(q), (kk, np.arange(q))), shape=(K, q)),
                 b_eq=cnt, bounds=(0, None), method="highs-ipm")
    u, lam = lp.eqlin.marginals, -lp.ineqlin.marginals
    print(f"class LP {lp.fun:.4f} ({time.time() - t:.1f} s); 0.1 % against it needs a "
          f"solution <= {lp.fun / 0.999:.4f}", flush=True)
    rc = ck + lam[None, :] * wk[:, None] - u[:, None]
    keep = rc <= threshold
    kk, jj = np.nonzero(keep)
    q = len(kk)
    print(f"columns of reduced cost <= {threshold}: {q}; any other solution costs more than "
          f"{lp.fun + threshold:.4f}", flush=True)
    a = sparse.vstack([sparse.csr_array((np.ones(q), (kk, np.arange(q))), shape=(K, q)),
                       sparse.csr_array((wk[kk], (jj, np.arange(q))), shape=(m, q))])
    res = milp(ck[kk, jj], integrality=np.ones(q), bounds=Bounds(0, cnt[kk]),
               constraints=LinearConstraint(a, np.concatenate([cnt, np.full(m, -np.inf)]),
                                            np.concatenate([cnt, C])),
               options={"disp": True, "time_limit": seconds, "mip_rel_gap": 0})
    bound = getattr(res, "mip_dual_bound", -np.inf)
    best = min(bound, lp.fun + threshold)
    print(f"MIP: {res.message}; dual bound {bound:.4f}, best solution {res.fun}", flush=True)
    print(f"OPT >= {best:.4f}: the LP bound certifies at best "
          f"{100 * (best - lp.fun) / best:.4f} %", flush=True)


if __name__ == "__main__":
    main(*(float(a) for a in sys.argv[1:3]))
