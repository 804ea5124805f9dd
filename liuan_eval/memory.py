"""Giving freed memory back between the big steps of a run.

pandas' text columns live in pyarrow buffers, allocated by pyarrow's memory pool (mimalloc or
jemalloc), which keeps freed blocks for reuse instead of returning them to the system: after a
step that made and dropped gigabytes of temporary text, the process keeps that size, and the next
step's peak sits on top of it. :func:`release_memory` hands the unused blocks back; the run calls it
between stages and the loader after each table.

Examples
--------
>>> release_memory()
"""
from __future__ import annotations


def release_memory() -> None:
    """Return the pyarrow memory pool's unused blocks to the system (cheap when there are none)."""
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pragma: no cover - no pyarrow, or a pool without it
        pass


__all__ = ["release_memory"]
