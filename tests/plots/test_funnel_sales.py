"""Charts of the funnel and sales-team pages: what each one draws, on the demo's deals."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from crmkit.analysis import funnel, sales_team
from crmkit.data.synthetic import make_demo
from crmkit.periods import parse_period
from crmkit.plots import funnel as fplots
from crmkit.plots import sales_team as tplots


@pytest.fixture(scope="module")
def history():
    ds = make_demo(defects=False, include=("customers", "opportunities", "opportunity_stages"))
    return funnel.deal_history(ds.opportunities, opportunity_stages=ds.opportunity_stages, as_of="2025-12-30",
                               customers=ds.customers, currency="¥").since(365)


def test_funnel_chart(history):
    counts = funnel.funnel_counts(history)
    ax = fplots.plot_funnel(counts, conversion=funnel.stage_conversion(history))
    assert len(ax.patches) == 5  # four stages and won
    widths = [p.get_width() for p in ax.patches]
    assert widths == counts["deals"].tolist()
    texts = [t.get_text() for t in ax.texts]
    assert "815  (100%)" in texts and sum(t.endswith("get past") for t in texts) == 3 + 1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["lead", "qualified", "proposal", "negotiation", "won"]
    assert "Deals reaching each stage" in ax.get_title()


def test_stage_time_and_pipeline_charts(history):
    conv = funnel.stage_conversion(history)
    ax = fplots.plot_stage_times(conv)
    assert [p.get_width() for p in ax.patches] == pytest.approx(conv["median_days"].tolist())
    assert ax.get_xlabel().startswith("days in the stage")
    scored = funnel.score_open_deals(history)
    ax = fplots.plot_pipeline(funnel.pipeline_by_stage(scored), currency="¥")
    assert len(ax.patches) == 3 * 4 and ax.get_title() == "Open pipeline by stage: listed and likely to be won"
    ax = fplots.plot_win_chance(funnel.win_chance_curves(history))
    assert len(ax.lines) == 4 and ax.get_ylim() == (0, 1)


def test_heatmap_and_bottleneck_and_cohorts(history):
    by_owner = funnel.stage_conversion(history, by="owner")
    ax = fplots.plot_conversion_heatmap(by_owner, by="owner", group_label="salesperson")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["lead", "qualified", "proposal", "negotiation"]
    assert len(ax.get_yticklabels()) == 8 and ax.get_ylabel() == "salesperson"
    table = funnel.bottleneck_table(history)
    ax = fplots.plot_bottleneck(table, currency="¥", group_label="salespeople")
    assert ax.get_title() == "Where the funnel costs most, compared across salespeople"
    red = [p.get_width() for p in ax.patches[:4]]
    assert int(np.argmax(red)) == 2  # the proposal bar is the longest
    ax = fplots.plot_cohorts(funnel.cohort_table(history))
    assert len(ax.lines) == 1 and ax.get_xlabel() == "month the deal was opened"
    plt.close("all")


def test_sales_team_charts(history):
    card = sales_team.owner_scorecard(history, period=parse_period("2025-Q4"))
    ax = tplots.plot_win_rates(card)
    assert ax.lines[0].get_xdata()[0] == pytest.approx(card.attrs["team_rate"])  # the team line
    assert [t.get_text().split("  ")[0] for t in ax.get_yticklabels()] == card.index.tolist()
    m = sales_team.win_rate_matrix(card)
    ax = tplots.plot_win_rate_matrix(m)
    assert "truly wins more often" in ax.get_title()
    ax = tplots.plot_target_completion(card)
    assert ax.texts[0].get_text() == "no targets for this period"
    withtargets = card.assign(target=1e6, target_completion=card["won_revenue"] / 1e6)
    ax = tplots.plot_target_completion(withtargets, elapsed=0.5)
    assert len(ax.patches) == 8 and len(ax.lines) == 2  # the 100% line and the elapsed line
    won = sales_team.closed_in_window(history, days=365)
    ax = tplots.plot_deal_sizes(won[won["outcome"] == "won"], order=card.index, currency="¥")
    assert ax.get_xscale() == "log"
