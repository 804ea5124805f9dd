"""``classify_messages``: topic, department, sentiment, risk and reply quality in one pass."""
from __future__ import annotations

import numpy as np
import pandas as pd

from liuan_eval.text.features import ModelTexts, model_text
from liuan_eval.text.reply_quality import REPLY_COLUMNS, _assess_replies
from liuan_eval.text.risk import _assess_risk
from liuan_eval.text.topic import load_routing, route

ADDED_COLUMNS = ["topic", "topic_confidence", "topic_source", "department", "sentiment", "sentiment_score",
                 "risk_level", "risk_reasons"]
CHUNK = 50_000
#: A message with fewer Chinese characters than this (title and text together) is too little
#: to route: whatever the model's confidence, it goes to manual review.
MIN_CHINESE_CHARS = 4


def _resolve(model, kind):
    from liuan_eval.text.models import load_model, shipped_model

    if model is None:
        return shipped_model(kind)
    if isinstance(model, str) or hasattr(model, "__fspath__"):
        return load_model(model, kind)
    return model, {"kind": kind, "trained_on": "given in memory"}


def _own_model(model) -> bool:
    """Whether ``model`` is one of the package's own classes, which take :class:`ModelTexts` (a subclass
    or any other estimator gets the DataFrame)."""
    from liuan_eval.text.sentiment import SentimentClassifier
    from liuan_eval.text.topic import KeywordTopicClassifier, TopicClassifier

    return type(model) in (TopicClassifier, KeywordTopicClassifier, SentimentClassifier)


def classify_messages(messages: pd.DataFrame, topic_model=None, sentiment_model=None, *,
                      routing=None, lexicon=None, use_given_topic: bool = True, reply_corpus=None) -> pd.DataFrame:
    """Add topic, responsible body, sentiment, risk and reply quality to each message.

    Parameters
    ----------
    messages : pandas.DataFrame
        Canonical messages (``title`` and/or ``text`` needed; ``user``, ``unit``,
        ``reply_text`` used when present).
    topic_model, sentiment_model : estimator, path or None
        A fitted :class:`~liuan_eval.text.TopicClassifier` /
        :class:`~liuan_eval.text.SentimentClassifier`, a model file written by
        ``liuan-eval train-*``, or ``None`` for the models the package ships
        (trained on its sample data, see :mod:`liuan_eval.text.models`).
    routing : dict or path, optional
        Routing table (default the shipped ``routing.toml``).
    lexicon : path, optional
        Risk lexicon (default the shipped ``risk_lexicon.toml``).
    use_given_topic : bool
        Keep a non-empty ``topic`` already in the input (confidence 1,
        ``topic_source = "given"``) instead of the model's.
    reply_corpus : liuan_eval.text.reply_quality.ReplyCorpus, optional
        The whole table's, when ``messages`` is one partition of it (the Dask engine); default from ``messages``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``messages`` (same index) with ``topic``, ``topic_confidence``,
        ``topic_source`` (given/model/empty), ``department``, ``sentiment``
        (positive/neutral/negative), ``sentiment_score`` ([-1, 1]), ``risk_level``
        (none/low/medium/high), ``risk_reasons`` and, when ``reply_text`` exists, the
        reply-quality columns of :func:`~liuan_eval.text.reply_quality.assess_replies`.
        Messages with neither title nor text get no topic (``topic_source="empty"``,
        routed to manual review) and no sentiment (NA); a message with fewer than
        :data:`MIN_CHINESE_CHARS` Chinese characters keeps the model's topic but is routed
        to manual review whatever the confidence (too little to route; nonsense or foreign
        text can look confident).

    Examples
    --------
    >>> import pandas as pd
    >>> from liuan_eval.text import TopicClassifier, SentimentClassifier
    >>> X = ["公交车晚点", "公交线路太少", "学校乱收费", "学生作业太多"] * 3
    >>> tm = TopicClassifier(calibration_cv=2).fit(X, ["交通运输", "交通运输", "教育文体", "教育文体"] * 3)
    >>> sm = SentimentClassifier().fit(["太好了", "太差了", "请问"] * 2, ["正面", "负面", "中性"] * 2)
    >>> m = pd.DataFrame({"message_id": ["1", "2"], "title": ["公交车晚点", ""], "text": ["太差了", ""]})
    >>> out = classify_messages(m, tm, sm)
    >>> out[["topic", "topic_source", "sentiment"]].astype(object).values.tolist()
    [['交通运输', 'model', 'negative'], [nan, 'empty', nan]]
    """
    if not isinstance(messages, pd.DataFrame):
        raise TypeError(f"classify_messages expects the messages table as a DataFrame, got {type(messages)}")
    if "title" not in messages.columns and "text" not in messages.columns:
        raise KeyError("classify_messages: the messages table needs a `title` or a `text` column; "
                       f"columns present: {list(messages.columns)}")
    tmodel, _ = _resolve(topic_model, "topic")
    smodel, _ = _resolve(sentiment_model, "sentiment")
    table = routing if isinstance(routing, dict) else load_routing(routing)
    n = len(messages)
    out = messages.copy(deep=False)  # copy-on-write: the input is never modified
    if n == 0:
        for c in ADDED_COLUMNS:
            out[c] = pd.Series([], dtype="Float64" if c in ("topic_confidence", "sentiment_score") else "str")
        return out
    # each text is prepared once (model_text) and handed on prepared to the models, risk and reply quality
    blank = pd.Series([""] * n, index=messages.index)
    title = model_text(messages["title"] if "title" in messages else blank)
    text = model_text(messages["text"] if "text" in messages else blank)
    own = _own_model(tmodel), _own_model(smodel)
    empty = ((title.str.len() == 0) & (text.str.len() == 0)).to_numpy()
    # each distinct (title, text) is classified once
    # (pairs of integer codes, not concatenated strings: a million texts are not copied)
    tcode, tuniq = pd.factorize(title)
    xcode, xuniq = pd.factorize(text)
    base = max(len(xuniq), 1)
    codes, upair = pd.factorize(tcode.astype(np.int64) * base + xcode)
    utitle = np.asarray(tuniq, dtype=object)[upair // base]
    utext = np.asarray(xuniq, dtype=object)[upair % base]
    del tcode, xcode, tuniq, xuniq
    m = len(utitle)
    # the characters themselves, not \u escapes: pandas then counts in pyarrow, not in Python row by row
    han = pd.Series(utitle, dtype="str").str.count("[\u4e00-\u9fff]") + pd.Series(utext, dtype="str").str.count(
        "[\u4e00-\u9fff]")
    too_little = (han.to_numpy() < MIN_CHINESE_CHARS)[codes]
    utopic = np.empty(m, dtype=object)
    uconf = np.zeros(m)
    ulab = np.empty(m, dtype=object)
    uscore = np.zeros(m)
    for s in range(0, m, CHUNK):
        prepared = ModelTexts(utitle[s:s + CHUNK], utext[s:s + CHUNK])
        frame = pd.DataFrame({"title": utitle[s:s + CHUNK], "text": utext[s:s + CHUNK]}) if not all(own) else None
        P = tmodel.predict_proba(prepared if own[0] else frame)
        utopic[s:s + CHUNK] = np.asarray(tmodel.classes_, dtype=object)[P.argmax(axis=1)]
        uconf[s:s + CHUNK] = P.max(axis=1)
        lab, score = smodel.predict_with_score(prepared if own[1] else frame)
        ulab[s:s + CHUNK], uscore[s:s + CHUNK] = lab, score
    topic = utopic[codes] if m else np.empty(0, dtype=object)
    conf = uconf[codes] if m else np.empty(0)
    source = np.where(empty, "empty", "model").astype(object)
    if use_given_topic and "topic" in messages.columns:
        given = messages["topic"].astype("str").str.strip()
        has = (given.fillna("").str.len() > 0).to_numpy()
        topic = np.where(has, given.to_numpy(dtype=object, na_value=None), topic)
        conf = np.where(has, 1.0, conf)
        source = np.where(has, "given", source)
    no_topic = source == "empty"
    topic = np.where(no_topic, None, topic)
    conf = np.where(no_topic, 0.0, conf)
    out["topic"] = pd.array(topic, dtype="str")
    out["topic_confidence"] = pd.array(np.round(conf, 4), dtype="Float64")
    out["topic_source"] = pd.array(source, dtype="str")
    department = route(np.where(no_topic, "", topic), conf, table)
    department = np.where(too_little & (source == "model"), table["manual_review"], department)
    out["department"] = pd.array(department, dtype="str")
    sent = ulab[codes] if m else np.empty(0, dtype=object)
    score = uscore[codes] if m else np.empty(0)
    out["sentiment"] = pd.array(np.where(empty, None, sent), dtype="str")
    out["sentiment_score"] = pd.array(np.where(empty, np.nan, np.round(score, 4)), dtype="Float64")
    risk = _assess_risk(out, title + " " + text if "text" in messages else title, out["sentiment"], lexicon=lexicon)
    out["risk_level"] = risk["risk_level"]
    out["risk_reasons"] = risk["risk_reasons"]
    if "reply_text" in messages.columns:
        rq = _assess_replies(out, corpus=reply_corpus, title=title, text=text)
        for c in REPLY_COLUMNS:
            out[c] = rq[c]
    return out
