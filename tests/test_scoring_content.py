"""C20 (内容审核): the planted content recovered exactly, suspects that deduct only once confirmed, and
the confirmations file read strictly (file, line and column of every bad row)."""
from __future__ import annotations

import pandas as pd
import pytest

from liuan_eval.criteria import load_criteria
from liuan_eval.dataset import Dataset
from liuan_eval.scoring import score
from liuan_eval.scoring.content import ConfirmationsError, read_confirmations

TZ = "Asia/Shanghai"


def _keys(rows) -> set:
    return {(r["source"], r["item_id"], r["field"], r["kind"], r["rule"]) for r in rows}


@pytest.fixture(scope="module")
def samples():
    from liuan_eval.sample_data import generate_sample

    return {seed: generate_sample(2025, seed=seed, scale=0.2) for seed in (1, 2, 3)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_planted_content_is_recovered_with_precision_and_recall_one(samples, seed):
    s = samples[seed]
    truth = _keys(s.truth["suspects"])
    assert {p["kind"] for p in s.truth["suspects"]} == {"wrong", "avoid", "typo", "privacy", "link"}
    assert {p["disguise"] for p in s.truth["suspects"]} - {"plain"}, "some plants are disguised"
    a = score(Dataset(**s.tables), year=2025)
    got = _keys(a.content_suspects.to_dict("records"))
    assert got == truth
    assert (a.content_suspects["status"] == "待核定").all()
    assert not (a.findings["criterion"] == "C20").any()          # suspects do not deduct until confirmed
    assert a.metrics["content_pending"] == len(truth)


def test_through_the_files_and_the_loader_the_plants_are_recovered_and_the_numbers_never_kept(tmp_path):
    from liuan_eval import load
    from liuan_eval.sample_data import generate_sample

    s = generate_sample(2025, seed=4, scale=0.2, out=tmp_path)
    ds = load(tmp_path, year=2025)
    assert "text_pii" in ds.posts.columns
    a = score(ds, year=2025)
    assert _keys(a.content_suspects.to_dict("records")) == _keys(s.truth["suspects"])
    priv = a.content_suspects[a.content_suspects["kind"] == "privacy"]
    assert priv["matched"].str.contains(r"\*{4}", regex=True).all()
    assert not ds.posts["text"].str.contains(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", regex=True).fillna(False).any()


def test_confirmed_suspects_are_findings_of_their_accounts_and_rejected_ones_are_not(samples, tmp_path):
    s = samples[1]
    ds = Dataset(**s.tables)
    sus = score(ds, year=2025).content_suspects
    half = len(sus) // 2
    verdict = ["确认"] * half + ["不成立"] * (len(sus) - half)
    p = tmp_path / "核定结果.csv"
    pd.DataFrame({"疑点编号": sus["suspect_id"], "核定结果": verdict, "核定说明": "已核实"}).to_csv(p, index=False)
    a = score(ds, year=2025, confirmations=p)
    f = a.findings[a.findings["criterion"] == "C20"]
    confirmed = sus.iloc[:half]
    assert sorted(f["evidence"].str.split(";").str[-1]) == sorted(confirmed["suspect_id"])
    assert set(zip(f["unit"], f["account_id"])) == set(zip(confirmed["unit"], confirmed["account_id"]))
    assert a.content_suspects["status"].value_counts().to_dict() == {"确认": half, "不成立": len(sus) - half}
    assert (a.content_suspects.loc[a.content_suspects["status"] != "待核定", "confirmed_in"]
            .str.startswith("核定结果.csv:")).all()
    assert (f["points"] == load_criteria()["C20"].deduction).all()
    # the suspects table, filled in and handed back, is a confirmations file too
    back = tmp_path / "back.csv"
    sus.assign(verdict=["确认"] + [""] * (len(sus) - 1)).to_csv(back, index=False)
    assert (score(ds, year=2025, confirmations=back).findings["criterion"] == "C20").sum() == 1


def _one_post(text):
    acc = pd.DataFrame({"unit": ["金安区"], "unit_type": ["county"], "platform": ["weibo"], "account_id": ["W1"],
                        "account_name": ["金安区人民政府发布"], "opened_at": [pd.Timestamp("2016-10-08", tz=TZ)]})
    days = pd.date_range("2025-01-01 09:00", "2025-12-31 09:00", freq="5D", tz=TZ)
    posts = pd.DataFrame({"account_id": "W1", "platform": "weibo", "post_id": [f"p{i}" for i in range(len(days))],
                          "published_at": days, "text": [text] + ["今日要闻"] * (len(days) - 1)})
    return Dataset(accounts=acc, posts=posts)


@pytest.mark.parametrize("text, vetoed", [("电话13912345678", True), ("截止目前已完成", False)])
def test_in_the_2019_preset_a_confirmed_leak_vetoes_and_a_typo_only_deducts(text, vetoed):
    ds = _one_post(text)
    sus = score(ds, year=2025, criteria="state_council_2019").content_suspects
    a = score(ds, year=2025, criteria="state_council_2019",
              confirmations=pd.DataFrame({"suspect_id": sus["suspect_id"], "verdict": "确认"}))
    u = a.unit_scores.iloc[0]
    assert (u["veto"] == "C20") == vetoed and (u["grade"] == "不合格") == vetoed
    assert u["C20"] == 5 - 2


def test_confirmations_in_a_workbook_below_a_title_row(tmp_path):
    ds = _one_post("中国人民共和国成立")
    sid = score(ds, year=2025).content_suspects["suspect_id"].iloc[0]
    p = tmp_path / "核定.xlsx"
    with pd.ExcelWriter(p) as xw:
        pd.DataFrame({"说明": ["请核定"]}).to_excel(xw, sheet_name="说明", index=False)
        pd.DataFrame([["2025年内容审核疑点核定表", "", ""], ["疑点编号", "核定结果", "核定说明"], [sid, "成立", ""]]
                     ).to_excel(xw, sheet_name="核定", index=False, header=False)
    conf = read_confirmations(p)
    assert conf[["suspect_id", "verdict", "line"]].values.tolist() == [[sid, "确认", 3]]
    assert (score(ds, year=2025, confirmations=p).findings["criterion"] == "C20").sum() == 1


@pytest.mark.parametrize("rows, words", [
    ([["S0000000000", "确认"]], "第 2 行 A 列（疑点编号）：疑点编号 S0000000000 不在本次考核的内容审核疑点中"),
    ([["{sid}", "也许"]], "第 2 行 B 列（核定结果）：“也许”不是核定结果"),
    ([["", "确认"]], "第 2 行 A 列（疑点编号）：有核定结果“确认”但没有疑点编号"),
    ([["{sid}", "确认"], ["{sid}", "不成立"]], "第 3 行 B 列（核定结果）：疑点 {sid} 在第 2 行已核定为“确认”"),
])
def test_bad_or_foreign_rows_are_refused_naming_file_line_and_column(tmp_path, rows, words):
    ds = _one_post("中国人民共和国成立")
    sid = score(ds, year=2025).content_suspects["suspect_id"].iloc[0]
    p = tmp_path / "核定.csv"
    body = "\n".join(",".join(c.format(sid=sid) for c in r) for r in rows)
    p.write_text("疑点编号,核定结果\n" + body + "\n", encoding="utf-8")
    with pytest.raises(ConfirmationsError) as err:
        score(ds, year=2025, confirmations=p)
    assert "核定.csv " + words.format(sid=sid) in str(err.value)


def test_a_confirmations_file_without_the_columns_is_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("编号,结论\nS1,对\n", encoding="utf-8")
    with pytest.raises(ConfirmationsError, match="找不到表头"):
        read_confirmations(p)
    with pytest.raises(ConfirmationsError, match="找不到核定结果文件"):
        read_confirmations(tmp_path / "none.csv")


def test_without_confirmation_required_every_suspect_not_rejected_deducts(tmp_path):
    text = load_criteria().path.read_text(encoding="utf-8").replace("require_confirmation = true",
                                                                      "require_confirmation = false")
    p = tmp_path / "trusting.toml"
    p.write_text(text, encoding="utf-8")
    a = score(_one_post("按装完成，截止目前"), year=2025, criteria=p)
    assert (a.findings["criterion"] == "C20").sum() == 2
