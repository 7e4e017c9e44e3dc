"""crmkit: CRM analytics kit.

Load a CRM export once (:func:`prepare` / :func:`open_data`), then call the analyses
of :mod:`crmkit.analysis` on its canonical tables; notebooks in ``notebooks/`` tell
the story (each starts with :func:`start`) and ``crmkit report`` renders them into
HTML. See ``ARCHITECTURE.md`` for the layers.

``import crmkit`` is light: the names below are imported on first use, so the command
line starts without loading pandas or scikit-learn.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    # data layer
    "Dataset": "crmkit.data.dataset",
    "Prepared": "crmkit.data.pipeline",
    "prepare": "crmkit.data.pipeline",
    "open_data": "crmkit.data.pipeline",
    "profile_tables": "crmkit.data.pipeline",
    "load_dataset": "crmkit.data.io",
    "read_params": "crmkit.data.io",
    "write_dataset": "crmkit.data.io",
    "clean": "crmkit.data.cleaning",
    "source_fixes": "crmkit.data.cleaning",
    "load_cdnow": "crmkit.data.bundled",
    "load_demo": "crmkit.data.bundled",
    "make_demo": "crmkit.data.synthetic",
    "purchases": "crmkit.data.purchases",
    "is_purchase": "crmkit.data.purchases",
    "rfm_table": "crmkit.data.purchases",
    # core
    "Period": "crmkit.periods",
    "parse_period": "crmkit.periods",
    "CrmkitError": "crmkit.errors",
    "DataValidationError": "crmkit.errors",
    "ParamsError": "crmkit.errors",
    # reporting
    "start": "crmkit.reporting.notebook",
    "Session": "crmkit.reporting.notebook",
    "table": "crmkit.reporting.tables",
    "bullets": "crmkit.reporting.tables",
    "summary": "crmkit.reporting.tables",
    "label": "crmkit.labels",
    "save_table": "crmkit.reporting.tables",
    "save_summary": "crmkit.reporting.tables",
    "drop_pii": "crmkit.reporting.tables",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crmkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
