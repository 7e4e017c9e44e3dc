from __future__ import annotations

import pandas as pd

from crmkit.data.dataset import Dataset
from crmkit.data.pipeline import Prepared, open_data, prepare, profile_tables


def test_prepare_save_load_roundtrip(root, tmp_path):
    prep = prepare(root / "params" / "example_export.yaml")
    prep.save(tmp_path / "p")
    back = open_data("", str(tmp_path / "p"))
    assert isinstance(back, Prepared)
    for name, df in prep.dataset.tables.items():
        pd.testing.assert_frame_equal(back.dataset.tables[name], df, check_dtype=False)
    pd.testing.assert_frame_equal(back.cleaning_log, prep.cleaning_log)
    assert back.dataset.fingerprint() == prep.dataset.fingerprint()
    assert back.dataset.as_of == pd.Timestamp("2025-03-31") and back.dataset.currency == "¥"


def test_rules_defaults_overridden_by_params():
    from crmkit.config import validate_params

    ds = Dataset("x", {"orders": pd.DataFrame()})
    params = validate_params({"source": {"type": "bundled", "name": "demo"},
                              "analysis": {"churn": {"horizon_days": 60}}})
    prep = Prepared(ds, pd.DataFrame(), pd.DataFrame(), params)
    assert prep.rules("churn").horizon_days == 60 and prep.rules("churn").lookback_days == 365
    assert prep.rules("clv").horizon_months == 12  # a section the params leave out: defaults


def test_profile_masks_personal_data():
    ds = Dataset("x", {"customers": pd.DataFrame({
        "customer_id": ["c1", "c2", "c3"], "email": [None, "li.wei@example.com", "a@b.cn"],
        "region": ["East", None, "East"]})})
    prof = profile_tables(ds).set_index("column")
    assert prof.loc["email", "example"] == "l***@example.com"
    assert prof.loc["region", "missing"] == 1 and prof.loc["region", "distinct"] == 1
    assert prof.loc["region", "missing_share"] == 1 / 3


def test_open_data_returns_the_copy_kept_in_memory(demo_prepared, tmp_path):
    from crmkit.data import pipeline

    folder = demo_prepared.save(tmp_path / "prepared")
    fresh = pipeline.open_data("", str(folder))
    assert fresh is not pipeline.open_data("", str(folder))  # read from disk each time
    try:
        kept = pipeline.keep_open(folder)
        # a notebook forked from the zygote opens the same data without reading it again
        assert pipeline.open_data("", str(folder)) is kept
        assert pipeline.open_data("", str(tmp_path / "prepared" / ".." / "prepared")) is kept
        assert kept.dataset.fingerprint() == demo_prepared.dataset.fingerprint()
        assert len(kept.dataset.orders) == len(demo_prepared.dataset.orders)
    finally:
        pipeline._KEPT.clear()


def test_keys_isin_matches_pandas_for_arrow_and_object_ids():
    import numpy as np
    import pandas as pd

    from crmkit.data.keys import isin

    values = ["c1", "c2", None, "c3", "c2"]
    allowed = ["c2", "c9", None]
    for dtype in ("str", object):
        got = isin(pd.Series(values, dtype=dtype), pd.Series(allowed, dtype=dtype))
        # a missing ID never matches, even when the other side has missing IDs
        assert got.tolist() == [False, True, False, False, True], dtype
    assert isin(pd.Index(["a", "b"], dtype="str"), ["b"]).tolist() == [False, True]
    ints = isin(pd.Series([1, 2, 3]), np.array([3, 4]))
    assert ints.tolist() == [False, False, True]
