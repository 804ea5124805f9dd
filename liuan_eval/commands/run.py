"""``liuan-eval run``: the whole annual assessment and its report
(:func:`liuan_eval.report.pipeline.run_assessment`), and the summary it prints."""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from liuan_eval.commands.score import add_content_options
from liuan_eval.i18n import tr
from liuan_eval.report.pipeline import CLEAN_DIR, RunResult, run_assessment
from liuan_eval.scoring.lists import named_accounts, named_units


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``liuan-eval run``."""
    parser.add_argument("--data", required=True, help=tr("数据文件夹", "data folder"))
    parser.add_argument("--year", type=int, required=True, help=tr("考核年度", "assessment year"))
    parser.add_argument("--out", required=True, help=tr("报告输出文件夹", "report output folder"))
    parser.add_argument("--criteria", default="liuan_2016",
                        help=tr("考核标准（预设名称或TOML文件，默认 liuan_2016）",
                                "criteria preset name or TOML file (default liuan_2016)"))
    parser.add_argument("--no-notebook", action="store_true",
                        help=tr("只输出表格和Excel，不生成HTML报告", "tables and workbook only, no HTML report"))
    parser.add_argument("--quiet", action="store_true", help=tr("不显示进度条", "no progress bars"))
    add_content_options(parser)  # --confirmations, --content-rules (C20)


def run(args: argparse.Namespace) -> int:
    """Run ``liuan-eval run``; print where everything went."""
    res = run_assessment(Path(args.data), args.year, args.out, args.criteria, notebook=not args.no_notebook,
                         progress=not args.quiet, confirmations=args.confirmations, content_rules=args.content_rules)
    print(summary(res))
    return 0


def summary(res: RunResult) -> str:
    """The final summary printed by ``liuan-eval run``: headline figures and where each output went."""
    r = res.report
    m = getattr(r.assessment, "metrics", {}) or {}
    lines = [tr(f"六安市政务“两微一端”{r.year}年度考核完成（考核标准：{r.criteria}）",
                f"Lu'an annual assessment {r.year} done (criteria: {r.criteria})")]
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
    for reason in dict.fromkeys(r.missing.values()):
        lines.append("  " + reason)
    lines.append(tr("输出文件：", "outputs:"))
    labels = {"html": tr("报告（HTML）", "report (HTML)"), "xlsx": tr("Excel 工作簿", "Excel workbook"),
              "notebook": tr("已执行的笔记本", "executed notebook"),
              "assessment": tr("已保存的考核结果（Parquet，供笔记本和下期对比读取）",
                               "saved assessment (Parquet, read by the notebook and the next period)")}
    for key in ("html", "xlsx", "notebook", "assessment"):
        if key in res.files:
            lines.append(f"  {labels[key]}: {res.files[key]}")
    csvs = [p.name for k, p in res.files.items() if k not in labels and not k.startswith("clean_")]
    clean = [p.name for k, p in res.files.items() if k.startswith("clean_")]
    lines.append(tr(f"  CSV 表格（{len(csvs)} 个）: {res.out}/", f"  CSV tables ({len(csvs)}): {res.out}/")
                 + "、".join(csvs))
    if clean:
        lines.append(tr(f"  清洗后的数据表（{len(clean)} 个）: {res.out / CLEAN_DIR}/",
                        f"  clean tables ({len(clean)}): {res.out / CLEAN_DIR}/") + "、".join(clean))
    return "\n".join(lines)
