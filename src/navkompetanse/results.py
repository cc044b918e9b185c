"""The result contract: what every result of the library promises, in one place.

Every result type (``PairingResult``, ``AllocationResult``, ``Comparison``, ``CompetenceMap``,
``Plan`` and those to come) is a frozen dataclass that inherits :class:`Result` and keeps these
rules:

- ``status`` is one of :data:`STATUSES`: ``optimal`` (proven best), ``feasible`` (a solution
  with a certified bound, or a distribution that was not optimised), ``time_limit`` (the time
  limit was reached; there may still be a solution) or ``infeasible`` (no solution exists).
  ``ok`` says whether there is a solution to use; ``raise_for_status()`` raises
  :class:`~navkompetanse.exceptions.InfeasibleError` when there is not.
- ``message`` is in the result's ``lang`` (``nb`` by default, or ``en``); ``messages`` holds it
  in both, and ``describe(lang)`` picks one. Every ``explain(..., lang=...)`` checks ``lang``.
- ``to_dict()`` is strict JSON (no NaN, no infinity: missing numbers are ``None``).
- ``to_frame()`` is a pandas DataFrame with a plain RangeIndex: ids are a column (``ident``,
  ``bruker_id``, ``unit``…), names beside them (``name``), so ``to_csv(index=False)`` loses
  nothing.
- ``repr()`` is one short line; ``_repr_html_()`` a compact table for Jupyter.
- Frozen means frozen: mappings inside are :class:`FrozenDict`, sequences are tuples.

Examples
--------
>>> d = FrozenDict({"a": 1})
>>> d["a"]
1
>>> d["b"] = 2
Traceback (most recent call last):
...
TypeError: this mapping is part of a frozen result and cannot be changed
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Self

from ._frozen import FrozenDict, freeze
from .exceptions import InfeasibleError
from .text import check_lang

__all__ = [
    "STATUSES",
    "FrozenDict",
    "Result",
    "check_status",
    "freeze",
    "freeze_fields",
    "pandas",
    "status_word",
    "strict_json",
]

#: The one status vocabulary of every result.
STATUSES = ("optimal", "feasible", "time_limit", "infeasible")

def freeze_fields(obj: Any, *names: str) -> None:
    """In a frozen dataclass's ``__post_init__``: make the named fields read-only (FrozenDict,
    tuples), leaving those that already are as they are."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, FrozenDict):
            object.__setattr__(obj, name, freeze(value))


def strict_json(value: Any) -> Any:
    """``value`` as plain JSON data: NaN and infinities become None, tuples lists, recursively.

    JSON has no NaN, and other tools read what ``to_dict`` returns: an infeasible allocation
    has no objective or bound, so those come out as ``None`` rather than ``nan``.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return strict_json(value.item())
    return value


def pandas() -> Any:
    """The pandas module, or an ImportError that says how to install it."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_frame() needs pandas: pip install 'navkompetanse[pandas]' (or use to_dict())"
        ) from exc
    return pd


class Result:
    """Mixin of every result type; see the module docstring for the contract.

    A subclass is a ``@dataclass(frozen=True, repr=False)`` with at least the fields
    ``status``, ``message``, ``messages`` and ``lang``, and implements :meth:`to_dict`,
    :meth:`_frame_rows` and :meth:`_summary`. ``repr=False`` matters: the dataclass
    ``__repr__`` would print every field (megabytes for a large office).
    """

    status: str
    message: str
    messages: Mapping[str, str]
    lang: str

    #: What the result is, for the one-line repr and the HTML title: (nb, en).
    _title: ClassVar[tuple[str, str]] = ("Resultat", "Result")
    #: Columns a frame always has, in this order (so even an empty frame has them).
    _frame_columns: ClassVar[tuple[str, ...]] = ()

    # ---- status -------------------------------------------------------------------------
    @property
    def ok(self) -> bool:
        """True when there is a solution to use (status optimal or feasible, or time_limit
        with a solution)."""
        return self.status in ("optimal", "feasible") or (
            self.status == "time_limit" and self._has_solution()
        )

    def _has_solution(self) -> bool:
        return True

    def raise_for_status(self) -> Self:
        """Return the result when ``ok``; otherwise raise InfeasibleError with the message."""
        if not self.ok:
            raise InfeasibleError(self.message)
        return self

    def describe(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the result's own language)."""
        lang = self.lang if lang is None else check_lang(lang)
        return self.messages.get(lang) or self.message

    # ---- export -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - every subclass implements it
        raise NotImplementedError

    def _frame_rows(self) -> Iterable[Mapping[str, Any]]:  # pragma: no cover
        raise NotImplementedError

    def to_frame(self) -> Any:
        """The result as a pandas DataFrame: one row per item, ids as a column (no index)."""
        pd = pandas()
        rows = [dict(r) for r in self._frame_rows()]
        frame = pd.DataFrame(rows, columns=_columns(self._frame_columns, rows))
        return frame.reset_index(drop=True)

    # ---- display ------------------------------------------------------------------------
    def _summary(self, lang: str) -> Sequence[tuple[str, str]]:
        """A few (label, value) rows: the numbers a reader looks at first."""
        return ()

    def _repr_fields(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self._summary("en")[:3])

    def __repr__(self) -> str:
        extra = self._repr_fields()
        return f"<{type(self).__name__} status={self.status!r}{', ' + extra if extra else ''}>"

    def _repr_html_(self) -> str:
        lang = self.lang if getattr(self, "lang", None) in ("nb", "en") else "nb"
        title = self._title[1 if lang == "en" else 0]
        rows = [("Status", _STATUS_WORDS[lang].get(self.status, self.status)),
                *self._summary(lang)]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
            f"<td style='text-align:right'>{html.escape(str(v))}</td></tr>"
            for k, v in rows
        )
        return (
            f"<div><strong>{html.escape(title)}</strong>"
            f"<table>{body}</table>"
            f"<p>{html.escape(self.describe(lang))}</p></div>"
        )


#: Status in words, for readers.
_STATUS_WORDS = {
    "nb": {"optimal": "beste mulige (bevist)", "feasible": "gjennomførbar",
           "time_limit": "tidsgrensen nådd", "infeasible": "ikke mulig"},
    "en": {"optimal": "optimal (proven)", "feasible": "feasible",
           "time_limit": "time limit reached", "infeasible": "infeasible"},
}


def status_word(status: str, lang: str = "nb") -> str:
    """The status in the reader's words (``beste mulige (bevist)``)."""
    return _STATUS_WORDS[check_lang(lang)].get(status, status)


def check_status(status: str) -> str:
    """``status`` if it is one of :data:`STATUSES`, else a ValueError (a bug, not input)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
    return status


def _columns(first: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns = list(first)
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns
