"""Policy: its validation rules, and docs/policy.md stating the numbers the code uses."""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from pydantic import ValidationError

from navkompetanse import DIMENSIONS, Malgruppe, Policy
from navkompetanse.policy import NO_DECISION

DOC = Path(__file__).parent.parent / "docs" / "policy.md"


def doc_rows() -> list[list[str]]:
    """Every table row of docs/policy.md as its cells, backticks removed."""
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([c.strip().replace("`", "") for c in line.strip("|").split("|")])
    return rows


def number(text: str) -> float:
    return float(text.lstrip("+"))


@pytest.mark.skipif(not DOC.exists(), reason="docs not present")
def test_doc_tables_match_policy_defaults():
    policy = Policy()
    rows = doc_rows()
    single = [r for r in rows if re.fullmatch(r"\+?[\d.]+", r[1])]
    workload = {r[0]: number(r[1]) for r in single if r[0] in policy.workload_points}
    workload[NO_DECISION] = next(number(r[1]) for r in single if NO_DECISION in r[0])
    assert workload == policy.workload_points
    assert next(number(r[1]) for r in rows if r[0].startswith("heavy case (tung_sak)")) == (
        policy.tung_sak_points)

    need = {r[0]: [int(x) for x in r[1].split(",")] for r in rows
            if r[0] in policy.need_profile and re.fullmatch(r"[\d, ]+", r[1])}
    need[NO_DECISION] = next([int(x) for x in r[1].split(",")] for r in rows
                             if r[0] == "no decision yet" and re.fullmatch(r"[\d, ]+", r[1]))
    assert need == {g: [levels[d] for d in DIMENSIONS] for g, levels in
                    policy.need_profile.items()}

    def raised(text: str) -> dict:
        names, _, by = text.rpartition("+")
        return {d: (int(by) if d.value in names else 0) for d in DIMENSIONS}

    for m in Malgruppe:
        row = next(r for r in rows if r[0].split(" ")[0] == m.value)
        assert raised(row[1]) == policy.malgruppe_adjustment[m], m
    heavy = next(r for r in rows if "tung_sak_adjustment" in r[0])
    assert raised(heavy[1]) == policy.tung_sak_adjustment

    fields = {r[0]: r[1] for r in rows if r[0] in Policy.model_fields}
    assert set(fields) >= {"heavy_cases_per_position", "continuity_bonus", "specialty_bonus",
                           "balance_slack", "pair_overhead", "pair_learning_bonus",
                           "pair_continuity_threshold"}
    assert set(fields) >= {"continuity_weight_innsatsgruppe", "continuity_weight_malgruppe",
                           "continuity_weight_tung_sak", "preference_weight", "kommunal_only",
                           "pair_trial_weeks"}
    for name, shown in fields.items():
        value = getattr(policy, name)
        if isinstance(value, bool):
            assert shown == str(value).lower(), name
        elif isinstance(value, Mapping):  # "KEY 0.5, KEY 1, ..."
            table = {key: number(v) for key, v in
                     (item.rsplit(" ", 1) for item in shown.split(", "))}
            assert table == {str(getattr(k, "value", k)): v for k, v in value.items()}, name
        else:
            assert number(shown) == value, name


@pytest.mark.skipif(not DOC.exists(), reason="docs not present")
def test_doc_inline_numbers_match_policy_defaults():
    text = DOC.read_text(encoding="utf-8")
    policy = Policy()
    found = dict(re.findall(r"`(\w+) = ([\d., ]*\d)`", text))
    assert number(found["capacity_points_per_position"]) == policy.capacity_points_per_position
    assert number(found["shortfall_exponent"]) == policy.shortfall_exponent
    weights = [number(w) for w in found["dimension_weights"].split(",")]
    assert weights == [policy.dimension_weights[d] for d in DIMENSIONS]


def test_every_policy_field_is_documented():
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else pytest.skip("docs not present")
    assert [f for f in Policy.model_fields if f not in text] == []


@pytest.mark.parametrize(("update", "message"), [
    ({"workload_points": {"STANDARD_INNSATS": 1.0}}, "missing"),
    ({"need_profile": {**Policy().need_profile, "ANNEN_INNSATS": Policy().need_profile[
        NO_DECISION]}}, "unknown"),
    ({"workload_points": {**Policy().workload_points, "STANDARD_INNSATS": -1.0}},
     "workload_points must be non-negative"),
    ({"need_profile": {**Policy().need_profile, NO_DECISION: {"relasjonell": 3}}},
     "must give all four dimensions"),
    ({"need_profile": {**Policy().need_profile, NO_DECISION: dict.fromkeys(DIMENSIONS, 6)}},
     "levels must be 1-5"),
    ({"dimension_weights": {"relasjonell": 1.0}}, "dimension_weights must give all four"),
    ({"dimension_weights": {**Policy().dimension_weights, DIMENSIONS[0]: -0.5}},
     "dimension_weights must be non-negative"),
    ({"pair_overhead": 1.0}, "less than 1"),
    ({"shortfall_exponent": 0.5}, "greater than or equal to 1"),
    ({"capacity_points_per_position": 0}, "greater than 0"),
    ({"ukjent": 1}, "Extra inputs are not permitted"),
])
def test_policy_rules(update, message):
    with pytest.raises(ValidationError, match=message):
        Policy(**update)


@pytest.mark.parametrize(("update", "message"), [
    ({"balance_slack": -3}, "balance_slack"),
    ({"pair_overhead": 1.0}, "pair_overhead"),
    ({"workload_points": {"STANDARD_INNSATS": 1.0}}, "workload_points"),
    ({"dimension_weights": {**Policy().dimension_weights, DIMENSIONS[0]: -0.5}},
     "dimension_weights must be non-negative"),
    ({"ukjent": 1}, "ukjent"),
])
def test_changing_a_policy_validates_like_building_one(update, message):
    # pydantic's model_copy(update=...) does not validate: balance_slack=-3 was accepted
    with pytest.raises(ValidationError, match=message):
        Policy().model_copy(update=update)


def test_model_copy_applies_a_valid_change_and_leaves_the_original():
    policy = Policy()
    strict = policy.model_copy(update={"balance_slack": 0.05, "workload_points": {
        **policy.workload_points, "STANDARD_INNSATS": 0.5}})
    assert strict.balance_slack == 0.05 and strict.workload_points["STANDARD_INNSATS"] == 0.5
    assert policy.balance_slack == 0.15 and policy.workload_points["STANDARD_INNSATS"] == 0.4
    assert policy.model_copy() == policy and policy.model_copy(update={}) == policy


def test_tables_inside_a_policy_cannot_be_changed():
    policy = Policy().model_copy(update={"need_profile": {
        **Policy().need_profile, NO_DECISION: dict.fromkeys(DIMENSIONS, 4)}})
    for table in (policy.workload_points, policy.need_profile,
                  policy.need_profile[NO_DECISION], policy.malgruppe_adjustment,
                  policy.malgruppe_adjustment[Malgruppe.ung], policy.tung_sak_adjustment,
                  policy.dimension_weights):
        with pytest.raises(TypeError):
            table[next(iter(table))] = 0  # type: ignore[index]
        with pytest.raises(TypeError):
            table.clear()  # type: ignore[attr-defined]
    assert hash(policy) == hash(policy.model_copy())  # frozen all the way: hashable


def test_policy_is_frozen():
    with pytest.raises(ValidationError):
        Policy().continuity_bonus = 1.0  # type: ignore[misc]


def test_policy_round_trips_and_takes_fractional_weights():
    # dimension_weights was typed as int levels: its own default 0.6 was refused on input
    policy = Policy()
    assert Policy(**policy.model_dump()) == policy
    assert Policy.model_validate_json(policy.model_dump_json()) == policy
    assert Policy(dimension_weights={**policy.dimension_weights, DIMENSIONS[3]: 0.3}) != policy


def test_frozen_tables_serialise_as_plain_json_objects():
    policy = Policy(need_profile={**Policy().need_profile, NO_DECISION: dict.fromkeys(
        DIMENSIONS, 4)})
    data = json.loads(policy.model_dump_json())
    assert data["need_profile"][NO_DECISION] == dict.fromkeys((d.value for d in DIMENSIONS), 4)
    assert data["workload_points"] == dict(Policy().workload_points)
    assert Policy.model_validate_json(policy.model_dump_json()) == policy
    assert pickle.loads(pickle.dumps(policy)) == policy


@pytest.mark.parametrize("update", [
    {"heavy_cases_per_position": float("inf")},
    {"capacity_points_per_position": float("inf")},
    {"pair_overhead": float("nan")},
    {"workload_points": {"STANDARD_INNSATS": float("inf")}},
])
def test_policy_refuses_infinite_and_nan_numbers(update):
    """An infinite limit was accepted and crashed the allocation LP (a review): every number
    of a policy is finite, and the error names the field."""
    with pytest.raises(ValidationError, match="finite number") as err:
        Policy(**update)
    assert next(iter(update)) in str(err.value)
