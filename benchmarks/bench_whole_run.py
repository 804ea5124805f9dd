"""The whole ``liuan-eval run`` on a generated year of about 1,000,000 posts and 1,000,000 messages.

Issue 14, part 2. The year is made by the sample generator (``sample --scale 417``: the usual
registry of ~30 departments and counties, posts ≈ 50,000·√scale, messages ≈ 2,400·scale, dirty
rows and planted violations as in every sample). ``run`` is one fresh process (as an analyst runs
it), with the report notebook; its stages' times come from the run itself
(``LIUAN_EVAL_STAGE_TIMES``), the peak RSS of every process of the run (the notebook's kernel too)
from sampling its process tree every 0.2 s.

Targets: peak RSS ≤ 4 GB for every process; total wall ≤ 15 × the floor — the time pandas (pyarrow
engine) takes only to read the same input files, measured here in the same run. Figures are noisy:
the 2 cores are shared (the load average is printed). ``BENCH_WHOLE_RUN_DATA=folder`` keeps the
generated year between runs; ``python -m benchmarks whole_run [scale]``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SCALE = 417.0
TARGET_RSS_MB = 4096.0
TARGET_RATIO = 15.0
#: a process of the run above this is stopped (the machine is shared): ``BENCH_RSS_ABORT_MB``
ABORT_RSS_MB = float(os.environ.get("BENCH_RSS_ABORT_MB", 12 * 1024))


def floor_seconds(folder: Path) -> float:
    """Reading every input file with pandas only (pyarrow engine for CSV and Parquet; openpyxl for Excel).

    A CSV with line breaks inside cells (messages) is read by pyarrow's CSV reader with
    ``newlines_in_values`` (pandas' pyarrow engine does not pass that option) into pandas."""
    import pandas as pd

    t = time.perf_counter()
    for f in sorted(folder.iterdir()):
        if f.name in ("truth.json", "labels.csv") or f.is_dir():
            continue
        if f.suffix == ".csv":
            head = f.read_bytes()[:65536]
            try:
                head.decode("utf-8")
                enc = "utf-8"
            except UnicodeDecodeError as e:
                enc = "utf-8" if e.start > 65530 else "gb18030"
            try:
                pd.read_csv(f, engine="pyarrow", encoding=enc, dtype_backend="pyarrow")
            except pd.errors.ParserError:  # line breaks inside cells (messages): pyarrow's own option
                import pyarrow.csv as pacsv

                pacsv.read_csv(f, read_options=pacsv.ReadOptions(encoding=enc),
                               parse_options=pacsv.ParseOptions(newlines_in_values=True)).to_pandas(
                    types_mapper=pd.ArrowDtype)
        elif f.suffix == ".parquet":
            pd.read_parquet(f)
        elif f.suffix in (".xlsx", ".xlsm"):
            pd.read_excel(f, sheet_name=None)
    return time.perf_counter() - t


class TreeSampler:
    """Peak RSS of a process and each of its descendants, sampled every ``every`` seconds."""

    def __init__(self, pid: int, every: float = 0.2, abort_mb: float | None = None, stages: Path | None = None):
        import psutil

        self.root = psutil.Process(pid)
        self.peak: dict[int, tuple[str, int]] = {}
        self.abort_mb, self.aborted = abort_mb, None
        self.stages, self.stage_peak = stages, {}  # the largest process's peak in each stage of the run
        self.every, self._stop = every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except Exception:  # noqa: BLE001 - the run ended
                procs = []
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    name = " ".join(p.cmdline()[1:4])[:60]
                except Exception:  # noqa: BLE001 - gone meanwhile
                    continue
                if rss > self.peak.get(p.pid, ("", 0))[1]:
                    self.peak[p.pid] = (name, rss)
                stage = self._stage()
                self.stage_peak[stage] = max(self.stage_peak.get(stage, 0), rss)
                if self.abort_mb and rss > self.abort_mb * 2**20 and self.aborted is None:
                    self.aborted = f"process {p.pid} ({name}) passed {self.abort_mb:,.0f} MiB"
                    for q in reversed(procs):  # the run's own processes only
                        try:
                            q.kill()
                        except Exception:  # noqa: BLE001 - already gone
                            pass
            self._stop.wait(self.every)

    def _stage(self) -> str:
        try:
            begun = [line for line in self.stages.read_text(encoding="utf-8").splitlines() if '"begin"' in line]
            return json.loads(begun[-1])["begin"] if begun else "start"
        except (OSError, AttributeError, ValueError):
            return "start"

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def whole_run(data: Path, out: Path, extra: list[str] | None = None) -> tuple[float, list[dict], dict, str | None]:
    """One ``liuan-eval run`` in a fresh process: wall seconds, stage times, peak RSS per process and,
    when it did not finish (stopped above :data:`ABORT_RSS_MB`, or failed), why."""
    from liuan_eval.report.pipeline import STAGE_TIMES_ENV

    stages = out.parent / (out.name + "-stages.jsonl")
    stages.unlink(missing_ok=True)
    env = dict(os.environ, **{STAGE_TIMES_ENV: str(stages), "LIUAN_LANG": "en"})
    cmd = [sys.executable, "-m", "liuan_eval", "run", "--data", str(data), "--year", "2025", "--out", str(out),
           "--issued", "2026-01-15", "--quiet", *(extra or [])]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid, abort_mb=ABORT_RSS_MB, stages=stages)
    _, err = proc.communicate()
    wall = time.perf_counter() - t
    sampler.stop()
    lines = [json.loads(line) for line in stages.read_text(encoding="utf-8").splitlines()] if stages.exists() else []
    rows = [r for r in lines if "seconds" in r]
    failure = None
    if proc.returncode:
        running = [r["begin"] for r in lines if "begin" in r][-1:]
        failure = (sampler.aborted or f"exit status {proc.returncode} {err[-500:]}") + (
            f" in the stage “{running[0]}”" if running else "")
    for row in rows:
        row["peak_mb"] = sampler.stage_peak.get(row["stage"], 0) / 2**20
    return wall, rows, sampler.peak, failure


def main(scale: float = SCALE) -> None:
    from liuan_eval.sample_data import generate_sample

    keep = os.environ.get("BENCH_WHOLE_RUN_DATA")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(keep) if keep else Path(tmp) / "data"
        if not (data / "truth.json").exists():
            t = time.perf_counter()
            s = generate_sample(2025, seed=7, out=data, scale=scale)
            print(f"sample --scale {scale:g}: {len(s.tables['accounts'])} accounts, {len(s.tables['posts']):,} posts, "
                  f"{len(s.tables['messages']):,} messages ({time.perf_counter() - t:.0f} s)", flush=True)
            del s
        size = sum(f.stat().st_size for f in data.iterdir()) / 2**20
        print(f"input files: {size:,.0f} MiB in {data}; load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores", flush=True)
        floor_seconds(data)  # the files in the page cache for both measures
        floor = floor_seconds(data)
        print(f"floor: pandas (pyarrow engine) reads the input files in {floor:.1f} s", flush=True)
        wall, stages, peak, failure = whole_run(data, Path(tmp) / "report")
        if failure:
            print(f"liuan-eval run DID NOT FINISH: {failure}; {wall:.0f} s wall = {wall / floor:.1f} × the floor; "
                  f"load average {os.getloadavg()[0]:.1f}")
        else:
            print(f"liuan-eval run (with the notebook): {wall:.0f} s wall = {wall / floor:.1f} × the floor "
                  f"(target ≤ {TARGET_RATIO:g} ×: {'met' if wall <= TARGET_RATIO * floor else 'MISSED'}); "
                  f"load average {os.getloadavg()[0]:.1f}")
        for row in stages:
            print(f"  stage {row['stage']:<40} {row['seconds']:8.1f} s   largest process {row['peak_mb']:7,.0f} MiB")
        worst = max((rss for _, rss in peak.values()), default=0) / 2**20
        for pid, (name, rss) in sorted(peak.items(), key=lambda kv: -kv[1][1]):
            if rss > 50 * 2**20:
                print(f"  process {pid} ({name}): peak RSS {rss / 2**20:,.0f} MiB")
        print(f"peak RSS of the largest process {worst:,.0f} MiB (target ≤ {TARGET_RSS_MB:,.0f}: "
              f"{'met' if worst <= TARGET_RSS_MB else 'MISSED'})")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else SCALE)
