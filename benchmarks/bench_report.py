"""What the report notebook adds to ``liuan-eval run``, on one generated year (``sample --scale 10``).

The assessment is computed once: ``run`` writes the tables and the workbook from it, saves
it (``assessment/``: Parquet + manifest), and the notebook only loads it and draws. This
benchmark times, on the same data, ``liuan-eval run --no-notebook`` and ``liuan-eval run``
(each a fresh process, as an analyst runs them) and prints the share the notebook adds
(target: at most 30 %; before the assessment was saved once, the notebook recomputed it and
added about 110 %). Figures are noisy on 2 shared cores: each run prints the load average.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "liuan_eval", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(scale: float = 10.0) -> None:
    from liuan_eval.sample_data import generate_sample

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        s = generate_sample(2025, seed=7, out=tmp / "data", scale=scale)
        print(f"sample --scale {scale:g}: {len(s.tables['accounts'])} accounts, {len(s.tables['posts']):,} posts, "
              f"{len(s.tables['messages']):,} messages ({time.perf_counter() - t:.1f} s)")
        common = ["run", "--data", str(tmp / "data"), "--year", "2025", "--quiet"]
        _run([*common, "--out", str(tmp / "warm"), "--no-notebook"])  # trained models cached, files in page cache
        without = _run([*common, "--out", str(tmp / "a"), "--no-notebook"])
        load1 = os.getloadavg()[0]
        full = _run([*common, "--out", str(tmp / "b")])
        load2 = os.getloadavg()[0]
        html = (tmp / "b" / "annual_report.html").stat().st_size / 1e6
        saved = sum(p.stat().st_size for p in (tmp / "b" / "assessment").iterdir()) / 1e6
        print(f"liuan-eval run --no-notebook   {without:7.1f} s   (load {load1:.1f})")
        print(f"liuan-eval run (with notebook) {full:7.1f} s   (load {load2:.1f})")
        print(f"the notebook and HTML add      {full - without:7.1f} s = {(full - without) / without:.0%} "
              f"(target <= 30 %); HTML {html:.1f} MB, saved assessment {saved:.1f} MB")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0)
