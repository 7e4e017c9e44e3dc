"""The bottleneck against the best comparable group: costs from their formulas, on a made-up team."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.funnel import bottleneck_table, deal_history, find_bottleneck, stage_gaps


def _team():
    """Two owners, 40 deals each, every deal past the lead stage, none open.

    A: 2 days in lead, 3 in proposal, 36 of 40 won at proposal.
    B: 10 days in lead, 3 in proposal, 16 of 40 won at proposal. Every deal is worth 100.
    """
    rows, hist = [], []
    start = pd.Timestamp("2025-01-01")
    for owner, lead_days, wins in (("A", 2, 36), ("B", 10, 16)):
        for i in range(40):
            oid = f"{owner}{i:02d}"
            created = start + pd.Timedelta(days=i)
            proposal = created + pd.Timedelta(days=lead_days)
            closed = proposal + pd.Timedelta(days=3)
            rows.append((oid, owner, created, 100.0, closed, "won" if i < wins else "lost"))
            hist += [(oid, "lead", created), (oid, "proposal", proposal), (oid, "closed", closed)]
    ops = pd.DataFrame(rows, columns=["opportunity_id", "owner", "created_at", "amount", "closed_at", "outcome"])
    st = pd.DataFrame(hist, columns=["opportunity_id", "stage", "entered_at"])
    return deal_history(ops, opportunity_stages=st, as_of="2025-06-30").since(365)


def test_stage_gaps_follow_their_formulas():
    g = stage_gaps(_team(), by="owner", min_group_deals=20).set_index(["deal_stage", "group"])
    a, b = g.loc[("proposal", "A")], g.loc[("proposal", "B")]
    assert a["conversion"] == pytest.approx(0.9) and b["conversion"] == pytest.approx(0.4)
    assert a["best_group"] == "A" and a["best_conversion"] == pytest.approx(a["conversion_shrunk"])
    # luck removed: B is pulled up, A down, but A stays clearly better
    assert 0.4 < b["conversion_shrunk"] < a["conversion_shrunk"] < 0.9
    assert b["prob_below_best"] > 0.99
    # proposal is the last stage: getting past it is winning
    assert b["win_rate_after"] == 1.0 and b["mean_won_amount"] == 100.0
    gap = a["conversion_shrunk"] - b["conversion_shrunk"]
    assert b["extra_won_deals"] == pytest.approx(40 * gap)
    assert b["conversion_cost"] == pytest.approx(40 * gap * 100.0)
    assert a["conversion_cost"] == 0.0
    # the lead stage: everybody gets past it, so nobody costs anything there
    assert g.loc[("lead", "B"), "conversion_cost"] == pytest.approx(0.0, abs=1e-6)
    assert g.loc[("lead", "B"), "win_rate_after"] == pytest.approx(0.4)  # B's win rate from proposal
    # B is 8 days slower in lead: 8 days of the 1,600 won through it, in a window of 365 days
    assert g.loc[("lead", "B"), "extra_days"] == 8 and g.loc[("lead", "A"), "extra_days"] == 0
    assert g.loc[("lead", "B"), "won_through"] == 1600.0
    assert g.loc[("lead", "B"), "duration_cost"] == pytest.approx(1600.0 * 8 / 365)


def test_bottleneck_is_the_costliest_stage():
    table = bottleneck_table(_team(), min_group_deals=20)
    assert set(table["dimension"]) == {"owner"}  # every deal is worth 100: one size band, not a grouping
    b = find_bottleneck(table)
    assert (b["deal_stage"], b["kind"], b["dimension"], b["best_group"], b["main_group"]) == (
        "proposal", "conversion", "owner", "A", "B")
    assert b["cost"] == pytest.approx(table.iloc[0]["cost"]) and b["cost"] > 1000
    row = table[(table["dimension"] == "owner") & (table["deal_stage"] == "lead") & (table["kind"] == "duration")]
    assert row["best_value"].iloc[0] == 2 and row["typical_value"].iloc[0] == 10


def test_small_groups_are_not_compared():
    g = stage_gaps(_team(), by="owner", min_group_deals=41)
    assert not g["compared"].any() and (g["conversion_cost"] == 0).all() and (g["duration_cost"] == 0).all()
    assert find_bottleneck(bottleneck_table(_team(), dims=["owner"], min_group_deals=41)) is None


def test_equal_groups_cost_nothing():
    h = _team()
    same = h.deals.assign(owner=np.where(np.arange(len(h.deals)) % 2 == 0, "X", "Y"))
    from dataclasses import replace

    g = stage_gaps(replace(h, deals=same), by="owner", min_group_deals=20)
    # X and Y each hold every other deal of A and of B: their conversions differ by chance only
    assert g["conversion_cost"].max() < 0.05 * 40 * 100
