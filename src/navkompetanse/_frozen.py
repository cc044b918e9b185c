"""Read-only containers for frozen models and results (no imports: the lowest layer).

>>> d = FrozenDict({"a": 1})
>>> d == {"a": 1}, isinstance(d, dict)
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

__all__ = ["FrozenDict", "freeze"]

_FROZEN = "this mapping is part of a frozen result and cannot be changed"


class FrozenDict(dict):
    """A dict that cannot be changed after it is made (and still pickles and JSON-dumps).

    A subclass of ``dict`` so that ``json.dumps``, ``==`` and ``dict(...)`` work as usual;
    every mutating method raises TypeError.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(_FROZEN)

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __ior__(self, other: Any) -> Self:  # type: ignore[override,misc]
        raise TypeError(_FROZEN)

    def __reduce__(self) -> tuple:
        return (type(self), (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: repr(kv[0]))))

    def __repr__(self) -> str:
        return dict.__repr__(self)

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict) -> Self:
        return self


def freeze(value: Any) -> Any:
    """``value`` with every dict made a :class:`FrozenDict` and every list a tuple, recursively."""
    if isinstance(value, Mapping):
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return value
