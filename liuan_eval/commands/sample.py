"""``liuan-eval sample``: write a year of sample data with planted problems
(:func:`liuan_eval.sample_data.generate_sample`)."""
from __future__ import annotations

from liuan_eval.i18n import tr
from liuan_eval.sample_data import generate_sample


def configure(parser) -> None:
    """Arguments of ``liuan-eval sample``."""
    parser.add_argument("--year", type=int, default=2025, help=tr("考核年度", "assessment year"))
    parser.add_argument("--seed", type=int, default=7, help=tr("随机种子", "random seed"))
    parser.add_argument("--out", required=True, help=tr("输出文件夹", "output folder"))
    parser.add_argument("--scale", type=float, default=1.0,
                        help=tr("数据规模（1.0 为全部市直部门和一年的信息量）", "data volume (1.0 = full)"))


def run(args) -> int:
    """Run ``liuan-eval sample``."""
    s = generate_sample(args.year, args.seed, args.out, args.scale)
    n_post, n_msg = len(s.tables["posts"]), len(s.tables["messages"])
    print(tr(f"已生成样例数据：{args.out}（{len(s.tables['accounts'])} 个账号，{n_post} 条信息，{n_msg} 条留言，"
             f"预置问题 {len(s.truth['findings'])} 个）",
             f"sample written to {args.out}: {len(s.tables['accounts'])} accounts, {n_post} posts, "
             f"{n_msg} messages, {len(s.truth['findings'])} planted findings"))
    return 0
