"""Policy: every number the scoring, pairing and allocation use, with its reason.

The defaults are a documented starting point, not truth: ``docs/policy.md`` explains each in
terms of DOMAIN.md, and an office changes them with ``Policy(...)`` or
``Policy().model_copy(update=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ._frozen import freeze
from .models import DIMENSIONS, Dimension, Innsatsgruppe, Malgruppe, ValidatedCopy

__all__ = ["NO_DECISION", "Policy"]

#: Key used in per-innsatsgruppe tables for brukere without a §14a decision (trenger vurdering).
NO_DECISION = "TRENGER_VURDERING"

_GROUP_KEYS = frozenset([*(g.value for g in Innsatsgruppe), NO_DECISION])

#: A table inside the policy: read like a dict (and dumped as one), never changed in place
#: (a ``FrozenDict``, nested tables too).
_Frozen = AfterValidator(freeze)
NeedLevels = Annotated[Mapping[Dimension, int], _Frozen]


def _levels(rel: int, stru: int, forv: int, dig: int) -> dict[Dimension, int]:
    return dict(zip(DIMENSIONS, (rel, stru, forv, dig), strict=True))


class Policy(ValidatedCopy):
    """Every number the scoring uses. Frozen; change with ``model_copy(update=...)``.

    Levels are on the 1–5 competence scale; workload and capacity are in points, where one
    point is roughly the follow-up a situasjonsbestemt bruker takes.

    Frozen means frozen: the tables inside (``workload_points``, ``need_profile`` …) are
    read-only mappings, and ``model_copy(update=...)`` validates the changed policy exactly as
    ``Policy(...)`` does, so a copy can never hold a value the constructor would refuse.

    Examples
    --------
    >>> strict = Policy().model_copy(update={"balance_slack": 0.05})
    >>> strict.balance_slack, strict.workload_points["STANDARD_INNSATS"]
    (0.05, 0.4)
    >>> Policy().model_copy(update={"balance_slack": -3})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Policy
    balance_slack
    ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True,
                              allow_inf_nan=False)

    # --- workload -----------------------------------------------------------------------
    workload_points: Annotated[Mapping[str, float], _Frozen] = Field(
        default_factory=lambda: {
            Innsatsgruppe.STANDARD_INNSATS.value: 0.4,
            Innsatsgruppe.SITUASJONSBESTEMT_INNSATS.value: 1.0,
            Innsatsgruppe.SPESIELT_TILPASSET_INNSATS.value: 2.0,
            Innsatsgruppe.GRADERT_VARIG_TILPASSET_INNSATS.value: 1.6,
            Innsatsgruppe.VARIG_TILPASSET_INNSATS.value: 1.3,
            NO_DECISION: 1.0,
        },
        description="Workload points per bruker by innsatsgruppe.",
    )
    tung_sak_points: float = Field(
        1.5, ge=0, description="Extra workload points for a heavy case (tung sak)."
    )
    capacity_points_per_position: float = Field(
        100.0, gt=0, description="Workload points one full position (100 %) can carry."
    )

    # --- needs --------------------------------------------------------------------------
    need_profile: Annotated[Mapping[str, NeedLevels], _Frozen] = Field(
        default_factory=lambda: {
            Innsatsgruppe.STANDARD_INNSATS.value: _levels(2, 2, 2, 3),
            Innsatsgruppe.SITUASJONSBESTEMT_INNSATS.value: _levels(3, 3, 2, 3),
            Innsatsgruppe.SPESIELT_TILPASSET_INNSATS.value: _levels(4, 3, 3, 2),
            Innsatsgruppe.GRADERT_VARIG_TILPASSET_INNSATS.value: _levels(3, 3, 4, 2),
            Innsatsgruppe.VARIG_TILPASSET_INNSATS.value: _levels(3, 2, 4, 2),
            NO_DECISION: _levels(3, 3, 3, 2),
        },
        description="Need level per dimension by innsatsgruppe, before adjustments.",
    )
    malgruppe_adjustment: Annotated[Mapping[Malgruppe, NeedLevels], _Frozen] = Field(
        default_factory=lambda: {
            Malgruppe.ung: _levels(1, 0, 0, 0),
            Malgruppe.flyktning: _levels(1, 1, 1, 0),
            Malgruppe.aap: _levels(0, 1, 1, 0),
            Malgruppe.sykefravaer: _levels(0, 0, 1, 0),
            Malgruppe.sosialhjelp: _levels(0, 1, 1, 0),
        },
        description="Levels added to the need for each malgruppe a bruker belongs to.",
    )
    tung_sak_adjustment: NeedLevels = Field(
        default_factory=lambda: _levels(1, 1, 0, 0),
        description="Levels added to the need of a heavy case.",
    )
    non_digital_relasjonell: int = Field(
        1, ge=0, le=4, description="Extra relasjonell need for a bruker who is not digital."
    )
    non_digital_digital_level: int = Field(
        1, ge=1, le=5, description="Digital need of a bruker who is not digital."
    )

    # --- fit ----------------------------------------------------------------------------
    dimension_weights: Annotated[Mapping[Dimension, float], _Frozen] = Field(
        default_factory=lambda: dict(
            zip(DIMENSIONS, (1.0, 1.0, 1.0, 0.6), strict=True)
        ),
        description="Weight of a shortfall in each dimension.",
    )
    shortfall_exponent: float = Field(
        2.0, ge=1.0, le=4.0, description="Penalty grows as shortfall ** exponent."
    )

    # --- allocation ---------------------------------------------------------------------
    heavy_cases_per_position: float = Field(
        14.0, ge=0, description="Most heavy cases (tung_sak) one full position should carry."
    )
    continuity_bonus: float = Field(
        0.05, ge=0,
        description=(
            "Fit bonus for keeping a bruker with her current veileder, before her continuity "
            "weight (see continuity_weight_*)."
        ),
    )
    continuity_weight_innsatsgruppe: Annotated[Mapping[str, float], _Frozen] = Field(
        default_factory=lambda: {
            Innsatsgruppe.STANDARD_INNSATS.value: 0.5,
            Innsatsgruppe.SITUASJONSBESTEMT_INNSATS.value: 1.0,
            Innsatsgruppe.SPESIELT_TILPASSET_INNSATS.value: 2.0,
            Innsatsgruppe.GRADERT_VARIG_TILPASSET_INNSATS.value: 1.5,
            Innsatsgruppe.VARIG_TILPASSET_INNSATS.value: 1.5,
            NO_DECISION: 1.0,
        },
        description=(
            "How much continuity matters, by innsatsgruppe, as a multiple of continuity_bonus: "
            "low for standard innsats (a resourceful job seeker 'hardly cares'), high for close "
            "follow-up."
        ),
    )
    continuity_weight_malgruppe: Annotated[Mapping[Malgruppe, float], _Frozen] = Field(
        default_factory=lambda: {Malgruppe.ung: 2.0},
        description=(
            "Continuity weight for brukere in a malgruppe (the highest weight that applies "
            "counts): for a vulnerable young person 'it is essential that it is precisely you "
            "who follows up'."
        ),
    )
    continuity_weight_tung_sak: float = Field(
        2.0, ge=0, le=10,
        description="Continuity weight of a heavy case (the highest weight that applies counts).",
    )
    preference_weight: float = Field(
        0.01, ge=0,
        description=(
            "Fit bonus per unit of a bruker's follow-up that lies in work her unit finds "
            "energising (a penalty where it drains). Small on purpose: one level of shortfall "
            "costs more, so competence wins and preference decides where competence fits "
            "about equally."
        ),
    )
    kommunal_only: bool = Field(
        False,
        description=(
            "Brukere with malgruppe sosialhjelp (økonomisk sosialhjelp, KVP) go only to units "
            "with a municipally employed (kommunal) member. Some offices require it; small and "
            "medium offices often share the work regardless of employer."
        ),
    )
    specialty_bonus: float = Field(
        0.03, ge=0, description="Fit bonus for a unit with a spesialfelt in the bruker's malgruppe."
    )
    balance_slack: float = Field(
        0.15, ge=0, description="A unit may carry its fair share of the load plus this share."
    )

    # --- pairs --------------------------------------------------------------------------
    pair_overhead: float = Field(
        0.10, ge=0, lt=1, description="Share of a pair's joint capacity lost to coordination."
    )
    pair_learning_bonus: float = Field(
        0.5, ge=0,
        description="Bonus (in fit units) for a pair who already share a learning relation.",
    )
    pair_trial_weeks: int = Field(
        12, ge=1, le=104,
        description=(
            "A newly proposed pair is a trial: the two confirm they want to try, and the pair "
            "is reviewed after this many weeks."
        ),
    )
    pair_continuity_threshold: float = Field(
        1.0, ge=0,
        description="Gain (fit units) a new pairing must add before an existing pair is split.",
    )

    # --- learning relations (docs/learning.md) -------------------------------------------
    mentoring_points_per_mentee: float = Field(
        4.0, ge=0,
        description=(
            "Portfolio capacity points a mentor gives up per new mentee: 'learning is a task "
            "in itself', so it takes time from the portfolio."
        ),
    )
    mentor_min_level: int = Field(
        3, ge=1, le=5,
        description="Least level in a dimension to mentor in it (3 = works independently).",
    )
    mentor_success: Annotated[Mapping[int, float], _Frozen] = Field(
        default_factory=lambda: {1: 0.7, 2: 0.8, 3: 0.6, 4: 0.5},
        description=(
            "How likely a mentor this many levels ahead helps the learner one level up: "
            "learning extends what one knows, so a step or two ahead beats the top expert."
        ),
    )
    learning_bridge_bonus: float = Field(
        0.5, ge=0,
        description="Benefit (fit units) of a new relation that crosses avdelinger.",
    )
    learning_inclusion_bonus: float = Field(
        1.0, ge=0,
        description=(
            "Benefit (fit units) of giving a veileder with no learning relation her first "
            "one (once as learner, once as mentor)."
        ),
    )
    expert_level: int = Field(
        4, ge=1, le=5, description="Level from which a veileder is an expert to ask."
    )
    expert_reach_steps: int = Field(
        2, ge=1, le=5,
        description="Within this many ties an expert counts as within reach ('whom to ask').",
    )

    @field_validator("mentor_success")
    @classmethod
    def _mentor_success(cls, value: Mapping[int, float]) -> Mapping[int, float]:
        if set(value) != {1, 2, 3, 4}:
            raise ValueError("mentor_success needs one entry for each level gap 1, 2, 3 and 4")
        if any(not 0 <= w <= 1 for w in value.values()):
            raise ValueError("mentor_success values are probabilities between 0 and 1")
        return value

    @field_validator("continuity_weight_innsatsgruppe")
    @classmethod
    def _continuity_weights(cls, value: Mapping[str, float]) -> Mapping[str, float]:
        unknown = sorted(set(value) - _GROUP_KEYS)
        if unknown:
            raise ValueError(f"unknown innsatsgruppe {unknown}; use {sorted(_GROUP_KEYS)}")
        if any(not 0 <= w <= 10 for w in value.values()):
            raise ValueError("continuity weights must be between 0 and 10")
        return value

    @field_validator("continuity_weight_malgruppe")
    @classmethod
    def _continuity_malgruppe(cls, value: Mapping[Malgruppe, float]) -> Mapping[Malgruppe, float]:
        if any(not 0 <= w <= 10 for w in value.values()):
            raise ValueError("continuity weights must be between 0 and 10")
        return value

    @field_validator("workload_points", "need_profile")
    @classmethod
    def _all_groups(cls, value: Mapping[str, object]) -> Mapping[str, object]:
        missing = sorted(_GROUP_KEYS - set(value))
        unknown = sorted(set(value) - _GROUP_KEYS)
        if missing or unknown:
            raise ValueError(
                f"needs one entry per innsatsgruppe and {NO_DECISION}; "
                f"missing {missing or 'none'}, unknown {unknown or 'none'}"
            )
        return value

    @model_validator(mode="after")
    def _levels_in_range(self) -> Policy:
        for group, levels in self.need_profile.items():
            if set(levels) != set(DIMENSIONS):
                raise ValueError(f"need_profile[{group}] must give all four dimensions")
            if any(not 1 <= v <= 5 for v in levels.values()):
                raise ValueError(f"need_profile[{group}] levels must be 1-5")
        if any(w < 0 for w in self.workload_points.values()):
            raise ValueError("workload_points must be non-negative")
        if set(self.dimension_weights) != set(DIMENSIONS):
            raise ValueError("dimension_weights must give all four dimensions")
        if any(w < 0 for w in self.dimension_weights.values()):
            raise ValueError("dimension_weights must be non-negative")
        return self
