"""Throughput of the working-day calendar against a naive per-element chinese_calendar loop.

Each function runs on 1,000,000 tz-aware dates (random over 2012-01 … 2026-11, so that
ends and deadlines stay within chinesecalendar's years); the naive loop
(one ``chinese_calendar.is_workday`` call per day, as a notebook would write it) is timed
on 20,000 dates and extrapolated to 1,000,000. Figures are wall-clock on a shared
2-core machine: expect noise of tens of percent.
"""
from __future__ import annotations

import datetime as dt
import time
import warnings

import chinese_calendar
import numpy as np
import pandas as pd

from liuan_eval import workdays as wd

N = 1_000_000
N_NAIVE = 20_000
TZ = "Asia/Shanghai"


def _random_dates(n: int, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    lo = pd.Timestamp("2012-01-01", tz=TZ).value
    hi = pd.Timestamp("2026-11-30 23:59:59", tz=TZ).value  # + 30 days and + 5 working days stay in 2026
    return pd.Series(pd.to_datetime(rng.integers(lo, hi, n), utc=True).tz_convert(TZ))


def _best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _naive_between(a: dt.date, b: dt.date) -> int:
    if b <= a:
        return 0
    return sum(chinese_calendar.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))


def _naive_add(d: dt.date, n: int) -> dt.date:
    while n:
        d += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(d)
    return d


def main() -> None:
    t0 = time.perf_counter()
    wd._table.cache_clear()
    wd._table()
    print(f"day table built in {(time.perf_counter() - t0) * 1000:.1f} ms "
          f"({wd.TABLE_FIRST_YEAR}-{wd.TABLE_LAST_YEAR}, covered {wd.calendar_coverage()})")

    start = _random_dates(N, 1)
    end = start + pd.to_timedelta(np.random.default_rng(2).integers(0, 30 * 86400, N), unit="s")
    naive_start = start.dt.date.iloc[:N_NAIVE].tolist()
    naive_end = end.dt.date.iloc[:N_NAIVE].tolist()

    naive = {
        "is_workday": lambda: [chinese_calendar.is_workday(d) for d in naive_start],
        "workdays_between": lambda: [_naive_between(a, b) for a, b in zip(naive_start, naive_end)],
        "add_workdays(n=5)": lambda: [_naive_add(d, 5) for d in naive_start],
    }
    fast = {
        "is_workday": lambda: wd.is_workday(start),
        "workdays_between": lambda: wd.workdays_between(start, end),
        "add_workdays(n=5)": lambda: wd.add_workdays(start, 5),
        "deadline_end(n=5)": lambda: wd.deadline_end(start, 5),
        "same_day_deadline": lambda: wd.same_day_deadline(start),
        "calendar_fallback_years": lambda: wd.calendar_fallback_years(start),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error", wd.CalendarFallbackWarning)  # none expected: all within 2012-2026
        print(f"{'function':<26}{'dates/s':>14}{'s per 1M':>10}{'naive dates/s':>15}{'naive s per 1M':>16}{'ratio':>9}")
        for name, fn in fast.items():
            secs = _best_of(fn)
            line = f"{name:<26}{N / secs:>14,.0f}{secs:>10.3f}"
            if name in naive:
                nsecs = _best_of(naive[name], repeat=1) * (N / N_NAIVE)
                line += f"{N / nsecs:>15,.0f}{nsecs:>16.1f}{nsecs / secs:>8.0f}x"
            print(line, flush=True)

        # the same on naive string input (what comes straight from a CSV)
        text = start.dt.strftime("%Y-%m-%d %H:%M:%S").astype(str)
        secs = _best_of(lambda: wd.is_workday(text), repeat=1)
        print(f"{'is_workday (str input)':<26}{N / secs:>14,.0f}{secs:>10.3f}")


if __name__ == "__main__":
    main()
