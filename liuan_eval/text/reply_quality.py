"""Quality of the replies to answered messages: relevance, completeness, boilerplate.

The 2016 notice (三(四), criterion C09) asks for replies that are direct, specific and
plain. Three measurable proxies, computed over the whole column at once:

``reply_relevance`` (0–1)
    Cosine similarity of TF-IDF character bigrams between the message (title and text)
    and the reply, fitted on both (idf from at most 5,000 answered messages). A reply that talks about what was asked shares its
    words; a stock answer does not.
``reply_has_action`` / ``reply_has_time`` / ``reply_completeness``
    Whether the reply says what was done or will be done (已…、经核查、责成、整改、
    维修…) and when (a date, 目前、近日、…工作日内、月底前…); completeness is their
    mean (0, 0.5 or 1).
``reply_boilerplate`` (0–1), ``reply_is_boilerplate``
    Share of the reply's characters lying in clauses (split on 。！？；!?; and line
    breaks) that recur verbatim in at least ``max(3, 1 %)`` of the replies of the table,
    or that are stock phrases (留言收悉、感谢您的关注…). A reply is boilerplate when
    this share is at least 0.6.
``reply_quality`` (0–1)
    ``(min(relevance / 0.3, 1) + completeness + (1 - boilerplate)) / 3``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from liuan_eval.text.features import CharNgramTfidf, model_text

REPLY_COLUMNS = ["reply_relevance", "reply_has_action", "reply_has_time", "reply_completeness",
                 "reply_boilerplate", "reply_is_boilerplate", "reply_quality"]

ACTION = (r"已(?:经)?(?:[\u4e00-\u9fff]{0,4})(?:处理|解决|修复|维修|整改|完成|落实|安排|协调|清理|拆除|"
          r"督促|责成|约谈|立案|查处|核实|调查|办理|更换|发放|退还|补发|开工|恢复|关停|取缔|处罚)"
          r"|经(?:核查|调查|核实|了解|查)|责成|已责令|现场(?:查看|核查|检查)|督促|立即|安排专人|"
          r"将(?:于|在|尽快)|计划|拟|正在(?:处理|实施|施工|推进|办理)")
TIME = (r"\d{1,4}\s*年|\d{1,2}\s*月\s*\d{0,2}\s*日?|\d{1,2}\s*日|目前|近日|日前|当天|当日|今天|"
        r"本周|下周|本月|月底|年底|年内|\d+\s*个?(?:工作日|天|周|月)内|近期|即日起|(?:上|下)半年")
STOCK = (r"留言(?:已)?收悉|来信(?:已)?收悉|感谢您?(?:对我们工作|的)(?:关注|支持|理解)|"
         r"已(?:转交|转至|转办)(?:相关|有关)部门|请(?:您)?(?:耐心)?等待|"
         r"(?:如有|若有)(?:疑问|问题).{0,10}(?:咨询|联系)|您好|网友您好")
_CLAUSE = r"[。！？；!?;\n]+"


@functools.cache
def _re2_patterns() -> tuple[str, str]:
    """:data:`ACTION` and :data:`TIME` spelt without ``\\uXXXX``, ``\\d`` and ``\\s`` (each replaced by the
    explicit characters Python's ``re`` gives it), so that pandas runs them in pyarrow (RE2) instead of
    Python row by row; the same strings match."""
    import re
    import sys

    from liuan_eval.text.features import _SPACE_CHARS

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    digits = [ord(c) for c in re.findall(r"\d", every)]  # what re's \d matches, in code point order
    starts = [c for i, c in enumerate(digits) if i == 0 or digits[i - 1] != c - 1]
    ends = [c for i, c in enumerate(digits) if i == len(digits) - 1 or digits[i + 1] != c + 1]
    digit = "[" + "".join(f"{chr(a)}-{chr(b)}" if b > a else chr(a) for a, b in zip(starts, ends)) + "]"
    space = "[" + _SPACE_CHARS + "]"
    action = ACTION.replace(r"\u4e00-\u9fff", "\u4e00-\u9fff")
    time = TIME.replace(r"\d", digit).replace(r"\s", space)
    return action, time


FIT_SAMPLE = 5_000
CHUNK = 20_000


def _clause_table(replies: pd.Series, rows: np.ndarray):
    """Clauses of some replies as arrays: reply row, clause hash, clause length, stock phrase.

    The replies are split in pyarrow (RE2; the pieces of a split on runs of separators are the same as
    Python's ``re.split``), the empty pieces dropped.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(replies.astype("str").fillna(""))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    lists = pc.split_pattern_regex(arr, _CLAUSE)
    pos = np.asarray(pc.list_parent_indices(lists), dtype=np.int64)  # position within ``replies``
    flat = pc.list_flatten(lists)
    length = np.asarray(pc.utf8_length(flat), dtype=np.int64)
    keep = length > 0
    flat = flat.filter(pa.array(keep))
    stock = np.asarray(pc.match_substring_regex(flat, STOCK), dtype=bool)
    return (rows[pos[keep]], pd.util.hash_array(flat.to_numpy(zero_copy_only=False)), length[keep], stock)


def _clauses(reply: pd.Series, a: np.ndarray):
    """The answered replies' clauses (rows ``a`` of ``reply``) as 64-bit hashes, chunk by chunk (a year
    of replies never exists as one exploded table of Python strings): row, key, length, stock phrase."""
    parts = [_clause_table(reply.iloc[a[s:s + CHUNK]].reset_index(drop=True), a[s:s + CHUNK])
             for s in range(0, len(a), CHUNK)]
    return tuple(np.concatenate(x) for x in zip(*parts)) if parts else None


def _clause_freq(clauses) -> pd.Series:
    """In how many distinct replies each clause occurs (additive over partitions of a table)."""
    if clauses is None:
        return pd.Series([], dtype="int64")
    pair = pd.DataFrame({"row": clauses[0], "key": clauses[1]}).drop_duplicates()
    return pair["key"].value_counts()


def _boilerplate_share(clauses, common: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """Share of each answered reply's characters in recurring (``common``) or stock clauses (NaN if unanswered)."""
    n = len(answered)
    if clauses is None:
        return np.full(n, np.nan)
    row, key, length, stock = clauses
    is_boiler = np.isin(key, common) | stock
    boiler = np.bincount(row, weights=length * is_boiler, minlength=n)
    total = np.bincount(row, weights=length, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = boiler / total
    return np.where(answered & (total > 0), share, np.nan)


@dataclass(frozen=True)
class ReplyCorpus:
    """What relevance and boilerplate are judged against: the TF-IDF fitted on (a sample of) the
    answered messages and the clauses recurring in at least ``max(3, 1 %)`` of the replies.

    :func:`assess_replies` computes it from the table it is given; the Dask engine computes it once
    for the whole table (:func:`reply_counts`, :func:`fit_sample`, :func:`fit_texts`,
    :func:`reply_corpus`) and gives it to every partition, so that the result does not depend on the split.
    """

    vectorizer: object | None
    common: np.ndarray


def _texts(messages: pd.DataFrame, reply_col: str, title: pd.Series | None = None, text: pd.Series | None = None):
    """Reply, question and answered mask (positional index); ``title``/``text`` when given are the
    messages' already through ``model_text``."""
    n = len(messages)
    reply = model_text(messages[reply_col].reset_index(drop=True))
    blank = pd.Series([""] * n, dtype="str")
    if title is not None:
        title = title.reset_index(drop=True)
    else:
        title = model_text(messages["title"].reset_index(drop=True)) if "title" in messages else blank
    if text is not None:
        text = text.reset_index(drop=True)
    else:
        text = model_text(messages["text"].reset_index(drop=True)) if "text" in messages else blank
    question = (title + " " + text).str.strip()
    return reply, question, (reply.str.len() > 0).to_numpy(dtype=bool)


def reply_counts(messages: pd.DataFrame, reply_col: str = "reply_text") -> tuple[int, pd.Series]:
    """Answered messages of (a partition of) the table and, per clause, in how many replies it occurs."""
    if reply_col not in messages.columns or not len(messages):
        return 0, _clause_freq(None)
    reply, _, answered = _texts(messages, reply_col)
    a = np.flatnonzero(answered)
    return len(a), _clause_freq(_clauses(reply, a))


def fit_sample(answered: int) -> np.ndarray:
    """Which answered messages (their ordinals among the answered) the TF-IDF is fitted on: all of them up
    to :data:`FIT_SAMPLE`, else that many drawn with a fixed seed."""
    if answered <= FIT_SAMPLE:
        return np.arange(answered)
    return np.sort(np.random.default_rng(0).choice(answered, FIT_SAMPLE, replace=False))


def fit_texts(messages: pd.DataFrame, ordinals: np.ndarray, reply_col: str = "reply_text"
              ) -> tuple[np.ndarray, np.ndarray]:
    """Questions and replies of the answered messages at ``ordinals`` (among this table's answered)."""
    if reply_col not in messages.columns or not len(ordinals):
        return np.array([], dtype=object), np.array([], dtype=object)
    reply, question, answered = _texts(messages, reply_col)
    rows = np.flatnonzero(answered)[ordinals]
    return np.asarray(question.iloc[rows], dtype=object), np.asarray(reply.iloc[rows], dtype=object)


def reply_corpus(answered: int, freq: pd.Series, questions: np.ndarray, replies: np.ndarray) -> ReplyCorpus:
    """The :class:`ReplyCorpus` of a table: its answered count, clause counts and fitting texts."""
    vec = None
    if answered:
        vec = CharNgramTfidf(ngram_range=(2, 2))
        vec.fit(np.concatenate([questions, replies]))
    min_rep = max(3, int(0.01 * answered))
    return ReplyCorpus(vec, freq.index[freq.to_numpy() >= min_rep].to_numpy())


def assess_replies(messages: pd.DataFrame, *, reply_col: str = "reply_text",
                   boilerplate_share: float = 0.6, corpus: ReplyCorpus | None = None) -> pd.DataFrame:
    """Reply-quality columns for each message (NA where there is no reply).

    Parameters
    ----------
    messages : pandas.DataFrame
        Canonical messages; ``title``/``text`` and ``reply_col`` are read.
    reply_col : str
        Column holding the reply.
    boilerplate_share : float
        Share of stock or recurring text from which a reply counts as boilerplate.
    corpus : ReplyCorpus, optional
        The whole table's, when ``messages`` is one partition of it (default: computed from ``messages``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``messages``, columns :data:`REPLY_COLUMNS`.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"title": ["路灯坏了", "路灯坏了"], "text": ["东街路灯不亮", ""],
    ...     "reply_text": ["经核查，东街路灯线路老化，已于5月3日维修完毕。", "您好，留言已收悉。"]})
    >>> r = assess_replies(m)
    >>> r["reply_completeness"].tolist(), r["reply_is_boilerplate"].tolist()
    ([1.0, 0.0], [False, True])
    """
    return _assess_replies(messages, reply_col=reply_col, boilerplate_share=boilerplate_share, corpus=corpus)


def _assess_replies(messages: pd.DataFrame, *, reply_col: str = "reply_text", boilerplate_share: float = 0.6,
                    corpus: ReplyCorpus | None = None, title: pd.Series | None = None,
                    text: pd.Series | None = None) -> pd.DataFrame:
    """:func:`assess_replies`; ``title``/``text`` (aligned with ``messages``) when the caller has already
    prepared them with ``model_text``."""
    n = len(messages)
    out = pd.DataFrame(index=messages.index)
    if reply_col not in messages.columns or n == 0:
        for c in REPLY_COLUMNS:
            out[c] = pd.Series(pd.NA, index=messages.index,
                               dtype="boolean" if "has" in c or "is_" in c else "Float64")
        return out
    reply, question, answered = _texts(messages, reply_col, title, text)
    rel = np.full(n, np.nan)
    a = np.flatnonzero(answered)
    clauses = _clauses(reply, a)
    if corpus is None:
        fit = a[fit_sample(len(a))]
        corpus = reply_corpus(len(a), _clause_freq(clauses), np.asarray(question.iloc[fit], dtype=object),
                              np.asarray(reply.iloc[fit], dtype=object))
    if len(a) and corpus.vectorizer is not None:
        vec = corpus.vectorizer
        for s in range(0, len(a), CHUNK):  # chunks bound the memory on large tables
            part = a[s:s + CHUNK]
            Q = vec.transform(np.asarray(question.iloc[part], dtype=object))
            R = vec.transform(np.asarray(reply.iloc[part], dtype=object))
            rel[part] = np.asarray(Q.multiply(R).sum(axis=1)).ravel()
    action_re2, time_re2 = _re2_patterns()
    has_action = reply.str.contains(action_re2, regex=True)
    has_time = reply.str.contains(time_re2, regex=True)
    completeness = (has_action.astype(float) + has_time.astype(float)) / 2
    share = pd.Series(_boilerplate_share(clauses, corpus.common, answered), index=range(n))  # NaN where unanswered
    quality = (np.minimum(rel / 0.3, 1.0) + completeness.to_numpy() + (1 - share.to_numpy())) / 3
    na = ~answered
    out["reply_relevance"] = pd.array(np.where(na, np.nan, rel), dtype="Float64")
    out["reply_has_action"] = pd.array(has_action.to_numpy(), dtype="boolean")
    out["reply_has_time"] = pd.array(has_time.to_numpy(), dtype="boolean")
    out["reply_completeness"] = pd.array(np.where(na, np.nan, completeness), dtype="Float64")
    out["reply_boilerplate"] = pd.array(share.fillna(np.nan).to_numpy(dtype=float), dtype="Float64")
    out["reply_is_boilerplate"] = pd.array(share.to_numpy(dtype=float) >= boilerplate_share,
                                           dtype="boolean")
    out["reply_quality"] = pd.array(np.where(na, np.nan, quality), dtype="Float64")
    for c in ["reply_has_action", "reply_has_time", "reply_is_boilerplate"]:
        out.loc[na, c] = pd.NA
    for c in ["reply_relevance", "reply_completeness", "reply_boilerplate", "reply_quality"]:
        out[c] = out[c].round(4)
    return out
