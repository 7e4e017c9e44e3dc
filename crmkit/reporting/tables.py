"""Small helpers used inside notebooks: summaries for the index, files next to the report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..data.schema import PII_COLUMNS

__all__ = ["bullets", "save_summary", "save_table", "drop_pii", "table", "summary"]


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
          points: tuple[str, ...] = (), currency: str = "", index: bool = False,
          decimals: int = 2, labels: bool = True):
    """Style a frame for a report: words for names, yes/no, counts without decimals.

    Parameters
    ----------
    df : DataFrame
    percent : tuple of str
        Columns holding shares (0.25 is shown as 25.0%).
    money : tuple of str
        Columns shown with ``currency`` and no decimals.
    points : tuple of str
        Columns holding changes of shares (0.015 is shown as +1.5 pts).
    currency : str, default ""
    index : bool, default False
        Show the index.
    decimals : int, default 2
        Decimals of other float columns whose values are not all whole numbers.
    labels : bool, default True
        Rename columns, the index name and label-like index values with
        :func:`crmkit.labels.label`; show booleans as yes/no.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    from .. import fmt as F
    from ..labels import label, value_label, yes_no

    df = df.copy()
    fmt = {}
    for c in df.columns:
        col = df[c]
        if pd.api.types.is_bool_dtype(col) or (col.dtype == object and col.dropna().map(
                lambda v: isinstance(v, bool)).all() and col.notna().any()):
            df[c] = col.map(yes_no)
        elif c in percent:
            fmt[c] = "{:.1%}"
        elif c in points:
            fmt[c] = lambda v: F.points(v)
        elif c in money:
            fmt[c] = (lambda cur: lambda v: F.money(v, cur, decimals=0))(currency)
        elif pd.api.types.is_integer_dtype(col):
            fmt[c] = "{:,}"
        elif pd.api.types.is_float_dtype(col):
            whole = bool(((col.dropna() % 1) == 0).all()) and col.notna().any()
            fmt[c] = "{:,.0f}" if whole else f"{{:,.{decimals}f}}"
        elif pd.api.types.is_datetime64_any_dtype(col):
            fmt[c] = lambda v: F.date(v)
        elif labels and (col.dtype == object or isinstance(col.dtype, (pd.StringDtype, pd.CategoricalDtype))):
            df[c] = col.astype(object).map(value_label)
    if labels:
        names = {c: label(c) for c in df.columns}
        taken = pd.Series(list(names.values())).value_counts()
        # two columns with the same words would be one header for two numbers: keep
        # their own names spelled out instead
        names = {c: (n if taken[n] == 1 else str(c).replace("_", " ")) for c, n in names.items()}
        df = df.rename(columns=names)
        fmt = {names[c]: f for c, f in fmt.items()}
        if df.index.dtype == object or isinstance(df.index.dtype, pd.StringDtype):
            df.index = df.index.map(value_label)
        if df.index.name is not None:
            df.index = df.index.rename(label(df.index.name))
        if df.columns.name is not None:
            df.columns = df.columns.rename(label(df.columns.name))
    text_cols = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    st = df.style.format(fmt, na_rep=F.MISSING)
    if text_cols:
        st = st.set_properties(subset=text_cols, **{"text-align": "left"})
    st = st.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}], overwrite=False)
    return st if index else st.hide(axis="index")


def summary(findings, actions=(), *, title: str = "Summary"):
    """The summary block that opens a page: findings, then recommended actions.

    Tag the notebook cell that displays it ``summary``: the report shows it first.

    Parameters
    ----------
    findings : iterable of str
        Three to five findings that matter (Markdown allowed).
    actions : iterable of str
        What to do, for whom, how much is at stake.
    title : str, default "Summary"

    Returns
    -------
    IPython.display.Markdown

    Examples
    --------
    >>> print(summary(["Revenue rose."], ["Call the 40 customers at risk."]).data)
    ## Summary
    <BLANKLINE>
    **What we found**
    <BLANKLINE>
    - Revenue rose.
    <BLANKLINE>
    **What to do**
    <BLANKLINE>
    - Call the 40 customers at risk.
    """
    from IPython.display import Markdown

    parts = [f"## {title}", "", "**What we found**", ""]
    parts += [f"- {f}" for f in findings] or ["- Nothing stands out in this period."]
    actions = list(actions)
    if actions:
        parts += ["", "**What to do**", ""] + [f"- {a}" for a in actions]
    return Markdown("\n".join(parts))
