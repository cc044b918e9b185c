"""Issue 11 in the allocation: preferences, continuity per bruker and the kommunal rule.

Constructed offices with a known answer (who gets the relational brukere, who moves under
``max_moves``, how much municipal capacity is missing), the preference measure checked by hand,
and properties: an office without preferences allocates exactly as with the term off, and
``kommunal_only`` holds in every allocation (or the result is infeasible and says why).
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import offices

from navkompetanse.allocation import allocate_portfolios, compare, status_quo
from navkompetanse.allocation.model import build_model, exact_milp, model_violations, resolve_units
from navkompetanse.models import Bruker, CompetenceProfile, Office, Veileder
from navkompetanse.policy import Policy
from navkompetanse.scoring import continuity_weights
from navkompetanse.synthetic import synthetic_office

LOOSE = Policy(balance_slack=5.0)
#: Every continuity weight 1: the model as it was before continuity per bruker.
FLAT = Policy(continuity_weight_innsatsgruppe=dict.fromkeys(
    Policy().continuity_weight_innsatsgruppe, 1.0), continuity_weight_malgruppe={},
    continuity_weight_tung_sak=1.0)


def prof(r, s, f, d) -> CompetenceProfile:
    return CompetenceProfile(relasjonell=r, struktur=s, forvaltning=f, digital=d)


def vei(ident, levels=(4, 4, 4, 4), name=None, prefs=None, ansettelse="statlig", pct=100):
    return Veileder(ident=ident, name=name, profile=prof(*levels), preferences=prefs or {},
                    ansettelse=ansettelse, stillingsprosent=pct)


def bru(bid, needs=None, group="SITUASJONSBESTEMT_INNSATS", veileder=None, tung=False,
        malgrupper=(), continuity=None):
    return Bruker(id=bid, innsatsgruppe=group, needs=prof(*needs) if needs else None,
                  veileder=veileder, tung_sak=tung, malgrupper=malgrupper,
                  continuity=continuity)


def office(veiledere, brukere, pairs=()) -> Office:
    return Office(enhet="0315", name="Test", veiledere=veiledere, brukere=brukere, pairs=pairs)


def opposite_office(with_prefs: bool = True) -> Office:
    """Two veiledere of identical competence: Kari thrives on meetings and close follow-up and
    is drained by casework; Ola the other way round. Four brukere lean relational, four lean
    towards casework; nobody has a veileder yet."""
    kari = {"relasjonell": "energi", "forvaltning": "tapper"} if with_prefs else {}
    ola = {"relasjonell": "tapper", "forvaltning": "energi"} if with_prefs else {}
    vs = [vei("Z000001", name="Kari Nordmann", prefs=kari),
          vei("Z000002", name="Ola Hansen", prefs=ola)]
    bs = [bru(f"r{i}", (4, 2, 1, 2)) for i in range(4)]
    bs += [bru(f"f{i}", (1, 2, 4, 2)) for i in range(4)]
    return office(vs, bs)


# ------------------------------------------------------------------------- preferences
def test_relational_brukere_go_to_the_veileder_who_likes_relational_work():
    r = allocate_portfolios(opposite_office(), policy=LOOSE, time_limit=5)
    assert r.status == "optimal"
    assert {r.assignment[f"r{i}"] for i in range(4)} == {"Z000001"}
    assert {r.assignment[f"f{i}"] for i in range(4)} == {"Z000002"}
    nb, en = r.explain("r0"), r.explain("r0", lang="en")
    assert ("passer også med det Kari Nordmann (Z000001) liker å jobbe med (brukermøter og "
            "tett oppfølging)") in nb
    assert "what Kari Nordmann (Z000001) likes doing (meetings with brukere and close" in en
    assert "relasjonell" not in nb.split("passer også")[1]  # plain words, no codes
    assert "saksbehandling og vedtak" in r.explain("f0")
    p = r.placements["r0"]
    assert p.liked == ("relasjonell",) and p.liked_by == ("Z000001",)
    # leans 4/9 - 1/4 towards relational work (Kari: +1) and 1/4 - 1/9 away from casework
    # (Kari: -1): both raise her fit at Kari
    assert p.preference == pytest.approx(0.01 * ((4 / 9 - 0.25) + (0.25 - 1 / 9)))


def test_with_the_preferences_swapped_the_brukere_swap_too():
    o = opposite_office()
    vs = [v.model_copy(update={"preferences": w.preferences})
          for v, w in zip(o.veiledere, o.veiledere[::-1], strict=True)]
    r = allocate_portfolios(o.model_copy(update={"veiledere": vs}), policy=LOOSE, time_limit=5)
    assert {r.assignment[f"r{i}"] for i in range(4)} == {"Z000002"}


def test_competence_wins_over_preference_by_default():
    """Kari likes relational work but is two levels short; Ola, who finds it draining, covers
    it: the relational bruker goes to Ola (explained as such), unless the office raises the
    preference weight far above its default."""
    vs = [vei("Z000001", (2, 4, 4, 4), name="Kari", prefs={"relasjonell": "energi"}),
          vei("Z000002", (4, 4, 4, 4), name="Ola", prefs={"relasjonell": "tapper"})]
    o = office(vs, [bru("r0", (4, 2, 1, 2))])
    r = allocate_portfolios(o, policy=LOOSE, time_limit=5)
    assert r.assignment["r0"] == "Z000002"
    assert "Ola (Z000002) synes brukermøter og tett oppfølging tapper energi" in r.explain("r0")
    heavy = LOOSE.model_copy(update={"preference_weight": 1.0})
    assert allocate_portfolios(o, policy=heavy, time_limit=5).assignment["r0"] == "Z000001"


def test_without_preferences_the_explanation_does_not_mention_them():
    r = allocate_portfolios(opposite_office(with_prefs=False), policy=LOOSE, time_limit=5)
    for bid in r.assignment:
        assert "liker å jobbe med" not in r.explain(bid)
        assert "tapper" not in r.explain(bid)
    assert not r.has_preferences and r.to_dict()["preference"] == {}
    assert "work_energising" not in r.to_frame().columns


@pytest.mark.parametrize("case", [(6, 120, 1, None), (8, 300, 2, None), (10, 400, 3, 20),
                                  (5, 60, 4, 5)])
def test_without_preferences_the_result_is_what_it_was(case):
    """An office without preferences: the same objective and assignment as with the term
    switched off; and with every continuity weight 1, the objective the model had before
    issue 11 (recorded from commit 3699050)."""
    before = {(6, 120, 1, None): 122.3888888888889, (8, 300, 2, None): 297.9913888888889,
              (10, 400, 3, 20): 409.8988888888889, (5, 60, 4, 5): 62.57097222222222}
    n_v, n_b, seed, moves = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = synthetic_office(n_v, n_b, seed=seed)
    assert not any(v.preferences for v in o.veiledere)
    off = Policy(preference_weight=0.0)
    a = allocate_portfolios(o, max_moves=moves, time_limit=30)
    b = allocate_portfolios(o, max_moves=moves, time_limit=30, policy=off)
    assert a.objective == b.objective and dict(a.assignment) == dict(b.assignment)
    flat = allocate_portfolios(o, max_moves=moves, time_limit=30, policy=FLAT)
    # Since the solver works on the office in canonical order (issue 15), it may stop at
    # another plan of the same model: the same value up to the certified gap.
    assert abs(flat.objective - before[case]) <= flat.bound - flat.objective + 1e-9


def _random_preferences(o: Office, seed: int) -> Office:
    rng = np.random.default_rng(seed)
    words = np.array(["energi", "noytral", "tapper"])
    dims = ("relasjonell", "struktur", "forvaltning", "digital")
    vs = [v.model_copy(update={"preferences": dict(zip(dims, rng.choice(words, 4),
                                                       strict=True))})
          for v in o.veiledere]
    return o.model_copy(update={"veiledere": vs})


def test_preferences_go_through_the_exact_reference_and_the_objective():
    """With random preferences the fast path and scipy's milp solve the same model (the term
    is in the profit both read), and the objective recomputed from the office agrees."""
    from test_allocation import objective_from_office

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = _random_preferences(synthetic_office(5, 50, seed=7, n_pairs=1), 1)
    policy = Policy(preference_weight=0.05)
    model, diagnoses, _ = build_model(o, resolve_units(o, None), policy)
    assert not diagnoses and model.preference is not None and np.any(model.preference)
    ref = exact_milp(model, time_limit=30)
    r = allocate_portfolios(o, policy=policy, time_limit=30, gap_tol=1e-9)
    assert ref.status == "optimal" and r.ok
    # the milp optimum lies between our objective and our certified bound
    assert r.objective <= ref.objective + 1e-9 <= r.bound + 2e-9
    assert r.objective == pytest.approx(objective_from_office(o, r.assignment, policy), abs=1e-9)


# ----------------------------------------------------------------- continuity per bruker
def moves_office() -> Office:
    """Two brukere at Kari with the same needs, both far better covered by Ola (three levels
    of relational work): one young with a heavy case, one on standard innsats."""
    vs = [vei("Z000001", (1, 4, 4, 4), name="Kari"), vei("Z000002", (4, 4, 4, 4), name="Ola")]
    bs = [bru("ung", (4, 2, 2, 2), group="SPESIELT_TILPASSET_INNSATS", veileder="Z000001",
              tung=True, malgrupper=["ung"]),
          bru("std", (4, 2, 2, 2), group="STANDARD_INNSATS", veileder="Z000001")]
    return office(vs, bs)


def test_max_moves_moves_the_bruker_for_whom_a_change_costs_least():
    o = moves_office()
    assert continuity_weights(o.brukere, LOOSE).tolist() == [2.0, 0.5]
    free = allocate_portfolios(o, policy=LOOSE, time_limit=5)
    assert free.assignment == {"ung": "Z000002", "std": "Z000002"}  # both gain enough
    r = allocate_portfolios(o, policy=LOOSE, max_moves=1, time_limit=5)
    assert r.status == "optimal"
    assert r.assignment == {"ung": "Z000001", "std": "Z000002"}
    nb = r.explain("ung")
    assert "beholder veilederen sin: en tung sak" in nb and "koster mye for henne" in nb
    assert "keeps her veileder: a heavy case" in r.explain("ung", lang="en")
    assert "Et bytte koster lite for henne: standard innsats." in r.explain("std")
    # the same through the exact reference and with the brukere in the other order
    model, _, _ = build_model(o, resolve_units(o, None), LOOSE, max_moves=1)
    assert exact_milp(model).objective == pytest.approx(r.objective)
    swapped = o.model_copy(update={"brukere": o.brukere[::-1]})
    assert allocate_portfolios(swapped, policy=LOOSE, max_moves=1,
                               time_limit=5).assignment["std"] == "Z000002"


@pytest.mark.parametrize(("kw", "nb", "en"), [
    ({"malgrupper": ["ung"]}, "hun er ung", "she is young"),
    ({"continuity": 3}, "kontoret har satt kontinuitet høyt for henne",
     "the office has set continuity high for her"),
    ({"group": "SPESIELT_TILPASSET_INNSATS"}, "tett oppfølging", "close follow-up"),
])
def test_explain_says_why_someone_stays(kw, nb, en):
    vs = [vei("Z000001", (3, 4, 4, 4)), vei("Z000002", (4, 4, 4, 4))]
    b = bru("b", (4, 2, 2, 2), veileder="Z000001", **kw)
    r = allocate_portfolios(office(vs, [b]), policy=LOOSE, time_limit=5)
    assert r.assignment["b"] == "Z000001"  # one level short: not worth a change for her
    assert f"beholder veilederen sin: {nb}, og et bytte koster mye for henne" in r.explain("b")
    assert f"keeps her veileder: {en}, and a change costs her a lot" in r.explain("b", "en")


def test_an_explicit_weight_of_zero_lets_her_move_for_a_small_gain():
    vs = [vei("Z000001", (3, 4, 4, 4)), vei("Z000002", (4, 4, 4, 4))]
    bs = [bru("b", (4, 2, 2, 2), veileder="Z000001", continuity=0)]
    r = allocate_portfolios(office(vs, bs), policy=LOOSE, time_limit=5)
    assert r.assignment["b"] == "Z000002"
    assert r.placements["b"].continuity_reason == "explicit"
    assert "kontoret har satt kontinuitet lavt for henne" in r.explain("b")


def test_continuity_weights_keep_the_class_compression():
    """Weights split only the stay pairs of the class LP, never the classes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = synthetic_office(25, 1800, seed=0)
    flat = allocate_portfolios(o, policy=FLAT, time_limit=30)
    weighted = allocate_portfolios(o, time_limit=30)
    assert weighted.stats["classes"] == flat.stats["classes"] < 250
    assert weighted.stats["stay_pairs"] <= 2 * flat.stats["stay_pairs"]
    assert weighted.gap <= 1e-3


# ----------------------------------------------------------------------- kommunal_only
def kommunal_office(n_sosial=4, kommunal_pct=100) -> Office:
    vs = [vei("Z000001", name="Kari", ansettelse="kommunal", pct=kommunal_pct),
          vei("Z000002", name="Ola"), vei("Z000003", name="Per")]
    bs = [bru(f"s{i}", malgrupper=["sosialhjelp"], veileder="Z000002") for i in range(n_sosial)]
    bs += [bru(f"b{i}", veileder="Z000003") for i in range(6)]
    return office(vs, bs)


def test_kommunal_only_sends_sosialhjelp_to_kommunal_units_only():
    o = kommunal_office()
    off = allocate_portfolios(o, policy=LOOSE, time_limit=5)
    assert off.ok and any(off.assignment[f"s{i}"] != "Z000001" for i in range(4))
    on = allocate_portfolios(o, policy=LOOSE, kommunal_only=True, time_limit=5)
    assert on.ok and {on.assignment[f"s{i}"] for i in range(4)} == {"Z000001"}
    # the policy's setting, and the argument overriding it for one call
    by_policy = LOOSE.model_copy(update={"kommunal_only": True})
    assert allocate_portfolios(o, policy=by_policy, time_limit=5).assignment == on.assignment
    assert allocate_portfolios(o, policy=by_policy, kommunal_only=False,
                               time_limit=5).assignment == off.assignment
    # today's distribution breaks the rule, and says so
    today = status_quo(o, policy=by_policy)
    assert any("sosialhjelp" in v for v in today.violations)
    assert "4 brukere med sosialhjelp hos en enhet uten kommunalt ansatt" in today.message


def test_kommunal_only_infeasible_names_the_missing_capacity():
    # Kari at 20 % has too little room for eight sosialhjelp brukere
    o = kommunal_office(n_sosial=8, kommunal_pct=20)
    policy = Policy(balance_slack=5.0)
    model, _, _ = build_model(o, resolve_units(o, None), policy, kommunal_only=True)
    load = float(model.weight[model.kommunal_bruker].sum())
    room = float(model.cap[model.kommunal_unit].sum())
    assert load > room
    r = allocate_portfolios(o, policy=policy, kommunal_only=True, time_limit=5)
    assert r.status == "infeasible"
    missing = load - room
    positions = math.ceil(missing / policy.capacity_points_per_position)
    nb, en = r.messages["nb"], r.messages["en"]
    assert "bare kommunalt ansatte følger opp økonomisk sosialhjelp kan ikke holde" in nb
    from navkompetanse.text import fmt
    assert f"det mangler {fmt(missing)} poeng kommunal kapasitet" in nb
    assert ("1 hel stilling" if positions == 1 else f"{positions} hele stillinger") in nb
    assert f"{fmt(missing, 'en')} points of municipal capacity are missing" in en
    assert "kommunal_only" in en


def test_kommunal_only_without_a_municipal_veileder():
    o = kommunal_office()
    vs = [v.model_copy(update={"ansettelse": "statlig"}) for v in o.veiledere]
    r = allocate_portfolios(o.model_copy(update={"veiledere": vs}), policy=LOOSE,
                            kommunal_only=True, time_limit=5)
    assert r.status == "infeasible"
    assert "kontoret har ingen kommunalt ansatt veileder" in r.messages["nb"]
    assert "the office has no municipally employed veileder" in r.messages["en"]
    assert "poeng kommunal kapasitet (1 hel stilling)" in r.messages["nb"]


def test_kommunal_only_with_a_pin_against_it_is_diagnosed():
    r = allocate_portfolios(kommunal_office(), policy=LOOSE, kommunal_only=True,
                            pinned={"s0": "Z000003"}, time_limit=5)
    assert r.status == "infeasible"
    assert "er låst til Per (Z000003), som ikke har en kommunalt ansatt" in r.messages["nb"]


def test_kommunal_only_and_overflow_the_overload_is_not_the_rules_fault():
    """An office overloaded in total, with overflow: the rule still holds (the kommunal unit
    takes its share of the overload), and the message is about the overload, not the rule."""
    o = kommunal_office(n_sosial=3)
    # 9 brukere of 1 point, 3 × 2 points of capacity: Kari's share of the overload is 3 + 1
    tight = Policy(capacity_points_per_position=2.0, balance_slack=5.0)
    r = allocate_portfolios(o, policy=tight, kommunal_only=True, allow_overflow=True,
                            time_limit=5)
    assert r.ok and r.overload is not None
    assert {r.assignment[f"s{i}"] for i in range(3)} == {"Z000001"}
    assert "kommunal" not in r.messages["nb"]


def test_model_violations_checks_the_kommunal_rule():
    o = kommunal_office()
    model, _, _ = build_model(o, resolve_units(o, None), LOOSE, kommunal_only=True)
    x = np.zeros(model.n_brukere, dtype=np.int64)
    x[:4] = 1  # every sosialhjelp bruker at Ola
    assert any("kommunal" in v for v in model_violations(model, x))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(o=offices(max_veiledere=5, max_brukere=12), overflow=st.booleans(),
       hard=st.booleans())
def test_kommunal_only_holds_in_every_allocation(o, overflow, hard):
    policy = Policy(balance_slack=5.0)
    r = allocate_portfolios(o, policy=policy, kommunal_only=True, allow_overflow=overflow,
                            hard_specialty=hard, time_limit=5)
    kommunal = {v.ident for v in o.veiledere if v.ansettelse == "kommunal"}
    sosial = [b.id for b in o.brukere if "sosialhjelp" in b.malgrupper]
    if r.ok:
        for bid in sosial:
            assert set(r.assignment[bid].split("+")) & kommunal
        return
    assert r.status == "infeasible"
    if sosial and not kommunal and o.veiledere:
        assert "ingen kommunalt ansatt veileder" in r.messages["nb"]
    without = allocate_portfolios(o, policy=policy, kommunal_only=False,
                                  allow_overflow=overflow, hard_specialty=hard, time_limit=5)
    if without.ok:  # the rule made it infeasible: the message says so
        assert "kommunal" in r.messages["nb"] and "municipal" in r.messages["en"]


# ------------------------------------------------------------------ preference measure
def measure_office() -> Office:
    """Kari likes relational work and is drained by casework; Ola is neutral. Two brukere,
    both standard-heavy in weight, placed by hand (status quo)."""
    vs = [vei("Z000001", name="Kari", prefs={"relasjonell": "energi", "forvaltning": "tapper"}),
          vei("Z000002", name="Ola")]
    bs = [bru("a", (4, 2, 1, 1), veileder="Z000001"),   # mix 1/2, 1/4, 1/8, 1/8
          bru("b", (2, 2, 2, 2), veileder="Z000001"),   # even mix
          bru("c", (1, 1, 4, 2), veileder="Z000002")]
    return office(vs, bs)


def test_preference_measure_by_hand():
    o = measure_office()
    today = status_quo(o, policy=LOOSE)
    w = {b.id: float(x) for b, x in zip(o.brukere, build_model(
        o, resolve_units(o, None), LOOSE)[0].weight, strict=True)}
    kari = today.preference["Z000001"]
    assert kari.load_points == pytest.approx(w["a"] + w["b"])
    assert kari.energising_points == pytest.approx(w["a"] / 2 + w["b"] / 4)
    assert kari.draining_points == pytest.approx(w["a"] / 8 + w["b"] / 4)
    assert kari.energising_share == pytest.approx((w["a"] / 2 + w["b"] / 4) / (w["a"] + w["b"]))
    ola = today.preference["Z000002"]
    assert ola.load_points == pytest.approx(w["c"]) and ola.energising_points == 0.0
    totals = today.preference_totals()
    total = w["a"] + w["b"] + w["c"]
    assert totals["energising_share"] == pytest.approx((w["a"] / 2 + w["b"] / 4) / total)
    assert totals["draining_share"] == pytest.approx((w["a"] / 8 + w["b"] / 4) / total)
    # per bruker in the frame
    frame = today.to_frame().set_index("bruker_id")
    assert frame.loc["a", "work_energising"] == pytest.approx(0.5)
    assert frame.loc["a", "work_draining"] == pytest.approx(0.125)
    d = json.loads(json.dumps(today.to_dict(), allow_nan=False))
    assert d["preference"]["Z000001"]["energising_points"] == pytest.approx(kari.energising_points)
    assert d["preference_totals"]["energising_share"] == pytest.approx(totals["energising_share"])


def test_preference_measure_in_a_pair_goes_to_the_member_who_leads():
    """In a pair, each kind of work counts for the member who leads it: Kari (relational 4,
    likes it) leads relational work, Ola (forvaltning 5) leads casework."""
    vs = [vei("Z000001", (4, 3, 3, 3), name="Kari", prefs={"relasjonell": "energi"}),
          vei("Z000002", (3, 3, 5, 3), name="Ola", prefs={"forvaltning": "tapper"})]
    o = office(vs, [bru("a", (4, 2, 2, 0 + 1), veileder="Z000001")],
               pairs=[("Z000001", "Z000002")])
    today = status_quo(o, policy=LOOSE)
    w = float(build_model(o, resolve_units(o, None), LOOSE)[0].weight[0])
    mix = np.array([4, 2, 2, 1]) / 9
    kari, ola = today.preference["Z000001"], today.preference["Z000002"]
    # struktur and digital tie at 3: the first member (Kari) leads them
    assert kari.load_points == pytest.approx(w * (mix[0] + mix[1] + mix[3]))
    assert kari.energising_points == pytest.approx(w * mix[0])
    assert ola.load_points == pytest.approx(w * mix[2])
    assert ola.draining_share == pytest.approx(1.0)


def test_compare_reports_the_preference_measure():
    o = opposite_office()
    today = status_quo(o.model_copy(update={"brukere": [
        b.model_copy(update={"veileder": "Z000002" if b.id.startswith("r") else "Z000001"})
        for b in o.brukere]}), policy=LOOSE)
    proposal = allocate_portfolios(o, policy=LOOSE, time_limit=5)
    c = compare(today, proposal)
    assert c["energising_share"].a < c["energising_share"].b
    assert c["draining_share"].a > c["draining_share"].b
    assert c["energising_share"].better == "b" and c["draining_share"].better == "b"
    assert "Andel av veiledernes arbeid i oppgaver de får energi av" in c.messages["nb"]
    assert "tasks that drain them" in c.messages["en"]
    d = json.loads(json.dumps(c.to_dict(), allow_nan=False))
    assert {p["ident"] for p in d["preference"]} == {"Z000001", "Z000002"}
    assert "energising_share" in set(c.to_frame()["key"])
    assert "Andel arbeid som gir energi" in str(c)
    # an office without preferences: no such rows
    plain = opposite_office(with_prefs=False)
    c2 = compare(status_quo(plain, policy=LOOSE), allocate_portfolios(plain, policy=LOOSE))
    assert "energising_share" not in {r.key for r in c2.rows} and c2.preference == ()
    assert "energi" not in c2.messages["nb"]


# --------------------------------------------------------------- every solve path keeps it
def _rule_office() -> Office:
    """A synthetic office with random preferences, some municipally employed veiledere and
    the kommunal rule on: the model every path below solves."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        o = _random_preferences(synthetic_office(8, 200, seed=1, load=0.7), 3)
    vs = [v.model_copy(update={"ansettelse": "kommunal" if k % 3 == 0 else "statlig"})
          for k, v in enumerate(o.veiledere)]
    return o.model_copy(update={"veiledere": vs})


@pytest.mark.parametrize("max_moves", [None, 80])
def test_every_solve_path_keeps_the_rule_and_reads_the_preference_term(max_moves):
    from navkompetanse.allocation import solve

    o = _rule_office()
    assert any("sosialhjelp" in b.malgrupper for b in o.brukere)
    model, diagnoses, _ = build_model(o, resolve_units(o, None), Policy(), kommunal_only=True,
                                      max_moves=max_moves)
    assert not diagnoses and model.allowed is not None and np.any(model.preference)
    import time
    plans = {
        "class-lp": solve.solve_model(model, time_limit=30).assignment,
        "greedy": solve.greedy_plan(model, time.perf_counter() + 30),
        "priced-gap": solve._solve_priced(model, time_limit=3, max_iter=4).assignment,
    }
    ref = exact_milp(model, time_limit=60)
    plans["exact_milp"] = ref.assignment
    sosial = model.kommunal_bruker
    assert max_moves is not None or plans["greedy"] is not None  # (it may fail elsewhere)
    for path, x in plans.items():
        if x is None:  # the greedy may find nothing (the exact methods then take over)
            assert path == "greedy"
            continue
        assert model_violations(model, x) == [], path
        assert model.kommunal_unit[x[sosial]].all(), path
        # the objective every path reports is the model's, preference term included
        idx = np.arange(model.n_brukere)
        expected = (model.base_profit[idx, x].sum()
                    + model.continuity_bonus[(model.current == x)].sum())
        assert model.objective(x) == pytest.approx(expected, rel=1e-12), path
        if ref.status == "optimal":
            assert model.objective(x) <= ref.objective + 1e-6, path
