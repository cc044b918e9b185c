"""Phrases of the learning network and the learning plan, nb and en side by side (see
``analysis/learning.py``)."""

from __future__ import annotations

__all__ = ["TEXT"]

TEXT = {
    "nb": {
        # the network
        "network": "{n} læringsrelasjoner mellom {v} veiledere.",
        "isolated_n": "{n} har ingen læringsrelasjon.",
        "none_isolated": "Alle har minst én læringsrelasjon.",
        "silo_short": "Siloindeks {silo} (0 = like blandet som tilfeldig, 1 = alt innenfor "
                      "avdelingen).",
        "silo_none": "Siloindeksen kan ikke regnes ut: det trengs minst én læringsrelasjon og "
                     "mer enn én avdeling.",
        "silo_high": "Læringen holder seg i avdelingene: {cross} av {n} relasjoner ({obs} %) "
                     "går på tvers, mot {exp} % om kollegene var blandet tilfeldig "
                     "(siloindeks {silo}).",
        "silo_some": "Læringen holder seg noe i avdelingene: {cross} av {n} relasjoner "
                     "({obs} %) går på tvers, mot {exp} % om kollegene var blandet tilfeldig "
                     "(siloindeks {silo}).",
        "silo_mixed": "Læringen går på tvers av avdelingene: {cross} av {n} relasjoner "
                      "({obs} %) går på tvers, mot {exp} % om kollegene var blandet tilfeldig "
                      "(siloindeks {silo}).",
        "reach": "Andel som har en ekspert innen rekkevidde («hvem man kan spørre»): {parts}.",
        "brokers": "Knutepunkter (flest korteste veier mellom andre går gjennom dem): {who}.",
        "isolated_list": "Uten læringsrelasjon: {who}.",
        "is_isolated": "{who} har ingen læringsrelasjon.",
        "learns_from": "lærer av {who}",
        "teaches": "er mentor for {who}",
        "partner": "Jobber i par med {who}.",
        "is_broker": "Et knutepunkt: {share} % av de korteste veiene mellom andre går gjennom "
                     "henne, og hun har bånd til {n} andre avdelinger.",
        "no_expert": "Ingen ekspert (nivå {level} eller mer) innen {steps} steg i {dims}.",
        "all_reach": "Har en ekspert innen {steps} steg i alle fire kompetanseområder.",
        "shareable": "Læringsnettverket for kontoret, uten navn.",
        "l_isolated": "Uten læringsrelasjon",
        "l_silo": "Siloindeks",
        "l_reach": "Ekspert innen rekkevidde",
        # the plan
        "plan": "{n} nye læringsrelasjoner foreslått ({bridges} på tvers av avdelinger), "
                "samlet nytte {benefit}; uten læringsrelasjon: {i0} før, {i1} etter. "
                "Mentorene setter av {points} poeng av porteføljekapasiteten.",
        "plan_none": "Ingen nye læringsrelasjoner å foreslå: ingen mentor med ledig plass er "
                     "foran noen der det betyr noe for brukerne.",
        "greedy": "Valgt grådig (beste relasjon først): ikke bevist best.",
        "plan_shareable": "{n} nye læringsrelasjoner foreslått (uten navn).",
        "who": "{mentor} blir mentor for {learner} i {dim} ({work}).",
        "why_mentor": "Mentoren er på nivå {a} og den som skal lære, på nivå {b}: {ahead}, {how} "
                      "(sjanse for ett nivå opp: {p} %).",
        "levels": ("{n} nivåer foran", "ett nivå foran"),
        "ahead_words": ("nær nok til at læringen bygger på det hun kan, men med lite å gå på",
                        "nær nok til at læringen bygger på det hun kan",
                        "langt foran: mye å lære bort, men lenger fra hennes måte å jobbe på",
                        "langt foran: mye å lære bort, men lenger fra hennes måte å jobbe på"),
        "worth": "Ett nivå til er verdt {value} i tilpasning for {whose} ({n} brukere trenger "
                 "mer enn enheten dekker).",
        "worth_none": "Brukerne hennes trenger ikke mer her i dag; relasjonen foreslås for å "
                      "ta henne med i et læringsnettverk.",
        "portfolio": {"allocation": "brukerne hun får i fordelingen",
                      "today": "brukerne hun følger opp i dag",
                      "office": "en rimelig andel av kontorets brukere (hun har ingen egne)"},
        "stronger": {
            "full": "{who} er sterkere (nivå {level}), men har ingen ledig mentorplass.",
            "worth_less": "{who} er sterkere (nivå {level}), men gir mindre her (nytte "
                          "{theirs}): lenger foran, eller uten bro mellom avdelinger.",
        },
        "bridge": "Bygger bro mellom {a} og {b}.",
        "includes": "Gir {who} sin første læringsrelasjon.",
        "evidence": "Grunnlag for tillit i dataene: {what}.",
        "evidence_words": {"pair": "de jobber i par i dag",
                           "pair_history": "de har jobbet i par før",
                           "relation": "de har en læringsrelasjon fra før"},
        "cost": "Koster {mentor} {points} poeng av porteføljekapasiteten; nytte {benefit}.",
        "before_after": "Før → etter: uten læringsrelasjon {i0} → {i1}, siloindeks {s0} → "
                        "{s1}, ekspert innen rekkevidde {r0} % → {r1} %.",
        "still_isolated": {
            "no_mentor": "{who} står fortsatt uten læringsrelasjon: ingen kollega er foran "
                         "henne på et nivå der hun kan være mentor, og hun er ikke foran noen.",
            "no_capacity": "{who} står fortsatt uten læringsrelasjon: de som kunne vært "
                           "mentor for henne, har ikke ledig plass.",
            "not_chosen": "{who} står fortsatt uten læringsrelasjon: mentorplassene gir mer "
                          "til andre; la hver mentor ta flere lærlinger, eller gi det å ta "
                          "med dem som står alene mer vekt, for å ta henne med.",
        },
        "nothing_for": "Ingen ny læringsrelasjon for {who}.",
        "l_proposals": "Nye læringsrelasjoner",
    },
    "en": {
        "network": "{n} learning relations between {v} veiledere.",
        "isolated_n": "{n} have no learning relation.",
        "none_isolated": "Everyone has at least one learning relation.",
        "silo_short": "Silo index {silo} (0 = as mixed as chance, 1 = all inside the "
                      "avdeling).",
        "silo_none": "The silo index cannot be computed: it needs at least one learning "
                     "relation and more than one avdeling.",
        "silo_high": "Learning stays inside the avdelinger: {cross} of {n} relations ({obs} %) "
                     "cross them, against {exp} % if colleagues mixed at random "
                     "(silo index {silo}).",
        "silo_some": "Learning stays somewhat inside the avdelinger: {cross} of {n} relations "
                     "({obs} %) cross them, against {exp} % if colleagues mixed at random "
                     "(silo index {silo}).",
        "silo_mixed": "Learning crosses the avdelinger: {cross} of {n} relations ({obs} %) "
                      "cross them, against {exp} % if colleagues mixed at random "
                      "(silo index {silo}).",
        "reach": "Share with an expert within reach ('whom to ask'): {parts}.",
        "brokers": "Brokers (most shortest paths between others pass through them): {who}.",
        "isolated_list": "Without a learning relation: {who}.",
        "is_isolated": "{who} has no learning relation.",
        "learns_from": "learns from {who}",
        "teaches": "mentors {who}",
        "partner": "Works in a pair with {who}.",
        "is_broker": "A broker: {share} % of the shortest paths between others pass through "
                     "her, and she has ties to {n} other avdelinger.",
        "no_expert": "No expert (level {level} or above) within {steps} steps in {dims}.",
        "all_reach": "Has an expert within {steps} steps in all four dimensions.",
        "shareable": "The office's learning network, without names.",
        "l_isolated": "Without a learning relation",
        "l_silo": "Silo index",
        "l_reach": "Expert within reach",
        "plan": "{n} new learning relations proposed ({bridges} across avdelinger), total "
                "benefit {benefit}; without a learning relation: {i0} before, {i1} after. "
                "The mentors set aside {points} points of portfolio capacity.",
        "plan_none": "No new learning relations to propose: no mentor with room is ahead of "
                     "anyone where it matters to the brukere.",
        "greedy": "Chosen greedily (best relation first): not proven best.",
        "plan_shareable": "{n} new learning relations proposed (no names).",
        "who": "{mentor} mentors {learner} in {dim} ({work}).",
        "why_mentor": "The mentor is at level {a} and the learner at level {b}: {ahead}, "
                      "{how} (chance of one level up: {p} %).",
        "levels": ("{n} levels ahead", "one level ahead"),
        "ahead_words": ("close enough for learning to build on what she knows, with little "
                        "to spare",
                        "close enough for learning to build on what she knows",
                        "far ahead: much to teach, but further from how she works",
                        "far ahead: much to teach, but further from how she works"),
        "worth": "One level more is worth {value} in fit for {whose} ({n} brukere need more "
                 "than the unit covers).",
        "worth_none": "Her brukere need no more here today; the relation is proposed to bring "
                      "her into a learning network.",
        "portfolio": {"allocation": "the brukere she gets in the allocation",
                      "today": "the brukere she follows up today",
                      "office": "a fair share of the office's brukere (she has none of her "
                                "own)"},
        "stronger": {
            "full": "{who} is stronger (level {level}), but has no mentor place left.",
            "worth_less": "{who} is stronger (level {level}), but worth less here (benefit "
                          "{theirs}): further ahead, or no bridge between avdelinger.",
        },
        "bridge": "Bridges {a} and {b}.",
        "includes": "Gives {who} a first learning relation.",
        "evidence": "Evidence of trust in the data: {what}.",
        "evidence_words": {"pair": "they work as a pair today",
                           "pair_history": "they have worked as a pair before",
                           "relation": "they already share a learning relation"},
        "cost": "Costs {mentor} {points} points of portfolio capacity; benefit {benefit}.",
        "before_after": "Before → after: without a learning relation {i0} → {i1}, silo index "
                        "{s0} → {s1}, expert within reach {r0} % → {r1} %.",
        "still_isolated": {
            "no_mentor": "{who} still has no learning relation: no colleague is ahead of her "
                         "at a level to mentor, and she is ahead of no one.",
            "no_capacity": "{who} still has no learning relation: those who could mentor her "
                           "have no room left.",
            "not_chosen": "{who} still has no learning relation: the mentor places are worth "
                          "more elsewhere; raise max_mentees_per_mentor or "
                          "learning_inclusion_bonus to include her.",
        },
        "nothing_for": "No new learning relation for {who}.",
        "l_proposals": "New learning relations",
    },
}
