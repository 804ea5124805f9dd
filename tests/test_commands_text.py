"""train-topic, train-sentiment and classify commands (liuan_eval/commands/text.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.cli import main
from liuan_eval.i18n import set_language

TRANSPORT = ["公交车晚点严重", "公交线路太少", "出租车拒载", "道路货运超载", "公交站台破损", "地铁施工堵车"]
SCHOOL = ["学校乱收费", "学生作业太多", "教师工资拖欠", "幼儿园学位紧张", "学区划分不合理", "中考政策咨询"]


@pytest.fixture(autouse=True)
def _zh():
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def labeled(tmp_path):
    n = len(TRANSPORT + SCHOOL)
    f = pd.DataFrame({
        "主题": (TRANSPORT + SCHOOL) * 3,
        "详情": ["请尽快处理，谢谢", "太差了，气死了", "请问怎么办理"] * n,
        "一级标签": (["交通运输"] * 6 + ["教育文体"] * 6) * 3,
        "情感": ["正面", "负面", "中性"] * n,
    })
    p = tmp_path / "labeled.csv"
    f.to_csv(p, index=False, encoding="utf-8-sig")
    return p


def test_trained_models_round_trip_through_the_cli(tmp_path, labeled, capsys):
    tm, sm, out = tmp_path / "topic.joblib", tmp_path / "sent.joblib", tmp_path / "out.csv"
    assert main(["train-topic", "--input", str(labeled), "--text-col", "详情", "--title-col", "主题",
                 "--label-col", "一级标签", "--out", str(tm)]) == 0
    assert main(["train-sentiment", "--input", str(labeled), "--text-col", "详情", "--label-col", "情感",
                 "--out", str(sm)]) == 0
    new = pd.DataFrame({"编号": ["1", "2", "3"], "主题": ["公交车太少了", "学校乱收费问题", ""],
                        "详情": ["太差了，气死了", "请问怎么办理", ""],
                        "答复": ["已安排增开班次，下月起实施。", None, None]})  # (a line of empty cells is no record)
    src = tmp_path / "new.csv"
    new.to_csv(src, index=False, encoding="gb18030")
    capsys.readouterr()
    assert main(["classify", "--input", str(src), "--text-col", "详情", "--title-col", "主题", "--reply-col", "答复",
                 "--topic-model", str(tm), "--sentiment-model", str(sm), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert str(tm) in said and str(sm) in said and "1条标题和正文均为空" in said
    got = pd.read_csv(out, dtype="str", encoding="utf-8-sig")
    assert got["topic"].tolist()[:2] == ["交通运输", "教育文体"]
    assert got["department"].iloc[0] in ("六安市交通运输局", "人工分办")
    assert got["sentiment"].tolist()[:2] == ["negative", "neutral"]
    assert got["topic_source"].tolist() == ["model", "model", "empty"]
    for c in ["topic_confidence", "sentiment_score", "risk_level", "risk_reasons", "reply_quality"]:
        assert c in got.columns
    assert "text" not in got.columns and "reply_text" not in got.columns


def test_unknown_sentiment_labels_are_listed(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    pd.DataFrame({"t": ["好", "差", "嗯"], "l": ["正面", "很好", "未知"]}).to_csv(p, index=False)
    assert main(["train-sentiment", "--input", str(p), "--text-col", "t", "--label-col", "l",
                 "--out", str(tmp_path / "m.joblib")]) == 2
    err = capsys.readouterr().err
    assert "无法识别的情感标签" in err and "“很好”（1行）" in err and "“未知”（1行）" in err and "bad.csv" in err
    assert not (tmp_path / "m.joblib").exists()


def test_missing_column_and_file_are_clear(tmp_path, labeled, capsys):
    assert main(["train-topic", "--input", str(labeled), "--text-col", "正文", "--label-col", "一级标签",
                 "--out", str(tmp_path / "m.joblib")]) == 2
    err = capsys.readouterr().err
    assert "正文" in err and "一级标签" in err  # the missing column and the columns present
    assert main(["classify", "--input", str(tmp_path / "nope.csv"), "--text-col", "x",
                 "--out", str(tmp_path / "o.csv")]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_wrong_model_kind_is_refused(tmp_path, labeled, capsys):
    tm = tmp_path / "topic.joblib"
    assert main(["train-topic", "--input", str(labeled), "--text-col", "详情", "--label-col", "一级标签",
                 "--out", str(tm)]) == 0
    assert main(["classify", "--input", str(labeled), "--text-col", "详情", "--sentiment-model", str(tm),
                 "--topic-model", str(tm), "--out", str(tmp_path / "o.csv")]) == 2
    assert "topic" in capsys.readouterr().err


def test_english_messages(tmp_path, labeled, capsys):
    assert main(["--lang", "en", "train-topic", "--input", str(labeled), "--text-col", "详情", "--label-col", "一级标签",
                 "--out", str(tmp_path / "m.joblib")]) == 0
    assert "topic model written" in capsys.readouterr().out


def test_classified_file_has_no_phone_or_id_numbers(tmp_path, labeled):
    tm = tmp_path / "topic.joblib"
    assert main(["train-topic", "--input", str(labeled), "--text-col", "详情", "--title-col", "主题",
                 "--label-col", "一级标签", "--out", str(tm)]) == 0
    src, out = tmp_path / "new.csv", tmp_path / "out.csv"
    pd.DataFrame({"主题": ["公交车太少了"], "详情": ["请回电13812345678，身份证11010519491231002X"],
                  "联系电话": ["13912345678"]}).to_csv(src, index=False)
    assert main(["classify", "--input", str(src), "--text-col", "详情", "--title-col", "主题",
                 "--topic-model", str(tm), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "13812345678" not in text and "13912345678" not in text and "11010519491231002X" not in text
    got = pd.read_csv(out, dtype="str")
    assert got.loc[0, "详情"] == "请回电138****5678，身份证1101**********002X"
    assert got.loc[0, "topic"] == "交通运输"


def test_training_reports_cross_validated_quality(tmp_path, labeled, capsys):
    tm = tmp_path / "topic.joblib"
    capsys.readouterr()
    assert main(["train-topic", "--input", str(labeled), "--text-col", "详情", "--title-col", "主题",
                 "--label-col", "一级标签", "--out", str(tm)]) == 0
    said = capsys.readouterr().out
    line = next(ln for ln in said.splitlines() if ln.startswith("交叉验证"))
    acc = float(line.split("准确率 ")[1].split("，")[0])
    assert 0.9 <= acc <= 1.0  # the two topics are told apart by their titles
    assert main(["train-sentiment", "--input", str(labeled), "--text-col", "详情", "--label-col", "情感",
                 "--out", str(tmp_path / "s.joblib"), "--no-cv"]) == 0
    assert "交叉验证" not in capsys.readouterr().out
    one = tmp_path / "one.csv"
    pd.DataFrame({"t": ["公交车太少", "公交线路少", "学校收费"], "l": ["交通运输", "交通运输", "教育文体"]}).to_csv(one, index=False)
    assert main(["train-topic", "--input", str(one), "--text-col", "t", "--label-col", "l",
                 "--out", str(tmp_path / "o.joblib")]) == 0
    assert "无法估计准确率" in capsys.readouterr().out


@pytest.mark.parametrize("name, data, encoding", [
    ("semicolon_gb.csv", "留言编号;留言主题;留言详情\nM1;路灯;路灯坏了\nM2;噪音;工地噪音扰民\n", "gb18030"),
    ("utf16_tab.csv", "留言编号\t留言主题\t留言详情\nM1\t路灯\t路灯坏了\nM2\t噪音\t工地噪音扰民\n", "utf-16"),
    ("long_row.csv", "留言编号,留言主题,留言详情\nM1,路灯,路灯坏了\nM2,噪音,噪音扰民,多余\nM3,噪音,工地噪音扰民\n", "utf-8"),
    ("title_row.csv", "2025年留言导出\n留言编号,留言主题,留言详情\nM1,路灯,路灯坏了\nM2,噪音,工地噪音扰民\n", "utf-8"),
])
def test_classify_reads_its_input_as_load_reads_an_export(tmp_path, capsys, name, data, encoding):
    """Semicolons, UTF-16 with tabs, a record with a field too many (skipped, with its line), a title
    row: the file is read the way `load` reads the office's exports, not refused."""
    src, out = tmp_path / name, tmp_path / "out.csv"
    src.write_bytes(data.encode(encoding))
    assert main(["classify", "--input", str(src), "--text-col", "留言详情", "--title-col", "留言主题",
                 "--out", str(out)]) == 0
    got = pd.read_csv(out, dtype="str")
    assert got["留言编号"].tolist()[-1] in ("M2", "M3") and "topic" in got.columns
    if name == "long_row.csv":
        assert got["留言编号"].tolist() == ["M1", "M3"]
        assert "第 [3] 行" in capsys.readouterr().err


def test_a_file_that_is_not_a_model_is_a_chinese_error_naming_it(tmp_path, capsys):
    from liuan_eval.errors import UserError
    from liuan_eval.text.models import load_model

    fake = tmp_path / "模型.joblib"
    fake.write_text("not a model", encoding="utf-8")
    with pytest.raises(UserError, match="不是 liuan_eval 的模型文件") as err:
        load_model(fake, "topic")
    assert str(fake) in str(err.value)
    with pytest.raises(UserError, match="找不到模型文件"):
        load_model(tmp_path / "nowhere.joblib", "topic")
