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

import csv
import difflib
import io
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.clean import (
    PADDING,
    flag_near_duplicates,
    mask_pii,
    match_units,
    nfkc,
    normalize_choice,
    normalize_platform,
    normalize_text,
    normalize_unicode_header,
    strip_padding,
)
from liuan_eval.errors import UserError
from liuan_eval.i18n import language, tr
from liuan_eval.schemas import (
    LOAD_REPORT_COLUMNS,
    PLATFORM_ALIASES,
    QUARANTINE_COLUMNS,
    TABLE_LABELS,
    TABLES,
    TIMEZONE,
    column_names,
)
from liuan_eval.validation import validate

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
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
#: Primary key of each table (same key, other content → ``duplicate_key``).
KEYS = {"accounts": ["platform", "account_id"], "posts": ["platform", "post_id"],
        "messages": ["message_id"], "releases": ["release_id"], "incidents": ["incident_id"],
        "filings": []}
ZERO_WORDS = {"转发", "评论", "赞", "点赞", "阅读", "在看", "喜欢", "收藏", "分享", "转发数", "评论数",
              "点赞数", "阅读数", "0"}
EMPTY_WORDS = {"-", "--", "—", "——", "/", "n/a", "na", "nan", "null", "none", "无数据"}
BOOL_WORDS = {"是": True, "否": False, "true": True, "false": False, "1": True, "0": False,
              "yes": True, "no": False, "y": True, "n": False, "√": True, "×": False, "对": True,
              "错": False, "1.0": True, "0.0": False, "属于": True, "不属于": False}
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
    """What :func:`read_table` returns: the clean table, its quarantine and the load report."""

    data: pd.DataFrame
    quarantine: pd.DataFrame
    report: pd.DataFrame
    caveats: list[str] = field(default_factory=list)


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
            where_zh = f"列“{p.get('column', '')}”" + (f" 第{p['row']}行" if p.get("row") else "")
            where_en = f"column {p.get('column', '')!r}" + (f" row {p['row']}" if p.get("row") else "")
            lines_zh.append(f"  - {where_zh}：{p.get('value', '')} —— 应为 {p.get('expected_zh', p.get('expected', ''))}")
            lines_en.append(f"  - {where_en}: {p.get('value', '')!s} — expected {p.get('expected', '')}")
        super().__init__("\n".join(lines_zh), "\n".join(lines_en))


# --- headers ---------------------------------------------------------------------------------
def _spellings(table: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for col in TABLES[table].values():
        for s in (col.name, col.label, *col.aliases):
            out.setdefault(normalize_unicode_header(s), col.name)
    return out


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
    spell = _spellings(table)
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


# --- raw readers -------------------------------------------------------------------------------
@dataclass
class _Raw:
    frame: pd.DataFrame          # raw cells (str, or typed columns from Parquet)
    lines: np.ndarray            # spreadsheet line of each frame row
    bad: list[tuple[int, str]]   # (line, raw text) of malformed records


def detect_encoding(raw: bytes) -> str:
    """The encoding of a CSV file's bytes: BOM, strict UTF-8, GB18030, then charset-normalizer.

    Examples
    --------
    >>> detect_encoding("微博".encode("gb18030")), detect_encoding(b"\\xef\\xbb\\xbfa")
    ('gb18030', 'utf-8-sig')
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    if best is not None:
        try:
            raw.decode(best.encoding)
            return best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise UnicodeDecodeError("unknown", raw[:1], 0, 1, "no encoding decodes this file")


def _read_csv_arrow(text: str, sep: str) -> pd.DataFrame | None:
    """Fast path: pyarrow's multi-threaded CSV reader, every column as text.

    Returns ``None`` (the caller falls back to pandas, then to record-by-record reading)
    when the file has blank lines, repeated headers or a record pyarrow cannot split.
    """
    if "\n\n" in text or "\n\r\n" in text:
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        header = next(csv.reader(io.StringIO(text[:1_000_000], newline=""), delimiter=sep), None)
        if not header or len(set(header)) != len(header) or any(h == "" for h in header):
            return None
        broken: list = []

        def on_invalid(row):
            broken.append(row)
            return "skip"

        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 null_values=[]))
    except Exception:  # any trouble: the slower readers decide
        return None
    if broken or table.num_columns != len(header):
        return None
    return pd.DataFrame({h: pd.Series(table.column(i), dtype="str") for i, h in enumerate(header)})


def _read_csv(path: Path) -> _Raw:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(path, [{"column": "", "row": 1, "value": tr("空文件", "empty file"),
                                 "expected": "a header row and data rows", "expected_zh": "表头行和数据行"}])
    try:
        enc = detect_encoding(raw)
        text = raw.decode(enc)
    except (UnicodeDecodeError, LookupError):
        raise InputError(path, [{"column": "", "row": "", "value": tr("无法识别的编码", "unknown encoding"),
                                 "expected": "UTF-8, UTF-8 with BOM or GB18030/GBK text",
                                 "expected_zh": "UTF-8、带BOM的UTF-8或GB18030/GBK文本"}]) from None
    del raw
    text = text.lstrip("\ufeff").replace("\x00", "")
    first = text.split("\n", 1)[0]
    sep = "\t" if first.count("\t") > first.count(",") else ","
    frame = _read_csv_arrow(text, sep)
    if frame is not None:
        return _Raw(frame, np.arange(len(frame), dtype=np.int64) + 2, [])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                                skip_blank_lines=False, index_col=False, engine="c")
        if not any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
            lines = np.arange(len(frame), dtype=np.int64) + 2
            return _Raw(frame, lines, [])  # (a parser warning means lost fields: read record by record)
    except pd.errors.EmptyDataError:
        raise InputError(path, [{"column": "", "row": 1, "value": tr("没有表头", "no header"),
                                 "expected": "a header row", "expected_zh": "表头行"}]) from None
    except (pd.errors.ParserError, ValueError, OverflowError):
        pass
    # a malformed record: read record by record (slow path, only for broken files)
    csv.field_size_limit(sys.maxsize)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = next(records, None)
    if not header:
        raise InputError(path, [{"column": "", "row": 1, "value": tr("没有表头", "no header"),
                                 "expected": "a header row", "expected_zh": "表头行"}])
    n = len(header)
    good, lines, bad = [], [], []
    try:
        for i, rec in enumerate(records, start=2):
            if len(rec) == n:
                good.append(rec)
                lines.append(i)
            elif any(x.strip(PADDING) for x in rec):
                bad.append((i, sep.join(rec)))
    except csv.Error as exc:  # pragma: no cover - csv with strict=False rarely raises
        bad.append((len(lines) + len(bad) + 2, f"csv error: {exc}"))
    seen: dict[str, int] = {}
    cols = []
    for h in header:  # pandas-style mangling of repeated headers
        k = seen.get(h, 0)
        cols.append(h if k == 0 else f"{h}.{k}")
        seen[h] = k + 1
    frame = pd.DataFrame(good, columns=cols, dtype="str") if good else pd.DataFrame(
        {c: pd.Series([], dtype="str") for c in cols})
    return _Raw(frame, np.asarray(lines, dtype=np.int64), bad)


def _read_excel(path: Path) -> _Raw:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, na_filter=False)
    except ImportError as exc:
        raise InputError(path, [{"column": "", "row": "", "value": str(exc),
                                 "expected": "an .xlsx file (save .xls as .xlsx)",
                                 "expected_zh": ".xlsx 文件（请将 .xls 另存为 .xlsx）"}]) from None
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise InputError(path, [{"column": "", "row": "", "value": f"{type(exc).__name__}: {exc}"[:200],
                                 "expected": "a readable Excel workbook", "expected_zh": "可读取的Excel工作簿"}]) from None
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.astype("str")
    return _Raw(frame, np.arange(len(frame), dtype=np.int64) + 2, [])


def _read_parquet(path: Path) -> _Raw:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputError(path, [{"column": "", "row": "", "value": f"{type(exc).__name__}: {exc}"[:200],
                                 "expected": "a readable Parquet file", "expected_zh": "可读取的Parquet文件"}]) from None
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    for c in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[c]):  # as ISO text, read back like any file
            col = frame[c]
            frame[c] = (to_iso(col.to_frame())[c] if isinstance(col.dtype, pd.DatetimeTZDtype)
                        else col.dt.strftime("%Y-%m-%d %H:%M:%S").astype("str"))
        elif not pd.api.types.is_string_dtype(frame[c]):
            col = frame[c]
            if pd.api.types.is_float_dtype(col):
                whole = col.notna() & (col == col.round())
                frame[c] = col.astype("str").where(~whole, col.round().astype("Int64").astype("str"))
            else:
                frame[c] = col.astype("str")
        elif pd.api.types.is_string_dtype(frame[c]):
            frame[c] = frame[c].astype("str")
    return _Raw(frame, np.arange(len(frame), dtype=np.int64) + 2, [])


def _read_raw(path: Path) -> _Raw:
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(path, [{"column": "", "row": "", "value": tr("文件不存在", "no such file"),
                                 "expected": "an existing file", "expected_zh": "存在的文件"}])
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path)
    if suffix in (".parquet", ".pq"):
        return _read_parquet(path)
    return _read_csv(path)


# --- value parsers -----------------------------------------------------------------------------
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
        o = o.str.replace(r"[ \t\r\n]+", " ", regex=True).str.strip()
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
    result = pd.Series(pd.DatetimeIndex(out).tz_localize("UTC").tz_convert(TIMEZONE), index=index)
    return result.astype(DT_DTYPE), pd.Series(todo, index=index)


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse counts: words such as ``转发``/``评论``/``赞`` → 0, ``-1`` → NA, ``1.2万`` → 12000,
    ``10万+`` → 100000, ``1,234`` → 1234.

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
    t = s.str.replace(",", "", regex=False).str.replace(r"\+$", "", regex=True)
    mult = np.where(t.str.endswith("万").fillna(False), 1e4, np.where(t.str.endswith("亿").fillna(False), 1e8, 1.0))
    num = pd.to_numeric(t.str.rstrip("万亿"), errors="coerce").astype("Float64").to_numpy(
        dtype=float, na_value=np.nan)
    val = num * mult
    minus_one = val == -1
    whole = np.where(mult > 1, True, val == np.round(val))
    ok = ~np.isnan(val) & (val >= 0) & (val < 2.0 ** 62) & whole
    res = np.where(ok, np.round(val), np.nan)
    res = np.where(zero.to_numpy(), 0.0, res)
    out = pd.Series(res, index=values.index).astype("Int64")
    bad = present.to_numpy() & ~zero.to_numpy() & ~empty.to_numpy() & ~ok & ~minus_one
    return out, pd.Series(bad, index=values.index)


def parse_bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
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
    v = s.map(BOOL_WORDS)
    out = pd.Series(v, index=values.index, dtype="object").astype("boolean")
    bad = s.notna() & v.isna() & ~s.isin(EMPTY_WORDS).fillna(False)
    return out, bad.astype(bool)


# --- the table reader --------------------------------------------------------------------------
def _platform_from_name(stem: str) -> str | None:
    for tok in re.split(r"[_\-\s.]+", stem.lower()):
        if tok in PLATFORM_ALIASES:
            return PLATFORM_ALIASES[tok]
    return None


def _missing_error(table: str, path: Path, hm: HeaderMap, missing: list[str], headers) -> InputError:
    problems = []
    for m in missing:
        col = TABLES[table][m]
        accepted = ", ".join([col.label, col.name, *col.aliases])
        sugg = hm.suggestions.get(m)
        problems.append({
            "column": f"{col.label} ({m})", "row": 1, "value": tr("缺少该列", "column missing"),
            "expected": f"one of the headers: {accepted}" + (f" (did you mean {sugg!r}?)" if sugg else ""),
            "expected_zh": f"表头为以下之一：{accepted}" + (f"（是否为“{sugg}”？）" if sugg else ""),
        })
    found = ", ".join(map(str, headers)) or "—"
    return InputError(
        path, problems,
        zh=f"文件 {path} 缺少必需的列（{table} 表）。找到的列：{found}",
        en=f"file {path} lacks required columns of table {table}. Columns found: {found}")


def _prepare_file(table: str, path: Path, raw: _Raw, *, platform, account,
                  account_from_filename) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One file's rows → canonical columns as trimmed text (options filled in), and its bad rows."""
    frame = raw.frame
    hm = map_headers(table, list(frame.columns))
    file_platform = platform or _platform_from_name(path.stem)
    fillable = set()
    if table == "posts":
        if account or account_from_filename or "account" in hm.mapping.values():
            fillable.add("account_id")
        if file_platform:
            fillable.add("platform")
    if table == "accounts" and file_platform:
        fillable.add("platform")
    missing = [m for m in hm.missing_required if m not in fillable]
    if missing:
        raise _missing_error(table, path, hm, missing, list(frame.columns))
    inv = {v: k for k, v in hm.mapping.items()}
    # trimmed cells; blank records (every cell empty) are not rows
    cells = {c: strip_padding(frame[c]) for c in frame.columns}
    lines = raw.lines
    if len(frame) and cells:
        nonblank = np.zeros(len(frame), dtype=bool)
        for c in cells.values():
            nonblank |= c.notna().to_numpy()
        if not nonblank.all():
            keep = np.flatnonzero(nonblank)
            cells = {c: v.iloc[keep].reset_index(drop=True) for c, v in cells.items()}
            lines = lines[keep]
    index = pd.RangeIndex(len(lines))
    out: dict[str, pd.Series] = {}
    for name in TABLES[table]:
        txt = cells[inv[name]] if name in inv else pd.Series(pd.NA, index=index, dtype="str")
        if name == "account" and table == "posts":
            fill = account or (path.stem if account_from_filename else None)
            if fill:
                txt = txt.fillna(fill)
        if name == "platform" and file_platform:
            txt = txt.fillna(file_platform)
        out[name] = txt
    data = pd.DataFrame(out, index=index)
    data["_line"] = lines
    bad_q = pd.DataFrame({"table": table, "file": str(path),
                          "line": [b[0] for b in raw.bad], "column": "",
                          "value": [b[1][:500] for b in raw.bad], "reason": "bad_row"})
    return data, bad_q


def _convert(table: str, frame: pd.DataFrame, year_hint, groups: np.ndarray) -> pd.DataFrame:
    """Text columns → typed canonical columns, with each row's first problem (or NA)."""
    n = len(frame)
    index = frame.index
    out: dict[str, pd.Series] = {}
    problem = np.full(n, None, dtype=object)
    pcol = np.full(n, None, dtype=object)
    pval = np.full(n, None, dtype=object)

    def flag(col: str, mask, rawtext: pd.Series) -> None:
        mask = np.asarray(mask, dtype=bool) & (problem == None)  # noqa: E711
        if mask.any():
            problem[mask] = reason
            pcol[mask] = col
            v = rawtext.astype("str").fillna("").str.slice(0, 500).to_numpy(dtype=object)
            pval[mask] = v[mask]

    for name, col in TABLES[table].items():
        txt = frame[name].astype("str")
        if col.kind == "datetime":
            v, bad = parse_datetimes(txt, year_hint, groups=groups)
        elif col.kind == "int":
            v, bad = parse_counts(txt)
        elif col.kind == "bool":
            v, bad = parse_bools(txt)
        elif col.kind == "category":
            v = normalize_choice(txt, col.choice_aliases)
            bad = txt.notna() & v.isna()
        else:
            v, bad = txt, None
        out[name] = v
        reason = {"datetime": "bad_datetime", "int": "bad_number", "bool": "bad_choice",
                  "category": "bad_choice"}.get(col.kind)
        if reason:
            flag(name, bad.to_numpy(dtype=bool), txt)
    if table == "posts":
        out["account_id"] = out["account_id"].fillna(out["account"])
    reason = "missing_value"
    for name, col in TABLES[table].items():
        if col.required:
            flag(name, out[name].isna().to_numpy(), out[name].astype("str") if col.kind == "str"
                 else frame[name].astype("str"))
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


def read_table(table: str, files, *, platform: str | None = None, account: str | None = None,
               account_from_filename: bool = False, year_hint: int | None = None,
               registry: pd.DataFrame | None = None, _raws: dict | None = None) -> TableLoad:
    """Read, validate and clean the files of one table.

    Parameters
    ----------
    table : str
        ``accounts``, ``posts``, ``messages``, ``filings``, ``releases`` or ``incidents``.
    files : path or list of paths
        CSV (UTF-8, UTF-8 with BOM, GB18030/GBK detected), Excel (first sheet) or Parquet.
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
        The clean accounts table: unit names are matched to it (``unit_match_score``) and
        posts and messages get ``unit``/``platform``/``account_id`` filled from their account.
    _raws : dict, optional
        Internal: files already read (path -> raw cells), so that the pre-flight check
        and the load that follows read each file once.

    Returns
    -------
    TableLoad
        ``data`` (canonical columns in contract order, then ``near_duplicate_of`` and,
        with a registry, ``unit``/``unit_match_score``), ``quarantine`` and ``report``.

    Raises
    ------
    InputError
        A file cannot be used (undecodable, empty, required columns missing).

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
    paths = [Path(files)] if isinstance(files, (str, Path)) else [Path(f) for f in files]
    if platform is not None:
        p = normalize_platform(pd.Series([platform])).iloc[0]
        if pd.isna(p):
            raise ValueError(tr(f"无法识别的平台：{platform}（应为 微博/微信/客户端）",
                                f"unknown platform {platform!r} (expected weibo/wechat/app)"))
        platform = p
    parts, bads = [], []
    for i, path in enumerate(paths):
        raw = _raws[path] if _raws and path in _raws else _read_raw(path)
        data, bad_q = _prepare_file(table, path, raw, platform=platform, account=account,
                                    account_from_filename=account_from_filename)
        data["_file"] = i
        parts.append(data)
        bads.append(bad_q)
    if not parts:  # no files: an empty table
        parts = [pd.DataFrame({**{c: pd.Series([], dtype="str") for c in TABLES[table]},
                               "_line": pd.Series([], dtype="int64"), "_file": pd.Series([], dtype="int64")})]
    # one conversion for all the files (year-less dates are resolved file by file)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
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
    del frame, parts
    names = column_names(table)
    if table == "posts" and registry is not None and len(df):
        df = _fill_from_registry_posts(df, registry)
        still = df["account_id"].isna() & (df["_problem"].isna())
        df.loc[still, ["_problem", "_pcol", "_pval"]] = ["missing_value", "account_id", ""]
    # exact duplicates among usable rows (across files; counted against the later file)
    usable = df["_problem"].isna().to_numpy() if len(df) else np.zeros(0, dtype=bool)
    dup = np.zeros(len(df), dtype=bool)
    if usable.any():
        dup[np.flatnonzero(usable)] = df.loc[usable, names].duplicated(keep="first").to_numpy()
    # same key, other content
    key = [k for k in KEYS[table]]
    keydup = np.zeros(len(df), dtype=bool)
    live = usable & ~dup
    if key and live.any():
        sub = df.loc[live, key]
        has = sub.notna().all(axis=1).to_numpy()
        kd = sub.duplicated(keep="first").to_numpy() & has
        keydup[np.flatnonzero(live)[kd]] = True
        if kd.any():
            idcol = key[-1]
            df.loc[keydup, "_problem"] = "duplicate_key"
            df.loc[keydup, "_pcol"] = idcol
            df.loc[keydup, "_pval"] = df.loc[keydup, idcol].astype("str")
    clean_mask = df["_problem"].isna().to_numpy() & ~dup if len(df) else np.zeros(0, dtype=bool)
    # quarantine
    qrows = df.loc[~clean_mask & ~dup] if len(df) else df
    q = pd.DataFrame({
        "table": table,
        "file": [str(paths[i]) for i in qrows["_file"]] if len(qrows) else pd.Series([], dtype="str"),
        "line": qrows["_line"].to_numpy() if len(qrows) else np.zeros(0, dtype=np.int64),
        "column": qrows["_pcol"].to_numpy() if len(qrows) else [],
        "value": qrows["_pval"].to_numpy() if len(qrows) else [],
        "reason": qrows["_problem"].to_numpy() if len(qrows) else [],
    })
    q = pd.concat([x for x in [q, *bads] if len(x)], ignore_index=True) if any(
        len(x) for x in [q, *bads]) else _empty_quarantine()
    q = q.astype({"table": "str", "file": "str", "column": "str", "value": "str", "reason": "str",
                  "line": "Int64"})
    q = q.sort_values(["file", "line"], kind="stable", ignore_index=True) if len(q) else q
    # report per file
    rows = []
    for i, path in enumerate(paths):
        mine = (df["_file"] == i).to_numpy() if len(df) else np.zeros(0, dtype=bool)
        nbad = len(bads[i])
        rows.append({"table": table, "file": str(path), "rows_read": int(mine.sum()) + nbad,
                     "rows_clean": int((mine & clean_mask).sum()),
                     "rows_quarantined": int((mine & ~clean_mask & ~dup).sum()) + nbad,
                     "duplicates_removed": int((mine & dup).sum())})
    report = pd.DataFrame(rows, columns=LOAD_REPORT_COLUMNS)
    data = df.loc[clean_mask].reset_index(drop=True) if len(df) else pd.DataFrame(columns=names)
    data = _finish(table, data, names, registry)
    validate(table, data)  # the clean table meets its contract (a failure here is a bug)
    return TableLoad(data, q, report, caveats)


def _fill_from_registry_posts(df: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    """Posts identified by the account's *name* only get the registry's id for that name on
    that platform (a unit's Weibo and WeChat accounts share one name under the notice's rules).

    An id given in the file is kept as it is, even when the registry does not know it: that
    is an unregistered account (C02), not a name to be looked up.
    """
    reg = registry.dropna(subset=["account_id", "account_name", "platform"])
    key = reg["account_name"].astype("str") + "\x1f" + reg["platform"].astype("str")
    by_name = pd.Series(reg["account_id"].to_numpy(), index=key.to_numpy())
    by_name = by_name[~by_name.index.duplicated(keep="first")]
    known = df["account_id"].isin(set(reg["account_id"]))
    from_name_only = df["account_id"].astype("str") == df["account"].astype("str")
    looked_up = (df["account"].astype("str") + "\x1f" + df["platform"].astype("str")).map(by_name)
    replace = ~known & from_name_only.fillna(False) & looked_up.notna()
    df["account_id"] = df["account_id"].where(~replace, looked_up).astype("str")
    return df


def _finish(table: str, data: pd.DataFrame, names: list[str], registry) -> pd.DataFrame:
    """Cleaning of the usable rows: text, PII, registry matching, near duplicates, dtypes."""
    data = data[names].copy() if len(data) else pd.DataFrame({n: pd.Series([], dtype="object") for n in names})
    for name, col in TABLES[table].items():
        if col.kind == "str":
            s = data[name].astype("str")
            if name in FREE_TEXT[table]:
                s = normalize_text(s)
            else:
                s = strip_padding(nfkc(s))
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
    extra: list[str] = []
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
    """The files of ``table`` in ``folder``: ``<table>.*``, ``<table>_*.*`` or the Chinese name.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for f in ["posts_weibo.csv", "posts.xlsx", "发布信息.csv", "postscript.csv", "truth.json"]:
    ...     _ = (d / f).write_text("x")
    >>> [p.name for p in find_table_files(d, "posts")]
    ['posts.xlsx', 'posts_weibo.csv', '发布信息.csv']
    """
    folder = Path(folder)
    stems = {table.lower(), TABLE_LABELS[table]}
    out = []
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.suffix.lower() not in SUFFIXES or p.name.startswith(("~$", ".")):
            continue
        stem = p.stem.lower()
        if stem in stems or any(stem.startswith(s + "_") or stem.startswith(s + "-") for s in stems):
            out.append(p)
    return out


def load(folder, *, year: int | None = None, _raws: dict | None = None):
    """Load every table found in ``folder`` into a :class:`liuan_eval.dataset.Dataset`.

    Accounts are read first and serve as the registry for the others; ``year`` is the
    year hint for year-less dates. A table without files is ``None``.

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

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, [{"column": "", "row": "", "value": tr("不是文件夹", "not a folder"),
                                   "expected": "a folder of table files", "expected_zh": "存放数据表的文件夹"}])
    ds = Dataset(source=folder)
    qs, reports = [], []
    registry = None
    for table in TABLES:  # accounts first
        files = find_table_files(folder, table)
        if not files:
            continue
        t = read_table(table, files, year_hint=year, registry=registry, _raws=_raws)
        setattr(ds, table, t.data)
        if table == "accounts":
            registry = t.data
        qs.append(t.quarantine)
        reports.append(t.report)
        ds.caveats.extend(t.caveats)
    if qs:
        ds.quarantine = pd.concat([q for q in qs], ignore_index=True)
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


def configure(parser) -> None:
    """Arguments of ``liuan-eval ingest``."""
    parser.add_argument("table", choices=list(TABLES), help=tr("表名", "table name"))
    parser.add_argument("files", nargs="+", help=tr("输入文件（CSV、Excel或Parquet）", "input files"))
    parser.add_argument("--out", required=True, help=tr("输出的规范表（CSV）", "output canonical CSV"))
    parser.add_argument("--platform", default=None, help=tr("平台（微博/微信/客户端）", "platform"))
    g = parser.add_mutually_exclusive_group()
    g.add_argument("--account", default=None, help=tr("账号名称", "account name"))
    g.add_argument("--account-from-filename", action="store_true",
                   help=tr("以文件名作为账号名称", "the file name is the account name"))
    parser.add_argument("--year-hint", type=int, default=None,
                        help=tr("无年份日期所属年份", "year of year-less dates"))
    parser.add_argument("--registry", default=None,
                        help=tr("账号登记表文件（用于匹配单位）", "accounts file used as registry"))


def run(args) -> int:
    """``liuan-eval ingest``: write the canonical table and its quarantine; print the counts."""
    try:
        registry = read_table("accounts", args.registry).data if args.registry else None
        t = read_table(args.table, args.files, platform=args.platform, account=args.account,
                       account_from_filename=args.account_from_filename, year_hint=args.year_hint,
                       registry=registry)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    to_iso(t.data).to_csv(out, index=False, encoding="utf-8")
    qpath = out.with_name(out.stem + ".quarantine.csv")
    from liuan_eval.validation import reason_text

    t.quarantine.assign(reason_text=reason_text(t.quarantine["reason"])).to_csv(qpath, index=False, encoding="utf-8")
    r = t.report[["rows_read", "rows_clean", "rows_quarantined", "duplicates_removed"]].sum()
    n, m, k, d = (int(r[c]) for c in ["rows_read", "rows_clean", "rows_quarantined", "duplicates_removed"])
    print(f"{n} read, {m} clean, {k} quarantined, {d} duplicates")
    if language() == "zh":  # the English line above is the stable, parseable contract
        print(f"读取 {n} 行，清洁 {m} 行，隔离 {k} 行，重复 {d} 行")
    for c in t.caveats:
        print(c)
    if k:
        print(tr(f"隔离的行见 {qpath}", f"quarantined rows are in {qpath}"))
    return 0
