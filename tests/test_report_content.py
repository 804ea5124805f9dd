"""C20 in the outputs: the HTML report, the workbook and the CSV show the content suspects and the confirmed
findings; `run` and `score` take --confirmations and --content-rules."""
from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from liuan_eval import cli
from liuan_eval.output import ID_RE, MOBILE_RE
from liuan_eval.report import pipeline

YEAR = 2025
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    from liuan_eval.sample_data import generate_sample

    data = tmp_path_factory.mktemp("data")
    s = generate_sample(YEAR, seed=21, out=data, scale=0.1)
    return data, s.truth


@pytest.fixture(scope="module")
def confirmed(sample, tmp_path_factory):
    """A first score, then two suspects confirmed and one rejected in a confirmations file."""
    data, _ = sample
    out = tmp_path_factory.mktemp("first")
    assert cli.main(["score", "--data", str(data), "--year", str(YEAR), "--out", str(out)]) == 0
    sus = pd.read_csv(out / "content_suspects.csv", dtype=str, keep_default_na=False)
    sus["verdict"] = ["确认", "确认", "不成立"] + [""] * (len(sus) - 3)
    conf = out / "核定结果.csv"
    sus.to_csv(conf, index=False, encoding="utf-8-sig")
    return conf, sus


@pytest.fixture(scope="module")
def run_out(sample, confirmed, tmp_path_factory) -> Path:
    data, _ = sample
    out = tmp_path_factory.mktemp("report")
    assert cli.main(["run", "--data", str(data), "--year", str(YEAR), "--out", str(out), "--quiet",
                     "--confirmations", str(confirmed[0])]) == 0
    return out


def test_html_shows_the_confirmed_findings_and_the_suspects_to_review(run_out, confirmed):
    _, sus = confirmed
    page = html.unescape((run_out / "annual_report.html").read_text(encoding="utf-8"))
    assert "内容审核（C20）：疑点与核定结果" in page
    assert "已核定确认的内容问题（扣分）" in page and "待核定的内容审核疑点" in page
    assert f"共发现疑点 {len(sus)} 处" in page and "已核定确认 2 处、不成立 1 处" in page
    for sid in sus["suspect_id"].iloc[:2]:
        assert f"疑点 {sid}，已核定确认" in page
    for sid in sus["suspect_id"].iloc[3:]:
        assert sid in page
    assert not MOBILE_RE.search(re.sub(r"<[^>]+>", " ", page)) and not ID_RE.search(page)


def test_workbook_and_csv_hold_every_suspect_with_its_status(run_out, confirmed):
    _, sus = confirmed
    wb = openpyxl.load_workbook(run_out / "annual_report.xlsx")
    ws = wb["内容审核疑点"]
    head = [c.value for c in ws[1]]
    assert head[:3] == ["疑点编号", "核定状态", "核定结果"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(sus["suspect_id"])
    assert sorted(rows.values()).count("确认") == 2 and list(rows.values()).count("不成立") == 1
    found = pd.read_csv(run_out / "findings.csv", dtype=str)
    assert (found["criterion"] == "C20").sum() == 2
    book = pd.DataFrame(wb["问题清单"].values)
    assert (book.iloc[1:, 0] == "C20").sum() == 2
    csv = pd.read_csv(run_out / "content_suspects.csv", dtype=str, keep_default_na=False)
    assert csv["status"].value_counts().to_dict()["确认"] == 2


def test_the_saved_assessment_keeps_the_suspects(run_out):
    from liuan_eval.report.saved import load_report

    r = load_report(run_out / pipeline.ASSESSMENT_DIR)
    assert r.assessment.content_suspects is not None and len(r.assessment.content_suspects) > 3


def test_score_with_an_office_rule_file_finds_its_expressions(sample, tmp_path):
    data, truth = sample
    rules = tmp_path / "本办规则.toml"
    rules.write_text('[wrong]\n"便民服务活动" = "便民服务"\n', encoding="utf-8")
    out = tmp_path / "o"
    assert cli.main(["score", "--data", str(data), "--year", str(YEAR), "--out", str(out),
                     "--content-rules", str(rules)]) == 0
    sus = pd.read_csv(out / "content_suspects.csv", dtype=str, keep_default_na=False)
    assert (sus["rule"] == "便民服务活动").sum() > 0
    assert len(sus[sus["rule"] != "便民服务活动"]) == len(truth["suspects"])   # the shipped rules still apply
    rules.write_text('mode = "replace"\n[wrong]\n"便民服务活动" = "便民服务"\n', encoding="utf-8")
    assert cli.main(["score", "--data", str(data), "--year", str(YEAR), "--out", str(out),
                     "--content-rules", str(rules)]) == 0
    sus = pd.read_csv(out / "content_suspects.csv", dtype=str, keep_default_na=False)
    assert set(sus["rule"]) == {"便民服务活动"}


def test_a_bad_rule_file_or_confirmation_stops_the_command_with_file_and_line(sample, tmp_path, capsys):
    data, _ = sample
    rules = tmp_path / "bad.toml"
    rules.write_text('[typo]\n"按装" = "安装"\n"甲" = "乙"\n', encoding="utf-8")
    assert cli.main(["run", "--data", str(data), "--year", str(YEAR), "--out", str(tmp_path / "r"),
                     "--content-rules", str(rules), "--no-notebook", "--quiet"]) == 2
    assert f"内容审核规则文件 {rules} 第 3 行" in capsys.readouterr().err
    conf = tmp_path / "c.csv"
    conf.write_text("疑点编号,核定结果\nS0000000000,确认\n", encoding="utf-8")
    assert cli.main(["score", "--data", str(data), "--year", str(YEAR), "--out", str(tmp_path / "s"),
                     "--confirmations", str(conf)]) == 2
    assert "c.csv 第 2 行 A 列（疑点编号）" in capsys.readouterr().err
