"""Write the first versions of notebooks 02 (behaviour) and 04 (lifecycle); see tools/nbbuild.py.

Run: ``PYTHONPATH=tools .venv/bin/python tools/make_behaviour_lifecycle_notebooks.py``
"""

from nbbuild import VERSIONS, code, md, parameters, write

# --------------------------------------------------------------------------- 02 behaviour
B_EXTRA = '''window_months: int = 12  # behaviour is described over the months ending with the report period (a full year shows every weekday, month and festival)'''

B_IMPORTS = '''import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmkit
from crmkit import behaviour as B
from crmkit import cohorts as C
from crmkit import lifecycle as L
from crmkit import plots
from crmkit.plots import behaviour as PB

plots.set_theme()
pd.options.display.float_format = "{:,.2f}".format'''

B_LOAD = '''data = crmkit.open_data(params_file, prepared_dir)
ds = data.dataset
first_day, last_day = ds.date_range
P = ds.period(period)
rules = data.rules("behaviour", B.DEFAULT_BEHAVIOUR_RULES)
W = B.trailing_window(P, months=window_months, data_start=first_day)
end = min(P.end, last_day.normalize())  # last day with data in the window
orders = ds.orders
print(f"{ds.name}: orders from {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}; report period {P.label}; "
      f"behaviour described over {W.start:%Y-%m-%d} to {end:%Y-%m-%d}")'''


def skipped(tables: str) -> str:
    return (f'display(Markdown(f"*Skipped: this section needs the {{\' and \'.join(ds.missing({tables}))}} '
            f'table(s), which this dataset does not have.*"))')


behaviour = [
    md("""
# Customer behaviour (客户行为分析)

*For marketing and CRM analysts. Question: how often and how much do our customers buy, how soon do they come back, when do they shop, what do they buy first, and where do web visitors drop out before buying?*

This report describes purchase behaviour over the **twelve months that end with the report period** (the `window_months` parameter): a full year contains every weekday, every month and every shopping festival once, so the patterns are not artefacts of one season. A *purchase* is a completed order with a positive amount; returns and cancellations are left out.
"""),
    parameters(B_EXTRA),
    code(B_IMPORTS),
    code(B_LOAD),
    md("""
## 1. How often and how much

**Left:** how many orders each customer placed in the window. A tall first bar means many customers buy once and do not return within the year; the last bar gathers the most frequent buyers. **Right:** how much an order is worth. The axis is logarithmic (each step is ten times the previous), because order values are skewed: many small orders, a few very large ones. The dashed line is the median: half of the orders are smaller. Orders that the cleaning step flagged as extreme outliers are left out of this chart.
"""),
    code("""freq = B.purchase_frequency(orders, start=W.start, end=end, cap=rules["frequency_cap"])
values = B.order_values(orders, start=W.start, end=end)
stats = B.order_value_stats(values)
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
PB.plot_purchase_frequency(freq, ax=axes[0])
PB.plot_order_values(values, currency=ds.currency, ax=axes[1])
fig.tight_layout()
plt.show()
shown = stats.drop("orders").to_frame().T
shown.insert(0, "orders", int(stats["orders"]))
display(crmkit.table(shown, money=tuple(shown.columns[1:]), currency=ds.currency))"""),
    md("""
## 2. Coming back: time to the second purchase and between purchases

The most important step in a customer relationship is the **second purchase**. Here we follow the customers whose first purchase falls in the window. Several orders on the same day count as one visit, so "coming back" means buying on a later day.

A simple count of "customers who have not come back" is unfair to customers who joined a few weeks ago: they have not had time yet. The **Kaplan-Meier** method handles this. It walks along the days since the first purchase and, on each day, asks: of the customers we could still observe at that point, how many came back that day? Customers who joined recently simply leave the calculation when our observation of them ends, instead of being counted as lost. **How to read the first chart:** the curve is the share of new customers who have bought a second time after so many days; the shaded band is the 95% uncertainty range. **The second chart** shows all gaps between consecutive purchase days of these customers.
"""),
    code("""t2 = B.time_to_second_purchase(orders, as_of=end, start=W.start)
repeat = B.repeat_summary(orders, as_of=end, start=W.start, horizon_days=rules["reorder_horizon_days"])
gaps = B.repeat_gaps(orders, end=end)
gaps = gaps.loc[gaps["customer_id"].isin(t2.index)]
if len(t2):
    km2 = C.kaplan_meier(t2["days"], t2["reordered"])
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
    PB.plot_reorder_curve(km2, horizon_days=rules["reorder_horizon_days"], ax=axes[0])
    if len(gaps):
        PB.plot_repeat_gaps(gaps, ax=axes[1])
    else:
        axes[1].set_axis_off()
    fig.tight_layout()
    plt.show()
    display(Markdown(
        f"{repeat['customers']:,} customers made their first purchase in the window; "
        f"{repeat['repeat_customers']:,} of them have bought again on a later day."))
else:
    display(Markdown("*No customer made a first purchase in the window.*"))"""),
    md("""
## 3. When customers buy

**Orders per day** over the window, with a 7-day average to smooth out the weekly rhythm; shopping festivals are marked in red. Festivals are business rules kept as data: 618, Double 11, Double 12, Black Friday and Chinese New Year by default (each only from the year it began), replaceable in the params file (`analysis: behaviour: festivals:`).
"""),
    code("""daily_all = B.daily_orders(orders, end=end)  # all history: baselines of early festivals, month lines
daily = daily_all.loc[W.start:]
fest_all = B.festival_lift(daily_all, festivals=rules["festivals"],
                           baseline_days=rules["festival_baseline_days"])
fest = fest_all.loc[fest_all["date"].between(W.start, end)].reset_index(drop=True)
cal = B.festival_calendar(W.start, end, festivals=rules["festivals"])
PB.plot_daily_orders(daily, festivals=fest if len(fest) else cal)
plt.show()"""),
    md("""
**Weekdays and months.** Left: orders on each weekday compared with an average day (1.0 = average; festival days are left out so that one big sale does not make its weekday look busy). Right: average orders per day in each calendar month, one line per year of data. Lines that shift up from one year to the next show growth; months that stand out in every year show seasonality.
"""),
    code("""weekdays = B.weekday_profile(daily, exclude=cal["date"])
months = B.month_profile(daily_all)
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
PB.plot_weekday_profile(weekdays, ax=axes[0])
PB.plot_month_profile(months, ax=axes[1])
fig.tight_layout()
plt.show()"""),
    md("""
**Hour of day.** Each cell is the share of the window's orders placed on that weekday in that hour: darker cells are the busy hours, the best moments to send a message or start a promotion.
"""),
    code("""hours = None
if B.has_time_of_day(orders):
    hours = B.weekday_hour_counts(orders, start=W.start, end=end)
    PB.plot_weekday_hour(hours)
    plt.show()
else:
    display(Markdown("*This dataset records order dates without a time of day, so there is no hourly view.*"))"""),
    md("""
**Festivals against normal days.** Each bar compares a festival day's orders with the *median* day within four weeks before and after it (other festival days left out). 2.0x means twice as many orders as a normal day around it; a red bar below 1 is a quiet day, such as Chinese New Year when shops and couriers rest.
"""),
    code("""if len(fest):
    PB.plot_festival_lift(fest)
    plt.show()
    display(crmkit.table(fest.assign(date=fest["date"].dt.strftime("%Y-%m-%d")), money=("revenue",),
                         currency=ds.currency))
else:
    display(Markdown("*No festival day in the window.*"))"""),
    md("""
## 4. What customers buy

Categories come from the order lines (`order_items`) and the product catalogue (`products`). **The heatmap** shows how each value tier (customers ranked by their spend over the last twelve months, as in the lifecycle report: *high* are the top spenders who together bring 80% of revenue) splits its spending over the categories; compare the rows to see what the best customers buy more of. **The bars** show the category of the first purchase of the customers acquired in the window: the products that open the relationship.
"""),
    code("""first_share = None
if ds.has("order_items", "products"):
    tier_rules = data.rules("lifecycle", L.DEFAULT_TIER_RULES)
    cat_rev = B.category_revenue(orders, ds.order_items, ds.products, start=W.start, end=end)
    tiers = L.value_tiers_at(orders, as_of=end, window_days=tier_rules["tier_window_days"],
                             thresholds=tier_rules["tier_thresholds"])["value_tier"]
    first_cat = B.first_purchase_category(orders, ds.order_items, ds.products).reindex(t2.index).dropna()
    first_share = B.first_category_share(first_cat)
    fig, axes = plt.subplots(1, 2, figsize=(14, 4.2), gridspec_kw={"width_ratios": [3, 2]})
    PB.plot_category_mix(B.category_mix(cat_rev, groups=tiers), ax=axes[0])
    PB.plot_first_category(first_share, ax=axes[1])
    fig.tight_layout()
    plt.show()
    display(Markdown("**Per category:** share of buyers who bought it, share of revenue, share of buyers "
                     "for whom it is the top category, and share of first purchases."))
    display(crmkit.table(B.category_summary(cat_rev, first_cat=first_cat),
                         percent=("customer_share", "revenue_share", "favourite_share", "first_purchase_share"),
                         money=("revenue",), currency=ds.currency))
else:
    """ + skipped("['order_items', 'products']")),
    md("""
## 5. From browsing to buying (web and app events)

Every visit (session) of a logged-in customer is a sequence of events: viewing a product, clicking, adding to the cart, buying. A session *reaches* a stage when its furthest event is that stage or a later one. **How to read the charts:** each line starts at 100% of the sessions that viewed a product and falls at every step; the steepest drop is where most visitors give up. The second chart splits the funnel by traffic channel. The table lists products that many customers looked at without buying them: candidates for a price check, better pictures or a reminder message.
"""),
    code("""funnel = funnel_by = None
if ds.has("events"):
    ev = ds.events
    unit = "session" if "session_id" in ev.columns and ev["session_id"].notna().any() else "customer"
    funnel = B.event_funnel(ev, unit=unit, start=W.start, end=end)
    by = "channel" if "channel" in ev.columns and ev["channel"].notna().any() else None
    fig, axes = plt.subplots(1, 2 if by else 1, figsize=(13 if by else 7, 4.2), squeeze=False)
    PB.plot_funnel(funnel, ax=axes[0, 0])
    if by:
        funnel_by = B.event_funnel(ev, unit=unit, by=by, start=W.start, end=end)
        PB.plot_funnel(funnel_by, by=by, ax=axes[0, 1])
    fig.tight_layout()
    plt.show()
    per_customer = B.event_funnel(ev, unit="customer", start=W.start, end=end)
    display(Markdown(f"Per {unit}: {100 * funnel['share_of_start'].iloc[-1]:.0f}% of those who viewed a "
                     f"product bought; per customer (any session in the window): "
                     f"{100 * per_customer['share_of_start'].iloc[-1]:.0f}%."))
    if funnel_by is not None:
        display(crmkit.table(funnel_by.pivot(index=by, columns="stage", values="step_conversion")
                             [["click", "add_to_cart", "purchase"]].rename_axis(columns=None).reset_index(),
                             percent=("click", "add_to_cart", "purchase")))
    if "product_id" in ev.columns:
        display(Markdown("**Most viewed without being bought** (customers who viewed the product but did "
                         "not buy it in the window):"))
        vnb = B.viewed_not_bought(ev, products=ds.products, top=10, start=W.start, end=end)
        display(crmkit.table(vnb, percent=("conversion",)))
else:
    """ + skipped("['events']")),
    md("""
## 6. For workshops: planted truth versus what was measured

The bundled `demo` dataset is synthetic, with a known weekly rhythm, hourly profile, festival effects and funnel conversion rates. When the dataset carries that truth, this table puts the planted values next to what the analysis above measured. Festival effects are compared on the same footing: the planted daily intensity run through the same "festival day against the median day" rule.
"""),
    code("""if ds.truth:
    planted = B.compare_with_planted(ds.truth, weekdays=weekdays, festivals=fest, hours=hours,
                                     funnel=funnel_by, baseline_days=rules["festival_baseline_days"])
    display(crmkit.table(planted, decimals=3))
else:
    display(Markdown("This dataset has no planted truth (real data)."))"""),
    md("""
## Findings
"""),
    code("""findings = B.behaviour_findings(window=W, frequency=freq, values=stats, repeat=repeat, weekdays=weekdays,
                                hours=hours, festivals=fest, first_categories=first_share,
                                funnel=funnel, funnel_unit=unit if funnel is not None else "session",
                                currency=ds.currency)
display(crmkit.bullets(findings))
_ = crmkit.save_table(freq, output_dir, "behaviour_frequency.csv")
_ = crmkit.save_table(fest, output_dir, "behaviour_festivals.csv")
crmkit.save_summary(output_dir, "behaviour", {
    "period": P.label, "window": [f"{W.start:%Y-%m-%d}", f"{end:%Y-%m-%d}"],
    "one_time_share": repeat["one_time_share"], "median_days_to_second": repeat["median_days_to_second"],
    "reorder_within_horizon": repeat["reorder_within_horizon"], "horizon_days": repeat["horizon_days"],
    "weekend_ratio": B.weekend_ratio(weekdays), "findings": findings})"""),
    code(VERSIONS),
]

write("notebooks/02_behaviour.ipynb", behaviour, title="Customer behaviour", requires=["orders"])

# --------------------------------------------------------------------------- 04 lifecycle
L_EXTRA = '''cohort_freq: str = "M"  # acquisition cohorts by calendar month (M) or quarter (Q)
min_cohort_customers: int = 20  # smaller cohorts are left out of the heatmaps (too noisy)'''

L_IMPORTS = '''import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmkit
from crmkit import behaviour as B
from crmkit import cohorts as C
from crmkit import lifecycle as L
from crmkit import plots
from crmkit.plots import lifecycle as PL

plots.set_theme()
pd.options.display.float_format = "{:,.2f}".format'''

L_LOAD = '''data = crmkit.open_data(params_file, prepared_dir)
ds = data.dataset
first_day, last_day = ds.date_range
P = ds.period(period)
prev = P.previous()
rules = data.rules("lifecycle", {**L.DEFAULT_STAGE_RULES, **L.DEFAULT_TIER_RULES})
stage_rules = {k: rules[k] for k in L.DEFAULT_STAGE_RULES}
orders, customers = ds.orders, ds.customers
unit = "month" if cohort_freq == "M" else "quarter"
print(f"{ds.name}: orders from {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}; stages at the end of "
      f"{P.label} ({P.end:%Y-%m-%d}) compared with the end of {prev.label} ({prev.end:%Y-%m-%d})")'''

lifecycle = [
    md("""
# Customer lifecycle, cohorts and retention

*For CRM managers and analysts. Question: where are our customers in their lifecycle, how did they move since the previous period, who climbed in value, and how well does each month's intake of new customers stay with us?*

A customer's relationship goes through stages: signed up but not yet bought (*prospect*), just acquired (*new*), buying (*active*, and *loyal* when buying repeatedly), fading (*at risk*), gone (*churned*), and sometimes back (*reactivated*). This report places every customer in one stage at the end of the report period and of the previous period, shows the flows between them, follows customers' value tiers, and measures retention by acquisition cohort, channel and first category.
"""),
    parameters(L_EXTRA),
    code(L_IMPORTS),
    code(L_LOAD),
    md("""
## 1. Lifecycle stages

The stage rules are business rules kept as data: the thresholds below are crmkit's defaults unless the params file overrides them (`analysis: lifecycle:`). Each customer gets **exactly one stage**: the rules are tried in the order shown and the first that matches wins (a customer who is new and has already bought three times is *new*, not *loyal*). "Purchase days" count days with at least one completed order, so three orders on one day are one visit.
"""),
    code("""display(crmkit.table(L.stage_definitions(stage_rules)))
stages = L.lifecycle_stages(orders, as_of=P.end, customers=customers, rules=stage_rules)
stages_prev = L.lifecycle_stages(orders, as_of=prev.end, customers=customers, rules=stage_rules)
counts, counts_prev = L.stage_counts(stages), L.stage_counts(stages_prev)
if not ds.has("customers"):
    counts, counts_prev = counts.loc[counts["stage"] != "prospect"], counts_prev.loc[counts_prev["stage"] != "prospect"]
    display(Markdown("*No customers table in this dataset, so there are no prospects: only buyers get a stage.*"))"""),
    md("""
**How to read the chart:** solid bars are the customers in each stage at the end of the report period, hatched bars the same at the end of the previous period.
"""),
    code("""PL.plot_stage_counts(counts, previous=counts_prev, labels=(P.label, prev.label))
plt.show()
_ = crmkit.save_table(stages[["stage", "recency_days", "purchase_days"]], output_dir, "lifecycle_stages.csv")"""),
    md("""
## 2. How customers moved between stages

**The matrix** has one row per stage at the end of the previous period and one column per stage now; each cell is the share of the row's customers (and their number) who ended up in that column. The diagonal holds those who stayed. **The flow chart** draws the same numbers as bands: each band carries the customers going from a stage on the left to a stage on the right, in the colour of the stage they came from. *Not yet a customer* are people who signed up or first bought during the period.
"""),
    code("""transitions = L.stage_transitions(orders, period=P, customers=customers, rules=stage_rules)
PL.plot_transition_matrix(transitions)
plt.show()
PL.plot_stage_flow(transitions, labels=(f"end of {prev.label}", f"end of {P.label}"), min_share=0.004)
plt.show()"""),
    md("""
## 3. Value-tier migration

Customers are ranked by their spend over a **trailing window** (by default the 365 days up to each date) and split ABC-style: *high* are the fewest top spenders who together bring 80% of the window's revenue, *medium* the next ones up to 95%, *low* the rest; customers without a purchase in the window have no tier (*none*). Because each date uses its own window, a customer moves up by spending more recently and down by spending less. **How to read the heatmap:** rows are the tier at the end of the previous period, columns the tier now; off-diagonal cells above the diagonal moved down, below it moved up. The table below compares the customers who **moved up**, stayed or moved down: what they did in the report period.
"""),
    code("""migration = L.tier_migration(orders, period=P, window_days=rules["tier_window_days"],
                             thresholds=rules["tier_thresholds"])
PL.plot_tier_migration(L.migration_counts(migration))
plt.show()
moves = migration["movement"].value_counts().reindex(["up", "same", "down", "entered", "lapsed"], fill_value=0)
display(Markdown(" · ".join(f"**{k}** {v:,}" for k, v in moves.items())))
profile = L.migration_profile(orders, migration, period=P, customers=customers)
display(crmkit.table(profile.reset_index(), percent=tuple(c for c in ("buyers_in_period", "top_channel_share")
                                                              if c in profile.columns),
                     money=("aov_in_period", "revenue_in_period"), currency=ds.currency))"""),
    md("""
## 4. Acquisition cohorts

A **cohort** is the group of customers whose first purchase fell in the same month. Following each cohort month by month separates "are we keeping customers better?" from "did we simply acquire more?". **How to read the heatmaps:** each row is a cohort, each column the number of months since its first purchase (0 = the acquisition month, always 100%). The first heatmap shows the share of the cohort's customers who bought in that month (**customer retention**); the second shows the cohort's revenue in that month as a share of its first-month revenue (**revenue retention**; above 100% means the cohort spends more than when it arrived). Read along a row to see one cohort age; read down a column to compare cohorts at the same age. Cells further right are missing because those months have not happened yet.
"""),
    code("""cohorts = C.cohort_table(orders, freq=cohort_freq, end=P.end)
summary = C.cohort_summary(orders, freq=cohort_freq, end=P.end)
shown = cohorts.loc[cohorts["cohort_customers"] >= min_cohort_customers]
hidden = summary.loc[summary["customers"] < min_cohort_customers]
if len(shown):
    PL.plot_cohort_heatmap(shown, value="retention", freq=cohort_freq)
    plt.show()
    PL.plot_cohort_heatmap(shown, value="revenue_retention", freq=cohort_freq)
    plt.show()
if len(hidden):
    display(Markdown(f"*{len(hidden)} cohort(s) with fewer than {min_cohort_customers} customers "
                     f"({int(hidden['customers'].sum()):,} customers in all) are left out of the heatmaps.*"))
_ = crmkit.save_table(cohorts, output_dir, "cohorts.csv")"""),
    md("""
**Per cohort:** customers acquired, the share who so far bought on one day only (no second purchase), the average number of days between their first and last purchase, and revenue per customer to date.
"""),
    code("""display(crmkit.table(summary.reset_index().assign(cohort=lambda d: d["cohort"].dt.strftime("%Y-%m")),
                     percent=("one_time_share",), money=("revenue_per_customer",), currency=ds.currency,
                     decimals=0))"""),
    md("""
## 5. Retention by acquisition channel and first category

The same retention, with all cohorts pooled, for groups of customers: by the **channel that acquired them** and by the **category of their first purchase**. At each month since acquisition the line is the share of the group's customers who bought in that month, among the customers old enough to be observed at that age. Points resting on fewer than 30 customers are not drawn. A line that stays higher keeps its customers better.
"""),
    code("""curves, channel = {}, None
if ds.has("customers") and "acquisition_channel" in customers.columns:
    channel = customers.drop_duplicates("customer_id").set_index("customer_id")["acquisition_channel"]
    curves["acquisition channel"] = C.retention_curves(orders, groups=channel, freq=cohort_freq, end=P.end)
if ds.has("order_items", "products"):
    first_cat = B.first_purchase_category(orders, ds.order_items, ds.products)
    curves["first-purchase category"] = C.retention_curves(orders, groups=first_cat, freq=cohort_freq, end=P.end)
if curves:
    fig, axes = plt.subplots(1, len(curves), figsize=(6.8 * len(curves), 4.4), squeeze=False)
    for ax, (what, cur) in zip(axes[0], curves.items()):
        PL.plot_retention_curves(cur, title=f"Retention by {what}", freq=cohort_freq, ax=ax)
    fig.tight_layout()
    plt.show()
missing = [t for t in ("customers", "order_items", "products") if not ds.has(t)]
overall = C.retention_curves(orders, freq=cohort_freq, end=P.end)
if missing:
    display(Markdown(f"*Retention by channel or first category needs the {', '.join(missing)} table(s), "
                     f"which this dataset does not have; the curve below is for all customers.*"))
    PL.plot_retention_curves(overall, title="Retention of all customers", freq=cohort_freq)
    plt.show()"""),
    md("""
## 6. How long customers stay (survival)

A customer's **lifetime** runs from the first to the final purchase. Whether a purchase was the final one is only known in hindsight, once the customer has gone `churn_days` days without buying (the churn rule of section 1). So at the report date we can confirm lifetimes that ended at least `churn_days` days ago; for every other customer we only know that their lifetime is longer than that. The **Kaplan-Meier** estimate (the standard method of survival analysis, written and tested in crmkit) uses both kinds of customers correctly: on each day since the first purchase it asks, of the customers still followed at that point, how many stopped buying that day. Customers acquired less than `churn_days` days before the report date are left out: it is too early to tell.

**How to read the chart:** the curve is the share of customers still buying so many days after their first purchase. The drop at day 0 is the share who bought once and never returned; a curve that stays higher means longer-lived customers. It ends where the data ends: with a short history only the first months of a lifetime can be seen. The table reads the curves at three points (blank beyond the curve); the median is the day by which half of the customers have stopped buying.
"""),
    code("""lifetimes = C.customer_lifetimes(orders, as_of=P.end, churn_days=rules["churn_days"])
survival = C.survival_by_group(lifetimes, groups=channel, min_customers=30)
surv_table = C.survival_summary(survival)
if len(survival):
    PL.plot_survival(survival, title="Share of customers still buying"
                     + (" by acquisition channel" if channel is not None else ""))
    plt.show()
    display(crmkit.table(surv_table.reset_index(), decimals=0,
                         percent=tuple(c for c in surv_table.columns if c.startswith("still"))))
else:
    display(Markdown(f"*No customer made a first purchase more than {rules['churn_days']} days before "
                     f"{P.end:%Y-%m-%d}, so no lifetime can be judged yet.*"))"""),
    md("""
## 7. For workshops: stages against the planted truth

In the synthetic `demo` data every customer's true fate is known: whether they dropped out for good, and when. A good stage rule puts most truly lost customers in *churned* and few of them in *loyal*. This table shows, for each stage, the share of its customers who truly dropped out by the end of the data.
"""),
    code("""if ds.truth and "customers" in ds.truth:
    display(crmkit.table(L.stage_vs_truth(stages, ds.truth["customers"]), percent=("truly_dropped_out",)))
else:
    display(Markdown("This dataset has no planted truth (real data)."))"""),
    md("""
## Findings
"""),
    code("""findings = L.lifecycle_findings(stages, transitions, period=P, migration=migration, profile=profile,
                                currency=ds.currency)
findings += C.cohort_findings(cohorts, summary, freq=cohort_freq, curves=curves)
findings += C.survival_findings(surv_table, churn_days=rules["churn_days"])
display(crmkit.bullets(findings))
crmkit.save_summary(output_dir, "lifecycle", {
    "period": P.label, "stages": dict(zip(counts["stage"], counts["customers"].astype(int).tolist())),
    "tier_movement": {k: int(v) for k, v in moves.items()}, "findings": findings})"""),
    code(VERSIONS),
]

write("notebooks/04_lifecycle.ipynb", lifecycle, title="Customer lifecycle, cohorts and retention",
      requires=["orders"])
