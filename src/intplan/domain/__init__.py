"""Frozen value objects and validation. Standard library only."""

from intplan.domain.demand import (
    ActivityKind,
    ActivityType,
    ArrivalProfile,
    CareSetting,
    DemandRate,
    DurationDistribution,
    Eligibility,
    Intervention,
    Referral,
    Seasonality,
)
from intplan.domain.errors import DomainError, IntplanError, Problem, ScenarioError
from intplan.domain.geography import AGE_BANDS, HCP, INT, PCN, Adjacency, Practice, Team
from intplan.domain.scenario import ExtraColumn, ExtraSheet, Scenario, validate
from intplan.domain.settings import SETTING_SPECS, Settings, SettingSpec
from intplan.domain.workforce import (
    DAYS,
    Assignment,
    BaseKind,
    EmployerType,
    Role,
    Rota,
    Staff,
    StaffGroup,
)

__all__ = [
    "AGE_BANDS",
    "DAYS",
    "HCP",
    "INT",
    "PCN",
    "SETTING_SPECS",
    "ActivityKind",
    "ActivityType",
    "Adjacency",
    "ArrivalProfile",
    "Assignment",
    "BaseKind",
    "CareSetting",
    "DemandRate",
    "DomainError",
    "DurationDistribution",
    "Eligibility",
    "EmployerType",
    "ExtraColumn",
    "ExtraSheet",
    "Intervention",
    "IntplanError",
    "Practice",
    "Problem",
    "Referral",
    "Role",
    "Rota",
    "Scenario",
    "ScenarioError",
    "Seasonality",
    "SettingSpec",
    "Settings",
    "Staff",
    "StaffGroup",
    "Team",
    "validate",
]
