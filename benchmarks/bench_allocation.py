"""Benchmarks for allocate_portfolios against scipy's milp on the same full model.

Run::

    cd /work/main && PYTHONPATH=src python -m pytest benchmarks/bench_allocation.py \
        --benchmark-only -s

or ``PYTHONPATH=src python benchmarks/bench_allocation.py`` for a plain table (the numbers in
``docs/allocation.md``).

``MILP_TIME_LIMIT=30`` shortens the milp reference; it runs in a child process that is killed
``MILP_GRACE`` (default 30) seconds after its limit, because HiGHS presolve ignores the limit.
Wall-clock and CPU seconds are both printed: on a shared machine the CPU time is what the
solve itself costs.

Targets (issue 5): 1,800 brukere × 25 units under 0.3 s; 10,000 brukere × 150 units under 2 s
with a certified gap of at most 0.1 %. Each case also solves the *same* model (every side
constraint as a row) with ``scipy.optimize.milp`` and reports the runtime ratio and whether the
milp optimum lies between our objective and our bound.

Preferences (issue 11): ``test_allocation_preferences_cost`` solves the same office with and
without random preferences (every veileder energi / noytral / tapper per kind of work, seeded)
in one run, interleaved, and asserts the median with preferences is within 20 % of the median
without (wall and CPU time both reported; ``PREF_ROUNDS`` sets the repetitions).
``python benchmarks/bench_allocation.py prefs`` prints only that table.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import sys
import time

import numpy as np
import pytest

from navkompetanse.allocation import allocate_portfolios, naive, status_quo
from navkompetanse.allocation.model import (
    build_model,
    exact_milp,
    model_violations,
    resolve_units,
)
from navkompetanse.policy import Policy
from navkompetanse.synthetic import synthetic_office

#: (n_veiledere, n_brukere, time target in s, gap target)
CASES = {
    "1800x25": (25, 1800, 0.3, 1e-3),
    "10000x150": (150, 10_000, 2.0, 1e-3),
}
MILP_TIME_LIMIT = {"1800x25": float(os.environ.get("MILP_TIME_LIMIT", 120.0)),
                   "10000x150": float(os.environ.get("MILP_TIME_LIMIT", 120.0))}


def _office(name: str):
    n_v, n_b, _, _ = CASES[name]
    return synthetic_office(n_v, n_b, seed=0)


def _milp_child(name: str, out) -> None:
    office = _office(name)
    model, _, _ = build_model(office, resolve_units(office, None), Policy())
    sol = exact_milp(model, time_limit=MILP_TIME_LIMIT[name])
    out.put({"milp_status": sol.status, "milp_objective": sol.objective,
             "milp_bound": sol.bound, "milp_runtime_s": sol.runtime,
             "milp_feasible": sol.assignment is not None
             and not model_violations(model, sol.assignment)})


def _milp_reference(office, name: str) -> dict:
    """milp on the same model in a child process, killed when it overruns its limit.

    HiGHS does not check its time limit during presolve; on 10,000 x 150 (1.5 M binaries)
    presolve alone ran for more than 6 minutes, so the limit is enforced from outside.
    """
    del office  # the child rebuilds the (seeded) office itself
    limit = MILP_TIME_LIMIT[name]
    grace = float(os.environ.get("MILP_GRACE", 30.0))
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    t0 = time.perf_counter()
    proc = ctx.Process(target=_milp_child, args=(name, out), daemon=True)
    proc.start()
    try:
        res = out.get(timeout=limit + grace)
    except queue.Empty:
        res = {"milp_status": f"killed after {limit + grace:.0f} s without an answer",
               "milp_objective": float("nan"), "milp_bound": float("nan"),
               "milp_runtime_s": time.perf_counter() - t0, "milp_feasible": False}
    proc.kill()
    proc.join()
    return res


def _within(result, ref: dict):
    """Is milp's answer consistent with ours? No feasible plan may beat our bound, and a
    *proven* milp optimum must also be at least our objective. None when milp found no plan."""
    if not ref["milp_feasible"]:
        return None
    ok = ref["milp_objective"] <= result.bound + 1e-6
    if ref["milp_status"] == "optimal":
        ok = ok and result.objective - 1e-6 <= ref["milp_objective"]
    return bool(ok)


@pytest.mark.parametrize("name", list(CASES))
def test_allocation_speed(benchmark, name):
    n_v, n_b, target_s, target_gap = CASES[name]
    office = _office(name)
    result = benchmark.pedantic(
        allocate_portfolios, args=(office,),
        kwargs={"time_limit": 10 * target_s, "gap_tol": target_gap},
        rounds=3, iterations=1, warmup_rounds=1)
    ref = _milp_reference(office, name)
    ours = benchmark.stats.stats.median
    info = {
        "status": result.status, "objective": result.objective, "bound": result.bound,
        "gap": result.gap, "moves": result.n_moves, "median_s": ours,
        "ratio_milp_over_ours": ref["milp_runtime_s"] / ours, **ref,
        "milp_within_bound": _within(result, ref),
    }
    benchmark.extra_info.update(info)
    print(f"\n{name}: {info}")
    assert not result.unassigned and all(
        u.load_points <= u.capacity_points + 1e-9 for u in result.units.values())
    assert result.mean_shortfall < status_quo(office).mean_shortfall
    assert result.mean_shortfall < naive(office).mean_shortfall
    assert result.gap <= target_gap, f"gap {result.gap:.2e} above {target_gap}"
    assert ours < target_s, f"median {ours:.3f} s above the target {target_s} s"


#: Repetitions per variant in the preference comparison (interleaved, median reported).
PREF_ROUNDS = int(os.environ.get("PREF_ROUNDS", 7))
#: The preference target (issue 11): with preferences within 20 % of without.
PREF_TARGET = 1.2


def with_random_preferences(office, seed: int = 0):
    """The office with a random preference (energi / noytral / tapper) per veileder and kind
    of work, the same for the same seed."""
    rng = np.random.default_rng(seed)
    words = np.array(["energi", "noytral", "tapper"])
    dims = ("relasjonell", "struktur", "forvaltning", "digital")
    staff = [v.model_copy(update={"preferences": dict(zip(dims, rng.choice(words, 4),
                                                          strict=True))})
             for v in office.veiledere]
    return office.model_copy(update={"veiledere": staff})


def preference_timings(name: str, rounds: int = PREF_ROUNDS) -> dict:
    """Median wall and CPU seconds of allocate_portfolios with and without preferences on the
    same office (interleaved runs after one warm-up each), the ratios, and what each solved."""
    _, _, target_s, target_gap = CASES[name]
    plain = _office(name)
    prefs = with_random_preferences(plain)
    kwargs = {"time_limit": 10 * target_s, "gap_tol": target_gap}
    out: dict = {}
    for label, office in (("without", plain), ("with", prefs)):
        allocate_portfolios(office, **kwargs)  # warm-up
        out[label] = {"wall": [], "cpu": [], "result": None}
    for _ in range(rounds):
        for label, office in (("without", plain), ("with", prefs)):
            t, c = time.perf_counter(), time.process_time()
            result = allocate_portfolios(office, **kwargs)
            out[label]["wall"].append(time.perf_counter() - t)
            out[label]["cpu"].append(time.process_time() - c)
            out[label]["result"] = result
    summary: dict = {"case": name, "rounds": rounds}
    for label in ("without", "with"):
        r = out[label]["result"]
        summary[label] = {
            "wall_s": float(np.median(out[label]["wall"])),
            "cpu_s": float(np.median(out[label]["cpu"])),
            "status": r.status, "gap": r.gap, "classes": r.stats.get("classes"),
            "stay_pairs": r.stats.get("stay_pairs"), "lp_rounds": r.stats.get("lp_rounds"),
            "method": r.stats.get("method"),
            "energising_share": r.preference_totals()["energising_share"],
        }
    summary["ratio_wall"] = summary["with"]["wall_s"] / summary["without"]["wall_s"]
    summary["ratio_cpu"] = summary["with"]["cpu_s"] / summary["without"]["cpu_s"]
    summary["load"] = os.getloadavg()[0]
    return summary


@pytest.mark.parametrize("name", list(CASES))
def test_allocation_preferences_cost(name):
    s = preference_timings(name)
    print(f"\n{name} preferences: {s}")
    assert s["with"]["gap"] <= CASES[name][3]
    # CPU time is what the solve costs on a shared machine; wall time is reported beside it
    assert s["ratio_cpu"] <= PREF_TARGET, f"with preferences {s['ratio_cpu']:.2f}x without"


def print_preference_table() -> None:
    for name in CASES:
        s = preference_timings(name)
        w, p = s["without"], s["with"]
        print(f"{name} (load {s['load']:.1f}): without {w['wall_s']:.3f} s wall / "
              f"{w['cpu_s']:.3f} s CPU, with preferences {p['wall_s']:.3f} s wall / "
              f"{p['cpu_s']:.3f} s CPU; ratio {s['ratio_wall']:.2f} wall, "
              f"{s['ratio_cpu']:.2f} CPU; gap {100 * w['gap']:.4f} % / {100 * p['gap']:.4f} %; "
              f"classes {w['classes']} / {p['classes']}, stay pairs {w['stay_pairs']} / "
              f"{p['stay_pairs']}, LP rounds {w['lp_rounds']} / {p['lp_rounds']}; "
              f"energising share with preferences {100 * p['energising_share']:.1f} %")


def main() -> None:
    """Print one line per case: our time, gap and the milp reference."""
    for name, (_, _, target_s, target_gap) in CASES.items():
        office = _office(name)
        kwargs = {"time_limit": 10 * target_s, "gap_tol": target_gap}
        allocate_portfolios(office, **kwargs)  # warm-up
        times, cpu = [], []
        for _ in range(5):
            t, c = time.perf_counter(), time.process_time()
            result = allocate_portfolios(office, **kwargs)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        times.sort()
        cpu.sort()
        floors_ok = all(u.load_points >= u.balance_floor - 1e-9 for u in result.units.values())
        ref = _milp_reference(office, name)
        within = _within(result, ref)
        print(f"{name}: median {times[2]:.3f} s wall, {cpu[2]:.3f} s CPU (target {target_s} s), "
              f"status {result.status}, gap {100 * result.gap:.4f} %, "
              f"method {result.stats.get('method')}, classes {result.stats.get('classes')}, "
              f"LP rounds {result.stats.get('lp_rounds')}, moves {result.n_moves}, "
              f"balance floor held: {floors_ok}; "
              f"milp {ref['milp_status']} in "
              f"{ref['milp_runtime_s']:.2f} s (ratio {ref['milp_runtime_s'] / times[2]:.1f}x), "
              f"milp objective {ref['milp_objective']:.4f} vs ours {result.objective:.4f} "
              f"bound {result.bound:.4f}, milp consistent with our bound: {within}")


if __name__ == "__main__":
    if sys.argv[1:] == ["prefs"]:
        print_preference_table()
    else:
        main()
