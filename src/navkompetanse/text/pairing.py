"""Plain-language texts for pairing results: one phrase table per language.

Private helper of :mod:`navkompetanse.pairing`. Every sentence a person reads about a pairing
(the message, ``explain`` of a pair, a single or the whole proposal, the statement of what is
proven, the frame's ``reason_text``) is built here from the tables ``_NB`` and ``_EN``, which
have the same keys, so Norwegian and English never drift apart. Reason codes (``no_gain``,
``rule:forbidden``…) stay codes in the result; only their text comes from here. People are
named with the office's names where it has them (``Kari Nordmann (Z123456)``), idents
otherwise; numbers go through :func:`navkompetanse.text.fmt` (decimal comma in Norwegian).

Examples
--------
>>> reason_text("rule:same_avdeling"), reason_text("rule:same_avdeling", "en")
('en regel: par bare innen samme avdeling', 'a rule: pairs only within the same avdeling')
>>> dimensions_text(["relasjonell", "forvaltning"], "en")
'relational and regulations'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import check_lang, dimension_name, fmt, join, levels_text, percent, person, work_words

__all__ = [
    "REASONS",
    "date_text",
    "dimensions_text",
    "dissolved_text",
    "explain_pair",
    "explain_single",
    "message_text",
    "not_proposed_text",
    "optimality_text",
    "phrase",
    "reason_text",
    "summary_labels",
    "summary_text",
]

#: Reason codes of ``PairingResult.singles`` (why a veileder works alone).
REASONS = ("not_pairable", "no_gain", "left_over", "capacity", "rule:same_avdeling",
           "rule:forbidden", "rule:max_pairs")

_NB: dict[str, str] = {
    # reasons (the frame's reason_text)
    "reason:not_pairable": "ikke aktuell for par",
    "reason:no_gain": "ingen partner gir gevinst",
    "reason:left_over": "de beste partnerne gjør mer nytte i andre par",
    "reason:capacity": "kontoret har ikke kapasitet til flere par",
    "reason:rule:same_avdeling": "en regel: par bare innen samme avdeling",
    "reason:rule:forbidden": "en regel: et par som er utelukket",
    "reason:rule:max_pairs": "en regel: et tak på antall par",
    # why a veileder works alone
    "single:not_pairable": "{who} er merket som ikke aktuell for par, og jobber alene.",
    "single:no_gain": ("{who} jobber alene: ikke noe par med en av kollegene ville dekket "
                       "nok mer av brukernes behov til at det lønner seg."),
    "single:left_over": "{who} jobber alene: de beste partnerne gjør mer nytte i andre par.",
    "single:capacity": ("{who} jobber alene: kontoret har ikke ledig kapasitet til enda et par "
                        "(et par bruker {share} av kapasiteten sin på samarbeid)."),
    "single:rule": "{who} jobber alene fordi en regel stenger for den beste partneren: {rule}.",
    "rule:same_avdeling": "par bare innen samme avdeling",
    "rule:forbidden": "et par som er utelukket",
    "rule:max_pairs": "et tak på antall par",
    "estimate": (" Beste alternativ er {partner}, anslått gevinst {gain} (et anslag fra prisene "
                 "i fordelingen, ikke regnet ut eksakt)."),
    "dissolved": ("Leder har låst {member} i et annet par, så paret med {partner} fra i dag "
                  "er oppløst."),
    # a pair
    "pinned": "er låst som par av leder",
    "existing": "fortsetter som par",
    "proposed": "foreslås som veileder-par",
    "pair_head": "{a} og {b} {status} (gevinst {gain} i dekning).",
    "leads": "{who} leder {dims} ({tasks})",
    "share": "De deler {dims}.",
    "takes": "I fordelingen får paret {n} brukere",
    "only": "; {n} av dem har behov ingen av dem dekker alene",
    "example": " (for eksempel {need})",
    "capacity": "Felles kapasitet: {points} poeng ({own}, minus {share} til samarbeid).",
    "learning": "De har allerede et læringsforhold, og det teller med.",
    "no_gain": "Paret gir ingen gevinst i dekning; det står fordi leder har låst det.",
    # the same kinds of work in a sentence about who does what (definite form)
    "work:relasjonell": "brukermøtene",
    "work:struktur": "planleggingen",
    "work:forvaltning": "saksbehandlingen",
    "work:digital": "den digitale oppfølgingen",
    # preference in the division of labour (scoring.lead_members)
    "likes_two": "{a} tar det meste av {work_a}, og {b} har {work_b} — det de liker å jobbe med.",
    "likes_one": "{who} tar det meste av {work} og liker å jobbe med det.",
    "spared": "{who} tar {work}, så {other} slipper arbeid som tapper.",
    "drains_forced": ("{who} må lede {work} selv om det tapper: {other} står mer enn ett nivå "
                      "svakere der. Det trekker verdien av paret litt ned."),
    "drains_both": "{who} leder {work}, som tapper dem begge.",
    "drains_shared": "De deler {work}, som tapper dem begge.",
    # a pair is a trial (DOMAIN.md: "a fairly solid relationship", tried "as an experiment")
    "trial_new": ("Paret er et forsøk: {a} og {b} bekrefter først at de vil prøve, og paret "
                  "vurderes {date}."),
    "trial_ongoing": ("Paret er et forsøk som startet {started} og ikke er bekreftet ennå; det "
                      "vurderes {date}."),
    "trial_overdue": ("Paret er et forsøk som startet {started} og ikke er bekreftet ennå; "
                      "vurderingen var satt til {date} og gjenstår."),
    "trial_undated": "Paret er et forsøk som ikke er bekreftet ennå.",
    "trust": "Dette taler for at de kan jobbe godt sammen: {items}.",
    "no_trust": ("Kontoret har ingen opplysninger om at de har jobbet sammen før, så det er "
                 "bekreftelsen fra dem som teller."),
    "trust:learning": "de har et læringsforhold ({mentor} er mentor for {learner})",
    "trust:was_pair": "de var et par {span}",
    "trust:is_pair": "de er et par i dag",
    "trust:is_pair_since": "de er et par i dag, siden {started}",
    "span:both": "fra {started} til {ended}",
    "span:ended": "fram til {ended}",
    "confirmed": ", bekreftet av begge",
    "unconfirmed": ", uten at paret ble bekreftet",
    # pairs that are not proposed, and why
    "not_proposed:office": ("{a} og {b} foreslås ikke som par: kontoret har merket at paret "
                            "ikke skal foreslås igjen («{reason}»)."),
    "not_proposed:caller": "{a} og {b} foreslås ikke som par: leder har utelukket det{reason}.",
    "caller_reason": " («{reason}»)",
    # the whole proposal
    "summary": "Forslaget har {pairs} par og {singles} som jobber alene.",
    "proven": ("Forslaget er beviselig best: ingen annen sammensetning av par kan gi bedre "
               "dekning i denne modellen."),
    "optimal": "Ingen annen sammensetning av par kan gi bedre dekning i denne modellen.",
    "gap": "Den beste mulige sammensetningen er høyst {gap} bedre i denne modellen.",
    "no_veileder": ("{n} brukere og ingen veileder å følge dem opp; legg til veiledere "
                    "først."),
    "note:dissolved": ("{n} par fra i dag er oppløst fordi leder har låst et av medlemmene i et "
                       "annet par: {pairs}."),
    "note:overloaded": ("Kontoret har mer arbeid enn kapasitet ({load} poeng mot {total}), "
                        "og hvert par bruker {share} av kapasiteten sin på samarbeid. Det "
                        "gjør overbelastningen større, så et par foreslås bare der gevinsten "
                        "i dekning er større enn verdien av kapasiteten det koster ({price} "
                        "per poeng)."),
    "note:full": ("Kontoret har ingen ledig kapasitet ({load} poeng mot {total}), og hvert "
                  "par bruker {share} av kapasiteten sin på samarbeid. Det gir "
                  "overbelastning, så et par foreslås bare der gevinsten i dekning er større "
                  "enn verdien av kapasiteten det koster ({price} per poeng)."),
    "note:capacity": ("Kontoret har {room} poeng ledig kapasitet, og hvert par bruker {share} "
                      "av kapasiteten sin på samarbeid; det er ikke plass til flere par."),
    "note:pinned_over": ("De låste parene bruker {cost} poeng på samarbeid, mer enn de {room} "
                         "poengene kontoret har ledig; fordelingen må da tillate "
                         "overbelastning."),
    "note:time_limit": "Tidsgrensen ble nådd før søket var ferdig.",
    "note:lower_bounds": "{n} av gevinstene er nedre grenser, ikke eksakte tall.",
    "note:estimates": ("For {n} som jobber alene er den beste partneren bare et anslag (se "
                       "forklaringen for hver)."),
    "note:trial": ("Det nye paret er et forsøk: de to bekrefter først at de vil prøve, og "
                   "paret vurderes {date}."),
    "note:trials": ("De {n} nye parene er forsøk: de to i hvert par bekrefter først at de vil "
                    "prøve, og parene vurderes {date}."),
    "note:not_proposed": ("Par som kontoret har merket at ikke skal foreslås igjen, er ikke "
                          "foreslått: {pairs}."),
    # what is proven
    "opt:none": ("Ingen sammensetning av par kan vurderes: kontoret har ingen veileder å "
                 "fordele brukerne på."),
    "opt:proven": ("Beviselig best ved gren-og-grense over alle mulige par: ingen tillatt "
                   "sammensetning har høyere verdi enn {objective} i fordelingsmodellen "
                   "({nodes} noder, {lps} beregninger av fordelingen){max_pairs}."),
    "opt:max_pairs": ", taket på antall par medregnet",
    "opt:bound": ("Forslagets verdi {objective} er innenfor {diff} ({gap}) av {bound}, en "
                  "bevist øvre grense for verdien av enhver tillatt sammensetning av par "
                  "({source})."),
    "opt:bound_met": ("Forslagets verdi {objective} er lik en bevist øvre grense for verdien "
                      "av enhver tillatt sammensetning av par ({source})."),
    "src:bb": ("gren-og-grense stoppet etter {nodes} noder; grensen er den største blant de "
               "åpne nodene"),
    "src:lagrange": "en Lagrange-grense fra prisene på brukerne",
    "src:lagrange_max_pairs": ("en Lagrange-grense fra prisene på brukerne; den ser bort fra "
                               "taket på antall par og kan være romslig"),
    "matching": ("Valget av par er eksakt for de verdiene parene får, og hver sammensetning "
                 "vurderes etter fordelingen av brukere den gir."),
    # labels
    "label:pairs": "Par",
    "label:singles": "Alene",
    "label:gap": "Avstand til grensen",
}

_EN: dict[str, str] = {
    "reason:not_pairable": "not available for pairs",
    "reason:no_gain": "no partner adds value",
    "reason:left_over": "the best partners do more good in other pairs",
    "reason:capacity": "the office has no capacity for more pairs",
    "reason:rule:same_avdeling": "a rule: pairs only within the same avdeling",
    "reason:rule:forbidden": "a rule: a pair that is ruled out",
    "reason:rule:max_pairs": "a rule: a cap on the number of pairs",
    "single:not_pairable": "{who} is marked as not available for pairs and works alone.",
    "single:no_gain": ("{who} works alone: no pair with one of the colleagues would cover "
                       "enough more of the brukere's needs to pay off."),
    "single:left_over": "{who} works alone: the best partners do more good in other pairs.",
    "single:capacity": ("{who} works alone: the office has no capacity to spare for another "
                        "pair (a pair spends {share} of its capacity on working together)."),
    "single:rule": "{who} works alone because a rule blocks the best partner: {rule}.",
    "rule:same_avdeling": "pairs only within the same avdeling",
    "rule:forbidden": "a pair that is ruled out",
    "rule:max_pairs": "a cap on the number of pairs",
    "estimate": (" The best alternative is {partner}, estimated gain {gain} (an estimate from "
                 "the allocation's prices, not computed exactly)."),
    "dissolved": ("The leader pinned {member} in another pair, so today's pair with {partner} "
                  "is dissolved."),
    "pinned": "are pinned as a pair by the leader",
    "existing": "continue as a pair",
    "proposed": "are proposed as a pair",
    "pair_head": "{a} and {b} {status} (gain {gain} in cover).",
    "leads": "{who} leads {dims} ({tasks})",
    "share": "They share {dims}.",
    "takes": "In the allocation the pair takes {n} brukere",
    "only": "; {n} of them have needs neither covers alone",
    "example": " (for example {need})",
    "capacity": "Joint capacity: {points} points ({own}, less {share} for working together).",
    "learning": "They already have a learning relation, which counts.",
    "no_gain": "The pair gains nothing in cover; it stands because it is pinned.",
    "work:relasjonell": "the meetings with brukere",
    "work:struktur": "the planning",
    "work:forvaltning": "the casework",
    "work:digital": "the digital follow-up",
    "likes_two": "{a} takes most of {work_a}, and {b} has {work_b} — what they enjoy doing.",
    "likes_one": "{who} takes most of {work} and enjoys it.",
    "spared": "{who} takes {work}, so {other} is spared work that drains.",
    "drains_forced": ("{who} has to lead {work} although it is draining: {other} is more than "
                      "one level weaker there. That lowers the pair's value a little."),
    "drains_both": "{who} leads {work}, which drains them both.",
    "drains_shared": "They share {work}, which drains them both.",
    "trial_new": ("The pair is a trial: {a} and {b} first confirm that they want to try, and "
                  "the pair is reviewed on {date}."),
    "trial_ongoing": ("The pair is a trial that started on {started} and is not yet "
                      "confirmed; it is reviewed on {date}."),
    "trial_overdue": ("The pair is a trial that started on {started} and is not yet "
                      "confirmed; its review was due on {date} and is still to be done."),
    "trial_undated": "The pair is a trial that is not yet confirmed.",
    "trust": "What suggests they can work well together: {items}.",
    "no_trust": ("The office has no record of them working together before, so their own "
                 "confirmation is what counts."),
    "trust:learning": "they have a learning relation ({mentor} mentors {learner})",
    "trust:was_pair": "they were a pair {span}",
    "trust:is_pair": "they are a pair today",
    "trust:is_pair_since": "they are a pair today, since {started}",
    "span:both": "from {started} to {ended}",
    "span:ended": "until {ended}",
    "confirmed": ", confirmed by both",
    "unconfirmed": ", never confirmed",
    "not_proposed:office": ("{a} and {b} are not proposed as a pair: the office marked the pair "
                            "not to be proposed again (“{reason}”)."),
    "not_proposed:caller": ("{a} and {b} are not proposed as a pair: the leader ruled it "
                            "out{reason}."),
    "caller_reason": " (“{reason}”)",
    "summary": "The proposal has {pairs} {pair_word} and {singles} working alone.",
    "proven": ("The proposal is proven best: no other set of pairs can give better cover in "
               "this model."),
    "optimal": "No other set of pairs can give better cover in this model.",
    "gap": "The best possible set of pairs is at most {gap} better in this model.",
    "no_veileder": "{n} brukere and no veileder to follow them up; add veiledere first.",
    "note:dissolved": ("{n} of today's pairs dissolved because the leader pinned one of its "
                       "members in another pair: {pairs}."),
    "note:overloaded": ("The office has more work than capacity ({load} points against "
                        "{total}), and every pair spends {share} of its capacity on working "
                        "together. That adds to the overload, so a pair is proposed only where "
                        "its gain in cover is larger than the value of the capacity it costs "
                        "({price} per point)."),
    "note:full": ("The office has no capacity to spare ({load} points against {total}), and "
                  "every pair spends {share} of its capacity on working together. That makes "
                  "an overload, so a pair is proposed only where its gain in cover is larger "
                  "than the value of the capacity it costs ({price} per point)."),
    "note:capacity": ("The office has {room} points of capacity to spare, and every pair "
                      "spends {share} of its capacity on working together; there is no room "
                      "for more pairs."),
    "note:pinned_over": ("The pinned pairs spend {cost} points on working together, more than "
                         "the {room} points the office has to spare; the allocation will have "
                         "to allow overload."),
    "note:time_limit": "The time limit was reached before the search finished.",
    "note:lower_bounds": "{n} of the gains are lower bounds, not exact figures.",
    "note:estimates": ("For {n} of those working alone the best partner is an estimate only "
                       "(see the explanation of each)."),
    "note:trial": ("The new pair is a trial: the two first confirm that they want to try, and "
                   "the pair is reviewed on {date}."),
    "note:trials": ("The {n} new pairs are trials: the two in each pair first confirm that "
                    "they want to try, and the pairs are reviewed on {date}."),
    "note:not_proposed": ("Pairs the office marked not to be proposed again are not "
                          "proposed: {pairs}."),
    "opt:none": "No pairing can be judged: the office has no veileder to allocate to.",
    "opt:proven": ("Proven optimal by branch-and-bound over pairings: no permitted set of "
                   "pairs has a higher value than {objective} in the allocation model "
                   "({nodes} nodes, {lps} allocation LPs){max_pairs}."),
    "opt:max_pairs": ", the cap on pairs included",
    "opt:bound": ("The proposal's value {objective} is within {diff} ({gap}) of {bound}, a "
                  "proven upper bound on the value of every permitted set of pairs "
                  "({source})."),
    "opt:bound_met": ("The proposal's value {objective} equals a proven upper bound on the "
                      "value of every permitted set of pairs ({source})."),
    "src:bb": ("branch-and-bound over pairings stopped by its budget after {nodes} nodes; the "
               "bound is the largest of its open nodes"),
    "src:lagrange": "a Lagrangian bound from bruker prices",
    "src:lagrange_max_pairs": ("a Lagrangian bound from bruker prices; it ignores the cap on "
                               "pairs, so it may be loose"),
    "matching": ("The choice of pairs is exact for the values the pairs are given, and every "
                 "set of pairs is judged by the allocation of brukere it makes possible."),
    "label:pairs": "Pairs",
    "label:singles": "Alone",
    "label:gap": "Gap to the bound",
}

_TABLES = {"nb": _NB, "en": _EN}
assert _NB.keys() == _EN.keys()

_MONTHS = {
    "nb": ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
           "oktober", "november", "desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
#: A preference (``Preference`` value) as a sign.
_SIGN = {"energi": 1, "noytral": 0, "tapper": -1}


def phrase(key: str, lang: str = "nb", **values: Any) -> str:
    """The phrase ``key`` in ``lang`` with ``values`` filled in."""
    text = _TABLES[check_lang(lang)][key]
    return text.format(**values) if values else text


def reason_text(code: str, lang: str = "nb") -> str:
    """A reason code of ``PairingResult.singles`` in words (``no_gain`` → ``ingen partner…``)."""
    table = _TABLES[check_lang(lang)]
    return table.get(f"reason:{code}", code)


def dimensions_text(dimensions: Iterable[Any], lang: str = "nb") -> str:
    """Dimensions as a list in the reader's language: ``relasjonell og struktur``."""
    return join([dimension_name(d, lang) for d in dimensions], lang)


def explain_pair(pair: Any, lang: str, names: Mapping[str, str], overhead: float,
                 today: dt.date | None = None) -> str:
    """Why two veiledere are (or stay) a pair: who leads what and whether they like it, what
    they take, and for a trial its review date and the evidence of trust the data has."""
    t = _TABLES[check_lang(lang)]
    a, b = pair.members
    by_person: dict[str, list] = {a: [], b: []}
    shared = []
    for d, who in pair.leads.items():
        if len(who) == 2:
            shared.append(d)
        else:
            by_person[who[0]].append(d)
    status = "pinned" if pair.required else "existing" if pair.existing else "proposed"
    text = [t["pair_head"].format(a=person(a, names), b=person(b, names), status=t[status],
                                  gain=fmt(pair.gain, lang))]
    lead_parts = [
        t["leads"].format(who=person(ident, names), dims=dimensions_text(dims, lang),
                          tasks=", ".join(work_words(_value(d), lang) for d in dims))
        for ident in (a, b) if (dims := by_person[ident])]
    if lead_parts:
        text.append("; ".join(lead_parts) + ".")
    drained_shared = [d for d in shared if _feel(pair, a, d) < 0]
    if plain := [d for d in shared if d not in drained_shared]:
        text.append(t["share"].format(dims=dimensions_text(plain, lang)))
    text += _preference_sentences(pair, t, lang, names, drained_shared)
    if pair.brukere:
        line = t["takes"].format(n=fmt(len(pair.brukere), lang))
        if pair.n_only_together:
            line += t["only"].format(n=fmt(pair.n_only_together, lang))
            if pair.typical_need:
                line += t["example"].format(need=levels_text(pair.typical_need, lang))
        text.append(line + ".")
    own = " + ".join(fmt(v, lang, 0) for v in pair.member_capacity_points.values())
    text.append(t["capacity"].format(points=fmt(pair.capacity_points, lang, 0), own=own,
                                     share=percent(overhead, lang, 0)))
    if pair.learning_relation and not pair.trial:  # a trial names it as evidence of trust
        text.append(t["learning"])
    if pair.gain <= 0:
        text.append(t["no_gain"])
    if pair.trial:
        text += _trial_sentences(pair, t, lang, names, today)
    return " ".join(text)


def _feel(pair: Any, ident: str, d: Any) -> int:
    """+1 / 0 / -1: whether ``ident`` finds the work ``d`` energising, neutral or draining."""
    return _SIGN.get(pair.member_preferences.get(ident, {}).get(d), 0)


def _work(dims: Sequence[Any], t: Mapping[str, str], lang: str) -> str:
    return join([t[f"work:{_value(d)}"] for d in dims], lang)


def _preference_sentences(pair: Any, t: Mapping[str, str], lang: str,
                          names: Mapping[str, str], drained_shared: Sequence[Any]) -> list[str]:
    """The division of labour as preference shapes it (``scoring.lead_members``): what each
    leads that she likes, what one takes so the other is spared, and honestly where someone
    must lead what drains her."""
    a, b = pair.members
    liked: dict[str, list] = {a: [], b: []}
    spared: dict[str, list] = {a: [], b: []}
    forced: dict[str, list] = {a: [], b: []}
    both: dict[str, list] = {a: [], b: []}
    for d, who in pair.leads.items():
        if len(who) == 2:
            continue
        lead = who[0]
        other = b if lead == a else a
        mine, theirs = _feel(pair, lead, d), _feel(pair, other, d)
        if mine > 0:
            liked[lead].append(d)
        elif mine == 0 and theirs < 0 and pair.lead_reason.get(d) == "preference":
            spared[lead].append(d)
        elif mine < 0:
            (both if theirs < 0 else forced)[lead].append(d)
    out = []
    with_liked = [i for i in (a, b) if liked[i]]
    if len(with_liked) == 2:
        out.append(t["likes_two"].format(a=person(a, names), work_a=_work(liked[a], t, lang),
                                         b=person(b, names), work_b=_work(liked[b], t, lang)))
    elif with_liked:
        who = with_liked[0]
        out.append(t["likes_one"].format(who=person(who, names),
                                         work=_work(liked[who], t, lang)))
    for lead in (a, b):
        other = person(b if lead == a else a, names)
        if spared[lead]:
            out.append(t["spared"].format(who=person(lead, names), other=other,
                                          work=_work(spared[lead], t, lang)))
        if forced[lead]:
            out.append(t["drains_forced"].format(who=person(lead, names), other=other,
                                                 work=_work(forced[lead], t, lang)))
        if both[lead]:
            out.append(t["drains_both"].format(who=person(lead, names),
                                               work=_work(both[lead], t, lang)))
    if drained_shared:
        out.append(t["drains_shared"].format(work=_work(drained_shared, t, lang)))
    return out


def _trial_sentences(pair: Any, t: Mapping[str, str], lang: str, names: Mapping[str, str],
                     today: dt.date | None) -> list[str]:
    """A trial: the two confirm they want to try, the review date, and the evidence of trust
    the office's data has (a learning relation, having been a pair before); never a guess."""
    a, b = pair.members
    if not pair.existing:
        head = t["trial_new"].format(a=person(a, names), b=person(b, names),
                                     date=date_text(pair.review_date, lang))
    elif pair.review_date is None:
        head = t["trial_undated"]
    else:
        key = "trial_overdue" if today is not None and pair.review_date < today \
            else "trial_ongoing"
        head = t[key].format(started=date_text(pair.trial_started, lang),
                             date=date_text(pair.review_date, lang))
    items = [t["trust:learning"].format(mentor=person(m, names), learner=person(lr, names))
             for m, lr in pair.learning_relations]
    for record in pair.history:
        if record["ended"] is None:
            continue  # the ongoing trial itself: its sentence says when it started
        span = (t["span:both"].format(started=date_text(record["started"], lang),
                                      ended=date_text(record["ended"], lang))
                if record["started"] is not None
                else t["span:ended"].format(ended=date_text(record["ended"], lang)))
        items.append(t["trust:was_pair"].format(span=span)
                     + t["confirmed" if record["confirmed"] else "unconfirmed"])
    trust = t["trust"].format(items=join(items, lang)) if items else t["no_trust"]
    return [head, trust]


def not_proposed_text(entry: Mapping[str, Any], lang: str, names: Mapping[str, str]) -> str:
    """Why two veiledere are not proposed as a pair: the office's mark or the leader's rule,
    with the reason given (``PairingResult.not_proposed``)."""
    t = _TABLES[check_lang(lang)]
    a, b = entry["members"]
    reason = entry.get("reason")
    if entry["source"] == "office":
        return t["not_proposed:office"].format(a=person(a, names), b=person(b, names),
                                               reason=reason)
    return t["not_proposed:caller"].format(
        a=person(a, names), b=person(b, names),
        reason=t["caller_reason"].format(reason=reason) if reason else "")


def date_text(day: dt.date, lang: str = "nb") -> str:
    """A date the way a reader writes it: ``3. mars 2027`` (nb), ``3 March 2027`` (en).

    >>> date_text(dt.date(2027, 3, 3)), date_text(dt.date(2027, 3, 3), "en")
    ('3. mars 2027', '3 March 2027')
    """
    month = _MONTHS[check_lang(lang)][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "nb" else f"{day.day} {month} {day.year}"


def explain_single(ident: str, reason: str, lang: str, names: Mapping[str, str], *,
                   overhead: float, estimate: Mapping[str, Any] | None = None) -> str:
    """Why a veileder works alone, and the best alternative by the price estimate if any."""
    t = _TABLES[check_lang(lang)]
    who = person(ident, names)
    if reason.startswith("rule:"):
        text = t["single:rule"].format(who=who, rule=t.get(reason, reason))
    else:
        text = t[f"single:{reason}"].format(who=who, share=percent(overhead, lang, 0))
    if estimate and reason != "no_gain":
        text += t["estimate"].format(partner=person(estimate["partner"], names),
                                     gain=fmt(estimate["estimated_gain"], lang))
    return text


def dissolved_text(pair: Sequence[str], member: str, lang: str,
                   names: Mapping[str, str]) -> str:
    """Today's pair ``pair`` is dissolved because ``member`` was pinned in another pair (each
    of the two named once)."""
    partner = next((i for i in pair if i != member), member)
    return phrase("dissolved", lang, member=person(member, names),
                  partner=person(partner, names))


def summary_text(n_pairs: int, n_singles: int, status: str, gap: float, proven: bool,
                 lang: str) -> str:
    """The proposal in two sentences: how many pairs, and how sure."""
    t = _TABLES[check_lang(lang)]
    head = t["summary"].format(pairs=fmt(n_pairs, lang), singles=fmt(n_singles, lang),
                               pair_word="pair" if n_pairs == 1 else "pairs")
    if proven:
        sure = t["proven"]
    elif status == "optimal":
        sure = t["optimal"]
    else:
        sure = t["gap"].format(gap=percent(gap, lang, 2))
    return f"{head} {sure}"


def message_text(summary: str, notes: Sequence[tuple[str, Mapping[str, Any]]],
                 lang: str) -> str:
    """The result's message: the summary and each note ``(key, values)`` in ``lang``."""
    return " ".join([summary, *(phrase(f"note:{key}", lang, **values) for key, values in notes)])


def optimality_text(proof: Mapping[str, Any], lang: str) -> str:
    """What is proven about the proposal, from the facts in ``stats["proof"]``."""
    t = _TABLES[check_lang(lang)]
    kind = proof.get("kind")
    if kind == "none":
        return t["opt:none"]
    if kind == "proven":
        text = t["opt:proven"].format(
            objective=fmt(proof["objective"], lang, 3), nodes=fmt(proof["nodes"], lang),
            lps=fmt(proof["lps"], lang),
            max_pairs=t["opt:max_pairs"] if proof.get("max_pairs") else "")
    else:
        source = proof.get("source", "lagrange")
        key = "opt:bound_met" if proof["bound"] <= proof["objective"] else "opt:bound"
        text = t[key].format(
            objective=fmt(proof["objective"], lang, 3), bound=fmt(proof["bound"], lang, 3),
            diff=fmt(proof["bound"] - proof["objective"], lang, 3),
            gap=percent(proof["gap"], lang, 2),
            source=t[f"src:{source}"].format(nodes=fmt(proof.get("nodes", 0), lang)))
    return f"{text} {t['matching']}"


def summary_labels(lang: str) -> dict[str, str]:
    """Labels of the rows of ``_repr_html_``: pairs, singles, gap."""
    t = _TABLES[check_lang(lang)]
    return {"pairs": t["label:pairs"], "singles": t["label:singles"], "gap": t["label:gap"]}


def _value(d: Any) -> str:
    return getattr(d, "value", str(d))
