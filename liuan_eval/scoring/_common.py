"""What every indicator shares: the assessment context and the findings-row builder.

An indicator is ``fn(ctx, crit) -> pandas.DataFrame`` returning findings rows with the
columns of :data:`ROW_COLUMNS` (one row per violation). It is declared with
:func:`liuan_eval.scoring.declare.criterion`, and the engine calls it only when the
tables and columns it declares are there (otherwise the criterion is *not assessed*, with
the reason); the engine adds the criterion's id, name, severity and points.

Deadlines and the period: an item with a deadline (a message to answer, an opening, a
staff change or an emergency closure to file, a key release to repost, a crisis to speak
up in) belongs to the period in which its deadline falls — ``start <= deadline < end``,
the deadline being the exclusive end instant of a day-based limit (midnight after its
last day) or the last instant of a minute- or hour-based one. See :meth:`Context.due_in`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from liuan_eval.criteria import Criteria
from liuan_eval.errors import UserError
from liuan_eval.schemas import PLATFORM_LABELS, TIMEZONE, UNIT_TYPE_LABELS, column_names

#: Columns an indicator returns (the engine adds criterion, criterion_name, severity, points).
ROW_COLUMNS = ["unit", "account_id", "platform", "window_start", "window_end", "explanation", "evidence"]
#: Columns of the findings table.
FINDING_COLUMNS = ["criterion", "criterion_name", "unit", "account_id", "platform", "severity",
                   "window_start", "window_end", "explanation", "points", "evidence"]
#: At most this many ids are listed in a finding's evidence (the count is always given).
MAX_EVIDENCE_IDS = 30
DAY = pd.Timedelta(days=1)


class ScoringInputError(UserError, ValueError):
    """A table handed to :func:`liuan_eval.score` that cannot be read (names table, column, row)."""


class NotAssessed(Exception):  # noqa: N818 - it is an outcome, not a failure
    """A criterion that cannot be assessed; the message is the (Chinese) reason.

    The engine decides this from the declarations (:mod:`liuan_eval.scoring.declare`);
    indicators do not raise it.
    """


def platform_label(platform: pd.Series) -> pd.Series:
    """Chinese platform names (微博/微信/客户端) for codes."""
    return platform.map(PLATFORM_LABELS).fillna(platform).astype("str")


def as_local(s: pd.Series) -> pd.Series:
    """The column as tz-aware Asia/Shanghai timestamps (naive values taken as Shanghai time).

    Values with a UTC offset (aware timestamps, or text ending in ``Z`` or ``+08:00``-like
    offsets) are converted; the others are Shanghai local time, so one column may mix them.

    Examples
    --------
    >>> as_local(pd.Series(["2025-03-17 07:30", "2025-03-16T23:30:00+00:00", None])).tolist()[:2]
    [Timestamp('2025-03-17 07:30:00+0800', tz='Asia/Shanghai'), Timestamp('2025-03-17 07:30:00+0800', tz='Asia/Shanghai')]
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert(TIMEZONE)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return _localise(s)
    if s.dtype != object:  # text: an offset at the end makes the value aware
        aware = s.astype("str").str.strip().str.contains(_OFFSET_AT_END, regex=True, na=False).to_numpy(dtype=bool)
    else:  # objects may mix time-zone-aware values (converted) with naive ones (Shanghai local time)
        aware = s.map(lambda v: getattr(v, "tzinfo", None) is not None
                      or (isinstance(v, str) and _OFFSET_AT_END_RE.search(v.strip()) is not None)).to_numpy(dtype=bool)
    if not aware.any():
        return _localise(pd.to_datetime(s, errors="coerce", format="mixed"))
    out = pd.Series(pd.NaT, index=s.index, dtype=f"datetime64[ns, {TIMEZONE}]")
    out[aware] = pd.to_datetime(s[aware], errors="coerce", utc=True, format="mixed").dt.tz_convert(TIMEZONE)
    if (~aware).any():
        out[~aware] = _localise(pd.to_datetime(s[~aware], errors="coerce", format="mixed"))
    return out


#: A UTC offset ending a timestamp's text (``Z``, ``+08:00``, ``+0800``).
_OFFSET_AT_END = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"
_OFFSET_AT_END_RE = re.compile(r"(?<=\d)" + _OFFSET_AT_END)


def _localise(s: pd.Series) -> pd.Series:
    return s.dt.tz_convert(TIMEZONE) if isinstance(s.dtype, pd.DatetimeTZDtype) else s.dt.tz_localize(TIMEZONE)


def fmt_date(s: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` strings (``—`` where missing)."""
    return s.dt.strftime("%Y-%m-%d").fillna("—").astype("str")


def fmt_minute(s: pd.Series) -> pd.Series:
    """``YYYY-MM-DD HH:MM`` strings (``—`` where missing)."""
    return s.dt.strftime("%Y-%m-%d %H:%M").fillna("—").astype("str")


def num(x: pd.Series, digits: int = 1) -> pd.Series:
    """Numbers as strings with ``digits`` decimals."""
    return x.astype("Float64").round(digits).astype("str")


def group_codes(keys: list[pd.Series]) -> tuple[np.ndarray, pd.DataFrame]:
    """One integer code per row for the combination of ``keys`` (missing as ``""``), and the
    distinct combinations (a DataFrame with columns ``k0, k1, …`` indexed by code)."""
    code = np.zeros(len(keys[0]), dtype=np.int64)
    for k in keys:
        c, _ = pd.factorize(k.fillna("").astype("str"))
        code = code * (int(c.max()) + 2 if len(c) else 1) + c
    code, _ = pd.factorize(code)
    first = pd.Series(np.arange(len(code))).groupby(code).first().to_numpy()
    uniq = pd.DataFrame({f"k{i}": k.fillna("").astype("str").to_numpy()[first] for i, k in enumerate(keys)})
    return code, uniq


def join_ids(ids: pd.Series, keys: list[pd.Series] | pd.Series) -> pd.Series:
    """Evidence strings per group: up to :data:`MAX_EVIDENCE_IDS` ids joined by ``;``.

    Indexed by the group's key (a MultiIndex for several keys); one Python join per group
    (accounts or units), never per row.
    """
    keys = keys if isinstance(keys, list) else [keys]
    code, uniq = group_codes(keys)
    order = np.argsort(code, kind="stable")
    sc = code[order]
    starts = np.r_[0, np.flatnonzero(sc[1:] != sc[:-1]) + 1] if len(sc) else np.array([], dtype=np.int64)
    rank = np.arange(len(sc)) - np.repeat(starts, np.diff(np.r_[starts, len(sc)]))
    take = order[rank < MAX_EVIDENCE_IDS]
    idv = ids.astype("str").fillna("?").to_numpy(dtype=object)
    joined = pd.Series(idv[take]).groupby(code[take], sort=True).agg(";".join)
    count = np.bincount(code, minlength=len(uniq))
    more = np.where(count > MAX_EVIDENCE_IDS, ";…(共" + pd.Series(count).astype("str") + "条)", "")
    ev = joined.reindex(range(len(uniq))).fillna("").to_numpy(dtype=object) + more
    idx = pd.MultiIndex.from_frame(uniq) if len(keys) > 1 else pd.Index(uniq["k0"])
    return pd.Series(ev, index=idx, name="evidence", dtype="str")


@dataclass
class Context:
    """The data an indicator reads, prepared once per assessment.

    Attributes
    ----------
    year : int
    start, end : pandas.Timestamp
        The period: ``start`` inclusive, ``end`` exclusive (1 January of the next year).
    accounts : DataFrame
        The registry with ``active_start``/``active_end`` (the account's part of the
        period, day-aligned, end exclusive) and ``active`` (any part in the period).
    posts, messages : DataFrame or None
        Posts published and messages received in the period, given the registry's
        ``unit``/``unit_type``/``reg_platform``; ``posts_all`` and ``messages_all`` keep
        every row (items from before the period whose deadline falls inside it, reposts
        after it).
    filings, releases, incidents : DataFrame or None
        Canonical tables, every row.
    details : dict
        Tables an indicator leaves for the assessment (``"C12"``: the repost table,
        ``"C20"``: the content suspects).
    """

    year: int
    start: pd.Timestamp
    end: pd.Timestamp
    criteria: Criteria
    accounts: pd.DataFrame | None
    posts: pd.DataFrame | None
    posts_all: pd.DataFrame | None
    messages: pd.DataFrame | None
    filings: pd.DataFrame | None
    releases: pd.DataFrame | None
    incidents: pd.DataFrame | None
    messages_all: pd.DataFrame | None = None
    #: the messages the period judges by deadline (C07, C08): those received in it and those received
    #: before it whose reply deadline falls in it (for the needs check; ``None``: ``messages``)
    messages_due: pd.DataFrame | None = None
    caveats: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    #: C20's rule lists (``liuan_eval.text.content.ContentRules`` or rule files) and the office's
    #: confirmations of its suspects (paths or a DataFrame); ``None``: the shipped rules, none confirmed
    content_rules: object = None
    confirmations: object = None
    #: per table read from files, the columns the export had (``Dataset.columns_given``; none: all)
    columns_given: dict = field(default_factory=dict)
    #: units the findings name that no registry account belongs to (an incident, a message, a filing):
    #: judged by the ``every_unit`` criteria as units without any account (:meth:`units`)
    extra_units: tuple = ()

    # ---- helpers -------------------------------------------------------------------
    @property
    def label(self) -> str:
        """``2025年`` for a calendar year, else ``2025-06-01至2025-08-31``."""
        if self.start == pd.Timestamp(year=self.year, month=1, day=1, tz=TIMEZONE) and \
                self.end == pd.Timestamp(year=self.year + 1, month=1, day=1, tz=TIMEZONE):
            return f"{self.year}年"
        return f"{self.start:%Y-%m-%d}至{(self.end - DAY):%Y-%m-%d}"

    def frame(self, table: str, carried: bool = False) -> pd.DataFrame | None:
        """The table as the declarations see it (posts and messages: those of the period; with ``carried``,
        the messages judged in the period by their deadline, :attr:`messages_due`)."""
        if carried and table == "messages" and self.messages_due is not None:
            return self.messages_due
        return getattr(self, table)

    def usable(self, table: str, *columns: str, evidence: tuple[str, ...] = ()) -> bool:
        """Whether the table has rows and each column is present and not entirely empty (an
        ``evidence`` column need only be in the export: see :func:`liuan_eval.scoring.declare.needs`)."""
        from liuan_eval.scoring.declare import needs

        return needs(table, *columns, evidence=evidence).problem(self) is None

    def due_in(self, deadline: pd.Series) -> pd.Series:
        """Items whose deadline falls in the period: ``start <= deadline < end`` (bool).

        An item is judged in the period its deadline falls in: one received on
        24 December and due in January is judged in January's period, from the tables of
        both years; a deadline ending at 24:00 on 31 December (midnight starting 1 January)
        belongs to the next period, as the Definitions' "lies before the end of the period".

        Examples
        --------
        >>> from liuan_eval.criteria import load_criteria
        >>> from liuan_eval.dataset import Dataset
        >>> ctx = build_context(Dataset(), 2025, load_criteria())
        >>> d = pd.Series(pd.to_datetime(["2025-01-01 00:00", "2025-12-31 23:59", "2026-01-01 00:00"]))
        >>> ctx.due_in(d.dt.tz_localize("Asia/Shanghai")).tolist()
        [True, True, False]
        """
        return _due_between(deadline, self.start, self.end)

    def units(self) -> pd.Index:
        """Every unit assessed: the registry's, then :attr:`extra_units` (sorted, no duplicates).

        Examples
        --------
        >>> from liuan_eval.criteria import load_criteria
        >>> from liuan_eval.dataset import Dataset
        >>> ctx = build_context(Dataset(), 2025, load_criteria())
        >>> ctx.extra_units = ("舒城县",)
        >>> ctx.units().tolist()
        ['舒城县']
        """
        reg = self.accounts["unit"].dropna().unique().tolist() if self.accounts is not None else []
        extra = sorted(set(self.extra_units) - set(reg))
        return pd.Index(reg + extra, dtype="object", name="unit")

    def active_accounts(self) -> pd.DataFrame:
        """Registry accounts with some part of their life in the period."""
        acc = self.accounts
        return acc[acc["active"]]

    def account_info(self, account_id: pd.Series) -> pd.DataFrame:
        """Registry ``unit``, ``platform``, ``account_name`` for ids (NA where unregistered)."""
        acc = self.accounts
        if acc is None:
            return pd.DataFrame({"unit": pd.Series(pd.NA, index=account_id.index, dtype="str"),
                                 "platform": pd.Series(pd.NA, index=account_id.index, dtype="str"),
                                 "account_name": pd.Series(pd.NA, index=account_id.index, dtype="str")})
        lk = acc.drop_duplicates("account_id").set_index("account_id")
        out = pd.DataFrame(index=account_id.index)
        for c in ("unit", "platform", "account_name", "unit_type"):
            out[c] = account_id.map(lk[c]).astype("str") if len(lk) else pd.Series(pd.NA, index=account_id.index,
                                                                                     dtype="str")
        return out


def _col(df: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series(pd.NA, index=df.index, dtype=dtype)


_KIND_DTYPE = {"str": "str", "category": "str", "datetime": f"datetime64[ns, {TIMEZONE}]", "int": "Int64",
               "bool": "boolean"}


def normalise_table(df: pd.DataFrame | None, table: str) -> pd.DataFrame | None:
    """Every canonical column present (missing optional ones as NA), timestamps in Shanghai time."""
    from liuan_eval.i18n import tr
    from liuan_eval.schemas import TABLE_LABELS, TABLES

    if df is None:
        return None
    if not isinstance(df, pd.DataFrame):
        raise ScoringInputError(tr(f"{TABLE_LABELS[table]}（{table}）应为 DataFrame，得到 {type(df).__name__}",
                                   f"table {table}: expected a DataFrame, got {type(df).__name__}"))
    missing = [c.name for c in TABLES[table].values() if c.required and c.name not in df.columns]
    if missing and len(df):
        labels = "、".join(f"“{TABLES[table][c].label}”（{c}）" for c in missing)
        raise ScoringInputError(tr(f"{TABLE_LABELS[table]}（{table}）缺少必填列：{labels}",
                                   f"table {table}: required column(s) missing: {', '.join(missing)}"))
    df = df.copy()
    for name, col in TABLES[table].items():
        if name not in df.columns:
            continue
        if col.kind == "datetime":
            before = df[name]
            df[name] = as_local(before)
            bad = df[name].isna() & before.notna()
            if bad.any():
                i = bad.idxmax()
                raise ScoringInputError(tr(
                    f"{TABLE_LABELS[table]}（{table}）第 {i} 行“{col.label}”（{name}）的值 {before[i]!r} 不是日期时间",
                    f"table {table}, row {i}, column {name}: {before[i]!r} is not a date-time"))
        elif col.kind in ("str", "category") and df[name].dtype != "str":
            df[name] = df[name].astype("str")
    df.attrs["present"] = [c for c in column_names(table) if c in df.columns]
    return df


def build_context(dataset, year: int, criteria: Criteria, period=None) -> Context:
    """Prepare the tables once: period, active spans, registry facts joined to posts/messages.

    ``period`` (first day, last day), both inclusive, replaces the calendar year (e.g. a quarter).
    """
    start = pd.Timestamp(year=year, month=1, day=1, tz=TIMEZONE)
    end = pd.Timestamp(year=year + 1, month=1, day=1, tz=TIMEZONE)
    if period is not None:
        first, last = (pd.Timestamp(x) for x in period)
        first = first.tz_localize(TIMEZONE) if first.tzinfo is None else first.tz_convert(TIMEZONE)
        last = last.tz_localize(TIMEZONE) if last.tzinfo is None else last.tz_convert(TIMEZONE)
        start, end = first.normalize(), last.normalize() + DAY
        if end <= start:
            raise ValueError(f"period {period!r}: the last day is before the first")
    acc = normalise_table(dataset.accounts, "accounts")
    if acc is not None:
        acc = acc[acc["account_id"].notna()].drop_duplicates("account_id", keep="first")
        opened = _col(acc, "opened_at", f"datetime64[ns, {TIMEZONE}]").dt.floor("D")
        closed = _col(acc, "closed_at", f"datetime64[ns, {TIMEZONE}]").dt.floor("D")
        a_start = opened.where(opened > start, start).fillna(start)
        a_end = (closed + DAY).where(closed + DAY < end, end).fillna(end)
        acc = acc.assign(active_start=a_start, active_end=a_end, active=(a_start < a_end).to_numpy())
        if "unit_type" not in acc.columns:
            acc["unit_type"] = pd.Series(pd.NA, index=acc.index, dtype="str")
    posts_all = normalise_table(dataset.posts, "posts")
    posts = None
    if posts_all is not None:
        posts_all = posts_all[posts_all["account_id"].notna() & posts_all["published_at"].notna()]
        posts_all = _join_registry(posts_all, acc)
        t = posts_all["published_at"]
        posts = posts_all[(t >= start) & (t < end)]
    msgs_all = normalise_table(dataset.messages, "messages")
    msgs = None
    if msgs_all is not None and "received_at" in msgs_all.columns:
        msgs_all = msgs_all[msgs_all["received_at"].notna()]
        if "account_id" in msgs_all.columns:
            reg = _join_registry(msgs_all[["account_id"]], acc)
            unit = _col(msgs_all, "unit", "str")
            msgs_all = msgs_all.assign(unit=unit.fillna(reg["unit"]),
                                       platform=_col(msgs_all, "platform", "str").fillna(reg["reg_platform"]))
        t = msgs_all["received_at"]
        msgs = msgs_all[(t >= start) & (t < end)]
        msgs_due = _carried_in(msgs_all, msgs, start, end, criteria)
    elif msgs_all is not None:
        msgs = msgs_due = msgs_all
    else:
        msgs_due = None
    return Context(year=year, start=start, end=end, criteria=criteria, accounts=acc, posts=posts,
                   posts_all=posts_all, messages=msgs, messages_all=msgs_all, messages_due=msgs_due,
                   filings=normalise_table(dataset.filings, "filings"),
                   releases=normalise_table(dataset.releases, "releases"),
                   incidents=normalise_table(dataset.incidents, "incidents"),
                   columns_given=dict(getattr(dataset, "columns_given", None) or {}))


def _carried_in(msgs_all: pd.DataFrame, msgs: pd.DataFrame, start, end, criteria) -> pd.DataFrame:
    """``msgs`` and the messages received before ``start`` whose C07 deadline falls in the period (a
    December message due in January is judged in January's period, even when none arrived in it)."""
    from liuan_eval.workdays import deadline_end

    n = int(criteria["C07"].params.get("max_workdays", 5)) if "C07" in criteria else 5
    t = msgs_all["received_at"]
    before = msgs_all[((t < start) & (t >= start - pd.Timedelta(days=7 * n + 30))).fillna(False).to_numpy(bool)]
    if not len(before):
        return msgs
    carried = before[_due_between(deadline_end(before["received_at"], n), start, end).to_numpy()]
    return pd.concat([carried, msgs]) if len(carried) else msgs


def _due_between(deadline: pd.Series, start, end) -> pd.Series:
    """Deadlines in ``[start, end)`` (bool; a missing one is not): :meth:`Context.due_in`'s rule."""
    return ((deadline >= start) & (deadline < end)).fillna(False).astype(bool)


def _join_registry(df: pd.DataFrame, acc: pd.DataFrame | None) -> pd.DataFrame:
    """The registry's ``unit``, ``unit_type`` and ``reg_platform`` for each row (one hash lookup)."""
    df = df.drop(columns=[c for c in ("unit", "unit_type", "reg_platform") if c in df.columns])
    if acc is None or len(acc) == 0:
        na = pd.Series(pd.NA, index=df.index, dtype="str")
        return df.assign(unit=na, unit_type=na, reg_platform=na)
    pos = pd.Index(acc["account_id"]).get_indexer(df["account_id"])
    found = pos >= 0
    out = {}
    for src, dst in (("unit", "unit"), ("unit_type", "unit_type"), ("platform", "reg_platform")):
        vals = acc[src].astype("str").to_numpy(dtype=object)
        out[dst] = pd.Series(np.where(found, vals[np.maximum(pos, 0)], None), index=df.index, dtype="str")
    return df.assign(**out)


def rows(unit, account_id, platform, window_start, window_end, explanation, evidence) -> pd.DataFrame:
    """Findings rows from aligned columns (Series or scalars); ``account_id`` empty for unit findings."""
    df = pd.DataFrame({"unit": unit, "account_id": account_id, "platform": platform,
                       "window_start": window_start, "window_end": window_end,
                       "explanation": explanation, "evidence": evidence})
    return fix_rows(df)


def fix_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Coerce findings rows to their dtypes (strings; Shanghai timestamps)."""
    df = df.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    for c in ROW_COLUMNS:
        if c in ("window_start", "window_end"):
            s = df[c] if c in df.columns else pd.Series(pd.NaT, index=df.index)
            s = pd.to_datetime(s)
            if not isinstance(s.dtype, pd.DatetimeTZDtype):
                s = s.dt.tz_localize(TIMEZONE)
            out[c] = s.dt.tz_convert(TIMEZONE).astype(f"datetime64[ns, {TIMEZONE}]")
        else:
            s = df[c] if c in df.columns else pd.Series(pd.NA, index=df.index)
            out[c] = s.astype("str")
    out["account_id"] = out["account_id"].fillna("")
    out["unit"] = out["unit"].fillna("")
    return out


def empty_rows() -> pd.DataFrame:
    """No findings (the right columns and dtypes)."""
    return fix_rows(pd.DataFrame({c: pd.Series([], dtype=object) for c in ROW_COLUMNS}))


# whitespace and punctuation, written as literal characters (no \\s or \\u escapes) so that pandas
# hands the pattern to pyarrow's RE2 instead of Python's re, row by row
_SPACE = " \t\n\r\x0b\x0c\u3000\u00a0\u200b\u200c\u200d\ufeff"
_PUNCT = re.compile("[" + _SPACE + "，。！？、；：“”‘’（）《》【】〔〕…—,.!?;:'\"()<>~～·_/|*#@＠\\-\\[\\]\\\\" + "]+")


def comparison_key(s: pd.Series) -> pd.Series:
    """The key texts are compared by: the text without whitespace and punctuation.

    Names, sources, titles and replies are matched on it (C03's account names, C11's sources,
    C12's reposts, C09's boilerplate replies); it is not the cleaning step
    (:func:`liuan_eval.clean.normalize_text`, which keeps the text readable).

    The regex runs once per distinct text (replies and reposts repeat a lot).

    Examples
    --------
    >>> comparison_key(pd.Series(["已收到。", " 六安 发布！", None])).tolist()
    ['已收到', '六安发布', nan]
    """
    codes, uniq = pd.factorize(s.astype("str"), use_na_sentinel=True)
    norm = pd.Series(uniq, dtype="str").str.replace(_PUNCT.pattern, "", regex=True).to_numpy(dtype=object)
    out = np.where(codes >= 0, norm[np.maximum(codes, 0)] if len(norm) else None, None)
    return pd.Series(out, index=s.index, dtype="str")


__all__ = ["Context", "DAY", "ScoringInputError", "FINDING_COLUMNS", "NotAssessed", "ROW_COLUMNS", "UNIT_TYPE_LABELS",
           "build_context", "comparison_key", "empty_rows", "fix_rows", "fmt_date", "fmt_minute", "group_codes",
           "join_ids", "num", "platform_label", "rows"]
