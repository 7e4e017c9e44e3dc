"""The festival calendar: rules by date, weekday and lunar calendar, limits by year."""

from crmkit.calendar import festival_calendar


def test_festival_calendar_rules():
    cal = festival_calendar("2024-01-01", "2025-12-31")
    got = cal.groupby("festival")["date"].apply(lambda s: [f"{d:%Y-%m-%d}" for d in s]).to_dict()
    assert got["Black Friday"] == ["2024-11-29", "2025-11-28"]  # day after the 4th Thursday
    assert got["Chinese New Year"] == ["2024-02-10", "2025-01-29"]
    assert got["Double 11"] == ["2024-11-11", "2025-11-11"]
    # festivals that did not exist yet are not listed (Double 11 began in 2009)
    assert set(festival_calendar("1997-01-01", "1997-12-31")["festival"]) == {"Chinese New Year", "Black Friday"}
    own = festival_calendar("2025-01-01", "2025-12-31",
                              festivals={"Spring sale": "03-08", "Launch": ["2025-05-20", "2026-05-20"],
                                         "Late": {"date": "11-11", "until": 2024}})
    assert own["festival"].tolist() == ["Spring sale", "Launch"]
