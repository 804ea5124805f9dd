"""Readers: every format, every dirty-row kind, the row accounting, errors, the CLI, real data."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from liuan_eval.io import (
    InputError,
    find_table_files,
    load,
    map_headers,
    parse_counts,
    parse_datetimes,
    read_table,
)
from liuan_eval.schemas import LOAD_REPORT_COLUMNS, QUARANTINE_COLUMNS, column_names

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
IDNO = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
TZ = "Asia/Shanghai"

WEIBO_HEADER = "序号,微博内容,发布时间,转发数,评论数,点赞数,设备源,微博ID\n"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def identity_holds(report: pd.DataFrame) -> bool:
    r = report
    return bool((r["rows_read"] == r["rows_clean"] + r["rows_quarantined"] + r["duplicates_removed"]).all())


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# --- encodings and formats ------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    body = WEIBO_HEADER + '1,"\n   六安发布：暴雨预警\u200b\u200b  ",2012-8-31 21:59, 转发 ,评论,赞,微博 weibo.com,Ab1\n'
    if encoding == "gbk":
        body = body.replace("\u200b", "")
    f = write(tmp_path / "六安发布.csv", body, encoding)
    t = read_table("posts", f, platform="微博", account_from_filename=True)
    row = t.data.iloc[0]
    assert row["text"] == "六安发布：暴雨预警"  # NFKC, but Chinese full-width punctuation is kept
    assert row["published_at"] == ts("2012-08-31 21:59")
    assert (row["repost_count"], row["comment_count"], row["like_count"]) == (0, 0, 0)
    assert row["account"] == "六安发布" and row["account_id"] == "六安发布" and row["platform"] == "weibo"


def test_excel_with_real_datetimes_serials_and_text(tmp_path):
    f = tmp_path / "accounts.xlsx"
    df = pd.DataFrame({
        "单位名称": ["金安区", "六安市教育局", "裕安区"],
        "单位类型": ["县区", "市直部门", "县（区）"],
        "平台": ["新浪微博", "微信公众号", "客户端"],
        "账号ID": ["1234567890", "gh_abc", "com.liuan.app"],
        "账号名称": ["金安发布", "六安教育", "裕安APP"],
        "开通时间": [pd.Timestamp("2016-10-08"), 42651, "2016年10月8日"],
        "运维人员数": [2, "-1", "3"],
    })
    df.to_excel(f, index=False)
    t = read_table("accounts", f)
    assert len(t.data) == 3 and t.quarantine.empty
    assert t.data["opened_at"].tolist() == [ts("2016-10-08")] * 3
    assert t.data["unit_type"].tolist() == ["county", "department", "county"]
    assert t.data["platform"].tolist() == ["weibo", "wechat", "app"]
    assert t.data["operators"].tolist()[0] == 2 and pd.isna(t.data["operators"].iloc[1])


def test_excel_line_numbers_are_sheet_rows(tmp_path):
    f = tmp_path / "filings.xlsx"
    pd.DataFrame({"单位名称": ["金安区", "裕安区", "霍山县"], "报备事项": ["开设", "迁移", "关闭"],
                  "生效日期": ["2025-03-01", "2025-03-02", "2025-03-03"],
                  "报备时间": ["2025-03-02", "2025-03-03", "bad"]}).to_excel(f, index=False)
    t = read_table("filings", f)
    assert t.quarantine[["line", "column", "reason"]].values.tolist() == [
        [3, "event", "bad_choice"], [4, "filed_at", "bad_datetime"]]
    assert identity_holds(t.report)


def test_parquet_typed_columns(tmp_path):
    f = tmp_path / "posts_app.parquet"
    pd.DataFrame({
        "account_id": ["A1", "A1", "A1"], "platform": ["app"] * 3, "post_id": ["p1", "p2", "p3"],
        "published_at": pd.Series([1740792600000, 1740792660000, 1740792720000], dtype="int64"),
        "text": ["一", "二", "三"], "read_count": pd.Series([10, None, -1], dtype="Int64"),
        "is_repost": pd.Series([True, False, None], dtype="boolean"),
    }).to_parquet(f, index=False)
    t = read_table("posts", f)
    assert t.data["published_at"].iloc[0] == pd.Timestamp(1740792600000, unit="ms", tz="UTC").tz_convert(TZ)
    assert t.data["read_count"].tolist()[0] == 10 and pd.isna(t.data["read_count"].iloc[2])
    assert t.data["is_repost"].tolist()[:2] == [True, False]


def test_parquet_with_datetime_column(tmp_path):
    f = tmp_path / "releases.parquet"
    pd.DataFrame({"release_id": ["R1"], "issuing_account": ["六安发布"],
                  "published_at": pd.to_datetime(["2025-05-06 10:00"]), "title": ["报告"]}).to_parquet(f)
    t = read_table("releases", f)
    assert t.data["published_at"].iloc[0] == ts("2025-05-06 10:00")


# --- value parsers -------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("2012-8-31 21:59", "2012-08-31 21:59"),
    ("2016/11/24 9:30", "2016-11-24 09:30"),
    ("2016年11月24日 09:30", "2016-11-24 09:30"),
    ("2016年11月24日", "2016-11-24 00:00"),
    ("2019/4/25 9:32:09", "2019-04-25 09:32:09"),
    ("2025-03-01T09:30:00+08:00", "2025-03-01 09:30"),
    ("2025-03-01T01:30:00Z", "2025-03-01 09:30"),
    ("42651", "2016-10-08 00:00"),
    ("42651.5", "2016-10-08 12:00"),
    ("1740792600", "2025-03-01 09:30"),
    ("1740792600000", "2025-03-01 09:30"),
    ("20250301", "2025-03-01 00:00"),
    ("２０２５－０３－０１ ０９：３０", "2025-03-01 09:30"),
    ("Sat Mar 01 09:30:00 +0800 2025", "2025-03-01 09:30"),
    ("Sat Mar 01 01:30:00 +0000 2025", "2025-03-01 09:30"),
    ("2025-03-01T09:30:00.5", "2025-03-01 09:30:00.5"),
    ("2025年3月5日 14点05分", "2025-03-05 14:05"),
    ("2025年3月5日9点", "2025-03-05 09:00"),
])
def test_datetime_formats(raw, expected):
    got, bad = parse_datetimes(pd.Series([raw]))
    assert not bad.iloc[0]
    assert got.iloc[0] == ts(expected)
    assert str(got.dtype) == "datetime64[ns, Asia/Shanghai]"


@pytest.mark.parametrize("raw", ["2025-13-45 25:61", "昨天", "not a date", "2025-02-30 10:00",
                                 "0000-00-00", "上周五", "99999999999999999999", "1850-01-01"])
def test_garbage_dates_fail(raw):
    got, bad = parse_datetimes(pd.Series([raw]))
    assert bad.iloc[0] and pd.isna(got.iloc[0])


def test_yearless_dates_roll_back_in_a_newest_first_export():
    s = pd.Series(["1月3日 10:00", "1月1日 08:00", "12月31日 23:00", "12月30日 09:00", "2016-12-01 10:00"])
    got, bad = parse_datetimes(s, year_hint=2017)
    assert not bad.any()
    assert got.tolist() == [ts("2017-01-03 10:00"), ts("2017-01-01 08:00"), ts("2016-12-31 23:00"),
                            ts("2016-12-30 09:00"), ts("2016-12-01 10:00")]


def test_yearless_dates_roll_forward_in_an_oldest_first_export():
    s = pd.Series(["12月29日 09:00", "12月30日 09:00", "12月31日 23:00", "1月1日 08:00", "1月3日 10:00"])
    got, _ = parse_datetimes(s, year_hint=2016)
    assert got.dt.year.tolist() == [2016, 2016, 2016, 2017, 2017]


def test_counts():
    v, bad = parse_counts(pd.Series(["转发", "评论", "赞", "-1", "1.2万", "10万+", "1,234", "\t7\u200b",
                                     "很多", "3.5", "-5", "", None, "2.0"]))
    assert v.tolist()[:8] == [0, 0, 0, pd.NA, 12000, 100000, 1234, 7]
    assert bad.tolist() == [False] * 8 + [True, True, True, False, False, False]
    assert v.iloc[13] == 2


# --- dirty rows, line numbers and the row accounting ---------------------------------------------
def test_every_dirty_row_kind_with_spreadsheet_lines(tmp_path):
    rows = [
        'Ab1,六安发布,微博,"第一条\n跨两行",2025-03-01 09:30,3',    # 2-3 (spans two physical lines)
        'Ab2,六安发布,微博,第二条,2025-03-01 10:30,很多',            # 4 bad_number
        'Ab3,六安发布,门户网站,第三条,2025-03-01 11:30,1',           # 5 bad_choice
        ',六安发布,微博,没有ID,2025-03-01 12:30,1',                  # 6 missing_value
        'Ab5,六安发布,微博,第五条,昨天,1',                            # 7 bad_datetime
        'Ab1,六安发布,微博,第一条（更正）,2025-03-01 09:30,3',        # 8 duplicate_key
        'Ab2,六安发布,微博,第二条,2025-03-01 10:30,很多',            # 9 same bad row again: quarantined too
        'Ab6,六安发布,微博,第六条,2025-03-01 13:30,0',               # 10 clean
        'Ab6,六安发布,微博,第六条,2025-03-01 13:30,0',               # 11 exact duplicate
        'Ab7,六安发布,微博,第七条,2025-03-01 14:30,1,多出来的一列',   # 12 long_row
        'Ab8,六安发布,微博,,2025-03-01 15:30,0',                     # 13 image-only post: clean
    ]
    f = write(tmp_path / "posts.csv", "微博ID,账号名称,平台,微博内容,发布时间,转发数\n" + "\n".join(rows) + "\n")
    t = read_table("posts", f)
    q = t.quarantine
    assert list(q.columns) == QUARANTINE_COLUMNS
    got = q[["line", "column", "reason"]].values.tolist()
    assert got == [[4, "repost_count", "bad_number"], [5, "platform", "bad_choice"],
                   [6, "post_id", "missing_value"], [7, "published_at", "bad_datetime"],
                   [8, "post_id", "duplicate_key"], [9, "repost_count", "bad_number"],
                   [12, "", "long_row"]]
    assert q.loc[q["reason"] == "bad_number", "value"].iloc[0] == "很多"
    assert "多出来的一列" in q.loc[q["reason"] == "long_row", "value"].iloc[0]
    assert t.data["post_id"].tolist() == ["Ab1", "Ab6", "Ab8"]
    assert t.data["text"].iloc[0] == "第一条\n跨两行"
    assert pd.isna(t.data["text"].iloc[2])
    r = t.report.iloc[0]
    assert (r.rows_read, r.rows_clean, r.rows_quarantined, r.duplicates_removed) == (11, 3, 7, 1)
    assert list(t.report.columns) == LOAD_REPORT_COLUMNS
    assert identity_holds(t.report)


def test_identity_per_file_and_per_table_and_duplicates_across_files(tmp_path):
    a = write(tmp_path / "messages_a.csv", "留言编号,留言时间,留言主题\n1,2025-01-02 10:00,甲\n2,bad,乙\n"
              "3,2025-01-03 10:00,丙\n", "gb18030")
    b = write(tmp_path / "messages_b.csv", "留言编号,留言时间,留言主题\n3,2025-01-03 10:00,丙\n"
              "3,2025-01-03 10:00,丁\n4,2025-01-04 10:00,戊\n\n\n", "utf-8-sig")
    t = read_table("messages", [a, b])
    rep = t.report.set_index(t.report["file"].str.rsplit("/", n=1).str[-1])
    assert rep.loc["messages_a.csv", ["rows_read", "rows_clean", "rows_quarantined", "duplicates_removed"]].tolist() == [3, 2, 1, 0]
    assert rep.loc["messages_b.csv", ["rows_read", "rows_clean", "rows_quarantined", "duplicates_removed"]].tolist() == [3, 1, 1, 1]
    assert identity_holds(t.report)
    total = t.report[["rows_read", "rows_clean", "rows_quarantined", "duplicates_removed"]].sum()
    assert total.rows_read == len(t.data) + len(t.quarantine) + total.duplicates_removed
    assert t.data["message_id"].tolist() == ["1", "3", "4"]


def test_padded_cells_are_trimmed(tmp_path):
    f = write(tmp_path / "m.csv", '留言编号,留言时间,留言详情\n"\t 7 \u200b","\n2025-01-02 10:00 ","\n\t\t\t正文\n\t\t"\n')
    t = read_table("messages", f)
    assert t.data[["message_id", "text"]].values.tolist() == [["7", "正文"]]


# --- headers and unusable files ------------------------------------------------------------------
def test_map_headers():
    hm = map_headers("messages", ["留言编号", "留言用户", "留言主题", "留言日期 ", "答复意见", "奇怪的列", "Title"])
    assert hm.mapping == {"留言编号": "message_id", "留言用户": "user", "留言主题": "title",
                          "留言日期 ": "received_at", "答复意见": "reply_text"}
    assert hm.missing_required == []
    assert hm.unknown == ["奇怪的列", "Title"]  # a second header for "title" is not taken


def test_map_headers_suggests_the_closest_name():
    hm = map_headers("posts", ["微博ID", "发布日期", "微博内容", "账号"])
    assert hm.missing_required == ["platform", "published_at"]
    assert hm.suggestions["发布日期"] == "发布时间"
    assert hm.suggestions["published_at"] == "发布日期"


def test_missing_required_columns_is_one_error_listing_all(tmp_path):
    f = write(tmp_path / "releases.csv", "编号,标题党,发布日期\nR1,x,2025-01-01\n")
    with pytest.raises(InputError) as ei:
        read_table("releases", f)
    e = ei.value
    assert e.file == str(f)
    assert {p["column"].split(" ")[0] for p in e.problems} == {"发布账号", "标题"}
    msg = e.developer_text
    assert str(f) in msg and "编号, 标题党, 发布日期" in msg  # the columns found
    assert "首发账号" in msg and "信息标题" in msg  # the accepted aliases
    assert "发布账号" in str(e)


@pytest.mark.parametrize("content", [b"", b"   \n"])
def test_an_empty_file_is_an_empty_table_with_a_note(tmp_path, content):
    f = tmp_path / "posts.csv"
    f.write_bytes(content)
    t = read_table("posts", f, platform="weibo", account="x")
    assert t.data.empty and t.report["rows_read"].tolist() == [0]
    assert [n["code"] for n in t.notes] == ["empty_file"]


def test_a_file_without_a_usable_header_raises_input_error(tmp_path):
    f = tmp_path / "posts.csv"
    f.write_bytes(b"\xff\xfe\x00\xd8\x00")
    with pytest.raises(InputError):
        read_table("posts", f, platform="weibo", account="x")


def test_header_only_file_is_empty_table(tmp_path):
    f = write(tmp_path / "releases.csv", "编号,发布账号,发布时间,标题\n")
    t = read_table("releases", f)
    assert t.data.empty and list(t.data.columns) == column_names("releases")
    assert t.report["rows_read"].tolist() == [0]


def test_unclosed_quote_is_accounted_for(tmp_path):
    f = write(tmp_path / "m.csv", '留言编号,留言时间,留言主题\n1,2025-01-02 10:00,甲\n2,2025-01-02 11:00,"乙\n'
              '3,2025-01-02 12:00,丙\n')
    t = read_table("messages", f)
    assert identity_holds(t.report)
    # the stray quote costs its own line only: the next record is read, on its own line number
    assert t.data["message_id"].tolist() == ["1", "3"]
    assert t.quarantine[["line", "reason"]].values.tolist() == [[3, "unclosed_quote"]]
    assert t.provenance["line"].tolist() == [2, 4]


# --- registry, folders, PII -------------------------------------------------------------------------
def test_registry_matches_units_and_fills_posts(tmp_path):
    write(tmp_path / "accounts.csv", "单位名称,单位类型,平台,账号ID,账号名称,开通时间\n"
          "金安区,县区,微博,111,金安发布,2016-01-01\n六安市教育局,市直部门,微信,gh_1,六安教育,2016-01-01\n")
    write(tmp_path / "posts_weibo.csv", "账号名称,微博ID,发布时间,微博内容\n金安发布,w1,2025-01-01 10:00,你好\n")
    write(tmp_path / "messages.csv", "留言编号,受理单位,留言时间\n1,教育局,2025-01-02 10:00\n2,金安区,2025-01-02 10:00\n"
          "3,火星局,2025-01-02 10:00\n")
    ds = load(tmp_path, year=2025)
    assert ds.posts[["account_id", "platform", "unit"]].values.tolist() == [["111", "weibo", "金安区"]]
    assert ds.messages["unit"].tolist() == ["六安市教育局", "金安区", "火星局"]
    assert ds.messages["unit_match_score"].tolist() == [95.0, 100.0, 0.0]
    assert ds.filings is None and ds.incidents is None
    assert identity_holds(ds.load_report) and set(ds.load_report["table"]) == {"accounts", "posts", "messages"}


def test_find_table_files_ignores_other_files(tmp_path):
    for name in ["posts_weibo.csv", "发布信息.xlsx", "truth.json", "labels.csv", "postscript.csv", "~$posts.xlsx"]:
        (tmp_path / name).write_text("x")
    assert [p.name for p in find_table_files(tmp_path, "posts")] == ["posts_weibo.csv", "发布信息.xlsx"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from liuan_eval.sample_data import generate_sample

    out = tmp_path_factory.mktemp("sample")
    generate_sample(2025, seed=11, out=out, scale=0.2)
    return out


@pytest.mark.slow
def test_load_sample_matches_the_generators_truth(sample):
    ds = load(sample, year=2025)
    truth = json.loads((sample / "truth.json").read_text(encoding="utf-8"))["dirty_rows"]
    q = ds.quarantine.assign(file=ds.quarantine["file"].str.rsplit("/", n=1).str[-1])
    got = sorted(map(tuple, q[["file", "line", "reason"]].astype(str).values.tolist()))
    want = sorted((r["file"], str(r["line"]), r["reason"]) for r in truth["quarantine"])
    assert got == want
    dups = ds.load_report.groupby("table")["duplicates_removed"].sum()
    assert {k: int(v) for k, v in dups.items() if v} == truth["duplicates"]
    rows = ds.load_report.assign(f=ds.load_report["file"].str.rsplit("/", n=1).str[-1]).set_index("f")["rows_read"]
    assert {k: int(v) for k, v in rows.items()} == truth["rows"]
    assert identity_holds(ds.load_report)
    for name, df in ds.tables().items():
        assert df is not None and list(df.columns[:len(column_names(name))]) == column_names(name)
    assert not ds.posts["text"].fillna("").str.contains("<p>|&nbsp;|發佈|\u200b").any()


@pytest.mark.slow
def test_no_mobile_or_id_number_reaches_any_output(sample, tmp_path):
    from liuan_eval.cli import main

    raw = (sample / "messages.csv").read_text(encoding="utf-8-sig")
    assert MOBILE.search(raw) and IDNO.search(raw)  # the sample does plant them
    assert main(["ingest", "messages", str(sample / "messages.csv"), "--out", str(tmp_path / "m.csv")]) == 0
    for f in tmp_path.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        assert not MOBILE.search(text) and not IDNO.search(text), f.name
    # a workbook name for the CSV output is refused, not written as CSV text in a .xlsx file
    assert main(["ingest", "messages", str(sample / "messages.csv"), "--out", str(tmp_path / "m.xlsx")]) == 2
    assert not (tmp_path / "m.xlsx").exists()


# --- CLI --------------------------------------------------------------------------------------------
def test_cli_ingest_writes_table_and_quarantine(tmp_path, capsys):
    from liuan_eval.cli import main

    f = write(tmp_path / "平安六安.csv", WEIBO_HEADER + "1,文字,9月30日 23:00,-1,评论,赞,微博,A1\n"
              "2,文字二,9月29日 08:00,2,1,1,微博,A2\n3,坏的,9月99日 08:00,2,1,1,微博,A3\n", "gb18030")
    out = tmp_path / "out" / "posts.csv"
    rc = main(["ingest", "posts", str(f), "--out", str(out), "--platform", "weibo",
               "--account-from-filename", "--year-hint", "2017"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "3 read, 2 clean, 1 quarantined, 0 duplicates" in printed and "读取 3 行" in printed
    got = pd.read_csv(out, dtype=str)
    assert got["published_at"].tolist() == ["2017-09-30T23:00:00+08:00", "2017-09-29T08:00:00+08:00"]
    assert got["account"].tolist() == ["平安六安"] * 2 and got["account_id"].tolist() == ["平安六安"] * 2
    assert pd.isna(got["repost_count"].iloc[0])
    q = pd.read_csv(tmp_path / "out" / "posts.quarantine.csv", dtype=str)
    assert q[["line", "reason", "reason_text"]].values.tolist() == [["4", "bad_datetime", "日期时间无法识别"]]
    from liuan_eval.i18n import set_language

    try:
        assert main(["--lang", "en", "ingest", "posts", str(f), "--out", str(out), "--platform", "weibo",
                     "--account-from-filename", "--year-hint", "2017"]) == 0
        printed = capsys.readouterr().out
        assert "3 read, 2 clean" in printed and "读取" not in printed
    finally:
        set_language("zh")


def test_cli_ingest_unusable_file_exits_non_zero(tmp_path, capsys):
    from liuan_eval.cli import main

    f = write(tmp_path / "m.csv", "编号,内容\n1,x\n")
    rc = main(["ingest", "messages", str(f), "--out", str(tmp_path / "o.csv")])
    assert rc != 0
    err = capsys.readouterr().err
    assert "留言时间" in err and str(f) in err
    assert not (tmp_path / "o.csv").exists()


# --- property test -----------------------------------------------------------------------------------
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_cell = st.one_of(
    st.sampled_from(["", " ", "赞", "-1", "10万+", "2025-01-02 10:00", "9月30日 23:00", "45000", "昨天",
                     "\u200b", '"', "\n", ",", "微博", "抖音", "1e400", "NaN", "0000-00-00"]),
    st.text(max_size=20),
    st.text(alphabet="0123456789-/: 年月日", max_size=20),
)
_row = st.lists(_cell, min_size=0, max_size=6)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(header=st.lists(st.sampled_from(["留言编号", "留言时间", "留言主题", "点赞数", "答复时间", "是否属本单位职责",
                                        "平台", "奇怪", ""]), min_size=0, max_size=7),
       rows=st.lists(_row, max_size=12),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]),
       huge=st.booleans())
def test_malformed_files_never_crash_and_rows_add_up(tmp_path, header, rows, encoding, huge):
    lines = [",".join(header)] + [",".join(r) for r in rows]
    if huge and rows:
        lines.append("1,2025-01-02 10:00," + "长" * 200_000)
    text = "\n".join(lines)
    f = tmp_path / "messages.csv"
    try:
        f.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        f.write_bytes(text.encode("utf-8", errors="replace")[::-1])  # garbage bytes
    try:
        t = read_table("messages", f)
    except InputError as e:
        assert e.problems and str(e)
        return
    assert identity_holds(t.report)
    r = t.report.iloc[0]
    assert r.rows_clean == len(t.data) and r.rows_quarantined == len(t.quarantine)
    assert t.data["message_id"].notna().all() and t.data["received_at"].notna().all()


# --- real data ----------------------------------------------------------------------------------------
YEARS = {"北京暴雨": 2012, "昆明火车站": 2014, "东方之星": 2015, "九寨沟7.0级地震": 2017}


@pytest.mark.real_data
@pytest.mark.slow
def test_all_65_real_weibo_exports(shared_data):
    raw = shared_data / "gov_weibo_raw"
    files = sorted(raw.glob("*/*.csv"))
    assert len(files) == 65
    total_read = total_clean = 0
    for event, year in YEARS.items():
        group = sorted((raw / event).glob("*.csv"))
        t = read_table("posts", group, platform="weibo", account_from_filename=True, year_hint=year)
        assert identity_holds(t.report)
        assert t.quarantine.empty, t.quarantine.head()
        assert t.data["published_at"].dt.year.isin([year - 1, year]).all()
        assert set(t.data["account"]) == {f.stem for f in group}
        total_read += int(t.report["rows_read"].sum())
        total_clean += len(t.data)
        if year == 2017:
            one = pd.read_csv(group[0], encoding="gb18030", dtype=str)
            first = t.data[t.data["account"] == group[0].stem].iloc[0]
            assert first["post_id"] == one["微博ID"].iloc[0].strip()
    assert total_read == total_clean == 68951


@pytest.mark.real_data
def test_real_messages_with_replies(shared_data):
    t = read_table("messages", shared_data / "gov_messages" / "messages_replies.csv")
    assert len(t.data) == 2816 and t.quarantine.empty
    assert t.data[["message_id", "received_at", "replied_at"]].notna().all().all()
    assert t.data.loc[t.data["message_id"] == "2549", "received_at"].iloc[0] == ts("2019-04-25 09:32:09")
    assert not t.data["text"].str.startswith(("\n", "\t")).any()


def test_yearless_dates_without_a_hint_leave_a_caveat(tmp_path):
    f = write(tmp_path / "p.csv", "微博ID,发布时间\n1,9月30日 23:00\n")
    t = read_table("posts", f, platform="weibo", account="x")
    assert len(t.data) == 1 and len(t.caveats) == 1 and "published_at" in t.caveats[0]
    assert not read_table("posts", f, platform="weibo", account="x", year_hint=2017).caveats


def test_no_files_is_an_empty_table():
    t = read_table("posts", [])
    assert t.data.empty and list(t.data.columns[:3]) == ["account_id", "account", "platform"]
    assert t.report.empty and t.quarantine.empty


def _one_unit_weibo_and_wechat() -> pd.DataFrame:
    """金安区's Weibo (111) and WeChat (wx111) accounts, both named 金安区人民政府发布."""
    return pd.DataFrame({"unit": ["金安区"] * 2, "unit_type": ["county"] * 2, "platform": ["weibo", "wechat"],
                         "account_id": ["111", "wx111"], "account_name": ["金安区人民政府发布"] * 2,
                         "opened_at": [pd.Timestamp("2016-10-08", tz=TZ)] * 2})


def test_posts_named_by_account_get_the_registry_id_of_their_platform(tmp_path):
    """A unit's Weibo and WeChat accounts share one name: the platform decides the id, and an
    id given in the file is kept even when the registry does not know it (C02)."""
    reg = _one_unit_weibo_and_wechat()
    f = write(tmp_path / "posts.csv", "account,account_id,platform,post_id,published_at,text\n"
              "金安区人民政府发布,,wechat,w0,2025-01-01 09:00,微信\n"
              "金安区人民政府发布,,weibo,b0,2025-01-01 10:00,微博\n"
              "金安区人民政府发布,999,weibo,b1,2025-01-02 10:00,另一个账号\n")
    t = read_table("posts", f, registry=reg)
    assert t.data.set_index("post_id")["account_id"].to_dict() == {"w0": "wx111", "b0": "111", "b1": "999"}


def test_an_account_name_typed_with_spaces_inside_is_the_registered_one(tmp_path):
    """"金安区 人民政府发布" (a space, a full-width space) in a posts export names the registry's account."""
    reg = _one_unit_weibo_and_wechat()
    f = write(tmp_path / "posts.csv", "account,account_id,platform,post_id,published_at,text\n"
              "金安区 人民政府发布,,weibo,b0,2025-01-01 10:00,a\n"
              "金安区\u3000人民政府发布,,weibo,b1,2025-01-01 11:00,b\n"
              "金安区人民政府 发布,,wechat,w0,2025-01-01 12:00,c\n"
              "金安区人民政府发布,,weibo,b2,2025-01-01 13:00,d\n")
    t = read_table("posts", f, registry=reg)
    assert t.data.set_index("post_id")["account_id"].to_dict() == {"b0": "111", "b1": "111", "w0": "wx111",
                                                                    "b2": "111"}


@pytest.mark.parametrize("text, expected", [
    ("2025/3/5 下午 2:05", "2025-03-05 14:05"),
    ("2025-03-05 下午2:05", "2025-03-05 14:05"),
    ("2025年3月5日 上午9:30", "2025-03-05 09:30"),
    ("2025/3/5 上午 12:30", "2025-03-05 00:30"),
    ("2025/3/5 下午 12:30", "2025-03-05 12:30"),
    ("2025/3/5 中午12:10", "2025-03-05 12:10"),
    ("2025/03/05 2:05 PM", "2025-03-05 14:05"),
    ("2025/03/05 11:05:09 am", "2025-03-05 11:05"),
    ("2025年03月05日14时05分", "2025-03-05 14:05"),
    ("2025年3月5日 14时05分30秒", "2025-03-05 14:05"),
    ("2025年3月5日14时", "2025-03-05 14:00"),
])
def test_parse_datetimes_reads_twelve_hour_clocks_and_chinese_hours(text, expected):
    """上午/下午 and AM/PM (as Chinese Excel and WPS export text times) and 时/分/秒."""
    ts, bad = parse_datetimes(pd.Series([text, "2025-03-05 14:05"]))
    assert not bad.any()
    assert ts.iloc[0].strftime("%Y-%m-%d %H:%M") == expected


def test_parse_datetimes_twelve_hour_clock_out_of_range_stays_bad():
    ts, bad = parse_datetimes(pd.Series(["2025/3/5 下午 13:05", "2025/3/5 下午", "下午2:05"]))
    assert bad.tolist() == [True, True, True]


def test_a_comma_that_does_not_group_thousands_is_not_a_count():
    """``2,5`` (a decimal comma, or a slip for 25) is reported, not read as 25; real grouping still reads."""
    v, bad = parse_counts(pd.Series(["2,5", "12,3456", "1,2万", "1,234", "12,345,678", "1，234", "1,234.5万",
                                     "1,234+"]))
    assert bad.tolist() == [True, True, True, False, False, False, False, False]
    assert v.tolist()[3:] == [1234, 12345678, 1234, 12345000, 1234]


@pytest.mark.parametrize("text", ["2025-03-05 14:05:60", "2025-03-05T14:05:61+08:00", "2025年3月5日14时05分60秒",
                                  "2025-03-05 14:05:99.5"])
def test_a_sixtieth_second_is_not_a_time(text):
    """Arrow would roll ``14:05:60`` over to 14:06; it is a bad timestamp (quarantined with its reason)."""
    ts, bad = parse_datetimes(pd.Series([text, "2025-03-05 14:05:59", "2025-03-05 14:06"]))
    assert bad.tolist() == [True, False, False] and pd.isna(ts.iloc[0])
    assert ts.iloc[1].second == 59


def test_a_post_with_a_decimal_comma_count_is_quarantined_with_its_line(tmp_path):
    (tmp_path / "posts.csv").write_text(
        "post_id,account,platform,text,published_at,like_count\n"
        "P1,六安发布,微博,第一条,2025-03-01 09:30,\"2,5\"\n"
        "P2,六安发布,微博,第二条,2025-03-01 10:30,\"1,234\"\n", encoding="utf-8")
    res = read_table("posts", tmp_path / "posts.csv")
    assert res.data["post_id"].tolist() == ["P2"] and res.data["like_count"].tolist() == [1234]
    q = res.quarantine
    assert q["line"].tolist() == [2] and q["reason"].tolist() == ["bad_number"] and q["column"].tolist() == ["like_count"]


def test_what_office_exports_write_is_read_as_meant(tmp_path):
    """Template marks and English headers with spaces, ="…" text cells, 次 after a count, 原创/转发."""
    f = write(tmp_path / "posts.csv",
              "*账号ID,4.Post ID,发布时间（必填）：,Published At Note,转发数,是否转发\n"
              '="WB3131286",="0012345",2025-03-05 10:00,x,12次,原创\n'
              "WB3131286,0012346,2025-03-06 10:00,x,3 条,转发\n")
    t = read_table("posts", f, platform="微博")
    assert t.quarantine.empty
    assert t.data["account_id"].tolist() == ["WB3131286", "WB3131286"]
    assert t.data["post_id"].tolist() == ["0012345", "0012346"]
    assert t.data["repost_count"].tolist() == [12, 3] and t.data["is_repost"].tolist() == [False, True]


@pytest.mark.parametrize("spelling", ["微信服务号", "微信订阅号", "订阅号", "Douyin", "抖音短视频", "今日头条号", "微博号"])
def test_platform_spellings_of_the_registry(tmp_path, spelling):
    f = write(tmp_path / "accounts.csv", "单位名称,单位类型,平台,账号ID,账号名称,开通时间\n"
                                         f"金安区,县区,{spelling},A1,金安区人民政府发布,2016-10-08\n")
    t = read_table("accounts", f)
    assert t.quarantine.empty and t.data["platform"].iloc[0] in {"wechat", "douyin", "toutiao", "weibo"}


def test_parquet_with_infinite_floats_and_its_id_as_index(tmp_path):
    df = pd.DataFrame({"信息ID": ["p1", "p2"], "账号ID": ["W1", "W1"], "发布时间": ["2025-03-05 10:00"] * 2,
                       "互动率": [float("inf"), 1e20], "阅读数": [12.0, None]}).set_index("信息ID")
    df.to_parquet(tmp_path / "posts.parquet")
    t = read_table("posts", tmp_path / "posts.parquet", platform="微博")
    assert t.quarantine.empty and t.data["post_id"].tolist() == ["p1", "p2"]
    assert t.data["read_count"].tolist()[0] == 12 and pd.isna(t.data["read_count"].tolist()[1])


def test_file_names_an_office_gives_its_tables(tmp_path):
    from liuan_eval.io import find_table_files, platform_from_filename, table_of_name

    for name in ("posts 2025.csv", "发布信息（视频号）.csv", "postscript.csv", "posts_weibo.csv"):
        write(tmp_path / name, "x\n")
    assert [p.name for p in find_table_files(tmp_path, "posts")] == ["posts 2025.csv", "posts_weibo.csv",
                                                                    "发布信息（视频号）.csv"]
    assert table_of_name("网民留言_12345") == "messages" and table_of_name("postscript") is None
    assert platform_from_filename("发布信息（视频号）") == "channels"


def test_a_registry_row_without_its_opening_date_is_kept(tmp_path):
    """开通时间 left blank: the account is still registered (C01, C02 see it; C04 does not judge its filing)."""
    f = write(tmp_path / "accounts.csv", "单位名称,单位类型,平台,账号ID,账号名称,开通时间\n"
                                         "金安区,县区,微博,W1,金安区人民政府发布,\n"
                                         "金安区,县区,微信,X1,金安区人民政府发布,2016-10-08\n")
    t = read_table("accounts", f)
    assert t.quarantine.empty and t.data["account_id"].tolist() == ["W1", "X1"]
    assert pd.isna(t.data["opened_at"].iloc[0])


def test_a_file_without_the_reply_columns_other_files_have_is_named(tmp_path):
    a = write(tmp_path / "messages_a.csv", "留言编号,受理单位,留言时间,留言主题,答复时间\n"
                                          "m1,金安区,2025-03-01 10:00,路灯不亮,2025-03-02 10:00\n")
    b = write(tmp_path / "messages_b.csv", "留言编号,受理单位,留言时间,留言主题\nm2,金安区,2025-03-01 11:00,噪音\n")
    t = read_table("messages", [a, b])
    notes = [n for n in t.notes if n["code"] == "column_missing_in_file"]
    assert len(notes) == 1 and notes[0]["file"].endswith("messages_b.csv") and "“答复时间”" in notes[0]["zh"]
    assert not [n for n in read_table("messages", [a]).notes if n["code"] == "column_missing_in_file"]
