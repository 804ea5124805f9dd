"""C20 (内容审核) in the outputs: the suspects table (CSV and workbook) and its part of the HTML report.

Rendered from ``Assessment.content_suspects`` only (nothing recomputed): the CSV
``content_suspects.csv`` with English headers, the workbook sheet 内容审核疑点 with Chinese
ones (疑点编号 and 核定结果 among them, so the sheet filled in is a confirmations file), and in
the report's 通报整改 section the confirmed findings and the suspects still to review.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"suspect_id": ["S1"], "status": ["待核定"], "verdict": [""], "kind_label": ["易混错字"]})
>>> content_sheet(t).columns.tolist()
['疑点编号', '核定状态', '核定结果', '种类']
"""
from __future__ import annotations

import pandas as pd

from liuan_eval.report import tables as T

#: Chinese headers of the suspects table.
SUSPECT_LABELS = {
    "suspect_id": "疑点编号", "status": "核定状态", "verdict": "核定结果", "source": "来源", "item_id": "信息编号",
    "field": "字段", "kind": "种类代码", "kind_label": "种类", "rule": "规则", "start": "起始位置", "end": "结束位置",
    "matched": "命中内容", "correction": "建议", "context": "上下文", "note": "核定说明", "confirmed_in": "核定依据",
    "published_at": "发布时间",
}
SOURCE_LABELS = {"posts": "发布信息", "releases": "重要信息", "replies": "留言答复"}
_COLUMNS = ["suspect_id", "status", "verdict", "source", "item_id", "field", "unit", "account_id", "account_name",
            "platform", "published_at", "kind", "kind_label", "rule", "start", "end", "matched", "correction",
            "context", "note", "confirmed_in"]


def content_table(assessment) -> pd.DataFrame:
    """``content_suspects.csv``: the assessment's suspects (empty with the columns when C20 was not assessed)."""
    s = getattr(assessment, "content_suspects", None)
    if s is None:
        return T._empty(_COLUMNS)
    return T.stringify(s.reset_index(drop=True))


def content_sheet(table: pd.DataFrame) -> pd.DataFrame:
    """The workbook sheet 内容审核疑点: Chinese headers and labels (fill 核定结果 in, hand it back)."""
    out = table.copy()
    if "source" in out.columns:
        out["source"] = out["source"].astype("str").replace(SOURCE_LABELS)
    return T.to_chinese(out, SUSPECT_LABELS)


def suspect_counts(suspects: pd.DataFrame) -> dict:
    """How many suspects in all, by status (确认, 不成立, 待核定) and by kind (label → count, most first).

    The one count the HTML report and the 通报 both print.

    Examples
    --------
    >>> s = pd.DataFrame({"status": ["确认", "待核定", "待核定"], "kind_label": ["错误表述", "易混错字", "易混错字"]})
    >>> n = suspect_counts(s)
    >>> n["total"], n["确认"], n["待核定"], n["不成立"], n["kinds"]
    (3, 1, 2, 0, {'易混错字': 2, '错误表述': 1})
    """
    status = suspects["status"].astype("str").value_counts()
    kinds = suspects["kind_label"].astype("str").value_counts()
    return {"total": int(len(suspects)), **{k: int(status.get(k, 0)) for k in ("确认", "不成立", "待核定")},
            "kinds": {str(k): int(v) for k, v in kinds.items()}}


def pending_suspects(report) -> pd.DataFrame | None:
    """The suspects still to review (status 待核定), in the suspects table's order; ``None`` when C20 was
    not assessed."""
    s = getattr(report.assessment, "content_suspects", None)
    if s is None:
        return None
    return s[s["status"].astype("str") == "待核定"]


def content_review(report, section) -> None:
    """Add C20's part to a report section: counts, the confirmed findings, the suspects to review."""
    crits = getattr(report.assessment, "criteria", None)
    if crits is None or "C20" not in crits:
        return
    section.raw("<h3>内容审核（C20）：疑点与核定结果</h3>")
    s = getattr(report.assessment, "content_suspects", None)
    if s is None:
        na = report.assessment.not_assessed
        reason = na.loc[na["criterion"] == "C20", "reason"] if na is not None and len(na) else pd.Series([], dtype="str")
        section.missing("未评估：" + (reason.iloc[0] if len(reason) else "没有可检查的发布内容"))
        return
    n = suspect_counts(s)
    by_kind = "，".join(f"{k} {v} 处" for k, v in n["kinds"].items()) or "无"
    section.text(f"按内容审核规则（错误表述、不宜表述、易混错字、公民个人信息、外部链接）检查发布信息、重要信息和留言答复，"
                 f"共发现疑点 {n['total']} 处（{by_kind}）；已核定确认 {n['确认']} 处、"
                 f"不成立 {n['不成立']} 处，待核定 {n['待核定']} 处。"
                 "只有核定确认的疑点扣分。核定方法：在“内容审核疑点”表（Excel 工作簿同名工作表或 content_suspects.csv）"
                 "的“核定结果”列填写“确认”或“不成立”，用 --confirmations 指定该文件重新运行。")
    f = report.assessment.findings
    found = f[f["criterion"] == "C20"] if len(f) else f
    if len(found):
        section.table(found[["unit", "account_id", "platform", "window_start", "explanation", "points"]],
                      "已核定确认的内容问题（扣分）", {"window_start": "发布时间"}, limit=None)
    pending = pending_suspects(report)
    if len(pending):
        cols = ["suspect_id", "unit", "account_name", "source", "item_id", "published_at", "kind_label", "matched",
                "correction", "context"]
        shown = pending[cols].assign(source=pending["source"].astype("str").replace(SOURCE_LABELS))
        section.table(shown, "待核定的内容审核疑点", SUSPECT_LABELS, limit=60)


__all__ = ["SUSPECT_LABELS", "content_review", "content_sheet", "content_table", "pending_suspects", "suspect_counts"]
