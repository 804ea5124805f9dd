"""The annual report's cost, stage by stage, on a full-size generated year (~50,000 posts).

Prints wall times of: the assessment (load + pre-flight, classify, hot issues, score,
repost matching), the tables and workbook, the charts of every section, and executing the
report notebook with papermill plus the HTML export; then the ratio of the notebook stage
to the in-process stages (the notebook recomputes the assessment so that JupyterLab and
``liuan-eval run`` give the same figures). Figures are noisy: 2 cores shared with others.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks._util import peak_rss_mb


def main(scale: float = 1.0, notebook: bool = True) -> None:
    from liuan_eval.report import pipeline, sections
    from liuan_eval.sample_data import generate_sample

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        s = generate_sample(2025, seed=7, out=tmp / "data", scale=scale)
        print(f"sample: {len(s.tables['accounts'])} accounts, {len(s.tables['posts']):,} posts, "
              f"{len(s.tables['messages']):,} messages ({time.perf_counter() - t:.1f} s)")
        times = {}
        t = time.perf_counter()
        report = pipeline.assess(tmp / "data", 2025)
        times["assess (load, check, classify, score, reposts)"] = time.perf_counter() - t
        t = time.perf_counter()
        pipeline.write_outputs(report, tmp / "out")
        times["tables + CSV + workbook"] = time.perf_counter() - t
        t = time.perf_counter()
        n_figs = sum(sum(1 for b in f(report).blocks if b[0] == "figure") for f in sections.ALL_SECTIONS)
        times[f"sections and charts ({n_figs} charts)"] = time.perf_counter() - t
        if notebook:
            t = time.perf_counter()
            executed = pipeline.execute_notebook(tmp / "data", 2025, "liuan_2016", tmp / "out", progress=False)
            html = pipeline.export_html(executed, tmp / "out" / pipeline.HTML_NAME)
            times["notebook (papermill) + HTML export"] = time.perf_counter() - t
            print(f"HTML: {html.stat().st_size / 1e6:.1f} MB, workbook: "
                  f"{(tmp / 'out' / pipeline.XLSX_NAME).stat().st_size / 1e3:.0f} kB")
        for k, v in times.items():
            print(f"{k:55s} {v:7.1f} s")
        in_process = sum(v for k, v in times.items() if not k.startswith("notebook"))
        print(f"{'in-process total':55s} {in_process:7.1f} s")
        if notebook:
            nb = times["notebook (papermill) + HTML export"]
            print(f"notebook stage / in-process stages: {nb / in_process:.2f}x")
        print(f"peak RSS (this process): {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()
