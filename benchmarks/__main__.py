"""Run every benchmark module (or those whose name contains an argument).

``bench_*`` modules run by default (``make bench``); the modules of :data:`ON_REQUEST` take longer
than ten minutes and run only when named (``python -m benchmarks dask_10m``, ``make bench-dask``).
"""
import importlib
import pkgutil
import sys
import time
from pathlib import Path

#: benchmarks run only when named: 10,000,000 posts on a two-worker LocalCluster
ON_REQUEST = ("dask_10m",)


def main() -> int:
    wanted = sys.argv[1:]
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if wanted:
        names = [n for n in [*names, *ON_REQUEST] if any(w in n for w in wanted)]
    failed = 0
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        try:
            importlib.import_module(f"benchmarks.{name}").main()
        except Exception as exc:  # a failing benchmark must not hide the others' figures
            failed += 1
            print(f"{name} FAILED: {type(exc).__name__}: {exc}")
        print(f"({name}: {time.perf_counter() - t0:.1f} s wall)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
