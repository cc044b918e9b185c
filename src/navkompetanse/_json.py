"""JSON helpers shared by the result types and the report writer."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["strict_json"]


def strict_json(value: Any) -> Any:
    """``value`` with NaN and infinities as None, recursively through dicts, lists and tuples.

    JSON has no NaN, and other tools read what ``to_dict`` returns: an infeasible allocation
    has no objective or bound, so those come out as ``None`` rather than ``nan``.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(v) for v in value]
    return value
