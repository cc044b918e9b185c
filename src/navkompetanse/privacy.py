"""Refusing national identity numbers where a pseudonymous id belongs.

A fødselsnummer has 11 digits: a birth date (DDMMYY), a 3-digit individual number and two
mod-11 check digits. A D-nummer adds 4 to the first digit; H-numbers and synthetic test
numbers add 40 or 80 to the month. They all use the same check digits, which is what this
module tests: an 11-digit run whose check digits are valid is treated as personal data, while
a near miss with a wrong check digit is not (it cannot be a real number).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["contains_fodselsnummer", "is_fodselsnummer", "mask_fodselsnummer", "mask_text"]

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
#: Eleven digits, perhaps split by single spaces or dots (``010101 500 74``).
_SPLIT_ELEVEN = re.compile(r"(?<!\d)(?:\d[\s.]?){10}\d(?!\d)")


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


def contains_fodselsnummer(text: str) -> bool:
    """True when any standalone 11-digit run in ``text`` (spaces and dots ignored) is one."""
    compact = re.sub(r"[\s.]", "", text)
    return any(is_fodselsnummer(m.group()) for m in _ELEVEN_DIGITS.finditer(compact))


def mask_fodselsnummer(value: Any) -> Any:
    """``value`` with every digit starred when it holds a fødselsnummer, so it can be shown.

    Strings are masked whole (the number may be split by spaces or dots); lists and tuples
    item by item; anything else is returned as it is.

    Examples
    --------
    >>> mask_fodselsnummer("b-15076500565"), mask_fodselsnummer(["b-1", "15076500565"])
    ('b-***********', ['b-1', '***********'])
    """
    if isinstance(value, str):
        return re.sub(r"\d", "*", value) if contains_fodselsnummer(value) else value
    if isinstance(value, list | tuple):
        return type(value)(mask_fodselsnummer(v) for v in value)
    return value


def mask_text(text: str) -> str:
    """``text`` with each fødselsnummer in it starred, and nothing else changed.

    For messages, where other numbers must stay readable: ``"pinned['15076500565']: no such
    bruker (row 3)"`` keeps ``3``. Whatever still holds a number after that (an odd split) is
    starred whole, as :func:`mask_fodselsnummer` does.

    Examples
    --------
    >>> mask_text("bruker 15076500565 in row 3")
    'bruker *********** in row 3'
    """
    if not isinstance(text, str) or not contains_fodselsnummer(text):
        return text

    def star(match: re.Match[str]) -> str:
        span = match.group()
        compact = re.sub(r"[\s.]", "", span)
        return re.sub(r"\d", "*", span) if is_fodselsnummer(compact) else span

    masked = _SPLIT_ELEVEN.sub(star, text)
    return mask_fodselsnummer(masked)
