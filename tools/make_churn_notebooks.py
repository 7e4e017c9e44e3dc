"""Write the first version of notebook 06 (churn prediction); see tools/nbbuild.py.

Run: ``PYTHONPATH=tools .venv/bin/python tools/make_churn_notebooks.py``
"""

from nbbuild import VERSIONS, code, md, parameters, write

EXTRA = '''horizon_days: int = 0  # churn horizon N in days; 0 means: from the params file (analysis: churn: horizon_days), else 90
top_n: int = 15  # rows of the at-risk list shown here (the CSV holds every customer above the threshold)'''

IMPORTS = '''import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmkit
from crmkit import churn, plots
from crmkit.plots import churn as churn_plots

plots.set_theme()
pd.options.display.float_format = "{:,.3f}".format'''

LOAD = '''data = crmkit.open_data(params_file, prepared_dir)
ds = data.dataset
first_day, last_day = ds.date_range
P = ds.period(period)
rules = data.rules("churn", churn.DEFAULT_RULES)
if horizon_days:
    rules["horizon_days"] = int(horizon_days)
plan = churn.plan_cutoffs(
    data_start=first_day, data_end=churn.data_end(ds), score_date=P.end,
    horizon_days=rules["horizon_days"], lookback_days=rules["lookback_days"],
    train_cutoff=rules["train_cutoff"], test_cutoff=rules["test_cutoff"])
extra = [t for t in ("customers", "order_items", "tickets", "surveys", "events") if ds.has(t)]
print(f"{ds.name}: orders from {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}; report period {P.label}; "
      f"customers scored as of {plan.score:%Y-%m-%d}")
print("feature sources: orders" + "".join(f", {t}" for t in extra))'''

cells = [
    md("""
# Churn prediction: who is about to stop buying, why, and whom to contact

*For retention and CRM managers, and the analysts who support them. Question: which active customers are likely to stop buying in the coming months, what drives it, and which of them are worth a retention contact?*

Churn is defined from the data, not hand-picked: a customer who bought recently **churns** when they make no purchase in the next *N* days. We learn from the past which customers churned, check the models honestly on a later period they have not seen, explain what drives churn, and finish with a ranked list of customers to contact, ordered by the value at risk. The list is written next to this report as `churn_at_risk.csv`.
"""),
    parameters(EXTRA),
    code(IMPORTS),
    code(LOAD),
    md("""
## 1. What counts as churn, and when we look

**Definition.** At a *cut-off* day, a customer is **active** when they made at least one purchase in the `lookback_days` before it (purchases are completed orders with a positive amount). An active customer **churned** when they made no purchase in the `horizon_days` (*N*) after the cut-off. Both numbers are business rules: set them in the params file (`analysis: churn:`).

**Cut-offs.** A model needs examples whose outcome is already known, so every cut-off used for learning or testing must leave its whole *N*-day label window inside the data:

- the **test** cut-off is *N* days before the scoring day, so its label window ends on the scoring day;
- the **training** cut-off is another *N* days earlier, so its label window ends where the test one begins (the model is tested on a later period it has never seen: *out-of-time* validation);
- customers are **scored** as of the report period's end, or the last day with data if that is earlier.

Nothing after the scoring day is used, so the report for a past period shows what the analyst could have known then. **How to read the chart:** grey bars are the lookback windows (who is active, and the history the features use); coloured bars are the label windows; a hatched bar means the outcome is not in the data yet.
"""),
    code("""shown = ("horizon_days", "lookback_days", "trend_days", "complaint_days", "web_days")
display(crmkit.table(pd.DataFrame({"rule": shown, "days": [int(rules[k]) for k in shown]})))
dates = ["cutoff", "active_since", "label_from", "label_to"]
display(crmkit.table(plan.table(), index=True).format("{:%Y-%m-%d}", subset=dates))
churn_plots.plot_cutoff_plan(plan);"""),
    md("""
## 2. Churn over time

The same definition applied at the end of every month: the share of active customers who did not buy in the following *N* days. A rising line is an early warning for the whole customer base; the dashed lines mark the training and test cut-offs, so you can see whether they were ordinary months.
"""),
    code("""over_time = churn.churn_rate_over_time(ds.orders, horizon_days=rules["horizon_days"],
                                       lookback_days=rules["lookback_days"], end=plan.data_end)
churn_plots.plot_churn_over_time(over_time, plan=plan);"""),
    md("""
## 3. Features as of the cut-off

Each customer is described using only what was known at the end of the cut-off day: purchases (recency, frequency, spend, tenure), the spend trend (recent spend versus the period before), the purchase rhythm (days since the last purchase divided by the customer's own usual gap), and, when the tables exist, sales channel, region and acquisition channel, product-category mix, service tickets and complaints, survey answers (NPS, CSAT) and web visits. Nothing dated after the cut-off enters a feature (this is tested), so the models cannot peek at the answer.

The table compares the average customer who stayed with the average churner at the training cut-off.
"""),
    code("""train = churn.churn_frame(ds, cutoff=plan.train, rules=rules)
test = churn.churn_frame(ds, cutoff=plan.test, rules=rules)
X_train, y_train = churn.split_xy(train)
X_test, y_test = churn.split_xy(test)
print(f"training cut-off {plan.train:%Y-%m-%d}: {len(train):,} active customers, {y_train.mean():.1%} churned")
print(f"test cut-off     {plan.test:%Y-%m-%d}: {len(test):,} active customers, {y_test.mean():.1%} churned "
      f"(the base rate)")
groups = churn.compare_groups(train).join(churn.describe_features(X_train.columns))
display(crmkit.table(groups, index=True))"""),
    md("""
## 4. Three models and a baseline

All models learn on the training cut-off.

- **Logistic regression** turns a weighted sum of the features into a churn probability. Features are standardised first, so each coefficient is read as an **odds ratio per standard deviation**: 1.5 means one standard deviation more of that feature multiplies the odds of churning by 1.5, the other features held fixed (correlated features share their effect). For labels such as region or acquisition channel, the most common label is the reference and each odds ratio compares with it. Extreme values are clipped to the 1st-99th percentile so a few huge spenders cannot dominate.
- A **shallow decision tree** asks a few yes/no questions and gives rules anyone can read.
- **Gradient boosting** (many small trees, each correcting the previous ones) is usually the most accurate and the least readable.
- The **recency baseline** ranks customers by days since their last purchase and nothing else. A model is only worth its complexity if it beats this.
"""),
    code("""models = churn.fit_models(X_train, y_train, max_depth=rules["tree_max_depth"],
                          random_state=rules["random_state"])
odds = churn.odds_ratios(models["logistic"])
churn_plots.plot_odds_ratios(odds, top=15)
plt.show()
display(crmkit.table(odds.head(10).join(churn.describe_features(odds.head(10).index)[["meaning"]]),
                     index=True))"""),
    md("""
**The decision tree.** Each box is a group of training customers: the question that splits it (left branch: yes), its share of all customers, and the shares who stayed and churned (`value = [stay, churn]`). Blue boxes are mostly churners and orange boxes mostly stayers; the deeper the colour, the clearer the majority. Below the drawing, the same tree as rules, one line per final group, riskiest first.
"""),
    code("""churn_plots.plot_churn_tree(models["tree"])
plt.show()
display(crmkit.table(churn.tree_leaves(models["tree"]), percent=("share", "churn_rate")))
print(churn.tree_text(models["tree"]))"""),
    md("""
## 5. Out-of-time validation

Every model now scores the customers of the **test** cut-off, which none of them saw, and we compare with what they actually did.

- **ROC AUC**: the chance that a random churner gets a higher score than a random stayer (0.5 = coin toss, 1 = perfect).
- **PR AUC** (average precision): how pure the flagged group stays as we flag more customers; compare it with the base rate, which is what random flagging achieves.
- **Brier score**: the average squared error of the probabilities (lower is better); it rewards probabilities you can take at face value.
- **Top-decile lift**: the churn rate among the 10% riskiest customers divided by the base rate.
"""),
    code("""probs = {k: m.churn_probability(X_test) for k, m in models.items()}
metrics = churn.evaluate_models(y_test, probs)
best_kind = churn.best_model(metrics)  # the best of the three models (never the baseline)
display(crmkit.table(metrics, index=True, decimals=3, percent=("top_decile_churn_rate", "base_rate")))
fig, axes = plt.subplots(1, 2, figsize=(12, 5))
churn_plots.plot_roc(churn.roc_curves(y_test, probs), ax=axes[0])
churn_plots.plot_pr(churn.pr_curves(y_test, probs), base_rate=y_test.mean(), ax=axes[1])
fig.tight_layout()"""),
    md("""
**Calibration** asks whether a predicted 30% really means that about 30% churn: customers are put in ten equal groups by predicted probability, and each point compares the group's average prediction with its actual churn rate. Points on the diagonal are well calibrated; points above it mean the model under-predicts churn. The validation is out of time, so a change in the overall churn rate between the two cut-offs shows up here as a shift.

**Lift and gains** show what a campaign gains from the ranking of the best model: the churn rate in each tenth of customers from riskiest to safest, and the share of all churners reached when contacting the riskiest first.
"""),
    code("""fig, axes = plt.subplots(1, 2, figsize=(12, 5))
churn_plots.plot_calibration(churn.calibration_table(y_test, probs), ax=axes[0])
gains = churn.gains_table(y_test, probs[best_kind])
churn_plots.plot_gains(gains, ax=axes[1])
fig.tight_layout()
plt.show()
churn_plots.plot_lift(gains);"""),
    md("""
**Whom to contact: a threshold from costs, not from 50%.** A retention contact (a call, a voucher) costs `contact_cost`; a contacted customer who would have churned stays with probability `retention_success_rate` and is then worth `value_per_saved_customer` (by default the average customer value at the test cut-off: the expected 12-month CLV when the CLV models can be fitted, else the past-year spend). Contacting everyone whose churn probability is at least a threshold gives, on the test customers whose outcome we know:

*expected profit = success rate x value per saved customer x churners contacted - contact cost x customers contacted*

We pick the threshold with the highest expected profit (chosen on the test cut-off, so it is slightly optimistic). The break-even probability, *contact cost / (success rate x value)*, is where a single contact starts to pay off when the probabilities are calibrated. The confusion matrix shows the decisions at that threshold against what actually happened.
"""),
    code("""test_values, _ = churn.customer_values(ds, as_of=plan.test, months=rules["value_months"])
value_per_saved = churn.value_per_saved_customer(test_values, customers=X_test.index,
                                                rule=rules["value_per_saved_customer"])
cost, success = float(rules["contact_cost"]), float(rules["retention_success_rate"])
curve = churn.profit_curve(y_test, probs[best_kind], contact_cost=cost, retention_success_rate=success,
                           value_per_saved=value_per_saved)
best = churn.best_threshold(curve)
display(Markdown(
    f"Contact cost {ds.currency}{cost:,.2f}, success rate {success:.0%}, value per saved customer "
    f"{ds.currency}{value_per_saved:,.2f}: break-even probability {cost / (success * value_per_saved):.1%}. "
    f"Best threshold for the {churn.MODEL_LABELS[best_kind]}: **{best['threshold']:.1%}**, contacting "
    f"{int(best['contacted']):,} of {len(y_test):,} test customers for an expected profit of "
    f"{ds.currency}{best['expected_profit']:,.0f}."))
fig, axes = plt.subplots(1, 2, figsize=(13, 4), gridspec_kw={"width_ratios": [3, 2]})
churn_plots.plot_profit_curve(curve, best=best, currency=ds.currency, ax=axes[0])
churn_plots.plot_confusion(churn.confusion_table(y_test, probs[best_kind], threshold=best["threshold"]), ax=axes[1])
fig.tight_layout()"""),
    md("""
## 6. What drives churn

**Permutation importance**: on the test customers, shuffle one feature's values (breaking its link with churn) and measure how much the best model's ROC AUC drops. A big drop means the model relies on that feature; a drop near zero means it does not need it (perhaps because a correlated feature carries the same information). **Partial dependence** then shows the direction: the average predicted churn probability when everybody's value of that feature is set to each value on the horizontal axis, all else unchanged.
"""),
    code("""importance = churn.permutation_drivers(models[best_kind], X_test, y_test,
                                      random_state=rules["random_state"])
churn_plots.plot_importance(importance, top=12)
plt.show()
top_features = list(importance.index[:3])
pdp = churn.partial_dependence_table(models[best_kind], X_test, top_features)
fig, axes = plt.subplots(1, len(top_features), figsize=(4.5 * len(top_features), 3.8), squeeze=False)
for f, ax in zip(top_features, axes[0]):
    churn_plots.plot_partial_dependence(pdp, feature=f, ax=ax)
fig.tight_layout()
plt.show()
display(crmkit.bullets(churn.driver_sentences(importance, pdp, top=5)))"""),
    md("""
## 7. Customers at risk today

The chosen model is refitted on the most recent cut-off whose outcome is known (the test cut-off) and scores every customer active on the scoring day. Each customer's **value** is what the company expects to lose if they leave, and the **value at risk** is that value times the churn probability. The list holds the customers at or above the cost-based threshold, ordered by value at risk; the **top reasons** are the behaviours that push that customer's risk up most in the logistic regression (coefficient times the customer's standardised value); an empty reason means no single behaviour stands out and the risk comes from the combination. Only customer IDs are shown.
"""),
    code("""now = churn.churn_frame(ds, cutoff=plan.score, rules=rules, labels=False)
final = churn.ChurnModel(best_kind, max_depth=rules["tree_max_depth"],
                         random_state=rules["random_state"]).fit(X_test, y_test)
explainer = churn.ChurnModel("logistic").fit(X_test, y_test)
probability = final.churn_probability(now)
value, value_basis = churn.customer_values(ds, as_of=plan.score, months=rules["value_months"])
at_risk = churn.at_risk_list(probability, value=value, threshold=best["threshold"],
                             reasons=churn.top_reasons(explainer, now))
path = crmkit.save_table(at_risk, output_dir, "churn_at_risk.csv")
display(Markdown(f"{len(at_risk):,} of {len(now):,} active customers are at or above the threshold; "
                 f"customer value = {value_basis}. Full list: `{path.name}`."))
display(crmkit.table(at_risk.head(top_n), index=True, percent=("churn_probability",),
                     money=("customer_value", "value_at_risk"), currency=ds.currency))
churn_plots.plot_score_distribution(probability, threshold=best["threshold"]);"""),
    md("""
**Did it come true?** When the data already covers the *N* days after the scoring day (a report for a past period), we can check the scores against what happened: the flagged customers should churn far more often than the others, and the average prediction should be close to the actual rate.
"""),
    code("""realised = None
if plan.realised:
    outcome = churn.churn_labels(ds.orders, cutoff=plan.score, horizon_days=rules["horizon_days"],
                                 lookback_days=rules["lookback_days"])
    realised = churn.realised_outcome(probability, outcome, threshold=best["threshold"])
    display(crmkit.table(realised, index=True, percent=("predicted_churn", "actual_churn")))
else:
    display(Markdown(f"Not yet: the {rules['horizon_days']} days after {plan.score:%Y-%m-%d} are not in the data."))"""),
    md("""
## 8. For workshops: planted churn drivers

The bundled `demo` dataset was generated with known churn drivers. When the dataset carries that truth, this table checks that the analysis recovers them: each planted driver should appear among the strongest features of the best model.
"""),
    code("""if ds.truth and "churn_drivers" in ds.truth:
    display(crmkit.table(churn.planted_driver_check(importance, ds.truth["churn_drivers"]), decimals=4))
else:
    display(Markdown("This dataset has no planted truth (real data)."))"""),
    md("""
## Findings
"""),
    code("""findings = churn.churn_findings(plan=plan, base_rate=float(y_test.mean()), metrics=metrics,
                               best_kind=best_kind, importance=importance, threshold=best, at_risk=at_risk,
                               scored=len(now), currency=ds.currency, value_basis=value_basis,
                               realised=realised, over_time=over_time)
display(crmkit.bullets(findings))
crmkit.save_summary(output_dir, "churn", churn.churn_summary(
    plan=plan, base_rate=float(y_test.mean()), metrics=metrics, importance=importance,
    threshold=best, at_risk=at_risk, value_basis=value_basis, best_kind=best_kind))"""),
    code(VERSIONS),
]

write("notebooks/06_churn.ipynb", cells, title="Churn prediction", requires=["orders"])
