"""Findings and actions of the profitability report, computed from small tables."""

from __future__ import annotations

import pandas as pd

from crmkit.analysis.profitability import (
    profit_actions,
    profit_deciles,
    profit_findings,
    sources_sentence,
    whale_summary,
)

ALL = {"product_cost": "order cost", "discounts": "order discount", "shipping": "order shipping cost",
       "returns": "returned orders", "service": "tickets"}
NONE = dict.fromkeys(ALL)


def _cp():
    return pd.DataFrame({"revenue": [100.0] * 10, "profit": [80.0, 70, 60, 50, 40, 30, 20, 10, -5, -25]})


def _reasons():
    return pd.DataFrame({"loss_makers": [1, 1], "share_of_losers": [0.5, 0.5], "losses": [-25.0, -5.0],
                         "excess": [40.0, 45.0], "cost_share_losers": [0.55, 0.45], "cost_share_others": [0.3, 0.0]},
                        index=pd.Index(["service", "discounts"], name="loss_reason"))


def _groups():
    return {"acquisition_channel": pd.DataFrame({"customers": [40, 60, 5], "loss_share": [0.5, 0.1, 1.0],
                                                 "margin": [0.05, 0.4, -0.2]}, index=["social", "search", "tiny"])}


def test_findings_with_costs():
    cp = _cp()
    f = profit_findings(whale_summary(cp), sources=ALL, reasons=_reasons(), structure=None, groups=_groups(),
                        deciles=profit_deciles(cp), clv={"customers": 10, "clv": 1000.0, "profit_clv": 250.0,
                                                         "profit_share": 0.25, "negative": 2},
                        window="the 12 months to 2025-12-30", min_group_customers=30)
    assert f[0] == ("**2 of 10 customers (20.0%)** lost money in the 12 months to 2025-12-30: together ¥30, "
                    "8% of the ¥360 the other customers earned.")
    assert f[1].startswith("Ranked by profit, the top tenth of customers earned **24%** of the total profit (¥330).")
    assert "peaks at **109%** of the total after 80% of the customers: the rest give 9% of it back" in f[1]
    assert f[2].startswith("**Service tickets** are the main reason for 1 of the 2 customers who lose money (50%)")
    # the tiny group has too few customers to be named
    assert f[3].startswith("Customers acquired through social lose money most often: **50%** of them")
    assert f[4].endswith("2 customers with a positive revenue CLV are expected to cost more than they bring.")


def test_findings_without_any_cost_say_profit_is_revenue():
    cp = _cp().assign(profit=lambda d: d["revenue"])
    f = profit_findings(whale_summary(cp), sources=NONE, reasons=_reasons().iloc[:0], structure=None, groups={},
                        deciles=profit_deciles(cp), clv=None, window="the 12 months")
    assert f[0].startswith("This export records **no costs**") and "**profit here equals revenue**" in f[0]
    assert not any("lost money" in x for x in f)
    a = profit_actions(whale_summary(cp), sources=NONE, reasons=_reasons().iloc[:0], window="the 12 months")
    assert a[0].startswith("Add the cost of goods to the export")


def test_actions_per_reason_and_missing_costs():
    a = profit_actions(whale_summary(_cp()), sources={**ALL, "service": None}, reasons=_reasons(),
                       window="the 12 months to 2025-12-30")
    assert a[0].startswith("Find out why the 1 customers whose losses come from service tickets")
    assert "¥40 of cost beyond an ordinary customer" in a[0]
    assert a[1].startswith("Stop or cap discounts for the 1 customers")
    assert a[-1] == "Add service to the export: profit counts them as zero for now."


def test_sources_sentence():
    s = sources_sentence({**ALL, "discounts": "already taken off revenue", "shipping": None}, cost_per_ticket=30,
                         cost_per_complaint=80, return_cost_per_order=15)
    assert s == ("Profit = revenue - product cost (order cost) - returns (¥15 per returned order plus its shipping) "
                 "- service (¥30 per ticket, ¥80 per complaint). Discounts are already taken off revenue, so they "
                 "are not subtracted again. Not in this export, so counted as zero: shipping.")
