"""Message intelligence: topic and sentiment quality against baselines, classify throughput.

Prints, in one run (figures are noisy: 2 shared cores):

* topic: macro-F1 and accuracy by 5-fold stratified CV on the 962 labeled real messages
  (``../shared/data/gov_messages/labeled_train.csv``) for the package's
  :class:`~liuan_eval.text.TopicClassifier` (defaults, and with the board's taxonomy as
  prior vocabulary) and for a plain TF-IDF + LinearSVC baseline; every model is fitted
  on the four training folds only.
* sentiment: 3-class macro-F1 and binary (positive vs negative) accuracy by 5-fold CV
  on ``weibo_virus_train.csv`` (happy → positive, neural → neutral, angry/sad/fear →
  negative, surprise dropped) for the trained model; SnowNLP as shipped on a stratified
  sample of 1,000 of the same texts; texts per second of each and the ratio.
* classify: ``classify_messages`` on 1,000,000 generated messages (the sample's
  messages tiled, each made unique by a serial number so that the de-duplication
  inside ``classify_messages`` does not flatter the figure), with wall time,
  messages per second and peak RSS.

``python -m benchmarks text`` runs it alone; ``BENCH_TEXT_N`` changes the 1,000,000.
"""
from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from benchmarks._util import peak_rss_mb, shared_data_or_none

SEED = 0


def _cv_predict(make, X, y, folds=5):
    pred = np.empty(len(y), dtype=object)
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y):
        pred[te] = make().fit(X.iloc[tr] if hasattr(X, "iloc") else X[tr], y[tr]).predict(
            X.iloc[te] if hasattr(X, "iloc") else X[te])
    return pred


def bench_topic() -> None:
    from liuan_eval.text.features import joined, model_text
    from liuan_eval.text.topic import TopicClassifier

    path = shared_data_or_none("gov_messages", "labeled_train.csv")
    if path is None:
        return
    d = pd.read_csv(path, dtype="str")
    X = pd.DataFrame({"title": model_text(d["留言主题"]), "text": model_text(d["留言详情"])})
    y = np.asarray(d["一级标签"], dtype=object)
    tax = shared_data_or_none("gov_messages", "taxonomy.csv")
    flat = joined(X["title"], X["text"])
    rows = []
    t0 = time.perf_counter()
    p = _cv_predict(lambda: make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)),
                                          LinearSVC(random_state=SEED)), flat, y)
    rows.append(("TF-IDF char 1-3 + LinearSVC (baseline)", p, time.perf_counter() - t0))
    taxonomy = pd.read_csv(tax, dtype="str") if tax is not None else None
    variants = [("TopicClassifier()", {}), ("TopicClassifier(keywords='default')", {"keywords": "default"})]
    if taxonomy is not None:
        variants += [("TopicClassifier(taxonomy=taxonomy.csv)", {"taxonomy": taxonomy}),
                     ("  the same + keywords='default' (train-topic)", {"taxonomy": taxonomy, "keywords": "default"})]
    for name, params in variants:
        t0 = time.perf_counter()
        p = _cv_predict(lambda params=params: TopicClassifier(**params), X, y)
        rows.append((name, p, time.perf_counter() - t0))
    print(f"topic, 5-fold CV on {len(y)} real labeled messages ({len(set(y))} classes); target macro-F1 >= 0.90")
    print(f"  {'model':44s} {'macro-F1':>8s} {'accuracy':>8s} {'CV time':>8s}")
    for name, pred, secs in rows:
        print(f"  {name:44s} {f1_score(y, pred, average='macro'):8.4f} {accuracy_score(y, pred):8.4f} {secs:7.1f}s")
    _shipped_topic_on_real(X, y)


def _shipped_topic_on_real(X: pd.DataFrame, y: np.ndarray) -> None:
    """The model an office gets without training its own, on the real messages (never seen)."""
    from liuan_eval.text.models import _train
    from liuan_eval.text.topic import load_routing, route

    model = _train("topic")  # the shipped recipe, trained afresh (not a cached file of another release)
    P = model.predict_proba(X)
    classes = np.asarray(model.classes_, dtype=object)
    pred = classes[P.argmax(axis=1)]
    dept = route(pred, P.max(axis=1))
    auto = dept != load_routing()["manual_review"]
    print(f"  shipped model (trained on the generator's sample only, {len(classes)} topics) on all {len(y)}: "
          f"accuracy {accuracy_score(y, pred):.4f}; {1 - auto.mean():.1%} sent to manual review, "
          f"accuracy of the rest {accuracy_score(y[auto], pred[auto]):.4f}")


def bench_sentiment() -> None:
    from liuan_eval.text.sentiment import SentimentClassifier, normalize_sentiment_labels

    path = shared_data_or_none("sentiment", "weibo_virus_train.csv")
    if path is None:
        return
    w = pd.read_csv(path, dtype="str")
    labels, keep = normalize_sentiment_labels(w["label"])
    X = np.asarray(w["text"].fillna(""), dtype=object)[keep]
    y = labels[keep].astype(str).astype(object)

    def binary_acc(y_true, score):
        pn = np.isin(y_true, ["positive", "negative"])
        return float(np.mean((score[pn] > 0) == (y_true[pn] == "positive")))

    # trained model: 5-fold CV
    pred = np.empty(len(y), dtype=object)
    score = np.zeros(len(y))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=SEED).split(X, y):
        m = SentimentClassifier().fit(X[tr], y[tr])
        pred[te], score[te] = m.predict_with_score(X[te])
    f1_lin, acc_lin = f1_score(y, pred, average="macro"), binary_acc(y, score)
    model = SentimentClassifier().fit(X, y)
    many = np.resize(X, 50_000)
    t0 = time.perf_counter()
    model.predict_with_score(many)
    lin_rate = len(many) / (time.perf_counter() - t0)
    # SnowNLP as shipped, on a stratified sample of 1,000
    rng = np.random.default_rng(SEED)
    idx = np.sort(np.concatenate([rng.choice(np.flatnonzero(y == c), int(round(1000 * np.mean(y == c))),
                                             replace=False) for c in np.unique(y)]))
    snow = SentimentClassifier(method="snownlp").fit(X[:3], y[:3])
    snow.predict_with_score(X[:5])  # load SnowNLP's model outside the timing
    t0 = time.perf_counter()
    sp_pred, sp_score = snow.predict_with_score(X[idx])
    snow_rate = len(idx) / (time.perf_counter() - t0)
    f1_snow, acc_snow = f1_score(y[idx], sp_pred, average="macro"), binary_acc(y[idx], sp_score)
    f1_lin_s = f1_score(y[idx], pred[idx], average="macro")
    print(f"sentiment, weibo_virus_train mapped to 3 classes ({len(y)} texts); targets macro-F1 >= 0.82, "
          f"speed >= 100x SnowNLP")
    print(f"  {'model':38s} {'3-class macro-F1':>16s} {'binary acc':>10s} {'texts/s':>10s}")
    print(f"  {'SnowNLP as shipped (1,000-text sample)':38s} {f1_snow:16.4f} {acc_snow:10.4f} {snow_rate:10.0f}")
    print(f"  {'SentimentClassifier() (5-fold CV)':38s} {f1_lin:16.4f} {acc_lin:10.4f} {lin_rate:10.0f}")
    print(f"  (trained model on the same 1,000-text sample, CV predictions: macro-F1 {f1_lin_s:.4f})")
    print(f"  speed ratio trained / SnowNLP: {lin_rate / snow_rate:.0f}x")


def _million(n: int) -> pd.DataFrame:
    from liuan_eval.sample_data import generate_sample

    m = generate_sample(year=2025, seed=7).tables["messages"]
    reps = -(-n // len(m))
    idx = np.tile(np.arange(len(m)), reps)[:n]
    big = m.iloc[idx].reset_index(drop=True)
    serial = pd.Series(np.arange(n).astype(str), dtype="str")
    big["message_id"] = "B" + serial
    big["text"] = big["text"].astype("str") + "（编号" + serial + "）"
    big["user"] = "U" + pd.Series((np.arange(n) % 200_000).astype(str), dtype="str")
    return big


def bench_classify() -> None:
    import liuan_eval.text.models as models
    from liuan_eval.text.classify import classify_messages

    n = int(os.environ.get("BENCH_TEXT_N", 1_000_000))
    t0 = time.perf_counter()
    topic, tinfo = models.shipped_model("topic")
    sentiment, _ = models.shipped_model("sentiment")
    t_models = time.perf_counter() - t0
    big = _million(n)
    print(f"classify_messages on {n:,} generated messages (all distinct; shipped models, "
          f"ready in {t_models:.1f}s: loaded from the cache or trained on first use)")
    rss0 = peak_rss_mb()
    t0 = time.perf_counter()
    out = classify_messages(big, topic, sentiment)
    secs = time.perf_counter() - t0
    print(f"  {secs:.1f}s wall, {n / secs:,.0f} messages/s, peak RSS {peak_rss_mb():,.0f} MiB "
          f"(before: {rss0:,.0f} MiB)")
    print(f"  risk levels: {out['risk_level'].value_counts().to_dict()}")


def main() -> None:
    for part in (bench_topic, bench_sentiment, bench_classify):
        t0 = time.perf_counter()
        part()
        print(f"  ({part.__name__}: {time.perf_counter() - t0:.1f}s)", flush=True)


if __name__ == "__main__":
    main()
