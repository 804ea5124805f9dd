"""The 通报 draft, ``reports/<period>/通报.docx``: rendered from the report into the Word template.

The draft is what a city office sends round after a check: 一、总体情况 (accounts checked,
合格率, the change since the last period when there is one), 二、主要问题 (the accounts and
units named, grouped by problem), 三、工作要求 (the preset's ``[notice] requirements``, with the
整改时限), then the annexes 问题清单 and 得分与排名 as Word tables. 发文机关, 文号 and 主送
stay as placeholders (``[notice] issuer, doc_number, recipients``) for the office to fill.

Everything comes from the :class:`~liuan_eval.report.pipeline.AnnualReport` (its findings, unit
scores, ``pass_rates`` and the other derived tables), so a saved assessment renders the same
draft; the figures are the workbook's. The template (:mod:`liuan_eval.report.docx_template`)
holds the GB/T 9704 layout and styles; this module only fills it. Every text is masked
(:func:`liuan_eval.output.mask_text`) and the file is written with
:func:`liuan_eval.output.write_bytes`; fixed document dates and zip times make it repeatable.

Examples
--------
>>> fmt_rate(0.9186), fmt_points(92.5), fmt_points(90.0)
('91.9%', '92.5', '90')
>>> cn_date(__import__("datetime").date(2026, 1, 5))
'2026年1月5日'
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.output import mask_text, write_bytes
from liuan_eval.report import tables as T
from liuan_eval.report.comparison import comparison_caveat, period_name
from liuan_eval.report.content import pending_suspects, suspect_counts
from liuan_eval.report.docx_template import TABLE_ALIGNMENT, TEMPLATE
from liuan_eval.schemas import PLATFORM_LABELS, UNIT_TYPE_LABELS

FILE_NAME = "通报.docx"
FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CN_NUMBERS = "一二三四五六七八九十"
#: Text width of the GB/T 9704 page (210 mm − 28 mm − 26 mm).
TEXT_WIDTH_MM = 156

#: The annexes: title and the columns (header, width in mm) of each table.
ANNEX_PROBLEMS = ("问题清单", [("序号", 12), ("单位", 22), ("账号名称", 25), ("平台", 14), ("问题类型", 20),
                               ("问题说明", 51), ("扣分", 12)])
ANNEX_SCORES = ("得分与排名", [("排名", 13), ("单位", 47), ("单位类型", 22), ("总分", 18), ("等次", 18),
                               ("类别内排名", 20), ("通报整改", 18)])
#: Annex 3, only when C20 left suspects to review: the 内容审核 suspects the units are asked to check.
ANNEX_SUSPECTS = ("内容审核待核定疑点", [("疑点编号", 24), ("单位", 22), ("账号名称", 26), ("种类", 18),
                                         ("命中内容", 36), ("建议", 30)])


def fmt_rate(v) -> str:
    """A rate as the 通报 prints it (one decimal, per cent; ``—`` when undefined)."""
    return "—" if v is None or not np.isfinite(float(v)) else f"{float(v):.1%}"


def fmt_points(v) -> str:
    """Points or a total with at most two decimals, trailing zeros dropped."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or pd.isna(v):
        return "—"
    return f"{float(v):.2f}".rstrip("0").rstrip(".")


def cn_date(d: dt.date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704—2012 writes it."""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_ordinal(i: int) -> str:
    """一, 二, …, 十, 十一 … for headings (1-based)."""
    if i <= 10:
        return CN_NUMBERS[i - 1]
    tens, ones = divmod(i, 10)
    return (CN_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMBERS[ones - 1] if ones else "")


#: The period as the 通报 names it: ``2025年度``, or the report's own label (a quarter).
period_label = period_name


# ---- what the draft says, from the report's tables -----------------------------------------------
def _account_names(report) -> dict[str, str]:
    names: dict[str, str] = {}
    for frame in (report.tables.get("accounts"), report.assessment.account_scores):
        if frame is not None and len(frame) and "account_name" in frame:
            names.update(zip(frame["account_id"].astype("str"), frame["account_name"].astype("str")))
    return names


def problem_rows(report) -> pd.DataFrame:
    """The findings as annex 1 lists them: unit, account name, platform, problem, explanation, points.

    Sorted by unit type (县区, 开发区, 市直部门), unit, account and criterion; one row per finding
    (the rows of ``findings.csv``).
    """
    f = report.assessment.findings
    cols = ["unit", "account_id", "account_name", "platform", "criterion", "criterion_name", "explanation",
            "points"]
    if f is None or f.empty:
        return T._empty(cols)
    names = _account_names(report)
    acc = f["account_id"].astype("str").fillna("")
    types = report.assessment.unit_scores.drop_duplicates("unit").set_index("unit")["unit_type"].astype("str")
    order = {k: i for i, k in enumerate(UNIT_TYPE_LABELS)}
    out = pd.DataFrame({
        "unit": f["unit"].astype("str").fillna(""), "account_id": acc,
        "account_name": acc.map(names).fillna(acc).where(acc.ne(""), ""),
        "platform": f["platform"].astype("str").fillna(""), "criterion": f["criterion"].astype("str"),
        "criterion_name": f["criterion_name"].astype("str"), "explanation": f["explanation"].astype("str"),
        "points": f["points"].astype("float64"),
        "_t": f["unit"].astype("str").map(types).map(order).fillna(9).to_numpy(),
        "_w": f["window_start"].to_numpy()})
    out = out.sort_values(["_t", "unit", "account_id", "criterion", "_w"], kind="stable")
    return out[cols].reset_index(drop=True)


def _who(unit: str, name: str, platform: str, account_id: str = "") -> str:
    if not name:
        return unit
    label = PLATFORM_LABELS.get(platform, platform)
    if name == account_id:   # an account missing from the registry: known by its id only
        return f"{unit}未登记账号（{label}，ID {account_id}）"
    return f"{unit}“{name}”（{label}）" if label else f"{unit}“{name}”"


def problem_groups(report) -> list[tuple[str, str]]:
    """二、主要问题: (heading, text) per criterion with findings, those named for rectification first."""
    rows = problem_rows(report)
    if rows.empty:
        return []
    crits = report.assessment.criteria
    rectify = {c.id for c in crits if c.rectify} if crits is not None else set()
    out = []
    groups = sorted(rows.groupby("criterion", sort=True), key=lambda kv: (kv[0] not in rectify, kv[0]))
    for cid, g in groups:
        who = g.drop_duplicates(["unit", "account_id"])
        accounts = who[who["account_id"].ne("")]
        units = who[who["account_id"].eq("")]
        parts = []
        if len(accounts):
            parts.append(f"{len(accounts)}个账号：" + "、".join(
                _who(u, n, p, i) for u, n, p, i in zip(accounts["unit"], accounts["account_name"], accounts["platform"],
                                                       accounts["account_id"])))
        if len(units):
            parts.append(f"{len(units)}个单位：" + "、".join(units["unit"]))
        named = "以上账号（单位）予以通报整改。" if cid in rectify else ""
        text = f"共发现问题{len(g)}个，涉及" + "；".join(parts) + "。" + named
        out.append((f"{g['criterion_name'].iloc[0]}（{cid}）。", text))
    content = content_paragraph(report)
    if content:
        out.append(("内容审核疑点。", content))
    cross = report.tables.get("closure_across_periods")
    if cross is not None and len(cross):
        names = "、".join(_who(u, n, p, i) for u, n, p, i in zip(cross["unit"], cross["account_name"], cross["platform"],
                                                                 cross["account_id"]))
        out.append(("整改不到位的账号。", f"上期被通报整改、本期再次被通报的账号{len(cross)}个：{names}。建议予以关停。"))
    return out


def content_paragraph(report) -> str | None:
    """二、主要问题's part on C20 (内容审核): the suspects found, confirmed, rejected and still to review
    (``Assessment.content_suspects``, counted by :func:`liuan_eval.report.content.suspect_counts`);
    ``None`` when C20 was not assessed or found nothing."""
    s = getattr(report.assessment, "content_suspects", None)
    if s is None or not len(s):
        return None
    n = suspect_counts(s)
    kinds = "、".join(f"{k}{v}处" for k, v in n["kinds"].items())
    text = (f"对发布信息、重要信息和留言答复进行内容审核，发现疑点{n['total']}处（{kinds}），"
            f"经核定确认{n['确认']}处（已列入问题清单并扣分）、不成立{n['不成立']}处")
    if n["待核定"]:
        return text + f"，待核定{n['待核定']}处（见附件3）。请有关单位逐条核实，与整改情况一并报送。"
    return text + "。"


def _rate_row(rates: pd.DataFrame, scope: str, group: str) -> pd.Series | None:
    if rates is None or rates.empty:
        return None
    hit = rates[(rates["scope"] == scope) & (rates["group"] == group)]
    return hit.iloc[0] if len(hit) else None


def overview(report) -> list[str]:
    """一、总体情况: the paragraphs (figures from ``pass_rates``, ``unit_scores`` and the lists)."""
    a = report.assessment
    rates = report.tables.get("pass_rates")
    whole = _rate_row(rates, "all", "all")
    paras = []
    if whole is None:
        return ["本期没有可评估的账号。"]
    by_platform = rates[rates["scope"] == "platform"]
    platforms = "、".join(f"{r.group_label}{int(r.accounts)}个" for r in by_platform.itertuples())
    units = a.unit_scores
    notice = getattr(a.criteria, "notice", {}) or {}
    rule = ("（等次为“不合格”或被通报整改的账号为不合格）" if notice.get("rectified_fails", True)
            else "（等次为“不合格”的账号为不合格）")
    paras.append(f"本次共检查{len(units)}个单位的政务新媒体账号{int(whole.accounts)}个（{platforms}）。"
                 f"经检查，合格{int(whole.passed)}个，不合格{int(whole.failed)}个，合格率{fmt_rate(whole.pass_rate)}{rule}。")
    by_type = rates[rates["scope"] == "unit_type"]
    if len(by_type):
        paras.append("分类别看，" + "，".join(f"{r.group_label}账号{int(r.accounts)}个、合格率{fmt_rate(r.pass_rate)}"
                                           for r in by_type.itertuples())
                     + "；" + "，".join(f"{r.group_label}账号合格率{fmt_rate(r.pass_rate)}"
                                       for r in by_platform.itertuples()) + "。")
    if len(units):
        grades = units["grade"].astype("str").value_counts()
        parts = "、".join(f"{g}{int(grades[g])}个" for g in T.GRADE_ORDER if g in grades.index)
        paras.append(f"各单位平均得分{fmt_points(units['total'].astype('float64').mean())}分，其中{parts}。"
                     f"共发现问题{len(a.findings)}个，通报整改账号{T.named_accounts(a.rectification)}个、"
                     f"单位{T.named_units(a.rectification)}个（单位层面问题），建议关停账号{T.named_accounts(a.closure)}个。")
    gone = getattr(a, "withdrawn", None)
    if gone is not None and len(gone):
        paras.append(f"经核定，各单位对通报问题提出的申诉中有{len(gone)}条成立，相应问题已撤销，不计入以上数据。")
    summary = report.tables.get("class_summary")
    if summary is not None and len(summary) > 1:
        parts = [f"{r.label}平均得分{fmt_points(r.mean_total)}分（{int(r.units)}个单位，第一名{r.best_unit}）"
                 for r in summary[summary["unit_type"] != "all"].itertuples()]
        paras.append("分类别排名，" + "；".join(parts) + "。各类别排名见附件2。")
    paras.extend(change_paragraphs(report))
    return paras


def _signed(v: float, unit: str, scale: float = 1.0, digits: int = 2) -> str:
    x = float(v) * scale
    text = f"{abs(x):.{digits}f}".rstrip("0").rstrip(".")
    return ("上升" if x > 0 else "下降" if x < 0 else "持平") + (f"{text}{unit}" if x != 0 else "")


def change_paragraphs(report) -> list[str]:
    """The change since the previous period (when the run was given ``--previous``)."""
    summary = report.tables.get("comparison_summary")
    if summary is None or summary.empty:
        return []
    prev = report.tables.get("previous_period")
    name = str(prev["name"].iloc[0]) if prev is not None and len(prev) else "上期"
    m = summary.set_index("metric")
    paras = []
    rate, mean = m.loc["合格率"], m.loc["单位平均得分"]
    paras.append(f"与上期（{name}）相比，上期检查账号{int(m.loc['检查账号数', 'then'])}个、本期{int(m.loc['检查账号数', 'now'])}个；"
                 f"合格率由{fmt_rate(rate['then'])}变为{fmt_rate(rate['now'])}（{_signed(rate['change'], '个百分点', 100, 1)}）；"
                 f"单位平均得分由{fmt_points(mean['then'])}分变为{fmt_points(mean['now'])}分（{_signed(mean['change'], '分')}）。"
                 + (f"（{caveat}。）" if (caveat := comparison_caveat(report.tables)) else ""))
    follow = report.tables.get("rectification_followup")
    if follow is not None and len(follow):
        from liuan_eval.report.comparison import FOLLOWUP_AGAIN, FOLLOWUP_CLOSED, FOLLOWUP_DONE

        n = follow["status"].value_counts()
        paras.append(f"上期通报整改的{len(follow)}个账号（单位）中，{int(n.get(FOLLOWUP_DONE, 0))}个整改到位，"
                     f"{int(n.get(FOLLOWUP_AGAIN, 0))}个再次被通报，{int(n.get(FOLLOWUP_CLOSED, 0))}个账号已关停，"
                     f"整改到位率{fmt_rate(m.loc['上期通报整改事项整改到位率', 'now'])}。")
    from liuan_eval.report.comparison import improved_and_fell

    up, down = improved_and_fell(report.tables.get("unit_changes"))
    parts = []
    if len(up):
        parts.append("进步较大的单位有" + "、".join(f"{u}（{_signed(c, '分')}）" for u, c in zip(up["unit"], up["change"])))
    if len(down):
        parts.append("得分下降的单位有" + "、".join(f"{u}（{_signed(c, '分')}）" for u, c in zip(down["unit"], down["change"])))
    if parts:
        paras.append("；".join(parts) + "。")
    return paras


def requirements(report) -> list[str]:
    """三、工作要求: the preset's texts with the period, 整改时限 and working days filled in."""
    notice = getattr(report.assessment.criteria, "notice", {}) or {}
    items = report.tables.get("notice_items")
    deadline = ""
    if items is not None and len(items) and "deadline" in items:
        d = pd.to_datetime(items["deadline"]).max()
        deadline = cn_date(d.date()) if pd.notna(d) else ""
    if not deadline and report.issued is not None:
        from liuan_eval.report.unit_notices import rectify_deadline

        deadline = cn_date(rectify_deadline(report.issued, int(notice.get("rectify_workdays", 15))))
    values = {"period": period_label(report), "deadline": deadline or "【整改时限】",
              "workdays": notice.get("rectify_workdays", 15)}
    return [t.format(**values) for t in notice.get("requirements", [])]


# ---- the Word document -------------------------------------------------------------------------
def _replace_text(paragraph, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in a paragraph whose runs may split the placeholder."""
    text = paragraph.text
    if old not in text:
        return
    runs = paragraph.runs
    runs[0].text = text.replace(old, new)
    for r in runs[1:]:
        r.text = ""


def _line_breaks(paragraph) -> None:
    """A ``\\n`` in a filled placeholder (the preset's title) becomes a line break in Word."""
    for run in paragraph.runs:
        if "\n" in run.text:
            first, *rest = run.text.split("\n")
            run.text = first
            for piece in rest:
                run.add_break()
                run._r.append(_text_element(piece))


def _text_element(text: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    return t


def _heading_paragraph(anchor, heading: str, text: str, doc):
    """A body paragraph with a run-in level-2 heading (楷体) before its text."""
    p = anchor.insert_paragraph_before("", style="公文正文")
    run = p.add_run(heading)
    run.style = doc.styles["二级标题字符"]
    p.add_run(text)
    return p


def _set_cell(cell, text: str, style: str, align=None) -> None:
    p = cell.paragraphs[0]
    p.style = style
    p.text = text
    if align is not None:
        p.paragraph_format.alignment = align


def _table(doc, anchor, columns: list[tuple[str, float]], rows: list[list[str]]) -> None:
    """A Word table in the template's 公文表格 style before ``anchor``: header repeated on every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = doc.styles["公文表格"]
    table.alignment = TABLE_ALIGNMENT
    table.autofit = False
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for j, (_name, width) in enumerate(columns):
        table.columns[j].width = Mm(width)
    for i, row in enumerate(table.rows):
        keep = OxmlElement("w:cantSplit")   # a row is never split across two pages
        keep.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(keep)
        values = [c[0] for c in columns] if i == 0 else rows[i - 1]
        for j, cell in enumerate(row.cells):
            cell.width = Mm(columns[j][1])
            if i == 0:
                _set_cell(cell, values[j], "表格标题行")
            else:
                short = len(values[j]) <= 4
                _set_cell(cell, values[j], "表格文字", WD_ALIGN_PARAGRAPH.CENTER if short else None)
    anchor._p.addprevious(table._tbl)


def _annex_problems(report) -> list[list[str]]:
    rows = problem_rows(report)
    return [[str(i), u, n or "—", PLATFORM_LABELS.get(p, p) if n else "—", cn, e, fmt_points(pt)]
            for i, (u, n, p, cn, e, pt) in enumerate(zip(rows["unit"], rows["account_name"], rows["platform"],
                                                          rows["criterion_name"], rows["explanation"],
                                                          rows["points"]), start=1)]


def _annex_suspects(report) -> list[list[str]]:
    rows = pending_suspects(report)
    if rows is None:
        return []
    return [[str(i), u, n or "—", k, m, c or "—"] for i, u, n, k, m, c in zip(
        rows["suspect_id"].astype("str"), rows["unit"].astype("str"), rows["account_name"].astype("str").fillna(""),
        rows["kind_label"].astype("str"), rows["matched"].astype("str"), rows["correction"].astype("str").fillna(""))]


def score_rows(report) -> pd.DataFrame:
    """Annex 2: units in rank order with type, total, grade, rank within the class and whether named."""
    us = report.assessment.unit_scores
    cols = ["rank", "unit", "unit_type", "total", "grade", "class_rank", "named"]
    if us is None or us.empty:
        return T._empty(cols)
    ranks = report.tables.get("class_rankings")
    rk = T.ranking_table(us)
    if ranks is not None and len(ranks) and "class_rank" in ranks:
        rk = rk.merge(ranks[["unit", "class_rank"]], on="unit", how="left")
    else:
        rk = rk.assign(class_rank=pd.NA)
    named = set(report.assessment.rectification["unit"].astype("str")) if len(report.assessment.rectification) else set()
    rk["named"] = rk["unit"].astype("str").isin(named)
    return rk.reindex(columns=cols)


def _annex_scores(report) -> list[list[str]]:
    rows = score_rows(report)
    return [[str(int(r)) if pd.notna(r) else "—", u, UNIT_TYPE_LABELS.get(t, t) if isinstance(t, str) else "—", fmt_points(tot), g,
             str(int(cr)) if pd.notna(cr) else "—", "是" if nm else "否"]
            for r, u, t, tot, g, cr, nm in zip(rows["rank"], rows["unit"], rows["unit_type"].astype("str"),
                                               rows["total"], rows["grade"], rows["class_rank"], rows["named"])]


def circular_document(report, template: str | Path | None = None):
    """The 通报 as a python-docx ``Document`` (not yet masked or saved)."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    notice = getattr(report.assessment.criteria, "notice", {}) or {}
    template = Path(template) if template else _template_path(notice)
    doc = Document(str(template))
    paragraphs = {p.text.strip(): p for p in doc.paragraphs}
    period = period_label(report)
    fills = {"{{发文机关}}": notice.get("issuer", "【发文机关】"), "{{发文字号}}": notice.get("doc_number", "【发文字号】"),
             "{{标题}}": notice.get("title", "关于{period}全市政务新媒体检查情况的通报").format(period=period),
             "{{主送机关}}": notice.get("recipients", "【主送机关】"), "{{署名}}": notice.get("signature", "【发文机关署名】"),
             "{{成文日期}}": cn_date(report.issued) if report.issued else "【成文日期】"}
    for p in doc.paragraphs:
        for old, new in fills.items():
            _replace_text(p, old, new)
        _line_breaks(p)
    body = next((p for k, p in paragraphs.items() if k == "{{正文}}"), None)
    annex = next((p for k, p in paragraphs.items() if k == "{{附件}}"), None)
    if body is None or annex is None:
        from liuan_eval.errors import OutputError

        raise OutputError(template, "通报模板中缺少占位段落 {{正文}} 或 {{附件}}")
    body.insert_paragraph_before(notice.get("intro", "").format(period=period), style="公文正文")
    body.insert_paragraph_before("一、总体情况", style="一级标题")
    for text in overview(report):
        body.insert_paragraph_before(text, style="公文正文")
    body.insert_paragraph_before("二、主要问题", style="一级标题")
    groups = problem_groups(report)
    if not groups:
        body.insert_paragraph_before("本次检查未发现问题。", style="公文正文")
    for i, (heading, text) in enumerate(groups, start=1):
        _heading_paragraph(body, f"（{cn_ordinal(i)}）{heading}", text, doc)
    body.insert_paragraph_before("三、工作要求", style="一级标题")
    for text in requirements(report):
        m = re.match(r"^(（[一二三四五六七八九十]+）[^。]*。)(.*)$", text)
        if m:
            _heading_paragraph(body, m.group(1), m.group(2), doc)
        else:
            body.insert_paragraph_before(text, style="公文正文")
    body.insert_paragraph_before("", style="公文正文")
    annexes = [(ANNEX_PROBLEMS, _annex_problems(report)), (ANNEX_SCORES, _annex_scores(report))]
    suspects = _annex_suspects(report)
    if suspects:
        annexes.append((ANNEX_SUSPECTS, suspects))
    for k, ((title, _), _) in enumerate(annexes, start=1):
        p = body.insert_paragraph_before(f"附件：{k}．{title}" if k == 1 else f"{k}．{title}", style="附件说明")
        if k > 1:
            p.paragraph_format.left_indent = p.style.font.size * 5
            p.paragraph_format.first_line_indent = 0
    _remove(body)
    for k, ((title, columns), rows) in enumerate(annexes, start=1):
        brk = annex.insert_paragraph_before("", style="公文正文")
        brk.add_run().add_break(WD_BREAK.PAGE)
        annex.insert_paragraph_before(f"附件{k}", style="附件标题")
        annex.insert_paragraph_before(title, style="附件名称")
        if rows:
            _table(doc, annex, columns, rows)
        else:
            annex.insert_paragraph_before("无", style="公文正文")
    _remove(annex)
    core = doc.core_properties
    core.title = fills["{{标题}}"].replace("\n", "")
    core.created = core.modified = FIXED_TIME
    core.last_printed = FIXED_TIME
    core.revision = 1
    return doc


def _template_path(notice: dict) -> Path:
    name = notice.get("template")
    if not name:
        return TEMPLATE
    p = Path(name)
    if p.is_file():
        return p
    if (TEMPLATE.parent / name).is_file():
        return TEMPLATE.parent / name
    from liuan_eval.errors import UserError

    raise UserError(f"错误：考核标准 [notice] 的 template 指定的通报模板 {name} 不存在；请给出模板的完整路径或删去这一行",
                    f"error: the Word template named by [notice] template ({name}) does not exist; give its full path "
                    "or remove the line")


def _remove(paragraph) -> None:
    el = paragraph._p
    el.getparent().remove(el)


def mask_document_texts(doc) -> None:
    """Every text of the document (body, tables, headers, footers) through the one masking function."""
    from docx.oxml.ns import qn

    parts = [doc.element] + [s.footer._element for s in doc.sections] + [s.header._element for s in doc.sections] \
        + [s.even_page_footer._element for s in doc.sections]
    for root in parts:
        for t in root.iter(qn("w:t")):
            if t.text:
                masked = mask_text(t.text)
                if masked != t.text:
                    t.text = masked


def document_bytes(doc) -> bytes:
    """A python-docx document as repeatable bytes (fixed zip entry times), every text masked."""
    mask_document_texts(doc)
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            zout.writestr(zi, data)
    return out.getvalue()


def write_circular(report, path) -> Path:
    """Render the 通报 of ``report`` and write it to ``path`` (masked, atomic, repeatable)."""
    return write_bytes(document_bytes(circular_document(report)), path)


def read_docx_text(path) -> tuple[list[str], list[list[list[str]]]]:
    """The paragraphs' texts and the tables' cell texts of a .docx (for checks and tests).

    Examples
    --------
    >>> paragraphs, tables = read_docx_text(TEMPLATE)
    >>> "{{正文}}" in paragraphs, tables
    (True, [])
    """
    from docx import Document

    doc = Document(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return paragraphs, tables


__all__ = ["FILE_NAME", "circular_document", "document_bytes", "problem_groups", "problem_rows", "read_docx_text",
           "score_rows", "write_circular"]
