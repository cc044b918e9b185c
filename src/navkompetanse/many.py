"""Many offices: :func:`plan_many` plans offices (and office × scenario) on any executor.

Offices are independent, so the work goes to an existing engine: any
:class:`concurrent.futures.Executor` — by default a local process pool sized to the machine,
or Dask (``Client(address).get_executor()``, or the ``Client`` itself) to go from a laptop to
a cluster with the same call. Nothing large crosses a process boundary: given paths, the
workers read the office files themselves; each sends back an :class:`OfficeSummary` (a few
numbers) and, when ``out`` is given, writes its plan there itself. One office's failure (bad
data, infeasible under hard rules, a crash) is that office's summary, with its reason; the
others go on.

Measurements and the commands to repeat them: ``docs/scale.md``.

Examples
--------
>>> from concurrent.futures import ThreadPoolExecutor
>>> from navkompetanse.synthetic import synthetic_office
>>> offices = [synthetic_office(5, 150, seed=s, enhet=f"010{s}") for s in (1, 2)]
>>> with ThreadPoolExecutor(2) as pool:
...     summaries = list(plan_many(offices, executor=pool, order="stable", progress=False))
>>> [(s.office, s.ok, s.brukere) for s in summaries]
[('0101', True, 150), ('0102', True, 150)]
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Literal

from .exceptions import InfeasibleError, InvalidInputError
from .models import Office
from .privacy import mask_text
from .results import FrozenDict, Result, strict_json
from .scenario import Scenario
from .text import check_lang, fmt

__all__ = [
    "FAILURES",
    "SUMMARY_COLUMNS",
    "ManySummary",
    "OfficeSummary",
    "plan_many",
    "read_summaries",
]

#: Why an office has no plan: its data was invalid, no plan exists under the hard rules, the
#: time limit came before a distribution was found, or the planner (or its worker) crashed.
FAILURES = ("invalid", "infeasible", "time_limit", "crash")
#: Seconds per office when plan_many is not given a ``time_limit`` (each office stops as soon
#: as its plan is certified; the limit matters only for the hardest).
MANY_TIME_LIMIT_S = 60.0
#: The columns of the summary CSV, in order.
SUMMARY_COLUMNS = (
    "office", "name", "scenario", "brukere", "veiledere", "shortfall_today",
    "shortfall_proposed", "moves", "overload_points", "status", "certified_gap", "seconds",
    "cpu_seconds", "failure", "reason", "plan_file",
)

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")

_TEXT = {
    "nb": {
        "ok": "{office}: planlagt ({brukere} brukere, {veiledere} veiledere) på {seconds} s.",
        "invalid": "{office}: ugyldige data, ingen plan. {reason}",
        "infeasible": "{office}: ingen plan er mulig med de harde reglene. {reason}",
        "time_limit": "{office}: tidsgrensen kom før en fordeling var funnet. {reason}",
        "crash": "{office}: planleggingen stoppet med en feil. {reason}",
        "many": "{n} kontorer: {ok} planlagt, {failed} uten plan.",
        "office": "Kontor", "brukere": "Brukere", "veiledere": "Veiledere",
        "today": "Snittmangel i dag", "proposed": "Snittmangel foreslått", "moves": "Flyttinger",
        "n": "Kontorer", "n_ok": "Planlagt", "n_failed": "Uten plan", "seconds": "Sekunder",
    },
    "en": {
        "ok": "{office}: planned ({brukere} brukere, {veiledere} veiledere) in {seconds} s.",
        "invalid": "{office}: invalid data, no plan. {reason}",
        "infeasible": "{office}: no plan is possible under the hard rules. {reason}",
        "time_limit": "{office}: the time limit came before a distribution was found. "
                      "{reason}",
        "crash": "{office}: planning stopped with an error. {reason}",
        "many": "{n} offices: {ok} planned, {failed} without a plan.",
        "office": "Office", "brukere": "Brukere", "veiledere": "Veiledere",
        "today": "Mean shortfall today", "proposed": "Mean shortfall proposed", "moves": "Moves",
        "n": "Offices", "n_ok": "Planned", "n_failed": "Without a plan", "seconds": "Seconds",
    },
}


# --------------------------------------------------------------------------------------------
# One office's summary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class OfficeSummary(Result):
    """What came back from planning one office (or one office under one scenario).

    A few numbers, never the plan itself (that is in ``plan_file`` when ``out`` was given):
    this is what crosses the process boundary.

    Attributes
    ----------
    office : str
        The key of the office: its enhet (given an Office) or the file's stem (given a path),
        with ``@scenario`` in a sweep. Unique within a run; the plan file is named by it.
    name : str
        The office's name ("" when it could not be read).
    scenario : str
        The scenario's name ("" for the office as it is).
    brukere, veiledere : int
        Size of the office that was planned (after the scenario).
    shortfall_today, shortfall_proposed : float or None
        Mean shortfall of today's distribution and of the proposal.
    moves : int or None
        Brukere the proposal moves.
    overload_points : float
        Workload points above the office's capacity (0 when it fits).
    status : str
        The plan's status: ``time_limit`` when the time limit came before a distribution or
        before a step the plan left out for it (the pairs or the mentoring proposal; the
        plan's ``provenance.steps`` say which, ``skipped``), ``infeasible`` for every other
        failure (``failure`` says which).
    certified_gap : float or None
        The allocation's certified optimality gap.
    seconds : float
        Wall time of the office in its worker (reading, scenario, plan, writing).
    cpu_seconds : float
        CPU time of the same (on a loaded machine the figure to compare: wall time there
        includes waiting for a core): the worker process's, or in a thread pool the
        worker thread's own (:func:`_cpu`).
    failure : str or None
        ``invalid``, ``infeasible``, ``time_limit`` or ``crash`` (:data:`FAILURES`); None
        when planned.
    reason : str
        Why, for a failure (fødselsnumre masked); "" otherwise.
    plan_file : str or None
        Where the plan was written (``out``), also for an infeasible plan.
    """

    office: str
    name: str
    scenario: str
    brukere: int
    veiledere: int
    shortfall_today: float | None
    shortfall_proposed: float | None
    moves: int | None
    overload_points: float
    status: str
    certified_gap: float | None
    seconds: float
    cpu_seconds: float = 0.0
    failure: str | None = None
    reason: str = ""
    plan_file: str | None = None
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"

    _title: ClassVar[tuple[str, str]] = ("Kontor", "Office")
    _frame_columns: ClassVar[tuple[str, ...]] = SUMMARY_COLUMNS

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if not self.messages:
            values = self.row()
            texts = {}
            for lang in ("nb", "en"):
                values["seconds"] = fmt(self.seconds, lang, 1)
                texts[lang] = _TEXT[lang][self.failure or "ok"].format(**values)
            object.__setattr__(self, "messages", FrozenDict(texts))
        if not self.message:
            object.__setattr__(self, "message", self.messages[self.lang])

    @property
    def ok(self) -> bool:
        """True when the office got a plan with a distribution."""
        return self.failure is None and super().ok

    def row(self) -> dict[str, Any]:
        """The summary CSV's row (:data:`SUMMARY_COLUMNS`)."""
        return {c: getattr(self, c) for c in SUMMARY_COLUMNS}

    def to_dict(self) -> dict[str, Any]:
        return strict_json({**self.row(), "message": self.message,
                            "messages": dict(self.messages), "lang": self.lang})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OfficeSummary:
        """A summary from :meth:`to_dict`'s data (a ``.summary.json`` file)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def explain(self, lang: str | None = None) -> str:
        """The summary in words."""
        return self.describe(lang)

    def _frame_rows(self) -> Iterable[Mapping[str, Any]]:
        return [self.row()]

    def _summary(self, lang: str) -> Sequence[tuple[str, str]]:
        w = _TEXT[lang]
        return [(w["office"], self.office), (w["brukere"], str(self.brukere)),
                (w["seconds"], fmt(self.seconds, lang, 1))]


# --------------------------------------------------------------------------------------------
# Many offices' summaries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ManySummary(Result):
    """The summaries of a run, in the order given: the table behind the summary CSV.

    ``status`` is ``feasible`` when every office got a plan, else ``infeasible`` (``failed``
    lists which, with their reasons).
    """

    summaries: tuple[OfficeSummary, ...]
    status: str = "feasible"
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=FrozenDict)
    lang: str = "nb"

    _title: ClassVar[tuple[str, str]] = ("Mange kontorer", "Many offices")
    _frame_columns: ClassVar[tuple[str, ...]] = SUMMARY_COLUMNS

    def __post_init__(self) -> None:
        check_lang(self.lang)
        object.__setattr__(self, "summaries", tuple(self.summaries))
        failed = len(self.failed)
        object.__setattr__(self, "status", "infeasible" if failed else "feasible")
        if not self.messages:
            n = len(self.summaries)
            object.__setattr__(self, "messages", FrozenDict({
                lang: _TEXT[lang]["many"].format(n=n, ok=n - failed, failed=failed)
                for lang in ("nb", "en")}))
        if not self.message:
            object.__setattr__(self, "message", self.messages[self.lang])

    @property
    def failed(self) -> tuple[OfficeSummary, ...]:
        """The offices without a plan."""
        return tuple(s for s in self.summaries if not s.ok)

    def __len__(self) -> int:
        return len(self.summaries)

    def __iter__(self) -> Iterator[OfficeSummary]:
        return iter(self.summaries)

    def __getitem__(self, office: str) -> OfficeSummary:
        for s in self.summaries:
            if s.office == office:
                return s
        raise KeyError(office)

    def explain(self, office: str | None = None, lang: str | None = None) -> str:
        """One office's summary in words, or the run's (with every failure's reason)."""
        if office is not None:
            return self[office].explain(lang)
        lines = [self.describe(lang), *(s.explain(lang) for s in self.failed)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return strict_json({"status": self.status, "message": self.message,
                            "messages": dict(self.messages), "lang": self.lang,
                            "summaries": [s.row() for s in self.summaries]})

    def _frame_rows(self) -> Iterable[Mapping[str, Any]]:
        return [s.row() for s in self.summaries]

    def to_csv(self, path: str | os.PathLike[str]) -> Path:
        """Write the summary CSV (:data:`SUMMARY_COLUMNS`, one row per office); no pandas."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=SUMMARY_COLUMNS)
            writer.writeheader()
            for s in self.summaries:
                writer.writerow({k: "" if v is None else v for k, v in s.row().items()})
        tmp.replace(path)
        return path

    def _summary(self, lang: str) -> Sequence[tuple[str, str]]:
        w = _TEXT[lang]
        return [(w["n"], str(len(self))), (w["n_ok"], str(len(self) - len(self.failed))),
                (w["n_failed"], str(len(self.failed)))]


def read_summaries(out: str | os.PathLike[str]) -> ManySummary:
    """The summaries a run wrote to ``out`` (every ``*.summary.json``, sorted by office)."""
    found = sorted(Path(out).glob("*.summary.json"))
    return ManySummary(tuple(
        OfficeSummary.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in found))


# --------------------------------------------------------------------------------------------
# The worker: runs in another process (or machine); module level so it pickles by name
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    key: str
    source: Office | str  # an Office, or a path the worker reads itself
    scenario: Scenario | None
    options: Mapping[str, Any]
    policy: Any
    out: str | None
    lang: str


def _failure(job: _Job, kind: str, reason: str, started: tuple[float, float],
             office: Office | None = None, plan_file: str | None = None) -> dict[str, Any]:
    return dict(
        office=job.key, name=office.name if office is not None else "",
        scenario=job.scenario.name if job.scenario is not None else "",
        brukere=office.n_brukere if office is not None else 0,
        veiledere=office.n_veiledere if office is not None else 0,
        shortfall_today=None, shortfall_proposed=None, moves=None, overload_points=0.0,
        status="time_limit" if kind == "time_limit" else "infeasible", certified_gap=None,
        seconds=time.perf_counter() - started[0],
        cpu_seconds=_cpu() - started[1],
        failure=kind, reason=mask_text(reason)[:2000], plan_file=plan_file, lang=job.lang)


def _cpu() -> float:
    """CPU seconds of this office's work: the whole process's (HiGHS' and OpenBLAS' helper
    threads included) in a worker process's main thread (a process pool); this thread's
    own otherwise (a thread pool, Dask's worker threads), so offices planned side by side do
    not count each other's work (the helper threads are then left out)."""
    if threading.current_thread() is threading.main_thread():
        return time.process_time()
    return time.thread_time()


def _plan_one(job: _Job) -> dict[str, Any]:
    """Plan one office; every failure becomes that office's summary (a plain dict)."""
    from .io import load_office
    from .plan import capacity_warnings_off, plan

    started = (time.perf_counter(), _cpu())
    office = None
    try:
        office = job.source if isinstance(job.source, Office) else load_office(job.source)
        policy = job.policy
        if job.scenario is not None:
            office, policy = job.scenario.apply(office, policy)
        with capacity_warnings_off():  # an overload is in the summary, not on stderr
            result = plan(office, policy=policy, lang=job.lang, **job.options)
        plan_file = None
        if job.out is not None:
            plan_file = str(result.save(Path(job.out) / f"{job.key}.plan.json.gz"))
    except InvalidInputError as exc:
        return _failure(job, "invalid", str(exc), started, office)
    except OSError as exc:  # a file that is not there or cannot be read: bad input too
        return _failure(job, "invalid", f"{type(exc).__name__}: {exc}", started, office)
    except InfeasibleError as exc:
        return _failure(job, "infeasible", str(exc), started, office)
    except Exception as exc:  # a crash of this office only; the others go on
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return _failure(job, "crash", f"{type(exc).__name__}: {exc} "
                        f"({Path(where.filename).name}:{where.lineno})", started, office)
    if not result.ok:
        kind = "time_limit" if result.status == "time_limit" else "infeasible"
        return _failure(job, kind, result.describe(job.lang), started, office, plan_file)
    over = result.overload
    return dict(
        office=job.key, name=office.name,
        scenario=job.scenario.name if job.scenario is not None else "",
        brukere=office.n_brukere, veiledere=office.n_veiledere,
        shortfall_today=float(result.today.mean_shortfall),
        shortfall_proposed=float(result.allocation.mean_shortfall),
        moves=int(result.allocation.n_moves),
        overload_points=max(0.0, float(over.load_points - over.capacity_points))
        if over is not None else 0.0,
        status=result.status, certified_gap=float(result.allocation.gap),
        seconds=time.perf_counter() - started[0], cpu_seconds=_cpu() - started[1],
        plan_file=plan_file, lang=job.lang)


# --------------------------------------------------------------------------------------------
# plan_many
# --------------------------------------------------------------------------------------------


def _key_of(item: Office | str | os.PathLike[str]) -> str:
    if isinstance(item, Office):
        return item.enhet
    path = Path(item)
    stem = path.name.removesuffix(".json") if path.suffix == ".json" else path.name
    return _SAFE.sub("_", stem) or "office"


def _jobs(offices: Iterable[Office | str | os.PathLike[str]],
          scenarios: Sequence[Scenario | None] | None, options: Mapping[str, Any],
          policy: Any, out: str | None, lang: str) -> list[_Job]:
    seen: dict[str, int] = {}
    jobs = []
    for item in offices:
        if not isinstance(item, Office | str | os.PathLike):
            raise TypeError("offices must be Office objects or paths to office files, got "
                            f"{type(item).__name__}")
        key = _key_of(item)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same enhet twice: keep both, apart
            key = f"{key}-{seen[key]}"
        source = item if isinstance(item, Office) else os.fspath(item)
        for scenario in scenarios if scenarios is not None else (None,):
            if scenario is not None and not isinstance(scenario, Scenario):
                raise TypeError(f"scenarios holds Scenario objects or None, got "
                                f"{type(scenario).__name__}")
            full = key if scenario is None else f"{key}@{_SAFE.sub('_', scenario.name)}"
            jobs.append(_Job(full, source, scenario, options, policy, out, lang))
    keys = [j.key for j in jobs]
    if len(set(keys)) != len(keys):
        raise ValueError("two scenarios with the same name: give each scenario its own name")
    return jobs


def _size(job: _Job) -> float:
    """How much work an office is likely to be: brukere × veiledere, or its file's size."""
    if isinstance(job.source, Office):
        return float(job.source.n_brukere * max(job.source.n_veiledere, 1))
    path = Path(job.source)
    try:
        if path.is_dir():
            return float(sum(f.stat().st_size for f in path.iterdir() if f.is_file()))
        return float(path.stat().st_size)
    except OSError:  # not there: its failure is reported by the worker, soon
        return 0.0


def _done(out: str | None, key: str) -> OfficeSummary | None:
    """The summary an earlier run wrote for ``key``, unless that office crashed (retried)."""
    if out is None:
        return None
    path = Path(out) / f"{key}.summary.json"
    try:
        summary = OfficeSummary.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return None if summary.failure == "crash" else summary


def _write_summary(out: str, summary: OfficeSummary) -> None:
    path = Path(out) / f"{summary.office}.summary.json"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(summary.to_dict(), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)  # atomic: an interrupted run never leaves half a summary


class _Progress:
    """tqdm when installed (the ``progress`` extra), else a one-line counter; silent when
    stderr is not a terminal."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.n, self.bar = total, 0, None
        self.enabled = enabled and total > 0 and sys.stderr.isatty()
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self.bar = tqdm(total=total, unit="office", file=sys.stderr)

    def update(self) -> None:
        self.n += 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
        else:
            print(f"\r{self.n}/{self.total} offices", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled:
            print(file=sys.stderr)


def _as_executor(executor: Any) -> Any:
    """A dask ``Client`` gives its executor; anything else is used as it is."""
    if executor is not None and not isinstance(executor, Executor) and hasattr(
            executor, "get_executor"):
        return executor.get_executor()
    return executor


def plan_many(offices: Iterable[Office | str | os.PathLike[str]], *,
              executor: Executor | Any | None = None, progress: bool = True,
              order: Literal["stable", "completed"] = "completed",
              out: str | os.PathLike[str] | None = None,
              scenarios: Sequence[Scenario | None] | None = None,
              resume: bool = False, workers: int | None = None, lang: str = "nb",
              policy: Any = None, **plan_options: Any) -> Iterator[OfficeSummary]:
    """Plan many offices at once; yields one :class:`OfficeSummary` per office as it finishes.

    Parameters
    ----------
    offices : iterable of Office or path
        Office objects, or paths to office files (JSON, CSV folder, Excel) that the workers
        read themselves (nothing large is sent to them).
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where to run. Default: a local ``ProcessPoolExecutor`` with ``workers`` processes
        (default: the CPUs this process may use), shut down at the end. A dask ``Client``
        (``Client("tcp://scheduler:8786")`` or a ``LocalCluster``'s) runs on its workers.
    progress : bool
        A progress bar on stderr (tqdm when installed), only when stderr is a terminal.
    order : {"completed", "stable"}
        ``completed`` yields each office as soon as it is done; ``stable`` in the order given.
    out : path, optional
        A folder: each worker writes its plan there (``<office>.plan.json.gz``, read with
        ``load_plan``) and the summary beside it (``<office>.summary.json``).
    scenarios : sequence of Scenario or None, optional
        Plan every office under every scenario (``None`` in the list: the office as it is);
        the key of each is ``<office>@<scenario name>``.
    resume : bool
        With ``out``: skip offices whose summary is already there (those that crashed are
        tried again) and yield their earlier summary.
    workers : int, optional
        Processes of the default pool.
    lang, policy, **plan_options
        Passed to :func:`~navkompetanse.plan` for every office. ``gaps`` is False unless
        given: the gap analysis re-solves each office many times and is most of the cost at
        national scale (docs/scale.md). ``time_limit`` is :data:`MANY_TIME_LIMIT_S` per
        office unless given: a batch has nobody waiting, and the largest offices on a busy
        machine found no distribution in ``plan()``'s interactive 10 s. Each plan's own
        ``progress`` is off: the run shows one bar (``progress``), not one per office.

    Yields
    ------
    OfficeSummary
        One per office (× scenario); a failure is a summary with ``failure`` and ``reason``.

    Raises
    ------
    InvalidInputError
        An invalid plan option (checked once, before any work is sent).
    """
    from .plan import PlanOptions

    lang = check_lang(lang)
    if order not in ("stable", "completed"):
        raise ValueError(f"order must be 'stable' or 'completed', got {order!r}")
    # each plan's own step-by-step progress stays off in the workers: the run has one bar
    plan_options = {"gaps": False, "time_limit": MANY_TIME_LIMIT_S, **plan_options,
                    "progress": False}
    PlanOptions.parse(plan_options, source="plan_many options")  # fail once, not per office
    out_dir = None
    if out is not None:
        Path(out).mkdir(parents=True, exist_ok=True)
        out_dir = os.fspath(Path(out).resolve())
    jobs = _jobs(offices, scenarios, plan_options, policy, out_dir, lang)
    return _run(jobs, _as_executor(executor), progress, order, out_dir, resume, workers)


def _run(jobs: list[_Job], executor: Any, progress: bool, order: str, out: str | None,
         resume: bool, workers: int | None) -> Iterator[OfficeSummary]:
    earlier = {j.key: _done(out, j.key) for j in jobs} if resume else {}
    todo = [j for j in jobs if earlier.get(j.key) is None]
    own = executor is None and todo
    if own:
        n = workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                        else os.cpu_count() or 1)
        executor = ProcessPoolExecutor(max_workers=max(1, min(n, len(todo))))
    bar = _Progress(len(jobs), progress)
    futures: dict[Future[Any], _Job] = {}
    ready: dict[str, OfficeSummary] = {k: s for k, s in earlier.items() if s is not None}
    try:
        # largest first: a large office sent last would keep one worker busy while the
        # others wait (results still come back in the order asked for)
        for job in sorted(todo, key=_size, reverse=True):
            futures[executor.submit(_plan_one, job)] = job
        if order == "completed":
            for key in list(ready):
                bar.update()
                yield ready.pop(key)
        pending = iter(jobs)
        next_job = next(pending, None)
        for future in as_completed(futures):
            summary = _collect(future, futures[future], out)
            bar.update()
            if order == "completed":
                yield summary
                continue
            ready[summary.office] = summary
            while next_job is not None and next_job.key in ready:
                yield ready.pop(next_job.key)
                next_job = next(pending, None)
        while next_job is not None and next_job.key in ready:  # all were done earlier
            yield ready.pop(next_job.key)
            next_job = next(pending, None)
    finally:  # also on Ctrl-C or when the caller stops early: what is written stays
        for future in futures:
            future.cancel()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
        bar.close()


def _collect(future: Future[Any], job: _Job, out: str | None) -> OfficeSummary:
    try:
        data = future.result()
    except Exception as exc:  # the worker process died (BrokenProcessPool), or dask lost it
        data = _failure(job, "crash", f"{type(exc).__name__}: {exc}",
                        (time.perf_counter(), _cpu()))
        data["seconds"] = data["cpu_seconds"] = 0.0
    summary = OfficeSummary(**data)
    if out is not None:
        _write_summary(out, summary)
    return summary

