"""Params are validated once, at load time, by the typed rules models."""

import pytest

from crmkit.config import AREAS, rules_for, validate_params
from crmkit.config.churn import ChurnRules
from crmkit.errors import ParamsError

SOURCE = {"source": {"type": "bundled", "name": "demo"}}


def test_defaults_and_overrides():
    m = validate_params({**SOURCE, "analysis": {"churn": {"horizon_days": 60}, "clv": None}})
    assert m.analysis.churn.horizon_days == 60 and m.analysis.churn.lookback_days == 365
    assert m.analysis.clv == AREAS["clv"]()  # an empty section means the defaults
    assert rules_for("lifecycle", m).churn_days == 180
    assert m.cleaning.outlier_factor == 50 and "无" in m.cleaning.placeholders


@pytest.mark.parametrize("analysis, message", [
    ({"churn": {"horizon_month": 3}}, r"analysis.churn.horizon_month: unknown key \(did you mean 'horizon_days'\?\)"),
    ({"churn": {"horizon_days": "ninety"}}, r"analysis.churn.horizon_days: Input should be a valid integer.*'ninety'"),
    ({"churn": {"retention_success_rate": 1.5}}, r"retention_success_rate: Input should be less than or equal to 1"),
    ({"lifecycle": {"churn_days": 60}}, r"churn_days \(60\) must be longer than at_risk_days \(90\)"),
    ({"clv": {"time_unit": "M"}}, r"analysis.clv.time_unit: Input should be 'W' or 'D'"),
    ({"chrun": {}}, r"analysis.chrun: unknown key \(did you mean 'churn'\?\)"),
])
def test_bad_rules_name_the_key_and_what_was_expected(analysis, message):
    with pytest.raises(ParamsError, match=message):
        validate_params({**SOURCE, "analysis": analysis})


def test_unknown_top_level_key_and_cleaning_status_map():
    with pytest.raises(ParamsError, match=r"cleaningg: unknown key \(did you mean 'cleaning'\?\)"):
        validate_params({**SOURCE, "cleaningg": {}})
    with pytest.raises(ParamsError, match=r"cleaning.status_map.待付款: Input should be 'completed', 'returned' or 'cancelled'"):
        validate_params({**SOURCE, "cleaning": {"status_map": {"待付款": "pending"}}})


def test_notebook_overrides_ignore_none_and_are_validated():
    rules = ChurnRules(horizon_days=60)
    assert rules.with_overrides(horizon_days=None).horizon_days == 60
    assert rules.with_overrides(horizon_days=30).horizon_days == 30
    with pytest.raises(ParamsError, match="notebook parameters"):
        rules.with_overrides(horizon_days=-5)
