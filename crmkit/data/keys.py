"""Fast operations on ID columns (customer, order and product IDs as Arrow-backed strings).

pandas 3 stores strings in Arrow arrays. Some operations on two such columns go
value by value in Python: ``Series.isin`` of a million order IDs against a million
others takes over a second. The helpers here hash both sides at once (pyarrow's
``is_in``, else integer codes of both).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["isin"]


def _arrow(x: pd.Series):
    """The Arrow array behind an Arrow-backed string column, else None."""
    import pyarrow as pa

    dtype = x.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        arr = pa.array(x.array)
        return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    return None


def isin(values, allowed) -> np.ndarray:
    """``values.isin(allowed)`` as a NumPy mask, fast for Arrow-backed strings.

    Parameters
    ----------
    values : Series or Index
    allowed : Series, Index or list-like

    Returns
    -------
    ndarray of bool
        True where the value is among ``allowed``; a missing value never matches.

    Examples
    --------
    >>> isin(pd.Series(["a", "b", None, "c"]), pd.Series(["c", "a", None, "x"])).tolist()
    [True, False, False, True]
    >>> isin(pd.Index(["a", "b"]), ["b"]).tolist()
    [False, True]
    """
    values = pd.Series(values, copy=False) if not isinstance(values, pd.Series) else values
    allowed = pd.Series(allowed, copy=False) if not isinstance(allowed, pd.Series) else allowed
    v, a = _arrow(values), _arrow(allowed)
    if v is not None and a is not None:  # pyarrow hashes both arrays at once
        import pyarrow.compute as pc

        if a.type != v.type:
            a = a.cast(v.type)
        found = pc.is_in(v, options=pc.SetLookupOptions(value_set=a, skip_nulls=True))
        return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)
    both = pd.concat([values.reset_index(drop=True), allowed.reset_index(drop=True)],
                     ignore_index=True)
    codes, uniques = pd.factorize(both)
    mask = np.zeros(len(uniques) + 1, dtype=bool)
    mask[codes[len(values):]] = True
    mask[-1] = False  # code -1 (missing) never matches
    return mask[codes[:len(values)]]
