"""Charts: the posting calendar's dormant runs (criterion C15's definition) and chart contents."""
from __future__ import annotations

import numpy as np
import pandas as pd

from liuan_eval.report import figures

TZ = "Asia/Shanghai"


def ts(*values):
    return pd.to_datetime(list(values)).tz_localize(TZ)


def test_calendar_dormant_runs_follow_the_definition():
    acc = pd.DataFrame({"account_id": ["a", "b", "c", "d"],
                        "opened_at": ts("2016-01-01", "2016-01-01", "2025-07-01", "2016-01-01"),
                        "closed_at": ts(None, None, None, "2025-01-20")})
    posts = pd.DataFrame({
        "account_id": ["a", "a", "b", "b", "c", "d"],
        "published_at": ts("2025-03-01 23:59", "2025-03-17 00:01",   # a: 2–16 March empty, 15 days
                           "2025-03-01 10:00", "2025-03-16 10:00",   # b: 14 days, not dormant
                           "2025-07-01 09:00", "2025-01-01 09:00"),  # c: opened 1 July; d: closed 20 Jan
    })
    counts, active, dormant = figures.calendar_matrix(posts, acc, 2025)
    assert counts.shape == (4, 365) and counts.sum() == 6
    day = lambda s: (pd.Timestamp(s) - pd.Timestamp("2025-01-01")).days  # noqa: E731
    a, b, c, d = dormant
    assert a[day("2025-03-02"):day("2025-03-17")].all() and not a[day("2025-03-01")] and not a[day("2025-03-17")]
    assert not b[day("2025-03-02"):day("2025-03-16")].any()
    # the runs from the period start to the first post count too (59 days up to 28 Feb for a)
    assert a[:day("2025-03-01")].all()
    # c: nothing before opening is active or dormant; 2 July to 31 December is one run
    assert not active[2, :day("2025-07-01")].any() and c[day("2025-07-02"):].all()
    # d: closed 20 January: 2–20 January (19 days) dormant, nothing after
    assert d[day("2025-01-02"):day("2025-01-21")].all() and not active[3, day("2025-01-21"):].any()
    assert not d[day("2025-01-21"):].any()


def test_calendar_ignores_posts_outside_year_and_unknown_accounts():
    acc = pd.DataFrame({"account_id": ["a"]})
    posts = pd.DataFrame({"account_id": ["a", "zz", "a"],
                          "published_at": ts("2024-12-31 23:59", "2025-05-05 10:00", "2025-05-05 10:00")})
    counts, active, dormant = figures.calendar_matrix(posts, acc, 2025)
    assert counts.sum() == 1 and active.all()
    assert int(dormant.sum()) == 364


def test_charts_draw_what_they_are_given():
    r = pd.DataFrame({"unit": ["霍山县", "金安区", "合计"], "on_time": [5, 3, 8], "late": [1, 0, 1],
                      "overdue": [0, 2, 2], "pending": [0, 0, 0], "on_time_rate": [5 / 6, 0.6, 0.8]})
    fig = figures.reply_timeliness_figure(r)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["霍山县", "金安区"]
    d = pd.DataFrame({"release_id": ["R1", "R1", "R2"], "title": ["甲", "甲", "乙"],
                      "platform": ["weibo", "app", "wechat"], "delay_minutes": [30.0, 90.0, np.nan],
                      "delay_workdays": [0.0, 0.0, np.nan], "on_time": [True, False, False]})
    fig = figures.repost_timeliness_figure(d)
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["R1 甲", "R2 乙"]
    assert "无数据" in figures.influence_figure(pd.DataFrame()).axes[0].texts[0].get_text()


def test_repost_chart_marks_accounts_that_never_reposted():
    d = pd.DataFrame({"release_id": ["R1", "R1", "R1"], "title": ["甲"] * 3, "platform": ["weibo", "app", "wechat"],
                      "delay_minutes": [30.0, np.nan, np.nan], "delay_workdays": [0.0, np.nan, np.nan],
                      "on_time": [True, False, False]})
    fig = figures.repost_timeliness_figure(d)
    labels = [[t.get_text() for t in ax.get_legend().get_texts()] for ax in fig.axes]
    assert "未转发" in labels[0] and "未转发" in labels[1]


def test_influence_by_platform_ranks_within_each_platform():
    a = pd.DataFrame({"unit": list("甲乙丙丁"), "account_id": list("1234"), "account_name": ["A", "B", "C", "D"],
                      "platform": ["weibo", "weibo", "wechat", "weibo"], "influence": [1.0, 9.0, 5.0, np.nan]})
    fig = figures.influence_by_platform_figure(a)
    assert [ax.get_title() for ax in fig.axes] == ["微博", "微信"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["1. B", "2. A"]


def test_influence_by_platform_equal_values_draw_without_warning():
    import warnings

    a = pd.DataFrame({"unit": ["甲", "乙"], "account_id": ["1", "2"], "account_name": ["A", "B"],
                      "platform": ["weibo", "weibo"], "influence": [0.0, 0.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = figures.influence_by_platform_figure(a)
    lo, hi = fig.axes[0].get_xlim()
    assert hi > lo
