"""The report's tables, each computed from the contract's DataFrames (vectorised pandas).

Every function takes canonical tables (``liuan_eval.schemas``) or parts of an
``Assessment`` (``docs/architecture.md``) and returns a DataFrame with English column
names (for CSV output); :func:`to_chinese` renames them for the workbook and the HTML.

Examples
--------
>>> import pandas as pd
>>> acc = pd.DataFrame({"unit": ["金安区", "金安区", "霍山县"], "unit_type": ["county"] * 3,
...                     "platform": ["weibo", "wechat", "weibo"], "account_id": ["a", "b", "c"]})
>>> coverage_matrix(acc)[["unit", "weibo", "wechat", "app", "platforms"]].to_dict("records")[0]
{'unit': '金安区', 'weibo': True, 'wechat': True, 'app': False, 'platforms': 2}
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from liuan_eval.schemas import (
    FILING_EVENT_LABELS,
    INCIDENT_KIND_LABELS,
    PLATFORM_LABELS,
    TABLE_LABELS,
    TIMEZONE,
    UNIT_TYPE_LABELS,
)
from liuan_eval.scoring.lists import named_accounts, named_units  # the score command counts the same way

PLATFORMS = ("weibo", "wechat", "app")   # the notice's three (C01); other platforms follow them when present
GRADE_ORDER = ("优秀", "良好", "合格", "不合格")

#: Chinese headers for every column a report table can hold.
LABELS: dict[str, str] = {
    "unit": "单位", "unit_type": "单位类型", "platform": "平台", "account_id": "账号ID",
    "account_name": "账号名称", "account": "账号名称", "total": "总分", "grade": "等次", "rank": "排名",
    "veto": "一票否决", "influence": "影响力指数", "influence_rank": "影响力排名",
    "criterion": "指标", "criterion_name": "指标名称", "severity": "严重程度",
    "window_start": "起始时间", "window_end": "结束时间", "explanation": "说明", "points": "扣分",
    "evidence": "依据", "reason": "原因", "table": "数据表", "file": "文件", "line": "行号",
    "column": "列", "value": "原值", "rows_read": "读取行数", "rows_clean": "有效行数",
    "rows_quarantined": "隔离行数", "duplicates_removed": "去重行数",
    **PLATFORM_LABELS, "platforms": "已开设平台数（两微一端）", "other_platforms": "其他平台数",
    "metric": "指标", "messages": "留言数", "in_scope": "职责内留言", "replied": "已答复",
    "reply_rate": "答复率", "on_time": "按时答复", "on_time_rate": "按时率", "late": "超时答复",
    "overdue": "逾期未答复", "pending": "未到期未答复", "median_workdays": "答复用时中位数（工作日）",
    "release_id": "信息编号", "title": "标题", "issuing_account": "发布账号",
    "published_at": "发布时间", "released_at": "首发时间", "reposted_at": "转发时间",
    "delay_minutes": "延迟（分钟）", "delay_workdays": "延迟（工作日）", "on_time_flag": "是否及时",
    "expected": "应转发账号数", "reposted": "已转发账号数", "timely": "及时转发账号数",
    "timely_rate": "及时率", "median_delay_minutes": "延迟中位数（分钟）",
    "topic": "主题", "sentiment": "情感", "risk_level": "风险等级", "month": "月份", "count": "数量",
    "department": "承办部门", "share": "占比", "item": "项目", "detail": "内容",
    "message_id": "留言编号", "received_at": "留言时间", "replied_at": "答复时间",
    "topic_confidence": "主题置信度", "sentiment_score": "情感得分", "risk_reasons": "风险原因",
    "heat": "热度", "users": "留言人数", "first_seen": "首次出现", "last_seen": "最近出现",
    "units": "涉及单位", "representative": "代表性留言", "period_start": "开始", "period_end": "结束",
    "baseline": "基线", "p_value": "P值", "statistic": "统计量",
    "severity_label": "严重程度", "problem": "问题", "message": "说明", "row": "行号",
    "suggestion": "建议", "hot_issue": "热点编号", "representative_id": "代表留言编号",
    "distinct_users": "留言人数", "first_at": "首次出现", "last_at": "最近出现", "topics": "主题",
    "likes": "点赞数", "opposes": "反对数", "ratio": "倍数", "q_value": "q值", "test": "检验方法",
    "weight": "分值", "criteria": "涉及指标", "findings": "问题数", "code": "问题代码",
    "influence_platform_rank": "平台内影响力排名",
    "platform_influence": "平台内影响力指数", "class_rank": "类别内排名", "class_units": "类别单位数", "mean_total": "平均得分", "best_unit": "第一名",
    "last_unit": "最后一名", "label": "类别", "accounts": "检查账号数", "passed": "合格账号数",
    "failed": "不合格账号数", "pass_rate": "合格率", "group_label": "分组", "scope": "口径", "group": "分组代码",
    "named": "通报整改",
}

SENTIMENT_LABELS = {"positive": "正面", "neutral": "中性", "negative": "负面"}
RISK_LABELS = {"high": "高", "medium": "中", "low": "低", "none": "无"}


def to_chinese(frame: pd.DataFrame, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """``frame`` with Chinese column headers and Chinese labels for platform and unit type codes.

    Examples
    --------
    >>> to_chinese(pd.DataFrame({"unit": ["金安区"], "platform": ["weibo"]})).columns.tolist()
    ['单位', '平台']
    >>> to_chinese(pd.DataFrame({"platform": ["weibo"]})).iloc[0, 0]
    '微博'
    """
    out = frame.copy()
    codes = {"platform": PLATFORM_LABELS, "unit_type": UNIT_TYPE_LABELS,
             "sentiment": SENTIMENT_LABELS, "risk_level": RISK_LABELS,
             "table": TABLE_LABELS, "event": FILING_EVENT_LABELS, "kind": INCIDENT_KIND_LABELS}
    for col, mapping in codes.items():
        if col in out.columns and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].astype("str").replace(mapping)
    names = {**LABELS, **(extra or {})}
    return out.rename(columns={c: names.get(c, c) for c in out.columns})


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _rate(num, den):
    num = np.asarray(num, dtype="float64")
    den = np.asarray(den, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def coverage_matrix(accounts: pd.DataFrame | None) -> pd.DataFrame:
    """Which unit has which platform: one row per unit, a boolean column per platform.

    Columns ``unit, unit_type, weibo, wechat, app``, then a column for each other platform
    registered (抖音, 快手, …, in :data:`liuan_eval.schemas.PLATFORM_LABELS` order), ``platforms``
    (of the notice's three, 0–3, what C01 asks) and ``other_platforms`` (how many others), sorted
    by unit type (county, zone, department) then unit name. Accounts closed during the year
    still count as opened.

    Examples
    --------
    >>> acc = pd.DataFrame({"unit": ["市教育局"], "unit_type": ["department"],
    ...                     "platform": ["app"], "account_id": ["x"]})
    >>> coverage_matrix(acc)["platforms"].tolist()
    [1]
    """
    cols = ["unit", "unit_type", *PLATFORMS, "platforms", "other_platforms"]
    if accounts is None or accounts.empty:
        return _empty(cols)
    present = set(accounts["platform"].astype("str").dropna())
    others = [p for p in PLATFORM_LABELS if p not in PLATFORMS and p in present]
    cols = ["unit", "unit_type", *PLATFORMS, *others, "platforms", "other_platforms"]
    flags = pd.crosstab(accounts["unit"], accounts["platform"].astype("str")).reindex(
        columns=list(PLATFORMS) + others, fill_value=0).gt(0)
    types = accounts.drop_duplicates("unit").set_index("unit")["unit_type"].astype("str")
    out = flags.reset_index()
    out.insert(1, "unit_type", out["unit"].map(types))
    out["platforms"] = flags[list(PLATFORMS)].sum(axis=1).to_numpy().astype("int64")
    out["other_platforms"] = flags[others].sum(axis=1).to_numpy().astype("int64")
    order = {k: i for i, k in enumerate(UNIT_TYPE_LABELS)}
    out = out.assign(_o=out["unit_type"].map(order).fillna(9)).sort_values(["_o", "unit"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True).rename_axis(None, axis=1)[cols]


def key_figures(accounts: pd.DataFrame | None, posts: pd.DataFrame | None,
                messages: pd.DataFrame | None, reply: pd.DataFrame | None = None,
                rectification: pd.DataFrame | None = None,
                closure: pd.DataFrame | None = None, metrics: dict | None = None) -> pd.DataFrame:
    """The headline figures, one row each: ``metric`` (Chinese) and ``value`` (a number).

    Parameters
    ----------
    accounts, posts, messages : DataFrame or None
        Canonical tables.
    reply : DataFrame, optional
        :func:`reply_timeliness` (its totals give the reply and on-time rates). When absent
        the rates come from ``metrics`` (keys ``reply_rate`` and ``on_time_rate``).
    rectification, closure : DataFrame, optional
        The assessment's lists; their distinct accounts are counted.
    metrics : dict, optional
        The assessment's headline figures: ``accounts_by_platform`` (accounts active in
        the year) is preferred to counting the registry; ``reply_rate`` and
        ``on_time_rate`` are used when ``reply`` is absent.

    Examples
    --------
    >>> acc = pd.DataFrame({"unit": ["金安区", "霍山县"], "platform": ["weibo", "app"],
    ...                     "account_id": ["a", "b"]})
    >>> kf = key_figures(acc, None, None)
    >>> dict(zip(kf["metric"], kf["value"]))["单位数"]
    2
    """
    metrics = metrics or {}
    rows: list[tuple[str, object]] = []
    n_units = accounts["unit"].nunique() if accounts is not None else metrics.get("units", np.nan)
    rows.append(("单位数", int(n_units) if pd.notna(n_units) else np.nan))
    by_platform = metrics.get("accounts_by_platform")
    registered = set(accounts["platform"].astype("str").dropna()) if accounts is not None else set()
    others = [p for p in PLATFORM_LABELS if p not in PLATFORMS and (p in registered or p in (by_platform or {}))]
    if by_platform is not None:   # the scoring engine's count: accounts active during the year
        rows.append(("账号总数", int(metrics.get("accounts", sum(by_platform.values())))))
        for p in [*PLATFORMS, *others]:
            rows.append((f"{PLATFORM_LABELS[p]}账号数", int(by_platform.get(p, 0))))
    else:
        rows.append(("账号总数", len(accounts) if accounts is not None else np.nan))
        for p in [*PLATFORMS, *others]:
            n = int(accounts["platform"].astype("str").eq(p).sum()) if accounts is not None else np.nan
            rows.append((f"{PLATFORM_LABELS[p]}账号数", n))
    rows.append(("发布信息数", len(posts) if posts is not None else np.nan))
    rows.append(("网民留言数", len(messages) if messages is not None else np.nan))
    if reply is not None and not reply.empty:
        tot = reply.loc[reply["unit"] == "合计"].iloc[0] if (reply["unit"] == "合计").any() else None
        rr = float(tot["reply_rate"]) if tot is not None else np.nan
        ot = float(tot["on_time_rate"]) if tot is not None else np.nan
    else:
        rr = metrics.get("reply_rate", np.nan)
        ot = metrics.get("on_time_rate", np.nan)
    rows.append(("留言答复率", rr))
    rows.append(("按时答复率（5个工作日内）", ot))
    rows.append(("通报整改账号数", named_accounts(rectification)))
    rows.append(("通报整改单位数（单位层面问题）", named_units(rectification)))
    rows.append(("建议关停账号数", named_accounts(closure)))
    return pd.DataFrame({"metric": pd.Series([r[0] for r in rows], dtype="str"),
                         "value": pd.Series([r[1] for r in rows], dtype="object")})


def ranking_table(unit_scores: pd.DataFrame) -> pd.DataFrame:
    """Units in rank order: ``rank, unit, unit_type, total, grade, veto``.

    Examples
    --------
    >>> us = pd.DataFrame({"unit": ["甲", "乙"], "unit_type": ["county"] * 2, "total": [80.0, 95.0],
    ...                    "grade": ["良好", "优秀"], "rank": [2, 1], "veto": [False, False]})
    >>> ranking_table(us)["unit"].tolist()
    ['乙', '甲']
    """
    cols = [c for c in ["rank", "unit", "unit_type", "total", "grade", "veto"] if c in unit_scores.columns]
    if unit_scores is None or unit_scores.empty:
        return _empty(cols)
    return unit_scores.sort_values(["rank", "unit"], kind="stable")[cols].reset_index(drop=True)


def criterion_columns(scores: pd.DataFrame, criterion_ids=None) -> list[str]:
    """The per-criterion columns of ``unit_scores`` or ``account_scores`` (``C01``… in order).

    Examples
    --------
    >>> criterion_columns(pd.DataFrame(columns=["unit", "C02", "C01", "total"]))
    ['C01', 'C02']
    """
    if criterion_ids is not None:
        return [c for c in criterion_ids if c in scores.columns]
    return sorted(c for c in scores.columns if isinstance(c, str) and len(c) == 3
                  and c[0] == "C" and c[1:].isdigit())


def _local(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts)
    if ts.dt.tz is None:
        return ts.dt.tz_localize(TIMEZONE)
    return ts.dt.tz_convert(TIMEZONE)


def period_bounds(year: int, period=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first instant of ``year`` (or of ``period``: first and last day, inclusive) and the first after it
    (Asia/Shanghai).

    Examples
    --------
    >>> [str(t) for t in period_bounds(2025, ("2025-04-01", "2025-06-30"))]
    ['2025-04-01 00:00:00+08:00', '2025-07-01 00:00:00+08:00']
    """
    if period is None:
        return pd.Timestamp(year, 1, 1, tz=TIMEZONE), pd.Timestamp(year + 1, 1, 1, tz=TIMEZONE)
    return (pd.Timestamp(period[0]).tz_localize(TIMEZONE),
            pd.Timestamp(period[1]).tz_localize(TIMEZONE) + pd.Timedelta(days=1))


def daily_post_counts(posts: pd.DataFrame | None, year: int, period=None) -> pd.DataFrame:
    """Posts per account and calendar day (Asia/Shanghai) of ``year``: ``account_id, day, posts``.

    The posting calendar draws from it, so the report never keeps the posts themselves.

    Examples
    --------
    >>> p = pd.DataFrame({"account_id": ["a", "a", "b"], "published_at": pd.to_datetime(
    ...     ["2025-03-01 09:00", "2025-03-01 23:00", "2024-12-31 10:00"]).tz_localize("Asia/Shanghai")})
    >>> daily_post_counts(p, 2025)[["account_id", "posts"]].values.tolist()
    [['a', 2]]
    """
    cols = {"account_id": pd.Series([], dtype="str"), "day": pd.Series([], dtype=f"datetime64[ns, {TIMEZONE}]"),
            "posts": pd.Series([], dtype="int64")}
    if posts is None or posts.empty:
        return pd.DataFrame(cols)
    t = _local(posts["published_at"])
    start, end = period_bounds(year, period)
    inside = ((t >= start) & (t < end)).fillna(False).to_numpy()
    frame = pd.DataFrame({"account_id": posts["account_id"].astype("str")[inside].reset_index(drop=True),
                          "day": t[inside].dt.floor("D").reset_index(drop=True)})
    if frame.empty:
        return pd.DataFrame(cols)
    out = frame.groupby(["account_id", "day"], sort=True).size().rename("posts").reset_index()
    return out.astype({"account_id": "str", "posts": "int64"})


def reply_timeliness(messages: pd.DataFrame | None, year: int, limit: int = 5, period=None) -> pd.DataFrame:
    """Reply timeliness of in-scope messages per unit (criterion C07's definitions).

    A message is in scope unless ``in_scope`` is False (NA counts as in scope). A reply is
    on time when ``workdays_between(received, replied) <= limit``; an unanswered message is
    ``overdue`` once its deadline (end of ``add_workdays(received, limit)``) lies before the
    end of the year, else ``pending``. ``reply_rate = replied / in_scope``;
    ``on_time_rate = on_time / (in_scope - pending)``. The last row, unit ``合计``, holds
    the totals.

    Examples
    --------
    >>> m = pd.DataFrame({"unit": ["甲", "甲"], "in_scope": pd.array([True, pd.NA], dtype="boolean"),
    ...     "received_at": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:00"]).tz_localize("Asia/Shanghai"),
    ...     "replied_at": pd.to_datetime(["2025-03-04 09:00", None]).tz_localize("Asia/Shanghai")})
    >>> reply_timeliness(m, 2025).iloc[0][["in_scope", "replied", "on_time", "overdue"]].astype("int64").tolist()
    [2, 1, 1, 1]
    """
    from liuan_eval.workdays import deadline_end, workdays_between

    cols = ["unit", "messages", "in_scope", "replied", "on_time", "late", "overdue", "pending",
            "reply_rate", "on_time_rate", "median_workdays"]
    if messages is None or messages.empty:
        return _empty(cols)
    m = messages
    unit = m["unit"].astype("str").fillna("（未注明单位）") if "unit" in m else pd.Series("（未注明单位）", index=m.index)
    in_scope = (m["in_scope"].astype("boolean").fillna(True) if "in_scope" in m
                else pd.Series(True, index=m.index)).astype(bool)
    received = _local(m["received_at"])
    replied_at = _local(m["replied_at"]) if "replied_at" in m else pd.Series(pd.NaT, index=m.index)
    replied = replied_at.notna()
    wd = pd.Series(np.nan, index=m.index, dtype="float64")
    if replied.any():
        wd[replied] = workdays_between(received[replied], replied_at[replied]).astype("float64").to_numpy()
    on_time = replied & wd.le(limit)
    period_end = (pd.Timestamp(year + 1, 1, 1, tz=TIMEZONE) if period is None
                  else pd.Timestamp(period[1]).tz_localize(TIMEZONE) + pd.Timedelta(days=1))
    deadline = deadline_end(received, limit)
    overdue = ~replied & (deadline <= period_end)
    frame = pd.DataFrame({
        "unit": unit, "messages": 1, "in_scope": in_scope,
        "replied": replied & in_scope, "on_time": on_time & in_scope,
        "late": replied & ~on_time & in_scope, "overdue": overdue & in_scope,
        "pending": ~replied & ~overdue & in_scope,
        "wd": wd.where(in_scope),
    })
    counts = ["messages", "in_scope", "replied", "on_time", "late", "overdue", "pending"]
    g = frame.groupby("unit", sort=True)
    per = g[counts].sum().astype("int64")
    per["median_workdays"] = g["wd"].median()
    total = frame[counts].sum().astype("int64").to_frame("合计").T
    total["median_workdays"] = frame["wd"].median()
    out = pd.concat([per, total]).rename_axis("unit").reset_index()
    out["reply_rate"] = _rate(out["replied"], out["in_scope"])
    out["on_time_rate"] = _rate(out["on_time"], out["in_scope"] - out["pending"])
    return out[cols]


def message_counts(messages: pd.DataFrame | None, by: str, freq: str = "MS",
                   top: int | None = None) -> pd.DataFrame:
    """Messages per period and value of ``by`` (a wide table: one row per period).

    ``top`` keeps the ``top`` most frequent values and folds the rest into ``其他``.

    Examples
    --------
    >>> m = pd.DataFrame({"received_at": pd.to_datetime(["2025-01-05", "2025-01-09", "2025-02-01"]
    ...                   ).tz_localize("Asia/Shanghai"), "topic": ["交通运输", "交通运输", "教育文体"]})
    >>> message_counts(m, "topic").to_dict("list")
    {'month': ['2025-01', '2025-02'], '交通运输': [2, 0], '教育文体': [0, 1]}
    """
    if messages is None or messages.empty or by not in messages.columns:
        return _empty(["month"])
    key = messages[by].astype("str").fillna("未知")
    if by == "sentiment":
        key = key.replace(SENTIMENT_LABELS)
    if by == "risk_level":
        key = key.replace(RISK_LABELS)
    if top is not None:
        keep = key.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[:top]
        key = key.where(key.isin(keep), "其他")
    when = _local(messages["received_at"]).dt.tz_localize(None).dt.to_period(freq[0] if freq != "MS" else "M")
    wide = pd.crosstab(when, key).sort_index()
    if by == "sentiment":
        wide = wide.reindex(columns=[c for c in ("正面", "中性", "负面") if c in wide.columns]
                            + [c for c in wide.columns if c not in ("正面", "中性", "负面")])
    elif by == "risk_level":
        order = ["高", "中", "低", "无"]
        wide = wide.reindex(columns=[c for c in order if c in wide.columns]
                            + [c for c in wide.columns if c not in order])
    else:
        wide = wide[wide.sum().sort_values(ascending=False, kind="stable").index]
        if "其他" in wide.columns:
            wide = wide[[c for c in wide.columns if c != "其他"] + ["其他"]]
    wide.index = wide.index.astype("str")
    out = wide.rename_axis(None, axis=1).rename_axis("month").reset_index()
    out[out.columns[1:]] = out[out.columns[1:]].astype("int64")
    return out


def message_statistics(messages: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (topic, department): counts, negative share and high-risk count.

    Examples
    --------
    >>> m = pd.DataFrame({"topic": ["交通运输", "交通运输"], "department": ["市交通运输局"] * 2,
    ...                   "sentiment": ["negative", "neutral"], "risk_level": ["high", "low"]})
    >>> message_statistics(m).iloc[0][["count", "negative", "high_risk"]].astype("int64").tolist()
    [2, 1, 1]
    """
    cols = ["topic", "department", "count", "negative", "negative_share", "high_risk"]
    if messages is None or messages.empty or "topic" not in messages:
        return _empty(cols)
    f = pd.DataFrame({
        "topic": messages["topic"].astype("str").fillna("未知"),
        "department": (messages["department"].astype("str").fillna("人工分办")
                       if "department" in messages else "未知"),
        "negative": messages["sentiment"].astype("str").eq("negative").fillna(False).astype("int64")
        if "sentiment" in messages else 0,
        "high_risk": messages["risk_level"].astype("str").eq("high").fillna(False).astype("int64")
        if "risk_level" in messages else 0,
    })
    g = f.groupby(["topic", "department"], sort=True)
    out = g.size().to_frame("count").join(g[["negative", "high_risk"]].sum()).reset_index()
    out["negative_share"] = _rate(out["negative"], out["count"])
    out = out.sort_values(["count", "topic"], ascending=[False, True], kind="stable")
    return out[cols].reset_index(drop=True)


def quarantine_summary(quarantine: pd.DataFrame | None) -> pd.DataFrame:
    """Quarantined rows counted by table, file, column and reason.

    Examples
    --------
    >>> q = pd.DataFrame({"table": ["posts"] * 2, "file": ["p.csv"] * 2, "line": [3, 4],
    ...                   "column": ["published_at"] * 2, "value": ["x", "y"], "reason": ["bad_datetime"] * 2})
    >>> quarantine_summary(q)["count"].tolist()
    [2]
    """
    cols = ["table", "file", "column", "reason", "count"]
    if quarantine is None or quarantine.empty:
        return _empty(cols)
    q = quarantine.assign(**{c: quarantine[c].astype("str").fillna("") for c in cols[:-1]})
    out = q.groupby(cols[:-1], sort=True).size().to_frame("count").reset_index()
    return out.sort_values(["count", "table"], ascending=[False, True], kind="stable").reset_index(drop=True)


def influence_table(account_scores: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """The ``top`` accounts by influence index: rank, unit, account, platform, index.

    Examples
    --------
    >>> a = pd.DataFrame({"unit": ["甲", "乙"], "account_id": ["1", "2"], "account_name": ["A", "B"],
    ...                   "platform": ["weibo", "app"], "influence": [3.0, 5.0], "influence_rank": [2, 1]})
    >>> influence_table(a)["account_name"].tolist()
    ['B', 'A']
    """
    cols = ["influence_rank", "unit", "account_name", "platform", "influence"]
    if account_scores is None or account_scores.empty or "influence" not in account_scores:
        return _empty(cols)
    a = account_scores
    if "influence_rank" not in a:
        a = a.assign(influence_rank=a["influence"].rank(ascending=False, method="min"))
    out = a.sort_values(["influence_rank", "account_id"], kind="stable").head(top)
    return out[[c for c in cols if c in out.columns]].reset_index(drop=True)


def platform_influence_table(account_scores: pd.DataFrame | None, top: int = 10) -> pd.DataFrame:
    """The ``top`` accounts of each platform by their platform's own index (C18 ``platform_influence``).

    Columns ``platform, influence_platform_rank, unit, account_name, platform_influence, influence``,
    platforms in :data:`liuan_eval.schemas.PLATFORM_LABELS` order.

    Examples
    --------
    >>> a = pd.DataFrame({"unit": ["甲", "乙", "丙"], "account_id": ["1", "2", "3"], "account_name": ["A", "B", "C"],
    ...                   "platform": ["weibo", "weibo", "app"], "influence": [3.0, 5.0, 4.0],
    ...                   "platform_influence": [6.0, 2.0, 4.0], "influence_platform_rank": [1, 2, 1]})
    >>> platform_influence_table(a)[["platform", "account_name"]].values.tolist()
    [['weibo', 'A'], ['weibo', 'B'], ['app', 'C']]
    """
    cols = ["platform", "influence_platform_rank", "unit", "account_name", "platform_influence", "influence"]
    if account_scores is None or account_scores.empty or "platform_influence" not in account_scores:
        return _empty(cols)
    a = account_scores[account_scores["platform_influence"].notna().to_numpy()]
    order = {p: i for i, p in enumerate(PLATFORM_LABELS)}
    a = a.assign(_o=a["platform"].astype("str").map(order).fillna(len(order)))
    a = a.sort_values(["_o", "influence_platform_rank", "account_id"], kind="stable")
    return a.groupby("_o", sort=True).head(top)[cols].reset_index(drop=True)


def action_list(frame: pd.DataFrame | None) -> pd.DataFrame:
    """The rectification (通报整改) or closure (关停) list, sorted, with its evidence sentence.

    Keeps ``unit, account_id, account_name, platform`` and whichever of ``criterion,
    explanation, evidence, reason`` the assessment supplies.

    Examples
    --------
    >>> r = pd.DataFrame({"unit": ["乙", "甲"], "account_id": ["2", "1"], "explanation": ["x", "y"]})
    >>> action_list(r)["account_id"].tolist()   # sorted by unit (code point), then account
    ['2', '1']
    """
    if frame is None or frame.empty:
        return _empty(["unit", "account_id", "account_name", "platform", "explanation"])
    keep = [c for c in ["unit", "account_id", "account_name", "platform", "criterion", "criterion_name",
                        "explanation", "reason", "evidence"] if c in frame.columns]
    extra = [c for c in frame.columns if c not in keep]
    out = frame[keep + extra]
    sort = [c for c in ["unit", "account_id", "criterion"] if c in out.columns]
    return out.sort_values(sort, kind="stable").reset_index(drop=True)


def stringify(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists and tuples in cells (e.g. ``evidence`` ids) joined with ``;`` so they can be written.

    Examples
    --------
    >>> stringify(pd.DataFrame({"evidence": [["p1", "p2"], []]}))["evidence"].tolist()
    ['p1;p2', '']
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            has_list = out[col].map(lambda v: isinstance(v, list | tuple | set | np.ndarray)).any()
            if has_list:
                out[col] = out[col].map(
                    lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple | set | np.ndarray) else v)
    return out


def account_results(account_scores: pd.DataFrame | None, unit_types: pd.DataFrame | None,
                    rectification: pd.DataFrame | None, failing_grade: str = "不合格",
                    rectified_fails: bool = True) -> pd.DataFrame:
    """Each assessed account with its unit's type and whether it passed (合格).

    An account passes when its grade is not ``failing_grade`` (a veto or a total below the
    pass mark gives that grade) and, when ``rectified_fails``, it is not on the
    rectification list (通报整改) — the preset's ``[notice] rectified_fails``.

    Columns ``unit, unit_type, account_id, account_name, platform, total, grade, named, passed``.

    Examples
    --------
    >>> s = pd.DataFrame({"unit": ["甲", "甲", "乙"], "account_id": ["a", "b", "c"], "account_name": ["A", "B", "C"],
    ...                   "platform": ["weibo", "app", "weibo"], "total": [95.0, 50.0, 90.0],
    ...                   "grade": ["优秀", "不合格", "优秀"]})
    >>> ut = pd.DataFrame({"unit": ["甲", "乙"], "unit_type": ["county", "department"]})
    >>> r = account_results(s, ut, pd.DataFrame({"unit": ["乙"], "account_id": ["c"]}))
    >>> r["passed"].tolist(), account_results(s, ut, None)["passed"].tolist()
    ([True, False, False], [True, False, True])
    """
    cols = ["unit", "unit_type", "account_id", "account_name", "platform", "total", "grade", "named", "passed"]
    if account_scores is None or account_scores.empty:
        return _empty(cols)
    a = account_scores
    types = (unit_types.drop_duplicates("unit").set_index("unit")["unit_type"].astype("str")
             if unit_types is not None and len(unit_types) else pd.Series(dtype="str"))
    named_ids = set(_account_ids_of(rectification))
    named = a["account_id"].astype("str").isin(named_ids).to_numpy()
    failed = a["grade"].astype("str").eq(failing_grade).fillna(False).to_numpy()
    out = pd.DataFrame({
        "unit": a["unit"].astype("str"), "unit_type": a["unit"].astype("str").map(types).astype("str"),
        "account_id": a["account_id"].astype("str"), "account_name": a["account_name"].astype("str"),
        "platform": a["platform"].astype("str"), "total": a["total"].astype("float64"),
        "grade": a["grade"].astype("str"), "named": named,
        "passed": ~failed & ~(named & bool(rectified_fails))})
    return out[cols].reset_index(drop=True)


def _account_ids_of(frame: pd.DataFrame | None) -> list[str]:
    if frame is None or frame.empty or "account_id" not in frame:
        return []
    ids = frame["account_id"].astype("str").str.strip()
    return ids[ids.notna() & ids.ne("")].tolist()


#: Scopes of :func:`pass_rates`, in the order offices publish them.
PASS_SCOPES = {"all": "全部", "platform": "平台", "unit_type": "单位类型"}


def pass_rates(results: pd.DataFrame) -> pd.DataFrame:
    """合格率 overall, by platform and by class of unit (县区, 开发区, 市直部门).

    One row per group: ``scope`` (``all``/``platform``/``unit_type``), ``group`` (the code;
    ``all`` for the whole), ``group_label`` (Chinese), ``accounts``, ``passed``, ``failed``,
    ``pass_rate``. From :func:`account_results`.

    Examples
    --------
    >>> r = pd.DataFrame({"unit_type": ["county", "county", "zone"], "platform": ["weibo", "app", "weibo"],
    ...                   "passed": [True, False, True]})
    >>> p = pass_rates(r)
    >>> p[["group", "accounts", "passed"]].values.tolist()[:3]
    [['all', 3, 2], ['weibo', 2, 2], ['app', 1, 0]]
    """
    cols = ["scope", "group", "group_label", "accounts", "passed", "failed", "pass_rate"]
    if results is None or results.empty:
        return _empty(cols)
    r = results.assign(all="all", n=1, ok=results["passed"].astype(bool).astype("int64"))
    order_platform = {p: i for i, p in enumerate(PLATFORM_LABELS)}
    order_type = {t: i for i, t in enumerate(UNIT_TYPE_LABELS)}
    parts = []
    for scope, col, order, labels in (("all", "all", {"all": 0}, {"all": "全部账号"}),
                                      ("platform", "platform", order_platform, PLATFORM_LABELS),
                                      ("unit_type", "unit_type", order_type, UNIT_TYPE_LABELS)):
        g = r.groupby(r[col].astype("str"), sort=False)[["n", "ok"]].sum()
        g = g.assign(_o=g.index.map(lambda k, o=order: o.get(k, len(o)))).sort_values(["_o"], kind="stable")
        parts.append(pd.DataFrame({"scope": scope, "group": g.index.astype("str"),
                                   "group_label": [labels.get(k, k) for k in g.index],
                                   "accounts": g["n"].to_numpy(), "passed": g["ok"].to_numpy()}))
    out = pd.concat(parts, ignore_index=True)
    out["failed"] = out["accounts"] - out["passed"]
    out["pass_rate"] = _rate(out["passed"], out["accounts"])
    return out.astype({"scope": "str", "group": "str", "group_label": "str", "accounts": "int64",
                       "passed": "int64", "failed": "int64"})[cols]


def typed_units(unit_scores: pd.DataFrame) -> pd.DataFrame:
    """The units of a class (县区, 开发区, 市直部门): not a unit the registry does not know (no type).

    Examples
    --------
    >>> us = pd.DataFrame({"unit": ["甲", "乙"], "unit_type": pd.array(["county", None], dtype="str")})
    >>> typed_units(us)["unit"].tolist()
    ['甲']
    """
    t = unit_scores["unit_type"].astype("str")
    return unit_scores[(t.notna() & (t != "")).to_numpy(dtype=bool)].assign(unit_type=t)


def class_rankings(unit_scores: pd.DataFrame | None) -> pd.DataFrame:
    """Each unit's rank within its class (县区, 开发区, 市直部门) beside its overall rank.

    The class rank follows the overall rank (so vetoed units stay last in their class too);
    ties share the better rank. Columns ``unit_type, class_rank, class_units, unit, total,
    grade, rank``, sorted by class then class rank.

    Examples
    --------
    >>> us = pd.DataFrame({"unit": ["甲", "乙", "丙"], "unit_type": ["county", "department", "county"],
    ...                    "total": [90.0, 95.0, 80.0], "grade": ["优秀", "优秀", "良好"], "rank": [2, 1, 3]})
    >>> class_rankings(us)[["unit", "class_rank", "class_units"]].values.tolist()
    [['甲', 1, 2], ['丙', 2, 2], ['乙', 1, 1]]
    """
    cols = ["unit_type", "class_rank", "class_units", "unit", "total", "grade", "rank"]
    if unit_scores is None or unit_scores.empty:
        return _empty(cols)
    us = typed_units(unit_scores)
    if us.empty:
        return _empty(cols)
    by = us.groupby("unit_type", sort=False)
    out = us.assign(class_rank=by["rank"].rank(method="min").astype("Int64"),
                    class_units=by["unit"].transform("size").astype("int64"))
    order = {k: i for i, k in enumerate(UNIT_TYPE_LABELS)}
    out = out.assign(_o=out["unit_type"].map(order).fillna(len(order)))
    out = out.sort_values(["_o", "class_rank", "unit"], kind="stable")
    return out[cols].reset_index(drop=True)


def class_summary(unit_scores: pd.DataFrame | None, rates: pd.DataFrame | None) -> pd.DataFrame:
    """Per class of unit and overall: units, average score, best and last unit, accounts, 合格率.

    Columns ``unit_type`` (``all`` for the whole), ``label``, ``units``, ``mean_total``,
    ``best_unit``, ``last_unit``, ``accounts``, ``passed``, ``pass_rate`` (the latter three
    from :func:`pass_rates`).

    Examples
    --------
    >>> us = pd.DataFrame({"unit": ["甲", "乙", "丙"], "unit_type": ["county", "department", "county"],
    ...                    "total": [90.0, 95.0, 80.0], "rank": [2, 1, 3]})
    >>> class_summary(us, None)[["unit_type", "units", "mean_total", "best_unit"]].values.tolist()
    [['all', 3, 88.33, '乙'], ['county', 2, 85.0, '甲'], ['department', 1, 95.0, '乙']]
    """
    cols = ["unit_type", "label", "units", "mean_total", "best_unit", "last_unit", "accounts", "passed", "pass_rate"]
    if unit_scores is None or unit_scores.empty:
        return _empty(cols)
    us = typed_units(unit_scores)
    if us.empty:
        return _empty(cols)
    us = us.assign(n=1)
    us = us.sort_values(["rank", "unit"], kind="stable")
    whole = us.assign(unit_type="all")
    both = pd.concat([whole, us], ignore_index=True)
    g = both.groupby("unit_type", sort=False)
    out = pd.DataFrame({"units": g["n"].sum(), "mean_total": g["total"].mean().round(2),
                        "best_unit": g["unit"].first(), "last_unit": g["unit"].last()}).reset_index()
    order = {"all": -1, **{k: i for i, k in enumerate(UNIT_TYPE_LABELS)}}
    out = out.assign(_o=out["unit_type"].map(order).fillna(len(order))).sort_values("_o", kind="stable")
    out["label"] = out["unit_type"].map({"all": "全部单位", **UNIT_TYPE_LABELS}).fillna(out["unit_type"])
    if rates is not None and len(rates):
        r = rates[rates["scope"].isin(["all", "unit_type"])].set_index("group")
        out["accounts"] = out["unit_type"].map(r["accounts"]).astype("Int64")
        out["passed"] = out["unit_type"].map(r["passed"]).astype("Int64")
        out["pass_rate"] = out["unit_type"].map(r["pass_rate"]).astype("float64")
    else:
        out["accounts"] = out["passed"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["pass_rate"] = np.nan
    return out.astype({"units": "int64"})[cols].reset_index(drop=True)
