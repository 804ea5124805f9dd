"""The command-line dispatcher: help in Chinese by default, English on request."""
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
    assert "缺少必需的参数：--year, --out" in err and "用法: " in err
    try:
        with pytest.raises(SystemExit):
            cli.main(["--lang", "en", "score", "--data", "x"])
        err = capsys.readouterr().err
        assert "the following arguments are required: --year, --out" in err and "usage: " in err
    finally:
        set_language("zh")


def test_unknown_command_is_named_in_chinese(capsys):
    with pytest.raises(SystemExit):
        cli.main(["scor"])
    assert "参数 COMMAND 的值 'scor' 无效" in capsys.readouterr().err
