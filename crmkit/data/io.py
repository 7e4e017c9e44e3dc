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

Only canonical columns are loaded, unless a table lists ``extra_columns`` (names of
the source's columns, or ``all``: every column not mapped): those are kept beside the
canonical ones under their own names, as read (text stripped, placeholders missing),
for analyses that use a table as exported (a churn flag and customer attributes: see
:mod:`crmkit.analysis.churn.table`). List no personal data there: only the canonical
name, e-mail and phone columns are kept out of reports. A dataset without ``orders``
is a one-row-per-customer export: it needs ``as_of``, the day the export was taken.

Validation rules (checked here, once, at load time):

- a missing required column, an unknown table or an unreadable file is an error;
- every column is read as text first; empty cells and placeholders (``NULL``, ``N/A``,
  ``-``, ``无``, ``空``, ... : ``cleaning: placeholders:`` in the params, default
  :data:`crmkit.config.cleaning.DEFAULT_PLACEHOLDERS`) are missing in every column of
  every source, and counted (rule ``placeholder_missing`` of the cleaning log);
- an empty or placeholder value, or an unparseable date, amount or number, in a
  *required* column is an error listing a few offending rows (file line numbers),
  unless the table sets ``on_invalid: drop``, in which case those rows are dropped
  and reported in the cleaning log (``dropped_missing_required``,
  ``dropped_unparseable``, with the revenue of dropped orders); in optional columns
  unparseable values become missing (``unparseable_set_missing``);
- duplicate keys, unknown customers, negative amounts and the like are data
  quality issues repaired and logged by :mod:`crmkit.data.cleaning`.

Parsing text into dates, amounts, IDs and yes/no lives in :mod:`crmkit.data.parsing`.
"""

from __future__ import annotations

import difflib
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..config import validate_params
from ..errors import DataValidationError, ParamsError, Problem
from .dataset import Dataset
from .parsing import (
    as_text,
    detect_encoding,
    is_text,
    mask_placeholders,
    parse_amounts,
    parse_bool,
    parse_dates,
    parse_ids,
)
from .schema import TABLES, table_spec

__all__ = [
    "read_params",
    "load_dataset",
    "write_dataset",
    "LOAD_RULES",
]

LOAD_RULES = ("placeholder_missing", "dropped_missing_required", "dropped_unparseable",
              "unparseable_set_missing")
"""Rules of the reading step: each table read from a file or database gets one note per rule."""

_KIND_WORDS = {"datetime": "a date", "float": "a number", "int": "a whole number",
               "bool": "yes/no", "id": "an identifier"}


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
        if spec.get("on_invalid", "error") not in ("error", "drop"):
            raise ParamsError(f"{where}: tables.{name}.on_invalid must be error or drop, "
                              f"got {spec['on_invalid']!r}")
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
        extra = spec.get("extra_columns")
        if extra is not None and extra != "all" and not (
                isinstance(extra, list) and all(isinstance(c, str) and c for c in extra)):
            raise ParamsError(f"{where}: tables.{name}.extra_columns must be a list of column "
                              f"names or 'all', got {extra!r}")
    if "orders" not in tables and not ("customers" in tables and params.get("as_of")):
        raise ParamsError(
            f"{where}: the 'orders' table is required, except for a one-row-per-customer export "
            "(a customers table only, e.g. with a churn flag), which needs 'as_of': the date "
            "the export was taken")


# --------------------------------------------------------------------------- reading
def _read_table_file(path: Path, spec: dict, source: dict, usecols: list[str] | None,
                     nrows: int | None = None) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        enc = spec.get("encoding", source.get("encoding", "auto"))
        if enc == "auto":
            enc = detect_encoding(path)
        sep = spec.get("sep", source.get("sep", "\t" if suffix == ".tsv" else ","))
        # only empty cells are missing here: placeholders are found (and counted) later
        kw = dict(sep=sep, encoding=enc, dtype=str, keep_default_na=False, na_values=[""])
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
        # like CSV: only empty cells are missing here, placeholders are found later
        return pd.read_excel(path, sheet_name=spec.get("sheet", 0), dtype=object,
                             keep_default_na=False, na_values=[""])
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
    placeholders=(),
    file_columns: list[str] | None = None,
    extra_columns: list[str] | str | None = None,
) -> tuple[pd.DataFrame, list[Problem], list[dict]]:
    spec = table_spec(table)
    all_cols = [str(c) for c in (file_columns if file_columns is not None else raw.columns)]
    problems: list[Problem] = []
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
    extras = _extra_columns(extra_columns, raw, resolved, spec, table=table,
                            source_label=source_label, all_cols=all_cols, problems=problems)
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
        return pd.DataFrame(), problems, []

    drop = on_invalid == "drop"
    lines = _Lines(raw, header_rows=header_rows)
    out = {}
    found: dict[str, dict[str, np.ndarray]] = {r: {} for r in _LOAD_FINDINGS}
    for cname, src in resolved.items():
        col = spec.column(cname)
        v, is_ph = mask_placeholders(raw[src], placeholders=placeholders)
        present = v.notna().to_numpy()
        if is_ph.any():
            found["placeholder"][cname] = is_ph
        text = is_text(raw[src])  # then v is stripped text (no second pass in the parsers)
        if col.kind == "id":
            parsed = parse_ids(v, stripped=text)
        elif col.kind == "datetime":
            parsed = parse_dates(v, dayfirst=dayfirst, date_format=date_format, stripped=text)
        elif col.kind in ("float", "int"):
            parsed = parse_amounts(v, decimal=decimal)
        elif col.kind == "bool":
            parsed, bad = parse_bool(v)
        else:  # category, text: unstripped (the cleaning log counts stray spaces)
            parsed = as_text(raw[src]).mask(~present)
        if col.kind in ("datetime", "float", "int"):
            bad = present & parsed.isna().to_numpy()
        elif col.kind != "bool":
            bad = np.zeros(len(raw), dtype=bool)
        if col.kind == "int":
            parsed = parsed.round().astype("Int64")
        bad = np.asarray(bad, dtype=bool)
        missing = ~present if col.required else np.zeros(len(raw), dtype=bool)
        if missing.any():
            found["missing_required"][cname] = missing
            if not drop:
                problems.append(_missing_problem(table, source_label, src, cname, missing,
                                                 is_ph, raw[src], lines))
        if bad.any():
            found["unreadable_required" if col.required else "unreadable_optional"][cname] = bad
            if col.required and not drop:
                problems.append(Problem(
                    table, source_label, src,
                    f"{int(bad.sum())} value(s) could not be read as {_KIND_WORDS[col.kind]} ({cname})",
                    expected=_EXPECTED[col.kind] + (_DAY_ORDER[dayfirst] if col.kind == "datetime" else ""),
                    examples=lines.values(bad, raw[src]), n_rows=int(bad.sum()),
                ))
        out[cname] = parsed
    for src in extras:  # kept as read (text stripped, placeholders missing): not parsed
        v, is_ph = mask_placeholders(raw[src], placeholders=placeholders)
        if is_ph.any():
            found["placeholder"][src] = is_ph
        resolved[src] = src
        out[src] = v
    df = pd.DataFrame(out, index=raw.index)
    notes = _load_notes(table, found, raw, resolved, lines, revenue=out.get("revenue"), drop=drop)
    dropped = _any(found["missing_required"], len(df)) | _any(found["unreadable_required"], len(df))
    if drop and dropped.any():
        df = df.loc[~dropped]
    return df.reset_index(drop=True), problems, notes


def _extra_columns(extra, raw, resolved, spec, *, table, source_label, all_cols,
                   problems) -> list[str]:
    """Source columns kept beside the canonical ones (``extra_columns``: a list or "all")."""
    if not extra:
        return []
    used = set(resolved.values())
    if extra == "all":
        return [c for c in raw.columns if c not in used and c not in spec.column_names]
    out = []
    for c in extra:
        if c in used:
            continue  # already read as a canonical column
        if c in spec.column_names:
            problems.append(Problem(table, source_label, c,
                                    f"extra column {c!r} has the name of a canonical column of {table}",
                                    expected=f"map it under tables.{table}.columns instead"))
        elif c not in raw.columns:
            close = difflib.get_close_matches(str(c), all_cols, n=3)
            problems.append(Problem(
                table, source_label, c, f"extra column {c!r} is not in the file",
                expected=f"one of the file's columns: {', '.join(all_cols[:15])}"
                + (f" (close: {', '.join(close)})" if close else "")))
        else:
            out.append(c)
    return out


_LOAD_FINDINGS = ("placeholder", "missing_required", "unreadable_required", "unreadable_optional")
_EXPECTED = {
    "datetime": "a date such as 2024-03-05, 2024/3/5, 20240305, 2024年3月5日",
    "float": "a number such as 1234.5, 1,234.50 or ¥1,234.50",
    "int": "a whole number",
    "bool": "yes/no, true/false, 1/0 or 是/否",
}
_DAY_ORDER = {True: " or 05/03/2024 (day first)",
              False: " or 03/05/2024 (month first; set dayfirst: true for 05/03/2024)"}


class _Lines:
    """File line numbers of rows, for messages (the header is line 1 of a CSV or sheet)."""

    def __init__(self, raw: pd.DataFrame, *, header_rows: int):
        self.index, self.header_rows = raw.index, header_rows

    def labels(self, mask: np.ndarray, k: int = 5) -> list[str]:
        rows = self.index[np.flatnonzero(mask)[:k]]
        return [f"line {int(i) + 1 + self.header_rows}" for i in rows]

    def values(self, mask: np.ndarray, values: pd.Series, k: int = 5, *, name: str = "") -> list[str]:
        pos = np.flatnonzero(mask)[:k]
        prefix = f"{name} " if name else ""
        return [f"{lab}: {prefix}{_shown(values.iloc[p])}" for lab, p in zip(self.labels(mask, k), pos)]


def _shown(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "empty"
    return "empty" if str(value).strip() == "" else repr(value)


def _any(masks: dict[str, np.ndarray], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for m in masks.values():
        out |= m
    return out


def _missing_problem(table, source_label, src, cname, missing, is_ph, values, lines) -> Problem:
    words = pd.unique(values[missing & is_ph].astype(str).str.strip())
    if len(words):
        shown = ", ".join(repr(w) for w in words[:5])
        message = f"empty or placeholder values ({shown}) in required column {cname}"
        expected = f"every row to have {cname}; placeholders such as '-' or 'NULL' mean missing"
    else:
        message, expected = f"empty values in required column {cname}", f"every row to have {cname}"
    return Problem(table, source_label, src, message, expected=expected,
                   examples=lines.values(missing, values), n_rows=int(missing.sum()))


def _load_notes(table, found, raw, resolved, lines, *, revenue, drop) -> list[dict]:
    """One note per (table, rule) of the reading step, also when nothing was found.

    A row dropped for an empty required value is not counted again if another of its
    required values was unreadable, so the two ``dropped_*`` notes add up to the rows
    dropped. ``revenue`` is the readable revenue of the rows concerned (orders only).
    """
    n = len(raw)

    def note(rule, masks, examples, *, rows=None, with_revenue=False):
        rows = _any(masks, n) if rows is None else rows
        rev = np.nan
        if with_revenue and revenue is not None and rows.any():
            rev = float(np.nansum(revenue.to_numpy(dtype="float64", na_value=np.nan)[rows]))
        return {"table": table, "rule": rule, "column": ",".join(masks), "rows_affected": int(rows.sum()),
                "examples": "; ".join(examples[:5]), "revenue": rev}

    ph_examples = []
    for cname, m in found["placeholder"].items():
        counts = raw[resolved[cname]][m].astype(str).str.strip().value_counts()
        ph_examples.append(f"{cname}: " + ", ".join(f"{w!r} x{c:,}" for w, c in counts.head(3).items()))
    missing = _any(found["missing_required"], n) if drop else np.zeros(n, dtype=bool)
    unreadable = (_any(found["unreadable_required"], n) & ~missing) if drop else np.zeros(n, dtype=bool)
    dropped_missing = {c: m for c, m in found["missing_required"].items()} if drop else {}
    dropped_unreadable = ({c: m & ~missing for c, m in found["unreadable_required"].items()
                           if (m & ~missing).any()} if drop else {})

    def examples(masks):
        return [e for c, m in masks.items() for e in lines.values(m, raw[resolved[c]], 2, name=c)]

    return [
        note("placeholder_missing", found["placeholder"], ph_examples),
        note("dropped_missing_required", dropped_missing, examples(dropped_missing), rows=missing,
             with_revenue=True),
        note("dropped_unparseable", dropped_unreadable, examples(dropped_unreadable), rows=unreadable,
             with_revenue=True),
        note("unparseable_set_missing", found["unreadable_optional"],
             examples(found["unreadable_optional"])),
    ]


# --------------------------------------------------------------------------- entry point
def load_dataset(params: str | Path | dict, *, progress=None) -> Dataset:
    """Load and validate the dataset described by a params file.

    Parameters
    ----------
    params : str, Path or dict
        Path to a YAML params file, or the parsed mapping (see module docstring).
    progress : callable, optional
        Called as ``progress(table, rows, seconds)`` after each table is read
        (``seconds`` is None for a bundled dataset, whose tables are built together).

    Returns
    -------
    Dataset
        Canonical tables (the canonical columns, parsed to their kinds, and any
        ``extra_columns`` as read);
        ``meta["load_notes"]`` has one note per table and rule of
        :data:`LOAD_RULES` (placeholders found, rows dropped, values set missing while
        reading; they go to the cleaning log).

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
        if progress is not None:
            for table, df in ds.tables.items():
                progress(table, len(df), None)  # built together: no time per table
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
    placeholders = validate_params(p).cleaning.placeholders
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    notes: list[dict] = []
    for table, spec in p["tables"].items():
        t0 = time.perf_counter()
        mapping = {k: v for k, v in (spec.get("columns") or {}).items() if v is not None}
        if source["type"] == "files":
            path = folder / str(spec["file"])
            if not path.is_file():
                raise ParamsError(f"{p['_file']}: tables.{table}: file not found: {path}")
            usecols = None
            file_columns = None
            if path.suffix.lower() in (".csv", ".txt", ".tsv"):
                extra = spec.get("extra_columns")
                usecols = None if extra == "all" else list(
                    set(mapping.values()) | set(table_spec(table).column_names) | set(extra or []))
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
            header_rows=header_rows, placeholders=placeholders, file_columns=file_columns,
            extra_columns=spec.get("extra_columns"),
        )
        problems += probs
        notes += nts
        tables[table] = df
        if progress is not None:
            progress(table, len(df), time.perf_counter() - t0)
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
