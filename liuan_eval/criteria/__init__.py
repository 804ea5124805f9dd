"""Criteria presets: thresholds, weights, vetoes and grade bands, as data.

A preset is a TOML file (``liuan_2016.toml``, the default, and ``state_council_2019.toml``
ship beside this module). :func:`load_criteria` reads one by name or path and checks it
strictly: an unknown key, a missing key or a value of the wrong kind is a
:class:`CriteriaError` naming the file and the key.

Layout of a preset::

    [preset]            name, title, source, full_marks, closure_after, rectified_grade_cap (optional)
    [[grades]]          name, min           (highest band first)
    [criteria.C15]      name, level, platforms, weight, deduction, veto, severity,
                        rectify, description (optional)
    [criteria.C15.params]   the criterion's own thresholds (see PARAM_SPECS)
    [notice]            the 通报 and the units' notices (optional; the default preset's when absent):
                        issuer, doc_number, recipients (placeholders the office fills), title, intro,
                        requirements, rectify_workdays, rectified_fails, template
    [notice.remedies]   criterion id → 整改要求 (what the unit is asked to do)

Each criterion's parameters, tables, level and caveat are declared once, beside its
indicator function in :mod:`liuan_eval.scoring` (:mod:`liuan_eval.scoring.declare`);
``PARAM_SPECS`` and ``CRITERION_TABLES`` here are derived from those declarations.

Examples
--------
>>> from liuan_eval.criteria import load_criteria
>>> c = load_criteria("liuan_2016")
>>> c["C15"].params["min_gap_days"], c["C07"].params["max_workdays"]
(15, 5)
>>> c.grade(85.0), c.grade(59.5)
('良好', '不合格')
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from liuan_eval.errors import UserError
from liuan_eval.schemas import PLATFORM_LABELS

HERE = Path(__file__).resolve().parent

#: Every criterion id the toolkit knows (criteria.md). A preset names those it assesses: C21 (channels
#: consolidated, 未整合) is the 2019 checklist's, not in the 2016 notice (liuan_2016 leaves it out).
CRITERION_IDS = tuple(f"C{i:02d}" for i in range(1, 22))
PLATFORMS = tuple(PLATFORM_LABELS)   # the three of the notice and the others an office registers
LEVELS = ("unit", "account")
SEVERITIES = ("高", "中", "低")

_NUM = (int, float)


def _spec(types, check, zh: str, en: str):
    from liuan_eval.scoring.declare import ParamSpec

    return ParamSpec(types if isinstance(types, tuple) else (types,), check, en, zh)


def __getattr__(name: str):
    # derived from the criteria's declarations in liuan_eval.scoring (lazily: scoring imports this module)
    if name == "PARAM_SPECS":  # criterion id -> parameter name -> ParamSpec(types, check, expected, expected_zh)
        from liuan_eval.scoring.declare import param_specs

        return param_specs()
    if name == "CRITERION_TABLES":  # criterion id -> the tables it cannot be assessed without
        from liuan_eval.scoring.declare import criterion_tables

        return criterion_tables()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _criterion_keys():
    return {
        "name": _spec(str, lambda v: bool(v.strip()), "非空的中文名称", "a non-empty Chinese name"),
        "level": _spec(str, lambda v: v in LEVELS, "unit 或 account", "unit or account"),
        "platforms": _spec(list, lambda v: bool(v) and set(v) <= set(PLATFORMS),
                           "由平台代码（" + "、".join(PLATFORMS) + "）组成的非空列表",
                           "a non-empty list of platform codes (" + ", ".join(PLATFORMS) + ")"),
        "weight": _spec(_NUM, lambda v: v >= 0, "不小于 0 的分值", "a number of points >= 0"),
        "deduction": _spec(_NUM, lambda v: v >= 0, "每条问题扣的分值（不小于 0）", "a number of points >= 0 per finding"),
        "veto": _spec(bool, None, "true 或 false", "true or false"),
        "severity": _spec(str, lambda v: v in SEVERITIES, "高、中 或 低", "高, 中 or 低"),
        "rectify": _spec(bool, None, "true 或 false", "true or false"),
        "description": _spec(str, None, "字符串", "a string"),
        "params": _spec(dict, None, "参数表（table）", "a table of parameters"),
    }


_REQUIRED_CRITERION_KEYS = {"name", "level", "platforms", "weight", "deduction", "veto", "severity"}


def _preset_keys():
    return {
        "name": _spec(str, lambda v: bool(v.strip()), "非空的名称", "a non-empty name"),
        "title": _spec(str, None, "字符串", "a string"),
        "source": _spec(str, None, "字符串", "a string"),
        "full_marks": _spec(_NUM, lambda v: v > 0, "大于 0 的分值", "a number > 0"),
        "closure_after": _spec(int, lambda v: v >= 1, "不小于 1 的整数（通报整改问题条数）",
                               "an integer >= 1 (rectification findings)"),
        "rectified_grade_cap": _spec(str, lambda v: bool(v.strip()), "[[grades]] 中的一个等级名称",
                                     "a grade name from [[grades]]"),
    }


def _placeholders_ok(text: str, allowed: tuple[str, ...]) -> bool:
    """``text`` is a non-empty string whose ``{…}`` placeholders are all in ``allowed`` (``{{`` for a brace)."""
    import string

    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:  # a lone { or }
        return False
    return bool(text.strip()) and all(f in allowed for f in fields)


#: the placeholders the 通报's texts may hold (filled in by liuan_eval.report.circular)
NOTICE_PLACEHOLDERS = {"title": ("period",), "intro": ("period",), "requirements": ("period", "deadline", "workdays")}


def _notice_keys():
    text = _spec(str, lambda v: bool(v.strip()), "非空字符串", "a non-empty string")

    def with_placeholders(key):
        allowed = NOTICE_PLACEHOLDERS[key]
        zh = "非空字符串，占位符只能是 " + "、".join("{" + a + "}" for a in allowed)
        en = "a non-empty string with no placeholder but " + ", ".join("{" + a + "}" for a in allowed)
        return _spec(str, lambda v: _placeholders_ok(v, allowed), zh, en)

    allowed_req = NOTICE_PLACEHOLDERS["requirements"]
    return {
        "issuer": text, "doc_number": text, "recipients": text, "title": with_placeholders("title"),
        "intro": with_placeholders("intro"), "signature": text,
        "requirements": _spec(list, lambda v: all(isinstance(x, str) and _placeholders_ok(x, allowed_req) for x in v),
                              "由非空字符串组成的列表，占位符只能是 " + "、".join("{" + a + "}" for a in allowed_req),
                              "a list of non-empty strings with no placeholder but "
                              + ", ".join("{" + a + "}" for a in allowed_req)),
        "rectify_workdays": _spec(int, lambda v: v >= 1, "不小于 1 的整数（工作日）", "an integer >= 1 (working days)"),
        "rectified_fails": _spec(bool, None, "true 或 false", "true or false"),
        "template": _spec(str, lambda v: v.endswith(".docx"), "Word 模板文件名（.docx）", "a Word template (.docx)"),
        "remedies": _spec(dict, lambda v: set(v) <= set(CRITERION_IDS) and all(
            isinstance(x, str) and x.strip() for x in v.values()),
            "指标编号 → 整改要求（非空字符串）", "criterion id -> a non-empty remedy"),
        "default_remedy": text,
    }


#: Keys of ``[notice]`` every preset has (from the default preset when a preset leaves them out).
NOTICE_KEYS = ("issuer", "doc_number", "recipients", "title", "intro", "signature", "requirements",
               "rectify_workdays", "rectified_fails", "remedies", "default_remedy")


def _grade_keys():
    return {"name": _spec(str, lambda v: bool(v.strip()), "等级名称", "a grade name"),
            "min": _spec(_NUM, lambda v: v >= 0, "不小于 0 的分数", "a score >= 0")}


class CriteriaError(UserError, ValueError):
    """A preset that cannot be used: names the file and the key at fault."""


@dataclass(frozen=True)
class Criterion:
    """One criterion of a preset (see the module docstring for the keys)."""

    id: str
    name: str
    level: str
    platforms: tuple[str, ...]
    weight: float
    deduction: float
    veto: bool
    severity: str
    rectify: bool = False
    description: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Criteria:
    """A loaded preset: its criteria by id, grade bands and closure rule."""

    name: str
    title: str
    source: str
    full_marks: float
    grades: tuple[tuple[str, float], ...]
    criteria: dict[str, Criterion]
    closure_after: int = 2
    path: Path | None = None
    rectified_grade_cap: str | None = None
    #: The ``[notice]`` table: the 通报's placeholders and texts, 整改时限, 整改要求 per criterion.
    notice: dict[str, Any] = field(default_factory=dict)

    def remedy(self, cid: str) -> str:
        """整改要求 for a criterion's findings (``[notice.remedies]``, else ``default_remedy``).

        Examples
        --------
        >>> load_criteria("liuan_2016").remedy("C15")[:4]
        '恢复更新'
        """
        return self.notice.get("remedies", {}).get(cid) or self.notice.get("default_remedy", "")

    def cap_grade(self, grade: str, named: bool) -> str:
        """``grade`` lowered to ``rectified_grade_cap`` when the unit or account was named.

        A unit (or account) named for rectification (通报整改) in the year cannot be rated
        above the cap, whatever its total — the usual rule of annual assessments
        (被通报的不得评为优秀).

        Examples
        --------
        >>> c = load_criteria("liuan_2016")
        >>> c.cap_grade("优秀", named=True), c.cap_grade("优秀", named=False), c.cap_grade("合格", named=True)
        ('良好', '优秀', '合格')
        """
        if not named or not self.rectified_grade_cap or not grade:
            return grade
        order = [name for name, _ in self.grades]
        if grade not in order:
            return grade
        return order[max(order.index(grade), order.index(self.rectified_grade_cap))]

    def __getitem__(self, cid: str) -> Criterion:
        return self.criteria[cid]

    def __contains__(self, cid: object) -> bool:
        return cid in self.criteria

    def __iter__(self):
        return iter(self.criteria.values())

    def ids(self) -> list[str]:
        """Criterion ids in order."""
        return sorted(self.criteria)

    def grade(self, total: float) -> str:
        """The grade band a total falls in (bands are checked from the highest).

        Examples
        --------
        >>> load_criteria("liuan_2016").grade(90)
        '优秀'
        """
        for name, low in self.grades:
            if total >= low:
                return name
        return self.grades[-1][0]

    @property
    def failing_grade(self) -> str:
        """The lowest band (what a veto gives)."""
        return self.grades[-1][0]


def _error(file: str, zh: str, en: str) -> CriteriaError:
    return CriteriaError(f"考核标准文件 {file}：{zh}", f"{file}: {en}")


def _key(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check(file: str, path: str, value: Any, spec) -> None:
    types, check, expected, expected_zh = spec.types, spec.check, spec.expected, spec.expected_zh
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if ok and check is not None:
        try:
            ok = bool(check(value))
        except Exception:
            ok = False
    if not ok:
        raise _error(file, f"键“{path}”的值 {value!r} 不合要求，应为{expected_zh}",
                     f"key '{path}' has bad value {value!r}; expected {expected}")


def _check_table(file: str, path: str, table: Any, specs: dict, required: set[str]) -> None:
    if not isinstance(table, dict):
        where_zh, where_en = (f"键“{path}”", f"key '{path}'") if path else ("文件内容", "the file")
        raise _error(file, f"{where_zh}应为一个表（table），实际是 {table!r}",
                     f"{where_en}: expected a table, got {table!r}")
    for key in table:
        if key not in specs:
            known = ", ".join(sorted(specs)) or "—"
            raise _error(file, f"未知的键“{_key(path, key)}”（此处可用的键：{known}）",
                         f"unknown key '{_key(path, key)}' (known: {known})")
    for key in sorted(required - set(table)):
        raise _error(file, f"缺少键“{_key(path, key)}”", f"missing key '{_key(path, key)}'")
    for key, value in table.items():
        _check(file, _key(path, key), value, specs[key])


def _resolve(criteria: str | Path) -> Path:
    p = Path(criteria)
    if p.suffix == ".toml" or p.exists():
        if not p.exists():
            raise CriteriaError(f"找不到考核标准文件：{p}", f"criteria file not found: {p}")
        return p
    builtin = HERE / f"{criteria}.toml"
    if not builtin.exists():
        names = ", ".join(sorted(f.stem for f in HERE.glob("*.toml")))
        raise CriteriaError(f"未知的考核标准 {criteria!r}；内置的考核标准有：{names}（也可给出 TOML 文件的路径）",
                            f"unknown criteria preset {criteria!r}; built-in presets: {names}")
    return builtin


def parse_criteria(data: dict, where: str = "<preset>") -> Criteria:
    """Validate a parsed preset (a dict as read from TOML) and build :class:`Criteria`.

    Every error is a :class:`CriteriaError` whose message (Chinese, English with
    ``--lang en``) names the file (``where``) and the key.

    Examples
    --------
    >>> parse_criteria({"preset": {"name": "x"}, "grades": [{"name": "合格", "min": 0}],
    ...                 "criteria": {"C15": {"name": "僵尸账号", "level": "account",
    ...                  "platforms": ["weibo"], "weight": 10, "deduction": 2, "veto": False,
    ...                  "severity": "高", "params": {"min_gap_days": 15}}}})["C15"].weight
    10
    >>> parse_criteria({"preset": {"name": "x"}, "grades": [{"name": "合格", "min": 0}],
    ...                 "criteria": {"C15": {"name": "僵尸账号", "level": "account",
    ...                  "platforms": ["weibo"], "weight": 10, "deduction": 2, "veto": False,
    ...                  "severity": "高", "params": {"min_gap_day": 15}}}})
    Traceback (most recent call last):
    ...
    liuan_eval.criteria.CriteriaError: 考核标准文件 <preset>：未知的键“criteria.C15.params.min_gap_day”（此处可用的键：min_gap_days, veto_before_check_only）
    """
    from liuan_eval.scoring.declare import declarations

    decl = declarations()
    _check_table(where, "", data, {"preset": _spec(dict, None, "一个表", "a table"),
                                   "grades": _spec(list, None, "一个列表（[[grades]]）", "a list"),
                                   "criteria": _spec(dict, None, "一个表", "a table"),
                                   "notice": _spec(dict, None, "一个表", "a table")},
                 {"preset", "grades", "criteria"})
    if "notice" in data:
        _check_table(where, "notice", data["notice"], _notice_keys(), set())
    _check_table(where, "preset", data["preset"], _preset_keys(), {"name"})
    preset = data["preset"]
    grades = []
    for i, g in enumerate(data["grades"]):
        _check_table(where, f"grades[{i}]", g, _grade_keys(), {"name", "min"})
        grades.append((g["name"], float(g["min"])))
    if not grades:
        raise _error(where, "键“grades”为空，至少要有一个等级（[[grades]]）",
                     "key 'grades' is empty; expected at least one grade band")
    mins = [m for _, m in grades]
    if mins != sorted(mins, reverse=True):
        raise _error(where, "键“grades”中的等级须按“min”从高到低排列",
                     "key 'grades' must list bands from the highest 'min' down")
    cap = preset.get("rectified_grade_cap")
    if cap is not None and cap not in [g[0] for g in grades]:
        names = ", ".join(g[0] for g in grades)
        raise _error(where, f"键“preset.rectified_grade_cap”须为其中一个等级（{names}），实际是 {cap!r}",
                     f"key 'preset.rectified_grade_cap' must name one of the grades ({names}), got {cap!r}")
    crits: dict[str, Criterion] = {}
    for cid, entry in data["criteria"].items():
        if cid not in CRITERION_IDS:
            raise _error(where, f"未知的指标“criteria.{cid}”（可用：{CRITERION_IDS[0]}…{CRITERION_IDS[-1]}）",
                         f"unknown criterion 'criteria.{cid}' (known: {CRITERION_IDS[0]}…{CRITERION_IDS[-1]})")
        _check_table(where, f"criteria.{cid}", entry, _criterion_keys(), _REQUIRED_CRITERION_KEYS)
        params = entry.get("params", {})
        spec = decl[cid].params
        _check_table(where, f"criteria.{cid}.params", params, spec, {k for k, s in spec.items() if not s.optional})
        params = {**{k: s.default for k, s in spec.items() if s.optional and k not in params}, **params}
        if decl[cid].level_fixed and entry["level"] != decl[cid].level:
            raise _error(where, f"键“criteria.{cid}.level”必须为 \"{decl[cid].level}\"（该指标不能改为按"
                                f"{'账号' if decl[cid].level == 'unit' else '单位'}评估）",
                         f"criteria.{cid}: key 'level' must be '{decl[cid].level}' for this criterion")
        crits[cid] = Criterion(
            id=cid, name=entry["name"], level=entry["level"], platforms=tuple(entry["platforms"]),
            weight=entry["weight"], deduction=entry["deduction"], veto=entry["veto"],
            severity=entry["severity"], rectify=entry.get("rectify", False),
            description=entry.get("description", ""), params=dict(params))
    return Criteria(name=preset["name"], title=preset.get("title", preset["name"]),
                    source=preset.get("source", ""), full_marks=float(preset.get("full_marks", 100)),
                    grades=tuple(grades), criteria=dict(sorted(crits.items())),
                    closure_after=preset.get("closure_after", 2),
                    rectified_grade_cap=preset.get("rectified_grade_cap"), notice=dict(data.get("notice", {})))


def _with_notice_defaults(c: Criteria) -> Criteria:
    """``c`` with the ``[notice]`` keys it leaves out taken from the default preset."""
    missing = [k for k in NOTICE_KEYS if k not in c.notice]
    if not missing and "remedies" not in c.notice:
        return c
    default = tomllib.loads((HERE / "liuan_2016.toml").read_text(encoding="utf-8")).get("notice", {})
    notice = {**{k: default[k] for k in missing if k in default}, **c.notice}
    if "remedies" in c.notice:  # the criteria a preset gives no remedy for keep the default preset's
        notice["remedies"] = {**default.get("remedies", {}), **c.notice["remedies"]}
    return Criteria(**{**c.__dict__, "notice": notice})


def load_criteria(criteria: str | Path | Criteria = "liuan_2016") -> Criteria:
    """Load a criteria preset by built-in name or TOML path, validating every key.

    Parameters
    ----------
    criteria : str, pathlib.Path or Criteria
        ``"liuan_2016"`` (default), ``"state_council_2019"``, or a path to a TOML file
        in the same layout. An already loaded :class:`Criteria` is returned as is.

    Returns
    -------
    Criteria

    Raises
    ------
    CriteriaError
        Unknown preset, unreadable TOML, unknown key or bad value (the message names
        the file and the key).

    Examples
    --------
    >>> load_criteria("state_council_2019")["C15"].veto
    True
    >>> sorted(load_criteria().criteria) == [f"C{i:02d}" for i in range(1, 21)]
    True
    """
    if isinstance(criteria, Criteria):
        return criteria
    path = _resolve(criteria)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CriteriaError(f"考核标准文件 {path}：不是有效的 TOML：{exc}", f"{path}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CriteriaError(f"考核标准文件 {path}：无法读取（{exc}）", f"{path}: cannot be read ({exc})") from None
    c = parse_criteria(data, where=str(path.name if path.parent == HERE else path))
    return _with_notice_defaults(Criteria(**{**c.__dict__, "path": path}))


def builtin_presets() -> list[str]:
    """Names of the presets shipped with the toolkit.

    Examples
    --------
    >>> builtin_presets()
    ['liuan_2016', 'state_council_2019']
    """
    return sorted(f.stem for f in HERE.glob("*.toml"))


__all__ = ["CRITERION_IDS", "CRITERION_TABLES", "Criteria", "CriteriaError", "Criterion", "PARAM_SPECS",
           "builtin_presets", "load_criteria", "parse_criteria"]

