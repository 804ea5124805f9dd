"""Cleaning: text normalisation, PII masking, platform aliases, unit matching, duplicates.

Every function here takes and returns whole columns (pandas Series) and works with
vectorised string methods; the few Python-level steps (OpenCC conversion, ID check
digits, fuzzy unit names) run only on the rows or distinct values that need them.

Examples
--------
>>> import pandas as pd
>>> from liuan_eval.clean import mask_pii
>>> mask_pii(pd.Series(["电话13812345678"])).tolist()
['电话138****5678']
"""
from __future__ import annotations

import difflib
import functools
import html
import re
import unicodedata

import numpy as np
import pandas as pd

from liuan_eval.schemas import PLATFORM_ALIASES

#: Characters stripped from the ends of every cell: whitespace and zero-width marks.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u200e\u200f"
PADDING = (" \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
           "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" + ZERO_WIDTH)

_ZW_RE = f"[{ZERO_WIDTH}]"
_TAG_RE = r"<[A-Za-z/!][^<>]*>"
_ENTITY_RE = r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,10});"

# --- PII patterns --------------------------------------------------------------------
# Written for RE2 (pyarrow's regex engine: no look-arounds, ASCII classes spelled out) so
# pandas runs them in C++; each string is wrapped in \x01 sentinels so that "[^0-9]" can
# stand for a boundary at either end.
_ID18_ANY = r"[0-9]{17}[0-9Xx]"
#: an ID number may follow letters (ID341502…, sfz341502…): only a digit before or after makes it part of a longer number
_ID18 = re.compile(r"(?<![0-9])([0-9]{4})([0-9]{13})([0-9Xx])(?![0-9])")
_ID15 = (r"([^0-9])([0-9]{4})[0-9]{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])([0-9]{3})"
         r"([^0-9])", r"\1\2********\3\4")
#: What people write between a number's groups: a space, dots, hyphens and dashes of every width.
_GROUP_SEP = "[- .·。‐‑‒–—―－]"
_MOBILE = (rf"([^0-9])((?:(?:\+|00)?86[- ]?)?[(（]?1[3-9][0-9][)）]?){_GROUP_SEP}?[0-9]{{4}}{_GROUP_SEP}?([0-9]{{4}})"
           r"([^0-9])", r"\1\2****\3\4")
_LANDLINE = (rf"([^0-9])(\(?0[0-9]{{2,3}}\)?{_GROUP_SEP}?|（0[0-9]{{2,3}}）)([0-9]{{3,4}})([0-9]{{4}})([^0-9])",
             r"\1\2****\4\5")
_EMAIL = (r"([^A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",
          r"\1\2***@\3")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
#: a plate as people type it: the letters in either case, a space after the province or the letter
_PLATE = (rf"([{_PROVINCES}] ?[A-HJ-NP-Za-hj-np-z])[·• -]?([A-HJ-NP-Za-hj-np-z0-9]{{3,4}})"
          r"([A-HJ-NP-Za-hj-np-z0-9]{2})([^A-Za-z0-9])", r"\1***\3\4")
#: (pattern, replacement, cheap pre-filter) in the order applied; two passes catch numbers
#: sharing a boundary character ("13812345678,13912345678").
_MOBILE_PRE = rf"1[3-9][0-9][)）]?{_GROUP_SEP}?[0-9]{{4}}{_GROUP_SEP}?[0-9]{{4}}"
_LANDLINE_PRE = rf"0[0-9]{{2,3}}[) ）]?{_GROUP_SEP}?[ ]?[0-9]{{7}}"
_PLATE_PRE = rf"[{_PROVINCES}] ?[A-HJ-NP-Za-hj-np-z]"
_PASSES = [(*_ID15, r"[0-9]{15}"), (*_MOBILE, _MOBILE_PRE), (*_MOBILE, _MOBILE_PRE),
           (*_LANDLINE, _LANDLINE_PRE), (*_LANDLINE, _LANDLINE_PRE), (*_EMAIL, "@"),
           (*_PLATE, _PLATE_PRE), (*_PLATE, _PLATE_PRE)]
#: between the digits of a number split anywhere (line breaks and dashes included)
_SEP = "[ .·。\t\r\n\u3000\u2010-\u2015\uff0d-]{0,3}"
_SEP_LIT = "[ .·。\t\r\n　‐-―－-]"
#: RE2 pre-filter: an ID or mobile number with at least one separator inside it.
_SPLIT_PRE = (f"[0-9](?:{_SEP_LIT}{{0,3}}[0-9]){{16}}{_SEP_LIT}{{0,3}}[0-9Xx]"
              f"|1{_SEP_LIT}{{0,3}}[3-9](?:{_SEP_LIT}{{0,3}}[0-9]){{9}}")
#: RE2 pre-filter: 16 to 19 digits, maybe in groups (a bank card).
_CARD_PRE = f"[0-9](?:{_SEP_LIT}?[0-9]){{15,18}}"
_ANY_PII = "|".join(dict.fromkeys([_ID18_ANY] + [p[2] for p in _PASSES] + [_SPLIT_PRE, _CARD_PRE]))

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = "10X98765432"


def id_check_digit_ok(ids: pd.Series) -> pd.Series:
    """Whether each 18-character ID number has a valid GB 11643 check digit.

    Examples
    --------
    >>> import pandas as pd
    >>> id_check_digit_ok(pd.Series(["11010519491231002X", "110105194912310021"])).tolist()
    [True, False]
    """
    s = pd.Series(ids, dtype="str").fillna("")
    ok_shape = s.str.fullmatch(r"[0-9]{17}[0-9Xx]").fillna(False).to_numpy(dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    if ok_shape.any():
        good = s[ok_shape].str.upper()
        digits = np.frombuffer("".join(good.str.slice(0, 17)).encode("ascii"),
                               dtype=np.uint8).reshape(-1, 17).astype(np.int64) - 48
        expected = np.array(list(_ID_CHECK))[(digits @ _ID_WEIGHTS) % 11]
        out[ok_shape] = expected == good.str.slice(17, 18).to_numpy(dtype=object)
    return pd.Series(out, index=s.index)


def _id_ok(number: str) -> bool:
    total = sum(int(c) * w for c, w in zip(number[:17], _ID_WEIGHTS.tolist()))
    return _ID_CHECK[total % 11] == number[17].upper()


def _mask_id18(m: re.Match) -> str:
    whole = m.group(0)
    return f"{m.group(1)}**********{whole[-4:]}" if _looks_like_id(whole) else whole


def _looks_like_id(number: str) -> bool:
    """An 18-character resident ID: a valid check digit, or a plausible birth date (a mistyped
    check digit does not make a citizen's number public)."""
    return _id_ok(number) or _BIRTH.fullmatch(number[6:14]) is not None


def mask_pii(texts: pd.Series) -> pd.Series:
    """Mask citizens' phone numbers, ID numbers, e-mails and plate numbers, keeping a hint.

    18-digit ID numbers are masked when their check digit is valid or their birth date is
    plausible (other 18-digit numbers are order or case numbers); 15-digit IDs when their
    birth date is valid; numbers split by spaces, dots, dashes or line breaks are caught too, and
    numbers written in full-width digits or with invisible characters inside (folded first).

    Parameters
    ----------
    texts : pandas.Series
        Free text (NA allowed).

    Returns
    -------
    pandas.Series
        The same texts with ``138****5678``, ``0564-****4567``, ``3415**********1234``,
        ``z***@qq.com``, ``皖N***45``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["手机 +86 138-1234-5678", "座机0564-3312345", "身份证11010519491231002X",
    ...                "邮箱zhang.san@qq.com", "车牌皖N12345", None])
    >>> mask_pii(s).tolist()
    ['手机 +86 138****5678', '座机0564-****2345', '身份证1101**********002X', '邮箱z***@qq.com', '车牌皖N***45', nan]
    """
    raw = pd.Series(texts, dtype="str")
    s = _fold_for_masking(raw)  # for finding numbers; a text with none found is written as it was
    # ID numbers first (their digits would otherwise look like phone numbers); the check
    # digit needs Python, on the few rows holding an 18-digit run only
    cand = _mask(s.str.contains(_ANY_PII, regex=True))  # one scan over all rows
    if not cand.any():
        return raw
    sub = s[cand]
    sub = _replace_where(sub, sub.str.contains(_ID18_ANY, regex=True), _ID18, _mask_id18)
    card = _mask(sub.str.contains(_CARD_PRE, regex=True))
    if card.any():  # bank cards (Luhn), also written in groups of four
        sub = sub.copy()
        sub.loc[card] = sub[card].map(_mask_cards)
    for pat, repl, pre in _PASSES:
        hit = _mask(sub.str.contains(pre, regex=True))
        if hit.any():  # sentinels let "[^0-9]" stand for the ends of the text
            sub = sub.copy()
            sub.loc[hit] = ("\x01" + sub[hit] + "\x01").str.replace(pat, repl, regex=True).str.slice(1, -1)
    # numbers split by spaces, dashes or line breaks anywhere between their digits ("1391234\n5678")
    split = _mask(sub.str.contains(_SPLIT_PRE, regex=True))
    if split.any():
        sub = sub.copy()
        sub.loc[split] = sub[split].map(_mask_split)
    out = raw.copy()
    changed = (sub != s[cand]).fillna(False).to_numpy(dtype=bool)  # masked: the folded text, with the mask
    out.loc[sub.index[changed]] = sub[changed]
    return out


_SPLIT_ID = re.compile(rf"(?<![0-9])[0-9](?:{_SEP}[0-9]){{16}}{_SEP}[0-9Xx](?![0-9])")
_SPLIT_MOBILE = re.compile(rf"(?<![0-9])1{_SEP}[3-9](?:{_SEP}[0-9]){{9}}(?![0-9])")
_BIRTH = re.compile(r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])")


_CARD = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ \u3000-]?[0-9]){15,18}(?![0-9A-Za-z])")
#: Words before a number that make it a bank card whatever its first digits.
CARD_WORDS = ("卡号", "银行卡", "账号", "帐号", "卡")
#: First digits of a UnionPay card (China's bank cards): a Luhn-valid number starting so is a card.
CARD_PREFIXES = ("62",)


def luhn_ok(numbers: pd.Series) -> pd.Series:
    """Whether each string of digits passes the Luhn check (bank card numbers).

    Examples
    --------
    >>> luhn_ok(pd.Series(["6222021234567890128", "6222021234567890121", "79927398713", None])).tolist()
    [True, False, True, False]
    """
    s = pd.Series(numbers, dtype="str").fillna("")
    ok = s.str.fullmatch(r"[0-9]{2,19}").fillna(False).to_numpy(dtype=bool)
    out = np.zeros(len(s), dtype=bool)
    if ok.any():
        good = s[ok]
        width = int(good.str.len().max())
        padded = good.str.pad(width, side="left", fillchar="0")  # leading zeros leave the sum alone
        d = np.frombuffer("".join(padded).encode("ascii"), dtype=np.uint8).reshape(-1, width).astype(np.int64) - 48
        double = (np.arange(width)[::-1] % 2) == 1  # every second digit from the right
        dd = np.where(double, d * 2, d)
        dd = np.where(dd > 9, dd - 9, dd)
        out[ok] = dd.sum(axis=1) % 10 == 0
    return pd.Series(out, index=s.index)


def _luhn(d: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(d)):
        v = int(c) * (2 if i % 2 else 1)
        total += v - 9 if v > 9 else v
    return total % 10 == 0


def is_card_number(digits: str, before: str = "") -> bool:
    """A bank card: 16–19 digits passing Luhn, starting with a UnionPay prefix or after a word
    such as 卡号/银行卡/账号 (``before``: the text just before it).

    Examples
    --------
    >>> is_card_number("6222021234567890128"), is_card_number("4111111111111111")
    (True, False)
    >>> is_card_number("4111111111111111", "银行卡号：")
    True
    """
    return (16 <= len(digits) <= 19 and digits.isdigit() and _luhn(digits)
            and (digits.startswith(CARD_PREFIXES) or any(w in before[-8:] for w in CARD_WORDS)))


def _mask_cards(text: str) -> str:
    def repl(m: re.Match) -> str:
        d = re.sub(r"[^0-9]", "", m.group(0))
        if not is_card_number(d, text[max(0, m.start() - 8):m.start()]):
            return m.group(0)
        return f"{d[:4]}{'*' * (len(d) - 8)}{d[-4:]}"

    return _CARD.sub(repl, text)


def _id_digits_ok(d: str, groups: list[str] | None = None) -> bool:
    """A split 18-digit number is an ID: a plausible birth date and a valid check digit, or a plausible
    birth date and the groups people write an ID in (every group of 2 digits or more: 6 8 4, 4 4 4 4 2)."""
    if _BIRTH.fullmatch(d[6:14]) is None:
        return False
    return _id_ok(d) or (groups is not None and d[0] in "12345678" and all(len(g) >= 2 for g in groups))


#: Characters that hide a number from the patterns: full-width digits and letters, full-width + @ .,
#: invisible format characters (removed) and no-break spaces (a space).
_FOLD = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
         **{0xFF41 + i: 0x61 + i for i in range(26)}, 0xFF0B: ord("+"), 0xFF20: ord("@"), 0xFF0E: ord("."),
         **{c: ord(" ") for c in range(0x80, 0x10000)  # every space (the ideographic one is a separator as it is)
            if unicodedata.category(chr(c)) == "Zs" and c != 0x3000},
         **dict.fromkeys(c for c in range(0x80, 0x10000) if unicodedata.category(chr(c)) == "Cf")}  # format marks
_FOLD_PRE = "[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]"


def _fold_for_masking(s: pd.Series) -> pd.Series:
    """The texts with the characters of :data:`_FOLD` folded (only rows that hold one are touched)."""
    hit = _mask(s.str.contains(_FOLD_PRE, regex=True))
    if not hit.any():
        return s
    out = s.copy()
    out.loc[hit] = s[hit].str.translate(_FOLD)
    return out


def _mask_split(text: str) -> str:
    """Mask ID and mobile numbers whose digits are split by spaces, dashes or line breaks."""
    def id_repl(m: re.Match) -> str:
        d = re.sub(r"[^0-9Xx]", "", m.group(0))
        groups = re.findall(r"[0-9Xx]+", m.group(0))
        return f"{d[:4]}**********{d[-4:]}" if _id_digits_ok(d, groups) else m.group(0)

    def mobile_repl(m: re.Match) -> str:
        d = re.sub(r"[^0-9]", "", m.group(0))
        return f"{d[:3]}****{d[-4:]}"

    return _SPLIT_MOBILE.sub(mobile_repl, _SPLIT_ID.sub(id_repl, text))


@functools.lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _traditional_class() -> str:
    """A regex character class of every CJK character OpenCC changes on its own."""
    chars = "".join(chr(i) for i in range(0x3400, 0xA000))
    conv = _converter().convert("\n".join(chars)).split("\n")
    trad = [a for a, b in zip(chars, conv) if a != b]
    return "[" + "".join(trad) + "]"


def _mask(b: pd.Series) -> np.ndarray:
    return b.fillna(False).to_numpy(dtype=bool, copy=True)


def _replace_where(s: pd.Series, where, pat: str, repl: str) -> pd.Series:
    """``s.str.replace(pat, repl)`` on the rows in ``where`` only."""
    where = _mask(where) if isinstance(where, pd.Series) else where
    if not where.any():
        return s
    s = s.copy()
    s.loc[where] = s[where].str.replace(pat, repl, regex=True)
    return s


#: Chinese full-width punctuation that free text keeps through NFKC (，not ,).
CJK_PUNCTUATION = "，！？：；（）"
_PUA = "".join(chr(0xE000 + i) for i in range(len(CJK_PUNCTUATION)))


def nfkc(values: pd.Series, keep_cjk_punctuation: bool = False) -> pd.Series:
    """Unicode NFKC (full-width letters, digits and punctuation → ASCII), in pyarrow's C++.

    With ``keep_cjk_punctuation`` the Chinese full-width punctuation of
    :data:`CJK_PUNCTUATION` is left as it is (free text reads as Chinese; ids, dates and
    counts are normalised without it).

    Examples
    --------
    >>> import pandas as pd
    >>> nfkc(pd.Series(["ＡＢＣ１２３", None])).tolist()
    ['ABC123', nan]
    >>> nfkc(pd.Series(["您好，请问：１号线（地铁）？"]), keep_cjk_punctuation=True).tolist()
    ['您好，请问：1号线（地铁）？']
    """
    s = pd.Series(values, dtype="str")
    try:
        import pyarrow.compute as pc

        arr = s.array._pa_array
        if keep_cjk_punctuation:
            for a, b in zip(CJK_PUNCTUATION, _PUA):
                arr = pc.replace_substring(arr, a, b)
        arr = pc.utf8_normalize(arr, form="NFKC")
        if keep_cjk_punctuation:
            for a, b in zip(CJK_PUNCTUATION, _PUA):
                arr = pc.replace_substring(arr, b, a)
        return pd.Series(arr, dtype="str", index=s.index)
    except (AttributeError, ImportError, NotImplementedError):  # pragma: no cover - other storage
        if keep_cjk_punctuation:
            s = s.str.translate(str.maketrans(CJK_PUNCTUATION, _PUA))
        s = s.str.normalize("NFKC")
        return s.str.translate(str.maketrans(_PUA, CJK_PUNCTUATION)) if keep_cjk_punctuation else s


def strip_padding(values: pd.Series) -> pd.Series:
    """Trim whitespace, newlines, tabs and zero-width marks from both ends; empty → NA.

    Examples
    --------
    >>> import pandas as pd
    >>> strip_padding(pd.Series(["\\n\\t 赞\\u200b ", " ", None])).tolist()
    ['赞', nan, nan]
    """
    s = pd.Series(values, dtype="str").str.strip(PADDING)
    return s.mask(s == "")


def normalize_text(series: pd.Series) -> pd.Series:
    """NFKC (keeping Chinese full-width punctuation), HTML tags and entities removed,
    zero-width marks dropped, padding trimmed, traditional characters converted to
    simplified (OpenCC ``t2s``).

    Only rows holding a traditional-only character go through OpenCC, and only rows
    holding ``&…;`` go through :func:`html.unescape`.

    Examples
    --------
    >>> import pandas as pd
    >>> normalize_text(pd.Series(["<p>政務微博發佈&amp;ＡＢＣ</p>\\u200b ", "  "])).tolist()
    ['政务微博发布&ABC', nan]
    """
    series = pd.Series(series, dtype="str")
    # most texts hold only characters no step changes (ASCII, Chinese characters, common
    # punctuation): found in one pass over their bytes, they are only trimmed
    work = needs_normalizing(series)
    if not work.all():
        out = series.copy()
        if work.any():
            out.loc[work] = _normalize_all(series[work])
        return strip_padding(out)
    return strip_padding(_normalize_all(series))


def _normalize_all(series: pd.Series) -> pd.Series:
    s = nfkc(series, keep_cjk_punctuation=True)
    # each costly step only on the rows that need it, found with one scan
    todo = rows_holding(s, _todo_table())
    if not todo.any():
        return s
    out = s.copy()
    out.loc[todo] = _normalize_rest(s[todo])
    return out


@functools.lru_cache(maxsize=1)
def _unchanged_characters() -> np.ndarray:
    """A table over code points: ``True`` where :func:`normalize_text` leaves the character as it is
    whatever surrounds it — ASCII but ``<`` and ``&``; in the CJK, punctuation and full-width blocks,
    characters NFKC keeps (canonical combining class 0) that OpenCC does not convert and that are not
    zero-width marks; the kept Chinese punctuation :data:`CJK_PUNCTUATION`. Everything else (combining
    marks, other scripts, emoji …) counts as needing the whole treatment."""
    import unicodedata

    safe = np.zeros(0x110000, dtype=bool)
    safe[:0x80] = True
    safe[[ord("<"), ord("&")]] = False
    trad = set(_traditional_class()[1:-1])
    for lo, hi in ((0x2000, 0x2070), (0x3000, 0x3040), (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xFF00, 0xFFF0)):
        for cp in range(lo, hi):
            c = chr(cp)
            safe[cp] = (unicodedata.normalize("NFKC", c) == c and unicodedata.combining(c) == 0
                        and c not in trad and c not in ZERO_WIDTH)
    safe[[ord(c) for c in CJK_PUNCTUATION]] = True
    return safe


def needs_normalizing(values: pd.Series) -> np.ndarray:
    """Which texts hold a character :func:`normalize_text` may change (other than trimming).

    Read from the texts' UTF-8 bytes (:func:`rows_holding` with the complement of
    :func:`_unchanged_characters`). NA is ``False``.

    Examples
    --------
    >>> needs_normalizing(pd.Series(["政务微博，发布。", "ＡＢＣ", "<p>", "政務", None])).tolist()
    [False, True, True, True, False]
    """
    return rows_holding(values, _changed_characters())


@functools.lru_cache(maxsize=1)
def _changed_characters() -> np.ndarray:
    return ~_unchanged_characters()


@functools.lru_cache(maxsize=2)
def _characters_table(chars: str) -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


def rows_holding(values: pd.Series, marked: np.ndarray, chunk: int = 1 << 24) -> np.ndarray:
    """Which texts hold at least one character marked in ``marked`` (a bool table over code points).

    Vectorised over the texts' UTF-8 bytes (pyarrow storage, no Python string per text): the
    code points of non-ASCII characters are decoded with numpy, ASCII bytes looked up as they
    are; a piece of at most ``chunk`` bytes at a time. NA is ``False``. Replaces a regex
    character class of thousands of characters (which pyarrow compiles on every call).

    Examples
    --------
    >>> t = _characters_table("發<")
    >>> rows_holding(pd.Series(["發佈", "发布", "a<b", None]), t).tolist()
    [True, False, True, False]
    """
    import pyarrow as pa

    s = pd.Series(values, dtype="str")
    out = np.zeros(len(s), dtype=bool)
    ascii_marked = np.r_[marked[:0x80], np.zeros(0x40, dtype=bool), np.ones(0x40, dtype=bool)]  # lead bytes
    arr = pa.chunked_array(s.array._pa_array) if hasattr(s.array, "_pa_array") else pa.chunked_array(
        [pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.large_string())])
    row0 = 0
    for piece in arr.chunks:
        n = len(piece)
        bufs = piece.buffers()
        if n == 0 or bufs[2] is None:
            row0 += n
            continue
        large = pa.types.is_large_string(piece.type)
        offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32)[piece.offset:piece.offset + n + 1]
        offsets = offsets.astype(np.int64)
        data = np.frombuffer(bufs[2], dtype=np.uint8)
        a = 0
        while a < n:  # rows a..b whose bytes make at most ``chunk`` (at least one row)
            b = min(n, max(a + 1, int(np.searchsorted(offsets, offsets[a] + chunk, side="right")) - 1))
            lo = int(offsets[a])
            d = data[lo:int(offsets[b])]
            lead = np.flatnonzero(ascii_marked[d])
            if len(lead):
                b0 = d[lead].astype(np.int32)
                cp = b0.copy()
                last = len(d) - 1

                def cont(k, i, lead=lead, d=d, last=last):
                    return d[np.minimum(lead[i] + k, last)].astype(np.int32) & 0x3F

                two = np.flatnonzero((b0 >= 0xC0) & (b0 < 0xE0))
                cp[two] = ((b0[two] & 0x1F) << 6) | cont(1, two)
                three = np.flatnonzero((b0 >= 0xE0) & (b0 < 0xF0))
                cp[three] = ((b0[three] & 0x0F) << 12) | (cont(1, three) << 6) | cont(2, three)
                four = np.flatnonzero(b0 >= 0xF0)
                cp[four] = ((b0[four] & 0x07) << 18) | (cont(1, four) << 12) | (cont(2, four) << 6) | cont(3, four)
                hit = lead[marked[np.minimum(cp, 0x10FFFF)]] + lo
                if len(hit):
                    out[row0 + np.searchsorted(offsets, hit, side="right") - 1] = True
            a = b
        row0 += n
    return out


@functools.lru_cache(maxsize=1)
def _traditional_table() -> np.ndarray:
    return _characters_table(_traditional_class()[1:-1])


@functools.lru_cache(maxsize=1)
def _todo_table() -> np.ndarray:
    return _traditional_table() | _characters_table("<&" + ZERO_WIDTH)


def _normalize_rest(s: pd.Series) -> pd.Series:
    s = _replace_where(s, s.str.contains("<", regex=False), _TAG_RE, "")
    s = _replace_where(s, s.str.contains(_ZW_RE, regex=True), _ZW_RE, "")
    ent = _mask(s.str.contains("&", regex=False))
    if ent.any():
        ent[ent] = _mask(s[ent].str.contains(_ENTITY_RE, regex=True))
    if ent.any():
        s.loc[ent] = nfkc(_batch(s[ent], html.unescape), keep_cjk_punctuation=True)
    trad = rows_holding(s, _traditional_table())
    if trad.any():
        s.loc[trad] = _batch(s[trad], _converter().convert)
    return s


def _batch(s: pd.Series, func) -> pd.Series:
    """Apply a str → str function to many texts in one call (joined by a record separator)."""
    sep = "\x1e"
    vals = s.fillna("")
    if vals.str.contains(sep, regex=False).any():  # pragma: no cover - separator inside the data
        return s.map(func)
    out = func(sep.join(vals.tolist())).split(sep)
    if len(out) != len(s):  # pragma: no cover - the function touched a separator
        return s.map(func)
    return pd.Series(out, index=s.index, dtype="str").where(s.notna())


_SPACES = "[ \t\r\n\x0b\x0c\u3000]+"


def _key(values: pd.Series) -> pd.Series:
    return (nfkc(values).str.strip(PADDING)
            .str.replace(_SPACES, "", regex=True).str.lower())


def normalize_platform(values: pd.Series) -> pd.Series:
    """Platform spellings (新浪微博, 公众号, 客户端, APP, 抖音 …) → ``weibo``/``wechat``/``app``/``douyin`` ….

    Unknown spellings become NA (the reader quarantines them as ``bad_choice``).

    Examples
    --------
    >>> import pandas as pd
    >>> normalize_platform(pd.Series(["新浪微博", " 微信公众号", "APP", "抖音", "门户网站"])).tolist()
    ['weibo', 'wechat', 'app', 'douyin', nan]
    """
    return normalize_choice(values, PLATFORM_ALIASES)


@functools.lru_cache(maxsize=64)
def _alias_table(items: tuple) -> dict[str, str]:
    keys = _key(pd.Series([k for k, _ in items], dtype="str"))
    return dict(zip(keys, (v for _, v in items)))


def normalize_choice(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """Map spellings to canonical codes with ``aliases`` (case and width insensitive).

    Examples
    --------
    >>> import pandas as pd
    >>> normalize_choice(pd.Series(["县区", "Zone"]), {"县区": "county", "zone": "zone"}).tolist()
    ['county', 'zone']
    """
    table = _alias_table(tuple(aliases.items()))
    keys = _key(values)
    return keys.map(table).astype("str")


def _short_unit(names: pd.Series) -> pd.Series:
    k = _key(names).str.replace(r"^(安徽省)?六安市", "", regex=True)
    k = k.str.replace(r"(人民政府|政府)$", "", regex=True)
    return k


def match_units(names: pd.Series, registry_units) -> pd.DataFrame:
    """Match unit names to the registry's: exact, without ``六安市``, then fuzzy.

    Parameters
    ----------
    names : pandas.Series
        Unit names as written in the data.
    registry_units : iterable of str
        The registry's unit names (``accounts.unit``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``names``; ``unit`` (the registry's spelling, or the name as given
        when nothing matched), ``score`` (100 exact, 95 short name, fuzzy score, 0 none)
        and ``method`` (``exact``/``short``/``fuzzy``/``none``).

    Examples
    --------
    >>> import pandas as pd
    >>> reg = ["金安区", "六安市教育局", "六安市公安局"]
    >>> m = match_units(pd.Series(["金安区", "教育局", "六安市公安局局", "火星局"]), reg)
    >>> m["unit"].tolist(), m["method"].tolist()
    (['金安区', '六安市教育局', '六安市公安局', '火星局'], ['exact', 'short', 'fuzzy', 'none'])
    """
    names = pd.Series(names, dtype="str")
    reg = pd.Series(list(dict.fromkeys(u for u in registry_units if isinstance(u, str) and u)),
                    dtype="str")
    out = pd.DataFrame({"unit": names.str.strip(PADDING), "score": 0.0, "method": "none"},
                       index=names.index)
    out["method"] = out["method"].astype("str")
    if reg.empty:
        return out
    given = names.notna() & (names.str.strip(PADDING) != "")
    full = dict(zip(_key(reg), reg))
    short = dict(zip(_short_unit(reg), reg))
    exact = _key(names).map(full)
    short_hit = _short_unit(names).map(short)
    is_exact = exact.notna() & given
    is_short = ~is_exact & short_hit.notna() & given
    out.loc[is_exact, ["unit", "method"]] = pd.DataFrame(
        {"unit": exact[is_exact], "method": "exact"})
    out.loc[is_exact, "score"] = 100.0
    out.loc[is_short, ["unit", "method"]] = pd.DataFrame(
        {"unit": short_hit[is_short], "method": "short"})
    out.loc[is_short, "score"] = 95.0
    rest = given & ~is_exact & ~is_short
    if rest.any():
        uniq = pd.unique(_key(names[rest]))
        reg_keys = list(_key(reg))
        best: dict[str, tuple[str, float]] = {}
        try:
            from rapidfuzz import fuzz, process

            for u in uniq:
                hit = process.extractOne(u, reg_keys, scorer=fuzz.WRatio, score_cutoff=80)
                if hit:
                    best[u] = (reg.iloc[hit[2]], float(hit[1]))
        except ImportError:  # pragma: no cover - rapidfuzz is a dependency
            for u in uniq:
                hit = difflib.get_close_matches(u, reg_keys, n=1, cutoff=0.8)
                if hit:
                    i = reg_keys.index(hit[0])
                    best[u] = (reg.iloc[i],
                               100 * difflib.SequenceMatcher(None, u, hit[0]).ratio())
        k = _key(names[rest])
        unit = k.map({u: b[0] for u, b in best.items()})
        score = k.map({u: b[1] for u, b in best.items()})
        hit = unit.notna()
        idx = unit.index[hit]
        out.loc[idx, "unit"] = unit[hit]
        out.loc[idx, "score"] = score[hit].astype(float)
        out.loc[idx, "method"] = "fuzzy"
    return out


def near_duplicate_key(texts: pd.Series, normalized: bool = False) -> pd.Series:
    """A comparison key for near duplicates: NFKC, lower case, no links, spaces or punctuation.

    Examples
    --------
    >>> import pandas as pd
    >>> near_duplicate_key(pd.Series(["【通知】明天停水！http://t.cn/abc", "通知 明天停水"])).tolist()
    ['通知明天停水', '通知明天停水']
    """
    k = (pd.Series(texts, dtype="str") if normalized else nfkc(texts)).str.lower()
    k = _replace_where(k, k.str.contains("http", regex=False), r"https?://[!-~]+", "")
    # RE2 Unicode classes (pandas hands patterns Python's re cannot parse to pyarrow)
    k = k.str.replace(r"[\p{P}\p{S}\p{Z}\p{C}_ ]+", "", regex=True)
    return k.mask(k == "")


def flag_near_duplicates(df: pd.DataFrame, id_col: str, text_cols: list[str],
                         group_cols: list[str] = (), normalized: bool = False) -> pd.Series:
    """For each row, the id of the first earlier row with the same near-duplicate key.

    Rows whose key is empty (image-only posts) are never flagged.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a", "b", "c"], "text": ["停水通知！", "停水 通知", "其他"]})
    >>> flag_near_duplicates(df, "id", ["text"]).tolist()
    [nan, 'a', nan]
    """
    if df.empty:
        return pd.Series(pd.NA, index=df.index, dtype="str")
    key = near_duplicate_key(df[text_cols[0]], normalized)
    for c in text_cols[1:]:
        key = key.fillna("") + "\x1f" + near_duplicate_key(df[c], normalized).fillna("")
        key = key.mask(key.str.strip("\x1f") == "")
    # integer codes instead of string group keys: factorize each part, combine, take the
    # first row of each group
    code = np.zeros(len(df), dtype=np.int64)
    for part in [df[c].astype("str").fillna("") for c in group_cols] + [key.fillna("")]:
        c, uniq = pd.factorize(part)
        code = code * (len(uniq) + 1) + c
        code = pd.factorize(code)[0].astype(np.int64)  # keep the combined codes small
    pos = np.arange(len(df))
    first_pos = pd.Series(pos).groupby(code).transform("min").to_numpy()
    ids = df[id_col].astype("str")
    flagged = (first_pos != pos) & _mask(key.notna())
    out = pd.Series(pd.NA, index=df.index, dtype="str")
    if flagged.any():
        out.iloc[np.flatnonzero(flagged)] = ids.iloc[first_pos[flagged]].to_numpy()
    return out


#: What templates put around a header: a number (``4.``, ``4、``, ``(4)``), a star, ``（必填）``, a colon.
_HEADER_NUMBER = re.compile(r"^(?:[0-9]{1,2}\s*[.、)]|\([0-9]{1,2}\))\s*(?=\D)")
_HEADER_NOTE = re.compile(r"\((?:必填|选填|可选|必选|非必填|必须|required|optional)\)$")
_HEADER_MARKS = "*※★☆:"


def normalize_unicode_header(h: str) -> str:
    """A header as compared with the aliases: NFKC, trimmed, lower case, without spaces, underscores
    and hyphens inside, nor a template's marks around it (``*``, ``4.``, ``（必填）``, ``：``).

    Examples
    --------
    >>> normalize_unicode_header(" 发布 时间\\u200b"), normalize_unicode_header("Post ID")
    ('发布时间', 'postid')
    >>> normalize_unicode_header("*发布时间（必填）："), normalize_unicode_header("4.account-id")
    ('发布时间', 'accountid')
    """
    h = unicodedata.normalize("NFKC", str(h)).strip(PADDING).lower()
    bare = re.sub(r"\s+", "", h)
    h = _HEADER_NUMBER.sub("", bare).strip(_HEADER_MARKS)
    h = _HEADER_NOTE.sub("", h).strip(_HEADER_MARKS)
    h = re.sub(r"[_\-]+", "", h)
    return h or bare


# --- folding texts for matching, with a map back to the original offsets ----------------------
#: Separator between texts joined for one scan (kept by the fold; no rule or number holds it).
FOLD_SEP = "\x1f"


@functools.lru_cache(maxsize=1)
def _fold_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per code point: what it folds to (one code point), whether it is kept when spaces are
    dropped, and whether it is kept when only invisible marks are dropped.

    Folding: NFKC where it gives one character (full-width letters, digits and punctuation,
    the ideographic space), ASCII lower case, traditional → simplified (OpenCC ``t2s``, each
    character on its own); dropped: zero-width and other format marks (Unicode ``Cf``), and
    for the first mask whitespace too.
    """
    n = 0x110000
    repl = np.arange(n, dtype=np.uint32)
    fmt = np.zeros(n, dtype=bool)
    for c in range(0x10000):
        ch = chr(c)
        if 0xD800 <= c < 0xE000:
            continue
        if unicodedata.category(ch) == "Cf":
            fmt[c] = True
            continue
        k = unicodedata.normalize("NFKC", ch)
        if len(k) == 1:
            repl[c] = ord(k)
    for c in range(0xE0000, 0xE0080):  # tag characters
        fmt[c] = True
    fmt[ord(FOLD_SEP)] = False
    upper = (repl >= ord("A")) & (repl <= ord("Z"))
    repl[upper] += 32
    trad = _traditional_class()[1:-1]
    simp = _converter().convert("\n".join(trad)).split("\n")
    t2s = np.arange(n, dtype=np.uint32)
    for a, b in zip(trad, simp):
        if len(b) == 1:
            t2s[ord(a)] = ord(b)
    repl = t2s[repl]
    space = np.zeros(n, dtype=bool)
    for ch in PADDING + "\x1c\x1d\x1e":
        space[ord(ch)] = True
    space[ord(FOLD_SEP)] = False
    keep_dense = ~(fmt | space[repl] | space)
    keep_spaced = ~fmt
    return repl, keep_dense, keep_spaced


@functools.lru_cache(maxsize=1)
def _fold_tables16() -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """:func:`_fold_tables` for the BMP, as 16-bit code units (a BMP character never folds out of it)."""
    repl, keep_dense, keep_spaced = _fold_tables()
    r = repl[:0x10000]
    r = np.where(r < 0x10000, r, np.arange(0x10000)).astype(np.uint16)
    r[0xD800:0xE000] = np.arange(0xD800, 0xE000, dtype=np.uint16)  # lone surrogates stay as they are
    return r, (keep_dense[:0x10000].copy(), keep_spaced[:0x10000].copy())


class Folded:
    """Texts folded for matching and joined into one string, with the way back to each original.

    ``text`` is every text folded (see :func:`fold_texts`), joined by :data:`FOLD_SEP`;
    :meth:`locate` turns spans of ``text`` into (row, start, end) in the original texts.

    Examples
    --------
    >>> f = fold_texts(pd.Series(["中國人民 共\\u200b和國", "ＡＢ１２"]))
    >>> f.text
    '中国人民共和国\\x1fab12'
    >>> f.locate([0, 8], [7, 12])
    (array([0, 1]), array([0, 0]), array([9, 4]))
    """

    def __init__(self, text: str, dropped: np.ndarray, row_starts: np.ndarray, n: int):
        self.text = text
        # the map back, sparse: each dropped character's original offset less the number dropped
        # before it (folded positions at or past it move one further right)
        self.shift = dropped - np.arange(len(dropped), dtype=np.int64)
        self.row_starts = row_starts        # start of each row in the joined originals
        self.n = n

    def original(self, pos) -> np.ndarray:
        """The offset in the joined originals of each folded position."""
        pos = np.asarray(pos, dtype=np.int64)
        return pos + np.searchsorted(self.shift, pos, side="right")

    def locate(self, start, end) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows and original ``[start, end)`` offsets of folded spans ``[start, end)``."""
        start = np.asarray(start, dtype=np.int64)
        end = np.asarray(end, dtype=np.int64)
        if not len(start):
            z = np.array([], dtype=np.int64)
            return z, z, z
        o0 = self.original(start)
        o1 = self.original(end - 1) + 1
        row = np.searchsorted(self.row_starts, o0, side="right") - 1
        base = self.row_starts[row]
        return row, o0 - base, o1 - base

    def row_of(self, pos) -> np.ndarray:
        """The row of each folded position."""
        return np.searchsorted(self.row_starts, self.original(pos), side="right") - 1


def fold_texts(texts: pd.Series, keep_spaces: bool = False) -> Folded:
    """Fold texts for matching in one vectorised pass, keeping a map back to the original offsets.

    Full-width forms become half-width (NFKC, one character to one), ASCII letters lower
    case, traditional characters simplified (OpenCC ``t2s``, character by character),
    zero-width and other invisible format marks are dropped, and whitespace too unless
    ``keep_spaces`` (links are found with the spaces kept). Missing texts fold to ``""``.

    Parameters
    ----------
    texts : pandas.Series
    keep_spaces : bool

    Returns
    -------
    Folded

    Examples
    --------
    >>> fold_texts(pd.Series(["ｈｔｔｐ：／／ｗｗｗ．Ｘ.com 看"]), keep_spaces=True).text
    'http://www.x.com 看'
    """
    repl, keep_dense, keep_spaced = _fold_tables()
    keep = keep_spaced if keep_spaces else keep_dense
    s = pd.Series(texts, dtype="str").fillna("")
    lengths = s.str.len().to_numpy(dtype=np.int64)
    joined = FOLD_SEP.join(s.tolist())
    units = np.frombuffer(joined.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) == len(joined):  # no character beyond the BMP: 16-bit tables (they stay in the cache)
        r16, k16 = _fold_tables16()
        kept = (k16[1] if keep_spaces else k16[0])[units]
        text = r16[units][kept].tobytes().decode("utf-16-le", "surrogatepass")
    else:
        cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        kept = keep[cps]
        text = repl[cps][kept].tobytes().decode("utf-32-le", "surrogatepass")
    dropped = np.flatnonzero(~kept)  # few: spaces and invisible marks
    starts = np.zeros(len(s), dtype=np.int64)
    if len(s) > 1:
        starts[1:] = np.cumsum(lengths[:-1] + 1)
    return Folded(text, dropped, starts, len(s))


#: Kinds of citizens' numbers :func:`find_pii` finds, and their Chinese names.
PII_KINDS = {"id_card": "居民身份证号码", "mobile": "手机号码", "bank_card": "银行卡号"}
_FIND_ID = re.compile(r"(?<![0-9])[0-9]{6}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
                      r"[0-9]{3}[0-9x](?![0-9])")
_FIND_MOBILE = re.compile(r"(?<![0-9])(?:\+?86-?)?1[3-9][0-9]-?[0-9]{4}-?[0-9]{4}(?![0-9])")
_FIND_CARD = re.compile(r"(?<![0-9a-z])[0-9]{16,19}(?![0-9a-z])")
_DIGIT_RUN = re.compile(r"[0-9][0-9x-]{9,}")


def find_pii_folded(text: str) -> pd.DataFrame:
    """Citizens' numbers in a folded text (:func:`fold_texts`, spaces dropped): ``start, end, kind``.

    An ID number has a plausible birth date and a valid check digit (GB 11643); a mobile
    number 11 digits from 13x to 19x (``+86`` allowed); a bank card 16–19 digits passing
    Luhn that starts with a UnionPay prefix or follows 卡号/银行卡/账号 (:func:`is_card_number`).

    Examples
    --------
    >>> find_pii_folded("身份证11010519491231002x电话13812345678").values.tolist()
    [[3, 21, 'id_card'], [23, 34, 'mobile']]
    """
    parts = []
    ids = []
    for run in _DIGIT_RUN.finditer(text):  # digits are rare: the exact patterns run on each run only
        a, b = max(0, run.start() - 4), run.end()
        ids += [(m.start(), m.end(), m.group(0)) for m in _FIND_ID.finditer(text, a, b)]
        parts += [(m.start(), m.end(), "mobile") for m in _FIND_MOBILE.finditer(text, a, b)]
        for m in _FIND_CARD.finditer(text, a, b):
            if is_card_number(m.group(0), text[max(0, m.start() - 8):m.start()]):
                parts.append((m.start(), m.end(), "bank_card"))
    if ids:
        ok = id_check_digit_ok(pd.Series([g for _, _, g in ids], dtype="str")).to_numpy()
        good = [(a, b, "id_card") for (a, b, _), g in zip(ids, ok) if g]
        starts = {a for a, _, _ in good}
        parts = good + [p for p in parts if p[0] not in starts]  # a valid ID is not also a card
    out = pd.DataFrame(parts, columns=["start", "end", "kind"])
    out = out.astype({"start": "int64", "end": "int64", "kind": "str"})
    return out.sort_values("start", ignore_index=True)


def find_pii(texts: pd.Series) -> pd.DataFrame:
    """Citizens' ID, mobile and bank card numbers in texts, with where each one is.

    The texts are folded first (:func:`fold_texts`): full-width digits, spaces and zero-width
    marks slipped between the digits do not hide a number.

    Returns
    -------
    DataFrame
        ``row`` (position in ``texts``), ``start``, ``end`` (offsets in the original text),
        ``kind`` (``id_card``/``mobile``/``bank_card``, see :data:`PII_KINDS`).

    Examples
    --------
    >>> find_pii(pd.Series(["无", "请拨１３８ 1234\\u200b5678"])).values.tolist()
    [[1, 2, 15, 'mobile']]
    """
    f = fold_texts(texts)
    hits = find_pii_folded(f.text)
    row, a, b = f.locate(hits["start"].to_numpy(), hits["end"].to_numpy())
    return pd.DataFrame({"row": row.astype("int64"), "start": a.astype("int64"), "end": b.astype("int64"),
                         "kind": hits["kind"].astype("str")})


def pii_kinds(texts: pd.Series) -> pd.Series:
    """For each text, the kinds of citizens' numbers it holds (``;``-joined, sorted), else NA.

    The loader records this for published texts before it masks them, so that a leak can be
    reported without the number being kept.

    Examples
    --------
    >>> pii_kinds(pd.Series(["电话13812345678，身份证11010519491231002X", "无", None])).tolist()
    ['id_card;mobile', nan, nan]
    """
    s = pd.Series(texts, dtype="str")
    out = pd.Series(pd.NA, index=s.index, dtype="str")
    cand = _mask(s.str.contains("[0-9０-９]", regex=True))
    if not cand.any():
        return out
    sub = s[cand]
    step = 200_000  # a piece at a time: the folded text of a year of messages never exists at once
    hits = pd.concat([find_pii(sub.iloc[a:a + step]).assign(row=lambda h, a=a: h["row"] + a)
                      for a in range(0, len(sub), step)], ignore_index=True)
    if len(hits):
        kinds = hits.drop_duplicates(["row", "kind"]).sort_values(["row", "kind"])
        joined = kinds.groupby("row")["kind"].agg(";".join)
        vals = pd.Series(pd.NA, index=range(len(sub)), dtype="str")
        vals[joined.index] = joined.to_numpy()
        out.loc[sub.index] = vals.to_numpy()
    return out
