"""Errors an analyst can fix: one base class, one exit code, one message in two languages.

Every error that comes from the analyst's input — a file that cannot be read, a preset
with a bad key, a data folder that does not exist, an output folder that cannot be
written, data problems that block a run — is a :class:`UserError`. The command line
(:func:`liuan_eval.cli.main`) maps it once to its message (Chinese, or English with
``--lang en``) and exit status :data:`USER_ERROR_EXIT` (2); nothing else prints a
traceback for it. Ctrl-C ends a command with one line and status :data:`INTERRUPTED_EXIT`
(130), as shells expect.

Examples
--------
>>> from liuan_eval.errors import UserError
>>> from liuan_eval.i18n import set_language
>>> e = UserError("找不到数据文件夹：d", "data folder not found: d")
>>> str(e), e.exit_code
('找不到数据文件夹：d', 2)
>>> set_language("en"); str(e)
'data folder not found: d'
>>> set_language("zh")
"""
from __future__ import annotations

from liuan_eval.i18n import tr

#: Exit status of a command that stopped on an error the analyst can fix.
USER_ERROR_EXIT = 2
#: Exit status of a command interrupted with Ctrl-C (128 + SIGINT).
INTERRUPTED_EXIT = 130


_INTERRUPTED = False


def mark_interrupted(value: bool = True) -> None:
    """Note that the analyst pressed Ctrl-C (the command line's SIGINT handler calls it;
    ``False`` clears the note at the start of a command)."""
    global _INTERRUPTED
    _INTERRUPTED = value


def interrupted() -> bool:
    """Whether Ctrl-C was pressed during this command, even where Python swallowed the
    ``KeyboardInterrupt`` (inside a finaliser): an output folder is then never swapped in."""
    return _INTERRUPTED


class UserError(Exception):
    """An error the analyst can fix; ``str()`` is the message in the session's language.

    Parameters
    ----------
    zh : str
        The message in Chinese.
    en : str, optional
        The message in English (defaults to ``zh``).

    Attributes
    ----------
    exit_code : int
        The command line's exit status for it (:data:`USER_ERROR_EXIT`).
    """

    exit_code = USER_ERROR_EXIT

    def __init__(self, zh: str, en: str | None = None):
        self.zh = zh
        self.en = en if en is not None else zh
        super().__init__(self.en)

    def __str__(self) -> str:
        return tr(self.zh, self.en)

    @property
    def developer_text(self) -> str:
        """The message in English (for logs and developers)."""
        return self.en


class DataFolderError(UserError, FileNotFoundError):
    """The data folder given to a command does not exist or is not a folder."""

    def __init__(self, folder):
        self.folder = str(folder)
        super().__init__(f"找不到数据文件夹：{folder}（请检查 --data 后面的路径）",
                         f"data folder not found: {folder} (check the path after --data)")


class OutputError(UserError, OSError):
    """An output folder or file that cannot be written (permissions, a file in the way, a full disk)."""

    def __init__(self, path, reason: str = ""):
        self.path = str(path)
        why = f"：{reason}" if reason else ""
        why_en = f": {reason}" if reason else ""
        super().__init__(f"无法写入输出位置 {path}{why}。请换一个有写权限的文件夹（--out），或关闭正在打开这些文件的程序（如 Excel）后重试。",
                         f"cannot write to {path}{why_en}. Choose a folder you can write to (--out), or close "
                         "programs holding its files open (Excel) and try again.")


def os_error_message(exc: OSError) -> UserError:
    """An :class:`OSError` met while reading or writing a file, as a :class:`UserError`.

    Examples
    --------
    >>> str(os_error_message(PermissionError(13, "Permission denied", "/x/a.csv")))
    '无法读写文件 /x/a.csv：权限不足'
    """
    name = getattr(exc, "filename", None) or ""
    reason_zh = {PermissionError: "权限不足", FileNotFoundError: "文件或文件夹不存在",
                 IsADirectoryError: "这是一个文件夹", NotADirectoryError: "路径中有一段不是文件夹"}
    zh = next((v for k, v in reason_zh.items() if isinstance(exc, k)), exc.strerror or type(exc).__name__)
    en = exc.strerror or type(exc).__name__
    return UserError(f"无法读写文件 {name}：{zh}", f"cannot read or write {name}: {en}")


__all__ = ["DataFolderError", "INTERRUPTED_EXIT", "OutputError", "USER_ERROR_EXIT", "UserError", "interrupted",
           "mark_interrupted", "os_error_message"]
