"""Charts of the churn analysis (:mod:`crmkit.analysis.churn`). Each takes computed frames and
``ax=None`` and returns the Axes."""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from ..labels import label
from . import currency_formatter, date_axis, get_ax

__all__ = [
    "plot_churn_over_time",
    "plot_cutoff_plan",
    "plot_odds_ratios",
    "plot_churn_tree",
    "plot_roc",
    "plot_pr",
    "plot_calibration",
    "plot_lift",
    "plot_gains",
    "plot_profit_curve",
    "plot_confusion",
    "plot_importance",
    "plot_partial_dependence",
    "plot_score_distribution",
    "plot_churn_rate_by",
]

_PCT = mticker.PercentFormatter(1.0, decimals=0)
_RISK_UP, _RISK_DOWN = "#ba2525", "#2f8132"




def plot_churn_over_time(rates: pd.DataFrame, *, plan=None, ax=None):
    """Churn rate at each monthly cut-off (:func:`crmkit.analysis.churn.churn_rate_over_time`),
    with the training and test cut-offs of ``plan`` marked."""
    ax = get_ax(ax)
    ax.plot(rates.index, rates["churn_rate"], marker="o", color="#3e7cb1", label="churn rate")
    if plan is not None:
        for role, c, col in (("training", plan.train, "tab:purple"), ("test", plan.test, "tab:orange")):
            ax.axvline(c, color=col, linestyle="--", linewidth=1.2, label=f"{role} cut-off")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(0, 1)
    date_axis(ax, minticks=3, maxticks=8)
    ax.set(xlabel="cut-off (month end)", ylabel="churned in the next N days",
           title="Churn rate of active customers, by cut-off")
    return ax


def plot_cutoff_plan(plan, *, ax=None):
    """Timeline of the training, test and scoring cut-offs: the lookback window that
    defines active customers and features (grey) and the label window (coloured)."""
    ax = get_ax(ax, figsize=(10, 2.8))
    t = plan.table()
    colors = {"train": "tab:purple", "test": "tab:orange", "score": "tab:green"}
    labels = {"train": "training", "test": "test", "score": "scoring"}
    for i, (role, r) in enumerate(t.iloc[::-1].iterrows()):
        ax.barh(i, r["cutoff"] + pd.Timedelta(days=1) - r["active_since"], left=r["active_since"],
                color="#cccccc", height=0.5)
        known = bool(r["labels_known"])
        ax.barh(i, r["label_to"] + pd.Timedelta(days=1) - r["label_from"], left=r["label_from"],
                color=colors[role], height=0.5, alpha=1.0 if known else 0.35,
                hatch=None if known else "//")
        ax.text(r["cutoff"], i + 0.32, f"{r['cutoff']:%Y-%m-%d}", ha="center", va="bottom", fontsize=8)
    ax.axvline(plan.data_end, color="black", linewidth=1)
    ax.text(plan.data_end, len(t) - 0.45, " last day with data", fontsize=8, va="bottom")
    ax.set_yticks(range(len(t)), [labels[r] for r in t.index[::-1]])
    ax.set_ylim(-0.6, len(t) - 0.1)
    date_axis(ax, minticks=3, maxticks=8)
    ax.set(xlabel="grey: lookback (who is active, features)   colour: the N-day label window "
                  "(hatched: not yet in the data)", ylabel="", title="Cut-offs of the churn study")
    return ax


def plot_odds_ratios(odds: pd.DataFrame, *, top: int = 15, ax=None):
    """Odds ratios per standard deviation (:func:`crmkit.analysis.churn.odds_ratios`), log scale;
    red raises churn, green lowers it."""
    d = odds.head(top).iloc[::-1]
    ax = get_ax(ax, figsize=(9, 0.35 * len(d) + 1.5))
    colors = np.where(d["odds_ratio"] >= 1, _RISK_UP, _RISK_DOWN)
    ax.barh([label(f) for f in d.index], d["odds_ratio"] - 1, left=1, color=colors)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    per = ("one standard deviation more, or this value instead of the most common one"
           if "level" in odds.columns and odds["level"].astype(bool).any()
           else "one standard deviation more")
    ax.set(xlabel=f"odds ratio for {per} (log scale; 1 = no effect)",
           ylabel="", title="Logistic regression: what raises (red) or lowers (green) the odds of churn")
    return ax


def plot_churn_tree(model, *, ax=None, fontsize: int = 8):
    """Draw a fitted decision-tree :class:`~crmkit.analysis.churn.ChurnModel` (:func:`sklearn.tree.plot_tree`).

    Each box shows the split, the share of training customers in the node and the
    shares who stayed and churned; darker orange means more churn.
    """
    from sklearn.tree import plot_tree

    ax = get_ax(ax, figsize=(14, 6))
    plot_tree(model.estimator_[-1], feature_names=[label(f) for f in model.model_features_],
              class_names=["stay", "churn"], filled=True, proportion=True, impurity=False,
              rounded=True, precision=2, fontsize=fontsize, ax=ax)
    ax.set_title("Decision tree: the first splits that separate churners from stayers")
    return ax


def plot_roc(roc: pd.DataFrame, *, ax=None):
    """ROC curves (:func:`crmkit.analysis.churn.roc_curves`) with the diagonal of a random score."""
    ax = get_ax(ax, figsize=(5.5, 5))
    sns.lineplot(data=roc, x="fpr", y="tpr", hue="model", ax=ax, errorbar=None,
                 estimator=None, sort=False)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="random")
    ax.set(xlabel="share of stayers flagged (false positive rate)",
           ylabel="share of churners flagged (true positive rate)", title="ROC curve (customers the models did not see)")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_pr(pr: pd.DataFrame, *, base_rate: float | None = None, ax=None):
    """Precision-recall curves (:func:`crmkit.analysis.churn.pr_curves`); the dotted line is the
    base rate (the precision of contacting customers at random)."""
    ax = get_ax(ax, figsize=(5.5, 5))
    sns.lineplot(data=pr, x="recall", y="precision", hue="model", ax=ax, errorbar=None,
                 estimator=None, sort=False)
    if base_rate is not None:
        ax.axhline(base_rate, color="grey", linestyle=":", label="base rate")
    ax.yaxis.set_major_formatter(_PCT)
    ax.xaxis.set_major_formatter(_PCT)
    ax.set(xlabel="share of churners found (recall)", ylabel="share of flagged who churn (precision)",
           title="Precision-recall curve (customers not seen)")
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_calibration(cal: pd.DataFrame, *, ax=None):
    """Predicted versus observed churn (:func:`crmkit.analysis.churn.calibration_table`)."""
    ax = get_ax(ax, figsize=(5.5, 5))
    sns.lineplot(data=cal, x="predicted", y="observed", hue="model", marker="o", ax=ax,
                 errorbar=None, estimator=None, sort=False)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    ax.xaxis.set_major_formatter(_PCT)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set(xlabel="predicted churn probability (bin average)", ylabel="observed churn rate",
           title="Calibration (customers the models did not see)")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_lift(gains: pd.DataFrame, *, ax=None):
    """Churn rate by risk decile (:func:`crmkit.analysis.churn.gains_table`), base rate dotted."""
    ax = get_ax(ax)
    ax.bar(gains.index.astype(str), gains["churn_rate"], color="#d9822b")
    base = gains["churners"].sum() / gains["customers"].sum()
    ax.axhline(base, color="black", linestyle=":", label=f"all customers {base:.0%}")
    for x, (rate, lift) in enumerate(zip(gains["churn_rate"], gains["lift"])):
        ax.text(x, rate, f"{lift:.1f}x", ha="center", va="bottom", fontsize=8)
    ax.yaxis.set_major_formatter(_PCT)
    ax.legend(loc="upper right")
    ax.set(xlabel="risk decile (1 = highest predicted risk)", ylabel="churn rate",
           title="Churn rate and lift by risk decile (customers not seen)")
    return ax


def plot_gains(gains: pd.DataFrame, *, ax=None):
    """Cumulative gains: share of all churners found when contacting the riskiest deciles."""
    ax = get_ax(ax, figsize=(5.5, 5))
    x = np.r_[0, gains["cum_share_customers"].to_numpy()]
    y = np.r_[0, gains["cum_share_churners"].to_numpy()]
    ax.plot(x, y, marker="o", color="#3e7cb1", label="model")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="random order")
    ax.xaxis.set_major_formatter(_PCT)
    ax.yaxis.set_major_formatter(_PCT)
    ax.legend(loc="lower right")
    ax.set(xlabel="share of customers contacted (riskiest first)", ylabel="share of churners reached",
           title="Cumulative gains (customers not seen)")
    return ax


def plot_profit_curve(curve: pd.DataFrame, *, best=None, currency: str = "¥", ax=None):
    """Expected profit by contact threshold (:func:`crmkit.analysis.churn.profit_curve`)."""
    ax = get_ax(ax)
    ax.plot(curve["threshold"], curve["expected_profit"], color="#3e7cb1")
    ax.axhline(0, color="black", linewidth=0.8)
    if best is not None:
        ax.axvline(best["threshold"], color="tab:red", linestyle="--",
                   label=f"best threshold {best['threshold']:.0%}")
        ax.legend(loc="best")
    ax.xaxis.set_major_formatter(_PCT)
    ax.yaxis.set_major_formatter(currency_formatter(currency))
    ax.set(xlabel="contact customers whose churn probability is at least ...",
           ylabel="expected profit", title="Expected profit of a retention campaign (customers not seen)")
    return ax


def plot_confusion(table: pd.DataFrame, *, ax=None):
    """Heat map of :func:`crmkit.analysis.churn.confusion_table` with counts and row shares."""
    ax = get_ax(ax, figsize=(5.5, 3.5))
    share = table.div(table.sum(axis=1), axis=0)
    annot = table.map(lambda v: f"{v:,}") + "\n(" + share.map(lambda v: f"{v:.0%}") + " of row)"
    sns.heatmap(share, annot=annot.to_numpy(), fmt="", cmap="Blues", vmin=0, vmax=1, cbar=False,
                ax=ax, linewidths=1, linecolor="white")
    ax.set(xlabel="decision", ylabel="what actually happened", title="Contacts at the chosen threshold")
    ax.tick_params(axis="y", rotation=0)
    return ax


def plot_importance(importance: pd.DataFrame, *, top: int = 12, ax=None):
    """Permutation importance (:func:`crmkit.analysis.churn.permutation_drivers`), coloured by group."""
    d = importance.head(top)
    ax = get_ax(ax, figsize=(9, 0.35 * len(d) + 1.5))
    sns.barplot(x=d["importance"].to_numpy(), y=[label(f) for f in d.index],
                hue=d["group"].to_numpy(), dodge=False, ax=ax, palette="tab10", orient="h")
    ax.errorbar(d["importance"], np.arange(len(d)), xerr=d["importance_std"], fmt="none",
                ecolor="black", elinewidth=0.8, capsize=2)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.legend(title="kind of feature", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              frameon=False)
    ax.set(xlabel="drop in ROC AUC when the feature is shuffled", ylabel="",
           title="Which features the best model relies on (customers it has not seen)")
    return ax


def plot_partial_dependence(pdp: pd.DataFrame, *, feature: str, ax=None):
    """Average predicted churn as one feature varies (:func:`crmkit.analysis.churn.partial_dependence_table`)."""
    ax = get_ax(ax, figsize=(4.5, 3.5))
    d = pdp.loc[pdp["feature"] == feature]
    name = label(feature)
    if len(d) and isinstance(d["value"].iloc[0], str):  # levels of a text column or a flag
        ax.bar(d["value"].astype(str), d["churn_probability"], color="#ba2525")
        ax.tick_params(axis="x", rotation=30 if len(d) > 4 else 0)
    else:
        ax.plot(d["value"], d["churn_probability"], marker="o", color="#ba2525")
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(bottom=0)
    ax.set(xlabel=name, ylabel="average predicted churn", title=f"Predicted churn by {name}")
    return ax


def plot_score_distribution(probability: pd.Series, *, threshold: float | None = None, ax=None):
    """Histogram of churn probabilities with the contact threshold."""
    ax = get_ax(ax)
    sns.histplot(probability, bins=40, ax=ax, color="#3e7cb1")
    if threshold is not None:
        ax.axvline(threshold, color="tab:red", linestyle="--", label=f"contact threshold {threshold:.0%}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.xaxis.set_major_formatter(_PCT)
    ax.set(xlabel="predicted churn probability", ylabel="customers",
           title="Churn probability of the customers scored today")
    return ax


def plot_churn_rate_by(rates: pd.DataFrame, column: str, *, base_rate: float | None = None,
                       ax=None):
    """Churn rate of each value of one column (:func:`crmkit.analysis.churn.churn_rate_by`),
    with the number of customers on each bar and the overall rate dotted."""
    d = rates.loc[rates["column"] == column]
    ax = get_ax(ax, figsize=(4.5, 0.35 * len(d) + 1.5))
    y = np.arange(len(d))[::-1]
    ax.barh(y, d["churn_rate"], color="#d9822b")
    ax.set_yticks(y, d["value"].astype(str))
    for yy, (rate, n) in zip(y, zip(d["churn_rate"], d["customers"])):
        ax.text(rate, yy, f" {rate:.0%} of {n:,}", va="center", fontsize=8)
    if base_rate is not None:
        ax.axvline(base_rate, color="black", linestyle=":", linewidth=1)
    ax.set_xlim(0, min(1.0, float(d["churn_rate"].max()) * 1.45 + 0.02))
    ax.xaxis.set_major_formatter(_PCT)
    name = label(column)
    ax.set(xlabel="churn rate (dotted: all customers)", ylabel="", title=f"Churn rate by {name}")
    return ax
