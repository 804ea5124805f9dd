"""``liuan-eval run``: the whole annual assessment and its report
(:func:`liuan_eval.report.pipeline.run_assessment`), and the summary it prints."""
from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np

from liuan_eval.commands.period_options import add_period_options, period_of
from liuan_eval.commands.score import add_content_options
from liuan_eval.i18n import tr
from liuan_eval.report.comparison import comparison_caveat
from liuan_eval.report.pipeline import ASSESSMENT_DIR, CLEAN_DIR, DATA_SPAN_CAVEAT, RunResult, run_assessment
from liuan_eval.report.saved import MANIFEST
from liuan_eval.scoring.lists import named_accounts, named_units


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``liuan-eval run``."""
    parser.add_argument("--data", required=True, help=tr("数据文件夹", "data folder"))
    add_period_options(parser)
    parser.add_argument("--out", required=True, help=tr("报告输出文件夹", "report output folder"))
    parser.add_argument("--criteria", default="liuan_2016",
                        help=tr("考核标准（预设名称或TOML文件，默认 liuan_2016）",
                                "criteria preset name or TOML file (default liuan_2016)"))
    parser.add_argument("--issued", type=_date, default=None,
                        help=tr("通报和整改通知的成文日期（YYYY-MM-DD，默认今天；整改时限从它起算）",
                                "date of issue of the circular and the notices (YYYY-MM-DD, default today)"))
    parser.add_argument("--responses", default=None,
                        help=tr("各单位交回的整改通知所在文件夹：核定“申诉成立”的问题撤销，整改情况留存供下期跟踪",
                                "folder of the returned notices: accepted appeals are withdrawn, rectification kept"))
    parser.add_argument("--previous", default=None,
                        help=tr("上一期的报告文件夹（如 reports/2024），用于对比、整改跟踪和跨期关停建议",
                                "the previous period's report folder (e.g. reports/2024), for the comparison"))
    parser.add_argument("--no-notebook", action="store_true",
                        help=tr("只输出表格和Excel，不生成HTML报告", "tables and workbook only, no HTML report"))
    parser.add_argument("--quiet", action="store_true", help=tr("不显示进度条", "no progress bars"))
    parser.add_argument("--engine", choices=("pandas", "dask"), default="pandas",
                        help=tr("计算引擎：pandas（默认，单机）或 dask（留言分类和评分在 Dask 集群上计算，结果相同）",
                                "engine: pandas (default, one machine) or dask (classification and scoring on a "
                                "Dask cluster, the same result)"))
    parser.add_argument("--scheduler", default=None,
                        help=tr("Dask 调度器地址（如 tcp://10.0.0.5:8786，与 --engine dask 同用；不给则在本机启动 LocalCluster）",
                                "Dask scheduler address (with --engine dask; a LocalCluster on this machine when "
                                "not given)"))
    add_content_options(parser)  # --confirmations, --content-rules (C20)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(tr(f"不是 YYYY-MM-DD 格式的日期：{text}", f"not a YYYY-MM-DD date: {text}")) from None


def run(args: argparse.Namespace) -> int:
    """Run ``liuan-eval run``; print where everything went."""
    period = period_of(args)
    if args.scheduler is not None and args.engine != "dask":
        from liuan_eval.errors import UserError

        raise UserError("错误：--scheduler 须与 --engine dask 同用", "error: --scheduler goes with --engine dask")
    if args.previous is None:
        _note_a_dropped_comparison(Path(args.out))
    res = run_assessment(Path(args.data), period.year, args.out, args.criteria, notebook=not args.no_notebook,
                         progress=not args.quiet, issued=args.issued, responses=args.responses,
                         previous=args.previous, period=None if period.is_year else period,
                         confirmations=args.confirmations, content_rules=args.content_rules,
                         engine=args.engine, scheduler=args.scheduler)
    print(summary(res))
    return 0


def _note_a_dropped_comparison(out: Path) -> None:
    """Say so when ``out`` holds a run compared with a previous period and this run is given none (e.g. the
    run again with ``--responses``): its report would silently lose the comparison."""
    import json
    import sys

    manifest = out / ASSESSMENT_DIR / MANIFEST
    try:
        had = "tables.previous_period" in json.loads(manifest.read_text(encoding="utf-8")).get("tables", {})
    except (OSError, ValueError, AttributeError):
        return
    if had:
        print(tr(f"注意：{out} 中上次的结果与上一期作了对比；这次没有给 --previous，新的报告和通报中不再有上期对比。"
                 "要保留对比，请同时给出 --previous <上一期的报告文件夹>。",
                 f"note: the run in {out} was compared with a previous period; this one is given no --previous, so "
                 "the new report and circular have no comparison. Give --previous <folder> to keep it."),
              file=sys.stderr)


def summary(res: RunResult) -> str:
    """The final summary printed by ``liuan-eval run``: headline figures and where each output went."""
    r = res.report
    m = getattr(r.assessment, "metrics", {}) or {}
    label = r.period_label or f"{r.year}年度"
    lines = [tr(f"六安市政务“两微一端”{label}考核完成（考核标准：{r.criteria}）",
                f"Lu'an assessment {r.period_label or r.year} done (criteria: {r.criteria})")]
    def pct(v) -> str:
        return "—" if v is None or not np.isfinite(v) else f"{v:.1%}"

    rr, ot = pct(m.get("reply_rate", np.nan)), pct(m.get("on_time_rate", np.nan))
    lines.append(tr(f"  单位 {m.get('units', '—')} 个，账号 {m.get('accounts', '—')} 个，信息 {m.get('posts', '—')} 条，"
                    f"留言 {m.get('messages', '—')} 条，答复率 {rr}，按时率 {ot}，"
                    f"问题 {len(r.assessment.findings)} 个，通报整改账号 {named_accounts(r.assessment.rectification)} 个、"
                    f"单位 {named_units(r.assessment.rectification)} 个，"
                    f"建议关停账号 {named_accounts(r.assessment.closure)} 个",
                    f"  {m.get('units', '-')} units, {m.get('accounts', '-')} accounts, {m.get('posts', '-')} posts, "
                    f"{m.get('messages', '-')} messages, reply rate {rr}, on time {ot}, "
                    f"{len(r.assessment.findings)} findings, {named_accounts(r.assessment.rectification)} accounts "
                    f"and {named_units(r.assessment.rectification)} units to rectify, "
                    f"{named_accounts(r.assessment.closure)} accounts to close"))
    for c in getattr(r.assessment, "caveats", None) or []:
        if str(c).startswith(DATA_SPAN_CAVEAT):
            lines.append("  注意：" + str(c).removeprefix(DATA_SPAN_CAVEAT))
    caveat = comparison_caveat(r.tables)
    if caveat:
        lines.append("  注意：" + caveat)
    cross = r.tables.get("closure_across_periods")
    if cross is not None:   # --previous: named last period and again now
        lines.append(tr(f"  与上期对比：上期被通报、本期再次被通报（跨期建议关停）的账号 {named_accounts(cross)} 个",
                        f"  against the previous period: {named_accounts(cross)} accounts named in both (to close)"))
    s = getattr(r.assessment, "content_suspects", None)
    if s is not None and len(s):
        pending = int((s["status"].astype("str") == "待核定").sum())
        lines.append(tr(f"  内容审核疑点 {len(s)} 处，待核定 {pending} 处（工作簿“内容审核疑点”表）",
                        f"  content suspects: {len(s)}, {pending} to review (workbook sheet 内容审核疑点)"))
    for reason in dict.fromkeys(r.missing.values()):
        lines.append("  " + reason)
    lines.append(tr("输出文件：", "outputs:"))
    labels = {"html": tr("报告（HTML）", "report (HTML)"), "xlsx": tr("Excel 工作簿", "Excel workbook"),
              "notebook": tr("已执行的笔记本", "executed notebook"),
              "circular": tr("通报稿（Word）", "the circular (Word)"),
              "assessment": tr("已保存的考核结果（Parquet，供笔记本和下期对比读取）",
                               "saved assessment (Parquet, read by the notebook and the next period)")}
    for key in ("html", "xlsx", "circular", "notebook", "assessment"):
        if key in res.files:
            lines.append(f"  {labels[key]}: {res.files[key]}")
    notices = [p.name for k, p in res.files.items() if k.startswith("unit_notice:")]
    if notices:
        lines.append(tr(f"  各单位整改通知（{len(notices)} 份）: {res.out / 'units'}/",
                        f"  units' notices ({len(notices)}): {res.out / 'units'}/"))
    gone = getattr(r.assessment, "withdrawn", None)
    if gone is not None:
        lines.append(tr(f"  已读取交回的整改通知：申诉成立、撤销的问题 {len(gone)} 个",
                        f"  returned notices read: {len(gone)} findings withdrawn on appeal"))
    csvs = [p.name for k, p in res.files.items() if k not in labels and not k.startswith(("clean_", "unit_notice:"))]
    clean = [p.name for k, p in res.files.items() if k.startswith("clean_")]
    lines.append(tr(f"  CSV 表格（{len(csvs)} 个）: {res.out}/", f"  CSV tables ({len(csvs)}): {res.out}/")
                 + "、".join(csvs))
    if clean:
        lines.append(tr(f"  清洗后的数据表（{len(clean)} 个）: {res.out / CLEAN_DIR}/",
                        f"  clean tables ({len(clean)}): {res.out / CLEAN_DIR}/") + "、".join(clean))
    return "\n".join(lines)
