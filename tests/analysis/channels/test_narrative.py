"""Findings and actions of the channel report, computed from small tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.analysis.channels import (
    Journeys,
    attribution_sentences,
    attribution_table,
    budget_sentence,
    cac_change_sentence,
    channel_actions,
    channel_findings,
    planted_cac_check,
    ratio_words,
)


def _value():
    return pd.DataFrame({
        "spend": [300.0, 100.0, 0.0], "new_customers": [3, 2, 4], "cac": [100.0, 50.0, np.nan],
        "ltv": [250.0, 600.0, 80.0], "ltv_cac": [2.5, 12.0, np.nan], "payback_months": [np.nan, 2.0, np.nan],
        "spend_share": [0.75, 0.25, np.nan], "value_share": [0.385, 0.615, np.nan],
    }, index=pd.Index(["tv", "email", "organic"], name="channel"))


def _period():
    return pd.DataFrame({"spend": [300.0, 100.0, 0.0], "new_customers": [3, 2, 4], "cac": [100.0, 50.0, np.nan]},
                        index=pd.Index(["tv", "email", "organic"], name="channel"))


SHIFT = {"from": "tv", "to": "email", "amount": 30.0, "share": 0.1, "from_value_per_spend": 2.5,
         "to_value_per_spend": 12.0, "gain": 285.0, "gain_low": 200.0, "gain_high": 370.0, "probability": 0.97,
         "level": 0.9}


def test_findings_state_cac_rule_of_thumb_payback_and_shares():
    f = channel_findings(_period(), _value(), shift=SHIFT, attribution=None, period_label="2025-Q4",
                         basis="margin", lifetime_months=24, currency="¥")
    assert f[0].startswith("In 2025-Q4, marketing spent **¥400** and the paid channels acquired **5 customers** "
                           "(blended CAC ¥80)")
    assert "from **¥50** (email) to **¥100** (tv)" in f[0]
    assert "highest in **email** (12.0 : 1)" in f[1] and "**tv** falls below the 3 : 1 rule of thumb" in f[1]
    assert "tv had not earned back its CAC in the months observed; email did within 2 months" in f[1]
    assert f[2].startswith("**tv** takes 75% of the spend but brings 38% of the value")
    assert "**email** (¥12.00 of margin per ¥1)" in f[3]
    assert "Counting margin (revenue minus product cost, discounts and shipping) over the first 24 months" in f[1]


def test_actions_shift_review_and_campaign():
    campaigns = pd.DataFrame({"channel": ["tv", "tv"], "campaign": ["prime", "late"], "spend": [100.0, 200.0],
                              "conversions": [20.0, 10.0], "cac": [5.0, 20.0]})
    a = channel_actions(_value(), shift=SHIFT, campaigns=campaigns, currency="¥",
                        budget_text=budget_sentence(SHIFT, period_label="2025-Q4"))
    assert a[0].startswith("Marketing: Moving 10% of tv's spend of a period like 2025-Q4 (¥30) to **email**")
    assert "Review tv: each customer costs ¥100 and is worth ¥250 (2.5 : 1)" in a[1]
    # the late campaign costs 20 per customer against 300 / 30 = 10 for the channel
    assert a[2] == "Look at campaign late (tv): ¥20 per customer, 100% above its channel's average."


def test_budget_sentence_says_how_sure_it_is():
    assert "so the difference is real" in budget_sentence(SHIFT, period_label="Q")
    assert "likely, not certain" in budget_sentence({**SHIFT, "probability": 0.85}, period_label="Q")
    assert "may be chance" in budget_sentence({**SHIFT, "probability": 0.6}, period_label="Q")
    sat = budget_sentence(SHIFT, period_label="Q", elasticity=pd.Series({"email": 0.5}))
    assert "grew less than spend (elasticity 0.50)" in sat
    assert budget_sentence(None).startswith("No budget shift is recommended")


def test_attribution_sentences_name_openers_and_closers():
    j = Journeys.from_paths([["social", "search"]] * 3 + [["search"], ["social"]], [True] * 4 + [False])
    s = attribution_sentences(attribution_table(j), j)
    assert s[0].startswith("4 first purchases had at least one session before them, 1.8 sessions on average; "
                           "25% of them had a single session")
    assert s[1] == ("**social** opens journeys more than it closes them: 3 first purchases on first touch "
                    "against 0 on last touch; **search** closes them: 4 on last touch against 1 on first touch.")


def test_cac_change_and_ratio_words():
    a = pd.DataFrame({"cac": [80.0, 12.0]}, index=["search", "email"])
    b = pd.DataFrame({"cac": [100.0, 12.0]}, index=["search", "email"])
    assert cac_change_sentence(a, b, previous_label="Q3") == "CAC against Q3: search -20% (¥100 → ¥80); unchanged elsewhere."
    assert ratio_words(3.04) == "3.0 : 1"


def test_planted_check_flags_a_wrong_cac():
    truth = {"cac": {"search": 80.0, "email": 12.0}, "lead_conversion": {"search": 0.1, "email": 0.08}}
    found = pd.DataFrame({"cac": [80.2, 15.0], "lead_conversion": [0.105, 0.08]}, index=["search", "email"])
    assert planted_cac_check(found, truth)["recovered"].tolist() == [True, False]
