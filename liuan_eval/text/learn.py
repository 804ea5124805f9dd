"""Learning from the office: corrections in, one labeled history, a model card, the labels worth asking for.

Every message an analyst re-routes and every message a department sends back as
不属于本单位 is a label. This module turns them into a better topic model:

* :func:`read_corrections` reads any file holding the message's title and/or text and a
  filled 核定主题 (or 核定承办单位, mapped back to its topic through the routing table),
  with Chinese or English headers — the loader's own reader and header vocabulary
  (:func:`liuan_eval.raw.read_raw`, :func:`liuan_eval.io.map_headers`), so a classified
  CSV, the workbook or a department's return list all work;
* :func:`fold_in` merges them into the model's labeled history: one row per message
  (the key is a hash of the masked title and text), the latest verdict wins, every label
  keeps its date (核定日期, or the day it was folded in) and its source (file and line);
* :func:`train_from_history` refits the model on that history (generated sample text
  weighted down against the office's labels, ``learning.toml``) and :func:`model_card`
  describes what it was trained on and how well it does by cross-validation;
* :func:`choose_batch` / :func:`mark_for_confirmation` pick the messages whose
  confirmation should help the model most: the smallest margin between the two most
  probable topics first, with a penalty for likeness to a message already chosen, so a
  batch is not twenty copies of one complaint.

The history is stored inside the model file (:func:`liuan_eval.text.models.save_model`),
masked like every output, so ``liuan-eval learn`` needs nothing but the model and the
corrections.

Examples
--------
>>> import pandas as pd
>>> h = history_from_labels(pd.DataFrame({"title": ["路灯坏了"], "text": ["小区路灯不亮"]}), ["城乡建设"],
...                         source="a.csv", kind="training", labeled_at="2026-11-02")
>>> new = history_from_labels(pd.DataFrame({"title": ["路灯坏了"], "text": ["小区路灯不亮"]}), ["交通运输"],
...                           source="b.csv", kind="verdict", labeled_at="2026-11-20")
>>> merged, stats = fold_in(h, new)
>>> merged[["topic", "source", "labeled_at"]].values.tolist(), stats
([['交通运输', 'b.csv', '2026-11-20']], {'added': 0, 'changed': 1, 'confirmed': 0})
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from liuan_eval.errors import UserError
from liuan_eval.i18n import tr
from liuan_eval.text._toml import read_table_toml
from liuan_eval.text.features import CharNgramTfidf, as_title_body, joined

#: Columns of the labeled history kept with a topic model.
HISTORY_COLUMNS = ["key", "title", "text", "topic", "department", "return_reason", "labeled_at", "source", "line",
                   "kind"]
#: Kinds of label, in increasing precedence (an office's label always beats generated text).
LABEL_KINDS = {"generated": ("生成样例", "generated sample"), "training": ("初始标注", "initial labels"),
               "verdict": ("分办核定", "analyst's verdict"), "return": ("退回后核定", "confirmed after a return")}
#: Columns ``classify`` adds for the office to fill in (canonical names; 核定主题 etc. are read too).
VERDICT_COLUMNS = ["confirmed_topic", "confirmed_department", "return_reason"]


class CorrectionsError(UserError):
    """A corrections file that cannot be folded in; lists every problem (file, line, column, value)."""

    def __init__(self, problems: list[dict]):
        self.problems = list(problems)
        shown = self.problems[:20]
        more_zh = f"\n  ……另有{len(self.problems) - 20}处" if len(self.problems) > 20 else ""
        more_en = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        zh = "核定结果无法导入（未作任何修改）：\n" + "\n".join(
            f"  - {p['file']} 第{p['line']}行，“{p['column']}”列：{p['value']} —— {p['zh']}" for p in shown) + more_zh
        en = "corrections not folded in (nothing changed):\n" + "\n".join(
            f"  - {p['file']} line {p['line']}, column {p['column']!r}: {p['value']} — {p['en']}"
            for p in shown) + more_en
        super().__init__(zh, en)


def load_learning_settings(path=None) -> dict:
    """The ``[selection]`` and ``[training]`` settings (``learning.toml`` shipped, or an office's own).

    Examples
    --------
    >>> s = load_learning_settings()
    >>> s["selection"]["batch"], s["training"]["generated_weight"]
    (20, 0.3)
    """
    data, src = read_table_toml(path, "learning.toml")
    for part in ("selection", "training"):
        if not isinstance(data.get(part), dict):
            raise ValueError(f"{src}: needs a [{part}] table")
    return data


# --- history ------------------------------------------------------------------------------------
def message_keys(titles, texts) -> np.ndarray:
    """One key per message: a hash of its (masked, model-normalised) title and text.

    Examples
    --------
    >>> a, b = message_keys(["路灯", "路灯"], ["坏了 ", "坏了"])
    >>> a == b, len(a)
    (True, 16)
    """
    t, b = as_title_body(pd.DataFrame({"title": list(titles), "text": list(texts)}))
    return np.asarray([hashlib.sha1(f"{x}\x1f{y}".encode()).hexdigest()[:16] for x, y in zip(t, b)], dtype=object)


def empty_history() -> pd.DataFrame:
    """A labeled history with no rows."""
    h = pd.DataFrame({c: pd.Series([], dtype="str") for c in HISTORY_COLUMNS})
    h["line"] = h["line"].astype("Int64")
    return h


def history_from_labels(X, topics, *, source: str, kind: str, labeled_at=None, lines=None,
                        departments=None, return_reasons=None) -> pd.DataFrame:
    """Labeled messages as history rows (texts masked, keys computed on the masked text).

    Parameters
    ----------
    X : DataFrame or sequence
        Messages (``title``/``text`` columns, or texts).
    topics : sequence of str
        Their topics.
    source : str
        Where the labels came from (a file name, the sample generator).
    kind : str
        One of :data:`LABEL_KINDS`.
    labeled_at : str, sequence or None
        ISO date(s) of the labels (default today).
    lines, departments, return_reasons : sequence, optional
        Line of each label in its file, confirmed body, a department's reason for returning it.
    """
    from liuan_eval.output import mask_series

    if kind not in LABEL_KINDS:
        raise ValueError(f"kind must be one of {list(LABEL_KINDS)}, got {kind!r}")
    titles, bodies = as_title_body(X)
    n = len(titles)
    titles = mask_series(pd.Series(titles, dtype="str")).fillna("")
    bodies = mask_series(pd.Series(bodies, dtype="str")).fillna("")
    today = dt.date.today().isoformat()
    if labeled_at is None or isinstance(labeled_at, str):
        labeled_at = [labeled_at or today] * n

    def col(values):
        return pd.Series([None] * n if values is None else list(values), dtype="str")

    h = pd.DataFrame({"key": message_keys(titles, bodies), "title": titles.to_numpy(), "text": bodies.to_numpy(),
                      "topic": col(topics), "department": col(departments), "return_reason": col(return_reasons),
                      "labeled_at": col(labeled_at), "source": col([source] * n),
                      "line": pd.array([None] * n if lines is None else list(lines), dtype="Int64"),
                      "kind": col([kind] * n)})
    h = h.astype({c: "str" for c in HISTORY_COLUMNS if c != "line"})
    return h[HISTORY_COLUMNS]


def fold_in(history: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Merge ``new`` labels into ``history``: no message twice, the latest verdict wins.

    An office's label (any kind but ``generated``) always beats generated text; among the
    office's labels the later ``labeled_at`` wins, and on the same day the later file (and
    line) given.

    Returns
    -------
    (DataFrame, dict)
        The merged history and ``{"added", "changed", "confirmed"}`` counts of ``new``.
    """
    history = history if history is not None else empty_history()
    # within the batch too: the later date wins, then the later row
    new = new.sort_values("labeled_at", kind="stable").drop_duplicates("key", keep="last")
    before = history.drop_duplicates("key", keep="last").set_index("key")["topic"]
    old = new["key"].map(before)
    stats = {"added": int(old.isna().sum()), "changed": int((old.notna() & (old != new["topic"])).sum()),
             "confirmed": int((old == new["topic"]).sum())}
    both = pd.concat([history, new], ignore_index=True)
    both["_office"] = (both["kind"] != "generated").astype(int)
    both["_order"] = np.arange(len(both))
    both = both.sort_values(["_office", "labeled_at", "_order"], kind="stable")
    both = both.drop_duplicates("key", keep="last").sort_values("_order", kind="stable")
    return both.drop(columns=["_office", "_order"]).reset_index(drop=True), stats


def _inverse_routing(routing: dict) -> dict[str, list[str]]:
    inv: dict[str, list[str]] = {}
    for topic, body in routing["departments"].items():
        inv.setdefault(str(body), []).append(str(topic))
    return inv


def read_corrections(paths, *, routing=None, known_topics=None, today: str | None = None,
                     with_unconfirmed: bool = False):
    """Read the office's verdicts from classified tables, workbooks or return lists.

    Parameters
    ----------
    paths : path or list of paths
        CSV, Excel or Parquet files with the message's title and/or text (留言主题/留言详情,
        title/text, ...) and 核定主题 (``confirmed_topic``) or 核定承办单位
        (``confirmed_department``); optional 退回原因 (``return_reason``), 是否属本单位职责
        (``in_scope``), 核定日期 (``confirmed_at``). Rows without a verdict are skipped.
    routing : dict or path, optional
        The routing table (a 核定承办单位 alone gives the topic routed to it).
    known_topics : iterable of str, optional
        Topics accepted besides the routing table's.
    today : str, optional
        ISO date for labels without 核定日期 (default today).
    with_unconfirmed : bool
        Also return the messages without a verdict (``title, text``, masked): :func:`learn`
        self-trains on them.

    Returns
    -------
    (DataFrame, DataFrame) or (DataFrame, DataFrame, DataFrame)
        History rows (:func:`history_from_labels`, ``kind`` ``verdict`` or ``return``) and
        the messages returned by a department without a verdict yet (``file, line, title,
        return_reason``): to be confirmed first; with ``with_unconfirmed``, the unconfirmed
        messages third.

    Raises
    ------
    CorrectionsError
        Naming file, line and column of every problem (no title or text column, an unknown
        topic or body, a bad date, a verdict on an empty message).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "核定.csv"
    >>> _ = p.write_text("留言主题,留言详情,核定主题,核定承办单位\\n路灯坏了,小区路灯不亮,城乡建设,\\n"
    ...                  "公交,站台太远,,六安市交通运输局\\n没核定,正文,,\\n", encoding="utf-8")
    >>> labels, pending = read_corrections(p, today="2026-12-01")
    >>> labels[["topic", "line", "labeled_at", "kind"]].values.tolist()
    [['城乡建设', 2, '2026-12-01', 'verdict'], ['交通运输', 3, '2026-12-01', 'verdict']]
    """
    from pathlib import Path

    from liuan_eval.clean import strip_padding
    from liuan_eval.io import map_headers, parse_bools, parse_datetimes
    from liuan_eval.raw import read_raw
    from liuan_eval.schemas import TABLES
    from liuan_eval.text.topic import load_routing

    table = routing if isinstance(routing, dict) else load_routing(routing)
    inverse = _inverse_routing(table)
    topics_ok = set(map(str, table["departments"])) | set(map(str, [] if known_topics is None else known_topics))
    today = today or dt.date.today().isoformat()
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    label = {c: TABLES["messages"][c].label for c in TABLES["messages"]}
    problems: list[dict] = []
    frames, pending, unconfirmed = [], [], []

    def problem(file, line, column, value, zh, en):
        problems.append({"file": file, "line": int(line), "column": column, "value": value, "zh": zh, "en": en})

    for path in paths:
        for part in read_raw(path, "messages"):
            name = Path(part.name).name
            if part.frame.shape[1] == 0:
                continue
            hm = map_headers("messages", [str(h) for h in part.frame.columns])
            inv = {v: k for k, v in hm.mapping.items()}
            if "title" not in inv and "text" not in inv:
                problem(name, part.header_line, f"{label['title']}/{label['text']}", tr("缺少该列", "column missing"),
                        "需要留言标题或正文列（留言主题、留言详情、title、text 等）",
                        "a title or text column is needed (留言主题, 留言详情, title, text, ...)")
                continue
            if "confirmed_topic" not in inv and "confirmed_department" not in inv:
                problem(name, part.header_line, label["confirmed_topic"], tr("缺少该列", "column missing"),
                        "需要“核定主题”或“核定承办单位”列（英文表头 confirmed_topic / confirmed_department）",
                        "a 核定主题 (confirmed_topic) or 核定承办单位 (confirmed_department) column is needed")
                continue
            n = len(part.frame)

            def cell(c, inv=inv, n=n, part=part):
                if c not in inv:
                    return pd.Series([pd.NA] * n, dtype="str")
                return strip_padding(part.frame[inv[c]].astype("str")).reset_index(drop=True)

            title, text, topic, dept = cell("title"), cell("text"), cell("confirmed_topic"), cell("confirmed_department")
            reason, when = cell("return_reason"), cell("confirmed_at")
            in_scope, _ = parse_bools(cell("in_scope"))
            lines = np.asarray(part.lines, dtype=np.int64)
            not_ours = (in_scope.fillna(True) == False).to_numpy(dtype=bool)  # noqa: E712
            returned = reason.notna().to_numpy() | not_ours
            # 是否属本单位职责 = 否 is a department's return without a written reason
            reason = reason.where(~(reason.isna().to_numpy() & not_ours),
                                  f"{label['in_scope']}：否").astype("str")
            topic = topic.copy()
            for i in np.flatnonzero((topic.isna() & dept.notna()).to_numpy()):
                cands = inverse.get(dept[i], [])
                if len(cands) == 1:
                    topic[i] = cands[0]
                elif cands:
                    problem(name, lines[i], label["confirmed_department"], dept[i],
                            f"该单位承办多个主题（{'、'.join(cands)}），请同时填写核定主题",
                            f"this body handles several topics ({', '.join(cands)}): fill in 核定主题 too")
                else:
                    problem(name, lines[i], label["confirmed_department"], dept[i],
                            "路由表（routing.toml）中没有这个承办单位；请写单位全称，或填写核定主题",
                            "no such body in the routing table (routing.toml): write its full name or fill in 核定主题")
            has = topic.notna().to_numpy()
            for i in np.flatnonzero(has & ~topic.isin(topics_ok).to_numpy()):
                problem(name, lines[i], label["confirmed_topic"], topic[i],
                        f"不是已知的主题（{'、'.join(sorted(topics_ok))}）；新增主题请先在 routing.toml 中写明承办单位",
                        f"not a known topic ({', '.join(sorted(topics_ok))}); add a new topic to routing.toml first")
            empty = (title.fillna("") == "") & (text.fillna("") == "")
            for i in np.flatnonzero(has & empty.to_numpy()):
                problem(name, lines[i], f"{label['title']}/{label['text']}", tr("（空）", "(empty)"),
                        "已核定但标题和正文都为空", "a verdict on a message with neither title nor text")
            dates, bad = parse_datetimes(when)
            for i in np.flatnonzero(bad.to_numpy(dtype=bool) & has):
                problem(name, lines[i], label["confirmed_at"], when[i], "无法识别的日期（如 2026-12-01）",
                        "not a date (e.g. 2026-12-01)")
            day = pd.Series(dates.dt.strftime("%Y-%m-%d"), dtype="str").fillna(today)
            for i in np.flatnonzero(returned & ~has):
                pending.append({"file": name, "line": int(lines[i]), "title": title[i], "return_reason": reason[i]})
            rest = ~has & ~empty.to_numpy()
            unconfirmed.append(pd.DataFrame({"title": title[rest].fillna("").to_numpy(),
                                             "text": text[rest].fillna("").to_numpy()}))
            if has.any():
                frames.append(history_from_labels(
                    pd.DataFrame({"title": title[has].fillna("").to_numpy(), "text": text[has].fillna("").to_numpy()}),
                    topic[has].to_numpy(), source=name, kind="verdict", labeled_at=day[has].to_numpy(),
                    lines=lines[has], departments=dept[has].to_numpy(), return_reasons=reason[has].to_numpy())
                    .assign(kind=np.where(returned[has], "return", "verdict")))
    if problems:
        raise CorrectionsError(problems)
    labels = pd.concat(frames, ignore_index=True) if frames else empty_history()
    pend = pd.DataFrame(pending, columns=["file", "line", "title", "return_reason"])
    from liuan_eval.output import mask_frame

    if len(pend):
        pend = mask_frame(pend)
    if not with_unconfirmed:
        return labels.astype({"kind": "str"}), pend
    rest = pd.concat(unconfirmed, ignore_index=True) if unconfirmed else pd.DataFrame({"title": [], "text": []})
    return labels.astype({"kind": "str"}), pend, mask_frame(rest.drop_duplicates(ignore_index=True))


# --- training and the model card -------------------------------------------------------------------
def _weights(history: pd.DataFrame, settings: dict) -> np.ndarray:
    generated = history["kind"].to_numpy(dtype=object) == "generated"
    if generated.all():  # nothing to weigh them against: the shipped recipe as it is
        return np.ones(len(history))
    return np.where(generated, float(settings["training"].get("generated_weight", 0.3)), 1.0)


def train_from_history(template, history: pd.DataFrame, settings: dict | None = None, unlabeled=None):
    """A fresh copy of ``template`` (a :class:`~liuan_eval.text.TopicClassifier`) fitted on ``history``.

    ``unlabeled`` messages (the unconfirmed rows of the corrections) join the vocabulary and
    serve one round of self-training (``TopicClassifier(unlabeled=...)``: with the rest of the pool
    unlabeled, 0.807 macro-F1 at 100 chosen labels and 0.873 at 385 in
    ``benchmarks/bench_learning.py``, 0.772 and 0.868 with the labels' vocabulary and pseudo-labels
    above a margin of 0.5 only); they are not kept in the fitted model.
    """
    from sklearn.base import clone

    from liuan_eval.text.topic import TopicClassifier

    settings = settings or load_learning_settings()
    model = clone(template) if isinstance(template, TopicClassifier) else TopicClassifier(keywords="default")
    X = history[["title", "text"]]
    y = history["topic"].to_numpy(dtype=object)
    if len(np.unique(y)) < 2:
        raise UserError("标注历史中只有一个主题，无法训练（至少需要两个主题）",
                        "the labeled history holds a single topic: at least two are needed to train")
    if unlabeled is not None and len(unlabeled):
        model.set_params(unlabeled=unlabeled)
    model.fit(X, y, sample_weight=_weights(history, settings))
    return model.set_params(unlabeled=None)  # the texts were for fitting only: not stored in the model file


def cross_validate(template, history: pd.DataFrame, settings: dict | None = None, seed: int = 0) -> dict | None:
    """Stratified k-fold CV of the model :func:`train_from_history` would fit.

    Scored on the office's labels only when it has at least two of two topics (generated
    rows always stay in the training folds), else on the generated rows (``scored_on``
    says which). ``None`` when no class has two examples.
    """
    from sklearn.metrics import accuracy_score, f1_score, recall_score
    from sklearn.model_selection import StratifiedKFold

    settings = settings or load_learning_settings()
    office = (history["kind"] != "generated").to_numpy()
    yo = history.loc[office, "topic"]
    scored = office if (yo.value_counts() >= 2).sum() >= 2 else ~office
    y = history["topic"].to_numpy(dtype=object)
    counts = pd.Series(y[scored]).value_counts()
    keep = scored & np.isin(y, counts.index[counts >= 2])  # a class seen once cannot be held out and learnt
    if len(np.unique(y[keep])) < 2:
        return None
    k = int(min(int(settings["training"].get("cv_folds", 5)), pd.Series(y[keep]).value_counts().min()))
    idx = np.flatnonzero(keep)
    rest = np.flatnonzero(~keep)
    pred = np.empty(len(idx), dtype=object)
    for tr_, te in StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(idx)), y[idx]):
        fit_rows = np.concatenate([idx[tr_], rest])
        m = train_from_history(template, history.iloc[fit_rows], settings)
        pred[te] = m.predict(history.iloc[idx[te]][["title", "text"]])
    labels = np.unique(y[idx])
    return {"folds": k, "scored_on": "office" if scored is office else "generated", "n_scored": int(len(idx)),
            "macro_f1": round(float(f1_score(y[idx], pred, average="macro", labels=labels)), 4),
            "accuracy": round(float(accuracy_score(y[idx], pred)), 4),
            "recall": {str(c): round(float(r), 4) for c, r in
                       zip(labels, recall_score(y[idx], pred, average=None, labels=labels))}}


def routing_version(routing=None) -> str:
    """The routing table's ``version`` and a fingerprint of its content.

    Examples
    --------
    >>> routing_version().startswith("2026-12-01 (")
    True
    """
    from liuan_eval.text.topic import load_routing

    table = routing if isinstance(routing, dict) else load_routing(routing)
    content = json.dumps({k: table.get(k) for k in ("departments", "min_confidence", "manual_review")},
                         ensure_ascii=False, sort_keys=True)
    return f"{table.get('version', '—')} ({hashlib.sha1(content.encode()).hexdigest()[:8]})"


def model_card(history: pd.DataFrame, cv: dict | None, *, routing=None, note: str | None = None) -> dict:
    """What a topic model was trained on and what it is worth (stored with the model, printed by ``classify``).

    Examples
    --------
    >>> import pandas as pd
    >>> h = history_from_labels(["路灯坏了", "公交太慢"], ["城乡建设", "交通运输"], source="a.csv",
    ...                         kind="training", labeled_at="2026-11-02")
    >>> c = model_card(h, None)
    >>> c["n_labels"], c["n_office_labels"], c["sources"], c["date_range"], c["generated_only"]
    (2, 2, {'a.csv': 2}, ['2026-11-02', '2026-11-02'], False)
    """
    kinds = history["kind"].value_counts()
    dates = history["labeled_at"].dropna()
    return {
        "kind": "topic", "created": dt.date.today().isoformat(),
        "n_labels": int(len(history)), "n_office_labels": int((history["kind"] != "generated").sum()),
        "by_kind": {k: int(kinds.get(k, 0)) for k in LABEL_KINDS if kinds.get(k, 0)},
        "sources": {str(k): int(v) for k, v in history["source"].value_counts().sort_index().items()},
        "date_range": [str(dates.min()), str(dates.max())] if len(dates) else [None, None],
        "classes": {str(k): int(v) for k, v in history["topic"].value_counts().sort_index().items()},
        "generated_only": bool(len(history)) and bool((history["kind"] == "generated").all()),
        "cv": cv, "routing_version": routing_version(routing), "note": note,
    }


def card_lines(card: dict | None) -> list[str]:
    """The model card as lines for an analyst (Chinese, or English with ``--lang en``).

    Examples
    --------
    >>> h = history_from_labels(["路灯坏了", "公交太慢"], ["城乡建设", "交通运输"], source="a.csv",
    ...                         kind="training", labeled_at="2026-11-02")
    >>> print("\\n".join(card_lines(model_card(h, None))[:2]))
    模型卡片（主题）
      训练数据：2条标注（初始标注2），来自1个来源（a.csv 2条），标注日期 2026-11-02 至 2026-11-02
    """
    if not card:
        return [tr("模型卡片：无（旧版模型文件，请用 train-topic 或 learn 重新生成）",
                   "model card: none (an older model file: retrain it with train-topic or learn)")]
    kinds_zh = "、".join(f"{LABEL_KINDS[k][0]}{v}" for k, v in card["by_kind"].items())
    kinds_en = ", ".join(f"{LABEL_KINDS[k][1]} {v}" for k, v in card["by_kind"].items())
    src = list(card["sources"].items())
    src_zh = "、".join(f"{s} {n}条" for s, n in src[:5]) + ("等" if len(src) > 5 else "")
    src_en = ", ".join(f"{s} {n}" for s, n in src[:5]) + (", ..." if len(src) > 5 else "")
    lo, hi = card["date_range"]
    out = [tr("模型卡片（主题）", "model card (topic)"),
           tr(f"  训练数据：{card['n_labels']}条标注（{kinds_zh}），来自{len(src)}个来源（{src_zh}），标注日期 {lo} 至 {hi}",
              f"  trained on: {card['n_labels']} labels ({kinds_en}) from {len(src)} source(s) ({src_en}), "
              f"dated {lo} to {hi}")]
    if card.get("generated_only"):
        out.append(tr("  注意：这个模型只用程序生成的样例文本训练，不是真实留言；在962条真实留言上约60%分对"
                      "（docs/status.md）。请核定标出的留言，用 liuan-eval learn 训练本单位的模型。",
                      "  note: trained on generated sample text only, not on real messages; on 962 real messages it "
                      "is right about 60 % of the time (docs/status.md). Confirm the marked messages and train your "
                      "own with liuan-eval learn."))
    cv = card.get("cv")
    if cv:
        on_zh = "本单位的标注" if cv["scored_on"] == "office" else "生成的样例文本（不代表真实留言上的水平）"
        on_en = "the office's labels" if cv["scored_on"] == "office" else "generated text (says nothing of real messages)"
        rec = sorted(cv["recall"].items(), key=lambda kv: kv[1])
        out.append(tr(f"  交叉验证（{cv['folds']}折，在{on_zh}上计分，{cv['n_scored']}条）：宏平均F1 {cv['macro_f1']:.3f}，"
                      f"准确率 {cv['accuracy']:.3f}",
                      f"  cross-validation ({cv['folds']} folds, scored on {on_en}, {cv['n_scored']} messages): "
                      f"macro-F1 {cv['macro_f1']:.3f}, accuracy {cv['accuracy']:.3f}"))
        out.append(tr("  各类召回率（由低到高）：" + "、".join(f"{c} {r:.2f}" for c, r in rec),
                      "  recall per class (lowest first): " + ", ".join(f"{c} {r:.2f}" for c, r in rec)))
    else:
        out.append(tr("  交叉验证：未做（--no-cv，或每类标注不足2条）",
                      "  cross-validation: not done (--no-cv, or fewer than 2 labels per class)"))
    out.append(tr(f"  路由表版本：{card['routing_version']}", f"  routing table: {card['routing_version']}"))
    return out


def card_html(card: dict | None) -> str:
    """The model card as an HTML paragraph and list (the report's method section, the triage notebook).

    Examples
    --------
    >>> h = history_from_labels(["路灯坏了", "公交太慢"], ["城乡建设", "交通运输"], source="a.csv", kind="training")
    >>> html = card_html(model_card(h, None))
    >>> html.startswith("<p><b>模型卡片（主题）</b></p><ul><li>训练数据：2条标注"), html.count("<li>")
    (True, 3)
    """
    import html

    lines = card_lines(card)
    return (f"<p><b>{html.escape(lines[0])}</b></p><ul>" + "".join(f"<li>{html.escape(x.strip())}</li>"
                                                                    for x in lines[1:]) + "</ul>")


# --- which labels to ask for --------------------------------------------------------------------------
def choose_batch(proba, texts, k: int, *, diversity: float = 0.6, candidates: int = 20) -> np.ndarray:
    """Positions of up to ``k`` messages to confirm, most useful first.

    Margin sampling with diversity: each message's uncertainty is ``1 - (p1 - p2)`` (the two
    most probable topics); the batch is built greedily, each pick maximising uncertainty
    minus ``diversity`` times its largest cosine likeness (character 1–2-gram TF-IDF) to a
    message already picked. Only the ``k * candidates`` least certain are considered.

    Examples
    --------
    >>> import numpy as np
    >>> P = np.array([[0.5, 0.5], [0.5, 0.5], [0.9, 0.1], [0.6, 0.4]])
    >>> texts = ["小区路灯坏了", "小区路灯坏了", "公交太慢", "学校收费"]
    >>> choose_batch(P, texts, 2).tolist()       # the copy of message 0 is not chosen again
    [0, 3]
    >>> choose_batch(P, texts, 2, diversity=0).tolist()
    [0, 1]
    """
    P = np.asarray(proba, dtype=float)
    n = len(P)
    if n == 0 or k <= 0:
        return np.empty(0, dtype=np.int64)
    top = np.sort(P, axis=1)
    margin = top[:, -1] - (top[:, -2] if P.shape[1] > 1 else 0.0)
    u = 1.0 - margin
    pool = np.argsort(-u, kind="stable")[:max(k * int(candidates), k)]
    texts = np.asarray(texts, dtype=object)[pool]
    try:
        X = CharNgramTfidf(ngram_range=(1, 2), min_df=1).fit_transform(texts)
    except ValueError:  # no text at all: uncertainty alone
        X = None
    up = u[pool]
    maxsim = np.zeros(len(pool))
    taken = np.zeros(len(pool), dtype=bool)
    chosen = []
    for _ in range(min(k, len(pool))):
        score = up - float(diversity) * maxsim
        score[taken] = -np.inf
        i = int(np.argmax(score))
        chosen.append(i)
        taken[i] = True
        if X is not None and diversity:
            maxsim = np.maximum(maxsim, np.asarray((X @ X[i].T).todense()).ravel())
    return pool[np.asarray(chosen, dtype=np.int64)]


def mark_for_confirmation(classified: pd.DataFrame, topic_model=None, k: int | None = None,
                          settings: dict | None = None) -> pd.DataFrame:
    """``classified`` with ``confirm_rank``: 1..k for the messages to confirm first, NA for the rest.

    Only messages the model classified (``topic_source == "model"``) without a verdict yet
    are candidates; a message repeated word for word is marked once.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`liuan_eval.classify_messages` (``title``/``text``, ``topic_confidence``).
    topic_model : estimator or None
        The model that classified them (default the shipped one).
    k : int, optional
        How many to mark (default ``[selection] batch`` of ``learning.toml``).
    """
    settings = settings or load_learning_settings()
    sel = settings["selection"]
    k = int(sel.get("batch", 20) if k is None else k)
    if topic_model is None:
        from liuan_eval.text.models import shipped_model

        topic_model = shipped_model("topic")[0]
    out = classified.copy()
    rank = np.full(len(out), -1, dtype=np.int64)
    ok = np.array((out["topic_source"] == "model").fillna(False), dtype=bool) if "topic_source" in out else \
        np.ones(len(out), dtype=bool)
    for c in VERDICT_COLUMNS[:2]:
        if c in out:
            ok &= np.array(out[c].astype("str").fillna("").str.strip().eq(""), dtype=bool)
    titles, bodies = as_title_body(out)
    flat = joined(titles, bodies)
    # repeats are judged by the history's own key (masked, model-normalised text): two messages that
    # differ only in a masked number (a plate, an e-mail address) would be one label in the history,
    # so only one of them is asked for
    from liuan_eval.output import mask_series

    keys = message_keys(mask_series(pd.Series(titles, dtype="str")).fillna(""),
                        mask_series(pd.Series(bodies, dtype="str")).fillna(""))
    first = ~pd.Series(keys).duplicated().to_numpy()
    cand = np.flatnonzero(ok & first)
    if len(cand) and k > 0:
        if "topic_confidence" in out:  # the least confident first: the rest cannot have a small margin
            conf = out["topic_confidence"].astype("Float64").fillna(0).to_numpy(dtype=float)[cand]
            cand = cand[np.argsort(conf, kind="stable")[:k * int(sel.get("candidates", 20))]]
        P = topic_model.predict_proba(pd.DataFrame({"title": titles[cand], "text": bodies[cand]}))
        pick = choose_batch(P, flat[cand], k, diversity=float(sel.get("diversity", 0.6)),
                            candidates=int(sel.get("candidates", 20)))
        rank[cand[pick]] = np.arange(1, len(pick) + 1)
    out["confirm_rank"] = pd.array(np.where(rank > 0, rank, None), dtype="Int64")
    return out


# --- the loop ---------------------------------------------------------------------------------------
@dataclass
class LearnResult:
    """What :func:`learn` returns: the new model, its card and history, and what changed."""

    model: object
    card: dict
    history: pd.DataFrame
    stats: dict
    pending: pd.DataFrame = field(default_factory=pd.DataFrame)


def learn(model, history: pd.DataFrame | None, corrections, *, routing=None, settings=None, cv: bool = True,
          today: str | None = None) -> LearnResult:
    """Fold the corrections into the history and retrain.

    Parameters
    ----------
    model : TopicClassifier
        The current model (its parameters are kept; it is refitted from scratch).
    history : DataFrame
        Its labeled history (stored in its model file).
    corrections : path or list of paths
        Files read by :func:`read_corrections`.
    cv : bool
        Cross-validate for the card.
    """
    settings = settings or load_learning_settings()
    if history is None:
        raise UserError("这个模型文件没有保存训练用的标注历史（旧版本生成）：请先用 liuan-eval train-topic 重新训练",
                        "this model file keeps no labeled history (an older version): retrain it with "
                        "liuan-eval train-topic first")
    known = getattr(model, "classes_", [])
    new, pending, rest = read_corrections(corrections, routing=routing, known_topics=known, today=today,
                                          with_unconfirmed=True)
    merged, stats = fold_in(history, new)
    stats["read"] = int(len(new))
    stats["unconfirmed"] = int(len(rest))
    fitted = train_from_history(model, merged, settings, unlabeled=rest)
    card = model_card(merged, cross_validate(model, merged, settings) if cv else None, routing=routing)
    return LearnResult(fitted, card, merged, stats, pending)


__all__ = ["CorrectionsError", "HISTORY_COLUMNS", "LABEL_KINDS", "LearnResult", "VERDICT_COLUMNS", "card_html",
           "card_lines",
           "choose_batch", "cross_validate", "empty_history", "fold_in", "history_from_labels", "learn",
           "load_learning_settings", "mark_for_confirmation", "message_keys", "model_card", "read_corrections",
           "routing_version", "train_from_history"]
