"""Topic routing: which first-level topic a message is about, and who should handle it.

:class:`TopicClassifier` is a scikit-learn classifier over the title and the text of a
message: TF-IDF character n-grams of the title and of the body as two separate blocks
(so a short title is not drowned by a long body), optionally jieba words, a linear SVM,
and sigmoid calibration by internal cross-validation so that ``predict_proba`` is a
usable confidence. Optional extras, all fitted inside ``fit`` (never on a test fold):

* ``taxonomy`` — the message board's second- and third-level topic names as prior
  knowledge: their words (jieba) that belong to one first-level class only become that
  class's keywords, and each message gets, per class, ``log(1 + matches)`` in the
  whole message and in the title, scaled by ``keyword_weight`` (see
  :func:`taxonomy_keywords`). On the 962 real labeled messages this lifts the CV
  macro-F1 by about 0.015 (``docs/message_intelligence.md``);
* ``keywords`` — more class keywords, from a TOML file (``"default"``: the editable
  ``topic_keywords.toml`` shipped with the package, written from the departments'
  remits), merged with the taxonomy's into the same features. The shipped model uses
  them: trained on the generator's phrase banks alone it routes real messages far worse;
* ``unlabeled`` — unlabeled messages used for self-training: the character n-grams and
  their IDF are learnt from the labeled and the unlabeled messages together; a first linear
  SVM predicts the unlabeled messages, those with a decision margin (top score minus the
  second) above ``self_training_margin`` join the training set with their predicted topic,
  each weighing its margin (at most 1, as much as a label), and the model is fitted on all.

:func:`route` maps topics to the Lu'an body responsible through the editable
``routing.toml``; a confidence under its ``min_confidence`` routes to manual review.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from liuan_eval.text._toml import read_table_toml
from liuan_eval.text.features import CharNgramTfidf, as_title_body, jieba_tokens, joined

TAXONOMY_COLUMNS = ("一级分类", "二级分类", "三级分类")


#: Words of the taxonomy's names too general to point at one class.
TAXONOMY_STOPWORDS = frozenset({"其他", "管理", "问题", "服务", "工作"})


def taxonomy_keywords(taxonomy: pd.DataFrame | str | Path) -> dict[str, list[str]]:
    """Keywords of each first-level class from the second/third-level names of a taxonomy.

    Each second- or third-level name is cut into words (jieba); a word of two or more
    characters that occurs under one first-level class only is a keyword of that class
    (a word shared by two classes says nothing about either; a few generic words such as
    管理 and 其他 are left out).

    Parameters
    ----------
    taxonomy : DataFrame or path
        Columns ``一级分类, 二级分类[, 三级分类]`` (the message board's ``taxonomy.csv``).

    Returns
    -------
    dict
        First-level class -> sorted keywords (longest first is not implied).

    Raises
    ------
    KeyError
        When the first two columns are missing.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"一级分类": ["交通运输", "交通运输", "教育文体"],
    ...                   "二级分类": ["公交客运", "邮政管理", "学前教育"], "三级分类": ["线路", None, "幼儿园管理"]})
    >>> taxonomy_keywords(t)
    {'交通运输': ['公交', '客运', '线路', '邮政'], '教育文体': ['学前教育', '幼儿园']}
    """
    from liuan_eval.text.features import get_jieba

    if not isinstance(taxonomy, pd.DataFrame):
        taxonomy = pd.read_csv(taxonomy, dtype="str")
    missing = [c for c in TAXONOMY_COLUMNS[:2] if c not in taxonomy.columns]
    if missing:
        raise KeyError(f"taxonomy: missing column(s) {missing}; expected {list(TAXONOMY_COLUMNS)}")
    names = pd.concat([taxonomy[[TAXONOMY_COLUMNS[0], c]].set_axis(["topic", "name"], axis=1)
                       for c in TAXONOMY_COLUMNS[1:] if c in taxonomy.columns])
    names = names.dropna().astype("str").drop_duplicates()
    cut = get_jieba().lcut  # a few hundred short names: a loop is fine here
    pairs = pd.DataFrame([(t, w) for t, name in zip(names["topic"], names["name"]) for w in cut(name.strip())],
                         columns=["topic", "word"]).drop_duplicates()
    pairs = pairs[(pairs["word"].str.len() >= 2) & ~pairs["word"].isin(TAXONOMY_STOPWORDS)]
    classes_of = pairs.groupby("word")["topic"].nunique()
    pairs = pairs[pairs["word"].map(classes_of) == 1]
    return {t: sorted(g["word"]) for t, g in pairs.groupby("topic", sort=True)}


def load_topic_keywords(source=None) -> dict[str, list[str]]:
    """Class keywords from a dict, a TOML file with a ``[keywords]`` table, or the package's own.

    Parameters
    ----------
    source : dict, path, "default" or None
        ``None`` or ``"default"``: the shipped, editable ``topic_keywords.toml``.

    Returns
    -------
    dict
        Topic -> list of keywords (empty strings dropped).

    Raises
    ------
    ValueError
        Naming the file and what is wrong (not TOML, no ``[keywords]`` table, a topic
        whose value is not a list of strings).

    Examples
    --------
    >>> kw = load_topic_keywords()
    >>> len(kw), "邮政" in kw["交通运输"] or "公交" in kw["交通运输"]
    (15, True)
    >>> load_topic_keywords({"交通运输": ["公交", ""]})
    {'交通运输': ['公交']}
    """
    if isinstance(source, dict):
        data, src = {"keywords": source}, "keywords"
    else:
        data, src = read_table_toml(None if source in (None, "default") else source, "topic_keywords.toml")
    table = data.get("keywords")
    if not isinstance(table, dict):
        raise ValueError(f"{src}: needs a [keywords] table of topic = [\"word\", ...]")
    out = {}
    for topic, words in table.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ValueError(f"{src}: keywords of {topic!r} must be a list of strings, got {words!r}")
        out[str(topic)] = [w.strip() for w in words if w.strip()]
    return out


def _keyword_pattern(words) -> str:
    import re

    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


class TopicClassifier(ClassifierMixin, BaseEstimator):
    """Message topic classifier over title and text, with calibrated probabilities.

    Parameters
    ----------
    ngram_range : tuple of int
        Character n-gram range of both blocks.
    title_weight : float
        Weight of the title block against the body block.
    use_words : bool
        Add jieba word unigram blocks.
    C : float
        Inverse regularisation of the linear SVM.
    min_df : int
        Fewest training documents an n-gram must occur in.
    taxonomy : DataFrame, path or None
        A topic taxonomy (``一级分类, 二级分类, 三级分类``) whose names give each class
        keywords (see :func:`taxonomy_keywords`); only classes seen in ``y`` are used.
    keywords : dict, path, "default" or None
        More keywords per class: ``{topic: [word, ...]}``, a TOML file with a
        ``[keywords]`` table of that shape, or ``"default"`` for the package's
        ``topic_keywords.toml`` (see :func:`load_topic_keywords`).
    keyword_weight : float
        Scale of the keyword features (taxonomy and ``keywords``) against the TF-IDF blocks.
    unlabeled : sequence of str, DataFrame or None
        Unlabeled messages: their n-grams join the vocabulary (and the IDF), and they serve
        one round of self-training. On the 962 real messages, with 385 chosen labels and the
        other 385 of the pool unlabeled, this gives a CV macro-F1 of 0.873 (0.868 with the
        labeled messages' vocabulary and pseudo-labels above a margin of 0.5 only), with 100
        chosen labels 0.807 (0.772; ``docs/status.md``, 10 seeds).
    self_training_margin : float
        Decision margin (top score minus second) above which an unlabeled message joins
        the training set (weighing its margin, at most 1). 0 (default): every message the
        first model does not leave tied; 0.5 and unit weights before 2026-12-02.
    calibration_cv : int
        Folds of the internal sigmoid calibration.

    Attributes
    ----------
    classes_ : ndarray
        Topic labels.
    n_pseudo_labeled_ : int
        Unlabeled messages added by self-training.

    Examples
    --------
    >>> X = ["公交车晚点", "公交线路调整", "地铁站拥挤", "学校收费", "学生减负", "教师工资"] * 3
    >>> y = ["交通运输"] * 3 + ["教育文体"] * 3
    >>> clf = TopicClassifier(calibration_cv=2).fit(X, y * 3)
    >>> clf.predict(["公交站台"]).tolist()
    ['交通运输']
    >>> clf.predict_proba(["公交站台"]).shape
    (1, 2)
    """

    def __init__(self, ngram_range=(1, 2), title_weight=1.0, use_words=False, C=0.5, min_df=2,
                 taxonomy=None, keywords=None, keyword_weight=0.1, unlabeled=None, self_training_margin=0.0,
                 calibration_cv=3):
        self.ngram_range = ngram_range
        self.title_weight = title_weight
        self.use_words = use_words
        self.C = C
        self.min_df = min_df
        self.taxonomy = taxonomy
        self.keywords = keywords
        self.keyword_weight = keyword_weight
        self.unlabeled = unlabeled
        self.self_training_margin = self_training_margin
        self.calibration_cv = calibration_cv

    def __setstate__(self, state):
        # model files written before the keyword features: they had none
        state.setdefault("keywords", None)
        state.setdefault("keyword_weight", 0.1)
        if "model_" in state:
            state.setdefault("keyword_patterns_", {})
        super().__setstate__(state)

    # --- features -------------------------------------------------------------------------
    def _blocks(self):
        def char():
            return CharNgramTfidf(ngram_range=tuple(self.ngram_range), min_df=self.min_df)

        def word():
            return TfidfVectorizer(analyzer=jieba_tokens, sublinear_tf=True, min_df=1, dtype=np.float32)

        blocks = [("title", char(), float(self.title_weight)), ("body", char(), 1.0)]
        if self.use_words:
            blocks += [("title", word(), float(self.title_weight)), ("body", word(), 1.0)]
        return blocks

    def _transform(self, titles, bodies):
        keywords = self._keyword_features(titles, bodies) if self.keyword_patterns_ else None
        if not any(src == "title" for src, _, _ in self.vectorizers_):
            bodies = joined(titles, bodies)  # trained on bodies only: the title joins the body
        mats = [w * v.transform(titles if src == "title" else bodies) for src, v, w in self.vectorizers_]
        if keywords is not None:
            mats.append(keywords)
        return sp.hstack(mats, format="csr")

    def _keyword_features(self, titles, bodies):
        """Per class: log(1 + keyword matches) in the whole message, then in the title."""
        t = pd.Series(titles, dtype="str")
        whole = pd.Series(joined(titles, bodies), dtype="str")
        cols = [np.log1p(part.str.count(pat).to_numpy(dtype=float))
                for part in (whole, t) for pat in self.keyword_patterns_.values()]
        return sp.csr_matrix(float(self.keyword_weight) * np.column_stack(cols))

    def _fit_model(self, X, y, sample_weight=None):
        n_min = int(pd.Series(y).value_counts().min())
        cv = min(int(self.calibration_cv), n_min)
        if cv >= 2:
            model = CalibratedClassifierCV(LinearSVC(C=self.C, random_state=0), method="sigmoid", cv=cv, ensemble=False)
        else:  # too few examples of a class to calibrate: plain SVM with softmax scores
            model = LinearSVC(C=self.C, random_state=0)
        return model.fit(X, y, sample_weight=sample_weight)

    # --- estimator API ----------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None):
        """Fit on messages ``X`` (texts, (title, text) pairs or a DataFrame) and topics ``y``.

        ``sample_weight`` (optional, one per message) weighs each label in the SVM and its
        calibration: :func:`liuan_eval.text.learn.train_from_history` gives the office's own
        labels more weight than generated sample text.
        """
        titles, bodies = as_title_body(X)
        y = np.asarray(pd.Series(np.asarray(y, dtype=object)).astype("str"), dtype=object)
        if len(y) != len(titles):
            raise ValueError(f"X has {len(titles)} messages but y has {len(y)} labels")
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float)
            if sample_weight.shape != (len(y),):
                raise ValueError(f"sample_weight has {sample_weight.size} values for {len(y)} messages")
        if pd.isna(pd.Series(y)).any():
            raise ValueError("y holds missing labels; drop those messages or label them")
        if len(np.unique(y)) < 2:
            raise ValueError(f"need at least 2 topics to learn from, got {np.unique(y).tolist()}")
        keywords: dict[str, set] = {}
        for source in (taxonomy_keywords(self.taxonomy) if self.taxonomy is not None else {},
                       load_topic_keywords(self.keywords) if self.keywords is not None else {}):
            for t, words in source.items():
                keywords.setdefault(t, set()).update(words)
        self.keyword_patterns_ = {t: _keyword_pattern(keywords[t]) for t in np.unique(y) if keywords.get(t)}
        unlabeled = as_title_body(self.unlabeled) if self.unlabeled is not None else None
        if unlabeled is not None and not len(unlabeled[0]):
            unlabeled = None  # an empty set of unlabeled messages is none at all
        if unlabeled is not None:
            # the vocabulary and IDF from every message at hand, labeled or not: the n-grams of
            # the unlabeled messages become features their pseudo-labels can teach
            vocab_titles, vocab_bodies = (np.concatenate([a, b]) for a, b in zip((titles, bodies), unlabeled))
        else:
            vocab_titles, vocab_bodies = titles, bodies
        self.vectorizers_ = []
        for src, v, w in self._blocks():
            try:
                v.fit(vocab_titles if src == "title" else vocab_bodies)
            except ValueError:  # e.g. no titles at all: the block is left out
                continue
            self.vectorizers_.append((src, v, w))
        if not self.vectorizers_:
            raise ValueError("the training messages have no usable text (all titles and texts empty)")
        Xm = self._transform(titles, bodies)
        self.n_pseudo_labeled_ = 0
        if unlabeled is not None:
            Xu = self._transform(*unlabeled)
            svm = LinearSVC(C=self.C, random_state=0).fit(Xm, y, sample_weight=sample_weight)
            dec = svm.decision_function(Xu)
            if dec.ndim == 2:  # with two topics the scores are one column: no self-training
                top2 = np.sort(dec, axis=1)[:, -2:]
                margin = top2[:, 1] - top2[:, 0]
                pick = margin > self.self_training_margin
                if pick.any():
                    # a pseudo-label weighs as much as the model is sure of it (its margin, at most 1)
                    pseudo_weight = np.minimum(margin[pick], 1.0)
                    Xm = sp.vstack([Xm, Xu[pick]], format="csr")
                    y = np.concatenate([y, svm.classes_[dec.argmax(axis=1)][pick]])
                    base = np.ones(len(y) - len(pseudo_weight)) if sample_weight is None else sample_weight
                    sample_weight = np.concatenate([base, pseudo_weight])
                    self.n_pseudo_labeled_ = int(pick.sum())
        model = self._fit_model(Xm, y, sample_weight)
        self.model_ = model
        self.classes_ = model.classes_
        return self

    def decision_function(self, X):
        """Per-class scores of the underlying model."""
        return self.predict_proba(X)

    def predict_proba(self, X):
        """Calibrated probability of each topic (columns in ``classes_`` order)."""
        check_is_fitted(self, "model_")
        titles, bodies = as_title_body(X)
        Xm = self._transform(titles, bodies)
        if hasattr(self.model_, "predict_proba"):
            return self.model_.predict_proba(Xm)
        d = self.model_.decision_function(Xm)
        if d.ndim == 1:
            d = np.column_stack([-d, d])
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most probable topic of each message."""
        P = self.predict_proba(X)
        return self.classes_[P.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


class KeywordTopicClassifier(ClassifierMixin, BaseEstimator):
    """Zero-shot topic model: the taxonomy's and the keyword list's words only, no labeled message.

    Each class scores ``log(1 + matches)`` of its keywords in the whole message plus the
    same in the title; the probabilities are a softmax of ``scores / temperature`` (a message
    matching no keyword gets equal probabilities, so it goes to manual review). It is the
    first point of the learning curves (``benchmarks/bench_learning.py``) and picks the
    first messages to confirm when an office has no labels yet.

    Parameters
    ----------
    taxonomy : DataFrame, path or None
        As for :class:`TopicClassifier`.
    keywords : dict, path, "default" or None
        As for :class:`TopicClassifier` (``"default"``: ``topic_keywords.toml``).
    temperature : float
        Softness of the probabilities.

    Examples
    --------
    >>> m = KeywordTopicClassifier(keywords={"交通运输": ["公交"], "教育文体": ["学校"]}).fit()
    >>> m.predict(["公交站台太远", "学校收费"]).tolist()
    ['交通运输', '教育文体']
    >>> m.predict_proba(["天气不错"]).round(2).tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, taxonomy=None, keywords="default", temperature=0.5):
        self.taxonomy = taxonomy
        self.keywords = keywords
        self.temperature = temperature

    def fit(self, X=None, y=None):
        """Build the keyword patterns (``X`` and ``y`` are ignored: nothing is learnt from labels)."""
        words: dict[str, set] = {}
        for source in (taxonomy_keywords(self.taxonomy) if self.taxonomy is not None else {},
                       load_topic_keywords(self.keywords) if self.keywords is not None else {}):
            for t, ws in source.items():
                words.setdefault(t, set()).update(ws)
        words = {t: w for t, w in words.items() if w}
        if len(words) < 2:
            raise ValueError("a keyword model needs the keywords of at least 2 topics")
        self.classes_ = np.asarray(sorted(words), dtype=object)
        self.patterns_ = [_keyword_pattern(words[t]) for t in self.classes_]
        return self

    def decision_function(self, X):
        """Per-class keyword score (whole message plus title)."""
        check_is_fitted(self, "patterns_")
        titles, bodies = as_title_body(X)
        t = pd.Series(titles, dtype="str")
        whole = pd.Series(joined(titles, bodies), dtype="str")
        return np.column_stack([np.log1p(whole.str.count(p).to_numpy(dtype=float))
                                + np.log1p(t.str.count(p).to_numpy(dtype=float)) for p in self.patterns_])

    def predict_proba(self, X):
        """Softmax of the keyword scores."""
        d = self.decision_function(X) / float(self.temperature)
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Topic with the highest keyword score."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def load_routing(path: str | Path | None = None) -> dict:
    """The routing table: ``{"departments": {topic: body}, "min_confidence", "manual_review"}``.

    Examples
    --------
    >>> load_routing()["departments"]["卫生计生"]
    '六安市卫生健康委员会'
    """
    data, src = read_table_toml(path, "routing.toml")
    if not isinstance(data.get("departments"), dict):
        raise ValueError(f"{src}: needs a [departments] table mapping topic to body")
    data.setdefault("min_confidence", 0.5)
    data.setdefault("manual_review", "人工分办")
    return data


def route(topics, confidence, routing: dict | str | Path | None = None) -> np.ndarray:
    """The body responsible for each topic; manual review when unsure or unknown.

    Examples
    --------
    >>> route(["交通运输", "交通运输", "外星人"], [0.9, 0.2, 0.99]).tolist()
    ['六安市交通运输局', '人工分办', '人工分办']
    """
    table = routing if isinstance(routing, dict) else load_routing(routing)
    t = pd.Series(np.asarray(topics, dtype=object), dtype="str")
    dept = t.map(table["departments"])
    conf = np.asarray(confidence, dtype=float)
    unsure = (conf < float(table["min_confidence"])) | dept.isna().to_numpy()
    return np.where(unsure, table["manual_review"], dept.fillna("").to_numpy(dtype=object)).astype(object)
