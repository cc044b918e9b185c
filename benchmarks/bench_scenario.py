"""Benchmark for compare_scenarios: where the time goes besides the plans themselves.

Run::

    cd /work/main && PYTHONPATH=src python -m pytest benchmarks/bench_scenario.py \
        --benchmark-only -s

or ``PYTHONPATH=src python benchmarks/bench_scenario.py`` for a plain table.

A comparison of k scenarios makes k + 1 plans; everything else (applying the steps, the
per-veileder portfolio changes through ``Plan.to_office``, the weighted shortfall, the texts)
should stay a small share of the total. The table prints the comparison's wall time, the
plans' own time (``Plan.runtime_s`` summed) and the rest, per office.
"""

from __future__ import annotations

import time
import warnings

import pytest

from navkompetanse import CapacityWarning, load_example_office, synthetic_office
from navkompetanse.scenario import Scenario, compare_scenarios

#: name -> (office factory, plan options)
CASES = {
    "example 1800x25": (load_example_office, {"time_limit": 10}),
    "synthetic 10000x150": (lambda: synthetic_office(150, 10_000, seed=0),
                            {"time_limit": 20}),
}


def _scenarios(office):
    leaver = office.veiledere[0].ident
    learner = min(office.veiledere, key=lambda v: v.effective_profile["forvaltning"]).ident
    return [Scenario("automatisert").automate(0.5, seed=1),
            Scenario("slutter").leave(leaver),
            Scenario("flere unge").shift(0.2, "ung", seed=2).raise_level(learner,
                                                                          "forvaltning")]


def run(name: str) -> dict:
    make, options = CASES[name]
    office = make()
    scenarios = _scenarios(office)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        started = time.perf_counter()
        c = compare_scenarios(office, scenarios, **options)
        wall = time.perf_counter() - started
    plans = [c.baseline_plan, *(p for p in c.plans.values() if p is not None)]
    planned = sum(p.runtime_s for p in plans)
    return {"case": name, "status": c.status, "plans": len(plans), "wall_s": wall,
            "plans_s": planned, "rest_s": wall - planned,
            "rest_share": (wall - planned) / wall}


@pytest.mark.parametrize("name", list(CASES))
def test_compare_scenarios(benchmark, name):
    row = benchmark.pedantic(run, args=(name,), rounds=1, iterations=1)
    print(row)
    assert row["status"] in ("optimal", "feasible", "time_limit")


if __name__ == "__main__":
    print(f"{'case':<22}{'status':>10}{'plans':>7}{'wall s':>9}{'plans s':>9}{'rest s':>9}"
          f"{'rest':>7}")
    for case in CASES:
        r = run(case)
        print(f"{r['case']:<22}{r['status']:>10}{r['plans']:>7}{r['wall_s']:>9.2f}"
              f"{r['plans_s']:>9.2f}{r['rest_s']:>9.2f}{100 * r['rest_share']:>6.0f}%")
