"""Readers: files of one table (CSV, Excel, Parquet; Chinese or English headers) → canonical table.

Nothing is lost silently: every input row ends up clean, in the quarantine (with file,
spreadsheet line number, column, value and reason) or counted as an exact duplicate, and
each file's load report checks ``rows_read = rows_clean + rows_quarantined +
duplicates_removed``. A file that cannot be used at all (undecodable, no header, a
required column missing) raises one :class:`InputError` listing all its problems.

Examples
--------
>>> import pandas as pd, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "r.csv").write_text("编号,发布账号,发布时间,标题\\nR1,六安发布,2025/5/6 10:00,报告\\n"
...                              "R2,六安发布,not a date,通知\\n", encoding="gb18030")
>>> t = read_table("releases", d / "r.csv")
>>> t.data["published_at"].iloc[0]
Timestamp('2025-05-06 10:00:00+0800', tz='Asia/Shanghai')
>>> t.quarantine[["line", "column", "reason"]].values.tolist()
[[3, 'published_at', 'bad_datetime']]
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.clean import (
    flag_near_duplicates,
    mask_pii,
    match_units,
    nfkc,
    normalize_choice,
    normalize_platform,
    normalize_text,
    normalize_unicode_header,
    pii_kinds,
    strip_padding,
)
from liuan_eval.errors import UserError
from liuan_eval.i18n import tr
from liuan_eval.raw import (
    SUFFIXES,
    RawPart,
    ReadNote,
    _canon,
    column_letter,
    detect_encoding,
    header_spellings,
    read_raw,
)
from liuan_eval.schemas import (
    LOAD_REPORT_COLUMNS,
    PLATFORM_ALIASES,
    QUARANTINE_COLUMNS,
    TABLE_LABELS,
    TABLES,
    TIMEZONE,
    column_names,
)
from liuan_eval.validation import Reason, validate

DT_DTYPE = f"datetime64[ns, {TIMEZONE}]"
#: Text columns cleaned with :func:`normalize_text` (the others are identifiers, trimmed only).
FREE_TEXT = {
    "accounts": ["unit", "account_name", "liaison_officer", "information_officer"],
    "posts": ["account", "text", "repost_source", "device"],
    "messages": ["unit", "user", "title", "text", "reply_text", "topic"],
    "filings": ["unit"],
    "releases": ["issuing_account", "title", "text"],
    "incidents": ["unit", "description"],
}
#: Columns where citizens' phone, ID, e-mail and plate numbers are masked.
PII_COLUMNS = {
    "posts": ["text", "repost_source"],
    "messages": ["user", "title", "text", "reply_text"],
    "releases": ["title", "text"],
    "incidents": ["description"],
}
#: Published texts (posts, key releases, replies): before masking, the loader records in
#: ``<column>_pii`` (when any was found) which kinds of citizens' numbers each held (:func:`liuan_eval.clean.pii_kinds`),
#: so that a leak can be reported (C20) while only the masked text is kept.
PUBLISHED_TEXT = {"posts": ["text"], "releases": ["title", "text"], "messages": ["reply_text"]}
#: Primary key of each table (same key, other content → ``duplicate_key``).
KEYS = {"accounts": ["platform", "account_id"], "posts": ["platform", "post_id"],
        "messages": ["message_id"], "releases": ["release_id"], "incidents": ["incident_id"],
        "filings": []}
ZERO_WORDS = {"转发", "评论", "赞", "点赞", "阅读", "在看", "喜欢", "收藏", "分享", "转发数", "评论数",
              "点赞数", "阅读数", "0"}
EMPTY_WORDS = {"-", "--", "—", "——", "/", "n/a", "na", "nan", "null", "none", "无数据"}
BOOL_WORDS = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False,
              "yes": True, "no": False, "y": True, "n": False, "√": True, "×": False, "对": True,
              "错": False, "1.0": True, "0.0": False, "属于": True, "不属于": False, "t": True, "f": False,
              "✓": True, "✔": True, "✗": False, "✘": False}
#: Per column, further words for a flag: a post's 原创/转发 (Weibo's own export writes them).
BOOL_WORDS_BY_COLUMN = {("posts", "is_repost"): {"原创": False, "转发": True, "转载": True, "非转发": False}}
#: Units written after a count (``12次``, ``3条``): the number is the count.
COUNT_UNITS = "次条个人篇则件"
MIN_UTC, MAX_UTC = np.datetime64("1980-01-01", "ns"), np.datetime64("2100-01-01", "ns")


# --- public types ----------------------------------------------------------------------------
@dataclass
class HeaderMap:
    """How a file's headers map to a table's canonical columns (see :func:`map_headers`)."""

    mapping: dict[str, str]
    missing_required: list[str]
    unknown: list[str]
    suggestions: dict[str, str]


@dataclass
class TableLoad:
    """What :func:`read_table` returns.

    ``data`` (the clean table), ``quarantine``, ``report`` (one row per file and sheet),
    ``caveats``, ``provenance`` (``file, sheet, line`` of each row of ``data``) and
    ``notes`` (dicts: ``table, file, sheet, line, column, severity, code, zh, en`` — what
    the reader saw and assumed, for the pre-flight check).
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    report: pd.DataFrame
    caveats: list[str] = field(default_factory=list)
    provenance: pd.DataFrame | None = None
    notes: list[dict] = field(default_factory=list)
    #: the canonical columns at least one of the files has a header for (or fills in, e.g. the platform)
    columns_given: frozenset = frozenset()


class InputError(UserError, ValueError):
    """A file that cannot be used at all; lists every problem of the file at once.

    Attributes
    ----------
    file : str
        The file.
    problems : list of dict
        ``{"column", "row", "value", "expected"}`` per problem.
    developer_text : str
        The message in English (``str(exc)`` is in the analyst's language).

    Examples
    --------
    >>> e = InputError("a.csv", [{"column": "发布时间", "row": 1, "value": "", "expected": "a header"}])
    >>> "a.csv" in str(e) and "发布时间" in e.developer_text
    True
    """

    def __init__(self, file, problems: list[dict], zh: str | None = None, en: str | None = None):
        self.file = str(file)
        self.problems = list(problems)
        lines_zh = [zh or f"文件 {self.file} 无法使用："]
        lines_en = [en or f"file {self.file} cannot be used:"]
        for p in self.problems:
            col, row = p.get("column") or "", p.get("row")
            where_zh = " ".join(x for x in (f"列“{col}”" if col else "", f"第{row}行" if row else "") if x) or "文件"
            where_en = " ".join(x for x in (f"column {col!r}" if col else "", f"row {row}" if row else "") if x) or "file"
            lines_zh.append(f"  - {where_zh}：{p.get('value', '')} —— 应为 {p.get('expected_zh', p.get('expected', ''))}")
            lines_en.append(f"  - {where_en}: {p.get('value', '')!s} — expected {p.get('expected', '')}")
        super().__init__("\n".join(lines_zh), "\n".join(lines_en))


# --- headers ---------------------------------------------------------------------------------
def _closest_column(table: str, header: str) -> tuple[str | None, float]:
    key = normalize_unicode_header(header)
    best, score = None, 0.0
    for col in TABLES[table].values():
        for s in (col.name, col.label, *col.aliases):
            r = difflib.SequenceMatcher(None, key, normalize_unicode_header(s)).ratio()
            if r > score:
                best, score = col.name, r
    return best, score


def map_headers(table: str, headers) -> HeaderMap:
    """Map a file's headers to ``table``'s canonical columns.

    Headers are compared after NFKC, trimming and lower-casing with each column's name,
    Chinese label and aliases (:mod:`liuan_eval.schemas`). The first header naming a
    column wins; later ones are reported as unknown.

    Parameters
    ----------
    table : str
        One of the six tables.
    headers : iterable of str
        The headers as found.

    Returns
    -------
    HeaderMap
        ``mapping`` (found header → canonical), ``missing_required`` (canonical names),
        ``unknown`` (headers not recognised), ``suggestions``: for each unknown header the
        Chinese label of the closest column, and for each missing required column the
        closest unknown header found in the file.

    Examples
    --------
    >>> hm = map_headers("posts", ["微博ID", "发布日期", "微博内容", "序号"])
    >>> hm.mapping
    {'微博ID': 'post_id', '微博内容': 'text'}
    >>> hm.missing_required, hm.suggestions["发布日期"], hm.suggestions["published_at"]
    (['account_id', 'platform', 'published_at'], '发布时间', '发布日期')
    """
    spell = header_spellings(table)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for h in headers:
        canon = spell.get(normalize_unicode_header(h))
        if canon is not None and canon not in mapping.values():
            mapping[h] = canon
        else:
            unknown.append(h)
    found = set(mapping.values())
    missing = [c.name for c in TABLES[table].values() if c.required and c.name not in found]
    suggestions: dict[str, str] = {}
    for h in unknown:
        best, score = _closest_column(table, h)
        if best is not None and score >= 0.5:
            suggestions[h] = TABLES[table][best].label
    for m in missing:
        cands = [(h, s) for h in unknown for b, s in [_closest_column(table, h)] if b == m and s >= 0.5]
        if cands:
            suggestions[m] = max(cands, key=lambda x: x[1])[0]
    return HeaderMap(mapping, missing, unknown, suggestions)


# --- value parsers -----------------------------------------------------------------------------
#: Words for the half of the day before a 12-hour clock time (上午 / 下午 as Chinese Excel and WPS write them)
_MORNING = ("上午", "凌晨", "早上", "早晨", "AM", "am", "A.M.", "a.m.")
_AFTERNOON = ("下午", "晚上", "傍晚", "PM", "pm", "P.M.", "p.m.")
_NOON = ("中午",)
_MERIDIEM = "|".join(re.escape(w) for w in (*_MORNING, *_AFTERNOON, *_NOON))
_CLOCK_12H = re.compile(rf"^(?P<date>.*?)[ ]*(?P<before>{_MERIDIEM})?[ ]*(?P<hour>[0-9]{{1,2}})"
                        rf"(?P<rest>(?::[0-9]{{2}}){{0,2}})[ ]*(?P<after>{_MERIDIEM})?$")


def _clock_24h(texts: pd.Series) -> pd.Series:
    """12-hour clock times with 上午/下午 (before or after the time) or AM/PM as 24-hour ones;
    other texts unchanged.

    Examples
    --------
    >>> _clock_24h(pd.Series(["2025-3-5 下午 2:05", "2025-03-05 2:05 PM", "2025-3-5 上午12:30",
    ...                       "2025-3-5 中午12:10", "2025-3-5 14:05"])).tolist()
    ['2025-3-5 14:05', '2025-03-05 14:05', '2025-3-5 00:30', '2025-3-5 12:10', '2025-3-5 14:05']
    """
    has = texts.str.contains(_MERIDIEM, regex=True).fillna(False).to_numpy(dtype=bool)
    if not has.any():
        return texts
    parts = texts[has].astype(object).str.extract(_CLOCK_12H)
    word = parts["before"].fillna(parts["after"])
    ok = parts["hour"].notna() & word.notna() & (parts["date"].str.len() > 0)
    hour = pd.to_numeric(parts["hour"], errors="coerce").fillna(-1).astype(int)
    ok &= (hour >= 0) & (hour <= 12)
    afternoon = word.isin(_AFTERNOON) | (word.isin(_NOON) & (hour < 11))
    h24 = np.where(afternoon, np.where(hour < 12, hour + 12, hour), np.where(word.isin(_MORNING) & (hour == 12), 0, hour))
    rest = parts["rest"].fillna("")
    rest = rest.where(rest.str.len() > 0, ":00")
    rebuilt = parts["date"] + " " + pd.Series(h24, index=parts.index).astype(str).str.zfill(2) + rest
    out = texts.copy()
    idx = texts.index[has][ok.to_numpy(dtype=bool)]
    out.loc[idx] = rebuilt[ok].to_numpy(dtype=object)
    return out


def parse_datetimes(values: pd.Series, year_hint: int | None = None,
                    groups: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse timestamps written in any of the real formats; naive values are Asia/Shanghai.

    Formats: ``2012-8-31 21:59``, ``2016/11/24 9:30``, ``2016年11月24日 09:30``, ISO 8601
    with offset, Excel serial numbers, epoch seconds and milliseconds, and the year-less
    ``9月30日 23:00`` (year from ``year_hint``; reading down a newest-first export, a jump
    forward by more than half a year means the year rolled back).

    Returns
    -------
    (pandas.Series, pandas.Series)
        tz-aware timestamps and a boolean mask of non-empty cells that could not be parsed.

    Examples
    --------
    >>> import pandas as pd
    >>> ts, bad = parse_datetimes(pd.Series(["2016年11月24日 09:30", "1月2日 08:00", "12月30日 23:00",
    ...                                      "45000", "x", None]), year_hint=2018)
    >>> [str(t) for t in ts[:4]], bad.tolist()
    (['2016-11-24 09:30:00+08:00', '2018-01-02 08:00:00+08:00', '2017-12-30 23:00:00+08:00', '2023-03-15 00:00:00+08:00'], [False, False, False, False, True, False])
    """
    values = pd.Series(values)
    index = values.index
    out = np.full(len(values), np.datetime64("NaT", "ns"))  # UTC instants
    if pd.api.types.is_datetime64_any_dtype(values):
        ts = values
        ts = ts.dt.tz_convert(TIMEZONE) if ts.dt.tz is not None else ts.dt.tz_localize(
            TIMEZONE, nonexistent="NaT", ambiguous="NaT")
        return ts.astype(DT_DTYPE), pd.Series(False, index=index)
    s = strip_padding(values.astype("str"))
    present = s.notna().to_numpy()
    odd = s.str.contains(r"[^0-9 :./+TZ-]", regex=True).fillna(False).to_numpy()
    n = s
    if odd.any():  # Chinese dates, full-width digits, doubled spaces: normalise those rows only
        o = nfkc(s[odd])
        o = o.str.replace(r"([0-9])[ ]*年[ ]*([0-9])", r"\1-\2", regex=True)
        o = o.str.replace(r"([0-9])[ ]*月[ ]*([0-9])", r"\1-\2", regex=True)
        o = o.str.replace(r"([0-9])[ ]*日", r"\1 ", regex=True)
        # 14时05分30秒, 14点05分 → 14:05:30, 14:05 (点 only after a day: 2025年3月5日 14点05分)
        o = o.str.replace(r"(?<=[0-9 午晨晚上])([0-9]{1,2})[ ]*点[ ]*半", r"\1时30分", regex=True)
        o = o.str.replace(r"(?<=[0-9 午晨晚上])([0-9]{1,2})[ ]*点[ ]*(?=[0-9])", r"\1时", regex=True)
        o = o.str.replace(r"(?<=[0-9 午晨晚上])([0-9]{1,2})[ ]*点(?![0-9])", r"\1时00分", regex=True)
        o = o.str.replace(r"([0-9])[ ]*[时分][ ]*([0-9])", r"\1:\2", regex=True)
        o = o.str.replace(r"([0-9])[ ]*[时分秒]", r"\1", regex=True)
        o = o.str.replace(r"[ \t\r\n]+", " ", regex=True).str.strip()
        o = _clock_24h(o)  # 下午 2:05, 2:05 PM → 14:05
        n = s.copy()
        n.loc[odd] = o
    slashed = n.str.contains("/", regex=False).fillna(False).to_numpy()
    if slashed.all():  # 2016/11/24 9:30, 9/30 23:00
        n = n.str.replace("/", "-", regex=False)
    elif slashed.any():
        n = n.copy()
        n.loc[slashed] = n[slashed].str.replace("/", "-", regex=False)
    dotted = n.str.contains(r"^[0-9]{4}\.[0-9]{1,2}\.", regex=True).fillna(False).to_numpy()
    if dotted.any():  # 2016.11.24
        n = n.copy()
        n.loc[dotted] = n[dotted].str.replace(r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})", r"\1-\2-\3",
                                              regex=True)
    todo = present.copy()

    def still(pattern: str, full: bool = False) -> np.ndarray:
        """Rows not yet parsed that match ``pattern`` (tested on those rows only)."""
        m = todo.copy()
        if m.any():
            sub = n[m]
            hit = sub.str.fullmatch(pattern) if full else sub.str.contains(pattern, regex=True)
            m[m] = hit.fillna(False).to_numpy(dtype=bool)
        return m

    def put(mask: np.ndarray, ts: pd.Series) -> None:
        nonlocal todo
        utc = ts.astype(DT_DTYPE).to_numpy(dtype="datetime64[ns]")  # tz-aware → UTC instants
        ok = ~np.isnat(utc) & (utc >= MIN_UTC) & (utc < MAX_UTC)
        idx = np.flatnonzero(mask)[ok]
        if len(idx):
            out[idx] = utc[ok]
            todo[idx] = False

    def naive(sub: pd.Series, fmt: str) -> pd.Series:
        if "%f" in fmt:
            ts = pd.to_datetime(sub, format=fmt, errors="coerce")
            return ts.dt.tz_localize(TIMEZONE, nonexistent="NaT", ambiguous="NaT")
        import pyarrow as pa
        import pyarrow.compute as pc

        src = getattr(sub.array, "_pa_array", None)
        if src is None:
            src = pa.array(sub.to_numpy(dtype=object), type=pa.string())
        arr = pc.strptime(src, format=fmt, unit="s", error_is_null=True)
        ts = pd.Series(arr.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False), index=sub.index)
        # arrow rolls 2025-02-30 over to 03-02: days 29-31 are re-read strictly by pandas
        late = sub.str.contains(r"^[0-9]{4}-[0-9]{1,2}-(?:29|30|31)", regex=True).fillna(False)
        if late.any():
            ts[late] = pd.to_datetime(sub[late], format=fmt, errors="coerce").astype("datetime64[ns]")
        return ts.dt.tz_localize(TIMEZONE, nonexistent="NaT", ambiguous="NaT")

    with_year = n.str.match(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}").fillna(False).to_numpy()
    import pyarrow.compute as pc

    colons = pc.count_substring(n.array._pa_array, ":").to_numpy(zero_copy_only=False) if hasattr(
        n.array, "_pa_array") else n.str.count(":").fillna(0).to_numpy()
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H"):
        m = todo & with_year & (colons == fmt.count(":"))  # only rows of the right shape
        if m.any():
            put(m, naive(n[m], fmt))
    m = still(r"[0-9][T ][0-9].*(?:[+-][0-9]{2}:?[0-9]{2}|Z)$")
    if m.any():
        ts = pd.to_datetime(n[m], format="ISO8601", utc=True, errors="coerce").dt.tz_convert(TIMEZONE)
        put(m, ts)
    m = still(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{1,2} [0-9:]{8} [+-][0-9]{4} [0-9]{4}", full=True)
    if m.any():  # the Weibo API's created_at: Sat Mar 01 09:30:00 +0800 2025
        ts = pd.to_datetime(n[m], format="%a %b %d %H:%M:%S %z %Y", utc=True, errors="coerce")
        put(m, ts.dt.tz_convert(TIMEZONE))
    m = still(r"[0-9]{8}", full=True)
    if m.any():
        put(m, naive(n[m], "%Y%m%d"))
    m = still(r"[0-9]+(?:\.[0-9]+)?", full=True)
    if m.any():
        num = pd.to_numeric(n[m], errors="coerce").to_numpy(dtype=float)
        serial = (num >= 20000) & (num < 80000)
        secs = (num >= 1e8) & (num < 1e10)
        millis = (num >= 1e11) & (num < 1e13)
        for sel, unit, origin in ((serial, "D", "1899-12-30"), (secs, "s", "unix"), (millis, "ms", "unix")):
            if sel.any():
                ts = pd.to_datetime(pd.Series(num[sel]), unit=unit, origin=origin, errors="coerce")
                ts = ts.dt.round("s")
                ts = ts.dt.tz_localize(TIMEZONE) if unit == "D" else ts.dt.tz_localize("UTC").dt.tz_convert(TIMEZONE)
                mm = np.zeros(len(n), dtype=bool)
                mm[np.flatnonzero(m)[sel]] = True
                put(mm, ts)
    m = still(r"[0-9]{1,2}-[0-9]{1,2}(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?", full=True)
    if m.any():
        sub = n[m]
        base = pd.to_datetime("2000-" + sub, format="mixed", errors="coerce")  # 2000 is a leap year
        year = int(year_hint) if year_hint else pd.Timestamp.now(tz=TIMEZONE).year
        g = (np.asarray(groups)[m] if groups is not None else np.zeros(len(sub), dtype=np.int64))
        diff = base.groupby(g).diff().dt.total_seconds().to_numpy()  # within each file
        half = 183 * 86400
        small = np.abs(diff) < half  # the export's order, judged on ordinary steps
        up = pd.Series(small & (diff > 0)).groupby(g).transform("sum").to_numpy()
        down = pd.Series(small & (diff < 0)).groupby(g).transform("sum").to_numpy()
        ascending = up > down
        d = np.nan_to_num(diff)
        step = np.where(ascending, (d < -half).astype(np.int64), -(d > half).astype(np.int64))
        years = year + pd.Series(step).groupby(g).cumsum().to_numpy()
        full = pd.Series(years.astype(str), index=sub.index) + "-" + sub
        ts = pd.to_datetime(full, format="mixed", errors="coerce")
        put(m, ts.dt.tz_localize(TIMEZONE, nonexistent="NaT", ambiguous="NaT"))
    # a second of 60 or more is not a time (arrow reads 14:05:60 as 14:06): not parsed, reported
    leap = ~todo & present
    if leap.any():
        sub = n[leap]
        hit = sub.str.contains(r"[0-9]:[0-9]{2}:(?:[6-9][0-9])(?![0-9])", regex=True).fillna(False).to_numpy(bool)
        if hit.any():
            idx = np.flatnonzero(leap)[hit]
            out[idx] = np.datetime64("NaT", "ns")
            todo[idx] = True
    result = pd.Series(pd.DatetimeIndex(out).tz_localize("UTC").tz_convert(TIMEZONE), index=index)
    return result.astype(DT_DTYPE), pd.Series(todo, index=index)


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse counts: words such as ``转发``/``评论``/``赞`` → 0, ``-1`` → NA, ``1.2万`` → 12000,
    ``10万+`` → 100000, ``1,234`` → 1234, ``12次`` → 12; a comma that does not group thousands (``2,5``)
    is not a count.

    Returns
    -------
    (pandas.Series, pandas.Series)
        ``Int64`` counts and a boolean mask of cells that are not a count.

    Examples
    --------
    >>> import pandas as pd
    >>> v, bad = parse_counts(pd.Series(["赞", "-1", "1.2万", "10万+", " 7 ", "很多", None]))
    >>> v.tolist(), bad.tolist()
    ([0, <NA>, 12000, 100000, 7, <NA>, <NA>], [False, False, False, False, False, True, False])
    """
    values = pd.Series(values)
    if pd.api.types.is_integer_dtype(values):
        v = values.astype("Int64")
        return v.mask(v == -1), pd.Series(v.fillna(0) < -1, index=values.index).astype(bool)
    s = nfkc(strip_padding(values.astype("str")))
    present = s.notna()
    low = s.str.lower()
    zero = low.isin(ZERO_WORDS).fillna(False)
    empty = low.isin(EMPTY_WORDS).fillna(False)
    # a comma must group thousands (1,234): 2,5 is not a count (a decimal comma, or a slip for 25)
    comma = s.str.contains(",", regex=False).fillna(False).to_numpy(bool)
    grouped = np.ones(len(s), dtype=bool)
    if comma.any():
        grouped[comma] = s[comma].str.fullmatch(
            r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?[万亿]?\+?", na=False).to_numpy(bool)
    t = s.str.replace(",", "", regex=False).str.replace(rf"(?<=[0-9万亿+])\s*[{COUNT_UNITS}]$", "", regex=True)
    t = t.str.replace(r"\+$", "", regex=True)
    mult = np.where(t.str.endswith("万").fillna(False), 1e4, np.where(t.str.endswith("亿").fillna(False), 1e8, 1.0))
    num = pd.to_numeric(t.str.rstrip("万亿"), errors="coerce").astype("Float64").to_numpy(
        dtype=float, na_value=np.nan)
    val = num * mult
    minus_one = val == -1
    whole = np.where(mult > 1, True, val == np.round(val))
    ok = ~np.isnan(val) & (val >= 0) & (val < 2.0 ** 62) & whole & grouped
    res = np.where(ok, np.round(val), np.nan)
    res = np.where(zero.to_numpy(), 0.0, res)
    out = pd.Series(res, index=values.index).astype("Int64")
    bad = present.to_numpy() & ~zero.to_numpy() & ~empty.to_numpy() & ~ok & ~minus_one
    return out, pd.Series(bad, index=values.index)


def parse_bools(values: pd.Series, words: dict | None = None) -> tuple[pd.Series, pd.Series]:
    """Parse flags (是/否, true/false, 1/0, √/×); returns ``boolean`` values and a failure mask.

    Examples
    --------
    >>> import pandas as pd
    >>> v, bad = parse_bools(pd.Series(["是", "否", "TRUE", "也许", None]))
    >>> v.tolist(), bad.tolist()
    ([True, False, True, <NA>, <NA>], [False, False, False, True, False])
    """
    values = pd.Series(values)
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    s = nfkc(strip_padding(values.astype("str"))).str.lower()
    v = s.map({**BOOL_WORDS, **(words or {})})
    out = pd.Series(v, index=values.index, dtype="object").astype("boolean")
    bad = s.notna() & v.isna() & ~s.isin(EMPTY_WORDS).fillna(False)
    return out, bad.astype(bool)


# --- the table reader --------------------------------------------------------------------------
def platform_from_filename(stem: str) -> str | None:
    """The platform a file name names (``posts_weibo`` → ``weibo``), or ``None``.

    Examples
    --------
    >>> platform_from_filename("posts_微信_2025"), platform_from_filename("posts"), platform_from_filename("发布信息（视频号）")
    ('wechat', None, 'channels')
    """
    for tok in re.split(r"[_\-\s.（）()【】\[\]]+", stem.lower()):
        if tok in PLATFORM_ALIASES:
            return PLATFORM_ALIASES[tok]
    return None


_platform_from_name = platform_from_filename  # the name the pre-flight check used

#: Headers whose column is told by its values: (table, column the header names) → the column
#: it is when the values are counts (``转发`` over numbers is the repost count, over 是/否 a flag).
BY_VALUES = {("posts", "is_repost"): "repost_count"}
#: A cell that makes its row a totals row (合计), among the first three columns.
TOTAL_WORDS = {"合计", "总计", "小计", "共计", "累计", "汇总", "总数", "合 计", "total", "sum", "总和"}
_TOTAL_STARTS = tuple(TOTAL_WORDS)
_TOTAL_WITH_FIGURE = (r"(?:" + "|".join(sorted(TOTAL_WORDS, key=len, reverse=True)) + r")\s*(?:[:：]|[:：]?\s*[(（]?\s*"
                      r"[0-9][0-9,.]*\s*[条个行项次件人]?\s*[)）]?)")


@dataclass
class HeaderCheck:
    """:func:`map_headers` for one part of a file, with what can be filled in and what is missing."""

    headers: HeaderMap
    missing: list[str]
    fillable: set[str]
    by_values: dict[str, str] = field(default_factory=dict)
    platform: str | None = None

    @property
    def mapping(self) -> dict[str, str]:
        """Header as written → canonical column (after the value-based choices)."""
        return self.headers.mapping


def _duplicates_as_loaded(part: RawPart, table: str, check: HeaderCheck) -> None:
    """Rewrite the ``duplicate_header`` notes of ``part`` to say what the loader reads.

    The reader (:mod:`liuan_eval.raw`) notes a repeated header before the loader chooses; some
    columns are told by their values (:data:`BY_VALUES`): ``转发`` over numbers beside ``是否转发``
    is read as the repost count, not left unread. ``check`` (:func:`inspect_headers`, the loader's
    own choice) decides; a note whose columns it reads otherwise is reworded (``header_by_values``,
    a plain note when no column is left unread).
    """
    if not check.by_values:
        return
    dups = [k for k, n in enumerate(part.notes) if n.code == "duplicate_header"
            and (table, _canon(table, n.column or "")) in BY_VALUES]
    mapping = check.mapping
    headers = [str(h) for h in part.frame.columns]
    for k in dups:
        note = part.notes[k]
        canon = _canon(table, note.column or "")
        idx = [i for i, h in enumerate(headers) if _canon(table, h) == canon]
        if not any(headers[i] in check.by_values for i in idx):
            continue
        label = TABLES[table][canon].label
        zh_parts, en_parts, unread = [], [], []
        for i in idx:
            h, got = headers[i], mapping.get(headers[i])
            where, where_en = f"第{column_letter(i)}列“{h}”", f"column {column_letter(i)} '{h}'"
            if got is None:
                unread.append((where, where_en))
            elif h in check.by_values:
                other = TABLES[table][got].label
                zh_parts.append(f"{where}的单元格是数字，读作“{other}”")
                en_parts.append(f"{where_en} holds numbers and is read as '{other}'")
            else:
                zh_parts.append(f"{where}读作“{TABLES[table][got].label}”")
                en_parts.append(f"{where_en} is read as '{TABLES[table][got].label}'")
        if unread:
            zh_parts.append("、".join(w for w, _ in unread) + "不读取")
            en_parts.append(", ".join(w for _, w in unread) + (" is" if len(unread) == 1 else " are") + " ignored")
        cols = "、".join(f"第{column_letter(i)}列“{headers[i]}”" for i in idx)
        cols_en = ", ".join(f"column {column_letter(i)} '{headers[i]}'" for i in idx)
        part.notes[k] = ReadNote(
            "duplicate_header" if unread else "header_by_values",
            f"{cols}的表头都对应“{label}”：" + "；".join(zh_parts),
            f"{cols_en} all mean '{label}': " + "; ".join(en_parts),
            line=note.line, column=note.column, severity="warning" if unread else "info")



def inspect_headers(table: str, part, *, platform: str | None = None, account: str | None = None,
                    account_from_filename: bool = False) -> HeaderCheck:
    """How one file (or sheet) of ``table`` maps to its columns: what is missing, what can be filled.

    The same check serves the loader (which raises :class:`InputError` on a missing column)
    and the pre-flight check (which lists it with the closest header found).

    Examples
    --------
    >>> import pandas as pd
    >>> from pathlib import Path
    >>> from liuan_eval.raw import RawPart
    >>> part = RawPart(Path("posts_weibo.csv"), None, pd.DataFrame({"账号名称": ["甲"], "信息ID": ["1"],
    ...     "发布时间": ["2025-01-01"], "转发": ["12"]}, dtype="str"), None)
    >>> hc = inspect_headers("posts", part)
    >>> hc.missing, sorted(hc.fillable), hc.mapping["转发"]
    ([], ['account_id', 'platform'], 'repost_count')
    """
    frame = part.frame
    hm = map_headers(table, [str(h) for h in frame.columns])
    by_values = {}
    spell = header_spellings(table)
    # a header whose column is told by its values: 转发 over numbers is the repost count — whether
    # 转发 was taken as the repost flag or left over because 是否转发 came first
    for h in [*hm.mapping, *hm.unknown]:
        canon = spell.get(normalize_unicode_header(h))
        other = BY_VALUES.get((table, canon)) if canon else None
        if other and other not in hm.mapping.values():
            v = strip_padding(frame[h].astype("str")).dropna().head(1000)
            counts_ok = 1 - parse_counts(v)[1].mean()
            flags_ok = 1 - parse_bools(v, BOOL_WORDS_BY_COLUMN.get((table, canon)))[1].mean()
            if len(v) and counts_ok >= 0.9 and counts_ok > flags_ok:  # mostly counts (a few bad cells)
                hm.mapping[h] = other
                by_values[h] = other
                if h in hm.unknown:
                    hm.unknown.remove(h)
    if by_values:
        found = set(hm.mapping.values())
        hm.missing_required = [c.name for c in TABLES[table].values() if c.required and c.name not in found]
    file_platform = platform or platform_from_filename(part.path.stem)
    fillable = set()
    if table == "posts":
        if account or account_from_filename or "account" in hm.mapping.values():
            fillable.add("account_id")
        if file_platform:
            fillable.add("platform")
    if table == "accounts" and file_platform:
        fillable.add("platform")
    missing = [m for m in hm.missing_required if m not in fillable]
    return HeaderCheck(hm, missing, fillable, by_values, file_platform)


def _missing_error(table: str, part, hm: HeaderMap, missing: list[str], headers) -> InputError:
    problems = []
    for m in missing:
        col = TABLES[table][m]
        accepted = ", ".join([col.label, col.name, *col.aliases])
        sugg = hm.suggestions.get(m)
        problems.append({
            "column": f"{col.label} ({m})", "row": part.header_line, "value": tr("缺少该列", "column missing"),
            "expected": f"one of the headers: {accepted}" + (f" (did you mean {sugg!r}?)" if sugg else ""),
            "expected_zh": f"表头为以下之一：{accepted}" + (f"（是否为“{sugg}”？）" if sugg else ""),
        })
    found = ", ".join(map(str, headers)) or "—"
    where = part.name
    return InputError(
        where, problems,
        zh=f"文件 {where} 缺少必需的列（{table} 表）。第 {part.header_line} 行的表头为：{found}",
        en=f"file {where} lacks required columns of table {table}. Header (line {part.header_line}): {found}")


def _prepare_part(table: str, part, check: HeaderCheck, *, account, account_from_filename
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One part's rows → canonical columns as trimmed text (options filled in), and its bad rows."""
    frame = part.frame
    inv = {v: k for k, v in check.mapping.items()}
    # trimmed cells; blank records (every cell empty) are not rows
    cells = {c: strip_padding(frame[c].astype("str")) for c in frame.columns}
    lines = part.lines
    n = len(frame)
    nonblank = np.zeros(n, dtype=bool)
    for c in cells.values():
        nonblank |= c.notna().to_numpy()
    totals = np.zeros(n, dtype=bool)
    for c in list(cells)[:3]:  # 合计, or 总计：4条 / 合计(128) — a totals word, then maybe its figure
        low = nfkc(cells[c]).str.lower()
        start = low.str.startswith(_TOTAL_STARTS).fillna(False).to_numpy(dtype=bool)  # the regex on those only
        if start.any():
            sub = low[start]
            totals[start] |= (sub.isin(TOTAL_WORDS) | sub.str.fullmatch(_TOTAL_WITH_FIGURE)).fillna(False).to_numpy()
    totals &= nonblank
    bad_rows = [(int(line), raw, reason) for line, raw, reason in zip(
        part.bad["line"], part.bad["value"], part.bad["reason"])]
    if totals.any():
        joined = pd.DataFrame({c: v[totals].fillna("") for c, v in cells.items()}).agg("\t".join, axis=1)
        bad_rows += [(int(x), t, Reason.TOTALS_ROW.value) for x, t in zip(lines[totals], joined)]
    keep = nonblank & ~totals
    if not keep.all():
        idx = np.flatnonzero(keep)
        cells = {c: v.iloc[idx].reset_index(drop=True) for c, v in cells.items()}
        lines = lines[idx]
    index = pd.RangeIndex(len(lines))
    out: dict[str, pd.Series] = {}
    for name in TABLES[table]:
        txt = cells[inv[name]] if name in inv else pd.Series(pd.NA, index=index, dtype="str")
        if name == "account" and table == "posts":
            fill = account or (part.path.stem if account_from_filename else None)
            if fill:
                txt = txt.fillna(fill)
        if name == "platform" and check.platform:
            txt = txt.fillna(check.platform)
        out[name] = txt
    data = pd.DataFrame(out, index=index)
    data["_line"] = np.asarray(lines, dtype=np.int64)
    bad_rows.sort()
    bad_q = pd.DataFrame({"table": table, "file": str(part.path), "sheet": part.sheet or "",
                          "line": pd.array([b[0] for b in bad_rows], dtype="Int64"), "column": "",
                          "value": [b[1][:500] for b in bad_rows], "reason": [b[2] for b in bad_rows]})
    return data, bad_q


def _convert(table: str, frame: pd.DataFrame, year_hint, groups: np.ndarray) -> pd.DataFrame:
    """Text columns → typed canonical columns, with each row's first problem (or NA)."""
    n = len(frame)
    index = frame.index
    out: dict[str, pd.Series] = {}
    problem = np.full(n, None, dtype=object)
    pcol = np.full(n, None, dtype=object)
    pval = np.full(n, None, dtype=object)

    def flag(col: str, mask, rawtext: pd.Series, reason: Reason) -> None:
        mask = np.asarray(mask, dtype=bool) & (problem == None)  # noqa: E711
        if mask.any():
            problem[mask] = reason.value
            pcol[mask] = col
            v = rawtext.astype("str").fillna("").str.slice(0, 500).to_numpy(dtype=object)
            pval[mask] = v[mask]

    reasons = {"datetime": Reason.BAD_DATETIME, "int": Reason.BAD_NUMBER, "bool": Reason.BAD_CHOICE,
               "category": Reason.BAD_CHOICE}
    for name, col in TABLES[table].items():
        txt = frame[name].astype("str")
        if col.kind == "datetime":
            v, bad = parse_datetimes(txt, year_hint, groups=groups)
        elif col.kind == "int":
            v, bad = parse_counts(txt)
        elif col.kind == "bool":
            v, bad = parse_bools(txt, BOOL_WORDS_BY_COLUMN.get((table, name)))
        elif col.kind == "category":
            v = normalize_choice(txt, col.choice_aliases)
            bad = txt.notna() & v.isna()
        else:
            v, bad = txt, None
        out[name] = v
        if col.kind in reasons:
            flag(name, bad.to_numpy(dtype=bool), txt, reasons[col.kind])
    if table == "posts":
        out["account_id"] = out["account_id"].fillna(out["account"])
    for name, col in TABLES[table].items():
        if col.required:
            flag(name, out[name].isna().to_numpy(), out[name].astype("str") if col.kind == "str"
                 else frame[name].astype("str"), Reason.MISSING_VALUE)
    data = pd.DataFrame(out, index=index)
    data["_line"] = frame["_line"].to_numpy()
    data["_file"] = frame["_file"].to_numpy()
    data["_problem"] = problem
    data["_pcol"] = pcol
    data["_pval"] = pval
    return data


def _empty_quarantine() -> pd.DataFrame:
    q = pd.DataFrame({c: pd.Series([], dtype="str") for c in QUARANTINE_COLUMNS})
    q["line"] = q["line"].astype("Int64")
    return q


# --- ids that Excel mangled ---------------------------------------------------------------------
_SCI = r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+"
_FLOAT = r"[0-9]+\.0+"


def _sci_key(value: str, digits: int | None = None) -> str | None:
    """``3.45679E+15`` form of a number (to ``digits`` significant digits, else as written)."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    try:
        d = Decimal(value)
    except InvalidOperation:
        return None
    if digits is None:
        mant = value.lower().split("e")[0].replace(".", "")
        digits = len(mant.rstrip("0")) or 1
    exp = d.adjusted()
    q = (d.scaleb(-exp)).quantize(Decimal(1).scaleb(-(digits - 1)), rounding=ROUND_HALF_UP)
    return f"{q.normalize()}E{exp}"


def restore_ids(ids: pd.Series, registry_ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Account ids that Excel mangled, restored from the registry where exactly one id fits.

    Forms recognised: a decimal (``1234.0``), scientific notation (``3.45679E+15``: the
    registry id that rounds to it), a 16+ digit number whose last digits Excel zeroed
    (``3456789012345670``: the registry id with the same first 15 digits and length), and
    leading zeros stripped (``12345`` for ``0012345``).

    Returns
    -------
    (pandas.Series, pandas.Series)
        The ids (restored where possible) and, per row, how: ``decimal``, ``scientific``,
        ``precision``, ``leading_zeros``; ``mangled`` for a scientific id that no registry
        id fits (a decimal is always restored: it loses nothing); NA for ids left as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> reg = pd.Series(["3456789012345678", "0012345", "77"])
    >>> fixed, how = restore_ids(pd.Series(["3.45679E+15", "12345", "77.0", "9.9E+3", "88"]), reg)
    >>> fixed.tolist(), how.tolist()
    (['3456789012345678', '0012345', '77', '9.9E+3', '88'], ['scientific', 'leading_zeros', 'decimal', 'mangled', nan])
    """
    s = ids.astype("str")
    how = pd.Series(pd.NA, index=s.index, dtype="str")
    reg = registry_ids.dropna().astype("str").drop_duplicates()
    todo = (s.notna() & ~s.isin(set(reg))).to_numpy()
    if not todo.any():
        return s, how
    t = s[todo]
    fixed = t.copy()
    found = pd.Series(pd.NA, index=t.index, dtype="str")

    def unique_map(keys: pd.Series, values: pd.Series) -> dict:
        """key → value for the keys that occur once."""
        k = pd.Series(values.to_numpy(), index=keys.to_numpy())
        k = k[k.index.notna()]
        return k[~k.index.duplicated(keep=False)].to_dict()

    dec = t.str.fullmatch(_FLOAT).fillna(False)
    if dec.any():
        fixed[dec] = t[dec].str.replace(r"\.0+$", "", regex=True)  # lossless: always the whole number
        found[dec] = "decimal"
    sci = t.str.fullmatch(_SCI).fillna(False)
    digit_reg = reg[reg.str.fullmatch(r"[0-9]+").fillna(False)]
    if sci.any() and len(digit_reg):
        tkey = t[sci].map(_sci_key)  # distinct mangled values are few; the key of each row
        for digits in sorted({len(v.lower().split("e")[0].replace(".", "").rstrip("0")) or 1
                              for v in t[sci].unique()}):
            rk = pd.Series([_sci_key(x, digits) for x in digit_reg], index=digit_reg.index, dtype="str")
            m = unique_map(rk, digit_reg)  # registry ids rounded as Excel shows them
            hit = tkey.map(m)
            sel = hit.notna() & found[sci].isna()
            fixed.loc[sel[sel].index] = hit[sel]
            found.loc[sel[sel].index] = "scientific"
    long_zero = t.str.fullmatch(r"[0-9]{16,}").fillna(False) & t.str.endswith("0").fillna(False) & found.isna()
    long_reg = digit_reg[digit_reg.str.len() >= 16]
    if long_zero.any() and len(long_reg):  # Excel keeps 15 significant digits, rounded
        m = unique_map(long_reg.map(lambda x: _sci_key(x, 15)), long_reg)
        key = pd.Series([_sci_key(v, 15) for v in t[long_zero]], index=t[long_zero].index, dtype="str")
        hit = key.map(m)
        sel = hit.notna()
        fixed.loc[sel[sel].index] = hit[sel]
        found.loc[sel[sel].index] = "precision"
    zeros = reg[reg.str.match(r"0[0-9]").fillna(False)]
    plain_digits = t.str.fullmatch(r"[1-9][0-9]*").fillna(False) & found.isna()
    if len(zeros) and plain_digits.any():
        m = unique_map(zeros.str.lstrip("0"), zeros)
        hit = t[plain_digits].map(m)
        sel = hit.notna()
        fixed.loc[sel[sel].index] = hit[sel]
        found.loc[sel[sel].index] = "leading_zeros"
    mangled = sci & found.isna()
    found[mangled] = "mangled"
    out = s.copy()
    out[todo] = fixed.to_numpy()
    how[todo] = found.to_numpy()
    return out, how


def _lines_phrase(lines, k: int = 5) -> tuple[str, str]:
    shown = [str(int(x)) for x in list(lines)[:k]]
    more = len(lines) > k
    return ("第 " + "、".join(shown) + " 行" + ("等" if more else ""),
            "line(s) " + ", ".join(shown) + (", ..." if more else ""))


_HOW_WORDS = {"decimal": ("小数（如“{v}”）", "decimals (e.g. '{v}')"),
              "scientific": ("科学计数法（如“{v}”）", "scientific notation (e.g. '{v}')"),
              "precision": ("末几位被改成 0 的长数字（如“{v}”）", "long numbers with their last digits zeroed (e.g. '{v}')"),
              "leading_zeros": ("去掉了开头的 0（如“{v}”）", "numbers with their leading zeros dropped (e.g. '{v}')")}


def _restore_account_ids(table: str, df: pd.DataFrame, registry: pd.DataFrame | None, paths: list[str],
                         sheets: list[str], notes: list[dict]) -> pd.DataFrame:
    """Restore mangled account ids against the registry; quarantine those that cannot be restored."""
    if registry is None or not len(df) or "account_id" not in df.columns:
        return df
    usable = df["_problem"].isna()
    before = df["account_id"]
    fixed, how = restore_ids(before.where(usable), registry["account_id"])
    if how.isna().all():
        return df
    if table == "posts" and "account" in df.columns:  # a mangled id with a registered name: the name decides
        by_name = _ids_by_name(registry, keep=False)  # a name two accounts share decides nothing
        mm = (how == "mangled").to_numpy()
        if mm.any():
            looked = _name_key(df["account"], df["platform"])[mm].map(by_name)
            ok = looked.notna().to_numpy()
            idx = np.flatnonzero(mm)[ok]
            fixed.iloc[idx] = looked[ok].to_numpy()
            how.iloc[idx] = "name"
    df = df.assign(account_id=fixed.where(how.notna() & (how != "mangled"), before))
    for kind in ("decimal", "scientific", "precision", "leading_zeros", "name"):
        sel = (how == kind).to_numpy()
        if not sel.any():
            continue
        for f in np.unique(df["_file"].to_numpy()[sel]):
            rows = sel & (df["_file"].to_numpy() == f)
            lines = np.sort(df["_line"].to_numpy()[rows])
            v = before[rows].iloc[0]
            zh_l, en_l = _lines_phrase(lines)
            form_zh, form_en = _HOW_WORDS.get(kind, ("与登记表不一致的写法", "a spelling unlike the registry's"))
            notes.append({"table": table, "file": paths[f], "sheet": sheets[f], "line": int(lines[0]),
                          "column": "account_id", "severity": "warning", "code": "ids_restored",
                          "zh": f"{zh_l}（共 {int(rows.sum())} 行）的账号ID被 Excel 改写为{form_zh.format(v=v)}，"
                                f"已按账号登记表还原为原账号ID（如 {fixed[rows].iloc[0]}）；请把该列设为文本格式后重新导出",
                          "en": f"{en_l} ({int(rows.sum())} rows): account ids mangled by Excel into "
                                f"{form_en.format(v=v)} were restored from the registry "
                                f"(e.g. {fixed[rows].iloc[0]})"})
    bad = (how == "mangled").to_numpy()
    if bad.any():
        df.loc[bad, "_problem"] = Reason.MANGLED_ID.value
        df.loc[bad, "_pcol"] = "account_id"
        df.loc[bad, "_pval"] = before[bad].astype("str")
    return df


def _flag_mangled_keys(table: str, df: pd.DataFrame, paths: list[str], sheets: list[str], notes: list[dict]
                       ) -> pd.DataFrame:
    """A table's own key (post, message, release ids; the registry's account ids) written by Excel.

    Decimals (``1234.0``) are restored as whole numbers; scientific notation cannot be:
    the registry's such ids are quarantined (nothing could match them), other tables' keys
    are kept and named in a warning (rows whose keys now collide are quarantined as
    ``duplicate_key``).
    """
    key = KEYS[table][-1] if KEYS[table] else None
    if key is None or not len(df):
        return df
    s = df[key].astype("str")
    dec = s.str.fullmatch(_FLOAT).fillna(False).to_numpy() & df["_problem"].isna().to_numpy()
    if dec.any():
        df.loc[dec, key] = s[dec].str.replace(r"\.0+$", "", regex=True)
    sci = s.str.fullmatch(_SCI).fillna(False).to_numpy() & df["_problem"].isna().to_numpy()
    if not sci.any():
        return df
    for f in np.unique(df["_file"].to_numpy()[sci]):
        rows = sci & (df["_file"].to_numpy() == f)
        lines = np.sort(df["_line"].to_numpy()[rows])
        zh_l, en_l = _lines_phrase(lines)
        v = s[rows].iloc[0]
        label = TABLES[table][key].label
        if table == "accounts":
            zh = (f"{zh_l}（共 {int(rows.sum())} 行）的{label}被 Excel 改写为科学计数法（如“{v}”），无法还原，"
                  "这些账号已隔离；请在 Excel 中把该列设为文本格式后重新导出")
            en = f"{en_l}: {key} in scientific notation (e.g. '{v}') cannot be restored; those accounts are quarantined"
        else:
            zh = (f"{zh_l}（共 {int(rows.sum())} 行）的{label}被 Excel 改写为科学计数法（如“{v}”），不同的编号可能"
                  "变成同一个；请在 Excel 中把该列设为文本格式后重新导出")
            en = f"{en_l}: {key} in scientific notation (e.g. '{v}'); distinct ids may have collapsed into one"
        notes.append({"table": table, "file": paths[f], "sheet": sheets[f], "line": int(lines[0]), "column": key,
                      "severity": "warning", "code": "ids_mangled", "zh": zh, "en": en})
    if table == "accounts":
        df.loc[sci, "_problem"] = Reason.MANGLED_ID.value
        df.loc[sci, "_pcol"] = key
        df.loc[sci, "_pval"] = s[sci]
    return df


#: Columns whose emptiness is read as "not done" (no reply, no filing, nobody named): a file without one,
#: beside files with it, has every row of its own counted so.
DUTY_COLUMNS = frozenset({"replied_at", "reply_text", "filed_at", "closure_filed_at", "operators", "liaison_officer",
                          "information_officer"})


def _columns_missing_in_some_files(table: str, by_part: list[tuple[str, str, set[str], int]], given: set[str]
                                   ) -> list[dict]:
    """A note per file (or sheet) that lacks a duty column other files of the table have."""
    out = []
    if len(by_part) < 2:
        return out
    for path, sheet, cols, rows in by_part:
        lack = sorted((given - cols) & DUTY_COLUMNS, key=list(TABLES[table]).index)
        if not lack or not rows:
            continue
        labels = "、".join(f"“{TABLES[table][c].label}”" for c in lack)
        out.append({"table": table, "file": path, "sheet": sheet, "line": None, "column": None,
                    "severity": "warning", "code": "column_missing_in_file",
                    "zh": (f"该文件没有{labels}列（同表的其他文件有）：其 {rows} 行按该列为空计"
                           "（未答复、未报备、未登记）；若是导出时漏了这一列，请补充后再运行"),
                    "en": (f"this file lacks {', '.join(lack)} (other files of the table have it): its {rows} rows "
                           "count as empty there (not answered, not filed, nobody named); add the column if it was "
                           "left out")})
    return out


def read_table(table: str, files, *, platform: str | None = None, account: str | None = None,
               account_from_filename: bool = False, year_hint: int | None = None,
               registry: pd.DataFrame | None = None, parts: dict | None = None, _raws: dict | None = None
               ) -> TableLoad:
    """Read, validate and clean the files of one table.

    Parameters
    ----------
    table : str
        ``accounts``, ``posts``, ``messages``, ``filings``, ``releases`` or ``incidents``.
    files : path or list of paths
        CSV (UTF-8, UTF-8 with BOM, GB18030/GBK detected), Excel (every visible sheet with
        the table's header) or Parquet.
    platform : str, optional
        Fills empty or absent ``platform`` cells (any spelling, e.g. ``微博``); without it,
        a platform word in the file name (``posts_weibo.csv``) is used.
    account : str, optional
        Posts: fills empty or absent ``account`` cells.
    account_from_filename : bool
        Posts: the file's stem is the account name.
    year_hint : int, optional
        Year of year-less dates (``9月30日 23:00``) at the top of each file.
    registry : pandas.DataFrame, optional
        The clean accounts table: unit names are matched to it (``unit_match_score``),
        posts and messages get ``unit``/``platform``/``account_id`` filled from their
        account, and account ids that Excel mangled are restored from it.
    parts : dict, optional
        Files already read (path → list of :class:`liuan_eval.raw.RawPart`), so that the
        pre-flight check and the load that follows read each file once. The entries of
        this table's files are taken out of the dict as they are read (their raw cells
        are let go as soon as they are prepared: a year of messages is not held twice).

    Returns
    -------
    TableLoad
        ``data`` (canonical columns in contract order, then ``near_duplicate_of`` and,
        with a registry, ``unit``/``unit_match_score``), ``quarantine``, ``report`` (one
        row per file and sheet), ``provenance`` (file, sheet and line of each data row) and
        ``notes`` (what the reader saw and assumed).

    Raises
    ------
    InputError
        A file cannot be used (unreadable, required columns missing, a repeated header).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "微博.csv"
    >>> _ = p.write_text("微博ID,发布时间,微博内容,点赞数\\nA1,9月30日 23:00,电话13812345678,赞\\n"
    ...                  "A1,9月30日 23:00,电话13812345678,赞\\n", encoding="utf-8")
    >>> t = read_table("posts", p, platform="微博", account_from_filename=True, year_hint=2017)
    >>> t.data[["account_id", "post_id", "text", "like_count"]].values.tolist()
    [['微博', 'A1', '电话138****5678', 0]]
    >>> t.report[["rows_read", "rows_clean", "duplicates_removed"]].values.tolist()
    [[2, 1, 1]]
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; tables are {', '.join(TABLES)}")
    parts = parts if parts is not None else _raws
    paths = [Path(files)] if isinstance(files, (str, Path)) else [Path(f) for f in files]
    if platform is not None:
        p = normalize_platform(pd.Series([platform])).iloc[0]
        if pd.isna(p):
            raise InputError(platform, [], zh=f"无法识别的平台：{platform}（应为 微博/微信/客户端/抖音/快手/今日头条/视频号等）",
                             en=f"unknown platform {platform!r} (expected weibo/wechat/app/douyin/kuaishou/…)")
        platform = p
    frames, bads, part_list, notes = [], [], [], []
    given_by_part: list[tuple[str, str, set[str], int]] = []  # file, sheet, the columns it gives, rows
    for path in paths:
        # a part given is handed over: out of ``parts`` once read, its raw cells go when prepared
        read = parts.pop(path) if parts and path in parts else read_raw(path, table)
        while read:
            part = read.pop(0)
            k = len(part_list)
            part_list.append((str(part.path), part.sheet or ""))
            check = None if part.frame.shape[1] == 0 else inspect_headers(
                table, part, platform=platform, account=account, account_from_filename=account_from_filename)
            if check is not None:
                _duplicates_as_loaded(part, table, check)  # the reader's notes say what the loader reads
            for note in part.notes:
                notes.append({"table": table, "file": str(part.path), "sheet": part.sheet or "", "line": note.line,
                              "column": note.column, "severity": note.severity, "code": note.code,
                              "zh": note.zh, "en": note.en})
            if check is None:  # an empty file: no header, no rows
                bads.append(_empty_quarantine())
                continue
            if check.missing:
                raise _missing_error(table, part, check.headers, check.missing, list(part.frame.columns))
            given_by_part.append((str(part.path), part.sheet or "", set(check.mapping.values()) | set(check.fillable),
                                  len(part.frame)))
            data, bad_q = _prepare_part(table, part, check, account=account,
                                        account_from_filename=account_from_filename)
            data["_file"] = k
            frames.append(data)
            bads.append(bad_q)
            del part, data
    given = set().union(*(cols for _, _, cols, _ in given_by_part))
    notes.extend(_columns_missing_in_some_files(table, given_by_part, given))
    file_names = [f for f, _ in part_list]
    sheet_names = [sh for _, sh in part_list]
    if not frames:  # no rows anywhere: an empty table
        frames = [pd.DataFrame({**{c: pd.Series([], dtype="str") for c in TABLES[table]},
                                "_line": pd.Series([], dtype="int64"), "_file": pd.Series([], dtype="int64")})]
    # one conversion for all the files (year-less dates are resolved file by file)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    df = _convert(table, frame, year_hint, frame["_file"].to_numpy())
    caveats: list[str] = []
    if year_hint is None:
        yearless = [c for c, col in TABLES[table].items() if col.kind == "datetime" and frame[c].str.contains(
            r"^[0-9]{1,2}月[0-9]{1,2}日", regex=True).fillna(False).any()]
        if yearless:
            y = pd.Timestamp.now(tz=TIMEZONE).year
            caveats.append(tr(f"{table} 表的 {', '.join(yearless)} 有不带年份的日期，未给出年份，按 {y} 年处理",
                              f"{table}: {', '.join(yearless)} has dates without a year and no year hint; "
                              f"{y} was assumed"))
    del frame, frames
    names = column_names(table)
    df = _flag_mangled_keys(table, df, file_names, sheet_names, notes)
    if table != "accounts":
        df = _restore_account_ids(table, df, registry, file_names, sheet_names, notes)
    if table == "posts" and registry is not None and len(df):
        df = _fill_from_registry_posts(df, registry)
        still = df["account_id"].isna() & (df["_problem"].isna())
        df.loc[still, ["_problem", "_pcol", "_pval"]] = [Reason.MISSING_VALUE.value, "account_id", ""]
    # exact duplicates among usable rows (across files; counted against the later file)
    usable = df["_problem"].isna().to_numpy() if len(df) else np.zeros(0, dtype=bool)
    dup = np.zeros(len(df), dtype=bool)
    if usable.any():
        dup[np.flatnonzero(usable)] = df.loc[usable, names].duplicated(keep="first").to_numpy()
    # same key, other content
    key = list(KEYS[table])
    keydup = np.zeros(len(df), dtype=bool)
    live = usable & ~dup
    if key and live.any():
        sub = df.loc[live, key]
        has = sub.notna().all(axis=1).to_numpy()
        kd = sub.duplicated(keep="first").to_numpy() & has
        keydup[np.flatnonzero(live)[kd]] = True
        if kd.any():
            idcol = key[-1]
            df.loc[keydup, "_problem"] = Reason.DUPLICATE_KEY.value
            df.loc[keydup, "_pcol"] = idcol
            df.loc[keydup, "_pval"] = df.loc[keydup, idcol].astype("str")
    clean_mask = df["_problem"].isna().to_numpy() & ~dup if len(df) else np.zeros(0, dtype=bool)
    # quarantine: the raw value masked like every output
    qrows = df.loc[~clean_mask & ~dup] if len(df) else df
    files_arr = np.asarray(file_names + [""], dtype=object)
    sheets_arr = np.asarray(sheet_names + [""], dtype=object)
    fidx = qrows["_file"].to_numpy(dtype=np.int64) if len(qrows) else np.zeros(0, dtype=np.int64)
    q = pd.DataFrame({
        "table": table,
        "file": files_arr[fidx] if len(qrows) else pd.Series([], dtype="str"),
        "sheet": sheets_arr[fidx] if len(qrows) else pd.Series([], dtype="str"),
        "line": qrows["_line"].to_numpy() if len(qrows) else np.zeros(0, dtype=np.int64),
        "column": qrows["_pcol"].to_numpy() if len(qrows) else [],
        "value": qrows["_pval"].to_numpy() if len(qrows) else [],
        "reason": qrows["_problem"].to_numpy() if len(qrows) else [],
    })
    q = pd.concat([x for x in [q, *bads] if len(x)], ignore_index=True) if any(
        len(x) for x in [q, *bads]) else _empty_quarantine()
    q = q.astype({"table": "str", "file": "str", "sheet": "str", "column": "str", "value": "str",
                  "reason": "str", "line": "Int64"})[QUARANTINE_COLUMNS]
    q["value"] = mask_pii(q["value"])
    q = q.sort_values(["file", "sheet", "line"], kind="stable", ignore_index=True) if len(q) else q
    # report per file and sheet
    rows = []
    fcodes = df["_file"].to_numpy() if len(df) else np.zeros(0, dtype=np.int64)
    for k in range(len(part_list)):
        mine = fcodes == k
        nbad = len(bads[k])
        rows.append({"table": table, "file": file_names[k], "sheet": sheet_names[k],
                     "rows_read": int(mine.sum()) + nbad,
                     "rows_clean": int((mine & clean_mask).sum()),
                     "rows_quarantined": int((mine & ~clean_mask & ~dup).sum()) + nbad,
                     "duplicates_removed": int((mine & dup).sum())})
    report = pd.DataFrame(rows, columns=LOAD_REPORT_COLUMNS)
    if len(report):
        report = report.astype({c: "int64" for c in LOAD_REPORT_COLUMNS[3:]})
    kept = df.loc[clean_mask] if len(df) else df
    provenance = pd.DataFrame({
        "file": pd.Categorical(files_arr[kept["_file"].to_numpy(dtype=np.int64)] if len(kept) else [],
                               categories=sorted(set(file_names))),
        "sheet": pd.Series(sheets_arr[kept["_file"].to_numpy(dtype=np.int64)] if len(kept) else [], dtype="str"),
        "line": pd.array(kept["_line"].to_numpy() if len(kept) else [], dtype="Int64")})
    # the clean rows are handed to the cleaning step, held nowhere else (their raw text goes as it is cleaned)
    handed = [kept.reset_index(drop=True) if len(df) else pd.DataFrame(columns=names)]
    del kept, df, qrows
    data = _finish(table, handed.pop(), names, registry)
    validate(table, data)  # the clean table meets its contract (a failure here is a bug)
    return TableLoad(data, q, report, caveats, provenance, notes, frozenset(given))


def _name_key(names: pd.Series, platforms: pd.Series) -> pd.Series:
    """An account's name (every space in it dropped: "金安区 人民政府发布" is the registry's
    "金安区人民政府发布") and platform, as one key."""
    return (names.astype("str").str.replace("[ \t\r\n\u00a0\u3000]+", "", regex=True) + "\x1f"
            + platforms.astype("str"))


def _ids_by_name(registry: pd.DataFrame, keep) -> pd.Series:
    """The registry's account id by (account name, platform); ``keep`` as for ``duplicated``
    (``False``: names held by two accounts of one platform are left out)."""
    reg = registry.dropna(subset=["account_id", "account_name", "platform"])
    by_name = pd.Series(reg["account_id"].to_numpy(), index=_name_key(reg["account_name"], reg["platform"]).to_numpy())
    return by_name[~by_name.index.duplicated(keep=keep)]


def _fill_from_registry_posts(df: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Posts identified by the account's *name* only get the registry's id for that name on
    that platform (a unit's Weibo and WeChat accounts share one name under the notice's rules).

    An id given in the file is kept as it is, even when the registry does not know it: that
    is an unregistered account (C02), not a name to be looked up.
    """
    by_name = _ids_by_name(registry, keep="first")
    known = df["account_id"].isin(set(registry["account_id"].dropna()))
    from_name_only = df["account_id"].astype("str") == df["account"].astype("str")
    looked_up = _name_key(df["account"], df["platform"]).map(by_name)
    replace = ~known & from_name_only.fillna(False) & looked_up.notna()
    df["account_id"] = df["account_id"].where(~replace, looked_up).astype("str")
    return df


def _finish(table: str, data: pd.DataFrame, names: list[str], registry) -> pd.DataFrame:
    """Cleaning of the usable rows: text, PII, registry matching, near duplicates, dtypes."""
    data = data[names].copy() if len(data) else pd.DataFrame({n: pd.Series([], dtype="object") for n in names})
    extra: list[str] = []
    for name, col in TABLES[table].items():
        if col.kind == "str":
            s = data[name].astype("str")
            if name in FREE_TEXT[table]:
                s = normalize_text(s)
            else:
                s = strip_padding(nfkc(s))
            if name in PUBLISHED_TEXT.get(table, []):
                found = pii_kinds(s)
                if found.notna().any():  # the column is there only when something was found
                    data[f"{name}_pii"] = found
                    extra.append(f"{name}_pii")
            if name in PII_COLUMNS.get(table, []):
                s = mask_pii(s)
            data[name] = s
        elif col.kind == "category":
            data[name] = data[name].astype("str")
        elif col.kind == "datetime":
            data[name] = pd.Series(data[name], dtype=DT_DTYPE) if len(data) else pd.Series(
                [], dtype=DT_DTYPE)
        elif col.kind == "int":
            data[name] = data[name].astype("Int64")
        elif col.kind == "bool":
            data[name] = data[name].astype("boolean")
    if registry is not None and table != "accounts" and len(registry):
        reg = registry
        if table in ("posts", "messages"):
            by_id = reg.drop_duplicates("account_id").set_index("account_id")
            units = data["account_id"].map(by_id["unit"]) if len(data) else pd.Series([], dtype="str")
            if table == "posts":
                data["unit"] = units.astype("str")
                extra.append("unit")
            else:
                data["unit"] = data["unit"].fillna(units).astype("str")
            plat = data["account_id"].map(by_id["platform"]).astype("str") if len(data) else None
            if plat is not None:
                data["platform"] = data["platform"].fillna(plat).astype("str")
        if "unit" in data.columns:
            m = match_units(data["unit"], reg["unit"])
            data["unit"] = m["unit"].astype("str").where(data["unit"].notna())
            data["unit_match_score"] = m["score"].astype("Float64").where(data["unit"].notna())
            extra.append("unit_match_score")
    if table == "posts":
        data["near_duplicate_of"] = flag_near_duplicates(data, "post_id", ["text"], ["account_id"], normalized=True)
        extra.append("near_duplicate_of")
    elif table == "messages":
        data["near_duplicate_of"] = flag_near_duplicates(data, "message_id", ["title", "text"], normalized=True)
        extra.append("near_duplicate_of")
    return data[names + [e for e in dict.fromkeys(extra) if e not in names]]


# --- folders -----------------------------------------------------------------------------------
def find_table_files(folder, table: str) -> list[Path]:
    """The files of ``table`` in ``folder``: named ``<table>`` or its Chinese name, maybe followed by
    more (``posts_weibo``, ``posts 2025``, ``发布信息（视频号）``; not ``postscript``: after the English
    name no letter follows).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for f in ["posts_weibo.csv", "posts.xlsx", "发布信息.csv", "postscript.csv", "truth.json",
    ...           "posts 2025.csv", "发布信息（视频号）.csv"]:
    ...     _ = (d / f).write_text("x")
    >>> [p.name for p in find_table_files(d, "posts")]
    ['posts 2025.csv', 'posts.xlsx', 'posts_weibo.csv', '发布信息.csv', '发布信息（视频号）.csv']
    """
    folder = Path(folder)
    return [p for p in sorted(folder.iterdir()) if is_data_file(p) and table_of_name(p.stem) == table]


def is_data_file(path: Path) -> bool:
    """A file the readers can read (CSV, Excel, Parquet …), not Excel's lock file (``~$…``) nor a hidden one."""
    return path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith(("~$", "."))


def table_of_name(stem: str) -> str | None:
    """The table a file's name (without its suffix) names, or ``None``.

    Examples
    --------
    >>> table_of_name("posts_weibo"), table_of_name("网民留言2025"), table_of_name("postscript")
    ('posts', 'messages', None)
    """
    low = stem.lower()
    for table, label in TABLE_LABELS.items():
        if low.startswith(label):
            return table
        if low.startswith(table) and not re.match(r"[a-z]", low[len(table):len(table) + 1]):
            return table
    return None


def load(folder, *, year: int | None = None, parts: dict | None = None, errors: str = "raise",
         _raws: dict | None = None):
    """Load every table found in ``folder`` into a :class:`liuan_eval.dataset.Dataset`.

    Accounts are read first and serve as the registry for the others; ``year`` is the
    year hint for year-less dates. A table without files is ``None``.

    Parameters
    ----------
    folder : str or pathlib.Path
    year : int, optional
    parts : dict, optional
        Files already read (path → parts from :func:`liuan_eval.raw.read_raw`).
    errors : {"raise", "collect"}
        ``"raise"``: a file that cannot be used raises :class:`InputError`. ``"collect"``
        (the pre-flight check): it is left out, the rest of its table and the other tables
        are still loaded, and the error is kept in ``Dataset.errors`` as ``(table, error)``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "releases.csv").write_text("编号,发布账号,发布时间,标题\\nR1,六安发布,2025-05-06 10:00,报告\\n")
    >>> ds = load(d)
    >>> len(ds.releases), ds.posts is None, ds.load_report["rows_clean"].tolist()
    (1, True, [1])
    """
    from liuan_eval.dataset import Dataset
    from liuan_eval.errors import DataFolderError
    from liuan_eval.memory import release_memory

    parts = parts if parts is not None else _raws
    folder = Path(folder)
    if not folder.is_dir():
        raise DataFolderError(folder)
    ds = Dataset(source=folder)
    qs, reports = [], []
    registry = None
    for table in TABLES:  # accounts first
        files = find_table_files(folder, table)
        if not files:
            continue
        try:
            t = read_table(table, files, year_hint=year, registry=registry, parts=parts)
        except InputError as exc:
            if errors != "collect":
                raise
            ds.errors.append((table, exc))
            good = [f for f in files if str(f) != exc.file and not exc.file.startswith(f"{f}[")]
            if len(good) == len(files) or not good:
                continue
            try:
                t = read_table(table, good, year_hint=year, registry=registry, parts=parts)
            except InputError as exc2:
                ds.errors.append((table, exc2))
                continue
        setattr(ds, table, t.data)
        ds.provenance[table] = t.provenance
        ds.columns_given[table] = t.columns_given
        release_memory()  # a table's raw text and temporaries go before the next table is read
        if table == "accounts":
            registry = t.data
        qs.append(t.quarantine)
        reports.append(t.report)
        ds.caveats.extend(t.caveats)
        ds.notes.extend(t.notes)
    if qs:
        ds.quarantine = pd.concat(qs, ignore_index=True)
    if reports:
        ds.load_report = pd.concat(reports, ignore_index=True)
    return ds


# --- CLI ---------------------------------------------------------------------------------------
def to_iso(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text with offset (``2025-03-01T09:30:00+08:00``) for CSV output.

    Examples
    --------
    >>> import pandas as pd
    >>> to_iso(pd.DataFrame({"t": pd.to_datetime(["2025-03-01 09:30"]).tz_localize("Asia/Shanghai")}))["t"].tolist()
    ['2025-03-01T09:30:00+08:00']
    """
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            s = out[c].dt.strftime("%Y-%m-%dT%H:%M:%S%z").astype("str")
            out[c] = s.str.replace(r"([+-][0-9]{2})([0-9]{2})$", r"\1:\2", regex=True)
    return out


__all__ = ["HeaderCheck", "HeaderMap", "InputError", "RawPart", "SUFFIXES", "TableLoad",
           "detect_encoding", "find_table_files", "inspect_headers", "load", "map_headers", "parse_bools",
           "parse_counts", "parse_datetimes", "platform_from_filename", "read_raw", "read_table",
           "restore_ids", "to_iso"]
