"""Errors and warnings raised by navkompetanse.

The hierarchy::

    NavkompetanseError(Exception)
    ├── InvalidInputError(NavkompetanseError, ValueError)   bad office data; carries .problems
    │   └── PersonalDataError(InvalidInputError)            a fødselsnummer where an id belongs
    └── InfeasibleError(NavkompetanseError, RuntimeError)   no plan satisfies the constraints

    NavkompetanseWarning(UserWarning)
    ├── CapacityWarning(NavkompetanseWarning)               load close to or over capacity
    └── InputEncodingWarning(NavkompetanseWarning)          a CSV file read as Windows-1252
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .privacy import mask_fodselsnummer, mask_text

#: A problem shows at most this many items of a list and this many levels of nesting.
_SHOWN_ITEMS = 20
_SHOWN_DEPTH = 4


def _printable(value: Any) -> Any:
    """Text that can be printed and written as UTF-8: half of a surrogate pair (JSON can hold
    ``"\\ud800"``) is written as its escape, which a terminal would otherwise refuse."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _shown(value: Any, depth: int = 0) -> Any:
    """``value`` as a problem can hold and print it: numbers too long to print (Python refuses
    to print an int of over 4,300 digits) described, nesting and long lists cut short."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"<a whole number of about {digits:,} digits>"
    if isinstance(value, list | tuple | dict):
        if depth >= _SHOWN_DEPTH:
            return "…"
        if isinstance(value, dict):
            items = list(value.items())[:_SHOWN_ITEMS]
            return {str(_shown(k, depth + 1)): _shown(v, depth + 1) for k, v in items}
        items = [_shown(v, depth + 1) for v in list(value[:_SHOWN_ITEMS])]
        if len(value) > _SHOWN_ITEMS:
            items.append(f"… {len(value) - _SHOWN_ITEMS:,} more")
        return items if isinstance(value, list) else tuple(items)
    return value

__all__ = [
    "CapacityWarning",
    "InfeasibleError",
    "InputEncodingWarning",
    "InvalidInputError",
    "NavkompetanseError",
    "NavkompetanseWarning",
    "PersonalDataError",
    "Problem",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One fault in the input: where it is, what is wrong and how to fix it.

    ``location`` is a JSON path (``brukere[12].veileder``) or ``file.csv:row 14``;
    ``source`` names the file when there is one.
    """

    location: str
    field: str
    message: str
    value: Any = None
    hint: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        # A problem is shown, printed and shared: never with a fødselsnummer in it, in any
        # part (a key, a column name or a pin can hold one as well as a value).
        object.__setattr__(self, "value", _printable(_shown(mask_fodselsnummer(self.value))))
        for name in ("location", "field", "message", "hint", "source"):
            object.__setattr__(self, name, _printable(mask_text(str(getattr(self, name)))))

    def __str__(self) -> str:
        where = f"{self.source}: {self.location}" if self.source else self.location
        text = f"{where} [{self.field}]: " if self.field else f"{where}: "
        text += self.message
        if self.value is not None:
            shown = repr(self.value)
            text += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
        if self.hint:
            text += f" — fix: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "location": self.location,
            "field": self.field,
            "message": self.message,
            "value": self.value,
            "hint": self.hint,
        }


class NavkompetanseError(Exception):
    """Base class of every error raised by navkompetanse."""


class InvalidInputError(NavkompetanseError, ValueError):
    """The input is wrong; ``problems`` lists every fault found, not just the first."""

    def __init__(self, problems: Iterable[Problem] | str, *, source: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(location=source or "input", field="", message=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {mask_text(source) or 'the input'}"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class PersonalDataError(InvalidInputError):
    """A Norwegian national identity number (fødselsnummer / D-nummer) was found in an id."""


class InfeasibleError(NavkompetanseError, RuntimeError):
    """No plan satisfies the hard constraints; the message names the binding one."""


class NavkompetanseWarning(UserWarning):
    """Base class of navkompetanse's warnings."""


class CapacityWarning(NavkompetanseWarning):
    """Load is close to or above the capacity it is measured against."""


class InputEncodingWarning(NavkompetanseWarning):
    """A CSV file was not UTF-8 and was read as Windows-1252 (cp1252) instead.

    Norwegian spreadsheet programs often save "CSV" in Windows-1252; its æ, ø and å are then
    read correctly. The warning names the file; saving it as "CSV UTF-8" avoids it.
    """
