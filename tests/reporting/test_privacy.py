"""No name, e-mail or phone of the source data in any file a report run writes (unless --show-pii).

The end-to-end checks reuse the session renders of every bundled dataset
(``demo_report``, ``cdnow_report``, ``export_report`` in ``tests/conftest.py``) and
scan every HTML, CSV and JSON file the run wrote (executed notebooks are JSON too)
for every non-empty name, e-mail and phone of the customers table, both as loaded
and as cleaned.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from crmkit.data.dataset import Dataset
from crmkit.data.pipeline import Prepared
from crmkit.periods import parse_period
from crmkit.reporting.notebook import Session

ROOT = Path(__file__).resolve().parents[2]
PII = ("name", "email", "phone")
SCANNED = (".html", ".csv", ".json", ".ipynb")
_IMAGES = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s\\n]+")


def _trie_pattern(words) -> re.Pattern:
    """One regex matching any of ``words`` as a whole token, built as a trie so a scan stays fast.

    A match may not continue a word of letters or digits: "Liu Yan" is not found in
    "Liu Yang", nor "客户1" in "客户12".
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return re.compile(r"(?<![A-Za-z0-9_])" + build(trie) + r"(?![A-Za-z0-9_])")


STAFF = ("opportunities", "sales_targets")  # tables whose ``owner`` is a salesperson


@cache
def personal_values(params: str) -> frozenset[str]:
    """Every non-empty name, e-mail and phone of the customers table, raw as loaded and cleaned.

    Salespeople's names (``owner``) are left out: the sales reports name them on
    purpose, and the synthetic demo draws them from the same name pool as customers
    ("Chen Jie" is a customer and a salesperson), so the text cannot tell them apart.
    """
    from crmkit.data.io import load_dataset
    from crmkit.data.pipeline import prepare

    values, staff = set(), set()
    for ds in (load_dataset(ROOT / params), prepare(ROOT / params).dataset):
        customers = ds.customers
        if customers is not None:
            for col in PII:
                if col in customers.columns:
                    values |= {str(v).strip() for v in customers[col].dropna()}
        for table in STAFF:
            frame = ds.tables.get(table)
            if frame is not None and "owner" in frame.columns:
                staff |= {str(v).strip() for v in frame["owner"].dropna()}
    assert len(staff) <= 50  # a sales team, not a customer list
    return frozenset(v for v in values - staff if v and v.lower() not in ("nan", "none"))


def leaks(root: Path, values) -> dict[str, list[str]]:
    """Personal values found per file under ``root`` (chart images are skipped)."""
    pattern = _trie_pattern(values)
    found = {}
    for path in sorted(root.rglob("*")):
        if path.suffix not in SCANNED or not path.is_file():
            continue
        text = _IMAGES.sub("", path.read_text(encoding="utf-8", errors="replace"))
        hits = sorted({m.group(0) for m in pattern.finditer(text) if m.group(0) in values})
        if hits:
            found[str(path.relative_to(root))] = hits[:5]
    return found


def _scanned_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.suffix in SCANNED and p.is_file()]


def _reports_root(rendered) -> Path:
    folder = rendered.folder  # reports/<dataset>/<period> or reports/<dataset>/_failed/<period>
    return folder.parents[2] if folder.parent.name == "_failed" else folder.parents[1]


def test_the_scan_finds_a_planted_leak(tmp_path):
    values = {"He Lei", "lei.he3500@qq.com", "18142902571", "客户1", "Liu Yan"}
    (tmp_path / "a.html").write_text("<td>ok</td><img src='data:image/png;base64,18142902571AA=='>"
                                     "<td>Liu Yang</td><td>客户12</td>", encoding="utf-8")
    (tmp_path / "b.csv").write_text("customer_id,x\nc1,客户1\nc2,He Lei\n", encoding="utf-8")
    (tmp_path / "c.json").write_text('{"to": "mail lei.he3500@qq.com"}')
    assert leaks(tmp_path, values) == {"b.csv": ["He Lei", "客户1"], "c.json": ["lei.he3500@qq.com"]}


@pytest.mark.notebooks
@pytest.mark.parametrize("fixture, params, n_min", [
    ("demo_report", "params/demo.yaml", 10_000),
    ("export_report", "params/example_export.yaml", 150),
    ("cdnow_report", "params/cdnow.yaml", 0),  # orders only: no personal data at all
])
def test_no_personal_data_in_any_file_of_a_default_run(request, fixture, params, n_min):
    rendered = request.getfixturevalue(fixture)
    assert rendered.manifest, rendered.stderr[-3000:]
    values = personal_values(params)
    assert len(values) >= n_min
    root = _reports_root(rendered)
    files = _scanned_files(root)
    assert any(p.suffix == ".csv" for p in files) and any(p.suffix == ".html" for p in files)
    assert len(files) >= 10
    if values:
        assert leaks(root, values) == {}


def _session(tmp_path, *, show_pii: bool) -> Session:
    orders = pd.DataFrame({"order_date": pd.to_datetime(["2025-01-05", "2025-03-30"])})
    data = Prepared(Dataset("x", {"orders": orders}), pd.DataFrame(), pd.DataFrame())
    return Session(data=data, period=parse_period("2025-Q1"), output_dir=str(tmp_path),
                   show_pii=show_pii)


def test_show_pii_lets_names_and_phones_into_the_at_risk_list(tmp_path):
    at_risk = pd.DataFrame({
        "customer_id": ["c1", "c2"], "name": ["He Lei", "Hu Xin"], "email": ["a@x.cn", None],
        "phone": ["18142902571", "13153783290"], "churn_probability": [0.81, 0.64],
    }).set_index("customer_id")
    hidden = pd.read_csv(_session(tmp_path / "off", show_pii=False).save_table(at_risk, "churn_at_risk.csv"))
    assert list(hidden.columns) == ["customer_id", "churn_probability"]
    assert leaks(tmp_path / "off", {"He Lei", "Hu Xin", "a@x.cn", "18142902571"}) == {}
    shown = pd.read_csv(_session(tmp_path / "on", show_pii=True).save_table(at_risk, "clv_predictions.csv"),
                        dtype={"phone": str})
    assert shown["name"].tolist() == ["He Lei", "Hu Xin"]
    assert shown["phone"].tolist() == ["18142902571", "13153783290"]
