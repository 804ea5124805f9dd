"""The assessment engine: criteria → findings → unit and account scores, grades, ranks.

``score(dataset, year=..., criteria="liuan_2016")`` runs one indicator function per
criterion of the preset (modules ``registry``, ``messages``, ``activity``, ``influence``),
each declared once with :func:`liuan_eval.scoring.declare.criterion` and returning findings
rows; everything else is derived from the findings and from which criteria could be assessed:

- before an indicator runs, the engine checks what it declares it needs: a table missing
  or empty, or a needed column absent or entirely empty, makes the criterion *not
  assessed* (listed with the Chinese reason in ``not_assessed`` and the caveats; its column
  is empty) and the total is rescaled to ``full_marks`` over the criteria assessed — never a
  silent 0 or 100;
- a criterion's points for a unit are ``weight − deduction × (findings of the unit and its
  accounts)``, never below 0; for an account, its own findings;
- a finding on a veto criterion makes the unit (and account) fail and leaves its total empty (nothing else
  is scored; the points per criterion stay, to show what else was found);
- grades from the preset's bands; rank 1 is the best total (vetoed units rank last);
- ``rectification`` (通报整改): accounts (or units) with findings on ``rectify`` criteria;
  ``closure`` (关停): accounts with at least ``closure_after`` such findings in the year;
- ``repost``: the C12 table (:func:`liuan_eval.scoring.activity.repost_timeliness`), one row
  per key release and account required to repost it; C12's findings are its late and
  missing rows.

Examples
--------
>>> import pandas as pd
>>> from liuan_eval.dataset import Dataset
>>> from liuan_eval.scoring import score
>>> tz = "Asia/Shanghai"
>>> acc = pd.DataFrame({"unit": ["金安区"], "unit_type": ["county"], "platform": ["weibo"],
...     "account_id": ["1"], "account_name": ["金安区人民政府发布"],
...     "opened_at": pd.to_datetime(["2016-10-08"]).tz_localize(tz)})
>>> posts = pd.DataFrame({"account_id": ["1", "1"], "platform": ["weibo", "weibo"], "post_id": ["a", "b"],
...     "published_at": pd.to_datetime(["2025-01-01 09:00", "2025-12-31 09:00"]).tz_localize(tz)})
>>> a = score(Dataset(accounts=acc, posts=posts), year=2025)
>>> a.findings.loc[a.findings["criterion"] == "C15", "explanation"].iloc[0]
'微博账号“金安区人民政府发布”2025-01-02至2025-12-30连续363天未更新（15天以上为“僵尸”“睡眠”账号）。'
>>> "C07" in set(a.not_assessed["criterion"])
True
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.criteria import Criteria, load_criteria
from liuan_eval.i18n import tr
from liuan_eval.scoring import activity, content, messages, registry  # noqa: F401 - their criteria are declared on import
from liuan_eval.scoring._common import FINDING_COLUMNS, Context, build_context, fix_rows
from liuan_eval.scoring.activity import REPOST_COLUMNS, repost_timeliness
from liuan_eval.scoring.appeals import withdraw
from liuan_eval.scoring.declare import criterion, criterion_caveats, criterion_tables, declarations, needs
from liuan_eval.scoring.influence import influence_index


@dataclass
class Assessment:
    """The result of :func:`score` (see ``docs/architecture.md`` for every table's columns)."""

    findings: pd.DataFrame
    unit_scores: pd.DataFrame
    account_scores: pd.DataFrame
    rectification: pd.DataFrame
    closure: pd.DataFrame
    not_assessed: pd.DataFrame
    caveats: list[str] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    criteria: Criteria | None = None
    year: int | None = None
    #: The C12 table (:func:`liuan_eval.scoring.activity.repost_timeliness`); ``None`` when the
    #: preset has no C12 or C12 was not assessed.
    repost: pd.DataFrame | None = None
    #: Findings withdrawn on an accepted appeal (:mod:`liuan_eval.scoring.appeals`), with the reason;
    #: ``None`` when no appeal was given.
    withdrawn: pd.DataFrame | None = None
    #: C20's suspects (:func:`liuan_eval.scoring.content.content_suspects`) with the office's verdicts
    #: (``status`` 待核定/确认/不成立); ``None`` when the preset has no C20 or C20 was not assessed.
    content_suspects: pd.DataFrame | None = None

    def write(self, out: str | Path, quarantine: pd.DataFrame | None = None) -> dict[str, Path]:
        """Write ``unit_scores.csv``, ``account_scores.csv``, ``findings.csv`` (and
        ``quarantine.csv`` when given) in UTF-8 with BOM, so that Excel shows the Chinese.

        Through :mod:`liuan_eval.output`: masked, formula-safe, each file written atomically
        (other files in ``out`` are left alone).
        """
        from liuan_eval.output import write_csv

        out = Path(out)
        files = {"unit_scores": self.unit_scores, "account_scores": self.account_scores,
                 "findings": self.findings, "rectification": self.rectification, "closure": self.closure,
                 "not_assessed": self.not_assessed}
        if self.content_suspects is not None:
            files["content_suspects"] = self.content_suspects
        if quarantine is not None:
            files["quarantine"] = quarantine
        return {name: write_csv(df, out / f"{name}.csv") for name, df in files.items()}


def _findings(ctx: Context, crits: Criteria, run: set[str] | None = None, named: pd.DataFrame | None = None
              ) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Run the indicators whose declared needs are met; the others are not assessed (with the reason).

    ``run``: the criteria to compute (default all); every criterion's needs are checked all the same
    (the Dask engine checks them once on the whole and computes the per-account criteria per partition;
    ``named``: those partitions' findings). The ``every_unit`` criteria run last, over the registry's
    units and those the other findings name without a registered account (:func:`unregistered_units`).
    """
    decl = declarations()
    parts, not_assessed, last = [], [], []
    for c in crits:
        d = decl[c.id]
        reason = d.unmet(ctx)
        if reason is not None:
            not_assessed.append((c.id, reason))
            continue
        if d.gives != "findings" or (run is not None and c.id not in run):
            continue
        if d.every_unit:
            last.append((d, c))
            continue
        parts.append(criterion_rows(d.fn(ctx, c), c))
    if last:
        units = [x["unit"] for x in parts if len(x)]
        if named is not None and len(named):
            units.append(named.loc[~named["criterion"].isin([c for c, _ in not_assessed]), "unit"])
        ctx.extra_units = tuple(unregistered_units(ctx, pd.concat(units) if units else pd.Series([], dtype="str")))
        parts += [criterion_rows(d.fn(ctx, c), c) for d, c in last]
    return assemble_findings(parts), not_assessed


def criterion_rows(rows: pd.DataFrame, c) -> pd.DataFrame:
    """An indicator's rows as findings of criterion ``c`` (name, severity, points, veto)."""
    if not len(rows):
        return rows
    veto = rows["_veto"].astype(bool) & c.veto if "_veto" in rows.columns else c.veto
    return rows.assign(criterion=c.id, criterion_name=c.name, severity=c.severity,
                       points=float(c.deduction), _veto=veto)


#: The findings' order: criterion, unit, account, window, then the sentence (a total order, so that
#: any way of computing the same findings gives them in the same order).
FINDING_ORDER = ["criterion", "unit", "account_id", "window_start", "window_end", "explanation", "evidence"]


def assemble_findings(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One findings table (:data:`FINDING_COLUMNS` and ``_veto``) from criteria's rows, in :data:`FINDING_ORDER`."""
    parts = [x for x in parts if len(x)]
    if parts:
        f = pd.concat(parts, ignore_index=True)
    else:
        f = fix_rows(pd.DataFrame(columns=["unit"])).assign(
            criterion=pd.Series([], dtype="str"), criterion_name=pd.Series([], dtype="str"),
            severity=pd.Series([], dtype="str"), points=pd.Series([], dtype=float))
    if "_veto" not in f.columns:
        f["_veto"] = pd.Series(False, index=f.index, dtype=bool)
    f = f[[*FINDING_COLUMNS, "_veto"]].sort_values(FINDING_ORDER, ignore_index=True, na_position="last",
                                                 kind="stable")
    f["_veto"] = f["_veto"].astype(bool)
    for c in ("criterion", "criterion_name", "severity"):
        f[c] = f[c].astype("str")
    return f


def _points(f: pd.DataFrame, keys: list[str], index: pd.Index, crits: Criteria, assessed: set[str],
            level: str | None) -> pd.DataFrame:
    """Points per criterion for each key (unit or account) from the findings."""
    no_findings = _no_findings()
    cols = {}
    ded = f.groupby(keys + ["criterion"])["points"].sum() if len(f) else pd.Series(dtype=float)
    for c in crits:
        if c.id in no_findings or (level == "account" and c.level != "account"):
            continue
        if c.id not in assessed:
            cols[c.id] = pd.Series(np.nan, index=index)
            continue
        if len(ded):
            d = ded.xs(c.id, level="criterion") if c.id in ded.index.get_level_values("criterion") else None
        else:
            d = None
        d = d.reindex(index, fill_value=0.0) if d is not None else pd.Series(0.0, index=index)
        cols[c.id] = (c.weight - d).clip(lower=0.0)
    return pd.DataFrame(cols, index=index)


def _totals(points: pd.DataFrame, crits: Criteria) -> pd.Series:
    weights = pd.Series({c.id: c.weight for c in crits if c.id in points.columns}, dtype=float)
    assessed = [c for c in points.columns if points[c].notna().any()]
    w = weights[assessed].sum()
    if w <= 0:
        return pd.Series(np.nan, index=points.index)
    return (points[assessed].sum(axis=1) / w * crits.full_marks).round(2)


def _no_findings() -> tuple[str, ...]:
    return tuple(cid for cid, d in declarations().items() if d.gives != "findings")


@criterion("C19", needs=[needs("accounts")], level="unit", level_fixed=True, gives="scores")
def _unit_scores(ctx: Context, f: pd.DataFrame, crits: Criteria, assessed: set[str], stray: list[str]) -> pd.DataFrame:
    """C19: each unit's points per criterion, total (rescaled to full marks), grade, rank and vetoes."""
    acc = ctx.accounts
    if acc is None or not len(acc):
        units = pd.DataFrame({"unit": pd.Series(sorted(set(f["unit"]) - {""}), dtype="str")})
        units["unit_type"] = pd.Series(pd.NA, index=units.index, dtype="str")
    else:
        units = acc.drop_duplicates("unit")[["unit", "unit_type"]].sort_values("unit", ignore_index=True)
    if stray:  # named in the findings only (unregistered_units): judged as units without an account
        units = pd.concat([units, pd.DataFrame({"unit": pd.Series(stray, dtype="str"),
                                                "unit_type": pd.Series(pd.NA, index=range(len(stray)), dtype="str")})],
                          ignore_index=True)
    idx = pd.Index(units["unit"], name="unit")
    pts = _points(f, ["unit"], idx, crits, assessed, None)
    total = _totals(pts, crits)
    vetoed = f[f["_veto"]].groupby("unit")["criterion"].agg(lambda s: "、".join(sorted(set(s))))
    veto = vetoed.reindex(idx).fillna("").astype("str")
    total = total.where(veto == "")  # a veto item: the unit fails and nothing else is scored (no total)
    out = units.set_index("unit").join(pts).assign(total=total, veto=veto)
    named = set(f.loc[f["criterion"].isin([c.id for c in crits if c.rectify]), "unit"])
    out["grade"] = [crits.failing_grade if v else crits.cap_grade(crits.grade(t) if pd.notna(t) else "", u in named)
                    for u, t, v in zip(out.index, out["total"], out["veto"])]
    order = pd.DataFrame({"v": out["veto"] != "", "t": -out["total"].fillna(-1e9)})
    out["rank"] = (order["v"].astype(int) * 1e6 + order["t"]).rank(method="min").astype("Int64")
    return out.reset_index()[["unit", "unit_type", *pts.columns, "total", "grade", "rank", "veto"]]


def _without_orphaned_units(ctx: Context, f: pd.DataFrame) -> pd.DataFrame:
    """``f`` without the every_unit findings of an unregistered unit whose other findings were all withdrawn
    (it was judged only because they named it)."""
    if not ctx.extra_units or not len(f):
        return f
    every = f["criterion"].isin([cid for cid, d in declarations().items() if d.every_unit]).to_numpy(dtype=bool)
    named = set(f.loc[~every, "unit"].astype("str"))
    gone = [u for u in ctx.extra_units if u not in named]
    return f[~(every & f["unit"].isin(gone).to_numpy(dtype=bool))].reset_index(drop=True) if gone else f


def unregistered_units(ctx: Context, units: pd.Series) -> list[str]:
    """The units of findings (an incident, a filing, a message) that no account of the registry belongs to
    (sorted names): scored and ranked as units without any account (C01, C13, C14 judge them too).

    Examples
    --------
    >>> from liuan_eval.dataset import Dataset
    >>> ctx = build_context(Dataset(), 2025, load_criteria("liuan_2016"))
    >>> unregistered_units(ctx, pd.Series(["乙", "", "甲"]))
    []
    """
    acc = ctx.accounts
    if acc is None or not len(acc) or not len(units):
        return []
    return sorted(set(units.dropna().astype("str")) - set(acc["unit"].dropna().astype("str")) - {""})


def _account_scores(ctx: Context, f: pd.DataFrame, crits: Criteria, assessed: set[str],
                    influence: bool | pd.DataFrame = True) -> pd.DataFrame:
    """Each active account's points, total and grade; C18's influence (``influence``: computed here when
    ``True``, given as :func:`~liuan_eval.scoring.influence.influence_index`'s table, or left out)."""
    acc = ctx.accounts
    cols = ["unit", "account_id", "account_name", "platform"]
    if acc is None or not len(acc):
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in cols})
    a = acc[acc["active"]][cols].sort_values(["unit", "platform", "account_id"], ignore_index=True)
    idx = pd.Index(a["account_id"], name="account_id")
    fa = f[f["account_id"] != ""]
    pts = _points(fa, ["account_id"], idx, crits, assessed, "account")
    total = _totals(pts, crits)
    vetoed = fa[fa["_veto"]].groupby("account_id").size().reindex(idx, fill_value=0) > 0
    total = total.where(~vetoed)  # a veto item: the account fails and nothing else is scored (no total)
    out = a.set_index("account_id").join(pts).assign(total=total)
    named = set(fa.loc[fa["criterion"].isin([c.id for c in crits if c.rectify]), "account_id"])
    out["grade"] = [crits.failing_grade if v else crits.cap_grade(crits.grade(t) if pd.notna(t) else "", a in named)
                    for a, t, v in zip(out.index, out["total"], vetoed)]
    if "C18" in crits and isinstance(influence, pd.DataFrame):
        out = out.join(influence.set_index("account_id"))
    elif "C18" in crits and influence:
        p18 = crits["C18"].params
        inf = influence_index(ctx, p18["weights"], p18.get("platform_weights")).set_index("account_id")
        out = out.join(inf)
    out = out.reset_index()
    return out[["unit", "account_id", "account_name", "platform",
                *[c for c in out.columns if c.startswith("C") and len(c) == 3], "total", "grade",
                *[c for c in ("influence", "influence_rank", "platform_influence", "influence_platform_rank")
                  if c in out.columns]]]


def _lists(ctx: Context, f: pd.DataFrame, crits: Criteria) -> tuple[pd.DataFrame, pd.DataFrame]:
    rect_ids = [c.id for c in crits if c.rectify]
    r = f[f["criterion"].isin(rect_ids)]
    cols = ["unit", "account_id", "account_name", "platform", "criteria", "findings", "evidence"]
    if not len(r):
        empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in cols})
        return empty, empty.copy()
    g = r.groupby(["unit", "account_id"], sort=True).agg(
        platform=("platform", "first"), criteria=("criterion", lambda s: "、".join(sorted(set(s)))),
        findings=("criterion", "size"), evidence=("explanation", lambda s: " ".join(s)))
    g = g.reset_index()
    info = ctx.account_info(g["account_id"].where(g["account_id"] != ""))
    g["account_name"] = info["account_name"].fillna("")
    g["findings"] = g["findings"].astype("Int64")
    rect = g[cols]
    close = rect[(rect["account_id"] != "") & (rect["findings"] >= crits.closure_after)].reset_index(drop=True)
    return rect, close


def _metrics(ctx: Context, f: pd.DataFrame, unit_scores: pd.DataFrame, posts: int | None = None,
             message_figures: dict | None = None) -> dict:
    """Headline figures; ``posts`` and ``message_figures`` when they were counted elsewhere (per partition)."""
    acc = ctx.accounts
    active = acc[acc["active"]] if acc is not None else None
    m = {
        "year": ctx.year,
        "units": int(acc["unit"].nunique()) if acc is not None else 0,
        "accounts": int(len(active)) if active is not None else 0,
        "accounts_by_platform": ({k: int(v) for k, v in active["platform"].value_counts().sort_index().items()}
                                 if active is not None else {}),
        "posts": posts if posts is not None else (int(len(ctx.posts)) if ctx.posts is not None else 0),
        "findings": int(len(f)),
        "findings_by_criterion": {k: int(v) for k, v in f["criterion"].value_counts().sort_index().items()},
        "mean_total": float(unit_scores["total"].mean()) if len(unit_scores) else float("nan"),
    }
    m.update(message_figures if message_figures is not None else messages.message_metrics(ctx))
    if len(unit_scores):
        m["grades"] = {k: int(v) for k, v in unit_scores["grade"].value_counts().items()}
    return m


def score(dataset, year: int, criteria: str | Path | Criteria = "liuan_2016", period=None,
          withdrawn: pd.DataFrame | None = None, *, confirmations=None, content_rules=None) -> Assessment:
    """Assess a loaded dataset for one year against a criteria preset.

    Parameters
    ----------
    dataset : liuan_eval.dataset.Dataset
        From :func:`liuan_eval.load` (or built by hand with canonical tables).
    year : int
        The assessment year: 1 January 00:00 to 31 December 24:00, Asia/Shanghai.
    criteria : str, pathlib.Path or Criteria
        A built-in preset name (``"liuan_2016"``, ``"state_council_2019"``) or a TOML path.
    period : (first day, last day), optional
        Both inclusive; replaces the calendar year (a quarterly check, an event window).
    withdrawn : DataFrame, optional
        Appeals the office accepted: ``finding_id`` (:func:`liuan_eval.scoring.appeals.finding_ids`)
        and ``appeal_reason``. Those findings are withdrawn before scores and lists are derived
        (kept in ``Assessment.withdrawn`` with the reason).
    confirmations : path, list of paths or DataFrame, optional
        The office's verdicts on C20's suspects (疑点编号, 核定结果 确认/不成立;
        :func:`liuan_eval.scoring.content.read_confirmations`): only confirmed suspects deduct.
    content_rules : ContentRules, path or list of paths, optional
        C20's rule lists: an office's own files added to (or, with ``mode = "replace"``,
        replacing) the shipped ``content_rules.toml`` (:func:`liuan_eval.text.content.load_content_rules`).

    Returns
    -------
    Assessment
        ``findings``, ``unit_scores``, ``account_scores``, ``rectification``, ``closure``,
        ``not_assessed``, ``caveats``, ``metrics``, ``criteria``, ``year`` and ``repost`` (the
        C12 table of :func:`liuan_eval.scoring.activity.repost_timeliness`, ``None`` when C12
        is not in the preset or not assessed).

    Notes
    -----
    Items with a deadline (replies, filings, reposts, crisis posts) are judged in the period
    their deadline falls in; to judge those of late December in January's assessment, pass
    tables that include the previous year's rows (``docs/criteria_presets.md``).

    Examples
    --------
    >>> from liuan_eval.dataset import Dataset
    >>> a = score(Dataset(), year=2025)
    >>> len(a.findings), len(a.not_assessed), a.repost is None
    (0, 20, True)
    """
    crits = load_criteria(criteria)
    ctx = build_context(dataset, int(year), crits, period)
    if content_rules is not None:
        from liuan_eval.text.content import ContentRules, load_content_rules

        ctx.content_rules = content_rules if isinstance(content_rules, ContentRules) else load_content_rules(
            content_rules)
    ctx.confirmations = confirmations
    return assessment_from(dataset, ctx, crits, lambda: _findings(ctx, crits), withdrawn=withdrawn,
                           confirmations=confirmations)


def assessment_from(dataset, ctx: Context, crits: Criteria, findings, *, withdrawn: pd.DataFrame | None = None,
                    confirmations=None, influence: pd.DataFrame | None = None, posts: int | None = None,
                    message_figures: dict | None = None) -> Assessment:
    """Everything :func:`score` derives from the findings: withdrawals, scores, lists, metrics, caveats.

    ``findings()`` gives ``(findings, not_assessed)`` (:func:`_findings`); ``influence``, ``posts``
    and ``message_figures``: C18's table and the headline counts when they were computed elsewhere
    (the Dask engine, :mod:`liuan_eval.scoring.distributed`), else from ``ctx``.
    """
    from liuan_eval.workdays import CalendarFallbackWarning, calendar_fallback_years

    year = ctx.year
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalendarFallbackWarning)
        f, not_assessed = findings()
        gone = None
        if withdrawn is not None:
            f, gone = withdraw(f, withdrawn)
            f, gone = f.reset_index(drop=True), gone.drop(columns="_veto")
            f = _without_orphaned_units(ctx, f)
        unassessed = {c for c, _ in not_assessed}
        assessed = {c.id for c in crits} - unassessed
        stray = unregistered_units(ctx, f["unit"])
        units = _unit_scores(ctx, f, crits, assessed, stray)
        inf = (influence if influence is not None else True) if "C18" in assessed else False
        accounts = _account_scores(ctx, f, crits, assessed, influence=inf)
        rect, close = _lists(ctx, f, crits)
        metrics = _metrics(ctx, f, units, posts, message_figures)
    caveats = list(getattr(dataset, "caveats", []) or [])
    fallback = set(calendar_fallback_years(pd.Series([ctx.start, ctx.end - pd.Timedelta(days=1)])))
    covered = set(range(2004, 2027))  # only years outside chinesecalendar's table are fallbacks
    try:
        from liuan_eval.workdays import calendar_coverage

        lo, hi = calendar_coverage()
        covered = set(range(lo, hi + 1))
    except ImportError:  # pragma: no cover
        pass
    for w in caught:
        if issubclass(w.category, CalendarFallbackWarning):
            fallback.update(int(y) for y in getattr(w.message, "years", None)
                            or re.findall(r"(?<!\d)(\d{4})(?!\d)", str(w.message)))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    fallback -= covered
    if fallback:
        years = "、".join(str(y) for y in sorted(fallback))
        caveats.append(tr(f"工作日历没有{years}年的节假日和调休安排，这些年份按周一至周五为工作日计算。",
                          f"The working-day calendar lacks {years}; Monday–Friday were used for those years."))
    na = pd.DataFrame(not_assessed, columns=["criterion", "reason"]).astype("str")
    na.insert(1, "criterion_name", na["criterion"].map({c.id: c.name for c in crits}).astype("str"))
    gives_scores = set(_no_findings())
    for cid, reason in not_assessed:
        if cid in gives_scores:
            caveats.append(tr(f"{cid}（{crits[cid].name}）未评估：{reason}。", f"{cid} not assessed: {reason}."))
        else:
            caveats.append(tr(f"{cid}（{crits[cid].name}）未评估：{reason}；总分按已评估的指标折算为{crits.full_marks:g}分制。",
                              f"{cid} not assessed: {reason}; totals rescaled over the criteria assessed."))
    caveats.extend(tr(zh, en) for zh, en in criterion_caveats(crits, assessed))
    if stray:
        names = "、".join(stray)
        caveats.append(tr(f"{len(stray)}个单位在账号登记表中没有账号，但数据中有其事件、留言或备案（{names}）："
                          "按没有在运营账号的单位评分排名（两微一端开通、运维人员、“两员”均按缺失扣分）；"
                          "请核对单位名称，或在登记表中补登其账号。",
                          f"{len(stray)} unit(s) have no account in the registry but incidents, messages or filings "
                          f"({names}): scored and ranked as units without accounts (C01, C13, C14 deducted); "
                          "check the names or register their accounts."))
    repost = ctx.details.get("C12") if "C12" in assessed else None
    suspects = ctx.details.get("C20") if "C20" in assessed else None
    if confirmations is not None and suspects is None:
        caveats.append(tr("给出了内容审核核定结果文件，但内容审核（C20）未评估，核定结果未使用。",
                          "A confirmations file was given but C20 was not assessed; it was not used."))
    if suspects is not None:
        metrics["content_suspects"] = int(len(suspects))
        metrics["content_confirmed"] = int((suspects["status"] == "确认").sum())
        metrics["content_pending"] = int((suspects["status"] == "待核定").sum())
    return Assessment(findings=f.drop(columns="_veto"), unit_scores=units, account_scores=accounts, rectification=rect, closure=close,
                      not_assessed=na[["criterion", "criterion_name", "reason"]], caveats=caveats, metrics=metrics,
                      criteria=crits, year=int(year), repost=repost, withdrawn=gone, content_suspects=suspects)


def __getattr__(name: str):
    # derived from the declarations (lazily: C19 is declared in this module)
    if name == "INDICATORS":  # criterion id -> ``fn(ctx, criterion) -> findings rows`` (NotAssessed when needs unmet)
        from liuan_eval.scoring.declare import indicators

        return indicators()
    if name == "NO_FINDINGS":  # criteria that give scores or ranks rather than findings
        return _no_findings()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Assessment", "INDICATORS", "NO_FINDINGS", "REPOST_COLUMNS", "criterion_tables",
           "repost_timeliness", "score"]
