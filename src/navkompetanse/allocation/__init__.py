"""Portfolio allocation: every bruker to the veileder or pair that fits, within the limits.

``allocate_portfolios`` proposes a distribution (``propose``) from an allocation model
(``model``: units, capacities, limits, fit) solved by an exact class LP with rounding and
improvement (``class_lp``, ``solve``); ``status_quo`` and ``naive`` give today's and an even
distribution, ``compare`` puts two side by side (``compare``), and ``result`` holds the result
types. Preferences (a soft term), continuity per bruker and ``kommunal_only`` (a hard rule) are
part of the model; results carry the preference measure (``PreferenceShare``). See
``docs/allocation.md``.
"""

from .compare import Comparison, ComparisonRow, PreferenceRow, compare
from .propose import allocate_portfolios, naive, status_quo
from .result import AllocationResult, Move, Overload, Placement, PreferenceShare, Unit

__all__ = [
    "AllocationResult",
    "Comparison",
    "ComparisonRow",
    "Move",
    "Overload",
    "Placement",
    "PreferenceRow",
    "PreferenceShare",
    "Unit",
    "allocate_portfolios",
    "compare",
    "naive",
    "status_quo",
]
