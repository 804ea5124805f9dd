"""Indicators on the account registry and filings: C01–C06, C13, C14.

Each function takes the assessment :class:`~liuan_eval.scoring._common.Context` and the
:class:`~liuan_eval.criteria.Criterion` and returns findings rows (see ``_common.ROW_COLUMNS``);
each is declared (tables, columns, level, parameters, caveat) by the
:func:`~liuan_eval.scoring.declare.criterion` decorator above it.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from liuan_eval.schemas import PLATFORM_LABELS, TIMEZONE
from liuan_eval.scoring._common import (
    DAY,
    Context,
    comparison_key,
    empty_rows,
    fmt_date,
    join_ids,
    platform_label,
    rows,
)
from liuan_eval.scoring.declare import (
    BOOL,
    any_of,
    at_least,
    choices,
    criterion,
    needs,
    optional,
    param,
    string_table,
)
from liuan_eval.workdays import deadline_end, workdays_between

_TS = f"datetime64[ns, {TIMEZONE}]"


def _date_or_empty(v) -> bool:
    if not v:
        return True
    try:
        pd.Timestamp(v)
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v))


@criterion("C01", needs=[needs("accounts")], level="unit", level_fixed=True, every_unit=True,
           params={"platforms_required": choices(("weibo", "wechat", "app")),
                   "opening_deadline": optional(param(str, _date_or_empty, "日期 YYYY-MM-DD，或空字符串（不查开通日期）",
                                                      "a date YYYY-MM-DD, or an empty string (opening dates not checked)"),
                                                "")})
def c01_platforms(ctx: Context, crit) -> pd.DataFrame:
    """C01: every unit runs an account on each required platform during the period, opened by the deadline.

    A required platform is missing when none of the unit's accounts on it is in operation during the
    period. With an ``opening_deadline``, it is also short when every account of the unit on it that is
    in operation was opened during the period and after the deadline (the unit had none before): the
    notice's "date opened vs. deadline", judged in the period the late opening falls in.
    """
    acc = ctx.active_accounts()
    units = pd.DataFrame({"unit": ctx.units()})
    need = [p for p in crit.params["platforms_required"] if p in crit.platforms]
    have = pd.crosstab(acc["unit"], acc["platform"]).reindex(index=units["unit"], columns=need, fill_value=0)
    missing = have == 0
    labels = pd.Series([PLATFORM_LABELS[p] for p in need], index=need)
    late_txt = pd.Series("", index=missing.index, dtype="str")
    deadline = crit.params.get("opening_deadline", "")
    if deadline and len(acc):
        due = pd.Timestamp(deadline, tz=TIMEZONE) + DAY  # the day after the deadline
        opened = acc["opened_at"].dt.floor("D") if "opened_at" in acc.columns else pd.Series(pd.NaT, index=acc.index)
        a = acc[acc["platform"].isin(need)].assign(
            _late=((opened >= due) & (opened >= ctx.start)).fillna(False).astype(bool), _opened=opened)
        g = a.groupby(["unit", "platform"], sort=True)
        late = g["_late"].all()
        late = late[late]
        if len(late) and "opened_at" in ctx.accounts.columns:  # an account before (closed since): a replacement
            every = ctx.accounts[ctx.accounts["platform"].isin(need)]
            closed = every["closed_at"] < ctx.start if "closed_at" in every.columns else False  # opened before it
            before = every[((every["opened_at"].dt.floor("D") < ctx.start) | closed).fillna(False).to_numpy(bool)]
            had = pd.MultiIndex.from_frame(before[["unit", "platform"]].drop_duplicates())
            late = late[~late.index.isin(had)]
        if len(late):
            first = a.sort_values(["_opened", "account_id"]).drop_duplicates(["unit", "platform"]).set_index(
                ["unit", "platform"]).loc[late.index]
            part = (first.index.get_level_values("platform").map(PLATFORM_LABELS).astype("str") + "账号“"
                    + first["account_name"].fillna(first.index.to_frame()["unit"]).astype("str").to_numpy() + "”于"
                    + fmt_date(first["_opened"]).to_numpy() + "开通")
            part = pd.Series(part.to_numpy(), index=first.index.get_level_values("unit"))
            joined = part.groupby(level=0, sort=True).agg("、".join)
            late_txt.loc[joined.index] = (joined + "，晚于" + deadline + "的开通期限（此前没有该平台账号）。").to_numpy()
    short = missing.any(axis=1) | (late_txt != "")
    if not short.any():
        return empty_rows()
    miss_txt = missing.dot(labels + "、").str.rstrip("、")[short]
    n_miss = missing.sum(axis=1)[short]
    expl = pd.Series("", index=miss_txt.index, dtype="str")
    m = n_miss > 0
    expl[m] = (ctx.label + "评估期内" + miss_txt.index.to_series()[m] + "没有在运营的" + miss_txt[m]
               + "账号（应开通" + "、".join(labels) + "共" + str(len(need)) + "个平台，缺"
               + n_miss[m].astype("str") + "个）。")
    lt = late_txt[short]
    expl[lt != ""] = expl[lt != ""] + ctx.label + "评估期内" + lt.index.to_series()[lt != ""] + "的" + lt[lt != ""]
    return rows(miss_txt.index, "", "", ctx.start, ctx.end - DAY, expl.to_numpy(), "")


def _unit_from_name(names: pd.Series, units: pd.Series) -> pd.Series:
    """The longest registry unit name contained in each account name (NA when none)."""
    out = pd.Series(pd.NA, index=names.index, dtype="str")
    best = pd.Series(0, index=names.index)
    for u in units.dropna().unique():  # one vectorised pass per unit (dozens), not per row
        hit = names.str.contains(u, regex=False).fillna(False) & (best < len(u))
        if hit.any():
            out[hit] = u
            best[hit] = len(u)
    return out



@criterion("C02", needs=[needs("accounts"), needs("posts")],
           params={"flag_unregistered": BOOL, "flag_silent_registered": BOOL})
def c02_hall(ctx: Context, crit) -> pd.DataFrame:
    """C02: accounts that post but are not in the registry; registered accounts with no post."""
    acc, posts = ctx.accounts, ctx.posts
    out = []
    if crit.params["flag_unregistered"]:
        stray = posts[~posts["account_id"].isin(acc["account_id"].unique())]
        if len(stray):
            name_col = stray["account"] if "account" in stray.columns else pd.Series(pd.NA, index=stray.index,
                                                                                     dtype="str")
            g = stray.assign(account=name_col).groupby("account_id", sort=True).agg(
                name=("account", "first"), platform=("platform", "first"), n=("post_id", "size"),
                first=("published_at", "min"), last=("published_at", "max"))
            g["name"] = g["name"].astype("str")
            unit = _unit_from_name(g["name"].fillna(""), acc["unit"])
            ev = join_ids(stray["post_id"], stray["account_id"])
            expl = ("账号“" + g["name"].fillna(g.index.to_series()) + "”（" + platform_label(g["platform"])
                    + "，ID " + g.index.to_series() + "）" + ctx.label + "发布" + g["n"].astype("str")
                    + "条信息，但不在账号登记表中，未进驻政务“两微一端”大厅。")
            out.append(rows(unit.to_numpy(), g.index, g["platform"].to_numpy(), g["first"].to_numpy(),
                            g["last"].to_numpy(), expl.to_numpy(), ev.reindex(g.index).to_numpy()))
    if crit.params["flag_silent_registered"]:
        act = acc[acc["active"] & acc["platform"].isin(crit.platforms)]
        silent = act[~act["account_id"].isin(posts["account_id"].unique())]
        if len(silent):
            expl = ("登记在册的" + platform_label(silent["platform"]) + "账号“" + silent["account_name"]
                    + "”在" + fmt_date(silent["active_start"]) + "至" + fmt_date(silent["active_end"] - DAY)
                    + "的在运营期内没有一条发布（0条）。")
            out.append(rows(silent["unit"], silent["account_id"], silent["platform"], silent["active_start"],
                            silent["active_end"] - DAY, expl, ""))
    return pd.concat(out, ignore_index=True) if out else empty_rows()


def _pattern(base: pd.Series, unit_type: pd.Series, platform: pd.Series) -> pd.Series:
    """The notice's 二(二) pattern around a unit name (full or short).

    County: ``<name>人民政府发布`` (``人民政府`` added unless the name ends with it); zone:
    ``<name>发布``; department: ``六安市<name>发布`` (``六安市`` added unless present). Apps
    drop ``发布``.
    """
    base = base.astype("str").str.strip()
    county = base.where(base.str.endswith("人民政府"), base + "人民政府")
    # 市教育局 (the city's own, written without the city's name) → 六安市教育局, not 六安市市教育局
    dept = base.where(base.str.startswith("六安市"), "六安市" + base.str.removeprefix("市"))
    name = base.where(unit_type != "county", county).where(unit_type != "department", dept)
    return name.where(platform == "app", name + "发布")


def unit_short_names(units: pd.Series, short_suffixes: dict[str, str],
                     short_names: dict[str, list[str]]) -> pd.DataFrame:
    """Each unit's full name and its standard short names (规范简称), one row each.

    Short names come from the preset: ``short_suffixes`` turns a full name's ending into its
    short form (``委员会`` → ``委``: 六安市卫生健康委员会 → 六安市卫生健康委), and
    ``short_names`` lists explicit short names of a unit (六安市发展和改革委员会 → 六安市发展改革委).

    Returns
    -------
    DataFrame
        ``unit, base, short`` (``short`` False for the full name itself).

    Examples
    --------
    >>> unit_short_names(pd.Series(["六安市卫生健康委员会", "金安区"]), {"委员会": "委"},
    ...                  {"金安区": ["金安"]}).values.tolist()
    [['六安市卫生健康委员会', '六安市卫生健康委员会', False], ['六安市卫生健康委员会', '六安市卫生健康委', True], ['金安区', '金安区', False], ['金安区', '金安', True]]
    """
    out = []
    for u in pd.Series(units, dtype="str").dropna().str.strip().unique():  # one pass per unit (dozens)
        forms = [u] + [u[: -len(k)] + v for k, v in short_suffixes.items() if u.endswith(k) and len(u) > len(k)]
        forms += short_names.get(u, [])
        for i, f in enumerate(dict.fromkeys(forms)):
            out.append((u, f, i > 0))
    return pd.DataFrame(out, columns=["unit", "base", "short"]).astype({"unit": "str", "base": "str",
                                                                        "short": bool})


def expected_names(unit: pd.Series, unit_type: pd.Series, platform: pd.Series) -> pd.Series:
    """The name the notice's 二(二) prescribes for each account, from the unit's full name.

    County: ``<unit>人民政府发布`` (the unit name gets ``人民政府`` unless it ends with it);
    zone: ``<unit>发布``; department: ``六安市<unit>发布`` (``六安市`` added unless present).
    Apps drop ``发布``. (:func:`c03_naming` also accepts the unit's standard short names.)

    Examples
    --------
    >>> import pandas as pd
    >>> expected_names(pd.Series(["金安区", "教育局", "六安经济技术开发区", "市财政局"]),
    ...                pd.Series(["county", "department", "zone", "department"]),
    ...                pd.Series(["weibo", "app", "wechat", "weibo"])).tolist()
    ['金安区人民政府发布', '六安市教育局', '六安经济技术开发区发布', '六安市财政局发布']
    """
    return _pattern(unit, unit_type, platform)


@criterion("C03", needs=[needs("accounts")],
           params={"require_exact": BOOL, "short_suffixes": string_table("str"),
                   "short_names": string_table("list")})
def c03_naming(ctx: Context, crit) -> pd.DataFrame:
    """C03: account names against the notice's patterns, from the unit's full or standard short name.

    With ``require_exact`` the name (whitespace and punctuation ignored) must be the pattern
    around the unit's full name or one of its short names (:func:`unit_short_names`);
    without it, the name need only contain the unit's full or short name.
    """
    acc = ctx.active_accounts()
    acc = acc[acc["platform"].isin(crit.platforms)]
    if not len(acc):
        return empty_rows()
    forms = unit_short_names(acc["unit"], crit.params["short_suffixes"], crit.params["short_names"])
    pos = np.arange(len(acc))
    grid = pd.DataFrame({"pos": pos, "unit": acc["unit"].astype("str").str.strip().to_numpy(),
                         "unit_type": acc["unit_type"].to_numpy(), "platform": acc["platform"].to_numpy()}
                        ).merge(forms, on="unit", how="left")
    grid["want"] = _pattern(grid["base"].fillna(grid["unit"]), grid["unit_type"], grid["platform"])
    have = comparison_key(acc["account_name"].fillna("")).fillna("").to_numpy(dtype=object)[grid["pos"].to_numpy()]
    target = grid["want"] if crit.params["require_exact"] else grid["base"].fillna(grid["unit"])
    norm = comparison_key(target).fillna("").to_numpy(dtype=object)
    if crit.params["require_exact"]:
        hit = have == norm
    else:  # one vectorised pass per distinct unit name (dozens)
        hit = np.zeros(len(grid), dtype=bool)
        have_s = pd.Series(have, dtype="str")
        for t in pd.unique(norm):
            m = norm == t
            hit[m] = have_s[m].str.contains(t, regex=False).fillna(False).to_numpy(dtype=bool) if t else False
    ok = np.zeros(len(acc), dtype=bool)
    ok[grid.loc[hit, "pos"].to_numpy()] = True
    bad = ~ok
    a = acc[bad]
    if not len(a):
        return empty_rows()
    g = grid[grid["pos"].isin(pos[bad])]
    full = g[~g["short"].fillna(False).astype(bool)].drop_duplicates("pos").set_index("pos")["want"]
    short = g[g["short"].fillna(False).astype(bool)].groupby("pos")["want"].agg("”“".join)
    want = full.reindex(pos[bad]).to_numpy(dtype=object)
    alt = short.reindex(pos[bad])
    alt_txt = ("（或规范简称“" + alt + "”）").fillna("").to_numpy(dtype=object)
    expl = (platform_label(a["platform"]) + "账号名称“" + a["account_name"].fillna("（空）") + "”不符合命名规范，应为“"
            + want + "”" + alt_txt + "。")
    return rows(a["unit"], a["account_id"], a["platform"], a["active_start"], a["active_end"] - DAY, expl, "")


def _filed_open(ctx: Context, acc: pd.DataFrame) -> pd.Series:
    """The filing of each account's opening: the earlier of ``accounts.filed_at`` and an ``open`` filing."""
    filed = acc["filed_at"] if "filed_at" in acc.columns else pd.Series(pd.NaT, index=acc.index, dtype=_TS)
    f = ctx.filings
    if f is not None and len(f) and "account_id" in f.columns:
        op = f[f["event"] == "open"].groupby("account_id")["filed_at"].min()
        if len(op):
            other = acc["account_id"].map(op)
            filed = filed.where(other.isna() | (filed <= other).fillna(False), other)
    return filed


@criterion("C04", needs=[needs("accounts", "opened_at"),
                         any_of(needs("accounts", evidence=("filed_at",)),
                                needs("filings", where=("event", ("open",))))],
           params={"max_workdays": at_least(0, "工作日", "working days")})
def c04_opening_filed(ctx: Context, crit) -> pd.DataFrame:
    """C04: openings filed within ``max_workdays`` working days (deadline in the period)."""
    acc = ctx.accounts
    acc = acc[acc["platform"].isin(crit.platforms) & acc["opened_at"].notna()]
    n = crit.params["max_workdays"]
    due = deadline_end(acc["opened_at"], n)
    keep = ctx.due_in(due)
    new, due = acc[keep], due[keep]
    if not len(new):
        return empty_rows()
    filed = _filed_open(ctx, new)
    wd = workdays_between(new["opened_at"], filed)
    late = (filed.notna() & (wd > n)).fillna(False)
    missing = filed.isna()
    bad = (late | missing).to_numpy()
    a = new[bad]
    if not len(a):
        return empty_rows()
    what = pd.Series(np.where(missing[bad], "至评估期末仍未报备", "于" + fmt_date(filed[bad]) + "报备，用了"
                              + wd[bad].astype("str") + "个工作日"), index=a.index)
    expl = (platform_label(a["platform"]) + "账号“" + a["account_name"] + "”" + fmt_date(a["opened_at"]) + "开通，"
            + what + "（应在" + str(n) + "个工作日内报备）。")
    return rows(a["unit"], a["account_id"], a["platform"], a["opened_at"],
                filed[bad].fillna(ctx.end - DAY), expl, "")


def _c05_caveat(crit):
    n = crit.params["min_workdays_ahead"]
    return (f"关停、更名没有填写批准时间的，只核对报备是否提前{n}个工作日，不核对批准。",
            f"Closures/renames without an approval date are checked for the filing date only ({n} working days ahead).")


#: A closure filing and the registry's closing day this far apart are two closures (reopened in between).
CLOSURE_MATCH_DAYS = 90


def _near(a: pd.Series, b: pd.Series) -> pd.Series:
    """Whether two days are within :data:`CLOSURE_MATCH_DAYS` of each other (NA when one is missing)."""
    return (a - b).abs() <= pd.Timedelta(days=CLOSURE_MATCH_DAYS)


@criterion("C05", needs=[needs("accounts"), any_of(needs("filings"), needs("accounts", evidence=("closure_filed_at",)))],
           params={"min_workdays_ahead": at_least(0, "工作日", "working days")}, caveat=_c05_caveat)
def c05_change_filed(ctx: Context, crit) -> pd.DataFrame:
    """C05: closures and renames filed (and approved) ``min_workdays_ahead`` working days ahead.

    Judged in the period the change takes effect in. An approval dated on the day of the
    change, with or without a time, is in time; one dated a later day is not (dates compared
    by calendar day, Asia/Shanghai).
    """
    acc, f = ctx.accounts, ctx.filings
    n = crit.params["min_workdays_ahead"]
    parts = []
    closed_at = acc.set_index("account_id")["closed_at"] if "closed_at" in acc.columns else None
    if closed_at is not None:
        closed_at = closed_at[~closed_at.index.duplicated()]
    covered = pd.Series([], dtype="str")
    if f is not None and len(f):
        ev = f[f["event"].isin(["close", "rename"])]
        ev = ev.assign(approved_at=ev["approved_at"] if "approved_at" in ev.columns
                       else pd.Series(pd.NaT, index=ev.index, dtype=_TS),
                       account_id=ev["account_id"] if "account_id" in ev.columns
                       else pd.Series(pd.NA, index=ev.index, dtype="str"))
        if closed_at is not None:  # the account closed on the registry's day when that came first
            actual = ev["account_id"].map(closed_at)
            same = ((ev["event"] == "close") & _near(actual, ev["event_date"])).fillna(False).astype(bool)
            ev = ev.assign(event_date=ev["event_date"].where(~(same & (actual < ev["event_date"])), actual))
        ev = ev[(ev["event_date"] >= ctx.start) & (ev["event_date"] < ctx.end)]
        parts.append(ev[["unit", "account_id", "event", "event_date", "filed_at", "approved_at"]])
        if "account_id" in f.columns and closed_at is not None:  # the filings of this closure, not an older one
            cl = f[f["event"].isin(["close", "emergency_close"]) & f["account_id"].notna()]
            covered = cl.loc[_near(cl["account_id"].map(closed_at), cl["event_date"]).fillna(False).to_numpy(bool),
                             "account_id"]
    if closed_at is not None:
        closed = acc[(acc["closed_at"] >= ctx.start) & (acc["closed_at"] < ctx.end)
                     & ~acc["account_id"].isin(covered.dropna())]
        cf = closed["closure_filed_at"] if "closure_filed_at" in closed.columns \
            else pd.Series(pd.NaT, index=closed.index, dtype=_TS)
        parts.append(pd.DataFrame({"unit": closed["unit"], "account_id": closed["account_id"], "event": "close",
                                   "event_date": closed["closed_at"], "filed_at": cf,
                                   "approved_at": pd.Series(pd.NaT, index=closed.index, dtype=_TS)}))
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_rows()
    ev = pd.concat(parts, ignore_index=True)
    wd = workdays_between(ev["filed_at"], ev["event_date"])
    short = (wd < n).fillna(False)
    unfiled = ev["filed_at"].isna()
    # by calendar day: "2025-06-01" and "2025-06-01 10:00" for a change on 1 June are the same answer
    late_ok = (ev["approved_at"].dt.floor("D") > ev["event_date"].dt.floor("D")).fillna(False)
    bad = short | unfiled | late_ok
    e = ev[bad]
    if not len(e):
        return empty_rows()
    info = ctx.account_info(e["account_id"])
    what_ev = e["event"].map({"close": "关闭", "rename": "更名"}).astype("str")
    why = pd.Series(np.select(
        [unfiled[bad].to_numpy(), short[bad].to_numpy()],
        ["没有报备", "报备于" + fmt_date(e["filed_at"]) + "，只提前" + wd[bad].astype("str") + "个工作日"],
        "报备于" + fmt_date(e["filed_at"]) + "但" + fmt_date(e["approved_at"]) + "才批准（晚于生效日）"),
        index=e.index)
    who = ("账号“" + info["account_name"].fillna(e["account_id"].fillna("")) + "”").where(
        e["account_id"].notna(), "单位账号")
    expl = (who + fmt_date(e["event_date"]) + what_ev + "，" + why + "（应提前" + str(n) + "个工作日报备并获批准）。")
    return rows(e["unit"], e["account_id"].fillna(""), info["platform"], e["filed_at"].fillna(e["event_date"]),
                e["event_date"], expl, "")


@criterion("C06", needs=[needs("filings")])
def c06_emergency_filed(ctx: Context, crit) -> pd.DataFrame:
    """C06: emergency closures filed by the end of the calendar day of the closure.

    The Definitions' "next working day" extension is for *messages* that arrive on a
    non-working day (C08); an emergency closure is filed the same calendar day. Judged in
    the period that deadline falls in (a closure on 31 December: the next period).
    """
    f = ctx.filings
    ev = f[f["event"] == "emergency_close"]
    due = ev["event_date"].dt.floor("D") + DAY
    keep = ctx.due_in(due)
    ev, due = ev[keep], due[keep]
    if not len(ev):
        return empty_rows()
    bad = ev["filed_at"].isna() | (ev["filed_at"] >= due).fillna(False)
    e = ev[bad]
    if not len(e):
        return empty_rows()
    acc_id = e["account_id"] if "account_id" in e.columns else pd.Series(pd.NA, index=e.index, dtype="str")
    info = ctx.account_info(acc_id)
    late_days = ((e["filed_at"].dt.floor("D") - due[bad].dt.floor("D")).dt.days + 1).astype("Int64")
    why = pd.Series(np.where(e["filed_at"].isna(), "没有报备",
                             "于" + fmt_date(e["filed_at"]) + "才报备（晚" + late_days.astype("str") + "天）"),
                    index=e.index)
    expl = ("账号“" + info["account_name"].fillna(acc_id.fillna("")) + "”" + fmt_date(e["event_date"])
            + "紧急关闭，" + why + "（应在" + fmt_date(due[bad] - DAY) + "当天内报备）。")
    return rows(e["unit"], acc_id.fillna(""), info["platform"], e["event_date"],
                e["filed_at"].fillna(due[bad] - DAY), expl, "")


@criterion("C13", needs=[needs("accounts", evidence=("operators",))], level="unit", level_fixed=True, every_unit=True,
           params={"min_operators": at_least(1, "人", "people")})
def c13_operators(ctx: Context, crit) -> pd.DataFrame:
    """C13: operators per unit (summed over its accounts in operation on the criterion's platforms) at least
    ``min_operators``."""
    acc = ctx.accounts
    act = acc[acc["active"] & acc["platform"].isin(crit.platforms)]
    total = act.groupby("unit")["operators"].sum(min_count=0).reindex(ctx.units(), fill_value=0)
    total = total.fillna(0)
    k = crit.params["min_operators"]
    bad = total[total < k]
    if not len(bad):
        return empty_rows()
    expl = bad.index.to_series() + "在运营账号登记的运维人员合计" + bad.astype("Int64").astype("str") + "人，少于" + str(k) + "人。"
    return rows(bad.index, "", "", ctx.start, ctx.end - DAY, expl.to_numpy(), "")


@criterion("C14", needs=[needs("accounts"),
                         any_of(needs("accounts", evidence=("liaison_officer",)),
                                needs("accounts", evidence=("information_officer",)),
                                needs("filings", where=("event", ("staff_change",))))],
           level="unit", level_fixed=True, every_unit=True,
           params={"max_workdays": at_least(0, "工作日", "working days")})
def c14_officers(ctx: Context, crit) -> pd.DataFrame:
    """C14: a liaison and an information officer named per unit; staff changes filed in time.

    Each officer column that holds names is checked; staff changes (``staff_change``
    filings) are judged in the period their filing deadline falls in.
    """
    acc = ctx.accounts
    out = []
    act = acc[acc["active"] & acc["platform"].isin(crit.platforms)]  # the officers of 两微一端 (五(一))
    units = ctx.units()
    for c, label in (("liaison_officer", "联络员"), ("information_officer", "信息员")):
        if not ctx.usable("accounts", evidence=(c,)):  # in the export (empty everywhere: nobody named)
            continue
        named = act[c].notna() & (act[c].str.strip() != "")
        ok = act.loc[named, "unit"].unique()
        miss = units[~units.isin(ok)]
        if len(miss):
            out.append(rows(miss, "", "", ctx.start, ctx.end - DAY,
                            (miss.to_series() + "的在运营账号都没有登记" + label + "。").to_numpy(), ""))
    f = ctx.filings
    if f is not None and len(f):
        n = crit.params["max_workdays"]
        staff = f[f["event"] == "staff_change"]
        due = deadline_end(staff["event_date"], n)
        staff = staff[ctx.due_in(due)]
        wd = workdays_between(staff["event_date"], staff["filed_at"])
        bad = (wd > n).fillna(False) | staff["filed_at"].isna()
        s = staff[bad]
        if len(s):
            why = pd.Series(np.where(s["filed_at"].isna(), "至评估期末仍未报备",
                                     "于" + fmt_date(s["filed_at"]) + "报备，用了" + wd[bad].astype("str") + "个工作日"),
                            index=s.index)
            expl = s["unit"] + "“两员”于" + fmt_date(s["event_date"]) + "变更，" + why + "（应在" + str(n) + "个工作日内报备）。"
            ev = s["account_id"].fillna("") if "account_id" in s.columns else ""
            out.append(rows(s["unit"], "", "", s["event_date"], s["filed_at"].fillna(ctx.end - DAY), expl, ev))
    return pd.concat(out, ignore_index=True) if out else empty_rows()


@criterion("C21", needs=[needs("accounts")], level="unit", level_fixed=True,
           params={"max_per_platform": at_least(1, "个账号", "accounts")})
def c21_channels_consolidated(ctx: Context, crit) -> pd.DataFrame:
    """C21 (2019 checklist, 未整合): a unit runs at most ``max_per_platform`` accounts at the same time on each
    of the criterion's platforms; one finding per unit and platform with more (the accounts' ids as evidence).

    Examples
    --------
    >>> from liuan_eval.criteria import load_criteria
    >>> from liuan_eval.dataset import Dataset
    >>> from liuan_eval.scoring._common import build_context
    >>> acc = pd.DataFrame({"unit": ["甲县"] * 3, "unit_type": "county", "platform": ["weibo", "weibo", "app"],
    ...                     "account_id": ["W1", "W2", "A1"], "account_name": ["甲县人民政府发布", "甲县发布", "甲县人民政府"]})
    >>> c = load_criteria("state_council_2019")
    >>> c21_channels_consolidated(build_context(Dataset(accounts=acc), 2025, c), c["C21"])["explanation"].tolist()
    ['甲县在微博同时有2个在运营账号（甲县人民政府发布、甲县发布），渠道未整合（每个平台应只保留1个）。']
    """
    acc = ctx.active_accounts()
    acc = acc[acc["platform"].isin(crit.platforms)].sort_values(["unit", "platform", "account_id"], kind="stable")
    k = crit.params["max_per_platform"]
    # accounts in operation at the same time (a replacement opened after the old one closed is not two):
    # the most running at once, by a sweep over the openings (+1) and closings (-1) of each unit's platform
    ev = pd.concat([acc[["unit", "platform"]].assign(t=acc["active_start"], d=1),
                    acc[["unit", "platform"]].assign(t=acc["active_end"] - DAY, d=-1)],  # handed over on its closing day
                   ignore_index=True)
    ev = ev.sort_values(["unit", "platform", "t", "d"], kind="stable")  # a closing before an opening at one instant
    ev["n"] = ev.groupby(["unit", "platform"], sort=False)["d"].cumsum()
    most = ev.groupby(["unit", "platform"], sort=True)["n"].max()
    many = most[most > k]
    if not len(many):
        return empty_rows()
    # name the accounts that ran beside another one (not an old one closed before the others opened)
    pairs = acc[["unit", "platform", "account_id", "active_start", "active_end"]].merge(
        acc[["unit", "platform", "account_id", "active_start", "active_end"]], on=["unit", "platform"])
    pairs = pairs[(pairs["account_id_x"] != pairs["account_id_y"])
                  & (pairs["active_start_x"] < pairs["active_end_y"] - DAY)
                  & (pairs["active_start_y"] < pairs["active_end_x"] - DAY)]
    acc = acc[acc["account_id"].isin(pairs["account_id_x"])]
    g = acc.groupby(["unit", "platform"], sort=True)
    names = g["account_name"].agg(lambda s: "、".join(s.astype("str"))).loc[many.index]  # per unit and platform
    ids = g["account_id"].agg(lambda s: " ".join(s.astype("str"))).loc[many.index]
    units = pd.Series(many.index.get_level_values("unit"), index=many.index, dtype="str")
    plats = pd.Series(many.index.get_level_values("platform"), index=many.index, dtype="str")
    expl = (units + "在" + platform_label(plats) + "同时有" + many.astype("str") + "个在运营账号（" + names
            + "），渠道未整合（每个平台应只保留" + str(k) + "个）。")
    return rows(units.to_numpy(), "", plats.to_numpy(), ctx.start, ctx.end - DAY, expl.to_numpy(), ids.to_numpy())
