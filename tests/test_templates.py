"""The Excel fill-in templates: headers, frozen row, drop-downs, examples, explanations, round trip."""
from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from liuan_eval import cli
from liuan_eval.i18n import set_language
from liuan_eval.schemas import TABLE_LABELS, TABLES
from liuan_eval.templates import (
    GUIDE_SHEET,
    example_rows,
    fill_template,
    template_filename,
    write_templates,
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    paths = write_templates(out)
    return out, {p.name: p for p in paths}


def test_one_workbook_per_table(templates):
    out, paths = templates
    assert sorted(paths) == sorted(template_filename(t) for t in TABLES)
    for table in TABLES:
        assert (out / f"{table}_{TABLE_LABELS[table]}.xlsx").exists()


@pytest.mark.parametrize("table", list(TABLES))
def test_headers_frozen_row_and_examples(templates, table):
    _, paths = templates
    wb = load_workbook(paths[template_filename(table)])
    assert wb.sheetnames == [TABLE_LABELS[table], GUIDE_SHEET]
    ws = wb[TABLE_LABELS[table]]
    assert [c.value for c in ws[1]] == [c.label for c in TABLES[table].values()]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 3  # header + two example rows
    # every required column has a value in both example rows
    for j, col in enumerate(TABLES[table].values(), start=1):
        if col.required:
            assert ws.cell(2, j).value not in (None, ""), (table, col.name)
            assert ws.cell(3, j).value not in (None, ""), (table, col.name)


@pytest.mark.parametrize("table", list(TABLES))
def test_closed_sets_have_drop_downs(templates, table):
    _, paths = templates
    ws = load_workbook(paths[template_filename(table)])[TABLE_LABELS[table]]
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        for rng in dv.sqref.ranges:
            by_column[rng.min_col] = dv.formula1.strip('"').split(",")
    for j, col in enumerate(TABLES[table].values(), start=1):
        if col.kind == "category":
            assert by_column.get(j) == list(col.choices.values()), col.name
        elif col.kind == "bool":
            assert by_column.get(j) == ["是", "否"], col.name
        else:
            assert j not in by_column, col.name


def test_platform_unit_type_and_event_lists(templates):
    _, paths = templates
    ws = load_workbook(paths[template_filename("accounts")])["账号登记表"]
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"县区,开发区,市直部门"' in lists
    assert '"微博,微信,客户端,抖音,快手,今日头条,视频号,哔哩哔哩,小红书,百家号,其他平台"' in lists   # the three, then the others
    ws = load_workbook(paths[template_filename("filings")])["备案记录"]
    assert [dv.formula1 for dv in ws.data_validations.dataValidation] == ['"开设,关闭,紧急关闭,更名,人员变更"']


@pytest.mark.parametrize("table", list(TABLES))
def test_explanation_sheet_covers_every_column(templates, table):
    _, paths = templates
    frame = pd.read_excel(paths[template_filename(table)], sheet_name=GUIDE_SHEET, header=None, dtype=str)
    head = frame.index[frame[0] == "列名（表头）"][0]
    body = frame.iloc[head + 1:]
    assert list(body[0]) == [c.label for c in TABLES[table].values()]
    required = dict(zip(body[0], body[3]))
    for col in TABLES[table].values():
        assert required[col.label] == ("必填" if col.required else "选填")
    meaning = dict(zip(body[0], body[1]))
    assert all(isinstance(v, str) and v for v in meaning.values())


def test_examples_are_consistent_across_tables():
    accounts = {r["account_id"] for r in example_rows("accounts")}
    assert {r["account_id"] for r in example_rows("posts")} == accounts
    units = {r["unit"] for r in example_rows("accounts")}
    assert {r["unit"] for r in example_rows("messages")} <= units
    assert len({r["post_id"] for r in example_rows("posts")}) == 2


def test_fill_template_replaces_examples(tmp_path):
    [path] = write_templates(tmp_path, ["accounts"])
    frame = pd.DataFrame({
        "unit": ["霍山县", "舒城县", "叶集区"],
        "unit_type": ["county", "county", "zone"],
        "platform": ["weibo", "app", "wechat"],
        "account_id": ["0012", "app.hs", "gh_1"],
        "account_name": ["霍山县人民政府发布", "舒城县人民政府", "叶集区人民政府发布"],
        "opened_at": pd.to_datetime(["2016-10-01", "2016-11-02", "2017-01-03"]).tz_localize("Asia/Shanghai"),
        "operators": pd.array([1, None, 3], dtype="Int64"),
    })
    fill_template(path, "accounts", frame)
    back = pd.read_excel(path, dtype={"账号ID": str})
    assert len(back) == 3
    assert list(back["单位类型"]) == ["县区", "县区", "开发区"]
    assert list(back["平台"]) == ["微博", "客户端", "微信"]
    assert list(back["账号ID"]) == ["0012", "app.hs", "gh_1"]  # leading zeros kept
    assert back["开通时间"].iloc[2] == pd.Timestamp("2017-01-03")


def test_unknown_table_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown table"):
        write_templates(tmp_path, ["postz"])


def test_cli_writes_templates_in_both_languages(tmp_path, capsys):
    try:
        assert cli.main(["templates", "--out", str(tmp_path / "zh"), "--tables", "posts"]) == 0
        assert "已生成 1 个Excel填报模板" in capsys.readouterr().out
        assert cli.main(["--lang", "en", "templates", "--out", str(tmp_path / "en")]) == 0
        out = capsys.readouterr().out
        assert "wrote 6 Excel templates" in out and "已生成" not in out
    finally:
        set_language("zh")
    assert (tmp_path / "zh" / "posts_发布信息.xlsx").exists()


# --- round trip: the generator's data typed into the templates ---------------------------------
_DIRT = {"missing_value", "bad_datetime", "bad_number", "bad_choice", "duplicate_key", "bad_row",
         "duplicates_removed", "unclaimed_file"}


def _comparable(problems: pd.DataFrame) -> list[tuple]:
    """Problems other than the generator's planted dirty rows, without file names and lines."""
    keep = problems[~problems["code"].isin(_DIRT)]
    msg = keep["message"].str.replace(r"第 [0-9、]+ 行等?", "", regex=True)
    return sorted(zip(keep["severity"], keep["code"], keep["table"].fillna(""), msg))


@pytest.mark.slow
def test_filled_templates_check_and_score_like_the_generator_csvs(tmp_path):
    from liuan_eval.preflight import preflight_check
    from liuan_eval.sample_data import generate_sample

    csv_dir, tpl_dir = tmp_path / "csv", tmp_path / "templates"
    sample = generate_sample(2025, seed=5, out=csv_dir, scale=0.1)
    assert cli.main(["templates", "--out", str(tpl_dir)]) == 0
    checked_csv = preflight_check(csv_dir, 2025)
    from_csv = checked_csv.dataset
    tables = dict(sample.tables)
    # the office's WeChat export writes some reads as "10万+", read back as 100000: type the same
    posts = tables["posts"].copy()
    tenk = from_csv.posts.loc[from_csv.posts["read_count"] == 100_000, "post_id"]
    posts.loc[posts["post_id"].isin(tenk) & (posts["platform"] == "wechat"), "read_count"] = 100_000
    tables["posts"] = posts
    for table, frame in tables.items():
        fill_template(tpl_dir / template_filename(table), table, frame)

    # check: nothing blocks, the same problems (the CSVs add only the generator's dirty rows)
    checked_tpl = preflight_check(tpl_dir, 2025)
    assert checked_csv.ok and checked_tpl.ok
    assert _comparable(checked_csv.problems) == _comparable(checked_tpl.problems)
    assert checked_csv.coverage.equals(checked_tpl.coverage)
    # the loaders read the filled templates back as the same tables, with nothing quarantined
    from_tpl = checked_tpl.dataset
    assert from_tpl.quarantine.empty
    for table in TABLES:
        key = list(TABLES[table])
        a = from_csv.table(table).sort_values(key, ignore_index=True)
        b = from_tpl.table(table).sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(a, b, obj=table)

    # score: identical output files
    assert cli.main(["score", "--data", str(csv_dir), "--year", "2025", "--out", str(tmp_path / "o1")]) == 0
    assert cli.main(["score", "--data", str(tpl_dir), "--year", "2025", "--out", str(tmp_path / "o2")]) == 0
    for name in ("findings.csv", "unit_scores.csv", "account_scores.csv"):
        x = pd.read_csv(tmp_path / "o1" / name, dtype=str)
        y = pd.read_csv(tmp_path / "o2" / name, dtype=str)
        assert len(x) > 0, name
        pd.testing.assert_frame_equal(x, y, obj=name)


def test_unchanged_templates_load_cleanly(tmp_path):
    from liuan_eval.io import load

    write_templates(tmp_path)
    ds = load(tmp_path, year=2025)
    assert ds.quarantine.empty, ds.quarantine.to_dict("records")
    for table in TABLES:
        frame = ds.table(table)
        assert len(frame) == 2, table
    assert sorted(ds.accounts["platform"]) == ["wechat", "weibo"]
    assert list(ds.filings["event"]) == ["open", "staff_change"]
    assert ds.posts["published_at"].iloc[0] == pd.Timestamp("2025-03-01 09:30", tz="Asia/Shanghai")
