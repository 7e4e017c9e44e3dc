"""Deals and stage spells as of a reference date, checked by hand on tiny histories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.funnel import deal_history, normalise_outcomes, pipeline_stages
from crmkit.errors import DataValidationError

T = pd.Timestamp


def _ops(rows):
    cols = ["opportunity_id", "owner", "created_at", "amount", "closed_at", "outcome"]
    df = pd.DataFrame(rows, columns=cols)
    df["created_at"] = pd.to_datetime(df["created_at"])
    df["closed_at"] = pd.to_datetime(df["closed_at"])
    df["customer_id"] = "c" + df["opportunity_id"]
    return df


def _hist(rows):
    df = pd.DataFrame(rows, columns=["opportunity_id", "stage", "entered_at"])
    df["entered_at"] = pd.to_datetime(df["entered_at"])
    return df


@pytest.fixture
def messy():
    """Five deals, as-of 2025-03-31.

    a: lead 01-01, qualified 01-05, proposal 01-10, won 01-20
    b: lead 01-02, proposal 01-04 (skips qualified), lost 01-09
    c: lead 01-03, qualified 01-06, back to lead 01-08 (ignored), still open
    d: lead 03-01, closed won on 04-15: after the reference date, so open on 03-31 in proposal
       (proposal entered 03-20; negotiation 04-10 is after the reference date)
    e: created 04-02: not yet created on 03-31
    """
    ops = _ops([
        ("a", "Ann", "2025-01-01", 100.0, "2025-01-20", "won"),
        ("b", "Bo", "2025-01-02", 50.0, "2025-01-09", "lost"),
        ("c", "Ann", "2025-01-03", 70.0, None, "open"),
        ("d", "Bo", "2025-03-01", 30.0, "2025-04-15", "won"),
        ("e", "Ann", "2025-04-02", 10.0, None, "open"),
    ])
    hist = _hist([
        ("a", "lead", "2025-01-01"), ("a", "qualified", "2025-01-05"), ("a", "proposal", "2025-01-10"),
        ("a", "closed", "2025-01-20"),
        ("b", "lead", "2025-01-02"), ("b", "proposal", "2025-01-04"), ("b", "closed", "2025-01-09"),
        ("c", "lead", "2025-01-03"), ("c", "qualified", "2025-01-06"), ("c", "lead", "2025-01-08"),
        ("d", "lead", "2025-03-01"), ("d", "proposal", "2025-03-20"), ("d", "negotiation", "2025-04-10"),
        ("d", "closed", "2025-04-15"),
        ("e", "lead", "2025-04-02"),
    ])
    return ops, hist


def test_deals_as_known_on_the_reference_date(messy):
    ops, hist = messy
    h = deal_history(ops, opportunity_stages=hist, as_of="2025-03-31",
                     stages=["lead", "qualified", "proposal", "negotiation"])
    d = h.deals.set_index("opportunity_id")
    assert list(d.index) == ["a", "b", "c", "d"]  # e was created after the reference date
    assert d["outcome"].tolist() == ["won", "lost", "open", "open"]  # d closes after it
    assert d.loc["d", "closed_at"] is pd.NaT or pd.isna(d.loc["d", "closed_at"])
    assert d["deal_stage"].astype(str).tolist() == ["proposal", "proposal", "qualified", "proposal"]
    assert d["furthest_index"].tolist() == [4, 2, 1, 2]  # won: beyond the last stage
    # open deals: days in the current stage up to the end of 31 March
    assert d.loc["c", "days_in_stage"] == pytest.approx((T("2025-04-01") - T("2025-01-06")).days)
    assert d.loc["d", "days_in_stage"] == pytest.approx(12.0)  # 20 March to the end of 31 March
    assert np.isnan(d.loc["a", "days_in_stage"])
    assert d.loc["a", "age_days"] == 19 and d.loc["b", "age_days"] == 7
    assert d.loc["d", "age_days"] == 31  # 1 March to the end of 31 March
    assert h.notes == ["1 stage change(s) back to an earlier or the same stage ignored: a deal stays "
                       "at the furthest stage it reached"]


def test_spells_skips_and_regressions(messy):
    ops, hist = messy
    h = deal_history(ops, opportunity_stages=hist, as_of="2025-03-31",
                     stages=["lead", "qualified", "proposal", "negotiation"])
    s = h.spells
    got = list(zip(s["opportunity_id"], s["deal_stage"].astype(str), s["days"], s["exit"].astype(str)))
    assert got == [
        ("a", "lead", 4.0, "advanced"), ("a", "qualified", 5.0, "advanced"), ("a", "proposal", 10.0, "won"),
        ("b", "lead", 2.0, "advanced"), ("b", "proposal", 5.0, "lost"),  # no qualified spell: skipped
        ("c", "lead", 3.0, "advanced"), ("c", "qualified", 85.0, "open"),  # the move back to lead is ignored
        ("d", "lead", 19.0, "advanced"), ("d", "proposal", 12.0, "open"),  # negotiation comes later
    ]
    assert s.loc[s["exit"] == "open", "left_at"].isna().all()


def test_nothing_after_the_reference_date_matters(messy):
    """Metamorphic: rewriting everything dated after the reference date changes nothing."""
    ops, hist = messy
    base = deal_history(ops, opportunity_stages=hist, as_of="2025-03-31")
    ops2 = ops.copy()
    later = ops2["closed_at"] > T("2025-03-31 23:59:59")
    ops2.loc[later, "closed_at"] = T("2025-09-09")
    ops2.loc[later, "outcome"] = "lost"
    ops2.loc[ops2["created_at"] > T("2025-04-01"), "amount"] = 1e9
    hist2 = pd.concat([hist[hist["entered_at"] < T("2025-04-01")],
                       _hist([("d", "qualified", "2025-05-01"), ("c", "proposal", "2025-06-01"),
                              ("c", "closed", "2025-07-01")])], ignore_index=True)
    ops2.loc[ops2["opportunity_id"] == "c", ["closed_at", "outcome"]] = [T("2025-07-01"), "won"]
    again = deal_history(ops2, opportunity_stages=hist2, as_of="2025-03-31")
    pd.testing.assert_frame_equal(base.deals, again.deals)
    pd.testing.assert_frame_equal(base.spells, again.spells)


def test_pipeline_stages_inferred_from_the_usual_entry_position(messy):
    _, hist = messy
    assert pipeline_stages(hist) == ["lead", "qualified", "proposal", "negotiation"]
    chinese = hist.assign(stage=hist["stage"].map({"lead": "线索", "qualified": "确认需求", "proposal": "方案报价",
                                                  "negotiation": "商务谈判", "closed": "赢单"}))
    assert pipeline_stages(chinese) == ["线索", "确认需求", "方案报价", "商务谈判"]
    assert pipeline_stages(hist, stages=["x", "y"]) == ["x", "y"]


def test_outcome_words_and_fallbacks():
    ops = _ops([
        ("a", "Ann", "2025-01-01", 1.0, "2025-01-05", "Closed Won"),
        ("b", "Ann", "2025-01-01", 1.0, "2025-01-05", "输单"),
        ("c", "Ann", "2025-01-01", 1.0, None, None),
        ("d", "Ann", "2025-01-01", 1.0, "2025-01-05", None),  # from the last stage label
    ])
    last = pd.Series({"a": "closed", "b": "closed", "c": "lead", "d": "Closed Lost"})
    assert normalise_outcomes(ops, last_stage=last).tolist() == ["won", "lost", "open", "lost"]


def test_bad_outcomes_are_named():
    ops = _ops([("a", "Ann", "2025-01-01", 1.0, None, "maybe"),
                ("b", "Ann", "2025-01-01", 1.0, "2025-01-05", None)])
    with pytest.raises(DataValidationError) as e:
        normalise_outcomes(ops)
    text = str(e.value)
    assert "1 outcome value(s) not understood" in text and "a: 'maybe'" in text and "won, lost or open" in text
    assert "1 closed deal(s) without an outcome" in text and "    b" in text


def test_unknown_stage_label_with_given_stages(messy):
    ops, hist = messy
    with pytest.raises(DataValidationError, match="not in the pipeline") as e:
        deal_history(ops, opportunity_stages=hist, as_of="2025-04-30", stages=["lead", "qualified", "proposal"])
    assert "negotiation" in str(e.value)


def test_repairs_are_noted_not_silent():
    ops = _ops([
        ("a", "Ann", "2025-01-10", 5.0, "2025-01-05", "lost"),  # closed before it was created
        ("b", "Ann", "2025-01-01", 5.0, None, "won"),  # no close date: closed at the last stage entry
        ("c", "Ann", "2025-01-01", 5.0, None, "open"),  # no history at all
    ])
    ops["stage"] = ["lead", "lead", "qualified"]
    hist = _hist([("a", "lead", "2025-01-10"), ("b", "lead", "2025-01-01"), ("b", "closed won", "2025-01-04")])
    h = deal_history(ops, opportunity_stages=hist, as_of="2025-01-31", stages=["lead", "qualified"])
    d = h.deals.set_index("opportunity_id")
    assert d.loc["a", "age_days"] == 0 and d.loc["a", "outcome"] == "lost"
    assert d.loc["b", "closed_at"] == T("2025-01-04") and d.loc["b", "age_days"] == 3
    assert d.loc["c", "deal_stage"] == "qualified" and d.loc["c", "stage_entered_at"] == T("2025-01-01")
    assert len(h.deals) == 3
    joined = " ".join(h.notes)
    assert "1 closed deal(s) without a close date" in joined
    assert "1 deal(s) closed before they were created (e.g. a)" in joined
    assert "1 deal(s) without a stage history" in joined


def test_groups_from_customers_and_size_bands(messy):
    ops, hist = messy
    customers = pd.DataFrame({"customer_id": ["ca", "cb", "cc", "cd"],
                              "acquisition_channel": ["search", "social", "search", None],
                              "crm_segment": ["business"] * 4})
    h = deal_history(ops, opportunity_stages=hist, as_of="2025-03-31", customers=customers, size_bands=2,
                     currency="¥")
    d = h.deals.set_index("opportunity_id")
    assert d["acquisition_channel"].tolist() == ["search", "social", "search", "unknown"]
    assert d["cohort"].tolist() == ["2025-01", "2025-01", "2025-01", "2025-03"]
    # two bands split at the median amount of (100, 50, 70, 30) = 60
    assert d["deal_size"].tolist() == ["¥60 and more", "under ¥60", "¥60 and more", "under ¥60"]
    assert h.groups == ["owner", "acquisition_channel", "deal_size", "cohort"]  # one segment: not a group
    assert len(h.since(45).deals) == 1 and h.since(45).window_days == 45
