"""Where an extra unit of spend buys the most value: value per unit of spend and a budget shift.

The value a channel returns per unit of spend is the lifetime value of the customers it
acquired divided by what was spent on it, over the same months. Its uncertainty comes
from a bootstrap over acquisition **months**: the months are drawn again with
replacement (the same months for every channel, so that a good or bad season moves all
channels together), and the ratio recomputed. This treats each month's spend and
customers as one unit, so it covers the month-to-month noise of both; it does not cover
the error of the lifetime-value model.

The recommended shift assumes the next unit of spend buys customers at the channel's
average cost so far. :func:`spend_elasticity` checks that assumption in the data: the
growth of new customers with spend from month to month (1: proportional; well below 1:
more spend has bought proportionally fewer customers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .acquisition import spend_in_window

__all__ = ["monthly_value", "value_per_spend", "spend_elasticity", "budget_shift"]


def monthly_value(ltv: pd.DataFrame, marketing_spend: pd.DataFrame, *, start=None, as_of,
                  freq: str = "M") -> pd.DataFrame:
    """Spend, new customers and their lifetime value per channel and acquisition month.

    Returns
    -------
    DataFrame
        Long: ``month``, ``channel``, ``spend``, ``new_customers``, ``value`` (sum of the
        customers' LTV); channels with spend only.
    """
    m = spend_in_window(marketing_spend, start=start, as_of=as_of)
    paid = set(m.loc[m["spend"] > 0, "channel"])
    sp = m.groupby([m["date"].dt.to_period(freq).dt.start_time.rename("month"), "channel"])["spend"].sum()
    a = ltv.loc[ltv["acquisition_channel"].isin(paid)]
    if start is not None:
        a = a.loc[a["acquired_at"] >= pd.Timestamp(start).normalize()]
    key = [a["acquired_at"].dt.to_period(freq).dt.start_time.rename("month"),
           a["acquisition_channel"].rename("channel")]
    agg = a.groupby(key)["ltv"].agg(["size", "sum"]).rename(columns={"size": "new_customers", "sum": "value"})
    out = pd.concat([sp.rename("spend"), agg], axis=1).fillna(0.0)
    out["new_customers"] = out["new_customers"].astype("int64")
    return out.reset_index().sort_values(["month", "channel"], kind="stable").reset_index(drop=True)


def value_per_spend(monthly: pd.DataFrame, *, draws: int = 1000, level: float = 0.9,
                    random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lifetime value per unit of spend per channel, with a bootstrap interval over months.

    Parameters
    ----------
    monthly : DataFrame
        From :func:`monthly_value`.
    draws : int, default 1000
    level : float, default 0.9
    random_state : int, default 0

    Returns
    -------
    (DataFrame, DataFrame)
        Per channel (index ``channel``, best first): ``spend``, ``new_customers``,
        ``value``, ``value_per_spend`` (value / spend), ``low``, ``high`` (the
        ``level`` bootstrap interval); and the bootstrap draws (``draws`` rows, one
        column per channel) for comparisons between channels.

    Examples
    --------
    >>> m = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"] * 2),
    ...                   "channel": ["a", "a", "b", "b"], "spend": [10.0, 10.0, 20.0, 20.0],
    ...                   "new_customers": [1, 1, 1, 1], "value": [50.0, 30.0, 20.0, 20.0]})
    >>> point, boot = value_per_spend(m, draws=200)
    >>> point["value_per_spend"].tolist(), point["low"].tolist()
    ([4.0, 1.0], [3.0, 1.0])
    """
    wide = monthly.pivot_table(index="month", columns="channel", values=["spend", "value", "new_customers"],
                               aggfunc="sum", fill_value=0.0)
    spend, value = wide["spend"], wide["value"]
    n_months = len(spend)
    rng = np.random.default_rng(random_state)
    weights = rng.multinomial(n_months, np.full(n_months, 1.0 / n_months), size=int(draws)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = (weights @ value.to_numpy()) / (weights @ spend.to_numpy())
    boot = pd.DataFrame(boot, columns=spend.columns)
    alpha = (1 - level) / 2
    point = pd.DataFrame({
        "spend": spend.sum(), "new_customers": wide["new_customers"].sum().astype("int64"), "value": value.sum(),
    })
    point["value_per_spend"] = point["value"] / point["spend"].where(point["spend"] > 0)
    point["low"] = boot.quantile(alpha)
    point["high"] = boot.quantile(1 - alpha)
    point.index.name = "channel"
    order = point["value_per_spend"].sort_values(ascending=False, kind="stable").index
    return point.loc[order], boot[order]


def spend_elasticity(monthly: pd.DataFrame, *, min_months: int = 6) -> pd.Series:
    """How new customers grow with spend from month to month, per channel.

    The slope of log(new customers) on log(spend) over the months with both: 1 means
    customers proportional to spend (average cost = cost of the next customer); below 1,
    the months with more spend bought proportionally fewer customers (saturation).

    Returns
    -------
    Series
        ``spend_elasticity`` per channel; NaN with fewer than ``min_months`` months or no
        variation in spend.

    Examples
    --------
    >>> m = pd.DataFrame({"channel": ["a"] * 6, "spend": [10.0, 20, 40, 80, 160, 320],
    ...                   "new_customers": [1, 2, 4, 8, 16, 32]})
    >>> float(spend_elasticity(m).round(3)["a"])
    1.0
    """
    d = monthly.loc[(monthly["spend"] > 0) & (monthly["new_customers"] > 0)]
    out = {}
    for ch, g in d.groupby("channel"):
        x, y = np.log(g["spend"].to_numpy(float)), np.log(g["new_customers"].to_numpy(float))
        if len(g) < min_months or np.ptp(x) < 1e-9:
            out[ch] = np.nan
            continue
        out[ch] = float(np.polyfit(x, y, 1)[0])
    return pd.Series(out, name="spend_elasticity", dtype=float)


def budget_shift(point: pd.DataFrame, boot: pd.DataFrame, *, period_spend: pd.Series, share: float = 0.1,
                 min_customers: int = 30, level: float = 0.9) -> dict | None:
    """Move ``share`` of the weakest channel's spend to the strongest: what it is expected to buy.

    Parameters
    ----------
    point, boot : DataFrame
        From :func:`value_per_spend`.
    period_spend : Series
        Spend per channel in the report period: the budget being shifted.
    share : float, default 0.1
    min_customers : int, default 30
        Channels with fewer acquired customers are not candidates.
    level : float, default 0.9

    Returns
    -------
    dict or None
        ``from``, ``to`` (channels), ``amount`` (spend moved), ``from_value_per_spend``,
        ``to_value_per_spend``, ``gain`` (expected extra lifetime value), ``gain_low``,
        ``gain_high`` (bootstrap interval), ``probability`` (share of bootstrap draws in
        which the receiving channel returns more per unit of spend) and ``level``; None
        with fewer than two candidate channels or no spend to move.

    Examples
    --------
    >>> p = pd.DataFrame({"value_per_spend": [4.0, 1.0], "new_customers": [50, 50]}, index=["a", "b"])
    >>> b = pd.DataFrame({"a": [3.0, 4.0, 5.0], "b": [1.0, 1.0, 1.0]})
    >>> s = budget_shift(p, b, period_spend=pd.Series({"a": 100.0, "b": 200.0}))
    >>> s["from"], s["to"], s["amount"], s["gain"], s["probability"]
    ('b', 'a', 20.0, 60.0, 1.0)
    """
    ok = point.loc[(point["new_customers"] >= min_customers) & point["value_per_spend"].notna()]
    ok = ok.loc[ok.index.isin(period_spend.index[period_spend > 0])]
    if len(ok) < 2:
        return None
    best, worst = ok["value_per_spend"].idxmax(), ok["value_per_spend"].idxmin()
    if best == worst:
        return None
    amount = float(share * period_spend[worst])
    diff = (boot[best] - boot[worst]).dropna().to_numpy()
    alpha = (1 - level) / 2
    gap = float(ok.loc[best, "value_per_spend"] - ok.loc[worst, "value_per_spend"])
    return {
        "from": worst, "to": best, "amount": amount, "share": float(share),
        "from_value_per_spend": float(ok.loc[worst, "value_per_spend"]),
        "to_value_per_spend": float(ok.loc[best, "value_per_spend"]),
        "gain": amount * gap,
        "gain_low": amount * float(np.quantile(diff, alpha)) if diff.size else np.nan,
        "gain_high": amount * float(np.quantile(diff, 1 - alpha)) if diff.size else np.nan,
        "probability": float((diff > 0).mean()) if diff.size else np.nan,
        "level": float(level),
    }
