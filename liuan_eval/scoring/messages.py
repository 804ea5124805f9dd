"""Indicators on public messages: C07 (in-scope replies within 5 working days), C08 (out-of-scope
explanations the same day), C09 (reply quality), and the headline reply figures.

A finding is per receiving account (or per unit when the message names no account): it counts
the account's late or poor replies and lists their ids as evidence. C07 and C08 judge the
messages whose reply deadline falls in the period (received on 24 December and due in
January: the next period's), C09 the replies to messages received in the period.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from liuan_eval.scoring._common import (
    Context,
    comparison_key,
    empty_rows,
    group_codes,
    join_ids,
    num,
    platform_label,
    rows,
)
from liuan_eval.scoring.declare import BOOL, at_least, criterion, needs, strings
from liuan_eval.workdays import deadline_end, same_day_deadline, workdays_between


def in_scope_mask(m: pd.DataFrame, na_counts_in: bool = True) -> pd.Series:
    """In-scope messages: ``in_scope`` True, or missing when ``na_counts_in`` (the default)."""
    if "in_scope" not in m.columns:
        return pd.Series(na_counts_in, index=m.index)
    return m["in_scope"].astype("boolean").fillna(na_counts_in).astype(bool)


def _replied(m: pd.DataFrame) -> pd.Series:
    return m["replied_at"] if "replied_at" in m.columns else pd.Series(pd.NaT, index=m.index,
                                                                       dtype=m["received_at"].dtype)


def _per_account(ctx: Context, m: pd.DataFrame, bad: pd.Series, total: pd.Series | None, until: pd.Series,
                 sentence) -> pd.DataFrame:
    """Group the bad messages by (unit, account) and build one finding per group (integer-coded groups)."""
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return empty_rows()
    empty = pd.Series("", index=m.index, dtype="str")
    all_u = m["unit"] if "unit" in m.columns else empty
    all_a = m["account_id"] if "account_id" in m.columns else empty
    code, uniq = group_codes([all_u, all_a])
    k = len(uniq)
    tot = pd.Series(np.bincount(code, minlength=k))
    bc = code[bad]
    n = pd.Series(np.bincount(bc, minlength=k))
    rep = _replied(m)
    # unanswered at the period's end: no reply, or one given only after the period (the check) had ended
    open_at_end = (rep.isna() | (rep >= ctx.end)).to_numpy(dtype=bool)
    unans = pd.Series(np.bincount(bc, weights=open_at_end[bad], minlength=k)).astype("int64")
    t0 = pd.Series(m["received_at"].array[bad]).groupby(bc).min()
    t1 = pd.Series(until.array[bad]).groupby(bc).max()
    plat_all = m["platform"].to_numpy(dtype=object) if "platform" in m.columns else np.full(len(m), None)
    p2 = pd.Series(plat_all[bad]).groupby(bc).first()
    ids = m["message_id"].to_numpy(dtype=object)[bad]
    ev = join_ids(pd.Series(ids), pd.Series(bc.astype("str")))
    groups = np.flatnonzero(n.to_numpy() > 0)
    g = pd.DataFrame({"n": n[groups].to_numpy(), "unans": unans[groups].to_numpy(),
                      "first": t0.reindex(groups).to_numpy(), "last": t1.reindex(groups).to_numpy()})
    units = pd.Series(uniq["k0"].to_numpy()[groups], dtype="str")
    accs = pd.Series(uniq["k1"].to_numpy()[groups], dtype="str")
    info = ctx.account_info(accs.where(accs != ""))
    plat = info["platform"].fillna(pd.Series(p2.reindex(groups).to_numpy(), dtype="str"))
    who = (platform_label(plat.fillna("")) + "账号“" + info["account_name"].fillna(accs) + "”").where(
        accs != "", units + "（未注明账号）")
    expl = sentence(who, g, pd.Series(tot[groups].to_numpy()))
    out = rows(units.to_numpy(), accs.to_numpy(), plat.to_numpy(), g["first"], g["last"],
               expl.to_numpy(), ev.reindex(groups.astype("str")).to_numpy())
    out["_unanswered"] = g["unans"].to_numpy()  # internal: the engine keeps only the findings columns
    return out


def reply_delays(ctx: Context, m: pd.DataFrame, n: int) -> pd.DataFrame:
    """Working days to reply and lateness for messages (vectorised).

    Returns
    -------
    DataFrame
        ``workdays`` (Int64, NA when unanswered), ``deadline`` (exclusive instant),
        ``due_in_period`` (bool: the deadline falls in the period, so the message is judged
        in it), ``late`` (bool: replied after ``n`` working days, or still unanswered; only
        meaningful where ``due_in_period``).
    """
    rep = _replied(m)
    wd = workdays_between(m["received_at"], rep)
    due = deadline_end(m["received_at"], n)
    late = (wd > n).fillna(False) | rep.isna()
    return pd.DataFrame({"workdays": wd, "deadline": due, "due_in_period": ctx.due_in(due),
                         "late": late.astype(bool)}, index=m.index)


def _in_platforms(m: pd.DataFrame, crit) -> pd.DataFrame:
    if "platform" in m.columns:
        return m[m["platform"].isna() | m["platform"].isin(crit.platforms)]
    return m


def _c07_caveat(crit):
    if not crit.params["na_scope_counts_in"]:
        return None
    n = crit.params["max_workdays"]
    return (f"“是否属本单位职责”未填的留言按职责内计（适用{n}个工作日答复时限）。",
            f"Messages with no in-scope flag are taken as in scope ({n}-working-day rule).")


@criterion("C07", needs=[needs("messages", "received_at", evidence=("replied_at",), carried=True)], caveat=_c07_caveat,
           params={"max_workdays": at_least(1, "工作日", "working days"), "na_scope_counts_in": BOOL,
                   "veto_unanswered_only": BOOL})
def c07_reply_in_time(ctx: Context, crit) -> pd.DataFrame:
    """C07: in-scope messages replied within ``max_workdays`` working days (deadline in the period)."""
    m = ctx.messages_all
    m = _in_platforms(m[in_scope_mask(m, crit.params["na_scope_counts_in"])], crit)
    n = crit.params["max_workdays"]
    d = reply_delays(ctx, m, n)
    m, d = m[d["due_in_period"]], d[d["due_in_period"]]
    if not len(m):
        return empty_rows()
    until = _replied(m).fillna(d["deadline"])

    def sentence(who, g, tot):
        rate = (1 - g["n"] / tot) * 100
        return (who + ctx.label + "到期应答复的职责内留言" + tot.astype("str") + "条，其中" + g["n"].astype("str")
                + "条超过" + str(n) + "个工作日未答复（含至期末仍未答复" + g["unans"].astype("str") + "条），按时答复率"
                + num(rate) + "%。")

    out = _per_account(ctx, m, d["late"], pd.Series(1, index=m.index), until, sentence)
    if crit.params.get("veto_unanswered_only") and len(out):
        # veto only where a message is still unanswered past its deadline (互动回应差)
        out["_veto"] = out["_unanswered"].to_numpy() > 0
    return out


@criterion("C08", needs=[needs("messages", "received_at", "in_scope", evidence=("replied_at",), carried=True)])
def c08_out_of_scope(ctx: Context, crit) -> pd.DataFrame:
    """C08: out-of-scope messages explained the same day (non-working day: by the next working day's end)."""
    m = ctx.messages_all
    m = _in_platforms(m[m["in_scope"].astype("boolean").eq(False).fillna(False).astype(bool)], crit)
    due = same_day_deadline(m["received_at"])
    keep = ctx.due_in(due)
    m, due = m[keep], due[keep]
    if not len(m):
        return empty_rows()
    rep = _replied(m)
    late = (rep >= due).fillna(False) | rep.isna()

    def sentence(who, g, tot):
        return (who + ctx.label + "到期应说明的非本单位职责留言" + tot.astype("str") + "条，其中" + g["n"].astype("str")
                + "条没有在当天说明情况、指明途径（含未答复" + g["unans"].astype("str") + "条）。")

    return _per_account(ctx, m, late, pd.Series(1, index=m.index), rep.fillna(due), sentence)


def poor_replies(text: pd.Series, min_chars: int, boilerplate: list[str]) -> pd.Series:
    """Replies that are empty, shorter than ``min_chars`` characters, a stock phrase, or stock phrases
    strung together (what is left once every stock phrase is taken out is shorter than ``min_chars``).

    Whitespace and punctuation are removed before counting and comparing.

    Examples
    --------
    >>> import pandas as pd
    >>> poor_replies(pd.Series(["已收到。", "您好！您反映的路灯问题已于3月2日修复，感谢监督。", None,
    ...                         "您好，感谢您的留言，已转相关部门处理。"]), 10,
    ...              ["已收到", "您好", "感谢您的留言", "已转相关部门"]).tolist()
    [True, False, True, True]
    """
    import re

    norm = comparison_key(text).fillna("")
    stock = [x for x in dict.fromkeys(comparison_key(pd.Series(boilerplate, dtype="str")).dropna().tolist()) if x]
    poor = (norm.str.len() < min_chars) | norm.isin(set(stock))
    if stock and min_chars > 0:  # one pass: the longest phrases first
        pattern = "|".join(re.escape(x) for x in sorted(stock, key=len, reverse=True))
        poor |= norm.str.replace(pattern, "", regex=True).str.len() < min_chars
    return poor


@criterion("C09", needs=[needs("messages", "received_at", "replied_at", "reply_text")],
           params={"min_chars": at_least(0, "字", "characters"), "boilerplate": strings()})
def c09_reply_quality(ctx: Context, crit) -> pd.DataFrame:
    """C09: replies that are empty or boilerplate (simple deterministic rule; see the preset)."""
    m = ctx.messages
    m = _in_platforms(m[m["replied_at"].notna()], crit)
    if not len(m):
        return empty_rows()
    bad = poor_replies(m["reply_text"], crit.params["min_chars"], crit.params["boilerplate"])

    def sentence(who, g, tot):
        return (who + ctx.label + "答复留言" + tot.astype("str") + "条，其中" + g["n"].astype("str")
                + "条答复为空或是套话（去掉标点后不足" + str(crit.params["min_chars"]) + "个字或为固定套话），没有直接回应所问。")

    return _per_account(ctx, m, bad, pd.Series(1, index=m.index), m["replied_at"], sentence)


def message_metrics(ctx: Context) -> dict:
    """Headline reply figures: messages received, in scope, reply rate, on-time rates, median working days.

    Counts, reply rate, ``on_time_rate`` and the median are over the messages *received* in
    the period (``on_time_rate``: in-scope messages answered in time, out of those answered or
    past their deadline before the period's end — the figure the report's reply table shows);
    ``c07_on_time_rate`` is over the in-scope messages C07 judges, those whose deadline falls
    in the period (late-December messages of the previous period included).
    """
    return combine_message_metrics([message_metric_parts(ctx)])


def message_metric_parts(ctx: Context) -> dict:
    """The counts :func:`message_metrics` is made of, for the messages of ``ctx`` (one partition or all):
    additive, so that the figures of several partitions combine exactly (:func:`combine_message_metrics`)."""
    m = ctx.messages
    if m is None or not len(m) or "received_at" not in m.columns:
        return {"messages": 0}
    c = ctx.criteria["C07"].params if "C07" in ctx.criteria else {"max_workdays": 5, "na_scope_counts_in": True}
    ins = m[in_scope_mask(m, c["na_scope_counts_in"])]
    d = reply_delays(ctx, ins, c["max_workdays"])
    replied = _replied(ins).notna()
    due = (d["deadline"] < ctx.end) | replied
    alll = ctx.messages_all
    alll = alll[in_scope_mask(alll, c["na_scope_counts_in"])]
    judged = reply_delays(ctx, alll, c["max_workdays"])
    judged = judged[judged["due_in_period"]]
    on_time = ~d["late"][due]
    judged_on_time = ~judged["late"]
    workdays = pd.Series(d["workdays"].astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    return {"messages": int(len(m)), "messages_in_scope": int(len(ins)), "replied": int(replied.sum()),
            "on_time": int(on_time.sum()), "due": int(on_time.count()),
            "judged_on_time": int(judged_on_time.sum()), "judged": int(judged_on_time.count()),
            "workdays": workdays.dropna().value_counts().sort_index()}


def combine_message_metrics(parts: list[dict]) -> dict:
    """The headline reply figures of :func:`message_metrics` from the counts of each partition."""
    parts = [p for p in parts if p["messages"]]
    if not parts:
        return {"messages": 0}
    n = {k: sum(p[k] for p in parts) for k in ("messages", "messages_in_scope", "replied", "on_time", "due",
                                                "judged_on_time", "judged")}
    wd = pd.concat([p["workdays"] for p in parts]).groupby(level=0).sum().sort_index()
    median = float("nan")
    if n["replied"] and wd.sum():
        values, counts = wd.index.to_numpy(dtype=float), np.cumsum(wd.to_numpy())
        total = int(counts[-1])
        mid = values[np.searchsorted(counts, [(total - 1) // 2 + 1, total // 2 + 1])]
        median = float(np.mean(mid))
    return {
        "messages": n["messages"],
        "messages_in_scope": n["messages_in_scope"],
        "reply_rate": n["replied"] / n["messages_in_scope"] if n["messages_in_scope"] else float("nan"),
        "on_time_rate": n["on_time"] / n["due"] if n["due"] else float("nan"),
        "c07_on_time_rate": n["judged_on_time"] / n["judged"] if n["judged"] else float("nan"),
        "median_reply_workdays": median,
    }
