"""The column contract: every header spelling maps to exactly one canonical column."""
from collections import Counter

import pytest

from liuan_eval.schemas import TABLES, column_names, required_columns


@pytest.mark.parametrize("table", list(TABLES))
def test_each_header_spelling_names_one_column(table):
    spellings = Counter()
    for col in TABLES[table].values():
        for s in {x.lower() for x in (col.name, col.label, *col.aliases)}:
            spellings[s] += 1
    clashes = [s for s, n in spellings.items() if n > 1]
    assert clashes == [], f"{table}: header spellings used by two columns: {clashes}"


@pytest.mark.parametrize("table", list(TABLES))
def test_choice_aliases_land_on_declared_choices(table):
    for col in TABLES[table].values():
        if col.kind == "category":
            assert col.choices, col.name
            assert set(col.choice_aliases.values()) <= set(col.choices), col.name
            for code in col.choices:
                assert col.choice_aliases.get(code) == code, f"{col.name}: code {code} not accepted as itself"


def test_required_columns_are_columns():
    for table in TABLES:
        assert set(required_columns(table)) <= set(column_names(table))
        assert required_columns(table), table
