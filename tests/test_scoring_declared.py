"""Each criterion declared once: the registry, the presets and the generator's plants agree, and the
engine decides "not assessed" from the declarations alone."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.criteria import CRITERION_IDS, builtin_presets, load_criteria
from liuan_eval.dataset import Dataset
from liuan_eval.scoring import score
from liuan_eval.scoring.declare import (
    criterion_tables,
    declarations,
    indicators,
    no_findings,
    param_specs,
    reviewed,
    unit_level_only,
)

TZ = "Asia/Shanghai"


def ts(*values):
    return pd.Series(pd.to_datetime(list(values))).dt.tz_localize(TZ)


@pytest.fixture(scope="module")
def planted_ids():
    from liuan_eval.sample_data import generate_sample

    truth = generate_sample(2025, seed=5, scale=0.2).truth
    return {"findings": {f["criterion"] for f in truth["findings"]},
            "suspects": {f["criterion"] for f in truth["suspects"]}}


def test_presets_registry_and_plants_name_the_same_criteria(planted_ids):
    registry = set(declarations())
    assert registry == {f"C{i:02d}" for i in range(1, 21)} == set(CRITERION_IDS)
    for name in builtin_presets():
        assert set(load_criteria(name).criteria) == registry, name
    finding_ids = registry - set(no_findings())
    assert set(indicators()) == finding_ids
    # every criterion that gives findings is planted, and only those; a reviewed criterion's plants are
    # suspects (they deduct once confirmed), not findings
    assert planted_ids["findings"] == finding_ids - set(reviewed())
    assert planted_ids["suspects"] == set(reviewed()) == {"C20"}
    assert set(no_findings()) == {"C18", "C19"}


@pytest.mark.parametrize("name", ["liuan_2016", "state_council_2019"])
def test_every_preset_parameter_is_declared_and_every_declared_one_is_given(name):
    specs = param_specs()
    for c in load_criteria(name):
        assert set(c.params) == set(specs[c.id]), c.id
        for key, value in c.params.items():
            types, check, expected, expected_zh = specs[c.id][key]
            assert isinstance(value, types) and (check is None or check(value)), (c.id, key)
            assert expected and expected_zh


def test_derived_names_keep_their_old_homes():
    import liuan_eval.criteria as crit
    import liuan_eval.scoring as scoring
    from liuan_eval.criteria import PARAM_SPECS
    from liuan_eval.preflight import criteria_needing

    assert PARAM_SPECS == param_specs() and PARAM_SPECS["C15"]["min_gap_days"][2] == "an integer >= 1 (calendar days)"
    assert crit.CRITERION_TABLES == criterion_tables()
    assert scoring.NO_FINDINGS == ("C18", "C19") and set(scoring.INDICATORS) == set(indicators())
    assert unit_level_only() == ("C01", "C13", "C14", "C16", "C19")
    assert criteria_needing("messages") == ["C07", "C08", "C09"]
    assert criteria_needing("releases") == ["C12"]
    assert "C06" in criteria_needing("filings") and "C05" not in criteria_needing("filings")
    assert set(criterion_tables(alternatives=True)["C05"]) == {"accounts", "filings"}
    assert each_declared_once()


def each_declared_once() -> bool:
    """One indicator function per criterion, each carrying its own declaration."""
    decl = declarations()
    fns = [d.fn for d in decl.values()]
    return len({id(f) for f in fns}) == len(fns) and all(f.declaration is decl[cid] for cid, f in
                                                          zip(decl, fns))


# ---- not assessed, by the one mechanism ------------------------------------------------------
def accounts(**over):
    base = {"unit": ["金安区"] * 3, "unit_type": ["county"] * 3, "platform": ["weibo", "wechat", "app"],
            "account_id": ["W1", "X1", "A1"], "account_name": ["金安区人民政府发布", "金安区人民政府发布", "金安区人民政府"],
            "opened_at": ts("2016-10-08", "2016-10-08", "2016-10-08"),
            "filed_at": ts("2016-10-09", "2016-10-09", "2016-10-09"),
            "operators": pd.array([1, 1, 1], dtype="Int64"),
            "liaison_officer": ["张明"] * 3, "information_officer": ["李华"] * 3}
    base.update(over)
    return pd.DataFrame(base)


def posts():
    days = pd.date_range("2025-01-01", "2025-12-31", freq="3D")
    t = pd.Series(days + pd.Timedelta(hours=10)).dt.tz_localize(TZ)
    return pd.concat([pd.DataFrame({"account_id": a, "platform": p, "post_id": [f"{a}{i}" for i in range(len(t))],
                                    "published_at": t, "text": "今日要闻", "media_kind": "image",
                                    "is_repost": pd.array([False] * len(t), dtype="boolean")})
                      for a, p in (("W1", "weibo"), ("X1", "wechat"), ("A1", "app"))], ignore_index=True)


def reasons(a) -> dict:
    return dict(zip(a.not_assessed["criterion"], a.not_assessed["reason"]))


def test_c05_with_no_filings_and_empty_closure_columns_is_not_assessed_rather_than_passed():
    acc = accounts(closed_at=ts(None, None, "2025-06-02"), closure_filed_at=ts(None, None, None))
    a = score(Dataset(accounts=acc, posts=posts()), year=2025)
    r = reasons(a)
    assert "C05" in r and "关闭报备时间" in r["C05"] and "备案记录" in r["C05"]
    assert a.unit_scores["C05"].isna().all()
    assert not any("批准时间" in c for c in a.caveats)      # C05's caveat only when it is assessed
    # with a closure filing date recorded, it is assessed (and 2 June filed 2 June is 0 working days ahead)
    acc = acc.assign(closure_filed_at=ts(None, None, "2025-06-02"))
    a = score(Dataset(accounts=acc, posts=posts()), year=2025)
    assert "C05" not in reasons(a) and (a.findings["criterion"] == "C05").sum() == 1
    assert any("批准时间" in c for c in a.caveats)


@pytest.mark.parametrize("cid, change, words", [
    ("C13", {"operators": pd.array([None] * 3, dtype="Int64")}, "运维人员数"),
    ("C04", {"filed_at": ts(None, None, None)}, "备案时间"),
    ("C14", {"liaison_officer": [None, " ", ""], "information_officer": [None] * 3}, "信息员"),
])
def test_a_needed_column_that_is_entirely_empty_is_not_assessed(cid, change, words):
    a = score(Dataset(accounts=accounts(**change), posts=posts()), year=2025)
    r = reasons(a)
    assert cid in r and words in r[cid], r.get(cid)
    assert not (a.findings["criterion"] == cid).any()


def test_media_and_reply_columns_all_empty_are_not_assessed_and_an_absent_table_is_named():
    p = posts().assign(media_kind=pd.Series(pd.NA, dtype="str"))
    m = pd.DataFrame({"message_id": ["m1"], "unit": ["金安区"], "account_id": ["W1"],
                      "received_at": ts("2025-03-03 09:00"), "replied_at": ts(None),
                      "in_scope": pd.array([True], dtype="boolean")})
    a = score(Dataset(accounts=accounts(), posts=p, messages=m), year=2025)
    r = reasons(a)
    assert "形式" in r["C10"] and "答复时间" in r["C07"] and "答复时间" in r["C08"]
    assert r["C12"] == "缺少重要信息转发清单（releases）" or "releases" in r["C12"]
    assert a.findings.empty and a.repost is None


def test_the_indicator_is_not_called_when_its_needs_are_unmet(monkeypatch):
    import liuan_eval.scoring.declare as declare

    called = []
    d = declarations()["C13"]
    monkeypatch.setitem(declare._REGISTRY, "C13", type(d)(**{**d.__dict__, "fn": lambda ctx, c: called.append(1)}))
    score(Dataset(accounts=accounts(operators=pd.array([None] * 3, dtype="Int64")), posts=posts()), year=2025)
    assert called == []
