"""Time to score 1,000,000 posts and 1,000,000 messages over 500 accounts (target < 30 s).

Synthetic canonical tables are built directly (no files, no readers) so the figure is the
scoring engine's own: every indicator C01–C18, scores, grades, ranks and lists. Also the
working-day functions' throughput on 1,000,000 dates. Figures are wall-clock on a shared
2-core machine: noisy.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmarks._util import peak_rss_mb

TZ = "Asia/Shanghai"


def synthetic(n_accounts: int = 500, n_posts: int = 1_000_000, n_messages: int = 1_000_000, year: int = 2025,
              seed: int = 0):
    """A Dataset of the given size in canonical form (tz-aware Shanghai timestamps)."""
    from liuan_eval.dataset import Dataset
    from liuan_eval.sample_data import account_name

    rng = np.random.default_rng(seed)
    n_units = n_accounts // 3 + 1
    units = pd.DataFrame({"unit": [f"六安市第{i}局" for i in range(n_units)], "unit_type": "department"})
    acc = units.loc[units.index.repeat(3)].reset_index(drop=True).iloc[:n_accounts]
    acc["platform"] = np.tile(["weibo", "wechat", "app"], n_units)[:n_accounts]
    acc["account_id"] = [f"A{i:05d}" for i in range(n_accounts)]
    acc["account_name"] = [account_name(u, t, p) for u, t, p in zip(acc["unit"], acc["unit_type"], acc["platform"])]
    acc["opened_at"] = pd.Timestamp("2016-10-08", tz=TZ)
    acc["filed_at"] = pd.Timestamp("2016-10-09", tz=TZ)
    acc["operators"] = pd.array([1] * n_accounts, dtype="Int64")
    acc["liaison_officer"], acc["information_officer"] = "张明", "李华"
    start = pd.Timestamp(f"{year}-01-01", tz=TZ)
    secs = 365 * 86400
    ai = rng.integers(0, n_accounts, n_posts)
    t = start + pd.to_timedelta(np.sort(rng.integers(0, secs, n_posts)), "s")
    posts = pd.DataFrame({
        "account_id": acc["account_id"].to_numpy()[ai], "platform": acc["platform"].to_numpy()[ai],
        "post_id": np.char.add("P", np.arange(n_posts).astype(str)), "published_at": t,
        # distinct texts, as in real posts (the repost matcher scores each distinct text)
        "text": np.char.add(rng.choice(["【政务动态】召开专题会议部署重点工作", "【便民服务】发布办事指南",
                                        "【图解】解读惠民政策"], n_posts), np.arange(n_posts).astype(str)),
        "media_kind": rng.choice(["image", "text", "video", "link"], n_posts),
        "is_repost": pd.array(rng.random(n_posts) < 0.08, dtype="boolean"),
        "repost_source": pd.array(rng.choice(["人民日报", "安徽日报", None], n_posts), dtype="str"),
        "repost_count": pd.array(rng.poisson(3, n_posts), dtype="Int64"),
        "comment_count": pd.array(rng.poisson(2, n_posts), dtype="Int64"),
        "like_count": pd.array(rng.poisson(8, n_posts), dtype="Int64"),
        "read_count": pd.array(rng.poisson(300, n_posts), dtype="Int64"),
    })
    mi = rng.integers(0, n_accounts, n_messages)
    rec = start + pd.to_timedelta(rng.integers(0, secs - 86400 * 20, n_messages), "s")
    msgs = pd.DataFrame({
        "message_id": np.char.add("M", np.arange(n_messages).astype(str)), "unit": acc["unit"].to_numpy()[mi],
        "account_id": acc["account_id"].to_numpy()[mi], "platform": acc["platform"].to_numpy()[mi],
        "received_at": rec, "replied_at": rec + pd.to_timedelta(rng.integers(600, 86400 * 9, n_messages), "s"),
        "reply_text": np.char.add(rng.choice(["您好！您反映的问题已转交相关部门现场核实处理，编号", "已收到"], n_messages),
                                  np.where(rng.random(n_messages) < 0.5, np.arange(n_messages).astype(str), "")),
        "in_scope": pd.array(rng.random(n_messages) < 0.9, dtype="boolean"),
    })
    rel_t = start + pd.to_timedelta(np.sort(rng.integers(20, 340, 24)) * 86400 + 36000, "s")
    releases = pd.DataFrame({"release_id": [f"R{i}" for i in range(24)], "issuing_account": "六安市人民政府发布",
                             "published_at": rel_t, "title": [f"六安市重要政策文件第{i}号发布" for i in range(24)]})
    incidents = pd.DataFrame({"incident_id": ["E1", "E2"], "unit": units["unit"].iloc[:2].to_numpy(),
                              "kind": ["public_opinion", "security"], "started_at": rel_t[:2]})
    return Dataset(accounts=acc, posts=posts, messages=msgs, releases=releases, incidents=incidents)


def main() -> None:
    from liuan_eval.scoring import score
    from liuan_eval.workdays import add_workdays, is_workday, workdays_between

    t0 = time.perf_counter()
    ds = synthetic()
    build = time.perf_counter() - t0
    print(f"built 500 accounts, {len(ds.posts):,} posts, {len(ds.messages):,} messages in {build:.1f} s")
    import os

    print(f"load average before scoring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures scale with it)")
    t0 = time.perf_counter()
    a = score(ds, year=2025)
    took = time.perf_counter() - t0
    print(f"score(): {took:.1f} s for 1,000,000 posts + 1,000,000 messages over 500 accounts "
          f"(target < 30 s: {'met' if took < 30 else 'MISSED'}; ratio to target {took / 30:.2f}); "
          f"{len(a.findings):,} findings, peak RSS {peak_rss_mb():.0f} MiB")
    from liuan_eval.scoring import INDICATORS
    from liuan_eval.scoring._common import NotAssessed, build_context

    ctx = build_context(ds, 2025, a.criteria)
    times = []
    for c in a.criteria:
        if c.id in INDICATORS:
            t1 = time.perf_counter()
            try:
                INDICATORS[c.id](ctx, c)
            except NotAssessed:
                pass
            times.append((time.perf_counter() - t1, c.id))
    print("slowest indicators: " + ", ".join(f"{cid} {s:.2f} s" for s, cid in sorted(times, reverse=True)[:5]))
    dates = pd.Series(pd.Timestamp("2020-01-01", tz=TZ) + pd.to_timedelta(
        np.random.default_rng(1).integers(0, 6 * 365 * 86400, 1_000_000), "s"))
    for name, fn in (("is_workday", lambda: is_workday(dates)), ("add_workdays(+5)", lambda: add_workdays(dates, 5)),
                     ("workdays_between", lambda: workdays_between(dates, dates + pd.Timedelta(days=9)))):
        t1 = time.perf_counter()
        fn()
        s = time.perf_counter() - t1
        print(f"{name} on 1,000,000 dates: {s:.2f} s ({1_000_000 / s / 1e6:.1f} M dates/s)")


if __name__ == "__main__":
    main()
