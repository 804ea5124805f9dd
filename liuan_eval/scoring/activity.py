"""Indicators on what accounts publish: C10, C11, C12 (reposts of key releases), C15 (dormant
accounts), C16 (silent in a crisis), C17 (incidents).

C12 is computed once, as a table (:func:`repost_timeliness`: one row per key release and
account required to repost it); its findings are that table's late and missing rows, and
the assessment keeps the table as ``Assessment.repost``.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from liuan_eval.scoring._common import (
    DAY,
    Context,
    comparison_key,
    empty_rows,
    fmt_date,
    fmt_minute,
    join_ids,
    num,
    platform_label,
    rows,
)
from liuan_eval.scoring.declare import (
    BOOL,
    at_least,
    choices,
    criterion,
    needs,
    number,
    optional,
    param,
    string_table,
    strings,
)
from liuan_eval.workdays import deadline_end, workdays_between

RICH = ("image", "chart", "audio", "video", "link")
_NOT_NAME = "[@＠ \t\n\r\u3000\u200b]"  # literal characters: keeps the regex on pyarrow


@criterion("C10", needs=[needs("accounts"), needs("posts", "media_kind")],
           params={"min_rich_share": number(lambda v: 0 <= v <= 1, "0 到 1 之间的比例", "a share between 0 and 1"),
                   "min_posts": at_least(1, "条", "posts")})
def c10_forms(ctx: Context, crit) -> pd.DataFrame:
    """C10: share of posts with pictures, charts, audio, video or links, per account."""
    posts = ctx.posts
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


#: leading words of a source cell that are not part of the name (``来源：人民日报``)
_SOURCE_LEAD = "^(?:本文|文章|信息|内容|图文)?(?:来源于|来源自|来源|转自|转载自|摘自|转载|来自)"
_PRC = "中华人民共和国"


def sanctioned_names(params: dict) -> set[str]:
    """Every source name C11 accepts, normalised: each listed name, alone or with a suffix.

    The names are the preset's ``sources`` (中国政府网, the provincial and city governments'
    sites and accounts, 人民日报, 安徽日报, 皖西日报) and its ``ministries`` (each national
    ministry's name with its short names and usual account names); each may carry one of
    the ``name_suffixes`` (网, 官网, 微博, 客户端, 发布, …).

    Examples
    --------
    >>> names = sanctioned_names({"sources": ["人民日报"], "ministries": {"教育部": ["微言教育"]},
    ...                           "name_suffixes": ["客户端"]})
    >>> sorted(names)
    ['人民日报', '人民日报客户端', '微言教育', '微言教育客户端', '教育部', '教育部客户端']
    """
    base = list(params["sources"])
    for ministry, aliases in params["ministries"].items():
        base += [ministry, *aliases]
    base = comparison_key(pd.Series(base, dtype="str")).dropna()
    base = base.str.removeprefix(_PRC)
    suffixes = comparison_key(pd.Series(params["name_suffixes"], dtype="str")).dropna().tolist()
    return {b + s for b in base if b for s in ["", *suffixes]}


def source_ok(source: pd.Series, params: dict) -> pd.Series:
    """Whether each repost source is one of :func:`sanctioned_names` (whitespace, ``@`` and
    punctuation ignored; a leading ``来源``/``转自``… and ``中华人民共和国`` dropped).

    Examples
    --------
    >>> from liuan_eval.criteria import load_criteria
    >>> p = load_criteria()["C11"].params
    >>> source_ok(pd.Series(["@人民日报", "中华人民共和国教育部", "区委宣传部", "县委组织部", "来源：皖西日报", None]),
    ...           p).tolist()
    [True, True, False, False, True, False]
    """
    src = comparison_key(source.astype("str")).fillna("")
    src = src.str.replace(_SOURCE_LEAD, "", regex=True).str.removeprefix(_PRC)
    return (src.isin(sanctioned_names(params)) & (src.str.len() > 0)).fillna(False).astype(bool)


@criterion("C11", needs=[needs("accounts"), needs("posts", "is_repost", evidence=("repost_source",))],
           params={"sources": strings(non_empty=True), "ministries": string_table("list"),
                   "name_suffixes": strings()})
def c11_repost_sources(ctx: Context, crit) -> pd.DataFrame:
    """C11: every repost names a sanctioned source (:func:`source_ok`)."""
    posts = ctx.posts
    p = posts[posts["is_repost"].fillna(False).astype(bool) & posts["platform"].isin(crit.platforms)
              & posts["unit"].notna()]
    src = p["repost_source"] if "repost_source" in p.columns else pd.Series(pd.NA, index=p.index, dtype="str")
    bad = ~source_ok(src, crit.params)
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
    why = pd.Series(np.select([g["nosrc"] == g["n"], g["nosrc"] == 0],
                              ["均未标注来源", "来源不在规定的转载来源之列"],
                              "未标注来源" + g["nosrc"].astype("str") + "条，其余来源不在规定的转载来源之列"), index=g.index)
    expl = (platform_label(info["platform"]) + "账号“" + info["account_name"] + "”转发" + tot[g.index].astype("str")
            + "条，其中" + g["n"].astype("str") + "条来源不规范（" + why + "）。")
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
    text = comparison_key(p["text"].fillna("")) if "text" in p.columns else pd.Series("", index=p.index)
    src = (comparison_key(p["repost_source"].fillna("")) if "repost_source" in p.columns
           else pd.Series("", index=p.index))
    out = []
    for r, end in zip(releases.itertuples(index=False), ends):  # a few dozen releases a year, each vectorised
        t0 = pd.Timestamp(r.published_at).as_unit("ns")
        i0, i1 = np.searchsorted(t, [t0.value, end])
        if i1 <= i0:
            continue
        cand = text.iloc[i0:i1]
        rtext = getattr(r, "text", "")
        queries = [q for q in comparison_key(pd.Series([r.title, rtext if isinstance(rtext, str) else ""],
                                                       dtype="str")).fillna("").tolist() if q]
        issuer = comparison_key(pd.Series([r.issuing_account], dtype="str")).fillna("")[0]
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


#: Columns of :func:`repost_timeliness` (``Assessment.repost``).
REPOST_COLUMNS = ["release_id", "title", "issuing_account", "released_at", "unit", "account_id", "account_name",
                  "platform", "due", "reposted_at", "post_id", "delay_minutes", "delay_workdays", "status", "on_time"]
#: The values of ``status``.
REPOST_STATUSES = ("on_time", "late", "missing", "not_yet_due")


def _empty_repost(tz) -> pd.DataFrame:
    ts = f"datetime64[ns, {tz}]"
    return pd.DataFrame({c: pd.Series([], dtype=ts if c in ("released_at", "due", "reposted_at") else
                                      "float64" if c == "delay_minutes" else "Int64" if c == "delay_workdays" else
                                      bool if c == "on_time" else "str") for c in REPOST_COLUMNS})


def repost_timeliness(ctx: Context, crit) -> pd.DataFrame:
    """C12 as a table: each key release × each account required to repost it, with the verdict.

    **Who must repost.** Every registry account of a unit type listed in ``unit_types`` and
    on one of the criterion's platforms that was opened by the release's time (a missing
    opening date counts as opened) and still open on its deadline's day (closed that day or
    later, or not closed); not the accounts of the unit whose account issued the release (the
    registry account named as ``issuing_account``). An account closed before its deadline — a WeChat account closed on
    Saturday 10 May for a release of Friday 9 May, due at the end of Monday 12 May — owes
    nothing: it has no row and no finding.

    **Deadlines.** Weibo and app: ``max_minutes`` after the release, inclusive (``due`` is
    the last instant allowed); WeChat: ``workdays_between(release, repost) <=
    wechat_max_workdays``, ``due`` being the midnight that ends the last working day allowed
    (exclusive).

    **Which period.** A row belongs to the period its deadline falls in (``start <= due <
    end``). Rows of releases published in the period but due after it are listed with
    status ``not_yet_due`` (judged in the next period, from that period's tables); releases
    from before the period due inside it are judged here.

    **Matching.** :func:`match_reposts` (text similarity and repost source, earliest post).

    Returns
    -------
    DataFrame
        ``release_id, title, issuing_account, released_at, unit, account_id, account_name,
        platform, due, reposted_at, post_id, delay_minutes`` (float, NaN when not
        reposted), ``delay_workdays`` (Int64), ``status`` (``on_time`` / ``late`` /
        ``missing`` / ``not_yet_due``), ``on_time`` (bool: ``status == "on_time"``), sorted
        by release, unit, platform, account. C12's findings are its ``late`` and
        ``missing`` rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from liuan_eval.criteria import load_criteria
    >>> from liuan_eval.dataset import Dataset
    >>> from liuan_eval.scoring._common import build_context
    >>> tz = "Asia/Shanghai"
    >>> acc = pd.DataFrame({"unit": "金安区", "unit_type": "county", "platform": ["weibo", "wechat"],
    ...     "account_id": ["W", "X"], "account_name": ["金安区人民政府发布"] * 2,
    ...     "opened_at": pd.Timestamp("2016-10-08", tz=tz)})
    >>> rel = pd.DataFrame({"release_id": ["R1"], "issuing_account": ["六安市人民政府发布"],
    ...     "published_at": [pd.Timestamp("2025-05-09 10:00", tz=tz)], "title": ["六安市民生实事清单公布"]})
    >>> posts = pd.DataFrame({"account_id": ["W"], "platform": ["weibo"], "post_id": ["p1"],
    ...     "published_at": [pd.Timestamp("2025-05-09 11:00", tz=tz)], "text": ["转发：六安市民生实事清单公布"]})
    >>> c = load_criteria()
    >>> t = repost_timeliness(build_context(Dataset(accounts=acc, posts=posts, releases=rel), 2025, c), c["C12"])
    >>> t[["account_id", "delay_minutes", "status", "on_time"]].values.tolist()
    [['X', nan, 'missing', False], ['W', 60.0, 'on_time', True]]
    """
    tz = ctx.start.tz
    rel, acc, posts = ctx.releases, ctx.accounts, ctx.posts_all
    mins, k = crit.params["max_minutes"], crit.params["wechat_max_workdays"]
    rel = rel[rel["published_at"].notna()]
    due_min = rel["published_at"] + pd.Timedelta(minutes=mins)
    due_wx = deadline_end(rel["published_at"], k)
    published_in = (rel["published_at"] >= ctx.start) & (rel["published_at"] < ctx.end)
    rel = rel[(published_in | ctx.due_in(due_min) | ctx.due_in(due_wx)).to_numpy()]
    req = acc[acc["unit_type"].isin(crit.params["unit_types"]) & acc["platform"].isin(crit.platforms)]
    if not len(rel) or not len(req):
        return _empty_repost(tz)
    ts = f"datetime64[ns, {tz}]"
    req = req.assign(opened_at=req["opened_at"] if "opened_at" in req.columns else pd.Series(pd.NaT, index=req.index,
                                                                                             dtype=ts),
                     closed_at=req["closed_at"] if "closed_at" in req.columns else pd.Series(pd.NaT, index=req.index,
                                                                                             dtype=ts))
    text = rel["text"] if "text" in rel.columns else pd.Series(pd.NA, index=rel.index, dtype="str")
    grid = req[["unit", "account_id", "account_name", "platform", "opened_at", "closed_at"]].merge(
        rel[["release_id", "issuing_account", "published_at", "title"]].assign(
            due_min=due_min[rel.index], due_wx=due_wx[rel.index]), how="cross")
    # the issuer's own unit does not repost its own release (四(四): 各地各部门 repost the city's accounts)
    named = acc.dropna(subset=["account_name"])
    names = pd.Series(named["unit"].to_numpy(), index=comparison_key(named["account_name"].astype("str")))
    names = names[~names.index.duplicated()]
    issuer = comparison_key(grid["issuing_account"].astype("str").str.lstrip("@＠")).map(names)
    grid = grid[(grid["unit"] != issuer).fillna(True).to_numpy(dtype=bool)]
    if not len(grid):
        return _empty_repost(tz)
    wx = (grid["platform"] == "wechat").to_numpy()
    due = grid["due_min"].where(~wx, grid["due_wx"])
    # still open on the deadline's day (the day of its last valid instant): the repost was owed
    due_day = (due - pd.Timedelta(1, "ns")).dt.floor("D")
    owed = ((grid["opened_at"].isna() | (grid["opened_at"] <= grid["published_at"]))
            & (grid["closed_at"].isna() | (grid["closed_at"] >= due_day))).fillna(True).to_numpy(dtype=bool)
    judged = ctx.due_in(due).to_numpy()
    pending = ~judged & (grid["published_at"] >= ctx.start).to_numpy() & (due >= ctx.end).to_numpy()
    grid = grid.assign(due=due, _pending=pending)[owed & (judged | pending)]
    if not len(grid):
        return _empty_repost(tz)
    cand = posts[posts["account_id"].isin(grid["account_id"].unique())]
    found = match_reposts(ctx, crit, rel.assign(text=text).loc[rel["release_id"].isin(grid["release_id"])], cand)
    g = grid.merge(found, on=["release_id", "account_id"], how="left")
    delay_min = (g["repost_at"] - g["published_at"]).dt.total_seconds() / 60
    wd = workdays_between(g["published_at"], g["repost_at"])
    wx = (g["platform"] == "wechat").to_numpy()
    ok = np.where(wx, (wd <= k).fillna(False).to_numpy(dtype=bool),
                  (delay_min <= mins).fillna(False).to_numpy(dtype=bool))
    reposted = g["repost_at"].notna().to_numpy()
    status = np.select([g["_pending"].to_numpy(dtype=bool), reposted & ok, reposted],
                       ["not_yet_due", "on_time", "late"], "missing")
    out = pd.DataFrame({
        "release_id": g["release_id"].astype("str"), "title": g["title"].astype("str"),
        "issuing_account": g["issuing_account"].astype("str"), "released_at": g["published_at"].astype(ts),
        "unit": g["unit"].astype("str"), "account_id": g["account_id"].astype("str"),
        "account_name": g["account_name"].astype("str"), "platform": g["platform"].astype("str"),
        "due": g["due"].astype(ts), "reposted_at": g["repost_at"].astype(ts), "post_id": g["post_id"].astype("str"),
        "delay_minutes": delay_min.astype("float64"), "delay_workdays": wd.astype("Int64"),
        "status": pd.Series(status, index=g.index, dtype="str"), "on_time": status == "on_time",
    })
    return out.sort_values(["release_id", "unit", "platform", "account_id"], kind="stable", ignore_index=True)


def _c12_caveat(crit):
    labels = {"county": "县区", "zone": "开发区", "department": "市直部门"}
    types = "、".join(labels[t] for t in crit.params["unit_types"])
    return (f"重要信息转载（C12）按{types}的全部在运营账号核对（发布时已开通、到期当天仍未关闭）；"
            "转载按来源和文字相似度匹配，不要求标题完全一致。",
            "Key-release reposts (C12) are checked on every account of the listed unit types open from the release "
            "to its deadline's day, matched by source and text similarity.")


@criterion("C12", needs=[needs("accounts"), needs("releases"), needs("posts")], caveat=_c12_caveat,
           params={"max_minutes": at_least(1, "分钟", "minutes"),
                   "wechat_max_workdays": at_least(0, "工作日", "working days"),
                   "unit_types": choices(("county", "zone", "department")),
                   "min_similarity": number(lambda v: 0 < v <= 100, "大于 0、不超过 100 的数", "a number in (0, 100]"),
                   "min_similarity_with_source": number(lambda v: 0 < v <= 100, "大于 0、不超过 100 的数",
                                                        "a number in (0, 100]"),
                   "match_window_days": at_least(1, "天", "days")})
def c12_key_reposts(ctx: Context, crit) -> pd.DataFrame:
    """C12: the late and missing rows of :func:`repost_timeliness` (kept in ``ctx.details["C12"]``)."""
    t = repost_timeliness(ctx, crit)
    ctx.details["C12"] = t
    b = t[t["status"].isin(["late", "missing"])]
    if not len(b):
        return empty_rows()
    mins, k = crit.params["max_minutes"], crit.params["wechat_max_workdays"]
    wechat = (b["platform"] == "wechat").to_numpy()
    limit = pd.Series(np.where(wechat, f"{k}个工作日", f"{mins}分钟"), index=b.index)
    how = pd.Series(np.select(
        [(b["status"] == "missing").to_numpy(), wechat],
        ["未转载",
         "于" + fmt_minute(b["reposted_at"]) + "才转载（" + b["delay_workdays"].astype("str") + "个工作日后）"],
        "于" + fmt_minute(b["reposted_at"]) + "才转载（" + num(b["delay_minutes"] / 60) + "小时后）"), index=b.index)
    expl = (platform_label(b["platform"]) + "账号“" + b["account_name"] + "”对" + b["issuing_account"]
            + fmt_minute(b["released_at"]) + "发布的重要信息《" + b["title"] + "》" + how + "，超过" + limit + "时限。")
    ev = b["release_id"] + np.where(b["post_id"].isna(), "", ";" + b["post_id"].fillna(""))
    return rows(b["unit"], b["account_id"], b["platform"], b["released_at"], b["reposted_at"].fillna(b["due"]),
                expl, ev)


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


@criterion("C15", needs=[needs("accounts"), needs("posts")],
           params={"min_gap_days": at_least(1, "自然日", "calendar days"),
                   "veto_before_check_only": optional(BOOL, False)})
def c15_dormant(ctx: Context, crit) -> pd.DataFrame:
    """C15: each run of ``min_gap_days`` or more empty calendar days is a finding.

    Declared on the posts of the period: with none at all the criterion is not assessed,
    rather than every account dormant. With ``veto_before_check_only`` (the 2019 checklist's
    "no update in the two weeks before the check", the check being the period's last day), only
    a run that reaches the period's last day vetoes; an earlier run is a deduction.
    """
    k = crit.params["min_gap_days"]
    gaps = dormant_gaps(ctx, k, crit.platforms)
    if not len(gaps):
        return empty_rows()
    info = ctx.account_info(gaps["account_id"])
    expl = (platform_label(info["platform"]) + "账号“" + info["account_name"] + "”" + fmt_date(gaps["first_day"])
            + "至" + fmt_date(gaps["last_day"]) + "连续" + gaps["days"].astype("str") + "天未更新（" + str(k)
            + "天以上为“僵尸”“睡眠”账号）。")
    out = rows(info["unit"], gaps["account_id"], info["platform"], gaps["first_day"], gaps["last_day"], expl, "")
    if crit.params.get("veto_before_check_only"):
        at_check = (gaps["last_day"] >= ctx.end - DAY).to_numpy()
        out["_veto"] = at_check
        out["explanation"] = out["explanation"].where(
            ~at_check, out["explanation"].str.removesuffix("。") + "，至检查时点（评估期末日）仍未更新。")
    return out


@criterion("C16", needs=[needs("accounts"), needs("incidents"), needs("posts")], level="unit", level_fixed=True,
           params={"within_hours": number(lambda v: v > 0, "大于 0 的小时数", "a number of hours > 0")})
def c16_crisis_silence(ctx: Context, crit) -> pd.DataFrame:
    """C16: after each public-opinion incident concerning a unit, a post by one of its accounts within the hours.

    An incident is judged in the period its window ends in (silent only once the whole
    window has passed, as for every deadline).
    """
    inc = ctx.incidents
    h = crit.params["within_hours"]
    inc = inc[inc["kind"] == "public_opinion"]
    until = inc["started_at"] + pd.Timedelta(hours=h)
    inc = inc[ctx.due_in(until)]
    if not len(inc):
        return empty_rows()
    inc = inc.reset_index(drop=True).assign(_i=lambda x: x.index, until=lambda x: x["started_at"] + pd.Timedelta(hours=h))
    p = ctx.posts_all[ctx.posts_all["unit"].isin(inc["unit"].unique()) & ctx.posts_all["platform"].isin(crit.platforms)]
    m = inc[["_i", "unit", "started_at", "until"]].merge(p[["unit", "published_at", "post_id"]], on="unit")
    hit = m[(m["published_at"] >= m["started_at"]) & (m["published_at"] <= m["until"])]
    n_posts = hit.groupby("_i").size().reindex(inc["_i"], fill_value=0)
    b = inc[(n_posts == 0).to_numpy()]
    if not len(b):
        return empty_rows()
    desc = b["description"].fillna("") if "description" in b.columns else pd.Series("", index=b.index)
    ev = b["incident_id"].fillna("") if "incident_id" in b.columns else ""
    expl = (b["unit"] + "在" + fmt_minute(b["started_at"]) + "开始的重大舆情事件“" + desc + "”发生后" + f"{h:g}"
            + "小时内，所属账号没有发布任何信息（0条），失声失语。")
    return rows(b["unit"], "", "", b["started_at"], b["until"], expl, ev)


_KIND = {"inaccurate": "发布不实信息", "security": "发生安全事件", "public_opinion": "发生重大舆情"}


@criterion("C17", needs=[needs("incidents")],
           params={"kinds": param(list, lambda v: bool(v) and set(v) <= {"inaccurate", "security", "public_opinion"},
                                  "由 inaccurate、security 组成的非空列表", "a non-empty list of inaccurate/security")})
def c17_incidents(ctx: Context, crit) -> pd.DataFrame:
    """C17: every recorded inaccurate-information or security incident starting in the period."""
    inc = ctx.incidents
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
