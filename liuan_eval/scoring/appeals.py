"""Findings numbered for the units' notices, and the findings withdrawn on an accepted appeal.

Every finding has a stable number, ``finding_id`` (``C15-1a2b3c4d``: its criterion and a hash of
unit, account, window and sentence), so the same data give the same numbers in every run and a
returned notice (``liuan-eval run --responses``) names the finding it answers. A finding whose
appeal the office accepted (核定结果 ``申诉成立``) is withdrawn before anything is derived from the
findings: its deduction is restored, it leaves the lists, and it is kept with the reason in the
assessment's ``withdrawn`` table (the report's method section and workbook show it).

Examples
--------
>>> import pandas as pd
>>> f = pd.DataFrame({"criterion": ["C15", "C07"], "unit": ["金安区", "金安区"], "account_id": ["a", "a"],
...                   "window_start": ["2025-03-02", "2025-01-01"], "window_end": ["2025-03-16", "2025-12-31"],
...                   "explanation": ["x", "y"], "points": [3.0, 3.0]})
>>> ids = finding_ids(f)
>>> kept, gone = withdraw(f, pd.DataFrame({"finding_id": [ids[0]], "appeal_reason": ["当期有发布，截图为证"]}))
>>> kept["criterion"].tolist(), gone[["criterion", "appeal_reason"]].values.tolist()
(['C07'], [['C15', '当期有发布，截图为证']])
"""
from __future__ import annotations

import hashlib

import pandas as pd

#: Columns of the assessment's ``withdrawn`` table beyond the findings' own.
WITHDRAWN_EXTRA = ["finding_id", "appeal_reason", "decision", "file", "row"]


def finding_ids(findings: pd.DataFrame | None) -> pd.Series:
    """A stable number for each finding: its criterion and a hash of unit, account, window and sentence.

    Identical findings (the same sentence twice) are told apart by ``-1``, ``-2`` in order.

    Examples
    --------
    >>> f = pd.DataFrame({"criterion": ["C15"], "unit": ["金安区"], "account_id": ["a"],
    ...                   "window_start": ["2025-03-02"], "window_end": ["2025-03-16"], "explanation": ["x"]})
    >>> finding_ids(f).str.len().tolist()
    [12]
    """
    if findings is None or findings.empty:
        return pd.Series([], dtype="str")
    parts = [findings[c].astype("str").fillna("") for c in ("unit", "account_id", "window_start", "window_end",
                                                           "explanation")]
    keys = parts[0].str.cat(parts[1:], sep="|")
    digest = keys.map(lambda k: hashlib.sha1(k.encode("utf-8")).hexdigest()[:8])
    ids = findings["criterion"].astype("str") + "-" + digest
    dup = ids.duplicated(keep=False)
    if dup.any():
        ids = ids.where(~dup, ids + "-" + (ids.groupby(ids).cumcount() + 1).astype("str"))
    return ids.astype("str")


def withdraw(findings: pd.DataFrame, accepted: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``findings`` into those kept and those withdrawn on an accepted appeal.

    Parameters
    ----------
    findings : DataFrame
        The findings as the indicators gave them.
    accepted : DataFrame or None
        ``finding_id`` and ``appeal_reason`` (and optionally ``decision``, ``file``, ``row``) of the
        appeals the office accepted.

    Returns
    -------
    (kept, withdrawn)
        ``kept`` has the findings' columns; ``withdrawn`` the withdrawn findings with
        :data:`WITHDRAWN_EXTRA` appended.
    """
    ids = finding_ids(findings)
    if accepted is None or accepted.empty or findings.empty:
        empty = findings.iloc[:0].assign(**{c: pd.Series([], dtype="str") for c in WITHDRAWN_EXTRA})
        return findings, empty
    acc = accepted.drop_duplicates("finding_id").set_index("finding_id")
    hit = ids.isin(acc.index).to_numpy()
    gone = findings[hit].copy()
    gid = ids[hit]
    gone["finding_id"] = gid.to_numpy()
    for c in WITHDRAWN_EXTRA[1:]:
        values = gid.map(acc[c]) if c in acc.columns else pd.Series("", index=gid.index)
        gone[c] = values.astype("str").fillna("").to_numpy()
    return findings[~hit], gone.reset_index(drop=True)


__all__ = ["WITHDRAWN_EXTRA", "finding_ids", "withdraw"]
