"""Deals and their stage spells as of a reference date: what every funnel measure starts from.

A CRM exports deals (``opportunities``: owner, amount, creation and close dates, outcome)
and their stage history (``opportunity_stages``: one row per stage entered).
:func:`deal_history` turns both into two tidy tables *as known on the reference date*
``as_of`` (the whole day counts): nothing dated later is used, deals closed later are
open, and stages entered later are not entered yet.

``deals``
    one row per deal created on or before ``as_of``;
``spells``
    one row per deal and pipeline stage it entered: when it entered, when it left, how
    it left (``advanced`` to a later stage, ``won``, ``lost``) or ``open`` (still there
    on the reference date: a *censored* spell, whose time in stage is at least what was
    seen so far).

Rules for messy histories (each documented on the page when it applies):

- a deal counts as having entered a stage the first time it reached it; a move back to
  an earlier stage is ignored (the deal stays at the furthest stage it reached);
- a deal that skips a stage did not spend time in it, but did get past it;
- a deal without any stage history starts in its ``stage`` (or the first stage) on the
  day it was created;
- a won or lost deal without ``closed_at`` closed when its last stage was entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ... import fmt
from ...config.funnel import DEFAULT_CLOSED_STAGES
from ...errors import DataValidationError, Problem

__all__ = [
    "OUTCOMES",
    "EXITS",
    "GROUPS",
    "DealHistory",
    "deal_history",
    "pipeline_stages",
    "normalise_outcomes",
    "exit_causes",
]

OUTCOMES = ("won", "lost", "open")
"""Outcome of a deal on the reference date."""

EXITS = ("advanced", "won", "lost", "open")
"""How a stage spell ended: moved on to a later stage, won from it, lost in it, still there."""

GROUPS = {
    "owner": "salesperson",
    "acquisition_channel": "acquisition channel",
    "crm_segment": "customer segment",
    "deal_size": "deal size",
    "cohort": "month opened",
}
"""Columns of :attr:`DealHistory.deals` that group deals, with the words for them."""

_OUTCOME_WORDS = {
    "won": "won", "win": "won", "closed won": "won", "closed-won": "won", "closed_won": "won",
    "赢单": "won", "成交": "won", "赢": "won",
    "lost": "lost", "lose": "lost", "closed lost": "lost", "closed-lost": "lost",
    "closed_lost": "lost", "输单": "lost", "丢单": "lost", "输": "lost",
    "open": "open", "进行中": "open", "跟进中": "open",
}
_DAY = pd.Timedelta(days=1)


def exit_causes(exits: pd.Series) -> np.ndarray:
    """Competing-risk codes of spell exits: 1 got past the stage (advanced or won), 2 lost, 0 open."""
    codes = pd.Categorical(exits, categories=list(EXITS)).codes
    return np.array([1, 1, 2, 0, 0])[codes]  # code -1 (missing) reads as open


def _norm(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower()


def _cutoff(as_of) -> pd.Timestamp:
    """The first moment after the reference day (``as_of`` counts as a whole day)."""
    return pd.Timestamp(as_of).normalize() + _DAY


@dataclass(frozen=True)
class DealHistory:
    """Deals and stage spells as known on a reference date (made by :func:`deal_history`).

    Attributes
    ----------
    deals : DataFrame
        One row per deal created on or before ``as_of``: ``opportunity_id``, ``owner``,
        ``customer_id``, ``created_at``, ``amount``, ``outcome`` (won, lost, open on the
        reference date), ``closed_at`` (NaT when open), ``furthest_index`` (index in
        :attr:`stages` of the furthest stage reached; ``len(stages)`` for won deals),
        ``deal_stage`` (the stage the deal is in, or the last one it was in before
        closing), ``stage_entered_at``, ``days_in_stage`` (open deals: days in their
        current stage so far), ``age_days`` (days from creation to close, or to the
        reference date when open), and the group columns of :data:`GROUPS` that could be
        built (``owner``, ``cohort`` and ``deal_size`` always;
        ``acquisition_channel`` and ``crm_segment`` from ``customers``), and
        ``deal_key`` (an integer key of the deal, shared with ``spells``).
    spells : DataFrame
        One row per deal and stage entered: ``opportunity_id``, ``stage_index``,
        ``deal_stage``, ``entered_at``, ``left_at`` (NaT when open), ``days`` (time in
        the stage, float; open spells up to the end of the reference day), ``exit``
        (one of :data:`EXITS`), ``deal_key``.
    stages : list of str
        The pipeline stages in order.
    as_of : Timestamp
        The reference day.
    window_days : int or None
        Set by :meth:`since`: the deals were created in the last ``window_days`` days.
    notes : list of str
        What was repaired or assumed while reading a messy history.
    """

    deals: pd.DataFrame
    spells: pd.DataFrame
    stages: list[str]
    as_of: pd.Timestamp
    window_days: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def cutoff(self) -> pd.Timestamp:
        """The end of the reference day (open spells are censored here)."""
        return _cutoff(self.as_of)

    @property
    def groups(self) -> list[str]:
        """Group columns present and worth comparing (more than one value)."""
        return [g for g in GROUPS if g in self.deals.columns and self.deals[g].nunique() > 1]

    def since(self, days: int | None) -> DealHistory:
        """The deals created in the last ``days`` days up to the reference date (all: None).

        Examples
        --------
        >>> h = deal_history(_example(), opportunity_stages=_example_stages(), as_of="2025-03-31")
        >>> len(h.deals), len(h.since(30).deals), h.since(30).window_days
        (3, 1, 30)
        """
        if days is None:
            return self
        start = self.cutoff - pd.Timedelta(days=int(days))
        keep = (self.deals["created_at"] >= start).to_numpy()
        keys = self.deals["deal_key"].to_numpy()[keep]
        return replace(self, deals=self.deals.loc[keep].reset_index(drop=True),
                       spells=self.spells[np.isin(self.spells["deal_key"].to_numpy(), keys)].reset_index(drop=True),
                       window_days=int(days))


def pipeline_stages(opportunity_stages: pd.DataFrame, *, stages=None,
                    closed_stages=DEFAULT_CLOSED_STAGES) -> list[str]:
    """The pipeline stages in order: given, or inferred from the stage history.

    Stages are inferred by the position at which deals usually enter them (the mean
    rank of the entry within its deal, by time); labels in ``closed_stages`` (case
    ignored) mark a closed deal and are not stages.

    Parameters
    ----------
    opportunity_stages : DataFrame
        Canonical ``opportunity_stages``: ``opportunity_id``, ``stage``, ``entered_at``.
    stages : list of str, optional
        The stages in order; returned as given.
    closed_stages : sequence of str
        Labels that close a deal.

    Returns
    -------
    list of str

    Examples
    --------
    >>> pipeline_stages(_example_stages())
    ['lead', 'qualified', 'proposal']
    """
    if stages is not None:
        return [str(s) for s in stages]
    closed = {str(c).strip().lower() for c in closed_stages}
    st = opportunity_stages[["opportunity_id", "stage", "entered_at"]]
    st = st[~_norm(st["stage"]).isin(closed).fillna(False).to_numpy()]
    if st.empty:
        raise DataValidationError([Problem(
            "opportunity_stages", "opportunity_stages table", "stage",
            "no pipeline stage found in the stage history",
            expected="stages such as lead, qualified, proposal besides the closing labels "
                     f"({', '.join(closed_stages)})")])
    deal, _ = pd.factorize(st["opportunity_id"])
    order = np.lexsort((st["entered_at"].to_numpy(dtype="datetime64[ns]"), deal))
    d = deal[order]
    start = np.r_[True, d[1:] != d[:-1]]
    rank = np.arange(d.size) - np.maximum.accumulate(np.where(start, np.arange(d.size), 0))
    label, names = pd.factorize(st["stage"].to_numpy()[order])
    mean_rank = pd.Series(np.bincount(label, weights=rank) / np.bincount(label), index=names)
    order = pd.DataFrame({"rank": mean_rank, "label": mean_rank.index.astype(str)})
    return order.sort_values(["rank", "label"])["label"].tolist()


def normalise_outcomes(opportunities: pd.DataFrame, *, last_stage: pd.Series | None = None) -> pd.Series:
    """Outcome of each deal as ``won``, ``lost`` or ``open`` (as exported, before any cut-off).

    ``outcome`` words are read without case (``Closed Won``, ``赢单``, ``输单``, ...). A
    missing outcome is ``open`` when ``closed_at`` is missing, else read from the last
    stage of the history (``last_stage``, e.g. ``closed won``).

    Raises
    ------
    DataValidationError
        Outcomes that are not understood, or closed deals whose outcome is unknown,
        with a few deal IDs.

    Examples
    --------
    >>> op = pd.DataFrame({"opportunity_id": ["a", "b", "c"], "outcome": ["Won", None, "输单"],
    ...                    "closed_at": pd.to_datetime([None, None, "2025-01-02"])})
    >>> normalise_outcomes(op).tolist()
    ['won', 'open', 'lost']
    """
    n = len(opportunities)
    raw = opportunities["outcome"] if "outcome" in opportunities else pd.Series(pd.NA, index=opportunities.index)
    words = _norm(raw)
    out = words.map(_OUTCOME_WORDS)
    closed = (opportunities["closed_at"].notna() if "closed_at" in opportunities
              else pd.Series(False, index=opportunities.index))
    missing = words.isna() | (words == "")
    if last_stage is not None:
        from_stage = _norm(last_stage.reindex(opportunities["opportunity_id"]).set_axis(opportunities.index))
        out = out.where(~missing, from_stage.map(_OUTCOME_WORDS).where(closed))
    out = out.where(~(missing & ~closed), "open")
    problems = []
    bad = (~missing & out.isna()).to_numpy()
    if bad.any():
        ex = opportunities.loc[bad, ["opportunity_id"]].assign(v=raw[bad]).head(5)
        problems.append(Problem(
            "opportunities", "opportunities table", "outcome",
            f"{int(bad.sum())} outcome value(s) not understood", expected="won, lost or open",
            examples=[f"{i}: {v!r}" for i, v in zip(ex["opportunity_id"], ex["v"])], n_rows=int(bad.sum())))
    unknown = (missing & closed & out.isna()).to_numpy()
    if unknown.any():
        ids = opportunities.loc[unknown, "opportunity_id"].head(5).tolist()
        problems.append(Problem(
            "opportunities", "opportunities table", "outcome",
            f"{int(unknown.sum())} closed deal(s) without an outcome",
            expected="outcome won or lost for every deal with a closed_at date "
                     "(or a last stage such as 'closed won' / 'closed lost')",
            examples=[str(i) for i in ids], n_rows=int(unknown.sum())))
    if problems:
        raise DataValidationError(problems)
    assert len(out) == n
    return out.astype("str")


def _size_bands(amount: pd.Series, bands: int, currency: str) -> pd.Series:
    """Equal-count deal-size bands labelled by their amounts ("under ¥20k", ...)."""
    a = amount.astype(float)
    if bands <= 1 or a.notna().sum() < bands:
        return pd.Series(np.where(a.notna(), "all deals", "no amount"), index=amount.index)
    edges = np.unique(np.nanquantile(a, np.linspace(0, 1, bands + 1)[1:-1]))
    code = np.searchsorted(edges, a.to_numpy(), side="right")

    def short(x):
        for div, suffix in ((1e6, "M"), (1e3, "k")):
            if abs(x) >= div:
                return f"{currency}{x / div:,.3g}{suffix}"
        return fmt.money(x, currency)

    names = ([f"under {short(edges[0])}"]
             + [f"{short(lo)} to {short(hi)}" for lo, hi in zip(edges[:-1], edges[1:])]
             + [f"{short(edges[-1])} and more"])
    labels = np.asarray(names, dtype=object)[code]
    return pd.Series(np.where(a.notna(), labels, "no amount"), index=amount.index)


def deal_history(
    opportunities: pd.DataFrame,
    *,
    opportunity_stages: pd.DataFrame | None,
    as_of,
    customers: pd.DataFrame | None = None,
    stages=None,
    closed_stages=DEFAULT_CLOSED_STAGES,
    size_bands: int = 3,
    cohort_freq: str = "M",
    currency: str = "",
) -> DealHistory:
    """Deals and stage spells as known at the end of ``as_of`` (see the module docstring).

    Parameters
    ----------
    opportunities : DataFrame
        Canonical ``opportunities``.
    opportunity_stages : DataFrame or None
        Canonical ``opportunity_stages``; ``None``: every deal is in its ``stage`` from
        creation (no times in stage).
    as_of : date-like
        Reference date (inclusive).
    customers : DataFrame, optional
        Adds the account's ``acquisition_channel`` and ``crm_segment``.
    stages : list of str, optional
        Pipeline stages in order; ``None``: inferred (:func:`pipeline_stages`).
    closed_stages : sequence of str
        Stage labels that close a deal.
    size_bands : int, default 3
        Deal-size bands of equal counts.
    cohort_freq : {"M", "Q"}, default "M"
        Cohorts by month or quarter of creation.
    currency : str, default ""
        Used in the deal-size labels.

    Returns
    -------
    DealHistory

    Raises
    ------
    DataValidationError
        Outcomes not understood, closed deals without an outcome, or (with ``stages``
        given) stage labels that are neither a stage nor a closing label.

    Examples
    --------
    >>> h = deal_history(_example(), opportunity_stages=_example_stages(), as_of="2025-03-31")
    >>> h.deals[["opportunity_id", "outcome", "deal_stage", "furthest_index"]].to_string(index=False)
    'opportunity_id outcome deal_stage  furthest_index\\n            d1     won   proposal               3\\n            d2    lost  qualified               1\\n            d3    open       lead               0'
    >>> h.spells[["opportunity_id", "deal_stage", "days", "exit"]].to_string(index=False)
    'opportunity_id deal_stage  days     exit\\n            d1       lead   2.0 advanced\\n            d1  qualified   3.0 advanced\\n            d1   proposal   5.0      won\\n            d2       lead   1.0 advanced\\n            d2  qualified   4.0     lost\\n            d3       lead   7.0     open'
    """
    cutoff = _cutoff(as_of)
    as_of = pd.Timestamp(as_of).normalize()
    notes: list[str] = []
    closed_set = {str(c).strip().lower() for c in closed_stages}
    hist = (opportunity_stages[["opportunity_id", "stage", "entered_at"]] if opportunity_stages is not None
            else pd.DataFrame({"opportunity_id": pd.Series(dtype="str"), "stage": pd.Series(dtype="str"),
                               "entered_at": pd.Series(dtype="datetime64[ns]")}))
    hist = hist.loc[(hist["entered_at"] < cutoff).to_numpy()]  # nothing after the reference date
    stage_list = pipeline_stages(hist, stages=stages, closed_stages=closed_stages) if (
        stages is not None or len(hist)) else _stages_from_deals(opportunities, closed_set)
    index_of = {s.strip().lower(): i for i, s in enumerate(stage_list)}
    n_stages = len(stage_list)

    op = opportunities.loc[(opportunities["created_at"] < cutoff).to_numpy()].reset_index(drop=True)
    deal_ix = pd.Index(op["opportunity_id"])
    if not deal_ix.is_unique:
        dup = deal_ix[deal_ix.duplicated()].unique()
        raise DataValidationError([Problem(
            "opportunities", "opportunities table", "opportunity_id", f"{len(dup)} deal ID(s) used twice",
            expected="one row per deal", examples=[str(x) for x in dup[:5]], n_rows=len(dup))])
    n = len(op)
    # the history as integer arrays: deal position, stage label code, time (fast on millions of rows)
    pos = deal_ix.get_indexer(hist["opportunity_id"])
    codes, uniques = pd.factorize(hist["stage"])
    norm = [str(u).strip().lower() for u in uniques]
    closing_u = np.array([u in closed_set for u in norm] + [False])
    index_u = np.array([index_of.get(u, -1) for u in norm] + [-1])
    t = hist["entered_at"].to_numpy(dtype="datetime64[ns]")
    mine = pos >= 0
    pos, codes, t = pos[mine], codes[mine], t[mine]
    order = np.lexsort((t, pos))
    last_row = order[np.r_[pos[order][1:] != pos[order][:-1], True]] if len(order) else order
    last_code = np.full(n, -1, dtype=np.int64)
    last_code[pos[last_row]] = codes[last_row]
    last_entry = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    last_entry[pos[last_row]] = t[last_row]

    # ---- outcomes as exported, then as known on the reference date
    labels = np.asarray(list(uniques) + [None], dtype=object)
    last_label = pd.Series(labels[last_code], index=deal_ix, dtype=object)
    outcome = normalise_outcomes(op, last_stage=last_label)
    closed_at = (pd.to_datetime(op["closed_at"]) if "closed_at" in op
                 else pd.Series(pd.NaT, index=op.index, dtype="datetime64[ns]"))
    no_date = (outcome != "open") & closed_at.isna()
    if no_date.any():
        fallback = pd.Series(last_entry, index=op.index)
        closed_at = closed_at.where(~no_date, fallback.fillna(op["created_at"]))
        notes.append(f"{fmt.count(no_date.sum())} closed deal(s) without a close date: closed when their "
                     "last stage was entered")
    later = (outcome != "open") & (closed_at >= cutoff)
    outcome = outcome.where(~later, "open")
    closed_at = closed_at.where(outcome != "open")
    early = closed_at < op["created_at"]
    if early.any():
        notes.append(f"{fmt.count(early.sum())} deal(s) closed before they were created "
                     f"(e.g. {', '.join(op.loc[early, 'opportunity_id'].head(3))}): counted as closed on the day "
                     "they were created")
        closed_at = closed_at.where(~early, op["created_at"])

    # ---- pipeline spells: first entry of each new furthest stage, up to the cut-off
    closing = closing_u[codes]
    k_all = index_u[codes]
    unknown = ~closing & (k_all < 0)
    if unknown.any():
        bad = pd.Series(labels[codes[unknown]]).astype(str)
        raise DataValidationError([Problem(
            "opportunity_stages", "opportunity_stages table", "stage",
            f"{int(unknown.sum())} row(s) with a stage that is not in the pipeline",
            expected=f"one of the stages {', '.join(stage_list)} (analysis: funnel: stages) or a "
                     f"closing label ({', '.join(closed_stages)})",
            examples=sorted(bad.unique().tolist())[:5], n_rows=int(unknown.sum()))])
    p, k, t = pos[~closing], k_all[~closing].astype(np.int64), t[~closing]
    # deals without any pipeline stage start in their recorded stage when the deal was created
    has = np.zeros(n, dtype=bool)
    has[p] = True
    bare = np.flatnonzero(~has)
    if bare.size:
        rec = (_norm(op["stage"].iloc[bare]).map(index_of).fillna(0).to_numpy(dtype=np.int64) if "stage" in op
               else np.zeros(bare.size, dtype=np.int64))
        p = np.r_[p, bare]
        k = np.r_[k, rec]
        t = np.r_[t, op["created_at"].to_numpy(dtype="datetime64[ns]")[bare]]
        if opportunity_stages is not None and len(hist):
            notes.append(f"{fmt.count(bare.size)} deal(s) without a stage history: taken to be in their "
                         "recorded stage since they were created")
    order = np.lexsort((k, t, p))
    p, k, t = p[order], k[order], t[order]
    first = np.r_[True, p[1:] != p[:-1]] if p.size else np.zeros(0, dtype=bool)
    run_max = pd.Series(k).groupby(p).cummax().to_numpy()
    before = np.where(first, -1, np.r_[-1, run_max[:-1]])
    regress = k <= before
    if regress.any():
        notes.append(f"{fmt.count(regress.sum())} stage change(s) back to an earlier or the same stage "
                     "ignored: a deal stays at the furthest stage it reached")
    p, k, t = p[~regress], k[~regress], t[~regress]

    out_all = outcome.to_numpy()
    close_all = closed_at.to_numpy(dtype="datetime64[ns]")
    last = np.r_[p[1:] != p[:-1], True] if p.size else np.zeros(0, dtype=bool)
    nxt = np.r_[t[1:], np.datetime64("NaT")].astype("datetime64[ns]") if p.size else t
    out_arr = out_all[p]
    left = np.where(last, close_all[p], nxt)
    left = np.where(last & (out_arr == "open"), np.datetime64("NaT"), left).astype("datetime64[ns]")
    exit_ = np.where(~last, "advanced", out_arr)
    end = np.where(np.isnat(left), np.datetime64(cutoff, "ns"), left)
    days = (end - t) / np.timedelta64(1, "s") / 86_400
    if (days < 0).any():
        notes.append(f"{fmt.count((days < 0).sum())} stage(s) left before they were entered "
                     "(close date before the last stage change): counted as 0 days")
        days = np.maximum(days, 0.0)
    cat = pd.CategoricalDtype(stage_list, ordered=True)
    spells = pd.DataFrame({
        "opportunity_id": deal_ix.take(p).to_numpy(),
        "stage_index": k,
        "deal_stage": pd.Categorical.from_codes(k, dtype=cat),
        "entered_at": t,
        "left_at": left,
        "days": days,
        "exit": pd.Categorical(exit_, categories=list(EXITS)),
        "deal_key": p.astype(np.int64),
    })

    # ---- one row per deal (every deal has at least one spell)
    cur_k = np.zeros(n, dtype=np.int64)
    cur_k[p[last]] = k[last]
    cur_t = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    cur_t[p[last]] = t[last]
    cur_days = np.full(n, np.nan)
    cur_days[p[last]] = days[last]
    is_open = out_all == "open"
    furthest = np.where(out_all == "won", n_stages, cur_k)
    end_deal = closed_at.fillna(cutoff)
    deals = pd.DataFrame({
        "opportunity_id": op["opportunity_id"].to_numpy(),
        "owner": op["owner"].astype("str").to_numpy(),
        "customer_id": (op["customer_id"].to_numpy() if "customer_id" in op
                        else np.full(n, None, dtype=object)),
        "created_at": op["created_at"].to_numpy(),
        "amount": (op["amount"].astype(float).to_numpy() if "amount" in op else np.full(n, np.nan)),
        "outcome": pd.Categorical(out_all, categories=list(OUTCOMES)),
        "closed_at": closed_at.to_numpy(),
        "furthest_index": furthest.astype(np.int64),
        "deal_stage": pd.Categorical.from_codes(cur_k, dtype=cat),
        "stage_entered_at": cur_t,
        "days_in_stage": np.where(is_open, cur_days, np.nan),
        "age_days": ((end_deal - op["created_at"]).dt.total_seconds() / 86_400).clip(lower=0).to_numpy(),
    })
    deals["cohort"] = deals["created_at"].dt.to_period(cohort_freq).astype(str).to_numpy()
    deals["deal_size"] = _size_bands(deals["amount"], size_bands, currency).to_numpy()
    deals["deal_key"] = np.arange(n, dtype=np.int64)
    if customers is not None and "customer_id" in customers and deals["customer_id"].notna().any():
        c = customers.drop_duplicates("customer_id").set_index("customer_id")
        at = c.index.get_indexer(deals["customer_id"])
        for col in ("acquisition_channel", "crm_segment"):
            if col in c:
                values = np.r_[c[col].astype("str").to_numpy(dtype=object), np.array([None], dtype=object)]
                deals[col] = pd.Series(values[at], dtype=object).fillna("unknown").to_numpy()
    return DealHistory(deals=deals, spells=spells, stages=stage_list, as_of=as_of, notes=notes)


def _stages_from_deals(opportunities: pd.DataFrame, closed: set[str]) -> list[str]:
    """Stages when there is no history: the distinct ``stage`` labels, most deals first."""
    if "stage" not in opportunities:
        return ["open"]
    s = opportunities["stage"].dropna().astype(str)
    s = s[~s.str.strip().str.lower().isin(closed)]
    return s.value_counts().index.tolist() or ["open"]


def _example() -> pd.DataFrame:
    """Three deals used in the docstring examples (and the tests)."""
    return pd.DataFrame({
        "opportunity_id": ["d1", "d2", "d3"],
        "customer_id": ["c1", "c2", "c3"],
        "owner": ["Ann", "Bo", "Ann"],
        "created_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-03-25"]),
        "stage": ["closed", "closed", "lead"],
        "amount": [100.0, 50.0, 80.0],
        "closed_at": pd.to_datetime(["2025-01-11", "2025-01-07", None]),
        "outcome": ["won", "lost", "open"],
    })


def _example_stages() -> pd.DataFrame:
    return pd.DataFrame({
        "opportunity_id": ["d1", "d1", "d1", "d1", "d2", "d2", "d2", "d3"],
        "stage": ["lead", "qualified", "proposal", "closed", "lead", "qualified", "closed", "lead"],
        "entered_at": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-06", "2025-01-11",
                                      "2025-01-02", "2025-01-03", "2025-01-07", "2025-03-25"]),
    })
