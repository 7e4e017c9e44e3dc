"""Sentences, actions, rules and charts of the satisfaction page."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import satisfaction as sat
from crmkit.config import validate_params
from crmkit.config.satisfaction import SatisfactionRules
from crmkit.errors import ParamsError
from crmkit.plots import satisfaction as sat_plots


def _comparison(change_low, change_high, beyond):
    return pd.DataFrame({"value": [46.0, 0.82], "previous": [40.0, 0.80], "change": [6.0, 0.02],
                         "change_low": [change_low, -0.01], "change_high": [change_high, 0.05],
                         "beyond_noise": [beyond, False], "n": [1300, 1299], "n_previous": [1000, 999]},
                        index=pd.Index(["nps", "csat"], name="measure"))


def test_score_sentences_say_points_and_noise():
    c = _comparison(-1.0, 13.0, False)
    nps = sat.score_sentence(c, measure="nps", period="2025-Q4", previous="2025-Q3")
    assert "+6 pts against 2025-Q3" in nps and "within the noise" in nps and "-1 to +13 pts" in nps
    csat = sat.score_sentence(c, measure="csat", period="2025-Q4", previous="2025-Q3")
    assert "**82%**" in csat and "+2.0 pts" in csat and "-1.0 to +5.0 pts" in csat
    shown = sat.comparison_display(c, period="2025-Q4", previous="2025-Q3")
    assert shown["verdict"].tolist() == ["within the noise", "within the noise"]
    assert shown["change"].tolist() == ["+6 pts", "+2.0 pts"]
    none = c.assign(n=0)
    assert sat.score_sentence(none, measure="nps", period="2025-Q4", previous="2025-Q3") == "No NPS answers in 2025-Q4."


def test_driver_sentences_only_beyond_noise_largest_first():
    e = pd.DataFrame({"driver": ["slow_ticket", "category", "ticket_before"], "level": [None, "toys", None],
                      "reference": [None, "food", None], "answers": [28, 400, 300],
                      "effect": [-1.8, 0.5, -0.1], "ci_low": [-2.6, 0.2, -0.4], "ci_high": [-1.0, 0.8, 0.2],
                      "significant": [True, True, False]},
                     index=pd.Index(["slow_ticket", "category=toys", "ticket_before"], name="term"))
    out = sat.driver_sentences(e, slow_ticket_days=3, service_window_days=90)
    assert len(out) == 2
    assert out[0].startswith("Customers whose ticket (opened in the 90 days before the answer) took more "
                             "than 3 days to resolve gave NPS answers 1.8 points lower")
    assert "(95% CI 1.0 to 2.6 lower)" in out[0]
    assert "product category toys (against food)" in out[1] and "0.5 points higher" in out[1]
    assert sat.driver_sentences(e.assign(significant=False)) == [
        "No driver moves the NPS answers by more than the noise."]


def test_actions_name_who_what_and_the_money():
    callbacks = pd.DataFrame({"customer_id": ["a", "b"], "open_complaints": [1, 0], "last_nps": [np.nan, 3.0],
                              "customer_value": [1200.0, 800.0]})
    open_tickets = pd.DataFrame({"is_complaint": [True, True, False], "age_days": [10.0, 1.0, 30.0]})
    e = pd.DataFrame({"effect": [-1.8], "significant": [True]}, index=["slow_ticket"])
    terms = pd.DataFrame({"side": ["detractor", "detractor"], "term": ["late", "太慢"], "z": [5.0, 4.0]})
    acts = sat.satisfaction_actions(callbacks=callbacks, currency="¥", value_basis="expected CLV",
                                    sla={"share": 0.5}, sla_hours=48, open_tickets=open_tickets, effects=e,
                                    terms=terms, ratios={"promoter_vs_others": {"ratio": 3.0, "low": 2.0, "high": 4.5}})
    assert "call back the 2 high-value customers" in acts[0] and "¥2,000" in acts[0]
    assert "(1 with an open complaint, 1 recent detractors)" in acts[0]
    assert "only 50% of complaints met the 48-hour service level" in acts[1]
    assert "clear the 1 complaints already open past it" in acts[1]  # 10 days > 48 h; 1 day is not
    assert "within 3 days" in acts[2] and "1.8 points lower" in acts[2]
    assert "“late”, “太慢”" in acts[3]
    assert "3 times as often" in acts[4]


def test_loyalty_and_referral_sentences():
    table = pd.DataFrame({"complainers": [0.9], "matched": [0.55], "all_others": [0.5], "difference": [0.35],
                          "ci_low": [0.3], "ci_high": [0.4]}, index=["churned"])
    info = {"cutoff": pd.Timestamp("2025-10-01"), "matched_complainers": 120, "horizon_days": 90,
            "comparison_days": 90}
    s = sat.loyalty_sentence(table, info)
    assert "90% bought nothing in the next 90 days, against 55%" in s and "+35.0 pts" in s
    assert "larger than the noise" in s
    r = sat.referral_sentence({"share": 0.1, "new_customers": 460},
                              {"promoter_vs_others": {"ratio": 3.0, "low": 0.8, "high": 4.0}}, period="2025-Q4")
    assert r.startswith("10% of the 460 new customers of 2025-Q4 came by referral") and "(within the noise)" in r
    assert sat.referral_sentence(None, None, period="x").startswith("No referral data")


def test_plain_makes_summaries_json_ready():
    data = sat.plain({"n": np.int64(3), "x": np.float64(np.nan), "ok": np.bool_(True),
                      "t": pd.DataFrame({"a": [1]}, index=pd.Index(["r"], name="k"))})
    assert json.loads(json.dumps(data)) == {"n": 3, "x": None, "ok": True, "t": [{"k": "r", "a": 1}]}


def test_rules_are_validated_from_the_params_file():
    m = validate_params({"source": {}, "analysis": {"satisfaction": {"sla_hours": 72}}})
    assert m.analysis.satisfaction.sla_hours == 72 and m.analysis.satisfaction.slow_ticket_days == 3
    with pytest.raises(ParamsError, match="did you mean 'sla_hours'"):
        validate_params({"source": {}, "analysis": {"satisfaction": {"sla_hour": 72}}})
    with pytest.raises(ParamsError, match="increasing"):
        SatisfactionRules.coerce({"tenure_bands_days": [365, 90]})
    with pytest.raises(ParamsError, match="sla_hours"):
        SatisfactionRules().with_overrides(sla_hours=-1)
    assert SatisfactionRules().with_overrides(sla_hours=None, slow_ticket_days=2).slow_ticket_days == 2


# --------------------------------------------------------------------------- charts
def test_group_chart_draws_one_row_per_group_with_words():
    t = sat.score_table(pd.DataFrame({"nps_score": [10] * 40 + [0] * 10 + [9] * 3,
                                      "region": ["east"] * 50 + ["west"] * 3}), by="region")
    ax = sat_plots.plot_group_scores(t, overall=50.0)
    assert [x.get_text() for x in ax.get_yticklabels()] == ["west (3)", "east (50)"]
    assert ax.get_title().startswith("NPS by region") and ax.get_xlabel() == "NPS"
    lo, hi = ax.get_xlim()
    assert lo > t.loc["east", "nps_low"] - 10 and hi < t.loc["east", "nps_high"] + 10  # tiny west does not widen it


def test_driver_and_referral_charts():
    e = pd.DataFrame({"driver": ["slow_ticket", "category"], "level": [None, "toys"], "reference": [None, "food"],
                      "effect": [-1.8, 0.2], "ci_low": [-2.6, -0.1], "ci_high": [-1.0, 0.5],
                      "significant": [True, False]}, index=["slow_ticket", "category=toys"])
    ax = sat_plots.plot_driver_effects(e, names={"slow_ticket": "slow ticket"})
    assert [x.get_text() for x in ax.get_yticklabels()] == ["product category: toys (vs food)", "slow ticket"]
    assert "0-10" in ax.get_xlabel()
    ref = pd.DataFrame({"respondents": [10, 8, 2], "per_100_customer_years": [20.0, 8.0, 2.0],
                        "ci_low": [15.0, 5.0, 0.5], "ci_high": [25.0, 11.0, 6.0]},
                       index=pd.Index(["promoter", "passive", "detractor"], name="nps_group"))
    ax = sat_plots.plot_referral_rates(ref)
    assert [p.get_height() for p in ax.patches] == [20.0, 8.0, 2.0]
