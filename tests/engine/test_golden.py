"""Golden files: tiny canonical scenarios must keep giving the same run tables.

Every column of the run table is compared: strings, integers, booleans and the nullable
``ceasefire_holds`` exactly, floats to a relative 1e-10 (the files keep 12 significant digits).
After an intended change of the model, regenerate them with
``.venv/bin/python tests/golden/regenerate.py`` and review the diff.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.api import types

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
spec = importlib.util.spec_from_file_location("regenerate", GOLDEN / "regenerate.py")
regenerate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regenerate)


def _as_text(values: pd.Series) -> list[str]:
    """How a column of the run table is written to the golden CSV ('' for missing)."""
    return ["" if pd.isna(v) else str(v) for v in values]


def assert_column_matches(got: pd.Series, expected: list[str]) -> None:
    """One run-table column against its golden CSV text, by the column's dtype."""
    name, kind = got.name, got.dtype
    if types.is_float_dtype(kind):
        want = np.array([float(v) if v != "" else np.nan for v in expected])
        np.testing.assert_allclose(got.to_numpy(), want, rtol=1e-10, atol=1e-12,
                                   equal_nan=True, err_msg=name)
        return
    if types.is_integer_dtype(kind):
        assert got.tolist() == [int(v) for v in expected], name
    elif types.is_object_dtype(kind) or types.is_string_dtype(kind):
        assert all(isinstance(v, str) for v in got), f"{name}: not all strings"
    elif not types.is_bool_dtype(kind):  # bool, and the nullable boolean of agreement_holds
        raise AssertionError(f"{name}: no golden rule for dtype {kind}")  # add one, no skip
    assert _as_text(got) == expected, name


@pytest.mark.parametrize("name, runs", list(regenerate.CASES.items()))
def test_golden(name, runs):
    expected = pd.read_csv(GOLDEN / f"{name}.csv", dtype=str, keep_default_na=False)
    got = regenerate.golden_table(name, runs)
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected) == runs
    assert got["agreement_holds"].dtype == "boolean"
    for col in got.columns:
        assert_column_matches(got[col], expected[col].tolist())
