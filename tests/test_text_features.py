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


def test_space_class_is_pythons_whitespace():
    import re
    import sys

    from liuan_eval.text.features import _SPACE_CHARS

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert "".join(re.findall(r"[\s\u3000]", every)) == _SPACE_CHARS


def _model_text_python(values: pd.Series) -> pd.Series:
    """model_text as it was written, with Python's \\s (the reference of the pyarrow spelling)."""
    import re

    from liuan_eval.text.features import _FULLWIDTH

    def one(t):
        t = re.sub("[\u200b\u200c\u200d\u2060\ufeff]", "", "" if pd.isna(t) else str(t)).translate(_FULLWIDTH)
        return re.sub(r"[\s\u3000]+", " ", t)

    return pd.Series([one(t) for t in values], index=values.index, dtype="str").str.strip()


def test_model_text_exotic_whitespace_and_idempotent():
    s = pd.Series(["a\x0b\x1c b", "\u2003甲\u3000\u3000乙\x85", "\u205f", "x\u200b \u200by", "Ｘ\u2028１", None,
                   "\u180e边\u180e", "a\t\n\r\x0c b"], dtype="str")
    out = model_text(s)
    pd.testing.assert_series_equal(out, _model_text_python(s))
    pd.testing.assert_series_equal(model_text(out), out)


def test_row_sums_equal_scipy_sum_bit_for_bit():
    import scipy.sparse as sp

    from liuan_eval.text.features import row_sums

    rng = np.random.default_rng(3)
    for n, m, density in [(50, 40, 0.1), (200, 7, 0.5), (5, 300, 0.02), (30, 30, 0.0), (1, 1, 1.0)]:
        X = sp.random(n, m, density=density, format="csr", dtype=np.float32, random_state=rng)
        X.data = (X.data * 10).astype(np.float32)
        for r in range(0, n, 3):  # empty rows
            X.data[X.indptr[r]:X.indptr[r + 1]] = 0
        X.eliminate_zeros()
        ref = np.asarray(X.multiply(X).sum(axis=1)).ravel()
        got = row_sums(X.data * X.data, X.indptr)
        assert got.dtype == ref.dtype == np.float32
        assert np.array_equal(got.view(np.uint32), ref.view(np.uint32))


def _transform_reference(v, texts):
    """CharNgramTfidf.transform as first written: searchsorted, COO + sum_duplicates, X.multiply(X)."""
    import scipy.sparse as sp

    row, key, n = v._keys(texts, v.chars_)
    col = np.minimum(np.searchsorted(v.vocabulary_, key), len(v.vocabulary_) - 1)
    found = v.vocabulary_[col] == key
    X = sp.csr_matrix((np.ones(int(found.sum()), dtype=np.float32), (row[found], col[found])),
                      shape=(n, len(v.vocabulary_)))
    X.sum_duplicates()
    if v.sublinear_tf:
        X.data = 1 + np.log(X.data)
    X.data *= v.idf_[X.indices]
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    X.data /= np.repeat(norms, np.diff(X.indptr)).astype(np.float32)
    return X


@pytest.mark.parametrize("lut", [True, False])
def test_char_ngram_transform_equals_reference_bit_for_bit(monkeypatch, lut):
    from liuan_eval.text import features
    from liuan_eval.text.features import CharNgramTfidf

    if not lut:  # the searchsorted path of large key spaces
        monkeypatch.setattr(features, "_KEY_LUT_MAX", 0)
    rng = np.random.default_rng(5)
    alphabet = np.array(list("路灯坏了公交车太少学校收费abcXYZ12 ，。"))
    texts = ["".join(rng.choice(alphabet, rng.integers(0, 30))) for _ in range(400)]
    fit, new = texts[:300], texts[300:] + ["", "完全没见过的字", "灯", "路灯路灯路灯"]
    for params in [{"ngram_range": (1, 2)}, {"ngram_range": (2, 2)}, {"ngram_range": (1, 3), "min_df": 2},
                   {"ngram_range": (1, 1), "sublinear_tf": False}]:
        v = CharNgramTfidf(**params).fit(fit)
        for batch in (new, fit, ["", ""]):
            A, B = _transform_reference(v, batch), v.transform(batch)
            assert A.shape == B.shape and A.dtype == B.dtype
            assert np.array_equal(A.indptr, B.indptr) and np.array_equal(A.indices, B.indices)
            assert np.array_equal(A.data.view(np.uint32), B.data.view(np.uint32))


def test_model_texts_pass_through():
    from liuan_eval.text.features import ModelTexts

    t, b = as_title_body(ModelTexts(["路灯", ""], ["坏了", "无题"]))
    assert (t.tolist(), b.tolist()) == (["路灯", ""], ["坏了", "无题"])
    with pytest.raises(ValueError, match="one length"):
        ModelTexts(["a"], ["b", "c"])
