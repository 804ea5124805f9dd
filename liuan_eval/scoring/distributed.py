"""The Dask engine: the same assessment as :func:`liuan_eval.scoring.score`, beyond one machine.

``liuan-eval run --engine dask [--scheduler ADDRESS]`` (a ``LocalCluster`` when no address is
given). Nothing here replaces Dask's scheduler, shuffle or spilling; everything assessed is
computed by the functions the pandas engine calls:

1. posts and messages are partitioned dataframes (:func:`read_data`: one partition per input file,
   each read and cleaned by :func:`liuan_eval.io.read_table` against the registry, which is small
   and read once);
2. every row gets its unit's partition number (every account of a unit in one partition, so that
   unit-level criteria see all of their unit; posts of accounts not in the registry go where
   C02 would place them, by the unit named in the account's name) and Dask's shuffle
   (``set_index`` on that number with fixed divisions) brings each unit's posts and messages
   together; inside a partition the rows keep the order of the input files;
3. per partition: :func:`~liuan_eval.scoring._common.build_context` on the partition's registry
   cut, posts, messages, the key releases and its units' incidents; the indicator functions of
   the criteria that read posts or messages; C18's per-account measures; C20's suspects in
   posts and replies; the additive reply counts; a few witness rows per table;
4. once, on the whole: which criteria are assessed (their declared needs, checked on the
   registry tables and the witnesses of every partition, :func:`~liuan_eval.scoring.declare.witness_rows`),
   the registry-only criteria (C01, C03–C06, C13, C14, C17), C20's suspects in the key
   releases and the office's confirmations, C18's ranks, and everything
   :func:`~liuan_eval.scoring.assessment_from` derives from the findings (scores, grades, ranks,
   lists, metrics, caveats) — the pandas engine's own code.

The result is identical to the pandas engine's (``tests/test_scoring_distributed.py``).
"""
from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.errors import UserError

#: tables read as partitioned dataframes; the others are small and read once, whole
PARTITIONED = ("posts", "messages")
#: the position of a row in its input (file number × 2**40 + line): a partition's rows are put back in it
ROW = "_row"
PART = "_part"


class DaskEngineError(UserError):
    """The Dask engine cannot start: Dask missing, or the scheduler cannot be reached."""


def _need_dask():
    try:
        import dask  # noqa: F401
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise DaskEngineError("错误：--engine dask 需要安装 Dask：pip install 'liuan_eval[dask]'"
                              "（或 pip install \"dask[dataframe]\" distributed）",
                              "error: --engine dask needs Dask: pip install 'liuan_eval[dask]'") from None


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, *, n_workers: int | None = None, threads_per_worker: int | None = None,
                memory_limit: str | int = "auto", processes: bool = True, timeout: str = "10s"):
    """A ``distributed.Client`` for the run: connected to ``scheduler`` (``tcp://host:8786``), or to a
    ``LocalCluster`` started here and closed afterwards (``n_workers`` workers, Dask's defaults when
    ``None``: one per core group of this machine, memory shared out).

    Raises :class:`DaskEngineError` (exit 2, a Chinese message) when the scheduler cannot be reached.
    """
    _need_dask()
    import logging

    from distributed import Client, LocalCluster

    # the p2p shuffle announces each shuffle as a warning: not the analyst's business
    logging.getLogger("distributed.shuffle._scheduler_plugin").setLevel(logging.ERROR)

    if scheduler is None:
        with LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker, memory_limit=memory_limit,
                          processes=processes, dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskEngineError(f"错误：无法连接 Dask 调度器 {scheduler}（{type(exc).__name__}）。请确认已用 "
                              "`dask scheduler` 启动调度器、地址和端口正确（如 tcp://10.0.0.5:8786），且本机能访问该端口",
                              f"error: cannot reach the Dask scheduler {scheduler} ({type(exc).__name__}); "
                              "start it with `dask scheduler` and check the address") from None
    with client:
        yield client


# ---- reading -----------------------------------------------------------------------------------
@dataclass
class DaskData:
    """The tables of one assessment: the registry tables in pandas, posts and messages as Dask dataframes."""

    accounts: pd.DataFrame | None = None
    filings: pd.DataFrame | None = None
    releases: pd.DataFrame | None = None
    incidents: pd.DataFrame | None = None
    posts: object = None
    messages: object = None
    caveats: list[str] = field(default_factory=list)
    #: as ``Dataset.columns_given`` (the registry tables; posts and messages are read on the workers)
    columns_given: dict = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, dataset, npartitions: int = 4) -> DaskData:
        """Posts and messages of a loaded dataset split into ``npartitions`` (rows in their order)."""
        _need_dask()
        import dask.dataframe as dd

        def part(df):
            if df is None:
                return None
            df = df.reset_index(drop=True)
            return dd.from_pandas(df.assign(**{ROW: np.arange(len(df), dtype=np.int64)}),
                                  npartitions=max(1, min(npartitions, len(df))), sort=False)

        return cls(accounts=dataset.accounts, filings=dataset.filings, releases=dataset.releases,
                   incidents=dataset.incidents, posts=part(dataset.posts), messages=part(dataset.messages),
                   caveats=list(getattr(dataset, "caveats", []) or []),
                   columns_given=dict(getattr(dataset, "columns_given", None) or {}))


def _extras(table: str) -> list[str]:
    from liuan_eval.io import PUBLISHED_TEXT

    return [f"{c}_pii" for c in PUBLISHED_TEXT.get(table, [])] + ["unit", "unit_match_score", "near_duplicate_of"]


def _fixed_columns(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """The loader's columns, every one (its optional extras as NA where a file has none), one dtype each."""
    from liuan_eval.io import DT_DTYPE
    from liuan_eval.schemas import TABLES

    kinds = {"str": "str", "category": "str", "datetime": DT_DTYPE, "int": "Int64", "bool": "boolean"}
    out = {}
    for name, col in TABLES[table].items():
        out[name] = kinds[col.kind]
    for name in _extras(table):
        out.setdefault(name, "Float64" if name == "unit_match_score" else "str")
    n = len(df)
    cols = {c: (df[c] if c in df.columns else pd.Series(pd.NA, index=df.index, dtype=t)).astype(t)
            for c, t in out.items()}
    cols[ROW] = df[ROW] if ROW in df.columns else pd.Series(np.arange(n, dtype=np.int64), index=df.index)
    return pd.DataFrame(cols, index=df.index)


def _read_file(spec: tuple[int, str], table: str, year: int | None, registry: pd.DataFrame | None) -> pd.DataFrame:
    """One partition: one file read and cleaned by the loader (:func:`liuan_eval.io.read_table`)."""
    from liuan_eval.io import read_table

    k, path = spec
    data = read_table(table, [Path(path)], year_hint=year, registry=registry).data
    data = data.assign(**{ROW: np.int64(k) * 2**40 + np.arange(len(data), dtype=np.int64)})
    return _fixed_columns(data, table)


def read_data(folder, year: int | None = None) -> DaskData:
    """The data folder for the Dask engine: registry tables read whole (:func:`liuan_eval.io.read_table`),
    posts and messages as Dask dataframes of one partition per file (``posts_*.parquet``, ``messages_*.csv``…;
    split a large export into files of about a million rows).

    Each file is cleaned on its own: duplicates spanning two files are not removed (the pandas
    engine removes them) — give each file its own rows (e.g. one file per month or per platform).
    """
    _need_dask()
    import dask.dataframe as dd

    from liuan_eval.errors import DataFolderError
    from liuan_eval.io import find_table_files, read_table

    folder = Path(folder)
    if not folder.is_dir():
        raise DataFolderError(folder)
    out = DaskData()
    registry = None
    for table in ("accounts", "filings", "releases", "incidents"):
        files = find_table_files(folder, table)
        if files:
            t = read_table(table, files, year_hint=year, registry=registry)
            setattr(out, table, t.data)
            out.caveats.extend(t.caveats)
            out.columns_given[table] = t.columns_given
            if table == "accounts":
                registry = t.data
    for table in PARTITIONED:
        files = find_table_files(folder, table)
        if files:
            meta = _fixed_columns(pd.DataFrame(), table)
            setattr(out, table, dd.from_map(_read_file, list(enumerate(map(str, files))), table=table, year=year,
                                            registry=registry, meta=meta, enforce_metadata=False))
    return out


# ---- partitioning ------------------------------------------------------------------------------
def _units_of(df: pd.DataFrame, table: str, acc: pd.DataFrame | None) -> pd.Series:
    """The unit each row is assessed with (as :func:`~liuan_eval.scoring._common.build_context` gives it)."""
    from liuan_eval.scoring._common import _join_registry
    from liuan_eval.scoring.registry import _unit_from_name

    if "account_id" not in df.columns:
        return df["unit"].astype("str") if "unit" in df.columns else pd.Series(pd.NA, index=df.index, dtype="str")
    reg = _join_registry(df[["account_id"]], acc)["unit"]
    if table == "messages":
        return (df["unit"].astype("str") if "unit" in df.columns else reg).fillna(reg)
    stray = reg.isna() & df["account_id"].notna()
    if stray.any() and acc is not None and len(acc) and "account" in df.columns:  # C02's unit for a stray account
        reg = reg.where(~stray, _unit_from_name(df.loc[stray, "account"].astype("str").fillna(""), acc["unit"]))
    return reg


def _keyed(df: pd.DataFrame, table: str, acc: pd.DataFrame | None, part_of: dict[str, int]) -> pd.DataFrame:
    key = _units_of(df, table, acc).map(part_of).fillna(0).astype(np.int64)
    return df.assign(**{PART: key.to_numpy()})


def _restore(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """A partition as the pandas engine would see its rows: in input order, a plain index."""
    if df is None:
        return None
    df = df.reset_index(drop=True)
    df = df.sort_values(ROW, kind="stable", ignore_index=True)
    return df.drop(columns=[c for c in (ROW, PART) if c in df.columns])


@dataclass(frozen=True)
class _Job:
    """What every partition's task needs besides its rows (scattered once to the workers)."""

    year: int
    crits: object
    period: object
    accounts: pd.DataFrame | None
    releases: pd.DataFrame | None
    incidents: pd.DataFrame | None
    part_of: dict
    row_level: frozenset
    content_rules: object


def _score_partition(i: int, posts: pd.DataFrame | None, messages: pd.DataFrame | None, job: _Job) -> dict:
    """One partition's share of the assessment (see the module's step 3)."""
    from liuan_eval.dataset import Dataset
    from liuan_eval.scoring import assemble_findings, criterion_rows
    from liuan_eval.scoring._common import build_context
    from liuan_eval.scoring.content import content_suspects
    from liuan_eval.scoring.declare import declarations, witness_rows
    from liuan_eval.scoring.influence import influence_measures
    from liuan_eval.scoring.messages import message_metric_parts

    units = {u for u, k in job.part_of.items() if k == i}
    known = set(job.part_of)

    def cut(df):
        if df is None or "unit" not in df.columns:
            return df
        u = df["unit"].astype("str").fillna("")
        keep = u.isin(units) | (~u.isin(known) if i == 0 else False)
        return df[keep.to_numpy(dtype=bool)]

    acc = cut(job.accounts)
    ds = Dataset(accounts=acc, posts=_restore(posts), messages=_restore(messages), releases=job.releases,
                 incidents=cut(job.incidents))
    ctx = build_context(ds, job.year, job.crits, job.period)
    ctx.content_rules = job.content_rules
    decl = declarations()
    parts, failed = [], {}
    for c in job.crits:
        if c.id not in job.row_level:
            continue
        d = decl[c.id]
        try:
            parts.append(criterion_rows(d.fn(ctx, c), c))
        except Exception as exc:  # noqa: BLE001 - only an error when the criterion is assessed on the whole
            if d.unmet(ctx) is None:
                raise
            failed[c.id] = repr(exc)
    out = {"findings": assemble_findings(parts), "failed": failed, "repost": ctx.details.get("C12"),
           "posts": int(len(ctx.posts)) if ctx.posts is not None else 0,
           "messages": message_metric_parts(ctx),
           "witness_posts": witness_rows(ctx.posts), "witness_messages": witness_rows(ctx.messages)}
    if "C18" in job.crits and ctx.posts is not None and ctx.accounts is not None:
        p18 = job.crits["C18"].params
        out["influence"], out["influence_avail"] = influence_measures(ctx, p18["weights"], p18.get("platform_weights"))
    if "C20" in job.crits and ctx.posts is not None and ctx.accounts is not None and "text" in ctx.posts.columns:
        try:  # posts and replies here; the key releases once, on the whole
            out["suspects"] = content_suspects(dataclasses.replace(ctx, releases=None), job.crits["C20"])
        except Exception as exc:  # noqa: BLE001 - as above
            if decl["C20"].unmet(ctx) is None:
                raise
            failed["C20"] = repr(exc)
    return out


def _partitioned(frame, table: str, acc, part_of: dict[str, int], n: int):
    """``frame`` shuffled by Dask into ``n`` partitions, partition ``k`` holding the rows of the units numbered ``k``."""
    meta = frame._meta.assign(**{PART: np.int64(0)})
    keyed = frame.map_partitions(_keyed, table, acc, part_of, meta=meta)
    return keyed.set_index(PART, divisions=list(range(n + 1)), sort=True)


def score_dask(data: DaskData, year: int, criteria="liuan_2016", period=None, withdrawn: pd.DataFrame | None = None,
               *, confirmations=None, content_rules=None, partitions: int | None = None):
    """:func:`liuan_eval.scoring.score` computed on the current Dask client (see the module's docstring).

    ``partitions``: how many unit partitions (default: one per input partition, at most one per unit).
    Returns the same :class:`~liuan_eval.scoring.Assessment` as the pandas engine.
    """
    _need_dask()
    import dask

    from liuan_eval.criteria import load_criteria
    from liuan_eval.dataset import Dataset
    from liuan_eval.scoring import _findings, assemble_findings, assessment_from, criterion_rows
    from liuan_eval.scoring._common import build_context
    from liuan_eval.scoring.activity import REPOST_COLUMNS
    from liuan_eval.scoring.content import (
        apply_confirmations,
        content_suspects,
        sort_suspects,
        suspect_findings,
    )
    from liuan_eval.scoring.declare import criterion_tables, declarations
    from liuan_eval.scoring.influence import influence_from_measures
    from liuan_eval.scoring.messages import combine_message_metrics

    crits = load_criteria(criteria)
    small = Dataset(accounts=data.accounts, filings=data.filings, releases=data.releases, incidents=data.incidents,
                    caveats=list(data.caveats), columns_given=dict(getattr(data, "columns_given", None) or {}))
    gctx = build_context(small, int(year), crits, period)
    if content_rules is not None:
        from liuan_eval.text.content import ContentRules, load_content_rules

        content_rules = content_rules if isinstance(content_rules, ContentRules) else load_content_rules(content_rules)
    gctx.content_rules, gctx.confirmations = content_rules, confirmations
    acc = gctx.accounts
    units = sorted(set(acc["unit"].astype("str").fillna(""))) if acc is not None and len(acc) else [""]
    frames = [f for f in (data.posts, data.messages) if f is not None]
    n = partitions or max([f.npartitions for f in frames] + [1])
    n = max(1, min(n, len(units)))
    part_of = {u: k % n for k, u in enumerate(units)}
    decl, tables = declarations(), criterion_tables(alternatives=True)
    findings_ids = {c.id for c in crits if decl[c.id].gives == "findings"}
    row_level = frozenset(cid for cid in findings_ids if set(tables[cid]) & set(PARTITIONED)) - {"C20"}
    job = _Job(year=int(year), crits=crits, period=period, accounts=acc, releases=gctx.releases,
               incidents=gctx.incidents, part_of=part_of, row_level=row_level, content_rules=content_rules)
    split = {t: (_partitioned(f, t, acc, part_of, n).to_delayed() if f is not None else [None] * n)
             for t, f in (("posts", data.posts), ("messages", data.messages))}
    job_d = dask.delayed(job, traverse=False)
    tasks = [dask.delayed(_score_partition)(k, split["posts"][k], split["messages"][k], job_d) for k in range(n)]
    results = list(dask.compute(*tasks))

    def whole(key):
        got = [r[key] for r in results if r.get(key) is not None]
        return pd.concat(got, ignore_index=True) if got else None

    needs_ctx = dataclasses.replace(gctx, posts=whole("witness_posts") if data.posts is not None else None,
                                    messages=whole("witness_messages") if data.messages is not None else None)

    def findings():
        c20_rows = None
        if "C20" in crits and decl["C20"].unmet(needs_ctx) is None:  # before the every_unit criteria: its units count
            c20 = crits["C20"]
            s = [r["suspects"] for r in results if r.get("suspects") is not None]
            s.append(content_suspects(gctx, c20))  # the key releases (gctx has no posts, no messages)
            s = apply_confirmations(sort_suspects(pd.concat([x for x in s if len(x)] or s[-1:], ignore_index=True)),
                                    confirmations)
            gctx.details["C20"] = s
            c20_rows = criterion_rows(suspect_findings(s, c20), c20)
        units = [r["findings"][["unit", "criterion"]] for r in results] + (
            [c20_rows[["unit", "criterion"]]] if c20_rows is not None and len(c20_rows) else [])
        f_reg, not_assessed = _findings(needs_ctx, crits, run=findings_ids - row_level - {"C20"},
                                        named=pd.concat(units, ignore_index=True) if units else None)
        assessed = {c.id for c in crits} - {c for c, _ in not_assessed}
        for r in results:
            bad = set(r["failed"]) & assessed
            if bad:
                raise RuntimeError(f"partition failed on {sorted(bad)}: {r['failed']}")
        parts = [f_reg] + [r["findings"][r["findings"]["criterion"].isin(assessed).to_numpy()] for r in results]
        if "C12" in assessed:
            rep = [r["repost"] for r in results if r["repost"] is not None]
            rep = pd.concat(rep, ignore_index=True) if rep else pd.DataFrame(columns=REPOST_COLUMNS)
            gctx.details["C12"] = rep.sort_values(["release_id", "unit", "platform", "account_id"], kind="stable",
                                                  ignore_index=True)
        if "C20" in assessed and c20_rows is not None:
            parts.append(c20_rows)
        return assemble_findings(parts), not_assessed

    influence = None
    got = [r for r in results if r.get("influence") is not None]
    if "C18" in crits and acc is not None and got:
        p18 = crits["C18"].params
        influence = influence_from_measures(gctx.active_accounts(), pd.concat([r["influence"] for r in got]),
                                            pd.concat([r["influence_avail"] for r in got]), p18["weights"],
                                            p18.get("platform_weights"))
    gctx.posts = None
    return assessment_from(small, gctx, crits, findings, withdrawn=withdrawn, confirmations=confirmations,
                           influence=influence, posts=sum(r["posts"] for r in results),
                           message_figures=combine_message_metrics([r["messages"] for r in results]))


def total_threads() -> int:
    """Threads of the current client's workers (1 without a client)."""
    try:
        from distributed import get_client

        return max(1, sum(w.get("nthreads", 1) for w in get_client().scheduler_info()["workers"].values()))
    except (ImportError, ValueError):
        return 1


def classify_dask(messages: pd.DataFrame, npartitions: int | None = None, **kwargs) -> pd.DataFrame:
    """:func:`liuan_eval.text.classify_messages` per partition on the current client: the same result, in
    the same order, with the same index.

    Each message is classified on its own, except for two things of the whole table, computed first
    and given to every partition (:class:`~liuan_eval.text.reply_quality.ReplyCorpus`): the TF-IDF the
    replies' relevance is measured with (fitted on a fixed sample of the answered messages) and the
    clauses that recur in the replies (boilerplate).
    """
    _need_dask()
    import dask
    import dask.dataframe as dd

    from liuan_eval.text.classify import classify_messages
    from liuan_eval.text.reply_quality import fit_sample, fit_texts, reply_corpus, reply_counts

    n = npartitions or 2 * total_threads()
    meta = classify_messages(messages.iloc[:1], **kwargs).iloc[:0]  # a row: the columns a non-empty table gets
    parts = dd.from_pandas(messages, npartitions=max(1, min(n, len(messages))), sort=False)
    if "reply_text" in messages.columns and "reply_corpus" not in kwargs:
        pieces = parts.to_delayed()
        counts = dask.compute(*[dask.delayed(reply_counts)(x) for x in pieces])
        answered = np.array([c[0] for c in counts], dtype=np.int64)
        chosen = fit_sample(int(answered.sum()))
        starts = np.r_[0, np.cumsum(answered)]
        local = [chosen[(chosen >= starts[k]) & (chosen < starts[k + 1])] - starts[k] for k in range(len(pieces))]
        texts = dask.compute(*[dask.delayed(fit_texts)(x, o) for x, o in zip(pieces, local)])
        freq = pd.concat([c[1] for c in counts]).groupby(level=0).sum()
        kwargs["reply_corpus"] = reply_corpus(int(answered.sum()), freq, np.concatenate([t[0] for t in texts]),
                                              np.concatenate([t[1] for t in texts]))
    out = parts.map_partitions(classify_messages, meta=meta, **kwargs).compute()
    return out.astype(meta.dtypes.to_dict()) if len(out) else meta


def engine_score(dataset, year: int, criteria="liuan_2016", period=None, withdrawn=None, *, confirmations=None,
                 content_rules=None, npartitions: int | None = None):
    """:func:`score_dask` on a loaded dataset (its posts and messages sent to the workers in partitions):
    the call ``liuan-eval run --engine dask`` makes in place of :func:`liuan_eval.scoring.score`."""
    n = npartitions or 2 * total_threads()
    return score_dask(DaskData.from_dataset(dataset, npartitions=n), year, criteria, period, withdrawn,
                      confirmations=confirmations, content_rules=content_rules)


__all__ = ["DaskData", "DaskEngineError", "classify_dask", "dask_client", "engine_score", "read_data", "score_dask"]
