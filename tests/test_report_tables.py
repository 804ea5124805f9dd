"""Report tables on small hand-made frames with known answers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from liuan_eval.report import tables

TZ = "Asia/Shanghai"


def ts(*values):
    return pd.to_datetime(list(values)).tz_localize(TZ)


def accounts():
    return pd.DataFrame({
        "unit": ["金安区", "金安区", "金安区", "霍山县", "市教育局"],
        "unit_type": ["county", "county", "county", "county", "department"],
        "platform": ["weibo", "wechat", "app", "weibo", "wechat"],
        "account_id": ["a1", "a2", "a3", "h1", "e1"],
        "account_name": ["金安区人民政府发布"] * 3 + ["霍山县人民政府发布", "六安市教育局发布"],
    })


def test_coverage_matrix_flags_and_order():
    cov = tables.coverage_matrix(accounts())
    assert cov["unit"].tolist() == ["金安区", "霍山县", "市教育局"]   # counties first, department last
    row = cov.set_index("unit").loc["霍山县"]
    assert (bool(row["weibo"]), bool(row["wechat"]), bool(row["app"]), int(row["platforms"])) == (True, False, False, 1)
    assert int(cov.set_index("unit").loc["金安区", "platforms"]) == 3


def test_key_figures_counts_and_rates():
    posts = pd.DataFrame({"account_id": ["a1"] * 4})
    messages = pd.DataFrame({"message_id": ["1", "2", "3"]})
    reply = pd.DataFrame({"unit": ["金安区", "合计"], "reply_rate": [0.5, 0.5], "on_time_rate": [1.0, 0.75]})
    rect = pd.DataFrame({"unit": ["金安区", "金安区", "霍山县", "市教育局"], "account_id": ["a1", "a1", "h1", ""]})
    kf = dict(zip(*tables.key_figures(accounts(), posts, messages, reply, rect, None).T.to_numpy()))
    assert kf["单位数"] == 3 and kf["账号总数"] == 5
    assert (kf["微博账号数"], kf["微信账号数"], kf["客户端账号数"]) == (2, 2, 1)
    assert kf["发布信息数"] == 4 and kf["网民留言数"] == 3
    assert kf["按时答复率（5个工作日内）"] == 0.75
    assert kf["通报整改账号数"] == 2 and kf["建议关停账号数"] == 0
    assert kf["通报整改单位数（单位层面问题）"] == 1
    # the scoring engine's count of accounts active in the year wins over the registry's rows
    kf = dict(zip(*tables.key_figures(accounts(), None, None, metrics={
        "accounts": 4, "accounts_by_platform": {"weibo": 2, "wechat": 1, "app": 1}, "reply_rate": 0.5}).T.to_numpy()))
    assert (kf["账号总数"], kf["微信账号数"], kf["留言答复率"]) == (4, 1, 0.5)


def test_reply_timeliness_across_national_day():
    # received 2025-09-30 (Tue): 10-01..10-08 off, 10-11 (Sat) is a 调休 working day.
    m = pd.DataFrame({
        "unit": ["金安区"] * 4 + ["霍山县"],
        "in_scope": pd.array([True, True, pd.NA, False, True], dtype="boolean"),
        "received_at": ts("2025-09-30 10:00", "2025-09-30 10:00", "2025-12-29 10:00", "2025-03-03 09:00",
                          "2025-03-03 09:00"),
        # 10-14 is the 5th working day (on time); 10-15 the 6th (late); 12-29 unanswered: deadline in 2026
        "replied_at": ts("2025-10-14 17:00", "2025-10-15 09:00", None, None, None),
    })
    r = tables.reply_timeliness(m, 2025).set_index("unit")
    jinan = r.loc["金安区"]
    assert [int(jinan[c]) for c in ["messages", "in_scope", "replied", "on_time", "late", "overdue", "pending"]] \
        == [4, 3, 2, 1, 1, 0, 1]
    assert jinan["reply_rate"] == 2 / 3
    assert jinan["on_time_rate"] == 0.5
    assert int(r.loc["霍山县", "overdue"]) == 1 and r.loc["霍山县", "on_time_rate"] == 0
    assert int(r.loc["合计", "in_scope"]) == 4
    assert r.index[-1] == "合计"


def test_message_counts_top_and_order():
    m = pd.DataFrame({"received_at": ts("2025-01-02", "2025-01-03", "2025-01-04", "2025-03-01"),
                      "topic": ["交通运输", "交通运输", "教育文体", "环境保护"],
                      "sentiment": ["neutral", "negative", "positive", "negative"]})
    w = tables.message_counts(m, "topic", top=1)
    assert w.columns.tolist() == ["month", "交通运输", "其他"]
    assert w["其他"].tolist() == [1, 1]
    s = tables.message_counts(m, "sentiment")
    assert s.columns.tolist() == ["month", "正面", "中性", "负面"]
    assert s["负面"].sum() == 2


def test_message_statistics_and_quarantine_summary():
    m = pd.DataFrame({"topic": ["交通运输", "教育文体", "交通运输"], "department": ["市交通运输局", "市教育局", "市交通运输局"],
                      "sentiment": ["negative", "negative", "positive"], "risk_level": ["high", "low", "low"]})
    st = tables.message_statistics(m)
    assert st.iloc[0][["topic", "count", "negative", "high_risk"]].tolist() == ["交通运输", 2, 1, 1]
    assert st.iloc[0]["negative_share"] == 0.5
    q = pd.DataFrame({"table": ["posts", "posts", "messages"], "file": ["p.csv", "p.csv", "m.csv"],
                      "line": [2, 5, 3], "column": ["published_at"] * 2 + ["received_at"],
                      "value": ["x", "y", "z"], "reason": ["bad_datetime"] * 3})
    qs = tables.quarantine_summary(q)
    assert qs.iloc[0][["table", "count"]].tolist() == ["posts", 2]


def test_ranking_influence_and_action_lists():
    us = pd.DataFrame({"unit": ["甲", "乙", "丙"], "unit_type": ["county"] * 3, "C01": [1, 2, 3],
                       "total": [70.0, 90.0, 80.0], "grade": ["合格", "优秀", "良好"], "rank": [3, 1, 2],
                       "veto": [False, False, False]})
    assert tables.ranking_table(us)["unit"].tolist() == ["乙", "丙", "甲"]
    assert tables.criterion_columns(us) == ["C01"]
    a = pd.DataFrame({"unit": ["甲", "乙", "丙"], "account_id": ["1", "2", "3"], "account_name": ["A", "B", "C"],
                      "platform": ["weibo", "app", "wechat"], "influence": [1.0, 9.0, 5.0]})
    assert tables.influence_table(a, top=2)["account_name"].tolist() == ["B", "C"]
    rect = pd.DataFrame({"unit": ["乙", "甲"], "account_id": ["2", "1"], "explanation": ["连续20天未更新", "x"],
                         "evidence": [["p1", "p2"], []]})
    lst = tables.stringify(tables.action_list(rect))
    assert lst["evidence"].tolist() == ["p1;p2", ""]
    assert lst.columns[:2].tolist() == ["unit", "account_id"]


def test_to_chinese_headers_and_codes():
    f = tables.to_chinese(pd.DataFrame({"unit": ["金安区"], "unit_type": ["county"], "platform": ["wechat"],
                                        "total": [np.float64(1.0)]}))
    assert f.columns.tolist() == ["单位", "单位类型", "平台", "总分"]
    assert f.iloc[0, :3].tolist() == ["金安区", "县区", "微信"]


@pytest.mark.real_data
def test_reply_timeliness_agrees_with_scoring_on_real_messages(shared_data):
    """2,816 real messages with reply times: the report's per-unit table and the scoring engine's
    headline reply and on-time rates are computed independently and must agree."""
    import liuan_eval
    from liuan_eval.dataset import Dataset
    from liuan_eval.io import read_table

    m = read_table("messages", [shared_data / "gov_messages" / "messages_replies.csv"]).data
    for year in (2018, 2019):
        metrics = liuan_eval.score(Dataset(messages=m), year=year).metrics
        r = tables.reply_timeliness(m[(m["received_at"].dt.year == year).to_numpy()], year)
        total = r[r["unit"] == "合计"].iloc[0]
        assert int(total["in_scope"]) == metrics["messages_in_scope"]
        assert total["reply_rate"] == pytest.approx(metrics["reply_rate"])
        assert total["on_time_rate"] == pytest.approx(metrics["on_time_rate"])
        assert 0.2 < total["on_time_rate"] < 0.6   # real delays: hours to years


def test_pass_rates_count_vetoed_failing_and_named_accounts_as_failed():
    from liuan_eval.report.tables import account_results, pass_rates

    scores = pd.DataFrame({"unit": ["甲", "甲", "甲", "乙", "乙", "丙"],
                           "account_id": ["a1", "a2", "a3", "b1", "b2", "c1"],
                           "account_name": ["A1", "A2", "A3", "B1", "B2", "C1"],
                           "platform": ["weibo", "wechat", "douyin", "weibo", "app", "wechat"],
                           "total": [95.0, 50.0, 99.0, 88.0, 100.0, 70.0],
                           "grade": ["优秀", "不合格", "不合格", "良好", "优秀", "合格"]})   # a3: vetoed
    types = pd.DataFrame({"unit": ["甲", "乙", "丙"], "unit_type": ["county", "zone", "department"]})
    rect = pd.DataFrame({"unit": ["乙", "丙"], "account_id": ["b1", ""]})     # 丙: a unit-level problem only
    res = account_results(scores, types, rect)
    assert res.set_index("account_id")["passed"].to_dict() == {"a1": True, "a2": False, "a3": False, "b1": False,
                                                               "b2": True, "c1": True}
    rates = pass_rates(res).set_index("group")
    assert rates.loc["all", ["accounts", "passed", "failed"]].tolist() == [6, 3, 3]
    assert rates.loc["county", "pass_rate"] == pytest.approx(1 / 3)
    assert rates.loc["zone", "pass_rate"] == 0.5 and rates.loc["department", "pass_rate"] == 1.0
    assert rates.loc["weibo", "pass_rate"] == 0.5 and rates.loc["douyin", "passed"] == 0
    # a preset where being named does not fail an account by itself (state_council_2019)
    assert account_results(scores, types, rect, rectified_fails=False).set_index("account_id").loc["b1", "passed"]


def test_class_rankings_follow_the_overall_rank_within_each_class():
    from liuan_eval.report.tables import class_rankings, class_summary

    us = pd.DataFrame({"unit": ["甲", "乙", "丙", "丁", "戊"],
                       "unit_type": ["county", "county", "zone", "county", "department"],
                       "total": [96.0, 99.0, 90.0, 96.0, 70.0], "grade": ["优秀", "不合格", "优秀", "优秀", "合格"],
                       "rank": [1, 5, 3, 1, 4]})         # 乙 is vetoed: ranked last whatever its total
    cr = class_rankings(us).set_index("unit")
    assert cr.loc[["甲", "丁", "乙"], "class_rank"].tolist() == [1, 1, 3]
    assert cr.loc["丙", "class_rank"] == 1 and cr.loc["甲", "class_units"] == 3
    summary = class_summary(us, None).set_index("unit_type")
    assert summary.loc["county", "mean_total"] == pytest.approx(97.0)
    assert summary.loc["county", "last_unit"] == "乙" and summary.loc["all", "units"] == 5


def test_a_unit_without_a_type_is_in_no_class():
    from liuan_eval.report.tables import class_rankings, class_summary

    us = pd.DataFrame({"unit": ["甲", "乙", "丙"], "unit_type": pd.array(["county", "county", None], dtype="str"),
                       "total": [90.0, 80.0, 99.0], "grade": ["优秀", "良好", "优秀"],
                       "rank": pd.array([2, 3, 1], dtype="Int64")})
    assert class_rankings(us)["unit"].tolist() == ["甲", "乙"]
    s = class_summary(us, None).set_index("unit_type")
    assert int(s.loc["all", "units"]) == 2 and s.loc["all", "best_unit"] == "甲"
