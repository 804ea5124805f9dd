"""``run --previous``: this period against the previous run's saved assessment. The previous report is this
period's own, with known changes planted in it (totals moved, a rectification list with an account named
again, one put right and one closed since), so every comparison figure has a known answer."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from liuan_eval.report import load_report, pipeline
from liuan_eval.report.circular import FILE_NAME, read_docx_text
from liuan_eval.report.comparison import FOLLOWUP_AGAIN, FOLLOWUP_CLOSED, FOLLOWUP_DONE, improved_and_fell
from liuan_eval.report.saved import save_report

YEAR = 2025
ISSUED = dt.date(2026, 1, 12)
REPORTED = "已恢复更新并建立值班制度"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data(small_sample):
    return small_sample  # read only (conftest: 2025, seed 11, scale 0.1)


@pytest.fixture(scope="module")
def base(data, tmp_path_factory):
    return pipeline.run_assessment(data, YEAR, tmp_path_factory.mktemp("base") / "2025", notebook=False,
                                   progress=False, issued=ISSUED)


@pytest.fixture(scope="module")
def planted(base, tmp_path_factory):
    """The previous period: this one's report with planted differences, saved as a run folder."""
    prev = load_report(base.out / "assessment")
    prev.year = YEAR - 1
    a = prev.assessment
    us = a.unit_scores.copy()
    units = us.sort_values("unit")["unit"].tolist()
    fell, rose = units[0], units[1]
    us.loc[us["unit"] == fell, "total"] += 5.0       # now 5 points lower than then
    us.loc[us["unit"] == rose, "total"] -= 7.0       # now 7 points higher
    a.unit_scores = us
    now_rect = a.rectification
    again = now_rect[now_rect["account_id"] != ""].iloc[:1]           # named then and again now
    named_now = set(now_rect["account_id"])
    fixed = a.account_scores[~a.account_scores["account_id"].isin(named_now)].iloc[:1]   # named then only
    done = pd.DataFrame({"unit": fixed["unit"], "account_id": fixed["account_id"],
                         "account_name": fixed["account_name"], "platform": fixed["platform"],
                         "criteria": "C15", "findings": pd.array([1], dtype="Int64"), "evidence": "上期长期未更新"})
    closed = done.assign(account_id="WB0000000", account_name="已注销的账号", unit=units[2])
    a.rectification = pd.concat([again, done, closed], ignore_index=True)
    prev.tables["responses"] = pd.DataFrame({
        "finding_id": ["C15-00000000"], "unit": done["unit"].tolist(), "account_id": done["account_id"].tolist(),
        "criterion": ["C15"], "rectification": [REPORTED], "appeal": ["否"], "appeal_reason": [""],
        "decision": ["已整改"], "file": ["x.xlsx"], "row": [2]})
    folder = tmp_path_factory.mktemp("prev") / "2024"
    save_report(prev, folder / "assessment")
    return {"folder": folder, "fell": fell, "rose": rose, "again": again["account_id"].iloc[0],
            "done": done["account_id"].iloc[0], "closed": "WB0000000", "units": units}


@pytest.fixture(scope="module")
def compared(data, planted, tmp_path_factory):
    return pipeline.run_assessment(data, YEAR, tmp_path_factory.mktemp("now") / "2025", notebook=False,
                                   progress=False, issued=ISSUED, previous=planted["folder"])


def test_unit_changes_and_the_units_that_rose_and_fell(compared, planted):
    ch = compared.report.tables["unit_changes"].set_index("unit")
    assert ch.loc[planted["fell"], "change"] == -5.0 and ch.loc[planted["rose"], "change"] == 7.0
    others = ch.drop(index=[planted["fell"], planted["rose"]])
    assert (others["change"] == 0).all() and (others["total_then"] == others["total_now"]).all()
    up, down = improved_and_fell(compared.report.tables["unit_changes"])
    assert up["unit"].tolist() == [planted["rose"]] and down["unit"].tolist() == [planted["fell"]]


def test_the_followup_of_the_last_list_and_the_closure_across_periods(compared, planted):
    f = compared.report.tables["rectification_followup"].set_index("account_id")
    assert f.loc[planted["again"], "status"] == FOLLOWUP_AGAIN
    assert f.loc[planted["done"], "status"] == FOLLOWUP_DONE and f.loc[planted["done"], "reported"] == REPORTED
    assert f.loc[planted["done"], "decision"] == "已整改"
    assert f.loc[planted["closed"], "status"] == FOLLOWUP_CLOSED
    cross = compared.report.tables["closure_across_periods"]
    assert cross["account_id"].tolist() == [planted["again"]] and "建议予以关停" in cross["reason"].iloc[0]
    summary = compared.report.tables["comparison_summary"].set_index("metric")
    assert summary.loc["上期通报整改事项整改到位率", "now"] == 0.5       # 1 put right, 1 named again (closed apart)
    from liuan_eval.commands.run import summary as printed

    assert "跨期建议关停）的账号 1 个" in printed(compared)   # what `liuan-eval run` prints at the end


def test_the_comparison_reaches_the_circular_the_workbook_and_the_saved_report(compared, planted):
    paragraphs, _ = read_docx_text(compared.out / FILE_NAME)
    text = "".join(paragraphs)
    assert f"与上期（{YEAR - 1}年度）相比" in text and "整改到位率50.0%" in text
    assert f"进步较大的单位有{planted['rose']}（上升7分）" in text and f"得分下降的单位有{planted['fell']}（下降5分）" in text
    assert "整改不到位的账号。" in text and "建议予以关停" in text
    wb = openpyxl.load_workbook(compared.out / "annual_report.xlsx")
    for sheet in ("与上期对比", "单位得分变化", "账号得分变化", "上期整改跟踪", "跨期建议关停"):
        assert sheet in wb.sheetnames
    back = load_report(compared.out / "assessment")
    pd.testing.assert_frame_equal(back.tables["unit_changes"], compared.report.tables["unit_changes"])
    from liuan_eval.report.sections import section_actions, section_ranking

    assert "各单位得分与排名变化" in section_ranking(back).html()
    assert "上期通报整改名单的整改情况" in section_actions(back).html()


def test_a_folder_that_is_not_a_saved_run_is_refused_at_once(data, tmp_path):
    from liuan_eval.report.saved import SavedReportError

    with pytest.raises(SavedReportError):
        pipeline.run_assessment(data, YEAR, tmp_path / "out", notebook=False, progress=False,
                                previous=tmp_path)
    assert not (tmp_path / "out").exists()


def test_the_html_sections_typical_experience_requirements_and_the_statistics_annex(compared, planted):
    from liuan_eval.report import sections as S

    r = compared.report
    exp = S.section_experience(r).html()
    assert f"进步最大的单位：{planted['rose']}（+7分）" in exp and "各平台表现最好的账号" in exp
    best = S.best_accounts(r)
    named = set(r.assessment.rectification["account_id"])
    assert len(best) and not set(r.assessment.account_scores.set_index("account_name").loc[
        best["account_name"], "account_id"]) & named
    req = S.section_requirements(r).html()
    assert "抓好问题整改" in req and "15个工作日内" in req
    bursts = pd.DataFrame({"unit": ["金安区"], "topic": ["城乡建设"],
                           "period_start": [pd.Timestamp("2025-03-10", tz="Asia/Shanghai")],
                           "period_end": [pd.Timestamp("2025-03-16", tz="Asia/Shanghai")], "count": [37],
                           "baseline": [1.2], "ratio": [30.8], "p_value": [1e-9], "q_value": [2e-8],
                           "test": ["条件二项检验"]})
    r.bursts, kept = bursts, r.bursts
    try:
        body, annex = S.section_messages(r).html(), S.section_annex_stats(r).html()
    finally:
        r.bursts = kept
    assert "留言突增" in body and "P值" not in body and "q值" not in body
    assert "P值" in annex and "q值" in annex and "1e-09" in annex


# ---- hand-made: which period may be "上期", and the follow-up's keys ---------------------------------------
def _report(period, rect, scores, criteria="liuan_2016", responses=None):
    from types import SimpleNamespace

    return SimpleNamespace(period=period, criteria=criteria, tables={"responses": responses} if responses is not None
                           else {}, assessment=SimpleNamespace(rectification=rect, account_scores=scores,
                                                               criteria=SimpleNamespace(name=criteria)))


@pytest.mark.parametrize(("then", "now", "ok"), [
    (("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31"), True),
    (("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-06-30"), True),    # the quarter before
    (("2025-01-01", "2025-12-31"), ("2025-01-01", "2025-12-31"), False),   # the same period
    (("2026-01-01", "2026-12-31"), ("2025-01-01", "2025-12-31"), False),   # a later one
    (("2025-01-01", "2025-12-31"), ("2025-04-01", "2025-06-30"), False),   # the year holding this quarter
])
def test_the_previous_report_must_be_of_a_period_that_ended_before_this_one(then, now, ok):
    from liuan_eval.errors import UserError
    from liuan_eval.report.comparison import check_previous
    from liuan_eval.report.periods import Period

    def p(a, b):
        return Period(dt.date.fromisoformat(a), dt.date.fromisoformat(b), "期")

    prev = _report(p(*then), None, None)
    if ok:
        assert check_previous(prev, p(*now), "liuan_2016") == []
    else:
        with pytest.raises(UserError, match="--previous"):
            check_previous(prev, p(*now), "liuan_2016")


def test_another_preset_is_a_caveat_of_the_comparison():
    from liuan_eval.report.comparison import check_previous
    from liuan_eval.report.periods import year_period

    got = check_previous(_report(year_period(2024), None, None, criteria="state_council_2019"), year_period(2025),
                         "liuan_2016")
    assert len(got) == 1 and "另一考核标准" in got[0] and "口径不同" in got[0]


def test_followup_matches_accounts_by_id_across_a_renamed_unit_and_a_closure_in_the_period():
    from liuan_eval.report.comparison import rectification_followup
    from liuan_eval.report.periods import year_period

    def rect(rows):
        return pd.DataFrame(rows, columns=["unit", "account_id", "account_name", "platform", "criteria"])

    then = rect([("六安市发展和改革委员会", "A1", "甲", "app", "C15"), ("霍山县", "W2", "乙", "weibo", "C15"),
                 ("霍山县", "W3", "丙", "weibo", "C15"), ("金安区", "", "", "", "C13")])
    now = rect([("六安市发展改革委", "A1", "甲", "app", "C15"), ("金安区", "", "", "", "C13")])
    scores = pd.DataFrame({"account_id": ["A1", "W2", "W3"]})
    accounts = pd.DataFrame({"account_id": ["A1", "W2", "W3"],
                             "closed_at": [pd.NaT, pd.Timestamp("2025-03-03", tz="Asia/Shanghai"), pd.NaT]})
    f = rectification_followup(_report(year_period(2024), then, None), _report(year_period(2025), now, scores).assessment,
                               accounts).set_index(["unit", "account_id"])["status"]
    assert f[("六安市发展和改革委员会", "A1")] == FOLLOWUP_AGAIN     # the same account under the unit's new name
    assert f[("霍山县", "W2")] == FOLLOWUP_CLOSED                   # closed on 3 March, in this period
    assert f[("霍山县", "W3")] == FOLLOWUP_DONE
    assert f[("金安区", "")] == FOLLOWUP_AGAIN                     # a unit's own entry, by its name


def test_the_closure_reason_says_whether_the_same_problem_came_back():
    from liuan_eval.report.comparison import closure_across_periods

    f = pd.DataFrame({"unit": ["霍邱县", "霍邱县"], "account_id": ["W1", "W2"], "account_name": ["甲", "乙"],
                      "platform": ["weibo"] * 2, "criteria_then": ["C15", "C15、C12"], "status": [FOLLOWUP_AGAIN] * 2,
                      "criteria_now": ["C17", "C12"], "reported": "", "decision": ""})
    r = closure_across_periods(f, "2024年度").set_index("account_id")["reason"]
    assert r["W1"] == "2024年度被通报整改（C15），本期又因其他问题（C17）被通报，建议予以关停"
    assert r["W2"] == "2024年度被通报整改（C15、C12），本期C12问题再次出现，整改不到位，建议予以关停"
