"""Phrases of the fairness audit, nb and en side by side (see ``analysis/fairness.py``)."""

from __future__ import annotations

__all__ = ["GROUP_WORDS", "TEXT"]

_GROUPS_NB = {
    ("innsatsgruppe", "STANDARD_INNSATS"): "brukere med standard innsats",
    ("innsatsgruppe", "SITUASJONSBESTEMT_INNSATS"): "brukere med situasjonsbestemt innsats",
    ("innsatsgruppe", "SPESIELT_TILPASSET_INNSATS"): "brukere med spesielt tilpasset innsats",
    ("innsatsgruppe", "GRADERT_VARIG_TILPASSET_INNSATS"): "brukere med gradert varig "
                                                           "tilpasset innsats",
    ("innsatsgruppe", "VARIG_TILPASSET_INNSATS"): "brukere med varig tilpasset innsats",
    ("innsatsgruppe", "TRENGER_VURDERING"): "brukere uten vedtak",
    ("malgruppe", "ung"): "unge brukere",
    ("malgruppe", "flyktning"): "flyktninger",
    ("malgruppe", "aap"): "brukere med AAP",
    ("malgruppe", "sykefravaer"): "sykmeldte",
    ("malgruppe", "sosialhjelp"): "brukere med sosialhjelp",
    ("digital", "digital"): "digitale brukere",
    ("digital", "ikke_digital"): "brukere som ikke er digitale",
    ("stillingsprosent", "100"): "heltidsansatte",
    ("stillingsprosent", "60-99"): "deltidsansatte (60–99 %)",
    ("stillingsprosent", "under60"): "deltidsansatte under 60 %",
    ("ansettelse", "statlig"): "statlig ansatte",
    ("ansettelse", "kommunal"): "kommunalt ansatte",
}
_GROUPS_EN = {
    ("innsatsgruppe", "STANDARD_INNSATS"): "brukere with standard follow-up",
    ("innsatsgruppe", "SITUASJONSBESTEMT_INNSATS"): "brukere with situational follow-up",
    ("innsatsgruppe", "SPESIELT_TILPASSET_INNSATS"): "brukere with specially adapted "
                                                      "follow-up",
    ("innsatsgruppe", "GRADERT_VARIG_TILPASSET_INNSATS"): "brukere with graded permanent "
                                                           "follow-up",
    ("innsatsgruppe", "VARIG_TILPASSET_INNSATS"): "brukere with permanent follow-up",
    ("innsatsgruppe", "TRENGER_VURDERING"): "brukere without a decision",
    ("malgruppe", "ung"): "young brukere",
    ("malgruppe", "flyktning"): "refugees",
    ("malgruppe", "aap"): "brukere on AAP",
    ("malgruppe", "sykefravaer"): "people on sick leave",
    ("malgruppe", "sosialhjelp"): "brukere on social assistance",
    ("digital", "digital"): "digital brukere",
    ("digital", "ikke_digital"): "brukere who are not digital",
    ("stillingsprosent", "100"): "full-time staff",
    ("stillingsprosent", "60-99"): "part-time staff (60–99 %)",
    ("stillingsprosent", "under60"): "part-time staff under 60 %",
    ("ansettelse", "statlig"): "state employees",
    ("ansettelse", "kommunal"): "municipal employees",
}
#: Groups in words; an avdeling is named as itself.
GROUP_WORDS = {"nb": _GROUPS_NB, "en": _GROUPS_EN}

TEXT = {
    "nb": {
        "sentence": {
            "load_per_position": "{high} har {amount} mer arbeid per stilling enn {low}",
            "heavy_per_position": "{high} har {amount} flere tunge saker per stilling enn "
                                  "{low}",
            "mean_shortfall": "{high} mangler i snitt {amount} mer enn {low}",
            "moved_share": "{high} bytter veileder {amount} oftere enn {low}",
        },
        "flag": "I forslaget: {what} (i dag {before}); forslaget {change}.",
        "flag_moves": "I forslaget: {what}.",
        "infinitely": "mange ganger",
        "narrows": "minsker forskjellen", "widens": "øker forskjellen",
        "same": "endrer den ikke", "proposal_only": "",
        "measure": {"mean_shortfall": "mangel", "mean_fit": "treff",
                    "moved_share": "bytter", "load_per_position": "arbeid per stilling",
                    "heavy_per_position": "tunge saker per stilling"},
        "grouping": {"innsatsgruppe": "Etter innsatsgruppe (i dag → forslag):",
                     "malgruppe": "Etter målgruppe (i dag → forslag):",
                     "digital": "Digitale og ikke-digitale brukere (i dag → forslag):",
                     "stillingsprosent": "Etter stillingsprosent (i dag → forslag):",
                     "ansettelse": "Etter ansettelse (i dag → forslag):",
                     "avdeling": "Etter avdeling (i dag → forslag):"},
        "none": "Ingen forskjell mellom grupper når tersklene, verken i dag eller i "
                "forslaget.",
        "some": "{n} forskjeller mellom grupper når tersklene; forslaget minsker {narrows} "
                "og øker {widens} av dem.",
        "no_plan": "Ingen revisjon: en av fordelingene har ingen plan.",
        "hidden": ("({n} grupper med færre enn {k} personer vises ikke.)",
                   "(Én gruppe med færre enn {k} personer vises ikke.)"),
        "l_flags": "Forskjeller over terskel", "l_narrows": "Minsket av forslaget",
        "l_widens": "Økt av forslaget",
    },
    "en": {
        "sentence": {
            "load_per_position": "{high} have {amount} more work per position than {low}",
            "heavy_per_position": "{high} have {amount} more heavy cases per position than "
                                  "{low}",
            "mean_shortfall": "{high} lack on average {amount} more than {low}",
            "moved_share": "{high} change veileder {amount} more often than {low}",
        },
        "flag": "In the proposal: {what} (today {before}); the proposal {change}.",
        "flag_moves": "In the proposal: {what}.",
        "infinitely": "many times",
        "narrows": "narrows the gap", "widens": "widens the gap", "same": "leaves it as is",
        "proposal_only": "",
        "measure": {"mean_shortfall": "shortfall", "mean_fit": "fit",
                    "moved_share": "moves", "load_per_position": "work per position",
                    "heavy_per_position": "heavy cases per position"},
        "grouping": {"innsatsgruppe": "By innsatsgruppe (today → proposed):",
                     "malgruppe": "By malgruppe (today → proposed):",
                     "digital": "Digital and non-digital brukere (today → proposed):",
                     "stillingsprosent": "By stillingsprosent (today → proposed):",
                     "ansettelse": "By employer (today → proposed):",
                     "avdeling": "By avdeling (today → proposed):"},
        "none": "No gap between groups reaches the thresholds, today or in the proposal.",
        "some": "{n} gaps between groups reach the thresholds; the proposal narrows "
                "{narrows} and widens {widens} of them.",
        "no_plan": "No audit: one of the distributions has no plan.",
        "hidden": ("({n} groups of fewer than {k} people are not shown.)",
                   "(One group of fewer than {k} people is not shown.)"),
        "l_flags": "Gaps over threshold", "l_narrows": "Narrowed by the proposal",
        "l_widens": "Widened by the proposal",
    },
}
