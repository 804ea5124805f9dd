"""The computed report saved once and reloaded exactly: Parquet tables plus a JSON manifest.

``liuan-eval run`` computes the report once (:func:`liuan_eval.report.pipeline.assess`),
writes the tables and workbook from it, then saves it as ``assessment/`` in the output
folder; the report notebook, given that folder in its ``parameters`` cell, loads it
instead of computing everything again. Opened on its own in JupyterLab, the notebook
computes (same figures either way).

Layout of the folder::

    manifest.json        written last: a folder without it is incomplete and refused
    criteria.toml        the preset the assessment used, as it was
    <table>.parquet      one per table (assessment.findings, messages, tables.daily_posts, ...)

Every table is masked like every output (:func:`liuan_eval.output.mask_frame`).

Examples
--------
>>> import tempfile, pathlib
>>> from liuan_eval.report.saved import load_report
>>> try:
...     load_report(pathlib.Path(tempfile.mkdtemp()))
... except Exception as e:
...     print(type(e).__name__)
SavedReportError
"""
from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.errors import UserError
from liuan_eval.output import mask_frame, write_bytes, write_text

MANIFEST = "manifest.json"
CRITERIA_FILE = "criteria.toml"
FORMAT_VERSION = 1
#: Tables of the scoring engine's Assessment that are saved.
ASSESSMENT_TABLES = ("findings", "unit_scores", "account_scores", "rectification", "closure", "not_assessed",
                     "repost", "withdrawn", "content_suspects")


class SavedReportError(UserError):
    """A folder that does not hold a complete saved assessment."""


def _plain(obj):
    """JSON-ready copies of metric values (numpy numbers as Python numbers, NaN kept)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    return obj


def _kinds(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Object columns holding lists (a hot issue's message ids) and those mixing scalar types
    (the key figures' counts and rates): Parquet would turn the first into arrays and the
    second into floats, so they are stored as lists and as JSON text and restored on load."""
    lists, mixed = [], []
    for c in frame.columns:
        if frame[c].dtype == object:
            values = frame[c].dropna()
            if len(values) and isinstance(values.iloc[0], list | tuple | np.ndarray):
                lists.append(str(c))
            elif len(values) and not values.map(lambda v: isinstance(v, str)).all():
                mixed.append(str(c))
    return lists, mixed


def _json_cell(v) -> str:
    return json.dumps(_plain(v.item() if isinstance(v, np.generic) else v))


def save_report(report, folder) -> Path:
    """Write ``report`` (an :class:`~liuan_eval.report.pipeline.AnnualReport`) into ``folder``.

    Returns the folder. The manifest is written last, so a reader trusts only a complete save.
    """
    folder = Path(folder)
    a = report.assessment
    tables: dict[str, pd.DataFrame] = {}
    for name in ASSESSMENT_TABLES:
        value = getattr(a, name, None)
        if value is not None:
            tables[f"assessment.{name}"] = value
    for name in ("messages", "hot_issues", "bursts"):
        value = getattr(report, name)
        if value is not None:
            tables[name] = value
    pre = report.preflight
    if pre is not None:
        tables["preflight.problems"] = pre.problems
        tables["preflight.coverage"] = pre.coverage
        tables["preflight.files"] = pre.files
    for name, value in report.tables.items():
        if value is not None:
            tables[f"tables.{name}"] = value
    listed = {}
    for name, frame in tables.items():
        buf = io.BytesIO()
        masked = mask_frame(frame)
        masked.columns = [str(c) for c in masked.columns]
        lists, mixed = _kinds(masked)
        for c in mixed:
            masked[c] = masked[c].map(_json_cell).astype("str")
        masked.to_parquet(buf, index=False)
        write_bytes(buf.getvalue(), folder / f"{name}.parquet")
        listed[name] = {"file": f"{name}.parquet", "rows": int(len(frame)), "lists": lists, "json": mixed}
    crits = getattr(a, "criteria", None)
    if crits is not None and getattr(crits, "path", None) is not None:
        write_text(Path(crits.path).read_text(encoding="utf-8"), folder / CRITERIA_FILE, mask=False)
    manifest = {
        "format": FORMAT_VERSION, "year": int(report.year), "criteria": str(report.criteria),
        "criteria_file": CRITERIA_FILE if (folder / CRITERIA_FILE).exists() else None,
        "data_dir": str(report.data_dir), "missing": dict(report.missing), "outputs": list(report.outputs),
        "issued": report.issued.isoformat() if getattr(report, "issued", None) else None,
        "period": None if getattr(report, "period_start", None) is None else {
            "start": report.period_start.isoformat(), "end": report.period_end.isoformat(),
            "label": report.period_label},
        "assessment": {"year": a.year, "caveats": list(a.caveats), "metrics": _plain(dict(a.metrics or {}))},
        "preflight": None if pre is None else {"year": pre.year,
                                               "disabled_criteria": _plain(dict(pre.disabled_criteria))},
        "tables": listed,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True)
    write_text(text + "\n", folder / MANIFEST)
    return folder


def load_report(folder):
    """Read a report saved by :func:`save_report`; the same tables, metrics and preset.

    Raises
    ------
    SavedReportError
        The folder has no complete saved assessment (no manifest, a file missing, another
        format version).
    """
    from liuan_eval.criteria import load_criteria
    from liuan_eval.preflight import CheckResult
    from liuan_eval.report.pipeline import AnnualReport
    from liuan_eval.scoring import Assessment

    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise SavedReportError(f"{folder} 中没有完整的已保存考核结果（缺少 {MANIFEST}）；请重新运行 liuan-eval run",
                               f"{folder} holds no complete saved assessment (no {MANIFEST}); run liuan-eval run again")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise SavedReportError(f"{folder} 的 {MANIFEST} 已损坏（不是有效的 JSON）；请重新运行 liuan-eval run",
                               f"{folder}: {MANIFEST} is damaged (not valid JSON); run liuan-eval run again") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise SavedReportError(f"{folder} 的 {MANIFEST} 不是考核结果清单；请重新运行 liuan-eval run",
                               f"{folder}: {MANIFEST} is not a saved assessment's manifest; run liuan-eval run again")
    if manifest.get("format") != FORMAT_VERSION:
        raise SavedReportError(f"{folder} 的考核结果格式（{manifest.get('format')}）与本程序不符；请重新运行 liuan-eval run",
                               f"{folder}: saved format {manifest.get('format')} is not {FORMAT_VERSION}; run again")
    tables = {}
    for name, entry in manifest["tables"].items():
        f = folder / entry["file"]
        if not f.is_file():
            raise SavedReportError(f"{folder} 的考核结果不完整（缺少 {entry['file']}）；请重新运行 liuan-eval run",
                                   f"{folder}: the saved assessment lacks {entry['file']}; run again")
        try:
            frame = pd.read_parquet(f)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise SavedReportError(f"{folder} 的考核结果文件 {entry['file']} 已损坏，无法读取；请重新运行 liuan-eval run",
                                   f"{folder}: the saved file {entry['file']} is damaged ({type(exc).__name__}); "
                                   "run liuan-eval run again") from None
        for c in entry.get("lists", []):
            frame[c] = frame[c].map(lambda v: list(v) if isinstance(v, np.ndarray | list) else v)
        for c in entry.get("json", []):
            frame[c] = pd.Series([json.loads(v) for v in frame[c]], index=frame.index, dtype=object)
        tables[name] = frame
    crit_file = manifest.get("criteria_file")
    crits = load_criteria(folder / crit_file if crit_file else manifest["criteria"])
    am = manifest["assessment"]
    assessment = Assessment(**{n: tables.get(f"assessment.{n}") for n in ASSESSMENT_TABLES},
                            caveats=list(am["caveats"]), metrics=dict(am["metrics"]), criteria=crits,
                            year=am["year"])
    pm = manifest.get("preflight")
    pre = None
    if pm is not None:
        pre = CheckResult(tables["preflight.problems"], dict(pm["disabled_criteria"]), tables["preflight.coverage"],
                          tables["preflight.files"], pm["year"], None)
    return AnnualReport(
        year=int(manifest["year"]), criteria=manifest["criteria"], data_dir=Path(manifest["data_dir"]),
        assessment=assessment, messages=tables.get("messages"), hot_issues=tables.get("hot_issues"),
        bursts=tables.get("bursts"), preflight=pre,
        tables={n.split(".", 1)[1]: t for n, t in tables.items() if n.startswith("tables.")},
        missing=dict(manifest["missing"]), dataset=None, outputs=list(manifest.get("outputs", [])),
        issued=dt.date.fromisoformat(manifest["issued"]) if manifest.get("issued") else None,
        **_period(manifest.get("period")))


def _period(entry) -> dict:
    if not entry:
        return {}
    return {"period_start": dt.date.fromisoformat(entry["start"]), "period_end": dt.date.fromisoformat(entry["end"]),
            "period_label": entry["label"]}


__all__ = ["MANIFEST", "SavedReportError", "load_report", "save_report"]
