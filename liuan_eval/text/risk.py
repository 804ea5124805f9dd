"""Risk of each message: a level and the reasons for it.

Reasons, each worth points:

* ``负面情绪`` — the message's sentiment is negative (1 point);
* a sensitive matter from the editable lexicon ``risk_lexicon.toml`` (mass incidents,
  safety, petitions, demolition, wage arrears, pollution, school and hospital
  incidents…), worth the category's ``weight`` (1 or 2);
* ``重复投诉`` — the same user wrote ``repeat_min`` or more messages to the same unit
  on the same topic in the table (1 point).

``risk_level`` is ``"none"`` (0 points), ``"low"`` (1), ``"medium"`` (2) or ``"high"``
(3 or more); ``risk_reasons`` lists the reasons in Chinese, separated by ``；``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.text._toml import read_table_toml
from liuan_eval.text.features import model_text

RISK_LEVELS = ("none", "low", "medium", "high")
RISK_LEVEL_LABELS = {"none": "无", "low": "低", "medium": "中", "high": "高"}


@dataclass(frozen=True)
class RiskCategory:
    """One sensitive matter: code, Chinese label, weight and words."""

    code: str
    label: str
    weight: int
    words: tuple[str, ...]


def load_lexicon(path: str | Path | None = None) -> list[RiskCategory]:
    """Read a risk lexicon (TOML); ``None`` reads the one shipped with the package.

    Examples
    --------
    >>> cats = load_lexicon()
    >>> [c.code for c in cats][:3]
    ['mass_incident', 'safety', 'petition']
    """
    data, src = read_table_toml(path, "risk_lexicon.toml")
    cats = []
    for code, item in data.items():
        if not isinstance(item, dict) or not item.get("words"):
            raise ValueError(f"{src}: [{code}] needs a non-empty `words` list")
        cats.append(RiskCategory(code, str(item.get("label", code)), int(item.get("weight", 1)),
                                 tuple(str(w) for w in item["words"])))
    return cats


def assess_risk(messages: pd.DataFrame, sentiment: pd.Series | None = None, *,
                lexicon: list[RiskCategory] | str | Path | None = None,
                repeat_min: int = 2) -> pd.DataFrame:
    """Risk level and reasons of each message.

    Parameters
    ----------
    messages : pandas.DataFrame
        Canonical messages (``title``, ``text``; ``user``, ``unit``, ``topic`` when present).
    sentiment : pandas.Series, optional
        ``positive``/``neutral``/``negative`` aligned with ``messages``.
    lexicon : list of RiskCategory or path, optional
        Sensitive matters; default the shipped ``risk_lexicon.toml``.
    repeat_min : int
        Messages by one user to one unit on one topic that make a repeated complaint.

    Returns
    -------
    pandas.DataFrame
        Same index: ``risk_level`` (none/low/medium/high), ``risk_points``, ``risk_reasons``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"title": ["工地拖欠工资", "建议增设公交线路"], "text": ["", ""]})
    >>> r = assess_risk(m, pd.Series(["negative", "neutral"]))
    >>> r["risk_level"].tolist(), r["risk_reasons"].tolist()
    (['high', 'none'], ['负面情绪；拖欠工资', ''])
    """
    n = len(messages)
    idx = messages.index
    doc = model_text(messages["title"] if "title" in messages else pd.Series([""] * n, index=idx))
    if "text" in messages:
        doc = doc + " " + model_text(messages["text"])
    return _assess_risk(messages, doc, sentiment, lexicon=lexicon, repeat_min=repeat_min)


def _assess_risk(messages: pd.DataFrame, doc: pd.Series, sentiment=None, *, lexicon=None,
                 repeat_min: int = 2) -> pd.DataFrame:
    """:func:`assess_risk` given ``doc``, the prepared title and text (``model_text``) joined by a space."""
    if not isinstance(lexicon, list):
        lexicon = load_lexicon(lexicon)
    n = len(messages)
    idx = messages.index
    points = np.zeros(n, dtype=np.int64)
    reasons = []
    if sentiment is not None:
        neg = np.asarray(pd.Series(sentiment).astype("str").fillna("") == "negative")
        points += neg
        reasons.append(np.where(neg, "负面情绪", ""))
    for cat in lexicon:
        hit = doc.str.contains("|".join(re.escape(w) for w in cat.words), regex=True).to_numpy()
        points += hit * cat.weight
        reasons.append(np.where(hit, cat.label, ""))
    if "user" in messages.columns and n:
        keys = [c for c in ("user", "unit", "topic") if c in messages.columns]
        g = messages[keys].astype("str").fillna("（空）")
        size = g.groupby(keys, sort=False)[keys[0]].transform("size").to_numpy()
        rep = (size >= repeat_min) & messages["user"].notna().to_numpy()
        points += rep
        reasons.append(np.where(rep, "重复投诉", ""))
    level = np.asarray(RISK_LEVELS)[np.minimum(points, 3)]
    if reasons:
        first = pd.Series(reasons[0], dtype="str")
        joined = first.str.cat([pd.Series(r, dtype="str") for r in reasons[1:]], sep="；")
        joined = joined.str.replace(r"；+", "；", regex=True).str.strip("；")
    else:
        joined = pd.Series([""] * n)
    return pd.DataFrame({"risk_level": pd.array(level, dtype="str"), "risk_points": points,
                         "risk_reasons": pd.array(joined.to_numpy(), dtype="str")}, index=idx)
