"""C20 (内容审核): the content checker's hits as suspects, and the office's confirmations.

The notice's 四(三) asks every post to pass the political, policy, legal, wording and
secrecy checks before it goes out; the 2019 checklist vetoes serious wording errors and
published citizens' private data. C20 runs the content checker
(:mod:`liuan_eval.text.content`) over the period's posts, key releases and replies and lists
every hit as a **suspect** (``Assessment.content_suspects``, one row per hit, each with a
stable ``suspect_id``). A machine's hit is not yet a finding: by default
(``require_confirmation = true``) only suspects the office has confirmed deduct. It confirms
them in a **confirmations file** (``--confirmations FILE``: CSV or Excel with the suspect's
id and 核定结果 确认/不成立, e.g. the suspects table itself, filled in); a row that cannot be
read, or that names a suspect this assessment does not have, is an error naming the file,
the line and the column (:class:`ConfirmationsError`).

Examples
--------
>>> import pandas as pd
>>> from liuan_eval.dataset import Dataset
>>> from liuan_eval.scoring import score
>>> tz = "Asia/Shanghai"
>>> acc = pd.DataFrame({"unit": ["金安区"], "unit_type": ["county"], "platform": ["weibo"], "account_id": ["W1"],
...     "account_name": ["金安区人民政府发布"], "opened_at": [pd.Timestamp("2016-10-08", tz=tz)]})
>>> posts = pd.DataFrame({"account_id": ["W1"], "platform": ["weibo"], "post_id": ["p1"],
...     "published_at": [pd.Timestamp("2025-03-01 09:00", tz=tz)], "text": ["庆祝中国人民共和国成立"]})
>>> a = score(Dataset(accounts=acc, posts=posts), year=2025)
>>> s = a.content_suspects
>>> s[["item_id", "kind", "matched", "correction", "status"]].values.tolist()
[['p1', 'wrong', '中国人民共和国', '中华人民共和国', '待核定']]
>>> int((a.findings["criterion"] == "C20").sum())
0
>>> conf = pd.DataFrame({"疑点编号": s["suspect_id"], "核定结果": ["确认"]})
>>> a = score(Dataset(accounts=acc, posts=posts), year=2025, confirmations=conf)
>>> a.findings.loc[a.findings["criterion"] == "C20", "account_id"].tolist(), a.content_suspects["status"].tolist()
(['W1'], ['确认'])
"""
from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.errors import UserError
from liuan_eval.raw import column_letter
from liuan_eval.scoring._common import Context, empty_rows, fmt_date, platform_label, rows
from liuan_eval.scoring.declare import BOOL, choices, criterion, needs

#: Columns of ``Assessment.content_suspects``.
SUSPECT_COLUMNS = ["suspect_id", "status", "verdict", "source", "item_id", "field", "unit", "account_id",
                   "account_name", "platform", "published_at", "kind", "kind_label", "rule", "start", "end",
                   "matched", "correction", "context", "note", "confirmed_in"]
#: What a suspect's status can be.
STATUSES = ("待核定", "确认", "不成立")
SOURCES = {"posts": "发布信息", "releases": "重要信息", "replies": "留言答复"}
#: Spellings of a verdict in a confirmations file.
VERDICTS = {"确认": "确认", "成立": "确认", "属实": "确认", "是": "确认", "confirmed": "确认", "confirm": "确认",
            "yes": "确认", "不成立": "不成立", "不属实": "不成立", "否": "不成立", "排除": "不成立", "误报": "不成立",
            "rejected": "不成立", "reject": "不成立", "no": "不成立"}
ID_HEADERS = ("疑点编号", "suspect_id", "编号", "疑点id", "id")
VERDICT_HEADERS = ("核定结果", "verdict", "结果", "核定", "result")
NOTE_HEADERS = ("核定说明", "note", "说明", "备注")
_KINDS = ("wrong", "avoid", "typo", "privacy", "link")
MAX_PROBLEMS = 20


class ConfirmationsError(UserError, ValueError):
    """A confirmations file that cannot be used: names the file, the line and the column of each bad row."""


# ---- the suspects -----------------------------------------------------------------------------
def _items(ctx: Context, crit) -> tuple[pd.DataFrame, Callable[[np.ndarray], pd.DataFrame]]:
    """The texts to check (``source, item_id, field, text, pii``), and who published given rows of them.

    Only the texts are gathered for all rows; the publisher's unit, account, platform and time
    are taken for the rows hit (``who(rows)``), so a million posts cost one column each.
    """
    parts, sources = [], []
    srcs = crit.params["sources"]
    tz = f"datetime64[ns, {ctx.start.tz}]"

    def text_col(x, n) -> pd.Series:
        if isinstance(x, pd.Series):
            return x.reset_index(drop=True).astype("str")
        return pd.Series(pd.NA if x is None else x, index=range(n), dtype="str")

    def add(source, ids, field, text, pii, who: dict):
        n = len(ids)
        parts.append(pd.DataFrame({"source": text_col(source, n), "item_id": text_col(ids, n),
                                   "field": text_col(field, n), "text": text_col(text, n), "pii": text_col(pii, n)}))
        sources.append(who)

    p = ctx.posts
    if "posts" in srcs and p is not None and "text" in p.columns:
        p = p[p["platform"].isin(crit.platforms) & p["unit"].notna() & p["text"].notna()]
        add("posts", p["post_id"], "text", p["text"], p.get("text_pii"),
            {"unit": p["unit"], "account_id": p["account_id"], "platform": p["platform"],
             "published_at": p["published_at"]})
    r = ctx.releases
    if "releases" in srcs and r is not None and len(r) and "published_at" in r.columns:
        r = r[(r["published_at"] >= ctx.start) & (r["published_at"] < ctx.end)]
        acc = ctx.accounts
        by_name = (acc.drop_duplicates("account_name").set_index("account_name")
                   if acc is not None and len(acc) else None)
        issuer = r["issuing_account"] if "issuing_account" in r.columns else pd.Series(pd.NA, index=r.index, dtype="str")

        def lookup(col):
            out = issuer.map(by_name[col]) if by_name is not None else pd.Series(pd.NA, index=r.index)
            return out.astype("str")

        for field in ("title", "text"):
            if field in r.columns:
                t = r[r[field].notna()]
                add("releases", t["release_id"], field, t[field], t.get(f"{field}_pii"),
                    {"unit": lookup("unit")[t.index].fillna(""), "account_id": lookup("account_id")[t.index].fillna(""),
                     "platform": lookup("platform")[t.index], "published_at": t["published_at"]})
    m = ctx.messages
    if "replies" in srcs and m is not None and "reply_text" in m.columns:
        m = m[m["reply_text"].notna() & (m["platform"].isin(crit.platforms) | m["platform"].isna())]
        when = m["replied_at"] if "replied_at" in m.columns else m["received_at"]
        acc_id = m["account_id"] if "account_id" in m.columns else pd.Series(pd.NA, index=m.index, dtype="str")
        unit = m["unit"] if "unit" in m.columns else pd.Series(pd.NA, index=m.index, dtype="str")
        add("replies", m["message_id"], "reply_text", m["reply_text"], m.get("reply_text_pii"),
            {"unit": unit.fillna(""), "account_id": acc_id.fillna(""), "platform": m["platform"],
             "published_at": when.fillna(m["received_at"])})
    if not parts:
        items = pd.DataFrame({c: pd.Series([], dtype="str") for c in ("source", "item_id", "field", "text", "pii")})
    else:
        items = pd.concat(parts, ignore_index=True)
    bounds = np.cumsum([0] + [len(x) for x in parts])

    def who(rows: np.ndarray) -> pd.DataFrame:
        rows = np.asarray(rows, dtype=np.int64)
        part = np.searchsorted(bounds, rows, side="right") - 1
        cols: dict[str, list] = {"unit": [], "account_id": [], "platform": [], "published_at": []}
        order = []
        for k in np.unique(part):
            sel = np.flatnonzero(part == k)
            local = rows[sel] - bounds[k]
            for c in cols:
                v = sources[k][c].iloc[local]
                cols[c].append(v.dt.tz_convert(ctx.start.tz) if c == "published_at" else v.astype("str"))
            order.append(sel)
        if not order:
            return pd.DataFrame({c: pd.Series([], dtype=tz if c == "published_at" else "str") for c in cols})
        out = pd.DataFrame({c: pd.concat(v, ignore_index=True) for c, v in cols.items()})
        return out.iloc[np.argsort(np.concatenate(order), kind="stable")].reset_index(drop=True)

    return items, who


def suspect_ids(hits: pd.DataFrame) -> pd.Series:
    """A stable id per hit: ``S`` and 10 hex digits of a hash of source, item, field, kind, rule and
    the hit's rank among the same rule's hits in that text (not its offset: the id survives the
    loader's cleaning of the text around it).

    Examples
    --------
    >>> h = pd.DataFrame({"source": ["posts"] * 2, "item_id": ["p1"] * 2, "field": "text", "kind": "typo",
    ...                   "rule": ["按装"] * 2, "start": [3, 9]})
    >>> ids = suspect_ids(h)
    >>> ids.str.len().tolist(), ids.iloc[0] != ids.iloc[1], suspect_ids(h).equals(ids)
    ([11, 11], True, True)
    """
    keys = [hits[c].astype("str") for c in ("source", "item_id", "field", "kind", "rule")]
    h = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)}).assign(_s=hits["start"].to_numpy())
    rank = h.sort_values("_s", kind="stable").groupby([f"k{i}" for i in range(5)], sort=False).cumcount()
    rank = rank.reindex(h.index)
    text = keys[0].str.cat(keys[1:] + [rank.astype("str")], sep="\x1f")
    return pd.Series(["S" + hashlib.sha1(t.encode("utf-8")).hexdigest()[:10] for t in text],
                     index=hits.index, dtype="str")


def content_suspects(ctx: Context, crit) -> pd.DataFrame:
    """Every hit of the content checker in the period's texts, as suspects (status 待核定).

    Returns
    -------
    DataFrame
        :data:`SUSPECT_COLUMNS`, sorted by unit, account, time and position.
    """
    from liuan_eval.text.content import KINDS, check_content, load_content_rules

    rules = ctx.content_rules if ctx.content_rules is not None else load_content_rules()
    if not hasattr(rules, "rules"):
        rules = load_content_rules(rules)
    items, who = _items(ctx, crit)
    hits = check_content(items, rules)
    hits = hits[hits["kind"].isin(crit.params["kinds"])].reset_index(drop=True)
    w = who(hits["row"].to_numpy())
    info = ctx.account_info(w["account_id"].where(w["account_id"] != ""))
    out = pd.DataFrame({
        "suspect_id": suspect_ids(hits), "status": "待核定", "verdict": "",
        "source": hits["source"], "item_id": hits["item_id"], "field": hits["field"],
        "unit": w["unit"].fillna(info["unit"]).fillna("").astype("str"),
        "account_id": w["account_id"].fillna("").astype("str"),
        "account_name": info["account_name"].fillna("").astype("str"),
        "platform": w["platform"].fillna(info["platform"]).astype("str"),
        "published_at": w["published_at"], "kind": hits["kind"],
        "kind_label": hits["kind"].map(KINDS).astype("str"), "rule": hits["rule"],
        "start": hits["start"].astype("int64"), "end": hits["end"].astype("int64"), "matched": hits["matched"],
        "correction": hits["correction"], "context": hits["context"], "note": "", "confirmed_in": "",
    })
    for c in ("status", "verdict", "note", "confirmed_in"):
        out[c] = out[c].astype("str")
    if rules.live_check:  # optional, online, off by default (never in tests)
        from liuan_eval.text.content import live_check_links

        link = (out["kind"] == "link").to_numpy()
        if link.any():
            status = live_check_links(out.loc[link, "matched"], timeout=rules.timeout_seconds)
            out.loc[link, "correction"] = out.loc[link, "correction"] + "（在线检查：" + status.to_numpy() + "）"
    return sort_suspects(out)


def sort_suspects(suspects: pd.DataFrame) -> pd.DataFrame:
    """Suspects in their order: unit, account, time, item, position (one table, or several put together)."""
    return suspects.sort_values(["unit", "account_id", "published_at", "item_id", "start"], kind="stable",
                                ignore_index=True)[SUSPECT_COLUMNS]


# ---- the confirmations file -------------------------------------------------------------------


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    from liuan_eval.clean import normalize_unicode_header

    norm = [normalize_unicode_header(h) for h in headers]
    for name in names:
        if normalize_unicode_header(name) in norm:
            return norm.index(normalize_unicode_header(name))
    return None


def _records_csv(path: Path) -> list[tuple[int, list[str]]]:
    from liuan_eval.raw import decode

    text, _, _ = decode(path.read_bytes())
    sample = text[:4096]
    sep = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out, prev = [], 0
    for rec in reader:
        out.append((prev + 1, rec))
        prev = reader.line_num
    return out


def _records_excel(path: Path) -> list[list[tuple[int, list[str]]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        recs = [(i, ["" if v is None else str(v) for v in row]) for i, row in
                enumerate(ws.iter_rows(values_only=True), 1)]
        sheets.append(recs)
    wb.close()
    return sheets


def _locate(records: list[tuple[int, list[str]]]) -> tuple[int, int, int, int | None] | None:
    """(position of the header record, id column, verdict column, note column) or None."""
    for k, (_, rec) in enumerate(records[:15]):
        i, v = _find(rec, ID_HEADERS), _find(rec, VERDICT_HEADERS)
        if i is not None and v is not None:
            return k, i, v, _find(rec, NOTE_HEADERS)
    return None


def read_confirmations(path) -> pd.DataFrame:
    """The rows of a confirmations file: ``suspect_id, verdict, note, file, line``.

    A CSV (UTF-8, GB18030…, comma or tab) or a workbook (``.xlsx``: the first visible sheet
    whose header has both columns), with a header holding the suspect's id (疑点编号 or
    ``suspect_id``) and the verdict (核定结果 or ``verdict``: 确认/成立 or 不成立/排除); a note
    (核定说明) is kept. Title rows above the header are skipped; rows with neither an id nor a
    verdict are ignored, and so are rows with an id and no verdict yet (still pending).

    Raises
    ------
    ConfirmationsError
        No such header, a verdict that is neither, a verdict without an id, one id given two
        different verdicts: every bad row is named with the file, its line and column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "核定.csv"
    >>> _ = p.write_text("疑点编号,核定结果,核定说明\\nS0123456789,确认,已删除\\nS0000000000,也许,\\n", encoding="utf-8")
    >>> try:
    ...     read_confirmations(p)
    ... except ConfirmationsError as e:
    ...     print(str(e).splitlines()[1])
    核定.csv 第 3 行 B 列（核定结果）：“也许”不是核定结果，应为“确认”或“不成立”
    """
    if isinstance(path, pd.DataFrame):
        name = "（核定结果表）"
        frame = path.astype("str").fillna("")
        sheets = [[(1, [str(c) for c in frame.columns])]
                  + [(i + 2, list(r)) for i, r in enumerate(frame.itertuples(index=False, name=None))]]
    else:
        sheets, name = _sheets(Path(path))
    for records in sheets:
        found = _locate(records)
        if found is not None:
            break
    else:
        raise ConfirmationsError(f"核定结果文件 {name} 中找不到表头：需要“疑点编号”和“核定结果”两列",
                                 f"confirmations {name}: no header with the suspect's id and the verdict columns")
    k, ci, cv, cn = found
    header = records[k][1]
    rows_out, problems = [], []
    first_line: dict[str, tuple[int, str]] = {}
    for line, rec in records[k + 1:]:
        sid, verdict_raw, note = (rec[j].strip() if j is not None and j < len(rec) else "" for j in (ci, cv, cn))
        if not sid and not verdict_raw:
            continue
        if not sid:
            problems.append(f"{name} 第 {line} 行 {column_letter(ci)} 列（{header[ci]}）：有核定结果“{verdict_raw}”但没有疑点编号")
            continue
        if not verdict_raw:
            continue
        verdict = VERDICTS.get(verdict_raw.lower())
        if verdict is None:
            problems.append(f"{name} 第 {line} 行 {column_letter(cv)} 列（{header[cv]}）：“{verdict_raw}”不是核定结果，"
                            "应为“确认”或“不成立”")
            continue
        old = first_line.get(sid)
        if old is not None and old[1] != verdict:
            problems.append(f"{name} 第 {line} 行 {column_letter(cv)} 列（{header[cv]}）：疑点 {sid} 在第 {old[0]} 行"
                            f"已核定为“{old[1]}”，此处又为“{verdict}”")
            continue
        first_line.setdefault(sid, (line, verdict))
        rows_out.append((sid, verdict, note, name, line, column_letter(ci), header[ci]))
    if problems:
        raise _problems(name, problems)
    out = pd.DataFrame(rows_out, columns=["suspect_id", "verdict", "note", "file", "line", "id_column", "id_header"])
    return out.drop_duplicates("suspect_id", keep="first").reset_index(drop=True)


def _sheets(path: Path) -> tuple[list, str]:
    if not path.is_file():
        raise ConfirmationsError(f"找不到核定结果文件：{path}", f"confirmations file not found: {path}")
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        raise ConfirmationsError(f"核定结果文件 {name} 应为 CSV 或 Excel（.xlsx）文件",
                                 f"confirmations file {name} must be CSV or .xlsx")
    try:
        return (_records_excel(path) if suffix in (".xlsx", ".xlsm") else [_records_csv(path)]), name
    except Exception as exc:  # noqa: BLE001 - an unreadable workbook or CSV, named for the analyst
        raise ConfirmationsError(f"无法读取核定结果文件 {name}：{exc}", f"cannot read confirmations {name}: {exc}") from None


def _problems(name: str, problems: list[str]) -> ConfirmationsError:
    more = f"\n……另有 {len(problems) - MAX_PROBLEMS} 处" if len(problems) > MAX_PROBLEMS else ""
    text = "\n".join(problems[:MAX_PROBLEMS]) + more
    return ConfirmationsError(f"核定结果文件 {name} 有 {len(problems)} 处问题，请更正后重试：\n{text}",
                              f"confirmations {name}: {len(problems)} problem(s):\n{text}")


def apply_confirmations(suspects: pd.DataFrame, confirmations) -> pd.DataFrame:
    """The suspects with the office's verdicts: status 确认/不成立 where one is given.

    ``confirmations``: a path, a list of paths or a DataFrame (see :func:`read_confirmations`).
    A row naming a suspect id this assessment does not have is an error (file, line, column).

    Examples
    --------
    >>> s = pd.DataFrame({"suspect_id": ["S1", "S2"], "status": "待核定", "verdict": "", "note": "",
    ...                   "confirmed_in": ""})
    >>> out = apply_confirmations(s, pd.DataFrame({"疑点编号": ["S2"], "核定结果": ["不成立"], "核定说明": ["专用热线"]}))
    >>> out[["status", "note", "confirmed_in"]].values.tolist()
    [['待核定', '', ''], ['不成立', '专用热线', '（核定结果表）:2']]
    """
    if confirmations is None:
        return suspects
    if not isinstance(confirmations, list | tuple):
        confirmations = [confirmations]
    out = suspects.copy()
    known = pd.Index(out["suspect_id"])
    for c in confirmations:
        conf = read_confirmations(c)
        if not len(conf):
            continue
        foreign = ~conf["suspect_id"].isin(known)
        if foreign.any():
            bad = conf[foreign]
            problems = [f"{r.file} 第 {r.line} 行 {r.id_column} 列（{r.id_header}）：疑点编号 {r.suspect_id} "
                        "不在本次考核的内容审核疑点中（是否来自其他年度或其他数据？）" for r in bad.itertuples()]
            raise _problems(str(bad["file"].iloc[0]), problems)
        pos = known.get_indexer(conf["suspect_id"])
        out.loc[pos, "status"] = conf["verdict"].to_numpy()
        out.loc[pos, "verdict"] = conf["verdict"].to_numpy()
        out.loc[pos, "note"] = conf["note"].astype("str").to_numpy()
        out.loc[pos, "confirmed_in"] = (conf["file"] + ":" + conf["line"].astype("str")).to_numpy()
    return out


# ---- the criterion ----------------------------------------------------------------------------
def _c20_caveat(crit):
    if crit.params["require_confirmation"]:
        return ("内容审核（C20）由规则自动找出疑点（错误表述、不宜表述、易混错字、公民个人信息、外部链接），"
                "须经人工核定：只有核定结果文件中确认的疑点扣分，未核定的列在“内容审核疑点”中待核定。",
                "Content review (C20): suspects found by the rule lists deduct only once the office confirms them "
                "in a confirmations file; the others are listed for review.")
    return ("内容审核（C20）按规则自动找出的疑点直接扣分（require_confirmation = false），核定为不成立的除外。",
            "Content review (C20): every suspect deducts unless the office rejects it.")


@criterion("C20", needs=[needs("accounts"), needs("posts", "text")], caveat=_c20_caveat, review=True,
           params={"kinds": choices(_KINDS), "sources": choices(tuple(SOURCES)),
                   "require_confirmation": BOOL, "veto_kinds": choices(_KINDS)})
def c20_content(ctx: Context, crit) -> pd.DataFrame:
    """C20: each confirmed suspect of the content checker is a finding (kept in ``ctx.details["C20"]``).

    With ``require_confirmation = false`` every suspect not rejected is one. When the
    criterion is a veto item, only findings of the ``veto_kinds`` veto.
    """
    s = apply_confirmations(content_suspects(ctx, crit), ctx.confirmations)
    ctx.details["C20"] = s
    return suspect_findings(s, crit)


def suspect_findings(s: pd.DataFrame, crit) -> pd.DataFrame:
    """C20's findings rows from its suspects with the office's verdicts (:func:`apply_confirmations`)."""
    deduct = s["status"] == "确认" if crit.params["require_confirmation"] else s["status"] != "不成立"
    b = s[deduct.to_numpy() & (s["unit"] != "").to_numpy()]
    if not len(b):
        return empty_rows()
    source = b["source"].map(SOURCES).astype("str")
    who = np.where(b["account_name"] != "", platform_label(b["platform"].fillna("")) + "账号“" + b["account_name"] + "”",
                   b["unit"])
    expl = (pd.Series(who, index=b.index) + fmt_date(b["published_at"]) + "的" + source + "（" + b["item_id"] + "）含"
            + b["kind_label"] + "“" + b["matched"] + "”，建议：" + b["correction"] + "（疑点 " + b["suspect_id"]
            + (np.where(b["status"] == "确认", "，已核定确认）。", "）。")))
    out = rows(b["unit"], b["account_id"], b["platform"], b["published_at"], b["published_at"], expl,
               b["item_id"] + ";" + b["suspect_id"])
    out["_veto"] = b["kind"].isin(crit.params["veto_kinds"]).to_numpy()
    return out


__all__ = ["ConfirmationsError", "STATUSES", "SUSPECT_COLUMNS", "apply_confirmations", "content_suspects",
           "read_confirmations", "sort_suspects", "suspect_findings", "suspect_ids"]
