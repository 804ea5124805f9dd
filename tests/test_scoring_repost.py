"""C12 computed once: the repost table (``Assessment.repost``) and C12's findings agree row for row."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.dataset import Dataset
from liuan_eval.scoring import REPOST_COLUMNS, score

TZ = "Asia/Shanghai"


def ts(*values):
    return pd.Series(pd.to_datetime(list(values))).dt.tz_localize(TZ)


def registry(closed=None):
    """One county with a Weibo, a WeChat and an app account (``closed``: the WeChat account's closing day)."""
    return pd.DataFrame({"unit": ["金安区"] * 3, "unit_type": ["county"] * 3, "platform": ["weibo", "wechat", "app"],
                         "account_id": ["W1", "X1", "A1"],
                         "account_name": ["金安区人民政府发布", "金安区人民政府发布", "金安区人民政府"],
                         "opened_at": ts("2016-10-08", "2016-10-08", "2016-10-08"),
                         "closed_at": ts(None, closed, None)})


def release(when, title="六安市2025年民生实事清单公布"):
    return pd.DataFrame({"release_id": ["R1"], "issuing_account": ["六安市人民政府发布"], "published_at": ts(when),
                         "title": [title]})


def background(start="2025-01-01", end="2025-12-31"):
    days = pd.date_range(start, end, freq="2D")
    t = pd.Series(days + pd.Timedelta(hours=8)).dt.tz_localize(TZ)
    return pd.concat([pd.DataFrame({"account_id": a, "platform": p, "post_id": [f"{a}-{i}" for i in range(len(t))],
                                    "published_at": t, "text": "今日要闻"})
                      for a, p in (("W1", "weibo"), ("X1", "wechat"), ("A1", "app"))], ignore_index=True)


def reposts(**when):
    """Reposts of R1: ``W1="2025-05-09 11:00"``."""
    return pd.DataFrame({"account_id": list(when), "platform": [{"W": "weibo", "X": "wechat", "A": "app"}[k[0]]
                                                                 for k in when],
                         "post_id": [f"rp-{k}" for k in when], "published_at": ts(*when.values()),
                         "text": "转发：六安市2025年民生实事清单公布", "repost_source": "六安市人民政府发布"})


def assess(rel, rp, acc=None, year=2025, bg=None):
    p = pd.concat([background() if bg is None else bg, rp], ignore_index=True)
    return score(Dataset(accounts=registry() if acc is None else acc, posts=p, releases=rel), year=year)


def agree(a) -> pd.DataFrame:
    """The C12 findings are exactly the table's late and missing rows (release, account, post)."""
    t = a.repost
    assert list(t.columns) == REPOST_COLUMNS
    assert set(t["status"]) <= {"on_time", "late", "missing", "not_yet_due"}
    assert (t["on_time"] == (t["status"] == "on_time")).all() and t["on_time"].dtype == bool
    bad = t[t["status"].isin(["late", "missing"])]
    f = a.findings[a.findings["criterion"] == "C12"]
    want = sorted(zip(bad["release_id"], bad["unit"], bad["account_id"],
                      [p if s == "late" else "" for p, s in zip(bad["post_id"], bad["status"])]))
    ev = [e.split(";") for e in f["evidence"]]
    got = sorted(zip([e[0] for e in ev], f["unit"], f["account_id"], [e[1] if len(e) > 1 else "" for e in ev]))
    assert got == want
    assert (t.loc[t["status"] == "missing", "reposted_at"].isna()).all()
    assert (t.loc[t["status"].isin(["on_time", "late"]), "post_id"].notna()).all()
    return t.set_index("account_id")["status"]


@pytest.mark.parametrize("seed", [1, 3, 5, 8, 13, 21])
def test_findings_and_table_agree_row_for_row_on_generated_years(seed):
    from liuan_eval.sample_data import generate_sample

    s = generate_sample(2025, seed=seed, scale=0.2)
    a = score(Dataset(**s.tables), year=2025)
    agree(a)
    t = a.repost
    planted = {(f["unit"], f["account_id"]) for f in s.truth["findings"] if f["criterion"] == "C12"}
    bad = t[t["status"].isin(["late", "missing"])]
    assert set(zip(bad["unit"], bad["account_id"])) == planted
    assert len(t) == t[["release_id", "account_id"]].drop_duplicates().shape[0]
    # every release of the year, every owing account: the table is the grid, not only the problems
    owing = s.tables["accounts"]
    owing = owing[owing["closed_at"].isna() & (owing["opened_at"] <= s.tables["releases"]["published_at"].max())
                  & owing["platform"].isin(a.criteria["C12"].platforms)]   # C12: the notice's three platforms
    assert set(owing["account_id"]) <= set(t["account_id"])
    assert (t["status"] == "on_time").mean() > 0.9


def test_wechat_account_closed_before_its_deadline_owes_nothing_in_the_table_either():
    # release Friday 9 May, WeChat due at the end of Monday 12 May; the account closed on Saturday 10 May
    rel = release("2025-05-09 10:00")
    rp = reposts(W1="2025-05-09 10:30", A1="2025-05-09 10:40")
    a = assess(rel, rp, acc=registry(closed="2025-05-10"))
    st = agree(a)
    assert "X1" not in st.index and dict(st) == {"W1": "on_time", "A1": "on_time"}
    assert not (a.findings["criterion"] == "C12").any()
    # closed on Monday 12 May, its deadline's day: still owed, and missing
    a = assess(rel, rp, acc=registry(closed="2025-05-12"))
    assert agree(a)["X1"] == "missing"
    assert (a.findings["criterion"] == "C12").sum() == 1


@pytest.mark.parametrize("released, reposted, status", [
    ("2025-05-09 17:00", "2025-05-12 20:00", "on_time"),   # Friday -> Monday: 1 working day
    ("2025-05-09 17:00", "2025-05-13 08:00", "late"),      # Tuesday: 2
    ("2025-05-10 09:00", "2025-05-12 23:00", "on_time"),   # Saturday -> Monday: 1
    ("2025-04-25 10:00", "2025-04-27 15:00", "on_time"),   # Friday -> Sunday 27 April, worked (调休): 1
    ("2025-04-25 10:00", "2025-04-28 09:00", "late"),      # ... Monday 28 April is the 2nd working day
    ("2025-09-27 10:00", "2025-09-28 18:00", "on_time"),   # Saturday -> Sunday 28 September, worked: 1
    ("2025-09-27 10:00", "2025-09-29 09:00", "late"),      # ... Monday: 2
    ("2025-10-10 10:00", "2025-10-11 18:00", "on_time"),   # Friday -> Saturday 11 October, worked: 1
    ("2025-10-10 10:00", "2025-10-13 09:00", "late"),      # ... Monday 13 October: 2
    ("2025-09-30 10:00", "2025-10-09 20:00", "on_time"),   # Golden Week: 1–8 October off
])
def test_wechat_deadline_in_working_days_over_weekends_and_adjusted_workdays(released, reposted, status):
    rel = release(released)
    w = (pd.Timestamp(released) + pd.Timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M")
    a = assess(rel, reposts(W1=w, A1=w, X1=reposted))
    st = agree(a)
    assert dict(st) == {"W1": "on_time", "X1": status, "A1": "on_time"}
    row = a.repost.set_index("account_id").loc["X1"]
    assert row["delay_workdays"] == (1 if status == "on_time" else 2)
    assert (a.findings["criterion"] == "C12").sum() == (status == "late")


@pytest.mark.parametrize("minutes, status", [(59, "on_time"), (60, "on_time"), (61, "late")])
def test_weibo_and_app_at_exactly_60_and_61_minutes(minutes, status):
    rel = release("2025-05-06 10:00")
    t = (pd.Timestamp("2025-05-06 10:00") + pd.Timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
    a = assess(rel, reposts(W1=t, A1=t, X1="2025-05-06 15:00"))
    st = agree(a)
    assert st["W1"] == st["A1"] == status and st["X1"] == "on_time"
    assert a.repost.set_index("account_id").loc["W1", "delay_minutes"] == minutes
    if status == "late":
        assert "1.0小时后" in a.findings.loc[a.findings["account_id"] == "W1", "explanation"].iloc[0]


def test_missing_repost_and_the_columns():
    a = assess(release("2025-05-06 10:00"), reposts(W1="2025-05-06 10:05"))
    st = agree(a)
    assert dict(st) == {"W1": "on_time", "X1": "missing", "A1": "missing"}
    t = a.repost.set_index("account_id")
    assert t.loc["X1", "due"] == pd.Timestamp("2025-05-08 00:00", tz=TZ)   # end of Wednesday 7 May
    assert t.loc["W1", "due"] == pd.Timestamp("2025-05-06 11:00", tz=TZ)
    assert pd.isna(t.loc["A1", "delay_minutes"]) and pd.isna(t.loc["A1", "delay_workdays"])


def test_repost_table_is_none_when_c12_is_not_assessed_or_not_in_the_preset(tmp_path):
    from liuan_eval.criteria import load_criteria

    a = score(Dataset(accounts=registry(), posts=background()), year=2025)
    assert a.repost is None and "C12" in set(a.not_assessed["criterion"])
    text = load_criteria().path.read_text(encoding="utf-8")
    i, j = text.index("[criteria.C12]"), text.index("[criteria.C13]")
    p = tmp_path / "no_c12.toml"
    p.write_text(text[:i] + text[j:], encoding="utf-8")
    a = score(Dataset(accounts=registry(), posts=background(), releases=release("2025-05-06 10:00")), year=2025,
              criteria=p)
    assert a.repost is None


def test_a_release_of_31_december_is_judged_in_the_year_its_deadline_falls_in():
    # Wednesday 31 Dec 2025 10:00: Weibo/app due at 11:00 that day; WeChat at the end of the next working
    # day, Sunday 4 January 2026 (1–3 January off, 4 January worked)
    rel = release("2025-12-31 10:00")
    bg = background("2025-01-01", "2026-01-31")
    a25 = assess(rel, reposts(W1="2025-12-31 10:20"), bg=bg)
    st = agree(a25)
    assert dict(st) == {"W1": "on_time", "X1": "not_yet_due", "A1": "missing"}
    assert set(a25.findings.loc[a25.findings["criterion"] == "C12", "account_id"]) == {"A1"}
    a26 = assess(rel, reposts(W1="2025-12-31 10:20"), year=2026, bg=bg)
    st = agree(a26)
    assert dict(st) == {"X1": "missing"}          # only the WeChat row is due in 2026
    assert set(a26.findings.loc[a26.findings["criterion"] == "C12", "account_id"]) == {"X1"}
    a26 = assess(rel, reposts(W1="2025-12-31 10:20", X1="2026-01-04 21:00"), year=2026, bg=bg)
    assert dict(agree(a26)) == {"X1": "on_time"}
