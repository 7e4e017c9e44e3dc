"""Bundled datasets: the synthetic ``demo`` CRM and the real CDNOW purchase data."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from .dataset import Dataset

__all__ = ["load_cdnow", "load_demo", "CDNOW_ATTRIBUTION"]

CDNOW_ATTRIBUTION = (
    "CDNOW purchase data: the full master file of 23,570 customers who made their first "
    "purchase at CDNOW in 1997-Q1, with all their purchases to June 1998 (69,659 "
    "transactions), and the 2,357-customer 1/10th sample used by Fader, Hardie and Lee "
    "(2005), 'Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD "
    "Model', Marketing Science 24(2). Data made available by Peter S. Fader and Bruce G. "
    "S. Hardie (brucehardie.com/datasets)."
)


def _read_cdnow(filename: str, names: list[str]) -> pd.DataFrame:
    with resources.files("crmkit").joinpath("data", "files", filename).open("rb") as f:
        return pd.read_csv(
            f, compression="gzip", sep=r"\s+", header=None, names=names,
            dtype={"customer_id": str, "master_id": str, "date": str},
            comment=None, skiprows=1 if filename.startswith("cdnow_master") else 0,
        )


def load_cdnow(kind: str = "master") -> Dataset:
    """Load the CDNOW purchase data as a canonical dataset.

    Parameters
    ----------
    kind : {"master", "sample"}, default "master"
        ``master``: all 23,570 customers and 69,659 transactions.
        ``sample``: the 2,357-customer sample (6,919 transactions) used in the
        BG/NBD and Pareto/NBD literature.

    Returns
    -------
    Dataset
        Only an ``orders`` table: one row per transaction record as in the source
        (several records on the same day are kept apart), with ``order_id`` the
        1-based record number, ``customer_id`` (zero-padded master ID as in the
        source, e.g. ``"00004"``), ``order_date``, ``revenue`` (US dollars),
        ``quantity`` (number of CDs) and ``status`` ``completed``.
    """
    if kind == "master":
        raw = _read_cdnow("cdnow_master.txt.gz", ["customer_id", "date", "quantity", "revenue"])
    elif kind == "sample":
        raw = _read_cdnow(
            "cdnow_sample.txt.gz", ["customer_id", "sample_id", "date", "quantity", "revenue"]
        )
    else:
        raise ValueError(f"kind must be 'master' or 'sample', got {kind!r}")
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, len(raw) + 1).astype(str),
            "customer_id": raw["customer_id"].astype(str),
            "order_date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "revenue": raw["revenue"].astype(float),
            "quantity": raw["quantity"].astype(float),
            "status": "completed",
        }
    )
    return Dataset(
        name="cdnow" if kind == "master" else "cdnow_sample",
        tables={"orders": orders},
        currency="$",
        as_of=pd.Timestamp("1998-06-30"),
        meta={"attribution": CDNOW_ATTRIBUTION, "source": f"bundled CDNOW {kind}"},
    )


def load_demo(**kwargs) -> Dataset:
    """Generate the synthetic demo dataset (see :func:`crmkit.data.synthetic.make_demo`)."""
    from .synthetic import make_demo

    return make_demo(**kwargs)
