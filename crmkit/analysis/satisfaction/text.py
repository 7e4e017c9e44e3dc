"""Feedback text in Chinese and English: masking, word segmentation, distinctive terms.

**Masking.** Comments may carry a customer's name, phone number or e-mail address.
:func:`mask_text` replaces phone numbers (Chinese mobiles with or without ``+86`` and
separators, landlines, any run of 7+ digits), e-mail addresses and the customer's own
name (when names are given) with masked forms (``138****5678``, ``l***@qq.com``,
``W**``), the same masks as the data-quality report. Comments are masked *before*
they are segmented, so a name can never become a theme word.

**Segmentation.** Chinese has no spaces between words: runs of Chinese characters
are segmented with jieba (``jieba.lcut``, its default dictionary and HMM for unknown
words); Latin text is split into lower-case words. Words in the built-in stop-word
list (``stopwords.txt`` next to this module, Chinese and English, editable data),
punctuation, digits and single Latin letters are dropped. Each distinct run of Chinese
characters is segmented once and remembered, so a million comments that share their
clauses cost little more than the distinct clauses.

**Distinctive terms** (Monroe, Colaresi & Quinn 2008, "Fightin' words", eq. 16-22):
for a word ``w`` used ``y_iw`` times by group *i* (``n_i`` words in all) and
``y_jw`` times by group *j*, with an informative Dirichlet prior ``a_w = a_0 * f_w``
(``f_w`` the word's share of the whole corpus, ``a_0`` the prior's weight in
pseudo-words)::

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w))
              - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
    var(delta_w) ~ 1 / (y_iw + a_w) + 1 / (y_jw + a_w)

and the word is ranked by ``z = delta_w / sqrt(var)``. Frequent words shared by both
groups get z near 0; rare words are shrunk towards the corpus, so a word said twice by
one group does not top the list.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ...data.cleaning import mask_pii

__all__ = [
    "stop_words",
    "mask_text",
    "segment",
    "tokenize",
    "language",
    "term_counts",
    "distinctive_terms",
    "theme_examples",
    "find_pii",
]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[a-z]+(?:'[a-z]+)?")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)"
                    r"|(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)"
                    r"|(?<!\d)\d(?:[\s-]?\d){6,}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Punctuation and line breaks end a clause; no word crosses them (see :func:`segment`), so
# counting words clause by clause gives the same counts as text by text, and a corpus
# whose comments share clauses is segmented once per distinct clause.
_CLAUSE_BREAK = r"[，。！？；：、,.!?;:\n\r\t]+"


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The built-in stop-words (Chinese and English) from ``stopwords.txt``."""
    text = resources.files(__package__).joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def mask_text(texts, *, names=None) -> pd.Series:
    """Mask phone numbers, e-mail addresses and customer names in free text.

    Parameters
    ----------
    texts : Series of str
        Comments (missing values stay missing).
    names : Series of str, optional
        Aligned with ``texts``: the name of the customer who wrote each comment
        (from ``customers.name``); occurrences are masked.

    Returns
    -------
    Series of str
        Same index.

    Examples
    --------
    >>> s = pd.Series(["我是王芳，请回电 138 1234 5678", "mail li.na@qq.com", "Great"])
    >>> mask_text(s, names=pd.Series(["王芳", "Li Na", None])).tolist()
    ['我是王**，请回电 138****5678', 'mail l***@qq.com', 'Great']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    s = pd.Series(texts)
    values = s.astype(object).to_numpy(dtype=object).copy()
    present = s.notna().to_numpy()
    values[~present] = None
    arr = pa.array(values, type=pa.string(), from_pandas=True)

    def rows(mask) -> np.ndarray:
        return np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))

    for i in rows(pc.match_substring_regex(arr, r"\d{3}")):  # regexes only where they can match
        values[i] = _PHONE.sub(lambda m: mask_pii(m.group(0), "phone"), values[i])
    for i in rows(pc.match_substring(arr, "@")):
        values[i] = _EMAIL.sub(lambda m: mask_pii(m.group(0), "email"), values[i])
    if names is not None:
        nm = pd.Series(names).reindex(s.index)
        nm = nm.where(nm.notna(), "").astype("string[pyarrow]").str.strip().to_numpy(dtype=object)
        hit = [i for i, (t, n) in enumerate(zip(values, nm)) if n and t is not None and n in t]
        for i in hit:
            values[i] = values[i].replace(nm[i], mask_pii(nm[i], "name"))
    return pd.Series(values, index=s.index, dtype=object)


def _jieba():
    import warnings

    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources, which setuptools now flags as deprecated
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines in report cells
    return jieba


@lru_cache(maxsize=200_000)
def _segment_run(run: str) -> tuple[str, ...]:
    return tuple(_jieba().lcut(run, HMM=True))


def segment(text: str) -> list[str]:
    """Split one text into words: jieba for Chinese runs, lower-case words for Latin.

    No stop-words are removed (see :func:`tokenize`).

    Examples
    --------
    >>> segment("物流很快，Fast delivery!")
    ['物流', '很快', 'fast', 'delivery']
    """
    out: list[str] = []
    for m in _RUNS.finditer(str(text).lower()):
        run = m.group(0)
        if run[0].isascii():
            out.append(run)
        else:
            out.extend(_segment_run(run))
    return out


def tokenize(texts, *, stop=None) -> list[list[str]]:
    """Words of each text without stop-words and single Latin letters.

    Parameters
    ----------
    texts : iterable of str
    stop : set of str, optional
        Stop-words (default :func:`stop_words`).

    Examples
    --------
    >>> tokenize(["质量很好，会回购", "I love the quality"])
    [['质量', '好', '回购'], ['love', 'quality']]
    """
    stop = stop_words() if stop is None else stop
    out = []
    for t in texts:
        words = segment(t) if isinstance(t, str) else []
        out.append([w for w in words if w not in stop and not (len(w) == 1 and w.isascii())])
    return out


def language(texts) -> np.ndarray:
    """``zh`` for text with Chinese characters, ``en`` for other text with letters, else ``""``.

    Examples
    --------
    >>> language(["物流很快", "Fast", "123", None]).tolist()
    ['zh', 'en', '', '']
    """
    s = pd.Series(texts, dtype=object)
    txt = s.where(s.notna(), "").astype(str)
    zh = txt.str.contains(_HAS_CJK, regex=True).to_numpy()
    en = txt.str.contains(r"[A-Za-z]", regex=True).to_numpy()
    return np.where(zh, "zh", np.where(en, "en", ""))


def _clauses(texts) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Split texts into lower-case clauses (vectorised in Arrow).

    Returns ``pos`` (index of the text of each clause), ``code`` (index of the clause in
    ``uniques``) and ``uniques`` (the distinct clauses).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(np.asarray(texts, dtype=object), type=pa.string())
    parts = pc.split_pattern_regex(pc.utf8_lower(arr), pattern=_CLAUSE_BREAK)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
    pos = pc.list_parent_indices(parts).to_numpy()
    keep = pc.greater(pc.utf8_length(flat), 0)
    flat, pos = flat.filter(keep), pos[keep.to_numpy(zero_copy_only=False)]
    enc = pc.dictionary_encode(flat)
    return pos.astype(np.int64), enc.indices.to_numpy().astype(np.int64), enc.dictionary.to_pylist()


def _text_groups(texts, groups):
    """Distinct (text, group) pairs with their counts, most common first (ties: first seen)."""
    t = pd.Series(texts).astype(object)
    g = pd.Series(groups, index=t.index).astype(object)
    ok = (t.notna() & g.notna()).to_numpy()
    tc, tu = pd.factorize(t[ok].astype(str).to_numpy(dtype=object))
    gc, gu = pd.factorize(g[ok].to_numpy(dtype=object))
    k = max(len(gu), 1)
    combo, first, n = np.unique(tc.astype(np.int64) * k + gc, return_index=True, return_counts=True)
    order = np.lexsort((first, -n))
    combo, n = combo[order], n[order]
    return np.asarray(tu, dtype=object)[combo // k], np.asarray(gu, dtype=object)[combo % k], n


def term_counts(texts, groups) -> pd.DataFrame:
    """How often each word is used by each group.

    Texts are split into clauses at punctuation (no word crosses it) and each distinct
    clause is segmented once (:func:`tokenize`).

    Parameters
    ----------
    texts : Series of str
        Comments (already masked); missing or empty ones are skipped.
    groups : Series
        Group of each comment (e.g. promoter / passive / detractor), aligned.

    Returns
    -------
    DataFrame
        Index ``term``, one int column per group, plus ``language`` (``zh`` / ``en``).

    Examples
    --------
    >>> term_counts(pd.Series(["fast delivery", "late delivery", "late"]),
    ...             pd.Series(["pro", "det", "det"])).sort_index()
              det  pro language
    term
    delivery    1    1       en
    fast        0    1       en
    late        2    0       en
    """
    empty = pd.DataFrame(columns=["language"], index=pd.Index([], name="term"))
    text, group, n = _text_groups(texts, groups)
    if len(text) == 0:
        return empty
    group_names = list(pd.unique(group))
    gcode = pd.Index(group_names).get_indexer(group)
    pos, code, uniq = _clauses(text)
    k = len(group_names)
    per_clause = np.bincount(code * k + gcode[pos], weights=n[pos], minlength=len(uniq) * k).reshape(-1, k)
    tokens = tokenize(uniq)
    clause_of = np.repeat(np.arange(len(uniq)), [len(w) for w in tokens])
    words = [w for ws in tokens for w in ws]
    if not words:
        return empty
    term_code, terms = pd.factorize(np.asarray(words, dtype=object))
    out = np.zeros((len(terms), k))
    np.add.at(out, term_code, per_clause[clause_of])
    counts = pd.DataFrame(out.astype(np.int64), index=pd.Index(terms, name="term"), columns=group_names)
    counts = counts.loc[counts.sum(axis=1) > 0, sorted(group_names, key=str)]
    counts["language"] = language(counts.index.to_numpy())
    return counts


def distinctive_terms(counts: pd.DataFrame, *, group: str, other: str, prior_scale: float = 500.0,
                      min_count: int = 5, top: int = 6, by_language: bool = True,
                      min_z: float = 1.96) -> pd.DataFrame:
    """The words that set ``group`` apart from ``other`` (and the other way round).

    Log-odds ratio with an informative Dirichlet prior (see the module docstring); the
    prior is the whole corpus in ``counts`` (every group, e.g. passives too).

    Parameters
    ----------
    counts : DataFrame
        Output of :func:`term_counts`.
    group, other : str
        The two columns compared (e.g. ``"promoter"``, ``"detractor"``).
    prior_scale : float, default 500
        Weight of the prior in pseudo-words (``a_0``).
    min_count : int, default 5
        Words used fewer times in the whole corpus are left out.
    top : int, default 6
        Words kept per side (and per language with ``by_language``).
    by_language : bool, default True
        Rank Chinese and English words separately, so both languages are shown.
    min_z : float, default 1.96
        Words whose z-score is below this (not distinctive beyond the noise) are left out.

    Returns
    -------
    DataFrame
        Columns ``side`` (``group`` or ``other``: who uses the word more), ``language``,
        ``term``, ``count`` (uses by that side), ``count_other`` (by the other side),
        ``log_odds`` (delta, positive towards ``side``), ``z``; sorted by side, language
        and decreasing z. Empty when a group has no words.
    """
    cols = ["side", "language", "term", "count", "count_other", "log_odds", "z"]
    if counts.empty or group not in counts or other not in counts:
        return pd.DataFrame(columns=cols)
    num = counts.drop(columns=["language"]).astype(float)
    total = num.sum(axis=1)
    keep = total >= min_count
    num, total, lang = num[keep], total[keep], counts.loc[keep, "language"]
    yi, yj = num[group], num[other]
    ni, nj = yi.sum(), yj.sum()
    if ni == 0 or nj == 0:
        return pd.DataFrame(columns=cols)
    a0 = float(prior_scale)
    aw = a0 * total / total.sum()
    delta = (np.log((yi + aw) / (ni + a0 - yi - aw)) - np.log((yj + aw) / (nj + a0 - yj - aw)))
    z = delta / np.sqrt(1 / (yi + aw) + 1 / (yj + aw))
    table = pd.DataFrame({"term": num.index, "language": lang.to_numpy(), "yi": yi.to_numpy(),
                          "yj": yj.to_numpy(), "delta": delta.to_numpy(), "z": z.to_numpy()})
    out = []
    for side, sign, mine, theirs in ((group, 1, "yi", "yj"), (other, -1, "yj", "yi")):
        t = table.assign(zs=sign * table["z"], ds=sign * table["delta"])
        t = t.loc[(t["zs"] >= min_z) & (t[mine] > 0)]
        keys = ["language"] if by_language else []
        t = t.sort_values(keys + ["zs"], ascending=[True] * len(keys) + [False], kind="stable")
        t = t.groupby(keys, sort=True).head(top) if keys else t.head(top)
        out.append(pd.DataFrame({"side": side, "language": t["language"], "term": t["term"],
                                 "count": t[mine].astype(np.int64), "count_other": t[theirs].astype(np.int64),
                                 "log_odds": t["ds"], "z": t["zs"]}))
    return pd.concat(out, ignore_index=True)[cols]


def theme_examples(texts, groups, terms: pd.DataFrame, *, k: int = 3) -> pd.DataFrame:
    """Up to ``k`` example comments per distinctive term, most common first.

    Parameters
    ----------
    texts : Series of str
        The comments, **already masked** (:func:`mask_text`).
    groups : Series
        Group of each comment, aligned.
    terms : DataFrame
        Output of :func:`distinctive_terms`: examples come from the comments of the
        term's ``side`` that contain the term.
    k : int, default 3

    Returns
    -------
    DataFrame
        ``terms`` with an ``examples`` column (a list of distinct comments; among
        equally common ones, the first seen).
    """
    text, group, _n = _text_groups(texts, groups)
    examples: dict[tuple, list[str]] = {}
    for side in pd.unique(terms["side"]):
        texts_side = text[group == side]  # most common first
        if len(texts_side) == 0:
            continue
        pos, code, uniq = _clauses(texts_side)
        words = [set(w) for w in tokenize(uniq)]
        for term in terms.loc[terms["side"] == side, "term"]:
            with_term = np.flatnonzero([term in w for w in words])
            hits = np.unique(pos[np.isin(code, with_term)])[:k]
            examples[(side, term)] = [str(x) for x in texts_side[hits]]
    return terms.assign(examples=[examples.get((s_, w_), []) for s_, w_ in zip(terms["side"], terms["term"])])


def find_pii(texts, customers: pd.DataFrame) -> int:
    """How many customers' names, phones or e-mails occur in ``texts`` (0 means nothing leaked).

    Phones are compared by their digits (any separators in the text are ignored).

    Examples
    --------
    >>> c = pd.DataFrame({"name": ["Wang Fang"], "phone": ["13812345678"], "email": ["w@qq.com"]})
    >>> find_pii(["call 138 1234 5678"], c), find_pii(["W** called"], c)
    (1, 0)
    """
    text = " ".join(str(t) for t in texts if isinstance(t, str))
    digits = re.sub(r"\D", "", text)
    found = 0
    for col in ("name", "phone", "email"):
        if col not in customers.columns:
            continue
        for v in customers[col].dropna().astype(str).unique():
            v = v.strip()
            if not v:
                continue
            if col == "phone":
                d = re.sub(r"\D", "", v)
                found += bool(len(d) >= 7 and d in digits)
            else:
                found += v in text
    return found
