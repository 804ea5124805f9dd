"""Working-day calendar: hand-checked cases, the inverse property, and real reply delays."""
from __future__ import annotations

import datetime as dt
import warnings

import chinese_calendar
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liuan_eval import workdays as wd
from liuan_eval.workdays import (
    CalendarFallbackWarning,
    add_workdays,
    calendar_coverage,
    calendar_fallback_years,
    deadline_end,
    is_workday,
    same_day_deadline,
    workdays_between,
)

TZ = "Asia/Shanghai"


def sh(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz=TZ)


def ref_count(a: dt.date, b: dt.date) -> int:
    """Working days d with a < d <= b, one by one with chinese_calendar (as the acceptance check does)."""
    if b <= a:
        return 0
    return sum(chinese_calendar.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))


# --- hand-checked cases ---------------------------------------------------------------


def test_national_day_2025_by_hand():
    # official 2025 schedule: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 worked
    assert [is_workday(f"2025-10-0{d}") for d in range(1, 9)] == [False] * 8
    assert is_workday("2025-09-28") is True and is_workday("2025-10-11") is True
    assert is_workday("2025-10-12") is False
    # received Tue 09-30 evening, replied Thu 10-09: only 10-09 counts
    assert workdays_between("2025-09-30 18:00", "2025-10-09 10:00") == 1
    # 10-09, 10-10, 10-11 (调休 Saturday), 10-13, 10-14
    assert workdays_between("2025-09-30", "2025-10-14") == 5
    assert workdays_between("2025-09-30", "2025-10-15") == 6
    assert add_workdays("2025-09-30 18:00", 5) == sh("2025-10-14")
    assert deadline_end("2025-09-30 18:00", 5) == sh("2025-10-15")


def test_adjusted_saturday_counts():
    # 2025-10-11 is a Saturday worked in lieu: Friday 10-10 -> Sunday 10-12 is one working day
    assert dt.date(2025, 10, 11).weekday() == 5
    assert workdays_between("2025-10-10", "2025-10-12") == 1
    assert add_workdays("2025-10-10", 1) == sh("2025-10-11")
    # an ordinary Saturday does not count
    assert workdays_between("2025-09-19", "2025-09-21") == 0
    # 2026-10-10, a Saturday, is a working day in chinesecalendar 1.11.0
    assert is_workday(dt.date(2026, 10, 10)) is True


def test_friday_evening_to_monday_is_one():
    assert workdays_between("2025-09-19 20:30", "2025-09-22 08:00") == 1


def test_same_day_is_zero_and_end_before_start_is_zero():
    assert workdays_between("2025-09-22 08:00", "2025-09-22 23:00") == 0
    assert workdays_between("2025-09-25", "2025-09-22") == 0


def test_midnight_boundary():
    assert workdays_between("2025-09-22 23:59", "2025-09-23 00:01") == 1
    assert workdays_between("2025-09-22 00:01", "2025-09-22 23:59") == 0


def test_utc_input_crossing_midnight_in_shanghai():
    # 2025-09-19 17:00 UTC is Saturday 01:00 in Shanghai: no working day from then to Sunday
    fri_utc = pd.Timestamp("2025-09-19 17:00", tz="UTC")
    assert is_workday(fri_utc) is False
    assert is_workday(pd.Timestamp("2025-09-19 15:00", tz="UTC")) is True  # 23:00 Friday
    s = pd.Series(pd.to_datetime(["2025-09-19 15:00", "2025-09-19 17:00"], utc=True))
    assert workdays_between(s, pd.Timestamp("2025-09-22 01:00", tz="UTC")).tolist() == [1, 1]
    # 2025-09-21 16:30 UTC = Monday 00:30 in Shanghai
    assert workdays_between("2025-09-19", pd.Timestamp("2025-09-21 16:30", tz="UTC")) == 1
    assert workdays_between("2025-09-19", pd.Timestamp("2025-09-21 15:30", tz="UTC")) == 0
    assert add_workdays(pd.Timestamp("2025-09-19 17:00", tz="UTC"), 0) == sh("2025-09-20")


def test_padded_and_chinese_written_dates():
    s = pd.Series(["  2025/9/30 18:00:00\t", "2025年10月9日 10:00", "2025-10-10"])
    assert workdays_between(s, "2025-10-10").tolist() == [2, 1, 0]


def test_mixed_timezones_in_a_list():
    got = workdays_between(
        ["2025-09-19 20:00", pd.Timestamp("2025-09-19 17:00", tz="UTC"), "2025-09-19T20:00:00+08:00"],
        "2025-09-22",
    )
    assert list(got) == [1, 1, 1]


def test_nat_gives_missing():
    assert is_workday(None) is pd.NA
    assert is_workday(pd.NaT) is pd.NA
    assert workdays_between(pd.NaT, "2025-01-02") is pd.NA
    assert add_workdays(pd.NaT, 3) is pd.NaT
    assert add_workdays("2025-01-02", None) is pd.NaT
    s = pd.Series([pd.Timestamp("2025-09-30", tz=TZ), pd.NaT], index=["a", "b"])
    out = workdays_between(s, "2025-10-09")
    assert out.dtype == "Int64" and out["a"] == 1 and out.isna().tolist() == [False, True]
    dl = deadline_end(s, 5)
    assert dl.isna().tolist() == [False, True] and dl["a"] == sh("2025-10-15")


def test_series_index_and_dtypes_kept():
    idx = pd.Index([30, 10, 20], name="message_id")
    s = pd.Series(["2025-10-01", "2025-10-11", "2025-10-13 09:00"], index=idx, name="received_at")
    w = is_workday(s)
    assert isinstance(w, pd.Series) and w.index.equals(idx) and w.dtype == "boolean"
    assert w.tolist() == [False, True, True] and w.name == "received_at"
    n = workdays_between(s, pd.Series(["2025-10-13"] * 3, index=idx))
    assert n.index.equals(idx) and n.dtype == "Int64" and n.tolist() == [4, 1, 0]
    a = add_workdays(s, 1)
    assert a.index.equals(idx) and str(a.dtype) == "datetime64[ns, Asia/Shanghai]"
    assert a.tolist() == [sh("2025-10-09"), sh("2025-10-13"), sh("2025-10-14")]


def test_shapes_of_other_inputs():
    assert isinstance(is_workday(["2025-10-01", "2025-10-09"]), pd.arrays.BooleanArray)
    di = pd.DatetimeIndex(["2025-10-01", "2025-10-09"], name="d")
    out = is_workday(di)
    assert isinstance(out, pd.Index) and out.name == "d" and list(out) == [False, True]
    arr = np.array(["2025-10-01", "2025-10-09"], dtype="datetime64[ns]")
    assert list(workdays_between(arr, "2025-10-10")) == [2, 1]
    assert isinstance(add_workdays(dt.datetime(2025, 10, 1, 9), 1), pd.Timestamp)
    assert is_workday(np.datetime64("2025-10-09")) is True
    assert isinstance(workdays_between("2025-10-01", "2025-10-10"), int)


def test_vector_n_broadcast():
    out = add_workdays("2025-09-30", [0, 1, 2, 3, 4, 5])
    assert list(out) == [sh(d) for d in
                         ["2025-09-30", "2025-10-09", "2025-10-10", "2025-10-11", "2025-10-13", "2025-10-14"]]
    s = pd.Series([1, 5], index=[4, 2])
    out = add_workdays(pd.Series(["2025-09-30", "2025-09-30"], index=[4, 2]), s)
    assert out.index.tolist() == [4, 2] and out[2] == sh("2025-10-14")
    out = add_workdays("2025-09-30", pd.Series([5, None], dtype="Int64", index=["x", "y"]))
    assert out["x"] == sh("2025-10-14") and out["y"] is pd.NaT
    assert add_workdays("2025-09-30", np.int64(1)) == sh("2025-10-09")
    with pytest.raises(ValueError, match="-2"):
        add_workdays(["2025-09-30"] * 2, np.array([1, -2]))


def test_same_day_deadline():
    # working day: end of that calendar day
    assert same_day_deadline("2025-09-30 23:30") == sh("2025-10-01")
    # holiday: end of the next working day (10-09)
    assert same_day_deadline("2025-10-03 09:00") == sh("2025-10-10")
    # ordinary Saturday -> end of Monday; the 调休 Saturday is itself a working day
    assert same_day_deadline("2025-09-20 10:00") == sh("2025-09-23")
    assert same_day_deadline("2025-10-11 10:00") == sh("2025-10-12")
    assert same_day_deadline(pd.NaT) is pd.NaT


def test_fallback_year_warns_once_and_uses_monday_to_friday():
    lo, hi = calendar_coverage()
    assert lo <= 2004 and hi >= 2026
    # 2030-10-01 is a Tuesday: under the fallback it is a working day (no holiday table)
    dates = pd.Series(pd.date_range("2030-09-28", "2030-10-07", freq="D"))
    with pytest.warns(CalendarFallbackWarning, match="2030") as rec:
        got = is_workday(dates)
    assert len([w for w in rec if issubclass(w.category, CalendarFallbackWarning)]) == 1
    assert got.tolist() == [d.weekday() < 5 for d in dates]
    with pytest.warns(CalendarFallbackWarning, match="2030"):
        assert workdays_between("2030-09-27", "2030-10-07") == 6
    with pytest.warns(CalendarFallbackWarning, match="2027"):
        # a deadline running past the last covered year touches 2027
        add_workdays("2026-12-30", 5)
    assert calendar_fallback_years(["2025-01-01", "2030-02-01", None, "2031-01-01"]) == [2030, 2031]
    assert calendar_fallback_years(dates) == [2030]
    assert calendar_fallback_years("2025-01-01") == []


def test_warning_carries_years_and_points_at_the_caller():
    cases = [(lambda: is_workday(["2031-01-06", "2030-01-07"]), [2030, 2031]),
             (lambda: workdays_between("2029-12-20", "2031-01-06"), [2029, 2030, 2031]),
             (lambda: add_workdays(pd.Series(["2030-01-07", "2031-01-06"]), 2), [2030, 2031]),
             (lambda: deadline_end("2031-01-06", 1), [2031]),
             (lambda: same_day_deadline(["2030-01-05"]), [2030])]
    for call, years in cases:
        with pytest.warns(CalendarFallbackWarning) as rec:
            call()
        assert len(rec) == 1
        assert rec[0].message.years == years
        assert rec[0].filename == __file__


def test_no_warning_inside_coverage():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        workdays_between(pd.Series(pd.date_range("2012-01-01", "2026-12-01", freq="7D")), "2026-12-31")
        add_workdays("2026-12-01", 5)


def test_warning_message_names_every_year():
    with pytest.warns(CalendarFallbackWarning) as rec:
        workdays_between(["2001-03-01", "2028-01-01"], ["2003-01-01", "2030-06-01"])
    msg = str(rec[0].message)
    for y in (2001, 2002, 2003, 2028, 2029, 2030):
        assert str(y) in msg
    assert "2004" not in msg.split("；")[-1].split(":")[-1]


def test_bad_input_names_row_and_value():
    with pytest.raises(ValueError, match=r"'b'.*not-a-date|not-a-date.*'b'"):
        is_workday(pd.Series(["2025-01-01", "not-a-date"], index=["a", "b"]))
    with pytest.raises(ValueError, match="n"):
        add_workdays("2025-01-01", -1)
    with pytest.raises(ValueError):
        add_workdays("2025-01-01", 1.5)
    with pytest.raises(ValueError, match="2250"):
        is_workday("2250-01-01")
    with pytest.raises(ValueError, match="length|长度"):
        workdays_between(["2025-01-01", "2025-01-02"], ["2025-01-01", "2025-01-02", "2025-01-03"])
    with pytest.raises(ValueError):
        workdays_between(pd.Series(["2025-01-01"], index=[1]), pd.Series(["2025-01-02"], index=[2]))
    with pytest.raises(ValueError, match="20250101"):
        is_workday([20250101])
    with pytest.raises(TypeError):
        is_workday(pd.DataFrame({"a": ["2025-01-01"]}))
    with pytest.raises(ValueError, match="7"):
        is_workday(pd.Series([None, 7.0], dtype="Float64"))
    assert is_workday(pd.Series([None, None], dtype="Float64")).isna().all()


# --- the table against chinese_calendar, day by day -----------------------------------


def every_day(y0: int, y1: int) -> list[dt.date]:
    d, out = dt.date(y0, 1, 1), []
    while d <= dt.date(y1, 12, 31):
        out.append(d)
        d += dt.timedelta(days=1)
    return out


def test_is_workday_matches_chinese_calendar_every_covered_day():
    lo, hi = calendar_coverage()
    days = every_day(lo, hi)
    expected = [chinese_calendar.is_workday(d) for d in days]
    assert is_workday(days).tolist() == expected


def test_add_and_between_are_inverse_every_day_2024_2026():
    days = pd.Series(every_day(2024, 2026))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarFallbackWarning)  # late-2026 deadlines run into 2027
        for n in (0, 1, 3, 5, 7):
            e = add_workdays(days, n)
            assert workdays_between(days, e).tolist() == [n] * len(days)
            # smallest such date: the day before gives n - 1 (n > 0); and e is a working day
            if n > 0:
                assert workdays_between(days, e - pd.Timedelta(days=1)).tolist() == [n - 1] * len(days)
                assert is_workday(e).all()
    # per-day loop with chinese_calendar for the 5-day deadline, within 2024-2026
    inside = days[days < dt.date(2026, 12, 10)]
    e5 = add_workdays(inside, 5).dt.date
    assert all(ref_count(d, e) == 5 and ref_count(d, e - dt.timedelta(days=1)) == 4
               for d, e in zip(inside, e5))


def test_between_matches_loop_on_random_pairs():
    rng = np.random.default_rng(7)
    a = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 365 * 14, 800), unit="D")
    b = a + pd.to_timedelta(rng.integers(-5, 40, 800), unit="D") + pd.to_timedelta(rng.integers(0, 86400, 800), unit="s")
    got = workdays_between(pd.Series(a), pd.Series(b))
    assert got.tolist() == [ref_count(x.date(), y.date()) for x, y in zip(a, b)]


def test_midnights_are_shanghai_midnights_also_before_1992():
    # China kept summer time 1986-1991: midnight then was UTC+9
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # n = 0 counts no day: nothing to fall back on, no warning
        out = add_workdays(["1991-09-10", "1985-06-03", "2025-06-03", None], 0)
    assert list(out[:3]) == [sh("1991-09-10"), sh("1985-06-03"), sh("2025-06-03")]
    assert out[0].utcoffset() == pd.Timedelta(hours=9) and out[2].utcoffset() == pd.Timedelta(hours=8)
    assert out[3] is pd.NaT


def test_table_is_built_once():
    assert wd._table() is wd._table()


# --- real data ------------------------------------------------------------------------


@pytest.mark.real_data
def test_real_reply_delays_match_loop(shared_data):
    raw = pd.read_csv(shared_data / "gov_messages" / "messages_replies.csv", dtype=str)
    assert len(raw) == 2816
    rec = pd.to_datetime(raw["留言时间"].str.strip(), format="mixed")
    rep = pd.to_datetime(raw["答复时间"].str.strip(), format="mixed")
    ref = pd.Series([ref_count(a, b) for a, b in zip(rec.dt.date, rep.dt.date)], index=raw.index)
    got = workdays_between(rec, rep)
    assert got.index.equals(raw.index)
    assert (got == ref).all()
    assert (got <= 5).mean() == (ref <= 5).mean()
    # strings straight from the file (padded, mixed formats) give the same counts
    assert (workdays_between(raw["留言时间"], raw["答复时间"]) == ref).all()


# --- property: add and between are inverse, everywhere in the table -------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31)), min_size=1, max_size=30),
       st.integers(0, 40))
def test_inverse_property_hypothesis(days, n):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarFallbackWarning)
        e = add_workdays(days, n)
        assert list(workdays_between(days, e)) == [n] * len(days)
        if n:
            assert list(workdays_between(days, e - pd.Timedelta(days=1))) == [n - 1] * len(days)
            assert is_workday(e).all()
        else:
            assert [x.date() for x in e] == days
        # the exclusive deadline is the midnight after e
        assert list(deadline_end(days, n) - e) == [pd.Timedelta(days=1)] * len(days)
