"""This period against the previous one (``liuan-eval run --previous reports/2024``).

The previous run's saved assessment (:func:`liuan_eval.report.load_report`) is compared with this
period's, once, in :func:`comparison_tables` (called by ``assess``; the tables are saved with the
report, so every output renders them without the previous folder):

``unit_changes``
    per unit: total, grade and rank then and now, the change in points and in rank;
``account_changes``
    per account: total and grade then and now, the change, named for rectification then/now;
``rectification_followup``
    every entry of the previous period's rectification list (通报整改) and what became of it:
    ``整改到位`` (not named again), ``再次被通报`` (named again this period), ``已关停`` (no longer
    in the assessment), with the rectification the unit reported in its returned notice
    (``responses`` of the previous report: 整改情况 and 核定结果);
``closure_across_periods``
    accounts named in both periods: proposed for closure (通知六(三)：整改不到位的，予以关停);
``comparison_summary``
    headline figures then and now: accounts checked, 合格率, average unit score, findings,
    accounts named, and 整改到位率 = 整改到位 / (整改到位 + 再次被通报) of the last list.

Examples
--------
>>> then = pd.DataFrame({"unit": ["甲", "乙"], "unit_type": ["county"] * 2, "total": [80.0, 90.0],
...                      "grade": ["良好", "优秀"], "rank": [2, 1]})
>>> now = then.assign(total=[92.0, 85.0], grade=["优秀", "良好"], rank=[1, 2])
>>> unit_changes(then, now)[["unit", "change", "rank_change"]].values.tolist()
[['甲', 12.0, 1], ['乙', -5.0, -1]]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from liuan_eval.report import tables as T

FOLLOWUP_DONE, FOLLOWUP_AGAIN, FOLLOWUP_CLOSED = "整改到位", "再次被通报", "已关停"


def period_name(report) -> str:
    """How a report names its period (``2024年度``; a quarter's own label)."""
    label = getattr(report, "period_label", None) or ""
    return label or f"{report.year}年度"


def check_previous(previous, period, criteria_name: str) -> list[str]:
    """Refuse a previous report whose period does not end before ``period`` starts (the same period, a
    later one or an overlapping one would be compared as "上期"); the caveats to add (another preset).

    Examples
    --------
    >>> import datetime as dt
    >>> from types import SimpleNamespace
    >>> from liuan_eval.report.periods import year_period
    >>> prev = SimpleNamespace(period=year_period(2024), criteria="liuan_2016")
    >>> check_previous(prev, year_period(2025), "liuan_2016")
    []
    >>> check_previous(prev, year_period(2024), "liuan_2016")
    Traceback (most recent call last):
    ...
    liuan_eval.errors.UserError: 错误：--previous 指向的报告（2024年度，2024-01-01至2024-12-31）不是本期（2024年度，2024-01-01起）之前的考核期；请指向本期开始以前已结束的上一期报告
    """
    from liuan_eval.errors import UserError

    then = previous.period
    if then.end >= period.start:
        raise UserError(f"错误：--previous 指向的报告（{then.label}，{then.start}至{then.end}）不是本期（{period.label}，"
                        f"{period.start}起）之前的考核期；请指向本期开始以前已结束的上一期报告",
                        f"error: the --previous report ({then.label}, {then.start} to {then.end}) is not a period "
                        f"before this one ({period.label}, from {period.start}); give the report of a period that "
                        "ended before this one started")
    prev_crit = getattr(getattr(previous, "assessment", None), "criteria", None)
    prev_name = str(getattr(prev_crit, "name", "") or previous.criteria)
    if prev_name and criteria_name and prev_name != criteria_name:
        title = str(getattr(prev_crit, "title", "") or prev_name)
        return [f"上期（{then.label}）按另一考核标准（{title}）评分，两期的得分、等次和合格率口径不同，对比仅供参考"]
    return []


def comparison_caveat(tables: dict) -> str:
    """The caveat :func:`check_previous` gave the comparison (kept in ``previous_period``), or ``""``."""
    prev = tables.get("previous_period")
    if prev is None or not len(prev) or "caveat" not in prev.columns:
        return ""
    return str(prev["caveat"].iloc[0])


def unit_changes(then: pd.DataFrame | None, now: pd.DataFrame) -> pd.DataFrame:
    """Units' total, grade and rank in both periods; ``change`` = now − then, ``rank_change`` = then − now
    (positive: moved up). Units present in one period only have the other side empty."""
    cols = ["unit", "unit_type", "total_then", "grade_then", "rank_then", "total_now", "grade_now", "rank_now",
            "change", "rank_change"]
    if now is None or now.empty:
        return T._empty(cols)
    keep = ["unit", "total", "grade", "rank"]
    then = then if then is not None and len(then) else pd.DataFrame({c: [] for c in keep})
    m = now[["unit", "unit_type", "total", "grade", "rank"]].merge(
        then[keep], on="unit", how="outer", suffixes=("_now", "_then"))
    if "unit_type" in then.columns:
        m["unit_type"] = m["unit_type"].fillna(m["unit"].map(then.drop_duplicates("unit").set_index("unit")["unit_type"]))
    m["change"] = (m["total_now"].astype("float64") - m["total_then"].astype("float64")).round(2)
    m["rank_change"] = (m["rank_then"].astype("Float64") - m["rank_now"].astype("Float64")).astype("Int64")
    for c in ("rank_then", "rank_now"):
        m[c] = m[c].astype("Int64")
    m = m.sort_values(["change", "unit"], ascending=[False, True], kind="stable", na_position="last")
    return m[cols].reset_index(drop=True)


def _named_ids(rect: pd.DataFrame | None) -> set[str]:
    if rect is None or rect.empty:
        return set()
    ids = rect["account_id"].astype("str").fillna("")
    return set(ids[ids.ne("")])


def account_changes(then, now) -> pd.DataFrame:
    """Accounts' total and grade in both periods and whether they were named (通报整改) in each."""
    cols = ["unit", "account_id", "account_name", "platform", "total_then", "grade_then", "total_now", "grade_now",
            "change", "named_then", "named_now"]
    a_now = now.account_scores
    if a_now is None or a_now.empty:
        return T._empty(cols)
    a_then = then.account_scores if then.account_scores is not None else a_now.iloc[:0]
    keep = ["account_id", "total", "grade"]
    m = a_now[["unit", "account_id", "account_name", "platform", "total", "grade"]].merge(
        a_then[["unit", "account_name", "platform", *keep]].rename(columns={"unit": "_u", "account_name": "_n",
                                                                           "platform": "_p"}),
        on="account_id", how="outer", suffixes=("_now", "_then"))
    for c, alt in (("unit", "_u"), ("account_name", "_n"), ("platform", "_p")):
        m[c] = m[c].fillna(m[alt])
    m["change"] = (m["total_now"].astype("float64") - m["total_then"].astype("float64")).round(2)
    m["named_then"] = m["account_id"].astype("str").isin(_named_ids(then.rectification))
    m["named_now"] = m["account_id"].astype("str").isin(_named_ids(now.rectification))
    m = m.sort_values(["unit", "platform", "account_id"], kind="stable")
    return m[cols].reset_index(drop=True)


def _entry_keys(frame: pd.DataFrame) -> pd.Series:
    """An account's entry by its id (a unit renamed between the periods keeps its accounts); a unit's own by name."""
    acc = frame["account_id"].astype("str").fillna("")
    return acc.where(acc.ne(""), "unit|" + frame["unit"].astype("str"))


def rectification_followup(previous, assessment, accounts: pd.DataFrame | None = None) -> pd.DataFrame:
    """What became of each entry of the previous period's rectification list (see the module docstring).

    ``accounts``: this period's registry; an account closed in it (``closed_at`` given) is ``已关停``
    even when it was still in operation for part of this period."""
    cols = ["unit", "account_id", "account_name", "platform", "criteria_then", "status", "criteria_now",
            "reported", "decision"]
    rect = previous.assessment.rectification
    if rect is None or rect.empty:
        return T._empty(cols)
    r = rect.reset_index(drop=True)
    acc = r["account_id"].astype("str").fillna("")
    now_rect = assessment.rectification if assessment.rectification is not None else r.iloc[:0]
    now_keys = _entry_keys(now_rect) if len(now_rect) else pd.Series([], dtype="str")
    now_criteria = dict(zip(now_keys, now_rect["criteria"].astype("str"))) if len(now_rect) else {}
    keys = _entry_keys(r)
    again = keys.isin(set(now_keys))
    assessed_now = set(assessment.account_scores["account_id"].astype("str")) if assessment.account_scores is not None \
        else set()
    closed_now = set()
    if accounts is not None and len(accounts) and "closed_at" in accounts.columns:
        shut = accounts[accounts["closed_at"].notna()]
        closed_now = set(shut["account_id"].astype("str"))
    closed = acc.ne("") & (~acc.isin(assessed_now) | acc.isin(closed_now))
    # closed comes first: an account closed is the end of its rectification, whatever else was found before
    status = np.select([closed.to_numpy(), again.to_numpy()], [FOLLOWUP_CLOSED, FOLLOWUP_AGAIN], FOLLOWUP_DONE)
    reported = pd.Series("", index=r.index, dtype="str")
    decision = pd.Series("", index=r.index, dtype="str")
    resp = previous.tables.get("responses")
    if resp is not None and len(resp):
        texts = resp.assign(_k=_entry_keys(resp))
        joined = texts[texts["rectification"].astype("str").ne("")].groupby("_k")["rectification"].agg(
            lambda s: "；".join(dict.fromkeys(s.astype("str"))))
        decided = texts[texts["decision"].astype("str").ne("")].groupby("_k")["decision"].agg(
            lambda s: "、".join(dict.fromkeys(s.astype("str"))))
        reported = keys.map(joined).fillna("").astype("str")
        decision = keys.map(decided).fillna("").astype("str")
    out = pd.DataFrame({"unit": r["unit"].astype("str"), "account_id": acc,
                        "account_name": r["account_name"].astype("str").fillna("") if "account_name" in r else "",
                        "platform": r["platform"].astype("str").fillna(""), "criteria_then": r["criteria"].astype("str"),
                        "status": pd.Series(status, index=r.index, dtype="str"),
                        "criteria_now": keys.map(now_criteria).fillna("").astype("str"),
                        "reported": reported, "decision": decision})
    return out[cols].sort_values(["status", "unit", "account_id"], kind="stable").reset_index(drop=True)


def closure_across_periods(followup: pd.DataFrame, previous_name: str) -> pd.DataFrame:
    """Accounts named in the previous period and again now: proposed for closure, with the reason."""
    cols = ["unit", "account_id", "account_name", "platform", "criteria_then", "criteria_now", "reason"]
    if followup is None or followup.empty:
        return T._empty(cols)
    hit = followup[(followup["status"] == FOLLOWUP_AGAIN) & followup["account_id"].ne("")]
    shared = ["、".join(sorted(set(a.split("、")) & set(b.split("、")))) for a, b in
              zip(hit["criteria_then"].astype("str"), hit["criteria_now"].astype("str"))]
    reason = [f"{previous_name}被通报整改（{then}），本期{s}问题再次出现，整改不到位，建议予以关停" if s else
              f"{previous_name}被通报整改（{then}），本期又因其他问题（{now}）被通报，建议予以关停"
              for s, then, now in zip(shared, hit["criteria_then"], hit["criteria_now"])]
    return hit.assign(reason=pd.Series(reason, index=hit.index, dtype="str"))[cols].reset_index(drop=True)


def comparison_summary(previous, assessment, tables: dict, followup: pd.DataFrame) -> pd.DataFrame:
    """Headline figures then and now (``metric, then, now, change``; rates as fractions)."""
    def whole(rates):
        if rates is None or rates.empty:
            return None
        hit = rates[(rates["scope"] == "all") & (rates["group"] == "all")]
        return hit.iloc[0] if len(hit) else None

    pt, pn = whole(previous.tables.get("pass_rates")), whole(tables.get("pass_rates"))
    us_then, us_now = previous.assessment.unit_scores, assessment.unit_scores
    rows = [
        ("检查账号数", float(pt.accounts) if pt is not None else np.nan, float(pn.accounts) if pn is not None else np.nan),
        ("合格率", float(pt.pass_rate) if pt is not None else np.nan, float(pn.pass_rate) if pn is not None else np.nan),
        ("单位平均得分", float(us_then["total"].mean()) if len(us_then) else np.nan,
         float(us_now["total"].mean()) if len(us_now) else np.nan),
        ("问题数", float(len(previous.assessment.findings)), float(len(assessment.findings))),
        ("通报整改账号数", float(T.named_accounts(previous.assessment.rectification)),
         float(T.named_accounts(assessment.rectification))),
    ]
    done = int((followup["status"] == FOLLOWUP_DONE).sum()) if len(followup) else 0
    again = int((followup["status"] == FOLLOWUP_AGAIN).sum()) if len(followup) else 0
    rate = done / (done + again) if done + again else np.nan
    rows.append(("上期通报整改事项整改到位率", np.nan, rate))
    out = pd.DataFrame(rows, columns=["metric", "then", "now"])
    out["change"] = (out["now"] - out["then"]).round(4)
    out["metric"] = out["metric"].astype("str")
    return out


#: the rows of ``comparison_summary`` that are rates (shown as percentages; their change in points)
RATE_METRICS = ("合格率", "上期通报整改事项整改到位率")


def comparison_summary_display(summary: pd.DataFrame) -> pd.DataFrame:
    """``comparison_summary`` as people read it (the sheet and the HTML table; the CSV keeps the numbers):
    rates as percentages and their change in percentage points, counts as whole numbers, scores to 2 decimals.

    Examples
    --------
    >>> s = pd.DataFrame({"metric": ["合格率", "问题数", "单位平均得分"], "then": [0.936, 47.0, 92.4],
    ...                   "now": [0.848, 41.0, 92.13], "change": [-0.088, -6.0, -0.27]})
    >>> comparison_summary_display(s).values.tolist()
    [['合格率', '93.6%', '84.8%', '-8.8个百分点'], ['问题数', '47', '41', '-6'], ['单位平均得分', '92.40', '92.13', '-0.27']]
    """
    def fmt(v, metric, change=False):
        if v is None or pd.isna(v):
            return "—"
        if metric in RATE_METRICS:
            return f"{v * 100:+.1f}个百分点" if change else f"{v:.1%}"
        if metric == "单位平均得分":
            return f"{v:+.2f}" if change else f"{v:.2f}"
        return f"{v:+.0f}" if change else f"{v:.0f}"

    out = summary[["metric"]].copy()
    for c in ("then", "now", "change"):
        out[c] = [fmt(v, m, c == "change") for v, m in zip(summary[c], summary["metric"])]
    return out


def comparison_tables(previous, assessment, tables: dict) -> dict[str, pd.DataFrame]:
    """Every comparison table (see the module docstring), from the previous report and this assessment."""
    follow = rectification_followup(previous, assessment, tables.get("accounts"))
    return {
        "unit_changes": unit_changes(previous.assessment.unit_scores, assessment.unit_scores),
        "account_changes": account_changes(previous.assessment, assessment),
        "rectification_followup": follow,
        "closure_across_periods": closure_across_periods(follow, period_name(previous)),
        "comparison_summary": comparison_summary(previous, assessment, tables, follow),
        "previous_period": pd.DataFrame({"name": [period_name(previous)], "year": [int(previous.year)]}),
    }


def improved_and_fell(changes: pd.DataFrame | None, top: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``top`` units that improved most (change > 0) and those that fell (change < 0), most first."""
    if changes is None or changes.empty:
        return T._empty(["unit"]), T._empty(["unit"])
    c = changes[changes["change"].notna()]
    up = c[c["change"] > 0].sort_values(["change", "unit"], ascending=[False, True], kind="stable").head(top)
    down = c[c["change"] < 0].sort_values(["change", "unit"], ascending=[True, True], kind="stable").head(top)
    return up.reset_index(drop=True), down.reset_index(drop=True)


__all__ = ["RATE_METRICS", "account_changes", "check_previous", "comparison_caveat", "comparison_summary_display", "closure_across_periods", "comparison_summary", "comparison_tables",
           "improved_and_fell", "rectification_followup", "unit_changes"]
