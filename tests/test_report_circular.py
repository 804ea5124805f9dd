"""The 通报 draft (``通报.docx``): GB/T 9704 layout from the Word template, every figure the workbook's,
placeholders for the office, rendered from the report alone (the saved assessment gives the same bytes)."""
from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from liuan_eval.output import MOBILE_RE
from liuan_eval.report import pipeline
from liuan_eval.report.circular import FILE_NAME, read_docx_text, write_circular
from liuan_eval.report.docx_template import TEMPLATE

YEAR = 2025
ISSUED = dt.date(2026, 1, 12)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(small_sample, tmp_path_factory) -> pipeline.RunResult:
    out = tmp_path_factory.mktemp("report") / str(YEAR)   # conftest's small year (2025, seed 11, scale 0.1), read only
    return pipeline.run_assessment(small_sample, YEAR, out, notebook=False, progress=False, issued=ISSUED)


@pytest.fixture(scope="module")
def docx_text(run):
    return read_docx_text(run.out / FILE_NAME)


def test_template_has_the_gbt9704_page_styles_and_page_numbers():
    doc = Document(str(TEMPLATE))
    sec = doc.sections[0]
    assert [round(x.mm) for x in (sec.page_width, sec.page_height)] == [210, 297]
    assert [round(x.mm) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == [37, 35,
                                                                                                             28, 26]
    fonts = {name: doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) for name in
             ("Normal", "公文标题", "一级标题", "二级标题", "二级标题字符", "表格文字")}
    assert fonts == {"Normal": "仿宋_GB2312", "公文标题": "方正小标宋简体", "一级标题": "黑体", "二级标题": "楷体_GB2312",
                     "二级标题字符": "楷体_GB2312", "表格文字": "仿宋_GB2312"}
    assert doc.styles["公文标题"].font.size.pt == 22 and doc.styles["Normal"].font.size.pt == 16
    assert doc.styles["一级标题"].font.size.pt == 16
    for footer in (sec.footer, sec.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
    assert doc.settings.odd_and_even_pages_header_footer


def test_the_circular_is_written_with_placeholders_and_sections(run, docx_text):
    assert (run.out / FILE_NAME).is_file() and FILE_NAME in run.report.outputs
    paragraphs, _ = docx_text
    text = "\n".join(paragraphs)
    for placeholder in ("【发文机关】", "【发文字号】", "【主送机关】"):
        assert placeholder in text
    assert "{{" not in text and "}}" not in text
    for heading in ("一、总体情况", "二、主要问题", "三、工作要求", "附件1", "附件2", "问题清单", "得分与排名"):
        assert heading in paragraphs, heading
    assert "2026年1月12日" in paragraphs     # 成文日期 = the date of issue
    doc = Document(str(run.out / FILE_NAME))
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles["一、总体情况"] == "一级标题" and styles["附件1"] == "附件标题"
    assert any(p.style.name == "公文标题" and f"{YEAR}年度" in p.text for p in doc.paragraphs)


def test_every_figure_equals_the_workbooks(run, docx_text):
    paragraphs, tables = docx_text
    wb = openpyxl.load_workbook(run.out / "annual_report.xlsx")
    rows = list(wb["合格率"].values)
    rates = pd.DataFrame(rows[1:], columns=rows[0])
    whole = rates[rates["口径"] == "all"].iloc[0]
    overview = next(p for p in paragraphs if p.startswith("本次共检查"))
    assert f"账号{whole['检查账号数']}个" in overview
    assert f"合格{whole['合格账号数']}个，不合格{whole['不合格账号数']}个，合格率{whole['合格率']:.1%}" in overview
    units = pd.read_csv(run.out / "unit_scores.csv", encoding="utf-8-sig")
    assert f"共检查{len(units)}个单位" in overview
    for r in rates[rates["口径"] != "all"].itertuples():
        assert f"{r.分组}账号" in "".join(paragraphs) and f"{r.合格率:.1%}" in "".join(paragraphs)
    # annex 1: one row per finding, the findings table's
    problems = tables[0]
    assert problems[0] == ["序号", "单位", "账号名称", "平台", "问题类型", "问题说明", "扣分"]
    findings = pd.read_csv(run.out / "findings.csv", encoding="utf-8-sig", keep_default_na=False)
    got = sorted((r[1], r[4], r[5], float(r[6])) for r in problems[1:])
    want = sorted(zip(findings["unit"], findings["criterion_name"], findings["explanation"],
                      findings["points"].astype(float)))
    assert got == want
    assert [r[0] for r in problems[1:]] == [str(i) for i in range(1, len(findings) + 1)]
    # annex 2: every unit's rank, total and grade as in unit_scores.csv
    scores = tables[1]
    book = {r[1]: (int(r[0]), float(r[3]), r[4]) for r in scores[1:]}
    assert book == {u: (int(k), round(float(t), 2), g) for u, k, t, g in
                    zip(units["unit"], units["rank"], units["total"], units["grade"])}
    # 主要问题: every criterion with findings is a group, with its count
    counts = findings["criterion"].value_counts()
    for cid, n in counts.items():
        para = next(p for p in paragraphs if f"（{cid}）。" in p)
        assert f"共发现问题{n}个" in para


def test_every_account_on_the_rectification_list_is_named_in_the_annex_and_the_problems(run, docx_text):
    paragraphs, tables = docx_text
    rect = pd.read_csv(run.out / "rectification.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert len(rect) > 0
    annex = {(r[1], r[2]) for r in tables[0][1:]}
    body = "".join(paragraphs)
    for unit, name in zip(rect["unit"], rect["account_name"]):
        assert (unit, name or "—") in annex
        assert (f"{unit}“{name}”" if name else unit) in body


def test_the_saved_assessment_renders_the_same_document(run, tmp_path):
    from liuan_eval.report import load_report

    back = load_report(run.out / "assessment")
    again = write_circular(back, tmp_path / FILE_NAME)
    assert again.read_bytes() == (run.out / FILE_NAME).read_bytes()


def test_every_text_is_masked(run, tmp_path):
    r = run.report
    findings = r.assessment.findings.copy()
    original = r.assessment.findings
    findings.loc[0, "explanation"] = "网民留言电话13912345678，" + str(findings.loc[0, "explanation"])
    r.assessment.findings = findings
    try:
        path = write_circular(r, tmp_path / FILE_NAME)
    finally:
        r.assessment.findings = original
    paragraphs, tables = read_docx_text(path)
    text = "\n".join(paragraphs) + "\n".join(c for t in tables for row in t for c in row)
    assert "139****5678" in text and not MOBILE_RE.search(text)


def test_requirements_name_the_deadline_on_a_working_day(run, docx_text):
    from liuan_eval.workdays import is_workday, workdays_between

    paragraphs, _ = docx_text
    para = next(p for p in paragraphs if "抓好问题整改" in p)
    m = re.search(r"于(\d{4})年(\d{1,2})月(\d{1,2})日前", para)
    deadline = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    assert bool(is_workday(deadline.isoformat()))
    n = run.report.assessment.criteria.notice["rectify_workdays"]
    assert int(workdays_between(ISSUED.isoformat(), deadline.isoformat())) == n


def test_a_template_restyled_by_the_office_is_followed(run, tmp_path):
    doc = Document(str(TEMPLATE))
    doc.styles["一级标题"].font.size = doc.styles["Normal"].font.size * 1.25
    for p in doc.paragraphs:
        if p.text == "{{发文机关}}":
            p.runs[0].text = "六安市人民政府办公室"
    mine = tmp_path / "mine.docx"
    doc.save(str(mine))
    from liuan_eval.report.circular import circular_document

    out = circular_document(run.report, template=mine)
    assert out.paragraphs[0].text == "六安市人民政府办公室"
    assert out.styles["一级标题"].font.size.pt == 20


def test_pass_rates_equal_an_independent_count(run):
    """合格率 counted again from the CSV tables: grade not the failing one, not on the rectification list."""
    accounts = pd.read_csv(run.out / "account_scores.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    units = pd.read_csv(run.out / "unit_scores.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    rect = pd.read_csv(run.out / "rectification.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    rates = pd.read_csv(run.out / "pass_rates.csv", encoding="utf-8-sig", keep_default_na=False)
    named = set(rect.loc[rect["account_id"] != "", "account_id"])
    kind = dict(zip(units["unit"], units["unit_type"]))
    counts: dict[tuple[str, str], list[int]] = {}
    for unit, acc, platform, grade in zip(accounts["unit"], accounts["account_id"], accounts["platform"],
                                          accounts["grade"]):
        ok = grade != "不合格" and acc not in named
        for key in (("all", "all"), ("platform", platform), ("unit_type", kind[unit])):
            counts.setdefault(key, [0, 0])
            counts[key][0] += 1
            counts[key][1] += ok
    got = {(s, g): [int(a), int(p)] for s, g, a, p in zip(rates["scope"], rates["group"], rates["accounts"],
                                                          rates["passed"])}
    assert got == counts
    for a, p, r in zip(rates["accounts"], rates["passed"], rates["pass_rate"]):
        assert r == pytest.approx(p / a)
    # and the 通报 prints the class ranks of annex 2 as the workbook's 分类排名 sheet holds them
    _, tables = read_docx_text(run.out / FILE_NAME)
    wb = openpyxl.load_workbook(run.out / "annual_report.xlsx")
    rows = list(wb["分类排名"].values)
    ranks = {r[rows[0].index("单位")]: r[rows[0].index("类别内排名")] for r in rows[1:]}
    assert {r[1]: int(r[5]) for r in tables[1][1:]} == ranks


def test_content_suspects_are_counted_and_the_pending_ones_listed_in_annex_3(run, docx_text):
    """C20 in the 通报: the paragraph's counts are the suspects table's, annex 3 lists exactly the suspects
    still to review (by 疑点编号), and the confirmed ones (none here: nothing confirmed yet) deduct nowhere."""
    paragraphs, tables = docx_text
    s = run.report.assessment.content_suspects
    assert s is not None and len(s) > 0
    text = next(p for p in paragraphs if "）内容审核疑点。" in p)
    assert f"发现疑点{len(s)}处" in text
    pending = s[s["status"] == "待核定"]
    assert f"待核定{len(pending)}处（见附件3）" in text and "附件3" in paragraphs
    assert len(tables) == 3
    assert [r[0] for r in tables[2][1:]] == pending["suspect_id"].astype("str").tolist()
    assert not (run.report.assessment.findings["criterion"] == "C20").any()


def test_confirmed_suspects_are_problems_and_leave_annex_3(run, tmp_path):
    """Confirming every suspect: they become C20 problems in annex 1 and the paragraph says so; no annex 3."""
    s = run.report.assessment.content_suspects
    confirm = tmp_path / "核定.csv"
    pd.DataFrame({"疑点编号": s["suspect_id"], "核定结果": "确认"}).to_csv(confirm, index=False)
    again = pipeline.run_assessment(run.report.data_dir, YEAR, tmp_path / "out", notebook=False, progress=False,
                                    issued=ISSUED, confirmations=confirm)
    paragraphs, tables = read_docx_text(again.out / FILE_NAME)
    text = next(p for p in paragraphs if "）内容审核疑点。" in p)
    assert f"经核定确认{len(s)}处" in text and "附件3" not in paragraphs and len(tables) == 2
    c20 = again.report.assessment.findings["criterion"] == "C20"
    assert c20.sum() == len(s)
    assert sum(r[4] == again.report.assessment.criteria["C20"].name for r in tables[0][1:]) == len(s)
