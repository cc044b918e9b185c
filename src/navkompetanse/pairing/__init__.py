"""Veileder-pairs: who should share a portfolio, and why.

``pair_veiledere`` (``propose``) proposes pairs whose strengths complement each other against
the office's brukere and returns a ``PairingResult`` (``pairs``). A pairing is judged by the
allocation it makes possible (``valuation``: the allocation LP of ``allocation_lp``, and no
pairing whose overhead the office cannot spare); ``search`` finds pairings by price and match
and local search, and ``exact`` proves small offices optimal by branch-and-bound. Imports go
one way: ``propose -> search -> exact -> valuation -> allocation_lp``. See
``docs/pairing.md``.
"""

from .pairs import Pair, PairingResult
from .propose import pair_veiledere

__all__ = ["Pair", "PairingResult", "pair_veiledere"]
