"""``liuan-eval ingest``: read and clean the files of one table (:func:`liuan_eval.io.read_table`)."""
from __future__ import annotations

from pathlib import Path

from liuan_eval.i18n import language, tr
from liuan_eval.io import read_table, to_iso
from liuan_eval.output import write_csv
from liuan_eval.schemas import TABLES
from liuan_eval.validation import reason_text


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
    """``liuan-eval ingest``: write the canonical table and its quarantine (masked); print the counts."""
    if Path(args.out).suffix.lower() not in ("", ".csv", ".txt"):
        from liuan_eval.errors import UserError

        raise UserError(f"错误：--out 写出 CSV 文件，请用 .csv 结尾（而不是 {Path(args.out).name}）",
                        f"error: --out writes a CSV file; name it .csv (not {Path(args.out).name})")
    registry = read_table("accounts", args.registry).data if args.registry else None
    t = read_table(args.table, args.files, platform=args.platform, account=args.account,
                   account_from_filename=args.account_from_filename, year_hint=args.year_hint,
                   registry=registry)
    out = Path(args.out)
    qpath = out.with_name(out.stem + ".quarantine.csv")
    write_csv(to_iso(t.data), out, bom=False)
    write_csv(t.quarantine.assign(reason_text=reason_text(t.quarantine["reason"])), qpath, bom=False)
    r = t.report[["rows_read", "rows_clean", "rows_quarantined", "duplicates_removed"]].sum()
    n, m, k, d = (int(r[c]) for c in ["rows_read", "rows_clean", "rows_quarantined", "duplicates_removed"])
    print(f"{n} read, {m} clean, {k} quarantined, {d} duplicates")
    if language() == "zh":  # the English line above is the stable, parseable contract
        print(f"读取 {n} 行，清洁 {m} 行，隔离 {k} 行，重复 {d} 行")
    for c in t.caveats:
        print(c)
    from liuan_eval.raw import WORKBOOK_NOTES

    for note in t.notes:  # a note on another sheet (a hidden one, ...) is about the workbook
        sheet = note["sheet"] if note["code"] not in WORKBOOK_NOTES else ""
        where = f"{Path(note['file']).name}" + (f"[{sheet}]" if sheet else "")
        print(f"{where}: {tr(note['zh'], note['en'])}")
    if k:
        print(tr(f"隔离的行见 {qpath}", f"quarantined rows are in {qpath}"))
    return 0
