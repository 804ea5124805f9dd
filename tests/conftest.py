"""Shared test fixtures: where the real data is, and small generated data sets."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip with a message where it is absent."""
    if not SHARED_DATA.exists():
        pytest.skip(f"real data not found at {SHARED_DATA} (it lives beside the project, in ../shared)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory) -> Path:
    """A small generated year (2025, seed 11, scale 0.1) shared by the tests that only read it."""
    from liuan_eval.sample_data import generate_sample

    folder = tmp_path_factory.mktemp("small_sample")
    generate_sample(2025, seed=11, out=folder, scale=0.1)
    return folder
