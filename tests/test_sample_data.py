"""The sample generator: a compliant background, planted cases that differ by seed, dirty rows
where the truth file says they are."""
from __future__ import annotations

import csv
import json
import re

import numpy as np
import pandas as pd
import pytest

from liuan_eval.sample_data import COUNTIES, account_name, generate_sample
from liuan_eval.workdays import deadline_end, same_day_deadline


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return generate_sample(2025, seed=11, out=out, scale=0.3), out


def _planted(s, criterion):
    return {f["account_id"] for f in s.truth["findings"] if f["criterion"] == criterion}


def _untouched(s):
    """Accounts of units with no planted finding at all: the compliant background."""
    units = {f["unit"] for f in s.truth["findings"]}
    acc = s.tables["accounts"]
    return acc[~acc["unit"].isin(units)]


def test_units_are_luan_counties_zones_and_departments(sample):
    s, _ = sample
    acc = s.tables["accounts"]
    assert set(COUNTIES) <= set(acc["unit"])
    assert set(acc["unit_type"]) == {"county", "zone", "department"}
    assert set(acc["platform"]) == {"weibo", "wechat", "app", "douyin", "kuaishou"}   # 抖音 and 快手 planted
    assert (acc["platform"].isin(["douyin", "kuaishou"])).sum() == 2
    assert acc["account_id"].is_unique


def test_background_has_no_dormant_gap_and_plants_have_one(sample):
    s, _ = sample
    p = s.tables["posts"]
    days = p.assign(day=p["published_at"].dt.normalize()).groupby("account_id")["day"]
    start, end = pd.Timestamp("2025-01-01", tz="Asia/Shanghai"), pd.Timestamp("2025-12-31", tz="Asia/Shanghai")
    acc = s.tables["accounts"].set_index("account_id")
    dormant = set()
    for a, d in days:  # a test may loop: it is an independent reference
        lo = max(start, acc.loc[a, "opened_at"].normalize()) if a in acc.index else start
        closed = acc.loc[a, "closed_at"] if a in acc.index else pd.NaT
        hi = min(end, closed.normalize()) if pd.notna(closed) else end
        d = d[(d >= lo) & (d <= hi)].to_numpy()
        d = np.unique(np.concatenate([[lo - pd.Timedelta(days=1)], d, [hi + pd.Timedelta(days=1)]]))
        if (np.diff(d) / pd.Timedelta(days=1) - 1 >= 15).any():
            dormant.add(a)
    assert _planted(s, "C15") <= dormant
    assert not (dormant & set(_untouched(s)["account_id"]))


def test_background_replies_in_time_outside_the_plants(sample):
    s, _ = sample
    m = s.tables["messages"]
    scope = m["in_scope"].fillna(True).astype(bool)
    late_in = scope & (m["replied_at"] >= deadline_end(m["received_at"], 5))
    late_out = ~scope & (m["replied_at"] >= same_day_deadline(m["received_at"]))
    background = m["account_id"].isin(_untouched(s)["account_id"])
    assert not (late_out & background).any()
    assert not (late_in & background).any()
    assert _planted(s, "C07") <= set(m.loc[late_in, "account_id"])


def test_every_release_is_reposted_by_every_account_in_time(sample):
    s, _ = sample
    p, rel = s.tables["posts"], s.tables["releases"]
    rp = p[p["post_id"].str.startswith("RP") & p["account_id"].isin(_untouched(s)["account_id"])]
    assert rp["account_id"].nunique() >= 3
    assert (rp.groupby("account_id").size() == len(rel)).all()
    rid = rp["post_id"].str.slice(2).str.split("_").str[0]
    delay = rp["published_at"] - rid.map(rel.set_index("release_id")["published_at"])
    fast = rp["platform"] != "wechat"
    assert (delay[fast] <= pd.Timedelta(minutes=60)).all()
    assert (delay > pd.Timedelta(0)).all()


def test_each_incident_has_a_post_of_its_unit_within_24_hours(sample):
    s, _ = sample
    p = s.tables["posts"].merge(s.tables["accounts"][["account_id", "unit"]], on="account_id")
    incidents = s.tables["incidents"]
    silent = {f["unit"] for f in s.truth["findings"] if f["criterion"] == "C16"}
    for _, inc in incidents[(incidents["kind"] == "public_opinion") & ~incidents["unit"].isin(silent)].iterrows():
        t = p[(p["unit"] == inc["unit"]) & (p["published_at"] >= inc["started_at"])
              & (p["published_at"] < inc["started_at"] + pd.Timedelta(hours=24))]
        assert len(t) >= 1, inc["incident_id"]


def test_account_names_follow_the_notice():
    assert account_name("霍山县", "county", "wechat") == "霍山县人民政府发布"
    assert account_name("霍山县", "county", "app") == "霍山县人民政府"
    assert account_name("六安市教育局", "department", "weibo") == "六安市教育局发布"


def test_seeds_plant_different_cases_and_same_seed_is_reproducible():
    a = generate_sample(2025, seed=1, scale=0.2).truth["findings"]
    b = generate_sample(2025, seed=2, scale=0.2).truth["findings"]
    c = generate_sample(2025, seed=1, scale=0.2).truth["findings"]
    assert a == c
    assert a != b


def test_truth_lines_point_at_the_planted_bad_rows(sample):
    s, out = sample
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    q = truth["dirty_rows"]["quarantine"]
    assert {r["reason"] for r in q} >= {"bad_datetime", "missing_value", "bad_number", "bad_choice", "duplicate_key"}
    encodings = {"posts_weibo.csv": "gb18030", "posts_wechat.csv": "utf-8", "messages.csv": "utf-8-sig"}
    raw = {f: pd.read_csv(out / f, encoding=e, dtype=str, keep_default_na=False) for f, e in encodings.items()}
    # a CSV record's line is the physical line where it starts (cells hold line breaks)
    record_at = {}
    for f, e in encodings.items():
        with open(out / f, encoding=e, newline="") as fh:
            reader, starts, prev = csv.reader(fh), {}, 1
            next(reader)
            for i, _ in enumerate(reader):
                starts[prev + 1] = i
                prev = reader.line_num
        record_at[f] = starts
    for r in q:
        if r["file"] not in raw:
            continue
        row = raw[r["file"]].iloc[record_at[r["file"]][r["line"]]]
        if r["reason"] == "bad_datetime":
            when = row.get("发布时间", row.get("留言时间"))
            assert pd.to_datetime(when, errors="coerce", format="mixed") is pd.NaT or not re.match(r"^\d{4}", when)
        elif r["reason"] == "missing_value":
            assert "" in {row.get("微博ID", "x"), row.get("留言编号", "x")}
        elif r["reason"] == "bad_choice":
            assert row["platform"] in {"门户网站", "传真"}
        elif r["reason"] == "duplicate_key":
            frame = raw[r["file"]]
            assert (frame["post_id"].iloc[: r["line"] - 2] == row["post_id"]).any()
    rows = truth["dirty_rows"]["rows"]
    assert rows["posts_weibo.csv"] == len(raw["posts_weibo.csv"])
    assert rows["messages.csv"] == len(raw["messages.csv"])


def test_inputs_carry_citizens_phone_and_id_numbers(sample):
    _, out = sample
    text = (out / "messages.csv").read_text(encoding="utf-8-sig")
    assert re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    ids = re.findall(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])", text)
    assert ids
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for i in ids[:20]:
        assert "10X98765432"[sum(int(c) * k for c, k in zip(i[:17], w)) % 11] == i[17].upper()


def test_committed_sample_is_what_the_generator_makes(tmp_path):
    """``data/sample`` (committed for people to look at) stays in step with the generator:
    refresh it with ``make sample-data`` after changing the generator."""
    from pathlib import Path

    committed = Path(__file__).resolve().parents[1] / "data" / "sample"
    generate_sample(2025, seed=7, out=tmp_path, scale=0.3)
    for name in ("truth.json", "labels.csv", "messages.csv", "posts_weibo.csv", "posts_wechat.csv", "posts_video.csv",
                 "releases.csv", "incidents.csv"):
        assert (committed / name).read_bytes() == (tmp_path / name).read_bytes(), name
    for name in ("accounts.xlsx", "filings.xlsx"):
        assert pd.read_excel(committed / name).equals(pd.read_excel(tmp_path / name)), name
    assert pd.read_parquet(committed / "posts_app.parquet").equals(pd.read_parquet(tmp_path / "posts_app.parquet"))


@pytest.mark.parametrize("seed", [3, 7])
def test_two_years_plant_the_second_year_facts_and_are_recovered_exactly(seed):
    """generate_years: the same registry, every planted finding of both years recovered exactly, accounts
    named for dormancy in both years, and the first year's weaker units improving in the second."""
    from liuan_eval.dataset import Dataset
    from liuan_eval.sample_data import generate_years
    from liuan_eval.scoring import score

    first, second = generate_years(2025, seed=seed, scale=0.1)
    assert (first.truth["year"], second.truth["year"]) == (2024, 2025)
    shared = set(first.tables["accounts"]["account_id"]) & set(second.tables["accounts"]["account_id"])
    assert len(shared) >= 0.9 * len(first.tables["accounts"])
    scores = []
    for s in (first, second):
        a = score(Dataset(**s.tables), year=s.truth["year"])
        key = {(f["criterion"], f["unit"] or "", f["account_id"] or "") for f in s.truth["findings"]}
        got = set(zip(a.findings["criterion"], a.findings["unit"].fillna(""), a.findings["account_id"].fillna("")))
        assert got == key
        scores.append(a)
    named = [set(a.rectification["account_id"]) - {""} for a in scores]
    assert named[0] & named[1]                      # named then and named again
    then, now = (a.unit_scores.set_index("unit")["total"] for a in scores)
    weak = {f["unit"] for f in first.truth["findings"] if f["criterion"] == "C15"}
    improved = [u for u in weak if u in now.index and now[u] > then[u]]
    assert improved                                  # units that improved
