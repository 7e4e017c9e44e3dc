"""Customer lifetime value (notebook 05): BTYD models (BG/NBD, Pareto/NBD, Gamma-Gamma) and their evaluation."""

from ...labels import register
from .evaluation import (
    METHOD_LABELS,
    PREDICTION_COLUMNS,
    HoldoutPlan,
    choose_transaction_model,
    clv_predictions,
    concentration,
    derived_table,
    expectation_grid,
    fit_models,
    historical_clv,
    holdout_by_frequency,
    holdout_comparison,
    holdout_errors,
    model_orders,
    naive_baselines,
    parameter_table,
    plan_holdout,
    simple_clv,
    spend_frequency_correlation,
    value_comparison,
)
from .models import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    btyd_holdout,
    btyd_summary,
    customer_lifetime_value,
)
from .narrative import (
    clv_actions,
    clv_findings,
    clv_summary,
    errors_display,
    operational_summary,
    planted_recovery,
    recovery_display,
    recovery_findings,
)

__all__ = [
    "btyd_summary",
    "btyd_holdout",
    "BetaGeoModel",
    "ParetoNBDModel",
    "GammaGammaModel",
    "customer_lifetime_value",
    "METHOD_LABELS",
    "HoldoutPlan",
    "plan_holdout",
    "model_orders",
    "historical_clv",
    "simple_clv",
    "fit_models",
    "choose_transaction_model",
    "naive_baselines",
    "holdout_comparison",
    "holdout_by_frequency",
    "holdout_errors",
    "parameter_table",
    "derived_table",
    "spend_frequency_correlation",
    "expectation_grid",
    "PREDICTION_COLUMNS",
    "clv_predictions",
    "concentration",
    "value_comparison",
    "errors_display",
    "operational_summary",
    "planted_recovery",
    "recovery_display",
    "clv_findings",
    "recovery_findings",
    "clv_summary",
    "clv_actions",
]

# the BTYD summary's own meanings: frequency counts *repeat* purchases, recency and T are
# in the summary's time unit (weeks by default), monetary value is the mean repeat order
register({
    "frequency": "repeat purchases",
    "recency": "first to last purchase (weeks)",  # the notebook restates both with its unit
    "T": "since first purchase (weeks)",
    "monetary_value": "average repeat order value",
    "historical_clv": "historical CLV (spent so far)",
})
