"""The content checker (liuan_eval.text.content): folding, spans, numbers, links and strict rule files."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.clean import fold_texts, luhn_ok, mask_pii
from liuan_eval.text.content import ContentRuleError, check_content, load_content_rules


def items(*texts, source="posts"):
    return pd.DataFrame({"source": source, "item_id": [f"p{i}" for i in range(len(texts))], "field": "text",
                         "text": list(texts)})


@pytest.mark.parametrize("text", ["中国人民共和国", "中国 人民共和国", "中国\u200b人民\u200d共和国", "中國人民共和國",
                                  "中国\u3000人民共\n和国", "中国\ufeff人民共和国"])
def test_a_wrong_expression_is_found_however_disguised_and_its_span_is_the_original(text):
    t = "庆祝" + text + "成立"
    h = check_content(items(t))
    assert h["kind"].tolist() == ["wrong"] and h["rule"].tolist() == ["中国人民共和国"]
    assert h["correction"].iloc[0] == "中华人民共和国"
    a, b = h["start"].iloc[0], h["end"].iloc[0]
    assert t[a:b] == text and h["matched"].iloc[0] == text


def test_full_width_links_and_numbers_fold_to_half_width():
    f = fold_texts(pd.Series(["ＡＢＣ　１２３", None, "ｗｗｗ．ｘ．ｃｏｍ"]), keep_spaces=True)
    assert f.text.split("\x1f") == ["abc 123", "", "www.x.com"]
    rows, a, b = f.locate([0, 9], [3, 18])
    assert rows.tolist() == [0, 2] and a.tolist() == [0, 0] and b.tolist() == [3, 9]


def test_each_hit_names_post_span_rule_and_correction_longest_rule_wins():
    h = check_content(items("无问题", "截止到目前，按装完成", "国务院办公室"))
    assert h[["item_id", "kind", "rule", "start", "end", "correction"]].values.tolist() == [
        ["p1", "typo", "截止到目前", 0, 5, "截至目前"], ["p1", "typo", "按装", 6, 8, "安装"],
        ["p2", "wrong", "国务院办公室", 0, 6, "国务院办公厅"]]


def test_citizens_numbers_are_found_with_their_check_and_masked_in_the_evidence():
    good_id, bad_id = "11010519491231002X", "110105194912310021"
    card, bad_card = "6222021234567890128", "6222021234567890121"
    h = check_content(items(f"身份证{good_id}", f"编号{bad_id}", "卡号 6222 0212 3456 7890 128", f"卡号{bad_card}",
                            "请拨１３９ 1234\u200b5678", "订单号4111111111111111"))
    assert h[["item_id", "rule"]].values.tolist() == [["p0", "id_card"], ["p2", "bank_card"], ["p4", "mobile"]]
    assert h["matched"].tolist() == ["1101**********002X", "6222***********0128", "139****5678"]
    for col in ("matched", "context", "correction"):
        assert not h[col].str.contains(good_id[6:14]).any() and not h[col].str.contains("12345678").any()
    assert luhn_ok(pd.Series([card, bad_card])).tolist() == [True, False]
    assert mask_pii(pd.Series([f"卡号{card}"])).iloc[0] == "卡号6222***********0128"


def test_numbers_the_loader_recorded_before_masking_are_suspects_at_the_masked_span():
    t = pd.DataFrame({"source": "posts", "item_id": ["a", "b"], "field": "text",
                      "text": ["身份证3415**********1234，电话138****5678", "已打码的138****5678"],
                      "pii": ["id_card;mobile", None]})
    h = check_content(t)
    assert h[["item_id", "rule", "matched"]].values.tolist() == [["a", "id_card", "3415**********1234"],
                                                                  ["a", "mobile", "138****5678"]]


def test_links_off_the_allow_list_and_malformed_ones():
    h = check_content(items("详见 http://www.luan.gov.cn/a 和 https://mp.weixin.qq.com/s/x",
                            "详见 http://www.evilgov.cn/x 或 www.example.com",
                            "详见 http:/www.luan.gov.cn 及 http//ah.gov.cn 及 https://www..luan.gov.cn/",
                            "ｈｔｔｐ：／／ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ／ａ 看 h\u200bttp://x.example.org", "邮箱 a@www.qq.com"))
    got = h[["item_id", "rule", "matched"]].values.tolist()
    assert got == [["p1", "foreign_domain", "http://www.evilgov.cn/x"], ["p1", "foreign_domain", "www.example.com"],
                   ["p2", "malformed", "http:/www.luan.gov.cn"], ["p2", "malformed", "http//ah.gov.cn"],
                   ["p2", "malformed", "https://www..luan.gov.cn/"],
                   ["p3", "foreign_domain", "ｈｔｔｐ：／／ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ／ａ"],
                   ["p3", "foreign_domain", "h\u200bttp://x.example.org"]]


def test_the_shipped_rules_load_and_no_rule_hides_in_its_correction():
    r = load_content_rules()
    assert {x.kind for x in r.rules} == {"wrong", "avoid", "typo"} and r.files == ("content_rules.toml",)
    for x in r.rules:
        assert x.line > 0 and x.key not in _fold(x.correction)
    assert not r.live_check


def _fold(s):
    return fold_texts(pd.Series([s])).text


def _write(tmp_path, text, name="office.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_an_office_list_extends_or_replaces_the_shipped_one(tmp_path):
    ext = _write(tmp_path, '[wrong]\n"金安区政府办" = "金安区人民政府办公室"\n"中国人民共和国" = "中华人民共和国（国名）"\n'
                           '[links]\nallowed_domains = ["luanlife.cc"]\n')
    r = load_content_rules(ext)
    t = r.table()
    assert "金安区政府办" in set(t["text"]) and "按装" in set(t["text"])
    assert t.loc[t["text"] == "中国人民共和国", "correction"].tolist() == ["中华人民共和国（国名）"]
    assert "luanlife.cc" in r.allowed_domains and "gov.cn" in r.allowed_domains
    h = check_content(items("金安区政府办通知 http://bbs.luanlife.cc/1"), r)
    assert h["rule"].tolist() == ["金安区政府办"]
    rep = _write(tmp_path, 'mode = "replace"\n[typo]\n"按装" = "安装"\n', "only.toml")
    r = load_content_rules(rep)
    assert r.table()["text"].tolist() == ["按装"] and r.privacy_kinds == () and not r.check_links
    h = check_content(items("中国人民共和国 按装 电话13812345678 www.example.com"), r)
    assert h[["kind", "rule"]].values.tolist() == [["typo", "按装"]]
    rep.write_text('mode = "replace"\n[links]\nallowed_domains = ["luan.gov.cn"]\n', encoding="utf-8")
    h = check_content(items("www.example.com www.luan.gov.cn www.ah.gov.cn"), load_content_rules(rep))
    assert h["matched"].tolist() == ["www.example.com", "www.ah.gov.cn"]


@pytest.mark.parametrize("text, line, words", [
    ('[wrong]\n"甲乙丙" = "甲乙丁"\n"中" = "中华"\n', 3, "不足两个字"),
    ('[typo]\n"按装" = "安装"\n"部署" = "部署"\n', 3, "相同"),
    ('[wrong]\n"人民共和国" = "中华人民共和国"\n', 2, "自己的建议"),
    ('[wrong]\n"中国人民共和国" = "中华人民共和国"\n\n[typo]\n"中國人民共和國" = "中华人民共和国"\n', 5, "第 2 行"),
    ('[typo]\n"按装" = 3\n', 2, "应为字符串"),
    ('[typo]\n"按装" = ""\n', 2, "缺少正确的写法"),
    ('colour = "red"\n[typo]\n"按装" = "安装"\n', 1, "未知的键“colour”"),
    ('[links]\nallowed_domains = [\n  "gov.cn",\n  "not a domain",\n]\n', 4, "不是域名"),
    ('[links]\nlive_check = "yes"\n', 2, "live_check"),
    ('[privacy]\nkinds = ["passport"]\n', 2, "kinds"),
    ('mode = "merge"\n', 1, "mode"),
    ('[typo]\n"按装" = "安装"\n"按装" = "安装"\n', 3, "TOML"),
])
def test_a_bad_rule_entry_is_refused_naming_file_and_line_in_chinese(tmp_path, text, line, words):
    p = _write(tmp_path, text)
    with pytest.raises(ContentRuleError) as err:
        load_content_rules(p)
    msg = str(err.value)
    assert msg.startswith(f"内容审核规则文件 {p} 第 {line} 行："), msg
    assert words in msg and str(p) in err.value.en


def test_a_missing_rule_file_is_a_user_error(tmp_path):
    with pytest.raises(ContentRuleError, match="无法读取"):
        load_content_rules(tmp_path / "none.toml")


@pytest.mark.real_data
@pytest.mark.slow
def test_the_real_government_weibo_posts_give_few_suspects_each_with_its_span_and_masked(shared_data):
    from liuan_eval.io import read_table
    from liuan_eval.output import ID_RE, MOBILE_RE

    group = sorted((shared_data / "gov_weibo_raw" / "北京暴雨").glob("*.csv"))
    t = read_table("posts", group, platform="weibo", account_from_filename=True, year_hint=2012).data
    it = pd.DataFrame({"source": "posts", "item_id": t["post_id"], "field": "text", "text": t["text"],
                       "pii": t["text_pii"] if "text_pii" in t.columns else None})
    h = check_content(it)
    assert 0 < len(h) < 0.02 * len(t)                      # suspects for a person, not a flood
    texts = it["text"].to_numpy()
    for r in h[h["kind"] != "privacy"].itertuples():
        assert texts[r.row][r.start:r.end] == r.matched
    for col in ("matched", "context"):
        assert not h[col].map(lambda v: bool(MOBILE_RE.search(v) or ID_RE.search(v))).any()
