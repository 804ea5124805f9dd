"""Indicators on what accounts publish: C10, C11, C12 (reposts of key releases), C15 (dormant
accounts), C16 (silent in a crisis), C17 (incidents)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from liuan_eval.scoring._common import (
    DAY,
    Context,
    NotAssessed,
    empty_rows,
    fmt_date,
    fmt_minute,
    join_ids,
    normalise_text,
    num,
    platform_label,
    rows,
)
from liuan_eval.workdays import deadline_end, workdays_between

RICH = ("image", "chart", "audio", "video", "link")
_NOT_NAME = "[@＠ \t\n\r\u3000\u200b]"  # literal characters: keeps the regex on pyarrow


def c10_forms(ctx: Context, crit) -> pd.DataFrame:
    """C10: share of posts with pictures, charts, audio, video or links, per account."""
    posts = ctx.need("posts", "media_kind")
    p = posts[posts["platform"].isin(crit.platforms) & posts["unit"].notna()]
    rich = p["media_kind"].isin(RICH)
    g = pd.DataFrame({"account_id": p["account_id"], "rich": rich.to_numpy()}).groupby("account_id")["rich"]
    share, n = g.mean(), g.size()
    k, lo = crit.params["min_posts"], crit.params["min_rich_share"]
    bad = share[(n >= k) & (share < lo)]
    if not len(bad):
        return empty_rows()
    info = ctx.account_info(bad.index.to_series())
    expl = (platform_label(info["platform"]) + "账号“" + info["account_name"] + "”" + ctx.label + "发布"
            + n[bad.index].astype("str") + "条，其中带图片、图解、音视频或链接的占" + num(bad * 100) + "%，低于"
            + f"{lo * 100:g}%。")
    return rows(info["unit"].to_numpy(), bad.index, info["platform"].to_numpy(), ctx.start, ctx.end - DAY,
                expl.to_numpy(), "")


def _source_ok(source: pd.Series, crit) -> pd.Series:
    src = source.astype("str").str.replace(_NOT_NAME, "", regex=True)
    names = "|".join(re.escape(s) for s in crit.params["sources"])
    ok = src.str.contains(names, regex=True)
    pats = crit.params["source_patterns"]
    if pats:
        pats = [re.sub(r"(?<!\\)\((?!\?)", "(?:", p) for p in pats]  # no capture groups
        ok = ok | src.str.contains("|".join(f"(?:{p})" for p in pats), regex=True)
    return ok.fillna(False) & (src.str.len() > 0).fillna(False)


def c11_repost_sources(ctx: Context, crit) -> pd.DataFrame:
    """C11: every repost names a sanctioned source."""
    posts = ctx.need("posts", "is_repost")
    p = posts[posts["is_repost"].fillna(False).astype(bool) & posts["platform"].isin(crit.platforms)
              & posts["unit"].notna()]
    src = p["repost_source"] if "repost_source" in p.columns else pd.Series(pd.NA, index=p.index, dtype="str")
    bad = ~_source_ok(src, crit)
    b = p[bad]
    if not len(b):
        return empty_rows()
    nosrc = src[bad].isna() | (src[bad].str.strip() == "")
    g = pd.DataFrame({"account_id": b["account_id"], "n": 1, "nosrc": nosrc.to_numpy(),
                      "t": b["published_at"]}).groupby("account_id").agg(
        n=("n", "sum"), nosrc=("nosrc", "sum"), first=("t", "min"), last=("t", "max"))
    tot = p.groupby("account_id").size()
    ev = join_ids(b["post_id"], b["account_id"])
    info = ctx.account_info(g.index.to_series())
    expl = (platform_label(info["platform"]) + "账号“" + info["account_name"] + "”转发" + tot[g.index].astype("str")
            + "条，其中" + g["n"].astype("str") + "条来源不规范（未标注来源" + g["nosrc"].astype("str")
            + "条，其余来源不在规定的转载来源之列）。")
    return rows(info["unit"].to_numpy(), g.index, info["platform"].to_numpy(), g["first"].to_numpy(),
                g["last"].to_numpy(), expl.to_numpy(), ev.reindex(g.index).to_numpy())


#: characters of a release's title and text whose 3-character pieces pre-select candidate reposts
MAX_QUERY_CHARS = 5000


def match_reposts(ctx: Context, crit, releases: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """The earliest post of each account matching each release (by text similarity and source).

    A post matches when it is published within ``match_window_days`` after the release and
    its text's ``rapidfuzz.fuzz.partial_ratio`` to the release's title or text is at least
    ``min_similarity``, or at least ``min_similarity_with_source`` when its repost source
    names the issuing account. One similarity pass per release over that window's posts.

    Returns
    -------
    DataFrame
        ``release_id, account_id, repost_at, post_id``.
    """
    from rapidfuzz import fuzz, process

    window = pd.Timedelta(days=crit.params["match_window_days"])
    hi, lo = crit.params["min_similarity"], crit.params["min_similarity_with_source"]
    releases = releases.sort_values("published_at", kind="stable")
    starts = releases["published_at"].dt.as_unit("ns").array.asi8
    # the search runs `window` past the WeChat deadline (a long holiday can push that deadline
    # days away), so a late repost is found and reported as late, not as missing
    wx_end = deadline_end(releases["published_at"], crit.params["wechat_max_workdays"]).dt.as_unit("ns").array.asi8
    ends = np.maximum(starts, wx_end) + window.value
    tall = posts["published_at"].dt.as_unit("ns").array.asi8
    last = np.searchsorted(starts, tall, side="right") - 1
    inside = (last >= 0) & (tall < np.maximum.accumulate(ends)[np.maximum(last, 0)])
    p = posts[inside].sort_values("published_at")
    t = p["published_at"].dt.as_unit("ns").array.asi8
    text = normalise_text(p["text"].fillna("")) if "text" in p.columns else pd.Series("", index=p.index)
    src = (normalise_text(p["repost_source"].fillna("")) if "repost_source" in p.columns
           else pd.Series("", index=p.index))
    out = []
    for r, end in zip(releases.itertuples(index=False), ends):  # a few dozen releases a year, each vectorised
        t0 = pd.Timestamp(r.published_at).as_unit("ns")
        i0, i1 = np.searchsorted(t, [t0.value, end])
        if i1 <= i0:
            continue
        cand = text.iloc[i0:i1]
        rtext = getattr(r, "text", "")
        queries = [q for q in normalise_text(pd.Series([r.title, rtext if isinstance(rtext, str) else ""],
                                                       dtype="str")).fillna("").tolist() if q]
        issuer = normalise_text(pd.Series([r.issuing_account], dtype="str")).fillna("")[0]
        s = src.iloc[i0:i1]
        by_source = ((s.str.len() > 0) & s.str.contains(issuer, regex=False)).fillna(False).to_numpy() \
            if issuer else np.zeros(len(s), bool)
        # prefilter (vectorised, RE2): a text within 80 of a query shares one of its 3-character pieces
        grams = sorted({q[i:i + 3] for q in queries for i in range(max(len(q[:MAX_QUERY_CHARS]) - 2, 1))})
        pre = cand.str.contains("|".join(re.escape(g) for g in grams), regex=True).fillna(False).to_numpy() \
            | by_source
        sim = np.zeros(len(cand))
        if pre.any():
            codes, uniq = pd.factorize(cand[pre])  # each distinct text scored once; weak matches cut off early
            sim[pre] = process.cdist(queries, list(uniq), scorer=fuzz.partial_ratio, score_cutoff=min(hi, lo),
                                     workers=-1).max(axis=0)[codes]
        ok = (sim >= hi) | ((sim >= lo) & by_source)
        m = p.iloc[i0:i1][ok]
        if len(m):
            first = m.drop_duplicates("account_id", keep="first")
            out.append(pd.DataFrame({"release_id": r.release_id, "account_id": first["account_id"].array,
                                     "repost_at": first["published_at"].array,
                                     "post_id": first["post_id"].array}))
    if not out:
        return pd.DataFrame({"release_id": pd.Series([], dtype="str"), "account_id": pd.Series([], dtype="str"),
                             "repost_at": pd.Series([], dtype=posts["published_at"].dtype),
                             "post_id": pd.Series([], dtype="str")})
    return pd.concat(out, ignore_index=True)


def c12_key_reposts(ctx: Context, crit) -> pd.DataFrame:
    """C12: each required account reposts each key release in time (Weibo/app minutes; WeChat working days)."""
    rel = ctx.need("releases")
    acc = ctx.need("accounts")
    posts = ctx.posts_all if ctx.posts_all is not None else None
    if posts is None:
        raise NotAssessed("缺少发布信息（posts），无法核对转载")
    rel = rel[(rel["published_at"] >= ctx.start) & (rel["published_at"] < ctx.end)]
    if not len(rel):
        return empty_rows()
    req = acc[acc["unit_type"].isin(crit.params["unit_types"]) & acc["platform"].isin(crit.platforms)]
    grid = req[["unit", "account_id", "account_name", "platform", "opened_at", "closed_at"]
               if "closed_at" in req.columns else ["unit", "account_id", "account_name", "platform", "opened_at"]
               ].merge(rel[["release_id", "issuing_account", "published_at", "title"]], how="cross")
    if "closed_at" not in grid.columns:
        grid["closed_at"] = pd.Series(pd.NaT, index=grid.index, dtype=grid["published_at"].dtype)
    mins = crit.params["max_minutes"]
    wx = grid["platform"] == "wechat"
    due = (grid["published_at"] + pd.Timedelta(minutes=mins)).where(
        ~wx, deadline_end(grid["published_at"], crit.params["wechat_max_workdays"]))
    # open on the deadline's day (the day of its last valid instant) → the repost was owed
    due_day = (due - pd.Timedelta(1, "ns")).dt.floor("D")
    alive = (grid["opened_at"].fillna(ctx.start) <= grid["published_at"]) & (
        grid["closed_at"].isna() | (grid["closed_at"] >= due_day)).fillna(True)
    grid = grid.assign(due=due)[alive.to_numpy()]
    cand = posts[posts["account_id"].isin(grid["account_id"].unique())]
    found = match_reposts(ctx, crit, rel, cand)
    g = grid.merge(found, on=["release_id", "account_id"], how="left")
    delay_min = (g["repost_at"] - g["published_at"]).dt.total_seconds() / 60
    wd = workdays_between(g["published_at"], g["repost_at"])
    late = pd.Series(np.where(g["platform"] == "wechat", (wd > crit.params["wechat_max_workdays"]).fillna(False),
                              (delay_min > mins).fillna(False)), index=g.index)
    missing = g["repost_at"].isna() & (g["due"] < ctx.end)
    bad = late | missing
    b = g[bad]
    if not len(b):
        return empty_rows()
    hours = num(delay_min[bad] / 60)
    limit = pd.Series(np.where(b["platform"] == "wechat", f"{crit.params['wechat_max_workdays']}个工作日",
                               f"{mins}分钟"), index=b.index)
    how = pd.Series(np.select(
        [b["repost_at"].isna().to_numpy(), (b["platform"] == "wechat").to_numpy()],
        ["未转载",
         "于" + fmt_minute(b["repost_at"]) + "才转载（" + wd[bad].astype("str") + "个工作日后）"],
        "于" + fmt_minute(b["repost_at"]) + "才转载（" + hours + "小时后）"), index=b.index)
    expl = (platform_label(b["platform"]) + "账号“" + b["account_name"] + "”对" + b["issuing_account"] + fmt_minute(
        b["published_at"]) + "发布的重要信息《" + b["title"] + "》" + how + "，超过" + limit + "时限。")
    return rows(b["unit"], b["account_id"], b["platform"], b["published_at"], b["repost_at"].fillna(b["due"]),
                expl, (b["release_id"] + np.where(b["post_id"].isna(), "", ";" + b["post_id"].fillna(""))))


def dormant_gaps(ctx: Context, min_days: int, platforms=("weibo", "wechat", "app")) -> pd.DataFrame:
    """Runs of ``min_days`` or more calendar days without a post, per account.

    Counted within each account's active part of the period (from the later of the period
    start and its opening day to the earlier of the period end and its closing day).

    Returns
    -------
    DataFrame
        ``account_id, first_day, last_day, days`` (first and last empty day, inclusive).

    Examples
    --------
    >>> import pandas as pd
    >>> from liuan_eval.criteria import load_criteria
    >>> from liuan_eval.dataset import Dataset
    >>> from liuan_eval.scoring._common import build_context
    >>> acc = pd.DataFrame({"unit": ["金安区"], "unit_type": ["county"], "platform": ["weibo"],
    ...     "account_id": ["1"], "account_name": ["金安区人民政府发布"],
    ...     "opened_at": pd.to_datetime(["2025-03-01"]).tz_localize("Asia/Shanghai")})
    >>> posts = pd.DataFrame({"account_id": ["1", "1"], "platform": "weibo", "post_id": ["a", "b"],
    ...     "published_at": pd.to_datetime(["2025-03-01 23:59", "2025-03-17 00:01"]).tz_localize("Asia/Shanghai")})
    >>> ctx = build_context(Dataset(accounts=acc, posts=posts), 2025, load_criteria(), ("2025-03-01", "2025-03-31"))
    >>> dormant_gaps(ctx, 15)[["first_day", "days"]].astype(str).values.tolist()
    [['2025-03-02 00:00:00+08:00', '15']]
    """
    acc = ctx.active_accounts()
    acc = acc[acc["platform"].isin(platforms)]
    posts = ctx.posts
    if posts is None:
        posts = pd.DataFrame({"account_id": pd.Series([], dtype="str"),
                              "published_at": pd.Series([], dtype=f"datetime64[ns, {ctx.start.tz}]")})
    day0 = ctx.start.tz_localize(None).to_datetime64().astype("datetime64[D]")

    def days_of(s: pd.Series) -> np.ndarray:
        return (s.dt.tz_localize(None).to_numpy().astype("datetime64[D]") - day0).astype(np.int64)

    ids = acc["account_id"].to_numpy()
    code = pd.Index(ids).get_indexer(posts["account_id"])  # one hash pass; -1 when not an active account
    sel = code >= 0
    pcode, pday = code[sel], days_of(posts["published_at"][sel])
    a_start, a_end = days_of(acc["active_start"]), days_of(acc["active_end"])
    keep = (pday >= a_start[pcode]) & (pday < a_end[pcode])
    # (account, day) as one sorted int64 key; sentinels: the day before each start and each (exclusive) end
    span = 1 << 20
    off = 1 << 10
    acodes = np.arange(len(ids), dtype=np.int64)
    key = np.unique(np.concatenate([pcode[keep] * span + pday[keep] + off, acodes * span + a_start - 1 + off,
                                    acodes * span + a_end + off]))
    a, d = key // span, key % span - off
    same = a[1:] == a[:-1]
    gap = d[1:] - d[:-1] - 1
    hit = same & (gap >= min_days)
    out = pd.DataFrame({"account_id": ids[a[:-1][hit]], "first": d[:-1][hit] + 1, "days": gap[hit]})
    first = pd.to_datetime(day0 + out["first"].to_numpy().astype("timedelta64[D]")).tz_localize(ctx.start.tz)
    out["first_day"] = first
    out["last_day"] = first + pd.to_timedelta(out["days"] - 1, unit="D")
    return out[["account_id", "first_day", "last_day", "days"]]


def c15_dormant(ctx: Context, crit) -> pd.DataFrame:
    """C15: each run of ``min_gap_days`` or more empty calendar days is a finding."""
    ctx.need("accounts")
    ctx.need("posts")  # no posts at all in the period: not assessed, rather than every account dormant
    k = crit.params["min_gap_days"]
    gaps = dormant_gaps(ctx, k, crit.platforms)
    if not len(gaps):
        return empty_rows()
    info = ctx.account_info(gaps["account_id"])
    expl = (platform_label(info["platform"]) + "账号“" + info["account_name"] + "”" + fmt_date(gaps["first_day"])
            + "至" + fmt_date(gaps["last_day"]) + "连续" + gaps["days"].astype("str") + "天未更新（" + str(k)
            + "天以上为“僵尸”“睡眠”账号）。")
    return rows(info["unit"], gaps["account_id"], info["platform"], gaps["first_day"], gaps["last_day"], expl, "")


def c16_crisis_silence(ctx: Context, crit) -> pd.DataFrame:
    """C16: after each public-opinion incident concerning a unit, a post by one of its accounts within the hours."""
    inc = ctx.need("incidents")
    ctx.need("accounts")
    inc = inc[(inc["kind"] == "public_opinion") & (inc["started_at"] >= ctx.start) & (inc["started_at"] < ctx.end)]
    if not len(inc):
        return empty_rows()
    if ctx.posts_all is None:
        raise NotAssessed("缺少发布信息（posts）")
    h = crit.params["within_hours"]
    inc = inc.reset_index(drop=True).assign(_i=lambda x: x.index, until=lambda x: x["started_at"] + pd.Timedelta(hours=h))
    p = ctx.posts_all[ctx.posts_all["unit"].isin(inc["unit"].unique()) & ctx.posts_all["platform"].isin(crit.platforms)]
    m = inc[["_i", "unit", "started_at", "until"]].merge(p[["unit", "published_at", "post_id"]], on="unit")
    hit = m[(m["published_at"] >= m["started_at"]) & (m["published_at"] <= m["until"])]
    n_posts = hit.groupby("_i").size().reindex(inc["_i"], fill_value=0)
    # silent only once the whole window has passed within the period, as for every deadline
    b = inc[(n_posts == 0).to_numpy() & (inc["until"] < ctx.end).to_numpy()]
    if not len(b):
        return empty_rows()
    desc = b["description"].fillna("") if "description" in b.columns else pd.Series("", index=b.index)
    ev = b["incident_id"].fillna("") if "incident_id" in b.columns else ""
    expl = (b["unit"] + "在" + fmt_minute(b["started_at"]) + "开始的重大舆情事件“" + desc + "”发生后" + f"{h:g}"
            + "小时内，所属账号没有发布任何信息（0条），失声失语。")
    return rows(b["unit"], "", "", b["started_at"], b["until"], expl, ev)


_KIND = {"inaccurate": "发布不实信息", "security": "发生安全事件", "public_opinion": "发生重大舆情"}


def c17_incidents(ctx: Context, crit) -> pd.DataFrame:
    """C17: every recorded inaccurate-information or security incident in the period."""
    inc = ctx.need("incidents")
    b = inc[inc["kind"].isin(crit.params["kinds"]) & (inc["started_at"] >= ctx.start) & (inc["started_at"] < ctx.end)]
    if not len(b):
        return empty_rows()
    acc_id = b["account_id"] if "account_id" in b.columns else pd.Series(pd.NA, index=b.index, dtype="str")
    info = ctx.account_info(acc_id)
    who = ("账号“" + info["account_name"].fillna(acc_id.fillna("")) + "”").where(acc_id.notna(), "")
    desc = b["description"].fillna("") if "description" in b.columns else pd.Series("", index=b.index)
    expl = (b["unit"] + who + fmt_date(b["started_at"]) + b["kind"].map(_KIND).astype("str") + "（" + desc + "），1起。")
    end = b["ended_at"] if "ended_at" in b.columns else b["started_at"]
    ev = b["incident_id"].fillna("") if "incident_id" in b.columns else ""
    return rows(b["unit"], acc_id.fillna(""), info["platform"], b["started_at"], end.fillna(b["started_at"]),
                expl, ev)


INDICATORS = {"C10": c10_forms, "C11": c11_repost_sources, "C12": c12_key_reposts, "C15": c15_dormant,
              "C16": c16_crisis_silence, "C17": c17_incidents}
