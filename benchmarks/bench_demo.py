"""Benchmark for ``navkompetanse demo``: end to end, and its parts, CPU beside wall.

Run::

    cd /work/main && PYTHONPATH=src python benchmarks/bench_demo.py [--rounds 5]

or ``PYTHONPATH=src python -m pytest benchmarks/bench_demo.py --benchmark-only -s``.

The issue's target: ``navkompetanse demo`` (terminal text, the HTML report and its charts)
under 3 s on the example office. The script prints

1. the demo end to end, as a user runs it (a fresh process each round: imports included),
   with and without the report, and without the gap analysis — the best and the median of
   the rounds, wall and CPU (the children's user + system time);
2. its parts in one process: importing the package and pyplot, the plan (the gap analysis'
   share from its own stats), each of the report's charts (drawing and ``to_svg``) and the
   page around them;
3. the report's charts through ``plot.to_svg`` against the obvious alternative, the way it
   was done before: ``savefig`` with the figure's constrained layout and a tight crop (the
   layout runs before each of savefig's two draws, and the crop measures every text again),
   with the ratio. Both see the same charts in the same process, alternating.

Timings depend on the machine's load: the load average (``os.getloadavg``) is printed with
them, and CPU time is the figure to compare when the machine is shared.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _child(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running ``args``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def end_to_end(rounds: int = 3) -> dict[str, dict[str, float]]:
    """``navkompetanse demo`` in fresh processes: best and median wall and CPU per variant."""
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        report = str(Path(tmp) / "demo.html")
        variants = {
            "demo (report with charts)": ["--report", report],
            "demo --no-report": ["--no-report"],
            "demo --no-report --no-gaps": ["--no-report", "--no-gaps"],
            "import navkompetanse.cli": None,
        }
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(rounds):  # variants alternate, so each sees the same load
            for name, extra in variants.items():
                args = ([sys.executable, "-m", "navkompetanse.cli", "demo", *extra]
                        if extra is not None
                        else [sys.executable, "-c", "import navkompetanse.cli"])
                runs[name].append(_child(args))
        for name, got in runs.items():
            walls, cpus = [w for w, _ in got], [c for _, c in got]
            out[name] = {"wall_best": min(walls), "wall_median": statistics.median(walls),
                         "cpu_best": min(cpus), "cpu_median": statistics.median(cpus)}
    return out


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def _charts(the_plan):
    """The report's charts, as ``report.plan_html`` draws them: (label, draw)."""
    from navkompetanse import plot

    pair = max(the_plan.pairing.pairs, key=lambda p: p.gain).members
    return [
        ("office profile", lambda: plot.profile(the_plan)),
        ("coverage heatmap", lambda: plot.coverage(the_plan)),
        ("pair profile", lambda: plot.profile(the_plan, pair)),
        ("shortfall", lambda: plot.shortfall(the_plan)),
        ("loads today", lambda: plot.loads(the_plan.today)),
        ("loads proposed", lambda: plot.loads(the_plan)),
        ("learning network", lambda: plot.learning_network(the_plan)),
    ]


def parts() -> list[tuple[str, float, float]]:
    """The demo's parts in this process (run it in a fresh one: imports are timed)."""
    rows = []
    start = _clock()
    import navkompetanse.cli  # noqa: F401
    from navkompetanse import load_example_office, plan
    rows.append(("import navkompetanse", *_since(start)))
    start = _clock()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    rows.append(("import matplotlib.pyplot", *_since(start)))
    start = _clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        the_plan = plan(load_example_office())
    rows.append(("plan (all of it)", *_since(start)))
    stats = the_plan.gaps.stats
    rows.append((f"  of it: gap analysis ({stats['resolves']} re-solves; wall only)",
                 stats["seconds"], float("nan")))
    from navkompetanse import plot

    total = _clock()
    for label, draw in _charts(the_plan):
        start = _clock()
        ax = draw()
        drawn = _since(start)
        plot.to_svg(ax)
        whole = _since(start)
        rows.append((f"chart: {label} (draw {drawn[1]:.3f} s CPU)", *whole))
    charts = _since(total)
    rows.append(("charts together", *charts))
    start = _clock()
    the_plan.to_html()
    page = _since(start)
    rows.append(("to_html (charts again, page, template)", *page))
    start = _clock()
    the_plan.text()
    rows.append(("the terminal text", *_since(start)))
    return rows


def _old_svg(ax) -> str:
    """The alternative: savefig with the figure's layout engine and a tight crop."""
    import matplotlib
    import matplotlib.pyplot as plt

    fig = ax.figure
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "navkompetanse", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.08,
                    metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def charts_against_alternative(rounds: int = 3) -> dict[str, float]:
    """CPU seconds for the report's 7 charts: ``to_svg`` and the old way, best of rounds."""
    import matplotlib

    matplotlib.use("Agg")
    from navkompetanse import load_example_office, plan, plot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        the_plan = plan(load_example_office(), gaps=False)
    charts = _charts(the_plan)
    ours, old = [], []
    for _ in range(rounds + 1):  # the first round warms the font cache for both
        start = time.process_time()
        for _, draw in charts:
            plot.to_svg(draw())
        ours.append(time.process_time() - start)
        start = time.process_time()
        for _, draw in charts:
            _old_svg(draw())
        old.append(time.process_time() - start)
    best_ours, best_old = min(ours[1:]), min(old[1:])
    return {"to_svg_cpu": best_ours, "old_cpu": best_old, "ratio": best_old / best_ours}


def test_demo_end_to_end(benchmark):
    out = benchmark.pedantic(end_to_end, kwargs={"rounds": 1}, rounds=1, iterations=1)
    print(_load(), out)


def test_charts_against_the_old_way(benchmark):
    out = benchmark.pedantic(charts_against_alternative, kwargs={"rounds": 1}, rounds=1,
                             iterations=1)
    print(_load(), out)
    assert out["ratio"] > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--parts", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parts:  # in a fresh process, so the imports are timed too
        for label, wall, cpu in parts():
            print(f"  {label:<62} {wall:6.3f} s wall  {cpu:6.3f} s CPU")
        return
    print(f"navkompetanse demo on the example office (25 veiledere, 1,800 brukere); {_load()}")
    for name, t in end_to_end(args.rounds).items():
        print(f"  {name:<30} best {t['wall_best']:.2f} s wall / {t['cpu_best']:.2f} s CPU; "
              f"median {t['wall_median']:.2f} / {t['cpu_median']:.2f}")
    print(f"parts, in one fresh process; {_load()}")
    subprocess.run([sys.executable, __file__, "--parts"], check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    c = charts_against_alternative(args.rounds)
    print(f"the report's 7 charts, best of {args.rounds}: to_svg {c['to_svg_cpu']:.3f} s CPU, "
          f"savefig with the layout engine and a tight crop {c['old_cpu']:.3f} s CPU: "
          f"{c['ratio']:.2f}x; {_load()}")


if __name__ == "__main__":
    main()
