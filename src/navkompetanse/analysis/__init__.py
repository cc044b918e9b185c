"""What the office has against what its brukere need: the competence map and the gaps."""

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

__all__ = [
    "MIN_GROUP_SIZE",
    "CompetenceMap",
    "DimensionCover",
    "DimensionGap",
    "GapAnalysis",
    "GroupShortfall",
    "Proposal",
    "TrainingNeed",
    "Underused",
    "competence_map",
    "gap_analysis",
]
