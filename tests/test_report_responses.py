"""Reading the returned notices back (``run --responses``): an accepted appeal withdraws exactly its finding
and restores exactly its deduction; the answers are kept; bad or foreign rows stop the run naming file,
row and column."""
from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pandas as pd
import pytest

from liuan_eval.report import pipeline
from liuan_eval.report.responses import ResponseError
from liuan_eval.report.unit_notices import HEADERS, NOTICE_SHEET, UNITS_DIR

YEAR = 2025
ISSUED = dt.date(2026, 2, 2)
REASON = "该时段账号正常发布，平台导出遗漏，附后台截图"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(small_sample):
    return small_sample  # read only (conftest: 2025, seed 11, scale 0.1)


@pytest.fixture(scope="module")
def first(data, tmp_path_factory) -> pipeline.RunResult:
    return pipeline.run_assessment(data, YEAR, tmp_path_factory.mktemp("r1") / "2025", notebook=False,
                                   progress=False, issued=ISSUED)


def _pick(first):
    """A finding whose restored deduction is not clipped at 0 (its unit keeps points on the criterion)."""
    a = first.report.assessment
    crits = a.criteria
    items = first.report.tables["notice_items"]
    us = a.unit_scores.set_index("unit")
    for row in items.itertuples():
        c = crits[row.criterion]
        n = int(((a.findings["unit"] == row.unit) & (a.findings["criterion"] == row.criterion)).sum())
        if row.unit and c.weight - c.deduction * n >= 0 and c.deduction > 0 and not c.veto \
                and us.loc[row.unit, row.criterion] == c.weight - c.deduction * n \
                and (items["unit"] == row.unit).sum() >= 2:
            return row
    raise AssertionError("no suitable finding")


def _answer(src, dst, edits: dict[str, dict[str, str]]):
    """Copy a notice and fill cells: 问题编号 → {header: value}."""
    wb = openpyxl.load_workbook(src)
    ws = wb[NOTICE_SHEET]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        fid = row[header.index(HEADERS["finding_id"])].value
        for col, value in edits.get(fid, {}).items():
            row[header.index(col)].value = value
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return dst


@pytest.fixture(scope="module")
def answered(first, tmp_path_factory):
    pick = _pick(first)
    items = first.report.tables["notice_items"]
    other = items[(items["unit"] == pick.unit) & (items["finding_id"] != pick.finding_id)].iloc[0]
    folder = tmp_path_factory.mktemp("responses")
    src = next(p for p in (first.out / UNITS_DIR).glob("*.xlsx") if p.stem == pick.unit)
    _answer(src, folder / src.name, {
        pick.finding_id: {HEADERS["appeal"]: "是", HEADERS["appeal_reason"]: REASON, HEADERS["decision"]: "申诉成立"},
        other.finding_id: {HEADERS["rectification"]: "已恢复日常更新，明确专人值守", HEADERS["decision"]: "已整改"}})
    return pick, other, folder


@pytest.fixture(scope="module")
def second(data, answered, tmp_path_factory) -> pipeline.RunResult:
    _, _, folder = answered
    return pipeline.run_assessment(data, YEAR, tmp_path_factory.mktemp("r2") / "2025", notebook=False,
                                   progress=False, issued=ISSUED, responses=folder)


def test_the_accepted_appeal_withdraws_its_finding_and_nothing_else(first, second, answered):
    pick, _, _ = answered
    a, b = first.report.assessment, second.report.assessment
    ids = first.report.tables["notice_items"].set_index("finding_id")
    from liuan_eval.scoring.appeals import finding_ids

    before = a.findings.assign(_id=finding_ids(a.findings).to_numpy())
    expected = before[before["_id"] != pick.finding_id].drop(columns="_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(b.findings.reset_index(drop=True), expected)
    assert len(b.findings) == len(a.findings) - 1 and pick.finding_id in ids.index


def test_its_deduction_is_restored_and_every_other_score_is_unchanged(first, second, answered):
    pick, _, _ = answered
    a, b = first.report.assessment, second.report.assessment
    crit = a.criteria[pick.criterion]
    ua, ub = a.unit_scores.set_index("unit"), b.unit_scores.set_index("unit")
    assert ub.loc[pick.unit, pick.criterion] == ua.loc[pick.unit, pick.criterion] + crit.deduction
    crit_cols = [c for c in ua.columns if c.startswith("C")]
    others = ua.index != pick.unit
    pd.testing.assert_frame_equal(ua.loc[others, crit_cols + ["total"]], ub.loc[others, crit_cols + ["total"]])
    same = ua.loc[pick.unit, crit_cols].drop(pick.criterion)
    assert same.equals(ub.loc[pick.unit, crit_cols].drop(pick.criterion))
    assert ub.loc[pick.unit, "total"] > ua.loc[pick.unit, "total"]
    if pick.account_id:
        aa, ab = a.account_scores.set_index("account_id"), b.account_scores.set_index("account_id")
        rest = aa.index != pick.account_id
        cols = [c for c in aa.columns if c.startswith("C")] + ["total"]
        pd.testing.assert_frame_equal(aa.loc[rest, cols], ab.loc[rest, cols])


def test_the_reason_is_kept_in_the_tables_the_workbook_and_the_method_section(second, answered):
    pick, other, _ = answered
    gone = second.report.assessment.withdrawn
    assert gone["finding_id"].tolist() == [pick.finding_id] and gone["appeal_reason"].tolist() == [REASON]
    w = pd.read_csv(second.out / "withdrawn.csv", encoding="utf-8-sig")
    assert w["appeal_reason"].tolist() == [REASON]
    wb = openpyxl.load_workbook(second.out / "annual_report.xlsx")
    assert REASON in [c.value for row in wb["申诉成立撤销的问题"].iter_rows() for c in row]
    from liuan_eval.report.sections import section_method

    html = section_method(second.report).html()
    assert REASON in html and "申诉成立" in html
    # the reported rectification is kept for the follow-up, in the saved assessment too
    from liuan_eval.report import load_report

    back = load_report(second.out / "assessment")
    resp = back.tables["responses"].set_index("finding_id")
    assert resp.loc[other.finding_id, "rectification"] == "已恢复日常更新，明确专人值守"
    assert resp.loc[other.finding_id, "decision"] == "已整改"
    assert back.assessment.withdrawn["appeal_reason"].tolist() == [REASON]
    # the re-issued notice of the unit no longer lists the withdrawn finding
    notice = pd.DataFrame(list(openpyxl.load_workbook(next(
        p for p in (second.out / UNITS_DIR).glob("*.xlsx") if p.stem == pick.unit))[NOTICE_SHEET].values))
    assert pick.finding_id not in set(notice[0])


def test_bad_and_foreign_rows_name_file_row_and_column(first, data, tmp_path):
    items = first.report.tables["notice_items"]
    unit = items["unit"].iloc[0]
    mine = items[items["unit"] == unit]["finding_id"].tolist()
    src = next(p for p in (first.out / UNITS_DIR).glob("*.xlsx") if p.stem == unit)
    folder = tmp_path / "bad"
    _answer(src, folder / "退回.xlsx", {mine[0]: {HEADERS["appeal"]: "可能"},
                                        **({mine[1]: {HEADERS["decision"]: "申诉成立", HEADERS["appeal"]: "是"}}
                                           if len(mine) > 1 else {})})
    wb = openpyxl.load_workbook(folder / "退回.xlsx")
    ws = wb[NOTICE_SHEET]
    ws.append(["C15-deadbeef", unit] + [None] * 11 + ["已整改"])
    wb.save(folder / "退回.xlsx")
    with pytest.raises(ResponseError) as err:
        pipeline.run_assessment(data, YEAR, tmp_path / "out", notebook=False, progress=False, issued=ISSUED,
                                responses=folder)
    text = str(err.value)
    assert "退回.xlsx 第2行 “是否申诉”：“可能”不是可选值" in text
    assert f"退回.xlsx 第{len(mine) + 2}行 “问题编号”：“C15-deadbeef”不是本期通报的问题" in text
    if len(mine) > 1:
        assert "退回.xlsx 第3行 “申诉理由”：核定为申诉成立，但没有申诉理由" in text
    assert not (tmp_path / "out").exists()    # nothing written, nothing half-applied
    # the command line: exit status 2 and the same message
    from liuan_eval import cli

    code = cli.main(["run", "--data", str(data), "--year", str(YEAR), "--out", str(tmp_path / "out"), "--quiet",
                     "--no-notebook", "--responses", str(folder)])
    assert code == 2


def test_a_file_without_the_notice_sheet_is_refused(first, data, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(folder / "别的表.xlsx")
    with pytest.raises(ResponseError, match="别的表.xlsx “整改通知”"):
        pipeline.run_assessment(data, YEAR, tmp_path / "out", notebook=False, progress=False, issued=ISSUED,
                                responses=folder)
    shutil.rmtree(folder)


def test_a_notice_saved_again_as_xls_is_pointed_out_not_ignored(first, data, tmp_path):
    """Units re-save the notice as .xls or in WPS's format: its answers would be lost without a word."""
    folder = tmp_path / "xls"
    folder.mkdir()
    (folder / "金安区.xls").write_bytes(b"\xd0\xcf\x11\xe0 an old workbook")
    with pytest.raises(ResponseError, match=r"金安区\.xls.*不是 \.xlsx 文件"):
        pipeline.run_assessment(data, YEAR, tmp_path / "out", notebook=False, progress=False, issued=ISSUED,
                                responses=folder)


def test_the_rehearsal_answers_accept_exactly_one_appeal(first, data, tmp_path):
    """``liuan-eval sample --answer-notices``: every finding answered, one appeal accepted and one rejected;
    read back, exactly the accepted one is withdrawn."""
    from liuan_eval import cli

    answers = tmp_path / "answers"
    assert cli.main(["sample", "--answer-notices", str(first.out / UNITS_DIR), "--out", str(answers)]) == 0
    again = pipeline.run_assessment(data, YEAR, tmp_path / "again", notebook=False, progress=False, issued=ISSUED,
                                    responses=answers)
    resp = again.report.tables["responses"]
    assert len(resp) == len(first.report.tables["notice_items"])
    assert (resp["decision"] == "申诉成立").sum() == 1 and (resp["decision"] == "申诉不成立").sum() == 1
    assert len(again.report.assessment.withdrawn) == 1
    assert len(again.report.assessment.findings) == len(first.report.assessment.findings) - 1
