"""Each unit's notice (整改通知), ``reports/<period>/units/<unit>.xlsx``, and its 整改时限.

One workbook per unit with findings: sheet ``整改通知`` lists each of the unit's findings with
its number (``问题编号``, the key a returned notice is read back by), the evidence sentence,
the rule it breaks (the preset's criterion and its description), 整改要求 (``[notice.remedies]``)
and 整改时限 (``[notice] rectify_workdays`` working days after the date of issue, on the official
calendar :mod:`liuan_eval.workdays`), then the empty columns the unit fills — 整改情况, 是否申诉,
申诉理由 — and 核定结果 for the office (drop-down lists). Sheet ``说明`` says how to fill it.

The rows are the report's ``notice_items`` table (:func:`notice_items`, computed once in
``derived_tables``), so a saved assessment renders the same notices. Written through
:func:`liuan_eval.output.write_bytes` after :func:`liuan_eval.output.mask_frame`.

Examples
--------
>>> import datetime as dt
>>> rectify_deadline(dt.date(2025, 9, 26), 1)        # Friday → Sunday 28 Sept, worked in lieu
datetime.date(2025, 9, 28)
>>> unit_file_name("六安市教育局"), unit_file_name(""), unit_file_name("a/b")
('六安市教育局.xlsx', '未认定单位.xlsx', 'a_b.xlsx')
"""
from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import pandas as pd

from liuan_eval.schemas import PLATFORM_LABELS
from liuan_eval.scoring.appeals import finding_ids

UNITS_DIR = "units"
NOTICE_SHEET = "整改通知"
GUIDE_SHEET = "说明"
NO_UNIT = "未认定单位"
#: Values of the drop-down lists of the columns the unit and the office fill.
APPEAL_CHOICES = ("是", "否")
DECISION_CHOICES = ("申诉成立", "申诉不成立", "已整改", "未整改")

#: notice_items column → header of the returned notice (the reader maps them back by these).
HEADERS = {
    "finding_id": "问题编号", "unit": "单位", "account_name": "账号名称", "account_id": "账号ID",
    "platform": "平台", "criterion": "指标", "criterion_name": "指标名称", "explanation": "问题说明",
    "rule": "违反的规定", "points": "扣分", "named": "通报整改", "remedy": "整改要求", "deadline": "整改时限",
    "rectification": "整改情况", "appeal": "是否申诉", "appeal_reason": "申诉理由", "decision": "核定结果",
}
#: The columns left empty for the unit (整改情况, 是否申诉, 申诉理由) and the office (核定结果).
RESPONSE_COLUMNS = ("rectification", "appeal", "appeal_reason", "decision")
ITEM_COLUMNS = [c for c in HEADERS if c not in RESPONSE_COLUMNS] + ["unit_type"]


def rectify_deadline(issued: dt.date, workdays: int) -> dt.date:
    """整改时限: the day ``workdays`` working days after the date of issue (official calendar).

    Outside the years the calendar covers, Monday to Friday count as working days (the
    report's caveats say so).
    """
    from liuan_eval.workdays import CalendarFallbackWarning, add_workdays

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarFallbackWarning)
        return add_workdays(issued.isoformat(), int(workdays)).date()


def notice_items(findings: pd.DataFrame | None, accounts: pd.DataFrame | None, unit_scores: pd.DataFrame | None,
                 rectification: pd.DataFrame | None, criteria, issued: dt.date | None) -> pd.DataFrame:
    """The rows of the units' notices: every finding with its rule, 整改要求 and 整改时限.

    Parameters
    ----------
    findings, rectification : DataFrame
        The assessment's.
    accounts : DataFrame or None
        The registry (account names).
    unit_scores : DataFrame or None
        For each unit's type.
    criteria : liuan_eval.criteria.Criteria
        The preset (criterion descriptions, ``[notice]``).
    issued : datetime.date or None
        The date of issue; ``None`` leaves 整改时限 empty.

    Returns
    -------
    DataFrame
        ``finding_id, unit, account_name, account_id, platform, criterion, criterion_name,
        explanation, rule, points, named, remedy, deadline, unit_type``, sorted by unit,
        account and criterion.
    """
    if findings is None or findings.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in ITEM_COLUMNS})
    f = findings.reset_index(drop=True)
    names: dict[str, str] = {}
    if accounts is not None and len(accounts):
        names = dict(zip(accounts["account_id"].astype("str"), accounts["account_name"].astype("str")))
    acc = f["account_id"].astype("str").fillna("")
    crits = {c.id: c for c in criteria} if criteria is not None else {}
    rule = f["criterion"].astype("str").map(
        lambda cid: f"{cid}“{crits[cid].name}”：{crits[cid].description}" if cid in crits else cid)
    remedy = f["criterion"].astype("str").map(lambda cid: criteria.remedy(cid) if criteria is not None else "")
    named_accounts = set()
    named_units = set()
    if rectification is not None and len(rectification):
        ra = rectification["account_id"].astype("str").fillna("")
        named_accounts = set(ra[ra.ne("")])
        named_units = set(rectification.loc[ra.eq("").to_numpy(), "unit"].astype("str"))
    rect_ids = {c.id for c in criteria if c.rectify} if criteria is not None else set()
    on_list = f["criterion"].astype("str").isin(rect_ids) & (
        acc.isin(named_accounts) | (acc.eq("") & f["unit"].astype("str").isin(named_units)))
    workdays = int((getattr(criteria, "notice", {}) or {}).get("rectify_workdays", 15))
    deadline = rectify_deadline(issued, workdays) if issued is not None else None
    types = (unit_scores.drop_duplicates("unit").set_index("unit")["unit_type"].astype("str")
             if unit_scores is not None and len(unit_scores) else pd.Series(dtype="str"))
    out = pd.DataFrame({
        "finding_id": finding_ids(f), "unit": f["unit"].astype("str").fillna(""),
        "account_name": acc.map(names).fillna(acc).where(acc.ne(""), ""), "account_id": acc,
        "platform": f["platform"].astype("str").fillna(""), "criterion": f["criterion"].astype("str"),
        "criterion_name": f["criterion_name"].astype("str"), "explanation": f["explanation"].astype("str"),
        "rule": rule.astype("str"), "points": f["points"].astype("float64"), "named": on_list.astype(bool),
        "remedy": remedy.astype("str"),
        "deadline": pd.Series(pd.Timestamp(deadline) if deadline else pd.NaT, index=f.index,
                              dtype="datetime64[ns]"),
        "unit_type": f["unit"].astype("str").map(types).astype("str")})
    return out.sort_values(["unit", "account_id", "criterion", "finding_id"], kind="stable").reset_index(drop=True)


def unit_file_name(unit: str) -> str:
    """The notice's file name: the unit's name, characters no file system takes replaced by ``_``."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", str(unit or "").strip()) or NO_UNIT
    return f"{name}.xlsx"


def notice_frame(items: pd.DataFrame) -> pd.DataFrame:
    """One unit's rows as the notice shows them (Chinese headers, empty response columns)."""
    shown = items.reset_index(drop=True)
    out = pd.DataFrame({
        HEADERS["finding_id"]: shown["finding_id"].astype("str"), HEADERS["unit"]: shown["unit"].astype("str"),
        HEADERS["account_name"]: shown["account_name"].astype("str"),
        HEADERS["account_id"]: shown["account_id"].astype("str"),
        HEADERS["platform"]: shown["platform"].astype("str").map(lambda p: PLATFORM_LABELS.get(p, p)),
        HEADERS["criterion"]: shown["criterion"].astype("str"),
        HEADERS["criterion_name"]: shown["criterion_name"].astype("str"),
        HEADERS["explanation"]: shown["explanation"].astype("str"), HEADERS["rule"]: shown["rule"].astype("str"),
        HEADERS["points"]: shown["points"].astype("float64"),
        HEADERS["named"]: shown["named"].map({True: "是", False: "否"}).astype("str"),
        HEADERS["remedy"]: shown["remedy"].astype("str"),
        HEADERS["deadline"]: pd.to_datetime(shown["deadline"]).dt.strftime("%Y-%m-%d").astype("str"),
    })
    for c in RESPONSE_COLUMNS:
        out[HEADERS[c]] = pd.Series([None] * len(out), dtype="object")
    return out


def guide_frame(unit: str, items: pd.DataFrame, issued: dt.date | None) -> pd.DataFrame:
    """Sheet 说明: what the notice is and how to fill it."""
    deadline = pd.to_datetime(items["deadline"]).max() if len(items) else pd.NaT
    lines = [
        ("单位", unit or NO_UNIT),
        ("成文日期", issued.isoformat() if issued else "—"),
        ("整改时限", deadline.strftime("%Y-%m-%d") if pd.notna(deadline) else "—"),
        ("问题数", str(len(items))),
        ("通报整改问题数", str(int(items["named"].sum())) if len(items) else "0"),
        ("填写说明", "请在“整改通知”表的“整改情况”栏逐条填写整改措施和结果；对问题有异议的，在“是否申诉”栏选“是”，"
                 "在“申诉理由”栏写明理由并附佐证材料。请勿修改“问题编号”及其左侧各栏，不要增删行。"),
        ("核定结果", "“核定结果”栏由市政府办公室填写：申诉成立、申诉不成立、已整改、未整改。申诉成立的问题撤销并恢复扣分。"),
    ]
    return pd.DataFrame({"项目": [k for k, _ in lines], "内容": [v for _, v in lines]})


def notice_bytes(unit: str, items: pd.DataFrame, issued: dt.date | None) -> bytes:
    """One unit's notice workbook as repeatable bytes (masked; drop-down lists on 是否申诉 and 核定结果)."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from liuan_eval.report.excel import build_workbook, workbook_bytes

    wb = build_workbook({NOTICE_SHEET: notice_frame(items), GUIDE_SHEET: guide_frame(unit, items, issued)})
    ws = wb[NOTICE_SHEET]
    headers = [c.value for c in ws[1]]
    n = max(ws.max_row, 2)
    for col, choices in ((HEADERS["appeal"], APPEAL_CHOICES), (HEADERS["decision"], DECISION_CHOICES)):
        letter = get_column_letter(headers.index(col) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        dv.add(f"{letter}2:{letter}{n}")
        ws.add_data_validation(dv)
    for col in (HEADERS["explanation"], HEADERS["rule"], HEADERS["remedy"], HEADERS["rectification"],
                HEADERS["appeal_reason"]):
        letter = get_column_letter(headers.index(col) + 1)
        ws.column_dimensions[letter].width = 40
        for row in range(2, n + 1):
            ws[f"{letter}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    guide = wb[GUIDE_SHEET]
    guide.column_dimensions["B"].width = 80
    for row in guide.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(wb)


def write_unit_notices(report, out) -> dict[str, Path]:
    """Write ``units/<unit>.xlsx`` for every unit with findings; return the paths by ``unit_notice:<unit>``."""
    from liuan_eval.output import write_bytes

    items = report.tables.get("notice_items")
    if items is None or items.empty:
        return {}
    folder = Path(out) / UNITS_DIR
    files = {}
    for unit, rows in items.groupby(items["unit"].astype("str"), sort=True):
        files[f"unit_notice:{unit}"] = write_bytes(notice_bytes(unit, rows, report.issued),
                                                   folder / unit_file_name(unit))
    return files


def notice_names(report) -> set[str]:
    """The notices' paths relative to the output folder (``units/<unit>.xlsx``)."""
    items = report.tables.get("notice_items")
    if items is None or items.empty:
        return set()
    return {f"{UNITS_DIR}/{unit_file_name(u)}" for u in items["unit"].astype("str").unique()}


__all__ = ["HEADERS", "NOTICE_SHEET", "RESPONSE_COLUMNS", "UNITS_DIR", "finding_ids", "notice_items",
           "rectify_deadline", "unit_file_name", "write_unit_notices"]
