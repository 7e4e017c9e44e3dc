"""Data quality: what reading and cleaning found, in words, and the planted-defect check.

Sentences and workshop checks computed from the tables of :mod:`.loading` and the
cleaning log of :mod:`crmkit.data.cleaning`; kept apart from the computation so the
analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...data.cleaning import CLEANING_REMOVALS, READING_DROPS
from ...data.schema import TABLES
from ...labels import label
from .loading import dropped_rows, loaded_revenue, unknown_statuses

__all__ = [
    "quality_actions",
    "ALERT_SHARE",
    "compare_with_planted",
    "findings",
    "load_alerts",
    "status_findings",
]

ALERT_SHARE = 0.01
"""Rows dropped (share of a table) or revenue in unknown statuses (share of revenue)
above which a report says so first."""

_CONSEQUENCE = {
    "orders": "revenue and customer counts in every report are understated",
    "customers": "reports by acquisition channel, region or segment miss these customers",
}


def _column_words(column: str, table: str) -> str:
    names = [c for c in str(column).split(",") if c]
    words = []
    for c in names:
        try:
            kind = TABLES[table].column(c).kind
        except KeyError:
            kind = ""
        words.append(c.removesuffix("_id") + " ID" if kind == "id" and c.endswith("_id") else label(c))
    return " or ".join(words) if words else "a required value"


def _reason(rule: str, column: str, table: str) -> str:
    words = _column_words(column, table)
    if rule == "dropped_unparseable":
        return f"their {words} could not be read"
    return f"their {words} was empty or a placeholder such as '-' or 'NULL'"


def _fix(rules: set[str], columns: str, table: str) -> str:
    dated = any(TABLES[table].column(c).kind == "datetime"
                for c in columns.split(",") if c in TABLES[table].column_names)
    if "dropped_unparseable" in rules and dated:
        return "Fix the export or the date format."
    if "dropped_unparseable" in rules:
        return "Fix the values in the export."
    return "Fill the missing values in the export."


def load_alerts(cleaning_log: pd.DataFrame, profile: pd.DataFrame, *, currency: str = "") -> list[str]:
    """What a reader must know before trusting any number, in plain sentences.

    An alert is raised when ``on_invalid: drop`` dropped more than
    :data:`ALERT_SHARE` (1%) of a table's rows while reading, and when orders whose
    status word crmkit does not know hold more than 1% of the revenue (they count as
    neither purchases nor returns). Report pages show these first.

    Parameters
    ----------
    cleaning_log : DataFrame
        ``Prepared.cleaning_log``.
    profile : DataFrame
        ``Prepared.profile`` (the tables as loaded: row counts, revenue as loaded).
    currency : str, default ""
        Currency symbol for amounts; without it amounts are left out of the sentences
        (shares of revenue are given either way).

    Returns
    -------
    list of str
        One sentence per alert, largest share first; empty when nothing needs saying.

    Examples
    --------
    >>> log = pd.DataFrame({"table": ["orders"], "rule": ["dropped_unparseable"],
    ...     "column": ["order_date"], "rows_affected": [462], "examples": [""], "revenue": [None]})
    >>> profile = pd.DataFrame({"table": ["orders"], "column": ["order_id"], "rows": [1747]})
    >>> load_alerts(log, profile)[0]
    'orders: 462 of 2,209 rows (20.9%) were dropped because their order date could not be read; revenue and customer counts in every report are understated. Fix the export or the date format.'
    """
    alerts: list[tuple[float, str]] = []
    drops = dropped_rows(profile, cleaning_log)
    for table, d in drops.groupby("table", sort=False):
        first = d.iloc[0]
        if first["share"] <= ALERT_SHARE:
            continue
        reasons = [_reason(r.rule, r.column, table) + (f" ({fmt.count(r.rows)} rows)" if len(d) > 1 else "")
                   for r in d.itertuples()]
        text = (f"{table}: {fmt.count(first['table_dropped'])} of {fmt.count(first['rows_read'])} rows "
                f"({fmt.pct(first['share'], decimals=1)}) were dropped because {' or '.join(reasons)}")
        revenue = d["revenue"].sum(min_count=1)
        consequence = _CONSEQUENCE.get(table, f"every report that uses {table} misses them")
        if pd.notna(revenue) and revenue > 0:
            amount = f"{fmt.money(revenue, currency)}, " if currency else ""
            share = d["revenue_share"].sum(min_count=1)
            of = f"{fmt.pct(share, decimals=1)} of the export's revenue" if pd.notna(share) else "revenue"
            text += f"; they carry {amount}{of}, so {consequence}."
        else:
            text += f"; {consequence}."
        columns = ",".join(d["column"])
        alerts.append((first["share"], f"{text} {_fix(set(d['rule']), columns, table)}"))
    status = cleaning_log[(cleaning_log["rule"] == "status_unknown") & (cleaning_log["rows_affected"] > 0)]
    if len(status):
        row = status.iloc[0]
        revenue = float(row.get("revenue", float("nan")))
        share = revenue / loaded_revenue(profile)
        if pd.isna(share):  # revenue as loaded unknown: judge by the share of orders
            rows = profile.loc[profile["table"] == "orders", "rows"]
            share_rows = row["rows_affected"] / rows.iloc[0] if len(rows) else 1.0
            raise_it, said = share_rows > ALERT_SHARE, f"{fmt.pct(share_rows, decimals=1)} of orders"
        else:
            raise_it, said = share > ALERT_SHARE, f"{fmt.pct(share, decimals=1)} of the export's revenue"
        if raise_it:
            amount = f" ({fmt.money(revenue, currency)})" if currency else ""
            alerts.append((share if pd.notna(share) else share_rows, (
                f"orders: {fmt.count(row['rows_affected'])} orders holding {said}{amount} have a status "
                f"crmkit does not know ({row['examples']}); they count as neither purchases nor "
                "returns. Map each word to completed, returned or cancelled under "
                "'cleaning: status_map:' in the params file.")))
    return [text for _, text in sorted(alerts, key=lambda a: -a[0])]


def status_findings(orders: pd.DataFrame, *, currency: str = "") -> str:
    """One Markdown sentence on the revenue in unknown order statuses ("" when there is none).

    Examples
    --------
    >>> o = pd.DataFrame({"status": ["completed", "退款成功"], "revenue": [90.0, 10.0]})
    >>> status_findings(o, currency="¥")
    "- ¥10 of revenue (10.0% of the revenue of the clean orders) sits in 1 order with a status word crmkit does not know: '退款成功' (1 order, ¥10). These orders count as neither purchases nor returns; map each word under `cleaning: status_map:` in the params file."
    """
    u = unknown_statuses(orders)
    if u.empty:
        return ""
    n = int(u["orders"].sum())
    words = ", ".join(f"{r.status!r} ({fmt.count(r.orders)} order{'s' if r.orders != 1 else ''}, "
                      f"{fmt.money(r.revenue, currency)})" for r in u.head(5).itertuples())
    share = fmt.pct(u["revenue_share"].sum(), decimals=1)
    return (f"- {fmt.money(u['revenue'].sum(), currency)} of revenue ({share} of the revenue of "
            f"the clean orders) sits in {fmt.count(n)} order{'s' if n != 1 else ''} with a status "
            f"word crmkit does not know: {words}. "
            "These orders count as neither purchases nor returns; map each word under "
            "`cleaning: status_map:` in the params file.")


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


def findings(log: pd.DataFrame, *, tables: dict[str, pd.DataFrame], profile: pd.DataFrame | None = None,
             currency: str = "") -> str:
    """State in Markdown what reading and cleaning found, computed from the log.

    With ``profile`` (``Prepared.profile``) the alerts of :func:`load_alerts` come first,
    in bold; revenue in unknown order statuses is stated whenever there is some.
    """
    lines = [f"- **{a}**" for a in (load_alerts(log, profile, currency=currency)
                                    if profile is not None else [])]
    found = log[log["rows_affected"] > 0]
    total_rows = sum(len(t) for t in tables.values())
    if found.empty:
        lines.append(f"- All {total_rows:,} rows passed every cleaning rule; nothing was changed.")
        return "\n".join(lines)
    lines.append(f"- {len(found)} of {len(log)} checks found something; the clean data has "
                 f"{total_rows:,} rows in {len(tables)} tables.")
    top = found.sort_values("rows_affected", ascending=False).head(3)
    for _, r in top.iterrows():
        lines.append(f"- **{r['table']}**: {r['rows_affected']:,} rows — {r['action']}.")
    removed = found[found["rule"].isin(CLEANING_REMOVALS + READING_DROPS)]
    if len(removed):
        lines.append(f"- {int(removed['rows_affected'].sum()):,} rows were removed in all; "
                     "every other repair kept the row.")
    if "orders" in tables:
        status = status_findings(tables["orders"], currency=currency)
        if status:
            lines.append(status)
    return "\n".join(lines)


def quality_actions(log: pd.DataFrame, *, top: int = 3) -> list[str]:
    """The fixes at the source worth making first: advice of the rules that found most.

    Parameters
    ----------
    log : DataFrame
        The cleaning log (:func:`crmkit.data.cleaning.clean`).
    top : int, default 3

    Returns
    -------
    list of str

    Examples
    --------
    >>> log = pd.DataFrame({"table": ["orders", "customers"], "rule": ["duplicate_key", "email_invalid"],
    ...                     "column": ["order_id", "email"], "rows_affected": [12, 0],
    ...                     "action": ["", ""], "examples": ["", ""]})
    >>> quality_actions(log)
    ['orders (12 rows): Several records share one ID: make the ID unique in the source system.']
    """
    from ...data.cleaning import source_fixes

    fixes = source_fixes(log)
    fixes = fixes.loc[fixes["advice"].astype(bool)]
    if fixes.empty:
        return ["Nothing to fix at the source: the export passed every check."]
    return [f"{r['table']} ({fmt.plural(r['rows_affected'], 'row')}): {r['advice']}"
            for _, r in fixes.head(top).iterrows()]
