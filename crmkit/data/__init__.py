"""The data layer: the canonical model, loading and validation, cleaning, bundled data.

Data flows one way: a params file is read and validated (:mod:`.io`), the export's
tables are parsed into canonical columns (:mod:`.parsing` via :mod:`.io`), cleaned once
with a log (:mod:`.cleaning`), and saved for every notebook of a run
(:mod:`.pipeline`). Bundled datasets (:mod:`.bundled`: CDNOW and the synthetic demo of
:mod:`.synthetic`) enter the same flow as a finished :class:`~.dataset.Dataset`.
"""

from .bundled import load_cdnow, load_demo
from .cleaning import clean, source_fixes
from .dataset import Dataset
from .io import load_dataset, read_params, write_dataset
from .pipeline import Prepared, open_data, prepare, profile_tables
from .purchases import is_purchase, purchases, rfm_table
from .schema import PII_COLUMNS, TABLES

__all__ = [
    "Dataset",
    "Prepared",
    "PII_COLUMNS",
    "TABLES",
    "clean",
    "is_purchase",
    "load_cdnow",
    "load_dataset",
    "load_demo",
    "open_data",
    "prepare",
    "profile_tables",
    "purchases",
    "read_params",
    "rfm_table",
    "source_fixes",
    "write_dataset",
]
