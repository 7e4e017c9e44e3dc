"""Lifecycle (notebook 04): stages and transitions, tier migration, acquisition cohorts and survival."""

from .cohorts import (
    cohort_summary,
    cohort_table,
    customer_lifetimes,
    retention_curves,
    survival_by_group,
    survival_summary,
)
from .lifecycle import (
    NOT_YET,
    STAGE_DESCRIPTIONS,
    STAGE_PRECEDENCE,
    STAGES,
    TIERS,
    lifecycle_stages,
    migration_counts,
    migration_profile,
    stage_counts,
    stage_definitions,
    stage_transitions,
    tier_migration,
    value_tiers_at,
)
from .narrative import (
    cohort_findings,
    lifecycle_actions,
    lifecycle_findings,
    stage_vs_truth,
    survival_findings,
)

__all__ = [
    "STAGES",
    "STAGE_PRECEDENCE",
    "NOT_YET",
    "STAGE_DESCRIPTIONS",
    "TIERS",
    "stage_definitions",
    "lifecycle_stages",
    "stage_counts",
    "stage_transitions",
    "value_tiers_at",
    "tier_migration",
    "migration_counts",
    "migration_profile",
    "cohort_table",
    "cohort_summary",
    "retention_curves",
    "customer_lifetimes",
    "survival_by_group",
    "survival_summary",
    "stage_vs_truth",
    "lifecycle_findings",
    "cohort_findings",
    "survival_findings",
    "lifecycle_actions",
]
