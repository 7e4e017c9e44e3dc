"""Clean a canonical dataset once and say what was done.

:func:`clean` applies the rules below to every table present and returns the
clean dataset with a cleaning log: one row per (table, rule) checked, with the
number of rows affected, what was done and a few examples (personal data masked).

==========================  ==================================================
rule                        what happens
==========================  ==================================================
placeholder_missing         (reading) ``NULL``, ``N/A``, ``-``, ``无``, ``空`` ...
                            read as missing values (``cleaning: placeholders``)
dropped_missing_required    (reading, ``on_invalid: drop``) rows without a
                            required value (empty or a placeholder) dropped
dropped_unparseable         (reading, ``on_invalid: drop``) rows whose required
                            date or amount could not be read dropped
unparseable_set_missing     (reading) unreadable optional values set missing
exact_duplicates            identical rows: the first is kept
near_duplicates             rows identical once spaces and case in text columns
                            are ignored ("Search " / "search", " Li Wei" / "li
                            wei"): the same record written twice, the first in
                            file order is kept
duplicate_key               rows sharing a primary key (e.g. order_id): the
                            first in file order is kept
text_normalised             category labels stripped, inner spaces collapsed and
                            case variants ("Search ", "SEARCH") mapped to the most
                            frequent spelling; order status and event types
                            lower-cased with common synonyms (完成, refunded, ...)
                            and the params' ``cleaning: status_map``
status_unknown              order status words that are neither known nor in
                            ``status_map`` (退款成功, 待付款, ...): kept as they are,
                            so the order counts as neither a purchase nor a
                            return; listed with row counts and revenue
email_normalised            e-mails stripped and lower-cased
email_invalid               e-mails without a name@domain.tld form set missing
phone_normalised            phones reduced to digits; Chinese mobiles to 11 digits
                            (+86 / 0086 prefixes dropped)
missing_filled              missing category labels set to "unknown"; missing
                            order status set to "completed"
negative_amount_as_return   completed orders with negative revenue get status
                            "returned" (refund lines); only completed orders
                            count as purchases
future_date                 orders dated after the export date (``as_of``) dropped
outlier                     completed orders above ``outlier_factor`` x the median
                            order value flagged in ``orders.is_outlier`` (kept)
unknown_customer            orders whose customer is not in ``customers``: kept,
                            counted (fix at the source)
invalid_score               NPS outside 0-10, CSAT outside 1-5 set missing
resolved_before_created     tickets resolved before they were opened: resolution
                            time set missing
==========================  ==================================================

The reading rules are applied by :func:`crmkit.data.io.load_dataset` (before
cleaning, so that a ``-`` never becomes a customer) and added to the log from
``dataset.meta["load_notes"]``; a bundled dataset is not read from text and has none.
The log's ``revenue`` column holds the revenue of the order rows a rule dropped or
left out of purchases (``dropped_*``, ``status_unknown``; missing elsewhere).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import fmt
from ..config.cleaning import CleaningRules
from .dataset import Dataset
from .parsing import as_text
from .schema import ORDER_STATUSES, PII_COLUMNS, TABLES

__all__ = [
    "clean",
    "CLEANING_RULES",
    "SOURCE_ADVICE",
    "READING_DROPS",
    "CLEANING_REMOVALS",
    "source_fixes",
    "mask_pii",
    "LOG_COLUMNS",
]

LOG_COLUMNS = ["table", "rule", "column", "rows_affected", "action", "examples", "revenue"]

CLEANING_RULES: dict[str, str] = {
    "placeholder_missing": "placeholders such as NULL, N/A, - or 无 read as missing",
    "dropped_missing_required": "rows without a required value dropped while reading",
    "dropped_unparseable": "rows with an unreadable required value dropped while reading",
    "unparseable_set_missing": "unreadable optional values set missing while reading",
    "exact_duplicates": "identical rows removed (first kept)",
    "near_duplicates": "rows identical apart from spaces and case in text removed (first kept)",
    "duplicate_key": "rows sharing a primary key removed (first in file order kept)",
    "text_normalised": "labels stripped and case variants unified",
    "status_mapped": "order status words mapped to completed/returned/cancelled (not a defect)",
    "status_unknown": "unknown order status words kept: neither purchases nor returns",
    "email_normalised": "e-mails stripped and lower-cased",
    "email_invalid": "invalid e-mails set missing",
    "phone_normalised": "phones reduced to digits (Chinese mobiles: 11 digits)",
    "missing_filled": "missing labels set to 'unknown', missing status to 'completed'",
    "negative_amount_as_return": "negative amounts treated as returns (status 'returned')",
    "future_date": "orders dated after the export date removed",
    "outlier": "extreme order values flagged in is_outlier (kept)",
    "unknown_customer": "orders of customers missing from the customers table (kept)",
    "invalid_score": "out-of-range NPS/CSAT scores set missing",
    "resolved_before_created": "resolution before creation: resolved_at set missing",
}

READING_DROPS = ("dropped_missing_required", "dropped_unparseable")
"""Rules of the reading step that drop rows (``on_invalid: drop``); they add up to the rows dropped."""

CLEANING_REMOVALS = ("exact_duplicates", "near_duplicates", "duplicate_key", "future_date")
"""Cleaning rules that remove rows; every other rule keeps the row."""

SOURCE_ADVICE: dict[str, str] = {
    "placeholder_missing": "Missing values are written as words (NULL, -, 无): export them as empty cells.",
    "exact_duplicates": "The export repeats rows: check the query or the export job for joins that multiply rows.",
    "near_duplicates": "Records are entered twice with different spacing or capitals: check the entry form and the export job.",
    "status_unknown": "Order status words crmkit does not know: map each under 'cleaning: status_map:' in the params file.",
    "duplicate_key": "Several records share one ID: make the ID unique in the source system.",
    "text_normalised": "Labels are typed by hand in several spellings: use a drop-down list in the CRM.",
    "status_mapped": "",
    "email_normalised": "E-mails are stored with capitals or spaces: normalise them on entry.",
    "email_invalid": "Some e-mails are not addresses: validate the field in the entry form.",
    "phone_normalised": "Phones are stored in several formats: store one format (11 digits for Chinese mobiles).",
    "missing_filled": "Labels are left empty: make them required or give them a default in the CRM.",
    "negative_amount_as_return": "Refunds are booked as negative orders: record them as returns of the original order.",
    "future_date": "Some dates lie after the export date: check the clock or date format of the source.",
    "outlier": "A few orders are far above normal: confirm them (bulk or test orders?) before trusting revenue.",
    "unknown_customer": "Orders reference customers that are not in the customer export: export both tables together.",
    "invalid_score": "Scores outside their scale: restrict the survey tool's answer range.",
    "resolved_before_created": "Tickets closed before they were opened: check the ticket system's timestamps.",
    "dropped_missing_required": "Rows without a required value: make the field mandatory in the source.",
    "dropped_unparseable": "Values that could not be read: fix the format in the source.",
    "unparseable_set_missing": "Values that could not be read: fix the format in the source.",
}

_STATUS_SYNONYMS = {
    "completed": "completed", "complete": "completed", "paid": "completed", "done": "completed",
    "delivered": "completed", "shipped": "completed", "success": "completed",
    "完成": "completed", "已完成": "completed", "已付款": "completed", "交易成功": "completed",
    "returned": "returned", "return": "returned", "refunded": "returned", "refund": "returned",
    "退货": "returned", "已退货": "returned", "退款": "returned", "已退款": "returned",
    "cancelled": "cancelled", "canceled": "cancelled", "cancel": "cancelled", "void": "cancelled",
    "取消": "cancelled", "已取消": "cancelled", "交易关闭": "cancelled",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_FILL_UNKNOWN = {
    "customers": ["acquisition_channel", "region", "city", "gender", "crm_segment"],
    "orders": ["sales_channel"],
    "products": ["category"],
    "tickets": ["category"],
    "marketing_spend": ["campaign"],
}


def mask_pii(value, column: str) -> str:
    """Mask an e-mail, phone or name for display: ``l***@example.com``, ``138****5678``."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "<missing>"
    v = str(value)
    if column == "email":
        name, _, domain = v.strip().partition("@")
        return (name[:1] + "***" + ("@" + domain if domain else "")) if v.strip() else repr(v)
    if column == "phone":
        digits = re.sub(r"\D", "", v)
        return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"
    return v[:1] + "**"


def _examples(values, column: str | None = None, table: str | None = None, k: int = 3) -> str:
    pii = column is not None and table is not None and column in PII_COLUMNS.get(table, [])
    out = []
    for v in list(values)[:k]:
        out.append(mask_pii(v, column) if pii else repr(v) if isinstance(v, str) else str(v))
    return "; ".join(out)


def _entry(table, rule, n, column="", examples="", revenue=np.nan):
    return {"table": table, "rule": rule, "column": column, "rows_affected": int(n),
            "action": CLEANING_RULES.get(rule, rule), "examples": examples,
            "revenue": float(revenue)}


def _key_examples(df: pd.DataFrame, mask, table: str) -> str:
    pk = TABLES[table].primary_key
    cols = list(pk) if pk else [c for c in df.columns if c not in PII_COLUMNS.get(table, [])][:2]
    rows = df.loc[mask, cols].head(3)
    return "; ".join(", ".join(f"{c}={r[c]}" for c in cols) for _, r in rows.iterrows())


def _normalise_labels(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Strip, collapse spaces and unify case variants to the most frequent spelling."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) == 0:
        return s, np.zeros(len(s), dtype=bool)
    u = pd.Series(uniques, dtype="string")
    stripped = u.str.strip().str.replace(r"\s+", " ", regex=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    freq = pd.DataFrame({"stripped": stripped, "key": stripped.str.casefold(), "n": counts})
    # most frequent spelling wins; on a tie the lower-case one, then the first seen
    best = freq.groupby(["key", "stripped"], sort=False)["n"].sum().reset_index()
    best["is_lower"] = best["stripped"] == best["stripped"].str.lower()
    best = (best.sort_values(["key", "n", "is_lower"], ascending=[True, False, False], kind="stable")
            .drop_duplicates("key").set_index("key")["stripped"])
    canon = freq["key"].map(best).astype("string")
    changed_u = (canon != u).to_numpy(dtype=bool)
    new = pd.Series(canon.to_numpy(dtype=object)[np.where(codes >= 0, codes, 0)], index=s.index)
    new = new.where(codes >= 0, None)
    changed = np.where(codes >= 0, changed_u[np.where(codes >= 0, codes, 0)], False)
    return new.astype(s.dtype) if s.dtype == object else new.astype("str").where(codes >= 0, None), changed


def _map_status(s: pd.Series, status_map=None) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Lower-case status labels and map synonyms (已完成, refunded, ...) to canonical words.

    ``status_map`` (the params' ``cleaning: status_map``) adds words or overrides
    synonyms. Returns the new column, a mask of rows whose word was translated, and a
    mask of rows changed only by case or spaces.
    """
    synonyms = {**_STATUS_SYNONYMS,
                **{str(k).strip().lower(): v for k, v in (status_map or {}).items()}}
    st = s.astype("string")
    low = st.str.strip().str.lower()
    codes, uniques = pd.factorize(low)
    # one look-up per distinct word, not per row
    mapped_u = pd.Series([synonyms.get(u, u) for u in uniques], dtype="string")
    mapped_vals = pd.Series(mapped_u.to_numpy()[np.where(codes >= 0, codes, 0)], index=s.index,
                            dtype="string").where(codes >= 0)
    new = mapped_vals.astype("str").where(low.notna(), None)
    translated = (mapped_vals != low).fillna(False).to_numpy(dtype=bool)
    case_only = ((low != st).fillna(False).to_numpy(dtype=bool)) & ~translated
    return new, translated, case_only


def _status_unknown(df: pd.DataFrame, currency: str) -> dict:
    """The log entry of status words that are neither known nor mapped."""
    unknown = (df["status"].notna() & ~df["status"].isin(ORDER_STATUSES)).to_numpy(dtype=bool)
    if not unknown.any():
        return _entry("orders", "status_unknown", 0, "status", "", 0.0)
    words = (df.loc[unknown].groupby("status", sort=False)["revenue"].agg(["size", "sum"])
             .sort_values(["size", "sum"], ascending=False))
    examples = "; ".join(f"{w!r} x{int(r['size']):,} ({fmt.money(r['sum'], currency)})"
                         for w, r in words.head(5).iterrows())
    return _entry("orders", "status_unknown", unknown.sum(), "status", examples,
                  df.loc[unknown, "revenue"].sum())


def _near_duplicates(df: pd.DataFrame, table: str) -> np.ndarray:
    """Rows equal to an earlier row once spaces and case in text columns are ignored.

    Run after exact duplicates are gone. Each text column is compared through a code
    per spelling-insensitive key (strip, collapse inner spaces, lower-case); when no
    two spellings of any column share a key, nothing can be a near-duplicate and the
    table is not compared at all. A table with a primary key and free-text columns
    (names, e-mails: nearly one spelling per row) is first narrowed to the rows whose
    key occurs more than once, since near-duplicates share their key.
    """
    spec = TABLES[table]
    out = np.zeros(len(df), dtype=bool)
    text = [c.name for c in spec.columns if c.kind in ("category", "text") and c.name in df.columns]
    if not text:
        return out
    rows = np.ones(len(df), dtype=bool)
    if spec.primary_key and any(spec.column(c).kind == "text" for c in text):
        rows = df.duplicated(subset=list(spec.primary_key), keep=False).to_numpy()
        if not rows.any():
            return out
    sub = df.loc[rows] if not rows.all() else df
    keys = {c: k for c in text if (k := _folded_codes(sub[c])) is not None}
    if keys:
        out[rows] = sub.assign(**keys).duplicated(keep="first").to_numpy()
    return out


def _folded_codes(values: pd.Series) -> np.ndarray | None:
    """A code per value that ignores spaces and case (-1 for missing); None when no two
    distinct values share one (the column cannot make rows near-duplicates)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(values)
    if len(uniques) < 2:
        return None
    u = pa.array(as_text(pd.Series(uniques)).array)
    if isinstance(u, pa.ChunkedArray):
        u = u.combine_chunks()
    # in Arrow (vectorised): the distinct values of a names column can be many
    folded = pc.utf8_lower(pc.replace_substring_regex(
        pc.utf8_trim_whitespace(u), r"[\s\x{3000}\x{00A0}]+", " "))
    key = pc.dictionary_encode(folded)
    if len(key.dictionary) == len(uniques):
        return None
    key_codes = key.indices.to_numpy(zero_copy_only=False)
    return np.where(codes >= 0, key_codes[np.maximum(codes, 0)], -1)


def _norm_phone(s: pd.Series) -> pd.Series:
    st = s.astype("string")
    digits = st.str.replace(r"\D", "", regex=True)
    cn = digits.str.replace(r"^(?:0086|86)(1\d{10})$", r"\1", regex=True)
    plus = st.str.strip().str.startswith("+").fillna(False) & ~cn.str.fullmatch(r"1\d{10}").fillna(False)
    out = cn.where(~plus, "+" + cn)
    return out.where(st.notna())


def clean(
    dataset: Dataset,
    *,
    rules: CleaningRules | None = None,
    as_of: str | pd.Timestamp | None = None,
) -> tuple[Dataset, pd.DataFrame]:
    """Apply the cleaning rules to every table.

    Parameters
    ----------
    dataset : Dataset
        Canonical, validated tables (from :func:`crmkit.data.io.load_dataset`).
    rules : CleaningRules, optional
        Cleaning options from the params file (``cleaning:``); defaults when omitted:
        ``outlier_factor`` 50 (completed orders above 50 times the median order value
        are flagged as outliers), no extra ``status_map``.
    as_of : date-like, optional
        Export date; orders after the end of that day are future-dated. Defaults to
        ``dataset.as_of``, else today.

    Returns
    -------
    clean : Dataset
        A new dataset (the input is not modified). ``orders`` gains a boolean
        ``is_outlier`` column and ``status`` is always filled.
    log : DataFrame
        Columns ``table, rule, column, rows_affected, action, examples, revenue``; one
        row per rule checked on each table, including rules that found nothing.
        ``revenue`` is the revenue of the order rows a rule dropped or left out of
        purchases (``dropped_*``, ``status_unknown``), missing for other rules.
    """
    rules = rules if rules is not None else CleaningRules()
    outlier_factor = rules.outlier_factor
    as_of = pd.Timestamp(as_of) if as_of is not None else (dataset.as_of or pd.Timestamp.today())
    cutoff = as_of.normalize() + pd.Timedelta(days=1)
    log: list[dict] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, df in dataset.tables.items():
        df = df.copy()
        spec = TABLES[name]
        # exact duplicates
        dup = df.duplicated(keep="first").to_numpy()
        log.append(_entry(name, "exact_duplicates", dup.sum(), "", _key_examples(df, dup, name)))
        df = df.loc[~dup]
        near = _near_duplicates(df, name)
        log.append(_entry(name, "near_duplicates", near.sum(), "", _key_examples(df, near, name)))
        df = df.loc[~near]
        if spec.primary_key:
            dk = df.duplicated(subset=list(spec.primary_key), keep="first").to_numpy()
            log.append(_entry(name, "duplicate_key", dk.sum(), ",".join(spec.primary_key),
                              _key_examples(df, dk, name)))
            df = df.loc[~dk]
        # labels
        changed_any = np.zeros(len(df), dtype=bool)
        changed_cols = []
        for col in spec.columns:
            if col.kind != "category" or col.name not in df.columns:
                continue
            before = df[col.name]
            if name == "orders" and col.name == "status":
                df[col.name], mapped, ch = _map_status(before, rules.status_map)
                log.append(_entry(name, "status_mapped", mapped.sum(), "status",
                                  _examples(pd.unique(before[mapped]))))
            elif col.name == "event_type":
                low = before.astype("string").str.strip().str.lower()
                new = low.astype("str").where(low.notna(), None)
                ch = (low != before.astype("string")).fillna(False).to_numpy(dtype=bool)
            else:
                new, ch = _normalise_labels(before)
            if col.name == "status" and name == "orders":
                if ch.any():
                    changed_cols.append(col.name)
                changed_any |= ch
                continue
            if ch.any():
                changed_cols.append(col.name)
                df[col.name] = new
            changed_any |= ch
        log.append(_entry(name, "text_normalised", changed_any.sum(), ",".join(changed_cols),
                          _key_examples(df, changed_any, name)))
        # missing labels
        fill_cols = [c for c in _FILL_UNKNOWN.get(name, []) if c in df.columns]
        miss_any = np.zeros(len(df), dtype=bool)
        filled = []
        for c in fill_cols:
            m = df[c].isna().to_numpy()
            if m.any():
                filled.append(c)
                df[c] = df[c].where(~m, "unknown")
            miss_any |= m
        if name == "orders":
            if "status" not in df.columns:
                df["status"] = "completed"
            m = df["status"].isna().to_numpy()
            if m.any():
                filled.append("status")
                df["status"] = df["status"].where(~m, "completed")
            miss_any |= m
        if fill_cols or name == "orders":
            log.append(_entry(name, "missing_filled", miss_any.sum(), ",".join(filled),
                              _key_examples(df, miss_any, name)))
        # table-specific rules
        if name == "customers":
            df, entries = _clean_contacts(df)
            log += entries
        elif name == "orders":
            log.append(_status_unknown(df, dataset.currency))
            df, entries = _clean_orders(df, cutoff=cutoff, outlier_factor=outlier_factor,
                                        customers=None)
            log += entries
        elif name == "surveys":
            bad = np.zeros(len(df), dtype=bool)
            for c, lo, hi in (("nps_score", 0, 10), ("csat_score", 1, 5)):
                if c in df.columns:
                    v = df[c]
                    b = ((v < lo) | (v > hi)).fillna(False).to_numpy(dtype=bool)
                    df[c] = v.mask(b)
                    bad |= b
            scores = [c for c in ("nps_score", "csat_score") if c in df.columns]
            shown = dataset.tables[name].loc[df.index[bad], scores].astype(str).agg("/".join, axis=1)
            log.append(_entry(name, "invalid_score", bad.sum(), "nps_score,csat_score", _examples(shown)))
        elif name == "tickets" and "resolved_at" in df.columns:
            b = (df["resolved_at"] < df["created_at"]).fillna(False).to_numpy(dtype=bool)
            log.append(_entry(name, "resolved_before_created", b.sum(), "resolved_at",
                              _key_examples(df, b, name)))
            df["resolved_at"] = df["resolved_at"].mask(b)
        tables[name] = df.reset_index(drop=True)

    if "customers" in tables and "orders" in tables:
        o = tables["orders"]
        known = pd.Index(tables["customers"]["customer_id"].unique())
        unknown = known.get_indexer(o["customer_id"]) < 0  # hash lookup, fast on Arrow strings
        log.append(_entry("orders", "unknown_customer", unknown.sum(), "customer_id",
                          _examples(pd.unique(o.loc[unknown, "customer_id"]))))
    # the reading step's notes come first: it ran first
    log = [_entry(n["table"], n["rule"], n["rows_affected"], n.get("column", ""),
                  n.get("examples", ""), n.get("revenue", np.nan))
           for n in dataset.meta.get("load_notes", [])] + log
    out = Dataset(name=dataset.name, tables=tables, currency=dataset.currency, as_of=as_of,
                  truth=dataset.truth, meta=dict(dataset.meta))
    return out, pd.DataFrame(log, columns=LOG_COLUMNS)


def _clean_contacts(df: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    entries = []
    if "email" in df.columns:
        e = df["email"].astype("string")
        norm = e.str.strip().str.lower()
        valid = norm.str.match(_EMAIL).fillna(False).to_numpy(dtype=bool)
        changed = ((norm != e).fillna(False).to_numpy(dtype=bool)) & valid
        invalid = e.notna().to_numpy() & ~valid
        entries.append(_entry("customers", "email_normalised", changed.sum(), "email",
                              _examples(e[changed], "email", "customers")))
        entries.append(_entry("customers", "email_invalid", invalid.sum(), "email",
                              _examples(e[invalid], "email", "customers")))
        df["email"] = norm.astype("str").where(valid, None)
    if "phone" in df.columns:
        p = df["phone"].astype("string")
        norm = _norm_phone(p)
        changed = (norm != p).fillna(False).to_numpy(dtype=bool)
        entries.append(_entry("customers", "phone_normalised", changed.sum(), "phone",
                              _examples(p[changed], "phone", "customers")))
        df["phone"] = norm.astype("str").where(norm.notna(), None)
    return df, entries


def _clean_orders(df, *, cutoff, outlier_factor, customers):
    entries = []
    neg = ((df["revenue"] < 0) & (df["status"] == "completed")).to_numpy(dtype=bool)
    entries.append(_entry("orders", "negative_amount_as_return", neg.sum(), "revenue",
                          _key_examples(df, neg, "orders")))
    df["status"] = df["status"].where(~neg, "returned")
    fut = (df["order_date"] >= cutoff).to_numpy(dtype=bool)
    entries.append(_entry("orders", "future_date", fut.sum(), "order_date",
                          _examples(df.loc[fut, "order_date"].dt.strftime("%Y-%m-%d"))))
    df = df.loc[~fut]
    completed = (df["status"] == "completed") & (df["revenue"] > 0)
    median = df.loc[completed, "revenue"].median()
    out = (completed & (df["revenue"] > outlier_factor * median)).to_numpy(dtype=bool) if pd.notna(median) else np.zeros(len(df), bool)
    entries.append(_entry("orders", "outlier", out.sum(), "revenue",
                          _examples(df.loc[out, "revenue"].round(2))))
    df["is_outlier"] = out
    return df, entries


def source_fixes(log: pd.DataFrame) -> pd.DataFrame:
    """What to fix at the source: the rules that found something, with advice.

    Returns
    -------
    DataFrame
        Columns ``table, rule, rows_affected, advice``, largest first.
    """
    found = log[log["rows_affected"] > 0].copy()
    found["advice"] = found["rule"].map(SOURCE_ADVICE).fillna("")
    return (found[["table", "rule", "rows_affected", "advice"]]
            .sort_values("rows_affected", ascending=False).reset_index(drop=True))


