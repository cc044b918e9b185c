"""Render a :class:`~navkompetanse.plan.Plan`: plain text for the terminal, HTML for a browser.

Nothing here plans: every number comes from the Plan, so what a leader reads is exactly the
plan she made (in a notebook, with her options) or the command line made.

The HTML report is one self-contained page (inline CSS, charts as inline SVG, no scripts, no
network) rendered by jinja2 with autoescaping from ``templates/plan.html.j2``. It has the same
sections in the same order in both languages (:data:`SECTIONS`); a section whose data the
plan does not hold says so in one line instead of disappearing. Charts come from
:mod:`navkompetanse.plot` (the ``plot`` extra, matplotlib); without it the report says which
extra brings them and shows the tables alone. Aggregates over groups of people (per avdeling,
per innsatsgruppe) leave out groups under
:data:`~navkompetanse.analysis.competence_map.SHARE_MIN_GROUP_SIZE`; the report is the
leader's own document, so the pair and move tables name the veiledere.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .analysis.competence_map import LEVELS, SHARE_MIN_GROUP_SIZE
from .models import DIMENSIONS
from .results import status_word
from .text import dimension_name, fmt, join, number, percent, person, unit_label, work_words
from .text.allocation import join_work, overload_unit_lines
from .text.allocation import reason_text as move_reason_text
from .text.gap_analysis import TEXT as GAP_TEXT
from .text.pairing import date_text
from .text.pairing import reason_text as single_reason_text
from .trust import override_sentence

if TYPE_CHECKING:  # pragma: no cover
    from .models import Office
    from .plan import Plan

__all__ = ["SECTIONS", "office_summary_text", "options_text", "plan_html", "plan_text"]

_DIMS = tuple(d.value for d in DIMENSIONS)

#: The report's sections, in order: the ids of the page's ``<section>`` elements.
SECTIONS = ("glance", "map", "pairs", "distribution", "gaps", "learning", "fairness",
            "assumptions")

#: Moves listed one by one (the largest fit gains); the rest are counted per unit.
N_MOVES_SHOWN = 15
#: Moves whose whole explanation the page gives (the largest gains).
N_MOVES_EXPLAINED = 5
#: Proposed mentors whose reasons the page gives in full (the first by rank; the table has all).
N_MENTORS_EXPLAINED = 8

#: Width of the plain-text report (long sentences wrap here).
TEXT_WIDTH = 100

#: Every heading and label of the report, per language (the same keys).
_TEXT: dict[str, dict[str, Any]] = {
    "nb": {
        "title": "Plan for {name}",
        "subtitle": "Forslag til veileder-par og fordeling av brukere, enhet {enhet}",
        "office_id": "enhet {enhet}",
        "advice": "Forslagene er råd til en leder, ikke vedtak.",
        "contents": "Innhold",
        "glance": "Kontoret i korte trekk", "map": "Kompetansekart",
        "pairs": "Veileder-par og arbeidsdeling", "distribution": "Fordeling: forslag mot i dag",
        "gaps": "Kompetansegap, utvikling og rekruttering",
        "learning": "Læringsnettverk og mentorordning", "fairness": "Rettferdighet",
        "assumptions": "Forutsetninger, løsning og opphav",
        "office": "Kontoret",
        "staff": "{n} veiledere, {p} årsverk, avdelinger: {a}",
        "brukere": "{n} brukere, {h} tunge saker, {d} ikke digitale, {u} ufordelte",
        "status": "Status", "options": "Valg",
        "overload": "Mer arbeid enn kapasitet", "over": "Over (poeng)",
        # key figures
        "k_veiledere": "Veiledere", "k_positions": "Årsverk", "k_brukere": "Brukere",
        "k_heavy": "Tunge saker", "k_pairs": "Foreslåtte par", "k_moves": "Brukere som bytter",
        "k_shortfall": "Nivåer som mangler per bruker, i dag → forslag",
        "k_unmet": "Udekket høyt behov, i dag → forslag",
        "by_group": "Brukere per innsatsgruppe", "group": "Innsatsgruppe", "count": "Brukere",
        "few": "færre enn {k}",
        "groups": {"STANDARD_INNSATS": "Standard innsats",
                   "SITUASJONSBESTEMT_INNSATS": "Situasjonsbestemt innsats",
                   "SPESIELT_TILPASSET_INNSATS": "Spesielt tilpasset innsats",
                   "GRADERT_VARIG_TILPASSET_INNSATS": "Gradert varig tilpasset innsats",
                   "VARIG_TILPASSET_INNSATS": "Varig tilpasset innsats",
                   "TRENGER_VURDERING": "Trenger vurdering",
                   "ung": "Unge under 30", "flyktning": "Flyktninger",
                   "aap": "Brukere med AAP", "sykefravaer": "Sykmeldte",
                   "sosialhjelp": "Økonomisk sosialhjelp"},
        # competence map
        "map_lead": "Hvor mange brukere som trenger nivå 4–5 i hver dimensjon, og hvor mange "
                    "veiledere som er på det nivået.",
        "levels_head": "Antall veiledere per nivå (1 = ny i det, 5 = kan lære bort)",
        "dimension": "Dimensjon",
        "avdeling_head": "Snittnivå per avdeling", "avdeling": "Avdeling",
        "avdeling_hidden": "Avdelinger med færre enn {k} veiledere er ikke med i snittene: "
                           "{names}.",
        "avdeling_complement": "{names} er heller ikke med, så de minste avdelingene ikke "
                               "kan regnes ut fra kontorets tall.",
        "office_hidden": "Kontoret har færre enn {k} veiledere, så nivåene vises ikke samlet.",
        "n_people": "Veiledere",
        "heatmap": "Nivå per veileder",
        "heatmap_note": "Hver rad er en veileder, hver kolonne en dimensjon; mørkere farge er "
                        "høyere nivå (1–5). Se etter kolonner med få mørke celler: der er "
                        "kontoret tynt.",
        "veileder": "Veileder",
        "no_veiledere": "Kontoret har ingen veiledere.",
        # pairs
        "pair": "Par", "division": "Arbeidsdeling", "n_brukere": "Brukere",
        "capacity": "Kapasitet (poeng)",
        "trial": "Forsøk", "review": "forsøk, vurderes {date}", "trial_nodate": "forsøk",
        "review_overdue": "forsøk; vurderingen var {date} og er forfalt",
        "settled": "fast par", "shared": "Begge: {work}", "likes": "liker det",
        "leads": "{who}: {work}",
        "pairs_note": "Brukere og kapasitet er parets i forslaget. Et nytt par er et forsøk: de "
                      "to bekrefter først, og paret vurderes på datoen som står. «Liker det» "
                      "betyr at den som leder arbeidet, har sagt at det gir energi.",
        "why_pairs": "Begrunnelse per par",
        "alone": "Jobber alene", "reason": "Hvorfor",
        "no_pairs": "Ingen par i denne planen: alle jobber alene.",
        # distribution
        "a_b": "Nøkkeltall", "best": "Best",
        "pref_note": "Andel arbeid som gir energi eller tapper bygger på veiledernes egne "
                     "oppgitte preferanser.",
        "units": "Belastning per enhet", "unit": "Enhet", "load": "Belastning",
        "load_cap": "Belastning / kapasitet", "heavy": "Tunge saker / grense",
        "units_note": "Belastning og kapasitet i poeng (én hel stilling = {c} poeng); "
                      "enhetene med mest belastning i forhold til kapasitet står først.",
        "share": "Andel av kapasitet",
        "moves": "Hvem bytter og hvorfor", "bruker": "Bruker", "from": "Fra", "to": "Til",
        "why": "Hvorfor", "gain": "Bedre treff",
        "moves_more": "{shown} av {n} bytter vises (de med størst gevinst).",
        "moves_units": "Bytter per enhet", "in": "Inn", "out": "Ut",
        "moves_reasons": "Hvorfor de {n} bytter: {reasons}.",
        "why_moves": "Begrunnelse for de {n} største byttene",
        "no_moves": "Ingen brukere bytter veileder.",
        "no_distribution": "Planen har ingen fordeling: {why}",
        # gaps
        "gaps_head": ("Dimensjon", "Behov (snitt)", "Kompetanse (snitt)", "Trenger 4–5",
                      "Har 4–5", "Mangel", "Andel"),
        "gaps_note": "Behov er brukernes nivåbehov vektet med arbeidsmengde; kompetanse er "
                     "veiledernes nivå vektet med kapasitet. Mangel er tilpasningen "
                     "fordelingen taper i dimensjonen. Hver gevinst er kontrollert med en ny "
                     "fordeling; intervallet er det de to løsningenes bevis tillater.",
        "where_short": "Hvor mangelen sitter",
        "kinds": {"innsatsgruppe": "Innsatsgruppe", "malgruppe": "Målgruppe",
                  "avdeling": "Avdeling"},
        "kind": "Inndeling", "group_name": "Gruppe",
        "short_brukere": "Brukere med mangel", "shortfall": "Mangel",
        "groups_hidden": "{n} gruppe(r) med færre enn {k} personer vises ikke.",
        "h_development": "Utviklingssteg som betyr mest", "h_recruit": "Hvem bør rekrutteres",
        "h_part_time": "Økt stillingsprosent",
        "step": "Nr.", "proposal": "Forslag", "verified": "Gevinst (kontrollert)",
        "interval": "Beste mulige",
        "better": "Brukere hjulpet",
        "gaps_people": "Opplæring og ubrukt kompetanse",
        "no_gaps": "Planen har ingen gapanalyse (slått av, eller ingen fordeling).",
        # learning, fairness, provenance
        "no_learning": "Planen har ingen forslag til mentorer ennå; kontoret har {n} "
                       "læringsrelasjon(er) i dag.",
        "no_learning_time": "Det var ingen tid til et forslag til mentorer innenfor "
                            "tidsgrensen: fordelingen kom først. Kontoret har {n} "
                            "læringsrelasjon(er) i dag.",
        "mentor": "Mentor", "learner": "Lærling", "mentor_work": "Hva (nivå mentor → lærling)",
        "mentor_points": "Poeng mentor gir", "mentor_benefit": "Verdi",
        "mentoring": "Foreslåtte mentorer", "why_mentors": "Hvorfor disse mentorene",
        "why_mentors_first": "Hvorfor disse mentorene (de {n} første)",
        "no_fairness": "Rettferdighetsrevisjonen er ikke en del av planen ennå.",
        "no_provenance": "Planen har ingen opplysninger om opphav (kilde og versjon) ennå.",
        "provenance": "Opphav",
        "decisions": "Der en leder har bestemt noe annet enn forslaget",
        "p_library": "navkompetanse, versjon", "p_solver": "Løser",
        "p_software": "Programvare", "p_input": "Fingeravtrykk av inndata (SHA-256)",
        "p_started": "Startet", "p_ended": "Ferdig", "p_at": "{day} kl. {time} UTC",
        # assumptions
        "policy": "Tall planen bygger på", "value": "Verdi", "what": "Hva",
        "default_mark": "standard", "changed": "endret",
        "solver": "Løsningen",
        "s_status": "Status", "s_pairing_gap": "Parforslaget: høyst så mye bedre er mulig",
        "s_alloc_gap": "Fordelingen: høyst så mye bedre er mulig (bevist)",
        "s_objective": "Fordelingens verdi / bevist øvre grense",
        "s_runtime": "Regnetid", "s_seconds": "{s} s",
        "generated": "Laget på {s} sekunder. Forslagene er råd til en leder, ikke vedtak.",
        # charts
        "chart_missing": "Diagrammene krever matplotlib: pip install 'navkompetanse[plot]'.",
        "c_profile": "Diagrammet viser veiledernes nivå mot brukernes behov, i snitt per "
                     "dimensjon. Se etter dimensjoner der behovet er høyere enn nivået.",
        "c_loads_today": "Diagrammet viser belastning mot kapasitet per enhet i dag. Se etter "
                         "enheter over streken: dem avlaster forslaget.",
        "c_loads": "Diagrammet viser belastning mot kapasitet per enhet i forslaget. Se etter "
                   "enheter over streken: de har mer enn de rekker.",
        "c_shortfall": "Diagrammet viser hvor mange brukere som mangler hvor mye, i dag og i "
                       "forslaget. Se etter at søylene flytter seg mot null mangel.",
        "c_learning": "Tegningen viser hvem som lærer av hvem. Se etter veiledere uten "
                      "forbindelser, og mentorer med mange.",
        "c_pair": "Diagrammet viser profilen til {pair}: hver sin styrke, og det de dekker "
                  "sammen. Se etter dimensjoner der den ene dekker den andres svake side.",
    },
    "en": {
        "title": "Plan for {name}",
        "subtitle": "Proposed veileder-pairs and distribution of brukere, office {enhet}",
        "office_id": "office {enhet}",
        "advice": "The proposals are advice to a leader, not decisions.",
        "contents": "Contents",
        "glance": "The office at a glance", "map": "Competence map",
        "pairs": "Veileder-pairs and division of labour",
        "distribution": "Distribution: proposed against today",
        "gaps": "Competence gaps, development and recruiting",
        "learning": "Learning network and mentoring", "fairness": "Fairness",
        "assumptions": "Assumptions, solution and provenance",
        "office": "The office",
        "staff": "{n} veiledere, {p} full positions, avdelinger: {a}",
        "brukere": "{n} brukere, {h} heavy cases, {d} not digital, {u} unassigned",
        "status": "Status", "options": "Options",
        "overload": "More work than capacity", "over": "Over (points)",
        "k_veiledere": "Veiledere", "k_positions": "Full positions", "k_brukere": "Brukere",
        "k_heavy": "Heavy cases", "k_pairs": "Proposed pairs", "k_moves": "Brukere who move",
        "k_shortfall": "Levels missing per bruker, today → proposal",
        "k_unmet": "Unmet high need, today → proposal",
        "by_group": "Brukere per innsatsgruppe", "group": "Innsatsgruppe", "count": "Brukere",
        "few": "fewer than {k}",
        "groups": {"STANDARD_INNSATS": "Standard follow-up",
                   "SITUASJONSBESTEMT_INNSATS": "Situation-based follow-up",
                   "SPESIELT_TILPASSET_INNSATS": "Specially adapted follow-up",
                   "GRADERT_VARIG_TILPASSET_INNSATS": "Partly lasting adapted follow-up",
                   "VARIG_TILPASSET_INNSATS": "Lasting adapted follow-up",
                   "TRENGER_VURDERING": "Needs an assessment",
                   "ung": "Young people under 30", "flyktning": "Refugees",
                   "aap": "Brukere on AAP", "sykefravaer": "People on sick leave",
                   "sosialhjelp": "Economic social assistance"},
        "map_lead": "How many brukere need level 4–5 in each dimension, and how many "
                    "veiledere are at that level.",
        "levels_head": "Veiledere per level (1 = new to it, 5 = can teach others)",
        "dimension": "Dimension",
        "avdeling_head": "Mean level per avdeling", "avdeling": "Avdeling",
        "avdeling_hidden": "Avdelinger with fewer than {k} veiledere are not in the means: "
                           "{names}.",
        "avdeling_complement": "{names} is left out too, so the smallest avdelinger cannot be "
                               "worked out from the office's figures.",
        "office_hidden": "The office has fewer than {k} veiledere, so their levels are not "
                         "shown together.",
        "n_people": "Veiledere",
        "heatmap": "Level per veileder",
        "heatmap_note": "Each row is a veileder, each column a dimension; a darker colour is a "
                        "higher level (1–5). Look for columns with few dark cells: there the "
                        "office is thin.",
        "veileder": "Veileder",
        "no_veiledere": "The office has no veiledere.",
        "pair": "Pair", "division": "Division of labour", "n_brukere": "Brukere",
        "capacity": "Capacity (points)",
        "trial": "Trial", "review": "trial, review on {date}", "trial_nodate": "trial",
        "review_overdue": "trial; its review was due on {date} and is overdue",
        "settled": "established pair", "shared": "Both: {work}", "likes": "likes it",
        "leads": "{who}: {work}",
        "pairs_note": "Brukere and capacity are the pair's in the proposal. A new pair is a "
                      "trial: the two confirm first, and the pair is reviewed on the date "
                      "shown. “Likes it” means the one who leads the work has said it gives "
                      "energy.",
        "why_pairs": "Why each pair",
        "alone": "Working alone", "reason": "Why",
        "no_pairs": "No pairs in this plan: everyone works alone.",
        "a_b": "Key figures", "best": "Best",
        "pref_note": "The shares of work that gives energy or drains rest on the veiledere's "
                     "own stated preferences.",
        "units": "Load per unit", "unit": "Unit", "load": "Load",
        "load_cap": "Load / capacity", "heavy": "Heavy cases / limit",
        "units_note": "Load and capacity in points (one full position = {c} points); the "
                      "units with the most load for their capacity come first.",
        "share": "Share of capacity",
        "moves": "Who moves and why", "bruker": "Bruker", "from": "From", "to": "To",
        "why": "Why", "gain": "Better fit",
        "moves_more": "{shown} of {n} moves shown (the largest gains).",
        "moves_units": "Moves per unit", "in": "In", "out": "Out",
        "moves_reasons": "Why the {n} move: {reasons}.",
        "why_moves": "Why, for the {n} largest moves",
        "no_moves": "No bruker changes veileder.",
        "no_distribution": "The plan has no distribution: {why}",
        "gaps_head": ("Dimension", "Need (mean)", "Competence (mean)", "Needs 4–5",
                      "Has 4–5", "Shortfall", "Share"),
        "gaps_note": "Need is the brukere's need levels weighted by workload; competence is "
                     "the veiledere's levels weighted by capacity. Shortfall is the fit the "
                     "allocation loses in the dimension. Every gain is verified by re-solving "
                     "the allocation; the interval is what both solutions' proofs allow.",
        "where_short": "Where the shortfall sits",
        "kinds": {"innsatsgruppe": "Innsatsgruppe", "malgruppe": "Target group",
                  "avdeling": "Avdeling"},
        "kind": "Grouped by", "group_name": "Group",
        "short_brukere": "Brukere short", "shortfall": "Shortfall",
        "groups_hidden": "{n} group(s) with fewer than {k} people not shown.",
        "h_development": "Development steps that matter most", "h_recruit": "Whom to recruit",
        "h_part_time": "Higher stillingsprosent",
        "step": "No.", "proposal": "Proposal", "verified": "Gain (verified)",
        "interval": "Best possible",
        "better": "Brukere helped",
        "gaps_people": "Training and unused competence",
        "no_gaps": "The plan has no gap analysis (turned off, or no distribution).",
        "no_learning": "The plan holds no proposed mentors yet; the office has {n} learning "
                       "relation(s) today.",
        "no_learning_time": "There was no time for a mentoring proposal within the time "
                            "limit: the distribution came first. The office has {n} learning "
                            "relation(s) today.",
        "mentor": "Mentor", "learner": "Learner", "mentor_work": "What (level mentor → learner)",
        "mentor_points": "Points the mentor gives", "mentor_benefit": "Value",
        "mentoring": "Proposed mentors", "why_mentors": "Why these mentors",
        "why_mentors_first": "Why these mentors (the first {n})",
        "no_fairness": "The fairness audit is not part of the plan yet.",
        "no_provenance": "The plan holds no provenance (source and version) yet.",
        "provenance": "Provenance",
        "decisions": "Where a leader decided otherwise than the proposal",
        "p_library": "navkompetanse, version", "p_solver": "Solver",
        "p_software": "Software", "p_input": "Fingerprint of the input (SHA-256)",
        "p_started": "Started", "p_ended": "Finished", "p_at": "{day} at {time} UTC",
        "policy": "Numbers the plan rests on", "value": "Value", "what": "What",
        "default_mark": "default", "changed": "changed",
        "solver": "The solution",
        "s_status": "Status", "s_pairing_gap": "Pairs: at most this much better is possible",
        "s_alloc_gap": "Distribution: at most this much better is possible (proven)",
        "s_objective": "Distribution's value / proven upper bound",
        "s_runtime": "Run time", "s_seconds": "{s} s",
        "generated": "Made in {s} seconds. The proposals are advice to a leader, not decisions.",
        "chart_missing": "The charts need matplotlib: pip install 'navkompetanse[plot]'.",
        "c_profile": "The chart shows the veiledere's level against the brukere's need, as a "
                     "mean per dimension. Look for dimensions where the need is above the level.",
        "c_loads_today": "The chart shows load against capacity per unit today. Look for units "
                         "past the line: the proposal relieves them.",
        "c_loads": "The chart shows load against capacity per unit in the proposal. Look for "
                   "units past the line: they have more than they can handle.",
        "c_shortfall": "The chart shows how many brukere lack how much, today and in the "
                       "proposal. Look for the bars moving towards no shortfall.",
        "c_learning": "The drawing shows who learns from whom. Look for veiledere without "
                      "links, and mentors with many.",
        "c_pair": "The chart shows the profile of {pair}: each one's strengths and what they "
                  "cover together. Look for dimensions where one covers the other's weak side.",
    },
}

#: The policy numbers the report lists, with what each means (nb, en) and how it is shown.
_POLICY_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("capacity_points_per_position", "Poeng én hel stilling kan bære",
     "Points one full position can carry", "num"),
    ("tung_sak_points", "Ekstra poeng for en tung sak", "Extra points for a heavy case", "num"),
    ("heavy_cases_per_position", "Flest tunge saker per hel stilling",
     "Most heavy cases per full position", "num"),
    ("balance_slack", "Hvor mye en enhet kan bære over sin rettferdige andel",
     "How much a unit may carry above its fair share", "pct"),
    ("pair_overhead", "Kapasitet et par bruker på samarbeid",
     "Capacity a pair spends on working together", "pct"),
    ("pair_trial_weeks", "Uker før et nytt par vurderes",
     "Weeks before a new pair is reviewed", "num"),
    ("pair_learning_bonus", "Bonus for par som har et læringsforhold",
     "Bonus for a pair who share a learning relation", "num"),
    ("continuity_bonus", "Verdien av å beholde veilederen",
     "Value of keeping one's veileder", "num"),
    ("preference_weight", "Vekt på veiledernes preferanser",
     "Weight of the veiledere's preferences", "num"),
    ("specialty_bonus", "Bonus for spesialfelt i brukerens målgruppe",
     "Bonus for a specialty in the bruker's target group", "num"),
    ("shortfall_exponent", "Hvor bratt mangel straffes (eksponent)",
     "How steeply a shortfall is penalised (exponent)", "num"),
    ("kommunal_only", "Sosialhjelp bare til kommunalt ansatte",
     "Sosialhjelp only to municipal employees", "bool"),
    ("mentoring_points_per_mentee", "Poeng en mentor setter av per lærling",
     "Points a mentor sets aside per learner", "num"),
    ("mentor_min_level", "Laveste nivå for å være mentor", "Lowest level to be a mentor",
     "num"),
)

_YES_NO = {"nb": ("ja", "nei"), "en": ("yes", "no")}


# --------------------------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------------------------

def office_summary_text(office: Office, lang: str = "nb") -> str:
    """The office in a few lines: staff, positions, brukere by innsatsgruppe (in words)."""
    s = office.summary()
    lines = [f"{s['name']} ({_TEXT[lang]['office_id'].format(enhet=s['enhet'])})",
             *(f"  {line}" for line in _office_lines(office, lang))]
    rows = _group_rows(office, lang)
    width = max((len(label) for label, _ in rows), default=0)
    lines += [f"    {label:<{width}}  {n:>6}" for label, n in rows]
    return "\n".join(lines)


def _group_rows(office: Office, lang: str) -> list[tuple[str, str]]:
    """Brukere per innsatsgruppe in words; a group under the sharing threshold as ``færre
    enn 5`` (the count of a handful of brukere can point at a person)."""
    t = _TEXT[lang]
    rows = []
    for code, n in office.summary()["brukere_by_innsatsgruppe"].items():
        shown = fmt(n, lang) if n >= SHARE_MIN_GROUP_SIZE else t["few"].format(
            k=SHARE_MIN_GROUP_SIZE)
        rows.append((t["groups"].get(code, code), shown))
    return rows


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


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    """A paragraph wrapped at :data:`TEXT_WIDTH` (no word broken)."""
    return textwrap.fill(text, TEXT_WIDTH, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False)


def _wrap_prose(text: str) -> str:
    """Lines of ``text`` longer than :data:`TEXT_WIDTH` wrapped, unless they are table rows
    (cells apart by two spaces), with their indentation kept."""
    out = []
    for line in text.splitlines():
        body = line.lstrip()
        if len(line) <= TEXT_WIDTH or "  " in body:
            out.append(line)
        else:
            out.append(_wrap(body, line[:len(line) - len(body)]))
    return "\n".join(out)


def _aligned(head: Sequence[str], rows: Iterable[Sequence[str]],
             right: Iterable[int] = ()) -> list[str]:
    """A plain-text table: columns padded to their widest cell, numbers (``right``) aligned
    right, a rule under the header."""
    rows = [list(map(str, r)) for r in rows]
    table = [list(head), *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    right = set(right)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [line(head), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


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
    """The plan as plain text, section by section (what ``navkompetanse plan`` prints): the
    same sections as the page, tables aligned, sentences wrapped at :data:`TEXT_WIDTH`."""
    t = _TEXT[lang]
    parts: list[str] = []
    if plan.overload is not None:  # the first thing a leader reads
        parts += [_section(t["overload"]),
                  _wrap(plan.overload.text(lang, plan.names, units=False))]
        parts += [f"- {line}" for line in overload_unit_lines(plan.overload, lang, plan.names)]
    parts += [_section(t["office"]), office_summary_text(plan.office, lang),
              _section(t["map"]), _wrap_prose(plan.competence_map.render(lang)),
              _section(t["pairs"]), *_pairs_text(plan, lang),
              _section(t["distribution"]), *_distribution_text(plan, lang)]
    if plan.gaps is not None:
        parts += [_section(t["gaps"]), *_gaps_text(plan, lang)]
    learning = _learning_view(plan, lang, charts=False)
    parts += [_section(t["learning"]), _wrap(learning["line"] or learning["message"])]
    if learning["rows"]:
        parts += ["", *_aligned(("", t["mentor"], t["learner"], t["mentor_work"],
                                 t["mentor_benefit"]),
                                [(r[0], r[1], r[2], r[3], r[5]) for r in learning["rows"]],
                                right=(4,))]
    parts += [_wrap(line, "  ", "- ") for line in learning["details"]]
    fairness = _fairness_view(plan, lang)
    parts += [_section(t["fairness"]), _wrap(fairness["line"] or fairness["message"])]
    parts += [_wrap(line, "  ", "- ") for line in fairness["details"]]
    parts += ["", _wrap(f"{t['status']}: {status_word(plan.status, lang)}. "
                        f"{_after_overload(plan, lang)}"),
              _wrap(f"{t['options']}: {options_text(plan, lang)}")]
    return "\n".join(parts).lstrip("\n")


def _pairs_text(plan: Plan, lang: str) -> list[str]:
    t = _TEXT[lang]
    view = _pairs_view(plan, lang, charts=False)
    out = [_wrap(view["message"])] if view["message"] else []
    for r in view["rows"]:  # a block per pair: the table's columns would be too wide here
        out += ["", f"{r['label']}: {r['n']} {t['n_brukere'].lower()}, {r['trial']}"]
        out += [_wrap(line, "      ", "    ") for line in r["division"]]
    if not view["rows"] and not view["singles"]:
        out.append(t["no_pairs"])
    if view["why"]:
        out += ["", t["why_pairs"] + ":"]
        out += [_wrap(item, "  ", "- ") for item in view["why"]]
    if view["singles"]:
        out += ["", t["alone"] + ":"]
        out += [_wrap(text, "  ", "- ") for _, _, text in view["singles"]]
    return out


def _decision_lines(plan: Plan, lang: str) -> list[str]:
    """Where a person disagreed with the proposal: each override, its reason, what the
    proposal had been and whether it held; then what they cost together."""
    out = []
    for applied in getattr(plan, "overrides", ()):
        o = applied.override
        if o.kind == "place":
            out.append(f"Bruker {o.bruker}: " + override_sentence(applied, plan.names, lang))
            continue
        pair = " + ".join(unit_label(m, plan.names) for m in o.members)
        before = {"proposed": {"nb": "forslaget hadde dem som par",
                               "en": "the proposal had them as a pair"},
                  "not_proposed": {"nb": "forslaget hadde dem ikke som par",
                                   "en": "the proposal did not pair them"}}.get(
            applied.proposed or "", {}).get(lang)
        if lang == "en":
            line = (f"A leader decided that {pair} {'shall' if o.kind == 'pair' else 'shall not'}"
                    f" be a pair (reason: {o.reason}).")
        else:
            line = (f"En leder har bestemt at {pair} {'skal' if o.kind == 'pair' else 'ikke skal'}"
                    f" være par (begrunnelse: {o.reason}).")
        if before:
            line += f" {before[0].upper()}{before[1:]}."
        if not applied.held:
            line += (" It could not hold: see the status." if lang == "en"
                     else " Det lot seg ikke gjennomføre: se status.")
        out.append(line)
    cost = getattr(plan, "override_cost", float("nan"))
    if out and np.isfinite(cost):
        out.append(f"Together the decisions change the plan's fit by {fmt(cost, lang, 2)} in "
                   "the model's terms." if lang == "en" else
                   f"Til sammen endrer beslutningene planens treff med {fmt(cost, lang, 2)} i "
                   "modellens mål.")
    return out


def _distribution_text(plan: Plan, lang: str) -> list[str]:
    t = _TEXT[lang]
    view = _distribution_view(plan, lang, charts=False)
    out = [_wrap(view["message"]), ""]
    if view["decisions"]:
        out += [_wrap(line, "  ", "- ") for line in view["decisions"]] + [""]
    if view["comparison"]:
        c = view["comparison"]
        out += _aligned(("", c["a"], c["b"], t["best"]),
                        [(r["label"], r["a"], r["b"], r["best"]) for r in c["rows"]],
                        right=(1, 2))
    if view["units"]:
        out += ["", t["units"] + ":"]
        out += _aligned((t["unit"], t["n_brukere"], t["load_cap"], t["heavy"]),
                        [(u["label"], u["n"], f"{u['load']} / {u['capacity']}", u["heavy"])
                         for u in view["units"]], right=(1, 2, 3))
    if view["moves"]:
        out += ["", t["moves"] + ":"]
        out += _aligned((t["bruker"], t["from"], t["to"], t["why"]),
                        [(m["bruker"], m["from_"], m["to"], m["reason"])
                         for m in view["moves"]])
        if view["moves_more"]:
            out.append(view["moves_more"])
    return out


def _gaps_text(plan: Plan, lang: str) -> list[str]:
    gaps = plan.gaps
    assert gaps is not None
    out = []
    for line in gaps.explain(lang=lang).splitlines():
        lead = re.match(r"\s*(\d+\.\s)?", line).group(0)  # "  1. " hangs its lines
        out.append(_wrap(line.strip(), " " * len(lead), first=lead))
    return out


# --------------------------------------------------------------------------------------------
# The page's data: one view per section (plain strings and numbers; the template escapes)
# --------------------------------------------------------------------------------------------

@dataclass
class Chart:
    """A chart on the page: the inline SVG (or None) and the sentence that reads it."""

    caption: str
    svg: Any = None  # markupsafe.Markup of an <svg> element
    missing: str = ""  # the one line that says which extra brings the chart


def _plot_module() -> Any:
    """:mod:`navkompetanse.plot`, or None when it or matplotlib is not installed (the plot
    module imports matplotlib only when it draws, so matplotlib is checked here)."""
    try:
        import matplotlib  # noqa: F401

        from . import plot  # type: ignore[attr-defined]
    except ImportError:
        return None
    return plot


_SVG_START = re.compile(r"<svg\b")
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def _chart(name: str, caption: str, lang: str, *args: Any, **kwargs: Any) -> Chart:
    """The chart ``plot.<name>(*args, lang=lang)`` as inline SVG with its caption."""
    t = _TEXT[lang]
    plot = _plot_module()
    draw: Callable[..., Any] | None = getattr(plot, name, None)
    to_svg: Callable[[Any], str] | None = getattr(plot, "to_svg", None)
    if draw is None or to_svg is None:
        return Chart(caption=caption, missing=t["chart_missing"])
    import markupsafe

    ax = draw(*args, lang=lang, **kwargs)
    svg = to_svg(ax)
    match = _SVG_START.search(svg)
    svg = _SVG_METADATA.sub("", svg[match.start():] if match else svg)
    return Chart(caption=caption, svg=markupsafe.Markup(svg))


def _glance_view(plan: Plan, lang: str) -> dict[str, Any]:
    t = _TEXT[lang]
    s = plan.office.summary()
    comparison = _comparison(plan, lang)
    keyed = {r.key: r for r in comparison.rows}

    def before_after(key: str, decimals: int) -> str:
        r = keyed.get(key)
        if r is None or not (np.isfinite(r.a) and np.isfinite(r.b)):
            return "–"
        return f"{fmt(r.a, lang, decimals)} → {fmt(r.b, lang, decimals)}"

    figures = [
        (t["k_veiledere"], fmt(s["n_veiledere"], lang)),
        (t["k_positions"], fmt(s["full_positions"], lang, 1)),
        (t["k_brukere"], fmt(s["n_brukere"], lang)),
        (t["k_heavy"], fmt(s["tunge_saker"], lang)),
        (t["k_pairs"], fmt(len(plan.pairs), lang)),
        (t["k_moves"], fmt(plan.allocation.n_moves, lang) if plan.allocation.ok else "–"),
        (t["k_shortfall"], before_after("mean_shortfall", 2)),
        (t["k_unmet"], before_after("unmet_high_need", 0)),
    ]
    return {"figures": figures, "lines": _office_lines(plan.office, lang),
            "groups": _group_rows(plan.office, lang),
            "chart": _chart("profile", t["c_profile"], lang, plan)
            if plan.office.n_veiledere else None}


def _map_view(plan: Plan, lang: str) -> dict[str, Any]:
    t = _TEXT[lang]
    cmap = plan.competence_map
    shared = cmap.to_dict(shareable=True)
    head, rows = cmap.table(lang, points=False)
    levels = None
    if shared["distribution"]:  # None when the office itself is under the threshold
        levels = {"head": (t["dimension"], *(str(lvl) for lvl in LEVELS)),
                  "rows": [(dimension_name(d, lang), *(fmt(n, lang) for n in counts))
                           for d, counts in shared["distribution"].items()]}
    avdelinger = [(a, fmt(shared["avdeling_sizes"][a], lang),
                   *(fmt(means[d], lang, 1) for d in _DIMS))
                  for a, means in shared["avdeling_levels"].items()]
    dims = [dimension_name(d, lang) for d in _DIMS]
    return {
        "message": cmap.describe(lang), "head": head, "rows": rows, "levels": levels,
        "avdelinger": avdelinger, "hidden": _hidden_avdelinger(shared["hidden"], lang),
        "avdeling_head": (t["avdeling"], t["n_people"], *dims),
        # the veileder × dimension heatmap (individual levels: the leader's own document)
        "chart": _chart("coverage", t["heatmap_note"], lang, plan)
        if cmap.n_veiledere else None,
    }


def _hidden_avdelinger(hidden: Mapping[str, Any], lang: str) -> str:
    """Which avdelinger the means leave out, and why (the groups rule, not the people: the
    heatmap below is the leader's own view of each veileder)."""
    t = _TEXT[lang]
    small = [a for a in hidden["avdelinger"] if a not in hidden["complementary"]]
    parts = []
    if hidden["office"]:
        parts.append(t["office_hidden"].format(k=SHARE_MIN_GROUP_SIZE))
    if small:
        parts.append(t["avdeling_hidden"].format(k=SHARE_MIN_GROUP_SIZE,
                                                 names=join(small, lang)))
    if hidden["complementary"]:
        parts.append(t["avdeling_complement"].format(names=join(hidden["complementary"],
                                                                 lang)))
    return " ".join(parts)


def _division(pair: Any, plan: Plan, lang: str) -> list[str]:
    """Who leads which kind of work in a pair, one line per member (and one for shared)."""
    t = _TEXT[lang]
    own: dict[str, list[str]] = {m: [] for m in pair.members}
    shared: list[str] = []
    for dim, who in pair.leads.items():
        code = str(getattr(dim, "value", dim))
        words = work_words(code, lang)
        if len(who) != 1:
            shared.append(words)
            continue
        reason = pair.lead_reason.get(dim)
        own[who[0]].append(f"{words} ({t['likes']})" if reason == "preference" else words)
    lines = [t["leads"].format(who=person(m, plan.names), work=join_work(work, lang))
             for m, work in own.items() if work]
    if shared:  # a line of its own, with its subject like the members' lines
        lines.append(t["shared"].format(work=join_work(shared, lang)))
    return lines


def _trial_text(pair: Any, today: dt.date | None, lang: str) -> str:
    """A pair's standing: settled, or a trial with its review date, said to be overdue when
    that date is before the plan's day (``today``)."""
    t = _TEXT[lang]
    if not pair.trial:
        return t["settled"]
    if pair.review_date is None:
        return t["trial_nodate"]
    key = "review_overdue" if today is not None and pair.review_date < today else "review"
    return t[key].format(date=date_text(pair.review_date, lang))


def _pairs_view(plan: Plan, lang: str, charts: bool = True) -> dict[str, Any]:
    t = _TEXT[lang]
    pairing = plan.pairing
    rows: list[dict[str, Any]] = []
    why: list[str] = []
    singles: list[tuple[str, str, str]] = []
    if pairing is not None:
        message = pairing.explain(lang=lang)
        for pair in pairing.pairs:
            unit = plan.allocation.units.get(pair.unit_id)
            trial = _trial_text(pair, pairing.today or plan.options.today, lang)
            rows.append({
                "label": unit_label(pair.unit_id, plan.names),
                "members": [person(m, plan.names) for m in pair.members],
                "division": _division(pair, plan, lang),
                "n": fmt(unit.n_brukere if unit else len(pair.brukere), lang),
                "capacity": fmt(pair.capacity_points, lang),
                "trial": trial,
            })
            why.append(pairing.explain(pair, lang=lang))
        singles = [(person(ident, plan.names), single_reason_text(code, lang),
                    pairing.explain(ident, lang=lang))
                   for ident, code in sorted(pairing.singles.items())]
    else:
        message = "" if plan.pairs else t["no_pairs"]
        for members in plan.pairs:
            unit = plan.allocation.units.get("+".join(members))
            rows.append({"label": unit_label("+".join(members), plan.names),
                         "members": [person(m, plan.names) for m in members], "division": [],
                         "n": fmt(unit.n_brukere, lang) if unit else "–",
                         "capacity": fmt(unit.capacity_points, lang) if unit else "–",
                         "trial": "–"})
            why.append(plan.explain(members, lang=lang))
    chart = None
    if charts and pairing is not None and pairing.pairs:
        first = max(pairing.pairs, key=lambda p: p.gain)
        chart = _chart("profile", t["c_pair"].format(pair=unit_label(first.unit_id,
                                                                      plan.names)),
                       lang, plan, first.members)
    return {"message": message, "rows": rows, "why": why, "singles": singles, "chart": chart}


def _comparison_view(plan: Plan, lang: str) -> dict[str, Any] | None:
    comparison = _comparison(plan, lang)
    rows = []
    for row in comparison.rows:
        best = {"a": comparison.a_label, "b": comparison.b_label, "=": "="}.get(
            row.better or "", "–")
        show = (lambda v: percent(v, lang, 0)) if row.key.endswith("_share") else (
            lambda v: number(v, lang))
        rows.append({"label": row.label, "a": show(row.a), "b": show(row.b), "best": best,
                     "b_better": row.better == "b", "a_better": row.better == "a"})
    has_pref = any(r.key.endswith("_share") for r in comparison.rows)
    return {"a": comparison.a_label, "b": comparison.b_label, "rows": rows,
            "preferences": has_pref}


def _distribution_view(plan: Plan, lang: str, charts: bool = True) -> dict[str, Any]:
    t = _TEXT[lang]
    allocation = plan.allocation
    view: dict[str, Any] = {
        "message": _after_overload(plan, lang, allocation.describe(lang)),
        "ok": allocation.ok, "comparison": None, "units": [], "moves": [],
        "moves_more": "", "moves_units": [], "charts": [], "why_moves": [],
        "why_moves_head": "", "moves_reasons": "",
        "units_note": t["units_note"].format(
            c=fmt(plan.policy.capacity_points_per_position, lang)),
    }
    view["decisions"] = _decision_lines(plan, lang)
    if not allocation.ok:
        return view
    view["comparison"] = _comparison_view(plan, lang)
    for u in sorted(allocation.units.values(), key=lambda u: (-u.utilisation, u.id)):
        share = u.utilisation if np.isfinite(u.utilisation) else 0.0
        view["units"].append({
            "label": unit_label(u.id, plan.names), "n": fmt(u.n_brukere, lang),
            "load": fmt(u.load_points, lang, 0), "capacity": fmt(u.capacity_points, lang, 0),
            "over": share > 1 + 1e-9, "share": percent(share, lang, 0),
            "heavy": f"{fmt(u.heavy_cases, lang)} / {fmt(u.heavy_limit, lang, 0)}",
            "heavy_over": u.heavy_cases > u.heavy_limit + 1e-9,
        })
    for m in allocation.moves[:N_MOVES_SHOWN]:
        view["moves"].append({
            "bruker": m.bruker_id, "from_": unit_label(m.from_unit, plan.names),
            "to": unit_label(m.to_unit, plan.names),
            "reason": move_reason_text(m.reason, lang), "gain": fmt(m.fit_gain, lang, 2)})
    view["why_moves"] = [allocation.explain(m.bruker_id, lang=lang)
                         for m in allocation.moves[:N_MOVES_EXPLAINED]]
    view["why_moves_head"] = t["why_moves"].format(n=fmt(len(view["why_moves"]), lang))
    reasons = Counter(m.reason for m in allocation.moves)
    if reasons:
        view["moves_reasons"] = t["moves_reasons"].format(
            n=fmt(allocation.n_moves, lang), reasons=join(
                [f"{fmt(n, lang)} {move_reason_text(code, lang)}"
                 for code, n in reasons.most_common()], lang))
    if allocation.n_moves > N_MOVES_SHOWN:
        view["moves_more"] = t["moves_more"].format(shown=fmt(N_MOVES_SHOWN, lang),
                                                    n=fmt(allocation.n_moves, lang))
    gets = Counter(m.to_unit for m in allocation.moves)
    gives = Counter(m.from_unit for m in allocation.moves)
    view["moves_units"] = [(unit_label(u, plan.names), fmt(gets[u], lang), fmt(gives[u], lang))
                           for u in sorted(set(gets) | set(gives),
                                           key=lambda u: (-gets[u] - gives[u], u))]
    if charts:
        view["charts"] = [_chart("shortfall", t["c_shortfall"], lang, plan),
                          _chart("loads", t["c_loads_today"], lang, plan.today),
                          _chart("loads", t["c_loads"], lang, plan)]
    return view


def _gaps_view(plan: Plan, lang: str) -> dict[str, Any] | None:
    """The gap analysis as the page shows it: tables per dimension, group and proposal."""
    gaps = plan.gaps
    if gaps is None:
        return None
    t = _TEXT[lang]
    rows = [(dimension_name(d.dimension, lang), fmt(d.demand, lang, 1), fmt(d.supply, lang, 1),
             percent(d.demand_high, lang, 0), percent(d.supply_high, lang, 0),
             fmt(d.shortfall, lang, 1), percent(d.share, lang, 0)) for d in gaps.dimensions]
    shared = gaps.to_dict(shareable=True)  # groups under the threshold left out
    groups = [(t["kinds"].get(g["kind"], g["kind"]),
               t["groups"].get(g["group"], g["group"]),
               fmt(g["brukere_short"], lang, 0), fmt(g["shortfall"], lang, 1))
              for g in sorted(shared["groups"],
                              key=lambda g: (_KIND_ORDER.get(g["kind"], 9), -g["shortfall"]))
              if g["shortfall"] > 0]
    n_hidden = shared["hidden"]["groups"]

    def table(items: Sequence[Any]) -> list[tuple[str, ...]]:
        return [(f"{p.rank}.", _proposal_step(gaps, p, lang), fmt(p.gain, lang, 1),
                 f"{fmt(p.gain_low, lang, 1)}–{fmt(p.gain_high, lang, 1)}",
                 fmt(p.brukere_better, lang)) for p in items]

    proposals = [(heading, table(items)) for heading, items in (
        (t["h_development"], gaps.development), (t["h_recruit"], gaps.recruiting),
        (t["h_part_time"], gaps.part_time)) if items]
    people = [gaps._training_text(n, lang) for n in gaps.training]
    people += [gaps._underused_text(u, lang) for u in gaps.underused]
    return {"message": gaps.describe(lang), "head": t["gaps_head"], "rows": rows,
            "groups": groups,
            "groups_hidden": t["groups_hidden"].format(n=fmt(n_hidden, lang),
                                                       k=SHARE_MIN_GROUP_SIZE)
            if n_hidden else "",
            "proposals": proposals,
            "proposal_head": (t["step"], t["proposal"], t["verified"], t["interval"],
                              t["better"]),
            "people": people}


#: The order of the groups in "where the shortfall sits".
_KIND_ORDER = {"avdeling": 0, "innsatsgruppe": 1, "malgruppe": 2}


def _proposal_step(gaps: Any, proposal: Any, lang: str) -> str:
    """The step of a proposal in words, without the sentence of its value (the table has the
    numbers)."""
    value = GAP_TEXT[lang]["value"].format(
        gain=fmt(proposal.gain, lang, 1), low=fmt(proposal.gain_low, lang, 1),
        high=fmt(proposal.gain_high, lang, 1), n=fmt(proposal.brukere_better, lang))
    return gaps.proposal_text(proposal, lang).removesuffix(" " + value)


def _learning_view(plan: Plan, lang: str, charts: bool = True) -> dict[str, Any]:
    """The learning network (a drawing of the office's learning relations and the plan's
    pairs) and the proposed mentoring, or one line when the plan holds no learning plan."""
    t = _TEXT[lang]
    learning = getattr(plan, "learning", None)
    chart = (_chart("learning_network", t["c_learning"], lang, plan)
             if charts and plan.office.n_veiledere else None)
    view: dict[str, Any] = {"line": "", "message": "", "summary": [], "rows": [],
                            "details": [], "reasons": [], "chart": chart,
                            "why_head": t["why_mentors"]}
    if learning is None:
        # the time limit left it out (the provenance's steps say so)
        steps = getattr(getattr(plan, "provenance", None), "steps", None) or {}
        skipped = bool(steps.get("learning", {}).get("skipped"))
        view["line"] = t["no_learning_time" if skipped else "no_learning"].format(
            n=fmt(len(plan.office.learning_relations), lang))
        return view
    network = getattr(plan, "learning_network", None)
    view["message"] = " ".join(
        ([network.describe(lang)] if network is not None else []) + [learning.describe(lang)])
    view["summary"] = [(str(k), str(v)) for k, v in learning._summary(lang)]
    proposals = getattr(learning, "proposals", ())
    view["rows"] = [(f"{p.rank}.", person(p.mentor, plan.names), person(p.learner, plan.names),
                     f"{work_words(p.dimension, lang)} ({p.mentor_level} → "
                     f"{p.learner_level})", fmt(p.points, lang, 1), fmt(p.benefit, lang, 2))
                    for p in proposals]
    view["reasons"] = [learning.proposal_text(p, lang)
                       for p in proposals[:N_MENTORS_EXPLAINED]]
    view["details"] = [line for line in _explain_lines(learning, lang)
                        if not re.match(r"\d+\. ", line)]
    view["why_head"] = (t["why_mentors_first"].format(n=fmt(N_MENTORS_EXPLAINED, lang))
                        if len(proposals) > N_MENTORS_EXPLAINED else t["why_mentors"])
    return view


def _explain_lines(result: Any, lang: str) -> list[str]:
    """``result.explain(lang=...)`` as lines, without the message the page already shows."""
    text = result.explain(lang=lang)
    lines = [line.strip().removeprefix("- ") for line in text.splitlines() if line.strip()]
    message = result.describe(lang).strip()
    return [line for line in lines if line != message]


def _fairness_view(plan: Plan, lang: str) -> dict[str, Any]:
    fairness = getattr(plan, "fairness", None)
    if fairness is None:
        return {"line": _TEXT[lang]["no_fairness"], "message": "", "details": []}
    return {"line": "", "message": fairness.describe(lang),
            "details": _explain_lines(fairness, lang)}


def _assumptions_view(plan: Plan, lang: str) -> dict[str, Any]:
    t = _TEXT[lang]
    from .policy import Policy

    default = Policy()
    yes, no = _YES_NO[lang]
    rows = []
    for name, nb, en, kind in _POLICY_ROWS:
        if not hasattr(plan.policy, name):
            continue
        value = getattr(plan.policy, name)
        shown = (percent(value, lang, 0) if kind == "pct" else (yes if value else no)
                 if kind == "bool" else fmt(value, lang, 2))
        mark = t["default_mark"] if value == getattr(default, name) else t["changed"]
        rows.append((nb if lang == "nb" else en, shown, mark))
    solver = [(t["s_status"], status_word(plan.status, lang))]
    if plan.pairing is not None and np.isfinite(plan.pairing.gap):
        solver.append((t["s_pairing_gap"], percent(plan.pairing.gap, lang, 3)))
    allocation = plan.allocation
    if allocation.ok and np.isfinite(allocation.gap):
        solver.append((t["s_alloc_gap"], percent(allocation.gap, lang, 3)))
        solver.append((t["s_objective"], f"{fmt(allocation.objective, lang, 1)} / "
                                         f"{fmt(allocation.bound, lang, 1)}"))
    solver.append((t["s_runtime"], t["s_seconds"].format(s=fmt(plan.runtime_s, lang, 1))))
    prov = _provenance_rows(getattr(plan, "provenance", None), lang)
    return {"policy": rows, "solver": solver, "options": options_text(plan, lang),
            "provenance": prov, "no_provenance": t["no_provenance"] if not prov else ""}


def _provenance_rows(provenance: Any, lang: str) -> list[tuple[str, str]]:
    """Where the plan came from: versions, the input's fingerprint and when it was made
    (the policy and options are in their own tables)."""
    if provenance is None:
        return []
    t = _TEXT[lang]
    highs = str(provenance.highs).split(" (")[0]  # "1.12.0 (bundled with scipy)"
    return [
        (t["p_library"], str(provenance.library)),
        (t["p_solver"], f"HiGHS {highs}"),
        (t["p_software"], f"Python {provenance.python}, numpy {provenance.numpy}, "
                          f"scipy {provenance.scipy}, pydantic {provenance.pydantic}, "
                          f"networkx {provenance.networkx}"),
        (t["p_input"], str(provenance.input_sha256)),
        (t["p_started"], _when(provenance.started_at, lang)),
        (t["p_ended"], _when(provenance.ended_at, lang)),
    ]


def _when(iso: str, lang: str) -> str:
    """``2026-12-02T04:52:19.062+00:00`` as ``2. desember 2026 kl. 04:52:19 UTC``."""
    try:
        moment = dt.datetime.fromisoformat(iso).astimezone(dt.UTC)
    except ValueError:
        return iso
    return _TEXT[lang]["p_at"].format(day=date_text(moment.date(), lang),
                                      time=moment.strftime("%H:%M:%S"))


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
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
    return env.get_template(TEMPLATE)


def plan_html(plan: Plan, lang: str = "nb") -> str:
    """The plan as one self-contained HTML page (inline CSS and SVG, no scripts, no network),
    section by section (:data:`SECTIONS`); prints on A4 with a page per section."""
    t = _TEXT[lang]
    return _template().render(
        lang=lang, t=t, plan=plan, office=plan.office, sections=SECTIONS,
        status=status_word(plan.status, lang), message=_after_overload(plan, lang),
        overload=plan.overload.text(lang, plan.names, units=False)
        if plan.overload is not None else None,
        glance=_glance_view(plan, lang), map=_map_view(plan, lang),
        pairs=_pairs_view(plan, lang), distribution=_distribution_view(plan, lang),
        gaps=_gaps_view(plan, lang), learning=_learning_view(plan, lang),
        fairness=_fairness_view(plan, lang), assumptions=_assumptions_view(plan, lang),
        runtime=fmt(plan.runtime_s, lang, 1),
    )
