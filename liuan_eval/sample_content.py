"""The sample generator's content plants (C20): wrong expressions, leaked numbers, foreign links.

:func:`plant_c20_content` is one of the generator's plant functions
(:data:`liuan_eval.sample_data.LAST_PLANTS`, run after all the others). It writes, into some of the year's posts and
replies, expressions from the shipped rule lists (``liuan_eval/text/content_rules.toml``),
citizens' ID, mobile and bank card numbers, and links to domains off the allow-list or
malformed, many of them disguised as an editor's or a copy-paste's slips would disguise
them: full-width letters and digits, spaces and zero-width marks between the characters,
traditional characters. Each plant is a *suspect* recorded in ``truth.json`` under
``"suspects"`` (``criterion, source, item_id, field, kind, rule, unit, account_id,
disguise``), not under ``"findings"``: C20's hits deduct only once the office confirms them.

Examples
--------
>>> from liuan_eval.sample_data import generate_sample
>>> s = generate_sample(2025, seed=2, scale=0.1)
>>> kinds = {p["kind"] for p in s.truth["suspects"]}
>>> kinds == {"wrong", "avoid", "typo", "privacy", "link"} or kinds >= {"privacy", "link"}
True
>>> all(p["criterion"] == "C20" for p in s.truth["suspects"])
True
"""
from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

RULES_FILE = Path(__file__).resolve().parent / "text" / "content_rules.toml"
#: Links the plants use: a domain off the allow-list, and malformed ones (with the rule each breaks).
FOREIGN_LINKS = ["http://www.kuaibao-news.com/a/2025/0312.html", "https://tinyurl.example.net/x7Kp",
                 "http://bbs.luanlife.cc/thread-1024.html", "www.jinrishuo.top/p/88"]
MALFORMED_LINKS = ["http:/www.luan.gov.cn/zwgk/", "http//www.ah.gov.cn/szf/", "htp://www.luan.gov.cn/",
                   "https://www..luan.gov.cn/"]
_PREFIX = {"wrong": "据悉，", "avoid": "", "typo": ""}


@functools.lru_cache(maxsize=1)
def shipped_rules() -> dict[str, list[str]]:
    """The shipped rule texts by list (``wrong``, ``avoid``, ``typo``)."""
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    return {k: list(data.get(k, {})) for k in ("wrong", "avoid", "typo")}


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _between(text: str, mark: str) -> str:
    return mark.join(text)


@functools.lru_cache(maxsize=256)
def _traditional(text: str) -> str | None:
    """``text`` in traditional characters, when folding it back gives ``text`` again."""
    import opencc

    from liuan_eval.clean import fold_texts

    t = opencc.OpenCC("s2t").convert(text)
    if t == text or fold_texts(pd.Series([t])).text != fold_texts(pd.Series([text])).text:
        return None
    return t


def _disguise(text: str, how: str) -> str:
    if how == "full_width":
        return _full_width(text)
    if how == "space":
        mid = len(text) // 2
        return text[:mid] + " " + text[mid:]
    if how == "ideographic_space":
        return _between(text, "\u3000") if len(text) <= 4 else text[:2] + "\u3000" + text[2:]
    if how == "zero_width":
        return _between(text, "\u200b")
    if how == "traditional":
        return _traditional(text) or text
    return text


def _id_number(rng: np.random.Generator) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    area = str(rng.choice(["341502", "341503", "341504", "341522", "341523", "341524", "341525"]))
    birth = (pd.Timestamp("1955-01-01") + pd.Timedelta(days=int(rng.integers(0, 18000)))).strftime("%Y%m%d")
    body = area + birth + f"{int(rng.integers(0, 1000)):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def _card_number(rng: np.random.Generator) -> str:
    body = "622202" + "".join(str(d) for d in rng.integers(0, 10, 12))
    total = 0
    for i, c in enumerate(reversed(body)):
        v = int(c) * (1 if i % 2 else 2)  # the check digit will sit on the right
        total += v - 9 if v > 9 else v
    return body + str((10 - total % 10) % 10)


def _mobile(rng: np.random.Generator) -> str:
    return "1" + str(rng.choice(list("3589"))) + "".join(str(d) for d in rng.integers(0, 10, 9))


def _number_text(kind: str, number: str, how: str) -> str:
    if how == "space":
        if kind == "mobile":
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        return " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    return _disguise(number, how)


def plant_c20_content(world) -> None:
    """C20: wrong expressions, leaked citizens' numbers and foreign or malformed links in posts, and
    a citizen's number in a reply; about half disguised. Recorded in ``world.suspects``."""
    rng = world.rng
    posts = world.posts
    ok = ~posts["post_id"].astype("str").str.startswith(("RP", "IR")) & posts["text"].notna()
    ok &= posts["account_id"].isin(set(world.accounts["account_id"]))
    pool = np.flatnonzero(ok.to_numpy())
    rules = shipped_rules()
    plan: list[tuple[str, str, str, str]] = []  # (kind, rule, inserted text, disguise)
    for kind in ("wrong", "avoid", "typo"):
        names = rules[kind]
        for rule in rng.choice(names, size=min(int(rng.integers(1, 3)), len(names)), replace=False):
            how = str(rng.choice(["plain", "space", "zero_width", "traditional", "ideographic_space"]))
            plan.append((kind, str(rule), _PREFIX[kind] + _disguise(str(rule), how), how))
    for kind, make, label in (("id_card", _id_number, "身份证号"), ("mobile", _mobile, "联系电话"),
                              ("bank_card", _card_number, "收款银行卡号")):
        for _ in range(int(rng.integers(1, 3))):
            how = str(rng.choice(["plain", "full_width", "space", "zero_width"]))
            plan.append(("privacy", kind, f"{label}：{_number_text(kind, make(rng), how)}", how))
    for rule, links in (("foreign_domain", FOREIGN_LINKS), ("malformed", MALFORMED_LINKS)):
        for link in rng.choice(links, size=int(rng.integers(1, 3)), replace=False):
            how = str(rng.choice(["plain", "full_width", "zero_width"]))
            plan.append(("link", rule, f"详见 {_disguise(str(link), how)} 。", how))
    chosen = rng.choice(pool, size=min(len(plan), len(pool)), replace=False)
    text = world.posts["text"].astype("object").to_numpy(copy=True)
    for (kind, rule, piece, how), i in zip(plan, chosen):
        text[i] = f"{text[i]}，{piece}" if kind != "link" else f"{text[i]}{piece}"
        p = world.posts.iloc[i]
        world.suspects.append({"criterion": "C20", "source": "posts", "item_id": str(p["post_id"]), "field": "text",
                               "kind": kind, "rule": rule, "unit": _unit(world, p["account_id"]),
                               "account_id": str(p["account_id"]), "disguise": how})
    world.posts["text"] = pd.array(text, dtype="str")
    # a reply that gives the citizen's own number back in public
    m = world.messages
    cand = np.flatnonzero((m["reply_text"].notna() & (m["reply_text"].astype("str").str.len() > 30)
                           & m["account_id"].isin(set(world.accounts["account_id"]))).to_numpy())
    if len(cand):
        j = int(rng.choice(cand))
        how = str(rng.choice(["plain", "space", "full_width"]))
        number = _number_text("mobile", _mobile(rng), how)
        reply = world.messages["reply_text"].astype("object").to_numpy(copy=True)
        reply[j] = f"{reply[j]}已电话（{number}）联系您本人。"
        world.messages["reply_text"] = pd.array(reply, dtype="str")
        r = world.messages.iloc[j]
        world.suspects.append({"criterion": "C20", "source": "replies", "item_id": str(r["message_id"]),
                               "field": "reply_text", "kind": "privacy", "rule": "mobile",
                               "unit": str(r["unit"]), "account_id": str(r["account_id"]), "disguise": how})


def _unit(world, account_id: str) -> str:
    acc = world.accounts
    return str(acc.loc[acc["account_id"] == account_id, "unit"].iloc[0])


__all__ = ["FOREIGN_LINKS", "MALFORMED_LINKS", "plant_c20_content", "shipped_rules"]
