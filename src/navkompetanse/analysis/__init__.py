"""What the office has against what its brukere need: the competence map, the gaps, and the
learning network with its mentoring plan."""

from .competence_map import MIN_GROUP_SIZE, CompetenceMap, DimensionCover, competence_map
from .gaps import (
    DimensionGap,
    GapAnalysis,
    GroupShortfall,
    Proposal,
    TrainingNeed,
    Underused,
    gap_analysis,
)
from .learning import (
    LearningNetwork,
    LearningPlan,
    MentorProposal,
    NetworkSummary,
    VeilederTies,
    learning_network,
    learning_plan,
)

__all__ = [
    "MIN_GROUP_SIZE",
    "CompetenceMap",
    "DimensionCover",
    "DimensionGap",
    "GapAnalysis",
    "GroupShortfall",
    "LearningNetwork",
    "LearningPlan",
    "MentorProposal",
    "NetworkSummary",
    "Proposal",
    "TrainingNeed",
    "Underused",
    "VeilederTies",
    "competence_map",
    "gap_analysis",
    "learning_network",
    "learning_plan",
]
