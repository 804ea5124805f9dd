"""The annual report: tables, charts, the Excel workbook and ``liuan-eval run``.

``run_assessment`` runs the whole assessment (load → classify → score → report) and writes
the report folder; ``configure``/``run`` are the ``liuan-eval run`` command.
"""
from __future__ import annotations


def __getattr__(name: str):
    if name in ("run_assessment", "configure", "run", "assess", "AnnualReport", "write_outputs"):
        from liuan_eval.report import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'liuan_eval.report' has no attribute {name!r}")
