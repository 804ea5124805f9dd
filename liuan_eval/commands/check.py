"""``liuan-eval check``: the pre-flight check of a data folder
(:func:`liuan_eval.preflight.preflight_check`)."""
from __future__ import annotations

import argparse
import io
from pathlib import Path

from liuan_eval.commands.period_options import add_period_options, period_of
from liuan_eval.i18n import tr
from liuan_eval.output import safe_frame, write_bytes, write_csv
from liuan_eval.preflight import preflight_check


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``liuan-eval check``."""
    parser.add_argument("--data", required=True, metavar="DIR",
                        help=tr("数据文件夹（含账号登记表、发布信息等文件）",
                                "data folder (account registry, posts, ...)"))
    add_period_options(parser, ("考核年度，如 2025（默认按数据推断；或用 --period、--from/--to）",
                                "assessment year, e.g. 2025 (default: inferred from the data; or --period, --from/--to)"))
    parser.add_argument("--out", metavar="FILE", default=None,
                        help=tr("把问题清单另存为 CSV 或 Excel 文件", "save the problem list as CSV or Excel"))
    parser.add_argument("--all", action="store_true",
                        help=tr("显示全部问题（默认同类问题最多显示20条）",
                                "show every problem (default: at most 20 of a kind)"))


def run(args: argparse.Namespace) -> int:
    """``liuan-eval check``: print the problem list; exit 1 only when something blocks a run."""
    period = period_of(args, required=False)
    if period is None or period.is_year:
        result = preflight_check(args.data, year=period.year if period else None)
    else:
        result = preflight_check(args.data, period=period.bounds())
    print(result.to_text(limit=None if args.all else 20))
    if args.out:
        out = Path(args.out)
        frame = result.for_analyst()
        if out.suffix.lower() in (".xlsx", ".xls"):
            out = out.with_suffix(".xlsx")
            buf = io.BytesIO()
            safe_frame(frame).to_excel(buf, index=False, sheet_name=tr("问题清单", "problems"))
            write_bytes(buf.getvalue(), out)
        else:
            write_csv(frame, out)
        print(tr(f"问题清单已保存到 {out}", f"problem list saved to {out}"))
    return result.exit_code
