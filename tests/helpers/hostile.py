"""For the hostile-input tests: the CLI run in a fresh process, the descendants of a pid."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "sweep" / "data" / "tiny.yaml"
BASELINE = ROOT / "scenarios" / "istanbul_2025.yaml"


def cli(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """``python -m sim ARGS`` in a fresh process (output captured as text)."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=kwargs.pop("cwd", ROOT), env=env, **kwargs)


def descendants(pid: int) -> dict[int, int]:
    """Every live descendant of ``pid`` (Linux ``/proc``): pid -> its start time."""
    from sim.scenario.tempnames import start_time

    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
    out: dict[int, int] = {}
    frontier = [pid]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in out:
                out[child] = start_time(child) or 0
                frontier.append(child)
    return out
