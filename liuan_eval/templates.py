"""The Excel fill-in templates (``liuan-eval templates --out DIR``).

One workbook per input table, everything generated from :data:`liuan_eval.schemas.TABLES`:

* sheet 1 (named after the table, e.g. ``账号登记表``): the Chinese headers the loaders
  accept, a frozen header row, required headers highlighted, a drop-down list on every
  column with a closed set of values (platform, unit type, filing event, ...), and two
  filled example rows (grey, to be overwritten);
* sheet 2 ``填写说明``: every column explained in Chinese — meaning, format, required or
  not, example, allowed values and the other header spellings the loaders accept.

The file is called ``<table>_<中文表名>.xlsx`` (``accounts_账号登记表.xlsx``), a name
:func:`liuan_eval.load` finds; the loaders read a template back without any change.

Examples
--------
>>> import tempfile
>>> from liuan_eval.templates import write_templates
>>> paths = write_templates(tempfile.mkdtemp())
>>> sorted(p.name for p in paths)[0]
'accounts_账号登记表.xlsx'
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from liuan_eval.raw import GUIDE_SHEET  # the explanation sheet of every template (the reader skips it)
from liuan_eval.schemas import TABLE_LABELS, TABLES, Column

#: Rows of the data sheet that carry the drop-down lists and formats.
MAX_ROWS = 100000
#: Chinese words the templates use for boolean cells.
BOOL_LABELS = {True: "是", False: "否"}

_KIND_FORMAT = {
    "str": "文本",
    "datetime": "日期时间，如 2025-03-01 09:30；只填日期（2025-03-01）也可以",
    "int": "非负整数；没有数据留空",
    "bool": "从下拉列表选择“是”或“否”；不知道留空",
    "category": "从下拉列表选择",
}

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
_EXAMPLE_FONT = Font(color="808080", italic=True)

#: Second example row: values that differ from the first (the rest are derived from it).
_SECOND_EXAMPLE: dict[str, dict[str, str]] = {
    "accounts": {"unit": "六安市交通运输局", "unit_type": "市直部门", "platform": "微信",
                 "account_id": "gh_6a3c1f2e9b01", "account_name": "六安市交通运输局发布",
                 "opened_at": "2017-03-15", "filed_at": "2017-03-16", "operators": "1",
                 "liaison_officer": "王芳", "information_officer": "陈强"},
    "posts": {"account_id": "gh_6a3c1f2e9b01", "account": "六安市交通运输局发布", "platform": "微信",
              "post_id": "2247483650_1", "published_at": "2025-03-02 18:05",
              "text": "六安市2025年春运工作总结", "media_kind": "图解", "is_repost": "是",
              "repost_source": "安徽省人民政府发布", "repost_count": "", "comment_count": "0",
              "like_count": "5", "read_count": "1320", "device": ""},
    "messages": {"message_id": "2550", "unit": "六安市交通运输局", "account_id": "gh_6a3c1f2e9b01",
                 "platform": "微信", "user": "U0004466", "received_at": "2025-04-26 20:15:00",
                 "title": "公交线路调整建议", "text": "建议增加到开发区的公交班次", "replied_at": "",
                 "reply_text": "", "in_scope": "否", "topic": "交通运输", "like_count": "0",
                 "oppose_count": "0"},
    "filings": {"unit": "六安市交通运输局", "account_id": "", "event": "人员变更",
                "event_date": "2025-06-10", "filed_at": "2025-06-12", "approved_at": ""},
    "releases": {"release_id": "R002", "issuing_account": "安徽省人民政府发布",
                 "published_at": "2025-06-01 08:30", "title": "安徽省防汛应急响应启动",
                 "text": "省防指决定启动防汛四级应急响应"},
    "incidents": {"incident_id": "E002", "unit": "六安市交通运输局", "account_id": "gh_6a3c1f2e9b01",
                  "kind": "信息不实", "started_at": "2025-09-03 10:00", "ended_at": "",
                  "description": "误发停运通知后更正"},
}


def template_filename(table: str) -> str:
    """File name of ``table``'s template, one :func:`liuan_eval.load` recognises.

    Examples
    --------
    >>> template_filename("posts")
    'posts_发布信息.xlsx'
    """
    return f"{table}_{TABLE_LABELS[table]}.xlsx"


def _choices(col: Column) -> list[str]:
    if col.kind == "category":
        return list(col.choices.values())
    if col.kind == "bool":
        return list(BOOL_LABELS.values())
    return []


def example_rows(table: str) -> list[dict[str, str]]:
    """The two example rows of ``table``'s template, as text keyed by canonical column.

    Examples
    --------
    >>> rows = example_rows("accounts")
    >>> rows[0]["platform"], rows[1]["platform"]
    ('微博', '微信')
    """
    first = {name: col.example for name, col in TABLES[table].items()}
    second = {**first, **_SECOND_EXAMPLE.get(table, {})}
    return [first, second]


def _cell_value(col: Column, text: str):
    """Text of an example value → the typed value an analyst's Excel would hold."""
    if text == "" or text is None:
        return None
    if col.kind == "datetime":
        return dt.datetime.fromisoformat(text)
    if col.kind == "int":
        return int(text)
    return str(text)


def _date_format(col: Column) -> str:
    return "yyyy-mm-dd" if len(col.example) <= 10 else "yyyy-mm-dd hh:mm:ss"


def _explanation(col: Column) -> list[str]:
    fmt = _KIND_FORMAT[col.kind]
    if _choices(col):
        fmt = f"{fmt}：{'、'.join(_choices(col))}"
    other = [a for a in (col.name, *col.aliases) if a != col.label]
    return [col.label, col.description, fmt, "必填" if col.required else "选填",
            col.example, "、".join(_choices(col)), "、".join(other)]


def _write_guide_sheet(ws, table: str) -> None:
    label = TABLE_LABELS[table]
    intro = [
        f"《{label}》填写说明",
        f"1. 在第一个工作表“{label}”中从第2行起逐行填写，每行一条记录；不要修改第1行的表头。",
        "2. 第2、3行（灰色斜体）是示例，填报时请直接覆盖或删除；“运行前检查”会提示未删除的示例行。",
        "3. 橙色表头为必填列，蓝色表头为选填列；选填列没有数据可以整列留空，但不要删除表头。",
        "4. 有下拉箭头的列只能从列表中选择；日期时间列请按“2025-03-01 09:30”格式填写。",
        f"5. 文件名请保留“{template_filename(table)}”的开头“{table}_”，"
        "以便程序识别；也可以另存为同名的 CSV（UTF-8）文件。",
        "",
    ]
    for line in intro:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    header = ["列名（表头）", "含义", "格式", "是否必填", "示例", "可选值", "也接受的表头写法"]
    ws.append(header)
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for col in TABLES[table].values():
        ws.append(_explanation(col))
        if col.required:
            ws.cell(ws.max_row, 4).font = Font(bold=True, color="C00000")
    for i, width in enumerate([18, 44, 40, 10, 24, 30, 40], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=head_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_data_sheet(ws, table: str) -> None:
    cols = list(TABLES[table].values())
    ws.append([c.label for c in cols])
    ws.freeze_panes = "A2"
    for j, col in enumerate(cols, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(1, j)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
        cell.comment = Comment(f"{'必填' if col.required else '选填'}：{col.description}", "liuan_eval")
        ws.column_dimensions[letter].width = max(12, min(40, 2 * len(col.label) + 4,
                                                         len(col.example) * 2 + 4))
        choices = _choices(col)
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="取值不在列表中",
                                error=f"“{col.label}”只能填：{'、'.join(choices)}",
                                promptTitle=col.label, prompt="从下拉列表中选择",
                                showInputMessage=True)
            dv.add(f"{letter}2:{letter}{MAX_ROWS}")
            ws.add_data_validation(dv)
    for row in example_rows(table):
        ws.append([_cell_value(c, row[c.name]) for c in cols])
    for r in (2, 3):
        for j, col in enumerate(cols, start=1):
            cell = ws.cell(r, j)
            cell.font = _EXAMPLE_FONT
            _format_cell(cell, col)


def _format_cell(cell, col: Column) -> None:
    if col.kind == "datetime":
        cell.number_format = _date_format(col)
    elif col.kind == "str":
        cell.number_format = "@"  # keeps long ids such as Weibo UIDs from becoming numbers


def write_templates(out: str | Path, tables: Iterable[str] | None = None) -> list[Path]:
    """Write one Excel fill-in template per input table into ``out``.

    Parameters
    ----------
    out : str or pathlib.Path
        Folder to write into (created when missing). Existing templates are replaced.
    tables : iterable of str, optional
        Canonical table names (default: all six of :data:`liuan_eval.schemas.TABLES`).

    Returns
    -------
    list of pathlib.Path
        The workbooks written, in table order.

    Examples
    --------
    >>> import tempfile
    >>> from openpyxl import load_workbook
    >>> [path] = write_templates(tempfile.mkdtemp(), ["filings"])
    >>> wb = load_workbook(path)
    >>> wb.sheetnames
    ['备案记录', '填写说明']
    >>> [c.value for c in wb["备案记录"][1]][:3]
    ['单位名称', '账号ID', '报备事项']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = list(TABLES) if tables is None else list(tables)
    unknown = [t for t in names if t not in TABLES]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown}; tables are {', '.join(TABLES)}")
    written = []
    for table in names:
        wb = Workbook()
        ws = wb.active
        ws.title = TABLE_LABELS[table]
        _write_data_sheet(ws, table)
        _write_guide_sheet(wb.create_sheet(GUIDE_SHEET), table)
        path = out / template_filename(table)
        wb.save(path)
        written.append(path)
    return written


def _to_cell(col: Column, value):
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    if col.kind == "datetime":
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert("Asia/Shanghai").tz_localize(None)
        return ts.to_pydatetime()
    if col.kind == "category":
        return col.choices.get(str(value), str(value))
    if col.kind == "bool":
        return BOOL_LABELS[bool(value)]
    if col.kind == "int":
        return int(value)
    return str(value)


def fill_template(path: str | Path, table: str, frame: pd.DataFrame) -> Path:
    """Write the rows of a canonical ``frame`` into ``table``'s template at ``path``.

    The example rows are replaced; category codes are written as their Chinese labels
    and flags as 是/否, as an analyst would type them. Columns of ``frame`` that are not
    canonical are ignored.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> [path] = write_templates(tempfile.mkdtemp(), ["releases"])
    >>> frame = pd.DataFrame({"release_id": ["R9"], "issuing_account": ["六安市人民政府发布"],
    ...                       "published_at": ["2025-05-06 10:00"], "title": ["通知"]})
    >>> _ = fill_template(path, "releases", frame)
    >>> [c.value for c in load_workbook(path)["重要信息转发清单"][2]][:2]
    ['R9', '六安市人民政府发布']
    """
    path = Path(path)
    wb = load_workbook(path)
    ws = wb[TABLE_LABELS[table]]
    cols = list(TABLES[table].values())
    if ws.max_row > 1:
        ws.delete_rows(2, ws.max_row - 1)
    present = [c for c in cols if c.name in frame.columns]
    index = {c.name: j for j, c in enumerate(cols, start=1)}
    # one column at a time (vectorised conversion), then cells
    converted = {c.name: [_to_cell(c, v) for v in frame[c.name].tolist()] for c in present}
    for i in range(len(frame)):
        r = i + 2
        for c in present:
            cell = ws.cell(r, index[c.name], converted[c.name][i])
            _format_cell(cell, c)
    wb.save(path)
    return path
