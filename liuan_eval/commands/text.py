"""The ``train-topic``, ``train-sentiment``, ``classify`` and ``learn`` commands (the models in :mod:`liuan_eval.text`).

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser(); configure_classify(p)
>>> p.parse_args(["--input", "m.csv", "--text-col", "留言详情", "--out", "o.csv"]).topic_model is None
True
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.errors import UserError
from liuan_eval.i18n import tr


class CommandError(UserError):
    """A problem with the analyst's input, reported without a traceback."""


def _read_csv(path: str) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise CommandError(tr(f"{p}: 找不到文件", f"{p}: file not found"))
    last = None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(p, dtype="str", encoding=enc, keep_default_na=False, na_values=[""])
        except UnicodeDecodeError as exc:
            last = exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise CommandError(tr(f"{p}: 无法读取CSV（{exc}）", f"{p}: cannot read the CSV ({exc})")) from exc
    raise CommandError(tr(f"{p}: 编码无法识别（应为UTF-8或GB18030）",
                          f"{p}: unknown encoding (expected UTF-8 or GB18030): {last}"))


def _read_messages_file(path: str) -> pd.DataFrame:
    """A file of messages as ``load`` reads its files (:func:`liuan_eval.raw.read_raw`): CSV in any
    encoding and separator, title rows, Excel with every visible sheet, Parquet; the records that
    cannot be read are left out, with their count and lines on stderr."""
    from liuan_eval.raw import read_raw

    p = Path(path)
    if not p.is_file():
        raise CommandError(tr(f"{p}: 找不到文件", f"{p}: file not found"))
    parts = read_raw(p, "messages")
    frames = [part.frame for part in parts if part.frame.shape[1]]
    if not frames:
        raise CommandError(tr(f"{p}: 文件没有表头和数据", f"{p}: the file has no header and no data"))
    bad = pd.concat([part.bad for part in parts], ignore_index=True)
    if len(bad):
        from liuan_eval.validation import reason_text

        lines = bad["line"].head(10).tolist()
        why = "、".join(dict.fromkeys(reason_text(bad["reason"].astype("str")).tolist()))
        print(tr(f"{p}: {len(bad)} 条记录无法读取，已跳过，如第 {lines} 行（{why}）",
                 f"{p}: {len(bad)} record(s) could not be read and were skipped, e.g. lines {lines} ({why})"),
              file=sys.stderr)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    text = frame.astype("str")
    return text.where(text.notna() & (text != ""), None)


def _need(frame: pd.DataFrame, path: str, *cols: str | None) -> None:
    for c in cols:
        if c is not None and c not in frame.columns:
            raise CommandError(tr(f"{path}: 没有“{c}”列；现有列：{'、'.join(map(str, frame.columns))}",
                                  f"{path}: no column {c!r}; columns are: {', '.join(map(str, frame.columns))}"))


def _texts(frame: pd.DataFrame, text_col: str, title_col: str | None) -> pd.DataFrame:
    return pd.DataFrame({"title": frame[title_col] if title_col else "", "text": frame[text_col]},
                        index=frame.index)


def _labeled(args, frame) -> tuple[pd.DataFrame, pd.Series]:
    X = _texts(frame, args.text_col, getattr(args, "title_col", None))
    y = frame[args.label_col].str.strip()
    no_label = y.isna() | (y == "")
    empty = (X["title"].fillna("").str.strip() == "") & (X["text"].fillna("").str.strip() == "")
    drop = no_label | empty
    if drop.any():
        lines = (np.flatnonzero(drop.to_numpy()) + 2)[:10].tolist()
        print(tr(f"{args.input}: 跳过{int(drop.sum())}行（标签或文本为空），如第{lines}行",
                 f"{args.input}: skipped {int(drop.sum())} row(s) with an empty label or text, e.g. lines {lines}"),
              file=sys.stderr)
    return X[~drop], y[~drop]


def _cv_quality(model, X, y, folds: int = 5) -> str:
    """One line: how well ``model`` recovers the labels it is trained on, by stratified k-fold CV.

    Every fold's model is fitted without the fold it is scored on, so the figure is what an
    office can expect on new messages like these (not the flattering fit on its own data).
    """
    from sklearn.base import clone
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y, dtype=object)
    k = min(folds, int(pd.Series(y).value_counts().min()))
    if k < 2:
        return tr("交叉验证：有的类别只有1条，无法估计准确率（每类至少2条）",
                  "cross-validation: a class has a single example, no accuracy estimate (2 per class needed)")
    pred = np.empty(len(y), dtype=object)
    for train, test in StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        fitted = clone(model).fit(X.iloc[train] if hasattr(X, "iloc") else X[train], y[train])
        pred[test] = fitted.predict(X.iloc[test] if hasattr(X, "iloc") else X[test])
    acc, f1 = accuracy_score(y, pred), f1_score(y, pred, average="macro")
    per = pd.Series(f1_score(y, pred, average=None, labels=np.unique(y)), index=np.unique(y)).sort_values()
    worst = "、".join(f"{c} {v:.2f}" for c, v in per.head(3).items())
    return tr(f"交叉验证（{k}折，每折用其余数据训练）：准确率 {acc:.3f}，宏平均F1 {f1:.3f}；F1 最低的类别：{worst}",
              f"cross-validation ({k} folds, each scored by a model trained without it): accuracy {acc:.3f}, "
              f"macro-F1 {f1:.3f}; lowest F1: {worst.replace('、', ', ')}")


def _no_cv_option(parser) -> None:
    parser.add_argument("--no-cv", action="store_true",
                        help=tr("不做交叉验证（默认用5折交叉验证估计模型在新留言上的准确率）",
                                "skip the 5-fold cross-validation that estimates accuracy on new messages"))


def _fail(exc: Exception) -> int:
    print(tr(f"错误：{exc}", f"error: {exc}"), file=sys.stderr)
    return 2


# --- train-topic ------------------------------------------------------------------------------
def configure_train_topic(parser) -> None:
    """Arguments of ``liuan-eval train-topic``."""
    parser.add_argument("--input", required=True, help=tr("带标签的留言CSV", "CSV of labeled messages"))
    parser.add_argument("--text-col", required=True, help=tr("正文列名", "column holding the text"))
    parser.add_argument("--title-col", default=None, help=tr("标题列名（可选）", "column holding the title"))
    parser.add_argument("--label-col", required=True, help=tr("一级分类标签列名", "column holding the topic"))
    parser.add_argument("--out", required=True, help=tr("模型文件输出路径", "model file to write"))
    parser.add_argument("--taxonomy", default=None,
                        help=tr("分类体系CSV（一级分类,二级分类,三级分类），其二、三级名称作为各类的关键词",
                                "taxonomy CSV (一级分类,二级分类,三级分类): its 2nd/3rd-level names give each class keywords"))
    _no_cv_option(parser)
    kw = parser.add_mutually_exclusive_group()
    kw.add_argument("--keywords", default=None,
                    help=tr("各类关键词表（TOML，[keywords] 表：主题 = [\"词\", ...]）；默认用软件包自带的 topic_keywords.toml",
                            "class keywords (TOML with a [keywords] table: topic = [\"word\", ...]); "
                            "default: the package's topic_keywords.toml"))
    kw.add_argument("--no-keywords", action="store_true",
                    help=tr("不使用关键词特征", "no keyword features"))


def run_train_topic(args) -> int:
    """Train a :class:`~liuan_eval.text.TopicClassifier` and write it."""
    from liuan_eval.text.learn import cross_validate, history_from_labels, model_card
    from liuan_eval.text.models import save_model
    from liuan_eval.text.topic import TopicClassifier

    try:
        frame = _read_messages_file(args.input)
        _need(frame, args.input, args.text_col, args.title_col, args.label_col)
        X, y = _labeled(args, frame)
        counts = y.value_counts()
        if len(counts) < 2:
            raise CommandError(tr(f"{args.input}: “{args.label_col}”列至少需要两个不同的标签，现有：{counts.index.tolist()}",
                                  f"{args.input}: column {args.label_col!r} needs at least 2 labels, "
                                  f"found {counts.index.tolist()}"))
        taxonomy = None
        if args.taxonomy:
            taxonomy = _read_csv(args.taxonomy)
        keywords = None if args.no_keywords else (args.keywords or "default")
        model = TopicClassifier(taxonomy=taxonomy, keywords=keywords).fit(X, y)
        # the labeled history `learn` folds corrections into: one row per message, the later row wins
        history = history_from_labels(X, y.to_numpy(dtype=object), source=Path(args.input).name, kind="training",
                                      lines=(np.flatnonzero(frame.index.isin(X.index)) + 2))
        history = history.drop_duplicates("key", keep="last").reset_index(drop=True)
        quality = None if args.no_cv else _cv_quality(model, X.reset_index(drop=True), y.to_numpy(dtype=object))
        card = model_card(history, None if args.no_cv else cross_validate(model, history))
        save_model(model, args.out, "topic", f"{Path(args.input).name}: {len(y)} messages", card=card,
                   history=history)
    except (CommandError, ValueError, KeyError, OSError) as exc:
        return _fail(exc)
    print(tr(f"主题模型已写入 {args.out}：{len(y)}条留言，{len(counts)}个类别（{'、'.join(counts.index)}）",
             f"topic model written to {args.out}: {len(y)} messages, {len(counts)} topics "
             f"({', '.join(counts.index)})"))
    if quality:
        print(quality)
    return 0


# --- train-sentiment ----------------------------------------------------------------------------
def configure_train_sentiment(parser) -> None:
    """Arguments of ``liuan-eval train-sentiment``."""
    parser.add_argument("--input", required=True, help=tr("带情感标签的文本CSV", "CSV of labeled texts"))
    parser.add_argument("--text-col", required=True, help=tr("文本列名", "column holding the text"))
    parser.add_argument("--label-col", required=True,
                        help=tr("情感标签列名（正面/负面/中性、pos/neg/neu、1/0、happy/angry/sad/fear/neural）",
                                "label column (正面/负面/中性, pos/neg/neu, 1/0, happy/angry/sad/fear/neural)"))
    parser.add_argument("--out", required=True, help=tr("模型文件输出路径", "model file to write"))
    _no_cv_option(parser)


def run_train_sentiment(args) -> int:
    """Train a :class:`~liuan_eval.text.SentimentClassifier` and write it."""
    from liuan_eval.text.models import save_model
    from liuan_eval.text.sentiment import SentimentClassifier, UnknownLabelError, normalize_sentiment_labels

    try:
        frame = _read_messages_file(args.input)
        _need(frame, args.input, args.text_col, args.label_col)
        X, y = _labeled(args, frame)
        try:
            labels, keep = normalize_sentiment_labels(y)
        except UnknownLabelError as exc:
            listed = "、".join(f"“{k}”（{v}行）" for k, v in exc.counts.items())
            raise CommandError(tr(
                f"{args.input}，“{args.label_col}”列：无法识别的情感标签 {listed}；可用的写法：正面/负面/中性、"
                "积极/消极、pos/neg/neu、1/0 或 1/0/-1、happy/angry/sad/fear/neural（surprise 不计）",
                f"{args.input}, {args.label_col}: {exc}")) from exc
        except ValueError as exc:
            raise CommandError(f"{args.input}, {args.label_col}: {exc}") from exc
        if (~keep).any():
            print(tr(f"跳过{int((~keep).sum())}行无极性标签（如 surprise）",
                     f"skipped {int((~keep).sum())} row(s) whose label has no polarity (e.g. surprise)"),
                  file=sys.stderr)
        model = SentimentClassifier().fit(X[keep], labels[keep])
        save_model(model, args.out, "sentiment", f"{Path(args.input).name}: {int(keep.sum())} texts")
        quality = None if args.no_cv else _cv_quality(model, X[keep].reset_index(drop=True),
                                                      np.asarray(labels[keep], dtype=object))
    except (CommandError, ValueError, KeyError, OSError) as exc:
        return _fail(exc)
    counts = pd.Series(labels[keep]).value_counts()
    print(tr(f"情感模型已写入 {args.out}：{int(keep.sum())}条文本（" +
             "、".join(f"{k}{v}" for k, v in counts.items()) + "）",
             f"sentiment model written to {args.out}: {int(keep.sum())} texts (" +
             ", ".join(f"{k} {v}" for k, v in counts.items()) + ")"))
    if quality:
        print(quality)
    return 0


# --- classify -----------------------------------------------------------------------------------
def configure_classify(parser) -> None:
    """Arguments of ``liuan-eval classify``."""
    parser.add_argument("--input", required=True, help=tr("留言CSV", "CSV of messages"))
    parser.add_argument("--text-col", required=True, help=tr("正文列名", "column holding the text"))
    parser.add_argument("--title-col", default=None, help=tr("标题列名（可选）", "column holding the title"))
    parser.add_argument("--reply-col", default=None,
                        help=tr("答复意见列名（可选，给出则评估答复质量）", "column holding the reply (optional: reply quality)"))
    parser.add_argument("--topic-model", default=None,
                        help=tr("主题模型文件（默认用软件包自带模型）", "topic model file (default: the shipped one)"))
    parser.add_argument("--sentiment-model", default=None,
                        help=tr("情感模型文件（默认用软件包自带模型）", "sentiment model file (default: the shipped one)"))
    parser.add_argument("--out", required=True, help=tr("输出CSV", "CSV to write"))
    parser.add_argument("--ask", type=int, default=None,
                        help=tr("标出多少条最值得核定的留言（confirm_rank 列；默认见 learning.toml）",
                                "how many messages to mark for confirmation (confirm_rank; default: learning.toml)"))


def _describe(kind: str, info: dict, given: str | None) -> str:
    zh_kind, en_kind = {"topic": ("主题", "topic"), "sentiment": ("情感", "sentiment")}[kind]
    if given:
        return tr(f"{zh_kind}模型：{given}（训练数据：{info.get('trained_on')}）",
                  f"{en_kind} model: {given} (trained on {info.get('trained_on')})")
    return tr(f"{zh_kind}模型：软件包自带模型，由项目样例数据训练（{info.get('trained_on')}；缓存 {info.get('path')}）",
              f"{en_kind} model: the package's own, trained on the project's sample data "
              f"({info.get('trained_on')}; cached at {info.get('path')})")


def run_classify(args) -> int:
    """Classify the messages of a CSV and write them with the added columns."""
    from liuan_eval.output import write_csv
    from liuan_eval.text.classify import classify_messages
    from liuan_eval.text.models import load_model, shipped_model

    try:
        frame = _read_messages_file(args.input)
        _need(frame, args.input, args.text_col, args.title_col, args.reply_col)
        models = {}
        for kind, given in (("topic", args.topic_model), ("sentiment", args.sentiment_model)):
            models[kind] = load_model(given, kind) if given else shipped_model(kind)
            print(_describe(kind, models[kind][1], given))
            if kind == "topic":
                from liuan_eval.text.learn import card_lines

                print("\n".join(card_lines(models[kind][1].get("card"))))
        X = frame.copy()
        X["text"] = frame[args.text_col]
        X["title"] = frame[args.title_col] if args.title_col else ""
        if args.reply_col:
            X["reply_text"] = frame[args.reply_col]
        if "topic" in X.columns:  # a label column of the input is not a given topic here
            X = X.drop(columns="topic")
        out = classify_messages(X, models["topic"][0], models["sentiment"][0])
        out = _with_verdict_columns(out, models["topic"][0], args.ask)
        helpers = [c for c, src in (("text", args.text_col), ("title", args.title_col),
                                    ("reply_text", args.reply_col)) if src != c and c not in frame.columns]
        out = out.drop(columns=[c for c in helpers if c in out.columns])
        # the file goes to other offices: masked and formula-safe like every output
        write_csv(out, args.out)
    except (CommandError, ValueError, KeyError, OSError) as exc:
        return _fail(exc)
    empty = int((out["topic_source"] == "empty").sum())
    print(tr(f"已写入 {args.out}：{len(out)}条留言" + (f"（{empty}条标题和正文均为空，未分类）" if empty else ""),
             f"written {args.out}: {len(out)} messages" +
             (f" ({empty} with neither title nor text, not classified)" if empty else "")))
    asked = int(out["confirm_rank"].notna().sum())
    if asked:
        print(tr(f"其中{asked}条标为最值得核定（confirm_rank 1–{asked}）：请在“核定主题”（confirmed_topic）列填写正确主题，"
                 "然后运行 liuan-eval learn",
                 f"{asked} are marked as most worth confirming (confirm_rank 1-{asked}): fill in confirmed_topic "
                 "(核定主题), then run liuan-eval learn"))
    return 0


def _with_verdict_columns(out: pd.DataFrame, topic_model, ask: int | None) -> pd.DataFrame:
    """The classified table with ``confirm_rank`` and the empty columns the office fills in."""
    from liuan_eval.text.learn import VERDICT_COLUMNS, mark_for_confirmation
    from liuan_eval.text.topic import TopicClassifier

    if isinstance(topic_model, TopicClassifier) or hasattr(topic_model, "predict_proba"):
        out = mark_for_confirmation(out, topic_model, ask)
    for c in VERDICT_COLUMNS:
        if c not in out.columns:
            out[c] = pd.Series(pd.NA, index=out.index, dtype="str")
    return out


# --- learn --------------------------------------------------------------------------------------
def configure_learn(parser) -> None:
    """Arguments of ``liuan-eval learn``."""
    parser.add_argument("--model", required=True,
                        help=tr("当前主题模型文件（default：软件包自带模型）", "current topic model file (default: the shipped one)"))
    parser.add_argument("--corrections", required=True, nargs="+",
                        help=tr("核定结果文件（CSV/Excel，有留言标题或正文和“核定主题”或“核定承办单位”列；可多个，后面的优先）",
                                "files with the office's verdicts (title or text, and 核定主题 or 核定承办单位); "
                                "later files win"))
    parser.add_argument("--out", required=True, help=tr("新模型文件", "model file to write"))
    parser.add_argument("--history-out", default=None,
                        help=tr("另存一份标注历史CSV（已脱敏）", "also write the labeled history as CSV (masked)"))
    _no_cv_option(parser)


def run_learn(args) -> int:
    """Fold the corrections into the model's labeled history, retrain, write the new model and its card."""
    from liuan_eval.output import write_csv
    from liuan_eval.text.learn import card_lines, learn
    from liuan_eval.text.models import load_model, save_model, shipped_model

    try:
        model, info = shipped_model("topic") if args.model == "default" else load_model(args.model, "topic")
        result = learn(model, info.get("history"), args.corrections, cv=not args.no_cv)
        names = "、".join(Path(c).name for c in args.corrections)
        save_model(result.model, args.out, "topic", f"{info.get('trained_on')} + {names}", card=result.card,
                   history=result.history)
        if args.history_out:
            write_csv(result.history, args.history_out)
    except (CommandError, ValueError, KeyError, OSError) as exc:
        return _fail(exc)
    st = result.stats
    print(tr(f"读入{st['read']}条核定：新增{st['added']}条，改判{st['changed']}条，确认原标注{st['confirmed']}条；"
             f"新模型已写入 {args.out}",
             f"read {st['read']} verdicts: {st['added']} new, {st['changed']} changed, {st['confirmed']} confirmed; "
             f"new model written to {args.out}"))
    if len(result.pending):
        print(tr(f"另有{len(result.pending)}条被退回但尚未核定主题（未计入），请优先核定：",
                 f"{len(result.pending)} returned message(s) without a verdict yet (not used), confirm them first:"))
        for r in result.pending.head(10).itertuples():
            print(f"  {r.file}:{r.line} {r.title} — {r.return_reason}")
    print("\n".join(card_lines(result.card)))
    return 0
