"""KPIs checked by hand on the nine-order dataset of conftest.tiny_orders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.kpi import headline, kpi_findings, kpi_table, kpi_trend
from crmkit.data.bundled import load_cdnow
from crmkit.data.purchases import purchases as completed_orders
from crmkit.periods import parse_period

Q2 = parse_period("2025-Q2")


def test_completed_orders_excludes_returns_cancellations_and_zero(tiny_orders):
    extra = pd.concat([tiny_orders, tiny_orders.iloc[[0]].assign(order_id="z", revenue=0.0)])
    assert completed_orders(extra)["order_id"].tolist() == ["o1", "o2", "o3", "o4", "o6", "o7", "o9"]


def test_kpi_table_hand_computed(tiny_orders):
    spend = pd.DataFrame({"date": pd.to_datetime(["2025-03-31", "2025-04-01", "2025-06-30"]),
                          "channel": "search", "spend": [1000.0, 100.0, 50.0]})
    surveys = pd.DataFrame({"customer_id": "c1", "survey_date": pd.to_datetime(["2025-05-01"] * 5),
                            "nps_score": pd.array([10, 9, 7, 3, 0], dtype="Int64"),
                            "csat_score": pd.array([5, 4, 3, 2, 1], dtype="Int64")})
    k = kpi_table(tiny_orders, period=Q2, marketing_spend=spend, surveys=surveys)
    v = k["value"]
    # Q2 purchases: o2 50, o3 150 (c1), o6 30, o7 70 (c3; 23:00 on the last day counts)
    assert v["revenue"] == 300 and v["orders"] == 4
    assert v["active_customers"] == 2
    assert v["new_customers"] == 1  # c3; c4's first purchase is 1 July (its June order was cancelled)
    assert v["aov"] == 75 and v["purchase_frequency"] == 2 and v["repurchase_rate"] == 1.0
    assert v["retention_rate"] == 0.5 and v["churn_rate"] == 0.5  # of Q1's c1, c2 only c1 came back
    assert v["return_rate"] == 0.0
    assert v["ltv_simple"] == pytest.approx(75 * 2 * (1 / 0.5))
    assert v["cac"] == 150  # 100 + 50 spent in Q2, one new customer
    assert v["nps"] == pytest.approx(0.0)  # 40% promoters - 40% detractors
    assert v["csat"] == pytest.approx(0.4)
    p = k["previous"]  # Q1: o1 100 (c1), o4 80 (c2); o5 returned
    assert p["revenue"] == 180 and p["new_customers"] == 2 and p["aov"] == 90
    assert p["return_rate"] == pytest.approx(1 / 3)
    assert np.isnan(p["retention_rate"])  # nobody bought in 2024-Q4
    assert k.loc["revenue", "change"] == pytest.approx(300 / 180 - 1)
    assert k.loc["cac", "previous"] == 1000 / 2
    good = {r["kpi"]: r["good"] for r in headline(k)}
    # CAC fell from 500 to 150 and returns from 1/3 to 0: good news, shown green
    assert good["cac"] is True and good["return_rate"] is True and good["revenue"] is True
    assert good["aov"] is False  # 90 -> 75


def test_kpi_table_without_optional_tables_has_no_cac_nps(tiny_orders):
    k = kpi_table(tiny_orders, period=Q2)
    assert not {"cac", "nps", "csat", "ltv_cac_ratio"} & set(k.index)


def test_kpi_trend_monthly(tiny_orders):
    t = kpi_trend(tiny_orders, freq="M")
    assert t.index[0] == pd.Timestamp("2025-01-01") and len(t) == 7  # Jan..Jul, March empty
    assert t["revenue"].tolist() == [100, 80, 0, 200, 30, 70, 20]
    assert t["orders"].tolist() == [1, 1, 0, 2, 1, 1, 1]
    assert t["new_customers"].tolist() == [1, 1, 0, 0, 1, 0, 1]
    assert t.loc["2025-04-01", "aov"] == 100 and np.isnan(t.loc["2025-03-01", "aov"])


def test_headline_and_findings_format(tiny_orders):
    k = kpi_table(tiny_orders, period=Q2)
    h = {r["kpi"]: r for r in headline(k, currency="¥")}
    assert h["revenue"]["value"] == "¥300" and h["revenue"]["change"] == "+66.7%"
    assert h["retention_rate"]["value"] == "50.0%"
    assert h["revenue"]["good"] is True
    for key, r in h.items():  # a rise is good news except for churn, CAC and returns
        ch = k.loc[key, "change"]
        if pd.isna(ch) or ch == 0:
            assert r["good"] is None
        else:
            assert r["good"] == ((ch > 0) != (key in ("churn_rate", "cac", "return_rate")))
    text = " ".join(kpi_findings(k, period=Q2, currency="¥"))
    assert "Revenue was **¥300** in 2025-Q2, up 66.7% on 2025-Q1" in text
    assert "1 of them were new (50% of active)" in text


def test_cdnow_quarter_matches_direct_computation():
    orders = load_cdnow().orders
    k = kpi_table(orders, period=parse_period("1997-Q4"))
    q4 = orders[(orders.order_date >= "1997-10-01") & (orders.order_date <= "1997-12-31") & (orders.revenue > 0)]
    assert k.loc["revenue", "value"] == pytest.approx(q4.revenue.sum())
    assert k.loc["orders", "value"] == len(q4)
    assert k.loc["active_customers", "value"] == q4.customer_id.nunique()
    q3 = orders[(orders.order_date >= "1997-07-01") & (orders.order_date <= "1997-09-30") & (orders.revenue > 0)]
    back = q3.customer_id.drop_duplicates().isin(q4.customer_id).mean()
    assert k.loc["retention_rate", "value"] == pytest.approx(back)


def _surveys(q1_scores, q2_scores, csat=True):
    """Survey answers of one customer: q1_scores in 2025-Q1, q2_scores in 2025-Q2."""
    dates = ["2025-02-01"] * len(q1_scores) + ["2025-05-01"] * len(q2_scores)
    out = pd.DataFrame({"customer_id": "c1", "survey_date": pd.to_datetime(dates),
                        "nps_score": pd.array(q1_scores + q2_scores, dtype="Int64")})
    if csat:
        out["csat_score"] = pd.array([5] * len(dates), dtype="Int64")
    return out


def test_nps_at_the_category_boundaries(tiny_orders):
    # 6 is a detractor, 7 and 8 passives, 9 a promoter: 1 promoter - 1 detractor of 4 answers
    k = kpi_table(tiny_orders, period=Q2, surveys=_surveys([], [6, 7, 8, 9]))
    assert k.loc["nps", "value"] == pytest.approx(0.0)
    k = kpi_table(tiny_orders, period=Q2, surveys=_surveys([], [6, 6, 9, 10]))
    assert k.loc["nps", "value"] == pytest.approx(0.0)
    k = kpi_table(tiny_orders, period=Q2, surveys=_surveys([], [7, 8, 9, 10]))
    assert k.loc["nps", "value"] == pytest.approx(50.0)


def test_changes_of_rates_and_scores_are_in_points(tiny_orders):
    # Q1 NPS -20 (2 promoters, 3 detractors of 5), Q2 NPS -10 (4 promoters, 5 detractors of 10)
    q1 = [10, 9, 0, 0, 0]
    q2 = [10, 10, 9, 9, 7, 0, 1, 2, 3, 4]
    k = kpi_table(tiny_orders, period=Q2, surveys=_surveys(q1, q2))
    assert (k.loc["nps", "previous"], k.loc["nps", "value"]) == (pytest.approx(-20.0), pytest.approx(-10.0))
    assert k.loc["nps", "change"] == pytest.approx(10.0)  # an improvement of 10 points, not "-50%"
    h = {r["kpi"]: r for r in headline(k)}
    assert h["nps"]["change"] == "+10 pts" and h["nps"]["good"] is True
    # retention 50% in Q2 against no buyers two quarters back: no comparison; return rate 1/3 -> 0
    assert k.loc["return_rate", "change"] == pytest.approx(-1 / 3)
    assert h["return_rate"]["change"] == "-33.3 pts" and h["return_rate"]["good"] is True
    text = " ".join(kpi_findings(k, period=Q2))
    assert "NPS was **-10** (up 10 pts on 2025-Q1)" in text
    # NPS 41 -> 40 is one point down, not -2.4%
    assert headline(k.assign(value=40.0, previous=41.0, change=-1.0).loc[["nps"]])[0]["change"] == "-1 pt"


def test_kpi_findings_with_nps_but_no_csat(tiny_orders):
    k = kpi_table(tiny_orders, period=Q2, surveys=_surveys([9], [9, 0], csat=False))
    assert "csat" not in k.index
    text = " ".join(kpi_findings(k, period=Q2))  # used to raise KeyError: 'csat'
    assert "NPS was **0** (down 100 pts on 2025-Q1)." in text and "CSAT" not in text


def test_churn_measures_hand_computed(tiny_orders):
    """The four churn numbers of the KPI page, each checked by hand on the nine orders."""
    from crmkit.analysis.kpi.kpis import churn_measures

    k = kpi_table(tiny_orders, period=Q2)
    v = churn_measures(tiny_orders, kpis=k, as_of="2025-06-30", lapse_days=120, horizon_days=30,
                       lookback_days=90)["value"]
    # Q1 buyers c1, c2; only c1 buys again in Q2
    assert v["period churn rate"] == pytest.approx(1 / 2)
    # buyers by 06-30: c1 (last 04-20, 71 days), c2 (last 02-01, 149 days), c3 (06-30)
    assert v["lapsed customers"] == pytest.approx(1 / 3)
    # cut-off 05-31: active in the 90 days before it c1, c3; in the next 30 days only c3 buys
    assert v["30-day churn"] == pytest.approx(1 / 2)
    assert 0 <= v["expected dropout"] <= 1


def test_kpi_actions_only_for_bad_news_that_moved_enough():
    """CAC up 20% and NPS down 5 points get actions; AOV up and churn down are good news;
    the return rate rose 1 point, under the 2-point threshold."""
    from crmkit.analysis.kpi.narrative import kpi_actions

    k = pd.DataFrame({"label": ["CAC", "NPS", "Average order value", "Period churn rate", "Return rate"],
                      "value": [60.0, 36.0, 300.0, 0.30, 0.051], "previous": [50.0, 41.0, 250.0, 0.35, 0.041],
                      "change": [0.20, -5.0, 0.20, -0.05, 0.010],
                      "unit": ["currency", "score", "currency", "share", "share"]},
                     index=pd.Index(["cac", "nps", "aov", "churn_rate", "return_rate"], name="kpi"))
    actions = kpi_actions(k, currency="$")
    assert len(actions) == 2
    assert actions[0].startswith("CAC rose 20.0% to $60: move budget")
    assert actions[1].startswith("NPS fell 5 pts: read the detractors' comments")
    assert kpi_actions(k.loc[["aov", "churn_rate"]])[0].startswith("No headline KPI moved enough")
