"""Lifecycle stages, transitions and value tiers on hand-made customers, and against the demo's truth."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.analysis import lifecycle as L
from crmkit.errors import ParamsError
from crmkit.periods import parse_period

AS_OF = "2025-12-31"

# One customer per rule (default rules: new < 90 days, at risk >= 90, lapsed >= 180,
# reactivated < 90 days after a 180+ day gap, loyal = 3+ purchase days in 365 days).
PURCHASES = {
    "new": ["2025-11-15", "2025-11-20", "2025-12-01"],  # new beats loyal
    "active": ["2025-08-01", "2025-12-01"],  # 2 purchase days, 122-day gap
    "loyal": ["2025-03-01", "2025-06-01", "2025-08-01", "2025-10-15"],
    "sameday": ["2025-05-01", "2025-10-15", "2025-10-15 09:00", "2025-10-15 18:00"],  # 2 purchase days
    "react": ["2024-01-10", "2024-03-01", "2025-11-01"],  # back after 610 days, 60 days ago
    "old_back": ["2024-01-01", "2024-09-01", "2025-10-01", "2025-11-15"],  # comeback 91 days ago
    "risk": ["2025-05-01", "2025-06-01", "2025-08-01"],  # 152 days ago: at risk beats loyal
    "churn": ["2025-06-01"],
    "edge_churn": ["2025-07-04"],  # exactly 180 days
    "edge_risk": ["2025-07-05", "2026-01-02"],  # 179 days; the 2026 order is after as_of
}


@pytest.fixture
def crm():
    rows = [(c, d) for c, days in PURCHASES.items() for d in days]
    orders = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(len(rows))],
        "customer_id": [c for c, _ in rows],
        "order_date": pd.to_datetime([d for _, d in rows], format="ISO8601"),
        "revenue": 10.0, "status": "completed",
    })
    extra = pd.DataFrame({"order_id": ["x1", "x2"], "customer_id": ["cancelled_only", "churn"],
                          "order_date": pd.to_datetime(["2025-12-01", "2025-12-20"]),
                          "revenue": [50.0, 10.0], "status": ["cancelled", "returned"]})
    customers = pd.DataFrame({
        "customer_id": ["prospect", "future", "cancelled_only", "nodate", "new"],
        "signup_date": pd.to_datetime(["2025-06-01", "2026-01-05", "2025-11-01", None, "2025-11-01"]),
    })
    return pd.concat([orders, extra], ignore_index=True), customers


def test_lifecycle_stages_one_per_customer_by_precedence(crm):
    orders, customers = crm
    st = L.lifecycle_stages(orders, as_of=AS_OF, customers=customers)
    expected = {
        "active": "active", "cancelled_only": "prospect", "churn": "lapsed", "edge_churn": "lapsed",
        "edge_risk": "at_risk", "loyal": "loyal", "new": "new", "nodate": "prospect",
        "old_back": "active", "prospect": "prospect", "react": "reactivated", "risk": "at_risk",
        "sameday": "active",
    }
    assert st["stage"].astype(str).to_dict() == expected  # "future" signed up after as_of
    assert st.index.is_unique and st.index.is_monotonic_increasing
    assert list(st["stage"].cat.categories) == list(L.STAGES)
    r = st.loc["loyal"]
    assert (r["recency_days"], r["tenure_days"], r["purchase_days"], r["recent_purchase_days"]) == (77, 305, 4, 4)
    assert st.loc["sameday", "purchase_days"] == 2
    assert st.loc["react", "purchase_days"] == 3 and st.loc["react", "recent_purchase_days"] == 1
    assert st.loc["edge_risk", "last_purchase"] == pd.Timestamp("2025-07-05")
    assert pd.isna(st.loc["prospect", "recency_days"]) and st.loc["prospect", "purchase_days"] == 0


def test_lifecycle_stages_rules_are_data(crm):
    orders, customers = crm
    st = L.lifecycle_stages(orders, as_of=AS_OF, rules={"churn_days": 150, "loyal_min_purchases": 2})
    assert st.loc["risk", "stage"] == "lapsed"  # 152 days
    assert st.loc["active", "stage"] == "loyal"
    # a 167-day gap now counts as a churn-length break: back 77 days ago -> reactivated (precedence)
    assert st.loc["sameday", "stage"] == "reactivated"
    assert "prospect" not in st.index  # no customers table: buyers only
    with pytest.raises(ParamsError, match="churn_day: unknown key .did you mean 'churn_days'"):
        L.lifecycle_stages(orders, as_of=AS_OF, rules={"churn_day": 100})
    # tier rules may sit in the same params section
    L.lifecycle_stages(orders, as_of=AS_OF, rules={"tier_window_days": 180})


def test_lifecycle_stages_before_anyone_bought(crm):
    orders, customers = crm
    st = L.lifecycle_stages(orders, as_of="2023-12-31", customers=customers)
    assert st["stage"].astype(str).to_dict() == {"nodate": "prospect"}  # the only one signed up by then
    empty = L.lifecycle_stages(orders, as_of="2023-12-31")
    assert empty.empty and str(empty["recency_days"].dtype) == "Int64"
    t = L.stage_transitions(orders, period=parse_period("2024-01"), customers=customers)
    assert t[["from_stage", "to_stage", "customers"]].values.tolist() == [
        [L.NOT_YET, "new", 2], ["prospect", "prospect", 1]]  # "react" and "old_back" first bought in 2024-01


def test_stage_definitions_follow_the_rules():
    d = L.stage_definitions({"at_risk_days": 60})
    assert d["stage"].tolist() == list(L.STAGE_PRECEDENCE)
    assert d.set_index("stage").loc["at_risk", "definition"] == "no purchase for 60 to 180 days"


def test_stage_counts(crm):
    orders, customers = crm
    c = L.stage_counts(L.lifecycle_stages(orders, as_of=AS_OF, customers=customers)).set_index("stage")
    assert c["customers"].to_dict() == {"prospect": 3, "new": 1, "active": 3, "loyal": 1,
                                        "reactivated": 1, "at_risk": 2, "lapsed": 2}
    assert c["share"].sum() == pytest.approx(1.0)


def test_stage_transitions_hand_computed(crm):
    orders, customers = crm
    t = L.stage_transitions(orders, period=parse_period("2025-Q4"), customers=customers)
    pairs = {(f, to): n for f, to, n in t[["from_stage", "to_stage", "customers"]].itertuples(index=False)}
    # at 2025-09-30: "new" and "react" (back in Nov) unknown or churned; "loyal" was loyal (3 days,
    # last Aug 1 = 60 days ago); "risk" bought Aug 1 with 3 days -> loyal, now at risk
    assert pairs[(L.NOT_YET, "new")] == 1
    assert pairs[("lapsed", "reactivated")] == 1
    assert pairs[("loyal", "at_risk")] == 1  # "risk"
    assert pairs[("loyal", "loyal")] == 1
    assert pairs[("prospect", "prospect")] == 2  # "prospect", "nodate"
    assert pairs[(L.NOT_YET, "prospect")] == 1  # "cancelled_only" signed up on 2025-11-01
    assert t.groupby("from_stage")["share"].sum().round(9).eq(1).all()
    assert t["customers"].sum() == 13


def test_value_tiers_at_abc_in_a_trailing_window():
    o = pd.DataFrame({"customer_id": list("abcdeo"),
                      "order_date": pd.to_datetime(["2025-06-01"] * 5 + ["2024-06-01"]),
                      "revenue": [50.0, 30.0, 10.0, 5.0, 5.0, 999.0]})
    t = L.value_tiers_at(o, as_of="2025-06-30", window_days=365)
    # total 100: a (50) and b (30, crossing 80%) high; c, d, e medium (c crosses 95%, d and e tie with e)
    assert t["value_tier"].astype(str).to_dict() == {"a": "high", "b": "high", "c": "medium",
                                                    "d": "medium", "e": "medium"}
    assert t.loc["a", "window_revenue"] == 50.0  # "o" bought before the window
    t2 = L.value_tiers_at(o, as_of="2025-06-30", window_days=365, thresholds=(0.5, 0.8))
    assert t2["value_tier"].astype(str).tolist() == ["high", "medium", "low", "low", "low"]


def test_tier_migration_and_counts():
    o = pd.DataFrame({
        "customer_id": ["a", "b", "c", "a", "b", "d"],
        "order_date": pd.to_datetime(["2025-09-01", "2025-09-01", "2025-09-01",
                                      "2025-11-01", "2025-11-01", "2025-11-01"]),
        "revenue": [80.0, 15.0, 5.0, 10.0, 200.0, 5.0],
    })
    m = L.tier_migration(o, period=parse_period("2025-Q4"), window_days=60)
    # 60 days to Sep 30: a 80 high, b 15 medium (80 above it), c 5 low (95 above it).
    # 60 days to Dec 31 start on Nov 2: nobody bought, everyone lapsed
    assert m["tier_before"].to_dict() == {"a": "high", "b": "medium", "c": "low"}
    assert set(m["movement"]) == {"lapsed"}
    m = L.tier_migration(o, period=parse_period("2025-Q4"), window_days=91)
    # 91 days to Dec 31 (from Oct 2): b 200 high; a 10 medium (200 of 215 above it: over 80%,
    # under 95%); d 5 low (210 above it)
    assert m.loc["a", ["tier_before", "tier_after", "movement"]].tolist() == ["high", "medium", "down"]
    assert m.loc["b", ["tier_before", "tier_after", "movement"]].tolist() == ["medium", "high", "up"]
    assert m.loc["c", "movement"] == "lapsed" and m.loc["d", "movement"] == "entered"
    assert m.loc["b", "revenue_after"] == 200.0 and m.loc["d", "revenue_before"] == 0.0
    c = L.migration_counts(m)
    assert len(c) == 15 and c["customers"].sum() == 4
    row = c.set_index(["tier_before", "tier_after"])
    assert row.loc[("medium", "high"), "customers"] == 1 and row.loc[("medium", "high"), "share"] == 1.0
    assert row.loc[("high", "medium"), "movement"] == "down"


def test_migration_profile_hand_computed():
    o = pd.DataFrame({
        "customer_id": ["a", "a", "b", "b", "b", "c", "c"],
        "order_date": pd.to_datetime(["2024-11-01", "2025-08-01", "2025-08-01", "2025-11-01",
                                      "2025-12-01", "2025-08-01", "2025-10-01"]),
        "revenue": [300.0, 10.0, 20.0, 300.0, 100.0, 40.0, 10.0],
    })
    P = parse_period("2025-Q4")
    m = L.tier_migration(o, period=P)
    # 12 months to Sep 30: a 310 high, c 40 and b 20 medium (total 370, 80% = 296, 95% = 351.5)
    # 12 months to Dec 31: b 420 high, c 50 medium, a 10 low (total 480, 80% = 384, 95% = 456)
    assert m["movement"].to_dict() == {"a": "down", "b": "up", "c": "same"}
    assert m.loc["a", "tier_after"] == "low"
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "acquisition_channel": ["x", "y", "y"]})
    p = L.migration_profile(o, m, period=P, customers=customers)
    assert p.index.tolist() == ["up", "same", "down"]
    assert p.loc["up", "purchases_in_period"] == 2 and p.loc["up", "aov_in_period"] == 200
    assert p.loc["same", "revenue_in_period"] == 10 and p.loc["down", "buyers_in_period"] == 0
    assert p.loc["up", "tenure_days"] == 152  # Aug 1 -> Dec 31
    assert p.loc["down", "top_channel"] == "x" and p.loc["same", "top_channel_share"] == 1.0


def test_lifecycle_findings_state_computed_numbers(crm):
    orders, customers = crm
    P = parse_period("2025-Q4")
    st = L.lifecycle_stages(orders, as_of=P.end, customers=customers)
    tr = L.stage_transitions(orders, period=P, customers=customers)
    f = L.lifecycle_findings(st, tr, period=P)
    # 10 buyers: current = new 1 + active 3 + loyal 1 + reactivated 1 = 60%; at risk 2, lapsed 2
    assert f[0] == ("At the end of 2025-Q4, **60%** of the 10 customers who have ever bought are current "
                    "(new, active, loyal or reactivated); 20% are at risk and 20% have lapsed.")
    assert f[1] == "3 signed-up prospects have not bought yet."
    assert "1 customer is reactivated: they came back after a long break." in f


# --------------------------------------------------------------------------- planted truth of the demo
@pytest.fixture(scope="module")
def demo(demo_prepared):
    return demo_prepared.dataset


def test_demo_stages_agree_with_planted_dropout(demo):
    st = L.lifecycle_stages(demo.orders, as_of="2025-12-31", customers=demo.customers)
    truth = L.stage_vs_truth(st, demo.truth["customers"]).set_index("stage")
    # most customers the rules call lapsed truly dropped out; few loyal or new ones did
    assert truth.loc["lapsed", "truly_dropped_out"] > 0.85
    assert truth.loc["loyal", "truly_dropped_out"] < 0.3
    assert truth.loc["at_risk", "truly_dropped_out"] > truth.loc["active", "truly_dropped_out"] - 0.2
    # planted: 8% of customers are prospects (signed up, never ordered)
    n = st["stage"].value_counts()
    assert n["prospect"] / len(demo.customers) == pytest.approx(demo.truth["prospect_share"], abs=0.02)


# --------------------------------------------------------------------------- charts
def test_stage_charts_draw_the_numbers(crm):
    from crmkit.plots import lifecycle as PL

    orders, customers = crm
    P = parse_period("2025-Q4")
    tr = L.stage_transitions(orders, period=P, customers=customers)
    ax = PL.plot_stage_flow(tr, labels=("Q3", "Q4"))
    assert len(ax.collections) == len(tr)  # one band per (from, to) pair
    texts = {t.get_text() for t in ax.texts}
    assert {"lapsed 2", "prospect 3", "Q3", "Q4", f"{L.NOT_YET} 2"} <= texts
    ax = PL.plot_transition_matrix(tr)
    assert "100%\n(2)" in {t.get_text() for t in ax.texts}  # prospect -> prospect
    counts = L.stage_counts(L.lifecycle_stages(orders, as_of=P.end, customers=customers))
    ax = PL.plot_stage_counts(counts)
    assert [p.get_width() for p in ax.patches] == counts["customers"].tolist()
    assert ax.get_title() == "Customers by lifecycle stage"


def test_tier_migration_chart():
    from crmkit.plots import lifecycle as PL

    o = pd.DataFrame({"customer_id": ["a", "b"], "order_date": pd.to_datetime(["2025-09-01", "2025-11-01"]),
                      "revenue": [10.0, 20.0]})
    ax = PL.plot_tier_migration(L.migration_counts(L.tier_migration(o, period=parse_period("2025-Q4"))))
    labels = [t.get_text() for t in ax.texts]
    assert "1\n(100%)" in labels and ax.get_xlabel() == "tier now"
