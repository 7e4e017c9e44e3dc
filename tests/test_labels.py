"""crmkit.labels: the words a reader sees for column and feature names."""

from crmkit.labels import label, register, value_label, yes_no


def test_catalogue_patterns_and_registration():
    assert label("days_since_visit") == "days since last web visit"
    assert label("region_西南") == "region: 西南"  # one-hot feature of a known column
    assert label("complaints_90d") == "complaints, last 90 days"
    assert label("some_new_column") == "some new column"
    register({"p_repeat": "chance of a repeat purchase"}, values={"win_back": "win back"})
    assert label("p_repeat") == "chance of a repeat purchase"
    assert value_label("win_back") == "win back" and value_label("at_risk") == "at risk"
    assert yes_no(True) == "yes" and yes_no(False) == "no" and yes_no("x") == "x"


def test_areas_keep_their_own_words_for_the_same_name():
    from crmkit.labels import use_area

    register({"planted": "planted win rate"}, area="sales_team")
    register({"planted": "planted effect"}, area="forecast")
    try:
        use_area("forecast")
        assert label("planted") == "planted effect"
        use_area("sales_team")
        assert label("planted") == "planted win rate"
        assert label("customer_id") == "customer"  # core words stay
    finally:
        use_area(None)


def test_a_pages_labels_do_not_depend_on_other_areas_being_imported():
    """Kernels forked from the run's zygote have every area imported; a fresh kernel only
    its own. The behaviour page's ``product_name`` and ``buyers`` must read the same in both."""
    from crmkit.labels import use_area

    register({"product_name": "product", "buyers": "have bought"}, area="basket")
    register({"shown_by_notebook": "what the notebook calls it"}, area="__main__")
    try:
        use_area("behaviour")
        assert label("product_name") == "product name" and label("buyers") == "buyers"
        assert label("shown_by_notebook") == "what the notebook calls it"  # the notebook's own
        use_area("basket")
        assert label("product_name") == "product"
        use_area(None)  # a script or the console: any area's words are welcome
        assert label("buyers") == "have bought"
    finally:
        use_area(None)
