"""The loaded data set: six canonical tables, the quarantine and the load report."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from liuan_eval.schemas import LOAD_REPORT_COLUMNS, QUARANTINE_COLUMNS, TABLES

TABLE_NAMES = tuple(TABLES)


@dataclass
class Dataset:
    """What :func:`liuan_eval.load` returns.

    Attributes
    ----------
    accounts, posts, messages, filings, releases, incidents : pandas.DataFrame or None
        Clean canonical tables (columns as in :mod:`liuan_eval.schemas`); ``None`` when
        the folder had no file for the table.
    quarantine : pandas.DataFrame
        Every unusable input row: ``table, file, line, column, value, reason``.
    load_report : pandas.DataFrame
        One row per input file: rows read, clean, quarantined and duplicates removed.
    source : pathlib.Path or None
        The folder the tables were read from.
    caveats : list of str
        Things an analyst must know about the data (fallbacks, assumptions).
    provenance : dict of pandas.DataFrame
        Per table, the ``file, sheet, line`` each clean row came from (aligned with it).
    notes : list of dict
        What the readers saw and assumed (title rows, sheets skipped, ids restored, ...).
    errors : list of (str, liuan_eval.io.InputError)
        Files left out by ``load(..., errors="collect")``.
    columns_given : dict of frozenset
        Per table read from files, the canonical columns some file had a header for: a column
        outside it was not in the export at all (its cells are empty because nobody exported
        them, not because nothing was done). A table without an entry (a Dataset built in
        memory) counts every column of its frame as given.
    """

    accounts: pd.DataFrame | None = None
    posts: pd.DataFrame | None = None
    messages: pd.DataFrame | None = None
    filings: pd.DataFrame | None = None
    releases: pd.DataFrame | None = None
    incidents: pd.DataFrame | None = None
    quarantine: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS))
    load_report: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=LOAD_REPORT_COLUMNS))
    source: Path | None = None
    caveats: list[str] = field(default_factory=list)
    provenance: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)
    errors: list = field(default_factory=list)
    columns_given: dict[str, frozenset] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table called ``name`` (one of :data:`TABLE_NAMES`)."""
        if name not in TABLE_NAMES:
            raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLE_NAMES)}")
        return getattr(self, name)

    def tables(self) -> dict[str, pd.DataFrame | None]:
        """All six tables by name."""
        return {name: getattr(self, name) for name in TABLE_NAMES}
