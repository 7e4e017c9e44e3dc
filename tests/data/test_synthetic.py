"""Tests of crmkit.synthetic: determinism, schema, planted defects and planted truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.data.dataset import Dataset
from crmkit.data.schema import TABLES
from crmkit.data.synthetic import DEFECT_COUNTS, make_demo

EMAIL_RE = r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$"
PHONE_RE = r"^1[3-9]\d{9}$"


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return make_demo()


@pytest.fixture(scope="module")
def clean() -> Dataset:
    return make_demo(defects=False)


@pytest.fixture(scope="module")
def clean_orders(demo) -> pd.DataFrame:
    """The orders of the default demo without the planted defect rows."""
    rows = np.concatenate([v for k, v in demo.truth["defect_rows"].items() if k.startswith("orders.")])
    return demo.orders.drop(index=rows)


@pytest.fixture(scope="module")
def completed(clean) -> pd.DataFrame:
    o = clean.orders
    return o[o["status"] == "completed"]


@pytest.fixture(scope="module")
def truth_customers(clean) -> pd.DataFrame:
    return clean.truth["customers"]


# --------------------------------------------------------------------------- determinism, API
def test_same_seed_same_tables_and_different_seed_differs(demo):
    again = make_demo()
    assert again.fingerprint() == demo.fingerprint()
    a = make_demo(seed=7, n_customers=600)
    b = make_demo(seed=7, n_customers=600)
    c = make_demo(seed=8, n_customers=600)
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != c.fingerprint()
    for name in TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])


def test_include_builds_identical_subset(demo):
    part = make_demo(include=("customers", "orders"))
    assert list(part.tables) == ["customers", "orders"]
    pd.testing.assert_frame_equal(part.customers, demo.customers)
    pd.testing.assert_frame_equal(part.orders, demo.orders)
    pd.testing.assert_frame_equal(part.truth["customers"], demo.truth["customers"])
    assert part.truth["defects"]["surveys.invalid_score"] == 0
    for name in ("customers", "surveys", "tickets", "events"):
        alone = make_demo(include=(name,))
        pd.testing.assert_frame_equal(alone.tables[name], demo.tables[name])


def test_dataset_header(demo):
    assert demo.name == "demo"
    assert demo.currency == "¥"
    assert demo.as_of == pd.Timestamp("2025-12-31")
    assert list(demo.tables) == list(TABLES)
    assert demo.truth["time_unit"] == "D"
    assert demo.meta["seed"] == 42


def test_invalid_arguments():
    with pytest.raises(ValueError, match="unknown tables"):
        make_demo(include=("orders", "order"))
    with pytest.raises(ValueError, match="n_customers >= 500"):
        make_demo(n_customers=100)
    small = make_demo(n_customers=100, defects=False)
    assert len(small.customers) == 100


# --------------------------------------------------------------------------- schema
_KIND_CHECKS = {
    "id": lambda s: pd.api.types.is_string_dtype(s) and s.notna().all(),
    "datetime": lambda s: pd.api.types.is_datetime64_dtype(s) and getattr(s.dt, "tz", None) is None,
    "float": lambda s: s.dtype == np.float64,
    "int": lambda s: s.dtype == "Int64",
    "bool": lambda s: s.dtype == bool,
    "category": pd.api.types.is_string_dtype,
    "text": pd.api.types.is_string_dtype,
}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_follows_the_schema(demo, table):
    df = demo.tables[table]
    spec = TABLES[table]
    assert list(df.columns) == spec.column_names
    assert isinstance(df.index, pd.RangeIndex)
    assert len(df) > 0
    for col in spec.columns:
        assert _KIND_CHECKS[col.kind](df[col.name]), (table, col.name, df[col.name].dtype)
    for col in spec.required_columns:
        assert df[col].notna().all(), (table, col)


def test_id_formats_and_sizes(clean, clean_orders):
    c, o = clean.customers, clean.orders
    assert c["customer_id"].str.fullmatch(r"C\d{6}").all()
    assert o["order_id"].str.fullmatch(r"O\d{7}").all()
    assert clean.products["product_id"].str.fullmatch(r"P\d{3}").all()
    assert len(clean.products) == 120 and clean.products["category"].nunique() == 8
    assert len(c) == 5000
    assert 40_000 <= (o["status"] == "completed").sum() <= 60_000
    pd.testing.assert_frame_equal(clean_orders.reset_index(drop=True), o)
    share = o["status"].value_counts(normalize=True)
    assert share["returned"] == pytest.approx(0.03, abs=0.006)
    assert share["cancelled"] == pytest.approx(0.02, abs=0.005)
    assert len(clean.events) / len(o) <= 6.0
    assert 800 <= len(clean.opportunities) <= 1500
    assert clean.opportunities["owner"].nunique() == 8


def test_references_and_window(clean):
    cust = set(clean.customers["customer_id"])
    start, as_of = pd.Timestamp("2024-01-01"), clean.as_of
    for table, col in [("orders", "order_date"), ("events", "timestamp"), ("tickets", "created_at"),
                       ("tickets", "resolved_at"), ("surveys", "survey_date"),
                       ("marketing_spend", "date"), ("opportunities", "created_at"),
                       ("opportunities", "closed_at"), ("opportunity_stages", "entered_at")]:
        d = clean.tables[table][col].dropna()
        assert d.min() >= start and d.max() < as_of, (table, col)
        if "customer_id" in clean.tables[table]:
            assert clean.tables[table]["customer_id"].isin(cust).all(), table
    assert set(clean.order_items["order_id"]) == set(clean.orders["order_id"])
    assert clean.order_items["product_id"].isin(clean.products["product_id"]).all()
    assert clean.events["product_id"].isin(clean.products["product_id"]).all()
    signup = clean.customers.set_index("customer_id")["signup_date"]
    first = clean.orders.groupby("customer_id")["order_date"].min()
    delay = (first.dt.normalize() - signup.reindex(first.index)).dt.days
    assert delay.between(0, 5).all() and (delay == 0).mean() > 0.5


# --------------------------------------------------------------------------- clean data has no defects
def test_clean_data_has_no_instance_of_any_rule(clean):
    assert clean.truth["defects"] == dict.fromkeys(DEFECT_COUNTS, 0)
    for name, df in clean.tables.items():
        assert not df.duplicated().any(), name
        for key in TABLES[name].primary_key:
            assert df[key].is_unique, name
    o, c = clean.orders, clean.customers
    assert (o["revenue"] > 0).all() and (o[["cost", "discount", "shipping_cost"]] >= 0).all().all()
    assert o["order_date"].max() < clean.as_of
    median = o.loc[o["status"] == "completed", "revenue"].median()
    assert o["revenue"].max() < 20 * median  # far from the 50x outlier rule
    assert clean.truth["gamma_gamma_clip"]["n_capped"] == 0
    assert clean.truth["gamma_gamma_clip"]["n_floored"] == 0
    assert c["email"].str.fullmatch(EMAIL_RE).all()
    assert c["phone"].str.fullmatch(PHONE_RE).all()
    for col in ("acquisition_channel", "region", "city", "gender", "crm_segment", "birth_year"):
        assert c[col].notna().all(), col
    for name, df in clean.tables.items():
        for col in TABLES[name].columns:
            if col.kind == "category" and (name, col.name) != ("targets", "channel"):  # per person only
                s = df[col.name]
                assert s.notna().all(), (name, col.name)
                assert (s == s.str.strip()).all(), (name, col.name)
                # one spelling per case-folded value
                assert s.str.casefold().nunique() == s.nunique(), (name, col.name)
    assert set(c["acquisition_channel"]) == {"search", "social", "referral", "email", "offline", "organic"}
    s = clean.surveys
    assert s["nps_score"].between(0, 10).all() and s["csat_score"].between(1, 5).all()
    t = clean.tickets
    assert (t["resolved_at"].dropna() > t.loc[t["resolved_at"].notna(), "created_at"]).all()


# --------------------------------------------------------------------------- planted defects
def test_defect_counts_by_direct_inspection(demo, clean):
    o, c = demo.orders, demo.customers
    n_clean_orders = len(clean.orders)
    found = {}
    found["orders.exact_duplicates"] = int(o.duplicated().sum())
    dedup = o.drop_duplicates()
    found["orders.duplicate_key"] = int(dedup["order_id"].duplicated().sum())
    found["orders.negative_amount_as_return"] = int(((o["revenue"] < 0) & (o["status"] == "completed")).sum())
    found["orders.future_date"] = int((o["order_date"] > demo.as_of).sum())
    positive = o.loc[(o["status"] == "completed") & (o["revenue"] > 0), "revenue"]
    found["orders.outlier"] = int((o["revenue"] > 50 * positive.median()).sum())
    found["orders.unknown_customer"] = int((~o["customer_id"].isin(c["customer_id"])).sum())
    found["customers.exact_duplicates"] = int(c.duplicated().sum())
    email = c["email"]
    normal = email.str.strip().str.lower()
    found["customers.email_normalised"] = int((email != normal).sum())
    found["customers.email_invalid"] = int((~normal.str.fullmatch(EMAIL_RE)).sum())
    phone = c["phone"]
    digits = phone.str.replace(r"\D", "", regex=True).str.replace(r"^(0086|86)(?=1\d{10}$)", "", regex=True)
    assert digits.str.fullmatch(PHONE_RE).all()
    found["customers.phone_normalised"] = int((phone != digits).sum())
    ch = c["acquisition_channel"]
    found["customers.text_normalised"] = int((ch != ch.str.strip().str.casefold()).sum())
    found["customers.missing_filled"] = int(c["region"].isna().sum())
    s = demo.surveys
    bad = ~s["nps_score"].between(0, 10) | ~s["csat_score"].between(1, 5)
    found["surveys.invalid_score"] = int(bad.sum())
    t = demo.tickets
    found["tickets.resolved_before_created"] = int((t["resolved_at"] < t["created_at"]).sum())
    assert found == DEFECT_COUNTS
    assert demo.truth["defects"] == DEFECT_COUNTS
    assert c.isna().sum().drop("region").sum() == 0
    # defect rows are disjoint, appended after the clean rows, and have no order lines
    rows = demo.truth["defect_rows"]
    order_rows = np.concatenate([rows[k] for k in rows if k.startswith("orders.")])
    assert len(set(order_rows)) == len(order_rows) == 105
    assert order_rows.min() == n_clean_orders
    cust_rows = np.concatenate([rows[k] for k in rows if k.startswith("customers.")])
    assert len(set(cust_rows)) == len(cust_rows)
    new_ids = set(o["order_id"].iloc[order_rows]) - set(o["order_id"].iloc[:n_clean_orders])
    assert len(new_ids) == 40 + 5 + 8 + 12
    assert not demo.order_items["order_id"].isin(new_ids).any()
    # the duplicate-key rows copy earlier completed orders with another revenue
    key_rows = o.iloc[rows["orders.duplicate_key"]]
    first = o.iloc[:n_clean_orders].set_index("order_id").loc[key_rows["order_id"]]
    assert (first["status"] == "completed").all()
    assert (first["revenue"].to_numpy() != key_rows["revenue"].to_numpy()).all()
    assert (o.iloc[rows["orders.future_date"]]["order_date"].dt.year.between(2026, 2030)).all()


def test_clean_part_of_defective_data_equals_clean_data(demo, clean, clean_orders):
    pd.testing.assert_frame_equal(clean_orders.reset_index(drop=True), clean.orders)
    rows = demo.truth["defect_rows"]
    touched = np.concatenate([rows[k] for k in rows if k.startswith("customers.")])
    untouched = np.setdiff1d(np.arange(len(clean.customers)), touched)
    assert len(untouched) == 5000 - (60 + 10 + 80 + 50 + 40)
    pd.testing.assert_frame_equal(demo.customers.iloc[untouched], clean.customers.iloc[untouched])
    copies = demo.customers.iloc[rows["customers.exact_duplicates"]]
    pd.testing.assert_frame_equal(
        copies.reset_index(drop=True),
        clean.customers.set_index("customer_id", drop=False).loc[copies["customer_id"]].reset_index(drop=True))
    for name in ("order_items", "products", "events", "marketing_spend", "opportunities"):
        pd.testing.assert_frame_equal(demo.tables[name], clean.tables[name])


# --------------------------------------------------------------------------- orders and lines
def test_order_lines_add_up_to_revenue(clean):
    o, it = clean.orders, clean.order_items
    cents = (np.round(it["unit_price"] * 100) * it["quantity"]).groupby(it["order_id"]).sum()
    assert (cents.reindex(o["order_id"]).to_numpy() == np.round(o["revenue"].to_numpy() * 100)).all()
    qty = it.groupby("order_id")["quantity"].sum().reindex(o["order_id"])
    np.testing.assert_array_equal(qty.to_numpy(), o["quantity"].to_numpy())
    assert (it["unit_price"] > 0).all()
    lines = it.groupby("order_id").size()
    companions = [b for _, b in clean.truth["product_pairs"]]
    drawn = it[~it["product_id"].isin(companions)].groupby("order_id").size()
    assert lines.min() >= 1 and drawn.max() <= 4 and lines.max() <= 4 + len(companions)
    for col in ("revenue", "cost", "discount", "unit_price"):
        df = o if col in o else it
        np.testing.assert_array_equal(df[col].to_numpy(), np.round(df[col].to_numpy(), 2))
    ratio = o["cost"] / o["revenue"]
    assert ratio.between(0.549, 0.701).all()


def test_product_pairs_have_high_lift(clean):
    it = clean.order_items
    n = it["order_id"].nunique()
    assert len(clean.truth["product_pairs"]) == 3
    for a, b in clean.truth["product_pairs"]:
        with_a = set(it.loc[it["product_id"] == a, "order_id"])
        with_b = set(it.loc[it["product_id"] == b, "order_id"])
        confidence = len(with_a & with_b) / len(with_a)
        assert confidence == pytest.approx(0.6, abs=0.08)
        lift = confidence / (len(with_b) / n)
        assert lift > 8, (a, b, lift)


# --------------------------------------------------------------------------- purchase process truth
def test_truth_customers_frame(clean, truth_customers):
    tc = truth_customers
    assert len(tc) == 5000
    for col in ("customer_id", "customer_type", "lambda_", "p_dropout", "nu", "expected_order_value",
                "dropped_out", "dropout_date", "n_purchases", "acquisition_channel"):
        assert col in tc
    pd.testing.assert_series_equal(tc["customer_id"], clean.customers["customer_id"])
    pd.testing.assert_series_equal(tc["acquisition_channel"], clean.customers["acquisition_channel"])
    share = tc["customer_type"].value_counts(normalize=True)
    assert share["prospect"] == pytest.approx(0.08, abs=0.015)
    assert share["vip"] / (1 - share["prospect"]) == pytest.approx(0.10, abs=0.015)
    prospects = tc[tc["customer_type"] == "prospect"]
    assert (prospects["n_purchases"] == 0).all() and prospects["lambda_"].isna().all()
    assert not clean.orders["customer_id"].isin(prospects["customer_id"]).any()


def test_completed_orders_are_the_bgnbd_purchases(completed, truth_customers):
    tc = truth_customers.set_index("customer_id")
    counts = completed.groupby("customer_id").size()
    buyers = tc[tc["n_purchases"] > 0]
    pd.testing.assert_series_equal(
        counts.reindex(buyers.index).astype(np.int64), buyers["n_purchases"], check_names=False)
    last = completed.groupby("customer_id")["order_date"].max()
    dropped = tc[tc["dropped_out"]]
    assert (dropped["n_purchases"] >= 2).all()  # never at the first purchase
    pd.testing.assert_series_equal(
        last.reindex(dropped.index), dropped["dropout_date"], check_names=False)
    assert tc.loc[~tc["dropped_out"], "dropout_date"].isna().all()


@pytest.mark.parametrize("ctype", ["vip", "regular", "occasional"])
def test_latent_draws_match_their_distributions(clean, truth_customers, ctype):
    d = truth_customers[truth_customers["customer_type"] == ctype]
    bg = clean.truth["bgnbd"][ctype]
    r, alpha, a, b = bg["r"], bg["alpha"], bg["a"], bg["b"]
    n = len(d)
    lam_sd = np.sqrt(r) / alpha
    assert d["lambda_"].mean() == pytest.approx(r / alpha, abs=4 * lam_sd / np.sqrt(n))
    assert d["lambda_"].std() == pytest.approx(lam_sd, rel=0.15)
    p_mean = a / (a + b)
    p_sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert d["p_dropout"].mean() == pytest.approx(p_mean, abs=4 * p_sd / np.sqrt(n))
    gg = clean.truth["gamma_gamma"][ctype]
    nu_mean = gg["q"] / gg["gamma"]
    assert d["nu"].mean() == pytest.approx(nu_mean, rel=4 / np.sqrt(gg["q"] * n))
    np.testing.assert_allclose(d["expected_order_value"], gg["p"] / d["nu"])


@pytest.mark.parametrize("ctype", ["vip", "regular", "occasional"])
def test_repeat_purchases_match_bgnbd_expectation(truth_customers, ctype):
    d = truth_customers[truth_customers["customer_type"] == ctype]
    lam, p, t = d["lambda_"], d["p_dropout"], d["operational_days"]
    # E[X(t) | lambda, p] = (1 - exp(-lambda p t)) / p (Fader, Hardie & Lee 2005)
    expected = (1 - np.exp(-lam * p * t)) / p
    repeats = d["n_purchases"] - 1
    se = np.sqrt(((repeats - expected) ** 2).mean() / len(d))
    assert repeats.mean() == pytest.approx(expected.mean(), abs=4 * se)
    # operational and calendar observation times agree on average
    assert (d["operational_days"] / d["observation_days"]).median() == pytest.approx(1, abs=0.1)


def test_types_are_clearly_different(truth_customers, completed):
    tc = truth_customers.set_index("customer_id")
    per = tc[tc["n_purchases"] > 0].groupby("customer_type").agg(
        n=("n_purchases", "mean"), drop=("p_dropout", "mean"), value=("expected_order_value", "mean"))
    assert per.loc["vip", "n"] > 2 * per.loc["regular", "n"] > 2 * per.loc["occasional", "n"]
    assert per.loc["vip", "drop"] < per.loc["regular", "drop"] < per.loc["occasional", "drop"]
    assert per.loc["vip", "value"] > 1.5 * per.loc["regular", "value"] > 1.5 * per.loc["occasional", "value"]
    assert 8 <= len(completed) / len(tc) <= 12
    mix = tc.groupby("acquisition_channel")["customer_type"].apply(lambda s: (s == "vip").mean())
    assert mix["referral"] > 2 * mix["social"] and mix["search"] > mix["social"]


@pytest.mark.parametrize("ctype", ["vip", "regular", "occasional"])
def test_order_values_follow_gamma_gamma(clean, completed, truth_customers, ctype):
    gg = clean.truth["gamma_gamma"][ctype]
    tc = truth_customers.set_index("customer_id")
    o = completed.join(tc[["customer_type", "expected_order_value"]], on="customer_id")
    o = o[o["customer_type"] == ctype]
    mean_value = gg["p"] * gg["gamma"] / (gg["q"] - 1)
    assert 100 <= mean_value <= 400
    assert o["revenue"].mean() == pytest.approx(mean_value, rel=0.08)
    ratio = o["revenue"] / o["expected_order_value"]  # Gamma(p, rate p): mean 1, variance 1/p
    assert ratio.mean() == pytest.approx(1, abs=0.02)
    assert ratio.var() == pytest.approx(1 / gg["p"], rel=0.1)


# --------------------------------------------------------------------------- seasonality
def test_seasonality_is_visible(clean, completed):
    daily = completed.groupby(completed["order_date"].dt.normalize()).size()
    median = daily.median()
    for day in ("2024-11-11", "2025-11-11"):
        assert daily[pd.Timestamp(day)] > 2 * median
    assert daily[pd.Timestamp("2025-06-18")] > 1.5 * median
    # Chinese New Year 2025 dip against the same weeks' neighbours
    cny = daily[pd.Timestamp("2025-01-27"):pd.Timestamp("2025-02-04")].mean()
    around = daily[pd.Timestamp("2025-02-10"):pd.Timestamp("2025-02-24")].mean()
    assert cny < 0.75 * around
    weekday = completed["order_date"].dt.day_of_week
    assert (weekday >= 5).mean() > 2 / 7 * 1.05
    hours = completed["order_date"].dt.hour.value_counts()
    assert set(hours.nlargest(3).index) <= {12, 19, 20, 21, 22}
    assert hours[4] < 0.1 * hours[21]
    s = clean.truth["seasonality"]["daily"]
    assert s.mean() == pytest.approx(1.0) and s.idxmax() in (pd.Timestamp("2024-11-11"),
                                                              pd.Timestamp("2025-11-11"))


# --------------------------------------------------------------------------- marketing spend
def test_monthly_spend_equals_cac_times_acquired(clean, truth_customers):
    ms, tc, cac = clean.marketing_spend, truth_customers, clean.truth["cac"]
    assert set(ms["channel"]) == set(cac)
    assert not ms.duplicated(["date", "channel", "campaign"]).any()
    assert ms.groupby("channel")["campaign"].nunique().between(2, 3).all()
    spend = ms.groupby([ms["date"].dt.to_period("M"), "channel"])["spend"].sum()
    acquired = tc.groupby([tc["signup_date"].dt.to_period("M"), "acquisition_channel"]).size()
    acquired = acquired[acquired.index.get_level_values(1) != "organic"]
    both = pd.concat([spend.rename("spend"), acquired.rename("n")], axis=1).fillna(0)
    target = both["n"] * both.index.get_level_values(1).map(cac).to_numpy()
    np.testing.assert_allclose(both["spend"], target, atol=0.005)
    conv = ms.groupby(["date", "channel"])["conversions"].sum()
    daily = tc.groupby(["signup_date", "acquisition_channel"]).size()
    daily = daily[daily.index.get_level_values(1) != "organic"]
    both = pd.concat([conv.rename("conv"), daily.rename("n")], axis=1).fillna(0)
    np.testing.assert_array_equal(both["conv"], both["n"])
    assert (ms["leads"] >= ms["conversions"]).all()
    rate = ms.groupby("channel")["conversions"].sum() / ms.groupby("channel")["leads"].sum()
    for ch, planted in clean.truth["lead_conversion"].items():
        assert rate[ch] == pytest.approx(planted, rel=0.15)


# --------------------------------------------------------------------------- events
def test_funnel_rates_match_truth(clean, completed):
    ev = clean.events
    counts = ev.groupby(["channel", "event_type"]).size().unstack()
    for ch, rates in clean.truth["funnel"].items():
        c = counts.loc[ch]
        assert c["click"] / c["view"] == pytest.approx(rates["view_to_click"], abs=0.01)
        assert c["add_to_cart"] / c["click"] == pytest.approx(rates["click_to_add_to_cart"], abs=0.01)
        assert c["purchase"] / c["add_to_cart"] == pytest.approx(rates["add_to_cart_to_purchase"], abs=0.01)
    online = completed[completed["sales_channel"] != "store"]
    assert (ev["event_type"] == "purchase").sum() == len(online)
    # each session walks the funnel in order: view, click, add_to_cart, purchase
    ordered = ev.sort_values(["session_id", "timestamp"], kind="stable")
    step = ordered["event_type"].map({"view": 0, "click": 1, "add_to_cart": 2, "purchase": 3})
    np.testing.assert_array_equal(step.to_numpy(), ordered.groupby("session_id").cumcount().to_numpy())
    assert ordered.groupby("session_id")["customer_id"].nunique().max() == 1


# --------------------------------------------------------------------------- churn drivers
def test_complaints_signal_dropout(clean, truth_customers):
    t = clean.tickets
    complainers = set(t.loc[t["is_complaint"], "customer_id"])
    buyers = truth_customers[truth_customers["n_purchases"] > 0]
    churned = buyers.loc[buyers["dropped_out"], "customer_id"].isin(complainers).mean()
    stayed = buyers.loc[~buyers["dropped_out"], "customer_id"].isin(complainers).mean()
    assert churned > 5 * stayed
    assert 0.3 <= churned <= 0.45 and stayed < 0.06
    res = (t["resolved_at"] - t["created_at"]).dt.total_seconds() / 3600
    med = res.groupby(t["is_complaint"]).median()
    assert med[True] > 5 * med[False]


def test_surveys_are_lower_at_dropout(clean, truth_customers):
    # a survey comes 1-120 hours after its order: surveys after the dropout purchase whose
    # previous purchase is more than 120 hours earlier answer the dropout purchase
    o = clean.orders[clean.orders["status"] == "completed"].sort_values("order_date")
    from_end = o.groupby("customer_id").cumcount(ascending=False)
    previous = o[from_end == 1].set_index("customer_id")["order_date"].rename("previous")
    s = clean.surveys.join(truth_customers.set_index("customer_id")[["dropout_date"]], on="customer_id")
    s = s.join(previous, on="customer_id")
    after_dropout = s["dropout_date"].notna() & (s["survey_date"] > s["dropout_date"])
    at_dropout = after_dropout & (s["survey_date"] - s["previous"] > pd.Timedelta(hours=120))
    group = np.where(at_dropout, "dropout", np.where(after_dropout, "unclear", "other"))
    nps = s.groupby(group)["nps_score"].mean()
    csat = s.groupby(group)["csat_score"].mean()
    assert at_dropout.sum() > 100
    assert nps["dropout"] == pytest.approx(4.0, abs=0.4) and nps["other"] == pytest.approx(8.5, abs=0.1)
    assert csat["dropout"] == pytest.approx(2.5, abs=0.25) and csat["other"] == pytest.approx(4.3, abs=0.05)
    n_completed = (clean.orders["status"] == "completed").sum()
    assert len(s) / n_completed == pytest.approx(0.15, abs=0.01)
    assert s.loc[s["comment"] == "物流太慢了", "nps_score"].max() <= 6
    assert s.loc[s["comment"] == "Great service", "nps_score"].min() >= 9
    assert s["comment"].str.contains(r"[\u4e00-\u9fff]").mean() > 0.2


# --------------------------------------------------------------------------- opportunities
def test_win_rates_within_binomial_tolerance(clean):
    op = clean.opportunities
    closed = op[op["outcome"] != "open"]
    rates = clean.truth["win_rates"]
    assert min(rates.values()) == 0.15 and max(rates.values()) == 0.45
    for rep, g in closed.groupby("owner"):
        w = rates[rep]
        se = np.sqrt(w * (1 - w) / len(g))
        assert (g["outcome"] == "won").mean() == pytest.approx(w, abs=3.5 * se), rep
    business = set(clean.customers.loc[clean.customers["crm_segment"] == "business", "customer_id"])
    assert op["customer_id"].isin(business).all()


def test_opportunity_stage_history(clean):
    op, st = clean.opportunities, clean.opportunity_stages
    assert st.groupby("opportunity_id")["entered_at"].apply(
        lambda s: s.is_monotonic_increasing and s.is_unique).all()
    first = st.groupby("opportunity_id").first()
    assert (first["stage"] == "lead").all()
    created = op.set_index("opportunity_id")["created_at"]
    pd.testing.assert_series_equal(first["entered_at"], created.loc[first.index], check_names=False)
    last = st.groupby("opportunity_id").last().loc[op["opportunity_id"]]
    np.testing.assert_array_equal(last["stage"].to_numpy(), op["stage"].to_numpy())
    is_open = op["outcome"] == "open"
    assert op.loc[is_open, "closed_at"].isna().all() and (op.loc[is_open, "stage"] != "closed").all()
    closed = op[~is_open]
    assert (closed["stage"] == "closed").all()
    np.testing.assert_array_equal(closed["closed_at"].to_numpy(), last.loc[~is_open.to_numpy(), "entered_at"].to_numpy())
    won = set(op.loc[op["outcome"] == "won", "opportunity_id"])
    won_stages = st[st["opportunity_id"].isin(won)].groupby("opportunity_id").size()
    assert (won_stages == 5).all()
    assert (op["amount"] > 0).all()


def test_salespeople_never_share_a_name_with_a_customer(demo):
    """Sales pages name the owners of deals; a customer's name must never look like one."""
    owners = set(demo.opportunities["owner"].dropna())
    assert len(owners) == 8
    assert not owners & set(demo.customers["name"].dropna())
    assert not {o.split()[0] for o in owners} & {n.split()[0] for n in demo.customers["name"].dropna()}
