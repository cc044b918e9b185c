"""Plain-language texts for allocation results, Norwegian bokmål (default) and English.

Private helper of :mod:`navkompetanse.allocation`. Texts name ids only, never personal data.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import fmt

__all__ = ["explain_placement", "levels_text", "metric_labels"]

_DIM_EN = {"relasjonell": "relational", "struktur": "structure", "forvaltning": "regulations",
           "digital": "digital"}


def _join(parts: list[str], lang: str) -> str:
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    word = " og " if lang != "en" else " and "
    return ", ".join(parts[:-1]) + word + parts[-1]


def _dim(name: str, lang: str) -> str:
    return _DIM_EN.get(name, name) if lang == "en" else name


def levels_text(levels: Mapping[str, int], lang: str = "nb") -> str:
    """``relasjonell 4, struktur 3, forvaltning 3 og digital 2``."""
    return _join([f"{_dim(d, lang)} {v}" for d, v in levels.items()], lang)


def _lack_text(shortfall: Mapping[str, int], lang: str) -> str:
    parts = []
    for d, v in shortfall.items():
        if v > 0:
            if lang == "en":
                parts.append(f"{v} level{'s' if v != 1 else ''} in {_dim(d, lang)}")
            else:
                parts.append(f"{v} nivå{'er' if v != 1 else ''} i {d}")
    return _join(parts, lang)


def explain_placement(p, lang: str = "nb") -> str:
    """Explain one bruker's placement (a ``Placement``) in a few short sentences."""
    en = lang == "en"
    if p.unit is None:
        return (f"Bruker {p.bruker_id} has no unit: {p.reason_text}" if en
                else f"Bruker {p.bruker_id} har ingen enhet: {p.reason_text}")
    lines = []
    lines.append(f"Bruker {p.bruker_id} needs {levels_text(p.need, lang)}." if en
                 else f"Bruker {p.bruker_id} trenger {levels_text(p.need, lang)}.")
    lack = _lack_text(p.shortfall, lang)
    covers = levels_text(p.cover, lang)
    if en:
        tail = f" — short by {lack}." if lack else " — everything she needs."
        lines.append(f"{p.unit} covers {covers}{tail}")
    else:
        tail = f" — mangler {lack}." if lack else " — alt brukeren trenger."
        lines.append(f"{p.unit} dekker {covers}{tail}")
    if p.current_unit is not None and p.current_unit != p.unit:
        cur_lack = _lack_text(p.current_shortfall, lang)
        if en:
            lines.append(f"The current unit {p.current_unit} lacked {cur_lack}." if cur_lack
                         else f"The current unit {p.current_unit} lacked nothing.")
        else:
            lines.append(f"Dagens enhet {p.current_unit} manglet {cur_lack}." if cur_lack
                         else f"Dagens enhet {p.current_unit} manglet ingenting.")
    lines.append(_reason_sentence(p, en))
    return " ".join(lines)


def _reason_sentence(p, en: bool) -> str:
    r = p.reason
    if r == "pinned":
        return ("A leader pinned her to this unit." if en
                else "En leder har låst brukeren til denne enheten.")
    if r == "ufordelt":
        return ("She had no veileder and is placed where she fits best with room." if en
                else "Brukeren var ufordelt og får enheten som passer best og har plass.")
    if r == "stayed":
        if p.current_unit is None:
            return "" if en else ""
        return ("She stays: continuity matters, and no move would help her enough." if en
                else "Brukeren blir: det er verdifullt å beholde veilederen, og et bytte ville "
                     "ikke hjulpet nok.")
    if r == "better_fit":
        return (f"She moves because {p.unit} covers her needs better." if en
                else f"Brukeren flyttes fordi {p.unit} dekker behovet bedre.")
    if r == "specialty":
        return (f"She moves because {p.unit} has her target group as specialty." if en
                else f"Brukeren flyttes fordi {p.unit} har målgruppen hennes som spesialfelt.")
    if r == "capacity":
        return ("She moves to make room: the current unit would otherwise be over its capacity, "
                "balance or heavy-case limit, or others need it more." if en
                else "Brukeren flyttes for å gi plass: dagens enhet ville ellers fått for mye, "
                     "eller andre trenger den mer.")
    return ""


_METRICS = {
    "mean_shortfall": ("Gjennomsnittlig mangel (nivåer per bruker)",
                       "Mean shortfall (levels per bruker)"),
    "p90_shortfall": ("Mangel, 90. persentil", "Shortfall, 90th percentile"),
    "unmet_high_need": ("Brukere med udekket høyt behov", "Brukere with an unmet high need"),
    "load_spread": ("Skjevhet i belastning (høyest/lavest)", "Load spread (max/min)"),
    "load_gini": ("Gini for belastning / kapasitet", "Gini of load / capacity"),
    "heavy_per_position": ("Tunge saker per hel stilling (høyest)",
                           "Heavy cases per full position (max)"),
    "units_over_capacity": ("Enheter over kapasitet", "Units over capacity"),
    "moves": ("Brukere som bytter veileder", "Brukere who change veileder"),
    "mean_fit": ("Gjennomsnittlig treff (0–1)", "Mean fit (0–1)"),
}


def metric_labels(lang: str = "nb") -> dict[str, str]:
    """The row labels of a comparison table."""
    i = 1 if lang == "en" else 0
    return {key: pair[i] for key, pair in _METRICS.items()}


def number(value: float, lang: str = "nb") -> str:
    """A table cell: integers plain, other values with two decimals."""
    if value != value:  # nan
        return "–"
    if value == float("inf"):
        return "∞"
    if abs(value - round(value)) < 1e-9:
        return fmt(value, lang)
    return fmt(value, lang, decimals=2)
