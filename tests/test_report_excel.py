"""The workbook writer: Chinese headers, frozen row, numbers as numbers, no formulas, no PII."""
from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pandas as pd

from liuan_eval.output import mask_frame
from liuan_eval.report.excel import write_workbook

MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def frame():
    return pd.DataFrame({
        "单位": ["金安区", "霍山县", "=cmd|' /C calc'!A0"],
        "总分": [91.5, 60.0, float("nan")],
        "排名": pd.array([1, 2, None], dtype="Int64"),
        "一票否决": pd.array([False, True, None], dtype="boolean"),
        "时间": pd.to_datetime(["2025-03-01 09:30", None, "2025-12-31 23:59"]).tz_localize("Asia/Shanghai"),
        "说明": ["+1 电话13812345678", "@SUM(A1)", "-2 身份证34150219900101123X"],
        "依据": [["p1", "p2"], [], ["p3"]],
    })


def test_cells_types_and_layout(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", {"单位得分": frame(), "空表": pd.DataFrame(columns=["单位"])})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["单位得分", "空表"]
    ws = wb["单位得分"]
    assert [c.value for c in ws[1]] == ["单位", "总分", "排名", "一票否决", "时间", "说明", "依据"]
    assert ws.freeze_panes == "A2"
    assert ws["B2"].value == 91.5 and ws["B2"].data_type == "n"
    assert ws["C3"].value == 2 and isinstance(ws["C3"].value, int)
    assert ws["B4"].value is None
    assert ws["D3"].value == "是"
    assert ws["E2"].value == dt.datetime(2025, 3, 1, 9, 30)
    assert ws["G2"].value == "p1;p2"
    assert ws.column_dimensions["F"].width > 10
    assert wb["空表"].max_row == 1


def test_no_formula_and_no_pii_survives(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", {"s": frame()})
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [str(c.value) for c in cells]
    assert "=cmd|' /C calc'!A0" in texts and "@SUM(A1)" in texts   # kept, as text
    joined = "\n".join(texts)
    assert not MOBILE_RE.search(joined) and not ID_RE.search(joined)
    assert "138****5678" in joined


def test_same_tables_give_identical_bytes(tmp_path):
    a = write_workbook(tmp_path / "a.xlsx", {"s": frame()})
    b = write_workbook(tmp_path / "b.xlsx", {"s": frame()})
    assert a.read_bytes() == b.read_bytes()
    props = openpyxl.load_workbook(a).properties
    assert props.created.year == 2000 and props.modified.year == 2000


def test_mask_frame_text_only():
    f = mask_frame(pd.DataFrame({"t": pd.array(["13912345678 x", None], dtype="str"), "n": [1, 2]}))
    assert f["t"].iloc[0] == "139****5678 x"
    assert f["n"].tolist() == [1, 2]


def test_long_floats_do_not_print_like_id_numbers(tmp_path):
    """0.004881109080079308 printed in full holds an 18-digit run that reads as an ID number."""
    path = write_workbook(tmp_path / "f.xlsx", {"s": pd.DataFrame({"q": [0.004881109080079308, 1 / 3]})})
    values = [c.value for row in openpyxl.load_workbook(path)["s"].iter_rows(min_row=2) for c in row]
    assert values[0] == 0.00488110908 and abs(values[1] - 1 / 3) < 1e-9
    assert not ID_RE.search("\n".join(map(str, values)))
