"""A leader decides: she pins a pair and a bruker, then re-plans with fewer moves.

The plan is advice; the leader has the last word. Two ways to hold her decisions:

- before planning, as rules: ``plan(office, required=[pair], pinned={bruker: unit})``;
- after reading a proposal, as overrides with her reasons:
  ``p.override(Override.pair(a, b, reason), Override.place(bruker, unit, reason))``.
  The new plan records each override, what the proposal had been and what the overrides cost
  in the model's terms (``docs/trust.md``).

Then she limits how many brukere change veileder (``max_moves``) and re-plans, keeping her
overrides. Run it from the repository::

    python examples/leader_overrides.py
"""

from __future__ import annotations

from dataclasses import dataclass

import navkompetanse as nk
from navkompetanse.text import fmt
from navkompetanse.trust import Override

# The example office's people (pseudonymous idents; an office file may give names as well).
PAIR = ("Z275811", "Z295574")      # two veiledere the leader knows work well together
BRUKER = "b-000001"                # a bruker whose family Z147354 knows
UNIT = "Z147354"                   # a veileder who works alone (not pairable)
MAX_MOVES = 140                    # how many brukere may change veileder at most


@dataclass(frozen=True)
class Plans:
    """The plans the example makes, in order (the tests check them)."""

    proposal: nk.Plan     # the library's proposal
    pinned: nk.Plan       # the same office planned with the pair required and the bruker pinned
    overridden: nk.Plan   # the proposal with the leader's overrides, reasons recorded
    limited: nk.Plan      # the overrides kept, at most MAX_MOVES brukere moved


def main() -> Plans:
    office = nk.load_example_office()
    # gaps=False: this story is about pairs and placements, not the gap analysis (faster)
    proposal = nk.plan(office, gaps=False)
    print("Forslaget har parene", ", ".join(" + ".join(p) for p in proposal.pairs),
          f"og {proposal.allocation.n_moves} bytter")
    print("Forslaget for brukeren:", proposal.allocation.assignment[BRUKER])
    print()

    # 1. Rules before planning: the pair must be formed, the bruker goes to Z147354.
    pinned = nk.plan(office, gaps=False, required=[PAIR], pinned={BRUKER: UNIT})
    print(pinned.explain(PAIR))
    print(pinned.explain(BRUKER))
    print()

    # 2. Overrides after reading the proposal, each with the leader's reason.
    overridden = proposal.override(
        Override.pair(*PAIR, "har jobbet godt sammen i et prosjekt"),
        Override.place(BRUKER, UNIT, "kjenner familien fra før"),
    )
    for applied in overridden.overrides:
        o = applied.override
        what = f"{o.bruker} til {o.unit}" if o.kind == "place" else " + ".join(o.members)
        print(f"Overstyrt: {what} (begrunnelse: {o.reason}); "
              f"holdt: {'ja' if applied.held else 'nei'}")
    # the objective with the overrides less the objective without (negative is a cost)
    print(f"Overstyringene koster {fmt(-overridden.override_cost, 'nb', 2)} i modellens mål")
    print(overridden.explain(BRUKER))
    print()

    # 3. Fewer moves: re-plan with the overrides kept and at most MAX_MOVES brukere moved.
    limited = nk.plan(office, gaps=False, overrides=overridden.options.overrides,
                      max_moves=MAX_MOVES)
    print(f"Med høyst {MAX_MOVES} bytter: {limited.allocation.n_moves} bytter "
          f"(uten grensen {overridden.allocation.n_moves})")
    print(limited.message)
    return Plans(proposal, pinned, overridden, limited)


if __name__ == "__main__":
    main()
