"""Risk level and reasons (liuan_eval/text/risk.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.text.risk import assess_risk, load_lexicon


def test_planted_reasons_and_levels():
    m = pd.DataFrame({
        "user": ["u1", "u1", "u2", "u3", None, None],
        "unit": ["金安区", "金安区", "裕安区", "裕安区", "裕安区", "裕安区"],
        "topic": ["城乡建设"] * 6,
        "title": ["小区路灯坏了", "小区路灯还是坏的", "工地拖欠工资三个月", "建议增开公交", "化工厂偷排废水", "咨询"],
        "text": ["", "", "几十人聚集讨薪", "", "", ""],
    })
    r = assess_risk(m, pd.Series(["negative", "negative", "negative", "neutral", "neutral", "neutral"]))
    assert r["risk_reasons"].tolist() == ["负面情绪；重复投诉", "负面情绪；重复投诉", "负面情绪；群体性事件；拖欠工资", "",
                                          "环境污染", ""]
    assert r["risk_level"].tolist() == ["medium", "medium", "high", "none", "low", "none"]
    # users missing: never a repeated complaint
    assert "重复投诉" not in r["risk_reasons"].iloc[4]


def test_editable_lexicon(tmp_path):
    p = tmp_path / "lex.toml"
    p.write_text('[flood]\nlabel = "内涝"\nweight = 2\nwords = ["积水", "内涝"]\n', encoding="utf-8")
    cats = load_lexicon(p)
    assert [c.label for c in cats] == ["内涝"]
    r = assess_risk(pd.DataFrame({"title": ["路口积水严重", "路灯"]}), lexicon=p)
    assert r["risk_reasons"].tolist() == ["内涝", ""]
    assert r["risk_level"].tolist() == ["medium", "none"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[x]\nlabel = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml.*words"):
        load_lexicon(bad)


def test_no_text_columns_and_empty_table():
    assert assess_risk(pd.DataFrame({"title": pd.Series([], dtype="str")})).empty
    r = assess_risk(pd.DataFrame({"title": [None, ""]}))
    assert r["risk_level"].tolist() == ["none", "none"]


def test_shipped_lexicon_covers_the_issue():
    labels = {c.label for c in load_lexicon()}
    assert {"群体性事件", "安全隐患或事故", "信访投诉", "征地拆迁", "拖欠工资", "环境污染", "校园事件", "医疗纠纷"} <= labels
