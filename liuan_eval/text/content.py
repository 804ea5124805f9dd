"""The content checker: wrong and avoided expressions, typos, citizens' numbers and outbound links.

What the notice's 四(三) asks an editor to check before publishing (政治关、政策关、法律关、
文字关、保密关), as far as a machine can point at it, over posts, key releases and replies:

* **expressions** from the editable rule lists ``content_rules.toml`` (beside
  ``routing.toml``): wrong → right (``[wrong]``: names and titles of bodies and
  office-holders, the country's name), expressions to avoid (``[avoid]``) and typos common
  in official writing (``[typo]``); one multi-pattern automaton (pyahocorasick) over every
  text at once;
* **citizens' numbers** in what was published (``[privacy]``): ID numbers with a valid
  check digit, mobile numbers, bank cards passing Luhn (:func:`liuan_eval.clean.find_pii`);
  texts the loader already masked carry what it found in a ``<column>_pii`` column;
* **outbound links** (``[links]``): a domain off the allow-list (gov.cn, the platforms, the
  media the notice names), or a link that is malformed.

Matching survives full-width forms, spaces and zero-width marks slipped between the
characters and traditional characters: every text is folded once
(:func:`liuan_eval.clean.fold_texts`) with a map back to the original offsets, and each
hit gives the span in the text as given. Every hit is a *suspect*: the assessment lists
it for a person to confirm (C20), and only confirmed ones deduct.

Examples
--------
>>> import pandas as pd
>>> items = pd.DataFrame({"source": "posts", "item_id": ["p1"], "field": "text",
...                       "text": ["中國 人民\\u200b共和國成立，详见 http://example.com/a"]})
>>> hits = check_content(items)
>>> hits[["kind", "rule", "start", "end", "correction"]].values.tolist()[0]
['wrong', '中国人民共和国', 0, 9, '中华人民共和国']
>>> hits["kind"].tolist()
['wrong', 'link']
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.clean import FOLD_SEP, PII_KINDS, Folded, find_pii_folded, fold_texts
from liuan_eval.errors import UserError

#: Kinds of hit and their Chinese names.
KINDS = {"wrong": "错误表述", "avoid": "不宜使用的表述", "typo": "易混错字", "privacy": "公民个人信息",
         "link": "外部链接"}
#: The rule lists of a rules file (each ``"原文" = "建议"``).
RULE_LISTS = ("wrong", "avoid", "typo")
#: Rules of the link checks.
LINK_RULES = {"foreign_domain": "域名不在允许名单内", "malformed": "链接格式有误"}
DEFAULT_FILE = "content_rules.toml"
#: Columns of :func:`check_content`'s result.
HIT_COLUMNS = ["row", "source", "item_id", "field", "kind", "rule", "start", "end", "matched", "correction",
               "context"]
_TOP = {"mode", "wrong", "avoid", "typo", "privacy", "links"}
_LINK_KEYS = {"allowed_domains", "live_check", "timeout_seconds"}
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|[a-z0-9-]{1,63}\.xn--[a-z0-9-]+")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})")
_IPV4 = re.compile(r"(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(?:\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}")
_LINK = re.compile(r"h[t]{1,3}ps?:?/{1,3}[!-~]*|hxxps?:?/{1,3}[!-~]*|www\.[!-~]*")
_TRAIL = ".,;:!?)]}>'\"*"
_TOKEN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789./@")
_INVISIBLE = "[\u200b-\u200f\u2060\ufeff\u180e \u3000]*"
#: RE2 pre-filter on the texts as given: something that may be a link, disguised or not.
_LINKISH = (f"(?i)[hｈＨ]{_INVISIBLE}[tｔＴ]|[wｗＷ]{_INVISIBLE}[wｗＷ]{_INVISIBLE}[wｗＷ]"
            f"|[:：]{_INVISIBLE}[/／]|[hｈ]{_INVISIBLE}[xｘ]")
_CONTEXT = 12


class ContentRuleError(UserError, ValueError):
    """A content rule file that cannot be used: names the file and the line."""


@dataclass(frozen=True)
class Rule:
    """One expression rule: its list, the text as written and folded, the correction, where it is."""

    kind: str
    text: str
    key: str
    correction: str
    file: str
    line: int


@dataclass(frozen=True)
class ContentRules:
    """The rules in force: expression rules, the kinds of numbers sought, the link allow-list.

    Built by :func:`load_content_rules` from the shipped file and an office's own files.
    """

    rules: tuple[Rule, ...]
    privacy_kinds: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    live_check: bool = False
    timeout_seconds: float = 5.0
    files: tuple[str, ...] = ()
    #: links are checked (off when a replacing file has no ``[links]`` table)
    check_links: bool = True

    def table(self) -> pd.DataFrame:
        """The expression rules as a table (``kind, text, correction, file, line``).

        Examples
        --------
        >>> load_content_rules().table().iloc[0][["kind", "text", "correction"]].tolist()
        ['wrong', '中国人民共和国', '中华人民共和国']
        """
        return pd.DataFrame({"kind": [r.kind for r in self.rules], "text": [r.text for r in self.rules],
                             "correction": [r.correction for r in self.rules],
                             "file": [r.file for r in self.rules], "line": [r.line for r in self.rules]})


def _fold_one(text: str) -> str:
    return fold_texts(pd.Series([text], dtype="str")).text


def _error(file: str, line: int | None, zh: str, en: str) -> ContentRuleError:
    where_zh = f"第 {line} 行：" if line else ""
    where_en = f"line {line}: " if line else ""
    return ContentRuleError(f"内容审核规则文件 {file} {where_zh}{zh}", f"content rules {file}: {where_en}{en}")


def _key_pattern(key: str) -> re.Pattern:
    return re.compile(r'^\s*(?:"' + re.escape(key.replace("\\", "\\\\").replace('"', '\\"')) + r'"|\''
                      + re.escape(key) + r"'|" + re.escape(key) + r")\s*=")


def _line_of(lines: list[str], table: str, key: str | None = None, value: str | None = None) -> int | None:
    """The 1-based line of ``key`` in ``[table]`` (or of the table's header; or of a quoted ``value``)."""
    current = ""
    header = re.compile(r"^\s*\[\s*([A-Za-z0-9_\-]+)\s*\]\s*(?:#.*)?$")
    pat = _key_pattern(key) if key is not None else None
    seen_key = key is None
    for i, line in enumerate(lines, 1):
        m = header.match(line)
        if m:
            current = m.group(1)
            if key is None and value is None and current == table:
                return i
            continue
        if current != table:
            continue
        if pat is not None and pat.match(line):
            if value is None:
                return i
            seen_key = True
        if seen_key and value is not None and (f'"{value}"' in line or f"'{value}'" in line):
            return i
    return None


def _read(path: str | Path | None) -> tuple[dict, list[str], str]:
    if path is None:
        raw, src = resources.files("liuan_eval.text").joinpath(DEFAULT_FILE).read_bytes(), DEFAULT_FILE
    else:
        p = Path(path)
        src = str(p)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ContentRuleError(f"无法读取内容审核规则文件 {src}（{exc.strerror or exc}）",
                                   f"cannot read content rules {src} ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _error(src, None, "不是 UTF-8 编码的文本（请用 UTF-8 保存）", "not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise _error(src, int(m.group(1)) if m else None, f"不是有效的 TOML（{exc}）",
                     f"not valid TOML ({exc})") from None
    return data, text.splitlines(), src


def _parse(data: dict, lines: list[str], src: str) -> dict:
    """Check one file strictly; its parts (``mode``, rules, privacy kinds, link settings)."""
    for key in data:
        if key not in _TOP:
            raise _error(src, _line_of(lines, "", key) or _line_of(lines, key),
                         f"未知的键“{key}”（可用：{', '.join(sorted(_TOP))}）",
                         f"unknown key '{key}' (known: {', '.join(sorted(_TOP))})")
    mode = data.get("mode", "extend")
    if mode not in ("extend", "replace"):
        raise _error(src, _line_of(lines, "", "mode"), f"“mode”应为 \"extend\"（补充）或 \"replace\"（替换），实际是 {mode!r}",
                     f"'mode' must be \"extend\" or \"replace\", got {mode!r}")
    rules: list[Rule] = []
    for kind in RULE_LISTS:
        table = data.get(kind, {})
        if not isinstance(table, dict):
            raise _error(src, _line_of(lines, "", kind), f"“{kind}”应为一个表（[{kind}]，每行 \"原文\" = \"建议\"）",
                         f"'{kind}' must be a table of \"text\" = \"suggestion\"")
        for text, corr in table.items():
            line = _line_of(lines, kind, text)
            if not isinstance(corr, str):
                raise _error(src, line, f"[{kind}] 中“{text}”的建议应为字符串，实际是 {corr!r}",
                             f"[{kind}] '{text}': the suggestion must be a string, got {corr!r}")
            key = _fold_one(text)
            if len(key) < 2 or FOLD_SEP in key:
                raise _error(src, line, f"[{kind}] 中的“{text}”去掉空白后不足两个字，无法可靠匹配",
                             f"[{kind}] '{text}' is shorter than two characters once folded")
            fixed = _fold_one(corr)
            if kind != "avoid" and not fixed:
                raise _error(src, line, f"[{kind}] 中“{text}”缺少正确的写法", f"[{kind}] '{text}': no correction given")
            if fixed == key:
                raise _error(src, line, f"[{kind}] 中“{text}”与建议“{corr}”相同（忽略全半角、繁简和空白后）",
                             f"[{kind}] '{text}' is the same as its correction once folded")
            if fixed and key in fixed:
                raise _error(src, line, f"[{kind}] 中“{text}”出现在它自己的建议“{corr}”之中，正确的写法也会被标出",
                             f"[{kind}] '{text}' occurs inside its own correction '{corr}'")
            rules.append(Rule(kind, text, key, corr, src, line or 0))
    privacy = data.get("privacy")
    kinds = None
    if privacy is not None:
        if not isinstance(privacy, dict) or set(privacy) - {"kinds"}:
            bad = sorted(set(privacy) - {"kinds"}) if isinstance(privacy, dict) else ["privacy"]
            raise _error(src, _line_of(lines, "privacy", bad[0]) or _line_of(lines, "privacy"),
                         f"[privacy] 只能有 kinds（未知：{', '.join(bad)}）", f"[privacy] takes only 'kinds' ({bad})")
        kinds = privacy.get("kinds", [])
        if not isinstance(kinds, list) or not set(kinds) <= set(PII_KINDS):
            raise _error(src, _line_of(lines, "privacy", "kinds"),
                         f"[privacy] kinds 应为由 {'、'.join(PII_KINDS)} 组成的列表，实际是 {kinds!r}",
                         f"[privacy] kinds must be a list of {', '.join(PII_KINDS)}, got {kinds!r}")
    links = data.get("links")
    link_parts: dict = {}
    if links is not None:
        if not isinstance(links, dict):
            raise _error(src, _line_of(lines, "", "links"), "“links”应为一个表（[links]）", "'links' must be a table")
        for key in links:
            if key not in _LINK_KEYS:
                raise _error(src, _line_of(lines, "links", key), f"[links] 中未知的键“{key}”（可用：{', '.join(sorted(_LINK_KEYS))}）",
                             f"[links] unknown key '{key}'")
        domains = links.get("allowed_domains")
        if domains is not None:
            if not isinstance(domains, list):
                raise _error(src, _line_of(lines, "links", "allowed_domains"), "allowed_domains 应为域名列表",
                             "allowed_domains must be a list of domains")
            for d in domains:
                if not isinstance(d, str) or not _DOMAIN.fullmatch(d.strip().lower()):
                    raise _error(src, _line_of(lines, "links", "allowed_domains", str(d)),
                                 f"[links] allowed_domains 中的 {d!r} 不是域名（如 gov.cn、weibo.com）",
                                 f"[links] allowed_domains: {d!r} is not a domain name")
            link_parts["allowed_domains"] = [d.strip().lower() for d in domains]
        if "live_check" in links:
            if not isinstance(links["live_check"], bool):
                raise _error(src, _line_of(lines, "links", "live_check"), "live_check 应为 true 或 false",
                             "live_check must be true or false")
            link_parts["live_check"] = links["live_check"]
        if "timeout_seconds" in links:
            t = links["timeout_seconds"]
            if isinstance(t, bool) or not isinstance(t, int | float) or t <= 0:
                raise _error(src, _line_of(lines, "links", "timeout_seconds"), "timeout_seconds 应为大于 0 的秒数",
                             "timeout_seconds must be a number of seconds > 0")
            link_parts["timeout_seconds"] = float(t)
    return {"mode": mode, "rules": rules, "kinds": kinds, "links": link_parts}


def _check_duplicates(rules: list[Rule]) -> None:
    seen: dict[str, Rule] = {}
    for r in rules:
        old = seen.get(r.key)
        if old is not None and old.file == r.file:
            raise _error(r.file, r.line, f"“{r.text}”（[{r.kind}]）与第 {old.line} 行的“{old.text}”（[{old.kind}]）"
                                         "忽略全半角、繁简和空白后相同",
                         f"'{r.text}' [{r.kind}] folds to the same text as '{old.text}' [{old.kind}] on line {old.line}")
        seen[r.key] = r


def load_content_rules(paths=None, *, shipped: bool = True) -> ContentRules:
    """The content rules: the shipped ``content_rules.toml``, then each office file given.

    Parameters
    ----------
    paths : path or list of paths, optional
        An office's own rule files, in order. Each adds to the rules read before it (a rule
        it repeats takes its suggestion, its allowed domains are added), or, with
        ``mode = "replace"`` at its top, replaces them: what the file does not hold is then
        not checked (no ``[privacy]``: no numbers sought; no ``[links]``: no links checked).
    shipped : bool
        Start from the shipped file (``False``: only ``paths``).

    Returns
    -------
    ContentRules

    Raises
    ------
    ContentRuleError
        A file that cannot be read or parsed, an unknown key, a bad rule (too short, the
        same as its correction, inside its correction, two rules that fold to the same
        text): the Chinese message names the file and the line.

    Examples
    --------
    >>> r = load_content_rules()
    >>> len(r.rules) > 50, r.privacy_kinds, "gov.cn" in r.allowed_domains
    (True, ('id_card', 'mobile', 'bank_card'), True)
    """
    if paths is None:
        paths = []
    elif isinstance(paths, str | Path):
        paths = [paths]
    sources = ([None] if shipped else []) + list(paths)
    rules: dict[tuple[str, str], Rule] = {}
    kinds: tuple[str, ...] = ()
    domains: list[str] = []
    live, timeout = False, 5.0
    check_links = True
    files = []
    for p in sources:
        data, lines, src = _read(p)
        part = _parse(data, lines, src)
        _check_duplicates(part["rules"])
        files.append(src)
        if part["mode"] == "replace":
            rules, domains = {}, []
        for r in part["rules"]:
            rules.pop(next((k for k, v in rules.items() if v.key == r.key), ("", "")), None)
            rules[(r.kind, r.key)] = r
        if part["kinds"] is not None:
            kinds = tuple(part["kinds"])
        elif part["mode"] == "replace":
            kinds = ()
        links = part["links"]
        if part["mode"] == "replace":
            check_links = "links" in data
        domains += [d for d in links.get("allowed_domains", []) if d not in domains]
        live = links.get("live_check", live)
        timeout = links.get("timeout_seconds", timeout)
    return ContentRules(tuple(rules.values()), kinds, tuple(domains), live, timeout, tuple(files), check_links)


# ---- the checker ------------------------------------------------------------------------------
def _automaton(rules: ContentRules):
    import ahocorasick

    auto = ahocorasick.Automaton()
    for i, r in enumerate(rules.rules):
        auto.add_word(r.key, (i, len(r.key)))
    auto.make_automaton()
    return auto


def _outermost(row: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Of overlapping matches in a row, keep those not inside a longer one (positions in order)."""
    if not len(start):
        return np.zeros(0, dtype=bool)
    order = np.lexsort((-end, start, row))
    e = end[order]
    # positions are global in the joined text, so one running maximum serves every row
    prev_end = np.maximum.accumulate(np.r_[-1, e[:-1]])
    keep_sorted = e > prev_end
    keep = np.zeros(len(start), dtype=bool)
    keep[order] = keep_sorted
    return keep


def _expression_hits(folded: Folded, rules: ContentRules) -> pd.DataFrame:
    if not rules.rules or not folded.text:
        return pd.DataFrame({"pos0": [], "pos1": [], "rule_i": []}, dtype="int64")
    auto = _automaton(rules)
    found = np.array([(end + 1 - n, end + 1, i) for end, (i, n) in auto.iter(folded.text)],
                     dtype=np.int64).reshape(-1, 3)
    if not len(found):
        return pd.DataFrame({"pos0": [], "pos1": [], "rule_i": []}, dtype="int64")
    row = folded.row_of(found[:, 0])
    keep = _outermost(row, found[:, 0], found[:, 1])
    found = found[keep]
    return pd.DataFrame({"pos0": found[:, 0], "pos1": found[:, 1], "rule_i": found[:, 2]})


def _mask_number(digits: str, kind: str) -> str:
    d = re.sub(r"[^0-9xX]", "", digits).upper()
    if kind == "mobile":
        d = d[-11:]
        return f"{d[:3]}****{d[-4:]}"
    keep = 4
    return f"{d[:keep]}{'*' * max(len(d) - 2 * keep, 0)}{d[-keep:]}"


_MASKED_MOBILE = re.compile(r"(?:\+?86-?)?1[3-9][0-9]\*{4}[0-9]{4}")
_MASKED = re.compile(_MASKED_MOBILE.pattern + r"|[0-9]{4}\*{8,11}[0-9]{3}[0-9x]")


def _recorded_pii(texts: pd.Series, recorded: pd.Series) -> pd.DataFrame:
    """Hits for the numbers the loader found before masking (``<column>_pii``): the masked
    number's span when it can be seen in the masked text, else the whole text."""
    rows = np.flatnonzero(recorded.notna().to_numpy() & (recorded.astype("str").fillna("") != "").to_numpy())
    out = []
    for r in rows:
        kinds = [k for k in str(recorded.iloc[r]).split(";") if k in PII_KINDS]
        text = texts.iloc[r] if isinstance(texts.iloc[r], str) else ""
        spans = [(m.start(), m.end(), m.group(0)) for m in _MASKED.finditer(text.lower())]
        for k in kinds:
            want = [x for x in spans if bool(_MASKED_MOBILE.fullmatch(x[2])) == (k == "mobile")]
            if k == "id_card":
                want = [x for x in want if x[2].count("*") == 10] or want
            a, b = (want[0][0], want[0][1]) if want else (0, len(text))
            if want:
                spans.remove(want[0])
            out.append((int(r), a, b, k))
    return pd.DataFrame(out, columns=["row", "start", "end", "rule"]).astype(
        {"row": "int64", "start": "int64", "end": "int64", "rule": "str"})


def _links(folded: Folded, rules: ContentRules) -> pd.DataFrame:
    """Links in the spaced fold: ``pos0, pos1, rule, url``."""
    text = folded.text
    rows = []
    for m in _LINK.finditer(text):
        a = m.start()
        if a and text[a - 1] in _TOKEN:
            continue  # inside a longer token (an e-mail, another link)
        url = m.group(0).rstrip(_TRAIL)
        rows.append((a, a + len(url), url))
    if not rows:
        return pd.DataFrame({"pos0": pd.Series([], dtype="int64"), "pos1": pd.Series([], dtype="int64"),
                             "rule": pd.Series([], dtype="str"), "url": pd.Series([], dtype="str")})
    df = pd.DataFrame(rows, columns=["pos0", "pos1", "url"])
    url = df["url"].astype("str")
    proper = ((url.str.startswith("http://") | url.str.startswith("https://"))
              & ~url.str.startswith("http:///") & ~url.str.startswith("https:///")) | url.str.startswith("www.")
    rest = url.str.replace(r"^(?:https?://)", "", regex=True)
    host = rest.str.extract(r"^([^/?#:]*)", expand=False).fillna("").str.rstrip(".")
    valid = host.str.fullmatch(_HOST.pattern).fillna(False) | host.str.fullmatch(_IPV4.pattern).fillna(False)
    allowed = pd.Series(False, index=df.index)
    for d in rules.allowed_domains:
        allowed |= (host == d) | host.str.endswith("." + d)
    malformed = ~(proper & valid)
    df["rule"] = np.where(malformed, "malformed", np.where(allowed, "", "foreign_domain"))
    return df[df["rule"] != ""].reset_index(drop=True)


def _context(texts: np.ndarray, rows: np.ndarray, start: np.ndarray, end: np.ndarray,
             matched: list[str]) -> list[str]:
    out = []
    for r, a, b, m in zip(rows, start, end, matched):
        t = texts[r]
        out.append(("…" if a > _CONTEXT else "") + t[max(0, a - _CONTEXT):a] + "【" + m + "】" + t[b:b + _CONTEXT]
                   + ("…" if b + _CONTEXT < len(t) else ""))
    return out


def check_content(items: pd.DataFrame, rules: ContentRules | None = None) -> pd.DataFrame:
    """Every hit of the rules in the texts of ``items``.

    Parameters
    ----------
    items : DataFrame
        One text per row: ``source`` (``posts``/``releases``/``replies``), ``item_id``,
        ``field`` (the column the text came from), ``text``; optionally ``pii``: the kinds of
        citizens' numbers the loader found in the text before masking it (``id_card;mobile``).
    rules : ContentRules, optional
        Default: :func:`load_content_rules` (the shipped file).

    Returns
    -------
    DataFrame
        One row per hit, in the order of ``items`` then of the text: ``row`` (position in
        ``items``), ``source, item_id, field``, ``kind`` (see :data:`KINDS`), ``rule`` (the
        rule's text, the kind of number, or ``foreign_domain``/``malformed``), ``start``,
        ``end`` (offsets in the text as given), ``matched`` (the text of the span; numbers
        masked), ``correction`` (the suggestion), ``context`` (the span in its sentence,
        numbers masked).

    Examples
    --------
    >>> items = pd.DataFrame({"source": "replies", "item_id": ["m1"], "field": "reply_text",
    ...                       "text": ["已电话联系您（１３９１２３４５６７８），截止目前已办结"]})
    >>> check_content(items)[["kind", "rule", "matched", "correction"]].values.tolist()
    [['privacy', 'mobile', '139****5678', '删除或打码（如 139****5678）'], ['typo', '截止目前', '截止目前', '截至目前']]
    """
    from liuan_eval.clean import mask_pii

    rules = load_content_rules() if rules is None else rules
    items = items.reset_index(drop=True)
    texts = items["text"].astype("str").fillna("")
    dense = fold_texts(texts)
    parts = []
    # expressions (one automaton pass over every text)
    ex = _expression_hits(dense, rules)
    if len(ex):
        row, a, b = dense.locate(ex["pos0"].to_numpy(), ex["pos1"].to_numpy())
        rs = [rules.rules[i] for i in ex["rule_i"]]
        parts.append(pd.DataFrame({"row": row, "start": a, "end": b, "kind": [r.kind for r in rs],
                                   "rule": [r.text for r in rs],
                                   "correction": [r.correction or "删除或改写" for r in rs], "_num": ""}))
    # citizens' numbers in the text as given (the same fold: digits and separators folded alike)
    if rules.privacy_kinds:
        pii = find_pii_folded(dense.text)
        pii = pii[pii["kind"].isin(rules.privacy_kinds)]
        if len(pii):
            row, a, b = dense.locate(pii["start"].to_numpy(), pii["end"].to_numpy())
            num = [dense.text[x:y] for x, y in zip(pii["start"], pii["end"])]
            parts.append(pd.DataFrame({"row": row, "start": a, "end": b, "kind": "privacy",
                                       "rule": pii["kind"].to_numpy(), "correction": "", "_num": num}))
        if "pii" in items.columns:
            rec = _recorded_pii(texts, items["pii"])
            rec = rec[rec["rule"].isin(rules.privacy_kinds)]
            if len(rec):
                parts.append(rec.assign(kind="privacy", correction="", _num=""))
    # outbound links (spaces kept: they end a link)
    linkish = texts.str.contains(_LINKISH, regex=True).fillna(False).to_numpy(dtype=bool)
    if rules.check_links and linkish.any():
        sub = fold_texts(texts[linkish], keep_spaces=True)
        ln = _links(sub, rules)
        if len(ln):
            srow, a, b = sub.locate(ln["pos0"].to_numpy(), ln["pos1"].to_numpy())
            corr = np.where(ln["rule"] == "malformed", "更正为以 http:// 或 https:// 开头的完整网址",
                            "核实链接，改用政府网站或通知所列媒体的链接")
            parts.append(pd.DataFrame({"row": np.flatnonzero(linkish)[srow], "start": a, "end": b, "kind": "link",
                                       "rule": ln["rule"].to_numpy(), "correction": corr, "_num": ""}))
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c in ("row", "start", "end") else "str")
                             for c in HIT_COLUMNS})
    h = pd.concat(parts, ignore_index=True)
    h = h.drop_duplicates(["row", "kind", "rule", "start"]).sort_values(["row", "start", "kind"], ignore_index=True)
    rows, start, end = h["row"].to_numpy(), h["start"].to_numpy(), h["end"].to_numpy()
    uniq, inv = np.unique(rows, return_inverse=True)   # only the rows hit are taken out of Arrow
    tv = texts.iloc[uniq].to_numpy(dtype=object)
    matched = [tv[r][a:b] for r, a, b in zip(inv, start, end)]
    priv = (h["kind"] == "privacy").to_numpy()
    correction = h["correction"].to_numpy(dtype=object)
    nums, kinds = h["_num"].to_numpy(dtype=object), h["rule"].to_numpy(dtype=object)
    for i in np.flatnonzero(priv):
        if nums[i]:
            matched[i] = _mask_number(nums[i], kinds[i])
        correction[i] = "删除或打码（如 " + matched[i] + "）" if "*" in matched[i] else "删除或打码"
    h["correction"] = pd.Series(correction, dtype="str")
    context = _context(tv, inv, start, end, matched)
    hit_items = items.iloc[uniq]

    def col(name):
        return hit_items[name].astype("str").to_numpy(dtype=object)[inv]

    out = pd.DataFrame({
        "row": rows.astype("int64"), "source": col("source"), "item_id": col("item_id"), "field": col("field"),
        "kind": h["kind"].astype("str"), "rule": h["rule"].astype("str"),
        "start": start.astype("int64"), "end": end.astype("int64"),
        "matched": pd.Series(matched, dtype="str"), "correction": h["correction"].astype("str"),
        "context": mask_pii(pd.Series(context, dtype="str")),
    })
    out["matched"] = mask_pii(out["matched"])
    return out[HIT_COLUMNS]


def live_check_links(urls, timeout: float = 5.0, limit: int = 200) -> pd.Series:
    """Whether each link answers (an optional, online check; off by default, never in tests).

    One ``HEAD`` request per distinct link (at most ``limit``), each with ``timeout``
    seconds. Returns ``可访问``, ``无法访问（原因）`` or ``未检查`` per link.
    """
    import urllib.error
    import urllib.request

    s = pd.Series(urls, dtype="str")
    status: dict[str, str] = {}
    for u in pd.unique(s.dropna())[:limit]:
        target = u if u.startswith(("http://", "https://")) else "http://" + u
        try:
            req = urllib.request.Request(target, method="HEAD")
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - the office's own links
                status[u] = "可访问" if resp.status < 400 else f"无法访问（{resp.status}）"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            status[u] = f"无法访问（{type(exc).__name__}）"
    return s.map(status).fillna("未检查").astype("str")


__all__ = ["ContentRuleError", "ContentRules", "HIT_COLUMNS", "KINDS", "LINK_RULES", "Rule", "check_content",
           "live_check_links", "load_content_rules"]
