"""The whole annual assessment, end to end: ``liuan-eval run`` and :func:`run_assessment`.

load (with the pre-flight check) → score → classify messages → summary tables → hot issues and bursts (on a
large year grouped in a second process from the start of scoring, so the tables are made while it works) →
CSV files and ``annual_report.xlsx`` → the report notebook executed with papermill → ``annual_report.html`` (nbconvert, no code cells).

The notebook ``notebooks/reports/01-annual-report.ipynb`` calls the same :func:`assess`
and the same section functions (:mod:`liuan_eval.report.sections`), so "Run All" in
JupyterLab and ``liuan-eval run`` give the same figures.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
import warnings
from dataclasses import dataclass, field
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path

import pandas as pd

from liuan_eval.errors import UserError
from liuan_eval.i18n import tr
from liuan_eval.report import tables as T
from liuan_eval.report.content import content_sheet, content_table

#: File name of the report notebook (the template and its executed copy in the output folder).
EXECUTED_NOTEBOOK = "01-annual-report.ipynb"


def report_notebook(source_root: Path | None = None) -> Path:
    """The annual-report notebook: the source tree's, else the copy a wheel carries.

    ``notebooks/reports/01-annual-report.ipynb`` beside the package (a checkout or an
    editable install, where an analyst edits it in JupyterLab); a wheel has no source
    tree, and its build (``setup.py``) copies the notebook into ``liuan_eval/report/notebooks/``.
    """
    root = Path(__file__).resolve().parents[2] if source_root is None else Path(source_root)
    source = root / "notebooks" / "reports" / EXECUTED_NOTEBOOK
    return source if source.is_file() else Path(__file__).resolve().parent / "notebooks" / EXECUTED_NOTEBOOK


#: The report notebook this installation runs.
NOTEBOOK = report_notebook()
HTML_NAME = "annual_report.html"
XLSX_NAME = "annual_report.xlsx"
#: Folder (inside the output folder) of the saved report: Parquet tables and a JSON manifest.
ASSESSMENT_DIR = "assessment"


@dataclass
class AnnualReport:
    """Everything every output shows, computed once by :func:`assess` (or reloaded by :func:`open_report`).

    The HTML report, the workbook, the CSV tables and everything added later render this
    one object; none of them recomputes what it holds. :meth:`save` writes it as Parquet
    tables and a JSON manifest (``assessment/`` in the output folder), :func:`load_report`
    reads it back exactly.

    Attributes
    ----------
    year, criteria, data_dir
        What was assessed, against which preset, from which folder.
    assessment : liuan_eval.scoring.Assessment
        Findings, scores, lists, the repost table (C12), caveats, metrics, the preset.
    messages : DataFrame or None
        The year's messages with topic, department, sentiment and risk columns added.
    hot_issues, bursts : DataFrame or None
    preflight : liuan_eval.preflight.CheckResult or None
        The check's problems, coverage and files (its ``dataset`` is not kept).
    tables : dict of DataFrame
        The derived tables the outputs share: ``accounts`` (the registry), ``coverage``,
        ``daily_posts``, ``reply_timeliness``, ``key_figures``, ``quarantine``, ``load_report``.
    missing : dict
        Section → reason, for parts that could not be computed ("未评估：…").
    dataset : liuan_eval.dataset.Dataset or None
        The loaded tables, in the process that computed the report only (the clean CSV
        files are written from it); ``None`` after :func:`load_report`.
    outputs : list of str
        Names of the files written beside the saved assessment (for the report's last note).
    issued : datetime.date or None
        The date of issue of the 通报 and the units' notices (整改时限 counts from it).
    period_start, period_end, period_label
        The period assessed when it is not the calendar year ``year`` (a quarter, ``--from``/``--to``):
        first and last day (inclusive) and its Chinese name; ``None``/``""`` for the year.
    """

    year: int
    criteria: str
    data_dir: Path
    assessment: object
    messages: pd.DataFrame | None = None
    hot_issues: pd.DataFrame | None = None
    bursts: pd.DataFrame | None = None
    preflight: object | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    dataset: object | None = None
    outputs: list[str] = field(default_factory=list)
    issued: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    period_label: str = ""

    @property
    def period(self):
        """The period assessed (:class:`liuan_eval.report.periods.Period`)."""
        from liuan_eval.report.periods import Period, year_period

        if self.period_start is None:
            return year_period(self.year)
        return Period(self.period_start, self.period_end, self.period_label)

    def criterion_names(self) -> dict[str, str]:
        """Criterion id → Chinese name, from the preset."""
        crits = getattr(self.assessment, "criteria", None)
        if crits is None:
            return {}
        return {c.id: c.name for c in crits}

    @property
    def repost(self) -> pd.DataFrame | None:
        """The scoring engine's repost table (C12): one row per release and account owing it."""
        return getattr(self.assessment, "repost", None)

    def reply(self) -> pd.DataFrame:
        """The reply-timeliness table per unit (C07's time limit)."""
        return self.tables["reply_timeliness"]

    def save(self, folder) -> Path:
        """Write the report as Parquet tables and a JSON manifest into ``folder`` (see :mod:`.saved`)."""
        from liuan_eval.report.saved import save_report

        return save_report(self, folder)


def _in_year(frame: pd.DataFrame | None, col: str, year: int, period=None) -> pd.DataFrame | None:
    """The rows of ``frame`` whose ``col`` falls in ``year`` (or in ``period``: first and last day, inclusive)."""
    if frame is None or col not in frame:
        return frame
    ts = T._local(frame[col])
    start, end = T.period_bounds(year, period)
    return frame[((ts >= start) & (ts < end)).fillna(False).to_numpy()]


#: How a caveat about the data not covering the whole period begins (the run's summary repeats it).
DATA_SPAN_CAVEAT = "数据覆盖："


def data_span_caveats(posts: pd.DataFrame | None, year: int, period=None, days: int = 15) -> list[str]:
    """Caveats when the posts stop ``days`` or more before the period's end (or start as long after its
    start): those days are scored as days without a post (C15 and the rest), most likely an export that
    does not cover the period (``--from/--to`` beyond the data) rather than every account falling silent.

    Examples
    --------
    >>> p = pd.DataFrame({"published_at": pd.to_datetime(["2025-01-02", "2025-12-02", "2025-12-30"]).tz_localize(
    ...     "Asia/Shanghai")})
    >>> data_span_caveats(p, 2025)
    []
    >>> c = data_span_caveats(p, 2025, ("2025-12-01", "2026-01-31"))
    >>> len(c), "最晚的一条发布在2025-12-30，考核期间到2026-01-31：其后32天" in c[0]
    (1, True)
    """
    if posts is None or not len(posts) or "published_at" not in posts:
        return []
    start, end = T.period_bounds(year, period)
    last_day = end - pd.Timedelta(days=1)
    inside = T._local(_in_year(posts, "published_at", year, period)["published_at"])
    out = []
    if not len(inside):
        return [f"{DATA_SPAN_CAVEAT}考核期间（{start:%Y-%m-%d}至{last_day:%Y-%m-%d}）内没有任何一条发布：各账号都按没有发布计分，"
                "请确认导出的数据覆盖这个期间"]
    first, last = inside.min().normalize(), inside.max().normalize()
    after = int((last_day - last).days)
    if after >= days:
        out.append(f"{DATA_SPAN_CAVEAT}数据中最晚的一条发布在{last:%Y-%m-%d}，考核期间到{last_day:%Y-%m-%d}：其后{after}天"
                   "没有任何账号发布，这些天按没有发布计分（长期未更新等），请确认导出的数据覆盖整个考核期间")
    before = int((first - start).days)
    if before >= days:
        out.append(f"{DATA_SPAN_CAVEAT}数据中最早的一条发布在{first:%Y-%m-%d}，考核期间从{start:%Y-%m-%d}起：此前{before}天"
                   "没有任何账号发布，这些天按没有发布计分（长期未更新等），请确认导出的数据覆盖整个考核期间")
    return out


#: Registry columns the outputs show (the coverage matrix, the posting calendar).
ACCOUNT_COLUMNS = ["unit", "unit_type", "platform", "account_id", "account_name", "opened_at", "closed_at"]


def derived_tables(dataset, assessment, year: int, *, issued: dt.date | None = None,
                   responses: pd.DataFrame | None = None, period=None) -> dict[str, pd.DataFrame]:
    """The tables every output shares, computed once from the loaded data and the assessment.

    ``issued``: the date of issue of the notices (their 整改时限 counts from it); ``responses``:
    the returned notices' answers (:func:`liuan_eval.report.responses.read_responses`); ``period``:
    (first day, last day) when the period is not the calendar year.
    """
    from liuan_eval.report.responses import RESPONSE_TABLE_COLUMNS
    from liuan_eval.report.unit_notices import notice_items

    crits = getattr(assessment, "criteria", None)
    limit = int(crits["C07"].params.get("max_workdays", 5)) if crits is not None and "C07" in crits else 5
    accounts = dataset.accounts
    messages = _in_year(dataset.messages, "received_at", year, period)
    posts = _in_year(dataset.posts, "published_at", year, period)
    reply = T.reply_timeliness(messages, year, limit, period)
    metrics = dict(getattr(assessment, "metrics", {}) or {})
    kf = T.key_figures(accounts, posts, messages, None, assessment.rectification, assessment.closure, metrics)
    if "reply_rate" not in metrics and not reply.empty:
        kf = T.key_figures(accounts, posts, messages, reply, assessment.rectification, assessment.closure, metrics)
    acc = (accounts.reindex(columns=ACCOUNT_COLUMNS) if accounts is not None
           else pd.DataFrame({c: pd.Series([], dtype="str") for c in ACCOUNT_COLUMNS}))
    results = T.account_results(assessment.account_scores, assessment.unit_scores, assessment.rectification,
                                crits.failing_grade if crits is not None else "不合格",
                                bool((getattr(crits, "notice", None) or {}).get("rectified_fails", True)))
    return {
        "accounts": acc,
        "account_results": results,
        "pass_rates": T.pass_rates(results),
        "class_rankings": T.class_rankings(assessment.unit_scores),
        "class_summary": T.class_summary(assessment.unit_scores, T.pass_rates(results)),
        "notice_items": notice_items(assessment.findings, accounts, assessment.unit_scores, assessment.rectification,
                                     crits, issued),
        "responses": (responses.reset_index(drop=True) if responses is not None
                      else pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "str")
                                         for c in RESPONSE_TABLE_COLUMNS})),
        "coverage": T.coverage_matrix(accounts),
        "daily_posts": T.daily_post_counts(dataset.posts, year, period),
        "reply_timeliness": reply,
        "key_figures": kf,
        "quarantine": dataset.quarantine,
        "load_report": dataset.load_report,
    }


def repost_summary(repost: pd.DataFrame | None) -> pd.DataFrame:
    """Per key release: accounts expected, reposted, in time, the share in time, median delay.

    Examples
    --------
    >>> import numpy as np
    >>> r = pd.DataFrame({"release_id": ["R1", "R1"], "title": ["甲", "甲"], "issuing_account": ["六安发布"] * 2,
    ...     "released_at": [pd.Timestamp("2025-05-06 10:00")] * 2, "reposted_at": [pd.Timestamp("2025-05-06 10:30"),
    ...     pd.NaT], "delay_minutes": [30.0, np.nan], "on_time": [True, False]})
    >>> repost_summary(r).iloc[0][["expected", "reposted", "timely", "timely_rate"]].astype(float).tolist()
    [2.0, 1.0, 1.0, 0.5]
    """
    cols = ["release_id", "title", "issuing_account", "released_at", "expected", "reposted", "timely",
            "timely_rate", "median_delay_minutes"]
    if repost is None or repost.empty:
        return T._empty(cols)
    if "status" in repost.columns:  # reposts not yet due at the period's end are judged later
        repost = repost[repost["status"].astype("str") != "not_yet_due"]
        if repost.empty:
            return T._empty(cols)
    g = repost.groupby(["release_id", "title", "issuing_account", "released_at"], sort=True)
    out = g.agg(expected=("on_time", "size"), reposted=("reposted_at", "count"),
                timely=("on_time", "sum"), median_delay_minutes=("delay_minutes", "median")).reset_index()
    out["timely"] = out["timely"].astype("int64")
    out["timely_rate"] = T._rate(out["timely"], out["expected"])
    return out[cols]


class BlockingProblems(UserError):
    """The pre-flight check found problems that stop the assessment (see ``liuan-eval check``)."""

    def __init__(self, check):
        self.check = check
        super().__init__("错误：数据有阻断性问题，无法进行考核，请先修正：\n" + check.to_text(),
                         "error: blocking data problems, fix them first:\n" + check.to_text())


#: Environment variable naming a file: ``run`` appends JSON lines to it, ``{"begin": stage}`` when a
#: stage begins and ``{"stage": stage, "seconds": …}`` when it ends (``python -m benchmarks whole_run``).
STAGE_TIMES_ENV = "LIUAN_EVAL_STAGE_TIMES"
_stage: dict = {}


def _step(bar, text: str) -> None:
    import os
    import time

    from liuan_eval.errors import interrupted
    from liuan_eval.memory import release_memory
    from liuan_eval.text.features import clear_lookup_tables

    if interrupted():  # Ctrl-C that a finaliser swallowed: stop at the next stage
        raise KeyboardInterrupt
    clear_lookup_tables()  # the last stage's models' look-up tables and temporaries go before the next one
    release_memory()
    if bar is not None:
        bar.set_description_str(text)
    target = os.environ.get(STAGE_TIMES_ENV)
    if target:
        import json

        now = time.perf_counter()
        with open(target, "a", encoding="utf-8") as fh:
            if _stage:
                fh.write(json.dumps({"stage": _stage["text"], "seconds": round(now - _stage["t"], 3)},
                                    ensure_ascii=False) + "\n")
            fh.write(json.dumps({"begin": text}, ensure_ascii=False) + "\n")
        _stage.update(text=text, t=now)


def _advance(bar) -> None:
    if bar is not None:
        bar.update()


#: From this many messages on, ``assess`` groups the hot issues in a second process while it classifies
#: and scores (the grouping needs only the texts; the topics join at the end): on a province's year
#: the two stages then share the wall time. Fewer messages: one process (starting one costs seconds).
BACKGROUND_HOT_MIN_MESSAGES = 100_000

#: Messages sent to the second process at a time.
_HOT_PIECE_ROWS = 50_000

#: The messages' columns the hot issues are grouped from (all but the classified topic).
_HOT_INPUT = ("message_id", "title", "text", "user", "unit", "received_at", "like_count", "oppose_count")


class HotIssuesInBackground(contextlib.AbstractContextManager):
    """:func:`liuan_eval.text.hot.hot_issues_without_topics` of ``messages`` in a second process (a
    ``concurrent.futures`` pool of one, started with ``spawn``), when there are at least
    :data:`BACKGROUND_HOT_MIN_MESSAGES` messages and a second core; otherwise nothing is started and
    :meth:`result` runs :func:`liuan_eval.find_hot_issues` itself. Either way the same table.

    The second process is stopped on leaving the ``with`` block, whatever happened (an error,
    Ctrl-C); if it dies on its own (e.g. killed for memory), the hot issues are grouped here instead.

    Examples
    --------
    >>> m = pd.DataFrame({"message_id": ["1", "2", "3"], "user": ["a", "b", "c"], "topic": ["交通", "交通", "城建"],
    ...     "title": ["汇金路五矿小区噪音扰民严重", "汇金路五矿小区噪音扰民严重！", "五矿小区汇金路噪音扰民严重"]})
    >>> with HotIssuesInBackground(m) as job:
    ...     job.result(m)[["count", "topics"]].values.tolist()
    [[3, '交通、城建']]
    """

    def __init__(self, messages: pd.DataFrame):
        import os

        self._pool = self._job = None
        if len(messages) >= BACKGROUND_HOT_MIN_MESSAGES and (os.cpu_count() or 1) >= 2:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from liuan_eval.text.hot import hot_issues_of_received, receive_piece

            frame = messages[[c for c in _HOT_INPUT if c in messages.columns]].reset_index(drop=True)
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            # piece by piece (one worker takes them in order): never all the messages pickled at once here
            for a in range(0, len(frame), _HOT_PIECE_ROWS):
                self._pool.submit(receive_piece, frame.iloc[a:a + _HOT_PIECE_ROWS])
            self._job = self._pool.submit(hot_issues_of_received)

    def result(self, classified: pd.DataFrame) -> pd.DataFrame:
        """The hot issues, with the topics of ``classified`` (the same messages, in the same order)."""
        import liuan_eval
        from liuan_eval.text.hot import with_topics

        if self._job is None:
            return liuan_eval.find_hot_issues(classified)
        from concurrent.futures.process import BrokenProcessPool

        try:
            table, members = self._job.result()
        except BrokenProcessPool:  # the second process died (killed for memory?): group them here
            self.__exit__(None, None, None)
            warnings.warn(tr("计算热点问题的第二个进程意外退出，改在本进程中计算（结果相同，耗时更长）",
                             "the second process grouping the hot issues died; grouping them here instead"),
                          RuntimeWarning, stacklevel=2)
            return liuan_eval.find_hot_issues(classified)
        self.__exit__(None, None, None)  # the second process is done: its memory goes back now
        return with_topics(table, members, classified["topic"] if "topic" in classified.columns else None)

    def __exit__(self, *exc):
        if self._pool is not None:
            for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
                proc.terminate()  # a grouping still running is not waited for
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        return False


def assess(data_dir, year: int, criteria: str = "liuan_2016", *, progress: bool = False,
           issued: dt.date | None = None, responses=None, previous=None, period=None, confirmations=None,
           content_rules=None, engine: str = "pandas", scheduler: str | None = None) -> AnnualReport:
    """Load, check, classify and score one year's data; everything the report shows.

    Parameters
    ----------
    data_dir : str or Path
        The folder of input tables (``liuan_eval.load``'s convention).
    year : int
        The assessment year.
    criteria : str
        Criteria preset name or TOML path (``liuan_eval.score``'s ``criteria``).
    progress : bool
        Show a tqdm progress bar on stderr, one step per stage.
    issued : datetime.date, optional
        Date of issue of the 通报 and the units' notices (default today).
    responses : str or Path, optional
        A folder of returned notices (``units/<unit>.xlsx`` with the units' and the office's
        answers): appeals the office accepted (核定结果 申诉成立) withdraw their findings; every
        answer is kept in the report's ``responses`` table for the follow-up.
    previous : str, Path or AnnualReport, optional
        The previous period's report folder (``reports/2024``, or its ``assessment/``) or a loaded
        report: the comparison tables (:mod:`liuan_eval.report.comparison`) are added.
    confirmations, content_rules : optional
        C20's confirmations file(s) and the office's content rule files (``liuan_eval.score``'s).
    engine : {"pandas", "dask"}
        ``"dask"``: messages classified and the assessment scored on a Dask cluster
        (:mod:`liuan_eval.scoring.distributed`; the same result); ``scheduler`` its address, a
        ``LocalCluster`` on this machine when ``None``.

    Returns
    -------
    AnnualReport

    Raises
    ------
    liuan_eval.io.InputError
        When the folder or a table cannot be read at all (the message names file, column,
        row and what was expected).
    """
    import liuan_eval

    data_dir = Path(data_dir)
    if period is not None and period.is_year:
        year, period = period.year, None
    if period is not None:
        year = period.year
    bounds = period.bounds() if period is not None else None
    previous_caveats = []
    if previous is not None:  # refused before anything is computed (or a cluster started) when no earlier period
        from liuan_eval.criteria import load_criteria
        from liuan_eval.report.comparison import check_previous
        from liuan_eval.report.periods import year_period

        previous = previous_report(previous)
        previous_caveats = check_previous(previous, period if period is not None else year_period(int(year)),
                                          load_criteria(criteria).name)
    steps = ["preflight", "score", "classify", "tables", "hot"]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(steps), file=sys.stderr, unit=tr("步", "step"), leave=True)
    missing: dict[str, str] = {}
    stack = contextlib.ExitStack()
    classify, score = liuan_eval.classify_messages, liuan_eval.score
    cluster = contextlib.nullcontext()
    if engine == "dask":
        from liuan_eval.scoring.distributed import classify_dask, dask_client, engine_score

        classify, score, cluster = classify_dask, engine_score, dask_client(scheduler)
    elif engine != "pandas":
        raise UserError(f"错误：未知的计算引擎 {engine}（应为 pandas 或 dask）", f"error: unknown engine {engine!r}")
    try:
        stack.enter_context(cluster)
        _step(bar, tr("读取与检查数据", "loading and checking data"))
        pre = liuan_eval.preflight_check(data_dir, year=year, period=bounds)
        if not pre.ok:
            raise BlockingProblems(pre)
        dataset = pre.dataset if pre.dataset is not None else liuan_eval.load(data_dir, year=year)
        _advance(bar)

        messages = _in_year(dataset.messages, "received_at", year, bounds)
        hot_job = None
        if engine == "pandas" and messages is not None and not messages.empty:
            # a large year's hot issues are grouped in a second process while the assessment is scored and
            # the messages classified (scoring first: its peak then does not hold the classified columns)
            hot_job = stack.enter_context(HotIssuesInBackground(messages))

        _step(bar, tr("按考核标准评分", "scoring"))
        assessment = score(dataset, year=year, criteria=criteria, period=bounds,
                           confirmations=confirmations, content_rules=content_rules)
        span_caveats = data_span_caveats(dataset.posts, int(year), bounds)
        issued = issued or dt.date.today()
        answers = None
        if responses is not None:  # the returned notices answer this assessment's findings
            from liuan_eval.report.responses import accepted_appeals, read_responses
            from liuan_eval.report.unit_notices import notice_items

            items = notice_items(assessment.findings, dataset.accounts, assessment.unit_scores,
                                 assessment.rectification, assessment.criteria, issued)
            answers = read_responses(responses, items)
            accepted = accepted_appeals(answers)
            if accepted is not None and len(accepted):
                assessment = score(dataset, year=year, criteria=criteria, period=bounds, withdrawn=accepted,
                                   confirmations=confirmations, content_rules=content_rules)
        assessment.caveats.extend(span_caveats)
        _advance(bar)

        _step(bar, tr("留言分类、情感与风险", "classifying messages"))
        classified = hot = bursts = None
        if messages is None or messages.empty:
            missing["messages"] = tr("未评估：考核期间内没有网民留言（messages）", "not assessed: no messages in the period")
        else:
            classified = classify(messages)
        _advance(bar)

        # the summary tables need no hot issue: made while the second process may still be grouping them
        _step(bar, tr("汇总表格", "summary tables"))
        tables = derived_tables(dataset, assessment, int(year), issued=issued, responses=answers, period=bounds)
        if previous is not None:
            from liuan_eval.report.comparison import comparison_tables

            tables.update(comparison_tables(previous, assessment, tables))
            tables["previous_period"] = tables["previous_period"].assign(caveat="；".join(previous_caveats))
            assessment.caveats.extend(previous_caveats)
        _advance(bar)

        _step(bar, tr("热点问题与突增", "hot issues and bursts"))
        if classified is not None:
            bursts = liuan_eval.detect_bursts(classified)
            hot = hot_job.result(classified) if hot_job is not None else liuan_eval.find_hot_issues(classified)
        else:
            missing["hot_issues"] = missing["messages"]
        _advance(bar)
        _step(bar, tr("评估完成", "assessment done"))
    finally:
        stack.close()
        if bar is not None:
            bar.close()
    pre.dataset = None  # the report keeps what it shows, not the loaded tables twice
    return AnnualReport(year=int(year), criteria=str(criteria), data_dir=data_dir, assessment=assessment,
                        messages=classified, hot_issues=hot, bursts=bursts, preflight=pre, tables=tables,
                        missing=missing, dataset=dataset, issued=issued,
                        period_start=period.start if period is not None else None,
                        period_end=period.end if period is not None else None,
                        period_label=period.label if period is not None else "")


def previous_report(previous) -> AnnualReport:
    """The previous period's report: a loaded one, a run's folder (``reports/2024``) or its ``assessment/``."""
    if isinstance(previous, AnnualReport):
        return previous
    from liuan_eval.report.saved import load_report

    folder = Path(previous)
    if (folder / ASSESSMENT_DIR / "manifest.json").is_file():
        folder = folder / ASSESSMENT_DIR
    return load_report(folder)


def open_report(assessment_dir: str | Path | None = None, *, data_dir=None, year: int | None = None,
                criteria: str = "liuan_2016", progress: bool = False, period: str = "") -> AnnualReport:
    """The report to show: the saved one when ``assessment_dir`` names it, else computed now.

    The report notebook calls this with its ``parameters`` cell: ``liuan-eval run`` passes
    the folder it has just saved (nothing is computed twice); opened on its own in
    JupyterLab, the notebook leaves it empty and computes from ``data_dir``. ``period``: empty
    for the calendar ``year``, else as ``--period`` writes it (``2025Q2``, ``2025H1``) or two days
    ``2025-04-01/2025-06-30`` (as ``--from``/``--to``).
    """
    if assessment_dir:
        from liuan_eval.report.saved import load_report

        return load_report(assessment_dir)
    return assess(data_dir, int(year), criteria, progress=progress, period=period_parameter(period))


def period_argument(period) -> str:
    """The notebook's ``period`` parameter for a :class:`~liuan_eval.report.periods.Period` (empty for a
    calendar year): :func:`period_parameter` reads it back.

    Examples
    --------
    >>> from liuan_eval.report.periods import parse_period
    >>> period_argument(parse_period("2025Q2")), period_argument(parse_period("2025"))
    ('2025-04-01/2025-06-30', '')
    """
    if period is None or period.is_year:
        return ""
    first, last = period.bounds()
    return f"{first}/{last}"


def period_parameter(text: str):
    """The notebook's ``period`` parameter as a :class:`~liuan_eval.report.periods.Period` (``None``
    when empty: the calendar year).

    Examples
    --------
    >>> period_parameter("2025Q2").label, period_parameter("2025-03-01/2025-05-31").label
    ('2025年第二季度', '2025年3月1日至5月31日')
    >>> period_parameter("") is None
    True
    """
    from liuan_eval.report.periods import parse_period, span

    text = str(text or "").strip()
    if not text:
        return None
    if "/" in text:
        first, last = (t.strip() for t in text.split("/", 1))
        return span(first, last)
    return parse_period(text)


# ---- output tables -----------------------------------------------------------------------
def _sorted(frame: pd.DataFrame | None, by: list[str]) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame()
    by = [c for c in by if c in frame.columns]
    return frame.sort_values(by, kind="stable").reset_index(drop=True) if by else frame.reset_index(drop=True)


MESSAGE_OUTPUT_COLUMNS = ["message_id", "unit", "account_id", "platform", "received_at", "replied_at", "in_scope",
                          "title", "topic", "topic_confidence", "department", "sentiment", "sentiment_score",
                          "risk_level", "risk_reasons"]


def output_tables(report: AnnualReport) -> dict[str, pd.DataFrame]:
    """The report's tables by CSV file stem (English headers, sorted, no run timestamps).

    Rendered from the report's tables only; the writers mask them (:mod:`liuan_eval.output`).
    """
    a, t = report.assessment, report.tables
    out = {
        "key_figures": t["key_figures"],
        "pass_rates": t["pass_rates"],
        "class_summary": t["class_summary"],
        "class_rankings": t["class_rankings"],
        "notice_items": t["notice_items"],
        "responses": t["responses"],
        "withdrawn": T.stringify(a.withdrawn) if getattr(a, "withdrawn", None) is not None
        else T._empty(["finding_id", "criterion", "unit", "account_id", "explanation", "appeal_reason"]),
        **{name: t[name] for name in COMPARISON_TABLES if name in t},
        "coverage": t["coverage"],
        "unit_scores": _sorted(a.unit_scores, ["rank", "unit"]),
        "account_scores": _sorted(a.account_scores, ["unit", "platform", "account_id"]),
        "findings": T.stringify(_sorted(a.findings, ["criterion", "unit", "account_id", "window_start"])),
        "rectification": T.stringify(T.action_list(a.rectification)),
        "closure": T.stringify(T.action_list(a.closure)),
        "not_assessed": _sorted(a.not_assessed, ["criterion"]),
        "reply_timeliness": t["reply_timeliness"],
        "repost_timeliness": report.repost if report.repost is not None else T._empty(["release_id"]),
        "content_suspects": content_table(a),
        "message_statistics": T.message_statistics(report.messages),
        "quarantine": _sorted(t["quarantine"], ["table", "file", "sheet", "line", "column"]),
        "load_report": _sorted(t["load_report"], ["table", "file", "sheet"]),
    }
    if report.messages is not None:
        m = report.messages
        cols = [c for c in MESSAGE_OUTPUT_COLUMNS if c in m.columns]
        out["messages_classified"] = _sorted(m[cols], ["received_at", "message_id"])
    if report.hot_issues is not None:
        out["hot_issues"] = T.stringify(report.hot_issues.reset_index(drop=True))
    if report.bursts is not None:
        out["bursts"] = T.stringify(report.bursts.reset_index(drop=True))
    pre = report.preflight
    if pre is not None and getattr(pre, "problems", None) is not None:
        out["data_quality"] = T.stringify(pre.problems.reset_index(drop=True))
    return out


def key_figures(report: AnnualReport, reply: pd.DataFrame | None = None) -> pd.DataFrame:
    """The headline figures the report holds (``metric``, ``value``)."""
    return report.tables["key_figures"]


def write_csvs(tables: dict[str, pd.DataFrame], out: Path) -> dict[str, Path]:
    """Write each table as ``<name>.csv`` through :func:`liuan_eval.output.write_csv`
    (UTF-8 with BOM so Excel shows the Chinese; masked; formula-safe; atomic)."""
    from liuan_eval.output import write_csv

    return {name: write_csv(frame, Path(out) / f"{name}.csv") for name, frame in tables.items()}


def workbook_sheets(report: AnnualReport, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The workbook's sheets (Chinese titles and headers) from :func:`output_tables`."""
    from liuan_eval.report.comparison import comparison_summary_display

    names = {cid: f"{cid} {name}" for cid, name in report.criterion_names().items()}
    kf = tables["key_figures"].rename(columns={"metric": "指标", "value": "数值"})
    sheets = {
        "主要数据": kf,
        "合格率": T.to_chinese(tables["pass_rates"], PASS_RATE_LABELS),
        "分类汇总": T.to_chinese(tables["class_summary"]),
        "分类排名": T.to_chinese(tables["class_rankings"]),
        "整改反馈": T.to_chinese(tables["responses"], RESPONSE_LABELS),
        "申诉成立撤销的问题": T.to_chinese(tables["withdrawn"], RESPONSE_LABELS),
        **{title: T.to_chinese(comparison_summary_display(tables[name]) if name == "comparison_summary"
                               else tables[name], COMPARISON_LABELS)
           for name, title in COMPARISON_TABLES.items() if name in tables},
        "单位得分": T.to_chinese(tables["unit_scores"], names),
        "账号得分": T.to_chinese(tables["account_scores"], {**names, "influence_platform_rank": "平台内影响力排名"}),
        "问题清单": T.to_chinese(tables["findings"]),
        "通报整改名单": T.to_chinese(tables["rectification"], {"criteria": "涉及指标", "findings": "问题数",
                                                         "evidence": "问题说明"}),
        "关停名单": T.to_chinese(tables["closure"], {"criteria": "涉及指标", "findings": "问题数", "evidence": "问题说明"}),
        "留言答复": T.to_chinese(tables["reply_timeliness"]),
        "留言统计": T.to_chinese(tables["message_statistics"], {"negative": "负面留言", "negative_share": "负面占比",
                                                            "high_risk": "高风险留言"}),
        "重要信息转发": T.to_chinese(tables["repost_timeliness"], {"on_time": "是否及时"}),
        "内容审核疑点": content_sheet(tables["content_suspects"]),
        "隔离数据": T.to_chinese(_with_reason_text(tables["quarantine"]), {"reason_text": "说明"}),
        "读取情况": T.to_chinese(tables["load_report"]),
        "未评估指标": T.to_chinese(tables["not_assessed"]),
    }
    if "data_quality" in tables:
        sheets["数据质量问题"] = T.to_chinese(tables["data_quality"], {"code": "问题代码"})
    return sheets


#: The comparison with the previous period (:mod:`liuan_eval.report.comparison`) and their sheets.
COMPARISON_TABLES = {"comparison_summary": "与上期对比", "unit_changes": "单位得分变化", "account_changes": "账号得分变化",
                     "rectification_followup": "上期整改跟踪", "closure_across_periods": "跨期建议关停"}
COMPARISON_LABELS = {"then": "上期", "now": "本期", "change": "变化", "total_then": "上期总分", "grade_then": "上期等次",
                     "rank_then": "上期排名", "total_now": "本期总分", "grade_now": "本期等次", "rank_now": "本期排名",
                     "rank_change": "排名变化（上升为正）", "named_then": "上期被通报", "named_now": "本期被通报",
                     "criteria_then": "上期涉及指标", "criteria_now": "本期涉及指标", "status": "整改结果",
                     "reported": "单位报告的整改情况", "decision": "核定结果"}
#: Chinese headers of the returned notices' answers and the withdrawn findings.
RESPONSE_LABELS = {"finding_id": "问题编号", "rectification": "整改情况", "appeal": "是否申诉", "appeal_reason": "申诉理由",
                   "decision": "核定结果", "row": "行号"}
#: Chinese headers of the 合格率 sheet.
PASS_RATE_LABELS = {"scope": "口径", "group": "分组代码", "group_label": "分组", "accounts": "检查账号数",
                    "passed": "合格账号数", "failed": "不合格账号数", "pass_rate": "合格率"}


def _with_reason_text(quarantine: pd.DataFrame) -> pd.DataFrame:
    """The quarantine with its reason codes in Chinese words beside them."""
    from liuan_eval.validation import reason_text

    if quarantine is None or "reason" not in quarantine.columns:
        return quarantine
    at = list(quarantine.columns).index("reason") + 1
    out = quarantine.copy()
    out.insert(at, "reason_text", reason_text(quarantine["reason"], "zh"))
    return out


# ---- the notebook ----------------------------------------------------------------------------
def execute_notebook(data_dir: Path, year: int, criteria: str, out: Path, *, progress: bool = True,
                     notebook: Path = NOTEBOOK, assessment_dir: str = "", period: str = "") -> Path:
    """Execute the report notebook with papermill into ``out``; return the executed notebook.

    The kernel runs in ``out`` and is given ``output_dir="."`` (and ``assessment_dir``, the
    saved report relative to ``out``, which it loads instead of computing), so the executed
    notebook names no temporary folder; afterwards it is made repeatable
    (:func:`normalise_notebook`).
    """
    import papermill as pm

    if not notebook.is_file():
        raise FileNotFoundError(tr(f"找不到报告笔记本：{notebook}", f"report notebook not found: {notebook}"))
    target = out / EXECUTED_NOTEBOOK
    # a preset given as a file path relative to where the analyst stands: the kernel runs in `out`
    if Path(str(criteria)).is_file():
        criteria = str(Path(str(criteria)).resolve())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pm.execute_notebook(
            str(notebook), str(target),
            parameters={"year": int(year), "data_dir": str(Path(data_dir).resolve()), "criteria": str(criteria),
                        "output_dir": ".", "assessment_dir": str(assessment_dir), "period": str(period)},
            kernel_name="python3", log_output=False, cwd=str(out),
            progress_bar={"desc": tr("运行笔记本", "Executing"), "unit": tr("单元格", "cell")} if progress else False,
            report_mode=False,
            # the kernel's own start-up log (e.g. "running over TCP") is noise in an analyst's terminal
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    return normalise_notebook(target)


def normalise_notebook(path: Path) -> Path:
    """Make an executed notebook repeatable and safe, in place.

    Fixed cell ids (``cell-00``, …, the injected parameters cell included), no execution
    timestamps or durations (papermill's and the kernel's), execution counts in order,
    the terminal's stderr (warnings, progress bars) removed, every text masked.
    """
    import nbformat

    from liuan_eval.output import mask_notebook, write_text

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    count = 0
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        for key in ("papermill", "execution"):
            cell.metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            count += 1
            cell["execution_count"] = count
            outs = [o for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            for o in outs:
                if "execution_count" in o:
                    o["execution_count"] = count
            cell["outputs"] = outs
    mask_notebook(nb)
    write_text(nbformat.writes(nb), path, mask=False)
    return path


def _heading(nb) -> str | None:
    """The report's own heading (``<h1>``, :func:`liuan_eval.report.sections.header`) in the executed notebook,
    so a page exported from the notebook alone is titled as the command's (with its period)."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            m = re.search(r"<h1>(.*?)</h1>", str(out.get("data", {}).get("text/html", "")), re.S)
            if m:
                return html_unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() or None
    return None


def export_html(executed: Path, html: Path, title: str | None = None) -> Path:
    """Export the executed notebook to HTML without code cells or prompts (masked, atomic)."""
    import nbformat
    from nbconvert import HTMLExporter

    from liuan_eval.output import write_text
    from liuan_eval.report.fonts import font_face_css

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:  # warnings and progress bars are for the analyst's terminal, not the report
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_markdown=True)
    body, _ = exporter.from_notebook_node(nb)
    title = html_escape(title or _heading(nb) or nb.metadata.get("title", REPORT_TITLE))
    visible = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", "", body) + title
    body = HTML_PAGE.format(title=title, body=body, font_face=font_face_css(visible))
    return write_text(body, html)


def write_outputs(report: AnnualReport, out, tables: dict[str, pd.DataFrame] | None = None) -> dict[str, Path]:
    """Write the CSV tables and ``annual_report.xlsx`` into ``out``; return the paths by name.

    Deterministic: the same data give byte-identical files. ``tables``: :func:`output_tables`
    when already rendered.
    """
    from liuan_eval.report.excel import write_workbook

    out = Path(out)
    tables = output_tables(report) if tables is None else tables
    files = write_csvs(tables, out)
    files["xlsx"] = write_workbook(out / XLSX_NAME, workbook_sheets(report, tables))
    files.update(write_documents(report, out))
    if report.dataset is not None:  # the loaded tables, in the process that computed the report
        files.update(write_clean_tables(report.dataset, out / CLEAN_DIR))
    return files


CLEAN_DIR = "clean"


def write_documents(report: AnnualReport, out) -> dict[str, Path]:
    """The documents an office sends, rendered from the report: the 通报 draft (``通报.docx``) and
    each unit's notice (``units/<unit>.xlsx``)."""
    from liuan_eval.report.circular import FILE_NAME, write_circular
    from liuan_eval.report.unit_notices import write_unit_notices

    return {"circular": write_circular(report, Path(out) / FILE_NAME), **write_unit_notices(report, out)}


def document_names(report: AnnualReport) -> set[str]:
    """Names (relative to the output folder) of the files :func:`write_documents` writes."""
    from liuan_eval.report.circular import FILE_NAME
    from liuan_eval.report.unit_notices import notice_names

    return {FILE_NAME} | notice_names(report)


def planned_outputs(report: AnnualReport, tables: dict[str, pd.DataFrame], notebook: bool) -> list[str]:
    """Names of the files :func:`run_assessment` writes (the report's last note lists them)."""
    names = {f"{name}.csv" for name in tables} | {XLSX_NAME} | document_names(report)
    if report.dataset is not None:
        names |= {f"{CLEAN_DIR}/{name}.csv" for name, frame in report.dataset.tables().items() if frame is not None}
    if notebook:
        names |= {HTML_NAME, EXECUTED_NOTEBOOK}
    return sorted(names)


class _Background:
    """A call run in a daemon thread (the notebook's kernel is a process of its own), its result
    or its exception collected by :meth:`result`."""

    def __init__(self, fn, *args, **kwargs):
        import threading

        self._value = self._error = None

        def target():
            try:
                self._value = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                self._error = exc

        self._thread = threading.Thread(target=target, daemon=True)
        self._thread.start()

    def result(self):
        while self._thread.is_alive():
            self._thread.join(0.2)  # short waits: Ctrl-C reaches the main thread promptly
        if self._error is not None:
            raise self._error
        return self._value


def write_clean_tables(dataset, out: Path) -> dict[str, Path]:
    """Write the loaded, cleaned and masked canonical tables as ``clean/<table>.csv``.

    These are the tables every figure of the report was computed from, for an analyst who
    wants to check a number in a spreadsheet; masked once more like every other output.
    """
    tables = {name: frame for name, frame in dataset.tables().items() if frame is not None}
    return {f"clean_{name}": path for name, path in write_csvs(tables, out).items()}


REPORT_TITLE = "六安市政务“两微一端”年度考核报告"
#: The page around nbconvert's "basic" template output (no code, no notebook chrome, no CDN scripts).
HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
{font_face}
body {{font-family: "LiuanReportCJK", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 1240px; margin: 0 auto; padding: 16px 24px; color: #212121; line-height: 1.5;}}
img {{max-width: 100%; height: auto; display: block; margin: 8px 0 16px 0;}}
.output_area pre {{white-space: pre-wrap;}}
</style>
</head>
<body>
{body}
</body>
</html>
"""


@dataclass
class RunResult:
    """What :func:`run_assessment` wrote, and the report it computed."""

    out: Path
    files: dict[str, Path]
    report: AnnualReport


def run_assessment(data_dir, year: int, out, criteria: str = "liuan_2016", *, notebook: bool = True,
                   progress: bool = True, issued: dt.date | None = None, responses=None,
                   previous=None, period=None, confirmations=None, content_rules=None, engine: str = "pandas",
                   scheduler: str | None = None) -> RunResult:
    """Run the whole annual assessment and write the report folder.

    Parameters
    ----------
    data_dir : str or Path
        Folder of input tables.
    year : int
        Assessment year.
    out : str or Path
        Output folder (created): CSV tables, ``annual_report.xlsx``, the executed notebook
        and ``annual_report.html``.
    criteria : str
        Preset name or TOML path.
    notebook : bool
        Execute the report notebook and export the HTML (``False``: tables and workbook only).
    progress : bool
        Progress bars on stderr.
    issued : datetime.date, optional
        Date of issue of the 通报 and the units' notices (default today).
    responses : str or Path, optional
        The returned notices (see :func:`assess`).
    previous : str or Path, optional
        The previous period's report folder (see :func:`assess`).
    period : liuan_eval.report.periods.Period, optional
        A quarter or any span of days instead of the calendar year (see :func:`assess`).
    confirmations, content_rules : optional
        C20's confirmations file(s) and the office's content rule files (``liuan_eval.score``'s).
    engine, scheduler : optional
        ``"dask"`` and the scheduler's address (see :func:`assess`).

    Returns
    -------
    RunResult
    """
    from liuan_eval.criteria import load_criteria
    from liuan_eval.output import OutputFolder

    out = Path(out)
    load_criteria(criteria)  # a broken preset is refused before any long work
    if content_rules is not None:  # and so are broken rule files
        from liuan_eval.text.content import load_content_rules

        content_rules = load_content_rules(content_rules)
    if not Path(data_dir).is_dir():
        from liuan_eval.errors import DataFolderError

        raise DataFolderError(data_dir)
    if responses is not None and not Path(responses).is_dir():
        from liuan_eval.report.responses import ResponseError

        raise ResponseError([(str(responses), "", "—", "回复文件夹不存在")])
    if previous is not None:
        previous = previous_report(previous)   # refused at once when it is not a complete saved run
    # everything is written into a temporary folder beside `out` (made first: an unwritable place
    # is refused at once) and swapped in at the end: an interrupted run leaves the previous output
    # an absolute folder: papermill changes the process's working directory while the kernel runs (in the
    # background thread), and a relative --out would then point elsewhere for the files written meanwhile
    with OutputFolder(out.absolute()) as tmp:
        report = assess(data_dir, year, criteria, progress=progress, issued=issued, responses=responses,
                        previous=previous, period=period, confirmations=confirmations,
                        content_rules=content_rules, engine=engine, scheduler=scheduler)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=3 if notebook else 1, file=sys.stderr, unit=tr("步", "step"), leave=True)
        try:
            _step(bar, tr("写出表格和Excel工作簿", "writing tables and workbook"))
            tables = output_tables(report)
            report.outputs = planned_outputs(report, tables, notebook)
            report.save(tmp / ASSESSMENT_DIR)
            notebook_run = None
            if notebook:  # the kernel is another process: it draws the report while this one writes tables
                notebook_run = _Background(execute_notebook, Path(data_dir), year, criteria, tmp, progress=False,
                                           assessment_dir=ASSESSMENT_DIR, period=period_argument(report.period))
            written = write_outputs(report, tmp, tables)
            written["assessment"] = tmp / ASSESSMENT_DIR / "manifest.json"
            _advance(bar)
            if notebook_run is not None:
                _step(bar, tr("执行报告笔记本", "executing the report notebook"))
                written["notebook"] = notebook_run.result()
                _advance(bar)
                _step(bar, tr("导出HTML报告", "exporting the HTML report"))
                written["html"] = export_html(written["notebook"], tmp / HTML_NAME)  # titled by its heading
                _advance(bar)
            _step(bar, tr("报告完成", "report done"))
        finally:
            if bar is not None:
                bar.close()
    files = {k: out / Path(p).relative_to(tmp) for k, p in written.items()}
    return RunResult(out=out, files=files, report=report)
