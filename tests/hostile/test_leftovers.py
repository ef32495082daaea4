"""What a writer killed with SIGKILL leaves is removed by a later run; a live writer's never is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers.hostile import ROOT, TINY

from sim.cli import main
from sim.scenario.tempnames import (
    host_id,
    is_temporary,
    me,
    process_alive,
    remove_stale,
    start_time,
    temp_name,
    writer_of,
)

pytestmark = pytest.mark.usefixtures("linux_proc")


def dead_writer() -> tuple[int, int]:
    """The pid and start time of a process that has ended (and been reaped)."""
    proc = subprocess.Popen(["sleep", "30"])
    start = start_time(proc.pid)
    proc.kill()
    proc.wait()
    assert start is not None and not process_alive(proc.pid, start)
    return proc.pid, start


def stale_name(folder: Path, base: str, tag: str, pid: int, start: int, host: str = "") -> Path:
    return folder / f".{base}.{tag}-{host or host_id()}-{pid}-{start}-0123abcd"


def test_a_run_killed_while_writing_leaves_a_folder_the_next_run_removes(tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(TINY), "--runs", "200000",
                             "--no-plots", "--out", str(tmp_path / "first")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        # killed while it streams runs.parquet into its hidden folder
        while not [p for p in tmp_path.glob(".first.partial-*/runs.parquet")]:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    left = [p for p in tmp_path.iterdir() if is_temporary(p.name)]
    assert len(left) == 1 and (left[0] / "runs.parquet").exists()
    assert writer_of(left[0].name).pid == proc.pid
    assert main(["run", str(TINY), "--runs", "5", "--no-plots", "--quiet",
                 "--out", str(tmp_path / "second")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["second"]


def test_only_temporaries_of_dead_writers_on_this_host_are_removed(tmp_path):
    pid, start = dead_writer()
    dead = stale_name(tmp_path, "res", "partial", pid, start)
    dead.mkdir()
    (dead / "runs.parquet").write_bytes(b"x")
    dead_file = stale_name(tmp_path, "manifest.json", "tmp", pid, start)
    dead_file.write_text("{}")
    reused = stale_name(tmp_path, "res", "old", os.getpid(), 1)  # our pid, another start time
    reused.mkdir()
    live = temp_name(tmp_path / "res", "partial")  # this process: alive
    live.mkdir()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        other = stale_name(tmp_path, "res", "partial", sleeper.pid, start_time(sleeper.pid))
        other.mkdir()  # another live process
        remote = stale_name(tmp_path, "res", "partial", pid, start, host="ffffffff")
        remote.mkdir()  # another machine's writer, on a shared disk
        legacy = tmp_path / ".res.partial-1a2b3c4d"  # no writer recorded: never touched
        legacy.mkdir()
        mine = tmp_path / "res"
        mine.mkdir()
        removed = remove_stale(tmp_path)
        assert sorted(removed) == sorted([dead, dead_file, reused])
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            p.name for p in (live, other, remote, legacy, mine))
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_stale(tmp_path) == [other]  # its writer is gone now


def test_a_sweep_cleans_what_killed_sweeps_left_and_resumes(tmp_path):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(f"sweep: 1\nscenario: {TINY}\nruns_per_point: 4\nparameters:\n"
                     "  battlefield.stake: {values: [0.1, 0.2]}\noutputs: [partial]\n")
    out = tmp_path / "results" / "a"
    assert main(["sweep", str(sweep), "--out", str(out), "--quiet"]) == 0
    pid, start = dead_writer()
    plots = stale_name(out, "plots", "tmp", pid, start)
    plots.mkdir()
    (plots / "shares.png").write_bytes(b"png")
    point = stale_name(out / "points", "point-00001.parquet", "tmp", pid, start)
    point.write_bytes(b"half")
    old = stale_name(out.parent, "a", "old", pid, start)
    old.mkdir()
    # a new sweep beside it cleans its sibling folder and the parent
    assert main(["sweep", str(sweep), "--out", str(out.parent / "b"), "--quiet",
                 "--no-plots"]) == 0
    assert not plots.exists() and not point.exists() and not old.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["a", "b"]
    # and a resume cleans its own folder
    plots.mkdir()
    assert main(["sweep", str(sweep), "--resume", str(out), "--quiet", "--no-plots"]) == 0
    assert not plots.exists()


def test_temporary_names_record_the_writer():
    name = temp_name(Path("/x") / ("n" * 300), "tmp").name
    assert len(name) < 200 and is_temporary(name)
    w = writer_of(name)
    assert w == me() and w.alive()
    assert writer_of(".plots.tmp-1700000000000000") is None  # the form before writers
