"""``liuan-eval templates``: write the Excel fill-in templates
(:func:`liuan_eval.templates.write_templates`)."""
from __future__ import annotations

import argparse

from liuan_eval.i18n import tr
from liuan_eval.schemas import TABLES
from liuan_eval.templates import write_templates


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``liuan-eval templates``."""
    parser.add_argument("--out", required=True, metavar="DIR",
                        help=tr("模板输出文件夹", "folder to write the templates into"))
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), metavar="TABLE",
                        help=tr("只生成这些表的模板（默认全部）：", "only these tables (default all): ")
                        + ", ".join(TABLES))


def run(args: argparse.Namespace) -> int:
    """``liuan-eval templates``: write the templates and list them."""
    try:
        paths = write_templates(args.out, args.tables)
    except OSError as exc:
        print(tr(f"无法写入模板文件夹 {args.out}：{exc}", f"cannot write templates to {args.out}: {exc}"))
        return 1
    print(tr(f"已生成 {len(paths)} 个Excel填报模板，位于 {args.out}：",
             f"wrote {len(paths)} Excel templates to {args.out}:"))
    for p in paths:
        print(f"  {p.name}")
    print(tr("请在每个文件的第一个工作表中填写数据，填写说明见“填写说明”工作表。",
             "fill in the first sheet of each file; the sheet 填写说明 explains every column."))
    return 0
