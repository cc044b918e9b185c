"""Words and numbers for people: one number formatter, one list joiner, names, languages.

Every user-facing text in the library is built from these helpers and from the phrase tables
next to this module (``text/pairing.py``, ``text/allocation.py``, …), one table per language, so
Norwegian and English never drift apart and no developer code reaches a Norwegian reader.

Examples
--------
>>> fmt(2310.0), fmt(12.5), fmt(12.5, "en"), fmt(0.123456, decimals=3)
('2 310', '12,5', '12.5', '0,123')
>>> join(["relasjonell", "struktur", "digital"])
'relasjonell, struktur og digital'
>>> person("Z123456", {"Z123456": "Kari Nordmann"})
'Kari Nordmann (Z123456)'
>>> unit_label("Z000001+Z000002", {"Z000001": "Kari"})
'Kari (Z000001) + Z000002'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from ..privacy import mask_text

__all__ = [
    "LANGS",
    "check_lang",
    "dimension_name",
    "fmt",
    "join",
    "levels_text",
    "number",
    "percent",
    "person",
    "unit_label",
    "work_words",
]

#: The languages every explanation, message and report is available in.
LANGS = ("nb", "en")

#: English names of the four dimensions (Norwegian text uses the Norwegian words).
_DIMENSION_EN = {
    "relasjonell": "relational",
    "struktur": "structure",
    "forvaltning": "regulations",
    "digital": "digital",
}


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is ``"nb"`` or ``"en"``; otherwise raise a ValueError that says so.

    Checked at the door of every public function that writes text, so ``lang="EN"`` or
    ``lang="no"`` is an error, never a silent answer in the other language.
    """
    if isinstance(lang, str) and lang in LANGS:
        return lang
    shown = mask_text(repr(lang)) if isinstance(lang, str) else type(lang).__name__
    raise ValueError(f"lang must be 'nb' (bokmål) or 'en' (English), got {shown}")


def fmt(value: float, lang: str = "nb", decimals: int = 1) -> str:
    """A number the way a Norwegian (or English) reader writes it: ``2 310``, ``12,5``.

    Whole numbers (to within half the last decimal) lose their decimals; Norwegian uses a
    space between thousands and a decimal comma, English a comma and a point. NaN is ``–`` and
    infinity ``∞``.
    """
    value = float(value)
    if math.isnan(value):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if abs(value - round(value)) < 10 ** (-decimals) / 2:
        text = f"{round(value):,}"
    else:
        text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", " ").replace(".", ",")


def number(value: float, lang: str = "nb") -> str:
    """A table cell: whole numbers plain, other values with two decimals."""
    return fmt(value, lang, decimals=2)


def percent(share: float, lang: str = "nb", decimals: int = 1) -> str:
    """``0.125`` as ``12,5 %`` (nb) or ``12.5 %`` (en)."""
    return f"{fmt(100 * share, lang, decimals)} %"


def join(items: Iterable[str], lang: str = "nb", *, last: str | None = None) -> str:
    """``a, b og c`` (nb) or ``a, b and c`` (en); one item alone, nothing for none.

    ``last`` replaces the word before the last item (e.g. ``"samt"``), for items that hold
    an "og" of their own."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    word = f" {last} " if last else (" and " if lang == "en" else " og ")
    return ", ".join(items[:-1]) + word + items[-1]


def dimension_name(dimension: object, lang: str = "nb") -> str:
    """The dimension's name in the reader's language (``forvaltning`` / ``regulations``).

    Takes a ``Dimension`` or its value; this module imports only ``privacy``, so the
    models themselves can use it.
    """
    name = str(getattr(dimension, "value", dimension))
    return _DIMENSION_EN.get(name, name) if lang == "en" else name


#: The four kinds of work in plain words: what a leader calls the work a dimension stands for.
WORK = {
    "nb": {"relasjonell": "brukermøter og tett oppfølging",
           "struktur": "planlegging og rutiner",
           "forvaltning": "saksbehandling og vedtak",
           "digital": "digital oppfølging"},
    "en": {"relasjonell": "meetings with brukere and close follow-up",
           "struktur": "planning and routines",
           "forvaltning": "casework and decisions",
           "digital": "digital follow-up"},
}


def work_words(dimension: object, lang: str = "nb") -> str:
    """The kind of work a dimension stands for (``forvaltning`` → ``saksbehandling og vedtak``).

    >>> work_words("forvaltning"), work_words("digital", "en")
    ('saksbehandling og vedtak', 'digital follow-up')
    """
    return WORK[lang][str(getattr(dimension, "value", dimension))]


def levels_text(levels: Mapping[object, float], lang: str = "nb") -> str:
    """``relasjonell 4, struktur 3, forvaltning 3 og digital 2`` (English names in en)."""
    return join([f"{dimension_name(d, lang)} {fmt(v, lang)}" for d, v in levels.items()], lang)


def person(ident: str, names: Mapping[str, str | None] | None = None) -> str:
    """``Kari Nordmann (Z123456)`` where the office has a name, else the ident alone."""
    name = (names or {}).get(ident)
    return f"{name} ({ident})" if name else ident


def unit_label(unit: str | None, names: Mapping[str, str | None] | None = None) -> str:
    """A unit id (``"Z1"`` or ``"Z1+Z2"``) with names: ``Kari (Z1) + Ola (Z2)``."""
    if unit is None:
        return "–"
    return " + ".join(person(ident, names) for ident in unit.split("+"))
