"""`liuan-eval run` end to end on a small generated sample: files, sections, charts, workbook,
no personal data or formulas in any output, determinism, and both notebooks through papermill."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from liuan_eval.output import ID_RE, MOBILE_RE
from liuan_eval.report import pipeline
from liuan_eval.report.sections import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2025
FORMULA = '=HYPERLINK("http://evil.example","点击")'
PHONE = "13912345678"
IDNO = "34150219900101123X"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """A small generated year, plus a key release whose title is a formula with a phone and ID number."""
    from liuan_eval.sample_data import generate_sample

    data = tmp_path_factory.mktemp("data")
    generate_sample(YEAR, seed=11, out=data, scale=0.1)
    rel = data / "releases.csv"
    with rel.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["R9999", "六安市人民政府发布", f"{YEAR}-06-10 10:00",
                                 f"{FORMULA} 联系电话{PHONE} 身份证{IDNO}", "正文"])
    return data


@pytest.fixture(scope="module")
def run_result(sample, tmp_path_factory) -> pipeline.RunResult:
    out = tmp_path_factory.mktemp("report")
    return pipeline.run_assessment(sample, YEAR, out, progress=False)


@pytest.fixture(scope="module")
def report_dir(run_result) -> Path:
    return run_result.out


def test_every_upstream_piece_was_used(run_result):
    r = run_result.report
    assert r.missing == {}
    assert r.preflight is not None and r.messages is not None and r.hot_issues is not None
    assert {"topic", "department", "sentiment", "risk_level"} <= set(r.messages.columns)
    assert r.repost is not None and len(r.repost) > 0


def _texts(folder: Path):
    for f in sorted(folder.rglob("*")):
        if f.suffix in {".csv", ".html", ".json", ".ipynb", ".md", ".txt"}:
            text = f.read_text(encoding="utf-8", errors="replace")
            yield f, re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", "", text)
        elif f.suffix == ".docx":
            from liuan_eval.report.circular import read_docx_text

            paragraphs, tables = read_docx_text(f)
            yield f, "\n".join(paragraphs + [c for t in tables for row in t for c in row])
        elif f.suffix == ".xlsx":
            wb = openpyxl.load_workbook(f)
            yield f, "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                               if c.value is not None)


def test_outputs_written(report_dir):
    for name in ["annual_report.html", "annual_report.xlsx", "01-annual-report.ipynb", "unit_scores.csv",
                 "account_scores.csv", "findings.csv", "rectification.csv", "closure.csv", "quarantine.csv",
                 "key_figures.csv", "reply_timeliness.csv", "repost_timeliness.csv"]:
        assert (report_dir / name).is_file(), name


def test_clean_tables_written_row_for_row(run_result):
    """``clean/<table>.csv`` holds every clean row the figures were computed from."""
    ds = run_result.report.dataset
    for name, frame in ds.tables().items():
        path = run_result.out / "clean" / f"{name}.csv"
        if frame is None:
            assert not path.exists()
            continue
        written = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert list(written.columns) == list(frame.columns), name
        assert len(written) == len(frame), name


def test_html_has_every_section_and_chart_and_no_code(report_dir):
    html = (report_dir / "annual_report.html").read_text(encoding="utf-8")
    for key, title in SECTIONS.items():
        assert f'id="{key}"' in html and title in html, key
    assert "jp-InputArea" not in html and 'class="input_area"' not in html
    assert "import liuan_eval" not in html and "S.show(" not in html
    assert len(re.findall(r"<img", html)) >= 8
    # each section that draws charts has at least one image after its heading
    for key in ["coverage", "ranking", "heatmap", "calendar", "reply", "repost", "influence", "data-quality"]:
        start = html.index(f'id="{key}"')
        nxt = min([html.index(f'id="{k}"') for k in SECTIONS if html.index(f'id="{k}"') > start] + [len(html)])
        assert "<img" in html[start:nxt], f"no chart in section {key}"
    assert "金安区" in html and "霍山县" in html
    assert "@font-face" in html   # Chinese text renders without a system CJK font


def test_workbook_unit_scores_match_csv(report_dir):
    wb = openpyxl.load_workbook(report_dir / "annual_report.xlsx")
    assert len(wb.sheetnames) >= 5
    for name in ["单位得分", "账号得分", "问题清单", "通报整改名单", "留言统计", "隔离数据"]:
        assert name in wb.sheetnames, name
    quarantined = list(wb["隔离数据"].values)
    assert "说明" in quarantined[0] and len(quarantined) > 1
    reasons = {r[quarantined[0].index("说明")] for r in quarantined[1:]}
    assert reasons and all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in reasons)  # words, not codes
    ws = wb["单位得分"]
    assert ws.freeze_panes == "A2"
    rows = list(ws.values)
    header, body = rows[0], rows[1:]
    assert header[0] == "单位" and "总分" in header and "等次" in header
    csv_scores = pd.read_csv(report_dir / "unit_scores.csv", encoding="utf-8-sig")
    assert len(body) == len(csv_scores)
    book = pd.DataFrame(body, columns=header)
    assert book["单位"].tolist() == csv_scores["unit"].tolist()
    assert book["总分"].astype(float).round(6).tolist() == csv_scores["total"].astype(float).round(6).tolist()
    assert all(isinstance(v, int | float) for v in book["总分"])   # numbers as numbers
    crit = [c for c in csv_scores.columns if re.fullmatch(r"C\d\d", c)]
    for c in crit:
        col = next(h for h in header if h.startswith(c))
        assert book[col].astype(float).fillna(-1).tolist() == csv_scores[c].astype(float).fillna(-1).tolist()


def test_no_pii_and_no_formula_in_any_output(report_dir, sample):
    planted = sum(len(MOBILE_RE.findall(t)) + len(ID_RE.findall(t)) for _, t in _texts(sample))
    assert planted > 0   # the inputs do hold phone and ID numbers
    for f, text in _texts(report_dir):
        assert not MOBILE_RE.search(text), f"mobile number in {f.name}"
        assert not ID_RE.search(text), f"ID number in {f.name}"
    wb = openpyxl.load_workbook(report_dir / "annual_report.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # the planted formula is there, as text
    assert any(isinstance(c.value, str) and c.value.startswith("=HYPERLINK") for c in cells)


def test_a_second_run_gives_byte_identical_files_html_and_notebook_included(report_dir, sample, tmp_path):
    """Every file of a fresh run — tables, workbook, executed notebook, HTML — equals the first run's."""
    again = tmp_path / "again"
    pipeline.run_assessment(sample, YEAR, again, progress=False)
    files = sorted(str(p.relative_to(report_dir)) for p in report_dir.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(again)) for p in again.rglob("*") if p.is_file())
    assert {"annual_report.html", "01-annual-report.ipynb", "annual_report.xlsx"} <= set(files)
    for name in files:
        assert (report_dir / name).read_bytes() == (again / name).read_bytes(), name
    # into the same folder again: the previous output is replaced whole, nothing left beside it
    pipeline.run_assessment(sample, YEAR, again, notebook=False, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again"]


def test_executed_notebook_parameters_and_no_errors(report_dir):
    import nbformat

    nb = nbformat.read(report_dir / "01-annual-report.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    # the notebook wrote the tables and the workbook itself (its last cell lists them)
    last = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[-1].outputs)
    assert "annual_report.xlsx" in last and "unit_scores.csv" in last
    template = nbformat.read(pipeline.NOTEBOOK, as_version=4)
    params = next(c for c in template.cells if "parameters" in c.metadata.get("tags", []))
    names = {line.split("=")[0].strip() for line in params.source.splitlines()
             if "=" in line and not line.lstrip().startswith("#")}
    assert names == {"year", "period", "data_dir", "criteria", "output_dir", "assessment_dir"}
    # liuan-eval run handed the notebook the assessment it had saved: nothing computed twice
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'assessment_dir = "assessment"' in injected.source


@pytest.mark.parametrize("damage", ["manifest", "parquet"])
def test_a_damaged_saved_assessment_is_a_user_error_naming_the_file(report_dir, tmp_path, damage):
    import shutil

    from liuan_eval.report import load_report
    from liuan_eval.report.saved import SavedReportError

    copy = tmp_path / "assessment"
    shutil.copytree(report_dir / "assessment", copy)
    if damage == "manifest":
        (copy / "manifest.json").write_text("{bad json", encoding="utf-8")
        what = "manifest.json 已损坏"
    else:
        (copy / "assessment.findings.parquet").write_bytes(b"garbage")
        what = "assessment.findings.parquet 已损坏"
    with pytest.raises(SavedReportError, match=what):
        load_report(copy)


def test_the_saved_assessment_reloads_exactly(run_result, report_dir):
    from liuan_eval.report import load_report

    r, back = run_result.report, load_report(report_dir / "assessment")
    a, b = r.assessment, back.assessment
    for name in ("findings", "unit_scores", "account_scores", "rectification", "closure", "not_assessed", "repost"):
        pd.testing.assert_frame_equal(getattr(a, name).reset_index(drop=True), getattr(b, name), obj=name)
    for name, frame in r.tables.items():
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), back.tables[name], obj=name)
    pd.testing.assert_frame_equal(r.messages.reset_index(drop=True), back.messages, obj="messages")
    pd.testing.assert_frame_equal(r.preflight.problems.reset_index(drop=True), back.preflight.problems)
    hot = r.hot_issues.reset_index(drop=True)
    assert hot.drop(columns="message_ids").equals(back.hot_issues.drop(columns="message_ids"))
    assert hot["message_ids"].tolist() == back.hot_issues["message_ids"].tolist()
    assert json_equal(a.metrics, b.metrics) and a.caveats == b.caveats and b.criteria.ids() == a.criteria.ids()
    assert back.dataset is None and "annual_report.html" in back.outputs


def json_equal(x, y) -> bool:
    import math

    if isinstance(x, dict):
        return set(x) == set(y) and all(json_equal(x[k], y[k]) for k in x)
    if isinstance(x, float) and math.isnan(x):
        return isinstance(y, float) and math.isnan(y)
    return x == y


def test_the_notebook_on_its_own_shows_the_same_figures(report_dir, sample, tmp_path):
    """Opened in JupyterLab without a saved assessment, the notebook computes: same report."""
    alone = tmp_path / "alone"
    alone.mkdir()
    executed = pipeline.execute_notebook(sample, YEAR, "liuan_2016", alone, progress=False)
    html = pipeline.export_html(executed, alone / "annual_report.html").read_text(encoding="utf-8")
    ref = (report_dir / "annual_report.html").read_text(encoding="utf-8")

    def body(h: str) -> str:  # the last note lists the files each way wrote
        return re.sub(r"<p><b>输出文件</b>.*?</p>", "", h, flags=re.S)

    assert body(html) == body(ref)
    assert (alone / "unit_scores.csv").read_bytes() == (report_dir / "unit_scores.csv").read_bytes()


def test_cli_run_and_clear_error(sample, tmp_path, capsys):
    from liuan_eval.cli import main

    assert main(["run", "--data", str(sample), "--year", str(YEAR), "--out", str(tmp_path / "o"),
                 "--no-notebook", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "annual_report.xlsx" in out and "年度考核完成" in out
    assert main(["run", "--data", str(tmp_path / "nope"), "--year", str(YEAR), "--out", str(tmp_path / "o2")]) == 2
    assert "找不到数据文件夹" in capsys.readouterr().err


def test_triage_notebook_runs(sample, tmp_path):
    import papermill as pm

    import liuan_eval.text as text

    if not hasattr(text, "classify_messages"):
        pytest.skip("liuan_eval.text.classify_messages is not available yet")
    nb = ROOT / "notebooks" / "exploratory" / "01-message-triage.ipynb"
    out = tmp_path / "triage.ipynb"
    pm.execute_notebook(str(nb), str(out), parameters={"messages_file": str(sample / "messages.csv"), "year": YEAR},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    import nbformat

    done = nbformat.read(out, as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in done.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert "读取留言" in html and "高风险留言" in html
    assert "模型卡片（主题）" in html and "请先核定这些留言" in html  # the loop of issue 15 comes first
    assert not MOBILE_RE.search(html) and not ID_RE.search(html)


def test_method_section_carries_the_topic_model_card():
    from liuan_eval.report import sections

    html = sections._topic_model_card()
    assert "模型卡片（主题）" in html and "路由表版本" in html and "只用程序生成的样例文本训练" in html


@pytest.mark.browser
def test_first_screen_in_headless_chromium(report_dir, tmp_path):
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if chromium is None:
        pytest.skip("headless Chromium not found: install it with `apt-get install chromium` "
                    "(CI's .ci/run does) to run this test")
    target = ROOT / "reports" / str(YEAR)
    target.mkdir(parents=True, exist_ok=True)
    png = target / "annual_report_first_screen.png"
    png.unlink(missing_ok=True)
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'chromium'}", f"--screenshot={png}", "--window-size=1280,900",
           (report_dir / "annual_report.html").as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    assert png.is_file() and png.stat().st_size > 20_000
    import numpy as np
    from PIL import Image

    img = Image.open(png).convert("L")
    assert img.size == (1280, 900)
    # not a blank page: a good share of the first screen is ink
    assert (np.asarray(img) < 128).mean() > 0.01


def test_csv_floats_do_not_print_like_id_numbers(tmp_path):
    paths = pipeline.write_csvs({"t": pd.DataFrame({"q": [0.004881109080079308], "n": [3]})}, tmp_path)
    text = paths["t"].read_text(encoding="utf-8-sig")
    assert not ID_RE.search(text) and "0.00488110908" in text


def test_blocking_problems_stop_the_run_with_the_check_list(tmp_path, capsys):
    from liuan_eval.cli import main

    (tmp_path / "empty").mkdir()
    assert main(["run", "--data", str(tmp_path / "empty"), "--year", str(YEAR), "--out", str(tmp_path / "o"),
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "阻断" in err and "账号登记表" in err
    assert not (tmp_path / "o" / "annual_report.xlsx").exists()


def test_missing_tables_give_not_assessed_sections(sample, tmp_path):
    from liuan_eval.commands.run import summary
    from liuan_eval.report import sections

    part = tmp_path / "part"
    part.mkdir()
    for f in sample.glob("accounts*"):
        shutil.copy(f, part / f.name)
    for f in sample.glob("posts_weibo*"):
        shutil.copy(f, part / f.name)
    report = pipeline.assess(part, YEAR)
    html = {f.__name__: f(report).html() for f in sections.ALL_SECTIONS}
    assert "未评估" in html["section_messages"] and "未评估" in html["section_repost"]
    assert "未评估" in html["section_reply"] and "未评估" in html["section_hot_issues"]
    assert "未评估" not in html["section_ranking"]
    assert "C07" in html["section_method"]          # listed among the criteria not assessed
    res = pipeline.run_assessment(part, YEAR, tmp_path / "out", notebook=False, progress=False)
    assert "未评估：考核期间内没有网民留言" in summary(res)


def test_a_relative_preset_path_reaches_the_notebook_resolved(tmp_path, monkeypatch):
    """The kernel runs in the output folder: a preset path relative to the analyst's folder is resolved."""
    import papermill as pm

    import liuan_eval.criteria as crit

    preset = Path(crit.__file__).with_name("liuan_2016.toml")
    local = tmp_path / "my_preset.toml"
    local.write_bytes(preset.read_bytes())
    import nbformat

    seen = {}

    def fake(src, target, **k):
        seen.update(k["parameters"])
        nbformat.write(nbformat.v4.new_notebook(), target)

    monkeypatch.setattr(pm, "execute_notebook", fake)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    pipeline.execute_notebook(tmp_path, YEAR, "my_preset.toml", out, progress=False)
    assert seen["criteria"] == str(local.resolve())
    pipeline.execute_notebook(tmp_path, YEAR, "liuan_2016", out, progress=False)
    assert seen["criteria"] == "liuan_2016"


def test_wheel_build_carries_the_report_notebook(tmp_path):
    """A wheel has no source tree: its build copies the notebook into the package, where it is found."""
    import sys

    tree = tmp_path / "src"
    tree.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "liuan_eval", tree / "liuan_eval", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "notebooks", tree / "notebooks")
    built = tmp_path / "lib"
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(built)], cwd=tree,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    carried = built / "liuan_eval" / "report" / "notebooks" / "01-annual-report.ipynb"
    assert carried.read_bytes() == pipeline.NOTEBOOK.read_bytes()
    assert (built / "liuan_eval" / "text" / "topic_keywords.toml").is_file()  # package data as before
    # without a source tree beside it, the pipeline takes the packaged copy
    assert pipeline.report_notebook(source_root=tmp_path / "nowhere") == (
        Path(pipeline.__file__).resolve().parent / "notebooks" / "01-annual-report.ipynb")
    assert pipeline.report_notebook() == ROOT / "notebooks" / "reports" / "01-annual-report.ipynb"


def test_a_relative_output_folder_survives_papermill_changing_the_working_directory(sample, tmp_path, monkeypatch):
    """papermill chdirs into the kernel's folder while the tables are being written in the other thread: the
    run writes into an absolute folder, so a relative --out still receives every file."""
    import os
    import time

    import nbformat
    import papermill as pm

    def fake(src, target, **k):
        before = os.getcwd()
        os.chdir(k["cwd"])          # what papermill does for the whole process
        try:
            time.sleep(3)
            nbformat.write(nbformat.v4.new_notebook(), target)
        finally:
            os.chdir(before)

    monkeypatch.setattr(pm, "execute_notebook", fake)
    monkeypatch.chdir(tmp_path)
    res = pipeline.run_assessment(sample, YEAR, Path("reports") / "2025", progress=False)
    assert (tmp_path / "reports" / "2025" / "通报.docx").is_file()
    assert (tmp_path / "reports" / "2025" / "clean" / "accounts.csv").is_file()
    assert not res.out.is_absolute() and res.files["xlsx"] == Path("reports") / "2025" / "annual_report.xlsx"


def test_hot_issues_grouped_in_a_second_process_are_those_of_one_process(small_sample, monkeypatch):
    """A large year's hot issues are grouped in a second process while the messages are classified and
    the assessment scored; forced here on a small year, the report's tables must be the same."""
    import concurrent.futures

    one = pipeline.assess(small_sample, YEAR, issued=pd.Timestamp("2026-01-15").date())
    monkeypatch.setattr(pipeline, "BACKGROUND_HOT_MIN_MESSAGES", 1)
    monkeypatch.setattr(pipeline, "_HOT_PIECE_ROWS", 40)  # sent in several pieces, put back in order
    started = []

    class Counting(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args[0] if args else kwargs.get("max_workers"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counting)
    two = pipeline.assess(small_sample, YEAR, issued=pd.Timestamp("2026-01-15").date())
    assert started == [1]  # the second process did run
    assert len(one.messages) > 3 * 40
    assert len(one.hot_issues) > 0 and one.hot_issues["topics"].str.len().gt(0).all()
    pd.testing.assert_frame_equal(one.hot_issues, two.hot_issues)
    for name in one.tables:
        pd.testing.assert_frame_equal(one.tables[name], two.tables[name], obj=name)
    pd.testing.assert_frame_equal(one.assessment.unit_scores, two.assessment.unit_scores)


def test_a_second_process_that_dies_leaves_the_hot_issues_to_this_one(monkeypatch):
    """Killed (as for memory) before it answers: the run goes on, the hot issues grouped here, same table."""
    from liuan_eval.text.hot import find_hot_issues

    monkeypatch.setattr(pipeline, "BACKGROUND_HOT_MIN_MESSAGES", 1)
    m = pd.DataFrame({"message_id": ["1", "2", "3"], "user": ["a", "b", "c"], "topic": ["交通", "交通", "城建"],
                      "title": ["汇金路五矿小区噪音扰民严重", "汇金路五矿小区噪音扰民严重！", "五矿小区汇金路噪音扰民严重"]})
    with pipeline.HotIssuesInBackground(m) as job:
        procs = list(job._pool._processes.values())
        assert procs
        for p in procs:
            p.kill()
        with pytest.warns(RuntimeWarning, match="第二个进程"):
            got = job.result(m)
    pd.testing.assert_frame_equal(got, find_hot_issues(m))
