"""SentimentClassifier and label normalisation (liuan_eval/text/sentiment.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.utils import estimator_checks as ec

from liuan_eval.text.sentiment import SentimentClassifier, normalize_sentiment_labels

POS = ["太好了谢谢政府", "非常满意点赞", "服务热情感谢", "办事效率高表扬"]
NEG = ["气死了太差", "投诉无门太差劲", "态度恶劣愤怒", "垃圾服务失望"]
NEU = ["请问几点开门", "咨询办理流程", "想了解政策", "请问在哪里办理"]


def _data(k=3):
    return (POS + NEG + NEU) * k, (["正面"] * 4 + ["负面"] * 4 + ["中性"] * 4) * k


@pytest.mark.parametrize("check", [
    ec.check_parameters_default_constructible, ec.check_get_params_invariance, ec.check_set_params,
    ec.check_no_attributes_set_in_init, ec.check_estimator_cloneable, ec.check_estimator_repr,
    ec.check_do_not_raise_errors_in_init_or_set_params, ec.check_mixin_order, ec.check_valid_tag_types,
], ids=lambda c: c.__name__)
def test_sklearn_checks_that_apply(check):
    check("SentimentClassifier", SentimentClassifier())


def test_linear_three_classes_and_score():
    X, y = _data()
    clf = SentimentClassifier().fit(X, y)
    assert clf.classes_.tolist() == ["negative", "neutral", "positive"]
    lab, score = clf.predict_with_score(["太好了感谢", "太差了投诉", "请问流程"])
    assert lab.tolist() == ["positive", "negative", "neutral"]
    assert score[0] > 0.2 and score[1] < -0.2 and abs(score[2]) < score[0]
    assert np.all((score >= -1) & (score <= 1))
    again = clone(clf).fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X))


def test_snownlp_backend_same_interface():
    clf = SentimentClassifier(method="snownlp").fit(["好", "差"], ["pos", "neg"])
    lab, score = clf.predict_with_score(["这个服务非常好，非常满意，谢谢", "太差了，垃圾，愤怒，失望透顶"])
    assert set(lab) <= {"positive", "neutral", "negative"}
    assert score[0] > score[1]
    assert clf.predict_proba(["好"]).shape == (1, 3)


@pytest.mark.parametrize("labels, expected", [
    (["正面", "负面", "中性"], ["positive", "negative", "neutral"]),
    (["pos", "NEG", "neu"], ["positive", "negative", "neutral"]),
    ([1, 0, 1], ["positive", "negative", "positive"]),
    (["1", "0", "-1"], ["positive", "neutral", "negative"]),
    ([1.0, 0.0], ["positive", "negative"]),
    (["happy", "angry", "sad", "fear", "neural"], ["positive", "negative", "negative", "negative", "neutral"]),
])
def test_label_spellings(labels, expected):
    got, keep = normalize_sentiment_labels(labels)
    assert got.tolist() == expected and keep.all()


def test_surprise_dropped_and_unknown_listed():
    got, keep = normalize_sentiment_labels(["happy", "surprise"])
    assert keep.tolist() == [True, False]
    with pytest.raises(ValueError, match=r"'great' \(2 row\(s\)\), 'meh' \(1 row\(s\)\)"):
        normalize_sentiment_labels(["great", "great", "meh", "正面"])
    with pytest.raises(ValueError, match="unknown sentiment"):
        SentimentClassifier().fit(["a", "b"], ["正面", "不知道"])


def test_empty_texts_do_not_crash():
    X, y = _data()
    clf = SentimentClassifier().fit(X, y)
    lab, score = clf.predict_with_score(["", "   "])
    assert len(lab) == 2 and np.isfinite(score).all()


@pytest.mark.real_data
def test_weibo_virus_labels_map(shared_data):
    w = pd.read_csv(shared_data / "sentiment" / "weibo_virus_train.csv", dtype="str")
    got, keep = normalize_sentiment_labels(w["label"])
    assert int((~keep).sum()) == int((w["label"] == "surprise").sum())
    assert set(got[keep]) == {"positive", "neutral", "negative"}
