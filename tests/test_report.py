"""The plan report as a leader reads it: every section in both languages, plain Norwegian,
escaped, self-contained, small groups left out, and a missing part said in one line.

The browser checks (layout at 900 px, printing on A4) are in test_report_browser.py.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from navkompetanse import load_example_office, plan, synthetic_office
from navkompetanse import report as report_module
from navkompetanse.analysis.competence_map import SHARE_MIN_GROUP_SIZE
from navkompetanse.report import _TEXT, SECTIONS, TEXT_WIDTH

LANGS = ("nb", "en")

#: A name that breaks a page built from strings: markup, an ampersand and quotes.
EVIL_NAME = '<script>alert("x")</script> Kari & Ola'


def _plan(office, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an overloaded office warns; not what is tested here
        return plan(office, time_limit=5, **options)


@pytest.fixture(scope="module")
def example_plan():
    return _plan(load_example_office())


@pytest.fixture(scope="module")
def pages(example_plan):
    return {lang: example_plan.to_html(lang) for lang in LANGS}


@pytest.fixture(scope="module")
def small_office():
    """Six veiledere (two in an avdeling of two, one named with markup), 120 brukere, three
    of them in innsatsgruppe 'trenger vurdering' (a group under the sharing threshold)."""
    office = synthetic_office(6, 120, seed=2)
    veiledere = list(office.veiledere)
    veiledere[0] = veiledere[0].model_copy(update={"name": EVIL_NAME, "avdeling": "Liten"})
    veiledere[1] = veiledere[1].model_copy(update={"avdeling": "Liten"})
    return office.replace(veiledere=tuple(veiledere))


@pytest.fixture(scope="module")
def small_plan(small_office):
    return _plan(small_office, gaps=False)


@pytest.fixture(scope="module")
def small_pages(small_plan):
    return {lang: small_plan.to_html(lang) for lang in LANGS}


class _Page(HTMLParser):
    """The page's visible text (outside style, script and SVG), its tags and attributes, and
    the text of each section."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.sections: dict[str, list[str]] = {}
        self._skip = 0
        self._section: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag in ("style", "script", "svg", "title"):
            self._skip += 1
        if tag == "section":
            self._section = dict(attrs).get("id")
            self.sections[self._section] = []

    def handle_endtag(self, tag):
        if tag in ("style", "script", "svg", "title"):
            self._skip -= 1
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._skip or not data.strip():
            return
        self.text.append(data.strip())
        if self._section:
            self.sections[self._section].append(data.strip())


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def _section_html(page: str, section: str) -> str:
    match = re.search(rf'<section id="{section}">(.*?)</section>', page, re.S)
    assert match, section
    return match.group(1)


# ---- sections --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_section_is_there_in_order_with_its_heading(pages, lang):
    page = pages[lang]
    assert f'<html lang="{lang}">' in page
    positions = [page.index(f'<section id="{s}">') for s in SECTIONS]
    assert positions == sorted(positions)
    parsed = _parse(page)
    for k, section in enumerate(SECTIONS, start=1):
        assert page.count(f'<section id="{section}">') == 1
        assert parsed.sections[section][0] == f"{k}. {_TEXT[lang][section]}"
        assert len(parsed.sections[section]) >= 2, f"{section} has no content"


@pytest.mark.parametrize("lang", LANGS)
def test_the_example_plan_fills_every_section_it_holds(example_plan, pages, lang):
    parsed = _parse(pages[lang])
    t = _TEXT[lang]
    body = " ".join(parsed.text)
    # names, or idents where the office has none: every proposed pair is in the table
    for a, b in example_plan.pairs:
        assert a in body and b in body
    for pair in example_plan.pairing.pairs:
        if pair.review_date is not None:
            from navkompetanse.text.pairing import date_text

            assert date_text(pair.review_date, lang) in " ".join(parsed.sections["pairs"])
    # the distribution: comparison, the preference shares, units and moves
    distribution = " ".join(parsed.sections["distribution"])
    for row in example_plan.comparison.rows:
        if row.key.endswith("_share"):
            assert _TEXT[lang]["pref_note"] in distribution
    assert t["units"] in distribution and t["moves"] in distribution
    assert example_plan.allocation.moves[0].bruker_id in distribution
    # gaps: the development steps as a table with the verified gain
    gaps = " ".join(parsed.sections["gaps"])
    assert t["h_development"] in gaps and t["verified"] in gaps
    # the solver: status and the certified gap of the distribution
    assumptions = " ".join(parsed.sections["assumptions"])
    assert t["s_alloc_gap"] in assumptions and t["policy"] in assumptions


def test_a_trial_whose_review_date_has_passed_is_called_overdue():
    from types import SimpleNamespace as Pair

    trial = Pair(trial=True, review_date=dt.date(2026, 3, 1))
    made = dt.date(2026, 12, 2)
    assert report_module._trial_text(trial, made, "nb") == (
        "forsøk; vurderingen var 1. mars 2026 og er forfalt")
    assert report_module._trial_text(trial, made, "en") == (
        "trial; its review was due on 1 March 2026 and is overdue")
    for before in (dt.date(2026, 1, 15), dt.date(2026, 3, 1), None):  # the day itself: due
        assert report_module._trial_text(trial, before, "nb") == "forsøk, vurderes 1. mars 2026"
        assert report_module._trial_text(trial, before, "en") == (
            "trial, review on 1 March 2026")
    assert report_module._trial_text(Pair(trial=True, review_date=None), made, "nb") == "forsøk"
    assert report_module._trial_text(Pair(trial=False, review_date=None), made, "en") == (
        "established pair")


@pytest.mark.parametrize("made", [dt.date(2026, 12, 2), dt.date(2026, 1, 15)])
def test_the_pairs_say_which_reviews_are_overdue_on_the_plan_s_day(made, monkeypatch):
    """The example office's trial pair from December 2025 (review 1 March 2026), pinned: on
    a plan made after that date the page and the text say the review is overdue, before it
    they give the date; the new pairs' reviews (the plan's day plus the trial weeks) never
    are."""
    trial_pair = ("Z295574", "Z851776")
    made_plan = _plan(load_example_office(), required=[trial_pair], gaps=False,
                      learning=False, today=made)
    monkeypatch.setattr(report_module, "_plot_module", lambda: None)  # the text, not charts
    for lang in LANGS:
        page = " ".join(_parse(made_plan.to_html(lang)).sections["pairs"])
        text = made_plan.text(lang)
        for pair in made_plan.pairing.pairs:
            said = report_module._trial_text(pair, made, lang)
            assert said in page and said in text
            overdue = "forfalt" in said or "overdue" in said
            assert overdue == (pair.members == trial_pair and made > dt.date(2026, 3, 1))
        line = next(t for t in text.splitlines() if t.startswith("Z295574 + Z851776:"))
        assert line.endswith({"nb": "forsøk; vurderingen var 1. mars 2026 og er forfalt",
                              "en": "trial; its review was due on 1 March 2026 and is "
                                    "overdue"}[lang] if made.year == 2026 and made.month == 12
                             else {"nb": "forsøk, vurderes 1. mars 2026",
                                   "en": "trial, review on 1 March 2026"}[lang])


def test_the_office_number_is_enhet_in_norwegian_and_office_in_english(example_plan, pages):
    office = example_plan.office
    assert report_module.office_summary_text(office, "nb").startswith(
        f"{office.name} (enhet {office.enhet})\n")
    assert report_module.office_summary_text(office, "en").startswith(
        f"{office.name} (office {office.enhet})\n")
    subtitle = {lang: re.search(r'<p class="subtitle">(.*?)</p>', pages[lang]).group(1)
                for lang in LANGS}
    assert f"enhet {office.enhet}" in subtitle["nb"]
    assert f"office {office.enhet}" in subtitle["en"] and "enhet" not in subtitle["en"]


# ---- language --------------------------------------------------------------------------------

#: What must never reach a Norwegian reader: codes and English words of the code.
_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|\b[A-Z]{3,}_[A-Z_]+\b")
_ENGLISH = ("None", "nan", "True", "False", "feasible", "infeasible", "time_limit", "Unit",
            "Load", "Capacity", "Proposal", "Today", "shortfall", "better_fit", "stronger",
            "preference", "energising", "draining", "trial", "review", "Pair")


def test_the_norwegian_page_holds_no_codes_or_english(pages):
    text = " ".join(_parse(pages["nb"]).text)
    assert _CODE.findall(text) == []
    words = set(re.findall(r"[A-Za-z_]+", text))
    assert [w for w in _ENGLISH if w in words] == []


def test_the_english_page_has_english_headings_and_no_norwegian_ones(pages):
    text = " ".join(_parse(pages["en"]).text)
    for section in SECTIONS:
        assert _TEXT["nb"][section] not in text
    assert _CODE.findall(text) == []
    assert "Veiledere" in text and "Kontoret i korte trekk" not in text


def test_the_text_report_is_plain_norwegian_and_fits_the_terminal(example_plan):
    text = example_plan.text("nb")
    assert _CODE.findall(text) == []
    long = [line for line in text.splitlines() if len(line) > TEXT_WIDTH]
    assert long == []
    for section in ("glance", "map", "pairs", "distribution", "gaps", "learning", "fairness"):
        if section != "glance":
            assert _TEXT["nb"][section] in text
    assert example_plan.text("en").count("\n") > 50


# ---- safety ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_names_are_escaped(small_plan, small_pages, lang):
    page = small_pages[lang]
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Kari &amp; Ola" in page
    assert EVIL_NAME in " ".join(_parse(page).text)  # the browser shows the name as written
    text = small_plan.text(lang)
    assert EVIL_NAME in text  # plain text: as it is


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_is_self_contained(pages, lang):
    page = pages[lang]
    tags = _parse(page).tags
    assert not any(tag in ("script", "link", "iframe", "img", "object", "embed")
                   for tag, _ in tags)
    assert "@import" not in page
    assert re.findall(r"url\((?!#)", page) == []  # only the SVG's own clip paths
    for tag, attrs in tags:
        for name, value in attrs:
            if name in ("src", "srcset", "action", "data"):
                raise AssertionError(f"<{tag} {name}={value!r}>")
            if name.endswith("href"):
                assert value and value.startswith("#"), (tag, name, value)
            if value and re.search(r"(https?:)?//", value) and not name.startswith("xmlns"):
                raise AssertionError(f"<{tag} {name}={value!r}> points outside the page")


# ---- what the plan does not hold, and privacy -------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_missing_part_says_so_in_one_line(small_plan, lang):
    import copy

    bare = copy.copy(small_plan)  # made with gaps=False; and as if without the newer parts
    for name in ("learning", "learning_network", "fairness", "provenance"):
        object.__setattr__(bare, name, None)
    page = bare.to_html(lang)
    t = _TEXT[lang]
    for section, line in (("gaps", t["no_gaps"]), ("fairness", t["no_fairness"])):
        body = re.sub(r"<h2>.*?</h2>", "", _section_html(page, section), flags=re.S).strip()
        assert body == f'<p class="absent">{escape(line)}</p>', section
    # the drawing of today's network stays; the missing mentoring plan is one line
    line = t["no_learning"].format(n=len(bare.office.learning_relations))
    body = _section_html(page, "learning")
    assert body.count('<p class="absent">') == 1
    assert f'<p class="absent">{escape(line)}</p>' in body
    assert f'<p class="absent">{escape(t["no_provenance"])}</p>' in page
    text = bare.text(lang)
    assert t["no_fairness"] in text and _wrap_words(line) in _wrap_words(text)


def _wrap_words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", LANGS)
def test_groups_under_the_threshold_are_left_out(small_plan, small_pages, lang):
    page = small_pages[lang]
    t = _TEXT[lang]
    glance = " ".join(_parse(page).sections["glance"])
    few = t["few"].format(k=SHARE_MIN_GROUP_SIZE)
    assert few in glance  # three brukere need an assessment: not counted out loud
    counts = small_plan.office.summary()["brukere_by_innsatsgruppe"]
    assert any(n < SHARE_MIN_GROUP_SIZE for n in counts.values())
    # no avdeling has five veiledere: no table of means per avdeling at all, and it says so
    assert t["avdeling_head"] not in page
    note = t["avdeling_hidden"].format(k=SHARE_MIN_GROUP_SIZE, names="")[:30]
    map_text = " ".join(_parse(page).sections["map"])
    assert note in map_text and "Liten" in map_text


def test_avdelinger_of_five_or_more_are_shown(example_plan, pages):
    sizes = example_plan.competence_map.avdeling_sizes
    shown = example_plan.competence_map.to_dict(shareable=True)["avdeling_levels"]
    assert shown and all(sizes[a] >= SHARE_MIN_GROUP_SIZE for a in shown)
    section = " ".join(_parse(pages["nb"]).sections["map"])
    assert _TEXT["nb"]["avdeling_head"] in section
    assert all(a in section for a in shown)


# ---- charts ----------------------------------------------------------------------------------

def test_without_the_plot_extra_each_chart_says_which_extra_brings_it(example_plan,
                                                                        monkeypatch):
    monkeypatch.setattr(report_module, "_plot_module", lambda: None)
    for lang in LANGS:
        page = example_plan.to_html(lang)
        figures = re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S)
        assert len(figures) >= 4
        for figure in figures:
            assert "<svg" not in figure
            assert f'<p class="missing">{escape(_TEXT[lang]["chart_missing"])}</p>' in figure
            assert "<figcaption>" in figure


def test_a_machine_without_matplotlib_still_gets_the_report(example_plan, monkeypatch):
    """The real case, not a patched helper: `pip install .` has no matplotlib, and the demo
    must still write its report (the plot module imports matplotlib only when it draws)."""
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    page = example_plan.to_html()
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S)
    assert figures and all("<svg" not in f and escape(_TEXT["nb"]["chart_missing"]) in f
                           for f in figures)


def test_with_the_plot_extra_every_chart_is_inline_svg_with_its_sentence(pages):
    pytest.importorskip("matplotlib")
    if report_module._plot_module() is None:
        pytest.skip("navkompetanse.plot is not importable")
    for lang in LANGS:
        figures = re.findall(r'<figure class="chart">(.*?)</figure>', pages[lang], re.S)
        assert len(figures) >= 4
        for figure in figures:
            assert figure.lstrip().startswith("<svg"), figure[:80]
            caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S).group(1)
            assert len(caption.split()) >= 8  # what it shows and what to look for


# ---- the learning plan (Plan.learning, when the plan holds one) -------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_learning_plan_is_a_table_of_mentors_with_their_reasons(example_plan, lang):
    import copy

    from navkompetanse.analysis import learning_plan

    learning = learning_plan(example_plan.office, policy=example_plan.policy,
                             allocation=example_plan.allocation, lang=lang)
    assert learning.proposals, "the example office has mentoring to propose"
    with_learning = copy.copy(example_plan)
    object.__setattr__(with_learning, "learning", learning)  # as Plan.learning will hold it
    page = with_learning.to_html(lang)
    section = _parse(page).sections["learning"]
    text = " ".join(section)
    t = _TEXT[lang]
    assert t["mentoring"] in text and t["why_mentors"] in text
    assert learning.describe(lang) in text
    for p in learning.proposals:
        assert p.mentor in text and p.learner in text
    assert '<p class="absent">' not in _section_html(page, "learning")
    if lang == "nb":
        assert _CODE.findall(" ".join(_parse(page).text)) == []


def test_division_of_labour_lines_each_have_a_subject():
    """The pairs table's division of labour: one line per member who leads something and one
    for the work both share, each starting with who (the shared line had none: "deler
    digital oppfølging"); kinds of work hold an "og" of their own, so they join by "samt"."""
    from types import SimpleNamespace

    pair = SimpleNamespace(
        members=("A000001", "B000001"),
        leads={"relasjonell": ("A000001",), "struktur": ("A000001",),
               "forvaltning": ("B000001",), "digital": ("A000001", "B000001")},
        lead_reason={"struktur": "preference"})
    plan = SimpleNamespace(names={"A000001": "Kari Nordmann"})
    assert report_module._division(pair, plan, "nb") == [
        "Kari Nordmann (A000001): brukermøter og tett oppfølging samt planlegging og rutiner "
        "(liker det)",
        "B000001: saksbehandling og vedtak",
        "Begge: digital oppfølging"]
    assert report_module._division(pair, plan, "en")[-1] == "Both: digital follow-up"
