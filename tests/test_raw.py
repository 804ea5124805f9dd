"""Reading files as offices export them: headers found, faults confined to their records, lines exact."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from liuan_eval.io import InputError, read_table
from liuan_eval.raw import decode, locate_header, read_raw

MESSAGES = "留言编号,留言时间,留言主题,答复时间\n"


def _rows(n: int, start: int = 1) -> list[str]:
    return [f"M{i:04d},2025-01-{1 + i % 28:02d} 10:00,主题{i},2025-01-{1 + i % 28:02d} 16:00"
            for i in range(start, start + n)]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- the header ----------------------------------------------------------------------------------
def test_title_rows_above_the_header_are_skipped_and_said(tmp_path):
    f = _write(tmp_path / "messages.csv", "2025年政务网民留言统计表\n\n" + MESSAGES + "\n".join(_rows(3)) + "\n")
    t = read_table("messages", f)
    assert t.data["message_id"].tolist() == ["M0001", "M0002", "M0003"]
    assert t.provenance["line"].tolist() == [4, 5, 6]
    note = next(n for n in t.notes if n["code"] == "title_rows")
    assert "第 3 行" in note["zh"] and "2025年政务网民留言统计表" in note["zh"]


def test_two_row_header_with_merged_group_cells_in_a_workbook(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["账号ID", "平台", "信息ID", "发布时间", "互动数据", None, None])
    ws.append([None, None, None, None, "转发", "评论", "点赞"])
    ws.merge_cells("E1:G1")
    for c in "ABCD":
        ws.merge_cells(f"{c}1:{c}2")
    ws.append(["1", "微博", "p1", "2025-03-01 09:00", 12, 3, 40])
    ws.append(["1", "微博", "p2", "2025-03-02 09:00", "转发", "评论", "赞"])
    wb.save(tmp_path / "posts.xlsx")
    t = read_table("posts", tmp_path / "posts.xlsx")
    assert t.data[["repost_count", "comment_count", "like_count"]].astype("int64").values.tolist() == [
        [12, 3, 40], [0, 0, 0]]
    assert t.provenance["line"].tolist() == [3, 4]
    assert any(n["code"] == "two_row_header" for n in t.notes)


def test_two_row_header_tells_repeated_names_by_their_group():
    h = locate_header([["留言编号", "留言时间", "留言", "", "答复", ""],
                       ["", "", "标题", "内容", "时间", "内容"]], "messages")
    assert h.rows == 2
    assert h.names == ["留言编号", "留言时间", "标题", "留言内容", "答复时间", "答复内容"]


def test_repeated_header_naming_a_column_is_an_error_naming_both(tmp_path):
    f = _write(tmp_path / "messages.csv", "留言编号,留言时间,内容,答复时间,内容\nM1,2025-01-02,问,2025-01-03,答\n")
    with pytest.raises(InputError) as ei:
        read_table("messages", f)
    msg = str(ei.value)
    assert "第C列" in msg and "第E列" in msg and "内容" in msg


def test_every_visible_sheet_is_read_and_hidden_ones_are_not(tmp_path):
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "旧数据"
    hidden.append(["留言编号", "留言时间"])
    hidden.append(["OLD1", "2024-01-01"])
    hidden.sheet_state = "hidden"
    for title, rows in (("1-6月", _rows(3)), ("7-12月", _rows(2, start=10))):
        ws = wb.create_sheet(title)
        ws.append(MESSAGES.strip().split(","))
        for r in rows:
            ws.append(r.split(","))
    wb.create_sheet("填写说明").append(["列名", "说明"])
    wb.save(tmp_path / "messages.xlsx")
    t = read_table("messages", tmp_path / "messages.xlsx")
    assert sorted(t.data["message_id"]) == ["M0001", "M0002", "M0003", "M0010", "M0011"]
    assert t.report[["sheet", "rows_read", "rows_clean"]].values.tolist() == [["1-6月", 3, 3], ["7-12月", 2, 2]]
    assert [n["code"] for n in t.notes] == ["hidden_sheet"]


def test_an_instructions_only_workbook_still_names_what_is_missing(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["随便", "什么"])
    wb.save(tmp_path / "messages.xlsx")
    with pytest.raises(InputError):
        read_table("messages", tmp_path / "messages.xlsx")


def test_totals_row_is_quarantined(tmp_path):
    f = _write(tmp_path / "posts.csv", "账号ID,平台,信息ID,发布时间,转发数\n1,微博,a,2025-01-01,3\n1,微博,b,2025-01-02,4\n"
               "合计,,,,7\n")
    t = read_table("posts", f)
    assert t.data["post_id"].tolist() == ["a", "b"]
    assert t.quarantine[["line", "reason"]].values.tolist() == [[4, "totals_row"]]
    f = _write(tmp_path / "posts2.csv", "账号ID,平台,信息ID,发布时间,转发数\n1,微博,a,2025-01-01,3\n"
               "总计：4条,,,,7\n合计(128),,,,\n总计划局,微博,c,2025-01-03,1\n")
    t = read_table("posts", f)
    assert t.data["post_id"].tolist() == ["a", "c"]  # 总计划局 is no totals row
    assert t.quarantine[["line", "reason"]].values.tolist() == [[3, "totals_row"], [4, "totals_row"]]


# --- CSV faults confined to their records ----------------------------------------------------------
def test_a_stray_quote_costs_its_own_line_only(tmp_path):
    rows = _rows(90)
    rows[5] = rows[5].replace("主题6", '"关于做好防汛工作的通知')
    rows[40] = rows[40].replace("2025-01-14 10:00", "不是日期")
    f = _write(tmp_path / "messages.csv", MESSAGES + "\n".join(rows) + "\n")
    t = read_table("messages", f)
    assert len(t.data) == 88
    assert t.quarantine[["line", "reason"]].values.tolist() == [[7, "unclosed_quote"], [42, "bad_datetime"]]
    assert t.data["title"].str.len().max() < 10
    r = t.report.iloc[0]
    assert (r.rows_read, r.rows_clean, r.rows_quarantined) == (90, 88, 2)


def test_legitimate_multi_line_cells_keep_editor_line_numbers(tmp_path):
    rows = _rows(4)
    rows[0] = 'M0001,2025-01-02 10:00,"第一行,有逗号\n第二行\n第三行",2025-01-02 16:00'
    rows[2] = "M0003,坏日期,主题,2025-01-02 16:00"
    f = _write(tmp_path / "messages.csv", MESSAGES + "\n".join(rows) + "\n")
    t = read_table("messages", f)
    assert t.data["message_id"].tolist() == ["M0001", "M0002", "M0004"]
    assert t.provenance["line"].tolist() == [2, 5, 7]
    assert t.quarantine[["line", "reason"]].values.tolist() == [[6, "bad_datetime"]]


def test_short_long_and_truncated_records(tmp_path):
    rows = _rows(5)
    rows[1] = "M0002,2025-01-02 10:00"  # short
    rows[2] = rows[2] + ",多余,字段"  # long
    text = MESSAGES + "\n".join(rows) + "\n" + 'M0006,2025-01-06 10:00,"我家门口的路'  # cut off in a quoted cell
    f = _write(tmp_path / "messages.csv", text)
    t = read_table("messages", f)
    assert t.data["message_id"].tolist() == ["M0001", "M0004", "M0005"]
    assert t.quarantine[["line", "reason"]].values.tolist() == [
        [3, "short_row"], [4, "long_row"], [7, "truncated_record"]]
    r = t.report.iloc[0]
    assert r.rows_read == r.rows_clean + r.rows_quarantined + r.duplicates_removed == 6


def test_a_truncated_last_record_is_not_a_clean_unanswered_message(tmp_path):
    text = MESSAGES + "\n".join(_rows(3)) + "\nM0004,2025-01-05 10:00,主题"  # the reply time is gone
    t = read_table("messages", _write(tmp_path / "messages.csv", text))
    assert "M0004" not in set(t.data["message_id"])
    assert t.quarantine["reason"].tolist() == ["truncated_record"]


def test_undecodable_bytes_quarantine_only_their_records(tmp_path):
    rows = _rows(50)
    data = (MESSAGES + "\n".join(rows) + "\n").encode("gb18030")
    lines = data.split(b"\n")
    for k in (3, 20, 44):  # physical lines 4, 21, 45
        lines[k] = lines[k].replace("主题".encode("gb18030"), b"\xff\xff", 1)
    f = tmp_path / "messages.csv"
    f.write_bytes(b"\n".join(lines))
    t = read_table("messages", f)
    assert len(t.data) == 47
    assert t.quarantine[["line", "reason"]].values.tolist() == [
        [4, "bad_encoding"], [21, "bad_encoding"], [45, "bad_encoding"]]
    assert any(n["code"] == "encoding_errors" and "gb18030" in n["zh"] for n in t.notes)


def test_decode_names_the_lines_of_bad_bytes():
    text, enc, bad = decode("甲\n乙\n丙".encode("gb18030").replace("乙".encode("gb18030"), b"\xff"))
    assert enc == "gb18030" and bad.tolist() == [2] and text.splitlines()[0] == "甲"


def test_tab_padded_cells_do_not_make_it_a_tab_separated_file(tmp_path):
    f = _write(tmp_path / "m.csv", '留言编号,留言时间,留言详情\n"\t 7 ","\n2025-01-02 10:00 ","\n\t\t\t正文\n\t\t"\n')
    assert read_table("messages", f).data["message_id"].tolist() == ["7"]


def test_fast_and_record_by_record_readers_agree(tmp_path):
    rows = _rows(200)
    fast = read_raw(_write(tmp_path / "a.csv", MESSAGES + "\n".join(rows) + "\n"), "messages")[0]
    rows[150] = rows[150] + ",多余"  # forces the record-by-record reader for the whole file
    slow = read_raw(_write(tmp_path / "b.csv", MESSAGES + "\n".join(rows) + "\n"), "messages")[0]
    keep = np.r_[0:150, 151:200]
    assert fast.frame.iloc[keep].values.tolist() == slow.frame.values.tolist()
    assert fast.lines[keep].tolist() == slow.lines.tolist()


# --- the fast readers agree with the careful one ------------------------------------------------
MESSY_CASES = {
    "multi-line cells": lambda rows: [r if i % 7 else re.sub(",(主题[0-9]+),", ',"\\1\n第二行\n第三行",', r)
                                      for i, r in enumerate(rows)],
    "CRLF and blank lines": lambda rows: [r + ("\r" if i % 2 else "") for i, r in enumerate(rows)][:50] + ["", "\r"]
    + rows[50:],
    "a record of empty cells": lambda rows: rows[:30] + [",,,", " , ,\t,"] + rows[30:],
    "doubled quotes in a cell": lambda rows: [re.sub(",(主题[0-9]+),", ',"他说""\\1""\n对",', r)
                                              if i % 5 == 0 else r for i, r in enumerate(rows)],
    "a stray quote that swallows records": lambda rows: rows[:40] + [rows[40].replace("主题", '"主题')]
    + rows[41:60] + [rows[60].replace("主题", '主题"')] + rows[61:],
    "a last record cut off": lambda rows: rows + ['M9999,2025-02-01 10:00,"没写完'],
    "a long and a short row": lambda rows: rows[:20] + [rows[20] + ",多余", "M8888,2025-01-01"] + rows[22:],
}


@pytest.mark.parametrize("case", sorted(MESSY_CASES))
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_fast_readers_give_what_the_record_by_record_reader_gives(tmp_path, monkeypatch, case, bom):
    import liuan_eval.raw as raw

    text = bom + "2025年留言统计\n" + MESSAGES + "\n".join(MESSY_CASES[case](_rows(120))) + "\n"
    f = _write(tmp_path / "m.csv", text)
    monkeypatch.setattr(raw, "FAST_UTF8_BYTES", 1)  # the large-file path on a small file
    read_at_once = []
    real = raw._fast_records
    monkeypatch.setattr(raw, "_fast_records", lambda *a: read_at_once.append(real(*a) is not None) or real(*a))
    fast = read_raw(f, "messages")[0]
    monkeypatch.setattr(raw, "FAST_UTF8_BYTES", 1 << 40)
    middle = read_raw(f, "messages")[0]  # decoded in Python, then read at once
    faulty = case.startswith(("a stray", "a last", "a long"))
    # clean: the large-file path reads it, then the decoded one; faulty: both give way to the careful reader
    assert read_at_once == ([False] * 3 if faulty else [True] * 2)
    monkeypatch.setattr(raw, "_fast_records", lambda *a, **k: None)
    slow = read_raw(f, "messages")[0]  # record by record
    for got in (fast, middle):
        assert got.frame.values.tolist() == slow.frame.values.tolist()
        assert list(got.frame.columns) == list(slow.frame.columns)
        assert got.lines.tolist() == slow.lines.tolist()
        assert got.bad.values.tolist() == slow.bad.values.tolist()
        assert [n.code for n in got.notes] == [n.code for n in slow.notes]
        assert (got.header_line, got.encoding) == (slow.header_line, slow.encoding)
    assert len(slow.frame) >= 100


def test_the_large_file_path_is_taken_for_a_clean_utf8_export(tmp_path, monkeypatch):
    import liuan_eval.raw as raw

    rows = [re.sub(",(主题[0-9]+),", ',"\\1\n续",', r) for r in _rows(80)]
    f = _write(tmp_path / "m.csv", MESSAGES + "\n".join(rows) + "\n")
    monkeypatch.setattr(raw, "FAST_UTF8_BYTES", 1)
    monkeypatch.setattr(raw, "decode", lambda *a: pytest.fail("decoded in Python"))
    part = read_raw(f, "messages")[0]
    assert part.lines.tolist() == list(range(2, 2 + 2 * 80, 2))
    assert part.frame["留言主题"].iloc[0] == "主题1\n续"


# --- a long quarantined record: masked, then cut ----------------------------------------------------
@pytest.mark.parametrize("number, masked", [("13912345678", "139****5678"), ("341501199001011234", "3415**********1234")])
def test_a_number_at_the_cut_of_a_long_quarantined_record_is_masked_whole(tmp_path, number, masked):
    from liuan_eval.output import find_citizen_numbers
    from liuan_eval.raw import MAX_VALUE_CHARS

    pre = "M0003,2025-01-03 10:00,"
    at = MAX_VALUE_CHARS - 9  # the number starts 9 characters before the cut
    row = pre + "投" * (at - len(pre)) + number + "，请回电,2025-01-03 16:00,多余字段"
    assert row[at:MAX_VALUE_CHARS] == number[:9]
    f = _write(tmp_path / "messages.csv", MESSAGES + "\n".join(_rows(2)) + "\n" + row + "\n")
    part = read_raw(f, "messages")[0]
    (value,) = part.bad["value"].tolist()
    assert part.bad["reason"].tolist() == ["long_row"]
    assert len(value) <= MAX_VALUE_CHARS and value.startswith(pre)
    assert number[:5] not in value and not find_citizen_numbers(value)
    assert not re.search(r"[0-9*]$", value)  # no piece of a number (masked or not) is left at the cut
    q = read_table("messages", f).quarantine
    assert q["value"].tolist() == [value] and number[:5] not in q["value"].iloc[0]
    # a short record is masked whole, nothing cut
    short = read_raw(_write(tmp_path / "m2.csv", MESSAGES + f"M0001,2025-01-03 10:00,电话{number},x,多余\n"),
                     "messages")[0]
    assert short.bad["value"].tolist() == [f"M0001,2025-01-03 10:00,电话{masked},x,多余"]


# --- carriage-return-only line ends (Excel for Mac "CSV (Macintosh)") -------------------------------
@pytest.mark.parametrize("reader", ["large-file", "decoded", "record-by-record"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_carriage_return_only_line_ends_are_line_ends(tmp_path, monkeypatch, reader, encoding):
    import liuan_eval.raw as raw

    rows = _rows(60)
    rows[1] = 'M0002,2025-01-03 10:00,"第一行\r第二行",2025-01-03 16:00'  # line breaks inside cells
    rows[3] = 'M0004,2025-01-05 10:00,"多行\n内容",2025-01-05 16:00'
    rows[5] = 'M0006,2025-01-07 10:00,"三行\r\n内容\r",2025-01-07 16:00'
    text = "2025年留言统计\r" + MESSAGES.replace("\n", "\r") + "\r".join(rows) + "\r\r"
    f = _write(tmp_path / "messages.csv", text, encoding)
    read_at_once = []
    real = raw._fast_records
    monkeypatch.setattr(raw, "_fast_records", lambda *a: read_at_once.append(real(*a) is not None) or real(*a))
    if reader == "large-file":
        monkeypatch.setattr(raw, "FAST_UTF8_BYTES", 1)
    elif reader == "record-by-record":
        monkeypatch.setattr(raw, "_fast_records", lambda *a, **k: None)
    part = read_raw(f, "messages")[0]
    if reader != "record-by-record":
        assert read_at_once[-1] is True  # read at once, not given way to the careful reader
    assert list(part.frame.columns) == MESSAGES.strip().split(",")
    assert part.frame["留言编号"].tolist() == [f"M{i:04d}" for i in range(1, 61)]
    assert part.frame["留言主题"].tolist()[:6] == ["主题1", "第一行\r第二行", "主题3", "多行\n内容", "主题5",
                                                  "三行\r\n内容\r"]  # the cells' own line breaks are kept
    assert part.frame["答复时间"].tolist()[0] == "2025-01-02 16:00"
    assert part.lines.tolist() == [3, 4, 6, 7, 9, 10] + list(range(13, 67))  # as an editor numbers the lines
    assert part.header_line == 2 and [n.code for n in part.notes] == ["title_rows"]
    assert part.bad.empty


def test_carriage_return_only_file_reads_into_a_table_with_its_faults_located(tmp_path):
    rows = _rows(40)
    rows[10] = rows[10].replace("主题", '"主题')  # a stray quote
    rows[20] = rows[20].replace("2025-01-22 10:00", "不是日期")
    rows[30] = rows[30] + ",多余"
    f = _write(tmp_path / "messages.csv", MESSAGES.replace("\n", "\r") + "\r".join(rows) + "\r")
    t = read_table("messages", f)
    assert len(t.data) == 37
    assert t.quarantine[["line", "reason"]].values.tolist() == [
        [12, "unclosed_quote"], [22, "bad_datetime"], [32, "long_row"]]
    assert t.quarantine["value"].iloc[2] == rows[30]
    assert t.provenance["line"].tolist()[:3] == [2, 3, 4] and t.provenance["line"].tolist()[-1] == 41


def test_decode_counts_carriage_return_only_lines():
    text, enc, bad = decode("甲\r乙\r丙\r\n丁".encode("gb18030").replace("丙".encode("gb18030"), b"\xff"))
    assert enc == "gb18030" and bad.tolist() == [3]


# --- workbooks: merged data cells, chart sheets, sheets starting below row 1 ------------------------
def test_cells_merged_down_a_column_fill_every_row_of_the_range(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年网民留言统计表"])
    ws.merge_cells("A1:E1")  # a merged title row
    ws.append(["留言编号", "受理单位", "留言时间", "留言主题", "答复时间"])
    units = ["金安区", None, None, "裕安区", None, "霍山县", None]
    for i, unit in enumerate(units, start=1):
        ws.append([f"M{i}", unit, f"2025-01-0{i} 10:00", f"主题{i}", f"2025-01-0{i} 16:00"])
    ws.append([None] * 5)  # a blank row inside a merged range stays blank
    ws.append(["M8", None, "2025-01-08 10:00", "主题8", "2025-01-08 16:00"])
    ws.merge_cells("B3:B5")
    ws.merge_cells("B6:B7")
    ws.merge_cells("B8:B11")
    ws["D9"] = "跨列合并的主题"
    ws.merge_cells("D9:G9")  # across columns, past the header: filled under the header only
    wb.save(tmp_path / "messages.xlsx")
    part = read_raw(tmp_path / "messages.xlsx", "messages")[0]
    assert part.frame["受理单位"].tolist() == ["金安区"] * 3 + ["裕安区"] * 2 + ["霍山县"] * 2 + ["", "霍山县"]
    assert part.frame["留言主题"].tolist()[6] == "跨列合并的主题"
    assert part.frame["答复时间"].tolist()[6] == "跨列合并的主题"
    assert part.lines.tolist() == [3, 4, 5, 6, 7, 8, 9, 10, 11] and part.bad.empty
    t = read_table("messages", tmp_path / "messages.xlsx")
    assert t.data["message_id"].tolist() == ["M1", "M2", "M3", "M4", "M5", "M6", "M8"]
    assert t.data["unit"].tolist() == ["金安区"] * 3 + ["裕安区"] * 2 + ["霍山县"] * 2
    assert t.provenance["line"].tolist() == [3, 4, 5, 6, 7, 8, 11]
    assert t.quarantine["line"].tolist() == [9]  # its reply time is the merged text: not a time


def test_merged_header_cells_do_not_spill_into_the_data(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["留言编号", "留言时间", "答复", None])
    ws.append([None, None, "答复时间", "答复意见"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:D1")
    ws.append(["M1", "2025-01-01 10:00", "2025-01-02 10:00", "已办"])
    ws.append(["M2", "2025-01-01 11:00", None, None])
    wb.save(tmp_path / "messages.xlsx")
    part = read_raw(tmp_path / "messages.xlsx", "messages")[0]
    assert list(part.frame.columns) == ["留言编号", "留言时间", "答复时间", "答复意见"]
    assert part.frame.values.tolist() == [["M1", "2025-01-01 10:00", "2025-01-02 10:00", "已办"],
                                          ["M2", "2025-01-01 11:00", "", ""]]
    assert [n.code for n in part.notes] == ["two_row_header"] and part.lines.tolist() == [3, 4]


def test_merged_cells_are_read_from_the_sheet_xml_by_reference():
    from liuan_eval.raw import _merge_refs

    xml = (b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lt;mergeCell ref="A1:A9"/&gt;'
           b'</t></is></c></row></sheetData><mergeCells count="2"><mergeCell ref="B3:B5"/>'
           b'<x:mergeCell ref="AA10:AB12"/></mergeCells></worksheet>')
    assert _merge_refs(xml) == [(3, 2, 5, 2), (10, 27, 12, 28)]


def test_chart_sheets_are_skipped_with_a_note(tmp_path):
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "留言"
    ws.append(MESSAGES.strip().split(","))
    for r in _rows(3):
        ws.append(r.split(","))
    wb.create_chartsheet("空图表")  # no chart in it: openpyxl itself fails on this one
    cs = wb.create_chartsheet("统计图")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=4))
    cs.add_chart(chart)
    wb.save(tmp_path / "messages.xlsx")
    t = read_table("messages", tmp_path / "messages.xlsx")
    assert t.data["message_id"].tolist() == ["M0001", "M0002", "M0003"]
    notes = [n for n in t.notes if n["code"] == "chart_sheet"]
    assert len(notes) == 2 and "空图表" in notes[0]["zh"] and "统计图" in notes[1]["zh"]
    wb = openpyxl.Workbook()
    wb.active.title = "图表"
    wb.remove(wb.active)
    wb.create_chartsheet("图表")
    wb.save(tmp_path / "only_chart.xlsx")
    (part,) = read_raw(tmp_path / "only_chart.xlsx", "messages")
    assert [n.code for n in part.notes] == ["chart_sheet", "empty_file"]


def test_a_sheet_starting_below_row_one_keeps_excel_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A3"], ws["B3"] = "留言编号", "留言时间"
    ws["A4"], ws["B4"] = "M1", "2025-01-01 10:00"
    ws["A6"], ws["B6"] = "M2", "不是时间"
    wb.save(tmp_path / "messages.xlsx")
    part = read_raw(tmp_path / "messages.xlsx", "messages")[0]
    assert part.header_line == 3 and part.lines.tolist() == [4, 5, 6]
    assert part.notes == []  # the empty rows above the header are no title
    t = read_table("messages", tmp_path / "messages.xlsx")
    assert t.provenance["line"].tolist() == [4] and t.quarantine["line"].tolist() == [6]


def test_a_group_label_over_a_name_that_is_no_column_is_combined(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["受理单位", "留言", None, None, "答复", None])
    ws.append([None, "编号", "时间", "详情", "时间", "意见"])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:D1")
    ws.merge_cells("E1:F1")
    ws.append(["金安区", "M1", "2025-03-01 10:00", "路灯坏了", "2025-03-02 10:00", "已修复"])
    wb.save(tmp_path / "messages.xlsx")
    (part,) = read_raw(tmp_path / "messages.xlsx", "messages")
    assert list(part.frame.columns) == ["受理单位", "编号", "留言时间", "详情", "答复时间", "答复意见"]
    t = read_table("messages", tmp_path / "messages.xlsx")
    assert t.data["reply_text"].tolist() == ["已修复"]
    # a lower name that is a column by itself keeps its name under its group
    h = locate_header([["账号ID", "发布时间", "互动数据", "", ""], ["", "", "转发", "评论", "点赞"]], "posts")
    assert h.names == ["账号ID", "发布时间", "转发", "评论", "点赞"]


def test_a_column_read_by_its_values_is_not_said_to_be_ignored(tmp_path):
    def book(name, repost_cells):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["账号ID", "平台", "信息ID", "发布时间", "是否转发", "互动数据", None, None])
        ws.append([None, None, None, None, None, "转发", "评论", "点赞"])
        for c in "ABCDE":
            ws.merge_cells(f"{c}1:{c}2")
        ws.merge_cells("F1:H1")
        ws.append(["WB1", "微博", "P1", "2025-03-01 10:00", "否", repost_cells, 2, 3])
        wb.save(tmp_path / name)
        return tmp_path / name

    # the loader's notes (what the check and ingest show) say what it reads
    f = book("posts_weibo.xlsx", 7)
    t = read_table("posts", f)
    note = next(n for n in t.notes if n["column"] == "转发")
    assert note["code"] == "header_by_values" and note["severity"] == "info"
    assert "不读取" not in note["zh"] and "转发数" in note["zh"]
    assert "ignored" not in note["en"]
    assert t.data["repost_count"].tolist() == [7]
    # 转发 holding yes/no beside 是否转发 is left unread, and the warning says so
    t = read_table("posts", book("posts_b.xlsx", "是"))
    note = next(n for n in t.notes if n["column"] == "转发")
    assert note["code"] == "duplicate_header" and "其余列不读取" in note["zh"]


def test_ids_of_more_than_15_digits_in_number_cells_are_a_warning(tmp_path):
    """Excel keeps 15 significant digits: 4987654321098761 is stored as 4987654321098760."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["账号ID", "平台", "信息ID", "发布时间"])
    for k, mid in enumerate((4987654321098760, 4987654321098770, 4987654321098780)):
        ws.append(["W1", "微博", mid, f"2025-03-0{k + 1} 10:00"])
    ws.append(["W1", "微博", "4987654321098763", "2025-03-05 10:00"])  # text: exact, no warning for it
    wb.save(tmp_path / "posts.xlsx")
    (part,) = read_raw(tmp_path / "posts.xlsx", "posts")
    notes = [n for n in part.notes if n.code == "long_numbers"]
    assert len(notes) == 1 and notes[0].column == "信息ID" and notes[0].line == 2 and notes[0].severity == "warning"
    assert "3 个超过15位的数字单元格" in notes[0].zh


def test_parquet_whose_index_is_also_a_column(tmp_path):
    import pandas as pd

    df = pd.DataFrame({"信息ID": ["p1", "p2"], "账号ID": ["W1", "W1"], "发布时间": ["2025-03-05 10:00"] * 2})
    df.set_index("信息ID", drop=False).to_parquet(tmp_path / "posts.parquet")
    t = read_table("posts", tmp_path / "posts.parquet", platform="微博")
    assert t.quarantine.empty and t.data["post_id"].tolist() == ["p1", "p2"]


def test_a_mostly_repost_flag_column_stays_a_flag(tmp_path):
    rows = "".join(f"1,微博,p{i},2025-01-0{i % 9 + 1},{'转发' if i else '原创'}\n" for i in range(20))
    f = _write(tmp_path / "posts.csv", "账号ID,平台,信息ID,发布时间,是否转发\n" + rows)
    t = read_table("posts", f)
    assert t.quarantine.empty and t.data["is_repost"].tolist() == [False] + [True] * 19
