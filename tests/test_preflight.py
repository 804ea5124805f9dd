"""The pre-flight check: planted problems are each listed with file, row and column."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from liuan_eval import cli
from liuan_eval.i18n import set_language
from liuan_eval.preflight import PROBLEM_COLUMNS, criteria_needing, preflight_check
from liuan_eval.templates import write_templates

ACCOUNTS = (
    "单位名称,单位类型,平台,账号ID,账号名称,开通时间\n"
    "金安区,县区,微博,1001,金安区人民政府发布,2016-10-08\n"       # line 2
    "金安区,县区,微信,gh_ja,金安区人民政府发布,2016-10-08\n"      # line 3
    "六安市教育局,市直部门,微博,2001,六安市教育局发布,2016-11-01\n"  # line 4: never posts
)


def _posts(header_time: str = "发布时间", months=range(1, 13), extra: str = "") -> str:
    rows = [f"账号ID,平台,信息ID,{header_time},内容"]
    for m in months:
        rows.append(f"1001,微博,w{m},2025-{m:02d}-05 09:00,通知{m}")
        rows.append(f"gh_ja,微信,x{m},2025-{m:02d}-06 10:00,文章{m}")
    return "\n".join(rows) + "\n" + extra


MESSAGES = (
    "留言编号,受理单位,留言时间,留言主题\n"
    "m1,金安区,2025-03-01 10:00,路灯不亮\n"        # line 2
    "m2,金安区,2025-02-30 10:00,噪音扰民\n"        # line 3: bad date
    "m3,霍邱县,2025-04-01 11:00,道路积水\n"        # line 4: unknown unit
    "m4,六安市教育局,2025-05-01 11:00,学校招生\n"    # line 5
    "m5,金安区政府办,2025-06-01 11:00,垃圾清运\n"   # line 6: matched approximately
)


def _write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """A misnamed column, a bad date, an unknown unit and missing tables."""
    return _write(tmp_path_factory.mktemp("planted"), accounts__csv=ACCOUNTS, posts__csv=_posts("发布日期"),
                  messages__csv=MESSAGES)


@pytest.fixture(scope="module")
def checked(planted):
    return preflight_check(planted, year=2025)


def _one(problems: pd.DataFrame, code: str) -> pd.Series:
    hits = problems[problems["code"] == code]
    assert len(hits) == 1, (code, hits.to_dict("records"))
    return hits.iloc[0]


def test_problem_table_columns(checked):
    r = checked
    assert list(r.problems.columns) == PROBLEM_COLUMNS
    assert set(r.problems["severity"]) <= {"blocking", "warning", "info"}


def test_misnamed_required_column_blocks_and_suggests(checked):
    r = checked
    p = _one(r.problems, "missing_column")
    assert (p["severity"], p["table"], p["file"], p["column"], p["suggestion"]) == (
        "blocking", "posts", "posts.csv", "发布日期", "发布时间")
    assert "发布日期" in p["message"] and "是否应为“发布时间”" in p["message"]
    assert r.exit_code == 1 and not r.ok


def test_bad_date_listed_with_row_and_column(checked):
    r = checked
    p = _one(r.problems, "bad_datetime")
    assert (p["table"], p["file"], p["row"], p["column"]) == ("messages", "messages.csv", 3, "留言时间")
    assert "2025-02-30 10:00" in p["message"] and p["severity"] == "warning"


def test_unknown_unit_listed_with_row(checked):
    r = checked
    p = _one(r.problems, "unknown_unit")
    assert (p["table"], p["file"], p["row"], p["column"]) == ("messages", "messages.csv", 4, "受理单位")
    assert "霍邱县" in p["message"] and p["severity"] == "warning"


def test_approximate_unit_match_is_shown(checked):
    r = checked
    p = _one(r.problems, "fuzzy_unit")
    assert (p["row"], p["suggestion"], p["severity"]) == (6, "金安区", "info")
    assert "金安区政府办" in p["message"]


def test_missing_tables_name_the_criteria_they_disable(checked):
    r = checked
    missing = r.problems[r.problems["code"] == "missing_table"]
    assert set(missing["table"]) == {"filings", "releases", "incidents"}
    assert set(missing["severity"]) == {"warning"}
    assert r.disabled_criteria["incidents"] == ["C16", "C17"]
    assert r.disabled_criteria["releases"] == ["C12"]
    inc = missing[missing["table"] == "incidents"].iloc[0]
    assert "C16、C17" in inc["message"]


def test_only_blocking_problems_fail(tmp_path):
    folder = _write(tmp_path / "ok", accounts__csv=ACCOUNTS, posts__csv=_posts(), messages__csv=MESSAGES)
    r = preflight_check(folder, year=2025)
    assert r.exit_code == 0 and r.ok
    assert {"bad_datetime", "unknown_unit", "missing_table"} <= set(r.problems["code"])


def test_missing_registry_blocks(tmp_path):
    folder = _write(tmp_path / "noacc", posts__csv=_posts())
    r = preflight_check(folder, year=2025)
    p = r.problems[(r.problems["code"] == "missing_table") & (r.problems["table"] == "accounts")].iloc[0]
    assert p["severity"] == "blocking" and r.exit_code == 1
    assert r.disabled_criteria["accounts"] == criteria_needing("accounts")


def test_missing_folder_blocks(tmp_path):
    r = preflight_check(tmp_path / "nowhere", year=2025)
    assert r.problems["code"].tolist() == ["no_folder"] and r.exit_code == 2  # a usage error, as elsewhere


def test_silent_account_and_coverage_gap(tmp_path):
    folder = _write(tmp_path / "gap", accounts__csv=ACCOUNTS, posts__csv=_posts(months=range(1, 7)))
    r = preflight_check(folder, year=2025)
    silent = _one(r.problems, "silent_account")
    assert (silent["file"], silent["row"]) == ("accounts.csv", 4)
    assert "六安市教育局发布" in silent["message"]
    gap = _one(r.problems, "coverage_gap")
    assert gap["table"] == "posts" and "7月、8月、9月、10月、11月、12月" in gap["message"]
    cov = r.coverage.set_index("table")
    assert int(cov.loc["posts", "rows_in_year"]) == 12 and int(cov.loc["posts", "months_in_year"]) == 6


def test_a_quarter_is_checked_against_its_own_months(tmp_path, capsys):
    folder = _write(tmp_path / "q", accounts__csv=ACCOUNTS, posts__csv=_posts(months=range(4, 6)))
    r = preflight_check(folder, period=("2025-04-01", "2025-06-30"))
    assert r.year == 2025 and r.period == "2025-04-01 至 2025-06-30"
    gap = _one(r.problems, "coverage_gap")
    assert "在 2025-04-01 至 2025-06-30 期间的 6月 没有任何记录" in gap["message"]
    assert "1月" not in gap["message"] and "7月" not in gap["message"]  # the year's other months are not asked for
    cov = r.coverage.set_index("table")
    assert int(cov.loc["posts", "rows_in_year"]) == 4 and int(cov.loc["posts", "months_in_year"]) == 2
    whole = preflight_check(folder, period=("2025-04-01", "2025-05-31"))
    assert "coverage_gap" not in set(whole.problems["code"])
    # across the new year: the months are named with their year
    span = preflight_check(folder, period=("2025-05-01", "2026-01-31"))
    assert "2026年1月" in _one(span.problems, "coverage_gap")["message"]
    assert "silent_account" in set(span.problems["code"])  # 六安市教育局发布 posts nothing in it
    # the command line: --period, --from/--to, and one way only
    assert cli.main(["check", "--data", str(folder), "--period", "2025Q2"]) == 0
    text = capsys.readouterr().out
    assert "（考核期间 2025-04-01 至 2025-06-30）" in text and "2025-04-01 至 2025-06-30 期间内 4 行" in text
    assert cli.main(["check", "--data", str(folder), "--from", "2025-04-01", "--to", "2025-05-31"]) == 0
    assert "没有任何记录" not in capsys.readouterr().out
    assert cli.main(["check", "--data", str(folder), "--year", "2025", "--period", "2025Q2"]) == 2


def test_unregistered_account_in_posts(tmp_path):
    extra = "9999,微博,z1,2025-03-03 08:00,未登记账号的信息\n"
    folder = _write(tmp_path / "unreg", accounts__csv=ACCOUNTS, posts__csv=_posts(extra=extra))
    r = preflight_check(folder, year=2025)
    p = _one(r.problems, "unregistered_account")
    assert (p["file"], p["row"], p["column"]) == ("posts.csv", 26, "账号ID")
    assert "9999" in p["message"]


def test_wrong_year_and_rows_outside_year(tmp_path):
    folder = _write(tmp_path / "yr", accounts__csv=ACCOUNTS, posts__csv=_posts())
    r = preflight_check(folder, year=2024)
    p = r.problems[(r.problems["code"] == "no_rows_in_year") & (r.problems["table"] == "posts")].iloc[0]
    assert p["suggestion"] == "--year 2025" and p["severity"] == "warning"
    inferred = preflight_check(folder)
    assert inferred.year == 2025 and "year_inferred" in set(inferred.problems["code"])


def test_misnamed_optional_column_is_a_warning_with_suggestion(tmp_path):
    posts = _posts().replace("内容", "点赞数量", 1)
    folder = _write(tmp_path / "opt", accounts__csv=ACCOUNTS, posts__csv=posts)
    r = preflight_check(folder, year=2025)
    p = _one(r.problems, "misnamed_column")
    assert (p["column"], p["suggestion"], p["severity"]) == ("点赞数量", "点赞数", "warning")


def test_template_example_rows_are_flagged(tmp_path):
    folder = tmp_path / "tpl"
    write_templates(folder, ["accounts", "posts"])
    r = preflight_check(folder, year=2025)
    ex = r.problems[r.problems["code"] == "template_example"]
    assert sorted(zip(ex["table"], ex["row"])) == [("accounts", 2), ("accounts", 3), ("posts", 2), ("posts", 3)]


def test_cli_chinese_and_english(planted, tmp_path, capsys):
    out_csv = tmp_path / "problems.csv"
    assert cli.main(["check", "--data", str(planted), "--year", "2025", "--out", str(out_csv)]) == 1
    text = capsys.readouterr().out
    assert "阻断" in text and "messages.csv 第 3 行" in text and "是否应为“发布时间”" in text
    saved = pd.read_csv(out_csv, encoding="utf-8-sig")
    assert list(saved.columns) == ["级别", "问题代码", "数据表", "文件", "行号", "列", "说明", "建议"]
    row = saved[saved["问题代码"] == "bad_datetime"].iloc[0]
    assert (row["级别"], row["数据表"], row["文件"], row["行号"], row["列"]) == (
        "警告", "网民留言", "messages.csv", 3, "留言时间")
    try:
        assert cli.main(["--lang", "en", "check", "--data", str(planted), "--year", "2025"]) == 1
        text = capsys.readouterr().out
        assert "BLOCKING" in text and "line 3" in text and "did you mean" in text
        assert "阻断" not in text
    finally:
        set_language("zh")


def test_limit_summarises_long_groups(tmp_path):
    bad = "".join(f"b{i},金安区,not a date {i},主题\n" for i in range(30))
    folder = _write(tmp_path / "many", accounts__csv=ACCOUNTS, posts__csv=_posts(),
                    messages__csv=MESSAGES + bad)
    r = preflight_check(folder, year=2025)
    assert (r.problems["code"] == "bad_datetime").sum() == 31
    short = r.to_text(limit=20)
    assert "同类问题另有 11 条" in short
    assert "同类问题另有" not in r.to_text(limit=None)


def test_text_shows_time_coverage(tmp_path):
    folder = _write(tmp_path / "cov", accounts__csv=ACCOUNTS, posts__csv=_posts(months=range(3, 6)))
    text = preflight_check(folder, year=2025).to_text()
    assert "各表时间覆盖：" in text
    assert "发布信息：6 行，2025-03-05 — 2025-05-06，2025 年内 6 行、3 个月有数据" in text


def test_unreadable_file_blocks_and_the_rest_is_still_checked(tmp_path):
    folder = _write(tmp_path / "broken", accounts__csv=ACCOUNTS, messages__csv=MESSAGES)
    (folder / "posts.xlsx").write_bytes(b"this is not a workbook")
    r = preflight_check(folder, year=2025)
    p = _one(r.problems, "unreadable_file")
    assert (p["severity"], p["table"], p["file"]) == ("blocking", "posts", "posts.xlsx")
    assert r.exit_code == 1
    assert "bad_datetime" in set(r.problems["code"])  # messages were loaded all the same
    assert r.dataset is None  # a partial data set is never handed on to be assessed


def test_rows_in_excel_templates_are_excel_row_numbers(tmp_path):
    from openpyxl import load_workbook

    from liuan_eval.templates import template_filename

    write_templates(tmp_path, ["accounts", "posts"])
    path = tmp_path / template_filename("posts")
    wb = load_workbook(path)
    ws = wb["发布信息"]
    col = [c.value for c in ws[1]].index("发布时间") + 1
    ws.cell(3, col).value = "2025年2月30日"
    wb.save(path)
    r = preflight_check(tmp_path, year=2025)
    p = _one(r.problems, "bad_datetime")
    assert (p["file"], p["row"], p["column"]) == (template_filename("posts"), 3, "发布时间")


@pytest.mark.real_data
def test_raw_weibo_export_needs_an_account_column(shared_data, tmp_path):
    """A real, untouched Weibo export dropped into the folder: no account column, a stray 序号."""
    raw = shared_data / "gov_weibo_raw" / "北京暴雨" / "中国气象局.csv"
    folder = _write(tmp_path / "real", accounts__csv=ACCOUNTS)
    (folder / "posts_weibo_中国气象局.csv").symlink_to(raw)
    r = preflight_check(folder, year=2012)
    p = _one(r.problems, "missing_column")
    assert (p["severity"], p["table"], p["suggestion"]) == ("blocking", "posts", "账号ID")
    extra = r.problems[r.problems["code"] == "unknown_column"]
    assert "序号" in set(extra["column"])
    assert "platform" not in " ".join(r.problems["message"])  # the file name says weibo


def test_a_failing_check_does_not_hide_the_others(planted, monkeypatch):
    from liuan_eval import preflight

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(preflight, "_unit_problems", broken)
    r = preflight.preflight_check(planted, year=2025)
    p = _one(r.problems, "check_failed")
    assert "boom" in p["message"] and p["severity"] == "warning"
    assert {"missing_column", "bad_datetime", "missing_table"} <= set(r.problems["code"])


def test_each_file_is_read_once_and_the_load_matches(tmp_path, monkeypatch):
    """The check hands what it read to the load: one read per file, the same tables as load()."""
    import liuan_eval.io as io
    from liuan_eval.sample_data import generate_sample

    folder = tmp_path / "sample"
    generate_sample(year=2025, seed=3, out=folder, scale=0.05)
    expected = io.load(folder, year=2025)
    import liuan_eval.raw as raw

    reads: list[Path] = []
    real = raw.read_raw

    def counting(path, table):
        reads.append(Path(path))
        return real(path, table)

    monkeypatch.setattr(raw, "read_raw", counting)  # what the check calls
    monkeypatch.setattr(io, "read_raw", counting)  # what the load would call
    result = preflight_check(folder, year=2025)
    assert sorted(reads) == sorted(set(reads)) and len(reads) >= 6
    for table in ("accounts", "posts", "messages"):
        pd.testing.assert_frame_equal(getattr(result.dataset, table), getattr(expected, table))


# --- real exports: the check never crashes on what it checks, and names what it saw ------------------
def test_many_problems_of_one_kind_without_a_column_are_capped_not_a_crash(tmp_path):
    """21 registered accounts without posts once crashed the summary (KeyError in the grouping)."""
    rows = [f"金安区,县区,微博,{3000 + i},账号{i},2016-10-08" for i in range(25)]
    accounts = ACCOUNTS + "\n".join(rows) + "\n"
    folder = _write(tmp_path / "many", accounts__csv=accounts, posts__csv=_posts())
    r = preflight_check(folder, year=2025)
    text = r.to_text()
    assert (r.problems["code"] == "silent_account").sum() == 26
    assert "同类问题另有 6 条" in text
    assert cli.main(["check", "--data", str(folder), "--year", "2025"]) == 0


def test_an_empty_incidents_file_warns_like_a_missing_one(tmp_path):
    for content in ("", "事件编号,涉事单位,事件类型,开始时间\n"):
        folder = _write(tmp_path / f"e{len(content)}", accounts__csv=ACCOUNTS, posts__csv=_posts(),
                        incidents__csv=content)
        r = preflight_check(folder, year=2025)
        assert r.ok, r.problems[r.problems["severity"] == "blocking"]
        inc = r.problems[r.problems["table"] == "incidents"]
        assert (inc["severity"] == "warning").any() and not (inc["severity"] == "blocking").any()


def test_ids_that_excel_mangled_are_restored_and_named_the_same_way_as_scoring_sees_them(tmp_path):
    from liuan_eval.scoring import score

    accounts = ACCOUNTS.replace("1001", "3456789012345678") + "金安区,县区,客户端,0012345,金安区人民政府,2016-10-08\n"
    posts = _posts().replace("1001,", "3.45679E+15,") + "12345,客户端,a1,2025-03-03 08:00,客户端信息\n"
    folder = _write(tmp_path / "ids", accounts__csv=accounts, posts__csv=posts)
    r = preflight_check(folder, year=2025)
    restored = r.problems[r.problems["code"] == "ids_restored"]
    assert len(restored) == 2 and set(restored["row"].astype(int)) == {2, 26}
    assert "3.45679E+15" in " ".join(restored["message"])
    assert not (r.problems["code"] == "unregistered_account").any()
    a = score(r.dataset, year=2025)
    assert not (a.findings["criterion"] == "C02").any() or not a.findings.loc[
        a.findings["criterion"] == "C02", "explanation"].str.contains("不在账号登记表").any()


def test_ids_that_cannot_be_restored_are_named_with_their_lines(tmp_path):
    posts = _posts().replace("1001,微博,w3,", "9.87654E+15,微博,w3,")
    folder = _write(tmp_path / "ids2", accounts__csv=ACCOUNTS, posts__csv=posts)
    r = preflight_check(folder, year=2025)
    bad = r.problems[r.problems["code"] == "mangled_id"]
    assert bad[["file", "row", "column"]].values.tolist() == [["posts.csv", 6, "账号ID"]]


def test_workbook_sheets_and_title_rows_are_named_in_the_check(tmp_path):
    import openpyxl

    folder = _write(tmp_path / "wb", accounts__csv=ACCOUNTS)
    wb = openpyxl.Workbook()
    lines = _posts().splitlines()
    for title, rows in (("1-6月", lines[1:13]), ("7-12月", lines[13:])):
        ws = wb.create_sheet(title)
        ws.append(["2025年政务新媒体发布统计表"])
        ws.append(lines[0].split(","))
        for row in rows:
            ws.append(row.split(","))
    wb.remove(wb.worksheets[0])
    wb.save(folder / "posts.xlsx")
    r = preflight_check(folder, year=2025)
    assert r.ok
    notes = r.problems[r.problems["code"] == "title_rows"]
    assert set(notes["file"]) == {"posts.xlsx[1-6月]", "posts.xlsx[7-12月]"}
    assert set(r.files["file"]) >= {"posts.xlsx[1-6月]", "posts.xlsx[7-12月]"}
    assert len(r.dataset.posts) == 24


def test_a_file_given_for_the_data_folder_is_named_a_file(tmp_path):
    folder = _write(tmp_path / "given", accounts__csv=ACCOUNTS)
    r = preflight_check(folder / "accounts.csv", year=2025)
    (p,) = r.problems.to_dict("records")
    assert p["severity"] == "blocking" and r.exit_code == 2
    assert "不存在" not in p["message"] and "是文件，不是文件夹" in p["message"] and "--data" in p["message"]
    assert p["suggestion"] == str(folder)


def test_a_hidden_sheet_is_noted_on_the_workbook_not_on_a_visible_sheet(tmp_path):
    import openpyxl

    folder = _write(tmp_path / "hid", accounts__csv=ACCOUNTS)
    wb = openpyxl.Workbook()
    lines = _posts().splitlines()
    for title, rows in (("1-6月", lines[1:13]), ("7-12月", lines[13:]), ("旧数据", lines[1:3])):
        ws = wb.create_sheet(title)
        ws.append(lines[0].split(","))
        for row in rows:
            ws.append(row.split(","))
    wb["旧数据"].sheet_state = "hidden"
    wb.remove(wb.worksheets[0])
    wb.save(folder / "posts_video.xlsx")
    r = preflight_check(folder, year=2025)
    hidden = r.problems[r.problems["code"] == "hidden_sheet"]
    assert hidden["file"].tolist() == ["posts_video.xlsx"] and "旧数据" in hidden["message"].iloc[0]
    assert len(r.dataset.posts) == 24


def test_data_files_in_a_sub_folder_are_named_not_silently_skipped(tmp_path):
    folder = _write(tmp_path / "sub", accounts__csv=ACCOUNTS, posts__csv=_posts())
    _write(folder / "金安区", posts_weibo__csv=_posts(), notes__txt="x")
    r = preflight_check(folder, year=2025)
    p = _one(r.problems, "files_in_subfolder")
    assert p["severity"] == "warning" and "金安区/posts_weibo.csv" in p["message"] and "未读取" in p["message"]
    assert "files_in_subfolder" not in set(preflight_check(_write(tmp_path / "flat", accounts__csv=ACCOUNTS,
                                                                  posts__csv=_posts()), year=2025).problems["code"])
