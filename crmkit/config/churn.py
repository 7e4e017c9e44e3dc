"""Churn-model rules: ``analysis: churn:``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt, confloat, field_validator

from .base import Rules

__all__ = ["ChurnLabel", "ChurnRules"]


class ChurnLabel(Rules):
    """Where a customer table says who left: ``analysis: churn: label:``.

    With a label the churn page works in *customer-table mode*: one row per customer
    as exported (subscription, telecom, SaaS), the label read from a column, the
    other columns as features (:mod:`crmkit.analysis.churn.table`); without one it
    derives churn from the orders.

    Attributes
    ----------
    table : str, default "customers"
        The table holding the label (one row per customer).
    column : str
        The label column, as named in the table (list it under the table's
        ``extra_columns`` in the params file).
    churned : list of str
        Values meaning "left" (``[是, Yes, 1]``); compared as text, without surrounding
        spaces and case (``yes`` = ``Yes``; ``1`` = ``1.0``). YAML reads an unquoted
        ``Yes`` as a boolean: it then matches yes, y, on and true.
    stayed : list of str, optional
        Values meaning "still a customer". When given, any other value is an error
        naming it; when not, every other non-empty value counts as stayed.
    tenure : str, optional
        Column with the customer's time with the company (months or days): the page
        then also validates the models per tenure band.
    value : str, optional
        Column with an amount per customer (e.g. the monthly charge), for the value at
        risk and the contact threshold.
    value_unit : {"month", "year", "customer"}, default "month"
        What ``value`` is: per month or per year (multiplied to ``value_months``), or
        already a value per customer.
    """

    table: str = "customers"
    column: str = Field(min_length=1)
    churned: list[str] = Field(min_length=1)
    stayed: list[str] | None = None
    tenure: str | None = None
    value: str | None = None
    value_unit: Literal["month", "year", "customer"] = "month"

    @field_validator("churned", "stayed", mode="before")
    @classmethod
    def _as_text(cls, v):
        # YAML reads `[是, Yes, 1]` as str, bool, int: the values are compared as text, and
        # a YAML boolean stands for any of the words YAML reads as it (Yes, yes, y, on, true)
        if v is None:
            return v
        if not isinstance(v, (list, tuple)):
            v = [v]
        out = []
        for x in v:
            if isinstance(x, bool):
                out += ["true", "yes", "y", "on"] if x else ["false", "no", "n", "off"]
            else:
                out.append(str(x))
        return list(dict.fromkeys(out))

    @field_validator("table")
    @classmethod
    def _known_table(cls, v: str) -> str:
        from ..data.schema import TABLES

        if v not in TABLES:
            raise ValueError(f"unknown table {v!r}; canonical tables: {', '.join(TABLES)}")
        return v


class ChurnRules(Rules):
    """Attributes
    ----------
    horizon_days : int, default 90
        N: a customer churns when they make no purchase in the N days after a cut-off.
    lookback_days : int, default 365
        Active = at least one purchase in these days up to the cut-off.
    trend_days : int, default 90
        Spend trend: the last ``trend_days`` against the ``trend_days`` before.
    complaint_days : int, default 90
        Complaints and tickets counted over these days.
    web_days : int, default 30
        Web sessions counted over these days.
    max_categories : int, default 8
        Labels kept per categorical feature (others: "other").
    train_cutoff, test_cutoff : date, optional
        Explicit cut-offs override the automatic choice.
    contact_cost : float, default 5
        Cost of one retention contact, in the dataset's currency.
    retention_success_rate : float, default 0.2
        Share of contacted would-be churners who then stay.
    value_per_saved_customer : float, optional
        ``None``: the mean customer value at the test cut-off.
    value_months : int, default 12
        Customer value: expected CLV (or past spend) over these months.
    tree_max_depth : int, default 3
    random_state : int, default 0
    label : ChurnLabel, optional
        Customer-table mode: the column that says who left (see :class:`ChurnLabel`),
        e.g. ``{table: customers, column: 是否流失, churned: [是, Yes, 1]}``.
    holdout_share : float, default 0.3
        Customer-table mode: share of the labelled customers kept aside (stratified by
        the label) to validate the models.
    min_level_share : float, default 0.01
        Text columns: a level with a smaller share of the customers (or fewer than 10
        of them) is grouped with the other rare levels as "other"; at most
        ``max_categories`` levels are kept per column.
    cv_folds : int, default 3
        The contact threshold of the refitted model is chosen on its cross-validated
        (held-out) probabilities, in this many folds.
    """

    horizon_days: PositiveInt = 90
    lookback_days: PositiveInt = 365
    trend_days: PositiveInt = 90
    complaint_days: PositiveInt = 90
    web_days: PositiveInt = 30
    max_categories: PositiveInt = 8
    train_cutoff: date | None = None
    test_cutoff: date | None = None
    contact_cost: NonNegativeFloat = 5.0
    retention_success_rate: confloat(gt=0, le=1) = 0.2  # type: ignore[valid-type]
    value_per_saved_customer: PositiveFloat | None = None
    value_months: PositiveInt = 12
    tree_max_depth: PositiveInt = 3
    random_state: int = Field(default=0, ge=0)
    label: ChurnLabel | None = None
    holdout_share: confloat(gt=0.05, lt=0.8) = 0.3  # type: ignore[valid-type]
    min_level_share: confloat(ge=0, lt=0.5) = 0.01  # type: ignore[valid-type]
    cv_folds: int = Field(default=3, ge=2, le=10)
