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
