"""plan_many: the same plans as plan(), office by office, on any executor; failures isolated."""

from __future__ import annotations

import csv
import json
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from navkompetanse import CapacityWarning, Scenario, load_plan, plan, save_office
from navkompetanse.cli import main
from navkompetanse.many import SUMMARY_COLUMNS, ManySummary, OfficeSummary, plan_many
from navkompetanse.synthetic import synthetic_office

DATA = Path(__file__).parent / "data"
#: Fields that depend on the run, not the office.
RUN_FIELDS = ("seconds", "cpu_seconds", "plan_file")


def _small(seed: int, enhet: str, n_brukere: int = 150):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        return synthetic_office(5, n_brukere, seed=seed, enhet=enhet)


@pytest.fixture(scope="module")
def offices():
    return [_small(1, "0101"), _small(2, "0102", 200), _small(3, "0103")]


def _same(summary: OfficeSummary, office, **options) -> None:
    """The summary is that of the serial plan() of the office."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        serial = plan(office, gaps=False, **options)
    assert summary.ok and serial.ok
    assert summary.brukere == office.n_brukere and summary.veiledere == office.n_veiledere
    assert summary.shortfall_today == pytest.approx(serial.today.mean_shortfall)
    assert summary.shortfall_proposed == pytest.approx(serial.allocation.mean_shortfall)
    assert summary.moves == serial.allocation.n_moves
    assert summary.status == serial.status


class _Counting(ThreadPoolExecutor):
    """A thread pool that counts what it is given."""

    def __init__(self, workers: int = 2) -> None:
        super().__init__(workers)
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


def test_default_pool_equals_serial_with_failures_isolated(offices, tmp_path):
    paths = []
    for office in offices:
        path = tmp_path / f"{office.enhet}.json"
        save_office(office, path)
        paths.append(path)
    overloaded = _small(4, "0104", n_brukere=900)  # far more work than 5 veiledere carry
    save_office(overloaded, tmp_path / "0104.json")
    sources = [paths[0], DATA / "broken_office.json", tmp_path / "missing.json",
               tmp_path / "0104.json", paths[1], offices[2]]
    got = {s.office: s for s in plan_many(sources, workers=2, progress=False,
                                          strict_capacity=True)}
    assert set(got) == {"0101", "broken_office", "missing", "0104", "0102", "0103"}
    for office in offices:
        _same(got[office.enhet], office, strict_capacity=True)
    assert got["broken_office"].failure == "invalid" and got["broken_office"].reason
    assert got["missing"].failure == "invalid" and "missing.json" in got["missing"].reason
    assert got["0104"].failure == "infeasible" and got["0104"].brukere == 900
    assert not got["0104"].ok and got["0104"].status == "infeasible"


def test_a_crash_is_that_office_only(offices, monkeypatch):
    plan_module = sys.modules["navkompetanse.plan"]  # the attribute is the function
    real = plan_module.plan

    def crashing(office, **kwargs):
        if office.enhet == "0102":
            raise ZeroDivisionError("boom")
        return real(office, **kwargs)

    monkeypatch.setattr(plan_module, "plan", crashing)
    with ThreadPoolExecutor(2) as pool:  # threads share the patched module
        got = list(plan_many(offices, executor=pool, order="stable", progress=False))
    assert [s.office for s in got] == ["0101", "0102", "0103"]
    assert got[1].failure == "crash" and "ZeroDivisionError: boom" in got[1].reason
    assert got[0].ok and got[2].ok
    summary = ManySummary(tuple(got))
    assert summary.status == "infeasible" and summary.failed == (got[1],)
    assert "boom" in summary.explain() and "1 uten plan" in summary.message


def test_stable_order_against_completion_order(offices):
    big = _small(9, "0900", n_brukere=350)
    given = [big, *offices]
    with ThreadPoolExecutor(4) as pool:
        stable = [s.office for s in plan_many(given, executor=pool, order="stable",
                                              progress=False)]
    assert stable == ["0900", "0101", "0102", "0103"]
    with pytest.raises(ValueError, match="order must be"):
        plan_many(given, order="fastest")


class _Recording(ThreadPoolExecutor):
    """One thread: runs what it is given in the order it was given, and records it."""

    def __init__(self) -> None:
        super().__init__(1)
        self.keys: list[str] = []

    def submit(self, fn, /, *args, **kwargs):
        self.keys.append(args[0].key)
        return super().submit(fn, *args, **kwargs)


def test_largest_offices_are_sent_first_and_come_back_in_order(offices, tmp_path):
    small, big = _small(5, "0105", n_brukere=60), _small(6, "0106", n_brukere=400)
    save_office(big, tmp_path / "0106.json")
    save_office(small, tmp_path / "0105.json")
    given = [tmp_path / "0105.json", offices[0], tmp_path / "0106.json", offices[1]]
    with _Recording() as pool:
        got = [s.office for s in plan_many(given, executor=pool, order="stable",
                                           progress=False)]
    assert got == ["0105", "0101", "0106", "0102"]
    # Office objects by brukere x veiledere (0102 has 200 brukere, 0101 150), files by size
    assert pool.keys.index("0102") < pool.keys.index("0101")
    assert pool.keys.index("0106") < pool.keys.index("0105")


def test_out_resume_and_summary_csv(offices, tmp_path):
    with _Counting() as pool:
        first = list(plan_many(offices, executor=pool, out=tmp_path, order="stable",
                               progress=False))
        assert pool.submitted == 3
    for s in first:
        saved = load_plan(s.plan_file)
        assert saved.office.enhet == s.office
        assert saved.allocation.mean_shortfall == pytest.approx(s.shortfall_proposed)
    (tmp_path / "0102.summary.json").unlink()  # as if interrupted before 0102 was done
    with _Counting() as pool:
        again = list(plan_many(offices, executor=pool, out=tmp_path, order="stable",
                               resume=True, progress=False))
        assert pool.submitted == 1
    strip = [{k: v for k, v in s.row().items() if k not in RUN_FIELDS} for s in again]
    assert strip == [{k: v for k, v in s.row().items() if k not in RUN_FIELDS} for s in first]

    path = ManySummary(tuple(again)).to_csv(tmp_path / "summary.csv")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == SUMMARY_COLUMNS
    assert [r["office"] for r in rows] == ["0101", "0102", "0103"]
    assert [int(r["brukere"]) for r in rows] == [150, 200, 150]
    assert all(r["failure"] == "" and r["status"] in ("optimal", "feasible") for r in rows)
    assert float(rows[1]["shortfall_proposed"]) == pytest.approx(first[1].shortfall_proposed)


def test_scenario_sweep_isolates_a_bad_scenario(offices):
    fewer = Scenario("Mindre").automate(0.5, seed=1)
    leaves = Scenario("Slutter").leave(offices[0].veiledere[0].ident)  # only in office 0101
    with ThreadPoolExecutor(2) as pool:
        got = {s.office: s for s in plan_many(offices[:2], executor=pool, progress=False,
                                              scenarios=[None, fewer, leaves])}
    assert len(got) == 6
    assert got["0101@Slutter"].ok and got["0101@Slutter"].veiledere == 4
    assert got["0102@Slutter"].failure == "invalid"
    assert "0102@Slutter" in got["0102@Slutter"].message
    after, _ = fewer.apply(offices[1])
    _same(got["0102@Mindre"], after)
    _same(got["0102"], offices[1])
    assert got["0102@Mindre"].scenario == "Mindre"


def test_summary_contract(offices):
    with ThreadPoolExecutor(1) as pool:
        (s,) = plan_many(offices[:1], executor=pool, progress=False, lang="en")
    assert json.loads(json.dumps(s.to_dict()))["office"] == "0101"
    assert OfficeSummary.from_dict(s.to_dict()) == s
    assert repr(s).startswith("<OfficeSummary status=") and "\n" not in repr(s)
    assert s.message.startswith("0101: planned") and s.messages["nb"].startswith("0101: plan")
    assert "<table>" in s._repr_html_()
    assert list(ManySummary((s,)).to_frame().columns) == list(SUMMARY_COLUMNS)


def test_dask_local_cluster(offices):
    distributed = pytest.importorskip(
        "distributed", reason="the dask extra is not installed: pip install 'navkompetanse[dask]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        bad = offices[0].model_dump(mode="json")
        got = {s.office: s for s in plan_many([*offices, DATA / "broken_office.json"],
                                              executor=client, progress=False)}
    for office in offices:
        _same(got[office.enhet], office)
    assert got["broken_office"].failure == "invalid"
    assert bad["enhet"] == "0101"


def test_cli_plan_many_and_resume(offices, tmp_path):
    folder = tmp_path / "kontorer"
    folder.mkdir()
    for office in offices[:2]:
        save_office(office, folder / f"{office.enhet}.json")
    (folder / "bad.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "ut"
    code = main(["plan-many", str(folder), "--workers", "1", "--out", str(out),
                 "--time-limit", "5"])
    assert code == 3  # one office has no plan
    assert sorted(p.name for p in out.glob("*.plan.json.gz")) == ["0101.plan.json.gz",
                                                                   "0102.plan.json.gz"]
    assert load_plan(out / "0101.plan.json.gz").office == offices[0]
    with (out / "summary.csv").open(encoding="utf-8") as f:
        rows = {r["office"]: r for r in csv.DictReader(f)}
    assert rows["bad"]["failure"] == "invalid" and rows["0101"]["failure"] == ""
    (folder / "bad.json").unlink()
    stamp = (out / "0101.plan.json.gz").stat().st_mtime_ns
    assert main(["plan-many", str(folder / "*.json"), "--out", str(out), "--resume"]) == 0
    assert (out / "0101.plan.json.gz").stat().st_mtime_ns == stamp  # not planned again
    with (out / "summary.csv").open(encoding="utf-8") as f:
        assert [r["office"] for r in csv.DictReader(f)] == ["0101", "0102"]
    assert main(["plan-many", str(tmp_path / "nothing-*.json"), "--out", str(out)]) == 1


def test_cpu_seconds_of_offices_side_by_side_count_each_office_once(offices):
    """In a thread pool each office's CPU seconds are its thread's: together they are no
    more than the process spent (process_time would count every office running at once)."""
    import time

    start = time.process_time()
    with ThreadPoolExecutor(3) as pool:
        got = list(plan_many(offices, executor=pool, progress=False))
    spent = time.process_time() - start
    assert all(s.ok for s in got)
    assert 0 < sum(s.cpu_seconds for s in got) <= spent * 1.05 + 0.05



def _overloaded(seed: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # synthetic_office says it cannot fit 90 %
        return synthetic_office(4, 420, seed=seed)


def test_plans_in_threads_keep_their_overload_out_of_the_warnings():
    """plan_many in threads: each summary holds the overload, and no CapacityWarning reaches
    the caller. (``warnings.catch_warnings`` in each job changed every thread's filters: one
    job's block ended while another's plan warned, and the warning leaked to stderr.)"""
    offices = [_overloaded(seed) for seed in range(6)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ThreadPoolExecutor(3) as pool:
            got = list(plan_many(offices, executor=pool, progress=False, gaps=False,
                                 learning=False, pairs="none"))
    assert len(got) == 6 and all(s.ok for s in got)
    assert all(s.overload_points > 0 for s in got)  # every office overloaded, in its summary
    assert not [w for w in caught if issubclass(w.category, CapacityWarning)]


def test_capacity_warnings_off_is_for_its_own_block_and_context():
    """Quiet inside the block in this thread only: a plan in another thread started inside
    the block still warns, and so does this thread after the block."""
    from navkompetanse.plan import capacity_warnings_off

    office = _overloaded(0)

    def capacity(caught):
        return [w for w in caught if issubclass(w.category, CapacityWarning)]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with capacity_warnings_off():
            quiet = plan(office, gaps=False, learning=False, pairs="none")
            assert quiet.overload is not None and not capacity(caught)
            with ThreadPoolExecutor(1) as pool:  # a new thread: its own context
                other = pool.submit(plan, office, gaps=False, learning=False,
                                    pairs="none").result()
            assert other.overload is not None and len(capacity(caught)) == 1
        loud = plan(office, gaps=False, learning=False, pairs="none")
    assert loud.overload is not None and len(capacity(caught)) == 2
