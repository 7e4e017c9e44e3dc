"""Attribution: journeys from events, the rule-based models and the Markov removal effect, traced by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from crmkit.analysis.channels import (
    Journeys,
    MarkovAttribution,
    attribution_table,
    journeys,
    rule_based_attribution,
)
from crmkit.errors import CrmkitError

# Three journeys, traced by hand below:
#   P1: search -> social -> email -> purchase
#   P2: social -> purchase
#   P3: search -> no purchase
THREE = Journeys.from_paths([["search", "social", "email"], ["social"], ["search"]], [True, True, False])


def test_rule_based_models_on_three_paths():
    r = rule_based_attribution(THREE)
    # first touch: P1 -> search, P2 -> social; last touch: P1 -> email, P2 -> social
    assert r["first_touch"].to_dict() == {"email": 0.0, "search": 1.0, "social": 1.0}
    assert r["last_touch"].to_dict() == {"email": 1.0, "search": 0.0, "social": 1.0}
    # linear: P1 gives 1/3 to each of its sessions, P2 all to social
    assert r["linear"].to_dict() == pytest.approx({"email": 1 / 3, "search": 1 / 3, "social": 4 / 3})
    # position-based 40/20/40: P1 -> search 0.4, social 0.2, email 0.4; P2 -> social 1
    assert r["position_based"].to_dict() == pytest.approx({"email": 0.4, "search": 0.4, "social": 1.2})
    assert r.sum().tolist() == pytest.approx([2.0] * 4)  # every model shares exactly the 2 conversions


def test_position_based_with_two_sessions_and_other_weights():
    j = Journeys.from_paths([["a", "b"], ["a", "b", "c", "d"]], [True, True])
    r = rule_based_attribution(j, first_weight=0.3, last_weight=0.5)
    # two sessions: split 0.3 : 0.5 -> 0.375 / 0.625; four: 0.3, 0.1, 0.1, 0.5
    assert r["position_based"].to_dict() == pytest.approx({"a": 0.675, "b": 0.725, "c": 0.1, "d": 0.5})


def test_markov_removal_effects_on_three_paths():
    m = MarkovAttribution().fit(THREE)
    # transitions: start->search 2/3, start->social 1/3; search->social 1/2, search->null 1/2;
    # social->email 1/2, social->purchase 1/2; email->purchase 1.
    p = m.transition_matrix_
    assert p.loc["start", "search"] == pytest.approx(2 / 3) and p.loc["search", "no purchase"] == 0.5
    assert p.loc["social", "purchase"] == 0.5 and p.loc["email", "purchase"] == 1.0
    # P(purchase | start): h_email = 1, h_social = 1, h_search = 1/2, h_start = 2/3 * 1/2 + 1/3 = 2/3
    assert m.conversion_rate_ == pytest.approx(2 / 3)
    # without search: 1/3 (effect 1/2); without social: 0 (effect 1); without email: h_social = 1/2,
    # h_search = 1/4, h_start = 2/3 * 1/4 + 1/3 * 1/2 = 1/3 (effect 1/2)
    assert m.removal_effects_.to_dict() == pytest.approx({"email": 0.5, "search": 0.5, "social": 1.0})
    # the 2 conversions shared in proportion to 0.5 : 0.5 : 1
    assert m.attribute().to_dict() == pytest.approx({"email": 0.5, "search": 0.5, "social": 1.0})
    assert m.n_paths_ == 3 and m.n_conversions_ == 2
    assert m.transition_counts_.to_numpy().sum() == 3 + 5  # 3 entries, 5 moves between and out of sessions


def test_markov_before_fit_and_without_conversions():
    with pytest.raises(NotFittedError):
        MarkovAttribution().attribute()
    m = MarkovAttribution().fit(Journeys.from_paths([["a"], ["b", "a"]], [False, False]))
    assert m.conversion_rate_ == 0.0 and m.credits_.isna().all()


def test_attribution_table_puts_the_models_side_by_side():
    t = attribution_table(THREE)
    assert list(t.columns) == ["sessions", "first_touch", "last_touch", "linear", "position_based", "markov",
                               "removal_effect"]
    assert t.index[0] == "social" and t.loc["social", "sessions"] == 2 and t.loc["search", "sessions"] == 1


# --------------------------------------------------------------------------- journeys from events
def _events(rows):
    return pd.DataFrame(rows, columns=["customer_id", "timestamp", "session_id", "channel"]).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"]), event_type="view")


@pytest.fixture
def data():
    events = _events([
        # a: two sessions before the first purchase (S1 starts in search, then a social click), one after
        ("a", "2025-06-01 10:00", "S1", "search"), ("a", "2025-06-01 10:05", "S1", "social"),
        ("a", "2025-06-10 09:00", "S2", "email"), ("a", "2025-06-10 09:30", "S2", "email"),
        ("a", "2025-06-12 08:00", "S3", "social"),
        # a's session 40 days before is outside the 30-day lookback
        ("a", "2025-05-01 08:00", "S0", "direct"),
        # b: bought in 2024 (before the window): left out
        ("b", "2025-06-05 12:00", "S4", "search"),
        # c: never bought: a non-converting journey of its sessions in the window
        ("c", "2025-03-01 12:00", "S5", "social"), ("c", "2025-04-01 12:00", "S6", "direct"),
        # e: order without a time of day: the session later that day counts
        ("e", "2025-07-01 15:00", "S7", "search"),
    ])
    orders = pd.DataFrame({
        "order_id": ["1", "2", "3", "4", "5"],
        "customer_id": ["a", "b", "b", "d", "e"],
        "order_date": pd.to_datetime(["2025-06-10 09:40", "2024-02-01", "2025-06-05 12:30", "2025-06-20",
                                      "2025-07-01"], format="ISO8601"),
        "revenue": [50.0, 20.0, 30.0, 40.0, 10.0],
    })
    return events, orders


def test_journeys_from_events(data):
    events, orders = data
    j = journeys(events, orders=orders, as_of="2025-12-31", window_days=365, lookback_days=30)
    paths = {cid: [j.channels[c] for c in j.channel[j.path == i]] for i, cid in enumerate(j.customer_id)}
    assert paths == {"a": ["search", "email"], "c": ["social", "direct"], "e": ["search"]}
    assert dict(zip(j.customer_id, j.converted, strict=True)) == {"a": True, "c": False, "e": True}
    assert j.without_touch == 1  # d bought (in a store?) with no session before


def test_journeys_without_session_ids_group_a_day_on_one_channel(data):
    events, orders = data
    j = journeys(events.drop(columns="session_id"), orders=orders, as_of="2025-12-31")
    a = [j.channels[c] for c in j.channel[j.path == list(j.customer_id).index("a")]]
    assert a == ["search", "social", "email"]  # 1 June: one session per channel; 10 June: email


def test_journeys_ignore_what_happens_after_as_of(data):
    events, orders = data
    base = journeys(events, orders=orders, as_of="2025-06-30")
    later = pd.concat([events, _events([("c", "2025-08-01", "S9", "email")])], ignore_index=True)
    more_orders = pd.concat([orders, pd.DataFrame({"order_id": ["9"], "customer_id": ["c"],
                                                   "order_date": [pd.Timestamp("2025-08-01 10:00")],
                                                   "revenue": [5.0]})], ignore_index=True)
    again = journeys(later, orders=more_orders, as_of="2025-06-30")
    for field in ("path", "channel", "converted"):
        np.testing.assert_array_equal(getattr(base, field), getattr(again, field))
    assert base.channels == again.channels and "e" not in set(base.customer_id)


def test_journeys_need_a_channel_column(data):
    events, orders = data
    with pytest.raises(CrmkitError, match="channel"):
        journeys(events.drop(columns="channel"), orders=orders, as_of="2025-12-31")
