"""Criteria presets: both ship, cover C01–C20, and bad presets fail naming the key."""
from __future__ import annotations

import pytest

from liuan_eval.criteria import CRITERION_IDS, CriteriaError, builtin_presets, load_criteria


@pytest.mark.parametrize("name", ["liuan_2016", "state_council_2019"])
def test_builtin_presets_cover_every_criterion_and_weigh_100(name):
    c = load_criteria(name)
    # C21 (未整合) is the 2019 checklist's only: the 2016 notice has no such rule
    assert c.ids() == [i for i in CRITERION_IDS if name == "state_council_2019" or i != "C21"]
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
    (('platforms = ["weibo"]', 'platforms = ["fax"]'), "platforms"),
    (("[criteria.C15]", "[criteria.C99]"), "C99"),
])
def test_bad_key_or_value_is_an_error_naming_the_key(tmp_path, edit, key):
    text = BASE.replace(*edit)
    if edit[0] == "[criteria.C15]":
        text = text.replace("[criteria.C15.params]\nmin_gap_days = 10\n", "")
    with pytest.raises(CriteriaError, match=key) as err:
        load_criteria(_write(tmp_path, text))
    assert "custom.toml" in str(err.value) and "custom.toml" in err.value.en and key in err.value.en


def _error(tmp_path, text) -> CriteriaError:
    with pytest.raises(CriteriaError) as err:
        load_criteria(_write(tmp_path, text))
    return err.value


def test_unknown_key_is_refused_in_chinese_naming_file_and_key(tmp_path):
    e = _error(tmp_path, BASE.replace("min_gap_days = 10", "min_gap_days = 10\nmax_gap_days = 40"))
    assert str(e).startswith("考核标准文件 ") and "custom.toml" in str(e)
    assert "未知的键“criteria.C15.params.max_gap_days”" in str(e) and "min_gap_days" in str(e)  # what is allowed
    assert "unknown key 'criteria.C15.params.max_gap_days'" in e.en
    e = _error(tmp_path, BASE.replace("[preset]\n", "[preset]\nyear = 2025\n", 1))
    assert "未知的键“preset.year”" in str(e)


def test_missing_key_is_refused_in_chinese_naming_file_and_key(tmp_path):
    e = _error(tmp_path, BASE.replace("min_gap_days = 10", ""))
    assert "custom.toml" in str(e) and "缺少键“criteria.C15.params.min_gap_days”" in str(e)
    assert "missing key 'criteria.C15.params.min_gap_days'" in e.en
    e = _error(tmp_path, BASE.replace('severity = "高"\n', ""))
    assert "缺少键“criteria.C15.severity”" in str(e)


def test_bad_value_is_refused_in_chinese_with_what_is_expected(tmp_path):
    e = _error(tmp_path, BASE.replace('veto = false', 'veto = "no"'))
    assert "键“criteria.C15.veto”的值 'no' 不合要求，应为true 或 false" in str(e)
    assert "key 'criteria.C15.veto' has bad value 'no'; expected true or false" in e.en
    e = _error(tmp_path, BASE.replace("weight = 100", "weight = -1"))
    assert "键“criteria.C15.weight”的值 -1 不合要求" in str(e)


def test_bad_parameter_is_refused_in_chinese_with_what_is_expected(tmp_path):
    e = _error(tmp_path, BASE.replace("min_gap_days = 10", "min_gap_days = 0"))
    assert "custom.toml" in str(e)
    assert "键“criteria.C15.params.min_gap_days”的值 0 不合要求，应为不小于 1 的整数（自然日）" in str(e)
    assert "expected an integer >= 1 (calendar days)" in e.en
    c11 = load_criteria()
    text = _write(tmp_path, (c11.path.read_text(encoding="utf-8")
                             .replace('"教育部" = ["微言教育"]', '"教育部" = "微言教育"'))).read_text(encoding="utf-8")
    e = _error(tmp_path, text)
    assert "criteria.C11.params.ministries" in str(e) and "名称到名称列表的表" in str(e)


def test_a_unit_level_criterion_may_not_be_moved_to_accounts(tmp_path):
    text = load_criteria().path.read_text(encoding="utf-8")
    i = text.index("[criteria.C13]")
    text = text[:i] + text[i:].replace('level = "unit"', 'level = "account"', 1)
    e = _error(tmp_path, text)
    assert "criteria.C13.level" in str(e) and "unit" in str(e)


def test_missing_parameter_and_unknown_preset_are_clear_errors(tmp_path):
    from liuan_eval.i18n import set_language

    with pytest.raises(CriteriaError, match="缺少键“criteria.C15.params.min_gap_days”"):
        load_criteria(_write(tmp_path, BASE.replace("min_gap_days = 10", "")))
    with pytest.raises(CriteriaError, match="liuan_2016") as err:
        load_criteria("no_such_preset")
    assert "未知的考核标准" in str(err.value)
    with pytest.raises(CriteriaError, match="不是有效的 TOML"):
        load_criteria(_write(tmp_path, BASE + "\n[[[broken"))
    set_language("en")
    try:
        with pytest.raises(CriteriaError, match="missing key 'criteria.C15.params.min_gap_days'"):
            load_criteria(_write(tmp_path, BASE.replace("min_gap_days = 10", "")))
    finally:
        set_language("zh")


def test_rectified_grade_cap_must_name_a_grade(tmp_path):
    text = BASE.replace("[preset]\n", '[preset]\nrectified_grade_cap = "极好"\n', 1)
    with pytest.raises(CriteriaError, match="rectified_grade_cap"):
        load_criteria(_write(tmp_path, text))


def test_a_preset_written_before_a_parameter_was_added_still_loads_with_its_default(tmp_path):
    """``opening_deadline`` (C01) and ``veto_before_check_only`` (C15) came later: an office's own
    preset without them loads, with the former behaviour (presence only; every run a finding alike)."""
    c = load_criteria(_write(tmp_path, BASE))
    assert c["C15"].params == {"min_gap_days": 10, "veto_before_check_only": False}
    shipped = load_criteria("liuan_2016")
    assert shipped["C01"].params["opening_deadline"] == "2016-12-31"
    assert load_criteria("state_council_2019")["C15"].params["veto_before_check_only"] is True
    with pytest.raises(CriteriaError, match="veto_before_check_only"):
        load_criteria(_write(tmp_path, BASE.replace("min_gap_days = 10", 'min_gap_days = 10\nveto_before_check_only = "yes"')))


@pytest.mark.parametrize(("key", "text"), [
    ("intro", 'intro = "{year}年检查情况通报如下："'),
    ("title", 'title = "关于{periode}的通报"'),
    ("intro", 'intro = "现将情况通报如下：{"'),
])
def test_a_notice_text_with_an_unknown_placeholder_is_refused_when_the_preset_loads(tmp_path, key, text):
    """Before: a KeyError after the whole assessment had run, at the 通报."""
    from liuan_eval.criteria import HERE as presets

    src = (presets / "liuan_2016.toml").read_text(encoding="utf-8")
    src = src.replace("[notice]\n", "[notice]\n" + text + "\n", 1)
    lines = [ln for ln in src.splitlines() if not (ln.startswith(f"{key} = ") and ln != text)]
    (tmp_path / "p.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match=f"notice.{key}.*占位符只能是"):
        load_criteria(tmp_path / "p.toml")


def test_a_complete_presets_remedies_still_add_to_the_defaults(tmp_path):
    import json
    import tomllib

    from liuan_eval.criteria import HERE, NOTICE_KEYS

    src = (HERE / "state_council_2019.toml").read_text(encoding="utf-8")
    default = tomllib.loads((HERE / "liuan_2016.toml").read_text(encoding="utf-8"))["notice"]
    given = tomllib.loads(src)["notice"]
    extra = "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in default.items()
                    if k not in given and k != "remedies")
    p = tmp_path / "full.toml"
    p.write_text(src.replace("rectified_fails = false\n", "rectified_fails = false\n" + extra, 1), encoding="utf-8")
    assert set(NOTICE_KEYS) <= set(tomllib.loads(p.read_text(encoding="utf-8"))["notice"])  # every key given
    c = load_criteria(p)
    assert c.remedy("C21").startswith("整合") and c.remedy("C07") == load_criteria("liuan_2016").remedy("C07")
