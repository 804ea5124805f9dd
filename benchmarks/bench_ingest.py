"""Ingest throughput: 1,000,000 generated posts and 1,000,000 messages, loaded, cleaned and masked.

Target on the 2-core machine: both tables under 60 s together, peak RSS under 4 GB.
Also times the 65 real Weibo exports (``../shared/data/gov_weibo_raw``) when present.
Figures are noisy: the machine is shared.
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._util import peak_rss_mb, shared_data_or_none

N = 1_000_000
TARGET_S = 60.0
TARGET_RSS_MB = 4096.0


def _stamp(t: pd.DatetimeIndex, sep: str = "-", seconds: bool = False) -> pd.Series:
    txt = np.datetime_as_string(t.to_numpy(dtype="datetime64[s]"), unit="s" if seconds else "m")
    return pd.Series(txt).str.replace("T", " ", regex=False).str.replace("-", sep, regex=False)


def _uniq(rng, n) -> pd.Series:
    return pd.Series(rng.integers(0, 10**9, n)).astype(str)


def _phones(rng, n):
    return "1" + pd.Series(rng.integers(3, 10, n)).astype(str) + pd.Series(
        rng.integers(0, 10**9, n)).astype(str).str.zfill(9)


def make_posts(path: Path, n: int = N, seed: int = 1) -> None:
    """A GB18030 Weibo-style export of ``n`` posts with padding, word zeros, bad dates and duplicates."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, n), "m")
    body = pd.Series(rng.choice(["【权威发布】六安市召开专题会议部署安全生产工作", "今日天气晴，最高气温25度",
                                 "金安区开展环境整治行动", "", "<p>政務微博發佈&nbsp;通知</p>"], n))
    pii = rng.random(n) < 0.05
    body = body + "（" + _uniq(rng, n) + "）"  # every text different, as in real exports
    body = body.where(~pii, body + "联系电话" + _phones(rng, n))
    pad = rng.random(n) < 0.2
    body = body.where(~pad, "\n\t  " + body + "\u200b\u200b  ")
    df = pd.DataFrame({
        "序号": np.arange(1, n + 1), "微博内容": body,
        "发布时间": _stamp(t),
        "转发数": pd.Series(rng.integers(0, 50, n)).astype(str),
        "评论数": pd.Series(rng.integers(0, 20, n)).astype(str),
        "点赞数": pd.Series(rng.integers(0, 100, n)).astype(str),
        "设备源": "微博 weibo.com", "微博ID": "W" + pd.Series(np.arange(n)).astype(str),
    })
    df.loc[df["转发数"] == "0", "转发数"] = "转发"
    df.loc[df["点赞数"] == "0", "点赞数"] = "赞"
    bad = rng.choice(n, 200, replace=False)
    df.loc[bad, "发布时间"] = "not a date"
    df = pd.concat([df, df.iloc[:100]], ignore_index=True)  # exact duplicates
    df.to_csv(path, index=False, encoding="gb18030")


def make_messages(path: Path, n: int = N, seed: int = 2) -> None:
    """A UTF-8-with-BOM message export of ``n`` rows with phone, ID and e-mail numbers and replies."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 3600, n), "s")
    r = t + pd.to_timedelta(rng.integers(3600, 10 * 86400, n), "s")
    text = pd.Series(rng.choice(["尊敬的领导：我是金安区的居民，小区物业管理混乱，希望尽快处理。",
                                 "你好，请问公积金怎么提取？麻烦告知，谢谢。", "道路积水严重，出行不便。"], n))
    k = rng.random(n)
    text = text.where(k > 0.10, text + "我的电话" + _phones(rng, n))
    text = text.where((k < 0.10) | (k > 0.13), text + "身份证号11010519491231002X")
    text = text.where((k < 0.13) | (k > 0.15), text + "邮箱zhangsan@qq.com")
    df = pd.DataFrame({
        "留言编号": pd.Series(np.arange(n)).astype(str), "留言用户": "A000" + pd.Series(
            rng.integers(0, 99999, n)).astype(str),
        "留言主题": pd.Series(rng.choice(["小区物业管理有问题", "道路破损", "噪音扰民", "公积金提取"], n))
        + _uniq(rng, n),
        "留言时间": _stamp(t, "/", True),
        "留言详情": "\n\t\t\t" + text + _uniq(rng, n) + "\n\t\t",
        "答复意见": "您好，您反映的问题（" + _uniq(rng, n) + "）已转交相关部门办理，请耐心等待。",
        "答复时间": _stamp(r, "/", True),
    })
    bad = rng.choice(n, 200, replace=False)
    df.loc[bad, "留言时间"] = "上周五"
    df.to_csv(path, index=False, encoding="utf-8-sig")


def main() -> None:
    from liuan_eval.io import read_table

    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        t0 = time.perf_counter()
        make_posts(d / "posts.csv")
        make_messages(d / "messages.csv")
        print(f"generated {N:,} posts and {N:,} messages in {time.perf_counter() - t0:.1f} s "
              f"({(d / 'posts.csv').stat().st_size / 2**20:.0f} + {(d / 'messages.csv').stat().st_size / 2**20:.0f} MiB)")
        total = cpu_total = 0.0
        for table, kw in (("posts", dict(platform="weibo", account="六安发布")), ("messages", {})):
            t0, c0 = time.perf_counter(), time.process_time()
            t = read_table(table, d / f"{table}.csv", **kw)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
            total += dt
            cpu_total += cpu
            r = t.report.iloc[0]
            print(f"{table}: {int(r.rows_read):,} read, {int(r.rows_clean):,} clean, "
                  f"{int(r.rows_quarantined):,} quarantined, {int(r.duplicates_removed):,} duplicates "
                  f"in {dt:.1f} s wall ({cpu:.1f} s CPU) = {r.rows_read / dt:,.0f} rows/s")
            del t
        rss = peak_rss_mb()
        print(f"both tables: {total:.1f} s wall, {cpu_total:.1f} s CPU (target {TARGET_S:.0f} s, "
              f"ratio {total / TARGET_S:.2f} wall, {cpu_total / TARGET_S:.2f} CPU); "
              f"peak RSS {rss:,.0f} MiB (target {TARGET_RSS_MB:,.0f} MiB, ratio {rss / TARGET_RSS_MB:.2f})")
    raw = shared_data_or_none("gov_weibo_raw")
    if raw is not None:
        files = sorted(raw.glob("*/*.csv"))
        t0 = time.perf_counter()
        n = 0
        for ev in sorted({f.parent for f in files}):
            year = {"北京暴雨": 2012, "昆明火车站": 2014, "东方之星": 2015}.get(ev.name, 2017)
            t = read_table("posts", sorted(ev.glob("*.csv")), platform="weibo",
                           account_from_filename=True, year_hint=year)
            n += int(t.report["rows_read"].sum())
        dt = time.perf_counter() - t0
        print(f"real Weibo exports: {len(files)} files, {n:,} rows in {dt:.1f} s = {n / dt:,.0f} rows/s")
    print(f"(figures are noisy: the 2-core machine is shared; load average now "
          f"{os.getloadavg()[0]:.1f}. CPU time is closer to what an idle machine would show)")


if __name__ == "__main__":
    main()
