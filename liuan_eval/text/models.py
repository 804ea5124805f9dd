"""Saving, loading and shipping the trained models.

A model file is a joblib pickle of ``{"format", "kind", "version", "trained_on",
"model", "card", "history"}`` (``kind`` is ``"topic"`` or ``"sentiment"``; ``card`` the
model card and ``history`` the labeled history of a topic model, see
:mod:`liuan_eval.text.learn`; both ``None`` in files of earlier versions). Only load model files you
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
``train-sentiment``) and fold its analysts' corrections in (``liuan-eval learn``). The
shipped topic model's card says so: its history is the generated sample (``kind =
"generated"``).
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import joblib
import pandas as pd

from liuan_eval.errors import UserError

FORMAT = "liuan_eval-model/2"
#: bumped whenever the shipped models' recipe changes, so stale caches are retrained
RECIPE = "r6"  # r6: self-training over every unlabeled message, weighted by margin (learn)
SAMPLE_YEAR, SAMPLE_SEED = 2025, 7
KINDS = ("topic", "sentiment")


def _version() -> str:
    from liuan_eval import __version__

    return __version__


def cache_dir() -> Path:
    """Where the shipped models are cached (``$LIUAN_EVAL_CACHE`` or ``~/.cache/liuan_eval``)."""
    root = os.environ.get("LIUAN_EVAL_CACHE") or Path.home() / ".cache" / "liuan_eval"
    return Path(root) / "models" / _version()


def save_model(model, path: str | Path, kind: str, trained_on: str, *, card: dict | None = None,
               history: pd.DataFrame | None = None) -> Path:
    """Write ``model`` to ``path`` (atomically) with what it is and what it learnt from.

    ``card`` and ``history`` (a topic model's card and labeled history) are stored with it;
    the history's texts are masked (:func:`liuan_eval.output.mask_frame`) like every output.

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
    from liuan_eval.output import mask_frame, write_bytes

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if history is not None:
        history = mask_frame(history)
    buf = io.BytesIO()
    joblib.dump({"format": FORMAT, "kind": kind, "version": _version(), "trained_on": trained_on,
                 "model": model, "card": card, "history": history}, buf)
    return write_bytes(buf.getvalue(), path)


class ModelFileError(UserError, FileNotFoundError, ValueError):
    """A model file that is missing or is not a liuan_eval model of the kind asked for (names the file)."""


def load_model(path: str | Path, kind: str):
    """Read a model file written by :func:`save_model`; returns ``(model, info)``.

    Raises
    ------
    ModelFileError
        A :class:`~liuan_eval.errors.UserError` (also ``FileNotFoundError`` and ``ValueError``) naming the
        file and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"找不到模型文件：{path}", f"{path}: model file not found")
    try:
        obj = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means "not a model file"
        raise ModelFileError(f"{path} 不是 liuan_eval 的模型文件（应为 liuan-eval train-* 或 learn 写出的 .joblib 文件）",
                             f"{path}: not a liuan_eval model file ({type(exc).__name__}: {exc})") from exc
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise ModelFileError(f"{path} 不是 liuan_eval 的模型文件（应为 liuan-eval train-* 或 learn 写出的 .joblib 文件）",
                             f"{path}: not a liuan_eval model file (expected one written by liuan-eval train-*)")
    if obj.get("kind") != kind:
        names = {"topic": "主题", "sentiment": "情感"}
        raise ModelFileError(f"{path} 是{names.get(obj.get('kind'), obj.get('kind'))}模型，这里需要{names.get(kind, kind)}模型",
                             f"{path}: is a {obj.get('kind')} model, expected a {kind} model")
    info = {k: obj.get(k) for k in ("kind", "version", "trained_on", "card", "history")}
    info["path"] = str(path)
    return obj["model"], info


def sample_training_data() -> pd.DataFrame:
    """Messages of the project's sample with their known ``topic`` and ``sentiment``."""
    from liuan_eval.sample_data import generate_sample

    s = generate_sample(year=SAMPLE_YEAR, seed=SAMPLE_SEED)
    m = s.tables["messages"][["message_id", "title", "text", "received_at"]]
    lab = s.labels.rename(columns={"topic": "label_topic", "sentiment": "label_sentiment"})
    return m.merge(lab, on="message_id", how="inner", validate="one_to_one")


def shipped_history(data: pd.DataFrame | None = None) -> pd.DataFrame:
    """The shipped topic model's labeled history: the generated sample (``kind = "generated"``)."""
    from liuan_eval.text.learn import history_from_labels

    data = sample_training_data() if data is None else data
    day = pd.Series(pd.to_datetime(data["received_at"].astype("str"), errors="coerce").dt.strftime("%Y-%m-%d"),
                    dtype="str").fillna(f"{SAMPLE_YEAR}-12-31")
    return history_from_labels(data[["title", "text"]], data["label_topic"].to_numpy(),
                               source=f"generate_sample(year={SAMPLE_YEAR}, seed={SAMPLE_SEED})", kind="generated",
                               labeled_at=day.to_numpy())


def shipped_topic_template():
    """The shipped topic model's recipe, unfitted."""
    from liuan_eval.text.topic import TopicClassifier

    # the package's keyword list carries the departments' vocabulary beyond the phrase banks
    return TopicClassifier(keywords="default", keyword_weight=0.3)


def _train(kind: str):
    data = sample_training_data()
    if kind == "topic":
        return shipped_topic_template().fit(data[["title", "text"]], data["label_topic"])
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
        card = history = None
        if kind == "topic":
            from liuan_eval.text.learn import cross_validate, load_learning_settings, model_card

            history = shipped_history()
            settings = load_learning_settings()
            settings["training"]["cv_folds"] = 3  # on generated text the figure only shows it learnt the banks
            card = model_card(history, cross_validate(shipped_topic_template(), history, settings))
        try:
            save_model(model, path, kind, desc, card=card, history=history)
        except OSError:  # read-only home: keep it in memory only
            pass
        result = (model, {"kind": kind, "version": _version(), "trained_on": desc, "path": str(path),
                          "card": card, "history": history})
    _MEMO[kind] = result
    return result
