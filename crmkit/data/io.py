"""Load a CRM dataset described by a params file into canonical, validated tables.

A params file (YAML) names a source and maps canonical column names to the
user's column names::

    dataset: acme
    currency: "¥"
    source:
      type: files            # files | sql | bundled
      path: exports          # relative to this params file
      encoding: auto         # auto | utf-8 | utf-8-sig | gbk | gb18030
      dayfirst: false        # 05/03/2024 is 5 March when true
    tables:
      orders:
        file: 订单.csv
        columns: {order_id: 订单编号, customer_id: 客户编号, order_date: 下单日期, revenue: 金额}

Validation rules (checked here, once, at load time):

- a missing required column, an unknown table or an unreadable file is an error;
- an unparseable date, amount, number or ID in a *required* column is an error
  listing a few offending rows (file line numbers), unless the table sets
  ``on_invalid: drop``, in which case those rows are dropped and reported in the
  cleaning log; in optional columns unparseable values become missing and are
  reported in the cleaning log;
- duplicate keys, unknown customers, negative amounts and the like are data
  quality issues repaired and logged by :mod:`crmkit.data.cleaning`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..config import validate_params
from ..errors import DataValidationError, ParamsError, Problem
from .dataset import Dataset
from .schema import TABLES, table_spec

__all__ = [
    "read_params",
    "load_dataset",
    "detect_encoding",
    "parse_dates",
    "parse_amounts",
    "write_dataset",
]

_ENCODINGS = ("utf-8", "utf-8-sig", "gbk", "gb18030", "latin-1")
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
# no inline flags: pyarrow runs this with RE2 instead of falling back to Python per value
_CURRENCY = r"[¥￥$€£\s]|RMB|CNY|USD|EUR|rmb|cny|usd|eur|元"
_NA_VALUES = ["", "NA", "N/A", "NULL", "null", "None", "nan", "NaN", "#N/A"]
_KIND_WORDS = {"datetime": "a date", "float": "a number", "int": "a whole number",
               "bool": "yes/no", "id": "an identifier"}
_TRUE = {"true", "1", "yes", "y", "t", "是", "对"}
_FALSE = {"false", "0", "no", "n", "f", "否", "不是", ""}


# --------------------------------------------------------------------------- params
def read_params(path_or_dict: str | Path | dict) -> dict[str, Any]:
    """Read and check a params file.

    Parameters
    ----------
    path_or_dict : str, Path or dict
        A YAML file or an already-parsed mapping.

    Returns
    -------
    dict
        The params, with ``_base_dir`` (folder of the file, for relative paths)
        and ``_file`` added. Unknown canonical tables or columns raise
        :class:`~crmkit.errors.ParamsError`.
    """
    if isinstance(path_or_dict, dict):
        params = dict(path_or_dict)
        params.setdefault("_base_dir", str(Path.cwd()))
        params.setdefault("_file", "<dict>")
    else:
        path = Path(path_or_dict)
        if not path.is_file():
            raise ParamsError(f"params file not found: {path}")
        try:
            params = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as e:
            raise ParamsError(f"{path}: not valid YAML: {e}") from None
        except UnicodeDecodeError:
            raise ParamsError(f"{path}: params files must be UTF-8 text") from None
        if not isinstance(params, dict):
            raise ParamsError(f"{path}: expected a mapping (key: value lines) at the top level")
        params["_base_dir"] = str(path.resolve().parent)
        params["_file"] = str(path)
    _check_params(params)
    validate_params(params)  # typed sections: cleaning, festivals, analysis
    return params


def _check_params(params: dict) -> None:
    where = params.get("_file", "params")
    source = params.get("source")
    if not isinstance(source, dict) or "type" not in source:
        raise ParamsError(
            f"{where}: 'source' must be a mapping with a 'type' (files, sql or bundled), "
            "e.g.\n  source:\n    type: files\n    path: exports"
        )
    kind = source["type"]
    if kind not in ("files", "sql", "bundled"):
        raise ParamsError(f"{where}: source.type must be files, sql or bundled, got {kind!r}")
    if kind == "bundled":
        if source.get("name") not in ("demo", "cdnow", "cdnow_sample"):
            raise ParamsError(
                f"{where}: source.name must be demo, cdnow or cdnow_sample for a bundled dataset"
            )
        return
    if kind == "sql" and not source.get("url"):
        raise ParamsError(f"{where}: a sql source needs a SQLAlchemy 'url', e.g. sqlite:///crm.db")
    tables = params.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise ParamsError(f"{where}: 'tables' must map canonical table names to their files")
    for name, spec in tables.items():
        if name not in TABLES:
            close = difflib.get_close_matches(str(name), TABLES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParamsError(
                f"{where}: unknown table {name!r}{hint}; canonical tables: {', '.join(TABLES)}"
            )
        if not isinstance(spec, dict):
            raise ParamsError(f"{where}: tables.{name} must be a mapping with file/table/query")
        if kind == "files" and "file" not in spec:
            raise ParamsError(f"{where}: tables.{name} needs 'file' (a CSV, Excel or Parquet file)")
        if kind == "sql" and not ("table" in spec or "query" in spec):
            raise ParamsError(f"{where}: tables.{name} needs 'table' or 'query' for a sql source")
        cols = spec.get("columns") or {}
        if not isinstance(cols, dict):
            raise ParamsError(f"{where}: tables.{name}.columns must map canonical: source names")
        known = table_spec(name).column_names
        for canon in cols:
            if canon not in known:
                close = difflib.get_close_matches(str(canon), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ParamsError(
                    f"{where}: tables.{name}.columns: {canon!r} is not a canonical column of "
                    f"{name}{hint}; canonical columns: {', '.join(known)}"
                )
    if "orders" not in tables:
        raise ParamsError(f"{where}: the 'orders' table is required")


# --------------------------------------------------------------------------- reading
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


def _read_table_file(path: Path, spec: dict, source: dict, usecols: list[str] | None,
                     nrows: int | None = None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        enc = spec.get("encoding", source.get("encoding", "auto"))
        if enc == "auto":
            enc = detect_encoding(path)
        sep = spec.get("sep", source.get("sep", "\t" if suffix == ".tsv" else ","))
        kw = dict(sep=sep, encoding=enc, dtype=str, keep_default_na=False, na_values=_NA_VALUES)
        if nrows is None:
            # pyarrow's multithreaded reader is several times faster; the C parser below
            # gives the clearer message when a file is malformed
            header = pd.read_csv(path, nrows=0, sep=sep, encoding=enc).columns
            cols = [c for c in header if c in usecols] if usecols else None
            try:
                return pd.read_csv(path, engine="pyarrow", usecols=cols, **kw)
            except Exception:  # noqa: BLE001 - fall through to the C parser
                pass
        try:
            return pd.read_csv(
                path, usecols=(lambda c: c in usecols) if usecols else None, nrows=nrows, **kw,
            )
        except UnicodeDecodeError as e:
            raise ParamsError(
                f"{path}: cannot be read as {enc} ({e.reason} at byte {e.start}); set "
                "'encoding' (utf-8, utf-8-sig, gbk, gb18030) for this table in the params file"
            ) from None
        except pd.errors.ParserError as e:
            raise ParamsError(f"{path}: not a well-formed CSV file: {e}") from None
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return pd.read_excel(path, sheet_name=spec.get("sheet", 0), dtype=object)
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    raise ParamsError(f"{path}: unsupported file type {suffix!r}; use CSV, Excel or Parquet")


def _read_sql(source: dict, spec: dict, base_dir: Path) -> pd.DataFrame:
    import sqlalchemy as sa

    url = str(source["url"])
    m = re.match(r"^sqlite:///(?!/)(.+)$", url)
    if m and not m.group(1).startswith(":memory:"):
        url = "sqlite:///" + str((base_dir / m.group(1)).resolve())
    engine = sa.create_engine(url)
    try:
        query = spec.get("query") or f'SELECT * FROM "{spec["table"]}"'
        with engine.connect() as conn:
            return pd.read_sql_query(sa.text(query), conn)
    except sa.exc.SQLAlchemyError as e:
        raise ParamsError(f"{source['url']}: query for table failed: {e.__class__.__name__}: {e.orig if hasattr(e, 'orig') else e}") from None
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- parsing
def _text(values: pd.Series) -> pd.Series:
    """The values as pandas' default string dtype, without a copy when they already are."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.na_value is not pd.NA:
        return values
    return values.astype("str").where(values.notna())


def _row_labels(idx: pd.Index, *, header_rows: int) -> list[str]:
    return [f"line {int(i) + 1 + header_rows}" for i in idx]


def parse_dates(values: pd.Series, *, dayfirst: bool = False, date_format: str | None = None) -> pd.Series:
    """Parse a column of dates written in common forms.

    Accepts datetimes, ISO strings (2024-03-05, with or without time), 2024/3/5,
    20240305, 2024年3月5日 and, with ``dayfirst``, 05/03/2024 (else month first).
    The first format that parses every non-empty value is used for the whole column;
    failing that, each value is parsed on its own.

    Returns
    -------
    Series of datetime64
        Unparseable values are ``NaT`` (the caller reports them).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out
    s = _text(values).str.strip()
    s = s.mask(s == "")
    if date_format:
        return pd.to_datetime(s, format=date_format, errors="coerce")
    present = s.notna()
    if not present.any():
        return pd.to_datetime(s, errors="coerce")
    numeric_like = s.str.fullmatch(r"\d{8}(\.0)?").fillna(False)
    if numeric_like[present].all():
        return pd.to_datetime(s.str.slice(0, 8), format="%Y%m%d", errors="coerce")
    slash_formats = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S") if dayfirst else (
        "%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")
    sample = s[present].head(1000)
    for fmt in ("ISO8601",) + _DATE_FORMATS + slash_formats:
        try:
            pd.to_datetime(sample, format=fmt)
        except (ValueError, TypeError):
            continue
        out = pd.to_datetime(s, format=fmt, errors="coerce")
        if out[present].notna().all():
            return out
    return pd.to_datetime(s, format="mixed", dayfirst=dayfirst, errors="coerce")


def parse_amounts(values: pd.Series, *, decimal: str = ".") -> pd.Series:
    """Parse amounts such as ``"¥1,234.50"``, ``"1 234,50 €"`` or ``"(12.00)"`` to floats.

    Currency symbols and codes, spaces and thousands separators are removed;
    parentheses mean a negative amount. Unparseable values become NaN.
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


def _parse_ids(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):
        # Excel and SQL give integer IDs as floats; 123.0 -> "123"
        as_int = values.astype("Int64")
        return as_int.astype("string").astype(str).where(values.notna(), None)
    if pd.api.types.is_integer_dtype(values):
        return values.astype(str)
    s = _text(values).str.strip()
    if s.str.endswith(".0").any():
        s = s.str.replace(r"^(\d+)\.0$", r"\1", regex=True)
    return s.mask(s == "")


def _parse_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype(bool), pd.Series(False, index=values.index)
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).astype(float) != 0, pd.Series(False, index=values.index)
    s = _text(values).str.strip().str.lower().fillna("")
    is_true = s.isin(_TRUE)
    bad = ~(is_true | s.isin(_FALSE))
    return is_true.astype(bool), bad


# --------------------------------------------------------------------------- canonical
def _canonicalise(
    raw: pd.DataFrame,
    table: str,
    mapping: dict[str, str],
    *,
    source_label: str,
    dayfirst: bool,
    date_format: str | None,
    decimal: str,
    on_invalid: str,
    header_rows: int,
    file_columns: list[str] | None = None,
) -> tuple[pd.DataFrame, list[Problem], list[dict]]:
    spec = table_spec(table)
    all_cols = [str(c) for c in (file_columns if file_columns is not None else raw.columns)]
    problems: list[Problem] = []
    notes: list[dict] = []
    # canonical -> source column, defaulting to a source column of the canonical name
    resolved: dict[str, str] = {}
    for col in spec.columns:
        src = mapping.get(col.name)
        if src is None and col.name in raw.columns:
            src = col.name
        if src is None:
            continue
        if src not in raw.columns:
            close = difflib.get_close_matches(str(src), all_cols, n=3)
            problems.append(Problem(
                table, source_label, str(src),
                f"column {src!r} (mapped to {col.name}) is not in the file",
                expected=f"one of the file's columns: {', '.join(all_cols[:15])}"
                + (f" (close: {', '.join(close)})" if close else ""),
            ))
            continue
        resolved[col.name] = src
    for col in spec.columns:
        if col.required and col.name not in resolved and not any(
            p.column == mapping.get(col.name) for p in problems
        ):
            problems.append(Problem(
                table, source_label, col.name,
                f"required column {col.name!r} is missing",
                expected=f"a column named {col.name!r}, or a mapping "
                f"'{col.name}: <your column>' under tables.{table}.columns; "
                f"the file has: {', '.join(all_cols[:15])}",
            ))
    if problems:
        return pd.DataFrame(), problems, notes

    out = {}
    invalid_required = pd.Series(False, index=raw.index)
    for cname, src in resolved.items():
        col = spec.column(cname)
        v = raw[src]
        if v.dtype == object or isinstance(v.dtype, pd.StringDtype):
            present = (_text(v).str.strip() != "") & v.notna()
        else:
            present = v.notna()
        if col.kind == "id":
            parsed = _parse_ids(v)
            bad = pd.Series(False, index=raw.index)
            expected = "an identifier"
        elif col.kind == "datetime":
            parsed = parse_dates(v, dayfirst=dayfirst, date_format=date_format)
            bad = present & parsed.isna()
            expected = "a date such as 2024-03-05, 2024/3/5, 20240305" + (
                " or 05/03/2024 (day first)" if dayfirst else " or 03/05/2024 (month first; set dayfirst: true for 05/03/2024)")
        elif col.kind == "float":
            parsed = parse_amounts(v, decimal=decimal)
            bad = present & parsed.isna()
            expected = "a number such as 1234.5, 1,234.50 or ¥1,234.50"
        elif col.kind == "int":
            num = parse_amounts(v, decimal=decimal)
            bad = present & num.isna()
            parsed = num.round().astype("Int64")
            expected = "a whole number"
        elif col.kind == "bool":
            parsed, bad = _parse_bool(v)
            expected = "yes/no, true/false, 1/0 or 是/否"
        else:  # category, text
            parsed = _text(v)
            bad = pd.Series(False, index=raw.index)
            expected = ""
        missing_required = col.required & ~present
        if col.required and missing_required.any():
            rows = raw.index[missing_required.to_numpy()]
            if on_invalid == "drop":
                invalid_required |= missing_required
                notes.append(_note(table, "dropped_missing_required", len(rows),
                                   f"rows with empty {cname} dropped", _row_labels(rows[:5], header_rows=header_rows)))
            else:
                problems.append(Problem(
                    table, source_label, src, f"empty values in required column {cname}",
                    expected=f"every row to have {cname}",
                    examples=_row_labels(rows[:5], header_rows=header_rows), n_rows=len(rows),
                ))
        if bad.any():
            rows = raw.index[bad.to_numpy()]
            examples = [f"{lab}: {v.loc[i]!r}" for lab, i in zip(_row_labels(rows[:5], header_rows=header_rows), rows[:5])]
            if col.required and on_invalid != "drop":
                problems.append(Problem(
                    table, source_label, src,
                    f"{len(rows)} value(s) could not be read as {_KIND_WORDS[col.kind]} ({cname})",
                    expected=expected, examples=examples, n_rows=len(rows),
                ))
            elif col.required:
                invalid_required |= bad
                notes.append(_note(table, "dropped_unparseable", len(rows),
                                   f"rows with unreadable {cname} dropped", examples))
            else:
                notes.append(_note(table, "unparseable_set_missing", len(rows),
                                   f"unreadable {cname} values set missing", examples))
        out[cname] = parsed
    df = pd.DataFrame(out, index=raw.index)
    if invalid_required.any():
        df = df.loc[~invalid_required.to_numpy()]
    df = df.reset_index(drop=True)
    return df, problems, notes


def _note(table, rule, n, action, examples):
    return {"table": table, "rule": rule, "rows_affected": int(n), "action": action,
            "examples": "; ".join(map(str, examples[:5]))}


# --------------------------------------------------------------------------- entry point
def load_dataset(params: str | Path | dict) -> Dataset:
    """Load and validate the dataset described by a params file.

    Parameters
    ----------
    params : str, Path or dict
        Path to a YAML params file, or the parsed mapping (see module docstring).

    Returns
    -------
    Dataset
        Canonical tables (only the canonical columns, parsed to their kinds);
        ``meta["load_notes"]`` lists rows dropped or values set missing while
        reading (they go to the cleaning log).

    Raises
    ------
    ParamsError
        The params file is wrong (unknown table, missing file, bad option).
    DataValidationError
        Required columns are missing or values cannot be read; the message names
        the file, the column, a few rows (file line numbers) and what was expected.
    """
    p = read_params(params)
    source = p["source"]
    name = str(p.get("dataset") or Path(p["_file"]).stem)
    as_of = pd.Timestamp(p["as_of"]) if p.get("as_of") else None
    if source["type"] == "bundled":
        ds = _load_bundled(source)
        ds.name = name
        if as_of is not None:
            ds.as_of = as_of
        if p.get("currency"):
            ds.currency = p["currency"]
        ds.meta.setdefault("load_notes", [])
        ds.meta["params_file"] = p["_file"]
        return ds

    base = Path(p["_base_dir"])
    folder = base / str(source.get("path", "."))
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    notes: list[dict] = []
    for table, spec in p["tables"].items():
        mapping = {k: v for k, v in (spec.get("columns") or {}).items() if v is not None}
        if source["type"] == "files":
            path = folder / str(spec["file"])
            if not path.is_file():
                raise ParamsError(f"{p['_file']}: tables.{table}: file not found: {path}")
            usecols = None
            file_columns = None
            if path.suffix.lower() in (".csv", ".txt", ".tsv"):
                usecols = list(set(mapping.values()) | set(table_spec(table).column_names))
                file_columns = list(_read_table_file(path, spec, source, None, nrows=0).columns)
            raw = _read_table_file(path, spec, source, usecols)
            label = path.name
            header_rows = 1 if path.suffix.lower() in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls") else -1
        else:
            file_columns = None
            raw = _read_sql(source, spec, base)
            label = f"SQL {spec.get('table') or 'query'}"
            header_rows = -1  # row numbers are 0-based result rows
        df, probs, nts = _canonicalise(
            raw, table, mapping, source_label=label,
            dayfirst=bool(spec.get("dayfirst", source.get("dayfirst", False))),
            date_format=spec.get("date_format"),
            decimal=str(spec.get("decimal", source.get("decimal", "."))),
            on_invalid=str(spec.get("on_invalid", "error")),
            header_rows=header_rows, file_columns=file_columns,
        )
        problems += probs
        notes += nts
        tables[table] = df
    if problems:
        raise DataValidationError(problems)
    return Dataset(
        name=name, tables=tables, currency=str(p.get("currency", "¥")), as_of=as_of,
        meta={"source": str(folder if source["type"] == "files" else source.get("url")),
              "params_file": p["_file"], "load_notes": notes},
    )


def _load_bundled(source: dict) -> Dataset:
    from .bundled import load_cdnow, load_demo

    options = {k: v for k, v in source.items() if k not in ("type", "name")}
    if source["name"] == "demo":
        return load_demo(**options)
    return load_cdnow("sample" if source["name"] == "cdnow_sample" else "master")


def write_dataset(dataset: Dataset, folder: str | Path, *, fmt: str = "csv",
                  encoding: str = "utf-8") -> list[Path]:
    """Write every table of a dataset to ``folder`` (one file per table).

    Parameters
    ----------
    dataset : Dataset
    folder : str or Path
        Created if missing.
    fmt : {"csv", "parquet"}, default "csv"
    encoding : str, default "utf-8"
        CSV encoding (``utf-8-sig`` opens cleanly in Excel).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in dataset.tables.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            df.to_csv(path, index=False, encoding=encoding, date_format="%Y-%m-%d %H:%M:%S")
        elif fmt == "parquet":
            df.to_parquet(path, index=False)
        else:
            raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
        written.append(path)
    return written


def _as_str(x) -> str:  # pragma: no cover - tiny helper kept for error messages
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)
