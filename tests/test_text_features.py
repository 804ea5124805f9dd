"""Text preparation (liuan_eval/text/features.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from liuan_eval.text.features import as_title_body, jieba_tokens, joined, normalize_text


def test_normalize_padding_zero_width_fullwidth_and_na():
    s = pd.Series(["\n\t\t 尊敬的\u200b领导  ", None, "ＡＢＣ１２３", pd.NA])
    assert normalize_text(s).tolist() == ["尊敬的领导", "", "ABC123", ""]


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
