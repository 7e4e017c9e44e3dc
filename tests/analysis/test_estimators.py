"""Every crmkit model follows scikit-learn's estimator conventions."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from crmkit.analysis.churn import ChurnModel
from crmkit.analysis.clv import BetaGeoModel, GammaGammaModel, ParetoNBDModel, btyd_summary
from crmkit.analysis.segmentation import RFMClusterer


def _summary():
    rng = np.random.default_rng(3)
    rows = []
    for c in range(60):
        days = np.sort(rng.choice(300, size=rng.integers(1, 6), replace=False))
        rows += [(f"c{c}", pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(d)), float(rng.gamma(4, 20)))
                 for d in days]
    o = pd.DataFrame(rows, columns=["customer_id", "order_date", "revenue"])
    return btyd_summary(o, as_of="2025-12-31", time_unit="W")


@pytest.mark.parametrize("model, settings", [
    (BetaGeoModel(max_iter=500), {"max_iter": 500, "initial_params": None}),
    (ParetoNBDModel(), {"max_iter": 1000, "initial_params": None}),
    (GammaGammaModel(), {"max_iter": 1000, "initial_params": None}),
    (RFMClusterer(n_clusters=3, random_state=1), {"n_clusters": 3, "random_state": 1}),
    (ChurnModel("tree", max_depth=2), {"kind": "tree", "max_depth": 2}),
])
def test_params_clone_and_not_fitted(model, settings):
    params = model.get_params()
    assert {k: params[k] for k in settings} == settings
    twin = clone(model)  # only possible when __init__ stores the settings unchanged
    assert twin.get_params() == params and twin is not model
    model.set_params(**{next(iter(settings)): params[next(iter(settings))]})
    with pytest.raises(NotFittedError):
        if isinstance(model, RFMClusterer):
            model.predict(pd.DataFrame({"recency_days": [1], "frequency": [1], "monetary": [1.0]}))
        elif isinstance(model, ChurnModel):
            model.predict_proba(pd.DataFrame({"recency_days": [1.0]}))
        elif isinstance(model, GammaGammaModel):
            model.predict_spend(_summary())
        else:
            model.predict_purchases(_summary(), t=10)


@pytest.mark.filterwarnings("ignore:BetaGeoModel. the fit did not converge")
def test_fit_returns_the_model_with_fitted_attributes():
    s = _summary()
    for model in (BetaGeoModel(), GammaGammaModel()):
        assert model.fit(s) is model and set(model.params_) and model.log_likelihood_ < 0
