"""pandera schemas from the contract, and the generated data-contract document."""
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

from liuan_eval.schemas import TABLES, column_names
from liuan_eval.validation import REASONS, data_contracts_markdown, table_schema, validate

DOC = Path(__file__).resolve().parents[1] / "docs" / "data_contracts.md"


def _releases(**over):
    df = pd.DataFrame({
        "release_id": pd.Series(["R1", "R2"], dtype="str"),
        "issuing_account": pd.Series(["六安发布", "安徽发布"], dtype="str"),
        "published_at": pd.to_datetime(["2025-05-06 10:00", "2025-05-07 10:00"]).tz_localize(
            "Asia/Shanghai").astype("datetime64[ns, Asia/Shanghai]"),
        "title": pd.Series(["报告", "通知"], dtype="str"),
        "text": pd.Series([None, "摘要"], dtype="str"),
    })
    for k, v in over.items():
        df[k] = v
    return df


def test_a_clean_table_passes():
    assert len(validate("releases", _releases())) == 2


def test_required_column_with_na_fails():
    with pytest.raises(pandera.errors.SchemaErrors):
        validate("releases", _releases(title=pd.Series(["报告", None], dtype="str")))


def test_naive_timestamps_fail():
    with pytest.raises(pandera.errors.SchemaErrors):
        validate("releases", _releases(published_at=pd.to_datetime(["2025-05-06", "2025-05-07"])))


def test_category_outside_its_codes_fails():
    df = pd.DataFrame({
        "incident_id": pd.Series(["E1"], dtype="str"), "unit": pd.Series(["霍山县"], dtype="str"),
        "account_id": pd.Series([None], dtype="str"), "kind": pd.Series(["重大舆情"], dtype="str"),
        "started_at": pd.to_datetime(["2025-07-12 08:00"]).tz_localize("Asia/Shanghai").astype(
            "datetime64[ns, Asia/Shanghai]"),
        "ended_at": pd.Series([pd.NaT], dtype="datetime64[ns, Asia/Shanghai]"),
        "description": pd.Series(["x"], dtype="str")})
    with pytest.raises(pandera.errors.SchemaErrors):
        validate("incidents", df)
    df["kind"] = pd.Series(["public_opinion"], dtype="str")
    assert len(validate("incidents", df)) == 1


def test_missing_contract_column_fails_but_extra_columns_are_allowed():
    with pytest.raises(pandera.errors.SchemaErrors):
        validate("releases", _releases().drop(columns="text"))
    assert "unit_match_score" in validate("releases", _releases(unit_match_score=1.0)).columns


@pytest.mark.parametrize("table", list(TABLES))
def test_schema_covers_every_column(table):
    s = table_schema(table)
    assert list(s.columns) == column_names(table)
    for name, col in TABLES[table].items():
        assert s.columns[name].nullable is (not col.required)


def test_data_contracts_doc_is_up_to_date():
    assert DOC.exists(), "run: python -m liuan_eval.validation"
    assert DOC.read_text(encoding="utf-8") == data_contracts_markdown(), \
        "docs/data_contracts.md is stale: run python -m liuan_eval.validation"


def test_doc_lists_every_column_alias_and_reason():
    md = data_contracts_markdown()
    for table, cols in TABLES.items():
        assert f"## {table}（" in md
        for col in cols.values():
            assert f"| `{col.name}` | {col.label} |" in md
            for a in col.aliases:
                assert a.replace("|", "\\|") in md
    for code in REASONS:
        assert f"`{code}`" in md
