"""The pairing's packing margin (``pairing.valuation.PACKING_MARGIN``) against none.

Three offices of the national set (``synthetic_offices(250, seed=0)``, read from the files
``bench_many`` writes) whose pairs and mentoring had left the allocation one bruker's weight
of room: 9862 (48 × 3,375), 9559 (93 × 6,488) and 1431 (135 × 9,398). Each is planned as
``plan_many`` plans it (``gaps=False``) with the margin (0.25, the default) and without it
(0: one bruker's weight, the rule before), in turn, in this process: CPU and wall seconds,
the plan's status, the allocation's method (``class-lp`` is the LP's rounding;
``priced-gap (fallback)`` the slow search when the rounding found no place for the last
brukere), its certified gap and the number of pairs.

Run::

    cd /work/main && PYTHONPATH=src python benchmarks/bench_packing_margin.py [--time-limit 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

from navkompetanse import CapacityWarning, load_office, plan
from navkompetanse.pairing import valuation

sys.path.insert(0, os.path.dirname(__file__))
from bench_many import national  # noqa: E402  (the national files, made once)

OFFICES = ("9862", "9559", "1431")


def run(enhet: str, margin: float, time_limit: float) -> dict:
    office = load_office(next(p for p in national() if p.stem == enhet))
    valuation.PACKING_MARGIN = margin
    cpu, wall = time.process_time(), time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        p = plan(office, gaps=False, time_limit=time_limit, progress=False)
    return {"office": enhet, "size": f"{office.n_veiledere} × {office.n_brukere:,}",
            "margin": margin, "cpu": time.process_time() - cpu,
            "wall": time.perf_counter() - wall, "status": p.status,
            "method": p.allocation.stats.get("method"),
            "gap": p.allocation.gap if p.allocation.ok else None,
            "pairs": len(p.pairing.pairs) if p.pairing is not None else 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args(argv)
    default = valuation.PACKING_MARGIN
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print("| office | veiledere × brukere | margin | CPU s | wall s | status | allocation "
          "| gap | pairs |")
    print("|---|---|---:|---:|---:|---|---|---:|---:|")
    try:
        for enhet in OFFICES:
            for margin in (0.0, default):
                r = run(enhet, margin, args.time_limit)
                gap = f"{100 * r['gap']:.3f} %" if r["gap"] is not None else "–"
                print(f"| {r['office']} | {r['size']} | {r['margin']} | {r['cpu']:.2f} | "
                      f"{r['wall']:.2f} | {r['status']} | {r['method']} | {gap} | "
                      f"{r['pairs']} |", flush=True)
    finally:
        valuation.PACKING_MARGIN = default
    return 0


if __name__ == "__main__":
    sys.exit(main())
