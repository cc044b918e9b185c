"""Repeatability of time-limited GAP results: the same instances over several seeds.

Run: ``PYTHONPATH=src python benchmarks/bench_gap_repeat.py e20100,d20100 --seeds 0-5``
(10 s limit each; ``--limit`` changes it). Prints, per instance and seed, the gap to the best
known value and the number of tabu-search iterations, then min / mean / max per instance.
These are the repeatability ranges quoted in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gapdata import typed_instances  # noqa: E402

from navkompetanse.optimize import solve_gap  # noqa: E402


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", help="comma-separated instance names, e.g. e20100,d20100")
    ap.add_argument("--seeds", default="0-2", help="range a-b (inclusive) or comma list")
    ap.add_argument("--limit", type=float, default=10.0, help="time limit per run in s")
    args = ap.parse_args(argv)
    if "-" in args.seeds:
        lo, hi = map(int, args.seeds.split("-"))
        seeds = list(range(lo, hi + 1))
    else:
        seeds = [int(s) for s in args.seeds.split(",")]
    for inst, row in typed_instances(names=args.names.split(",")):
        bk = float(row["best_known"])
        gaps = []
        for seed in seeds:
            r = solve_gap(inst.profit, inst.weight, inst.capacity, sense="min",
                          time_limit=args.limit, seed=seed)
            gaps.append(100 * (r.objective - bk) / bk)
            iters = r.stats.get("classic", {}).get("tabu_iters", 0)
            print(f"{inst.name:8} seed {seed}: gap {gaps[-1]:.2f} %  "
                  f"tabu iterations {iters}  time {r.runtime:.2f} s", flush=True)
        print(f"{inst.name:8} over {len(seeds)} seeds: min {min(gaps):.2f} %  "
              f"mean {np.mean(gaps):.2f} %  max {max(gaps):.2f} %", flush=True)


if __name__ == "__main__":
    main()
