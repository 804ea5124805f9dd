"""Bursts and hot issues (liuan_eval/text/hot.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from liuan_eval.text.hot import detect_bursts, find_hot_issues

TZ = "Asia/Shanghai"


def _poisson_series(rate_per_week, weeks=30, seed=0, unit="金安区", topic="城乡建设"):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-06", tz=TZ)  # a Monday
    rows = []
    for w in range(weeks):
        k = rng.poisson(rate_per_week)
        offs = rng.integers(0, 7 * 24 * 60, k)
        rows += [start + pd.Timedelta(weeks=w, minutes=int(o)) for o in offs]
    return pd.DataFrame({"unit": unit, "topic": topic, "received_at": pd.Series(rows, dtype=f"datetime64[ns, {TZ}]")})


def test_flat_series_has_no_burst():
    flat = pd.concat([_poisson_series(5, seed=s, unit=f"单位{s}") for s in range(20)], ignore_index=True)
    assert detect_bursts(flat).empty


def test_planted_burst_found_against_own_baseline():
    busy = _poisson_series(40, seed=1, unit="大单位")  # many messages every week: no burst
    quiet = _poisson_series(2, seed=2, unit="小单位")
    spike_week = pd.Timestamp("2025-05-05", tz=TZ)  # week 17, Monday
    spike = pd.DataFrame({"unit": "小单位", "topic": "城乡建设",
                          "received_at": [spike_week + pd.Timedelta(hours=h) for h in range(0, 60, 4)]})
    b = detect_bursts(pd.concat([busy, quiet, spike], ignore_index=True))
    assert b["unit"].tolist() == ["小单位"]
    row = b.iloc[0]
    assert row["period_start"] == spike_week
    assert row["period_end"] > row["period_start"]
    assert row["count"] >= 15 and row["baseline"] < 5
    assert row["p_value"] < 1e-6 and row["q_value"] <= 0.01
    assert "二项" in row["test"]


def test_burst_other_grouping_and_freq():
    s = _poisson_series(3, weeks=20, seed=3)
    spike = pd.DataFrame({"unit": "金安区", "topic": "交通运输",
                          "received_at": [pd.Timestamp("2025-04-15 09:00", tz=TZ)] * 25})
    b = detect_bursts(pd.concat([s, spike]), by="unit", freq="D", window=28, min_history=7)
    assert b["period_start"].dt.date.astype(str).tolist() == ["2025-04-15"]


def test_bursts_clear_errors_and_empty():
    with pytest.raises(KeyError, match="received_at"):
        detect_bursts(pd.DataFrame({"unit": ["a"], "topic": ["b"]}))
    empty = pd.DataFrame({"unit": pd.Series([], dtype="str"), "topic": pd.Series([], dtype="str"),
                          "received_at": pd.Series([], dtype=f"datetime64[ns, {TZ}]")})
    out = detect_bursts(empty)
    assert out.empty and "p_value" in out.columns


def _hot_frame():
    base = "舒城县杭埠镇自来水水质发黄"
    titles = [base, base + "，急！", base + "有异味", base, "舒城县杭埠镇自来水水质发黄怎么办",
              "金寨县学校食堂饭菜质量差", "霍山县衡山镇路灯不亮", "金安区东桥镇垃圾没人清运"]
    users = ["a", "b", "c", "d", "e", "f", "g", "h"]
    return pd.DataFrame({
        "message_id": [f"m{i}" for i in range(8)], "user": users, "unit": ["舒城县"] * 5 + ["金寨县", "霍山县", "金安区"],
        "topic": ["城乡建设"] * 8, "title": titles, "text": ["请有关部门尽快处理"] * 8,
        "received_at": pd.date_range("2025-06-01", periods=8, freq="D", tz=TZ),
        "like_count": pd.array([10, 5, 0, 3, 2, 1, 0, 0], dtype="Int64"),
        "oppose_count": pd.array([1, 0, 0, 0, None, 0, 0, 0], dtype="Int64"),
    })


def test_hot_issue_groups_near_duplicates_from_different_users():
    h = find_hot_issues(_hot_frame())
    assert len(h) == 1
    row = h.iloc[0]
    assert sorted(row["message_ids"]) == ["m0", "m1", "m2", "m3", "m4"]
    assert row["count"] == 5 and row["distinct_users"] == 5
    assert row["units"] == "舒城县"
    assert row["likes"] == 20 and row["opposes"] == 1
    assert row["heat"] == pytest.approx(5 * (1 + np.log10(1 + 21)))
    assert row["first_at"] == pd.Timestamp("2025-06-01", tz=TZ)
    assert row["representative_id"] in row["message_ids"]


def test_same_user_repeating_is_not_a_hot_issue():
    m = _hot_frame()
    m["user"] = "same"
    assert find_hot_issues(m).empty
    # but unknown users count as different people
    m["user"] = pd.array([None] * 8, dtype="str")
    assert len(find_hot_issues(m)) == 1


def test_hot_issues_without_optional_columns_and_empty():
    m = _hot_frame()[["message_id", "title"]]
    h = find_hot_issues(m)
    assert len(h) == 1 and h.iloc[0]["likes"] == 0
    assert find_hot_issues(m.iloc[:0]).empty
    with pytest.raises(KeyError, match="message_id"):
        find_hot_issues(pd.DataFrame({"title": ["a"]}))


@pytest.mark.real_data
def test_real_votes_have_hot_issues(shared_data):
    v = pd.read_csv(shared_data / "gov_messages" / "messages_votes.csv", dtype="str")
    m = pd.DataFrame({"message_id": v["留言编号"], "user": v["留言用户"], "title": v["留言主题"],
                      "text": v["留言详情"], "like_count": pd.to_numeric(v["点赞数"]),
                      "oppose_count": pd.to_numeric(v["反对数"])})
    h = find_hot_issues(m)
    assert len(h) >= 5
    assert (h["distinct_users"] >= 2).all()
    assert h["heat"].is_monotonic_decreasing


def test_templated_messages_do_not_chain():
    # same template, different places: similar to neighbours but not one giant group
    towns = ["东桥镇", "三十铺镇", "苏埠镇", "平桥乡", "城关镇", "杭埠镇", "梅山镇", "衡山镇"]
    issues = ["路灯不亮", "垃圾没人清运", "污水外溢", "道路破损"]
    titles = [f"{t}{i}，请尽快处理" for t in towns for i in issues]
    m = pd.DataFrame({"message_id": [str(i) for i in range(len(titles))], "user": [f"u{i}" for i in range(len(titles))],
                      "title": titles, "text": ""})
    h = find_hot_issues(m)
    assert h.empty or h["count"].max() < len(titles) / 2


@pytest.mark.slow
def test_planted_hot_issues_of_the_sample_rank_first():
    from liuan_eval.sample_data import generate_sample

    s = generate_sample(2025, seed=7)
    h = find_hot_issues(s.tables["messages"])
    planted = s.labels["message_id"][s.labels["message_id"].str.startswith("H")]
    top = h.head(3)
    # every planted complaint is in one of the three hottest groups (background messages with
    # the same place and problem may join them: they are the same issue)
    members = pd.Series([i for ids in top["message_ids"] for i in ids])
    assert members.isin(planted).sum() == len(planted)
    for ids in top["message_ids"]:
        assert pd.Series(ids).isin(planted).mean() >= 0.5
