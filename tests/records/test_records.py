"""Records: the shipped series validate with sourced facts; broken files fail like scenarios."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sim.cli import main
from sim.records import load_record, shipped_records, validate_record
from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "docs" / "reference" / "domain.md"
TINY = ROOT / "tests" / "scenarios" / "tiny_two_party.yaml"


def domain_keys() -> set[str]:
    """The source keys listed in docs/reference/domain.md §8."""
    text = DOMAIN.read_text(encoding="utf-8")
    sources = text[text.index("## 8. Sources"):]
    return set(re.findall(r"^- \[([SL][0-9]+x?)\]", sources, flags=re.M))


# --- the shipped records ----------------------------------------------------------------------

def test_the_three_series_ship():
    assert {p.stem for p in shipped_records()} == {
        "istanbul_2022", "istanbul_2025", "trilaterals_2026"}


@pytest.mark.parametrize("path", shipped_records(), ids=lambda p: p.stem)
def test_shipped_record_validates_and_its_scenario_loads(path, capsys):
    assert validate_record(path) == []
    loaded = load_record(path)
    assert load_scenario(path.parent / loaded.record.scenario).name == loaded.scenario.name
    assert main(["validate", str(path)]) == 0
    assert f"{path}: ok" in capsys.readouterr().out


@pytest.mark.parametrize("path", shipped_records(), ids=lambda p: p.stem)
def test_every_source_key_of_a_shipped_record_is_in_domain_md(path):
    known = domain_keys()
    assert len(known) > 90
    record = load_record(path).record
    used = {key for s in record.sessions
            for keys in s.sources.model_dump().values() if keys for key in keys}
    assert used and used <= known, sorted(used - known)


@pytest.mark.parametrize("path", shipped_records(), ids=lambda p: p.stem)
def test_every_fact_of_a_shipped_record_has_a_source(path):
    for s in load_record(path).record.sessions:
        assert s.sources.date
        for fact in s.given():
            assert getattr(s.sources, fact), (s.label, fact)


MAPPING = {
    "istanbul_2022": [("2022-02-28", 1, 1), ("2022-03-10", 3, 3), ("2022-03-29", 6, 6),
                      ("2022-04-15", 8, 8), ("2022-05", 10, 12)],
    "istanbul_2025": [("2025-05-16", 1, 1), ("2025-06-02", 2, 2), ("2025-07-23", 5, 5)],
    "trilaterals_2026": [("2026-01-23", 1, 1), ("2026-02-04", 2, 2), ("2026-02-17", 3, 3)],
}


@pytest.mark.parametrize("path", shipped_records(), ids=lambda p: p.stem)
def test_dates_map_to_the_simulated_sessions(path):
    loaded = load_record(path)
    got = [(str(m.session.date), m.first, m.last) for m in loaded.matches]
    assert got == MAPPING[path.stem]
    cal = loaded.scenario.calendar
    assert cal is not None
    for m in loaded.matches:
        assert m.first is not None
        # the simulated session is the first one held on or after the recorded day
        assert cal.date_of(m.first) >= m.session.first_day
        assert m.first == 1 or cal.date_of(m.first - 1) < m.session.first_day
    assert "session" in loaded.table().splitlines()[0]


def test_what_the_shipped_records_observe():
    by = {p.stem: load_record(p).record for p in shipped_records()}
    s2025 = by["istanbul_2025"].sessions
    assert [s.size for s in s2025] == [1000, 6000, 1200]
    assert all(s.exchange and s.ceasefire is False and s.walkout is False for s in s2025)
    s2022 = by["istanbul_2022"].sessions
    assert [s.walkout for s in s2022] == [False, False, False, False, True]
    assert all(s.exchange is None for s in s2022)  # domain.md names no 2022 exchange
    assert s2022[-1].month_only and s2022[-1].last_day == dt.date(2022, 5, 31)
    s2026 = by["trilaterals_2026"].sessions
    assert [s.exchange for s in s2026] == [None, True, None]
    assert s2026[1].size == 157
    assert all(s.ceasefire is False for r in by.values() for s in r.sessions)


def test_the_2026_scenario_is_the_2025_baseline_moved_to_2026():
    scn = load_scenario(ROOT / "scenarios" / "trilaterals_2026.yaml")
    base = load_scenario(ROOT / "scenarios" / "istanbul_2025.yaml")
    assert scn.calendar is not None and scn.calendar.start == dt.date(2026, 1, 23)
    assert scn.calendar.every_days == 13
    assert set(scn.actors) == set(base.actors) and set(scn.issues) == set(base.issues)


def test_validate_a_record_from_the_command_line_in_a_fresh_process():
    path = ROOT / "records" / "istanbul_2025.yaml"
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout


# --- broken records ---------------------------------------------------------------------------

GOOD = """\
record: 1
name: tiny
title: A tiny series
scenario: scenario.yaml
sessions:
  - date: 2025-05-16
    label: first
    exchange: true
    size: 10
    ceasefire: false
    sources:
      date: [S1]
      exchange: [S1]
      size: [S1]
      ceasefire: [S2]
  - date: 2025-06-02
    label: second
    walkout: true
    positions:
      red: {territory: 60}
    sources:
      date: [S17]
      walkout: [S17]
      positions: [S17]
"""

SCENARIO_CALENDAR = "calendar: {start: 2025-05-16, every_days: 7}\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "scenario.yaml").write_text(TINY.read_text() + SCENARIO_CALENDAR)
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "record.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def fails(path: Path, capsys) -> str:
    """Run ``ceasefire validate`` on ``path``: exit 2, no traceback; return stderr."""
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_the_test_record_is_valid(folder):
    loaded = load_record(write(folder, GOOD))
    assert [(m.first, m.last) for m in loaded.matches] == [(1, 1), (4, 4)]
    assert loaded.record.sessions[1].positions == {"red": {"territory": 60.0}}


def test_unknown_key_with_did_you_mean(folder, capsys):
    err = fails(write(folder, GOOD.replace("    walkout: true", "    walkuot: true")), capsys)
    assert re.search(r"record\.yaml:18:5: sessions\.1\.walkuot: unknown key 'walkuot'; "
                     r"did you mean 'walkout'\?", err), err


def test_unknown_top_level_and_sources_keys(folder, capsys):
    text = GOOD.replace("title:", "titel: x\ntitle:").replace("      ceasefire: [S2]",
                                                               "      ceasfire: [S2]")
    err = fails(write(folder, text), capsys)
    assert "record.yaml:3:1: titel: unknown key 'titel'; did you mean 'title'?" in err
    assert "sessions.0.sources.ceasfire: unknown key 'ceasfire'; did you mean 'ceasefire'?" in err
    # the ceasefire fact then has no source: reported too, in the same run
    assert "sessions.0.ceasefire: missing source" in err


def test_bad_date(folder, capsys):
    err = fails(write(folder, GOOD.replace("date: 2025-06-02", "date: 2 June 2025")), capsys)
    assert re.search(r"record\.yaml:16:\d+: sessions\.1\.date: expected a date YYYY-MM-DD", err)


def test_date_that_does_not_exist(folder, capsys):
    err = fails(write(folder, GOOD.replace("date: 2025-06-02", "date: 2025-06-31")), capsys)
    assert "record.yaml:16:" in err and "is not a valid date" in err


def test_decreasing_dates(folder, capsys):
    err = fails(write(folder, GOOD.replace("date: 2025-06-02", "date: 2025-05-10")), capsys)
    assert re.search(r"record\.yaml:16:\d+: sessions\.1\.date: 2025-05-10 is not after the "
                     r"previous session's date 2025-05-16", err), err


def test_missing_source(folder, capsys):
    err = fails(write(folder, GOOD.replace("      walkout: [S17]\n", "")), capsys)
    assert re.search(r"record\.yaml:18:5: sessions\.1\.walkout: missing source", err), err


def test_missing_date_source(folder, capsys):
    err = fails(write(folder, GOOD.replace("      date: [S17]\n", "")), capsys)
    assert re.search(r"record\.yaml:\d+:\d+: sessions\.1\.sources\.date: missing required key "
                     "'date'", err), err


def test_source_for_a_fact_not_recorded(folder, capsys):
    err = fails(write(folder, GOOD.replace("      positions: [S17]\n",
                                           "      positions: [S17]\n      ceasefire: [S17]\n")),
                capsys)
    assert "sessions.1.sources.ceasefire: sources for 'ceasefire', which this session" in err


def test_source_key_of_the_wrong_form(folder, capsys):
    err = fails(write(folder, GOOD.replace("ceasefire: [S2]", "ceasefire: [Reuters]")), capsys)
    assert re.search(r"record\.yaml:15:\d+: sessions\.0\.sources\.ceasefire\.0: 'Reuters' is "
                     r"not a source key", err), err


def test_unknown_source_key_is_caught_by_the_domain_check():
    """The loader checks the form; every shipped key must also exist in domain.md."""
    assert "S999" not in domain_keys() and "S1" in domain_keys() and "S56x" in domain_keys()


def test_scenario_path_that_does_not_exist(folder, capsys):
    err = fails(write(folder, GOOD.replace("scenario: scenario.yaml", "scenario: nope.yaml")),
                capsys)
    assert re.search(r"record\.yaml:4:1: scenario: scenario \S*nope\.yaml not found", err), err


def test_scenario_that_does_not_load(folder, capsys):
    (folder / "bad.yaml").write_text("schema: 2\nname: bad\n")
    err = fails(write(folder, GOOD.replace("scenario: scenario.yaml", "scenario: bad.yaml")),
                capsys)
    assert re.search(r"record\.yaml:4:1: scenario: scenario \S*bad\.yaml does not load", err)
    assert "bad.yaml" in err and "missing required key" in err


def test_two_records_in_one_simulated_session(folder, capsys):
    text = GOOD.replace("date: 2025-05-16", "date: 2025-05-17").replace("date: 2025-06-02",
                                                                         "date: 2025-05-20")
    err = fails(write(folder, text), capsys)
    assert re.search(r"record\.yaml:16:\d+: sessions\.1\.date: 'second' \(2025-05-20\) and "
                     r"'first' \(2025-05-17, line 6\) fall in the same simulated session 2 "
                     r"\(2025-05-23\)", err), err


def test_date_before_the_calendar_or_after_the_last_session(folder, capsys):
    err = fails(write(folder, GOOD.replace("date: 2025-05-16", "date: 2025-05-01")), capsys)
    assert "sessions.0.date: 2025-05-01 is before the scenario's calendar start 2025-05-16" in err
    err = fails(write(folder, GOOD.replace("date: 2025-06-02", "date: 2026-06-02")), capsys)
    assert "sessions.1.date: 2026-06-02 falls after the scenario's last session" in err


def test_unknown_actor_and_issue(folder, capsys):
    err = fails(write(folder, GOOD.replace("red: {territory: 60}", "rde: {territory: 60}")), capsys)
    assert "sessions.1.positions.rde: unknown actor 'rde' in the scenario; did you mean 'red'?" \
        in err
    err = fails(write(folder, GOOD.replace("red: {territory: 60}", "red: {terirtory: 60}")), capsys)
    assert "did you mean 'territory'?" in err


def test_bad_values(folder, capsys):
    text = (GOOD.replace("exchange: true", "exchange: yes").replace("red: {territory: 60}",
                                                                    "red: {territory: 160}")
            .replace("record: 1", "record: 2"))
    err = fails(write(folder, text), capsys)
    assert "record.yaml:1:1: record: expected '1', got 2" in err
    assert "sessions.0.exchange: expected true, false or unknown, got 'yes'" in err
    assert "sessions.1.positions.red.territory:" in err


def test_size_needs_an_exchange(folder, capsys):
    err = fails(write(folder, GOOD.replace("exchange: true", "exchange: unknown")
                      .replace("      exchange: [S1]\n", "")), capsys)
    assert "sessions.0.size: an exchange size needs exchange: true" in err


def test_month_only_dates_overlap_check(folder, capsys):
    text = GOOD.replace("date: 2025-05-16", "date: 2025-05").replace("date: 2025-06-02",
                                                                     "date: 2025-05-30")
    err = fails(write(folder, text), capsys)
    assert "sessions.1.date: 2025-05-30 is not after the previous session's date 2025-05" in err


def test_empty_and_non_mapping_files(folder, capsys):
    path = folder / "record.yaml"
    path.write_text("")
    with pytest.raises(ScenarioError, match="empty"):
        load_record(path)
    path.write_text("record: 1\n")
    assert any("missing required key 'name'" in p for p in validate_record(path))
    path.write_text("- record: 1\n")
    assert fails(path, capsys)


def test_a_record_with_a_scenario_without_calendar_has_no_mapping(tmp_path):
    (tmp_path / "scenario.yaml").write_text(TINY.read_text())
    (tmp_path / "record.yaml").write_text(GOOD)
    loaded = load_record(tmp_path / "record.yaml")
    assert [m.first for m in loaded.matches] == [None, None]
    assert [m.sessions_text() for m in loaded.matches] == ["-", "-"]
