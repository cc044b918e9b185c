"""The public surface: __all__ is exactly what SPEC.md promises and everything in it resolves."""

from __future__ import annotations

import importlib

import navkompetanse

#: SPEC.md's fixed names, plus the supporting public names. Adding a public name is a decision:
#: it must be added here too.
EXPECTED = {
    # domain model (fixed)
    "Dimension", "CompetenceProfile", "Innsatsgruppe", "Hovedmal", "Malgruppe", "Office",
    "PairRecord", "Preference", "GapAnalysis", "gap_analysis",
    "Scenario", "ScenarioComparison", "compare_scenarios",
    "LearningNetwork", "LearningPlan", "learning_network", "learning_plan", "anonymize",
    "plan_many", "ManySummary", "OfficeSummary",
    "Veileder", "Bruker", "LearningRelation", "Assessment", "DIMENSIONS", "Policy",
    # I/O and synthetic offices (fixed: load_office, save_office, synthetic_office)
    "load_office", "save_office", "office_from_dict", "office_to_dict", "office_json_schema",
    "synthetic_office", "synthetic_offices", "load_example_office",
    # analysis, pairs, allocation (fixed: pair_veiledere, allocate_portfolios, status_quo, compare)
    "competence_map", "CompetenceMap", "pair_veiledere", "PairingResult", "Pair",
    "allocate_portfolios", "AllocationResult", "status_quo", "naive", "compare", "Comparison",
    # the one orchestration and the result contract (fixed: plan, Plan, load_plan)
    "plan", "Plan", "PlanOptions", "load_plan", "Result", "STATUSES",
    # errors and warnings
    "NavkompetanseError", "InvalidInputError", "PersonalDataError", "InfeasibleError",
    "NavkompetanseWarning", "CapacityWarning", "InputEncodingWarning", "Problem",
    "__version__",
}


def test_all_is_exactly_the_public_surface():
    assert set(navkompetanse.__all__) == EXPECTED
    assert len(navkompetanse.__all__) == len(set(navkompetanse.__all__))


def test_every_name_resolves():
    for name in navkompetanse.__all__:
        assert getattr(navkompetanse, name) is not None, name


def test_optimize_contract():
    optimize = importlib.import_module("navkompetanse.optimize")
    for name in ("solve_gap", "max_weight_pairing", "GapResult", "PairingSolution"):
        assert name in optimize.__all__


def test_modules_declare_all():
    import pkgutil

    names = [m.name for m in pkgutil.walk_packages(navkompetanse.__path__, "navkompetanse.")]
    assert len(names) > 20
    for name in names:
        module = importlib.import_module(name)
        assert module.__doc__ and module.__doc__.strip().splitlines()[0], name
        assert all(hasattr(module, n) for n in module.__all__), name


def test_errors_subclass_builtins():
    assert issubclass(navkompetanse.InvalidInputError, ValueError)
    assert issubclass(navkompetanse.PersonalDataError, navkompetanse.InvalidInputError)
    assert issubclass(navkompetanse.InfeasibleError, RuntimeError)
    assert issubclass(navkompetanse.CapacityWarning, UserWarning)
