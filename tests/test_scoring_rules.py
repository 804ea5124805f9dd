"""Rules read against criteria.md: C11's sanctioned sources, C05's approval day, C03's short names, and
items whose deadline straddles the period's end (judged in the period their deadline falls in)."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.criteria import load_criteria
from liuan_eval.dataset import Dataset
from liuan_eval.scoring import score
from liuan_eval.scoring.activity import source_ok

TZ = "Asia/Shanghai"


def ts(*values):
    return pd.Series(pd.to_datetime(list(values), format="mixed")).dt.tz_localize(TZ).astype(f"datetime64[ns, {TZ}]")


def accounts(**over):
    base = {"unit": ["金安区"] * 3, "unit_type": ["county"] * 3, "platform": ["weibo", "wechat", "app"],
            "account_id": ["W1", "X1", "A1"], "account_name": ["金安区人民政府发布", "金安区人民政府发布", "金安区人民政府"],
            "opened_at": ts("2016-10-08", "2016-10-08", "2016-10-08"),
            "filed_at": ts("2016-10-09", "2016-10-09", "2016-10-09"),
            "operators": pd.array([1, 1, 1], dtype="Int64"),
            "liaison_officer": ["张明"] * 3, "information_officer": ["李华"] * 3}
    base.update(over)
    return pd.DataFrame(base)


def posts(start="2025-01-01", end="2026-12-31", ids=(("W1", "weibo"), ("X1", "wechat"), ("A1", "app")), **cols):
    days = pd.date_range(start, end, freq="3D")
    t = pd.Series(days + pd.Timedelta(hours=10)).dt.tz_localize(TZ)
    return pd.concat([pd.DataFrame({"account_id": a, "platform": p, "post_id": [f"{a}-{i}" for i in range(len(t))],
                                    "published_at": t, "text": "今日要闻", "media_kind": "image",
                                    "is_repost": pd.array([False] * len(t), dtype="boolean"), **cols})
                      for a, p in ids], ignore_index=True)


def found(a, criterion):
    f = a.findings[a.findings["criterion"] == criterion]
    return sorted(zip(f["unit"], f["account_id"]))


# ---- C11: only the notice's sources -------------------------------------------------------------
@pytest.mark.parametrize("preset", ["liuan_2016", "state_council_2019"])
def test_c11_sanctioned_sources_are_the_notices_list_not_anything_ending_in_bu(preset):
    p = load_criteria(preset)["C11"].params
    good = ["教育部", "中国政府网", "人民日报", "@中国政府网", "中华人民共和国教育部", "微言教育", "人民日报客户端",
            "安徽省人民政府发布", "六安市人民政府发布", "安徽日报", "皖西日报", "国家发展改革委", "教育部官网", "来源：人民日报"]
    bad = ["区委宣传部", "县委组织部", "金安区委宣传部", "市委宣传部", "某某部", "新华社", "人民网", "某某自媒体", "", None]
    got = source_ok(pd.Series(good + bad, dtype="str"), p).tolist()
    assert got == [True] * len(good) + [False] * len(bad), [s for s, g in zip(good + bad, got)]


@pytest.mark.parametrize("preset", ["liuan_2016", "state_council_2019"])
def test_c11_reposts_from_a_county_propaganda_department_are_findings(preset):
    rp = posts("2025-02-01", "2025-02-10", ids=(("X1", "wechat"),)).assign(
        is_repost=pd.array([True] * 4, dtype="boolean"),
        repost_source=pd.array(["区委宣传部", "教育部", "中国政府网", "人民日报"], dtype="str"))
    a = score(Dataset(accounts=accounts(), posts=pd.concat([posts(end="2025-12-31"), rp], ignore_index=True)),
              year=2025, criteria=preset)
    assert found(a, "C11") == [("金安区", "X1")]
    f = a.findings[a.findings["criterion"] == "C11"].iloc[0]
    assert "转发4条，其中1条来源不规范" in f["explanation"] and f["evidence"] == rp["post_id"].iloc[0]
    rp["repost_source"] = pd.array(["县委组织部", "教育部", "中国政府网", "人民日报"], dtype="str")
    a = score(Dataset(accounts=accounts(), posts=pd.concat([posts(end="2025-12-31"), rp], ignore_index=True)),
              year=2025, criteria=preset)
    assert found(a, "C11") == [("金安区", "X1")]
    rp["repost_source"] = pd.array(["微言教育", "教育部", "中国政府网", "人民日报"], dtype="str")
    a = score(Dataset(accounts=accounts(), posts=pd.concat([posts(end="2025-12-31"), rp], ignore_index=True)),
              year=2025, criteria=preset)
    assert found(a, "C11") == []


# ---- C05: the approval day ------------------------------------------------------------------------
@pytest.mark.parametrize("approved, late", [
    ("2025-06-16", False), ("2025-06-16 10:00", False), ("2025-06-16 23:59", False),
    ("2025-06-13 17:00", False), ("2025-06-17", True), ("2025-06-17 08:00", True)])
def test_c05_approval_on_the_day_of_the_change_is_one_answer_with_or_without_a_time(approved, late):
    acc = accounts(closed_at=ts(None, None, "2025-06-16"))
    fil = pd.DataFrame({"unit": ["金安区"], "account_id": ["A1"], "event": ["close"],
                        "event_date": ts("2025-06-16"), "filed_at": ts("2025-06-03 10:00"),  # 9 working days ahead
                        "approved_at": ts(approved)})
    a = score(Dataset(accounts=acc, posts=posts(end="2025-12-31"), filings=fil), year=2025)
    assert found(a, "C05") == ([("金安区", "A1")] if late else [])
    if late:
        assert "才批准（晚于生效日）" in a.findings.loc[a.findings["criterion"] == "C05", "explanation"].iloc[0]


# ---- C03: full name or standard short name ---------------------------------------------------------
def test_c03_accepts_the_standard_short_name():
    units = ["六安市卫生健康委员会"] * 3 + ["六安市发展和改革委员会"] * 3 + ["六安市人民政府办公室"]
    acc = pd.DataFrame({"unit": units, "unit_type": "department",
                        "platform": ["weibo", "wechat", "app", "weibo", "wechat", "app", "weibo"],
                        "account_id": ["W1", "X1", "A1", "W2", "X2", "A2", "W3"],
                        "account_name": ["六安市卫生健康委发布", "六安市卫生健康委员会发布", "六安市卫生健康委",
                                         "六安市发展改革委发布", "六安市发展和改革委发布", "发展改革委",
                                         "六安市人民政府办发布"],
                        "opened_at": ts(*["2016-10-08"] * 7)})
    a = score(Dataset(accounts=acc), year=2025)
    assert found(a, "C03") == [("六安市发展和改革委员会", "A2")]
    e = a.findings.loc[a.findings["criterion"] == "C03", "explanation"].iloc[0]
    assert "应为“六安市发展和改革委员会”" in e and "规范简称" in e and "六安市发展改革委" in e
    wrong = acc.assign(account_name=["卫生健康委发布", "六安市卫健委发布", "六安市卫生健康", "六安市发展改革委发布",
                                     "六安市发展和改革委发布", "六安市发展改革委", "六安市政府办公室发布"])
    a = score(Dataset(accounts=wrong), year=2025)
    assert found(a, "C03") == sorted([("六安市卫生健康委员会", "W1"), ("六安市卫生健康委员会", "X1"),
                                      ("六安市卫生健康委员会", "A1"), ("六安市人民政府办公室", "W3")])


def test_c03_short_names_are_preset_data_an_office_can_extend(tmp_path):
    text = load_criteria().path.read_text(encoding="utf-8").replace(
        '"六安市发展和改革委员会" = ["六安市发展改革委"]', '"六安市发展和改革委员会" = ["六安市发展改革委"]\n"六安市卫生健康委员会" = ["六安市卫健委"]')
    p = tmp_path / "mine.toml"
    p.write_text(text, encoding="utf-8")
    acc = pd.DataFrame({"unit": ["六安市卫生健康委员会"], "unit_type": ["department"], "platform": ["wechat"],
                        "account_id": ["X1"], "account_name": ["六安市卫健委发布"], "opened_at": ts("2016-10-08")})
    assert found(score(Dataset(accounts=acc), year=2025), "C03") == [("六安市卫生健康委员会", "X1")]
    assert found(score(Dataset(accounts=acc), year=2025, criteria=p), "C03") == []


# ---- deadlines that straddle the period's end -----------------------------------------------------
def _messages(rows):
    m = pd.DataFrame(rows, columns=["message_id", "received_at", "replied_at", "in_scope"])
    return m.assign(unit="金安区", account_id="W1", platform="weibo", received_at=ts(*m["received_at"]),
                    replied_at=ts(*m["replied_at"]), in_scope=pd.array(m["in_scope"], dtype="boolean"),
                    reply_text="您好！您反映的问题已安排专人现场核实处理，感谢监督。")


OK_2025 = ("ok25", "2025-03-03 09:00", "2025-03-03 10:00", True)
OK_2026 = ("ok26", "2026-03-03 09:00", "2026-03-03 10:00", True)


def _both_years(**tables):
    ds = Dataset(accounts=tables.pop("accounts", accounts()), posts=tables.pop("posts", posts()), **tables)
    return score(ds, year=2025), score(ds, year=2026)


def _evidence(a, criterion):
    return sorted(a.findings.loc[a.findings["criterion"] == criterion, "evidence"].str.split(";").explode())


def test_c07_message_due_in_january_is_judged_in_january_from_the_previous_years_rows():
    # received 24 Dec: 5th working day is 31 Dec, the deadline ends at 24:00 = the next period's start;
    # received 25 Dec: 26, 29, 30, 31 Dec and 4 Jan 2026 (1–3 Jan off, 4 Jan worked)
    m = _messages([OK_2025, OK_2026, ("a", "2025-12-24 09:00", None, True),
                   ("b", "2025-12-25 09:00", "2026-01-09 10:00", True),
                   ("c", "2025-12-25 09:00", "2026-01-04 18:00", True),
                   ("d", "2025-12-22 09:00", None, True)])
    y25, y26 = _both_years(messages=m)
    assert _evidence(y25, "C07") == ["d"]            # due 29 Dec: in 2025
    assert _evidence(y26, "C07") == ["a", "b"]       # due in 2026, judged there; c answered in time
    assert "到期应答复的职责内留言4条" in y26.findings.loc[y26.findings["criterion"] == "C07", "explanation"].iloc[0]
    assert y26.metrics["c07_on_time_rate"] == pytest.approx(2 / 4)   # a, b, c and ok26
    assert y26.metrics["on_time_rate"] == 1.0                         # of those received in 2026: ok26
    # without the previous year's rows 2026 has nothing of December to judge
    only26 = score(Dataset(accounts=accounts(), posts=posts(), messages=m[m["message_id"] == "ok26"]), year=2026)
    assert _evidence(only26, "C07") == []


def test_c08_out_of_scope_message_of_31_december_is_judged_in_january():
    m = _messages([OK_2025, OK_2026, ("e", "2025-12-31 09:00", None, False), ("f", "2025-12-30 09:00", None, False),
                   ("g", "2025-12-27 09:00", "2025-12-29 20:00", False)])   # Saturday: by the end of Monday
    y25, y26 = _both_years(messages=m)
    assert _evidence(y25, "C08") == ["f"]
    assert _evidence(y26, "C08") == ["e"]


def test_c04_opening_late_in_december_is_judged_when_its_filing_deadline_falls():
    # opened Monday 29 Dec 2025: 3 working days are 30, 31 Dec and 4 Jan 2026
    acc = accounts(opened_at=ts("2016-10-08", "2025-12-29", "2025-12-15"),
                   filed_at=ts("2016-10-09", "2026-01-06", None))
    y25, y26 = _both_years(accounts=acc)
    assert found(y25, "C04") == [("金安区", "A1")]     # 15 Dec, never filed, due 19 Dec
    assert found(y26, "C04") == [("金安区", "X1")]     # filed 6 Jan, 4 working days
    acc = acc.assign(filed_at=ts("2016-10-09", "2026-01-04 17:00", "2025-12-18"))
    y25, y26 = _both_years(accounts=acc)
    assert found(y25, "C04") == [] and found(y26, "C04") == []


def test_c06_emergency_closure_on_31_december_is_judged_in_january():
    acc = accounts(closed_at=ts(None, "2025-12-31", "2025-12-30"))
    fil = pd.DataFrame({"unit": ["金安区"] * 2, "account_id": ["X1", "A1"], "event": ["emergency_close"] * 2,
                        "event_date": ts("2025-12-31", "2025-12-30"), "filed_at": ts("2026-01-04 09:00", "2025-12-31 09:00")})
    y25, y26 = _both_years(accounts=acc, filings=fil)
    assert found(y25, "C06") == [("金安区", "A1")]
    assert found(y26, "C06") == [("金安区", "X1")]


def test_c14_staff_change_of_late_december_is_judged_in_january():
    fil = pd.DataFrame({"unit": ["金安区"] * 2, "account_id": [None, None], "event": ["staff_change"] * 2,
                        "event_date": ts("2025-12-29", "2025-12-22"),
                        "filed_at": ts("2026-01-08 10:00", "2025-12-29 10:00")})
    y25, y26 = _both_years(filings=fil)
    assert found(y25, "C14") == [("金安区", "")] and "12-22" in y25.findings.loc[
        y25.findings["criterion"] == "C14", "explanation"].iloc[0]
    assert found(y26, "C14") == [("金安区", "")] and "12-29" in y26.findings.loc[
        y26.findings["criterion"] == "C14", "explanation"].iloc[0]


def test_c16_incident_whose_24_hours_end_in_january_is_judged_in_january():
    inc = pd.DataFrame({"incident_id": ["E1"], "unit": ["金安区"], "kind": ["public_opinion"],
                        "started_at": ts("2025-12-31 22:00")})
    quiet = posts()
    quiet = quiet[(quiet["published_at"] < "2025-12-31 12:00") | (quiet["published_at"] > "2026-01-02")]
    y25, y26 = _both_years(posts=quiet, incidents=inc)
    assert found(y25, "C16") == [] and found(y26, "C16") == [("金安区", "")]
    spoke = pd.concat([quiet, posts("2026-01-01", "2026-01-01", ids=(("W1", "weibo"),)).assign(post_id="p")],
                      ignore_index=True)
    assert found(score(Dataset(accounts=accounts(), posts=spoke, incidents=inc), year=2026), "C16") == []


def test_2027_deadlines_use_the_documented_monday_to_friday_fallback():
    # chinesecalendar knows 2026 at most: a message of 30 Dec 2026 is due on the 5th weekday after it
    m = _messages([OK_2026, ("h", "2026-12-30 09:00", "2027-01-07 10:00", True),
                   ("i", "2026-12-30 09:00", "2027-01-06 10:00", True), ("ok27", "2027-02-01 09:00",
                                                                          "2027-02-01 10:00", True)])
    a = score(Dataset(accounts=accounts(), posts=posts("2026-01-01", "2027-12-31"), messages=m), year=2027)
    assert _evidence(a, "C07") == ["h"]        # 31 Dec, 1, 4, 5, 6 Jan 2027 (Mon–Fri, 1 Jan not a holiday)
    assert any("2027" in c and "周一至周五" in c for c in a.caveats)


def test_a_douyin_account_is_scored_for_dormancy_and_c01_still_asks_for_the_three(tmp_path):
    """抖音 is a platform like any other for the criteria that apply to any platform (C15 here); the
    unit that has Weibo, WeChat and 抖音 still lacks the app the notice asks for (C01)."""
    acc = accounts(platform=["weibo", "wechat", "douyin"], account_id=["W1", "X1", "D1"],
                   account_name=["金安区人民政府发布", "金安区人民政府发布", "金安区人民政府发布"])
    p = posts(ids=(("W1", "weibo"), ("X1", "wechat"), ("D1", "douyin")))
    quiet = (p["account_id"] == "D1") & (p["published_at"] > ts("2025-05-01")[0]) & (
        p["published_at"] < ts("2025-05-20")[0])
    a = score(Dataset(accounts=acc, posts=p[~quiet.to_numpy()]), year=2025)
    c15 = a.findings[a.findings["criterion"] == "C15"]
    assert c15["account_id"].tolist() == ["D1"] and c15["platform"].tolist() == ["douyin"]
    assert c15["explanation"].iloc[0].startswith("抖音账号“金安区人民政府发布”")
    assert "D1" in set(a.rectification["account_id"])
    c01 = a.findings[a.findings["criterion"] == "C01"]
    assert len(c01) == 1 and "客户端" in c01["explanation"].iloc[0]
    row = a.account_scores.set_index("account_id").loc["D1"]
    assert row["C15"] < load_criteria()["C15"].weight and pd.notna(row["influence_platform_rank"])


def test_other_platforms_are_read_from_files_and_shown_in_coverage(tmp_path):
    import liuan_eval
    from liuan_eval.report.tables import coverage_matrix

    (tmp_path / "accounts.csv").write_text(
        "单位名称,单位类型,平台,账号ID,账号名称,开通时间\n"
        "金安区,县区,新浪微博,W1,金安区人民政府发布,2016-10-08\n"
        "金安区,县区,政务抖音,D1,金安区人民政府发布,2020-03-02\n"
        "金安区,县区,今日头条,T1,金安区人民政府发布,2021-03-02\n", encoding="utf-8")
    (tmp_path / "posts.csv").write_text(
        "账号ID,平台,信息ID,发布时间\nD1,抖音,v1,2025-03-01 10:00\nT1,头条号,t1,2025-03-02 10:00\n"
        "W1,快手,k1,2025-03-02 10:00\n", encoding="utf-8")
    ds = liuan_eval.load(tmp_path, year=2025)
    assert ds.accounts["platform"].tolist() == ["weibo", "douyin", "toutiao"]
    assert ds.posts["platform"].tolist() == ["douyin", "toutiao", "kuaishou"]
    assert ds.quarantine.empty
    cov = coverage_matrix(ds.accounts).iloc[0]
    assert cov[["weibo", "wechat", "app", "douyin", "toutiao"]].tolist() == [True, False, False, True, True]
    assert cov["platforms"] == 1 and cov["other_platforms"] == 2


def test_c18_each_platform_has_its_own_index_ranked_within_the_platform():
    """Two Weibo accounts: W1 is reposted and discussed, W2 liked. The common index (likes weigh as much as
    reposts) and Weibo's own index (reposts and comments first, as BCI) rank them differently; each index
    is the documented formula, computed here by hand."""
    import math

    acc = accounts(platform=["weibo", "weibo", "wechat"], account_id=["W1", "W2", "X1"],
                   account_name=["金安区人民政府发布"] * 3)
    p = posts(ids=(("W1", "weibo"), ("W2", "weibo"), ("X1", "wechat")))
    n = p["account_id"].map({"W1": (6, 6, 1, pd.NA), "W2": (0, 0, 100, pd.NA), "X1": (0, 0, 5, 400)})
    p["repost_count"] = pd.array([v[0] for v in n], dtype="Int64")
    p["comment_count"] = pd.array([v[1] for v in n], dtype="Int64")
    p["like_count"] = pd.array([v[2] for v in n], dtype="Int64")
    p["read_count"] = pd.array([v[3] for v in n], dtype="Int64")
    crits = load_criteria()
    a = score(Dataset(accounts=acc, posts=p), year=2025).account_scores.set_index("account_id")
    params = crits["C18"].params
    days = 365
    per_post = (p[p["published_at"].dt.year == 2025].groupby("account_id").size() / days).to_dict()

    def index(acc_id, w, totals):
        have = {k: v for k, v in totals.items() if k in w and v is not None}
        logs = {k: math.log1p(v / days) for k, v in have.items()}
        return round(100 * sum(w[k] * logs[k] for k in have) / sum(w[k] for k in have), 2)

    for acc_id, (rep, com, like, read) in {"W1": (6, 6, 1, None), "W2": (0, 0, 100, None),
                                           "X1": (0, 0, 5, 400)}.items():
        k = per_post[acc_id] * days
        totals = {"posts": k, "reposts": rep * k, "comments": com * k, "likes": like * k,
                  "reads": None if read is None else read * k}
        assert a.loc[acc_id, "influence"] == pytest.approx(index(acc_id, params["weights"], totals), abs=0.011)
        own = params["platform_weights"][acc.set_index("account_id").loc[acc_id, "platform"]]
        assert a.loc[acc_id, "platform_influence"] == pytest.approx(index(acc_id, own, totals), abs=0.011)
    assert a.loc["W2", "influence"] > a.loc["W1", "influence"]                   # likes count on the common scale
    assert a.loc["W1", "platform_influence"] > a.loc["W2", "platform_influence"]  # Weibo's own: reposts, comments
    assert a.loc[["W1", "W2"], "influence_platform_rank"].tolist() == [1, 2]
    assert a.loc["X1", "influence_platform_rank"] == 1                            # alone on WeChat


# ---- C01: "date opened vs. deadline" (2016-12-31), judged in the period the late opening falls in -------
@pytest.mark.parametrize(("opened", "year", "late"), [
    ("2016-12-31", 2016, False),   # on the deadline day
    ("2016-06-01", 2016, False),
    ("2017-01-01", 2017, True),    # the day after, in the period
    ("2017-03-05", 2017, True),
    ("2025-04-01", 2025, True),    # a unit without an app until April 2025
    ("2020-05-01", 2025, False),   # late, but in an earlier period: judged there
])
def test_c01_a_platform_first_opened_after_the_deadline_in_the_period_is_short(opened, year, late):
    acc = accounts(opened_at=ts("2016-10-08", "2016-10-08", opened))
    a = score(Dataset(accounts=acc, posts=posts(f"{year}-01-01", f"{year}-12-31")), year=year)
    c01 = a.findings[a.findings["criterion"] == "C01"]
    assert len(c01) == int(late)
    if late:
        e = c01["explanation"].iloc[0]
        assert "客户端账号“金安区人民政府”于" + opened + "开通" in e and "晚于2016-12-31" in e, e
        assert "没有在运营" not in e
        assert a.unit_scores.set_index("unit").loc["金安区", "C01"] == load_criteria()["C01"].weight - 5


def test_c01_a_late_second_account_does_not_make_a_covered_platform_short():
    """The unit had an app since 2016; a new app account opened in 2025 (a replacement) is not late."""
    acc = pd.concat([accounts(), accounts(platform=["app"], account_id=["A2"], account_name=["金安区人民政府"],
                                          opened_at=ts("2025-03-01"), filed_at=ts("2025-03-02"),
                                          operators=pd.array([1], dtype="Int64"), liaison_officer=["张明"],
                                          information_officer=["李华"], unit=["金安区"], unit_type=["county"])],
                    ignore_index=True)
    acc.loc[acc["account_id"] == "A1", "closed_at"] = ts("2025-03-01")[0]
    a = score(Dataset(accounts=acc, posts=posts("2025-01-01", "2025-12-31")), year=2025)
    assert found(a, "C01") == []


def test_c01_missing_and_late_platforms_make_one_finding_and_the_2019_preset_checks_presence_only():
    acc = accounts(opened_at=ts("2016-10-08", "2025-06-01", "2016-10-08")).iloc[:2]
    p = posts("2025-01-01", "2025-12-31", ids=(("W1", "weibo"), ("X1", "wechat")))
    a = score(Dataset(accounts=acc, posts=p), year=2025)
    c01 = a.findings[a.findings["criterion"] == "C01"]
    assert len(c01) == 1
    e = c01["explanation"].iloc[0]
    assert "没有在运营的客户端账号" in e and "微信账号“金安区人民政府发布”于2025-06-01开通" in e
    b = score(Dataset(accounts=acc, posts=p), year=2025, criteria=load_criteria("state_council_2019"))
    e19 = b.findings[b.findings["criterion"] == "C01"]["explanation"].tolist()
    assert len(e19) == 1 and "晚于" not in e19[0]


def test_c01_opening_deadline_must_be_a_date_or_empty(tmp_path):
    from liuan_eval.criteria import HERE as presets
    from liuan_eval.criteria import CriteriaError

    text = (presets / "liuan_2016.toml").read_text(encoding="utf-8").replace(
        'opening_deadline = "2016-12-31"', 'opening_deadline = "2016年底"')
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaError, match="opening_deadline"):
        load_criteria(tmp_path / "p.toml")


# ---- 2019 preset: "no update in the two weeks before the check" (the period's last day) ----------------
def _weibo_posts(*days):
    t = pd.Series(pd.to_datetime(list(days)) + pd.Timedelta(hours=10)).dt.tz_localize(TZ)
    return pd.DataFrame({"account_id": "W1", "platform": "weibo", "post_id": [f"W1-{i}" for i in range(len(t))],
                         "published_at": t, "text": "今日要闻", "media_kind": "image",
                         "is_repost": pd.array([False] * len(t), dtype="boolean")})


@pytest.mark.parametrize(("last_post", "period", "veto"), [
    ("2025-12-17", None, True),          # 18–31 Dec: 14 days up to the check
    ("2025-12-18", None, False),         # 19–31 Dec: 13 days
    ("2025-06-16", (("2025-04-01", "2025-06-30")), True),   # a quarterly check on 30 June
    ("2025-06-17", (("2025-04-01", "2025-06-30")), False),
])
def test_2019_veto_is_a_run_reaching_the_check(last_post, period, veto):
    days = [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-01-01", last_post, freq="5D")] + [last_post]
    acc = accounts().iloc[:1]
    kw = {"period": period} if period else {}
    a = score(Dataset(accounts=acc, posts=_weibo_posts(*days)), year=2025, criteria="state_council_2019", **kw)
    s = a.unit_scores.set_index("unit").loc["金安区"]
    assert (s["veto"] == "C15") == veto and (s["grade"] == "不合格") == veto
    assert pd.isna(s["total"]) == veto


def test_2019_a_mid_period_run_and_a_run_before_closing_are_deductions_not_the_veto():
    """W1 is silent all March; the app A1 is silent from 2 September until it closes on 30 September."""
    acc = accounts().iloc[[0, 2]]
    acc["closed_at"] = pd.Series([pd.NaT, pd.Timestamp("2025-09-30", tz=TZ)], index=acc.index)
    w = [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-01-01", "2025-12-31", freq="3D")
         if not pd.Timestamp("2025-03-01") <= d <= pd.Timestamp("2025-03-31")]
    app_days = [d.strftime("%Y-%m-%d") for d in pd.date_range("2025-01-01", "2025-09-01", freq="3D")]
    p = pd.concat([_weibo_posts(*w), _weibo_posts(*app_days).assign(account_id="A1", platform="app",
                                                                   post_id=lambda x: "A1-" + x["post_id"])])
    a = score(Dataset(accounts=acc, posts=p), year=2025, criteria="state_council_2019")
    assert found(a, "C15") == [("金安区", "A1"), ("金安区", "W1")]
    s = a.unit_scores.set_index("unit").loc["金安区"]
    assert s["veto"] == "" and s["grade"] == "合格" and s["C15"] == load_criteria("state_council_2019")["C15"].weight - 6


@pytest.mark.parametrize("preset", ["liuan_2016", "state_council_2019"])
def test_a_reply_given_only_after_the_period_ended_was_unanswered_at_the_check(preset):
    """Due 17 June, answered 10 July: at the end of Q2 (the check) it was unanswered past its deadline — counted
    with 至期末仍未答复, and under the 2019 checklist the 互动回应差 veto."""
    m = _messages([("late-answered", "2025-06-10 09:00", "2025-07-10 10:00", True),
                   ("ok", "2025-05-06 09:00", "2025-05-06 10:00", True)])
    a = score(Dataset(accounts=accounts(), posts=posts("2025-01-01", "2025-12-31"), messages=m), year=2025,
              criteria=preset, period=("2025-04-01", "2025-06-30"))
    c07 = a.findings[a.findings["criterion"] == "C07"]
    assert len(c07) == 1 and "含至期末仍未答复1条" in c07["explanation"].iloc[0]
    veto = a.unit_scores.set_index("unit").loc["金安区", "veto"]
    assert veto == ("C07" if preset == "state_council_2019" else "")
    # a reply late but inside the period: late, not unanswered at the end, so no veto
    m2 = _messages([("late", "2025-06-10 09:00", "2025-06-27 10:00", True)])
    b = score(Dataset(accounts=accounts(), posts=posts("2025-01-01", "2025-12-31"), messages=m2), year=2025,
              criteria=preset, period=("2025-04-01", "2025-06-30"))
    assert "含至期末仍未答复0条" in b.findings.loc[b.findings["criterion"] == "C07", "explanation"].iloc[0]
    assert b.unit_scores.set_index("unit").loc["金安区", "veto"] == ""


# ---- session 8 review: C03, C09, C11, C13, C14, C18 edges -------------------------------------------------
def test_c13_c14_count_only_the_accounts_of_their_platforms():
    """五(一) staffs 两微一端: a Douyin account's operators and officers do not cover Weibo, WeChat and the app."""
    acc = accounts().assign(operators=pd.array([0, 0, 0], dtype="Int64"), liaison_officer=[None] * 3,
                            information_officer=[None] * 3)
    d = accounts().iloc[:1].assign(platform="douyin", account_id="D1", operators=pd.array([2], dtype="Int64"))
    p = posts(ids=(("W1", "weibo"), ("X1", "wechat"), ("A1", "app"), ("D1", "douyin")))
    a = score(Dataset(accounts=pd.concat([acc, d], ignore_index=True), posts=p), year=2025)
    assert found(a, "C13") == [("金安区", "")] and found(a, "C14") == [("金安区", ""), ("金安区", "")]


def test_c03_a_department_registered_as_shi_gets_the_citys_name_once():
    acc = pd.DataFrame({"unit": ["市教育局"], "unit_type": ["department"], "platform": ["weibo"], "account_id": ["E1"],
                        "account_name": ["六安市教育局发布"], "opened_at": ts("2016-10-08")})
    assert found(score(Dataset(accounts=acc), year=2025), "C03") == []


def test_c11_without_a_source_column_is_not_assessed_and_sources_named_in_words_are_read():
    p = posts()
    p.loc[p.index % 5 == 0, "is_repost"] = True
    a = score(Dataset(accounts=accounts(), posts=p), year=2025)
    assert "C11" in set(a.not_assessed["criterion"]) and a.unit_scores["C11"].isna().all()
    good = ["来源于人民日报", "本文来源：人民日报", "人民日报社", "皖西日报社", "中华人民共和国中央人民政府"]
    assert source_ok(pd.Series(good), load_criteria()["C11"].params).all()
    assert not source_ok(pd.Series(["新华社", "区委宣传部"]), load_criteria()["C11"].params).any()
    # a source column empty in every repost: each repost names none (the wording has no "其余")
    p["repost_source"] = pd.array([None] * len(p), dtype="str")
    e = score(Dataset(accounts=accounts(), posts=p), year=2025).findings
    expl = e.loc[e["criterion"] == "C11", "explanation"]
    assert len(expl) == 3 and expl.str.contains("均未标注来源").all() and not expl.str.contains("其余").any()


def test_c09_stock_phrases_strung_together_are_boilerplate():
    from liuan_eval.scoring.messages import poor_replies

    stock = load_criteria()["C09"].params["boilerplate"]
    got = poor_replies(pd.Series(["您好，感谢您的留言，已转相关部门处理。", "感谢您的关注！已转有关部门处理，请咨询相关部门。",
                                  "您好！您反映的东门路路灯不亮问题，已于3月2日修复，感谢监督。"]), 10, stock)
    assert got.tolist() == [True, True, False]


def test_c18_counts_only_the_posts_of_an_accounts_days_in_operation():
    """An app closed on 31 January but still posting is measured on its 31 days, not ranked first."""
    acc = accounts(closed_at=ts(None, None, "2025-01-31"))
    p = posts("2025-01-01", "2025-12-31")
    p["like_count"] = pd.array([5] * len(p), dtype="Int64")
    s = score(Dataset(accounts=acc, posts=p), year=2025).account_scores.set_index("account_id")
    assert abs(s.loc["A1", "influence"] - s.loc["W1", "influence"]) < 0.1 * s.loc["W1", "influence"]


def test_a_december_message_due_in_january_is_judged_even_when_none_arrived_in_january():
    """C07/C08 judge by deadline: the period's needs count the messages carried in from December."""
    m = _messages([("late", "2025-12-25 09:00", None, True), ("oos", "2025-12-31 09:00", None, False)])
    ds = Dataset(accounts=accounts(), posts=posts("2025-01-01", "2026-12-31"), messages=m)
    a25, a26 = score(ds, year=2025), score(ds, year=2026)
    assert _evidence(a26, "C07") == ["late"] and _evidence(a26, "C08") == ["oos"]
    assert not {"C07", "C08"} & set(a26.not_assessed["criterion"])
    assert "late" not in _evidence(a25, "C07") and "oos" not in _evidence(a25, "C08")
    # nothing received in the period and nothing due in it: not assessed, never a silent 100
    import warnings

    with warnings.catch_warnings():  # the holiday calendar ends with 2026 (a warning, once per process)
        warnings.simplefilter("ignore")
        a27 = score(ds, year=2027)
    assert {"C07", "C08"} <= set(a27.not_assessed["criterion"])


# ---- C05: which closure a filing is for ------------------------------------------------------------
def test_c05_judges_the_day_the_account_really_closed():
    """The registry says 10 June; the filing planned 20 June, filed 5 June: 3 working days ahead, not 10."""
    acc = accounts(closed_at=ts(None, None, "2025-06-10"))
    fil = pd.DataFrame({"unit": ["金安区"], "account_id": ["A1"], "event": ["close"], "event_date": ts("2025-06-20"),
                        "filed_at": ts("2025-06-05"), "approved_at": ts("2025-06-12")})
    a = score(Dataset(accounts=acc, posts=posts(end="2025-12-31"), filings=fil), year=2025)
    assert found(a, "C05") == [("金安区", "A1")]
    f = a.findings.loc[a.findings["criterion"] == "C05", "explanation"].iloc[0]
    assert "2025-06-10关闭" in f and "只提前3个工作日" in f
    on_time = fil.assign(filed_at=ts("2025-05-20"), approved_at=ts("2025-06-09"))  # 14 working days ahead
    assert found(score(Dataset(accounts=acc, posts=posts(end="2025-12-31"), filings=on_time), year=2025), "C05") == []


def test_c05_an_old_filing_does_not_cover_a_later_closure():
    acc = accounts(closed_at=ts(None, None, "2025-06-20"))
    old = pd.DataFrame({"unit": ["金安区"], "account_id": ["A1"], "event": ["emergency_close"],
                        "event_date": ts("2023-03-01"), "filed_at": ts("2023-03-01"), "approved_at": ts(None)})
    a = score(Dataset(accounts=acc, posts=posts(end="2025-12-31"), filings=old), year=2025)
    assert found(a, "C05") == [("金安区", "A1")]
    assert "没有报备" in a.findings.loc[a.findings["criterion"] == "C05", "explanation"].iloc[0]


# ---- C01: a replacement account is not a late opening ---------------------------------------------
def test_c01_a_replacement_app_after_a_gap_is_not_late():
    acc = pd.concat([accounts(closed_at=ts(None, None, "2024-06-01")),
                     accounts().iloc[[2]].reset_index(drop=True).assign(account_id="A9", opened_at=ts("2025-03-01"))],
                    ignore_index=True)
    p = pd.concat([posts(end="2025-12-31", ids=(("W1", "weibo"), ("X1", "wechat"))),
                   posts(start="2025-03-01", end="2025-12-31", ids=(("A9", "app"),))], ignore_index=True)
    assert found(score(Dataset(accounts=acc, posts=p), year=2025), "C01") == []
    first = acc[acc["account_id"] != "A1"]  # no app before: the opening in 2025 is late
    assert found(score(Dataset(accounts=first, posts=p), year=2025), "C01") == [("金安区", "")]


# ---- C12: the issuer does not repost itself --------------------------------------------------------
def test_c12_the_issuing_units_own_accounts_owe_no_repost():
    acc = pd.concat([accounts(), accounts(unit=["六安市人民政府办公室"] * 3, unit_type=["department"] * 3,
                                          account_id=["W8", "X8", "A8"],
                                          account_name=["六安市人民政府发布", "六安市人民政府发布", "六安市人民政府"])],
                    ignore_index=True)
    rel = pd.DataFrame({"release_id": ["R1"], "issuing_account": ["六安市人民政府发布"], "title": ["民生实事清单"],
                        "published_at": ts("2025-05-09 10:00")})
    p = posts(end="2025-12-31", ids=(("W1", "weibo"), ("X1", "wechat"), ("A1", "app"), ("W8", "weibo"),
                                     ("X8", "wechat"), ("A8", "app")))
    a = score(Dataset(accounts=acc, posts=p, releases=rel), year=2025)
    owed = set(a.repost["account_id"])
    assert owed == {"W1", "X1", "A1"} and not {u for u, _ in found(a, "C12")} & {"六安市人民政府办公室"}


# ---- C21 (2019 only): one account per platform per unit ---------------------------------------------
def test_c21_more_than_one_account_of_a_unit_on_a_platform_is_a_deduction_under_2019_only():
    acc = pd.concat([accounts(), accounts().iloc[[0]].reset_index(drop=True).assign(
        account_id="W2", account_name="金安区发布")], ignore_index=True)
    p = posts(end="2025-12-31", ids=(("W1", "weibo"), ("X1", "wechat"), ("A1", "app"), ("W2", "weibo")))
    a = score(Dataset(accounts=acc, posts=p), year=2025, criteria="state_council_2019")
    assert found(a, "C21") == [("金安区", "")]
    f = a.findings[a.findings["criterion"] == "C21"].iloc[0]
    assert f["platform"] == "weibo" and f["evidence"] == "W1 W2" and "微博同时有2个在运营账号" in f["explanation"]
    w = a.criteria["C21"]
    assert a.unit_scores.loc[0, "C21"] == w.weight - w.deduction and a.unit_scores.loc[0, "grade"] == "合格"
    # one closed before the period, or a replacement opened once the old one closed: not two at once
    closed = acc.assign(closed_at=ts(None, None, None, "2024-12-01"))
    assert found(score(Dataset(accounts=closed, posts=p), year=2025, criteria="state_council_2019"), "C21") == []
    replaced = acc.assign(closed_at=ts("2025-06-01", None, None, None), opened_at=ts(*["2016-10-08"] * 3, "2025-06-01"))
    assert found(score(Dataset(accounts=replaced, posts=p), year=2025, criteria="state_council_2019"), "C21") == []
    overlap = replaced.assign(opened_at=ts(*["2016-10-08"] * 3, "2025-05-20"))
    assert found(score(Dataset(accounts=overlap, posts=p), year=2025, criteria="state_council_2019"), "C21") == [
        ("金安区", "")]
    # the old account, replaced on its closing day, is not named beside the two that ran at once later
    later = pd.concat([replaced, replaced.iloc[[3]].reset_index(drop=True).assign(account_id="W3", account_name="金安区新闻",
                                                           opened_at=ts("2025-07-01"))], ignore_index=True)
    f = score(Dataset(accounts=later, posts=p), year=2025, criteria="state_council_2019").findings
    assert f.loc[f["criterion"] == "C21", "evidence"].tolist() == ["W2 W3"]
    # the 2016 notice has no such rule
    a16 = score(Dataset(accounts=acc, posts=p), year=2025)
    assert "C21" not in a16.criteria and "C21" not in a16.unit_scores.columns and found(a16, "C21") == []


def test_c21_does_not_count_other_platforms_as_one():
    acc = pd.concat([accounts(), accounts().iloc[[0, 0]].reset_index(drop=True).assign(
        platform=["other", "other"], account_id=["O1", "O2"], account_name=["金安区学习强国号", "金安区人民号"])],
        ignore_index=True)
    p = posts(end="2025-12-31", ids=(("W1", "weibo"), ("X1", "wechat"), ("A1", "app"), ("O1", "other"),
                                     ("O2", "other")))
    assert found(score(Dataset(accounts=acc, posts=p), year=2025, criteria="state_council_2019"), "C21") == []


def test_a_withdrawn_incident_takes_the_unregistered_units_other_findings_with_it():
    from liuan_eval.scoring.appeals import finding_ids

    inc = pd.DataFrame({"incident_id": ["E1"], "unit": ["舒城县"], "account_id": [None], "kind": ["security"],
                        "started_at": ts("2025-08-01 09:00"), "description": ["网站被篡改"]})
    ds = Dataset(accounts=accounts(), posts=posts(end="2025-12-31"), incidents=inc)
    a = score(ds, year=2025)
    c17 = a.findings[a.findings["criterion"] == "C17"]
    appeal = pd.DataFrame({"finding_id": finding_ids(c17), "appeal_reason": ["系误报"]})
    b = score(ds, year=2025, withdrawn=appeal)
    assert "舒城县" not in set(b.findings["unit"]) and "舒城县" not in set(b.unit_scores["unit"])
    assert not any("舒城县" in c for c in b.caveats)


def test_c01_an_old_account_without_its_opening_date_still_counts_as_had_before():
    acc = pd.concat([accounts(closed_at=ts(None, None, "2024-06-01"), opened_at=ts("2016-10-08", "2016-10-08", None)),
                     accounts().iloc[[2]].reset_index(drop=True).assign(account_id="A9", opened_at=ts("2025-03-01"))],
                    ignore_index=True)
    p = pd.concat([posts(end="2025-12-31", ids=(("W1", "weibo"), ("X1", "wechat"))),
                   posts(start="2025-03-01", end="2025-12-31", ids=(("A9", "app"),))], ignore_index=True)
    assert found(score(Dataset(accounts=acc, posts=p), year=2025), "C01") == []


@pytest.mark.parametrize("issuer", ["六安市人民政府发布", "@六安市人民政府发布", "六安市人民政府 发布"])
def test_c12_the_issuer_is_known_however_its_name_is_written(issuer):
    acc = pd.concat([accounts(), accounts(unit=["六安市人民政府办公室"] * 3, unit_type=["department"] * 3,
                                          account_id=["W8", "X8", "A8"],
                                          account_name=["六安市人民政府发布", "六安市人民政府发布", "六安市人民政府"])],
                    ignore_index=True)
    rel = pd.DataFrame({"release_id": ["R1"], "issuing_account": [issuer], "title": ["民生实事清单"],
                        "published_at": ts("2025-05-09 10:00")})
    p = posts(end="2025-12-31", ids=(("W1", "weibo"), ("X1", "wechat"), ("A1", "app"), ("W8", "weibo"),
                                     ("X8", "wechat"), ("A8", "app")))
    a = score(Dataset(accounts=acc, posts=p, releases=rel), year=2025)
    assert set(a.repost["account_id"]) == {"W1", "X1", "A1"}
