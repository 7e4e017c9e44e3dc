"""Text to typed values: dates, amounts, IDs, yes/no, placeholders, file encodings.

The loader (:mod:`crmkit.data.io`) reads every export column as text and turns it
into its canonical kind with the functions here. They are vectorised (pandas, Arrow):
an export of millions of rows is read without a Python loop per value.

Dates
    :func:`parse_dates` reads the common forms of a column *even when they are mixed*
    (``2024-03-05``, ``2024/3/5``, ``20240305``, ``2024.3.5``, ``2024年3月5日``, each
    with or without a time). A column in one form takes the fast path: the form is
    recognised on a sample and the column parsed in one call. Values the form does not
    read are grouped by their shape (regular expressions on the distinct values) and
    each shape is read in one step; only values of no known shape go to pandas'
    per-value parser.
Placeholders
    Exports write "missing" as ``NULL``, ``N/A``, ``-``, ``无``, ``空`` ... as often as an
    empty cell. :func:`mask_placeholders` turns them into missing values and says where
    they were, so the cleaning log can count them (the list is
    :data:`crmkit.config.cleaning.DEFAULT_PLACEHOLDERS`, configurable in params).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "detect_encoding",
    "parse_dates",
    "parse_amounts",
    "parse_ids",
    "parse_bool",
    "mask_placeholders",
    "as_text",
    "is_text",
]

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
_SNIFF_ROWS = 1000
# a time after a date: 14:30, 14:30:05, 14:30:05.123 (full-width colons too)
_TIME = (r"(?:[ T]*(?P<H>\d{1,2})[:：](?P<M>\d{1,2})"
         r"(?:[:：](?P<S>\d{1,2})(?:[.,](?P<f>\d{1,9}))?)?)?")
# date shapes read by regular expressions (RE2 syntax: Arrow runs them)
_YEAR_FIRST = (r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
               + _TIME + "$")
_COMPACT = r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\.0+)?" + _TIME + "$"
_MONTH_FIRST = r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})" + _TIME + "$"
_DAY_FIRST = r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})" + _TIME + "$"
# no inline flags: pyarrow runs this with RE2 instead of falling back to Python per value
_CURRENCY = r"[¥￥$€£\s]|RMB|CNY|USD|EUR|rmb|cny|usd|eur|元"
_TRUE = {"true", "1", "yes", "y", "t", "是", "对"}
_FALSE = {"false", "0", "no", "n", "f", "否", "不是", ""}


# --------------------------------------------------------------------------- text
def as_text(values: pd.Series) -> pd.Series:
    """The values as pandas' default string dtype, without a copy when they already are."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.na_value is not pd.NA:
        return values
    return values.astype("str").where(values.notna())


def is_text(values: pd.Series) -> bool:
    """True for a column of text (object or string dtype), as CSV and Excel columns are read."""
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def mask_placeholders(values: pd.Series, *, placeholders=()) -> tuple[pd.Series, np.ndarray]:
    """Strip text values and make empty cells and placeholders missing.

    Parameters
    ----------
    values : Series
        One column as read from a file or a database.
    placeholders : sequence of str
        Texts meaning "missing" (compared after stripping spaces, case-sensitive).

    Returns
    -------
    values : Series
        Text columns stripped, with empty strings and placeholders missing; other
        columns (numbers, dates, booleans) unchanged.
    is_placeholder : numpy.ndarray of bool
        Where a placeholder was found.

    Examples
    --------
    >>> v, ph = mask_placeholders(pd.Series([" K1 ", "-", "", "无", None]), placeholders=["-", "无"])
    >>> v.tolist(), ph.tolist()
    (['K1', nan, nan, nan, nan], [False, True, False, True, False])
    """
    if not is_text(values):
        return values, np.zeros(len(values), dtype=bool)
    s = as_text(values).str.strip()
    # one look-up for placeholders and empty strings: this runs on every text column
    words = [w for w in dict.fromkeys(str(p).strip() for p in placeholders) if w]
    hit = s.isin([*words, ""]).to_numpy(dtype=bool, na_value=False)
    if not hit.any():
        return s, hit
    ph = hit & (s != "").to_numpy(dtype=bool, na_value=False)
    return s.mask(hit), ph


# --------------------------------------------------------------------------- encodings
def detect_encoding(path: str | Path, *, sample_bytes: int = 2_000_000) -> str:
    """Guess the text encoding of a CSV file: UTF-8 (with or without BOM) or GB18030.

    Reads the first ``sample_bytes`` bytes; tries UTF-8 first because a GBK file
    almost never decodes as UTF-8 by accident, then GB18030 (a superset of GBK,
    what Chinese Excel writes), then Latin-1.
    """
    with open(path, "rb") as f:
        head = f.read(sample_bytes)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return enc
        except UnicodeDecodeError as e:
            # a multi-byte character cut at the end of the sample is fine
            if e.start >= len(head) - 4:
                return enc
    return "latin-1"


# --------------------------------------------------------------------------- dates
def parse_dates(values: pd.Series, *, dayfirst: bool = False, date_format: str | None = None,
                stripped: bool = False) -> pd.Series:
    """Parse a column of dates written in common forms, mixed or not.

    Accepts datetimes, ISO strings (2024-03-05, with or without time), 2024/3/5,
    2024.3.5, 20240305, 2024年3月5日 (each with or without a time such as 14:30 or
    14:30:05) and, with ``dayfirst``, 05/03/2024 (else month first: 03/05/2024). The
    forms may be mixed within a column. Other forms with a four-digit year (``5 March
    2024``, ISO times with an offset) are read value by value as a last resort; numbers
    of another length than 8 digits are never taken for dates.

    Parameters
    ----------
    values : Series
        Text, or datetimes (time zones are dropped, keeping the wall-clock time).
    dayfirst : bool, default False
        Read ``05/03/2024`` as 5 March.
    date_format : str, optional
        A ``strftime`` format every value follows; no guessing when given.
    stripped : bool, default False
        The values are text already stripped of spaces, with empty strings missing
        (as :func:`mask_placeholders` returns them): skip that pass.

    Returns
    -------
    Series of datetime64
        Unparseable values are ``NaT`` (the caller reports them).

    Examples
    --------
    >>> parse_dates(pd.Series(["2024-03-05", "2024/3/6", "20240307", "2024年3月8日 9:30"])).tolist()
    [Timestamp('2024-03-05 00:00:00'), Timestamp('2024-03-06 00:00:00'), Timestamp('2024-03-07 00:00:00'), Timestamp('2024-03-08 09:30:00')]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return _naive(values)
    if stripped:
        s = values
    else:
        s = as_text(values).str.strip()
        s = s.mask((s == "").to_numpy(dtype=bool, na_value=False))
    if date_format:
        return pd.to_datetime(s, format=date_format, errors="coerce")
    present = s.notna().to_numpy()
    if not present.any():
        return pd.to_datetime(s, errors="coerce")
    sample = s[present].head(_SNIFF_ROWS)
    # a word among the dates ("NULL", "unknown") must not send the column to the slow path
    sample = sample[sample.str.contains(r"\d", regex=True).to_numpy(dtype=bool, na_value=False)]
    fmt = _sniff_format(sample, dayfirst=dayfirst) if len(sample) else None
    if fmt is None:
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
        todo = present
    else:
        # the fast path: one call for the whole column in the form of its first values
        out = _naive(pd.to_datetime(s, format=fmt, errors="coerce"))
        todo = present & out.isna().to_numpy()
    if todo.any():
        out = out.copy() if fmt is not None else out
        out.iloc[np.flatnonzero(todo)] = _parse_date_shapes(s[todo], dayfirst=dayfirst).to_numpy()
    return out


def _naive(values: pd.Series) -> pd.Series:
    if getattr(values.dt, "tz", None) is not None:
        return values.dt.tz_localize(None)
    return values


def _sniff_format(sample: pd.Series, *, dayfirst: bool) -> str | None:
    """The first format that reads every value of ``sample``, else None."""
    slash = (("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S") if dayfirst
             else ("%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S"))
    for fmt in ("ISO8601",) + _DATE_FORMATS + slash:
        try:
            parsed = pd.to_datetime(sample, format=fmt)
        except (ValueError, TypeError, OverflowError):
            continue
        if getattr(parsed.dt, "tz", None) is None:
            return fmt
    return None


def _parse_date_shapes(text: pd.Series, *, dayfirst: bool) -> pd.Series:
    """Read non-empty date texts of mixed forms: one vectorised step per shape.

    The distinct values are matched against the shapes (year first with any of
    ``-/.年月日`` as separators, 8 digits, day/month/year with slashes); the numbers of
    a shape become dates in one call. Values of no shape go to pandas' per-value
    parser if they contain a four-digit year.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(text)
    u = pa.array(np.asarray(uniques, dtype=object), type=pa.string())
    out = np.full(len(u), np.datetime64("NaT"), dtype="datetime64[us]")
    left = np.ones(len(u), dtype=bool)
    for pattern in (_YEAR_FIRST, _COMPACT, _DAY_FIRST if dayfirst else _MONTH_FIRST):
        if not left.any():
            break
        parts = pc.extract_regex(u, pattern)
        hit = left & parts.is_valid().to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        take = pa.array(np.flatnonzero(hit))
        fields = {k: pc.take(pc.struct_field(parts, k), take) for k in "ymdHMSf"}
        out[hit] = _compose(fields)
        left &= ~hit
    if left.any():
        rest = pd.Series(np.asarray(uniques, dtype=object)[left], dtype="str")
        # last resort, value by value: forms such as "5 March 2024"; a bare number
        # ("5", "2024") is not a date, though dateutil would make it one of this month
        dated = rest.str.contains(r"\d{4}", regex=True) & ~rest.str.fullmatch(r"\d+")
        out[np.flatnonzero(left)[dated.to_numpy(dtype=bool, na_value=False)]] = \
            _parse_rest(rest[dated.to_numpy(dtype=bool, na_value=False)])
    result = np.where(codes >= 0, out[np.where(codes >= 0, codes, 0)], np.datetime64("NaT"))
    return pd.Series(result, index=text.index, dtype="datetime64[us]")


def _compose(fields: dict) -> np.ndarray:
    """Dates from year/month/day/hour/minute/second/fraction texts; NaT when out of range."""
    import pyarrow.compute as pc

    y, m, d = (_ints(fields[k]) for k in "ymd")
    hh, mm, ss = (np.nan_to_num(_ints(fields[k])) for k in "HMS")
    us = np.nan_to_num(_ints(pc.utf8_slice_codeunits(pc.utf8_rpad(fields["f"], 6, "0"), 0, 6)))
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (hh < 24) & (mm < 60) & (ss < 60)
    # to_datetime of the components says which days do not exist (2024-02-30)
    days = pd.to_datetime(pd.DataFrame({"year": y, "month": np.where(ok, m, 1),
                                        "day": np.where(ok, d, 1)}), errors="coerce")
    t = days.to_numpy(dtype="datetime64[us]") + (
        (hh * 3600 + mm * 60 + ss) * 1_000_000 + us).astype("timedelta64[us]")
    return np.where(ok, t, np.datetime64("NaT"))


def _ints(a) -> np.ndarray:
    """Digit texts as float64 (empty -> NaN)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)
    return pc.cast(a, pa.int64()).to_numpy(zero_copy_only=False).astype("float64")


def _parse_rest(rest: pd.Series) -> np.ndarray:
    """pandas' per-value parser for the few values of no known shape."""
    out = pd.Series(pd.NaT, index=rest.index, dtype="datetime64[us]")
    for options in ({"format": "ISO8601"}, {"format": "mixed"}):
        todo = out.isna()
        if not todo.any():
            break
        try:
            parsed = pd.to_datetime(rest[todo], errors="coerce", **options)
        except (ValueError, TypeError, OverflowError):
            continue  # e.g. mixed time-zone offsets
        if not pd.api.types.is_datetime64_any_dtype(parsed):
            continue
        out[todo] = _naive(parsed).to_numpy(dtype="datetime64[us]")
    return out.to_numpy(dtype="datetime64[us]")


# --------------------------------------------------------------------------- numbers
def parse_amounts(values: pd.Series, *, decimal: str = ".") -> pd.Series:
    """Parse amounts such as ``"¥1,234.50"``, ``"1 234,50 €"`` or ``"(12.00)"`` to floats.

    Currency symbols and codes, spaces and thousands separators are removed;
    parentheses mean a negative amount. Unparseable values become NaN.

    Examples
    --------
    >>> parse_amounts(pd.Series(["¥1,234.50", "(12.00)", "abc"])).tolist()
    [1234.5, -12.0, nan]
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    if decimal != ".":
        return _parse_amount_text(values, decimal=decimal)
    fast = _arrow_float(values)
    if fast is None:
        fast = pd.to_numeric(values, errors="coerce").astype("float64")
    todo = fast.isna() & values.notna()
    if not todo.any():
        return fast
    # only the values that are not plain numbers go through the text clean-up
    out = fast.copy()
    out[todo] = _parse_amount_text(values[todo], decimal=decimal)
    return out


def _arrow_float(values: pd.Series) -> pd.Series | None:
    """Cast plain-number text to float64 in Arrow (fast); None when any value is not plain."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values.dtype, pd.StringDtype):
        return None
    try:
        arr = pc.cast(pa.array(values.array), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")


def _parse_amount_text(values: pd.Series, *, decimal: str) -> pd.Series:
    s = values.astype("string[pyarrow]").str.strip()
    neg = s.str.fullmatch(r"\(.*\)").fillna(False)
    s = s.str.replace(r"[()]", "", regex=True).str.replace(_CURRENCY, "", regex=True)
    if decimal == ",":
        s = s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        s = s.str.replace(",", "", regex=False)
    out = pd.to_numeric(s, errors="coerce").astype("float64")
    return out.where(~neg.to_numpy(), -out)


# --------------------------------------------------------------------------- IDs, yes/no
def parse_ids(values: pd.Series, *, stripped: bool = False) -> pd.Series:
    """Identifiers as text: integer IDs read as floats (Excel, SQL) lose their ``.0``.

    With ``stripped`` the values are text already stripped of spaces (as
    :func:`mask_placeholders` returns them).

    Examples
    --------
    >>> parse_ids(pd.Series([10.0, None, 20.0])).tolist()
    ['10', nan, '20']
    """
    if pd.api.types.is_float_dtype(values):
        as_int = values.astype("Int64")
        return as_int.astype("string").astype(str).where(values.notna(), None)
    if pd.api.types.is_integer_dtype(values):
        return values.astype(str)
    s = values if stripped else as_text(values).str.strip()
    if s.str.endswith(".0").any():
        s = s.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    return s.mask(s == "")


def parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read yes/no values (``是/否``, ``true/false``, ``1/0``, ``y/n``); missing is no.

    Returns
    -------
    values : Series of bool
    bad : Series of bool
        Values that are neither a yes nor a no word.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype(bool), pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).astype(float) != 0, pd.Series(False, index=values.index)
    s = as_text(values).str.strip().str.lower().fillna("")
    is_true = s.isin(_TRUE)
    bad = ~(is_true | s.isin(_FALSE))
    return is_true.astype(bool), bad
