"""Attribution of first purchases to the traffic channels of the sessions before them.

A *journey* is a customer's web or app sessions, in time order, each with the traffic
channel of its first event (``events.channel``):

- *converting*: the customer's first purchase falls in the window; the journey is the
  sessions that started in the ``lookback_days`` before it, up to the purchase (the
  session in which the customer bought included; when the order has no time of day,
  the whole day of the purchase counts);
- *non-converting*: the customer has not bought by the reference date; the journey is
  the sessions that started in the window.

Customers who had bought before the window are left out. Without ``session_id``, a
session is a customer's events on one channel on one day.

Five models share the credit of each first purchase among the sessions of its journey:
*first touch* (all to the first), *last touch* (all to the last), *linear* (equal
shares), *position-based* (40% first, 40% last, 20% shared by the sessions between;
50/50 with two sessions) and the data-driven *Markov chain* model
(:class:`MarkovAttribution`, removal effect). Everything is vectorised: sessions and
channels become integer codes, transition counts come from one ``numpy.bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from ...data.purchases import purchases
from ...errors import CrmkitError

__all__ = [
    "MODELS",
    "Journeys",
    "journeys",
    "rule_based_attribution",
    "MarkovAttribution",
    "attribution_table",
]

MODELS = {
    "first_touch": "first touch",
    "last_touch": "last touch",
    "linear": "linear",
    "position_based": "position-based",
    "markov": "data-driven (Markov)",
}
"""The attribution models, in the order shown, with their names in words."""

_DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class Journeys:
    """Journeys as integer arrays (see the module docstring).

    Attributes
    ----------
    channels : tuple of str
        Channel names; ``channel`` holds codes into it.
    path : ndarray of int64
        Journey of each session (0 .. n_paths - 1), sorted by journey, then time.
    channel : ndarray of int64
        Channel code of each session.
    converted : ndarray of bool
        Per journey: ended in a first purchase.
    customer_id : ndarray
        Per journey.
    without_touch : int
        First purchases in the window with no recorded session before them (e.g. bought
        in a store); they are not attributed.
    """

    channels: tuple[str, ...]
    path: np.ndarray
    channel: np.ndarray
    converted: np.ndarray
    customer_id: np.ndarray
    without_touch: int = 0

    @property
    def n_paths(self) -> int:
        return int(self.converted.size)

    @property
    def n_conversions(self) -> int:
        return int(self.converted.sum())

    @property
    def lengths(self) -> np.ndarray:
        """Sessions per journey."""
        return np.bincount(self.path, minlength=self.n_paths)

    @property
    def position(self) -> np.ndarray:
        """Position of each session in its journey (0 = first)."""
        starts = np.cumsum(self.lengths) - self.lengths
        return np.arange(self.path.size) - starts[self.path]

    @classmethod
    def from_paths(cls, paths, converted, *, channels=None) -> Journeys:
        """Build journeys from lists of channel names (for examples and tests).

        Examples
        --------
        >>> j = Journeys.from_paths([["search", "email"], ["social"]], [True, False])
        >>> j.channels, j.path.tolist(), j.channel.tolist(), j.n_conversions
        (('email', 'search', 'social'), [0, 0, 1], [1, 0, 2], 1)
        """
        names = tuple(sorted({c for p in paths for c in p})) if channels is None else tuple(channels)
        code = {c: i for i, c in enumerate(names)}
        path = np.repeat(np.arange(len(paths)), [len(p) for p in paths]).astype(np.int64)
        chan = np.asarray([code[c] for p in paths for c in p], dtype=np.int64)
        return cls(names, path, chan, np.asarray(converted, dtype=bool),
                   np.arange(len(paths)).astype(str))


def _sessions(events: pd.DataFrame):
    """Per session: customer, start (int64 ns) and channel label of its first event."""
    ts = events["timestamp"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    has_session = "session_id" in events.columns and events["session_id"].notna().any()
    if has_session:
        key, _ = pd.factorize(events["session_id"], use_na_sentinel=True)
    else:
        key = np.full(len(events), -1, dtype=np.int64)
    missing = key < 0
    if missing.any():  # a customer's events on one channel and day
        day = ts[missing] // _DAY_NS
        sub = pd.DataFrame({"c": events["customer_id"].to_numpy()[missing], "d": day,
                            "ch": events["channel"].to_numpy()[missing]})
        extra = sub.groupby(["c", "d", "ch"], sort=False, dropna=False).ngroup().to_numpy()
        key = key.astype(np.int64)
        key[missing] = key.max(initial=-1) + 1 + extra
    order = np.lexsort((ts, key))
    k = key[order]
    first = order[np.r_[True, k[1:] != k[:-1]]] if k.size else order
    return events["customer_id"].to_numpy()[first], ts[first], events["channel"].to_numpy()[first]


def journeys(events: pd.DataFrame, *, orders: pd.DataFrame, as_of, window_days: int = 365,
             lookback_days: int = 30) -> Journeys:
    """Build the journeys of the first purchases (and non-buyers) of the window.

    Parameters
    ----------
    events : DataFrame
        Canonical events with ``customer_id``, ``timestamp`` and ``channel``
        (``session_id`` optional).
    orders : DataFrame
        Canonical orders: first purchases come from
        :func:`crmkit.data.purchases.purchases`.
    as_of : date-like
        Reference day (inclusive).
    window_days : int, default 365
    lookback_days : int, default 30

    Returns
    -------
    Journeys

    Raises
    ------
    CrmkitError
        ``events`` has no ``channel`` column.
    """
    if "channel" not in events.columns:
        raise CrmkitError("events has no channel column: attribution needs the traffic channel of each "
                          "session (map it in the params file, e.g. utm_source)")
    end = (pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)).value
    w0 = end - int(window_days) * _DAY_NS
    ev = events.loc[events["timestamp"].notna()]
    s_cust, s_start, s_chan = _sessions(ev)
    p = purchases(orders, as_of=as_of)
    p_cust = p["customer_id"].to_numpy()
    p_ts = p["order_date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    codes, uniques = pd.factorize(np.concatenate([s_cust.astype(object), p_cust.astype(object)]))
    sc, pc = codes[:s_cust.size], codes[s_cust.size:]
    n = len(uniques)
    fp = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(fp, pc, p_ts)
    bought = fp < np.iinfo(np.int64).max
    converting = bought & (fp >= w0) & (fp < end)
    midnight = bought & (fp % _DAY_NS == 0)
    limit = np.where(midnight, fp + _DAY_NS - 1, fp)

    f, lim = fp[sc], limit[sc]
    conv_touch = converting[sc] & (s_start <= lim[...]) & (s_start >= f - int(lookback_days) * _DAY_NS)
    none_touch = ~bought[sc] & (s_start >= w0) & (s_start < end)
    keep = conv_touch | none_touch
    chan_labels = pd.Series(s_chan[keep]).astype("string").fillna("unknown").astype(str)
    chan_codes, channels = pd.factorize(chan_labels, sort=True)
    cust = sc[keep]
    start = s_start[keep]
    order = np.lexsort((start, cust))
    cust, chan_codes = cust[order], chan_codes[order]
    path_of, path = np.unique(cust, return_inverse=True)
    with_touch = np.zeros(n, dtype=bool)
    with_touch[path_of] = True
    return Journeys(
        channels=tuple(str(c) for c in channels),
        path=path.astype(np.int64),
        channel=chan_codes.astype(np.int64),
        converted=converting[path_of],
        customer_id=np.asarray(uniques, dtype=object)[path_of],
        without_touch=int((converting & ~with_touch).sum()),
    )


def rule_based_attribution(j: Journeys, *, first_weight: float = 0.4, last_weight: float = 0.4) -> pd.DataFrame:
    """Credited first purchases per channel under the four rule-based models.

    Parameters
    ----------
    j : Journeys
    first_weight, last_weight : float, default 0.4, 0.4
        Position-based shares of the first and the last session (journeys of three
        sessions or more); with two sessions they split the credit in the ratio
        ``first_weight : last_weight``.

    Returns
    -------
    DataFrame
        Index ``channel`` (all channels of ``j``); columns ``first_touch``,
        ``last_touch``, ``linear``, ``position_based``: credited first purchases (each
        column sums to the converting journeys).

    Examples
    --------
    >>> j = Journeys.from_paths([["a", "b", "c"], ["b"]], [True, True])
    >>> rule_based_attribution(j).round(2)
             first_touch  last_touch  linear  position_based
    channel
    a                1.0         0.0    0.33             0.4
    b                1.0         1.0    1.33             1.2
    c                0.0         1.0    0.33             0.4
    """
    length = j.lengths[j.path].astype(float)
    pos = j.position
    first, last = pos == 0, pos == length - 1
    fw, lw = float(first_weight), float(last_weight)
    two = fw / (fw + lw) if fw + lw > 0 else 0.5
    position = np.select(
        [length == 1, (length == 2) & first, length == 2, first, last],
        [1.0, two, 1.0 - two, fw, lw],
        default=(1.0 - fw - lw) / np.maximum(length - 2, 1),
    )
    conv = j.converted[j.path]
    k = len(j.channels)
    ch = j.channel[conv]
    out = pd.DataFrame({
        "first_touch": np.bincount(ch, weights=first[conv].astype(float), minlength=k),
        "last_touch": np.bincount(ch, weights=last[conv].astype(float), minlength=k),
        "linear": np.bincount(ch, weights=1.0 / length[conv], minlength=k),
        "position_based": np.bincount(ch, weights=position[conv], minlength=k),
    }, index=pd.Index(j.channels, name="channel"))
    return out


class MarkovAttribution(BaseEstimator):
    """Data-driven attribution: a first-order Markov chain of the journeys and removal effects.

    The states are *start*, one per channel, *purchase* and *no purchase*. Every journey
    is a walk from *start* through its sessions to *purchase* or *no purchase*; the
    transition probabilities are the observed shares of moves between states. The
    probability of reaching *purchase* from *start* is that of an absorbing chain
    (solve ``(I - Q) h = r``). The **removal effect** of a channel is the relative drop
    of that probability when every journey reaching the channel ends there without a
    purchase; first purchases are credited to channels in proportion to their removal
    effects (Anderl, Becker, von Wangenheim & Schumann 2016).

    Attributes
    ----------
    channels_ : tuple of str
    transition_counts_ : DataFrame
        Moves between states (rows: from, columns: to).
    transition_matrix_ : DataFrame
        Row-normalised ``transition_counts_`` (rows of states never left are 0).
    conversion_rate_ : float
        Probability of reaching *purchase* from *start*.
    removal_effects_ : Series
        Per channel, 1 - (conversion probability without it) / ``conversion_rate_``.
    credits_ : Series
        First purchases credited to each channel (sums to ``n_conversions_``).
    n_paths_, n_conversions_ : int

    Examples
    --------
    >>> j = Journeys.from_paths([["a", "b"], ["a"], ["b"]], [True, False, True])
    >>> m = MarkovAttribution().fit(j)
    >>> round(m.conversion_rate_, 4), m.credits_.round(3).to_dict()
    (0.6667, {'a': 0.667, 'b': 1.333})
    """

    def fit(self, j: Journeys) -> MarkovAttribution:
        """Count the transitions of the journeys and compute removal effects and credits.

        Parameters
        ----------
        j : Journeys

        Returns
        -------
        self
        """
        k = len(j.channels)
        start, conv, null = 0, k + 1, k + 2
        s = k + 3
        pos = j.position
        state = j.channel + 1
        prev = np.empty_like(state)
        prev[1:] = state[:-1]
        src = np.where(pos == 0, start, prev)
        last = np.r_[j.path[1:] != j.path[:-1], True] if j.path.size else np.zeros(0, bool)
        exit_to = np.where(j.converted[j.path[last]], conv, null)
        frm = np.concatenate([src, state[last]])
        to = np.concatenate([state, exit_to])
        counts = np.bincount(frm * s + to, minlength=s * s).reshape(s, s).astype(float)
        names = ["start", *j.channels, "purchase", "no purchase"]
        rows = counts.sum(axis=1, keepdims=True)
        prob = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)

        base = _absorption(prob, k)
        effects = np.full(k, np.nan)
        if base > 0:
            for c in range(k):
                effects[c] = 1.0 - _absorption(prob, k, removed=c) / base
        total = np.nansum(effects)
        n_conv = j.n_conversions
        credits = effects / total * n_conv if total > 0 else np.full(k, np.nan)

        self.channels_ = tuple(j.channels)
        self.transition_counts_ = pd.DataFrame(counts, index=names, columns=names)
        self.transition_matrix_ = pd.DataFrame(prob, index=names, columns=names)
        self.conversion_rate_ = float(base)
        self.removal_effects_ = pd.Series(effects, index=pd.Index(j.channels, name="channel"),
                                          name="removal_effect")
        self.credits_ = pd.Series(credits, index=pd.Index(j.channels, name="channel"), name="markov")
        self.n_paths_ = j.n_paths
        self.n_conversions_ = n_conv
        return self

    def attribute(self) -> pd.Series:
        """Return the first purchases credited to each channel (``credits_``)."""
        if not hasattr(self, "credits_"):
            raise NotFittedError("this MarkovAttribution is not fitted yet; call fit(journeys)")
        return self.credits_.copy()


def _absorption(prob: np.ndarray, k: int, *, removed: int | None = None) -> float:
    """Probability of reaching *purchase* from *start* (states 0 .. k transient)."""
    q = prob[:k + 1, :k + 1].copy()
    r = prob[:k + 1, k + 1].copy()
    if removed is not None:  # journeys reaching the channel end there, without a purchase
        q[removed + 1, :] = 0.0
        r[removed + 1] = 0.0
    h = np.linalg.solve(np.eye(k + 1) - q, r)
    return float(h[0])


def attribution_table(j: Journeys, *, first_weight: float = 0.4, last_weight: float = 0.4) -> pd.DataFrame:
    """The five models side by side, with the sessions behind them.

    Returns
    -------
    DataFrame
        Index ``channel``, sorted by the Markov credit; columns ``sessions`` (sessions in
        converting journeys), one column per model of :data:`MODELS` (credited first
        purchases) and ``removal_effect``.

    Examples
    --------
    >>> j = Journeys.from_paths([["a", "b"], ["a"], ["b"]], [True, False, True])
    >>> attribution_table(j)[["sessions", "first_touch", "last_touch", "markov"]].round(3)
             sessions  first_touch  last_touch  markov
    channel
    b               2          1.0         2.0   1.333
    a               1          1.0         0.0   0.667
    """
    out = rule_based_attribution(j, first_weight=first_weight, last_weight=last_weight)
    m = MarkovAttribution().fit(j)
    conv = j.converted[j.path]
    out.insert(0, "sessions", np.bincount(j.channel[conv], minlength=len(j.channels)).astype(np.int64))
    out["markov"] = m.credits_
    out["removal_effect"] = m.removal_effects_
    return out.sort_values("markov", ascending=False, kind="stable")
