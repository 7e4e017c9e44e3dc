"""Small helpers used inside notebooks: summaries for the index, files next to the report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .schema import PII_COLUMNS

__all__ = ["save_summary", "save_table", "drop_pii"]


def save_summary(output_dir: str, name: str, data: dict) -> None:
    """Write ``<output_dir>/summaries/<name>.json`` for the report index.

    Does nothing when ``output_dir`` is empty (a notebook run by hand).
    """
    if not output_dir:
        return
    path = Path(output_dir) / "summaries" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str, ensure_ascii=False), encoding="utf-8")


def save_table(df: pd.DataFrame, output_dir: str, filename: str) -> Path:
    """Write a table (CSV, or Parquet when the name ends in .parquet) next to the report.

    With an empty ``output_dir`` (a notebook run by hand) the file goes to ``./outputs/``.
    """
    folder = Path(output_dir) if output_dir else Path("outputs")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    if path.suffix == ".parquet":
        df.to_parquet(path)
    else:
        df.to_csv(path, index=df.index.name is not None, encoding="utf-8")
    return path


def drop_pii(df: pd.DataFrame, *, table: str = "customers", show_pii: bool = False) -> pd.DataFrame:
    """Return ``df`` without personal-data columns (names, e-mails, phones) unless ``show_pii``."""
    if show_pii:
        return df
    return df.drop(columns=[c for c in PII_COLUMNS.get(table, []) if c in df.columns])
