"""Competence map speed: it runs in every ``plan()``, so on ``synthetic_office(150, 10000)``
it must stay well under 100 ms.

Run::

    PYTHONPATH=src python -m pytest benchmarks/bench_competence_map.py --benchmark-only -s

The map reads needs and workload per bruker (the scoring's array step, without the
allocation's continuity weights) and each veileder's assessments once; the individual rows
(profiles, topics, development) cost a pass over 150 veiledere.
"""

from __future__ import annotations

import pytest

from navkompetanse.analysis import competence_map
from navkompetanse.synthetic import synthetic_office


@pytest.fixture(scope="module")
def office():
    return synthetic_office(150, 10_000, seed=0)


def test_competence_map_150x10000(benchmark, office):
    cmap = benchmark(competence_map, office)
    assert sum(cmap.distribution["forvaltning"]) == 150
    assert benchmark.stats.stats.median < 0.1, "target: well under 100 ms"


def test_shareable_dict_150x10000(benchmark, office):
    cmap = competence_map(office)
    data = benchmark(cmap.to_dict, shareable=True)
    assert "profiles" not in data
