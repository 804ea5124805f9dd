"""Scoring: hand-checked small cases with known answers, one criterion at a time."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.dataset import Dataset
from liuan_eval.scoring import score

TZ = "Asia/Shanghai"


def ts(*values):
    return pd.Series(pd.to_datetime(list(values))).dt.tz_localize(TZ)


def accounts(**over):
    base = {
        "unit": ["金安区", "金安区", "金安区"], "unit_type": ["county"] * 3,
        "platform": ["weibo", "wechat", "app"], "account_id": ["W1", "X1", "A1"],
        "account_name": ["金安区人民政府发布", "金安区人民政府发布", "金安区人民政府"],
        "opened_at": ts("2016-10-08", "2016-10-08", "2016-10-08"),
        "filed_at": ts("2016-10-09", "2016-10-09", "2016-10-09"),
        "operators": pd.array([1, 1, 1], dtype="Int64"),
        "liaison_officer": ["张明"] * 3, "information_officer": ["李华"] * 3,
    }
    base.update(over)
    return pd.DataFrame(base)


def daily_posts(account_id="W1", platform="weibo", start="2025-01-01", end="2025-12-31", every=3, skip=(),
                media="image"):
    days = pd.date_range(start, end, freq=f"{every}D")
    days = days[~days.isin(pd.to_datetime(list(skip)))] if skip else days
    t = pd.Series(days + pd.Timedelta(hours=10)).dt.tz_localize(TZ)
    return pd.DataFrame({"account_id": account_id, "platform": platform,
                         "post_id": [f"{account_id}-{i}" for i in range(len(t))], "published_at": t,
                         "text": "今日要闻", "media_kind": media,
                         "is_repost": pd.array([False] * len(t), dtype="boolean"),
                         "repost_source": pd.array([None] * len(t), dtype="str")})


def all_posts(**kw):
    return pd.concat([daily_posts(a, p, **kw) for a, p in (("W1", "weibo"), ("X1", "wechat"), ("A1", "app"))],
                     ignore_index=True)


def keys(a, criterion):
    f = a.findings[a.findings["criterion"] == criterion]
    return sorted(zip(f["unit"], f["account_id"]))


def test_clean_unit_has_no_findings_and_full_marks():
    a = score(Dataset(accounts=accounts(), posts=all_posts()), year=2025)
    assert a.findings.empty
    assert a.unit_scores.loc[0, "total"] == 100 and a.unit_scores.loc[0, "grade"] == "优秀"
    assert list(a.findings.columns) == ["criterion", "criterion_name", "unit", "account_id", "platform", "severity",
                                        "window_start", "window_end", "explanation", "points", "evidence"]


# ---- C15 dormant ------------------------------------------------------------------------------
def _dormant(posts_w1, acc=None):
    p = pd.concat([all_posts().query("account_id != 'W1'"), posts_w1], ignore_index=True)
    a = score(Dataset(accounts=acc if acc is not None else accounts(), posts=p), year=2025)
    return a, a.findings[a.findings["criterion"] == "C15"]


def _w1(*times):
    t = ts(*times)
    return pd.DataFrame({"account_id": "W1", "platform": "weibo", "post_id": [f"p{i}" for i in range(len(t))],
                         "published_at": t, "text": "x", "media_kind": "image"})


def test_posts_on_1_and_17_march_leave_15_days_dormant_and_16_march_does_not():
    base = daily_posts(end="2025-02-28")
    rest = daily_posts(start="2025-03-17")
    a, f = _dormant(pd.concat([base, _w1("2025-03-01 09:00"), rest], ignore_index=True))
    assert len(f) == 1
    assert f.iloc[0]["window_start"] == pd.Timestamp("2025-03-02", tz=TZ)
    assert f.iloc[0]["window_end"] == pd.Timestamp("2025-03-16", tz=TZ)
    assert "连续15天" in f.iloc[0]["explanation"]
    rest16 = daily_posts(start="2025-03-16")
    a, f = _dormant(pd.concat([base, _w1("2025-03-01 09:00"), rest16], ignore_index=True))
    assert f.empty


def test_posts_at_23_59_and_00_01_count_by_shanghai_calendar_day():
    base, rest = daily_posts(end="2025-02-28"), daily_posts(start="2025-03-18")
    # 23:59 on 1 March and 00:01 on 17 March: 2–16 March empty, 15 days
    a, f = _dormant(pd.concat([base, _w1("2025-03-01 23:59", "2025-03-17 00:01"), rest], ignore_index=True))
    assert len(f) == 1 and "连续15天" in f.iloc[0]["explanation"]
    # the same instants given in UTC: 15:59 UTC on 1 March is 23:59 in Shanghai
    utc = _w1("2025-03-01 23:59", "2025-03-17 00:01")
    utc["published_at"] = utc["published_at"].dt.tz_convert("UTC")
    a, f2 = _dormant(pd.concat([base, utc, rest], ignore_index=True))
    assert len(f2) == 1 and f2.iloc[0]["window_start"] == f.iloc[0]["window_start"]
    # 00:01 on 2 March instead: only 3–16 March empty, 14 days
    a, f = _dormant(pd.concat([base, _w1("2025-03-02 00:01", "2025-03-17 00:01"), rest], ignore_index=True))
    assert f.empty


def test_gap_crossing_the_period_boundaries_is_cut_at_the_period():
    # last post of 2024 on 20 Dec, first of 2025 on 10 Jan: only 1–9 Jan count (9 days), not dormant
    p = pd.concat([_w1("2024-12-20 10:00"), daily_posts(start="2025-01-10", end="2025-12-10"),
                   _w1("2026-01-05 10:00")], ignore_index=True)
    a, f = _dormant(p)
    # last post 2025-12-10 (the 3-day rhythm from 10 Jan ends on 6 Dec): 7–31 Dec empty
    last = daily_posts(start="2025-01-10", end="2025-12-10")["published_at"].max()
    assert len(f) == 1
    assert f.iloc[0]["window_end"] == pd.Timestamp("2025-12-31", tz=TZ)
    assert f.iloc[0]["window_start"] == last.normalize() + pd.Timedelta(days=1)


def test_account_opened_in_july_counts_from_its_opening_day():
    acc = accounts(opened_at=ts("2016-10-08", "2016-10-08", "2025-07-10"),
                   filed_at=ts("2016-10-09", "2016-10-09", "2025-07-11"))
    late = daily_posts("A1", "app", start="2025-07-25")  # 10–24 July empty: 15 days
    p = pd.concat([all_posts().query("account_id != 'A1'"), late], ignore_index=True)
    a = score(Dataset(accounts=acc, posts=p), year=2025)
    assert keys(a, "C15") == [("金安区", "A1")]
    f = a.findings[a.findings["criterion"] == "C15"].iloc[0]
    assert f["window_start"] == pd.Timestamp("2025-07-10", tz=TZ) and "连续15天" in f["explanation"]
    ok = daily_posts("A1", "app", start="2025-07-24")  # 14 days
    p = pd.concat([all_posts().query("account_id != 'A1'"), ok], ignore_index=True)
    assert keys(score(Dataset(accounts=acc, posts=p), year=2025), "C15") == []


def test_closed_account_counts_up_to_its_closing_day():
    acc = accounts(closed_at=ts(None, None, "2025-06-01"), closure_filed_at=ts(None, None, "2025-05-20"))
    acc["closed_at"] = acc["closed_at"].astype(f"datetime64[ns, {TZ}]")
    # last post 21 May: 22 May – 1 June empty, 11 days; then nothing (closed)
    p = pd.concat([all_posts().query("account_id != 'A1'"), daily_posts("A1", "app", end="2025-05-21")],
                  ignore_index=True)
    a = score(Dataset(accounts=acc, posts=p), year=2025)
    assert keys(a, "C15") == []
    # filed 20 May for 1 June: workdays_between = 8 (21-23, 26-30 May): in time for C05
    assert keys(a, "C05") == []
    p = pd.concat([all_posts().query("account_id != 'A1'"), daily_posts("A1", "app", end="2025-05-10")],
                  ignore_index=True)
    acc2 = acc.assign(closure_filed_at=ts(None, None, "2025-05-26"))
    a = score(Dataset(accounts=acc2, posts=p), year=2025)
    f = a.findings[a.findings["criterion"] == "C15"]
    assert len(f) == 1 and f.iloc[0]["window_end"] == pd.Timestamp("2025-06-01", tz=TZ)
    assert keys(a, "C05") == [("金安区", "A1")]  # 26 May for 1 June: only 4 working days ahead


# ---- C07 / C08 / C09 messages ----------------------------------------------------------------------
def messages(received, replied, in_scope=True, account="W1", reply_text="您好！您反映的问题已安排专人现场核实处理，感谢监督。"):
    n = len(received)
    rep = ts(*replied) if replied is not None else pd.Series(pd.NaT, index=range(n), dtype=f"datetime64[ns, {TZ}]")
    return pd.DataFrame({"message_id": [f"m{i}" for i in range(n)], "unit": "金安区", "account_id": account,
                         "platform": "weibo", "received_at": ts(*received), "replied_at": rep,
                         "reply_text": reply_text,
                         "in_scope": pd.array([in_scope] * n, dtype="boolean")})


def unanswered(received, account="W1"):
    """One message left unanswered, beside an answered one (a reply column that is all empty is
    not assessed: see test_scoring_declared)."""
    return messages([received, "2025-03-03 09:00"], [None, "2025-03-03 10:00"], account=account)


def _msg_score(m):
    return score(Dataset(accounts=accounts(), posts=all_posts(), messages=m), year=2025)


def test_reply_across_the_national_day_week():
    # received 30 Sep evening: 1–8 Oct off, 11 Oct (Saturday) worked: 5th working day is 14 Oct
    a = _msg_score(messages(["2025-09-30 18:00"], ["2025-10-14 17:00"]))
    assert keys(a, "C07") == []
    a = _msg_score(messages(["2025-09-30 18:00"], ["2025-10-15 09:00"]))
    assert keys(a, "C07") == [("金安区", "W1")]
    assert "1条超过5个工作日" in a.findings.iloc[0]["explanation"]
    assert a.findings.iloc[0]["evidence"] == "m0"


def test_out_of_scope_message_on_an_adjusted_working_saturday_is_due_that_day():
    # 11 Oct 2025 is a Saturday worked (调休): explanation due the same day
    a = _msg_score(messages(["2025-10-11 10:00"], ["2025-10-13 09:00"], in_scope=False))
    assert keys(a, "C08") == [("金安区", "W1")]
    a = _msg_score(messages(["2025-10-11 10:00"], ["2025-10-11 23:00"], in_scope=False))
    assert keys(a, "C08") == []
    # 12 Oct is an ordinary Sunday: due by the end of Monday 13 Oct
    a = _msg_score(messages(["2025-10-12 10:00"], ["2025-10-13 20:00"], in_scope=False))
    assert keys(a, "C08") == []
    assert keys(a, "C07") == []  # out of scope: not a C07 matter


def test_unanswered_message_is_late_only_once_its_deadline_passed_before_the_period_end():
    # 22 Dec (Monday): deadline end of 29 Dec, passed -> late; 29 Dec: deadline 5 Jan 2026 -> not yet
    a = _msg_score(unanswered("2025-12-22 09:00"))
    assert keys(a, "C07") == [("金安区", "W1")]
    assert "至期末仍未答复1条" in a.findings.iloc[0]["explanation"]
    a = _msg_score(unanswered("2025-12-29 09:00"))
    assert keys(a, "C07") == []
    # 23 Dec: the 5th working day is 30 Dec; its end lies before the period's end: late
    assert keys(_msg_score(unanswered("2025-12-23 09:00")), "C07") == [("金安区", "W1")]
    # 24 Dec: the 5th working day is 31 Dec, the deadline ends *at* the period's end (24:00), not
    # before it (criteria.md: late "once its deadline ... lies before the end of the period"): not yet
    assert keys(_msg_score(unanswered("2025-12-24 09:00")), "C07") == []
    # 25 Dec: the deadline ends on 5 January 2026, after the period: not yet late
    assert keys(_msg_score(unanswered("2025-12-25 09:00")), "C07") == []


def test_missing_scope_counts_as_in_scope():
    m = messages(["2025-03-03 09:00"], ["2025-03-20 09:00"])
    m["in_scope"] = pd.array([None], dtype="boolean")
    assert keys(_msg_score(m), "C07") == [("金安区", "W1")]


def test_boilerplate_and_empty_replies_are_poor_quality():
    m = messages(["2025-03-03 09:00", "2025-03-04 09:00", "2025-03-05 09:00"],
                 ["2025-03-03 12:00", "2025-03-04 12:00", "2025-03-05 12:00"], account="X1")
    m["reply_text"] = ["已收到。", None, "您好！路灯已于3月4日修复，感谢您的监督。"]
    a = _msg_score(m)
    assert keys(a, "C09") == [("金安区", "X1")]
    assert "其中2条" in a.findings.iloc[0]["explanation"]


# ---- C12 reposts of key releases --------------------------------------------------------------------
def _release_case(delays: dict[str, pd.Timedelta], text="转发：六安市2025年民生实事清单正式公布，请市民周知"):
    rel = pd.DataFrame({"release_id": ["R1"], "issuing_account": ["六安市人民政府发布"],
                        "published_at": ts("2025-05-09 10:00"), "title": ["六安市2025年民生实事清单公布"]})
    rp = []
    for acc_id, d in delays.items():
        plat = {"W": "weibo", "X": "wechat", "A": "app"}[acc_id[0]]
        rp.append(pd.DataFrame({"account_id": [acc_id], "platform": [plat], "post_id": [f"rp-{acc_id}"],
                                "published_at": ts("2025-05-09 10:00") + d, "text": [text], "media_kind": ["link"],
                                "is_repost": pd.array([True], dtype="boolean"),
                                "repost_source": pd.array(["六安市人民政府发布"], dtype="str")}))
    p = pd.concat([all_posts(), *rp], ignore_index=True)
    return score(Dataset(accounts=accounts(), posts=p, releases=rel), year=2025)


def test_repost_delays_weibo_app_in_minutes_wechat_in_working_days():
    # 9 May 2025 is a Friday: WeChat on Monday 12 May is 1 working day, Tuesday is 2
    ok = {"W1": pd.Timedelta(minutes=60), "A1": pd.Timedelta(minutes=59), "X1": pd.Timedelta(days=3, hours=5)}
    assert _release_case(ok).findings.empty
    late = {"W1": pd.Timedelta(minutes=61), "A1": pd.Timedelta(minutes=30), "X1": pd.Timedelta(days=4, hours=1)}
    a = _release_case(late)
    assert keys(a, "C12") == [("金安区", "W1"), ("金安区", "X1")]
    assert "1.0小时后" in a.findings.iloc[0]["explanation"]


def test_repost_is_matched_by_similarity_not_exact_title_and_missing_repost_is_a_finding():
    a = _release_case({"W1": pd.Timedelta(minutes=5), "A1": pd.Timedelta(minutes=5),
                       "X1": pd.Timedelta(minutes=5)}, text="#民生实事# 六安市2025年民生实事清单公布啦！")
    assert a.findings.empty
    a = _release_case({"W1": pd.Timedelta(minutes=5), "A1": pd.Timedelta(minutes=5)})
    assert keys(a, "C12") == [("金安区", "X1")]
    assert "未转载" in a.findings.iloc[0]["explanation"]


# ---- registry, incidents, forms -------------------------------------------------------------------
def test_naming_platforms_staffing_and_officers():
    acc = accounts(account_name=["金安发布", "金安区人民政府发布", "金安区人民政府"],
                   operators=pd.array([0, pd.NA, 0], dtype="Int64"),
                   liaison_officer=[None, "", None])
    acc = pd.concat([acc, accounts(unit=["六安市教育局"] * 3, unit_type=["department"] * 3,
                                   account_id=["W2", "X2", "A2"],
                                   account_name=["六安市教育局发布", "六安市教育局发布", "六安市教育局"])],
                    ignore_index=True)
    acc = acc[acc["account_id"] != "A2"]  # the bureau has no app
    p = pd.concat([all_posts(), daily_posts("W2"), daily_posts("X2", "wechat")], ignore_index=True)
    a = score(Dataset(accounts=acc, posts=p), year=2025)
    assert keys(a, "C03") == [("金安区", "W1")]
    assert keys(a, "C01") == [("六安市教育局", "")]
    assert "客户端" in a.findings[a.findings["criterion"] == "C01"].iloc[0]["explanation"]
    assert keys(a, "C13") == [("金安区", "")]
    assert keys(a, "C14") == [("金安区", "")]
    assert "联络员" in a.findings[a.findings["criterion"] == "C14"].iloc[0]["explanation"]


def test_unregistered_poster_and_silent_registered_account():
    stray = daily_posts("W9").assign(account="金安区应急管理发布")
    p = pd.concat([all_posts().query("account_id != 'A1'"), stray], ignore_index=True)
    a = score(Dataset(accounts=accounts(), posts=p), year=2025)
    assert keys(a, "C02") == [("金安区", "A1"), ("金安区", "W9")]
    assert keys(a, "C15") == [("金安区", "A1")]  # the whole year empty is one run


def test_silence_in_a_crisis_and_recorded_incidents():
    inc = pd.DataFrame({"incident_id": ["E1", "E2", "E3"], "unit": ["金安区"] * 3, "account_id": [None, None, "X1"],
                        "kind": ["public_opinion", "public_opinion", "security"],
                        "started_at": ts("2025-04-02 20:00", "2025-06-11 08:00", "2025-08-01 09:00"),
                        "description": ["暴雨积水", "停水", "账号被盗"]})
    p = all_posts(every=1, skip=[f"2025-04-{d:02d}" for d in range(2, 5)])  # nothing 2–4 April
    a = score(Dataset(accounts=accounts(), posts=p, incidents=inc), year=2025)
    assert keys(a, "C16") == [("金安区", "")]
    assert a.findings[a.findings["criterion"] == "C16"].iloc[0]["evidence"] == "E1"
    assert keys(a, "C17") == [("金安区", "X1")]
    assert set(a.rectification["account_id"]) == {"", "X1"}


def test_a_unit_with_findings_but_no_registered_account_is_judged_as_a_unit_without_accounts():
    inc = pd.DataFrame({"incident_id": ["E1"], "unit": ["舒城县"], "account_id": [None], "kind": ["security"],
                        "started_at": ts("2025-08-01 09:00"), "description": ["网站被篡改"]})
    a = score(Dataset(accounts=accounts(), posts=all_posts(), incidents=inc), year=2025)
    assert keys(a, "C17") == [("舒城县", "")]
    # it has opened none of the three platforms, named no operator and no officer (as a unit whose accounts
    # all closed): C01, C13 and C14 judge it too
    assert keys(a, "C01") == [("舒城县", "")] and "缺3个" in a.findings.loc[a.findings["criterion"] == "C01",
                                                                           "explanation"].iloc[0]
    assert keys(a, "C13") == [("舒城县", "")] and keys(a, "C14") == [("舒城县", ""), ("舒城县", "")]
    u = a.unit_scores.set_index("unit")
    assert list(u.index) == ["金安区", "舒城县"] and pd.isna(u.loc["舒城县", "unit_type"])
    for cid in ("C01", "C13", "C14", "C17"):
        assert u.loc["舒城县", cid] < a.criteria[cid].weight
    assert u.loc["舒城县", "rank"] == 2 and u.loc["金安区", "rank"] == 1 and u.loc["金安区", "total"] == 100
    assert any("舒城县" in c and "没有在运营账号的单位" in c for c in a.caveats)
    clean = score(Dataset(accounts=accounts(), posts=all_posts()), year=2025)
    assert not any("没有在运营账号的单位" in c for c in clean.caveats) and keys(clean, "C01") == []


def test_forms_and_repost_sources():
    plain = daily_posts("W1", media="text")
    p = pd.concat([all_posts().query("account_id != 'W1'"), plain], ignore_index=True)
    rp = daily_posts("X1", start="2025-02-01", end="2025-02-10").assign(
        is_repost=pd.array([True] * 4, dtype="boolean"),
        repost_source=pd.array(["@人民日报", "", "某自媒体", "中华人民共和国教育部"], dtype="str"))
    a = score(Dataset(accounts=accounts(), posts=pd.concat([p, rp], ignore_index=True)), year=2025)
    assert keys(a, "C10") == [("金安区", "W1")]
    assert keys(a, "C11") == [("金安区", "X1")]
    assert "其中2条来源不规范" in a.findings[a.findings["criterion"] == "C11"].iloc[0]["explanation"]


def test_filings_opening_emergency_closure_and_staff_change():
    acc = accounts(opened_at=ts("2016-10-08", "2025-03-03", "2016-10-08"),
                   filed_at=ts("2016-10-09", "2025-03-07", "2016-10-09"))  # Mon -> Fri: 4 working days
    filings = pd.DataFrame({"unit": ["金安区"] * 3, "account_id": ["A1", "W1", None],
                            "event": ["emergency_close", "emergency_close", "staff_change"],
                            "event_date": ts("2025-10-11", "2025-10-12", "2025-06-03"),
                            "filed_at": ts("2025-10-13", "2025-10-13", "2025-06-09")})
    p = all_posts()
    a = score(Dataset(accounts=acc, posts=p, filings=filings), year=2025)
    assert keys(a, "C04") == [("金安区", "X1")]
    # filed Monday 13 Oct: late for both — the same calendar day is owed, even on a Sunday
    # (the next-working-day extension of the Definitions is for messages only)
    assert keys(a, "C06") == [("金安区", "A1"), ("金安区", "W1")]
    assert keys(a, "C14") == [("金安区", "")]  # 3 June -> 9 June: 4 working days


# ---- coverage, totals, vetoes -----------------------------------------------------------------
def test_missing_table_is_not_assessed_and_the_total_is_rescaled():
    a = score(Dataset(accounts=accounts(), posts=all_posts()), year=2025)
    na = dict(zip(a.not_assessed["criterion"], a.not_assessed["reason"]))
    assert {"C07", "C08", "C09", "C12", "C16", "C17"} <= set(na)
    assert "网民留言" in na["C07"]
    assert a.unit_scores["C07"].isna().all() and a.unit_scores.loc[0, "total"] == 100
    assert any("C07" in c and "未评估" in c for c in a.caveats)
    empty = score(Dataset(accounts=accounts(), posts=all_posts(), messages=messages([], [])), year=2025)
    assert "C07" in set(empty.not_assessed["criterion"])


def test_deductions_grades_ranks_and_the_2019_veto():
    acc = pd.concat([accounts(), accounts(unit=["裕安区"] * 3, account_id=["W2", "X2", "A2"],
                                          account_name=["裕安区人民政府发布", "裕安区人民政府发布", "裕安区人民政府"])],
                    ignore_index=True)
    p = pd.concat([all_posts(), daily_posts("W2", end="2025-05-31"), daily_posts("W2", start="2025-07-01"),
                   daily_posts("X2", "wechat"), daily_posts("A2", "app")], ignore_index=True)
    a = score(Dataset(accounts=acc, posts=p), year=2025)
    u = a.unit_scores.set_index("unit")
    w = a.criteria
    assessed = sum(c.weight for c in w if c.id in u.columns and u[c.id].notna().any())
    expect = round((assessed - w["C15"].deduction) / assessed * 100, 2)
    assert u.loc["裕安区", "C15"] == w["C15"].weight - w["C15"].deduction
    assert u.loc["裕安区", "total"] == expect and u.loc["裕安区", "rank"] == 2 and u.loc["金安区", "rank"] == 1
    # 2019: a month without a post in June is a deduction ("updates not timely"), not the veto
    s = score(Dataset(accounts=acc, posts=p), year=2025, criteria="state_council_2019").unit_scores.set_index("unit")
    assert s.loc["裕安区", "grade"] == "合格" and s.loc["裕安区", "veto"] == ""
    assert s.loc["裕安区", "C15"] < w["C15"].weight and s.loc["裕安区", "total"] < 100
    # ... no update in the two weeks before the check (the period's last day) is the veto
    p = pd.concat([all_posts(), daily_posts("W2", end="2025-12-10"), daily_posts("X2", "wechat"),
                   daily_posts("A2", "app")], ignore_index=True)
    a19 = score(Dataset(accounts=acc, posts=p), year=2025, criteria="state_council_2019")
    s = a19.unit_scores.set_index("unit")
    assert s.loc["裕安区", "grade"] == "不合格" and s.loc["裕安区", "veto"] == "C15"
    assert s.loc["金安区", "grade"] == "合格"
    assert "至检查时点（评估期末日）仍未更新" in a19.findings.loc[a19.findings["criterion"] == "C15", "explanation"].iloc[0]
    # a veto item: nothing else is scored — no total for the unit or the account, the points stay
    assert pd.isna(s.loc["裕安区", "total"]) and s.loc["金安区", "total"] == 100
    assert s.loc["裕安区", "rank"] == 2 and s.loc["裕安区", "C15"] < w["C15"].weight
    s_acc = a19.account_scores.set_index("account_id")
    assert pd.isna(s_acc.loc["W2", "total"]) and s_acc.loc["W2", "grade"] == "不合格"
    assert s_acc.loc["X2", "total"] == 100 and s_acc.loc["X2", "grade"] == "合格"
    acc_scores = a.account_scores.set_index("account_id")
    assert acc_scores.loc["W2", "C15"] == w["C15"].weight - w["C15"].deduction
    assert acc_scores["influence_rank"].min() == 1


def test_influence_ranks_busier_accounts_higher_across_platforms():
    p = all_posts()
    p["like_count"] = pd.array([5] * len(p), dtype="Int64")
    busy = daily_posts("X1", "wechat", every=1).assign(like_count=pd.array([50] * 365, dtype="Int64"),
                                                       read_count=pd.array([900] * 365, dtype="Int64"))
    p = pd.concat([p[p["account_id"] != "X1"], busy], ignore_index=True)
    a = score(Dataset(accounts=accounts(), posts=p), year=2025).account_scores.set_index("account_id")
    assert a.loc["X1", "influence_rank"] == 1
    assert a.loc["X1", "influence"] > a.loc["W1", "influence"] > 0


def test_calendar_fallback_year_is_a_caveat():
    acc = accounts()
    a = score(Dataset(accounts=acc, posts=all_posts(start="2030-01-01", end="2030-12-31")), year=2030)
    assert any("2030" in c for c in a.caveats)
    assert a.findings.empty


@pytest.mark.parametrize("criteria", ["liuan_2016", "state_council_2019"])
def test_both_presets_run_on_the_same_data(criteria):
    a = score(Dataset(accounts=accounts(), posts=all_posts()), year=2025, criteria=criteria)
    assert a.criteria.name == criteria and len(a.unit_scores) == 1


def test_score_command_writes_the_four_files_with_bom(tmp_path, capsys):
    from liuan_eval.cli import main
    from liuan_eval.sample_data import generate_sample

    generate_sample(2025, seed=4, scale=0.1, out=tmp_path / "d")
    assert main(["score", "--data", str(tmp_path / "d"), "--year", "2025", "--out", str(tmp_path / "o")]) == 0
    for name in ("unit_scores", "account_scores", "findings", "quarantine"):
        raw = (tmp_path / "o" / f"{name}.csv").read_bytes()
        assert raw[:3] == b"\xef\xbb\xbf", name
    f = pd.read_csv(tmp_path / "o" / "findings.csv", encoding="utf-8-sig", dtype=str)
    assert {"criterion", "unit", "account_id", "explanation"} <= set(f.columns) and len(f) > 10
    q = pd.read_csv(tmp_path / "o" / "quarantine.csv", encoding="utf-8-sig", dtype=str)
    assert len(q) > 0
    out = capsys.readouterr().out
    assert "年度考核" in out and "发现问题" in out
    assert main(["score", "--data", str(tmp_path / "d"), "--year", "2025", "--out", str(tmp_path / "o2"),
                 "--criteria", "no_such"]) == 2


def test_a_custom_period_bounds_the_dormant_runs_and_the_sentences():
    # a quarter: posts until 10 May then nothing; Q2 ends 30 June -> 11 May–30 June, 51 days
    p = pd.concat([all_posts().query("account_id != 'W1'"), daily_posts(end="2025-05-10", every=1)],
                  ignore_index=True)
    a = score(Dataset(accounts=accounts(), posts=p), year=2025, period=("2025-04-01", "2025-06-30"))
    f = a.findings[a.findings["criterion"] == "C15"]
    assert len(f) == 1 and "2025-05-11至2025-06-30连续51天" in f.iloc[0]["explanation"]
    assert a.metrics["posts"] == len(p[(p["published_at"] >= "2025-04-01") & (p["published_at"] < "2025-07-01")])


@pytest.mark.real_data
def test_silence_after_the_beijing_rainstorm_matches_a_direct_count(shared_data):
    from liuan_eval.io import read_table

    folder = shared_data / "gov_weibo_raw" / "北京暴雨"
    posts = read_table("posts", sorted(folder.glob("*.csv")), platform="weibo", account_from_filename=True,
                       year_hint=2012).data
    posts = posts[posts["published_at"].notna()].assign(account_id=lambda d: d["account"])
    names = sorted(posts["account"].unique())
    acc = pd.DataFrame({"unit": names, "unit_type": "department", "platform": "weibo", "account_id": names,
                        "account_name": names, "opened_at": pd.Timestamp("2009-01-01", tz=TZ)})
    t0 = pd.Timestamp("2012-07-21 10:00", tz=TZ)
    inc = pd.DataFrame({"unit": names, "kind": "public_opinion", "started_at": t0})
    a = score(Dataset(accounts=acc, posts=posts, incidents=inc), year=2012, period=("2012-06-01", "2012-08-31"))
    within = posts[(posts["published_at"] >= t0) & (posts["published_at"] <= t0 + pd.Timedelta(hours=24))]
    expect = sorted(set(names) - set(within["account"]))
    assert sorted(a.findings.loc[a.findings["criterion"] == "C16", "unit"]) == expect
    assert len(a.account_scores) == len(names) == 12


def test_bad_tables_are_clear_errors_naming_table_column_and_row():
    from liuan_eval.scoring._common import ScoringInputError

    with pytest.raises(ScoringInputError, match="unit_type"):
        score(Dataset(accounts=accounts().drop(columns="unit_type"), posts=all_posts()), year=2025)
    p = all_posts()
    p["published_at"] = p["published_at"].astype(str)
    p.loc[7, "published_at"] = "昨天"
    with pytest.raises(ScoringInputError, match=r"第 7 行.*发布时间.*昨天"):
        score(Dataset(accounts=accounts(), posts=p), year=2025)


def test_score_command_reports_a_bad_file_without_a_traceback(tmp_path, capsys):
    from liuan_eval.cli import main

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "posts.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    assert main(["score", "--data", str(tmp_path / "d"), "--year", "2025", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "posts.csv" in err and "Traceback" not in err


def test_2019_interaction_veto_only_for_messages_left_unanswered():
    late = messages(["2025-03-03 09:00"], ["2025-03-20 09:00"])
    a = score(Dataset(accounts=accounts(), posts=all_posts(), messages=late), year=2025,
              criteria="state_council_2019")
    assert keys(a, "C07") == [("金安区", "W1")] and a.unit_scores.loc[0, "veto"] == ""
    assert a.unit_scores.loc[0, "grade"] == "合格"
    a = score(Dataset(accounts=accounts(), posts=all_posts(), messages=unanswered("2025-03-04 09:00")), year=2025,
              criteria="state_council_2019")
    assert a.unit_scores.loc[0, "veto"] == "C07" and a.unit_scores.loc[0, "grade"] == "不合格"
    assert "_veto" not in a.findings.columns and "_unanswered" not in a.findings.columns


def test_as_local_reads_naive_values_as_shanghai_beside_aware_ones():
    """An object column mixing UTC-aware and naive timestamps: naive ones are Shanghai time."""
    from liuan_eval.scoring._common import as_local

    s = pd.Series([pd.Timestamp("2025-03-01 15:30", tz="UTC"), pd.Timestamp("2025-03-01 23:30"), None],
                  dtype=object)
    got = as_local(s)
    assert got.iloc[0] == got.iloc[1] == pd.Timestamp("2025-03-01 23:30", tz="Asia/Shanghai")
    assert pd.isna(got.iloc[2])


@pytest.mark.parametrize("dtype", ["str", object])
def test_as_local_reads_text_mixing_offsets_and_naive_values(dtype):
    """Text timestamps of one column with different UTC offsets, or none (Shanghai time), in a hand-built
    table: converted, not a 'Mixed timezones' error; the C15 run is counted on Shanghai days."""
    from liuan_eval.scoring._common import as_local

    s = pd.Series(["2025-03-17 07:30", "2025-03-16T23:30:00+00:00", "2025-03-17T07:30:00+08:00",
                   "2025-03-16T23:30:00Z", "2025-03-17 07:30:00+0800", None, "不是时间"], dtype=dtype)
    got = as_local(s)
    want = pd.Timestamp("2025-03-17 07:30", tz="Asia/Shanghai")
    assert (got.iloc[:5] == want).all() and got.iloc[5:].isna().all()
    days = lambda a, b, fmt: [d.strftime(fmt) for d in pd.date_range(a, b)]  # noqa: E731
    ts = (days("2025-01-01", "2025-03-01", "%Y-%m-%dT10:00:00+08:00") + days("2025-03-18", "2025-12-31", "%Y-%m-%d 10:00")
          + ["2025-03-16T23:30:00+00:00"])
    acc = pd.DataFrame({"unit": ["金安区"], "unit_type": ["county"], "platform": ["weibo"], "account_id": ["W1"],
                        "account_name": ["金安区人民政府发布"], "opened_at": ["2016-10-08"]})
    posts = pd.DataFrame({"account_id": "W1", "platform": "weibo", "post_id": [f"p{i}" for i in range(len(ts))],
                          "published_at": pd.Series(ts, dtype=dtype)})
    f = score(Dataset(accounts=acc, posts=posts), year=2025).findings
    assert f.loc[f["criterion"] == "C15", "explanation"].str.contains("2025-03-02至2025-03-16连续15天").tolist() == [True]


def _reg(platforms, closed=None):
    tz = "Asia/Shanghai"
    n = len(platforms)
    return pd.DataFrame({"unit": ["金安区"] * n, "unit_type": ["county"] * n, "platform": list(platforms),
                         "account_id": [f"a_{p}" for p in platforms],
                         "account_name": ["金安区人民政府" if p == "app" else "金安区人民政府发布" for p in platforms],
                         "opened_at": pd.to_datetime(["2016-01-01"] * n).tz_localize(tz),
                         "closed_at": pd.to_datetime([closed] * n).tz_localize(tz)})


def _release(when, text="今天上午市长作政府工作报告。"):
    return pd.DataFrame({"release_id": ["R1"], "issuing_account": ["六安市人民政府发布"],
                         "published_at": pd.to_datetime([when]).tz_localize("Asia/Shanghai"),
                         "title": ["六安市2025年政府工作报告全文发布"], "text": [text]})


def _posts(rows, source="六安市人民政府发布"):
    p = pd.DataFrame(rows, columns=["account_id", "published_at", "text"])
    p["published_at"] = pd.to_datetime(p["published_at"]).dt.tz_localize("Asia/Shanghai")
    p["platform"] = p["account_id"].str[2:]
    p["post_id"] = [f"p{i}" for i in range(len(p))]
    p["repost_source"] = source
    return p


def _c12(accounts, releases, posts):
    f = score(Dataset(accounts=accounts, posts=posts, releases=releases), year=2025).findings
    return f[f["criterion"] == "C12"]


def test_c12_wechat_repost_after_golden_week_is_on_time():
    """Release 30 September, WeChat repost 9 October: one working day later (1–8 October off)."""
    got = _c12(_reg(["wechat"]), _release("2025-09-30 10:00"),
               _posts([("a_wechat", "2025-10-09 20:00", "六安市2025年政府工作报告全文发布")]))
    assert got.empty
    late = _c12(_reg(["wechat"]), _release("2025-09-30 10:00"),
                _posts([("a_wechat", "2025-10-10 08:00", "六安市2025年政府工作报告全文发布")]))
    assert len(late) == 1 and "2个工作日后" in late["explanation"].iloc[0]


def test_c12_repost_quoting_a_late_passage_of_the_release_is_matched():
    passage = "全市上下凝心聚力奋力谱写中国式现代化六安篇章的壮丽画卷"
    rel = _release("2025-05-06 10:00", text="前言" * 150 + passage)
    got = _c12(_reg(["weibo"]), rel, _posts([("a_weibo", "2025-05-06 10:20", passage)], source=None))
    assert got.empty


def test_c12_wechat_account_closed_on_its_deadline_day_still_owed_the_repost():
    got = _c12(_reg(["wechat"], closed="2025-05-07"), _release("2025-05-06 10:00"),
               _posts([("a_wechat", "2025-01-06 11:00", "其他")]))
    assert len(got) == 1 and "未转载" in got["explanation"].iloc[0]


def test_c06_saturday_emergency_closure_filed_on_monday_is_late():
    tz = "Asia/Shanghai"
    acc = _reg(["wechat"], closed="2025-06-07")
    fil = pd.DataFrame({"unit": ["金安区"], "account_id": ["a_wechat"], "event": ["emergency_close"],
                        "event_date": pd.to_datetime(["2025-06-07"]).tz_localize(tz),
                        "filed_at": pd.to_datetime(["2025-06-09 09:00"]).tz_localize(tz)})
    f = score(Dataset(accounts=acc, filings=fil), year=2025).findings
    assert (f["criterion"] == "C06").sum() == 1
    fil["filed_at"] = pd.to_datetime(["2025-06-07 22:00"]).tz_localize(tz)
    f = score(Dataset(accounts=acc, filings=fil), year=2025).findings
    assert (f["criterion"] == "C06").sum() == 0


def test_c15_not_assessed_when_no_post_falls_in_the_period():
    posts = _posts([("a_weibo", "2024-12-30 10:00", "去年的")])
    a = score(Dataset(accounts=_reg(["weibo"]), posts=posts), year=2025)
    assert not (a.findings["criterion"] == "C15").any()
    assert "C15" in set(a.not_assessed["criterion"])


def test_c16_incident_whose_24_hours_run_past_the_period_is_not_yet_silent():
    tz = "Asia/Shanghai"
    acc = _reg(["weibo"])
    inc = pd.DataFrame({"incident_id": ["E1", "E2"], "unit": ["金安区"] * 2, "kind": ["public_opinion"] * 2,
                        "started_at": pd.to_datetime(["2025-12-31 22:00", "2025-12-20 22:00"]).tz_localize(tz)})
    posts = _posts([("a_weibo", "2025-12-01 10:00", "日常")])
    f = score(Dataset(accounts=acc, posts=posts, incidents=inc), year=2025).findings
    assert f.loc[f["criterion"] == "C16", "evidence"].tolist() == ["E2"]
