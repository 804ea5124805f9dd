"""Last line of defence for every output file: no citizen's phone or ID number, no formula.

Cleaning (``liuan_eval.clean``) already masks personal data in the input tables; the report
masks again every text column it writes (CSV, Excel, HTML, notebook), because some text —
a quarantined raw value, an evidence sentence quoting a message — may reach the report by
another road. Values that Excel would read as a formula (beginning with ``=``, ``+``, ``-``
or ``@``) are written to the workbook as text (see :mod:`liuan_eval.report.excel`).

Examples
--------
>>> import pandas as pd
>>> from liuan_eval.report.safety import mask_text, mask_frame
>>> mask_text("电话13912345678，身份证34150219900101123X")
'电话139****5678，身份证341502********123X'
>>> mask_frame(pd.DataFrame({"a": ["tel 13912345678"], "n": [13912345678]}))["a"].tolist()
['tel 139****5678']
"""
from __future__ import annotations

import re

import pandas as pd

#: An 11-digit mainland mobile number not embedded in a longer number.
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
#: An 18-character resident ID number not embedded in a longer token.
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
#: First characters that make a spreadsheet cell a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def mask_text(text: str) -> str:
    """Mask mobile numbers (``139****5678``) and ID numbers (``341502********123X``) in ``text``.

    Examples
    --------
    >>> mask_text("no numbers here")
    'no numbers here'
    """
    return ID_RE.sub(r"\1********\2", MOBILE_RE.sub(r"\1****\2", text))


def mask_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`mask_text` over a text Series; other dtypes are returned unchanged.

    Examples
    --------
    >>> mask_series(pd.Series(["a 13812345678", None], dtype="str")).tolist()[0]
    'a 138****5678'
    """
    if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
        return values
    s = values.astype("str")
    masked = s.str.replace(MOBILE_RE, r"\1****\2", regex=True).str.replace(ID_RE, r"\1********\2", regex=True)
    if values.dtype == object:
        # keep non-text objects (lists, numbers) untouched; only strings are masked
        is_text = values.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False).astype(bool)
        return values.where(~is_text, masked.astype(object))
    return masked


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`mask_series` applied to every text column and to the header.

    Examples
    --------
    >>> mask_frame(pd.DataFrame({"x": ["13812345678"]})).iloc[0, 0]
    '138****5678'
    """
    out = frame.copy()
    for col in out.columns:
        out[col] = mask_series(out[col])
    return out
