"""Text preparation shared by the message-intelligence models.

Everything here is vectorised over a whole column: whitespace padding (the real
message boards pad cells with newlines and tabs) is squeezed, full-width ASCII folded,
and title and body joined. jieba is initialised once, silently, on first use.

Examples
--------
>>> import pandas as pd
>>> normalize_text(pd.Series(["\\n\\t 尊敬的领导：  路灯坏了 ", None])).tolist()
['尊敬的领导: 路灯坏了', '']
>>> jieba_tokens("小区路灯坏了")[:2]
['小区', '路灯']
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

_JIEBA = None
_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_ZW = "[\u200b\u200c\u200d\u2060\ufeff]"


def get_jieba():
    """The jieba module, initialised once with its start-up messages silenced."""
    global _JIEBA
    if _JIEBA is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _JIEBA = jieba
    return _JIEBA


def jieba_tokens(text: str) -> list[str]:
    """Words of ``text`` by jieba (accurate mode), spaces and punctuation dropped.

    Used as a scikit-learn ``analyzer``; it is a module-level function so fitted
    models pickle.

    Examples
    --------
    >>> jieba_tokens("投诉 物业，乱收停车费！")
    ['投诉', '物业', '乱收', '停车费']
    """
    return [w for w in get_jieba().lcut(text) if _WORD.match(w)]


_WORD = re.compile(r"^[\w\u4e00-\u9fff]+$")


def normalize_text(values: Iterable | pd.Series) -> pd.Series:
    """Squeeze whitespace and zero-width characters, fold full-width ASCII; NA -> ``""``.

    Parameters
    ----------
    values : iterable of str or pandas.Series
        Raw texts.

    Returns
    -------
    pandas.Series
        ``str`` dtype, same index as ``values`` when it is a Series.

    Examples
    --------
    >>> normalize_text(["ＡＢＣ１２３　好"]).tolist()
    ['ABC123 好']
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    s = s.astype("str").fillna("")
    s = s.str.replace(_ZW, "", regex=True).str.translate(_FULLWIDTH)
    return s.str.replace(r"\s+", " ", regex=True).str.strip()


def as_title_body(X, title_col: str = "title", text_col: str = "text") -> tuple[np.ndarray, np.ndarray]:
    """Split the input of a text estimator into (titles, bodies) as object arrays.

    ``X`` may be a DataFrame holding ``title_col`` and/or ``text_col``, a 2-column
    array (title, text), or a 1-D sequence of texts (then the titles are empty).

    Examples
    --------
    >>> t, b = as_title_body(["路灯坏了"])
    >>> (t.tolist(), b.tolist())
    ([''], ['路灯坏了'])
    """
    if isinstance(X, pd.DataFrame):
        n = len(X)
        title = X[title_col] if title_col in X.columns else pd.Series([""] * n, index=X.index)
        if text_col in X.columns:
            body = X[text_col]
        elif X.shape[1] == 1 and title_col not in X.columns:
            body = X.iloc[:, 0]
        else:
            body = pd.Series([""] * n, index=X.index)
        if title_col not in X.columns and text_col not in X.columns and X.shape[1] == 2:
            title, body = X.iloc[:, 0], X.iloc[:, 1]
    elif isinstance(X, pd.Series):
        title, body = pd.Series([""] * len(X), index=X.index), X
    else:
        arr = np.asarray(X, dtype=object)
        if arr.ndim == 2 and arr.shape[1] == 2:
            title, body = pd.Series(arr[:, 0]), pd.Series(arr[:, 1])
        elif arr.ndim == 2 and arr.shape[1] == 1:
            title, body = pd.Series([""] * len(arr)), pd.Series(arr[:, 0])
        elif arr.ndim == 1:
            title, body = pd.Series([""] * len(arr)), pd.Series(arr)
        else:
            raise ValueError(
                f"expected texts as a 1-D sequence, a (title, text) pair of columns or a DataFrame; "
                f"got an array of shape {arr.shape}")
    return (np.asarray(normalize_text(title), dtype=object),
            np.asarray(normalize_text(body), dtype=object))


def joined(titles: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
    """Title and body joined by a space (object array).

    Examples
    --------
    >>> joined(["路灯"], ["坏了"]).tolist()
    ['路灯 坏了']
    """
    t = pd.Series(np.asarray(titles, dtype=object), dtype="str")
    b = pd.Series(np.asarray(bodies, dtype=object), dtype="str")
    return np.asarray((t + " " + b).str.strip(), dtype=object)
