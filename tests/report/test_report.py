"""`ceasefire report`: one self-contained HTML page, checked in a real headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sim.cli import main

TESTS = Path(__file__).resolve().parents[1]
TINY = TESTS / "scenarios" / "tiny_two_party.yaml"
SECTIONS = ("question", "assumptions", "outcomes", "drivers", "figures", "replications",
            "provenance")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome", "headless_shell")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    variant = root / "variant.yaml"
    variant.write_text(f"extends: {TINY}\nname: tiny-variant\nsessions: 6\n", encoding="utf-8")
    out = root / "run"
    assert main(["run", str(variant), "--runs", "60", "--out", str(out), "--quiet",
                 "--set", "negotiation.walkout.hazard=0.2"]) == 0
    return out


@pytest.fixture(scope="module")
def report(run_folder):
    assert main(["report", str(run_folder)]) == 0
    return run_folder / "report.html"


def test_the_report_has_every_section_and_needs_no_network(report):
    text = report.read_text(encoding="utf-8")
    for key in SECTIONS:
        assert f'<section id="{key}">' in text, key
    assert text.count("data:image/png;base64,") >= 6  # every figure inline
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing fetched
    assert "<script" not in text and "default-src 'none'" in text
    assert "It extends" in text and "sessions" in text  # what differs from the base
    assert "--set negotiation.walkout.hazard=0.2" in text  # the override
    assert "Session 1" in text  # a narrated replication (the Mesa model's story)
    assert "ceasefire-sim" in text and "seed" in text


def test_sweep_and_comparison_folders_get_a_report(tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"sweep: 1\nscenario: {TINY}\nruns_per_point: 10\nparameters:\n"
                     "  battlefield.edge.mean: {values: [0.1, 0.3]}\n", encoding="utf-8")
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "s"), "--quiet"]) == 0
    assert main(["report", str(tmp_path / "s")]) == 0
    assert "Sweep sweep" in (tmp_path / "s" / "report.html").read_text(encoding="utf-8")
    assert main(["compare", str(TINY), str(TINY), "--runs", "20",
                 "--out", str(tmp_path / "c")]) == 0
    assert main(["report", str(tmp_path / "c"), "--out", str(tmp_path / "c.html")]) == 0
    assert "Comparison:" in (tmp_path / "c.html").read_text(encoding="utf-8")
    assert main(["report", str(tmp_path)]) == 2  # not a folder it knows


def browser() -> str | None:
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def test_the_report_opens_in_a_headless_browser_without_console_errors(report, tmp_path):
    exe = browser()
    if exe is None:
        pytest.skip("no headless browser (chromium) installed; .ci/run installs Debian's")
    done = subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
         "--v=0", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    for key in SECTIONS:
        assert f'id="{key}"' in dom, key
    assert dom.count("<img") >= 6
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console


def test_the_browser_check_sees_a_console_error(tmp_path):
    """The check above can fail: a page with a script error and a fetch is caught."""
    exe = browser()
    if exe is None:
        pytest.skip("no headless browser (chromium) installed; .ci/run installs Debian's")
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>missing();</script></body></html>", encoding="utf-8")
    done = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                           "--enable-logging=stderr", "--v=0",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                           bad.as_uri()], capture_output=True, text=True, timeout=120)
    assert any(":CONSOLE" in line for line in done.stderr.splitlines())


def test_a_calibration_folder_gets_a_report_and_force_keeps_working(tmp_path):
    records = TESTS.parent / "records"
    cal = tmp_path / "cal.yaml"
    cal.write_text(
        f"calibration: 1\nfit: [{records / 'istanbul_2025.yaml'}]\n"
        f"hold_out: [{records / 'trilaterals_2026.yaml'}]\n"
        "priors:\n  humanitarian.rate: {dist: uniform, low: 0.05, high: 0.95}\n"
        "method: smc\nbudget: {particles: 30, generations: 2, max_simulations: 200}\n"
        "predictive_runs: 100\nseed: 2\n", encoding="utf-8")
    out = tmp_path / "c"
    assert main(["calibrate", str(cal), "--out", str(out), "--quiet"]) == 0
    assert main(["report", str(out)]) == 0
    text = (out / "report.html").read_text(encoding="utf-8")
    for key in ("question", "assumptions", "outcomes", "drivers", "figures", "provenance"):
        assert f'<section id="{key}">' in text, key
    assert "uniform(low 0.05, high 0.95)" in text and "trilaterals-2026" in text
    assert text.count("data:image/png;base64,") == 2
    # the report is part of the folder: --force still recognises it as a calibration's
    assert main(["calibrate", str(cal), "--out", str(out), "--quiet", "--force"]) == 0
