"""Learning from the office (liuan_eval/text/learn.py): corrections, history, model card, labels to ask for."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from liuan_eval.cli import main
from liuan_eval.i18n import set_language
from liuan_eval.sample_data import generate_sample
from liuan_eval.text.learn import (
    CorrectionsError,
    choose_batch,
    fold_in,
    history_from_labels,
    mark_for_confirmation,
    read_corrections,
)
from liuan_eval.text.models import load_model
from liuan_eval.text.topic import KeywordTopicClassifier, TopicClassifier, load_routing

ROUTING = load_routing()
NEW_TOPIC = "纪检监察"  # the office's first history has none of these: the model cannot route them


@pytest.fixture(autouse=True)
def _zh():
    set_language("zh")
    yield
    set_language("zh")


def _labeled(seed: int, scale: float = 0.3) -> pd.DataFrame:
    s = generate_sample(year=2025, seed=seed, scale=scale)
    m = s.tables["messages"].drop(columns=["topic"], errors="ignore").merge(s.labels, on="message_id")
    return m[["message_id", "title", "text", "topic"]].drop_duplicates(["title", "text"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    """classify → the analyst's corrections → learn → classify again, all through the command line."""
    d = tmp_path_factory.mktemp("loop")
    first = _labeled(3)
    first = first[first["topic"] != NEW_TOPIC].groupby("topic").head(12)
    first.rename(columns={"title": "留言主题", "text": "留言详情", "topic": "一级标签"}).to_csv(
        d / "history.csv", index=False, encoding="utf-8-sig")
    m1 = d / "m1.joblib"
    assert main(["train-topic", "--input", str(d / "history.csv"), "--text-col", "留言详情", "--title-col", "留言主题",
                 "--label-col", "一级标签", "--out", str(m1)]) == 0
    week = _labeled(5)
    truth = dict(zip(week["message_id"], week["topic"]))
    week.drop(columns="topic").rename(columns={"message_id": "留言编号", "title": "留言主题", "text": "留言详情"}).to_csv(
        d / "week.csv", index=False, encoding="utf-8-sig")
    out1 = d / "classified.csv"
    assert main(["classify", "--input", str(d / "week.csv"), "--text-col", "留言详情", "--title-col", "留言主题",
                 "--topic-model", str(m1), "--out", str(out1)]) == 0
    c1 = pd.read_csv(out1, dtype="str", encoding="utf-8-sig")
    # the analyst: every message of the new topic re-routed (核定主题), one by its body only (核定承办单位),
    # and one returned by the department it was sent to (退回原因) with its verdict
    c1["truth"] = c1["留言编号"].map(truth)
    fix = c1.index[c1["truth"] == NEW_TOPIC]
    c1.loc[fix, "confirmed_topic"] = c1.loc[fix, "truth"]
    c1.loc[fix[0], "confirmed_topic"] = np.nan
    c1.loc[fix[0], "confirmed_department"] = ROUTING["departments"][NEW_TOPIC]
    c1.loc[fix[1], "return_reason"] = "不属于本单位职责"
    corrections = d / "corrections.csv"
    c1.drop(columns="truth").to_csv(corrections, index=False, encoding="utf-8-sig")
    m2 = d / "m2.joblib"
    assert main(["learn", "--model", str(m1), "--corrections", str(corrections), "--out", str(m2)]) == 0
    out2 = d / "classified2.csv"
    assert main(["classify", "--input", str(d / "week.csv"), "--text-col", "留言详情", "--title-col", "留言主题",
                 "--topic-model", str(m2), "--out", str(out2)]) == 0
    return {"c1": c1, "fix": fix, "c2": pd.read_csv(out2, dtype="str", encoding="utf-8-sig"), "m1": m1, "m2": m2}


def test_the_loop_routes_the_corrected_messages_right(loop):
    c1, c2, fix = loop["c1"], loop["c2"], loop["fix"]
    body = ROUTING["departments"][NEW_TOPIC]
    assert len(fix) >= 5
    assert (c1.loc[fix, "department"] != body).all()  # before: the model never saw the topic
    assert (c2.loc[fix, "topic"] == NEW_TOPIC).all()
    assert (c2.loc[fix, "department"] == body).all()
    # the messages of other topics are not dragged into the new one
    others = c1.index[c1["truth"] != NEW_TOPIC]
    assert (c2.loc[others, "topic"] == NEW_TOPIC).mean() < 0.05


def test_the_model_card_counts_change_with_the_corrections(loop):
    _, i1 = load_model(loop["m1"], "topic")
    m2, i2 = load_model(loop["m2"], "topic")
    assert m2.unlabeled is None and m2.n_pseudo_labeled_ > 0  # self-trained on the unconfirmed rows, not keeping them
    k = len(loop["fix"])
    c1, c2 = i1["card"], i2["card"]
    assert c2["n_labels"] == c1["n_labels"] + k
    assert c2["by_kind"] == {"training": c1["n_labels"], "verdict": k - 1, "return": 1}
    assert c2["classes"][NEW_TOPIC] == k and NEW_TOPIC not in c1["classes"]
    assert set(c2["sources"]) == {"history.csv", "corrections.csv"}
    assert c2["cv"]["recall"][NEW_TOPIC] > 0.5 and c2["routing_version"] == c1["routing_version"]
    h = i2["history"]
    assert h["key"].is_unique and len(h) == c2["n_labels"]
    assert h.loc[h["source"] == "corrections.csv", "line"].notna().all()


def test_classify_marks_diverse_messages_and_prints_the_card(loop, tmp_path, capsys):
    c2 = loop["c2"]
    ranks = c2["confirm_rank"].dropna().astype(int)
    assert sorted(ranks) == list(range(1, 21))
    marked = c2.loc[ranks.index]
    assert marked[["留言主题", "留言详情"]].drop_duplicates().shape[0] == 20  # no message twice
    assert {"confirmed_topic", "confirmed_department", "return_reason"} <= set(c2.columns)
    src = tmp_path / "w.csv"
    pd.DataFrame({"留言主题": ["公交太少"], "留言详情": ["请增加公交线路"]}).to_csv(src, index=False)
    assert main(["classify", "--input", str(src), "--text-col", "留言详情", "--title-col", "留言主题",
                 "--out", str(tmp_path / "o.csv"), "--topic-model", str(loop["m2"])]) == 0
    said = capsys.readouterr().out
    assert "模型卡片（主题）" in said and "分办核定" in said and "路由表版本" in said and "宏平均F1" in said


def test_the_shipped_card_says_it_was_trained_on_generated_text(tmp_path, capsys):
    src = tmp_path / "w.csv"
    pd.DataFrame({"留言主题": ["公交太少"], "留言详情": ["请增加公交线路"]}).to_csv(src, index=False)
    assert main(["classify", "--input", str(src), "--text-col", "留言详情", "--title-col", "留言主题",
                 "--out", str(tmp_path / "o.csv")]) == 0
    said = capsys.readouterr().out
    assert "只用程序生成的样例文本训练" in said and "生成样例" in said


def _write(tmp_path, name, frame):
    p = tmp_path / name
    frame.to_csv(p, index=False, encoding="utf-8-sig")
    return p


def test_latest_verdict_wins_and_no_message_twice(tmp_path):
    a = _write(tmp_path, "a.csv", pd.DataFrame({"title": ["路灯坏了", "路灯坏了"], "text": ["小区路灯不亮"] * 2,
                                               "核定主题": ["交通运输", "城乡建设"], "核定日期": ["2026-11-20", "2026-11-01"]}))
    labels, _ = read_corrections([a], today="2026-12-01")
    merged, stats = fold_in(None, labels)
    assert merged["topic"].tolist() == ["交通运输"]  # 20 Nov beats 1 Nov though it comes first
    assert stats == {"added": 1, "changed": 0, "confirmed": 0}
    again = history_from_labels(pd.DataFrame({"title": ["路灯坏了"], "text": ["小区路灯不亮"]}), ["城乡建设"],
                                source="c.csv", kind="verdict", labeled_at="2026-12-01")
    merged2, stats2 = fold_in(merged, again)
    assert merged2["topic"].tolist() == ["城乡建设"] and stats2["changed"] == 1
    # generated text never beats the office's label, whatever its date
    gen = again.assign(topic="民政", kind="generated", labeled_at="2030-01-01")
    assert fold_in(merged2, gen)[0]["topic"].tolist() == ["城乡建设"]


def test_corrections_read_from_a_workbook_with_english_headers_and_masked(tmp_path):
    p = tmp_path / "returns.xlsx"
    pd.DataFrame({"title": ["噪音扰民", "没核定"], "text": ["工地夜间施工，电话13812345678", "正文"],
                  "confirmed_topic": ["环境保护", None], "return_reason": [None, "不属于本单位"]}).to_excel(p, index=False)
    labels, pending = read_corrections(p)
    assert labels["topic"].tolist() == ["环境保护"] and labels["line"].tolist() == [2]
    assert "13812345678" not in labels["text"].iloc[0] and "138****5678" in labels["text"].iloc[0]
    assert pending[["line", "return_reason"]].values.tolist() == [[3, "不属于本单位"]]


def test_bad_corrections_name_file_line_and_column(tmp_path, capsys):
    p = _write(tmp_path, "bad.csv", pd.DataFrame({
        "留言主题": ["甲", "乙", "丙", "丁"], "留言详情": ["一", "二", "三", "四"],
        "核定主题": ["城乡建筑", None, "城乡建设", None], "核定承办单位": [None, "六安市不存在局", None, None],
        "核定日期": [None, None, "昨天", None]}))
    with pytest.raises(CorrectionsError) as e:
        read_corrections(p)
    msg = str(e.value)
    assert "bad.csv 第2行，“核定主题”列：城乡建筑" in msg
    assert "bad.csv 第3行，“核定承办单位”列：六安市不存在局" in msg
    assert "bad.csv 第4行，“核定日期”列：昨天" in msg
    nover = _write(tmp_path, "nover.csv", pd.DataFrame({"留言主题": ["甲"], "留言详情": ["一"]}))
    assert main(["learn", "--model", "default", "--corrections", str(nover), "--out", str(tmp_path / "m.joblib")]) == 2
    err = capsys.readouterr().err
    assert "nover.csv 第1行" in err and "核定主题" in err and "Traceback" not in err
    assert not (tmp_path / "m.joblib").exists()


def test_choose_batch_prefers_uncertain_and_diverse():
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(3), size=40)
    P[:10] = [0.34, 0.33, 0.33]  # ten copies of one complaint, all very uncertain
    texts = ["小区物业乱收停车费"] * 10 + [f"第{i}条不同的留言内容{i * 7}" for i in range(30)]
    pick = choose_batch(P, texts, 5)
    assert pick[0] < 10 and (pick < 10).sum() == 1
    assert len(set(pick.tolist())) == 5


def test_mark_for_confirmation_skips_given_and_confirmed():
    X = ["公交车晚点", "公交线路调整", "学校收费", "学生减负"] * 3
    y = ["交通运输", "交通运输", "教育文体", "教育文体"] * 3
    m = TopicClassifier(calibration_cv=2).fit(X, y)
    c = pd.DataFrame({"title": ["公交学校", "学校公交", "公交", "学校"], "text": ["", "", "", ""],
                      "topic_source": ["model", "model", "given", "model"], "topic_confidence": [0.5, 0.5, 1.0, 0.9],
                      "confirmed_topic": [None, "教育文体", None, None]})
    out = mark_for_confirmation(c, m, 5)
    assert out["confirm_rank"].isna().tolist() == [False, True, True, False]
    assert out["confirm_rank"].iloc[0] == 1


def test_zero_shot_keyword_model_routes_by_keywords():
    m = KeywordTopicClassifier().fit()
    assert len(m.classes_) == 15
    assert m.predict(["公交车站台太远，线路太少"]).tolist() == ["交通运输"]


def test_messages_that_are_one_label_in_the_history_are_asked_once():
    """Two messages whose texts differ only in what masking hides (the e-mail address) are one label in
    the history: only one of them is marked, so every confirmation asked for adds
    a label."""
    from liuan_eval.text.learn import message_keys

    X = ["公交车晚点", "公交线路调整", "学校收费", "学生减负"] * 3
    y = ["交通运输", "交通运输", "教育文体", "教育文体"] * 3
    m = TopicClassifier(calibration_cv=2).fit(X, y)
    c = pd.DataFrame({"title": ["公交学校", "公交学校", "学校公交", "学校"], "text": ["请回复zhang3@163.com", "请回复zhu@163.com", "请处理", ""],
                      "topic_source": ["model"] * 4, "topic_confidence": [0.5, 0.5, 0.5, 0.9]})
    from liuan_eval.output import mask_series

    assert len(set(message_keys(c["title"], mask_series(c["text"])).tolist())) == 3
    out = mark_for_confirmation(c, m, 4)
    assert out["confirm_rank"].notna().tolist() == [True, False, True, True]
