"""gap_analysis: demand against supply, the remaining shortfall, and verified proposals."""

from __future__ import annotations

import json

import numpy as np
import pytest

from navkompetanse import (
    Bruker,
    CompetenceProfile,
    Office,
    Veileder,
    allocate_portfolios,
    load_example_office,
)
from navkompetanse.analysis import GapAnalysis, gap_analysis


def _forvaltning_short() -> Office:
    """Eight veiledere strong in everything but forvaltning (level 2); brukere need it."""
    veiledere = tuple(
        Veileder(ident=f"A{k:06d}", name=f"Veileder {k}", avdeling="Nord" if k < 4 else "Sør",
                 stillingsprosent=80 if k == 7 else 100,
                 profile=CompetenceProfile(relasjonell=4, struktur=4, forvaltning=2 + (k == 0),
                                           digital=4 - 2 * (k == 5)))
        for k in range(8))
    brukere = []
    for i in range(240):
        need = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=4 if i % 3 else 3,
                                 digital=2)
        brukere.append(Bruker(id=f"b-{i}", innsatsgruppe="SITUASJONSBESTEMT_INNSATS",
                              needs=need, veileder=veiledere[i % 8].ident))
    return Office(enhet="0001", name="NAV Forvaltning", veiledere=veiledere,
                  brukere=tuple(brukere))


@pytest.fixture(scope="module")
def short_office() -> Office:
    return _forvaltning_short()


@pytest.fixture(scope="module")
def analysis(short_office) -> GapAnalysis:
    return gap_analysis(short_office, time_limit=None)


def test_forvaltning_short_office_names_forvaltning_everywhere(analysis):
    assert analysis.scarcest == "forvaltning"
    assert analysis["forvaltning"].share > 0.9
    assert analysis.development, "a development step must be proposed"
    top = analysis.development[0]
    assert (top.dimension, top.to_level) == ("forvaltning", top.from_level + 1)
    assert top.rank == 1 and top.gain > 0
    hire = analysis.recruiting[0]
    assert hire.profile["forvaltning"] == max(hire.profile.values()) >= 4
    assert "forvaltning" in analysis.message
    # the digital baseline: the one veileder at digital 2 is a training need on its own
    assert [(n.ident, n.level) for n in analysis.training] == [("A000005", 2)]


def test_every_reported_value_equals_an_independent_re_solve(short_office, analysis):
    base = allocate_portfolios(short_office)
    base_gap = base.bound - base.objective
    assert analysis.proposals
    for p in analysis.proposals:
        if p.kind == "development":
            veiledere = tuple(
                v.replace(profile=v.effective_profile.replace(
                    **{p.dimension: p.to_level})) if v.ident == p.ident else v
                for v in short_office.veiledere)
        elif p.kind == "part_time":
            veiledere = tuple(v.replace(stillingsprosent=100) if v.ident == p.ident else v
                              for v in short_office.veiledere)
        else:
            hire = Veileder(ident="Q123456", avdeling=p.avdeling,
                            profile=CompetenceProfile(**p.profile))
            veiledere = (*short_office.veiledere, hire)
        again = allocate_portfolios(short_office.replace(veiledere=veiledere))
        gap = again.bound - again.objective
        assert abs((again.objective - base.objective) - p.gain) <= gap + base_gap + 1e-9, p
        assert p.gain_low - 1e-9 <= again.objective - base.objective <= p.gain_high + 1e-9
        assert p.gain_low <= p.gain <= p.gain_high


def _re_solve_cases(office: Office) -> list[tuple[str, Office, dict]]:
    """Offices and allocation options a re-solve meets: plain, a pair, pins and a moves
    budget, mentors' reserved time, the hard rules, an overloaded office placed anyway or
    refused, and pins no distribution can keep."""
    a, b = office.idents[:2]
    kept = set(office.idents[:2])
    crowded = office.replace(  # 240 brukere on 2 veiledere (the others' brukere ufordelt)
        veiledere=office.veiledere[:2],
        brukere=tuple(x if x.veileder in kept else x.model_copy(update={"veileder": None})
                      for x in office.brukere))
    return [
        ("plain", office, {}),
        ("a pair", office, {"pairs": [(a, b)]}),
        ("pins and moves", office, {"pinned": {"b-0": b, "b-1": a}, "max_moves": 12}),
        ("reserved", office, {"reserved": {a: 20.0}, "kommunal_only": True,
                              "hard_specialty": True}),
        ("overflow", crowded, {"allow_overflow": True}),
        ("overloaded, refused", crowded, {}),
        ("pins over capacity", office,
         {"pinned": {f"b-{i}": a for i in range(200)}, "max_moves": 0}),
    ]


def test_a_re_solve_proves_what_allocate_portfolios_proves(short_office):
    """The gap analysis' lean re-solve (the allocation's own steps without writing its
    records) states the same status, objective, bound and per-bruker fit and shortfall as
    allocate_portfolios, case by case — including the ones without a distribution."""
    from navkompetanse.analysis.gaps import _resolve
    from navkompetanse.policy import Policy

    seen = set()
    for name, office, options in _re_solve_cases(short_office):
        options = dict(options)
        pairs = options.pop("pairs", [])
        full = allocate_portfolios(office, pairs=pairs, time_limit=20.0, **options)
        lean = _resolve(office, pairs=pairs, policy=Policy(), time_limit=20.0, **options)
        seen.add(full.ok)
        assert lean.status == full.status, name
        if not full.ok:
            assert np.isnan(lean.objective) and lean.lost == lean.shortfall == {}, name
            continue
        assert lean.objective == full.objective and lean.bound == full.bound, name
        assert lean.lost == {bid: 1.0 - p.fit for bid, p in full.placements.items()}, name
        assert lean.shortfall == {bid: p.total_shortfall
                                  for bid, p in full.placements.items()}, name
    assert seen == {True, False}  # both kinds of case were met


def test_shortfall_adds_up_to_the_fit_lost(short_office, analysis):
    base = allocate_portfolios(short_office)
    lost = sum(1.0 - p.fit for p in base.placements.values())
    assert analysis.total_shortfall == pytest.approx(lost)
    assert sum(d.shortfall for d in analysis.dimensions) == pytest.approx(lost)
    by_group = [g for g in analysis.groups if g.kind == "innsatsgruppe"]
    assert sum(g.shortfall for g in by_group) == pytest.approx(lost)
    assert sum(g.brukere for g in by_group) == short_office.n_brukere
    by_avdeling = [g for g in analysis.groups if g.kind == "avdeling"]
    assert {g.group: g.people for g in by_avdeling} == {"Nord": 4, "Sør": 4}
    assert sum(g.shortfall for g in by_avdeling) == pytest.approx(lost)


def test_demand_and_supply_are_weighted_means(short_office, analysis):
    d = analysis["forvaltning"]
    assert d.supply == pytest.approx((2 * 680 + 3 * 100) / 780)  # capacity-weighted
    assert d.demand == pytest.approx((4 * 160 + 3 * 80) / 240)  # equal workloads
    assert d.demand_high == pytest.approx(160 / 240) and d.supply_high == 0


def test_shareable_output_names_nobody(analysis):
    shared = analysis.to_dict(shareable=True)
    text = json.dumps(shared, ensure_ascii=False, allow_nan=False)
    assert "A00000" not in text and "Veileder " not in text
    assert shared["hidden"]["personal"] == ["development", "part_time", "underused", "training"]
    assert all(g["people"] >= 5 for g in shared["groups"] if g["kind"] == "avdeling")
    assert shared["hidden"]["groups"] == 2  # Nord and Sør have 4 veiledere each
    full = analysis.to_dict()
    json.dumps(full, allow_nan=False)
    assert full["development"][0]["ident"] == analysis.development[0].ident


def test_contract_texts_and_frames(analysis):
    pytest.importorskip("pandas")
    assert analysis.status == "feasible" and analysis.ok
    assert len(repr(analysis)) < 200 and "<table>" in analysis._repr_html_()
    top = analysis.development[0]
    nb, en = analysis.explain(top.ident), analysis.explain(top.ident, lang="en")
    assert f"{analysis.names[top.ident]} ({top.ident})" in nb  # names where the office has them
    assert "forvaltning" in nb and "regulations" in en and "forvaltning" not in en
    for code in ("development", "recruit", "part_time", "shortfall", "TRENGER"):
        assert code not in analysis.explain()
    frame = analysis.to_frame()
    assert list(frame["kind"])[:len(analysis.development)] == ["development"] * len(
        analysis.development)
    assert {"ident", "name", "gain", "gain_low", "gain_high", "text"} <= set(frame.columns)
    assert len(analysis.dimensions_frame()) == 4
    assert {"kind", "group", "shortfall_forvaltning"} <= set(analysis.groups_frame().columns)
    with pytest.raises(KeyError, match="neither"):
        analysis.explain("Z999999")
    with pytest.raises(ValueError, match="lang"):
        analysis.explain(lang="EN")


def test_example_office_analysis_and_a_plans_options():
    office = load_example_office()
    result = gap_analysis(office, time_limit=None, top=2)
    assert result.status == "feasible"
    assert len(result.development) == 2 and len(result.recruiting) == 2
    assert all(p.gain > 0 for p in result.development)
    assert [p.rank for p in result.development] == [1, 2]
    assert result.development[0].gain >= result.development[1].gain
    # with pairs: the baseline uses them and every re-solve keeps them
    pairs = [("Z988308", "Z777042")]
    with_pairs = gap_analysis(office, pairs=pairs, verify=False)
    assert with_pairs.development == () and with_pairs.scarcest is not None


def test_time_limit_keeps_only_verified_proposals(short_office):
    quick = gap_analysis(short_office, allocation=allocate_portfolios(short_office),
                         time_limit=0.01)
    assert quick.status == "time_limit"
    assert quick.proposals == ()
    assert "Tiden gikk ut" in quick.message


def test_no_allocation_is_reported_not_raised():
    office = Office(enhet="0002", name="Tomt", veiledere=(),
                    brukere=(Bruker(id="b-1", innsatsgruppe="STANDARD_INNSATS"),))
    result = gap_analysis(office)
    assert result.status == "infeasible" and not result.ok
    assert result.proposals == () and np.isnan(result.total_shortfall)
    json.dumps(result.to_dict(), allow_nan=False)


def test_bad_arguments_are_refused(short_office):
    with pytest.raises(ValueError, match="top"):
        gap_analysis(short_office, top=-1)
    with pytest.raises(ValueError, match="time_limit"):
        gap_analysis(short_office, time_limit=0)
    with pytest.raises(ValueError, match="lang"):
        gap_analysis(short_office, lang="no")


def test_a_small_hidden_avdeling_hides_the_smallest_shown_one_too():
    from navkompetanse.analysis.gaps import GroupShortfall, _shareable_groups

    def group(kind, name, brukere, people=0):
        return GroupShortfall(kind, name, brukere, 0, 1.0, {}, people)

    groups = [group("avdeling", "Nord", 300, 7), group("avdeling", "Sør", 200, 6),
              group("avdeling", "Vest", 90, 3),
              group("innsatsgruppe", "STANDARD_INNSATS", 400), group("innsatsgruppe", "X", 2),
              group("innsatsgruppe", "Y", 188)]
    shown = {(g.kind, g.group) for g in _shareable_groups(groups)}
    # Vest (3) is too small; total less Nord would give it away, so Sør goes too
    assert shown == {("avdeling", "Nord"), ("innsatsgruppe", "STANDARD_INNSATS")}
