"""Criteria presets: both ship, cover C01–C19, and bad presets fail naming the key."""
from __future__ import annotations

import pytest

from liuan_eval.criteria import CRITERION_IDS, CriteriaError, builtin_presets, load_criteria


@pytest.mark.parametrize("name", ["liuan_2016", "state_council_2019"])
def test_builtin_presets_cover_every_criterion_and_weigh_100(name):
    c = load_criteria(name)
    assert c.ids() == list(CRITERION_IDS)
    assert sum(x.weight for x in c) == pytest.approx(100)
    assert c.grade(0) == "不合格"
    assert all(x.name for x in c)


def test_presets_differ_where_the_2019_checklist_is_stricter():
    a, b = load_criteria("liuan_2016"), load_criteria("state_council_2019")
    assert a["C15"].params["min_gap_days"] == 15 and not a["C15"].veto
    assert b["C15"].params["min_gap_days"] == 14 and b["C15"].veto
    assert b["C07"].veto and b["C17"].veto
    assert [g for g, _ in a.grades] == ["优秀", "良好", "合格", "不合格"]
    assert [g for g, _ in b.grades] == ["合格", "不合格"]
    assert builtin_presets() == ["liuan_2016", "state_council_2019"]


def test_grade_bands_include_their_lower_bound():
    c = load_criteria()
    assert [c.grade(x) for x in (100, 90, 89.99, 80, 60, 59.99)] == ["优秀", "优秀", "良好", "良好", "合格", "不合格"]


def _write(tmp_path, text):
    p = tmp_path / "custom.toml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = """
[preset]
name = "custom"
[[grades]]
name = "合格"
min = 60
[[grades]]
name = "不合格"
min = 0
[criteria.C15]
name = "僵尸账号"
level = "account"
platforms = ["weibo"]
weight = 100
deduction = 5
veto = false
severity = "高"
[criteria.C15.params]
min_gap_days = 10
"""


def test_a_toml_path_is_accepted(tmp_path):
    c = load_criteria(_write(tmp_path, BASE))
    assert c.name == "custom" and c["C15"].params["min_gap_days"] == 10 and c.ids() == ["C15"]


@pytest.mark.parametrize("edit, key", [
    (("min_gap_days = 10", "min_gap_dayz = 10"), "min_gap_dayz"),
    (("deduction = 5", "deduction = 5\ncolour = 1"), "colour"),
    (("min_gap_days = 10", "min_gap_days = -3"), "min_gap_days"),
    (("min_gap_days = 10", 'min_gap_days = "15"'), "min_gap_days"),
    (('level = "account"', 'level = "province"'), "level"),
    (('veto = false', 'veto = "no"'), "veto"),
    (('platforms = ["weibo"]', 'platforms = ["douyin"]'), "platforms"),
    (("[criteria.C15]", "[criteria.C99]"), "C99"),
])
def test_bad_key_or_value_is_an_error_naming_the_key(tmp_path, edit, key):
    text = BASE.replace(*edit)
    if edit[0] == "[criteria.C15]":
        text = text.replace("[criteria.C15.params]\nmin_gap_days = 10\n", "")
    with pytest.raises(CriteriaError, match=key) as err:
        load_criteria(_write(tmp_path, text))
    assert "custom.toml" in str(err.value)


def test_missing_parameter_and_unknown_preset_are_clear_errors(tmp_path):
    with pytest.raises(CriteriaError, match="missing key 'min_gap_days'"):
        load_criteria(_write(tmp_path, BASE.replace("min_gap_days = 10", "")))
    with pytest.raises(CriteriaError, match="liuan_2016"):
        load_criteria("no_such_preset")
    with pytest.raises(CriteriaError, match="not valid TOML"):
        load_criteria(_write(tmp_path, BASE + "\n[[[broken"))


def test_rectified_grade_cap_must_name_a_grade(tmp_path):
    text = BASE.replace("[preset]\n", '[preset]\nrectified_grade_cap = "极好"\n', 1)
    with pytest.raises(CriteriaError, match="rectified_grade_cap"):
        load_criteria(_write(tmp_path, text))
