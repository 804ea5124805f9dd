"""Chinese by default, English on request, for every message an analyst can see.

Log files and exceptions meant for developers stay in English; what the command line
prints to an analyst goes through :func:`tr`.

Examples
--------
>>> from liuan_eval.i18n import tr, set_language
>>> set_language("zh"); tr("读取完成", "read done")
'读取完成'
>>> set_language("en"); tr("读取完成", "read done")
'read done'
>>> set_language("zh")
"""
from __future__ import annotations

import os

_LANG = os.environ.get("LIUAN_LANG", "zh")


def set_language(lang: str) -> None:
    """Choose ``"zh"`` (default) or ``"en"`` for analyst-facing messages."""
    global _LANG
    if lang not in ("zh", "en"):
        raise ValueError(f"language must be 'zh' or 'en', got {lang!r}")
    _LANG = lang


def language() -> str:
    """The language in force, ``"zh"`` or ``"en"``."""
    return _LANG


def tr(zh: str, en: str) -> str:
    """Return ``zh`` or ``en`` according to the language in force."""
    return en if _LANG == "en" else zh
