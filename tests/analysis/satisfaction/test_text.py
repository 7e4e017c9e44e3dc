"""Feedback text: Chinese segmentation, stop-words, masking, distinctive terms, examples."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis import satisfaction as sat


# --------------------------------------------------------------------------- segmentation
@pytest.mark.parametrize("text, words", [
    ("物流很快，包装很好", ["物流", "很快", "包装", "很", "好"]),
    ("客服态度不好", ["客服", "态度", "不好"]),
    ("质量很差", ["质量", "很差"]),
    ("我们在北京买了一台电脑", ["我们", "在", "北京", "买", "了", "一台", "电脑"]),
    ("Fast delivery, won't buy again!", ["fast", "delivery", "won't", "buy", "again"]),
    ("物流很快 but the box was damaged", ["物流", "很快", "but", "the", "box", "was", "damaged"]),
])
def test_segmentation_of_known_sentences(text, words):
    assert sat.segment(text) == words


def test_tokenize_drops_stop_words_punctuation_digits_and_single_letters():
    assert sat.tokenize(["我们在北京买了一台电脑", "I got it in 3 days, a great deal"]) == [
        ["北京", "买", "一台", "电脑"], ["days", "great", "deal"]]
    assert sat.tokenize([None, "", "，。!"]) == [[], [], []]
    sw = sat.stop_words()
    assert {"的", "了", "the", "and"} <= sw and not {"不好", "慢", "never", "late"} & sw


def test_language_of_comments():
    assert sat.language(["非常满意", "Great", "ok 好", "12345", None]).tolist() == ["zh", "en", "zh", "", ""]


# --------------------------------------------------------------------------- masking
def test_mask_text_phones_emails_and_names():
    comments = pd.Series([
        "请回电 13812345678", "call +86 138-1234-5678 please", "0086 138 1234 5678", "座机 021-62345678",
        "mail me: Li.Na+crm@qq.com", "我是王芳，很失望", "Wang Fang here", "order 2024 was fine", None])
    names = pd.Series(["张伟", None, None, None, None, "王芳", "Wang Fang", "Li Lei", None])
    out = sat.mask_text(comments, names=names)
    assert out.tolist()[:7] == [
        "请回电 138****5678", "call 861****5678 please", "008****5678", "座机 021****5678",
        "mail me: L***@qq.com", "我是王**，很失望", "W** here"]
    assert out[7] == "order 2024 was fine"  # a year is not a phone number
    assert out[8] is None or (isinstance(out[8], float) and math.isnan(out[8]))
    assert sat.find_pii(out.dropna(), pd.DataFrame({"name": ["王芳", "Wang Fang"],
                                                    "phone": ["13812345678", "02162345678"]})) == 0
    assert sat.find_pii(comments.dropna(), pd.DataFrame({"name": ["王芳"], "phone": ["13812345678"]})) == 2


# --------------------------------------------------------------------------- distinctive terms
def test_term_counts_per_group_each_distinct_text_segmented_once():
    c = sat.term_counts(pd.Series(["物流太慢了", "物流太慢了", "物流很快", None]),
                        pd.Series(["det", "det", "pro", "pro"]))
    assert c.loc["物流", ["det", "pro"]].tolist() == [2, 1]
    assert c.loc["太慢", "det"] == 2 and c.loc["很快", "pro"] == 1
    assert set(c["language"]) == {"zh"}


def test_log_odds_with_informative_prior_by_hand():
    counts = pd.DataFrame({"pro": [30, 10, 0], "det": [5, 10, 15], "language": "en"},
                          index=pd.Index(["great", "delivery", "late"], name="term"))
    t = sat.distinctive_terms(counts, group="pro", other="det", prior_scale=10, min_count=1, min_z=0)
    total = np.array([35, 20, 15.0])
    aw = 10 * total / total.sum()
    ni, nj = 40, 30
    yi, yj = np.array([30, 10, 0.0]), np.array([5, 10, 15.0])
    delta = np.log((yi + aw) / (ni + 10 - yi - aw)) - np.log((yj + aw) / (nj + 10 - yj - aw))
    z = delta / np.sqrt(1 / (yi + aw) + 1 / (yj + aw))
    got = t.set_index("term")
    assert got.loc["great", "z"] == pytest.approx(z[0]) and got.loc["great", "side"] == "pro"
    assert got.loc["late", "z"] == pytest.approx(-z[2]) and got.loc["late", "side"] == "det"
    assert got.loc["late", "log_odds"] == pytest.approx(-delta[2])
    assert "delivery" not in got.index or got.loc["delivery", "z"] < 1  # used alike by both


@pytest.fixture(scope="module")
def planted_corpus():
    """Promoters and detractors in both languages; "delivery"/"物流" shared by everyone."""
    rng = np.random.default_rng(11)
    pro = ["Fast delivery, love it", "Great quality, fast delivery", "物流很快，非常满意", "质量很好，物流不错"]
    det = ["Delivery was late", "Late delivery and broken box", "物流太慢了", "质量很差，物流太慢"]
    pas = ["Delivery was ok", "物流一般"]
    texts, groups = [], []
    for pool, g, n in ((pro, "promoter", 400), (det, "detractor", 150), (pas, "passive", 200)):
        texts += list(np.asarray(pool)[rng.integers(0, len(pool), n)])
        groups += [g] * n
    # a word a detractor used twice: frequent-word lists would show it, the prior must not
    texts += ["Xylophone noise", "xylophone again"]
    groups += ["detractor", "detractor"]
    return pd.Series(texts), pd.Series(groups)


def test_distinctive_terms_on_a_planted_corpus(planted_corpus):
    texts, groups = planted_corpus
    counts = sat.term_counts(texts, groups)
    t = sat.distinctive_terms(counts, group="promoter", other="detractor", prior_scale=500, min_count=1, top=3)
    top = {(s, lang): list(g["term"]) for (s, lang), g in t.groupby(["side", "language"])}
    assert set(top[("promoter", "en")]) <= {"fast", "love", "great", "quality"}
    assert "fast" in top[("promoter", "en")]
    assert "late" == top[("detractor", "en")][0]
    assert set(top[("detractor", "zh")]) <= {"太慢", "很差", "慢"} and "太慢" in top[("detractor", "zh")]
    assert {"满意", "很快"} & set(top[("promoter", "zh")])
    everything = set(t["term"])
    assert not {"delivery", "物流", "xylophone"} & everything  # shared words and a rare word are not themes
    assert (t["z"] >= 1.96).all()


def test_theme_examples_come_from_the_group_and_are_masked(planted_corpus):
    texts, groups = planted_corpus
    texts = pd.concat([texts, pd.Series(["Late again, call 13812345678"])], ignore_index=True)
    groups = pd.concat([groups, pd.Series(["detractor"])], ignore_index=True)
    masked = sat.mask_text(texts)
    counts = sat.term_counts(masked, groups)
    terms = sat.distinctive_terms(counts, group="promoter", other="detractor", min_count=1, top=2)
    ex = sat.theme_examples(masked, groups, terms, k=3)
    late = ex.set_index("term").loc["late", "examples"]
    assert len(late) == 3 and len(set(late)) == 3
    assert all("late" in sat.tokenize([e])[0] for e in late)
    assert "Late again, call 138****5678" in late and not any("13812345678" in e for e in late)
    for side, examples in zip(ex["side"], ex["examples"]):
        pool = set(texts[groups == side].map(lambda x: sat.mask_text(pd.Series([x]))[0]))
        assert set(examples) <= pool
