"""Learning curves on the 962 real labeled messages: how many confirmed labels an office needs, and which.

For each seed, 5-fold stratified cross-validation: the four training folds are the pool of
messages an office could confirm, the fifth is scored (never seen). Within the pool:

* **random** — labels in a random order (the seed's);
* **chosen** — the first 50 at random too (a cold start: before it has seen any of the
  office's labels a model's uncertainty says little — picking them by the zero-shot model's
  margins measured 0.50 at 50 labels against 0.58 at random, seed 0), then batches picked
  by :func:`liuan_eval.text.learn.choose_batch` (margin sampling with diversity) from the
  model trained on the labels so far, with the settings ``liuan-eval classify`` marks them
  with: ``[selection]`` of ``learning.toml`` — ``batch`` (20 a run), ``candidates``,
  ``diversity`` (a batch is cut short only to land on the next size scored).

Every point fits the model ``liuan-eval train-topic --taxonomy`` fits
(``TopicClassifier(taxonomy=taxonomy.csv, keywords="default")``) on the labels so far, with
the rest of the pool as unlabeled messages (its ``unlabeled`` parameter: their n-grams join the
vocabulary, and one round of self-training weights each pseudo-label by its margin; an office has
its unconfirmed messages too, and ``learn`` uses them the same way), the same recipe for both curves;
predictions of the five folds are pooled into one macro-F1 (over the 7 labeled classes)
per seed; mean and spread over seeds. The first point (0 labels) is the zero-shot model
(taxonomy and keyword list only) and, beside it, the shipped model (generated text + keywords).

The target: chosen labels reach the macro-F1 of the whole pool of random labels with at
most half as many labels. At 385 labels the spread over 3 seeds (about ± 0.01) is larger
than the differences between the selection rules tried: judge a rule on more seeds
(``BENCH_LEARNING_SEEDS``, default 3; ``docs/status.md`` has a comparison over 10).
``python -m benchmarks learning`` runs it alone (≈ 5 min on 2 idle cores, ≈ 13 min under load; 10 seeds ≈ 10 min).
"""
from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from benchmarks._util import shared_data_or_none

SIZES = (50, 100, 200, 300, 385, 500)
FIRST = 50


def _data():
    from liuan_eval.text.features import model_text

    path = shared_data_or_none("gov_messages", "labeled_train.csv")
    tax = shared_data_or_none("gov_messages", "taxonomy.csv")
    if path is None or tax is None:
        return None
    d = pd.read_csv(path, dtype="str")
    X = pd.DataFrame({"title": model_text(d["留言主题"]), "text": model_text(d["留言详情"])})
    return X, np.asarray(d["一级标签"], dtype=object), pd.read_csv(tax, dtype="str")


def curves(X, y, taxonomy, seed: int, folds: int = 5) -> dict:
    """Pooled CV predictions per number of labels, for random and chosen labels (one seed)."""
    from liuan_eval.text.features import joined
    from liuan_eval.text.learn import choose_batch, load_learning_settings
    from liuan_eval.text.topic import KeywordTopicClassifier, TopicClassifier

    sel = load_learning_settings()["selection"]
    flat = joined(X["title"], X["text"])
    zero = KeywordTopicClassifier(taxonomy=taxonomy, keywords="default").fit()
    pred = {"zero-shot": np.empty(len(y), dtype=object)}

    def put(kind, n, te, p):
        pred.setdefault((kind, n), np.empty(len(y), dtype=object))[te] = p

    def model(unlabeled=None):
        return TopicClassifier(taxonomy=taxonomy, keywords="default", unlabeled=unlabeled)

    for fold, (pool, te) in enumerate(StratifiedKFold(folds, shuffle=True, random_state=seed).split(
            np.zeros(len(y)), y)):
        sizes = [s for s in SIZES if s < len(pool)]
        pred["zero-shot"][te] = zero.predict(X.iloc[te])
        order = np.random.default_rng(seed * 1000 + fold).permutation(pool)
        for n in [*sizes, len(pool)]:
            rest = order[n:]
            m = model(X.iloc[rest] if len(rest) else None).fit(X.iloc[order[:n]], y[order[:n]])
            put("random", "all" if n == len(pool) else n, te, m.predict(X.iloc[te]))
        labeled = list(order[:FIRST])  # the cold start: the same first batch as random
        while True:
            n = len(labeled)
            rest = np.setdiff1d(pool, labeled)
            m = model().fit(X.iloc[labeled], y[labeled])
            if n in sizes:
                put("chosen", n, te, model(X.iloc[rest]).fit(X.iloc[labeled], y[labeled]).predict(X.iloc[te]))
            if n >= sizes[-1]:
                break
            k = min(int(sel["batch"]), min(s for s in sizes if s > n) - n)
            pick = choose_batch(m.predict_proba(X.iloc[rest]), flat[rest], k, diversity=float(sel["diversity"]),
                                candidates=int(sel["candidates"]))
            labeled += list(rest[pick])
    labels = np.unique(y)
    return {k: f1_score(y, p, average="macro", labels=labels) for k, p in pred.items()}


def main() -> None:
    data = _data()
    if data is None:
        return
    X, y, taxonomy = data
    seeds = int(os.environ.get("BENCH_LEARNING_SEEDS", 3))
    print(f"learning curves on {len(y)} real labeled messages ({len(set(y))} classes), 5-fold CV, {seeds} seed(s); "
          f"load average {os.getloadavg()[0]:.1f}")
    t0 = time.perf_counter()
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(seeds, 2)) as pool:  # 2 cores: two seeds at a time
        runs = list(pool.map(curves, [X] * seeds, [y] * seeds, [taxonomy] * seeds, range(seeds)))
    print(f"  {seeds} seed(s) done ({time.perf_counter() - t0:.0f}s)", flush=True)
    from liuan_eval.text.models import _train
    from liuan_eval.text.topic import load_routing, route

    shipped = _train("topic")  # the shipped recipe (generated text + keywords), no real label
    P = shipped.predict_proba(X)
    sp = np.asarray(shipped.classes_, dtype=object)[P.argmax(axis=1)]
    f1_shipped = f1_score(y, sp, average="macro", labels=np.unique(y))
    review = float(np.mean(route(sp, P.max(axis=1)) == load_routing()["manual_review"]))
    frame = pd.DataFrame(runs)

    def cell(key):
        v = frame[key].to_numpy(dtype=float)
        return f"{v.mean():.3f} ± {v.std(ddof=1) if len(v) > 1 else 0:.3f}"

    pool = int(round(len(y) * 4 / 5))
    print(f"  {'labels':>8s} {'random':>15s} {'chosen':>15s}   (macro-F1, mean ± sd over seeds)")
    print(f"  {0:8d} {'zero-shot ' + cell('zero-shot'):>33s}  (taxonomy + keyword list only)")
    print(f"  {0:8d} {'shipped   ' + f'{f1_shipped:.3f}':>33s}  (generated text + keywords; "
          f"{review:.0%} to manual review)")
    ns = sorted({k[1] for k in frame.columns if isinstance(k, tuple) and k[1] != "all"})
    for n in ns:
        print(f"  {n:8d} {cell(('random', n)):>15s} {cell(('chosen', n)):>15s}")
    print(f"  {'all ' + str(pool):>8s} {cell(('random', 'all')):>15s} {'(the same labels)':>17s}")
    half = max((n for n in ns if n <= pool / 2), default=None)
    if half is not None and len(frame) > 1:
        print(f"  per seed at {half} labels, chosen − all {pool} random: "
              + " ".join(f"{d:+.3f}" for d in frame[("chosen", half)] - frame[("random", "all")]))
    target = frame[("random", "all")].mean()
    reached = [n for n in ns if frame[("chosen", n)].mean() >= target]
    rand_reached = [n for n in ns if frame[("random", n)].mean() >= target]
    first = reached[0] if reached else None
    print(f"  all {pool} random labels (the whole pool): macro-F1 {target:.3f}")
    if first is None:
        print(f"  chosen labels do not reach it before the whole pool — target (≤ {pool // 2}) NOT met")
    else:
        ok = first <= pool / 2
        print(f"  chosen labels reach it with {first} labels ({first / pool:.0%} of the pool; random: "
              f"{rand_reached[0] if rand_reached else 'only the whole pool'}) — target (≤ {pool // 2} labels, half) "
              f"{'met' if ok else 'NOT met'}")
    print(f"  ({time.perf_counter() - t0:.0f}s)")


if __name__ == "__main__":
    main()
