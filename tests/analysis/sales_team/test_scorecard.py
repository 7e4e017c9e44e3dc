"""Per-salesperson measures on a made-up team: counts, shrinkage, verdicts, sizes, speed, coaching."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import funnel, sales_team
from crmkit.analysis.funnel import BetaBinomialShrinkage
from crmkit.periods import parse_period

AS_OF = pd.Timestamp("2025-12-31")


def _team():
    """Three salespeople, 40 closed deals each in 2025 (one stage, 'proposal', before closing).

    Ann wins 32 of 40 (deals of 200-290, 10 days to win); Bo wins 8 of 40 (deals of 100-145,
    30 days); Cy wins 20 of 40 (deals of 100-145, 10 days). Ann also has 5 deals lost in 2023,
    outside a one-year window, and one open deal of 1,000.
    """
    rows, hist = [], []
    for owner, wins, base, days in (("Ann", 32, 200.0, 10), ("Bo", 8, 100.0, 30), ("Cy", 20, 100.0, 10)):
        for i in range(40):
            created = pd.Timestamp("2025-02-01") + pd.Timedelta(days=5 * i)
            closed = created + pd.Timedelta(days=days)
            oid = f"{owner}{i:02d}"
            rows.append((oid, owner, created, base + 10 * (i % 10), closed, "won" if i < wins else "lost"))
            hist += [(oid, "proposal", created), (oid, "closed", closed)]
    for i in range(5):
        created = pd.Timestamp("2023-03-01") + pd.Timedelta(days=i)
        rows.append((f"old{i}", "Ann", created, 100.0, created + pd.Timedelta(days=5), "lost"))
        hist += [(f"old{i}", "proposal", created)]
    rows.append(("open1", "Ann", pd.Timestamp("2025-12-20"), 1000.0, None, "open"))
    hist.append(("open1", "proposal", pd.Timestamp("2025-12-20")))
    ops = pd.DataFrame(rows, columns=["opportunity_id", "owner", "created_at", "amount", "closed_at", "outcome"])
    ops["closed_at"] = pd.to_datetime(ops["closed_at"])
    st = pd.DataFrame(hist, columns=["opportunity_id", "stage", "entered_at"])
    return funnel.deal_history(ops, opportunity_stages=st, as_of=AS_OF)


def test_win_rates_counts_shrinkage_and_verdicts():
    r = sales_team.win_rates(_team(), lookback_days=365)
    assert r["closed_deals"].to_dict() == {"Ann": 40, "Cy": 40, "Bo": 40}  # 2023 losses left out
    assert r["won_deals"].to_dict() == {"Ann": 32, "Cy": 20, "Bo": 8}
    assert r.index.tolist() == ["Ann", "Cy", "Bo"]  # highest luck-removed rate first
    assert r.attrs["team_rate"] == pytest.approx(60 / 120)
    m = BetaBinomialShrinkage().fit([32, 8, 20], [40, 40, 40])
    a, b = m.alpha_, m.beta_
    assert r.at["Ann", "win_rate_shrunk"] == pytest.approx((a + 32) / (a + b + 40))
    assert r.at["Ann", "win_rate"] == 0.8 and r.at["Ann", "win_rate_shrunk"] < 0.8
    assert r["verdict"].to_dict() == {"Ann": "above the team", "Cy": "within the noise", "Bo": "below the team"}
    assert r.at["Ann", "win_rate_low"] > 0.5 > r.at["Bo", "win_rate_high"]
    assert r.at["Ann", "prob_above_team"] > 0.99 > 0.01 > r.at["Bo", "prob_above_team"]
    # all history: Ann's five old losses count
    assert sales_team.win_rates(_team(), lookback_days=None).at["Ann", "closed_deals"] == 45


def test_win_rate_matrix_is_complementary():
    r = sales_team.win_rates(_team())
    m = sales_team.win_rate_matrix(r)
    assert np.isnan(np.diag(m.to_numpy())).all()
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose((m + m.T).to_numpy()[off], 1.0, atol=1e-4)
    assert m.loc["Ann", "Bo"] > 0.999


def test_deal_sizes_and_speed_against_the_rest():
    h = _team()
    s = sales_team.deal_sizes(h)
    ann = np.array([200 + 10 * (i % 10) for i in range(32)], dtype=float)
    rest = np.array([100 + 10 * (i % 10) for i in range(8)] + [100 + 10 * (i % 10) for i in range(20)], dtype=float)
    assert s.at["Ann", "size_ratio"] == pytest.approx(np.exp(np.log(ann).mean() - np.log(rest).mean()))
    assert s.at["Ann", "median_won_amount"] == np.median(ann) and s.at["Ann", "rest_median_won_amount"] == np.median(rest)
    assert s.at["Ann", "size_p_value"] < 1e-6 and s.at["Cy", "size_ratio"] < 1
    v = sales_team.deal_speed(h)
    assert v.at["Bo", "median_days_to_win"] == 30 and v.at["Bo", "rest_median_days_to_win"] == 10
    assert v.at["Bo", "speed_p_value"] < 1e-6 and v.at["Cy", "median_days_to_win"] == 10


def test_owner_scorecard_with_targets_and_pipeline():
    h = _team()
    targets = pd.DataFrame({"period": ["2025-Q4", "2025-Q4", "2026-Q1"], "owner": ["Ann", "Bo", "Ann"],
                            "channel": [None, None, None], "target_amount": [2000.0, 500.0, 4000.0]})
    q4 = parse_period("2025-Q4")
    scored = funnel.score_open_deals(h)
    card = sales_team.owner_scorecard(h, period=q4, targets=targets, scored=scored)
    won_q4 = h.deals[(h.deals["outcome"] == "won") & q4.contains(h.deals["closed_at"])]
    ann = won_q4.loc[won_q4["owner"] == "Ann", "amount"].sum()
    assert card.at["Ann", "won_revenue"] == ann and card.at["Ann", "target"] == 2000.0
    assert card.at["Ann", "target_completion"] == pytest.approx(ann / 2000.0)
    assert np.isnan(card.at["Cy", "target"])
    assert card.at["Ann", "open_value"] == 1000.0 and card.at["Ann", "coverage_target"] == 4000.0
    assert card.at["Ann", "pipeline_coverage"] == pytest.approx(0.25)
    assert card.at["Bo", "open_deals"] == 0 and card.index.tolist() == ["Ann", "Cy", "Bo"]


def test_best_vs_rest():
    h = _team()
    r = sales_team.win_rates(h)
    c = sales_team.best_vs_rest(h, r).set_index("measure")
    assert c.attrs["best"] == ["Ann"]
    assert c.at["win rate of closed deals", "best"] == 0.8
    assert c.at["win rate of closed deals", "rest"] == pytest.approx(28 / 80)
    assert c.at["proposal: share that won", "best"] == pytest.approx(0.8, abs=0.01)  # one open deal of Ann's
    assert c.at["median days to win", "best"] == 10 and c.at["median days to win", "rest"] == 10


def test_coaching_table_picks_the_costliest_real_gap():
    card = pd.DataFrame({
        "closed_deals": [50, 50, 5], "size_p_value": [0.01, 0.5, 0.01], "size_ratio": [0.6, 1.1, 0.5],
        "speed_p_value": [0.2, 0.001, 0.001], "median_days_to_win": [30, 50, 60],
        "rest_median_days_to_win": [31, 30, 30]}, index=pd.Index(["A", "B", "C"], name="owner"))
    gaps = pd.DataFrame({
        "group": ["A", "A", "A", "B", "B", "C"],
        "deal_stage": ["lead", "proposal", "negotiation", "lead", "proposal", "proposal"],
        "conversion": [0.6, 0.4, 0.5, 0.9, 0.85, 0.2],
        "best_group": ["B", "B", "B", "B", "B", "B"],
        "prob_below_best": [0.99, 0.999, 0.90, np.nan, np.nan, 0.99],
        "conversion_cost": [100.0, 500.0, 900.0, 0.0, 0.0, 300.0],
    })
    c = sales_team.coaching_table(gaps, card, significance=0.05, min_closed_deals=10)
    # negotiation costs more, but is only 90% likely to be a real gap: proposal it is
    assert c.at["A", "weak_stage"] == "proposal" and c.at["A", "weak_stage_cost"] == 500.0
    assert c.at["A", "benchmark_owner"] == "B" and c.at["A", "benchmark_conversion"] == 0.85
    assert c.at["A", "size"] == "smaller" and c.at["A", "speed"] is None
    assert c.at["B", "weak_stage"] is None and c.at["B", "speed"] == "slower"
    assert not c.at["C", "enough_deals"] and c.at["C", "weak_stage"] is None and c.at["C", "size"] is None
    words = sales_team.coaching_sentences(c, stages=["lead", "proposal", "negotiation"], currency="¥")
    assert words["A"].startswith("Loses deals at **proposal**: 40% of their deals there reach negotiation, "
                                 "against 85% for B; the gap cost about ¥500")
    assert "Wins smaller deals than the rest of the team (typically 60% of their size)" in words["A"]
    assert words["B"] == ("Takes longer to win (50 days, median, against 30): agree next steps and dates at "
                          "every meeting.")
    assert words["C"].startswith("Too few closed deals")


def test_team_sentences():
    h = _team()
    card = sales_team.owner_scorecard(h, period=parse_period("2025-Q4"))
    text = sales_team.difference_sentence(card)
    assert "Raw win rates range from 20% (Bo) to 80% (Ann)" in text
    assert "Clearly above the team: **Ann**" in text and "Clearly below: **Bo**" in text
    assert "The other 1 differ" in text
    comp = sales_team.best_vs_rest(h, card)
    assert sales_team.best_practice_sentence(comp, currency="¥").startswith(
        "The best (Ann) differ most at **proposal**: 80% of their deals there won, against 35% for the others")
    findings = sales_team.team_findings(card, comparison=comp, period=parse_period("2025-Q4"), currency="¥")
    assert findings[0].startswith("In 2025-Q4 the team won **¥") and "won the most" in findings[0]
    actions = sales_team.team_actions(sales_team.coaching_table(funnel.stage_gaps(h, by="owner", min_group_deals=10),
                                                                card), card)
    assert any("1 of 3 salespeople differ from the team by no more than chance" in a for a in actions)
