"""Pairing with preferences on against off (issue 11: within 20 % of the time without).

The offices are ``bench_pairing``'s synthetic offices (10, 50, 150, 400 veiledere, about 72
brukere each); "on" gives every veileder a seeded preference per kind of work (energi 30 %,
noytral 50 %, tapper 20 %), so the pairing model's unit types become (cover, leading signs)
and the profit table gains the preference term (``stats["n_unit_types"]``: the model's
unit types, covers without preferences). "off" is the same office without
preferences. The timed call is ``bench_pairing``'s: ``pair_veiledere`` and ``explain`` for
every veileder.

Run::

    cd /work/main && PYTHONPATH=src python benchmarks/bench_pairing_preferences.py

for the table (min and median of wall and CPU time over repeats, the ratio on/off, the
number of unit types and allocation LPs), or as pytest-benchmark::

    cd /work/main && PYTHONPATH=src python -m pytest benchmarks/bench_pairing_preferences.py \
        -s --benchmark-only

Over many offices of one size (each with its own preference seed; on and off in turn)::

    cd /work/main && PYTHONPATH=src python benchmarks/bench_pairing_preferences.py --offices [10]

The LP count is the fairer yardstick on a loaded machine: the search spends a fixed budget
of allocation LPs, so the time on/off differs by what one LP and the model build cost.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import numpy as np
import pytest

from navkompetanse.models import DIMENSIONS, Office
from navkompetanse.pairing import pair_veiledere
from navkompetanse.synthetic import synthetic_office

CASES = {10: 720, 50: 3600, 150: 10800, 400: 28800}
_OFFICES: dict[tuple[int, bool], Office] = {}


def with_preferences(office: Office, seed: int = 11) -> Office:
    """Every veileder with a seeded preference per kind of work."""
    rng = np.random.default_rng(seed)
    words = np.array(["energi", "noytral", "tapper"])
    staff = []
    for v in office.veiledere:
        feel = rng.choice(words, size=len(DIMENSIONS), p=[0.3, 0.5, 0.2])
        staff.append(v.model_copy(update={"preferences": {
            d: str(f) for d, f in zip(DIMENSIONS, feel, strict=True) if f != "noytral"}}))
    return office.replace(veiledere=tuple(staff))


def office_of(n: int, preferences: bool) -> Office:
    key = (n, preferences)
    if key not in _OFFICES:
        plain = synthetic_office(n, CASES[n], seed=1)
        _OFFICES[key] = with_preferences(plain) if preferences else plain
    return _OFFICES[key]


def run(office: Office):
    result = pair_veiledere(office)
    texts = [result.explain(ident) for ident in office.idents]
    return result, texts


def timed(office: Office) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result, _ = run(office)
    return time.perf_counter() - wall, time.process_time() - cpu, result


@pytest.mark.parametrize("preferences", [False, True], ids=["off", "on"])
@pytest.mark.parametrize("n_veiledere", list(CASES))
def test_bench_pairing_preferences(benchmark, n_veiledere, preferences):
    office = office_of(n_veiledere, preferences)
    result, texts = benchmark.pedantic(run, args=(office,), rounds=3, iterations=1,
                                       warmup_rounds=1)
    assert len(texts) == n_veiledere and result.ok
    benchmark.extra_info.update(n_lp=result.stats["n_lp"], pairs=len(result.pairs),
                                gap=result.gap, status=result.status)


def table(cases=CASES, repeats: int = 5) -> str:
    lines = ["| veiledere | prefs | wall min / median (s) | CPU min / median (s) | CPU on/off "
             "| unit types | LPs | pairs | gap |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for n in cases:
        cpu_min = {}
        for prefs in (False, True):
            office = office_of(n, prefs)
            timed(office)  # warm-up (imports, caches)
            runs = [timed(office) for _ in range(repeats if n < 400 else max(repeats // 2, 2))]
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            result = runs[-1][2]
            cpu_min[prefs] = min(cpus)
            types = result.stats["n_unit_types"]
            ratio = f"{cpu_min[True] / cpu_min[False]:.2f}" if prefs else ""
            lines.append(
                f"| {n} | {'on' if prefs else 'off'} | {min(walls):.3f} / "
                f"{statistics.median(walls):.3f} | {min(cpus):.3f} / "
                f"{statistics.median(cpus):.3f} | {ratio} | {types} | {result.stats['n_lp']} "
                f"| {len(result.pairs)} | {result.gap:.2e} |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines.append(f"\nload average (1, 5, 15 min) after the run: {load} on {os.cpu_count()} cores")
    return "\n".join(lines)


def offices(n_veiledere: int = 10, seeds=range(1, 15), repeats: int = 3) -> str:
    """On/off over many offices of one size (``synthetic_office(n, 72 n, seed)``, each with
    its own preference seed ``10 + seed``): the minimum CPU time of ``repeats`` calls each,
    on and off measured in turn; per office the ratio, LPs and whether the pairing is the
    same, then the ratio of the totals and the worst office."""
    n_b = CASES.get(n_veiledere, 72 * n_veiledere)
    lines = ["| seed | CPU off (s) | CPU on (s) | on/off | LPs off / on |",
             "|---:|---:|---:|---:|---:|"]
    total = {False: 0.0, True: 0.0}
    worst = (0.0, None)
    for seed in seeds:
        plain = synthetic_office(n_veiledere, n_b, seed=seed)
        cases = {False: plain, True: with_preferences(plain, seed=10 + seed)}
        best = {False: np.inf, True: np.inf}
        lps = {}
        for prefs in (False, True):
            timed(cases[prefs])  # warm-up
        for _ in range(repeats):
            for prefs in (False, True):
                _, cpu, result = timed(cases[prefs])
                best[prefs] = min(best[prefs], cpu)
                lps[prefs] = result.stats["n_lp"]
        ratio = best[True] / best[False]
        worst = max(worst, (ratio, seed), key=lambda x: x[0])
        for prefs in (False, True):
            total[prefs] += best[prefs]
        lines.append(f"| {seed} | {best[False]:.3f} | {best[True]:.3f} | {ratio:.2f} "
                     f"| {lps[False]} / {lps[True]} |")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines.append(f"\n{n_veiledere} veiledere, {len(list(seeds))} offices: CPU together off "
                 f"{total[False]:.3f} s, on {total[True]:.3f} s, on/off "
                 f"{total[True] / total[False]:.2f}; worst office {worst[0]:.2f} (seed "
                 f"{worst[1]}); load average {load} on {os.cpu_count()} cores")
    return "\n".join(lines)


if __name__ == "__main__":
    if "--offices" in sys.argv[1:]:
        rest = [int(a) for a in sys.argv[1:] if a != "--offices"]
        print(offices(*rest[:1]))
    else:
        sizes = [int(a) for a in sys.argv[1:]] or list(CASES)
        print(table({n: CASES[n] for n in sizes}))
