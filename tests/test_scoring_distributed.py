"""The Dask engine (liuan_eval/scoring/distributed.py) gives the pandas engine's assessment, exactly.

The sample year through both engines on a small in-process ``LocalCluster``: the same findings (in
the same order), scores, grades, ranks, lists, repost table, content suspects, not-assessed criteria,
caveats and metrics — read from the files (one partition per file) and from a loaded dataset split
into partitions, with several partition counts (a unit's accounts always together).
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

pytest.importorskip("distributed")

import liuan_eval  # noqa: E402
from liuan_eval.errors import UserError  # noqa: E402
from liuan_eval.scoring import score  # noqa: E402
from liuan_eval.scoring.distributed import (  # noqa: E402
    DaskData,
    DaskEngineError,
    dask_client,
    read_data,
    score_dask,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TABLES = ("findings", "unit_scores", "account_scores", "rectification", "closure", "not_assessed", "repost",
          "content_suspects")


@pytest.fixture(scope="module")
def sample():
    return liuan_eval.load(SAMPLE, year=2025)


@pytest.fixture(scope="module")
def pandas_result(sample):
    return score(sample, year=2025)


@pytest.fixture(scope="module")
def client():
    with dask_client(processes=False, n_workers=1, threads_per_worker=2) as c:
        yield c


def assert_same(a, b) -> None:
    for name in TABLES:
        assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)
    assert a.caveats == b.caveats
    assert a.metrics.keys() == b.metrics.keys()
    for k, v in a.metrics.items():
        w = b.metrics[k]
        if isinstance(v, float) and math.isnan(v):
            assert isinstance(w, float) and math.isnan(w), k
        else:
            assert v == w, k


@pytest.mark.slow
def test_files_through_both_engines(client, pandas_result):
    """The sample folder read by the Dask engine (a partition per file) gives the pandas engine's result."""
    assert len(pandas_result.findings) and pandas_result.not_assessed is not None
    assert_same(pandas_result, score_dask(read_data(SAMPLE, 2025), 2025))


@pytest.mark.slow
@pytest.mark.parametrize("partitions", [1, 5])
def test_partitions_do_not_change_the_result(client, sample, pandas_result, partitions):
    """However the units are spread over partitions, the result is the same."""
    data = DaskData.from_dataset(sample, npartitions=3)
    assert_same(pandas_result, score_dask(data, 2025, partitions=partitions))


@pytest.mark.slow
def test_appeals_and_confirmations(client, sample, pandas_result):
    """Withdrawn findings and C20's confirmations are applied once, on the whole, as in the pandas engine."""
    from liuan_eval.scoring.appeals import finding_ids

    f = pandas_result.findings
    withdrawn = pd.DataFrame({"finding_id": finding_ids(f).iloc[[0, len(f) - 1]], "appeal_reason": "截图为证"})
    s = pandas_result.content_suspects
    conf = pd.DataFrame({"疑点编号": s["suspect_id"].iloc[:1], "核定结果": ["确认"]}) if len(s) else None
    a = score(sample, year=2025, withdrawn=withdrawn, confirmations=conf)
    b = score_dask(DaskData.from_dataset(sample, npartitions=2), 2025, withdrawn=withdrawn, confirmations=conf)
    assert_same(a, b)
    assert_frame_equal(a.withdrawn, b.withdrawn)


def test_unreachable_scheduler_is_a_user_error():
    """A wrong --scheduler address: a Chinese message, exit 2, no traceback."""
    with pytest.raises(DaskEngineError) as e, dask_client("tcp://127.0.0.1:9", timeout="1s"):
        pass
    assert isinstance(e.value, UserError) and e.value.exit_code == 2
    assert "无法连接 Dask 调度器" in e.value.zh


@pytest.mark.slow
def test_classification_per_partition(client, sample):
    """Messages classified per partition (the reply corpus computed once for the whole table) are the
    pandas engine's, row for row."""
    from liuan_eval.scoring.distributed import classify_dask

    expected = liuan_eval.classify_messages(sample.messages)
    assert_frame_equal(expected, classify_dask(sample.messages, npartitions=3))


def test_scheduler_needs_the_dask_engine(tmp_path):
    from liuan_eval.cli import main

    assert main(["run", "--data", str(SAMPLE), "--year", "2025", "--out", str(tmp_path / "r"),
                 "--scheduler", "tcp://127.0.0.1:9", "--no-notebook", "--quiet"]) == 2


@pytest.mark.slow
def test_a_unit_without_posts_alone_in_its_partition_and_a_quarter(client, sample):
    """A partition holding only a unit that never posted (its criteria unmet there, assessed on the
    whole: C02's silent accounts, C15's dormant ones) and a quarter instead of the year."""
    import copy

    ds = copy.copy(sample)
    units = sorted(ds.accounts["unit"].unique())
    silent = set(ds.accounts.loc[ds.accounts["unit"] == units[3], "account_id"])
    ds.posts = ds.posts[~ds.posts["account_id"].isin(silent)].reset_index(drop=True)
    ds.messages = ds.messages[ds.messages["unit"] != units[3]].reset_index(drop=True)
    for period in (None, ("2025-04-01", "2025-06-30")):
        a = score(ds, year=2025, period=period)
        b = score_dask(DaskData.from_dataset(ds, npartitions=4), 2025, period=period, partitions=len(units))
        assert_same(a, b)
        assert {"C02", "C15"} <= set(a.findings.loc[a.findings["unit"] == units[3], "criterion"])
