"""Shopping festivals as data: the calendar behaviour, forecasting and the demo share.

A params file may replace the festivals of its market (``festivals:`` at the top
level; CDNOW uses US days). A rule is ``"MM-DD"`` (every year), ``"black_friday"``,
``"chinese_new_year"``, a list of ``"YYYY-MM-DD"`` days, or a mapping
``{date: <one of the first three>, since: year, until: year}``.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    "DEFAULT_FESTIVALS",
    "festival_calendar",
]


_CNY = {
    1995: "01-31", 1996: "02-19", 1997: "02-07", 1998: "01-28", 1999: "02-16", 2000: "02-05",
    2001: "01-24", 2002: "02-12", 2003: "02-01", 2004: "01-22", 2005: "02-09", 2006: "01-29",
    2007: "02-18", 2008: "02-07", 2009: "01-26", 2010: "02-14", 2011: "02-03", 2012: "01-23",
    2013: "02-10", 2014: "01-31", 2015: "02-19", 2016: "02-08", 2017: "01-28", 2018: "02-16",
    2019: "02-05", 2020: "01-25", 2021: "02-12", 2022: "02-01", 2023: "01-22", 2024: "02-10",
    2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13", 2030: "02-03",
    2031: "01-23", 2032: "02-11", 2033: "01-31", 2034: "02-19", 2035: "02-08",
}


DEFAULT_FESTIVALS: dict[str, object] = {
    "618": {"date": "06-18", "since": 2010},
    "Double 11": {"date": "11-11", "since": 2009},
    "Double 12": {"date": "12-12", "since": 2011},
    "Black Friday": "black_friday",
    "Chinese New Year": "chinese_new_year",
}
"""Shopping festivals: name -> rule. A rule is ``"MM-DD"`` (every year),
``"black_friday"`` (the day after the fourth Thursday of November),
``"chinese_new_year"`` (lunar new year's day, 1995-2035), a list of ``"YYYY-MM-DD"``
days, or a dict ``{"date": <one of the first three>, "since": year, "until": year}``
(Double 11 began in 2009, 618 in 2010, Double 12 in 2011)."""


def _black_friday(year: int) -> pd.Timestamp:
    nov1 = pd.Timestamp(year=year, month=11, day=1)
    first_thu = nov1 + pd.Timedelta(days=(3 - nov1.day_of_week) % 7)
    return first_thu + pd.Timedelta(days=22)


def festival_calendar(start, end, *, festivals: dict | None = None) -> pd.DataFrame:
    """Festival days between two days.

    Parameters
    ----------
    start, end : date-like
        Days included.
    festivals : dict, optional
        Name -> rule, see :data:`DEFAULT_FESTIVALS`.

    Returns
    -------
    DataFrame
        Columns ``festival`` (str), ``date`` (datetime), sorted by date.

    Examples
    --------
    >>> festival_calendar("2025-11-01", "2025-12-31")["date"].dt.strftime("%m-%d").tolist()
    ['11-11', '11-28', '12-12']
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    rows = []
    for name, rule in (DEFAULT_FESTIVALS if festivals is None else festivals).items():
        y0, y1 = start.year, end.year
        if isinstance(rule, dict):
            y0, y1 = max(y0, int(rule.get("since", y0))), min(y1, int(rule.get("until", y1)))
            rule = rule["date"]
        years = range(y0, y1 + 1)
        if rule == "black_friday":
            days = [_black_friday(y) for y in years]
        elif rule == "chinese_new_year":
            days = [pd.Timestamp(f"{y}-{_CNY[y]}") for y in years if y in _CNY]
        elif isinstance(rule, str):
            days = [pd.Timestamp(f"{y}-{rule}") for y in years]
        else:
            days = [pd.Timestamp(x) for x in rule]
        rows += [(str(name), d) for d in days if start <= d <= end]
    out = pd.DataFrame(rows, columns=["festival", "date"])
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[us]")
    return out.sort_values("date", ignore_index=True)
