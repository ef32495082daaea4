"""Temporary files and folders that say who writes them, and the cleaning of stale ones.

Everything ceasefire-sim writes is first written under a hidden temporary name beside its
final one and renamed into place when complete (a result folder, a sweep's point files,
manifest and plots, a scenario written by ``import-bdm`` or ``migrate``). A writer killed
with ``kill -9`` (or by the out-of-memory killer, or a power cut) leaves its temporary behind.
So the name records the writer::

    .<base>.<tag>-<host>-<pid>-<start>-<random>

with ``tag`` one of ``partial`` (a folder or file being written), ``tmp`` (a file or folder
about to replace another) and ``old`` (a folder being replaced, removed once the new one is in
place); ``host`` is a hash of the machine's name, ``pid`` the writer's process id and ``start``
its start time (clock ticks since boot, from ``/proc``; 0 where unknown), which tells a dead
writer from a new process that got the same pid.

:func:`remove_stale` removes the temporaries of a folder whose writer is gone: on this host,
with no live process of that pid and start time. A live writer's temporaries, those of another
host (a shared disk) and names in any other form are never touched.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

TAGS: tuple[str, ...] = ("partial", "tmp", "old")

#: Longest part of the final name kept in a temporary name (names stay under 255 bytes).
MAX_BASE = 96

_NAME = re.compile(r"^\.(?P<base>.+)\.(?P<tag>partial|tmp|old)-(?P<host>[0-9a-f]{8})-"
                   r"(?P<pid>\d+)-(?P<start>\d+)-[0-9a-f]{8}$")


@dataclass(frozen=True)
class Writer:
    """The process that made a temporary name."""

    host: str
    pid: int
    start: int

    def alive(self) -> bool:
        """Whether the writer may still be running (True when that cannot be told)."""
        if self.host != host_id():
            return True  # another machine's writer: not ours to judge
        return process_alive(self.pid, self.start)


def host_id() -> str:
    """A short hash of this machine's name."""
    return hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:8]


def start_time(pid: int) -> int | None:
    """The start time of process ``pid`` (clock ticks since boot), or None if unknown.

    Read from ``/proc/<pid>/stat`` on Linux (field 22, after the parenthesised command name,
    which may itself hold spaces and parentheses).
    """
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def _state(pid: int) -> str | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return fields[0] if fields else None


def process_alive(pid: int, start: int = 0) -> bool:
    """Whether process ``pid`` (started at ``start``, if known) is running on this host.

    A process that has exited but not yet been reaped (a zombie) is not running.
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    except OSError:  # pragma: no cover - e.g. a pid beyond the platform's range
        return False
    if _state(pid) in ("Z", "X"):
        return False
    if start:
        now = start_time(pid)
        if now is not None and now != start:
            return False  # the pid was reused by a newer process
    return True


def me() -> Writer:
    """This process as a writer."""
    return Writer(host_id(), os.getpid(), start_time(os.getpid()) or 0)


def temp_name(final: Path, tag: str = "partial") -> Path:
    """A hidden temporary sibling of ``final`` that records this process as its writer."""
    if tag not in TAGS:
        raise ValueError(f"unknown tag {tag!r}")
    w = me()
    base = final.name[:MAX_BASE]
    return final.with_name(f".{base}.{tag}-{w.host}-{w.pid}-{w.start}-{secrets.token_hex(4)}")


def writer_of(name: str) -> Writer | None:
    """The writer recorded in a temporary name, or None if ``name`` is not one."""
    m = _NAME.match(name)
    if m is None:
        return None
    return Writer(m["host"], int(m["pid"]), int(m["start"]))


def is_temporary(name: str) -> bool:
    """Whether ``name`` is a temporary name of this module's form."""
    return _NAME.match(name) is not None


def remove_stale(folder: Path) -> list[Path]:
    """Remove the temporaries in ``folder`` whose writer is gone; return what was removed.

    Never raises: a folder that cannot be listed, or an entry that cannot be removed, is left
    as it is.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        writer = writer_of(entry.name)
        if writer is None or writer.alive():
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary sibling renamed into place.

    What killed writers left beside ``path`` is removed first; if this write fails, its
    temporary file is removed and ``path`` is as it was.
    """
    path = Path(path)
    remove_stale(path.parent)
    tmp = temp_name(path, "partial")
    try:
        with tmp.open("x", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
