"""The annual workbook (``annual_report.xlsx``), written with openpyxl.

One sheet per table, Chinese headers in bold on a frozen first row, column widths set from
the content, numbers stored as numbers and dates as dates. Text that Excel would take for
a formula (beginning with ``=``, ``+``, ``-`` or ``@``) is stored as text with Excel's
quote prefix, so no formula from the data can run. Every text cell goes through
:func:`liuan_eval.output.mask_frame` (the one masking function) first. The file is deterministic: fixed document
properties and fixed timestamps inside the zip, so writing the same tables twice gives
byte-identical files.

Examples
--------
>>> import tempfile, pathlib, openpyxl, pandas as pd
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
>>> _ = write_workbook(path, {"单位得分": pd.DataFrame({"单位": ["金安区"], "总分": [91.5],
...                                                     "备注": ["=HYPERLINK(\\"x\\")"]})})
>>> ws = openpyxl.load_workbook(path)["单位得分"]
>>> [c.value for c in ws[2]], ws["C2"].data_type, ws.freeze_panes
(['金安区', 91.5, '=HYPERLINK("x")'], 's', 'A2')
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from liuan_eval.output import FORMULA_PREFIXES, mask_frame, write_bytes

#: Document timestamps written into every workbook (keeps the file reproducible).
FIXED_TIME = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BAD_SHEET_CHARS = re.compile(r"[\[\]\*\?/\\:]")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell_values(series: pd.Series) -> tuple[list, str | None]:
    """Python values for openpyxl and the number format of the column (vectorised conversion)."""
    s = series
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(s):
        values = s.astype(object).where(s.notna(), None).tolist()
        return [v.to_pydatetime() if v is not None else None for v in values], "yyyy-mm-dd hh:mm"
    if pd.api.types.is_bool_dtype(s):
        return s.astype(object).where(s.notna(), None).map(
            lambda v: None if v is None else ("是" if v else "否")).tolist(), None
    if pd.api.types.is_integer_dtype(s):
        return [None if v is pd.NA or v is None else int(v)
                for v in s.astype("Int64").astype(object).tolist()], "0"
    if pd.api.types.is_float_dtype(s):
        arr = s.astype("float64").to_numpy(na_value=np.nan)
        # 10 significant digits (see write_csvs): no long digit runs that look like ID numbers
        return [None if not np.isfinite(v) else float(f"{v:.10g}") for v in arr.tolist()], None
    if pd.api.types.is_timedelta64_dtype(s):
        return [None if pd.isna(v) else str(v) for v in s.tolist()], None
    values = s.astype(object).where(s.notna(), None).tolist()
    out = []
    for v in values:
        if v is None or isinstance(v, bool | int | float | dt.datetime | dt.date):
            if isinstance(v, float):
                v = float(f"{v:.10g}") if np.isfinite(v) else None
            out.append(v)
        elif isinstance(v, np.generic):
            out.append(v.item())
        elif isinstance(v, pd.Timestamp):
            out.append(v.tz_localize(None).to_pydatetime() if v.tzinfo else v.to_pydatetime())
        elif isinstance(v, list | tuple | set | np.ndarray):
            out.append(";".join(map(str, v)))
        else:
            out.append(str(v))
    return out, None


def _joined(v):
    return ";".join(map(str, v)) if isinstance(v, list | tuple | set | np.ndarray) else v


def sheet_title(name: str) -> str:
    """A legal worksheet title: no ``[]*?/\\:`` and at most 31 characters.

    Examples
    --------
    >>> sheet_title("留言统计/按主题")
    '留言统计_按主题'
    """
    return _BAD_SHEET_CHARS.sub("_", name)[:31] or "Sheet"


def write_workbook(path: str | Path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write ``sheets`` (title → table, headers already in Chinese) to ``path``; return the path.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write (its folder is created).
    sheets : dict of str to DataFrame
        In the order the sheets should appear. An empty table gives a sheet with only its
        header row.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    wb = build_workbook(sheets)
    buf = io.BytesIO()
    wb.save(buf)
    return write_bytes(_freeze_zip(buf.getvalue()), path)


def workbook_bytes(wb: Workbook) -> bytes:
    """A workbook (from :func:`build_workbook`, perhaps changed further) as repeatable bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    return _freeze_zip(buf.getvalue())


def build_workbook(sheets: dict[str, pd.DataFrame]) -> Workbook:
    """The openpyxl workbook :func:`write_workbook` saves (every text masked, formulas as text)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in sheets.items():
        ws = wb.create_sheet(sheet_title(title))
        frame = frame.reset_index(drop=True)
        for i in [i for i in range(frame.shape[1]) if frame.iloc[:, i].dtype == object]:
            frame.isetitem(i, frame.iloc[:, i].map(_joined))  # lists of ids as one text, then masked
        frame = mask_frame(frame)
        headers = [str(c) for c in frame.columns]
        widths = [_display_width(h) for h in headers]
        for j, h in enumerate(headers, start=1):
            cell = ws.cell(row=1, column=j, value=h)
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=False)
            if h.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"
                cell.quotePrefix = True
        for j, col in enumerate(frame.columns, start=1):
            values, number_format = _cell_values(frame[col])
            longest = 0
            for i, v in enumerate(values, start=2):
                if v is None:
                    continue
                cell = ws.cell(row=i, column=j, value=v)
                if isinstance(v, str):
                    if v.startswith(FORMULA_PREFIXES) or cell.data_type == "f":
                        cell.data_type = "s"
                        cell.quotePrefix = True
                    longest = max(longest, _display_width(v[:60]))
                elif isinstance(v, dt.datetime):
                    cell.number_format = number_format or "yyyy-mm-dd hh:mm"
                    longest = max(longest, 16)
                else:
                    if number_format:
                        cell.number_format = number_format
                    elif isinstance(v, float):
                        cell.number_format = "0.00" if abs(v) < 1e6 else "0"
                    longest = max(longest, len(f"{v:.2f}" if isinstance(v, float) else str(v)))
            widths[j - 1] = max(widths[j - 1], longest)
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, 6), 60)
        ws.freeze_panes = "A2"
        if len(frame.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame) + 1, 1)}"
    wb.properties.creator = "liuan_eval"
    wb.properties.created = FIXED_TIME
    return wb


def _freeze_zip(data: bytes) -> bytes:
    """The saved workbook with a fixed modification time and fixed zip entry dates."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            zout.writestr(zi, data)
    return out.getvalue()
