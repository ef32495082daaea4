"""A hypothesis generator of random small scenarios (two or three parties, up to three issues)."""

from __future__ import annotations

from hypothesis import strategies as st

STRATEGIES = ["boulware", "linear", "conceder", "tit_for_tat", "hardliner", "zeuthen", "steady"]
CLOCKED = {"boulware", "linear", "conceder"}  # they need a known deadline
unit = st.floats(0.0, 1.0, allow_nan=False)
axis = st.floats(0.0, 100.0, allow_nan=False)


@st.composite
def scenarios(draw):
    """A scenario as the dict a YAML file would hold: parties p0.., a mediator and a third party."""
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
            act["delegation"] = {"authority": draw(unit), "margin": draw(st.floats(0, 0.1))}
        if role == "mediator":
            act["mediator"] = {"method": draw(st.sampled_from(["nash", "weighted_mean",
                                                               "midpoint"]))}
            act["information"] = draw(st.floats(0, 2))
        if role == "third_party":
            act["leverage"] = {f"p{b}": draw(st.floats(0, 0.2)) for b in range(n_parties)}
            act["engagement"] = draw(unit)
        actors[f"p{a}" if role == "party" else f"x{a}"] = act
    data = {
        "schema": 2, "name": "prop", "seed": 1, "runs": 4, "issues": issues, "actors": actors,
        "sessions": draw(st.integers(1, 12)),
        "battlefield": {"sides": ["p0", "p1"], "edge": {"dist": "normal", "mean": 0, "sd": 0.3},
                        "volatility": draw(st.floats(0.01, 0.5)),
                        "beliefs": {"p0": {"mean": draw(st.floats(-1, 1)),
                                           "strength": draw(st.floats(0.5, 10))},
                                    "p1": {"mean": draw(st.floats(-1, 1))}},
                        "stake": draw(st.floats(0, 0.3)),
                        "war_cost": {"p0": draw(st.floats(0, 0.02)),
                                     "p1": draw(st.floats(0, 0.02))},
                        "rearm_fear": draw(unit)},
        "negotiation": {"protocol": draw(st.sampled_from(["mediated", "alternating"])),
                        "agenda": draw(st.sampled_from(["issue_by_issue", "package"])),
                        "walkout": {"threshold": draw(unit), "hazard": draw(unit)}},
    }
    if any(a.get("strategy", {}).get("name") in CLOCKED for a in actors.values()):
        data["negotiation"]["deadline"] = draw(st.integers(1, 12))
    return data
