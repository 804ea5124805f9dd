"""C18: an influence index per account, in the spirit of the public WCI/BCI formulas.

For each account in operation during the period, over its days in operation ``D``:

    index = 100 × Σ_k w_k · ln(1 + x_k / D) / Σ_k w_k

with ``x_k`` the totals of posts, reposts, comments, likes and reads (``w_k`` from the
preset's ``C18.params.weights``). A measure a platform does not have (no read counts on
Weibo: every value missing for the account) is left out and the weights renormalised over
the others, so Weibo, WeChat and app accounts stand on one log scale and can be ranked
within and across platforms. It produces scores and ranks, not findings.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from liuan_eval.scoring._common import Context
from liuan_eval.scoring.declare import criterion, needs, param

MEASURES = {"posts": None, "reposts": "repost_count", "comments": "comment_count", "likes": "like_count",
            "reads": "read_count"}


def _weights_ok(v: dict) -> bool:
    return bool(v) and set(v) <= set(MEASURES) and all(isinstance(x, int | float) and not isinstance(x, bool)
                                                        and x >= 0 for x in v.values())


@criterion("C18", needs=[needs("accounts"), needs("posts")], gives="scores",
           params={"weights": param(dict, _weights_ok, "posts、reposts、comments、likes、reads 的权重表（均 ≥ 0）",
                                    "a table of posts/reposts/comments/likes/reads weights >= 0")})
def influence_index(ctx: Context, weights: dict[str, float]) -> pd.DataFrame:
    """Influence per account in operation: ``account_id, influence, influence_rank, influence_platform_rank``.

    Grouped sums over posts, one vectorised pass; ranks are 1 for the most influential
    (ties share the better rank).

    Examples
    --------
    >>> import pandas as pd
    >>> from liuan_eval.criteria import load_criteria
    >>> from liuan_eval.dataset import Dataset
    >>> from liuan_eval.scoring._common import build_context
    >>> acc = pd.DataFrame({"unit": "金安区", "unit_type": "county", "platform": ["weibo", "wechat"],
    ...     "account_id": ["W", "X"], "account_name": ["金安区人民政府发布"] * 2,
    ...     "opened_at": pd.Timestamp("2016-01-01", tz="Asia/Shanghai")})
    >>> posts = pd.DataFrame({"account_id": ["W", "X", "X"], "platform": ["weibo", "wechat", "wechat"],
    ...     "post_id": ["1", "2", "3"], "published_at": pd.Timestamp("2025-05-01 09:00", tz="Asia/Shanghai"),
    ...     "like_count": pd.array([10, 3, 3], dtype="Int64"), "read_count": pd.array([None, 900, 800], dtype="Int64")})
    >>> ctx = build_context(Dataset(accounts=acc, posts=posts), 2025, load_criteria())
    >>> influence_index(ctx, load_criteria()["C18"].params["weights"])["influence_rank"].tolist()
    [2, 1]
    """
    acc = ctx.active_accounts()
    days = ((acc["active_end"] - acc["active_start"]).dt.days).clip(lower=1).to_numpy(dtype=float)
    posts = ctx.posts if ctx.posts is not None else pd.DataFrame({"account_id": pd.Series([], dtype="str")})
    p = posts[posts["account_id"].isin(acc["account_id"].unique())]
    g = p.groupby("account_id")
    num = pd.DataFrame(index=acc["account_id"])
    avail = pd.DataFrame(index=acc["account_id"])
    for k, col in MEASURES.items():
        if k not in weights:
            continue
        if col is None:
            num[k] = g.size().reindex(num.index, fill_value=0).astype(float)
            avail[k] = True
        elif col in p.columns:
            num[k] = g[col].sum(min_count=1).reindex(num.index).astype("Float64").fillna(0).astype(float)
            avail[k] = g[col].count().reindex(num.index, fill_value=0) > 0
            avail[k] = avail[k] | (num["posts"] == 0) if "posts" in num else avail[k]
        else:
            num[k], avail[k] = 0.0, False
    w = pd.Series({k: weights[k] for k in num.columns}, dtype=float)
    logs = np.log1p(num.to_numpy(dtype=float) / days[:, None])
    wa = avail.to_numpy(dtype=bool) * w.to_numpy(dtype=float)[None, :]
    denom = wa.sum(axis=1)
    index = 100 * np.where(denom > 0, (logs * wa).sum(axis=1) / np.where(denom > 0, denom, 1), 0.0)
    out = pd.DataFrame({"account_id": acc["account_id"].to_numpy(), "platform": acc["platform"].to_numpy(),
                        "influence": np.round(index, 2)})
    out["influence_rank"] = out["influence"].rank(ascending=False, method="min").astype("Int64")
    out["influence_platform_rank"] = out.groupby("platform")["influence"].rank(
        ascending=False, method="min").astype("Int64")
    return out.drop(columns="platform")
