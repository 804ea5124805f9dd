"""Benchmarks: ``make bench`` runs every ``benchmarks/bench_*.py`` in turn.

Each module defines ``main() -> None`` and prints its own figures and ratios.
``python -m benchmarks ingest`` runs only the modules whose name contains ``ingest``.
"""
