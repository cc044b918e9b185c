"""Benchmark for gap_analysis: verified proposals against verifying every candidate.

Run::

    cd /work/main && PYTHONPATH=src python -m pytest benchmarks/bench_gap_analysis.py \
        --benchmark-only -s

or ``PYTHONPATH=src python benchmarks/bench_gap_analysis.py [--big]`` for a plain table.
The plain table starts with the analysis' lean re-solve against re-solving through
``allocate_portfolios`` (CPU of each, the ratio, and whether the analyses are equal).

The issue's targets: the example office (25 veiledere, 1,800 brukere) under 2 s, and
``synthetic_office(150, 10000)`` under 20 s, with the number of re-solves and the time per
re-solve. The obvious alternative to ranking candidates by LP prices is to re-solve the
allocation for *every* candidate step (each veileder, each dimension below 5): the table
shows its time and whether its top three are the analysis' top three.
"""

from __future__ import annotations

import sys
import time

import pytest

from navkompetanse import (
    CompetenceProfile,
    allocate_portfolios,
    gap_analysis,
    load_example_office,
    synthetic_office,
)

CASES = {
    "example 25x1800": load_example_office,
    "synthetic 150x10000": lambda: synthetic_office(150, 10_000, seed=1),
}


def analyse(name: str) -> dict:
    office = CASES[name]()
    wall, cpu = time.perf_counter(), time.process_time()
    result = gap_analysis(office, time_limit=None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"case": name, "wall_s": wall, "cpu_s": cpu, "resolves": result.stats["resolves"],
            "per_resolve_s": result.stats["seconds_per_resolve"],
            "top": [(p.ident, p.dimension) for p in result.development],
            "gains": [round(p.gain, 3) for p in result.development]}


def every_candidate(name: str) -> dict:
    """Re-solve the allocation for every one-level step of every veileder (the alternative)."""
    office = CASES[name]()
    wall = time.perf_counter()
    base = allocate_portfolios(office)
    pairs = [u.members for u in base.units.values() if len(u.members) == 2]
    best: dict[str, tuple[float, str]] = {}
    solves = 0
    for v in office.veiledere:
        levels = v.effective_profile.as_array()
        for j, dim in enumerate(("relasjonell", "struktur", "forvaltning", "digital")):
            if levels[j] >= 5:
                continue
            raised = levels.copy()
            raised[j] += 1
            changed = office.replace(veiledere=tuple(
                x.replace(profile=CompetenceProfile.from_array(raised)) if x.ident == v.ident
                else x for x in office.veiledere))
            gain = allocate_portfolios(changed, pairs=pairs).objective - base.objective
            solves += 1
            if v.ident not in best or gain > best[v.ident][0]:
                best[v.ident] = (gain, dim)
    top = sorted(best.items(), key=lambda kv: -kv[1][0])[:3]
    return {"case": name, "wall_s": time.perf_counter() - wall, "resolves": solves,
            "top": [(ident, dim) for ident, (_, dim) in top],
            "gains": [round(g, 3) for _, (g, _) in top]}


def resolve_paths(name: str) -> dict:
    """The analysis with its lean re-solve against re-solving through allocate_portfolios
    (which also writes every placement and move the analysis never reads): CPU of each, the
    ratio, and whether the two analyses are equal (``to_dict`` without the timing stats)."""
    import navkompetanse.analysis.gaps as gaps

    class ThroughAllocate(gaps._Verifier):
        def solve(self, office):
            left = self.left()
            r = allocate_portfolios(office, pairs=gaps._pairs_of(self.base), policy=self.policy,
                                    time_limit=min(left, 10.0) if left is not None else 10.0,
                                    **self.options)
            self.times.append(0.0)
            return gaps._Resolved(r.status, r.objective, r.bound,
                                  {b: 1.0 - q.fit for b, q in r.placements.items()},
                                  {b: q.total_shortfall for b, q in r.placements.items()})

    office = CASES[name]()
    base = allocate_portfolios(office)
    lean_verifier, out = gaps._Verifier, {}
    try:
        for label, verifier in (("lean", lean_verifier), ("allocate", ThroughAllocate)):
            gaps._Verifier = verifier
            wall, cpu = time.perf_counter(), time.process_time()
            result = gap_analysis(office, allocation=base, time_limit=None)
            out[label] = (time.perf_counter() - wall, time.process_time() - cpu,
                          {k: v for k, v in result.to_dict().items() if k != "stats"})
    finally:
        gaps._Verifier = lean_verifier
    return {"case": name, "lean_wall_s": out["lean"][0], "lean_cpu_s": out["lean"][1],
            "allocate_wall_s": out["allocate"][0], "allocate_cpu_s": out["allocate"][1],
            "cpu_ratio": out["allocate"][1] / out["lean"][1],
            "equal": out["lean"][2] == out["allocate"][2]}


@pytest.mark.parametrize("name", ["example 25x1800"])
def test_re_solve_paths(benchmark, name):
    out = benchmark.pedantic(resolve_paths, args=(name,), rounds=1, iterations=1)
    print(out)
    assert out["equal"]


@pytest.mark.parametrize("name", ["example 25x1800"])
def test_gap_analysis(benchmark, name):
    out = benchmark.pedantic(analyse, args=(name,), rounds=1, iterations=1)
    print(out)


@pytest.mark.parametrize("name", ["example 25x1800"])
def test_every_candidate_re_solved(benchmark, name):
    out = benchmark.pedantic(every_candidate, args=(name,), rounds=1, iterations=1)
    print(out)


if __name__ == "__main__":
    import os

    names = list(CASES) if "--big" in sys.argv else ["example 25x1800"]
    for case in names:
        r = resolve_paths(case)
        print(f"{case}: re-solves lean {r['lean_cpu_s']:.2f} s CPU ({r['lean_wall_s']:.2f} wall), "
              f"through allocate_portfolios {r['allocate_cpu_s']:.2f} s CPU "
              f"({r['allocate_wall_s']:.2f} wall): {r['cpu_ratio']:.2f}x; analyses equal: "
              f"{r['equal']}; load average {os.getloadavg()[0]:.2f}")
    for case in names:
        ours = analyse(case)
        print(f"{case}: gap_analysis {ours['wall_s']:.2f} s wall, {ours['cpu_s']:.2f} s CPU, "
              f"{ours['resolves']} re-solves x {ours['per_resolve_s']:.3f} s; "
              f"top {ours['top']} gains {ours['gains']}")
        if case.startswith("example") or "--all-candidates" in sys.argv:
            alt = every_candidate(case)
            print(f"{case}: every candidate {alt['wall_s']:.2f} s, {alt['resolves']} "
                  f"re-solves; top {alt['top']} gains {alt['gains']}; ratio "
                  f"{alt['wall_s'] / ours['wall_s']:.1f}x; same top three: "
                  f"{alt['top'] == ours['top']}")
