"""The command-line dispatcher: help in Chinese by default, English on request."""
import pandas as pd
import pytest

from liuan_eval import cli
from liuan_eval.i18n import set_language


def test_help_lists_every_command_in_chinese(capsys):
    assert cli.main([]) == 2
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out
    assert "按考核标准评分" in out


def test_lang_en_switches_help(capsys):
    try:
        with pytest.raises(SystemExit):
            cli.main(["--lang", "en", "--help"])
        out = capsys.readouterr().out
        assert "score units and accounts" in out
        assert "按考核标准评分" not in out
    finally:
        set_language("zh")


def test_argparse_words_and_errors_follow_the_language(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["score", "--data", "x"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "缺少必需的参数：--out" in err and "用法: " in err
    try:
        with pytest.raises(SystemExit):
            cli.main(["--lang", "en", "score", "--data", "x"])
        err = capsys.readouterr().err
        assert "the following arguments are required: --out" in err and "usage: " in err
    finally:
        set_language("zh")


def test_unknown_command_is_named_in_chinese(capsys):
    with pytest.raises(SystemExit):
        cli.main(["scor"])
    assert "参数 COMMAND 的值 'scor' 无效" in capsys.readouterr().err


# --- errors an analyst can fix: one message, exit 2; Ctrl-C: one line, exit 130 -------------------
def test_a_missing_data_folder_is_one_chinese_line_and_exit_2(tmp_path, capsys):
    for command in (["check"], ["score", "--year", "2025", "--out", str(tmp_path / "o")],
                    ["run", "--year", "2025", "--out", str(tmp_path / "o")]):
        code = cli.main([*command, "--data", str(tmp_path / "nope")])
        err = capsys.readouterr().err
        assert code == 2, command  # check too: a usage error, as every command's
        assert "Traceback" not in err


def test_an_unwritable_output_folder_is_a_chinese_message_and_exit_2(tmp_path, capsys):
    from liuan_eval.sample_data import generate_sample

    data = tmp_path / "d"
    generate_sample(2025, seed=2, out=data, scale=0.03)
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    for command in (["run", "--no-notebook", "--quiet"], ["score"]):
        code = cli.main([*command, "--data", str(data), "--year", "2025", "--out", str(blocker / "2025")])
        err = capsys.readouterr().err
        assert code == 2, command
        assert "无法写入" in err and "Traceback" not in err
    assert cli.main(["ingest", "messages", str(data / "messages.csv"), "--out", str(blocker / "m.csv")]) == 2
    assert "无法写入" in capsys.readouterr().err


def test_a_broken_preset_stops_run_before_any_work(tmp_path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text('[preset]\nname = "x"\n[[grades]]\nname = "合格"\nmin = 0\n[criteria.C15]\nname = "僵尸"\n',
                   encoding="utf-8")
    code = cli.main(["run", "--data", str(tmp_path), "--year", "2025", "--out", str(tmp_path / "o"),
                     "--criteria", str(bad), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "C15" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_ctrl_c_during_run_keeps_the_previous_output_and_exits_130(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from liuan_eval.sample_data import generate_sample

    data, out = tmp_path / "d", tmp_path / "reports" / "2025"
    generate_sample(2025, seed=2, out=data, scale=0.05)
    out.mkdir(parents=True)
    (out / "unit_scores.csv").write_text("previous complete run\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "liuan_eval", "run", "--data", str(data), "--year", "2025",
                             "--out", str(out), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.time() + 120
    while time.time() < deadline and not any(p.name.startswith(".2025.partial") for p in out.parent.iterdir()):
        time.sleep(0.1)
    time.sleep(1.5)  # inside the assessment
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "中断" in err
    assert [p.name for p in out.iterdir()] == ["unit_scores.csv"]
    assert (out / "unit_scores.csv").read_text(encoding="utf-8") == "previous complete run\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["2025"]


def test_an_unknown_language_is_an_argument_error_not_a_traceback(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--lang", "xx", "check", "--data", "x"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--lang" in err and "'zh'" in err and "Traceback" not in err


def test_answer_notices_refuses_a_missing_folder_and_a_folder_of_other_workbooks(tmp_path, capsys):
    import openpyxl

    assert cli.main(["sample", "--answer-notices", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "找不到整改通知文件夹" in capsys.readouterr().err
    openpyxl.Workbook().save(tmp_path / "accounts.xlsx")
    assert cli.main(["sample", "--answer-notices", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "不是整改通知" in capsys.readouterr().err


def test_a_run_that_drops_the_last_runs_comparison_says_so(tmp_path, capsys):
    import json

    from liuan_eval.commands.run import _note_a_dropped_comparison

    (tmp_path / "assessment").mkdir()
    manifest = tmp_path / "assessment" / "manifest.json"
    manifest.write_text(json.dumps({"tables": {"tables.previous_period": {}}}), encoding="utf-8")
    _note_a_dropped_comparison(tmp_path)
    assert "--previous" in capsys.readouterr().err
    manifest.write_text(json.dumps({"tables": {"tables.key_figures": {}}}), encoding="utf-8")
    _note_a_dropped_comparison(tmp_path)
    _note_a_dropped_comparison(tmp_path / "nothing-here")
    assert capsys.readouterr().err == ""


def test_score_takes_a_period_the_way_run_does(tmp_path, capsys):
    data = tmp_path / "d"
    data.mkdir()
    (data / "accounts.csv").write_text("单位名称,单位类型,平台,账号ID,账号名称,开通时间\n"
                                       "金安区,县区,微博,1001,金安区人民政府发布,2016-10-08\n", encoding="utf-8")
    days = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    quiet = (days.month != 5) | (days.day < 2) | (days.day > 20)  # nothing 2–20 May
    rows = [f"1001,微博,w{i},{d:%Y-%m-%d} 09:00,通知" for i, d in enumerate(days[quiet])]
    (data / "posts.csv").write_text("账号ID,平台,信息ID,发布时间,内容\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert cli.main(["score", "--data", str(data), "--period", "2025Q2", "--out", str(tmp_path / "q2")]) == 0
    assert "2025年第二季度考核" in capsys.readouterr().out
    q2 = pd.read_csv(tmp_path / "q2" / "findings.csv")
    dormant = q2[q2["criterion"] == "C15"]
    assert len(dormant) == 1 and "2025-05-02" in dormant["explanation"].iloc[0]
    assert cli.main(["score", "--data", str(data), "--period", "2025Q3", "--out", str(tmp_path / "q3")]) == 0
    assert "2025年第三季度考核" in capsys.readouterr().out
    assert "C15" not in set(pd.read_csv(tmp_path / "q3" / "findings.csv")["criterion"])
    assert cli.main(["score", "--data", str(data), "--out", str(tmp_path / "none")]) == 2
    assert "--year、--period 或 --from/--to" in capsys.readouterr().err
