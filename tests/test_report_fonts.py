"""Chinese glyphs in the report's charts: a missing glyph fails the test."""
from __future__ import annotations

import io
import warnings

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from liuan_eval.report import figures, tables
from liuan_eval.report.fonts import CJK_FAMILY, font_path, setup_fonts

ALL_CHINESE = ("六安市金安区霍山县舒城县人民政府发布微博微信客户端优秀良好合格不合格"
               "通报整改关停留言答复率按时转发热点问题影响力（）、，。：－—…")


def _draw(fig: Figure) -> None:
    fig.savefig(io.BytesIO(), format="png")


def test_font_file_ships_with_mplfonts():
    assert font_path().is_file()
    assert font_path().suffix == ".otf"


def test_setup_registers_family_first():
    assert setup_fonts() == CJK_FAMILY
    assert matplotlib.rcParams["font.sans-serif"][0] == CJK_FAMILY
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    from matplotlib import font_manager
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found.endswith("NotoSansCJKsc-Regular.otf")


def test_without_the_font_glyphs_are_missing():
    """The check below can fail: DejaVu Sans alone has no Chinese glyphs."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.sans-serif": ["DejaVu Sans"]}):
        fig = Figure()
        fig.add_subplot().set_title(ALL_CHINESE)
        with pytest.warns(UserWarning, match="missing from font"):
            _draw(fig)


def test_chinese_text_renders_without_missing_glyphs():
    setup_fonts()
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title(ALL_CHINESE)
    ax.set_xlabel("负数 -5")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        _draw(fig)


def test_every_report_chart_has_all_its_glyphs():
    acc = pd.DataFrame({"unit": ["金安区", "市教育局"], "unit_type": ["county", "department"],
                        "platform": ["weibo", "wechat"], "account_id": ["a", "b"],
                        "account_name": ["金安区人民政府发布", "六安市教育局发布"]})
    us = pd.DataFrame({"unit": ["金安区", "市教育局"], "unit_type": ["county", "department"], "rank": [1, 2],
                       "total": [95.0, 58.0], "grade": ["优秀", "不合格"], "C01": [5.0, 0.0], "C15": [10.0, -3.0]})
    w = pd.DataFrame({"month": ["2025-01"], "负面": [2], "中性": [1]})
    figs = [figures.coverage_figure(tables.coverage_matrix(acc)), figures.ranking_figure(us),
            figures.criteria_heatmap(us, ["C01", "C15"], {"C01": "开设", "C15": "僵尸账号"}),
            *figures.posting_calendars(None, acc, 2025),
            figures.message_trend_figure(w, "情感趋势"), figures.message_trend_figure(w, "风险", kind="line"),
            figures.hot_issues_figure(pd.DataFrame({"representative": ["小区停车难"], "heat": [3.0],
                                                    "count": [4]})),
            figures.quarantine_figure(pd.DataFrame()), figures.ranking_figure(pd.DataFrame())]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        for fig in figs:
            _draw(fig)
