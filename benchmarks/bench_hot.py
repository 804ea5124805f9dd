"""Hot issues at scale: weighted MinHash LSH candidate pairs against the exact all-pairs method.

Prints, in one run (figures are noisy on 2 shared cores: the load average is printed):

* ``find_hot_issues`` (default ``method="lsh"``) on 50,000 and 200,000 generated messages:
  wall and CPU seconds (best of ``BENCH_HOT_REPEAT``, default 2, each in a fresh process),
  peak RSS of that process (and how far ``find_hot_issues`` raised it above the peak of
  reading the messages: 0 when reading them took more), and the 200k / 50k ratios
  (target <= 5; quadratic is 16).
* agreement with ``method="exact"`` (adjusted Rand index over message -> cluster label,
  singletons each their own label, the clusters before the hot-issue size filters; and over
  message -> hot issue): on the generator's sample (``generate_sample(2025, seed=7,
  scale=8.3)`` written to a folder and read back with ``liuan_eval.load``: 19,770
  messages) and on the 4,326 real messages of ``../shared/data/gov_messages/messages_votes.csv``,
  with the time of both methods there.
* the candidate step against datasketch (when it is installed; it is not a dependency) on
  the same TF-IDF rows of that sample: this module's weighted MinHash LSH, datasketch's
  ``MinHash.bulk`` + ``MinHashLSH`` over the bigram sets with the same bands, and
  datasketch's ``WeightedMinHashGenerator.minhash_many`` (on 2,000 rows: it holds
  hashes x stored-values arrays); CPU seconds, candidates, and the share of the exact pairs
  among the candidates.

The 50,000 and 200,000 messages are a generated *province*: cities, each the generator's
messages of one year (``generate_sample(2025, seed=7 + k, scale=4.2)``, about 10,000
messages), city 0 as generated and in every other city the characters found in fewer than
10 % of that city's messages (its places, subjects and problems) replaced by a bijection
onto CJK ideographs drawn for that city. The cities share the language — punctuation,
digits and the letter templates (我是…的居民，已经…个月了，希望…) — but not their content, as
the cities of a province do. The generator's own ``scale`` is not used for this: it draws
every message from 29 towns and fixed phrase banks, so the number of genuinely similar
messages per message grows with the volume (1.8 similar pairs per message at 2,392 messages,
14.1 at 19,770) and the exact answer itself grows with the square; in the province it stays
between 7.4 (20,000 messages) and 8.0 (200,000).

* the *flood*: ``find_hot_issues`` on the generator's own messages at a large ``scale``
  (``generate_sample(2025, seed=7, scale=s).tables["messages"]``; scale 100 gives 235,934
  messages, 417 gives 992,175), where templated near-duplicates make the similar pairs grow
  with the square of the volume: wall and CPU seconds, peak RSS of a fresh process, hot
  issues, the largest, and the work counters (distinct texts, pairs emitted by the LSH
  bands, rows in capped runs, candidate pairs checked) that stay within ``n * k``.

``python -m benchmarks hot`` runs it all; ``BENCH_HOT_SIZES=50000,200000`` changes the sizes,
``BENCH_HOT_FLOOD=100,417`` the flood's scales (empty: skipped) and
``BENCH_HOT_PARTS=agreement,scaling,flood`` the parts run.
"""
from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._util import peak_rss_mb, shared_data_or_none

CITY_SCALE = 4.2
KEEP_SHARE = 0.10


def city(k: int) -> pd.DataFrame:
    """The generated messages of city ``k`` (see the module docstring)."""
    import liuan_eval

    m = liuan_eval.generate_sample(2025, seed=7 + k, scale=CITY_SCALE).tables["messages"]
    for c in ("message_id", "user"):
        m[c] = f"C{k:02d}" + m[c].astype("str")
    if k == 0:
        return m
    doc = (m["title"].fillna("") + m["text"].fillna("")).to_numpy(dtype=object)
    lengths = np.fromiter(map(len, doc), dtype=np.int64, count=len(doc))
    codes = np.frombuffer("".join(doc).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    # characters per message, once each, counted over messages
    pair = np.sort(codes * len(doc) + np.repeat(np.arange(len(doc)), lengths))
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]]
    char, df = np.unique(pair // len(doc), return_counts=True)
    content = char[(df < KEEP_SHARE * len(doc)) & (char >= 0x4E00) & (char <= 0x9FFF)]
    image = np.random.default_rng([7, k]).choice(np.arange(0x4E00, 0xA000), len(content), replace=False)
    table = dict(zip(content.tolist(), image.tolist()))
    for c in ("title", "text"):
        m[c] = m[c].str.translate(table)
    return m


def province(n: int) -> pd.DataFrame:
    """``n`` messages from as many generated cities as needed."""
    parts, total = [], 0
    while total < n:
        parts.append(city(len(parts)))
        total += len(parts[-1])
    return pd.concat(parts, ignore_index=True).iloc[:n].reset_index(drop=True)


def _peak_mb() -> float:
    """Peak resident memory of this process in MiB: ``VmHWM`` where Linux gives it (a spawned
    process starts its own count; ``ru_maxrss`` would carry the parent's peak over the fork),
    else :func:`peak_rss_mb`."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return peak_rss_mb()


def _time_one(path: str) -> dict:
    """In a fresh process: ``find_hot_issues`` on the pickled messages, timed."""
    from liuan_eval.text.hot import find_hot_issues

    m = pd.read_pickle(path)
    before = _peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    h = find_hot_issues(m)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
            "rss": _peak_mb() - before, "peak": _peak_mb(), "issues": len(h), "load": os.getloadavg()[0]}


def bench_scaling() -> None:
    sizes = [int(x) for x in os.environ.get("BENCH_HOT_SIZES", "50000,200000").split(",")]
    repeat = int(os.environ.get("BENCH_HOT_REPEAT", 2))
    t0 = time.perf_counter()
    big = province(max(sizes))
    print(f"province of {big['message_id'].str[:3].nunique()} generated cities, {len(big):,} messages "
          f"(built in {time.perf_counter() - t0:.0f} s); find_hot_issues(method='lsh'), best of {repeat}, "
          f"each in a fresh process; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  {'messages':>9s} {'wall s':>7s} {'CPU s':>7s} {'peak RSS MiB':>12s} {'+MiB':>9s} {'hot issues':>10s}"
          "  runs (wall/CPU)")
    best = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = str(Path(tmp) / f"m{n}.pkl")
            big.iloc[:n].to_pickle(path)
            runs = []
            for _ in range(repeat):
                with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                    runs.append(pool.submit(_time_one, path).result())
            r = min(runs, key=lambda x: x["cpu"])
            best[n] = {"wall": min(x["wall"] for x in runs), "cpu": r["cpu"], "rss": max(x["rss"] for x in runs),
                       "peak": max(x["peak"] for x in runs)}
            print(f"  {n:9,d} {best[n]['wall']:7.1f} {best[n]['cpu']:7.1f} {best[n]['peak']:12,.0f} "
                  f"{best[n]['rss']:9,.0f} "
                  f"{r['issues']:10,d}  " + ", ".join(f"{x['wall']:.1f}/{x['cpu']:.1f} (load {x['load']:.1f})"
                                                       for x in runs), flush=True)
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        quad = (b / a) ** 2
        print(f"  time({b:,}) / time({a:,}): wall {best[b]['wall'] / best[a]['wall']:.2f}, "
              f"CPU {best[b]['cpu'] / best[a]['cpu']:.2f} (target <= 5; linear {b / a:.0f}, quadratic {quad:.0f}); "
              f"peak RSS {best[b]['peak'] / best[a]['peak']:.2f}")


def _generate(scale: float, path: str) -> int:
    """In a fresh process: the generator's messages at ``scale``, pickled to ``path``."""
    import liuan_eval

    m = liuan_eval.generate_sample(2025, seed=7, scale=scale).tables["messages"]
    m.to_pickle(path)
    return len(m)


def _flood_one(path: str) -> dict:
    """In a fresh process: ``find_hot_issues`` on the pickled messages, timed, with the work
    counters of the clustering (a second, untimed call of the internal ``_clusters``)."""
    from liuan_eval.text import hot
    from liuan_eval.text.features import model_text

    m = pd.read_pickle(path)
    before = _peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    h = hot.find_hot_issues(m)
    out = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "peak": _peak_mb(),
           "rss": _peak_mb() - before, "issues": len(h), "largest": int(h["count"].max()) if len(h) else 0,
           "load": os.getloadavg()[0], "n": len(m)}
    doc = (model_text(m["title"].reset_index(drop=True)) + " "
           + model_text(m["text"].reset_index(drop=True)).str.slice(0, 120)).str.strip()
    stats = {}
    hot._clusters(doc, 0.6, 0.3, "lsh", stats=stats)
    return {**out, **stats}


def bench_flood() -> None:
    scales = [float(x) for x in os.environ.get("BENCH_HOT_FLOOD", "100,417").split(",") if x.strip()]
    if not scales:
        return
    print("flood: the generator's own messages at a large scale (templated near-duplicates); "
          "find_hot_issues(method='lsh') in a fresh process")
    print(f"  {'scale':>5s} {'messages':>9s} {'wall s':>7s} {'CPU s':>7s} {'peak RSS MiB':>12s} {'+MiB':>7s} "
          f"{'hot issues':>10s} {'largest':>7s} {'distinct':>9s} {'emitted':>12s} {'capped':>11s} "
          f"{'checked':>11s} {'per row':>7s}")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            path = str(Path(tmp) / f"flood{scale:g}.pkl")
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                pool.submit(_generate, scale, path).result()
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                r = pool.submit(_flood_one, path).result()
            print(f"  {scale:5g} {r['n']:9,d} {r['wall']:7.1f} {r['cpu']:7.1f} {r['peak']:12,.0f} {r['rss']:7,.0f} "
                  f"{r['issues']:10,d} {r['largest']:7,d} {r['rows']:9,d} {r['emitted']:12,d} {r['capped']:11,d} "
                  f"{r['candidates']:11,d} {r['candidates'] / r['rows']:7.1f}  (load {r['load']:.1f})", flush=True)
            os.remove(path)


def _agreement(name: str, m: pd.DataFrame) -> None:
    from sklearn.metrics import adjusted_rand_score

    from liuan_eval.text.hot import _message_labels, find_hot_issues

    labels, hot, secs = {}, {}, {}
    for method in ("exact", "lsh"):
        t = time.process_time()
        labels[method] = _message_labels(m, method=method)
        secs[method] = time.process_time() - t
        hot[method] = find_hot_issues(m, method=method)
    ids = m["message_id"].astype("str").tolist()

    def issue(h):
        of = {i: k for k, members in zip(h["hot_issue"], h["message_ids"]) for i in members}
        return [of.get(i, -1 - j) for j, i in enumerate(ids)]

    print(f"  {name:34s} {len(m):8,d} {adjusted_rand_score(labels['exact'], labels['lsh']):9.4f} "
          f"{adjusted_rand_score(issue(hot['exact']), issue(hot['lsh'])):9.4f} "
          f"{len(hot['exact']):5d} / {len(hot['lsh']):<5d} {secs['exact']:6.1f} / {secs['lsh']:.1f}", flush=True)


def _vs_datasketch(m: pd.DataFrame) -> None:
    """Candidate pairs of this module's weighted MinHash LSH against datasketch's on the same
    TF-IDF rows: CPU seconds, candidates, and the share of the exact pairs (cosine >= 0.6)
    among the candidates (recall of the candidate step)."""
    try:
        from datasketch import MinHash, MinHashLSH, WeightedMinHashGenerator
    except ImportError:
        print("  datasketch not installed: comparison skipped")
        return
    from liuan_eval.text import hot
    from liuan_eval.text.features import model_text

    doc = (model_text(m["title"].reset_index(drop=True)) + " "
           + model_text(m["text"].reset_index(drop=True)).str.slice(0, 120)).str.strip()
    _, X = hot._features(doc, 0.3)
    n = X.shape[0]
    ie, je, _ = hot._similar_pairs(X, 0.6, "exact")
    exact = ie.astype(np.int64) * n + je
    bands, rows = hot.LSH_BANDS, hot.LSH_ROWS
    print(f"candidate pairs on the same {n:,} TF-IDF rows ({X.nnz:,} stored bigrams, {X.shape[1]:,} columns), "
          f"{bands} bands x {rows} rows; {len(exact):,} exact pairs (cosine >= 0.6)")
    print(f"  {'method':72s} {'CPU s':>7s} {'candidates':>11s} {'recall':>7s}")

    def show(name, secs, cand):
        print(f"  {name:72s} {secs:7.2f} {len(cand):11,d} {np.isin(exact, cand).mean():7.4f}", flush=True)

    t = time.process_time()
    sig = hot._minhash_signatures(X, bands * rows)
    cand = hot._lsh_candidates(sig, bands, rows, np.diff(X.indptr) > 0)
    show("liuan_eval: weighted (squared TF-IDF) MinHash, numpy", time.process_time() - t, cand)

    t = time.process_time()
    nonempty = np.flatnonzero(np.diff(X.indptr) > 0)
    tokens = [[b"%d" % c for c in X.indices[X.indptr[r]:X.indptr[r + 1]]] for r in nonempty.tolist()]
    hashes = MinHash.bulk(tokens, num_perm=bands * rows, seed=1)
    t_sig = time.process_time() - t
    lsh = MinHashLSH(num_perm=bands * rows, params=(bands, rows))
    with lsh.insertion_session() as session:
        for r, h in zip(nonempty.tolist(), hashes):
            session.insert(r, h)
    found = [r * n + j for r, h in zip(nonempty.tolist(), hashes) for j in lsh.query(h) if j > r]
    cand = np.unique(np.array(found, dtype=np.int64))
    show(f"datasketch MinHash.bulk + MinHashLSH (bigram sets; {t_sig:.1f} s hashing)", time.process_time() - t, cand)

    k = min(n, 2000)  # ICWS holds sample_size x stored-values arrays: a subset only
    t = time.process_time()
    WeightedMinHashGenerator(X.shape[1], sample_size=bands * rows, seed=1).minhash_many(X[:k])
    secs = time.process_time() - t
    print(f"  datasketch WeightedMinHashGenerator.minhash_many, first {k:,} rows only: {secs:.2f} CPU s "
          f"(signatures alone; {secs / k * 1e3:.2f} ms per message)", flush=True)


def bench_agreement() -> None:
    import liuan_eval
    from liuan_eval.io import read_table

    print("agreement of method='lsh' with method='exact' (ARI; target >= 0.95)")
    print(f"  {'messages':34s} {'n':>8s} {'ARI clus':>9s} {'ARI hot':>9s} {'hot issues':>13s} "
          f"{'CPU s exact / lsh (clusters)':s}")
    with tempfile.TemporaryDirectory() as tmp:
        liuan_eval.generate_sample(2025, seed=7, out=tmp, scale=8.3)
        sample = liuan_eval.load(tmp).messages
        _agreement("sample (seed 7, scale 8.3, load)", sample)
    path = shared_data_or_none("gov_messages", "messages_votes.csv")
    if path is not None:
        _agreement("real messages_votes.csv", read_table("messages", path).data)
    _vs_datasketch(sample)


def main() -> None:
    parts = os.environ.get("BENCH_HOT_PARTS", "agreement,scaling,flood").split(",")
    for part in (bench_agreement, bench_scaling, bench_flood):
        if part.__name__.removeprefix("bench_") not in parts:
            continue
        t0 = time.perf_counter()
        part()
        print(f"  ({part.__name__}: {time.perf_counter() - t0:.1f}s)", flush=True)


if __name__ == "__main__":
    main()
