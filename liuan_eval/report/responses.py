"""Reading the returned notices back (``liuan-eval run --responses DIR``).

Each unit returns its notice (``units/<unit>.xlsx``) with 整改情况, 是否申诉 and 申诉理由 filled;
the office fills 核定结果. :func:`read_responses` reads every ``.xlsx`` in the folder, checks each
row against the findings of the period (its ``问题编号``) and returns one row per answer. A
finding whose 核定结果 is ``申诉成立`` is withdrawn from the assessment
(:func:`liuan_eval.scoring.score`'s ``withdrawn``); the reported rectification is kept with the
report (``responses``) and carried into the next period's follow-up (``--previous``).

A row that cannot be used — a 问题编号 that is not this period's (a foreign row), a unit that does
not match it, a value outside the drop-down lists, an accepted appeal without a reason, the same
finding answered twice differently — stops the run with one message naming each file, Excel row
and column (:class:`ResponseError`); nothing is half-applied.

Examples
--------
>>> import tempfile, pathlib
>>> try:
...     read_responses(pathlib.Path(tempfile.mkdtemp()), pd.DataFrame({"finding_id": [], "unit": []}))
... except UserError as e:
...     print(str(e)[:20])
错误：回复文件夹中没有 Excel 文件
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from liuan_eval.errors import UserError
from liuan_eval.report.unit_notices import (
    APPEAL_CHOICES,
    DECISION_CHOICES,
    HEADERS,
    NOTICE_SHEET,
    RESPONSE_COLUMNS,
)

#: Columns of the responses table.
RESPONSE_TABLE_COLUMNS = ["finding_id", "unit", "account_id", "criterion", "rectification", "appeal",
                          "appeal_reason", "decision", "file", "row"]
ACCEPTED = "申诉成立"
RECTIFIED = "已整改"


class ResponseError(UserError):
    """Returned notices with rows that cannot be used: every problem with its file, row and column."""

    def __init__(self, problems: list[tuple[str, object, str, str]], folder: Path | None = None):
        self.problems = problems
        lines_zh = [f"  {f} 第{r}行 “{c}”：{m}" if r != "" else f"  {f} “{c}”：{m}" for f, r, c, m in problems]
        lines_en = [f"  {f} row {r} column '{c}': {m}" for f, r, c, m in problems]
        where = f"（{folder}）" if folder is not None else ""
        super().__init__(f"错误：回复的整改通知{where}有 {len(problems)} 处无法使用，请改正后重新运行：\n" + "\n".join(lines_zh),
                         f"error: {len(problems)} unusable entries in the returned notices:\n" + "\n".join(lines_en))


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _read_file(path: Path, problems: list) -> pd.DataFrame | None:
    import openpyxl

    name = path.name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the analyst's to replace
        problems.append((name, "", "—", f"无法作为 Excel 工作簿读取（{type(exc).__name__}）"))
        return None
    try:
        if NOTICE_SHEET not in wb.sheetnames:
            problems.append((name, "", NOTICE_SHEET, f"没有“{NOTICE_SHEET}”工作表（请交回下发的整改通知）"))
            return None
        rows = list(wb[NOTICE_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        problems.append((name, 1, HEADERS["finding_id"], "工作表为空"))
        return None
    header = [_text(h) for h in rows[0]]
    needed = [HEADERS["finding_id"], *(HEADERS[c] for c in RESPONSE_COLUMNS)]
    lacking = [h for h in needed if h not in header]
    for h in lacking:
        problems.append((name, 1, h, "表头中没有这一列（请勿删改表头）"))
    if lacking:
        return None
    cols = {h: header.index(h) for h in header if h}
    body = [r for r in rows[1:]]
    frame = pd.DataFrame({h: [_text(r[i]) if i < len(r) else "" for r in body] for h, i in cols.items()},
                         dtype="str")
    frame["_file"] = name
    frame["_row"] = range(2, 2 + len(frame))
    return frame


#: spreadsheet formats a unit may send its notice back in that are not read (only .xlsx is)
_OTHER_SHEETS = (".xls", ".et", ".ett", ".ods", ".csv", ".xlsb", ".numbers", ".wps")


def read_responses(folder, items: pd.DataFrame) -> pd.DataFrame:
    """Read the returned notices in ``folder`` against this period's ``notice_items``.

    Parameters
    ----------
    folder : str or Path
        The folder of returned ``.xlsx`` notices (sub-folders included).
    items : DataFrame
        The report's ``notice_items`` (``finding_id``, ``unit``, ``account_id``, ``criterion``).

    Returns
    -------
    DataFrame
        :data:`RESPONSE_TABLE_COLUMNS`, one row per answered finding (rows with nothing filled
        in are left out), sorted by file and row.

    Raises
    ------
    ResponseError
        Any row that cannot be used (the message names file, row and column).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResponseError([(str(folder), "", "—", "回复文件夹不存在")])
    files = sorted(p for p in folder.rglob("*.xlsx") if not p.name.startswith(("~$", ".")))
    # a notice saved again in another format (.xls, WPS .et, .csv…) is not read: each is pointed out
    other = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in _OTHER_SHEETS
                   and not p.name.startswith(("~$", ".")))
    if not files and not other:
        raise UserError(f"错误：回复文件夹中没有 Excel 文件（{folder}）：请把各单位交回的整改通知（.xlsx）放进去",
                        f"error: no Excel files in the responses folder {folder}")
    problems: list[tuple[str, object, str, str]] = [
        (str(p), "", "—", f"不是 .xlsx 文件（{p.suffix}）：请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再放回")
        for p in other]
    frames = [f for f in (_read_file(p, problems) for p in files) if f is not None]
    if problems and not frames:
        raise ResponseError(problems, folder)
    h = HEADERS
    r = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for c in (h["unit"],):
        if c not in r.columns:
            r[c] = ""
    answer_cols = [h[c] for c in RESPONSE_COLUMNS]
    filled = r[answer_cols].ne("").any(axis=1)
    fid = r[h["finding_id"]]
    known = items.drop_duplicates("finding_id").set_index("finding_id") if len(items) else pd.DataFrame(
        columns=["unit", "account_id", "criterion"])

    def flag(mask: pd.Series, column: str, message) -> None:
        for i in r.index[mask.to_numpy()]:
            text = message(r.loc[i]) if callable(message) else message
            problems.append((r.at[i, "_file"], int(r.at[i, "_row"]), column, text))

    flag(fid.eq("") & filled, h["finding_id"], "填写了回复但缺少问题编号")
    foreign = fid.ne("") & ~fid.isin(known.index)
    flag(foreign, h["finding_id"], lambda row: f"“{row[h['finding_id']]}”不是本期通报的问题（可能来自其他期或其他单位的文件）")
    ours = fid.ne("") & ~foreign
    unit_of = fid.map(known["unit"]) if len(known) else pd.Series("", index=r.index)
    flag(ours & r[h["unit"]].ne("") & r[h["unit"]].ne(unit_of.fillna("")), h["unit"],
         lambda row: f"单位“{row[h['unit']]}”与问题编号所属单位“{known.at[row[h['finding_id']], 'unit']}”不符")
    appeal, decision = r[h["appeal"]], r[h["decision"]]
    flag(~appeal.isin(["", *APPEAL_CHOICES]), h["appeal"],
         lambda row: f"“{row[h['appeal']]}”不是可选值（{'、'.join(APPEAL_CHOICES)}）")
    flag(~decision.isin(["", *DECISION_CHOICES]), h["decision"],
         lambda row: f"“{row[h['decision']]}”不是可选值（{'、'.join(DECISION_CHOICES)}）")
    accepted = decision.eq(ACCEPTED)
    flag(accepted & appeal.ne("是"), h["decision"], "核定为申诉成立，但“是否申诉”不是“是”")
    flag(accepted & r[h["appeal_reason"]].eq(""), h["appeal_reason"], "核定为申诉成立，但没有申诉理由")
    use = ours & filled
    answers = r[use].copy()
    dup = answers.duplicated(h["finding_id"], keep="first")
    if dup.any():
        first = answers.drop_duplicates(h["finding_id"]).set_index(h["finding_id"])
        same = answers[answer_cols].eq(first.loc[answers[h["finding_id"]], answer_cols].to_numpy()).all(axis=1)
        clash = dup & ~same
        for i in answers.index[clash.to_numpy()]:
            f0 = first.loc[answers.at[i, h["finding_id"]]]
            problems.append((answers.at[i, "_file"], int(answers.at[i, "_row"]), h["finding_id"],
                             f"问题“{answers.at[i, h['finding_id']]}”已在 {f0['_file']} 第{int(f0['_row'])}行回复过，两处不一致"))
        answers = answers[~dup]
    if problems:
        raise ResponseError(problems, folder)
    out = pd.DataFrame({
        "finding_id": answers[h["finding_id"]], "unit": answers[h["finding_id"]].map(known["unit"]),
        "account_id": answers[h["finding_id"]].map(known["account_id"]),
        "criterion": answers[h["finding_id"]].map(known["criterion"]),
        "rectification": answers[h["rectification"]], "appeal": answers[h["appeal"]],
        "appeal_reason": answers[h["appeal_reason"]], "decision": answers[h["decision"]],
        "file": answers["_file"], "row": answers["_row"].astype("int64")})
    return out.astype({c: "str" for c in RESPONSE_TABLE_COLUMNS if c != "row"}).reset_index(drop=True)


def accepted_appeals(responses: pd.DataFrame | None) -> pd.DataFrame | None:
    """The answers whose 核定结果 is 申诉成立 (what :func:`liuan_eval.scoring.score` withdraws)."""
    if responses is None or responses.empty:
        return None
    return responses[responses["decision"] == ACCEPTED].reset_index(drop=True)


__all__ = ["ACCEPTED", "RESPONSE_TABLE_COLUMNS", "ResponseError", "accepted_appeals", "read_responses"]
