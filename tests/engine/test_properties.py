"""Property tests: invariants of whole replications on random small scenarios."""

from __future__ import annotations

import numpy as np
import yaml
from helpers.scenarios import scenarios
from hypothesis import HealthCheck, given, settings

from sim.engine.runner import simulate
from sim.scenario import load_scenario


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_replications_respect_the_invariants(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("prop") / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    scn = load_scenario(path)
    runs = simulate(scn, runs=4, seed=3, trace_runs=4).runs
    issues = list(data["issues"])
    terms = runs[[f"terms.{i}" for i in issues]].to_numpy(float)
    lo = min(min(a["position"].values()) for a in data["actors"].values())
    hi = max(max(a["position"].values()) for a in data["actors"].values())
    settled = ~np.isnan(terms)
    assert np.all((terms[settled] >= lo - 1e-9) & (terms[settled] <= hi + 1e-9))
    util = runs[[c for c in runs.columns if c.startswith("utility.")]].to_numpy(float)
    assert np.all((util[~np.isnan(util)] >= -1e-12) & (util[~np.isnan(util)] <= 1 + 1e-12))
    assert (runs["rounds"] <= data["sessions"]).all()
    assert (runs["rounds"] >= 1).all()
    thr = data["issues"]["ceasefire"]["ceasefire_threshold"]
    main = np.array([data["issues"][i].get("track", "main") == "main" for i in issues])
    for k, row in runs.iterrows():
        out = row["outcome"]
        if out == "comprehensive":
            assert settled[k][main].all()
        if out == "ceasefire":
            assert row["terms.ceasefire"] <= thr and not settled[k][main].all()
        if out == "stalemate":
            assert not settled[k].any() and row["walkout_by"] == ""
        if out == "humanitarian_only":
            assert settled[k][~main].any() and not settled[k][main].any()
            assert row["walkout_by"] == ""
        if out == "collapse":
            assert row["walkout_by"] != ""
        if out == "partial":
            assert settled[k][main].any() and not settled[k][main].all()
            assert row["walkout_by"] == ""
        if out not in ("comprehensive", "ceasefire"):
            assert row["agreement_holds"] is np.nan or row["agreement_holds"] is None or \
                str(row["agreement_holds"]) == "<NA>"
    mesa = simulate(scn, runs=2, seed=3, engine="mesa", trace_runs=0).runs
    assert list(mesa["outcome"]) == list(runs["outcome"][:2])
    np.testing.assert_allclose(mesa[[f"terms.{i}" for i in issues]].to_numpy(float),
                               terms[:2], atol=1e-9, equal_nan=True)
