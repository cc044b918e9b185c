"""Words of the charts (``navkompetanse.plot``), nb and en side by side.

Titles, axis labels and legends only; the numbers in them go through :func:`~navkompetanse.text.
fmt` and names through :func:`~navkompetanse.text.person`, like every other text.
"""

from __future__ import annotations

from typing import Any

from . import check_lang

__all__ = ["LEVEL_TICKS", "chart_phrase"]

_NB = {
    "profile": "Kompetanseprofil: {who}",
    "pair_profile": "Par: {a} og {b}",
    "pair_cover_only": "Parets dekning: {a} og {b}",
    "office_profile": "{office}: kompetanse og behov i snitt",
    "office": "Kontoret",
    "level": "Nivå",
    "cover": "Parets dekning",
    "leads": "Leder arbeidet",
    "both_lead": "Begge",
    "mean_level": "Veiledernes nivå (snitt av {n})",
    "mean_need": "Brukernes behov (snitt av {n})",
    "coverage": "Kompetanse per veileder (nivå 1–5)",
    "loads": "Belastning mot kapasitet – {label}",
    "load": "Belastning",
    "capacity": "Kapasitet",
    "over": "Over kapasitet",
    "points": "Arbeidspoeng",
    "shortfall": "Mangel per bruker: {a} og {b}",
    "shortfall_x": "Manglende nivåer per bruker (summert over de fire dimensjonene)",
    "shortfall_y": "Antall brukere",
    "levels_missing": "Manglende nivåer per bruker",
    "with_mean": "{label} (snitt {mean})",
    "no_distribution": "{label} (ingen fordeling)",
    "network": "Læringsnettverk",
    "network_counts": "Læringsrelasjoner: {n}, på tvers av avdelinger: {k}; veiledere uten "
                      "læringsrelasjon: {m}",
    "learning_edge": "Læringsrelasjon (pil mot den som lærer)",
    "pair_edge": "Par",
    "other_edge": "Annen relasjon",
    "no_avdeling": "Uten avdeling",
    "alone": "Uten læringsrelasjon",
}

_EN = {
    "profile": "Competence profile: {who}",
    "pair_profile": "Pair: {a} and {b}",
    "pair_cover_only": "The pair's cover: {a} and {b}",
    "office_profile": "{office}: competence and need on average",
    "office": "The office",
    "level": "Level",
    "cover": "The pair's cover",
    "leads": "Leads the work",
    "both_lead": "Both",
    "mean_level": "Veiledere's level (mean of {n})",
    "mean_need": "Brukere's need (mean of {n})",
    "coverage": "Competence per veileder (level 1–5)",
    "loads": "Load against capacity – {label}",
    "load": "Load",
    "capacity": "Capacity",
    "over": "Over capacity",
    "points": "Workload points",
    "shortfall": "Shortfall per bruker: {a} and {b}",
    "shortfall_x": "Levels missing per bruker (summed over the four dimensions)",
    "shortfall_y": "Number of brukere",
    "levels_missing": "Levels missing per bruker",
    "with_mean": "{label} (mean {mean})",
    "no_distribution": "{label} (no distribution)",
    "network": "Learning network",
    "network_counts": "Learning relations: {n}, across avdelinger: {k}; veiledere without "
                      "one: {m}",
    "learning_edge": "Learning relation (arrow towards the learner)",
    "pair_edge": "Pair",
    "other_edge": "Other relation",
    "no_avdeling": "No avdeling",
    "alone": "No learning relation",
}

_TABLES = {"nb": _NB, "en": _EN}
assert _NB.keys() == _EN.keys()  # the two languages never drift apart

#: The level axis: what 1, 3 and 5 mean (``CompetenceProfile``), per language.
LEVEL_TICKS = {
    "nb": ("1 ny i det", "2", "3 selvstendig", "4", "5 lærer bort"),
    "en": ("1 new to it", "2", "3 independent", "4", "5 can teach"),
}


def chart_phrase(key: str, lang: str = "nb", **values: Any) -> str:
    """The chart phrase ``key`` in ``lang``, filled in with ``values``.

    >>> chart_phrase("loads", "nb", label="I dag")
    'Belastning mot kapasitet – I dag'
    """
    return _TABLES[check_lang(lang)][key].format(**values)
