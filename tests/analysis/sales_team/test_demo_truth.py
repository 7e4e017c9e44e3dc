"""The demo's planted win rates per salesperson are recovered, with honest intervals."""

from __future__ import annotations

import pytest

from crmkit.analysis import funnel, sales_team
from crmkit.data.synthetic import make_demo
from crmkit.periods import parse_period


@pytest.fixture(scope="module")
def demo():
    return make_demo(defects=False, include=("customers", "opportunities", "opportunity_stages", "targets"))


@pytest.fixture(scope="module")
def card(demo):
    h = funnel.deal_history(demo.opportunities, opportunity_stages=demo.opportunity_stages, as_of="2025-12-30",
                            customers=demo.customers)
    return sales_team.owner_scorecard(h, period=parse_period("2025-Q4"), targets=demo.targets,
                                      scored=funnel.score_open_deals(h), lookback_days=None)


def test_planted_win_rates_are_recovered(demo, card):
    check = sales_team.planted_win_rate_check(card, demo.truth)
    assert len(check) == 8
    # 95% intervals: at most one miss in eight
    assert check["inside_interval"].sum() >= 7, check
    assert check["planted"].corr(check["win_rate_shrunk"], method="spearman") >= 0.9
    # the luck-removed rates are closer to the plant than the raw ones, on average
    err_raw = ((check["win_rate"] - check["planted"]) ** 2).mean()
    err_shrunk = ((check["win_rate_shrunk"] - check["planted"]) ** 2).mean()
    assert err_shrunk < err_raw


def test_only_real_differences_are_called(demo, card):
    planted = demo.truth["win_rates"]
    above = card.index[card["verdict"] == "above the team"]
    below = card.index[card["verdict"] == "below the team"]
    team = card.attrs["team_rate"]
    assert len(above) >= 1 and len(below) >= 1
    assert all(planted[o] > team for o in above) and all(planted[o] < team for o in below)
    assert "Song Lu" in above and "Deng Kai" in below


def test_targets_are_read_for_every_owner(card):
    assert card["target"].notna().all() and (card["target_completion"] > 0).all()
    assert (card["coverage_target"] > 0).all()  # 2026-Q1 targets exist: the pipeline is measured against them
