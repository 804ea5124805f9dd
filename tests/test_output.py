"""The one road out: masked, formula-safe, atomic, repeatable."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from liuan_eval.errors import OutputError
from liuan_eval.output import (
    OutputFolder,
    escape_formulas,
    find_citizen_numbers,
    mask_document,
    mask_frame,
    safe_frame,
    write_csv,
    write_text,
)

PLANTED = ["电话13912345678", "手机 139 1234 5678", "139-1234-5678", "手机1391234\n5678",
           "身份证11010519491231002X", "身份证 110105 19491231 002X", "身份证110105194912\n31002X",
           "邮箱 zhang.san@qq.com", "车牌皖N12345。"]


def test_every_form_of_a_citizens_number_is_masked():
    out = mask_frame(pd.DataFrame({"t": PLANTED}))["t"].tolist()
    joined = "\n".join(out)
    for digits in ("13912345678", "11010519491231002X"):
        assert digits not in joined.replace(" ", "").replace("-", "").replace("\n", "")
    assert not find_citizen_numbers(joined)
    assert "zhang.san" not in joined and "皖N12345" not in joined
    assert out[0] == "电话139****5678" and out[3] == "手机139****5678"


def test_numbers_that_are_not_citizens_numbers_stay():
    keep = ["2025-06-01 10:00 共 12 户", "订单号 1234 5678 9012 3456 78", "订单号202512010000123457"]
    assert mask_frame(pd.DataFrame({"t": keep}))["t"].tolist() == keep


def test_formulas_are_escaped_in_text_columns_only():
    f = pd.DataFrame({"t": ["=HYPERLINK(\"http://x\",\"点我\")", "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-2",
                            "\tx", "正常"], "n": [1, -2, 3, 4, 5, 6, 7]})
    out = escape_formulas(f)
    assert all(v.startswith("'") for v in out["t"][:6]) and out["t"].iloc[6] == "正常"
    assert out["n"].tolist() == f["n"].tolist()


def test_write_csv_is_masked_safe_and_repeatable(tmp_path):
    f = pd.DataFrame({"text": PLANTED + ["=1+1"], "x": [0.004881109080079308] * (len(PLANTED) + 1)})
    a, b = write_csv(f, tmp_path / "a.csv"), write_csv(f, tmp_path / "b.csv")
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text(encoding="utf-8-sig")
    assert not find_citizen_numbers(text) and "'=1+1" in text and "0.00488110908" in text
    back = pd.read_csv(a, dtype=str)
    assert not back["text"].str.match(r"^[=+\-@]").any()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_mask_document_leaves_embedded_images_alone():
    html = '<p>13912345678</p><img src="data:image/png;base64,iVBOR13912345678xyz=">'
    assert mask_document(html) == '<p>139****5678</p><img src="data:image/png;base64,iVBOR13912345678xyz=">'


def test_output_folder_swaps_in_only_when_complete(tmp_path):
    out = tmp_path / "reports" / "2025"
    with OutputFolder(out) as tmp:
        (tmp / "a.csv").write_text("old")
    with pytest.raises(RuntimeError):
        with OutputFolder(out) as tmp:
            (tmp / "a.csv").write_text("new")
            (tmp / "b.csv").write_text("new")
            raise RuntimeError("interrupted")
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"] and (out / "a.csv").read_text() == "old"
    assert sorted(p.name for p in out.parent.iterdir()) == ["2025"]  # nothing half-written beside it
    with OutputFolder(out) as tmp:
        (tmp / "c.csv").write_text("again")
    assert sorted(p.name for p in out.iterdir()) == ["c.csv"]


def test_an_output_place_that_cannot_be_written_is_a_user_error(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as ei:
        with OutputFolder(blocker / "2025"):
            pass
    assert "无法写入" in str(ei.value) and ei.value.exit_code == 2
    with pytest.raises(OutputError):
        write_text("x", blocker / "x.html")
    if os.geteuid() != 0:  # root ignores permissions
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            with pytest.raises(OutputError):
                write_csv(pd.DataFrame({"a": [1]}), ro / "t.csv")
        finally:
            ro.chmod(0o700)


@pytest.mark.parametrize("times", [
    ["2025-03-01 09:30", None, "2025-03-02 00:00", "1988-06-01 12:00", "1900-01-01 08:00"],  # summer time, old offsets
    ["2025-03-01 09:30:00.5", "2025-03-01 09:30"],  # a fraction of a second: pandas formats it
    ["2025-03-01", "2025-03-02"],  # midnights only
    [None, None],
])
def test_timestamps_are_written_as_pandas_writes_them(tmp_path, times):
    t = pd.Series(pd.to_datetime(times, format="ISO8601")).dt.tz_localize("Asia/Shanghai")
    frame = pd.DataFrame({"t": t, "u": t.dt.tz_convert("UTC"), "n": range(len(t)), "x": ["a"] * len(t)})
    got = write_csv(frame, tmp_path / "a.csv").read_bytes()
    assert got == ("\ufeff" + safe_frame(frame).to_csv(index=False, lineterminator="\n",
                                                        float_format="%.10g")).encode("utf-8")
