"""Golden files: tiny canonical scenarios must keep giving the same run tables.

After an intended change of the model, regenerate them with
``.venv/bin/python tests/golden/regenerate.py`` and review the diff.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
spec = importlib.util.spec_from_file_location("regenerate", GOLDEN / "regenerate.py")
regenerate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regenerate)


def _text(column: pd.Series) -> list[str]:
    """Values as the CSV writes them: missing and empty both ""."""
    values = column.astype(object)
    return ["" if pd.isna(v) or v == "" else str(v) for v in values]


@pytest.mark.parametrize("name, runs", list(regenerate.CASES.items()))
def test_golden(name, runs):
    expected = pd.read_csv(GOLDEN / f"{name}.csv", keep_default_na=False, na_values=[""])
    got = regenerate.golden_table(name, runs)
    assert list(got.columns) == list(expected.columns)
    for col in ["run", "seed", "outcome", "rounds", "dictated_peace", "exchanges"]:
        assert got[col].astype(str).tolist() == expected[col].astype(str).tolist(), col
    for col in ["imposed_on", "walkout_by", "agreement_holds"]:  # empty in the CSV: none / NA
        assert _text(got[col]) == _text(expected[col]), col
    floats = [c for c in got.columns if c.startswith(("terms.", "utility.", "param.", "fired."))]
    np.testing.assert_allclose(got[floats].to_numpy(float), expected[floats].to_numpy(float),
                               rtol=1e-9, atol=1e-9, equal_nan=True)
