"""KPI overview (notebook 01): headline KPIs of a period against the previous one."""

from .kpis import (
    KPI_DEFINITIONS,
    LOWER_IS_BETTER,
    churn_measures,
    kpi_table,
    kpi_trend,
)
from .narrative import (
    headline,
    kpi_actions,
    kpi_findings,
)

__all__ = [
    "LOWER_IS_BETTER",
    "KPI_DEFINITIONS",
    "kpi_table",
    "kpi_trend",
    "churn_measures",
    "headline",
    "kpi_findings",
    "kpi_actions",
]
