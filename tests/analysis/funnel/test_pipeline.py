"""Open pipeline weighted by stage and age, targets and coverage: hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.funnel import (
    coverage_period,
    deal_history,
    period_targets,
    pipeline_by_stage,
    pipeline_coverage,
    read_targets,
    score_open_deals,
    stage_to_win,
    target_progress,
    win_chance_curves,
)
from crmkit.errors import DataValidationError
from crmkit.periods import parse_period

STAGES = ["lead", "proposal"]
AS_OF = pd.Timestamp("2025-06-30")
END = AS_OF + pd.Timedelta(days=1)


def _frames(rows):
    ops, hist = [], []
    for oid, owner, created, stages, closed, outcome in rows:
        ops.append((oid, owner, created, 100.0, closed, outcome))
        hist += [(oid, s, t) for s, t in stages]
        if closed is not None:
            hist.append((oid, "closed", closed))
    return (pd.DataFrame(ops, columns=["opportunity_id", "owner", "created_at", "amount", "closed_at", "outcome"]),
            pd.DataFrame(hist, columns=["opportunity_id", "stage", "entered_at"]))


@pytest.fixture
def past():
    """Twenty closed deals: ten fast leads (2 days; then 5 days in proposal, 6 won), ten slow
    leads (20 days, lost)."""
    day = pd.Timestamp("2025-01-01")
    rows = []
    for i in range(10):
        c = day + pd.Timedelta(days=i)
        p = c + pd.Timedelta(days=2)
        rows.append((f"f{i}", "Ann", c, [("lead", c), ("proposal", p)], p + pd.Timedelta(days=5),
                     "won" if i < 6 else "lost"))
        rows.append((f"s{i}", "Bo", c, [("lead", c)], c + pd.Timedelta(days=20), "lost"))
    ops, hist = _frames(rows)
    return deal_history(ops, opportunity_stages=hist, as_of=AS_OF, stages=STAGES)


@pytest.fixture
def open_now():
    """Four open deals: three in lead for 1, 15 and 25 days, one in proposal for 1 day."""
    rows = []
    for oid, owner, days, stage in (("x1", "Ann", 1, "lead"), ("x2", "Bo", 15, "lead"),
                                    ("x3", "Bo", 25, "lead"), ("x4", "Ann", 1, "proposal")):
        entered = END - pd.Timedelta(days=days)
        created = entered - pd.Timedelta(days=3 if stage == "proposal" else 0)
        stages = [("lead", created)] + ([("proposal", entered)] if stage == "proposal" else [])
        rows.append((oid, owner, created, stages, None, "open"))
    ops, hist = _frames(rows)
    return deal_history(ops, opportunity_stages=hist, as_of=AS_OF, stages=STAGES)


def test_stage_to_win_of_the_past(past):
    s = stage_to_win(past).set_index("deal_stage")["win_rate"]
    assert s["lead"] == pytest.approx(6 / 20) and s["proposal"] == pytest.approx(6 / 10)


def test_old_deals_get_lower_win_chances(past, open_now):
    scored = score_open_deals(open_now, past=past).set_index("opportunity_id")
    np.testing.assert_allclose(scored.loc[["x1", "x2", "x3", "x4"], "days_in_stage"], [1, 15, 25, 1])
    # by stage only: 30% in lead, 60% in proposal
    np.testing.assert_allclose(scored.loc[["x1", "x2", "x3", "x4"], "stage_win_chance"], [0.3, 0.3, 0.3, 0.6])
    # by age: after 1 day in lead half the past deals got past it (then 60% won); every past deal still
    # in lead after 15 days was lost; 25 days is beyond the last age with 10 deals at risk (20 days)
    np.testing.assert_allclose(scored.loc[["x1", "x2", "x3", "x4"], "win_chance"], [0.3, 0.0, 0.0, 0.6])
    np.testing.assert_allclose(scored.loc[["x1", "x2", "x3", "x4"], "weighted_amount"], [30, 0, 0, 60])
    # 90% of past deals left lead within 20 days: only x3 has stalled
    assert scored["stalled"].to_dict() == {"x4": False, "x1": False, "x2": False, "x3": True}
    assert scored.loc["x1", "usual_days"] == 2  # median time in lead
    assert scored.index[0] == "x4"  # largest weighted value first


def test_pipeline_by_stage_sums(past, open_now):
    t = pipeline_by_stage(score_open_deals(open_now, past=past)).set_index("deal_stage")
    assert t.loc["lead"].tolist() == [3, 1, 300.0, 90.0, 30.0]
    assert t.loc["proposal"].tolist() == [1, 0, 100.0, 60.0, 60.0]
    assert t.loc["total"].tolist() == [4, 1, 400.0, 150.0, 90.0]


def test_win_chance_curves(past):
    c = win_chance_curves(past, grid_days=[0, 5, 20, 30])
    lead = c[c["deal_stage"] == "lead"].set_index("days_in_stage")
    # 30 days: no past deal lasted that long in lead (fewer than min_at_risk): left out
    assert list(lead.index) == [0, 5, 20]
    np.testing.assert_allclose(lead["win_chance"], [0.3, 0.0, 0.0])
    assert lead["at_risk"].tolist() == [20, 10, 10]


@pytest.fixture
def targets():
    return pd.DataFrame({
        "period": ["2025-Q2", "2025-Q2", "2025-04", "2025-Q3", "2025-Q2"],
        "owner": ["Ann", "Bo", "Cy", "Ann", None],
        "channel": [None, None, None, None, "search"],
        "target_amount": [900.0, 600.0, 100.0, 1000.0, 50.0],
    })


def test_period_targets_prorate_by_days(targets):
    q2 = parse_period("2025-Q2")
    assert period_targets(targets, period=q2).to_dict() == {"Ann": 900.0, "Bo": 600.0, "Cy": 100.0}
    may = parse_period("2025-05")
    got = period_targets(targets, period=may)  # 31 of the 91 days of Q2; April's target not at all
    assert got.to_dict() == pytest.approx({"Ann": 900 * 31 / 91, "Bo": 600 * 31 / 91})
    assert period_targets(targets, period=q2, by="channel").to_dict() == {"search": 50.0}
    assert period_targets(targets, period=q2, by=None) == 1600.0  # no team row: the owners' sum
    team = pd.concat([targets, pd.DataFrame({"period": ["2025"], "owner": [None], "channel": [None],
                                             "target_amount": [3650.0]})], ignore_index=True)
    assert period_targets(team, period=q2, by=None) == pytest.approx(3650.0 * 91 / 365)
    assert np.isnan(period_targets(targets, period=parse_period("2024"), by=None))


def test_bad_targets_are_named(targets):
    bad = targets.copy()
    bad.loc[1, "period"] = "Q2 2025"
    bad.loc[2, "target_amount"] = -5.0
    bad = pd.concat([bad, bad.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError) as e:
        read_targets(bad)
    text = str(e.value)
    assert "1 period(s) could not be read" in text and "table row 2: 'Q2 2025'" in text
    assert "1 negative target(s)" in text and "table row 3: -5.0" in text
    assert "2 rows set a target twice" in text and "table row 1: 2025-Q2 Ann" in text


def test_target_progress_and_coverage(past, open_now, targets):
    history = past  # as of 2025-06-30: Ann won 6 deals of 100 in January
    q1 = parse_period("2025-Q1")
    p = target_progress(history, targets.assign(period=targets["period"].replace({"2025-Q2": "2025-Q1"})),
                        period=q1).set_index("owner")
    assert p.loc["Ann", "won_revenue"] == 600.0 and p.loc["Ann", "won_deals"] == 6
    assert p.loc["Ann", "target"] == 900.0 and p.loc["Ann", "target_completion"] == pytest.approx(600 / 900)
    assert p.loc["Ann", "target_gap"] == 300.0
    assert p.loc["Bo", "won_revenue"] == 0.0 and p.loc["Bo", "target_completion"] == 0.0
    assert (p["period_elapsed"] == 1.0).all()
    team = target_progress(history, None, period=q1, by=None).iloc[0]
    assert team["won_revenue"] == 600.0 and np.isnan(team["target"])
    q2 = parse_period("2025-Q2")
    assert coverage_period(q2, targets).label == "2025-Q3"  # the next quarter has a target
    assert coverage_period(parse_period("2025-Q3"), targets).label == "2025-Q3"  # Q4 has none
    scored = score_open_deals(open_now, past=past)
    cov = pipeline_coverage(scored, targets, period=q2).set_index("owner")
    assert cov.loc["Ann", "open_value"] == 200.0 and cov.loc["Ann", "coverage_target"] == 1000.0
    assert cov.loc["Ann", "pipeline_coverage"] == pytest.approx(0.2)
    assert cov.loc["Ann", "expected_share"] == pytest.approx(90 / 1000)
    assert np.isnan(cov.loc["Bo", "coverage_target"]) and cov.loc["Bo", "open_deals"] == 2
