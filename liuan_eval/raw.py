"""Reading an input file as an office exports it: records, the header, and what went wrong where.

This is the first step of every command that reads data (``check``, ``ingest``, ``score``,
``run``): :func:`read_raw` turns one file into one :class:`RawPart` per usable sheet —
raw cells as text under the header as found, the line of every record as a text editor
(or Excel) shows it, the records that could not be read with their reason, and notes on
what the reader saw and assumed. :mod:`liuan_eval.io` maps the header to the canonical
columns and converts the cells.

What it copes with, each confined to the records it touches:

* encodings: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK; a few
  undecodable bytes quarantine only the records holding them (``bad_encoding``);
* line ends: ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Excel for Mac's "CSV (Macintosh)"),
  also mixed; a line break inside a quoted cell is kept as written;
* CSV faults: a record with more fields than the header (``long_row``) or fewer
  (``short_row``), a stray quote that would swallow the following records
  (``unclosed_quote``: that line is set aside and reading resumes on the next one), a
  last record cut off in the middle (``truncated_record``);
* headers: title rows above the header (``2025年政务微博发布统计表``), two-row headers with
  merged group cells (``互动数据`` over ``转发``/``评论``/``点赞``), repeated header names
  (an error naming both columns when they name a column of the table);
* workbooks: every visible sheet is read (one part each); hidden sheets, chart sheets and
  sheets without a recognisable header (an instructions sheet) are skipped, with a note;
  a cell merged over data rows (a unit's name merged down its accounts) gives its value
  to every row of the range;
* quarantined records: each kept as ``value``, masked (:func:`liuan_eval.clean.mask_pii`)
  before it is cut to :data:`MAX_VALUE_CHARS` characters, never inside a number.

Line numbers: a CSV record's line is the physical line where it starts (header = line 1
when there is no title row), so a record after a three-line cell has the number an
editor shows (every line end counts, a lone ``\\r`` too); a workbook row's line is its
Excel row number (also on a sheet whose cells start below row 1).

Examples
--------
>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "posts.csv"
>>> _ = p.write_text("2025年政务微博发布统计表\\n账号ID,信息ID,发布时间,内容\\n1,a,2025-01-01,\\"多行\\n内容\\"\\n"
...                  "1,b,2025-01-02,好,多余\\n1,c,2025-01-03,好\\n", encoding="utf-8")
>>> part = read_raw(p, "posts")[0]
>>> list(part.frame.columns), part.lines.tolist()
(['账号ID', '信息ID', '发布时间', '内容'], [3, 6])
>>> part.bad[["line", "reason"]].values.tolist()
[[5, 'long_row']]
>>> [n.code for n in part.notes]
['title_rows']
"""
from __future__ import annotations

import codecs
import csv
import datetime as _dt
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.clean import PADDING, mask_pii, normalize_unicode_header
from liuan_eval.errors import UserError
from liuan_eval.i18n import tr
from liuan_eval.schemas import TABLES
from liuan_eval.validation import Reason

#: File suffixes the readers accept.
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")
#: Rows searched for the header (title rows above it are skipped).
HEADER_SEARCH_ROWS = 12
#: The instructions sheet of the fill-in templates (:mod:`liuan_eval.templates`).
GUIDE_SHEET = "填写说明"
#: Sheets that explain a workbook rather than hold data: skipped without a note.
INSTRUCTION_SHEETS = {GUIDE_SHEET, "说明", "使用说明", "readme", "instructions"}
#: Characters of a quarantined record kept as its ``value`` (masked first, never cut inside a number).
MAX_VALUE_CHARS = 500
#: Codes of notes about a workbook's other sheets (hidden, chart, empty, skipped ones): they go with
#: the first sheet read, but are about the workbook, not that sheet.
WORKBOOK_NOTES = frozenset({"hidden_sheet", "chart_sheet", "empty_sheet", "skipped_sheet"})


@dataclass(frozen=True)
class ReadNote:
    """Something the reader saw and what it assumed (shown by the pre-flight check).

    ``code`` is stable (``title_rows``, ``two_row_header``, ``hidden_sheet``, ``chart_sheet``, ``skipped_sheet``,
    ``empty_file``, ``empty_sheet``, ``encoding_errors``, ``duplicate_header``, ``header_by_values``, …); ``zh`` and
    ``en`` are the sentence in each language; ``line`` and ``column`` locate it when they can.
    """

    code: str
    zh: str
    en: str
    line: int | None = None
    column: str | None = None
    severity: str = "info"

    def text(self) -> str:
        """The sentence in the session's language."""
        return tr(self.zh, self.en)


@dataclass
class RawPart:
    """One sheet (or the whole of a CSV or Parquet file) as read, before header mapping.

    Attributes
    ----------
    path : pathlib.Path
    sheet : str or None
        The worksheet's name for a workbook, else ``None``.
    frame : pandas.DataFrame
        Raw cells as text (``str`` dtype; Parquet keeps its text form of typed values),
        one column per header as written (repeated unknown names get ``.1``, ``.2``).
    lines : numpy.ndarray
        The line (CSV: physical line where the record starts; workbook: Excel row) of each
        frame row.
    bad : pandas.DataFrame
        ``line, value, reason`` of the records that could not be read.
    notes : list of ReadNote
        What the reader saw and assumed.
    header_line : int
        The line of the (last) header row.
    encoding : str or None
        The text encoding of a CSV file.
    """

    path: Path
    sheet: str | None
    frame: pd.DataFrame
    lines: np.ndarray
    bad: pd.DataFrame = field(default_factory=lambda: _bad_frame([]))
    notes: list[ReadNote] = field(default_factory=list)
    header_line: int = 1
    encoding: str | None = None

    @property
    def name(self) -> str:
        """``file`` or ``file[sheet]`` for messages."""
        return f"{self.path}[{self.sheet}]" if self.sheet else str(self.path)

    @property
    def records(self) -> int:
        """Data records read: usable ones and those set aside."""
        return len(self.frame) + len(self.bad)


#: A run of characters a number is written with, masked or not (``139****5678``, ``3415****002X``).
_NUMBER_RUN = re.compile(r"[0-9*Xx]+$")


def _cut_value(text: str) -> str:
    """``text`` (already masked) cut to :data:`MAX_VALUE_CHARS`, never inside a number.

    A number the cut would split is left out whole: no piece of it (a masked one's hint
    digits, an unmasked run's first digits) ends the kept text.
    """
    if len(text) <= MAX_VALUE_CHARS:
        return text
    head = text[:MAX_VALUE_CHARS]
    if _NUMBER_RUN.match(text[MAX_VALUE_CHARS]):
        run = _NUMBER_RUN.search(head)
        if run and run.start() > 0:
            head = head[:run.start()]
    return head


def _bad_frame(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """``line, value, reason`` of quarantined records; each ``value`` masked whole (the one
    masking function, :func:`liuan_eval.clean.mask_pii`), then cut to :data:`MAX_VALUE_CHARS`."""
    values = pd.Series([r[1] for r in rows], dtype="str")
    if len(values):
        values = mask_pii(values)
        long = (values.str.len() > MAX_VALUE_CHARS).fillna(False).to_numpy(dtype=bool)
        if long.any():
            values = values.copy()
            values[long] = values[long].map(_cut_value)
    return pd.DataFrame({"line": pd.array([r[0] for r in rows], dtype="Int64"),
                         "value": values,
                         "reason": pd.Series([r[2] for r in rows], dtype="str")})


def file_error(path, value_zh: str, value_en: str, expected_zh: str, expected_en: str, row=None, column=""):
    """An :class:`liuan_eval.io.InputError` for a whole file (imported lazily: io sits above)."""
    from liuan_eval.io import InputError

    return InputError(path, [{"column": column, "row": row, "value": tr(value_zh, value_en),
                              "expected": expected_en, "expected_zh": expected_zh}])


# --- header spellings ------------------------------------------------------------------------
_SPELLINGS: dict[str, dict[str, str]] = {}


def header_spellings(table: str) -> dict[str, str]:
    """Normalised header spelling → canonical column of ``table`` (name, Chinese label, aliases).

    Examples
    --------
    >>> header_spellings("posts")["微博内容"], header_spellings("posts")[normalize_unicode_header("published_at")]
    ('text', 'published_at')
    """
    if table not in _SPELLINGS:
        out: dict[str, str] = {}
        for col in TABLES[table].values():
            for s in (col.name, col.label, *col.aliases):
                out.setdefault(normalize_unicode_header(s), col.name)
        _SPELLINGS[table] = out
    return _SPELLINGS[table]


def _canon(table: str, header: str) -> str | None:
    return header_spellings(table).get(normalize_unicode_header(header)) if header else None


def _score(table: str, names: list[str]) -> int:
    """Distinct canonical columns a candidate header row names."""
    return len({c for c in (_canon(table, h) for h in names) if c})


def _combine(upper: list[str], lower: list[str], table: str) -> list[str]:
    """Header names of a two-row header: the lower cell where there is one, else the upper.

    A lower name is prefixed with its group label (the upper cell carried right across the
    merged, empty cells) when the combined name names a column of ``table`` and the lower
    name alone repeats (``内容`` under both ``留言`` and ``答复``) or names no column
    (``意见`` under ``答复`` is ``答复意见``); a lower name that is a column by itself
    (``转发`` under ``互动数据``) is kept as written.

    Examples
    --------
    >>> _combine(["留言", "", "答复", ""], ["编号", "时间", "时间", "意见"], "messages")
    ['编号', '留言时间', '答复时间', '答复意见']
    """
    width = max(len(upper), len(lower))
    up = upper + [""] * (width - len(upper))
    low = lower + [""] * (width - len(lower))
    group, groups = "", []
    for u in up:
        group = u or group
        groups.append(group)
    names = [lo or u for u, lo in zip(up, low)]
    counts = Counter(normalize_unicode_header(n) for n in names)
    for i, (lo, g) in enumerate(zip(low, groups)):
        if not lo or not g or not _canon(table, g + lo):
            continue
        if counts[normalize_unicode_header(lo)] > 1 or not _canon(table, lo):
            names[i] = g + lo
    return names


@dataclass
class HeaderChoice:
    """Where the header is: its row index among the records read, one or two rows, the names."""

    index: int
    rows: int
    names: list[str]


def locate_header(records: list[list[str]], table: str) -> HeaderChoice:
    """Find the header among the first records: title rows above it, one or two rows.

    Each of the first :data:`HEADER_SEARCH_ROWS` records, alone or with the next one (a
    two-row header), is scored by the number of distinct columns of ``table`` it names;
    the best wins, the earliest among equals, a single row over a pair.

    Examples
    --------
    >>> locate_header([["六安市2025年统计"], ["账号ID", "信息ID", "发布时间"], ["1", "a", "2025-01-01"]],
    ...               "posts").index
    1
    >>> h = locate_header([["账号ID", "发布时间", "互动数据", "", ""], ["", "", "转发数", "评论数", "点赞数"],
    ...                    ["1", "2025-01-01", "1", "2", "3"]], "posts")
    >>> h.rows, h.names
    (2, ['账号ID', '发布时间', '转发数', '评论数', '点赞数'])
    """
    cleaned = [[str(c).strip(PADDING) if c is not None else "" for c in r] for r in records[:HEADER_SEARCH_ROWS + 1]]
    best = HeaderChoice(0, 1, cleaned[0] if cleaned else [])
    best_score = -1
    for i, row in enumerate(cleaned[:HEADER_SEARCH_ROWS]):
        if not any(row):
            continue
        s = _score(table, row)
        if s > best_score:
            best, best_score = HeaderChoice(i, 1, row), s
        if i + 1 < len(cleaned):
            names = _combine(row, cleaned[i + 1], table)
            s2 = _score(table, names)
            if s2 > max(s, _score(table, cleaned[i + 1])) and s2 > best_score:
                best, best_score = HeaderChoice(i, 2, names), s2
    if best_score <= 0:  # nothing recognisable: the first non-empty row, as a plain reader would
        first = next((i for i, r in enumerate(cleaned) if any(r)), 0)
        best = HeaderChoice(first, 1, cleaned[first] if cleaned else [])
    return best


def _dedupe(names: list[str]) -> list[str]:
    """pandas-style ``name.1`` for repeated names (unknown columns; known ones are an error)."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(names):
        h = h or f"Unnamed: {i}"
        k = seen.get(h, 0)
        out.append(h if k == 0 else f"{h}.{k}")
        seen[h] = k + 1
    return out


def column_letter(i: int) -> str:
    """Excel column letters of a 0-based position, as a spreadsheet shows them.

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _header_notes(path: Path, table: str, choice: HeaderChoice, lines: list[int], first_rows: list[list[str]]
                  ) -> list[ReadNote]:
    """Notes on title rows and two-row headers; an error for repeated names of known columns."""
    notes = []
    above = [i for i in range(choice.index) if any(str(c).strip(PADDING) for c in first_rows[i] if c)]
    if above:  # empty rows above the header (a sheet starting lower down) are no title
        first = above[0]
        title = " ".join(c for r in first_rows[:choice.index] for c in r if c)[:60]
        notes.append(ReadNote(
            "title_rows",
            f"表头在第 {lines[choice.index]} 行；其上的第 {lines[first]}" + (
                f"–{lines[choice.index - 1]}" if choice.index - 1 > first else "") + f" 行“{title}”看作标题，未作为数据读取",
            f"the header is on line {lines[choice.index]}; line(s) above it ('{title}') were taken as a title "
            "and not read as data", line=lines[first]))
    if choice.rows == 2:
        notes.append(ReadNote(
            "two_row_header",
            f"第 {lines[choice.index]}–{lines[choice.index + 1]} 行是两行表头（含合并单元格），合并后的列名为："
            + "、".join(n for n in choice.names if n),
            f"lines {lines[choice.index]}–{lines[choice.index + 1]} are a two-row header (merged cells); "
            "columns read as: " + ", ".join(n for n in choice.names if n), line=lines[choice.index]))
    by_canon: dict[str, list[int]] = {}
    for i, h in enumerate(choice.names):
        c = _canon(table, h)
        if c:
            by_canon.setdefault(c, []).append(i)
    problems = []
    for c, idx in by_canon.items():
        if len(idx) < 2:
            continue
        same = {normalize_unicode_header(choice.names[i]) for i in idx}
        cols = "、".join(f"第{column_letter(i)}列“{choice.names[i]}”" for i in idx)
        cols_en = ", ".join(f"column {column_letter(i)} '{choice.names[i]}'" for i in idx)
        label = TABLES[table][c].label
        if len(same) == 1:  # the very same name twice: which one is which cannot be guessed
            problems.append({"column": choice.names[idx[0]], "row": lines[choice.index + choice.rows - 1],
                             "value": tr(f"{cols}表头相同", f"{cols_en} have the same header"),
                             "expected": f"one column headed '{choice.names[idx[0]]}' ({label}); rename the "
                                         f"other (e.g. 答复内容 for the reply)",
                             "expected_zh": f"只有一列叫“{choice.names[idx[0]]}”（{label}）；请把另一列改名"
                                            "（如答复的内容改为“答复内容”）后再读取"})
        else:
            notes.append(ReadNote(
                "duplicate_header",
                f"{cols}都对应“{label}”，使用第一列，其余列不读取",
                f"{cols_en} all mean '{label}': the first is used, the others are ignored",
                line=lines[choice.index], column=choice.names[idx[1]], severity="warning"))
    if problems:
        from liuan_eval.io import InputError

        raise InputError(path, problems,
                         zh=f"文件 {path} 的表头有重复的列名，无法确定各列含义：",
                         en=f"file {path} repeats a column name in its header:")
    return notes


# --- lines -----------------------------------------------------------------------------------
#: Line breaks :meth:`str.splitlines` knows besides ``\r`` and ``\n`` (not line ends in a CSV file).
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _split_lines(text: str) -> list[str]:
    """The physical lines of ``text``, each with its line end: ``\\r\\n``, ``\\n`` or a lone ``\\r``
    (old Excel for Mac's "CSV (Macintosh)"), as a text editor breaks them.

    Examples
    --------
    >>> _split_lines("a\\r\\nb\\rc\\nd")
    ['a\\r\\n', 'b\\r', 'c\\n', 'd']
    """
    if not _OTHER_BREAKS.search(text):
        return text.splitlines(keepends=True)
    return _LINE.findall(text)


def _unterminated(text: str) -> str:
    """``text`` without the line end it closes with."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\n", "\r")) else text


def _line_ends(arr: np.ndarray) -> np.ndarray:
    """Positions of the bytes ending a line in ``arr`` (uint8): every ``\\n`` and every ``\\r`` not
    followed by one (a ``\\r`` closing ``arr`` counts)."""
    nl = _positions(arr, 10)
    cr = _positions(arr, 13)
    if len(cr):
        nxt = np.minimum(cr + 1, len(arr) - 1)
        lone = cr[(cr + 1 >= len(arr)) | (arr[nxt] != 10)]
        if len(lone):
            nl = np.sort(np.concatenate([nl, lone]))
    return nl


# --- encodings -------------------------------------------------------------------------------
_BAD_BYTES: list[int] = []


def _record_bad(exc: UnicodeDecodeError):
    _BAD_BYTES.append(exc.start)
    return "\ufffd", exc.start + 1


codecs.register_error("liuan_eval_record", _record_bad)


def detect_encoding(raw: bytes) -> str:
    """The encoding of a CSV file's bytes: BOM, strict UTF-8, GB18030, then charset-normalizer.

    Raises ``UnicodeDecodeError`` when no encoding decodes the whole file (see
    :func:`decode` for the lenient reading).

    Examples
    --------
    >>> detect_encoding("微博".encode("gb18030")), detect_encoding(b"\\xef\\xbb\\xbfa")
    ('gb18030', 'utf-8-sig')
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for enc in ("utf-8", "gb18030"):
        try:
            raw.decode(enc)
            return enc
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


def decode(raw: bytes) -> tuple[str, str, np.ndarray]:
    """Decode a file's bytes; undecodable bytes become U+FFFD and their lines are returned.

    The encoding is the one that decodes the whole file (:func:`detect_encoding`); when
    none does, the one of UTF-8 and GB18030 with the fewest undecodable bytes.

    Returns
    -------
    (text, encoding, bad_lines)
        ``bad_lines``: sorted 1-based physical lines holding undecodable bytes.

    Examples
    --------
    >>> text, enc, bad = decode("甲\\n乙".encode("gb18030") + b"\\xff\\n" + "丙".encode("gb18030"))
    >>> enc, bad.tolist()
    ('gb18030', [2])
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]  # the encodings Chinese offices' exports come in
    for enc in candidates:
        try:
            return raw.decode(enc), enc, np.zeros(0, dtype=np.int64)
        except UnicodeDecodeError:
            pass
    errors = {enc: raw.decode(enc, errors="replace").count("\ufffd") for enc in candidates}
    enc = min(errors, key=errors.get)
    if len(candidates) > 1 and errors[enc] > max(20, len(raw) // 1000):  # not a few bad bytes
        try:
            enc2 = detect_encoding(raw)
            return raw.decode(enc2), enc2, np.zeros(0, dtype=np.int64)
        except UnicodeDecodeError:
            pass
    if enc == "utf-16":  # two bytes a character: the lines holding a replacement character
        text = raw.decode(enc, errors="replace")
        lines = [i + 1 for i, line in enumerate(_split_lines(text)) if "\ufffd" in line]
        return text, enc, np.asarray(lines, dtype=np.int64)
    _BAD_BYTES.clear()
    text = raw.decode(enc, errors="liuan_eval_record")
    offset = 3 if enc == "utf-8-sig" else 0  # positions are counted after the BOM
    bad = np.asarray(_BAD_BYTES, dtype=np.int64) + offset
    newlines = _line_ends(np.frombuffer(raw, dtype=np.uint8))
    lines = np.unique(np.searchsorted(newlines, bad) + 1)
    return text, enc, lines.astype(np.int64)


# --- CSV -------------------------------------------------------------------------------------
def _separator(text: str, table: str) -> str:
    """The field separator: of comma, tab and semicolon, the one whose header names the most
    columns of ``table`` (then the one splitting the first records into most rows of one width).

    Title rows and tab-padded cells do not mislead it.
    """
    head = _split_lines(text[:200_000])[:HEADER_SEARCH_ROWS * 4 + 2]
    best, best_key = ",", (-1, -1, -1)
    for sep in (",", "\t", ";"):
        recs = [r for _, _, r in _records(head, 0, sep, None) if r and any(c.strip(PADDING) for c in r)]
        if not recs:
            continue
        choice = locate_header(recs, table)
        widths = [len(r) for r in recs if len(r) > 1]
        common = max(set(widths), key=widths.count) if widths else 1
        key = (_score(table, choice.names), widths.count(common), common)
        if key > best_key:
            best, best_key = sep, key
    return best


def _shape(value: str) -> str:
    """The shape of a cell: runs of digits, Latin letters and Chinese characters (``M2025`` → ``a9``)."""
    v = re.sub(r"[\u4e00-\u9fff]+", "汉", value.strip(PADDING))
    return re.sub(r"[0-9]+", "9", re.sub(r"[A-Za-z]+", "a", v))


def _swallowed(lines: list[str], first: int, last: int, sep: str, width: int) -> bool:
    """Whether a record spanning ``first``..``last`` swallowed whole records after a stray quote.

    A legitimate multi-line cell continues with text; a stray quote runs on over lines that
    are records of their own: read alone, they have the header's number of fields and
    begin with a cell shaped like the first cell of the stray line (``M2025000123``).
    """
    head = _parse_line(lines[first], sep)
    if not head or len(head[0]) > 40 or not head[0].strip(PADDING):
        return False
    shape = _shape(head[0])
    for j in range(first + 1, min(last, first + 6) + 1):
        rec = _parse_line(lines[j], sep)
        if len(rec) == width and _shape(rec[0]) == shape:
            return True
    return False


def _parse_line(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([_unterminated(line)], delimiter=sep), [])
    except csv.Error:
        return []


def _records(lines: list[str], start: int, sep: str, width: int | None):
    """Records from ``lines[start:]`` (lines with their line ends, :func:`_split_lines`) as
    ``(first, last, fields)`` (0-based line indexes).

    A record spanning several lines whose continuation lines read as whole records of
    their own (``width`` fields) started with a stray quote: its first line is yielded as
    ``(first, first, None)`` and reading resumes on the next line. A record that a csv
    error stops is yielded with ``None`` fields too.
    """
    pos = start
    n = len(lines)
    while pos < n:
        def source(p=pos):
            for i in range(p, n):
                yield lines[i]

        reader = csv.reader(source(), delimiter=sep)
        consumed = 0
        restart = None
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error:
                first = pos + consumed
                yield first, first, None
                restart = first + 1
                break
            first, last = pos + consumed, pos + reader.line_num - 1
            consumed = reader.line_num
            if last > first and width and width > 1 and _swallowed(lines, first, last, sep, width):
                yield first, first, None  # a stray quote swallowed what follows
                restart = first + 1
                break
            yield first, last, rec
        if restart is None:
            return
        pos = restart


def _open_quote(text: str, sep: str) -> bool:
    """A quoted field opens in ``text`` and never closes (the file ends inside it).

    Quotes count only where a field starts with one, as the csv readers see them; run on
    the file's last record only.
    """
    if '"' not in text:
        return False
    quoted, at_start, i, n = False, True, 0, len(text)
    while i < n:
        ch = text[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif ch == '"' and at_start:
            quoted = True
        at_start = not quoted and ch in (sep, "\n", "\r")
        i += 1
    return quoted


def _fast_csv(data, sep: str, names: list[str], multiline: bool = False) -> pd.DataFrame | None:
    """pyarrow's multi-threaded reader for the common case (every record reads, no fault).

    ``data`` is UTF-8 bytes (or a buffer over them, not copied); ``multiline``: quoted cells
    hold line breaks."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        broken: list = []

        def on_invalid(row):
            broken.append(row)
            return "skip"

        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(data)),
            read_options=pacsv.ReadOptions(block_size=1 << 24, column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=multiline,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 null_values=[]))
    except Exception:  # any trouble (an undecodable byte too): the record-by-record reader decides
        return None
    if broken or table.num_columns != len(names):
        return None
    return pd.DataFrame({h: pd.Series(table.column(i), dtype="str") for i, h in enumerate(names)})


def _positions(arr: np.ndarray, byte: int, chunk: int = 1 << 26) -> np.ndarray:
    """Positions of ``byte`` in ``arr`` (uint8), found piece by piece (no file-sized mask)."""
    found = [np.flatnonzero(arr[i:i + chunk] == byte) + i for i in range(0, len(arr), chunk)]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _fast_records(data, first_line: int, sep: str, names: list[str]) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The records of ``data`` (UTF-8 bytes after the header) read at once, with their lines.

    Records end at line breaks (``\\n``, ``\\r\\n``, a lone ``\\r``) outside quotes (an even number
    of quotes before them); a cell holding line breaks is read by pyarrow with
    ``newlines_in_values``. ``None`` — the record-by-record reader decides — when anything
    is off: a quote left open, a record pyarrow cannot read, fewer or more records than
    line breaks say, or a quoted run of lines that looks like whole records swallowed by a stray quote
    (:func:`_swallowed`). ``first_line`` is the 1-based line of ``data``'s first byte.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    nl = _line_ends(arr)
    quotes = _positions(arr, 34)
    if len(quotes) % 2:
        return None  # a quote left open: the record-by-record reader finds where
    inside = (np.searchsorted(quotes, nl) % 2).astype(bool) if len(quotes) else np.zeros(len(nl), dtype=bool)
    ends_at = nl[~inside]  # the line breaks that end a record
    starts = np.r_[0, ends_at + 1]
    ends = np.r_[ends_at, len(arr)]
    length = ends - starts
    cr = length > 0
    cr[cr] = arr[np.minimum(ends[cr] - 1, len(arr) - 1)] == 13
    blank = (length - cr) <= 0
    line_of = np.searchsorted(nl, starts)  # 0-based line (within data) where each record starts
    multiline = bool(inside.any())
    width = len(names)
    if multiline:
        # a stray quote swallowing whole records: continuation lines holding a record's worth of
        # separators are looked at as the record-by-record reader does
        seps = _positions(arr, ord(sep))
        per_line = np.bincount(np.searchsorted(nl, seps), minlength=len(nl) + 1)
        span = np.searchsorted(nl, ends) - line_of  # line breaks inside each record
        multi = np.flatnonzero(span > 0)
        if width > 1 and len(multi):
            first = line_of[multi]
            look = np.minimum(span[multi], 6)
            suspect = np.zeros(len(multi), dtype=bool)
            for k in range(1, 7):
                j = np.minimum(first + k, len(per_line) - 1)
                suspect |= (look >= k) & (per_line[j] >= width - 1)
            for r in multi[suspect]:
                text = bytes(arr[starts[r]:ends[r]]).decode("utf-8", errors="replace")
                lines = _split_lines(text)
                if _swallowed(lines, 0, len(lines) - 1, sep, width):
                    return None
    frame = _fast_csv(data, sep, names, multiline=multiline)
    keep = np.flatnonzero(~blank)
    if frame is None or len(frame) != len(keep):
        return None
    # a record of empty cells only (",,,") is not a record, as the record-by-record reader sees it
    short = np.flatnonzero(length[keep] <= 4 * width + 8)
    if len(short):
        cells = frame.iloc[short]
        empty = np.ones(len(short), dtype=bool)
        for c in cells.columns:
            empty &= (cells[c].str.strip(PADDING) == "").to_numpy(dtype=bool)
        if empty.any():
            drop = short[empty]
            frame = frame.drop(index=frame.index[drop]).reset_index(drop=True)
            keep = np.delete(keep, drop)
    return frame, line_of[keep].astype(np.int64) + first_line


#: CSV files at least this large and valid UTF-8 are read without decoding them in Python.
FAST_UTF8_BYTES = 1 << 20
#: Bytes at the top of such a file decoded in Python to find the separator and the header.
HEAD_BYTES = 1 << 20


def _read_utf8_fast(path: Path, raw: bytes, table: str) -> RawPart | None:
    """A large UTF-8 CSV read straight from its bytes: only its head is decoded in Python.

    ``None`` when the file is not that (another encoding, NUL bytes, a header beyond the
    head, any fault): :func:`read_csv_part` then reads it the careful way.
    """
    if len(raw) < FAST_UTF8_BYTES or b"\x00" in raw:
        return None
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    head_search = HEADER_SEARCH_ROWS * 4 + 2
    head = np.frombuffer(raw, dtype=np.uint8, count=min(len(raw), HEAD_BYTES + 1))  # a CR's LF is seen
    nl_head = _line_ends(head)
    nl_head = nl_head[nl_head < HEAD_BYTES]
    if len(nl_head) < head_search + 1:
        return None
    try:
        text = raw[bom:int(nl_head[-1])].decode("utf-8")
    except UnicodeDecodeError:
        return None
    sep = _separator(text, table)
    head = _head_records(_split_lines(text), sep)
    if not head:
        return None
    names, start, header_line, notes = _header(path, table, head)
    if start >= len(nl_head):
        return None
    offset = int(nl_head[start - 1]) + 1 if start else bom
    got = _fast_records(memoryview(raw)[offset:], start + 1, sep, names)
    if got is None:
        return None
    return RawPart(path, None, got[0], got[1], notes=notes, header_line=header_line,
                   encoding="utf-8-sig" if bom else "utf-8")


def _head_records(lines: list[str], sep: str) -> list[tuple[int, int, list[str]]]:
    """The first non-blank records of a file (``(first, last, fields)``), where its header is looked for."""
    head = []
    for first, last, rec in _records(lines[:HEADER_SEARCH_ROWS * 4 + 2], 0, sep, None):
        if rec is not None and any(c.strip(PADDING) for c in rec):
            head.append((first, last, rec))
        if len(head) > HEADER_SEARCH_ROWS:
            break
    return head


def _header(path: Path, table: str, head: list) -> tuple[list[str], int, int, list[ReadNote]]:
    """From the first records: the column names, the 0-based line of the first data record, the
    (last) header row's line and the notes on the header."""
    choice = locate_header([h[2] for h in head], table)
    hlines = [h[0] + 1 for h in head]
    notes = _header_notes(path, table, choice, hlines, [h[2] for h in head])
    names = _dedupe([str(n).strip(PADDING) for n in choice.names])
    start = head[choice.index + choice.rows - 1][1] + 1
    return names, start, hlines[choice.index + choice.rows - 1], notes


def read_csv_part(path: Path, table: str) -> RawPart:
    """One CSV (or tab-separated) file: decoded, header located, records split with faults confined."""
    raw = path.read_bytes()
    if not raw or raw.isspace():
        return RawPart(path, None, pd.DataFrame(), np.zeros(0, dtype=np.int64), notes=[ReadNote(
            "empty_file", "文件是空的（没有表头也没有数据），按没有数据处理",
            "the file is empty (no header, no rows) and is read as holding no rows", severity="warning")])
    fast = _read_utf8_fast(path, raw, table)
    if fast is not None:
        return fast
    text, enc, bad_lines = decode(raw)
    del raw
    notes = []
    if len(bad_lines):
        shown = "、".join(map(str, bad_lines[:5])) + ("等" if len(bad_lines) > 5 else "")
        notes.append(ReadNote(
            "encoding_errors",
            f"文件按 {enc} 读取，第 {shown} 行有无法识别的字节（共 {len(bad_lines)} 行），这些行已隔离，其余行正常读取",
            f"read as {enc}; line(s) {', '.join(map(str, bad_lines[:5]))} hold undecodable bytes "
            f"({len(bad_lines)} lines): those records are quarantined, the rest is read", line=int(bad_lines[0]),
            severity="warning"))
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        text = text.replace("\x00", "")
    sep = _separator(text, table)
    lines = _split_lines(text)
    del text
    total = len(lines)
    # the header: the first records (a title row above it is skipped)
    head = _head_records(lines, sep)
    if not head:
        return RawPart(path, None, pd.DataFrame(), np.zeros(0, dtype=np.int64), notes=notes + [ReadNote(
            "empty_file", "文件没有表头和数据", "the file has no header and no rows", severity="warning")],
            encoding=enc)
    names, start, header_line, header_notes = _header(path, table, head)  # start: the first data line
    notes += header_notes
    width = len(names)
    # fast path: every record reads at once (pyarrow), no undecodable byte
    if not len(bad_lines):
        data = "".join(lines[start:]).encode("utf-8")
        got = _fast_records(data, start + 1, sep, names)
        del data
        if got is not None:
            return RawPart(path, None, got[0], got[1], notes=notes,
                           header_line=header_line, encoding=enc)
    # record by record: each fault confined to the records it touches
    csv.field_size_limit(sys.maxsize)
    bad_set = set((bad_lines - 1).tolist())
    good: list[list[str]] = []
    good_lines: list[int] = []
    bad: list[tuple[int, str, str]] = []
    last_line = total - 1
    while last_line > start and not lines[last_line].strip(PADDING):
        last_line -= 1
    for first, last, rec in _records(lines, start, sep, width):
        raw_text = _unterminated("".join(lines[first:last + 1]))
        if rec is None:
            bad.append((first + 1, raw_text, Reason.UNCLOSED_QUOTE.value if '"' in raw_text
                        else Reason.BAD_ROW.value))
            continue
        if not any(c.strip(PADDING) for c in rec):
            continue  # a blank line is not a record
        if bad_set and any(i in bad_set for i in range(first, last + 1)):
            bad.append((first + 1, raw_text, Reason.BAD_ENCODING.value))
            continue
        if last >= last_line and _open_quote(raw_text, sep):
            bad.append((first + 1, raw_text, Reason.TRUNCATED_RECORD.value))
            continue
        if len(rec) > width:
            if any(c.strip(PADDING) for c in rec[width:]):
                bad.append((first + 1, raw_text, Reason.LONG_ROW.value))
                continue
            rec = rec[:width]
        elif len(rec) < width:
            reason = Reason.TRUNCATED_RECORD if last >= last_line else Reason.SHORT_ROW
            bad.append((first + 1, raw_text, reason.value))
            continue
        good.append(rec)
        good_lines.append(first + 1)
    cols = list(zip(*good)) if good else [()] * width
    frame = pd.DataFrame({h: pd.Series(list(c), dtype="str") for h, c in zip(names, cols)})
    return RawPart(path, None, frame, np.asarray(good_lines, dtype=np.int64), _bad_frame(bad), notes,
                   header_line=header_line, encoding=enc)


# --- workbooks -------------------------------------------------------------------------------
def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e18 else repr(v)
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0) \
            else v.strftime("%Y-%m-%d")
    if isinstance(v, _dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, _dt.time):
        return v.strftime("%H:%M:%S")
    return str(v)


def _column_text(values: list) -> tuple[pd.Series, np.ndarray]:
    """Cells of one column as text (only cells that are not already text go through Python), and the
    positions of number cells of 16 digits or more (Excel keeps 15 significant digits)."""
    s = pd.Series(values, dtype=object)
    kinds = s.map(type)
    is_text = kinds.eq(str).to_numpy()
    long_numbers = np.zeros(0, dtype=np.int64)
    if not is_text.all():
        numbers = kinds.isin([int, float]).to_numpy()
        if numbers.any():
            v = pd.to_numeric(s[numbers], errors="coerce").abs()
            long_numbers = np.flatnonzero(numbers)[(v >= 1e15).to_numpy(dtype=bool)]
        s[~is_text] = s[~is_text].map(_cell_text)
    return s.astype("str"), long_numbers


def _open_workbook(path: Path):
    """The workbook read-only (values, not formulas) and its chart sheets as ``(position, name)``.

    A chart sheet holds no cells: it is not read at all (openpyxl fails on some, e.g. one
    without a chart); its position is the number of worksheets before it.
    """
    from openpyxl.reader.excel import ExcelReader

    class _Reader(ExcelReader):
        def read_chartsheet(self, sheet, rel):
            charts.append((len(self.wb._sheets), sheet.name))

    charts: list[tuple[int, str]] = []
    reader = _Reader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb, charts


_MERGE_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref="\$?([A-Za-z]{1,3})\$?([0-9]+)'
                         rb'(?::\$?([A-Za-z]{1,3})\$?([0-9]+))?"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _merge_refs(xml: bytes) -> list[tuple[int, int, int, int]]:
    """``(first_row, first_col, last_row, last_col)`` (1-based) of the ``<mergeCell ref=…>`` in a
    piece of sheet XML (cell text cannot hold the tag: its ``<`` is written ``&lt;``)."""
    out = []
    for m in _MERGE_CELL.finditer(xml):
        r1, c1 = int(m[2]), _column_number(m[1])
        r2, c2 = (int(m[4]), _column_number(m[3])) if m[3] else (r1, c1)
        out.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out


def _merged_ranges(wb, ws) -> list[tuple[int, int, int, int]]:
    """The merged cells of a read-only sheet (openpyxl does not give them in that mode), found in
    the sheet's XML read piece by piece (the list follows the cells); none when it cannot be read."""
    found: list[tuple[int, int, int, int]] = []
    try:
        with wb._archive.open(ws._worksheet_path) as src:
            rest = b""
            while True:
                chunk = src.read(1 << 24)
                if not chunk:
                    break
                piece = rest + chunk
                cut = piece.rfind(b"<")  # a tag cut by the piece's end is looked at with the next one
                cut = cut if cut > 0 else len(piece)
                piece, rest = piece[:cut], piece[cut:]
                if b"mergeCell" in piece:
                    found += _merge_refs(piece)
            if b"mergeCell" in rest:
                found += _merge_refs(rest)
    except Exception:  # a sheet openpyxl read but whose XML is not where it says: nothing merged
        return []
    return found


def _fill_merged(rows: list[list], ranges, first_row: int, body_row: int, width: int) -> None:
    """Cells merged over data rows hold the merged cell's value, as Excel shows it in each of them.

    ``rows[k]`` is Excel row ``first_row + k``; only ranges starting at ``body_row`` (the first
    data row) or below, and the columns under the header (``width``) are filled: title and
    header rows keep their merged cells empty (:func:`locate_header` reads merged group labels
    so); a row holding nothing but merged cells stays blank.
    """
    for r1, c1, r2, c2 in ranges:
        if r1 < body_row or c1 > width:
            continue
        top = rows[r1 - first_row] if r1 - first_row < len(rows) else []
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        c2 = min(c2, width)
        for r in range(r1, min(r2, first_row + len(rows) - 1) + 1):
            row = rows[r - first_row]
            if r != r1 and not any(v is not None and str(v).strip(PADDING) for v in row):
                continue
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            row[c1 - 1:c2] = [value] * (c2 - c1 + 1)


def read_excel_parts(path: Path, table: str) -> list[RawPart]:
    """Every visible sheet with a recognisable header, one :class:`RawPart` each.

    Hidden sheets and chart sheets are skipped with a note; cells merged over data rows
    (a unit's name merged down its rows) give each row the merged value.
    """
    if path.suffix.lower() == ".xls":
        raise file_error(path, "旧版 Excel 文件（.xls）", "old Excel file (.xls)",
                         ".xlsx 文件（请在 Excel 中另存为 .xlsx）", "an .xlsx file (save .xls as .xlsx)")
    try:
        wb, charts = _open_workbook(path)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise file_error(path, f"{type(exc).__name__}: {exc}"[:200], f"{type(exc).__name__}: {exc}"[:200],
                         "可读取的Excel工作簿", "a readable Excel workbook") from None
    notes: list[ReadNote] = []
    candidates = []

    def chart_notes(before: int) -> None:  # in the workbook's order of sheets
        while charts and charts[0][0] <= before:
            name = charts.pop(0)[1]
            notes.append(ReadNote("chart_sheet", f"图表工作表“{name}”只有图表、没有数据，未读取",
                                  f"chart sheet '{name}' holds a chart, no data, and was not read"))

    try:
        for i, ws in enumerate(wb.worksheets):
            chart_notes(i)
            if ws.sheet_state != "visible":
                notes.append(ReadNote("hidden_sheet", f"隐藏的工作表“{ws.title}”未读取",
                                      f"hidden sheet '{ws.title}' was not read"))
                continue
            first_row = 1  # iter_rows starts at row 1 whatever the sheet's dimension says
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            while rows and not any(v is not None and str(v).strip(PADDING) for v in rows[-1]):
                rows.pop()
            if not rows:
                notes.append(ReadNote("empty_sheet", f"工作表“{ws.title}”是空的", f"sheet '{ws.title}' is empty"))
                continue
            head_rows = [[_cell_text(v) for v in r] for r in rows[:HEADER_SEARCH_ROWS + 1]]
            choice = locate_header(head_rows, table)
            candidates.append((ws.title, first_row, rows, choice, _score(table, choice.names),
                               _merged_ranges(wb, ws)))
        chart_notes(sys.maxsize)
    finally:
        wb.close()
    required = [c for c in TABLES[table].values() if c.required]
    need = max(1, (len(required) + 1) // 2)
    top = max((c[4] for c in candidates), default=0)
    # a data sheet names enough of the table's columns, and about as many as the best sheet does
    # (an instructions sheet listing one column name per row does not)
    usable = [c for c in candidates if c[4] >= need and c[4] * 2 >= top]
    if not usable and candidates:
        usable = candidates[:1]  # the header check names what is missing
    for title, *_ in [c for c in candidates if c not in usable]:
        if normalize_unicode_header(title) in INSTRUCTION_SHEETS:
            continue  # the templates' own instructions sheet: nothing to say
        notes.append(ReadNote("skipped_sheet", f"工作表“{title}”没有可识别的表头（不像数据表），未读取",
                              f"sheet '{title}' has no recognisable header and was not read", severity="warning"))
    parts = []
    for k, (title, first_row, rows, choice, _, merged) in enumerate(usable):
        lines = list(range(first_row, first_row + len(rows)))
        head_rows = [[_cell_text(v) for v in r] for r in rows[:HEADER_SEARCH_ROWS + 1]]
        sheet_notes = (notes if k == 0 else []) + _header_notes(path, table, choice, lines, head_rows)
        names = _dedupe([str(n).strip(PADDING) for n in choice.names])
        if merged:
            _fill_merged(rows, merged, first_row, first_row + choice.index + choice.rows, len(names))
        body = rows[choice.index + choice.rows:]
        body_lines = np.asarray(lines[choice.index + choice.rows:], dtype=np.int64)
        width = len(names)
        cols = {}
        for j, h in enumerate(names):
            cols[h], long_numbers = _column_text([r[j] if j < len(r) else None for r in body])
            if len(long_numbers):  # Excel keeps 15 significant digits: a 16-digit id stored as a number is cut
                first = int(body_lines[long_numbers[0]])
                sheet_notes.append(ReadNote(
                    "long_numbers", f"第{column_letter(j)}列“{h}”有 {len(long_numbers)} 个超过15位的数字单元格（如第 "
                    f"{first} 行）：Excel 只保存15位有效数字，16位以上的编号可能已被改写、不同编号变成同一个；"
                    "请在导出系统中把该列导出为文本，或在 Excel 中设为文本格式后重新填写",
                    f"column {column_letter(j)} '{h}' holds {len(long_numbers)} numbers of more than 15 digits "
                    f"(e.g. line {first}): Excel keeps 15 significant digits, so 16-digit ids may have been cut and "
                    "distinct ids merged; export the column as text", line=first, column=h, severity="warning"))
        frame = pd.DataFrame(cols) if body else pd.DataFrame({h: pd.Series([], dtype="str") for h in names})
        # cells to the right of the header with a value: the record is longer than its header
        wide = [i for i, r in enumerate(body) if len(r) > width and any(
            v is not None and str(v).strip(PADDING) for v in r[width:])]
        bad = []
        if wide:
            keep = np.ones(len(body), dtype=bool)
            keep[wide] = False
            bad = [(int(body_lines[i]), "\t".join(_cell_text(v) for v in body[i]), Reason.LONG_ROW.value) for i in wide]
            frame = frame[keep].reset_index(drop=True)
            body_lines = body_lines[keep]
        parts.append(RawPart(path, title if len(usable) > 1 else None, frame, body_lines, _bad_frame(bad),
                             sheet_notes, header_line=lines[choice.index + choice.rows - 1]))
    if not parts:
        parts.append(RawPart(path, None, pd.DataFrame(), np.zeros(0, dtype=np.int64), notes=notes + [ReadNote(
            "empty_file", "工作簿没有可读取的工作表", "the workbook has no sheet to read", severity="warning")]))
    return parts


# --- Parquet ---------------------------------------------------------------------------------
def read_parquet_part(path: Path, table: str) -> RawPart:
    """A Parquet file: typed columns as text, read back like any file."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise file_error(path, f"{type(exc).__name__}: {exc}"[:200], f"{type(exc).__name__}: {exc}"[:200],
                         "可读取的Parquet文件", "a readable Parquet file") from None
    named_index = [n for n in frame.index.names if n is not None and n not in frame.columns]
    frame = frame.reset_index(drop=not named_index)  # an id saved as the index (and not kept) is a column too
    frame.columns = [str(c) for c in frame.columns]
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            s = col.dt.strftime("%Y-%m-%dT%H:%M:%S%z").astype("str")
            frame[c] = s.str.replace(r"([+-][0-9]{2})([0-9]{2})$", r"\1:\2", regex=True)
        elif pd.api.types.is_datetime64_any_dtype(col):
            frame[c] = col.dt.strftime("%Y-%m-%d %H:%M:%S").astype("str")
        elif pd.api.types.is_float_dtype(col):
            # whole numbers as integers (12.0 → 12) where they are exact; inf, NaN and huge values as written
            whole = col.notna() & np.isfinite(col) & (col.abs() < 2.0 ** 53) & (col == col.round())
            text = col.astype("str")
            if whole.any():
                text[whole] = col[whole].round().astype("int64").astype("str")
            frame[c] = text.where(col.notna(), None)
        else:
            frame[c] = col.astype("str")
    return RawPart(path, None, frame, np.arange(len(frame), dtype=np.int64) + 2)


def _unwrap_text_formulas(part: RawPart) -> RawPart:
    """Cells written ``="WB3131286"`` (how many systems keep long ids as text in a CSV for Excel) → the text.

    Examples
    --------
    >>> part = RawPart(Path("x.csv"), None, pd.DataFrame({"id": ['="00123"', "7", ""]}), np.arange(3) + 2)
    >>> _unwrap_text_formulas(part).frame["id"].tolist()
    ['00123', '7', '']
    """
    frame = part.frame
    for c in frame.columns:
        col = frame[c]
        if col.dtype != object and not pd.api.types.is_string_dtype(col.dtype):
            continue
        hit = col.str.startswith('="', na=False) & col.str.endswith('"', na=False) & (col.str.len() >= 3)
        if hit.any():
            frame[c] = col.where(~hit, col.str.slice(2, -1))
    return part


def read_raw(path, table: str) -> list[RawPart]:
    """Read one input file of ``table``: one :class:`RawPart` per sheet read.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV/TSV/TXT, Excel (``.xlsx``, ``.xlsm``) or Parquet.
    table : str
        The table the file holds (its columns locate the header).

    Raises
    ------
    liuan_eval.io.InputError
        The file cannot be read at all (missing, not a workbook, repeated header names).
    """
    path = Path(path)
    if not path.exists():
        raise file_error(path, "文件不存在", "no such file", "存在的文件", "an existing file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            return read_excel_parts(path, table)
        if suffix in (".parquet", ".pq"):
            return [read_parquet_part(path, table)]
        return [_unwrap_text_formulas(read_csv_part(path, table))]
    except UserError:
        raise
    except OSError as exc:
        raise file_error(path, f"无法读取：{exc.strerror or exc}", f"cannot read: {exc.strerror or exc}",
                         "可读取的文件", "a readable file") from None


__all__ = ["HeaderChoice", "RawPart", "ReadNote", "SUFFIXES", "WORKBOOK_NOTES", "column_letter", "decode", "detect_encoding", "header_spellings",
           "locate_header", "read_raw"]
