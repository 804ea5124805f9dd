"""Charts: the posting calendar's dormant runs (criterion C15's definition) and chart contents."""
from __future__ import annotations

import numpy as np
import pandas as pd

from liuan_eval.report import figures

TZ = "Asia/Shanghai"


def ts(*values):
    return pd.to_datetime(list(values)).tz_localize(TZ)


def test_calendar_draws_the_c15_findings_and_nothing_of_its_own():
    """The red days are exactly the assessment's C15 windows (one computation, many renderings)."""
    from liuan_eval.dataset import Dataset
    from liuan_eval.report.tables import daily_post_counts
    from liuan_eval.scoring import score

    acc = pd.DataFrame({"unit": "金安区", "unit_type": "county", "platform": "weibo",
                        "account_id": ["a", "b", "c", "d"], "account_name": ["甲", "乙", "丙", "丁"],
                        "opened_at": ts("2016-01-01", "2016-01-01", "2025-07-01", "2016-01-01"),
                        "closed_at": ts(None, None, None, "2025-01-20")})
    posts = pd.DataFrame({
        "account_id": ["a", "a", "b", "b", "c", "d"], "platform": "weibo", "post_id": list("123456"),
        "published_at": ts("2025-03-01 23:59", "2025-03-17 00:01",   # a: 2–16 March empty, 15 days
                           "2025-03-01 10:00", "2025-03-16 10:00",   # b: 14 days, not dormant
                           "2025-07-01 09:00", "2025-01-01 09:00"),  # c: opened 1 July; d: closed 20 Jan
    })
    a = score(Dataset(accounts=acc, posts=posts), year=2025)
    c15 = a.findings[a.findings["criterion"] == "C15"]
    counts, active, dormant = figures.calendar_matrix(daily_post_counts(posts, 2025), acc, 2025, c15)
    assert counts.shape == (4, 365) and counts.sum() == 6
    day = lambda s: (pd.Timestamp(s) - pd.Timestamp("2025-01-01")).days  # noqa: E731
    expected = np.zeros_like(dormant)
    for rec in c15.itertuples():
        row = "abcd".index(rec.account_id)
        expected[row, day(rec.window_start.tz_localize(None)):day(rec.window_end.tz_localize(None)) + 1] = True
    assert (dormant == expected).all()
    ra, rb, rc, rd = dormant
    assert ra[day("2025-03-02"):day("2025-03-17")].all() and not ra[day("2025-03-01")]
    assert not rb[day("2025-03-02"):day("2025-03-16")].any()
    assert not active[2, :day("2025-07-01")].any() and rc[day("2025-07-02"):].all()
    assert not active[3, day("2025-01-21"):].any() and not rd[day("2025-01-21"):].any()


def test_calendar_counts_only_the_year_and_known_accounts():
    from liuan_eval.report.tables import daily_post_counts

    acc = pd.DataFrame({"account_id": ["a"]})
    posts = pd.DataFrame({"account_id": ["a", "zz", "a"],
                          "published_at": ts("2024-12-31 23:59", "2025-05-05 10:00", "2025-05-05 10:00")})
    counts, active, dormant = figures.calendar_matrix(daily_post_counts(posts, 2025), acc, 2025)
    assert counts.sum() == 1 and active.all() and not dormant.any()


def test_a_quarters_calendar_draws_the_quarter_only():
    from liuan_eval.report.tables import daily_post_counts

    acc = pd.DataFrame({"unit": ["金安区"], "platform": ["weibo"], "account_id": ["a"], "account_name": ["金安区人民政府发布"],
                        "opened_at": ts("2025-05-01"), "closed_at": ts(None)})
    posts = pd.DataFrame({"account_id": ["a", "a", "a"],
                          "published_at": ts("2025-03-31 23:59", "2025-05-05 10:00", "2025-06-30 22:00")})
    q2 = ("2025-04-01", "2025-06-30")
    daily = daily_post_counts(posts, 2025, q2)
    counts, active, dormant = figures.calendar_matrix(daily, acc, 2025, period=q2)
    assert counts.shape == (1, 91) and counts.sum() == 2 and counts[0, 34] == 1 and counts[0, 90] == 1
    assert not active[0, :30].any() and active[0, 30:].all()  # opened 1 May, the 31st day of the quarter
    fig = figures.posting_calendar(daily, acc, 2025, period=q2)
    ax = fig.axes[0]
    assert ax.get_title() == "账号本期发布日历（红色为连续15天以上未更新）"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["4月", "5月", "6月"]
    assert ax.get_images()[0].get_array().shape == (1, 91)
    span = figures.posting_calendar(None, acc, 2025, period=("2025-11-15", "2026-02-10"))
    assert [t.get_text() for t in span.axes[0].get_xticklabels()] == ["2025年11月15日", "12月", "2026年1月", "2月"]
    assert figures.posting_calendar(None, acc, 2025).axes[0].get_title().startswith("账号全年发布日历")


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
