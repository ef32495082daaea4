"""The properties model version 2 promises (docs/ODD.md), checked through the engine.

Beliefs converge and a wider gap delays agreement (ODD §7.2); a bargaining range is necessary and
a leader only speeds agreement up (§7.7); third parties act through payoffs (§7.4); the
package agenda and the Nash mediator create value where theory says so (§7.5, §7.9); what
``sessions.parquet`` records (README, "Outputs").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.engine.runner import simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "istanbul_2025.yaml"
LOGROLL = ROOT / "tests" / "scenarios" / "logroll_three_issues.yaml"
MAIN = ("comprehensive", "ceasefire", "partial")


def _strategy(name: str) -> dict:
    # steady at a quarter of the gap a session, so that a fair split is reached in ~15 sessions
    return {"name": "steady", "rate": 0.25} if name == "steady" else {"name": name}


def one_issue(tmp_path: Path, *, reservation=(0.4, 0.4), stake=0.0, beliefs=(0.0, 0.0),
              authority=(1.0, 1.0), strategy="steady", sessions=40, noise=0.02,
              third_party=None, name="v2") -> Path:
    """Two sides with opposite ideals on one issue (u_red + u_blue = 1 on every text).

    A range exists iff r_red + r_blue < 1, with r = base + stake x sign x belief; the front
    has no edge, so beliefs converge to 0 and the gap between them shrinks as 3 / (3 + t).
    """
    actors = {
        "red": {"name": "Red", "role": "party", "position": {"ceasefire": 100},
                "salience": {"ceasefire": 1}, "reservation": reservation[0],
                "strategy": _strategy(strategy), "delegation": {"authority": authority[0]}},
        "blue": {"name": "Blue", "role": "party", "position": {"ceasefire": 0},
                 "salience": {"ceasefire": 1}, "reservation": reservation[1],
                 "strategy": _strategy(strategy), "delegation": {"authority": authority[1]}},
        "med": {"name": "Mediator", "role": "mediator", "position": {"ceasefire": 50},
                "salience": {"ceasefire": 1}},
    }
    if third_party is not None:
        actors["patron"] = third_party
    data = {
        "schema": 2, "name": name, "seed": 1, "runs": 100, "sessions": sessions,
        "issues": {"ceasefire": {"label": "Ceasefire", "decides_ceasefire": True,
                                 "ceasefire_threshold": 100}},
        "actors": actors,
        "battlefield": {"sides": ["red", "blue"], "edge": 0.0, "volatility": 0.2,
                        "stake": stake,
                        "beliefs": {"red": {"mean": beliefs[0], "strength": 3},
                                    "blue": {"mean": beliefs[1], "strength": 3}}},
        "negotiation": {"acceptance_noise": noise,
                        "walkout": {"threshold": 1.0, "hazard": 0.0}},
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run(path: Path, *overrides: str, runs: int = 200, seed: int = 7):
    return simulate(load_scenario(path, overrides=list(overrides)), runs=runs, seed=seed,
                    trace_runs=runs)


# --- beliefs converge (ODD §7.2) ----------------------------------------------------------
def test_the_baseline_sides_beliefs_converge_session_by_session():
    res = run(BASE, runs=300)
    gap = res.sessions.groupby("session").apply(
        lambda s: float((s["belief.russia"] - s["belief.ukraine"]).mean()), include_groups=False)
    assert gap.iloc[0] == pytest.approx(0.5, abs=0.03)  # the priors: 0.4 and -0.1
    assert np.all(np.diff(gap.to_numpy()) < 0), gap.round(3).tolist()
    # equal strengths (3): the gap is 3 x 0.5 / (3 + k t) whatever the front did, k >= 1
    assert gap.iloc[-1] < 0.5 * 3 / (3 + 12) + 0.01


def test_a_wider_initial_gap_delays_agreement(tmp_path):
    # base 0.45 each, stake 0.5: a range needs the belief gap (3 g0 / (3 + t) with the edge 0)
    # below 0.2; it starts at 0.6 (a range from session 7) or at 1.0 (from session 13)
    narrow = run(one_issue(tmp_path, reservation=(0.45, 0.45), stake=0.5, beliefs=(0.3, -0.3),
                           name="narrow"))
    wide = run(one_issue(tmp_path, reservation=(0.45, 0.45), stake=0.5, beliefs=(0.5, -0.5),
                         name="wide"))
    assert narrow.runs["outcome"].eq("comprehensive").mean() > 0.9
    assert wide.runs["outcome"].eq("comprehensive").mean() > 0.9
    assert wide.runs["rounds"].mean() > narrow.runs["rounds"].mean() + 1
    # and no run agrees while the gap still leaves no range
    assert narrow.runs["rounds"].min() >= 7 and wide.runs["rounds"].min() >= 13


# --- a range is necessary; a leader only speeds agreement up (§7.7) ---------------------
@pytest.mark.parametrize("strategy", ["steady", "hardliner", "tit_for_tat", "zeuthen"])
@pytest.mark.parametrize("authority", [1.0, 0.3])
def test_no_range_no_main_track_agreement(tmp_path, strategy, authority):
    path = one_issue(tmp_path, reservation=(0.55, 0.5), strategy=strategy,
                     authority=(authority, authority), noise=0.1)
    runs = run(path, runs=100).runs
    assert not runs["outcome"].isin(MAIN + ("comprehensive",)).any()


def test_a_wide_range_makes_agreement_likely_and_a_leader_makes_it_sooner(tmp_path):
    # delegations of authority 0.6 on both sides: a text at the edge of their principals'
    # aspirations can only be initialled (by both, at the same session) and ratified a session
    # later, so agreement takes longer; it still comes
    leaders = run(one_issue(tmp_path, reservation=(0.1, 0.1), sessions=60,
                            name="leaders")).runs
    envoys = run(one_issue(tmp_path, reservation=(0.1, 0.1), authority=(0.6, 0.6),
                           sessions=60, name="envoys")).runs
    assert leaders["outcome"].eq("comprehensive").mean() > 0.95
    assert envoys["outcome"].eq("comprehensive").mean() > 0.5
    assert envoys["rounds"].mean() > leaders["rounds"].mean() + 1


def test_an_initialled_text_takes_effect_only_when_ratified_at_the_next_session(tmp_path):
    res = run(one_issue(tmp_path, reservation=(0.1, 0.1), authority=(0.5, 0.5)))
    ss = res.sessions.set_index(["run", "session"])
    initialled = ss["initialled.red"] | ss["initialled.blue"]
    assert initialled.any()
    for (k, t) in ss.index[initialled]:
        assert ss.loc[(k, t), "newly_settled"] == ""  # not at once
        if (k, t + 1) in ss.index:
            ratified = ss.loc[(k, t + 1), ["ratified.red", "ratified.blue"]]
            settled = ss.loc[(k, t + 1), "newly_settled"] == "ceasefire"
            assert settled == bool((ratified >= 0).all() and (ratified > 0).any())


# --- third parties act through payoffs (§7.4) ---------------------------------------------------
def _patron(reservation: float, leverage: float, position: float = 50) -> dict:
    return {"name": "Patron", "role": "third_party", "position": {"ceasefire": position},
            "salience": {"ceasefire": 1}, "reservation": reservation, "engagement": 1.0,
            "leverage": {"red": leverage, "blue": leverage}}


def test_a_patron_that_backs_a_deal_can_open_a_range(tmp_path):
    # r_red + r_blue = 1.1: no text clears both; a patron adding 0.1 to each side's value of a
    # deal it backs (it backs texts worth >= 0.3 to it: 50 is worth 1) opens a range of 0.1
    alone = run(one_issue(tmp_path, reservation=(0.55, 0.55), name="alone")).runs
    backed = run(one_issue(tmp_path, reservation=(0.55, 0.55), name="backed",
                           third_party=_patron(0.3, 0.1))).runs
    assert not alone["outcome"].isin(MAIN).any()
    assert backed["outcome"].eq("comprehensive").mean() > 0.9
    # the patron does not move positions: the deal is the Nash text of the lowered reservations
    assert backed.loc[backed["outcome"] == "comprehensive", "terms.ceasefire"].between(
        40, 60).all()


def test_a_patron_pays_only_for_a_deal_it_backs(tmp_path):
    # the same patron, but it wants 80 and backs only texts worth 0.95 to it (75 to 85), which
    # leave blue far below its reservation: it pays for nothing, so the range stays closed
    picky = run(one_issue(tmp_path, reservation=(0.55, 0.55), name="picky",
                          third_party=_patron(0.95, 0.1, position=80))).runs
    assert picky["outcome"].isin(MAIN).mean() < 0.05


# --- agendas and mediators (§7.5, §7.9) -------------------------------------------------------
def _logroll(mediator: str, agenda: str, *extra: str):
    overrides = [f"actors.m.mediator.method={mediator}", f"negotiation.agenda={agenda}",
                 "negotiation.acceptance_noise=0.02", "sessions=30",
                 "actors.a.strategy={name: tit_for_tat}", "actors.b.strategy={name: tit_for_tat}",
                 *extra]
    return simulate(load_scenario(LOGROLL, overrides=overrides), runs=200, seed=1,
                    trace_runs=0).runs


def test_a_package_agenda_allows_trades_that_issue_by_issue_does_not():
    # midpoint texts of reciprocating parties: judged as a package, the text on the issue a
    # side gives up is paid for by the issue it gains; judged issue by issue, it is not, and
    # the settled terms stay inside the frontier (sum of utilities 1.5 on it)
    package = _logroll("midpoint", "package")
    single = _logroll("midpoint", "issue_by_issue")
    total = {k: (r["utility.a"] + r["utility.b"]).mean() for k, r in
             (("package", package), ("issue_by_issue", single))}
    assert total["package"] > 1.48, total
    assert total["issue_by_issue"] < total["package"] - 0.2, total
    assert package["rounds"].mean() < single["rounds"].mean()


@pytest.mark.parametrize("reservations", [("0.2", "0.1"), ("0.7", "0.6")])
def test_nash_agrees_at_least_as_often_as_midpoint_and_on_the_frontier(reservations):
    ra, rb = reservations
    res = [f"actors.a.reservation={ra}", f"actors.b.reservation={rb}"]
    nash = _logroll("nash", "issue_by_issue", *res)
    midpoint = _logroll("midpoint", "issue_by_issue", *res)
    agreed = {k: r["outcome"].eq("comprehensive").mean() for k, r in
              (("nash", nash), ("midpoint", midpoint))}
    assert agreed["nash"] >= agreed["midpoint"] - 0.01, agreed
    done = nash[nash["outcome"] == "comprehensive"]
    assert done["utility.a"].mean() == pytest.approx(0.80, abs=0.02)
    assert done["utility.b"].mean() == pytest.approx(0.70, abs=0.02)


# --- sessions.parquet ----------------------------------------------------------------------
def test_the_sessions_table_records_each_session_of_each_traced_run():
    res = run(BASE, runs=40)
    ss, runs = res.sessions, res.runs.set_index("run")
    for col in ("run", "session", "date", "front", "belief.russia", "belief.ukraine",
                "reservation.russia", "reservation.ukraine", "aspiration.russia",
                "text.territory", "accepted.russia", "initialled.ukraine", "ratified.russia",
                "settled", "newly_settled", "exchange", "walkout"):
        assert col in ss.columns, col
    last = ss.groupby("run")["session"].max()
    assert (last == runs.loc[last.index, "rounds"]).all()
    assert ss.loc[ss["session"] == 1, "date"].eq("2025-05-16").all()
    assert ss.loc[ss["session"] == 2, "date"].eq("2025-06-06").all()
    exchanges = ss[ss["session"] > 0].groupby("run")["exchange"].sum()
    assert (exchanges == runs.loc[exchanges.index, "exchanges"]).all()
    walked = ss[ss["walkout"] != ""].set_index("run")["walkout"]
    assert (walked == runs.loc[walked.index, "walkout_by"]).all()
