"""Each criterion declared once, beside its indicator function.

An indicator module declares every criterion it implements with the :func:`criterion`
decorator: the indicator function itself, the tables and columns it needs (with
alternatives where a rule can use either of two sources), its level (and whether a preset
may change it), its parameters (type, constraint, expected value in Chinese and English)
and its caveat. Everything else is derived from these declarations:

- :func:`param_specs` (``liuan_eval.criteria.PARAM_SPECS``): what a preset's
  ``[criteria.Cxx.params]`` must hold;
- :func:`no_findings`: criteria that give scores or ranks, not findings (C18, C19);
- :func:`unit_level_only`: criteria a preset may not move to the account level;
- :func:`reviewed`: criteria whose findings a person confirms before they deduct (C20);
- :func:`criterion_tables` (``liuan_eval.criteria.CRITERION_TABLES``): the tables each
  criterion cannot be assessed without (used by ``liuan-eval check``);
- :func:`unmet_needs`: the engine's one check before calling an indicator — a table
  missing or empty, or a needed column absent or entirely empty, gives the Chinese reason
  the criterion is not assessed;
- :func:`criterion_caveats`: the caveat sentences of the criteria assessed.

Examples
--------
>>> from liuan_eval.scoring.declare import criterion_tables, declarations, no_findings, unit_level_only
>>> sorted(declarations()) == [f"C{i:02d}" for i in range(1, 22)]
True
>>> no_findings(), unit_level_only()
(('C18', 'C19'), ('C01', 'C13', 'C14', 'C16', 'C19', 'C21'))
>>> criterion_tables()["C12"], criterion_tables()["C05"], criterion_tables(alternatives=True)["C05"]
(('accounts', 'releases', 'posts'), ('accounts',), ('accounts', 'filings'))
>>> print(declarations()["C04"].describe_needs())
账号登记表（accounts）的“开通时间”（opened_at）；账号登记表（accounts）的“备案时间”（filed_at）或备案记录（filings）中的“开设”记录
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

LEVELS = ("unit", "account")
GIVES = ("findings", "scores")


class ParamSpec(NamedTuple):
    """One parameter of a criterion: accepted Python types, a check, what is expected.

    The first three fields are the ``(types, check, expected)`` triple that
    ``liuan_eval.criteria.PARAM_SPECS`` has always held; ``expected_zh`` is the Chinese
    text of a preset error.
    """

    types: tuple[type, ...]
    check: Callable[[Any], bool] | None
    expected: str
    expected_zh: str
    #: a parameter added after presets were written: a preset without it gets ``default``
    optional: bool = False
    default: Any = None


def param(types: type | tuple[type, ...], check: Callable[[Any], bool] | None, zh: str, en: str) -> ParamSpec:
    """A :class:`ParamSpec` (``types`` a type or a tuple of types); ``.optional(default)`` of it
    (:func:`optional`) for a parameter a preset may leave out.

    Examples
    --------
    >>> p = param(int, lambda v: v >= 0, "不小于 0 的整数", "an integer >= 0")
    >>> p.types, p.check(3), p.expected_zh
    ((<class 'int'>,), True, '不小于 0 的整数')
    """
    return ParamSpec(types if isinstance(types, tuple) else (types,), check, en, zh)


def optional(spec: ParamSpec, default: Any) -> ParamSpec:
    """``spec`` for a parameter a preset may leave out (it then takes ``default``): one added after
    presets were written, so that an office's own preset keeps loading with the former behaviour.

    Examples
    --------
    >>> optional(BOOL, False).optional, optional(BOOL, False).default
    (True, False)
    """
    return spec._replace(optional=True, default=default)


#: ``true``/``false``
BOOL = param(bool, None, "true 或 false", "true or false")
_NUM = (int, float)


def at_least(n: int, what_zh: str = "", what_en: str = "") -> ParamSpec:
    """An integer ``>= n`` (``what``: the unit, e.g. 分钟/minutes)."""
    zh = f"不小于 {n} 的整数" + (f"（{what_zh}）" if what_zh else "")
    en = f"an integer >= {n}" + (f" ({what_en})" if what_en else "")
    return param(int, lambda v: v >= n, zh, en)


def strings(non_empty: bool = False) -> ParamSpec:
    """A list of strings (``non_empty``: at least one)."""
    return param(list, lambda v: (bool(v) or not non_empty) and all(isinstance(x, str) and x.strip() for x in v),
                 "非空的字符串列表" if non_empty else "字符串列表",
                 "a non-empty list of strings" if non_empty else "a list of strings")


def choices(values: tuple[str, ...]) -> ParamSpec:
    """A non-empty list drawn from ``values``."""
    return param(list, lambda v: bool(v) and set(v) <= set(values), "由 " + "、".join(values) + " 组成的非空列表",
                 "a non-empty list of " + "/".join(values))


def string_table(values: str = "str") -> ParamSpec:
    """A TOML table of strings to a string (``values="str"``) or to a list of strings (``"list"``)."""
    def ok(v) -> bool:
        if not all(isinstance(k, str) and k.strip() for k in v):
            return False
        if values == "str":
            return all(isinstance(x, str) and x.strip() for x in v.values())
        return all(isinstance(x, list) and all(isinstance(y, str) and y.strip() for y in x) for x in v.values())

    zh = "名称到名称的表" if values == "str" else "名称到名称列表的表"
    en = "a table of names to names" if values == "str" else "a table of names to lists of names"
    return param(dict, ok, zh, en)


def number(check: Callable[[Any], bool], zh: str, en: str) -> ParamSpec:
    """An integer or a float passing ``check``."""
    return param(_NUM, check, zh, en)


# ---- what a criterion needs ----------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """A table (optionally some of its columns, optionally rows of some kinds) an indicator reads.

    ``where = ("event", ("open",))`` asks for at least one row whose ``event`` is ``open``.
    Posts and messages are those of the period (``Context.posts``, ``Context.messages``).
    """

    table: str
    columns: tuple[str, ...] = ()
    where: tuple[str, tuple[str, ...]] | None = None
    #: columns whose empty cells are the evidence itself (a reply, a filing, an officer not there):
    #: they must be in the export, but may be empty in every row (then every row is a finding)
    evidence: tuple[str, ...] = ()
    #: messages judged by their deadline: those received before the period and due in it count too
    carried: bool = False

    def describe(self) -> str:
        """What the source is, in Chinese."""
        from liuan_eval.schemas import TABLE_LABELS

        head = f"{TABLE_LABELS[self.table]}（{self.table}）"
        if self.columns:
            head += "的" + "、".join(f"“{_column_label(self.table, c)}”（{c}）" for c in self.columns)
        if self.where is not None:
            head += "中的" + "、".join(f"“{v}”" for v in _value_labels(self.where)) + "记录"
        return head

    def problem(self, ctx) -> str | None:
        """Why the source cannot be used in this assessment (Chinese), or ``None`` when it can."""
        from liuan_eval.schemas import TABLE_LABELS

        df = ctx.frame(self.table, carried=self.carried) if self.carried else ctx.frame(self.table)
        label = f"{TABLE_LABELS[self.table]}（{self.table}）"
        if df is None:
            return f"缺少{label}"
        if not len(df):
            return label + "为空" + ("（或评估期内没有记录）" if self.table in ("posts", "messages") else "")
        for c in self.columns:
            if c not in df.columns or (c in self.evidence and not exported(ctx, self.table, c)):
                return f"{label}没有“{_column_label(self.table, c)}”（{c}）列"
            if c not in self.evidence and column_empty(df[c]):
                return f"{label}的“{_column_label(self.table, c)}”（{c}）列全空"
        if self.where is not None:
            col, values = self.where
            if col not in df.columns or not df[col].isin(list(values)).any():
                return f"{label}中没有" + "、".join(f"“{v}”" for v in _value_labels(self.where)) + "记录"
        return None


@dataclass(frozen=True)
class AnyOf:
    """Alternatives: the need is met when at least one of the sources can be used."""

    sources: tuple[Source, ...]

    def describe(self) -> str:
        return "或".join(s.describe() for s in self.sources)

    def problem(self, ctx) -> str | None:
        problems = [s.problem(ctx) for s in self.sources]
        if any(p is None for p in problems):
            return None
        return "，且".join(problems)


def needs(table: str, *columns: str, where: tuple[str, tuple[str, ...]] | None = None,
          evidence: tuple[str, ...] = (), carried: bool = False) -> Source:
    """A :class:`Source`: ``needs("accounts", "opened_at")``, ``needs("filings", where=("event", ("open",)))``;
    ``needs("messages", "received_at", evidence=("replied_at",))``: the reply column must be in the export,
    and a message with an empty one was not answered, even when none was; ``carried=True``: messages
    received before the period and due in it count (the criterion judges by deadline)."""
    return Source(table, tuple(dict.fromkeys((*columns, *evidence))), where, tuple(evidence), carried)


def any_of(*sources: Source) -> AnyOf:
    """Alternatives (see :class:`AnyOf`)."""
    return AnyOf(tuple(sources))


def exported(holder, table: str, column: str) -> bool:
    """Whether some file of ``table`` had ``column`` (``holder``: a Dataset or a scoring context, with
    ``columns_given``); a table with no entry there (built in memory) has every column of its frame."""
    given = (getattr(holder, "columns_given", None) or {}).get(table)
    return given is None or column in given


def column_empty(s: pd.Series) -> bool:
    """Whether a column holds no value at all (all NA, or only blank strings).

    Examples
    --------
    >>> column_empty(pd.Series([None, " ", ""], dtype="str")), column_empty(pd.Series([None, "张明"], dtype="str"))
    (True, False)
    """
    return not bool(filled(s).any())


def filled(s: pd.Series) -> pd.Series:
    """Which cells hold a value (not NA, and for text not blank): :func:`column_empty` is "none"."""
    mask = s.notna()
    if (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object) and mask.any():
        mask = mask & (s.astype("str").str.strip() != "").fillna(False).astype(bool)
    return mask


def witness_rows(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """A few rows of ``df`` that meet every need ``df`` meets: its first row and, per column, the first
    row holding a value. The witnesses of several partitions together meet a table's needs exactly
    when the whole table does (the Dask engine decides "assessed" once, from them)."""
    if df is None or not len(df):
        return df
    take = {0}
    for c in df.columns:
        m = filled(df[c]).to_numpy(dtype=bool)
        if m.any():
            take.add(int(m.argmax()))
    return df.iloc[sorted(take)]


def _column_label(table: str, column: str) -> str:
    from liuan_eval.schemas import TABLES

    col = TABLES.get(table, {}).get(column)
    return col.label if col is not None else column


def _value_labels(where: tuple[str, tuple[str, ...]]) -> list[str]:
    from liuan_eval.schemas import FILING_EVENT_LABELS, INCIDENT_KIND_LABELS

    labels = {"event": FILING_EVENT_LABELS, "kind": INCIDENT_KIND_LABELS}.get(where[0], {})
    return [labels.get(v, v) for v in where[1]]


# ---- the declaration -----------------------------------------------------------------------
Caveat = Callable[[Any], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Declaration:
    """Everything the toolkit knows about one criterion, in one place."""

    id: str
    fn: Callable
    needs: tuple[Source | AnyOf, ...] = ()
    params: Mapping[str, ParamSpec] = field(default_factory=dict)
    level: str = "account"
    level_fixed: bool = False
    gives: str = "findings"
    caveat: Caveat | None = None
    #: its findings are suspects a person confirms before they deduct (C20)
    review: bool = False
    #: it judges every unit of the assessment, those with findings but no registered account too
    #: (:attr:`~liuan_eval.scoring._common.Context.extra_units`): computed after the other criteria
    every_unit: bool = False

    def tables(self, alternatives: bool = False) -> tuple[str, ...]:
        """Tables the criterion cannot be assessed without (with ``alternatives``: every table it reads)."""
        out: list[str] = []
        for n in self.needs:
            if isinstance(n, Source):
                out.append(n.table)
            elif alternatives:
                out.extend(s.table for s in n.sources)
        return tuple(dict.fromkeys(out))

    def describe_needs(self) -> str:
        """The needs in Chinese (``；`` between needs, ``或`` between alternatives)."""
        return "；".join(n.describe() for n in self.needs)

    def unmet(self, ctx) -> str | None:
        """The Chinese reason the criterion cannot be assessed on ``ctx``, or ``None``."""
        for n in self.needs:
            p = n.problem(ctx)
            if p is not None:
                return p
        return None

    def run(self, ctx, crit):
        """The indicator on ``ctx`` after the needs check (raises ``NotAssessed`` with the reason)."""
        from liuan_eval.scoring._common import NotAssessed

        reason = self.unmet(ctx)
        if reason is not None:
            raise NotAssessed(reason)
        return self.fn(ctx, crit)


_REGISTRY: dict[str, Declaration] = {}


def criterion(cid: str, *, needs: tuple | list = (), params: Mapping[str, ParamSpec] | None = None,
              level: str = "account", level_fixed: bool = False, gives: str = "findings",
              caveat: Caveat | None = None, review: bool = False, every_unit: bool = False) -> Callable:
    """Declare criterion ``cid`` on its indicator function (a decorator).

    Parameters
    ----------
    cid : str
        ``"C01"`` … ``"C20"``.
    needs : sequence of Source or AnyOf
        Every need must be met (see :func:`needs`, :func:`any_of`) or the criterion is not
        assessed; the indicator is then never called.
    params : dict of str to ParamSpec
        The criterion's parameters (a preset must give every one, and nothing else).
    level : {"account", "unit"}
        Where its findings fall; ``level_fixed`` when a preset may not change it.
    gives : {"findings", "scores"}
        ``"scores"`` for criteria that produce scores or ranks (C18, C19), not findings.
    caveat : callable, optional
        ``caveat(criterion) -> (zh, en)`` or ``None``: a sentence for the caveats when
        the criterion is assessed.
    review : bool
        Its hits are suspects for a person to confirm (C20): the sample generator plants
        them as suspects, not as findings (only confirmed ones deduct).
    every_unit : bool
        It judges every unit (C01, C13, C14: what a unit has registered), including the units the
        other criteria's findings name that have no account in the registry (an incident, a
        message, a filing of an unregistered unit): it runs after them, with
        ``ctx.extra_units`` set.

    Examples
    --------
    >>> from liuan_eval.scoring.declare import declarations
    >>> d = declarations()["C15"]
    >>> d.fn.__name__, d.level, d.tables(), list(d.params)
    ('c15_dormant', 'account', ('accounts', 'posts'), ['min_gap_days', 'veto_before_check_only'])
    """
    if level not in LEVELS or gives not in GIVES:
        raise ValueError(f"{cid}: bad level {level!r} or gives {gives!r}")

    def register(fn: Callable) -> Callable:
        old = _REGISTRY.get(cid)
        if old is not None and (old.fn.__module__, old.fn.__qualname__) != (fn.__module__, fn.__qualname__):
            raise RuntimeError(f"criterion {cid} declared twice: {old.fn.__qualname__} and {fn.__qualname__}")
        _REGISTRY[cid] = Declaration(cid, fn, tuple(needs), dict(params or {}), level, level_fixed, gives, caveat,
                                     review, every_unit)
        fn.declaration = _REGISTRY[cid]
        return fn

    return register


def declarations() -> dict[str, Declaration]:
    """Every declared criterion by id (imports the indicator modules, which declare them).

    Examples
    --------
    >>> d = declarations()["C05"]
    >>> d.fn.__name__, d.tables(), d.tables(alternatives=True)
    ('c05_change_filed', ('accounts',), ('accounts', 'filings'))
    """
    import liuan_eval.scoring  # noqa: F401 - importing the package registers every indicator

    return dict(sorted(_REGISTRY.items()))


def param_specs() -> dict[str, dict[str, ParamSpec]]:
    """Criterion id → its parameters (``liuan_eval.criteria.PARAM_SPECS``).

    Examples
    --------
    >>> spec = param_specs()["C07"]["max_workdays"]
    >>> spec.expected, spec.expected_zh, spec.check(0)
    ('an integer >= 1 (working days)', '不小于 1 的整数（工作日）', False)
    """
    return {cid: dict(d.params) for cid, d in declarations().items()}


def no_findings() -> tuple[str, ...]:
    """Criteria that give scores or ranks rather than findings.

    Examples
    --------
    >>> no_findings()
    ('C18', 'C19')
    """
    return tuple(cid for cid, d in declarations().items() if d.gives != "findings")


def reviewed() -> tuple[str, ...]:
    """Criteria whose findings are suspects a person confirms before they deduct.

    Examples
    --------
    >>> reviewed()
    ('C20',)
    """
    return tuple(cid for cid, d in declarations().items() if d.review)


def unit_level_only() -> tuple[str, ...]:
    """Criteria a preset must keep at ``level = "unit"``.

    Examples
    --------
    >>> unit_level_only()
    ('C01', 'C13', 'C14', 'C16', 'C19', 'C21')
    """
    return tuple(cid for cid, d in declarations().items() if d.level_fixed and d.level == "unit")


def indicators() -> dict[str, Callable]:
    """Criterion id → ``fn(ctx, criterion) -> findings rows`` for the criteria that give findings.

    Each is the indicator behind the needs check (:meth:`Declaration.run`: ``NotAssessed``
    with the Chinese reason when a table or column it needs is missing or empty).

    Examples
    --------
    >>> from liuan_eval.criteria import load_criteria
    >>> from liuan_eval.dataset import Dataset
    >>> from liuan_eval.scoring._common import NotAssessed, build_context
    >>> c = load_criteria()
    >>> try:
    ...     indicators()["C07"](build_context(Dataset(), 2025, c), c["C07"])
    ... except NotAssessed as exc:
    ...     print(exc)
    缺少网民留言（messages）
    """
    return {cid: d.run for cid, d in declarations().items() if d.gives == "findings"}


def criterion_tables(alternatives: bool = False) -> dict[str, tuple[str, ...]]:
    """Criterion id → the tables it cannot be assessed without.

    Parameters
    ----------
    alternatives : bool
        Also list the tables of either-or needs (C04 reads ``accounts.filed_at`` *or*
        the ``open`` filings; C05 ``filings`` *or* ``accounts.closure_filed_at``; C14 the
        officer columns *or* the ``staff_change`` filings). Without it a table listed is
        one whose absence alone stops the criterion.

    Examples
    --------
    >>> t = criterion_tables()
    >>> t["C07"], t["C16"], t["C14"]
    (('messages',), ('accounts', 'incidents', 'posts'), ('accounts',))
    >>> criterion_tables(alternatives=True)["C14"]
    ('accounts', 'filings')
    """
    return {cid: d.tables(alternatives) for cid, d in declarations().items()}


def evidence_columns() -> dict[tuple[str, str], tuple[str, ...]]:
    """``(table, column)`` → the criteria for which an empty cell of the column is itself the
    evidence (see :func:`needs`): the pre-flight check warns when one is empty in every row.

    Examples
    --------
    >>> evidence_columns()[("messages", "replied_at")]
    ('C07', 'C08')
    """
    out: dict[tuple[str, str], list[str]] = {}
    for cid, d in declarations().items():
        for n in d.needs:
            for src in (n.sources if isinstance(n, AnyOf) else (n,)):
                for c in src.evidence:
                    out.setdefault((src.table, c), []).append(cid)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def unmet_needs(ctx, cid: str) -> str | None:
    """The Chinese reason criterion ``cid`` cannot be assessed on ``ctx`` (``None``: it can).

    Examples
    --------
    >>> import pandas as pd
    >>> from liuan_eval.criteria import load_criteria
    >>> from liuan_eval.dataset import Dataset
    >>> from liuan_eval.scoring._common import build_context
    >>> acc = pd.DataFrame({"unit": ["金安区"], "unit_type": ["county"], "platform": ["weibo"], "account_id": ["1"],
    ...     "account_name": ["金安区人民政府发布"], "opened_at": [pd.Timestamp("2016-10-08", tz="Asia/Shanghai")],
    ...     "operators": pd.array([None], dtype="Int64")})
    >>> ctx = build_context(Dataset(accounts=acc), 2025, load_criteria())
    >>> unmet_needs(ctx, "C13") is None, unmet_needs(ctx, "C01") is None  # nobody registered: C13 finds it
    (True, True)
    >>> ctx.columns_given = {"accounts": frozenset({"unit", "platform", "account_id", "account_name", "opened_at"})}
    >>> unmet_needs(ctx, "C13")  # read from a file with no such column: the export says nothing
    '账号登记表（accounts）没有“运维人员数”（operators）列'
    """
    return declarations()[cid].unmet(ctx)


def criterion_caveats(criteria, assessed) -> list[tuple[str, str]]:
    """The ``(zh, en)`` caveat of each assessed criterion that declares one, in the preset's order.

    ``score()`` puts them (in the session's language) into ``Assessment.caveats``, after the
    not-assessed sentences and the calendar fallback.

    Examples
    --------
    >>> from liuan_eval.criteria import load_criteria
    >>> [zh for zh, en in criterion_caveats(load_criteria(), {"C05", "C13"})]
    ['关停、更名没有填写批准时间的，只核对报备是否提前7个工作日，不核对批准。']
    """
    decl = declarations()
    out = []
    for c in criteria:
        d = decl.get(c.id)
        if d is None or d.caveat is None or c.id not in assessed:
            continue
        text = d.caveat(c)
        if text:
            out.append(text)
    return out


__all__ = ["AnyOf", "BOOL", "Declaration", "ParamSpec", "Source", "any_of", "at_least", "choices", "column_empty", "evidence_columns", "exported",
           "criterion", "number", "string_table", "strings",
           "criterion_caveats", "criterion_tables", "declarations", "indicators", "needs", "no_findings",
           "param", "param_specs", "reviewed", "unit_level_only", "unmet_needs"]
