"""The report's sections, in Chinese: what the notebook displays, one function per section.

Each ``section_*`` function takes an :class:`~liuan_eval.report.pipeline.AnnualReport` and
returns a :class:`Section` — a heading, HTML tables and charts — that :func:`show`
displays in a notebook. The notebook is a list of ``show(section_…(report))`` cells, so
the report from JupyterLab and from ``liuan-eval run`` are the same.

Examples
--------
>>> s = Section("demo", "示例")
>>> s.text("说明文字").html()[:40]
'<h2 id="demo">示例</h2>\\n<p>说明文字</p>'
"""
from __future__ import annotations

import html as _html
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.output import mask_frame, mask_text
from liuan_eval.report import figures as F
from liuan_eval.report import tables as T
from liuan_eval.report.content import content_review
from liuan_eval.schemas import TABLE_LABELS

#: Section ids in report order and their Chinese headings.
SECTIONS: dict[str, str] = {
    "key-figures": "一、主要数据",
    "coverage": "二、账号矩阵覆盖情况",
    "ranking": "三、考核排名与等次",
    "heatmap": "四、分项指标得分",
    "calendar": "五、账号发布日历",
    "reply": "六、留言答复及时性",
    "repost": "七、重要信息转发及时性",
    "messages": "八、网民留言主题、情感与风险",
    "hot-issues": "九、热点问题",
    "influence": "十、账号影响力排行",
    "actions": "十一、通报整改与关停名单",
    "data-quality": "十二、数据质量",
    "method": "十三、方法与说明",
    "experience": "十四、典型经验",
    "requirements": "十五、工作要求",
    "annex-stats": "附录　统计检验",
}
#: Columns of statistical tests, shown in the annex (附录) rather than in the body of the report.
STAT_COLUMNS = ("p_value", "q_value", "statistic", "test")

STYLE = """<style>
.liuan-report h1 {font-size: 1.7em; margin-bottom: 0.2em;}
.liuan-report .sub {color: #555;}
h2.liuan {border-bottom: 2px solid #1e88e5; padding-bottom: 4px; margin-top: 1.6em;}
table.liuan-table {border-collapse: collapse; font-size: 0.88em; margin: 0.6em 0 1em 0;}
table.liuan-table th {background: #ddebf7; padding: 4px 8px; text-align: left;}
table.liuan-table td {padding: 3px 8px; border-bottom: 1px solid #e0e0e0; vertical-align: top;}
.liuan-kpi {display: inline-block; min-width: 150px; margin: 6px 10px 6px 0; padding: 10px 14px;
            background: #f5f9ff; border-left: 4px solid #1e88e5;}
.liuan-kpi .v {font-size: 1.5em; font-weight: bold;} .liuan-kpi .k {color: #555; font-size: 0.9em;}
.liuan-missing {color: #b71c1c; font-weight: bold;}
</style>"""


@dataclass
class Section:
    """A heading and its blocks: HTML snippets, tables and charts, in display order."""

    key: str
    title: str
    blocks: list = field(default_factory=list)

    def text(self, paragraph: str, css: str = "") -> Section:
        """Add a paragraph (escaped)."""
        cls = f' class="{css}"' if css else ""
        self.blocks.append(("html", f"<p{cls}>{_html.escape(mask_text(paragraph))}</p>"))
        return self

    def raw(self, html: str) -> Section:
        """Add trusted HTML built by this module."""
        self.blocks.append(("html", html))
        return self

    def table(self, frame: pd.DataFrame, caption: str = "", extra: dict[str, str] | None = None,
              limit: int | None = 60) -> Section:
        """Add a table (Chinese headers, rates as percentages, at most ``limit`` rows shown)."""
        self.blocks.append(("html", html_table(frame, caption, extra, limit)))
        return self

    def figure(self, fig) -> Section:
        """Add a chart."""
        self.blocks.append(("figure", fig))
        return self

    def missing(self, reason: str) -> Section:
        """Say that (part of) the section could not be assessed, and why."""
        return self.text(reason if reason.startswith("未评估") else f"未评估：{reason}", css="liuan-missing")

    def html(self) -> str:
        """The section's heading and HTML blocks (charts are left out)."""
        head = f'<h2 id="{self.key}">{_html.escape(self.title)}</h2>'
        return "\n".join([head] + [b[1] for b in self.blocks if b[0] == "html"])


def _fmt_value(col: str, series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.astype("object").map({True: "是", False: "否"}).fillna("—")
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
        s = series.dt.tz_localize(None) if isinstance(series.dtype, pd.DatetimeTZDtype) else series
        return s.dt.strftime("%Y-%m-%d %H:%M").fillna("—").astype("object")
    if pd.api.types.is_numeric_dtype(series):
        v = series.astype("float64")
        if col.endswith("_rate") or col.endswith("share"):
            return v.map(lambda x: "—" if not np.isfinite(x) else f"{x:.1%}").astype("object")
        if col.endswith("p_value") or col.endswith("q_value"):
            return v.map(lambda x: "—" if not np.isfinite(x) else f"{x:.2g}").astype("object")
        if pd.api.types.is_integer_dtype(series):
            return series.astype("object").where(series.notna(), "—")
        return v.map(lambda x: "—" if not np.isfinite(x) else f"{x:.2f}".rstrip("0").rstrip(".")).astype("object")
    return series.astype("object").where(series.notna(), "—").map(str)


def html_table(frame: pd.DataFrame | None, caption: str = "", extra: dict[str, str] | None = None,
               limit: int | None = 60) -> str:
    """A report table as HTML: Chinese headers, formatted values, personal data masked.

    Examples
    --------
    >>> h = html_table(pd.DataFrame({"unit": ["金安区"], "reply_rate": [0.9]}))
    >>> "<th>单位</th>" in h and "90.0%" in h
    True
    """
    if frame is None or frame.empty:
        return f"<p>{_html.escape(caption + '：' if caption else '')}无</p>"
    f = T.stringify(frame.reset_index(drop=True))
    shown = f.head(limit) if limit else f
    formatted = pd.DataFrame({c: _fmt_value(str(c), shown[c]) for c in shown.columns})
    out = mask_frame(T.to_chinese(formatted, extra))
    html = out.to_html(index=False, escape=True, border=0, classes="liuan-table", na_rep="—")
    cap = f"<p><b>{_html.escape(caption)}</b></p>" if caption else ""
    more = (f"<p>（共 {len(f)} 行，此处显示前 {limit} 行；完整内容见 Excel 工作簿和 CSV 文件。）</p>"
            if limit and len(f) > limit else "")
    return cap + html + more


def show(section: Section) -> None:
    """Display a section in the notebook: heading, tables and charts (as PNG images)."""
    from IPython.display import HTML, Image, display

    display(HTML(f'<h2 class="liuan" id="{section.key}">{_html.escape(section.title)}</h2>'))
    for block in section.blocks:
        if block[0] == "html":
            display(HTML(block[1]))
        else:
            buf = io.BytesIO()
            block[1].savefig(buf, format="png", dpi=F.DPI, metadata={"Software": None})
            display(Image(data=buf.getvalue(), format="png"))


# ---- sections ---------------------------------------------------------------------------
def _missing(report, key: str) -> str | None:
    return report.missing.get(key)


def _period_title(report) -> str:
    p = getattr(report, "period", None)
    return p.label if p is not None else f"{report.year}年度"


def _period_span(report) -> str:
    p = getattr(report, "period", None)
    if p is None:
        return f"{report.year}年1月1日至12月31日"
    return f"{p.start.year}年{p.start.month}月{p.start.day}日至{p.end.year}年{p.end.month}月{p.end.day}日"


def report_title(report) -> str:
    """The report's title, with its period (``六安市政务“两微一端”2025年第二季度考核报告``): the heading and
    the HTML page's title."""
    return f"六安市政务“两微一端”{_period_title(report)}考核报告"


def header(report) -> str:
    """The report's title block, styles and table of contents (HTML)."""
    crits = getattr(report.assessment, "criteria", None)
    preset = f"{crits.title}（{crits.name}）" if crits is not None else report.criteria
    toc = " · ".join(f'<a href="#{k}">{_html.escape(v)}</a>' for k, v in SECTIONS.items())
    return (STYLE + '<div class="liuan-report">'
            f"<h1>{_html.escape(report_title(report))}</h1>"
            f'<p class="sub">考核期间：{_html.escape(_period_span(report))}　考核标准：{_html.escape(preset)}</p>'
            f"<p>{toc}</p></div>")


def section_key_figures(report) -> Section:
    """主要数据: units, accounts per platform, posts, messages, reply and on-time rates, lists."""
    from liuan_eval.report.pipeline import key_figures

    s = Section("key-figures", SECTIONS["key-figures"])
    kf = key_figures(report, report.reply())
    cards = []
    for k, v in zip(kf["metric"], kf["value"]):
        if isinstance(v, float) and "率" in k:
            text = "—" if not np.isfinite(v) else f"{v:.1%}"
        elif isinstance(v, float):
            text = "—" if not np.isfinite(v) else f"{v:,.0f}"
        else:
            text = f"{v:,}" if isinstance(v, int | np.integer) else str(v)
        cards.append(f'<div class="liuan-kpi"><div class="v">{_html.escape(text)}</div>'
                     f'<div class="k">{_html.escape(k)}</div></div>')
    s.raw("<div>" + "".join(cards) + "</div>")
    grades = report.assessment.unit_scores["grade"].astype("str").value_counts() \
        if len(report.assessment.unit_scores) else pd.Series(dtype="int64")
    if len(grades):
        parts = "，".join(f"{g} {int(grades[g])} 个" for g in T.GRADE_ORDER if g in grades.index)
        s.text(f"单位考核等次：{parts}。发现问题 {len(report.assessment.findings)} 个。")
    return s


def section_coverage(report) -> Section:
    """账号矩阵覆盖: which unit has which platform."""
    s = Section("coverage", SECTIONS["coverage"])
    cov = report.tables["coverage"]
    if cov.empty:
        return s.missing("未评估：缺少账号登记表（accounts）")
    full = int((cov["platforms"] == 3).sum())
    s.text(f"共 {len(cov)} 个单位，其中 {full} 个单位微博、微信、客户端均已开设，"
           f"{len(cov) - full} 个单位尚未全部开设。")
    if "other_platforms" in cov and int((cov["other_platforms"] > 0).sum()):
        others = [c for c in cov.columns if c in F.PLATFORM_LABELS and c not in T.PLATFORMS and cov[c].any()]
        s.text(f"另有 {int((cov['other_platforms'] > 0).sum())} 个单位开设了"
               + "、".join(F.PLATFORM_LABELS[c] for c in others)
               + "等其他平台账号，按适用于各平台的指标考核（长期未更新、留言答复、报备、影响力等）；"
               "“两微一端”是否开齐（C01）只看微博、微信、客户端。")
    s.figure(F.coverage_figure(cov))
    lacking = cov[cov["platforms"] < 3]
    if len(lacking):
        show = lacking.assign(**{p: lacking[p].map({True: "✓", False: "✗"}) for p in T.PLATFORMS})
        s.table(show, "未全部开设“两微一端”的单位")
    return s


def section_ranking(report) -> Section:
    """考核排名与等次: the ranking table with grades and a bar chart."""
    s = Section("ranking", SECTIONS["ranking"])
    us = report.assessment.unit_scores
    rk = T.ranking_table(us)
    if rk.empty:
        return s.missing("未评估：没有可评分的单位")
    s.figure(F.ranking_figure(rk))
    s.table(rk.assign(veto=rk["veto"].replace("", "—")) if "veto" in rk else rk, "单位排名", limit=None)
    _class_tables(s, report)
    changes = report.tables.get("unit_changes")
    if changes is not None and len(changes):
        prev = report.tables.get("previous_period")
        name = str(prev["name"].iloc[0]) if prev is not None and len(prev) else "上期"
        summary = report.tables.get("comparison_summary")
        if summary is not None and len(summary):
            from liuan_eval.report.comparison import comparison_summary_display

            s.table(comparison_summary_display(summary), f"与上期（{name}）对比",
                    {"then": "上期", "now": "本期", "change": "变化"}, limit=None)
        s.table(changes, "各单位得分与排名变化（按变化排序）",
                {"total_then": "上期总分", "grade_then": "上期等次", "rank_then": "上期排名", "total_now": "本期总分",
                 "grade_now": "本期等次", "rank_now": "本期排名", "change": "得分变化", "rank_change": "排名变化"},
                limit=None)
    return s


def _class_tables(s: Section, report) -> None:
    """合格率 by platform and class of unit, the classes' average scores and each class's ranking."""
    rates = report.tables.get("pass_rates")
    if rates is not None and len(rates):
        notice = getattr(report.assessment.criteria, "notice", {}) or {}
        rule = ("等次为“不合格”或被通报整改的账号为不合格" if notice.get("rectified_fails", True)
                else "等次为“不合格”的账号为不合格")
        s.text(f"账号合格率（{rule}），全部账号、分平台、分单位类别：")
        s.table(rates.drop(columns=["scope", "group"]), "账号合格率", limit=None)
    summary = report.tables.get("class_summary")
    if summary is not None and len(summary):
        s.table(summary.drop(columns=["unit_type"]), "分类别平均得分与合格率", limit=None)
    ranks = report.tables.get("class_rankings")
    if ranks is not None and len(ranks):
        s.table(ranks, "分类别排名（县区、开发区、市直部门各自排名）", limit=None)


def section_heatmap(report) -> Section:
    """分项指标得分: heat-map of units × criteria and the criteria legend."""
    s = Section("heatmap", SECTIONS["heatmap"])
    us = report.assessment.unit_scores
    crits = getattr(report.assessment, "criteria", None)
    cols = T.criterion_columns(us)
    names = report.criterion_names()
    full = {c.id: float(c.weight) for c in crits} if crits is not None else None
    s.text("每格为单位在该指标上的得分占满分的比例（绿色为满分，红色为失分）；格中数字为得分。")
    s.figure(F.criteria_heatmap(us, cols, names, full))
    if crits is not None:
        legend = pd.DataFrame({"criterion": [c.id for c in crits], "criterion_name": [c.name for c in crits],
                               "weight": [float(c.weight) for c in crits],
                               "veto": [bool(c.veto) for c in crits]})
        s.table(legend, "指标说明", {"weight": "分值"}, limit=None)
    return s


def section_calendar(report) -> Section:
    """账号发布日历: each account's posting days for the period, dormant runs in red."""
    s = Section("calendar", SECTIONS["calendar"])
    crits = getattr(report.assessment, "criteria", None)
    gap = 15
    if crits is not None and "C15" in crits:
        gap = int(crits["C15"].params.get("min_gap_days", 15))
    accounts = report.tables["accounts"]
    if accounts is None or accounts.empty:
        return s.missing("未评估：缺少账号登记表（accounts）")
    s.text(f"每行一个账号，每列一天；红色为连续{gap}天以上未发布信息的时段（“僵尸”“睡眠”账号，"
           "即C15的问题），灰色为未开通或已关闭的时段。")
    f = report.assessment.findings
    dormant = f[f["criterion"] == "C15"] if len(f) else None
    p = getattr(report, "period", None)
    for fig in F.posting_calendars(report.tables["daily_posts"], accounts, report.year, gap, dormant=dormant,
                                   period=p.bounds() if p is not None and not p.is_year else None):
        s.figure(fig)
    return s


def section_reply(report) -> Section:
    """留言答复及时性 per unit."""
    s = Section("reply", SECTIONS["reply"])
    reply = report.reply()
    if reply.empty:
        return s.missing(_missing(report, "messages") or "未评估：考核期间内没有网民留言（messages）")
    m = getattr(report.assessment, "metrics", {}) or {}
    if "reply_rate" in m:
        s.text(f"职责内留言 {m.get('messages_in_scope', '—')} 条，答复率 {m['reply_rate']:.1%}，"
               f"5个工作日内按时答复率 {m.get('on_time_rate', float('nan')):.1%}，"
               f"答复用时中位数 {m.get('median_reply_workdays', float('nan')):g} 个工作日。"
               "“是否属本单位职责”未填的留言按职责内计。")
    s.figure(F.reply_timeliness_figure(reply))
    s.table(reply, "各单位留言答复情况", limit=None)
    return s


def section_repost(report) -> Section:
    """重要信息转发及时性 for each key release (the scoring engine's C12 table)."""
    from liuan_eval.report.pipeline import repost_summary

    s = Section("repost", SECTIONS["repost"])
    rep = report.repost
    if rep is not None and "status" in rep:  # reposts not yet due at the period's end are judged later
        rep = rep[rep["status"].astype("str") != "not_yet_due"]
    if rep is None or rep.empty:
        return s.missing("未评估：缺少重要信息转发清单（releases）或发布信息（posts）")
    crits = report.assessment.criteria
    p = crits["C12"].params if crits is not None and "C12" in crits else {}
    s.text(f"微博、客户端须在首发后{p.get('max_minutes', 60)}分钟内转发，微信须在"
           f"{p.get('wechat_max_workdays', 1)}个工作日内转发。每个点为一个账号对一条重要信息的转发；"
           "未及时转发的即C12的问题。")
    s.figure(F.repost_timeliness_figure(rep))
    s.table(repost_summary(rep), "各条重要信息的转发情况", limit=None)
    late = rep[~rep["on_time"]]
    if len(late):
        s.table(late[["release_id", "unit", "account_name", "platform", "reposted_at", "delay_minutes",
                      "delay_workdays"]], "未及时转发的账号")
    return s


def section_messages(report) -> Section:
    """网民留言主题、情感与风险 over the year, with the bursts found."""
    s = Section("messages", SECTIONS["messages"])
    m = report.messages
    if m is None or m.empty:
        return s.missing(_missing(report, "messages") or "未评估：考核期间内没有网民留言（messages）")
    s.text(f"本期网民留言 {len(m)} 条，按主题自动分类并分派承办部门，同时识别情感倾向和风险等级。")
    s.figure(F.message_trend_figure(T.message_counts(m, "topic", top=8), "各月留言主题分布"))
    s.figure(F.message_trend_figure(T.message_counts(m, "sentiment"), "各月留言情感分布",
                                    colors=F.SENTIMENT_COLORS))
    s.figure(F.message_trend_figure(T.message_counts(m, "risk_level"), "各月留言风险等级", kind="line",
                                    colors=F.RISK_COLORS))
    s.table(T.message_statistics(m), "留言主题与承办部门", {"negative": "负面留言", "negative_share": "负面占比",
                                                     "high_risk": "高风险留言"})
    high = m[m["risk_level"].astype("str").eq("high").fillna(False).to_numpy()] if "risk_level" in m else m.iloc[:0]
    if len(high):
        cols = [c for c in ["message_id", "unit", "received_at", "title", "topic", "department", "risk_reasons"]
                if c in high.columns]
        s.table(high.sort_values(["received_at", "message_id"], kind="stable")[cols], "高风险留言", limit=30)
    b = report.bursts
    if b is not None and len(b):
        s.table(b.drop(columns=[c for c in STAT_COLUMNS if c in b.columns]),
                "留言突增（与本单位自身基线相比；显著性检验见附录）", limit=30)
    elif _missing(report, "bursts"):
        s.missing(_missing(report, "bursts"))
    else:
        s.text("未发现留言突增。")
    return s


def _hot_columns(hot: pd.DataFrame) -> pd.DataFrame:
    """Normalise the hot-issue table's column names for the chart."""
    def pick(*names):
        return next((n for n in names if n in hot.columns), None)

    rep = pick("representative", "representative_text", "representative_title", "title", "text")
    heat = pick("heat", "heat_score", "score")
    count = pick("count", "messages", "n_messages", "size")
    out = pd.DataFrame({
        "representative": hot[rep].astype("str") if rep else pd.Series("", index=hot.index),
        "heat": hot[heat].astype("float64") if heat else pd.Series(np.nan, index=hot.index),
        "count": hot[count].astype("int64") if count else pd.Series(0, index=hot.index),
    })
    return out


def section_hot_issues(report) -> Section:
    """热点问题: clusters of similar messages from different people."""
    s = Section("hot-issues", SECTIONS["hot-issues"])
    h = report.hot_issues
    if h is None:
        return s.missing(_missing(report, "hot_issues") or "未评估：没有留言数据")
    if h.empty:
        s.text("本期未发现热点问题。")
        s.figure(F.hot_issues_figure(h))
        return s
    s.text(f"共发现热点问题 {len(h)} 个（不同网民反映的相似问题聚为一类，按热度排序）。")
    s.figure(F.hot_issues_figure(_hot_columns(h)))
    drop = [c for c in h.columns if c in ("member_ids", "message_ids", "members")]
    s.table(h.drop(columns=drop), "热点问题清单", limit=20)
    return s


def section_influence(report) -> Section:
    """账号影响力排行 (C18's index)."""
    s = Section("influence", SECTIONS["influence"])
    inf = T.influence_table(report.assessment.account_scores, top=20)
    if inf.empty:
        return s.missing("未评估：没有影响力指数（缺少发布信息或互动数据）")
    s.text("影响力指数由发布量、转发、评论、点赞和阅读数按对数尺度加权计算，可跨平台比较。"
           "平台内影响力指数按各平台自身看重的数据加权（微博重转发和评论，微信、客户端重阅读，短视频重点赞和播放），"
           "只在同一平台内排名；权重见考核标准的 C18 参数。")
    s.figure(F.influence_figure(inf))
    scores = report.assessment.account_scores
    if "platform_influence" in scores:
        scores = scores.assign(influence=scores["platform_influence"])
    s.figure(F.influence_by_platform_figure(scores))
    s.table(inf, "影响力前20名账号（跨平台指数）", limit=None)
    per = T.platform_influence_table(report.assessment.account_scores, top=10)
    if len(per):
        s.table(per, "各平台影响力前10名（平台内指数）", limit=None)
    return s


def section_actions(report) -> Section:
    """通报整改 and 关停 lists, each account with its evidence sentence."""
    s = Section("actions", SECTIONS["actions"])
    extra = {"criteria": "涉及指标", "findings": "问题数", "evidence": "问题说明"}
    rect, close = T.action_list(report.assessment.rectification), T.action_list(report.assessment.closure)
    s.text(f"通报整改账号 {T.named_accounts(rect)} 个、单位 {T.named_units(rect)} 个（单位层面问题，无具体账号），"
           f"建议关停账号 {T.named_accounts(close)} 个。每行附问题说明。")
    s.table(rect, "通报整改名单", extra, limit=None)
    s.table(close, "关停名单", extra, limit=None)
    follow = report.tables.get("rectification_followup")
    if follow is not None and len(follow):
        labels = {"criteria_then": "上期涉及指标", "criteria_now": "本期涉及指标", "status": "整改结果",
                  "reported": "单位报告的整改情况", "decision": "核定结果"}
        s.table(follow, "上期通报整改名单的整改情况", labels, limit=None)
    cross = report.tables.get("closure_across_periods")
    if cross is not None and len(cross):
        s.table(cross, "上期被通报、本期再次被通报的账号（建议关停）",
                {"criteria_then": "上期涉及指标", "criteria_now": "本期涉及指标", "reason": "理由"}, limit=None)
    content_review(report, s)  # C20's suspects and what the office confirmed
    return s


def _basename(paths: pd.Series) -> pd.Series:
    """File names without their folders (vectorised; missing stays missing)."""
    return paths.astype("str").str.replace(r"^.*[/\\]", "", regex=True)


def _column_labels(tables: pd.Series, columns: pd.Series) -> pd.Series:
    """Canonical column names shown by their Chinese labels (``published_at`` → 发布时间)."""
    from liuan_eval.schemas import TABLES

    labels = {(t, c): col.label for t, cols in TABLES.items() for c, col in cols.items()}
    keys = pd.Series(list(zip(tables.astype("str"), columns.astype("str"))), index=columns.index)
    return keys.map(labels).fillna(columns.astype("str"))


def section_data_quality(report) -> Section:
    """数据质量: the pre-flight check's problems, what was quarantined and why."""
    s = Section("data-quality", SECTIONS["data-quality"])
    q = report.tables["quarantine"] if report.tables.get("quarantine") is not None else pd.DataFrame()
    s.text(f"读取数据时共隔离 {len(q)} 行无法使用的记录（原行保留在“隔离数据”表中，其余有效行全部参与考核）。")
    summary = T.quarantine_summary(q)
    s.figure(F.quarantine_figure(summary))
    if len(summary):
        show = summary.assign(reason=summary["reason"].map(lambda r: F.REASON_LABELS.get(r, r)),
                              column=_column_labels(summary["table"], summary["column"]),
                              file=_basename(summary["file"]),
                              table=summary["table"].map(lambda t: TABLE_LABELS.get(t, t)))
        s.table(show, "隔离原因汇总", limit=None)
    load_report = report.tables.get("load_report")
    if load_report is not None and len(load_report):
        lr = load_report.assign(file=_basename(load_report["file"]))
        s.table(lr, "各文件读取情况", limit=None)
    pre = report.preflight
    if pre is not None and getattr(pre, "problems", None) is not None:
        p = pre.problems
        counts = p["severity"].astype("str").value_counts() if len(p) else pd.Series(dtype="int64")
        s.text(f"运行前检查：阻断性问题 {int(counts.get('blocking', 0))} 个，警告 {int(counts.get('warning', 0))} 个，"
               f"提示 {int(counts.get('info', 0))} 个。")
        cols = [c for c in ["severity", "table", "file", "row", "column", "message", "suggestion"] if c in p.columns]
        if len(p):
            show = p[cols].assign(**({"file": _basename(p["file"])}
                                     if "file" in cols else {}),
                                  **({"severity": p["severity"].astype("str").replace(
                                      {"blocking": "阻断", "warning": "警告", "info": "提示"})}
                                     if "severity" in cols else {}))
            s.table(show, "运行前检查发现的问题", {"severity": "级别"}, limit=40)
    elif _missing(report, "data_quality"):
        s.missing(_missing(report, "data_quality"))
    return s


def _topic_model_card() -> str:
    """The card of the topic model the assessment classified with (the shipped one), as HTML."""
    from liuan_eval.text.learn import card_html
    from liuan_eval.text.models import shipped_model

    try:
        return card_html(shipped_model("topic")[1].get("card"))
    except (OSError, ValueError) as exc:  # no model to describe: say so rather than fail the report
        return f"<p>主题模型卡片：无法读取（{_html.escape(str(exc))}）</p>"


def section_method(report) -> Section:
    """方法与说明: the criteria preset, calendar fallbacks, criteria not assessed, caveats."""
    s = Section("method", SECTIONS["method"])
    crits = getattr(report.assessment, "criteria", None)
    if crits is not None:
        s.text(f"考核标准：{crits.title}（预设 {crits.name}，依据：{crits.source}），满分 {crits.full_marks:g} 分；"
               f"等次：" + "，".join(f"{g} ≥ {m:g}" for g, m in crits.grades) + "。")
    s.text("工作日按国务院办公厅公布的节假日和调休安排计算（chinesecalendar）；“以上”含本数。"
           "各指标的阈值、分值和一票否决项见考核标准预设文件。")
    m = report.messages
    if m is not None and "topic_source" in m:
        src = m["topic_source"].astype("str").value_counts()
        s.text(f"留言主题：沿用数据中已有标签 {int(src.get('given', 0))} 条，模型自动分类 {int(src.get('model', 0))} 条，"
               f"标题和正文均为空未分类 {int(src.get('empty', 0))} 条。未指定模型时使用软件包自带的主题和情感模型"
               "（由项目样例数据训练）；置信度低的留言转人工分办。")
        s.raw(_topic_model_card())
    caveats = list(getattr(report.assessment, "caveats", []) or [])
    if caveats:
        s.raw("<p><b>说明与假设</b></p><ul>" + "".join(f"<li>{_html.escape(mask_text(c))}</li>" for c in caveats)
              + "</ul>")
    _appeals(s, report)
    na = report.assessment.not_assessed
    if na is not None and len(na):
        s.table(na, "未评估的指标")
    else:
        s.text("所有指标均已评估。")
    for reason in dict.fromkeys(report.missing.values()):
        s.missing(reason)
    return s


def _appeals(s: Section, report) -> None:
    """The returned notices read back: answers received, findings withdrawn on an accepted appeal."""
    answers = report.tables.get("responses")
    gone = getattr(report.assessment, "withdrawn", None)
    if answers is None or answers.empty:
        return
    filled = int(answers["rectification"].astype("str").ne("").sum())
    s.text(f"已读取各单位交回的整改通知：回复 {len(answers)} 条（其中填写整改情况 {filled} 条），"
           f"核定申诉成立 {0 if gone is None else len(gone)} 条，相应问题已撤销、扣分已恢复，其余问题不变。")
    if gone is not None and len(gone):
        s.table(gone[["finding_id", "unit", "criterion", "criterion_name", "explanation", "points", "appeal_reason"]],
                "申诉成立、已撤销的问题（附申诉理由）",
                {"finding_id": "问题编号", "appeal_reason": "申诉理由", "points": "恢复的扣分"}, limit=None)


def section_experience(report) -> Section:
    """典型经验: the units that improved most since the last period, the best units and accounts."""
    from liuan_eval.report.comparison import improved_and_fell

    s = Section("experience", SECTIONS["experience"])
    changes = report.tables.get("unit_changes")
    if changes is not None and len(changes):
        up, _ = improved_and_fell(changes, top=5)
        if len(up):
            s.text("与上期相比进步最大的单位：" + "、".join(
                f"{u}（{_signed_points(c)}）" for u, c in zip(up["unit"], up["change"])) + "。")
            s.table(up[["unit", "unit_type", "total_then", "total_now", "change", "rank_then", "rank_now"]],
                    "进步最大的单位", {"total_then": "上期总分", "total_now": "本期总分", "change": "得分变化",
                                 "rank_then": "上期排名", "rank_now": "本期排名"}, limit=None)
        else:
            s.text("与上期相比，没有得分上升的单位。")
    else:
        s.text("本次运行未提供上期考核结果（liuan-eval run --previous），无法比较各单位的进步情况。")
    ranks = report.tables.get("class_rankings")
    if ranks is not None and len(ranks):
        first = ranks[(ranks["class_rank"] == 1) & ranks["total"].notna()]  # a vetoed unit is no model
        s.table(first, "各类别第一名的单位", limit=None)
    best = best_accounts(report)
    if len(best):
        s.text("各平台表现最好的账号（合格、未被通报，总分最高，同分时平台内影响力指数高者在前）：")
        s.table(best, "各平台表现最好的账号", limit=None)
    return s


def _signed_points(v: float) -> str:
    return f"{'+' if v > 0 else ''}{v:.2f}".rstrip("0").rstrip(".") + "分"


def best_accounts(report, per_platform: int = 3) -> pd.DataFrame:
    """Per platform, the ``per_platform`` best accounts that passed and were not named (total, then influence)."""
    res = report.tables.get("account_results")
    scores = report.assessment.account_scores
    cols = ["platform", "unit", "account_name", "total", "grade", "platform_influence"]
    if res is None or res.empty or scores is None or scores.empty:
        return T._empty(cols)
    ok = res[res["passed"].astype(bool) & ~res["named"].astype(bool)]
    extra = scores.set_index("account_id").reindex(ok["account_id"])
    ok = ok.assign(platform_influence=extra["platform_influence"].to_numpy() if "platform_influence" in extra
                   else np.nan)
    order = {p: i for i, p in enumerate(F.PLATFORM_LABELS)}
    ok = ok.assign(_o=ok["platform"].map(order).fillna(len(order)), _i=ok["platform_influence"].fillna(-1))
    ok = ok.sort_values(["_o", "total", "_i", "account_id"], ascending=[True, False, False, True], kind="stable")
    return ok.groupby("_o", sort=True).head(per_platform)[cols].reset_index(drop=True)


def section_requirements(report) -> Section:
    """工作要求: the preset's requirements, with the period and 整改时限 filled in (as the 通报 has them)."""
    from liuan_eval.report.circular import requirements

    s = Section("requirements", SECTIONS["requirements"])
    texts = requirements(report)
    if not texts:
        return s.text("考核标准未给出工作要求（[notice] requirements）。")
    for text in texts:
        s.text(text)
    return s


def section_annex_stats(report) -> Section:
    """附录 统计检验: the tests behind the bursts (p-values, q-values), for the statistically minded reader."""
    s = Section("annex-stats", SECTIONS["annex-stats"])
    b = report.bursts
    if b is None or b.empty:
        return s.text("本期没有需要检验的留言突增。")
    s.text("留言突增检验：每个单位、每个主题每周的留言数与其前几周的合计比较（条件二项检验，即两段时间的"
           "泊松率相等），所有检验的 p 值按 Benjamini–Hochberg 方法校正为 q 值（控制错误发现率），"
           "q 值达到显著水平的列为突增；各行的检验方法见“检验方法”列。")
    s.table(b, "留言突增的检验结果", limit=60)
    return s


ALL_SECTIONS = [section_key_figures, section_coverage, section_ranking, section_heatmap, section_calendar,
                section_reply, section_repost, section_messages, section_hot_issues, section_influence,
                section_actions, section_data_quality, section_method, section_experience, section_requirements,
                section_annex_stats]


def outputs_note(files) -> str:
    """HTML list of the files written (names only, no local paths): a dict of paths or a list of names.

    Examples
    --------
    >>> from pathlib import Path
    >>> "annual_report.xlsx" in outputs_note({"xlsx": Path("/x/annual_report.xlsx")})
    True
    >>> "unit_scores.csv" in outputs_note(["unit_scores.csv"])
    True
    """
    paths = files.values() if isinstance(files, dict) else files
    names = sorted({Path(p).name for p in paths})
    return ("<p><b>输出文件</b>（与本报告同一文件夹）：" + "、".join(_html.escape(n) for n in names) + "</p>")
