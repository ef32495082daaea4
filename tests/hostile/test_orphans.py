"""Worker processes (and the fork server, the resource tracker) end when their parent is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from helpers.hostile import ROOT, TINY, descendants

from sim.engine import workers
from sim.scenario.tempnames import process_alive

pytestmark = pytest.mark.usefixtures("linux_proc")


def sweep_file(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(f"sweep: 1\nscenario: {TINY}\nruns_per_point: 2000\nparameters:\n"
                    "  battlefield.stake: {low: 0, high: 0.2, steps: 40}\noutputs: [partial]\n")
    return path


@pytest.mark.parametrize("command", ["sweep", "run"])
def test_kill_9_of_a_jobs_2_command_leaves_no_process(tmp_path, command):
    argv = (["sweep", str(sweep_file(tmp_path))] if command == "sweep"
            else ["run", str(TINY), "--runs", "400000", "--no-plots", "--trace-runs", "0"])
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "sim", *argv, "--jobs", "2", "--out",
                             str(tmp_path / "out")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        # the fork server, the resource tracker and two workers (children of the fork server)
        while len(kids := descendants(proc.pid)) < 4:
            assert proc.poll() is None and time.monotonic() < deadline, kids
            time.sleep(0.05)
        time.sleep(0.5)  # the workers are busy with chunks now
        kids = descendants(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while alive := [p for p, start in kids.items() if process_alive(p, start)]:
        if time.monotonic() > deadline:
            for p in alive:  # do not leave them to the next test
                os.kill(p, signal.SIGKILL)
            pytest.fail(f"still alive 10 s after the parent was killed: {alive}")
        time.sleep(0.1)


def test_a_worker_leaves_when_its_parent_is_gone():
    sleeper = subprocess.Popen(["sleep", "30"])
    left = []
    try:
        workers.watch_parent(sleeper.pid, on_exit=lambda: left.append(True))
        time.sleep(0.2)
        assert left == []
    finally:
        sleeper.kill()
        sleeper.wait()
    deadline = time.monotonic() + 5
    while not left:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_without_pidfds_the_parent_is_polled(monkeypatch):
    monkeypatch.setattr(workers, "_pidfd", lambda pid: None)
    monkeypatch.setattr(workers, "POLL_SECONDS", 0.05)
    sleeper = subprocess.Popen(["sleep", "30"])
    left = []
    workers.watch_parent(sleeper.pid, on_exit=lambda: left.append(True))
    sleeper.kill()
    sleeper.wait()
    deadline = time.monotonic() + 5
    while not left:
        assert time.monotonic() < deadline
        time.sleep(0.05)
