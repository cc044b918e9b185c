"""Refusing national identity numbers where a pseudonymous id belongs.

A fødselsnummer has 11 digits: a birth date (DDMMYY), a 3-digit individual number and two
mod-11 check digits. A D-nummer adds 4 to the first digit; H-numbers and synthetic test
numbers add 40 or 80 to the month. They all use the same check digits, which is what this
module tests: an 11-digit run whose check digits are valid is treated as personal data, while
a near miss with a wrong check digit is not (it cannot be a real number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "contains_fodselsnummer",
    "holds_fodselsnummer",
    "is_fodselsnummer",
    "mask_fodselsnummer",
    "mask_text",
]

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
#: Groups of digits separated by blanks or dots (``010101 500 74``, ``0315 15076500565``).
_DIGIT_GROUPS = re.compile(r"\d+(?:[\s.]+\d+)*")
_DIGITS = re.compile(r"\d+")


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    k = 11 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def is_fodselsnummer(text: str) -> bool:
    """True when ``text`` is 11 digits with both mod-11 check digits valid.

    Examples
    --------
    >>> is_fodselsnummer("01010112345")
    False
    >>> is_fodselsnummer("15076500565")
    True
    """
    if len(text) != 11 or not text.isdigit():
        return False
    digits = [int(c) for c in text]
    k1 = _check_digit(digits[:9], _K1)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = _check_digit(digits[:10], _K2)
    return k2 is not None and k2 == digits[10]


def _candidates(digits: list[str]) -> Iterator[str]:
    """Every run of whole consecutive groups of 10 or 11 digits."""
    for i in range(len(digits)):
        run = ""
        for group in digits[i:]:
            run += group
            if len(run) > 11:
                break
            if len(run) >= 10:
                yield run


def _is_one(run: str) -> bool:
    return is_fodselsnummer(run) if len(run) == 11 else is_fodselsnummer("0" + run)


def contains_fodselsnummer(text: str) -> bool:
    """True when ``text`` holds a fødselsnummer: 11 digits standing alone (not part of a
    longer number), perhaps split into groups by blanks or dots, or 10 such digits that are
    one with its leading 0 dropped.

    Spreadsheets store a number typed into a cell as a number and drop its leading 0: the
    fødselsnummer of everyone born on the 1st to the 9th of a month then reads as 10 digits
    (``1010150074``). About 1 in 120 other 10-digit numbers pass the check digits too and are
    refused with them; an id that is not personal data but looks like one can take a prefix
    (``b-1010150074`` is still refused, ``b-101015007-4`` is not).

    Examples
    --------
    >>> contains_fodselsnummer("b-15076500565"), contains_fodselsnummer("id 1010150074")
    (True, True)
    >>> contains_fodselsnummer("b-1010150075")
    False
    """
    for m in _DIGIT_GROUPS.finditer(text):
        if m.end() - m.start() >= 10 and any(
                _is_one(run) for run in _candidates(_DIGITS.findall(m.group()))):
            return True
    return False


def _shows_fodselsnummer(span: str) -> bool:
    """For masking, more than refusing: also a fødselsnummer (or one without its leading 0)
    inside a longer number (``150765005650999``), since a message must not show it."""
    digits = _DIGITS.findall(span)
    if any(_is_one(run) for run in _candidates(digits)):
        return True
    joined = "".join(digits)
    if len(joined) > 1000:  # too long to read as anything: starred whole
        return True
    return any(is_fodselsnummer(joined[i:i + 11]) or is_fodselsnummer("0" + joined[i:i + 10])
               for i in range(len(joined) - 9))


def _number_is_fodselsnummer(value: int | float) -> bool:
    """True for a number that is a fødselsnummer written as a number (a JSON number, an Excel
    cell): 11 digits, or 10 when the leading 0 of a birth day 01-09 was dropped."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        if not value.is_integer() or not 1e9 <= value < 1e11:
            return False
        value = int(value)
    if not 10**9 <= value < 10**11:  # compared, not printed: a 5,000-digit int stays cheap
        return False
    return is_fodselsnummer(str(value).zfill(11))


def _number_shows_fodselsnummer(value: int | float) -> bool:
    """True for a number whose printed digits show a fødselsnummer inside a longer number
    (``150765005651``, ``1.5076500565e+20``): not refused, but starred where it is shown."""
    if isinstance(value, bool) or (isinstance(value, int) and value.bit_length() > 128):
        return False  # a longer int is only ever shown by its size (exceptions._shown)
    return _shows(repr(value))


#: How deep :func:`holds_fodselsnummer` and :func:`mask_fodselsnummer` look into nested data;
#: deeper parts count as holding a number (refused and starred): no office nests that deep.
MAX_SCAN_DEPTH = 64


def holds_fodselsnummer(value: Any) -> bool:
    """True when ``value`` holds a fødselsnummer anywhere: in a string, as a number (also one
    whose leading 0 was dropped), or in a key or item of nested lists, tuples, sets and dicts.

    The walk is iterative; anything nested deeper than :data:`MAX_SCAN_DEPTH` counts as
    holding one, so the answer errs on the side of refusing.

    Examples
    --------
    >>> holds_fodselsnummer({"other": {"15076500565": 3}}), holds_fodselsnummer(15076500565)
    (True, True)
    >>> holds_fodselsnummer(["b-1", 3, None, {"a": 1.5}])
    False
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if contains_fodselsnummer(item):
                return True
        elif isinstance(item, int | float):
            if _number_is_fodselsnummer(item):
                return True
        elif isinstance(item, list | tuple | set | frozenset | dict):
            if depth >= MAX_SCAN_DEPTH:
                return True
            if isinstance(item, dict):
                stack.extend((k, depth + 1) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return False


def mask_fodselsnummer(value: Any, _depth: int = 0) -> Any:
    """``value`` with every digit starred when it holds a fødselsnummer, so it can be shown.

    Strings are masked whole (the number may be split by spaces or dots); a number that is one
    becomes stars; lists, tuples and dict keys and values item by item; anything else is
    returned as it is. Parts nested deeper than :data:`MAX_SCAN_DEPTH` become ``"…"``.

    Examples
    --------
    >>> mask_fodselsnummer("b-15076500565"), mask_fodselsnummer(["b-1", "15076500565"])
    ('b-***********', ['b-1', '***********'])
    >>> mask_fodselsnummer({"id": 15076500565})
    {'id': '***********'}
    """
    if isinstance(value, str):
        return re.sub(r"\d", "*", value) if _shows(value) else value
    if isinstance(value, int | float) and _number_is_fodselsnummer(value):
        return "*" * 11
    if isinstance(value, int | float) and _number_shows_fodselsnummer(value):
        return re.sub(r"\d", "*", repr(value))
    if isinstance(value, list | tuple | dict) and _depth >= MAX_SCAN_DEPTH:
        return "…"
    if isinstance(value, list | tuple):
        return type(value)(mask_fodselsnummer(v, _depth + 1) for v in value)
    if isinstance(value, dict):
        return {mask_fodselsnummer(k, _depth + 1): mask_fodselsnummer(v, _depth + 1)
                for k, v in value.items()}
    return value


def mask_text(text: str) -> str:
    """``text`` with each fødselsnummer in it starred, and nothing else changed.

    For messages, where other numbers must stay readable: ``"pinned['15076500565']: no such
    bruker (row 3)"`` keeps ``3``. A group of digits split by blanks or dots that holds one
    (also inside a longer number) is starred as a whole.

    Examples
    --------
    >>> mask_text("bruker 15076500565 in row 3")
    'bruker *********** in row 3'
    """
    if not isinstance(text, str) or not _shows(text):
        return text

    def star(match: re.Match[str]) -> str:
        span = match.group()
        return re.sub(r"\d", "*", span) if _shows_fodselsnummer(span) else span

    return _DIGIT_GROUPS.sub(star, text)


def _shows(text: str) -> bool:
    return any(m.end() - m.start() >= 10 and _shows_fodselsnummer(m.group())
               for m in _DIGIT_GROUPS.finditer(text))
