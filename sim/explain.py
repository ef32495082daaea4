"""``ceasefire explain``: one replication told round by round, from the Mesa model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.batch.draws import Draws
from sim.batch.finish import finish
from sim.engine.mesa import NegotiationModel
from sim.engine.runner import replication_inputs, run_chunk
from sim.protocols import get as get_protocol
from sim.rules.taxonomy import OUTCOMES_V2 as OUTCOMES
from sim.scenario import Scenario, ScenarioError, load_scenario


def _terms(values: np.ndarray, issues: list[str], mask: np.ndarray | None = None) -> str:
    parts = [f"{iid} {v:.1f}" for k, (iid, v) in enumerate(zip(issues, values, strict=True))
             if mask is None or mask[k]]
    return ", ".join(parts) if parts else "-"


def build_model(path: str | Path, run: int = 0, overrides: Sequence[str] = (),
                seed: int | None = None) -> tuple[Scenario, NegotiationModel, Draws, int]:
    """The Mesa model of replication ``run`` of a scenario, ready to step."""
    scn = load_scenario(path, overrides=list(overrides))
    protocol = get_protocol(scn.negotiation.protocol)
    if not protocol.mesa:
        raise ScenarioError(
            f"{path}: explain narrates protocols that the Mesa engine runs; this scenario "
            f"uses negotiation.protocol: {protocol.name} (see its rounds.parquet instead)"
        )
    s = scn.seed if seed is None else seed
    seeds, dr, p = replication_inputs(scn, s, run, run + 1)
    return scn, NegotiationModel(p, dr, rng=int(seeds[0])), dr, int(seeds[0])


def explain_forecast(scn: Scenario, run: int, seed: int) -> str:
    """Replication ``run`` of an expected-utility scenario, round by round.

    Told from the vector engine's trace (``rounds.parquet`` of that replication): the inputs
    sampled for it, each round's forecast on every issue and the actors who moved, then how the
    last round's positions are classified (an issue is settled where the parties ended within
    ``agreement_gap`` points of each other).
    """
    runs, rounds, _ = run_chunk(scn, seed, run, run + 1, "vector", run + 1)
    row = runs.iloc[0]
    names = {aid: (a.name or aid) for aid, a in scn.actors.items()}
    lines = [f"{scn.title or scn.name} — forecast, replication {run} (seed {int(row['seed'])})",
             "Protocol expected_utility: every actor bargains over each issue in a Bueno de "
             "Mesquita contest (Scholz, Calbert & Smith 2011); the forecast is the capability x "
             "salience weighted median of the positions after each round."]
    sampled = [c for c in runs.columns if c.startswith("param.")]
    if sampled:
        lines.append("Sampled inputs: " + ", ".join(f"{c[len('param.'):]} = {row[c]:.3g}"
                                                   for c in sampled))
    text = rounds[rounds["actor"] == "_text"]
    held = rounds[rounds["actor"] != "_text"]
    issues = list(scn.issues)
    last = int(rounds["round"].max()) if len(rounds) else 0
    for t in range(0, last + 1):
        now = text[text["round"] == t].set_index("issue")["position"]
        lead = "Opening" if t == 0 else f"Round {t}"
        lines.append("")
        lines.append(f"{lead}: forecast " + ", ".join(
            f"{i} {now[i]:.1f}" for i in issues if i in now.index))
        if t == 0:
            for aid in scn.actors:
                pos = held[(held["round"] == 0) & (held["actor"] == aid)].set_index(
                    "issue")["position"]
                lines.append(f"  {names[aid]} ({scn.actors[aid].role}): " + ", ".join(
                    f"{i} {pos[i]:.1f}" for i in issues if i in pos.index))
            continue
        before = held[held["round"] == t - 1].set_index(["actor", "issue"])["position"]
        after = held[held["round"] == t].set_index(["actor", "issue"])["position"]
        moved = (after - before.reindex(after.index)).dropna()
        moved = moved[moved.abs() > 1e-9]
        if moved.empty:
            lines.append("  nobody moved: the positions have settled")
        for key, step in moved.items():
            aid, issue = str(key[0]), str(key[1])  # type: ignore[index]
            lines.append(f"  {names[aid]} moves on {issue} by {step:+.1f} to "
                         f"{after[(aid, issue)]:.1f}")
    outcome = str(row["outcome"])
    options = scn.negotiation.expected_utility
    gap = options.agreement_gap if options is not None else None
    lines.append("")
    settled = [i for i in issues if np.isfinite(float(row.get(f"terms.{i}", np.nan)))]
    lines.append(f"Forecast outcome: {outcome} — "
                 + (f"the parties ended within {gap:g} points of each other on "
                    if gap is not None else "the parties converged on ")
                 + (", ".join(f"{i} (at {float(row[f'terms.{i}']):.1f})" for i in settled)
                    if settled else "no issue")
                 + f"; last movement in round {int(row['rounds'])}.")
    return "\n".join(lines)


def explain(path: str | Path, run: int = 0, overrides: Sequence[str] = (),
            seed: int | None = None) -> str:
    """A readable narrative of replication ``run``.

    Protocols the Mesa engine runs are told from the Mesa model; the others (the
    expected-utility forecast) from the vector engine's trace of that replication.
    """
    scn = load_scenario(path, overrides=list(overrides))
    if not get_protocol(scn.negotiation.protocol).mesa:
        return explain_forecast(scn, run, scn.seed if seed is None else seed)
    scn, model, dr, run_seed = build_model(path, run, overrides, seed)
    p = model.params
    issues = p.agenda.issue_ids
    name = dict(zip(p.actors.ids, p.actors.names, strict=True))
    parties = [p.actors.ids[a] for a in p.actors.party_idx]
    lines = [f"{scn.title or scn.name} — replication {run} (seed {run_seed})"]
    if dr.samples:
        lines.append("Sampled inputs: " + ", ".join(f"{k} = {v[0]:.3g}"
                                                    for k, v in dr.samples.items()))
    hum = p.humanitarian.issue
    if hum >= 0:
        lines.append(f"Humanitarian track: {issues[hum]} is exchanged session by session "
                     f"(rate {p.humanitarian.rate[0]:.2f} at neutral trust, trust effect "
                     f"{p.humanitarian.trust_effect[0]:.2f}); it is never settled.")
    lines.append("Opening positions (each issue's 0-100 axis, see its anchors):")
    for a in p.actors.party_idx:
        lines.append(f"  {name[p.actors.ids[a]]}: {_terms(p.actors.position[0, a], issues)}; "
                     f"reservation {model.state.reservation[0, a]:.2f} (base "
                     f"{p.actors.reservation[0, a]:.2f}), "
                     f"delegation authority {p.actors.authority[0, a]:.2f}, "
                     f"strategy {p.actors.strategies[a]!r}")
    sides = p.battlefield.sides
    if sides is not None:
        lines.append(
            f"The front: true edge {p.battlefield.edge[0]:+.3f} per session (> 0 favours "
            f"{name[p.actors.ids[sides[0]]]}), volatility {p.battlefield.volatility[0]:.2f}; "
            + ", ".join(f"{name[p.actors.ids[s]]} believes {model.state.belief[0, s]:+.3f}"
                        for s in sides))
    while model.running and model.round < p.agenda.sessions:
        model.step()
        e = model.log[-1]
        t = e["round"]
        lines.append("")
        lead = f"Session {t}"
        if scn.calendar is not None:
            lead += f" ({scn.calendar.date_of(t).isoformat()})"
        if sides is not None:
            lead += (f" — the front has moved {e['front']:+.2f} in all; beliefs about the edge: "
                     + ", ".join(f"{name[p.actors.ids[s]]} {e['belief'][s]:+.3f}"
                                 for s in sides))
        lines.append(lead)
        if e["fired"]:
            lines.append("  Fired: " + ", ".join(e["fired"]))
        who = p.actors.names[e["tabled_by"]] if e["tabled_by"] >= 0 else "the text"
        open_before = ~model.state.settled[0] | np.isin(np.arange(len(issues)),
                                                         e["newly_settled"])
        answered = open_before & ~p.humanitarian.repeated  # answers on it decide nothing
        lines.append(f"  {who} tables: {_terms(e['text'], issues, open_before)}")
        for pid in parties:
            if e["ratified"][pid]:
                verdict = "ratifies" if e["ratified"][pid] > 0 else "refuses to ratify"
                lines.append(f"  {name[pid]}'s principal {verdict} what its delegation "
                             "initialled at the last session")
        for pid in parties:
            ans = e["answers"][pid]
            acc = [issues[i] for i in range(len(issues)) if ans[i] and answered[i]]
            rej = [issues[i] for i in range(len(issues)) if not ans[i] and answered[i]]
            how = " (initialled ad referendum)" if e["initialled"][pid] else ""
            lines.append(f"  {name[pid]} accepts{how}: {', '.join(acc) or 'nothing'}; "
                         f"rejects: {', '.join(rej) or 'nothing'}")
        for i in e["newly_settled"]:
            lines.append(f"  Agreed: {issues[i]} at {model.state.terms[0, i]:.1f}")
        if hum >= 0:
            what = (f"exchange on {issues[hum]} at {e['text'][hum]:.1f}" if e["exchanged"]
                    else "no exchange")
            lines.append(f"  Humanitarian track: {what}; trust now {e['trust']:+.2f}")
        lines.append("  Aspiration / reservation: " + ", ".join(
            f"{name[pid]} {e['aspiration'][pid]:.2f} / {e['reservation'][pid]:.2f}"
            for pid in parties))
        for pid in e["walked_out"]:
            lines.append(f"  {name[pid]} walks out: fighting on looks better than any text.")
    fin = finish(p, model.state, dr)
    outcome = OUTCOMES[int(fin.outcome[0])]
    lines.append("")
    why = {
        "comprehensive": "every main-track issue was settled",
        "ceasefire": "a general ceasefire was agreed; other main-track issues stayed open",
        "partial": "some main-track issues were settled, but no general ceasefire",
        "humanitarian_only": "only the humanitarian track moved; nothing on the main track",
        "stalemate": f"the window of {p.agenda.sessions} sessions passed with nothing agreed",
        "collapse": "a party walked out before a ceasefire",
    }[outcome]
    lines.append(f"Outcome: {outcome} after {int(fin.rounds[0])} sessions — {why}.")
    settled = model.state.settled[0]
    if settled.any():
        lines.append(f"Settled terms: {_terms(model.state.terms[0], issues, settled)}")
    if hum >= 0:
        lines.append(f"Humanitarian exchanges: {int(fin.exchanges[0])} in "
                     f"{int(fin.rounds[0])} sessions.")
    if outcome in ("comprehensive", "ceasefire"):
        kind = "settlement" if outcome == "comprehensive" else "ceasefire"
        on = int(fin.imposed_on[0])
        dictated = f"yes, imposed on {name[p.actors.ids[on]]}" if on >= 0 else "no"
        lines.append(f"Dictated peace: {dictated}; the {kind} holds "
                     f"{scn.outcomes.durability.days} days: "
                     f"{'yes' if fin.agreement_holds[0] == 1 else 'no'}")
    return "\n".join(lines)
