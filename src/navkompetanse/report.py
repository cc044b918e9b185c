"""Render a :class:`~navkompetanse.plan.Plan`: plain text for the terminal, HTML for a browser.

Nothing here plans: every number comes from the Plan, so what a leader reads is exactly the
plan she made (in a notebook, with her options) or the command line made.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from .results import status_word
from .text import dimension_name, fmt, number, percent, unit_label
from .text.allocation import overload_unit_lines

if TYPE_CHECKING:  # pragma: no cover
    from .models import Office
    from .plan import Plan

__all__ = ["office_summary_text", "plan_html", "plan_text"]

#: Every heading and label of the report, per language.
_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "office": "Kontoret", "map": "Kompetansekart", "pairs": "Veileder-par",
        "allocation": "Fordeling: forslag mot i dag", "alone": "Alene:",
        "no_pairs": "Ingen par i denne planen.", "status": "Status", "options": "Valg",
        "staff": "{n} veiledere, {p} årsverk, avdelinger: {a}",
        "brukere": "{n} brukere, {h} tunge saker, {d} ikke digitale, {u} ufordelte",
        "units": "Enheter", "unit": "Enhet", "load": "Belastning (poeng)",
        "capacity": "Kapasitet (poeng)", "n_brukere": "Brukere", "heavy": "Tunge saker",
        "moves": "Største forbedringer", "bruker": "Bruker", "from": "Fra", "to": "Til",
        "why": "Hvorfor", "best": "Best", "title": "Plan for {name}",
        "generated": "Laget på {s} sekunder. Forslagene er råd til en leder, ikke vedtak.",
        "overload": "Mer arbeid enn kapasitet", "over": "Over (poeng)",
        "gaps": "Kompetansegap og hvordan lukke dem",
        "gaps_head": ("Dimensjon", "Behov (snitt)", "Kompetanse (snitt)", "Trenger 4–5",
                      "Har 4–5", "Mangel", "Andel"),
        "gaps_note": "Behov er brukernes nivåbehov vektet med arbeidsmengde; kompetanse er "
                     "veiledernes nivå vektet med kapasitet. Mangel er tilpasningen "
                     "fordelingen taper i dimensjonen. Hver gevinst er kontrollert med en ny "
                     "fordeling; intervallet er det de to løsningenes bevis tillater.",
        "gaps_people": "Opplæring og ubrukt kompetanse",
        "no_gaps": "Planen har ingen gapanalyse (slått av, eller ingen fordeling).",
    },
    "en": {
        "office": "The office", "map": "Competence map", "pairs": "Veileder-pairs",
        "allocation": "Allocation: proposed against today", "alone": "Alone:",
        "no_pairs": "No pairs in this plan.", "status": "Status", "options": "Options",
        "staff": "{n} veiledere, {p} full positions, avdelinger: {a}",
        "brukere": "{n} brukere, {h} heavy cases, {d} not digital, {u} unassigned",
        "units": "Units", "unit": "Unit", "load": "Load (points)",
        "capacity": "Capacity (points)", "n_brukere": "Brukere", "heavy": "Heavy cases",
        "moves": "Largest improvements", "bruker": "Bruker", "from": "From", "to": "To",
        "why": "Why", "best": "Best", "title": "Plan for {name}",
        "generated": "Made in {s} seconds. The proposals are advice to a leader, not decisions.",
        "overload": "More work than capacity", "over": "Over (points)",
        "gaps": "Competence gaps and how to close them",
        "gaps_head": ("Dimension", "Need (mean)", "Competence (mean)", "Needs 4–5",
                      "Has 4–5", "Shortfall", "Share"),
        "gaps_note": "Need is the brukere's need levels weighted by workload; competence is "
                     "the veiledere's levels weighted by capacity. Shortfall is the fit the "
                     "allocation loses in the dimension. Every gain is verified by re-solving "
                     "the allocation; the interval is what both solutions' proofs allow.",
        "gaps_people": "Training and unused competence",
        "no_gaps": "The plan has no gap analysis (turned off, or no distribution).",
    },
}

#: Moves shown in the report (the largest fit gains).
N_MOVES_SHOWN = 15


def office_summary_text(office: Office, lang: str = "nb") -> str:
    """The office in a few lines: staff, positions, brukere by innsatsgruppe."""
    s = office.summary()
    lines = [f"{s['name']} (enhet {s['enhet']})",
             *(f"  {line}" for line in _office_lines(office, lang))]
    for group, n in s["brukere_by_innsatsgruppe"].items():
        lines.append(f"    {group:<34} {fmt(n, lang):>6}")
    return "\n".join(lines)


def _office_lines(office: Office, lang: str) -> tuple[str, str]:
    """Staff and brukere in one line each (the text report and the HTML header)."""
    t, s = _TEXT[lang], office.summary()
    staff = t["staff"].format(n=s["n_veiledere"], p=fmt(s["full_positions"], lang, 1),
                              a=", ".join(s["avdelinger"]) or "–")
    brukere = t["brukere"].format(n=fmt(s["n_brukere"], lang), h=fmt(s["tunge_saker"], lang),
                                  d=fmt(s["ikke_digitale"], lang), u=fmt(s["ufordelte"], lang))
    return staff, brukere


def _section(title: str) -> str:
    return f"\n{title}\n{'=' * len(title)}"


def _pair_blocks(plan: Plan, lang: str) -> list[tuple[str, list[str]]]:
    """The pairs section as (lead, items): the proposal's summary with one item per pair,
    then who works alone and why (the text lists the items with dashes, the page as a list)."""
    t = _TEXT[lang]
    pairing = plan.pairing
    if pairing is None:
        return [(t["no_pairs"] if not plan.pairs else "",
                 [plan.explain(pair, lang=lang) for pair in plan.pairs])]
    blocks = [(pairing.explain(lang=lang),
               [pairing.explain(pair, lang=lang) for pair in pairing.pairs])]
    if pairing.singles:
        blocks.append((t["alone"], [pairing.explain(ident, lang=lang)
                                    for ident in sorted(pairing.singles)]))
    return blocks


def _pair_lines(plan: Plan, lang: str) -> list[str]:
    return [line for lead, items in _pair_blocks(plan, lang)
            for line in ([lead] if lead else []) + [f"- {item}" for item in items]]


def _comparison(plan: Plan, lang: str) -> Any:
    """Today against the proposal in ``lang`` (the plan's own, or made again in the other)."""
    if plan.comparison.lang == lang:
        return plan.comparison
    from .allocation import compare

    return compare(plan.today, plan.allocation, lang=lang)


def _after_overload(plan: Plan, lang: str, text: str | None = None) -> str:
    """A message (the plan's by default) without the overload it opens with: the page and the
    text already show the overload first, once."""
    text = plan.describe(lang) if text is None else text
    return text if plan.overload is None else plan.overload.after(text, lang)


def options_text(plan: Plan, lang: str = "nb") -> str:
    """The choices the plan was made with, in words (``standard`` when none were made)."""
    t = _OPTIONS[lang]
    o = plan.options
    parts = []
    if o.pairs != "propose":
        parts.append(t[o.pairs] if isinstance(o.pairs, str)
                     else t["given"].format(n=len(o.pairs)))
    if o.same_avdeling:
        parts.append(t["same_avdeling"])
    for name in ("required", "forbidden"):
        if getattr(o, name):
            parts.append(t[name].format(pairs=", ".join(
                f"{unit_label(a, plan.names)} + {unit_label(b, plan.names)}"
                for a, b in getattr(o, name))))
    if o.max_pairs is not None:
        parts.append(t["max_pairs"].format(n=o.max_pairs))
    if o.pinned:
        parts.append(t["pinned"].format(n=fmt(len(o.pinned), lang)))
    if o.max_moves is not None:
        parts.append(t["max_moves"].format(n=fmt(o.max_moves, lang)))
    if not o.overflow:
        parts.append(t["strict"])
    if o.hard_specialty:
        parts.append(t["hard_specialty"])
    if plan.policy.kommunal_only:
        parts.append(t["kommunal_only"])
    if not o.gaps:
        parts.append(t["no_gaps"])
    parts.append(t["time_limit"].format(s=fmt(o.time_limit, lang)))
    return "; ".join(parts)


#: The plan's options in words, per language.
_OPTIONS: dict[str, dict[str, str]] = {
    "nb": {
        "keep": "dagens par beholdes", "none": "ingen par", "given": "{n} par gitt av leder",
        "same_avdeling": "par bare innen samme avdeling", "required": "låste par: {pairs}",
        "forbidden": "utelukkede par: {pairs}", "max_pairs": "høyst {n} par",
        "pinned": "låste brukere: {n}", "max_moves": "høyst {n} bytter",
        "strict": "kapasiteten er en hard grense", "hard_specialty": "spesialfelt er et krav",
        "kommunal_only": "sosialhjelp bare til kommunalt ansatte",
        "no_gaps": "uten gapanalyse",
        "time_limit": "tidsgrense {s} s",
    },
    "en": {
        "keep": "today's pairs kept", "none": "no pairs", "given": "{n} pairs given by the leader",
        "same_avdeling": "pairs only within one avdeling", "required": "pinned pairs: {pairs}",
        "forbidden": "ruled-out pairs: {pairs}", "max_pairs": "at most {n} pairs",
        "pinned": "pinned brukere: {n}", "max_moves": "at most {n} moves",
        "strict": "capacity is a hard limit", "hard_specialty": "specialty is a requirement",
        "kommunal_only": "sosialhjelp only to municipal employees",
        "no_gaps": "no gap analysis",
        "time_limit": "time limit {s} s",
    },
}


def plan_text(plan: Plan, lang: str = "nb") -> str:
    """The plan as plain text, section by section (what ``navkompetanse plan`` prints)."""
    t = _TEXT[lang]
    parts = []
    if plan.overload is not None:  # the first thing a leader reads
        parts += [_section(t["overload"]), plan.overload.text(lang, plan.names, units=False)]
        parts += [f"- {line}" for line in overload_unit_lines(plan.overload, lang, plan.names)]
    parts += [
        _section(t["office"]), office_summary_text(plan.office, lang),
        _section(t["map"]), plan.competence_map.render(lang),
        _section(t["pairs"]), "\n".join(_pair_lines(plan, lang)),
        _section(t["allocation"]), _after_overload(plan, lang, plan.allocation.describe(lang)),
        "",
        str(_comparison(plan, lang)),
        "", f"{t['status']}: {status_word(plan.status, lang)}. {_after_overload(plan, lang)}",
        f"{t['options']}: {options_text(plan, lang)}",
    ]
    if plan.gaps is not None:
        parts[-2:-2] = [_section(t["gaps"]), plan.gaps.explain(lang=lang), ""]
    return "\n".join(parts).lstrip("\n")


def _gaps_view(plan: Plan, lang: str) -> dict[str, Any] | None:
    """The gap analysis as the page shows it: a table per dimension, proposals, people."""
    gaps = plan.gaps
    if gaps is None:
        return None
    rows = [(dimension_name(d.dimension, lang), fmt(d.demand, lang, 1), fmt(d.supply, lang, 1),
             percent(d.demand_high, lang, 0), percent(d.supply_high, lang, 0),
             fmt(d.shortfall, lang, 1), percent(d.share, lang, 0)) for d in gaps.dimensions]
    words = _GAP_HEADINGS[lang]
    proposals = [(heading, [gaps.proposal_text(p, lang) for p in items])
                 for heading, items in ((words[0], gaps.development),
                                        (words[1], gaps.recruiting),
                                        (words[2], gaps.part_time)) if items]
    people = [gaps.explain(n.ident, lang=lang) for n in gaps.training]
    people += [gaps._underused_text(u, lang) for u in gaps.underused]
    return {"message": gaps.describe(lang), "head": _TEXT[lang]["gaps_head"], "rows": rows,
            "proposals": proposals, "people": people}


#: Headings of the proposals on the page (nb, en).
_GAP_HEADINGS = {
    "nb": ("Utviklingssteg som betyr mest", "Hvem bør rekrutteres", "Økt stillingsprosent"),
    "en": ("Development steps that matter most", "Whom to recruit",
           "Higher stillingsprosent"),
}


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

#: The page template (package data), rendered with jinja2 (autoescaped).
TEMPLATE = "plan.html.j2"


@cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("navkompetanse", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(TEMPLATE)


def plan_html(plan: Plan, lang: str = "nb") -> str:
    """The plan as one self-contained HTML page (no scripts, no external files)."""
    t = _TEXT[lang]
    office = plan.office
    cmap = plan.competence_map
    head, map_rows = cmap.table(lang, points=False)
    comparison_rows = []
    comparison = _comparison(plan, lang)
    for row in comparison.rows:
        best = {"a": comparison.a_label, "b": comparison.b_label, "=": "="}.get(row.better, "")
        comparison_rows.append({"label": row.label, "a": number(row.a, lang),
                                "b": number(row.b, lang), "best": best})
    units = []
    for u in sorted(plan.allocation.units.values(), key=lambda u: u.id):
        share = u.load_points / u.capacity_points if u.capacity_points > 0 else 0.0
        units.append({
            "label": unit_label(u.id, plan.names), "n": fmt(u.n_brukere, lang),
            "load": fmt(u.load_points, lang), "capacity": fmt(u.capacity_points, lang),
            "width": round(min(share, 1.0) * 100, 1), "over": share > 1 + 1e-9,
            "heavy": fmt(u.heavy_cases, lang),
            "over_points": fmt(u.load_points - u.capacity_points, lang)
            if u.load_points > u.capacity_points + 1e-9 else "",
        })
    moves = [
        {"bruker": m.bruker_id, "from_": unit_label(m.from_unit, plan.names),
         "to": unit_label(m.to_unit, plan.names),
         "why": plan.allocation.explain(m.bruker_id, lang=lang)}
        for m in plan.allocation.moves[:N_MOVES_SHOWN]
    ] if plan.allocation.ok else []
    summary_line = " · ".join(_office_lines(office, lang))
    return _template().render(
        lang=lang, t=t, plan=plan, office=office, summary_line=summary_line,
        status=status_word(plan.status, lang), message=_after_overload(plan, lang),
        map_head=head, map_rows=map_rows, map_message=cmap.describe(lang),
        pair_blocks=_pair_blocks(plan, lang),
        allocation_message=_after_overload(plan, lang, plan.allocation.describe(lang)),
        a_label=comparison.a_label, b_label=comparison.b_label,
        options=options_text(plan, lang),
        comparison_rows=comparison_rows, units=units, moves=moves,
        runtime=fmt(plan.runtime_s, lang, 1),
        overload=plan.overload.text(lang, plan.names, units=False)
        if plan.overload is not None else None,
        gaps=_gaps_view(plan, lang),
    ) + "\n"

