"""The content checker's throughput on 1,000,000 posts (target: well under a minute on 2 cores).

Synthetic posts of 40–120 characters as Lu'an's accounts write them: 1 in 5 carries a link
(mostly t.cn and gov.cn, some foreign), 1 in 200 a contact number, 1 in 100 a wrong
expression or typo from the shipped rule lists, some of them disguised (full-width, spaces,
zero-width marks, traditional characters). One call of
:func:`liuan_eval.text.content.check_content`: the fold (one numpy pass), one pyahocorasick
pass for every expression rule, the number and link scans on the texts that hold digits or
something link-like. Figures are wall-clock on a shared 2-core machine: noisy.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmarks._util import peak_rss_mb

N = 1_000_000


def synthetic_posts(n: int = N, seed: int = 0) -> tuple[pd.DataFrame, int]:
    """``n`` posts as the checker's items, and how many planted hits they hold."""
    rng = np.random.default_rng(seed)
    tags = np.array(["【政务动态】", "【便民服务】", "【政策解读】", "【图解】", "【通知公告】", "【民生关注】"])
    units = np.array(["金安区", "裕安区", "霍邱县", "舒城县", "金寨县", "六安市教育局", "六安市卫生健康委员会"])
    phrases = np.array(["召开专题会议部署重点工作，要求各单位压实责任、细化措施", "开展安全生产大检查，排查隐患一百余处",
                        "发布最新政策解读，一图读懂惠民举措", "举办便民服务活动，现场受理群众诉求",
                        "公布重点项目建设进展，全年计划投资稳步推进", "发布天气预警和出行提示，请市民注意防范"])
    text = (pd.Series(tags[rng.integers(0, len(tags), n)]) + pd.Series(units[rng.integers(0, len(units), n)])
            + pd.Series(phrases[rng.integers(0, len(phrases), n)]) + pd.Series(np.arange(n).astype(str)))
    link = rng.random(n)
    links = np.select([link < 0.12, link < 0.18, link < 0.2],
                      ["，详见 http://t.cn/A6" + pd.Series(rng.integers(10**5, 10**6, n)).astype(str),
                       " https://www.luan.gov.cn/content/detail/" + pd.Series(rng.integers(10**5, 10**6, n)).astype(str)
                       + ".html", " http://www.example-news.com/a/1.html"], "")
    text = text + links
    planted = rng.random(n)
    pieces = np.array(["，截止目前已完成", "，庆祝中国人民共和国成立", "，请联系１３９ 1234\u200b5678", "，按\u200b装完成",
                       "，中國人民共和國", "，六安市人民政府办公厅发布"])
    k = planted < 0.01
    text[k] = text[k] + pieces[rng.integers(0, len(pieces), int(k.sum()))]
    n_hits = int(k.sum() + ((link >= 0.18) & (link < 0.2)).sum())  # one hit per planted piece and foreign link
    items = pd.DataFrame({"source": "posts", "item_id": np.char.add("P", np.arange(n).astype(str)), "field": "text",
                          "text": text.astype("str")})
    return items, n_hits


def main() -> None:
    from liuan_eval.clean import fold_texts
    from liuan_eval.text.content import check_content, load_content_rules

    items, planted = synthetic_posts()
    chars = int(items["text"].str.len().sum())
    t0 = time.perf_counter()
    rules = load_content_rules()
    fold_texts(pd.Series(["预热"]))  # the fold tables are built once per process
    t_rules = time.perf_counter() - t0
    t0 = time.perf_counter()
    fold_texts(items["text"])
    t_fold = time.perf_counter() - t0
    t0 = time.perf_counter()
    hits = check_content(items, rules)
    t_check = time.perf_counter() - t0
    by_kind = hits["kind"].value_counts().to_dict()
    print(f"content checker on {len(items):,} posts ({chars / 1e6:.1f} M characters), {len(rules.rules)} expression "
          f"rules, {len(rules.allowed_domains)} allowed domains")
    print(f"  rules and fold tables: {t_rules:.2f} s (once per process)")
    print(f"  fold alone: {t_fold:.2f} s")
    print(f"  check_content: {t_check:.2f} s -> {len(items) / t_check:,.0f} posts/s; {len(hits):,} hits {by_kind} "
          f"(planted {planted:,})")
    print(f"  peak RSS {peak_rss_mb():.0f} MiB")
    assert len(hits) == planted, (len(hits), planted)


if __name__ == "__main__":
    main()
