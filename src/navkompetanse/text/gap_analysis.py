"""Phrases of the gap analysis, nb and en side by side (see ``analysis/gaps.py``)."""

from __future__ import annotations

__all__ = ["TEXT"]

TEXT = {
    "nb": {
        "scarcest": "Mest mangel: {dim} ({share} % av samlet mangel {total} i tilpasning).",
        "no_shortfall": "Fordelingen dekker alle brukernes behov: ingen mangel igjen.",
        "top_step": "Viktigste utviklingssteg: {who} i {dim} (+{gain}, kontrollert med ny "
                    "fordeling).",
        "top_step_dim": "Det mest verdifulle utviklingssteget er i {dim}.",
        "n_training": "{n} under arbeidsnivå i digital kompetanse (et grunnkrav).",
        "out_of_time": "Tiden gikk ut før alle forslag var kontrollert; bare kontrollerte "
                       "forslag vises.",
        "no_plan": "Ingen gapanalyse: fordelingen har ingen plan ({why})",
        "value": "Gevinst {gain} i tilpasning (beste mulige mellom {low} og {high}); "
                 "{n} brukere får mindre mangel.",
        "development": "{who} går fra nivå {a} til {b} i {dim} ({work}).",
        "recruit": "Ny veileder i full stilling med {levels} — sterk i {strong}{where}.",
        "even": "alt like mye",
        "in_avdeling": ", i avdeling {avdeling}",
        "part_time": "{who} går fra {a} % til full stilling.",
        "dimension": "{dim}: behov {demand} mot kompetanse {supply} i snitt; {dh} % av "
                     "arbeidet trenger nivå 4–5, {sh} % av kapasiteten har det; mangel "
                     "{short} ({share} %), {n} brukere har for lite her.",
        "underused": "{who} er på nivå {level} i {dim}, men bare {share} % av porteføljen "
                     "trenger det, mens {n} brukere andre steder mangler det: vurder å gi "
                     "henne noen av dem.",
        "training": "{who} er på nivå {level} i digital kompetanse: under arbeidsnivå (3), "
                    "og digital kompetanse er et grunnkrav — et opplæringsbehov uansett "
                    "fordeling.",
        "nothing_for": "Ingen forslag for {who}.",
        "veiledere": ("{n} veiledere", "Én veileder"),
        "h_development": "Utviklingssteg:",
        "h_recruit": "Rekruttering:",
        "h_part_time": "Økt stillingsprosent:",
        "l_scarcest": "Mest mangel",
        "l_shortfall": "Samlet mangel",
        "l_top_step": "Viktigste steg",
    },
    "en": {
        "scarcest": "Most short: {dim} ({share} % of the total shortfall of {total} in fit).",
        "no_shortfall": "The allocation covers every bruker's needs: no shortfall left.",
        "top_step": "Most valuable development step: {who} in {dim} (+{gain}, verified by "
                    "re-solving).",
        "top_step_dim": "The most valuable development step is in {dim}.",
        "n_training": "{n} below working level in digital skill (a baseline requirement).",
        "out_of_time": "Time ran out before every proposal was verified; only verified "
                       "proposals are shown.",
        "no_plan": "No gap analysis: the allocation has no plan ({why})",
        "value": "Gain {gain} in fit (the best possible between {low} and {high}); "
                 "{n} brukere are less short.",
        "development": "{who} goes from level {a} to {b} in {dim} ({work}).",
        "recruit": "A new full-time veileder with {levels} — strong in {strong}{where}.",
        "even": "everything equally",
        "in_avdeling": ", in avdeling {avdeling}",
        "part_time": "{who} goes from {a} % to a full position.",
        "dimension": "{dim}: need {demand} against competence {supply} on average; {dh} % of "
                     "the work needs level 4–5, {sh} % of the capacity has it; shortfall "
                     "{short} ({share} %), {n} brukere are short here.",
        "underused": "{who} is at level {level} in {dim}, but only {share} % of her "
                     "portfolio needs it, while {n} brukere elsewhere lack it: consider "
                     "giving her some of them.",
        "training": "{who} is at level {level} in digital skill: below working level (3), "
                    "and digital skill is a baseline requirement — a training need whatever "
                    "the allocation.",
        "nothing_for": "No proposals for {who}.",
        "veiledere": ("{n} veiledere", "One veileder"),
        "h_development": "Development steps:",
        "h_recruit": "Recruiting:",
        "h_part_time": "Higher stillingsprosent:",
        "l_scarcest": "Most short",
        "l_shortfall": "Total shortfall",
        "l_top_step": "Top step",
    },
}
