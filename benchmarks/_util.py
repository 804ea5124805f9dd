"""Shared helpers for the benchmarks: where the real data is, and peak memory."""
from __future__ import annotations

import resource
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_DATA = SHARED / "data"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def shared_data_or_none(*parts: str) -> Path | None:
    """The path under ``../shared/data`` or ``None`` (and a message) when absent."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        print(f"skipped: {p} not found (the real data lives beside the project, in ../shared)")
        return None
    return p
