"""Fit matrix speed: 10,000 brukere × 150 units must build in well under 100 ms.

Run::

    PYTHONPATH=src python -m pytest benchmarks/bench_scoring.py --benchmark-only -s

Compares :func:`navkompetanse.scoring.fit_matrix` (penalty once per distinct need row, then a
gather) with the obvious alternative, a full ``(n_brukere, n_units, 4)`` broadcast, on the
same arrays in the same run, and checks that both give the same matrix.
"""

from __future__ import annotations

import numpy as np
import pytest

from navkompetanse.policy import Policy
from navkompetanse.scoring import fit_matrix, office_arrays, penalty_scale
from navkompetanse.synthetic import synthetic_office

POLICY = Policy()
WEIGHTS = np.array(list(POLICY.dimension_weights.values()))


def broadcast_fit(need: np.ndarray, cover: np.ndarray) -> np.ndarray:
    miss = np.maximum(need[:, None, :] - cover[None, :, :], 0).astype(float)
    return 1.0 - (miss**POLICY.shortfall_exponent) @ WEIGHTS / penalty_scale(POLICY)


@pytest.fixture(scope="module")
def arrays():
    office = synthetic_office(150, 10_000, seed=0)
    a = office_arrays(office, POLICY)
    return a.need, a.levels


@pytest.mark.parametrize("method", ["fit_matrix", "broadcast"])
def test_fit_matrix_10000x150(benchmark, arrays, method):
    need, cover = arrays
    fn = fit_matrix if method == "fit_matrix" else broadcast_fit
    args = (need, cover, POLICY) if method == "fit_matrix" else (need, cover)
    result = benchmark(fn, *args)
    assert result.shape == (10_000, 150)
    assert np.allclose(result, broadcast_fit(need, cover))
    if method == "fit_matrix":
        assert benchmark.stats.stats.median < 0.1, "target: well under 100 ms"
