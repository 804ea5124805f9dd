"""The 65 real Weibo exports (../shared/data/gov_weibo_raw, GB18030), whole and with a few bytes corrupted.

Each event is ingested the way the acceptance check does it (``../shared/acceptance/run.sh``,
function ``raw_weibo``): ``liuan-eval ingest posts <event>/*.csv --platform weibo
--account-from-filename --year-hint <year> --out <event>.csv``; the counts come from the
command's parseable line ``N read, M clean, K quarantined, D duplicates``, the quarantine from
``<event>.quarantine.csv``.

* As they are: 68,951 of 68,951 rows read and clean, each under its own 微博ID.
* The same exports with 3 bytes in 3 records (in three files of three events) replaced by
  0xFF, a byte GB18030 cannot decode: every other row is still read and clean; the three
  records are quarantined, each named by its file and the line a text editor shows (every
  record of these exports starts with a multi-line cell, so record numbers and lines differ).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.messy_exports import cli, cli_violations, describe_exc, names_file

pytestmark = [pytest.mark.real_data, pytest.mark.slow]

YEARS = {"北京暴雨": 2012, "昆明火车站": 2014, "东方之星": 2015, "九寨沟7.0级地震": 2017}
ROWS = 68_951
COUNTS = re.compile(r"(\d+) read, (\d+) clean, (\d+) quarantined, (\d+) duplicates")


def record_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each data record of a CSV file (header excluded).

    Scanning bytes is safe for GB18030: no byte of a multi-byte character is ``"``, ``\\r`` or ``\\n``.
    """
    spans, start, quoted, i, n = [], 0, False, 0, len(data)
    while i < n:
        b = data[i]
        if b == 0x22:
            if quoted and i + 1 < n and data[i + 1] == 0x22:
                i += 2
                continue
            quoted = not quoted
        elif b == 0x0A and not quoted:
            spans.append((start, i))
            start = i + 1
        i += 1
    if start < n and data[start:].strip():
        spans.append((start, n))
    return spans[1:]


def raw_ids(folder: Path) -> dict[str, set[str]]:
    """The 微博ID of every raw row, per event (an independent reading with pandas)."""
    out = {}
    for event in YEARS:
        ids = set()
        for f in sorted((folder / event).glob("*.csv")):
            d = pd.read_csv(f, encoding="gb18030", dtype=str, keep_default_na=False)
            ids |= set(d["微博ID"].str.strip())
        out[event] = ids
    return out


def ingest_all(raw: Path, out: Path) -> tuple[list[str], dict, pd.DataFrame, dict[str, set[str]]]:
    """Ingest every event as the acceptance check does; (violations, summed counts, quarantine, clean ids)."""
    problems, total = [], {"read": 0, "clean": 0, "quarantined": 0, "duplicates": 0}
    quarantines, clean = [], {}
    out.mkdir(parents=True, exist_ok=True)
    for event, year in YEARS.items():
        files = sorted((raw / event).glob("*.csv"))
        res = cli(["ingest", "posts", *files, "--platform", "weibo", "--account-from-filename",
                   "--year-hint", year, "--out", out / f"{event}.csv"])
        v = cli_violations(res, {0})
        if v:
            problems += [f"{event}: {x}" for x in v]
            continue
        m = COUNTS.search(res.out)
        if not m:
            problems.append(f"{event}: no 'N read, M clean, K quarantined, D duplicates' line: {res.out[:300]!r}")
            continue
        for k, x in zip(total, m.groups()):
            total[k] += int(x)
        try:
            clean[event] = set(pd.read_csv(out / f"{event}.csv", dtype=str)["post_id"].dropna())
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{event}: clean output unreadable: {describe_exc(exc)}")
        q = out / f"{event}.quarantine.csv"
        if q.exists():
            quarantines.append(pd.read_csv(q, dtype=str, keep_default_na=False))
    q = pd.concat(quarantines, ignore_index=True) if quarantines else pd.DataFrame(
        columns=["table", "file", "line", "column", "value", "reason"])
    return problems, total, q, clean


def test_real_weibo_exports_load_every_row(shared_data, tmp_path):
    raw = shared_data / "gov_weibo_raw"
    assert len(sorted(raw.glob("*/*.csv"))) == 65
    problems, total, q, clean = ingest_all(raw, tmp_path / "out")
    if total["read"] != ROWS or total["clean"] != ROWS:
        problems.append(f"{total['clean']}/{ROWS} rows clean ({total})")
    if total["read"] != total["clean"] + total["quarantined"] + total["duplicates"]:
        problems.append(f"counts do not add up: {total}")
    if len(q):
        problems.append(f"{len(q)} rows quarantined, e.g. {q.head(3).to_dict('records')}")
    for event, ids in raw_ids(raw).items():
        if event not in clean:  # its ingest failed (reported above)
            continue
        lost = ids - clean[event]
        if lost:
            problems.append(f"{event}: {len(lost)} posts missing from the clean output, e.g. {sorted(lost)[:3]}")
    assert not problems, "\n  - " + "\n  - ".join(problems)


def corrupt(raw: Path, dst: Path) -> list[dict]:
    """Copy the exports to ``dst``; in the first file of three events, the record at half the file
    gets its first non-ASCII byte (the lead byte of a character of 微博内容) replaced by 0xFF."""
    shutil.copytree(raw, dst)
    done = []
    for event in list(YEARS)[:3]:
        f = sorted((dst / event).glob("*.csv"))[0]
        data = bytearray(f.read_bytes())
        spans = record_spans(bytes(data))
        k = len(spans) // 2
        while True:
            s, e = spans[k]
            hit = next((i for i in range(s, e) if data[i] >= 0x81), None)
            if hit is not None:
                break
            k += 1
        rid = bytes(data[s:e]).decode("gb18030").rsplit(",", 1)[1].strip()
        data[hit] = 0xFF
        f.write_bytes(bytes(data))
        done.append({"event": event, "file": f.name, "line": bytes(data[:s]).count(b"\n") + 1,
                     "record": k + 2, "post_id": rid})
    return done


def test_corrupted_bytes_quarantine_only_their_records(shared_data, tmp_path):
    raw = shared_data / "gov_weibo_raw"
    copy = tmp_path / "raw"
    bad = corrupt(raw, copy)
    assert all(b["line"] != b["record"] for b in bad), "the corrupted records should sit after multi-line cells"
    problems, total, q, clean = ingest_all(copy, tmp_path / "out")
    if total["read"] != ROWS:
        problems.append(f"rows read {total['read']}, {ROWS} in the files ({total})")
    if total["clean"] != ROWS - len(bad):
        problems.append(f"rows clean {total['clean']}, expected {ROWS - len(bad)} ({total})")
    if total["quarantined"] != len(bad):
        problems.append(f"rows quarantined {total['quarantined']}, expected {len(bad)}")
    named = {(Path(str(r["file"])).name, str(r["line"])) for r in q.to_dict("records")}
    for b in bad:
        if (b["file"], str(b["line"])) not in named:
            near = [r for r in q.to_dict("records") if names_file(str(r["file"]), b["file"])][:3]
            problems.append(f"{b['event']}/{b['file']} line {b['line']} (record {b['record']}, {b['post_id']}) "
                            f"not named in the quarantine; its rows for the file: {near}")
    ids = raw_ids(raw)
    for event, want in ids.items():
        if event not in clean:  # its ingest failed (reported above)
            continue
        want = want - {b["post_id"] for b in bad if b["event"] == event}
        got = clean[event]
        if want - got:
            problems.append(f"{event}: {len(want - got)} untouched posts not clean, e.g. {sorted(want - got)[:3]}")
        leaked = {b["post_id"] for b in bad if b["event"] == event} & got
        if leaked:
            problems.append(f"{event}: corrupted records came out clean: {sorted(leaked)}")
    assert not problems, "\n  - " + "\n  - ".join(problems)
