"""Validation rules of the domain model, one test per rule."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from navkompetanse import (
    Assessment,
    Bruker,
    CompetenceProfile,
    Dimension,
    Innsatsgruppe,
    Office,
    Veileder,
)
from navkompetanse.models import office_problems

P3 = {"relasjonell": 3, "struktur": 3, "forvaltning": 3, "digital": 3}


def veileder(ident: str = "Z100001", **kw) -> dict:
    return {"ident": ident, "profile": P3, **kw}


def office(**kw) -> dict:
    data = {
        "enhet": "0315",
        "name": "NAV Test",
        "veiledere": [veileder("Z100001"), veileder("Z100002"), veileder("Z100003")],
        "brukere": [{"id": "b-1", "veileder": "Z100001"}, {"id": "b-2"}],
    }
    data.update(kw)
    return data


def messages(exc: ValidationError) -> str:
    return " | ".join(f"{e['loc']} {e['msg']}" for e in exc.errors())


def test_good_office_validates():
    o = Office.model_validate(office())
    assert o.n_veiledere == 3 and o.n_brukere == 2
    assert o.summary()["ufordelte"] == 1


@pytest.mark.parametrize("ident", ["z100001", "Z10001", "Z1000011", "ZZ00001", "100001", ""])
def test_ident_format(ident):
    with pytest.raises(ValidationError, match="one capital letter and six digits"):
        Veileder.model_validate(veileder(ident))


@pytest.mark.parametrize("enhet", ["315", "03150", "A315", ""])
def test_enhet_format(enhet):
    with pytest.raises(ValidationError, match="4-digit"):
        Office.model_validate(office(enhet=enhet))


@pytest.mark.parametrize("level", [0, 6, -1])
def test_levels_are_1_to_5(level):
    with pytest.raises(ValidationError) as err:
        CompetenceProfile(**{**P3, "digital": level})
    assert err.value.errors()[0]["loc"] == ("digital",)


def test_duplicate_veileder_ident():
    data = office(veiledere=[veileder("Z100001"), veileder("Z100001")])
    with pytest.raises(ValidationError, match=r"veiledere\[1\] \[ident\]: duplicate ident"):
        Office.model_validate(data)


def test_duplicate_bruker_id():
    data = office(brukere=[{"id": "b-1"}, {"id": "b-1"}])
    with pytest.raises(ValidationError, match=r"brukere\[1\] \[id\]: duplicate id"):
        Office.model_validate(data)


def test_bruker_names_unknown_veileder():
    data = office(brukere=[{"id": "b-1", "veileder": "Z999999"}])
    with pytest.raises(ValidationError, match=r"brukere\[0\] \[veileder\].*not in the office"):
        Office.model_validate(data)


def test_learning_relation_names_unknown_veileder():
    data = office(learning_relations=[{"mentor": "Z100001", "learner": "Z999999"}])
    with pytest.raises(ValidationError, match=r"learning_relations\[0\] \[learner\]"):
        Office.model_validate(data)


def test_pair_names_unknown_veileder():
    with pytest.raises(ValidationError, match=r"pairs\[0\].*not in the office"):
        Office.model_validate(office(pairs=[["Z100001", "Z999999"]]))


def test_veileder_in_two_pairs():
    data = office(pairs=[["Z100001", "Z100002"], ["Z100003", "Z100001"]])
    with pytest.raises(ValidationError, match=r"pairs\[1\].*already in pairs\[0\]"):
        Office.model_validate(data)


def test_non_pairable_veileder_in_pair():
    data = office(
        veiledere=[veileder("Z100001", pairable=False), veileder("Z100002")],
        brukere=[],
        pairs=[["Z100001", "Z100002"]],
    )
    with pytest.raises(ValidationError, match="pairable=false"):
        Office.model_validate(data)


def test_all_cross_reference_problems_reported_at_once():
    data = office(
        veiledere=[veileder("Z100001"), veileder("Z100001")],
        brukere=[{"id": "b-1", "veileder": "Z999999"}, {"id": "b-1"}],
        pairs=[["Z100001", "Z888888"]],
    )
    locations = {(p.location, p.field) for p in office_problems(data)}
    assert locations == {
        ("veiledere[1]", "ident"),
        ("brukere[0]", "veileder"),
        ("brukere[1]", "id"),
        ("pairs[0]", "pairs"),
    }


def test_unknown_field_is_refused():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Bruker.model_validate({"id": "b-1", "fodselsdato": "1990-01-01"})


def test_models_are_frozen():
    b = Bruker(id="b-1")
    with pytest.raises(ValidationError):
        b.tung_sak = True  # type: ignore[misc]
    assert b.model_copy(update={"tung_sak": True}).tung_sak


def test_arena_codes_map_to_innsatsgruppe():
    assert Bruker(id="b-1", innsatsgruppe="BATT").innsatsgruppe is (
        Innsatsgruppe.SPESIELT_TILPASSET_INNSATS
    )
    assert Bruker(id="b-1", innsatsgruppe="IKVAL").innsatsgruppe is Innsatsgruppe.STANDARD_INNSATS


def test_veileder_needs_profile_or_assessment():
    with pytest.raises(ValidationError, match="needs a profile or at least one assessment"):
        Veileder(ident="Z100001")


def test_effective_profile_rule():
    def at(day: int, source: str, level: int) -> Assessment:
        return Assessment(
            date=dt.date(2026, 1, day), source=source,
            profile=CompetenceProfile(relasjonell=level, struktur=level, forvaltning=level,
                                      digital=level),
        )

    # Latest per source: self 5 (day 3, the day-1 self 1 is superseded), leader 2.
    v = Veileder(ident="Z100001",
                 assessments=[at(3, "self", 5), at(1, "self", 1), at(2, "leader", 2)])
    # (5*1 + 2*2) / 3 = 3.0
    assert v.effective_profile[Dimension.relasjonell] == 3
    # Half rounds up: self 4, leader 3, peer 3 -> (4 + 6 + 3) / 4 = 3.25 -> 3; self 5 -> 3.5 -> 4
    v = Veileder(ident="Z100001",
                 assessments=[at(1, "self", 5), at(1, "leader", 3), at(1, "peer", 3)])
    assert v.effective_profile[Dimension.digital] == 4
    # An explicit profile wins over assessments.
    v = Veileder(ident="Z100001", profile=P3, assessments=[at(1, "leader", 5)])
    assert v.effective_profile == CompetenceProfile(**P3)


def test_other_competences_named_and_sorted():
    p = CompetenceProfile(**P3, other={"utdanning": 2, "arbeidsmarked": 4})
    assert list(p.other) == ["arbeidsmarked", "utdanning"]
    with pytest.raises(ValidationError, match="one of the four dimensions"):
        CompetenceProfile(**P3, other={"digital": 2})


def test_lists_are_deduplicated_strictly():
    with pytest.raises(ValidationError, match="listed more than once"):
        Bruker(id="b-1", malgrupper=["ung", "ung"])


def test_learning_relation_needs_two_people():
    data = office(learning_relations=[{"mentor": "Z100001", "learner": "Z100001"}])
    with pytest.raises(ValidationError, match="two different veiledere"):
        Office.model_validate(data)


def test_pair_of_one_veileder_twice():
    with pytest.raises(ValidationError, match=r"pairs\[0\].*two different veiledere"):
        Office.model_validate(office(pairs=[["Z100001", "Z100001"]]))
    problems = office_problems({"pairs": [["Z100001"]]})  # plain data may hold any length
    assert [(p.location, p.message) for p in problems] == [
        ("pairs[0]", "a pair is two different veiledere")]


@pytest.mark.parametrize("bruker_id", ["", "-b1", "b 1", "b/1", "ø-1", "b" * 65])
def test_bruker_id_format(bruker_id):
    with pytest.raises(ValidationError, match="an id is 1-64 characters"):
        Bruker(id=bruker_id)


def test_bruker_veileder_is_an_ident():
    with pytest.raises(ValidationError, match="one capital letter and six digits"):
        Bruker(id="b-1", veileder="z100001")


@pytest.mark.parametrize(("field", "value"), [
    ("stillingsprosent", 0), ("stillingsprosent", 101), ("max_tunge_saker", -1),
    ("ansettelse", "privat"), ("spesialfelt", ["ung", "ung"]), ("spesialfelt", ["barn"]),
])
def test_veileder_field_rules(field, value):
    with pytest.raises(ValidationError) as err:
        Veileder.model_validate(veileder(**{field: value}))
    assert err.value.errors()[0]["loc"][0] == field


def test_other_competence_name_format():
    with pytest.raises(ValidationError, match="lower-case ascii"):
        CompetenceProfile(**P3, other={"Arbeidsmarked": 3})


def test_assessment_source():
    with pytest.raises(ValidationError):
        Assessment(date=dt.date(2026, 1, 1), source="kollega", profile=P3)


def test_model_copy_does_not_carry_stale_cached_views():
    o = Office.model_validate(office())
    assert o.idents == ("Z100001", "Z100002", "Z100003") and len(o.bruker_by_id) == 2
    flipped = o.model_copy(update={"veiledere": o.veiledere[::-1], "brukere": o.brukere[:1]})
    assert flipped.idents == ("Z100003", "Z100002", "Z100001")
    assert list(flipped.veileder_by_ident) == ["Z100003", "Z100002", "Z100001"]
    assert list(flipped.bruker_by_id) == ["b-1"]
    assert o.idents == ("Z100001", "Z100002", "Z100003")  # the original keeps its own
    v = Veileder.model_validate(veileder())
    assert v.effective_profile.digital == 3
    raised = v.model_copy(update={"profile": CompetenceProfile(**{**P3, "digital": 5})})
    assert raised.effective_profile.digital == 5


def test_model_copy_and_replace_validate_again():
    # pydantic's model_copy(update=...) skipped validation: it accepted a pair naming a
    # veileder who is not in the office
    o = Office.model_validate(office())
    ghost = (("Z100001", "Z999999"),)
    for change in (lambda: o.model_copy(update={"pairs": ghost}), lambda: o.replace(pairs=ghost)):
        with pytest.raises(ValidationError) as err:
            change()
        assert "Z999999" in messages(err.value) and "pairs" in messages(err.value)
    with pytest.raises(ValidationError, match="extra"):
        o.replace(no_such_field=1)
    with pytest.raises(ValidationError, match="extra"):
        o.model_copy(update={"no_such_field": 1})
    paired = o.replace(pairs=(("Z100001", "Z100002"),), brukere=o.brukere[:1])
    assert paired.pairs == (("Z100001", "Z100002"),) and list(paired.bruker_by_id) == ["b-1"]
    assert paired.veiledere == o.veiledere and o.pairs == ()  # the original is untouched
    assert o.model_copy() == o


def test_model_copy_of_a_veileder_or_bruker_validates():
    v = Veileder.model_validate(veileder())
    with pytest.raises(ValidationError, match="stillingsprosent"):
        v.model_copy(update={"stillingsprosent": 150})
    with pytest.raises(ValidationError, match="one capital letter"):
        v.model_copy(update={"ident": "z1"})
    assert v.model_copy(update={"stillingsprosent": 50}).position == 0.5
    b = Bruker(id="b-1")
    with pytest.raises(ValidationError, match="national identity number"):
        b.model_copy(update={"id": "b-15838550026"})
    assert b.model_copy(update={"innsatsgruppe": "BATT"}).innsatsgruppe == (
        Innsatsgruppe.SPESIELT_TILPASSET_INNSATS)


def test_views_and_tables_inside_models_cannot_be_changed():
    o = Office.model_validate(office())
    p = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3,
                          other={"arbeidsmarked": 4})
    for mapping in (o.veileder_by_ident, o.bruker_by_id, p.other):
        with pytest.raises(TypeError):
            mapping["x"] = 1  # type: ignore[index]
    assert p.other == {"arbeidsmarked": 4} and hash(p) == hash(p.model_copy())
    # a changed copy recomputes its views instead of keeping the old ones
    assert o.replace(veiledere=o.veiledere[:2], brukere=o.brukere[1:]).idents == (
        "Z100001", "Z100002")


def test_reprs_are_one_short_line():
    from navkompetanse import load_example_office

    o = load_example_office()
    text = repr(o)
    assert len(text) < 200 and "\n" not in text and str(o) == text
    assert text == (f"Office(enhet={o.enhet!r}, name={o.name!r}, {o.n_veiledere} veiledere, "
                    f"{o.n_brukere} brukere, {len(o.pairs)} pairs)")
    assert max(len(repr(v)) for v in o.veiledere) < 200
    assert max(len(repr(b)) for b in o.brukere) < 200
    long = Office.model_validate(office(name="NAV " + "Lang" * 100))
    assert len(repr(long)) < 200


def test_office_html_is_a_small_summary_table():
    from navkompetanse import load_example_office

    o = load_example_office()
    html = o._repr_html_()
    assert len(html) < 2000 and html.count("<tr>") < 12
    row = "<th style='text-align:left'>Brukere</th><td style='text-align:right'>1 800<"
    assert o.n_brukere == 1800 and row in html  # Norwegian thousands, as every table writes them
    assert "24,4" in html  # årsverk with a decimal comma
    assert o.name in html and o.enhet in html
    assert "<script" not in Office.model_validate(office(name="<script>x</script>"))._repr_html_()


def test_the_pair_rule_says_the_same_everywhere():
    """A pair is two different pairable veiledere: the office file, pair_veiledere and
    allocate_portfolios refuse the same pair with the same words (models.pair_faults)."""
    from navkompetanse import (
        Bruker,
        CompetenceProfile,
        InvalidInputError,
        Veileder,
        allocate_portfolios,
        pair_veiledere,
    )

    level3 = CompetenceProfile(relasjonell=3, struktur=3, forvaltning=3, digital=3)
    veiledere = (Veileder(ident="Z100001", profile=level3),
                 Veileder(ident="Z100002", profile=level3, pairable=False))
    base = Office(enhet="0315", name="NAV Par", veiledere=veiledere,
                  brukere=(Bruker(id="b-1"),))
    bad = ("Z100001", "Z100002")
    messages = []
    with pytest.raises(ValueError) as err:  # pydantic's ValidationError, from the model itself
        base.replace(pairs=(bad,))
    messages.append(str(err.value))
    with pytest.raises(InvalidInputError) as err:
        pair_veiledere(base, required=[bad])
    messages.append(str(err.value))
    with pytest.raises(InvalidInputError) as err:
        allocate_portfolios(base, pairs=[bad])
    messages.append(str(err.value))
    for text in messages:
        assert "veileder has pairable=false" in text and "Z100002" in text
    for call in (lambda: pair_veiledere(base, required=[("Z100001", "Z100001")]),
                 lambda: allocate_portfolios(base, pairs=[("Z100001", "Z100001")])):
        with pytest.raises(InvalidInputError, match="a pair is two different veiledere"):
            call()
