"""Realistic messy exports, as offices make them: the contract the loader must keep.

Each test starts from one generated year (``liuan-eval sample --year 2025 --seed 3 --scale 0.05``),
mutates one or more of its files the way an office's tools do, and holds ``liuan_eval.load``,
``liuan-eval check`` and ``liuan-eval run --no-notebook`` to the public contract:

* no command prints a traceback; exit status 0 (ok), 1 (check: blocking problems), or 2 (an
  error the analyst can fix, with a Chinese message on stderr);
* every file's load report adds up (``rows_read = rows_clean + rows_quarantined +
  duplicates_removed``) and ``rows_read`` is the number of data records written into the file
  (header, title rows and blank lines not counted);
* only the records a mutation touched are lost: every other record comes out clean;
* quarantine rows name the file and the line a text editor shows for CSV (header = line 1,
  title rows above it and every line of a multi-line cell counted), the Excel row number (and
  the sheet) for workbooks;
* no citizen's number in any output, no formula that a spreadsheet would run.

The expected lines come from the writers in :mod:`tests.messy_exports`, which count the lines
they write; nothing here depends on how the loader works inside. A failing test lists every
violation it found, not only the first.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from tests.messy_exports import (
    EMAIL,
    FILES,
    FORMULAS,
    ID_NUMBER,
    PHONE,
    PLATE,
    YEAR,
    Formula,
    Raw,
    Sheet,
    check_and_run,
    cli,
    cli_violations,
    copy_folder,
    csv_line,
    describe_exc,
    excel_col,
    first_non_ascii,
    formula_cells,
    generate_base,
    load_violations,
    names_file,
    output_texts,
    pii_leaks,
    read_records,
    replace_byte,
    try_load,
    write_csv,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[1]
#: Property tests: few examples, repeatable, and no shrinking (a failing example is reported as drawn,
#: so that a failing run stays within the file's time budget).
FAST = settings(max_examples=5, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                print_blob=False)

# messages.csv columns (0-based)
M_RECEIVED, M_TITLE, M_TEXT, M_REPLIED, M_REPLY, M_USER, M_ACCOUNT = 5, 6, 7, 8, 9, 4, 2


# --- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def base(tmp_path_factory) -> Path:
    """One generated year, never modified (tests copy it)."""
    return generate_base(tmp_path_factory.mktemp("messy_base") / "2025")


@functools.cache
def records(base: Path, name: str):
    """A generated file's records, read once (tests copy them before changing anything)."""
    return read_records(base, name)


@pytest.fixture(scope="session")
def recs(base) -> dict:
    return {n: records(base, n) for n in ("posts_weibo.csv", "messages.csv")}


@pytest.fixture
def data(base, tmp_path) -> Path:
    return copy_folder(base, tmp_path / "data")


def mini(base: Path, dst: Path) -> Path:
    """A folder holding only the account registry (the file under test is added by the caller)."""
    dst.mkdir(parents=True)
    (dst / "accounts.xlsx").write_bytes((base / "accounts.xlsx").read_bytes())
    return dst


def verdict(problems: list[str]) -> None:
    assert not problems, "\n  - " + "\n  - ".join(problems)


def loaded(folder: Path, problems: list[str]):
    ds, exc = try_load(folder)
    if exc is not None:
        problems.append(f"liuan_eval.load raised {describe_exc(exc)}")
    return ds


def contract(folder: Path, out: Path, files: list, *, run: bool = True, check_rc=frozenset({0}),
             run_rc=frozenset({0})) -> tuple[list[str], object]:
    """Load, check and run ``folder``; ``files``: (Written, Records, load_violations keyword
    arguments) per mutated file. Returns the violations and the loaded data set (or None)."""
    problems: list[str] = []
    ds = loaded(folder, problems)
    if ds is not None:
        for written, rec, kw in files:
            problems += load_violations(ds, written, rec, **kw)
    problems += check_and_run(folder, out, check_rc, run_rc, run=run)[0]
    return problems, ds


def quarter(r):
    """Every fourth record (the whole year, a quarter of the volume): keeps workbook cases quick."""
    return r.subset(range(0, len(r.rows), 4))


def spread(items: list, k: int, offset: int = 0) -> list:
    """``k`` items spread over ``items`` (deterministic)."""
    step = max(1, len(items) // (k + 1))
    return [items[(offset + step * (j + 1)) % len(items)] for j in range(k)]


# --- 0. the unmutated sample (control) -------------------------------------------------------------
def test_unmutated_sample_keeps_the_contract(data, recs, tmp_path):
    """Control: the generated files as they are (messages and Weibo posts already have multi-line
    padded cells). The writers reproduce them byte for byte."""
    files = []
    for name, r in recs.items():
        before = (data / name).read_bytes()
        w = write_csv(data / name, r.header, r.rows, encoding=FILES[name][0])
        assert (data / name).read_bytes() == before, f"the test's writer does not reproduce {name}"
        files.append((w, r, {}))
    verdict(contract(data, tmp_path / "out", files, run=False)[0])


# --- 1. a title row above the header -----------------------------------------------------------------
TITLE = "2025年政务微博发布统计表"
SUBTITLE = "填报单位：六安市人民政府办公室        统计时间：2025年1月1日至2025年12月31日"


def test_title_row_above_header_csv(data, recs, tmp_path):
    r = recs["posts_weibo.csv"]
    w = write_csv(data / "posts_weibo.csv", r.header, r.rows, encoding="gb18030",
                  above=[[TITLE] + [""] * (len(r.header) - 1)])  # as Excel saves a merged title row
    verdict(contract(data, tmp_path / "out", [(w, r, {})])[0])


def test_title_row_above_header_xlsx(data, recs, tmp_path):
    r = quarter(recs["posts_weibo.csv"])
    (data / "posts_weibo.csv").unlink()
    w = write_xlsx(data / "posts_weibo.xlsx", [Sheet("微博发布统计", [[TITLE], r.header, *r.rows], 3,
                                                     merges=[f"A1:{excel_col(len(r.header))}1"])])
    verdict(contract(data, tmp_path / "out", [(w, r, {})], run=False)[0])


@FAST
@given(titles=st.integers(1, 2), commas=st.booleans(), blank=st.booleans(),
       fmt=st.sampled_from(["gb18030", "utf-8-sig", "utf-8", "xlsx"]))
def test_title_rows_of_any_shape(base, titles, commas, blank, fmt):
    r = records(base, "posts_weibo.csv").head(400)
    n = len(r.header)
    above = [[t] + ([""] * (n - 1) if commas else []) for t in [TITLE, SUBTITLE][:titles]]
    if blank:
        above.append([""] * n if commas else "")
    with tempfile.TemporaryDirectory() as tmp:
        d = mini(base, Path(tmp) / "d")
        if fmt == "xlsx":
            rows = [[x for x in a] if isinstance(a, list) else [] for a in above]
            w = write_xlsx(d / "posts_weibo.xlsx", [Sheet("发布", [*rows, r.header, *r.rows], len(rows) + 2)])
        else:
            w = write_csv(d / "posts_weibo.csv", r.header, r.rows, encoding=fmt, above=above)
        problems: list[str] = []
        ds = loaded(d, problems)
        if ds is not None:
            problems += load_violations(ds, w, r)
        verdict(problems)


# --- 2. one table over two visible sheets, a hidden junk sheet first ---------------------------------
def _month(date: str) -> int | None:
    m = re.match(r"\s*\d{4}\D(\d{1,2})\D", date or "")
    return int(m.group(1)) if m else None


def test_workbook_split_over_two_sheets_with_hidden_junk_first(data, recs, tmp_path):
    r = quarter(recs["posts_weibo.csv"])
    (data / "posts_weibo.csv").unlink()
    col = r.col("发布时间")
    split = next(i for i, row in enumerate(r.rows) if (_month(row[col]) or 0) >= 7)
    junk = Sheet("Sheet1", [["草稿（勿用）"], ["序号", "备注"], ["1", "测试数据，请删除"], ["合计", 999]], 1,
                 hidden=True, data_rows=0)
    w = write_xlsx(data / "posts_weibo.xlsx", [junk, Sheet("1–6月", [r.header, *r.rows[:split]], 2),
                                               Sheet("7–12月", [r.header, *r.rows[split:]], 2)])
    verdict(contract(data, tmp_path / "out", [(w, r, {})])[0])


# --- 3. a two-row header with a merged group cell --------------------------------------------------
GROUP = {"转发数": "转发", "评论数": "评论", "点赞数": "点赞"}
COUNT_COLUMNS = {"转发数": "repost_count", "评论数": "comment_count", "点赞数": "like_count"}


def _two_row_header(header: list[str]) -> tuple[list[str], list[str]]:
    row1 = ["互动数据" if h == "转发数" else "" if h in GROUP else h for h in header]
    row2 = [GROUP.get(h, "") for h in header]
    return row1, row2


def _counts_violations(ds, r) -> list[str]:
    """The clean posts carry the counts the file holds (the words 转发/评论/赞 are 0)."""
    if ds is None or ds.posts is None:
        return []
    posts = ds.posts.drop_duplicates("post_id").set_index("post_id")
    wrong = []
    for i in r.clean:
        pid = r.id_of(i)
        if pid not in posts.index:
            continue
        for h, c in COUNT_COLUMNS.items():
            raw = r.rows[i][r.col(h)].strip()
            want = 0 if raw in ("转发", "评论", "赞", "") else int(raw)
            got = posts.at[pid, c]
            if pd.isna(got) or int(got) != want:
                wrong.append(f"{pid} {c}: {got} (file: {raw!r})")
        rep = r.rows[i][r.col("是否转发")]
        if rep in ("是", "否") and bool(posts.at[pid, "is_repost"]) != (rep == "是"):
            wrong.append(f"{pid} is_repost: {posts.at[pid, 'is_repost']} (file: {rep!r})")
    return [f"posts_weibo: {len(wrong)} count cells not read under the 互动数据 group, e.g. {wrong[:4]}"] if wrong else []


def test_two_row_header_with_merged_group_xlsx(data, recs, tmp_path):
    r = quarter(recs["posts_weibo.csv"])
    (data / "posts_weibo.csv").unlink()
    row1, row2 = _two_row_header(r.header)
    j = r.col("转发数") + 1
    merges = [f"{excel_col(j)}1:{excel_col(j + 2)}1"] + [
        f"{excel_col(k + 1)}1:{excel_col(k + 1)}2" for k, h in enumerate(r.header) if h not in GROUP]
    w = write_xlsx(data / "posts_weibo.xlsx", [Sheet("发布", [row1, row2, *r.rows], 3, merges=merges)])
    problems, ds = contract(data, tmp_path / "out", [(w, r, {})], run=False)
    problems += _counts_violations(ds, r)
    verdict(problems)


def test_two_row_header_with_group_csv(data, recs, tmp_path):
    r = recs["posts_weibo.csv"]
    row1, row2 = _two_row_header(r.header)
    w = write_csv(data / "posts_weibo.csv", row1, r.rows, encoding="gb18030", header2=row2)
    problems, ds = contract(data, tmp_path / "out", [(w, r, {})])
    problems += _counts_violations(ds, r)
    verdict(problems)


# --- 4. two columns with the same header --------------------------------------------------------
def _names_both_columns(text: str, folder: Path) -> bool:
    """``text`` names 内容 and both its columns (8 = H: message text, 10 = J: reply text)."""
    t = text.replace(str(folder), "")
    if "内容" not in t:
        return False

    def names(letter, number):
        return bool(re.search(rf"(?<![A-Za-z0-9]){letter}(?![A-Za-z0-9])", t)
                    or re.search(rf"(?<![0-9]){number}(?![0-9])", t))

    return names("H", 8) and names("J", 10)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_repeated_header_names_are_an_error_naming_both(data, recs, tmp_path, fmt):
    from liuan_eval.errors import UserError

    r = recs["messages.csv"]
    header = ["内容" if h in ("留言详情", "答复意见") else h for h in r.header]
    assert header.count("内容") == 2 and header.index("内容") == M_TEXT
    if fmt == "csv":
        write_csv(data / "messages.csv", header, r.rows, encoding="utf-8-sig")
    else:
        (data / "messages.csv").unlink()
        write_xlsx(data / "messages.xlsx", [Sheet("网民留言", [header, *r.rows], 2)])
    problems = []
    ds, exc = try_load(data)
    if exc is None:
        m = ds.messages
        kept = "" if m is None else (f"text filled in {int(m['text'].notna().sum())} rows, reply_text in "
                                      f"{int(m['reply_text'].notna().sum())}")
        problems.append(f"load accepted two columns headed 内容 without an error ({kept})")
    elif not isinstance(exc, UserError):
        problems.append(f"load failed, but not with an error the analyst can fix: {describe_exc(exc)}")
    elif not _names_both_columns(str(exc), data):
        problems.append(f"the error does not name both columns headed 内容 (H/8 and J/10): {str(exc)[:300]!r}")
    chk = cli(["check", "--data", data, "--year", YEAR])
    problems += cli_violations(chk, {1, 2})
    if chk.rc in (1, 2) and not _names_both_columns(chk.out + chk.err, data):
        problems.append(f"check does not name both columns headed 内容: {(chk.out + chk.err)[-400:]!r}")
    if fmt == "csv":
        run = cli(["run", "--data", data, "--year", YEAR, "--out", tmp_path / "out", "--no-notebook", "--quiet"])
        problems += cli_violations(run, {2})
    verdict(problems)


# --- 5. a totals row at the end of a posts sheet -------------------------------------------------
@pytest.mark.parametrize("variant", ["csv", "xlsx"])
def test_totals_row_is_quarantined_not_a_post(data, recs, tmp_path, variant):
    """The workbook's totals row has sums in two columns and a =SUM() formula in the third."""
    r = recs["posts_weibo.csv"] if variant == "csv" else quarter(recs["posts_weibo.csv"])
    n = len(r.rows)
    totals = ["合计"] + [""] * (len(r.header) - 1)
    for h in COUNT_COLUMNS:
        k = r.col(h)
        if variant == "xlsx" and h == "点赞数":
            totals[k] = Formula(f"=SUM({excel_col(k + 1)}2:{excel_col(k + 1)}{n + 1})")
        else:
            totals[k] = str(sum(int(x) for x in (row[k] for row in r.rows) if x.strip().isdigit()))
    if variant == "csv":
        w = write_csv(data / "posts_weibo.csv", r.header, [*r.rows, totals], encoding="gb18030")
    else:
        (data / "posts_weibo.csv").unlink()
        w = write_xlsx(data / "posts_weibo.xlsx", [Sheet("发布", [r.header, *r.rows, totals], 2)])
    problems, ds = contract(data, tmp_path / "out", [(w, r, {"extra_quarantined": {w.where(n)}})],
                            run=variant == "csv")
    if ds is not None and ds.posts is not None:
        fake = ds.posts[(ds.posts["account_id"].astype("str") == "合计") | (ds.posts["post_id"].astype("str") == "合计")]
        if len(fake):
            problems.append(f"the totals row came out as {len(fake)} clean post(s)")
    verdict(problems)


# --- 6. CSV faults confined to their records -----------------------------------------------------
FAULTS = ("stray_quote", "short_row", "long_row", "truncated_last", "multiline", "ff_bytes")


def messages_with_faults(r, faults, offset: int = 0):
    """The messages records with ``faults`` applied; (rows, quarantined, touched, patches, final_eol).

    A record after the faults gets a bad date, so that the quarantine's line for a *later*
    record is checked too.
    """
    rows: list = [list(x) for x in r.rows]
    simple = r.simple()
    picks = iter(spread(simple[: int(len(simple) * 0.8)], len(FAULTS) + 1, offset))
    picks = sorted(picks)
    quarantined, touched, patches = set(), set(), {}
    slot = dict(zip(FAULTS, picks))
    if "stray_quote" in faults:  # 留言主题 opens a quote it never closes
        i = slot["stray_quote"]
        cells = list(r.rows[i])
        cells[M_TITLE] = '"' + cells[M_TITLE]
        rows[i] = Raw(",".join(cells))
        quarantined.add(i)
    if "short_row" in faults:  # the reply cells are missing: must not become an unanswered message
        i = slot["short_row"]
        rows[i] = Raw(",".join(r.rows[i][:M_REPLIED]))
        quarantined.add(i)
    if "long_row" in faults:  # an ASCII comma in an unquoted text
        i = slot["long_row"]
        cells = list(r.rows[i])
        t = cells[M_TEXT]
        rows[i] = Raw(",".join(cells[:M_TEXT] + [t[: len(t) // 2], t[len(t) // 2:]] + cells[M_TEXT + 1:]))
        quarantined.add(i)
    if "multiline" in faults:  # a legitimate 3-line message text, then a bad record
        i = slot["multiline"]
        rows[i][M_TEXT] = "尊敬的领导：\n小区门口的路灯坏了一个月。\n请尽快修理，谢谢！"
        touched.add(i)
    if "ff_bytes" in faults:  # a byte no encoding of the file can decode
        i = slot["ff_bytes"]
        line = ",".join(r.rows[i])
        patches[i] = replace_byte(first_non_ascii(line, len(",".join(r.rows[i][:M_TEXT])) + 1))
        quarantined.add(i)
    later = picks[-1]
    rows[later][M_RECEIVED] = "2025-02-30 25:61"
    quarantined.add(later)
    final_eol = True
    if "truncated_last" in faults:  # the file ends in the middle of its last record
        i = len(rows) - 1
        cells = r.rows[i]
        field = csv_line([cells[M_TEXT]])
        rows[i] = Raw(csv_line(cells[:M_TEXT]) + "," + field[: max(2, len(field) // 2)])
        quarantined.add(i)
        final_eol = False
    touched |= quarantined
    return rows, quarantined, touched, patches, final_eol


@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "multiline"])
def test_csv_fault_is_confined_to_its_record(base, recs, tmp_path, fault):
    r = recs["messages.csv"]
    d = mini(base, tmp_path / "d")
    rows, quarantined, touched, patches, final_eol = messages_with_faults(r, {fault})
    enc = "gb18030" if fault == "ff_bytes" else "utf-8-sig"
    w = write_csv(d / "messages.csv", r.header, rows, encoding=enc, patches=patches, final_eol=final_eol)
    problems: list[str] = []
    ds = loaded(d, problems)
    if ds is not None:
        problems += load_violations(ds, w, r, touched=touched, quarantined=quarantined)
    verdict(problems)


def test_csv_faults_together_check_and_run(data, recs, tmp_path):
    """All the faults in one messages file (UTF-8 with BOM; 0xFF bytes included): check and run."""
    r = recs["messages.csv"]
    rows, quarantined, touched, patches, final_eol = messages_with_faults(r, set(FAULTS))
    w = write_csv(data / "messages.csv", r.header, rows, encoding="utf-8-sig", patches=patches,
                  final_eol=final_eol)
    verdict(contract(data, tmp_path / "out", [(w, r, {"touched": touched, "quarantined": quarantined})])[0])


def test_undecodable_bytes_in_gb18030_messages(data, recs, tmp_path):
    """A GB18030 messages file with 0xFF in three records: only those three are quarantined."""
    r = recs["messages.csv"]
    picks = spread(r.simple(), 3)
    patches = {i: replace_byte(first_non_ascii(",".join(r.rows[i]), len(",".join(r.rows[i][:M_TEXT])) + 1))
               for i in picks}
    w = write_csv(data / "messages.csv", r.header, r.rows, encoding="gb18030", patches=patches)
    verdict(contract(data, tmp_path / "out", [(w, r, {"touched": set(picks), "quarantined": set(picks)})],
                     run=False)[0])


@FAST
@given(faults=st.sets(st.sampled_from(FAULTS), min_size=1, max_size=4), offset=st.integers(0, 40),
       encoding=st.sampled_from(["utf-8-sig", "gb18030"]), eol=st.sampled_from(["\n", "\r\n"]))
def test_csv_faults_in_any_combination(base, faults, offset, encoding, eol):
    r = records(base, "messages.csv")
    rows, quarantined, touched, patches, final_eol = messages_with_faults(r, faults, offset)
    with tempfile.TemporaryDirectory() as tmp:
        d = mini(base, Path(tmp) / "d")
        w = write_csv(d / "messages.csv", r.header, rows, encoding=encoding, eol=eol, patches=patches,
                      final_eol=final_eol)
        problems: list[str] = []
        ds = loaded(d, problems)
        if ds is not None:
            problems += load_violations(ds, w, r, touched=touched, quarantined=quarantined)
        verdict(problems)


# --- 7. multi-line quoted cells: the editor's line numbers ---------------------------------------------
@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_multiline_cell_then_bad_record_has_the_editors_line(data, recs, tmp_path, eol):
    r = recs["messages.csv"]
    rows = [list(x) for x in r.rows]
    simple = r.simple()
    m = simple[len(simple) // 2]
    bad = next(i for i in simple if i > m)
    rows[m][M_TEXT] = "尊敬的领导：\n小区门口的路灯坏了一个月。\n请尽快修理，谢谢！"
    rows[bad][M_RECEIVED] = "2025-02-30 10:00"
    w = write_csv(data / "messages.csv", r.header, rows, encoding="utf-8-sig", eol=eol)
    text = (data / "messages.csv").read_bytes().decode("utf-8-sig")
    assert text.split("\n")[w.lines[bad] - 1].startswith(r.id_of(bad)), "the test's line count is wrong"
    verdict(contract(data, tmp_path / "out", [(w, r, {"touched": {m, bad}, "quarantined": {bad}})],
                     run=eol == "\n")[0])


# --- 8. ids that Excel mangled ---------------------------------------------------------------------
#: true id (kept as text in the registry) → (as a CSV saved by Excel shows it, the number an Excel cell holds)
MANGLED = {"3456789012345678": ("3.45679E+15", 3456789012345680.0, "0.00000E+00"),
           "1234567": ("1234567.0", 1234567.0, "0.0"),
           "0012345": ("12345", 12345, "0")}


def _renumber(base: Path, dst: Path, recs: dict) -> tuple[dict, dict]:
    """A copy of the sample where three busy Weibo accounts have numeric ids (registry as text)."""
    copy_folder(base, dst)
    posts, msgs = recs["posts_weibo.csv"].copy(), recs["messages.csv"].copy()
    pc, mc = posts.col("账号ID"), msgs.col("账号ID")
    wb = openpyxl.load_workbook(dst / "accounts.xlsx")
    ws = wb.active
    head = [c.value for c in ws[1]]
    registered = {ws.cell(row=k, column=head.index("账号ID") + 1).value: k for k in range(2, ws.max_row + 1)}
    busy = Counter(posts.rows[i][pc] for i in posts.clean)
    in_msgs = Counter(msgs.rows[i][mc] for i in msgs.clean)
    chosen = [a for a, _ in busy.most_common() if a in registered and in_msgs[a]][:3]
    assert len(chosen) == 3
    new = dict(zip(chosen, MANGLED))
    for old, nid in new.items():
        c = ws.cell(row=registered[old], column=head.index("账号ID") + 1)
        c.value, c.number_format = nid, "@"
    wb.save(dst / "accounts.xlsx")
    wb = openpyxl.load_workbook(dst / "filings.xlsx")
    ws = wb.active
    k = [c.value for c in ws[1]].index("账号ID") + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=k).value in new:
            ws.cell(row=row, column=k).value = new[ws.cell(row=row, column=k).value]
    wb.save(dst / "filings.xlsx")
    inc = read_records(base, "incidents.csv")
    ic = inc.col("账号ID")
    for row in inc.rows:
        row[ic] = new.get(row[ic], row[ic])
    write_csv(dst / "incidents.csv", inc.header, inc.rows, encoding="utf-8-sig")
    for rec, col in ((posts, pc), (msgs, mc)):
        for row in rec.rows:
            row[col] = new.get(row[col], row[col])
        write_csv(dst / rec.name, rec.header, rec.rows, encoding=FILES[rec.name][0])
    return new, {"posts_weibo.csv": posts, "messages.csv": msgs}


def _c02(findings: pd.DataFrame) -> Counter:
    f = findings[findings["criterion"].astype("str") == "C02"]
    return Counter(f["account_id"].astype("str").fillna(""))


def _lines_named(text: str, file: str) -> set[int]:
    return {int(x) for ln in text.splitlines() if file in ln for x in re.findall(r"\d+", ln.split(file, 1)[1])}


def _mangled_violations(ds, chk_text, w, rec, idcol, mangled_rows, truth, fname) -> list[str]:
    """Each mangled record is matched to its account, or quarantined and named by line in check."""
    out = []
    table = ds.table(rec.table)
    by_id = table.drop_duplicates(rec.id_column).set_index(rec.id_column)[idcol] if table is not None else {}
    q = ds.quarantine
    qlines = set(q[q["file"].astype("str").map(lambda s: names_file(s, fname))]["line"].dropna().astype(int))
    named = _lines_named(chk_text, fname)
    wrong, silent = [], []
    for i in mangled_rows:
        rid = rec.id_of(i)
        if rid in by_id.index:
            if str(by_id[rid]) != truth[i]:
                wrong.append(f"{rid} (line {w.lines[i]}): account_id {by_id[rid]!r}, registry {truth[i]!r}")
        elif w.lines[i] not in qlines or w.lines[i] not in named:
            silent.append(w.lines[i])
    if wrong:
        out.append(f"{fname}: {len(wrong)} records with a mangled id kept under a wrong account, e.g. {wrong[:3]}")
    if silent:
        out.append(f"{fname}: {len(silent)} records with a mangled id neither matched nor quarantined and named "
                   f"by line in check, e.g. lines {silent[:5]}")
    return out


@pytest.fixture(scope="module")
def renumbered(base, recs, tmp_path_factory):
    """The sample with numeric account ids kept intact, and its C02 findings."""
    import liuan_eval

    ref = tmp_path_factory.mktemp("ids") / "ref"
    new, rr = _renumber(base, ref, recs)
    baseline = _c02(liuan_eval.score(liuan_eval.load(ref, year=YEAR), year=YEAR).findings)
    return ref, new, rr, baseline


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ids_mangled_by_excel_give_no_silent_c02(renumbered, tmp_path, fmt):
    import liuan_eval

    ref, new, rr, baseline = renumbered
    data = copy_folder(ref, tmp_path / "data")
    posts, msgs = rr["posts_weibo.csv"], rr["messages.csv"]
    pc, mc = posts.col("账号ID"), msgs.col("账号ID")
    true_ids = set(new.values())
    p_rows = [i for i, row in enumerate(posts.rows) if row[pc] in true_ids]
    m_rows = [i for i, row in enumerate(msgs.rows) if row[mc] in true_ids]
    p_truth = {i: posts.rows[i][pc] for i in p_rows}
    m_truth = {i: msgs.rows[i][mc] for i in m_rows}
    mutated = [list(x) for x in posts.rows]
    if fmt == "csv":
        for i in p_rows:
            mutated[i][pc] = MANGLED[mutated[i][pc]][0]
        wp = write_csv(data / "posts_weibo.csv", posts.header, mutated, encoding="gb18030")
    else:
        (data / "posts_weibo.csv").unlink()
        fmts = {}
        for i in p_rows:
            _, number, nf = MANGLED[mutated[i][pc]]
            mutated[i][pc] = number
            fmts[("发布", i + 2, pc + 1)] = nf
        wp = write_xlsx(data / "posts_weibo.xlsx", [Sheet("发布", [posts.header, *mutated], 2)], number_formats=fmts)
    mm = [list(x) for x in msgs.rows]
    for i in m_rows:
        mm[i][mc] = MANGLED[mm[i][mc]][0]
    wm = write_csv(data / "messages.csv", msgs.header, mm, encoding="utf-8-sig")

    problems: list[str] = []
    ds = loaded(data, problems)
    chk = cli(["check", "--data", data, "--year", YEAR, "--all"])
    problems += cli_violations(chk, {0})
    if ds is not None:
        clean_p = [i for i in p_rows if i in posts.clean]
        clean_m = [i for i in m_rows if i in msgs.clean]
        problems += load_violations(ds, wp, posts, touched=set(p_rows), maybe=set(clean_p))
        problems += load_violations(ds, wm, msgs, touched=set(m_rows), maybe=set(clean_m))
        problems += _mangled_violations(ds, chk.out, wp, posts, "account_id", clean_p, p_truth, wp.path.name)
        problems += _mangled_violations(ds, chk.out, wm, msgs, "account_id", clean_m, m_truth, "messages.csv")
    if fmt == "csv":
        out = tmp_path / "out"
        run = cli(["run", "--data", data, "--year", YEAR, "--out", out, "--no-notebook", "--quiet"])
        problems += cli_violations(run, {0})
        findings = pd.read_csv(out / "findings.csv", dtype=str) if (out / "findings.csv").exists() else None
    else:
        findings = liuan_eval.score(ds, year=YEAR).findings if ds is not None else None
    if findings is not None:
        got = _c02(findings)
        if got != baseline:
            problems.append(f"C02 findings differ from the same data with intact ids: extra {dict(got - baseline)}, "
                            f"missing {dict(baseline - got)}")
        unnamed = [a for a in got if a and not re.search(rf"(?<![0-9A-Za-z]){re.escape(a)}(?![0-9A-Za-z])", chk.out)]
        if unnamed:
            problems.append(f"score's C02 accounts that check does not mention (check and score disagree): {unnamed}")
    verdict(problems)


# --- 9. personal data: no citizen's number in any output ---------------------------------------------
def _id_split(sep: str, at: int = 6) -> str:
    return ID_NUMBER[:at] + sep + ID_NUMBER[at:]


@pytest.fixture(scope="module")
def pii_data(base, tmp_path_factory) -> Path:
    """The sample with phone, ID, e-mail and plate numbers planted in messages and posts, whole and
    split, in clean rows and in rows that will be quarantined."""
    d = copy_folder(base, tmp_path_factory.mktemp("pii") / "data")
    m = read_records(base, "messages.csv")
    rows: list = [list(x) for x in m.rows]
    s = spread(m.simple(), 9)
    rows[s[0]][M_TEXT] = f"我的电话{PHONE}，身份证号{ID_NUMBER}，请回电。"
    rows[s[1]][M_TEXT] = f"联系电话 139 1234 5678，邮箱 {EMAIL}，盼复。"
    rows[s[1]][M_REPLY] = "您好，已致电139-1234-5678与您本人联系。"
    rows[s[2]][M_TEXT] = f"电话1391234\n5678，车牌{PLATE}在小区门口被贴条。"
    rows[s[2]][M_TITLE] = f"身份证{_id_split(' ')}办理进度"
    rows[s[3]][M_REPLY] = f"经核实，身份证{_id_split(chr(10), 10)}的车主已联系，车牌{PLATE}。"
    rows[s[4]][M_USER] = PHONE
    rows[s[5]][M_RECEIVED] = "2025-02-30 10:00"  # quarantined: bad date
    rows[s[5]][M_TEXT] = f"电话{PHONE}，身份证{ID_NUMBER}，邮箱{EMAIL}"
    cells = list(m.rows[s[6]])  # quarantined: a long row whose raw text holds the numbers
    rows[s[6]] = Raw(",".join(cells[:M_TEXT] + [f"电话{PHONE}", f"身份证{ID_NUMBER}"] + cells[M_TEXT + 1:]))
    rows[s[7]][M_RECEIVED] = PHONE  # quarantined: the phone number landed in the date column
    rows[s[8]][M_TEXT] = f"车牌 {PLATE[:2]} {PLATE[2:]}，电话139 1234\n5678"
    write_csv(d / "messages.csv", m.header, rows, encoding="utf-8-sig")
    p = read_records(base, "posts_weibo.csv")
    prow: list = [list(x) for x in p.rows]
    ps = spread(p.simple(), 3)
    tc, dc = p.col("微博内容"), p.col("发布时间")
    prow[ps[0]][tc] = f"【回应】市民张先生（电话{PHONE}）反映的路灯问题已修复"
    prow[ps[1]][tc] = f"寻找失主：身份证{_id_split(chr(10), 14)}，联系{EMAIL}"
    prow[ps[2]][tc] = f"车主{PLATE}请挪车，电话139-1234-5678"
    prow[ps[2]][dc] = "2025-13-45 25:61"  # quarantined
    write_csv(d / "posts_weibo.csv", p.header, prow, encoding="gb18030")
    return d


def _planted_in_inputs(folder: Path) -> None:
    texts = list(output_texts([folder / "messages.csv"]))
    assert pii_leaks(texts), "the planted numbers are not in the input (test is broken)"


def test_pii_not_in_run_outputs(pii_data, tmp_path):
    _planted_in_inputs(pii_data)
    out = tmp_path / "out"
    res = cli(["run", "--data", pii_data, "--year", YEAR, "--out", out, "--no-notebook", "--quiet"])
    problems = cli_violations(res, {0})
    problems += pii_leaks(output_texts([out]) if out.exists() else [])
    problems += pii_leaks([("run stdout", res.out), ("run stderr", res.err)])
    verdict(problems)


def test_pii_not_in_check_outputs(pii_data, tmp_path):
    res = cli(["check", "--data", pii_data, "--year", YEAR, "--all", "--out", tmp_path / "problems.csv"])
    problems = cli_violations(res, {0})
    problems += pii_leaks(output_texts([tmp_path / "problems.csv"]) if (tmp_path / "problems.csv").exists() else [])
    problems += pii_leaks([("check stdout", res.out), ("check stderr", res.err)])
    verdict(problems)


def test_pii_not_in_ingest_outputs(pii_data, tmp_path):
    res = cli(["ingest", "messages", pii_data / "messages.csv", "--out", tmp_path / "X.csv"])
    problems = cli_violations(res, {0})
    problems += pii_leaks(output_texts([tmp_path]))
    problems += pii_leaks([("ingest stdout", res.out), ("ingest stderr", res.err)])
    verdict(problems)


@pytest.mark.slow
def test_pii_and_formulas_not_in_full_run_outputs(pii_data, base, tmp_path):
    """One full run (notebook, HTML, workbook) of data holding citizens' numbers and formulas."""
    d = copy_folder(pii_data, tmp_path / "data")
    _plant_formulas(base, d, messages_from=d)
    out = tmp_path / "out"
    res = cli(["run", "--data", d, "--year", YEAR, "--out", out, "--quiet"])
    problems = cli_violations(res, {0})
    if out.exists():
        kinds = {f.suffix for f in out.rglob("*")}
        if not {".html", ".ipynb", ".xlsx"} <= kinds:
            problems.append(f"full run wrote no HTML, notebook or workbook: {sorted(kinds)}")
        problems += pii_leaks(output_texts([out]))
        problems += formula_cells([out])
    verdict(problems)


@FAST
@given(sep=st.sampled_from([" ", "-", "\n", "\r\n", "\u3000", " - ", "—"]),
       what=st.sampled_from(["phone", "id_number"]),
       column=st.sampled_from([M_TITLE, M_TEXT, M_REPLY]),
       at=st.integers(3, 14), quarantine=st.booleans())
def test_split_numbers_are_masked_whatever_the_separator(base, sep, what, column, at, quarantine):
    r = records(base, "messages.csv").head(60)
    rows = [list(x) for x in r.rows]
    i = r.simple()[3]
    value = PHONE[: min(at, 10)] + sep + PHONE[min(at, 10):] if what == "phone" else _id_split(sep, at)
    rows[i][column] = f"请联系{value}处理"
    if quarantine:  # a long row: the raw record is what the quarantine keeps
        cells = rows[i]
        rows[i] = Raw(csv_line(cells[:column]) + ",多出的一格," + csv_line(cells[column:]))
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "messages.csv"
        write_csv(f, r.header, rows, encoding="utf-8-sig")
        res = cli(["ingest", "messages", f, "--out", Path(tmp) / "out" / "X.csv"])
        problems = cli_violations(res, {0})
        problems += pii_leaks(output_texts([Path(tmp) / "out"]), {what: PHONE if what == "phone" else ID_NUMBER})
        verdict(problems)


# --- 10. formulas: never live in a CSV or a workbook -----------------------------------------------
def _plant_formulas(base: Path, d: Path, messages_from: Path | None = None) -> None:
    src = messages_from or base
    m = read_records(src, "messages.csv")
    rows: list = [list(x) for x in m.rows]
    s = spread(m.simple(), 8, offset=3)
    rows[s[0]][M_TITLE] = FORMULAS[0]
    rows[s[1]][M_TEXT] = FORMULAS[1]
    rows[s[2]][M_REPLY] = FORMULAS[2]
    rows[s[3]][M_TITLE] = FORMULAS[3]
    rows[s[4]][M_TEXT] = FORMULAS[4]
    rows[s[5]][M_RECEIVED] = "=NOW()"  # quarantined, its value is a formula
    cells = list(m.rows[s[6]])  # a long row (quarantined with its raw text)
    rows[s[6]] = Raw(csv_line(["=1+2"] + cells[1:M_TEXT] + ["a", "b"] + cells[M_TEXT + 1:]))
    rows[s[7]][M_TEXT] = "@SUM(A1:A9)"
    write_csv(d / "messages.csv", m.header, rows, encoding="utf-8-sig")
    p = read_records(src if (src / "posts_weibo.csv").exists() else base, "posts_weibo.csv")
    prow: list = [list(x) for x in p.rows]
    ps = spread(p.simple(), 5, offset=7)
    tc, dc = p.col("微博内容"), p.col("发布时间")
    for k, f in enumerate([FORMULAS[0], FORMULAS[2], FORMULAS[3], FORMULAS[4]]):
        prow[ps[k]][tc] = f
    prow[ps[4]][dc] = "=TODAY()"
    write_csv(d / "posts_weibo.csv", p.header, prow, encoding="gb18030")


@pytest.fixture(scope="module")
def formula_data(base, tmp_path_factory) -> Path:
    d = copy_folder(base, tmp_path_factory.mktemp("formulas") / "data")
    _plant_formulas(base, d)
    return d


def test_formulas_not_live_in_run_outputs(formula_data, tmp_path):
    out = tmp_path / "out"
    res = cli(["run", "--data", formula_data, "--year", YEAR, "--out", out, "--no-notebook", "--quiet"])
    problems = cli_violations(res, {0})
    problems += formula_cells([out]) if out.exists() else []
    verdict(problems)


def test_formulas_not_live_in_check_and_ingest_outputs(formula_data, tmp_path):
    problems = []
    for name in ("problems.csv", "problems.xlsx"):
        res = cli(["check", "--data", formula_data, "--year", YEAR, "--all", "--out", tmp_path / name])
        problems += cli_violations(res, {0})
    res = cli(["ingest", "messages", formula_data / "messages.csv", "--out", tmp_path / "ingest" / "X.csv"])
    problems += cli_violations(res, {0})
    problems += formula_cells([tmp_path])
    verdict(problems)


# --- 11. an empty incidents file ---------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", "\ufeff事件编号,涉事单位,账号ID,事件类型,开始时间,结束时间,事件描述\n".encode()],
                         ids=["0-bytes", "header-only"])
def test_empty_incidents_file_is_a_warning_not_blocking(data, tmp_path, content):
    from liuan_eval.preflight import preflight_check

    (data / "incidents.csv").write_bytes(content)
    problems: list[str] = []
    ds = loaded(data, problems)
    if ds is not None and len(ds.load_report):
        rep = ds.load_report[ds.load_report["file"].astype("str").map(lambda s: names_file(s, "incidents.csv"))]
        if len(rep) and int(rep["rows_read"].sum()) != 0:
            problems.append(f"incidents.csv: rows_read {int(rep['rows_read'].sum())}, 0 written")
    try:
        p = preflight_check(data, year=YEAR).problems
        mine = p[p["table"].astype("str") == "incidents"]
        if (mine["severity"] == "blocking").any():
            problems.append(f"an empty incidents file blocks the run: {mine['message'].tolist()[:2]}")
        if not (mine["severity"] == "warning").any():
            problems.append("an empty incidents file gives no warning about the incidents table")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"preflight_check raised {describe_exc(exc)}")
    problems += check_and_run(data, tmp_path / "out", run=not content)[0]
    verdict(problems)


# --- 12. an output folder that cannot be written ----------------------------------------------------
def _unwritable(tmp_path: Path, how: str) -> Path:
    if how == "under-a-file":
        f = tmp_path / "a_file"
        f.write_text("x")
        return f / "sub"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    return locked / "sub"


COMMANDS = {
    "run": lambda d, o: ["run", "--data", d, "--year", YEAR, "--out", o, "--no-notebook", "--quiet"],
    "score": lambda d, o: ["score", "--data", d, "--year", YEAR, "--out", o],
    "check": lambda d, o: ["check", "--data", d, "--year", YEAR, "--out", o / "问题清单.xlsx"],
    "ingest": lambda d, o: ["ingest", "messages", d / "messages.csv", "--out", o / "m.csv"],
}


@pytest.mark.parametrize("how", ["under-a-file", "chmod-500"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_unwritable_output_folder_exits_2_with_a_chinese_message(base, tmp_path, command, how):
    if how == "chmod-500" and hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root ignores permissions; the under-a-file case covers root")
    out = _unwritable(tmp_path, how)
    try:
        res = cli(COMMANDS[command](base, out))
    finally:
        if how == "chmod-500":
            (tmp_path / "locked").chmod(0o700)
    verdict(cli_violations(res, {2}))


def test_unwritable_output_folder_subprocess_prints_no_traceback(base, tmp_path):
    out = _unwritable(tmp_path, "under-a-file")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "liuan_eval", "score", "--data", str(base), "--year", str(YEAR),
                        "--out", str(out)], capture_output=True, text=True, env=env, timeout=120)
    problems = []
    if "Traceback (most recent call last)" in p.stderr:
        problems.append("traceback on stderr:\n" + p.stderr[-800:])
    if p.returncode != 2:
        problems.append(f"exit status {p.returncode}, expected 2: {p.stderr[-300:]!r}")
    elif not re.search(r"[\u4e00-\u9fff]", p.stderr):
        problems.append(f"no Chinese message on stderr: {p.stderr[-300:]!r}")
    verdict(problems)
