"""Bursts of messages against a unit's own baseline, and hot issues.

Bursts
------
For every group (by default each ``unit`` × ``topic``) the messages are counted per
period (``freq``, default weekly, Monday–Sunday in Asia/Shanghai). The count ``c`` of a
period is compared with the sum ``S`` of the ``k`` preceding periods (``k`` = up to
``window``, at least ``min_history``). Under the null hypothesis that the group's
message rate did not change, ``c`` given ``c + S`` is Binomial(``c + S``, 1/(k+1)):
the exact conditional test for the equality of two Poisson rates (Przyborowski &
Wilenski, 1940). Its one-sided p-value ``P(X >= c)`` is corrected for the many
(group, period) cells by Benjamini–Hochberg over every cell that has enough history; a burst is a cell with
``c >= min_count`` and corrected ``q <= alpha``. A unit that always receives many messages is
thus not flagged, while a quiet unit whose messages triple is.

Hot issues
----------
Messages are compared by the cosine similarity of TF-IDF character bigrams of their
title and the first ``body_chars`` characters of the text; pairs at or above
``threshold`` are linked. Groups are stars, not chains: round by round, the messages with
the most similar neighbours (and no neighbour with more) become seeds and each other
message joins the seed it is most similar to, so every member is similar to its seed and
templated messages do not chain into one giant group. A hot issue has at
least ``min_messages`` messages from at least ``min_users`` different users (a missing
user counts as a distinct one). Its representative is the member closest to the
group's centroid. The heat score is::

    heat = distinct_users × (1 + log10(1 + likes + opposes))

people who raised the matter, amplified by the votes of those who read it (likes and
opposes are both attention; they are 0 where the columns are absent).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import binom

from liuan_eval.schemas import TIMEZONE
from liuan_eval.text.features import CharNgramTfidf, model_text

UNKNOWN = "（未知）"

BURST_TEST = ("条件二项检验（本期数 vs 前{k}期合计，Poisson 率相等，Benjamini–Hochberg 校正）")


def _naive_local(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts)
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    return ts


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values)."""
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def _check_columns(messages: pd.DataFrame, cols, what: str) -> None:
    missing = [c for c in cols if c not in messages.columns]
    if missing:
        raise KeyError(f"{what}: the messages table has no column(s) {missing}; "
                       f"columns present: {list(messages.columns)}")


def detect_bursts(messages: pd.DataFrame, by=("unit", "topic"), freq: str = "W", *,
                  time_col: str = "received_at", window: int = 8, min_history: int = 4,
                  min_count: int = 3, alpha: float = 0.01) -> pd.DataFrame:
    """Periods in which a group received significantly more messages than its own baseline.

    Parameters
    ----------
    messages : pandas.DataFrame
        Canonical messages (needs ``time_col`` and the ``by`` columns; missing group
        values become ``（未知）``).
    by : sequence of str
        Grouping columns, default ``("unit", "topic")``.
    freq : str
        Period length as a pandas period alias: ``"W"`` (weeks, Monday–Sunday),
        ``"D"``, ``"M"``…
    window : int
        Number of preceding periods forming the baseline.
    min_history : int
        Fewest preceding periods needed before a period is tested.
    min_count : int
        Fewest messages a burst period must hold.
    alpha : float
        False-discovery rate (Benjamini–Hochberg over every cell tested).

    Returns
    -------
    pandas.DataFrame
        One row per burst: the ``by`` columns, ``period_start``, ``period_end``
        (tz-aware), ``count``, ``baseline`` (mean per preceding period), ``ratio``,
        ``p_value``, ``q_value``, ``test``; sorted by ``q_value``.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.date_range("2025-01-06", periods=10 * 7, freq="D", tz="Asia/Shanghai")
    >>> flat = pd.DataFrame({"unit": "金安区", "topic": "城乡建设", "received_at": days})
    >>> spike = pd.DataFrame({"unit": "金安区", "topic": "城乡建设",
    ...                       "received_at": [pd.Timestamp("2025-03-12 10:00", tz="Asia/Shanghai")] * 30})
    >>> detect_bursts(flat).empty
    True
    >>> b = detect_bursts(pd.concat([flat, spike]))
    >>> b[["unit", "count"]].values.tolist(), str(b["period_start"].iloc[0].date())
    ([['金安区', 37]], '2025-03-10')
    """
    by = [by] if isinstance(by, str) else list(by)
    _check_columns(messages, [time_col, *by], "detect_bursts")
    cols = [*by, "period_start", "period_end", "count", "baseline", "ratio", "p_value", "q_value", "test"]
    ts = _naive_local(messages[time_col])
    ok = ts.notna()
    if not ok.any():
        return pd.DataFrame(columns=cols)
    keys = pd.DataFrame({c: messages.loc[ok, c].astype("str").fillna(UNKNOWN) for c in by})
    period = ts[ok].dt.to_period(freq)
    keys["_p"] = period.array
    counts = keys.groupby([*by, "_p"], sort=True).size().unstack("_p", fill_value=0)
    full = pd.period_range(period.min(), period.max(), freq=period.dt.freq)
    counts = counts.reindex(columns=full, fill_value=0)
    C = counts.to_numpy(dtype=np.int64)
    G, T = C.shape
    cs = np.concatenate([np.zeros((G, 1), dtype=np.int64), np.cumsum(C, axis=1)], axis=1)
    t = np.arange(T)
    lo = np.maximum(0, t - window)
    S = cs[:, t] - cs[:, lo]
    k = (t - lo)[None, :].repeat(G, axis=0)
    eligible = k >= min_history
    gi, ti = np.nonzero(eligible)
    c, s, kk = C[gi, ti], S[gi, ti], k[gi, ti]
    # every eligible cell is in the BH family (not only the busy ones: no selection bias)
    p = binom.sf(c - 1, c + s, 1.0 / (kk + 1))
    q = _bh(p)
    hit = (q <= alpha) & (c >= min_count)
    gi, ti, c, s, kk, p, q = gi[hit], ti[hit], c[hit], s[hit], kk[hit], p[hit], q[hit]
    idx = counts.index
    out = pd.DataFrame({col: idx.get_level_values(col)[gi] if isinstance(idx, pd.MultiIndex)
                        else idx[gi] for col in by})
    starts = full[ti].start_time
    ends = full[ti].end_time
    out["period_start"] = pd.DatetimeIndex(starts).tz_localize(TIMEZONE)
    out["period_end"] = pd.DatetimeIndex(ends).floor("s").tz_localize(TIMEZONE)
    out["count"] = c
    out["baseline"] = s / kk
    out["ratio"] = np.where(s > 0, c / np.maximum(s / kk, 1e-12), np.inf)
    out["p_value"] = p
    out["q_value"] = q
    out["test"] = [BURST_TEST.format(k=int(x)) for x in kk]
    return out.sort_values(["q_value", "period_start"], kind="stable").reset_index(drop=True)[cols]


def _similarity_pairs(X: sp.csr_matrix, threshold: float, block: int = 2000,
                      weights: bool = False) -> sp.csr_matrix:
    """Upper-triangular adjacency of rows whose cosine similarity is >= threshold."""
    n = X.shape[0]
    XT = X.T.tocsc()
    rows, cols, vals = [], [], []
    for start in range(0, n, block):  # blocks of rows, each a sparse matrix product
        S = (X[start:start + block] @ XT).tocoo()
        keep = (S.data >= threshold) & (S.col > S.row + start)
        rows.append(S.row[keep] + start)
        cols.append(S.col[keep])
        vals.append(S.data[keep])
    r = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.empty(0, dtype=np.int64)
    v = np.concatenate(vals) if vals else np.empty(0, dtype=np.float32)
    return sp.csr_matrix((v if weights else np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))


def _star_clusters(X: sp.csr_matrix, threshold: float, rounds: int = 20) -> np.ndarray:
    """Cluster label per row: stars around seeds, so that every member is similar to its seed.

    Linking all similar pairs (single linkage) chains templated messages into giant groups;
    here, in each round, the rows that have the most similar neighbours among the rows still
    free (ties by position) and no neighbour with more become seeds, and every free row
    similar to a seed joins the seed it is most similar to. All vectorised; a row with no
    similar neighbour stays alone.
    """
    n = X.shape[0]
    A = _similarity_pairs(X, threshold, weights=True)
    A = (A + A.T).tocoo()
    ei, ej, ew = A.row, A.col, A.data
    label = np.arange(n)
    free = np.ones(n, dtype=bool)
    for _ in range(rounds):
        live = free[ei] & free[ej]
        ei, ej, ew = ei[live], ej[live], ew[live]
        if len(ei) == 0:
            break
        deg = np.bincount(ei, minlength=n)
        key = deg.astype(np.int64) * n + (n - 1 - np.arange(n))
        best_nbr = np.full(n, -1, dtype=np.int64)
        np.maximum.at(best_nbr, ei, key[ej])
        seed = free & (deg > 0) & (key > best_nbr)
        # each free non-seed row joins its most similar seed neighbour
        cand = seed[ej] & ~seed[ei]
        ci, cj, cw = ei[cand], ej[cand], ew[cand]
        order = np.lexsort((-cw, ci))
        ci, cj = ci[order], cj[order]
        first = np.ones(len(ci), dtype=bool)
        first[1:] = ci[1:] != ci[:-1]
        label[ci[first]] = cj[first]
        free[seed] = False
        free[ci[first]] = False
    return label


def find_hot_issues(messages: pd.DataFrame, *, threshold: float = 0.6, min_messages: int = 3,
                    min_users: int = 2, body_chars: int = 120, max_df: float = 0.3) -> pd.DataFrame:
    """Clusters of similar messages from different people, ranked by heat.

    Parameters
    ----------
    messages : pandas.DataFrame
        Canonical messages: ``message_id`` and ``title`` and/or ``text`` are needed;
        ``user``, ``unit``, ``topic``, ``received_at``, ``like_count`` and
        ``oppose_count`` are used when present.
    threshold : float
        Cosine similarity (0–1) at which two messages are linked.
    min_messages, min_users : int
        Fewest messages and distinct users a hot issue must have.
    body_chars : int
        How much of the body joins the title in the comparison.
    max_df : float
        Character bigrams in more than this share of messages are ignored (too common
        to mean anything, and they make the comparison slow).

    Returns
    -------
    pandas.DataFrame
        One row per hot issue, hottest first: ``hot_issue``, ``title``
        (representative), ``representative_id``, ``count``, ``distinct_users``,
        ``first_at``, ``last_at``, ``units``, ``topics``, ``likes``, ``opposes``,
        ``heat``, ``message_ids`` (list).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"message_id": ["1", "2", "3", "4"], "user": ["a", "b", "c", "d"],
    ...     "title": ["汇金路五矿小区噪音扰民严重", "汇金路五矿小区噪音扰民严重！",
    ...               "五矿小区汇金路噪音扰民严重", "学校食堂饭菜质量差"], "text": ""})
    >>> h = find_hot_issues(m)
    >>> h.loc[0, "count"], h.loc[0, "message_ids"]
    (np.int64(3), ['1', '2', '3'])
    """
    _check_columns(messages, ["message_id"], "find_hot_issues")
    cols = ["hot_issue", "title", "representative_id", "count", "distinct_users", "first_at", "last_at",
            "units", "topics", "likes", "opposes", "heat", "message_ids"]
    n = len(messages)

    def col(name, default=""):
        return (messages[name].reset_index(drop=True) if name in messages.columns
                else pd.Series([default] * n))

    title = model_text(col("title"))
    body = model_text(col("text")).str.slice(0, body_chars)
    doc = (title + " " + body).str.strip()
    usable = doc.str.len() >= 4
    if usable.sum() < min_messages:
        return pd.DataFrame(columns=cols)
    pos = np.flatnonzero(usable.to_numpy())
    vec = CharNgramTfidf(ngram_range=(2, 2), max_df=max_df if usable.sum() >= 20 else 1.0)
    X = vec.fit_transform(np.asarray(doc[usable], dtype=object)).tocsr()
    lab = _star_clusters(X, threshold)
    size = np.bincount(lab)
    big = size[lab] >= min_messages
    if not big.any():
        return pd.DataFrame(columns=cols)
    sub = pos[big]
    lab_sub = pd.factorize(lab[big])[0]
    ids = col("message_id").astype("str").iloc[sub].reset_index(drop=True)
    users = col("user", None).astype("str").iloc[sub].reset_index(drop=True)
    users = users.fillna(pd.Series("_anon_" + ids, dtype="str"))
    frame = pd.DataFrame({
        "c": lab_sub, "message_id": ids, "user": users,
        "unit": col("unit", None).astype("str").iloc[sub].reset_index(drop=True),
        "topic": col("topic", None).astype("str").iloc[sub].reset_index(drop=True),
        "title": title.iloc[sub].reset_index(drop=True),
        "received_at": (col("received_at", pd.NaT).iloc[sub].reset_index(drop=True)),
        "likes": pd.to_numeric(col("like_count", 0).iloc[sub], errors="coerce").fillna(0)
        .to_numpy(dtype=float),
        "opposes": pd.to_numeric(col("oppose_count", 0).iloc[sub], errors="coerce").fillna(0)
        .to_numpy(dtype=float),
    })
    Xs = X[np.flatnonzero(big)]
    M = sp.csr_matrix((np.ones(len(lab_sub)), (lab_sub, np.arange(len(lab_sub)))))
    centroid = sp.csr_matrix(M @ Xs)
    frame["closeness"] = np.asarray(Xs.multiply(centroid[lab_sub]).sum(axis=1)).ravel()
    g = frame.groupby("c", sort=True)
    agg = g.agg(count=("message_id", "size"), distinct_users=("user", "nunique"),
                first_at=("received_at", "min"), last_at=("received_at", "max"),
                likes=("likes", "sum"), opposes=("opposes", "sum"))
    agg["message_ids"] = g["message_id"].agg(list)
    agg["units"] = g["unit"].agg(lambda s: "、".join(sorted(s.dropna().unique())))
    agg["topics"] = g["topic"].agg(lambda s: "、".join(sorted(s.dropna().unique())))
    rep = frame.loc[g["closeness"].idxmax()].set_index("c")
    agg["title"] = rep["title"]
    agg["representative_id"] = rep["message_id"]
    agg = agg[(agg["count"] >= min_messages) & (agg["distinct_users"] >= min_users)].copy()
    agg["heat"] = agg["distinct_users"] * (1 + np.log10(1 + agg["likes"] + agg["opposes"]))
    agg = agg.sort_values(["heat", "count"], ascending=False, kind="stable").reset_index(drop=True)
    agg["hot_issue"] = np.arange(1, len(agg) + 1)
    agg["likes"] = agg["likes"].astype("int64")
    agg["opposes"] = agg["opposes"].astype("int64")
    return agg[cols]


__all__ = ["detect_bursts", "find_hot_issues"]
