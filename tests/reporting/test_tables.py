"""Report tables: words for names and values, yes/no, no decimals on counts."""

import pandas as pd

from crmkit.reporting.tables import summary, table


def test_table_shows_words_not_column_names_or_booleans():
    df = pd.DataFrame({"stage": ["at_risk", "loyal"], "recency_days": [120.0, 3.0],
                       "truly_dropped_out": [True, False], "revenue_share": [0.25, 0.75],
                       "monetary": [1234.5, 20.0]})
    html = table(df, percent=("revenue_share",), money=("monetary",), currency="¥").to_html()
    assert "days since last purchase" in html and "recency_days" not in html
    assert "at risk" in html and "at_risk" not in html
    assert ">yes<" in html and ">no<" in html and "True" not in html and "False" not in html
    assert ">120<" in html  # whole numbers without decimals
    assert "25.0%" in html and "¥1,234" in html


def test_summary_puts_findings_before_actions():
    text = summary(["NPS fell 5 points."], ["Call back 12 detractors."]).data
    assert text.index("What we found") < text.index("NPS fell") < text.index("What to do")
    assert "- Call back 12 detractors." in text
    assert "Nothing stands out" in summary([]).data


def test_table_never_gives_two_columns_the_same_header():
    from crmkit.labels import register, use_area

    register({"product_id": "product", "product_name": "product"}, area="test_collision")
    use_area("test_collision")
    try:
        html = table(pd.DataFrame({"product_id": ["P1"], "product_name": ["Tea"], "buyers": [3]})).to_html()
    finally:
        use_area(None)
    # both would read "product": each keeps its own name in words instead
    assert ">product id<" in html and ">product name<" in html and ">buyers<" in html
