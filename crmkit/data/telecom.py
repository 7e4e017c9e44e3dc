"""A small telecom customer export with a churn flag and planted churn drivers.

The shape of issue 14: one row per customer, no order history, Chinese headers, text
categories, yes/no flags in several spellings, numbers stored as text (with a unit
here and there, and blanks), missing values, and a column saying who left. The file
``params/telecom_example/客户流失.csv`` (GBK, as Chinese Excel writes it) is this
generator's output with the default arguments (a test checks it), read through
``params/telecom_example.yaml``.

Planted truth
-------------
Each customer churns with probability ``1 / (1 + exp(-logit))``::

    logit = -2.5
            + 1.5  x [合约类型 = 月付]          month-to-month contract
            - 1.2  x [合约类型 = 两年]          two-year contract (one year: 0)
            - 0.6  x (ln(1 + 在网月数) - 2.5)   tenure in months
            + 0.45 x (客服来电次数 - 1.2)        service calls in the last 3 months
            + 0.5  x [宽带类型 = 光纤]          fibre broadband
            + 0.4  x [付款方式 = 电子支付]       e-payment
            + 0.006 x (月费 - 70)              monthly charge in ¥

The three strong drivers are the contract, the tenure and the service calls
(``truth["churn_drivers"]``). 性别 (gender), 电子账单 (paperless bill), 地区 (region)
and 年龄 (age) have no effect (``truth["no_effect"]``); 套餐 (plan) and 累计费用
(total charges) act only through the monthly charge and the tenure. About 26% churn.

Export quirks (each exercised by the churn page and its tests): 是否流失 is 是/否 but
3% of rows say Yes/No and 3% 1/0 (two systems merged), 10 rows are empty; 电子账单 is
Yes/No, 老年用户 1/0; 月费 carries "元" on 5% of rows; 累计费用 is " " (a blank) for
customers in their first month; 宽带类型 and 客服来电次数 are missing on 2% of rows;
付款方式 has two rare levels (支付宝 0.6%, 其他 0.4%). Names and phones are fake.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["make_telecom_export", "write_telecom_export", "TELECOM_FILE", "TELECOM_ENCODING"]

TELECOM_FILE = "客户流失.csv"
"""File name of the bundled example export (in ``params/telecom_example/``)."""

TELECOM_ENCODING = "gbk"

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
_REGIONS = ["华东", "华北", "华南", "西南", "华中", "东北", "西北"]


def make_telecom_export(n_customers: int = 3000, *, seed: int = 14) -> tuple[pd.DataFrame, dict]:
    """Generate the telecom example export.

    Parameters
    ----------
    n_customers : int, default 3000
    seed : int, default 14

    Returns
    -------
    (DataFrame, dict)
        The export as text columns (what the CSV holds) and the planted truth:
        ``coefficients``, ``churn_drivers`` (the three strong drivers),
        ``no_effect`` (columns without effect), ``churn_probability`` (per customer)
        and ``churn_rate`` (the realised share who left).
    """
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    contract = rng.choice(["月付", "一年", "两年"], n, p=[0.55, 0.25, 0.20])
    # longer contracts go with longer tenure, as in real books
    scale = np.select([contract == "月付", contract == "一年"], [14.0, 28.0], 42.0)
    tenure = np.minimum(np.floor(rng.exponential(scale)), 72).astype(int)
    tenure[rng.random(n) < 0.01] = 0  # joined this month
    internet = rng.choice(["光纤", "DSL", "未开通"], n, p=[0.45, 0.35, 0.20])
    payment = rng.choice(["电子支付", "银行代扣", "信用卡", "营业厅缴费", "支付宝", "其他"], n,
                         p=[0.34, 0.22, 0.22, 0.21, 0.006, 0.004])
    plan = rng.choice(["基础", "标准", "畅享"], n, p=[0.4, 0.4, 0.2])
    monthly = (np.select([plan == "基础", plan == "标准"], [45.0, 75.0], 110.0)
               + np.select([internet == "光纤", internet == "DSL"], [25.0, 10.0], 0.0)
               + rng.normal(0, 8, n)).clip(20).round(1)
    calls = rng.poisson(1.2, n)
    age = rng.integers(18, 81, n)
    gender = rng.choice(["男", "女"], n)
    paperless = rng.random(n) < 0.6
    region = rng.choice(_REGIONS, n, p=[0.25, 0.2, 0.18, 0.12, 0.12, 0.07, 0.06])

    coef = {"intercept": -2.5, "合约类型=月付": 1.5, "合约类型=两年": -1.2,
            "在网月数 (ln(1+x)-2.5)": -0.6, "客服来电次数 (x-1.2)": 0.45,
            "宽带类型=光纤": 0.5, "付款方式=电子支付": 0.4, "月费 (x-70)": 0.006}
    logit = (coef["intercept"] + 1.5 * (contract == "月付") - 1.2 * (contract == "两年")
             - 0.6 * (np.log1p(tenure) - 2.5) + 0.45 * (calls - 1.2)
             + 0.5 * (internet == "光纤") + 0.4 * (payment == "电子支付")
             + 0.006 * (monthly - 70))
    p = 1 / (1 + np.exp(-logit))
    churned = rng.random(n) < p

    # ---- the export, as text
    ids = np.array([f"T{i:05d}" for i in range(1, n + 1)])
    names = (np.array(_SURNAMES)[rng.integers(0, len(_SURNAMES), n)]
             + np.array(_GIVEN)[rng.integers(0, len(_GIVEN), n)]
             + np.where(rng.random(n) < 0.5, np.array(_GIVEN)[rng.integers(0, len(_GIVEN), n)], ""))
    phones = np.array([f"1{d}" for d in rng.integers(3_000_000_000, 9_999_999_999, n)])
    form = rng.random(n)
    flag = np.where(form < 0.94, np.where(churned, "是", "否"),
                    np.where(form < 0.97, np.where(churned, "Yes", "No"),
                             np.where(churned, "1", "0")))
    flag[rng.choice(n, 10, replace=False)] = ""
    monthly_text = np.array([f"{m:g}" for m in monthly], dtype=object)
    yuan = rng.random(n) < 0.05
    monthly_text[yuan] = [f"{m:g}元" for m in monthly[yuan]]
    total = monthly * tenure * rng.uniform(0.97, 1.03, n)
    total_text = np.array([f"{t:.2f}" for t in total], dtype=object)
    total_text[tenure == 0] = " "
    internet_text = internet.astype(object)
    internet_text[rng.random(n) < 0.02] = ""
    calls_text = calls.astype(str).astype(object)
    calls_text[rng.random(n) < 0.02] = ""
    df = pd.DataFrame({
        "客户编号": ids, "姓名": names, "手机": phones, "性别": gender, "年龄": age.astype(str),
        "老年用户": np.where(age >= 65, "1", "0"), "地区": region, "在网月数": tenure.astype(str),
        "合约类型": contract, "付款方式": payment, "宽带类型": internet_text, "套餐": plan,
        "电子账单": np.where(paperless, "Yes", "No"), "月费": monthly_text, "累计费用": total_text,
        "客服来电次数": calls_text, "是否流失": flag,
    })
    truth = {
        "coefficients": coef,
        "churn_drivers": ["合约类型", "在网月数", "客服来电次数"],
        "other_drivers": ["宽带类型", "付款方式", "月费"],
        "no_effect": ["性别", "电子账单", "地区", "年龄"],
        "churn_probability": pd.Series(p, index=ids, name="churn_probability"),
        "churn_rate": float(churned.mean()),
    }
    return df, truth


def write_telecom_export(folder, *, n_customers: int = 3000, seed: int = 14):
    """Write the export as ``<folder>/客户流失.csv`` (GBK) and return the file's path.

    ``params/telecom_example/`` holds this file for the default arguments.
    """
    from pathlib import Path

    path = Path(folder) / TELECOM_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    df, _ = make_telecom_export(n_customers, seed=seed)
    df.to_csv(path, index=False, encoding=TELECOM_ENCODING)
    return path
