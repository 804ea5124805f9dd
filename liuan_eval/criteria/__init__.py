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

HERE = Path(__file__).resolve().parent

#: Every criterion id the toolkit knows (criteria.md).
CRITERION_IDS = tuple(f"C{i:02d}" for i in range(1, 20))
PLATFORMS = ("weibo", "wechat", "app")
LEVELS = ("unit", "account")
SEVERITIES = ("高", "中", "低")

_NUM = (int, float)

#: The parameters each criterion accepts: name -> (python types, check, what is expected).
PARAM_SPECS: dict[str, dict[str, tuple[tuple[type, ...], Any, str]]] = {
    "C01": {"platforms_required": ((list,), lambda v: bool(v) and set(v) <= set(PLATFORMS),
                                   "a non-empty list of weibo/wechat/app")},
    "C02": {"flag_unregistered": ((bool,), None, "true or false"),
            "flag_silent_registered": ((bool,), None, "true or false")},
    "C03": {"require_exact": ((bool,), None, "true or false")},
    "C04": {"max_workdays": ((int,), lambda v: v >= 0, "an integer >= 0")},
    "C05": {"min_workdays_ahead": ((int,), lambda v: v >= 0, "an integer >= 0")},
    "C06": {},
    "C07": {"max_workdays": ((int,), lambda v: v >= 1, "an integer >= 1"),
            "na_scope_counts_in": ((bool,), None, "true or false"),
            "veto_unanswered_only": ((bool,), None, "true or false")},
    "C08": {},
    "C09": {"min_chars": ((int,), lambda v: v >= 0, "an integer >= 0"),
            "boilerplate": ((list,), lambda v: all(isinstance(s, str) for s in v), "a list of strings")},
    "C10": {"min_rich_share": (_NUM, lambda v: 0 <= v <= 1, "a share between 0 and 1"),
            "min_posts": ((int,), lambda v: v >= 1, "an integer >= 1")},
    "C11": {"sources": ((list,), lambda v: bool(v) and all(isinstance(s, str) for s in v),
                        "a non-empty list of source names"),
            "source_patterns": ((list,), lambda v: all(isinstance(s, str) for s in v),
                                "a list of regular expressions")},
    "C12": {"max_minutes": ((int,), lambda v: v >= 1, "an integer >= 1 (minutes)"),
            "wechat_max_workdays": ((int,), lambda v: v >= 0, "an integer >= 0"),
            "unit_types": ((list,), lambda v: bool(v) and set(v) <= {"county", "zone", "department"},
                           "a non-empty list of county/zone/department"),
            "min_similarity": (_NUM, lambda v: 0 < v <= 100, "a number in (0, 100]"),
            "min_similarity_with_source": (_NUM, lambda v: 0 < v <= 100, "a number in (0, 100]"),
            "match_window_days": ((int,), lambda v: v >= 1, "an integer >= 1")},
    "C13": {"min_operators": ((int,), lambda v: v >= 1, "an integer >= 1")},
    "C14": {"max_workdays": ((int,), lambda v: v >= 0, "an integer >= 0")},
    "C15": {"min_gap_days": ((int,), lambda v: v >= 1, "an integer >= 1 (calendar days)")},
    "C16": {"within_hours": (_NUM, lambda v: v > 0, "a number of hours > 0")},
    "C17": {"kinds": ((list,), lambda v: bool(v) and set(v) <= {"inaccurate", "security", "public_opinion"},
                      "a non-empty list of inaccurate/security")},
    "C18": {"weights": ((dict,), lambda v: bool(v) and set(v) <= {"posts", "reposts", "comments", "likes",
                                                                   "reads"}
                        and all(isinstance(x, _NUM) and x >= 0 for x in v.values()),
                        "a table of posts/reposts/comments/likes/reads weights >= 0")},
    "C19": {},
}

_CRITERION_KEYS = {
    "name": ((str,), lambda v: bool(v.strip()), "a non-empty Chinese name"),
    "level": ((str,), lambda v: v in LEVELS, "unit or account"),
    "platforms": ((list,), lambda v: bool(v) and set(v) <= set(PLATFORMS), "a non-empty list of weibo/wechat/app"),
    "weight": (_NUM, lambda v: v >= 0, "a number of points >= 0"),
    "deduction": (_NUM, lambda v: v >= 0, "a number of points >= 0 per finding"),
    "veto": ((bool,), None, "true or false"),
    "severity": ((str,), lambda v: v in SEVERITIES, "高, 中 or 低"),
    "rectify": ((bool,), None, "true or false"),
    "description": ((str,), None, "a string"),
    "params": ((dict,), None, "a table of parameters"),
}
_REQUIRED_CRITERION_KEYS = {"name", "level", "platforms", "weight", "deduction", "veto", "severity"}
_PRESET_KEYS = {
    "name": ((str,), lambda v: bool(v.strip()), "a non-empty name"),
    "title": ((str,), None, "a string"),
    "source": ((str,), None, "a string"),
    "full_marks": (_NUM, lambda v: v > 0, "a number > 0"),
    "closure_after": ((int,), lambda v: v >= 1, "an integer >= 1 (rectification findings)"),
    "rectified_grade_cap": ((str,), lambda v: bool(v.strip()), "a grade name from [[grades]]"),
}
_GRADE_KEYS = {"name": ((str,), lambda v: bool(v.strip()), "a grade name"),
               "min": (_NUM, lambda v: v >= 0, "a score >= 0")}


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


def _check(where: str, key: str, value: Any, spec) -> None:
    types, check, expected = spec
    ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
    if ok and check is not None:
        try:
            ok = bool(check(value))
        except Exception:
            ok = False
    if not ok:
        raise CriteriaError(f"{where}: key '{key}' has bad value {value!r}; expected {expected}")


def _check_table(where: str, table: Any, specs: dict, required: set[str]) -> None:
    if not isinstance(table, dict):
        raise CriteriaError(f"{where}: expected a table, got {table!r}")
    for key in table:
        if key not in specs:
            raise CriteriaError(f"{where}: unknown key '{key}' (known: {', '.join(sorted(specs))})")
    for key in sorted(required - set(table)):
        raise CriteriaError(f"{where}: missing key '{key}'")
    for key, value in table.items():
        _check(where, key, value, specs[key])


def _resolve(criteria: str | Path) -> Path:
    p = Path(criteria)
    if p.suffix == ".toml" or p.exists():
        if not p.exists():
            raise CriteriaError(f"criteria file not found: {p}")
        return p
    builtin = HERE / f"{criteria}.toml"
    if not builtin.exists():
        names = ", ".join(sorted(f.stem for f in HERE.glob("*.toml")))
        raise CriteriaError(f"unknown criteria preset {criteria!r}; built-in presets: {names}")
    return builtin


def parse_criteria(data: dict, where: str = "<preset>") -> Criteria:
    """Validate a parsed preset (a dict as read from TOML) and build :class:`Criteria`.

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
    liuan_eval.criteria.CriteriaError: <preset>: criteria.C15.params: unknown key 'min_gap_day' (known: min_gap_days)
    """
    _check_table(where, data, {"preset": ((dict,), None, "a table"), "grades": ((list,), None, "a list"),
                               "criteria": ((dict,), None, "a table")}, {"preset", "grades", "criteria"})
    _check_table(f"{where}: preset", data["preset"], _PRESET_KEYS, {"name"})
    preset = data["preset"]
    grades = []
    for i, g in enumerate(data["grades"]):
        _check_table(f"{where}: grades[{i}]", g, _GRADE_KEYS, {"name", "min"})
        grades.append((g["name"], float(g["min"])))
    if not grades:
        raise CriteriaError(f"{where}: key 'grades' is empty; expected at least one grade band")
    mins = [m for _, m in grades]
    if mins != sorted(mins, reverse=True):
        raise CriteriaError(f"{where}: key 'grades' must list bands from the highest 'min' down")
    cap = preset.get("rectified_grade_cap")
    if cap is not None and cap not in [g[0] for g in grades]:
        raise CriteriaError(f"{where}: key 'preset.rectified_grade_cap' must name one of the grades "
                            f"({', '.join(g[0] for g in grades)}), got {cap!r}")
    crits: dict[str, Criterion] = {}
    for cid, entry in data["criteria"].items():
        if cid not in CRITERION_IDS:
            raise CriteriaError(f"{where}: unknown criterion 'criteria.{cid}' (known: C01…C19)")
        _check_table(f"{where}: criteria.{cid}", entry, _CRITERION_KEYS, _REQUIRED_CRITERION_KEYS)
        params = entry.get("params", {})
        spec = PARAM_SPECS[cid]
        _check_table(f"{where}: criteria.{cid}.params", params, spec, set(spec))
        crits[cid] = Criterion(
            id=cid, name=entry["name"], level=entry["level"], platforms=tuple(entry["platforms"]),
            weight=entry["weight"], deduction=entry["deduction"], veto=entry["veto"],
            severity=entry["severity"], rectify=entry.get("rectify", False),
            description=entry.get("description", ""), params=dict(params))
    for key in ("C01", "C13", "C14", "C16", "C19"):
        if key in crits and crits[key].level != "unit":
            raise CriteriaError(f"{where}: criteria.{key}: key 'level' must be 'unit' for this criterion")
    return Criteria(name=preset["name"], title=preset.get("title", preset["name"]),
                    source=preset.get("source", ""), full_marks=float(preset.get("full_marks", 100)),
                    grades=tuple(grades), criteria=dict(sorted(crits.items())),
                    closure_after=preset.get("closure_after", 2),
                    rectified_grade_cap=preset.get("rectified_grade_cap"))


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
    >>> sorted(load_criteria().criteria) == [f"C{i:02d}" for i in range(1, 20)]
    True
    """
    if isinstance(criteria, Criteria):
        return criteria
    path = _resolve(criteria)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CriteriaError(f"{path}: not valid TOML: {exc}") from None
    c = parse_criteria(data, where=str(path.name if path.parent == HERE else path))
    return Criteria(**{**c.__dict__, "path": path})


def builtin_presets() -> list[str]:
    """Names of the presets shipped with the toolkit.

    Examples
    --------
    >>> builtin_presets()
    ['liuan_2016', 'state_council_2019']
    """
    return sorted(f.stem for f in HERE.glob("*.toml"))


__all__ = ["Criteria", "CriteriaError", "Criterion", "CRITERION_IDS", "PARAM_SPECS", "builtin_presets",
           "load_criteria", "parse_criteria"]

