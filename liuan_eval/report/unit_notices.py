"""Each unit's notice (整改通知), ``reports/<period>/units/<unit>.xlsx``, and its 整改时限.

Examples
--------
>>> import datetime as dt
>>> rectify_deadline(dt.date(2025, 9, 26), 1)        # Friday → Sunday 28 Sept, worked in lieu
datetime.date(2025, 9, 28)
"""
from __future__ import annotations

import datetime as dt
import warnings


def rectify_deadline(issued: dt.date, workdays: int) -> dt.date:
    """整改时限: the day ``workdays`` working days after the date of issue (official calendar).

    Outside the years the calendar covers, Monday to Friday count as working days (the
    report's caveats say so).
    """
    from liuan_eval.workdays import CalendarFallbackWarning, add_workdays

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarFallbackWarning)
        return add_workdays(issued.isoformat(), int(workdays)).date()
