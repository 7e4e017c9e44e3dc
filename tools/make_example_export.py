"""Write params/example_export/: a small export as a Chinese CRM would produce it.

订单.csv is GBK-encoded with Chinese headers, dates like 2024/3/5 and amounts like
"¥1,234.50"; customers.xlsx is an Excel sheet; tickets.csv is UTF-8 with a BOM.
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(7)
out = Path(__file__).resolve().parent.parent / "params" / "example_export"
out.mkdir(parents=True, exist_ok=True)
n_c, n_o = 60, 400
cust = pd.DataFrame({
    "客户编号": [f"K{i:04d}" for i in range(1, n_c + 1)],
    "注册日期": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n_c), "D"),
    "渠道": rng.choice(["搜索", "社交", "推荐", "线下"], n_c),
    "地区": rng.choice(["华东", "华北", "华南", "西南"], n_c),
    "城市": rng.choice(["上海", "北京", "广州", "成都"], n_c),
    "性别": rng.choice(["男", "女"], n_c),
    "出生年份": rng.integers(1960, 2005, n_c),
    "姓名": [f"客户{i}" for i in range(1, n_c + 1)],
    "邮箱": [f"user{i}@example.com" for i in range(1, n_c + 1)],
    "手机": [f"138{rng.integers(10**7, 10**8)}" for _ in range(n_c)],
})
cust.to_excel(out / "customers.xlsx", index=False, sheet_name="客户")
cid = rng.choice(cust["客户编号"], n_o)
signup = cust.set_index("客户编号").loc[cid, "注册日期"].to_numpy()
dates = pd.to_datetime(signup) + pd.to_timedelta(rng.integers(0, 420, n_o), "D")
dates = dates.where(dates <= "2025-03-31", dates - pd.Timedelta(days=365))
amount = np.round(rng.gamma(2.0, 180.0, n_o), 2)
orders = pd.DataFrame({
    "订单编号": [f"D{i:06d}" for i in range(1, n_o + 1)],
    "客户编号": cid,
    "下单日期": [f"{d.year}/{d.month}/{d.day}" for d in dates],
    "金额": [f"￥{a:,.2f}" for a in amount],
    "状态": rng.choice(["已完成", "已完成", "已完成", "已完成", "已完成", "已完成", "已退货", "已取消"], n_o),
    "销售渠道": rng.choice(["小程序", "APP", "门店"], n_o),
}).sort_values("订单编号")
orders.to_csv(out / "订单.csv", index=False, encoding="gbk")
tickets = pd.DataFrame({
    "工单号": [f"T{i:04d}" for i in range(1, 41)],
    "客户编号": rng.choice(cust["客户编号"], 40),
    "创建时间": pd.to_datetime("2024-06-01") + pd.to_timedelta(rng.integers(0, 200 * 24, 40), "h"),
})
tickets["解决时间"] = tickets["创建时间"] + pd.to_timedelta(rng.integers(1, 96, 40), "h")
tickets["类别"] = rng.choice(["物流", "质量", "退款"], 40)
tickets["是否投诉"] = rng.choice(["是", "否"], 40)
tickets.to_csv(out / "tickets.csv", index=False, encoding="utf-8-sig")
print("wrote", *sorted(p.name for p in out.iterdir()))
