"""liuan_eval: the annual assessment of Lu'an's government Weibo, WeChat and apps.

The public API is small and re-exported here; each name is imported on first use so
that ``import liuan_eval`` stays fast.

Examples
--------
>>> import liuan_eval
>>> "load" in liuan_eval.__all__ and "score" in liuan_eval.__all__
True
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    # ingestion (issue: foundation)
    "Dataset": "liuan_eval.dataset",
    "load": "liuan_eval.io",
    "read_table": "liuan_eval.io",
    "generate_sample": "liuan_eval.sample_data",
    # working days and scoring
    "is_workday": "liuan_eval.workdays",
    "add_workdays": "liuan_eval.workdays",
    "workdays_between": "liuan_eval.workdays",
    "load_criteria": "liuan_eval.criteria",
    "score": "liuan_eval.scoring",
    "Assessment": "liuan_eval.scoring",
    # message intelligence
    "TopicClassifier": "liuan_eval.text",
    "SentimentClassifier": "liuan_eval.text",
    "classify_messages": "liuan_eval.text",
    "detect_bursts": "liuan_eval.text",
    "find_hot_issues": "liuan_eval.text",
    # analyst side and report
    "preflight_check": "liuan_eval.preflight",
    "write_templates": "liuan_eval.templates",
    "run_assessment": "liuan_eval.report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'liuan_eval' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
