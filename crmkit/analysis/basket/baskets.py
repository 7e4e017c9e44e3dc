"""Baskets: the order lines of purchases, as a long frame and as a sparse matrix.

A **basket** is one purchase (:func:`crmkit.data.purchases.purchases`: a completed
order with a positive amount) with its order lines. Lines of returned or cancelled
orders are not baskets; purchases without any line cannot be analysed and are counted
by :func:`basket_overview`, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ...data.keys import isin
from ...data.purchases import purchases
from ...errors import CrmkitError

__all__ = [
    "LINE_COLUMNS",
    "BasketMatrix",
    "basket_lines",
    "basket_matrix",
    "customer_matrix",
    "basket_overview",
    "basket_sizes",
    "item_names",
]

LINE_COLUMNS = ["order_id", "customer_id", "order_date", "item", "quantity", "revenue"]
"""Columns of :func:`basket_lines`."""

_NO_CATEGORY = "(no category)"


def _window(orders: pd.DataFrame, *, start, as_of) -> pd.DataFrame:
    return purchases(orders, start=start, as_of=as_of)[["order_id", "customer_id", "order_date"]]


def _item_of(order_items: pd.DataFrame, products: pd.DataFrame | None, level: str) -> pd.Series:
    if level == "product":
        return order_items["product_id"].astype("str")
    if level != "category":
        raise ValueError(f"level must be 'product' or 'category', got {level!r}")
    if products is None or "category" not in products.columns:
        raise CrmkitError("basket analysis by category needs the products table with a "
                          "'category' column (the category of each product_id)")
    cat = products.drop_duplicates("product_id").set_index("product_id")["category"]
    return order_items["product_id"].map(cat).fillna(_NO_CATEGORY).astype("str")


def basket_lines(order_items: pd.DataFrame, *, orders: pd.DataFrame,
                 products: pd.DataFrame | None = None, start=None, as_of=None,
                 level: str = "product") -> pd.DataFrame:
    """Return the lines of every purchase in a window, one row per basket and item.

    Parameters
    ----------
    order_items : DataFrame
        Canonical order lines (``order_id``, ``product_id``, ``quantity``, ``unit_price``).
    orders : DataFrame
        Canonical orders; only purchases count.
    products : DataFrame, optional
        Canonical products; needed for ``level="category"``.
    start, as_of : date-like, optional
        First and last day of the window (``as_of`` includes its whole day).
    level : {"product", "category"}, default "product"
        What an item is: a product, or a product category (several products of one
        category in a basket make one line; products without a category are
        ``"(no category)"``).

    Returns
    -------
    DataFrame
        Columns :data:`LINE_COLUMNS`: ``order_id``, ``customer_id``, ``order_date``,
        ``item`` (product ID or category), ``quantity`` (units) and ``revenue``
        (quantity times unit price), sorted by date, order and item. An order line
        whose order is not a purchase in the window is left out. The ID columns are
        categorical (sorted categories), so the basket functions group and index them
        without comparing strings again.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["o1", "o2"], "customer_id": ["c1", "c1"],
    ...                        "order_date": pd.to_datetime(["2025-01-01", "2025-01-05"]),
    ...                        "revenue": [30.0, 10.0], "status": ["completed", "returned"]})
    >>> items = pd.DataFrame({"order_id": ["o1", "o1", "o1", "o2"], "product_id": ["A", "B", "A", "A"],
    ...                       "quantity": [1.0, 2.0, 1.0, 1.0], "unit_price": [10.0, 5.0, 10.0, 10.0]})
    >>> basket_lines(items, orders=orders)[["order_id", "item", "quantity", "revenue"]]
      order_id item  quantity  revenue
    0       o1    A       2.0     20.0
    1       o1    B       2.0     10.0
    """
    if level not in ("product", "category"):
        raise ValueError(f"level must be 'product' or 'category', got {level!r}")
    bought = _window(orders, start=start, as_of=as_of)
    # one factorisation per ID column (sorted, so codes order like the IDs); the rest is integers
    codes, order_ids = pd.factorize(pd.concat([order_items["order_id"], bought["order_id"]],
                                              ignore_index=True), sort=True)
    line_code, bought_code = codes[:len(order_items)], codes[len(order_items):]
    first = ~pd.Series(bought_code).duplicated().to_numpy()  # a repeated order ID counts once
    bought, bought_code = bought.loc[first], bought_code[first]
    row_of = np.full(len(order_ids) + 1, -1, dtype=np.int64)  # code -1 (missing ID) -> -1
    row_of[bought_code] = np.arange(len(bought))
    keep = np.flatnonzero(row_of[line_code] >= 0)
    pos = row_of[line_code[keep]]
    product = order_items["product_id"].take(keep)
    item_code, item_ids = pd.factorize(product, sort=True)
    if level == "category":
        category = _item_of(pd.DataFrame({"product_id": item_ids}), products, level)
        cat_code, item_ids = pd.factorize(category, sort=True)
        item_code = np.where(item_code >= 0, cat_code[item_code], -1)
    if (item_code < 0).any():
        raise CrmkitError(f"order_items: {int((item_code < 0).sum())} lines of purchases have no "
                          "product_id; expected a product ID on every order line")
    qty = order_items["quantity"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    price = order_items["unit_price"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    # order the baskets by date, then order ID; then the lines by basket and item, in one sort
    bought_date = bought["order_date"].to_numpy()
    by_date = np.lexsort((bought_code, bought_date))
    rank_of = np.empty(len(bought), dtype=np.int64)
    rank_of[by_date] = np.arange(len(bought))
    n_items = max(len(item_ids), 1)
    key = rank_of[pos] * n_items + item_code
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, np.int64)
    # the same product twice in a basket is one line with the units and revenue added up
    quantity = np.add.reduceat(qty[order], starts) if key.size else np.zeros(0)
    revenue = np.add.reduceat((qty * price)[order], starts) if key.size else np.zeros(0)
    row, item = by_date[key[starts] // n_items], key[starts] % n_items
    cust_code, cust_ids = pd.factorize(bought["customer_id"], sort=True)
    return pd.DataFrame({
        "order_id": pd.Categorical.from_codes(bought_code[row], categories=pd.Index(order_ids)),
        "customer_id": pd.Categorical.from_codes(cust_code[row], categories=pd.Index(cust_ids)),
        "order_date": bought_date[row],
        "item": pd.Categorical.from_codes(item, categories=pd.Index(item_ids)),
        "quantity": quantity,
        "revenue": revenue,
    })[LINE_COLUMNS]


@dataclass(frozen=True)
class BasketMatrix:
    """Baskets as a sparse 0/1 matrix.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix of bool, shape (baskets, items)
    rows : pandas.Index
        Basket (order) IDs, or customer IDs for :func:`customer_matrix`, sorted.
    items : pandas.Index
        Item IDs, sorted.
    """

    matrix: sp.csr_matrix
    rows: pd.Index
    items: pd.Index

    @property
    def item_counts(self) -> np.ndarray:
        """Rows holding each item."""
        return np.asarray(self.matrix.sum(axis=0), dtype=np.int64).ravel()


def _codes(values: pd.Series, index: pd.Index | None = None) -> tuple[np.ndarray, pd.Index]:
    """Positions of ``values`` in a sorted index of the values present (or in ``index``).

    Categorical columns (:func:`basket_lines`) are coded from their categories, without
    looking at the strings again. Missing values or values not in ``index`` get -1.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        cats = pd.Index(values.cat.categories)
        if index is not None:
            lookup = np.r_[index.get_indexer(cats), -1]
            return lookup[codes], index
        if not cats.is_monotonic_increasing:
            return _codes(values.astype(cats.dtype), index)
        used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(cats)))
        remap = np.full(len(cats) + 1, -1, dtype=np.int64)
        remap[used] = np.arange(used.size)
        return remap[codes], cats[used]
    if index is not None:
        return index.get_indexer(values), index
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), pd.Index(uniques)


def _matrix(lines: pd.DataFrame, row: str, items: pd.Index | None) -> BasketMatrix:
    r_codes, rows = _codes(lines[row])
    c_codes, items = _codes(lines["item"], items)
    keep = (c_codes >= 0) & (r_codes >= 0)
    m = sp.csr_matrix((np.ones(int(keep.sum()), dtype=bool), (r_codes[keep], c_codes[keep])),
                      shape=(len(rows), len(items)))
    m.sum_duplicates()
    m.data[:] = True
    return BasketMatrix(m, rows.rename(row), items.rename("item"))


def basket_matrix(lines: pd.DataFrame, *, items: pd.Index | None = None) -> BasketMatrix:
    """Return the baskets x items 0/1 matrix of :func:`basket_lines`.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`basket_lines`.
    items : Index, optional
        Columns to use (items not in it are ignored); default: every item, sorted.

    Returns
    -------
    BasketMatrix
    """
    return _matrix(lines, "order_id", items)


def customer_matrix(lines: pd.DataFrame, *, items: pd.Index | None = None) -> BasketMatrix:
    """Return the customers x items 0/1 matrix (bought at least once) of :func:`basket_lines`."""
    return _matrix(lines, "customer_id", items)


def basket_overview(order_items: pd.DataFrame, *, orders: pd.DataFrame, start=None,
                    as_of=None) -> pd.Series:
    """Count what the basket analysis uses and what it leaves out.

    Parameters
    ----------
    order_items, orders : DataFrame
        Canonical tables.
    start, as_of : date-like, optional
        The window, as in :func:`basket_lines`.

    Returns
    -------
    Series
        ``purchases`` in the window, ``baskets`` (purchases with at least one line),
        ``purchases_without_lines``, ``lines`` (order lines of those baskets),
        ``lines_not_purchases`` (lines of returned, cancelled or zero-value orders,
        or of orders outside the window), ``lines_unknown_order`` (no such order),
        ``customers``, ``products`` (distinct products bought), ``items_per_basket``
        (mean distinct products), ``multi_item_share`` (baskets with 2+ products),
        ``revenue`` (sum of quantity x unit price over the baskets).
    """
    bought = _window(orders, start=start, as_of=as_of)
    ids = order_items["order_id"]
    in_window = isin(ids, bought["order_id"])
    known = isin(ids, orders["order_id"])
    lines = order_items.loc[in_window]
    per_basket = lines.groupby("order_id")["product_id"].nunique()
    n_baskets = len(per_basket)
    return pd.Series({
        "purchases": int(bought["order_id"].nunique()),
        "baskets": n_baskets,
        "purchases_without_lines": int(bought["order_id"].nunique() - n_baskets),
        "lines": int(in_window.sum()),
        "lines_not_purchases": int((known & ~in_window).sum()),
        "lines_unknown_order": int((~known).sum()),
        "customers": int(bought.loc[isin(bought["order_id"], per_basket.index.to_series()), "customer_id"].nunique()),
        "products": int(lines["product_id"].nunique()),
        "items_per_basket": float(per_basket.mean()) if n_baskets else np.nan,
        "multi_item_share": float((per_basket >= 2).mean()) if n_baskets else np.nan,
        "revenue": float((lines["quantity"] * lines["unit_price"]).sum()),
    }, dtype=object)


def basket_sizes(lines: pd.DataFrame, *, products: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the number of products (and categories) in each basket.

    Parameters
    ----------
    lines : DataFrame
        Output of :func:`basket_lines` at product level.
    products : DataFrame, optional
        Canonical products with ``category``: adds the number of categories.

    Returns
    -------
    DataFrame
        Indexed by ``order_id``: ``products`` (distinct products), ``categories``
        (distinct categories, products without one counting as one more; only with
        ``products``) and ``revenue``.

    Examples
    --------
    >>> lines = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "item": ["A", "B", "A"],
    ...                       "revenue": [5.0, 3.0, 5.0]})
    >>> cat = pd.DataFrame({"product_id": ["A", "B"], "category": ["x", "x"]})
    >>> basket_sizes(lines, products=cat)
              products  categories  revenue
    order_id
    o1               2           1      8.0
    o2               1           1      5.0
    """
    # on integer codes: grouping and re-aligning a million categorical order IDs took seconds
    order, orders = pd.factorize(lines["order_id"], sort=True)
    d = pd.DataFrame({"order": order, "item": _value_codes(lines["item"]), "revenue": lines["revenue"].to_numpy()})
    agg = {"products": ("item", "nunique")}
    if products is not None and "category" in products.columns:
        cats = _item_of(lines.rename(columns={"item": "product_id"}), products, "category")
        d["category"] = _value_codes(cats)
        agg["categories"] = ("category", "nunique")
    agg["revenue"] = ("revenue", "sum")
    out = d.groupby("order", sort=True).agg(**agg)
    out.index = pd.Index(orders, name="order_id")
    return out


def _value_codes(values: pd.Series) -> np.ndarray:
    """Integer codes of ``values``, missing values as NaN (not counted by ``nunique``)."""
    codes = _codes(values)[0]
    return np.where(codes < 0, np.nan, codes)


def item_names(products: pd.DataFrame | None, items=None) -> pd.Series:
    """Return the words to show for each product ID: its name, else the ID.

    Parameters
    ----------
    products : DataFrame, optional
        Canonical products (``product_name`` optional).
    items : iterable, optional
        IDs to name (also IDs missing from ``products``); default: every product.

    Returns
    -------
    Series
        Product ID -> name. Two products with the same name get their ID appended.

    Examples
    --------
    >>> p = pd.DataFrame({"product_id": ["P1", "P2", "P3"], "product_name": ["Mug", "Mug", None]})
    >>> item_names(p, ["P1", "P2", "P3", "P9"]).tolist()
    ['Mug (P1)', 'Mug (P2)', 'P3', 'P9']
    """
    if products is not None and "product_name" in products.columns:
        names = products.drop_duplicates("product_id").set_index("product_id")["product_name"]
    else:
        names = pd.Series(dtype="str")
    ids = pd.Index(names.index if items is None else list(items)).astype("str")
    names.index = names.index.astype("str")
    out = names.reindex(ids).astype("object")
    out = out.where(out.notna() & (out.astype("str").str.strip() != ""), pd.Series(ids, index=ids))
    dup = out.duplicated(keep=False) & out.ne(pd.Series(ids, index=ids))
    out[dup] = out[dup] + " (" + out.index[dup.to_numpy()] + ")"
    return out.astype("str").rename("name")
