"""Params files, validated once at load time by one typed mechanism.

A params file (YAML) describes a dataset (``source``, ``tables``; checked by
:func:`crmkit.data.io.read_params`), its cleaning options (``cleaning:``, a
:class:`~crmkit.config.cleaning.CleaningRules`), the shopping festivals of its market
(``festivals:``) and the business rules of every analysis (``analysis: <area>:``, one
``<Area>Rules`` model per area in ``crmkit/config/<area>.py``).

:func:`validate_params` checks all of it before any notebook runs: an unknown key gets
"did you mean ...", a wrong type a message naming the key, what was expected and what
was found; the CLI prints it and exits with status 2.

Defaults live in the models (one naming: ``<Area>Rules()`` are the defaults of an
area); a notebook gets ``rules = session.rules`` with its own parameters laid over
(:meth:`Rules.with_overrides`, where ``None`` means "keep the params value").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, ValidationError, create_model

from ..errors import ParamsError
from .base import Rules, explain
from .cleaning import CleaningRules

__all__ = [
    "Rules",
    "AnalysisRules",
    "ParamsModel",
    "validate_params",
    "rules_for",
    "AREAS",
]


def _areas() -> dict[str, type[Rules]]:
    from .basket import BasketRules
    from .behaviour import BehaviourRules
    from .channels import ChannelsRules
    from .churn import ChurnRules
    from .clv import ClvRules
    from .forecast import ForecastRules
    from .funnel import FunnelRules
    from .kpi import KpiRules
    from .lifecycle import LifecycleRules
    from .profitability import ProfitabilityRules
    from .sales_team import SalesTeamRules
    from .satisfaction import SatisfactionRules
    from .segmentation import SegmentationRules

    return {
        "kpi": KpiRules,
        "behaviour": BehaviourRules,
        "segmentation": SegmentationRules,
        "lifecycle": LifecycleRules,
        "clv": ClvRules,
        "churn": ChurnRules,
        "basket": BasketRules,
        "forecast": ForecastRules,
        "satisfaction": SatisfactionRules,
        "funnel": FunnelRules,
        "sales_team": SalesTeamRules,
        "channels": ChannelsRules,
        "profitability": ProfitabilityRules,
    }


AREAS: dict[str, type[Rules]] = _areas()
"""Area name (the key under ``analysis:``) -> its rules model. A new area adds its
``<Area>Rules`` module to this folder and one line to :func:`_areas`."""

AnalysisRules = create_model(
    "AnalysisRules", __base__=Rules,
    **{name: (model, Field(default_factory=model)) for name, model in AREAS.items()},
)
"""The ``analysis:`` section: one field per area, each defaulting to its rules model."""


class ParamsModel(Rules):
    """The typed view of a params file (``source`` and ``tables`` are checked by the loader)."""

    dataset: str | None = None
    currency: str = "¥"
    as_of: date | None = None
    source: dict[str, Any]
    tables: dict[str, Any] | None = None
    cleaning: CleaningRules = Field(default_factory=CleaningRules)
    festivals: dict[str, Any] | None = None
    analysis: AnalysisRules = Field(default_factory=AnalysisRules)  # type: ignore[valid-type]


def validate_params(params: dict[str, Any]) -> ParamsModel:
    """Validate a params mapping (as read from YAML) and return the typed model.

    Keys starting with ``_`` (added by the reader) are ignored.

    Raises
    ------
    ParamsError
        Every problem found, each naming its key, what was expected and what was found.

    Examples
    --------
    >>> m = validate_params({"source": {"type": "bundled", "name": "demo"},
    ...                      "analysis": {"churn": {"horizon_days": 60}}})
    >>> m.analysis.churn.horizon_days, m.analysis.clv.horizon_months
    (60, 12)
    >>> validate_params({"source": {}, "analysis": {"churn": {"horizon_month": 3}}})
    Traceback (most recent call last):
    ...
    crmkit.errors.ParamsError: params: 1 problem(s) in the settings:
      - analysis.churn.horizon_month: unknown key (did you mean 'horizon_days'?); known keys here: ...
    """
    data = {k: v for k, v in params.items() if not str(k).startswith("_")}
    for key in ("analysis", "cleaning"):
        if data.get(key) is None:
            data.pop(key, None)
    if isinstance(data.get("analysis"), dict):
        data["analysis"] = {k: ({} if v is None else v) for k, v in data["analysis"].items()}
    try:
        return ParamsModel.model_validate(data)
    except ValidationError as e:
        raise ParamsError(explain(e, where=str(params.get("_file", "params")), model=ParamsModel)) from None


def rules_for(area: str, params_model: ParamsModel | None = None) -> Rules:
    """The rules of one analysis area: defaults, overridden by a validated params file."""
    if area not in AREAS:
        raise KeyError(f"unknown analysis area {area!r}; areas: {', '.join(AREAS)}")
    if params_model is None:
        return AREAS[area]()
    return getattr(params_model.analysis, area)
