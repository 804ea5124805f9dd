"""``liuan-eval score``: score units and accounts against the criteria (:func:`liuan_eval.scoring.score`)."""
from __future__ import annotations

import sys
from pathlib import Path

from liuan_eval.commands.period_options import add_period_options, period_of
from liuan_eval.criteria import CriteriaError, load_criteria
from liuan_eval.i18n import tr
from liuan_eval.io import load
from liuan_eval.scoring import score
from liuan_eval.scoring._common import ScoringInputError
from liuan_eval.scoring.content import ConfirmationsError
from liuan_eval.scoring.lists import named_accounts, named_units  # the report counts the same way
from liuan_eval.text.content import ContentRuleError, load_content_rules


def configure(parser) -> None:
    """Arguments of ``liuan-eval score``."""
    parser.add_argument("--data", required=True, help=tr("数据文件夹", "data folder"))
    add_period_options(parser)
    parser.add_argument("--out", required=True, help=tr("输出文件夹", "output folder"))
    parser.add_argument("--criteria", default="liuan_2016",
                        help=tr("考核标准：liuan_2016（默认）、state_council_2019 或 TOML 文件路径",
                                "criteria preset: liuan_2016 (default), state_council_2019 or a TOML path"))
    add_content_options(parser)


def add_content_options(parser) -> None:
    """``--confirmations`` and ``--content-rules`` (C20), shared by ``score`` and ``run``."""
    parser.add_argument("--confirmations", action="append", metavar="FILE",
                        help=tr("内容审核疑点的核定结果文件（CSV 或 Excel：疑点编号、核定结果 确认/不成立；可多次给出）",
                                "confirmations of the content suspects (CSV or Excel: suspect id, 核定结果 "
                                "确认/不成立; may be repeated)"))
    parser.add_argument("--content-rules", action="append", metavar="FILE",
                        help=tr("本单位的内容审核规则文件（TOML，与 liuan_eval/text/content_rules.toml 格式相同），"
                                "补充内置规则；文件开头写 mode = \"replace\" 则替换内置规则；可多次给出",
                                "the office's content rule file (TOML, as content_rules.toml): extends the shipped "
                                "rules, or replaces them with mode = \"replace\"; may be repeated"))


def run(args) -> int:
    """``liuan-eval score``: load, score, write the CSV files, print a Chinese summary."""
    try:
        crits = load_criteria(args.criteria)
    except CriteriaError as exc:
        print(tr(f"考核标准有误：{exc}", f"bad criteria preset: {exc}"), file=sys.stderr)
        return 2
    data = Path(args.data)
    if not data.is_dir():
        print(tr(f"找不到数据文件夹：{data}", f"data folder not found: {data}"), file=sys.stderr)
        return 2
    period = period_of(args)
    rules = load_content_rules(args.content_rules) if args.content_rules else None  # refused before loading
    try:
        ds = load(data, year=period.year)
        a = score(ds, year=period.year, criteria=crits, period=None if period.is_year else period.bounds(),
                  confirmations=args.confirmations, content_rules=rules)
    except (ConfirmationsError, ContentRuleError):
        raise  # named file, line and column: the command line prints it as it is
    except (ScoringInputError, OSError) as exc:
        print(tr(f"无法评分：{exc}", f"cannot score: {exc}"), file=sys.stderr)
        return 2
    except ValueError as exc:  # the readers' InputError names file, column and row
        print(tr(f"数据有误：{exc}", f"bad input: {exc}"), file=sys.stderr)
        return 2
    paths = a.write(args.out, quarantine=ds.quarantine)
    m = a.metrics
    ra, ru, ca = named_accounts(a.rectification), named_units(a.rectification), named_accounts(a.closure)
    print(tr(f"{period.label}考核，标准：{crits.title}。{m.get('units', 0)}个单位、{m.get('accounts', 0)}个账号、"
             f"{m.get('posts', 0)}条发布、{m.get('messages', 0)}条留言；发现问题{len(a.findings)}条，"
             f"通报整改账号{ra}个、单位{ru}个，建议关停账号{ca}个。",
             f"{period.label} assessment ({crits.name}): {m.get('units', 0)} units, {m.get('accounts', 0)} accounts, "
             f"{m.get('posts', 0)} posts, {m.get('messages', 0)} messages; {len(a.findings)} findings, "
             f"{ra} accounts and {ru} units named for rectification, {ca} accounts for closure."))
    if len(a.unit_scores):
        g = a.unit_scores["grade"].value_counts()
        print(tr("等级：", "grades: ") + tr("，", ", ").join(tr(f"{k}{v}个", f"{k} {v}") for k, v in g.items()))
    if a.content_suspects is not None:
        st = a.content_suspects["status"].value_counts()
        print(tr(f"内容审核疑点{len(a.content_suspects)}处：已确认{int(st.get('确认', 0))}处、不成立{int(st.get('不成立', 0))}处、"
                 f"待核定{int(st.get('待核定', 0))}处（见 content_suspects.csv；核定后用 --confirmations 重新评分）。",
                 f"{len(a.content_suspects)} content suspects: {int(st.get('确认', 0))} confirmed, "
                 f"{int(st.get('不成立', 0))} rejected, {int(st.get('待核定', 0))} to review (content_suspects.csv)."))
    for c in a.caveats:
        print(tr("注意：", "note: ") + c)
    print(tr(f"结果已写入 {Path(args.out)}：", f"written to {Path(args.out)}: ") + tr("、", ", ").join(p.name for p in paths.values()))
    return 0
