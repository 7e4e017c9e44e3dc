"""Every notebook on a user's own (small, Chinese, GBK) export: params/example_export.yaml."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crmkit.analysis import clv
from crmkit.analysis import clv as cr
from crmkit.data.io import load_dataset
from crmkit.reporting.runner import find_notebooks

pytestmark = pytest.mark.notebooks


def test_every_notebook_renders_on_a_users_export(export_report, root):
    assert export_report.returncode == 0, export_report.stderr[-3000:]
    for nb in find_notebooks(root / "notebooks"):
        status = export_report.status(nb.stem)["status"]
        assert status in ("ok", "not_available"), (nb.stem, export_report.status(nb.stem))
        if status == "ok":
            export_report.check(nb.stem)


def test_export_reports_never_show_personal_data(export_report, root):
    customers = load_dataset(root / "params" / "example_export.yaml").customers
    pii = [c for c in ("name", "email", "phone") if c in customers.columns]
    assert pii, "the example export maps personal data"
    values = pd.concat([customers[c].dropna().astype(str) for c in pii])
    values = [v for v in values if len(v) > 4]
    for html_file in export_report.folder.glob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        leaked = [v for v in values if v in text]
        assert not leaked, f"{html_file.name} shows personal data: {leaked[:3]}"


def test_clv_falls_back_to_pareto_nbd_when_the_bgnbd_fit_degenerates(export_report, root):
    """58 customers who buy very alike: the BG/NBD estimates run off to extreme values
    (no convergence, overflowing 2F1 terms); the report says so and uses Pareto/NBD."""
    html = export_report.check("05_clv")
    assert "so the CLV table uses the Pareto/NBD model instead" in html
    s = json.loads(export_report.file("summaries/clv.json").read_text(encoding="utf-8"))
    assert s["transaction_model"] == "pareto_nbd" and s["customers"] == 58
    df = pd.read_csv(export_report.file("clv_predictions.csv"))
    assert len(df) == 58 and df["clv"].notna().all() and df["clv"].is_monotonic_decreasing


def test_choose_transaction_model(root):
    from crmkit.data.pipeline import prepare

    ds = prepare(root / "params" / "example_export.yaml").dataset
    summary = clv.btyd_summary(cr.model_orders(ds.orders), as_of="2025-03-31", time_unit="W")
    models = cr.fit_models(summary)
    assert not models["bgnbd"].converged_
    key, notes = cr.choose_transaction_model(models, summary, preferred="bgnbd")
    assert key == "pareto_nbd" and any("instead" in n for n in notes)
    key, notes = cr.choose_transaction_model(models, summary, preferred="pareto_nbd")
    assert key == "pareto_nbd" and not any("instead" in n for n in notes)
    key, notes = cr.choose_transaction_model({"bgnbd": models["bgnbd"]}, summary)
    assert key is None and "no predicted CLV" in notes[-1]
    with pytest.raises(ValueError, match="transaction_model"):
        cr.choose_transaction_model(models, summary, preferred="lifetimes")


def test_kpi_expected_dropout_uses_the_clv_pages_fallback(root):
    """On the same 58 customers the KPI page's 'expected dropout' comes from the model the
    CLV page uses (Pareto/NBD here), not from the degenerate BG/NBD fit."""
    import warnings

    from crmkit.analysis.kpi import kpi_table
    from crmkit.analysis.kpi.kpis import churn_measures
    from crmkit.data.pipeline import prepare
    from crmkit.periods import parse_period

    orders = prepare(root / "params" / "example_export.yaml").dataset.orders
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing for the page's log
        m = churn_measures(orders, kpis=kpi_table(orders, period=parse_period("2025-Q1")),
                           as_of="2025-03-31")
    kept = orders.loc[~orders["is_outlier"].astype(bool)] if "is_outlier" in orders else orders
    summary = clv.btyd_summary(kept, as_of="2025-03-31", time_unit="W")
    pnbd = clv.ParetoNBDModel().fit(summary)
    assert m.loc["expected dropout", "value"] == pytest.approx(1 - pnbd.probability_alive(summary).mean())
