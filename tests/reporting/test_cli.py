from __future__ import annotations

import pandas as pd

from crmkit.reporting.cli import main


def test_validate_prints_cleaning_log(root, capsys):
    assert main(["validate", "--params", str(root / "params" / "example_export.yaml")]) == 0
    out = capsys.readouterr().out
    assert "orders 400 rows" in out and "status_mapped" in out


def test_user_error_exit_2_without_traceback(tmp_path, capsys):
    bad = tmp_path / "p.yaml"
    bad.write_text("dataset: x\nsource: {type: ftp}\n")
    assert main(["validate", "--params", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmkit: error:") and "source.type must be files, sql or bundled" in err
    assert "Traceback" not in err


def test_bad_period_and_only(root, capsys):
    assert main(["report", "--params", str(root / "params" / "cdnow.yaml"), "--period", "1997-13"]) == 2
    assert "month must be 01-12" in capsys.readouterr().err
    assert main(["report", "--params", str(root / "params" / "cdnow.yaml"), "--only", "99"]) == 2
    assert "matches no notebook" in capsys.readouterr().err


def test_demo_data_writes_csv_and_never_overwrites(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo-data", "--out", str(tmp_path / "x", ), "--customers", "100"]) == 2
    assert "n_customers >= 500" in capsys.readouterr().err  # defects come in fixed counts
    assert main(["demo-data", "--out", str(out), "--customers", "600", "--seed", "3"]) == 0
    orders = pd.read_csv(out / "orders.csv", encoding="utf-8-sig")
    customers = pd.read_csv(out / "customers.csv", encoding="utf-8-sig")
    assert {"order_id", "customer_id", "order_date", "revenue"} <= set(orders.columns)
    assert customers["customer_id"].nunique() >= 500
    before = (out / "orders.csv").read_bytes()
    assert main(["demo-data", "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "orders.csv").read_bytes() == before
