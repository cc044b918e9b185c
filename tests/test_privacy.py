"""Fødselsnummer refusal: valid numbers refused, near misses accepted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from navkompetanse import Bruker, Office, Problem
from navkompetanse.models import office_problems
from navkompetanse.privacy import contains_fodselsnummer, is_fodselsnummer

K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def with_check_digits(nine: str) -> str | None:
    """Append both mod-11 check digits, or None when the prefix has no valid number."""
    digits = [int(c) for c in nine]
    for weights in (K1, K2):
        k = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        if k == 10:
            return None
        digits.append(0 if k == 11 else k)
    return "".join(map(str, digits))


prefixes = st.tuples(
    st.integers(1, 28), st.integers(1, 12), st.integers(0, 99), st.integers(0, 999), st.booleans()
).map(lambda t: f"{t[0] + (40 if t[4] else 0):02d}{t[1]:02d}{t[2]:02d}{t[3]:03d}")


@given(prefixes)
def test_valid_numbers_and_d_numbers_are_refused(prefix):
    number = with_check_digits(prefix)
    if number is None:
        return
    assert is_fodselsnummer(number)
    with pytest.raises(ValidationError, match="pseudonymous id"):
        Bruker(id=number)
    with pytest.raises(ValidationError, match="national identity number"):
        Bruker(id=f"b-{number}")


@given(prefixes, st.integers(1, 9), st.sampled_from([9, 10]))
def test_near_misses_with_wrong_check_digit_are_accepted(prefix, delta, position):
    number = with_check_digits(prefix)
    if number is None:
        return
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    near_miss = "".join(digits)
    assert not is_fodselsnummer(near_miss)
    assert Bruker(id=near_miss).id == near_miss


@pytest.mark.parametrize("text", ["", "1234567890", "123456789012", "abcdefghijk", "b-0001"])
def test_not_eleven_digits_is_not_a_number(text):
    assert not is_fodselsnummer(text)
    assert not contains_fodselsnummer(text)


def test_spaced_number_inside_an_id_is_found():
    number = with_check_digits("150765005")
    assert number is not None
    assert contains_fodselsnummer(f"x {number[:6]} {number[6:]}")


def test_refused_number_is_not_echoed_in_the_error():
    number = with_check_digits("150765005")
    assert number is not None
    with pytest.raises(ValidationError) as err:
        Bruker(id=number)
    assert number not in str(err.value)
    with pytest.raises(ValidationError) as err:
        Office.model_validate({"enhet": "0315", "name": "x", "brukere": [{"id": number}]})
    assert number not in str(err.value)


def test_cross_reference_problems_mask_the_number():
    number = with_check_digits("150765005")
    data = {"enhet": "0315", "name": "x", "pairs": [[number, "Z100001"]],
            "learning_relations": [{"mentor": f"x{number}", "learner": "Z100001"}]}
    problems = office_problems(data)
    assert problems and all(number not in str(p) for p in problems)
    assert {"*" * 11, "x" + "*" * 11} <= {p.value for p in problems}
    with pytest.raises(ValidationError) as err:
        Office.model_validate(data)
    assert number not in str(err.value)


def test_problem_masks_any_number_it_is_given():
    number = with_check_digits("150765005")
    problem = Problem("brukere[0]", "id", "bad", [f"b-{number}", "b-2"])
    assert problem.value == [f"b-{'*' * 11}", "b-2"]
    assert number not in str(problem) and number not in str(problem.to_dict())
