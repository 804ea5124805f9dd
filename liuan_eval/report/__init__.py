"""The annual report: tables, charts, the Excel workbook and ``liuan-eval run``.

``run_assessment`` runs the whole assessment (load → classify → score → report) and writes
the report folder (the ``liuan-eval run`` command, :mod:`liuan_eval.commands.run`).
"""
from __future__ import annotations


def __getattr__(name: str):
    if name in ("run_assessment", "assess", "open_report", "AnnualReport", "write_outputs"):
        from liuan_eval.report import pipeline

        return getattr(pipeline, name)
    if name in ("load_report", "save_report"):
        from liuan_eval.report import saved

        return getattr(saved, name)
    raise AttributeError(f"module 'liuan_eval.report' has no attribute {name!r}")
