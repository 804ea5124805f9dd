"""Cleaning: PII masking, text normalisation, platform aliases, unit matching, near duplicates."""
import re

import pandas as pd
import pytest

from liuan_eval.clean import (
    flag_near_duplicates,
    id_check_digit_ok,
    mask_pii,
    match_units,
    nfkc,
    normalize_platform,
    normalize_text,
    strip_padding,
)

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
IDNO = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def _with_check_digit(first17: str) -> str:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * x for c, x in zip(first17, w)) % 11]


VALID_ID = _with_check_digit("34150219850612123")
INVALID_ID = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")


@pytest.mark.parametrize("text, expected", [
    ("我的电话13812345678谢谢", "我的电话138****5678谢谢"),
    ("电话 138 1234 5678。", "电话 138****5678。"),
    ("电话138-1234-5678", "电话138****5678"),
    ("+86 13812345678", "+86 138****5678"),
    ("+8613812345678", "+86138****5678"),
    ("两个号码13812345678,13912345678", "两个号码138****5678,139****5678"),
    ("座机0564-3312345", "座机0564-****2345"),
    ("座机(0564)33123456", "座机(0564)****3456"),
    ("座机05643312345", "座机0564****2345"),
    ("邮箱zhang.san@qq.com。", "邮箱z***@qq.com。"),
    ("车牌皖N12345", "车牌皖N***45"),
    ("新能源车皖ND12345停在门口", "新能源车皖N***45停在门口"),
    ("车牌皖N·A1234", "车牌皖N***34"),
    # the ways people write them beyond spaces and hyphens: dots, dashes, brackets, lower case
    ("电话138.1234.5678", "电话138****5678"),
    ("电话138—1234—5678", "电话138****5678"),
    ("电话138–1234–5678。", "电话138****5678。"),
    ("电话+86(138)12345678", "电话+86(138)****5678"),
    ("电话（138）1234 5678", "电话（138）****5678"),
    ("座机0564—3371234", "座机0564—****1234"),
    ("座机0564.3371234", "座机0564.****1234"),
    ("车牌皖n12345", "车牌皖n***45"),
    ("车牌皖 N12345", "车牌皖 N***45"),
])
def test_mask_pii_masks_with_a_hint(text, expected):
    assert mask_pii(pd.Series([text])).iloc[0] == expected


def test_mask_pii_ids_need_a_valid_check_digit_or_a_birth_date():
    mistyped = VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2")  # a wrong check digit: still a citizen's
    order = "202512010000123457"  # no birth date in it, no valid check digit: an order number
    out = mask_pii(pd.Series([f"身份证号{VALID_ID}", f"身份证号{mistyped}", f"订单号{order}",
                              "旧身份证341502850612123"]))
    assert out.iloc[0] == f"身份证号3415**********{VALID_ID[-4:]}"
    assert out.iloc[1] == f"身份证号3415**********{mistyped[-4:]}"
    assert out.iloc[2] == f"订单号{order}"  # an 18-digit number that is no ID stays
    assert out.iloc[3] == "旧身份证3415********123"


def test_mask_pii_ids_right_after_latin_letters_are_masked():
    """Citizens write ID341502…, sfz341502…, SFZ:341502…; only a digit next to it makes it part of a longer number."""
    out = mask_pii(pd.Series([f"户籍迁移 ID{VALID_ID}", f"我的sfz{VALID_ID}，电话", f"SFZ{VALID_ID}号", f"ID{VALID_ID}abc",
                              "sfz341502850612123"]))
    masked = f"3415**********{VALID_ID[-4:]}"
    assert out.tolist()[:4] == [f"户籍迁移 ID{masked}", f"我的sfz{masked}，电话", f"SFZ{masked}号", f"ID{masked}abc"]
    assert out.iloc[4] == "sfz3415********123"


def test_mask_pii_sees_through_full_width_digits_and_invisible_characters():
    """A raw (quarantined) value is not folded by the cleaning: the masking folds what hides a number."""
    fw = "".join(chr(0xFF10 + int(c)) for c in "13912345678")
    fw_id = "".join(chr(0xFF10 + int(c)) for c in VALID_ID[:17]) + VALID_ID[17]
    out = mask_pii(pd.Series([f"联系我{fw}谢谢", "电话139\u200b1234\u200b5678", "号\u00a0139\u00a01234\u00a05678",
                              f"身份证{fw_id}", "１３９－１２３４－５６７８", "２０２５年３月５日，价格１２．５元"]))
    assert out.tolist()[:5] == ["联系我139****5678谢谢", "电话139****5678", "号 139****5678",
                                f"身份证3415**********{VALID_ID[-4:]}", "139****5678"]
    assert out.iloc[5] == "２０２５年３月５日，价格１２．５元"  # nothing to mask: the text as it was
    spaced = mask_pii(pd.Series(["138\u20091234\u20095678", "138\u200e1234\u200e5678", "电话138·1234·5678。谢谢",
                                 "138。1234。5678", "中国\u200b人民共和国"]))
    assert spaced.tolist() == ["138****5678", "138****5678", "电话138****5678。谢谢", "138****5678", "中国\u200b人民共和国"]


def test_mask_pii_catches_ids_written_in_groups_even_mistyped():
    mistyped = VALID_ID[:17] + ("1" if VALID_ID[17] != "1" else "2")
    forms = [f"{VALID_ID[:6]}.{VALID_ID[6:14]}.{VALID_ID[14:]}", f"{mistyped[:6]} {mistyped[6:14]} {mistyped[14:]}",
             f"{mistyped[:6]}-{mistyped[6:14]}-{mistyped[14:]}", " ".join(mistyped[i:i + 4] for i in range(0, 18, 4))]
    out = mask_pii(pd.Series([f"身份证号 {f} 请核实" for f in forms]))
    assert out.tolist() == [f"身份证号 3415**********{n[-4:]} 请核实" for n in (VALID_ID, mistyped, mistyped, mistyped)]
    # numbers in groups that are no ID (no birth date in the place of one) stay
    kept = pd.Series(["订单 2019 2020 2021 2022 20", "版本 1.2.3 发布", "编号 9999 9999 9999 9999 99"])
    assert mask_pii(kept).tolist() == kept.tolist()


def test_mask_pii_leaves_ordinary_numbers_and_na():
    s = pd.Series(["2025年3月1日发布，阅读10万+", "编号1234567", None, "QQ群12345", "增长13.5%，2025.03.05发布",
                   "皖北地区", "1380-1234-5678"])
    out = mask_pii(s)
    assert out.iloc[0] == s.iloc[0] and out.iloc[1] == s.iloc[1] and out.iloc[3] == s.iloc[3]
    assert out.iloc[4:].tolist() == s.iloc[4:].tolist()
    assert pd.isna(out.iloc[2])


def test_mask_pii_leaves_no_mobile_or_id_in_a_large_batch():
    import numpy as np

    rng = np.random.default_rng(0)
    phones = ["1" + str(rng.integers(3, 10)) + f"{rng.integers(0, 10**9):09d}" for _ in range(500)]
    texts = pd.Series([f"第{i}条：电话{p}，身份证{VALID_ID}。" for i, p in enumerate(phones)])
    out = "\n".join(mask_pii(texts))
    assert not MOBILE.findall(out) and not IDNO.findall(out)
    assert out.count("****") >= 500


def test_id_check_digit():
    ok = id_check_digit_ok(pd.Series([VALID_ID, INVALID_ID, "11010519491231002X", "123"]))
    assert ok.tolist() == [True, False, True, False]


def test_normalize_text_all_steps():
    s = pd.Series(["<p>政務微博發佈</p>&nbsp;\u200b", "ＡＢＣ１２３", "\n\t 正常文本 \u200b\n", "", None,
                   "a &lt;b&gt; c"])
    out = normalize_text(s)
    assert out.iloc[0] == "政务微博发布"
    assert out.iloc[1] == "ABC123"
    assert out.iloc[2] == "正常文本"
    assert pd.isna(out.iloc[3]) and pd.isna(out.iloc[4])
    assert out.iloc[5] == "a <b> c"
    assert str(out.dtype) == "str"


def test_normalize_text_converts_only_traditional_rows():
    s = pd.Series(["六安市會議通知", "六安市会议通知"])
    assert normalize_text(s).tolist() == ["六安市会议通知", "六安市会议通知"]


def test_strip_padding_and_nfkc():
    assert strip_padding(pd.Series(["\u3000 赞 \t\u200b", "\n"])).tolist()[0] == "赞"
    assert pd.isna(strip_padding(pd.Series(["\n"])).iloc[0])
    assert nfkc(pd.Series(["ＡＢＣ"])).iloc[0] == "ABC"


@pytest.mark.parametrize("given, code", [
    ("新浪微博", "weibo"), ("微博", "weibo"), ("Weibo", "weibo"), ("微信", "wechat"), ("公众号", "wechat"),
    ("wechat", "wechat"), ("客户端", "app"), ("APP", "app"), ("app", "app"), (" 微信公众号 ", "wechat"),
])
def test_normalize_platform(given, code):
    assert normalize_platform(pd.Series([given])).iloc[0] == code


def test_normalize_platform_unknown_is_na():
    assert pd.isna(normalize_platform(pd.Series(["门户网站"])).iloc[0])


def test_the_other_platforms_an_office_registers_are_accepted():
    got = normalize_platform(pd.Series(["抖音", "政务快手", "今日头条", "头条号", "微信视频号", "B站", "其他平台"])).tolist()
    assert got == ["douyin", "kuaishou", "toutiao", "toutiao", "channels", "bilibili", "other"]


def test_match_units_methods_and_scores():
    reg = ["金安区", "裕安区", "六安市教育局", "六安市公安局", "六安经济技术开发区"]
    names = pd.Series(["金安区", "六安市教育局", "教育局", "六安市公安局局", "火星局", None, "裕安区人民政府"])
    m = match_units(names, reg)
    assert m["unit"].tolist()[:5] == ["金安区", "六安市教育局", "六安市教育局", "六安市公安局", "火星局"]
    assert m["method"].tolist()[:5] == ["exact", "exact", "short", "fuzzy", "none"]
    assert m["score"].iloc[0] == 100 and m["score"].iloc[2] == 95
    assert 80 <= m["score"].iloc[3] < 100 and m["score"].iloc[4] == 0
    assert m["unit"].iloc[6] == "裕安区" and m["method"].iloc[6] == "short"
    assert m["method"].iloc[5] == "none"


def test_flag_near_duplicates_within_account():
    df = pd.DataFrame({"post_id": ["a", "b", "c", "d", "e"],
                       "account_id": ["x", "x", "y", "x", "x"],
                       "text": ["【通知】明天停水！", "通知：明天停水", "通知 明天停水", None, None]})
    flags = flag_near_duplicates(df, "post_id", ["text"], ["account_id"])
    assert pd.isna(flags.iloc[0]) and flags.iloc[1] == "a"
    assert pd.isna(flags.iloc[2])  # another account
    assert pd.isna(flags.iloc[3]) and pd.isna(flags.iloc[4])  # image-only posts are never near duplicates


def test_texts_left_alone_by_the_byte_scan_are_those_normalizing_leaves_alone():
    import numpy as np

    from liuan_eval.clean import _normalize_all, needs_normalizing, normalize_text

    rng = np.random.default_rng(0)
    pools = ["政务微博发布留言回复你好", "，。、！？：；（）“”《》【】…—～", "ＡＢＣ１２３＠　", "政務發佈體", "abc 123<>&;",
             "\u200b\u3000\xa0\u0301e\u00e9\u1100\u1161\uac00", "😀①㈠ﬁ㍿", "\ud7a3\u2460\u3099\u304b"]
    chars = "".join(pools)
    texts = ["".join(rng.choice(list(p if rng.random() < 0.7 else chars), size=int(rng.integers(0, 12))))
             for p in (pools[int(rng.integers(len(pools)))] for _ in range(4000))] + [None, ""]
    s = pd.Series(texts, dtype="str")
    assert normalize_text(s).tolist() == strip_all(_normalize_all(s)).tolist()
    work = needs_normalizing(s)
    assert 0.2 < work.mean() < 0.9  # both kinds of rows are in the test
    kept = ~work & s.notna().to_numpy()
    assert (_normalize_all(s[kept]) == s[kept]).all()  # what the scan lets through, NFKC & co. leave alone


def strip_all(s):
    from liuan_eval.clean import strip_padding

    return strip_padding(s)
