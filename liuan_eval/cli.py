"""The ``liuan-eval`` command line.

Each sub-command lives in the package :mod:`liuan_eval.commands`: the module named in
:data:`COMMANDS` defines ``configure(parser)`` (adds its arguments) and
``run(args) -> int`` (does the work, returns the exit status), or
``configure_<command>``/``run_<command>`` when it holds several commands. This file only
dispatches, so adding a command never touches another command's code.
"""
from __future__ import annotations

import argparse
import importlib
import re
import signal
import sys
import threading

from liuan_eval.i18n import language, set_language, tr

#: sub-command -> (module, Chinese help, English help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "sample": ("liuan_eval.commands.sample", "生成带已知问题的样例数据", "generate sample data with planted problems"),
    "ingest": ("liuan_eval.commands.ingest", "读取并清洗一个表的文件", "read and clean the files of one table"),
    "check": ("liuan_eval.commands.check", "运行前检查数据", "pre-flight check of a data folder"),
    "templates": ("liuan_eval.commands.templates", "生成Excel填报模板", "write the Excel fill-in templates"),
    "score": ("liuan_eval.commands.score", "按考核标准评分", "score units and accounts against the criteria"),
    "train-topic": ("liuan_eval.commands.text", "训练留言主题分类模型", "train the message topic model"),
    "train-sentiment": ("liuan_eval.commands.text", "训练情感分析模型", "train the sentiment model"),
    "classify": ("liuan_eval.commands.text", "对留言分类、情感分析和风险识别", "classify messages: topic, sentiment, risk"),
    "learn": ("liuan_eval.commands.text", "用分办核定结果改进主题模型", "fold the office's corrections into the topic model"),
    "run": ("liuan_eval.commands.run", "运行完整年度考核并生成报告", "run the whole annual assessment and report"),
}


def _pre_language(argv: list[str]) -> None:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif a.startswith("--lang="):
            value = a.split("=", 1)[1]
        else:
            continue
        if value in ("zh", "en"):  # anything else: argparse names the choices
            set_language(value)


class _Formatter(argparse.HelpFormatter):
    """argparse's help with its own words ("usage:") in the analyst's language."""

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:
            prefix = tr("用法: ", "usage: ")
        return super().add_usage(usage, actions, groups, prefix=prefix)


_ARGPARSE_ZH = [
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必需的参数：\1"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"), r"参数 \1 的值 \2 无效，可选：\3"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), r"参数 \1 的值 \3 无效（应为 \2）"),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 后面需要一个值"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own error messages follow the analyst's language."""

    def error(self, message):
        if language() == "zh":
            for pattern, zh in _ARGPARSE_ZH:
                if pattern.search(message):
                    message = pattern.sub(zh, message)
                    break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {tr('错误', 'error')}: {message}\n")


def _localise(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Chinese titles and a Chinese ``-h`` for a parser made with ``add_help=False``."""
    parser._positionals.title = tr("位置参数", "positional arguments")
    parser._optionals.title = tr("选项", "options")
    parser.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                        help=tr("显示本帮助并退出", "show this help message and exit"))
    return parser


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; only ``command``'s module is imported and configured.

    Importing one sub-command's module at a time keeps ``liuan-eval ingest`` from
    loading scikit-learn or matplotlib.
    """
    parser = _localise(_Parser(
        prog="liuan-eval", add_help=False, formatter_class=_Formatter,
        description=tr("六安市政务“两微一端”年度考核工具", "Lu'an government new-media annual assessment"),
    ))
    parser.add_argument("--lang", choices=["zh", "en"], default=None,
                        help=tr("输出语言（默认中文）", "output language (default Chinese)"))
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", title=tr("子命令", "commands"),
                                 parser_class=_Parser)
    for name, (module, zh, en) in COMMANDS.items():
        sub = _localise(subs.add_parser(name, help=tr(zh, en), description=tr(zh, en), add_help=False,
                                        formatter_class=_Formatter))
        sub.add_argument("--lang", choices=["zh", "en"], default=None, help=argparse.SUPPRESS)
        if name == command:
            mod = importlib.import_module(module)
            configure = getattr(mod, f"configure_{name.replace('-', '_')}", None) or mod.configure
            configure(sub)
        sub.set_defaults(_module=module, _command=name)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Every error the analyst can fix (:class:`liuan_eval.errors.UserError`, and the
    operating system's refusals to read or write a file) is printed once, in the
    analyst's language, with exit status 2; Ctrl-C prints one line and exits with 130.
    """
    from liuan_eval.errors import (
        INTERRUPTED_EXIT,
        USER_ERROR_EXIT,
        UserError,
        interrupted,
        mark_interrupted,
        os_error_message,
    )

    def on_sigint(signum, frame):
        mark_interrupted()  # remembered even where the KeyboardInterrupt below is swallowed
        raise KeyboardInterrupt

    argv = list(sys.argv[1:] if argv is None else argv)
    _pre_language(argv)
    mark_interrupted(False)
    previous = signal.signal(signal.SIGINT, on_sigint) if threading.current_thread() is threading.main_thread() \
        else None
    default_hook = sys.unraisablehook

    def quiet_interrupts(unraisable):  # Ctrl-C landing in a finaliser: noted above, not a traceback
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            return
        default_hook(unraisable)

    sys.unraisablehook = quiet_interrupts
    try:
        command = next((a for a in argv if a in COMMANDS), None)
        parser = build_parser(command)
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 2
        mod = importlib.import_module(args._module)
        run = getattr(mod, f"run_{args._command.replace('-', '_')}", None) or mod.run
        status = int(run(args) or 0)
        if interrupted():
            raise KeyboardInterrupt
        return status
    except UserError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a file the system refuses to read or write: the analyst can fix it
        print(str(os_error_message(exc)), file=sys.stderr)
        return USER_ERROR_EXIT
    except KeyboardInterrupt:
        print(tr("\n已中断（Ctrl-C）。本次运行未完成的输出已删除，之前的结果保持不变。",
                 "\ninterrupted (Ctrl-C). This run's unfinished output was removed; earlier results are untouched."),
              file=sys.stderr)
        return INTERRUPTED_EXIT
    finally:
        sys.unraisablehook = default_hook
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
