"""Overloaded offices get a plan, the user's hard rules stay infeasible, time limits are honest.

Issue 10, sections 3 and 4 (allocation and plan): an office with more work than capacity is
still distributed — everyone placed, the excess spread in proportion to capacity, the overload
the first thing every output says — unless ``strict_capacity``; pins, ``max_moves`` and the
hard specialty rule stay the user's to change; ``time_limit`` is honoured and ``status`` says
whether the clock stopped the solve before the gap target.
"""

from __future__ import annotations

import json
import time
import warnings

import pytest
from gap_reference import machine_slowness, within_time_limit

from navkompetanse import (
    Bruker,
    CapacityWarning,
    CompetenceProfile,
    Office,
    Policy,
    Veileder,
    load_plan,
    plan,
)
from navkompetanse.allocation import allocate_portfolios
from navkompetanse.cli import EXIT_INFEASIBLE, EXIT_OK, main
from navkompetanse.scoring import office_arrays
from navkompetanse.synthetic import synthetic_office

P3 = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
SMALL = Policy(capacity_points_per_position=10.0, heavy_cases_per_position=2.0)


def _quiet_synthetic(n_v: int, n_b: int, seed: int = 0) -> Office:
    with warnings.catch_warnings():  # synthetic_office warns when it cannot fit 90 %
        warnings.simplefilter("ignore", CapacityWarning)
        return synthetic_office(n_v, n_b, seed=seed)


def all_heavy(n_v: int, n_b: int, seed: int = 0) -> Office:
    """An office where every bruker is a heavy case (issue 10, section 4)."""
    o = _quiet_synthetic(n_v, n_b, seed)
    return o.replace(brukere=tuple(b.model_copy(update={"tung_sak": True}) for b in o.brukere))


@pytest.fixture(scope="module")
def overloaded() -> Office:
    """About 1.6 times the capacity (the shape of the issue's office, smaller)."""
    o = _quiet_synthetic(8, 1000, seed=3)
    arr = office_arrays(o, Policy())
    assert arr.workload.sum() > 1.3 * arr.capacity.sum()
    return o


@pytest.fixture(scope="module")
def overloaded_plan(overloaded):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = plan(overloaded, time_limit=20)
    return p, [w for w in caught if issubclass(w.category, CapacityWarning)]


# ---------------------------------------------------------------------- the issue's office
def test_the_issues_office_is_refused_only_when_strict():
    """62 % over the policy's capacity: 'add 59 full positions' without overflow (fast), every
    bruker placed with it, the excess spread evenly, the gap within the target."""
    o = _quiet_synthetic(95, 13_200)
    started = time.perf_counter()
    strict = allocate_portfolios(o)
    assert time.perf_counter() - started < 5
    assert strict.status == "infeasible" and "legg til 59 hele stillinger" in strict.message
    assert strict.overload is not None and strict.overload.positions_needed == 59
    assert strict.overload.share == pytest.approx(0.62, abs=0.01)

    r = allocate_portfolios(o, allow_overflow=True, time_limit=20)
    assert r.ok and len(r.assignment) == o.n_brukere and not r.unassigned
    assert r.gap <= 1e-3
    # spread in proportion to capacity: no unit above its share of the load (1.62 × its
    # capacity) by more than one bruker, none below it by more than the balance slack and
    # one bruker (the balance floor)
    w_max = max(p.weight for p in _weights(o))
    total = sum(u.load_points for u in r.units.values())
    cap = sum(u.capacity_points for u in r.units.values())
    for u in r.units.values():
        fair = total * u.capacity_points / cap
        assert u.balance_floor - 1e-9 <= u.load_points <= fair + w_max + 1e-9
        assert u.balance_floor >= fair * 0.85 - w_max - 1e-9
    assert r.message.startswith("Kontoret har mer arbeid enn kapasitet")
    assert r.overload.units and len(r.overload.units) == len(r.units)


def _weights(o: Office):
    from types import SimpleNamespace

    arr = office_arrays(o, Policy())
    return [SimpleNamespace(weight=float(w)) for w in arr.workload]


# ------------------------------------------------------------------------ plan() outputs
def test_an_overloaded_office_gets_every_bruker_placed(overloaded, overloaded_plan):
    p, _ = overloaded_plan
    assert p.ok and p.status in ("optimal", "feasible", "time_limit")
    assert set(p.allocation.assignment) == {b.id for b in overloaded.brukere}
    ov = p.overload
    assert ov is not None and ov.binding in ("capacity", "both")
    assert ov.excess_points == pytest.approx(ov.load_points - ov.capacity_points)
    assert ov.positions_needed >= 1 and ov.excess_per_position > 0
    # every unit over capacity is shown with its share of the overload
    over = {u.id for u in p.allocation.units.values()
            if u.load_points > u.capacity_points + 1e-9}
    assert set(ov.units) == over


def test_the_overload_is_the_first_thing_every_output_says(overloaded_plan):
    p, _ = overloaded_plan
    assert p.message.startswith("Kontoret har mer arbeid enn kapasitet")
    assert p.messages["en"].startswith("The office has more work than capacity")
    assert p.text().startswith("Mer arbeid enn kapasitet\n")
    assert p.text("en").startswith("More work than capacity\n")
    data = p.to_dict()
    assert list(data)[:4] == ["status", "message", "messages", "overload"]
    block = data["overload"]
    assert block["binding"] in ("capacity", "both") and block["positions_needed"] >= 1
    assert block["excess_per_position"] > 0 and block["excess_points"] > 0
    json.dumps(data, allow_nan=False)
    html = p.to_html()
    banner = html.index('class="overload"')
    assert banner < html.index('class="status') < html.index("<h2>")
    assert "Mer arbeid enn kapasitet" in html[banner:banner + 400]


def test_one_capacity_warning_per_plan(overloaded_plan):
    _, caught = overloaded_plan
    assert len(caught) == 1
    assert "mer arbeid enn kapasitet" in str(caught[0].message)
    assert caught[0].filename == __file__  # points at the caller of plan()


def test_the_overload_survives_save_and_load(overloaded_plan, tmp_path):
    made, _ = overloaded_plan
    loaded = load_plan(made.save(tmp_path / "p.json"))
    assert loaded == made
    assert loaded.overload == made.overload
    assert loaded.overload.positions_needed == made.overload.positions_needed


def test_strict_capacity_gives_no_plan(overloaded):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CapacityWarning)  # no warning without a spread plan
        p = plan(overloaded, strict_capacity=True, pairs="none", time_limit=5)
    assert p.status == "infeasible" and not p.ok
    assert "hele stillinger" in p.message
    assert p.overload is not None  # the figures are there for tools all the same


def test_cli_exit_0_with_the_overload_first_and_3_when_strict(overloaded, tmp_path, capsys):
    from navkompetanse import save_office

    path = save_office(overloaded, tmp_path / "office.json") or tmp_path / "office.json"
    code = main(["plan", str(path), "--no-pairs", "--time-limit", "10",
                 "--report", str(tmp_path / "r.html"), "--json", str(tmp_path / "p.json")])
    out = capsys.readouterr()
    assert code == EXIT_OK
    assert out.out.lstrip("\n").startswith("Mer arbeid enn kapasitet")
    assert "CapacityWarning" not in out.err
    assert 'class="overload"' in (tmp_path / "r.html").read_text(encoding="utf-8")
    saved = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["plan"]
    assert saved["overload"]["positions_needed"] >= 1
    code = main(["plan", str(path), "--no-pairs", "--strict-capacity", "--time-limit", "5"])
    assert code == EXIT_INFEASIBLE
    assert "hele stillinger" in capsys.readouterr().err


# ------------------------------------------------------- the user's hard rules stay hard
def _office(n_brukere: int, **bruker) -> Office:
    vs = [Veileder(ident="A000001", profile=P3, spesialfelt=["ung"]),
          Veileder(ident="B000001", profile=P3)]
    bs = [Bruker(id=f"b{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", veileder="B000001",
                 **bruker) for i in range(n_brukere)]
    return Office(enhet="0315", name="Harde regler", veiledere=vs, brukere=bs)


def test_pins_that_overfill_a_unit_stay_infeasible_with_overflow():
    o = _office(24)  # 24 points on 20: overloaded, so overflow spreads it ...
    pins = {f"b{i}": "A000001" for i in range(16)}  # ... but 16 pinned to one unit is too many
    r = allocate_portfolios(o, policy=SMALL, pinned=pins, allow_overflow=True)
    assert r.status == "infeasible" and not r.ok
    assert "låst" in r.messages["nb"] and "pin fewer" in r.messages["en"]
    fine = allocate_portfolios(o, policy=SMALL, pinned={"b0": "A000001"}, allow_overflow=True)
    assert fine.ok and fine.overload is not None


def test_too_small_max_moves_stays_infeasible_with_overflow():
    o = _office(24)  # everyone with B today: half of them must move
    r = allocate_portfolios(o, policy=SMALL, max_moves=3, allow_overflow=True)
    assert r.status == "infeasible" and "grensen for antall bytter" in r.message
    assert "max_moves" in r.messages["en"]
    assert "raise max_moves" in r.messages["en"]


def test_a_hard_specialty_rule_no_unit_can_serve_stays_infeasible_with_overflow():
    o = _office(24, malgrupper=["ung"])  # all ung: only A has the specialty
    r = allocate_portfolios(o, policy=SMALL, hard_specialty=True, allow_overflow=True)
    assert r.status == "infeasible" and "spesialfelt" in r.message


def test_heavy_cases_sent_to_one_unit_by_the_limits_overflow_its_points_too():
    """Four heavy cases of 3 points; A takes none (``max_tunge_saker=0``), so the overflow's
    share sends all four to B, 12 points on a cap of about 7: B's points overflow as well,
    every bruker is placed and B's overload is reported (it was ``infeasible``, and the
    message told the caller to set allow_overflow, which was set)."""
    prof = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    vs = [Veileder(ident="A000001", profile=prof, max_tunge_saker=0),
          Veileder(ident="A000002", profile=prof)]
    bs = [Bruker(id=f"h{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", tung_sak=True)
          for i in range(4)]
    bs += [Bruker(id=f"s{i}", innsatsgruppe="STANDARD_INNSATS") for i in range(4)]
    o = Office(name="NAV Test", enhet="0999", veiledere=vs, brukere=bs)
    pol = Policy(capacity_points_per_position=3.0, heavy_cases_per_position=2.0)
    strict = allocate_portfolios(o, policy=pol)
    assert strict.status == "infeasible"
    r = allocate_portfolios(o, policy=pol, allow_overflow=True)
    assert r.ok and not r.unassigned and len(r.assignment) == len(bs)
    assert all(r.assignment[f"h{i}"] == "A000002" for i in range(4))
    assert r.overflow.get("A000002", 0) > 0 and r.overload is not None
    assert "allow_overflow" not in r.message


def test_a_unit_the_heavy_limits_fill_leads_the_message_on_an_office_that_fits():
    """The office's load and heavy cases fit in total, but only A may take heavy cases (the
    others have ``max_tunge_saker=0``): both go to A, 5 points on a capacity of 3. With
    overflow every bruker is placed and the message leads with A's figures; strict, it is
    the packing diagnosis it was before."""
    prof = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    vs = [Veileder(ident="A000001", profile=prof),
          Veileder(ident="A000002", profile=prof, max_tunge_saker=0),
          Veileder(ident="A000003", profile=prof, max_tunge_saker=0)]
    bs = [Bruker(id=f"h{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", tung_sak=True)
          for i in range(2)]
    bs += [Bruker(id=f"s{i}", innsatsgruppe="STANDARD_INNSATS") for i in range(3)]
    o = Office(name="NAV Test", enhet="0999", veiledere=vs, brukere=bs)
    pol = Policy(capacity_points_per_position=3.0, heavy_cases_per_position=2.0)
    assert allocate_portfolios(o, policy=pol).status == "infeasible"
    r = allocate_portfolios(o, policy=pol, allow_overflow=True)
    assert r.ok and not r.unassigned and r.overload is None
    assert r.assignment["h0"] == r.assignment["h1"] == "A000001"
    unit = r.units["A000001"]
    assert unit.load_points > unit.capacity_points
    assert r.messages["nb"].startswith("A000001 får 5 poeng mot kapasiteten 3, 2 poeng over")
    assert r.messages["en"].startswith("A000001 gets 5 points against its capacity 3")


def _three_heavy_cases_on_two_units(**policy: float) -> tuple[Office, Policy]:
    """Two units of 10 points and three heavy cases of 6: they fit in total, not whole."""
    prof = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    vs = [Veileder(ident=f"A00000{k}", profile=prof) for k in (1, 2)]
    bs = [Bruker(id=f"h{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", tung_sak=True)
          for i in range(3)]
    return (Office(name="NAV Test", enhet="0999", veiledere=vs, brukere=bs),
            Policy(capacity_points_per_position=10.0, heavy_cases_per_position=5.0,
                   tung_sak_points=5.0, **policy))


def test_whole_brukere_that_do_not_pack_overflow_one_unit_by_the_least():
    """Three heavy cases of 6 points on two units of 10: 18 points fit 20 in total, but no
    unit can take two within its capacity. Strict: the packing diagnosis, its way out named
    in each language (no parameter names in the Norwegian text). With overflow: one unit
    over by one case's excess (6 + 12), not every case at one unit — the heavy-case limits
    (5 each) leave the choice open, so they force nothing — and the message leads with it."""
    o, pol = _three_heavy_cases_on_two_units()
    strict = allocate_portfolios(o, policy=pol)
    assert strict.status == "infeasible"
    assert "får ikke plass samtidig" in strict.message
    assert "tillat overbelastning" in strict.message and "_" not in strict.message
    assert "allow_overflow=True" in strict.messages["en"]
    r = allocate_portfolios(o, policy=pol, allow_overflow=True)
    assert r.ok and not r.unassigned and r.overload is None
    loads = sorted(u.load_points for u in r.units.values())
    assert loads == [6.0, 12.0]
    (over,) = [ident for ident, u in r.units.items() if u.load_points == 12.0]
    assert r.messages["nb"].startswith(
        f"{over} får 12 poeng mot kapasiteten 10, 2 poeng over: brukere kan ikke deles")
    assert r.messages["en"].startswith(f"{over} gets 12 points against its capacity 10")


def test_packing_diagnosis_names_only_the_ways_out_that_can_help():
    """Capacity binds, no balance cap or floor does: a larger balance margin cannot help and
    is not advised (a review); with a moves budget, more moves are."""
    o, pol = _three_heavy_cases_on_two_units(balance_slack=5.0)
    r = allocate_portfolios(o, policy=pol)
    assert r.status == "infeasible" and "balansemarginen" not in r.message
    assert r.message.endswith("som kan fordeles — legg til en stilling eller la kapasiteten "
                              "være en myk grense (tillat overbelastning).")
    assert r.messages["en"].endswith("— add a position or use allow_overflow=True.")
    moves = allocate_portfolios(o, policy=pol, max_moves=5)
    assert "— øk grensen for antall bytter, legg til en stilling eller" in moves.message


def test_units_that_must_carry_the_heavy_cases_together_share_them_evenly():
    """Eight veiledere take no heavy cases, two take any: six heavy cases of 6 points must go
    to those two together, though neither alone is forced to take any (the others' limits
    leave room for all six at either). With overflow: a plan, 18 + 18 points, and the message
    leads with both (a review found the rule of this session gave no plan here, and room for
    another heavy case gave 24 + 12)."""
    prof = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    vs = [Veileder(ident=f"A00000{k}", profile=prof, max_tunge_saker=0) for k in range(8)]
    vs += [Veileder(ident=f"B00000{k}", profile=prof) for k in range(2)]
    bs = [Bruker(id=f"h{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", tung_sak=True)
          for i in range(6)]
    o = Office(name="NAV Test", enhet="0999", veiledere=vs, brukere=bs)
    pol = Policy(capacity_points_per_position=10.0, heavy_cases_per_position=5.0,
                 tung_sak_points=5.0)
    assert allocate_portfolios(o, policy=pol).status == "infeasible"
    r = allocate_portfolios(o, policy=pol, allow_overflow=True)
    assert r.ok and not r.unassigned
    assert sorted(u.load_points for u in r.units.values())[-2:] == [18.0, 18.0]
    assert r.messages["nb"].startswith("B000000 får 18 poeng mot kapasiteten 10, 8 poeng over")
    assert "B000001 får 18 poeng" in r.messages["nb"]


def test_heavy_overflow_with_most_veiledere_taking_none_places_everyone():
    """30 heavy cases, 80 veiledere who take none and 20 who take one each: the limits are 10
    short; with overflow (and in plan(), by default) every case is placed, two at each of the
    20 (the review's second case: no plan, every case unplaced)."""
    prof = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    vs = [Veileder(ident=f"A{k:06d}", profile=prof, max_tunge_saker=0) for k in range(80)]
    vs += [Veileder(ident=f"B{k:06d}", profile=prof, max_tunge_saker=1) for k in range(20)]
    bs = [Bruker(id=f"h{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", tung_sak=True)
          for i in range(30)]
    o = Office(name="NAV Test", enhet="0999", veiledere=vs, brukere=bs)
    pol = Policy(capacity_points_per_position=10.0, heavy_cases_per_position=5.0,
                 tung_sak_points=5.0)
    r = allocate_portfolios(o, policy=pol, allow_overflow=True, time_limit=10)
    assert r.ok and not r.unassigned and r.overload is not None
    assert r.overload.binding in ("heavy", "both")
    assert all(r.assignment[b.id].startswith("B") for b in bs)
    assert max(u.heavy_cases for u in r.units.values()) <= 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CapacityWarning)
        p = plan(o, policy=pol, gaps=False, learning=False, pairs="none")
    assert p.allocation.ok and not p.allocation.unassigned


def test_units_that_take_no_heavy_case_share_the_light_brukere_for_their_floors():
    """Two veiledere take no heavy cases; the heavy ones all go to the third. Each of the two
    could reach its balance floor on the light brukere alone, but not both at once: with
    overflow the plan had been 'infeasible' with brukere unplaced at 60 % load (a review's
    random offices); their floors are now shared out in proportion."""
    prof = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    vs = [Veileder(ident="A000001", profile=prof, max_tunge_saker=0),
          Veileder(ident="A000002", profile=prof, max_tunge_saker=2),
          Veileder(ident="A000003", profile=prof, max_tunge_saker=0, stillingsprosent=50)]
    bs = [Bruker(id=f"h{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS", tung_sak=True)
          for i in range(11)]
    bs += [Bruker(id=f"s{i}", innsatsgruppe="STANDARD_INNSATS") for i in range(14)]
    o = Office(name="NAV Test", enhet="0999", veiledere=vs, brukere=bs)
    pol = Policy(capacity_points_per_position=20.0, heavy_cases_per_position=5.0)
    r = allocate_portfolios(o, policy=pol, allow_overflow=True)
    assert r.ok and not r.unassigned and r.overload is not None
    assert all(r.assignment[f"h{i}"] == "A000002" for i in range(11))
    light = {ident: u.load_points for ident, u in r.units.items() if ident != "A000002"}
    assert all(points > 0 for points in light.values())  # both still get brukere


def test_overflow_offices_a_fuzz_left_without_a_plan_get_one():
    """Two offices of a fuzz over 6,000 random ones (no rules of the user's, overflow on):
    heavy-case limits all 0 at 96 % of capacity, where whole brukere barely pack and the first
    solve neither found a plan nor proved there was none (33bbc65 planned it, this session's
    first cap rule did not); and a unit that may take one heavy case whose floor needed a
    light bruker the units taking none needed too (no plan before and after). Both now: every
    bruker placed."""
    prof = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    g, v, s, st = ("GRADERT_VARIG_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS",
                   "SITUASJONSBESTEMT_INNSATS", "STANDARD_INNSATS")
    vs = [Veileder(ident=f"Z{k:06d}", stillingsprosent=pct, profile=prof)
          for k, pct in enumerate([80, 80, 80, 80, 50, 50, 100, 100])]
    bs = [Bruker(id=f"b{i:02d}", innsatsgruppe=grp, tung_sak=i in (10, 12))
          for i, grp in enumerate([g, v, v, s, g, v, v, s, s, s, g, s, st, s])]
    o = Office(enhet="0315", name="T", veiledere=vs, brukere=bs,
               pairs=(("Z000000", "Z000001"),))
    pol = Policy(capacity_points_per_position=3.0, heavy_cases_per_position=0.5,
                 tung_sak_points=0.5)
    r = allocate_portfolios(o, policy=pol, allow_overflow=True, time_limit=5)
    assert r.ok and not r.unassigned
    vs = [Veileder(ident="Z000000", max_tunge_saker=1, profile=prof),
          Veileder(ident="Z000001", profile=prof),
          Veileder(ident="Z000002", max_tunge_saker=0, profile=prof),
          Veileder(ident="Z000003", stillingsprosent=50, max_tunge_saker=0, profile=prof)]
    bs = [Bruker(id=f"b{i:02d}", innsatsgruppe=s, tung_sak=i not in (4, 5)) for i in range(12)]
    o = Office(enhet="0315", name="T", veiledere=vs, brukere=bs)
    pol = Policy(capacity_points_per_position=6.0, heavy_cases_per_position=5.0,
                 tung_sak_points=0.5, balance_slack=0.05)
    r = allocate_portfolios(o, policy=pol, allow_overflow=True, time_limit=5)
    assert r.ok and not r.unassigned


def test_plan_keeps_the_hard_rules_diagnosis():
    o = _office(24)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CapacityWarning)
        p = plan(o, policy=SMALL, pairs="none", max_moves=3, time_limit=5)
    assert p.status == "infeasible" and "grensen for antall bytter" in p.message


# ----------------------------------------------------------------- all heavy cases, fast
@pytest.mark.parametrize("n_v, n_b, seed", [(12, 330, 0), (13, 520, 0), (12, 420, 1)])
def test_an_office_of_only_heavy_cases_is_fast(n_v, n_b, seed):
    o = all_heavy(n_v, n_b, seed)
    t, c = time.perf_counter(), time.process_time()
    r = allocate_portfolios(o, allow_overflow=True, time_limit=20)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert r.ok and len(r.assignment) == n_b
    assert r.overload.binding == "both"
    assert r.gap <= 1e-3 and r.status in ("optimal", "feasible")
    assert min(wall, cpu) < 6, f"{wall:.2f} s wall, {cpu:.2f} s CPU (was the whole 20 s)"


# ------------------------------------------------------------------------ time limits
@pytest.fixture(scope="module")
def large() -> Office:
    return _quiet_synthetic(150, 10_000)


@pytest.mark.parametrize("limit", [0.05, 0.3, 0.5])
def test_allocate_portfolios_honours_a_short_limit(large, limit):
    t, c = time.perf_counter(), time.process_time()
    r = allocate_portfolios(large, time_limit=limit)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    # start-up (model and result, ~0.3 s at 10,000 brukere) is within the helper's margin
    assert within_time_limit(wall, cpu, limit + 0.3), (wall, cpu)
    assert r.status in ("time_limit", "feasible", "optimal")  # never 'infeasible' here
    # at 0.5 s the greedy plan fits with room (model 0.08-0.1 s, the result's reserve 0.1 s,
    # the greedy 0.06-0.15 s; at 0.3 s a machine 1.4x slower than the one this was written
    # on, with its other core busy, had no plan): a distribution, unless starved
    if limit >= 0.5:
        if cpu < 0.6 * wall:
            pytest.skip("the machine starved the process; only the limit was checked")
        assert r.ok, r.message
    if r.status == "time_limit" and r.ok:
        assert r.gap > 1e-3  # the clock stopped the solve before the gap target
    if r.ok:
        assert r.objective <= r.bound + 1e-9 and len(r.assignment) == large.n_brukere


def test_time_limit_is_not_the_status_when_the_gap_target_was_met(large):
    r = allocate_portfolios(large, time_limit=30)
    assert r.ok and r.gap <= 1e-3 and r.status in ("feasible", "optimal")
    assert r.stats["runtime"] < 30


def test_plan_honours_its_limit():
    """Half a second of the machine the plan's time needs were measured on (scaled by
    ``machine_slowness``: a run on a machine in its slow state had no distribution)."""
    o = _quiet_synthetic(40, 2500, seed=1)
    limit = 0.5 * machine_slowness()
    t, c = time.perf_counter(), time.process_time()
    p = plan(o, time_limit=limit)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert within_time_limit(wall, cpu, limit + 0.2), (wall, cpu)
    if cpu < 0.6 * wall:
        pytest.skip("the machine starved the process; only the limit was checked")
    assert p.allocation.ok and p.status != "infeasible", p.message
    if p.allocation.status == "time_limit" and p.allocation.ok:
        assert p.allocation.gap > 1e-3
