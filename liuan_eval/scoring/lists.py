"""Counting the rectification (通报整改) and closure (关停) lists.

The ``score`` command's summary and the report's key figures count the lists the same way,
with these two functions: accounts named, and units named for unit-level problems (rows
without an account).
"""
from __future__ import annotations

import pandas as pd


def _account_ids(frame: pd.DataFrame | None) -> pd.Series:
    if frame is None or frame.empty or "account_id" not in frame:
        return pd.Series([], dtype="str")
    ids = frame["account_id"].astype("str").str.strip()
    return ids[ids.notna() & ids.ne("")]


def named_accounts(frame: pd.DataFrame | None) -> int:
    """Distinct accounts on a rectification or closure list (unit-level rows have no account).

    Examples
    --------
    >>> named_accounts(pd.DataFrame({"unit": ["甲", "甲", "乙"], "account_id": ["a", "a", ""]}))
    1
    """
    return int(_account_ids(frame).nunique())


def named_units(frame: pd.DataFrame | None) -> int:
    """Distinct units named on a list for unit-level problems (rows without an account).

    Examples
    --------
    >>> named_units(pd.DataFrame({"unit": ["甲", "乙"], "account_id": ["a", None]}))
    1
    """
    if frame is None or frame.empty:
        return 0
    ids = frame["account_id"].astype("str").str.strip() if "account_id" in frame else None
    unit_level = ids.isna() | ids.eq("") if ids is not None else pd.Series(True, index=frame.index)
    return int(frame.loc[unit_level.fillna(True).to_numpy(), "unit"].nunique())


__all__ = ["named_accounts", "named_units"]
