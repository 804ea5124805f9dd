"""Case study on the real data in ../shared/data: reply delays and 57 government Weibo accounts.

1. ``gov_messages/messages_replies.csv`` (2,816 real messages with reply times): working days
   from message to reply (``liuan_eval.workdays``) and the share replied within 5 working days
   (C07's rule).
2. ``gov_weibo_raw/<event>/`` (57 real government Weibo accounts around four emergencies): per
   account over each event's window (the whole months the exports cover) the dormant runs of
   15 days or more (C15), the influence index (C18) and whether it posted within 24 hours of the
   event's start (C16), all through :func:`liuan_eval.score` with ``period=`` the window.

``main()`` prints the figures and writes ``docs/case_study_real_data.md`` and
``docs/images/case_study_reply_delays.png``. Timings on a shared 2-core machine: noisy.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._util import shared_data_or_none

DOCS = Path(__file__).resolve().parents[1] / "docs"
TZ = "Asia/Shanghai"
#: event folder -> (year of the exports, the event's start, Beijing time; public record)
EVENTS = {
    "北京暴雨": (2012, "2012-07-21 10:00"),
    "昆明火车站": (2014, "2014-03-01 21:20"),
    "东方之星": (2015, "2015-06-01 21:30"),
    "九寨沟7.0级地震": (2017, "2017-08-08 21:19"),
}


def reply_delays(path: Path) -> tuple[pd.DataFrame, dict]:
    """Working days to reply for each real message, and headline figures."""
    from liuan_eval.io import read_table
    from liuan_eval.workdays import workdays_between

    m = read_table("messages", path).data
    m = m[m["received_at"].notna() & m["replied_at"].notna()].copy()
    m["workdays"] = workdays_between(m["received_at"], m["replied_at"])
    wd = m["workdays"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    figs = {"messages": int(len(m)), "within_5": float(np.mean(wd <= 5)), "same_day": float(np.mean(wd == 0)),
            "median": float(np.median(wd)), "p90": float(np.percentile(wd, 90)), "max": int(wd.max()),
            "years": f"{m['received_at'].min():%Y-%m}–{m['received_at'].max():%Y-%m}"}
    return m, figs


def weibo_event(folder: Path, year: int, start: str):
    """Score one event's accounts over the window its exports cover."""
    from liuan_eval.dataset import Dataset
    from liuan_eval.io import read_table
    from liuan_eval.scoring import score

    posts = read_table("posts", sorted(folder.glob("*.csv")), platform="weibo", account_from_filename=True,
                       year_hint=year).data
    posts = posts[posts["published_at"].notna()]
    names = sorted(posts["account"].dropna().unique())
    ids = {n: f"{folder.name}:{n}" for n in names}
    posts = posts.assign(account_id=posts["account"].map(ids))
    first = posts["published_at"].min().normalize().replace(day=1)
    last = (posts["published_at"].max().normalize() + pd.offsets.MonthEnd(0))
    acc = pd.DataFrame({"unit": names, "unit_type": "department", "platform": "weibo",
                        "account_id": [ids[n] for n in names], "account_name": names,
                        "opened_at": pd.Timestamp("2009-01-01", tz=TZ)})
    t0 = pd.Timestamp(start, tz=TZ)
    inc = pd.DataFrame({"incident_id": [f"{folder.name}-{i}" for i in range(len(names))], "unit": names,
                        "kind": "public_opinion", "started_at": t0, "description": folder.name})
    a = score(Dataset(accounts=acc, posts=posts, incidents=inc), year=year, period=(first, last))
    f = a.findings
    gaps = f[f["criterion"] == "C15"]
    days = gaps["explanation"].str.extract(r"连续(\d+)天")[0].astype("Int64")
    per = pd.DataFrame({"account": names})
    per["posts"] = per["account"].map(posts.groupby("account").size()).fillna(0).astype(int)
    per["dormant_runs"] = per["account"].map(gaps.groupby("unit").size()).fillna(0).astype(int)
    per["longest_run_days"] = per["account"].map(days.groupby(gaps["unit"].to_numpy()).max()).astype("Int64")
    silent = set(f.loc[f["criterion"] == "C16", "unit"])
    per["posted_within_24h"] = ~per["account"].isin(silent)
    sc = a.account_scores.set_index("account_name")
    per["influence"] = per["account"].map(sc["influence"])
    per["influence_rank"] = per["account"].map(sc["influence_rank"]).astype("Int64")
    per.insert(0, "event", folder.name)
    window = f"{first:%Y-%m-%d}至{last:%Y-%m-%d}"
    return per.sort_values("influence_rank"), window


def _chart(m: pd.DataFrame, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        from liuan_eval.report.fonts import setup_fonts

        setup_fonts()
    except Exception:  # the chart is a nicety; the figures are in the text
        pass
    wd = m["workdays"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    bins = [0, 1, 2, 3, 4, 5, 6, 11, 21, 61, 251, max(252, int(wd.max()) + 1)]
    counts, _ = np.histogram(wd, bins=bins)
    labels = ["0", "1", "2", "3", "4", "5", "6–10", "11–20", "21–60", "61–250", ">250"]
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=110)
    colors = ["#3a7d44" if i <= 5 else "#c0392b" for i in range(len(labels))]
    ax.bar(labels, counts, color=colors)
    ax.set_xlabel("留言到答复的工作日数")
    ax.set_ylabel("留言条数")
    ax.set_title(f"真实留言答复用时（{len(wd)}条；5个工作日内 {np.mean(wd <= 5):.1%}）")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def main() -> None:
    msg_path = shared_data_or_none("gov_messages", "messages_replies.csv")
    raw = shared_data_or_none("gov_weibo_raw")
    if msg_path is None or raw is None:
        return
    t0 = time.perf_counter()
    m, figs = reply_delays(msg_path)
    took = time.perf_counter() - t0
    print(f"messages_replies.csv: {figs['messages']} messages with a reply ({figs['years']}); "
          f"replied within 5 working days {figs['within_5']:.1%}, same day {figs['same_day']:.1%}, "
          f"median {figs['median']:.0f}, 90th percentile {figs['p90']:.0f}, longest {figs['max']} working days "
          f"(read + count {took:.1f} s)")
    _chart(m, DOCS / "images" / "case_study_reply_delays.png")
    tables, windows = [], {}
    for name, (year, start) in EVENTS.items():
        folder = raw / name
        if not folder.exists():
            continue
        t0 = time.perf_counter()
        per, window = weibo_event(folder, year, start)
        windows[name] = window
        tables.append(per)
        print(f"{name} ({window}): {len(per)} accounts, {int(per['posts'].sum())} posts; "
              f"dormant (≥15 days) {int((per['dormant_runs'] > 0).sum())}; "
              f"silent within 24 h of {start}: {int((~per['posted_within_24h']).sum())}; "
              f"most influential {per.iloc[0]['account']} ({per.iloc[0]['influence']:.1f}) "
              f"[{time.perf_counter() - t0:.1f} s]")
    allp = pd.concat(tables, ignore_index=True)
    _write_doc(figs, allp, windows)
    print(f"written {DOCS / 'case_study_real_data.md'} and docs/images/case_study_reply_delays.png")


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join("" if pd.isna(v) else (f"{v:.1f}" if isinstance(v, float) else str(v))
                                       for v in row) + " |")
    return "\n".join(lines)


def _write_doc(figs: dict, allp: pd.DataFrame, windows: dict) -> None:
    view = allp.rename(columns={"event": "事件", "account": "账号", "posts": "发布数", "dormant_runs": "15天以上未更新次数",
                                "longest_run_days": "最长未更新天数", "posted_within_24h": "24小时内有发布",
                                "influence": "影响力指数", "influence_rank": "事件内排名"})
    view["24小时内有发布"] = view["24小时内有发布"].map({True: "是", False: "否"})
    summary = allp.groupby("event", sort=False).agg(
        accounts=("account", "size"), posts=("posts", "sum"), dormant=("dormant_runs", lambda s: int((s > 0).sum())),
        silent=("posted_within_24h", lambda s: int((~s).sum())))
    summary.insert(0, "window", summary.index.map(windows))
    text = f"""# Case study: the real data in ../shared/data

Generated by `python -m benchmarks real_data` (`benchmarks/bench_real_data.py`); re-run it to
refresh. Working days from `liuan_eval.workdays`, the accounts scored by `liuan_eval.score` with
`period=` each event's window (criteria `liuan_2016`).

## Reply delays (C07) on 2,816 real messages

`gov_messages/messages_replies.csv`: {figs['messages']} messages with a reply time
({figs['years']}).

| replied within 5 working days | same day | median | 90th percentile | longest |
|---|---|---|---|---|
| {figs['within_5']:.1%} | {figs['same_day']:.1%} | {figs['median']:.0f} working days | {figs['p90']:.0f} | {figs['max']} |

![working days to reply](images/case_study_reply_delays.png)

Most of this board's replies come weeks after the message: under the notice's 5-working-day
rule the board would be far from compliant.

## 57 government Weibo accounts around four emergencies

Window: the whole months each export covers. An account is taken as open for the whole window
(the exports say nothing about opening), so a run of 15 or more days without a post from the
window's first day counts (C15). C16: any post within 24 hours of the event's start (times from
the public record: {", ".join(f"{k} {v[1]}" for k, v in EVENTS.items())}). Influence (C18):
`100 × Σ w·ln(1 + daily average)` over posts, reposts, comments and likes (Weibo publishes no
reads), ranked within the event.

{_md(summary.reset_index().rename(columns={"event": "事件", "window": "窗口", "accounts": "账号数", "posts": "发布数",
                                            "dormant": "有15天以上未更新的账号", "silent": "24小时内无发布的账号"}))}

### Per account

{_md(view)}
"""
    (DOCS / "case_study_real_data.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
