"""``ceasefire report DIR``: one self-contained, printable HTML page about a result folder.

For a run folder of ``ceasefire run`` the page has, in order: the question; the assumptions (the
parties, the window, the protocol, the uncertain inputs) and what differs from the scenario's
``extends`` base and from its file (``--set``); the outcome shares with Wilson 95% intervals;
the drivers of each outcome (:mod:`sim.results.drivers`) and the scenario-discovery boxes of the
main outcomes (:mod:`sim.sweep.discovery`); the figures; a narrated typical replication per
outcome (the replication whose sampled inputs lie nearest the mean of that outcome's, told by a
``Narrator`` the caller gives, as ``ceasefire explain`` tells it); the provenance (version, seed,
command, package versions). A sweep folder gets its design, the parameters, the sensitivity
summary and its figures; a comparison folder its table and figures.

Self-contained: the figures are inline PNG (``data:`` URIs), the style is inline, there is no
script, and a Content-Security-Policy forbids any fetch, so the page opens without a network and
nothing it shows depends on one.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.results.drivers import clear, drivers_table
from sim.results.errors import ResultsError
from sim.results.store import read_run_dir

Narrator = Callable[[Path, int, int], str]
"""``narrate(scenario_file, run, seed)`` -> the text of one replication (``ceasefire explain``)."""

REPORT_FILE = "report.html"

STYLE = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #222;
       max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem;
     border-bottom: 1px solid #ccc; padding-bottom: .2rem; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .25rem .6rem; text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .85rem; color: #555; }
pre { background: #f6f6f6; padding: .7rem; overflow-x: auto; font-size: .8rem;
      white-space: pre-wrap; }
.lead { font-size: 1.1rem; } .muted { color: #666; font-size: .9rem; }
nav ol { columns: 2; font-size: .9rem; }
@media print { body { max-width: none; margin: 0; } nav { display: none; }
  h2 { break-after: avoid; } figure, table, pre { break-inside: avoid; }
  a { color: inherit; text-decoration: none; } }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _pct(x: float | None) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{100 * x:.1f}%"


def _table(header: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f'<th class="num">{_e(h)}</th>' if k in numeric else f"<th>{_e(h)}</th>"
                   for k, h in enumerate(header))
    body = "".join("<tr>" + "".join(
        f'<td class="num">{_e(c)}</td>' if k in numeric else f"<td>{_e(c)}</td>"
        for k, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


class _Page:
    """Sections of the page, with their table of contents."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.sections: list[tuple[str, str, str]] = []

    def add(self, key: str, heading: str, body: str) -> None:
        self.sections.append((key, heading, body))

    def render(self, lead: str) -> str:
        toc = "".join(f'<li><a href="#{k}">{_e(h)}</a></li>' for k, h, _ in self.sections)
        body = "".join(f'<section id="{k}"><h2>{_e(h)}</h2>{b}</section>'
                       for k, h, b in self.sections)
        csp = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
               "base-uri 'none'; form-action 'none'")
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{_e(self.title)}</title><style>{STYLE}</style></head><body>"
                f"<header><h1>{_e(self.title)}</h1><p class=\"lead\">{lead}</p></header>"
                f"<nav><ol>{toc}</ol></nav>{body}"
                f"<footer class=\"muted\"><p>Written by ceasefire report on "
                f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC.</p></footer></body></html>\n")


# --- run folders ---------------------------------------------------------------------------


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        if "dist" in value:
            return {prefix: value}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def _show(value: Any) -> str:
    if isinstance(value, dict) and "dist" in value:
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return json.dumps(value, default=str, ensure_ascii=False) if isinstance(
        value, list | dict) else str(value)


def differences(scenario_file: Path) -> tuple[str | None, list[tuple[str, str, str]]]:
    """The scenario's ``extends`` base and every key whose resolved value differs from it."""
    import yaml

    from sim.scenario import ScenarioError, load_scenario

    try:
        data = yaml.safe_load(scenario_file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None, []
    base = data.get("extends") if isinstance(data, dict) else None
    if not base:
        return None, []
    try:
        here = load_scenario(scenario_file).model_dump(mode="json", by_alias=True,
                                                       exclude_none=True)
        there = load_scenario(scenario_file.parent / base).model_dump(
            mode="json", by_alias=True, exclude_none=True)
    except ScenarioError:
        return str(base), []
    a, b = _flatten(here), _flatten(there)
    rows = [(key, _show(b.get(key, "(absent)")), _show(a.get(key, "(absent)")))
            for key in sorted(set(a) | set(b))
            if a.get(key) != b.get(key) and key not in ("name", "title", "extends")]
    return str(base), rows


def typical_runs(runs: pd.DataFrame) -> dict[str, int]:
    """Per outcome, the replication whose sampled inputs lie nearest its outcome's mean ones.

    Inputs are standardised over all runs; with no sampled inputs, the outcome's first run.
    """
    params = [c for c in runs.columns if c.startswith("param.")]
    out: dict[str, int] = {}
    if params:
        x = runs[params].to_numpy(dtype=float)
        sd = x.std(axis=0)
        z = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    for name, part in runs.groupby(runs["outcome"].astype(str), sort=False):
        idx = part.index.to_numpy()
        if params:
            centre = z[idx].mean(axis=0)
            best = idx[int(np.argmin(((z[idx] - centre) ** 2).sum(axis=1)))]
        else:
            best = idx[0]
        out[str(name)] = int(runs.loc[best, "run"])
    return out


def _run_report(folder: Path, narrate: Narrator | None, discovery: bool) -> str:
    from sim.plots import draw_all
    from sim.results.meta import outcome_order

    rd = read_run_dir(folder)
    if not list((folder / "plots").glob("*.png")):
        draw_all(folder)
    m, s, meta = rd.manifest, rd.summary, rd.meta
    scenario = _scenario_brief(folder)
    page = _Page(f"{rd.title}: what the simulation says")
    window = f"{meta.get('max_rounds', '?')} sessions"
    if scenario.get("calendar"):
        window += f" from {scenario['calendar']}"
    parties = [a["name"] or aid for aid, a in meta.get("actors", {}).items()
               if a.get("role") == "party"]
    question = (f"How are the talks between {', '.join(parties)} likely to end over the "
                f"{window}? {s['runs']:,} replications of scenario <code>{_e(rd.name)}</code>"
                f" (seed {s['seed']}), each drawing its uncertain inputs from their priors.")
    page.add("question", "The question", f"<p>{question}</p>")
    page.add("assumptions", "Assumptions", _assumptions(folder, rd, scenario))
    page.add("outcomes", "Outcome shares", _outcomes_html(s, outcome_order(meta)))
    page.add("drivers", "Drivers of each outcome", _drivers_html(rd.runs, folder, discovery))
    page.add("figures", "Figures", _figures_html(folder / "plots"))
    if narrate is not None:
        page.add("replications", "A typical replication of each outcome",
                 _narratives(folder, rd.runs, int(s["seed"]), narrate))
    page.add("provenance", "Provenance", _provenance(m))
    best = max(s["outcomes"].items(), key=lambda kv: kv[1]["share"])
    lo, hi = best[1]["ci95"]
    lead = (f"Most likely outcome: <b>{_e(best[0])}</b>, {_pct(best[1]['share'])} of "
            f"replications (95% interval {_pct(lo)}–{_pct(hi)}).")
    return page.render(lead)


def _scenario_brief(folder: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    data = data if isinstance(data, dict) else {}
    cal = data.get("calendar") or {}
    return {"calendar": f"{cal.get('start')}, every {cal.get('every_days')} days" if cal
            else "", "protocol": (data.get("negotiation") or {}).get("protocol", "mediated"),
            "data": data}


def _assumptions(folder: Path, rd: Any, scenario: dict[str, Any]) -> str:
    meta, m = rd.meta, rd.manifest
    rows = [[aid, a.get("name") or aid, a.get("role")] for aid, a in meta.get("actors",
                                                                              {}).items()]
    out = ["<h3>Who is at the table</h3>", _table(["id", "actor", "role"], rows)]
    out.append(f"<p>Protocol <code>{_e(scenario.get('protocol', meta.get('protocol')))}</code>; "
               f"{meta.get('max_rounds', '?')} sessions"
               + (f", dated from {_e(scenario['calendar'])}" if scenario.get("calendar") else "")
               + f"; engine {_e(m.get('engine'))}.</p>")
    params = [c[len("param."):] for c in rd.runs.columns if c.startswith("param.")]
    if params:
        flat = _flatten(scenario.get("data", {}))
        rows = [[p, _show(flat.get(p, "")),
                 f"{rd.runs['param.' + p].quantile(0.1):.3g}–"
                 f"{rd.runs['param.' + p].quantile(0.9):.3g}"] for p in params]
        out += [f"<h3>Uncertain inputs ({len(params)})</h3>",
                "<p>Each replication draws each of these from its prior "
                "(<code>param.*</code> columns of runs.parquet).</p>",
                _table(["key", "prior", "10–90% of the draws"], rows)]
    changed = [f"--set {o}" for o in m.get("overrides") or []]
    if m.get("at_means"):
        changed.append("--at-means: every prior at its mean")
    src = m.get("scenario_file")
    out.append("<h3>What differs from the scenario file and its base</h3>")
    if changed:
        out.append("<p>This run changed its scenario file <code>" + _e(src) + "</code>: "
                   + "; ".join(f"<code>{_e(c)}</code>" for c in changed) + ".</p>")
    else:
        out.append(f"<p>Run from <code>{_e(src)}</code> as written (no <code>--set</code>).</p>")
    if src and Path(src).is_file():
        base, diffs = differences(Path(src))
        if base is None:
            out.append("<p>The scenario has no <code>extends</code> base: it is a baseline.</p>")
        elif diffs:
            out.append(f"<p>It extends <code>{_e(base)}</code>; the resolved keys that differ "
                       "from the base's:</p>")
            out.append(_table(["key", "base", "this scenario"], [list(r) for r in diffs]))
        else:
            out.append(f"<p>It extends <code>{_e(base)}</code> and differs only in its "
                       "name and title.</p>")
    elif src:
        out.append(f"<p class=\"muted\">The scenario file {_e(src)} is not where the run found "
                   "it, so the base cannot be compared; scenario.yaml in the folder is the "
                   "resolved scenario.</p>")
    return "".join(out)


def _outcomes_html(s: dict[str, Any], order: list[str]) -> str:
    rows = []
    for name in order:
        o = s["outcomes"].get(name)
        if o is None:
            continue
        lo, hi = o["ci95"]
        rows.append([name, f"{o['count']:,}", _pct(o["share"]), f"{_pct(lo)}–{_pct(hi)}"])
    flags = s.get("flags", {})
    for name, f in flags.items():
        if not f or f.get("share") is None:
            continue
        lo, hi = f["ci95"]
        of = f" of {f['of']:,}" if f.get("of") is not None else ""
        rows.append([name.replace("_", " ") + " (flag)", f"{f['count']:,}{of}",
                     _pct(f["share"]), f"{_pct(lo)}–{_pct(hi)}"])
    note = ("<p class=\"muted\">Wilson 95% intervals over the replications; agreement holds "
            "is a share of the runs that agreed a ceasefire or settlement.</p>")
    return _table(["outcome", "runs", "share", "95% interval"], rows, {1, 2, 3}) + note


def _drivers_html(runs: pd.DataFrame, folder: Path, discovery: bool) -> str:
    table = drivers_table(runs)
    if table.empty:
        return "<p>No sampled input or fired event varies over the runs: nothing to " \
               "attribute.</p>"
    out = ["<p>One input at a time: the outcome's share among the runs in the input's highest "
           "fifth of draws against its lowest fifth (events: fired against not), with "
           "Newcombe 95% intervals; only differences whose interval excludes 0 are listed, "
           "the five largest per outcome. With many inputs a few clear by chance.</p>"]
    for name, part in table.groupby("outcome", sort=False):
        sure = part[[clear(r) for _, r in part.iterrows()]].head(5)
        if sure.empty:
            out.append(f"<h3>{_e(name)}</h3><p class=\"muted\">No driver clear of 0.</p>")
            continue
        rows = [[r["driver"], f"{_pct(float(r['share_low']))} ({r['low']})",
                 f"{_pct(float(r['share_high']))} ({r['high']})",
                 f"{100 * float(r['diff']):+.1f} pp [{100 * float(r['diff_lo']):+.1f}, "
                 f"{100 * float(r['diff_hi']):+.1f}]"] for r in sure.to_dict("records")]
        out.append(f"<h3>{_e(name)}</h3>" + _table(["driver", "share when low / not fired",
                                                   "share when high / fired",
                                                   "difference [95%]"], rows, {3}))
    if discovery:
        out.append(_discovery_html(folder, runs))
    return "".join(out)


def _discovery_html(folder: Path, runs: pd.DataFrame) -> str:
    from sim.sweep.discovery import discover, outcome_flags
    from sim.sweep.errors import SweepError

    params = [c for c in runs.columns if c.startswith("param.")]
    if not params:
        return ""
    shares = runs["outcome"].astype(str).value_counts(normalize=True)
    main = [o for o, v in shares.items() if 0.05 <= v <= 0.95][:3]
    out = ["<h3>Scenario discovery (PRIM)</h3><p>The inputs jointly: the box of inputs where "
           "each main outcome is most concentrated (Friedman &amp; Fisher 1999, as "
           "<code>ceasefire discover</code> prints it).</p>"]
    for name in main:
        try:
            box = discover(runs[params], outcome_flags(runs, str(name)), boxes=1)[0]
        except SweepError:
            continue
        rate = float(shares.to_dict()[name])
        head = (f"<p><b>{_e(name)}</b> (base rate {_pct(rate)}): ")
        if not box.limits:
            out.append(head + "no box — no restriction of an input is significant with these "
                       "replications.</p>")
            continue
        out.append(head + f"density {_pct(box.density)} ({box.density / rate:.1f} × the base "
                   f"rate), coverage {_pct(box.coverage)}, support {_pct(box.support)}.</p>")
        rows = [[k[len("param."):] if k.startswith("param.") else k, f"{lo:.4g}", f"{hi:.4g}",
                 f"{box.ranges[k][0]:.4g}–{box.ranges[k][1]:.4g}"]
                for k, (lo, hi) in box.limits.items()]
        out.append(_table(["input", "from", "to", "drawn from"], rows, {1, 2}))
    return "".join(out)


CAPTIONS = {
    "outcomes.png": "Outcome shares with Wilson 95% intervals, and the flags.",
    "timeline.png": "When: the cumulative chance of each outcome, and of the first exchange, "
                    "by session (and date).",
    "drivers.png": "Drivers: how each outcome's share moves with the sampled inputs and events.",
    "rounds.png": "When the talks ended and when each issue was agreed.",
    "terms.png": "The terms agreed on each issue.",
    "trajectories.png": "Positions over the sessions, and what each side believes about the "
                        "front.",
    "forecast.png": "The expected-utility forecast, round by round and at the end.",
}


def _figures_html(plots: Path) -> str:
    names = sorted(p.name for p in plots.glob("*.png"))
    first = [n for n in CAPTIONS if n in names] + [n for n in names if n not in CAPTIONS]
    return "".join(_figure(plots / n, CAPTIONS.get(n, n)) for n in first) or \
        "<p>No figures (the folder was written with --no-plots).</p>"


def _narratives(folder: Path, runs: pd.DataFrame, seed: int, narrate: Narrator) -> str:
    out = ["<p>For each outcome, the replication whose sampled inputs lie nearest the mean of "
           "that outcome's replications, told session by session (as <code>ceasefire explain "
           "scenario.yaml --run K</code> tells it).</p>"]
    for name, run in typical_runs(runs).items():
        try:
            text = narrate(folder / "scenario.yaml", run, seed)
        except Exception as exc:  # noqa: BLE001 - a narrative that fails must not lose the page
            text = f"(could not be told: {type(exc).__name__}: {exc})"
        out.append(f"<h3>{_e(name)}: replication {run}</h3><pre>{_e(text)}</pre>")
    return "".join(out)


def _provenance(m: dict[str, Any]) -> str:
    rows = [[k, _show(m.get(k))] for k in ("package", "version", "seed", "runs", "engine",
                                           "jobs", "protocol", "command", "scenario_file",
                                           "scenario_sha256", "resolved_scenario_sha256",
                                           "overrides", "at_means", "started", "finished")
            if k in m]
    versions = m.get("versions") or {}
    rows += [[f"version of {k}", v] for k, v in versions.items()]
    return _table(["", ""], rows)


# --- sweep and comparison folders ---------------------------------------------------------


def _sweep_report(folder: Path) -> str:
    from sim.sweep.plots import plot_sweep
    from sim.sweep.store import read_sweep_dir

    sd = read_sweep_dir(folder)
    m = sd.manifest
    if not list((folder / "plots").glob("*.png")):
        plot_sweep(folder)
    page = _Page(f"Sweep {sd.name}: how the outcome shares move")
    params = ", ".join(f"<code>{_e(p)}</code>" for p in sd.parameters)
    page.add("question", "The question",
             f"<p>How do the shares of {', '.join(sd.outputs)} move with {params}? The base "
             f"scenario <code>{_e(m.get('scenario_name'))}</code> run at "
             f"{m.get('points', len(sd.points)):,} points ({m.get('design')} design) with "
             f"{m.get('runs_per_point'):,} replications each, common random numbers "
             f"(seed {m.get('seed')}).</p>")
    spec = sd.spec.get("parameters", {})
    page.add("assumptions", "Assumptions",
             _table(["parameter", "values or range"], [[k, _show(v)] for k, v in spec.items()]))
    cols = [str(c) for c in sd.points.columns if c == "point" or c in sd.parameters
            or str(c).endswith(".share")]
    rows = [[(f"{v:.4g}" if isinstance(v, float) else v) if not str(c).endswith(".share")
             else _pct(v) for c, v in r.items()]
            for r in sd.points[cols].head(60).to_dict("records")]
    page.add("outcomes", "Outcome shares by point",
             _table(cols, rows) + ("<p class=\"muted\">First 60 points; points.parquet has "
                                   "all of them.</p>" if len(sd.points) > 60 else ""))
    if sd.sensitivity is not None:
        from sim.sweep.sensitivity import sensitivity_lines

        page.add("drivers", "Drivers (sensitivity indices)",
                 "<pre>" + _e("\n".join(sensitivity_lines(sd.sensitivity))) + "</pre>")
    page.add("figures", "Figures", _figures_html(folder / "plots"))
    page.add("provenance", "Provenance", _provenance(m))
    return page.render(f"Sweep of {_e(m.get('scenario_title') or m.get('scenario_name'))}.")


def _compare_report(folder: Path) -> str:
    table = pd.read_csv(folder / "compare.csv")
    labels = list(dict.fromkeys(table["label"]))
    page = _Page("Comparison: " + " vs ".join(labels))
    page.add("question", "The question",
             f"<p>How do the outcome shares of {', '.join(map(_e, labels))} differ from those "
             f"of the first, {_e(labels[0])}?</p>")
    rows = []
    for _, r in table.iterrows():
        diff = "" if pd.isna(r["diff"]) else (f"{100 * r['diff']:+.1f} pp "
                                              f"[{100 * r['diff_lo']:+.1f}, "
                                              f"{100 * r['diff_hi']:+.1f}]")
        rows.append([r["label"], r["output"], _pct(r["share"]),
                     f"{_pct(r['lo'])}–{_pct(r['hi'])}", diff])
    page.add("outcomes", "Outcome shares",
             _table(["item", "outcome", "share", "95% interval", "difference vs first [95%]"],
                    rows, {2, 3, 4}))
    page.add("figures", "Figures", _figures_html(folder))
    page.add("provenance", "Provenance",
             _table(["item", "source"], [[r["label"], f"{r['source']}: {r['item']}"]
                                         for _, r in table.drop_duplicates("label").iterrows()]))
    return page.render("Outcome shares compared, with Newcombe 95% intervals of the "
                       "differences.")


# --- calibration folders -------------------------------------------------------------------


def _interval(iv: Any) -> str:
    return f"{iv[0]:.3g}–{iv[1]:.3g}" if iv else ""


def _prior(dist: Any) -> str:
    """``uniform(low 0.05, high 0.95)`` for a prior's mapping."""
    if not isinstance(dist, dict):
        return _show(dist)
    args = ", ".join(f"{k} {v:g}" if isinstance(v, int | float) else f"{k} {v}"
                     for k, v in dist.items() if k != "dist" and v is not None)
    return f"{dist.get('dist')}({args})"


def _calibration_report(folder: Path) -> str:
    from sim.results.folders import read_manifest_json

    s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    m = read_manifest_json(folder) or {}
    page = _Page(f"Calibration {s.get('name')}: how much does the record support these inputs?")
    fit, held = s.get("fit", []), s.get("hold_out", [])
    params = list(s.get("parameters", {}))
    page.add("question", "The question",
             f"<p>Which values of {', '.join(f'<code>{_e(p)}</code>' for p in params)} "
             f"reproduce what was recorded in {', '.join(map(_e, fit))} "
             f"({s.get('facts_fitted')} facts: {', '.join(map(_e, s.get('statistics', [])))}), "
             "and how well does the calibrated model then forecast the series held out "
             f"({', '.join(map(_e, held)) or 'none'}), which the fit never saw?</p>")
    rows = [[k, _prior(v["prior"].get("dist")), _interval(v["prior"].get("interval90"))]
            for k, v in s.get("parameters", {}).items()]
    b = s.get("budget", {})
    page.add("assumptions", "Assumptions",
             "<p>Priors over the shared inputs (every other input of each series as its "
             "scenario says):</p>" + _table(["input", "prior", "prior 90%"], rows)
             + f"<p>Method {_e(s.get('method'))}, distance {_e(s.get('distance'))}, "
             f"{b.get('particles', '?')} particles, at most {b.get('generations', '?')} "
             f"generations and {b.get('max_simulations', '?'):,} simulations; seed "
             f"{s.get('seed')}. Stopped: {_e(s.get('stopped'))}.</p>")
    rows = []
    for k, v in s.get("parameters", {}).items():
        post = v.get("posterior", {})
        kept = v.get("width90_kept")
        rows.append([k, _interval(v["prior"].get("interval90")),
                     f"{post.get('mean', float('nan')):.3g} ({post.get('sd', float('nan')):.2g})",
                     _interval(post.get("interval50")), _interval(post.get("interval90")),
                     "" if kept is None else f"{100 * kept:.0f}%",
                     "yes" if v.get("constrained") else "no: as wide as the prior"])
    posterior = _table(["input", "prior 90%", "posterior mean (sd)", "posterior 50%",
                        "posterior 90%", "90% width kept", "constrained by the record"],
                       rows, {1, 2, 3, 4, 5})
    scores = []
    for series, sc in s.get("scores", {}).items():
        for forecast in ("posterior", "prior", "base_rate"):
            if forecast in sc:
                f = sc[forecast]
                joint = f.get("joint_log_score", float("nan"))
                scores.append([series, forecast.replace("_", " "), f"{f['log_score']:.3f}",
                               f"{f['brier']:.4f}", f"{joint:.3f}"])
    held_html = (_table(["held-out series", "forecast", "log score", "Brier", "joint log score"],
                        scores, {2, 3, 4})
                 + "<p class=\"muted\">Log score: higher is better, 0 is perfect; Brier: lower "
                 "is better. The prior predictive runs the model with the priors above; the base "
                 "rate forecasts each fact by its frequency in the fitted series.</p>"
                 if scores else "<p>No series was held out.</p>")
    page.add("outcomes", "Posterior and held-out scores", posterior + held_html)
    gens = s.get("generations", [])
    page.add("drivers", "Diagnostics",
             _table(["generation", "tolerance", "simulations", "acceptance rate", "ESS"],
                    [[g["generation"], "inf" if g.get("tolerance") is None
                      else f"{g['tolerance']:.4g}", f"{g['simulations']:,}",
                      f"{g.get('acceptance_rate', float('nan')):.3f}",
                      f"{g.get('ess', float('nan')):.0f}"] for g in gens], {1, 2, 3, 4}))
    figs = [_figure(folder / n, c) for n, c in (
        ("prior_posterior.png", "Prior and posterior: marginals and pairs"),
        ("predictive.png", "Posterior and prior predictive per recorded session, against what "
         "happened")) if (folder / n).is_file()]
    page.add("figures", "Figures", "".join(figs) or
             "<p>No figures (the calibration was written with --no-plots).</p>")
    prov = [[k, _show(m.get(k))] for k in ("version", "seed", "method", "command",
                                           "calibration_file", "problem_sha256", "started",
                                           "finished", "elapsed_seconds") if k in m]
    page.add("provenance", "Provenance", _table(["", ""], prov))
    return page.render("A calibration of shared inputs to the recorded sessions by approximate "
                       "Bayesian computation, scored on held-out series.")


def build_report(folder: Path | str, narrate: Narrator | None = None,
                 discovery: bool = True) -> tuple[str, str]:
    """The HTML of the report on ``folder`` and what kind of folder it is.

    Raises:
        ResultsError: ``folder`` is not a run, sweep, comparison or calibration folder.
    """
    from sim.sweep.store import is_sweep_dir

    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError(f"{folder}: not a folder")
    if is_sweep_dir(folder):
        return _sweep_report(folder), "sweep"
    from sim.results.folders import folder_kind

    if folder_kind(folder) == "calibration":
        return _calibration_report(folder), "calibration"
    if (folder / "compare.csv").is_file():
        return _compare_report(folder), "comparison"
    if (folder / "manifest.json").is_file():
        return _run_report(folder, narrate, discovery), "run"
    raise ResultsError(f"{folder}: not a result folder of `ceasefire run`, a sweep folder, a "
                       "comparison folder of `ceasefire compare` or a calibration folder")


def write_report(folder: Path | str, out: Path | str | None = None,
                 narrate: Narrator | None = None, discovery: bool = True) -> Path:
    """Write ``report.html`` (or ``out``) for ``folder``, atomically; return its path."""
    text, _ = build_report(folder, narrate, discovery)
    target = Path(out) if out is not None else Path(folder) / REPORT_FILE
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as an ordinary file, not mkstemp's private 0600
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
