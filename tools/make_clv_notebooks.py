"""Write the first version of notebook 05 (customer lifetime value); see tools/nbbuild.py.

Run: ``PYTHONPATH=tools .venv/bin/python tools/make_clv_notebooks.py``
"""

from nbbuild import VERSIONS, code, md, parameters, write

EXTRA = '''holdout_weeks: int = 0  # holdout length in weeks; 0 means: from the params file (analysis: clv: holdout_weeks), else a quarter of the history, at most 26
horizon_months: int = 0  # CLV horizon in months; 0 means: from the params file, else 12
discount_rate: float = -1.0  # discount rate per month; negative means: from the params file, else 0.01
top_n: int = 15  # rows of the CLV table shown here (the CSV holds every customer)'''

IMPORTS = '''import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmkit
from crmkit import clv, clv_report, plots
from crmkit.plots import clv as clv_plots

plots.set_theme()
pd.options.display.float_format = "{:,.3f}".format'''

LOAD = '''data = crmkit.open_data(params_file, prepared_dir)
ds = data.dataset
first_day, last_day = ds.date_range
P = ds.period(period)
rules = data.rules("clv", clv_report.DEFAULT_RULES)
if holdout_weeks:
    rules["holdout_weeks"] = int(holdout_weeks)
if horizon_months:
    rules["horizon_months"] = int(horizon_months)
if discount_rate >= 0:
    rules["discount_rate"] = float(discount_rate)
unit = rules["time_unit"]
unit_word = {"W": "weeks", "D": "days"}[unit]
purchases = clv_report.model_orders(ds.orders, exclude_outliers=rules["exclude_outliers"])
plan = clv_report.plan_holdout(data_start=purchases["order_date"].min(), data_end=last_day,
                               report_end=P.end, holdout_weeks=rules["holdout_weeks"],
                               max_holdout_weeks=rules["max_holdout_weeks"])
print(f"{ds.name}: orders from {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}; report period {P.label}; "
      f"customer value as of {plan.observation_end:%Y-%m-%d}")'''

cells = [
    md("""
# Customer lifetime value: what is each customer worth?

*For marketing and CRM managers who set budgets per customer, the analysts who support them, and workshop participants. Question: how much revenue can we expect from each customer, how far can we trust that forecast, and where is the value concentrated?*

We start with two simple measures that need no model: what customers have spent so far (**historical CLV**) and the textbook formula (**average order value x purchase frequency x lifespan**). Then we fit the "buy 'til you die" models that predict each customer's future purchases (**BG/NBD**, and **Pareto/NBD** for comparison) and spend per purchase (**Gamma-Gamma**), check them honestly on purchases they have not seen, and turn them into a predicted CLV per customer. The table is written next to this report as `clv_predictions.csv`, sorted by predicted CLV, for campaigns. All values are revenue, not profit: multiply by your margin for a profit view.
"""),
    parameters(EXTRA),
    code(IMPORTS),
    code(LOAD),
    md("""
## 1. What the models see: one line per customer

The models need only three numbers per customer, counted on **purchases** (completed orders with a positive amount; orders the cleaning step flagged as extreme outliers are left out, because one of them would dominate a customer's average order value). Orders on the same day count as one purchase day.

- **frequency**: the number of *repeat* purchase days (all purchase days but the first);
- **recency**: time from the first to the last purchase (0 for one-time buyers);
- **T**: time from the first purchase to the report date (the customer's age);
- **monetary value**: the average revenue of the repeat purchase days (for the spend model).

Time is in the unit set by `time_unit` (weeks by default). A customer with high frequency whose last purchase was long ago (recency much smaller than T) has probably left; the models make this intuition precise.
"""),
    code("""summary = clv.btyd_summary(purchases, end=plan.observation_end, time_unit=unit)
n_outliers = int(ds.orders["is_outlier"].sum()) if "is_outlier" in ds.orders.columns else 0
display(Markdown(
    f"{len(summary):,} customers with a purchase up to {plan.observation_end:%Y-%m-%d}; "
    f"{(summary['frequency'] > 0).mean():.0%} of them bought again at least once. "
    f"{n_outliers:,} orders flagged as outliers are left out. Time unit: {unit_word}."))
cols = ["frequency", "recency", "T", "monetary_value"]
display(crmkit.table(summary[cols].describe(percentiles=[0.5, 0.9]).T[["mean", "50%", "90%", "max"]]
                     .rename_axis("column").reset_index()))"""),
    md("""
## 2. Looking back: historical CLV and the simple formula

**Historical CLV** is each customer's revenue to date: the sum of their purchases up to the report date. It is a fact, not a forecast, and it rewards old customers simply for being old.

The **simple formula** that most CRM courses start from is *CLV = average order value x purchase frequency x expected lifespan*. The table says how each input is measured here. It gives one number for the *average* customer, assumes every customer buys and leaves like the average, and does not discount future revenue.
"""),
    code("""historical = clv_report.historical_clv(purchases, end=plan.observation_end)
simple = clv_report.simple_clv(purchases, end=plan.observation_end, window_days=rules["simple_window_days"],
                               max_lifetime_periods=rules["max_lifetime_periods"], currency=ds.currency)
top10 = clv_report.concentration(historical, shares=(0.1,))["value_share"].iloc[0]
display(Markdown(
    f"**Historical CLV**: {ds.currency}{historical.sum():,.0f} from {len(historical):,} customers, "
    f"{ds.currency}{historical.mean():,.2f} per customer on average (median {ds.currency}{historical.median():,.2f}); "
    f"the top 10% of customers by revenue to date account for {top10:.0%} of it."))
display(crmkit.table(simple[["label", "shown", "unit", "measured_as"]].rename(
    columns={"label": "input", "shown": "value", "measured_as": "how it is measured"})))"""),
    md("""
## 3. The models in plain words

**BG/NBD** (beta-geometric / negative binomial distribution; Fader, Hardie & Lee 2005) tells a simple story about each customer:

- while "alive", a customer buys at their own steady rate, with random gaps like arrivals at a shop (a Poisson process);
- these personal rates differ between customers; how they are spread is described by two numbers, **r** and **alpha** (a gamma distribution): the average rate is **r / alpha** purchases per time unit, and a small **r** means very unequal customers (a few heavy buyers, many light ones);
- after each repeat purchase, a customer may leave for good ("die") with a personal probability; these probabilities are spread between customers as described by **a** and **b** (a beta distribution): the average dropout chance per purchase is **a / (a + b)**.

We never see anyone leave: we only see that they stopped buying. That is why the model needs *recency*: a frequent buyer who has been silent for a long time has probably left, while a rare buyer who has been silent just as long may simply not be due yet.

**Pareto/NBD** (Schmittlein, Morrison & Colombo 1987) has the same purchase part (**r**, **alpha**) but lets customers leave at any moment, not only right after a purchase: each customer's lifetime is exponential with a personal dropout rate, spread as described by **s** and **beta** (average dropout rate **s / beta** per time unit). It is the older model; BG/NBD is easier to compute and usually predicts about as well. We fit both and compare.

**Gamma-Gamma** (Colombo & Jiang 1999; Fader, Hardie & Lee 2005) models spend per purchase: each customer has their own average order value, their orders vary around it (**p**: the larger, the more consistent; order-to-order variation 1 / sqrt(p)), and the averages differ between customers (**q**, **gamma**). The population's mean order value is **p x gamma / (q - 1)**. A customer with few purchases is pulled toward that mean; one with many keeps close to their own average. It assumes that how much a customer spends per order does not depend on how often they buy (checked below).

**CLV** combines them: expected purchases in each future month x expected spend per purchase, discounted to today, summed over the horizon.
"""),
    md("""
## 4. Can we trust the forecast? Holdout validation

Before using a forecast we check it on purchases it has not seen. The models are fitted on a **calibration** window only and then predict each customer's repeat purchases in the **holdout** window that follows; we compare with what actually happened.

**The split.** The holdout is the last weeks of data up to the report date, so the check uses only what was known on that date. Its length is `holdout_weeks` (params file, `analysis: clv:`), else a quarter of the history, at most 26 weeks: long enough for customers to show their rhythm, short enough to leave three quarters of the history to learn from. Customers whose first purchase falls in the holdout are not part of the check (the models predict repeat purchases of known customers).

**Two naive baselines** show what the models must beat: each customer keeps buying at their **own past rate** (repeat purchases / time since the first purchase), or everyone buys at the **average rate**. Neither allows customers to leave.

**How to read the chart:** grey bars are the actual purchases per customer in the holdout, grouped by how many repeat purchases the customers made in the calibration window (0, 1, ..., 7+; the number of customers below each group); lines are the predictions. A good model follows the bars in every group, not only in total.
"""),
    code("""display(Markdown(f"Holdout length: {plan.reason}."))
display(crmkit.table(plan.table(), decimals=1).format("{:%Y-%m-%d}", subset=["from", "to"]))
errors = None
if plan.has_holdout:
    holdout = clv.btyd_holdout(purchases, calibration_end=plan.calibration_end,
                               observation_end=plan.observation_end, time_unit=unit)
    calibration_models = clv_report.fit_models(holdout, spend=False)
    comparison = clv_report.holdout_comparison(holdout, calibration_models)
    for key in comparison.attrs["dropped"]:
        display(Markdown(f"The {clv_report.METHOD_LABELS[key]} fit on the calibration window gives no "
                         "usable predictions on this data (extreme parameters); it is left out here."))
    by_frequency = clv_report.holdout_by_frequency(comparison, max_bucket=rules["max_frequency_bucket"])
    errors = clv_report.holdout_errors(comparison)
    display(crmkit.table(by_frequency.rename(columns=clv_report.METHOD_LABELS).rename(
        columns={"actual": "actual purchases"}), index=True, decimals=3))
    clv_plots.plot_holdout_by_frequency(by_frequency)
    plt.show()
    display(crmkit.table(clv_report.errors_display(errors), percent=("total error",), decimals=3))
else:
    display(Markdown(f"No holdout check: {plan.reason}."))"""),
    md("""
**Reading the errors.** *Total error* is (predicted - actual) / actual summed over all customers: what matters for a budget. The *mean absolute error per customer* measures how well individual customers are ranked and sized: what matters for targeting. A model that is close in total but has a large per-customer error gets the crowd right and the individuals wrong.
"""),
    md("""
## 5. The models fitted on all data up to the report date

For the forecast the models are refitted on everything known on the report date. Each parameter comes with a standard error and a 95% interval (from the curvature of the likelihood); a wide interval means the data pin that parameter down only loosely. The second table turns the parameters into quantities that can be read directly.
"""),
    code("""models = clv_report.fit_models(summary)
display(crmkit.table(clv_report.parameter_table(models, summary), decimals=3))
display(crmkit.table(clv_report.derived_table(models, summary), decimals=4))
corr = clv_report.spend_frequency_correlation(summary)
display(Markdown(
    f"**Gamma-Gamma check**: among customers with repeat purchases the correlation between how often "
    f"they buy and their average order value is {corr:.2f}. The model assumes none; "
    + ("a value this close to 0 supports it." if abs(corr) < 0.3 else
       "a value this far from 0 means expected spend is less reliable for the heaviest buyers.")))
t_horizon = rules["horizon_months"] * 365.25 / 12 / (7 if unit == "W" else 1)
model_key, notes = clv_report.choose_transaction_model(
    models, summary, preferred=rules["transaction_model"], t=t_horizon)
if notes:
    display(crmkit.bullets(notes))"""),
    md("""
## 6. What the model has learned: frequency, recency and the chance of being active

Each cell is a hypothetical customer who first bought *T* time units ago (the oldest customers' age), made the number of repeat purchases on the horizontal axis, the last one at the recency on the vertical axis (top row: bought very recently). **How to read:** on the left heatmap the brightest cells are frequent *and* recent buyers, who are expected to buy most in the coming horizon. On the right, the probability that the customer is still active: frequent buyers who have gone quiet (bottom right) are probably gone, because for them a long silence is unusual, while a one-time buyer is never "proven" gone by the BG/NBD (they can only drop out after a repeat purchase).
"""),
    code("""if model_key is None:
    display(Markdown("No heatmaps: neither transaction model is usable on this data (see section 5)."))
else:
    transaction_model = models[model_key]
    max_frequency = int(min(max(summary["frequency"].quantile(0.95), 5), 40))
    grid = clv_report.expectation_grid(transaction_model, t=t_horizon, max_frequency=max_frequency,
                                       T=float(summary["T"].max()))
    clv_plots.plot_expectation_heatmap(grid, value="expected_purchases")
    plt.show()
    clv_plots.plot_expectation_heatmap(grid, value="probability_alive")
    plt.show()"""),
    md("""
## 7. Predicted CLV per customer

Each customer's **CLV** is the model's expected revenue over the next `horizon_months` months: expected purchases in each month (from the transaction model and the customer's frequency, recency and age) times the expected spend per purchase (Gamma-Gamma), discounted at `discount_rate` per month to the report date. Next to it: the probability the customer is still active and their revenue to date (historical CLV), so you can see who is worth more in the future than in the past.

The full table (IDs only, no personal data) is written as `clv_predictions.csv`, sorted by predicted CLV from highest to lowest, ready for campaign selection. **How to read the charts:** the histogram uses a log scale because value is very unequal (a few customers are worth far more than most); the bars show the most valuable customers, with their revenue to date as dots.
"""),
    code("""predictions = None
if model_key is None:
    display(Markdown("No predicted CLV: neither transaction model is usable on this data (see section 5)."))
else:
    predictions = clv_report.clv_predictions(
        transaction_model, models["gamma_gamma"], summary, horizon_months=rules["horizon_months"],
        discount_rate=rules["discount_rate"], historical=historical)
    path = crmkit.save_table(predictions, output_dir, "clv_predictions.csv")
    display(Markdown(f"Predicted CLV over {rules['horizon_months']} months for {len(predictions):,} customers, "
                     f"from the {clv_report.METHOD_LABELS[model_key]} and Gamma-Gamma models. Full table: `{path.name}`."))
    display(crmkit.table(predictions.head(top_n), index=True, percent=("p_alive",), currency=ds.currency,
                         money=("monetary_value", "expected_spend", "clv", "historical_clv")))
    display(crmkit.table(clv_report.concentration(predictions["clv"]).rename(columns={
        "top_share": "top customers", "customers": "how many", "value_share": "share of predicted CLV"}),
        percent=("top customers", "share of predicted CLV")))
    clv_plots.plot_clv_distribution(predictions, currency=ds.currency)
    plt.show()
    clv_plots.plot_top_customers(predictions, top=20, currency=ds.currency)
    plt.show()"""),
    md("""
**Three values side by side.** They answer different questions, so they differ: historical CLV looks back, the simple formula looks ahead over a whole average lifespan without discounting, and the model looks ahead over the horizon for each customer separately.
"""),
    code("""if predictions is not None:
    display(crmkit.table(clv_report.value_comparison(
        historical, simple, predictions, horizon_months=rules["horizon_months"],
        discount_rate=rules["discount_rate"], currency=ds.currency)))"""),
    md("""
## 8. Did the forecast come true?

When the data already covers time after the report date (a report for a past period), we can check the forecast made on the report date against what customers actually did next, with the same measures as the holdout check.
"""),
    code("""realised = None
if plan.realised_weeks >= 1:
    after = clv.btyd_holdout(purchases, calibration_end=plan.observation_end,
                             observation_end=plan.data_end, time_unit=unit)
    realised = clv_report.holdout_errors(clv_report.holdout_comparison(after, models))
    display(Markdown(f"The {plan.realised_weeks:.0f} weeks after {plan.observation_end:%Y-%m-%d}:"))
    display(crmkit.table(clv_report.errors_display(realised), percent=("total error",),
                         decimals=3))
else:
    display(Markdown(f"Not yet: the data ends on {plan.data_end:%Y-%m-%d}, the report date."))"""),
    md("""
## 9. For workshops: planted parameters versus recovered ones

The bundled `demo` dataset was generated with known BG/NBD and Gamma-Gamma parameters for three customer types (VIP, regular, occasional; time in **days**). When the dataset carries that truth, we fit both models again for the customers of each type separately, in days, and compare with the planted values. *Recovered* means the planted value lies within 3 standard errors of the estimate; the "± 95%" column is 1.96 standard errors.

Two clocks are compared. The generator runs the purchase process in **operational time**: calendar days are stretched by a seasonal intensity (weekends, Double 11, Chinese New Year, ...), so the calendar dates show seasonality while the purchase counts are exactly BG/NBD on the stretched clock. The **calendar** fit is what an analyst sees: seasonality left in and orders on the same day merged into one purchase day. The **operational** fit undoes both with the planted intensity and counts every order. Expect the operational fit to recover everything; on the calendar clock the mean purchase rate comes out a little low and the mean order value of frequent buyers a little high (two orders on one day look like one bigger order). The quantities the data pin down best are the mean purchase rate (r / alpha), the mean dropout probability (a / (a + b)) and the mean order value; VIPs buy so often and leave so rarely that their a and b are only loosely pinned at this size.
"""),
    code("""recovery = None
if ds.truth and "bgnbd" in ds.truth:
    recovery = clv_report.planted_recovery(purchases, ds.truth, end=plan.observation_end)
    display(crmkit.table(clv_report.recovery_display(recovery), decimals=4))
else:
    display(Markdown("This dataset has no planted truth (real data)."))"""),
    md("""
## Findings
"""),
    code("""display(crmkit.bullets(clv_report.clv_findings(
    plan=plan, historical=historical, simple=simple, errors=errors, predictions=predictions,
    horizon_months=rules["horizon_months"], discount_rate=rules["discount_rate"], currency=ds.currency,
    model=model_key, realised=realised, recovery=recovery)))
crmkit.save_summary(output_dir, "clv", clv_report.clv_summary(
    plan=plan, errors=errors, predictions=predictions, simple=simple, historical=historical,
    horizon_months=rules["horizon_months"], discount_rate=rules["discount_rate"], model=model_key,
    realised=realised))"""),
    code(VERSIONS),
]

write("notebooks/05_clv.ipynb", cells, title="Customer lifetime value", requires=["orders"])
