"""What if half of the standard-innsats brukere move to digital self-service?

A :class:`~navkompetanse.Scenario` is a list of small changes to an office;
:func:`~navkompetanse.compare_scenarios` plans the office as it is and after each scenario, all
with the same options, and shows what changes: load and heavy cases per full position,
shortfall, which competence becomes scarce, and for each veileder the work that leaves her
portfolio and what arrives instead. Run it from the repository::

    python examples/automation_scenario.py
"""

from __future__ import annotations

import navkompetanse as nk
from navkompetanse import Scenario, compare_scenarios


def main() -> nk.ScenarioComparison:
    office = nk.load_example_office()
    automated = Scenario("Halvparten automatisert").automate(0.5, seed=1)
    # the same change, and a veileder leaves too: who takes over her brukere?
    automated_and_leaves = (Scenario("Automatisert, og Z147354 slutter")
                            .automate(0.5, seed=1).leave("Z147354"))
    comparison = compare_scenarios(office, [automated, automated_and_leaves])

    print(repr(comparison))
    print(comparison.explain())
    print()
    for name in (automated.name, automated_and_leaves.name):
        print(comparison.explain(name))
        print()
    try:
        frame = comparison.to_frame()     # one row per plan (needs pandas)
    except ImportError:
        pass
    else:
        print(frame[["scenario", "n_brukere", "load_per_position", "mean_shortfall"]])
    return comparison


if __name__ == "__main__":
    main()
