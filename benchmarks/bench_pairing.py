"""Benchmarks for pair_veiledere on synthetic offices (10, 50, 150, 400 veiledere).

Run::

    cd /work/main && PYTHONPATH=src python -m pytest benchmarks/bench_pairing.py \
        --benchmark-only -s

or ``PYTHONPATH=src python benchmarks/bench_pairing.py`` for the plain table in
``docs/pairing.md``. The timed call is the whole thing a leader asks for: scoring, the
allocation LPs, matching, the bound and every explanation (``explain`` for each veileder).

Target (issue 4): under 1 s at 150 veiledere.
"""

from __future__ import annotations

import time

import pytest

from navkompetanse.pairing import pair_veiledere
from navkompetanse.synthetic import synthetic_office

#: n_veiledere -> brukere (about 72 per veileder, as in synthetic_office's default office)
CASES = {10: 720, 50: 3600, 150: 10800, 400: 28800}


def run(office):
    result = pair_veiledere(office)
    texts = [result.explain(ident) for ident in office.idents]
    return result, texts


@pytest.mark.parametrize("n_veiledere", list(CASES))
def test_bench_pair_veiledere(benchmark, n_veiledere):
    office = synthetic_office(n_veiledere, CASES[n_veiledere], seed=1)
    result, texts = benchmark.pedantic(run, args=(office,), rounds=1, iterations=1)
    assert len(texts) == n_veiledere
    assert result.bound >= result.objective - 1e-6


def main() -> None:
    print(f"{'veiledere':>9} {'brukere':>8} {'seconds':>8} {'pairs':>6} {'LPs':>5} "
          f"{'objective':>11} {'bound':>11} {'gap %':>7} status")
    for n_v, n_b in CASES.items():
        office = synthetic_office(n_v, n_b, seed=1)
        t0 = time.perf_counter()
        result, _ = run(office)
        dt = time.perf_counter() - t0
        print(f"{n_v:>9} {n_b:>8} {dt:>8.2f} {len(result.pairs):>6} "
              f"{result.stats['n_lp']:>5} {result.objective:>11.2f} {result.bound:>11.2f} "
              f"{100 * result.gap:>7.3f} {result.status}")


if __name__ == "__main__":
    main()
