"""Property tests: invariants of whole replications on random small scenarios."""

from __future__ import annotations

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine.runner import simulate
from sim.scenario import load_scenario

STRATEGIES = ["boulware", "linear", "conceder", "tit_for_tat", "hardliner", "zeuthen", "steady"]
CLOCKED = {"boulware", "linear", "conceder"}  # they need a known deadline
unit = st.floats(0.0, 1.0, allow_nan=False)
axis = st.floats(0.0, 100.0, allow_nan=False)


@st.composite
def scenarios(draw):
    n_issues = draw(st.integers(1, 3))
    issues = {"ceasefire": {"label": "Ceasefire", "decides_ceasefire": True,
                            "ceasefire_threshold": draw(axis)}}
    for k in range(1, n_issues):
        issues[f"issue{k}"] = {"label": f"Issue {k}",
                               "track": draw(st.sampled_from(["main", "separate"]))}
    n_parties = draw(st.integers(2, 3))
    actors = {}
    for a in range(n_parties + 2):
        role = "party" if a < n_parties else ("mediator" if a == n_parties else "third_party")
        act = {"name": f"A{a}", "role": role, "capability": draw(unit),
               "position": {i: draw(axis) for i in issues},
               "salience": {i: draw(unit) for i in issues},
               "reservation": draw(st.floats(0.0, 0.8)),
               "risk": draw(st.sampled_from([1.0, 1.0, 2.0]))}
        if role == "party":
            act["strategy"] = {"name": draw(st.sampled_from(STRATEGIES))}
            act["delegation"] = {"authority": draw(unit)}
        if role == "mediator":
            act["mediator"] = {"method": draw(st.sampled_from(["nash", "weighted_mean",
                                                               "midpoint"]))}
        if role == "third_party":
            act["leverage"] = {f"p{b}": draw(unit) for b in range(n_parties)}
            act["engagement"] = draw(unit)
        actors[f"p{a}" if role == "party" else f"x{a}"] = act
    data = {
        "schema": 1, "name": "prop", "seed": 1, "runs": 4, "issues": issues, "actors": actors,
        "battlefield": {"sides": ["p0", "p1"], "momentum": {"dist": "normal", "mean": 0,
                                                           "sd": 0.3},
                        "war_cost": {"p0": draw(st.floats(0, 0.02)),
                                     "p1": draw(st.floats(0, 0.02))},
                        "momentum_effect": draw(st.floats(0, 0.05)),
                        "rearm_fear": draw(unit)},
        "negotiation": {"protocol": draw(st.sampled_from(["mediated", "alternating"])),
                        "max_rounds": draw(st.integers(1, 12)),
                        "agenda": draw(st.sampled_from(["issue_by_issue", "package"])),
                        "walkout": {"threshold": draw(unit), "hazard": draw(unit)}},
    }
    if any(a.get("strategy", {}).get("name") in CLOCKED for a in actors.values()):
        data["negotiation"]["deadline"] = draw(st.integers(1, 12))
    return data


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
    assert (runs["rounds"] <= data["negotiation"]["max_rounds"]).all()
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
