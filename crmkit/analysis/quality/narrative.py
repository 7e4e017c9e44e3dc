"""Data quality: what cleaning found, in words, and the planted-defect check.

Sentences and workshop checks computed from the tables of :mod:`crmkit.data.cleaning`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "compare_with_planted",
    "findings",
]


def compare_with_planted(log: pd.DataFrame, planted: dict[str, int]) -> pd.DataFrame:
    """Compare the cleaning log with defects planted in a synthetic dataset.

    Parameters
    ----------
    log : DataFrame
        Cleaning log from :func:`clean`.
    planted : dict
        ``{"table.rule": count}`` (``Dataset.truth["defects"]``).

    Returns
    -------
    DataFrame
        Columns ``defect, planted, found, match``.
    """
    found = (log.assign(defect=log["table"] + "." + log["rule"])
             .groupby("defect")["rows_affected"].sum())
    keys = sorted(set(planted) | set(found[found > 0].index))
    out = pd.DataFrame({
        "defect": keys,
        "planted": [int(planted.get(k, 0)) for k in keys],
        "found": [int(found.get(k, 0)) for k in keys],
    })
    out["match"] = out["planted"] == out["found"]
    return out


def findings(log: pd.DataFrame, *, tables: dict[str, pd.DataFrame]) -> str:
    """State in Markdown what cleaning found, computed from the log."""
    found = log[log["rows_affected"] > 0]
    total_rows = sum(len(t) for t in tables.values())
    if found.empty:
        return f"- All {total_rows:,} rows passed every cleaning rule; nothing was changed."
    lines = [f"- {len(found)} of {len(log)} checks found something; the clean data has "
             f"{total_rows:,} rows in {len(tables)} tables."]
    top = found.sort_values("rows_affected", ascending=False).head(3)
    for _, r in top.iterrows():
        lines.append(f"- **{r['table']}**: {r['rows_affected']:,} rows — {r['action']}.")
    removed = found[found["rule"].isin(["exact_duplicates", "duplicate_key", "future_date",
                                         "dropped_missing_required", "dropped_unparseable"])]
    if len(removed):
        lines.append(f"- {int(removed['rows_affected'].sum()):,} rows were removed in all; "
                     "every other repair kept the row.")
    return "\n".join(lines)
