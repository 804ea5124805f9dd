"""Scoring the generator's output recovers exactly the planted findings (precision and recall 1.0)."""
from __future__ import annotations

import pandas as pd
import pytest

import liuan_eval
from liuan_eval.dataset import Dataset
from liuan_eval.sample_data import generate_sample
from liuan_eval.scoring import score


def _keys(rows) -> set:
    return {(str(r["criterion"]), str(r["unit"] or ""), "" if r["account_id"] is None or pd.isna(r["account_id"])
             else str(r["account_id"])) for r in rows}


def _per_criterion(truth: set, got: set) -> dict:
    out = {}
    for c in sorted({k[0] for k in truth | got}):
        t, g = {k for k in truth if k[0] == c}, {k for k in got if k[0] == c}
        out[c] = (len(t & g) / len(g) if g else 1.0, len(t & g) / len(t) if t else 1.0)
    return out


@pytest.mark.parametrize("seed", [1, 5, 11, 2024])
def test_planted_findings_are_recovered_exactly(seed):
    s = generate_sample(2025, seed=seed, scale=0.2)
    a = score(Dataset(**s.tables), year=2025)
    truth = _keys(s.truth["findings"])
    got = _keys(a.findings.to_dict("records"))
    assert len({k[0] for k in truth}) >= 15
    assert _per_criterion(truth, got) == {c: (1.0, 1.0) for c in sorted({k[0] for k in truth | got})}, (
        sorted(truth - got)[:5], sorted(got - truth)[:5])


def test_different_seeds_plant_different_cases():
    a = _keys(generate_sample(2025, seed=2, scale=0.1).truth["findings"])
    b = _keys(generate_sample(2025, seed=3, scale=0.1).truth["findings"])
    assert a != b


@pytest.mark.slow
def test_planted_findings_survive_the_files_and_the_readers(tmp_path):
    s = generate_sample(2025, seed=17, scale=0.3, out=tmp_path / "data")
    ds = liuan_eval.load(tmp_path / "data", year=2025)
    a = score(ds, year=2025)
    assert _keys(a.findings.to_dict("records")) == _keys(s.truth["findings"])
    paths = a.write(tmp_path / "out", quarantine=ds.quarantine)
    f = pd.read_csv(paths["findings"], dtype=str, encoding="utf-8-sig")
    assert len(f) == len(a.findings) and f["explanation"].notna().all()
    assert paths["findings"].read_bytes()[:3] == b"\xef\xbb\xbf"


def test_units_and_accounts_named_for_rectification_are_not_rated_excellent():
    """The preset's ``rectified_grade_cap``: a named unit is 良好 at best, whatever its total."""
    s = generate_sample(2025, seed=5, scale=0.2)
    a = score(Dataset(**s.tables), year=2025)
    named_units = set(a.rectification["unit"]) - {""}
    u = a.unit_scores.set_index("unit")
    assert named_units
    assert not (u.loc[sorted(named_units), "grade"] == "优秀").any()
    capped = u.loc[sorted(named_units)]
    capped = capped[(capped["total"] >= 90) & (capped["veto"] == "")]
    assert len(capped) and (capped["grade"] == "良好").all()   # high totals, held at the cap
    others = u.drop(index=sorted(named_units))
    assert (others.loc[others["total"] >= 90, "grade"] == "优秀").all()
    acc = a.account_scores.set_index("account_id")
    named_acc = sorted(set(a.rectification["account_id"]) - {""} & set(acc.index))
    assert not (acc.loc[named_acc, "grade"] == "优秀").any()
