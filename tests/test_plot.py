"""navkompetanse.plot: every chart draws what its result holds, in the reader's language.

Rendered with the Agg backend on a small synthetic office's plan (10 veiledere, 300 brukere)
and on the example office's distribution of today (units over capacity); the network with
graphs built here. Fast: one plan for the module.
"""

from __future__ import annotations

import re
import sys
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection, QuadMesh  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

import navkompetanse as nk  # noqa: E402
from navkompetanse import plot  # noqa: E402
from navkompetanse.models import DIMENSIONS  # noqa: E402

FIRST = ("Kari", "Ola", "Per", "Anne", "Liv", "Nils", "Ida", "Tor", "Eva", "Jon")
LAST = ("Nordmann", "Hansen", "Berg", "Lie", "Dahl", "Moe")
DIMS_NB = ["relasjonell", "struktur", "forvaltning", "digital"]
DIMS_EN = ["relational", "structure", "regulations", "digital"]


def _named(office: nk.Office) -> nk.Office:
    return office.replace(veiledere=tuple(
        v.replace(name=f"{FIRST[i % 10]} {LAST[i % 6]}") for i, v in enumerate(office.veiledere)))


@pytest.fixture(scope="module")
def office() -> nk.Office:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _named(nk.synthetic_office(n_veiledere=10, n_brukere=300, seed=1, n_pairs=1))


@pytest.fixture(scope="module")
def the_plan(office) -> nk.Plan:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return nk.plan(office, gaps=False)


@pytest.fixture(scope="module")
def overloaded_today() -> nk.AllocationResult:
    return nk.status_quo(nk.load_example_office())


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax) -> list[str]:
    """Every piece of text on the axes: title, tick labels, axis labels, legend, annotations."""
    out = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    out += [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        out += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    for child in ax.child_axes:  # the avdeling labels of the heatmap
        out += [t.get_text() for t in child.get_yticklabels()]
    return [t for t in out if t]


def _bars(ax) -> list[Rectangle]:
    return [p for c in ax.containers for p in c.patches]


def _charts(plan, lang="nb"):
    return {
        "profile": lambda ax: plot.profile(plan, plan.office.idents[0], ax=ax, lang=lang),
        "profile_pair": lambda ax: plot.profile(plan, plan.pairs[0], ax=ax, lang=lang),
        "profile_office": lambda ax: plot.profile(plan, ax=ax, lang=lang),
        "coverage": lambda ax: plot.coverage(plan, ax=ax, lang=lang),
        "loads": lambda ax: plot.loads(plan.today, ax=ax, lang=lang),
        "shortfall": lambda ax: plot.shortfall(plan, ax=ax, lang=lang),
        "shortfall_comparison": lambda ax: plot.shortfall(plan.comparison, ax=ax, lang=lang),
        "learning_network": lambda ax: plot.learning_network(plan, ax=ax, lang=lang),
    }


# ---- every chart --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(_charts(None)))
def test_each_chart_draws_on_the_axes_it_is_given_and_on_a_new_one(the_plan, name):
    draw = _charts(the_plan)[name]
    fig, ax = plt.subplots()
    assert draw(ax) is ax
    assert ax.get_title()
    new = draw(None)
    assert new is not ax and new.figure is not fig
    assert new.figure.get_size_inches()[0] == pytest.approx(plot.WIDTH_IN)


@pytest.mark.parametrize("name", list(_charts(None)))
def test_norwegian_charts_hold_no_english_words_or_codes(the_plan, name):
    ax = _charts(the_plan, "nb")[name](None)
    text = " | ".join(_texts(ax))
    for word in ("relational", "structure", "regulations", "Load", "capacity", "Level",
                 "Pair", "Shortfall", "mean", "None", "nan", "True", "_"):
        assert word not in text, f"{word!r} in a Norwegian chart: {text}"
    assert not re.search(r"\d\.\d", text), f"a decimal point in a Norwegian chart: {text}"


@pytest.mark.parametrize("name", list(_charts(None)))
def test_english_charts_are_in_english(the_plan, name):
    ax = _charts(the_plan, "en")[name](None)
    text = " | ".join(_texts(ax))
    for word in ("forvaltning", "Belastning", "Nivå", "Mangel", "snitt", "Kontoret"):
        assert word not in text, f"{word!r} in an English chart: {text}"


def test_lang_is_checked_at_the_door(the_plan):
    with pytest.raises(ValueError, match="lang"):
        plot.loads(the_plan, lang="EN")


# ---- profile ------------------------------------------------------------------------------


def test_profile_of_one_veileder_is_her_four_levels(office):
    v = office.veiledere[3]
    ax = plot.profile(office, v.ident)
    assert [b.get_height() for b in _bars(ax)] == list(v.effective_profile.as_array())
    assert [t.get_text() for t in ax.get_xticklabels()] == DIMS_NB
    assert v.name in ax.get_title() and v.ident in ax.get_title()
    ax = plot.profile(office, v.ident, lang="en")
    assert [t.get_text() for t in ax.get_xticklabels()] == DIMS_EN
    assert ax.get_title().startswith("Competence profile")


def test_profile_of_a_pair_shows_both_members_and_marks_the_cover(the_plan):
    a, b = the_plan.pairs[0]
    ax = plot.profile(the_plan, (a, b))
    heights = [r.get_height() for r in _bars(ax)]
    levels = {p.ident: p.levels for p in the_plan.competence_map.profiles}
    assert heights == [*levels[a], *levels[b]]
    cover = next(c for c in ax.collections if isinstance(c, LineCollection))
    marked = sorted(seg[0][1] for seg in cover.get_segments())
    assert marked == sorted(np.maximum(levels[a], levels[b]).tolist())
    leads = next(c for c in ax.collections if isinstance(c, PathCollection))
    pair = the_plan.pairing.pair_of(a)
    assert len(leads.get_offsets()) == sum(len(pair.leads.get(d, ())) for d in DIMENSIONS)


def test_profile_of_a_pairing_result_is_the_cover_only(the_plan):
    pair = the_plan.pairing.pairs[0]
    ax = plot.profile(the_plan.pairing, pair)
    assert [r.get_height() for r in _bars(ax)] == [pair.combined_profile[d] for d in DIMENSIONS]
    with pytest.raises(ValueError, match="Plan or the Office"):
        plot.profile(the_plan.pairing, pair.members[0])
    with pytest.raises(ValueError, match="name a pair"):
        plot.profile(the_plan.pairing)


def test_profile_of_the_office_is_the_mean_level_beside_the_mean_need(office):
    cmap = nk.competence_map(office)
    ax = plot.profile(office)
    heights = [r.get_height() for r in _bars(ax)]
    assert heights[:4] == pytest.approx([d.mean_level for d in cmap.dimensions])
    assert heights[4:] == pytest.approx([d.mean_need for d in cmap.dimensions])


def test_profile_refuses_who_it_cannot_find(office):
    with pytest.raises(KeyError, match="Z000000"):
        plot.profile(office, "Z000000")
    with pytest.raises(ValueError, match="two different"):
        plot.profile(office, (office.idents[0], office.idents[0]))
    with pytest.raises(TypeError, match="Office"):
        plot.profile("office", office.idents[0])


# ---- coverage -----------------------------------------------------------------------------


def test_coverage_is_one_row_per_veileder_grouped_by_avdeling_with_levels_written(office):
    ax = plot.coverage(office)
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert len(rows) == office.n_veiledere
    by_label = {nk.text.person(v.ident, {v.ident: v.name}): v for v in office.veiledere}
    assert set(rows) == set(by_label)
    avdelinger = [by_label[r].avdeling for r in rows]
    assert avdelinger == sorted(avdelinger)  # grouped, office order within a group
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    grid = np.asarray(mesh.get_array()).reshape(len(rows), 4)
    expected = np.array([by_label[r].effective_profile.as_array() for r in rows])
    assert (grid == expected).all()
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(expected.ravel().tolist())
    right = [t.get_text() for t in ax.child_axes[0].get_yticklabels()]
    assert right == sorted({v.avdeling for v in office.veiledere})


def test_coverage_of_the_plan_and_of_its_map_draw_the_same_grid(the_plan):
    grids = []
    for subject in (the_plan, the_plan.competence_map, the_plan.office):
        mesh = next(c for c in plot.coverage(subject).collections if isinstance(c, QuadMesh))
        grids.append(np.asarray(mesh.get_array()))
    assert (grids[0] == grids[1]).all() and (grids[0] == grids[2]).all()
    with pytest.raises(TypeError, match="PairingResult"):
        plot.coverage(the_plan.pairing)


# ---- loads --------------------------------------------------------------------------------


def test_loads_highlights_exactly_the_units_over_capacity(overloaded_today):
    ax = plot.loads(overloaded_today)
    bars = _bars(ax)
    units = list(overloaded_today.units.values())
    assert len(bars) == len(units)
    assert [b.get_width() for b in bars] == pytest.approx([u.load_points for u in units])
    red = [b.get_hatch() == "//" for b in bars]
    over = [u.load_points > u.capacity_points + 1e-9 for u in units]
    assert red == over
    assert sum(red) == overloaded_today.metrics()["units_over_capacity"] > 0
    colours = {tuple(b.get_facecolor()) for b, r in zip(bars, red, strict=True) if r}
    assert colours == {mpl.colors.to_rgba(plot.VERMILLION)}
    marks = next(c for c in ax.collections if isinstance(c, LineCollection))
    assert sorted(s[0][0] for s in marks.get_segments()) == pytest.approx(
        sorted(u.capacity_points for u in units))
    assert "Over kapasitet" in _texts(ax)
    assert ax.get_title() == "Belastning mot kapasitet – I dag"


def test_loads_of_a_plan_is_its_proposal_without_overload(the_plan):
    ax = plot.loads(the_plan, lang="en")
    assert len(_bars(ax)) == len(the_plan.allocation.units)
    assert not any(b.get_hatch() for b in _bars(ax))
    assert "Over capacity" not in _texts(ax)
    assert ax.get_title() == "Load against capacity – Proposal"
    with pytest.raises(TypeError, match="AllocationResult"):
        plot.loads(the_plan.comparison)


# ---- shortfall ----------------------------------------------------------------------------


def test_shortfall_counts_every_placed_bruker_once_per_side(the_plan):
    ax = plot.shortfall(the_plan)
    today, proposal = ax.containers
    for bars, result in ((today, the_plan.today), (proposal, the_plan.allocation)):
        counts = [int(b.get_height()) for b in bars]
        totals = [p.total_shortfall for p in result.placements.values()]
        assert sum(counts) == len(totals)
        assert counts == np.bincount(totals, minlength=len(counts)).tolist()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    mean = nk.text.fmt(the_plan.today.metrics()["mean_shortfall"], "nb", decimals=2)
    assert legend[0] == f"I dag (snitt {mean})"
    assert legend[1].startswith("Forslag (snitt ")


def test_shortfall_of_a_pair_of_results_and_of_a_comparison(the_plan):
    ax = plot.shortfall((the_plan.today, the_plan.allocation), lang="en")
    assert ax.get_title() == "Shortfall per bruker: Today and Proposal"
    ax = plot.shortfall(the_plan.comparison, lang="en")  # the comparison is in nb
    heights = [r.get_height() for r in _bars(ax)]
    c = the_plan.comparison
    assert heights == pytest.approx([c["mean_shortfall"].a, c["p90_shortfall"].a,
                                     c["mean_shortfall"].b, c["p90_shortfall"].b])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Today", "Proposal"]
    with pytest.raises(TypeError, match="Comparison"):
        plot.shortfall(the_plan.allocation)


# ---- learning network ---------------------------------------------------------------------


def _network() -> nx.DiGraph:
    g = nx.DiGraph()
    for ident, avdeling, name in (("Z000001", "Ungdom", "Kari Nordmann"),
                                  ("Z000002", "Ungdom", None),
                                  ("Z000003", "Helse", "Ola Hansen"),
                                  ("Z000004", "Helse", "Per Berg"),
                                  ("Z000005", "Helse", "Anne Lie")):
        g.add_node(ident, avdeling=avdeling, name=name, levels={})
    g.add_edge("Z000001", "Z000002", kind="learning")
    g.add_edge("Z000003", "Z000002", kind="learning")  # across avdelinger
    g.add_edge("Z000003", "Z000004", kind="pair")
    return g


def test_learning_network_draws_relations_as_arrows_pairs_dashed_and_the_alone_hollow():
    ax = plot.learning_network(_network())
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 2
    pairs = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(pairs) == 1 and len(pairs[0].get_segments()) == 1
    assert pairs[0].get_linestyle()[0][1] is not None  # dashed
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == 5
    hollow = [c for c in points if (c.get_facecolor()[:, :3] == 1).all()]
    assert sum(len(c.get_offsets()) for c in hollow) == 2  # Z000004 and Z000005
    labels = {t.get_text() for t in ax.texts}
    assert {"Kari Nordmann", "Z000002", "Ola Hansen"} <= labels
    assert ax.get_title() == ("Læringsnettverk\nLæringsrelasjoner: 2, på tvers av "
                              "avdelinger: 1; veiledere uten læringsrelasjon: 2")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:2] == ["Helse", "Ungdom"] and "Par" in legend
    assert "Uten læringsrelasjon" in legend


def test_learning_network_is_the_same_drawing_every_time():
    a = plot.to_svg(plot.learning_network(_network()))
    b = plot.to_svg(plot.learning_network(_network()))
    assert a == b


def test_learning_network_of_a_plain_graph_and_of_an_office(office):
    ax = plot.learning_network(nx.DiGraph([(1, 2), (2, 3)]), lang="en")
    assert ax.get_title().startswith("Learning network\nLearning relations: 2, across "
                                     "avdelinger: 0;")
    assert ax.get_legend() is not None

    class Network:  # what analysis.learning returns: anything with a .graph
        graph = _network()

    assert len([p for p in plot.learning_network(Network()).patches
                if isinstance(p, FancyArrowPatch)]) == 2
    ax = plot.learning_network(office)
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == office.n_veiledere
    with pytest.raises(ValueError, match="no veiledere"):
        plot.learning_network(nx.DiGraph())


def test_office_graph_holds_the_offices_relations_and_pairs(office):
    g = plot.office_graph(office)
    assert list(g.nodes) == list(office.idents)
    learning = {(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "learning"}
    assert learning == {(r.mentor, r.learner) for r in office.learning_relations}
    pairs = {(u, v) for u, v, d in g.edges(data=True) if d["kind"] == "pair"}
    assert pairs == {(a, b) for p in office.pairs for a, b in (p, p[::-1])}  # both ways
    v = office.veiledere[0]
    assert g.nodes[v.ident]["avdeling"] == v.avdeling and g.nodes[v.ident]["name"] == v.name
    assert g.nodes[v.ident]["digital"] == v.effective_profile["digital"]


def test_a_pair_stored_both_ways_or_on_a_learning_edge_is_drawn_once():
    g = _network()
    g.add_edge("Z000004", "Z000003", kind="pair", pair=True)
    g.edges["Z000001", "Z000002"]["pair"] = True  # partners with a learning relation
    ax = plot.learning_network(g)
    pairs = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(pairs[0].get_segments()) == 2
    assert len([p for p in ax.patches if isinstance(p, FancyArrowPatch)]) == 2


def test_an_office_draws_as_its_own_graph_without_the_learning_analysis(monkeypatch, office):
    expected = plot.to_svg(plot.learning_network(plot.office_graph(office)))
    monkeypatch.setitem(sys.modules, "navkompetanse.analysis.learning", None)
    assert plot.to_svg(plot.learning_network(office)) == expected


def test_the_plan_draws_its_proposed_pairs(the_plan):
    ax = plot.learning_network(the_plan)
    pairs = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(pairs[0].get_segments()) == len(the_plan.pairs)


# ---- SVG ----------------------------------------------------------------------------------


def test_to_svg_is_inline_valid_self_contained_and_deterministic(the_plan):
    first = plot.to_svg(plot.coverage(the_plan))
    again = plot.to_svg(plot.coverage(the_plan))
    assert first == again
    assert first.startswith("<svg")
    root = ET.fromstring(first)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Kompetanse per veileder " \
                                                                   "(nivå 1–5)"
    urls = set(re.findall(r"https?://[^\"'\s)]+", first))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "<image" not in first and "@font-face" not in first and "<metadata" not in first
    ids = set(re.findall(r'\bid="([^"]+)"', first))
    refs = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', first))
    assert refs <= ids
    other = plot.to_svg(plot.loads(the_plan))
    assert not ids & set(re.findall(r'\bid="([^"]+)"', other))  # one page, no shared ids
    assert plt.get_fignums() == []  # to_svg closed what it rendered


def test_to_svg_of_a_figure_of_its_own_keeps_it_open_when_asked(the_plan):
    fig, ax = plt.subplots()
    plot.shortfall(the_plan, ax=ax)
    assert plot.to_svg(fig, close=False).startswith("<svg")
    assert plt.get_fignums() == [fig.number]
    with pytest.raises(TypeError, match="Axes or Figure"):
        plot.to_svg("not a chart")


def test_to_svg_lays_a_chart_out_once_at_its_own_size_and_cuts_nothing_off(the_plan):
    """A chart with a layout engine is laid out once and drawn at its size (8 inches wide,
    no crop); everything drawn lies inside the figure (long names on the left, the legend
    below), and a figure kept open keeps its engine."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for draw in (plot.loads, plot.coverage, plot.profile):
        ax = draw(the_plan)
        fig = ax.figure
        engine = fig.get_layout_engine()
        svg = plot.to_svg(fig, close=False)
        root = ET.fromstring(svg)
        width, height = fig.get_size_inches() * 72
        assert root.get("width") == f"{width:g}pt" and root.get("height") == f"{height:g}pt"
        assert fig.get_layout_engine() is engine
        fig.set_layout_engine(None)  # as drawn: no second layout when measured here
        renderer = FigureCanvasAgg(fig).get_renderer()
        drawn = ax.get_tightbbox(renderer)
        assert drawn.x0 >= 0 and drawn.y0 >= 0, (draw.__name__, drawn)
        assert drawn.x1 <= fig.bbox.x1 and drawn.y1 <= fig.bbox.y1, (draw.__name__, drawn)
        left = min(t.get_window_extent(renderer).x0 for t in ax.get_yticklabels())
        assert left < 0.25 * fig.bbox.width  # the names sit at the left edge, not indented
        plt.close(fig)


def test_to_svg_crops_a_figure_without_a_layout_engine(the_plan):
    fig, ax = plt.subplots(figsize=(8, 3), layout=None)
    plot.shortfall(the_plan, ax=ax)
    root = ET.fromstring(plot.to_svg(fig))
    assert float(root.get("width").removesuffix("pt")) < 8 * 72  # cropped to the drawing


# ---- without matplotlib -------------------------------------------------------------------


def test_without_matplotlib_every_chart_says_which_extra_brings_it(monkeypatch, the_plan):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    for draw in _charts(the_plan).values():
        with pytest.raises(ImportError, match=r"pip install 'navkompetanse\[plot\]'"):
            draw(None)
    with pytest.raises(ImportError, match=r"navkompetanse\[plot\]"):
        plot.to_svg(object())


def test_the_learning_analysis_and_the_office_graph_draw_the_same_network(office):
    learning = pytest.importorskip("navkompetanse.analysis.learning")
    ours = plot.office_graph(office)
    theirs = learning.learning_network(office).graph
    assert list(theirs.nodes) == list(ours.nodes) and list(theirs.edges) == list(ours.edges)
    assert plot.to_svg(plot.learning_network(office)) == plot.to_svg(
        plot.learning_network(ours))


def test_a_side_without_a_distribution_is_named_and_has_no_bars():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        office = nk.synthetic_office(n_veiledere=6, n_brukere=300, seed=2, load=1.5)
        plan = nk.plan(office, strict_capacity=True, gaps=False)
    assert not plan.allocation.ok
    ax = plot.shortfall(plan)
    assert len(ax.containers[1].patches) == 0
    assert ax.get_legend().get_texts()[1].get_text() == "Forslag (ingen fordeling)"
    ax = plot.shortfall(plan.comparison)
    assert [t.get_text() for t in ax.texts][2:] == ["–", "–"]


def test_veiledere_without_an_avdeling_are_a_group_of_their_own():
    profile = nk.CompetenceProfile(relasjonell=3, struktur=2, forvaltning=4, digital=5)
    office = nk.Office(enhet="0001", name="Lite", veiledere=(
        nk.Veileder(ident="Z000001", profile=profile),
        nk.Veileder(ident="Z000002", avdeling="Ungdom", profile=profile)))
    ax = plot.coverage(office)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Z000002", "Z000001"]
    assert [t.get_text() for t in ax.child_axes[0].get_yticklabels()] == ["Ungdom",
                                                                          "Uten avdeling"]
    legend = plot.learning_network(office, lang="en").get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Ungdom", "No avdeling",
                                                          "No learning relation"]
