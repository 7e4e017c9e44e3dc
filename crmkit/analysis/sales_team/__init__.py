"""Sales team (notebook 13): how each salesperson does, honestly compared, and what the best do differently.

Builds on :mod:`crmkit.analysis.funnel` (deals as of a reference date, stage conversion,
the beta-binomial shrinkage of rates, targets and pipeline coverage).
"""

from ...labels import register
from ..funnel.shrinkage import BetaBinomialShrinkage
from .coaching import coaching_table
from .narrative import (
    best_practice_sentence,
    coaching_sentences,
    comparison_table,
    difference_sentence,
    planted_win_rate_check,
    team_actions,
    team_findings,
)
from .scorecard import (
    VERDICTS,
    best_vs_rest,
    closed_in_window,
    deal_sizes,
    deal_speed,
    owner_scorecard,
    win_rate_matrix,
    win_rates,
)

__all__ = [
    "VERDICTS",
    "BetaBinomialShrinkage",
    "closed_in_window",
    "win_rates",
    "win_rate_matrix",
    "deal_sizes",
    "deal_speed",
    "owner_scorecard",
    "best_vs_rest",
    "coaching_table",
    "coaching_sentences",
    "difference_sentence",
    "best_practice_sentence",
    "comparison_table",
    "team_findings",
    "team_actions",
    "planted_win_rate_check",
]

register({
    "owner": "salesperson",
    "closed_deals": "closed deals",
    "won_deals": "won deals",
    "period_won_deals": "deals won in the period",
    "win_rate": "win rate",
    "win_rate_shrunk": "win rate, luck removed",
    "win_rate_low": "lowest plausible",
    "win_rate_high": "highest plausible",
    "prob_above_team": "chance of beating the team",
    "verdict": "compared with the team",
    "won_revenue": "won revenue",
    "target": "target",
    "target_completion": "target reached",
    "open_deals": "open deals",
    "open_value": "open pipeline",
    "weighted_value": "likely wins",
    "coverage_target": "next target",
    "pipeline_coverage": "open pipeline / target (times)",
    "median_won_amount": "median won deal",
    "mean_won_amount": "average won deal",
    "rest_median_won_amount": "rest of team: median won deal",
    "size_ratio": "typical deal vs rest of team",
    "size_p_value": "deal size: p-value",
    "median_days_to_win": "median days to win",
    "rest_median_days_to_win": "rest of team: median days to win",
    "speed_p_value": "speed: p-value",
    "coaching_point": "coaching point",
    "measure": "measure",
    "best": "the best",
    "rest": "everybody else",
    "planted": "planted win rate",
    "inside_interval": "planted rate inside the interval",
})
