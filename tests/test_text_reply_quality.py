"""Reply quality (liuan_eval/text/reply_quality.py)."""
from __future__ import annotations

import pandas as pd

from liuan_eval.text.reply_quality import REPLY_COLUMNS, assess_replies


def _frame():
    stock = "您好，您的留言已收悉。感谢您对我们工作的关注和支持。"
    return pd.DataFrame({
        "title": ["东街路灯不亮", "小区垃圾没人清运", "公交车太少", "学校收费", "噪音扰民", "医院排队", "无人答复"],
        "text": ["东街路灯坏了一个月", "垃圾堆了一周", "", "", "", "", "请处理"],
        "reply_text": ["经核查，东街路灯线路老化，已于5月3日维修完毕，恢复照明。",
                       "您反映的小区垃圾问题，城管局已安排专人清运，本周内完成。",
                       stock, stock, stock, stock, None],
    })


def test_planted_good_and_boilerplate_replies():
    r = assess_replies(_frame())
    assert list(r.columns) == REPLY_COLUMNS
    assert r["reply_has_action"].tolist()[:2] == [True, True]
    assert r["reply_has_time"].tolist()[:2] == [True, True]
    assert r["reply_completeness"].tolist()[:3] == [1.0, 1.0, 0.0]
    assert r["reply_is_boilerplate"].tolist()[:6] == [False, False, True, True, True, True]
    assert r.loc[0, "reply_relevance"] > r.loc[2, "reply_relevance"]
    assert r.loc[0, "reply_quality"] > 0.6 > r.loc[2, "reply_quality"]


def test_unanswered_is_na_and_missing_column():
    r = assess_replies(_frame())
    assert r.iloc[6].isna().all()
    r2 = assess_replies(pd.DataFrame({"title": ["a"]}))
    assert r2.iloc[0].isna().all() and list(r2.columns) == REPLY_COLUMNS


def test_recurring_clause_counted_across_chunks(monkeypatch):
    """A clause repeated in replies that fall in different chunks is still recurring."""
    import liuan_eval.text.reply_quality as rq

    recurring = "本单位将持续跟进此事并及时公开结果"  # not a stock phrase: only its recurrence marks it
    replies = [f"{recurring}。第{i}号事项今日办结" for i in range(6)] + ["经核查，路灯已于5月3日修复"]
    m = pd.DataFrame({"title": ["事项"] * 7, "text": [""] * 7, "reply_text": replies})
    whole = assess_replies(m)
    monkeypatch.setattr(rq, "CHUNK", 2)
    chunked = assess_replies(m)
    pd.testing.assert_frame_equal(whole, chunked)
    share = chunked["reply_boilerplate"].tolist()
    assert share[0] == round(len(recurring) / (len(recurring) + len("第0号事项今日办结")), 4)
    assert share[6] == 0.0


def test_reply_without_title_or_text_columns():
    r = assess_replies(pd.DataFrame({"reply_text": ["经核查，路灯已于5月3日修复。", None]}))
    assert r.loc[0, "reply_relevance"] == 0.0 and r.loc[0, "reply_completeness"] == 1.0
    assert r.iloc[1].isna().all()


def test_re2_spellings_match_like_python_re():
    import re

    import pandas as pd

    from liuan_eval.text.reply_quality import ACTION, TIME, _re2_patterns

    action, time = _re2_patterns()
    texts = ["已于5月3日维修", "已于٥月٣日维修", "３个工作日内", "3\u2003个工作日内", "12\x0b年", "近日", "已经全面整改",
             "已a处理", "经核查属实", "将于下周", "无", "", "१२ 月", "2025\u3000年"]
    s = pd.Series(texts, dtype="str")
    assert s.str.contains(action, regex=True).tolist() == [bool(re.search(ACTION, t)) for t in texts]
    assert s.str.contains(time, regex=True).tolist() == [bool(re.search(TIME, t)) for t in texts]


def test_clause_table_equals_python_split():
    import re

    import numpy as np
    import pandas as pd

    from liuan_eval.text.reply_quality import _CLAUSE, STOCK, _clause_table

    replies = pd.Series(["您好，留言已收悉。已处理！！谢谢", "", "。。开头", "结尾；", "一\n二\n\n三", "无分隔"], dtype="str")
    rows = np.arange(10, 16)
    got = _clause_table(replies, rows)
    pieces = [(rows[i], c) for i, r in enumerate(replies) for c in re.split(_CLAUSE, r) if c]
    want = (np.array([p[0] for p in pieces]), pd.util.hash_array(np.array([p[1] for p in pieces], dtype=object)),
            np.array([len(p[1]) for p in pieces]), np.array([bool(re.search(STOCK, p[1])) for p in pieces]))
    for g, w in zip(got, want):
        assert np.array_equal(g, w)
