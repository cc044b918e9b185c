"""Veileder-pairs: who should share a portfolio, and why.

``pair_veiledere`` proposes pairs whose strengths complement each other against the office's
brukere (``propose``), judged by the allocation each pairing makes possible (``search``: price
and match over an allocation LP in ``allocation_lp``; ``exact``: branch-and-bound over
pairings for small offices). See ``docs/pairing.md``.
"""

from .propose import Pair, PairingResult, pair_veiledere

__all__ = ["Pair", "PairingResult", "pair_veiledere"]
