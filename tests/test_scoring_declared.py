"""Each criterion declared once: the registry, the presets and the generator's plants agree, and the
engine decides "not assessed" from the declarations alone."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.criteria import CRITERION_IDS, load_criteria
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
    assert registry == {f"C{i:02d}" for i in range(1, 22)} == set(CRITERION_IDS)
    only_2019 = {"C21"}
    assert set(load_criteria("state_council_2019").criteria) == registry
    assert set(load_criteria("liuan_2016").criteria) == registry - only_2019
    finding_ids = registry - set(no_findings())
    assert set(indicators()) == finding_ids
    # every criterion of the default preset that gives findings is planted, and only those; a reviewed
    # criterion's plants are suspects (they deduct once confirmed), not findings
    assert planted_ids["findings"] == finding_ids - set(reviewed()) - only_2019
    assert planted_ids["suspects"] == set(reviewed()) == {"C20"}
    assert set(no_findings()) == {"C18", "C19"}


@pytest.mark.parametrize("name", ["liuan_2016", "state_council_2019"])
def test_every_preset_parameter_is_declared_and_every_declared_one_is_given(name):
    import tomllib

    from liuan_eval.criteria import HERE

    specs = param_specs()
    raw = tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))["criteria"]
    for c in load_criteria(name):
        assert set(c.params) == set(specs[c.id]), c.id
        assert set(raw[c.id].get("params", {})) == set(specs[c.id]), c.id  # the shipped presets give them all
        for key, value in c.params.items():
            types, check, expected, expected_zh = specs[c.id][key][:4]
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
    assert unit_level_only() == ("C01", "C13", "C14", "C16", "C19", "C21")
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


def test_c05_with_no_filings_and_no_closure_column_is_not_assessed_rather_than_passed():
    acc = accounts(closed_at=ts(None, None, "2025-06-02"))
    a = score(Dataset(accounts=acc, posts=posts()), year=2025)
    r = reasons(a)
    assert "C05" in r and "关闭报备时间" in r["C05"] and "备案记录" in r["C05"]
    assert a.unit_scores["C05"].isna().all()
    assert not any("批准时间" in c for c in a.caveats)      # C05's caveat only when it is assessed
    # the column there but empty: the closure was not filed (a finding), not a missing export
    a = score(Dataset(accounts=acc.assign(closure_filed_at=ts(None, None, None)), posts=posts()), year=2025)
    f = a.findings[a.findings["criterion"] == "C05"]
    assert "C05" not in reasons(a) and len(f) == 1 and "没有报备" in f["explanation"].iloc[0]
    # with a closure filing date recorded (and 2 June filed 2 June is 0 working days ahead)
    acc = acc.assign(closure_filed_at=ts(None, None, "2025-06-02"))
    a = score(Dataset(accounts=acc, posts=posts()), year=2025)
    assert "C05" not in reasons(a) and (a.findings["criterion"] == "C05").sum() == 1
    assert any("批准时间" in c for c in a.caveats)


DUTY_COLUMNS = [
    ("C13", {"operators": pd.array([None] * 3, dtype="Int64")}, "运维人员数", 1),
    ("C04", {"opened_at": ts("2025-03-03", "2016-10-08", "2016-10-08"), "filed_at": ts(None, None, None)},
     "备案时间", 1),
    ("C14", {"liaison_officer": [None, " ", ""], "information_officer": [None] * 3}, "信息员", 2),
]


@pytest.mark.parametrize("cid, change, words, n", DUTY_COLUMNS)
def test_a_duty_column_empty_in_every_row_is_a_finding_not_a_missing_export(cid, change, words, n):
    """A reply, filing or officer column that is there but empty everywhere says nothing was done
    (criteria.md: an account never filed is late; an unanswered message is late)."""
    a = score(Dataset(accounts=accounts(**change), posts=posts()), year=2025)
    assert cid not in reasons(a)
    assert (a.findings["criterion"] == cid).sum() == n


@pytest.mark.parametrize("cid, change, words, n", DUTY_COLUMNS)
def test_a_duty_column_the_export_did_not_have_is_not_assessed(cid, change, words, n):
    acc = accounts(**change)
    given = frozenset(acc.columns) - set(change) | {"opened_at"}
    a = score(Dataset(accounts=acc, posts=posts(), columns_given={"accounts": given}), year=2025)
    r = reasons(a)
    assert cid in r and words in r[cid] and "没有" in r[cid], r.get(cid)
    assert not (a.findings["criterion"] == cid).any()


def test_media_columns_all_empty_are_not_assessed_unanswered_messages_are_late_and_an_absent_table_is_named():
    p = posts().assign(media_kind=pd.Series(pd.NA, dtype="str"))
    m = pd.DataFrame({"message_id": ["m1", "m2"], "unit": ["金安区"] * 2, "account_id": ["W1"] * 2,
                      "received_at": ts("2025-03-03 09:00", "2025-03-03 09:00"), "replied_at": ts(None, None),
                      "in_scope": pd.array([True, False], dtype="boolean")})
    a = score(Dataset(accounts=accounts(), posts=p, messages=m), year=2025)
    r = reasons(a)
    assert "形式" in r["C10"] and "C07" not in r and "C08" not in r
    assert r["C12"] == "缺少重要信息转发清单（releases）" or "releases" in r["C12"]
    assert sorted(a.findings["criterion"]) == ["C07", "C08"] and a.repost is None
    # a messages export with no reply column at all: C07 and C08 are not assessed
    given = {"messages": frozenset(m.columns) - {"replied_at"}}
    a = score(Dataset(accounts=accounts(), posts=p, messages=m, columns_given=given), year=2025)
    r = reasons(a)
    assert "答复时间" in r["C07"] and "答复时间" in r["C08"] and a.findings.empty


def test_the_indicator_is_not_called_when_its_needs_are_unmet(monkeypatch):
    import liuan_eval.scoring.declare as declare

    called = []
    d = declarations()["C13"]
    monkeypatch.setitem(declare._REGISTRY, "C13", type(d)(**{**d.__dict__, "fn": lambda ctx, c: called.append(1)}))
    acc = accounts().drop(columns=["operators"])
    score(Dataset(accounts=acc, posts=posts()), year=2025)
    assert called == []


def test_from_files_a_reply_header_with_no_replies_is_late_and_no_reply_header_is_not_assessed(tmp_path):
    """What the export had decides: read from files, a 答复时间 column left empty in every row means the
    messages were not answered (C07 findings); a file without that column leaves C07 not assessed."""
    import liuan_eval

    reg = ("单位名称,单位类型,平台,账号ID,账号名称,开通时间,备案时间,运维人员数,联络员,信息员\n"
           "金安区,县区,微博,W1,金安区人民政府发布,2016-10-08,2016-10-09,1,张明,李华\n")
    for name, header, row in (("with", "留言编号,账号ID,留言时间,答复时间,是否职责范围\n", "m1,W1,2025-03-03 09:00,,是\n"),
                              ("without", "留言编号,账号ID,留言时间,是否职责范围\n", "m1,W1,2025-03-03 09:00,是\n")):
        d = tmp_path / name
        d.mkdir()
        (d / "accounts.csv").write_text(reg, encoding="utf-8")
        (d / "messages.csv").write_text(header + row, encoding="utf-8")
        a = score(liuan_eval.load(d, year=2025), year=2025)
        r = reasons(a)
        if name == "with":
            assert "C07" not in r and (a.findings["criterion"] == "C07").sum() == 1
        else:
            assert "答复时间" in r["C07"] and not (a.findings["criterion"] == "C07").any()
