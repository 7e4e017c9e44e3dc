"""The one set-up call of every notebook: :func:`start`.

Every notebook begins the same way: open the run's cleaned data (or prepare it when
the notebook is opened by hand), parse the report period, take the area's business
rules from the params file and lay the notebook's own parameters over them. That is
one call::

    nb = crmkit.start(params_file, prepared_dir=prepared_dir, period=period,
                      output_dir=output_dir, show_pii=show_pii, area="churn",
                      overrides={"horizon_days": horizon_days})
    ds, P, rules = nb.dataset, nb.period, nb.rules

Parameters of a notebook that may override a params value default to ``None`` ("as in
the params file"); no sentinel values such as ``0`` or ``-1``.

The **reference date** of a report is :attr:`Session.as_of`: the end of the report
period, or the data end (:attr:`crmkit.data.dataset.Dataset.data_end`) when that is
earlier. Every analysis receives it as ``as_of``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..config.base import Rules
from ..data.dataset import Dataset
from ..data.pipeline import Prepared, open_data
from ..periods import Period
from .tables import drop_pii, save_summary, save_table

__all__ = ["Session", "start", "LABEL_ONLY_AREAS"]

LABEL_ONLY_AREAS = ("quality",)
"""Areas with labels but no ``analysis:`` rules (data quality uses ``cleaning:``)."""


@dataclass
class Session:
    """What a notebook works with, set up by :func:`start`.

    Attributes
    ----------
    data : Prepared
        The cleaned dataset with its cleaning log, profile and params.
    period : Period
        The report period.
    rules : Rules or None
        The area's business rules (params file, then the notebook's overrides).
    output_dir : str
        Where files next to the report go (empty when run by hand: ``./outputs``).
    show_pii : bool
        Whether names, e-mails and phones may appear in tables and files.
    """

    data: Prepared
    period: Period
    rules: Rules | None = None
    output_dir: str = ""
    show_pii: bool = False
    audience: str = "stakeholder"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dataset(self) -> Dataset:
        """The clean canonical tables."""
        return self.data.dataset

    @property
    def currency(self) -> str:
        return self.data.dataset.currency

    @property
    def params_name(self) -> str:
        """The params file's name (never a full local path: reports may be shared)."""
        return Path(self.data.params_file).name

    @property
    def as_of(self) -> pd.Timestamp:
        """The report's reference date: the period end, or the data end when earlier."""
        return min(self.period.end, self.dataset.data_end)

    @property
    def coverage(self) -> float:
        """Share of the report period's days that the data covers (0 to 1)."""
        return self.dataset.coverage(self.period)

    @property
    def has_truth(self) -> bool:
        """True for a dataset with planted truth (the synthetic demo): workshop checks apply."""
        return bool(self.dataset.truth)

    @property
    def teaching(self) -> bool:
        """True when the page is rendered for a workshop (method detail shown)."""
        return self.audience == "teaching"

    def save_table(self, df: pd.DataFrame, filename: str, *, table: str = "customers") -> Path:
        """Write a table next to the report; personal data dropped unless ``show_pii``."""
        return save_table(drop_pii(df, table=table, show_pii=self.show_pii), self.output_dir, filename)

    def save_summary(self, name: str, data: dict) -> None:
        """Write ``summaries/<name>.json`` for the report index."""
        save_summary(self.output_dir, name, data)

    def header(self) -> str:
        """One line saying what the notebook reports on."""
        ds = self.dataset
        first, last = ds.data_start, ds.data_end
        text = (f"{ds.name}: data from {first:%Y-%m-%d} to {last:%Y-%m-%d}; report period "
                f"{self.period.label} ({self.period.start:%Y-%m-%d} to {self.period.end:%Y-%m-%d})")
        if self.as_of < self.period.end:
            text += (f"; the data end on {self.as_of:%Y-%m-%d} ({self.coverage:.0%} of the period), "
                     "so the report is as of that day")
        return text


def start(params_file: str = "", *, prepared_dir: str = "", period: str = "latest",
          output_dir: str = "", show_pii: bool = False, audience: str = "stakeholder",
          area: str | None = None, overrides: dict[str, Any] | None = None,
          quiet: bool = False) -> Session:
    """Set up a notebook: data, period, business rules.

    Parameters
    ----------
    params_file : str
        Params file, used when ``prepared_dir`` is empty (a notebook opened by hand).
    prepared_dir : str
        Folder of the run's cleaned data (set by ``crmkit report``).
    period : str
        Report period (see :func:`crmkit.periods.parse_period`).
    output_dir : str
        Where files next to the report are written.
    show_pii : bool, default False
    audience : {"stakeholder", "teaching"}, default "stakeholder"
    area : str, optional
        Analysis area whose rules (``analysis: <area>:``) and labels the notebook uses;
        ``"quality"`` (the data-quality page) has labels only.
    overrides : dict, optional
        Notebook parameters laid over the rules; ``None`` values are ignored.
    quiet : bool, default False
        Do not print the header line (it is printed only for teaching pages and when
        the notebook is run by hand: a stakeholder page has it in its header).

    Returns
    -------
    Session
    """
    from ..labels import use_area

    use_area(area)
    data = open_data(params_file, prepared_dir)
    session = Session(data=data, period=data.dataset.period(period), output_dir=output_dir,
                      show_pii=bool(show_pii), audience=audience)
    if area is not None and area not in LABEL_ONLY_AREAS:
        session.rules = data.rules(area).with_overrides(**(overrides or {}))
    if not quiet and (audience == "teaching" or not prepared_dir):
        print(session.header())
    return session
