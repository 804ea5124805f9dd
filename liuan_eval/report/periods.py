"""Assessment periods: a year (the default), a quarter (``2025Q2``) or any span of days (``--from``/``--to``).

Offices check quarterly as well as yearly (国办秘函〔2019〕19号 asks for quarterly checks). A period
is a first and a last day, both inclusive (:func:`liuan_eval.scoring.score`'s ``period``), and the
label the 通报 and the report print.

Examples
--------
>>> p = parse_period("2025Q2")
>>> p.start, p.end, p.label
(datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), '2025年第二季度')
>>> parse_period("2024").label, parse_period("2024").is_year
('2024年度', True)
>>> span("2025-03-01", "2025-05-31").label, span("2025-04-01", "2025-06-30").label
('2025年3月1日至5月31日', '2025年第二季度')
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from liuan_eval.errors import UserError

QUARTERS = "一二三四"


@dataclass(frozen=True)
class Period:
    """An assessment period: ``start`` and ``end`` (inclusive) and its Chinese ``label``."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def year(self) -> int:
        """The year the period starts in (the report's ``year``)."""
        return self.start.year

    @property
    def is_year(self) -> bool:
        """Whether the period is a whole calendar year."""
        return self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31)

    def bounds(self) -> tuple[str, str]:
        """``(first day, last day)`` as ISO strings, for :func:`liuan_eval.scoring.score`."""
        return self.start.isoformat(), self.end.isoformat()


class PeriodError(UserError, ValueError):
    """A period the command line cannot read."""


def year_period(year: int) -> Period:
    """The calendar year ``year``."""
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年度")


def parse_period(text: str) -> Period:
    """``2025`` (a year), ``2025Q2`` / ``2025q2`` / ``2025-Q2`` (a quarter) or ``2025H1`` (a half year)."""
    t = str(text).strip()
    if re.fullmatch(r"\d{4}", t):
        return year_period(int(t))
    m = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", t)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        start = dt.date(y, 3 * q - 2, 1)
        end = (dt.date(y + 1, 1, 1) if q == 4 else dt.date(y, 3 * q + 1, 1)) - dt.timedelta(days=1)
        return Period(start, end, f"{y}年第{QUARTERS[q - 1]}季度")
    m = re.fullmatch(r"(\d{4})-?[Hh]([12])", t)
    if m:
        y, h = int(m.group(1)), int(m.group(2))
        return Period(dt.date(y, 1, 1) if h == 1 else dt.date(y, 7, 1),
                      dt.date(y, 6, 30) if h == 1 else dt.date(y, 12, 31), f"{y}年{'上' if h == 1 else '下'}半年")
    raise PeriodError(f"无法识别的考核期间：{text}（可写 2025、2025Q2 或 2025H1，或用 --from/--to 给出起止日期）",
                      f"unknown period {text!r} (write 2025, 2025Q2 or 2025H1, or give --from/--to)")


def span(first: str, last: str) -> Period:
    """Any span of days (both inclusive), labelled by its dates."""
    try:
        a, b = dt.date.fromisoformat(str(first)), dt.date.fromisoformat(str(last))
    except ValueError:
        raise PeriodError(f"起止日期须为 YYYY-MM-DD：{first}、{last}", f"dates must be YYYY-MM-DD: {first}, {last}") from None
    if b < a:
        raise PeriodError(f"考核期间的结束日期 {last} 早于开始日期 {first}", f"the period ends ({last}) before it starts ({first})")
    if a == dt.date(a.year, 1, 1) and b == dt.date(a.year, 12, 31):
        return year_period(a.year)
    for name in (*(f"{a.year}Q{q}" for q in range(1, 5)), f"{a.year}H1", f"{a.year}H2"):
        named = parse_period(name)
        if (named.start, named.end) == (a, b):  # a quarter or a half year, named as such
            return named
    tail = f"{b.month}月{b.day}日" if b.year == a.year else f"{b.year}年{b.month}月{b.day}日"
    return Period(a, b, f"{a.year}年{a.month}月{a.day}日至{tail}")


__all__ = ["Period", "PeriodError", "parse_period", "span", "year_period"]
