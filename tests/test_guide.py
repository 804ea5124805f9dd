"""The analyst's guide (docs/使用指南.md) cannot drift from the code, and help speaks the analyst's language.

* every ```bash block of the guide is run, in order, in a scratch folder (``liuan-eval sample``
  gets ``--scale 0.1`` unless ``LIUAN_DOCS_FULL=1``); every ```python block is executed in one
  namespace, like the cells of a notebook; the ```toml edit is checked against the default preset
  and applied to the analyst's copy, and must change the result;
* every sub-command's ``--help`` is Chinese by default and English with ``--lang en``.

``make docs-check`` (suggested) runs this file alone.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from liuan_eval import cli
from liuan_eval.i18n import set_language

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "使用指南.md"
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.M | re.S)
HAN = re.compile(r"[\u4e00-\u9fff]")


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


def _toml_edits() -> dict:
    [snippet] = [body for lang, body in _blocks() if lang == "toml"]
    return tomllib.loads(snippet)


def _flatten(d: dict, prefix: tuple = ()) -> dict[tuple, object]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, prefix + (k,)))
        else:
            out[prefix + (k,)] = v
    return out


def test_guide_has_runnable_commands_for_every_step():
    text = GUIDE.read_text(encoding="utf-8")
    bash = "\n".join(body for lang, body in _blocks() if lang == "bash")
    for command in ("liuan-eval sample", "liuan-eval templates", "liuan-eval check", "liuan-eval run",
                    "liuan-eval score", "liuan-eval classify", "liuan-eval train-topic", "--topic-model",
                    "liuan-eval ingest", "--criteria", "--lang en", "liuan-eval learn", "--corrections"):
        assert command in bash, command
    assert any(lang == "python" for lang, _ in _blocks())
    for heading in ("安装", "填报模板", "运行前检查", "JupyterLab", "阅读报告", "阈值或分值", "新年度"):
        assert heading in text, heading


def test_guide_images_exist():
    text = GUIDE.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images, "the guide shows the report and the notebook"
    for rel in images:
        path = GUIDE.parent / rel
        assert path.is_file(), rel
        assert path.stat().st_size < 400_000, f"{rel}: keep screenshots small"


def test_toml_edit_names_real_preset_keys():
    preset = tomllib.loads((ROOT / "liuan_eval" / "criteria" / "liuan_2016.toml").read_text(encoding="utf-8"))
    have = _flatten(preset)
    edits = _flatten(_toml_edits())
    assert edits
    for key, value in edits.items():
        assert key in have, f"the guide edits {'.'.join(key)}, which the default preset lacks"
        assert type(value) is type(have[key]) and value != have[key], key


def _apply_toml_edits(path: Path) -> None:
    """Edit the copied preset as the guide tells the analyst to (line by line, comments kept)."""
    edits = _flatten(_toml_edits())
    lines = path.read_text(encoding="utf-8").splitlines()
    section: tuple = ()
    done = set()
    for i, line in enumerate(lines):
        head = re.match(r"^\[([^\[\]]+)\]\s*$", line)
        if head:
            section = tuple(head.group(1).split("."))
            continue
        kv = re.match(r"^(\w+)\s*=", line)
        if kv and section + (kv.group(1),) in edits:
            key = section + (kv.group(1),)
            lines[i] = f"{kv.group(1)} = {edits[key]!r}".replace("'", '"')
            done.add(key)
    assert done == set(edits), set(edits) - done
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _bash(body: str, cwd: Path) -> subprocess.CompletedProcess:
    if os.environ.get("LIUAN_DOCS_FULL") != "1":
        body = re.sub(r"^(liuan-eval sample .*)$", r"\1 --scale 0.1", body, flags=re.M)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "LIUAN_LANG": "zh",
           "PYTHONWARNINGS": "ignore"}
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", body], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1800)


@pytest.mark.slow
def test_guide_commands_run_as_written(tmp_path, monkeypatch):
    work = tmp_path / "工作"
    work.mkdir()
    (work / "liuan_eval").symlink_to(ROOT / "liuan_eval")  # the guide copies the default preset from here
    monkeypatch.chdir(work)
    namespace: dict = {}
    outputs = []
    for lang, body in _blocks():
        if lang == "bash":
            done = _bash(body, work)
            outputs.append(done.stdout)
            assert done.returncode == 0, f"guide command failed:\n{body}\n--- stdout\n{done.stdout[-2000:]}" \
                                         f"\n--- stderr\n{done.stderr[-3000:]}"
            if "我的考核标准.toml" in body and body.lstrip().startswith("cp "):
                _apply_toml_edits(work / "我的考核标准.toml")
        elif lang == "python":
            exec(compile(body, f"{GUIDE.name}:python", "exec"), namespace)  # noqa: S102 - the guide's own code

    # what each step promised is there
    assert len(list((work / "data" / "templates").glob("*.xlsx"))) == 6
    assert (work / "data" / "检查结果" / "问题清单.xlsx").is_file()
    assert (work / "reports" / "2025" / "annual_report.html").is_file()
    assert (work / "reports" / "2026" / "unit_scores.csv").is_file()
    results = work / "data" / "results" / "2025"
    classified = pd.read_csv(results / "messages_classified.csv", dtype="str")
    assert {"topic", "department", "sentiment", "risk_level", "reply_quality"} <= set(classified.columns)
    own = pd.read_csv(results / "messages_own_model.csv", dtype="str")
    truth = pd.read_csv(work / "data" / "generated" / "2025" / "labels.csv", dtype="str").set_index("message_id")
    own = own[own["留言编号"].isin(truth.index)]  # (the sample also plants unusable rows)
    assert len(own) > 50
    assert (own["topic"].to_numpy() == truth.loc[own["留言编号"], "topic"].to_numpy()).mean() > 0.9
    assert (work / "models" / "sentiment.joblib").is_file()
    # the weekly loop (6.6): the confirmed messages joined the model's labeled history
    from liuan_eval.text.models import load_model

    before = load_model(work / "models" / "topic.joblib", "topic")[1]["card"]
    after = load_model(work / "models" / "topic_第2周.joblib", "topic")[1]["card"]
    asked = pd.read_csv(results / "本周_核定.csv", dtype="str")["confirmed_topic"].notna().sum()
    office = ("verdict", "return")   # a verdict on a message marked 不属于本单位职责 is a return
    added = sum(after["by_kind"].get(k, 0) - before["by_kind"].get(k, 0) for k in office)
    assert 0 < asked <= 20 and added == asked
    assert after["n_labels"] >= before["n_labels"] and "本周_核定.csv" in after["sources"]
    assert len(pd.read_csv(results / "posts_weibo_clean.csv", dtype="str")) > 0
    assert "0 个阻断问题" in "\n".join(outputs)
    assert "pre-flight check" in outputs[-1]
    assert namespace["check"].ok and len(namespace["assessment"].unit_scores) > 0
    # the edited preset changed the result: a 10-day gap threshold finds more dormant runs
    default = pd.read_csv(work / "data" / "results" / "2025" / "findings.csv")
    edited = pd.read_csv(work / "data" / "results" / "2025-试算" / "findings.csv")
    assert (edited["criterion"] == "C15").sum() > (default["criterion"] == "C15").sum()


# --- help in the analyst's language --------------------------------------------------------------
def _help_texts(command: str) -> tuple[str, list[str]]:
    """The sub-command's description and the help of each of its own arguments."""
    parser = cli.build_parser(command)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    helps = [a.help for a in sub._actions
             if a.help and a.help != argparse.SUPPRESS and not isinstance(a, argparse._HelpAction)]
    return sub.description, helps


@pytest.mark.parametrize("command", list(cli.COMMANDS))
def test_help_is_chinese_by_default(command):
    set_language("zh")
    description, helps = _help_texts(command)
    assert HAN.search(description)
    assert helps, f"{command} has no documented arguments"
    for h in helps:
        assert HAN.search(h), f"{command}: argument help not in Chinese: {h!r}"


@pytest.mark.parametrize("command", list(cli.COMMANDS))
def test_help_is_english_with_lang_en(command, capsys):
    try:
        set_language("en")
        description, helps = _help_texts(command)
        assert not HAN.search(description)
        for h in helps:
            # Chinese may appear only as quoted data values, e.g. "(正面/负面/中性, ...)"
            bare = re.sub(r"\([^)]*\)|“[^”]*”|'[^']*'", "", h)
            assert not HAN.search(bare), f"{command}: argument help not in English: {h!r}"
        with pytest.raises(SystemExit):
            cli.main(["--lang", "en", command, "--help"])
        out = capsys.readouterr().out
        assert cli.COMMANDS[command][2] in out
    finally:
        set_language("zh")
