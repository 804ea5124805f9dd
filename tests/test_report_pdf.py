"""The 通报 as an office prints it: LibreOffice renders ``通报.docx`` to PDF; the text (pdftotext) holds the
title, the headings, the annexes and a page number ``— n —`` on every page, with Chinese characters, and
the page count follows the tables. Skipped where LibreOffice or poppler is absent (``.ci/run`` installs
them: libreoffice-writer-nogui, fonts-noto-cjk, poppler-utils)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from liuan_eval.report import pipeline
from liuan_eval.report.circular import FILE_NAME

pytestmark = pytest.mark.slow
YEAR = 2025


def _tools():
    missing = [t for t in ("soffice", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{'、'.join(missing)} not found: install Debian's libreoffice-writer-nogui, fonts-noto-cjk and "
                    "poppler-utils (.ci/run does, as root) to render the 通报 to PDF")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    _tools()
    from liuan_eval.sample_data import generate_sample

    data = tmp_path_factory.mktemp("data")
    generate_sample(YEAR, seed=11, out=data, scale=0.1)
    run = pipeline.run_assessment(data, YEAR, tmp_path_factory.mktemp("r") / "2025", notebook=False,
                                  progress=False, issued=dt.date(2026, 1, 12))
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")   # a private profile: parallel runs do not lock each other
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(run.out / FILE_NAME)], check=True, capture_output=True, timeout=300)
    path = out / FILE_NAME.replace(".docx", ".pdf")
    assert path.is_file()
    return run, path


def _pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def test_the_pdf_holds_the_circulars_text_in_chinese(pdf):
    run, path = pdf
    text = "".join(_pages(path))
    compact = re.sub(r"\s+", "", text)
    for words in ("【发文机关】", "关于2025年度全市政务新媒体", "检查情况的通报", "一、总体情况", "二、主要问题", "三、工作要求",
                  "附件1", "问题清单", "附件2", "得分与排名", "合格率"):
        assert words in compact, words
    units = run.report.assessment.unit_scores["unit"].tolist()
    assert all(u in compact for u in units)   # annex 2 lists every unit: the table's text is all there
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 1000


def test_every_page_is_numbered_and_the_count_fits_the_content(pdf):
    run, path = pdf
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    pages = _pages(path)
    assert len(pages) == n
    for i, page in enumerate(pages, start=1):
        assert re.search(rf"—\s*{i}\s*—", page), f"page {i} has no page number"
    assert "A4" in info or re.search(r"Page size:\s+595(\.\d+)? x 841", info)
    # the body starts on page 1, each annex on a new page after it
    first_annex = next(i for i, p in enumerate(pages, start=1) if re.search(r"^\s*附件\s*1\s*$", p, re.M))
    second_annex = next(i for i, p in enumerate(pages, start=1) if re.search(r"^\s*附件\s*2\s*$", p, re.M))
    assert 1 < first_annex < second_annex <= n
    findings = len(run.report.assessment.findings)
    assert second_annex - first_annex >= max(1, findings // 12)   # annex 1: at most ~12 findings a page
