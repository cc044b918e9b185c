"""What the office has against what its brukere need: the competence map (and, to come, gaps)."""

from .competence_map import MIN_GROUP_SIZE, CompetenceMap, DimensionCover, competence_map

__all__ = ["MIN_GROUP_SIZE", "CompetenceMap", "DimensionCover", "competence_map"]
