"""The pre-flight check (``liuan-eval check --data DIR [--year 2025]``).

It loads a data folder the way a run does and lists, in one table and in Chinese, every
problem an analyst should fix before the assessment:

* missing tables and the criteria each one disables;
* missing or misnamed columns, with the closest accepted header
  (``发布日期`` → did you mean ``发布时间``?);
* rows the loaders could not use (unparseable dates, bad numbers, values outside a
  drop-down list, duplicate keys), with file, row and column;
* units in messages, filings or incidents, and accounts in posts, that are not in the
  account registry (with the closest registered name);
* registered accounts that never post in the year;
* each table's time coverage against the assessment year;
* example rows left over from the Excel templates.

Only *blocking* problems — those that would stop a run — make the command exit
non-zero. The same :class:`CheckResult` is the data-quality section of the report.

Examples
--------
>>> import tempfile
>>> from liuan_eval.preflight import preflight_check
>>> result = preflight_check(tempfile.mkdtemp(), year=2025)
>>> result.exit_code, result.problems["code"].iloc[0]
(1, 'missing_table')
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.i18n import tr
from liuan_eval.schemas import PLATFORM_LABELS, TABLE_LABELS, TABLES, TIMEZONE

#: Columns of :attr:`CheckResult.problems`.
PROBLEM_COLUMNS = ["severity", "code", "table", "file", "row", "column", "message", "suggestion"]
#: Severities, most serious first; only ``blocking`` makes ``check`` exit non-zero.
SEVERITIES = ("blocking", "warning", "info")
SEVERITY_LABELS = {"blocking": "阻断", "warning": "警告", "info": "提示"}
SEVERITY_LABELS_EN = {"blocking": "BLOCKING", "warning": "warning", "info": "info"}

#: Criterion → tables it needs (from criteria.md); used until the presets say it themselves.
CRITERION_TABLES: dict[str, tuple[str, ...]] = {
    "C01": ("accounts",), "C02": ("accounts", "posts"), "C03": ("accounts",),
    "C04": ("accounts",), "C05": ("filings",), "C06": ("filings",),
    "C07": ("messages",), "C08": ("messages",), "C09": ("messages",),
    "C10": ("posts",), "C11": ("posts",), "C12": ("releases", "posts"),
    "C13": ("accounts",), "C14": ("accounts", "filings"), "C15": ("posts",),
    "C16": ("incidents", "posts"), "C17": ("incidents",), "C18": ("posts",),
    "C19": ("accounts",), "C20": ("accounts", "posts"),
}

#: The column that places each table's rows in time (for the coverage check).
TIME_COLUMNS = {"posts": "published_at", "messages": "received_at", "filings": "event_date",
                "releases": "published_at", "incidents": "started_at"}
#: Tables expected to have rows in every month of the year (a gap means missing data).
MONTHLY_TABLES = ("posts", "messages")

_EXTENSIONS = (".csv", ".xlsx", ".xls", ".parquet")



def criteria_needing(table: str) -> list[str]:
    """Criteria that cannot be assessed without ``table``.

    Uses ``liuan_eval.criteria.CRITERION_TABLES`` when the criteria module declares the
    tables each criterion needs, else :data:`CRITERION_TABLES` (read from ``criteria.md``).
    Without the account registry no criterion can be assessed.

    Examples
    --------
    >>> criteria_needing("messages")
    ['C07', 'C08', 'C09']
    >>> criteria_needing("incidents")
    ['C16', 'C17']
    """
    mapping = CRITERION_TABLES
    try:
        declared = getattr(importlib.import_module("liuan_eval.criteria"), "CRITERION_TABLES", None)
        if isinstance(declared, dict) and declared:
            mapping = {cid: tuple(t) for cid, t in declared.items()}
    except ImportError:  # pragma: no cover - the criteria module ships with the package
        pass
    if table == "accounts":
        return sorted(mapping)
    return sorted(cid for cid, tables in mapping.items() if table in tables)


@dataclass
class CheckResult:
    """What :func:`preflight_check` found.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem: ``severity`` (blocking/warning/info), ``code``, ``table``,
        ``file``, ``row`` (line in the file, header = 1; empty when not row-specific),
        ``column`` (the header as written in the file), ``message`` (Chinese, or English
        with ``--lang en``), ``suggestion``.
    disabled_criteria : dict
        Missing table → criteria it disables.
    coverage : pandas.DataFrame
        Per table: ``table, rows, first, last, rows_in_year, months_in_year``.
    files : pandas.DataFrame
        Per input file: ``table, file, rows_read, rows_clean, rows_quarantined, duplicates_removed``.
    year : int or None
        The assessment year checked against.
    period : str or None
        The period checked against when it is not the calendar year (``2025-04-01 至 2025-06-30``).
    dataset : liuan_eval.dataset.Dataset or None
        What the loaders returned, exactly as a run loads it; ``None`` when a problem blocks
        the run (the other tables were still read and checked, but a partial data set must
        not be assessed).
    """

    problems: pd.DataFrame
    disabled_criteria: dict[str, list[str]] = field(default_factory=dict)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    files: pd.DataFrame = field(default_factory=pd.DataFrame)
    year: int | None = None
    dataset: object | None = None
    period: str | None = None

    @property
    def blocking(self) -> pd.DataFrame:
        """The problems that would stop a run."""
        return self.problems[self.problems["severity"] == "blocking"]

    @property
    def ok(self) -> bool:
        """``True`` when nothing blocks a run."""
        return self.blocking.empty

    @property
    def exit_code(self) -> int:
        """``2`` when the data folder itself is wrong (missing, a file: a usage error, as every command's),
        ``1`` when a problem would stop a run, else ``0``."""
        if self.problems["code"].isin(["no_folder", "not_a_folder"]).any():
            return 2
        return 0 if self.ok else 1

    def counts(self) -> dict[str, int]:
        """Number of problems per severity."""
        vc = self.problems["severity"].value_counts()
        return {s: int(vc.get(s, 0)) for s in SEVERITIES}

    def for_analyst(self) -> pd.DataFrame:
        """The problem list with headers and severities in the analyst's language (for ``--out``).

        Examples
        --------
        >>> import tempfile
        >>> list(preflight_check(tempfile.mkdtemp(), year=2025).for_analyst().columns)[:4]
        ['级别', '问题代码', '数据表', '文件']
        """
        zh = tr("zh", "en") == "zh"
        heads = (["级别", "问题代码", "数据表", "文件", "行号", "列", "说明", "建议"] if zh
                 else ["severity", "code", "table", "file", "row", "column", "message", "suggestion"])
        out = self.problems.copy()
        out["severity"] = out["severity"].map(SEVERITY_LABELS if zh else SEVERITY_LABELS_EN).astype("str")
        if zh:
            out["table"] = out["table"].map(TABLE_LABELS).astype("str")
        return out.set_axis(heads, axis=1)

    def to_text(self, limit: int | None = 20) -> str:
        """The problem list as an analyst reads it (language from :mod:`liuan_eval.i18n`).

        ``limit`` caps the rows shown per (severity, code, table, file, column) group, the
        rest summarised in one line; ``None`` shows everything.
        """
        return _format(self, limit)


def _problem(severity, code, table=None, file=None, row=None, column=None, message="",
             suggestion=None) -> dict:
    return {"severity": severity, "code": code, "table": table, "file": file, "row": row,
            "column": column, "message": message, "suggestion": suggestion}


def _problems_frame(rows: list[dict] | pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS) if not isinstance(rows, pd.DataFrame) else rows
    frame = frame.reindex(columns=PROBLEM_COLUMNS)
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    for col in ("severity", "code", "table", "file", "column", "message", "suggestion"):
        frame[col] = frame[col].astype("str")
    order = {s: i for i, s in enumerate(SEVERITIES)}
    tables = {t: i for i, t in enumerate(TABLES)}
    frame = frame.assign(_s=frame["severity"].map(order), _t=frame["table"].map(tables).fillna(99))
    frame = frame.sort_values(["_s", "_t", "file", "row", "code"], kind="stable", na_position="first")
    return frame.drop(columns=["_s", "_t"]).reset_index(drop=True)


# --------------------------------------------------------------------------- files and headers

@dataclass
class _Source:
    """One part of an input file (a CSV, or one sheet of a workbook) as the check saw it."""

    table: str
    path: Path
    part: object = None  # the reader's RawPart (None when the file could not be read)
    header: dict[str, str] = field(default_factory=dict)  # canonical column -> header as written
    usable: bool = True

    @property
    def frame(self) -> pd.DataFrame | None:
        """Raw cells (``None`` when unreadable)."""
        return None if self.part is None else self.part.frame

    @property
    def lines(self):
        """The line (CSV) or Excel row of each raw row."""
        return None if self.part is None else self.part.lines

    def raw(self, column: str) -> pd.DataFrame | None:
        """``value, line`` of a canonical column's raw cells (trimmed), or ``None``."""
        if self.frame is None or column not in self.header:
            return None
        from liuan_eval.clean import strip_padding

        return pd.DataFrame({"value": strip_padding(self.frame[self.header[column]].astype("str")),
                             "line": pd.array(self.lines, dtype="Int64")})


def _name(path, folder: Path, sheet: str | None = None) -> str:
    """A file as the analyst knows it: relative to the data folder, a workbook's sheet in brackets."""
    path = Path(path)
    try:
        name = str(path.relative_to(folder))
    except ValueError:
        name = str(path)
    return f"{name}[{sheet}]" if sheet else name


def _input_error_problems(table: str | None, exc, folder: Path) -> list[dict]:
    out = []
    file = _name(Path(exc.file.split("[")[0]), folder) + (exc.file[len(exc.file.split("[")[0]):]
                                                           if "[" in exc.file else "")
    zh = tr("zh", "en") == "zh"
    head = (exc.zh if zh else exc.en).split("\n")[0]
    for p in exc.problems or [{}]:
        expected = p.get("expected_zh", p.get("expected", "")) if zh else p.get("expected", "")
        value = p.get("value", "")
        row = p.get("row") or None
        detail = tr(f"{value}（应为 {expected}）", f"{value} (expected {expected})") if (value or expected) else ""
        out.append(_problem("blocking", "unreadable_file", table, file, row, p.get("column") or None,
                            tr(f"文件无法使用：{head}；{detail}" if detail else f"文件无法使用：{head}",
                               f"file cannot be used: {head}; {detail}" if detail else f"file cannot be used: {head}")))
    return out


def _plausible(table: str, header: str, canon: str) -> bool:
    """A header-to-column suggestion shares at least two characters with one of the column's spellings.

    The loaders' closest-name hint is generous (``序号`` → ``账号ID``, one character in common);
    an analyst is only told "did you mean" when the two names share a real part.

    Examples
    --------
    >>> _plausible("posts", "发布日期", "published_at"), _plausible("posts", "序号", "account_id")
    (True, False)
    """
    import difflib

    from liuan_eval.clean import normalize_unicode_header

    h = normalize_unicode_header(header)
    col = TABLES[table][canon]
    for spelling in (col.name, col.label, *col.aliases):
        blocks = difflib.SequenceMatcher(None, h, normalize_unicode_header(spelling)).get_matching_blocks()
        if sum(b.size for b in blocks) >= 2:
            return True
    return False


def _header_problems(src: _Source, folder: Path) -> list[dict]:
    """Missing required columns (blocking) and unrecognised headers, with the closest name."""
    from liuan_eval.io import inspect_headers

    table, file = src.table, _name(src.path, folder, src.part.sheet)
    if src.frame is None or src.frame.shape[1] == 0:  # an empty file: its note says so
        return []
    check = inspect_headers(table, src.part)
    hm = check.headers
    src.header = {canon: h for h, canon in hm.mapping.items()}
    out = []
    label = TABLE_LABELS[table]
    suggested_for_missing = set()
    for m in check.missing:
        col = TABLES[table][m]
        hint = hm.suggestions.get(m)
        if hint and not _plausible(table, hint, m):
            hint = None
        if hint:
            suggested_for_missing.add(hint)
            msg = tr(f"《{label}》缺少必填列“{col.label}”；表头“{hint}”是否应为“{col.label}”？",
                     f"{table}: required column '{col.label}' ({m}) is missing; "
                     f"did you mean '{col.label}' instead of '{hint}'?")
        else:
            msg = tr(f"《{label}》缺少必填列“{col.label}”（也可写作：{'、'.join(col.aliases[:4])}）",
                     f"{table}: required column '{col.label}' ({m}) is missing "
                     f"(also accepted: {', '.join(col.aliases[:4])})")
        if table == "posts" and m == "account_id":
            msg += tr("；从平台导出的单个账号的文件，可加一列“账号名称”（与账号登记表一致），程序据此填入账号ID",
                      "; for one account's export, add a column 账号名称 (as in the registry) and the id "
                      "is filled from the registry")
        if table in ("posts", "accounts") and m == "platform":
            msg += tr("；也可在文件名中注明平台，如 posts_weibo.csv、posts_微信.xlsx",
                      "; or name the platform in the file name, e.g. posts_weibo.csv")
        out.append(_problem("blocking", "missing_column", table, file, src.part.header_line, hint or col.label,
                            msg, col.label))
    if any(p["severity"] == "blocking" for p in out):
        src.usable = False
    labels_present = {TABLES[table][c].label for c in src.header}
    for h in hm.unknown:
        if h in suggested_for_missing or h.startswith("Unnamed:"):
            continue
        hint = hm.suggestions.get(h)
        by_label = {c.label: name for name, c in TABLES[table].items()}
        if hint and (hint not in by_label or not _plausible(table, h, by_label[hint])):
            hint = None
        if hint and hint not in labels_present:
            out.append(_problem("warning", "misnamed_column", table, file, None, h, tr(
                f"表头“{h}”无法识别，是否应为“{hint}”？（不改名则该列数据不会被使用）",
                f"header '{h}' is not recognised; did you mean '{hint}'? (otherwise the column is ignored)"),
                hint))
        else:
            out.append(_problem("info", "unknown_column", table, file, None, h, tr(
                f"表头“{h}”不是《{label}》的列，将被忽略",
                f"header '{h}' is not a column of {table} and is ignored")))
    return out


def _read_sources(folder: Path) -> tuple[dict[str, list[_Source]], list[dict], dict[str, list[str]]]:
    from liuan_eval.io import InputError, find_table_files, is_data_file, table_of_name
    from liuan_eval.raw import read_raw

    sources: dict[str, list[_Source]] = {}
    problems: list[dict] = []
    disabled: dict[str, list[str]] = {}
    claimed = set()
    for table in TABLES:
        paths = find_table_files(folder, table)
        claimed.update(paths)
        sources[table] = []
        if not paths:
            crit = criteria_needing(table)
            disabled[table] = crit
            label = TABLE_LABELS[table]
            if table == "accounts":
                problems.append(_problem("blocking", "missing_table", table, message=tr(
                    f"缺少《{label}》（文件名应为 accounts.xlsx、accounts_*.csv 或 {label}.xlsx 等）："
                    "没有账号登记表无法确定考核的单位和账号，考核无法运行",
                    f"the account registry ({table}) is missing (accounts.xlsx, accounts_*.csv, {label}.xlsx...): "
                    "without it no unit or account can be assessed"), suggestion=f"{table}_{label}.xlsx"))
            else:
                problems.append(_problem("warning", "missing_table", table, message=tr(
                    f"缺少《{label}》（文件名应以 {table} 或 {label} 开头）：指标 {'、'.join(crit)} 将不被考核",
                    f"table {table} ({label}) is missing: criteria {', '.join(crit)} will not be assessed"),
                    suggestion=f"{table}_{label}.xlsx"))
            continue
        for path in paths:
            try:
                parts = read_raw(path, table)
            except InputError as exc:
                problems.extend(_input_error_problems(table, exc, folder))
                sources[table].append(_Source(table, path, None, usable=False))
                continue
            except Exception as exc:  # noqa: BLE001 - the check never crashes on what it checks
                problems.append(_internal_problem(table, _name(path, folder), exc))
                sources[table].append(_Source(table, path, None, usable=False))
                continue
            for part in parts:
                src = _Source(table, path, part)
                problems.extend(_header_problems(src, folder))
                sources[table].append(src)
    for path in sorted(folder.iterdir()):
        if is_data_file(path) and path not in claimed:
            problems.append(_problem("info", "unclaimed_file", None, path.name, message=tr(
                "该文件不属于任何数据表，未读取（文件名应以 accounts、posts、messages、filings、releases、"
                "incidents 或对应中文表名开头）",
                "this file belongs to no table and was not read (names start with accounts, posts, "
                "messages, filings, releases, incidents or the Chinese table names)")))
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "~$"))):
        held = sorted(f for f in sub.iterdir() if is_data_file(f) and table_of_name(f.stem) is not None)
        if held:  # data files one level down are not read: say so, each folder once
            names = "、".join(f.relative_to(folder).as_posix() for f in held[:5]) + ("等" if len(held) > 5 else "")
            problems.append(_problem("warning", "files_in_subfolder", None, sub.name, message=tr(
                f"子文件夹“{sub.name}”中有 {len(held)} 个数据文件（{names}），未读取：只读取数据文件夹本层的文件，"
                "如需考核请把它们移到数据文件夹中",
                f"sub-folder '{sub.name}' holds {len(held)} data files ({names}) that were not read: only the "
                "data folder's own files are read; move them up to assess them")))
    return sources, problems, disabled


#: Columns of each table whose raw cells :func:`_example_problems` compares with the templates' examples.
EXAMPLE_KEYS = {"accounts": ("account_id", "account_name"), "posts": ("post_id", "text"),
                "messages": ("message_id", "title"), "filings": ("unit", "event_date"),
                "releases": ("release_id", "title"), "incidents": ("incident_id", "unit")}


def _slim(src: _Source):
    """The source's part with only the raw columns the checks after the load read (``unit`` and the
    example keys), so that the raw cells of a year of messages are not kept beside the loaded table."""
    import dataclasses

    keep = [src.header[c] for c in ("unit", *EXAMPLE_KEYS.get(src.table, ())) if c in src.header]
    keep = [c for c in dict.fromkeys(keep) if c in src.part.frame.columns]
    return dataclasses.replace(src.part, frame=src.part.frame[keep])


def _load(folder: Path, sources: dict[str, list[_Source]], year: int | None, problems: list[dict]):
    """What a run loads, through the loader itself; files that cannot be used are left out and listed."""
    from liuan_eval.io import load

    parts: dict[Path, list] = {}
    for srcs in sources.values():
        for s in srcs:
            if s.part is not None:
                parts.setdefault(s.path, []).append(s.part)
                s.part = _slim(s)  # the load takes the raw cells; the checks after it need a few columns
    try:
        ds = load(folder, year=year, parts=parts, errors="collect")
    except Exception as exc:  # noqa: BLE001 - the check never crashes on what it checks
        from liuan_eval.dataset import Dataset

        problems.append(_internal_problem(None, None, exc))
        return Dataset(source=folder)
    reported = {(p["file"], p["code"]) for p in problems if p["severity"] == "blocking"}
    for table, exc in ds.errors:  # problems the header check did not foresee (a repeated header, ...)
        for p in _input_error_problems(table, exc, folder):
            if (p["file"], "missing_column") not in reported and (p["file"], "unreadable_file") not in reported:
                problems.append(p)
    return ds


def _internal_problem(table, file, exc: Exception) -> dict:
    """A fault of the program itself, met while reading: blocking, with the developer's detail."""
    return _problem("blocking", "internal_error", table, file, message=tr(
        f"读取时程序出错，无法检查该数据（请把这条信息告知技术人员）：{type(exc).__name__}: {exc}",
        f"the program failed while reading (please report this): {type(exc).__name__}: {exc}"))


def _note_problems(ds, folder: Path) -> list[dict]:
    """What the readers saw and assumed: title rows, two-row headers, sheets skipped, ids restored."""
    from liuan_eval.raw import WORKBOOK_NOTES

    zh = tr("zh", "en") == "zh"
    # a note on another sheet (a hidden one, ...) is about the workbook, not the sheet it came with
    return [_problem(n["severity"], n["code"], n["table"],
                     _name(n["file"], folder, None if n["code"] in WORKBOOK_NOTES else n["sheet"]), n["line"],
                     n["column"], n["zh"] if zh else n["en"]) for n in getattr(ds, "notes", [])]


def _quarantine_problems(ds, sources: dict[str, list[_Source]], folder: Path) -> list[dict]:
    """Every row the loaders set aside, with file, line and the column as headed in the file."""
    q = ds.quarantine
    out: list[dict] = []
    if q is not None and len(q):
        headers = {}
        for srcs in sources.values():
            for s in srcs:
                sheet = (s.part.sheet or "") if s.part is not None else ""
                for canon, h in s.header.items():
                    headers[f"{s.path}\x1f{sheet}\x1f{canon}"] = h
        canon = q["column"].astype("str")
        as_written = (q["file"].astype("str") + "\x1f" + q["sheet"].astype("str").fillna("") + "\x1f"
                      + canon).map(headers)
        col = as_written.fillna(canon).astype("str")
        col = col.mask(col == "")
        from liuan_eval.validation import reason_text

        said = reason_text(q["reason"])  # in the session's language
        value = q["value"].astype("str").fillna("").str.slice(0, 60)
        empty = value.isna() | (value == "")
        if tr("zh", "en") == "zh":
            text = (said + "：“" + value + "”，该行未使用").where(~empty, said + "，该行未使用")
        else:
            text = (said + ": '" + value + "'; the row is not used").where(~empty, said + "; the row is not used")
        frame = pd.DataFrame({
            "severity": "warning", "code": q["reason"].astype("str"), "table": q["table"].astype("str"),
            "file": pd.Series([_name(f, folder, sh) for f, sh in zip(q["file"], q["sheet"].fillna(""))],
                              index=q.index, dtype="str"),
            "row": q["line"],
            "column": col, "message": text, "suggestion": pd.Series(pd.NA, index=q.index, dtype="str")})
        out.extend(frame.to_dict("records"))
    rep = ds.load_report
    if rep is not None and len(rep):
        dups = rep[rep["duplicates_removed"].fillna(0).astype(int) > 0]
        for rec in dups.itertuples(index=False):  # one per file
            out.append(_problem("info", "duplicates_removed", rec.table, _name(rec.file, folder, rec.sheet),
                                message=tr(f"{rec.duplicates_removed} 行与前面的行完全相同，已去重",
                                           f"{rec.duplicates_removed} rows repeat an earlier row exactly "
                                           "and were dropped")))
        empty = rep.groupby("table")["rows_clean"].sum()
        for table, n in empty.items():
            if n == 0:
                sev = "blocking" if table == "accounts" else "warning"
                out.append(_problem(sev, "no_usable_rows", table, message=tr(
                    f"《{TABLE_LABELS[table]}》没有一行可用的数据", f"{table} has no usable row")))
    return out


# --------------------------------------------------------------------------- data checks

def _closest(values: list[str], choices: list[str], cutoff: float = 60) -> dict[str, str]:
    """Closest of ``choices`` for each of ``values`` (rapidfuzz), where one is close enough."""
    if not values or not choices:
        return {}
    from rapidfuzz import fuzz, process

    out = {}
    for v in values:  # distinct names, not rows
        hit = process.extractOne(v, choices, scorer=fuzz.WRatio, score_cutoff=cutoff)
        if hit:
            out[v] = hit[0]
    return out


def _lines_text(lines: pd.Series, k: int = 5) -> str:
    """``第 2、35 行`` / ``lines 2, 35`` (the first ``k`` lines, then 等 / ...)."""
    shown = [str(int(x)) for x in lines.dropna().head(k)]
    more = len(lines.dropna()) > k
    return tr(f"第 {'、'.join(shown)} 行" + ("等" if more else ""),
              f"lines {', '.join(shown)}" + (", ..." if more else ""))


def _unit_problems(ds, sources: dict[str, list[_Source]], folder: Path) -> list[dict]:
    """Units in messages, filings and incidents that the registry does not know."""
    from liuan_eval.clean import match_units, normalize_text

    accounts = ds.accounts
    if accounts is None or accounts.empty:
        return []
    units = sorted(set(accounts["unit"].dropna().astype(str)))
    out = []
    for table in ("messages", "filings", "incidents"):
        label = TABLE_LABELS[table]
        for src in sources.get(table, []):
            raw = src.raw("unit")
            if raw is None or not src.usable:
                continue
            raw = raw[raw["value"].notna()]
            if raw.empty:
                continue
            raw = raw.assign(value=normalize_text(raw["value"]))
            names = pd.Series(raw["value"].dropna().unique(), dtype="str")
            m = match_units(names, units).assign(name=names)
            unknown = m.loc[m["method"] == "none", "name"].tolist()
            fuzzy = m[m["method"] == "fuzzy"]
            close = _closest(unknown, units)
            file, column = _name(src.path, folder), src.header["unit"]
            groups = raw[raw["value"].isin(unknown)].groupby("value", sort=True)["line"]
            for name, lines in groups:  # one problem per distinct unknown unit
                hint = close.get(name)
                out.append(_problem("warning", "unknown_unit", table, file, lines.iloc[0], column, tr(
                    f"《{label}》中的单位“{name}”不在账号登记表中（共 {len(lines)} 行：{_lines_text(lines)}）"
                    + (f"；是否应为“{hint}”？" if hint else ""),
                    f"{table}: unit '{name}' is not in the account registry ({len(lines)} rows: "
                    f"{_lines_text(lines)})" + (f"; did you mean '{hint}'?" if hint else "")), hint))
            for rec in fuzzy.itertuples(index=False):  # distinct names matched approximately
                lines = raw.loc[raw["value"] == rec.name, "line"]
                out.append(_problem("info", "fuzzy_unit", table, file, lines.iloc[0], column, tr(
                    f"单位“{rec.name}”按近似名称匹配为登记表中的“{rec.unit}”（{len(lines)} 行），请确认",
                    f"unit '{rec.name}' was matched approximately to '{rec.unit}' ({len(lines)} rows); "
                    "please confirm"), rec.unit))
    return out


def _where(ds, table: str, mask, folder: Path) -> pd.DataFrame:
    """``file`` (as the analyst knows it) and ``line`` of the rows of ``ds.<table>`` selected by ``mask``."""
    prov = getattr(ds, "provenance", {}).get(table)
    n = int(np.asarray(mask).sum())
    if prov is None or len(prov) != len(getattr(ds, table)):
        return pd.DataFrame({"file": pd.Series([None] * n, dtype="str"), "line": pd.array([pd.NA] * n, dtype="Int64")})
    sel = prov[np.asarray(mask)]
    files = [_name(f, folder, sh) for f, sh in zip(sel["file"].astype("str"), sel["sheet"].fillna(""))]
    return pd.DataFrame({"file": pd.Series(files, dtype="str"), "line": sel["line"].to_numpy()})


def _account_problems(ds, sources: dict[str, list[_Source]], folder: Path) -> list[dict]:
    """Posts by accounts missing from the registry (C02), with file and lines.

    Read from the loaded posts — ids restored and names looked up exactly as scoring sees
    them — so that the check names the same accounts that C02 will.
    """
    accounts, posts = ds.accounts, ds.posts
    if accounts is None or accounts.empty or posts is None or posts.empty:
        return []
    bad = ~posts["account_id"].astype("str").isin(set(accounts["account_id"].dropna().astype("str")))
    bad = bad.fillna(True).to_numpy()
    if not bad.any():
        return []
    where = _where(ds, "posts", bad, folder)
    names = posts["account"] if "account" in posts.columns else pd.Series(pd.NA, index=posts.index, dtype="str")
    frame = pd.DataFrame({"key": posts["account_id"].astype("str")[bad].to_numpy(),
                          "name": names[bad].astype("str").to_numpy(),
                          "file": where["file"].to_numpy(), "line": where["line"].to_numpy()})
    columns = {_name(src.path, folder, src.part.sheet): src.header.get("account_id") or src.header.get("account")
               for src in sources.get("posts", []) if src.part is not None}
    out = []
    for (k, file), grp in frame.groupby(["key", "file"], sort=True, dropna=False):  # one per unregistered account
        nm = grp["name"].dropna()
        shown = f"{k}（{nm.iloc[0]}）" if len(nm) and nm.iloc[0] != k else k
        lines = grp["line"].dropna().sort_values()
        out.append(_problem("warning", "unregistered_account", "posts", file if isinstance(file, str) else None,
                            lines.iloc[0] if len(lines) else None, columns.get(file), tr(
            f"发布信息中的账号“{shown}”不在账号登记表中（共 {len(grp)} 条：{_lines_text(lines)}），"
            "请补登记或核对账号ID（C02）",
            f"posts: account '{shown}' is not in the account registry ({len(grp)} posts: "
            f"{_lines_text(lines)}); register it or check the id (C02)")))
    return out


@dataclass(frozen=True)
class _Window:
    """The period checked against: ``start`` (inclusive) and ``end`` (exclusive) instants, its words."""

    start: pd.Timestamp
    end: pd.Timestamp
    zh: str
    en: str

    @property
    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the period touches."""
        last = self.end - pd.Timedelta(days=1)
        return [(p.year, p.month) for p in pd.period_range(self.start.strftime("%Y-%m"), last.strftime("%Y-%m"),
                                                            freq="M")]


def _window(year: int | None, period) -> _Window | None:
    """The calendar year ``year``, or ``period``'s first and last day (both inclusive)."""
    if period is not None:
        first, last = (pd.Timestamp(str(d)[:10]) for d in period)
        start, end = first.tz_localize(TIMEZONE), (last + pd.Timedelta(days=1)).tz_localize(TIMEZONE)
        return _Window(start, end, f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d} 期间", f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")
    if year is None:
        return None
    start = pd.Timestamp(year=year, month=1, day=1, tz=TIMEZONE)
    return _Window(start, pd.Timestamp(year=year + 1, month=1, day=1, tz=TIMEZONE), f"{year} 年", str(year))


def _silent_problems(ds, sources: dict[str, list[_Source]], window: _Window | None, folder: Path) -> list[dict]:
    """Registered accounts, open during the period, with no post in it."""
    accounts, posts = ds.accounts, ds.posts
    if accounts is None or accounts.empty or posts is None:
        return []
    pid = posts["account_id"].astype("str")
    active = accounts
    if window is not None:
        start, end = window.start, window.end
        t = posts["published_at"]
        pid = pid[(t >= start) & (t < end)]
        keep = pd.Series(True, index=accounts.index)
        if "opened_at" in accounts.columns:
            keep &= ~(accounts["opened_at"] >= end).fillna(False)
        if "closed_at" in accounts.columns:
            keep &= ~(accounts["closed_at"] < start).fillna(False)
        active = accounts[keep]
    silent = active[~active["account_id"].astype("str").isin(set(pid.dropna()))]
    if silent.empty:
        return []
    loc = _where(ds, "accounts", accounts["account_id"].astype("str").isin(set(silent["account_id"])).to_numpy(),
                 folder)
    ids = accounts["account_id"].astype("str")[accounts["account_id"].astype("str").isin(set(silent["account_id"]))]
    where = {aid: (f, ln) for aid, f, ln in zip(ids, loc["file"], loc["line"])}
    when = tr(f"在 {window.zh}内", f"in {window.en}") if window is not None else ""
    out = []
    for rec in silent.itertuples(index=False):  # registered accounts (a few hundred at most)
        file, line = where.get(rec.account_id, (None, None))
        plat = tr(PLATFORM_LABELS.get(rec.platform, rec.platform), rec.platform)
        out.append(_problem("warning", "silent_account", "accounts", file, line, None, tr(
            f"账号“{rec.account_name}”（{rec.unit}，{plat}，ID {rec.account_id}）{when}没有任何发布信息；"
            "若是发布数据漏交请补充，否则按未更新的天数扣分（超过长期未更新的天数则列入通报整改）",
            f"account '{rec.account_name}' ({rec.unit}, {plat}, id {rec.account_id}) has no post {when}; "
            "add its posts if they are missing, otherwise its days without posts are deducted (named for "
            "rectification past the dormancy threshold)")))
    return out


def _empty_evidence_problems(ds) -> list[dict]:
    """A reply, filing or officer column that is in the export but empty in every row: every row
    then counts as not answered, not filed, nobody named — say so, in case it was left out by mistake."""
    from liuan_eval.scoring.declare import column_empty, evidence_columns, exported

    out = []
    for (table, col), cids in evidence_columns().items():
        df = getattr(ds, table, None)
        if df is None or not len(df) or col not in df.columns or not exported(ds, table, col):
            continue
        if column_empty(df[col]):
            label = TABLES[table][col].label
            crits = "、".join(cids)
            out.append(_problem("warning", "empty_evidence_column", table, None, None, label, tr(
                f"{TABLE_LABELS[table]}的“{label}”列每一行都为空：{crits} 将按全部未办理（未答复、未报备、未登记）扣分；"
                "若是导出时漏了这一列的内容，请补充后再运行",
                f"{table}: column '{col}' is empty in every row: {crits} count every row as not done "
                "(not answered, not filed, nobody named); fill it in if the export left it out")))
    return out


def infer_year(dataset) -> int | None:
    """The year most posts (else messages) fall in; ``None`` when there are none.

    Examples
    --------
    >>> import pandas as pd
    >>> from liuan_eval.dataset import Dataset
    >>> posts = pd.DataFrame({"published_at": pd.to_datetime(
    ...     ["2024-12-31", "2025-01-02", "2025-06-01"]).tz_localize("Asia/Shanghai")})
    >>> infer_year(Dataset(posts=posts))
    2025
    """
    for table in ("posts", "messages"):
        frame = getattr(dataset, table, None)
        if frame is not None and len(frame) and TIME_COLUMNS[table] in frame.columns:
            years = frame[TIME_COLUMNS[table]].dt.year.dropna()
            if len(years):
                return int(years.value_counts().idxmax())
    return None


def coverage_table(dataset, year: int | None, period=None) -> pd.DataFrame:
    """Rows, first and last time, rows and months inside ``year`` (or ``period``, first and last day),
    per table with a time column.

    Examples
    --------
    >>> import pandas as pd
    >>> from liuan_eval.dataset import Dataset
    >>> posts = pd.DataFrame({"published_at": pd.to_datetime(
    ...     ["2024-12-31", "2025-01-02", "2025-06-01"]).tz_localize("Asia/Shanghai")})
    >>> cov = coverage_table(Dataset(posts=posts), 2025)
    >>> rec = cov.iloc[0]
    >>> rec["table"], int(rec["rows"]), int(rec["rows_in_year"]), int(rec["months_in_year"])
    ('posts', 3, 2, 2)
    """
    rows = []
    window = _window(year, period)
    for table, col in TIME_COLUMNS.items():
        frame = getattr(dataset, table, None)
        if frame is None or col not in frame.columns:
            continue
        t = frame[col].dropna()
        entry = {"table": table, "rows": len(frame), "first": t.min() if len(t) else pd.NaT,
                 "last": t.max() if len(t) else pd.NaT, "rows_in_year": pd.NA, "months_in_year": pd.NA}
        if window is not None:
            inside = t[(t >= window.start) & (t < window.end)]
            entry["rows_in_year"] = len(inside)
            entry["months_in_year"] = int(inside.dt.strftime("%Y-%m").nunique())
        rows.append(entry)
    out = pd.DataFrame(rows, columns=["table", "rows", "first", "last", "rows_in_year", "months_in_year"])
    for c in ("rows", "rows_in_year", "months_in_year"):
        out[c] = out[c].astype("Int64")
    return out


def _coverage_problems(dataset, coverage: pd.DataFrame, window: _Window | None, folder: Path) -> list[dict]:
    out = []
    if window is None:
        return out
    start, end, zh, en = window.start, window.end, window.zh, window.en
    months = window.months
    for rec in coverage.itertuples(index=False):  # one row per table
        table, label = rec.table, TABLE_LABELS[rec.table]
        if not rec.rows or pd.isna(rec.first):
            continue
        span = f"{rec.first:%Y-%m-%d} — {rec.last:%Y-%m-%d}"
        if rec.rows_in_year == 0:
            out.append(_problem("warning", "no_rows_in_year", table, message=tr(
                f"《{label}》共 {rec.rows} 行，没有一行在 {zh}内（数据时间 {span}），请核对考核期间或数据文件",
                f"{table}: none of its {rec.rows} rows is in {en} (data {span}); check the period or the files"),
                suggestion=f"--year {rec.last.year}"))
            continue
        outside = int(rec.rows - rec.rows_in_year)
        if outside and table != "filings":  # filings of earlier years are history, not noise
            frame = getattr(dataset, table)
            t = frame[TIME_COLUMNS[table]]
            off = (~((t >= start) & (t < end))).fillna(True).to_numpy()
            where = _where(dataset, table, off, folder)
            for file, grp in where.groupby("file", sort=True, dropna=False):  # one line per file
                lines = grp["line"].dropna().sort_values()
                out.append(_problem("info", "rows_outside_year", table, file if isinstance(file, str) else None,
                                    lines.iloc[0] if len(lines) else None, TABLES[table][TIME_COLUMNS[table]].label,
                                    tr(f"《{label}》有 {len(grp)} 行不在 {zh}内（{_lines_text(lines)}；数据时间 {span}），"
                                       "不计入本期（期限落在本期内的跨期事项除外）",
                                       f"{table}: {len(grp)} rows lie outside {en} ({_lines_text(lines)}; data {span}) "
                                       "and are not assessed in it (except items whose deadline falls in it)")))
        if table in MONTHLY_TABLES and rec.months_in_year < len(months):
            t = getattr(dataset, table)[TIME_COLUMNS[table]]
            inside = t[(t >= start) & (t < end)]
            have = set(zip(inside.dt.year.tolist(), inside.dt.month.tolist()))
            missing = [ym for ym in months if ym not in have]
            one_year = len({y for y, _ in months}) == 1
            zh_m = "、".join(f"{m}月" if one_year else f"{y}年{m}月" for y, m in missing)
            en_m = ", ".join(str(m) if one_year else f"{y}-{m:02d}" for y, m in missing)
            out.append(_problem("warning", "coverage_gap", table, message=tr(
                f"《{label}》在 {zh}的 {zh_m} 没有任何记录，数据可能不完整"
                + ("（发布信息缺失会被判为长期未更新）" if table == "posts" else ""),
                f"{table}: no rows in month(s) {en_m} of {en}; the data may be incomplete")))
    return out


def _example_problems(sources: dict[str, list[_Source]], folder: Path) -> list[dict]:
    """Rows still holding the Excel templates' example values."""
    from liuan_eval.templates import example_rows

    out = []
    for table, (key, second) in EXAMPLE_KEYS.items():
        ex = example_rows(table)
        for src in sources.get(table, []):
            a, b = src.raw(key), src.raw(second)
            if a is None or b is None:
                continue
            pairs = {f"{r[key]}\x1f{r[second]}" for r in ex}
            bv = b["value"].str.slice(0, 10) if TABLES[table][second].kind == "datetime" else b["value"]
            hit = (a["value"] + "\x1f" + bv).isin(pairs).fillna(False)
            if not hit.any():
                continue
            for line in a.loc[hit, "line"]:  # at most the two example rows
                out.append(_problem("warning", "template_example", table, _name(src.path, folder), line, None,
                                    tr(f"《{TABLE_LABELS[table]}》中仍有模板自带的示例行，请删除",
                                       f"{table}: a template example row is still there; delete it")))
    return out


def _check_failed(name: str, exc: Exception) -> list[dict]:
    return [_problem("warning", "check_failed", message=tr(
        f"有一项检查（{name}）未能完成，其余检查不受影响；请把此信息告知技术人员：{type(exc).__name__}: {exc}",
        f"the check {name} could not finish (the others did): {type(exc).__name__}: {exc}"))]


def _safe(check, *args) -> list[dict]:
    """Run one secondary check; a failure becomes one warning instead of hiding every other problem."""
    try:
        return check(*args)
    except Exception as exc:  # noqa: BLE001 - reported in the list, with the developer's detail
        return _check_failed(check.__name__.strip("_"), exc)


def preflight_check(folder: str | Path, year: int | None = None, period=None) -> CheckResult:
    """Load ``folder`` as a run would and list every problem, in one table.

    Parameters
    ----------
    folder : str or pathlib.Path
        The data folder (files named as :func:`liuan_eval.load` expects).
    year : int, optional
        The assessment year; inferred from the posts (else messages) when not given.
    period : (first day, last day), optional
        Both inclusive (dates or ``YYYY-MM-DD``): a quarter or any span checked instead of the
        calendar year (:func:`liuan_eval.score`'s ``period``); ``year`` defaults to its first day's.

    Returns
    -------
    CheckResult
        ``problems`` (severity, code, table, file, row, column, message, suggestion),
        ``disabled_criteria``, ``coverage``, ``files`` and the loaded ``dataset``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "accounts.csv").write_text(
    ...     "单位名称,单位类型,平台,账号ID,账号名称,开通日期\\n金安区,县区,微博,1,金安区人民政府发布,2016-10-08\\n")
    >>> _ = (d / "posts.csv").write_text(
    ...     "账号ID,平台,信息ID,发布日期\\n1,微博,p1,2025-01-05 10:00\\n")
    >>> r = preflight_check(d, year=2025)
    >>> r.exit_code
    1
    >>> r.problems.loc[0, ["severity", "code", "column", "suggestion"]].tolist()
    ['blocking', 'missing_column', '发布日期', '发布时间']
    """
    folder = Path(folder)
    if folder.is_file():  # a data file given for the folder holding it
        problems = [_problem("blocking", "not_a_folder", file=str(folder), message=tr(
            f"{folder} 是文件，不是文件夹：--data 后面应是存放各数据文件的文件夹（如 {folder.parent}）",
            f"{folder} is a file, not a folder: --data takes the folder holding the data files "
            f"(e.g. {folder.parent})"), suggestion=str(folder.parent))]
        return CheckResult(_problems_frame(problems), year=year)
    if not folder.is_dir():
        problems = [_problem("blocking", "no_folder", file=str(folder), message=tr(
            f"数据文件夹不存在：{folder}", f"no such data folder: {folder}"))]
        return CheckResult(_problems_frame(problems), year=year)
    if period is not None and year is None:
        year = pd.Timestamp(str(period[0])[:10]).year
    sources, problems, disabled = _read_sources(folder)
    ds = _load(folder, sources, year, problems)
    problems += _note_problems(ds, folder)
    problems += _quarantine_problems(ds, sources, folder)
    if year is None:
        year = infer_year(ds)
        if year is not None:
            problems.append(_problem("info", "year_inferred", message=tr(
                f"未指定考核年度，按数据推断为 {year} 年（可用 --year 指定）",
                f"no --year given; the data say {year}")))
    for caveat in getattr(ds, "caveats", None) or []:
        problems.append(_problem("info", "caveat", message=str(caveat)))
    problems += _safe(_unit_problems, ds, sources, folder)
    problems += _safe(_account_problems, ds, sources, folder)
    window = _window(year, period)
    problems += _safe(_silent_problems, ds, sources, window, folder)
    problems += _safe(_empty_evidence_problems, ds)
    try:
        coverage = coverage_table(ds, year, period)
    except Exception as exc:  # noqa: BLE001 - one check failing must not hide the others
        coverage = coverage_table(None, None)
        problems += _check_failed("coverage_table", exc)
    problems += _safe(_coverage_problems, ds, coverage, window, folder)
    problems += _safe(_example_problems, sources, folder)
    files = ds.load_report.copy() if ds.load_report is not None else pd.DataFrame()
    if len(files):
        files["file"] = pd.Series([_name(f, folder, sh) for f, sh in zip(files["file"], files["sheet"].fillna(""))],
                                  index=files.index, dtype="str")
    frame = _problems_frame(problems)
    blocked = bool((frame["severity"] == "blocking").any())
    return CheckResult(frame, disabled, coverage, files, year, None if blocked else ds,
                       window.zh.removesuffix(" 期间") if window is not None and period is not None else None)


# --------------------------------------------------------------------------- output

def _coverage_lines(result: CheckResult) -> list[str]:
    cov = result.coverage
    if cov is None or cov.empty:
        return []
    out = [tr("各表时间覆盖：", "time coverage:")]
    for rec in cov.itertuples(index=False):  # one line per table
        if pd.isna(rec.first):
            continue
        span = f"{rec.first:%Y-%m-%d} — {rec.last:%Y-%m-%d}"
        inside = ""
        if result.year is not None and not pd.isna(rec.rows_in_year):
            when = f"{result.period} 期间" if result.period else f"{result.year} 年"
            inside = tr(f"，{when}内 {rec.rows_in_year:,} 行、{rec.months_in_year} 个月有数据",
                        f"; {rec.rows_in_year:,} in {result.period or result.year}, {rec.months_in_year} months with data")
        out.append(tr(f"  {TABLE_LABELS[rec.table]}：{rec.rows:,} 行，{span}{inside}",
                      f"  {rec.table}: {rec.rows:,} rows, {span}{inside}"))
    return out


def _format(result: CheckResult, limit: int | None) -> str:
    en = tr("zh", "en") == "en"
    labels = SEVERITY_LABELS_EN if en else SEVERITY_LABELS
    p = result.problems
    c = result.counts()
    year = result.year
    lines = [tr(f"运行前检查：{c['blocking']} 个阻断问题，{c['warning']} 个警告，{c['info']} 个提示"
                + (f"（考核期间 {result.period}）" if result.period else f"（考核年度 {year}）" if year else ""),
                f"pre-flight check: {c['blocking']} blocking, {c['warning']} warnings, {c['info']} notes"
                + (f" (period {result.period})" if result.period else f" (year {year})" if year else ""))]
    if p.empty:
        lines.extend(_coverage_lines(result))
        lines.append(tr("未发现问题，可以运行考核。", "no problems found; ready to run."))
        return "\n".join(lines)
    keys = ["severity", "code", "table", "file", "column"]
    # missing values (a problem with no file or column) form a group like any other value
    g = p[keys].astype("str").fillna("\x00").groupby(keys, sort=False)
    grouped = p.assign(nth=g.cumcount(), size=g["code"].transform("size"))
    for rec in grouped.itertuples(index=False):  # problems, already grouped and capped
        if limit is not None and rec.nth >= limit:
            if rec.nth == limit:
                rest = int(rec.size) - limit
                lines.append(tr(f"    ……同类问题另有 {rest} 条（用 --all 显示全部，或 --out 保存清单）",
                                f"    ... {rest} more like this (--all shows them, --out saves the list)"))
            continue
        where = []
        if isinstance(rec.file, str):
            where.append(rec.file)
        if rec.row is not pd.NA and not pd.isna(rec.row):
            where.append(tr(f"第 {rec.row} 行", f"line {rec.row}"))
        if isinstance(rec.column, str):
            where.append(tr(f"列“{rec.column}”", f"column '{rec.column}'"))
        loc = f"[{' '.join(where)}] " if where else ""
        lines.append(f"[{labels[rec.severity]}] {loc}{rec.message}")
    lines.extend(_coverage_lines(result))
    if result.disabled_criteria:
        lines.append(tr("因缺少数据表而无法考核的指标：", "criteria not assessed for want of a table:"))
        for table, crit in result.disabled_criteria.items():
            lines.append(tr(f"  {TABLE_LABELS[table]}（{table}）：{'、'.join(crit)}",
                            f"  {table}: {', '.join(crit)}"))
    if result.ok:
        lines.append(tr("没有阻断问题，可以运行考核；建议先处理上面的警告。",
                        "nothing blocks a run; consider fixing the warnings first."))
    else:
        lines.append(tr("存在阻断问题，考核无法运行，请先修正后再检查。",
                        "blocking problems: the assessment cannot run until they are fixed."))
    return "\n".join(lines)
