"""``liuan-eval sample``: write sample data with planted problems
(:func:`liuan_eval.sample_data.generate_sample`), two consecutive years of it
(:func:`liuan_eval.sample_data.generate_years`), or the units' answers to a run's notices
(:func:`answer_notices`, for rehearsing ``run --responses``)."""
from __future__ import annotations

from pathlib import Path

from liuan_eval.i18n import tr
from liuan_eval.sample_data import generate_sample, generate_years

#: Criteria whose findings a unit plausibly appeals (a filing or a name the office had not seen).
APPEALABLE = ("C03", "C04", "C10", "C11", "C09")
ACCEPTED_REASON = "该账号已于评估期内向市政府办公室报备变更，有报备回执为证（附件：报备回执截图）。"
REJECTED_REASON = "平台导出数据可能不全。"


def configure(parser) -> None:
    """Arguments of ``liuan-eval sample``."""
    parser.add_argument("--year", type=int, default=2025, help=tr("考核年度", "assessment year"))
    parser.add_argument("--seed", type=int, default=7, help=tr("随机种子", "random seed"))
    parser.add_argument("--out", required=True, help=tr("输出文件夹", "output folder"))
    parser.add_argument("--scale", type=float, default=1.0,
                        help=tr("数据规模（1.0 为全部市直部门和一年的信息量）", "data volume (1.0 = full)"))
    parser.add_argument("--two-years", action="store_true",
                        help=tr("生成连续两个年度（--year 的上一年和当年，写入 --out 下以年度命名的两个文件夹）",
                                "two consecutive years (the year before --year and --year, in folders named by year)"))
    parser.add_argument("--answer-notices", default=None,
                        help=tr("不生成数据，而是模拟各单位填写一次运行下发的整改通知（units 文件夹），写入 --out：其中一条申诉成立",
                                "instead, fill in a run's notices (its units folder) as units would, into --out"))


def answer_notices(notices, out) -> dict[str, int]:
    """Fill in a run's notices as the units and the office would, for rehearsing ``run --responses``.

    Every finding gets a reported rectification (整改情况, from its 整改要求) and 核定结果 ``已整改``;
    the first appealable finding (by 问题编号, criteria :data:`APPEALABLE`) is appealed and the appeal
    accepted (``申诉成立``, with a reason), the second appealed and rejected (``申诉不成立``).

    Returns the counts written: ``files``, ``rows``, ``accepted``, ``rejected``.
    """
    import openpyxl

    from liuan_eval.errors import UserError
    from liuan_eval.report.unit_notices import HEADERS, NOTICE_SHEET

    notices, out = Path(notices), Path(out)
    if not notices.is_dir():
        raise UserError(f"错误：找不到整改通知文件夹：{notices}（--answer-notices 应指向 liuan-eval run 输出的 units 文件夹）",
                        f"error: no such folder of notices: {notices} (--answer-notices takes the units folder "
                        "liuan-eval run writes)")
    files = sorted(notices.glob("*.xlsx"))
    books = {f: openpyxl.load_workbook(f) for f in files}
    rows = []
    for f, wb in books.items():
        if NOTICE_SHEET not in wb.sheetnames:
            raise UserError(f"错误：{f} 不是整改通知（没有“{NOTICE_SHEET}”工作表）；--answer-notices 应指向 liuan-eval run "
                            "输出的 units 文件夹",
                            f"error: {f} is not a unit notice (no sheet '{NOTICE_SHEET}'); --answer-notices takes the "
                            "units folder liuan-eval run writes")
        ws = wb[NOTICE_SHEET]
        header = [c.value for c in ws[1]]
        col = {h: header.index(h) for h in header if h}
        for r in ws.iter_rows(min_row=2):
            fid = r[col[HEADERS["finding_id"]]].value
            if fid:
                rows.append((str(fid), str(r[col[HEADERS["criterion"]]].value), r, col))
    appealable = sorted((fid, r, col) for fid, cid, r, col in rows if cid in APPEALABLE)
    accepted = {appealable[0][0]} if appealable else set()
    rejected = {appealable[1][0]} if len(appealable) > 1 else set()
    for fid, _, r, col in rows:
        remedy = r[col[HEADERS["remedy"]]].value or ""
        if fid in accepted or fid in rejected:
            r[col[HEADERS["appeal"]]].value = "是"
            r[col[HEADERS["appeal_reason"]]].value = ACCEPTED_REASON if fid in accepted else REJECTED_REASON
            r[col[HEADERS["decision"]]].value = "申诉成立" if fid in accepted else "申诉不成立"
        else:
            r[col[HEADERS["appeal"]]].value = "否"
            r[col[HEADERS["decision"]]].value = "已整改"
        if fid not in accepted:
            r[col[HEADERS["rectification"]]].value = f"已整改：{remedy}"
    out.mkdir(parents=True, exist_ok=True)
    for f, wb in books.items():
        wb.save(out / f.name)
    return {"files": len(books), "rows": len(rows), "accepted": len(accepted), "rejected": len(rejected)}


def run(args) -> int:
    """Run ``liuan-eval sample``."""
    if args.answer_notices:
        n = answer_notices(args.answer_notices, args.out)
        print(tr(f"已模拟各单位填写整改通知：{args.out}（{n['files']} 份，{n['rows']} 条；申诉成立 {n['accepted']} 条，"
                 f"申诉不成立 {n['rejected']} 条）",
                 f"notices answered into {args.out}: {n['files']} files, {n['rows']} rows, "
                 f"{n['accepted']} accepted and {n['rejected']} rejected appeals"))
        return 0
    samples = (generate_years(args.year, args.seed, args.out, args.scale) if args.two_years
               else (generate_sample(args.year, args.seed, args.out, args.scale),))
    for s in samples:
        where = Path(args.out) / str(s.truth["year"]) if args.two_years else Path(args.out)
        n_post, n_msg = len(s.tables["posts"]), len(s.tables["messages"])
        print(tr(f"已生成样例数据：{where}（{len(s.tables['accounts'])} 个账号，{n_post} 条信息，{n_msg} 条留言，"
                 f"预置问题 {len(s.truth['findings'])} 个）",
                 f"sample written to {where}: {len(s.tables['accounts'])} accounts, {n_post} posts, "
                 f"{n_msg} messages, {len(s.truth['findings'])} planted findings"))
    return 0
