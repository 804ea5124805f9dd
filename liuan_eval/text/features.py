"""Text preparation shared by the message-intelligence models.

Everything here is vectorised over a whole column: whitespace padding (the real
message boards pad cells with newlines and tabs) is squeezed, full-width letters and digits folded,
and title and body joined. jieba is initialised once, silently, on first use.

Examples
--------
>>> import pandas as pd
>>> model_text(pd.Series(["\\n\\t 尊敬的领导：  路灯坏了 ", None])).tolist()
['尊敬的领导： 路灯坏了', '']
>>> jieba_tokens("小区路灯坏了")[:2]
['小区', '路灯']
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

_JIEBA = None
# full-width digits and letters fold to ASCII (punctuation such as ，。： stays: it is the norm
# in Chinese text, and folding it would touch every row)
_FULLWIDTH = {i: i - 0xFEE0 for i in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_FULLWIDTH_RE = "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
_ZW = "[\u200b\u200c\u200d\u2060\ufeff]"
#: Every character Python's ``re`` matches with ``[\s\u3000]`` (``str.isspace``), spelt out: pandas runs
#: a pattern with ``\s`` in Python, row by row, but this literal class in pyarrow (RE2), with the same
#: result (``tests/test_text_features.py`` checks the set against every code point).
_SPACE_CHARS = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_RUN = "[" + _SPACE_CHARS + "]+"


def get_jieba():
    """The jieba module, initialised once with its start-up messages silenced."""
    global _JIEBA
    if _JIEBA is None:
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _JIEBA = jieba
    return _JIEBA


def jieba_tokens(text: str) -> list[str]:
    """Words of ``text`` by jieba (accurate mode), spaces and punctuation dropped.

    Used as a scikit-learn ``analyzer``; it is a module-level function so fitted
    models pickle.

    Examples
    --------
    >>> jieba_tokens("投诉 物业，乱收停车费！")
    ['投诉', '物业', '乱收', '停车费']
    """
    return [w for w in get_jieba().lcut(text) if _WORD.match(w)]


_WORD = re.compile(r"^[\w\u4e00-\u9fff]+$")


def model_text(values: Iterable | pd.Series) -> pd.Series:
    """Text as the models read it: whitespace and zero-width characters squeezed, full-width
    ASCII folded, NA -> ``""``.

    Not the cleaning step (:func:`liuan_eval.clean.normalize_text`, which runs at ingest and
    keeps NA); this one only prepares model input and is safe on raw or cleaned text.

    Parameters
    ----------
    values : iterable of str or pandas.Series
        Raw texts.

    Returns
    -------
    pandas.Series
        ``str`` dtype, same index as ``values`` when it is a Series.

    Examples
    --------
    >>> model_text(["ＡＢＣ１２３　好，"]).tolist()
    ['ABC123 好，']
    """
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    s = s.astype("str").fillna("")
    s = s.str.replace(_ZW, "", regex=True)
    wide = s.str.contains(_FULLWIDTH_RE, regex=True).to_numpy(dtype=bool)
    if wide.any():  # translate only the rows that need it (a Python call per row)
        s = s.copy()
        s[wide] = s[wide].str.translate(_FULLWIDTH)
    return s.str.replace(_SPACE_RUN, " ", regex=True).str.strip()


class ModelTexts:
    """Titles and bodies already prepared by :func:`model_text` (object arrays of ``str``), which
    :func:`as_title_body` hands on as they are: :func:`~liuan_eval.text.classify.classify_messages`
    prepares each text once and gives the package's own models this instead of a DataFrame
    (``model_text`` is idempotent, so the result is the same).

    Examples
    --------
    >>> t, b = as_title_body(ModelTexts(["路灯"], ["坏了"]))
    >>> (t.tolist(), b.tolist())
    (['路灯'], ['坏了'])
    """

    __slots__ = ("titles", "bodies")

    def __init__(self, titles, bodies):
        self.titles = np.asarray(titles, dtype=object)
        self.bodies = np.asarray(bodies, dtype=object)
        if self.titles.shape != self.bodies.shape or self.titles.ndim != 1:
            raise ValueError(f"ModelTexts: titles {self.titles.shape} and bodies {self.bodies.shape} "
                             "must be 1-D and of one length")

    def __len__(self):
        return len(self.titles)


def as_title_body(X, title_col: str = "title", text_col: str = "text") -> tuple[np.ndarray, np.ndarray]:
    """Split the input of a text estimator into (titles, bodies) as object arrays.

    ``X`` may be a DataFrame holding ``title_col`` and/or ``text_col``, a 2-column
    array (title, text), a 1-D sequence of texts (then the titles are empty), or
    :class:`ModelTexts` (taken as they are).

    Examples
    --------
    >>> t, b = as_title_body(["路灯坏了"])
    >>> (t.tolist(), b.tolist())
    ([''], ['路灯坏了'])
    """
    if isinstance(X, ModelTexts):
        return X.titles, X.bodies
    if isinstance(X, pd.DataFrame):
        n = len(X)
        title = X[title_col] if title_col in X.columns else pd.Series([""] * n, index=X.index)
        if text_col in X.columns:
            body = X[text_col]
        elif X.shape[1] == 1 and title_col not in X.columns:
            body = X.iloc[:, 0]
        else:
            body = pd.Series([""] * n, index=X.index)
        if title_col not in X.columns and text_col not in X.columns and X.shape[1] == 2:
            title, body = X.iloc[:, 0], X.iloc[:, 1]
    elif isinstance(X, pd.Series):
        title, body = pd.Series([""] * len(X), index=X.index), X
    else:
        arr = np.asarray(X, dtype=object)
        if arr.ndim == 2 and arr.shape[1] == 2:
            title, body = pd.Series(arr[:, 0]), pd.Series(arr[:, 1])
        elif arr.ndim == 2 and arr.shape[1] == 1:
            title, body = pd.Series([""] * len(arr)), pd.Series(arr[:, 0])
        elif arr.ndim == 1:
            title, body = pd.Series([""] * len(arr)), pd.Series(arr)
        else:
            raise ValueError(
                f"expected texts as a 1-D sequence, a (title, text) pair of columns or a DataFrame; "
                f"got an array of shape {arr.shape}")
    return (np.asarray(model_text(title), dtype=object),
            np.asarray(model_text(body), dtype=object))


def joined(titles: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
    """Title and body joined by a space (object array).

    Examples
    --------
    >>> joined(["路灯"], ["坏了"]).tolist()
    ['路灯 坏了']
    """
    t = pd.Series(np.asarray(titles, dtype=object), dtype="str")
    b = pd.Series(np.asarray(bodies, dtype=object), dtype="str")
    return np.asarray((t + " " + b).str.strip(), dtype=object)


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` by sorting: numpy >= 2.3 takes a hash table for plain ``np.unique`` of
    integers, which is 10-60x slower on these packed keys (23 s instead of 0.4 s for 8 million)."""
    s = np.sort(a)
    keep = np.ones(len(s), dtype=bool)
    keep[1:] = s[1:] != s[:-1]
    return s[keep]


FIT_CHUNK = 1 << 15  # texts per step of CharNgramTfidf.fit
_KEY_LUT_MAX = 1 << 24  # largest n-gram key space looked up through a table (int32: 64 MB)
_LUT_CACHE_BYTES = 1 << 28  # the look-up tables kept between calls (the fitted models' few), at most
_LUTS: dict = {}  # (kind, id of the fitted array) -> (the array, its look-up table), oldest first


def _cached_lut(kind, arr, build):
    """The look-up table of a fitted array (``chars_`` or ``vocabulary_``), built once and kept while
    the array lives in the cache (it is held there, so its id is not reused); oldest dropped first."""
    hit = _LUTS.get((kind, id(arr)))
    if hit is not None and hit[0] is arr:
        return hit[1]
    lut = build()
    while _LUTS and sum(v[1].nbytes for v in _LUTS.values()) + lut.nbytes > _LUT_CACHE_BYTES:
        _LUTS.pop(next(iter(_LUTS)))
    _LUTS[(kind, id(arr))] = (arr, lut)
    return lut


def clear_lookup_tables() -> None:
    """Drop the look-up tables kept between calls (up to 256 MB): the run does between its stages, so
    that the models of one stage do not hold memory during the next (they are rebuilt when needed).

    Examples
    --------
    >>> clear_lookup_tables(); len(_LUTS)
    0
    """
    _LUTS.clear()


def _char_lut(chars: np.ndarray) -> np.ndarray:
    """Dense id (1-based; 0 = unseen) of every code point up to the largest fitted one, plus a 0 past it."""
    def build():
        lut = np.zeros((int(chars[-1]) if len(chars) else 0) + 2, dtype=np.int32)
        lut[chars] = np.arange(1, len(chars) + 1)
        return lut
    return _cached_lut("chars", chars, build)


def _key_lut(vocabulary: np.ndarray, space: int) -> np.ndarray:
    """Column of every n-gram key of a key space of ``space`` keys (-1 = not in the vocabulary)."""
    def build():
        lut = np.full(space, -1, dtype=np.int32 if len(vocabulary) < 2 ** 31 else np.int64)
        lut[vocabulary] = np.arange(len(vocabulary))
        return lut
    return _cached_lut("keys", vocabulary, build)


def row_sums(data: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Sum of each row of a CSR matrix given its ``data`` and ``indptr``, exactly as scipy's
    ``X.sum(axis=1)`` computes it (``np.add.reduceat`` over the non-empty rows, in ``data``'s dtype).

    Examples
    --------
    >>> row_sums(np.array([1.0, 2.0, 4.0]), np.array([0, 2, 2, 3])).tolist()
    [3.0, 0.0, 4.0]
    """
    indptr = np.asarray(indptr)
    out = np.zeros(len(indptr) - 1, dtype=data.dtype)
    nonempty = np.flatnonzero(np.diff(indptr))
    if len(nonempty):
        out[nonempty] = np.add.reduceat(data, indptr[nonempty].astype(np.intp))
    return out


class CharNgramTfidf:
    """Vectorised character n-gram TF-IDF, a fast stand-in for ``TfidfVectorizer(analyzer="char")``.

    scikit-learn's char analyzer builds the n-grams of each text in Python; here all
    texts are joined into one array of code points and the n-grams of every text are
    computed at once with numpy, then looked up in the fitted vocabulary with
    ``searchsorted``. Same weighting as ``TfidfVectorizer(analyzer="char",
    sublinear_tf=True)`` with smooth idf and l2 rows (ASCII letters lower-cased;
    whitespace should already be squeezed, see :func:`model_text`).

    Parameters
    ----------
    ngram_range : tuple of int
        Smallest and largest n (at most 3).
    min_df : int
        Fewest training texts an n-gram must occur in.
    max_df : float
        Largest share of training texts an n-gram may occur in.
    sublinear_tf : bool
        ``1 + log(tf)`` instead of ``tf``.

    Examples
    --------
    >>> v = CharNgramTfidf(ngram_range=(1, 2)).fit(["路灯坏了", "路灯不亮"])
    >>> X = v.transform(["路灯坏了", "没有"])
    >>> X.shape[0], round(float((X[0].multiply(X[0])).sum()), 4), X[1].nnz
    (2, 1.0, 0)
    """

    def __init__(self, ngram_range=(1, 2), min_df=1, max_df=1.0, sublinear_tf=True):
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf

    def get_params(self, deep=True):
        return {"ngram_range": self.ngram_range, "min_df": self.min_df, "max_df": self.max_df,
                "sublinear_tf": self.sublinear_tf}

    @staticmethod
    def _codes(texts) -> tuple[np.ndarray, np.ndarray]:
        texts = [t if isinstance(t, str) else "" for t in texts]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int32)  # < 0x110000
        upper = (codes >= 65) & (codes <= 90)
        codes[upper] += 32
        return codes, lengths

    def _keys(self, texts, char_ids=None, compact=False):
        """(row, key) of every n-gram; keys are dense char ids packed in base ``n_chars + 1``.

        ``compact``: rows and keys as int32 when they fit (``transform``; ``fit`` packs them further
        and needs int64). The pairs come grouped by n, not sorted.
        """
        codes, lengths = self._codes(texts)
        if char_ids is None:
            self.chars_ = _sorted_unique(codes).astype(np.int64)
            char_ids = self.chars_
        lut = _char_lut(char_ids)
        base = len(char_ids) + 1
        lo, hi = self.ngram_range
        wide = not compact or sum(base ** k for k in range(lo, hi + 1)) >= 2 ** 31
        ids = lut[np.minimum(codes, len(lut) - 1)].astype(np.int64 if wide else np.int32)  # 0 = unseen char
        n = len(lengths)
        row = np.repeat(np.arange(n, dtype=np.int64 if not compact or n >= 2 ** 31 else np.int32), lengths)
        known = ids > 0
        # an n-gram stays within its text when none of its characters but the last ends a text
        inner = known.copy()
        inner[np.cumsum(lengths)[lengths > 0] - 1] = False
        rows, keys = [], []
        offset = 0
        for k in range(lo, hi + 1):
            m = len(ids) - k + 1
            if m <= 0:
                offset += base ** k
                continue
            ok = known[k - 1:]
            key = ids[:m]
            for j in range(1, k):
                ok = ok & inner[j - 1:j - 1 + m]
                key = key * base + ids[j:j + m]
            rows.append(row[:m][ok])
            keys.append(key[ok] + offset)
            offset += base ** k
        if not rows:
            return np.empty(0, np.int64), np.empty(0, np.int64), n
        return np.concatenate(rows), np.concatenate(keys), n

    def fit(self, texts, y=None, sample_weight=None):
        """Learn the vocabulary and idf of ``texts``.

        ``sample_weight`` (optional, one per text) counts a text as that many documents: fitting
        the distinct texts with their counts as weights learns what fitting every copy would.
        The texts are read in chunks of ``FIT_CHUNK``, so memory does not grow with their number
        beyond the vocabulary.
        """
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi <= 3:
            raise ValueError(f"ngram_range must be within (1, 3), got {self.ngram_range}")
        texts = list(texts)
        w = (np.ones(len(texts)) if sample_weight is None
             else np.asarray(sample_weight, dtype=np.float64))
        parts = range(0, len(texts), FIT_CHUNK)
        self.chars_ = _sorted_unique(np.concatenate(
            [np.empty(0, np.int64)] + [_sorted_unique(self._codes(texts[a:a + FIT_CHUNK])[0]) for a in parts]))
        keys, weights = [], []
        for a in parts:
            row, key, n = self._keys(texts[a:a + FIT_CHUNK], self.chars_)
            # document frequency: distinct (key, row) pairs, counted per key (keys < 2**41, rows <
            # 2**22 per chunk fit in one int64)
            pair = _sorted_unique(key * (n + 1) + row)
            k, inv = np.unique(pair // (n + 1), return_inverse=True)
            keys.append(k)
            weights.append(np.bincount(inv, weights=w[a:a + FIT_CHUNK][pair % (n + 1)], minlength=len(k)))
        n = float(w.sum())
        if keys:
            vocab, inv = np.unique(np.concatenate(keys), return_inverse=True)
            df = np.bincount(inv, weights=np.concatenate(weights), minlength=len(vocab))
        else:
            vocab, df = np.empty(0, np.int64), np.empty(0)
        keep = (df >= self.min_df) & (df <= self.max_df * n)
        if not keep.any():
            raise ValueError("empty vocabulary: the texts have no character n-grams to learn")
        self.vocabulary_ = vocab[keep]
        self.idf_ = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
        return self

    def transform(self, texts):
        """TF-IDF rows (CSR, float32, l2-normalised) of ``texts``."""
        import scipy.sparse as sp

        row, key, n = self._keys(texts, self.chars_, compact=True)
        V = len(self.vocabulary_)
        col = self._columns(key)
        found = col >= 0
        # the (row, column) pairs counted: sorted and run-length encoded, which is what
        # ``csr_matrix((ones, (row, col))).sum_duplicates()`` does (same indices, same float32 counts)
        pdt = np.int32 if n * V < 2 ** 31 else np.int64
        pair = np.sort(row[found].astype(pdt) * pdt(V) + col[found].astype(pdt))
        start = np.flatnonzero(np.concatenate([[True], pair[1:] != pair[:-1]])) if len(pair) else np.empty(0, np.int64)
        data = np.diff(np.append(start, len(pair))).astype(np.float32)
        pair = pair[start]
        idx = np.int32 if max(len(pair), V, n) < 2 ** 31 else np.int64
        indptr = np.zeros(n + 1, dtype=idx)
        np.cumsum(np.bincount(pair // V, minlength=n), out=indptr[1:])
        indices = (pair % V).astype(idx)
        if self.sublinear_tf:
            data = 1 + np.log(data)
        data *= self.idf_[indices]
        norms = np.sqrt(row_sums(data * data, indptr))  # == X.multiply(X).sum(axis=1)
        norms[norms == 0] = 1
        data /= np.repeat(norms, np.diff(indptr)).astype(np.float32)
        X = sp.csr_matrix((data, indices, indptr), shape=(n, V), copy=False)
        X.has_canonical_format = True
        return X

    def _columns(self, key: np.ndarray) -> np.ndarray:
        """Column of each n-gram key in the vocabulary, -1 when it is not in it: a look-up table over
        the whole key space when it is small (the usual 1-2-grams of a few thousand characters),
        else ``searchsorted``."""
        V = len(self.vocabulary_)
        base = len(self.chars_) + 1
        lo, hi = self.ngram_range
        space = sum(base ** k for k in range(lo, hi + 1))
        if space <= _KEY_LUT_MAX:
            return _key_lut(self.vocabulary_, space)[key]
        col = np.minimum(np.searchsorted(self.vocabulary_, key), V - 1)
        return np.where(self.vocabulary_[col] == key, col, -1)

    def fit_transform(self, texts, y=None):
        return self.fit(texts).transform(texts)
