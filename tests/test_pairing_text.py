"""The pairing's sentences name each person once, whether the office has names (``Kari
(A000001)``) or only idents, in Norwegian and in English: an office without names read
"A000001 tar det meste av brukermøtene — det A000001 liker å jobbe med"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from navkompetanse.models import Bruker, CompetenceProfile, Office, Veileder
from navkompetanse.pairing import pair_veiledere
from navkompetanse.text.pairing import REASONS, dissolved_text, explain_single

TODAY = dt.date(2026, 12, 8)
KARI, OLA, PER = "A000001", "B000002", "C000003"
IDENTS = (KARI, OLA, PER)
NAMES = {KARI: "Kari Nordmann", OLA: "Ola", PER: "Per"}


def profile(rel, stru, forv, dig):
    return CompetenceProfile(relasjonell=rel, struktur=stru, forvaltning=forv, digital=dig)


def office_of(veiledere, named: bool, **update) -> Office:
    vs = [v.model_copy(update={"name": NAMES[v.ident] if named else None}) for v in veiledere]
    brukere = ([Bruker(id=f"h{i}", innsatsgruppe="SPESIELT_TILPASSET_INNSATS",
                       needs=profile(5, 3, 5, 2)) for i in range(20)]
               + [Bruker(id=f"o{i}", innsatsgruppe="STANDARD_INNSATS") for i in range(60)])
    return Office(enhet="0315", name="NAV Prøve", veiledere=vs, brukere=brukere, **update)


def liking_office(named: bool) -> Office:
    """Kari and Ola are equal in relational work and Kari likes it, so she leads it; Ola
    likes nothing in particular."""
    return office_of([
        Veileder(ident=KARI, profile=profile(4, 3, 3, 3), preferences={"relasjonell": "energi"}),
        Veileder(ident=OLA, profile=profile(4, 3, 3, 4)),
    ], named)


def trio(named: bool, **update) -> Office:
    """Kari (relational) and Ola (casework) complement each other; Per is a generalist."""
    return office_of([
        Veileder(ident=KARI, profile=profile(5, 3, 1, 2), preferences={"relasjonell": "energi"}),
        Veileder(ident=OLA, profile=profile(2, 3, 5, 5), preferences={"struktur": "tapper"}),
        Veileder(ident=PER, profile=profile(3, 3, 3, 3)),
    ], named, **update)


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.)\s+", text)


def assert_each_named_once(text: str) -> None:
    for sentence in sentences(text):
        for ident in IDENTS:
            assert sentence.count(ident) <= 1, sentence


# ---- the division of labour ----------------------------------------------------------------
@pytest.mark.parametrize(("named", "lang", "expected"), [
    (True, "nb", "Kari Nordmann (A000001) tar det meste av brukermøtene og liker å jobbe med "
                 "det."),
    (True, "en", "Kari Nordmann (A000001) takes most of the meetings with brukere and enjoys "
                 "it."),
    (False, "nb", "A000001 tar det meste av brukermøtene og liker å jobbe med det."),
    (False, "en", "A000001 takes most of the meetings with brukere and enjoys it."),
])
def test_who_leads_the_work_she_likes_is_named_once(named, lang, expected):
    result = pair_veiledere(liking_office(named), required=[(KARI, OLA)], today=TODAY)
    text = result.explain(result.pairs[0], lang=lang)
    assert expected in text
    assert_each_named_once(text)


# ---- why a veileder works alone ------------------------------------------------------------
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("names", [NAMES, {}], ids=["names", "idents"])
@pytest.mark.parametrize("reason", REASONS)
def test_why_one_works_alone_names_her_once(reason, names, lang):
    estimate = {"partner": OLA, "estimated_gain": 0.25}
    text = explain_single(KARI, reason, lang, names, overhead=0.1, estimate=estimate)
    assert text.startswith("Kari Nordmann (A000001) " if names else "A000001 ")
    assert text.count(KARI) == 1, text
    assert_each_named_once(text)


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "A000001 jobber alene: de beste partnerne gjør mer nytte i andre par."),
    ("en", "A000001 works alone: the best partners do more good in other pairs."),
])
def test_left_over_reads_without_names(lang, expected):
    assert explain_single(KARI, "left_over", lang, {}, overhead=0.1) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "A000001 jobber alene: ikke noe par med en av kollegene ville dekket nok mer av "
           "brukernes behov til at det lønner seg."),
    ("en", "A000001 works alone: no pair with one of the colleagues would cover enough more "
           "of the brukere's needs to pay off."),
])
def test_no_gain_says_that_no_pair_pays_off(lang, expected):
    """Every possible partner, not some: 'et par med noen av kollegene ville ikke …' read as
    'a pair with some of the colleagues would not …' (noen before the negation is 'some')."""
    assert explain_single(KARI, "no_gain", lang, {}, overhead=0.1) == expected


# ---- a pair of today dissolved by a pinned pair --------------------------------------------
@pytest.mark.parametrize(("names", "lang", "expected"), [
    (NAMES, "nb", "Leder har låst Ola (B000002) i et annet par, så paret med Per (C000003) "
                  "fra i dag er oppløst."),
    (NAMES, "en", "The leader pinned Ola (B000002) in another pair, so today's pair with Per "
                  "(C000003) is dissolved."),
    ({}, "nb", "Leder har låst B000002 i et annet par, så paret med C000003 fra i dag er "
               "oppløst."),
    ({}, "en", "The leader pinned B000002 in another pair, so today's pair with C000003 is "
               "dissolved."),
])
def test_a_dissolved_pair_names_each_member_once(names, lang, expected):
    assert dissolved_text((OLA, PER), OLA, lang, names) == expected
    assert dissolved_text((PER, OLA), OLA, lang, names) == expected  # either order


# ---- every explanation of a proposal -------------------------------------------------------
@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("named", [True, False], ids=["names", "idents"])
def test_no_sentence_names_a_person_twice(named, lang):
    """Every pair's and every single's explanation, and the message, of a proposal where Ola
    is pinned with Kari and so leaves today's pair with Per."""
    result = pair_veiledere(trio(named, pairs=((OLA, PER),)), required=[(KARI, OLA)],
                            today=TODAY, lang=lang)
    assert result.dissolved == ((OLA, PER),)
    texts = [result.message, result.explain(PER), *(result.explain(p) for p in result.pairs)]
    assert any("oppløst" in t or "dissolved" in t for t in texts)
    for text in texts:
        assert_each_named_once(text)
    if not named:
        assert not any(name in text for text in texts for name in NAMES.values())
