"""Each unit's notice (``units/<unit>.xlsx``): exactly that unit's findings, each with its rule, 整改要求 and
a 整改时限 on a working day, the columns the unit and the office fill left empty; the rectification list
named in the 通报's annex and in its own unit's notice only."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from liuan_eval.report import pipeline
from liuan_eval.report.circular import FILE_NAME, read_docx_text
from liuan_eval.report.unit_notices import HEADERS, NOTICE_SHEET, RESPONSE_COLUMNS, UNITS_DIR, unit_file_name

YEAR = 2025
ISSUED = dt.date(2026, 1, 30)   # 15 working days later crosses the Spring Festival holiday
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> pipeline.RunResult:
    from liuan_eval.sample_data import generate_sample

    data = tmp_path_factory.mktemp("data")
    generate_sample(YEAR, seed=5, out=data, scale=0.1)
    out = tmp_path_factory.mktemp("report") / str(YEAR)
    return pipeline.run_assessment(data, YEAR, out, notebook=False, progress=False, issued=ISSUED)


def _notice(path) -> pd.DataFrame:
    rows = list(openpyxl.load_workbook(path)[NOTICE_SHEET].values)
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def notices(run) -> dict[str, pd.DataFrame]:
    return {p.name: _notice(p) for p in sorted((run.out / UNITS_DIR).glob("*.xlsx"))}


@pytest.fixture(scope="module")
def findings(run) -> pd.DataFrame:
    return pd.read_csv(run.out / "findings.csv", encoding="utf-8-sig", keep_default_na=False)


def test_one_notice_per_unit_with_findings_holding_exactly_its_findings(run, notices, findings):
    assert set(notices) == {unit_file_name(u) for u in findings["unit"]}
    for unit, mine in findings.groupby("unit"):
        notice = notices[unit_file_name(unit)]
        assert set(notice[HEADERS["unit"]]) == {unit}
        got = sorted(zip(notice[HEADERS["criterion"]], notice[HEADERS["explanation"]],
                         notice[HEADERS["points"]].astype(float)))
        assert got == sorted(zip(mine["criterion"], mine["explanation"], mine["points"].astype(float)))
        assert notice[HEADERS["finding_id"]].is_unique
    ids = pd.concat([n[HEADERS["finding_id"]] for n in notices.values()])
    assert ids.is_unique and len(ids) == len(findings)


def test_each_row_names_its_rule_and_remedy_from_the_preset(run, notices):
    crits = run.report.assessment.criteria
    for notice in notices.values():
        for cid, rule, remedy in zip(notice[HEADERS["criterion"]], notice[HEADERS["rule"]], notice[HEADERS["remedy"]]):
            assert rule.startswith(f"{cid}“{crits[cid].name}”") and crits[cid].description in rule
            assert remedy == crits.remedy(cid) and remedy


def test_every_deadline_is_the_preset_number_of_working_days_after_issue(run, notices):
    from liuan_eval.workdays import is_workday, workdays_between

    n = run.report.assessment.criteria.notice["rectify_workdays"]
    days = {d for notice in notices.values() for d in notice[HEADERS["deadline"]]}
    assert len(days) == 1
    [day] = days
    assert bool(is_workday(day)) and int(workdays_between(ISSUED.isoformat(), day)) == n
    assert (pd.Timestamp(day) - pd.Timestamp(ISSUED)).days > n  # the weekends and the holiday were skipped


def test_the_response_columns_are_empty_with_drop_down_lists(run, notices):
    for notice in notices.values():
        for c in RESPONSE_COLUMNS:
            assert HEADERS[c] in notice.columns and notice[HEADERS[c]].isna().all()
    wb = openpyxl.load_workbook(next((run.out / UNITS_DIR).glob("*.xlsx")))
    lists = {dv.formula1 for dv in wb[NOTICE_SHEET].data_validations.dataValidation}
    assert lists == {'"是,否"', '"申诉成立,申诉不成立,已整改,未整改"'}
    assert "说明" in wb.sheetnames


def test_the_rectification_list_is_in_the_annex_and_its_own_units_notice_only(run, notices):
    rect = pd.read_csv(run.out / "rectification.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    accounts = rect[rect["account_id"] != ""]
    assert len(accounts)
    _, tables = read_docx_text(run.out / FILE_NAME)
    annex = {(r[1], r[2]) for r in tables[0][1:]}
    for unit, acc, name in zip(accounts["unit"], accounts["account_id"], accounts["account_name"]):
        assert (unit, name) in annex
        holders = [f for f, n in notices.items() if (n[HEADERS["account_id"]] == acc).any()]
        assert holders == [unit_file_name(unit)]
        mine = notices[unit_file_name(unit)]
        assert (mine.loc[mine[HEADERS["account_id"]] == acc, HEADERS["named"]] == "是").any()


def test_the_saved_assessment_renders_the_same_notices(run, tmp_path):
    from liuan_eval.report import load_report
    from liuan_eval.report.unit_notices import write_unit_notices

    back = load_report(run.out / "assessment")
    files = write_unit_notices(back, tmp_path)
    assert len(files) == len(list((run.out / UNITS_DIR).glob("*.xlsx")))
    for path in files.values():
        assert path.read_bytes() == (run.out / UNITS_DIR / path.name).read_bytes(), path.name
