"""TopicClassifier, taxonomy prior, routing (liuan_eval/text/topic.py)."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as ec

from liuan_eval.text.topic import TopicClassifier, load_routing, load_topic_keywords, route, taxonomy_keywords

TRANSPORT = ["公交车晚点严重", "公交线路太少", "出租车拒载", "道路货运超载", "公交站台破损", "地铁施工堵车"]
SCHOOL = ["学校乱收费", "学生作业太多", "教师工资拖欠", "幼儿园学位紧张", "学区划分不合理", "中考政策咨询"]
HEALTH = ["医院挂号难", "医保报销慢", "疫苗接种咨询", "乡镇卫生院缺医生", "看病贵", "医生态度差"]


def _data(k=3):
    X = (TRANSPORT + SCHOOL + HEALTH) * k
    y = (["交通运输"] * 6 + ["教育文体"] * 6 + ["卫生计生"] * 6) * k
    return X, y


@pytest.mark.parametrize("check", [
    ec.check_parameters_default_constructible, ec.check_get_params_invariance, ec.check_set_params,
    ec.check_no_attributes_set_in_init, ec.check_estimator_cloneable, ec.check_estimator_repr,
    ec.check_do_not_raise_errors_in_init_or_set_params, ec.check_mixin_order, ec.check_valid_tag_types,
    ec.check_estimator_tags_renamed,
], ids=lambda c: c.__name__)
def test_sklearn_checks_that_apply(check):
    check("TopicClassifier", TopicClassifier())


def test_fit_predict_proba_and_refit_idempotent():
    X, y = _data()
    clf = TopicClassifier(calibration_cv=2)
    assert clf.fit(X, y) is clf
    assert set(clf.classes_) == {"交通运输", "教育文体", "卫生计生"}
    P = clf.predict_proba(["公交车太少", "学校收费太高"])
    assert P.shape == (2, 3)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    assert clf.predict(["公交车太少", "学校收费太高"]).tolist() == ["交通运输", "教育文体"]
    again = clone(clf).fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X))
    clf.fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X))
    back = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X))


def test_title_and_body_frames():
    X, y = _data()
    frame = pd.DataFrame({"title": X, "text": ["请尽快处理"] * len(X)})
    clf = TopicClassifier(calibration_cv=2).fit(frame, y)
    new = pd.DataFrame({"title": ["医院挂号太难"], "text": ["请尽快处理"]})
    assert clf.predict(new).tolist() == ["卫生计生"]
    # the same as a (title, text) array
    assert clf.predict(new.to_numpy()).tolist() == ["卫生计生"]


def test_unfitted_and_bad_labels():
    with pytest.raises(NotFittedError):
        TopicClassifier().predict(["公交"])
    with pytest.raises(ValueError, match="at least 2 topics"):
        TopicClassifier().fit(["公交", "地铁"], ["交通运输", "交通运输"])
    with pytest.raises(ValueError, match="labels"):
        TopicClassifier().fit(["公交", "地铁", "学校"], ["交通运输", "交通运输"])
    with pytest.raises(ValueError, match="no usable text"):
        TopicClassifier().fit(["", "", "", ""], ["a", "b", "a", "b"])


TAXONOMY = pd.DataFrame({
    "一级分类": ["交通运输", "交通运输", "教育文体", "卫生计生", "民政", "城乡建设"],
    "二级分类": ["公交客运", "邮政管理", "学前教育", "医疗服务", "低保", "公交设施"],
    "三级分类": ["线路", "快递", "幼儿园", "医院", None, None]})


def test_taxonomy_keywords_are_specific_to_one_class():
    kw = taxonomy_keywords(TAXONOMY)
    assert "邮政" in kw["交通运输"] and "快递" in kw["交通运输"] and "幼儿园" in kw["教育文体"]
    # 公交 sits under two classes: it points at neither; 管理 is too general
    assert all("公交" not in words and "管理" not in words for words in kw.values())
    with pytest.raises(KeyError, match="二级分类"):
        taxonomy_keywords(pd.DataFrame({"一级分类": ["a"]}))


def test_taxonomy_keywords_reach_words_never_seen_in_training():
    """邮政/快递 never occur in the training messages; the taxonomy says they are 交通运输."""
    X = (["道路线路调整", "线路太少车太挤", "出租车拒载", "货运超载"] + ["幼儿园学位紧张", "学校乱收费", "幼儿园收费高", "学生作业多"]
         + ["医院挂号难", "看病贵", "医院排队久", "医生态度差"]) * 3
    y = (["交通运输"] * 4 + ["教育文体"] * 4 + ["卫生计生"] * 4) * 3
    probe = ["邮政快递包裹丢失"]
    plain = TopicClassifier(calibration_cv=2).fit(X, y)
    prior = TopicClassifier(taxonomy=TAXONOMY, keyword_weight=1.0, calibration_cv=2).fit(X, y)
    assert prior.predict(probe).tolist() == ["交通运输"]
    p_plain = plain.predict_proba(probe)[0, list(plain.classes_).index("交通运输")]
    p_prior = prior.predict_proba(probe)[0, list(prior.classes_).index("交通运输")]
    assert p_prior > p_plain
    # only classes seen in y: 民政 and 城乡建设 are in the taxonomy but not learnt from it alone
    assert set(prior.classes_) == {"交通运输", "教育文体", "卫生计生"}
    assert set(prior.keyword_patterns_) == {"交通运输", "教育文体", "卫生计生"}


def test_self_training_adds_confident_unlabeled_messages():
    X, y = _data()
    clf = TopicClassifier(unlabeled=["公交车太挤了", "学校食堂差", "医院排队久"] * 3,
                          self_training_margin=0.0, calibration_cv=2).fit(X, y)
    assert clf.n_pseudo_labeled_ == 9


def test_unlabeled_messages_give_the_vocabulary_their_words():
    X, y = _data()
    # 轻轨 is in no labeled message: only the unlabeled ones, beside words of 交通运输, teach it
    unlabeled = ["公交车晚点 轻轨换乘远", "公交线路少 轻轨班次少", "公交站台破损 轻轨站远"] * 2
    taught = TopicClassifier(unlabeled=unlabeled, self_training_margin=0.0, calibration_cv=2).fit(X, y)
    assert taught.n_pseudo_labeled_ == 6
    assert taught.predict(["轻轨"]).tolist() == ["交通运输"]
    for _, vectorizer, _ in taught.vectorizers_:
        assert vectorizer.transform(["轻轨"]).nnz > 0
    # without them the n-grams of 轻轨 are unknown: the message has no feature at all
    plain = TopicClassifier(calibration_cv=2).fit(X, y)
    assert all(v.transform(["轻轨"]).nnz == 0 for _, v, _ in plain.vectorizers_)
    i = list(taught.classes_).index("交通运输")
    assert taught.predict_proba(["轻轨"])[0, i] > plain.predict_proba(["轻轨"])[0, i]


def test_routing_table_and_manual_review(tmp_path):
    table = load_routing()
    assert len(table["departments"]) == 15
    assert table["departments"]["交通运输"] == "六安市交通运输局"
    got = route(["卫生计生", "卫生计生", "不存在"], [0.95, 0.1, 0.99])
    assert got.tolist() == ["六安市卫生健康委员会", table["manual_review"], table["manual_review"]]
    p = tmp_path / "r.toml"
    p.write_text('min_confidence = 0.9\nmanual_review = "待分办"\n[departments]\n"交通运输" = "X局"\n',
                 encoding="utf-8")
    assert route(["交通运输", "交通运输"], [0.95, 0.8], p).tolist() == ["X局", "待分办"]
    bad = tmp_path / "bad.toml"
    bad.write_text("min_confidence = \n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml"):
        load_routing(bad)


def test_taxonomy_of_the_real_board_has_15_classes(shared_data):
    kw = taxonomy_keywords(shared_data / "gov_messages" / "taxonomy.csv")
    assert len(kw) == 15 and min(len(words) for words in kw.values()) >= 10
    assert set(kw) == set(load_routing()["departments"])
    assert "邮政" in kw["交通运输"] and "保健品" in kw["卫生计生"]


def test_model_files_from_before_the_keyword_features_still_predict():
    X, y = _data()
    clf = TopicClassifier(calibration_cv=2).fit(X, y)
    expected = clf.predict_proba(["公交站台"])
    old = pickle.loads(pickle.dumps(clf))
    for name in ("keyword_patterns_", "keywords", "keyword_weight"):  # as in a file of the previous release
        del old.__dict__[name]
    old = pickle.loads(pickle.dumps(old))  # (the file is read through __setstate__)
    assert "keyword_weight=" not in repr(old) and clone(old).keyword_weight == 0.1
    np.testing.assert_allclose(old.predict_proba(["公交站台"]), expected)


def test_shipped_keyword_list_covers_the_routing_topics_and_each_word_points_at_one():
    kw = load_topic_keywords("default")
    assert set(kw) == set(load_routing()["departments"])
    owners: dict[str, list[str]] = {}
    for topic, words in kw.items():
        assert len(words) >= 10, topic
        for w in words:
            owners.setdefault(w, []).append(topic)
    assert {w: t for w, t in owners.items() if len(t) > 1} == {}


def test_keyword_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "kw.toml"
    bad.write_text('[keywords]\n"交通运输" = "公交"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="kw.toml.*交通运输.*list of strings"):
        load_topic_keywords(bad)
    bad.write_text('"交通运输" = ["公交"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"kw.toml: needs a \[keywords\] table"):
        load_topic_keywords(bad)
    bad.write_text("[keywords\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kw.toml: not valid TOML"):
        load_topic_keywords(bad)


def test_keywords_merge_with_the_taxonomy_and_reach_unseen_words(tmp_path):
    X = (["道路线路调整", "线路太少车太挤", "出租车拒载", "货运超载"] + ["幼儿园学位紧张", "学校乱收费", "幼儿园收费高", "学生作业多"]
         + ["医院挂号难", "看病贵", "医院排队久", "医生态度差"]) * 3
    y = (["交通运输"] * 4 + ["教育文体"] * 4 + ["卫生计生"] * 4) * 3
    f = tmp_path / "kw.toml"
    f.write_text('[keywords]\n"交通运输" = ["线路", "航班", "机场"]\n"卫生计生" = ["医院", "疫苗"]\n', encoding="utf-8")
    clf = TopicClassifier(taxonomy=TAXONOMY, keywords=f, keyword_weight=1.0, calibration_cv=2).fit(X, y)
    # 邮政 from the taxonomy, 航班 from the file: neither occurs in any training message
    assert clf.predict(["邮政快递包裹丢失", "航班延误机场滞留"]).tolist() == ["交通运输", "交通运输"]
    assert clf.predict(["疫苗预约不上"]).tolist() == ["卫生计生"]
    assert "航班" in clf.keyword_patterns_["交通运输"] and "邮政" in clf.keyword_patterns_["交通运输"]
