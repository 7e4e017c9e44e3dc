"""crmkit: CRM analytics kit.

Load a CRM export once (:func:`prepare` / :func:`open_data`), then call the
analysis functions on its canonical tables; notebooks in ``notebooks/`` tell the
story and ``crmkit report`` renders them into HTML.
"""

__version__ = "0.1.0"

from . import behaviour, churn, clv, clv_report, cohorts, lifecycle, rfm, segmentation, synthetic
from .cleaning import clean, source_fixes
from .clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    btyd_holdout,
    btyd_summary,
    customer_lifetime_value,
)
from .cohorts import cohort_table, kaplan_meier, retention_curves
from .dataset import Dataset
from .datasets import load_cdnow, load_demo
from .errors import CrmkitError, DataValidationError, ParamsError
from .io import load_dataset, read_params, write_dataset
from .kpi import completed_orders, headline, kpi_findings, kpi_table, kpi_trend
from .lifecycle import lifecycle_stages, stage_transitions
from .periods import Period, parse_period
from .pipeline import Prepared, open_data, prepare, profile_tables
from .report import bullets, drop_pii, save_summary, save_table, table
from .rfm import rfm_table
from .segmentation import RFMClusterer, segment_customers, segmentation_findings
from .synthetic import DEFECT_COUNTS, make_demo

__all__ = [
    "__version__",
    "behaviour",
    "churn",
    "clv",
    "clv_report",
    "cohorts",
    "lifecycle",
    "rfm",
    "segmentation",
    "synthetic",
    "BetaGeoModel",
    "GammaGammaModel",
    "ParetoNBDModel",
    "RFMClusterer",
    "DEFECT_COUNTS",
    "btyd_holdout",
    "btyd_summary",
    "customer_lifetime_value",
    "cohort_table",
    "kaplan_meier",
    "retention_curves",
    "lifecycle_stages",
    "stage_transitions",
    "rfm_table",
    "segment_customers",
    "segmentation_findings",
    "make_demo",
    "Dataset",
    "Prepared",
    "Period",
    "CrmkitError",
    "DataValidationError",
    "ParamsError",
    "clean",
    "source_fixes",
    "completed_orders",
    "bullets",
    "drop_pii",
    "headline",
    "kpi_findings",
    "kpi_table",
    "kpi_trend",
    "load_cdnow",
    "load_dataset",
    "load_demo",
    "open_data",
    "parse_period",
    "prepare",
    "profile_tables",
    "read_params",
    "save_summary",
    "save_table",
    "table",
    "write_dataset",
]
