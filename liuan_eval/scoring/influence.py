"""C18: influence indices per account, in the spirit of the public WCI/BCI formulas.

For each account in operation during the period, over its days in operation ``D``, with
``x_k`` its totals of posts, reposts, comments, likes and reads (plays on video platforms):

    index(w) = 100 × Σ_k w_k · ln(1 + x_k / D) / Σ_k w_k

A measure the account's platform does not publish (no read counts on Weibo: every value missing
for the account) is left out and the weights renormalised over the others.

Two indices come from this one formula:

``influence`` (ranked overall: ``influence_rank``)
    with the preset's common ``C18.params.weights``, so every platform stands on one log scale;
``platform_influence`` (ranked within its platform: ``influence_platform_rank``)
    with the weights of the account's own platform, ``C18.params.platform_weights.<platform>``
    (the common weights for a platform not listed): what counts on each platform, as its public
    index counts it — reposts and comments on Weibo (BCI), reads on WeChat (WCI) and on apps and
    news feeds, likes and plays on the short-video platforms. Only accounts of one platform are
    compared with it.

It produces scores and ranks, not findings.
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


def _platform_weights_ok(v: dict) -> bool:
    from liuan_eval.schemas import PLATFORM_LABELS

    return isinstance(v, dict) and set(v) <= set(PLATFORM_LABELS) and all(
        isinstance(w, dict) and _weights_ok(w) for w in v.values())


@criterion("C18", needs=[needs("accounts"), needs("posts")], gives="scores",
           params={"weights": param(dict, _weights_ok, "posts、reposts、comments、likes、reads 的权重表（均 ≥ 0）",
                                    "a table of posts/reposts/comments/likes/reads weights >= 0"),
                   "platform_weights": param(dict, _platform_weights_ok,
                                             "平台代码 → posts、reposts、comments、likes、reads 的权重表（均 ≥ 0）",
                                             "platform code -> a table of measure weights >= 0")})
def influence_index(ctx: Context, weights: dict[str, float],
                    platform_weights: dict[str, dict[str, float]] | None = None) -> pd.DataFrame:
    """Influence per account in operation: ``account_id, influence, influence_rank, platform_influence,
    influence_platform_rank`` (see the module docstring for both indices).

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
    >>> p = load_criteria()["C18"].params
    >>> influence_index(ctx, p["weights"], p["platform_weights"])["influence_platform_rank"].tolist()
    [1, 1]
    """
    acc = ctx.active_accounts()
    num, avail = influence_measures(ctx, weights, platform_weights)
    return influence_from_measures(acc, num, avail, weights, platform_weights)


def influence_measures(ctx: Context, weights: dict[str, float],
                       platform_weights: dict[str, dict[str, float]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each active account's measures (posts, sums of counts) and whether it has them, from its own posts:
    computed where the account's posts are (one partition), ranked over all accounts by
    :func:`influence_from_measures`."""
    acc = ctx.active_accounts()
    posts = ctx.posts if ctx.posts is not None else pd.DataFrame({"account_id": pd.Series([], dtype="str")})
    p = posts[posts["account_id"].isin(acc["account_id"].unique())]
    # only the posts of the days in operation (D): an account's posts after it closed (or before it opened)
    # would inflate its daily averages
    span = acc.drop_duplicates("account_id").set_index("account_id")[["active_start", "active_end"]]
    if len(p) and "published_at" in p.columns:
        a0 = p["account_id"].map(span["active_start"])
        a1 = p["account_id"].map(span["active_end"])
        p = p[((p["published_at"] >= a0) & (p["published_at"] < a1)).fillna(False).to_numpy(dtype=bool)]
    g = p.groupby("account_id")
    num = pd.DataFrame(index=acc["account_id"])
    avail = pd.DataFrame(index=acc["account_id"])
    platform_weights = platform_weights or {}
    used = set(weights) | {k for w in platform_weights.values() for k in w}
    for k, col in MEASURES.items():
        if k not in used:
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
    return num, avail


def influence_from_measures(acc: pd.DataFrame, num: pd.DataFrame, avail: pd.DataFrame, weights: dict[str, float],
                            platform_weights: dict[str, dict[str, float]] | None = None) -> pd.DataFrame:
    """The index and the ranks of :func:`influence_index` from the accounts' measures (rows: ``acc``'s accounts)."""
    platform_weights = platform_weights or {}
    num, avail = num.reindex(acc["account_id"]), avail.reindex(acc["account_id"])
    days = ((acc["active_end"] - acc["active_start"]).dt.days).clip(lower=1).to_numpy(dtype=float)
    logs = np.log1p(num.to_numpy(dtype=float) / days[:, None])
    has = avail.to_numpy(dtype=bool)
    common = np.broadcast_to(np.array([float(weights.get(k, 0.0)) for k in num.columns]), logs.shape)
    plat = acc["platform"].astype("str").to_numpy()
    table = pd.DataFrame({p: {k: float(w.get(k, 0.0)) for k in num.columns} for p, w in platform_weights.items()},
                         index=list(num.columns)).T
    own = table.reindex(plat).to_numpy(dtype=float) if len(table.columns) else np.full(logs.shape, np.nan)
    own = np.where(np.isnan(own).all(axis=1, keepdims=True), common, np.nan_to_num(own))
    out = pd.DataFrame({"account_id": acc["account_id"].to_numpy(), "platform": plat,
                        "influence": np.round(_index(logs, has, common), 2),
                        "platform_influence": np.round(_index(logs, has, own), 2)})
    out["influence_rank"] = out["influence"].rank(ascending=False, method="min").astype("Int64")
    out["influence_platform_rank"] = out.groupby("platform")["platform_influence"].rank(
        ascending=False, method="min").astype("Int64")
    return out[["account_id", "influence", "influence_rank", "platform_influence", "influence_platform_rank"]]


def _index(logs: np.ndarray, has: np.ndarray, w: np.ndarray) -> np.ndarray:
    """100 × Σ w·log / Σ w over the measures each account has (rows: accounts, columns: measures)."""
    wa = has * w
    denom = wa.sum(axis=1)
    return 100 * np.where(denom > 0, (logs * wa).sum(axis=1) / np.where(denom > 0, denom, 1), 0.0)
