"""Saving, loading and shipping the trained models.

A model file is a joblib pickle of ``{"format", "kind", "version", "trained_on",
"model"}`` (``kind`` is ``"topic"`` or ``"sentiment"``). Only load model files you
or your office made: a pickle can run code when loaded.

The models the package ships
----------------------------
No trained artefact is committed. On first use, :func:`shipped_model` trains the
model from the project's own sample data — the messages of
``liuan_eval.sample_data.generate_sample(year=2025, seed=7)`` with their known topic and
sentiment (``Sample.labels``) — and caches it under
``~/.cache/liuan_eval/models/<package version>/`` (``$LIUAN_EVAL_CACHE`` overrides the
root). Later calls load the cache. The sample is written from phrase banks, so the
shipped models know the vocabulary of the 15 topics but not real citizens' style: an
office with labeled history should train its own (``liuan-eval train-topic`` /
``train-sentiment``).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import joblib
import pandas as pd

FORMAT = "liuan_eval-model/2"
#: bumped whenever the shipped models' recipe changes, so stale caches are retrained
RECIPE = "r4"
SAMPLE_YEAR, SAMPLE_SEED = 2025, 7
KINDS = ("topic", "sentiment")


def _version() -> str:
    from liuan_eval import __version__

    return __version__


def cache_dir() -> Path:
    """Where the shipped models are cached (``$LIUAN_EVAL_CACHE`` or ``~/.cache/liuan_eval``)."""
    root = os.environ.get("LIUAN_EVAL_CACHE") or Path.home() / ".cache" / "liuan_eval"
    return Path(root) / "models" / _version()


def save_model(model, path: str | Path, kind: str, trained_on: str) -> Path:
    """Write ``model`` to ``path`` (atomically) with what it is and what it learnt from.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from liuan_eval.text.sentiment import SentimentClassifier
    >>> m = SentimentClassifier().fit(["好", "差", "一般"] * 2, ["pos", "neg", "neu"] * 2)
    >>> p = save_model(m, pathlib.Path(tempfile.mkdtemp()) / "s.joblib", "sentiment", "doctest")
    >>> load_model(p, "sentiment")[1]["trained_on"]
    'doctest'
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump({"format": FORMAT, "kind": kind, "version": _version(), "trained_on": trained_on,
                     "model": model}, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def load_model(path: str | Path, kind: str):
    """Read a model file written by :func:`save_model`; returns ``(model, info)``.

    Raises
    ------
    FileNotFoundError, ValueError
        With the file name and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: model file not found")
    try:
        obj = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means "not a model file"
        raise ValueError(f"{path}: not a liuan_eval model file ({type(exc).__name__}: {exc})") from exc
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ValueError(f"{path}: not a liuan_eval model file (expected one written by liuan-eval train-*)")
    if obj.get("kind") != kind:
        raise ValueError(f"{path}: is a {obj.get('kind')} model, expected a {kind} model")
    info = {k: obj.get(k) for k in ("kind", "version", "trained_on")}
    info["path"] = str(path)
    return obj["model"], info


def sample_training_data() -> pd.DataFrame:
    """Messages of the project's sample with their known ``topic`` and ``sentiment``."""
    from liuan_eval.sample_data import generate_sample

    s = generate_sample(year=SAMPLE_YEAR, seed=SAMPLE_SEED)
    m = s.tables["messages"][["message_id", "title", "text"]]
    lab = s.labels.rename(columns={"topic": "label_topic", "sentiment": "label_sentiment"})
    return m.merge(lab, on="message_id", how="inner", validate="one_to_one")


def _train(kind: str):
    data = sample_training_data()
    if kind == "topic":
        from liuan_eval.text.topic import TopicClassifier

        # the package's keyword list carries the departments' vocabulary beyond the phrase banks
        return TopicClassifier(keywords="default", keyword_weight=0.3).fit(data[["title", "text"]],
                                                                           data["label_topic"])
    from liuan_eval.text.sentiment import SentimentClassifier

    return SentimentClassifier().fit(data[["title", "text"]], data["label_sentiment"])


_MEMO: dict[str, tuple] = {}


def shipped_model(kind: str):
    """The package's own ``kind`` model, trained on first use and cached; ``(model, info)``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if kind in _MEMO:
        return _MEMO[kind]
    path = cache_dir() / f"{kind}-{RECIPE}.joblib"
    try:
        result = load_model(path, kind)
    except (FileNotFoundError, ValueError):
        model = _train(kind)
        desc = f"sample data: generate_sample(year={SAMPLE_YEAR}, seed={SAMPLE_SEED})"
        try:
            save_model(model, path, kind, desc)
        except OSError:  # read-only home: keep it in memory only
            pass
        result = (model, {"kind": kind, "version": _version(), "trained_on": desc, "path": str(path)})
    _MEMO[kind] = result
    return result
