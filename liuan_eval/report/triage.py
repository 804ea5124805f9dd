"""Weekly message triage: classify a new batch, then filter it by department, risk and hot issue.

Used by ``notebooks/exploratory/01-message-triage.ipynb``; :func:`triage_table` is the
filter (vectorised, testable), :func:`triage_widget` wraps it in ipywidgets drop-downs.

Examples
--------
>>> import pandas as pd
>>> m = pd.DataFrame({"message_id": ["1", "2", "3"], "department": ["市教育局", "市交通运输局", "市教育局"],
...                   "risk_level": ["high", "low", "low"], "title": ["甲", "乙", "丙"]})
>>> triage_table(m, department="市教育局")["message_id"].tolist()
['1', '3']
>>> hot = pd.DataFrame({"hot_issue": [1], "title": ["甲"], "message_ids": [["1", "2"]]})
>>> triage_table(m, hot, hot_issue=1)["message_id"].tolist()
['1', '2']
"""
from __future__ import annotations

import pandas as pd

from liuan_eval.output import mask_frame

ALL = "（全部）"
RISK_CHOICES = {"high": "高", "medium": "中", "low": "低", "none": "无"}
SHOWN = ["message_id", "received_at", "unit", "title", "topic", "topic_confidence", "department", "sentiment",
         "risk_level", "risk_reasons", "replied_at"]


def hot_membership(hot: pd.DataFrame | None) -> pd.DataFrame:
    """``message_id → hot_issue`` pairs from :func:`liuan_eval.find_hot_issues`' ``message_ids`` lists.

    Examples
    --------
    >>> hot_membership(pd.DataFrame({"hot_issue": [1, 2], "message_ids": [["a"], ["b", "c"]]}))["message_id"].tolist()
    ['a', 'b', 'c']
    """
    if hot is None or hot.empty or "message_ids" not in hot:
        return pd.DataFrame({"message_id": pd.Series([], dtype="str"), "hot_issue": pd.Series([], dtype="int64")})
    key = hot["hot_issue"] if "hot_issue" in hot else pd.Series(range(1, len(hot) + 1), index=hot.index)
    pairs = pd.DataFrame({"hot_issue": key.to_numpy(), "message_id": hot["message_ids"].to_numpy()}).explode(
        "message_id")
    pairs = pairs.dropna(subset=["message_id"])
    return pairs.assign(message_id=pairs["message_id"].astype("str"))[["message_id", "hot_issue"]].reset_index(
        drop=True)


def triage_table(messages: pd.DataFrame, hot: pd.DataFrame | None = None, *, department: str | None = None,
                 risk: str | None = None, hot_issue=None) -> pd.DataFrame:
    """The messages matching every filter given (``None`` or ``"（全部）"`` = no filter).

    Parameters
    ----------
    messages : DataFrame
        Classified messages (:func:`liuan_eval.classify_messages`).
    hot : DataFrame, optional
        :func:`liuan_eval.find_hot_issues` of the same messages.
    department : str, optional
        Keep messages routed to this body (``department`` column).
    risk : str, optional
        ``high``/``medium``/``low``/``none`` (or 高/中/低/无).
    hot_issue : optional
        Keep members of this hot issue (its ``hot_issue`` number).

    Returns
    -------
    DataFrame
        Sorted by risk (high first) then time; personal data masked.
    """
    m = messages
    keep = pd.Series(True, index=m.index)
    if department not in (None, ALL) and "department" in m:
        keep &= m["department"].astype("str").eq(department).fillna(False)
    if risk not in (None, ALL) and "risk_level" in m:
        code = {v: k for k, v in RISK_CHOICES.items()}.get(risk, risk)
        keep &= m["risk_level"].astype("str").eq(code).fillna(False)
    if hot_issue not in (None, ALL):
        members = hot_membership(hot)
        ids = members.loc[members["hot_issue"].astype("str") == str(hot_issue), "message_id"]
        keep &= m["message_id"].astype("str").isin(ids)
    out = m[keep.to_numpy()]
    order = list(RISK_CHOICES)
    if "risk_level" in out:
        rank = out["risk_level"].astype("str").map({k: i for i, k in enumerate(order)}).fillna(len(order))
        out = out.assign(_r=rank.to_numpy())
        sort = ["_r"] + [c for c in ("received_at", "message_id") if c in out]
        out = out.sort_values(sort, kind="stable").drop(columns="_r")
    cols = [c for c in SHOWN if c in out.columns]
    return mask_frame(out[cols].reset_index(drop=True))


#: Columns of the list of messages to confirm first (and the verdict columns the analyst fills in).
CONFIRM_SHOWN = ["confirm_rank", "message_id", "received_at", "title", "topic", "topic_confidence", "department",
                 "confirmed_topic", "confirmed_department"]
CONFIRM_LABELS = {"confirm_rank": "核定顺序", "confirmed_topic": "核定主题", "confirmed_department": "核定承办单位",
                  "return_reason": "退回原因"}


def confirmation_table(messages: pd.DataFrame) -> pd.DataFrame:
    """The messages marked for confirmation (``confirm_rank``, see
    :func:`liuan_eval.text.learn.mark_for_confirmation`), in the order to confirm them.

    Examples
    --------
    >>> m = pd.DataFrame({"message_id": ["1", "2", "3"], "title": ["甲", "乙", "丙"],
    ...                   "confirm_rank": pd.array([2, None, 1], dtype="Int64")})
    >>> confirmation_table(m)["message_id"].tolist()
    ['3', '1']
    """
    if "confirm_rank" not in messages:
        return pd.DataFrame(columns=[c for c in CONFIRM_SHOWN if c in messages.columns])
    out = messages[messages["confirm_rank"].notna().to_numpy(dtype=bool)].sort_values("confirm_rank", kind="stable")
    out = out.assign(**{c: pd.Series(pd.NA, index=out.index, dtype="str") for c in CONFIRM_SHOWN[-2:]
                        if c not in out.columns})
    return mask_frame(out[[c for c in CONFIRM_SHOWN if c in out.columns]].reset_index(drop=True))


def triage_widget(messages: pd.DataFrame, hot: pd.DataFrame | None = None, limit: int = 50):
    """Drop-downs for department, risk and hot issue above the filtered message table."""
    import ipywidgets as w
    from IPython.display import display

    from liuan_eval.report.sections import html_table

    depts = sorted(messages["department"].dropna().astype("str").unique()) if "department" in messages else []
    hot_opts = [(ALL, ALL)]
    if hot is not None and len(hot):
        label = hot["title"].astype("str") if "title" in hot else hot["hot_issue"].astype("str")
        hot_opts += [(f"{k}：{t[:24]}（{n}条）", k) for k, t, n in zip(hot["hot_issue"], label, hot["count"])]
    dept = w.Dropdown(options=[ALL, *depts], description="承办部门")
    risk = w.Dropdown(options=[ALL, *RISK_CHOICES.values()], description="风险等级")
    issue = w.Dropdown(options=hot_opts, description="热点问题")
    out = w.Output()

    def refresh(*_):
        table = triage_table(messages, hot, department=dept.value, risk=risk.value, hot_issue=issue.value)
        out.clear_output()
        with out:
            from IPython.display import HTML

            display(HTML(f"<p>符合条件的留言 {len(table)} 条</p>" + html_table(table, limit=limit)))

    for control in (dept, risk, issue):
        control.observe(refresh, names="value")
    refresh()
    return w.VBox([w.HBox([dept, risk, issue]), out])
