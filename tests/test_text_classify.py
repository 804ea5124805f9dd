"""classify_messages (liuan_eval/text/classify.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.text import SentimentClassifier, TopicClassifier, classify_messages
from liuan_eval.text.classify import ADDED_COLUMNS

TRANSPORT = ["公交车晚点严重", "公交线路太少", "出租车拒载", "道路货运超载", "公交站台破损", "地铁施工堵车"]
SCHOOL = ["学校乱收费", "学生作业太多", "教师工资拖欠", "幼儿园学位紧张", "学区划分不合理", "中考政策咨询"]


@pytest.fixture(scope="module")
def models():
    tm = TopicClassifier(calibration_cv=2).fit((TRANSPORT + SCHOOL) * 3, (["交通运输"] * 6 + ["教育文体"] * 6) * 3)
    sm = SentimentClassifier().fit(["太好了谢谢", "太差了气死了", "请问怎么办"] * 4, ["正面", "负面", "中性"] * 4)
    return tm, sm


def test_columns_index_and_given_topic(models):
    m = pd.DataFrame({
        "message_id": ["1", "2", "3", "4"], "user": ["a", "b", "a", "c"], "unit": ["金安区"] * 4,
        "title": ["公交车晚点", "学校乱收费", None, "出租车拒载"], "text": ["太差了气死了", "请问怎么办", "", "工地拖欠工资"],
        "topic": [None, None, None, "城乡建设"],
        "reply_text": ["已协调公交公司增加班次，5月起实施。", None, None, None],
    }, index=[10, 11, 12, 13])
    out = classify_messages(m, *models)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert set(ADDED_COLUMNS) <= set(out.columns) and "reply_quality" in out.columns
    assert out["topic"].tolist()[:2] == ["交通运输", "教育文体"]
    assert pd.isna(out.loc[12, "topic"]) and out.loc[12, "topic_source"] == "empty"
    assert pd.isna(out.loc[12, "sentiment"]) and out.loc[12, "department"] == "人工分办"
    assert (out.loc[13, "topic"], out.loc[13, "topic_source"], out.loc[13, "topic_confidence"]) == ("城乡建设", "given", 1.0)
    assert out.loc[13, "department"] == "六安市住房和城乡建设局"
    assert out.loc[10, "sentiment"] == "negative" and out.loc[10, "sentiment_score"] < 0
    assert "拖欠工资" in out.loc[13, "risk_reasons"]
    assert out["risk_level"].isin(["none", "low", "medium", "high"]).all()
    # the input is not modified
    assert "sentiment" not in m.columns


def test_duplicates_classified_once_give_same_answer(models):
    m = pd.DataFrame({"message_id": list("abc"), "title": ["学校乱收费"] * 3, "text": ["请问怎么办"] * 3})
    out = classify_messages(m, *models)
    assert out["topic"].nunique() == 1 and out["topic_confidence"].nunique() == 1


def test_bad_input_is_clear(models):
    with pytest.raises(KeyError, match="title.*text"):
        classify_messages(pd.DataFrame({"message_id": ["1"]}), *models)
    with pytest.raises(TypeError, match="DataFrame"):
        classify_messages(["公交"], *models)
    empty = classify_messages(pd.DataFrame({"title": pd.Series([], dtype="str")}), *models)
    assert empty.empty and "topic" in empty.columns


@pytest.mark.slow
def test_shipped_models_trained_from_sample_and_cached(tmp_path, monkeypatch):
    from liuan_eval.text import models as mod

    monkeypatch.setenv("LIUAN_EVAL_CACHE", str(tmp_path))
    monkeypatch.setattr(mod, "_MEMO", {})
    topic, info = mod.shipped_model("topic")
    assert "generate_sample" in info["trained_on"]
    assert (mod.cache_dir() / f"topic-{mod.RECIPE}.joblib").is_file()
    assert len(topic.classes_) == 15
    sentiment, _ = mod.shipped_model("sentiment")
    out = classify_messages(pd.DataFrame({"title": ["金安区东桥镇路灯不亮"], "text": ["晚上一片漆黑，气死了"]}))
    assert out["sentiment"].iloc[0] in ("negative", "neutral", "positive")
    monkeypatch.setattr(mod, "_MEMO", {})
    again, info2 = mod.shipped_model("topic")  # from the cache this time
    assert info2["path"] == str(mod.cache_dir() / f"topic-{mod.RECIPE}.joblib")
    assert again.classes_.tolist() == topic.classes_.tolist()


def test_same_text_different_titles_are_distinct(models):
    """De-duplication is on the (title, text) pair, not on either alone."""
    m = pd.DataFrame({"title": ["公交线路太少", "学区划分不合理", "公交线路太少"],
                      "text": ["请问怎么办"] * 3})
    out = classify_messages(m, *models)
    assert out["topic"].tolist() == ["交通运输", "教育文体", "交通运输"]
    assert out.loc[0, "topic_confidence"] == out.loc[2, "topic_confidence"]


def test_too_little_chinese_goes_to_manual_review(models):
    m = pd.DataFrame({"title": ["asdfgh qwerty", "感谢", "公交线路太少"], "text": ["lorem ipsum", "", ""]})
    out = classify_messages(m, *models)
    assert out["department"].tolist()[:2] == ["人工分办", "人工分办"]
    assert out["topic_source"].tolist() == ["model"] * 3 and out["topic"].notna().all()
    assert out.loc[2, "department"] == "六安市交通运输局"


def test_prepared_texts_path_equals_dataframe_path(models):
    """The package's own models get ModelTexts, any other estimator the DataFrame: same result,
    and the same as the public assess_risk / assess_replies on the classified table."""
    from liuan_eval.text.reply_quality import assess_replies
    from liuan_eval.text.risk import assess_risk

    class OtherTopic(TopicClassifier):  # a subclass: not one of the package's own, so it gets the DataFrame
        def predict_proba(self, X):
            assert isinstance(X, pd.DataFrame)
            return super().predict_proba(X)

    class OtherSentiment(SentimentClassifier):
        def predict_with_score(self, X):
            assert isinstance(X, pd.DataFrame)
            return super().predict_with_score(X)

    tm, sm = models
    other_t, other_s = OtherTopic(), OtherSentiment()
    other_t.__dict__.update(tm.__dict__)
    other_s.__dict__.update(sm.__dict__)
    m = pd.DataFrame({
        "user": ["a", "a", "b", "c"], "unit": ["金安区"] * 4,
        "title": ["\u3000公交车晚点 ", "ＡＢＣ学校", None, "出租车\u200b拒载"],
        "text": ["太差了\n\n气死了", "请问  怎么办", "  ", "工地拖欠工资"],
        "reply_text": ["已协调公交公司增加班次，5月起实施。", "您好，留言已收悉。", None, ""],
    }, index=[3, 1, 2, 0])
    a = classify_messages(m, tm, sm)
    b = classify_messages(m, other_t, other_s)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    risk = assess_risk(a, a["sentiment"])
    pd.testing.assert_series_equal(a["risk_reasons"], risk["risk_reasons"], check_exact=True)
    rq = assess_replies(a)
    pd.testing.assert_frame_equal(a[rq.columns], rq, check_exact=True)
