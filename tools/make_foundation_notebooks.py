"""Write the first versions of notebooks 00 and 01 (see tools/nbbuild.py)."""

from nbbuild import VERSIONS, code, md, parameters, write

LOAD = '''data = crmkit.open_data(params_file, prepared_dir)
ds = data.dataset
first_day, last_day = ds.date_range
P = ds.period(period)
print(f"{ds.name}: orders from {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}; report period {P.label}")'''

IMPORTS = '''import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmkit
from crmkit import plots

plots.set_theme()
pd.options.display.float_format = "{:,.2f}".format'''

write("notebooks/00_data_quality.ipynb", [
    md("""
# Data quality and cleaning

*For analysts and the owners of the CRM export. Question: can we trust this data, and what did crmkit repair before the other reports used it?*

Every crmkit report works on the same cleaned copy of the data. This report shows what the export looked like when it was loaded, which cleaning rules changed something, and what is worth fixing in the source system so the next export needs less repair.
"""),
    parameters(),
    code(IMPORTS),
    code(LOAD),
    md("""
## 1. What was loaded

One row per table: how many rows and columns arrived after mapping the export's columns to crmkit's names. Only `orders` is required; the other tables unlock more reports.
"""),
    code("""display(crmkit.table(ds.summary()))"""),
    md("""
## 2. Columns as loaded (before cleaning)

For each column: its type, how many values are missing and how many distinct values it has. Examples of personal data (names, e-mails, phones) are masked. **How to read the chart:** long bars are columns with many gaps; a required column should have none.
"""),
    code("""profile = data.profile
display(crmkit.table(profile, percent=("missing_share",)))
if profile["missing"].any():
    plots.plot_missing(profile)
else:
    display(Markdown("No column has missing values."))"""),
    md("""
## 3. What cleaning changed

Cleaning runs once per report run, in one place, with these rules: duplicates removed, labels unified, e-mails and phones normalised, missing labels filled, negative amounts treated as returns, future-dated orders removed, extreme orders flagged. Each row below is one rule on one table; rules that found nothing are listed too, so you can see what was checked.
"""),
    code("""log = data.cleaning_log
display(crmkit.table(log))
if log["rows_affected"].any():
    plots.plot_cleaning_log(log)"""),
    md("""
## 4. What to fix at the source

Repairs here keep the reports running, but the cleanest fix is in the CRM itself. The list is ordered by the number of rows affected.
"""),
    code("""fixes = crmkit.source_fixes(log)
display(crmkit.table(fixes) if len(fixes) else Markdown("Nothing to fix: the export passed every rule."))"""),
    md("""
## 5. For workshops: planted defects versus what was found

The bundled `demo` dataset has data-quality defects planted in known numbers. When the dataset carries that truth, this table compares it with the cleaning log: every row should match.
"""),
    code("""if ds.truth and "defects" in ds.truth:
    display(crmkit.table(crmkit.cleaning.compare_with_planted(log, ds.truth["defects"])))
else:
    display(Markdown("This dataset has no planted truth (real data)."))"""),
    md("""
## Findings
"""),
    code("""display(Markdown(crmkit.cleaning.findings(log, tables=ds.tables)))"""),
    code(VERSIONS),
], title="Data quality and cleaning", requires=["orders"])

write("notebooks/01_kpi_overview.ipynb", [
    md("""
# KPI overview

*For managers and analysts. Question: how did the business do in this period, compared with the one before?*

The headline numbers of a CRM: revenue, customers, order value, how many customers come back, what it costs to win one, and how satisfied they are. Each number is computed for the report period and for the previous period of the same length.
"""),
    parameters(),
    code(IMPORTS),
    code(LOAD),
    md("""
## 1. Headline KPIs

**Definitions.** A *purchase* is a completed order with a positive amount (returns and cancellations are not purchases). *Active* customers bought at least once in the period; *new* customers made their first purchase ever in it. *Retention* is the share of last period's buyers who bought again this period; *churn* is its complement. *CAC* is marketing spend divided by new customers. The *simple LTV* multiplies order value, purchases per customer and the expected number of periods a customer stays (1 / churn). *NPS* is % promoters (9-10) minus % detractors (0-6); *CSAT* is the share of answers 4 or 5. CAC, NPS and CSAT appear only when the dataset has marketing spend and surveys.
"""),
    code("""kpis = crmkit.kpi_table(ds.orders, period=P, marketing_spend=ds.marketing_spend,
                        surveys=ds.surveys, **data.rules("kpi"))
shown = pd.DataFrame(crmkit.headline(kpis, currency=ds.currency)).set_index("kpi")
shown["definition"] = kpis["definition"]
display(crmkit.table(shown.rename(columns={"label": "KPI", "change": "change vs previous"})))
crmkit.save_summary(output_dir, "kpi", {"period": P.label, "headline": crmkit.headline(
    kpis.loc[kpis.index.intersection(["revenue", "orders", "active_customers", "new_customers",
                                      "aov", "repurchase_rate", "retention_rate", "cac", "nps", "csat"])],
    currency=ds.currency)})"""),
    md("""
## 2. Trends

Monthly revenue and customers over the whole history, with the report period shaded. **How to read:** compare the shaded months with the same months a year earlier to separate growth from seasonality.
"""),
    code("""trend = crmkit.kpi_trend(ds.orders, freq="M")
fig, axes = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
plots.plot_trend(trend, y="revenue", period=P, currency=ds.currency, ax=axes[0])
plots.plot_trend(trend, y="active_customers", period=P, ax=axes[1], label="active")
axes[1].plot(trend.index, trend["new_customers"], marker="o", label="new")
axes[1].legend(loc="upper left")
axes[1].set(title="Active and new customers per month", ylabel="customers")
fig.tight_layout()"""),
    md("""
## 3. Period comparison

Each bar is one KPI's change against the previous period. Green is good news, red is bad news: a *falling* churn rate, CAC or return rate is green.
"""),
    code("""plots.plot_kpi_change(kpis);"""),
    md("""
## Findings
"""),
    code("""display(crmkit.bullets(crmkit.kpi_findings(kpis, period=P, currency=ds.currency)))"""),
    code(VERSIONS),
], title="KPI overview", requires=["orders"])
