"""Builders for the messy-export tests (tests/test_messy_exports.py, tests/test_real_exports_corrupted.py).

A generated data folder is read back as raw records (cells exactly as written), mutated the
way offices' exports are (title rows, split workbooks, two-row headers, broken CSV records,
bytes of another encoding, ids Excel mangled, citizens' numbers, formulas) and written again
by writers that remember where each record landed: the physical line a text editor shows for
CSV (header = line 1, title rows above it counted, every line of a multi-line cell counted),
the Excel row number (and sheet) for workbooks. The contract helpers then compare what
``liuan_eval.load`` and the command line made of it with what was written, and return every
violation as a sentence, so that one failing test says everything that is wrong at once.

Nothing here imports the loader's internals: only ``liuan_eval.load``,
``liuan_eval.sample_data.generate_sample`` and ``liuan_eval.cli.main``.
"""
from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import re
import shutil
import traceback
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

YEAR = 2025
SEED = 3
SCALE = 0.05

#: How each generated file is encoded, and the header of its id column.
FILES = {
    "posts_weibo.csv": ("gb18030", "微博ID", "posts", "post_id"),
    "posts_wechat.csv": ("utf-8", "post_id", "posts", "post_id"),
    "messages.csv": ("utf-8-sig", "留言编号", "messages", "message_id"),
    "releases.csv": ("utf-8", "信息编号", "releases", "release_id"),
    "incidents.csv": ("utf-8-sig", "事件编号", "incidents", "incident_id"),
}

# --- citizens' numbers planted in the inputs ----------------------------------------------------


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character of an 18-character resident ID number.

    >>> id_check_digit("11010519491231002")
    'X'
    """
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(a) * w for a, w in zip(first17, weights)) % 11]


PHONE = "13912345678"
ID_NUMBER = "34150219850612345" + id_check_digit("34150219850612345")  # 六安市金安区, 1985-06-12
EMAIL = "zhang.san1985@example.com"
PLATE = "皖N12345"
PLANTED = {"phone": PHONE, "id_number": ID_NUMBER, "email": EMAIL, "plate": PLATE}

#: Texts a spreadsheet would run as a formula.
FORMULAS = ['=HYPERLINK("http://x","点我")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-1+1"]


# --- the generated folder as raw records ------------------------------------------------------------
def generate_base(out: Path) -> Path:
    """A small generated year (seed 3, scale 0.05): the office's files, ``truth.json``, ``labels.csv``."""
    from liuan_eval.sample_data import generate_sample

    generate_sample(YEAR, seed=SEED, out=out, scale=SCALE)
    return out


def copy_folder(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@dataclass
class Records:
    """One generated file's header and records (cells as the file holds them, as text)."""

    name: str
    header: list[str]
    rows: list[list[str]]
    id_header: str
    table: str
    id_column: str
    dirty: set[int] = field(default_factory=set)   # records the generator made unusable (truth.json)
    dups: set[int] = field(default_factory=set)    # exact copies of an earlier record

    def col(self, header: str) -> int:
        return self.header.index(header)

    def id_of(self, i: int) -> str:
        return self.rows[i][self.col(self.id_header)]

    @property
    def clean(self) -> list[int]:
        """Records that come out clean from the unmutated file."""
        return [i for i in range(len(self.rows)) if i not in self.dirty and i not in self.dups]

    def simple(self, start: int = 0) -> list[int]:
        """Clean records from ``start`` on whose cells need no CSV quoting (for hand-written records)."""
        return [i for i in self.clean if i >= start
                and not any(re.search(r'[",\r\n]', c) for c in self.rows[i])]

    def head(self, n: int) -> Records:
        """The first ``n`` records (for quick property tests)."""
        return self.subset(range(min(n, len(self.rows))))

    def subset(self, indices) -> Records:
        """These records only, in this order (exact duplicates recounted among them)."""
        indices = list(indices)
        rows = [list(self.rows[i]) for i in indices]
        dirty = {k for k, i in enumerate(indices) if i in self.dirty}
        return Records(self.name, list(self.header), rows, self.id_header, self.table, self.id_column,
                       dirty, _exact_duplicates(rows, dirty))

    def copy(self) -> Records:
        return Records(self.name, list(self.header), [list(r) for r in self.rows], self.id_header,
                       self.table, self.id_column, set(self.dirty), set(self.dups))


def read_records(folder: Path, name: str) -> Records:
    """The records of one generated CSV file, with the generator's dirty rows and exact duplicates."""
    encoding, id_header, table, id_column = FILES[name]
    text = (folder / name).read_bytes().decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, starts, prev = [], {}, 0
    for rec in reader:  # truth.json names each record by the physical line where it starts
        starts[prev + 1] = len(rows) - 1
        rows.append(rec)
        prev = reader.line_num
    header, body = rows[0], rows[1:]
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    dirty = {starts[q["line"]] for q in truth["dirty_rows"]["quarantine"] if q["file"] == name}
    return Records(name, header, body, id_header, table, id_column, dirty, _exact_duplicates(body, dirty))


def _exact_duplicates(rows, dirty) -> set[int]:
    seen, dups = set(), set()
    for i, r in enumerate(rows):
        key = tuple(r)
        if key in seen and i not in dirty:
            dups.add(i)
        seen.add(key)
    return dups


# --- writers that remember where each record lands -------------------------------------------------
@dataclass
class Raw:
    """A CSV record written exactly as given: no quoting, for records an office's tool broke."""

    text: str


@dataclass
class Formula:
    """An Excel cell holding a formula (e.g. the sums of a totals row)."""

    text: str


@dataclass
class Written:
    """Where the data records of a written file landed."""

    path: Path
    lines: list[int]                 # CSV line / Excel row where each data record starts
    sheets: list[str | None]         # sheet of each data record (workbooks), else None

    @property
    def records(self) -> int:
        return len(self.lines)

    def where(self, i: int) -> tuple[str | None, int]:
        return self.sheets[i], self.lines[i]


def csv_line(cells, sep: str = ",") -> str:
    """One record as csv.writer (minimal quoting) writes it, without the line end."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerow(["" if c is None else c for c in cells])
    return buf.getvalue()[:-2]  # (the terminator's characters make a cell holding them quoted)


def write_csv(path: Path, header, rows, *, encoding: str = "utf-8", eol: str = "\n", above=(),
              header2=None, patches: dict | None = None, final_eol: bool = True) -> Written:
    """Write a CSV file as an office's tool would and return each data record's first line.

    ``above``: rows (lists, :class:`Raw` or ``""`` for a blank line) before the header;
    ``header2``: a second header row; ``rows``: lists of cells or :class:`Raw` records;
    ``patches``: record index → function(bytes) → bytes applied to that record's encoded
    text (e.g. a byte of another encoding); ``final_eol=False`` leaves the last record open.
    """
    def text_of(r) -> str:
        return r.text if isinstance(r, Raw) else (r if isinstance(r, str) else csv_line(r))

    body = "utf-8" if encoding == "utf-8-sig" else encoding
    chunks: list[bytes] = [b"\xef\xbb\xbf"] if encoding == "utf-8-sig" else []
    lines: list[int] = []
    line = 1
    heads = [*above, header] + ([header2] if header2 is not None else [])
    allrows = [(None, r) for r in heads] + list(enumerate(rows))
    for n, (i, r) in enumerate(allrows):
        t = text_of(r)
        if i is not None:
            lines.append(line)
        b = patches[i](t, body) if i is not None and patches and i in patches else t.encode(body)
        if n < len(allrows) - 1 or final_eol:
            b += eol.encode(body)
        chunks.append(b)
        line += t.count("\n") + 1
    path.write_bytes(b"".join(chunks))
    return Written(path, lines, [None] * len(lines))


def replace_byte(char_index: int, new: bytes = b"\xff"):
    """A patch for :func:`write_csv`: the first byte of the ``char_index``-th character becomes ``new``."""
    def patch(text: str, encoding: str) -> bytes:
        b = text.encode(encoding)
        off = len(text[:char_index].encode(encoding))
        return b[:off] + new + b[off + 1:]

    return patch


def first_non_ascii(text: str, start: int = 0) -> int:
    return next(k for k in range(start, len(text)) if ord(text[k]) > 127)


@dataclass
class Sheet:
    """One worksheet: every row (title and header rows included) and its first data row."""

    name: str
    rows: list[list]
    first_data_row: int
    hidden: bool = False
    merges: list[str] = field(default_factory=list)
    data_rows: int | None = None  # data records in the sheet (default: every row from first_data_row)


def write_xlsx(path: Path, sheets: list[Sheet], number_formats: dict | None = None) -> Written:
    """Write a workbook; strings stay strings (a text starting with ``=`` is not made a formula)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    lines, names = [], []
    for sh in sheets:
        ws = wb.create_sheet(sh.name)
        for r, row in enumerate(sh.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None or v == "":
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(v, Formula):
                    cell.value = v.text
                else:
                    cell.value = v
                    if isinstance(v, str) and v.startswith("="):
                        cell.data_type = "s"
                if number_formats and (sh.name, r, c) in number_formats:
                    cell.number_format = number_formats[(sh.name, r, c)]
        for m in sh.merges:
            ws.merge_cells(m)
        if sh.hidden:
            ws.sheet_state = "hidden"
        n = sh.data_rows if sh.data_rows is not None else len(sh.rows) - sh.first_data_row + 1
        lines += list(range(sh.first_data_row, sh.first_data_row + n))
        names += [sh.name] * n
    visible = [i for i, sh in enumerate(sheets) if not sh.hidden]
    wb.active = visible[0]
    wb.save(path)
    return Written(path, lines, names)


def excel_col(n: int) -> str:
    """1 → A, 27 → AA."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


# --- running the command line in-process ------------------------------------------------------------
@dataclass
class CliResult:
    argv: list[str]
    rc: int | None
    out: str
    err: str
    crash: str | None   # the traceback an uncaught exception would have printed

    def describe(self) -> str:
        tail = (self.crash or self.err or self.out).strip().splitlines()[-12:]
        cmd = " ".join(self.argv)
        cmd = cmd if len(cmd) < 240 else cmd[:200] + " … " + cmd[-36:]
        return f"liuan-eval {cmd} → exit {self.rc}\n      " + "\n      ".join(tail)


def cli(argv) -> CliResult:
    """``liuan_eval.cli.main(argv)`` with stdout and stderr captured; an uncaught exception is caught
    and kept as the traceback the command would have printed."""
    from liuan_eval.cli import main

    argv = [str(a) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    crash, rc = None, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse
            rc = exc.code if isinstance(exc.code, int) else 2
        except BaseException:  # noqa: BLE001 - what would be a traceback on the user's screen
            crash = traceback.format_exc()
    return CliResult(argv, rc, out.getvalue(), err.getvalue(), crash)


CJK = re.compile(r"[\u4e00-\u9fff]")


def cli_violations(res: CliResult, expected_rc: set[int]) -> list[str]:
    """The contract every command keeps: no traceback, an expected exit status, a Chinese message on 2."""
    out = []
    if res.crash is not None or "Traceback (most recent call last)" in res.err:
        first = (res.crash or res.err).strip().splitlines()
        out.append(f"{' '.join(res.argv[:1])}: traceback (uncaught {first[-1] if first else '?'}):\n"
                   + "\n".join("      " + x for x in first[-8:]))
        return out
    if res.rc not in expected_rc:
        out.append(f"{res.argv[0]}: exit status {res.rc}, expected {sorted(expected_rc)}: {res.describe()}")
    if res.rc == 2:
        last = [x for x in res.err.strip().splitlines() if x.strip()]
        if not last or not any(CJK.search(x) for x in last[-5:]):
            out.append(f"{res.argv[0]}: exit 2 without a Chinese message on stderr: {res.err[-300:]!r}")
    return out


def check_and_run(folder: Path, out: Path, check_rc=frozenset({0}), run_rc=frozenset({0}),
                  run: bool = True) -> tuple[list[str], CliResult, CliResult | None]:
    """``liuan-eval check`` and ``liuan-eval run --no-notebook`` on ``folder``; their violations."""
    problems = []
    chk = cli(["check", "--data", folder, "--year", YEAR, "--all"])
    problems += cli_violations(chk, set(check_rc))
    r = None
    if run:
        r = cli(["run", "--data", folder, "--year", YEAR, "--out", out, "--no-notebook", "--quiet"])
        problems += cli_violations(r, set(run_rc))
    return problems, chk, r


# --- the loader's contract ----------------------------------------------------------------------------
def _of_file(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    if frame is None or not len(frame):
        return frame.iloc[0:0] if frame is not None else pd.DataFrame()
    return frame[frame["file"].astype("str").map(lambda s: names_file(s, path.name))]


def names_file(s: str, name: str) -> bool:
    """``s`` (a quarantine's or load report's ``file``) is the file called ``name`` (a sheet may follow)."""
    base = Path(s).name
    return base == name or (base.startswith(name) and not base[len(name)].isalnum())


def _order(w: tuple) -> tuple:
    return (str(w[0]), w[1] if w[1] is not None else -1)


def _sheet_of(q: pd.DataFrame, sheets: set[str]) -> list:
    """The sheet each quarantine row names (a ``sheet`` column, or the sheet's name in ``file``)."""
    if "sheet" in q.columns:
        return q["sheet"].astype("str").tolist()
    out = []
    for f in q["file"].astype("str"):
        hit = [s for s in sheets if s in f]
        out.append(hit[0] if hit else None)
    return out


def load_violations(ds, written: Written, rec: Records, *, touched: set[int] = frozenset(),
                    quarantined: set[int] = frozenset(), maybe: set[int] = frozenset(),
                    extra_rows: int = 0, extra_quarantined: dict | None = None) -> list[str]:
    """What ``liuan_eval.load`` did wrong with one written file.

    ``touched``: records the mutation changed (everything else that was clean must stay clean);
    ``quarantined``: touched records that must be in the quarantine, at their line;
    ``maybe``: touched records that may come out clean or quarantined;
    ``extra_rows`` / ``extra_quarantined`` ({(sheet, line)}): data records written beside ``rec``
    (a totals row) that count as read and must be quarantined.
    """
    name = written.path.name
    problems: list[str] = []
    rep = _of_file(ds.load_report, written.path)
    if rep is None or not len(rep):
        return [f"{name}: no load_report row for the file"]
    bad = rep[rep["rows_read"] != rep["rows_clean"] + rep["rows_quarantined"] + rep["duplicates_removed"]]
    if len(bad):
        problems.append(f"{name}: rows_read != clean + quarantined + duplicates in {bad.to_dict('records')}")
    n_written = written.records
    if int(rep["rows_read"].sum()) != n_written:
        problems.append(f"{name}: rows_read {int(rep['rows_read'].sum())}, but {n_written} data records were written "
                        f"(report: {rep[['rows_read', 'rows_clean', 'rows_quarantined', 'duplicates_removed']].sum().to_dict()})")
    keep = [i for i in rec.clean if i not in touched]
    data = ds.table(rec.table)
    got = set() if data is None else set(data[rec.id_column].dropna().astype("str"))
    lost = [rec.id_of(i) for i in keep if rec.id_of(i) not in got]
    if lost:
        problems.append(f"{name}: {len(lost)} untouched clean records lost (not clean), e.g. {lost[:5]}")
    for i in quarantined:
        rid = rec.id_of(i)
        if rid and rid in got and not any(rec.id_of(j) == rid for j in keep):
            problems.append(f"{name}: record {rid} (line {written.lines[i]}) must be quarantined, "
                            "but came out clean")
    # clean count: untouched clean + touched ones that may stay clean
    clean_n = int(rep["rows_clean"].sum())
    lo = len(keep) + len([i for i in touched if i not in quarantined and i not in maybe and i in rec.clean])
    hi = lo + len(maybe)
    if not lo <= clean_n <= hi:
        problems.append(f"{name}: rows_clean {clean_n}, expected {lo}" + (f"–{hi}" if hi > lo else ""))
    # quarantine lines: the generator's dirty rows, the touched ones, extra rows (totals)
    q = _of_file(ds.quarantine, written.path)
    cols = {"table", "file", "line", "column", "value", "reason"} - set(ds.quarantine.columns)
    if cols:
        problems.append(f"the quarantine lacks the columns {sorted(cols)}")
    multi = len(set(written.sheets) - {None}) > 1
    expect = Counter(written.where(i) for i in set(rec.dirty) | set(quarantined))
    may = Counter(written.where(i) for i in maybe)
    for w in extra_quarantined or {}:
        expect[w] += 1
    if multi:
        got_q = Counter(zip(_sheet_of(q, set(written.sheets)), q["line"].astype("Int64").tolist()))
    else:
        got_q = Counter((None, int(x)) if pd.notna(x) else (None, None) for x in q["line"])
        expect = Counter({(None, w[1]): k for w, k in expect.items()})
        may = Counter({(None, w[1]): k for w, k in may.items()})
    missing = expect - got_q
    unexpected = got_q - expect - may
    if missing or unexpected:
        def fmt(c):
            return [f"{s}!{ln}" if s else str(ln) for s, ln in sorted(c.elements(), key=_order)][:12]
        why = ""
        idx = sorted(set(rec.dirty) | set(quarantined))
        sh = (lambda i: written.sheets[i]) if multi else (lambda i: None)
        recnum = {(sh(i), written.lines[i]): (sh(i), written.lines[0] + i) for i in idx}
        as_recnum = sum(1 for w in missing.elements() if w in recnum and recnum[w] != w and recnum[w] in unexpected)
        if as_recnum:
            why = (f" — {as_recnum} of them given as record numbers (a multi-line cell counted once), "
                   "not as the line a text editor shows")
        else:
            diffs = {g[1] - e[1] for g, e in zip(sorted(got_q.elements(), key=_order), sorted(expect.elements(), key=_order))
                     if g[1] is not None and e[1] is not None}
            if len(diffs) == 1 and sum(got_q.values()) == sum(expect.values()) > 1:
                why = f" — every line off by {diffs.pop():+d}"
        problems.append(f"{name}: quarantine lines wrong{why}: missing {fmt(missing)}, unexpected {fmt(unexpected)}"
                        + (" (sheet!row)" if multi else ""))
    if len(q) and not (q["table"].astype("str") == rec.table).all():
        problems.append(f"{name}: quarantine rows name table {sorted(set(q['table']))}, expected {rec.table}")
    return problems


def try_load(folder: Path):
    """``liuan_eval.load(folder, year=2025)``, or the exception it raised."""
    import liuan_eval

    try:
        return liuan_eval.load(folder, year=YEAR), None
    except Exception as exc:  # noqa: BLE001 - reported by the caller
        return None, exc


def describe_exc(exc: BaseException) -> str:
    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    frames = [x for x in tb if "liuan_eval" in x and "File" in x]
    where = frames[-1].strip().splitlines()[0] if frames else ""
    return f"{type(exc).__name__}: {str(exc)[:300]} ({where})"


# --- scanning outputs ---------------------------------------------------------------------------------
TEXT_SUFFIXES = {".csv", ".html", ".htm", ".json", ".ipynb", ".md", ".txt", ".log", ".tsv"}


def output_texts(paths):
    """(name, text) of every output file under ``paths``: text files, the XML inside workbooks
    (entities resolved), Parquet read back as CSV."""
    for p in paths:
        p = Path(p)
        files = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file())
        for f in files:
            suf = f.suffix.lower()
            if suf in TEXT_SUFFIXES:
                t = f.read_bytes().decode("utf-8", errors="replace")
                t = re.sub(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=\s]+", "", t)
                yield f.name, html.unescape(t) if suf in {".html", ".htm", ".ipynb", ".json"} else t
            elif suf in {".xlsx", ".xlsm"}:
                with zipfile.ZipFile(f) as z:
                    for n in z.namelist():
                        if n.endswith((".xml", ".rels")):
                            yield f"{f.name}:{n}", html.unescape(z.read(n).decode("utf-8", errors="replace"))
            elif suf in {".parquet", ".pq"}:
                yield f.name, pd.read_parquet(f).to_csv(index=False)


SEPARATORS = re.compile(r"(?:\\[nrt]|<br\s*/?>|[\s\-‐‑–—－·・])+", re.IGNORECASE)


def squeeze(text: str) -> str:
    """``text`` with whitespace, hyphens and line breaks (also escaped, or as ``<br>``) removed, so
    that a number split by them is whole again."""
    return SEPARATORS.sub("", text)


def pii_leaks(named_texts, planted: dict[str, str] = PLANTED) -> list[str]:
    """Which planted values appear in which output (as written, or with separators removed)."""
    leaks = []
    for name, text in named_texts:
        low = text.lower()
        sq = squeeze(low)
        for what, v in planted.items():
            v_low = v.lower()
            if v_low in low:
                leaks.append(f"{name}: {what} {v!r}")
            elif squeeze(v_low) in sq:
                k = sq.index(squeeze(v_low))
                leaks.append(f"{name}: {what} {v!r} split by separators (…{sq[max(0, k - 12):k + 30]}…)")
    return leaks


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?%?")


def formula_cells_csv(path: Path) -> list[str]:
    """Cells of a CSV output that a spreadsheet would run as a formula (``=``, ``+``, ``@``, or ``-``
    not followed by a plain number)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    out = []
    for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for c, v in enumerate(row, start=1):
            if v[:1] in ("=", "+", "@") or (v.startswith("-") and not NUMBER.fullmatch(v)):
                out.append(f"{path.name} row {r} col {c}: {v[:60]!r}")
    return out


def formula_cells_xlsx(path: Path) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return [f"{path.name} {ws.title}!{c.coordinate}: {str(c.value)[:60]!r}"
            for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


def formula_cells(paths) -> list[str]:
    out = []
    for p in paths:
        p = Path(p)
        files = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file())
        for f in files:
            if f.suffix.lower() == ".csv":
                out += formula_cells_csv(f)
            elif f.suffix.lower() == ".xlsx":
                out += formula_cells_xlsx(f)
    return out
