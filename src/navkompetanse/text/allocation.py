"""Plain-language texts for allocation results: one phrase table per language.

Private helper of :mod:`navkompetanse.allocation`. Every sentence a person reads about an
allocation (explanations, messages, the comparison table, frame columns) is built here from
the tables ``_NB`` and ``_EN``, which have the same keys, so Norwegian and English never drift
apart. Reason codes (``better_fit``, ``capacity``…) and violation kinds stay codes in the
results; only their text comes from here. Units are named with the office's names where it has
them (``Kari Nordmann (Z123456) + Ola (Z000002)``), ids otherwise. Numbers go through
:func:`navkompetanse.text.fmt` (decimal comma in Norwegian).

Examples
--------
>>> levels_text({"relasjonell": 4, "digital": 2.0})
'relasjonell 4 og digital 2'
>>> levels_text({"relasjonell": 4, "forvaltning": 2}, "en")
'relational 4 and regulations 2'
>>> reason_text("better_fit"), reason_text("better_fit", "en")
('bedre treff', 'better fit')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import (
    check_lang,
    dimension_name,
    fmt,
    join,
    levels_text,
    percent,
    person,
    unit_label,
    work_words,
)

__all__ = [
    "comparison_text",
    "continuity_text",
    "preference_labels",
    "preference_measure_text",
    "preference_text",
    "work_text",
    "explain_placement",
    "explain_unassigned",
    "fixed_message",
    "levels_text",
    "metric_labels",
    "no_plan_text",
    "overload_text",
    "overload_unit_lines",
    "phrase",
    "reason_text",
    "result_label",
    "status_message",
    "summary_labels",
    "violation_text",
]

_NB: dict[str, str] = {
    # explanations
    "needs": "Bruker {bruker} trenger {levels}.",
    "covers": "{unit} dekker {levels}",
    "covers_all": " — alt brukeren trenger.",
    "covers_lack": " — mangler {lack}.",
    "lack_one": "{n} nivå i {dim}",
    "lack_many": "{n} nivåer i {dim}",
    "current_lacked": "Dagens enhet {unit} manglet {lack}.",
    "current_lacked_nothing": "Dagens enhet {unit} manglet ingenting.",
    "no_unit": "Bruker {bruker} har ingen enhet: {reason}",
    "why_pinned": "En leder har låst brukeren til denne enheten.",
    "why_ufordelt": "Brukeren var ufordelt og får enheten som passer best og har plass.",
    "why_stayed": "Brukeren blir: det er verdifullt å beholde veilederen, og et bytte ville "
                  "ikke hjulpet nok.",
    "why_better_fit": "Brukeren flyttes fordi {unit} dekker behovet bedre.",
    "why_specialty": "Brukeren flyttes fordi {unit} har målgruppen hennes som spesialfelt.",
    "why_capacity": "Brukeren flyttes for å gi plass: dagens enhet ville ellers fått for mye, "
                    "eller andre trenger den mer.",
    # preferences (the kinds of work in plain words, never the dimension codes)
    "pref_likes": "det {who} liker å jobbe med ({work})",
    "pref_liked": "Plasseringen passer også med {list}.",
    "pref_drains": "{who} synes {work} tapper energi",
    "pref_drained": "Merk: {list}; her veide kompetanse og plass tyngre.",
    # continuity per bruker
    "stays_because": "Brukeren beholder veilederen sin: {why}, og et bytte koster mye for "
                     "henne.",
    "moves_cheap": "Et bytte koster lite for henne: {why}.",
    "cont:innsatsgruppe:SPESIELT_TILPASSET_INNSATS": "tett oppfølging",
    "cont:innsatsgruppe:GRADERT_VARIG_TILPASSET_INNSATS": "varig tilpasset innsats",
    "cont:innsatsgruppe:VARIG_TILPASSET_INNSATS": "varig tilpasset innsats",
    "cont:innsatsgruppe:SITUASJONSBESTEMT_INNSATS": "situasjonsbestemt innsats",
    "cont:innsatsgruppe:STANDARD_INNSATS": "standard innsats",
    "cont:innsatsgruppe": "innsatsgruppen hennes",
    "cont:malgruppe:ung": "hun er ung",
    "cont:malgruppe": "målgruppen hennes",
    "cont:tung_sak": "en tung sak med en historie en ny veileder må sette seg inn i",
    "cont:explicit_high": "kontoret har satt kontinuitet høyt for henne",
    "cont:explicit_low": "kontoret har satt kontinuitet lavt for henne",
    "cont:default": "ingen særlig grunn",
    # short reasons (frame column reason_text)
    "reason_stayed": "blir hos veilederen",
    "reason_pinned": "låst av leder",
    "reason_ufordelt": "var ufordelt",
    "reason_better_fit": "bedre treff",
    "reason_specialty": "spesialfelt",
    "reason_capacity": "flyttet for å gi plass",
    "reason_unassigned": "ingen enhet",
    # result labels
    "label_proposal": "Forslag",
    "label_status_quo": "I dag",
    "label_naive": "Jevn fordeling",
    # status messages
    "status_optimal": "Beste mulige fordeling (bevist).",
    "status_feasible": "God fordeling; høyst {gap} fra den beste mulige.",
    "status_time_limit": "Tidsgrensen ble nådd; fordelingen er høyst {gap} fra den beste mulige.",
    "moves_gain": " {n} brukere bytter veileder (gevinst {gain} per bytte).",
    "moves": " {n} brukere bytter veileder.",
    "moves_needed": " {n} brukere bytter veileder; byttene trengs for at grensene skal holde "
                    "(dagens fordeling bryter dem), ikke for bedre dekning.",
    "heavy_over": "{unit} får {load} poeng mot kapasiteten {cap}, {over} poeng over: de tunge "
                  "sakene kan bare gå dit grensene for tunge saker gir plass.",
    "packing_over": "{unit} får {load} poeng mot kapasiteten {cap}, {over} poeng over: "
                    "brukere kan ikke deles, så de går ikke opp innenfor kapasitetene.",
    "no_plan_time_limit": "Fant ingen fordeling innen tidsgrensen — gi beregningen mer tid.",
    "no_plan_infeasible": "Ingen fordeling mulig.",
    "no_veiledere": "{label}: {n} brukere og ingen veiledere å fordele dem på.",
    "fixed": "{label}: {n} brukere på {m} enheter.",
    "fixed_broken": " Brudd på {k} grenser: {list}.",
    "fixed_broken_one": " Brudd på 1 grense: {list}.",
    # violations of a fixed distribution
    "v_capacity": "{unit} har {value} poeng, over grensen {limit}",
    "v_floor": "{unit} har {value} poeng, under balansegulvet {limit}",
    "v_heavy": "{unit} har {value} tunge saker, over grensen {limit}",
    "v_allowed": "{value} brukere hos en enhet de ikke kan gå til",
    "v_kommunal": "{value} brukere med sosialhjelp hos en enhet uten kommunalt ansatt",
    "v_moves": "{value} bytter, over grensen for antall bytter ({limit})",
    "v_unplaced": "ikke alle brukere har nøyaktig én enhet",
    # summary rows (repr, _repr_html_)
    "s_brukere": "Brukere",
    "s_units": "Enheter",
    "s_mean_shortfall": "Gjennomsnittlig mangel",
    "s_moves": "Bytter",
    "s_gap": "Avstand til beste mulige",
    "s_violations": "Brudd på grenser",
    "s_energising": "Arbeid som gir energi",
    "s_draining": "Arbeid som tapper",
    # comparison
    "best": "Best",
    "cmp_failed_one": "{failed} har ingen fordeling, så de to kan ikke sammenlignes: {why}",
    "cmp_failed_both": "Verken {a} eller {b} har en fordeling, så de kan ikke sammenlignes.",
    "cmp_ok": "{b} er bedre enn {a} på {nb} av {n} mål, {a} på {na}.",
    "better_on": "bedre på {k} av {n} mål",
    "cmp_preference": "Andel av veiledernes arbeid i oppgaver de får energi av: {a} {ea}, "
                      "{b} {eb}; i oppgaver som tapper dem: {a} {da}, {b} {db}.",
    # an office with more work than capacity (first in every output)
    "ov_capacity": "Kontoret har mer arbeid enn kapasitet: arbeidsmengden er {load} poeng mot "
                   "{cap} poeng kapasitet, {excess} poeng ({pct}) over — {per_pos} poeng over "
                   "per hele stilling.",
    "ov_heavy": "Kontoret har {heavy} tunge saker mot en samlet grense på {limit}, {excess} "
                "over.",
    "ov_binds_capacity": "Det er kapasiteten som binder.",
    "ov_binds_heavy": "Det er grensen for tunge saker som binder.",
    "ov_binds_both": "Både kapasiteten og grensen for tunge saker binder.",
    "ov_spread": "Alle brukere er fordelt likevel: overskuddet er spredt i forhold til "
                 "kapasitet{heavy}, og hver enhets overbelastning vises.",
    "ov_spread_heavy": ", de tunge sakene i forhold til grensene",
    "ov_relief": "Det som ville løst det: {positions} til{pairs}.",
    "ov_relief_pairs": " (eller færre par: samarbeidet i parene koster {points} poeng)",
    "ov_one_position": "1 hel stilling",
    "ov_positions": "{n} hele stillinger",
    "ov_units": "Over kapasitet: {list}.",
    "ov_unit": "{unit} {over} poeng ({pct})",
    "ov_heavy_units": "Over grensen for tunge saker: {list}.",
    "ov_heavy_unit": "{unit} {over}",
}

_EN: dict[str, str] = {
    "needs": "Bruker {bruker} needs {levels}.",
    "covers": "{unit} covers {levels}",
    "covers_all": " — everything she needs.",
    "covers_lack": " — short by {lack}.",
    "lack_one": "{n} level in {dim}",
    "lack_many": "{n} levels in {dim}",
    "current_lacked": "The current unit {unit} lacked {lack}.",
    "current_lacked_nothing": "The current unit {unit} lacked nothing.",
    "no_unit": "Bruker {bruker} has no unit: {reason}",
    "why_pinned": "A leader pinned her to this unit.",
    "why_ufordelt": "She had no veileder and is placed where she fits best with room.",
    "why_stayed": "She stays: continuity matters, and no move would help her enough.",
    "why_better_fit": "She moves because {unit} covers her needs better.",
    "why_specialty": "She moves because {unit} has her target group as specialty.",
    "why_capacity": "She moves to make room: the current unit would otherwise be over its "
                    "capacity, balance or heavy-case limit, or others need it more.",
    "pref_likes": "what {who} likes doing ({work})",
    "pref_liked": "The placement also suits {list}.",
    "pref_drains": "{who} finds {work} draining",
    "pref_drained": "Note: {list}; competence and room weighed more here.",
    "stays_because": "She keeps her veileder: {why}, and a change costs her a lot.",
    "moves_cheap": "A change costs her little: {why}.",
    "cont:innsatsgruppe:SPESIELT_TILPASSET_INNSATS": "close follow-up",
    "cont:innsatsgruppe:GRADERT_VARIG_TILPASSET_INNSATS": "lasting adapted follow-up",
    "cont:innsatsgruppe:VARIG_TILPASSET_INNSATS": "lasting adapted follow-up",
    "cont:innsatsgruppe:SITUASJONSBESTEMT_INNSATS": "situation-based follow-up",
    "cont:innsatsgruppe:STANDARD_INNSATS": "standard follow-up",
    "cont:innsatsgruppe": "her innsatsgruppe",
    "cont:malgruppe:ung": "she is young",
    "cont:malgruppe": "her target group",
    "cont:tung_sak": "a heavy case with a history a new veileder must learn",
    "cont:explicit_high": "the office has set continuity high for her",
    "cont:explicit_low": "the office has set continuity low for her",
    "cont:default": "no particular reason",
    "reason_stayed": "stays with her veileder",
    "reason_pinned": "pinned by a leader",
    "reason_ufordelt": "had no veileder",
    "reason_better_fit": "better fit",
    "reason_specialty": "specialty",
    "reason_capacity": "moved to make room",
    "reason_unassigned": "no unit",
    "label_proposal": "Proposal",
    "label_status_quo": "Today",
    "label_naive": "Even split",
    "status_optimal": "Best possible allocation (proven).",
    "status_feasible": "Good allocation; at most {gap} from the best possible.",
    "status_time_limit": "Time limit reached; the allocation is at most {gap} from the best "
                         "possible.",
    "moves_gain": " {n} brukere change veileder (gain {gain} per move).",
    "moves": " {n} brukere change veileder.",
    "moves_needed": " {n} brukere change veileder; the moves are needed to keep the limits "
                    "(today's distribution breaks them), not for better cover.",
    "heavy_over": "{unit} gets {load} points against its capacity {cap}, {over} points over: "
                  "the heavy cases can only go where the heavy-case limits leave room.",
    "packing_over": "{unit} gets {load} points against its capacity {cap}, {over} points "
                    "over: brukere cannot be split, so they do not fit within the capacities.",
    "no_plan_time_limit": "No allocation found within the time limit — raise time_limit.",
    "no_plan_infeasible": "No allocation possible.",
    "no_veiledere": "{label}: {n} brukere and no veiledere to place them with.",
    "fixed": "{label}: {n} brukere over {m} units.",
    "fixed_broken": " Breaks {k} limits: {list}.",
    "fixed_broken_one": " Breaks 1 limit: {list}.",
    "v_capacity": "{unit} has {value} points, over its limit {limit}",
    "v_floor": "{unit} has {value} points, under its balance floor {limit}",
    "v_heavy": "{unit} has {value} heavy cases, over its limit {limit}",
    "v_allowed": "{value} brukere at a unit they may not go to",
    "v_kommunal": "{value} brukere on sosialhjelp at a unit without a municipally employed "
                  "member",
    "v_moves": "{value} moves, over max_moves {limit}",
    "v_unplaced": "not every bruker has exactly one unit",
    "s_brukere": "brukere",
    "s_units": "units",
    "s_mean_shortfall": "mean shortfall",
    "s_moves": "moves",
    "s_gap": "gap",
    "s_violations": "limits broken",
    "s_energising": "work that gives energy",
    "s_draining": "work that drains",
    "best": "Best",
    "cmp_failed_one": "{failed} has no allocation, so the two cannot be compared: {why}",
    "cmp_failed_both": "Neither {a} nor {b} has an allocation, so they cannot be compared.",
    "cmp_ok": "{b} is better than {a} on {nb} of {n} measures, {a} on {na}.",
    "better_on": "better on {k} of {n} measures",
    "cmp_preference": "Share of the veiledere's work in tasks that give them energy: {a} {ea}, "
                      "{b} {eb}; in tasks that drain them: {a} {da}, {b} {db}.",
    "ov_capacity": "The office has more work than capacity: the workload is {load} points "
                   "against {cap} points of capacity, {excess} points ({pct}) over — {per_pos} "
                   "points over per full position.",
    "ov_heavy": "The office has {heavy} heavy cases against a combined limit of {limit}, "
                "{excess} over.",
    "ov_binds_capacity": "Capacity is the limit that binds.",
    "ov_binds_heavy": "The heavy-case limit is the limit that binds.",
    "ov_binds_both": "Both capacity and the heavy-case limit bind.",
    "ov_spread": "Every bruker is placed all the same: the excess is spread in proportion to "
                 "capacity{heavy}, and every unit's overload is shown.",
    "ov_spread_heavy": ", the heavy cases in proportion to the limits",
    "ov_relief": "What would relieve it: {positions} more{pairs}.",
    "ov_relief_pairs": " (or fewer pairs: the pairs' coordination costs {points} points)",
    "ov_one_position": "1 full position",
    "ov_positions": "{n} full positions",
    "ov_units": "Over capacity: {list}.",
    "ov_unit": "{unit} {over} points ({pct})",
    "ov_heavy_units": "Over the heavy-case limit: {list}.",
    "ov_heavy_unit": "{unit} {over}",
}

_TABLES = {"nb": _NB, "en": _EN}
assert _NB.keys() == _EN.keys()  # the two languages never drift apart

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

#: Rows of the preference measure (shown only when the office has preferences).
_PREFERENCE_METRICS = {
    "energising_share": ("Andel arbeid som gir energi", "Share of work that gives energy"),
    "draining_share": ("Andel arbeid som tapper", "Share of work that drains"),
}


def phrase(key: str, lang: str = "nb", **values: Any) -> str:
    """The phrase ``key`` in ``lang``, filled in with ``values``."""
    return _TABLES[check_lang(lang)][key].format(**values)


def _lack_text(shortfall: Mapping[str, int], lang: str) -> str:
    return join([phrase("lack_one" if v == 1 else "lack_many", lang, n=fmt(v, lang),
                        dim=dimension_name(d, lang))
                 for d, v in shortfall.items() if v > 0], lang)


def work_text(dims: Sequence[str], lang: str = "nb") -> str:
    """Kinds of work in plain words: ``brukermøter og tett oppfølging``.

    The names have an "og" of their own, so two or more are joined by commas and "samt"
    ("as well as"): with a plain "og" two kinds read as four.

    >>> work_text(["relasjonell", "forvaltning"])
    'brukermøter og tett oppfølging samt saksbehandling og vedtak'
    >>> work_text(["struktur", "forvaltning", "digital"], "en")
    'planning and routines, casework and decisions as well as digital follow-up'
    >>> work_text(["digital"], "en")
    'digital follow-up'
    """
    return join_work([work_words(d, lang) for d in dims], lang)


def join_work(words: Sequence[str], lang: str = "nb") -> str:
    """Kinds of work already in words (each may carry a note) joined as :func:`work_text`
    joins them: commas and "samt" ("as well as")."""
    return join(words, lang, last="as well as" if lang == "en" else "samt")


def _by_person(dims: Sequence[str], who: Sequence[str], key: str, lang: str,
               names: Mapping[str, str] | None) -> str:
    """``det Kari liker å jobbe med (…) og det Ola liker å jobbe med (…)``: one part per
    member who leads some of the kinds ``dims``."""
    order: dict[str, list[str]] = {}
    for d, ident in zip(dims, who, strict=True):
        order.setdefault(ident, []).append(d)
    return join([phrase(key, lang, who=person(ident, names), work=work_text(ds, lang))
                 for ident, ds in order.items()], lang)


def preference_text(p: Any, lang: str = "nb", names: Mapping[str, str] | None = None) -> str:
    """What preference says about a placement, when it mattered: the work she leans towards
    is led by someone who finds it energising (the term raised her fit), or by someone it
    drains (the term lowered it, and she is there all the same). Empty otherwise."""
    if p.preference > 1e-12 and p.liked:
        return phrase("pref_liked", lang,
                      list=_by_person(p.liked, p.liked_by, "pref_likes", lang, names))
    if p.preference < -1e-12 and p.drained:
        return phrase("pref_drained", lang,
                      list=_by_person(p.drained, p.drained_by, "pref_drains", lang, names))
    return ""


def _continuity_why(p: Any, lang: str) -> str:
    reason = p.continuity_reason
    if reason == "explicit":
        return phrase("cont:explicit_high" if p.continuity_weight > 1 else "cont:explicit_low",
                      lang)
    if reason in ("innsatsgruppe", "malgruppe"):
        key = f"cont:{reason}:{p.continuity_group}"
        return phrase(key if key in _TABLES[lang] else f"cont:{reason}", lang)
    return phrase(f"cont:{reason}", lang)


def continuity_text(p: Any, lang: str = "nb") -> str:
    """Why continuity weighs what it does for her, when it is not the usual: a bruker who
    stays and for whom a change costs more than usual (weight above 1) is told why; one who
    moves and for whom it costs less (weight below 1) too. Empty otherwise."""
    if p.reason == "stayed" and p.continuity_weight > 1 + 1e-12:
        return phrase("stays_because", lang, why=_continuity_why(p, lang))
    if p.moved and p.continuity_weight < 1 - 1e-12:
        return phrase("moves_cheap", lang, why=_continuity_why(p, lang))
    return ""


def explain_placement(p: Any, lang: str = "nb",
                      names: Mapping[str, str] | None = None) -> str:
    """Explain one bruker's placement (a ``Placement`` with a unit) in a few short sentences:
    what she needs, what her unit covers, what today's unit lacked, and why (with why
    continuity weighs as it does for her, and what preference said, where it mattered)."""
    unit = unit_label(p.unit, names)
    lack = _lack_text(p.shortfall, lang)
    lines = [
        phrase("needs", lang, bruker=p.bruker_id, levels=levels_text(p.need, lang)),
        phrase("covers", lang, unit=unit, levels=levels_text(p.cover, lang))
        + (phrase("covers_lack", lang, lack=lack) if lack else phrase("covers_all", lang)),
    ]
    if p.current_unit is not None and p.current_unit != p.unit:
        current = unit_label(p.current_unit, names)
        cur_lack = _lack_text(p.current_shortfall, lang)
        lines.append(phrase("current_lacked", lang, unit=current, lack=cur_lack) if cur_lack
                     else phrase("current_lacked_nothing", lang, unit=current))
    stays = continuity_text(p, lang)
    if stays and p.reason == "stayed":
        lines.append(stays)
    else:
        lines.append(phrase(f"why_{p.reason}", lang, unit=unit))
        if stays:
            lines.append(stays)
    pref = preference_text(p, lang, names) if p.reason != "pinned" else ""
    if pref:
        lines.append(pref)
    return " ".join(lines)


def explain_unassigned(bruker_id: str, reason: str, lang: str = "nb") -> str:
    """Why a bruker has no unit (``reason`` is already in ``lang``)."""
    return phrase("no_unit", lang, bruker=bruker_id, reason=reason)


def reason_text(code: str, lang: str = "nb") -> str:
    """A reason code (``better_fit``) in a few words (``bedre treff``)."""
    return phrase(f"reason_{code}", lang)


def result_label(kind: str, lang: str = "nb") -> str:
    """The short name of a distribution in tables: ``Forslag``, ``I dag``, ``Jevn fordeling``."""
    return phrase(f"label_{kind}", lang)


def metric_labels(lang: str = "nb") -> dict[str, str]:
    """The row labels of a comparison table, by metric key."""
    i = 1 if check_lang(lang) == "en" else 0
    return {key: pair[i] for key, pair in _METRICS.items()}


def preference_labels(lang: str = "nb") -> dict[str, str]:
    """The row labels of the preference measure in a comparison, by key."""
    i = 1 if check_lang(lang) == "en" else 0
    return {key: pair[i] for key, pair in _PREFERENCE_METRICS.items()}


def preference_measure_text(a: str, b: str, totals_a: Mapping[str, float],
                            totals_b: Mapping[str, float], lang: str = "nb") -> str:
    """One sentence on the preference measure of two distributions (office totals)."""
    return phrase("cmp_preference", lang, a=a, b=b,
                  ea=percent(totals_a["energising_share"], lang),
                  eb=percent(totals_b["energising_share"], lang),
                  da=percent(totals_a["draining_share"], lang),
                  db=percent(totals_b["draining_share"], lang))


def summary_labels(lang: str = "nb") -> dict[str, str]:
    """Labels of the few summary rows (``repr`` and ``_repr_html_``), by key."""
    return {key[2:]: value for key, value in _TABLES[check_lang(lang)].items()
            if key.startswith("s_")}


def status_message(status: str, gap: float, n_moves: int, improvement: float,
                   notes: Sequence[Mapping[str, str]], lang: str = "nb", *,
                   forced: bool = False) -> str:
    """The message of a proposal: how good it is, how many move, what was relaxed.

    ``forced``: the moves gain nothing in cover because today's distribution breaks a limit
    the proposal keeps; said so instead of a gain of zero or less per move.
    """
    text = phrase(f"status_{status}", lang, gap=percent(gap, lang, 3))
    if n_moves and improvement > 5e-4:  # shown with three decimals: 0,001 at the least
        text += phrase("moves_gain", lang, n=fmt(n_moves, lang), gain=fmt(improvement, lang, 3))
    elif n_moves and forced:
        text += phrase("moves_needed", lang, n=fmt(n_moves, lang))
    elif n_moves:
        text += phrase("moves", lang, n=fmt(n_moves, lang))
    if notes:
        text += " " + " ".join(note[lang] for note in notes)
    return text


def no_plan_text(kind: str, lang: str = "nb", diagnoses: Sequence[Any] = ()) -> str:
    """The message of a result without a plan: ``time_limit`` or ``infeasible`` (with the
    diagnoses, each ended by one full stop)."""
    text = phrase(f"no_plan_{kind}", lang)
    for d in diagnoses:
        text += " " + d.text(lang).rstrip().rstrip(".") + "."
    return text


def violation_text(record: Sequence[Any], lang: str = "nb",
                   names: Mapping[str, str] | None = None) -> str:
    """One broken limit, from ``(kind, unit id or None, value, limit)``."""
    kind, unit, value, limit = record
    return phrase(f"v_{kind}", lang, unit=unit_label(unit, names), value=fmt(value, lang),
                  limit=fmt(limit, lang))


def fixed_message(label: str, n_brukere: int, n_units: int, records: Sequence[Sequence[Any]],
                  lang: str = "nb", names: Mapping[str, str] | None = None) -> str:
    """The message of today's distribution or the even split, with the limits it breaks."""
    text = phrase("fixed", lang, label=label, n=fmt(n_brukere, lang), m=fmt(n_units, lang))
    if records:
        listed = "; ".join(violation_text(r, lang, names) for r in records)
        key = "fixed_broken_one" if len(records) == 1 else "fixed_broken"
        text += phrase(key, lang, k=fmt(len(records), lang), list=listed)
    return text


def comparison_text(a: str, b: str, *, n_b: int, n_a: int, n: int, lang: str = "nb") -> str:
    """One sentence on a comparison: on how many measures each side is better."""
    return phrase("cmp_ok", lang, a=a, b=b, nb=fmt(n_b, lang), na=fmt(n_a, lang), n=fmt(n, lang))


def overload_text(ov: Any, lang: str = "nb", names: Mapping[str, str] | None = None, *,
                  units: bool = True, spread: bool = True) -> str:
    """An office's overload in plain language: the figures (points over, per full position),
    which limit binds, that everyone is placed (``spread``), what would relieve it and, with
    ``units``, every unit over its capacity or heavy-case limit."""
    parts = []
    if ov.excess_points > 1e-9:
        parts.append(phrase("ov_capacity", lang, load=fmt(ov.load_points, lang),
                            cap=fmt(ov.capacity_points, lang), excess=fmt(ov.excess_points, lang),
                            pct=percent(ov.share, lang),
                            per_pos=fmt(ov.excess_per_position, lang)))
    if ov.heavy_excess > 1e-9:
        parts.append(phrase("ov_heavy", lang, heavy=fmt(ov.heavy_cases, lang),
                            limit=fmt(ov.heavy_limit, lang), excess=fmt(ov.heavy_excess, lang)))
    parts.append(phrase(f"ov_binds_{ov.binding}", lang))
    if spread:
        heavy = phrase("ov_spread_heavy", lang) if ov.heavy_excess > 1e-9 else ""
        parts.append(phrase("ov_spread", lang, heavy=heavy))
    n = ov.positions_needed
    positions = (phrase("ov_one_position", lang) if n == 1
                 else phrase("ov_positions", lang, n=fmt(n, lang)))
    pairs = (phrase("ov_relief_pairs", lang, points=fmt(ov.pair_overhead_points, lang))
             if ov.pair_overhead_points > 1e-9 and ov.binding != "heavy" else "")
    parts.append(phrase("ov_relief", lang, positions=positions, pairs=pairs))
    if units and ov.units:
        listed = "; ".join(
            phrase("ov_unit", lang, unit=unit_label(u, names), over=fmt(over, lang),
                   pct="+" + percent(share, lang))
            for u, (over, share) in sorted(ov.units.items(), key=lambda kv: -kv[1][0]))
        parts.append(phrase("ov_units", lang, list=listed))
    if units and ov.heavy_units:
        listed = "; ".join(phrase("ov_heavy_unit", lang, unit=unit_label(u, names),
                                  over=fmt(over, lang))
                           for u, over in sorted(ov.heavy_units.items(), key=lambda kv: -kv[1]))
        parts.append(phrase("ov_heavy_units", lang, list=listed))
    return " ".join(parts)


def overload_unit_lines(ov: Any, lang: str = "nb",
                        names: Mapping[str, str] | None = None) -> list[str]:
    """One line per unit over its capacity (largest first), then per unit over its heavy-case
    limit: ``Kari Nordmann (Z123456) 66,3 poeng (+66,3 %)``."""
    lines = [phrase("ov_unit", lang, unit=unit_label(u, names), over=fmt(over, lang),
                    pct="+" + percent(share, lang))
             for u, (over, share) in sorted(ov.units.items(), key=lambda kv: (-kv[1][0], kv[0]))]
    lines += [phrase("ov_heavy_units", lang, list=phrase("ov_heavy_unit", lang,
                                                         unit=unit_label(u, names),
                                                         over=fmt(over, lang)))
              for u, over in sorted(ov.heavy_units.items(), key=lambda kv: (-kv[1], kv[0]))]
    return lines
