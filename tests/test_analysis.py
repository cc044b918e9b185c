"""Competence map: counts and ratios from a hand-built office."""

from __future__ import annotations

import json
import math

from navkompetanse import Office
from navkompetanse.analysis import competence_map


def _office() -> Office:
    def v(ident, rel, forv, avdeling, pct=100):
        return {"ident": ident, "avdeling": avdeling, "stillingsprosent": pct,
                "profile": {"relasjonell": rel, "struktur": 3, "forvaltning": forv, "digital": 3}}

    return Office.model_validate({
        "enhet": "0315", "name": "NAV Test",
        "veiledere": [v("Z100001", 5, 2, "A"), v("Z100002", 2, 4, "A", 50), v("Z100004", 2, 2, "A"),
                      v("Z100003", 3, 3, "B")],
        "brukere": [
            {"id": "b1", "innsatsgruppe": "SPESIELT_TILPASSET_INNSATS"},  # rel 4, 2 points
            {"id": "b2", "innsatsgruppe": "STANDARD_INNSATS"},  # nothing high
            {"id": "b3", "innsatsgruppe": "VARIG_TILPASSET_INNSATS"},  # forv 4, 1.3 points
        ],
    })


def test_counts_and_cover_ratio():
    cmap = competence_map(_office())
    rel, stru, forv, dig = cmap.dimensions
    assert (rel.brukere_high_need, rel.workload_high_need) == (1, 2.0)
    assert (rel.veiledere_high_level, rel.capacity_high_level) == (1, 100.0)
    assert rel.cover_ratio == 50.0
    high_forv = (forv.brukere_high_need, forv.veiledere_high_level, forv.capacity_high_level)
    assert high_forv == (1, 1, 50.0)
    assert stru.brukere_high_need == 0 and math.isinf(stru.cover_ratio)
    assert cmap.avdeling_levels["A"]["relasjonell"] == 3.0  # (5 + 2 + 2) / 3


def test_small_avdelinger_are_not_shown():
    # B is one veileder: her mean is her own profile
    cmap = competence_map(_office())
    assert "B" not in cmap.avdeling_levels and cmap.n_avdelinger_hidden == 1
    assert cmap.to_dict()["n_avdelinger_hidden"] == 1
    assert "  B:" not in cmap.render() and "vises ikke" in cmap.render()
    assert "not shown" in cmap.render("en")


def test_render_in_both_languages():
    cmap = competence_map(_office())
    assert "Dekning" in cmap.render("nb") and "Cover" in cmap.render("en")
    assert "relasjonell" in cmap.render()
    assert cmap.to_dict()["dimensions"][0]["cover_ratio"] == 50.0


def test_to_dict_is_strict_json():
    # structure has no high need: its ratio is infinite, which JSON cannot hold
    data = competence_map(_office()).to_dict()
    assert data["dimensions"][1]["cover_ratio"] is None
    json.dumps(data, allow_nan=False)
