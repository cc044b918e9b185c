"""The national benchmark: synthetic_offices(250) planned serially, on a process pool and on
a dask LocalCluster, with CPU beside wall time, peak memory per worker and cost by office size.

Run the whole table (docs/scale.md; about 15 minutes on 2 loaded cores)::

    cd /work/main && PYTHONPATH=src python benchmarks/bench_many.py --n 250 --workers 2

``--modes serial,pool,dask`` chooses the runs, ``--out`` also writes every plan (Plan.save;
see docs/scale.md for what that costs), ``--memory`` plans single offices of growing size in
fresh processes to find each one's peak memory. As a pytest benchmark on 12 offices::

    PYTHONPATH=src python -m pytest benchmarks/bench_many.py --benchmark-only -s

The offices are written once as JSON to ``$TMPDIR/navkompetanse-national-<n>-<seed>`` and the
workers read them themselves (as ``navkompetanse plan-many`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from navkompetanse import CapacityWarning, save_office
from navkompetanse.many import OfficeSummary, _Job, _plan_one, plan_many
from navkompetanse.synthetic import synthetic_office, synthetic_offices

#: Office size bands (veiledere) for the per-office cost table.
BANDS = ((5, 12), (13, 40), (41, 100), (101, 150), (151, 300))


def national(n: int = 250, seed: int = 0) -> list[Path]:
    """The national set as JSON files (made once, then reused)."""
    folder = Path(tempfile.gettempdir()) / f"navkompetanse-national-{n}-{seed}"
    done = folder / "done"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CapacityWarning)
            offices = synthetic_offices(n, seed=seed)
        for office in offices:
            save_office(office, folder / f"{office.enhet}.json")
        done.write_text("ok")
    return sorted(folder.glob("*.json"))


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float:
    """Peak resident memory of this process, MB: VmHWM (Linux), which starts afresh in a
    new program; ``ru_maxrss`` survives exec, so a spawned worker would report its parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: Options of every plan in the benchmark (plan_many's default gaps=False, spelled out).
OPTIONS: dict = {"gaps": False, "time_limit": 30.0}


def run_serial(paths: list[Path], out: str | None) -> tuple[list[dict], list[float]]:
    """The obvious alternative: one loop in this process (the worker's own function)."""
    rows = [OfficeSummary(**_plan_one(_Job(p.stem, str(p), None, OPTIONS, None, out,
                                            "nb"))).row() for p in paths]
    return rows, [_peak_mb()]


def run_pool(paths: list[Path], workers: int, out: str | None) -> tuple[list[dict], list[float]]:
    with ProcessPoolExecutor(workers) as pool:
        rows = [s.row() for s in plan_many(paths, executor=pool, progress=False, out=out,
                                                 **OPTIONS)]
        # every worker's peak, asked of each (a few calls reach them all)
        peaks = dict(pool.map(_worker_peak, range(8 * workers)))
    return rows, sorted(peaks.values())


def _worker_peak(_: int) -> tuple[int, float]:
    time.sleep(0.05)  # hold the worker so the next call goes to another
    return os.getpid(), _peak_mb()


def run_dask(paths: list[Path], workers: int, out: str | None
             ) -> tuple[list[dict], list[float]]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        rows = [s.row() for s in plan_many(paths, executor=client, progress=False, out=out,
                                                 **OPTIONS)]
        peaks = client.run(_peak_mb)
    return rows, sorted(peaks.values())


def measure(mode: str, paths: list[Path], workers: int, out: str | None) -> dict:
    runner = {"serial": lambda: run_serial(paths, out),
              "pool": lambda: run_pool(paths, workers, out),
              "dask": lambda: run_dask(paths, workers, out)}[mode]
    load = os.getloadavg()[0]
    cpu0, started = _cpu(), time.perf_counter()
    rows, peaks = runner()
    wall = time.perf_counter() - started
    return {"mode": mode, "offices": len(rows), "wall_s": wall, "cpu_s": _cpu() - cpu0,
            "load_before": load, "failed": sum(r["failure"] is not None for r in rows),
            "peak_mb": peaks, "rows": rows}


def by_size(rows: list[dict]) -> list[dict]:
    out = []
    for low, high in BANDS:
        rs = [r for r in rows if low <= r["veiledere"] <= high]
        if rs:
            out.append({"band": f"{low}-{high}", "offices": len(rs),
                        "brukere_mean": sum(r["brukere"] for r in rs) / len(rs),
                        "seconds_mean": sum(r["seconds"] for r in rs) / len(rs),
                        "seconds_max": max(r["seconds"] for r in rs),
                        "seconds_sum": sum(r["seconds"] for r in rs),
                        "cpu_sum": sum(r.get("cpu_seconds", 0.0) for r in rs),
                        "cpu_max": max(r.get("cpu_seconds", 0.0) for r in rs),
                        "time_limit": sum(r["status"] == "time_limit" for r in rs)})
    return out


def _one_office_peak(v: int, b: int) -> dict:
    """Plan one synthetic office of v veiledere and b brukere in a fresh process that reads
    it from a file (as a worker does); peak resident memory before and after planning."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "office.json"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CapacityWarning)
            save_office(synthetic_office(v, b, seed=1), path)
        code = f"""
import json, time, warnings
warnings.simplefilter("ignore")
from navkompetanse import load_office, plan
office = load_office({str(path)!r})
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
base = hwm()
t = time.perf_counter()
p = plan(office, gaps=False, time_limit={OPTIONS["time_limit"]})
print(json.dumps({{"veiledere": {v}, "brukere": {b}, "before_plan_mb": base,
    "peak_mb": hwm(),
    "seconds": time.perf_counter() - t, "status": p.status}}))
"""
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True)
    return json.loads(done.stdout)


def _table(results: list[dict]) -> None:
    serial = next((r for r in results if r["mode"] == "serial"), None)
    print("\n| run | offices | wall s | CPU s | vs serial | peak MB per worker | failed "
          "| load before |")
    print("|---|---:|---:|---:|---:|---|---:|---:|")
    for r in results:
        ratio = f"{serial['wall_s'] / r['wall_s']:.2f}×" if serial else "–"
        peaks = ", ".join(f"{p:.0f}" for p in r["peak_mb"])
        print(f"| {r['mode']} | {r['offices']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | "
              f"{ratio} | {peaks} | {r['failed']} | {r['load_before']:.1f} |")
    rows = results[0]["rows"]
    print(f"\nbrukere in all: {sum(r['brukere'] for r in rows):,}; "
          f"sum of per-office seconds ({results[0]['mode']}): "
          f"{sum(r['seconds'] for r in rows):.1f} wall, "
          f"{sum(r.get('cpu_seconds', 0.0) for r in rows):.1f} CPU")
    print("\n| veiledere | offices | mean brukere | mean s | max s | sum s | CPU s | max CPU s "
          "| time_limit |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for b in by_size(rows):
        print(f"| {b['band']} | {b['offices']} | {b['brukere_mean']:.0f} | "
              f"{b['seconds_mean']:.2f} | {b['seconds_max']:.2f} | {b['seconds_sum']:.1f} | "
              f"{b['cpu_sum']:.1f} | {b['cpu_max']:.2f} | {b['time_limit']} |")
    # the projection from CPU seconds: on a loaded machine wall seconds include the wait
    total = sum(r.get("cpu_seconds") or r["seconds"] for r in rows)
    longest = max(r.get("cpu_seconds") or r["seconds"] for r in rows)
    print("\nprojection (per-office cost as measured; no overhead): "
          + ", ".join(f"{n} workers ≈ {max(total / n, longest):.0f} s"
                      for n in (2, 4, 8, 16, 32, 64)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default="serial,pool,dask")
    parser.add_argument("--out", action="store_true", help="also write every plan")
    parser.add_argument("--memory", action="store_true",
                        help="peak memory of single offices of growing size")
    parser.add_argument("--json", type=Path, help="write the raw results here")
    parser.add_argument("--time-limit", type=float, default=OPTIONS["time_limit"],
                        help="plan()'s time_limit per office (default: %(default)s s)")
    args = parser.parse_args(argv)
    OPTIONS["time_limit"] = args.time_limit
    started = time.perf_counter()
    paths = national(args.n, args.seed)
    print(f"{len(paths)} office files ready ({time.perf_counter() - started:.1f} s)",
          flush=True)
    results = []
    for mode in [m for m in args.modes.split(",") if m]:
        with tempfile.TemporaryDirectory() as tmp:
            results.append(measure(mode, paths, args.workers, tmp if args.out else None))
        r = results[-1]
        print(f"{mode}: {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU", flush=True)
    if results:
        _table(results)
    memory = []
    if args.memory:
        print("\n| veiledere × brukere | peak MB | before plan MB | plan s | status |")
        print("|---|---:|---:|---:|---|")
        for v, b in ((25, 1700), (150, 10_000), (300, 20_000), (500, 34_000)):
            m = _one_office_peak(v, b)
            memory.append(m)
            print(f"| {v} × {b:,} | {m['peak_mb']:.0f} | {m['before_plan_mb']:.0f} | "
                  f"{m['seconds']:.1f} | {m['status']} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"results": results, "memory": memory}, indent=1))
    return 0


@pytest.mark.parametrize("mode", ["serial", "pool"])
def test_national_sample(benchmark, mode):
    """12 offices of the national set, serial against a 2-process pool."""
    paths = national(250, 0)[:12]
    result = benchmark.pedantic(measure, args=(mode, paths, 2, None), rounds=1, iterations=1)
    assert result["failed"] == 0


if __name__ == "__main__":
    sys.exit(main())
