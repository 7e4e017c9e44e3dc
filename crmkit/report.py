"""Small helpers used inside notebooks: summaries for the index, files next to the report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .schema import PII_COLUMNS

__all__ = ["bullets", "save_summary", "save_table", "drop_pii", "table"]


def bullets(lines):
    """Return findings as a Markdown bullet list for a notebook (``display(bullets(...))``).

    Parameters
    ----------
    lines : iterable of str
        One finding per item (Markdown allowed).

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> bullets(["Revenue rose.", "Churn fell."]).data.splitlines()
    ['- Revenue rose.', '- Churn fell.']
    """
    from IPython.display import Markdown

    return Markdown("\n".join(f"- {s}" for s in lines))


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


def table(df: pd.DataFrame, *, percent: tuple[str, ...] = (), money: tuple[str, ...] = (),
          currency: str = "", index: bool = False, decimals: int = 2):
    """Style a frame for a report: thousands separators, text left-aligned, index hidden.

    Parameters
    ----------
    df : DataFrame
    percent : tuple of str
        Columns holding shares (0.25 is shown as 25.0%).
    money : tuple of str
        Columns shown with ``currency`` and no decimals.
    currency : str, default ""
    index : bool, default False
        Show the index.
    decimals : int, default 2
        Decimals of other float columns.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    fmt = {}
    for c in df.columns:
        if c in percent:
            fmt[c] = "{:.1%}"
        elif c in money:
            fmt[c] = currency + "{:,.0f}"
        elif pd.api.types.is_integer_dtype(df[c]):
            fmt[c] = "{:,}"
        elif pd.api.types.is_float_dtype(df[c]):
            fmt[c] = f"{{:,.{decimals}f}}"
    text_cols = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    st = df.style.format(fmt, na_rep="–")
    if text_cols:
        st = st.set_properties(subset=text_cols, **{"text-align": "left"})
    st = st.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}], overwrite=False)
    return st if index else st.hide(axis="index")
