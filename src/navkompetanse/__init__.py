"""navkompetanse: use an office's competence where its brukere need it most.

Map each veileder's competence in four dimensions, set it against what the brukere need,
propose complementary veileder-pairs and portfolio allocations, and explain every
recommendation in plain Norwegian.
"""

from __future__ import annotations

from .allocation import (
    AllocationResult,
    Comparison,
    allocate_portfolios,
    compare,
    naive,
    status_quo,
)
from .analysis import (
    CompetenceMap,
    GapAnalysis,
    LearningNetwork,
    LearningPlan,
    competence_map,
    gap_analysis,
    learning_network,
    learning_plan,
)
from .anonymize import anonymize
from .exceptions import (
    CapacityWarning,
    InfeasibleError,
    InputEncodingWarning,
    InvalidInputError,
    NavkompetanseError,
    NavkompetanseWarning,
    PersonalDataError,
    Problem,
)
from .io import load_office, office_from_dict, office_json_schema, office_to_dict, save_office
from .many import ManySummary, OfficeSummary, plan_many
from .models import (
    DIMENSIONS,
    Assessment,
    Bruker,
    CompetenceProfile,
    Dimension,
    Hovedmal,
    Innsatsgruppe,
    LearningRelation,
    Malgruppe,
    Office,
    PairRecord,
    Preference,
    Veileder,
)
from .pairing import Pair, PairingResult, pair_veiledere
from .plan import Plan, PlanOptions, load_plan, plan
from .policy import Policy
from .results import STATUSES, Result
from .scenario import Scenario, ScenarioComparison, compare_scenarios
from .synthetic import load_example_office, synthetic_office, synthetic_offices

__version__ = "0.1.0"

__all__ = [
    "AllocationResult",
    "Assessment",
    "Bruker",
    "CapacityWarning",
    "Comparison",
    "CompetenceMap",
    "CompetenceProfile",
    "DIMENSIONS",
    "Dimension",
    "GapAnalysis",
    "Hovedmal",
    "InfeasibleError",
    "InputEncodingWarning",
    "Innsatsgruppe",
    "InvalidInputError",
    "LearningNetwork",
    "LearningPlan",
    "ManySummary",
    "LearningRelation",
    "Malgruppe",
    "NavkompetanseError",
    "NavkompetanseWarning",
    "Office",
    "OfficeSummary",
    "PairRecord",
    "Pair",
    "PairingResult",
    "Plan",
    "PlanOptions",
    "PersonalDataError",
    "Policy",
    "Preference",
    "Scenario",
    "ScenarioComparison",
    "Problem",
    "Result",
    "STATUSES",
    "Veileder",
    "__version__",
    "allocate_portfolios",
    "anonymize",
    "compare",
    "compare_scenarios",
    "competence_map",
    "gap_analysis",
    "learning_network",
    "learning_plan",
    "load_example_office",
    "load_office",
    "naive",
    "office_from_dict",
    "office_json_schema",
    "office_to_dict",
    "load_plan",
    "pair_veiledere",
    "plan",
    "plan_many",
    "save_office",
    "status_quo",
    "synthetic_office",
    "synthetic_offices",
]
