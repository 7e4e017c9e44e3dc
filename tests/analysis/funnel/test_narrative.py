"""Funnel findings and actions in words, from hand-made tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analysis import funnel
from crmkit.periods import parse_period

STAGES = ["lead", "qualified", "proposal", "negotiation"]
BOTTLENECK = {"dimension": "owner", "deal_stage": "proposal", "stage_index": 2, "kind": "conversion",
              "cost": 4_000_000.0, "extra_won_deals": 93.6, "best_group": "Song Lu", "best_value": 0.86,
              "typical_value": 0.53, "main_group": "Cao Xin", "main_cost": 1_100_000.0}


def test_bottleneck_sentences():
    text = funnel.bottleneck_sentence(BOTTLENECK, stages=STAGES, currency="¥", window="the 12 months to 2025-12-30")
    assert text == ("**The bottleneck is the proposal stage**: 53% of the deals that reach it reach negotiation, "
                    "against 86% of Song Lu's deals (the best comparable salesperson). Converting like them would "
                    "have won about 94 more deals, **¥4,000,000**, in the 12 months to 2025-12-30.")
    slow = {**BOTTLENECK, "kind": "duration", "deal_stage": "qualified", "stage_index": 1, "dimension": "deal_size",
            "best_group": "under ¥20k", "best_value": 7.0, "typical_value": 12.4, "cost": 80_000.0}
    assert funnel.bottleneck_sentence(slow, stages=STAGES, currency="¥").startswith(
        "**The bottleneck is the time spent in qualified**: deals stay 12 days there (median), against 7 days "
        "for deals of under ¥20k")
    assert funnel.bottleneck_sentence(None, stages=STAGES).startswith("No stage stands out")


def test_cohort_sentence_only_when_recent_months_are_mostly_open():
    c = pd.DataFrame({"cohort": ["2025-10", "2025-11", "2025-12"], "deals": [50, 40, 60], "won": [15, 5, 1],
                      "lost": [35, 10, 4], "still_open": [0, 25, 55], "win_rate": [0.3, 0.31, 0.29]})
    text = funnel.cohort_sentence(c)
    assert text.startswith("Deals opened in 2025-11 and 2025-12 are mostly still open (80%); of those already "
                           "closed 30% were won")
    assert "expected win rate is 30%" in text
    assert funnel.cohort_sentence(c.assign(still_open=[0, 2, 3])) is None


def _pipeline(stalled=3):
    return pd.Series({"open_deals": 10, "stalled_deals": stalled, "open_value": 500_000.0,
                      "stage_weighted_value": 180_000.0, "weighted_value": 150_000.0})


def test_findings_and_actions():
    summary = pd.Series({"deals": 200, "won": 50, "lost": 120, "still_open": 30, "won_revenue": 2_000_000.0,
                         "win_rate": 0.3})
    cycle = pd.Series({"median_days_to_win": 34.3})
    progress = pd.Series({"won_deals": 20, "won_revenue": 800_000.0, "target": 1_000_000.0,
                          "target_completion": 0.8, "target_gap": 200_000.0, "period_elapsed": 1.0})
    coverage = pd.Series({"open_deals": 10, "open_value": 500_000.0, "weighted_value": 150_000.0,
                          "coverage_target": 1_000_000.0, "target_period": "2026-Q1", "pipeline_coverage": 0.5,
                          "expected_share": 0.15})
    findings = funnel.funnel_findings(summary=summary, cycle=cycle, stages=STAGES, bottleneck=BOTTLENECK,
                                      progress=progress, coverage=coverage, pipeline_total=_pipeline(),
                                      period=parse_period("2025-Q4"), as_of="2025-12-30",
                                      window="the 12 months to 2025-12-30", currency="¥")
    assert findings[0] == ("In the 12 months to 2025-12-30, **200 deals** were opened: 50 won (¥2,000,000), 120 lost "
                           "and 30 still open. Counting open deals as undecided, **30% of deals end up won**; a won "
                           "deal takes 34 days from opening (median).")
    assert findings[2] == "In 2025-Q4 the team won **¥800,000** from 20 deals: **80% of the ¥1,000,000 target**."
    assert findings[3].startswith("Open pipeline on 2025-12-30: **10 deals worth ¥500,000**")
    assert "3 deals have stalled" in findings[3] and "0.5 times the 2026-Q1 target" in findings[3]
    scored = pd.DataFrame({"stalled": [True, False, True], "amount": [100.0, 50.0, 30.0],
                           "weighted_amount": [5.0, 20.0, 1.0]})
    gaps = pd.DataFrame({"deal_stage": ["proposal"] * 4, "group": ["Cao Xin", "Feng Rui", "Deng Kai", "Song Lu"],
                         "conversion_cost": [1_100_000.0, 700_000.0, 100_000.0, 0.0]})
    actions = funnel.funnel_actions(bottleneck=BOTTLENECK, gaps=gaps, scored=scored, coverage=coverage,
                                    currency="¥", window="the 12 months to 2025-12-30")
    # the groups behind 70% of the cost are named: Cao Xin (58%) and Li Na (95% together)
    assert actions[0].startswith("**Sales managers**: review how proposals are prepared and followed up with "
                                 "Cao Xin and Feng Rui, against Song Lu")
    assert "**¥2,000,000** of won revenue" in actions[0]
    assert actions[1].startswith("**Every salesperson**: decide on the 2 stalled deals in `pipeline_deals.csv` "
                                 "(¥130 listed, about ¥6.00 likely to be won)")
    assert actions[2].startswith("**Sales leadership**: build pipeline for 2026-Q1: open deals cover 0.5 times its "
                                 "¥1,000,000 target")
    no_targets = coverage.copy()
    no_targets[["coverage_target", "pipeline_coverage", "expected_share"]] = np.nan
    last = funnel.funnel_actions(bottleneck=None, gaps=None, scored=scored.assign(stalled=False), coverage=no_targets)
    assert last == ["**Sales operations**: add the period targets to the export (table `targets`) so that target "
                    "completion and pipeline coverage can be tracked."]
