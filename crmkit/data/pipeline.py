"""Load, profile and clean a dataset once; save it for every notebook of a run.

The report runner calls :func:`prepare` once per dataset and saves the result with
:meth:`Prepared.save`; each notebook then opens it with :func:`open_data`
(no notebook reloads or recleans the raw export). An analyst running a notebook
by hand in JupyterLab leaves ``prepared_dir`` empty and :func:`open_data`
prepares the data itself.
"""

from __future__ import annotations

import json
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..calendar import DEFAULT_FESTIVALS
from ..config import ParamsModel, Rules, rules_for, validate_params
from .cleaning import clean, mask_pii
from .dataset import Dataset
from .io import load_dataset, read_params
from .schema import PII_COLUMNS

__all__ = ["Prepared", "prepare", "open_data", "profile_tables"]


@dataclass
class Prepared:
    """A cleaned dataset with its cleaning log, raw profile and analysis options.

    Attributes
    ----------
    dataset : Dataset
        Clean canonical tables.
    cleaning_log : DataFrame
        See :func:`crmkit.data.cleaning.clean`.
    profile : DataFrame
        Profile of the tables as loaded, before cleaning (:func:`profile_tables`).
    params : ParamsModel
        The validated params file (business rules per analysis under ``analysis``).
    params_file : str
    """

    dataset: Dataset
    cleaning_log: pd.DataFrame
    profile: pd.DataFrame
    params: ParamsModel = field(default_factory=lambda: validate_params({"source": {}}))
    params_file: str = ""

    def rules(self, area: str) -> Rules:
        """The business rules of one analysis area: defaults overridden by the params file."""
        return rules_for(area, self.params)

    @property
    def festivals(self) -> dict[str, Any]:
        """The festival calendar of the dataset's market (params ``festivals:``, else the default)."""
        return dict(self.params.festivals) if self.params.festivals else dict(DEFAULT_FESTIVALS)

    def save(self, folder: str | Path) -> Path:
        """Write the prepared data to ``folder`` (Parquet tables plus JSON/pickle)."""
        folder = Path(folder)
        (folder / "tables").mkdir(parents=True, exist_ok=True)
        for name, df in self.dataset.tables.items():
            df.to_parquet(folder / "tables" / f"{name}.parquet", index=False)
        self.cleaning_log.to_parquet(folder / "cleaning_log.parquet", index=False)
        self.profile.to_parquet(folder / "profile.parquet", index=False)
        info = {
            "name": self.dataset.name, "currency": self.dataset.currency,
            "as_of": None if self.dataset.as_of is None else str(self.dataset.as_of.date()),
            "meta": {k: v for k, v in self.dataset.meta.items() if _jsonable(v)},
            "params": self.params.model_dump(mode="json"), "params_file": self.params_file,
            "tables": list(self.dataset.tables), "fingerprint": self.dataset.fingerprint(),
        }
        (folder / "dataset.json").write_text(json.dumps(info, indent=2, default=str), encoding="utf-8")
        if self.dataset.truth is not None:
            with open(folder / "truth.pkl", "wb") as f:
                pickle.dump(self.dataset.truth, f)
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> Prepared:
        """Read what :meth:`save` wrote."""
        folder = Path(folder)
        info = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
        tables = {n: pd.read_parquet(folder / "tables" / f"{n}.parquet") for n in info["tables"]}
        truth = None
        if (folder / "truth.pkl").exists():
            with open(folder / "truth.pkl", "rb") as f:
                truth = pickle.load(f)  # noqa: S301 - written by crmkit itself
        ds = Dataset(
            name=info["name"], tables=tables, currency=info["currency"],
            as_of=pd.Timestamp(info["as_of"]) if info["as_of"] else None,
            truth=truth, meta=info["meta"],
        )
        if info.get("fingerprint"):
            ds.__dict__["_fingerprint"] = info["fingerprint"]  # computed once, when saved
        return cls(ds, pd.read_parquet(folder / "cleaning_log.parquet"),
                   pd.read_parquet(folder / "profile.parquet"), validate_params(info["params"]),
                   info["params_file"])


def _jsonable(v) -> bool:
    try:
        json.dumps(v)
        return True
    except TypeError:
        return False


def profile_tables(dataset: Dataset) -> pd.DataFrame:
    """Describe every column of every table.

    Returns
    -------
    DataFrame
        Columns ``table, column, dtype, rows, missing, missing_share, distinct,
        example, total``. Examples of personal-data columns are masked; ``total`` is
        the sum of an amount column (revenue as loaded, for shares of revenue), else
        missing.
    """
    rows = []
    for name, df in dataset.tables.items():
        for col in df.columns:
            s = df[col]
            nonnull = s.dropna()
            ex = nonnull.iloc[0] if len(nonnull) else None
            if col in PII_COLUMNS.get(name, []):
                ex = mask_pii(ex, col)
            elif isinstance(ex, pd.Timestamp):
                ex = f"{ex:%Y-%m-%d}"
            rows.append({
                "table": name, "column": col, "dtype": str(s.dtype), "rows": len(s),
                "missing": int(s.isna().sum()),
                "missing_share": float(s.isna().mean()) if len(s) else 0.0,
                "distinct": int(s.nunique(dropna=True)), "example": "" if ex is None else str(ex),
                "total": float(s.sum()) if pd.api.types.is_float_dtype(s) else float("nan"),
            })
    return pd.DataFrame(rows, columns=["table", "column", "dtype", "rows", "missing",
                                       "missing_share", "distinct", "example", "total"])


def prepare(params: str | Path | dict, *, progress=None) -> Prepared:
    """Load, validate, profile and clean the dataset described by a params file.

    Parameters
    ----------
    params : str, Path or dict
        A params file (see :mod:`crmkit.data.io`). Its optional ``cleaning`` section
        passes options to :func:`crmkit.data.cleaning.clean`; its ``analysis`` section
        holds business rules for the notebooks.
    progress : callable, optional
        Called with one line of text as each table is loaded (rows, seconds) and when
        cleaning is done (seconds): a large export shows where the time goes.

    Returns
    -------
    Prepared
    """
    p = read_params(params)
    model = validate_params(p)
    say = progress or (lambda line: None)

    def loaded(table: str, rows: int, seconds: float | None) -> None:
        took = "" if seconds is None else f" in {seconds:.1f} s"
        say(f"  loaded {table}: {rows:,} rows{took}")

    t0 = time.perf_counter()
    raw = load_dataset(p, progress=loaded)
    t1 = time.perf_counter()
    profile = profile_tables(raw)
    ds, log = clean(raw, rules=model.cleaning)
    say(f"  cleaned in {time.perf_counter() - t1:.1f} s (loading took {t1 - t0:.1f} s)")
    return Prepared(ds, log, profile, model, p["_file"])


def open_data(params_file: str = "", prepared_dir: str = "") -> Prepared:
    """Open the data for a notebook: the runner's prepared copy, else prepare it now.

    Parameters
    ----------
    params_file : str
        Params file, used when ``prepared_dir`` is empty.
    prepared_dir : str
        Folder written by the report runner (:meth:`Prepared.save`).
    """
    if prepared_dir:
        kept = _KEPT.get(str(Path(prepared_dir).resolve()))
        return kept if kept is not None else Prepared.load(prepared_dir)
    return prepare(params_file)


_KEPT: dict[str, Prepared] = {}


def keep_open(prepared_dir: str | Path) -> Prepared:
    """Read a prepared folder and keep it in this process: :func:`open_data` returns it.

    The kernel zygote of ``crmkit report`` (:mod:`crmkit.reporting.zygote`) reads the
    run's data once, so every kernel forked from it starts with the tables in memory
    (shared until written) instead of reading them again. Tables are read-only by
    convention: a notebook that changed one in place would only change its own copy.
    """
    prepared = Prepared.load(prepared_dir)
    _KEPT[str(Path(prepared_dir).resolve())] = prepared
    return prepared
