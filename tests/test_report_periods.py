"""A quarter (``--period 2025Q2``) or any span (``--from/--to``) instead of the year: scored, tabled and
named as such in every output, saved and reloaded with its period."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from liuan_eval import cli
from liuan_eval.report import load_report
from liuan_eval.report.circular import FILE_NAME, read_docx_text
from liuan_eval.report.periods import PeriodError, parse_period, span

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    from liuan_eval.sample_data import generate_sample

    data = tmp_path_factory.mktemp("data")
    generate_sample(2025, seed=11, out=data, scale=0.1)
    out = tmp_path_factory.mktemp("q") / "2025Q2"
    code = cli.main(["run", "--data", str(data), "--period", "2025Q2", "--out", str(out), "--no-notebook", "--quiet",
                     "--issued", "2025-07-07"])
    assert code == 0
    return data, out


def test_a_quarter_is_scored_and_tabled_within_its_days(quarter):
    _, out = quarter
    r = load_report(out / "assessment")
    assert (r.period_start, r.period_end, r.period_label) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30), "2025年第二季度")
    f = r.assessment.findings
    c15 = f[f["criterion"] == "C15"]
    first, last = pd.Timestamp("2025-04-01", tz="Asia/Shanghai"), pd.Timestamp("2025-07-01", tz="Asia/Shanghai")
    assert ((c15["window_start"] >= first) & (c15["window_end"] < last)).all()
    days = r.tables["daily_posts"]["day"]
    assert len(days) and days.min() >= first and days.max() < last
    paragraphs, _ = read_docx_text(out / FILE_NAME)
    assert any("2025年第二季度" in p for p in paragraphs[:4])
    assert "2025年第二季度" in "".join(paragraphs)


def test_one_way_to_name_the_period(quarter, tmp_path, capsys):
    data, _ = quarter
    code = cli.main(["run", "--data", str(data), "--year", "2025", "--period", "2025Q2", "--out", str(tmp_path / "x"),
                     "--no-notebook", "--quiet"])
    assert code == 2 and "--period" in capsys.readouterr().err
    assert cli.main(["run", "--data", str(data), "--period", "2025Q5", "--out", str(tmp_path / "x"), "--quiet"]) == 2


def test_periods_parse():
    assert parse_period("2025q4").end == dt.date(2025, 12, 31)
    assert parse_period("2025-Q1").label == "2025年第一季度"
    assert parse_period("2025H2").start == dt.date(2025, 7, 1)
    assert span("2025-01-01", "2025-12-31").is_year
    with pytest.raises(PeriodError):
        span("2025-05-01", "2025-04-30")


@pytest.mark.parametrize(("period", "expect"), [
    (None, ["最早的一条发布在2025-01-20", "此前19天"]),     # the year, its first 19 days without a post
    (("2025-12-01", "2026-01-31"), ["最晚的一条发布在2025-12-28", "其后34天"]),
    (("2024-11-01", "2025-03-31"), ["最早的一条发布在2025-01-20", "此前80天"]),
    (("2026-01-01", "2026-03-31"), ["内没有任何一条发布"]),
])
def test_a_period_the_posts_do_not_cover_is_a_caveat(period, expect):
    """--from/--to beyond the export: every account would be "dormant" at its end without a word."""
    from liuan_eval.report.pipeline import DATA_SPAN_CAVEAT, data_span_caveats

    days = pd.date_range("2025-01-20", "2025-12-28", freq="2D").append(pd.DatetimeIndex(["2025-12-28"]))
    posts = pd.DataFrame({"published_at": (days + pd.Timedelta(hours=9)).tz_localize("Asia/Shanghai")})
    got = data_span_caveats(posts, 2025, period)
    assert got and all(c.startswith(DATA_SPAN_CAVEAT) for c in got)
    assert all(any(e in c for c in got) for e in expect), got


def test_the_notebook_alone_assesses_the_same_quarter(quarter):
    """The notebook's ``period`` parameter gives what ``run --period`` saved (the same scores)."""
    from liuan_eval.report.pipeline import open_report, period_argument, period_parameter
    from liuan_eval.report.sections import report_title

    data, out = quarter
    saved = load_report(out / "assessment")
    alone = open_report("", data_dir=str(data), year=2025, period="2025Q2")
    assert alone.period == saved.period and report_title(alone) == "六安市政务“两微一端”2025年第二季度考核报告"
    pd.testing.assert_frame_equal(alone.assessment.unit_scores, saved.assessment.unit_scores)
    assert period_parameter(period_argument(saved.period)) == saved.period
    assert report_title(open_report("", data_dir=str(data), year=2025)).endswith("2025年度考核报告")


def test_the_html_page_is_titled_with_the_period(tmp_path):
    import nbformat

    from liuan_eval.report.pipeline import REPORT_TITLE, export_html

    cell = nbformat.v4.new_code_cell("header", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": '<div><h1>六安市政务“两微一端”2025年第二季度考核报告</h1></div>'})])
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tmp_path / "n.ipynb")
    html = export_html(tmp_path / "n.ipynb", tmp_path / "q.html")  # titled by the report's own heading
    assert "<title>六安市政务“两微一端”2025年第二季度考核报告</title>" in html.read_text(encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), tmp_path / "m.ipynb")
    plain = export_html(tmp_path / "m.ipynb", tmp_path / "y.html").read_text(encoding="utf-8")
    assert f"<title>{REPORT_TITLE}</title>" in plain
