"""Every result type keeps the one contract of docs/architecture.md (results.Result)."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from navkompetanse import (
    STATUSES,
    Result,
    allocate_portfolios,
    compare,
    competence_map,
    load_example_office,
    naive,
    pair_veiledere,
    plan,
    status_quo,
)
from navkompetanse._frozen import FrozenDict

#: English developer words that must never reach a Norwegian reader.
ENGLISH_CODES = ("left over", "excluded by a rule", "method=", "better_fit", "no partner",
                 "not pairable", "price-and-match", "allocation LPs", "Overflow:", "unassigned")


@pytest.fixture(scope="module")
def office():
    office = load_example_office()
    # give half the veiledere a name, as offices that keep names do
    return office.replace(veiledere=tuple(
        v.model_copy(update={"name": f"Navn{i} Etternavn"}) if i % 2 == 0 else v
        for i, v in enumerate(office.veiledere)))


@pytest.fixture(scope="module")
def results(office):
    pairing = pair_veiledere(office, time_limit=10)
    proposal = allocate_portfolios(office, pairs=pairing, time_limit=10)
    today = status_quo(office)
    return {
        "pairing": pairing, "allocation": proposal, "today": today, "naive": naive(office),
        "comparison": compare(today, proposal), "competence_map": competence_map(office),
        "plan": plan(office, time_limit=10),
    }


KINDS = ["pairing", "allocation", "today", "naive", "comparison", "competence_map", "plan"]


@pytest.mark.parametrize("kind", KINDS)
def test_status_and_ok(results, kind):
    r = results[kind]
    assert isinstance(r, Result)
    assert r.status in STATUSES
    assert r.ok and r.raise_for_status() is r


@pytest.mark.parametrize("kind", KINDS)
def test_repr_is_one_short_line_and_html_a_small_table(results, kind):
    r = results[kind]
    text = repr(r)
    assert len(text) < 200 and "\n" not in text, text
    page = r._repr_html_()
    assert "<table>" in page and len(page) < 20_000


@pytest.mark.parametrize("kind", KINDS)
def test_to_dict_is_strict_json(results, kind):
    json.dumps(results[kind].to_dict(), allow_nan=False)


@pytest.mark.parametrize("kind", KINDS)
def test_to_frame_keeps_ids_as_columns(results, kind, tmp_path):
    frame = results[kind].to_frame()
    assert list(frame.index) == list(range(len(frame)))
    assert len(frame) > 0
    path = tmp_path / "f.csv"
    frame.to_csv(path, index=False)
    import pandas as pd

    back = pd.read_csv(path)
    assert list(back.columns) == list(frame.columns) and len(back) == len(frame)


def test_frames_name_people(results, office):
    names = {v.ident: v.name for v in office.veiledere if v.name}
    frame = results["pairing"].to_frame()
    assert {"ident", "name"} <= set(frame.columns)
    named = frame[frame["ident"].isin(names)]
    assert (named["name"] == named["ident"].map(names)).all()
    alloc = results["allocation"].to_frame()
    assert "bruker_id" in alloc.columns
    assert set(alloc["bruker_id"]) == {b.id for b in office.brukere}


@pytest.mark.parametrize("kind", KINDS)
def test_messages_in_both_languages_and_lang_checked(results, kind):
    r = results[kind]
    assert r.lang == "nb" and r.message == r.messages["nb"] == r.describe()
    assert r.describe("en") == r.messages["en"]
    for bad in ("EN", "no", "", 1):  # None means the result's own language
        with pytest.raises(ValueError, match="lang"):
            r.describe(bad)
    assert r.describe(None) == r.message


@pytest.mark.parametrize("kind", KINDS)
def test_norwegian_text_has_no_english_codes_and_a_decimal_comma(results, kind):
    r = results[kind]
    texts = [r.describe("nb"), r._repr_html_()]
    if kind == "plan":
        texts += [r.text("nb"), visible(r.to_html("nb"))]
    if hasattr(r, "explain") and kind != "comparison":
        texts.append(r.explain(lang="nb") if kind != "allocation" else
                     r.explain(next(iter(r.assignment)), lang="nb"))
    texts[1] = visible(texts[1])
    for text in texts:
        for code in ENGLISH_CODES:
            assert code not in text, (code, text)
        # a version (0.1.0, Python 3.11.7: three parts or more) is not a decimal number
        assert not re.search(r"\d\.\d", re.sub(r"\d+(\.\d+){2,}", " ", text)), text


def visible(page: str) -> str:
    """The text a reader sees on an HTML page: no styles, no tags (so no CSS numbers)."""
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", page)


def _plain_containers(value, path="result", seen=None):
    """Paths inside a result that hold a mutable dict, list or set."""
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return []
    seen.add(id(value))
    found = []
    if isinstance(value, dict) and not isinstance(value, FrozenDict):
        found.append(path)
    if isinstance(value, list | set):
        found.append(path)
    if isinstance(value, dict):
        for k, v in list(value.items())[:50]:
            found += _plain_containers(v, f"{path}[{k!r}]", seen)
    elif isinstance(value, list | tuple | set | frozenset):
        for i, v in enumerate(list(value)[:50]):
            found += _plain_containers(v, f"{path}[{i}]", seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            found += _plain_containers(getattr(value, f.name), f"{path}.{f.name}", seen)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_frozen_means_frozen(results, kind):
    r = results[kind]
    assert _plain_containers(r) == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.status = "optimal"
    with pytest.raises(TypeError):
        r.messages["nb"] = "endret"


@pytest.mark.parametrize("kind", ["pairing", "allocation", "plan"])
def test_explanations_show_names(results, office, kind):
    names = {v.ident: v.name for v in office.veiledere if v.name}
    r = results[kind]
    if kind == "allocation":
        text = " ".join(r.explain(b) for b in list(r.assignment)[:200])
    elif kind == "pairing":
        text = " ".join(r.explain(p) for p in r.pairs) + " ".join(
            r.explain(i) for i in r.singles)
    else:
        text = r.text()
    assert any(f"{name} ({ident})" in text for ident, name in names.items())
