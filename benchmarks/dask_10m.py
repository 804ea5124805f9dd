"""10,000,000 generated posts through the Dask engine on a LocalCluster of two workers, 2 GB each.

Not part of the default ``make bench`` (it takes longer than ten minutes on the shared 2-core machine):
``make bench-dask`` or ``python -m benchmarks dask_10m [posts]``.

The posts (and a tenth as many messages) are written as Parquet files of 500,000 rows each — canonical
columns, as a province's or a nation's yearly export split by month or by region would be — and
read by the workers, one partition per file (:func:`liuan_eval.scoring.distributed.read_data`);
:func:`~liuan_eval.scoring.distributed.score_dask` shuffles them by unit and scores each unit
partition. Printed: the wall time, every worker's peak RSS (sampled every 0.2 s) against its limit,
the time per task kind (read and clean a file, shuffle, score a partition) for the sizing in
``docs/status.md``, and what the pandas engine would hold for the same input (measured on a tenth
of it, in this process).
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from benchmarks._util import peak_rss_mb

N_POSTS = 10_000_000
FILE_ROWS = 500_000
N_ACCOUNTS = 3_000
WORKERS, LIMIT = 2, "2GB"


def write_year(folder: Path, n_posts: int = N_POSTS, n_messages: int | None = None, seed: int = 0) -> None:
    """The registry, releases and incidents once; posts and messages in Parquet files of ``FILE_ROWS`` rows."""
    from benchmarks.bench_scoring import synthetic

    folder.mkdir(parents=True, exist_ok=True)
    n_messages = n_posts // 10 if n_messages is None else n_messages
    chunks = max(1, -(-n_posts // FILE_ROWS))
    mchunks = max(1, -(-n_messages // FILE_ROWS)) if n_messages else 0
    for k in range(max(chunks, mchunks)):
        np_k = min(FILE_ROWS, n_posts - k * FILE_ROWS) if k < chunks else 1
        nm_k = min(FILE_ROWS, n_messages - k * FILE_ROWS) if k < mchunks else 1
        ds = synthetic(n_accounts=N_ACCOUNTS, n_posts=max(np_k, 1), n_messages=max(nm_k, 1), seed=seed + k)
        if k == 0:
            ds.accounts.to_parquet(folder / "accounts.parquet")
            ds.releases.to_parquet(folder / "releases.parquet")
            ds.incidents.to_parquet(folder / "incidents.parquet")
        if k < chunks:
            p = ds.posts.assign(post_id="F" + str(k) + "-" + ds.posts["post_id"])
            p.to_parquet(folder / f"posts_{k:03d}.parquet")
        if k < mchunks:
            m = ds.messages.assign(message_id="F" + str(k) + "-" + ds.messages["message_id"])
            m.to_parquet(folder / f"messages_{k:03d}.parquet")
        del ds


class _Sampler:
    """Peak RSS of some processes, sampled every ``every`` seconds in a thread."""

    def __init__(self, pids: list[int], every: float = 0.2):
        import psutil

        self.procs = {pid: psutil.Process(pid) for pid in pids}
        self.peak = dict.fromkeys(pids, 0)
        self.every, self._stop = every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid, p in self.procs.items():
                try:
                    self.peak[pid] = max(self.peak[pid], p.memory_info().rss)
                except Exception:  # noqa: BLE001 - a worker restarted: keep what was seen
                    pass
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _kind(key) -> str:
    name = key[0] if isinstance(key, tuple) else str(key)
    name = str(name)
    for prefix, label in (("_read_file", "read+clean a file"), ("read_file", "read+clean a file"),
                          ("_score_partition", "score a unit partition"), ("shuffle", "shuffle"),
                          ("_keyed", "key rows by unit"), ("set_index", "shuffle"), ("sort", "shuffle")):
        if prefix in name:
            return label
    return name.split("-")[0][:40]


def main(n_posts: int = N_POSTS) -> None:
    from distributed import get_task_stream

    from liuan_eval.scoring.distributed import dask_client, read_data, score_dask

    cache = os.environ.get("BENCH_DASK_DATA")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(cache) if cache else Path(tmp) / "year"
        if not (folder / "accounts.parquet").exists():
            t = time.perf_counter()
            write_year(folder, n_posts)
            print(f"wrote {n_posts:,} posts + {n_posts // 10:,} messages over {N_ACCOUNTS:,} accounts as Parquet files "
                  f"of {FILE_ROWS:,} rows in {time.perf_counter() - t:.0f} s ({folder})", flush=True)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        with dask_client(n_workers=WORKERS, threads_per_worker=1, memory_limit=LIMIT) as client:
            pids = list(client.run(os.getpid).values())
            t = time.perf_counter()
            with _Sampler(pids) as mem, get_task_stream(client) as ts:
                data = read_data(folder, 2025)
                a = score_dask(data, 2025)
            wall = time.perf_counter() - t
        print(f"Dask engine, LocalCluster {WORKERS} workers × {LIMIT}: {n_posts:,} posts + {a.metrics['messages']:,} messages "
              f"scored in {wall:.0f} s; {len(a.findings):,} findings, {a.metrics['posts']:,} posts counted")
        for pid in pids:
            print(f"  worker pid {pid}: peak RSS {mem.peak[pid] / 2**20:,.0f} MiB (limit {LIMIT})")
        print(f"  client process: peak RSS {peak_rss_mb():,.0f} MiB")
        per = defaultdict(list)
        for task in ts.data:
            start = min(s["start"] for s in task["startstops"] if s["action"] == "compute") if any(
                s["action"] == "compute" for s in task["startstops"]) else None
            if start is None:
                continue
            stop = max(s["stop"] for s in task["startstops"] if s["action"] == "compute")
            per[_kind(task["key"])].append(stop - start)
        print("  task kind                          tasks   total s   mean s    max s")
        for kind, secs in sorted(per.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {kind:<34} {len(secs):5d} {sum(secs):9.1f} {np.mean(secs):8.2f} {max(secs):8.2f}")
        # the pandas engine on a tenth of the same input, in this process: what it holds per post
        from liuan_eval.io import load
        from liuan_eval.scoring import score

        tenth = Path(tmp) / "tenth"
        tenth.mkdir(exist_ok=True)
        for f in sorted(folder.iterdir()):
            if f.name.startswith(("posts_", "messages_")) and int(f.stem.split("_")[1]) % 10:
                continue
            os.link(f, tenth / f.name) if not (tenth / f.name).exists() else None
        before = peak_rss_mb()
        t = time.perf_counter()
        ds = load(tenth, year=2025)
        score(ds, year=2025)
        took = time.perf_counter() - t
        n_p = len(ds.posts)
        grown = peak_rss_mb() - before
        print(f"pandas engine on a tenth ({n_p:,} posts, {len(ds.messages):,} messages): {took:.0f} s, "
              f"peak RSS {peak_rss_mb():,.0f} MiB (before {before:,.0f}); "
              f"for the whole input about {took * n_posts / n_p:,.0f} s and "
              f"{(before + grown * n_posts / n_p) / 1024:,.1f} GiB in one process (linear estimate)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else N_POSTS)
