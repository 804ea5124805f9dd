"""The working-day calendar (工作日): official holidays off, adjusted weekend workdays (调休) on.

Every function is vectorised through one day table built lazily on first use: a boolean
"working day" flag and its cumulative count for each day from 1900-01-01 to 2199-12-31,
indexed by days since that epoch. Holidays and 调休 come from ``chinese_calendar``
(the ``chinesecalendar`` package); for a year it does not cover, Monday–Friday are taken
as working days and a :class:`CalendarFallbackWarning` names the year(s), once per call.

Definitions (``/work/shared/reference/criteria.md``, "Working-day deadlines"):

- ``workdays_between(a, b)`` counts the working days d with date(a) < d ≤ date(b)
  (0 when b is on or before a);
- ``add_workdays(d, n)`` is the smallest date e with ``workdays_between(d, e) == n``
  (``n == 0`` gives d itself); a 5-working-day deadline ends at the end of that date,
  which is ``deadline_end(d, n)`` (an exclusive instant: midnight starting the next day);
- ``same_day_deadline(d)``: the end of the calendar day of d when d is a working day,
  else the end of the next working day.

Inputs may be scalars (``str``, ``datetime.date``, ``datetime.datetime``,
``pandas.Timestamp``, ``numpy.datetime64``), lists, numpy arrays, ``Index``/``DatetimeIndex``
or ``Series``. Tz-aware values are converted to Asia/Shanghai before the date is taken;
naive ones are taken as Shanghai local time. Outputs keep the shape of the input: a
Series gives a Series with the same index (``boolean``/``Int64``/
``datetime64[ns, Asia/Shanghai]`` dtype), an Index an Index, a list or array a pandas
extension array, a scalar a scalar; missing values (NaT) give ``pd.NA``/``pd.NaT``.

Examples
--------
>>> from liuan_eval.workdays import workdays_between, add_workdays
>>> workdays_between("2025-09-30 18:00", "2025-10-09 09:00")   # 10-01..10-08 off
1
>>> add_workdays("2025-09-30", 5)      # 10-09, 10-10, 10-11 (调休 Saturday), 10-13, 10-14
Timestamp('2025-10-14 00:00:00+0800', tz='Asia/Shanghai')
"""
from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Hashable
from dataclasses import dataclass

import chinese_calendar
import numpy as np
import pandas as pd

from liuan_eval.i18n import tr

__all__ = [
    "CalendarFallbackWarning",
    "add_workdays",
    "calendar_coverage",
    "calendar_fallback_years",
    "deadline_end",
    "is_workday",
    "same_day_deadline",
    "workdays_between",
]

TZ = "Asia/Shanghai"
TABLE_FIRST_YEAR = 1900
TABLE_LAST_YEAR = 2199
_NS_PER_DAY = 86_400 * 10**9
_FIXED_OFFSET_FROM = 8035  # 1992-01-01 in days since 1970-01-01


class CalendarFallbackWarning(UserWarning):
    """Some dates fall in a year chinesecalendar does not cover; Monday–Friday were used.

    The years are in the message and, as a sorted list of ``int``, in :attr:`years`.

    Examples
    --------
    >>> CalendarFallbackWarning("2030: Monday-Friday used", [2030]).years
    [2030]
    """

    def __init__(self, message: str = "", years=()):
        super().__init__(message)
        self.years: list[int] = sorted(int(y) for y in years)


# ---------------------------------------------------------------------------------------
# the day table


@dataclass(frozen=True)
class _Table:
    first: int  # day number (days since 1970-01-01) of the table's first day
    size: int
    workday: np.ndarray  # bool, one per day
    cum: np.ndarray  # int32, working days from the table's first day up to and including this day
    cum_fallback: np.ndarray  # int32, the same count for days in a year chinesecalendar lacks
    nth: np.ndarray  # int32, nth[k] = position of the (k + 1)-th working day (the first day where cum == k + 1)
    covered: tuple[int, int]  # first and last year chinesecalendar covers


def _day_number(value: dt.date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


@functools.cache
def _table() -> _Table:
    first = _day_number(dt.date(TABLE_FIRST_YEAR, 1, 1))
    last = _day_number(dt.date(TABLE_LAST_YEAR, 12, 31))
    days = np.arange(first, last + 1, dtype=np.int64)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970

    holiday_keys = list(chinese_calendar.holidays)
    lo, hi = min(holiday_keys).year, max(holiday_keys).year
    covered_days = (years >= lo) & (years <= hi)
    holidays = np.isin(days, np.array([_day_number(d) for d in holiday_keys], dtype=np.int64))
    adjusted = np.isin(days, np.array([_day_number(d) for d in chinese_calendar.workdays], dtype=np.int64))
    # the same rule as chinese_calendar.is_workday: 调休 days on, else Monday-Friday and not a holiday
    official = adjusted | ((weekday < 5) & ~holidays)
    workday = np.where(covered_days, official, weekday < 5)
    workday.setflags(write=False)
    cum = np.cumsum(workday, dtype=np.int32)
    cum.setflags(write=False)
    cum_fallback = np.cumsum(~covered_days, dtype=np.int32)
    cum_fallback.setflags(write=False)
    nth = np.flatnonzero(workday).astype(np.int32)
    nth.setflags(write=False)
    return _Table(first, len(days), workday, cum, cum_fallback, nth, (lo, hi))


def calendar_coverage() -> tuple[int, int]:
    """First and last year whose holidays and 调休 chinesecalendar knows.

    Returns
    -------
    tuple of int
        ``(first_year, last_year)``; other years fall back to Monday–Friday.

    Examples
    --------
    >>> lo, hi = calendar_coverage()
    >>> lo <= 2016 and hi >= 2025
    True
    """
    return _table().covered


# ---------------------------------------------------------------------------------------
# inputs and outputs


@dataclass
class _Input:
    days: np.ndarray  # int64 index into the day table (0 where missing)
    valid: np.ndarray  # bool
    kind: str  # "scalar", "array", "index" or "series"
    index: pd.Index | None = None
    name: Hashable = None


_RANK = {"scalar": 0, "array": 1, "index": 2, "series": 3}


def _label(inp_index: pd.Index | None, pos: int) -> str:
    if inp_index is not None:
        return tr(f"索引 {inp_index[pos]!r}", f"index {inp_index[pos]!r}")
    return tr(f"第 {pos + 1} 项", f"item #{pos + 1}")


def _bad_value(what: str, index: pd.Index | None, pos: int, value, expected: str) -> ValueError:
    if isinstance(value, np.generic):
        value = value.item()
    return ValueError(
        tr(
            f"{what}：{_label(index, pos)}，值 {value!r} 不是可识别的{expected}",
            f"{what}: {_label(index, pos)} has value {value!r}, expected {expected}",
        )
    )


def _local_naive(values: pd.DatetimeIndex) -> pd.DatetimeIndex:
    if values.tz is not None:
        values = values.tz_convert(TZ).tz_localize(None)
    return values


def _parse_one(value) -> pd.Timestamp:
    if isinstance(value, str):
        value = value.strip()
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        return ts
    if ts.tzinfo is not None:
        ts = ts.tz_convert(TZ).tz_localize(None)
    return ts


def _to_local(raw, what: str, index: pd.Index | None) -> pd.DatetimeIndex:
    """Naive Shanghai-local DatetimeIndex of the values (vectorised; per element only as a last resort)."""
    arr = raw.array if isinstance(raw, pd.Series | pd.Index) else raw
    dtype = getattr(arr, "dtype", None)
    if isinstance(dtype, pd.DatetimeTZDtype) or (dtype is not None and dtype.kind == "M"):
        return _local_naive(pd.DatetimeIndex(arr))
    if dtype is not None and dtype.kind in "iufcb":
        arr = np.asarray(arr, dtype=object)
        bad = np.flatnonzero(~pd.isna(arr))
        if len(bad):
            raise _bad_value(what, index, int(bad[0]), arr[bad[0]], tr("日期", "a date"))
        return pd.DatetimeIndex(np.full(len(arr), np.datetime64("NaT", "ns")))
    inferred = pd.api.types.infer_dtype(arr, skipna=True)
    if inferred in ("integer", "floating", "mixed-integer", "mixed-integer-float", "decimal", "complex", "boolean"):
        obj = pd.Series(np.asarray(arr, dtype=object))
        kinds = obj.map(lambda v: isinstance(v, int | float | complex | np.number) and not pd.isna(v))
        found = np.flatnonzero(kinds.to_numpy(dtype=bool))
        if len(found):
            pos = int(found[0])
            raise _bad_value(what, index, pos, obj[pos], tr("日期（不是数字）", "a date, not a number"))
    try:
        return _local_naive(pd.DatetimeIndex(pd.to_datetime(arr)))
    except (ValueError, TypeError, OverflowError):
        pass
    obj = pd.Series(np.asarray(arr, dtype=object))
    is_str = obj.map(type).eq(str)
    if is_str.any():  # padded cells and 2025年10月1日
        text = obj[is_str].str.strip().str.replace(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3", regex=True)
        obj = obj.where(~is_str, text)
    try:
        return _local_naive(pd.DatetimeIndex(pd.to_datetime(obj, format="mixed")))
    except (ValueError, TypeError, OverflowError):
        pass
    # mixed time zones, or a bad value: one by one, to convert each to Shanghai or to say which is bad
    out = []
    for pos, value in enumerate(obj):
        try:
            out.append(_parse_one(value))
        except (ValueError, TypeError, OverflowError):
            raise _bad_value(what, index, pos, value, tr("日期或时间", "a date or date-time")) from None
    return pd.DatetimeIndex(out)


def _as_input(dates, what: str) -> _Input:
    if isinstance(dates, pd.Series):
        kind, index, name, raw = "series", dates.index, dates.name, dates
    elif isinstance(dates, pd.Index):
        kind, index, name, raw = "index", None, dates.name, dates
    elif isinstance(dates, list | tuple | np.ndarray | pd.api.extensions.ExtensionArray):
        kind, index, name, raw = "array", None, None, dates
        if isinstance(dates, np.ndarray) and dates.ndim != 1:
            raise ValueError(tr(f"{what}：只接受一维数组", f"{what}: only 1-d arrays are accepted"))
    else:
        kind, index, name = "scalar", None, None
        if isinstance(dates, str | dt.date | np.datetime64 | pd.Timestamp) or dates is None or (
            pd.api.types.is_scalar(dates) and pd.isna(dates)):
            raw = [dates]
        else:
            raise TypeError(
                tr(f"{what}：{dates!r} 不是日期", f"{what}: {dates!r} is not a date")
            )
        if isinstance(dates, pd.Timestamp | dt.datetime) and dates.tzinfo is not None:
            raw = pd.DatetimeIndex([dates])
    local = _to_local(raw, what, index)
    day = np.asarray(local.values.astype("datetime64[D]").astype(np.int64))
    valid = ~np.asarray(local.isna())
    t = _table()
    pos = day - t.first
    outside = valid & ((pos < 0) | (pos >= t.size))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise ValueError(
            tr(
                f"{what}：{_label(index, i)}，日期 {local[i].date()} 超出工作日表的范围"
                f"（{TABLE_FIRST_YEAR}–{TABLE_LAST_YEAR} 年）",
                f"{what}: {_label(index, i)} is {local[i].date()}, outside the working-day table "
                f"({TABLE_FIRST_YEAR}-{TABLE_LAST_YEAR})",
            )
        )
    pos = np.where(valid, pos, 0)
    return _Input(pos, valid, kind, index, name)


def _combine(*inputs: _Input) -> tuple[str, pd.Index | None, int | None]:
    """The output kind, index and length of several inputs broadcast together."""
    kind = max((i.kind for i in inputs), key=_RANK.__getitem__)
    lengths = {len(i.days) for i in inputs if i.kind != "scalar"}
    if len(lengths) > 1:
        raise ValueError(
            tr(f"输入的长度不一致：{sorted(lengths)}", f"inputs have different lengths: {sorted(lengths)}")
        )
    indexes = [i.index for i in inputs if i.kind == "series"]
    for other in indexes[1:]:
        if not other.equals(indexes[0]):
            raise ValueError(
                tr("两个 Series 的索引不同：请先对齐（例如取自同一张表）",
                   "the two Series have different indexes: align them first (e.g. take both from one table)")
            )
    return kind, (indexes[0] if indexes else None), (lengths.pop() if lengths else None)


def _wrap(values, valid: np.ndarray, out: str, kind: str, index: pd.Index | None, name: Hashable):
    if out == "bool":
        result = pd.arrays.BooleanArray(np.asarray(values, dtype=bool), ~valid)
    elif out == "int":
        result = pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), ~valid)
    else:  # day positions -> tz-aware midnights
        t = _table()
        day = np.asarray(values, dtype=np.int64) + t.first
        if not valid.any() or day[valid].min() >= _FIXED_OFFSET_FROM:
            # Shanghai has kept UTC+8 without summer time since 1992: midnight = 16:00 UTC the day before
            utc = np.where(valid, day * _NS_PER_DAY - 8 * 3600 * 10**9, np.iinfo(np.int64).min)
            result = pd.DatetimeIndex(utc.view("datetime64[ns]")).tz_localize("UTC").tz_convert(TZ).array
        else:
            naive = np.where(valid, day * _NS_PER_DAY, np.iinfo(np.int64).min).view("datetime64[ns]")
            result = pd.DatetimeIndex(naive).tz_localize(TZ).array
    if kind == "scalar":
        if not valid[0]:
            return pd.NaT if out == "datetime" else pd.NA
        return {"bool": bool, "int": int}.get(out, lambda v: v)(result[0])
    if kind == "series":
        return pd.Series(result, index=index, name=name, copy=False)
    if kind == "index":
        return pd.Index(result, name=name)
    return result


# ---------------------------------------------------------------------------------------
# fallback years


def _years_of(pos: np.ndarray) -> np.ndarray:
    return (pos + _table().first).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _fallback_years_in(after: np.ndarray, upto: np.ndarray, valid: np.ndarray) -> list[int]:
    """Uncovered years touched by the day ranges (after, upto] of the valid rows."""
    t = _table()
    touched = valid & (upto > after)
    before = np.where(after >= 0, t.cum_fallback[np.maximum(after, 0)], 0)
    touched &= t.cum_fallback[upto] > before
    if not touched.any():
        return []
    y0 = _years_of(after[touched] + 1) - TABLE_FIRST_YEAR
    y1 = _years_of(upto[touched]) - TABLE_FIRST_YEAR
    size = TABLE_LAST_YEAR - TABLE_FIRST_YEAR + 2
    diff = np.bincount(y0, minlength=size) - np.bincount(y1 + 1, minlength=size)
    years = np.flatnonzero(np.cumsum(diff)[:-1] > 0) + TABLE_FIRST_YEAR
    lo, hi = t.covered
    return [int(y) for y in years if y < lo or y > hi]


def _warn_fallback(years: list[int], stacklevel: int = 3) -> None:
    if not years:
        return
    lo, hi = calendar_coverage()
    listed = "、".join(str(y) for y in years)
    message = tr(
        f"chinesecalendar 只含 {lo}–{hi} 年的节假日和调休；{listed} 年按周一至周五为工作日计算",
        f"chinesecalendar covers holidays and adjusted workdays for {lo}-{hi} only; "
        f"{', '.join(str(y) for y in years)}: Monday-Friday taken as working days",
    )
    warnings.warn(CalendarFallbackWarning(message, years), stacklevel=stacklevel)


def calendar_fallback_years(dates) -> list[int]:
    """Years of ``dates`` that chinesecalendar does not cover (Monday–Friday used there).

    Parameters
    ----------
    dates : scalar, list, array, Index or Series of dates
        Tz-aware values are taken in Asia/Shanghai; missing values are ignored.

    Returns
    -------
    list of int
        Sorted, without repeats; empty when every date is covered.

    Examples
    --------
    >>> calendar_fallback_years(["2025-03-01", "2030-01-02", "2030-05-06", None])
    [2030]
    >>> calendar_fallback_years("2025-10-01")
    []
    """
    inp = _as_input(dates, "dates")
    years = np.unique(_years_of(inp.days[inp.valid]))
    lo, hi = _table().covered
    return [int(y) for y in years if y < lo or y > hi]


# ---------------------------------------------------------------------------------------
# public functions


def is_workday(dates):
    """Whether each date is a working day (工作日) of the official Chinese calendar.

    Parameters
    ----------
    dates : scalar, list, array, Index or Series of dates
        Tz-aware values are converted to Asia/Shanghai first; naive ones are Shanghai time.

    Returns
    -------
    bool, pandas.NA, BooleanArray, Index or Series (``boolean``)
        The shape of ``dates``; missing dates give ``pd.NA``.

    Warns
    -----
    CalendarFallbackWarning
        When a date falls in a year chinesecalendar does not cover (Monday–Friday used).

    Examples
    --------
    >>> is_workday("2025-10-01"), is_workday("2025-10-11"), is_workday("2025-10-12")
    (False, True, False)
    >>> import pandas as pd
    >>> is_workday(pd.Series(["2025-09-28", "2025-10-08", None], index=[7, 8, 9])).tolist()
    [True, False, <NA>]
    """
    inp = _as_input(dates, "dates")
    _warn_fallback(_fallback_years_in(inp.days - 1, inp.days, inp.valid))
    return _wrap(_table().workday[inp.days], inp.valid, "bool", inp.kind, inp.index, inp.name)


def workdays_between(start, end):
    """The number of working days d with date(start) < d ≤ date(end).

    The count used by every working-day deadline (criteria.md): a message received on a
    Friday evening and replied to on Monday took 1 working day; the same day is 0; an end
    before the start gives 0.

    Parameters
    ----------
    start, end : scalar, list, array, Index or Series of dates
        Broadcast together (a scalar against many); two Series must share one index.

    Returns
    -------
    int, pandas.NA, IntegerArray, Index or Series (``Int64``)
        Missing when either side is missing.

    Warns
    -----
    CalendarFallbackWarning
        When a counted day falls in a year chinesecalendar does not cover.

    Examples
    --------
    >>> workdays_between("2025-09-19 20:00", "2025-09-22 08:00")   # Friday evening -> Monday
    1
    >>> workdays_between("2025-09-26 20:00", "2025-09-29 08:00")   # Sunday 09-28 was worked (调休)
    2
    >>> workdays_between("2025-09-30", "2025-09-30"), workdays_between("2025-10-09", "2025-09-30")
    (0, 0)
    """
    a, b = _as_input(start, "start"), _as_input(end, "end")
    kind, index, _ = _combine(a, b)
    da, db = np.broadcast_arrays(a.days, b.days)
    valid = np.broadcast_to(a.valid, da.shape) & np.broadcast_to(b.valid, db.shape)
    da, db = np.where(valid, da, 0), np.where(valid, db, 0)
    _warn_fallback(_fallback_years_in(da, db, valid))
    cum = _table().cum
    count = np.maximum(cum[db].astype(np.int64) - cum[da], 0)
    return _wrap(count, valid, "int", kind, index, None)


def _n_input(n) -> _Input:
    if isinstance(n, pd.Series | pd.Index | list | tuple | np.ndarray | pd.api.extensions.ExtensionArray):
        kind = "series" if isinstance(n, pd.Series) else "index" if isinstance(n, pd.Index) else "array"
        index = n.index if isinstance(n, pd.Series) else None
        dtype = getattr(n, "dtype", None)
        if dtype is not None and dtype.kind in "iu" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            values = np.asarray(n, dtype=np.int64)  # plain integers: no per-value checks but the sign
            if (values < 0).any():
                pos = int(np.flatnonzero(values < 0)[0])
                raise _bad_value("n", index, pos, int(values[pos]), tr("非负整数", "a whole number ≥ 0"))
            return _Input(values, np.ones(len(values), dtype=bool), kind, index, None)
        if dtype is not None and pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            raw = pd.Series(n.array if isinstance(n, pd.Series | pd.Index) else n, copy=False)
        else:
            raw = pd.Series(list(n.array) if isinstance(n, pd.Series | pd.Index) else list(n), dtype=object)
    else:
        kind, index, raw = "scalar", None, pd.Series([n], dtype=object)
    num = pd.to_numeric(raw, errors="coerce").astype("Float64")
    valid = np.asarray(num.notna())
    whole = np.asarray(num.fillna(0))
    bad = np.flatnonzero((~valid & np.asarray(raw.notna())) | (whole % 1 != 0) | (whole < 0))
    if len(bad):
        raise _bad_value("n", index, int(bad[0]), raw.iloc[bad[0]], tr("非负整数", "a whole number ≥ 0"))
    return _Input(whole.astype(np.int64), valid, kind, index, None)


def _add(dates, n, what: str = "dates") -> tuple[np.ndarray, np.ndarray, _Input, str, pd.Index | None]:
    d, k = _as_input(dates, what), _n_input(n)
    kind, index, _ = _combine(d, k)
    dd, nn = np.broadcast_arrays(d.days, k.days)
    valid = np.broadcast_to(d.valid, dd.shape) & np.broadcast_to(k.valid, nn.shape)
    dd, nn = np.where(valid, dd, 0), np.where(valid, nn, 0)
    t = _table()
    target = t.cum[dd].astype(np.int64) + nn
    beyond = valid & (target > t.cum[-1])
    if beyond.any():
        i = int(np.flatnonzero(beyond)[0])
        raise ValueError(
            tr(f"{what}：第 {i + 1} 项加上 {nn[i]} 个工作日超出工作日表的范围（到 {TABLE_LAST_YEAR} 年）",
               f"{what}: item #{i + 1} plus {nn[i]} working days runs past the table's end ({TABLE_LAST_YEAR})")
        )
    found = t.nth[np.maximum(target - 1, 0)]  # the first day whose count reaches the target
    result = np.where(nn == 0, dd, found)
    _warn_fallback(_fallback_years_in(dd, np.where(valid, result, 0), valid), stacklevel=4)
    name = d.name if d.kind == kind else None
    return result, valid, _Input(result, valid, kind, index, name), kind, index


def add_workdays(dates, n):
    """The date ``n`` working days after each date (the smallest e with ``workdays_between(d, e) == n``).

    Parameters
    ----------
    dates : scalar, list, array, Index or Series of dates
        The day of the event (its time of day does not matter).
    n : int or array-like of int
        Working days to add, ≥ 0; ``0`` gives the same date. Broadcast against ``dates``.

    Returns
    -------
    Timestamp, NaT, DatetimeArray, DatetimeIndex or Series (``datetime64[ns, Asia/Shanghai]``)
        Midnight (Asia/Shanghai) starting that date. A deadline of ``n`` working days ends
        at the *end* of it: see :func:`deadline_end`.

    Warns
    -----
    CalendarFallbackWarning
        When a day counted falls in a year chinesecalendar does not cover.

    Examples
    --------
    >>> add_workdays("2025-09-26 20:00", 1)           # Friday -> Monday
    Timestamp('2025-09-28 00:00:00+0800', tz='Asia/Shanghai')
    >>> add_workdays("2025-10-01", 0)
    Timestamp('2025-10-01 00:00:00+0800', tz='Asia/Shanghai')

    (2025-09-28 was a Sunday worked in lieu of the National Day holiday.)
    """
    result, valid, out, kind, index = _add(dates, n)
    return _wrap(result, valid, "datetime", kind, index, out.name)


def deadline_end(dates, n):
    """The instant an ``n``-working-day deadline expires: midnight after ``add_workdays(dates, n)``.

    A reply at any time strictly before this instant is on time.

    Parameters
    ----------
    dates : scalar, list, array, Index or Series of dates
    n : int or array-like of int
        Working days allowed, ≥ 0.

    Returns
    -------
    Timestamp, NaT, DatetimeArray, DatetimeIndex or Series (``datetime64[ns, Asia/Shanghai]``)

    Examples
    --------
    >>> deadline_end("2025-09-30 18:00", 5)      # end of 2025-10-14
    Timestamp('2025-10-15 00:00:00+0800', tz='Asia/Shanghai')
    """
    result, valid, out, kind, index = _add(dates, n)
    return _wrap(result + 1, valid, "datetime", kind, index, out.name)


def same_day_deadline(dates):
    """The exclusive end of the "same day" (C06, C08): end of the event's day, or of the next working day.

    Parameters
    ----------
    dates : scalar, list, array, Index or Series of dates
        When the event happened or the message arrived.

    Returns
    -------
    Timestamp, NaT, DatetimeArray, DatetimeIndex or Series (``datetime64[ns, Asia/Shanghai]``)
        Midnight starting the day after the event's day if that is a working day, else
        midnight after the next working day.

    Examples
    --------
    >>> same_day_deadline("2025-09-30 23:30")        # a Tuesday
    Timestamp('2025-10-01 00:00:00+0800', tz='Asia/Shanghai')
    >>> same_day_deadline("2025-10-03 09:00")        # holiday: end of 2025-10-09
    Timestamp('2025-10-10 00:00:00+0800', tz='Asia/Shanghai')
    """
    inp = _as_input(dates, "dates")
    t = _table()
    day = inp.days
    work = t.workday[day]
    following = t.cum[day].astype(np.int64)  # index in nth of the next working day after `day`
    if (inp.valid & ~work & (following >= len(t.nth))).any():
        raise ValueError(tr("日期超出工作日表的范围", "date outside the working-day table"))
    result = np.where(work, day, t.nth[np.minimum(following, len(t.nth) - 1)])
    _warn_fallback(_fallback_years_in(day - 1, np.where(inp.valid, result, 0), inp.valid))
    return _wrap(result + 1, inp.valid, "datetime", inp.kind, inp.index, inp.name)
