"""Stage conversion, win rates and times with open deals censored: hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.funnel import (
    cohort_table,
    conditional_shares,
    cumulative_incidence,
    cycle_times,
    deal_history,
    eventual_shares,
    funnel_counts,
    stage_conversion,
    stage_to_win,
    survival_quantile,
    win_summary,
)
from crmkit.analysis.stats import kaplan_meier


def test_cumulative_incidence_hand_computed():
    # four deals in a stage: pass on day 2, open on day 3, pass on day 4, lost on day 5
    ci = cumulative_incidence([2, 3, 4, 5], [1, 0, 1, 2])
    # day 2: 4 at risk, 1 passes -> CIF1 = 1/4, S = 3/4; day 3: censored, 2 left at risk
    # day 4: 1 of 2 passes -> CIF1 += 3/4 * 1/2; day 5: the last one is lost -> CIF2 = 3/8
    np.testing.assert_allclose(ci["cif_1"], [0.25, 0.25, 0.625, 0.625])
    np.testing.assert_allclose(ci["cif_2"], [0, 0, 0, 0.375])
    np.testing.assert_allclose(ci["survival"], [0.75, 0.75, 0.375, 0.0])
    assert ci["at_risk"].tolist() == [4, 3, 2, 1] and ci["censored"].tolist() == [0, 1, 0, 0]
    np.testing.assert_allclose(eventual_shares(ci), [0.625, 0.375])
    # the naive views are both wrong: 2 of 3 decided (0.667) or 2 of 4 entered (0.5)


def test_cumulative_incidence_sums_to_one_and_matches_kaplan_meier():
    rng = np.random.default_rng(3)
    t = rng.exponential(10, 300).round()
    c = rng.integers(0, 3, 300)
    ci = cumulative_incidence(t, c)
    np.testing.assert_allclose(ci["survival"] + ci["cif_1"] + ci["cif_2"], 1.0)
    km = kaplan_meier(t, c > 0)
    np.testing.assert_allclose(ci["survival"].to_numpy(), km["survival"].to_numpy())
    # without censoring the estimate is the plain count
    full = cumulative_incidence(t, np.where(c == 0, 1, c))
    assert eventual_shares(full)[0] == pytest.approx(np.mean(np.where(c == 0, 1, c) == 1))


def test_eventual_shares_split_what_is_undecided():
    # one passes at 1, one is lost at 2, two are still open at 3: half the undecided each way
    ci = cumulative_incidence([1, 2, 3, 3], [1, 2, 0, 0])
    np.testing.assert_allclose(eventual_shares(ci), [0.5, 0.5])
    assert np.isnan(eventual_shares(cumulative_incidence([1, 2], [0, 0]))).all()


def test_conditional_shares_old_deals_are_the_slow_losers():
    # two pass on day 1, two are lost on day 9: still in the stage on day 5 means lost
    ci = cumulative_incidence([1, 1, 9, 9], [1, 1, 2, 2])
    np.testing.assert_allclose(conditional_shares(ci, [0, 0.5, 5, 100]),
                               [[0.5, 0.5], [0.5, 0.5], [0.0, 1.0], [0.0, 1.0]])
    # with min_at_risk=3 too few deals lasted beyond day 1 (two) to say more: day 5 is read at
    # day 1, when all four were still in the stage
    np.testing.assert_allclose(conditional_shares(ci, [5], min_at_risk=3), [[0.5, 0.5]])
    ci = cumulative_incidence([1, 2, 3, 4, 5, 6], [1, 1, 2, 1, 2, 2])
    # at age 3.5: three left (4, 5, 6): one passes, two are lost
    np.testing.assert_allclose(conditional_shares(ci, [3.5]), [[1 / 3, 2 / 3]])


def test_survival_quantile():
    km = kaplan_meier([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [True] * 10)
    assert survival_quantile(km, 0.5) == 5 and survival_quantile(km, 0.9) == 9
    assert np.isnan(survival_quantile(kaplan_meier([1, 2], [True, False]), 0.9))


def _deals():
    """Stage lead for six deals (as of 2025-01-31), amounts 10..60.

    d1: lead 01-01 -> qualified 01-03 -> won 01-13   (lead 2 days)
    d2: lead 01-01 -> lost 01-05                      (lead 4 days, lost)
    d3: lead 01-01 -> qualified 01-07 -> lost 01-17  (lead 6 days)
    d4: lead 01-21, still open (11 days to the end of 01-31)
    d5: lead 01-01 -> qualified 01-09, still open    (lead 8 days)
    d6: lead 01-01 -> lost 01-11                      (lead 10 days, lost)
    """
    ops = pd.DataFrame({
        "opportunity_id": [f"d{i}" for i in range(1, 7)],
        "owner": ["A", "A", "A", "B", "B", "B"],
        "created_at": pd.to_datetime(["2025-01-01"] * 3 + ["2025-01-21", "2025-01-01", "2025-01-01"]),
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
        "closed_at": pd.to_datetime(["2025-01-13", "2025-01-05", "2025-01-17", None, None, "2025-01-11"]),
        "outcome": ["won", "lost", "lost", "open", "open", "lost"],
    })
    hist = pd.DataFrame({
        "opportunity_id": ["d1", "d1", "d2", "d3", "d3", "d4", "d5", "d5", "d6"],
        "stage": ["lead", "qualified", "lead", "lead", "qualified", "lead", "lead", "qualified", "lead"],
        "entered_at": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-01", "2025-01-01", "2025-01-07",
                                      "2025-01-21", "2025-01-01", "2025-01-09", "2025-01-01"]),
    })
    return deal_history(ops, opportunity_stages=hist, as_of="2025-01-31", stages=["lead", "qualified"])


def test_stage_conversion_with_a_censored_deal():
    conv = stage_conversion(_deals()).set_index("deal_stage")
    lead = conv.loc["lead"]
    assert (lead["entered"], lead["passed"], lead["lost"], lead["still_open"]) == (6, 3, 2, 1)
    # lead times: 2 pass, 4 lost, 6 pass, 8 pass, 10 lost, 11 open (d4)
    # S: 5/6 after 2, 4/6 after 4, 3/6 after 6, 2/6 after 8, 1/6 after 10
    # CIF pass = 1/6 + 4/6*1/4 + 3/6*1/3 = 1/6 + 1/6 + 1/6 = 1/2; CIF lost = 1/6 + 2/6*1/2 = 1/3
    # undecided 1/6 split 3:2 -> pass 1/2 + 1/6 * 3/5 = 0.6
    assert lead["conversion"] == pytest.approx(0.6)
    assert lead["median_days"] == 6 and lead["p90_days"] != lead["p90_days"]  # S never reaches 0.1
    q = conv.loc["qualified"]  # d1 won after 10 days, d3 lost after 10, d5 open for 23
    assert (q["entered"], q["passed"], q["lost"], q["still_open"]) == (3, 1, 1, 1)
    assert q["conversion"] == pytest.approx(0.5)


def test_stage_conversion_by_group():
    conv = stage_conversion(_deals(), by="owner")
    a = conv[(conv["owner"] == "A") & (conv["deal_stage"] == "lead")].iloc[0]
    assert (a["entered"], a["passed"], a["conversion"]) == (3, 2, pytest.approx(2 / 3))
    b = conv[(conv["owner"] == "B") & (conv["deal_stage"] == "lead")].iloc[0]
    # B: 8 pass, 10 lost, 11 open -> CIF pass 1/3, lost 1/3, undecided 1/3 split evenly
    assert b["conversion"] == pytest.approx(0.5)


def test_stage_to_win_and_funnel_counts():
    h = _deals()
    s = stage_to_win(h).set_index("deal_stage")
    # from creation: d2 lost 4, d1 won 12, d6 lost 10, d3 lost 16, open: d4 11, d5 31 days
    # S: 5/6 after 4, 4/6 after 10, (d4 censored at 11), 3 at risk: d1 won at 12 -> CIF won = 4/6 * 1/3
    # d3 lost at 16 -> S = 4/6 * 1/3; undecided 2/9 split 1:3 (won 2/9, lost 4/9 + 2/9)
    won, lost = 2 / 9, 1 / 6 + 1 / 6 + 2 / 9
    assert s.loc["lead", "win_rate"] == pytest.approx(won + (2 / 9) * won / (won + lost))
    # from qualified: d1 won after 10 days, d3 lost after 10, d5 open after 23 (the last): 1/2
    assert s.loc["qualified", "win_rate"] == pytest.approx(0.5)
    assert s["reached"].tolist() == [6, 3] and s["won"].tolist() == [1, 1]
    f = funnel_counts(h)
    assert f["deal_stage"].tolist() == ["lead", "qualified", "won"]
    assert f["deals"].tolist() == [6, 3, 1] and f["still_open"].tolist() == [1, 1, 0]
    np.testing.assert_allclose(f["share_of_first"], [1, 0.5, 1 / 6])


def test_cycle_times_and_win_summary():
    h = _deals()
    c = cycle_times(h).iloc[0]
    # closed after 4, 10, 12, 16 days; open for 11 and 31: S = 5/6, 4/6, (11 censored), 4/6*2/3, 4/6*1/3
    assert c["median_days_to_close"] == 12 and c["median_days_to_win"] == 12
    w = win_summary(h, by="owner").set_index("owner")
    assert w.loc["A", "won"] == 1 and w.loc["A", "lost"] == 2 and w.loc["A", "won_revenue"] == 10
    assert w.loc["A", "win_rate_closed"] == pytest.approx(1 / 3) and w.loc["A", "win_rate"] == pytest.approx(1 / 3)
    assert w.loc["B", "still_open"] == 2 and w.loc["B", "win_rate_closed"] == 0.0
    co = cohort_table(h)
    assert co["cohort"].tolist() == ["2025-01"] and co["open_share"].iloc[0] == pytest.approx(2 / 6)
