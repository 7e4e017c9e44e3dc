"""crmkit.start: the one set-up call of every notebook."""

import pandas as pd
import pytest

import crmkit
from crmkit.errors import ParamsError


@pytest.fixture
def demo_params(root):
    return str(root / "params" / "demo.yaml")


def test_start_sets_period_reference_date_and_rules(demo_params, demo_prepared_dir, capsys):
    nb = crmkit.start(demo_params, period="2025-Q4", area="churn", overrides={"horizon_days": 60})
    assert nb.period.label == "2025-Q4"
    # the demo export is dated 2025-12-31 but its last order is on 2025-12-30: one data end
    assert nb.as_of == pd.Timestamp("2025-12-30") and nb.dataset.data_end == nb.as_of
    assert nb.rules.horizon_days == 60 and nb.rules.lookback_days == 365
    assert nb.params_name == "demo.yaml" and nb.has_truth
    assert "the data end on 2025-12-30" in capsys.readouterr().out
    # the runner's prepared copy gives the same session
    past = crmkit.start(demo_params, prepared_dir=demo_prepared_dir, period="2025-Q2", quiet=True)
    assert past.as_of == pd.Timestamp("2025-06-30") and past.rules is None
    with pytest.raises(ParamsError, match="notebook parameters"):
        crmkit.start(demo_params, prepared_dir=demo_prepared_dir, period="2025-Q4", area="churn",
                     overrides={"horizon_days": 0}, quiet=True)


def test_save_table_drops_personal_data_unless_asked(demo_params, demo_prepared_dir, tmp_path):
    customers = pd.DataFrame({"customer_id": ["c1"], "name": ["李雷"], "email": ["li@x.cn"],
                              "phone": ["13800000000"], "clv": [10.0]})
    nb = crmkit.start(demo_params, prepared_dir=demo_prepared_dir, output_dir=str(tmp_path), quiet=True)
    text = nb.save_table(customers, "a.csv").read_text(encoding="utf-8")
    assert "c1" in text and "李雷" not in text and "li@x.cn" not in text and "13800000000" not in text
    nb.show_pii = True
    assert "李雷" in nb.save_table(customers, "b.csv").read_text(encoding="utf-8")
