"""Text to typed values: dates in mixed forms, amounts, IDs, yes/no, placeholders, encodings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.config.cleaning import DEFAULT_PLACEHOLDERS
from crmkit.data.parsing import (
    detect_encoding,
    mask_placeholders,
    parse_amounts,
    parse_bool,
    parse_dates,
    parse_ids,
)


@pytest.mark.parametrize("values, dayfirst, expected", [
    (["2024-03-05", "2024-12-31"], False, ["2024-03-05", "2024-12-31"]),
    (["2024/3/5", "2024/12/31"], False, ["2024-03-05", "2024-12-31"]),
    (["20240305", "20241231"], False, ["2024-03-05", "2024-12-31"]),
    (["05/03/2024", "31/12/2024"], True, ["2024-03-05", "2024-12-31"]),
    (["03/05/2024", "12/31/2024"], False, ["2024-03-05", "2024-12-31"]),
    (["2024年3月5日", "2024年12月31日"], False, ["2024-03-05", "2024-12-31"]),
    (["2024-03-05 14:30:00", "2024-12-31 08:00:00"], False, ["2024-03-05 14:30", "2024-12-31 08:00"]),
])
def test_parse_dates_single_form(values, dayfirst, expected):
    out = parse_dates(pd.Series(values), dayfirst=dayfirst)
    assert out.tolist() == pd.to_datetime(expected).tolist()


def test_parse_dates_mixed_forms_read_every_value():
    # defect 1 of issue 9: the 年月日 values became NaT as soon as they were mixed
    values = ["2024-03-05", "2024/3/5", "20240305", "2024年03月05日", "2024年3月5日", "2024.3.5",
              "2024年3月5日 14:30", "2024年3月5日14:30:59", "2024/3/5 9:05", "2024-03-05 14:30:05.25",
              "20240305.0", " 2024-03-05 "]
    out = parse_dates(pd.Series(values))
    day = pd.Timestamp("2024-03-05")
    expected = [day] * 6 + [day + pd.Timedelta("14:30:00"), day + pd.Timedelta("14:30:59"),
                            day + pd.Timedelta("09:05:00"), day + pd.Timedelta("14:30:05.25"), day, day]
    assert out.tolist() == expected


@pytest.mark.parametrize("first", ["2024-01-31", "2024年1月31日", "2024/1/31", "20240131"])
def test_parse_dates_mixed_whatever_form_comes_first(first):
    # the fast path takes the form of the first values; the rest are read by shape
    values = [first] * 1500 + ["2024年3月5日", "2024/3/5", "20240305", "2024-03-05", "2024.3.5"]
    out = parse_dates(pd.Series(values))
    assert out.notna().all()
    assert (out.iloc[:1500] == pd.Timestamp("2024-01-31")).all()
    assert (out.iloc[1500:] == pd.Timestamp("2024-03-05")).all()


def test_parse_dates_mixed_with_day_first_slashes():
    out = parse_dates(pd.Series(["2024年3月5日", "05/03/2024", "31/12/2024 23:59"]), dayfirst=True)
    assert out.tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-05"),
                            pd.Timestamp("2024-12-31 23:59")]
    out = parse_dates(pd.Series(["2024年3月5日", "03/05/2024"]), dayfirst=False)
    assert out.tolist() == [pd.Timestamp("2024-03-05")] * 2


def test_parse_dates_words_among_the_first_values_keep_the_fast_path():
    values = pd.Series(["NULL"] * 10 + ["2024-03-05 10:00:00"] * 2000 + ["2024年3月5日"])
    out = parse_dates(values)
    assert out.iloc[:10].isna().all() and out.iloc[10:].notna().all()
    assert out.iloc[-1] == pd.Timestamp("2024-03-05")


def test_parse_dates_and_ids_of_stripped_text():
    text, _ = mask_placeholders(pd.Series([" 2024/3/5 ", "-", " K1 "]), placeholders=["-"])
    assert parse_dates(text.iloc[:2], stripped=True).tolist()[0] == pd.Timestamp("2024-03-05")
    assert parse_ids(text.iloc[2:], stripped=True).tolist() == ["K1"]


def test_parse_dates_impossible_or_foreign_values_are_missing():
    values = ["2024年2月30日", "2024/13/45", "2024-3-5 25:00", "12", "2024", "not a date", "", None,
              "2024年2月29日"]
    out = parse_dates(pd.Series(values))
    assert out.isna().tolist() == [True] * 8 + [False]
    assert out.iloc[-1] == pd.Timestamp("2024-02-29")  # a leap day is a day


def test_parse_dates_last_resort_keeps_other_forms_with_a_year():
    out = parse_dates(pd.Series(["2024-03-05", "5 March 2024", "2024-03-05T10:00:00+08:00"]))
    assert out.tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-05"),
                            pd.Timestamp("2024-03-05 10:00")]  # wall-clock time kept


def test_parse_dates_format_and_datetimes():
    out = parse_dates(pd.Series(["05-03-24", "x"]), date_format="%d-%m-%y")
    assert out.iloc[0] == pd.Timestamp("2024-03-05") and pd.isna(out.iloc[1])
    aware = pd.Series(pd.to_datetime(["2024-03-05 10:00"]).tz_localize("Asia/Shanghai"))
    assert parse_dates(aware).tolist() == [pd.Timestamp("2024-03-05 10:00")]


def test_parse_dates_keeps_index():
    s = pd.Series(["2024年3月5日", "2024-03-06"], index=[10, 20])
    out = parse_dates(s)
    assert out.index.tolist() == [10, 20] and out.loc[10] == pd.Timestamp("2024-03-05")


def test_parse_amounts():
    s = pd.Series(["¥1,234.50", "￥99", "1,000元", "(12.50)", "-3", "RMB 7.5", "abc", None])
    out = parse_amounts(s)
    np.testing.assert_allclose(out[:6], [1234.5, 99, 1000, -12.5, -3, 7.5])
    assert out[6:].isna().all()
    np.testing.assert_allclose(parse_amounts(pd.Series(["1.234,50 €"]), decimal=","), [1234.5])


def test_parse_ids_and_bool():
    assert parse_ids(pd.Series([10.0, 20.0])).tolist() == ["10", "20"]
    assert parse_ids(pd.Series([" K1 ", "7.0", ""])).tolist()[:2] == ["K1", "7"]
    assert pd.isna(parse_ids(pd.Series([" K1 ", "7.0", ""])).iloc[2])
    values, bad = parse_bool(pd.Series(["是", "否", "Yes", "0", None, "maybe"]))
    assert values.tolist() == [True, False, True, False, False, False]
    assert bad.tolist() == [False, False, False, False, False, True]


def test_mask_placeholders():
    s = pd.Series([" K1", "-", "无", " NULL ", "", None, "N/A", "K-2", "NULLS"])
    out, ph = mask_placeholders(s, placeholders=DEFAULT_PLACEHOLDERS)
    assert ph.tolist() == [False, True, True, True, False, False, True, False, False]
    assert out.iloc[0] == "K1" and out.iloc[7] == "K-2" and out.iloc[8] == "NULLS"
    assert out.isna().tolist() == [False, True, True, True, True, True, True, False, False]
    # numbers are not text: nothing to mask
    nums = pd.Series([1.0, np.nan])
    out, ph = mask_placeholders(nums, placeholders=DEFAULT_PLACEHOLDERS)
    assert out is nums and not ph.any()
    # no placeholders configured: only empty cells are missing
    out, ph = mask_placeholders(pd.Series(["-", ""]), placeholders=[])
    assert out.iloc[0] == "-" and pd.isna(out.iloc[1]) and not ph.any()


@pytest.mark.parametrize("encoding, expected", [
    ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")])
def test_detect_encoding(tmp_path, encoding, expected):
    path = tmp_path / "x.csv"
    path.write_bytes("客户编号,金额\nK1,￥1\n".encode(encoding))
    assert detect_encoding(path) == expected
