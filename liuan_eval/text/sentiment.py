"""Sentiment of a message: positive, neutral or negative, and a score in [-1, 1].

One interface, two models (:class:`SentimentClassifier` ``method``):

``"linear"`` (default)
    TF-IDF character n-grams and a multinomial logistic regression with balanced class
    weights, trained on labeled texts (the package's own sample data, or an office's
    labeled history with ``liuan-eval train-sentiment``). Vectorised; tens of thousands
    of texts a second.
``"snownlp"``
    SnowNLP as shipped (its product-review model): ``s = SnowNLP(text).sentiments`` in
    [0, 1]; negative below ``snownlp_low``, positive above ``snownlp_high``, neutral
    between. Needs no training (``fit`` only records the classes). One Python call per
    text: a few hundred texts a second.

The score is ``P(positive) - P(negative)`` for the linear model and ``2 s - 1`` for
SnowNLP. Labels are normalised by :func:`normalize_sentiment_labels`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from liuan_eval.text.features import CharNgramTfidf, as_title_body, joined

SENTIMENTS = ("negative", "neutral", "positive")
SENTIMENT_LABELS = {"positive": "正面", "neutral": "中性", "negative": "负面"}

#: spelling (lower-case) -> canonical class; ``None`` = dropped on purpose (not a polarity)
LABEL_ALIASES: dict[str, str | None] = {
    **{k: "positive" for k in ["positive", "pos", "p", "+", "+1", "正面", "积极", "正向", "好评", "褒",
                                "happy", "joy", "like", "喜悦", "高兴", "快乐", "喜欢", "好"]},
    **{k: "negative" for k in ["negative", "neg", "n", "-", "-1", "负面", "消极", "负向", "差评", "贬",
                                "angry", "anger", "sad", "sadness", "fear", "disgust", "愤怒", "生气",
                                "悲伤", "难过", "恐惧", "害怕", "厌恶", "差"]},
    **{k: "neutral" for k in ["neutral", "neu", "neural", "none", "other", "中性", "中立", "客观",
                               "无情绪", "一般"]},
    **{k: None for k in ["surprise", "惊讶", "惊奇"]},
}


class UnknownLabelError(ValueError):
    """Sentiment labels that are not understood; ``counts`` maps each to its number of rows."""

    def __init__(self, counts: dict[str, int], message: str):
        super().__init__(message)
        self.counts = counts


def normalize_sentiment_labels(labels) -> tuple[np.ndarray, np.ndarray]:
    """Map label spellings to ``positive``/``neutral``/``negative``.

    Accepted: 正面/负面/中性 (and 积极/消极…), pos/neg/neu, 1/0 (binary: 1 positive,
    0 negative) or 1/0/-1 (three-way), and emotions happy → positive, neural/neutral →
    neutral, angry/sad/fear/disgust → negative. ``surprise`` (惊讶) has no polarity and is
    dropped (its rows are marked in ``keep``).

    Returns
    -------
    (labels, keep) : object array of canonical labels (``None`` where dropped) and a
        boolean mask of the rows kept.

    Raises
    ------
    UnknownLabelError
        A ``ValueError`` listing every label that is not understood, with its count
        (``counts``).
    ValueError
        Rows without a label.

    Examples
    --------
    >>> normalize_sentiment_labels(["正面", "neg", "happy", "surprise"])[0].tolist()
    ['positive', 'negative', 'positive', None]
    >>> normalize_sentiment_labels([1, 0, -1])[0].tolist()
    ['positive', 'neutral', 'negative']
    >>> normalize_sentiment_labels(["好评", "maybe"])
    Traceback (most recent call last):
    ...
    liuan_eval.text.sentiment.UnknownLabelError: unknown sentiment label(s): 'maybe' (1 row(s)); accepted: 正面/负面/中性, pos/neg/neu, 1/0 or 1/0/-1, happy/angry/sad/fear/neural (surprise is dropped)
    """
    s = pd.Series(np.asarray(labels, dtype=object)).astype("str").str.strip().str.lower()
    s = s.str.replace(r"\.0$", "", regex=True)
    if s.isna().any():
        raise ValueError(f"{int(s.isna().sum())} row(s) have no sentiment label; label or drop them")
    values = set(s.unique())
    mapping = dict(LABEL_ALIASES)
    if values <= {"1", "0", "-1", "2"} and "2" in values:
        mapping.update({"2": "positive", "1": "neutral", "0": "negative"})
    elif values <= {"1", "0", "-1"} and "-1" in values:
        mapping.update({"1": "positive", "0": "neutral", "-1": "negative"})
    else:
        mapping.update({"1": "positive", "0": "negative"})
    unknown = s[~s.isin(list(mapping))]
    if len(unknown):
        counts = unknown.value_counts()
        listed = ", ".join(f"{k!r} ({v} row(s))" for k, v in counts.items())
        raise UnknownLabelError({str(k): int(v) for k, v in counts.items()},
                                f"unknown sentiment label(s): {listed}; accepted: 正面/负面/中性, pos/neg/neu, "
                                "1/0 or 1/0/-1, happy/angry/sad/fear/neural (surprise is dropped)")
    out = np.asarray(s.map(mapping).astype(object), dtype=object)
    out = np.where(pd.isna(out), None, out).astype(object)
    keep = np.asarray([v is not None for v in out])
    return out, keep


def _snownlp_scores(texts: np.ndarray) -> np.ndarray:
    from snownlp import SnowNLP

    out = np.full(len(texts), 0.5)
    for i, t in enumerate(texts):  # SnowNLP has no batch API: one call per text
        if t:
            out[i] = SnowNLP(t).sentiments
    return out


class SentimentClassifier(ClassifierMixin, BaseEstimator):
    """Three-class sentiment (negative, neutral, positive) with a score in [-1, 1].

    Parameters
    ----------
    method : {"linear", "snownlp"}
        Trained linear model, or SnowNLP as shipped.
    ngram_range : tuple of int
        Character n-grams of the linear model.
    C : float
        Inverse regularisation of the logistic regression.
    class_weight : "balanced" or None
        Class weighting of the logistic regression.
    snownlp_low, snownlp_high : float
        SnowNLP probability cut-offs for negative and positive.

    Attributes
    ----------
    classes_ : ndarray
        ``['negative', 'neutral', 'positive']`` (those seen in training for the
        linear model).

    Examples
    --------
    >>> X = ["太好了谢谢", "非常满意点赞", "气死了垃圾", "太差了投诉", "请问几点开门", "咨询一下流程"]
    >>> y = ["正面", "正面", "负面", "负面", "中性", "中性"]
    >>> clf = SentimentClassifier().fit(X * 2, y * 2)
    >>> clf.predict(["太好了点赞"]).tolist()
    ['positive']
    >>> float(clf.score_texts(["太好了点赞"])[0]) > 0
    True
    """

    def __init__(self, method="linear", ngram_range=(1, 2), C=10.0, class_weight="balanced",
                 snownlp_low=0.3, snownlp_high=0.7):
        self.method = method
        self.ngram_range = ngram_range
        self.C = C
        self.class_weight = class_weight
        self.snownlp_low = snownlp_low
        self.snownlp_high = snownlp_high

    @staticmethod
    def _texts(X) -> np.ndarray:
        t, b = as_title_body(X)
        return joined(t, b)

    def fit(self, X, y):
        """Fit on texts ``X`` and labels ``y`` (any spelling :func:`normalize_sentiment_labels` knows)."""
        if self.method not in ("linear", "snownlp"):
            raise ValueError(f"method must be 'linear' or 'snownlp', got {self.method!r}")
        texts = self._texts(X)
        labels, keep = normalize_sentiment_labels(y)
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        texts, labels = texts[keep], labels[keep].astype(str)
        if self.method == "snownlp":
            self.classes_ = np.asarray(SENTIMENTS, dtype=object)
            self.n_train_ = int(len(texts))
            return self
        if len(np.unique(labels)) < 2:
            raise ValueError(f"need at least 2 sentiment classes to learn from, got {np.unique(labels)}")
        self.vectorizer_ = CharNgramTfidf(ngram_range=tuple(self.ngram_range))
        Xm = self.vectorizer_.fit_transform(texts)
        self.model_ = LogisticRegression(C=self.C, max_iter=3000, class_weight=self.class_weight)
        self.model_.fit(Xm, labels)
        self.classes_ = np.asarray(self.model_.classes_, dtype=object)
        self.n_train_ = int(len(texts))
        return self

    def predict_proba(self, X):
        """Probability of each class (``classes_`` order); SnowNLP gives ``[1-s, 0, s]``-like rows."""
        check_is_fitted(self, "classes_")
        texts = self._texts(X)
        if self.method == "snownlp":
            s = _snownlp_scores(texts)
            neu = ((s >= self.snownlp_low) & (s <= self.snownlp_high)).astype(float)
            return np.column_stack([(1 - s) * (1 - neu), neu, s * (1 - neu)])
        return self.model_.predict_proba(self.vectorizer_.transform(texts))

    def _score_from_proba(self, P):
        cls = list(self.classes_)
        pos = P[:, cls.index("positive")] if "positive" in cls else 0.0
        neg = P[:, cls.index("negative")] if "negative" in cls else 0.0
        return pos - neg

    def predict(self, X):
        """The class of each text."""
        P = self.predict_proba(X)
        return self.classes_[P.argmax(axis=1)]

    def predict_with_score(self, X) -> tuple[np.ndarray, np.ndarray]:
        """``(labels, scores)`` in one pass; scores in [-1, 1]."""
        check_is_fitted(self, "classes_")
        if self.method == "snownlp":
            s = _snownlp_scores(self._texts(X))
            lab = np.where(s < self.snownlp_low, "negative",
                           np.where(s > self.snownlp_high, "positive", "neutral")).astype(object)
            return lab, 2 * s - 1
        P = self.predict_proba(X)
        return self.classes_[P.argmax(axis=1)], self._score_from_proba(P)

    def score_texts(self, X) -> np.ndarray:
        """Sentiment score in [-1, 1] (``P(positive) - P(negative)``; SnowNLP ``2 s - 1``)."""
        return self.predict_with_score(X)[1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
