"""Data quality (notebook 00): what reading and cleaning found, and the planted-defect check.

The reading and cleaning themselves are part of the data layer
(:mod:`crmkit.data.io`, :mod:`crmkit.data.cleaning`); :mod:`.loading` computes the
numbers a data-quality page shows and :mod:`.narrative` says them in words.
"""

from ...data.cleaning import CLEANING_RULES
from ...labels import register
from .loading import (
    arrival_table,
    column_profile,
    dropped_rows,
    loaded_revenue,
    unknown_statuses,
)
from .narrative import (
    ALERT_SHARE,
    compare_with_planted,
    findings,
    load_alerts,
    quality_actions,
    status_findings,
)

__all__ = [
    "ALERT_SHARE",
    "arrival_table",
    "column_profile",
    "compare_with_planted",
    "dropped_rows",
    "findings",
    "load_alerts",
    "quality_actions",
    "loaded_revenue",
    "status_findings",
    "unknown_statuses",
]

register({
    "rows_read": "rows in the export",
    "dropped_while_reading": "dropped while reading",
    "removed_by_cleaning": "removed by cleaning",
    "rows_after_cleaning": "rows after cleaning",
    "columns": "columns loaded",
    "status": "order status",
    "total": "total",
}, values={rule: rule.replace("_", " ") for rule in CLEANING_RULES if "_" in rule})
# the cleaning log's rule keys read as words in tables ("exact duplicates"); the
# "what was done" column next to them explains each one
