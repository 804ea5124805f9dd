"""``--year`` / ``--period`` / ``--from --to``: the assessment period, the same way in ``check``,
``score`` and ``run`` (:mod:`liuan_eval.report.periods`)."""
from __future__ import annotations

import argparse

from liuan_eval.errors import UserError
from liuan_eval.i18n import tr
from liuan_eval.report.periods import Period, parse_period, span, year_period


def add_period_options(parser: argparse.ArgumentParser, year_help: tuple[str, str] | None = None) -> None:
    """Add ``--year``, ``--period``, ``--from`` and ``--to`` to ``parser``."""
    zh, en = year_help or ("考核年度（或用 --period、--from/--to）", "assessment year (or --period, --from/--to)")
    parser.add_argument("--year", type=int, default=None, help=tr(zh, en))
    parser.add_argument("--period", default=None,
                        help=tr("考核期间：2025、2025Q2（季度）或 2025H1（半年）", "period: 2025, 2025Q2 or 2025H1"))
    parser.add_argument("--from", dest="start", default=None, help=tr("考核期间首日（YYYY-MM-DD，与 --to 同用）",
                                                                     "first day of the period (YYYY-MM-DD, with --to)"))
    parser.add_argument("--to", dest="end", default=None, help=tr("考核期间末日（YYYY-MM-DD，含当天）",
                                                                 "last day of the period (YYYY-MM-DD, inclusive)"))


def period_of(args: argparse.Namespace, required: bool = True) -> Period | None:
    """The period the arguments name: ``--period``, ``--from``/``--to`` or ``--year`` (exactly one way;
    none at all gives ``None`` when not ``required``).

    Examples
    --------
    >>> args = argparse.Namespace(year=None, period="2025Q2", start=None, end=None)
    >>> period_of(args).label
    '2025年第二季度'
    >>> period_of(argparse.Namespace(year=None, period=None, start=None, end=None), required=False) is None
    True
    """
    ways = [args.year is not None, args.period is not None, args.start is not None or args.end is not None]
    if not any(ways) and not required:
        return None
    if sum(ways) != 1:
        raise UserError("错误：请用 --year、--period 或 --from/--to 中的一种给出考核期间",
                        "error: give the period one way: --year, --period or --from/--to")
    if args.period is not None:
        return parse_period(args.period)
    if args.year is not None:
        return year_period(args.year)
    if args.start is None or args.end is None:
        raise UserError("错误：--from 和 --to 须同时给出", "error: --from and --to go together")
    return span(args.start, args.end)


__all__ = ["add_period_options", "period_of"]
