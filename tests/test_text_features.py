"""Text preparation (liuan_eval/text/features.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from liuan_eval.text.features import as_title_body, jieba_tokens, joined, model_text


def test_normalize_padding_zero_width_fullwidth_and_na():
    s = pd.Series(["\n\t\t 尊敬的\u200b领导  ", None, "ＡＢＣ１２３", pd.NA])
    assert model_text(s).tolist() == ["尊敬的领导", "", "ABC123", ""]


def test_as_title_body_shapes():
    t, b = as_title_body(pd.DataFrame({"title": ["标题"], "text": [" 正文 "]}))
    assert (t.tolist(), b.tolist()) == (["标题"], ["正文"])
    t, b = as_title_body(np.array([["标题", "正文"]], dtype=object))
    assert (t.tolist(), b.tolist()) == (["标题"], ["正文"])
    t, b = as_title_body(pd.Series(["只有正文"]))
    assert (t.tolist(), b.tolist()) == ([""], ["只有正文"])
    with pytest.raises(ValueError, match="shape"):
        as_title_body(np.zeros((2, 3, 4)))


def test_jieba_tokens_and_join():
    assert "停车费" in jieba_tokens("物业乱收停车费！！")
    assert joined(["", "甲"], ["乙", ""]).tolist() == ["乙", "甲"]


def test_char_ngram_tfidf_matches_sklearn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from liuan_eval.text.features import CharNgramTfidf

    texts = ["小区路灯坏了一个月", "路灯不亮，晚上很黑", "公交车太少了", "ABC路灯", "", "公交车晚点"] * 2
    for ng, min_df in [((1, 2), 1), ((1, 3), 2), ((2, 2), 1)]:
        ref = TfidfVectorizer(analyzer="char", ngram_range=ng, min_df=min_df, sublinear_tf=True)
        A = ref.fit_transform(texts)
        B = CharNgramTfidf(ngram_range=ng, min_df=min_df).fit_transform(texts)
        assert A.shape == B.shape
        np.testing.assert_allclose((A @ A.T).toarray(), (B @ B.T).toarray(), atol=1e-5)
    v = CharNgramTfidf().fit(["路灯"])
    assert v.transform(["完全没见过的字"]).nnz == 0
    with pytest.raises(ValueError, match="ngram_range"):
        CharNgramTfidf(ngram_range=(1, 4)).fit(["路灯"])
